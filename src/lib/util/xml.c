/* util/xml.c: the XML pull parser (see xml.h).
 *
 * How it works: input sits in a window buffer. Each token (a tag, a run of
 * text, a comment ...) is scanned in two phases. Phase 1 only reads: it
 * checks the syntax, counts lines and UTF-8 continuation bytes (for
 * columns) and notes where names and values start and end. If the window
 * ends before the token does, the window is refilled (keeping the token's
 * bytes, growing up to max_token) and phase 1 starts again from the token's
 * first byte with the line counters it had there. Only when the whole token
 * has been seen does phase 2 write: NUL terminators after names and values,
 * and unescaping of the values and text that need it. Because phase 2 never
 * runs on a partial token, the restart never sees modified bytes. */
#include "util/xml.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

#define DEFAULT_DEPTH 256
#define DEFAULT_ATTRS 256
#define DEFAULT_TOKEN ((size_t)16 << 20)
#define DEFAULT_BUFFER ((size_t)256 << 10)
#define MAX_REF 12 /* "&#x10FFFF;" is 10 bytes; longer is not a reference */

/* Scan results of phase 1. */
enum { SCAN_OK = 0, SCAN_MORE = 1, SCAN_FAIL = -1 };

/* Byte classes. */
#define C_NAME_START 1 /* may start a name */
#define C_NAME 2       /* may continue a name */
#define C_WS 4         /* space, tab, CR, LF */
#define C_TEXT_STOP 8  /* ends the fast text scan: < & CR LF controls non-ASCII */
#define C_ATTR_STOP 16 /* ends the fast value scan: < & quotes CR LF TAB controls non-ASCII */

static unsigned char cls[256];
static bool cls_ready;

/* Fills the byte class table once (idempotent, no allocation). */
static void init_classes(void) {
  if (cls_ready) return;
  for (int c = 0; c < 256; c++) {
    unsigned char k = 0;
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alpha || c == '_' || c == ':' || c >= 0x80) k |= C_NAME_START | C_NAME;
    if ((c >= '0' && c <= '9') || c == '-' || c == '.') k |= C_NAME;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') k |= C_WS;
    if (c == '<' || c == '&' || c == '\r' || c == '\n' || c < 0x20 || c >= 0x80) k |= C_TEXT_STOP;
    if (c == '<' || c == '&' || c == '"' || c == '\'' || c < 0x20 || c >= 0x80) k |= C_ATTR_STOP;
    if (c == '\t') k &= (unsigned char)~C_TEXT_STOP;
    cls[c] = k;
  }
  cls_ready = true;
}

/* ---- set-up -------------------------------------------------------------- */

static void init_common(struct cv__xml *x, const char *file, const struct cv__xml_limits *lim) {
  init_classes();
  memset(x, 0, sizeof *x);
  x->file = file;
  if (lim) x->lim = *lim;
  if (!x->lim.max_depth) x->lim.max_depth = DEFAULT_DEPTH;
  if (!x->lim.max_attrs) x->lim.max_attrs = DEFAULT_ATTRS;
  if (!x->lim.max_token) x->lim.max_token = DEFAULT_TOKEN;
  if (!x->lim.buffer) x->lim.buffer = DEFAULT_BUFFER;
  if (x->lim.buffer < 16) x->lim.buffer = 16;
  x->line_no = 1;
}

static cv_status mem_read(void *ud, char *buf, size_t cap, size_t *got, struct cv_error *err) {
  struct cv__xml *x = ud;
  (void)err;
  size_t n = x->mem_len - x->mem_pos;
  if (n > cap) n = cap;
  memcpy(buf, x->mem + x->mem_pos, n);
  x->mem_pos += n;
  *got = n;
  return CV_OK;
}

void cv__xml_init_mem(struct cv__xml *x, const char *data, size_t len, const char *file,
                      const struct cv__xml_limits *limits) {
  init_common(x, file, limits);
  x->mem = data;
  x->mem_len = data ? len : 0;
  x->read = mem_read;
  x->read_ud = x;
  /* A document in memory needs no bigger window than itself. */
  if (x->lim.buffer > len + 16) x->lim.buffer = len + 16;
}

void cv__xml_init_reader(struct cv__xml *x, cv__xml_read_fn fn, void *ud, const char *file,
                         const struct cv__xml_limits *limits) {
  init_common(x, file, limits);
  x->read = fn;
  x->read_ud = ud;
}

void cv__xml_fini(struct cv__xml *x) {
  cv__free(x->buf);
  cv__free(x->stack);
  cv__free(x->stack_off);
  cv__free(x->attrs);
  cv__free(x->araw);
  memset(x, 0, sizeof *x);
}

uint64_t cv__xml_offset(const struct cv__xml *x) { return x->base + x->pos; }

/* ---- positions and errors ------------------------------------------------ */

static uint32_t col_at(const struct cv__xml *x, size_t r) {
  uint64_t c = x->base + r - x->line_start - x->cont + 1;
  return c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

static void newline(struct cv__xml *x, size_t r) {
  if (x->line_no < UINT32_MAX) x->line_no++;
  x->line_start = x->base + r + 1;
  x->cont = 0;
}

/* Fails at byte r of the window (which phase 1 has reached). */
static int fail_at(struct cv__xml *x, struct cv_error *err, cv_status code, size_t r,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static int fail_at(struct cv__xml *x, struct cv_error *err, cv_status code, size_t r,
                   const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  cv__fail(err, code, x->file, x->line_no, col_at(x, r), NULL, "%s", msg);
  x->status = code;
  return SCAN_FAIL;
}

cv_status cv__xml_fail(struct cv__xml *x, struct cv_error *err, cv_status code, const char *fmt,
                       ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return cv__fail(err, code, x->file, x->line, x->column, NULL, "%s", msg);
}

/* Describes byte c for messages. */
static const char *show(unsigned char c, char out[8]) {
  if (c >= 0x21 && c < 0x7f)
    snprintf(out, 8, "'%c'", c);
  else
    snprintf(out, 8, "0x%02X", c);
  return out;
}

/* ---- the window ------------------------------------------------------------ */

/* Keeps bytes from index keep on, then reads more. SCAN_OK when at least one
 * byte was added or the input ended (x->eof). */
static int refill(struct cv__xml *x, size_t keep, struct cv_error *err) {
  if (keep > 0) {
    memmove(x->buf, x->buf + keep, x->len - keep);
    x->len -= keep;
    x->pos -= keep;
    x->base += keep;
    if (x->lt_pending) x->lt_pos -= keep;
  }
  if (x->len == x->cap) {
    size_t ncap = x->cap ? x->cap * 2 : x->lim.buffer;
    if (x->cap >= x->lim.max_token)
      return fail_at(x, err, CV_ELIMIT, x->pos, "a tag or text run is longer than %zu bytes",
                     x->lim.max_token);
    if (ncap > x->lim.max_token) ncap = x->lim.max_token;
    char *nb = cv__realloc(x->buf, ncap);
    if (!nb) return fail_at(x, err, CV_ENOMEM, x->pos, "out of memory");
    x->buf = nb;
    x->cap = ncap;
  }
  size_t got = 0;
  cv_status st = x->read(x->read_ud, x->buf + x->len, x->cap - x->len, &got, err);
  if (st != CV_OK) {
    x->status = st;
    return SCAN_FAIL;
  }
  if (got == 0) x->eof = true;
  x->len += got;
  return SCAN_OK;
}

/* ---- phase 1 helpers ------------------------------------------------------ */

/* Checks the UTF-8 sequence at r (first byte >= 0x80); *n gets its length.
 * SCAN_MORE when it runs past the window. Rejects overlongs, surrogates,
 * values past U+10FFFF and U+FFFE/U+FFFF (not XML characters). */
static int utf8_at(struct cv__xml *x, size_t r, size_t *n, struct cv_error *err) {
  const unsigned char *p = (const unsigned char *)x->buf + r;
  unsigned char c = p[0];
  size_t k = c >= 0xC2 && c <= 0xDF   ? 2
             : c >= 0xE0 && c <= 0xEF ? 3
             : c >= 0xF0 && c <= 0xF4 ? 4
                                      : 0;
  if (k == 0) return fail_at(x, err, CV_EINVAL, r, "invalid UTF-8 byte 0x%02X", c);
  if (r + k > x->len) {
    if (!x->eof) return SCAN_MORE;
    return fail_at(x, err, CV_EINVAL, r, "truncated UTF-8 sequence at the end of the input");
  }
  for (size_t i = 1; i < k; i++)
    if ((p[i] & 0xC0) != 0x80) return fail_at(x, err, CV_EINVAL, r, "invalid UTF-8 sequence");
  if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) || (c == 0xF0 && p[1] < 0x90) ||
      (c == 0xF4 && p[1] >= 0x90))
    return fail_at(x, err, CV_EINVAL, r, "invalid UTF-8 sequence (overlong or surrogate)");
  if (c == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
    return fail_at(x, err, CV_EINVAL, r, "U+FFFE and U+FFFF are not allowed in XML");
  *n = k;
  return SCAN_OK;
}

/* Scans a name starting at *r (known to hold a name-start byte). */
static int scan_name(struct cv__xml *x, size_t *r, struct cv_error *err) {
  size_t i = *r;
  for (;;) {
    while (i < x->len && (cls[(unsigned char)x->buf[i]] & C_NAME) &&
           (unsigned char)x->buf[i] < 0x80)
      i++;
    if (i == x->len) {
      if (!x->eof) return SCAN_MORE;
      break;
    }
    if ((unsigned char)x->buf[i] < 0x80) break;
    size_t n;
    int s = utf8_at(x, i, &n, err);
    if (s != SCAN_OK) return s;
    x->cont += n - 1;
    i += n;
  }
  *r = i;
  return SCAN_OK;
}

/* Skips white space from *r, counting lines; *any says whether there was some. */
static inline int skip_ws(struct cv__xml *x, size_t *r, bool *any) {
  size_t i = *r;
  *any = false;
  if (i < x->len && !(cls[(unsigned char)x->buf[i]] & C_WS)) return SCAN_OK; /* the usual case */
  while (i < x->len && (cls[(unsigned char)x->buf[i]] & C_WS)) {
    if (x->buf[i] == '\n') newline(x, i);
    i++;
    *any = true;
  }
  *r = i;
  if (i == x->len && !x->eof) return SCAN_MORE;
  return SCAN_OK;
}

static bool xml_char(uint32_t v) {
  return v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) ||
         (v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 && v <= 0x10FFFF);
}

/* Decodes the reference at p (starting with '&', ending with ';' within len
 * bytes). Returns its length, or 0 when it is not a valid reference. */
static size_t decode_ref(const char *p, size_t len, uint32_t *out) {
  size_t semi = 1;
  while (semi < len && semi < MAX_REF && p[semi] != ';') semi++;
  if (semi >= len || p[semi] != ';') return 0;
  const char *s = p + 1;
  size_t n = semi - 1;
  if (n == 2 && memcmp(s, "lt", 2) == 0) *out = '<';
  else if (n == 2 && memcmp(s, "gt", 2) == 0) *out = '>';
  else if (n == 3 && memcmp(s, "amp", 3) == 0) *out = '&';
  else if (n == 4 && memcmp(s, "apos", 4) == 0) *out = '\'';
  else if (n == 4 && memcmp(s, "quot", 4) == 0) *out = '"';
  else if (n >= 2 && s[0] == '#') {
    uint32_t v = 0;
    bool hex = s[1] == 'x';
    size_t i = hex ? 2 : 1;
    if (i == n) return 0;
    for (; i < n; i++) {
      char c = s[i];
      uint32_t d;
      if (c >= '0' && c <= '9') d = (uint32_t)(c - '0');
      else if (hex && c >= 'a' && c <= 'f') d = (uint32_t)(c - 'a' + 10);
      else if (hex && c >= 'A' && c <= 'F') d = (uint32_t)(c - 'A' + 10);
      else return 0;
      v = v * (hex ? 16u : 10u) + d;
      if (v > 0x10FFFF) return 0;
    }
    if (!xml_char(v)) return 0;
    *out = v;
  } else {
    return 0;
  }
  return semi + 1;
}

/* Checks the reference at r. */
static int check_ref(struct cv__xml *x, size_t r, size_t *n, struct cv_error *err) {
  uint32_t v;
  size_t avail = x->len - r;
  size_t k = decode_ref(x->buf + r, avail, &v);
  if (k) {
    *n = k;
    return SCAN_OK;
  }
  if (avail < MAX_REF && !x->eof && !memchr(x->buf + r, ';', avail)) return SCAN_MORE;
  return fail_at(x, err, CV_EINVAL, r,
                 "bad reference: expected &lt; &gt; &amp; &apos; &quot; or a character number "
                 "like &#65; (no other entities are defined)");
}

/* ---- phase 2: unescaping in place ------------------------------------------ */

static size_t put_utf8(char *w, uint32_t v) {
  if (v < 0x80) {
    w[0] = (char)v;
    return 1;
  }
  if (v < 0x800) {
    w[0] = (char)(0xC0 | (v >> 6));
    w[1] = (char)(0x80 | (v & 0x3F));
    return 2;
  }
  if (v < 0x10000) {
    w[0] = (char)(0xE0 | (v >> 12));
    w[1] = (char)(0x80 | ((v >> 6) & 0x3F));
    w[2] = (char)(0x80 | (v & 0x3F));
    return 3;
  }
  w[0] = (char)(0xF0 | (v >> 18));
  w[1] = (char)(0x80 | ((v >> 12) & 0x3F));
  w[2] = (char)(0x80 | ((v >> 6) & 0x3F));
  w[3] = (char)(0x80 | (v & 0x3F));
  return 4;
}

/* Rewrites buf[s..e) with references decoded and line ends normalised (CR LF
 * and lone CR become LF; in attribute values, TAB/CR/LF become a space as
 * XML's attribute-value normalisation says). Returns the new end. Phase 1
 * has checked every reference. */
static size_t unescape(char *buf, size_t s, size_t e, bool attr) {
  size_t w = s;
  for (size_t r = s; r < e;) {
    char c = buf[r];
    if (c == '&') {
      uint32_t v = 0;
      size_t k = decode_ref(buf + r, e - r, &v);
      if (k == 0) k = 1, v = '&'; /* cannot happen after phase 1 */
      w += put_utf8(buf + w, v);
      r += k;
    } else if (c == '\r') {
      buf[w++] = attr ? ' ' : '\n';
      r += (r + 1 < e && buf[r + 1] == '\n') ? 2 : 1;
    } else if (attr && (c == '\n' || c == '\t')) {
      buf[w++] = ' ';
      r++;
    } else {
      buf[w++] = c;
      r++;
    }
  }
  return w;
}

/* ---- tokens ----------------------------------------------------------------- */

/* Character data from x->pos up to the next '<'. */
static int scan_text(struct cv__xml *x, size_t *end, bool *escaped, struct cv_error *err) {
  size_t r = x->pos;
  bool esc = false;
  bool outside = x->depth == 0;
  for (;;) {
    while (r < x->len && !(cls[(unsigned char)x->buf[r]] & C_TEXT_STOP)) {
      if (outside && x->buf[r] != ' ' && x->buf[r] != '\t')
        return fail_at(x, err, CV_EINVAL, r, "text outside the root element");
      r++;
    }
    if (r == x->len) {
      if (!x->eof) return SCAN_MORE;
      break;
    }
    unsigned char c = (unsigned char)x->buf[r];
    if (c == '<') break;
    if (outside && c != '\n' && c != '\r')
      return fail_at(x, err, CV_EINVAL, r, "text outside the root element");
    if (c == '\n') {
      newline(x, r);
      r++;
    } else if (c == '\r') {
      esc = true;
      r++;
    } else if (c == '&') {
      size_t n;
      int s = check_ref(x, r, &n, err);
      if (s != SCAN_OK) return s;
      esc = true;
      r += n;
    } else if (c >= 0x80) {
      size_t n;
      int s = utf8_at(x, r, &n, err);
      if (s != SCAN_OK) return s;
      x->cont += n - 1;
      r += n;
    } else {
      char b[8];
      return fail_at(x, err, CV_EINVAL, r, "control character %s is not allowed in XML",
                     show(c, b));
    }
  }
  *end = r;
  *escaped = esc;
  return SCAN_OK;
}

/* A quoted attribute value starting at the quote at *r. */
static int scan_value(struct cv__xml *x, size_t *r, struct cv__xml_araw *a,
                      struct cv_error *err) {
  size_t i = *r;
  char q = x->buf[i++];
  a->value = i;
  for (;;) {
    while (i < x->len && !(cls[(unsigned char)x->buf[i]] & C_ATTR_STOP)) i++;
    if (i == x->len) {
      if (!x->eof) return SCAN_MORE;
      return fail_at(x, err, CV_EINVAL, i, "the input ends inside an attribute value");
    }
    unsigned char c = (unsigned char)x->buf[i];
    if (c == (unsigned char)q) break;
    if (c == '"' || c == '\'') {
      i++;
    } else if (c == '<') {
      return fail_at(x, err, CV_EINVAL, i, "'<' is not allowed in an attribute value");
    } else if (c == '&') {
      size_t n;
      int s = check_ref(x, i, &n, err);
      if (s != SCAN_OK) return s;
      a->escaped = true;
      i += n;
    } else if (c == '\n' || c == '\r' || c == '\t') {
      if (c == '\n') newline(x, i);
      a->escaped = true;
      i++;
    } else if (c >= 0x80) {
      size_t n;
      int s = utf8_at(x, i, &n, err);
      if (s != SCAN_OK) return s;
      x->cont += n - 1;
      i += n;
    } else {
      char b[8];
      return fail_at(x, err, CV_EINVAL, i, "control character %s is not allowed in XML",
                     show(c, b));
    }
  }
  a->value_end = i;
  *r = i + 1;
  return SCAN_OK;
}

/* A start tag at x->pos ("<name ...>" or "<name .../>"). */
static int scan_start(struct cv__xml *x, size_t *name_end, size_t *n_attr, bool *empty,
                      size_t *end, struct cv_error *err) {
  size_t r = x->pos + 1;
  int s = scan_name(x, &r, err);
  if (s != SCAN_OK) return s;
  *name_end = r;
  size_t n = 0;
  for (;;) {
    bool ws;
    s = skip_ws(x, &r, &ws);
    if (s != SCAN_OK) return s;
    if (r == x->len) return fail_at(x, err, CV_EINVAL, r, "the input ends inside a tag");
    char c = x->buf[r];
    if (c == '>') {
      *empty = false;
      r++;
      break;
    }
    if (c == '/') {
      if (r + 1 >= x->len) {
        if (!x->eof) return SCAN_MORE;
        return fail_at(x, err, CV_EINVAL, r, "the input ends inside a tag");
      }
      if (x->buf[r + 1] != '>') return fail_at(x, err, CV_EINVAL, r + 1, "expected '>' after '/'");
      *empty = true;
      r += 2;
      break;
    }
    char b[8];
    if (!ws) return fail_at(x, err, CV_EINVAL, r, "expected white space, '>' or '/>', found %s",
                            show((unsigned char)c, b));
    if (!(cls[(unsigned char)c] & C_NAME_START))
      return fail_at(x, err, CV_EINVAL, r, "expected an attribute name, found %s",
                     show((unsigned char)c, b));
    if (n == x->lim.max_attrs)
      return fail_at(x, err, CV_ELIMIT, r, "more than %zu attributes on one element",
                     x->lim.max_attrs);
    if (n == x->attr_cap) {
      size_t ncap = x->attr_cap ? x->attr_cap * 2 : 8;
      if (ncap > x->lim.max_attrs) ncap = x->lim.max_attrs;
      struct cv__xml_araw *na = cv__realloc(x->araw, ncap * sizeof *na);
      if (!na) return fail_at(x, err, CV_ENOMEM, r, "out of memory");
      x->araw = na;
      struct cv__xml_attr *nb = cv__realloc(x->attrs, ncap * sizeof *nb);
      if (!nb) return fail_at(x, err, CV_ENOMEM, r, "out of memory");
      x->attrs = nb;
      x->attr_cap = ncap;
    }
    struct cv__xml_araw *a = &x->araw[n];
    memset(a, 0, sizeof *a);
    a->line = x->line_no;
    a->column = col_at(x, r);
    a->name = r;
    s = scan_name(x, &r, err);
    if (s != SCAN_OK) return s;
    a->name_end = r;
    s = skip_ws(x, &r, &ws);
    if (s != SCAN_OK) return s;
    if (r == x->len || x->buf[r] != '=')
      return fail_at(x, err, CV_EINVAL, r, "expected '=' after an attribute name");
    r++;
    s = skip_ws(x, &r, &ws);
    if (s != SCAN_OK) return s;
    if (r == x->len || (x->buf[r] != '"' && x->buf[r] != '\''))
      return fail_at(x, err, CV_EINVAL, r, "expected a quoted attribute value");
    s = scan_value(x, &r, a, err);
    if (s != SCAN_OK) return s;
    n++;
  }
  *n_attr = n;
  *end = r;
  return SCAN_OK;
}

/* An end tag at x->pos ("</name>"). */
static int scan_end(struct cv__xml *x, size_t *name_end, size_t *end, struct cv_error *err) {
  size_t r = x->pos + 2;
  if (r >= x->len) return x->eof ? fail_at(x, err, CV_EINVAL, r, "the input ends inside a tag")
                                 : SCAN_MORE;
  if (!(cls[(unsigned char)x->buf[r]] & C_NAME_START))
    return fail_at(x, err, CV_EINVAL, r, "expected an element name after '</'");
  int s = scan_name(x, &r, err);
  if (s != SCAN_OK) return s;
  *name_end = r;
  bool ws;
  s = skip_ws(x, &r, &ws);
  if (s != SCAN_OK) return s;
  if (r == x->len || x->buf[r] != '>')
    return fail_at(x, err, CV_EINVAL, r, "expected '>' to close the end tag");
  *end = r + 1;
  return SCAN_OK;
}

/* Scans from *r to just past the terminator term (e.g. "-->"), checking the
 * characters on the way; *stop gets the terminator's index. */
static int scan_until(struct cv__xml *x, size_t *r, const char *term, size_t *stop,
                      bool *has_cr, const char *what, struct cv_error *err) {
  size_t i = *r, tl = strlen(term);
  for (;;) {
    if (i + tl > x->len) {
      if (!x->eof) return SCAN_MORE;
      return fail_at(x, err, CV_EINVAL, x->len, "the input ends inside %s", what);
    }
    unsigned char c = (unsigned char)x->buf[i];
    if (c == (unsigned char)term[0] && memcmp(x->buf + i, term, tl) == 0) break;
    if (c == '\n') {
      newline(x, i);
      i++;
    } else if (c >= 0x80) {
      size_t n;
      int s = utf8_at(x, i, &n, err);
      if (s != SCAN_OK) return s;
      x->cont += n - 1;
      i += n;
    } else if (c < 0x20 && c != '\t' && c != '\r') {
      char b[8];
      return fail_at(x, err, CV_EINVAL, i, "control character %s is not allowed in XML",
                     show(c, b));
    } else {
      if (c == '\r' && has_cr) *has_cr = true;
      i++;
    }
  }
  *stop = i;
  *r = i + tl;
  return SCAN_OK;
}

/* <!DOCTYPE ...>, with an internal subset in brackets and quoted strings,
 * skipped without reading any declaration. */
static int scan_doctype(struct cv__xml *x, size_t *end, struct cv_error *err) {
  size_t i = x->pos + 9;
  int depth = 0;
  char quote = 0;
  for (;; i++) {
    if (i >= x->len) {
      if (!x->eof) return SCAN_MORE;
      return fail_at(x, err, CV_EINVAL, i, "the input ends inside the DOCTYPE");
    }
    unsigned char c = (unsigned char)x->buf[i];
    if (c == '\n') newline(x, i);
    if (c >= 0x80) {
      size_t n;
      int s = utf8_at(x, i, &n, err);
      if (s != SCAN_OK) return s;
      x->cont += n - 1;
      i += n - 1;
      continue;
    }
    if (quote) {
      if (c == (unsigned char)quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = (char)c;
    } else if (c == '[') {
      depth++;
    } else if (c == ']') {
      depth--;
    } else if (c == '>' && depth <= 0) {
      break;
    }
  }
  *end = i + 1;
  return SCAN_OK;
}

/* Checks the encoding named in an XML declaration (buf[s..e)). */
static int check_decl(struct cv__xml *x, size_t s, size_t e, struct cv_error *err) {
  const char *p = x->buf + s;
  size_t n = e - s;
  for (size_t i = 0; i + 8 <= n; i++) {
    if (memcmp(p + i, "encoding", 8) != 0) continue;
    size_t j = i + 8;
    while (j < n && (p[j] == ' ' || p[j] == '=' || p[j] == '\t')) j++;
    if (j >= n || (p[j] != '"' && p[j] != '\'')) break;
    char q = p[j++];
    size_t k = j;
    while (k < n && p[k] != q) k++;
    size_t len = k - j;
    char enc[16] = {0};
    if (len >= sizeof enc) len = sizeof enc - 1;
    for (size_t t = 0; t < len; t++) {
      char c = p[j + t];
      enc[t] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    if (strcmp(enc, "utf-8") != 0 && strcmp(enc, "utf8") != 0 && strcmp(enc, "us-ascii") != 0)
      return fail_at(x, err, CV_EINVAL, s, "encoding \"%s\" is not supported (only UTF-8)", enc);
    break;
  }
  return SCAN_OK;
}

/* ---- the event loop --------------------------------------------------------- */

static int push_name(struct cv__xml *x, const char *name, size_t len, struct cv_error *err) {
  if (x->depth >= x->lim.max_depth)
    return fail_at(x, err, CV_ELIMIT, x->pos, "elements nested deeper than %zu",
                   x->lim.max_depth);
  /* Checked inline first: this runs for every element. */
  if ((x->depth + 1 > x->stack_ocap &&
       cv__grow((void **)&x->stack_off, &x->stack_ocap, x->depth + 1, sizeof *x->stack_off,
                x->lim.max_depth) != CV_OK) ||
      (x->stack_len + len + 1 > x->stack_cap &&
       cv__grow((void **)&x->stack, &x->stack_cap, x->stack_len + len + 1, 1,
                (size_t)x->lim.max_depth * (x->lim.max_token + 1)) != CV_OK))
    return fail_at(x, err, CV_ENOMEM, x->pos, "out of memory");
  x->stack_off[x->depth] = x->stack_len;
  memcpy(x->stack + x->stack_len, name, len + 1);
  x->stack_len += len + 1;
  x->depth++;
  return SCAN_OK;
}

/* The part of a name after its prefix; names are short, so a plain loop
 * beats a call to memchr. */
static const char *local_part(const char *name, size_t len) {
  for (size_t i = len; i-- > 0;)
    if (name[i] == ':') return name + i + 1;
  return name;
}

/* Emits the START event for the tag scanned at x->pos..end (phase 2). */
static int emit_start(struct cv__xml *x, size_t name_end, size_t n_attr, bool empty, size_t end,
                      struct cv_error *err) {
  if (x->depth == 0) {
    if (x->seen_root)
      return fail_at(x, err, CV_EINVAL, x->pos, "a second root element");
    x->seen_root = true;
  }
  char *b = x->buf;
  b[name_end] = '\0';
  x->name = b + x->pos + 1;
  x->name_len = name_end - x->pos - 1;
  x->local = local_part(x->name, x->name_len);
  for (size_t i = 0; i < n_attr; i++) {
    struct cv__xml_araw *a = &x->araw[i];
    b[a->name_end] = '\0';
    size_t ve = a->escaped ? unescape(b, a->value, a->value_end, true) : a->value_end;
    b[ve] = '\0';
    struct cv__xml_attr *o = &x->attrs[i];
    o->name = b + a->name;
    o->name_len = a->name_end - a->name;
    o->value = b + a->value;
    o->value_len = ve - a->value;
    o->line = a->line;
    o->column = a->column;
    for (size_t j = 0; j < i; j++)
      if (x->attrs[j].name_len == o->name_len &&
          memcmp(x->attrs[j].name, o->name, o->name_len) == 0) {
        cv__fail(err, CV_EINVAL, x->file, o->line, o->column, NULL,
                 "attribute \"%s\" appears twice on <%s>", o->name, x->name);
        x->status = CV_EINVAL;
        return SCAN_FAIL;
      }
  }
  x->n_attrs = n_attr;
  x->event = CV__XML_START;
  if (push_name(x, x->name, x->name_len, err) != SCAN_OK) return SCAN_FAIL;
  x->pending_end = empty;
  x->pos = end;
  return SCAN_OK;
}

static int emit_end(struct cv__xml *x, size_t name_end, size_t end, struct cv_error *err) {
  char *b = x->buf;
  const char *name = b + x->pos + 2;
  size_t len = name_end - x->pos - 2;
  if (x->depth == 0)
    return fail_at(x, err, CV_EINVAL, x->pos, "end tag </%.*s> with no open element",
                   (int)(len > 80 ? 80 : len), name);
  const char *open = x->stack + x->stack_off[x->depth - 1];
  size_t open_len = x->stack_len - x->stack_off[x->depth - 1] - 1;
  bool same = open_len == len;
  for (size_t i = 0; same && i < len; i++) same = open[i] == name[i]; /* short: no memcmp call */
  if (!same)
    return fail_at(x, err, CV_EINVAL, x->pos, "expected </%.80s>, found </%.*s>", open,
                   (int)(len > 80 ? 80 : len), name);
  b[name_end] = '\0';
  x->name = name;
  x->name_len = len;
  x->local = local_part(name, len);
  x->n_attrs = 0;
  x->event = CV__XML_END;
  x->depth--;
  x->stack_len = x->stack_off[x->depth];
  x->pos = end;
  return SCAN_OK;
}

/* One attempt at the token at x->pos: SCAN_OK with an event (*emitted) or
 * a skipped token, SCAN_MORE when the window ends first. */
static int token(struct cv__xml *x, bool *emitted, struct cv_error *err) {
  *emitted = false;
  size_t p = x->pos, avail = x->len - p;
  char *b = x->buf;
  if (b[p] != '<') {
    size_t end = 0;
    bool esc = false;
    int s = scan_text(x, &end, &esc, err);
    if (s != SCAN_OK) return s;
    if (x->depth == 0) { /* white space between top-level markup */
      x->pos = end;
      return SCAN_OK;
    }
    size_t e = esc ? unescape(b, p, end, false) : end;
    if (e < end) {
      b[e] = '\0';
    } else if (end < x->len) {
      b[end] = '\0'; /* the '<' that follows: restored before the next token */
      x->lt_pending = true;
      x->lt_pos = end;
    } else {
      return fail_at(x, err, CV_EINVAL, end, "the input ends inside element <%s>",
                     x->stack + x->stack_off[x->depth - 1]);
    }
    x->text = b + p;
    x->text_len = e - p;
    x->n_attrs = 0;
    x->event = CV__XML_TEXT;
    x->pos = end;
    *emitted = true;
    return SCAN_OK;
  }
  if (avail < 2)
    return x->eof ? fail_at(x, err, CV_EINVAL, p, "the input ends after '<'") : SCAN_MORE;
  char c = b[p + 1];
  if (cls[(unsigned char)c] & C_NAME_START) {
    size_t name_end = 0, n_attr = 0, end = 0;
    bool empty = false;
    int s = scan_start(x, &name_end, &n_attr, &empty, &end, err);
    if (s != SCAN_OK) return s;
    *emitted = true;
    return emit_start(x, name_end, n_attr, empty, end, err);
  }
  if (c == '/') {
    size_t name_end = 0, end = 0;
    int s = scan_end(x, &name_end, &end, err);
    if (s != SCAN_OK) return s;
    *emitted = true;
    return emit_end(x, name_end, end, err);
  }
  if (c == '?') {
    size_t r = p + 2, stop;
    if (avail < 3)
      return x->eof ? fail_at(x, err, CV_EINVAL, p, "the input ends after '<?'") : SCAN_MORE;
    if (!(cls[(unsigned char)b[r]] & C_NAME_START))
      return fail_at(x, err, CV_EINVAL, r, "expected a processing instruction target after '<?'");
    int s = scan_name(x, &r, err);
    if (s != SCAN_OK) return s;
    size_t tend = r;
    s = scan_until(x, &r, "?>", &stop, NULL, "a processing instruction", err);
    if (s != SCAN_OK) return s;
    size_t tl = tend - p - 2;
    if (tl == 3 && (b[p + 2] | 0x20) == 'x' && (b[p + 3] | 0x20) == 'm' &&
        (b[p + 4] | 0x20) == 'l') {
      if (x->base + p != (x->bom ? 3u : 0u))
        return fail_at(x, err, CV_EINVAL, p, "the XML declaration must come first");
      if (check_decl(x, tend, stop, err) != SCAN_OK) return SCAN_FAIL;
    }
    x->pos = r;
    return SCAN_OK;
  }
  if (c == '!') {
    if (avail < 4 && !x->eof) return SCAN_MORE;
    if (avail >= 4 && memcmp(b + p, "<!--", 4) == 0) {
      size_t r = p + 4, stop;
      int s = scan_until(x, &r, "-->", &stop, NULL, "a comment", err);
      if (s != SCAN_OK) return s;
      x->pos = r;
      return SCAN_OK;
    }
    if (avail < 9 && !x->eof) return SCAN_MORE;
    if (avail >= 9 && memcmp(b + p, "<![CDATA[", 9) == 0) {
      if (x->depth == 0) return fail_at(x, err, CV_EINVAL, p, "CDATA outside the root element");
      size_t r = p + 9, stop;
      bool cr = false;
      int s = scan_until(x, &r, "]]>", &stop, &cr, "a CDATA section", err);
      if (s != SCAN_OK) return s;
      size_t e = cr ? unescape(b, p + 9, stop, false) : stop;
      b[e] = '\0';
      x->text = b + p + 9;
      x->text_len = e - p - 9;
      x->n_attrs = 0;
      x->event = CV__XML_TEXT;
      x->pos = r;
      *emitted = true;
      return SCAN_OK;
    }
    if (avail >= 9 && memcmp(b + p, "<!DOCTYPE", 9) == 0) {
      if (x->seen_root || x->seen_doctype)
        return fail_at(x, err, CV_EINVAL, p, "a DOCTYPE must come once, before the root element");
      size_t end = 0;
      int s = scan_doctype(x, &end, err);
      if (s != SCAN_OK) return s;
      x->seen_doctype = true;
      x->pos = end;
      return SCAN_OK;
    }
    return fail_at(x, err, CV_EINVAL, p, "expected a comment, CDATA section or DOCTYPE after '<!'");
  }
  char sb[8];
  return fail_at(x, err, CV_EINVAL, p + 1, "expected a name after '<', found %s",
                 show((unsigned char)c, sb));
}

cv_status cv__xml_next(struct cv__xml *x, struct cv_error *err) {
  if (x->status != CV_OK) return x->status;
  if (x->event == CV__XML_EOF) return CV_OK;
  if (x->pending_end) {
    /* The end of <name/>: name still points at the start event's copy. */
    x->pending_end = false;
    x->depth--;
    x->stack_len = x->stack_off[x->depth];
    x->event = CV__XML_END;
    x->n_attrs = 0;
    return CV_OK;
  }
  if (x->lt_pending) {
    x->buf[x->lt_pos] = '<';
    x->lt_pending = false;
  }
  for (;;) {
    if (x->pos == x->len) {
      if (!x->eof) {
        if (refill(x, x->pos, err) != SCAN_OK) return x->status;
        continue;
      }
      if (x->depth > 0) {
        fail_at(x, err, CV_EINVAL, x->pos, "the input ends before </%s>",
                x->stack + x->stack_off[x->depth - 1]);
        return x->status;
      }
      if (!x->seen_root) {
        fail_at(x, err, CV_EINVAL, x->pos, "no root element: the document is empty");
        return x->status;
      }
      x->event = CV__XML_EOF;
      x->line = x->line_no;
      x->column = col_at(x, x->pos);
      return CV_OK;
    }
    if (!x->started) {
      /* A UTF-8 byte order mark may open the input; UTF-16 is refused. */
      if (x->len < 3 && !x->eof) {
        if (refill(x, 0, err) != SCAN_OK) return x->status;
        continue;
      }
      const unsigned char *u = (const unsigned char *)x->buf;
      if (x->len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE))) {
        fail_at(x, err, CV_EINVAL, 0, "UTF-16 input is not supported (only UTF-8)");
        return x->status;
      }
      x->started = true;
      if (x->len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        x->bom = true;
        x->pos = 3;
        x->line_start = 3;
        continue;
      }
    }
    uint32_t line = x->line_no;
    uint64_t line_start = x->line_start, cont = x->cont;
    x->line = line;
    x->column = col_at(x, x->pos);
    bool emitted;
    int s = token(x, &emitted, err);
    if (s == SCAN_FAIL) {
      if (x->status == CV_OK) x->status = CV_EINVAL;
      return x->status;
    }
    if (s == SCAN_MORE) {
      /* Restart the token with the counters it began with. */
      x->line_no = line;
      x->line_start = line_start;
      x->cont = cont;
      if (x->eof) {
        fail_at(x, err, CV_EINVAL, x->pos, "the input ends inside markup");
        return x->status;
      }
      if (refill(x, x->pos, err) != SCAN_OK) return x->status;
      continue;
    }
    if (emitted) return CV_OK;
  }
}

/* ---- conveniences ------------------------------------------------------------ */

const char *cv__xml_attr(const struct cv__xml *x, const char *name) {
  if (x->event != CV__XML_START) return NULL;
  for (size_t i = 0; i < x->n_attrs; i++)
    if (strcmp(x->attrs[i].name, name) == 0) return x->attrs[i].value;
  return NULL;
}

const char *cv__xml_local(const char *name) {
  const char *colon = strchr(name, ':');
  return colon ? colon + 1 : name;
}

cv_status cv__xml_skip(struct cv__xml *x, struct cv_error *err) {
  size_t depth = x->depth;
  if (x->event != CV__XML_START || depth == 0)
    return cv__failf(err, CV_EINTERNAL, "cv__xml_skip called outside a start tag");
  for (;;) {
    cv_status st = cv__xml_next(x, err);
    if (st != CV_OK) return st;
    if (x->event == CV__XML_END && x->depth == depth - 1) return CV_OK;
  }
}

/* The name of the open element at depth d (1 = the root). */
static const char *open_name(const struct cv__xml *x, size_t d) {
  return x->stack + x->stack_off[d - 1];
}

cv_status cv__xml_text(struct cv__xml *x, struct cv__buf *out, struct cv_error *err) {
  size_t depth = x->depth;
  if (x->event != CV__XML_START || depth == 0)
    return cv__failf(err, CV_EINTERNAL, "cv__xml_text called outside a start tag");
  /* The element stays open (its name on the stack) until its END; the
   * stack may move as children are pushed, so its name is found by offset
   * when needed (open_name). */
  for (;;) {
    cv_status st = cv__xml_next(x, err);
    if (st != CV_OK) return st;
    if (x->event == CV__XML_END && x->depth == depth - 1) return CV_OK;
    if (x->event == CV__XML_START) {
      x->status = CV_EINVAL;
      return cv__fail(err, CV_EINVAL, x->file, x->line, x->column, NULL,
                      "expected only text in <%s>, found element <%s>", open_name(x, depth),
                      x->name);
    }
    if (x->event == CV__XML_TEXT) {
      st = cv__buf_add(out, x->text, x->text_len);
      if (st != CV_OK)
        return cv__fail(err, st, x->file, x->line, x->column, NULL,
                        "the text of <%s> is too long", open_name(x, depth));
    }
  }
}
