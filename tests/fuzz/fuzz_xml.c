/* libFuzzer target for util/xml: reads every event with small caps and a
 * window size taken from the first byte, so refills land inside tokens, and
 * touches every name, attribute and text to catch bad pointers. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  struct cv__xml_limits lim = {.max_depth = 32, .max_attrs = 16, .max_token = 4096,
                               .buffer = 16 + (size_t)data[0] * 4};
  struct cv__xml x;
  struct cv_error err = {0};
  volatile size_t sink = 0;
  cv__xml_init_mem(&x, (const char *)data + 1, size - 1, "fuzz.xml", &lim);
  while (cv__xml_next(&x, &err) == CV_OK && x.event != CV__XML_EOF) {
    if (x.event == CV__XML_TEXT) sink += strlen(x.text) + x.text_len;
    else sink += strlen(x.name) + x.name_len + strlen(cv__xml_local(x.name));
    for (size_t i = 0; i < x.n_attrs; i++) sink += strlen(x.attrs[i].value) + x.attrs[i].line;
    sink += x.line + x.column + x.depth;
  }
  cv__xml_fini(&x);
  (void)sink;
  return 0;
}
