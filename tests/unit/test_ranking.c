/* Unit tests for count/ranking: the text of one ranked ballot. Expected
 * canonical forms and messages are written out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "count/ranking.h"
#include "util/strmap.h"

/* Contest "c" with choices ann, bob, cy (index order) and 3 ranks. */
static struct cv__contest ct;
static struct cv__choice choices[3] = {{"ann", "Ann", false}, {"bob", "Bob", false}, {"cy", "Cy", false}};
static uint32_t by_id[3] = {0, 1, 2};

static int setup(void **state) {
  (void)state;
  memset(&ct, 0, sizeof ct);
  ct.id = "c";
  ct.name = "C";
  ct.type = CV__CONTEST_IRV;
  ct.votes_allowed = 3;
  ct.seats = 1;
  ct.choices = choices;
  ct.n_choices = 3;
  ct.by_id = by_id;
  cv__strmap_init(&ct.choice_index);
  for (uint32_t i = 0; i < 3; i++)
    if (cv__strmap_put(&ct.choice_index, choices[i].id, i) != CV_OK) return -1;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  cv__strmap_fini(&ct.choice_index);
  return 0;
}

static void canon_ok(const char *in, const char *want) {
  struct cv__buf b;
  cv__buf_init(&b, 0);
  char why[200] = "";
  bool ok = cv__ranking_canonical(&ct, in, &b, why, sizeof why);
  if (!ok) print_message("\"%s\": %s\n", in, why);
  assert_true(ok);
  assert_string_equal(b.data ? b.data : "", want);
  cv__buf_fini(&b);
}

static void canon_bad(const char *in, const char *want_why) {
  struct cv__buf b;
  cv__buf_init(&b, 0);
  cv__buf_adds(&b, "kept");
  char why[200] = "";
  assert_false(cv__ranking_canonical(&ct, in, &b, why, sizeof why));
  assert_string_equal(why, want_why);
  assert_string_equal(b.data, "kept"); /* nothing appended on failure */
  cv__buf_fini(&b);
}

static void test_canonical_forms(void **state) {
  (void)state;
  canon_ok("ann>bob>cy", "ann>bob>cy");
  canon_ok(" ann > bob ", "ann>bob");
  canon_ok("", "");
  canon_ok("  ", "");
  canon_ok(">", "");            /* only empty ranks: a blank ballot */
  canon_ok("ann>>", "ann");     /* empty ranks at the end are dropped */
  canon_ok("ann>>cy", "ann>>cy");
  canon_ok(">>cy", ">>cy");     /* skipped ranks before a mark are kept */
  canon_ok(">bob", ">bob");
  canon_ok("cy=ann>bob", "ann=cy>bob"); /* overvoted marks in id order */
  canon_ok("bob = ann", "ann=bob");
  canon_ok("ann>ann", "ann>ann"); /* a repeated choice is what the paper says */
}

static void test_refused(void **state) {
  (void)state;
  canon_bad("ann>dee", "rank 2: \"dee\" is not a choice of contest \"c\"");
  canon_bad("ann=ann", "rank 1 marks \"ann\" twice");
  canon_bad("ann>bob>cy>ann", "rank 4 is beyond the 3 ranks of contest \"c\"");
  canon_bad(">>>ann", "rank 4 is beyond the 3 ranks of contest \"c\"");
  canon_bad("ann=", "rank 1 has an empty mark next to '='");
  canon_bad("=bob", "rank 1 has an empty mark next to '='");
  canon_bad("an n", "rank 1: \"an n\" is not a choice of contest \"c\"");
  char long_text[CV__MAX_RANKING_TEXT + 2];
  memset(long_text, 'a', sizeof long_text - 1);
  long_text[sizeof long_text - 1] = '\0';
  canon_bad(long_text, "longer than 4000 bytes");
}

static void test_first_and_decode(void **state) {
  (void)state;
  uint32_t c = 99;
  assert_int_equal(cv__ranking_first(&ct, "", &c), CV__FIRST_BLANK);
  assert_int_equal(cv__ranking_first(&ct, ">bob", &c), CV__FIRST_SKIPPED);
  assert_int_equal(cv__ranking_first(&ct, "ann=bob>cy", &c), CV__FIRST_OVERVOTE);
  assert_int_equal(cv__ranking_first(&ct, "cy>ann", &c), CV__FIRST_CHOICE);
  assert_int_equal(c, 2);

  uint32_t marks[9], n[3];
  assert_int_equal(cv__ranking_decode(&ct, "", 3, marks, n), 0);
  /* ">ann=cy>bob": rank 1 empty, rank 2 ann and cy, rank 3 bob */
  assert_int_equal(cv__ranking_decode(&ct, ">ann=cy>bob", 3, marks, n), 3);
  assert_int_equal(n[0], 0);
  assert_int_equal(n[1], 2);
  assert_int_equal(n[2], 1);
  assert_int_equal(marks[0], 0);
  assert_int_equal(marks[1], 2);
  assert_int_equal(marks[2], 1);
  /* At most max_ranks ranks are written. */
  assert_int_equal(cv__ranking_decode(&ct, "ann>bob>cy", 2, marks, n), 2);
  assert_int_equal(marks[1], 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_canonical_forms, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_first_and_decode, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
