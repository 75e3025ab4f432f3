/* Unit tests for util/outdir: output written all or nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/outdir.h"

static char root[64];

static void put(const char *dir, const char *name, const char *text) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static bool exists(const char *dir, const char *name) {
  char p[512];
  struct stat sb;
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return stat(p, &sb) == 0;
}

static int setup(void **state) {
  (void)state;
  snprintf(root, sizeof root, "/tmp/canvass-outdir-XXXXXX");
  return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  cv__outdir_abort(root); /* removes the whole tree */
  return 0;
}

static void test_commit_merges(void **state) {
  (void)state;
  char out[128], staged[256], sub[300];
  snprintf(out, sizeof out, "%s/a/b/out", root);
  /* An earlier run left a report and a per-precinct folder. */
  assert_int_equal(cv__outdir_make(out, NULL), CV_OK);
  snprintf(sub, sizeof sub, "%s/slices", out);
  assert_int_equal(mkdir(sub, 0777), 0);
  put(sub, "old.csv", "old");
  put(out, "report.csv", "old");
  assert_int_equal(cv__outdir_stage(out, staged, sizeof staged, NULL), CV_OK);
  put(staged, "report.csv", "new");
  snprintf(sub, sizeof sub, "%s/slices", staged);
  assert_int_equal(mkdir(sub, 0777), 0);
  put(sub, "p1.csv", "new");
  /* Nothing new is visible before the commit. */
  assert_false(exists(out, "slices/p1.csv"));
  assert_int_equal(cv__outdir_commit(staged, out, NULL), CV_OK);
  assert_true(exists(out, "slices/p1.csv"));
  assert_true(exists(out, "slices/old.csv"));
  assert_false(exists(staged, ""));
  char p[512], text[8] = "";
  snprintf(p, sizeof p, "%s/report.csv", out);
  FILE *f = fopen(p, "r");
  assert_non_null(f);
  assert_non_null(fgets(text, sizeof text, f));
  fclose(f);
  assert_string_equal(text, "new");
}

static void test_abort_leaves_nothing(void **state) {
  (void)state;
  char out[128], staged[256], sub[300];
  snprintf(out, sizeof out, "%s/out", root);
  assert_int_equal(cv__outdir_stage(out, staged, sizeof staged, NULL), CV_OK);
  put(staged, "half.csv", "half");
  snprintf(sub, sizeof sub, "%s/deep", staged);
  assert_int_equal(mkdir(sub, 0777), 0);
  put(sub, "x", "x");
  cv__outdir_abort(staged);
  assert_false(exists(staged, ""));
  assert_false(exists(out, "half.csv"));
}

static void test_refusals(void **state) {
  (void)state;
  struct cv_error err = {0};
  char file[128];
  snprintf(file, sizeof file, "%s/plain", root);
  put(root, "plain", "x");
  char below[256];
  snprintf(below, sizeof below, "%s/inside", file);
  assert_int_equal(cv__outdir_make(below, &err), CV_EEXIST);
  assert_string_equal(err.message, "not a folder");
  assert_int_equal(cv__outdir_make("", NULL), CV_EUSAGE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_commit_merges, setup, teardown),
      cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
