/* Unit tests for tabulate/condorcet: pairwise counts, Schulze and Ranked
 * Pairs. Every expected number is worked out by hand in the comments (the
 * Schulze example is the one of the Wikipedia article "Schulze method",
 * whose pairwise and path tables are published there). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tabulate/condorcet.h"

/* Adds weight ballots given as a string of candidate letters, best first. */
static void add(struct cv__pairwise *m, const char *order, uint64_t weight) {
  uint32_t rank[CV__CONDORCET_MAX_CANDIDATES] = {0};
  for (uint32_t k = 0; order[k]; k++) rank[order[k] - 'A'] = k + 1;
  assert_int_equal(cv__pairwise_add_ballot(m, rank, weight), CV_OK);
}

static uint64_t d(const struct cv__pairwise *m, char i, char j) {
  return m->d[(size_t)(i - 'A') * m->n + (size_t)(j - 'A')];
}

/* 45 voters, candidates A-E:
 * 5 ACBED, 5 ADECB, 8 BEDAC, 3 CABED, 7 CAEBD, 2 CBADE, 7 DCEBA, 8 EBADC. */
static void wikipedia(struct cv__pairwise *m) {
  assert_int_equal(cv__pairwise_init(m, 5), CV_OK);
  add(m, "ACBED", 5);
  add(m, "ADECB", 5);
  add(m, "BEDAC", 8);
  add(m, "CABED", 3);
  add(m, "CAEBD", 7);
  add(m, "CBADE", 2);
  add(m, "DCEBA", 7);
  add(m, "EBADC", 8);
}

static void test_pairwise_counts(void **state) {
  (void)state;
  struct cv__pairwise m;
  wikipedia(&m);
  assert_int_equal(m.ballots, 45);
  /* The article's table d[*,*]. */
  static const uint64_t want[5][5] = {{0, 20, 26, 30, 22},
                                      {25, 0, 16, 33, 18},
                                      {19, 29, 0, 17, 24},
                                      {15, 12, 28, 0, 14},
                                      {23, 27, 21, 31, 0}};
  for (char i = 'A'; i <= 'E'; i++)
    for (char j = 'A'; j <= 'E'; j++) assert_int_equal(d(&m, i, j), want[i - 'A'][j - 'A']);
  assert_int_equal(cv__condorcet_winner(&m), -1); /* E loses to C, 21-24 */
  cv__pairwise_fini(&m);
}

static void test_schulze(void **state) {
  (void)state;
  struct cv__pairwise m;
  wikipedia(&m);
  uint64_t p[25];
  bool win[5];
  uint32_t order[5];
  assert_int_equal(cv__schulze(&m, p, win, order), 1);
  /* The article's strongest paths p[*,*]. */
  static const uint64_t want[5][5] = {{0, 28, 28, 30, 24},
                                      {25, 0, 28, 33, 24},
                                      {25, 29, 0, 29, 24},
                                      {25, 28, 28, 0, 24},
                                      {25, 28, 28, 31, 0}};
  for (uint32_t i = 0; i < 5; i++)
    for (uint32_t j = 0; j < 5; j++)
      if (i != j) assert_int_equal(p[i * 5 + j], want[i][j]);
  assert_true(win[4]);
  assert_false(win[0] || win[1] || win[2] || win[3]);
  /* E > A > C > B > D */
  static const uint32_t want_order[5] = {4, 0, 2, 1, 3};
  assert_memory_equal(order, want_order, sizeof order);
  cv__pairwise_fini(&m);
}

/* Ranked Pairs on the same ballots, by hand. Pairs by winning votes:
 * B>D 33, E>D 31, A>D 30, C>B 29, D>C 28, E>B 27, A>C 26, B>A 25, C>E 24, E>A 23.
 * Lock B>D, E>D, A>D, C>B; D>C would close D-C-B-D: skip; lock E>B, A>C;
 * B>A would close B-A-C-B: skip; lock C>E (E does not reach C); E>A would
 * close E-A-C-E: skip. Nothing beats A: A wins (Schulze picks E). */
static void test_ranked_pairs(void **state) {
  (void)state;
  struct cv__pairwise m;
  wikipedia(&m);
  bool locked[25], win[5];
  uint32_t n_win = 0;
  assert_int_equal(cv__ranked_pairs(&m, NULL, locked, win, &n_win), CV_OK);
  assert_int_equal(n_win, 1);
  assert_true(win[0]);
  assert_true(locked[1 * 5 + 3]);  /* B>D */
  assert_false(locked[3 * 5 + 2]); /* D>C skipped */
  assert_true(locked[2 * 5 + 4]);  /* C>E */
  assert_false(locked[4 * 5 + 0]); /* E>A skipped */
  cv__pairwise_fini(&m);
}

/* Tennessee's capital (42 M>N>C>K, 26 N>C>K>M, 15 C>K>N>M, 17 K>C>N>M):
 * Nashville (B here) beats each other city 58-42, 68-32, 68-32. */
static void test_condorcet_winner(void **state) {
  (void)state;
  struct cv__pairwise m;
  assert_int_equal(cv__pairwise_init(&m, 4), CV_OK);
  /* A Memphis, B Nashville, C Chattanooga, D Knoxville */
  add(&m, "ABCD", 42);
  add(&m, "BCDA", 26);
  add(&m, "CDBA", 15);
  add(&m, "DCBA", 17);
  assert_int_equal(cv__condorcet_winner(&m), 1);
  assert_int_equal(d(&m, 'B', 'A'), 58);
  assert_int_equal(d(&m, 'B', 'C'), 68);
  uint64_t p[16];
  bool win[4], locked[16];
  uint32_t order[4], n_win = 0;
  assert_int_equal(cv__schulze(&m, p, win, order), 1);
  assert_true(win[1]);
  assert_int_equal(cv__ranked_pairs(&m, NULL, locked, win, &n_win), CV_OK);
  assert_int_equal(n_win, 1);
  assert_true(win[1]);
  cv__pairwise_fini(&m);
}

/* A perfect cycle (ABC, BCA, CAB): each pair 2-1. No rule may pick a winner
 * without a lot; with the tie-break order A, B, C Ranked Pairs locks A>B,
 * then B>C, skips C>A, and A wins. */
static void test_cycle_is_a_tie(void **state) {
  (void)state;
  struct cv__pairwise m;
  assert_int_equal(cv__pairwise_init(&m, 3), CV_OK);
  add(&m, "ABC", 1);
  add(&m, "BCA", 1);
  add(&m, "CAB", 1);
  assert_int_equal(cv__condorcet_winner(&m), -1);
  uint64_t p[9];
  bool win[3], locked[9];
  uint32_t order[3], n_win = 0;
  assert_int_equal(cv__schulze(&m, p, win, order), 3);
  assert_int_equal(cv__ranked_pairs(&m, NULL, locked, win, &n_win), CV_OK);
  assert_int_equal(n_win, 3);
  assert_true(win[0] && win[1] && win[2]);
  static const uint32_t tb[3] = {0, 1, 2};
  assert_int_equal(cv__ranked_pairs(&m, tb, locked, win, &n_win), CV_OK);
  assert_int_equal(n_win, 1);
  assert_true(win[0]);
  assert_true(locked[0 * 3 + 1] && locked[1 * 3 + 2]);
  assert_false(locked[2 * 3 + 0]);
  cv__pairwise_fini(&m);
}

/* Unranked candidates lose to ranked ones; equal ranks and two unranked
 * candidates give no preference. Batches add up cell by cell. */
static void test_partial_rankings_and_batches(void **state) {
  (void)state;
  struct cv__pairwise b1, b2;
  assert_int_equal(cv__pairwise_init(&b1, 3), CV_OK);
  assert_int_equal(cv__pairwise_init(&b2, 3), CV_OK);
  uint32_t only_a[3] = {1, 0, 0}, a_eq_b[3] = {1, 1, 2};
  assert_int_equal(cv__pairwise_add_ballot(&b1, only_a, 4), CV_OK);
  assert_int_equal(cv__pairwise_add_ballot(&b2, a_eq_b, 3), CV_OK);
  /* b1: A>B 4, A>C 4, nothing between B and C. b2: A>C 3, B>C 3, A=B. */
  assert_int_equal(d(&b1, 'A', 'B'), 4);
  assert_int_equal(d(&b1, 'B', 'C'), 0);
  assert_int_equal(d(&b1, 'C', 'B'), 0);
  assert_int_equal(d(&b2, 'A', 'B'), 0);
  assert_int_equal(d(&b2, 'B', 'A'), 0);
  assert_int_equal(cv__pairwise_add(&b1, &b2), CV_OK);
  assert_int_equal(b1.ballots, 7);
  assert_int_equal(d(&b1, 'A', 'B'), 4);
  assert_int_equal(d(&b1, 'A', 'C'), 7);
  assert_int_equal(d(&b1, 'B', 'C'), 3);
  assert_int_equal(cv__condorcet_winner(&b1), 0);
  cv__pairwise_fini(&b1);
  cv__pairwise_fini(&b2);
}

static void test_limits(void **state) {
  (void)state;
  struct cv__pairwise m;
  assert_int_equal(cv__pairwise_init(&m, 0), CV_ELIMIT);
  assert_int_equal(cv__pairwise_init(&m, CV__CONDORCET_MAX_CANDIDATES + 1), CV_ELIMIT);
  assert_int_equal(cv__pairwise_init(&m, 2), CV_OK);
  uint32_t ab[2] = {1, 2};
  assert_int_equal(cv__pairwise_add_ballot(&m, ab, UINT64_MAX - 1), CV_OK);
  /* One more would overflow: refused, nothing added. */
  assert_int_equal(cv__pairwise_add_ballot(&m, ab, 2), CV_ELIMIT);
  assert_int_equal(m.ballots, UINT64_MAX - 1);
  assert_int_equal(m.d[1], UINT64_MAX - 1);
  cv__pairwise_fini(&m);
  cv__pairwise_fini(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pairwise_counts),  cmocka_unit_test(test_schulze),
      cmocka_unit_test(test_ranked_pairs),     cmocka_unit_test(test_condorcet_winner),
      cmocka_unit_test(test_cycle_is_a_tie),   cmocka_unit_test(test_partial_rankings_and_batches),
      cmocka_unit_test(test_limits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
