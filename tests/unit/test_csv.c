/* Unit tests for formats/csv: records, quoting, line ends, every error with
 * its exact position and message, caps, and the column lookup. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "formats/csv.h"
#include "util/alloc.h"

/* Reads the next record and checks it holds exactly the n fields in want. */
static void expect_row(struct cv__csv *r, size_t n, const char *const *want) {
  struct cv_error err = {0};
  assert_int_equal(cv__csv_next(r, &err), CV_OK);
  assert_int_equal(err.code, CV_OK);
  assert_int_equal(r->n_fields, n);
  for (size_t i = 0; i < n; i++) {
    assert_non_null(r->fields[i].s);
    assert_int_equal(r->fields[i].len, strlen(want[i]));
    assert_memory_equal(r->fields[i].s, want[i], strlen(want[i]));
    assert_int_equal(r->fields[i].s[r->fields[i].len], '\0');
  }
}

#define ROW(r, ...)                                                           \
  do {                                                                        \
    static const char *const want_[] = {__VA_ARGS__};                         \
    expect_row((r), sizeof want_ / sizeof want_[0], want_);                   \
  } while (0)

static void expect_end(struct cv__csv *r) {
  struct cv_error err = {0};
  assert_int_equal(cv__csv_next(r, &err), CV_OK);
  assert_int_equal(r->n_fields, 0);
  /* The end is stable. */
  assert_int_equal(cv__csv_next(r, &err), CV_OK);
  assert_int_equal(r->n_fields, 0);
  assert_int_equal(err.code, CV_OK);
}

static void expect_pos(const struct cv__csv *r, size_t i, uint32_t line, uint32_t col) {
  assert_true(i < r->n_fields);
  assert_int_equal(r->fields[i].line, line);
  assert_int_equal(r->fields[i].column, col);
}

/* Reads data[0..len) until an error and checks it exactly. */
static void expect_error_n(const char *data, size_t len, const struct cv__csv_limits *lim,
                           cv_status code, uint32_t line, uint32_t col, const char *msg) {
  struct cv__csv r;
  struct cv_error err = {0};
  cv_status s = CV_OK;
  cv__csv_init(&r, data, len, "t.csv", lim);
  for (int guard = 0; guard < 100000; guard++) {
    s = cv__csv_next(&r, &err);
    if (s != CV_OK || r.n_fields == 0) break;
  }
  assert_int_equal(s, code);
  assert_int_equal(err.code, code);
  assert_string_equal(err.file, "t.csv");
  assert_int_equal(err.line, line);
  assert_int_equal(err.column, col);
  assert_string_equal(err.message, msg);
  assert_int_equal(r.n_fields, 0);
  /* The reader stays stopped. */
  struct cv_error again = {0};
  assert_int_equal(cv__csv_next(&r, &again), code);
  assert_int_equal(r.n_fields, 0);
  cv__csv_fini(&r);
}

static void expect_error(const char *data, const struct cv__csv_limits *lim, cv_status code,
                         uint32_t line, uint32_t col, const char *msg) {
  expect_error_n(data, strlen(data), lim, code, line, col, msg);
}

/* ---- valid input ------------------------------------------------------- */

static void test_plain_rows(void **state) {
  (void)state;
  const char *in = "Container,Tabulator,Batch Name,Number of Ballots\nC1,T1,B1,100\n";
  struct cv__csv r;
  cv__csv_init(&r, in, strlen(in), "m.csv", NULL);
  ROW(&r, "Container", "Tabulator", "Batch Name", "Number of Ballots");
  expect_pos(&r, 0, 1, 1);
  expect_pos(&r, 1, 1, 11);
  expect_pos(&r, 2, 1, 21);
  expect_pos(&r, 3, 1, 32);
  assert_int_equal(cv__csv_record_line(&r), 1);
  ROW(&r, "C1", "T1", "B1", "100");
  expect_pos(&r, 3, 2, 10);
  assert_int_equal(cv__csv_record_line(&r), 2);
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_quoted_commas(void **state) {
  (void)state;
  const char *in = "\"a,b\",c,\"\"\n\",\",\",,\"\n";
  struct cv__csv r;
  cv__csv_init(&r, in, strlen(in), "t.csv", NULL);
  ROW(&r, "a,b", "c", "");
  expect_pos(&r, 1, 1, 7);
  expect_pos(&r, 2, 1, 9);
  ROW(&r, ",", ",,");
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_quoted_newlines(void **state) {
  (void)state;
  const char *in = "id,note\n1,\"first\nsecond\n\nthird\",x\n2,y\n";
  struct cv__csv r;
  cv__csv_init(&r, in, strlen(in), "t.csv", NULL);
  ROW(&r, "id", "note");
  ROW(&r, "1", "first\nsecond\n\nthird", "x");
  expect_pos(&r, 1, 2, 3);
  expect_pos(&r, 2, 5, 8);
  assert_int_equal(cv__csv_record_line(&r), 2);
  ROW(&r, "2", "y");
  expect_pos(&r, 0, 6, 1);
  assert_int_equal(cv__csv_record_line(&r), 6);
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_doubled_quotes(void **state) {
  (void)state;
  const char *in = "\"say \"\"hi\"\"\",\"\"\"\"\n\"\"\"\",\"a\"\"\"\n";
  struct cv__csv r;
  cv__csv_init(&r, in, strlen(in), "t.csv", NULL);
  ROW(&r, "say \"hi\"", "\"");
  expect_pos(&r, 1, 1, 14);
  ROW(&r, "\"", "a\"");
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_crlf(void **state) {
  (void)state;
  const char *in = "a,b\r\nc,d\r\n\"x\r\ny\",z\r\nlast\r\n";
  struct cv__csv r;
  cv__csv_init(&r, in, strlen(in), "t.csv", NULL);
  ROW(&r, "a", "b");
  ROW(&r, "c", "d");
  expect_pos(&r, 1, 2, 3);
  ROW(&r, "x\r\ny", "z");
  expect_pos(&r, 1, 4, 4);
  assert_int_equal(cv__csv_record_line(&r), 3);
  ROW(&r, "last");
  expect_pos(&r, 0, 5, 1);
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_bom(void **state) {
  (void)state;
  const char *in = "\xEF\xBB\xBFname,n\nx,1\n";
  struct cv__csv r;
  cv__csv_init(&r, in, strlen(in), "t.csv", NULL);
  ROW(&r, "name", "n");
  expect_pos(&r, 0, 1, 1);
  expect_pos(&r, 1, 1, 6);
  ROW(&r, "x", "1");
  expect_end(&r);
  cv__csv_fini(&r);

  /* Only at the very start: a later BOM is an ordinary character. */
  const char *in2 = "a\n\xEF\xBB\xBF" "b\n";
  cv__csv_init(&r, in2, strlen(in2), "t.csv", NULL);
  ROW(&r, "a");
  ROW(&r, "\xEF\xBB\xBF" "b");
  expect_end(&r);
  cv__csv_fini(&r);

  /* A file of only a BOM has no records. */
  cv__csv_init(&r, "\xEF\xBB\xBF", 3, "t.csv", NULL);
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_empty_lines(void **state) {
  (void)state;
  const char *in = "\n\na\n\r\n\nb,c\n\n\r\n";
  struct cv__csv r;
  cv__csv_init(&r, in, strlen(in), "t.csv", NULL);
  ROW(&r, "a");
  expect_pos(&r, 0, 3, 1);
  assert_int_equal(cv__csv_record_line(&r), 3);
  ROW(&r, "b", "c");
  assert_int_equal(cv__csv_record_line(&r), 6);
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_no_trailing_newline(void **state) {
  (void)state;
  struct cv__csv r;
  const char *in = "a,b\nc,d";
  cv__csv_init(&r, in, strlen(in), "t.csv", NULL);
  ROW(&r, "a", "b");
  ROW(&r, "c", "d");
  expect_end(&r);
  cv__csv_fini(&r);

  const char *in2 = "x,\"q\"";
  cv__csv_init(&r, in2, strlen(in2), "t.csv", NULL);
  ROW(&r, "x", "q");
  expect_end(&r);
  cv__csv_fini(&r);

  const char *in3 = "x,";
  cv__csv_init(&r, in3, strlen(in3), "t.csv", NULL);
  ROW(&r, "x", "");
  expect_pos(&r, 1, 1, 3);
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_empty_fields(void **state) {
  (void)state;
  const char *in = ",,\n,\na,,b\n,x,\n";
  struct cv__csv r;
  cv__csv_init(&r, in, strlen(in), "t.csv", NULL);
  ROW(&r, "", "", "");
  expect_pos(&r, 0, 1, 1);
  expect_pos(&r, 1, 1, 2);
  expect_pos(&r, 2, 1, 3);
  ROW(&r, "", "");
  ROW(&r, "a", "", "b");
  ROW(&r, "", "x", "");
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_one_empty_field_vs_empty_line(void **state) {
  (void)state;
  /* "" is a record of one empty field; a bare newline is no record. */
  const char *in = "\"\"\n\n\"\"\r\n";
  struct cv__csv r;
  cv__csv_init(&r, in, strlen(in), "t.csv", NULL);
  ROW(&r, "");
  assert_int_equal(cv__csv_record_line(&r), 1);
  ROW(&r, "");
  assert_int_equal(cv__csv_record_line(&r), 3);
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_spaces_kept(void **state) {
  (void)state;
  const char *in = " a , b \n  \n\t\n";
  struct cv__csv r;
  cv__csv_init(&r, in, strlen(in), "t.csv", NULL);
  ROW(&r, " a ", " b ");
  expect_pos(&r, 1, 1, 5);
  ROW(&r, "  ");
  ROW(&r, "\t");
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_utf8_columns(void **state) {
  (void)state;
  /* é is 2 bytes, 日本 6 bytes, 😀 4 bytes: columns count characters. */
  const char *in = "\xC3\xA9,\xE6\x97\xA5\xE6\x9C\xAC,\xF0\x9F\x98\x80,x\n"
                   "\"\xC3\xA9\n\xC3\xA9\",y\n";
  struct cv__csv r;
  cv__csv_init(&r, in, strlen(in), "t.csv", NULL);
  ROW(&r, "\xC3\xA9", "\xE6\x97\xA5\xE6\x9C\xAC", "\xF0\x9F\x98\x80", "x");
  expect_pos(&r, 1, 1, 3);
  expect_pos(&r, 2, 1, 6);
  expect_pos(&r, 3, 1, 8);
  ROW(&r, "\xC3\xA9\n\xC3\xA9", "y");
  expect_pos(&r, 1, 3, 4);
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_empty_input(void **state) {
  (void)state;
  struct cv__csv r;
  cv__csv_init(&r, "", 0, "t.csv", NULL);
  expect_end(&r);
  cv__csv_fini(&r);
  cv__csv_init(&r, NULL, 0, NULL, NULL);
  expect_end(&r);
  cv__csv_fini(&r);
  cv__csv_init(&r, "\n\r\n\n", 4, "t.csv", NULL);
  expect_end(&r);
  cv__csv_fini(&r);
  cv__csv_fini(NULL);
}

static void test_pointers_survive_growth(void **state) {
  (void)state;
  /* 200 fields of 100 bytes force the row text to move several times. */
  size_t n = 200, w = 100;
  char *in = malloc(n * (w + 1) + 1);
  assert_non_null(in);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    memset(in + k, (int)('a' + (int)(i % 26)), w);
    k += w;
    in[k++] = i + 1 < n ? ',' : '\n';
  }
  struct cv__csv r;
  struct cv_error err = {0};
  cv__csv_init(&r, in, k, "t.csv", NULL);
  assert_int_equal(cv__csv_next(&r, &err), CV_OK);
  assert_int_equal(r.n_fields, 200);
  assert_int_equal(r.fields[0].len, 100);
  assert_int_equal(r.fields[0].s[0], 'a');
  assert_int_equal(r.fields[0].s[99], 'a');
  assert_int_equal(r.fields[0].s[100], '\0');
  assert_int_equal(r.fields[27].s[0], 'b');
  assert_int_equal(r.fields[199].s[0], 'r');
  assert_int_equal(r.fields[199].column, 20100);
  expect_end(&r);
  cv__csv_fini(&r);
  free(in);
}

static void test_record_line_multiline(void **state) {
  (void)state;
  const char *in = "h1,h2\n\"a\nb\nc\",\"d\r\ne\"\n\nz,\"\n\"\n";
  struct cv__csv r;
  cv__csv_init(&r, in, strlen(in), "t.csv", NULL);
  ROW(&r, "h1", "h2");
  assert_int_equal(cv__csv_record_line(&r), 1);
  ROW(&r, "a\nb\nc", "d\r\ne");
  assert_int_equal(cv__csv_record_line(&r), 2);
  expect_pos(&r, 1, 4, 4);
  ROW(&r, "z", "\n");
  assert_int_equal(cv__csv_record_line(&r), 7);
  expect_pos(&r, 1, 7, 3);
  expect_end(&r);
  cv__csv_fini(&r);
}

/* ---- errors -------------------------------------------------------------- */

static void test_unclosed_quote(void **state) {
  (void)state;
  expect_error("x\ny\nab,cd,\"zz\nmore\n", NULL, CV_EINVAL, 3, 7,
               "quoted field is not closed (it starts at line 3, column 7)");
  expect_error("\"", NULL, CV_EINVAL, 1, 1,
               "quoted field is not closed (it starts at line 1, column 1)");
  expect_error("a,\"b\"\"", NULL, CV_EINVAL, 1, 3,
               "quoted field is not closed (it starts at line 1, column 3)");
  expect_error("\xC3\xA9,\"", NULL, CV_EINVAL, 1, 3,
               "quoted field is not closed (it starts at line 1, column 3)");
}

static void test_after_closing_quote(void **state) {
  (void)state;
  expect_error("a\n\"ab\"x,c\n", NULL, CV_EINVAL, 2, 5,
               "unexpected character 'x' after closing quote");
  expect_error("\"ab\" ,c\n", NULL, CV_EINVAL, 1, 5,
               "unexpected character ' ' after closing quote");
  expect_error("\"a\"\"b\"\"\"c", NULL, CV_EINVAL, 1, 9,
               "unexpected character 'c' after closing quote");
  expect_error("\"a\"\t\n", NULL, CV_EINVAL, 1, 4,
               "unexpected control character 0x09 after closing quote");
  expect_error("\"a\"\xC3\xA9\n", NULL, CV_EINVAL, 1, 4,
               "unexpected character '\xC3\xA9' after closing quote");
  expect_error("\"a\"\xFF\n", NULL, CV_EINVAL, 1, 4, "invalid UTF-8 byte 0xff");
  expect_error_n("\"a\"\0", 4, NULL, CV_EINVAL, 1, 4, "NUL byte in input");
  expect_error("\"a\"\rb\n", NULL, CV_EINVAL, 1, 4, "carriage return without line feed");
  expect_error("\"a\nb\"c\n", NULL, CV_EINVAL, 2, 3,
               "unexpected character 'c' after closing quote");
}

static void test_quote_in_unquoted(void **state) {
  (void)state;
  expect_error("ab\"c\n", NULL, CV_EINVAL, 1, 3,
               "quote character inside an unquoted field (quote the whole field and "
               "double the quote)");
  expect_error("x,y\n1, \"2\"\n", NULL, CV_EINVAL, 2, 4,
               "quote character inside an unquoted field (quote the whole field and "
               "double the quote)");
  expect_error("\xC3\xA9\"", NULL, CV_EINVAL, 1, 2,
               "quote character inside an unquoted field (quote the whole field and "
               "double the quote)");
}

static void test_invalid_utf8(void **state) {
  (void)state;
  expect_error("a,\xFF\n", NULL, CV_EINVAL, 1, 3, "invalid UTF-8 byte 0xff");
  expect_error("a,b\n\xC3\xA9\xFE", NULL, CV_EINVAL, 2, 2, "invalid UTF-8 byte 0xfe");
  expect_error("\x80", NULL, CV_EINVAL, 1, 1, "invalid UTF-8 byte 0x80");
  expect_error("ab\xF5\x80\x80\x80", NULL, CV_EINVAL, 1, 3, "invalid UTF-8 byte 0xf5");
  expect_error("\xC0\xAF", NULL, CV_EINVAL, 1, 1,
               "invalid UTF-8 byte 0xc0 (overlong encoding)");
  expect_error("\xC1\xBF", NULL, CV_EINVAL, 1, 1,
               "invalid UTF-8 byte 0xc1 (overlong encoding)");
  expect_error("x\xE0\x80\xAF", NULL, CV_EINVAL, 1, 2,
               "invalid UTF-8 byte 0xe0 (overlong encoding)");
  expect_error("\xE0\x9F\xBF", NULL, CV_EINVAL, 1, 1,
               "invalid UTF-8 byte 0xe0 (overlong encoding)");
  expect_error("\xF0\x8F\xBF\xBF", NULL, CV_EINVAL, 1, 1,
               "invalid UTF-8 byte 0xf0 (overlong encoding)");
  expect_error("\xED\xA0\x80", NULL, CV_EINVAL, 1, 1,
               "invalid UTF-8 byte 0xed (UTF-16 surrogate)");
  expect_error("\xED\xBF\xBF", NULL, CV_EINVAL, 1, 1,
               "invalid UTF-8 byte 0xed (UTF-16 surrogate)");
  expect_error("\xF4\x90\x80\x80", NULL, CV_EINVAL, 1, 1,
               "invalid UTF-8 byte 0xf4 (above U+10FFFF)");
  expect_error("a,\xE2\x82x\n", NULL, CV_EINVAL, 1, 3,
               "invalid UTF-8 byte 0xe2 (truncated sequence)");
  expect_error("a,\xE2\x82", NULL, CV_EINVAL, 1, 3,
               "invalid UTF-8 byte 0xe2 (truncated sequence)");
  expect_error("\xF0\x9F\x98,", NULL, CV_EINVAL, 1, 1,
               "invalid UTF-8 byte 0xf0 (truncated sequence)");
  expect_error("\"ok\nb\xFF\"\n", NULL, CV_EINVAL, 2, 2, "invalid UTF-8 byte 0xff");
  expect_error("\"\xC3\"", NULL, CV_EINVAL, 1, 2,
               "invalid UTF-8 byte 0xc3 (truncated sequence)");
  /* The edges that are valid. */
  struct cv__csv r;
  const char *ok = "\xED\x9F\xBF,\xEE\x80\x80,\xF4\x8F\xBF\xBF,\xF0\x90\x80\x80,\xC2\x80,"
                   "\xE0\xA0\x80,\xDF\xBF\n";
  cv__csv_init(&r, ok, strlen(ok), "t.csv", NULL);
  ROW(&r, "\xED\x9F\xBF", "\xEE\x80\x80", "\xF4\x8F\xBF\xBF", "\xF0\x90\x80\x80",
      "\xC2\x80", "\xE0\xA0\x80", "\xDF\xBF");
  expect_pos(&r, 4, 1, 9);
  expect_pos(&r, 6, 1, 13);
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_nul_byte(void **state) {
  (void)state;
  expect_error_n("a,b\0c\n", 6, NULL, CV_EINVAL, 1, 4, "NUL byte in input");
  expect_error_n("x\n\"a\nb\0\"\n", 9, NULL, CV_EINVAL, 3, 2, "NUL byte in input");
  expect_error_n("\0", 1, NULL, CV_EINVAL, 1, 1, "NUL byte in input");
}

static void test_lone_cr(void **state) {
  (void)state;
  expect_error("a\rb\n", NULL, CV_EINVAL, 1, 2, "carriage return without line feed");
  expect_error("x\na,b\r", NULL, CV_EINVAL, 2, 4, "carriage return without line feed");
  expect_error("\r\r\n", NULL, CV_EINVAL, 1, 1, "carriage return without line feed");
  /* Inside quotes a CR is data. */
  struct cv__csv r;
  cv__csv_init(&r, "\"a\rb\"\n", 6, "t.csv", NULL);
  ROW(&r, "a\rb");
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_cap_field_length(void **state) {
  (void)state;
  struct cv__csv_limits lim = {.max_field = 4};
  expect_error("abcd,abcde\n", &lim, CV_ELIMIT, 1, 6, "field longer than 4 bytes");
  expect_error("x\n\"ab\"\"cd\"\n", &lim, CV_ELIMIT, 2, 1, "field longer than 4 bytes");
  expect_error("\"abcde\"", &lim, CV_ELIMIT, 1, 1, "field longer than 4 bytes");
  /* Bytes, not characters: two é are 4 bytes, three are 6. */
  expect_error("\xC3\xA9\xC3\xA9\xC3\xA9", &lim, CV_ELIMIT, 1, 1,
               "field longer than 4 bytes");
  struct cv__csv r;
  const char *ok = "abcd,\"ab\"\"c\",\xC3\xA9\xC3\xA9\n";
  cv__csv_init(&r, ok, strlen(ok), "t.csv", &lim);
  ROW(&r, "abcd", "ab\"c", "\xC3\xA9\xC3\xA9");
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_cap_field_length_default(void **state) {
  (void)state;
  char *in = malloc(65537 + 2);
  assert_non_null(in);
  memset(in, 'x', 65537);
  in[65537] = '\n';
  in[65538] = '\0';
  expect_error_n(in, 65538, NULL, CV_ELIMIT, 1, 1, "field longer than 65536 bytes");
  struct cv__csv r;
  cv__csv_init(&r, in + 1, 65537, "t.csv", NULL);
  struct cv_error err = {0};
  assert_int_equal(cv__csv_next(&r, &err), CV_OK);
  assert_int_equal(r.n_fields, 1);
  assert_int_equal(r.fields[0].len, 65536);
  cv__csv_fini(&r);
  free(in);
}

static void test_cap_fields(void **state) {
  (void)state;
  struct cv__csv_limits lim = {.max_fields = 3};
  expect_error("a,b,c\nd,e,f,g\n", &lim, CV_ELIMIT, 2, 7, "more than 3 fields in a record");
  expect_error(",,,", &lim, CV_ELIMIT, 1, 4, "more than 3 fields in a record");

  /* Default: 1024 fields pass, 1025 do not. */
  char in[2 * 1025 + 1];
  for (size_t i = 0; i < 1025; i++) {
    in[2 * i] = 'x';
    in[2 * i + 1] = ',';
  }
  in[2 * 1025 - 1] = '\n';
  in[2 * 1025] = '\0';
  expect_error(in, NULL, CV_ELIMIT, 1, 2049, "more than 1024 fields in a record");
  in[2 * 1024 - 1] = '\n';
  struct cv__csv r;
  struct cv_error err = {0};
  cv__csv_init(&r, in, 2 * 1024, "t.csv", NULL);
  assert_int_equal(cv__csv_next(&r, &err), CV_OK);
  assert_int_equal(r.n_fields, 1024);
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_cap_rows(void **state) {
  (void)state;
  struct cv__csv_limits lim = {.max_rows = 2};
  expect_error("a\n\nb\nc\n", &lim, CV_ELIMIT, 4, 1, "more than 2 records");
  struct cv__csv r;
  cv__csv_init(&r, "a\nb\n\n", 5, "t.csv", &lim);
  ROW(&r, "a");
  ROW(&r, "b");
  expect_end(&r);
  cv__csv_fini(&r);
}

static void test_error_no_err_record(void **state) {
  (void)state;
  struct cv__csv r;
  cv__csv_init(&r, "a\"", 2, NULL, NULL);
  assert_int_equal(cv__csv_next(&r, NULL), CV_EINVAL);
  assert_int_equal(cv__csv_next(&r, NULL), CV_EINVAL);
  cv__csv_fini(&r);
}

/* ---- find_column ---------------------------------------------------------- */

static void test_find_column(void **state) {
  (void)state;
  const char *in = " Batch Name\t,\tTabulator ,Container,,Number of Ballots\n";
  struct cv__csv r;
  struct cv_error err = {0};
  cv__csv_init(&r, in, strlen(in), "t.csv", NULL);
  assert_int_equal(cv__csv_next(&r, &err), CV_OK);
  assert_int_equal(r.n_fields, 5);
  assert_int_equal(cv__csv_find_column(r.fields, r.n_fields, "Batch Name"), 0);
  assert_int_equal(cv__csv_find_column(r.fields, r.n_fields, "Tabulator"), 1);
  assert_int_equal(cv__csv_find_column(r.fields, r.n_fields, "Container"), 2);
  assert_int_equal(cv__csv_find_column(r.fields, r.n_fields, "Number of Ballots"), 4);
  assert_int_equal(cv__csv_find_column(r.fields, r.n_fields, "container"), -1);
  assert_int_equal(cv__csv_find_column(r.fields, r.n_fields, "Batch"), -1);
  assert_int_equal(cv__csv_find_column(r.fields, r.n_fields, "BatchName"), -1);
  assert_int_equal(cv__csv_find_column(r.fields, r.n_fields, " Batch Name"), -1);
  assert_int_equal(cv__csv_find_column(r.fields, r.n_fields, ""), 3);
  assert_int_equal(cv__csv_find_column(r.fields, 2, "Container"), -1);
  assert_int_equal(cv__csv_find_column(NULL, 0, "Container"), -1);
  cv__csv_fini(&r);

  /* A cell of only blanks trims to "", and quoted cells are trimmed too. */
  const char *in2 = "a, \t ,\" b \"\n";
  cv__csv_init(&r, in2, strlen(in2), "t.csv", NULL);
  assert_int_equal(cv__csv_next(&r, &err), CV_OK);
  assert_int_equal(cv__csv_find_column(r.fields, r.n_fields, ""), 1);
  assert_int_equal(cv__csv_find_column(r.fields, r.n_fields, "b"), 2);
  cv__csv_fini(&r);
}

/* ---- out of memory ------------------------------------------------------- */

static long g_fail_at = -1, g_count = 0;

static void *fail_malloc(size_t n, void *ud) {
  (void)ud;
  if (g_count++ == g_fail_at) return NULL;
  return malloc(n);
}
static void *fail_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  if (g_count++ == g_fail_at) return NULL;
  return realloc(p, n);
}
static void fail_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

static void test_out_of_memory(void **state) {
  (void)state;
  static const struct cv_allocator a = {fail_malloc, fail_realloc, fail_free, NULL};
  /* Enough fields and bytes to need several allocations. */
  char in[40 * 30 + 8];
  size_t k = 0;
  for (int i = 0; i < 40; i++) {
    memcpy(in + k, "\"abcdefghijklmnopqrstuvwxyz\",", 29);
    k += 29;
  }
  in[k - 1] = '\n';
  int saw_oom = 0;
  cv_set_allocator(&a);
  for (long n = 0; n < 100; n++) {
    g_fail_at = n;
    g_count = 0;
    struct cv__csv r;
    struct cv_error err = {0};
    cv__csv_init(&r, in, k, "t.csv", NULL);
    cv_status s = cv__csv_next(&r, &err);
    if (s == CV_OK) {
      assert_int_equal(r.n_fields, 40);
      assert_string_equal(r.fields[39].s, "abcdefghijklmnopqrstuvwxyz");
      cv__csv_fini(&r);
      break;
    }
    saw_oom = 1;
    assert_int_equal(s, CV_ENOMEM);
    assert_string_equal(err.message, "out of memory");
    assert_int_equal(err.line, 1);
    assert_int_equal(r.n_fields, 0);
    cv__csv_fini(&r);
  }
  cv_set_allocator(NULL);
  assert_true(saw_oom);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_rows),
      cmocka_unit_test(test_quoted_commas),
      cmocka_unit_test(test_quoted_newlines),
      cmocka_unit_test(test_doubled_quotes),
      cmocka_unit_test(test_crlf),
      cmocka_unit_test(test_bom),
      cmocka_unit_test(test_empty_lines),
      cmocka_unit_test(test_no_trailing_newline),
      cmocka_unit_test(test_empty_fields),
      cmocka_unit_test(test_one_empty_field_vs_empty_line),
      cmocka_unit_test(test_spaces_kept),
      cmocka_unit_test(test_utf8_columns),
      cmocka_unit_test(test_empty_input),
      cmocka_unit_test(test_pointers_survive_growth),
      cmocka_unit_test(test_record_line_multiline),
      cmocka_unit_test(test_unclosed_quote),
      cmocka_unit_test(test_after_closing_quote),
      cmocka_unit_test(test_quote_in_unquoted),
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_nul_byte),
      cmocka_unit_test(test_lone_cr),
      cmocka_unit_test(test_cap_field_length),
      cmocka_unit_test(test_cap_field_length_default),
      cmocka_unit_test(test_cap_fields),
      cmocka_unit_test(test_cap_rows),
      cmocka_unit_test(test_error_no_err_record),
      cmocka_unit_test(test_find_column),
      cmocka_unit_test(test_out_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
