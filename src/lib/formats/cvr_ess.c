/* formats/cvr_ess.c: ES&S cast vote records, an XLSX workbook whose first
 * worksheet holds one ballot per row from first_vote_row on. Columns are
 * named by 1-based number in the source: the record id, precinct and batch
 * columns, and the rank columns starting at first_vote_column (the cell in
 * rank column r names the candidate ranked r-th). This follows RCTab's
 * StreamingCvrReader:
 *
 *  - only max_rankings rank columns are read (all when max_rankings is 0);
 *  - a cell is trimmed; with an overvote delimiter it may name several
 *    candidates at one rank ("A|B"), none of which may be blank or the
 *    skipped-rank label;
 *  - the skipped-rank label (and a blank cell) gives no mark; the overvote
 *    label gives an overvote mark; the undeclared write-in label a UWI mark;
 *  - a missing cell between ranks (and after the last, up to max_rankings)
 *    is a UWI mark when treat_blank_as_undeclared_write_in is set;
 *  - a missing precinct or batch cell reads as "missing_precinct_id" /
 *    "missing_batch_id"; a missing id cell, when an id column is set, is an
 *    error;
 *  - the computed record id is "<file name>-<n>", the file name with every
 *    character other than A-Z a-z 0-9 _ - . replaced by '_'. */
#include "formats/cvr.h"

#include <stdio.h>
#include <string.h>

#include "formats/xlsx.h"
#include "util/alloc.h"
#include "util/error.h"

struct ess {
  const struct cv__cvr_source *src;
  cv__cvr_fn fn;
  void *ud;
  void (*progress)(void *ud, uint64_t done, uint64_t total);
  struct cv__cvr_marks marks;
  char name[256];       /* the sanitised file name */
  size_t name_len;
  uint64_t index;       /* records so far */
  bool in_record;
  uint32_t row, last_rank;
  size_t off_id, off_pre, off_bat; /* pool offsets, SIZE_MAX when unset */
  size_t delim_len;
  const char *file;     /* "<file> (<sheet part>)" */
};

/* True when the optional label is set and equals s[0..n). */
static bool label_is(const char *label, const char *s, size_t n) {
  /* Most cells differ from every label at the first byte. */
  if (cv__cvr_unset(label) || n == 0 || label[0] != s[0]) return false;
  return strlen(label) == n && memcmp(label, s, n) == 0;
}

/* Java's String.trim(): drops bytes <= ' ' at both ends. */
static void trim(const char **s, size_t *len) {
  const char *p = *s;
  size_t n = *len;
  while (n > 0 && (unsigned char)p[0] <= ' ') p++, n--;
  while (n > 0 && (unsigned char)p[n - 1] <= ' ') n--;
  *s = p;
  *len = n;
}

/* Fills skipped rank cells up to (not including) rank with UWI marks when
 * the source treats blanks as undeclared write-ins. */
static cv_status fill_blanks(struct ess *s, uint32_t rank, uint32_t col, struct cv_error *err) {
  if (!s->src->treat_blank_as_undeclared_write_in) {
    if (rank > s->last_rank + 1) s->last_rank = rank - 1;
    return CV_OK;
  }
  const char *label = s->src->undeclared_write_in_label;
  for (uint32_t r = s->last_rank + 1; r < rank; r++) {
    cv_status st = cv__cvr_marks_add(&s->marks, r, CV__MARK_UWI, label,
                                     label ? strlen(label) : 0, false, s->row, col);
    if (st != CV_OK)
      return cv__fail(err, st, s->file, s->row, col, NULL, "too many marks in row %u",
                      (unsigned)s->row);
  }
  return CV_OK;
}

/* A row: rows from first_vote_row on are records. */
static cv_status row_start(void *ud, uint32_t row, struct cv_error *err) {
  struct ess *s = ud;
  (void)err;
  s->in_record = row >= s->src->first_vote_row;
  if (!s->in_record) return CV_OK;
  s->index++;
  s->row = row;
  s->last_rank = 0;
  s->off_id = s->off_pre = s->off_bat = SIZE_MAX;
  cv__cvr_marks_reset(&s->marks);
  return CV_OK;
}

/* One part of a rank cell (a candidate, or one of several split by the
 * overvote delimiter). */
static cv_status add_part(struct ess *s, const struct cv__xlsx_cell *c, uint32_t rank,
                          const char *p, size_t n, bool several, struct cv_error *err) {
  const struct cv__cvr_source *src = s->src;
  trim(&p, &n);
  bool skipped = n == 0 || label_is(src->skipped_rank_label, p, n);
  if (several && skipped)
    return cv__fail(err, CV_EINVAL, c->file, c->line, c->column, c->ref,
                    "cell %s: when a cell names several candidates split by \"%s\", none may be "
                    "blank or the skipped-rank label",
                    c->ref, src->overvote_delimiter);
  if (skipped) return CV_OK;
  enum cv__mark_kind kind = CV__MARK_CANDIDATE;
  if (label_is(src->overvote_label, p, n)) kind = CV__MARK_OVERVOTE;
  else if (label_is(src->undeclared_write_in_label, p, n)) kind = CV__MARK_UWI;
  cv_status st = cv__cvr_marks_add(&s->marks, rank, kind, p, n, true, c->row, c->col);
  if (st != CV_OK)
    return cv__fail(err, st, c->file, c->line, c->column, c->ref, "cell %s: too many marks",
                    c->ref);
  return CV_OK;
}

/* A cell in rank column rank: fills skipped ranks, then its candidates. */
static cv_status rank_cell(struct ess *s, const struct cv__xlsx_cell *c, uint32_t rank,
                           struct cv_error *err) {
  cv_status st = fill_blanks(s, rank, c->col, err);
  if (st != CV_OK) return st;
  s->last_rank = rank;
  const char *p = c->text;
  size_t n = c->len;
  trim(&p, &n);
  if (s->delim_len == 0 || n == 0) return add_part(s, c, rank, p, n, false, err);
  /* Split as Java's String.split does: trailing empty parts are dropped.
   * First count the parts that remain, then add them. */
  const char *d = s->src->overvote_delimiter;
  size_t dl = s->delim_len, parts = 0, kept = 0;
  for (int pass = 0; pass < 2; pass++) {
    size_t start = 0, k = 0;
    for (size_t i = 0; i <= n; i++) {
      bool at_delim = i + dl <= n && memcmp(p + i, d, dl) == 0;
      if (!at_delim && i < n) continue;
      size_t len = i - start;
      if (pass == 0) {
        parts++;
        if (len > 0) kept = parts;
      } else if (k < kept) {
        st = add_part(s, c, rank, p + start, len, kept > 1, err);
        if (st != CV_OK) return st;
      }
      k++;
      if (i == n) break;
      start = i + dl;
      i += dl - 1;
    }
  }
  return CV_OK;
}

/* Routes a cell to the id, precinct or batch, or to a rank. */
static cv_status cell(void *ud, const struct cv__xlsx_cell *c, struct cv_error *err) {
  struct ess *s = ud;
  const struct cv__cvr_source *src = s->src;
  if (!s->in_record) return CV_OK;
  s->file = c->file;
  size_t *off = NULL;
  if (src->precinct_column && c->col == src->precinct_column) off = &s->off_pre;
  else if (src->batch_column && c->col == src->batch_column) off = &s->off_bat;
  else if (src->id_column && c->col == src->id_column) off = &s->off_id;
  if (off) {
    if (cv__cvr_pool_add(&s->marks, c->text, c->len, off) != CV_OK)
      return cv__fail(err, CV_ELIMIT, c->file, c->line, c->column, c->ref, "cell %s is too long",
                      c->ref);
    return CV_OK;
  }
  uint32_t first = src->first_vote_column;
  if (c->col < first || (src->max_rankings && c->col - first >= src->max_rankings)) return CV_OK;
  return rank_cell(s, c, c->col - first + 1, err);
}

/* Appends v in decimal (no printf on the hot path). */
static void add_index(char *out, size_t *n, uint64_t v) {
  char tmp[24];
  size_t k = 0;
  do {
    tmp[k++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (k) out[(*n)++] = tmp[--k];
}

/* Completes the record of a row and hands it over. */
static cv_status row_end(void *ud, uint32_t row, struct cv_error *err) {
  struct ess *s = ud;
  const struct cv__cvr_source *src = s->src;
  if (!s->in_record) return CV_OK;
  cv_status st = CV_OK;
  if (src->max_rankings) st = fill_blanks(s, src->max_rankings + 1, 0, err);
  if (st != CV_OK) return st;
  if (src->id_column && s->off_id == SIZE_MAX)
    return cv__fail(err, CV_EINVAL, s->file ? s->file : src->path, row, src->id_column, NULL,
                    "row %u has no record id in column %u", (unsigned)row,
                    (unsigned)src->id_column);
  if (src->precinct_column && s->off_pre == SIZE_MAX)
    st = cv__cvr_pool_add(&s->marks, "missing_precinct_id", 19, &s->off_pre);
  if (st == CV_OK && src->batch_column && s->off_bat == SIZE_MAX)
    st = cv__cvr_pool_add(&s->marks, "missing_batch_id", 16, &s->off_bat);
  char cid[300];
  size_t n = s->name_len;
  memcpy(cid, s->name, n);
  cid[n++] = '-';
  add_index(cid, &n, s->index);
  size_t off_cid = 0;
  if (st == CV_OK) st = cv__cvr_pool_add(&s->marks, cid, n, &off_cid);
  if (st != CV_OK)
    return cv__fail(err, st, s->file, row, 0, NULL, "row %u is too large", (unsigned)row);
  cv__cvr_marks_seal(&s->marks);
  struct cv__cvr_record rec = {0};
  rec.file = src->path;
  rec.line = row;
  rec.column = 1;
  rec.computed_id = cv__cvr_pool_str(&s->marks, off_cid);
  if (s->off_id != SIZE_MAX) rec.id = cv__cvr_pool_str(&s->marks, s->off_id);
  if (s->off_pre != SIZE_MAX) rec.precinct = cv__cvr_pool_str(&s->marks, s->off_pre);
  if (s->off_bat != SIZE_MAX) rec.batch = cv__cvr_pool_str(&s->marks, s->off_bat);
  rec.marks = s->marks.items;
  rec.n_marks = s->marks.n;
  s->in_record = false;
  return s->fn(s->ud, &rec, err);
}

/* Passes the sheet's progress to the caller. */
static void on_progress(void *ud, uint64_t done, uint64_t total) {
  struct ess *s = ud;
  if (s->progress) s->progress(s->ud, done, total);
}

/* RCTab's sanitizeStringForOutput on the file name, per code point. */
static void sanitize(const char *in, char *out, size_t cap, size_t *len) {
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)in; *p && o + 1 < cap; p++) {
    unsigned char c = *p;
    if ((c & 0xC0) == 0x80) continue; /* the rest of a multi-byte character */
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-' || c == '.';
    out[o++] = keep ? (char)c : '_';
  }
  out[o] = '\0';
  *len = o;
}

/* Reads an ES&S workbook through the XLSX reader. */
cv_status cv__cvr_read_ess(const struct cv__cvr_source *src, cv__cvr_fn fn, void *ud,
                           void (*progress)(void *ud, uint64_t done, uint64_t total),
                           struct cv_error *err) {
  if (src->first_vote_column == 0 || src->first_vote_row == 0)
    return cv__fail(err, CV_EINVAL, src->path, 0, 0,
                    src->first_vote_column == 0 ? "firstVoteColumnIndex" : "firstVoteRowIndex",
                    "an ES&S source needs the first vote column and the first vote row");
  struct ess s;
  memset(&s, 0, sizeof s);
  s.src = src;
  s.fn = fn;
  s.ud = ud;
  s.progress = progress;
  s.file = src->path;
  s.delim_len = cv__cvr_unset(src->overvote_delimiter) ? 0 : strlen(src->overvote_delimiter);
  sanitize(cv__cvr_basename(src->path), s.name, 200, &s.name_len);
  cv__cvr_marks_init(&s.marks);
  struct cv__xlsx_sink sink = {row_start, cell, row_end, progress ? on_progress : NULL};
  cv_status st = cv__xlsx_read(src->path, src->data, src->data_len, &sink, &s, err);
  cv__cvr_marks_fini(&s.marks);
  return st;
}
