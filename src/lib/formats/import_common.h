/* formats/import_common.h: what the CSV importers share: reading the file,
 * mapping header names to columns, and pointing errors at file:line:column. */
#ifndef CV_FORMATS_IMPORT_COMMON_H
#define CV_FORMATS_IMPORT_COMMON_H

#include "election/election.h"
#include "formats/csv.h"

#define CV__MAX_IMPORT_BYTES ((size_t)4 << 30)

struct cv__column_spec {
  const char *header; /* as written in the file */
  const char *field;  /* the field name used by the library */
  bool required;
};

struct cv__csv_import {
  const char *path;
  char *text;
  size_t len;
  struct cv__csv csv;
  struct cv__csv_field *header; /* copy of the header row */
  char *header_text;
  size_t n_header;
  int *col;                     /* spec index -> column, -1 absent */
};

/* Reads path and its header row; checks required columns are present, no
 * column is repeated, and (unless allow_extra) every column is known or
 * accepted by extra(ud, name). */
cv_status cv__csv_import_open(struct cv__csv_import *im, const char *path,
                              const struct cv__column_spec *spec, size_t n_spec,
                              bool (*extra)(void *ud, const char *name), void *ud,
                              struct cv_error *err);
void cv__csv_import_close(struct cv__csv_import *im);

/* Reads the next row; false at the end. Checks the row has as many fields as
 * the header. */
cv_status cv__csv_import_row(struct cv__csv_import *im, bool *more, struct cv_error *err);

/* The current row's value for spec index k ("" when the column is absent). */
const char *cv__csv_import_value(const struct cv__csv_import *im, size_t k);

/* Copies src into dst, pointing it at the current row: at the column whose
 * library field name matches the end of src's field path, else the row. */
void cv__csv_import_locate(const struct cv__csv_import *im, const struct cv__column_spec *spec,
                           size_t n_spec, const struct cv_error *src, struct cv_error *dst);

/* Reports progress every so often. */
void cv__import_progress(cv_election *e, const struct cv__csv_import *im, uint64_t rows, bool last);

#endif
