/* Unit tests for util/zip: entries of archives made with python's zipfile
 * (tests/data/cvr/zip, some patched by hand to break them), each refusal
 * with the archive and entry in its message, and the read-ahead thread. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "election/election.h"
#include "util/alloc.h"
#include "util/zip.h"

#define ZDIR CANVASS_SOURCE_DIR "/tests/data/cvr/zip/"

struct loaded {
  char *data;
  size_t len;
};

static struct loaded load(const char *name) {
  struct loaded l = {NULL, 0};
  struct cv_error err = {0};
  char path[512];
  snprintf(path, sizeof path, "%s%s", ZDIR, name);
  assert_int_equal(cv__read_file(path, 1 << 24, &l.data, &l.len, &err), CV_OK);
  return l;
}

/* Extracts name from the archive file and compares with want. */
static void expect_entry(const struct cv__zip *z, const char *name, const char *want, size_t n) {
  const struct cv__zip_entry *e = cv__zip_find(z, name);
  assert_non_null(e);
  char *out = NULL;
  size_t len = 0;
  struct cv_error err = {0};
  assert_int_equal(cv__zip_extract(z, e, &out, &len, &err), CV_OK);
  assert_int_equal(len, n);
  assert_memory_equal(out, want, n);
  assert_int_equal(out[len], '\0');
  cv__free(out);
}

static void test_entries(void **state) {
  (void)state;
  struct loaded l = load("two.zip");
  struct cv__zip z;
  struct cv_error err = {0};
  assert_int_equal(cv__zip_open(&z, l.data, l.len, "two.zip", NULL, &err), CV_OK);
  assert_int_equal(z.n, 3);
  assert_null(cv__zip_find(&z, "b.txt"));
  expect_entry(&z, "a.txt", "hello, zip\n", 11);
  char *bs = malloc(5000);
  memset(bs, 'B', 5000);
  expect_entry(&z, "dir/b.txt", bs, 5000);
  free(bs);
  expect_entry(&z, "empty", "", 0);
  const struct cv__zip_entry *a = cv__zip_find(&z, "a.txt");
  assert_int_equal(a->method, 0);
  assert_int_equal(a->crc, 3413260315u); /* python: zlib.crc32(b"hello, zip\n") */
  cv__zip_close(&z);
  free(l.data);
}

/* Opens name and extracts entry (or fails at open); checks the message. */
static void expect_refused(const char *name, const char *entry, const struct cv__zip_limits *lim,
                           cv_status code, const char *part) {
  struct loaded l = load(name);
  struct cv__zip z;
  struct cv_error err = {0};
  cv_status st = cv__zip_open(&z, l.data, l.len, name, lim, &err);
  if (st == CV_OK) {
    const struct cv__zip_entry *e = cv__zip_find(&z, entry);
    assert_non_null(e);
    char *out = NULL;
    size_t len;
    st = cv__zip_extract(&z, e, &out, &len, &err);
    assert_null(out);
    cv__zip_close(&z);
  }
  if (st != code || !strstr(err.message, part))
    print_error("%s: got %d: %s: %s\n", name, (int)st, err.file, err.message);
  assert_int_equal(st, code);
  assert_string_equal(err.file, name);
  assert_non_null(strstr(err.message, part));
  free(l.data);
}

static void test_refusals(void **state) {
  (void)state;
  expect_refused("bad_crc.zip", "a.txt", NULL, CV_EINVAL, "zip entry \"a.txt\": CRC-32 mismatch");
  expect_refused("corrupt.zip", "dir/b.txt", NULL, CV_EINVAL, "zip entry \"dir/b.txt\": corrupt");
  expect_refused("encrypted.zip", "a.txt", NULL, CV_EINVAL, "encrypted entries are not supported");
  expect_refused("truncated.zip", "", NULL, CV_EINVAL, "not a zip archive");
  expect_refused("duplicate.zip", "", NULL, CV_EINVAL, "zip entry \"x\": the name appears twice");
  expect_refused("overlap.zip", "", NULL, CV_EINVAL, "overlaps entry \"o\"");
  expect_refused("size_lie.zip", "dir/b.txt", NULL, CV_EINVAL, "more data than the declared 4000");
  struct cv__zip_limits ratio = {0, 100, 0};
  expect_refused("zeros.zip", "", &ratio, CV_ELIMIT, "zip bomb");
  struct cv__zip_limits size = {1 << 20, 0, 0};
  expect_refused("zeros.zip", "", &size, CV_ELIMIT, "over the cap of 1048576 bytes");
  struct cv__zip_limits count = {0, 0, 2};
  expect_refused("two.zip", "", &count, CV_ELIMIT, "more than 2 entries");
}

static void test_not_zip(void **state) {
  (void)state;
  struct cv__zip z;
  struct cv_error err = {0};
  assert_int_equal(cv__zip_open(&z, "", 0, "nothing", NULL, &err), CV_EINVAL);
  assert_non_null(strstr(err.message, "not a zip archive"));
  static const char junk[] = "PK\005\006 this is not an end record";
  memset(&err, 0, sizeof err);
  assert_int_equal(cv__zip_open(&z, junk, sizeof junk - 1, "junk", NULL, &err), CV_EINVAL);
}

/* The 3 MiB entry is large enough for the read-ahead thread; the bytes
 * must arrive whole and in order whatever the read sizes. */
static void test_read_ahead(void **state) {
  (void)state;
  struct loaded l = load("zeros.zip");
  struct cv__zip z;
  struct cv_error err = {0};
  assert_int_equal(cv__zip_open(&z, l.data, l.len, "zeros.zip", NULL, &err), CV_OK);
  const struct cv__zip_entry *e = cv__zip_find(&z, "zeros.bin");
  assert_non_null(e);
  for (int ahead = 0; ahead < 2; ahead++) {
    struct cv__zip_reader *r;
    assert_int_equal(cv__zip_reader_open(&r, &z, e, ahead == 1, &err), CV_OK);
    char buf[7777];
    size_t total = 0, got, step = 1;
    bool zeros = true;
    do {
      assert_int_equal(cv__zip_reader_read(r, buf, step, &got, &err), CV_OK);
      for (size_t i = 0; i < got; i++) zeros &= buf[i] == 0;
      total += got;
      step = step * 3 % sizeof buf + 1;
    } while (got > 0);
    assert_true(zeros);
    assert_int_equal(total, 3u << 20);
    cv__zip_reader_close(r);
  }
  /* Closing early stops the thread. */
  struct cv__zip_reader *r;
  assert_int_equal(cv__zip_reader_open(&r, &z, e, true, &err), CV_OK);
  char buf[10];
  size_t got;
  assert_int_equal(cv__zip_reader_read(r, buf, sizeof buf, &got, &err), CV_OK);
  cv__zip_reader_close(r);
  cv__zip_reader_close(NULL);
  cv__zip_close(&z);
  free(l.data);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_entries),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_not_zip),
      cmocka_unit_test(test_read_ahead),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
