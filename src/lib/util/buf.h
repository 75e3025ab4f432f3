/* util/buf.h: a growable byte buffer with a hard cap.
 *
 * The buffer owns its bytes; data is always NUL-terminated (the NUL is not
 * counted in len). Appends beyond cap fail with CV_ELIMIT and leave the buffer
 * as it was; the first failure sticks in b->status, so a run of appends can be
 * checked once at the end. */
#ifndef CV_UTIL_BUF_H
#define CV_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>
#include "canvass/status.h"

struct cv__buf {
  char *data;
  size_t len;
  size_t cap;      /* allocated */
  size_t max;      /* hard cap on len; 0 means 1 GiB */
  cv_status status;
};

void cv__buf_init(struct cv__buf *b, size_t max);
void cv__buf_fini(struct cv__buf *b);
void cv__buf_reset(struct cv__buf *b); /* len = 0, keeps memory, clears status */
cv_status cv__buf_reserve(struct cv__buf *b, size_t extra);
cv_status cv__buf_add(struct cv__buf *b, const void *p, size_t n);
cv_status cv__buf_adds(struct cv__buf *b, const char *s);
cv_status cv__buf_addc(struct cv__buf *b, char c);
cv_status cv__buf_addu(struct cv__buf *b, uint64_t v);
cv_status cv__buf_addi(struct cv__buf *b, int64_t v);
cv_status cv__buf_printf(struct cv__buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Pads with spaces to width (display columns, counting UTF-8 code points). */
cv_status cv__buf_pad(struct cv__buf *b, const char *s, size_t width, int right_align);
/* Hands the bytes to the caller (free with cv__free) and resets b. */
char *cv__buf_take(struct cv__buf *b, size_t *len);

#endif
