/* Property tests over random elections:
 *  - the state rebuilt by replaying the store equals the live state (every
 *    report byte for byte, and the head hash);
 *  - batch results add up to the polling place, district and total results.
 * Elections, sheets (agreeing, disagreeing, inconsistent) and resolutions are
 * drawn from a fixed-seed generator, so a failure reproduces. */
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
#include "canvass/election.h"
#include "count/agreement.h"
#include "election/election.h"
#include "tabulate/outcome.h"

static uint64_t rng;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng % n);
}

struct model {
  uint32_t n_places, n_contests;
  uint32_t choices[4], votes_allowed[4];
  int style_of[8];           /* polling place -> style 0/1 */
  bool on_style[2][4];
};

static void write_definition(const struct model *m, const char *path) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "{\"canvass_definition\":1,\"election\":{\"id\":\"r\",\"name\":\"Random\",\"date\":\"2026-11-03\"},"
             "\"units\":[{\"id\":\"j\",\"name\":\"J\",\"type\":\"jurisdiction\"},"
             "{\"id\":\"d0\",\"name\":\"D0\",\"type\":\"district\",\"parent\":\"j\"},"
             "{\"id\":\"d1\",\"name\":\"D1\",\"type\":\"district\",\"parent\":\"j\"}");
  for (uint32_t p = 0; p < m->n_places; p++)
    fprintf(f, ",{\"id\":\"p%u\",\"name\":\"P%u\",\"type\":\"polling_place\",\"parent\":\"d%u\"}", p, p, p % 2);
  fprintf(f, "],\"contests\":[");
  for (uint32_t c = 0; c < m->n_contests; c++) {
    fprintf(f, "%s{\"id\":\"c%u\",\"name\":\"C%u\",\"type\":\"plurality\",\"votes_allowed\":%u,\"seats\":%u,"
               "\"district\":\"j\",\"choices\":[",
            c ? "," : "", c, c, m->votes_allowed[c], m->votes_allowed[c]);
    for (uint32_t k = 0; k < m->choices[c]; k++) fprintf(f, "%s{\"id\":\"x%u\",\"name\":\"X%u\"}", k ? "," : "", k, k);
    fprintf(f, "]}");
  }
  fprintf(f, "],\"ballot_styles\":[");
  for (int s = 0; s < 2; s++) {
    fprintf(f, "%s{\"id\":\"s%d\",\"contests\":[", s ? "," : "", s);
    bool first = true;
    for (uint32_t c = 0; c < m->n_contests; c++)
      if (m->on_style[s][c]) fprintf(f, "%s\"c%u\"", first ? "" : ",", c), first = false;
    fprintf(f, "],\"polling_places\":[");
    first = true;
    for (uint32_t p = 0; p < m->n_places; p++)
      if (m->style_of[p] == s) fprintf(f, "%s\"p%u\"", first ? "" : ",", p), first = false;
    fprintf(f, "]}");
  }
  fprintf(f, "]}\n");
  fclose(f);
}

static void set(cv_sheet_draft *d, const char *field, uint64_t v) {
  char text[32];
  snprintf(text, sizeof text, "%llu", (unsigned long long)v);
  struct cv_error err = {0};
  assert_int_equal(cv_sheet_draft_set(d, field, text, &err), CV_OK);
}

/* Enters a sheet for batch b (place p); variant perturbs the numbers. */
static void enter_sheet(cv_election *e, const struct model *m, uint32_t b, uint32_t p, const char *team,
                        uint32_t variant, uint64_t *values_seed) {
  cv_sheet_draft *d;
  struct cv_error err = {0};
  assert_int_equal(cv_sheet_draft_new(e, &d, &err), CV_OK);
  char batch[32];
  snprintf(batch, sizeof batch, "b%u", b);
  assert_int_equal(cv_sheet_draft_set(d, "batch", batch, &err), CV_OK);
  assert_int_equal(cv_sheet_draft_set(d, "team", team, &err), CV_OK);
  assert_int_equal(cv_sheet_draft_set(d, "members", "M One; M Two", &err), CV_OK);
  int s = m->style_of[p];
  for (uint32_t c = 0; c < m->n_contests; c++) {
    if (!m->on_style[s][c]) continue;
    char cid[16];
    snprintf(cid, sizeof cid, "c%u", c);
    assert_int_equal(cv_sheet_draft_set(d, "contest", cid, &err), CV_OK);
    /* Deterministic "true" numbers per batch and contest, then the variant. */
    uint64_t save = rng;
    rng = *values_seed + b * 131u + c * 7u + 1;
    uint64_t ballots = 20 + rnd(80), blank = rnd(3), invalid = rnd(2);
    uint64_t slots = (ballots - blank - invalid) * m->votes_allowed[c];
    uint64_t over = rnd(2) * m->votes_allowed[c];
    uint64_t left = slots - over, votes[8] = {0};
    for (uint32_t k = 0; k + 1 < m->choices[c]; k++) {
      votes[k] = rnd((uint32_t)left / 2 + 1);
      left -= votes[k];
    }
    votes[m->choices[c] - 1] = left / 2;
    uint64_t under = left - votes[m->choices[c] - 1];
    rng = save;
    if (variant == 1 && m->choices[c] > 1 && votes[0] > 0) { /* a vote moved: a dispute */
      votes[0]--;
      votes[1]++;
    }
    if (variant == 2) under++; /* breaks the identity: E101 */
    set(d, "ballots", ballots);
    set(d, "blank", blank);
    set(d, "invalid", invalid);
    set(d, "undervotes", under);
    set(d, "overvotes", over);
    for (uint32_t k = 0; k < m->choices[c]; k++) {
      char ch[16];
      snprintf(ch, sizeof ch, "x%u", k);
      set(d, ch, votes[k]);
    }
  }
  assert_int_equal(cv_sheet_draft_commit(d, NULL, &err), CV_OK);
  cv_sheet_draft_free(d);
}

static char *report(cv_election *e, enum cv_report_kind k, enum cv_format f, bool by_batch) {
  struct cv_report_options o = {f, NULL, true, by_batch};
  char *out;
  size_t len;
  struct cv_error err = {0};
  assert_int_equal(cv_report(e, k, &o, &out, &len, &err), CV_OK);
  return out;
}

static void check_sums(cv_election *e) {
  const struct cv__state *st = &e->st;
  struct cv__arena a;
  cv__arena_init(&a, 0);
  for (uint32_t ci = 0; ci < st->def.n_contests; ci++) {
    struct cv__tally *t = cv__tally_units_new(st, ci, &a);
    assert_non_null(t);
    cv__tally_units(st, ci, t);
    uint32_t nc = st->def.contests[ci].n_choices;
    uint64_t direct[8] = {0}, places[8] = {0}, districts[8] = {0};
    /* Directly over cells. */
    for (size_t cell = 0; cell < st->n_cells; cell++) {
      if (st->cells[cell].contest != ci) continue;
      int32_t v;
      if (!cv__cell_settled(cv__cell_status(st, (uint32_t)cell, &v))) continue;
      for (uint32_t k = 0; k < nc; k++) direct[k] += st->entries[v].votes[k];
    }
    for (uint32_t u = 0; u < st->def.n_units; u++)
      for (uint32_t k = 0; k < nc; k++) {
        if (st->def.units[u].type == CV__UNIT_POLLING_PLACE) places[k] += t[u].votes[k];
        if (st->def.units[u].type == CV__UNIT_DISTRICT) districts[k] += t[u].votes[k];
      }
    for (uint32_t k = 0; k < nc; k++) {
      assert_int_equal(direct[k], t[0].votes[k]);
      assert_int_equal(places[k], t[0].votes[k]);
      assert_int_equal(districts[k], t[0].votes[k]);
    }
  }
  cv__arena_fini(&a);
}

static void replay_equals_live_and_sums_add_up(void **unused) {
  (void)unused;
  char dir[] = "/tmp/canvass-prop-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char defpath[256], manpath[256], store[256];
  snprintf(defpath, sizeof defpath, "%s/def.json", dir);
  snprintf(manpath, sizeof manpath, "%s/manifest.csv", dir);
  for (uint64_t round = 1; round <= 40; round++) {
    rng = 0x9E3779B97F4A7C15ull * round;
    struct model m = {0};
    m.n_places = 2 + rnd(6);
    m.n_contests = 1 + rnd(4);
    for (uint32_t c = 0; c < m.n_contests; c++) {
      m.choices[c] = 2 + rnd(5);
      m.votes_allowed[c] = 1 + rnd(m.choices[c] - 1);
      m.on_style[0][c] = m.on_style[1][c] = true;
    }
    if (m.n_contests > 1) m.on_style[1][rnd(m.n_contests)] = false;
    for (uint32_t p = 0; p < m.n_places; p++) m.style_of[p] = p == 0 ? 0 : (p == 1 ? 1 : (int)rnd(2));
    write_definition(&m, defpath);
    FILE *f = fopen(manpath, "w");
    assert_non_null(f);
    fprintf(f, "Batch Name,Number of Ballots,Polling Place\n");
    uint32_t n_batches = m.n_places + rnd(10), place[20];
    for (uint32_t b = 0; b < n_batches; b++) {
      place[b] = b < m.n_places ? b : rnd(m.n_places);
      fprintf(f, "b%u,%u,p%u\n", b, 50u, place[b]);
    }
    fclose(f);
    snprintf(store, sizeof store, "%s/r%llu.canvass", dir, (unsigned long long)round);
    struct cv_error err = {0};
    cv_election *e;
    assert_int_equal(cv_election_create(store, defpath, "prop", "2026-11-03T20:00:00Z", &e, &err), CV_OK);
    assert_int_equal(cv_import_manifest(e, manpath, NULL, &err), CV_OK);
    uint64_t seed = round * 1000003u;
    for (uint32_t b = 0; b < n_batches; b++) {
      uint32_t plan = rnd(6);
      if (plan == 0) continue;                         /* not counted */
      enter_sheet(e, &m, b, place[b], "A", plan == 5 ? 2 : 0, &seed);
      if (plan == 1) continue;                         /* waiting */
      enter_sheet(e, &m, b, place[b], "B", plan == 3 ? 1 : 0, &seed);
      if (plan == 3 && rnd(2)) enter_sheet(e, &m, b, place[b], "C", 0, &seed); /* settles it */
      if (plan == 4) {                                 /* dispute resolved by decision */
        enter_sheet(e, &m, b, place[b], "C", 1, &seed);
        char batch[16];
        snprintf(batch, sizeof batch, "b%u", b);
        if (cv_resolve(e, batch, NULL, e->st.sheets[e->st.n_sheets - 1].seq, "recounted in public", &err) != CV_OK)
          cv_error_clear(&err); /* the third count may have made it agree: nothing to resolve */
      }
    }
    check_sums(e);
    char *live[4] = {report(e, CV_REPORT_STATUS, CV_FORMAT_JSON, false),
                     report(e, CV_REPORT_RESULTS, CV_FORMAT_JSON, true),
                     report(e, CV_REPORT_RESULTS, CV_FORMAT_CSV, true),
                     report(e, CV_REPORT_NIST, CV_FORMAT_JSON, false)};
    char head_live[80], head_replay[80];
    uint64_t n_live, n_replay;
    cv_election_head(e, head_live, &n_live);
    cv_election_close(e);
    assert_int_equal(cv_election_open(store, true, NULL, NULL, &e, &err), CV_OK);
    cv_election_head(e, head_replay, &n_replay);
    assert_string_equal(head_live, head_replay);
    assert_int_equal(n_live, n_replay);
    char *replayed[4] = {report(e, CV_REPORT_STATUS, CV_FORMAT_JSON, false),
                         report(e, CV_REPORT_RESULTS, CV_FORMAT_JSON, true),
                         report(e, CV_REPORT_RESULTS, CV_FORMAT_CSV, true),
                         report(e, CV_REPORT_NIST, CV_FORMAT_JSON, false)};
    for (int i = 0; i < 4; i++) {
      assert_string_equal(live[i], replayed[i]);
      cv_free(live[i]);
      cv_free(replayed[i]);
    }
    check_sums(e);
    cv_election_close(e);
    unlink(store);
  }
  unlink(defpath);
  unlink(manpath);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(replay_equals_live_and_sums_add_up),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
