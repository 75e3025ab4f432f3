/* Out of memory, everywhere: fail the Nth allocation for every N during
 * opening a store, importing sheets and accounting, recording a resolution
 * and rendering reports. Each run must return an error (never crash, never
 * leak: ASan checks that), and the store must afterwards replay to exactly
 * the state of either before or after the command, never half of it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <unistd.h>

#include "canvass/alloc.h"
#include "canvass/election.h"

/* Allocations left before failing (-1: never fail). Atomic: the library's
 * reading thread allocates too, so which allocation fails may vary between
 * runs; every assertion below holds whichever it is. */
static _Atomic long countdown = -1;
static _Atomic long failures;

static bool should_fail(void) {
  long c = atomic_load(&countdown);
  while (c > 0 && !atomic_compare_exchange_weak(&countdown, &c, c - 1)) {
  }
  if (c == 0) {
    atomic_fetch_add(&failures, 1);
    return true;
  }
  return false;
}

static void *t_malloc(size_t n, void *ud) {
  (void)ud;
  return should_fail() ? NULL : malloc(n);
}
static void *t_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  return should_fail() ? NULL : realloc(p, n);
}
static void t_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

#define DATA CANVASS_SOURCE_DIR "/tests/data/good/"

static uint64_t events_of(const char *store) {
  cv_election *e;
  struct cv_error err = {0};
  assert_int_equal(cv_election_open(store, true, NULL, NULL, &e, &err), CV_OK);
  char head[80];
  uint64_t n;
  cv_election_head(e, head, &n);
  cv_election_close(e);
  return n;
}

enum step { S_MANIFEST, S_SHEETS_A, S_SHEETS_B, S_ACCOUNTING, S_REPORTS, S_RESOLVE };

static cv_status run_step(cv_election *e, enum step s, struct cv_error *err) {
  char *text = NULL;
  size_t len;
  cv_status r = CV_OK;
  struct cv_report_options o = {CV_FORMAT_JSON, NULL, true, true};
  switch (s) {
  case S_MANIFEST: return cv_import_manifest(e, DATA "manifest.csv", NULL, err);
  case S_SHEETS_A: return cv_import_sheets(e, DATA "sheets-a.csv", NULL, err);
  case S_SHEETS_B: return cv_import_sheets(e, DATA "sheets-b.csv", NULL, err);
  case S_ACCOUNTING: return cv_import_accounting(e, DATA "accounting.csv", NULL, err);
  case S_REPORTS:
    r = cv_report(e, CV_REPORT_STATUS, &o, &text, &len, err);
    cv_free(text);
    text = NULL;
    if (r == CV_OK) r = cv_report(e, CV_REPORT_RESULTS, &o, &text, &len, err);
    cv_free(text);
    text = NULL;
    if (r == CV_OK) r = cv_report(e, CV_REPORT_NIST, &o, &text, &len, err);
    cv_free(text);
    return r;
  case S_RESOLVE: return cv_resolve(e, "p2-a", "mayor", 8, "recounted", err);
  }
  return CV_EINTERNAL;
}

static void every_allocation_can_fail(void **unused) {
  (void)unused;
  char dir[] = "/tmp/canvass-oom-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char store[256], work[256];
  snprintf(store, sizeof store, "%s/base.canvass", dir);
  snprintf(work, sizeof work, "%s/work.canvass", dir);
  struct cv_allocator hook = {t_malloc, t_realloc, t_free, NULL};
  cv_set_allocator(&hook);
  struct cv_error err = {0};
  cv_election *e;
  assert_int_equal(cv_election_create(store, DATA "definition.json", "t", "2026-11-03T20:00:00Z", &e, &err), CV_OK);
  cv_election_close(e);
  size_t runs = 0;
  for (enum step s = S_MANIFEST; s <= S_RESOLVE; s++) {
    uint64_t before = events_of(store);
    bool succeeded = false;
    for (long n = 0; !succeeded && n < 200000; n++) {
      char cmd[600];
      snprintf(cmd, sizeof cmd, "cp %s %s", store, work);
      assert_int_equal(system(cmd), 0);
      atomic_store(&countdown, n);
      atomic_store(&failures, 0);
      cv_status r = cv_election_open(work, false, NULL, NULL, &e, &err);
      if (r == CV_OK) {
        cv_error_clear(&err);
        r = run_step(e, s, &err);
        cv_election_close(e);
      }
      atomic_store(&countdown, -1);
      runs++;
      if (r == CV_OK) {
        succeeded = failures == 0;
      } else {
        /* Only memory may have failed here, and the error must say so. */
        if (failures == 0) fail_msg("step %d failed without a memory failure: %s", (int)s, err.message);
        assert_true(err.code == CV_ENOMEM || err.code == CV_ELIMIT || err.code == CV_EIO ||
                    err.code == CV_ESTORE);
      }
      cv_error_clear(&err);
      /* All or nothing: the store replays to before or after the step. */
      uint64_t now = events_of(work);
      if (r != CV_OK) assert_int_equal(now, before);
    }
    assert_true(succeeded);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "cp %s %s", work, store);
    assert_int_equal(system(cmd), 0);
  }
  cv_set_allocator(NULL);
  printf("# %zu runs with a failing allocation\n", runs);
  unlink(store);
  unlink(work);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(every_allocation_can_fail)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
