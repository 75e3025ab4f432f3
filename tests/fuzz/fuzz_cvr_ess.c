/* libFuzzer target for the ES&S reader: the input is a workbook read with
 * id, precinct and batch columns, a delimiter, all labels, blanks as
 * write-ins and three ranks, so every cell rule runs. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "formats/cvr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

static size_t len_of(const char *s) { return s ? strlen(s) : 0; }

/* Touches every field and mark of a record. */
static cv_status touch(void *ud, const struct cv__cvr_record *r, struct cv_error *err) {
  (void)ud, (void)err;
  sink += len_of(r->file) + len_of(r->id) + len_of(r->precinct) + len_of(r->batch) +
          len_of(r->computed_id) + len_of(r->tabulator) + len_of(r->precinct_portion);
  for (size_t i = 0; i < r->n_marks; i++) {
    const struct cv__cvr_mark *m = &r->marks[i];
    sink += m->rank + (size_t)m->kind + m->line + m->column;
    if (m->text && m->text_len) sink += (unsigned char)m->text[m->text_len - 1];
  }
  return CV_OK;
}

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
  cv__cvr_read(&s, touch, NULL, NULL, &err);
  return 0;
}
