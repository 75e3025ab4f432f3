/* Unit tests for formats/blt: quoted and bare names, droop's bracketed
 * options, withdrawn candidates, equal rankings, aggregation of identical
 * rankings, and every error with its exact position and message. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "formats/blt.h"

static void parse_ok(struct cv__blt *b, const char *text) {
  struct cv_error err = {0};
  cv_status s = cv__blt_parse(b, text, strlen(text), "t.blt", NULL, &err);
  if (s != CV_OK) fail_msg("unexpected error %d: %u:%u %s", s, err.line, err.column, err.message);
}

static void expect_error(const char *text, cv_status code, uint32_t line, uint32_t col,
                         const char *msg) {
  struct cv__blt b;
  struct cv_error err = {0};
  assert_int_equal(cv__blt_parse(&b, text, strlen(text), "t.blt", NULL, &err), code);
  assert_string_equal(err.file, "t.blt");
  assert_string_equal(err.message, msg);
  assert_int_equal(err.line, line);
  assert_int_equal(err.column, col);
  cv__blt_fini(&b);
}

/* Checks ranking i: its weight and its preferences as 1-based numbers,
 * with 0 standing for "equal to the one before". */
static void expect_ranking(const struct cv__blt *b, size_t i, uint64_t weight, const char *prefs) {
  assert_true(i < b->n_rankings);
  char got[200] = "";
  for (uint32_t j = 0; j < b->rankings[i].n; j++) {
    uint32_t p = b->rankings[i].prefs[j];
    snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s%u", j ? " " : "",
             (p & CV__BLT_EQUAL) ? "=" : "", (p & ~CV__BLT_EQUAL) + 1);
  }
  assert_string_equal(got, prefs);
  assert_int_equal(b->rankings[i].weight, weight);
}

static void test_quoted(void **state) {
  (void)state;
  struct cv__blt b;
  parse_ok(&b, "3 2\n4 1 2 0\n2 3 0\n0\n\"Ann\"\n\"Bob\"\n\"Cy\"\n\"Three candidates\"\n");
  assert_int_equal(b.n_candidates, 3);
  assert_int_equal(b.n_seats, 2);
  assert_string_equal(b.names[0], "Ann");
  assert_string_equal(b.names[2], "Cy");
  assert_string_equal(b.title, "Three candidates");
  assert_int_equal(b.n_rankings, 2);
  expect_ranking(&b, 0, 4, "1 2");
  expect_ranking(&b, 1, 2, "3");
  assert_int_equal(b.n_ballots, 6);
  assert_int_equal(b.tie_order[0], 1);
  cv__blt_fini(&b);
}

/* The Scottish files: bare names with parties, a title with no newline. */
static void test_unquoted(void **state) {
  (void)state;
  struct cv__blt b;
  parse_ok(&b, "2 1\n3 1 0\n2 2 1 0\n0\nAnn SMITH (Lab)\n  Bob   JONES (SNP)  \nWard 4 - Leith");
  assert_string_equal(b.names[0], "Ann SMITH (Lab)");
  assert_string_equal(b.names[1], "Bob   JONES (SNP)");
  assert_string_equal(b.title, "Ward 4 - Leith");
  cv__blt_fini(&b);
}

/* Doubled quotes inside a quoted name, and two quoted strings on a line. */
static void test_quoted_variants(void **state) {
  (void)state;
  struct cv__blt b;
  parse_ok(&b, "3 1\n1 1 0\n0\n\"Con \"\"Ann SMITH\"\" \"\n\"Bob JONES\" \"Green Party\"\n"
               "\"\"\"Cy\"\" \"\"Ind\"\"\"\n\"\"\"Ward 2\"\"\"\r\n");
  assert_string_equal(b.names[0], "Con \"Ann SMITH\"");
  assert_string_equal(b.names[1], "Bob JONES Green Party");
  assert_string_equal(b.names[2], "\"Cy\" \"Ind\"");
  assert_string_equal(b.title, "\"Ward 2\"");
  cv__blt_fini(&b);
}

/* Identical rankings are kept once; withdrawn candidates are removed
 * first, so "2 1 3" and "1 3" become the same ranking when 2 withdraws. */
static void test_aggregation_and_withdrawn(void **state) {
  (void)state;
  struct cv__blt b;
  parse_ok(&b, "3 1\n-2\n5 1 3 0\n2 2 1 3 0\n1 2 0\n3 0\n4 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n");
  assert_true(b.withdrawn[1]);
  assert_int_equal(b.n_rankings, 2);
  expect_ranking(&b, 0, 7, "1 3");
  expect_ranking(&b, 1, 4, "3");
  assert_int_equal(b.n_ballots, 11);
  /* "1 2 0" ranks only the withdrawn candidate; "3 0" ranks nobody. */
  assert_int_equal(b.n_empty, 4);
  cv__blt_fini(&b);
}

static void test_options(void **state) {
  (void)state;
  struct cv__blt b;
  parse_ok(&b, "\xEF\xBB\xBF"
               "4 2 # four candidates\n[nick a b c d]\n[tie d c b a]\n[withdrawn c]\n"
               "[droop precision=5 meek]\n/* a block\n comment */ 5 a b=d 0\n(id 7) d 0\n0\n"
               "\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"T\"\n");
  assert_true(b.withdrawn[2]);
  assert_int_equal(b.tie_order[3], 1);
  assert_int_equal(b.tie_order[0], 4);
  assert_int_equal(b.n_options, 2);
  assert_string_equal(b.options[0], "precision=5");
  assert_int_equal(b.option_lines[0], 5);
  assert_string_equal(b.options[1], "meek");
  assert_true(b.any_equal);
  expect_ranking(&b, 0, 5, "1 2 =4");
  expect_ranking(&b, 1, 1, "4");
  cv__blt_fini(&b);
}

static void test_errors_header(void **state) {
  (void)state;
  expect_error("", CV_EINVAL, 1, 1, "unexpected end of file: expected the number of candidates");
  expect_error("x 2\n", CV_EINVAL, 1, 1,
               "expected the number of candidates (a whole number >= 1), found \"x\"");
  expect_error("3 4\n0\n", CV_EINVAL, 1, 3, "more seats (4) than candidates (3)");
  expect_error("3 1,\n", CV_EINVAL, 1, 3,
               "expected the number of seats (a whole number >= 1), found \"1,\"");
  expect_error("2 2\n-1\n0\n", CV_EINVAL, 1, 3,
               "more seats (2) than candidates who are not withdrawn (1)");
  expect_error("2 1\n[foo 1]\n", CV_EINVAL, 2, 1,
               "unknown option [foo; expected [withdrawn ...], [tie ...], [nick ...], [undeclared "
               "...] or [droop ...]");
  expect_error("2 1\n[tie 1 1]\n", CV_EINVAL, 2, 8, "candidate 1 appears twice in [tie]");
  expect_error("2 1\n[nick a]\n", CV_EINVAL, 2, 1,
               "[nick] lists 1 nicknames: expected one per candidate (2)");
  expect_error("2 1\n-3\n", CV_EINVAL, 2, 2,
               "unknown candidate number 3; expected a candidate number from 1 to 2");
  expect_error("2 1\n/* open", CV_EINVAL, 2, 1,
               "comment is never closed: expected */ before the end of the file");
}

static void test_errors_ballots(void **state) {
  (void)state;
  expect_error("3 1\n2 1 4 0\n", CV_EINVAL, 2, 5,
               "unknown candidate number 4; expected a candidate number from 1 to 3");
  expect_error("3 1\n2 1 x 0\n", CV_EINVAL, 2, 5,
               "unknown candidate \"x\"; expected a candidate number from 1 to 3");
  expect_error("3 1\n2 1 2 1 0\n", CV_EINVAL, 2, 7,
               "candidate 1 is ranked twice on this ballot (first at column 3); each candidate may "
               "be ranked once");
  expect_error("3 1\n2 1=1 0\n", CV_EINVAL, 2, 5,
               "candidate 1 is ranked twice on this ballot (first at column 3); each candidate may "
               "be ranked once");
  expect_error("3 1\n2 1= 0\n", CV_EINVAL, 2, 5,
               "expected a candidate on each side of = in \"1=\"");
  expect_error(
      "3 1\n2 1 2", CV_EINVAL, 2, 6,
      "unexpected end of file: expected a candidate or 0 to end the ballot begun on line 2");
  expect_error("3 1\n2 1 0\n", CV_EINVAL, 3, 1,
               "unexpected end of file: expected a ballot line or the 0 that ends the ballots");
  expect_error(
      "3 1\n2 1 0\n-1 2 0\n", CV_EINVAL, 3, 1,
      "expected a ballot weight (a whole number) or the 0 that ends the ballots, found \"-1\"");
  expect_error("3 1\n99999999999999999999 1 0\n", CV_ELIMIT, 2, 1,
               "ballot weight larger than 2^62");
}

static void test_errors_names(void **state) {
  (void)state;
  expect_error("2 1\n1 1 0\n0\n\"A\"\n", CV_EINVAL, 5, 1,
               "unexpected end of file: expected the name of candidate 2 of 2");
  expect_error("2 1\n1 1 0\n0\n\"A\"\n\"B\"\n\n", CV_EINVAL, 7, 1,
               "unexpected end of file: expected the election title after the 2 candidate names");
  expect_error("2 1\n1 1 0\n0\n\"A\n", CV_EINVAL, 4, 1,
               "unterminated quoted name: expected a closing quote for the candidate name before "
               "the end of the line");
  expect_error("2 1\n1 1 0\n0\n\"A\" x\n", CV_EINVAL, 4, 5,
               "expected end of line or another quoted string after the quoted candidate name");
  expect_error("2 1\n1 1 0\n0\nA\n\xff\n", CV_EINVAL, 5, 1,
               "the candidate name is not valid UTF-8");
}

static void test_limits(void **state) {
  (void)state;
  struct cv__blt_limits lim = {.max_candidates = 2, .max_rankings = 1};
  struct cv__blt b;
  struct cv_error err = {0};
  const char *t = "3 1\n0\n";
  assert_int_equal(cv__blt_parse(&b, t, strlen(t), "t.blt", &lim, &err), CV_ELIMIT);
  assert_string_equal(err.message, "more than 2 candidates");
  cv__blt_fini(&b);
  struct cv_error err2 = {0};
  t = "2 1\n1 1 0\n1 2 0\n0\nA\nB\nT\n";
  assert_int_equal(cv__blt_parse(&b, t, strlen(t), "t.blt", &lim, &err2), CV_ELIMIT);
  assert_string_equal(err2.message, "more than 1 distinct rankings");
  assert_int_equal(err2.line, 3);
  cv__blt_fini(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_quoted),          cmocka_unit_test(test_unquoted),
      cmocka_unit_test(test_quoted_variants), cmocka_unit_test(test_aggregation_and_withdrawn),
      cmocka_unit_test(test_options),         cmocka_unit_test(test_errors_header),
      cmocka_unit_test(test_errors_ballots),  cmocka_unit_test(test_errors_names),
      cmocka_unit_test(test_limits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
