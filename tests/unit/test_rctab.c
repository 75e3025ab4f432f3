/* Unit tests for the RCTab-compatible tabulator: java.util.Random, exact
 * decimals as BigDecimal prints them, RCTab's percentages, and small
 * elections worked by hand.
 *
 * java.util.Random vectors: the generator is seed' = (seed * 0x5DEECE66D +
 * 0xB) mod 2^48 after scrambling the seed with XOR 0x5DEECE66D; next(bits)
 * is the top `bits` of the 48. The expected values were computed by following
 * those steps by hand in a few lines of Python (not with this code), and the
 * first ones agree with values published for Java: new Random(42).nextInt()
 * is -1170105035, new Random(0).nextDouble() is 0.730967787376657 (the
 * 53-bit numerator 6583972509698697), new Random(42).nextInt(10) is 0. */
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

#include "canvass/alloc.h"
#include "canvass/tabulate.h"
#include "tabulate/decimal.h"
#include "tabulate/rctab.h"
#include "tabulate/rctab_javarandom.h"
#include "util/arena.h"
#include "util/json.h"

/* ---- java.util.Random ---- */

static void test_jrandom_next_int(void **state) {
  (void)state;
  struct cv__jrandom r;
  cv__jrandom_init(&r, 42);
  assert_int_equal(cv__jrandom_next_int(&r), -1170105035);
  assert_int_equal(cv__jrandom_next_int(&r), 234785527);
  assert_int_equal(cv__jrandom_next_int(&r), -1360544799);
  cv__jrandom_init(&r, 0);
  assert_int_equal(cv__jrandom_next_int(&r), -1155484576);
  assert_int_equal(cv__jrandom_next_int(&r), -723955400);
  assert_int_equal(cv__jrandom_next_int(&r), 1033096058);
}

static void test_jrandom_bound(void **state) {
  (void)state;
  struct cv__jrandom r;
  int32_t want42[] = {0, 3, 8, 4, 0};
  cv__jrandom_init(&r, 42);
  for (int i = 0; i < 5; i++) assert_int_equal(cv__jrandom_next_int_bound(&r, 10), want42[i]);
  int32_t want_neg[] = {4, 3, 4, 3, 0};
  cv__jrandom_init(&r, -7);
  for (int i = 0; i < 5; i++) assert_int_equal(cv__jrandom_next_int_bound(&r, 6), want_neg[i]);
  int32_t want_pow2[] = {10, 12, 7, 4, 6}; /* a power of two takes the multiply path */
  cv__jrandom_init(&r, 123456789);
  for (int i = 0; i < 5; i++) assert_int_equal(cv__jrandom_next_int_bound(&r, 16), want_pow2[i]);
}

static void test_jrandom_double_and_pick(void **state) {
  (void)state;
  struct cv__jrandom r;
  cv__jrandom_init(&r, 0);
  assert_true(cv__jrandom_next_double_bits(&r) == 6583972509698697ULL);
  /* floor(nextDouble() * 3) for seed 0: 2, 0, 1, 1, 1 */
  size_t want[] = {2, 0, 1, 1, 1};
  cv__jrandom_init(&r, 0);
  for (int i = 0; i < 5; i++) assert_int_equal(cv__jrandom_pick(&r, 3), want[i]);
}

static void test_jrandom_shuffle(void **state) {
  (void)state;
  struct cv__jrandom r;
  uint32_t v[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  uint32_t want[10] = {6, 9, 7, 8, 4, 2, 0, 3, 1, 5}; /* Collections.shuffle, seed 1 */
  cv__jrandom_init(&r, 1);
  cv__jrandom_shuffle(&r, v, 10);
  assert_memory_equal(v, want, sizeof v);
}

/* ---- decimals ---- */

static struct cv__dec D(const char *s) {
  struct cv__dec d;
  assert_true(cv__dec_parse(s, &d));
  return d;
}

static void assert_dec(struct cv__dec d, const char *want) {
  char t[CV__DEC_STR_MAX];
  assert_string_equal(cv__dec_str(d, t), want);
}

static void test_decimal_print_and_scale(void **state) {
  (void)state;
  bool o = false;
  assert_dec(D("4"), "4");
  assert_dec(D("0.0000"), "0.0000");
  assert_dec(cv__dec_add(D("4"), D("0.0000"), &o), "4.0000");       /* the larger scale wins */
  assert_dec(cv__dec_sub(D("7.2501"), D("8"), &o), "-0.7499");
  assert_dec(cv__dec_make(15, 8), "1.5E-7");                        /* BigDecimal's scientific form */
  assert_dec(cv__dec_make(15, 7), "0.0000015");
  assert_dec(cv__dec_mul_u(D("0.3333"), 6, &o), "1.9998");
  assert_false(o);
  assert_int_equal(cv__dec_cmp(D("4"), D("4.0000")), 0);
  assert_false(cv__dec_same(D("4"), D("4.0000")));
  assert_int_equal(cv__dec_trunc(D("-2.9")), -2);
  assert_dec(cv__dec_frac(D("10.2811")), "0.2811");
}

static void test_decimal_divide(void **state) {
  (void)state;
  bool o = false;
  /* Droop threshold: floor(29 / 4) to 4 places, plus 0.0001 */
  assert_dec(cv__dec_add(cv__dec_div(D("29"), D("4"), 4, CV__ROUND_DOWN, &o), D("0.0001"), &o), "7.2501");
  assert_dec(cv__dec_div(D("10"), D("3"), 0, CV__ROUND_UP, &o), "4");        /* Hare, rounded up */
  assert_dec(cv__dec_div(D("2"), D("6"), 4, CV__ROUND_DOWN, &o), "0.3333");
  assert_dec(cv__dec_div(D("-2"), D("3"), 2, CV__ROUND_DOWN, &o), "-0.66");  /* toward zero */
  assert_dec(cv__dec_div(D("-2"), D("3"), 2, CV__ROUND_UP, &o), "-0.67");    /* away from zero */
  assert_dec(cv__dec_div(D("12.5"), D("100"), 3, CV__ROUND_HALF_UP, &o), "0.125");
  assert_dec(cv__dec_div(D("1"), D("8"), 2, CV__ROUND_HALF_UP, &o), "0.13");
  assert_dec(cv__dec_div(D("1"), D("8"), 2, CV__ROUND_HALF_EVEN, &o), "0.12");
  assert_dec(cv__dec_mul_round(D("0.6667"), D("0.3333"), 4, CV__ROUND_DOWN, &o), "0.2222");
  assert_dec(cv__dec_mul_round(D("1"), D("0"), 4, CV__ROUND_DOWN, &o), "0.0000");
  assert_dec(cv__dec_mul(D("212"), D("0.125"), &o), "26.500");
  assert_false(o);
  cv__dec_div(D("1"), D("0"), 2, CV__ROUND_DOWN, &o);
  assert_true(o); /* a zero divisor is reported, not a crash */
}

static void test_percent(void **state) {
  (void)state;
  char t[32];
  assert_string_equal(cv__dec_percent(D("3"), D("7"), t), "42.85%");  /* 0.4285714: truncated */
  assert_string_equal(cv__dec_percent(D("1"), D("4"), t), "25.0%");
  assert_string_equal(cv__dec_percent(D("4"), D("4"), t), "100.0%");
  assert_string_equal(cv__dec_percent(D("0"), D("9"), t), "0.0%");
  assert_string_equal(cv__dec_percent(D("1"), D("3"), t), "33.33%");
  assert_string_equal(cv__dec_percent(D("2"), D("3"), t), "66.66%");
  assert_string_equal(cv__dec_percent(D("7.2501"), D("29"), t), "25.0%");
  assert_string_equal(cv__dec_percent(D("1"), D("8"), t), "12.5%");
  /* 7 significant digits first (half-even), then truncation: 0.99999995
   * rounds to 1.000000, so 100.0% and not 99.99% */
  assert_string_equal(cv__dec_percent(D("0.99999995"), D("1"), t), "100.0%");
  assert_string_equal(cv__dec_percent(D("0.99999994"), D("1"), t), "99.99%");
  assert_string_equal(cv__dec_percent(D("1"), D("1000000"), t), "0.0%");
}

/* ---- Java details RCTab's output depends on ---- */

static void test_java_hash_order(void **state) {
  (void)state;
  /* String.hashCode: "Aa" and "BB" are both 2112 (bucket 0 of 16), "C" is
   * 67 (bucket 3), "polygenelubricants" is Integer.MIN_VALUE, which the
   * HashMap spread (h ^ h >>> 16) sends to bucket 0. A bucket keeps
   * insertion order. */
  const char *keys[] = {"polygenelubricants", "C", "Aa", "BB"};
  size_t order[4];
  cv__rc_hash_order(keys, 4, 0, order);
  size_t want[] = {0, 2, 3, 1};
  assert_memory_equal(order, want, sizeof want);
  const char *k2[] = {"C", "BB", "Aa"};
  size_t want2[] = {1, 2, 0};
  cv__rc_hash_order(k2, 3, 16, order);
  assert_memory_equal(order, want2, sizeof want2);
}

static void test_csv_quoting(void **state) {
  (void)state;
  struct cv__buf b;
  cv__buf_init(&b, 0);
  cv__rc_csv_field(&b, "", true);              /* an empty first field is quoted */
  cv__rc_csv_field(&b, "", false);
  cv__rc_csv_field(&b, "Begich, Nick", false);
  cv__rc_csv_field(&b, "-0.7499", false);
  cv__rc_csv_field(&b, "#1", false);           /* a leading character up to '#' is quoted */
  cv__rc_csv_field(&b, "x ", false);           /* so is a trailing space */
  cv__rc_csv_field(&b, "say \"hi\"", false);
  cv__rc_csv_field(&b, "A\nB", false);
  cv__rc_csv_field(&b, NULL, false);
  assert_string_equal(b.data, "\"\",,\"Begich, Nick\",-0.7499,\"#1\",\"x \",\"say \"\"hi\"\"\",\"A\nB\",");
  cv__buf_reset(&b);
  cv__rc_sanitize(&b, "MINNEAPOLIS W-1 P-01/\xc3\xa9");
  assert_string_equal(b.data, "MINNEAPOLIS_W-1_P-01__");
  cv__buf_fini(&b);
}

/* ---- small elections, worked by hand ---- */

static char tmpdir[256];

static void write_text(const char *name, const char *text) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", tmpdir, name);
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* A generic CSV contest (one column per candidate, the cell is the rank). */
static void write_contest(const char *stem, const char *csv, const char *cands_json, const char *rules_json) {
  char name[128], cfg[4096];
  snprintf(name, sizeof name, "%s_cvr.csv", stem);
  write_text(name, csv);
  snprintf(cfg, sizeof cfg,
           "{\"tabulatorVersion\":\"TEST\",\"outputSettings\":{\"contestName\":\"%s\",\"outputDirectory\":\"output\","
           "\"contestDate\":\"2024-01-01\",\"contestJurisdiction\":\"Town\",\"contestOffice\":\"Mayor\"},"
           "\"cvrFileSources\":[{\"filePath\":\"%s\",\"firstVoteColumnIndex\":\"2\",\"firstVoteRowIndex\":\"2\","
           "\"idColumnIndex\":\"1\",\"provider\":\"genericCsv\"}],\"candidates\":%s,\"rules\":%s}",
           stem, name, cands_json, rules_json);
  snprintf(name, sizeof name, "%s_config.json", stem);
  write_text(name, cfg);
}

static struct cv__arena arena;

static const struct cv__jval *run_contest(const char *stem, const char *tiebreak, cv_status want,
                                          struct cv_error *err) {
  char cfg[512], out[512], rep[600];
  snprintf(cfg, sizeof cfg, "%s/%s_config.json", tmpdir, stem);
  snprintf(out, sizeof out, "%s/out_%s", tmpdir, stem);
  cv_status st = cv_tabulate_rctab(cfg, out, tiebreak, NULL, NULL, err);
  if (st != want) fprintf(stderr, "unexpected status %d: %s\n", (int)st, err->message);
  assert_int_equal(st, want);
  if (st != CV_OK) return NULL;
  snprintf(rep, sizeof rep, "%s/%s_detailed_report.json", out, stem);
  FILE *f = fopen(rep, "rb");
  assert_non_null(f);
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  struct cv__jval *root = NULL;
  assert_int_equal(cv__json_parse(&arena, buf, n, CV__JSON_INPUT, NULL, rep, &root, NULL), CV_OK);
  return root;
}

static const char *jstr(const struct cv__jval *v) {
  assert_non_null(v);
  assert_int_equal(v->kind, CV__J_STR);
  return v->u.str.s;
}

static const struct cv__jval *round_of(const struct cv__jval *root, size_t r) {
  const struct cv__jval *res = cv__json_get(root, "results");
  assert_non_null(res);
  assert_true(r >= 1 && r <= res->u.arr.n);
  return res->u.arr.items[r - 1];
}

static const char *CANDS3 = "[{\"name\":\"A\"},{\"name\":\"B\"},{\"name\":\"C\"}]";

static void test_irv_by_hand(void **state) {
  (void)state;
  /* 4 A; 3 B>C; 2 C>B. Threshold floor(9/2)+1 = 5. Round 1: A 4, B 3, C 2:
   * C is eliminated and both of its ballots go to B. Round 2: B 5 wins. */
  write_contest("irv", "id,A,B,C\n1,1,,\n2,1,,\n3,1,,\n4,1,,\n5,,1,2\n6,,1,2\n7,,1,2\n8,,2,1\n9,,2,1\n", CANDS3,
                "{\"tiebreakMode\":\"useCandidateOrder\",\"overvoteRule\":\"exhaustImmediately\","
                "\"winnerElectionMode\":\"singleWinnerMajority\",\"numberOfWinners\":\"1\","
                "\"decimalPlacesForVoteArithmetic\":\"4\",\"maxSkippedRanksAllowed\":\"1\","
                "\"maxRankingsAllowed\":\"max\"}");
  struct cv_error err = {0};
  const struct cv__jval *root = run_contest("irv", NULL, CV_OK, &err);
  const struct cv__jval *r1 = round_of(root, 1), *r2 = round_of(root, 2);
  assert_string_equal(jstr(cv__json_get(r1, "threshold")), "5");
  assert_string_equal(jstr(cv__json_get(cv__json_get(r1, "tally"), "C")), "2");
  const struct cv__jval *act = cv__json_get(r1, "tallyResults")->u.arr.items[0];
  assert_string_equal(jstr(cv__json_get(act, "eliminated")), "C");
  assert_string_equal(jstr(cv__json_get(cv__json_get(act, "transfers"), "B")), "2");
  assert_string_equal(jstr(cv__json_get(cv__json_get(r2, "tally"), "B")), "5");
  assert_string_equal(jstr(cv__json_get(cv__json_get(r2, "tallyResults")->u.arr.items[0], "elected")), "B");
  assert_int_equal(cv__json_get(root, "results")->u.arr.n, 2);
}

static void test_stv_by_hand(void **state) {
  (void)state;
  /* Two seats: 6 A>B, 3 C, 1 B. Threshold floor(10/3)+1 = 4. Round 1: A 6
   * wins; surplus fraction (6-4)/6 = 0.3333 (4 places, down), so each A>B
   * ballot moves 0.3333 and A keeps 0.6667. Round 2: B 1 + 6 x 0.3333 =
   * 2.9998; A's kept parts add to 4.0002, brought back to 4 with a residual
   * surplus of 0.0002. B is eliminated (C has 3); round 3: C alone wins. */
  write_contest("stv", "id,A,B,C\n1,1,2,\n2,1,2,\n3,1,2,\n4,1,2,\n5,1,2,\n6,1,2,\n7,,,1\n8,,,1\n9,,,1\n10,,1,\n",
                CANDS3,
                "{\"tiebreakMode\":\"useCandidateOrder\",\"overvoteRule\":\"exhaustImmediately\","
                "\"winnerElectionMode\":\"multiWinnerAllowMultipleWinnersPerRound\",\"numberOfWinners\":\"2\","
                "\"decimalPlacesForVoteArithmetic\":\"4\",\"maxSkippedRanksAllowed\":\"1\","
                "\"maxRankingsAllowed\":\"3\"}");
  struct cv_error err = {0};
  const struct cv__jval *root = run_contest("stv", NULL, CV_OK, &err);
  const struct cv__jval *r1 = round_of(root, 1), *r2 = round_of(root, 2), *r3 = round_of(root, 3);
  const struct cv__jval *act = cv__json_get(r1, "tallyResults")->u.arr.items[0];
  assert_string_equal(jstr(cv__json_get(act, "elected")), "A");
  assert_string_equal(jstr(cv__json_get(cv__json_get(act, "transfers"), "B")), "1.9998");
  assert_string_equal(jstr(cv__json_get(cv__json_get(act, "transfers"), "residual surplus")), "0.0002");
  assert_string_equal(jstr(cv__json_get(cv__json_get(r2, "tally"), "B")), "2.9998");
  assert_string_equal(jstr(cv__json_get(cv__json_get(r2, "tally"), "A")), "4");
  assert_string_equal(jstr(cv__json_get(cv__json_get(r2, "tallyResults")->u.arr.items[0], "eliminated")), "B");
  assert_string_equal(jstr(cv__json_get(cv__json_get(r3, "tallyResults")->u.arr.items[0], "elected")), "C");
}

static void test_hare_scales_by_hand(void **state) {
  (void)state;
  /* Two seats, Hare quota: 5 A>B, 3 B, 2 C>B. Threshold ceil(10/2) = 5.
   * Round 1: A has exactly 5 and wins with no surplus: the fraction is 0, so
   * each A ballot keeps 1.00 (scale 2) for A and moves 0.00. Round 2: those
   * ballots reach B with 0.00, which makes B "3.00" (BigDecimal keeps the
   * larger scale); A's kept parts add to 5.00; C (2) is eliminated. Round 3:
   * B has 3.00 + 2 = 5.00 and wins. */
  write_contest("hare", "id,A,B,C\n1,1,2,\n2,1,2,\n3,1,2,\n4,1,2,\n5,1,2,\n6,,1,\n7,,1,\n8,,1,\n9,,2,1\n10,,2,1\n",
                CANDS3,
                "{\"tiebreakMode\":\"useCandidateOrder\",\"overvoteRule\":\"exhaustImmediately\","
                "\"winnerElectionMode\":\"multiWinnerAllowMultipleWinnersPerRound\",\"numberOfWinners\":\"2\","
                "\"hareQuota\":true,\"decimalPlacesForVoteArithmetic\":\"2\",\"maxSkippedRanksAllowed\":\"1\","
                "\"maxRankingsAllowed\":\"3\"}");
  struct cv_error err = {0};
  const struct cv__jval *root = run_contest("hare", NULL, CV_OK, &err);
  const struct cv__jval *r1 = round_of(root, 1), *r2 = round_of(root, 2), *r3 = round_of(root, 3);
  assert_string_equal(jstr(cv__json_get(r1, "threshold")), "5");
  assert_string_equal(jstr(cv__json_get(cv__json_get(r1, "tallyResults")->u.arr.items[0], "elected")), "A");
  assert_string_equal(jstr(cv__json_get(cv__json_get(r2, "tally"), "A")), "5.00");
  assert_string_equal(jstr(cv__json_get(cv__json_get(r2, "tally"), "B")), "3.00");
  assert_string_equal(jstr(cv__json_get(cv__json_get(r2, "tally"), "C")), "2");
  assert_string_equal(jstr(cv__json_get(cv__json_get(r2, "tallyResults")->u.arr.items[0], "eliminated")), "C");
  assert_string_equal(jstr(cv__json_get(cv__json_get(r3, "tally"), "B")), "5.00");
  assert_string_equal(jstr(cv__json_get(cv__json_get(r3, "tallyResults")->u.arr.items[0], "elected")), "B");
}

static const char *TIE_CSV = "id,A,B,C\n1,1,,\n2,1,,\n3,,1,\n4,,1,\n5,,,1\n";

static void test_tie_by_order_and_by_decision(void **state) {
  (void)state;
  /* 2 A, 2 B, 1 C: C goes; A and B tie at 2 with no one at the threshold
   * (3): the winner is the first of the two in the configured order. */
  const char *rules = "{\"tiebreakMode\":\"%s\",\"overvoteRule\":\"exhaustImmediately\","
                      "\"winnerElectionMode\":\"singleWinnerMajority\",\"numberOfWinners\":\"1\","
                      "\"decimalPlacesForVoteArithmetic\":\"4\",\"maxSkippedRanksAllowed\":\"unlimited\","
                      "\"maxRankingsAllowed\":\"max\"}";
  char r[512];
  snprintf(r, sizeof r, rules, "useCandidateOrder");
  write_contest("tie_order", TIE_CSV, CANDS3, r);
  struct cv_error err = {0};
  const struct cv__jval *root = run_contest("tie_order", NULL, CV_OK, &err);
  assert_string_equal(jstr(cv__json_get(cv__json_get(round_of(root, 2), "tallyResults")->u.arr.items[0], "elected")),
                      "A");
  /* asking: without a decision the count stops and names the tied candidates */
  snprintf(r, sizeof r, rules, "stopCountingAndAsk");
  write_contest("tie_ask", TIE_CSV, CANDS3, r);
  memset(&err, 0, sizeof err);
  run_contest("tie_ask", NULL, CV_ETIE, &err);
  assert_non_null(strstr(err.message, "tie needs a decision"));
  assert_non_null(strstr(err.message, "\"A\" and \"B\""));
  memset(&err, 0, sizeof err);
  root = run_contest("tie_ask", "B", CV_OK, &err);
  assert_string_equal(jstr(cv__json_get(cv__json_get(round_of(root, 2), "tallyResults")->u.arr.items[0], "elected")),
                      "B");
  memset(&err, 0, sizeof err);
  run_contest("tie_ask", "Z", CV_EUSAGE, &err);
}

static void test_config_errors_name_the_field(void **state) {
  (void)state;
  write_contest("bad", TIE_CSV, CANDS3,
                "{\"tiebreakMode\":\"sometimes\",\"overvoteRule\":\"exhaustImmediately\","
                "\"winnerElectionMode\":\"singleWinnerMajority\",\"numberOfWinners\":\"1\","
                "\"decimalPlacesForVoteArithmetic\":\"4\",\"maxSkippedRanksAllowed\":\"1\",\"maxRankingsAllowed\":\"max\"}");
  struct cv_error err = {0};
  run_contest("bad", NULL, CV_EINVAL, &err);
  assert_string_equal(err.field, "rules.tiebreakMode");
  write_contest("bad2", TIE_CSV, CANDS3,
                "{\"tiebreakMode\":\"random\",\"randomSeed\":\"1\",\"overvoteRule\":\"exhaustImmediately\","
                "\"winnerElectionMode\":\"singleWinnerMajority\",\"numberOfWinners\":\"1\","
                "\"decimalPlacesForVoteArithmetic\":\"40\",\"maxSkippedRanksAllowed\":\"1\",\"maxRankingsAllowed\":\"max\"}");
  memset(&err, 0, sizeof err);
  run_contest("bad2", NULL, CV_EINVAL, &err);
  assert_string_equal(err.field, "rules.decimalPlacesForVoteArithmetic");
  /* a candidate the configuration does not list */
  write_contest("unknown", "id,A,B,D\n1,1,,\n2,,,1\n", CANDS3,
                "{\"tiebreakMode\":\"useCandidateOrder\",\"overvoteRule\":\"exhaustImmediately\","
                "\"winnerElectionMode\":\"singleWinnerMajority\",\"numberOfWinners\":\"1\","
                "\"decimalPlacesForVoteArithmetic\":\"4\",\"maxSkippedRanksAllowed\":\"1\",\"maxRankingsAllowed\":\"max\"}");
  memset(&err, 0, sizeof err);
  run_contest("unknown", NULL, CV_EINVAL, &err);
  assert_string_equal(err.field, "candidates");
  assert_non_null(strstr(err.message, "\"D\""));
  memset(&err, 0, sizeof err);
  cv_status st = cv_tabulate_rctab("/nonexistent/x_config.json", "/tmp", NULL, NULL, NULL, &err);
  assert_int_equal(st, CV_ENOENT);
}

static void test_config_refuses_users_folder(void **state) {
  (void)state;
  /* RCTab refuses output folders under the Windows user accounts */
  write_text("users_cvr.csv", "id,A,B,C\n1,1,,\n");
  write_text("users_config.json",
             "{\"tabulatorVersion\":\"TEST\",\"outputSettings\":{\"contestName\":\"x\",\"outputDirectory\":"
             "\"C:/Users/output\"},\"cvrFileSources\":[{\"filePath\":\"users_cvr.csv\",\"firstVoteColumnIndex\":2,"
             "\"firstVoteRowIndex\":2,\"provider\":\"genericCsv\"}],\"candidates\":[{\"name\":\"A\"}],\"rules\":{}}");
  struct cv_error err = {0};
  run_contest("users", NULL, CV_EINVAL, &err);
  assert_string_equal(err.field, "outputSettings.outputDirectory");
}

/* ---- RCTab's convert-to-CDF action on RCTab's own cases ---- */

/* JSON equality as maps (member order ignored), skipping GeneratedDate. */
static bool same_json(const struct cv__jval *a, const struct cv__jval *b) {
  if (a->kind != b->kind) return false;
  switch (a->kind) {
  case CV__J_NULL: return true;
  case CV__J_BOOL: return a->u.b == b->u.b;
  case CV__J_INT: return a->u.i == b->u.i;
  case CV__J_STR: return a->u.str.len == b->u.str.len && memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
  case CV__J_ARR:
    if (a->u.arr.n != b->u.arr.n) return false;
    for (size_t i = 0; i < a->u.arr.n; i++)
      if (!same_json(a->u.arr.items[i], b->u.arr.items[i])) return false;
    return true;
  case CV__J_OBJ:
    if (a->u.obj.n != b->u.obj.n) return false;
    for (size_t i = 0; i < a->u.obj.n; i++) {
      const struct cv__jmember *m = &a->u.obj.members[i];
      if (strcmp(m->key, "GeneratedDate") == 0) continue;
      const struct cv__jval *v = cv__json_get(b, m->key);
      if (!v || !same_json(m->val, v)) return false;
    }
    return true;
  }
  return false;
}

static struct cv__jval *load_json(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 20, n = 0, r;
  char *buf = malloc(cap);
  while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0)
    if ((n += r) == cap) buf = realloc(buf, cap *= 2);
  fclose(f);
  if (!buf) return NULL;
  char *copy = cv__arena_strndup(&arena, buf, n);
  free(buf);
  struct cv__json_limits lim = {64, 16u << 20, 50000000};
  struct cv__jval *v = NULL;
  if (!copy || cv__json_parse(&arena, copy, n, CV__JSON_INPUT, &lim, path, &v, NULL) != CV_OK) return NULL;
  return v;
}

static void test_convert_cdf_cases(void **state) {
  (void)state;
  const char *env = getenv("CANVASS_TESTDATA");
  char root[512];
  snprintf(root, sizeof root, "%s/rctab", env && *env ? env : CANVASS_SOURCE_DIR "/../shared/testdata");
  struct stat sb;
  if (stat(root, &sb) != 0) {
    printf("skipped: no RCTab test data at %s\n", root);
    return;
  }
  const char *cases[] = {"conversions_from_cdf", "conversions_from_dominion", "conversions_from_ess"};
  for (size_t i = 0; i < 3; i++) {
    char cfg[700], out[700], got[900], want[900];
    snprintf(cfg, sizeof cfg, "%s/%s/%s_config.json", root, cases[i], cases[i]);
    snprintf(out, sizeof out, "%s/convert_%s", tmpdir, cases[i]);
    struct cv_error err = {0};
    cv_status st = cv__rc_convert_cdf(cfg, out, &err);
    if (st != CV_OK) fprintf(stderr, "%s: %s\n", cases[i], err.message);
    assert_int_equal(st, CV_OK);
    snprintf(got, sizeof got, "%s/%s_cdf_cvr.json", out, cases[i]);
    snprintf(want, sizeof want, "%s/%s/%s_expected_cdf_cvr.json", root, cases[i], cases[i]);
    struct cv__jval *a = load_json(want), *b = load_json(got);
    assert_non_null(a);
    assert_non_null(b);
    if (!same_json(a, b)) fail_msg("%s: the CDF conversion differs from RCTab's", cases[i]);
  }
}

/* ---- out of memory: every allocation failure is reported, never a crash ---- */

static long fail_at = -1, n_allocs = 0;

static bool should_fail(void) { return fail_at >= 0 && n_allocs++ == fail_at; }
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

/* Runs cfg with the Nth allocation failing, for N = 0, 1, ... until a run
 * succeeds: every failure must be a clean error with a message. */
static void oom_loop(const char *cfg, const char *out) {
  struct cv_allocator hook = {t_malloc, t_realloc, t_free, NULL};
  cv_set_allocator(&hook);
  long n;
  for (n = 0; n < 20000; n++) {
    fail_at = n;
    n_allocs = 0;
    struct cv_error err = {0};
    cv_status st = cv_tabulate_rctab(cfg, out, NULL, NULL, NULL, &err);
    if (st == CV_OK) break;
    if (st != CV_ENOMEM) fprintf(stderr, "allocation %ld: status %d: %s\n", n, (int)st, err.message);
    assert_true(st == CV_ENOMEM || st == CV_ELIMIT || st == CV_EINVAL || st == CV_EIO);
    assert_true(err.message[0] != '\0');
  }
  fail_at = -1;
  cv_set_allocator(NULL);
  assert_true(n > 10 && n < 20000); /* allocations were failed, and a run got through */
}

static void test_out_of_memory(void **state) {
  (void)state;
  char cfg[512], out[512];
  /* the two-seat contest above: surpluses, tallies and reports */
  snprintf(cfg, sizeof cfg, "%s/stv_config.json", tmpdir);
  snprintf(out, sizeof out, "%s/out_oom", tmpdir);
  oom_loop(cfg, out);
  /* per-precinct reports and the CDF export */
  write_text("oomp_cvr.csv", "id,precinct,A,B,C\n1,p1,1,2,\n2,p2,1,,\n3,p1,,1,2\n4,p2,,2,1\n5,p 3,2,1,\n");
  write_text("oomp_config.json",
             "{\"tabulatorVersion\":\"TEST\",\"outputSettings\":{\"contestName\":\"p\",\"tabulateByPrecinct\":true,"
             "\"generateCdfJson\":true},\"cvrFileSources\":[{\"filePath\":\"oomp_cvr.csv\",\"firstVoteColumnIndex\":3,"
             "\"firstVoteRowIndex\":2,\"idColumnIndex\":1,\"precinctColumnIndex\":2,\"provider\":\"genericCsv\"}],"
             "\"candidates\":[{\"name\":\"A\"},{\"name\":\"B\"},{\"name\":\"C\"}],\"rules\":{\"tiebreakMode\":"
             "\"random\",\"randomSeed\":\"5\",\"overvoteRule\":\"alwaysSkipToNextRank\",\"winnerElectionMode\":"
             "\"singleWinnerMajority\",\"numberOfWinners\":\"1\",\"decimalPlacesForVoteArithmetic\":\"4\","
             "\"maxSkippedRanksAllowed\":\"1\",\"maxRankingsAllowed\":\"max\"}}");
  snprintf(cfg, sizeof cfg, "%s/oomp_config.json", tmpdir);
  snprintf(out, sizeof out, "%s/out_oomp", tmpdir);
  oom_loop(cfg, out);
  char rep[600];
  snprintf(rep, sizeof rep, "%s/Tabulate by Precinct/oomp_p_3_precinct_detailed_report.json", out);
  assert_int_equal(access(rep, R_OK), 0); /* "p 3" sanitized */
}

static int setup(void **state) {
  (void)state;
  snprintf(tmpdir, sizeof tmpdir, "/tmp/test_rctab_XXXXXX");
  assert_non_null(mkdtemp(tmpdir));
  cv__arena_init(&arena, 0);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  cv__arena_fini(&arena);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) return 1;
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_jrandom_next_int),
      cmocka_unit_test(test_jrandom_bound),
      cmocka_unit_test(test_jrandom_double_and_pick),
      cmocka_unit_test(test_jrandom_shuffle),
      cmocka_unit_test(test_decimal_print_and_scale),
      cmocka_unit_test(test_decimal_divide),
      cmocka_unit_test(test_percent),
      cmocka_unit_test(test_java_hash_order),
      cmocka_unit_test(test_csv_quoting),
      cmocka_unit_test(test_irv_by_hand),
      cmocka_unit_test(test_stv_by_hand),
      cmocka_unit_test(test_hare_scales_by_hand),
      cmocka_unit_test(test_tie_by_order_and_by_decision),
      cmocka_unit_test(test_config_errors_name_the_field),
      cmocka_unit_test(test_config_refuses_users_folder),
      cmocka_unit_test(test_convert_cdf_cases),
      cmocka_unit_test(test_out_of_memory),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
