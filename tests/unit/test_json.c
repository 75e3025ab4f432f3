/* Unit tests for util/json: both reader modes, the writer and the limits.
 * Every expected message, position and output below is written out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvass/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"

static struct cv__arena arena;

static int setup(void **state) {
  (void)state;
  cv__arena_init(&arena, 0);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  cv_set_allocator(NULL); /* in case a failed out-of-memory test left its hook */
  cv__arena_fini(&arena);
  return 0;
}

struct err_case {
  const char *in;
  size_t len;
  cv_status code;
  uint32_t line, col;
  const char *msg;
};

/* Literal input (may hold NUL bytes), expected status, line, column, message. */
#define EC(lit, code, line, col, msg) {lit, sizeof(lit) - 1, code, line, col, msg}
#define E(lit, line, col, msg) EC(lit, CV_EINVAL, line, col, msg)

static void check_cases(const struct err_case *cs, size_t n, enum cv__json_mode mode,
                        const struct cv__json_limits *lim) {
  for (size_t i = 0; i < n; i++) {
    struct cv_error err;
    struct cv__jval *v = (struct cv__jval *)&err; /* must stay untouched */
    cv_error_clear(&err);
    cv_status s = cv__json_parse(&arena, cs[i].in, cs[i].len, mode, lim, "t.json", &v, &err);
    if (s != cs[i].code || err.line != cs[i].line || err.column != cs[i].col ||
        strcmp(err.message, cs[i].msg) != 0)
      print_message("case %zu: got %s %u:%u \"%s\"\n", i, cv_status_name(s),
                    (unsigned)err.line, (unsigned)err.column, err.message);
    assert_int_equal(s, cs[i].code);
    assert_int_equal(err.code, cs[i].code);
    assert_string_equal(err.message, cs[i].msg);
    assert_int_equal(err.line, cs[i].line);
    assert_int_equal(err.column, cs[i].col);
    assert_string_equal(err.file, "t.json");
    assert_string_equal(err.field, "");
    assert_ptr_equal(v, (struct cv__jval *)&err);
  }
}

#define CHECK(cases, mode, lim) check_cases(cases, sizeof cases / sizeof cases[0], mode, lim)

static void test_input_errors(void **state) {
  (void)state;
  static const struct err_case cases[] = {
      E("{\"a\":1 \"b\":2}", 1, 8, "expected ',' or '}' after object member"),
      E("{\"id\":1,\"id\":2}", 1, 9, "duplicate key \"id\""),
      E("{\"a\":{\"x\":1},\n \"b\":2,\n \"a\":3}", 3, 2, "duplicate key \"a\""),
      E("1.5", 1, 1, "number 1.5 is not an integer: canvass accepts whole numbers only"),
      E("[1e5]", 1, 2, "number 1e5 is not an integer: canvass accepts whole numbers only"),
      E("-2.5E+3", 1, 1, "number -2.5E+3 is not an integer: canvass accepts whole numbers only"),
      E("9223372036854775808", 1, 1, "integer out of range"),
      E("-9223372036854775809", 1, 1, "integer out of range"),
      E("[0,99999999999999999999999]", 1, 4, "integer out of range"),
      E("\"\xff\"", 1, 2, "invalid UTF-8 byte 0xff"),
      E("\"abc", 1, 1, "unterminated string"),
      E("{\"a\":\"abc", 1, 6, "unterminated string"),
      E("\"abc\\", 1, 1, "unterminated string"),
      E("\"\\u12", 1, 1, "unterminated string"),
      E("\"\\q\"", 1, 2, "invalid escape \\q"),
      E("\"x\\" "\xc3\xa9\"", 1, 3, "invalid escape: backslash followed by byte 0xc3"),
      E("\"\\u12x4\"", 1, 2, "invalid escape \\u: expected four hex digits"),
      E("\"\\ud800\"", 1, 2, "lone surrogate \\ud800"),
      E("\"\\u0000\"", 1, 2, "\\u0000 is not allowed"),
      E("01", 1, 1, "leading zeros are not allowed"),
      E("[-007]", 1, 2, "leading zeros are not allowed"),
      E("1 2", 1, 3, "unexpected text after the JSON value"),
      E("{\"a\":1}\n\n  x", 3, 3, "unexpected text after the JSON value"),
      E("[1,", 1, 4, "unexpected end of input"),
      E("", 1, 1, "unexpected end of input"),
      E("  \n ", 2, 2, "unexpected end of input"),
      E("{\"a\"", 1, 5, "unexpected end of input"),
      E("tru", 1, 4, "unexpected end of input"),
      E("\xef\xbb\xbf{}", 1, 1, "byte order mark not allowed"),
      E("{\"a\" 1}", 1, 6, "expected ':' after object key"),
      E("{1:2}", 1, 2, "expected a string key or '}'"),
      E("{\"a\":1,}", 1, 8, "expected a string key after ','"),
      E("[1 2]", 1, 4, "expected ',' or ']' after array item"),
      E("[1,]", 1, 4, "expected a JSON value, found ']'"),
      E("[\n\n  1,\n  @]", 4, 3, "expected a JSON value, found '@'"),
      E("[\x01]", 1, 2, "expected a JSON value, found control character 0x01"),
      E("\xff", 1, 1, "invalid UTF-8 byte 0xff"),
      E("\xc3\xa9", 1, 1, "expected a JSON value, found \xc3\xa9"),
      E("[tru]", 1, 2, "invalid literal tru (expected true, false or null)"),
      E("nulls", 1, 1, "invalid literal nulls (expected true, false or null)"),
      E("True", 1, 1, "invalid literal True (expected true, false or null)"),
      E("-", 1, 2, "invalid number: expected a digit after '-'"),
      E("[-x]", 1, 3, "invalid number: expected a digit after '-'"),
      E("1.", 1, 3, "invalid number: expected a digit after '.'"),
      E("1e+", 1, 4, "invalid number: expected a digit in the exponent"),
      E("\"a\tb\"", 1, 3, "control character 0x09 in string must be escaped"),
      E("\"a\0b\"", 1, 3, "control character 0x00 in string must be escaped"),
      E("\"ab\ncd\"", 1, 4, "line break in string (missing closing quote?)"),
      E("\"a\\n\x01\"", 1, 5, "control character 0x01 in string must be escaped"),
      /* Columns count code points, not bytes: "ü" is one column. */
      E("{\n  \"\xc3\xa9\": 1,\n  \"\xc3\xbc\": 2 x}", 3, 10,
        "expected ',' or '}' after object member"),
      E("[\"\xe2\x82\xac\xf0\x9f\x98\x80\", \"\\z\"]", 1, 9, "invalid escape \\z"),
      /* Stray whitespace characters outside RFC 8259. */
      E("[1,\f2]", 1, 4, "expected a JSON value, found control character 0x0c"),
      E("\xc2\xa0" "1", 1, 1, "expected a JSON value, found \xc2\xa0"),
  };
  CHECK(cases, CV__JSON_INPUT, NULL);
}

static void test_canonical_errors(void **state) {
  (void)state;
  static const struct err_case cases[] = {
      E("{\"a\": 1}", 1, 6, "not canonical: whitespace"),
      E(" 1", 1, 1, "not canonical: whitespace"),
      E("1\n", 1, 2, "not canonical: whitespace"),
      E("[1,\t2]", 1, 4, "not canonical: whitespace"),
      E("{\"a\":1 }", 1, 7, "not canonical: whitespace"),
      E("{\"c\":1,\"b\":2}", 1, 8, "not canonical: keys out of order (\"b\" after \"c\")"),
      E("{\"ab\":1,\"a\":2}", 1, 9, "not canonical: keys out of order (\"a\" after \"ab\")"),
      E("{\"a\":1,\"a\":2}", 1, 8, "duplicate key \"a\""),
      E("{\"\xc3\xa9\":1,\"z\":2}", 1, 8, "not canonical: keys out of order (\"z\" after \"\xc3\xa9\")"),
      E("\"\\/\"", 1, 2, "not canonical: escape \\/ must be written as /"),
      E("\"\\u0041\"", 1, 2, "not canonical: escape \\u0041 must be written as A"),
      E("\"\\u00E9\"", 1, 2, "not canonical: escape \\u00E9 must be written as the character itself"),
      E("\"\\u00e9\"", 1, 2, "not canonical: escape \\u00e9 must be written as the character itself"),
      E("\"\\ud83d\\ude00\"", 1, 2,
        "not canonical: escape \\ud83d must be written as the character itself"),
      E("\"\\u000a\"", 1, 2, "not canonical: escape \\u000a must be written as \\n"),
      E("\"\\u0009\"", 1, 2, "not canonical: escape \\u0009 must be written as \\t"),
      E("\"\\u001F\"", 1, 2, "not canonical: escape \\u001F must use lowercase hex"),
      E("\"\\u0022\"", 1, 2, "not canonical: escape \\u0022 must be written as \\\""),
      E("\"\\u005c\"", 1, 2, "not canonical: escape \\u005c must be written as \\\\"),
      E("\"\xc3\xa9\\u0000\"", 1, 3, "\\u0000 is not allowed"),
      E("-0", 1, 1, "not canonical: -0 must be written as 0"),
      E("[1,-0]", 1, 4, "not canonical: -0 must be written as 0"),
      E("01", 1, 1, "leading zeros are not allowed"),
      E("1.0", 1, 1, "number 1.0 is not an integer: canvass accepts whole numbers only"),
      E("\xef\xbb\xbf{}", 1, 1, "byte order mark not allowed"),
      E("{\"a\":1}x", 1, 8, "unexpected text after the JSON value"),
      E("{\"a\":1", 1, 7, "unexpected end of input"),
      E("\"\\q\"", 1, 2, "invalid escape \\q"),
      E("\"\\ud800\"", 1, 2, "not canonical: escape \\ud800 must be written as the character itself"),
      E("\"\xed\xa0\x80\"", 1, 2, "invalid UTF-8: encoded surrogate"),
  };
  CHECK(cases, CV__JSON_CANONICAL, NULL);
}

static void test_utf8_edges(void **state) {
  (void)state;
  static const struct err_case cases[] = {
      E("\"\xc0\x80\"", 1, 2, "invalid UTF-8: overlong encoding"),
      E("\"\xc1\xbf\"", 1, 2, "invalid UTF-8: overlong encoding"),
      E("\"ab\xe0\x80\xaf\"", 1, 4, "invalid UTF-8: overlong encoding"),
      E("\"\xf0\x8f\xbf\xbf\"", 1, 2, "invalid UTF-8: overlong encoding"),
      E("\"\xf4\x90\x80\x80\"", 1, 2, "invalid UTF-8: code point above U+10FFFF"),
      E("\"\xf5\x80\x80\x80\"", 1, 2, "invalid UTF-8 byte 0xf5"),
      E("\"\xed\xa0\x80\"", 1, 2, "invalid UTF-8: encoded surrogate"),
      E("\"\x80\"", 1, 2, "invalid UTF-8 byte 0x80"),
      E("\"\xe2\x82\"", 1, 2, "invalid UTF-8: truncated sequence"),
      E("\"\xe2\x82", 1, 2, "invalid UTF-8: truncated sequence"),
      E("\"\xf0\x9f\x98", 1, 2, "invalid UTF-8: truncated sequence"),
      E("\"\xc3" "A\"", 1, 2, "invalid UTF-8: truncated sequence"),
      /* the same checks after an escape (the slow path) */
      E("\"\\n\xc0\x80\"", 1, 4, "invalid UTF-8: overlong encoding"),
      E("\"\\n\xf4\x90\x80\x80\"", 1, 4, "invalid UTF-8: code point above U+10FFFF"),
      E("\"\\n\xe2\x82\"", 1, 4, "invalid UTF-8: truncated sequence"),
      /* and in keys */
      E("{\"\xff\":1}", 1, 3, "invalid UTF-8 byte 0xff"),
  };
  CHECK(cases, CV__JSON_INPUT, NULL);
  CHECK(cases, CV__JSON_CANONICAL, NULL);

  /* The edges that are valid: U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF. */
  static const char ok[] = "\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"";
  for (int m = 0; m < 2; m++) {
    struct cv__jval *v = NULL;
    assert_int_equal(cv__json_parse(&arena, ok, sizeof ok - 1, (enum cv__json_mode)m, NULL,
                                    NULL, &v, NULL),
                     CV_OK);
    assert_int_equal(v->kind, CV__J_STR);
    assert_int_equal(v->u.str.len, 18);
    assert_memory_equal(v->u.str.s, ok + 1, 18);
  }
}

static void test_surrogates(void **state) {
  (void)state;
  struct cv__jval *v = NULL;
  static const char pair[] = "[\"\\ud83d\\ude00\",\"\\uD834\\uDD1E\",\"\\u00e9\\u20AC\\u002F\"]";
  assert_int_equal(cv__json_parse(&arena, pair, sizeof pair - 1, CV__JSON_INPUT, NULL, NULL,
                                  &v, NULL),
                   CV_OK);
  assert_int_equal(v->u.arr.n, 3);
  assert_string_equal(v->u.arr.items[0]->u.str.s, "\xf0\x9f\x98\x80");
  assert_int_equal(v->u.arr.items[0]->u.str.len, 4);
  assert_string_equal(v->u.arr.items[1]->u.str.s, "\xf0\x9d\x84\x9e");
  assert_string_equal(v->u.arr.items[2]->u.str.s, "\xc3\xa9\xe2\x82\xac/");

  static const struct err_case cases[] = {
      E("\"\\udc00\"", 1, 2, "lone surrogate \\udc00"),
      E("\"x\\uD800\"", 1, 3, "lone surrogate \\uD800"),
      E("\"\\ud800\\u0041\"", 1, 2, "lone surrogate \\ud800"),
      E("\"\\ud800\\ud800\"", 1, 2, "lone surrogate \\ud800"),
      E("\"\\ud800\\n\"", 1, 2, "lone surrogate \\ud800"),
      E("\"\\ud800\\udc0", 1, 2, "lone surrogate \\ud800"),
      E("\"\\ude00\\ud83d\"", 1, 2, "lone surrogate \\ude00"),
      E("\"\\udfff\"", 1, 2, "lone surrogate \\udfff"),
      E("\"\\udbff\\ue000\"", 1, 2, "lone surrogate \\udbff"),
  };
  CHECK(cases, CV__JSON_INPUT, NULL);
}

/* The string scanner and the column counter look at eight bytes at a time:
 * put each kind of special byte at every offset of a long string. */
static void test_word_scan(void **state) {
  (void)state;
  static const struct {
    char byte;
    uint32_t col_delta; /* error column minus the offset */
    const char *msg;
  } bad[] = {
      {'\x01', 2, "control character 0x01 in string must be escaped"},
      {'\x1f', 2, "control character 0x1f in string must be escaped"},
      {'\n', 2, "line break in string (missing closing quote?)"},
      {'\x80', 2, "invalid UTF-8 byte 0x80"},
      {'\xff', 2, "invalid UTF-8 byte 0xff"},
      {'\\', 2, "invalid escape \\a"},
      {'"', 3, "unexpected text after the JSON value"},
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    for (uint32_t off = 0; off < 24; off++) {
      char in[28];
      in[0] = '"';
      memset(in + 1, 'a', 25);
      in[26] = '"';
      in[27] = '\0';
      in[1 + off] = bad[k].byte;
      struct cv_error err;
      struct cv__jval *v = NULL;
      cv_error_clear(&err);
      assert_int_equal(cv__json_parse(&arena, in, 27, CV__JSON_INPUT, NULL, NULL, &v, &err),
                       CV_EINVAL);
      assert_string_equal(err.message, bad[k].msg);
      assert_int_equal(err.column, off + bad[k].col_delta);
    }
  }
  /* neighbours of the special bytes pass */
  static const char ok[] = "\"!#[]\x20\x7f~0123456789abcdef!#[]\x20\x7f~\"";
  struct cv__jval *v = NULL;
  assert_int_equal(cv__json_parse(&arena, ok, sizeof ok - 1, CV__JSON_CANONICAL, NULL, NULL, &v,
                                  NULL),
                   CV_OK);
  assert_int_equal(v->u.str.len, sizeof ok - 3);

  /* columns after runs of multi-byte characters longer than eight bytes */
  char in[200];
  size_t n = 0;
  in[n++] = '[';
  in[n++] = '"';
  for (int i = 0; i < 13; i++) {
    memcpy(in + n, "\xc3\xa9", 2);
    n += 2;
  }
  memcpy(in + n, "\xe2\x82\xac\xf0\x9f\x98\x80\",", 9);
  n += 9;
  memcpy(in + n, "x]", 2);
  n += 2;
  struct cv_error err;
  cv_error_clear(&err);
  assert_int_equal(cv__json_parse(&arena, in, n, CV__JSON_CANONICAL, NULL, NULL, &v, &err),
                   CV_EINVAL);
  assert_string_equal(err.message, "invalid literal x (expected true, false or null)");
  assert_int_equal(err.column, 20); /* [ " 13 x é € 😀 " , then x */
}

static void test_int_range(void **state) {
  (void)state;
  static const char in[] = "[9223372036854775807,-9223372036854775808,-0,0,-1,10]";
  struct cv__jval *v = NULL;
  assert_int_equal(cv__json_parse(&arena, in, sizeof in - 1, CV__JSON_INPUT, NULL, NULL, &v,
                                  NULL),
                   CV_OK);
  assert_int_equal(v->u.arr.n, 6);
  assert_true(v->u.arr.items[0]->u.i == INT64_MAX);
  assert_true(v->u.arr.items[1]->u.i == INT64_MIN);
  assert_true(v->u.arr.items[2]->u.i == 0);
  assert_true(v->u.arr.items[4]->u.i == -1);
  assert_true(v->u.arr.items[5]->u.i == 10);

  static const char canon[] = "[9223372036854775807,-9223372036854775808,0,-1,10]";
  assert_int_equal(cv__json_parse(&arena, canon, sizeof canon - 1, CV__JSON_CANONICAL, NULL,
                                  NULL, &v, NULL),
                   CV_OK);
  assert_true(v->u.arr.items[1]->u.i == INT64_MIN);

  struct cv__buf b;
  struct cv__jw w;
  cv__buf_init(&b, 0);
  cv__jw_init(&w, &b, 0);
  cv__jw_value(&w, v);
  assert_int_equal(cv__jw_finish(&w), CV_OK);
  assert_string_equal(b.data, canon);
  cv__buf_fini(&b);

  static const struct err_case cases[] = {
      E("18446744073709551616", 1, 1, "integer out of range"),
      E("-18446744073709551615", 1, 1, "integer out of range"),
      E("[12345678901234567890123.5]", 1, 2,
        "number 12345678901234567890123.5 is not an integer: canvass accepts whole numbers only"),
      E("1234567890123456789012345678901234567890123e1", 1, 1,
        "number 1234567890123456789012345678901234567890... is not an integer: canvass "
        "accepts whole numbers only"),
  };
  CHECK(cases, CV__JSON_INPUT, NULL);
}

static void test_values_and_positions(void **state) {
  (void)state;
  static const char in[] = "{\"name\": \"Zo\xc3\xab\",\n \"n\": [1, true, null],\n \"x\": -5, \"f\": false}";
  struct cv__jval *v = NULL;
  assert_int_equal(cv__json_parse(&arena, in, sizeof in - 1, CV__JSON_INPUT, NULL, NULL, &v,
                                  NULL),
                   CV_OK);
  assert_int_equal(v->kind, CV__J_OBJ);
  assert_int_equal(v->line, 1);
  assert_int_equal(v->column, 1);
  assert_int_equal(v->u.obj.n, 4);
  /* members keep input order */
  assert_string_equal(v->u.obj.members[0].key, "name");
  assert_int_equal(v->u.obj.members[0].key_len, 4);
  assert_int_equal(v->u.obj.members[0].line, 1);
  assert_int_equal(v->u.obj.members[0].column, 2);
  assert_string_equal(v->u.obj.members[1].key, "n");
  assert_int_equal(v->u.obj.members[1].line, 2);
  assert_int_equal(v->u.obj.members[1].column, 2);
  assert_string_equal(v->u.obj.members[3].key, "f");
  assert_int_equal(v->u.obj.members[3].column, 11);

  const struct cv__jval *name = cv__json_get(v, "name");
  assert_non_null(name);
  assert_int_equal(name->kind, CV__J_STR);
  assert_string_equal(name->u.str.s, "Zo\xc3\xab");
  assert_int_equal(name->u.str.len, 4);
  assert_int_equal(name->line, 1);
  assert_int_equal(name->column, 10);

  const struct cv__jval *n = cv__json_get(v, "n");
  assert_non_null(n);
  assert_int_equal(n->kind, CV__J_ARR);
  assert_int_equal(n->line, 2);
  assert_int_equal(n->column, 7);
  assert_int_equal(n->u.arr.n, 3);
  assert_int_equal(n->u.arr.items[0]->kind, CV__J_INT);
  assert_int_equal(n->u.arr.items[0]->column, 8);
  assert_int_equal(n->u.arr.items[1]->kind, CV__J_BOOL);
  assert_true(n->u.arr.items[1]->u.b);
  assert_int_equal(n->u.arr.items[1]->column, 11);
  assert_int_equal(n->u.arr.items[2]->kind, CV__J_NULL);
  assert_int_equal(n->u.arr.items[2]->column, 17);

  const struct cv__jval *x = cv__json_get(v, "x");
  assert_non_null(x);
  assert_true(x->u.i == -5);
  assert_int_equal(x->line, 3);
  assert_int_equal(x->column, 7);
  const struct cv__jval *f = cv__json_get(v, "f");
  assert_non_null(f);
  assert_int_equal(f->kind, CV__J_BOOL);
  assert_false(f->u.b);
  assert_int_equal(f->column, 16);

  assert_null(cv__json_get(v, "nam"));
  assert_null(cv__json_get(v, "names"));
  assert_null(cv__json_get(n, "n"));
  assert_null(cv__json_get(NULL, "n"));

  /* columns after multi-byte characters on the same line */
  static const char in2[] = "[\"\xc3\xa9\", \"\xf0\x9f\x98\x80\", 3]";
  assert_int_equal(cv__json_parse(&arena, in2, sizeof in2 - 1, CV__JSON_INPUT, NULL, NULL, &v,
                                  NULL),
                   CV_OK);
  assert_int_equal(v->u.arr.items[1]->column, 7);
  assert_int_equal(v->u.arr.items[2]->column, 12);

  /* empty containers, escapes and CRLF line ends */
  static const char in3[] = "{\r\n\"a\":[],\r\n\"b\":{},\"c\":\"q\\\"\\\\\\/\\b\\f\\n\\r\\t\"}";
  assert_int_equal(cv__json_parse(&arena, in3, sizeof in3 - 1, CV__JSON_INPUT, NULL, NULL, &v,
                                  NULL),
                   CV_OK);
  assert_int_equal(cv__json_get(v, "a")->u.arr.n, 0);
  assert_null(cv__json_get(v, "a")->u.arr.items);
  assert_int_equal(cv__json_get(v, "b")->u.obj.n, 0);
  assert_int_equal(cv__json_get(v, "b")->line, 3);
  assert_int_equal(cv__json_get(v, "b")->column, 5);
  assert_string_equal(cv__json_get(v, "c")->u.str.s, "q\"\\/\b\f\n\r\t");

  assert_string_equal(cv__json_kind_name(CV__J_NULL), "null");
  assert_string_equal(cv__json_kind_name(CV__J_BOOL), "a boolean");
  assert_string_equal(cv__json_kind_name(CV__J_INT), "an integer");
  assert_string_equal(cv__json_kind_name(CV__J_STR), "a string");
  assert_string_equal(cv__json_kind_name(CV__J_ARR), "an array");
  assert_string_equal(cv__json_kind_name(CV__J_OBJ), "an object");
}

static void test_canonical_accepts(void **state) {
  (void)state;
  static const char *const ok[] = {
      "{\"a\":1,\"b\":[true,null,\"x\\n\"]}",
      "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\x7f/\"",
      "{\"\":0,\"a\":-1,\"aa\":9223372036854775807,\"b\":-9223372036854775808}",
      "{\"B\":1,\"a\":2,\"\xc3\xa9\":3}",
      "[]",
      "{}",
      "[[],{},[[]],{\"a\":{}}]",
      "0",
      "false",
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    struct cv__jval *v = NULL;
    struct cv_error err;
    cv_error_clear(&err);
    cv_status s = cv__json_parse(&arena, ok[i], strlen(ok[i]), CV__JSON_CANONICAL, NULL, NULL,
                                 &v, &err);
    if (s != CV_OK) print_message("case %zu: %s\n", i, err.message);
    assert_int_equal(s, CV_OK);
    /* canonical bytes are a fixed point of the writer */
    struct cv__buf b;
    struct cv__jw w;
    cv__buf_init(&b, 0);
    cv__jw_init(&w, &b, 0);
    cv__jw_value(&w, v);
    assert_int_equal(cv__jw_finish(&w), CV_OK);
    assert_string_equal(b.data, ok[i]);
    cv__buf_fini(&b);
  }
}

static void write_tree(const struct cv__jval *v, int indent, struct cv__buf *b) {
  struct cv__jw w;
  cv__buf_init(b, 0);
  cv__jw_init(&w, b, indent);
  cv__jw_value(&w, v);
  assert_int_equal(cv__jw_finish(&w), CV_OK);
}

static const char RT_IN[] =
    "{ \"z\": [1, -2, {\"y\": null, \"x\": false}],\n"
    "  \"a\": \"h\\u00e9\\/\\\"\\\\\\u0001\\t\\u007f\",\n"
    "  \"m\": {}, \"e\": [], \"\xc3\xa9\": true, \"B\": 0 }";
static const char RT_CANON[] =
    "{\"B\":0,\"a\":\"h\xc3\xa9/\\\"\\\\\\u0001\\t\x7f\",\"e\":[],\"m\":{},"
    "\"z\":[1,-2,{\"x\":false,\"y\":null}],\"\xc3\xa9\":true}";

/* Canonical parsing cuts strings out of one copy of the text, and the
 * writer copies plain strings whole: both fast paths must agree with the
 * escaping ones at every length around the 8-byte scan, and the parsed tree
 * must not depend on the caller's buffer afterwards. */
static void test_string_fast_paths(void **state) {
  (void)state;
  for (size_t n = 0; n <= 20; n++) {
    for (int kind = 0; kind < 3; kind++) {
      /* kind 0: plain; 1: a quote at the end (escaped); 2: "e" with acute accent (2 bytes) at the end */
      char raw[40];
      size_t rn = 0;
      for (size_t i = 0; i < n; i++) raw[rn++] = (char)('a' + (char)(i % 26));
      if (kind == 1) raw[rn++] = '"';
      if (kind == 2) {
        raw[rn++] = (char)0xc3;
        raw[rn++] = (char)0xa9;
      }
      raw[rn] = '\0';
      /* The expected text, escaped by hand: only '"' needs it here. */
      char lit[48];
      size_t ln = 0;
      lit[ln++] = '"';
      for (size_t i = 0; i < rn; i++) {
        if (raw[i] == '"') lit[ln++] = '\\';
        lit[ln++] = raw[i];
      }
      lit[ln++] = '"';
      lit[ln] = '\0';
      char want[128];
      snprintf(want, sizeof want, "{%s:[%s,%s]}", lit, lit, lit);

      struct cv__buf b;
      cv__buf_init(&b, 0);
      struct cv__jw w;
      cv__jw_init(&w, &b, 0);
      cv__jw_obj(&w);
      cv__jw_key(&w, raw);
      cv__jw_arr(&w);
      cv__jw_str(&w, raw);
      cv__jw_strn(&w, raw, rn);
      cv__jw_arr_end(&w);
      cv__jw_obj_end(&w);
      assert_int_equal(w.status, CV_OK);
      assert_string_equal(b.data, want);

      char *text = strdup(want);
      size_t tn = strlen(text);
      struct cv__jval *v = NULL;
      assert_int_equal(cv__json_parse(&arena, text, tn, CV__JSON_CANONICAL, NULL, NULL, &v, NULL), CV_OK);
      memset(text, 'x', tn); /* the tree must own its strings */
      free(text);
      assert_int_equal(v->u.obj.n, 1);
      const struct cv__jmember *m0 = &v->u.obj.members[0];
      assert_int_equal(m0->key_len, rn);
      assert_memory_equal(m0->key, raw, rn + 1);
      assert_int_equal(m0->val->u.arr.n, 2);
      for (size_t k = 0; k < 2; k++) {
        assert_int_equal(m0->val->u.arr.items[k]->u.str.len, rn);
        assert_memory_equal(m0->val->u.arr.items[k]->u.str.s, raw, rn + 1);
      }
      cv__buf_fini(&b);
    }
  }
  /* A key that is not valid UTF-8 is misuse on both paths. */
  struct cv__buf b;
  cv__buf_init(&b, 0);
  struct cv__jw w;
  cv__jw_init(&w, &b, 0);
  cv__jw_obj(&w);
  cv__jw_key(&w, "ab\xff");
  assert_int_equal(w.status, CV_EINTERNAL);
  cv__buf_fini(&b);
}

static void test_roundtrip(void **state) {
  (void)state;
  struct cv__jval *v = NULL, *v2 = NULL;
  assert_int_equal(cv__json_parse(&arena, RT_IN, sizeof RT_IN - 1, CV__JSON_INPUT, NULL, NULL,
                                  &v, NULL),
                   CV_OK);
  struct cv__buf b1, b2;
  write_tree(v, 0, &b1);
  assert_string_equal(b1.data, RT_CANON);
  assert_int_equal(cv__json_parse(&arena, b1.data, b1.len, CV__JSON_CANONICAL, NULL, NULL, &v2,
                                  NULL),
                   CV_OK);
  write_tree(v2, 0, &b2);
  assert_int_equal(b1.len, b2.len);
  assert_memory_equal(b1.data, b2.data, b1.len);
  cv__buf_fini(&b1);
  cv__buf_fini(&b2);
}

static void test_pretty(void **state) {
  (void)state;
  struct cv__jval *v = NULL;
  assert_int_equal(cv__json_parse(&arena, RT_IN, sizeof RT_IN - 1, CV__JSON_INPUT, NULL, NULL,
                                  &v, NULL),
                   CV_OK);
  struct cv__buf b;
  write_tree(v, 2, &b);
  assert_string_equal(b.data,
                      "{\n"
                      "  \"B\": 0,\n"
                      "  \"a\": \"h\xc3\xa9/\\\"\\\\\\u0001\\t\x7f\",\n"
                      "  \"e\": [],\n"
                      "  \"m\": {},\n"
                      "  \"z\": [\n"
                      "    1,\n"
                      "    -2,\n"
                      "    {\n"
                      "      \"x\": false,\n"
                      "      \"y\": null\n"
                      "    }\n"
                      "  ],\n"
                      "  \"\xc3\xa9\": true\n"
                      "}");
  /* pretty output is input JSON that reads back to the same canonical bytes */
  struct cv__jval *v2 = NULL;
  assert_int_equal(cv__json_parse(&arena, b.data, b.len, CV__JSON_INPUT, NULL, NULL, &v2, NULL),
                   CV_OK);
  cv__buf_fini(&b);
  write_tree(v2, 0, &b);
  assert_string_equal(b.data, RT_CANON);
  cv__buf_fini(&b);

  /* indent 4, scalars and empty containers at the top */
  static const char *const tops[][2] = {
      {"5", "5"}, {"{}", "{}"}, {"[]", "[]"}, {"[[]]", "[\n    []\n]"},
      {"{\"k\":[{}]}", "{\n    \"k\": [\n        {}\n    ]\n}"},
  };
  for (size_t i = 0; i < sizeof tops / sizeof tops[0]; i++) {
    assert_int_equal(cv__json_parse(&arena, tops[i][0], strlen(tops[i][0]), CV__JSON_INPUT,
                                    NULL, NULL, &v, NULL),
                     CV_OK);
    write_tree(v, 4, &b);
    assert_string_equal(b.data, tops[i][1]);
    cv__buf_fini(&b);
  }

  /* deep pretty output needs more spaces than one chunk */
  struct cv__jw w;
  cv__buf_init(&b, 0);
  cv__jw_init(&w, &b, 10);
  cv__jw_arr(&w);
  cv__jw_arr(&w);
  cv__jw_arr(&w);
  cv__jw_arr(&w);
  cv__jw_int(&w, 1);
  cv__jw_arr_end(&w);
  cv__jw_arr_end(&w);
  cv__jw_arr_end(&w);
  cv__jw_arr_end(&w);
  assert_int_equal(cv__jw_finish(&w), CV_OK);
  char expect[400];
  snprintf(expect, sizeof expect, "[\n%10s[\n%20s[\n%30s[\n%40s1\n%30s]\n%20s]\n%10s]\n]", "",
           "", "", "", "", "", "");
  assert_string_equal(b.data, expect);
  cv__buf_fini(&b);
}

static void test_writer_calls(void **state) {
  (void)state;
  struct cv__buf b;
  struct cv__jw w;
  cv__buf_init(&b, 0);
  cv__jw_init(&w, &b, 0);
  cv__jw_obj(&w);
  cv__jw_key(&w, "b");
  cv__jw_arr(&w);
  cv__jw_int(&w, 1);
  cv__jw_uint(&w, 2);
  cv__jw_bool(&w, true);
  cv__jw_bool(&w, false);
  cv__jw_null(&w);
  cv__jw_str(&w, "q\"");
  cv__jw_strn(&w, "abc", 2);
  cv__jw_int(&w, INT64_MIN);
  cv__jw_uint(&w, (uint64_t)INT64_MAX);
  cv__jw_arr_end(&w);
  cv__jw_key(&w, "c");
  cv__jw_obj(&w);
  cv__jw_obj_end(&w);
  cv__jw_key(&w, "d");
  cv__jw_str(&w, "");
  cv__jw_obj_end(&w);
  assert_int_equal(cv__jw_finish(&w), CV_OK);
  assert_string_equal(b.data, "{\"b\":[1,2,true,false,null,\"q\\\"\",\"ab\","
                              "-9223372036854775808,9223372036854775807],\"c\":{},\"d\":\"\"}");

  cv__buf_reset(&b);
  cv__json_escape(&b, "\x01\x1f\x7f\b\f\n\r\t\"\\/\xc3\xa9" "a\0b", 16);
  assert_string_equal(b.data,
                      "\"\\u0001\\u001f\x7f\\b\\f\\n\\r\\t\\\"\\\\/\xc3\xa9" "a\\u0000b\"");
  cv__buf_reset(&b);
  cv__json_escape(&b, "", 0);
  assert_string_equal(b.data, "\"\"");
  cv__buf_fini(&b);
}

/* Runs one misuse sequence and checks the status and the output so far. */
static void misuse_case(int which) {
  struct cv__buf b;
  struct cv__jw w;
  cv__buf_init(&b, 0);
  cv__jw_init(&w, &b, which % 2);
  const char *want = NULL;
  cv_status code = CV_EINTERNAL;
  switch (which / 2) {
  case 0: /* value without key in an empty object */
    cv__jw_obj(&w);
    cv__jw_int(&w, 1);
    want = "{";
    break;
  case 1: /* value without key after a member */
    cv__jw_obj(&w);
    cv__jw_key(&w, "a");
    cv__jw_int(&w, 1);
    cv__jw_int(&w, 2);
    want = which % 2 ? "{\n \"a\": 1" : "{\"a\":1";
    break;
  case 2: /* key in an array (after an item) */
    cv__jw_arr(&w);
    cv__jw_int(&w, 1);
    cv__jw_key(&w, "a");
    want = which % 2 ? "[\n 1" : "[1";
    break;
  case 3: /* key at the top */
    cv__jw_key(&w, "a");
    want = "";
    break;
  case 4: /* wrong end */
    cv__jw_obj(&w);
    cv__jw_arr_end(&w);
    want = "{";
    break;
  case 5:
    cv__jw_arr(&w);
    cv__jw_arr(&w);
    cv__jw_arr_end(&w);
    cv__jw_obj_end(&w);
    want = which % 2 ? "[\n []" : "[[]";
    break;
  case 6: /* end at the top */
    cv__jw_obj_end(&w);
    want = "";
    break;
  case 7: /* key without value */
    cv__jw_obj(&w);
    cv__jw_key(&w, "a");
    cv__jw_obj_end(&w);
    want = which % 2 ? "{\n \"a\": " : "{\"a\":";
    break;
  case 8: /* two keys */
    cv__jw_obj(&w);
    cv__jw_key(&w, "a");
    cv__jw_key(&w, "b");
    want = which % 2 ? "{\n \"a\": " : "{\"a\":";
    break;
  case 9: /* unbalanced at finish */
    cv__jw_arr(&w);
    cv__jw_obj(&w);
    want = which % 2 ? "[\n {" : "[{";
    break;
  case 10: /* too deep */
    for (int i = 0; i < 65; i++) cv__jw_arr(&w);
    for (int i = 0; i < 65; i++) cv__jw_arr_end(&w);
    break;
  case 11: /* strings that could not be read back */
    cv__jw_arr(&w);
    cv__jw_str(&w, "ok");
    cv__jw_str(&w, "\xff");
    want = which % 2 ? "[\n \"ok\"" : "[\"ok\"";
    break;
  case 12:
    cv__jw_strn(&w, "a\0b", 3);
    want = "";
    break;
  case 13:
    cv__jw_obj(&w);
    cv__jw_key(&w, "\xc0\x80");
    want = "{";
    break;
  case 14:
    cv__jw_value(&w, NULL);
    want = "";
    break;
  case 15:
    cv__jw_str(&w, NULL);
    want = "";
    break;
  case 16: /* integers the reader could not take back */
    cv__jw_uint(&w, (uint64_t)INT64_MAX + 1u);
    code = CV_ELIMIT;
    want = "";
    break;
  case 17: /* an array end inside an object, after a nested value */
    cv__jw_obj(&w);
    cv__jw_key(&w, "a");
    cv__jw_obj(&w);
    cv__jw_obj_end(&w);
    cv__jw_arr_end(&w);
    want = which % 2 ? "{\n \"a\": {}" : "{\"a\":{}";
    break;
  default:
    fail();
  }
  /* the first failure sticks; later calls change nothing */
  size_t len = b.len;
  cv__jw_int(&w, 1);
  cv__jw_obj_end(&w);
  cv__jw_arr_end(&w);
  assert_int_equal(b.len, len);
  assert_int_equal(cv__jw_finish(&w), code);
  if (want) assert_string_equal(b.len ? b.data : "", want);
  cv__buf_fini(&b);
}

static void test_jw_misuse(void **state) {
  (void)state;
  for (int i = 0; i < 36; i++) misuse_case(i);

  /* exactly CV__JW_MAX_DEPTH levels are fine */
  struct cv__buf b;
  struct cv__jw w;
  cv__buf_init(&b, 0);
  cv__jw_init(&w, &b, 0);
  for (int i = 0; i < 64; i++) cv__jw_arr(&w);
  for (int i = 0; i < 64; i++) cv__jw_arr_end(&w);
  assert_int_equal(cv__jw_finish(&w), CV_OK);
  assert_int_equal(b.len, 128);
  cv__buf_fini(&b);

  /* a tree deeper than the writer allows (the reader was told to allow it) */
  char deep[200];
  memset(deep, '[', 70);
  memset(deep + 70, ']', 70);
  struct cv__json_limits lim = {100, 0, 0};
  struct cv__jval *v = NULL;
  assert_int_equal(cv__json_parse(&arena, deep, 140, CV__JSON_INPUT, &lim, NULL, &v, NULL), CV_OK);
  cv__buf_init(&b, 0);
  cv__jw_init(&w, &b, 0);
  cv__jw_value(&w, v);
  assert_int_equal(cv__jw_finish(&w), CV_EINTERNAL);
  cv__buf_fini(&b);
}

static void test_writer_buffer_cap(void **state) {
  (void)state;
  struct cv__buf b;
  struct cv__jw w;
  cv__buf_init(&b, 9);
  cv__jw_init(&w, &b, 0);
  cv__jw_obj(&w);
  cv__jw_key(&w, "abc");
  cv__jw_int(&w, 12);
  cv__jw_key(&w, "d"); /* would pass the cap of 9 bytes */
  cv__jw_int(&w, 1);
  cv__jw_obj_end(&w);
  assert_int_equal(cv__jw_finish(&w), CV_ELIMIT);
  assert_string_equal(b.data, "{\"abc\":12");
  cv__buf_fini(&b);

  /* an indent that cannot fit stops at the cap */
  cv__buf_init(&b, 1000);
  cv__jw_init(&w, &b, 1 << 30);
  cv__jw_arr(&w);
  cv__jw_arr(&w);
  assert_int_equal(cv__jw_finish(&w), CV_ELIMIT);
  assert_string_equal(b.data, "[");
  cv__buf_fini(&b);

  /* a buffer that failed before the writer started */
  cv__buf_init(&b, 4);
  cv__buf_adds(&b, "12345");
  cv__jw_init(&w, &b, 2);
  cv__jw_null(&w);
  assert_int_equal(cv__jw_finish(&w), CV_ELIMIT);
  cv__buf_fini(&b);
}

static void test_limits(void **state) {
  (void)state;
  char deep[140];
  memset(deep, '[', 65);
  memset(deep + 65, ']', 65);
  struct cv__jval *v = NULL;
  /* 64 levels pass with the default limit */
  assert_int_equal(cv__json_parse(&arena, deep + 1, 128, CV__JSON_CANONICAL, NULL, NULL, &v,
                                  NULL),
                   CV_OK);
  struct err_case deep_case[] = {
      {deep, 130, CV_ELIMIT, 1, 65, "nesting deeper than 64"},
  };
  CHECK(deep_case, CV__JSON_INPUT, NULL);

  static const struct json_limits_case {
    struct cv__json_limits lim;
    struct err_case c;
  } cases[] = {
      {{2, 0, 0}, EC("[{\"a\":[]}]", CV_ELIMIT, 1, 7, "nesting deeper than 2")},
      {{0, 3, 0}, EC("\"abcd\"", CV_ELIMIT, 1, 1, "string longer than 3 bytes")},
      {{0, 3, 0}, EC("[\"ab\\nc\"]", CV_ELIMIT, 1, 2, "string longer than 3 bytes")},
      {{0, 3, 0}, EC("[\"\\u00e9\\u00e9\"]", CV_ELIMIT, 1, 2, "string longer than 3 bytes")},
      {{0, 3, 0}, EC("{\"abcd\":1}", CV_ELIMIT, 1, 2, "string longer than 3 bytes")},
      {{0, 0, 3}, EC("[1,2,3]", CV_ELIMIT, 1, 6, "more than 3 values in the document")},
      {{0, 0, 2}, EC("{\"a\":{\"b\":{}}}", CV_ELIMIT, 1, 11, "more than 2 values in the document")},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    check_cases(&cases[i].c, 1, CV__JSON_INPUT, &cases[i].lim);

  /* right at each limit */
  struct cv__json_limits lim = {2, 3, 3};
  static const char *const at_limit[] = {"[[\"abc\"]]", "[\"ab\\n\"]", "[1,2]", "\"\\u00e9a\""};
  for (size_t i = 0; i < sizeof at_limit / sizeof at_limit[0]; i++)
    assert_int_equal(cv__json_parse(&arena, at_limit[i], strlen(at_limit[i]), CV__JSON_INPUT,
                                    &lim, NULL, &v, NULL),
                     CV_OK);

  /* an arena cap is reported as a limit */
  struct cv__arena small;
  cv__arena_init(&small, 1000);
  struct cv_error err;
  cv_error_clear(&err);
  assert_int_equal(cv__json_parse(&small, "[1]", 3, CV__JSON_INPUT, NULL, NULL, &v, &err),
                   CV_ELIMIT);
  assert_string_equal(err.message, "the document exceeds the memory cap");
  cv__arena_fini(&small);

  /* deep nesting allowed by the caller does not use the C stack */
  size_t n = 200000;
  char *big = malloc(2 * n);
  assert_non_null(big);
  memset(big, '[', n);
  memset(big + n, ']', n);
  struct cv__json_limits unlimited = {SIZE_MAX, 0, 0};
  assert_int_equal(cv__json_parse(&arena, big, 2 * n, CV__JSON_CANONICAL, &unlimited, NULL, &v,
                                  NULL),
                   CV_OK);
  free(big);
}

static void test_large_objects(void **state) {
  (void)state;
  /* 100 distinct keys, then "k50" again: found through the hash table */
  struct cv__buf b;
  cv__buf_init(&b, 0);
  cv__buf_addc(&b, '{');
  for (int i = 0; i < 100; i++) cv__buf_printf(&b, "%s\"k%d\":%d", i ? "," : "", i, i);
  size_t ok_len = b.len;
  cv__buf_adds(&b, ",\"k50\":0}");
  struct cv__jval *v = NULL;
  struct cv_error err;
  cv_error_clear(&err);
  assert_int_equal(cv__json_parse(&arena, b.data, b.len, CV__JSON_INPUT, NULL, NULL, &v, &err),
                   CV_EINVAL);
  assert_string_equal(err.message, "duplicate key \"k50\"");
  assert_int_equal(err.column, ok_len + 2);
  /* without the duplicate it parses, members in input order */
  b.data[ok_len] = '}';
  assert_int_equal(cv__json_parse(&arena, b.data, ok_len + 1, CV__JSON_INPUT, NULL, NULL, &v,
                                  NULL),
                   CV_OK);
  assert_int_equal(v->u.obj.n, 100);
  assert_string_equal(v->u.obj.members[99].key, "k99");
  assert_true(cv__json_get(v, "k77")->u.i == 77);

  /* the same keys in sibling and nested objects are no duplicates */
  cv__buf_reset(&b);
  cv__buf_addc(&b, '[');
  for (int o = 0; o < 3; o++) {
    cv__buf_adds(&b, o ? ",{" : "{");
    for (int i = 0; i < 40; i++) cv__buf_printf(&b, "%s\"k%d\":%d", i ? "," : "", i, i);
    cv__buf_adds(&b, ",\"in\":{");
    for (int i = 0; i < 40; i++) cv__buf_printf(&b, "%s\"k%d\":%d", i ? "," : "", i, i);
    cv__buf_adds(&b, "}}");
  }
  cv__buf_addc(&b, ']');
  assert_int_equal(cv__json_parse(&arena, b.data, b.len, CV__JSON_INPUT, NULL, NULL, &v, NULL),
                   CV_OK);
  assert_int_equal(v->u.arr.n, 3);
  assert_int_equal(v->u.arr.items[2]->u.obj.n, 41);
  assert_int_equal(cv__json_get(v->u.arr.items[2], "in")->u.obj.n, 40);

  /* big objects are written sorted */
  struct cv__buf out;
  write_tree(cv__json_get(v->u.arr.items[0], "in"), 0, &out);
  assert_memory_equal(out.data, "{\"k0\":0,\"k1\":1,\"k10\":10,\"k11\":11,", 33);
  cv__buf_fini(&out);
  cv__buf_fini(&b);
}

static void test_errors_record(void **state) {
  (void)state;
  struct cv_error err;
  struct cv__jval *v = NULL;
  cv_error_clear(&err);
  /* first error wins */
  assert_int_equal(cv__json_parse(&arena, "[1,", 3, CV__JSON_INPUT, NULL, "a.json", &v, &err),
                   CV_EINVAL);
  assert_int_equal(cv__json_parse(&arena, "x", 1, CV__JSON_INPUT, NULL, "b.json", &v, &err),
                   CV_EINVAL);
  assert_string_equal(err.file, "a.json");
  assert_string_equal(err.message, "unexpected end of input");
  char line[1024];
  assert_string_equal(cv_error_format(&err, line, sizeof line),
                      "a.json:1:4: unexpected end of input");
  /* no error record, no file, and a NULL empty input */
  assert_int_equal(cv__json_parse(&arena, "{", 1, CV__JSON_INPUT, NULL, NULL, &v, NULL),
                   CV_EINVAL);
  assert_int_equal(cv__json_parse(&arena, NULL, 0, CV__JSON_CANONICAL, NULL, NULL, &v, NULL),
                   CV_EINVAL);
  /* long keys are shortened in messages */
  cv_error_clear(&err);
  char longkey[200], fifty[51];
  memset(fifty, 'a', 50);
  fifty[50] = '\0';
  snprintf(longkey, sizeof longkey, "{\"%s\":1,\"%s\":2}", fifty, fifty);
  assert_int_equal(cv__json_parse(&arena, longkey, strlen(longkey), CV__JSON_INPUT, NULL, NULL,
                                  &v, &err),
                   CV_EINVAL);
  assert_string_equal(err.message,
                      "duplicate key \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"...");
  assert_int_equal(err.column, 57);
  cv_error_clear(&err);
  static const char ctlkey[] = "{\"\\u0001\\\"\":1,\"\\u0001\\\"\":2}";
  assert_int_equal(cv__json_parse(&arena, ctlkey, sizeof ctlkey - 1, CV__JSON_INPUT, NULL,
                                  NULL, &v, &err),
                   CV_EINVAL);
  assert_string_equal(err.message, "duplicate key \"\\u0001\\\"\"");
}

/* ---- out of memory ---- */

static long alloc_left = -1; /* allocations until failure; -1 never fails */

static void *oom_malloc(size_t n, void *ud) {
  (void)ud;
  if (alloc_left == 0) return NULL;
  if (alloc_left > 0) alloc_left--;
  return malloc(n);
}

static void *oom_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  if (alloc_left == 0) return NULL;
  if (alloc_left > 0) alloc_left--;
  return realloc(p, n);
}

static void oom_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

static void test_out_of_memory(void **state) {
  (void)state;
  /* a document that needs every kind of growth: > 16 levels, > 64 items,
   * > 32 members (hashed), a long escaped string, a big arena */
  struct cv__buf doc;
  cv__buf_init(&doc, 0);
  for (int i = 0; i < 20; i++) cv__buf_adds(&doc, "[");
  cv__buf_adds(&doc, "{");
  for (int i = 0; i < 40; i++) cv__buf_printf(&doc, "\"k%02d\":[%d,2,3],", i, i);
  cv__buf_adds(&doc, "\"s\":\"");
  for (int i = 0; i < 100; i++) cv__buf_adds(&doc, "ab\\n");
  cv__buf_adds(&doc, "\",\"t\":[");
  for (int i = 0; i < 100; i++) cv__buf_printf(&doc, "%s%d", i ? "," : "", i);
  cv__buf_adds(&doc, "]}");
  for (int i = 0; i < 20; i++) cv__buf_adds(&doc, "]");
  assert_int_equal(doc.status, CV_OK);

  struct cv_allocator hook = {oom_malloc, oom_realloc, oom_free, NULL};
  cv_set_allocator(&hook);
  int failures = 0;
  for (long n = 0;; n++) {
    struct cv__arena a;
    cv__arena_init(&a, 0);
    struct cv_error err;
    cv_error_clear(&err);
    struct cv__jval *v = NULL;
    alloc_left = n;
    cv_status s = cv__json_parse(&a, doc.data, doc.len, CV__JSON_INPUT, NULL, NULL, &v, &err);
    cv_status ws = CV_OK;
    if (s == CV_OK) {
      struct cv__buf out;
      struct cv__jw w;
      cv__buf_init(&out, 0);
      cv__jw_init(&w, &out, 1);
      cv__jw_value(&w, v);
      ws = cv__jw_finish(&w);
      cv__buf_fini(&out);
    }
    alloc_left = -1;
    cv__arena_fini(&a);
    if (s == CV_OK && ws == CV_OK) break;
    if (s != CV_OK) {
      assert_int_equal(s, CV_ENOMEM);
      assert_string_equal(err.message, "out of memory");
      assert_null(v);
    } else {
      assert_int_equal(ws, CV_ENOMEM);
    }
    failures++;
    assert_true(n < 1000);
  }
  cv_set_allocator(NULL);
  assert_true(failures >= 6);
  cv__buf_fini(&doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_input_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_canonical_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_utf8_edges, setup, teardown),
      cmocka_unit_test_setup_teardown(test_surrogates, setup, teardown),
      cmocka_unit_test_setup_teardown(test_word_scan, setup, teardown),
      cmocka_unit_test_setup_teardown(test_int_range, setup, teardown),
      cmocka_unit_test_setup_teardown(test_values_and_positions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_canonical_accepts, setup, teardown),
      cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_string_fast_paths, setup, teardown),
      cmocka_unit_test_setup_teardown(test_pretty, setup, teardown),
      cmocka_unit_test_setup_teardown(test_writer_calls, setup, teardown),
      cmocka_unit_test_setup_teardown(test_jw_misuse, setup, teardown),
      cmocka_unit_test_setup_teardown(test_writer_buffer_cap, setup, teardown),
      cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
      cmocka_unit_test_setup_teardown(test_large_objects, setup, teardown),
      cmocka_unit_test_setup_teardown(test_errors_record, setup, teardown),
      cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
