/* formats/cvr_cdf_xml.c: NIST SP 1500-103 cast vote record reports in XML.
 *
 * The same model as the JSON form (see cvr_cdf_json.c), written as elements:
 * ids are ObjectId attributes, CandidateIds may repeat, and the definitions
 * (Election, GpUnit) may come after the CVRs. So the file is read twice
 * with the pull parser: pass 1 keeps the definitions (candidates, contests
 * with their selections, GpUnits), pass 2 streams the CVRs. Element names
 * are matched without their namespace prefix ("cdf:CVR" is CVR).
 *
 * As RCTab does for XML: a CVR whose current snapshot lacks the contest is
 * left out (and not counted in the "file(n)" id), a CVRContestSelection with
 * Status "needs-adjudication" is left out, the record id is the CVR's
 * UniqueId, and an unknown BallotStyleUnitId is an error. Errors found in a
 * snapshot that is not the current one are ignored, since RCTab never reads
 * those snapshots. */
#include "formats/cvr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strmap.h"
#include "util/xml.h"

#define MAX_CDF_XML_BYTES ((size_t)2 << 30)
#define MAX_DEFS ((size_t)1 << 22)  /* candidates, selections, units, snapshots per CVR */

struct selection {
  const char *oid, *candidate; /* candidate: the first CandidateIds, or NULL */
  bool write_in;
};

struct contest {
  const char *name, *oid;
  size_t first, n;              /* its selections in cdf.sels */
};

struct snapshot {
  size_t id;                    /* offset of its ObjectId in cdf.ids */
  size_t mark_start, mark_end;  /* its marks for our contest */
  bool has_contest;
  bool failed;
  struct cv_error err;          /* the first problem found in it */
};

/* Objects defined by ObjectId with a Name (Candidate, GpUnit). */
struct named {
  const char *element;          /* "Candidate" or "GpUnit", for errors */
  struct cv__strmap map;        /* ObjectId -> index */
  const char **name;            /* NULL when the object has no Name */
  size_t n, cap;
};

struct cdf {
  const struct cv__cvr_source *src;
  const char *path;
  struct cv__arena arena;
  struct named cands, units;
  struct cv__strmap sel_map;
  struct selection *sels;
  size_t n_sels, cap_sels;
  struct contest *contests;
  size_t n_contests, cap_contests;
  const struct contest *target;
  struct cv__buf text;          /* scratch for element text */
  struct cv__buf ids;           /* snapshot ids of the current CVR */
  struct snapshot *snaps;
  size_t n_snaps, cap_snaps;
  struct cv__cvr_marks marks;
};

/* True when the current element's name, without prefix, is local. */
static bool is(const struct cv__xml *x, const char *local) {
  return strcmp(cv__xml_local(x->name), local) == 0;
}

/* Reads the text of the element at x (START), trimmed of XML white space,
 * into c->text. */
static cv_status text_of(struct cdf *c, struct cv__xml *x, struct cv_error *err) {
  cv__buf_reset(&c->text);
  cv_status st = cv__xml_text(x, &c->text, err);
  if (st != CV_OK) return st;
  if (cv__buf_addc(&c->text, '\0') != CV_OK)
    return cv__xml_fail(x, err, CV_ELIMIT, "text too long");
  c->text.len--;
  size_t s = 0, e = c->text.len;
  while (s < e && strchr(" \t\r\n", c->text.data[s])) s++;
  while (e > s && strchr(" \t\r\n", c->text.data[e - 1])) e--;
  memmove(c->text.data, c->text.data + s, e - s);
  c->text.data[e - s] = '\0';
  c->text.len = e - s;
  return CV_OK;
}

/* A copy in the read's arena (NULL when out of memory: checked after pass 1). */
static const char *keep(struct cdf *c, const char *s) {
  return cv__arena_strdup(&c->arena, s);
}

/* ---- pass 1: definitions ----------------------------------------------------------- */

/* <Candidate ObjectId=..><Name>..</Name></Candidate>, and the same shape
 * for <GpUnit>: records the object's Name under its ObjectId in defs. */
static cv_status read_named(struct cdf *c, struct cv__xml *x, struct named *defs, struct cv_error *err) {
  const char *oid = cv__xml_attr(x, "ObjectId");
  uint32_t line = x->line, column = x->column;
  const char *id = oid ? keep(c, oid) : NULL, *name = NULL;
  size_t depth = x->depth;
  cv_status st;
  while ((st = cv__xml_next(x, err)) == CV_OK && !(x->event == CV__XML_END && x->depth < depth)) {
    if (x->event != CV__XML_START) continue;
    if (x->depth == depth + 1 && is(x, "Name")) {
      st = text_of(c, x, err);
      if (st == CV_OK) name = keep(c, c->text.data);
    } else {
      st = cv__xml_skip(x, err);
    }
    if (st != CV_OK) return st;
  }
  if (st != CV_OK) return st;
  if (!id) return cv__fail(err, CV_EINVAL, c->path, line, column, NULL, "%s has no ObjectId", defs->element);
  if (cv__grow((void **)&defs->name, &defs->cap, defs->n + 1, sizeof *defs->name, MAX_DEFS) != CV_OK)
    return cv__fail(err, CV_ELIMIT, c->path, line, column, NULL, "too many %ss", defs->element);
  st = cv__strmap_put(&defs->map, id, (uint32_t)defs->n);
  if (st == CV_EEXIST)
    return cv__fail(err, CV_EINVAL, c->path, line, column, NULL, "%s \"%s\" appears more than once",
                    defs->element, id);
  if (st != CV_OK) return cv__failf(err, st, "out of memory");
  defs->name[defs->n++] = name;
  return CV_OK;
}

/* <ContestSelection ObjectId=..><CandidateIds>..</CandidateIds><IsWriteIn>.. */
static cv_status read_selection_def(struct cdf *c, struct cv__xml *x, struct cv_error *err) {
  const char *oid = cv__xml_attr(x, "ObjectId");
  struct selection s = {oid ? keep(c, oid) : "", NULL, false};
  size_t depth = x->depth;
  cv_status st;
  while ((st = cv__xml_next(x, err)) == CV_OK && !(x->event == CV__XML_END && x->depth < depth)) {
    if (x->event != CV__XML_START) continue;
    if (x->depth == depth + 1 && is(x, "CandidateIds")) {
      st = text_of(c, x, err);
      if (st == CV_OK && !s.candidate) s.candidate = keep(c, c->text.data);
    } else if (x->depth == depth + 1 && is(x, "IsWriteIn")) {
      st = text_of(c, x, err);
      s.write_in = st == CV_OK && strcmp(c->text.data, "true") == 0;
    } else {
      st = cv__xml_skip(x, err);
    }
    if (st != CV_OK) return st;
  }
  if (st != CV_OK) return st;
  if (cv__grow((void **)&c->sels, &c->cap_sels, c->n_sels + 1, sizeof *c->sels, MAX_DEFS) != CV_OK)
    return cv__xml_fail(x, err, CV_ELIMIT, "too many contest selections");
  c->sels[c->n_sels++] = s;
  return CV_OK;
}

/* <Contest ObjectId=..><Name>..</Name><ContestSelection>..</ContestSelection>.. */
static cv_status read_contest_def(struct cdf *c, struct cv__xml *x, struct cv_error *err) {
  const char *oid = cv__xml_attr(x, "ObjectId");
  struct contest k = {NULL, oid ? keep(c, oid) : NULL, c->n_sels, 0};
  size_t depth = x->depth;
  cv_status st;
  while ((st = cv__xml_next(x, err)) == CV_OK && !(x->event == CV__XML_END && x->depth < depth)) {
    if (x->event != CV__XML_START) continue;
    if (x->depth == depth + 1 && is(x, "Name")) {
      st = text_of(c, x, err);
      if (st == CV_OK) k.name = keep(c, c->text.data);
    } else if (x->depth == depth + 1 && is(x, "ContestSelection")) {
      st = read_selection_def(c, x, err);
    } else {
      st = cv__xml_skip(x, err);
    }
    if (st != CV_OK) return st;
  }
  if (st != CV_OK) return st;
  k.n = c->n_sels - k.first;
  if (cv__grow((void **)&c->contests, &c->cap_contests, c->n_contests + 1, sizeof *c->contests,
               MAX_DEFS) != CV_OK)
    return cv__xml_fail(x, err, CV_ELIMIT, "too many contests");
  c->contests[c->n_contests++] = k;
  return CV_OK;
}

/* <Election>: its candidates and contests; notes our contest. */
static cv_status read_election(struct cdf *c, struct cv__xml *x, struct cv_error *err) {
  size_t depth = x->depth;
  size_t first_contest = c->n_contests;
  cv_status st;
  while ((st = cv__xml_next(x, err)) == CV_OK && !(x->event == CV__XML_END && x->depth < depth)) {
    if (x->event != CV__XML_START) continue;
    if (x->depth == depth + 1 && is(x, "Candidate")) st = read_named(c, x, &c->cands, err);
    else if (x->depth == depth + 1 && is(x, "Contest")) st = read_contest_def(c, x, err);
    else st = cv__xml_skip(x, err);
    if (st != CV_OK) return st;
  }
  if (st != CV_OK) return st;
  /* RCTab takes the first match within an election, the last election's. */
  for (size_t i = first_contest; i < c->n_contests; i++)
    if (c->contests[i].name && strcmp(c->contests[i].name, c->src->contest_id) == 0) {
      c->target = &c->contests[i];
      break;
    }
  return CV_OK;
}

/* Pass 1: the definitions, our contest and its selections. */
static cv_status pass_definitions(struct cdf *c, struct cv__xml *x, struct cv_error *err) {
  bool seen_units = false, seen_elections = false, seen_cvrs = false;
  size_t target = SIZE_MAX;
  cv_status st;
  while ((st = cv__xml_next(x, err)) == CV_OK && x->event != CV__XML_EOF) {
    if (x->event != CV__XML_START) continue;
    if (x->depth == 1) {
      if (!is(x, "CastVoteRecordReport"))
        return cv__xml_fail(x, err, CV_EINVAL,
                            "expected a CastVoteRecordReport document, found <%s>", x->name);
      continue;
    }
    if (is(x, "GpUnit")) {
      seen_units = true;
      st = read_named(c, x, &c->units, err);
    } else if (is(x, "Election")) {
      seen_elections = true;
      st = read_election(c, x, err);
      if (st == CV_OK && c->target) target = (size_t)(c->target - c->contests);
    } else {
      if (is(x, "CVR")) seen_cvrs = true;
      st = cv__xml_skip(x, err);
    }
    if (st != CV_OK) return st;
  }
  if (st != CV_OK) return st;
  /* A failed copy leaves a NULL id or name behind: stop before using them. */
  if (c->arena.failure != CV_OK)
    return cv__failf(err, c->arena.failure, "%s: out of memory", c->path);
  const char *missing = !seen_units       ? "GpUnit"
                        : !seen_elections ? "Election"
                        : !seen_cvrs      ? "CVR"
                                          : NULL;
  if (missing)
    return cv__fail(err, CV_EINVAL, c->path, 0, 0, NULL,
                    "the CVR report has no %s element%s", missing,
                    seen_units ? "" : " (common in older formats RCTab does not read either)");
  if (target == SIZE_MAX)
    return cv__fail(err, CV_EINVAL, c->path, 0, 0, "contestId",
                    "no Contest named \"%s\" in the CVR report", c->src->contest_id);
  c->target = &c->contests[target]; /* the array may have moved while growing */
  if (!c->target->oid)
    return cv__fail(err, CV_EINVAL, c->path, 0, 0, NULL, "Contest \"%s\" has no ObjectId",
                    c->src->contest_id);
  for (size_t i = 0; i < c->target->n; i++) {
    const struct selection *s = &c->sels[c->target->first + i];
    st = cv__strmap_put(&c->sel_map, s->oid, (uint32_t)(c->target->first + i));
    if (st == CV_EEXIST)
      return cv__fail(err, CV_EINVAL, c->path, 0, 0, NULL,
                      "Contest Selection \"%s\" appears more than once", s->oid);
    if (st != CV_OK) return cv__failf(err, st, "out of memory");
  }
  return CV_OK;
}

/* ---- pass 2: the CVRs ---------------------------------------------------------------- */

/* Notes the first problem of a snapshot without stopping the read. */
static void defer(struct snapshot *s, const struct cv__xml *x, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void defer(struct snapshot *s, const struct cv__xml *x, const char *fmt, ...) {
  if (s->failed) return;
  s->failed = true;
  char msg[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  memset(&s->err, 0, sizeof s->err);
  cv__fail(&s->err, CV_EINVAL, x->file, x->line, x->column, NULL, "%s", msg);
}

struct position {
  bool no_indication, not_allocable, write_in, has_rank;
  uint32_t rank;
  bool bad_rank;
  uint32_t line, column;
};

/* <CVRContestSelection> inside our contest of snapshot s. */
static cv_status read_cvr_selection(struct cdf *c, struct cv__xml *x, struct snapshot *s,
                                    struct cv_error *err) {
  size_t depth = x->depth;
  uint32_t line = x->line, column = x->column;
  char sid[256] = "";
  bool has_sid = false, adjudicate = false, has_rank = false, bad_rank = false;
  uint32_t rank = 0, rank_line = 0, rank_col = 0;
  struct position pos[256]; /* one per rank in practice */
  size_t n_pos = 0;
  cv_status st;
  while ((st = cv__xml_next(x, err)) == CV_OK && !(x->event == CV__XML_END && x->depth < depth)) {
    if (x->event != CV__XML_START || x->depth != depth + 1) {
      if (x->event == CV__XML_START) st = cv__xml_skip(x, err);
      if (st != CV_OK) return st;
      continue;
    }
    if (is(x, "ContestSelectionId")) {
      st = text_of(c, x, err);
      snprintf(sid, sizeof sid, "%s", c->text.data ? c->text.data : "");
      has_sid = true;
    } else if (is(x, "Status")) {
      st = text_of(c, x, err);
      adjudicate = st == CV_OK && strcmp(c->text.data, "needs-adjudication") == 0;
    } else if (is(x, "Rank")) {
      rank_line = x->line, rank_col = x->column;
      st = text_of(c, x, err);
      has_rank = true;
      bad_rank = st == CV_OK && !cv__cvr_parse_rank(c->text.data, c->text.len, &rank);
    } else if (is(x, "SelectionPosition")) {
      if (n_pos == sizeof pos / sizeof pos[0])
        return cv__xml_fail(x, err, CV_ELIMIT, "more than %zu SelectionPosition elements",
                            sizeof pos / sizeof pos[0]);
      struct position *p = &pos[n_pos++];
      memset(p, 0, sizeof *p);
      p->line = x->line;
      p->column = x->column;
      size_t pd = x->depth;
      while ((st = cv__xml_next(x, err)) == CV_OK && !(x->event == CV__XML_END && x->depth < pd)) {
        if (x->event != CV__XML_START) continue;
        if (x->depth != pd + 1) {
          st = cv__xml_skip(x, err);
        } else if (is(x, "CVRWriteIn")) {
          p->write_in = true;
          st = cv__xml_skip(x, err);
        } else if (is(x, "HasIndication")) {
          st = text_of(c, x, err);
          p->no_indication = st == CV_OK && strcmp(c->text.data, "no") == 0;
        } else if (is(x, "IsAllocable")) {
          st = text_of(c, x, err);
          p->not_allocable = st == CV_OK && strcmp(c->text.data, "no") == 0;
        } else if (is(x, "Rank")) {
          p->line = x->line, p->column = x->column;
          st = text_of(c, x, err);
          p->has_rank = true;
          p->bad_rank = st == CV_OK && !cv__cvr_parse_rank(c->text.data, c->text.len, &p->rank);
        } else {
          st = cv__xml_skip(x, err);
        }
        if (st != CV_OK) return st;
      }
    } else {
      st = cv__xml_skip(x, err);
    }
    if (st != CV_OK) return st;
  }
  if (st != CV_OK || adjudicate || s->failed) return st;
  /* Resolve the selection to a name, as RCTab does. */
  struct cv__xml at = *x;
  at.line = line, at.column = column;
  uint32_t k;
  if (!has_sid || !cv__strmap_get(&c->sel_map, sid, &k)) {
    defer(s, &at, "ContestSelection \"%s\" is not a selection of contest \"%s\"", sid,
          c->src->contest_id);
    return CV_OK;
  }
  const struct selection *sel = &c->sels[k];
  enum cv__mark_kind kind = CV__MARK_CANDIDATE;
  const char *name = NULL;
  if (sel->write_in) {
    kind = CV__MARK_UWI;
  } else {
    uint32_t ci;
    if (!sel->candidate) {
      defer(s, &at, "ContestSelection \"%s\" has no CandidateIds", sid);
      return CV_OK;
    }
    if (!cv__strmap_get(&c->cands.map, sel->candidate, &ci) || !c->cands.name[ci]) {
      defer(s, &at, "CandidateId \"%s\" of ContestSelection \"%s\" is not a named Candidate",
            sel->candidate, sid);
      return CV_OK;
    }
    name = c->cands.name[ci];
    if (!cv__cvr_unset(c->src->overvote_label) && strcmp(name, c->src->overvote_label) == 0)
      kind = CV__MARK_OVERVOTE;
  }
  if (has_rank) {
    if (bad_rank) {
      at.line = rank_line, at.column = rank_col;
      defer(s, &at, "Rank of \"%s\" is not a whole number from 1", sid);
      return CV_OK;
    }
    st = cv__cvr_marks_add(&c->marks, rank, kind, name, name ? strlen(name) : 0, false, rank_line,
                           rank_col);
    return st == CV_OK ? CV_OK : cv__xml_fail(x, err, st, "too many marks in one CVR");
  }
  for (size_t i = 0; i < n_pos; i++) {
    const struct position *p = &pos[i];
    if (p->write_in) kind = CV__MARK_UWI, name = NULL;
    if (p->no_indication || p->not_allocable) continue;
    at.line = p->line, at.column = p->column;
    if (!p->has_rank || p->bad_rank) {
      if (p->has_rank)
        defer(s, &at, "Rank of \"%s\" is not a whole number from 1", sid);
      else
        defer(s, &at, "SelectionPosition of \"%s\" has no Rank", sid);
      return CV_OK;
    }
    st = cv__cvr_marks_add(&c->marks, p->rank, kind, name, name ? strlen(name) : 0, false, p->line,
                           p->column);
    if (st != CV_OK) return cv__xml_fail(x, err, st, "too many marks in one CVR");
  }
  return CV_OK;
}

/* <CVRSnapshot>: the marks of our contest in it, errors deferred. */
static cv_status read_snapshot(struct cdf *c, struct cv__xml *x, struct cv_error *err) {
  if (cv__grow((void **)&c->snaps, &c->cap_snaps, c->n_snaps + 1, sizeof *c->snaps, 4096) != CV_OK)
    return cv__xml_fail(x, err, CV_ELIMIT, "too many CVRSnapshot elements in one CVR");
  struct snapshot *s = &c->snaps[c->n_snaps++];
  memset(s, 0, sizeof *s);
  const char *oid = cv__xml_attr(x, "ObjectId");
  s->id = c->ids.len;
  if (cv__buf_adds(&c->ids, oid ? oid : "") != CV_OK || cv__buf_addc(&c->ids, '\0') != CV_OK)
    return cv__xml_fail(x, err, CV_ELIMIT, "snapshot ids too long");
  s->mark_start = s->mark_end = c->marks.n;
  size_t depth = x->depth;
  cv_status st;
  while ((st = cv__xml_next(x, err)) == CV_OK && !(x->event == CV__XML_END && x->depth < depth)) {
    if (x->event != CV__XML_START) continue;
    if (x->depth != depth + 1 || !is(x, "CVRContest") || s->has_contest) {
      st = cv__xml_skip(x, err);
      if (st != CV_OK) return st;
      continue;
    }
    /* A CVRContest: read its ContestId first, then selections if ours.
     * ContestId normally comes first; selections before it are read into a
     * provisional range and dropped if the contest turns out not ours. */
    size_t cd = x->depth, start = c->marks.n;
    bool ours = false, known = false, failed_before = s->failed;
    while ((st = cv__xml_next(x, err)) == CV_OK && !(x->event == CV__XML_END && x->depth < cd)) {
      if (x->event != CV__XML_START) continue;
      if (x->depth == cd + 1 && is(x, "ContestId")) {
        st = text_of(c, x, err);
        known = true;
        ours = st == CV_OK && strcmp(c->text.data, c->target->oid) == 0;
      } else if (x->depth == cd + 1 && is(x, "CVRContestSelection") && (ours || !known)) {
        st = read_cvr_selection(c, x, s, err);
      } else {
        st = cv__xml_skip(x, err);
      }
      if (st != CV_OK) return st;
    }
    if (st != CV_OK) return st;
    if (ours) {
      s->has_contest = true;
    } else {
      c->marks.n = start;
      s->failed = failed_before;
    }
    s->mark_end = c->marks.n;
  }
  return st;
}

/* <CVR>: its snapshots, then the current one's record. */
static cv_status read_cvr(struct cdf *c, struct cv__xml *x, size_t *index, cv__cvr_fn fn,
                          void *ud, struct cv_error *err) {
  uint32_t line = x->line, column = x->column;
  size_t depth = x->depth;
  char current[256] = "", unit[256] = "", unique[256] = "", batch[256] = "";
  bool has_current = false, has_unit = false, has_unique = false, has_batch = false;
  c->n_snaps = 0;
  cv__buf_reset(&c->ids);
  cv__cvr_marks_reset(&c->marks);
  cv_status st;
  while ((st = cv__xml_next(x, err)) == CV_OK && !(x->event == CV__XML_END && x->depth < depth)) {
    if (x->event != CV__XML_START) continue;
    char *dst = NULL;
    bool *flag = NULL;
    if (x->depth == depth + 1) {
      if (is(x, "CurrentSnapshotId")) dst = current, flag = &has_current;
      else if (is(x, "BallotStyleUnitId")) dst = unit, flag = &has_unit;
      else if (is(x, "UniqueId")) dst = unique, flag = &has_unique;
      else if (is(x, "BatchSequenceId")) dst = batch, flag = &has_batch;
    }
    if (dst) {
      st = text_of(c, x, err);
      if (st == CV_OK) snprintf(dst, 256, "%s", c->text.data);
      *flag = true;
    } else if (x->depth == depth + 1 && is(x, "CVRSnapshot")) {
      st = read_snapshot(c, x, err);
    } else {
      st = cv__xml_skip(x, err);
    }
    if (st != CV_OK) return st;
  }
  if (st != CV_OK) return st;
  const struct snapshot *cur = NULL;
  for (size_t i = 0; i < c->n_snaps && !cur; i++)
    if (has_current && strcmp(c->ids.data + c->snaps[i].id, current) == 0) cur = &c->snaps[i];
  if (!cur)
    return cv__fail(err, CV_EINVAL, c->path, line, column, NULL,
                    "CVR's current snapshot \"%s\" is not among its CVRSnapshot elements", current);
  if (!cur->has_contest) return CV_OK; /* no votes in this contest on this ballot */
  if (cur->failed) {
    if (err && err->code == CV_OK) *err = cur->err;
    return CV_EINVAL;
  }
  struct cv__cvr_record rec = {0};
  if (has_unit) {
    uint32_t u;
    if (!cv__strmap_get(&c->units.map, unit, &u))
      return cv__fail(err, CV_EINVAL, c->path, line, column, NULL,
                      "GpUnit \"%s\" of CVR \"%s\" is not in the report", unit, unique);
    rec.precinct = c->units.name[u];
  }
  char cid[300];
  snprintf(cid, sizeof cid, "%s(%zu)", cv__cvr_basename(c->path), ++*index);
  rec.file = c->path;
  rec.line = line;
  rec.column = column;
  rec.id = has_unique ? unique : NULL;
  rec.batch = has_batch ? batch : NULL;
  rec.computed_id = cid;
  rec.marks = c->marks.items ? c->marks.items + cur->mark_start : NULL;
  rec.n_marks = cur->mark_end - cur->mark_start;
  return fn(ud, &rec, err);
}

/* Pass 2: every <CVR> child of the report, in order. */
static cv_status pass_cvrs(struct cdf *c, struct cv__xml *x, cv__cvr_fn fn, void *ud,
                           struct cv_error *err) {
  size_t index = 0;
  cv_status st;
  while ((st = cv__xml_next(x, err)) == CV_OK && x->event != CV__XML_EOF) {
    if (x->event != CV__XML_START || x->depth != 2) continue;
    st = is(x, "CVR") ? read_cvr(c, x, &index, fn, ud, err) : cv__xml_skip(x, err);
    if (st != CV_OK) return st;
  }
  return st;
}

/* Reads a CDF XML report: two passes over the file in memory. */
cv_status cv__cvr_read_cdf_xml(const struct cv__cvr_source *src, cv__cvr_fn fn, void *ud,
                               struct cv_error *err) {
  if (cv__cvr_unset(src->contest_id))
    return cv__fail(err, CV_EINVAL, src->path, 0, 0, "contestId",
                    "a CDF source needs the contest's Name (contestId)");
  struct cdf c;
  memset(&c, 0, sizeof c);
  c.src = src;
  c.path = src->path;
  cv__arena_init(&c.arena, 0);
  c.cands.element = "Candidate";
  c.units.element = "GpUnit";
  cv__strmap_init(&c.cands.map);
  cv__strmap_init(&c.units.map);
  cv__strmap_init(&c.sel_map);
  cv__buf_init(&c.text, 1 << 20);
  cv__buf_init(&c.ids, 1 << 20);
  cv__cvr_marks_init(&c.marks);
  const char *data;
  size_t len;
  char *owned;
  cv_status st = cv__cvr_load(src, src->path, MAX_CDF_XML_BYTES, &data, &len, &owned, err);
  if (st == CV_OK) {
    struct cv__xml x;
    cv__xml_init_mem(&x, data, len, src->path, NULL);
    st = pass_definitions(&c, &x, err);
    cv__xml_fini(&x);
    if (st == CV_OK && c.arena.failure != CV_OK)
      st = cv__failf(err, c.arena.failure, "%s: out of memory", src->path);
    if (st == CV_OK) {
      cv__xml_init_mem(&x, data, len, src->path, NULL);
      st = pass_cvrs(&c, &x, fn, ud, err);
      cv__xml_fini(&x);
    }
  }
  cv__free(owned);
  cv__arena_fini(&c.arena);
  cv__strmap_fini(&c.cands.map);
  cv__strmap_fini(&c.units.map);
  cv__strmap_fini(&c.sel_map);
  cv__free((void *)c.cands.name);
  cv__free((void *)c.units.name);
  cv__free(c.sels);
  cv__free(c.contests);
  cv__free(c.snaps);
  cv__buf_fini(&c.text);
  cv__buf_fini(&c.ids);
  cv__cvr_marks_fini(&c.marks);
  return st;
}
