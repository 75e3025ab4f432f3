#include "util/jfield.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"

void cv__jf_path(char *out, size_t n, const char *path, const char *key) {
  if (!key)
    snprintf(out, n, "%s", path ? path : "");
  else if (path && path[0])
    snprintf(out, n, "%s.%s", path, key);
  else
    snprintf(out, n, "%s", key);
}

/* Formatted by hand: replays name every sheet section's path this way. */
void cv__jf_index(char *out, size_t n, const char *path, size_t i) {
  char digits[24];
  size_t nd = 0;
  do digits[nd++] = (char)('0' + i % 10);
  while ((i /= 10) != 0);
  size_t pl = path ? strlen(path) : 0;
  if (n == 0) return;
  if (pl + nd + 3 > n) {
    snprintf(out, n, "%s[...]", path ? path : "");
    return;
  }
  if (pl) memcpy(out, path, pl);
  out[pl] = '[';
  for (size_t k = 0; k < nd; k++) out[pl + 1 + k] = digits[nd - 1 - k];
  out[pl + 1 + nd] = ']';
  out[pl + 2 + nd] = '\0';
}

cv_status cv__jf_fail(const struct cv__jf *c, const struct cv__jval *v, const char *path,
                      const char *key, const char *fmt, ...) {
  char field[160], msg[400];
  cv__jf_path(field, sizeof field, path, key);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return cv__fail(c->err, CV_EINVAL, c->file, v ? v->line : 0, v ? v->column : 0,
                  field[0] ? field : NULL, "%s", msg);
}

cv_status cv__jf_keys(const struct cv__jf *c, const struct cv__jval *v, const char *path,
                      const char *const *allowed) {
  if (!v || v->kind != CV__J_OBJ)
    return cv__jf_fail(c, v, path, NULL, "expected an object, found %s",
                       v ? cv__json_kind_name(v->kind) : "nothing");
  for (size_t i = 0; i < v->u.obj.n; i++) {
    const struct cv__jmember *m = &v->u.obj.members[i];
    bool ok = false;
    for (const char *const *a = allowed; *a && !ok; a++)
      ok = (*a)[0] == m->key[0] && strcmp(*a, m->key) == 0;
    if (!ok) {
      char field[160];
      cv__jf_path(field, sizeof field, path, m->key);
      return cv__fail(c->err, CV_EINVAL, c->file, m->line, m->column, field,
                      "unknown field \"%s\"", m->key);
    }
  }
  return CV_OK;
}

static cv_status get(const struct cv__jf *c, const struct cv__jval *obj, const char *path,
                     const char *key, bool required, enum cv__jkind kind,
                     const struct cv__jval **out) {
  const struct cv__jval *v = cv__json_get(obj, key);
  if (!v || (v->kind == CV__J_NULL && kind != CV__J_NULL)) {
    if (!required) {
      *out = NULL;
      return CV_OK;
    }
    return cv__jf_fail(c, obj, path, key, "missing (a missing field is an error, never a zero)");
  }
  if (v->kind != kind)
    return cv__jf_fail(c, v, path, key, "expected %s, found %s", cv__json_kind_name(kind),
                       cv__json_kind_name(v->kind));
  *out = v;
  return CV_OK;
}

cv_status cv__jf_str(const struct cv__jf *c, const struct cv__jval *obj, const char *path,
                     const char *key, bool required, const char **out) {
  const struct cv__jval *v = NULL;
  cv_status s = get(c, obj, path, key, required, CV__J_STR, &v);
  if (s == CV_OK && v) *out = v->u.str.s;
  return s;
}

cv_status cv__jf_uint(const struct cv__jf *c, const struct cv__jval *obj, const char *path,
                      const char *key, bool required, uint64_t min, uint64_t max,
                      uint64_t *out) {
  const struct cv__jval *v = NULL;
  cv_status s = get(c, obj, path, key, required, CV__J_INT, &v);
  if (s != CV_OK || !v) return s;
  if (v->u.i < 0) return cv__jf_fail(c, v, path, key, "must not be negative (found %lld)", (long long)v->u.i);
  if ((uint64_t)v->u.i < min || (uint64_t)v->u.i > max)
    return cv__jf_fail(c, v, path, key, "must be between %llu and %llu (found %lld)",
                       (unsigned long long)min, (unsigned long long)max, (long long)v->u.i);
  *out = (uint64_t)v->u.i;
  return CV_OK;
}

cv_status cv__jf_bool(const struct cv__jf *c, const struct cv__jval *obj, const char *path,
                      const char *key, bool required, bool *out) {
  const struct cv__jval *v = NULL;
  cv_status s = get(c, obj, path, key, required, CV__J_BOOL, &v);
  if (s == CV_OK && v) *out = v->u.b;
  return s;
}

bool cv__id_valid(const char *s) {
  size_t n = 0;
  for (; s[n]; n++) {
    char ch = s[n];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
          ch == '.' || ch == '_' || ch == '-'))
      return false;
  }
  return n >= 1 && n <= 64;
}

cv_status cv__jf_id(const struct cv__jf *c, const struct cv__jval *obj, const char *path,
                    const char *key, bool required, const char **out) {
  const struct cv__jval *v = NULL;
  cv_status s = get(c, obj, path, key, required, CV__J_STR, &v);
  if (s != CV_OK || !v) return s;
  if (!cv__id_valid(v->u.str.s))
    return cv__jf_fail(c, v, path, key,
                       "\"%.80s\" is not an identifier (1-64 characters of A-Z a-z 0-9 . _ -)",
                       v->u.str.s);
  *out = v->u.str.s;
  return CV_OK;
}

cv_status cv__jf_arr(const struct cv__jf *c, const struct cv__jval *obj, const char *path,
                     const char *key, bool required, const struct cv__jval **out) {
  return get(c, obj, path, key, required, CV__J_ARR, out);
}

cv_status cv__jf_obj(const struct cv__jf *c, const struct cv__jval *obj, const char *path,
                     const char *key, bool required, const struct cv__jval **out) {
  return get(c, obj, path, key, required, CV__J_OBJ, out);
}
