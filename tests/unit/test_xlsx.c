/* Unit tests for formats/xlsx: cell references, and every cell of the
 * hand-made workbooks in tests/data/cvr as the sink sees them (values
 * written down from the XML we put in the files). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "formats/xlsx.h"
#include "util/error.h"

#define DATA CANVASS_SOURCE_DIR "/tests/data/cvr/"

static void test_refs(void **state) {
  (void)state;
  uint32_t r = 0, c = 0;
  assert_true(cv__xlsx_parse_ref("A1", &r, &c) && r == 1 && c == 1);
  assert_true(cv__xlsx_parse_ref("Z9", &r, &c) && r == 9 && c == 26);
  assert_true(cv__xlsx_parse_ref("AA10", &r, &c) && r == 10 && c == 27);
  assert_true(cv__xlsx_parse_ref("AB12", &r, &c) && r == 12 && c == 28);
  assert_true(cv__xlsx_parse_ref("XFD1048576", &r, &c) && r == 1048576 && c == 16384);
  assert_false(cv__xlsx_parse_ref("XFE1", &r, &c));
  assert_false(cv__xlsx_parse_ref("A1048577", &r, &c));
  assert_false(cv__xlsx_parse_ref("a1", &r, &c));
  assert_false(cv__xlsx_parse_ref("A01", &r, &c));
  assert_false(cv__xlsx_parse_ref("A0", &r, &c));
  assert_false(cv__xlsx_parse_ref("12", &r, &c));
  assert_false(cv__xlsx_parse_ref("B", &r, &c));
  assert_false(cv__xlsx_parse_ref("B2x", &r, &c));
  assert_false(cv__xlsx_parse_ref("", &r, &c));
}

/* Writes what the sink sees as lines: "[row" / "ref=text" / "]". */
struct dump {
  char out[2048];
  size_t n;
};

static void put(struct dump *d, const char *s) {
  size_t k = strlen(s);
  assert_true(d->n + k < sizeof d->out);
  memcpy(d->out + d->n, s, k + 1);
  d->n += k;
}

static cv_status row_start(void *ud, uint32_t row, struct cv_error *err) {
  (void)err;
  char b[32];
  snprintf(b, sizeof b, "[%u ", (unsigned)row);
  put(ud, b);
  return CV_OK;
}

static cv_status cell(void *ud, const struct cv__xlsx_cell *c, struct cv_error *err) {
  (void)err;
  char b[200];
  assert_int_equal(strlen(c->text), c->len);
  uint32_t r, col;
  assert_true(cv__xlsx_parse_ref(c->ref, &r, &col));
  assert_int_equal(r, c->row);
  assert_int_equal(col, c->col);
  snprintf(b, sizeof b, "%s=%s ", c->ref, c->text);
  put(ud, b);
  return CV_OK;
}

static cv_status row_end(void *ud, uint32_t row, struct cv_error *err) {
  (void)err, (void)row;
  put(ud, "]");
  return CV_OK;
}

static const struct cv__xlsx_sink sink = {row_start, cell, row_end, NULL};

static void test_tiny(void **state) {
  (void)state;
  struct dump d = {{0}, 0};
  struct cv_error err = {0};
  assert_int_equal(cv__xlsx_read(DATA "tiny.xlsx", NULL, 0, &sink, &d, &err), CV_OK);
  /* The first <sheet> (r:id rId9) is ballots.xml, not sheet1.xml. */
  assert_string_equal(d.out,
                      "[1 A1=Id B1=Precinct C1=Rank 1 D1=Rank 2 E1=Rank 3 ]"
                      "[2 A2=101 B2=P&1 C2=Alice D2= Bob  E2=Carol ]"
                      "[3 A3=150 B3=P2 C3=undervote E3=overvote ]"
                      "[5 A5=103 C5=Alice|Bob D5=UWI ]"
                      "[6 A6=104 B6=P&1 C6=UWI D6=TRUE ]");
}

static void test_fallback_and_errors(void **state) {
  (void)state;
  struct dump d = {{0}, 0};
  struct cv_error err = {0};
  assert_int_equal(cv__xlsx_read(DATA "norels.xlsx", NULL, 0, &sink, &d, &err), CV_OK);
  assert_string_equal(d.out, "[1 A1=head ][2 B2= Dan  C2=ERROR:#N/A ]");

  memset(&d, 0, sizeof d);
  assert_int_equal(cv__xlsx_read(DATA "bad_xml.xlsx", NULL, 0, &sink, &d, &err), CV_EINVAL);
  assert_string_equal(err.file, DATA "bad_xml.xlsx (xl/worksheets/sheet1.xml)");
  assert_int_equal(err.line, 2);
  assert_int_equal(err.column, 37);

  static const char not_zip[] = "Precinct,Rank 1\n";
  memset(&err, 0, sizeof err);
  assert_int_equal(cv__xlsx_read("mem.xlsx", not_zip, sizeof not_zip - 1, &sink, &d, &err),
                   CV_EINVAL);
  assert_string_equal(err.file, "mem.xlsx");
}

/* A sink error stops the read and comes back unchanged. */
static cv_status stop(void *ud, const struct cv__xlsx_cell *c, struct cv_error *err) {
  (void)ud;
  return cv__fail(err, CV_EREFUSED, c->file, c->line, c->column, c->ref, "no thanks");
}

static void test_sink_error(void **state) {
  (void)state;
  struct cv__xlsx_sink s = sink;
  s.cell = stop;
  struct dump d = {{0}, 0};
  struct cv_error err = {0};
  assert_int_equal(cv__xlsx_read(DATA "tiny.xlsx", NULL, 0, &s, &d, &err), CV_EREFUSED);
  assert_string_equal(err.field, "A1");
  assert_string_equal(err.message, "no thanks");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_refs),
      cmocka_unit_test(test_tiny),
      cmocka_unit_test(test_fallback_and_errors),
      cmocka_unit_test(test_sink_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
