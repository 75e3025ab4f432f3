/* util/jfield.h: reading typed fields out of a parsed JSON tree.
 *
 * Every reader takes a path prefix such as "contests[2]" and reports errors
 * as CV_EINVAL naming the file, the line:column of the offending value (or of
 * the enclosing object when a field is missing) and the full field path, e.g.
 * contests[2].choices[0].id. "required" fields that are absent are errors;
 * optional absent fields leave *out untouched and return CV_OK. */
#ifndef CV_UTIL_JFIELD_H
#define CV_UTIL_JFIELD_H

#include "util/json.h"

struct cv__jf {
  const char *file;
  struct cv_error *err;
};

/* Checks v is an object whose keys are all in allowed (NULL-terminated). */
cv_status cv__jf_keys(const struct cv__jf *c, const struct cv__jval *v, const char *path,
                      const char *const *allowed);
cv_status cv__jf_str(const struct cv__jf *c, const struct cv__jval *obj, const char *path,
                     const char *key, bool required, const char **out);
/* A non-negative integer in [min, max]. */
cv_status cv__jf_uint(const struct cv__jf *c, const struct cv__jval *obj, const char *path,
                      const char *key, bool required, uint64_t min, uint64_t max,
                      uint64_t *out);
cv_status cv__jf_bool(const struct cv__jf *c, const struct cv__jval *obj, const char *path,
                      const char *key, bool required, bool *out);
/* An identifier: 1-64 characters of A-Z a-z 0-9 . _ - */
cv_status cv__jf_id(const struct cv__jf *c, const struct cv__jval *obj, const char *path,
                    const char *key, bool required, const char **out);
cv_status cv__jf_arr(const struct cv__jf *c, const struct cv__jval *obj, const char *path,
                     const char *key, bool required, const struct cv__jval **out);
cv_status cv__jf_obj(const struct cv__jf *c, const struct cv__jval *obj, const char *path,
                     const char *key, bool required, const struct cv__jval **out);

/* Reports an error about value v (its position) at path.key. */
cv_status cv__jf_fail(const struct cv__jf *c, const struct cv__jval *v, const char *path,
                      const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Writes "path.key" or "path[i]" into out. */
void cv__jf_path(char *out, size_t n, const char *path, const char *key);
void cv__jf_index(char *out, size_t n, const char *path, size_t i);

/* True when s is a valid identifier (see cv__jf_id). */
bool cv__id_valid(const char *s);

#endif
