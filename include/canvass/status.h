/* canvass/status.h: status codes and the caller-owned error record.
 *
 * Every fallible canvass function returns a cv_status and, when the caller
 * passes a struct cv_error, fills it with the first error that occurred
 * (later errors never overwrite it). The library keeps no error state of its
 * own and never allocates for errors. */
#ifndef CANVASS_STATUS_H
#define CANVASS_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CANVASS_BUILDING) && defined(__GNUC__)
#define CV_API __attribute__((visibility("default")))
#else
#define CV_API
#endif

/* Append-only: never renumber, never reuse. */
typedef enum cv_status {
  CV_OK = 0,
  CV_ENOMEM = 1,     /* out of memory */
  CV_ELIMIT = 2,     /* a size, depth or count cap was exceeded */
  CV_EINVAL = 3,     /* bad input data (syntax or meaning) */
  CV_ENOENT = 4,     /* an input file, batch, contest ... does not exist */
  CV_EEXIST = 5,     /* the output already exists / cannot be created */
  CV_EIO = 6,        /* reading or writing a file failed */
  CV_ESTORE = 7,     /* the election store is damaged or not a canvass store */
  CV_EREFUSED = 8,   /* the request is valid but refused in the current state */
  CV_EVERIFY = 9,    /* a published record does not match its recomputation */
  CV_EUSAGE = 10,    /* wrong command-line use */
  CV_EINTERNAL = 11, /* a bug in canvass */
  CV_ETIE = 12       /* a tie needs a person's decision (a lot or a choice) */
} cv_status;

struct cv_error {
  cv_status code;
  char file[256];    /* input file, "" when not about a file */
  uint32_t line;     /* 1-based; 0 when unknown */
  uint32_t column;   /* 1-based; 0 when unknown */
  char field[160];   /* field path such as contests[2].choices[0].id, or "" */
  char message[512];
};

/* A short stable name for a status ("CV_EINVAL"). Never NULL. */
CV_API const char *cv_status_name(cv_status s);

/* The process exit code for a status, sysexits style: 0, 64 usage,
 * 65 bad data, 66 missing input, 70 internal, 73 cannot create, 74 I/O,
 * 2 refused by a rule of the count, 1 verification failed, 3 a tie needs
 * a decision. */
CV_API int cv_status_exit_code(cv_status s);

/* Writes "file:line:column: field: message" (parts omitted when empty) into
 * out, always NUL-terminated. Returns out. */
CV_API char *cv_error_format(const struct cv_error *err, char *out, size_t n);

/* Clears an error record to CV_OK. Accepts NULL. */
CV_API void cv_error_clear(struct cv_error *err);

#ifdef __cplusplus
}
#endif
#endif
