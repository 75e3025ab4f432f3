#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"

#define DEFAULT_MAX ((size_t)1 << 30)

void cv__buf_init(struct cv__buf *b, size_t max) {
  memset(b, 0, sizeof *b);
  b->max = max ? max : DEFAULT_MAX;
}

void cv__buf_fini(struct cv__buf *b) {
  if (!b) return;
  cv__free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void cv__buf_reset(struct cv__buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
  b->status = CV_OK;
}

cv_status cv__buf_reserve(struct cv__buf *b, size_t extra) {
  if (b->status != CV_OK) return b->status;
  if (extra > b->max || b->len > b->max - extra) return b->status = CV_ELIMIT;
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return CV_OK;
  size_t ncap = b->cap ? b->cap : 256;
  while (ncap < need) ncap *= 2;
  char *p = cv__realloc(b->data, ncap);
  if (!p) return b->status = CV_ENOMEM;
  b->data = p;
  b->cap = ncap;
  return CV_OK;
}

cv_status cv__buf_add(struct cv__buf *b, const void *p, size_t n) {
  cv_status s = cv__buf_reserve(b, n);
  if (s != CV_OK) return s;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return CV_OK;
}

cv_status cv__buf_adds(struct cv__buf *b, const char *s) {
  return cv__buf_add(b, s, strlen(s));
}

cv_status cv__buf_addc(struct cv__buf *b, char c) {
  if (b->len + 1 < b->cap && b->status == CV_OK && b->len < b->max) {
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
    return CV_OK;
  }
  return cv__buf_add(b, &c, 1);
}

cv_status cv__buf_addu(struct cv__buf *b, uint64_t v) {
  char tmp[24];
  size_t i = sizeof tmp;
  do {
    tmp[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  return cv__buf_add(b, tmp + i, sizeof tmp - i);
}

cv_status cv__buf_addi(struct cv__buf *b, int64_t v) {
  if (v < 0) {
    cv__buf_addc(b, '-');
    return cv__buf_addu(b, (uint64_t)(-(v + 1)) + 1u);
  }
  return cv__buf_addu(b, (uint64_t)v);
}

cv_status cv__buf_printf(struct cv__buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char small[256];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return b->status = CV_EINTERNAL;
  if ((size_t)n < sizeof small) return cv__buf_add(b, small, (size_t)n);
  cv_status s = cv__buf_reserve(b, (size_t)n);
  if (s != CV_OK) return s;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return CV_OK;
}

static size_t display_width(const char *s) {
  size_t w = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0u) != 0x80u) w++;
  return w;
}

cv_status cv__buf_pad(struct cv__buf *b, const char *s, size_t width, int right_align) {
  size_t w = display_width(s);
  if (right_align)
    for (; w < width; w++) cv__buf_addc(b, ' ');
  cv__buf_adds(b, s);
  if (!right_align)
    for (; w < width; w++) cv__buf_addc(b, ' ');
  return b->status;
}

char *cv__buf_take(struct cv__buf *b, size_t *len) {
  if (cv__buf_reserve(b, 0) != CV_OK) return NULL;
  char *p = b->data;
  if (len) *len = b->len;
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}
