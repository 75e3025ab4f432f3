/* formats/cvr_dominion.c: Dominion Democracy Suite cast vote record exports.
 *
 * A folder holds manifests (JSON objects with a "List" array) and the
 * records: CvrExport.json, or when it is absent every CvrExport_<n>.json,
 * taken in byte order of their names as RCTab does (so _10 before _2).
 *
 *   PrecinctManifest.json         Id -> Description (optional: older exports)
 *   PrecinctPortionManifest.json  Id -> Description
 *   ContestManifest.json          Id, Description, VoteFor, NumOfRanks
 *   CandidateManifest.json        Id, Description, ContestId
 *
 * CvrExport: {"Sessions": [{TabulatorId, BatchId, RecordId, "Original":
 * {IsCurrent, PrecinctId?, PrecinctPortionId, "Cards": [{"Contests": [{Id,
 * OutstackConditionIds, "Marks": [{CandidateId, Rank, IsAmbiguous}]}]}]},
 * "Modified": {...}}]}. As RCTab reads it: when Original is not current the
 * Modified (adjudicated) version is used, or the session is left out; a
 * version without Cards is itself the one card; each card holding our
 * contest is one record; a contest carrying outstack condition 7 is left
 * out; ambiguous marks are left out. A mark names the candidate by its Id
 * (configurations map Ids to names with aliases); the Id equal to the
 * undeclared write-in label is a UWI mark, and any other Id must belong to
 * our contest in the candidate manifest. Record: id RecordId, computed id
 * "TabulatorId-BatchId-RecordId", batch BatchId, tabulator TabulatorId,
 * precinct and precinct portion by their manifests' descriptions, and the
 * contest's NumOfRanks as source_max_rank. */
#include "formats/cvr.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "election/election.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strmap.h"

#define MAX_MANIFEST ((size_t)256 << 20)
#define MAX_EXPORT ((size_t)2 << 30)
#define MAX_EXPORT_FILES ((size_t)1 << 20)
#define OUTSTACK_EXCLUDE 7 /* RCTab's EXCLUDE_CONTEST_CONDITION_ID */

/* Integer ids of a manifest -> descriptions. */
struct id_table {
  int64_t *ids;
  const char **names;
  size_t n;
  bool present;
};

struct dom {
  const struct cv__cvr_source *src;
  struct cv_error *err;
  struct cv__arena arena;     /* manifests, for the whole read */
  struct id_table precincts, portions;
  bool contest_known;
  uint32_t num_ranks;
  struct cv__strmap candidates; /* our contest's candidate ids (as text) */
  struct cv__cvr_marks marks;
  size_t records;
  const char *file;           /* the file being read, for errors */
};

/* An error at value v of the file being read. */
static cv_status fail_at(struct dom *d, const struct cv__jval *v, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static cv_status fail_at(struct dom *d, const struct cv__jval *v, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return cv__fail(d->err, CV_EINVAL, d->file, v ? v->line : 0, v ? v->column : 0, NULL, "%s", msg);
}

/* A value RCTab reads with toString(): an integer or a string, as text. */
static bool id_text(const struct cv__jval *v, char out[32], const char **s) {
  if (!v) return false;
  if (v->kind == CV__J_INT) {
    snprintf(out, 32, "%lld", (long long)v->u.i);
    *s = out;
    return true;
  }
  if (v->kind == CV__J_STR) {
    *s = v->u.str.s;
    return true;
  }
  return false;
}

/* Parses one JSON file of the folder into a, checking it is an object. */
static cv_status parse(struct dom *d, struct cv__arena *a, const char *text, size_t len,
                       struct cv__jval **root) {
  struct cv__json_limits lim = {.max_depth = 64, .max_string = 1 << 20,
                                .max_nodes = (size_t)400 * 1000 * 1000};
  cv_status st = cv__json_parse(a, text, len, CV__JSON_INPUT, &lim, d->file, root, d->err);
  if (st != CV_OK) return st;
  if ((*root)->kind != CV__J_OBJ) return fail_at(d, *root, "expected a JSON object");
  return CV_OK;
}

/* The "List" array of a manifest. */
static cv_status manifest_list(struct dom *d, const struct cv__jval *root,
                               const struct cv__jval **list) {
  *list = cv__json_get(root, "List");
  if (!*list || (*list)->kind != CV__J_ARR)
    return fail_at(d, root, "a manifest needs a \"List\" array");
  for (size_t i = 0; i < (*list)->u.arr.n; i++)
    if ((*list)->u.arr.items[i]->kind != CV__J_OBJ)
      return fail_at(d, (*list)->u.arr.items[i], "manifest entries must be objects");
  return CV_OK;
}

/* PrecinctManifest / PrecinctPortionManifest: Id -> Description. */
static cv_status load_ids(struct dom *d, const char *text, size_t len, struct id_table *t) {
  struct cv__jval *root;
  const struct cv__jval *list;
  cv_status st = parse(d, &d->arena, text, len, &root);
  if (st == CV_OK) st = manifest_list(d, root, &list);
  if (st != CV_OK) return st;
  size_t n = list->u.arr.n;
  t->ids = cv__arena_calloc(&d->arena, n ? n : 1, sizeof *t->ids);
  t->names = cv__arena_calloc(&d->arena, n ? n : 1, sizeof *t->names);
  if (!t->ids || !t->names)
    return cv__failf(d->err, CV_ENOMEM, "out of memory reading %s", d->file);
  for (size_t i = 0; i < n; i++) {
    const struct cv__jval *e = list->u.arr.items[i], *id = cv__json_get(e, "Id");
    const struct cv__jval *desc = cv__json_get(e, "Description");
    if (!id || id->kind != CV__J_INT) return fail_at(d, e, "entry needs an integer \"Id\"");
    t->ids[i] = id->u.i;
    t->names[i] = desc && desc->kind == CV__J_STR ? desc->u.str.s : NULL;
  }
  t->n = n;
  t->present = true;
  return CV_OK;
}

/* The description for id, as RCTab's map would give it (a later entry with
 * the same Id wins); false when the id is unknown. */
static bool lookup(const struct id_table *t, int64_t id, const char **name) {
  for (size_t i = t->n; i-- > 0;)
    if (t->ids[i] == id) {
      *name = t->names[i];
      return true;
    }
  return false;
}

/* ContestManifest: whether our contest is listed, and its NumOfRanks. */
static cv_status load_contests(struct dom *d, const char *text, size_t len) {
  struct cv__jval *root;
  const struct cv__jval *list;
  cv_status st = parse(d, &d->arena, text, len, &root);
  if (st == CV_OK) st = manifest_list(d, root, &list);
  if (st != CV_OK) return st;
  for (size_t i = 0; i < list->u.arr.n; i++) {
    const struct cv__jval *e = list->u.arr.items[i];
    char buf[32];
    const char *id;
    if (!id_text(cv__json_get(e, "Id"), buf, &id)) return fail_at(d, e, "contest needs an \"Id\"");
    if (strcmp(id, d->src->contest_id) != 0) continue;
    d->contest_known = true;
    const struct cv__jval *nr = cv__json_get(e, "NumOfRanks");
    d->num_ranks =
        nr && nr->kind == CV__J_INT && nr->u.i > 0 && nr->u.i <= (int64_t)CV__CVR_MAX_RANK
            ? (uint32_t)nr->u.i
            : 0;
  }
  return CV_OK;
}

/* CandidateManifest: the Ids of our contest's candidates. */
static cv_status load_candidates(struct dom *d, const char *text, size_t len) {
  struct cv__jval *root;
  const struct cv__jval *list;
  cv_status st = parse(d, &d->arena, text, len, &root);
  if (st == CV_OK) st = manifest_list(d, root, &list);
  if (st != CV_OK) return st;
  for (size_t i = 0; i < list->u.arr.n; i++) {
    const struct cv__jval *e = list->u.arr.items[i], *id = cv__json_get(e, "Id");
    char buf[32], cbuf[32];
    const char *contest;
    if (!id || id->kind != CV__J_INT) return fail_at(d, e, "candidate needs an integer \"Id\"");
    if (!id_text(cv__json_get(e, "ContestId"), cbuf, &contest))
      return fail_at(d, e, "candidate needs a \"ContestId\"");
    if (strcmp(contest, d->src->contest_id) != 0) continue;
    snprintf(buf, sizeof buf, "%lld", (long long)id->u.i);
    char *key = cv__arena_strdup(&d->arena, buf);
    if (!key) return cv__failf(d->err, CV_ENOMEM, "out of memory reading %s", d->file);
    st = cv__strmap_put(&d->candidates, key, (uint32_t)i);
    if (st != CV_OK && st != CV_EEXIST) return cv__failf(d->err, st, "out of memory");
  }
  return CV_OK;
}

/* ---- records ---------------------------------------------------------------------- */

static cv_status read_contest(struct dom *d, const struct cv__jval *contest, const char *ids[3],
                              const char *precinct, const char *portion, cv__cvr_fn fn, void *ud) {
  const struct cv__jval *out = cv__json_get(contest, "OutstackConditionIds");
  if (!out || out->kind != CV__J_ARR)
    return fail_at(d, contest, "contest needs \"OutstackConditionIds\"");
  for (size_t i = 0; i < out->u.arr.n; i++)
    if (out->u.arr.items[i]->kind == CV__J_INT && out->u.arr.items[i]->u.i == OUTSTACK_EXCLUDE)
      return CV_OK;
  const struct cv__jval *marks = cv__json_get(contest, "Marks");
  if (!marks || marks->kind != CV__J_ARR)
    return fail_at(d, contest, "contest needs a \"Marks\" array");
  cv__cvr_marks_reset(&d->marks);
  const char *uwi = d->src->undeclared_write_in_label;
  for (size_t i = 0; i < marks->u.arr.n; i++) {
    const struct cv__jval *m = marks->u.arr.items[i];
    const struct cv__jval *amb = cv__json_get(m, "IsAmbiguous"), *rank = cv__json_get(m, "Rank");
    if (!amb || amb->kind != CV__J_BOOL)
      return fail_at(d, m, "mark needs a boolean \"IsAmbiguous\"");
    if (amb->u.b) continue;
    char buf[32];
    const char *cand;
    if (!id_text(cv__json_get(m, "CandidateId"), buf, &cand))
      return fail_at(d, m, "mark needs a \"CandidateId\"");
    if (!rank || rank->kind != CV__J_INT || rank->u.i < 1 || rank->u.i > (int64_t)CV__CVR_MAX_RANK)
      return fail_at(d, rank ? rank : m, "mark needs a \"Rank\" that is a whole number from 1");
    bool is_uwi = !cv__cvr_unset(uwi) && strcmp(cand, uwi) == 0;
    uint32_t k;
    if (!is_uwi && !cv__strmap_get(&d->candidates, cand, &k))
      return fail_at(d, m,
                     "candidate Id %s is not a candidate of contest %s in CandidateManifest.json",
                     cand, d->src->contest_id);
    cv_status st = cv__cvr_marks_add(&d->marks, (uint32_t)rank->u.i,
                                     is_uwi ? CV__MARK_UWI : CV__MARK_CANDIDATE, cand, strlen(cand),
                                     true, m->line, m->column);
    if (st != CV_OK)
      return cv__fail(d->err, st, d->file, m->line, m->column, NULL, "too many marks");
  }
  char computed[100];
  snprintf(computed, sizeof computed, "%s-%s-%s", ids[0], ids[1], ids[2]);
  cv__cvr_marks_seal(&d->marks);
  struct cv__cvr_record rec = {0};
  rec.file = d->file;
  rec.line = contest->line;
  rec.column = contest->column;
  rec.id = ids[2];
  rec.computed_id = computed;
  rec.batch = ids[1];
  rec.tabulator = ids[0];
  rec.precinct = precinct;
  rec.precinct_portion = portion;
  rec.source_max_rank = d->num_ranks;
  rec.marks = d->marks.items;
  rec.n_marks = d->marks.n;
  d->records++;
  return fn(ud, &rec, d->err);
}

/* One session: the version RCTab reads, then each card holding our contest. */
static cv_status read_session(struct dom *d, const struct cv__jval *s, cv__cvr_fn fn, void *ud) {
  char tab[32], bat[32], rec[32];
  const char *ids[3];
  if (s->kind != CV__J_OBJ) return fail_at(d, s, "a session must be an object");
  if (!id_text(cv__json_get(s, "TabulatorId"), tab, &ids[0]) ||
      !id_text(cv__json_get(s, "BatchId"), bat, &ids[1]))
    return fail_at(d, s, "session needs \"TabulatorId\" and \"BatchId\"");
  const struct cv__jval *rid = cv__json_get(s, "RecordId");
  if (!rid || rid->kind != CV__J_INT) return fail_at(d, s, "session needs an integer \"RecordId\"");
  id_text(rid, rec, &ids[2]);
  const struct cv__jval *v = cv__json_get(s, "Original");
  if (!v || v->kind != CV__J_OBJ) return fail_at(d, s, "session needs an \"Original\" object");
  const struct cv__jval *cur = cv__json_get(v, "IsCurrent");
  if (!cur || cur->kind != CV__J_BOOL)
    return fail_at(d, v, "\"Original\" needs a boolean \"IsCurrent\"");
  if (!cur->u.b) {
    v = cv__json_get(s, "Modified");
    if (!v) return CV_OK; /* not adjudicated: RCTab leaves it out with a warning */
    if (v->kind != CV__J_OBJ) return fail_at(d, v, "\"Modified\" must be an object");
  }
  const char *precinct = NULL, *portion = NULL;
  const struct cv__jval *pid = cv__json_get(v, "PrecinctId"),
                        *ppid = cv__json_get(v, "PrecinctPortionId");
  if (pid && pid->kind != CV__J_NULL) {
    if (pid->kind != CV__J_INT || !d->precincts.present ||
        !lookup(&d->precincts, pid->u.i, &precinct))
      return fail_at(d, pid, "precinct Id is not in PrecinctManifest.json");
  }
  if (ppid && ppid->kind != CV__J_NULL) {
    if (ppid->kind != CV__J_INT || !lookup(&d->portions, ppid->u.i, &portion))
      return fail_at(d, ppid, "precinct portion Id is not in PrecinctPortionManifest.json");
  }
  const struct cv__jval *cards = cv__json_get(v, "Cards");
  size_t n_cards = 1;
  if (cards) {
    if (cards->kind != CV__J_ARR) return fail_at(d, cards, "\"Cards\" must be an array");
    n_cards = cards->u.arr.n;
  }
  for (size_t c = 0; c < n_cards; c++) {
    const struct cv__jval *card = cards ? cards->u.arr.items[c] : v;
    const struct cv__jval *contests = cv__json_get(card, "Contests");
    if (!contests || contests->kind != CV__J_ARR)
      return fail_at(d, card, "card needs a \"Contests\" array");
    for (size_t k = 0; k < contests->u.arr.n; k++) {
      const struct cv__jval *ct = contests->u.arr.items[k];
      char buf[32];
      const char *id;
      if (!id_text(cv__json_get(ct, "Id"), buf, &id))
        return fail_at(d, ct, "contest needs an \"Id\"");
      if (strcmp(id, d->src->contest_id) != 0) continue;
      if (!d->contest_known) return fail_at(d, ct, "contest %s is not in ContestManifest.json", id);
      cv_status st = read_contest(d, ct, ids, precinct, portion, fn, ud);
      if (st != CV_OK) return st;
    }
  }
  return CV_OK;
}

/* One CvrExport file, parsed whole into its own arena. */
static cv_status read_export(struct dom *d, const char *text, size_t len, cv__cvr_fn fn, void *ud) {
  struct cv__arena a;
  cv__arena_init(&a, 0);
  struct cv__jval *root;
  cv_status st = parse(d, &a, text, len, &root);
  if (st == CV_OK) {
    const struct cv__jval *sessions = cv__json_get(root, "Sessions");
    if (!sessions || sessions->kind != CV__J_ARR)
      st = fail_at(d, root, "expected a \"Sessions\" array");
    for (size_t i = 0; st == CV_OK && i < sessions->u.arr.n; i++)
      st = read_session(d, sessions->u.arr.items[i], fn, ud);
  }
  cv__arena_fini(&a);
  return st;
}

/* ---- entry points ------------------------------------------------------------------ */

static void dom_init(struct dom *d, const struct cv__cvr_source *src, struct cv_error *err) {
  memset(d, 0, sizeof *d);
  d->src = src;
  d->err = err;
  d->file = src->path;
  cv__arena_init(&d->arena, 0);
  cv__strmap_init(&d->candidates);
  cv__cvr_marks_init(&d->marks);
}

/* Frees what dom_init set up. */
static void dom_fini(struct dom *d) {
  cv__arena_fini(&d->arena);
  cv__strmap_fini(&d->candidates);
  cv__cvr_marks_fini(&d->marks);
}

/* Loads the manifests from memory texts (precinct may be NULL). */
static cv_status load_manifests(struct dom *d, const struct cv__dominion_mem *m,
                                const char *names[4]) {
  cv_status st = CV_OK;
  if (m->precinct) {
    d->file = names[0];
    st = load_ids(d, m->precinct, m->precinct_len, &d->precincts);
  }
  if (st == CV_OK) d->file = names[1], st = load_ids(d, m->portion, m->portion_len, &d->portions);
  if (st == CV_OK) d->file = names[2], st = load_contests(d, m->contest, m->contest_len);
  if (st == CV_OK) d->file = names[3], st = load_candidates(d, m->candidate, m->candidate_len);
  return st;
}

/* The settings a Dominion source needs. */
static cv_status check_source(const struct cv__cvr_source *src, struct cv_error *err) {
  if (cv__cvr_unset(src->contest_id))
    return cv__fail(err, CV_EINVAL, src->path, 0, 0, "contestId",
                    "a Dominion source needs the contest's Id (contestId)");
  return CV_OK;
}

/* Reads manifests and one export from memory (fuzzing, tests). */
cv_status cv__cvr_read_dominion_mem(const struct cv__cvr_source *src,
                                    const struct cv__dominion_mem *m, cv__cvr_fn fn, void *ud,
                                    struct cv_error *err) {
  cv_status st = check_source(src, err);
  if (st != CV_OK) return st;
  if (!m->portion || !m->contest || !m->candidate || !m->cvr)
    return cv__failf(err, CV_EINVAL, "Dominion input is missing a manifest or the CvrExport");
  struct dom d;
  dom_init(&d, src, err);
  const char *names[4] = {"PrecinctManifest.json", "PrecinctPortionManifest.json",
                          "ContestManifest.json", "CandidateManifest.json"};
  st = load_manifests(&d, m, names);
  if (st == CV_OK) {
    d.file = "CvrExport.json";
    st = read_export(&d, m->cvr, m->cvr_len, fn, ud);
  }
  dom_fini(&d);
  return st;
}

/* True for CvrExport_<digits>.json. */
static bool numbered_export(const char *name) {
  const char *p = name + strlen("CvrExport_");
  if (strncmp(name, "CvrExport_", strlen("CvrExport_")) != 0 || !(*p >= '0' && *p <= '9'))
    return false;
  while (*p >= '0' && *p <= '9') p++;
  return strcmp(p, ".json") == 0;
}

/* qsort order: bytes of the name, as RCTab sorts paths. */
static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads one file of the folder; a missing optional file sets *text NULL. */
static cv_status read_part(const char *dir, const char *name, size_t max, bool optional,
                           char path[4096], char **text, size_t *len, struct cv_error *err) {
  *text = NULL;
  *len = 0;
  int w = snprintf(path, 4096, "%s/%s", dir, name);
  if (w < 0 || w >= 4096) return cv__fail(err, CV_ELIMIT, dir, 0, 0, NULL, "path too long");
  struct cv_error tmp = {0};
  cv_status st = cv__read_file(path, max, text, len, &tmp);
  if (st == CV_ENOENT && optional) return CV_OK;
  if (st != CV_OK && err && err->code == CV_OK) *err = tmp;
  return st;
}

/* Reads a Dominion folder: manifests, then the exports in name order. */
cv_status cv__cvr_read_dominion(const struct cv__cvr_source *src, cv__cvr_fn fn, void *ud,
                                struct cv_error *err) {
  cv_status st = check_source(src, err);
  if (st != CV_OK) return st;
  struct dom d;
  dom_init(&d, src, err);
  static const char *const names[4] = {"PrecinctManifest.json", "PrecinctPortionManifest.json",
                                       "ContestManifest.json", "CandidateManifest.json"};
  char paths[4][4096];
  char *texts[4] = {NULL, NULL, NULL, NULL};
  size_t lens[4] = {0, 0, 0, 0};
  for (int i = 0; i < 4 && st == CV_OK; i++)
    st = read_part(src->path, names[i], MAX_MANIFEST, i == 0, paths[i], &texts[i], &lens[i], err);
  if (st == CV_OK) {
    struct cv__dominion_mem m = {texts[0], lens[0], texts[1], lens[1], texts[2], lens[2],
                                 texts[3], lens[3], NULL, 0};
    const char *pn[4] = {paths[0], paths[1], paths[2], paths[3]};
    st = load_manifests(&d, &m, pn);
  }
  for (int i = 0; i < 4; i++) cv__free(texts[i]);
  if (st != CV_OK) goto out;

  /* CvrExport.json, else CvrExport_<n>.json in name order. */
  char path[4096], *text = NULL;
  size_t len = 0;
  st = read_part(src->path, "CvrExport.json", MAX_EXPORT, true, path, &text, &len, err);
  if (st == CV_OK && text) {
    d.file = path;
    st = read_export(&d, text, len, fn, ud);
    cv__free(text);
  } else if (st == CV_OK) {
    DIR *dir = opendir(src->path);
    char **files = NULL;
    size_t n = 0, cap = 0;
    if (!dir) {
      st = cv__fail(err, CV_ENOENT, src->path, 0, 0, NULL, "cannot open the Dominion folder");
      goto out;
    }
    struct dirent *e;
    while (st == CV_OK && (e = readdir(dir)) != NULL) {
      if (!numbered_export(e->d_name)) continue;
      if (cv__grow((void **)&files, &cap, n + 1, sizeof *files, MAX_EXPORT_FILES) != CV_OK ||
          !(files[n] = cv__strdup(e->d_name)))
        st = cv__fail(err, CV_ELIMIT, src->path, 0, 0, NULL, "too many files or out of memory");
      else
        n++;
    }
    closedir(dir);
    if (st == CV_OK && n == 0)
      st = cv__fail(err, CV_ENOENT, src->path, 0, 0, NULL,
                    "no CvrExport.json or CvrExport_<n>.json in the folder");
    if (st == CV_OK) qsort(files, n, sizeof *files, by_name);
    for (size_t i = 0; i < n && st == CV_OK; i++) {
      st = read_part(src->path, files[i], MAX_EXPORT, false, path, &text, &len, err);
      if (st == CV_OK) {
        d.file = path;
        st = read_export(&d, text, len, fn, ud);
      }
      cv__free(text);
      text = NULL;
    }
    for (size_t i = 0; i < n; i++) cv__free(files[i]);
    cv__free(files);
  }
  if (st == CV_OK && d.records == 0)
    st = cv__fail(err, CV_EINVAL, src->path, 0, 0, NULL,
                  "no cast vote records for contest %s in the folder", src->contest_id);
out:
  dom_fini(&d);
  return st;
}
