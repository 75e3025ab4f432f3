#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void copy_str(char *dst, size_t cap, const char *src) {
  if (!src) {
    dst[0] = '\0';
    return;
  }
  size_t n = strlen(src);
  if (n >= cap) n = cap - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

#if defined(__GNUC__)
__attribute__((format(printf, 7, 0)))
#endif
static cv_status vfail(struct cv_error *err, cv_status code, const char *file,
                       uint32_t line, uint32_t column, const char *field,
                       const char *fmt, va_list ap) {
  if (!err || err->code != CV_OK) return code;
  err->code = code;
  copy_str(err->file, sizeof err->file, file);
  err->line = line;
  err->column = column;
  copy_str(err->field, sizeof err->field, field);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  return code;
}

cv_status cv__fail(struct cv_error *err, cv_status code, const char *file,
                   uint32_t line, uint32_t column, const char *field,
                   const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cv_status s = vfail(err, code, file, line, column, field, fmt, ap);
  va_end(ap);
  return s;
}

cv_status cv__failf(struct cv_error *err, cv_status code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cv_status s = vfail(err, code, NULL, 0, 0, NULL, fmt, ap);
  va_end(ap);
  return s;
}

void cv_error_clear(struct cv_error *err) {
  if (err) memset(err, 0, sizeof *err);
}

const char *cv_status_name(cv_status s) {
  switch (s) {
  case CV_OK: return "CV_OK";
  case CV_ENOMEM: return "CV_ENOMEM";
  case CV_ELIMIT: return "CV_ELIMIT";
  case CV_EINVAL: return "CV_EINVAL";
  case CV_ENOENT: return "CV_ENOENT";
  case CV_EEXIST: return "CV_EEXIST";
  case CV_EIO: return "CV_EIO";
  case CV_ESTORE: return "CV_ESTORE";
  case CV_EREFUSED: return "CV_EREFUSED";
  case CV_EVERIFY: return "CV_EVERIFY";
  case CV_EUSAGE: return "CV_EUSAGE";
  case CV_EINTERNAL: return "CV_EINTERNAL";
  case CV_ETIE: return "CV_ETIE";
  }
  return "CV_E?";
}

int cv_status_exit_code(cv_status s) {
  switch (s) {
  case CV_OK: return 0;
  case CV_EVERIFY: return 1;
  case CV_EREFUSED: return 2;
  case CV_EUSAGE: return 64;
  case CV_EINVAL: return 65;
  case CV_ELIMIT: return 65;
  case CV_ENOENT: return 66;
  case CV_EEXIST: return 73;
  case CV_EIO: return 74;
  case CV_ESTORE: return 74;
  case CV_ENOMEM: return 71;
  case CV_EINTERNAL: return 70;
  case CV_ETIE: return 3;
  }
  return 70;
}

char *cv_error_format(const struct cv_error *err, char *out, size_t n) {
  if (!out || n == 0) return out;
  out[0] = '\0';
  if (!err) return out;
  size_t used = 0;
  int w;
#define APPEND(...)                                                        \
  do {                                                                     \
    w = snprintf(out + used, n - used, __VA_ARGS__);                       \
    if (w < 0) return out;                                                 \
    used += (size_t)w;                                                     \
    if (used >= n) return out;                                             \
  } while (0)
  if (err->file[0]) {
    APPEND("%s", err->file);
    if (err->line) {
      APPEND(":%u", (unsigned)err->line);
      if (err->column) APPEND(":%u", (unsigned)err->column);
    }
    APPEND(": ");
  }
  if (err->field[0]) APPEND("%s: ", err->field);
  APPEND("%s", err->message[0] ? err->message : cv_status_name(err->code));
#undef APPEND
  return out;
}
