/* NIST SP 1500-100 v2 election results JSON, precinct level.
 *
 * Property names and enumeration values follow the v2 JSON schema
 * (usnistgov/ElectionResultsReporting, NIST_V2_election_results_reporting.json,
 * December 2019): ContestSelection, ElectionDistrictId, OtherCounts, VoteCounts
 * with Type "total", and "@type" on every object. Polling places are the
 * precincts; only settled batch results are counted, and a polling place
 * with none settled yet has no counts (absent, never zero). */
#include "formats/report.h"

#include <string.h>

#include "count/agreement.h"
#include "formats/report_common.h"
#include "tabulate/outcome.h"
#include "util/sha256.h"

struct nist {
  const struct cv__state *st;
  struct cv__jw *w;
  struct cv__buf id; /* scratch for composed @id values */
  /* Selection and candidate ids join contest and choice ids with '-', which
   * ids may contain themselves; when two joins could meet ("a" + "b-c" and
   * "a-b" + "c") the contest's position is used instead of its id. */
  bool by_index;
  cv_status id_failure; /* the first id that could not be composed */
};

/* Writes the id composed in n->id (the scratch buffer resets its status on
 * reuse, so a failure is kept here). */
static void put_id(struct nist *n) {
  if (n->id.status != CV_OK) {
    if (n->id_failure == CV_OK) n->id_failure = n->id.status;
    cv__jw_null(n->w);
    return;
  }
  cv__jw_str(n->w, n->id.data);
}

static void type(struct cv__jw *w, const char *t) {
  cv__jw_key(w, "@type");
  cv__jw_str(w, t);
}

/* key: an InternationalizedText holding one English text. */
static void itext(struct cv__jw *w, const char *key, const char *content) {
  cv__jw_key(w, key);
  cv__jw_obj(w);
  type(w, "ElectionResults.InternationalizedText");
  cv__jw_key(w, "Text");
  cv__jw_arr(w);
  cv__jw_obj(w);
  type(w, "ElectionResults.LanguageString");
  cv__jw_key(w, "Content");
  cv__jw_str(w, content);
  cv__jw_key(w, "Language");
  cv__jw_str(w, "en");
  cv__jw_obj_end(w);
  cv__jw_arr_end(w);
  cv__jw_obj_end(w);
}

static void unit_id(struct nist *n, uint32_t u) {
  cv__buf_reset(&n->id);
  cv__buf_adds(&n->id, "gpu-");
  cv__buf_adds(&n->id, n->st->def.units[u].id);
  put_id(n);
}

/* "<prefix>-<contest>-<choice>" (prefix "sel" or "can"). */
static void choice_id(struct nist *n, const char *prefix, uint32_t ci, uint32_t i) {
  const struct cv__contest *ct = &n->st->def.contests[ci];
  cv__buf_reset(&n->id);
  cv__buf_adds(&n->id, prefix);
  cv__buf_addc(&n->id, '-');
  if (n->by_index)
    cv__buf_addu(&n->id, ci + 1u);
  else
    cv__buf_adds(&n->id, ct->id);
  cv__buf_addc(&n->id, '-');
  cv__buf_adds(&n->id, ct->choices[i].id);
  put_id(n);
}

static bool contest_ids_may_meet(const struct cv__definition *d) {
  for (uint32_t a = 0; a < d->n_contests; a++) {
    size_t la = strlen(d->contests[a].id);
    for (uint32_t b = 0; b < d->n_contests; b++)
      if (a != b && strncmp(d->contests[b].id, d->contests[a].id, la) == 0 &&
          d->contests[b].id[la] == '-')
        return true;
  }
  return false;
}

static bool is_candidate_contest(const struct cv__contest *ct) {
  return ct->type != CV__CONTEST_MEASURE;
}

static void gp_units(struct nist *n, const struct cv__report_tree *tr) {
  const struct cv__definition *d = &n->st->def;
  struct cv__jw *w = n->w;
  cv__jw_key(w, "GpUnit");
  cv__jw_arr(w);
  for (uint32_t u = 0; u < d->n_units; u++) {
    const struct cv__unit *un = &d->units[u];
    cv__jw_obj(w);
    cv__jw_key(w, "@id");
    unit_id(n, u);
    type(w, "ElectionResults.ReportingUnit");
    if (tr->first[u] >= 0) {
      cv__jw_key(w, "ComposingGpUnitIds");
      cv__jw_arr(w);
      for (int32_t c = tr->first[u]; c >= 0; c = tr->next[c]) unit_id(n, (uint32_t)c);
      cv__jw_arr_end(w);
    }
    itext(w, "Name", un->name);
    if (un->type != CV__UNIT_POLLING_PLACE) {
      cv__jw_key(w, "OtherType");
      cv__jw_str(w, un->type == CV__UNIT_JURISDICTION ? "jurisdiction" : "district");
    }
    cv__jw_key(w, "Type");
    cv__jw_str(w, un->type == CV__UNIT_POLLING_PLACE ? "polling-place" : "other");
    cv__jw_obj_end(w);
  }
  cv__jw_arr_end(w);
}

static void candidates(struct nist *n) {
  const struct cv__definition *d = &n->st->def;
  struct cv__jw *w = n->w;
  bool any = false;
  for (uint32_t ci = 0; ci < d->n_contests; ci++)
    if (is_candidate_contest(&d->contests[ci])) any = true;
  if (!any) return;
  cv__jw_key(w, "Candidate");
  cv__jw_arr(w);
  for (uint32_t ci = 0; ci < d->n_contests; ci++) {
    const struct cv__contest *ct = &d->contests[ci];
    if (!is_candidate_contest(ct)) continue;
    for (uint32_t i = 0; i < ct->n_choices; i++) {
      if (ct->choices[i].write_in) continue; /* a write-in slot is no candidate */
      cv__jw_obj(w);
      cv__jw_key(w, "@id");
      choice_id(n, "can", ci, i);
      type(w, "ElectionResults.Candidate");
      itext(w, "BallotName", ct->choices[i].name);
      cv__jw_obj_end(w);
    }
  }
  cv__jw_arr_end(w);
}

/* A polling place reports counts once any of its batch results is settled. */
static bool reports(const struct cv__state *st, const struct cv__tally *units, uint32_t u,
                    uint32_t ci) {
  return cv__report_carries(st, u, ci) && units[u].settled > 0;
}

static void vote_counts(struct nist *n, uint32_t ci, const struct cv__tally *units, uint32_t i) {
  const struct cv__definition *d = &n->st->def;
  struct cv__jw *w = n->w;
  cv__jw_key(w, "VoteCounts");
  cv__jw_arr(w);
  for (uint32_t u = 0; u < d->n_units; u++) {
    if (!reports(n->st, units, u, ci)) continue;
    cv__jw_obj(w);
    type(w, "ElectionResults.VoteCounts");
    cv__jw_key(w, "Count");
    cv__jw_uint(w, units[u].votes[i]);
    cv__jw_key(w, "GpUnitId");
    unit_id(n, u);
    cv__jw_key(w, "Type");
    cv__jw_str(w, "total");
    cv__jw_obj_end(w);
  }
  cv__jw_arr_end(w);
}

static void other_counts(struct nist *n, uint32_t ci, const struct cv__tally *units) {
  const struct cv__definition *d = &n->st->def;
  const struct cv__contest *ct = &d->contests[ci];
  struct cv__jw *w = n->w;
  bool write_ins = false;
  for (uint32_t i = 0; i < ct->n_choices; i++)
    if (ct->choices[i].write_in) write_ins = true;
  cv__jw_key(w, "OtherCounts");
  cv__jw_arr(w);
  for (uint32_t u = 0; u < d->n_units; u++) {
    if (!reports(n->st, units, u, ci)) continue;
    cv__jw_obj(w);
    type(w, "ElectionResults.OtherCounts");
    cv__jw_key(w, "GpUnitId");
    unit_id(n, u);
    cv__jw_key(w, "Overvotes");
    cv__jw_uint(w, units[u].overvotes);
    cv__jw_key(w, "Undervotes");
    cv__jw_uint(w, units[u].undervotes);
    if (write_ins) {
      uint64_t sum = 0;
      for (uint32_t i = 0; i < ct->n_choices; i++)
        if (ct->choices[i].write_in) sum += units[u].votes[i];
      cv__jw_key(w, "WriteIns");
      cv__jw_uint(w, sum);
    }
    cv__jw_obj_end(w);
  }
  cv__jw_arr_end(w);
}

/* SubUnitsReported / TotalSubUnits: polling places of the contest with every
 * batch result settled, of all that carry it. */
static void sub_units(struct nist *n, uint32_t ci, const struct cv__tally *units, bool ranked) {
  const struct cv__definition *d = &n->st->def;
  uint64_t total = 0, done = 0;
  for (uint32_t u = 0; u < d->n_units; u++) {
    if (!cv__report_carries(n->st, u, ci)) continue;
    total++;
    if (!ranked && units[u].cells > 0 && units[u].settled == units[u].cells) done++;
  }
  cv__jw_key(n->w, "SubUnitsReported");
  cv__jw_uint(n->w, done);
  cv__jw_key(n->w, "TotalSubUnits");
  cv__jw_uint(n->w, total);
}

static const char *vote_variation(const struct cv__contest *ct) {
  switch (ct->type) {
  case CV__CONTEST_PLURALITY: return ct->votes_allowed > 1 ? "n-of-m" : "plurality";
  case CV__CONTEST_APPROVAL: return "approval";
  case CV__CONTEST_MEASURE: return ct->passing == CV__PASS_MAJORITY ? "majority" : "super-majority";
  case CV__CONTEST_IRV:
  case CV__CONTEST_STV: return "rcv";
  case CV__CONTEST_CONDORCET: return "other";
  }
  return "other";
}

static cv_status contest(struct nist *n, uint32_t ci, struct cv__arena *a) {
  const struct cv__state *st = n->st;
  const struct cv__contest *ct = &st->def.contests[ci];
  struct cv__jw *w = n->w;
  bool measure = ct->type == CV__CONTEST_MEASURE, ranked = cv__contest_is_ranked(ct);
  struct cv__tally *units = cv__tally_units_new(st, ci, a);
  if (!units) return a->failure == CV_ELIMIT ? CV_ELIMIT : CV_ENOMEM;
  cv__tally_units(st, ci, units);

  cv__jw_obj(w);
  cv__jw_key(w, "@id");
  cv__buf_reset(&n->id);
  cv__buf_adds(&n->id, "con-");
  cv__buf_adds(&n->id, ct->id);
  put_id(n);
  type(w, measure ? "ElectionResults.BallotMeasureContest" : "ElectionResults.CandidateContest");
  cv__jw_key(w, "ContestSelection");
  cv__jw_arr(w);
  for (uint32_t i = 0; i < ct->n_choices; i++) {
    cv__jw_obj(w);
    cv__jw_key(w, "@id");
    choice_id(n, "sel", ci, i);
    if (measure) {
      type(w, "ElectionResults.BallotMeasureSelection");
      itext(w, "Selection", ct->choices[i].name);
    } else {
      type(w, "ElectionResults.CandidateSelection");
      if (!ct->choices[i].write_in) {
        cv__jw_key(w, "CandidateIds");
        cv__jw_arr(w);
        choice_id(n, "can", ci, i);
        cv__jw_arr_end(w);
      }
      cv__jw_key(w, "IsWriteIn");
      cv__jw_bool(w, ct->choices[i].write_in);
    }
    if (!ranked) vote_counts(n, ci, units, i);
    cv__jw_obj_end(w);
  }
  cv__jw_arr_end(w);
  cv__jw_key(w, "ElectionDistrictId");
  unit_id(n, (uint32_t)ct->district);
  cv__jw_key(w, "Name");
  cv__jw_str(w, ct->name);
  if (!measure) {
    cv__jw_key(w, "NumberElected");
    cv__jw_uint(w, ct->seats);
  }
  if (!ranked) other_counts(n, ci, units);
  if (ct->type == CV__CONTEST_CONDORCET) {
    cv__jw_key(w, "OtherVoteVariation");
    cv__jw_str(w, "condorcet");
  }
  if (measure)
    itext(w, "PassageThreshold",
          ct->passing == CV__PASS_MAJORITY     ? "majority"
          : ct->passing == CV__PASS_TWO_THIRDS ? "two-thirds"
                                               : "three-fifths");
  sub_units(n, ci, units, ranked);
  cv__jw_key(w, "VoteVariation");
  cv__jw_str(w, vote_variation(ct));
  if (!measure) {
    cv__jw_key(w, "VotesAllowed");
    cv__jw_uint(w, ct->votes_allowed);
  }
  cv__jw_obj_end(w);
  return CV_OK;
}

static cv_status report(struct nist *n, struct cv__arena *a) {
  const struct cv__state *st = n->st;
  const struct cv__definition *d = &st->def;
  struct cv__jw *w = n->w;
  struct cv__report_tree tr;
  char hex[CV__SHA256_HEX];
  cv__hex(st->chain.head, CV__SHA256_LEN, hex);

  cv__jw_obj(w);
  type(w, "ElectionResults.ElectionReport");
  cv__jw_key(w, "Election");
  cv__jw_arr(w);
  cv__jw_obj(w);
  type(w, "ElectionResults.Election");
  candidates(n);
  cv__jw_key(w, "Contest");
  cv__jw_arr(w);
  for (uint32_t ci = 0; ci < d->n_contests; ci++) {
    cv__arena_reset(a);
    cv_status s = contest(n, ci, a);
    if (s != CV_OK) return s;
  }
  cv__jw_arr_end(w);
  cv__jw_key(w, "ElectionScopeId");
  unit_id(n, cv__report_root(st));
  cv__jw_key(w, "EndDate");
  cv__jw_str(w, d->election_date);
  itext(w, "Name", d->election_name);
  cv__jw_key(w, "StartDate");
  cv__jw_str(w, d->election_date);
  cv__jw_key(w, "Type");
  cv__jw_str(w, "general");
  cv__jw_obj_end(w);
  cv__jw_arr_end(w);
  cv__jw_key(w, "Format");
  cv__jw_str(w, "precinct-level");
  cv__jw_key(w, "GeneratedDate");
  cv__jw_str(w, st->chain.last_time);
  /* Built after the contests, which reset the arena for each one. */
  if (!cv__report_tree(st, a, &tr)) return a->failure == CV_ELIMIT ? CV_ELIMIT : CV_ENOMEM;
  gp_units(n, &tr);
  cv__jw_key(w, "Issuer");
  cv__jw_str(w, "canvass");
  cv__jw_key(w, "IssuerAbbreviation");
  cv__jw_str(w, "canvass");
  cv__buf_reset(&n->id);
  cv__buf_printf(&n->id, "canvass journal head %s after %llu events", hex,
                 (unsigned long long)st->chain.seq);
  cv__jw_key(w, "Notes");
  put_id(n);
  cv__jw_key(w, "SequenceEnd");
  cv__jw_uint(w, 1);
  cv__jw_key(w, "SequenceStart");
  cv__jw_uint(w, 1);
  cv__jw_key(w, "Status");
  cv__jw_str(w, cv__rstatus_name(cv__report_election_status(st)));
  cv__jw_key(w, "VendorApplicationId");
  cv__jw_str(w, "canvass");
  cv__jw_obj_end(w);
  return CV_OK;
}

cv_status cv__report_nist(const struct cv__state *st, struct cv__buf *out) {
  if (!st->defined) return CV_EINVAL;
  size_t start = out->len;
  struct cv__arena a;
  struct cv__jw w;
  struct nist n = {st, &w, {0}, contest_ids_may_meet(&st->def), CV_OK};
  cv__arena_init(&a, 0);
  cv__buf_init(&n.id, 4096);
  cv__jw_init(&w, out, 2);
  cv_status s = report(&n, &a);
  if (s == CV_OK) s = n.id_failure;
  if (s == CV_OK) s = cv__jw_finish(&w);
  if (s == CV_OK) s = cv__buf_addc(out, '\n');
  s = cv__report_end(out, start, s);
  cv__buf_fini(&n.id);
  cv__arena_fini(&a);
  return s;
}
