/* Unit tests for formats/report_*: the status, results and NIST reports.
 *
 * A small election is built by applying hand-written canonical events, in
 * stages, and each report is checked against lines written out by hand. The
 * arithmetic behind every expected number is in the comments; the journal
 * heads were computed apart from canvass (sha256sum over the same event
 * bytes, see head_of_stage below). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "election/state.h"
#include "formats/report.h"
#include "formats/report_common.h"
#include "record/journal.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/sha256.h"

/* ---- the election ------------------------------------------------------- */

/* Town of Millbrook (jurisdiction) > Ward 1 (district) > North School (pp-n);
 * South Hall (pp-s) lies directly in the town. Contests: City Council (vote
 * for 2, 2 seats, with a write-in slot), Measure A (two-thirds), Mayor (IRV,
 * ranked: not tabulated), Ward 1 Alderman (only at pp-n). */
static const char DEFINITION[] =
    "{\"ballot_styles\":["
    "{\"contests\":[\"council\",\"measure\",\"mayor\",\"ward\"],\"id\":\"style-n\","
    "\"polling_places\":[\"pp-n\"]},"
    "{\"contests\":[\"council\",\"measure\",\"mayor\"],\"id\":\"style-s\","
    "\"polling_places\":[\"pp-s\"]}],"
    "\"canvass_definition\":1,"
    "\"contests\":["
    "{\"choices\":[{\"id\":\"alice\",\"name\":\"Alice Adams\"},"
    "{\"id\":\"bob\",\"name\":\"Bob Brown\"},"
    "{\"id\":\"carol\",\"name\":\"Carol Clark\"},"
    "{\"id\":\"wi\",\"name\":\"Write-in\",\"write_in\":true}],"
    "\"district\":\"town\",\"id\":\"council\",\"name\":\"City Council\",\"seats\":2,"
    "\"type\":\"plurality\",\"votes_allowed\":2},"
    "{\"choices\":[{\"id\":\"yes\",\"name\":\"Yes\"},{\"id\":\"no\",\"name\":\"No\"}],"
    "\"district\":\"town\",\"id\":\"measure\",\"name\":\"Measure A\",\"passing\":\"two_thirds\","
    "\"type\":\"measure\"},"
    "{\"choices\":[{\"id\":\"dan\",\"name\":\"Dan Diaz\"},{\"id\":\"eve\",\"name\":\"Eve Evans\"}],"
    "\"district\":\"town\",\"id\":\"mayor\",\"name\":\"Mayor\",\"seats\":1,\"type\":\"irv\"},"
    "{\"choices\":[{\"id\":\"fay\",\"name\":\"Fay Fox\"},{\"id\":\"gus\",\"name\":\"Gus Gray\"}],"
    "\"district\":\"ward-1\",\"id\":\"ward\",\"name\":\"Ward 1 Alderman\",\"seats\":1,"
    "\"type\":\"plurality\",\"votes_allowed\":1}],"
    "\"election\":{\"date\":\"2026-11-03\",\"id\":\"millbrook-2026\","
    "\"name\":\"Millbrook Town Election, November 2026\"},"
    "\"units\":["
    "{\"id\":\"town\",\"name\":\"Town of Millbrook\",\"type\":\"jurisdiction\"},"
    "{\"id\":\"ward-1\",\"name\":\"Ward 1\",\"parent\":\"town\",\"type\":\"district\"},"
    "{\"id\":\"pp-n\",\"name\":\"North School\",\"parent\":\"ward-1\",\"type\":\"polling_place\"},"
    "{\"id\":\"pp-s\",\"name\":\"South Hall\",\"parent\":\"town\",\"type\":\"polling_place\"}]}";

struct evdef {
  const char *type, *data;
};
#define EV(type, data) {type, data}

/* Sheet sections. N-1 (100 ballots, 2 blank, 1 invalid: 97 valid):
 *   council 60+50+40+30 + 8 under + 6 over = 194 = 97 x 2
 *   measure 60+30 + 5 + 2 = 97;  ward 45+40 + 10 + 2 = 97
 * N-2 (50 ballots, none blank or invalid):
 *   council A 20+30+25+5 + 15 + 5 = 100; B 21+29+25+5 + 15 + 5 = 100
 *   measure 30+19 + 1 + 0 = 50; ward A 25+20 + 5 = 50, B 20+25 + 5 = 50
 * S-1 (80 ballots): council 50+40+30+10 + 20 + 10 = 160; measure 60+15 + 3 + 2 = 80 */
#define N1_COUNCIL                                                                             \
  "{\"ballots\":100,\"blank\":2,\"contest\":\"council\",\"invalid\":1,\"overvotes\":6,"        \
  "\"undervotes\":8,\"votes\":{\"alice\":60,\"bob\":50,\"carol\":40,\"wi\":30}}"
#define N1_MEASURE                                                                             \
  "{\"ballots\":100,\"blank\":2,\"contest\":\"measure\",\"invalid\":1,\"overvotes\":2,"        \
  "\"undervotes\":5,\"votes\":{\"no\":30,\"yes\":60}}"
#define N1_WARD                                                                                \
  "{\"ballots\":100,\"blank\":2,\"contest\":\"ward\",\"invalid\":1,\"overvotes\":2,"           \
  "\"undervotes\":10,\"votes\":{\"fay\":45,\"gus\":40}}"
#define N2_COUNCIL_A                                                                           \
  "{\"ballots\":50,\"blank\":0,\"contest\":\"council\",\"invalid\":0,\"overvotes\":5,"         \
  "\"undervotes\":15,\"votes\":{\"alice\":20,\"bob\":30,\"carol\":25,\"wi\":5}}"
#define N2_COUNCIL_B                                                                           \
  "{\"ballots\":50,\"blank\":0,\"contest\":\"council\",\"invalid\":0,\"overvotes\":5,"         \
  "\"undervotes\":15,\"votes\":{\"alice\":21,\"bob\":29,\"carol\":25,\"wi\":5}}"
#define N2_MEASURE                                                                             \
  "{\"ballots\":50,\"blank\":0,\"contest\":\"measure\",\"invalid\":0,\"overvotes\":0,"         \
  "\"undervotes\":1,\"votes\":{\"no\":19,\"yes\":30}}"
#define N2_WARD_A                                                                              \
  "{\"ballots\":50,\"blank\":0,\"contest\":\"ward\",\"invalid\":0,\"overvotes\":0,"            \
  "\"undervotes\":5,\"votes\":{\"fay\":25,\"gus\":20}}"
#define N2_WARD_B                                                                              \
  "{\"ballots\":50,\"blank\":0,\"contest\":\"ward\",\"invalid\":0,\"overvotes\":0,"            \
  "\"undervotes\":5,\"votes\":{\"fay\":20,\"gus\":25}}"
#define S1_COUNCIL                                                                             \
  "{\"ballots\":80,\"blank\":0,\"contest\":\"council\",\"invalid\":0,\"overvotes\":10,"        \
  "\"undervotes\":20,\"votes\":{\"alice\":50,\"bob\":40,\"carol\":30,\"wi\":10}}"
#define S1_MEASURE                                                                             \
  "{\"ballots\":80,\"blank\":0,\"contest\":\"measure\",\"invalid\":0,\"overvotes\":2,"         \
  "\"undervotes\":3,\"votes\":{\"no\":15,\"yes\":60}}"
#define SHEET(batch, sections, team, member)                                                   \
  "{\"batch\":\"" batch "\",\"contests\":[" sections "],\"kind\":\"count\",\"members\":[\""    \
  member "\"],\"reference\":\"\",\"rekey_of\":0,\"team\":\"" team "\"}"

/* Events 1-10: N-1 agreed everywhere; N-2 council disputed, measure agreed,
 * ward resolved (sheet 8); S-1 council waiting for a second team, measure
 * not counted. */
static const struct evdef STAGE1[] = {
    EV(CV__EV_DEFINED, DEFINITION),
    EV(CV__EV_BATCH, "{\"ballots\":100,\"batch\":\"N-1\",\"container\":\"\","
                     "\"polling_place\":\"pp-n\",\"tabulator\":\"\"}"),
    EV(CV__EV_BATCH, "{\"ballots\":50,\"batch\":\"N-2\",\"container\":\"\","
                     "\"polling_place\":\"pp-n\",\"tabulator\":\"\"}"),
    EV(CV__EV_BATCH, "{\"ballots\":80,\"batch\":\"S-1\",\"container\":\"\","
                     "\"polling_place\":\"pp-s\",\"tabulator\":\"\"}"),
    EV(CV__EV_SHEET, SHEET("N-1", N1_COUNCIL "," N1_MEASURE "," N1_WARD, "A", "Ann")),
    EV(CV__EV_SHEET, SHEET("N-1", N1_COUNCIL "," N1_MEASURE "," N1_WARD, "B", "Ben")),
    EV(CV__EV_SHEET, SHEET("N-2", N2_COUNCIL_A "," N2_MEASURE "," N2_WARD_A, "A", "Ann")),
    EV(CV__EV_SHEET, SHEET("N-2", N2_COUNCIL_B "," N2_MEASURE "," N2_WARD_B, "B", "Ben")),
    EV(CV__EV_SHEET, SHEET("S-1", S1_COUNCIL, "C", "Cy")),
    EV(CV__EV_RESOLVED,
       "{\"batch\":\"N-2\",\"contest\":\"ward\",\"reason\":\"paper re-examined\",\"sheet\":8}"),
};

/* Events 11-14: S-1 agreed (teams C+D on council, D+E on measure), N-2
 * council resolved with sheet 7, and the ward tie drawn by lot. With seed
 * 12345678901234567891, sha256sum gives
 *   canvass-lot-v1:12345678901234567891:ward:fay -> 480f907f...
 *   canvass-lot-v1:12345678901234567891:ward:gus -> 279946ac...
 * so gus comes first and takes the seat. */
static const struct evdef STAGE2[] = {
    EV(CV__EV_SHEET, SHEET("S-1", S1_COUNCIL "," S1_MEASURE, "D", "Dee")),
    EV(CV__EV_SHEET, SHEET("S-1", S1_MEASURE, "E", "Eli")),
    EV(CV__EV_RESOLVED, "{\"batch\":\"N-2\",\"contest\":\"council\","
                        "\"reason\":\"recounted by supervisor\",\"sheet\":7}"),
    EV(CV__EV_LOT, "{\"contest\":\"ward\",\"order\":[\"gus\",\"fay\"],"
                   "\"seed\":\"12345678901234567891\",\"tied\":[\"fay\",\"gus\"]}"),
};

/* Events 15-17: ballot accounting (pp-s: issued 81 but 80 signatures and 80
 * counted) and one of its two warnings acknowledged. */
static const struct evdef STAGE3[] = {
    EV(CV__EV_ACCOUNTING, "{\"issued\":150,\"note\":\"\",\"pollbook_signatures\":150,"
                          "\"polling_place\":\"pp-n\",\"received\":200,\"spoiled\":2,"
                          "\"unused\":48}"),
    EV(CV__EV_ACCOUNTING, "{\"issued\":81,\"note\":\"one ballot, taken home\","
                          "\"pollbook_signatures\":80,\"polling_place\":\"pp-s\",\"received\":100,"
                          "\"spoiled\":1,\"unused\":18}"),
    EV(CV__EV_ACK, "{\"detail\":\"issued 81, pollbook signatures 80 (difference 1)\","
                   "\"finding\":\"W203/pp-s\",\"reason\":\"a voter left with a ballot\"}"),
};

/* Events 18-21: the other warning acknowledged, every counted contest
 * certified. */
static const struct evdef STAGE4[] = {
    EV(CV__EV_ACK, "{\"detail\":\"counted 80 ballots, issued 81 (difference -1)\","
                   "\"finding\":\"W204/pp-s\",\"reason\":\"same voter\"}"),
    EV(CV__EV_CERTIFIED, "{\"contest\":\"council\"}"),
    EV(CV__EV_CERTIFIED, "{\"contest\":\"measure\"}"),
    EV(CV__EV_CERTIFIED, "{\"contest\":\"ward\"}"),
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Journal heads after each stage, from an independent SHA-256 of the same
 * bytes (envelope {"actor":"test","data":D,"prev":P,"seq":N,"time":T,"type":Y},
 * time 2026-11-03T20:MM:00Z with MM = seq). */
static const char HEAD1[] = "df723e9c178961d9f83c7b0a3328c0131cb7c589b087d9ec3782372854a6c627";
static const char HEAD2[] = "79da2fc2e381dc89da5d569de4819f4aee78c528438ee7ff6486cb344941e79c";
static const char HEAD3[] = "68f4274ec0abc6559c07e0a872ec35ddb79cbd33118633edcfbbb0143f42094b";
static const char HEAD4[] = "3e21ee04b50f1c6f1da6ed44ef218cdda8b184e9db241bcef02a7ee9341bec8a";

static void apply(struct cv__state *st, const struct evdef *evs, size_t n) {
  for (size_t i = 0; i < n; i++) {
    struct cv__buf b;
    struct cv__arena a;
    struct cv__event ev;
    struct cv_error err;
    char time[32];
    cv__buf_init(&b, 0);
    cv__arena_init(&a, 0);
    cv_error_clear(&err);
    snprintf(time, sizeof time, "2026-11-03T20:%02u:00Z", (unsigned)(st->chain.seq + 1));
    assert_int_equal(cv__event_encode(&b, &st->chain, time, "test", evs[i].type, evs[i].data,
                                      strlen(evs[i].data)),
                     CV_OK);
    cv_status s = cv__event_next(&st->chain, &a, b.data, b.len, NULL, 0, &ev, &err);
    if (s == CV_OK) s = cv__state_apply(st, &ev, &err);
    if (s != CV_OK)
      print_message("event %llu: %s\n", (unsigned long long)st->chain.seq, err.message);
    assert_int_equal(s, CV_OK);
    cv__arena_fini(&a);
    cv__buf_fini(&b);
  }
}

/* The state after stage 1..4. */
static void build(struct cv__state *st, int stage) {
  cv__state_init(st);
  apply(st, STAGE1, N_OF(STAGE1));
  if (stage >= 2) apply(st, STAGE2, N_OF(STAGE2));
  if (stage >= 3) apply(st, STAGE3, N_OF(STAGE3));
  if (stage >= 4) apply(st, STAGE4, N_OF(STAGE4));
}

/* ---- rendering and checking --------------------------------------------- */

static char *status_report(const struct cv__state *st, enum cv_format f) {
  struct cv__buf b;
  cv__buf_init(&b, 0);
  assert_int_equal(cv__report_status(st, f, &b), CV_OK);
  char *s = cv__buf_take(&b, NULL);
  assert_non_null(s);
  return s;
}

static char *results_report(const struct cv__state *st, enum cv_format f, bool by_unit,
                            bool by_batch, const char *contest) {
  struct cv_report_options opt = {f, contest, by_unit, by_batch};
  struct cv__buf b;
  cv__buf_init(&b, 0);
  assert_int_equal(cv__report_results(st, &opt, &b), CV_OK);
  char *s = cv__buf_take(&b, NULL);
  assert_non_null(s);
  return s;
}

static char *nist_report(const struct cv__state *st) {
  struct cv__buf b;
  cv__buf_init(&b, 0);
  assert_int_equal(cv__report_nist(st, &b), CV_OK);
  char *s = cv__buf_take(&b, NULL);
  assert_non_null(s);
  return s;
}

/* text holds line as a whole line ended by eol. */
static void has_line_eol(const char *text, const char *line, const char *eol) {
  size_t n = strlen(line), e = strlen(eol);
  for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
    if ((p == text || p[-1] == '\n') && strncmp(p + n, eol, e) == 0) return;
  print_message("missing line:\n[%s]\nin:\n%s\n", line, text);
  fail();
}

static void has_line(const char *text, const char *line) { has_line_eol(text, line, "\n"); }
static void has_row(const char *csv, const char *row) { has_line_eol(csv, row, "\r\n"); }

static void lacks(const char *text, const char *part) {
  if (strstr(text, part)) {
    print_message("unexpected [%s] in:\n%s\n", part, text);
    fail();
  }
}

/* text contains block (several whole lines) exactly, in order. */
static void has_block(const char *text, const char *block) {
  const char *p = strstr(text, block);
  if (!p || (p != text && p[-1] != '\n')) {
    print_message("missing block:\n%s\nin:\n%s\n", block, text);
    fail();
  }
}

static void head_line(char *out, size_t n, const char *hex, unsigned events) {
  /* groups of four hex digits, separated by spaces */
  char grouped[80];
  size_t k = 0;
  for (size_t i = 0; i < 64; i++) {
    if (i && i % 4 == 0) grouped[k++] = ' ';
    grouped[k++] = hex[i];
  }
  grouped[k] = '\0';
  snprintf(out, n, "Journal head: %s (%u events)", grouped, events);
}

static const struct cv__jval *parse_json(struct cv__arena *a, const char *text) {
  struct cv__jval *root = NULL;
  struct cv_error err;
  cv_error_clear(&err);
  cv_status s = cv__json_parse(a, text, strlen(text), CV__JSON_INPUT, NULL, NULL, &root, &err);
  if (s != CV_OK)
    print_message("JSON: %u:%u %s\n", (unsigned)err.line, (unsigned)err.column, err.message);
  assert_int_equal(s, CV_OK);
  return root;
}

static const struct cv__jval *get(const struct cv__jval *o, const char *key) {
  const struct cv__jval *v = cv__json_get(o, key);
  if (!v) print_message("no member \"%s\"\n", key);
  assert_non_null(v);
  return v;
}

static const struct cv__jval *item(const struct cv__jval *arr, size_t i) {
  assert_int_equal(arr->kind, CV__J_ARR);
  assert_true(i < arr->u.arr.n);
  return arr->u.arr.items[i];
}

static void is_str(const struct cv__jval *v, const char *s) {
  assert_int_equal(v->kind, CV__J_STR);
  assert_string_equal(v->u.str.s, s);
}

static void is_int(const struct cv__jval *v, int64_t i) {
  assert_int_equal(v->kind, CV__J_INT);
  assert_int_equal(v->u.i, i);
}

/* The element of arr whose member key is the string value. */
static const struct cv__jval *find(const struct cv__jval *arr, const char *key, const char *value) {
  assert_int_equal(arr->kind, CV__J_ARR);
  for (size_t i = 0; i < arr->u.arr.n; i++) {
    const struct cv__jval *k = cv__json_get(arr->u.arr.items[i], key);
    if (k && k->kind == CV__J_STR && strcmp(k->u.str.s, value) == 0) return arr->u.arr.items[i];
  }
  print_message("no element with %s = %s\n", key, value);
  fail();
  return NULL;
}

/* ---- shared pieces ------------------------------------------------------ */

static void test_numbers(void **state) {
  (void)state;
  char b[CV__NUM_LEN];
  assert_string_equal(cv__report_num(0, b), "0");
  assert_string_equal(cv__report_num(999, b), "999");
  assert_string_equal(cv__report_num(1000, b), "1,000");
  assert_string_equal(cv__report_num(1234567, b), "1,234,567");
  assert_string_equal(cv__report_num(UINT64_MAX, b), "18,446,744,073,709,551,615");
  /* 1/3 = 33.333..%, 2/3 = 66.666..%, 1/8 = 12.5% exactly */
  assert_string_equal(cv__report_pct(1, 3, b), "33.33%");
  assert_string_equal(cv__report_pct(2, 3, b), "66.67%");
  assert_string_equal(cv__report_pct(1, 8, b), "12.50%");
  /* 1/800 = 0.125%: exactly half a hundredth, rounds up; 1/1600 = 0.0625% down */
  assert_string_equal(cv__report_pct(1, 800, b), "0.13%");
  assert_string_equal(cv__report_pct(1, 1600, b), "0.06%");
  /* 1/200000 = 0.0005%: a tenth of half a hundredth, rounds down */
  assert_string_equal(cv__report_pct(1, 200000, b), "0.00%");
  assert_string_equal(cv__report_pct(0, 5, b), "0.00%");
  assert_string_equal(cv__report_pct(7, 7, b), "100.00%");
  assert_string_equal(cv__report_pct(5, 0, b), "-");
  assert_string_equal(cv__report_diff(5, 3, b), "+2");
  assert_string_equal(cv__report_diff(3, 5, b), "-2");
  assert_string_equal(cv__report_diff(4, 4, b), "0");
  assert_string_equal(cv__report_diff(1000, 0, b), "+1,000");
}

static void test_csv_quoting(void **state) {
  (void)state;
  struct cv__buf b;
  cv__buf_init(&b, 0);
  const char *row[] = {"plain", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", "", NULL};
  cv__report_csv_row(&b, row, 7);
  assert_string_equal(b.data,
                      "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",,\r\n");
  cv__buf_fini(&b);
}

/* ---- stage 1: a partial count ------------------------------------------- */

static void test_status_text_partial(void **state) {
  (void)state;
  struct cv__state st;
  char head[160];
  build(&st, 1);
  char *r = status_report(&st, CV_FORMAT_TEXT);
  head_line(head, sizeof head, HEAD1, 10);
  has_line(r, head);
  assert_true(strncmp(r, "Millbrook Town Election, November 2026\n"
                         "Election date: 2026-11-03\n"
                         "Status: unofficial-partial\n"
                         "Journal head: ",
                      strlen("Millbrook Town Election, November 2026\n"
                             "Election date: 2026-11-03\n"
                             "Status: unofficial-partial\n"
                             "Journal head: ")) == 0);
  /* Non-ranked results: N-1 x3 agreed, N-2 measure agreed (4); N-2 ward
   * resolved; S-1 council waiting; N-2 council disputed; S-1 measure not
   * counted: 8 in all (mayor is ranked and skipped). */
  has_block(r, "\nSTATUS OF THE COUNT\n"
               "\n"
               "Batch x contest results (ranked contests join these once keyed)\n"
               "  agreed       4\n"
               "  resolved     1\n"
               "  waiting      1\n"
               "  disputed     1\n"
               "  not counted  1\n"
               "  total        8\n");
  /* pp-n: 6 results (2 batches x council, measure, ward), all but N-2 council
   * settled; pp-s: S-1 council and measure, neither settled. */
  has_block(r, "Progress by polling place\n"
               "  Polling place  Name          Batches  Results settled\n"
               "  pp-n           North School        2  5 of 6\n"
               "  pp-s           South Hall          1  0 of 2\n");
  has_block(r, "Disputes\n"
               "  batch N-2, contest council: sheet 7 (team A) vs sheet 8 (team B): "
               "alice 20 vs 21, bob 30 vs 29\n");
  has_block(r, "Errors (block certification)\n"
               "  E105  E105/N-2/council  batch N-2, contest council: sheet 7 (team A) vs "
               "sheet 8 (team B): alice 20 vs 21, bob 30 vs 29\n"
               "  E104  E104/S-1/council  batch S-1, contest council: 2 teams must agree; no "
               "valid count from enough teams yet\n"
               "  E103  E103/S-1  batch S-1 (polling place pp-s): not counted for: measure\n"
               "  E106  E106/ward  contest ward: 1 seat(s) tied between fay, gus with 65 votes "
               "each; draw with canvass lot\n");
  has_block(r, "Warnings\n"
               "  W208  W208/pp-n  polling place pp-n (North School): no ballot accounting "
               "recorded (needs acknowledgement: canvass ack W208/pp-n --reason ...)\n"
               "  W208  W208/pp-s  polling place pp-s (South Hall): no ballot accounting "
               "recorded (needs acknowledgement: canvass ack W208/pp-s --reason ...)\n");
  /* Counted at pp-n: N-1 100 + N-2 50 (its measure and ward are settled);
   * pp-s: nothing settled. No accounting recorded anywhere. */
  has_block(r, "Ballot accounting\n"
               "  Polling place  Received  Issued  Spoiled  Unused  Pollbook  Counted  "
               "R-(I+S+U)  I-pollbook  Counted-I\n"
               "  pp-n                  -       -        -       -         -      150"
               "          -           -          -\n"
               "  pp-s                  -       -        -       -         -        0"
               "          -           -          -\n");
  has_block(r, "Certification\n"
               "  council  City Council     not certified\n"
               "  measure  Measure A        not certified\n"
               "  mayor    Mayor            ranked (irv): not tabulated in this release\n"
               "  ward     Ward 1 Alderman  not certified\n"
               "  Certification is not possible now: E105 error is open (batch N-2, contest "
               "council: sheet 7 (team A) vs sheet 8 (team B): alice 20 vs 21, bob 30 vs 29)\n");
  /* Same state, same bytes. */
  char *again = status_report(&st, CV_FORMAT_TEXT);
  assert_string_equal(r, again);
  cv__free(again);
  cv__free(r);
  cv__state_fini(&st);
}

static void test_status_csv_json_partial(void **state) {
  (void)state;
  struct cv__state st;
  build(&st, 1);
  char *r = status_report(&st, CV_FORMAT_CSV);
  char row[300];
  static const char info[] = "######## ELECTION INFO ########\r\n"
                             "Election,Date,Status,Journal Head,Events\r\n";
  assert_true(strncmp(r, info, strlen(info)) == 0);
  snprintf(row, sizeof row,
           "\"Millbrook Town Election, November 2026\",2026-11-03,unofficial-partial,%s,10", HEAD1);
  has_row(r, row);
  /* Sections after the first follow an empty record, as in Arlo's reports. */
  has_block(r, "\r\n######## BATCH RESULTS ########\r\n"
               "Status,Results\r\n"
               "agreed,4\r\nresolved,1\r\nwaiting,1\r\ndisputed,1\r\nnot_counted,1\r\ntotal,8\r\n");
  has_block(r, "######## POLLING PLACES ########\r\n"
               "Polling Place,Name,Batches,Results,Settled\r\n"
               "pp-n,North School,2,6,5\r\n"
               "pp-s,South Hall,1,2,0\r\n");
  has_block(r, "######## DISPUTES ########\r\n"
               "Batch,Contest,Detail\r\n"
               "N-2,council,\"sheet 7 (team A) vs sheet 8 (team B): alice 20 vs 21, bob 30 vs "
               "29\"\r\n");
  has_row(r, "E103,batch-not-counted,E103/S-1,batch S-1 (polling place pp-s),not counted for: "
             "measure");
  has_row(r, "W208,accounting-missing,W208/pp-s,polling place pp-s (South Hall),no ballot "
             "accounting recorded,no,,");
  has_row(r, "pp-n,no,,,,,,150,,,,");
  has_row(r, "mayor,Mayor,irv,not tabulated,");
  has_block(r, "######## CERTIFICATION CHECK ########\r\n"
               "Possible,Reason\r\n"
               "no,\"E105 error is open (batch N-2, contest council: sheet 7 (team A) vs sheet 8 "
               "(team B): alice 20 vs 21, bob 30 vs 29)\"\r\n");
  cv__free(r);

  r = status_report(&st, CV_FORMAT_JSON);
  has_line(r, "  \"status\": \"unofficial-partial\",");
  snprintf(row, sizeof row, "  \"journal_head\": \"%s\",", HEAD1);
  has_line(r, row);
  has_line(r, "  \"events\": 10,");
  struct cv__arena a;
  cv__arena_init(&a, 0);
  const struct cv__jval *root = parse_json(&a, r);
  is_str(get(get(root, "election"), "id"), "millbrook-2026");
  is_int(get(get(root, "batch_results"), "not_counted"), 1);
  is_int(get(get(root, "batch_results"), "total"), 8);
  const struct cv__jval *d = item(get(root, "disputes"), 0);
  is_str(get(d, "batch"), "N-2");
  is_str(get(d, "contest"), "council");
  assert_int_equal(get(root, "errors")->u.arr.n, 4);
  const struct cv__jval *w = item(get(root, "warnings"), 1);
  is_str(get(w, "id"), "W208/pp-s");
  assert_int_equal(get(w, "acknowledged")->kind, CV__J_BOOL);
  assert_false(get(w, "acknowledged")->u.b);
  assert_int_equal(get(w, "reason")->kind, CV__J_NULL);
  const struct cv__jval *acc = find(get(root, "ballot_accounting"), "polling_place", "pp-n");
  is_int(get(acc, "counted"), 150);
  assert_int_equal(get(acc, "received")->kind, CV__J_NULL);
  assert_false(get(get(root, "certification"), "possible")->u.b);
  cv__arena_fini(&a);
  cv__free(r);
  cv__state_fini(&st);
}

static void test_results_text_partial(void **state) {
  (void)state;
  struct cv__state st;
  char head[160];
  build(&st, 1);
  char *r = results_report(&st, CV_FORMAT_TEXT, false, false, NULL);
  head_line(head, sizeof head, HEAD1, 10);
  has_line(r, head);
  has_line(r, "Status: unofficial-partial");
  /* Council: only N-1 is settled. 180 choice votes: 60/180 = 33.33%,
   * 50/180 = 27.78%, 40/180 = 22.22%, 30/180 = 16.67%. Two seats: Alice and
   * Bob lead, but the count is not complete, so nobody is ELECTED yet. */
  has_block(r, "City Council (plurality, vote for 2, 2 seat(s)) - unofficial-partial, 1 of 3 "
               "batch results settled\n"
               "  Choice           Votes   Share\n"
               "  Alice Adams         60  33.33%  LEADING\n"
               "  Bob Brown           50  27.78%  LEADING\n"
               "  Carol Clark         40  22.22%\n"
               "  Write-in            30  16.67%\n"
               "  Undervotes           8\n"
               "  Overvotes            6\n"
               "  Ballots counted    100\n"
               "  Blank                2\n"
               "  Invalid              1\n");
  /* Measure: N-1 + N-2: yes 90, no 49; 90/139 = 64.75%, 49/139 = 35.25%;
   * two-thirds needs 3 x 90 = 270 >= 2 x 139 = 278: fails. */
  has_block(r, "Measure A (measure, vote for 1) - unofficial-partial, 2 of 3 batch results "
               "settled\n"
               "  Choice           Votes   Share\n"
               "  Yes                 90  64.75%\n"
               "  No                  49  35.25%\n"
               "  Measure FAILS (two-thirds required) - provisional: not every batch result is "
               "settled\n"
               "  Undervotes           6\n"
               "  Overvotes            2\n"
               "  Ballots counted    150\n");
  has_block(r, "Mayor (irv, rank up to 2, 1 seat(s)) - unofficial-partial, 0 of 3 batch results "
               "settled\n"
               "  not yet tabulated: irv and stv contests are counted by a later release\n");
  /* Ward: N-1 fay 45 gus 40, N-2 as resolved (sheet 8) fay 20 gus 25: 65 each. */
  has_block(r, "Ward 1 Alderman (plurality, vote for 1, 1 seat(s)) - unofficial-complete, 2 of 2 "
               "batch results settled\n"
               "  Choice           Votes   Share\n"
               "  Fay Fox             65  50.00%  TIED\n"
               "  Gus Gray            65  50.00%  TIED\n"
               "  Tie: 1 seat(s) between Fay Fox and Gus Gray, 65 votes each; only `canvass lot "
               "--contest ward --seed DIGITS` decides it, with a public seed of at least 20 "
               "digits.\n"
               "  Undervotes          15\n");
  lacks(r, "ELECTED");
  cv__free(r);

  /* One contest only; by batch: N-2 council is disputed, so it shows no numbers. */
  r = results_report(&st, CV_FORMAT_TEXT, false, true, "council");
  lacks(r, "Measure A");
  has_line(r, "  By batch");
  has_line(r, "    Batch  Polling place  Status    Alice Adams  Bob Brown  Carol Clark  Write-in  "
              "Undervotes  Overvotes  Ballots");
  has_line(r, "    N-1    pp-n           agreed             60         50           40        30"
              "           8          6      100");
  has_line(r, "    N-2    pp-n           disputed");
  has_line(r, "    S-1    pp-s           waiting");
  cv__free(r);

  r = results_report(&st, CV_FORMAT_JSON, false, false, "council");
  struct cv__arena a;
  cv__arena_init(&a, 0);
  const struct cv__jval *root = parse_json(&a, r);
  assert_int_equal(get(root, "contests")->u.arr.n, 1);
  const struct cv__jval *outcome = get(item(get(root, "contests"), 0), "outcome");
  assert_false(get(outcome, "complete")->u.b);
  assert_int_equal(get(outcome, "elected")->u.arr.n, 0);
  is_str(item(get(outcome, "leading"), 0), "alice");
  is_str(item(get(outcome, "leading"), 1), "bob");
  assert_null(cv__json_get(item(get(root, "contests"), 0), "batches"));
  cv__arena_fini(&a);
  cv__free(r);

  r = results_report(&st, CV_FORMAT_CSV, false, true, "council");
  has_row(r, "Contest,Scope,Unit,Batch,Choice,Votes,Elected");
  has_row(r, "council,total,town,,alice,60,leading");
  has_row(r, "council,total,town,,carol,40,no");
  has_row(r, "council,total,town,,ballots,100,");
  has_row(r, "council,batch,pp-n,N-1,wi,30,");
  has_row(r, "council,batch,pp-n,N-2,alice,,");
  has_row(r, "council,batch,pp-s,S-1,overvotes,,");
  lacks(r, "measure,");
  cv__free(r);

  /* By polling place: pp-s has no settled result yet, so empty, not zero. */
  r = results_report(&st, CV_FORMAT_CSV, true, false, "council");
  has_row(r, "council,polling_place,pp-n,,alice,60,");
  has_row(r, "council,polling_place,pp-n,,blank,2,");
  has_row(r, "council,polling_place,pp-s,,alice,,");
  has_row(r, "council,polling_place,pp-s,,ballots,,");
  cv__free(r);
  cv__state_fini(&st);
}

static void test_unknown_contest_and_cap(void **state) {
  (void)state;
  struct cv__state st;
  build(&st, 1);
  struct cv_report_options opt = {CV_FORMAT_TEXT, "dogcatcher", false, false};
  struct cv__buf b;
  cv__buf_init(&b, 0);
  cv__buf_adds(&b, "keep");
  assert_int_equal(cv__report_results(&st, &opt, &b), CV_ENOENT);
  assert_string_equal(b.data, "keep");
  /* A buffer capped below the report's size: CV_ELIMIT, nothing appended. */
  struct cv__buf small;
  cv__buf_init(&small, 200);
  assert_int_equal(cv__report_status(&st, CV_FORMAT_TEXT, &small), CV_ELIMIT);
  assert_int_equal(small.len, 0);
  cv__buf_fini(&small);
  cv__buf_init(&small, 200);
  assert_int_equal(cv__report_nist(&st, &small), CV_ELIMIT);
  assert_int_equal(small.len, 0);
  cv__buf_fini(&small);
  /* No options: every contest, as text. */
  assert_int_equal(cv__report_results(&st, NULL, &b), CV_OK);
  assert_true(strncmp(b.data, "keepMillbrook Town Election, November 2026\n", 43) == 0);
  has_line(b.data, "Ward 1 Alderman (plurality, vote for 1, 1 seat(s)) - unofficial-complete, 2 of "
                   "2 batch results settled");
  cv__buf_fini(&b);
  cv__state_fini(&st);

  /* A state with no election yet has nothing to report. */
  cv__state_init(&st);
  cv__buf_init(&b, 0);
  assert_int_equal(cv__report_status(&st, CV_FORMAT_TEXT, &b), CV_EINVAL);
  assert_int_equal(cv__report_results(&st, NULL, &b), CV_EINVAL);
  assert_int_equal(cv__report_nist(&st, &b), CV_EINVAL);
  assert_int_equal(b.len, 0);
  cv__buf_fini(&b);
  cv__state_fini(&st);
}

/* ---- stage 2: counted completely, tie decided by lot ------------------- */

static void test_results_complete(void **state) {
  (void)state;
  struct cv__state st;
  char head[160], row[300];
  build(&st, 2);
  char *r = results_report(&st, CV_FORMAT_TEXT, true, false, NULL);
  head_line(head, sizeof head, HEAD2, 14);
  has_line(r, head);
  has_line(r, "Status: unofficial-complete");
  /* Council: alice 60+20+50 = 130, bob 50+30+40 = 120, carol 40+25+30 = 95,
   * wi 30+5+10 = 45; 390 in all: 33.33%, 30.77%, 24.36%, 11.54%.
   * Under 8+15+20 = 43, over 6+5+10 = 21, ballots 100+50+80 = 230. */
  has_block(r, "City Council (plurality, vote for 2, 2 seat(s)) - unofficial-complete, 3 of 3 "
               "batch results settled\n"
               "  Choice           Votes   Share\n"
               "  Alice Adams        130  33.33%  ELECTED\n"
               "  Bob Brown          120  30.77%  ELECTED\n"
               "  Carol Clark         95  24.36%\n"
               "  Write-in            45  11.54%\n"
               "  Undervotes          43\n"
               "  Overvotes           21\n"
               "  Ballots counted    230\n"
               "  Blank                2\n"
               "  Invalid              1\n");
  /* By polling place: pp-n = N-1 + N-2 (sheet 7): 80, 80, 65, 35, under 23,
   * over 11, ballots 150; Ward 1 holds only pp-n; pp-s = S-1. */
  has_block(r, "  By polling place\n"
               "    Unit    Name                       Settled  Alice Adams  Bob Brown  "
               "Carol Clark  Write-in  Undervotes  Overvotes  Ballots\n"
               "    pp-n    North School               2 of 2            80         80"
               "           65        35          23         11      150\n"
               "    ward-1  Ward 1 (subtotal)          2 of 2            80         80"
               "           65        35          23         11      150\n"
               "    pp-s    South Hall                 1 of 1            50         40"
               "           30        10          20         10       80\n"
               "    town    Town of Millbrook (total)  3 of 3           130        120"
               "           95        45          43         21      230\n");
  /* Measure: yes 90+60 = 150, no 49+15 = 64: 70.09%, 29.91%; 3 x 150 = 450 >=
   * 2 x 214 = 428: passes. */
  has_block(r, "  Yes                150  70.09%\n"
               "  No                  64  29.91%\n"
               "  Measure PASSES (two-thirds required)\n");
  has_block(r, "  Fay Fox             65  50.00%\n"
               "  Gus Gray            65  50.00%  ELECTED by lot (event 14)\n"
               "  Tie for 1 seat(s) between Fay Fox and Gus Gray decided by lot in event 14 "
               "(seed 12345678901234567891).\n");
  lacks(r, "TIED");
  cv__free(r);

  r = results_report(&st, CV_FORMAT_CSV, true, true, NULL);
  snprintf(row, sizeof row,
           "\"Millbrook Town Election, November 2026\",2026-11-03,unofficial-complete,%s,14",
           HEAD2);
  has_row(r, row);
  has_block(r, "######## RESULTS ########\r\n"
               "Contest,Scope,Unit,Batch,Choice,Votes,Elected\r\n"
               "council,total,town,,alice,130,yes\r\n"
               "council,total,town,,bob,120,yes\r\n"
               "council,total,town,,carol,95,no\r\n"
               "council,total,town,,wi,45,no\r\n"
               "council,total,town,,undervotes,43,\r\n"
               "council,total,town,,overvotes,21,\r\n"
               "council,total,town,,ballots,230,\r\n"
               "council,total,town,,blank,2,\r\n"
               "council,total,town,,invalid,1,\r\n"
               "council,polling_place,pp-n,,alice,80,\r\n");
  has_row(r, "council,polling_place,pp-s,,ballots,80,");
  has_row(r, "council,batch,pp-n,N-2,alice,20,");
  has_row(r, "measure,total,town,,yes,150,passed");
  has_row(r, "measure,total,town,,no,64,");
  has_row(r, "mayor,total,town,,dan,,");
  has_row(r, "ward,total,ward-1,,fay,65,no");
  has_row(r, "ward,total,ward-1,,gus,65,yes");
  lacks(r, "ward,polling_place,pp-s");
  cv__free(r);

  r = results_report(&st, CV_FORMAT_JSON, true, true, NULL);
  snprintf(row, sizeof row, "  \"journal_head\": \"%s\",", HEAD2);
  has_line(r, row);
  has_line(r, "  \"events\": 14,");
  struct cv__arena a;
  cv__arena_init(&a, 0);
  const struct cv__jval *root = parse_json(&a, r);
  is_str(get(root, "status"), "unofficial-complete");
  const struct cv__jval *contests = get(root, "contests");
  const struct cv__jval *council = find(contests, "id", "council");
  is_str(get(council, "status"), "unofficial-complete");
  is_int(get(council, "settled"), 3);
  is_int(get(council, "results"), 3);
  is_int(get(council, "undervotes"), 43);
  const struct cv__jval *alice = find(get(council, "choices"), "id", "alice");
  is_int(get(alice, "votes"), 130);
  is_str(get(alice, "elected"), "yes");
  const struct cv__jval *outcome = get(council, "outcome");
  is_str(item(get(outcome, "elected"), 0), "alice");
  is_str(item(get(outcome, "elected"), 1), "bob");
  assert_int_equal(get(outcome, "leading")->u.arr.n, 0);
  assert_int_equal(get(outcome, "tie")->kind, CV__J_NULL);
  assert_int_equal(get(outcome, "passed")->kind, CV__J_NULL);
  const struct cv__jval *pp = find(get(council, "polling_places"), "id", "pp-s");
  is_int(get(find(get(pp, "choices"), "id", "bob"), "votes"), 40);
  const struct cv__jval *batch = find(get(council, "batches"), "id", "N-2");
  is_str(get(batch, "status"), "resolved");
  is_int(get(find(get(batch, "choices"), "id", "carol"), "votes"), 25);
  const struct cv__jval *ward = get(find(contests, "id", "ward"), "outcome");
  is_int(get(ward, "lot_event"), 14);
  is_int(get(get(ward, "tie"), "seats"), 1);
  is_str(item(get(get(ward, "tie"), "choices"), 1), "gus");
  is_str(item(get(ward, "elected"), 0), "gus");
  const struct cv__jval *measure = get(find(contests, "id", "measure"), "outcome");
  assert_true(get(measure, "passed")->u.b);
  const struct cv__jval *mayor = find(contests, "id", "mayor");
  assert_false(get(mayor, "tabulated")->u.b);
  assert_int_equal(get(find(get(mayor, "choices"), "id", "eve"), "votes")->kind, CV__J_NULL);
  cv__arena_fini(&a);
  cv__free(r);
  cv__state_fini(&st);
}

static void test_nist(void **state) {
  (void)state;
  struct cv__state st;
  build(&st, 2);
  char *r = nist_report(&st);
  has_line(r, "  \"@type\": \"ElectionResults.ElectionReport\",");
  has_line(r, "  \"Format\": \"precinct-level\",");
  has_line(r, "  \"GeneratedDate\": \"2026-11-03T20:14:00Z\",");
  has_line(r, "  \"Status\": \"unofficial-complete\",");
  struct cv__arena a;
  cv__arena_init(&a, 0);
  const struct cv__jval *root = parse_json(&a, r);
  is_str(get(root, "Issuer"), "canvass");
  is_int(get(root, "SequenceStart"), 1);
  is_int(get(root, "SequenceEnd"), 1);
  is_str(get(root, "VendorApplicationId"), "canvass");
  const struct cv__jval *units = get(root, "GpUnit");
  assert_int_equal(units->u.arr.n, 4);
  const struct cv__jval *town = find(units, "@id", "gpu-town");
  is_str(get(town, "Type"), "other");
  is_str(get(town, "OtherType"), "jurisdiction");
  is_str(item(get(town, "ComposingGpUnitIds"), 0), "gpu-ward-1");
  is_str(item(get(town, "ComposingGpUnitIds"), 1), "gpu-pp-s");
  const struct cv__jval *ppn = find(units, "@id", "gpu-pp-n");
  is_str(get(ppn, "Type"), "polling-place");
  is_str(get(item(get(get(ppn, "Name"), "Text"), 0), "Content"), "North School");
  const struct cv__jval *el = item(get(root, "Election"), 0);
  is_str(get(el, "ElectionScopeId"), "gpu-town");
  is_str(get(el, "StartDate"), "2026-11-03");
  is_str(get(el, "Type"), "general");
  is_str(get(item(get(get(el, "Name"), "Text"), 0), "Language"), "en");
  /* Candidates: 3 council (the write-in slot is none), 2 mayor, 2 ward. */
  assert_int_equal(get(el, "Candidate")->u.arr.n, 7);
  const struct cv__jval *contests = get(el, "Contest");
  const struct cv__jval *council = find(contests, "@id", "con-council");
  is_str(get(council, "@type"), "ElectionResults.CandidateContest");
  is_str(get(council, "ElectionDistrictId"), "gpu-town");
  is_int(get(council, "VotesAllowed"), 2);
  is_int(get(council, "NumberElected"), 2);
  is_str(get(council, "VoteVariation"), "n-of-m");
  const struct cv__jval *alice = find(get(council, "ContestSelection"), "@id", "sel-council-alice");
  is_str(item(get(alice, "CandidateIds"), 0), "can-council-alice");
  const struct cv__jval *vc = find(get(alice, "VoteCounts"), "GpUnitId", "gpu-pp-n");
  is_int(get(vc, "Count"), 80);
  is_str(get(vc, "Type"), "total");
  const struct cv__jval *wi = find(get(council, "ContestSelection"), "@id", "sel-council-wi");
  assert_true(get(wi, "IsWriteIn")->u.b);
  assert_null(cv__json_get(wi, "CandidateIds"));
  const struct cv__jval *oc = find(get(council, "OtherCounts"), "GpUnitId", "gpu-pp-s");
  is_int(get(oc, "Undervotes"), 20);
  is_int(get(oc, "Overvotes"), 10);
  is_int(get(oc, "WriteIns"), 10);
  const struct cv__jval *measure = find(contests, "@id", "con-measure");
  is_str(get(measure, "@type"), "ElectionResults.BallotMeasureContest");
  is_str(get(measure, "VoteVariation"), "super-majority");
  const struct cv__jval *yes = find(get(measure, "ContestSelection"), "@id", "sel-measure-yes");
  is_str(get(item(get(get(yes, "Selection"), "Text"), 0), "Content"), "Yes");
  is_int(get(find(get(yes, "VoteCounts"), "GpUnitId", "gpu-pp-s"), "Count"), 60);
  const struct cv__jval *mayor = find(contests, "@id", "con-mayor");
  is_str(get(mayor, "VoteVariation"), "rcv");
  assert_null(cv__json_get(item(get(mayor, "ContestSelection"), 0), "VoteCounts"));
  assert_null(cv__json_get(mayor, "OtherCounts"));
  /* The ward contest exists only at pp-n: its counts name no other place. */
  const struct cv__jval *ward = find(contests, "@id", "con-ward");
  is_str(get(ward, "ElectionDistrictId"), "gpu-ward-1");
  assert_int_equal(get(item(get(ward, "ContestSelection"), 0), "VoteCounts")->u.arr.n, 1);
  cv__arena_fini(&a);
  cv__free(r);

  /* Stage 1: S-1 has nothing settled, so pp-s reports no council counts. */
  cv__state_fini(&st);
  build(&st, 1);
  r = nist_report(&st);
  has_line(r, "  \"Status\": \"unofficial-partial\",");
  cv__arena_init(&a, 0);
  root = parse_json(&a, r);
  council = find(get(item(get(root, "Election"), 0), "Contest"), "@id", "con-council");
  alice = find(get(council, "ContestSelection"), "@id", "sel-council-alice");
  assert_int_equal(get(alice, "VoteCounts")->u.arr.n, 1);
  is_str(get(item(get(alice, "VoteCounts"), 0), "GpUnitId"), "gpu-pp-n");
  is_int(get(item(get(alice, "VoteCounts"), 0), "Count"), 60);
  is_int(get(council, "SubUnitsReported"), 0);
  is_int(get(council, "TotalSubUnits"), 2);
  cv__arena_fini(&a);
  cv__free(r);
  cv__state_fini(&st);
}

/* ---- stage 3: accounting, one warning acknowledged ---------------------- */

static void test_status_warnings(void **state) {
  (void)state;
  struct cv__state st;
  char head[160];
  build(&st, 3);
  char *r = status_report(&st, CV_FORMAT_TEXT);
  head_line(head, sizeof head, HEAD3, 17);
  has_line(r, head);
  has_line(r, "Status: unofficial-complete");
  has_block(r, "Disputes\n  none\n");
  has_block(r, "Errors (block certification)\n  none\n");
  /* pp-s: issued 81 vs 80 signatures (W203, acknowledged); counted 80 vs
   * issued 81 (W204, open). */
  has_block(r, "Warnings\n"
               "  W203  W203/pp-s  polling place pp-s (South Hall): issued 81, pollbook "
               "signatures 80 (difference 1) (acknowledged: a voter left with a ballot)\n"
               "  W204  W204/pp-s  polling place pp-s (South Hall): counted 80 ballots, issued 81 "
               "(difference -1) (needs acknowledgement: canvass ack W204/pp-s --reason ...)\n");
  /* pp-n: 200 = 150 + 2 + 48, 150 signatures, 150 counted: no differences.
   * pp-s: 100 = 81 + 1 + 18; 81 - 80 = +1; counted 80 - 81 = -1. */
  has_block(r, "  pp-n                200     150        2      48       150      150"
               "          0           0          0\n"
               "  pp-s                100      81        1      18        80       80"
               "          0          +1         -1\n"
               "  Note, pp-s: one ballot, taken home\n");
  has_line(r, "  Certification is not possible now: W204 warning is not acknowledged (polling "
              "place pp-s (South Hall): counted 80 ballots, issued 81 (difference -1))");
  cv__free(r);

  r = status_report(&st, CV_FORMAT_CSV);
  has_row(r, "W203,pollbook-mismatch,W203/pp-s,polling place pp-s (South Hall),\"issued 81, "
             "pollbook signatures 80 (difference 1)\",yes,a voter left with a ballot,17");
  has_row(r, "pp-s,yes,100,81,1,18,80,80,0,1,-1,\"one ballot, taken home\"");
  cv__free(r);

  r = status_report(&st, CV_FORMAT_JSON);
  struct cv__arena a;
  cv__arena_init(&a, 0);
  const struct cv__jval *root = parse_json(&a, r);
  const struct cv__jval *w = find(get(root, "warnings"), "id", "W203/pp-s");
  assert_true(get(w, "acknowledged")->u.b);
  is_str(get(w, "reason"), "a voter left with a ballot");
  is_int(get(w, "ack_event"), 17);
  const struct cv__jval *acc = find(get(root, "ballot_accounting"), "polling_place", "pp-s");
  is_int(get(acc, "issued_minus_pollbook"), 1);
  is_int(get(acc, "counted_minus_issued"), -1);
  is_str(get(acc, "note"), "one ballot, taken home");
  cv__arena_fini(&a);
  cv__free(r);
  cv__state_fini(&st);
}

/* ---- stage 4: certified ------------------------------------------------- */

static void test_certified(void **state) {
  (void)state;
  struct cv__state st;
  char head[160];
  build(&st, 4);
  char *r = status_report(&st, CV_FORMAT_TEXT);
  head_line(head, sizeof head, HEAD4, 21);
  has_line(r, head);
  has_line(r, "Status: certified");
  has_block(r, "Certification\n"
               "  council  City Council     certified (event 19)\n"
               "  measure  Measure A        certified (event 20)\n"
               "  mayor    Mayor            ranked (irv): not tabulated in this release\n"
               "  ward     Ward 1 Alderman  certified (event 21)\n"
               "  Every contest that is counted in this release is certified.\n");
  cv__free(r);
  r = results_report(&st, CV_FORMAT_TEXT, false, false, NULL);
  has_line(r, "City Council (plurality, vote for 2, 2 seat(s)) - certified, 3 of 3 batch results "
              "settled");
  has_line(r, "Mayor (irv, rank up to 2, 1 seat(s)) - unofficial-partial, 0 of 3 batch results "
              "settled");
  cv__free(r);
  r = nist_report(&st);
  has_line(r, "  \"Status\": \"certified\",");
  has_line(r, "  \"GeneratedDate\": \"2026-11-03T20:21:00Z\",");
  cv__free(r);
  cv__state_fini(&st);
}

/* ---- out of memory ------------------------------------------------------ */

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

static cv_status render(const struct cv__state *st, int kind, struct cv__buf *out) {
  static const struct cv_report_options all = {CV_FORMAT_TEXT, NULL, true, true};
  struct cv_report_options opt = all;
  switch (kind) {
  case 0: return cv__report_status(st, CV_FORMAT_TEXT, out);
  case 1: return cv__report_status(st, CV_FORMAT_CSV, out);
  case 2: return cv__report_status(st, CV_FORMAT_JSON, out);
  case 3: return cv__report_results(st, &opt, out);
  case 4: opt.format = CV_FORMAT_CSV; return cv__report_results(st, &opt, out);
  case 5: opt.format = CV_FORMAT_JSON; return cv__report_results(st, &opt, out);
  default: return cv__report_nist(st, out);
  }
}

/* Every allocation a report makes may fail: the report then returns
 * CV_ENOMEM and leaves the caller's buffer as it was; once memory suffices the
 * bytes are the same as without the hook. */
static void test_out_of_memory(void **state) {
  (void)state;
  struct cv__state st;
  build(&st, 3);
  struct cv_allocator hook = {oom_malloc, oom_realloc, oom_free, NULL};
  for (int kind = 0; kind < 7; kind++) {
    struct cv__buf want;
    cv__buf_init(&want, 0);
    cv__buf_adds(&want, "keep");
    assert_int_equal(render(&st, kind, &want), CV_OK);
    int failures = 0;
    cv_set_allocator(&hook);
    for (long n = 0;; n++) {
      struct cv__buf out;
      cv__buf_init(&out, 0);
      cv__buf_adds(&out, "keep");
      alloc_left = n;
      cv_status s = render(&st, kind, &out);
      alloc_left = -1;
      if (s == CV_OK) {
        assert_int_equal(out.len, want.len);
        assert_memory_equal(out.data, want.data, want.len);
        cv__buf_fini(&out);
        break;
      }
      assert_int_equal(s, CV_ENOMEM);
      assert_int_equal(out.len, 4);
      assert_string_equal(out.data, "keep");
      cv__buf_fini(&out);
      failures++;
      assert_true(n < 100000);
    }
    cv_set_allocator(NULL);
    assert_true(failures >= 1);
    cv__buf_fini(&want);
  }
  cv__state_fini(&st);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_numbers),
      cmocka_unit_test(test_csv_quoting),
      cmocka_unit_test(test_status_text_partial),
      cmocka_unit_test(test_status_csv_json_partial),
      cmocka_unit_test(test_results_text_partial),
      cmocka_unit_test(test_unknown_contest_and_cap),
      cmocka_unit_test(test_results_complete),
      cmocka_unit_test(test_nist),
      cmocka_unit_test(test_status_warnings),
      cmocka_unit_test(test_certified),
      cmocka_unit_test(test_out_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
