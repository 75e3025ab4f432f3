/* libFuzzer target for the Hart reader: the input is one Hart XML file,
 * read for contest "c-1" with "o-w" as the write-in. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "formats/cvr.h"
#include "fuzz_cvr_touch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cv__cvr_source s = {0};
  struct cv_error err = {0};
  s.provider = CV__CVR_HART;
  s.path = "fuzz.xml";
  s.contest_id = "c-1";
  s.undeclared_write_in_label = "o-w";
  s.data = data;
  s.data_len = size;
  cv__cvr_read(&s, fuzz_touch, NULL, NULL, &err);
  return 0;
}
