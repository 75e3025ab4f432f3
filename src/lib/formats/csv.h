/* formats/csv.h: an RFC 4180 CSV reader over an in-memory buffer.
 *
 * Fields are separated by commas; records end with LF or CRLF; a field may be
 * quoted with ", with "" inside for a quote, and then may hold commas and line
 * breaks. A UTF-8 byte order mark at the very start is skipped. Empty lines
 * (no characters at all) are skipped. Every error names file:line:column:
 * an unclosed quote, a character after a closing quote, a quote inside an
 * unquoted field, invalid UTF-8, a NUL byte, or a cap exceeded. The reader
 * owns the field storage; a row's fields stay valid until the next call to
 * cv__csv_next or cv__csv_fini. */
#ifndef CV_FORMATS_CSV_H
#define CV_FORMATS_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "canvass/status.h"
#include "util/buf.h"

struct cv__csv_field {
  const char *s;      /* unescaped, NUL-terminated */
  size_t len;
  uint32_t line, column; /* where the field starts (1-based; columns count code points) */
};

struct cv__csv_limits {
  size_t max_field;  /* bytes per field; 0: 64 KiB */
  size_t max_fields; /* fields per record; 0: 1024 */
  size_t max_rows;   /* records in the file; 0: 50,000,000 */
};

struct cv__csv {
  const char *data;
  size_t len, pos;
  uint32_t line, column;
  const char *file;
  struct cv__csv_limits lim;
  size_t rows;
  struct cv__buf text;             /* unescaped field bytes of the current row */
  struct cv__csv_field *fields;    /* current row */
  size_t n_fields, cap_fields;
  size_t *offsets;                 /* field start offsets into text */
  /* private */
  uint32_t rec_line;               /* line where the current record started */
  size_t line_start;               /* byte offset where the current line starts */
  size_t cont;                     /* UTF-8 continuation bytes seen on this line */
  cv_status status;                /* sticky: the first error stops the reader */
};

/* Starts reading data[0..len). file names the input in errors; limits may be
 * NULL for the defaults. Neither data nor file is copied. */
void cv__csv_init(struct cv__csv *r, const char *data, size_t len, const char *file,
                  const struct cv__csv_limits *limits);
void cv__csv_fini(struct cv__csv *r);

/* Reads the next record into r->fields / r->n_fields and returns CV_OK; at the
 * end of input returns CV_OK with r->n_fields == 0. On error returns CV_EINVAL,
 * CV_ELIMIT or CV_ENOMEM with the position in err. */
cv_status cv__csv_next(struct cv__csv *r, struct cv_error *err);

/* Line where the current record started (for row-level messages). */
uint32_t cv__csv_record_line(const struct cv__csv *r);

/* Index of the column whose header (a record read earlier and passed here)
 * equals name after trimming ASCII spaces and tabs from the header cell;
 * -1 when absent. */
int cv__csv_find_column(const struct cv__csv_field *header, size_t n, const char *name);

#endif
