/* formats/cvr_csv.c: the two CSV providers.
 *
 * genericCsv: row 1 names the candidates from first_vote_column on; every
 * later row is a ballot whose cell under a candidate holds the rank given to
 * that candidate (blank: not ranked). This is the opposite of the ES&S
 * layout, where a cell names the candidate at a rank.
 *
 * clearBallot: ten fixed columns (RowNumber ... Remade), then one column per
 * (contest, rank, candidate) whose header reads
 * "Choice_<n>_<m>:<contest>:<rank>:<vote rule>:<candidate>:<party>"; a cell
 * holding 1 means the voter marked that candidate at that rank.
 *
 * Both follow RCTab's readers (CsvCvrReader, ClearBallotCvrReader); where
 * RCTab would stop with an exception on a malformed file, we stop with an
 * error naming file:line:column. */
#include "formats/cvr.h"

#include <stdio.h>
#include <string.h>

#include "formats/csv.h"
#include "util/alloc.h"
#include "util/error.h"

#define MAX_CSV_BYTES ((size_t)4 << 30)
#define MAX_COLUMNS 16384

/* Java's String.trim(): drops bytes <= ' ' at both ends. */
static void trim(const char **s, size_t *len) {
  const char *p = *s;
  size_t n = *len;
  while (n > 0 && (unsigned char)p[0] <= ' ') p++, n--;
  while (n > 0 && (unsigned char)p[n - 1] <= ' ') n--;
  *s = p;
  *len = n;
}

/* Java's isBlank for our purposes: nothing but bytes <= ' '. */
static bool blank(const char *s, size_t len) {
  trim(&s, &len);
  return len == 0;
}

/* State shared by both CSV readers. */
struct csv_input {
  const char *path;
  const char *data;
  size_t len;
  char *owned;
  struct cv__csv csv;
  char **header;       /* copies of the header cells */
  size_t n_header;
  struct cv__cvr_marks marks;
};

/* Loads the input and starts the CSV reader on it. */
static cv_status input_open(struct csv_input *in, const struct cv__cvr_source *src,
                            struct cv_error *err) {
  memset(in, 0, sizeof *in);
  in->path = src->path;
  cv__cvr_marks_init(&in->marks);
  cv_status st = cv__cvr_load(src, src->path, MAX_CSV_BYTES, &in->data, &in->len, &in->owned, err);
  if (st != CV_OK) return st;
  struct cv__csv_limits lim = {.max_field = 64 * 1024, .max_fields = MAX_COLUMNS, .max_rows = 0};
  cv__csv_init(&in->csv, in->data, in->len, in->path, &lim);
  return CV_OK;
}

/* Frees what input_open and read_header allocated. */
static void input_close(struct csv_input *in) {
  for (size_t i = 0; i < in->n_header; i++) cv__free(in->header[i]);
  cv__free(in->header);
  cv__csv_fini(&in->csv);
  cv__free(in->owned);
  cv__cvr_marks_fini(&in->marks);
}

/* Reads row 1 and keeps a copy of its cells. */
static cv_status read_header(struct csv_input *in, struct cv_error *err) {
  cv_status st = cv__csv_next(&in->csv, err);
  if (st != CV_OK) return st;
  if (in->csv.n_fields == 0)
    return cv__fail(err, CV_EINVAL, in->path, 1, 1, NULL,
                    "the file is empty: expected a header row");
  in->header = cv__calloc(in->csv.n_fields, sizeof *in->header);
  if (!in->header) return cv__failf(err, CV_ENOMEM, "out of memory reading %s", in->path);
  for (size_t i = 0; i < in->csv.n_fields; i++) {
    in->header[i] = cv__strndup(in->csv.fields[i].s, in->csv.fields[i].len);
    if (!in->header[i]) return cv__failf(err, CV_ENOMEM, "out of memory reading %s", in->path);
    in->n_header = i + 1;
  }
  return CV_OK;
}

/* ---- genericCsv ---------------------------------------------------------- */

/* A cell given by a 1-based column option, or an error naming the row. */
static cv_status column_cell(const struct csv_input *in, uint32_t col, const char *what,
                             const struct cv__csv_field **out, struct cv_error *err) {
  if (col > in->csv.n_fields) {
    const struct cv__csv_field *last = &in->csv.fields[in->csv.n_fields - 1];
    return cv__fail(err, CV_EINVAL, in->path, last->line, last->column, what,
                    "row has %zu columns, but the %s column is %u", in->csv.n_fields, what,
                    (unsigned)col);
  }
  *out = &in->csv.fields[col - 1];
  return CV_OK;
}

/* Reads a generic CSV: the header names candidates, cells hold ranks. */
cv_status cv__cvr_read_generic_csv(const struct cv__cvr_source *src, cv__cvr_fn fn, void *ud,
                                   struct cv_error *err) {
  if (src->first_vote_column == 0)
    return cv__fail(err, CV_EINVAL, src->path, 0, 0, "firstVoteColumnIndex",
                    "a generic CSV source needs the column of the first candidate");
  struct csv_input in;
  cv_status st = input_open(&in, src, err);
  if (st == CV_OK) st = read_header(&in, err);
  if (st != CV_OK) goto out;

  size_t first = src->first_vote_column - 1; /* 0-based */
  if (first >= in.n_header) {
    st = cv__fail(err, CV_EINVAL, in.path, 1, 1, "firstVoteColumnIndex",
                  "the header has %zu columns, but the first vote column is %u", in.n_header,
                  (unsigned)src->first_vote_column);
    goto out;
  }
  /* Every candidate column needs a name; RCTab refuses a blank one. */
  size_t uwi_col = SIZE_MAX;
  for (size_t c = first; c < in.n_header; c++) {
    if (blank(in.header[c], strlen(in.header[c]))) {
      st = cv__fail(err, CV_EINVAL, in.path, 1, 1, NULL,
                    "the candidate name at the top of column %zu is empty", c + 1);
      goto out;
    }
    if (uwi_col == SIZE_MAX && !cv__cvr_unset(src->undeclared_write_in_label) &&
        strcmp(in.header[c], src->undeclared_write_in_label) == 0)
      uwi_col = c;
  }

  uint64_t row_no = 1, index = 0;
  for (;;) {
    st = cv__csv_next(&in.csv, err);
    if (st != CV_OK) goto out;
    if (in.csv.n_fields == 0) break;
    row_no++;
    if (src->first_vote_row > 0 && row_no < src->first_vote_row) continue;
    index++;
    cv__cvr_marks_reset(&in.marks);
    if (in.csv.n_fields > in.n_header) {
      const struct cv__csv_field *f = &in.csv.fields[in.n_header];
      st = cv__fail(err, CV_EINVAL, in.path, f->line, f->column, NULL,
                    "row has %zu columns but the header has %zu", in.csv.n_fields, in.n_header);
      goto out;
    }
    for (size_t c = first; c < in.csv.n_fields; c++) {
      const struct cv__csv_field *f = &in.csv.fields[c];
      const char *s = f->s;
      size_t n = f->len;
      trim(&s, &n);
      if (n == 0) continue;
      uint32_t rank;
      if (!cv__cvr_parse_rank(s, n, &rank)) {
        st = cv__fail(err, CV_EINVAL, in.path, f->line, f->column, in.header[c],
                      "expected a rank (a whole number from 1) for candidate \"%s\", got \"%.*s\"",
                      in.header[c], (int)(n > 64 ? 64 : n), s);
        goto out;
      }
      st = cv__cvr_marks_add(&in.marks, rank, c == uwi_col ? CV__MARK_UWI : CV__MARK_CANDIDATE,
                             in.header[c], strlen(in.header[c]), false, f->line, f->column);
      if (st != CV_OK) {
        cv__fail(err, st, in.path, f->line, f->column, NULL, "too many rankings in one row");
        goto out;
      }
    }
    const struct cv__csv_field *cell;
    struct cv__cvr_record rec = {0};
    rec.file = in.path;
    rec.line = in.csv.fields[0].line;
    rec.column = in.csv.fields[0].column;
    size_t off_id = SIZE_MAX, off_pre = SIZE_MAX, off_bat = SIZE_MAX, off_cid = SIZE_MAX;
    char num[24];
    snprintf(num, sizeof num, "%llu", (unsigned long long)index);
    st = cv__cvr_pool_add(&in.marks, num, strlen(num), &off_cid);
    if (st == CV_OK && src->id_column) {
      st = column_cell(&in, src->id_column, "idColumnIndex", &cell, err);
      if (st == CV_OK) st = cv__cvr_pool_add(&in.marks, cell->s, cell->len, &off_id);
    }
    if (st == CV_OK && src->precinct_column) {
      st = column_cell(&in, src->precinct_column, "precinctColumnIndex", &cell, err);
      if (st == CV_OK) {
        bool b = blank(cell->s, cell->len);
        st = cv__cvr_pool_add(&in.marks, b ? "no precinct id" : cell->s,
                              b ? strlen("no precinct id") : cell->len, &off_pre);
      }
    }
    if (st == CV_OK && src->batch_column) {
      st = column_cell(&in, src->batch_column, "batchColumnIndex", &cell, err);
      if (st == CV_OK) {
        bool b = blank(cell->s, cell->len);
        st = cv__cvr_pool_add(&in.marks, b ? "no batch id" : cell->s,
                              b ? strlen("no batch id") : cell->len, &off_bat);
      }
    }
    if (st != CV_OK) {
      cv__failf(err, st, "%s: out of memory or limit on line %u", in.path, (unsigned)rec.line);
      goto out;
    }
    cv__cvr_marks_seal(&in.marks);
    rec.computed_id = cv__cvr_pool_str(&in.marks, off_cid);
    if (off_id != SIZE_MAX) rec.id = cv__cvr_pool_str(&in.marks, off_id);
    if (off_pre != SIZE_MAX) rec.precinct = cv__cvr_pool_str(&in.marks, off_pre);
    if (off_bat != SIZE_MAX) rec.batch = cv__cvr_pool_str(&in.marks, off_bat);
    rec.marks = in.marks.items;
    rec.n_marks = in.marks.n;
    st = fn(ud, &rec, err);
    if (st != CV_OK) goto out;
  }
out:
  input_close(&in);
  return st;
}

/* ---- clearBallot ---------------------------------------------------------- */

#define CB_FIXED_COLUMNS 10 /* RowNumber ... Remade */
#define CB_BALLOT_ID 3
#define CB_PRECINCT_ID 4
#define CB_SCAN_COMPUTER 7

/* One choice column of the contest being read. */
struct cb_choice {
  size_t column;
  uint32_t rank;
  const char *name; /* into the header copy */
  size_t name_len;
  bool uwi;
};

/* A Java int as Integer.parseInt reads it: optional sign, 1-10 digits. */
static bool parse_int(const char *s, size_t n, int64_t *out) {
  size_t i = 0;
  bool neg = false;
  if (n > 0 && (s[0] == '+' || s[0] == '-')) neg = s[i++] == '-';
  if (i == n || n - i > 10) return false;
  int64_t v = 0;
  for (; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  if (v > (int64_t)INT32_MAX + neg) return false;
  *out = neg ? -v : v;
  return true;
}

/* Splits a choice header at ':' into exactly six parts (Java's split drops
 * trailing empty parts, so "a:b:c:d:e:" has five, as RCTab counts them). */
static bool split_choice(const char *h, const char *part[6], size_t plen[6]) {
  size_t n = strlen(h);
  while (n > 0 && h[n - 1] == ':') n--;
  size_t k = 0, start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i == n || h[i] == ':') {
      if (k == 6) return false;
      part[k] = h + start;
      plen[k] = i - start;
      k++;
      start = i + 1;
    }
  }
  return k == 6;
}

/* Reads a Clear Ballot export for one contest. */
cv_status cv__cvr_read_clear_ballot(const struct cv__cvr_source *src, cv__cvr_fn fn,
                                    void *ud, struct cv_error *err) {
  if (cv__cvr_unset(src->contest_id))
    return cv__fail(err, CV_EINVAL, src->path, 0, 0, "contestId",
                    "a Clear Ballot source needs the contest name (contestId)");
  struct csv_input in;
  struct cb_choice *choices = NULL;
  size_t n_choices = 0;
  cv_status st = input_open(&in, src, err);
  if (st == CV_OK) st = read_header(&in, err);
  if (st != CV_OK) goto out;
  if (in.n_header <= CB_FIXED_COLUMNS) {
    st = cv__fail(err, CV_EINVAL, in.path, 1, 1, NULL,
                  "no choice columns: expected %d fixed columns (RowNumber ... Remade) and then "
                  "one column per choice",
                  CB_FIXED_COLUMNS);
    goto out;
  }
  choices = cv__calloc(in.n_header, sizeof *choices);
  if (!choices) {
    st = cv__failf(err, CV_ENOMEM, "out of memory reading %s", in.path);
    goto out;
  }
  size_t clen = strlen(src->contest_id);
  for (size_t c = CB_FIXED_COLUMNS; c < in.n_header; c++) {
    const char *part[6];
    size_t plen[6];
    if (!split_choice(in.header[c], part, plen)) {
      st = cv__fail(err, CV_EINVAL, in.path, 1, 0, NULL,
                    "column %zu header \"%.80s\": expected "
                    "\"Choice_n_m:contest:rank:vote rule:candidate:party\"",
                    c + 1, in.header[c]);
      goto out;
    }
    if (plen[1] != clen || memcmp(part[1], src->contest_id, clen) != 0) continue;
    uint32_t rank;
    if (!cv__cvr_parse_rank(part[2], plen[2], &rank)) {
      st = cv__fail(err, CV_EINVAL, in.path, 1, 0, NULL,
                    "column %zu header \"%.80s\": the rank \"%.*s\" is not a whole number from 1",
                    c + 1, in.header[c], (int)(plen[2] > 20 ? 20 : plen[2]), part[2]);
      goto out;
    }
    /* RCTab drops the columns of ranks beyond the allowed number. */
    if (src->max_rankings && rank > src->max_rankings) continue;
    struct cb_choice *ch = &choices[n_choices++];
    ch->column = c;
    ch->rank = rank;
    ch->name = part[4];
    ch->name_len = plen[4];
    ch->uwi = !cv__cvr_unset(src->undeclared_write_in_label) &&
              plen[4] == strlen(src->undeclared_write_in_label) &&
              memcmp(part[4], src->undeclared_write_in_label, plen[4]) == 0;
  }

  for (;;) {
    st = cv__csv_next(&in.csv, err);
    if (st != CV_OK) goto out;
    if (in.csv.n_fields == 0) break;
    const struct cv__csv_field *f = in.csv.fields;
    if (in.csv.n_fields != in.n_header) {
      st = cv__fail(err, CV_EINVAL, in.path, f[0].line, f[0].column, NULL,
                    "row has %zu columns but the header has %zu", in.csv.n_fields, in.n_header);
      goto out;
    }
    cv__cvr_marks_reset(&in.marks);
    for (size_t i = 0; i < n_choices; i++) {
      const struct cv__csv_field *cell = &f[choices[i].column];
      int64_t v;
      if (!parse_int(cell->s, cell->len, &v)) {
        st = cv__fail(err, CV_EINVAL, in.path, cell->line, cell->column, NULL,
                      "expected 0 or 1 for choice \"%.*s\" at rank %u, got \"%.*s\"",
                      (int)choices[i].name_len, choices[i].name, (unsigned)choices[i].rank,
                      (int)(cell->len > 20 ? 20 : cell->len), cell->s);
        goto out;
      }
      if (v != 1) continue;
      st = cv__cvr_marks_add(&in.marks, choices[i].rank,
                             choices[i].uwi ? CV__MARK_UWI : CV__MARK_CANDIDATE, choices[i].name,
                             choices[i].name_len, false, cell->line, cell->column);
      if (st != CV_OK) {
        cv__fail(err, st, in.path, cell->line, cell->column, NULL, "too many marks in one row");
        goto out;
      }
    }
    size_t off_id, off_pre, off_tab;
    st = cv__cvr_pool_add(&in.marks, f[CB_BALLOT_ID].s, f[CB_BALLOT_ID].len, &off_id);
    if (st == CV_OK)
      st = cv__cvr_pool_add(&in.marks, f[CB_PRECINCT_ID].s, f[CB_PRECINCT_ID].len, &off_pre);
    if (st == CV_OK)
      st = cv__cvr_pool_add(&in.marks, f[CB_SCAN_COMPUTER].s, f[CB_SCAN_COMPUTER].len, &off_tab);
    if (st != CV_OK) {
      cv__fail(err, st, in.path, f[0].line, f[0].column, NULL, "row too large");
      goto out;
    }
    cv__cvr_marks_seal(&in.marks);
    struct cv__cvr_record rec = {0};
    rec.file = in.path;
    rec.line = f[0].line;
    rec.column = f[0].column;
    rec.id = cv__cvr_pool_str(&in.marks, off_id);
    rec.precinct = cv__cvr_pool_str(&in.marks, off_pre);
    rec.tabulator = cv__cvr_pool_str(&in.marks, off_tab);
    rec.marks = in.marks.items;
    rec.n_marks = in.marks.n;
    st = fn(ud, &rec, err);
    if (st != CV_OK) goto out;
  }
out:
  cv__free(choices);
  input_close(&in);
  return st;
}
