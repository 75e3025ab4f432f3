#include "formats/csv.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#define DEFAULT_MAX_FIELD ((size_t)64 * 1024)
#define DEFAULT_MAX_FIELDS ((size_t)1024)
#define DEFAULT_MAX_ROWS ((size_t)50000000)

/* Byte classes: a set bit means the byte needs a closer look inside an
 * unquoted (UNQ) or quoted (QUO) field. Every other byte is copied as is, so
 * the scanners stay a single table lookup per byte. */
enum { UNQ = 1, QUO = 2 };
#define X16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
static const unsigned char cls[256] = {
    [0x00] = UNQ | QUO, ['\n'] = UNQ | QUO, ['\r'] = UNQ, ['"'] = UNQ | QUO,
    [','] = UNQ,
    [0x80] = X16(UNQ | QUO), X16(UNQ | QUO), X16(UNQ | QUO), X16(UNQ | QUO),
    X16(UNQ | QUO), X16(UNQ | QUO), X16(UNQ | QUO), X16(UNQ | QUO)};
#undef X16

/* Why a UTF-8 sequence is rejected; 0 means it is valid. */
enum { U_OK, U_BYTE, U_TRUNC, U_OVERLONG, U_SURROGATE, U_RANGE };

static const char *const utf8_why[] = {
    "", "", " (truncated sequence)", " (overlong encoding)",
    " (UTF-16 surrogate)", " (above U+10FFFF)"};

/* Checks the sequence at p (p[0] >= 0x80, p < end). Returns its length, or 0
 * with the reason in *why. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end, int *why) {
  unsigned c = p[0];
  size_t n;
  if (c < 0xC0u || c > 0xF4u) {
    *why = U_BYTE;
    return 0;
  }
  if (c < 0xC2u) {
    *why = U_OVERLONG;
    return 0;
  }
  n = c < 0xE0u ? 2 : c < 0xF0u ? 3 : 4;
  for (size_t i = 1; i < n; i++) {
    if ((size_t)(end - p) <= i || (p[i] & 0xC0u) != 0x80u) {
      *why = U_TRUNC;
      return 0;
    }
  }
  if ((c == 0xE0u && p[1] < 0xA0u) || (c == 0xF0u && p[1] < 0x90u)) {
    *why = U_OVERLONG;
    return 0;
  }
  if (c == 0xEDu && p[1] >= 0xA0u) {
    *why = U_SURROGATE;
    return 0;
  }
  if (c == 0xF4u && p[1] >= 0x90u) {
    *why = U_RANGE;
    return 0;
  }
  return n;
}

static uint32_t sat32(size_t v) { return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

/* Column (in code points) of the byte at p on the current line. */
static uint32_t col_at(const struct cv__csv *r, const unsigned char *p) {
  size_t off = (size_t)((const char *)p - r->data);
  return sat32(off - r->line_start - r->cont + 1);
}

static void new_line(struct cv__csv *r, const unsigned char *after) {
  if (r->line != UINT32_MAX) r->line++;
  r->line_start = (size_t)((const char *)after - r->data);
  r->cont = 0;
}

/* Makes the error sticky and hides the partial record. */
static cv_status stop(struct cv__csv *r, cv_status s) {
  r->status = s;
  r->n_fields = 0;
  return s;
}

static cv_status utf8_fail(struct cv__csv *r, struct cv_error *err,
                           const unsigned char *p, int why) {
  return stop(r, cv__fail(err, CV_EINVAL, r->file, r->line, col_at(r, p), NULL,
                          "invalid UTF-8 byte 0x%02x%s", (unsigned)p[0], utf8_why[why]));
}

static cv_status nul_fail(struct cv__csv *r, struct cv_error *err, const unsigned char *p) {
  return stop(r, cv__fail(err, CV_EINVAL, r->file, r->line, col_at(r, p), NULL,
                          "NUL byte in input"));
}

static cv_status cr_fail(struct cv__csv *r, struct cv_error *err, const unsigned char *p) {
  return stop(r, cv__fail(err, CV_EINVAL, r->file, r->line, col_at(r, p), NULL,
                          "carriage return without line feed"));
}

/* Reports a failed append to the row text, at the field's start. */
static cv_status text_fail(struct cv__csv *r, struct cv_error *err, cv_status s,
                           const struct cv__csv_field *f) {
  if (s == CV_ENOMEM)
    return stop(r, cv__fail(err, s, r->file, f->line, f->column, NULL, "out of memory"));
  return stop(r, cv__fail(err, CV_ELIMIT, r->file, f->line, f->column, NULL,
                          "record longer than %zu bytes", r->text.max));
}

/* Appends n bytes of field content; the caller checks the field cap. */
static cv_status add_bytes(struct cv__buf *b, const unsigned char *s, size_t n) {
  if (b->cap - b->len < n + 2) {
    cv_status st = cv__buf_reserve(b, n + 1);
    if (st != CV_OK) return st;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  return CV_OK;
}

/* Terminates the current field with its own NUL (kept inside text). */
static cv_status end_field(struct cv__buf *b) {
  if (b->cap - b->len < 2) {
    cv_status st = cv__buf_reserve(b, 1);
    if (st != CV_OK) return st;
  }
  b->data[b->len++] = '\0';
  return CV_OK;
}

static cv_status grow_fields(struct cv__csv *r) {
  size_t ncap = r->cap_fields ? r->cap_fields * 2 : 16;
  if (ncap > r->lim.max_fields || ncap < r->cap_fields) ncap = r->lim.max_fields;
  if (ncap > SIZE_MAX / sizeof *r->fields) return CV_ENOMEM;
  struct cv__csv_field *f = cv__realloc(r->fields, ncap * sizeof *f);
  if (!f) return CV_ENOMEM;
  r->fields = f;
  size_t *o = cv__realloc(r->offsets, ncap * sizeof *o);
  if (!o) return CV_ENOMEM;
  r->offsets = o;
  r->cap_fields = ncap;
  return CV_OK;
}

void cv__csv_init(struct cv__csv *r, const char *data, size_t len, const char *file,
                  const struct cv__csv_limits *limits) {
  memset(r, 0, sizeof *r);
  r->data = data ? data : "";
  r->len = data ? len : 0;
  r->file = file;
  if (limits) r->lim = *limits;
  if (!r->lim.max_field) r->lim.max_field = DEFAULT_MAX_FIELD;
  if (!r->lim.max_fields) r->lim.max_fields = DEFAULT_MAX_FIELDS;
  if (!r->lim.max_rows) r->lim.max_rows = DEFAULT_MAX_ROWS;
  cv__buf_init(&r->text, 0);
  r->line = 1;
  r->column = 1;
  r->rec_line = 1;
  if (r->len >= 3 && memcmp(r->data, "\xEF\xBB\xBF", 3) == 0) {
    /* The BOM is not a character of the first line: columns start after it. */
    r->pos = 3;
    r->line_start = 3;
  }
}

void cv__csv_fini(struct cv__csv *r) {
  if (!r) return;
  cv__buf_fini(&r->text);
  cv__free(r->fields);
  cv__free(r->offsets);
  r->fields = NULL;
  r->offsets = NULL;
  r->n_fields = r->cap_fields = 0;
}

/* Scans a quoted field whose opening quote is at *pp, appending its unescaped
 * content; leaves *pp just past the closing quote. */
static cv_status read_quoted(struct cv__csv *r, struct cv_error *err,
                             const unsigned char **pp, const unsigned char *end,
                             const struct cv__csv_field *f, size_t off) {
  const unsigned char *p = *pp + 1, *chunk = p;
  size_t max = r->lim.max_field;
  cv_status st;
  for (;;) {
    while (p < end && !(cls[*p] & QUO)) p++;
    if (p == end)
      return stop(r, cv__fail(err, CV_EINVAL, r->file, f->line, f->column, NULL,
                              "quoted field is not closed (it starts at line %u, column %u)",
                              (unsigned)f->line, (unsigned)f->column));
    unsigned c = *p;
    if (c == '"') {
      /* A doubled quote keeps one quote: copy through the first of the pair. */
      int doubled = p + 1 < end && p[1] == '"';
      size_t n = (size_t)(p - chunk) + (doubled ? 1u : 0u);
      if (n > max - (r->text.len - off))
        return stop(r, cv__fail(err, CV_ELIMIT, r->file, f->line, f->column, NULL,
                                "field longer than %zu bytes", max));
      if ((st = add_bytes(&r->text, chunk, n)) != CV_OK) return text_fail(r, err, st, f);
      if (!doubled) {
        *pp = p + 1;
        return CV_OK;
      }
      p += 2;
      chunk = p;
    } else if (c == '\n') {
      p++;
      new_line(r, p);
    } else if (c == 0) {
      return nul_fail(r, err, p);
    } else {
      int why = U_OK;
      size_t n = utf8_seq(p, end, &why);
      if (!n) return utf8_fail(r, err, p, why);
      r->cont += n - 1;
      p += n;
    }
  }
}

/* Reports what follows a closing quote when it is not a separator. */
static cv_status after_quote_fail(struct cv__csv *r, struct cv_error *err,
                                  const unsigned char *p, const unsigned char *end) {
  unsigned c = *p;
  uint32_t col = col_at(r, p);
  if (c == 0) return nul_fail(r, err, p);
  if (c == '\r') return cr_fail(r, err, p);
  if (c >= 0x80u) {
    int why = U_OK;
    size_t n = utf8_seq(p, end, &why);
    if (!n) return utf8_fail(r, err, p, why);
    return stop(r, cv__fail(err, CV_EINVAL, r->file, r->line, col, NULL,
                            "unexpected character '%.*s' after closing quote", (int)n,
                            (const char *)p));
  }
  if (c < 0x20u || c == 0x7Fu)
    return stop(r, cv__fail(err, CV_EINVAL, r->file, r->line, col, NULL,
                            "unexpected control character 0x%02x after closing quote", c));
  return stop(r, cv__fail(err, CV_EINVAL, r->file, r->line, col, NULL,
                          "unexpected character '%c' after closing quote", (int)c));
}

cv_status cv__csv_next(struct cv__csv *r, struct cv_error *err) {
  if (r->status != CV_OK) {
    r->n_fields = 0;
    return cv__fail(err, r->status, r->file, r->line, r->column, NULL,
                    "reading stopped at an earlier error");
  }
  const unsigned char *base = (const unsigned char *)r->data;
  const unsigned char *p = base + r->pos, *end = base + r->len;
  cv_status st;

  r->n_fields = 0;
  cv__buf_reset(&r->text);
  /* Lines with no characters at all are not records. */
  for (;;) {
    if (p < end && *p == '\n') {
      p++;
    } else if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
      p += 2;
    } else {
      break;
    }
    new_line(r, p);
  }
  r->rec_line = r->line;
  r->pos = (size_t)(p - base);
  r->column = col_at(r, p);
  if (p == end) return CV_OK;
  if (r->rows >= r->lim.max_rows)
    return stop(r, cv__fail(err, CV_ELIMIT, r->file, r->line, r->column, NULL,
                            "more than %zu records", r->lim.max_rows));

  const size_t max = r->lim.max_field;
  for (;;) {
    if (r->n_fields == r->lim.max_fields)
      return stop(r, cv__fail(err, CV_ELIMIT, r->file, r->line, col_at(r, p), NULL,
                              "more than %zu fields in a record", r->lim.max_fields));
    if (r->n_fields == r->cap_fields && grow_fields(r) != CV_OK)
      return stop(r, cv__fail(err, CV_ENOMEM, r->file, r->line, col_at(r, p), NULL,
                              "out of memory"));
    struct cv__csv_field *f = &r->fields[r->n_fields];
    size_t off = r->text.len;
    r->offsets[r->n_fields] = off;
    f->line = r->line;
    f->column = col_at(r, p);
    f->s = NULL;

    int quoted = p < end && *p == '"';
    if (quoted) {
      if ((st = read_quoted(r, err, &p, end, f, off)) != CV_OK) return st;
    } else {
      const unsigned char *q = p;
      for (;;) {
        while (q < end && !(cls[*q] & UNQ)) q++;
        if (q == end) break;
        unsigned c = *q;
        if (c == ',' || c == '\n' || c == '\r') break;
        if (c == '"')
          return stop(r, cv__fail(err, CV_EINVAL, r->file, r->line, col_at(r, q), NULL,
                                  "quote character inside an unquoted field (quote the "
                                  "whole field and double the quote)"));
        if (c == 0) return nul_fail(r, err, q);
        int why = U_OK;
        size_t n = utf8_seq(q, end, &why);
        if (!n) return utf8_fail(r, err, q, why);
        r->cont += n - 1;
        q += n;
      }
      size_t n = (size_t)(q - p);
      if (n > max)
        return stop(r, cv__fail(err, CV_ELIMIT, r->file, f->line, f->column, NULL,
                                "field longer than %zu bytes", max));
      if ((st = add_bytes(&r->text, p, n)) != CV_OK) return text_fail(r, err, st, f);
      p = q;
    }
    if ((st = end_field(&r->text)) != CV_OK) return text_fail(r, err, st, f);
    f->len = r->text.len - 1 - off;
    r->n_fields++;

    if (p == end) break;
    if (*p == ',') {
      p++;
      continue;
    }
    if (*p == '\n') {
      p++;
      new_line(r, p);
      break;
    }
    if (*p == '\r') {
      if (end - p >= 2 && p[1] == '\n') {
        p += 2;
        new_line(r, p);
        break;
      }
      return cr_fail(r, err, p);
    }
    /* Only a quoted field can stop at another byte. */
    return after_quote_fail(r, err, p, end);
  }

  /* text may have moved while the row grew; resolve pointers only now. */
  for (size_t i = 0; i < r->n_fields; i++) r->fields[i].s = r->text.data + r->offsets[i];
  r->rows++;
  r->pos = (size_t)(p - base);
  r->column = col_at(r, p);
  return CV_OK;
}

uint32_t cv__csv_record_line(const struct cv__csv *r) { return r->rec_line; }

static int is_blank(char c) { return c == ' ' || c == '\t'; }

int cv__csv_find_column(const struct cv__csv_field *header, size_t n, const char *name) {
  if (!header || !name) return -1;
  size_t nlen = strlen(name);
  if (n > (size_t)INT_MAX) n = (size_t)INT_MAX;
  for (size_t i = 0; i < n; i++) {
    const char *s = header[i].s;
    size_t len = header[i].len;
    if (!s) continue;
    while (len && is_blank(*s)) {
      s++;
      len--;
    }
    while (len && is_blank(s[len - 1])) len--;
    if (len == nlen && memcmp(s, name, nlen) == 0) return (int)i;
  }
  return -1;
}
