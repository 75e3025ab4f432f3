/* tests/fuzz/fuzz_cvr_touch.h: the record callback the CVR fuzz targets
 * share. It reads every field and mark of each record, so that a pointer
 * the reader hands out but does not own shows up under ASan. */
#ifndef CV_FUZZ_CVR_TOUCH_H
#define CV_FUZZ_CVR_TOUCH_H

#include <stddef.h>
#include <string.h>

#include "formats/cvr.h"

static volatile size_t fuzz_sink;

static size_t fuzz_len_of(const char *s) { return s ? strlen(s) : 0; }

static cv_status fuzz_touch(void *ud, const struct cv__cvr_record *r, struct cv_error *err) {
  (void)ud, (void)err;
  fuzz_sink += fuzz_len_of(r->file) + fuzz_len_of(r->id) + fuzz_len_of(r->precinct) +
               fuzz_len_of(r->batch) + fuzz_len_of(r->computed_id) + fuzz_len_of(r->tabulator) +
               fuzz_len_of(r->precinct_portion);
  for (size_t i = 0; i < r->n_marks; i++) {
    const struct cv__cvr_mark *m = &r->marks[i];
    fuzz_sink += m->rank + (size_t)m->kind + m->line + m->column;
    if (m->text && m->text_len) fuzz_sink += (unsigned char)m->text[m->text_len - 1];
  }
  return CV_OK;
}

#endif
