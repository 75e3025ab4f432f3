/* util/error.h: filling struct cv_error (first error wins). */
#ifndef CV_UTIL_ERROR_H
#define CV_UTIL_ERROR_H

#include "canvass/status.h"

/* Records an error unless err is NULL or already holds one. file may be NULL;
 * line/column 0 mean unknown; field may be NULL. Returns code, so callers can
 * write `return cv__fail(...)`. */
cv_status cv__fail(struct cv_error *err, cv_status code, const char *file,
                   uint32_t line, uint32_t column, const char *field,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* Same, without a location. */
cv_status cv__failf(struct cv_error *err, cv_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
