/* libFuzzer target for the CDF readers: input starting with '<' goes to
 * the XML reader, anything else to the JSON reader, for the contest "M". */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "formats/cvr.h"
#include "fuzz_cvr_touch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cv__cvr_source s = {0};
  struct cv_error err = {0};
  s.provider = CV__CVR_CDF;
  s.path = size > 0 && data[0] == '<' ? "fuzz.xml" : "fuzz.json";
  s.contest_id = "M";
  s.overvote_label = "OV";
  s.data = data;
  s.data_len = size;
  cv__cvr_read(&s, fuzz_touch, NULL, NULL, &err);
  return 0;
}
