/* formats/xlsx.c: the first worksheet of an XLSX workbook as a stream of
 * cells (see xlsx.h). Parts are located the way Apache POI's XSSFReader
 * does (package relationships, then the workbook's), with the usual part
 * names as a fallback for workbooks written without relationships. */
#include "formats/xlsx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "election/election.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xml.h"
#include "util/zip.h"

#define MAX_XLSX_BYTES ((size_t)1 << 30)
#define MAX_PART_NAME 512
#define MAX_STRINGS ((size_t)16 << 20)        /* entries in the shared strings table */
#define MAX_STRING_BYTES ((size_t)1 << 30)    /* their total size */
#define MAX_CELL_BYTES ((size_t)1 << 20)      /* one cell's text */

struct sst {
  struct cv__buf pool;  /* strings, NUL-separated */
  size_t *off;          /* start of string i in pool; off[n] is the end */
  size_t n, cap;
};

struct book {
  const char *path;
  struct cv__zip zip;
  char sheet_part[MAX_PART_NAME];
  char strings_part[MAX_PART_NAME];
  char where[300];      /* "<path> (<part>)" of the part being read */
  struct sst sst;
  struct cv__buf text;  /* the current cell's value */
};

/* ---- part names ------------------------------------------------------------- */

/* Resolves a relationship target against the folder of the part that owns
 * the relationships (base, e.g. "xl/workbook.xml"). Handles "/abs", "./"
 * and "../". False when the result does not fit or climbs above the root. */
static bool resolve(const char *base, const char *target, char out[MAX_PART_NAME]) {
  char tmp[MAX_PART_NAME];
  if (target[0] == '/') {
    if (strlen(target + 1) >= sizeof tmp) return false;
    strcpy(tmp, target + 1);
  } else {
    const char *slash = strrchr(base, '/');
    size_t dir = slash ? (size_t)(slash - base + 1) : 0;
    if (dir + strlen(target) >= sizeof tmp) return false;
    memcpy(tmp, base, dir);
    strcpy(tmp + dir, target);
  }
  /* Normalise the segments. */
  size_t o = 0;
  const char *p = tmp;
  while (*p) {
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == 0 || (n == 1 && p[0] == '.')) {
      /* skip */
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
      if (o == 0) return false;
      o--;
      while (o > 0 && out[o - 1] != '/') o--;
    } else {
      memcpy(out + o, p, n);
      o += n;
      if (e) out[o++] = '/';
    }
    p += n + (e ? 1 : 0);
  }
  if (o > 0 && out[o - 1] == '/') o--;
  out[o] = '\0';
  return o > 0;
}

/* The relationships part of a part: "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels". */
static void rels_of(const char *part, char out[MAX_PART_NAME]) {
  const char *slash = strrchr(part, '/');
  size_t dir = slash ? (size_t)(slash - part + 1) : 0;
  snprintf(out, MAX_PART_NAME, "%.*s_rels/%s.rels", (int)dir, part, part + dir);
}

/* True when s ends with suffix. */
static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Opens a small part as a whole-document XML reader; *text is what to free.
 * Absent parts give CV_ENOENT without touching err. */
static cv_status open_part(struct book *b, const char *part, struct cv__xml *x, char **text,
                           struct cv_error *err) {
  const struct cv__zip_entry *e = cv__zip_find(&b->zip, part);
  if (!e) return CV_ENOENT;
  size_t len;
  cv_status st = cv__zip_extract(&b->zip, e, text, &len, err);
  if (st != CV_OK) return st;
  snprintf(b->where, sizeof b->where, "%s (%s)", b->path, part);
  cv__xml_init_mem(x, *text, len, b->where, NULL);
  return CV_OK;
}

/* Looks through a relationships part for the entry with Id id (when id is
 * not NULL) or whose Type ends with type_suffix; writes its resolved target. */
static cv_status find_rel(struct book *b, const char *owner, const char *id,
                          const char *type_suffix, char out[MAX_PART_NAME], bool *found,
                          struct cv_error *err) {
  char rels[MAX_PART_NAME];
  struct cv__xml x;
  char *text = NULL;
  *found = false;
  rels_of(owner, rels);
  cv_status st = open_part(b, rels, &x, &text, err);
  if (st == CV_ENOENT) return CV_OK;
  if (st != CV_OK) return st;
  while ((st = cv__xml_next(&x, err)) == CV_OK && x.event != CV__XML_EOF) {
    if (x.event != CV__XML_START || strcmp(cv__xml_local(x.name), "Relationship") != 0) continue;
    const char *rid = cv__xml_attr(&x, "Id"), *type = cv__xml_attr(&x, "Type");
    const char *target = cv__xml_attr(&x, "Target");
    bool match = id ? (rid && strcmp(rid, id) == 0) : (type && ends_with(type, type_suffix));
    if (!match || !target) continue;
    const char *mode = cv__xml_attr(&x, "TargetMode");
    if (mode && strcmp(mode, "External") == 0) continue;
    if (!resolve(owner, target, out)) {
      st = cv__xml_fail(&x, err, CV_EINVAL, "relationship target \"%.200s\" is not a part name",
                        target);
      break;
    }
    *found = true;
    break;
  }
  cv__xml_fini(&x);
  cv__free(text);
  return st;
}

/* Finds the first worksheet's part and the shared strings part. */
static cv_status locate_parts(struct book *b, struct cv_error *err) {
  char workbook[MAX_PART_NAME] = "xl/workbook.xml";
  bool found;
  cv_status st = find_rel(b, "", NULL, "/officeDocument", workbook, &found, err);
  if (st != CV_OK) return st;
  if (!found) strcpy(workbook, "xl/workbook.xml");
  strcpy(b->sheet_part, "xl/worksheets/sheet1.xml");
  strcpy(b->strings_part, "xl/sharedStrings.xml");
  /* The first <sheet> of the workbook names its relationship (r:id). */
  struct cv__xml x;
  char *text = NULL;
  char rid[128] = "";
  st = open_part(b, workbook, &x, &text, err);
  if (st == CV_ENOENT) return CV_OK;
  if (st != CV_OK) return st;
  while ((st = cv__xml_next(&x, err)) == CV_OK && x.event != CV__XML_EOF) {
    if (x.event != CV__XML_START || strcmp(cv__xml_local(x.name), "sheet") != 0) continue;
    for (size_t i = 0; i < x.n_attrs; i++)
      if (strchr(x.attrs[i].name, ':') && strcmp(cv__xml_local(x.attrs[i].name), "id") == 0)
        snprintf(rid, sizeof rid, "%s", x.attrs[i].value);
    break;
  }
  cv__xml_fini(&x);
  cv__free(text);
  if (st != CV_OK) return st;
  char part[MAX_PART_NAME];
  if (rid[0]) {
    st = find_rel(b, workbook, rid, NULL, part, &found, err);
    if (st != CV_OK) return st;
    if (found) strcpy(b->sheet_part, part);
  }
  st = find_rel(b, workbook, NULL, "/sharedStrings", part, &found, err);
  if (st == CV_OK && found) strcpy(b->strings_part, part);
  return st;
}

/* ---- shared strings ----------------------------------------------------------- */

/* Appends the text of the rich-text element at x (an <si> or <is>): every
 * <t>, skipping phonetic runs (<rPh>), which are not part of the value. */
static cv_status rich_text(struct cv__xml *x, struct cv__buf *out, struct cv_error *err) {
  size_t depth = x->depth;
  for (;;) {
    cv_status st = cv__xml_next(x, err);
    if (st != CV_OK) return st;
    if (x->event == CV__XML_END && x->depth == depth - 1) return CV_OK;
    if (x->event != CV__XML_START) continue;
    const char *name = cv__xml_local(x->name);
    if (strcmp(name, "t") == 0) st = cv__xml_text(x, out, err);
    else if (strcmp(name, "rPh") == 0) st = cv__xml_skip(x, err);
    if (st != CV_OK) return st;
  }
}

/* Loads the shared strings table (absent: no strings). */
static cv_status load_strings(struct book *b, struct cv_error *err) {
  struct sst *s = &b->sst;
  struct cv__xml x;
  char *text = NULL;
  cv_status st = open_part(b, b->strings_part, &x, &text, err);
  if (st == CV_ENOENT) return CV_OK; /* a workbook without strings */
  if (st != CV_OK) return st;
  while ((st = cv__xml_next(&x, err)) == CV_OK && x.event != CV__XML_EOF) {
    if (x.event != CV__XML_START || strcmp(cv__xml_local(x.name), "si") != 0) continue;
    if (s->n + 2 > MAX_STRINGS) {
      st = cv__xml_fail(&x, err, CV_ELIMIT, "more than %zu shared strings", MAX_STRINGS);
      break;
    }
    if (cv__grow((void **)&s->off, &s->cap, s->n + 2, sizeof *s->off, MAX_STRINGS) != CV_OK) {
      st = cv__xml_fail(&x, err, CV_ENOMEM, "out of memory");
      break;
    }
    s->off[s->n] = s->pool.len;
    st = rich_text(&x, &s->pool, err);
    if (st == CV_OK && cv__buf_addc(&s->pool, '\0') != CV_OK)
      st = cv__xml_fail(&x, err, s->pool.status, "shared strings larger than %zu bytes",
                        MAX_STRING_BYTES);
    if (st != CV_OK) break;
    s->n++;
    s->off[s->n] = s->pool.len;
  }
  cv__xml_fini(&x);
  cv__free(text);
  return st;
}

/* ---- cells ---------------------------------------------------------------------- */

bool cv__xlsx_parse_ref(const char *ref, uint32_t *row, uint32_t *col) {
  uint32_t c = 0, r = 0;
  size_t i = 0;
  while (ref[i] >= 'A' && ref[i] <= 'Z') {
    c = c * 26 + (uint32_t)(ref[i] - 'A' + 1);
    if (c > CV__XLSX_MAX_COL) return false;
    i++;
  }
  if (i == 0 || ref[i] < '1' || ref[i] > '9') return false;
  for (; ref[i]; i++) {
    if (ref[i] < '0' || ref[i] > '9') return false;
    r = r * 10 + (uint32_t)(ref[i] - '0');
    if (r > CV__XLSX_MAX_ROW) return false;
  }
  *row = r;
  *col = c;
  return true;
}

/* Writes the A1-style reference of a cell. */
static void make_ref(uint32_t row, uint32_t col, char out[16]) {
  char letters[8];
  size_t n = 0;
  while (col > 0 && n < sizeof letters) {
    col--;
    letters[n++] = (char)('A' + col % 26);
    col /= 26;
  }
  size_t o = 0;
  while (n > 0) out[o++] = letters[--n];
  char digits[12];
  size_t k = 0;
  do {
    digits[k++] = (char)('0' + row % 10);
    row /= 10;
  } while (row && k < sizeof digits);
  while (k) out[o++] = digits[--k];
  out[o] = '\0';
}

/* Formats a numeric cell as Excel's General format shows it: integers as
 * integers, other values with up to 15 significant digits and no trailing
 * zeros. Returns false for text that is not a number. */
static bool general_number(const char *s, char out[48]) {
  size_t n = strlen(s);
  bool plain = n > 0 && n < 16;
  for (size_t i = (s[0] == '-'); i < n && plain; i++) plain = s[i] >= '0' && s[i] <= '9';
  if (plain && n > (size_t)(s[0] == '-')) {
    memcpy(out, s, n + 1);
    return true;
  }
  /* Only what Excel writes: digits, sign, point and exponent (strtod
   * would also take "inf", "nan", hex and leading blanks). */
  if (strspn(s, "0123456789+-.eE") != n || n == 0) return false;
  char *end;
  double v = strtod(s, &end);
  if (end == s || *end != '\0' || v - v != 0) return false; /* NaN or infinite */
  if (v > -1e15 && v < 1e15 && v == (double)(long long)v) {
    snprintf(out, 48, "%lld", (long long)v);
    return true;
  }
  snprintf(out, 48, "%.15G", v);
  return true;
}

struct cell_state {
  uint32_t row, col;
  char ref[16];
  char type[16];
  bool has_value;
  uint32_t line, column;
};

/* Turns the raw value in b->text into what POI's formatter shows and calls
 * the sink. */
static cv_status emit_cell(struct book *b, struct cv__xml *x, const struct cell_state *c,
                           const struct cv__xlsx_sink *sink, void *ud, struct cv_error *err) {
  const char *raw = b->text.data ? b->text.data : "";
  const char *val = raw;
  size_t len = b->text.len;
  char num[48];
  const char *t = c->type;
  if (t[0] == 's' && t[1] == '\0') {
    /* The hot path: a shared string index, parsed by hand. */
    size_t i = 0;
    const char *p = raw;
    bool ok = *p != '\0';
    for (; *p && ok; p++) {
      ok = *p >= '0' && *p <= '9' && i <= MAX_STRINGS;
      i = i * 10 + (size_t)(*p - '0');
    }
    if (!ok || i >= b->sst.n)
      return cv__fail(err, CV_EINVAL, b->where, c->line, c->column, c->ref,
                      "cell %s: shared string index \"%.40s\" is not in the table (%zu strings)",
                      c->ref, raw, b->sst.n);
    val = b->sst.pool.data + b->sst.off[i];
    len = b->sst.off[i + 1] - b->sst.off[i] - 1;
  } else if (strcmp(t, "b") == 0) {
    val = strcmp(raw, "0") == 0 ? "FALSE" : "TRUE";
    len = strlen(val);
  } else if (strcmp(t, "e") == 0) {
    snprintf(num, sizeof num, "ERROR:%.40s", raw);
    val = num;
    len = strlen(num);
  } else if (strcmp(t, "n") == 0 || t[0] == '\0') {
    if (!general_number(raw, num))
      return cv__fail(err, CV_EINVAL, b->where, c->line, c->column, c->ref,
                      "cell %s: expected a number, found \"%.40s\"", c->ref, raw);
    val = num;
    len = strlen(num);
  } else if (strcmp(t, "str") != 0 && strcmp(t, "inlineStr") != 0 && strcmp(t, "d") != 0) {
    return cv__fail(err, CV_EINVAL, b->where, c->line, c->column, c->ref,
                    "cell %s: unknown cell type t=\"%s\"", c->ref, t);
  }
  (void)x;
  struct cv__xlsx_cell cell = {c->row, c->col, c->ref, val, len, c->line, c->column, b->where};
  return sink->cell(ud, &cell, err);
}

/* Reads one <c> element (x is at its START). */
static cv_status read_cell(struct book *b, struct cv__xml *x, uint32_t row, uint32_t *last_col,
                           const struct cv__xlsx_sink *sink, void *ud, struct cv_error *err) {
  struct cell_state c;
  memset(&c, 0, sizeof c);
  c.line = x->line;
  c.column = x->column;
  const char *r = NULL, *t = NULL;
  for (size_t i = 0; i < x->n_attrs; i++) {
    const char *n = x->attrs[i].name;
    if (n[0] == 'r' && n[1] == '\0') r = x->attrs[i].value;
    else if (n[0] == 't' && n[1] == '\0') t = x->attrs[i].value;
  }
  if (r) {
    if (!cv__xlsx_parse_ref(r, &c.row, &c.col))
      return cv__fail(err, CV_EINVAL, b->where, c.line, c.column, NULL,
                      "bad cell reference r=\"%.20s\": expected column letters and a row number "
                      "like \"B12\"",
                      r);
    if (c.row != row)
      return cv__fail(err, CV_EINVAL, b->where, c.line, c.column, r,
                      "cell %s is inside row %u", r, (unsigned)row);
  } else {
    /* Without r the cell follows the previous one. */
    c.row = row;
    c.col = *last_col + 1;
    if (c.col > CV__XLSX_MAX_COL)
      return cv__fail(err, CV_EINVAL, b->where, c.line, c.column, NULL,
                      "more than %u columns", CV__XLSX_MAX_COL);
  }
  if (c.col <= *last_col && *last_col)
    return cv__fail(err, CV_EINVAL, b->where, c.line, c.column, r,
                    "cells of a row must be in column order");
  *last_col = c.col;
  make_ref(c.row, c.col, c.ref);
  size_t tl = t ? strlen(t) : 0;
  if (tl >= sizeof c.type)
    return cv__fail(err, CV_EINVAL, b->where, c.line, c.column, c.ref,
                    "cell %s: unknown cell type t=\"%.20s\"", c.ref, t);
  memcpy(c.type, t ? t : "", tl + 1);
  cv__buf_reset(&b->text);
  size_t depth = x->depth;
  cv_status st;
  for (;;) {
    st = cv__xml_next(x, err);
    if (st != CV_OK) return st;
    if (x->event == CV__XML_END && x->depth == depth - 1) break;
    if (x->event != CV__XML_START) continue;
    const char *name = x->local;
    if (name[0] == 'v' && name[1] == '\0') {
      cv__buf_reset(&b->text);
      st = cv__xml_text(x, &b->text, err);
      c.has_value = true;
    } else if (strcmp(name, "is") == 0) {
      cv__buf_reset(&b->text);
      st = rich_text(x, &b->text, err);
      c.has_value = true;
      strcpy(c.type, "inlineStr");
    } else {
      st = cv__xml_skip(x, err); /* <f>, <extLst> ... */
    }
    if (st != CV_OK) return st;
  }
  if (!c.has_value) return CV_OK;
  if (cv__buf_addc(&b->text, '\0') != CV_OK)
    return cv__fail(err, CV_ELIMIT, b->where, c.line, c.column, c.ref,
                    "cell %s: value longer than %zu bytes", c.ref, MAX_CELL_BYTES);
  b->text.len--;
  return emit_cell(b, x, &c, sink, ud, err);
}

struct progress_ctx {
  const struct cv__xlsx_sink *sink;
  void *ud;
};

/* Streams the worksheet part, row by row, to the sink. */
static cv_status read_sheet(struct book *b, const struct cv__xlsx_sink *sink, void *ud,
                            struct cv_error *err) {
  const struct cv__zip_entry *e = cv__zip_find(&b->zip, b->sheet_part);
  if (!e)
    return cv__fail(err, CV_EINVAL, b->path, 0, 0, NULL,
                    "the workbook has no worksheet part \"%s\"", b->sheet_part);
  struct cv__zip_reader *zr;
  cv_status st = cv__zip_reader_open(&zr, &b->zip, e, true, err);
  if (st != CV_OK) return st;
  snprintf(b->where, sizeof b->where, "%s (%s)", b->path, b->sheet_part);
  struct cv__xml x;
  cv__xml_init_reader(&x, cv__zip_reader_read, zr, b->where, NULL);
  bool in_data = false;
  uint32_t row = 0;
  uint64_t next_progress = 0;
  while ((st = cv__xml_next(&x, err)) == CV_OK && x.event != CV__XML_EOF) {
    if (x.event == CV__XML_END && in_data && x.depth < 2) in_data = false;
    if (x.event != CV__XML_START) continue;
    const char *name = x.local;
    if (!in_data) {
      if (strcmp(name, "sheetData") == 0) in_data = true;
      else if (x.depth > 1) st = cv__xml_skip(&x, err);
      if (st != CV_OK) break;
      continue;
    }
    if (strcmp(name, "row") != 0) {
      st = cv__xml_skip(&x, err);
      if (st != CV_OK) break;
      continue;
    }
    const char *r = cv__xml_attr(&x, "r");
    uint32_t rl = x.line, rc = x.column;
    if (r) {
      char *end;
      unsigned long v = strtoul(r, &end, 10);
      if (end == r || *end || r[0] == '-' || v == 0 || v > CV__XLSX_MAX_ROW || v <= row) {
        st = cv__fail(err, CV_EINVAL, b->where, rl, rc, NULL,
                      "bad row number r=\"%.20s\": rows must be numbered upwards from 1 to %u", r,
                      CV__XLSX_MAX_ROW);
        break;
      }
      row = (uint32_t)v;
    } else if (++row > CV__XLSX_MAX_ROW) {
      st = cv__fail(err, CV_EINVAL, b->where, rl, rc, NULL, "more than %u rows", CV__XLSX_MAX_ROW);
      break;
    }
    st = sink->row_start(ud, row, err);
    size_t depth = x.depth;
    uint32_t last_col = 0;
    while (st == CV_OK) {
      st = cv__xml_next(&x, err);
      if (st != CV_OK) break;
      if (x.event == CV__XML_END && x.depth == depth - 1) break;
      if (x.event != CV__XML_START) continue;
      if (x.local[0] == 'c' && x.local[1] == '\0')
        st = read_cell(b, &x, row, &last_col, sink, ud, err);
      else
        st = cv__xml_skip(&x, err);
    }
    if (st == CV_OK) st = sink->row_end(ud, row, err);
    if (st != CV_OK) break;
    if (sink->progress && cv__xml_offset(&x) >= next_progress) {
      sink->progress(ud, cv__xml_offset(&x), e->size);
      next_progress = cv__xml_offset(&x) + ((uint64_t)4 << 20);
    }
  }
  cv__xml_fini(&x);
  cv__zip_reader_close(zr);
  return st;
}

/* Opens the workbook, finds its parts, loads strings, streams the sheet. */
cv_status cv__xlsx_read(const char *path, const void *data, size_t len,
                        const struct cv__xlsx_sink *sink, void *ud, struct cv_error *err) {
  struct book b;
  memset(&b, 0, sizeof b);
  b.path = path;
  cv__buf_init(&b.sst.pool, MAX_STRING_BYTES);
  cv__buf_init(&b.text, MAX_CELL_BYTES);
  char *owned = NULL;
  cv_status st = CV_OK;
  if (!data) {
    st = cv__read_file(path, MAX_XLSX_BYTES, &owned, &len, err);
    data = owned;
  }
  bool zip_open = false;
  if (st == CV_OK) {
    st = cv__zip_open(&b.zip, data, len, path, NULL, err);
    zip_open = st == CV_OK;
  }
  if (st == CV_OK) st = locate_parts(&b, err);
  if (st == CV_OK) st = load_strings(&b, err);
  if (st == CV_OK) st = read_sheet(&b, sink, ud, err);
  if (zip_open) cv__zip_close(&b.zip);
  cv__free(owned);
  cv__buf_fini(&b.sst.pool);
  cv__free(b.sst.off);
  cv__buf_fini(&b.text);
  return st;
}
