/* libFuzzer target for audit/sampler_ids: parses an ids file and, when it
 * parses, draws a small consistent sample from it (duplicate ids, odd bytes
 * and long lines all reach the drawing code) and renders it. */
#include <stddef.h>
#include <stdint.h>

#include "canvass/alloc.h"
#include "canvass/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cv_error err = {0};
  cv_ids *ids = NULL;
  if (cv_ids_parse((const char *)data, size, "fuzz.txt", &ids, &err) != CV_OK) return 0;
  struct cv_sample_options o = {.method = CV_SAMPLE_CONSISTENT, .seed = "01234567890123456789",
                                .seed_len = 20, .take = 5, .drop = 1, .digits = 12,
                                .without_replacement = size % 2 == 0};
  cv_sample *s = NULL;
  if (cv_sample_draw(&o, ids, &s, &err) == CV_OK) {
    char *text = NULL;
    size_t len;
    if (cv_sample_render(s, size % 3 ? CV_FORMAT_JSON : CV_FORMAT_TEXT, &text, &len, &err) == CV_OK)
      cv_free(text);
    cv_sample_free(s);
  }
  cv_ids_free(ids);
  return 0;
}
