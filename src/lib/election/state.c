#include "election/state.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "count/agreement.h"
#include "count/findings.h"
#include "count/ranking.h"
#include "tabulate/lot.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/jfield.h"

void cv__state_init(struct cv__state *st) {
  memset(st, 0, sizeof *st);
  cv__arena_init(&st->arena, 0);
  cv__chain_init(&st->chain);
  cv__strmap_init(&st->batch_index);
  cv__strmap_init(&st->name_index);
}

void cv__state_fini(struct cv__state *st) {
  if (!st) return;
  cv__definition_fini(&st->def);
  cv__strmap_fini(&st->batch_index);
  cv__strmap_fini(&st->name_index);
  cv__free(st->batches);
  cv__free(st->cells);
  cv__free(st->sheets);
  cv__free(st->entries);
  cv__free(st->names);
  cv__free(st->acks);
  cv__free(st->lots);
  cv__arena_fini(&st->arena);
  memset(st, 0, sizeof *st);
}

bool cv__state_batch(const struct cv__state *st, const char *id, uint32_t *out) {
  return cv__strmap_get(&st->batch_index, id, out);
}
bool cv__state_contest(const struct cv__state *st, const char *id, uint32_t *out) {
  return st->defined && cv__strmap_get(&st->def.contest_index, id, out);
}
bool cv__state_unit(const struct cv__state *st, const char *id, uint32_t *out) {
  return st->defined && cv__strmap_get(&st->def.unit_index, id, out);
}

bool cv__state_sheet(const struct cv__state *st, uint64_t seq, uint32_t *out) {
  size_t lo = 0, hi = st->n_sheets;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (st->sheets[mid].seq < seq)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < st->n_sheets && st->sheets[lo].seq == seq) {
    *out = (uint32_t)lo;
    return true;
  }
  return false;
}

bool cv__state_cell(const struct cv__state *st, uint32_t b, uint32_t c, uint32_t *out) {
  const struct cv__batch *bt = &st->batches[b];
  int32_t style = st->def.units[bt->unit].style;
  int32_t pos = st->style_pos[(size_t)style * st->def.n_contests + c];
  if (pos < 0) return false;
  *out = bt->cell0 + (uint32_t)pos;
  return true;
}

const struct cv__ack *cv__state_ack(const struct cv__state *st, const char *finding) {
  for (size_t i = st->n_acks; i-- > 0;)
    if (strcmp(st->acks[i].finding, finding) == 0) return &st->acks[i];
  return NULL;
}

const struct cv__lot *cv__state_lot(const struct cv__state *st, uint32_t c) {
  for (size_t i = st->n_lots; i-- > 0;)
    if (st->lots[i].contest == c) return &st->lots[i];
  return NULL;
}

/* ---- helpers ------------------------------------------------------------ */

struct ctx {
  struct cv__state *st;
  const struct cv__event *ev;
  struct cv__jf jf;
  struct cv_error *err;
};

static cv_status refuse(struct ctx *c, cv_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static cv_status refuse(struct ctx *c, cv_status code, const char *fmt, ...) {
  char msg[480];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return cv__fail(c->err, code, NULL, 0, 0, NULL, "%s", msg);
}

static cv_status oom(struct ctx *c) { return refuse(c, CV_ENOMEM, "out of memory"); }

static const char *keep(struct ctx *c, const char *s) {
  return cv__arena_strdup(&c->st->arena, s);
}

static cv_status text_field(struct ctx *c, const struct cv__jval *o, const char *key, bool nonempty,
                            const char **out) {
  const char *s;
  cv_status r = cv__jf_str(&c->jf, o, "data", key, true, &s);
  if (r != CV_OK) return r;
  size_t n = strlen(s);
  if (n > CV__MAX_TEXT) return cv__jf_fail(&c->jf, cv__json_get(o, key), "data", key, "longer than %u bytes", CV__MAX_TEXT);
  if (nonempty && n == 0) return cv__jf_fail(&c->jf, cv__json_get(o, key), "data", key, "must not be empty");
  *out = keep(c, s);
  return *out ? CV_OK : oom(c);
}

static cv_status count_field(struct ctx *c, const struct cv__jval *o, const char *path,
                             const char *key, uint64_t *out) {
  return cv__jf_uint(&c->jf, o, path, key, true, 0, CV__MAX_COUNT, out);
}

/* ---- election.defined --------------------------------------------------- */

static cv_status apply_defined(struct ctx *c) {
  struct cv__state *st = c->st;
  if (st->defined || c->ev->seq != 1)
    return refuse(c, CV_EINVAL, "the election is defined by the first event only");
  /* The definition's strings must outlive the event's scratch tree: copy the
   * data into the state's arena through its canonical bytes. */
  struct cv__buf b;
  cv__buf_init(&b, CV__MAX_EVENT_BYTES);
  struct cv__jw w;
  cv__jw_init(&w, &b, 0);
  cv__jw_value(&w, c->ev->data);
  cv_status s = cv__jw_finish(&w);
  struct cv__jval *root = NULL;
  if (s == CV_OK)
    s = cv__json_parse(&st->arena, b.data, b.len, CV__JSON_CANONICAL, NULL, NULL, &root, c->err);
  cv__buf_fini(&b);
  if (s != CV_OK) return s;
  s = cv__definition_decode(&st->def, &st->arena, root, c->jf.file, c->err);
  if (s != CV_OK) return s;
  const struct cv__definition *d = &st->def;
  st->accounting = cv__arena_calloc(&st->arena, d->n_units, sizeof *st->accounting);
  st->certified = cv__arena_calloc(&st->arena, d->n_contests, sizeof *st->certified);
  size_t n = (size_t)(d->n_styles ? d->n_styles : 1) * d->n_contests;
  st->style_pos = cv__arena_alloc(&st->arena, n * sizeof *st->style_pos);
  if (!st->accounting || !st->certified || !st->style_pos) return oom(c);
  for (size_t i = 0; i < n; i++) st->style_pos[i] = -1;
  for (uint32_t s2 = 0; s2 < d->n_styles; s2++)
    for (uint32_t k = 0; k < d->styles[s2].n_contests; k++)
      st->style_pos[(size_t)s2 * d->n_contests + d->styles[s2].contests[k]] = (int32_t)k;
  st->defined = true;
  return CV_OK;
}

/* ---- batch.added -------------------------------------------------------- */

static const char *const BATCH_KEYS[] = {"ballots", "batch", "container", "polling_place",
                                         "tabulator", NULL};

static cv_status apply_batch(struct ctx *c) {
  struct cv__state *st = c->st;
  const struct cv__jval *d = c->ev->data;
  cv_status s;
  if ((s = cv__jf_keys(&c->jf, d, "data", BATCH_KEYS)) != CV_OK) return s;
  const char *id, *pp, *container, *tabulator;
  uint64_t ballots;
  if ((s = cv__jf_str(&c->jf, d, "data", "batch", true, &id)) != CV_OK) return s;
  if (id[0] == '\0' || strlen(id) > 100)
    return cv__jf_fail(&c->jf, cv__json_get(d, "batch"), "data", "batch", "batch name must be 1 to 100 bytes");
  if ((s = cv__jf_str(&c->jf, d, "data", "polling_place", true, &pp)) != CV_OK) return s;
  if ((s = cv__jf_str(&c->jf, d, "data", "container", true, &container)) != CV_OK) return s;
  if ((s = cv__jf_str(&c->jf, d, "data", "tabulator", true, &tabulator)) != CV_OK) return s;
  if (strlen(container) > 100 || strlen(tabulator) > 100)
    return refuse(c, CV_EINVAL, "container and tabulator must be at most 100 bytes");
  if ((s = count_field(c, d, "data", "ballots", &ballots)) != CV_OK) return s;
  uint32_t unit, dummy;
  if (!cv__state_unit(st, pp, &unit))
    return cv__jf_fail(&c->jf, cv__json_get(d, "polling_place"), "data", "polling_place",
                       "unknown polling place \"%.64s\"", pp);
  if (st->def.units[unit].type != CV__UNIT_POLLING_PLACE)
    return cv__jf_fail(&c->jf, cv__json_get(d, "polling_place"), "data", "polling_place",
                       "\"%s\" is a %s, not a polling place", pp,
                       cv__unit_type_name(st->def.units[unit].type));
  {
    const struct cv__style *sty = &st->def.styles[st->def.units[unit].style];
    for (uint32_t k = 0; k < sty->n_contests; k++)
      if (st->certified[sty->contests[k]])
        return refuse(c, CV_EREFUSED, "contest \"%s\" on the ballots of %s is certified; no batch can be added there",
                      st->def.contests[sty->contests[k]].id, pp);
  }
  if (cv__state_batch(st, id, &dummy))
    return cv__jf_fail(&c->jf, cv__json_get(d, "batch"), "data", "batch",
                       "batch \"%.100s\" is already in the manifest", id);
  const struct cv__style *style = &st->def.styles[st->def.units[unit].style];
  if (cv__grow((void **)&st->batches, &st->cap_batches, st->n_batches + 1, sizeof *st->batches,
               (size_t)1 << 30) != CV_OK ||
      cv__grow((void **)&st->cells, &st->cap_cells, st->n_cells + style->n_contests,
               sizeof *st->cells, (size_t)1 << 31) != CV_OK)
    return oom(c);
  struct cv__batch *b = &st->batches[st->n_batches];
  b->id = keep(c, id);
  b->container = keep(c, container);
  b->tabulator = keep(c, tabulator);
  if (!b->id || !b->container || !b->tabulator) return oom(c);
  b->unit = unit;
  b->ballots = ballots;
  b->seq = c->ev->seq;
  b->cell0 = (uint32_t)st->n_cells;
  if (cv__strmap_put(&st->batch_index, b->id, (uint32_t)st->n_batches) != CV_OK) return oom(c);
  for (uint32_t k = 0; k < style->n_contests; k++) {
    struct cv__cell *cell = &st->cells[st->n_cells + k];
    memset(cell, 0, sizeof *cell);
    cell->batch = (uint32_t)st->n_batches;
    cell->contest = style->contests[k];
    cell->first_entry = cell->last_entry = cell->resolution = cell->value = -1;
    cell->status = CV__CELL_NOT_COUNTED;
  }
  st->n_cells += style->n_contests;
  st->n_batches++;
  return CV_OK;
}

/* ---- sheet.entered ------------------------------------------------------ */

static const char *const SHEET_KEYS[] = {"batch", "contests", "kind", "members", "reference",
                                         "rekey_of", "team", NULL};
static const char *const SECTION_KEYS[] = {"ballots", "blank", "contest", "invalid", "overvotes",
                                           "undervotes", "votes", NULL};

/* Canonical sections hold exactly SECTION_KEYS in that order, with votes in
 * byte order of the choice ids: then every value is read by position, with
 * no look-ups. Anything else takes the field-by-field path, which words the
 * error. Both paths accept exactly the same sections. */
static bool count_ok(const struct cv__jval *v) {
  return v->kind == CV__J_INT && v->u.i >= 0 && (uint64_t)v->u.i <= CV__MAX_COUNT;
}

static bool section_in_order(const struct cv__jval *sec) {
  if (sec->kind != CV__J_OBJ || sec->u.obj.n != 7) return false;
  const struct cv__jmember *m = sec->u.obj.members;
  for (int i = 0; i < 7; i++)
    if (strcmp(m[i].key, SECTION_KEYS[i]) != 0) return false;
  return count_ok(m[0].val) && count_ok(m[1].val) && m[2].val->kind == CV__J_STR &&
         count_ok(m[3].val) && count_ok(m[4].val) && count_ok(m[5].val) && m[6].val->kind == CV__J_OBJ;
}

static bool votes_in_order(const struct cv__contest *ct, const struct cv__jval *votes) {
  if (votes->u.obj.n != ct->n_choices) return false;
  for (uint32_t k = 0; k < ct->n_choices; k++) {
    const struct cv__jmember *m = &votes->u.obj.members[k];
    if (strcmp(m->key, ct->choices[ct->by_id[k]].id) != 0 || !count_ok(m->val)) return false;
  }
  return true;
}

/* Ranked contests are keyed ballot by ballot: a section holds the contest
 * and the canonical ranking text of each ballot (count/ranking.h). */
static const char *const RANKED_SECTION_KEYS[] = {"contest", "rankings", NULL};

static cv_status check_rankings(struct ctx *c, const struct cv__contest *ct, const struct cv__jval *sec,
                                const char *path) {
  const struct cv__jval *arr;
  cv_status s = cv__jf_arr(&c->jf, sec, path, "rankings", true, &arr);
  if (s != CV_OK) return s;
  if (arr->u.arr.n == 0)
    return cv__jf_fail(&c->jf, arr, path, "rankings", "no ballots keyed for contest \"%s\"", ct->id);
  if (arr->u.arr.n > CV__MAX_BALLOTS_KEYED)
    return cv__jf_fail(&c->jf, arr, path, "rankings", "more than %u ballots in one keying",
                       CV__MAX_BALLOTS_KEYED);
  struct cv__buf canon;
  cv__buf_init(&canon, CV__MAX_RANKING_TEXT + 1);
  char why[200], at[96];
  for (size_t k = 0; k < arr->u.arr.n && s == CV_OK; k++) {
    const struct cv__jval *v = arr->u.arr.items[k];
    cv__buf_reset(&canon);
    if (v->kind != CV__J_STR) {
      cv__jf_index(at, sizeof at, "rankings", k);
      s = cv__jf_fail(&c->jf, v, path, at, "a ballot's ranking is a string such as \"ann>bob\"");
    } else if (!cv__ranking_canonical(ct, v->u.str.s, &canon, why, sizeof why)) {
      cv__jf_index(at, sizeof at, "rankings", k);
      s = cv__jf_fail(&c->jf, v, path, at, "ballot %zu: %s", k + 1, why);
    } else if (canon.len != v->u.str.len || memcmp(canon.data ? canon.data : "", v->u.str.s, canon.len) != 0) {
      cv__jf_index(at, sizeof at, "rankings", k);
      s = cv__jf_fail(&c->jf, v, path, at, "ballot %zu: \"%.80s\" is not in canonical form (\"%.80s\")",
                      k + 1, v->u.str.s, canon.data ? canon.data : "");
    }
  }
  cv__buf_fini(&canon);
  return s;
}

/* Keeps the rankings of a checked section and derives its first-choice
 * counts, which is what the per-batch reports of the contest show. */
static cv_status fill_ranked(struct ctx *c, const struct cv__contest *ct, const struct cv__jval *arr,
                             struct cv__entry *e) {
  struct cv__state *st = c->st;
  size_t n = arr->u.arr.n;
  e->rankings = cv__arena_calloc(&st->arena, n, sizeof *e->rankings);
  if (!e->rankings) return oom(c);
  e->n_rankings = (uint32_t)n;
  e->ballots = n;
  for (size_t k = 0; k < n; k++) {
    const char *t = arr->u.arr.items[k]->u.str.s;
    if (!(e->rankings[k] = keep(c, t))) return oom(c);
    uint32_t choice;
    switch (cv__ranking_first(ct, t, &choice)) {
    case CV__FIRST_BLANK: e->blank++; break;
    case CV__FIRST_SKIPPED: e->undervotes++; break;
    case CV__FIRST_OVERVOTE: e->overvotes++; break;
    case CV__FIRST_CHOICE: e->votes[choice]++; break;
    }
  }
  return CV_OK;
}

static cv_status intern_name(struct ctx *c, const char *team, uint32_t *out) {
  struct cv__state *st = c->st;
  if (cv__strmap_get(&st->name_index, team, out)) return CV_OK;
  if (cv__grow((void **)&st->names, &st->cap_names, st->n_names + 1, sizeof *st->names, 1u << 24) !=
      CV_OK)
    return oom(c);
  const char *k = keep(c, team);
  if (!k || cv__strmap_put(&st->name_index, k, (uint32_t)st->n_names) != CV_OK) return oom(c);
  st->names[st->n_names] = k;
  *out = (uint32_t)st->n_names++;
  return CV_OK;
}

static cv_status apply_sheet(struct ctx *c) {
  struct cv__state *st = c->st;
  const struct cv__definition *def = &st->def;
  const struct cv__jval *d = c->ev->data;
  cv_status s;
  if ((s = cv__jf_keys(&c->jf, d, "data", SHEET_KEYS)) != CV_OK) return s;
  const char *batch_id, *team, *kind, *reference;
  uint64_t rekey_of;
  const struct cv__jval *members, *sections;
  if ((s = cv__jf_str(&c->jf, d, "data", "batch", true, &batch_id)) != CV_OK) return s;
  if ((s = cv__jf_str(&c->jf, d, "data", "team", true, &team)) != CV_OK) return s;
  if ((s = cv__jf_str(&c->jf, d, "data", "kind", true, &kind)) != CV_OK) return s;
  if ((s = cv__jf_str(&c->jf, d, "data", "reference", true, &reference)) != CV_OK) return s;
  if ((s = cv__jf_uint(&c->jf, d, "data", "rekey_of", true, 0, UINT64_MAX >> 1, &rekey_of)) != CV_OK)
    return s;
  if ((s = cv__jf_arr(&c->jf, d, "data", "members", true, &members)) != CV_OK) return s;
  if ((s = cv__jf_arr(&c->jf, d, "data", "contests", true, &sections)) != CV_OK) return s;

  uint32_t b;
  if (!cv__state_batch(st, batch_id, &b))
    return cv__jf_fail(&c->jf, cv__json_get(d, "batch"), "data", "batch",
                       "unknown batch \"%.100s\" (not in the ballot manifest)", batch_id);
  if (team[0] == '\0' || strlen(team) > 100)
    return cv__jf_fail(&c->jf, cv__json_get(d, "team"), "data", "team", "team must be 1 to 100 bytes");
  if (strlen(reference) > 100)
    return cv__jf_fail(&c->jf, cv__json_get(d, "reference"), "data", "reference", "longer than 100 bytes");
  bool rekey;
  if (strcmp(kind, "count") == 0)
    rekey = false;
  else if (strcmp(kind, "rekey") == 0)
    rekey = true;
  else
    return cv__jf_fail(&c->jf, cv__json_get(d, "kind"), "data", "kind",
                       "must be \"count\" (an independent count) or \"rekey\" (keying a paper sheet again)");
  if (rekey != (rekey_of != 0))
    return cv__jf_fail(&c->jf, cv__json_get(d, "rekey_of"), "data", "rekey_of",
                       rekey ? "a re-keying must name the sheet it keys again"
                             : "only a re-keying names another sheet");
  if (rekey) {
    uint32_t orig;
    if (!cv__state_sheet(st, rekey_of, &orig))
      return cv__jf_fail(&c->jf, cv__json_get(d, "rekey_of"), "data", "rekey_of",
                         "there is no sheet %llu", (unsigned long long)rekey_of);
    if (st->sheets[orig].batch != b)
      return cv__jf_fail(&c->jf, cv__json_get(d, "rekey_of"), "data", "rekey_of",
                         "sheet %llu is of batch \"%s\", not \"%s\"", (unsigned long long)rekey_of,
                         st->batches[st->sheets[orig].batch].id, batch_id);
    if (strcmp(st->names[st->sheets[orig].team], team) != 0)
      return cv__jf_fail(&c->jf, cv__json_get(d, "team"), "data", "team",
                         "a re-keying keeps the team of the paper sheet (\"%s\")",
                         st->names[st->sheets[orig].team]);
  }
  if (members->u.arr.n == 0 || members->u.arr.n > CV__MAX_MEMBERS)
    return cv__jf_fail(&c->jf, members, "data", "members", "must name 1 to %u team members",
                       CV__MAX_MEMBERS);
  for (size_t i = 0; i < members->u.arr.n; i++) {
    const struct cv__jval *m = members->u.arr.items[i];
    if (m->kind != CV__J_STR || m->u.str.len == 0 || m->u.str.len > 100) {
      char p[48];
      cv__jf_index(p, sizeof p, "data.members", i);
      return cv__jf_fail(&c->jf, m, p, NULL, "a member is a name of 1 to 100 bytes");
    }
  }
  size_t n_sec = sections->u.arr.n;
  if (n_sec == 0) return cv__jf_fail(&c->jf, sections, "data", "contests", "a sheet counts at least one contest");
  if (n_sec > def->n_contests)
    return cv__jf_fail(&c->jf, sections, "data", "contests", "more sections than contests");

  /* Check every section before changing anything. */
  uint32_t cells[CV__MAX_CONTESTS];
  bool quick[CV__MAX_CONTESTS];
  char path[64];
  for (size_t i = 0; i < n_sec; i++) {
    const struct cv__jval *sec = sections->u.arr.items[i];
    quick[i] = section_in_order(sec);
    cv__jf_index(path, sizeof path, "data.contests", i);
    const char *cid;
    if (quick[i]) {
      cid = sec->u.obj.members[2].val->u.str.s;
    } else {
      if (sec->kind != CV__J_OBJ)
        return cv__jf_fail(&c->jf, sec, path, NULL, "a contest section must be an object");
      if ((s = cv__jf_str(&c->jf, sec, path, "contest", true, &cid)) != CV_OK) return s;
    }
    uint32_t ci;
    if (!cv__state_contest(st, cid, &ci))
      return cv__jf_fail(&c->jf, cv__json_get(sec, "contest"), path, "contest", "unknown contest \"%.64s\"", cid);
    const struct cv__contest *ct = &def->contests[ci];
    bool ranked = cv__contest_is_ranked(ct);
    if (!quick[i] &&
        (s = cv__jf_keys(&c->jf, sec, path, ranked ? RANKED_SECTION_KEYS : SECTION_KEYS)) != CV_OK)
      return s;
    if (!cv__state_cell(st, b, ci, &cells[i]))
      return cv__jf_fail(&c->jf, cv__json_get(sec, "contest"), path, "contest",
                         "E102 contest \"%s\" is not on the ballot style of batch \"%s\" (polling place %s)",
                         cid, batch_id, def->units[st->batches[b].unit].id);
    for (size_t j = 0; j < i; j++)
      if (cells[j] == cells[i])
        return cv__jf_fail(&c->jf, sec, path, "contest", "contest \"%s\" appears twice on the sheet", cid);
    if (st->certified[ci])
      return refuse(c, CV_EREFUSED, "contest \"%s\" is certified; no further sheets are accepted", cid);
    if (rekey) {
      uint32_t orig;
      cv__state_sheet(st, rekey_of, &orig);
      bool counted = false;
      for (uint32_t k = 0; k < st->sheets[orig].n_entries; k++)
        counted = counted || st->entries[st->sheets[orig].first_entry + k].cell == cells[i];
      if (!counted)
        return cv__jf_fail(&c->jf, cv__json_get(sec, "contest"), path, "contest",
                           "sheet %llu does not count contest \"%s\", so a re-keying of it cannot",
                           (unsigned long long)rekey_of, cid);
    }
    if (ranked) {
      if ((s = check_rankings(c, ct, sec, path)) != CV_OK) return s;
      continue;
    }
    if (quick[i] && votes_in_order(ct, sec->u.obj.members[6].val)) continue;
    quick[i] = false;
    uint64_t v;
    static const char *const counts[] = {"ballots", "blank", "invalid", "undervotes", "overvotes", NULL};
    for (const char *const *k = counts; *k; k++)
      if ((s = count_field(c, sec, path, *k, &v)) != CV_OK) return s;
    const struct cv__jval *votes;
    if ((s = cv__jf_obj(&c->jf, sec, path, "votes", true, &votes)) != CV_OK) return s;
    char vpath[96];
    cv__jf_path(vpath, sizeof vpath, path, "votes");
    for (size_t j = 0; j < votes->u.obj.n; j++) {
      uint32_t chi;
      if (!cv__strmap_get(&ct->choice_index, votes->u.obj.members[j].key, &chi))
        return cv__jf_fail(&c->jf, votes->u.obj.members[j].val, vpath, votes->u.obj.members[j].key,
                           "contest \"%s\" has no choice \"%.64s\"", cid, votes->u.obj.members[j].key);
    }
    for (uint32_t j = 0; j < ct->n_choices; j++)
      if ((s = count_field(c, votes, vpath, ct->choices[j].id, &v)) != CV_OK) return s;
  }

  /* Now build the sheet. */
  uint32_t team_ix;
  if ((s = intern_name(c, team, &team_ix)) != CV_OK) return s;
  if (cv__grow((void **)&st->sheets, &st->cap_sheets, st->n_sheets + 1, sizeof *st->sheets,
               (size_t)1 << 31) != CV_OK ||
      cv__grow((void **)&st->entries, &st->cap_entries, st->n_entries + n_sec, sizeof *st->entries,
               (size_t)1 << 31) != CV_OK)
    return oom(c);
  struct cv__sheet *sh = &st->sheets[st->n_sheets];
  memset(sh, 0, sizeof *sh);
  sh->seq = c->ev->seq;
  sh->batch = b;
  sh->team = team_ix;
  sh->rekey = rekey;
  sh->rekey_of = rekey_of;
  sh->reference = keep(c, reference);
  sh->members = cv__arena_calloc(&st->arena, members->u.arr.n, sizeof *sh->members);
  if (!sh->reference || !sh->members) return oom(c);
  for (size_t i = 0; i < members->u.arr.n; i++) {
    /* Names repeat on every sheet of a team: keep one copy of each. */
    uint32_t ix;
    if ((s = intern_name(c, members->u.arr.items[i]->u.str.s, &ix)) != CV_OK) return s;
    sh->members[i] = st->names[ix];
  }
  sh->n_members = (uint32_t)members->u.arr.n;
  sh->first_entry = (uint32_t)st->n_entries;
  sh->n_entries = (uint32_t)n_sec;
  for (size_t i = 0; i < n_sec; i++) {
    const struct cv__jval *sec = sections->u.arr.items[i];
    struct cv__cell *cell = &st->cells[cells[i]];
    const struct cv__contest *ct = &def->contests[cell->contest];
    struct cv__entry *e = &st->entries[st->n_entries + i];
    memset(e, 0, sizeof *e);
    e->sheet = (uint32_t)st->n_sheets;
    e->cell = cells[i];
    e->next = -1;
    e->votes = cv__arena_calloc(&st->arena, ct->n_choices, sizeof *e->votes);
    if (!e->votes) return oom(c);
    if (cv__contest_is_ranked(ct)) {
      if ((s = fill_ranked(c, ct, cv__json_get(sec, "rankings"), e)) != CV_OK) return s;
      continue;
    }
    if (quick[i]) {
      const struct cv__jmember *m = sec->u.obj.members;
      e->ballots = (uint64_t)m[0].val->u.i;
      e->blank = (uint64_t)m[1].val->u.i;
      e->invalid = (uint64_t)m[3].val->u.i;
      e->overvotes = (uint64_t)m[4].val->u.i;
      e->undervotes = (uint64_t)m[5].val->u.i;
      const struct cv__jval *votes = m[6].val;
      for (uint32_t k = 0; k < ct->n_choices; k++)
        e->votes[ct->by_id[k]] = (uint64_t)votes->u.obj.members[k].val->u.i;
      continue;
    }
    cv__jf_uint(&c->jf, sec, "", "ballots", true, 0, CV__MAX_COUNT, &e->ballots);
    cv__jf_uint(&c->jf, sec, "", "blank", true, 0, CV__MAX_COUNT, &e->blank);
    cv__jf_uint(&c->jf, sec, "", "invalid", true, 0, CV__MAX_COUNT, &e->invalid);
    cv__jf_uint(&c->jf, sec, "", "undervotes", true, 0, CV__MAX_COUNT, &e->undervotes);
    cv__jf_uint(&c->jf, sec, "", "overvotes", true, 0, CV__MAX_COUNT, &e->overvotes);
    const struct cv__jval *votes = cv__json_get(sec, "votes");
    for (uint32_t j = 0; j < ct->n_choices; j++)
      cv__jf_uint(&c->jf, votes, "", ct->choices[j].id, true, 0, CV__MAX_COUNT, &e->votes[j]);
  }
  /* Link entries into their cells only when nothing can fail any more. */
  for (size_t i = 0; i < n_sec; i++) {
    int32_t ei = (int32_t)(st->n_entries + i);
    struct cv__cell *cell = &st->cells[cells[i]];
    if (cell->last_entry >= 0)
      st->entries[cell->last_entry].next = ei;
    else
      cell->first_entry = ei;
    cell->last_entry = ei;
  }
  st->n_entries += n_sec;
  st->n_sheets++;
  for (size_t i = 0; i < n_sec; i++) cv__cell_refresh(st, cells[i]);
  return CV_OK;
}

/* ---- accounting.recorded ------------------------------------------------ */

static const char *const ACCOUNTING_KEYS[] = {"issued", "note", "pollbook_signatures",
                                              "polling_place", "received", "spoiled", "unused", NULL};

static cv_status apply_accounting(struct ctx *c) {
  struct cv__state *st = c->st;
  const struct cv__jval *d = c->ev->data;
  cv_status s;
  if ((s = cv__jf_keys(&c->jf, d, "data", ACCOUNTING_KEYS)) != CV_OK) return s;
  const char *pp;
  if ((s = cv__jf_str(&c->jf, d, "data", "polling_place", true, &pp)) != CV_OK) return s;
  uint32_t u;
  if (!cv__state_unit(st, pp, &u))
    return cv__jf_fail(&c->jf, cv__json_get(d, "polling_place"), "data", "polling_place",
                       "unknown polling place \"%.64s\"", pp);
  if (st->def.units[u].type != CV__UNIT_POLLING_PLACE)
    return cv__jf_fail(&c->jf, cv__json_get(d, "polling_place"), "data", "polling_place",
                       "\"%s\" is a %s, not a polling place", pp, cv__unit_type_name(st->def.units[u].type));
  const struct cv__style *sty = &st->def.styles[st->def.units[u].style];
  for (uint32_t k = 0; k < sty->n_contests; k++)
    if (st->certified[sty->contests[k]])
      return refuse(c, CV_EREFUSED, "contest \"%s\" on the ballots of %s is certified; its accounting is final",
                    st->def.contests[sty->contests[k]].id, pp);
  struct cv__accounting a = {0};
  if ((s = count_field(c, d, "data", "received", &a.received)) != CV_OK) return s;
  if ((s = count_field(c, d, "data", "issued", &a.issued)) != CV_OK) return s;
  if ((s = count_field(c, d, "data", "spoiled", &a.spoiled)) != CV_OK) return s;
  if ((s = count_field(c, d, "data", "unused", &a.unused)) != CV_OK) return s;
  if ((s = count_field(c, d, "data", "pollbook_signatures", &a.pollbook)) != CV_OK) return s;
  if ((s = text_field(c, d, "note", false, &a.note)) != CV_OK) return s;
  a.seq = c->ev->seq;
  st->accounting[u] = a;
  return CV_OK;
}

/* ---- dispute.resolved --------------------------------------------------- */

static const char *const RESOLVE_KEYS[] = {"batch", "contest", "reason", "sheet", NULL};

static cv_status apply_resolved(struct ctx *c) {
  struct cv__state *st = c->st;
  const struct cv__jval *d = c->ev->data;
  cv_status s;
  if ((s = cv__jf_keys(&c->jf, d, "data", RESOLVE_KEYS)) != CV_OK) return s;
  const char *batch_id, *cid;
  uint64_t sheet_seq;
  if ((s = cv__jf_str(&c->jf, d, "data", "batch", true, &batch_id)) != CV_OK) return s;
  if ((s = cv__jf_str(&c->jf, d, "data", "contest", true, &cid)) != CV_OK) return s;
  if ((s = cv__jf_uint(&c->jf, d, "data", "sheet", true, 1, UINT64_MAX >> 1, &sheet_seq)) != CV_OK) return s;
  uint32_t b, ci, cell, sh;
  if (!cv__state_batch(st, batch_id, &b))
    return refuse(c, CV_EINVAL, "unknown batch \"%.100s\"", batch_id);
  if (!cv__state_contest(st, cid, &ci)) return refuse(c, CV_EINVAL, "unknown contest \"%.64s\"", cid);
  if (!cv__state_cell(st, b, ci, &cell))
    return refuse(c, CV_EINVAL, "contest \"%s\" is not on the ballot style of batch \"%s\"", cid, batch_id);
  if (!cv__state_sheet(st, sheet_seq, &sh))
    return refuse(c, CV_EINVAL, "there is no sheet %llu", (unsigned long long)sheet_seq);
  int32_t chosen = -1;
  for (int32_t e = st->cells[cell].first_entry; e >= 0; e = st->entries[e].next)
    if (st->entries[e].sheet == sh) chosen = e;
  if (chosen < 0)
    return refuse(c, CV_EINVAL, "sheet %llu does not count contest \"%s\" of batch \"%s\"",
                  (unsigned long long)sheet_seq, cid, batch_id);
  enum cv__cell_status cs = cv__cell_status(st, cell, NULL);
  if (cs == CV__CELL_AGREED)
    return refuse(c, CV_EREFUSED, "batch \"%s\" contest \"%s\" is agreed; there is nothing to resolve",
                  batch_id, cid);
  if (cs == CV__CELL_NOT_COUNTED)
    return refuse(c, CV_EREFUSED, "batch \"%s\" contest \"%s\" has not been counted", batch_id, cid);
  if (st->certified[ci]) return refuse(c, CV_EREFUSED, "contest \"%s\" is certified", cid);
  if ((s = text_field(c, d, "reason", true, &st->cells[cell].resolution_reason)) != CV_OK) return s;
  st->cells[cell].resolution = chosen;
  st->cells[cell].resolution_seq = c->ev->seq;
  cv__cell_refresh(st, cell);
  return CV_OK;
}

/* ---- warning.acknowledged ----------------------------------------------- */

static const char *const ACK_KEYS[] = {"detail", "finding", "reason", NULL};

static cv_status apply_ack(struct ctx *c) {
  struct cv__state *st = c->st;
  const struct cv__jval *d = c->ev->data;
  cv_status s;
  if ((s = cv__jf_keys(&c->jf, d, "data", ACK_KEYS)) != CV_OK) return s;
  struct cv__ack a = {0};
  if ((s = text_field(c, d, "finding", true, &a.finding)) != CV_OK) return s;
  if ((s = text_field(c, d, "detail", true, &a.detail)) != CV_OK) return s;
  if ((s = text_field(c, d, "reason", true, &a.reason)) != CV_OK) return s;
  struct cv__finding f;
  bool open = cv__finding_lookup(st, a.finding, &f);
  if (!open)
    return refuse(c, CV_EINVAL, "there is no open finding \"%s\" (see canvass status)", a.finding);
  if (f.severity != CV__SEV_WARNING)
    return refuse(c, CV_EREFUSED, "%s is an error: errors cannot be acknowledged, only cleared by counting",
                  a.finding);
  if (strcmp(f.detail, a.detail) != 0)
    return refuse(c, CV_EINVAL, "finding %s now reads \"%s\", not \"%s\"", a.finding, f.detail, a.detail);
  a.seq = c->ev->seq;
  if (cv__grow((void **)&st->acks, &st->cap_acks, st->n_acks + 1, sizeof *st->acks, 1u << 24) != CV_OK)
    return oom(c);
  st->acks[st->n_acks++] = a;
  return CV_OK;
}

/* ---- lot.drawn ---------------------------------------------------------- */

static const char *const LOT_KEYS[] = {"contest", "order", "seed", "tied", NULL};

static cv_status apply_lot(struct ctx *c) {
  struct cv__state *st = c->st;
  const struct cv__jval *d = c->ev->data;
  cv_status s;
  if ((s = cv__jf_keys(&c->jf, d, "data", LOT_KEYS)) != CV_OK) return s;
  const char *cid, *seed;
  const struct cv__jval *tied, *order;
  if ((s = cv__jf_str(&c->jf, d, "data", "contest", true, &cid)) != CV_OK) return s;
  if ((s = cv__jf_str(&c->jf, d, "data", "seed", true, &seed)) != CV_OK) return s;
  if ((s = cv__jf_arr(&c->jf, d, "data", "tied", true, &tied)) != CV_OK) return s;
  if ((s = cv__jf_arr(&c->jf, d, "data", "order", true, &order)) != CV_OK) return s;
  uint32_t ci;
  if (!cv__state_contest(st, cid, &ci)) return refuse(c, CV_EINVAL, "unknown contest \"%.64s\"", cid);
  if (!cv__lot_seed_valid(seed))
    return refuse(c, CV_EINVAL, "the seed must be at least %u decimal digits and nothing else",
                  CV__LOT_MIN_DIGITS);
  if (st->certified[ci]) return refuse(c, CV_EREFUSED, "contest \"%s\" is certified", cid);
  struct cv__lot lot = {0};
  lot.contest = ci;
  lot.seq = c->ev->seq;
  if ((s = cv__lot_draw(st, ci, seed, &st->arena, &lot, c->err)) != CV_OK) return s;
  /* One lot per tie: a tie already decided is not drawn again. */
  const struct cv__lot *prev = cv__state_lot(st, ci);
  if (prev && prev->n_tied == lot.n_tied &&
      memcmp(prev->tied, lot.tied, lot.n_tied * sizeof *lot.tied) == 0)
    return refuse(c, CV_EREFUSED, "this tie in contest \"%s\" was already decided by lot in event %llu",
                  cid, (unsigned long long)prev->seq);
  /* The event must say exactly what the draw gives. */
  if (tied->u.arr.n != lot.n_tied || order->u.arr.n != lot.n_tied)
    return refuse(c, CV_EVERIFY, "the tied choices recorded differ from the tie in the count");
  const struct cv__contest *ct = &st->def.contests[ci];
  for (uint32_t i = 0; i < lot.n_tied; i++) {
    const struct cv__jval *t = tied->u.arr.items[i], *o = order->u.arr.items[i];
    if (t->kind != CV__J_STR || strcmp(t->u.str.s, ct->choices[lot.tied[i]].id) != 0)
      return refuse(c, CV_EVERIFY, "the tied choices recorded differ from the tie in the count");
    if (o->kind != CV__J_STR || strcmp(o->u.str.s, ct->choices[lot.order[i]].id) != 0)
      return refuse(c, CV_EVERIFY, "the order recorded differs from the SHA-256 draw from the seed");
  }
  if (!(lot.seed = keep(c, seed))) return oom(c);
  if (cv__grow((void **)&st->lots, &st->cap_lots, st->n_lots + 1, sizeof *st->lots, 1u << 20) != CV_OK)
    return oom(c);
  st->lots[st->n_lots++] = lot;
  return CV_OK;
}

/* ---- contest.certified -------------------------------------------------- */

static const char *const CERT_KEYS[] = {"contest", NULL};

static cv_status apply_certified(struct ctx *c) {
  struct cv__state *st = c->st;
  const struct cv__jval *d = c->ev->data;
  cv_status s;
  if ((s = cv__jf_keys(&c->jf, d, "data", CERT_KEYS)) != CV_OK) return s;
  const char *cid;
  if ((s = cv__jf_str(&c->jf, d, "data", "contest", true, &cid)) != CV_OK) return s;
  uint32_t ci;
  if (!cv__state_contest(st, cid, &ci)) return refuse(c, CV_EINVAL, "unknown contest \"%.64s\"", cid);
  if (st->certified[ci]) return refuse(c, CV_EREFUSED, "contest \"%s\" is already certified", cid);
  if (!cv__contest_is_tabulated(&st->def.contests[ci]))
    return refuse(c, CV_EREFUSED, "contest \"%s\" is ranked and not tabulated by this release", cid);
  char why[700];
  bool allowed;
  cv_status cs = cv__certify_check(st, &allowed, why, sizeof why);
  if (cs != CV_OK) return refuse(c, cs, "out of memory while checking certification");
  if (!allowed) return refuse(c, CV_EREFUSED, "contest \"%s\" cannot be certified: %s", cid, why);
  st->certified[ci] = c->ev->seq;
  return CV_OK;
}

/* ---- dispatch ----------------------------------------------------------- */

cv_status cv__state_apply(struct cv__state *st, const struct cv__event *ev, struct cv_error *err) {
  struct ctx c = {st, ev, {NULL, err}, err};
  cv_status s;
  if (!st->defined && strcmp(ev->type, CV__EV_DEFINED) != 0)
    s = refuse(&c, CV_EINVAL, "the first event must define the election");
  else if (strcmp(ev->type, CV__EV_DEFINED) == 0)
    s = apply_defined(&c);
  else if (strcmp(ev->type, CV__EV_BATCH) == 0)
    s = apply_batch(&c);
  else if (strcmp(ev->type, CV__EV_SHEET) == 0)
    s = apply_sheet(&c);
  else if (strcmp(ev->type, CV__EV_ACCOUNTING) == 0)
    s = apply_accounting(&c);
  else if (strcmp(ev->type, CV__EV_RESOLVED) == 0)
    s = apply_resolved(&c);
  else if (strcmp(ev->type, CV__EV_ACK) == 0)
    s = apply_ack(&c);
  else if (strcmp(ev->type, CV__EV_LOT) == 0)
    s = apply_lot(&c);
  else if (strcmp(ev->type, CV__EV_CERTIFIED) == 0)
    s = apply_certified(&c);
  else
    s = refuse(&c, CV_EINVAL, "unknown event type \"%.40s\"", ev->type);
  return s;
}
