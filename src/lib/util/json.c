/* util/json.c: the JSON reader (input and canonical modes) and the writer.
 *
 * The reader makes one pass over the bytes with an explicit stack of open
 * containers, so deep input cannot exhaust the C stack whatever max_depth the
 * caller allows. Members and items are collected on scratch stacks (inline
 * storage first, the heap only for big documents) and copied into the arena
 * when their container closes, so the tree holds exact-size arrays.
 *
 * Columns count code points. They are computed lazily from a cache that only
 * moves forward along the current line, so each byte is looked at for the
 * column at most once more. */
#include "util/json.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

#define DEFAULT_MAX_DEPTH ((size_t)64)
#define DEFAULT_MAX_STRING ((size_t)1 << 20)
#define DEFAULT_MAX_NODES ((size_t)4000000)

/* Objects with up to this many keys find duplicates by scanning; bigger ones
 * switch to a hash table so a huge object cannot make parsing quadratic. */
#define LINEAR_KEYS 16

/* Quoted keys and number texts in messages are shortened to about this. */
#define SHOW_MAX 40

/* 1 for the bytes a string may hold as they are: printable ASCII and DEL,
 * except '"' and '\\'. Everything else needs a closer look. */
#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const uint8_t plain[256] = {
    R16(0), R16(0),                                 /* 0x00-0x1f: controls */
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20-0x2f: '"' */
    R16(1), R16(1),                                 /* 0x30-0x4f */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50-0x5f: '\\' */
    R16(1), R16(1),                                 /* 0x60-0x7f */
    R16(0), R16(0), R16(0), R16(0),                 /* 0x80-0xff: UTF-8 */
    R16(0), R16(0), R16(0), R16(0),
};
#undef R16

static const char hexdig[] = "0123456789abcdef";

#define ONES UINT64_C(0x0101010101010101)

/* True when none of the 8 bytes at p needs a closer look inside a string
 * (see plain[]): no control byte, '"', '\\' or byte >= 0x80. The zero-byte
 * tests are exact as to whether any byte matches. */
static inline bool plain8(const uint8_t *p) {
  uint64_t x;
  memcpy(&x, p, 8);
  uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');
  uint64_t hit = ((x - ONES * 0x20u) & ~x) |          /* byte < 0x20 (or >= 0x80) */
                 ((q - ONES) & ~q) | ((b - ONES) & ~b) | x;
  return (hit & ONES * 0x80u) == 0;
}

/* ---- UTF-8 ---------------------------------------------------------------- */

enum u8err { U8_OK, U8_BAD_BYTE, U8_OVERLONG, U8_TOO_BIG, U8_SURROGATE, U8_TRUNCATED };

/* Checks the sequence whose lead byte (>= 0x80) is at p, bounded by end.
 * Sets *n to its length when it is valid UTF-8 (shortest form, no surrogates,
 * at most U+10FFFF). */
static enum u8err utf8_seq(const uint8_t *p, const uint8_t *end, size_t *n) {
  uint8_t c = p[0];
  size_t len;
  uint8_t lo = 0x80, hi = 0xBF;
  if (c < 0xC2) return c < 0xC0 ? U8_BAD_BYTE : U8_OVERLONG;
  if (c < 0xE0) {
    len = 2;
  } else if (c < 0xF0) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    else if (c == 0xED) hi = 0x9F;
  } else if (c < 0xF5) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    else if (c == 0xF4) hi = 0x8F;
  } else {
    return U8_BAD_BYTE;
  }
  size_t avail = (size_t)(end - p);
  if (avail < 2 || (p[1] & 0xC0u) != 0x80u) return U8_TRUNCATED;
  if (p[1] < lo) return U8_OVERLONG;
  if (p[1] > hi) return c == 0xED ? U8_SURROGATE : U8_TOO_BIG;
  for (size_t i = 2; i < len; i++)
    if (avail <= i || (p[i] & 0xC0u) != 0x80u) return U8_TRUNCATED;
  *n = len;
  return U8_OK;
}

/* True when s[0..n) is valid UTF-8 without NUL: what the reader accepts. */
static bool utf8_valid(const uint8_t *s, size_t n) {
  const uint8_t *end = s + n;
  while (s < end) {
    if (*s == 0) return false;
    if (*s < 0x80) {
      s++;
      continue;
    }
    size_t k;
    if (utf8_seq(s, end, &k) != U8_OK) return false;
    s += k;
  }
  return true;
}

static size_t utf8_put(uint8_t *o, uint32_t cp) {
  if (cp < 0x80) {
    o[0] = (uint8_t)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (uint8_t)(0xC0u | (cp >> 6));
    o[1] = (uint8_t)(0x80u | (cp & 0x3Fu));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (uint8_t)(0xE0u | (cp >> 12));
    o[1] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
    o[2] = (uint8_t)(0x80u | (cp & 0x3Fu));
    return 3;
  }
  o[0] = (uint8_t)(0xF0u | (cp >> 18));
  o[1] = (uint8_t)(0x80u | ((cp >> 12) & 0x3Fu));
  o[2] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
  o[3] = (uint8_t)(0x80u | (cp & 0x3Fu));
  return 4;
}

/* Writes s[0..n) quoted and escaped into out for a message, shortened to
 * about SHOW_MAX bytes at a character boundary. out needs 8 * SHOW_MAX. */
static const char *show(char *out, const char *s, size_t n) {
  size_t o = 0, i = 0;
  out[o++] = '"';
  for (; i < n && i < SHOW_MAX; i++) {
    uint8_t c = (uint8_t)s[i];
    if (c == '"' || c == '\\') {
      out[o++] = '\\';
      out[o++] = (char)c;
    } else if (c < 0x20) {
      out[o++] = '\\';
      out[o++] = 'u';
      out[o++] = '0';
      out[o++] = '0';
      out[o++] = hexdig[c >> 4];
      out[o++] = hexdig[c & 15];
    } else {
      out[o++] = (char)c;
    }
  }
  if (i < n) {
    while (o > 1 && ((uint8_t)out[o - 1] & 0xC0u) == 0x80u) o--; /* continuation */
    if (o > 1 && (uint8_t)out[o - 1] >= 0xC0u) o--;              /* its lead */
    memcpy(out + o, "\"...", 4);
    o += 4;
  } else {
    out[o++] = '"';
  }
  out[o] = '\0';
  return out;
}

/* ---- reader state ---------------------------------------------------------- */

struct frame {
  struct cv__jval *v;
  size_t base;   /* first member (object) or item (array) on the scratch stack */
  size_t serial; /* identifies the object in the duplicate-key hash */
  bool hashed;   /* its keys are in the hash table */
};

struct hslot {
  uint64_t h;
  size_t obj;
  size_t idx1; /* member index + 1; 0 marks a free slot */
};

struct parser {
  const uint8_t *p, *end;
  const uint8_t *line_start;
  const uint8_t *cpos; /* column cache: ccol is the column of cpos */
  size_t ccol, line;
  bool canon;
  size_t max_depth, max_string, max_nodes, nodes;
  struct cv__arena *a;
  const char *file;
  struct cv_error *err;
  /* Canonical mode: one arena copy of the whole text; each string is cut
   * out of it in place (NUL over its closing quote), so the journal's
   * events cost one copy instead of one allocation per string. */
  char *copy;
  const uint8_t *base;

  struct frame *fr;
  size_t nfr, capfr;
  struct cv__jval **it;
  size_t nit, capit;
  struct cv__jmember *mem;
  size_t nmem, capmem;
  uint8_t *sb; /* unescaping scratch */
  size_t nsb, capsb;
  struct hslot *hs;
  size_t hcount, hcap, serial;

  struct frame fr0[16];
  struct cv__jval *it0[64];
  struct cv__jmember mem0[32];
  uint8_t sb0[256];
};

static uint32_t clamp32(size_t v) { return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

/* Column of q, which lies on the current line. */
static uint32_t column_at(struct parser *ps, const uint8_t *q) {
  if (q < ps->cpos) {
    ps->cpos = ps->line_start;
    ps->ccol = 1;
  }
  const uint8_t *c = ps->cpos;
  size_t col = ps->ccol;
  /* Eight bytes at a time: a continuation byte has bit 7 set and bit 6 clear. */
  for (; q - c >= 8; c += 8) {
    uint64_t x;
    memcpy(&x, c, 8);
    uint64_t cont = x & ~(x << 1) & ONES * 0x80u;
    col += 8 - (size_t)(((cont >> 7) * ONES) >> 56);
  }
  for (; c < q; c++) col += (*c & 0xC0u) != 0x80u;
  ps->cpos = q;
  ps->ccol = col;
  return clamp32(col);
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static cv_status fail(struct parser *ps, const uint8_t *at, cv_status code,
                      const char *fmt, ...) {
  if (!ps->err) return code;
  char msg[448];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return cv__fail(ps->err, code, ps->file, clamp32(ps->line), column_at(ps, at), NULL,
                  "%s", msg);
}

static cv_status fail_eof(struct parser *ps) {
  return fail(ps, ps->end, CV_EINVAL, "unexpected end of input");
}

static cv_status fail_mem(struct parser *ps, const uint8_t *at) {
  if (ps->a->failure == CV_ELIMIT)
    return fail(ps, at, CV_ELIMIT, "the document exceeds the memory cap");
  return fail(ps, at, CV_ENOMEM, "out of memory");
}

static cv_status fail_utf8(struct parser *ps, const uint8_t *at, enum u8err e) {
  switch (e) {
  case U8_OK: break;
  case U8_BAD_BYTE: return fail(ps, at, CV_EINVAL, "invalid UTF-8 byte 0x%02x", *at);
  case U8_OVERLONG: return fail(ps, at, CV_EINVAL, "invalid UTF-8: overlong encoding");
  case U8_TOO_BIG: return fail(ps, at, CV_EINVAL, "invalid UTF-8: code point above U+10FFFF");
  case U8_SURROGATE: return fail(ps, at, CV_EINVAL, "invalid UTF-8: encoded surrogate");
  case U8_TRUNCATED: return fail(ps, at, CV_EINVAL, "invalid UTF-8: truncated sequence");
  }
  return fail(ps, at, CV_EINTERNAL, "UTF-8 check failed");
}

/* Returns a bigger copy of a scratch stack that may still live in its inline
 * storage, or NULL (the old stack stays valid). */
static void *stack_grow(void *data, size_t *cap, size_t need, size_t elem,
                        const void *inline_buf) {
  size_t ncap = *cap * 2;
  if (ncap < need) ncap = need;
  if (ncap > SIZE_MAX / elem) return NULL;
  void *p;
  if (data == inline_buf) {
    p = cv__malloc(ncap * elem);
    if (p) memcpy(p, data, *cap * elem);
  } else {
    p = cv__realloc(data, ncap * elem);
  }
  if (p) *cap = ncap;
  return p;
}

static struct cv__jval *new_val(struct parser *ps, enum cv__jkind k, uint32_t line,
                                uint32_t col) {
  struct cv__jval *v = cv__arena_alloc(ps->a, sizeof *v);
  if (!v) return NULL;
  v->kind = k;
  v->line = line;
  v->column = col;
  return v;
}

static inline bool is_ws(uint8_t c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static inline cv_status skip_ws(struct parser *ps) {
  const uint8_t *p = ps->p, *end = ps->end;
  if (ps->canon) {
    if (p < end && is_ws(*p)) return fail(ps, p, CV_EINVAL, "not canonical: whitespace");
    return CV_OK;
  }
  while (p < end) {
    uint8_t c = *p;
    if (c == ' ' || c == '\t' || c == '\r') {
      p++;
    } else if (c == '\n') {
      p++;
      ps->line++;
      ps->line_start = ps->cpos = p;
      ps->ccol = 1;
    } else {
      break;
    }
  }
  ps->p = p;
  return CV_OK;
}

/* ---- strings --------------------------------------------------------------- */

static cv_status sb_add(struct parser *ps, const uint8_t *q, const void *src, size_t n) {
  if (n > ps->max_string - ps->nsb)
    return fail(ps, q, CV_ELIMIT, "string longer than %zu bytes", ps->max_string);
  if (ps->nsb + n > ps->capsb) {
    void *g = stack_grow(ps->sb, &ps->capsb, ps->nsb + n, 1, ps->sb0);
    if (!g) return fail(ps, q, CV_ENOMEM, "out of memory");
    ps->sb = g;
  }
  memcpy(ps->sb + ps->nsb, src, n);
  ps->nsb += n;
  return CV_OK;
}

static int hexval(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Reads the four hex digits after "\u" at p (p points at the backslash). */
static bool hex4(const uint8_t *p, const uint8_t *end, uint32_t *v, bool *upper) {
  if (end - p < 6) return false;
  uint32_t r = 0;
  for (int i = 2; i < 6; i++) {
    int d = hexval(p[i]);
    if (d < 0) return false;
    if (p[i] >= 'A' && p[i] <= 'F') *upper = true;
    r = r << 4 | (uint32_t)d;
  }
  *v = r;
  return true;
}

/* The escape at p (a backslash with at least one byte after it): appends its
 * meaning to the scratch and returns the number of input bytes used, or 0
 * after recording an error in *s. q is the string's opening quote. */
static size_t unescape(struct parser *ps, const uint8_t *q, const uint8_t *p, cv_status *s) {
  const uint8_t *end = ps->end;
  uint8_t e = p[1], out[4];
  size_t used = 2, n = 1;
  switch (e) {
  case '"': case '\\': out[0] = e; break;
  case 'b': out[0] = '\b'; break;
  case 'f': out[0] = '\f'; break;
  case 'n': out[0] = '\n'; break;
  case 'r': out[0] = '\r'; break;
  case 't': out[0] = '\t'; break;
  case '/':
    if (ps->canon) {
      *s = fail(ps, p, CV_EINVAL, "not canonical: escape \\/ must be written as /");
      return 0;
    }
    out[0] = '/';
    break;
  case 'u': {
    uint32_t v;
    bool upper = false;
    if (!hex4(p, end, &v, &upper)) {
      /* Running out of input inside the escape is an unterminated string. */
      const uint8_t *h = p + 2;
      while (h < end && h < p + 6 && hexval(*h) >= 0) h++;
      *s = h == end ? fail(ps, q, CV_EINVAL, "unterminated string")
                    : fail(ps, p, CV_EINVAL, "invalid escape \\u: expected four hex digits");
      return 0;
    }
    used = 6;
    if (v == 0) {
      *s = fail(ps, p, CV_EINVAL, "\\u0000 is not allowed");
      return 0;
    }
    if (ps->canon) {
      const char *short_form = v == 8 ? "\\b" : v == 9 ? "\\t" : v == 10 ? "\\n"
                             : v == 12 ? "\\f" : v == 13 ? "\\r" : NULL;
      if (short_form) {
        *s = fail(ps, p, CV_EINVAL, "not canonical: escape \\u%.4s must be written as %s",
                  (const char *)p + 2, short_form);
      } else if (v == '"' || v == '\\') {
        *s = fail(ps, p, CV_EINVAL, "not canonical: escape \\u%.4s must be written as \\%c",
                  (const char *)p + 2, (char)v);
      } else if (v >= 0x20 && v < 0x7f) {
        *s = fail(ps, p, CV_EINVAL, "not canonical: escape \\u%.4s must be written as %c",
                  (const char *)p + 2, (char)v);
      } else if (v >= 0x20) {
        *s = fail(ps, p, CV_EINVAL,
                  "not canonical: escape \\u%.4s must be written as the character itself",
                  (const char *)p + 2);
      } else if (upper) {
        *s = fail(ps, p, CV_EINVAL, "not canonical: escape \\u%.4s must use lowercase hex",
                  (const char *)p + 2);
      } else {
        out[0] = (uint8_t)v;
        break;
      }
      return 0;
    }
    if (v >= 0xDC00 && v <= 0xDFFF) {
      *s = fail(ps, p, CV_EINVAL, "lone surrogate \\u%.4s", (const char *)p + 2);
      return 0;
    }
    if (v >= 0xD800 && v <= 0xDBFF) {
      uint32_t lo;
      bool up2 = false;
      if (end - p < 12 || p[6] != '\\' || p[7] != 'u' || !hex4(p + 6, end, &lo, &up2) ||
          lo < 0xDC00 || lo > 0xDFFF) {
        *s = fail(ps, p, CV_EINVAL, "lone surrogate \\u%.4s", (const char *)p + 2);
        return 0;
      }
      v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
      used = 12;
    }
    n = utf8_put(out, v);
    break;
  }
  default:
    if (e > 0x20 && e < 0x7f)
      *s = fail(ps, p, CV_EINVAL, "invalid escape \\%c", (char)e);
    else
      *s = fail(ps, p, CV_EINVAL, "invalid escape: backslash followed by byte 0x%02x", e);
    return 0;
  }
  *s = sb_add(ps, q, out, n);
  return *s == CV_OK ? used : 0;
}

static cv_status ctl_in_string(struct parser *ps, const uint8_t *p) {
  if (*p == '\n' || *p == '\r')
    return fail(ps, p, CV_EINVAL, "line break in string (missing closing quote?)");
  return fail(ps, p, CV_EINVAL, "control character 0x%02x in string must be escaped", *p);
}

/* The rest of a string after its first escape at p: unescapes into the
 * scratch, then copies the result into the arena. */
static cv_status parse_string_slow(struct parser *ps, const uint8_t *q, const uint8_t *p,
                                   const char **out, size_t *out_len) {
  const uint8_t *end = ps->end;
  cv_status s;
  ps->nsb = 0;
  if ((s = sb_add(ps, q, q + 1, (size_t)(p - q - 1))) != CV_OK) return s;
  for (;;) {
    const uint8_t *run = p;
    while (p < end) {
      if (plain[*p]) {
        p++;
      } else if (*p >= 0x80) {
        size_t k;
        enum u8err e = utf8_seq(p, end, &k);
        if (e != U8_OK) return fail_utf8(ps, p, e);
        p += k;
      } else {
        break;
      }
    }
    if ((s = sb_add(ps, q, run, (size_t)(p - run))) != CV_OK) return s;
    if (p == end) return fail(ps, q, CV_EINVAL, "unterminated string");
    if (*p == '"') break;
    if (*p != '\\') return ctl_in_string(ps, p);
    if (end - p < 2) return fail(ps, q, CV_EINVAL, "unterminated string");
    size_t used = unescape(ps, q, p, &s);
    if (!used) return s;
    p += used;
  }
  char *str;
  if (ps->copy) {
    /* Unescaped text is never longer than the literal: it fits in place. */
    str = ps->copy + (q + 1 - ps->base);
    memcpy(str, ps->sb, ps->nsb);
    str[ps->nsb] = '\0';
  } else if (!(str = cv__arena_strndup(ps->a, (const char *)ps->sb, ps->nsb))) {
    return fail_mem(ps, q);
  }
  ps->p = p + 1;
  *out = str;
  *out_len = ps->nsb;
  return CV_OK;
}

/* Parses the string literal whose opening quote is at ps->p into the arena
 * (NUL-terminated) and moves past its closing quote. */
static cv_status parse_string(struct parser *ps, const char **out, size_t *out_len) {
  const uint8_t *q = ps->p, *p = q + 1, *end = ps->end;
  for (;;) {
    while (end - p >= 8 && plain8(p)) p += 8;
    while (p < end && plain[*p]) p++;
    if (p == end) return fail(ps, q, CV_EINVAL, "unterminated string");
    if (*p < 0x80) break;
    size_t k;
    enum u8err e = utf8_seq(p, end, &k);
    if (e != U8_OK) return fail_utf8(ps, p, e);
    p += k;
  }
  if (*p == '\\') return parse_string_slow(ps, q, p, out, out_len);
  if (*p != '"') return ctl_in_string(ps, p);
  size_t len = (size_t)(p - q - 1);
  if (len > ps->max_string)
    return fail(ps, q, CV_ELIMIT, "string longer than %zu bytes", ps->max_string);
  char *str;
  if (ps->copy) {
    str = ps->copy + (q + 1 - ps->base);
    str[len] = '\0';
  } else if (!(str = cv__arena_strndup(ps->a, (const char *)q + 1, len))) {
    return fail_mem(ps, q);
  }
  ps->p = p + 1;
  *out = str;
  *out_len = len;
  return CV_OK;
}

/* ---- numbers and literals -------------------------------------------------- */

static inline bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

static bool is_word(uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

/* Parses the number at ps->p (a '-' or a digit). Only integers are accepted,
 * but the whole JSON number is read first so the message can quote it. */
static cv_status parse_number(struct parser *ps, int64_t *out) {
  const uint8_t *start = ps->p, *p = start, *end = ps->end;
  bool neg = false;
  if (*p == '-') {
    neg = true;
    p++;
  }
  if (p == end || !is_digit(*p))
    return fail(ps, p, CV_EINVAL, "invalid number: expected a digit after '-'");
  uint64_t acc = 0;
  bool ovf = false;
  if (*p == '0') {
    p++;
    if (p < end && is_digit(*p)) return fail(ps, start, CV_EINVAL, "leading zeros are not allowed");
  } else {
    for (; p < end && is_digit(*p); p++) {
      unsigned d = (unsigned)(*p - '0');
      if (acc > (UINT64_MAX - d) / 10) ovf = true;
      else acc = acc * 10 + d;
    }
  }
  if (p < end && (*p == '.' || *p == 'e' || *p == 'E')) {
    if (*p == '.') {
      p++;
      if (p == end || !is_digit(*p))
        return fail(ps, p, CV_EINVAL, "invalid number: expected a digit after '.'");
      while (p < end && is_digit(*p)) p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
      p++;
      if (p < end && (*p == '+' || *p == '-')) p++;
      if (p == end || !is_digit(*p))
        return fail(ps, p, CV_EINVAL, "invalid number: expected a digit in the exponent");
      while (p < end && is_digit(*p)) p++;
    }
    size_t n = (size_t)(p - start);
    return fail(ps, start, CV_EINVAL,
                "number %.*s%s is not an integer: canvass accepts whole numbers only",
                (int)(n > SHOW_MAX ? SHOW_MAX : n), (const char *)start,
                n > SHOW_MAX ? "..." : "");
  }
  if (ovf || acc > (neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX))
    return fail(ps, start, CV_EINVAL, "integer out of range");
  if (neg && acc == 0 && ps->canon)
    return fail(ps, start, CV_EINVAL, "not canonical: -0 must be written as 0");
  /* -(acc - 1) - 1 stays in range for acc = 2^63. */
  *out = !neg ? (int64_t)acc : acc == 0 ? 0 : -(int64_t)(acc - 1u) - 1;
  ps->p = p;
  return CV_OK;
}

/* Anything else where a value should start. */
static cv_status bad_value(struct parser *ps, const uint8_t *at) {
  const uint8_t *end = ps->end;
  uint8_t c = *at;
  if (is_word(c)) {
    const uint8_t *w = at;
    while (w < end && is_word(*w)) w++;
    size_t n = (size_t)(w - at);
    static const char *const lits[] = {"true", "false", "null"};
    if (w == end)
      for (size_t i = 0; i < 3; i++)
        if (n < strlen(lits[i]) && memcmp(at, lits[i], n) == 0) return fail_eof(ps);
    return fail(ps, at, CV_EINVAL, "invalid literal %.*s%s (expected true, false or null)",
                (int)(n > SHOW_MAX ? SHOW_MAX : n), (const char *)at,
                n > SHOW_MAX ? "..." : "");
  }
  if (c >= 0x80) {
    size_t k;
    enum u8err e = utf8_seq(at, end, &k);
    if (e != U8_OK) return fail_utf8(ps, at, e);
    return fail(ps, at, CV_EINVAL, "expected a JSON value, found %.*s", (int)k,
                (const char *)at);
  }
  if (c < 0x20 || c == 0x7f)
    return fail(ps, at, CV_EINVAL, "expected a JSON value, found control character 0x%02x", c);
  return fail(ps, at, CV_EINVAL, "expected a JSON value, found '%c'", (char)c);
}

/* ---- duplicate keys -------------------------------------------------------- */

static uint64_t key_hash(const char *k, size_t n, size_t obj) {
  uint64_t h = 0xcbf29ce484222325u;
  for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)k[i]) * 0x100000001b3u;
  return h ^ ((uint64_t)obj * 0x9e3779b97f4a7c15u);
}

/* Looks key member idx up among the keys of object obj and inserts it when
 * absent. Returns 1 when present, 0 when inserted, -1 when out of memory. */
static int hash_probe(struct parser *ps, size_t obj, size_t idx) {
  if ((ps->hcount + 1) * 2 > ps->hcap) {
    size_t ncap = ps->hcap ? ps->hcap * 2 : 256;
    if (ncap > SIZE_MAX / sizeof(struct hslot)) return -1;
    struct hslot *ns = cv__calloc(ncap, sizeof *ns);
    if (!ns) return -1;
    for (size_t i = 0; i < ps->hcap; i++) {
      if (!ps->hs[i].idx1) continue;
      size_t j = (size_t)ps->hs[i].h & (ncap - 1);
      while (ns[j].idx1) j = (j + 1) & (ncap - 1);
      ns[j] = ps->hs[i];
    }
    cv__free(ps->hs);
    ps->hs = ns;
    ps->hcap = ncap;
  }
  const struct cv__jmember *m = &ps->mem[idx];
  uint64_t h = key_hash(m->key, m->key_len, obj);
  size_t j = (size_t)h & (ps->hcap - 1);
  for (; ps->hs[j].idx1; j = (j + 1) & (ps->hcap - 1)) {
    const struct hslot *e = &ps->hs[j];
    if (e->h != h || e->obj != obj) continue;
    const struct cv__jmember *o = &ps->mem[e->idx1 - 1];
    if (o->key_len == m->key_len && memcmp(o->key, m->key, m->key_len) == 0) return 1;
  }
  ps->hs[j] = (struct hslot){h, obj, idx + 1};
  ps->hcount++;
  return 0;
}

static int key_cmp(const char *a, size_t an, const char *b, size_t bn) {
  int c = memcmp(a, b, an < bn ? an : bn);
  if (c) return c;
  return an < bn ? -1 : an > bn;
}

/* Pushes the member whose key starts at q onto the scratch stack of object f,
 * after the duplicate check (input) or the order check (canonical). */
static cv_status add_key(struct parser *ps, struct frame *f, const uint8_t *q,
                         const char *k, size_t n, uint32_t line, uint32_t col) {
  char shown[8 * SHOW_MAX], shown2[8 * SHOW_MAX];
  size_t have = ps->nmem - f->base;
  if (ps->nmem == ps->capmem) {
    void *g = stack_grow(ps->mem, &ps->capmem, ps->nmem + 1, sizeof *ps->mem, ps->mem0);
    if (!g) return fail(ps, q, CV_ENOMEM, "out of memory");
    ps->mem = g;
  }
  struct cv__jmember *m = &ps->mem[ps->nmem];
  *m = (struct cv__jmember){k, n, line, col, NULL};
  if (ps->canon) {
    if (have) {
      const struct cv__jmember *prev = m - 1;
      int c = key_cmp(prev->key, prev->key_len, k, n);
      if (c == 0) return fail(ps, q, CV_EINVAL, "duplicate key %s", show(shown, k, n));
      if (c > 0)
        return fail(ps, q, CV_EINVAL, "not canonical: keys out of order (%s after %s)",
                    show(shown, k, n), show(shown2, prev->key, prev->key_len));
    }
  } else if (have < LINEAR_KEYS) {
    for (size_t i = f->base; i < ps->nmem; i++)
      if (ps->mem[i].key_len == n && memcmp(ps->mem[i].key, k, n) == 0)
        return fail(ps, q, CV_EINVAL, "duplicate key %s", show(shown, k, n));
  } else {
    if (!f->hashed) {
      for (size_t i = f->base; i < ps->nmem; i++)
        if (hash_probe(ps, f->serial, i) < 0) return fail(ps, q, CV_ENOMEM, "out of memory");
      f->hashed = true;
    }
    int r = hash_probe(ps, f->serial, ps->nmem);
    if (r < 0) return fail(ps, q, CV_ENOMEM, "out of memory");
    if (r > 0) return fail(ps, q, CV_EINVAL, "duplicate key %s", show(shown, k, n));
  }
  ps->nmem++;
  return CV_OK;
}

/* ---- the document ---------------------------------------------------------- */

static cv_status close_container(struct parser *ps, struct frame *f) {
  struct cv__jval *v = f->v;
  if (v->kind == CV__J_OBJ) {
    size_t n = ps->nmem - f->base;
    v->u.obj.members = NULL;
    v->u.obj.n = n;
    if (n) {
      struct cv__jmember *m = cv__arena_alloc(ps->a, n * sizeof *m);
      if (!m) return fail_mem(ps, ps->p);
      memcpy(m, ps->mem + f->base, n * sizeof *m);
      v->u.obj.members = m;
    }
    ps->nmem = f->base;
  } else {
    size_t n = ps->nit - f->base;
    v->u.arr.items = NULL;
    v->u.arr.n = n;
    if (n) {
      struct cv__jval **it = cv__arena_alloc(ps->a, n * sizeof *it);
      if (!it) return fail_mem(ps, ps->p);
      memcpy(it, ps->it + f->base, n * sizeof *it);
      v->u.arr.items = it;
    }
    ps->nit = f->base;
  }
  return CV_OK;
}

#define TRY(expr)                  \
  do {                             \
    cv_status try_s_ = (expr);     \
    if (try_s_ != CV_OK) return try_s_; \
  } while (0)

/* The whole document: a state machine over value, key, after-value and
 * close, with the open containers on ps->fr. */
static cv_status parse_doc(struct parser *ps, struct cv__jval **out) {
  struct cv__jval *v;
  struct frame *f;
  const uint8_t *at;
  uint32_t line, col;

value:
  TRY(skip_ws(ps));
  at = ps->p;
  if (at == ps->end) return fail_eof(ps);
  line = clamp32(ps->line);
  /* Canonical text is one machine-made line: byte columns serve, and they
   * spare counting code points for every value of every journal event. */
  col = ps->canon ? clamp32((size_t)(at - ps->line_start) + 1) : column_at(ps, at);
  if (++ps->nodes > ps->max_nodes)
    return fail(ps, at, CV_ELIMIT, "more than %zu values in the document", ps->max_nodes);
  switch (*at) {
  case '{':
  case '[': {
    bool is_obj = *at == '{';
    if (ps->nfr >= ps->max_depth)
      return fail(ps, at, CV_ELIMIT, "nesting deeper than %zu", ps->max_depth);
    v = new_val(ps, is_obj ? CV__J_OBJ : CV__J_ARR, line, col);
    if (!v) return fail_mem(ps, at);
    if (ps->nfr == ps->capfr) {
      void *g = stack_grow(ps->fr, &ps->capfr, ps->nfr + 1, sizeof *ps->fr, ps->fr0);
      if (!g) return fail(ps, at, CV_ENOMEM, "out of memory");
      ps->fr = g;
    }
    f = &ps->fr[ps->nfr++];
    *f = (struct frame){v, is_obj ? ps->nmem : ps->nit, ps->serial++, false};
    ps->p++;
    TRY(skip_ws(ps));
    if (ps->p == ps->end) return fail_eof(ps);
    if (*ps->p == (is_obj ? '}' : ']')) {
      ps->p++;
      goto close;
    }
    if (!is_obj) goto value;
    if (*ps->p != '"') return fail(ps, ps->p, CV_EINVAL, "expected a string key or '}'");
    goto key;
  }
  case '"': {
    const char *s = NULL;
    size_t n = 0;
    TRY(parse_string(ps, &s, &n));
    v = new_val(ps, CV__J_STR, line, col);
    if (!v) return fail_mem(ps, at);
    v->u.str.s = s;
    v->u.str.len = n;
    break;
  }
  case '-': case '0': case '1': case '2': case '3': case '4':
  case '5': case '6': case '7': case '8': case '9': {
    int64_t i = 0;
    TRY(parse_number(ps, &i));
    v = new_val(ps, CV__J_INT, line, col);
    if (!v) return fail_mem(ps, at);
    v->u.i = i;
    break;
  }
  default: {
    size_t avail = (size_t)(ps->end - at), n;
    bool b = false;
    enum cv__jkind k;
    if (avail >= 4 && memcmp(at, "true", 4) == 0) n = 4, b = true, k = CV__J_BOOL;
    else if (avail >= 5 && memcmp(at, "false", 5) == 0) n = 5, k = CV__J_BOOL;
    else if (avail >= 4 && memcmp(at, "null", 4) == 0) n = 4, k = CV__J_NULL;
    else return bad_value(ps, at);
    if (avail > n && is_word(at[n])) return bad_value(ps, at);
    v = new_val(ps, k, line, col);
    if (!v) return fail_mem(ps, at);
    v->u.b = b;
    ps->p += n;
    break;
  }
  }

done: /* v is complete; hand it to its container */
  if (ps->nfr == 0) {
    TRY(skip_ws(ps));
    if (ps->p != ps->end)
      return fail(ps, ps->p, CV_EINVAL, "unexpected text after the JSON value");
    *out = v;
    return CV_OK;
  }
  f = &ps->fr[ps->nfr - 1];
  if (f->v->kind == CV__J_OBJ) {
    ps->mem[ps->nmem - 1].val = v;
    TRY(skip_ws(ps));
    if (ps->p == ps->end) return fail_eof(ps);
    if (*ps->p == ',') {
      ps->p++;
      TRY(skip_ws(ps));
      if (ps->p == ps->end) return fail_eof(ps);
      if (*ps->p != '"') return fail(ps, ps->p, CV_EINVAL, "expected a string key after ','");
      goto key;
    }
    if (*ps->p != '}')
      return fail(ps, ps->p, CV_EINVAL, "expected ',' or '}' after object member");
    ps->p++;
    goto close;
  }
  if (ps->nit == ps->capit) {
    void *g = stack_grow(ps->it, &ps->capit, ps->nit + 1, sizeof *ps->it, ps->it0);
    if (!g) return fail(ps, ps->p, CV_ENOMEM, "out of memory");
    ps->it = g;
  }
  ps->it[ps->nit++] = v;
  TRY(skip_ws(ps));
  if (ps->p == ps->end) return fail_eof(ps);
  if (*ps->p == ',') {
    ps->p++;
    goto value;
  }
  if (*ps->p != ']') return fail(ps, ps->p, CV_EINVAL, "expected ',' or ']' after array item");
  ps->p++;
  /* fall through to close */

close:
  f = &ps->fr[--ps->nfr];
  TRY(close_container(ps, f));
  v = f->v;
  goto done;

key: { /* ps->p is at the opening quote of a key in object f */
  const char *k = NULL;
  size_t n = 0;
  at = ps->p;
  line = clamp32(ps->line);
  col = ps->canon ? clamp32((size_t)(at - ps->line_start) + 1) : column_at(ps, at);
  TRY(parse_string(ps, &k, &n));
  TRY(add_key(ps, &ps->fr[ps->nfr - 1], at, k, n, line, col));
  TRY(skip_ws(ps));
  if (ps->p == ps->end) return fail_eof(ps);
  if (*ps->p != ':') return fail(ps, ps->p, CV_EINVAL, "expected ':' after object key");
  ps->p++;
  goto value;
}
}

cv_status cv__json_parse(struct cv__arena *a, const char *data, size_t len,
                         enum cv__json_mode mode, const struct cv__json_limits *limits,
                         const char *file, struct cv__jval **out, struct cv_error *err) {
  assert(a && out && (data || len == 0));
  if (!data) data = "";
  struct parser *ps, st;
  ps = &st;
  ps->p = ps->line_start = ps->cpos = (const uint8_t *)data;
  ps->end = ps->p + len;
  ps->ccol = ps->line = 1;
  ps->canon = mode == CV__JSON_CANONICAL;
  ps->max_depth = limits && limits->max_depth ? limits->max_depth : DEFAULT_MAX_DEPTH;
  ps->max_string = limits && limits->max_string ? limits->max_string : DEFAULT_MAX_STRING;
  ps->max_nodes = limits && limits->max_nodes ? limits->max_nodes : DEFAULT_MAX_NODES;
  ps->nodes = 0;
  ps->a = a;
  ps->file = file;
  ps->err = err;
  ps->fr = ps->fr0;
  ps->capfr = sizeof ps->fr0 / sizeof ps->fr0[0];
  ps->it = ps->it0;
  ps->capit = sizeof ps->it0 / sizeof ps->it0[0];
  ps->mem = ps->mem0;
  ps->capmem = sizeof ps->mem0 / sizeof ps->mem0[0];
  ps->sb = ps->sb0;
  ps->capsb = sizeof ps->sb0;
  ps->nfr = ps->nit = ps->nmem = ps->nsb = 0;
  ps->hs = NULL;
  ps->hcount = ps->hcap = ps->serial = 0;
  ps->base = (const uint8_t *)data;
  ps->copy = NULL;
  if (ps->canon && len > 0) {
    if (!(ps->copy = cv__arena_alloc(a, len + 1))) return fail_mem(ps, ps->p);
    memcpy(ps->copy, data, len);
  }

  struct cv__jval *v = NULL;
  cv_status s;
  if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
    s = fail(ps, ps->p, CV_EINVAL, "byte order mark not allowed");
  else
    s = parse_doc(ps, &v);

  if (ps->fr != ps->fr0) cv__free(ps->fr);
  if (ps->it != ps->it0) cv__free(ps->it);
  if (ps->mem != ps->mem0) cv__free(ps->mem);
  if (ps->sb != ps->sb0) cv__free(ps->sb);
  cv__free(ps->hs);
  if (s == CV_OK) *out = v;
  return s;
}

const struct cv__jval *cv__json_get(const struct cv__jval *obj, const char *key) {
  if (!obj || obj->kind != CV__J_OBJ || !key) return NULL;
  size_t n = strlen(key);
  for (size_t i = 0; i < obj->u.obj.n; i++) {
    const struct cv__jmember *m = &obj->u.obj.members[i];
    if (m->key_len == n && memcmp(m->key, key, n) == 0) return m->val;
  }
  return NULL;
}

const char *cv__json_kind_name(enum cv__jkind k) {
  switch (k) {
  case CV__J_NULL: return "null";
  case CV__J_BOOL: return "a boolean";
  case CV__J_INT: return "an integer";
  case CV__J_STR: return "a string";
  case CV__J_ARR: return "an array";
  case CV__J_OBJ: return "an object";
  }
  return "an unknown value";
}

/* ---- writer ------------------------------------------------------------------
 *
 * The header gives the writer one flag per level, w->first. It records the
 * kind of the container at each level (true: object), which is what misuse
 * checks need. Whether a container is still empty needs no flag: the writer
 * itself produced every byte since the container opened, and only an opening
 * bracket can be the last byte before the first member or item (values end in
 * '"', a digit, a letter, '}' or ']'; keys end in ':' or ' '). */

/* Bytes >= 0x20 other than '"' and '\\' are copied as they are, so the
 * result is canonical only for valid UTF-8 without NUL (cv__jw_strn checks
 * that; a direct caller must). Failures stick in b->status. */
void cv__json_escape(struct cv__buf *b, const char *s, size_t n) {
  assert(b && (s || n == 0));
  if (!s) s = "";
  const uint8_t *p = (const uint8_t *)s, *end = p + n, *run = p;
  cv__buf_reserve(b, n + 2);
  cv__buf_addc(b, '"');
  for (; p < end; p++) {
    uint8_t c = *p;
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    if (p > run) cv__buf_add(b, run, (size_t)(p - run));
    run = p + 1;
    char e[6] = {'\\', 0, '0', '0', 0, 0};
    switch (c) {
    case '"': e[1] = '"'; break;
    case '\\': e[1] = '\\'; break;
    case '\b': e[1] = 'b'; break;
    case '\f': e[1] = 'f'; break;
    case '\n': e[1] = 'n'; break;
    case '\r': e[1] = 'r'; break;
    case '\t': e[1] = 't'; break;
    default:
      e[1] = 'u';
      e[4] = hexdig[c >> 4];
      e[5] = hexdig[c & 15];
      cv__buf_add(b, e, 6);
      continue;
    }
    cv__buf_add(b, e, 2);
  }
  if (p > run) cv__buf_add(b, run, (size_t)(p - run));
  cv__buf_addc(b, '"');
}

void cv__jw_init(struct cv__jw *w, struct cv__buf *out, int indent) {
  assert(w && out);
  memset(w, 0, sizeof *w);
  w->out = out;
  w->indent = indent > 0 ? indent : 0;
  w->status = CV_OK;
}

static void misuse(struct cv__jw *w) {
  if (w->status == CV_OK) w->status = CV_EINTERNAL;
}

/* False once anything failed; picks up a failure of the buffer. */
static bool jw_ok(struct cv__jw *w) {
  if (w->status != CV_OK) return false;
  if (w->out->status != CV_OK) {
    w->status = w->out->status;
    return false;
  }
  return true;
}

static void jw_sync(struct cv__jw *w) {
  if (w->status == CV_OK && w->out->status != CV_OK) w->status = w->out->status;
}

static bool in_obj(const struct cv__jw *w) { return w->first[w->depth - 1]; }

static bool container_empty(const struct cv__jw *w) {
  const struct cv__buf *b = w->out;
  return b->len > 0 && (b->data[b->len - 1] == '{' || b->data[b->len - 1] == '[');
}

static void newline(struct cv__jw *w, int depth) {
  static const char spaces[] = "                                ";
  if (depth > 0 && (size_t)w->indent > (SIZE_MAX - 1) / (size_t)depth) {
    if (w->status == CV_OK) w->status = CV_ELIMIT;
    return;
  }
  size_t n = (size_t)w->indent * (size_t)depth;
  /* all or nothing, like every other append */
  if (cv__buf_reserve(w->out, n + 1) != CV_OK) return;
  cv__buf_addc(w->out, '\n');
  while (n > 0) {
    size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
    cv__buf_add(w->out, spaces, k);
    n -= k;
  }
}

/* Checks that a value may come now and writes what goes before it. */
static bool before_value(struct cv__jw *w) {
  if (!jw_ok(w)) return false;
  if (w->depth == 0) {
    if (w->after_key) {
      misuse(w);
      return false;
    }
    return true;
  }
  if (in_obj(w)) {
    if (!w->after_key) {
      misuse(w);
      return false;
    }
    w->after_key = false;
    return true;
  }
  if (!container_empty(w)) cv__buf_addc(w->out, ',');
  if (w->indent) newline(w, w->depth);
  return jw_ok(w);
}

static void open_container(struct cv__jw *w, bool obj) {
  if (!before_value(w)) return;
  if (w->depth >= CV__JW_MAX_DEPTH) {
    misuse(w);
    return;
  }
  cv__buf_addc(w->out, obj ? '{' : '[');
  if (!jw_ok(w)) return;
  w->first[w->depth++] = obj;
}

static void close_container_w(struct cv__jw *w, bool obj) {
  if (!jw_ok(w)) return;
  if (w->depth == 0 || in_obj(w) != obj || w->after_key) {
    misuse(w);
    return;
  }
  if (w->indent && !container_empty(w)) newline(w, w->depth - 1);
  cv__buf_addc(w->out, obj ? '}' : ']');
  if (jw_ok(w)) w->depth--;
}

void cv__jw_obj(struct cv__jw *w) { open_container(w, true); }
void cv__jw_obj_end(struct cv__jw *w) { close_container_w(w, true); }
void cv__jw_arr(struct cv__jw *w) { open_container(w, false); }
void cv__jw_arr_end(struct cv__jw *w) { close_container_w(w, false); }

/* True when every byte of s is plain (see plain[]): valid UTF-8 that needs
 * no escaping, which is what nearly every key and value is. */
static bool all_plain(const uint8_t *s, size_t n) {
  const uint8_t *end = s + n;
  while (end - s >= 8 && plain8(s)) s += 8;
  while (s < end && plain[*s]) s++;
  return s == end;
}

/* Appends lead (when not NUL), then s quoted; s must be all plain. */
static void add_plain_quoted(struct cv__buf *b, char lead, const char *s, size_t n) {
  if (cv__buf_reserve(b, n + 3) != CV_OK) return;
  char *o = b->data + b->len;
  if (lead) *o++ = lead;
  *o++ = '"';
  memcpy(o, s, n);
  o += n;
  *o++ = '"';
  *o = '\0';
  b->len = (size_t)(o - b->data);
}

static void jw_keyn(struct cv__jw *w, const char *key, size_t n) {
  if (!jw_ok(w)) return;
  bool plain_key = key && all_plain((const uint8_t *)key, n);
  if (!key || w->depth == 0 || !in_obj(w) || w->after_key ||
      (!plain_key && !utf8_valid((const uint8_t *)key, n))) {
    misuse(w);
    return;
  }
  char comma = container_empty(w) ? 0 : ',';
  if (plain_key && !w->indent) {
    add_plain_quoted(w->out, comma, key, n);
    cv__buf_addc(w->out, ':');
    if (jw_ok(w)) w->after_key = true;
    return;
  }
  if (comma) cv__buf_addc(w->out, comma);
  if (w->indent) newline(w, w->depth);
  cv__json_escape(w->out, key, n);
  cv__buf_add(w->out, ": ", w->indent ? 2 : 1);
  if (jw_ok(w)) w->after_key = true;
}

void cv__jw_key(struct cv__jw *w, const char *key) {
  jw_keyn(w, key, key ? strlen(key) : 0);
}

/* Strings must be valid UTF-8 without NUL: anything else could not be read
 * back, so it counts as misuse rather than being written. */
void cv__jw_strn(struct cv__jw *w, const char *s, size_t n) {
  bool plain_s = s && all_plain((const uint8_t *)s, n);
  if (!s || (!plain_s && !utf8_valid((const uint8_t *)s, n))) {
    misuse(w);
    return;
  }
  if (!before_value(w)) return;
  if (plain_s)
    add_plain_quoted(w->out, 0, s, n);
  else
    cv__json_escape(w->out, s, n);
  jw_sync(w);
}

void cv__jw_str(struct cv__jw *w, const char *s) { cv__jw_strn(w, s, s ? strlen(s) : 0); }

void cv__jw_int(struct cv__jw *w, int64_t v) {
  if (!before_value(w)) return;
  cv__buf_addi(w->out, v);
  jw_sync(w);
}

/* Values above INT64_MAX cannot be read back: CV_ELIMIT. */
void cv__jw_uint(struct cv__jw *w, uint64_t v) {
  if (v > (uint64_t)INT64_MAX) {
    if (w->status == CV_OK) w->status = CV_ELIMIT;
    return;
  }
  if (!before_value(w)) return;
  cv__buf_addu(w->out, v);
  jw_sync(w);
}

void cv__jw_bool(struct cv__jw *w, bool v) {
  if (!before_value(w)) return;
  cv__buf_adds(w->out, v ? "true" : "false");
  jw_sync(w);
}

void cv__jw_null(struct cv__jw *w) {
  if (!before_value(w)) return;
  cv__buf_adds(w->out, "null");
  jw_sync(w);
}

static int member_cmp(const void *x, const void *y) {
  const struct cv__jmember *a = *(const struct cv__jmember *const *)x;
  const struct cv__jmember *b = *(const struct cv__jmember *const *)y;
  return key_cmp(a->key, a->key_len, b->key, b->key_len);
}

/* Recursion is bounded: past CV__JW_MAX_DEPTH open_container fails and every
 * level below returns at once. */
void cv__jw_value(struct cv__jw *w, const struct cv__jval *v) {
  if (!v) {
    misuse(w);
    return;
  }
  switch (v->kind) {
  case CV__J_NULL: cv__jw_null(w); return;
  case CV__J_BOOL: cv__jw_bool(w, v->u.b); return;
  case CV__J_INT: cv__jw_int(w, v->u.i); return;
  case CV__J_STR: cv__jw_strn(w, v->u.str.s, v->u.str.len); return;
  case CV__J_ARR:
    cv__jw_arr(w);
    for (size_t i = 0; i < v->u.arr.n && w->status == CV_OK; i++) cv__jw_value(w, v->u.arr.items[i]);
    cv__jw_arr_end(w);
    return;
  case CV__J_OBJ: {
    size_t n = v->u.obj.n;
    const struct cv__jmember *small[16];
    const struct cv__jmember **ms = small;
    cv__jw_obj(w);
    if (w->status != CV_OK) return;
    if (n > 16) {
      if (n > SIZE_MAX / sizeof *ms || !(ms = cv__malloc(n * sizeof *ms))) {
        w->status = CV_ENOMEM;
        return;
      }
    }
    for (size_t i = 0; i < n; i++) ms[i] = &v->u.obj.members[i];
    if (n > 1) qsort(ms, n, sizeof *ms, member_cmp);
    for (size_t i = 0; i < n && w->status == CV_OK; i++) {
      jw_keyn(w, ms[i]->key, ms[i]->key_len);
      cv__jw_value(w, ms[i]->val);
    }
    if (ms != small) cv__free(ms);
    cv__jw_obj_end(w);
    return;
  }
  }
  misuse(w);
}

cv_status cv__jw_finish(struct cv__jw *w) {
  jw_sync(w);
  if (w->status == CV_OK && (w->depth != 0 || w->after_key)) w->status = CV_EINTERNAL;
  return w->status;
}
