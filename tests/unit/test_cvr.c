/* Unit tests for formats/cvr*: every provider on small hand-made files in
 * tests/data/cvr (expected records written by hand from the files), errors
 * with their positions, and, when ../shared/testdata/rctab is present, the
 * record counts of real cases and a few ballots read off the files with
 * other tools (python's zipfile and json modules). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "canvass/alloc.h"

#include "formats/cvr.h"
#include "util/error.h"

#define DATA CANVASS_SOURCE_DIR "/tests/data/cvr/"
#define RCTAB CANVASS_SOURCE_DIR "/../shared/testdata/rctab/"
#define MAX_KEEP 16

/* Keeps the first records as one line each:
 * "id|computed|precinct|batch|tabulator|portion|max: marks" with "-" for
 * NULL and marks as "rank:text", "rank:UWI" or "rank:OV(text)". */
struct seen {
  char line[MAX_KEEP][512];
  size_t n;
  uint32_t first_line, first_column;
  uint32_t mark_line, mark_column; /* of the first record's first mark */
};

static const char *or_dash(const char *s) { return s ? s : "-"; }

static cv_status collect(void *ud, const struct cv__cvr_record *r, struct cv_error *err) {
  struct seen *s = ud;
  (void)err;
  if (s->n == 0) {
    s->first_line = r->line;
    s->first_column = r->column;
    if (r->n_marks) s->mark_line = r->marks[0].line, s->mark_column = r->marks[0].column;
  }
  if (s->n < MAX_KEEP) {
    char *o = s->line[s->n];
    size_t cap = sizeof s->line[0];
    int k = snprintf(o, cap, "%s|%s|%s|%s|%s|%s|%u:", or_dash(r->id), or_dash(r->computed_id),
                     or_dash(r->precinct), or_dash(r->batch), or_dash(r->tabulator),
                     or_dash(r->precinct_portion), (unsigned)r->source_max_rank);
    for (size_t i = 0; i < r->n_marks && k > 0 && (size_t)k < cap; i++) {
      const struct cv__cvr_mark *m = &r->marks[i];
      if (m->kind == CV__MARK_UWI)
        k += snprintf(o + k, cap - (size_t)k, " %u:UWI", (unsigned)m->rank);
      else if (m->kind == CV__MARK_OVERVOTE)
        k += snprintf(o + k, cap - (size_t)k, " %u:OV(%.*s)", (unsigned)m->rank, (int)m->text_len,
                      m->text ? m->text : "");
      else
        k += snprintf(o + k, cap - (size_t)k, " %u:%.*s", (unsigned)m->rank, (int)m->text_len,
                      m->text);
    }
  }
  s->n++;
  return CV_OK;
}

static cv_status read_src(const struct cv__cvr_source *src, struct seen *s, struct cv_error *err) {
  memset(s, 0, sizeof *s);
  memset(err, 0, sizeof *err);
  return cv__cvr_read(src, collect, s, NULL, err);
}

static void expect_ok(const struct cv__cvr_source *src, struct seen *s) {
  struct cv_error err;
  cv_status st = read_src(src, s, &err);
  if (st != CV_OK)
    print_error("unexpected error: %s:%u:%u: %s\n", err.file, err.line, err.column, err.message);
  assert_int_equal(st, CV_OK);
}

static void expect_fail(const struct cv__cvr_source *src, cv_status code, uint32_t line,
                        uint32_t column, const char *part) {
  struct seen s;
  struct cv_error err;
  cv_status st = read_src(src, &s, &err);
  if (st != code || err.line != line || err.column != column || !strstr(err.message, part))
    print_error("got %d %s:%u:%u: %s\n", (int)st, err.file, err.line, err.column, err.message);
  assert_int_equal(st, code);
  assert_int_equal(err.code, code);
  assert_int_equal(err.line, line);
  assert_int_equal(err.column, column);
  assert_non_null(strstr(err.message, part));
}

/* ---- providers and names ---------------------------------------------------------- */

static void test_provider_names(void **state) {
  (void)state;
  enum cv__cvr_provider p;
  assert_true(cv__cvr_provider_from_name("cdf", &p) && p == CV__CVR_CDF);
  assert_true(cv__cvr_provider_from_name("dominion", &p) && p == CV__CVR_DOMINION);
  assert_true(cv__cvr_provider_from_name("ess", &p) && p == CV__CVR_ESS);
  assert_true(cv__cvr_provider_from_name("hart", &p) && p == CV__CVR_HART);
  assert_true(cv__cvr_provider_from_name("clearBallot", &p) && p == CV__CVR_CLEAR_BALLOT);
  assert_true(cv__cvr_provider_from_name("genericCsv", &p) && p == CV__CVR_GENERIC_CSV);
  assert_false(cv__cvr_provider_from_name("ESS", &p));
  assert_false(cv__cvr_provider_from_name("", &p));
  assert_false(cv__cvr_provider_from_name(NULL, &p));
}

static void test_parse_rank(void **state) {
  (void)state;
  uint32_t r = 0;
  assert_true(cv__cvr_parse_rank("3", 1, &r) && r == 3);
  assert_true(cv__cvr_parse_rank("+12", 3, &r) && r == 12);
  assert_true(cv__cvr_parse_rank("007", 3, &r) && r == 7);
  assert_false(cv__cvr_parse_rank("0", 1, &r));
  assert_false(cv__cvr_parse_rank("-1", 2, &r));
  assert_false(cv__cvr_parse_rank("1.0", 3, &r));
  assert_false(cv__cvr_parse_rank("", 0, &r));
  assert_false(cv__cvr_parse_rank("99999999999", 11, &r));
}

/* ---- ES&S ----------------------------------------------------------------------------- */

static struct cv__cvr_source ess_tiny(void) {
  struct cv__cvr_source s = {0};
  s.provider = CV__CVR_ESS;
  s.path = DATA "tiny.xlsx";
  s.first_vote_column = 3;
  s.first_vote_row = 2;
  s.id_column = 1;
  s.precinct_column = 2;
  s.overvote_label = "overvote";
  s.skipped_rank_label = "undervote";
  s.undeclared_write_in_label = "UWI";
  s.overvote_delimiter = "|";
  s.max_rankings = 3;
  return s;
}

static void test_ess_tiny(void **state) {
  (void)state;
  struct cv__cvr_source src = ess_tiny();
  struct seen s;
  expect_ok(&src, &s);
  assert_int_equal(s.n, 4);
  assert_string_equal(s.line[0], "101|tiny.xlsx-1|P&1|-|-|-|0: 1:Alice 2:Bob 3:Carol");
  assert_string_equal(s.line[1], "150|tiny.xlsx-2|P2|-|-|-|0: 3:OV(overvote)");
  assert_string_equal(s.line[2],
                      "103|tiny.xlsx-3|missing_precinct_id|-|-|-|0: 1:Alice 1:Bob 2:UWI");
  assert_string_equal(s.line[3], "104|tiny.xlsx-4|P&1|-|-|-|0: 1:UWI 2:TRUE");
  assert_int_equal(s.first_line, 2);
  assert_int_equal(s.mark_line, 2); /* XLSX marks carry row and column */
  assert_int_equal(s.mark_column, 3);
}

static void test_ess_blank_as_uwi(void **state) {
  (void)state;
  struct cv__cvr_source src = ess_tiny();
  src.treat_blank_as_undeclared_write_in = true;
  struct seen s;
  expect_ok(&src, &s);
  assert_int_equal(s.n, 4);
  assert_string_equal(s.line[0], "101|tiny.xlsx-1|P&1|-|-|-|0: 1:Alice 2:Bob 3:Carol");
  assert_string_equal(s.line[1], "150|tiny.xlsx-2|P2|-|-|-|0: 2:UWI 3:OV(overvote)");
  assert_string_equal(s.line[2],
                      "103|tiny.xlsx-3|missing_precinct_id|-|-|-|0: 1:Alice 1:Bob 2:UWI 3:UWI");
  assert_string_equal(s.line[3], "104|tiny.xlsx-4|P&1|-|-|-|0: 1:UWI 2:TRUE 3:UWI");
}

static void test_ess_no_limit_and_no_delimiter(void **state) {
  (void)state;
  struct cv__cvr_source src = ess_tiny();
  src.max_rankings = 0;
  src.overvote_delimiter = NULL;
  src.first_vote_row = 5;
  src.precinct_column = 0;
  struct seen s;
  expect_ok(&src, &s);
  assert_int_equal(s.n, 2);
  assert_string_equal(s.line[0], "103|tiny.xlsx-1|-|-|-|-|0: 1:Alice|Bob 2:UWI");
  assert_string_equal(s.line[1], "104|tiny.xlsx-2|-|-|-|-|0: 1:UWI 2:TRUE");
}

static void test_ess_fallback_parts(void **state) {
  (void)state;
  struct cv__cvr_source src = {0};
  src.provider = CV__CVR_ESS;
  src.path = DATA "norels.xlsx";
  src.first_vote_column = 2;
  src.first_vote_row = 2;
  struct seen s;
  expect_ok(&src, &s);
  assert_int_equal(s.n, 1);
  assert_string_equal(s.line[0], "-|norels.xlsx-1|-|-|-|-|0: 1:Dan 2:ERROR:#N/A");
}

static void test_ess_delimiter(void **state) {
  (void)state;
  struct cv__cvr_source src = {0};
  src.provider = CV__CVR_ESS;
  src.path = DATA "delim_ok.xlsx";
  src.first_vote_column = 2;
  src.first_vote_row = 2;
  src.overvote_delimiter = "|";
  src.skipped_rank_label = "undervote";
  struct seen s;
  expect_ok(&src, &s);
  assert_int_equal(s.n, 1);
  /* "A|" is A (a trailing empty part is dropped, as Java's split does);
   * "|" names nobody; the skipped-rank label gives no mark. */
  assert_string_equal(s.line[0], "-|delim_ok.xlsx-1|-|-|-|-|0: 1:A 2:A 2:B");
  src.path = DATA "delim_bad.xlsx";
  expect_fail(&src, CV_EINVAL, 1, 34, "none may be blank or the skipped-rank label");
}

static void test_ess_errors(void **state) {
  (void)state;
  struct cv__cvr_source src = ess_tiny();
  src.path = DATA "bad_sst.xlsx";
  src.id_column = 0;
  src.precinct_column = 0;
  expect_fail(&src, CV_EINVAL, 1, 73, "shared string index \"7\"");
  src.path = DATA "bad_xml.xlsx";
  expect_fail(&src, CV_EINVAL, 2, 37, "expected </v>, found </c>");
  src.path = DATA "tiny.xlsx";
  src.id_column = 1;
  src.first_vote_row = 1;
  src.id_column = 6; /* no cell in column F */
  expect_fail(&src, CV_EINVAL, 1, 6, "no record id");
  src.path = DATA "no_such.xlsx";
  expect_fail(&src, CV_ENOENT, 0, 0, "cannot open");
  src.path = DATA "generic.csv";
  expect_fail(&src, CV_EINVAL, 0, 0, "not a zip archive");
  struct cv__cvr_source none = ess_tiny();
  none.first_vote_column = 0;
  expect_fail(&none, CV_EINVAL, 0, 0, "first vote column");
}

/* ---- CDF -------------------------------------------------------------------------------- */

static void test_cdf_json(void **state) {
  (void)state;
  struct cv__cvr_source src = {0};
  src.provider = CV__CVR_CDF;
  src.path = DATA "cdf_small.json";
  src.contest_id = "Mayor";
  src.overvote_label = "OVER";
  struct seen s;
  expect_ok(&src, &s);
  assert_int_equal(s.n, 2);
  assert_string_equal(s.line[0],
                      "b1|cdf_small.json(1)|Ward 1|7|-|-|0: 2:Ann 4:Ben 1:UWI 3:OV(OVER)");
  assert_string_equal(s.line[1], "b3|cdf_small.json(3)|-|-|-|-|0:");
  assert_int_equal(s.first_line, 3);
  assert_int_equal(s.first_column, 5);
  src.contest_id = "Dog catcher";
  expect_fail(&src, CV_EINVAL, 1, 1, "no Contest named \"Dog catcher\"");
  src.contest_id = NULL;
  expect_fail(&src, CV_EINVAL, 0, 0, "needs the contest");
}

static void test_cdf_xml(void **state) {
  (void)state;
  struct cv__cvr_source src = {0};
  src.provider = CV__CVR_CDF;
  src.path = DATA "cdf_small.xml";
  src.contest_id = "Mayor";
  struct seen s;
  expect_ok(&src, &s);
  assert_int_equal(s.n, 2);
  assert_string_equal(s.line[0], "u-1|cdf_small.xml(1)|Ward 1|9|-|-|0: 1:Ben <B> 2:UWI");
  assert_string_equal(s.line[1], "u-3|cdf_small.xml(2)|-|-|-|-|0: 2:Ann & Co 3:UWI");
  assert_int_equal(s.first_line, 4);
  assert_int_equal(s.first_column, 3);
  src.contest_id = "Other";
  expect_ok(&src, &s);
  assert_int_equal(s.n, 1); /* the second CVR: Other without selections */
  src.path = DATA "cdf_small.txt";
  expect_fail(&src, CV_EINVAL, 0, 0, "must end in .json or .xml");
}

/* In memory, with mistakes placed at known positions. */
static void test_cdf_errors(void **state) {
  (void)state;
  static const char bad_sel[] =
      "{\"GpUnit\":[],\"Election\":[{\"Candidate\":[],\"Contest\":[{\"@id\":\"c\",\"Name\":\"M\","
      "\"ContestSelection\":[]}]}],\n\"CVR\":[{\"CurrentSnapshotId\":\"s\",\"CVRSnapshot\":[{\"@"
      "id\":"
      "\"s\",\"CVRContest\":[{\"ContestId\":\"c\",\"CVRContestSelection\":[\n "
      "{\"ContestSelectionId\":"
      "\"zz\",\"Rank\":1}]}]}]}]}";
  struct cv__cvr_source src = {0};
  src.provider = CV__CVR_CDF;
  src.path = "mem.json";
  src.contest_id = "M";
  src.data = bad_sel;
  src.data_len = strlen(bad_sel);
  expect_fail(&src, CV_EINVAL, 3, 24, "ContestSelection \"zz\" is not a selection");
  static const char bad_rank[] =
      "{\"GpUnit\":[],\"Election\":[{\"Candidate\":[{\"@id\":\"k\",\"Name\":\"A\"}],\"Contest\":[{"
      "\"@id\":"
      "\"c\",\"Name\":\"M\",\"ContestSelection\":[{\"@id\":\"cs\",\"CandidateIds\":[\"k\"]}]}]}],\n"
      "\"CVR\":[{\"CurrentSnapshotId\":\"s\",\"CVRSnapshot\":[{\"@id\":\"s\",\"CVRContest\":[{"
      "\"ContestId\":\"c\",\"CVRContestSelection\":[{\"ContestSelectionId\":\"cs\",\"Rank\":0}]}]}]"
      "}]}";
  src.data = bad_rank;
  src.data_len = strlen(bad_rank);
  expect_fail(&src, CV_EINVAL, 2, 147, "Rank must be a whole number");
  static const char bad_xml[] =
      "<CastVoteRecordReport>\n  <CVR><Election></CVR>\n</CastVoteRecordReport>";
  src.path = "mem.xml";
  src.data = bad_xml;
  src.data_len = strlen(bad_xml);
  expect_fail(&src, CV_EINVAL, 2, 18, "expected </Election>, found </CVR>");
}

/* ---- Hart, Dominion, CSV ------------------------------------------------------------------ */

static void test_hart(void **state) {
  (void)state;
  struct cv__cvr_source src = {0};
  src.provider = CV__CVR_HART;
  src.path = DATA "hart";
  src.contest_id = "c-1";
  src.undeclared_write_in_label = "o-w";
  struct seen s;
  expect_ok(&src, &s);
  assert_int_equal(s.n, 2);
  assert_string_equal(s.line[0], "g-a|-|P 2|13|-|ps-2|0:");
  assert_string_equal(s.line[1], "g-b|-|P 1|12|-|ps-1|0: 2:o-a 4:o-a 1:UWI");
  src.path = DATA "nothing_here";
  expect_fail(&src, CV_ENOENT, 0, 0, "cannot open the Hart CVR folder");
}

static void test_dominion(void **state) {
  (void)state;
  struct cv__cvr_source src = {0};
  src.provider = CV__CVR_DOMINION;
  src.path = DATA "dominion";
  src.contest_id = "5";
  src.undeclared_write_in_label = "59";
  struct seen s;
  expect_ok(&src, &s);
  assert_int_equal(s.n, 3);
  assert_string_equal(s.line[0], "4|7-2-4|Precinct A|2|7|Portion A1|3: 1:51 2:UWI 3:52");
  assert_string_equal(s.line[1], "5|7-2-5|-|2|7|Portion A1|3: 2:52");
  assert_string_equal(s.line[2], "1|7-3-1|-|3|7|Portion B1|3: 1:52");
  /* Without the write-in label, 59 is still a candidate of the contest. */
  src.undeclared_write_in_label = NULL;
  expect_ok(&src, &s);
  assert_string_equal(s.line[0], "4|7-2-4|Precinct A|2|7|Portion A1|3: 1:51 2:59 3:52");
  src.contest_id = "9";
  expect_fail(&src, CV_EINVAL, 0, 0, "no cast vote records for contest 9");
}

static void test_dominion_mem(void **state) {
  (void)state;
  static const char portion[] = "{\"List\":[{\"Id\":1,\"Description\":\"P1\"}]}";
  static const char contest[] = "{\"List\":[{\"Id\":5,\"Description\":\"M\",\"NumOfRanks\":2}]}";
  static const char cands[] = "{\"List\":[{\"Id\":51,\"ContestId\":5,\"Description\":\"A\"}]}";
  static const char cvr[] =
      "{\"Sessions\":[{\"TabulatorId\":1,\"BatchId\":2,\"RecordId\":3,\"Original\":{\n"
      "\"IsCurrent\":true,\"PrecinctPortionId\":1,\"Contests\":[{\"Id\":5,\"OutstackConditionIds\":"
      "[],"
      "\"Marks\":[\n  {\"CandidateId\":77,\"Rank\":1,\"IsAmbiguous\":false}]}]}}]}";
  struct cv__dominion_mem m = {NULL, 0, portion, strlen(portion), contest, strlen(contest),
                               cands, strlen(cands), cvr, strlen(cvr)};
  struct cv__cvr_source src = {0};
  src.provider = CV__CVR_DOMINION;
  src.path = "mem";
  src.contest_id = "5";
  struct seen s;
  struct cv_error err = {0};
  memset(&s, 0, sizeof s);
  assert_int_equal(cv__cvr_read_dominion_mem(&src, &m, collect, &s, &err), CV_EINVAL);
  assert_int_equal(err.line, 3);
  assert_int_equal(err.column, 3);
  assert_non_null(strstr(err.message, "candidate Id 77 is not a candidate of contest 5"));
  assert_string_equal(err.file, "CvrExport.json");
}

static void test_generic_csv(void **state) {
  (void)state;
  struct cv__cvr_source src = {0};
  src.provider = CV__CVR_GENERIC_CSV;
  src.path = DATA "generic.csv";
  src.first_vote_column = 4;
  src.first_vote_row = 2;
  src.id_column = 1;
  src.precinct_column = 2;
  src.batch_column = 3;
  src.undeclared_write_in_label = "Write-In";
  struct seen s;
  expect_ok(&src, &s);
  assert_int_equal(s.n, 3);
  assert_string_equal(s.line[0], "r1|1|p1|no batch id|-|-|0: 1:Ann 2:Ben");
  assert_string_equal(s.line[1], "r2|2|no precinct id|b2|-|-|0: 1:Ben 2:UWI");
  assert_string_equal(s.line[2], "r3|3|p1|b1|-|-|0:");
  assert_int_equal(s.mark_line, 2);
  assert_int_equal(s.mark_column, 8);
  src.path = DATA "generic_bad.csv";
  src.first_vote_column = 2;
  src.precinct_column = src.batch_column = 0;
  expect_fail(&src, CV_EINVAL, 2, 6, "expected a rank");
  src.first_vote_column = 9;
  expect_fail(&src, CV_EINVAL, 1, 1, "the header has 3 columns");
}

static void test_clear_ballot(void **state) {
  (void)state;
  struct cv__cvr_source src = {0};
  src.provider = CV__CVR_CLEAR_BALLOT;
  src.path = DATA "clear_ballot.csv";
  src.contest_id = "Mayor";
  src.undeclared_write_in_label = "UWI";
  src.max_rankings = 2;
  struct seen s;
  expect_ok(&src, &s);
  assert_int_equal(s.n, 2);
  assert_string_equal(s.line[0], "B1+1|-|P7|-|SC-1|-|0: 1:Ann 2:UWI");
  assert_string_equal(s.line[1], "B1+2|-|P8|-|SC-2|-|0: 1:Ann 1:Ben");
  src.max_rankings = 0;
  expect_ok(&src, &s);
  assert_string_equal(s.line[0], "B1+1|-|P7|-|SC-1|-|0: 1:Ann 2:UWI 3:Ben");
  static const char bad[] = "a,b,c,d,e,f,g,h,i,j,Choice_1:Mayor:x:V:Ann:P\n";
  src.path = "mem.csv";
  src.data = bad;
  src.data_len = strlen(bad);
  expect_fail(&src, CV_EINVAL, 1, 0, "is not a whole number");
}

/* A callback's error stops the read and is what the caller sees. */
static cv_status refuse(void *ud, const struct cv__cvr_record *r, struct cv_error *err) {
  (void)ud;
  return cv__fail(err, CV_EREFUSED, r->file, r->line, r->column, NULL, "stop here");
}

static void test_callback_error(void **state) {
  (void)state;
  struct cv__cvr_source src = ess_tiny();
  struct cv_error err = {0};
  assert_int_equal(cv__cvr_read(&src, refuse, NULL, NULL, &err), CV_EREFUSED);
  assert_string_equal(err.message, "stop here");
  assert_int_equal(err.line, 2);
}

/* ---- real cases (skipped when absent) ---------------------------------------------- */

static bool have(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

static void test_real_minneapolis(void **state) {
  (void)state;
  if (!have(RCTAB "2013_minneapolis_mayor")) skip();
  struct cv__cvr_source src = {0};
  src.provider = CV__CVR_ESS;
  src.path = RCTAB "2013_minneapolis_mayor/2013_minneapolis_mayor_cvr.xlsx";
  src.first_vote_column = 2;
  src.first_vote_row = 2;
  src.precinct_column = 1;
  src.overvote_label = "overvote";
  src.skipped_rank_label = "undervote";
  src.undeclared_write_in_label = "UWI";
  src.max_rankings = 3;
  struct seen s;
  expect_ok(&src, &s);
  assert_int_equal(s.n, 80101);
  assert_string_equal(
      s.line[0],
      "-|2013_minneapolis_mayor_cvr.xlsx-1|MINNEAPOLIS W-7 P-10|-|-|-|0: 1:BETSY HODGES");
  assert_string_equal(s.line[1], "-|2013_minneapolis_mayor_cvr.xlsx-2|MINNEAPOLIS W-10 "
                                 "P-06|-|-|-|0: 1:BOB FINE 2:MARK ANDREW");
  assert_string_equal(s.line[2], "-|2013_minneapolis_mayor_cvr.xlsx-3|MINNEAPOLIS W-10 "
                                 "P-09|-|-|-|0: 1:KURTIS W. HANNA 2:BOB FINE 3:MIKE GOULD");
}

static void test_real_others(void **state) {
  (void)state;
  if (!have(RCTAB "dominion_alaska")) skip();
  struct cv__cvr_source src = {0};
  src.provider = CV__CVR_DOMINION;
  src.path = RCTAB "_shared/dominion_alaska/alaska_input_data";
  src.contest_id = "1";
  src.undeclared_write_in_label = "12";
  struct seen s;
  expect_ok(&src, &s);
  assert_int_equal(s.n, 1000);
  assert_string_equal(s.line[0], "1|42-1-1|-|1|42|Precinct 1|5: 1:9 2:1 3:UWI 4:8 5:7");

  struct cv__cvr_source cdf = {0};
  cdf.provider = CV__CVR_CDF;
  cdf.path = RCTAB "unisyn_cvrs/101-RCV-CVT_TEST_3_UNIOVS2103-2.xml";
  cdf.contest_id = "For County Coroner (1/2)";
  expect_ok(&cdf, &s);
  assert_int_equal(s.n, 35);
  cdf.path = RCTAB "test_set_1_exhaust_at_overvote/test_set_1_exhaust_at_overvote_cvr.json";
  cdf.contest_id = "test set 1";
  expect_ok(&cdf, &s);
  assert_int_equal(s.n, 15);
  assert_string_equal(s.line[0],
                      "1|test_set_1_exhaust_at_overvote_cvr.json(1)|-|-|-|-|0: 1:Candidate A Name "
                      "1:Candidate B Name 3:Candidate C Name 4:Candidate D Name");

  struct cv__cvr_source hart = {0};
  hart.provider = CV__CVR_HART;
  hart.path = RCTAB "_shared/hart_cvr_archive";
  hart.contest_id = "b651b997-417a-46d9-a676-a43d4df94ddc";
  expect_ok(&hart, &s);
  assert_int_equal(s.n, 9);
}

/* ---- out of memory: every allocation in turn fails; no crash, no leak ----- */

static _Atomic long countdown = -1000000000L;

static void *oom_malloc(size_t n, void *ud) {
  (void)ud;
  /* The allocation that takes the count from 1 to 0 fails; later ones
   * (count below 0) succeed. */
  if (atomic_fetch_sub(&countdown, 1) == 1) return NULL;
  return malloc(n);
}

static void *oom_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  if (atomic_fetch_sub(&countdown, 1) == 1) return NULL;
  return realloc(p, n);
}

static void oom_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

static void oom_run(const struct cv__cvr_source *src) {
  struct seen s;
  struct cv_error err;
  for (long n = 1; n < 5000; n++) {
    atomic_store(&countdown, n);
    cv_status st = read_src(src, &s, &err);
    long left = atomic_load(&countdown);
    atomic_store(&countdown, -1000000000L);
    if (left > 0) {
      /* The n-th allocation never came: the read ran to the end. */
      if (st != CV_OK) print_error("%s: %s\n", src->path, err.message);
      assert_int_equal(st, CV_OK);
      return;
    }
    assert_int_not_equal(st, CV_OK);
  }
  fail_msg("%s: more than 5000 allocations", src->path);
}

static void test_out_of_memory(void **state) {
  (void)state;
  struct cv_allocator hook = {oom_malloc, oom_realloc, oom_free, NULL};
  cv_set_allocator(&hook);
  struct cv__cvr_source ess = ess_tiny();
  ess.treat_blank_as_undeclared_write_in = true;
  oom_run(&ess);
  struct cv__cvr_source cdf = {0};
  cdf.provider = CV__CVR_CDF;
  cdf.contest_id = "Mayor";
  cdf.path = DATA "cdf_small.json";
  oom_run(&cdf);
  cdf.path = DATA "cdf_small.xml";
  oom_run(&cdf);
  struct cv__cvr_source hart = {0};
  hart.provider = CV__CVR_HART;
  hart.path = DATA "hart";
  hart.contest_id = "c-1";
  oom_run(&hart);
  struct cv__cvr_source dom = {0};
  dom.provider = CV__CVR_DOMINION;
  dom.path = DATA "dominion";
  dom.contest_id = "5";
  oom_run(&dom);
  struct cv__cvr_source csv = {0};
  csv.provider = CV__CVR_GENERIC_CSV;
  csv.path = DATA "generic.csv";
  csv.first_vote_column = 4;
  csv.id_column = 1;
  csv.precinct_column = 2;
  oom_run(&csv);
  csv.provider = CV__CVR_CLEAR_BALLOT;
  csv.path = DATA "clear_ballot.csv";
  csv.contest_id = "Mayor";
  oom_run(&csv);
  cv_set_allocator(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_provider_names),
      cmocka_unit_test(test_parse_rank),
      cmocka_unit_test(test_ess_tiny),
      cmocka_unit_test(test_ess_blank_as_uwi),
      cmocka_unit_test(test_ess_no_limit_and_no_delimiter),
      cmocka_unit_test(test_ess_fallback_parts),
      cmocka_unit_test(test_ess_delimiter),
      cmocka_unit_test(test_ess_errors),
      cmocka_unit_test(test_cdf_json),
      cmocka_unit_test(test_cdf_xml),
      cmocka_unit_test(test_cdf_errors),
      cmocka_unit_test(test_hart),
      cmocka_unit_test(test_dominion),
      cmocka_unit_test(test_dominion_mem),
      cmocka_unit_test(test_generic_csv),
      cmocka_unit_test(test_clear_ballot),
      cmocka_unit_test(test_callback_error),
      cmocka_unit_test(test_out_of_memory),
      cmocka_unit_test(test_real_minneapolis),
      cmocka_unit_test(test_real_others),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
