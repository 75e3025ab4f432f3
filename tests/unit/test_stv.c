/* Unit tests for the STV rules: small elections counted by hand (the
 * working is in the comments; the expected values never come from the code
 * under test), options checking, ties, and the Irish last-parcel rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "canvass/alloc.h"
#include "canvass/tabulate.h"
#include "formats/blt.h"
#include "tabulate/stv.h"
#include "util/buf.h"

struct run {
  struct cv__blt blt;
  struct cv__stv_config cfg;
  struct cv__stv_count k;
};

static void count(struct run *r, const char *text, const char *rule, const char *const *opts,
                  size_t n) {
  struct cv_error err = {0};
  memset(r, 0, sizeof *r);
  if (cv__blt_parse(&r->blt, text, strlen(text), "t.blt", NULL, &err) != CV_OK)
    fail_msg("blt: %s", err.message);
  if (cv__stv_configure(&r->cfg, rule, opts, n, r->blt.options, r->blt.option_lines,
                        r->blt.n_options, "t.blt", &err) != CV_OK)
    fail_msg("config: %s", err.message);
  if (cv__stv_count(&r->k, &r->blt, &r->cfg, "t.blt", &err) != CV_OK)
    fail_msg("count: %s", err.message);
}

static void done(struct run *r) {
  cv__stv_fini(&r->k);
  cv__blt_fini(&r->blt);
}

/* Elected names in order, joined by ", ". */
static void expect_elected(const struct run *r, const char *want) {
  char got[400] = "";
  for (uint32_t i = 0; i < r->k.n_elected; i++)
    snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? ", " : "",
             r->blt.names[r->k.elected[i]]);
  assert_string_equal(got, want);
}

/* Final tallies in candidate order, joined by " ". */
static void expect_final(const struct run *r, const char *want, const char *exhausted) {
  const struct cv__stv_round *rd = &r->k.rounds[r->k.n_rounds - 1];
  char got[400] = "";
  for (uint32_t i = 0; i < r->k.nc; i++)
    snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? " " : "",
             rd->tallies[i] ? rd->tallies[i] : "-");
  assert_string_equal(got, want);
  if (exhausted) assert_string_equal(rd->exhausted, exhausted);
}

static const char THREE[] =
    "3 2\n4 1 2 0\n2 3 0\n0\n\"Ann\"\n\"Bob\"\n\"Cy\"\n\"Three candidates\"\n";

/* 6 ballots, 2 seats: quota = 6 // 3 + 1 = 3. Ann 4 is elected with a
 * surplus of 1; Ann's 4 ballots go on to Bob at 1 x 1 / 4 = 0.25 each,
 * Bob 1.00000. Bob (1) < Cy (2) is defeated; those ballots rank no
 * one else and exhaust (1.00000). Cy is the last hopeful for the last
 * seat. */
static void test_scotland_three(void **state) {
  (void)state;
  struct run r;
  count(&r, THREE, "scotland", NULL, 0);
  expect_elected(&r, "Ann, Cy");
  assert_string_equal(r.k.rounds[0].quota, "3.00000");
  expect_final(&r, "3.00000 0.00000 2.00000", "1.00000");
  done(&r);
}

/* Rounding: 12 ballots, 2 seats, quota 12 // 3 + 1 = 5. A has 7 (7 "1 2"),
 * surplus 2: each of A's 7 ballots moves at 1 x 2 / 7 = 0.285714...,
 * truncated to 0.28571, so B gets 7 x 0.28571 = 1.99997 and has
 * 3 + 1.99997 = 4.99997, short of the quota by the rounding. C (2) is
 * defeated, its ballots exhaust, and B takes the last seat. */
static const char ROUNDING[] = "3 2\n7 1 2 0\n3 2 0\n2 3 0\n0\nA\nB\nC\nT\n";

static void test_scotland_rounding(void **state) {
  (void)state;
  struct run r;
  count(&r, ROUNDING, "scotland", NULL, 0);
  expect_elected(&r, "A, B");
  expect_final(&r, "5.00000 4.99997 0.00000", "2.00000");
  done(&r);
}

/* The same ballots under the PR Foundation WIGM (4 places): quota =
 * 12 / 3 + 0.0001 = 4.0001. Round 1: A (7) is elected with surplus
 * 2.9999; each ballot moves at (1 x 2.9999) / 7 = 0.42855... -> 0.4285,
 * B gets 7 x 0.4285 = 2.9995: 5.9995. Round 2: B is elected and, since C
 * is still hopeful, B's surplus 1.9994 is transferred too (two roundings,
 * each down): the 7 ballots from A at 0.4285 x 1.9994 = 0.8567, / 5.9995 =
 * 0.1427 (x 7 = 0.9989), B's own 3 at 1.9994 / 5.9995 = 0.3332 (x 3 =
 * 0.9996). No one else is ranked: 1.9985 exhausts and B keeps 4.0001. C is
 * defeated as remaining with its 2 votes. */
static void test_wigm_prf(void **state) {
  (void)state;
  struct run r;
  count(&r, ROUNDING, "wigm-prf", NULL, 0);
  expect_elected(&r, "A, B");
  assert_string_equal(r.k.rounds[0].quota, "4.0001");
  expect_final(&r, "4.0001 4.0001 2.0000", "1.9985");
  done(&r);
}

/* Meek, rational: 12 ballots (6 "A B", 3 "C", 3 "B"), 2 seats; the quota
 * is 12 / 3 = 4 and a candidate needs more than 4. Round 1: A 6 is elected.
 * Round 2: A's keep factor becomes 1 x 4 / 6 = 2/3, so A keeps 6 x 2/3 = 4
 * and passes 6 x 1/3 = 2 to B: B 3 + 2 = 5 > 4, elected. C is defeated as
 * remaining and shows 0. Displayed with 12 places. */
static const char MEEK[] = "3 2\n6 1 2 0\n3 3 0\n3 2 0\n0\nA\nB\nC\nT\n";

static void test_meek_rational(void **state) {
  (void)state;
  struct run r;
  static const char *const opts[] = {"arithmetic=rational"};
  count(&r, MEEK, "meek", opts, 1);
  expect_elected(&r, "A, B");
  assert_string_equal(r.k.rounds[0].quota, "4.000000000000");
  expect_final(&r, "4.000000000000 5.000000000000 0.000000000000", NULL);
  done(&r);
}

/* Warren on the same ballots: A keeps min(2/3, 1) = 2/3 of each ballot,
 * the same 4 and 2 as Meek here. */
static void test_warren_rational(void **state) {
  (void)state;
  struct run r;
  static const char *const opts[] = {"arithmetic=rational", "omega=10"};
  count(&r, MEEK, "warren", opts, 2);
  expect_elected(&r, "A, B");
  expect_final(&r, "4.000000000000 5.000000000000 0.000000000000", NULL);
  done(&r);
}

/* A tie for the lowest, settled by the tie order: 3 candidates, 1 seat,
 * quota 7 // 2 + 1 = 4; A 3, B 2, C 2. Round 1: B and C tie for the
 * lowest and had equal votes at the start of round 1 too, the only earlier
 * round, so the tie order (ballot order) decides: B is defeated. Round 2:
 * C (2) is defeated and A takes the seat. */
static void test_tie_by_order(void **state) {
  (void)state;
  struct run r;
  count(&r, "3 1\n3 1 0\n2 2 0\n2 3 0\n0\nA\nB\nC\nT\n", "scotland", NULL, 0);
  expect_elected(&r, "A");
  assert_int_equal(r.k.defeated[0], 1);
  /* The tie is recorded with how it was settled. */
  const struct cv__stv_action *tie = NULL;
  for (size_t i = 0; i < r.k.n_rounds; i++)
    for (size_t j = 0; j < r.k.rounds[i].n_actions; j++)
      if (!strcmp(r.k.rounds[i].actions[j].action, "tie") && !tie) tie = &r.k.rounds[i].actions[j];
  assert_non_null(tie);
  assert_int_equal(tie->n_cands, 2);
  assert_string_equal(tie->value, "tie order (droop's stand-in for a lot)");
  done(&r);
}

/* A tie settled by an earlier round: 4 candidates, 1 seat. First count
 * A 4, B 3, C 2, D 1 ("D C" x1). Round 1: D (1) is defeated; its ballot
 * goes to C: C 3 = B 3. Round 2: B and C tie for lowest; at the start of
 * round 1 B had 3 and C 2, so C is defeated. */
static void test_tie_by_history(void **state) {
  (void)state;
  struct run r;
  count(&r, "4 1\n4 1 0\n3 2 0\n2 3 0\n1 4 3 0\n0\nA\nB\nC\nD\nT\n", "scotland", NULL, 0);
  assert_int_equal(r.k.defeated[0], 3);
  assert_int_equal(r.k.defeated[1], 2);
  done(&r);
}

/* The Irish rule takes a surplus from the last parcel only. 23 ballots,
 * 3 seats (precision 2): 4 "B C", 13 "A B D", 3 "C", 3 "D"; quota =
 * 23 // 4 + 1 = 6.
 *   Round 0: A 13 elected (surplus 7), B 4, C 3, D 3.
 *   Round 1: A's 13 papers all go to B at 7 / 13 = 0.538... -> 0.53:
 *     B += 6.89 = 10.89, elected (surplus 4.89); 0.11 is lost to rounding.
 *   Round 2: B's surplus comes only from that last parcel (the 13 papers
 *     "A B D"), not from B's own 4 "B C" papers: 13 papers to D at
 *     4.89 / 13 = 0.376... -> 0.37, D += 4.81 = 7.81, elected. Lost 0.08.
 * C never receives anything (under Gregory rules it would: see below). */
static const char IRISH[] = "4 3\n4 2 3 0\n13 1 2 4 0\n3 3 0\n3 4 0\n0\nA\nB\nC\nD\nT\n";

static void test_irish_last_parcel(void **state) {
  (void)state;
  struct run r;
  count(&r, IRISH, "irish", NULL, 0);
  expect_elected(&r, "A, B, D");
  assert_string_equal(r.k.rounds[0].quota, "6.00");
  expect_final(&r, "6.00 6.00 3.00 7.81", "0.19");
  /* Round 1 moved A's 13 papers to B carrying 13 x 0.53 = 6.89. */
  const struct cv__stv_round *r1 = &r.k.rounds[1];
  const struct cv__stv_action *t1 = NULL;
  for (size_t j = 0; j < r1->n_actions; j++)
    if (!strcmp(r1->actions[j].action, "transfer")) t1 = &r1->actions[j];
  assert_non_null(t1);
  assert_string_equal(t1->reason, "surplus (all papers)");
  assert_string_equal(t1->amount, "7.00");
  assert_int_equal(t1->n_moved, 1);
  assert_int_equal(t1->moved[0].to, 1);
  assert_int_equal(t1->moved[0].papers, 13);
  assert_string_equal(t1->moved[0].votes, "6.89");
  /* Round 2 records the papers moved: 13 to D carrying 4.81. */
  const struct cv__stv_round *r2 = &r.k.rounds[2];
  const struct cv__stv_action *t = NULL;
  for (size_t j = 0; j < r2->n_actions; j++)
    if (!strcmp(r2->actions[j].action, "transfer")) t = &r2->actions[j];
  assert_non_null(t);
  assert_string_equal(t->reason, "surplus (last parcel)");
  assert_string_equal(t->value, "0.37");
  assert_int_equal(t->n_moved, 1);
  assert_int_equal(t->moved[0].to, 3);
  assert_int_equal(t->moved[0].papers, 13);
  assert_string_equal(t->moved[0].votes, "4.81");
  done(&r);
}

/* The same ballots under Scotland (Gregory, all papers): A's surplus 7
 * moves at 7 / 13 = 0.53846, B = 4 + 13 x 0.53846 = 10.99998 (surplus
 * 4.99998). B's 4 "B C" papers move at 4.99998 / 10.99998 = 0.45454 (C
 * gets 1.81816, 4.81816) and the 13 at 0.53846 x 4.99998 / 10.99998 =
 * 0.24475 (D gets 3.18175, 6.18175 >= 6, elected). */
static void test_scotland_vs_irish(void **state) {
  (void)state;
  struct run r;
  count(&r, IRISH, "scotland", NULL, 0);
  expect_elected(&r, "A, B, D");
  expect_final(&r, "6.00000 6.00000 4.81816 6.18175", "0.00000");
  done(&r);
}

/* Minneapolis on the ROUNDING ballots, 4 places: threshold 12 // 3 + 1 = 5.
 * Round 2: no certain losers (C 2 + surplus 2 is not below B 3); A is
 * elected and its surplus moves at (1 x 2) / 7 = 0.2857 (two roundings,
 * down): B = 3 + 7 x 0.2857 = 4.9999. Round 3: C (2 + no surplus < 4.9999)
 * is a certain loser; its 2 ballots exhaust. Round 4: B is the last
 * hopeful for the last seat. */
static void test_mpls(void **state) {
  (void)state;
  struct run r;
  count(&r, ROUNDING, "mpls", NULL, 0);
  expect_elected(&r, "A, B");
  assert_string_equal(r.k.rounds[0].quota, "5.0000");
  expect_final(&r, "5.0000 4.9999 0.0000", "2.0000");
  done(&r);
}

/* CfER on the ROUNDING ballots, 5 places: quota 12 / 3 + 0.00001 =
 * 4.00001. Round 1: A (7) is elected with a surplus of 2.99999, moved at
 * 2.99999 / 7 = 0.42857 exactly (7 x 42857 = 299999): B = 3 + 2.99999 =
 * 5.99999. Round 2: B is elected, both seats are filled, C is defeated. */
static void test_cfer(void **state) {
  (void)state;
  struct run r;
  count(&r, ROUNDING, "cfer", NULL, 0);
  expect_elected(&r, "A, B");
  expect_final(&r, "4.00001 5.99999 2.00000", "0.00000");
  done(&r);
}

/* QPQ, 2 seats: 4 "A B", 2 "B", 3 "C" (9 ballots; guarded 9+9 places).
 *   Round 1: quotients A 4/1, B 2/1, C 3/1; quota 9 / (3 - 0) = 3:
 *     A (4 > 3) is elected; its 4 ballots carry 1/4 each on to B.
 *   Round 2: B has 6 ballots carrying 4 x 1/4 = 1: quotient 6 / (1 + 1) =
 *     3; C 3 / 1 = 3; quota 3. Nobody is above the quota, so the lowest
 *     quotient goes: B and C tie at 3, the tie order excludes B, and the
 *     count restarts without B (A's election is undone).
 *   Round 3: the 2 "B" ballots are inactive (carrying 0); 7 active: quota
 *     7 / 3 = 2.33...; A 4/1 is elected again. C is then the last hopeful
 *     for the last seat.
 * Tallies are ballots: A 4, B 6 (when excluded), C 3. */
static void test_qpq(void **state) {
  (void)state;
  struct run r;
  count(&r, "3 2\n4 1 2 0\n2 2 0\n3 3 0\n0\nA\nB\nC\nT\n", "qpq", NULL, 0);
  expect_elected(&r, "A, C");
  assert_string_equal(r.k.rounds[0].quota, "3.000000000");
  assert_int_equal(r.k.defeated[0], 1);
  expect_final(&r, "4.000000000 6.000000000 3.000000000", NULL);
  done(&r);
}

static void expect_config_error(const char *rule, const char *const *opts, size_t n, cv_status code,
                                const char *msg) {
  struct cv__stv_config cfg;
  struct cv_error err = {0};
  assert_int_equal(cv__stv_configure(&cfg, rule, opts, n, NULL, NULL, 0, "t.blt", &err), code);
  assert_string_equal(err.message, msg);
}

static void test_options(void **state) {
  (void)state;
  static const char *const bad_key[] = {"defeat_bach=none"};
  expect_config_error(
      "wigm", bad_key, 1, CV_EUSAGE,
      "option defeat_bach: unknown or not used by rule wigm (known: arithmetic, precision, "
      "guard, display, integer_quota, defeat_batch)");
  static const char *const forced[] = {"precision=6"};
  expect_config_error("scotland", forced, 1, CV_EUSAGE,
                      "option precision: rule scotland fixes precision at 5");
  static const char *const arith[] = {"arithmetic=float"};
  expect_config_error("meek", arith, 1, CV_EUSAGE,
                      "option arithmetic: expected fixed, guarded, rational or integer");
  expect_config_error(
      "stv", NULL, 0, CV_EUSAGE,
      "unknown rule \"stv\"; expected scotland, wigm, wigm-prf, wigm-prf-batch, mpls, meek, "
      "warren, meek-prf, qpq, cfer, cfer-batch or irish");
  /* droop's defaults: meek guarded 18 + 9, omega 9; forced values accepted
   * when equal. */
  struct cv__stv_config cfg;
  struct cv_error err = {0};
  assert_int_equal(cv__stv_configure(&cfg, "meek", NULL, 0, NULL, NULL, 0, "t.blt", &err), CV_OK);
  assert_int_equal(cfg.arith, CV__ARITH_GUARDED);
  assert_int_equal(cfg.precision, 18);
  assert_int_equal(cfg.guard, 9);
  assert_int_equal(cfg.omega, 9);
  static const char *const same[] = {"arithmetic=fixed", "precision=5", "display=5"};
  assert_int_equal(cv__stv_configure(&cfg, "scotland", same, 3, NULL, NULL, 0, "t.blt", &err),
                   CV_OK);
  /* A BLT file's options: unknown ones are noted, fixed ones overridden. */
  static const char *const file[] = {"prexision=5", "precision=5"};
  static const uint32_t lines[] = {2, 2};
  assert_int_equal(cv__stv_configure(&cfg, "mpls", NULL, 0, file, lines, 2, "t.blt", &err), CV_OK);
  assert_int_equal(cfg.precision, 4);
  assert_int_equal(cfg.n_ignored, 1);
  assert_string_equal(cfg.ignored[0], "prexision=5");
  assert_int_equal(cfg.n_overridden, 1);
  assert_string_equal(cfg.overridden[0], "precision=5");
}

/* Equal rankings are counted only by meek and warren (as in droop). */
static void test_equal_rankings_refused(void **state) {
  (void)state;
  struct cv__blt b;
  struct cv__stv_config cfg;
  struct cv__stv_count k;
  struct cv_error err = {0};
  const char *t = "3 1\n2 1=2 0\n1 3 0\n0\nA\nB\nC\nT\n";
  assert_int_equal(cv__blt_parse(&b, t, strlen(t), "t.blt", NULL, &err), CV_OK);
  assert_int_equal(cv__stv_configure(&cfg, "scotland", NULL, 0, NULL, NULL, 0, "t.blt", &err),
                   CV_OK);
  assert_int_equal(cv__stv_count(&k, &b, &cfg, "t.blt", &err), CV_EINVAL);
  assert_string_equal(
      err.message,
      "equal rankings (a=b) are counted only by the meek and warren rules, as in droop; "
      "rule scotland cannot count them");
  /* at the "=" of "1=2" on line 2 */
  assert_string_equal(err.file, "t.blt");
  assert_int_equal(err.line, 2);
  assert_int_equal(err.column, 4);
  cv__stv_fini(&k);
  cv__blt_fini(&b);
}

/* The report names the winners and writes tallies as strings. */
static void test_report(void **state) {
  (void)state;
  struct run r;
  count(&r, THREE, "scotland", NULL, 0);
  struct cv__buf out;
  cv__buf_init(&out, 0);
  assert_int_equal(cv__stv_report(&r.k, "t.blt", &out), CV_OK);
  assert_non_null(strstr(out.data, "\"elected\": [\n    \"Ann\",\n    \"Cy\"\n  ]"));
  assert_non_null(strstr(out.data, "\"quota\": \"3.00000\""));
  cv__buf_fini(&out);
  done(&r);
}

/* The public entry point: reads the file, writes OUT/report.json, and
 * refuses bad input without writing anything. */
static void test_tabulate_blt_api(void **state) {
  (void)state;
  char dir[] = "/tmp/canvass-stv-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char blt[300], out[300], report[340];
  snprintf(blt, sizeof blt, "%s/three.blt", dir);
  snprintf(out, sizeof out, "%s/out", dir);
  snprintf(report, sizeof report, "%s/report.json", out);
  FILE *f = fopen(blt, "w");
  assert_non_null(f);
  fputs(THREE, f);
  fclose(f);
  struct cv_error err = {0};
  static const char *const opts[] = {"arithmetic=fixed", "precision=5"};
  assert_int_equal(cv_tabulate_blt(blt, "scotland", opts, 2, out, NULL, NULL, &err), CV_OK);
  f = fopen(report, "r");
  assert_non_null(f);
  char text[4096];
  size_t n = fread(text, 1, sizeof text - 1, f);
  text[n] = '\0';
  fclose(f);
  assert_non_null(strstr(text, "\"rule\": \"scotland\""));
  assert_non_null(strstr(text, "\"elected\": [\n    \"Ann\",\n    \"Cy\"\n  ]"));
  remove(report);
  /* A bad option is refused before the file is read; nothing is written. */
  static const char *const bad[] = {"omega=6"};
  struct cv_error e2 = {0};
  assert_int_equal(cv_tabulate_blt(blt, "scotland", bad, 1, out, NULL, NULL, &e2), CV_EUSAGE);
  assert_string_equal(e2.message,
                      "option omega: unknown or not used by rule scotland (known: arithmetic, "
                      "precision, display)");
  assert_null(fopen(report, "r"));
  struct cv_error e3 = {0};
  char missing[320];
  snprintf(missing, sizeof missing, "%s/none.blt", dir);
  assert_int_equal(cv_tabulate_blt(missing, "scotland", NULL, 0, out, NULL, NULL, &e3), CV_ENOENT);
  assert_string_equal(e3.file, missing);
  /* A hand-made file with equal rankings (tests/data/blt/equal.blt), under
   * Warren: quota 10 / 3; round 1 elects A (5); round 2 defeats B (no
   * votes) as a sure loser; round 3 lowers A's keep factor to 3.33.../5 and
   * passes the rest of A's 5 ballots past B (defeated) to C, whose share of
   * the rank "b=c" is then the whole: C 3 + 1.66... > 3.33, elected. */
  struct cv_error e4 = {0};
  assert_int_equal(cv_tabulate_blt(CANVASS_SOURCE_DIR "/tests/data/blt/equal.blt", "warren", NULL,
                                   0, out, NULL, NULL, &e4),
                   CV_OK);
  f = fopen(report, "r");
  assert_non_null(f);
  n = fread(text, 1, sizeof text - 1, f);
  text[n] = '\0';
  fclose(f);
  assert_non_null(strstr(text, "\"elected\": [\n    \"A\",\n    \"C\"\n  ]"));
  remove(report);
  remove(blt);
  rmdir(out);
  rmdir(dir);
}

/* ---- out of memory: every allocation of a whole count may fail ---- */

static long countdown = -1, failures = 0;

static void *t_malloc(size_t n, void *ud) {
  (void)ud;
  if (countdown == 0) return failures++, NULL;
  if (countdown > 0) countdown--;
  return malloc(n);
}

static void *t_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  if (countdown == 0) return failures++, NULL;
  if (countdown > 0) countdown--;
  return realloc(p, n);
}

static void t_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

/* Reads, counts and reports with allocation n failing, for n = 0, 1, ...
 * until nothing fails; every failure must be CV_ENOMEM (never a crash, a
 * leak under the sanitizers, or a wrong success). */
static void run_with_failures(const char *text, const char *rule) {
  struct cv_allocator hook = {t_malloc, t_realloc, t_free, NULL};
  cv_set_allocator(&hook);
  bool ok = false;
  for (long n = 0; !ok && n < 100000; n++) {
    countdown = n;
    failures = 0;
    struct cv_error err = {0};
    struct cv__blt b;
    struct cv__stv_config cfg;
    struct cv__stv_count k;
    memset(&k, 0, sizeof k);
    struct cv__buf out;
    cv__buf_init(&out, 0);
    cv_status st = cv__blt_parse(&b, text, strlen(text), "t.blt", NULL, &err);
    if (st == CV_OK)
      st = cv__stv_configure(&cfg, rule, NULL, 0, b.options, b.option_lines, b.n_options, "t.blt",
                             &err);
    if (st == CV_OK) st = cv__stv_count(&k, &b, &cfg, "t.blt", &err);
    if (st == CV_OK) st = cv__stv_report(&k, "t.blt", &out);
    countdown = -1;
    if (st == CV_OK) {
      ok = failures == 0;
    } else {
      if (failures == 0) fail_msg("%s failed without a memory failure: %s", rule, err.message);
      assert_int_equal(st, CV_ENOMEM);
    }
    cv__buf_fini(&out);
    cv__stv_fini(&k);
    cv__blt_fini(&b);
  }
  cv_set_allocator(NULL);
  assert_true(ok);
}

static void test_out_of_memory(void **state) {
  (void)state;
  static const char *const rules[] = {"scotland", "wigm", "wigm-prf-batch",
                                      "mpls",     "meek", "meek-prf",
                                      "irish",    "qpq",  "cfer-batch"};
  for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) run_with_failures(IRISH, rules[i]);
  run_with_failures("4 2\n[nick a b c d]\n5 a b=c d 0\n3 c 0\n2 d a 0\n0\nA\nB\nC\nD\nT\n",
                    "warren");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scotland_three),
      cmocka_unit_test(test_scotland_rounding),
      cmocka_unit_test(test_wigm_prf),
      cmocka_unit_test(test_meek_rational),
      cmocka_unit_test(test_warren_rational),
      cmocka_unit_test(test_tie_by_order),
      cmocka_unit_test(test_tie_by_history),
      cmocka_unit_test(test_irish_last_parcel),
      cmocka_unit_test(test_scotland_vs_irish),
      cmocka_unit_test(test_mpls),
      cmocka_unit_test(test_cfer),
      cmocka_unit_test(test_qpq),
      cmocka_unit_test(test_options),
      cmocka_unit_test(test_equal_rankings_refused),
      cmocka_unit_test(test_report),
      cmocka_unit_test(test_tabulate_blt_api),
      cmocka_unit_test(test_out_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
