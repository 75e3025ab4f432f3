/* formats/cvr_cdf_json.c: NIST SP 1500-103 cast vote record reports in JSON.
 *
 * The report holds the election's definitions (GpUnit, Election[].Candidate,
 * Election[].Contest[].ContestSelection) and the ballots (CVR[]). A ballot's
 * current snapshot (CurrentSnapshotId) lists CVRContest entries; the one whose
 * ContestId is our contest's @id holds CVRContestSelection entries, each
 * naming a ContestSelection, with the rank on the selection ("Rank") or on
 * each SelectionPosition ("Rank"). As in RCTab, the contest is chosen by its
 * Name (the source's contestId), a selection resolves to its first
 * candidate's Name, a write-in selection (IsWriteIn) or position (CVRWriteIn)
 * is an undeclared write-in, a candidate named like the overvote label is an
 * overvote, and positions with HasIndication or IsAllocable "no" are left out.
 *
 * The whole file is parsed into a tree first (util/json); the tree's values
 * keep their line:column for errors. */
#include "formats/cvr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strmap.h"

#define MAX_CDF_BYTES ((size_t)2 << 30)

struct cdf {
  const struct cv__cvr_source *src;
  const char *path;
  struct cv_error *err;
  struct cv__strmap gpunits, candidates, selections;
  const struct cv__jval **gpunit_v, **candidate_v, **selection_v;
  size_t n_gpunit, n_candidate, n_selection;
  struct cv__cvr_marks marks;
};

static cv_status bad(struct cdf *c, const struct cv__jval *v, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* An error about value v (its line:column). */
static cv_status bad(struct cdf *c, const struct cv__jval *v, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return cv__fail(c->err, CV_EINVAL, c->path, v ? v->line : 0, v ? v->column : 0, NULL, "%s",
                  msg);
}

/* The string member key of obj, or NULL when absent or not a string. */
static const char *str_member(const struct cv__jval *obj, const char *key) {
  const struct cv__jval *v = cv__json_get(obj, key);
  return v && v->kind == CV__J_STR ? v->u.str.s : NULL;
}

/* A required array member; an error naming where it was expected. */
static cv_status need_array(struct cdf *c, const struct cv__jval *obj, const char *key,
                            const char *where, const struct cv__jval **out) {
  const struct cv__jval *v = cv__json_get(obj, key);
  if (!v) return bad(c, obj, "%s has no \"%s\" array", where, key);
  if (v->kind != CV__J_ARR) return bad(c, v, "%s: \"%s\" must be an array", where, key);
  *out = v;
  return CV_OK;
}

/* Adds each element of arr (objects with a string "@id") to map, refusing a
 * repeated id as RCTab does. */
static cv_status index_ids(struct cdf *c, const struct cv__jval *arr, const char *what,
                           struct cv__strmap *map, const struct cv__jval ***vals, size_t *n) {
  size_t base = *n;
  const struct cv__jval **grown =
      cv__realloc((void *)*vals, (base + arr->u.arr.n + 1) * sizeof **vals);
  if (!grown) return cv__failf(c->err, CV_ENOMEM, "out of memory reading %s", c->path);
  *vals = grown;
  for (size_t i = 0; i < arr->u.arr.n; i++) {
    const struct cv__jval *o = arr->u.arr.items[i];
    const char *id = str_member(o, "@id");
    if (o->kind != CV__J_OBJ || !id) return bad(c, o, "each %s needs a string \"@id\"", what);
    cv_status st = cv__strmap_put(map, id, (uint32_t)*n);
    if (st == CV_EEXIST) return bad(c, o, "%s \"%s\" appears more than once", what, id);
    if (st != CV_OK) return cv__failf(c->err, st, "out of memory reading %s", c->path);
    (*vals)[(*n)++] = o;
  }
  return CV_OK;
}

/* A rank value: a JSON integer from 1. */
static cv_status read_rank(struct cdf *c, const struct cv__jval *v, uint32_t *out) {
  if (v->kind != CV__J_INT || v->u.i < 1 || v->u.i > (int64_t)CV__CVR_MAX_RANK)
    return bad(c, v, "Rank must be a whole number from 1");
  *out = (uint32_t)v->u.i;
  return CV_OK;
}

/* Appends a mark at value at's position; the name is borrowed from the tree. */
static cv_status add_mark(struct cdf *c, const struct cv__jval *at, uint32_t rank,
                          enum cv__mark_kind kind, const char *name) {
  cv_status st = cv__cvr_marks_add(&c->marks, rank, kind, name, name ? strlen(name) : 0, false,
                                   at->line, at->column);
  if (st != CV_OK)
    return cv__fail(c->err, st, c->path, at->line, at->column, NULL, "too many marks in one CVR");
  return CV_OK;
}

/* Reads one CVRContestSelection into marks. */
static cv_status read_selection(struct cdf *c, const struct cv__jval *sel) {
  const char *sid = str_member(sel, "ContestSelectionId");
  uint32_t k;
  if (!sid) return bad(c, sel, "CVRContestSelection has no string \"ContestSelectionId\"");
  if (!cv__strmap_get(&c->selections, sid, &k))
    return bad(c, cv__json_get(sel, "ContestSelectionId"),
               "ContestSelection \"%s\" is not a selection of contest \"%s\"", sid,
               c->src->contest_id);
  const struct cv__jval *cs = c->selection_v[k];
  const struct cv__jval *wi = cv__json_get(cs, "IsWriteIn");
  enum cv__mark_kind kind = CV__MARK_CANDIDATE;
  const char *name = NULL;
  if (wi && ((wi->kind == CV__J_STR && strcmp(wi->u.str.s, "true") == 0) ||
             (wi->kind == CV__J_BOOL && wi->u.b))) {
    kind = CV__MARK_UWI;
  } else {
    const struct cv__jval *ids = cv__json_get(cs, "CandidateIds");
    if (!ids || ids->kind != CV__J_ARR || ids->u.arr.n == 0)
      return bad(c, cs, "ContestSelection \"%s\" has no CandidateIds", sid);
    const struct cv__jval *first = ids->u.arr.items[0];
    if (first->kind != CV__J_STR) return bad(c, first, "CandidateIds must hold strings");
    if (!cv__strmap_get(&c->candidates, first->u.str.s, &k))
      return bad(c, first, "candidate \"%s\" of ContestSelection \"%s\" is not in any Election's "
                 "Candidate list", first->u.str.s, sid);
    name = str_member(c->candidate_v[k], "Name");
    if (!name) return bad(c, c->candidate_v[k], "candidate \"%s\" has no string \"Name\"",
                          first->u.str.s);
    if (!cv__cvr_unset(c->src->overvote_label) && strcmp(name, c->src->overvote_label) == 0)
      kind = CV__MARK_OVERVOTE;
  }
  /* The rank may sit on the selection or on each position (the standard
   * allows both). */
  const struct cv__jval *rank_v = cv__json_get(sel, "Rank");
  uint32_t rank = 0;
  if (rank_v) {
    cv_status st = read_rank(c, rank_v, &rank);
    return st == CV_OK ? add_mark(c, rank_v, rank, kind, name) : st;
  }
  const struct cv__jval *positions;
  cv_status st = need_array(c, sel, "SelectionPosition", "CVRContestSelection", &positions);
  if (st != CV_OK) return st;
  for (size_t i = 0; i < positions->u.arr.n; i++) {
    const struct cv__jval *p = positions->u.arr.items[i];
    if (p->kind != CV__J_OBJ) return bad(c, p, "SelectionPosition must be an object");
    /* As in RCTab, a write-in on one position makes this and the
     * selection's later positions write-ins. */
    if (cv__json_get(p, "CVRWriteIn")) kind = CV__MARK_UWI, name = NULL;
    const char *hi = str_member(p, "HasIndication"), *al = str_member(p, "IsAllocable");
    if ((hi && strcmp(hi, "no") == 0) || (al && strcmp(al, "no") == 0)) continue;
    rank_v = cv__json_get(p, "Rank");
    if (!rank_v) return bad(c, p, "SelectionPosition of \"%s\" has no Rank", sid);
    st = read_rank(c, rank_v, &rank);
    if (st == CV_OK) st = add_mark(c, rank_v, rank, kind, name);
    if (st != CV_OK) return st;
  }
  return CV_OK;
}

/* Finds the CVRContest for contest_oid in cvr's current snapshot; *out is
 * NULL when the ballot does not hold the contest. */
static cv_status find_contest(struct cdf *c, const struct cv__jval *cvr, const char *contest_oid,
                              const struct cv__jval **out) {
  *out = NULL;
  const char *cur = str_member(cvr, "CurrentSnapshotId");
  if (!cur) return bad(c, cvr, "CVR has no string \"CurrentSnapshotId\"");
  const struct cv__jval *snaps;
  cv_status st = need_array(c, cvr, "CVRSnapshot", "CVR", &snaps);
  if (st != CV_OK) return st;
  const struct cv__jval *snap = NULL;
  for (size_t i = 0; i < snaps->u.arr.n && !snap; i++) {
    const char *id = str_member(snaps->u.arr.items[i], "@id");
    if (id && strcmp(id, cur) == 0) snap = snaps->u.arr.items[i];
  }
  if (!snap) return bad(c, cvr, "CVR's current snapshot \"%s\" is not among its CVRSnapshot", cur);
  const struct cv__jval *contests = cv__json_get(snap, "CVRContest");
  if (!contests) return bad(c, snap, "current snapshot \"%s\" has no CVRContest", cur);
  if (contests->kind != CV__J_ARR) return bad(c, contests, "CVRContest must be an array");
  for (size_t i = 0; i < contests->u.arr.n; i++) {
    const char *id = str_member(contests->u.arr.items[i], "ContestId");
    if (id && strcmp(id, contest_oid) == 0) {
      *out = contests->u.arr.items[i];
      break;
    }
  }
  return CV_OK;
}

/* Builds the lookup tables and finds the contest; *contest_oid gets its @id. */
static cv_status read_definitions(struct cdf *c, const struct cv__jval *root,
                                  const char **contest_oid) {
  const struct cv__jval *gp, *elections, *found = NULL;
  cv_status st = need_array(c, root, "GpUnit", "the CVR report", &gp);
  if (st == CV_OK) st = index_ids(c, gp, "GpUnit", &c->gpunits, &c->gpunit_v, &c->n_gpunit);
  if (st == CV_OK) st = need_array(c, root, "Election", "the CVR report", &elections);
  if (st != CV_OK) return st;
  for (size_t e = 0; e < elections->u.arr.n; e++) {
    const struct cv__jval *el = elections->u.arr.items[e], *cands, *contests;
    st = need_array(c, el, "Candidate", "Election", &cands);
    if (st == CV_OK)
      st = index_ids(c, cands, "Candidate", &c->candidates, &c->candidate_v, &c->n_candidate);
    if (st == CV_OK) st = need_array(c, el, "Contest", "Election", &contests);
    if (st != CV_OK) return st;
    for (size_t k = 0; k < contests->u.arr.n; k++) {
      const char *name = str_member(contests->u.arr.items[k], "Name");
      if (name && strcmp(name, c->src->contest_id) == 0) {
        found = contests->u.arr.items[k];
        break;
      }
    }
  }
  if (!found)
    return cv__fail(c->err, CV_EINVAL, c->path, root->line, root->column, "contestId",
                    "no Contest named \"%s\" in the CVR report", c->src->contest_id);
  *contest_oid = str_member(found, "@id");
  if (!*contest_oid)
    return bad(c, found, "Contest \"%s\" has no string \"@id\"", c->src->contest_id);
  const struct cv__jval *sels;
  st = need_array(c, found, "ContestSelection", "Contest", &sels);
  if (st == CV_OK)
    st = index_ids(c, sels, "ContestSelection", &c->selections, &c->selection_v, &c->n_selection);
  return st;
}

/* Streams the CVRs of a parsed report to fn. */
static cv_status read_report(struct cdf *c, const struct cv__jval *root, cv__cvr_fn fn, void *ud) {
  if (root->kind != CV__J_OBJ) return bad(c, root, "a CVR report must be a JSON object");
  const char *contest_oid = NULL;
  cv_status st = read_definitions(c, root, &contest_oid);
  const struct cv__jval *cvrs;
  if (st == CV_OK) st = need_array(c, root, "CVR", "the CVR report", &cvrs);
  if (st != CV_OK) return st;
  const char *base = cv__cvr_basename(c->path);
  for (size_t i = 0; i < cvrs->u.arr.n; i++) {
    const struct cv__jval *cvr = cvrs->u.arr.items[i], *contest;
    if (cvr->kind != CV__J_OBJ) return bad(c, cvr, "each CVR must be an object");
    st = find_contest(c, cvr, contest_oid, &contest);
    if (st != CV_OK) return st;
    if (!contest) continue; /* this ballot does not hold the contest */
    cv__cvr_marks_reset(&c->marks);
    const struct cv__jval *sels = cv__json_get(contest, "CVRContestSelection");
    if (sels && sels->kind != CV__J_ARR)
      return bad(c, sels, "CVRContestSelection must be an array");
    for (size_t k = 0; sels && k < sels->u.arr.n; k++) {
      if (sels->u.arr.items[k]->kind != CV__J_OBJ)
        return bad(c, sels->u.arr.items[k], "CVRContestSelection must be an object");
      st = read_selection(c, sels->u.arr.items[k]);
      if (st != CV_OK) return st;
    }
    struct cv__cvr_record rec = {0};
    /* RCTab casts these to String: another JSON type is an error, not "absent". */
    static const char *const text_keys[] = {"BallotStyleUnitId", "BallotPrePrintedId",
                                            "BatchSequenceId"};
    for (size_t k = 0; k < 3; k++) {
      const struct cv__jval *v = cv__json_get(cvr, text_keys[k]);
      if (v && v->kind != CV__J_STR) return bad(c, v, "%s must be a string", text_keys[k]);
    }
    const char *unit = str_member(cvr, "BallotStyleUnitId");
    uint32_t u;
    if (unit) {
      if (!cv__strmap_get(&c->gpunits, unit, &u))
        return bad(c, cv__json_get(cvr, "BallotStyleUnitId"), "GpUnit \"%s\" is not in the report",
                   unit);
      rec.precinct = str_member(c->gpunit_v[u], "Name");
    }
    char cid[300];
    snprintf(cid, sizeof cid, "%s(%zu)", base, i + 1);
    rec.file = c->path;
    rec.line = cvr->line;
    rec.column = cvr->column;
    rec.id = str_member(cvr, "BallotPrePrintedId");
    rec.batch = str_member(cvr, "BatchSequenceId");
    rec.computed_id = cid;
    rec.marks = c->marks.items;
    rec.n_marks = c->marks.n;
    st = fn(ud, &rec, c->err);
    if (st != CV_OK) return st;
  }
  return CV_OK;
}

/* Reads a CDF JSON report: parse, index the definitions, stream the CVRs. */
cv_status cv__cvr_read_cdf_json(const struct cv__cvr_source *src, cv__cvr_fn fn, void *ud,
                                struct cv_error *err) {
  if (cv__cvr_unset(src->contest_id))
    return cv__fail(err, CV_EINVAL, src->path, 0, 0, "contestId",
                    "a CDF source needs the contest's Name (contestId)");
  struct cdf c;
  memset(&c, 0, sizeof c);
  c.src = src;
  c.path = src->path;
  c.err = err;
  cv__strmap_init(&c.gpunits);
  cv__strmap_init(&c.candidates);
  cv__strmap_init(&c.selections);
  cv__cvr_marks_init(&c.marks);
  struct cv__arena arena;
  cv__arena_init(&arena, 0);
  const char *data;
  size_t len;
  char *owned;
  cv_status st = cv__cvr_load(src, src->path, MAX_CDF_BYTES, &data, &len, &owned, err);
  if (st == CV_OK) {
    struct cv__jval *root;
    /* Reports are large: one node per value, strings up to 1 MiB. */
    struct cv__json_limits lim = {.max_depth = 64, .max_string = 1 << 20,
                                  .max_nodes = (size_t)200 * 1000 * 1000};
    st = cv__json_parse(&arena, data, len, CV__JSON_INPUT, &lim, src->path, &root, err);
    if (st == CV_OK) st = read_report(&c, root, fn, ud);
  }
  cv__free(owned);
  cv__arena_fini(&arena);
  cv__strmap_fini(&c.gpunits);
  cv__strmap_fini(&c.candidates);
  cv__strmap_fini(&c.selections);
  cv__free((void *)c.gpunit_v);
  cv__free((void *)c.candidate_v);
  cv__free((void *)c.selection_v);
  cv__cvr_marks_fini(&c.marks);
  return st;
}
