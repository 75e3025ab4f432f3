#include "formats/import_common.h"

#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

cv_status cv__csv_import_open(struct cv__csv_import *im, const char *path,
                              const struct cv__column_spec *spec, size_t n_spec,
                              bool (*extra)(void *ud, const char *name), void *ud,
                              struct cv_error *err) {
  memset(im, 0, sizeof *im);
  im->path = path;
  cv_status s = cv__read_file(path, CV__MAX_IMPORT_BYTES, &im->text, &im->len, err);
  if (s != CV_OK) return s;
  cv__csv_init(&im->csv, im->text, im->len, path, NULL);
  if ((s = cv__csv_next(&im->csv, err)) != CV_OK) return s;
  if (im->csv.n_fields == 0) return cv__fail(err, CV_EINVAL, path, 1, 1, NULL, "the file is empty (expected a header row)");
  /* Keep the header: the reader reuses its storage for each row. */
  size_t n = im->csv.n_fields, bytes = 0;
  for (size_t i = 0; i < n; i++) bytes += im->csv.fields[i].len + 1;
  im->header = cv__calloc(n, sizeof *im->header);
  im->header_text = cv__malloc(bytes);
  im->col = cv__malloc(n_spec * sizeof *im->col);
  if (!im->header || !im->header_text || !im->col) return cv__failf(err, CV_ENOMEM, "out of memory");
  char *p = im->header_text;
  for (size_t i = 0; i < n; i++) {
    im->header[i] = im->csv.fields[i];
    memcpy(p, im->csv.fields[i].s, im->csv.fields[i].len + 1);
    im->header[i].s = p;
    p += im->csv.fields[i].len + 1;
  }
  im->n_header = n;
  for (size_t k = 0; k < n_spec; k++) {
    im->col[k] = cv__csv_find_column(im->header, n, spec[k].header);
    if (im->col[k] < 0 && spec[k].required)
      return cv__fail(err, CV_EINVAL, path, 1, 1, spec[k].header, "required column \"%s\" is missing",
                      spec[k].header);
  }
  for (size_t i = 0; i < n; i++) {
    const struct cv__csv_field *h = &im->header[i];
    for (size_t j = 0; j < i; j++)
      if (cv__csv_find_column(&im->header[j], 1, h->s) == 0 ||
          cv__csv_find_column(h, 1, im->header[j].s) == 0)
        return cv__fail(err, CV_EINVAL, path, h->line, h->column, NULL, "column \"%s\" appears twice", h->s);
    bool known = false;
    for (size_t k = 0; k < n_spec && !known; k++) known = im->col[k] == (int)i;
    if (!known && !(extra && extra(ud, h->s))) {
      char names[400] = "";
      size_t used = 0;
      for (size_t k = 0; k < n_spec && used < sizeof names; k++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", k ? ", " : "", spec[k].header);
      return cv__fail(err, CV_EINVAL, path, h->line, h->column, NULL,
                      "unknown column \"%.60s\" (columns are: %s%s)", h->s, names,
                      extra ? ", and one per choice id" : "");
    }
  }
  return CV_OK;
}

void cv__csv_import_close(struct cv__csv_import *im) {
  cv__csv_fini(&im->csv);
  cv__free(im->text);
  cv__free(im->header);
  cv__free(im->header_text);
  cv__free(im->col);
  memset(im, 0, sizeof *im);
}

cv_status cv__csv_import_row(struct cv__csv_import *im, bool *more, struct cv_error *err) {
  cv_status s = cv__csv_next(&im->csv, err);
  if (s != CV_OK) return s;
  *more = im->csv.n_fields > 0;
  if (*more && im->csv.n_fields != im->n_header) {
    uint32_t line = cv__csv_record_line(&im->csv);
    const struct cv__csv_field *last = &im->csv.fields[im->csv.n_fields - 1];
    return cv__fail(err, CV_EINVAL, im->path, line,
                    im->csv.n_fields > im->n_header ? im->csv.fields[im->n_header].column : last->column,
                    NULL, "this row has %zu fields but the header has %zu", im->csv.n_fields, im->n_header);
  }
  return CV_OK;
}

const char *cv__csv_import_value(const struct cv__csv_import *im, size_t k) {
  return im->col[k] < 0 ? "" : im->csv.fields[im->col[k]].s;
}

void cv__csv_import_locate(const struct cv__csv_import *im, const struct cv__column_spec *spec,
                           size_t n_spec, const struct cv_error *src, struct cv_error *dst) {
  if (!dst || dst->code != CV_OK) return;
  *dst = *src;
  snprintf(dst->file, sizeof dst->file, "%s", im->path);
  dst->line = cv__csv_record_line(&im->csv);
  dst->column = im->csv.n_fields ? im->csv.fields[0].column : 1;
  const char *leaf = strrchr(src->field, '.');
  leaf = leaf ? leaf + 1 : src->field;
  for (size_t k = 0; k < n_spec; k++)
    if (leaf[0] && strcmp(spec[k].field, leaf) == 0 && im->col[k] >= 0) {
      dst->column = im->csv.fields[im->col[k]].column;
      snprintf(dst->field, sizeof dst->field, "%s", spec[k].header);
      return;
    }
  /* A choice column: its header is the choice id. */
  int c = leaf[0] ? cv__csv_find_column(im->header, im->n_header, leaf) : -1;
  if (c >= 0) {
    dst->column = im->csv.fields[c].column;
    snprintf(dst->field, sizeof dst->field, "%s", im->header[c].s);
  } else if (strncmp(dst->field, "data", 4) == 0) {
    dst->field[0] = '\0';
  }
}

void cv__import_progress(cv_election *e, const struct cv__csv_import *im, uint64_t rows, bool last) {
  if (e->progress && (last || rows % 65536 == 0))
    e->progress(e->progress_ud, "importing", last ? im->len : im->csv.pos, im->len);
}
