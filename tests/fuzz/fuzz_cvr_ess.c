/* libFuzzer target for the ES&S reader: the input is a workbook read with
 * id, precinct and batch columns, a delimiter, all labels, blanks as
 * write-ins and three ranks, so every cell rule runs. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "formats/cvr.h"
#include "fuzz_cvr_touch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cv__cvr_source s = {0};
  struct cv_error err = {0};
  s.provider = CV__CVR_ESS;
  s.path = "fuzz.xlsx";
  s.first_vote_column = 3;
  s.first_vote_row = 2;
  s.id_column = 1;
  s.precinct_column = 2;
  s.batch_column = 6;
  s.overvote_delimiter = "|";
  s.overvote_label = "overvote";
  s.skipped_rank_label = "undervote";
  s.undeclared_write_in_label = "UWI";
  s.treat_blank_as_undeclared_write_in = size % 2 == 0;
  s.max_rankings = 3;
  s.data = data;
  s.data_len = size;
  cv__cvr_read(&s, fuzz_touch, NULL, NULL, &err);
  return 0;
}
