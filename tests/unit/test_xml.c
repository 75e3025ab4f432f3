/* Unit tests for util/xml: the event stream of small documents written out
 * by hand (with positions), references, CDATA, comments, DOCTYPE, line ends,
 * every kind of malformed input with its position, the caps, and that a
 * tiny window (forcing refills inside every token) gives the same events. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xml.h"

/* Renders every event of data as one line each: "S name a=v ... @l:c",
 * "E name @l:c", "T [text] @l:c"; returns the status of the last call. */
static cv_status render(const char *data, size_t buffer, char *out, size_t cap,
                        struct cv_error *err) {
  struct cv__xml x;
  struct cv__xml_limits lim = {0, 0, 0, buffer};
  cv__xml_init_mem(&x, data, strlen(data), "t.xml", &lim);
  size_t o = 0;
  out[0] = '\0';
  cv_status st;
  while ((st = cv__xml_next(&x, err)) == CV_OK && x.event != CV__XML_EOF) {
    int k = 0;
    if (x.event == CV__XML_START) {
      k = snprintf(out + o, cap - o, "S %s", x.name);
      for (size_t i = 0; i < x.n_attrs && k > 0; i++)
        k += snprintf(out + o + (size_t)k, cap - o - (size_t)k, " %s=%s", x.attrs[i].name,
                      x.attrs[i].value);
    } else if (x.event == CV__XML_END) {
      k = snprintf(out + o, cap - o, "E %s", x.name);
    } else {
      k = snprintf(out + o, cap - o, "T [%s]", x.text);
      assert_int_equal(strlen(x.text), x.text_len);
    }
    o += (size_t)k;
    o += (size_t)snprintf(out + o, cap - o, " @%u:%u\n", x.line, x.column);
  }
  cv__xml_fini(&x);
  return st;
}

static void expect_events(const char *doc, const char *want) {
  char got[4096], got_small[4096];
  struct cv_error err = {0};
  assert_int_equal(render(doc, 0, got, sizeof got, &err), CV_OK);
  if (strcmp(got, want) != 0) print_error("got:\n%s\nwant:\n%s\n", got, want);
  assert_string_equal(got, want);
  /* The same with a 16-byte window: every token crosses refills. */
  assert_int_equal(render(doc, 16, got_small, sizeof got_small, &err), CV_OK);
  assert_string_equal(got_small, want);
}

static void expect_error(const char *doc, cv_status code, uint32_t line, uint32_t col,
                         const char *part) {
  char got[4096];
  for (size_t buffer = 0; buffer <= 16; buffer += 16) {
    struct cv_error err = {0};
    cv_status st = render(doc, buffer, got, sizeof got, &err);
    if (st != code || err.line != line || err.column != col || !strstr(err.message, part))
      print_error("got %d at %u:%u: %s\n", (int)st, err.line, err.column, err.message);
    assert_int_equal(st, code);
    assert_string_equal(err.file, "t.xml");
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, col);
    assert_non_null(strstr(err.message, part));
  }
}

static void test_basic(void **state) {
  (void)state;
  expect_events("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<a x=\"1\" y='two'>\n"
                "  <b/>text<c:d>é</c:d>\n"
                "</a>\n",
                "S a x=1 y=two @2:1\n"
                "T [\n  ] @2:18\n"
                "S b @3:3\n"
                "E b @3:3\n"
                "T [text] @3:7\n"
                "S c:d @3:11\n"
                "T [é] @3:16\n"
                "E c:d @3:17\n"
                "T [\n] @3:23\n"
                "E a @4:1\n");
}

static void test_references(void **state) {
  (void)state;
  expect_events("<r a=\"&lt;&amp;&gt;&quot;&apos;\">&#65;&#x42;&#x20AC;&#128512; &amp;c</r>",
                "S r a=<&>\"' @1:1\n"
                "T [AB€😀 &c] @1:34\n"
                "E r @1:69\n");
  expect_error("<r>&nbsp;</r>", CV_EINVAL, 1, 4, "bad reference");
  expect_error("<r>&#0;</r>", CV_EINVAL, 1, 4, "bad reference");
  expect_error("<r>&#xD800;</r>", CV_EINVAL, 1, 4, "bad reference");
  expect_error("<r>a & b</r>", CV_EINVAL, 1, 6, "bad reference");
  expect_error("<r a='&lt'/>", CV_EINVAL, 1, 7, "bad reference");
}

static void test_cdata_comments_pi(void **state) {
  (void)state;
  expect_events("<!-- before -->\n<?pi stuff?><r><![CDATA[<not> &a tag]]><!-- x --><?p q?>z</r>",
                "S r @2:13\n"
                "T [<not> &a tag] @2:16\n"
                "T [z] @2:57\n"
                "E r @2:58\n");
  expect_error("<r><![CDATA[open</r>", CV_EINVAL, 1, 21, "inside a CDATA section");
  expect_error("<r><!-- open</r>", CV_EINVAL, 1, 17, "inside a comment");
  expect_error("<r/><?xml version='1.0'?>", CV_EINVAL, 1, 5, "must come first");
  expect_error("<?xml version='1.0' encoding='ISO-8859-1'?><r/>", CV_EINVAL, 1, 6,
               "encoding \"iso-8859-1\" is not supported");
}

static void test_doctype_skipped(void **state) {
  (void)state;
  /* The DOCTYPE is skipped whole; its entity is never defined for us. */
  expect_events("<!DOCTYPE r [ <!ENTITY e \"boom]>\"> ]>\n<r>x</r>",
                "S r @2:1\n"
                "T [x] @2:4\n"
                "E r @2:5\n");
  expect_error("<!DOCTYPE r [<!ENTITY e 'x'>]><r>&e;</r>", CV_EINVAL, 1, 34, "bad reference");
  expect_error("<r/><!DOCTYPE r>", CV_EINVAL, 1, 5, "DOCTYPE must come once");
}

static void test_line_ends_and_bom(void **state) {
  (void)state;
  expect_events("\xEF\xBB\xBF<r a=\"x\ty\r\nz\">1\r\n2\r3</r>",
                "S r a=x y z @1:1\n"
                "T [1\n2\n3] @2:4\n"
                "E r @3:4\n");
}

static void test_malformed(void **state) {
  (void)state;
  expect_error("", CV_EINVAL, 1, 1, "no root element");
  expect_error("   \n  ", CV_EINVAL, 2, 3, "no root element");
  expect_error("<a><b></a>", CV_EINVAL, 1, 7, "expected </b>, found </a>");
  expect_error("<a></a></b>", CV_EINVAL, 1, 8, "with no open element");
  expect_error("<a>", CV_EINVAL, 1, 4, "ends before </a>");
  expect_error("<a/><b/>", CV_EINVAL, 1, 5, "a second root element");
  expect_error("<a/>x", CV_EINVAL, 1, 5, "text outside the root element");
  expect_error("<a x='1' x='2'/>", CV_EINVAL, 1, 10, "attribute \"x\" appears twice");
  expect_error("<a x='1'y='2'/>", CV_EINVAL, 1, 9, "expected white space");
  expect_error("<a x=1/>", CV_EINVAL, 1, 6, "expected a quoted attribute value");
  expect_error("<a x='<'/>", CV_EINVAL, 1, 7, "'<' is not allowed");
  expect_error("<a>\x01</a>", CV_EINVAL, 1, 4, "control character 0x01");
  expect_error("<a>\xC3\x28</a>", CV_EINVAL, 1, 4, "invalid UTF-8");
  expect_error("<a>\xED\xA0\x80</a>", CV_EINVAL, 1, 4, "overlong or surrogate");
  expect_error("<a>\xC0\xAF</a>", CV_EINVAL, 1, 4, "invalid UTF-8 byte 0xC0");
  expect_error("\xFF\xFE<\0a\0/\0>\0", CV_EINVAL, 1, 1, "UTF-16");
  expect_error("<1a/>", CV_EINVAL, 1, 2, "expected a name after '<'");
  expect_error("<a></ a>", CV_EINVAL, 1, 6, "expected an element name after '</'");
  expect_error("<a><!x></a>", CV_EINVAL, 1, 4, "after '<!'");
  expect_error("<a\n  b='1'\n  c", CV_EINVAL, 3, 4, "expected '='");
}

static void test_limits(void **state) {
  (void)state;
  struct cv__xml x;
  struct cv_error err = {0};
  struct cv__xml_limits depth = {2, 0, 0, 0};
  cv__xml_init_mem(&x, "<a><b><c/></b></a>", 18, "t.xml", &depth);
  cv_status st;
  while ((st = cv__xml_next(&x, &err)) == CV_OK && x.event != CV__XML_EOF) {
  }
  assert_int_equal(st, CV_ELIMIT);
  assert_int_equal(err.column, 7);
  assert_int_equal(cv__xml_next(&x, &err), CV_ELIMIT); /* sticky */
  cv__xml_fini(&x);

  struct cv__xml_limits attrs = {0, 2, 0, 0};
  memset(&err, 0, sizeof err);
  cv__xml_init_mem(&x, "<a p='1' q='2' r='3'/>", 22, "t.xml", &attrs);
  assert_int_equal(cv__xml_next(&x, &err), CV_ELIMIT);
  assert_non_null(strstr(err.message, "more than 2 attributes"));
  cv__xml_fini(&x);

  struct cv__xml_limits token = {0, 0, 32, 16};
  static const char long_text[] = "<a>0123456789012345678901234567890123456789</a>";
  memset(&err, 0, sizeof err);
  cv__xml_init_mem(&x, long_text, strlen(long_text), "t.xml", &token);
  assert_int_equal(cv__xml_next(&x, &err), CV_OK);
  assert_int_equal(cv__xml_next(&x, &err), CV_ELIMIT);
  assert_non_null(strstr(err.message, "longer than 32 bytes"));
  cv__xml_fini(&x);
}

/* A reader callback that hands out one byte at a time. */
struct drip {
  const char *s;
  size_t pos;
};

static cv_status drip_read(void *ud, char *buf, size_t cap, size_t *got, struct cv_error *err) {
  struct drip *d = ud;
  (void)err;
  *got = 0;
  if (d->s[d->pos] && cap > 0) {
    buf[0] = d->s[d->pos++];
    *got = 1;
  }
  return CV_OK;
}

static void test_reader_and_helpers(void **state) {
  (void)state;
  struct drip d = {
      "<r><n>Al<!-- c -->ice &amp; <![CDATA[Bob]]></n><k a:b='v'><x/>y</k><m>z</m></r>", 0};
  struct cv__xml x;
  struct cv_error err = {0};
  struct cv__buf b;
  cv__buf_init(&b, 0);
  cv__xml_init_reader(&x, drip_read, &d, "drip.xml", NULL);
  assert_int_equal(cv__xml_next(&x, &err), CV_OK);
  assert_string_equal(x.name, "r");
  assert_int_equal(cv__xml_next(&x, &err), CV_OK);
  assert_string_equal(x.name, "n");
  assert_int_equal(cv__xml_text(&x, &b, &err), CV_OK);
  assert_int_equal(b.len, 11);
  assert_memory_equal(b.data, "Alice & Bob", 11);
  assert_int_equal(x.event, CV__XML_END);
  assert_int_equal(cv__xml_next(&x, &err), CV_OK);
  assert_string_equal(cv__xml_attr(&x, "a:b"), "v");
  assert_null(cv__xml_attr(&x, "b"));
  assert_string_equal(cv__xml_local("a:b"), "b");
  assert_string_equal(cv__xml_local("plain"), "plain");
  assert_int_equal(cv__xml_skip(&x, &err), CV_OK);
  assert_string_equal(x.name, "k");
  assert_int_equal(x.depth, 1);
  assert_int_equal(cv__xml_next(&x, &err), CV_OK);
  assert_int_equal(cv__xml_next(&x, &err), CV_OK); /* text z: m has a child? no: text */
  cv__buf_reset(&b);
  assert_int_equal(x.event, CV__XML_TEXT);
  assert_int_equal(cv__xml_next(&x, &err), CV_OK);
  assert_int_equal(cv__xml_next(&x, &err), CV_OK);
  assert_int_equal(x.event, CV__XML_END);
  assert_string_equal(x.name, "r");
  assert_int_equal(cv__xml_next(&x, &err), CV_OK);
  assert_int_equal(x.event, CV__XML_EOF);
  assert_int_equal(cv__xml_next(&x, &err), CV_OK);
  assert_int_equal(x.event, CV__XML_EOF);
  cv__xml_fini(&x);

  /* cv__xml_text refuses a child element, naming where it starts. */
  memset(&err, 0, sizeof err);
  cv__xml_init_mem(&x, "<r>\n <n>a<b/></n></r>", 21, "t.xml", NULL);
  assert_int_equal(cv__xml_next(&x, &err), CV_OK);
  assert_int_equal(cv__xml_next(&x, &err), CV_OK);
  assert_int_equal(cv__xml_next(&x, &err), CV_OK);
  cv__buf_reset(&b);
  assert_int_equal(cv__xml_text(&x, &b, &err), CV_EINVAL);
  assert_int_equal(err.line, 2);
  assert_int_equal(err.column, 6);
  assert_non_null(strstr(err.message, "expected only text in <n>, found element <b>"));
  cv__xml_fini(&x);

  /* The same when the child's long name makes the open-element stack move
   * (found by the fuzzer: the parent's name must not be read from the old
   * stack). */
  static const char moved[] = "<r><n>a<a_rather_long_element_name_that_grows_the_stack/></n></r>";
  memset(&err, 0, sizeof err);
  cv__xml_init_mem(&x, moved, strlen(moved), "t.xml", NULL);
  assert_int_equal(cv__xml_next(&x, &err), CV_OK);
  assert_int_equal(cv__xml_next(&x, &err), CV_OK);
  cv__buf_reset(&b);
  assert_int_equal(cv__xml_text(&x, &b, &err), CV_EINVAL);
  assert_non_null(strstr(err.message, "expected only text in <n>, found element <a_rather_long"));
  cv__xml_fini(&x);
  cv__buf_fini(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_basic),
      cmocka_unit_test(test_references),
      cmocka_unit_test(test_cdata_comments_pi),
      cmocka_unit_test(test_doctype_skipped),
      cmocka_unit_test(test_line_ends_and_bom),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_reader_and_helpers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
