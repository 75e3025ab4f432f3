/* libFuzzer target for the CSV providers: the input is read as a generic
 * CSV (with id, precinct and batch columns) and as a Clear Ballot export. */
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
  cv__cvr_read(&s, touch, NULL, NULL, &err);
  struct cv_error err2 = {0};
  s.provider = CV__CVR_CLEAR_BALLOT;
  s.contest_id = "M";
  s.max_rankings = 3;
  cv__cvr_read(&s, touch, NULL, NULL, &err2);
  return 0;
}
