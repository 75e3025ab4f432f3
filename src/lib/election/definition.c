#include "election/definition.h"

#include <stdio.h>
#include <string.h>

#include "util/error.h"
#include "util/jfield.h"

static const char *const ROOT_KEYS[] = {"canvass_definition", "election", "rules", "units",
                                        "contests", "ballot_styles", NULL};
static const char *const ELECTION_KEYS[] = {"id", "name", "date", NULL};
static const char *const RULES_KEYS[] = {"agreement_count", "blank_ballots",
                                         "invalid_warn_percent", "blank_warn_percent",
                                         "manifest_tolerance", "pollbook_tolerance", NULL};
static const char *const UNIT_KEYS[] = {"id", "name", "type", "parent", NULL};
static const char *const CONTEST_KEYS[] = {"id", "name", "type", "votes_allowed", "seats",
                                           "district", "passing", "method", "choices", NULL};
static const char *const CHOICE_KEYS[] = {"id", "name", "write_in", NULL};
static const char *const STYLE_KEYS[] = {"id", "contests", "polling_places", NULL};

const char *cv__contest_type_name(enum cv__contest_type t) {
  switch (t) {
  case CV__CONTEST_PLURALITY: return "plurality";
  case CV__CONTEST_APPROVAL: return "approval";
  case CV__CONTEST_MEASURE: return "measure";
  case CV__CONTEST_IRV: return "irv";
  case CV__CONTEST_STV: return "stv";
  case CV__CONTEST_CONDORCET: return "condorcet";
  }
  return "?";
}

const char *cv__unit_type_name(enum cv__unit_type t) {
  switch (t) {
  case CV__UNIT_JURISDICTION: return "jurisdiction";
  case CV__UNIT_DISTRICT: return "district";
  case CV__UNIT_POLLING_PLACE: return "polling_place";
  }
  return "?";
}

const char *cv__passing_name(enum cv__passing p) {
  switch (p) {
  case CV__PASS_MAJORITY: return "majority";
  case CV__PASS_TWO_THIRDS: return "two_thirds";
  case CV__PASS_THREE_FIFTHS: return "three_fifths";
  }
  return "majority";
}

bool cv__contest_is_tabulated(const struct cv__contest *c) {
  return !cv__contest_is_ranked(c) || c->type == CV__CONTEST_CONDORCET;
}

bool cv__contest_is_ranked(const struct cv__contest *c) {
  return c->type == CV__CONTEST_IRV || c->type == CV__CONTEST_STV ||
         c->type == CV__CONTEST_CONDORCET;
}

static cv_status oom(struct cv_error *err) {
  return cv__failf(err, CV_ENOMEM, "out of memory while reading the definition");
}

static cv_status name_field(const struct cv__jf *c, const struct cv__jval *obj, const char *path,
                            const char **out) {
  const struct cv__jval *v = cv__json_get(obj, "name");
  cv_status s = cv__jf_str(c, obj, path, "name", true, out);
  if (s != CV_OK) return s;
  size_t n = strlen(*out);
  if (n == 0 || n > CV__MAX_NAME)
    return cv__jf_fail(c, v, path, "name", "must be 1 to %u bytes long", CV__MAX_NAME);
  /* Names are printed on official reports: no control characters. */
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)(*out)[i] < 0x20 || (*out)[i] == 0x7f)
      return cv__jf_fail(c, v, path, "name", "contains the control character 0x%02x",
                         (unsigned)(unsigned char)(*out)[i]);
  return CV_OK;
}

static cv_status decode_rules(struct cv__definition *d, const struct cv__jf *c,
                              const struct cv__jval *root) {
  struct cv__rules *r = &d->rules;
  r->agreement_count = 2;
  r->blank = CV__BLANK_SEPARATE;
  r->invalid_warn_percent = 3;
  r->blank_warn_percent = 5;
  const struct cv__jval *rules;
  cv_status s = cv__jf_obj(c, root, "", "rules", false, &rules);
  if (s != CV_OK || !rules) return s;
  if ((s = cv__jf_keys(c, rules, "rules", RULES_KEYS)) != CV_OK) return s;
  uint64_t v = r->agreement_count;
  if ((s = cv__jf_uint(c, rules, "rules", "agreement_count", false, 1, 9, &v)) != CV_OK) return s;
  r->agreement_count = (uint32_t)v;
  const char *blank = NULL;
  if ((s = cv__jf_str(c, rules, "rules", "blank_ballots", false, &blank)) != CV_OK) return s;
  if (blank) {
    if (strcmp(blank, "separate") == 0)
      r->blank = CV__BLANK_SEPARATE;
    else if (strcmp(blank, "undervotes") == 0)
      r->blank = CV__BLANK_UNDERVOTES;
    else
      return cv__jf_fail(c, cv__json_get(rules, "blank_ballots"), "rules", "blank_ballots",
                         "must be \"separate\" or \"undervotes\" (found \"%.40s\")", blank);
  }
  v = r->invalid_warn_percent;
  if ((s = cv__jf_uint(c, rules, "rules", "invalid_warn_percent", false, 0, 100, &v)) != CV_OK)
    return s;
  r->invalid_warn_percent = (uint32_t)v;
  v = r->blank_warn_percent;
  if ((s = cv__jf_uint(c, rules, "rules", "blank_warn_percent", false, 0, 100, &v)) != CV_OK)
    return s;
  r->blank_warn_percent = (uint32_t)v;
  if ((s = cv__jf_uint(c, rules, "rules", "manifest_tolerance", false, 0, 1000000000,
                       &r->manifest_tolerance)) != CV_OK)
    return s;
  return cv__jf_uint(c, rules, "rules", "pollbook_tolerance", false, 0, 1000000000,
                     &r->pollbook_tolerance);
}

static cv_status decode_units(struct cv__definition *d, struct cv__arena *a, const struct cv__jf *c,
                              const struct cv__jval *root, struct cv_error *err) {
  const struct cv__jval *arr;
  cv_status s = cv__jf_arr(c, root, "", "units", true, &arr);
  if (s != CV_OK) return s;
  if (arr->u.arr.n == 0) return cv__jf_fail(c, arr, "", "units", "must list at least the jurisdiction");
  if (arr->u.arr.n > CV__MAX_UNITS)
    return cv__fail(err, CV_ELIMIT, c->file, arr->line, arr->column, "units",
                    "more than %u units", CV__MAX_UNITS);
  d->n_units = (uint32_t)arr->u.arr.n;
  d->units = cv__arena_calloc(a, d->n_units, sizeof *d->units);
  if (!d->units) return oom(err);
  char path[64];
  /* First pass: ids and types; second pass: parents (which may come later). */
  for (uint32_t i = 0; i < d->n_units; i++) {
    const struct cv__jval *u = arr->u.arr.items[i];
    struct cv__unit *unit = &d->units[i];
    cv__jf_index(path, sizeof path, "units", i);
    if ((s = cv__jf_keys(c, u, path, UNIT_KEYS)) != CV_OK) return s;
    if ((s = cv__jf_id(c, u, path, "id", true, &unit->id)) != CV_OK) return s;
    if ((s = name_field(c, u, path, &unit->name)) != CV_OK) return s;
    const char *type;
    if ((s = cv__jf_str(c, u, path, "type", true, &type)) != CV_OK) return s;
    if (strcmp(type, "jurisdiction") == 0)
      unit->type = CV__UNIT_JURISDICTION;
    else if (strcmp(type, "district") == 0)
      unit->type = CV__UNIT_DISTRICT;
    else if (strcmp(type, "polling_place") == 0)
      unit->type = CV__UNIT_POLLING_PLACE;
    else
      return cv__jf_fail(c, cv__json_get(u, "type"), path, "type",
                         "must be \"jurisdiction\", \"district\" or \"polling_place\" (found \"%.40s\")",
                         type);
    unit->parent = -1;
    unit->style = -1;
    s = cv__strmap_put(&d->unit_index, unit->id, i);
    if (s == CV_EEXIST)
      return cv__jf_fail(c, cv__json_get(u, "id"), path, "id", "duplicate unit id \"%s\"", unit->id);
    if (s != CV_OK) return oom(err);
  }
  uint32_t jurisdictions = 0;
  for (uint32_t i = 0; i < d->n_units; i++) {
    const struct cv__jval *u = arr->u.arr.items[i];
    struct cv__unit *unit = &d->units[i];
    cv__jf_index(path, sizeof path, "units", i);
    const char *parent = NULL;
    if ((s = cv__jf_str(c, u, path, "parent", false, &parent)) != CV_OK) return s;
    const struct cv__jval *pv = cv__json_get(u, "parent");
    if (unit->type == CV__UNIT_JURISDICTION) {
      if (parent) return cv__jf_fail(c, pv, path, "parent", "the jurisdiction has no parent");
      if (++jurisdictions > 1)
        return cv__jf_fail(c, u, path, "type", "only one unit may be the jurisdiction");
      continue;
    }
    if (!parent)
      return cv__jf_fail(c, u, path, "parent", "missing (every district and polling place has a parent)");
    uint32_t pi;
    if (!cv__strmap_get(&d->unit_index, parent, &pi))
      return cv__jf_fail(c, pv, path, "parent", "unknown unit \"%.64s\"", parent);
    enum cv__unit_type pt = d->units[pi].type;
    if (pt == CV__UNIT_POLLING_PLACE)
      return cv__jf_fail(c, pv, path, "parent", "a polling place (\"%s\") cannot contain other units", parent);
    if (unit->type == CV__UNIT_DISTRICT && pt != CV__UNIT_JURISDICTION && pt != CV__UNIT_DISTRICT)
      return cv__jf_fail(c, pv, path, "parent", "a district's parent must be the jurisdiction or a district");
    unit->parent = (int32_t)pi;
  }
  if (jurisdictions != 1) return cv__jf_fail(c, arr, "", "units", "one unit must have type \"jurisdiction\"");
  /* Parent chains must end at the jurisdiction (no cycles among districts). */
  for (uint32_t i = 0; i < d->n_units; i++) {
    int32_t p = d->units[i].parent;
    uint32_t steps = 0;
    while (p >= 0 && steps <= d->n_units) {
      p = d->units[p].parent;
      steps++;
    }
    if (steps > d->n_units) {
      cv__jf_index(path, sizeof path, "units", i);
      return cv__jf_fail(c, arr->u.arr.items[i], path, "parent", "parents form a cycle");
    }
  }
  return CV_OK;
}

static cv_status decode_choices(struct cv__contest *ct, struct cv__arena *a, const struct cv__jf *c,
                                const struct cv__jval *obj, const char *cpath, struct cv_error *err) {
  const struct cv__jval *arr;
  cv_status s = cv__jf_arr(c, obj, cpath, "choices", true, &arr);
  if (s != CV_OK) return s;
  if (arr->u.arr.n == 0) return cv__jf_fail(c, arr, cpath, "choices", "must list at least one choice");
  if (arr->u.arr.n > CV__MAX_CHOICES)
    return cv__fail(err, CV_ELIMIT, c->file, arr->line, arr->column, "choices",
                    "more than %u choices", CV__MAX_CHOICES);
  ct->n_choices = (uint32_t)arr->u.arr.n;
  ct->choices = cv__arena_calloc(a, ct->n_choices, sizeof *ct->choices);
  ct->by_id = cv__arena_calloc(a, ct->n_choices, sizeof *ct->by_id);
  if (!ct->choices || !ct->by_id) return oom(err);
  char base[96], path[128];
  cv__jf_path(base, sizeof base, cpath, "choices");
  for (uint32_t i = 0; i < ct->n_choices; i++) {
    const struct cv__jval *ch = arr->u.arr.items[i];
    struct cv__choice *choice = &ct->choices[i];
    cv__jf_index(path, sizeof path, base, i);
    if ((s = cv__jf_keys(c, ch, path, CHOICE_KEYS)) != CV_OK) return s;
    if ((s = cv__jf_id(c, ch, path, "id", true, &choice->id)) != CV_OK) return s;
    if ((s = name_field(c, ch, path, &choice->name)) != CV_OK) return s;
    if ((s = cv__jf_bool(c, ch, path, "write_in", false, &choice->write_in)) != CV_OK) return s;
    /* These names are columns of the tally-sheet formats. */
    static const char *const reserved[] = {"ballots", "blank", "invalid", "undervotes", "overvotes",
                                           NULL};
    for (const char *const *r = reserved; *r; r++)
      if (strcmp(*r, choice->id) == 0)
        return cv__jf_fail(c, cv__json_get(ch, "id"), path, "id",
                           "\"%s\" is reserved for the tally-sheet field of that name", *r);
    s = cv__strmap_put(&ct->choice_index, choice->id, i);
    if (s == CV_EEXIST)
      return cv__jf_fail(c, cv__json_get(ch, "id"), path, "id",
                         "duplicate choice id \"%s\" in contest \"%s\"", choice->id, ct->id);
    if (s != CV_OK) return oom(err);
    /* Insert i into by_id, keeping it sorted by id bytes. */
    uint32_t j = i;
    while (j > 0 && strcmp(ct->choices[ct->by_id[j - 1]].id, choice->id) > 0) {
      ct->by_id[j] = ct->by_id[j - 1];
      j--;
    }
    ct->by_id[j] = i;
  }
  return CV_OK;
}

static cv_status decode_contest(struct cv__definition *d, struct cv__contest *ct, struct cv__arena *a,
                                const struct cv__jf *c, const struct cv__jval *obj,
                                const char *path, struct cv_error *err) {
  cv_status s;
  if ((s = cv__jf_keys(c, obj, path, CONTEST_KEYS)) != CV_OK) return s;
  if ((s = cv__jf_id(c, obj, path, "id", true, &ct->id)) != CV_OK) return s;
  if ((s = name_field(c, obj, path, &ct->name)) != CV_OK) return s;
  const char *type;
  if ((s = cv__jf_str(c, obj, path, "type", true, &type)) != CV_OK) return s;
  static const struct { const char *name; enum cv__contest_type t; } types[] = {
      {"plurality", CV__CONTEST_PLURALITY}, {"approval", CV__CONTEST_APPROVAL},
      {"measure", CV__CONTEST_MEASURE},     {"irv", CV__CONTEST_IRV},
      {"stv", CV__CONTEST_STV},             {"condorcet", CV__CONTEST_CONDORCET}};
  bool found = false;
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcmp(types[i].name, type) == 0) {
      ct->type = types[i].t;
      found = true;
    }
  if (!found)
    return cv__jf_fail(c, cv__json_get(obj, "type"), path, "type",
                       "unknown contest type \"%.40s\" (plurality, approval, measure, irv, stv, condorcet)",
                       type);
  const char *district;
  if ((s = cv__jf_str(c, obj, path, "district", true, &district)) != CV_OK) return s;
  uint32_t di;
  if (!cv__strmap_get(&d->unit_index, district, &di))
    return cv__jf_fail(c, cv__json_get(obj, "district"), path, "district", "unknown unit \"%.64s\"",
                       district);
  if (d->units[di].type == CV__UNIT_POLLING_PLACE)
    return cv__jf_fail(c, cv__json_get(obj, "district"), path, "district",
                       "must be the jurisdiction or a district, not a polling place");
  ct->district = (int32_t)di;
  if ((s = decode_choices(ct, a, c, obj, path, err)) != CV_OK) return s;

  uint64_t seats = 1, votes = 1;
  const struct cv__jval *pv = cv__json_get(obj, "passing");
  if (ct->type == CV__CONTEST_MEASURE) {
    if (cv__json_get(obj, "seats") || cv__json_get(obj, "votes_allowed"))
      return cv__jf_fail(c, obj, path, "seats", "a measure has no seats or votes_allowed (it is vote for one)");
    if (ct->n_choices != 2 || strcmp(ct->choices[0].id, "yes") != 0 ||
        strcmp(ct->choices[1].id, "no") != 0)
      return cv__jf_fail(c, cv__json_get(obj, "choices"), path, "choices",
                         "a measure has exactly two choices, with ids \"yes\" then \"no\"");
    const char *passing = "majority";
    if ((s = cv__jf_str(c, obj, path, "passing", false, &passing)) != CV_OK) return s;
    if (strcmp(passing, "majority") == 0)
      ct->passing = CV__PASS_MAJORITY;
    else if (strcmp(passing, "two_thirds") == 0)
      ct->passing = CV__PASS_TWO_THIRDS;
    else if (strcmp(passing, "three_fifths") == 0)
      ct->passing = CV__PASS_THREE_FIFTHS;
    else
      return cv__jf_fail(c, pv, path, "passing",
                         "must be \"majority\", \"two_thirds\" or \"three_fifths\" (found \"%.40s\")",
                         passing);
  } else {
    if (pv) return cv__jf_fail(c, pv, path, "passing", "only measures have a passing rule");
    if ((s = cv__jf_uint(c, obj, path, "seats", true, 1, ct->n_choices, &seats)) != CV_OK) return s;
    if (ct->type == CV__CONTEST_APPROVAL) {
      votes = ct->n_choices;
      if ((s = cv__jf_uint(c, obj, path, "votes_allowed", false, 1, ct->n_choices, &votes)) != CV_OK)
        return s;
    } else if (ct->type == CV__CONTEST_PLURALITY) {
      if ((s = cv__jf_uint(c, obj, path, "votes_allowed", true, 1, ct->n_choices, &votes)) != CV_OK)
        return s;
    } else {
      votes = ct->n_choices; /* rankings allowed */
      if ((s = cv__jf_uint(c, obj, path, "votes_allowed", false, 1, ct->n_choices, &votes)) != CV_OK)
        return s;
    }
  }
  ct->seats = (uint32_t)seats;
  ct->votes_allowed = (uint32_t)votes;
  const struct cv__jval *mv = cv__json_get(obj, "method");
  if (ct->type != CV__CONTEST_CONDORCET) {
    if (mv) return cv__jf_fail(c, mv, path, "method", "only condorcet contests have a method");
    return CV_OK;
  }
  const char *method = "schulze";
  if ((s = cv__jf_str(c, obj, path, "method", false, &method)) != CV_OK) return s;
  if (strcmp(method, "schulze") == 0)
    ct->method = CV__SCHULZE;
  else if (strcmp(method, "ranked_pairs") == 0)
    ct->method = CV__RANKED_PAIRS;
  else
    return cv__jf_fail(c, mv, path, "method", "must be \"schulze\" or \"ranked_pairs\" (found \"%.40s\")",
                       method);
  if (ct->seats != 1)
    return cv__jf_fail(c, cv__json_get(obj, "seats"), path, "seats", "a condorcet contest fills 1 seat");
  if (ct->n_choices > CV__CONDORCET_MAX_CHOICES)
    return cv__jf_fail(c, cv__json_get(obj, "choices"), path, "choices",
                       "a condorcet contest has at most %u choices", CV__CONDORCET_MAX_CHOICES);
  return CV_OK;
}

static cv_status decode_contests(struct cv__definition *d, struct cv__arena *a, const struct cv__jf *c,
                                 const struct cv__jval *root, struct cv_error *err) {
  const struct cv__jval *arr;
  cv_status s = cv__jf_arr(c, root, "", "contests", true, &arr);
  if (s != CV_OK) return s;
  if (arr->u.arr.n == 0) return cv__jf_fail(c, arr, "", "contests", "must list at least one contest");
  if (arr->u.arr.n > CV__MAX_CONTESTS)
    return cv__fail(err, CV_ELIMIT, c->file, arr->line, arr->column, "contests",
                    "more than %u contests", CV__MAX_CONTESTS);
  d->n_contests = (uint32_t)arr->u.arr.n;
  d->contests = cv__arena_calloc(a, d->n_contests, sizeof *d->contests);
  if (!d->contests) return oom(err);
  char path[64];
  for (uint32_t i = 0; i < d->n_contests; i++) {
    struct cv__contest *ct = &d->contests[i];
    cv__strmap_init(&ct->choice_index);
    cv__jf_index(path, sizeof path, "contests", i);
    if ((s = decode_contest(d, ct, a, c, arr->u.arr.items[i], path, err)) != CV_OK) return s;
    s = cv__strmap_put(&d->contest_index, ct->id, i);
    if (s == CV_EEXIST)
      return cv__jf_fail(c, cv__json_get(arr->u.arr.items[i], "id"), path, "id",
                         "duplicate contest id \"%s\"", ct->id);
    if (s != CV_OK) return oom(err);
  }
  return CV_OK;
}

static cv_status decode_styles(struct cv__definition *d, struct cv__arena *a, const struct cv__jf *c,
                               const struct cv__jval *root, struct cv_error *err) {
  const struct cv__jval *arr;
  cv_status s = cv__jf_arr(c, root, "", "ballot_styles", true, &arr);
  if (s != CV_OK) return s;
  if (arr->u.arr.n > CV__MAX_STYLES)
    return cv__fail(err, CV_ELIMIT, c->file, arr->line, arr->column, "ballot_styles",
                    "more than %u ballot styles", CV__MAX_STYLES);
  d->n_styles = (uint32_t)arr->u.arr.n;
  d->styles = cv__arena_calloc(a, d->n_styles ? d->n_styles : 1, sizeof *d->styles);
  if (!d->styles) return oom(err);
  char path[64], sub[96], item[128];
  for (uint32_t i = 0; i < d->n_styles; i++) {
    const struct cv__jval *o = arr->u.arr.items[i];
    struct cv__style *st = &d->styles[i];
    cv__jf_index(path, sizeof path, "ballot_styles", i);
    if ((s = cv__jf_keys(c, o, path, STYLE_KEYS)) != CV_OK) return s;
    if ((s = cv__jf_id(c, o, path, "id", true, &st->id)) != CV_OK) return s;
    s = cv__strmap_put(&d->style_index, st->id, i);
    if (s == CV_EEXIST)
      return cv__jf_fail(c, cv__json_get(o, "id"), path, "id", "duplicate ballot style id \"%s\"", st->id);
    if (s != CV_OK) return oom(err);
    const struct cv__jval *cs, *pps;
    if ((s = cv__jf_arr(c, o, path, "contests", true, &cs)) != CV_OK) return s;
    if ((s = cv__jf_arr(c, o, path, "polling_places", true, &pps)) != CV_OK) return s;
    if (cs->u.arr.n == 0) return cv__jf_fail(c, cs, path, "contests", "must list at least one contest");
    if (cs->u.arr.n > d->n_contests)
      return cv__jf_fail(c, cs, path, "contests", "lists more contests than the election has");
    st->n_contests = (uint32_t)cs->u.arr.n;
    st->contests = cv__arena_calloc(a, st->n_contests, sizeof *st->contests);
    if (!st->contests) return oom(err);
    cv__jf_path(sub, sizeof sub, path, "contests");
    for (uint32_t j = 0; j < st->n_contests; j++) {
      const struct cv__jval *v = cs->u.arr.items[j];
      cv__jf_index(item, sizeof item, sub, j);
      if (v->kind != CV__J_STR)
        return cv__jf_fail(c, v, item, NULL, "expected a contest id string, found %s",
                           cv__json_kind_name(v->kind));
      uint32_t ci;
      if (!cv__strmap_get(&d->contest_index, v->u.str.s, &ci))
        return cv__jf_fail(c, v, item, NULL, "unknown contest \"%.64s\"", v->u.str.s);
      for (uint32_t k = 0; k < j; k++)
        if (st->contests[k] == ci)
          return cv__jf_fail(c, v, item, NULL, "contest \"%s\" is listed twice", v->u.str.s);
      st->contests[j] = ci;
    }
    cv__jf_path(sub, sizeof sub, path, "polling_places");
    for (size_t j = 0; j < pps->u.arr.n; j++) {
      const struct cv__jval *v = pps->u.arr.items[j];
      cv__jf_index(item, sizeof item, sub, j);
      if (v->kind != CV__J_STR)
        return cv__jf_fail(c, v, item, NULL, "expected a polling place id string, found %s",
                           cv__json_kind_name(v->kind));
      uint32_t ui;
      if (!cv__strmap_get(&d->unit_index, v->u.str.s, &ui))
        return cv__jf_fail(c, v, item, NULL, "unknown unit \"%.64s\"", v->u.str.s);
      if (d->units[ui].type != CV__UNIT_POLLING_PLACE)
        return cv__jf_fail(c, v, item, NULL, "\"%s\" is not a polling place", v->u.str.s);
      if (d->units[ui].style >= 0)
        return cv__jf_fail(c, v, item, NULL, "polling place \"%s\" already has ballot style \"%s\"",
                           v->u.str.s, d->styles[d->units[ui].style].id);
      d->units[ui].style = (int32_t)i;
    }
    /* A contest on the style must be decided within a district containing the place. */
    for (size_t j = 0; j < pps->u.arr.n; j++) {
      uint32_t ui;
      cv__strmap_get(&d->unit_index, pps->u.arr.items[j]->u.str.s, &ui);
      for (uint32_t k = 0; k < st->n_contests; k++) {
        const struct cv__contest *ct = &d->contests[st->contests[k]];
        if (!cv__unit_within(d, ui, (uint32_t)ct->district)) {
          cv__jf_index(item, sizeof item, sub, j);
          return cv__jf_fail(c, pps->u.arr.items[j], item, NULL,
                             "polling place \"%s\" is outside district \"%s\" of contest \"%s\"",
                             d->units[ui].id, d->units[ct->district].id, ct->id);
        }
      }
    }
  }
  for (uint32_t i = 0; i < d->n_units; i++)
    if (d->units[i].type == CV__UNIT_POLLING_PLACE && d->units[i].style < 0)
      return cv__jf_fail(c, arr, "", "ballot_styles", "polling place \"%s\" has no ballot style",
                         d->units[i].id);
  return CV_OK;
}

cv_status cv__definition_decode(struct cv__definition *d, struct cv__arena *a,
                                const struct cv__jval *root, const char *file,
                                struct cv_error *err) {
  memset(d, 0, sizeof *d);
  cv__strmap_init(&d->unit_index);
  cv__strmap_init(&d->contest_index);
  cv__strmap_init(&d->style_index);
  struct cv__jf c = {file, err};
  cv_status s;
  if ((s = cv__jf_keys(&c, root, "", ROOT_KEYS)) != CV_OK) return s;
  uint64_t version;
  if ((s = cv__jf_uint(&c, root, "", "canvass_definition", true, 1, 1, &version)) != CV_OK) return s;
  const struct cv__jval *el;
  if ((s = cv__jf_obj(&c, root, "", "election", true, &el)) != CV_OK) return s;
  if ((s = cv__jf_keys(&c, el, "election", ELECTION_KEYS)) != CV_OK) return s;
  if ((s = cv__jf_id(&c, el, "election", "id", true, &d->election_id)) != CV_OK) return s;
  if ((s = name_field(&c, el, "election", &d->election_name)) != CV_OK) return s;
  if ((s = cv__jf_str(&c, el, "election", "date", true, &d->election_date)) != CV_OK) return s;
  const char *dt = d->election_date;
  bool date_ok = strlen(dt) == 10 && dt[4] == '-' && dt[7] == '-';
  for (int i = 0; date_ok && i < 10; i++)
    if (i != 4 && i != 7 && (dt[i] < '0' || dt[i] > '9')) date_ok = false;
  if (date_ok) {
    int year = (dt[0] - '0') * 1000 + (dt[1] - '0') * 100 + (dt[2] - '0') * 10 + (dt[3] - '0');
    int mon = (dt[5] - '0') * 10 + (dt[6] - '0'), day = (dt[8] - '0') * 10 + (dt[9] - '0');
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    date_ok = mon >= 1 && mon <= 12 && day >= 1 && day <= days[mon - 1] &&
              !(mon == 2 && day == 29 && !leap);
  }
  if (!date_ok)
    return cv__jf_fail(&c, cv__json_get(el, "date"), "election", "date",
                       "must be a calendar date written YYYY-MM-DD (found \"%.40s\")", dt);
  if ((s = decode_rules(d, &c, root)) != CV_OK) return s;
  if ((s = decode_units(d, a, &c, root, err)) != CV_OK) return s;
  if ((s = decode_contests(d, a, &c, root, err)) != CV_OK) return s;
  return decode_styles(d, a, &c, root, err);
}

void cv__definition_fini(struct cv__definition *d) {
  if (!d) return;
  for (uint32_t i = 0; i < d->n_contests && d->contests; i++)
    cv__strmap_fini(&d->contests[i].choice_index);
  cv__strmap_fini(&d->unit_index);
  cv__strmap_fini(&d->contest_index);
  cv__strmap_fini(&d->style_index);
  memset(d, 0, sizeof *d);
}

bool cv__unit_within(const struct cv__definition *d, uint32_t u, uint32_t ancestor) {
  int32_t p = (int32_t)u;
  for (uint32_t steps = 0; p >= 0 && steps <= d->n_units; steps++) {
    if ((uint32_t)p == ancestor) return true;
    p = d->units[p].parent;
  }
  return false;
}
