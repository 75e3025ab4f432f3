/* libFuzzer target for the Hart reader: the input is one Hart XML file,
 * read for contest "c-1" with "o-w" as the write-in. */
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
  s.provider = CV__CVR_HART;
  s.path = "fuzz.xml";
  s.contest_id = "c-1";
  s.undeclared_write_in_label = "o-w";
  s.data = data;
  s.data_len = size;
  cv__cvr_read(&s, touch, NULL, NULL, &err);
  return 0;
}
