#include "election/sheet_draft.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "count/ranking.h"
#include "election/election.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"

#define N_COUNTS 5
_Static_assert(N_COUNTS == CV__DRAFT_SLOT_CHOICE0, "slot numbering follows COUNT_FIELDS");
static const char *const COUNT_FIELDS[N_COUNTS] = {"ballots", "blank", "invalid", "undervotes",
                                                   "overvotes"};
static const char *const COUNT_LABELS[N_COUNTS] = {"ballots counted", "blank ballots",
                                                   "invalid ballots", "undervotes", "overvotes"};

struct pos {
  const char *file;
  uint32_t line, column;
};

struct value {
  const char *text; /* NULL: not given */
  struct pos at;
};

struct section {
  uint32_t contest;
  struct value *values; /* N_COUNTS counts, then one per choice */
  struct pos at;
  /* Ranked contests: the ballots keyed so far, canonical (count/ranking.h). */
  bool ranked;
  struct value *ballots; /* from the arena, grown by doubling */
  uint32_t n_ballots, cap_ballots;
};

enum { F_BATCH, F_TEAM, F_KIND, F_REKEY_OF, F_REFERENCE, F_MEMBERS, N_HEAD };
static const char *const HEAD_FIELDS[N_HEAD] = {"batch", "team", "kind", "rekey_of", "reference",
                                                "members"};

struct cv_sheet_draft {
  cv_election *e;
  struct cv__arena arena;
  struct value head[N_HEAD];
  const char *members[CV__MAX_MEMBERS];
  uint32_t n_members;
  struct section *sections; /* from the arena, grown by doubling */
  uint32_t n_sections, cap_sections;
  int32_t current; /* section receiving unqualified count fields */
  struct pos at;   /* position of the value being set */
  char label[300];
  bool committed;
};

cv_status cv_sheet_draft_new(cv_election *e, cv_sheet_draft **out, struct cv_error *err) {
  cv_status s = cv__election_fresh(e, err);
  if (s != CV_OK) return s;
  cv_sheet_draft *d = cv__calloc(1, sizeof *d);
  if (!d) return cv__failf(err, CV_ENOMEM, "out of memory");
  d->e = e;
  d->current = -1;
  cv__arena_init(&d->arena, (size_t)64 << 20);
  *out = d;
  return CV_OK;
}

void cv_sheet_draft_free(cv_sheet_draft *d) {
  if (!d) return;
  cv__arena_fini(&d->arena);
  cv__free(d);
}

void cv__draft_reset(cv_sheet_draft *d) {
  cv_election *e = d->e;
  struct cv__arena arena = d->arena;
  cv__arena_reset(&arena);
  memset(d, 0, sizeof *d);
  d->e = e;
  d->arena = arena;
  d->current = -1;
}

void cv__draft_position(cv_sheet_draft *d, const char *file, uint32_t line, uint32_t column) {
  d->at.file = file;
  d->at.line = line;
  d->at.column = column;
}

static cv_status fail_at(const struct pos *p, struct cv_error *err, cv_status code, const char *field,
                         const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static cv_status fail_at(const struct pos *p, struct cv_error *err, cv_status code, const char *field,
                         const char *fmt, ...) {
  char msg[480];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return cv__fail(err, code, p->file, p->line, p->column, field, "%s", msg);
}

static const struct cv__definition *defn(const cv_sheet_draft *d) { return &d->e->st.def; }

/* Field names are compared per value on bulk imports: the first byte
 * settles most comparisons without a call. */
static bool eq(const char *a, const char *b) { return a[0] == b[0] && strcmp(a, b) == 0; }

static cv_status find_section(cv_sheet_draft *d, const char *contest, bool create, int32_t *out,
                              struct cv_error *err) {
  uint32_t ci;
  if (!cv__state_contest(&d->e->st, contest, &ci))
    return fail_at(&d->at, err, CV_EINVAL, "contest", "unknown contest \"%.64s\"", contest);
  for (uint32_t i = 0; i < d->n_sections; i++)
    if (d->sections[i].contest == ci) {
      if (create)
        return fail_at(&d->at, err, CV_EINVAL, "contest", "contest \"%s\" appears twice on the sheet",
                       contest);
      *out = (int32_t)i;
      return CV_OK;
    }
  if (d->n_sections == CV__MAX_CONTESTS)
    return fail_at(&d->at, err, CV_ELIMIT, "contest", "too many contest sections");
  if (d->n_sections == d->cap_sections) {
    uint32_t ncap = d->cap_sections ? d->cap_sections * 2 : 4;
    struct section *ns = cv__arena_alloc(&d->arena, ncap * sizeof *ns);
    if (!ns) return cv__failf(err, CV_ENOMEM, "out of memory");
    if (d->n_sections) memcpy(ns, d->sections, d->n_sections * sizeof *ns);
    d->sections = ns;
    d->cap_sections = ncap;
  }
  const struct cv__contest *ct = &defn(d)->contests[ci];
  struct section *sec = &d->sections[d->n_sections];
  memset(sec, 0, sizeof *sec);
  sec->contest = ci;
  sec->ranked = cv__contest_is_ranked(ct);
  sec->at = d->at;
  sec->values = cv__arena_calloc(&d->arena, N_COUNTS + ct->n_choices, sizeof *sec->values);
  if (!sec->values) return cv__failf(err, CV_ENOMEM, "out of memory");
  *out = (int32_t)d->n_sections++;
  return CV_OK;
}

/* Stores value in v. The field is named prefix.field in errors (prefix may be
 * NULL); the name is only formatted when there is an error to report. */
static cv_status set_value(cv_sheet_draft *d, struct value *v, const char *prefix, const char *field,
                           const char *value, struct cv_error *err) {
  if (v->text || strlen(value) > 1000) {
    char name[160];
    snprintf(name, sizeof name, "%s%s%s", prefix ? prefix : "", prefix ? "." : "", field);
    if (v->text)
      return fail_at(&d->at, err, CV_EINVAL, name, "given twice (first as \"%.40s\")", v->text);
    return fail_at(&d->at, err, CV_ELIMIT, name, "longer than 1000 bytes");
  }
  if (!(v->text = cv__arena_strdup(&d->arena, value))) return cv__failf(err, CV_ENOMEM, "out of memory");
  v->at = d->at;
  return CV_OK;
}

static cv_status add_member(cv_sheet_draft *d, const char *name, size_t n, struct cv_error *err) {
  while (n && (*name == ' ' || *name == '\t')) {
    name++;
    n--;
  }
  while (n && (name[n - 1] == ' ' || name[n - 1] == '\t')) n--;
  if (n == 0) return CV_OK;
  if (d->n_members == CV__MAX_MEMBERS)
    return fail_at(&d->at, err, CV_EINVAL, "members", "more than %u team members", CV__MAX_MEMBERS);
  if (n > 100) return fail_at(&d->at, err, CV_EINVAL, "members", "a member's name is longer than 100 bytes");
  if (!(d->members[d->n_members] = cv__arena_strndup(&d->arena, name, n)))
    return cv__failf(err, CV_ENOMEM, "out of memory");
  d->n_members++;
  if (!d->head[F_MEMBERS].text) {
    d->head[F_MEMBERS].text = "";
    d->head[F_MEMBERS].at = d->at;
  }
  return CV_OK;
}

/* Appends one ballot's ranking to a ranked section, in canonical form. */
static cv_status add_ballot(cv_sheet_draft *d, struct section *sec, const char *value,
                            struct cv_error *err) {
  const struct cv__contest *ct = &defn(d)->contests[sec->contest];
  char field[96];
  if (sec->n_ballots == CV__MAX_BALLOTS_KEYED) {
    snprintf(field, sizeof field, "%s.ballot", ct->id);
    return fail_at(&d->at, err, CV_ELIMIT, field, "more than %u ballots in one keying", CV__MAX_BALLOTS_KEYED);
  }
  struct cv__buf canon;
  cv__buf_init(&canon, CV__MAX_RANKING_TEXT + 1);
  char why[200];
  cv_status s = CV_OK;
  if (!cv__ranking_canonical(ct, value, &canon, why, sizeof why)) {
    snprintf(field, sizeof field, "%s.ballot", ct->id);
    s = fail_at(&d->at, err, CV_EINVAL, field, "ballot %u: %s", sec->n_ballots + 1, why);
  } else if (sec->n_ballots == sec->cap_ballots) {
    uint32_t ncap = sec->cap_ballots ? sec->cap_ballots * 2 : 64;
    struct value *nb = cv__arena_alloc(&d->arena, ncap * sizeof *nb);
    if (!nb) {
      s = cv__failf(err, CV_ENOMEM, "out of memory");
    } else {
      if (sec->n_ballots) memcpy(nb, sec->ballots, sec->n_ballots * sizeof *nb);
      sec->ballots = nb;
      sec->cap_ballots = ncap;
    }
  }
  if (s == CV_OK) {
    struct value *v = &sec->ballots[sec->n_ballots];
    v->text = cv__arena_strdup(&d->arena, canon.data ? canon.data : "");
    v->at = d->at;
    if (!v->text) s = cv__failf(err, CV_ENOMEM, "out of memory");
    else sec->n_ballots++;
  }
  cv__buf_fini(&canon);
  return s;
}

static cv_status set_count(cv_sheet_draft *d, int32_t si, const char *field, const char *value,
                           struct cv_error *err) {
  struct section *sec = &d->sections[si];
  const struct cv__contest *ct = &defn(d)->contests[sec->contest];
  if (sec->ranked) {
    if (eq(field, "ballot")) return add_ballot(d, sec, value, err);
    char name[160];
    snprintf(name, sizeof name, "%s.%s", ct->id, field);
    return fail_at(&d->at, err, CV_EINVAL, name,
                   "contest \"%s\" is ranked (%s): key each ballot's ranking (such as ann>bob), not counts",
                   ct->id, cv__contest_type_name(ct->type));
  }
  if (eq(field, "ballot")) {
    char name[160];
    snprintf(name, sizeof name, "%s.ballot", ct->id);
    return fail_at(&d->at, err, CV_EINVAL, name,
                   "contest \"%s\" is not ranked: give its counts, not ballots", ct->id);
  }
  for (int i = 0; i < N_COUNTS; i++)
    if (eq(field, COUNT_FIELDS[i])) return set_value(d, &sec->values[i], ct->id, field, value, err);
  uint32_t chi;
  if (cv__strmap_get(&ct->choice_index, field, &chi))
    return set_value(d, &sec->values[N_COUNTS + chi], ct->id, field, value, err);
  char name[160];
  snprintf(name, sizeof name, "%s.%s", ct->id, field);
  return fail_at(&d->at, err, CV_EINVAL, name,
                 "contest \"%s\" has no choice \"%.64s\" (and it is not one of ballots, blank, invalid, undervotes, overvotes)",
                 ct->id, field);
}

static bool section_has(const cv_sheet_draft *d, int32_t si, const char *field) {
  if (eq(field, "ballot")) return true; /* set_count says whether it fits the contest */
  for (int i = 0; i < N_COUNTS; i++)
    if (eq(field, COUNT_FIELDS[i])) return true;
  uint32_t chi;
  return cv__strmap_get(&defn(d)->contests[d->sections[si].contest].choice_index, field, &chi);
}

cv_status cv_sheet_draft_set(cv_sheet_draft *d, const char *field, const char *value,
                             struct cv_error *err) {
  if (d->committed) return cv__failf(err, CV_EUSAGE, "the sheet was already recorded");
  for (int i = 0; i < N_HEAD; i++) {
    if (strcmp(field, HEAD_FIELDS[i]) != 0) continue;
    if (i == F_MEMBERS) {
      /* "A; B; C": names separated by semicolons. */
      const char *p = value;
      for (;;) {
        const char *semi = strchr(p, ';');
        size_t n = semi ? (size_t)(semi - p) : strlen(p);
        cv_status s = add_member(d, p, n, err);
        if (s != CV_OK || !semi) return s;
        p = semi + 1;
      }
    }
    return set_value(d, &d->head[i], NULL, field, value, err);
  }
  if (eq(field, "member")) return add_member(d, value, strlen(value), err);
  if (eq(field, "contest")) return find_section(d, value, true, &d->current, err);
  /* A field of the current section, even when the choice id has a dot. */
  if (d->current >= 0 && section_has(d, d->current, field)) return set_count(d, d->current, field, value, err);
  /* "contest.field": ids may hold dots, so try each dot as the separator. */
  for (const char *dot = strchr(field, '.'); dot; dot = strchr(dot + 1, '.')) {
    char contest[80];
    size_t n = (size_t)(dot - field);
    uint32_t ci;
    if (n >= sizeof contest) break;
    memcpy(contest, field, n);
    contest[n] = '\0';
    if (!cv__state_contest(&d->e->st, contest, &ci)) continue;
    int32_t si;
    cv_status s = find_section(d, contest, false, &si, err);
    if (s != CV_OK) return s;
    return set_count(d, si, dot + 1, value, err);
  }
  if (d->current < 0)
    return fail_at(&d->at, err, CV_EINVAL, field,
                   "unknown field, or a count given before any contest (give the contest first)");
  return set_count(d, d->current, field, value, err);
}

cv_status cv__draft_set_slot(cv_sheet_draft *d, uint32_t slot, const char *value, struct cv_error *err) {
  if (d->committed) return cv__failf(err, CV_EUSAGE, "the sheet was already recorded");
  if (d->current < 0) return cv__failf(err, CV_EUSAGE, "a count given before any contest");
  struct section *sec = &d->sections[d->current];
  const struct cv__contest *ct = &defn(d)->contests[sec->contest];
  if (sec->ranked) return set_count(d, d->current, slot < N_COUNTS ? COUNT_FIELDS[slot] : "votes", value, err);
  if (slot >= N_COUNTS + ct->n_choices) return cv__failf(err, CV_EUSAGE, "no such field");
  const char *field = slot < N_COUNTS ? COUNT_FIELDS[slot] : ct->choices[slot - N_COUNTS].id;
  return set_value(d, &sec->values[slot], ct->id, field, value, err);
}

bool cv_sheet_draft_next(cv_sheet_draft *d, const char **field, const char **label) {
  static const char *const head_labels[N_HEAD] = {"batch", "team", "kind", "re-keys sheet",
                                                  "paper sheet number", "team members (A; B)"};
  static const int order[] = {F_BATCH, F_TEAM, F_MEMBERS, F_REFERENCE};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    if (!d->head[order[i]].text) {
      *field = HEAD_FIELDS[order[i]];
      *label = head_labels[order[i]];
      return true;
    }
  uint32_t b;
  const struct cv__state *st = &d->e->st;
  if (!cv__state_batch(st, d->head[F_BATCH].text, &b)) return false; /* commit will say why */
  if (d->n_sections == 0) {
    const struct cv__style *style = &st->def.styles[st->def.units[st->batches[b].unit].style];
    for (uint32_t k = 0; k < style->n_contests; k++) {
      if (cv__contest_is_ranked(&st->def.contests[style->contests[k]])) continue;
      int32_t si;
      if (find_section(d, st->def.contests[style->contests[k]].id, true, &si, NULL) != CV_OK) return false;
    }
  }
  for (uint32_t i = 0; i < d->n_sections; i++) {
    const struct section *sec = &d->sections[i];
    const struct cv__contest *ct = &st->def.contests[sec->contest];
    if (sec->ranked) {
      /* One ballot at a time, as many as the manifest gives the batch. */
      if (sec->n_ballots >= st->batches[b].ballots) continue;
      snprintf(d->label, sizeof d->label, "%s.ballot", ct->id);
      *field = d->label;
      static char rlab[300];
      snprintf(rlab, sizeof rlab, "%s - ballot %u of %llu (ranks such as ann>bob, empty if blank)",
               ct->name, sec->n_ballots + 1, (unsigned long long)st->batches[b].ballots);
      *label = rlab;
      return true;
    }
    /* Paper order: ballots, blank, invalid, each choice, undervotes, overvotes. */
    uint32_t n = N_COUNTS + ct->n_choices;
    for (uint32_t k = 0; k < n; k++) {
      uint32_t idx = k < 3 ? k : (k < 3 + ct->n_choices ? N_COUNTS + (k - 3) : 3 + (k - 3 - ct->n_choices));
      if (sec->values[idx].text) continue;
      const char *fname = idx < N_COUNTS ? COUNT_FIELDS[idx] : ct->choices[idx - N_COUNTS].id;
      const char *flabel = idx < N_COUNTS ? COUNT_LABELS[idx] : ct->choices[idx - N_COUNTS].name;
      snprintf(d->label, sizeof d->label, "%s.%s", ct->id, fname);
      *field = d->label;
      static char lab[300];
      snprintf(lab, sizeof lab, "%s - %s", ct->name, flabel);
      *label = lab;
      return true;
    }
  }
  return false;
}

/* The position of the value a field path of the sheet event names
 * ("data.batch", "data.contests[1].contest", "data.contests[0].votes.ann"). */
static const struct pos *locate(const cv_sheet_draft *d, const char *field) {
  if (strncmp(field, "data.", 5) == 0) field += 5;
  for (int i = 0; i < N_HEAD; i++)
    if (eq(field, HEAD_FIELDS[i]) && d->head[i].text) return &d->head[i].at;
  unsigned long k;
  char rest[64];
  if (sscanf(field, "contests[%lu].%63s", &k, rest) == 2 && k < d->n_sections) {
    const struct section *sec = &d->sections[k];
    unsigned long j;
    if (sscanf(rest, "rankings[%lu]", &j) == 1 && j < sec->n_ballots) return &sec->ballots[j].at;
    const char *leaf = strrchr(rest, '.');
    leaf = leaf ? leaf + 1 : rest;
    for (int i = 0; i < N_COUNTS; i++)
      if (strcmp(leaf, COUNT_FIELDS[i]) == 0 && sec->values[i].text) return &sec->values[i].at;
    uint32_t chi;
    const struct cv__contest *ct = &defn(d)->contests[sec->contest];
    if (cv__strmap_get(&ct->choice_index, leaf, &chi) && sec->values[N_COUNTS + chi].text)
      return &sec->values[N_COUNTS + chi].at;
    return &sec->at;
  }
  return d->head[F_BATCH].text ? &d->head[F_BATCH].at : &d->at;
}

/* Parses v as a count; formats the field name "contest.field" only when the
 * value is missing or wrong, which keeps bulk imports fast. */
static cv_status section_count(const struct value *v, const struct section *sec, const char *contest,
                               const char *field, uint64_t *out, struct cv_error *err) {
  const char *t = v->text;
  if (t && *t) {
    uint64_t n = 0;
    size_t i = 0;
    for (; t[i] >= '0' && t[i] <= '9' && i < 13; i++) n = n * 10 + (uint64_t)(t[i] - '0');
    if (t[i] == '\0' && n <= CV__MAX_COUNT) {
      *out = n;
      return CV_OK;
    }
  }
  char name[160];
  snprintf(name, sizeof name, "%s.%s", contest, field);
  const struct pos *p = t ? &v->at : &sec->at;
  return cv__parse_count(t ? t : "", p->file, p->line, p->column, name, out, err);
}

cv_status cv_sheet_draft_commit(cv_sheet_draft *d, uint64_t *seq, struct cv_error *err) {
  if (d->committed) return cv__failf(err, CV_EUSAGE, "the sheet was already recorded");
  const struct cv__definition *def = defn(d);
  static const int required[] = {F_BATCH, F_TEAM, F_MEMBERS};
  for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
    if (!d->head[required[i]].text)
      return fail_at(&d->at, err, CV_EINVAL, HEAD_FIELDS[required[i]],
                     "missing (a missing field is an error, never a zero)");
  if (d->n_members == 0)
    return fail_at(&d->head[F_MEMBERS].at, err, CV_EINVAL, "members", "name at least one team member");
  if (d->n_sections == 0)
    return fail_at(&d->at, err, CV_EINVAL, "contest", "the sheet counts no contest");
  uint64_t rekey_of = 0;
  if (d->head[F_REKEY_OF].text && d->head[F_REKEY_OF].text[0]) {
    cv_status s = cv__parse_count(d->head[F_REKEY_OF].text, d->head[F_REKEY_OF].at.file,
                                  d->head[F_REKEY_OF].at.line, d->head[F_REKEY_OF].at.column,
                                  "rekey_of", &rekey_of, err);
    if (s != CV_OK) return s;
  }
  const char *kind = d->head[F_KIND].text && d->head[F_KIND].text[0] ? d->head[F_KIND].text
                     : rekey_of                                      ? "rekey"
                                                                     : "count";
  struct cv__buf data;
  cv__buf_init(&data, CV__MAX_EVENT_BYTES);
  struct cv__jw w;
  cv__jw_init(&w, &data, 0);
  cv__jw_obj(&w);
  cv__jw_key(&w, "batch");
  cv__jw_str(&w, d->head[F_BATCH].text);
  cv__jw_key(&w, "contests");
  cv__jw_arr(&w);
  cv_status s = CV_OK;
  for (uint32_t i = 0; i < d->n_sections && s == CV_OK; i++) {
    const struct section *sec = &d->sections[i];
    const struct cv__contest *ct = &def->contests[sec->contest];
    if (sec->ranked) {
      if (sec->n_ballots == 0) {
        char name[96];
        snprintf(name, sizeof name, "%s.ballot", ct->id);
        s = fail_at(&sec->at, err, CV_EINVAL, name, "no ballots keyed for ranked contest \"%s\"", ct->id);
        break;
      }
      cv__jw_obj(&w);
      cv__jw_key(&w, "contest");
      cv__jw_str(&w, ct->id);
      cv__jw_key(&w, "rankings");
      cv__jw_arr(&w);
      for (uint32_t k = 0; k < sec->n_ballots; k++) cv__jw_str(&w, sec->ballots[k].text);
      cv__jw_arr_end(&w);
      cv__jw_obj_end(&w);
      continue;
    }
    uint64_t counts[N_COUNTS];
    for (int k = 0; k < N_COUNTS && s == CV_OK; k++)
      s = section_count(&sec->values[k], sec, ct->id, COUNT_FIELDS[k], &counts[k], err);
    if (s != CV_OK) break;
    cv__jw_obj(&w);
    for (int k = 0; k < 3; k++) { /* ballots, blank: then contest, invalid, ... */
      if (k == 2) {
        cv__jw_key(&w, "contest");
        cv__jw_str(&w, ct->id);
      }
      cv__jw_key(&w, COUNT_FIELDS[k]);
      cv__jw_uint(&w, counts[k]);
    }
    cv__jw_key(&w, "overvotes");
    cv__jw_uint(&w, counts[4]);
    cv__jw_key(&w, "undervotes");
    cv__jw_uint(&w, counts[3]);
    cv__jw_key(&w, "votes");
    cv__jw_obj(&w);
    for (uint32_t k = 0; k < ct->n_choices && s == CV_OK; k++) { /* canonical: ids in byte order */
      uint32_t chi = ct->by_id[k];
      uint64_t n;
      s = section_count(&sec->values[N_COUNTS + chi], sec, ct->id, ct->choices[chi].id, &n, err);
      cv__jw_key(&w, ct->choices[chi].id);
      cv__jw_uint(&w, n);
    }
    cv__jw_obj_end(&w);
    cv__jw_obj_end(&w);
  }
  if (s != CV_OK) goto out;
  cv__jw_arr_end(&w);
  cv__jw_key(&w, "kind");
  cv__jw_str(&w, kind);
  cv__jw_key(&w, "members");
  cv__jw_arr(&w);
  for (uint32_t i = 0; i < d->n_members; i++) cv__jw_str(&w, d->members[i]);
  cv__jw_arr_end(&w);
  cv__jw_key(&w, "reference");
  cv__jw_str(&w, d->head[F_REFERENCE].text ? d->head[F_REFERENCE].text : "");
  cv__jw_key(&w, "rekey_of");
  cv__jw_uint(&w, rekey_of);
  cv__jw_key(&w, "team");
  cv__jw_str(&w, d->head[F_TEAM].text);
  cv__jw_obj_end(&w);
  if ((s = cv__jw_finish(&w)) != CV_OK) {
    s = cv__failf(err, s, "sheet too large");
    goto out;
  }
  {
    struct cv_error aerr = {0};
    s = cv__election_emit(d->e, CV__EV_SHEET, data.data, data.len, &aerr);
    if (s != CV_OK && err && err->code == CV_OK) {
      /* Point the state's objection at the value it is about. */
      *err = aerr;
      const struct pos *p = locate(d, aerr.field);
      snprintf(err->file, sizeof err->file, "%s", p->file ? p->file : "");
      err->line = p->line;
      err->column = p->column;
      if (strncmp(err->field, "data.", 5) == 0) memmove(err->field, err->field + 5, strlen(err->field + 5) + 1);
      /* "contests[1].votes.ann" reads "mayor.ann", as the draft's own messages do. */
      unsigned long k;
      char rest[64];
      if (sscanf(err->field, "contests[%lu].%63s", &k, rest) == 2 && k < d->n_sections) {
        const char *leaf = strrchr(rest, '.');
        leaf = leaf ? leaf + 1 : rest;
        const char *cid = defn(d)->contests[d->sections[k].contest].id;
        if (strcmp(leaf, "contest") == 0)
          snprintf(err->field, sizeof err->field, "contest");
        else if (strncmp(leaf, "rankings[", 9) == 0)
          snprintf(err->field, sizeof err->field, "%s.ballot", cid);
        else
          snprintf(err->field, sizeof err->field, "%s.%s", cid, leaf);
      }
    }
  }
  if (s == CV_OK) {
    d->committed = true;
    if (seq) *seq = d->e->st.chain.seq;
  }
out:
  cv__buf_fini(&data);
  return s;
}
