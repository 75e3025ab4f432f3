/* The parts of the results report that only ranked contests have: the
 * pairwise matrix of a Condorcet contest and what its method makes of it.
 * Every number comes from tabulate/ranked.h, the same functions the outcome
 * (and so the winners and ties) comes from. */
#include "formats/report_ranked.h"

#include <stdio.h>
#include <string.h>

#include "tabulate/ranked.h"

static const char *method_name(enum cv__condorcet_method m) {
  return m == CV__SCHULZE ? "schulze" : "ranked_pairs";
}

static const char *method_title(enum cv__condorcet_method m) {
  return m == CV__SCHULZE ? "Schulze" : "Ranked Pairs";
}

/* The matrix and the method's result for contest ci; m is finished by the
 * caller. */
static cv_status compute(const struct cv__state *st, uint32_t ci, struct cv__arena *a,
                         struct cv__pairwise *m, struct cv__condorcet_result *r) {
  cv_status s = cv__ranked_pairwise(st, ci, m);
  if (s != CV_OK) return s;
  const struct cv__contest *ct = &st->def.contests[ci];
  struct cv__outcome o;
  memset(&o, 0, sizeof o);
  o.elected = cv__arena_alloc(a, ct->n_choices * sizeof *o.elected);
  o.tied = cv__arena_alloc(a, ct->n_choices * sizeof *o.tied);
  if (!o.elected || !o.tied) s = CV_ENOMEM;
  if (s == CV_OK) s = cv__condorcet_outcome(st, ci, m, a, &o, r);
  if (s != CV_OK) cv__pairwise_fini(m);
  return s;
}

cv_status cv__report_condorcet_text(const struct cv__state *st, uint32_t ci, struct cv__arena *a,
                                    struct cv__buf *out) {
  const struct cv__contest *ct = &st->def.contests[ci];
  struct cv__pairwise m;
  struct cv__condorcet_result r;
  cv_status s = compute(st, ci, a, &m, &r);
  if (s != CV_OK) return s;
  uint32_t n = ct->n_choices;
  cv__buf_adds(out, "\n  Pairwise count of the settled batches: ballots ranking the row's choice above the column's\n");
  /* Columns: the row's name, then one per choice by id (ids keep it narrow). */
  char *align = cv__arena_alloc(a, n + 2);
  if (!align) {
    cv__pairwise_fini(&m);
    return CV_ENOMEM;
  }
  align[0] = 'l';
  memset(align + 1, 'r', n);
  align[n + 1] = '\0';
  struct cv__rtab t;
  cv__rtab_init(&t, a, align);
  cv__rtab_row(&t);
  cv__rtab_set(&t, 0, "over");
  for (uint32_t j = 0; j < n; j++) cv__rtab_set(&t, 1 + j, ct->choices[j].id);
  for (uint32_t i = 0; i < n; i++) {
    cv__rtab_row(&t);
    cv__rtab_set(&t, 0, ct->choices[i].id);
    for (uint32_t j = 0; j < n; j++) {
      if (i == j)
        cv__rtab_set(&t, 1 + j, "-");
      else
        cv__rtab_setu(&t, 1 + j, m.d[(size_t)i * n + j]);
    }
  }
  if (r.condorcet_winner >= 0)
    cv__rtab_line(&t, "Condorcet winner: %s (beats every other choice one on one)",
                  ct->choices[r.condorcet_winner].name);
  else
    cv__rtab_line(&t, "No Condorcet winner: the %s method decides.", method_title(ct->method));
  if (r.order) {
    struct cv__buf line;
    cv__buf_init(&line, 0);
    for (uint32_t k = 0; k < n; k++) {
      if (k) cv__buf_adds(&line, r.strictly[k - 1] ? " > " : " = ");
      cv__buf_adds(&line, ct->choices[r.order[k]].id);
    }
    cv__rtab_line(&t, "Schulze order: %s", line.data ? line.data : "");
    cv__buf_fini(&line);
  }
  cv__rtab_print(&t, out, 4);
  s = cv__rtab_status(&t);
  cv__pairwise_fini(&m);
  return s;
}

cv_status cv__report_condorcet_csv(const struct cv__state *st, int64_t only, struct cv__arena *a,
                                   struct cv__buf *out) {
  const struct cv__definition *d = &st->def;
  bool any = false;
  for (uint32_t ci = 0; ci < d->n_contests; ci++)
    if ((only < 0 || ci == (uint32_t)only) && d->contests[ci].type == CV__CONTEST_CONDORCET) any = true;
  if (!any) return CV_OK;
  cv__report_csv_section(out, "PAIRWISE");
  static const char *const head[] = {"Contest", "Method", "Choice", "Over", "Ballots"};
  cv__report_csv_row(out, head, 5);
  for (uint32_t ci = 0; ci < d->n_contests; ci++) {
    if ((only >= 0 && ci != (uint32_t)only) || d->contests[ci].type != CV__CONTEST_CONDORCET) continue;
    const struct cv__contest *ct = &d->contests[ci];
    cv__arena_reset(a);
    struct cv__pairwise m;
    struct cv__condorcet_result r;
    cv_status s = compute(st, ci, a, &m, &r);
    if (s != CV_OK) return s;
    for (uint32_t i = 0; i < ct->n_choices; i++)
      for (uint32_t j = 0; j < ct->n_choices; j++) {
        if (i == j) continue;
        char num[24];
        snprintf(num, sizeof num, "%llu", (unsigned long long)m.d[(size_t)i * ct->n_choices + j]);
        const char *row[] = {ct->id, method_name(ct->method), ct->choices[i].id, ct->choices[j].id, num};
        cv__report_csv_row(out, row, 5);
      }
    cv__pairwise_fini(&m);
    if (out->status != CV_OK) return out->status;
  }
  return CV_OK;
}

cv_status cv__report_condorcet_json(struct cv__jw *w, const struct cv__state *st, uint32_t ci,
                                    struct cv__arena *a) {
  const struct cv__contest *ct = &st->def.contests[ci];
  struct cv__pairwise m;
  struct cv__condorcet_result r;
  cv_status s = compute(st, ci, a, &m, &r);
  if (s != CV_OK) return s;
  uint32_t n = ct->n_choices;
  cv__jw_key(w, "pairwise");
  cv__jw_obj(w);
  cv__jw_key(w, "ballots");
  cv__jw_uint(w, m.ballots);
  cv__jw_key(w, "condorcet_winner");
  if (r.condorcet_winner >= 0)
    cv__jw_str(w, ct->choices[r.condorcet_winner].id);
  else
    cv__jw_null(w);
  cv__jw_key(w, "matrix");
  cv__jw_arr(w);
  for (uint32_t i = 0; i < n; i++) {
    cv__jw_arr(w);
    for (uint32_t j = 0; j < n; j++) cv__jw_uint(w, m.d[(size_t)i * n + j]);
    cv__jw_arr_end(w);
  }
  cv__jw_arr_end(w);
  cv__jw_key(w, "method");
  cv__jw_str(w, method_name(ct->method));
  /* Schulze's ranking as groups of equals, best first. */
  cv__jw_key(w, "order");
  if (r.order) {
    cv__jw_arr(w);
    for (uint32_t k = 0; k < n; k++) {
      if (k == 0 || r.strictly[k - 1]) {
        if (k) cv__jw_arr_end(w);
        cv__jw_arr(w);
      }
      cv__jw_str(w, ct->choices[r.order[k]].id);
    }
    cv__jw_arr_end(w);
    cv__jw_arr_end(w);
  } else {
    cv__jw_null(w);
  }
  cv__jw_key(w, "winners");
  cv__jw_arr(w);
  for (uint32_t i = 0; i < n; i++)
    if (r.winner[i]) cv__jw_str(w, ct->choices[i].id);
  cv__jw_arr_end(w);
  cv__jw_obj_end(w);
  cv__pairwise_fini(&m);
  return CV_OK;
}
