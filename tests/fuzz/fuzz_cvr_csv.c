/* libFuzzer target for the CSV providers: the input is read as a generic
 * CSV (with id, precinct and batch columns) and as a Clear Ballot export. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "formats/cvr.h"
#include "fuzz_cvr_touch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cv__cvr_source s = {0};
  struct cv_error err = {0};
  s.provider = CV__CVR_GENERIC_CSV;
  s.path = "fuzz.csv";
  s.first_vote_column = 4;
  s.first_vote_row = 2;
  s.id_column = 1;
  s.precinct_column = 2;
  s.batch_column = 3;
  s.undeclared_write_in_label = "UWI";
  s.data = data;
  s.data_len = size;
  cv__cvr_read(&s, fuzz_touch, NULL, NULL, &err);
  struct cv_error err2 = {0};
  s.provider = CV__CVR_CLEAR_BALLOT;
  s.contest_id = "M";
  s.max_rankings = 3;
  cv__cvr_read(&s, fuzz_touch, NULL, NULL, &err2);
  return 0;
}
