/* formats/xlsx.h: streaming the cells of a workbook's first worksheet.
 *
 * An XLSX file is a zip archive of XML parts. The reader finds the workbook
 * (_rels/.rels, else xl/workbook.xml), its first <sheet> and that sheet's
 * part through the workbook's relationships (else xl/worksheets/sheet1.xml),
 * loads the shared strings table, and then streams the sheet: for each
 * <row> it calls row_start, cell for every cell that has a value, and
 * row_end. Cells without a value (<c r="B2"/>) are not reported, as in
 * Apache POI's event reader, which RCTab uses.
 *
 * A cell's value is given as text: shared and inline strings as written,
 * numbers as Excel's "General" format shows them (integers without a decimal
 * point, others with up to 15 significant digits), booleans as TRUE/FALSE,
 * errors as ERROR:<code>, formulas by their cached value.
 *
 * Errors name "<file> (<part>)" with the part's line:column for XML and zip
 * problems, and the cell reference (field) for cell problems. */
#ifndef CV_FORMATS_XLSX_H
#define CV_FORMATS_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvass/status.h"

#define CV__XLSX_MAX_ROW 1048576u
#define CV__XLSX_MAX_COL 16384u

struct cv__xlsx_cell {
  uint32_t row, col;      /* 1-based */
  const char *ref;        /* "B12", NUL-terminated */
  const char *text;       /* the value, NUL-terminated; valid during the call */
  size_t len;
  uint32_t line, column;  /* where <c> starts in the sheet's XML */
  const char *file;       /* "<file> (<sheet part>)", for errors */
};

struct cv__xlsx_sink {
  cv_status (*row_start)(void *ud, uint32_t row, struct cv_error *err);
  cv_status (*cell)(void *ud, const struct cv__xlsx_cell *cell, struct cv_error *err);
  cv_status (*row_end)(void *ud, uint32_t row, struct cv_error *err);
  void (*progress)(void *ud, uint64_t done, uint64_t total); /* may be NULL */
};

/* Reads the first worksheet of the workbook at path (or of data[0..len)
 * when data is not NULL; path then only names it). Stops at the first error,
 * the sink's included. */
cv_status cv__xlsx_read(const char *path, const void *data, size_t len,
                        const struct cv__xlsx_sink *sink, void *ud, struct cv_error *err);

/* Parses a cell reference such as "AB12" (upper-case letters, then a row
 * number without leading zeros); false when malformed or out of range. */
bool cv__xlsx_parse_ref(const char *ref, uint32_t *row, uint32_t *col);

#endif
