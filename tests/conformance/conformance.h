/* tests/conformance/conformance.h: what the conformance runners share.
 *
 * A runner is called as RUNNER TESTDATA CANVASS OUT: the default shared test
 * data folder (overridden by $CANVASS_TESTDATA), the canvass binary and a
 * scratch folder. It runs every case of its suite, prints one line per
 * failure and then "SUITE: N passed, M failed", and exits 0 only when
 * nothing failed. When the test data folder is missing it says so and exits
 * 0: the cases belong to other projects and are not copied here. */
#ifndef CV_TESTS_CONFORMANCE_H
#define CV_TESTS_CONFORMANCE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

struct conf_suite {
  const char *name;
  unsigned passed, failed;
};

/* The test data folder to use, or NULL (after printing why the suite is
 * skipped) when it does not exist. sub is the suite's subfolder. */
static inline const char *conf_testdata(const char *deflt, const char *sub, const char *suite) {
  static char path[4096];
  const char *env = getenv("CANVASS_TESTDATA");
  const char *root = env && *env ? env : deflt;
  snprintf(path, sizeof path, "%s/%s", root, sub);
  struct stat sb;
  if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    printf("%s: skipped, no test data at %s (set CANVASS_TESTDATA)\n", suite, path);
    return NULL;
  }
  return path;
}

static inline void conf_pass(struct conf_suite *s) { s->passed++; }

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static inline void conf_fail(struct conf_suite *s, const char *test, const char *fmt, ...) {
  s->failed++;
  printf("FAIL %s %s: ", s->name, test);
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
}

/* Prints the summary line; returns the exit status for the suite. */
static inline int conf_report(const struct conf_suite *s) {
  printf("%s: %u passed, %u failed\n", s->name, s->passed, s->failed);
  fflush(stdout);
  return s->failed ? 1 : 0;
}

#endif
