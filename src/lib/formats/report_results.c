/* The results report: totals and outcome per contest, optionally per polling
 * place and per batch. Every number comes from cv__tally_units (totals and
 * polling places), cv__tally_add_cell (batches) and cv__outcome_compute. */
#include "formats/report.h"

#include <stdio.h>
#include <string.h>

#include "count/agreement.h"
#include "formats/report_common.h"
#include "formats/report_ranked.h"
#include "tabulate/outcome.h"

/* One contest, tallied once for all formats. */
struct view {
  uint32_t ci;
  const struct cv__contest *ct;
  struct cv__tally *units; /* per unit */
  const struct cv__tally *total;
  struct cv__outcome o;
  enum cv__rstatus status;
};

static cv_status arena_status(const struct cv__arena *a) {
  return a->failure == CV_ELIMIT ? CV_ELIMIT : CV_ENOMEM;
}

static cv_status make_view(const struct cv__state *st, uint32_t ci, struct cv__arena *a,
                           struct view *v) {
  memset(v, 0, sizeof *v);
  v->ci = ci;
  v->ct = &st->def.contests[ci];
  v->units = cv__tally_units_new(st, ci, a);
  if (!v->units) return arena_status(a);
  cv__tally_units(st, ci, v->units);
  /* The jurisdiction's total: the same one lots and findings decide on. */
  v->total = &v->units[cv__report_root(st)];
  cv_status s = cv__outcome_compute(st, ci, v->total, a, &v->o);
  if (s != CV_OK) return s;
  v->status = cv__report_contest_status(st, ci, v->total);
  return CV_OK;
}

/* ---- what each choice gets ---------------------------------------------- */

enum mark { M_NONE, M_ELECTED, M_LOT, M_LEADING, M_TIED, M_NOT, M_WRITE_INS };

/* Outcome marks are final only when every batch result is settled; before
 * that a seat is "leading", never "elected". */
static enum mark choice_mark(const struct view *v, uint32_t i) {
  const struct cv__outcome *o = &v->o;
  if (o->untabulated || v->ct->type == CV__CONTEST_MEASURE) return M_NONE;
  for (uint32_t p = 0; p < o->n_elected; p++) {
    if (o->elected[p] != i) continue;
    if (!o->complete) return M_LEADING;
    /* A write-in slot is a tally of names, never a winner (E107). */
    if (v->ct->choices[i].write_in) return M_WRITE_INS;
    return o->lot_applied && p >= o->n_elected - o->seats_in_tie ? M_LOT : M_ELECTED;
  }
  if (o->tie && !o->lot_applied)
    for (uint32_t k = 0; k < o->n_tied; k++)
      if (o->tied[k] == i) return M_TIED;
  return M_NOT;
}

/* The machine word (CSV Elected column, JSON "elected"), or NULL for none. */
static const char *choice_word(const struct view *v, uint32_t i) {
  if (v->ct->type == CV__CONTEST_MEASURE) {
    if (i != 0 || !v->o.complete) return NULL;
    return v->o.passed ? "passed" : "failed";
  }
  switch (choice_mark(v, i)) {
  case M_ELECTED:
  case M_LOT: return "yes";
  case M_LEADING: return "leading";
  case M_TIED: return "tied";
  case M_WRITE_INS: return "count_names";
  case M_NOT: return "no";
  case M_NONE: break;
  }
  return NULL;
}

static const char *passing_words(enum cv__passing p) {
  switch (p) {
  case CV__PASS_MAJORITY: return "majority";
  case CV__PASS_TWO_THIRDS: return "two-thirds";
  case CV__PASS_THREE_FIFTHS: return "three-fifths";
  }
  return "majority";
}

/* The five counts after the choices, in report order. */
static const char *const COUNT_KEYS[5] = {"undervotes", "overvotes", "ballots", "blank",
                                          "invalid"};

static void counts_of(const struct cv__tally *t, uint64_t out[5]) {
  out[0] = t->undervotes;
  out[1] = t->overvotes;
  out[2] = t->ballots;
  out[3] = t->blank;
  out[4] = t->invalid;
}

/* ---- text --------------------------------------------------------------- */

/* "A", "A and B", "A, B and C" from the choice names of list. */
static void name_list(struct cv__buf *b, const struct cv__contest *ct, const uint32_t *list,
                      uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    if (i) cv__buf_adds(b, i + 1 == n ? " and " : ", ");
    cv__buf_adds(b, ct->choices[list[i]].name);
  }
}

static void title_line(struct cv__buf *out, const struct view *v) {
  const struct cv__contest *ct = v->ct;
  char x[CV__NUM_LEN], y[CV__NUM_LEN];
  cv__buf_printf(out, "%s (%s", ct->name, cv__contest_type_name(ct->type));
  if (ct->type == CV__CONTEST_MEASURE)
    cv__buf_printf(out, ", vote for %u", ct->votes_allowed);
  else if (v->o.ranked)
    cv__buf_printf(out, ", rank up to %u, %u seat(s)", ct->votes_allowed, ct->seats);
  else
    cv__buf_printf(out, ", vote for %u, %u seat(s)", ct->votes_allowed, ct->seats);
  cv__buf_printf(out, ") - %s, %s of %s batch results settled\n", cv__rstatus_name(v->status),
                 cv__report_num(v->total->settled, x), cv__report_num(v->total->cells, y));
}

static cv_status text_totals(const struct cv__state *st, const struct view *v, struct cv__arena *a,
                             struct cv__buf *out) {
  const struct cv__contest *ct = v->ct;
  const struct cv__outcome *o = &v->o;
  struct cv__rtab t;
  struct cv__buf line;
  cv__rtab_init(&t, a, "lrrl");
  cv__rtab_row(&t);
  cv__rtab_set(&t, 0, "Choice");
  cv__rtab_set(&t, 1, o->ranked ? "1st choices" : "Votes");
  cv__rtab_set(&t, 2, "Share");
  uint64_t sum = 0;
  for (uint32_t i = 0; i < ct->n_choices; i++) sum += v->total->votes[i];
  for (uint32_t i = 0; i < ct->n_choices; i++) {
    char pct[CV__NUM_LEN];
    cv__rtab_row(&t);
    cv__rtab_set(&t, 0, ct->choices[i].name);
    cv__rtab_setu(&t, 1, v->total->votes[i]);
    cv__rtab_set(&t, 2, cv__report_pct(v->total->votes[i], sum, pct));
    switch (choice_mark(v, i)) {
    case M_ELECTED: cv__rtab_set(&t, 3, "ELECTED"); break;
    case M_LOT:
      cv__rtab_setf(&t, 3, "ELECTED by lot (event %llu)", (unsigned long long)o->lot_seq);
      break;
    case M_LEADING: cv__rtab_set(&t, 3, "LEADING"); break;
    case M_TIED: cv__rtab_set(&t, 3, "TIED"); break;
    case M_WRITE_INS: cv__rtab_set(&t, 3, "WRITE-INS WOULD WIN: count the names (E107)"); break;
    case M_NOT:
    case M_NONE: break;
    }
  }
  cv__buf_init(&line, 0);
  if (ct->type == CV__CONTEST_MEASURE) {
    cv__rtab_line(&t, "Measure %s (%s required)%s", o->passed ? "PASSES" : "FAILS",
                  passing_words(ct->passing),
                  o->complete ? "" : " - provisional: not every batch result is settled");
  } else if (o->tie && !o->lot_applied && ct->type == CV__CONTEST_CONDORCET) {
    name_list(&line, ct, o->tied, o->n_tied);
    cv__rtab_line(&t, "Tie: the %s method leaves %s; %s`canvass lot --contest %s --seed DIGITS` "
                      "decides it, with a public seed of at least 20 digits.",
                  ct->method == CV__SCHULZE ? "Schulze" : "Ranked Pairs", line.data ? line.data : "",
                  o->complete ? "only " : "if it stands when every batch result is settled, only ",
                  ct->id);
  } else if (o->tie && !o->lot_applied) {
    char n[CV__NUM_LEN];
    name_list(&line, ct, o->tied, o->n_tied);
    cv__rtab_line(&t, "Tie: %u seat(s) between %s, %s votes each; %s`canvass lot --contest %s "
                      "--seed DIGITS` decides it, with a public seed of at least 20 digits.",
                  o->seats_in_tie, line.data ? line.data : "",
                  cv__report_num(v->total->votes[o->tied[0]], n),
                  o->complete ? "only " : "if it stands when every batch result is settled, only ",
                  ct->id);
  } else if (o->lot_applied) {
    const struct cv__lot *lot = cv__state_lot(st, v->ci);
    name_list(&line, ct, o->tied, o->n_tied);
    cv__rtab_line(&t, "Tie for %u seat(s) between %s decided by lot in event %llu (seed %s).",
                  o->seats_in_tie, line.data ? line.data : "", (unsigned long long)o->lot_seq,
                  lot ? lot->seed : "");
  }
  cv_status s = line.status;
  cv__buf_fini(&line);
  if (s != CV_OK) return s;
  static const char *const labels[5] = {"Undervotes", "Overvotes", "Ballots counted", "Blank",
                                        "Invalid"};
  uint64_t c[5];
  counts_of(v->total, c);
  for (int k = 0; k < 5; k++) {
    cv__rtab_row(&t);
    cv__rtab_set(&t, 0, labels[k]);
    cv__rtab_setu(&t, 1, c[k]);
  }
  cv__rtab_print(&t, out, 2);
  return cv__rtab_status(&t);
}

/* Column headers shared by the per-unit and per-batch tables. */
static void count_heads(struct cv__rtab *t, const struct cv__contest *ct, size_t col0) {
  for (uint32_t i = 0; i < ct->n_choices; i++) cv__rtab_set(t, col0 + i, ct->choices[i].name);
  cv__rtab_set(t, col0 + ct->n_choices, "Undervotes");
  cv__rtab_set(t, col0 + ct->n_choices + 1, "Overvotes");
  cv__rtab_set(t, col0 + ct->n_choices + 2, "Ballots");
}

static void count_cells(struct cv__rtab *t, const struct cv__contest *ct, size_t col0,
                        const struct cv__tally *x) {
  for (uint32_t i = 0; i < ct->n_choices; i++) cv__rtab_setu(t, col0 + i, x->votes[i]);
  cv__rtab_setu(t, col0 + ct->n_choices, x->undervotes);
  cv__rtab_setu(t, col0 + ct->n_choices + 1, x->overvotes);
  cv__rtab_setu(t, col0 + ct->n_choices + 2, x->ballots);
}

/* "lll" followed by one 'r' per number column. */
static char *align_for(struct cv__arena *a, size_t text_cols, size_t num_cols) {
  char *s = cv__arena_alloc(a, text_cols + num_cols + 1);
  if (!s) return NULL;
  memset(s, 'l', text_cols);
  memset(s + text_cols, 'r', num_cols);
  s[text_cols + num_cols] = '\0';
  return s;
}

/* The rows of the per-unit table, in order: polling places carrying the
 * contest, a subtotal after each district that holds any, and last the total
 * of the contest's district. An explicit stack walks the tree (districts
 * nest to any depth). */
struct urow {
  uint32_t u;
  bool place;
};

static cv_status unit_rows(const struct cv__state *st, const struct view *v, struct cv__arena *a,
                           struct urow **rows_out, size_t *n_out) {
  const struct cv__definition *d = &st->def;
  struct cv__report_tree tr;
  struct frame {
    uint32_t u;
    int32_t child;
    size_t rows_before;
  } *stack = cv__arena_alloc(a, (d->n_units + 1u) * sizeof *stack);
  struct urow *rows = cv__arena_alloc(a, (d->n_units + 1u) * sizeof *rows);
  if (!stack || !rows || !cv__report_tree(st, a, &tr)) return arena_status(a);
  size_t n = 0, depth = 0;
  uint32_t top = (uint32_t)v->ct->district;
  stack[depth++] = (struct frame){top, tr.first[top], 0};
  while (depth > 0) {
    struct frame *f = &stack[depth - 1];
    if (f->child < 0) {
      struct frame done = *f;
      depth--;
      if (n > done.rows_before) rows[n++] = (struct urow){done.u, false};
      continue;
    }
    uint32_t c = (uint32_t)f->child;
    f->child = tr.next[c];
    if (d->units[c].type != CV__UNIT_POLLING_PLACE)
      stack[depth++] = (struct frame){c, tr.first[c], n};
    else if (cv__report_carries(st, c, v->ci))
      rows[n++] = (struct urow){c, true};
  }
  *rows_out = rows;
  *n_out = n;
  return CV_OK;
}

static cv_status text_units(const struct cv__state *st, const struct view *v, struct cv__arena *a,
                            struct cv__buf *out) {
  const struct cv__definition *d = &st->def;
  const struct cv__contest *ct = v->ct;
  struct urow *rows;
  size_t n;
  cv_status s = unit_rows(st, v, a, &rows, &n);
  if (s != CV_OK) return s;
  char *align = align_for(a, 3, ct->n_choices + 3u);
  if (!align) return arena_status(a);
  struct cv__rtab t;
  cv__rtab_init(&t, a, align);
  cv__rtab_row(&t);
  cv__rtab_set(&t, 0, "Unit");
  cv__rtab_set(&t, 1, "Name");
  cv__rtab_set(&t, 2, "Settled");
  count_heads(&t, ct, 3);
  for (size_t r = 0; r < n; r++) {
    uint32_t u = rows[r].u;
    const struct cv__tally *x = &v->units[u];
    char s1[CV__NUM_LEN], s2[CV__NUM_LEN];
    cv__rtab_row(&t);
    cv__rtab_set(&t, 0, d->units[u].id);
    if (rows[r].place)
      cv__rtab_set(&t, 1, d->units[u].name);
    else
      cv__rtab_setf(&t, 1, "%s (%s)", d->units[u].name,
                    u == (uint32_t)ct->district ? "total" : "subtotal");
    cv__rtab_setf(&t, 2, "%s of %s", cv__report_num(x->settled, s1), cv__report_num(x->cells, s2));
    count_cells(&t, ct, 3, x);
  }
  cv__rtab_print(&t, out, 4);
  return cv__rtab_status(&t);
}

/* The settled numbers of one batch x contest result, through the one tally
 * path; false when the result is not settled. */
static bool batch_tally(const struct cv__state *st, uint32_t cell, uint64_t *votes, uint32_t nc,
                        struct cv__tally *t) {
  memset(t, 0, sizeof *t);
  memset(votes, 0, nc * sizeof *votes);
  t->votes = votes;
  cv__tally_add_cell(st, cell, t);
  return t->settled == 1;
}

static cv_status text_batches(const struct cv__state *st, const struct view *v,
                              struct cv__arena *a, struct cv__buf *out) {
  const struct cv__contest *ct = v->ct;
  char *align = align_for(a, 3, ct->n_choices + 3u);
  uint64_t *votes = cv__arena_alloc(a, ct->n_choices * sizeof *votes);
  if (!align || !votes) return arena_status(a);
  struct cv__rtab t;
  cv__rtab_init(&t, a, align);
  cv__rtab_row(&t);
  cv__rtab_set(&t, 0, "Batch");
  cv__rtab_set(&t, 1, "Polling place");
  cv__rtab_set(&t, 2, "Status");
  count_heads(&t, ct, 3);
  for (size_t b = 0; b < st->n_batches; b++) {
    uint32_t cell;
    struct cv__tally x;
    if (!cv__state_cell(st, (uint32_t)b, v->ci, &cell)) continue;
    cv__rtab_row(&t);
    cv__rtab_set(&t, 0, st->batches[b].id);
    cv__rtab_set(&t, 1, st->def.units[st->batches[b].unit].id);
    cv__rtab_set(&t, 2, cv__cell_status_name(cv__cell_status(st, cell, NULL)));
    if (batch_tally(st, cell, votes, ct->n_choices, &x)) count_cells(&t, ct, 3, &x);
  }
  cv__rtab_print(&t, out, 4);
  return cv__rtab_status(&t);
}

static cv_status results_text(const struct cv__state *st, const struct cv_report_options *opt,
                              int64_t only, struct cv__arena *a, struct cv__buf *out) {
  cv_status s = CV_OK;
  cv__report_header(out, st, "RESULTS");
  for (uint32_t ci = 0; ci < st->def.n_contests && s == CV_OK; ci++) {
    if (only >= 0 && ci != (uint32_t)only) continue;
    struct view v;
    cv__arena_reset(a);
    if ((s = make_view(st, ci, a, &v)) != CV_OK) break;
    cv__buf_addc(out, '\n');
    title_line(out, &v);
    if (v.o.untabulated) {
      cv__buf_adds(out, "  not yet tabulated: irv and stv contests are counted by a later release\n");
      continue;
    }
    s = text_totals(st, &v, a, out);
    if (s == CV_OK && v.ct->type == CV__CONTEST_CONDORCET) s = cv__report_condorcet_text(st, ci, a, out);
    if (s == CV_OK && opt->by_unit) {
      cv__buf_adds(out, "\n  By polling place\n");
      s = text_units(st, &v, a, out);
    }
    if (s == CV_OK && opt->by_batch) {
      cv__buf_adds(out, "\n  By batch\n");
      s = text_batches(st, &v, a, out);
    }
  }
  return s;
}

/* ---- CSV ---------------------------------------------------------------- */

/* The rows of one scope: one per choice, then the five counts. Numbers are
 * empty, never zero, when nothing in the scope is settled (or the contest is
 * not tabulated): x NULL or x->settled == 0. */
/* The rows of one scope. The four leading fields are the same on every row,
 * so they are quoted once; per-batch output runs to millions of rows. */
static void csv_rows(struct cv__buf *out, const struct view *v, const char *scope,
                     const char *unit, const char *batch, const struct cv__tally *x, bool words) {
  const struct cv__contest *ct = v->ct;
  /* A fixed buffer: ids are at most 64 bytes and batch names 100, so even
   * fully quoted the prefix stays far below its cap (max < cap: the buffer
   * refuses, never reallocates). */
  char prefix[1024];
  struct cv__buf pb = {prefix, 0, sizeof prefix, sizeof prefix - 1, CV_OK};
  const char *lead[4] = {ct->id, scope, unit, batch};
  for (int k = 0; k < 4; k++) {
    cv__report_csv_field(&pb, lead[k]);
    cv__buf_addc(&pb, ',');
  }
  if (pb.status != CV_OK) {
    out->status = CV_ELIMIT;
    return;
  }
  uint64_t c[5];
  if (x && x->settled == 0) x = NULL;
  if (x) counts_of(x, c);
  for (uint32_t i = 0; i < ct->n_choices + 5; i++) {
    bool choice = i < ct->n_choices;
    cv__buf_add(out, prefix, pb.len);
    cv__report_csv_field(out, choice ? ct->choices[i].id : COUNT_KEYS[i - ct->n_choices]);
    cv__buf_addc(out, ',');
    if (x) cv__buf_addu(out, choice ? x->votes[i] : c[i - ct->n_choices]);
    cv__buf_addc(out, ',');
    const char *word = choice && words && x ? choice_word(v, i) : NULL;
    if (word) cv__report_csv_field(out, word);
    cv__buf_add(out, "\r\n", 2);
  }
}

static cv_status results_csv(const struct cv__state *st, const struct cv_report_options *opt,
                             int64_t only, struct cv__arena *a, struct cv__buf *out) {
  const struct cv__definition *d = &st->def;
  cv__report_csv_info(out, st);
  cv__report_csv_section(out, "RESULTS");
  static const char *const head[] = {"Contest", "Scope", "Unit", "Batch",
                                     "Choice",  "Votes", "Elected"};
  cv__report_csv_row(out, head, 7);
  for (uint32_t ci = 0; ci < d->n_contests; ci++) {
    if (only >= 0 && ci != (uint32_t)only) continue;
    struct view v;
    cv__arena_reset(a);
    cv_status s = make_view(st, ci, a, &v);
    if (s != CV_OK) return s;
    const struct cv__contest *ct = v.ct;
    bool tab = !v.o.untabulated;
    csv_rows(out, &v, "total", d->units[ct->district].id, "", tab ? v.total : NULL, true);
    if (opt->by_unit)
      for (uint32_t u = 0; u < d->n_units; u++)
        if (cv__report_carries(st, u, ci))
          csv_rows(out, &v, "polling_place", d->units[u].id, "", tab ? &v.units[u] : NULL, false);
    if (opt->by_batch) {
      uint64_t *votes = cv__arena_alloc(a, ct->n_choices * sizeof *votes);
      if (!votes) return arena_status(a);
      for (size_t b = 0; b < st->n_batches; b++) {
        uint32_t cell;
        struct cv__tally x;
        if (!cv__state_cell(st, (uint32_t)b, ci, &cell)) continue;
        bool settled = batch_tally(st, cell, votes, ct->n_choices, &x);
        csv_rows(out, &v, "batch", d->units[st->batches[b].unit].id, st->batches[b].id,
                 tab && settled ? &x : NULL, false);
      }
    }
    if (out->status != CV_OK) return out->status;
  }
  return cv__report_condorcet_csv(st, only, a, out);
}

/* ---- JSON --------------------------------------------------------------- */

/* "choices" and the five counts of x; NULL numbers when x is NULL. */
static void json_counts(struct cv__jw *w, const struct view *v, const struct cv__tally *x,
                        bool full) {
  const struct cv__contest *ct = v->ct;
  uint64_t c[5];
  cv__jw_key(w, "choices");
  cv__jw_arr(w);
  for (uint32_t i = 0; i < ct->n_choices; i++) {
    cv__jw_obj(w);
    cv__jw_key(w, "id");
    cv__jw_str(w, ct->choices[i].id);
    if (full) {
      cv__jw_key(w, "name");
      cv__jw_str(w, ct->choices[i].name);
      cv__jw_key(w, "write_in");
      cv__jw_bool(w, ct->choices[i].write_in);
    }
    cv__jw_key(w, "votes");
    if (x)
      cv__jw_uint(w, x->votes[i]);
    else
      cv__jw_null(w);
    if (full) {
      const char *word = choice_word(v, i);
      cv__jw_key(w, "elected");
      if (word)
        cv__jw_str(w, word);
      else
        cv__jw_null(w);
    }
    cv__jw_obj_end(w);
  }
  cv__jw_arr_end(w);
  if (x) counts_of(x, c);
  for (int k = 0; k < 5; k++) {
    cv__jw_key(w, COUNT_KEYS[k]);
    if (x)
      cv__jw_uint(w, c[k]);
    else
      cv__jw_null(w);
  }
}

static void json_ids(struct cv__jw *w, const struct cv__contest *ct, const uint32_t *list,
                     uint32_t n) {
  cv__jw_arr(w);
  for (uint32_t i = 0; i < n; i++) cv__jw_str(w, ct->choices[list[i]].id);
  cv__jw_arr_end(w);
}

static void json_outcome(struct cv__jw *w, const struct view *v) {
  const struct cv__outcome *o = &v->o;
  bool measure = v->ct->type == CV__CONTEST_MEASURE;
  cv__jw_key(w, "outcome");
  cv__jw_obj(w);
  cv__jw_key(w, "complete");
  cv__jw_bool(w, o->complete);
  /* As the choices' words: seats are "elected" only once every batch result
   * is settled; before that the same seats are "leading". */
  uint32_t seats = o->untabulated || measure ? 0 : o->n_elected;
  cv__jw_key(w, "elected");
  json_ids(w, v->ct, o->elected, o->complete ? seats : 0);
  cv__jw_key(w, "leading");
  json_ids(w, v->ct, o->elected, o->complete ? 0 : seats);
  cv__jw_key(w, "tie");
  if (o->tie) {
    cv__jw_obj(w);
    cv__jw_key(w, "choices");
    json_ids(w, v->ct, o->tied, o->n_tied);
    cv__jw_key(w, "seats");
    cv__jw_uint(w, o->seats_in_tie);
    cv__jw_obj_end(w);
  } else {
    cv__jw_null(w);
  }
  cv__jw_key(w, "lot_event");
  if (o->lot_applied)
    cv__jw_uint(w, o->lot_seq);
  else
    cv__jw_null(w);
  cv__jw_key(w, "passed");
  if (measure)
    cv__jw_bool(w, o->passed);
  else
    cv__jw_null(w);
  cv__jw_obj_end(w);
}

static cv_status json_contest(struct cv__jw *w, const struct cv__state *st,
                              const struct cv_report_options *opt, const struct view *v,
                              struct cv__arena *a) {
  const struct cv__definition *d = &st->def;
  const struct cv__contest *ct = v->ct;
  bool tab = !v->o.untabulated;
  cv__jw_obj(w);
  cv__jw_key(w, "id");
  cv__jw_str(w, ct->id);
  cv__jw_key(w, "name");
  cv__jw_str(w, ct->name);
  cv__jw_key(w, "type");
  cv__jw_str(w, cv__contest_type_name(ct->type));
  cv__jw_key(w, "district");
  cv__jw_str(w, d->units[ct->district].id);
  cv__jw_key(w, "votes_allowed");
  cv__jw_uint(w, ct->votes_allowed);
  cv__jw_key(w, "seats");
  if (ct->type == CV__CONTEST_MEASURE)
    cv__jw_null(w); /* a measure fills no seats */
  else
    cv__jw_uint(w, ct->seats);
  if (ct->type == CV__CONTEST_MEASURE) {
    cv__jw_key(w, "passing");
    cv__jw_str(w, cv__passing_name(ct->passing));
  }
  cv__jw_key(w, "status");
  cv__jw_str(w, cv__rstatus_name(v->status));
  cv__jw_key(w, "tabulated");
  cv__jw_bool(w, tab);
  cv__jw_key(w, "settled");
  cv__jw_uint(w, v->total->settled);
  cv__jw_key(w, "results");
  cv__jw_uint(w, v->total->cells);
  json_counts(w, v, tab ? v->total : NULL, true);
  json_outcome(w, v);
  if (ct->type == CV__CONTEST_CONDORCET) {
    cv_status s = cv__report_condorcet_json(w, st, v->ci, a);
    if (s != CV_OK) return s;
  }
  if (opt->by_unit) {
    cv__jw_key(w, "polling_places");
    cv__jw_arr(w);
    for (uint32_t u = 0; u < d->n_units; u++) {
      if (!cv__report_carries(st, u, v->ci)) continue;
      cv__jw_obj(w);
      cv__jw_key(w, "id");
      cv__jw_str(w, d->units[u].id);
      cv__jw_key(w, "name");
      cv__jw_str(w, d->units[u].name);
      cv__jw_key(w, "settled");
      cv__jw_uint(w, v->units[u].settled);
      cv__jw_key(w, "results");
      cv__jw_uint(w, v->units[u].cells);
      json_counts(w, v, tab ? &v->units[u] : NULL, false);
      cv__jw_obj_end(w);
    }
    cv__jw_arr_end(w);
  }
  if (opt->by_batch) {
    uint64_t *votes = cv__arena_alloc(a, ct->n_choices * sizeof *votes);
    if (!votes) return arena_status(a);
    cv__jw_key(w, "batches");
    cv__jw_arr(w);
    for (size_t b = 0; b < st->n_batches; b++) {
      uint32_t cell;
      struct cv__tally x;
      if (!cv__state_cell(st, (uint32_t)b, v->ci, &cell)) continue;
      bool settled = batch_tally(st, cell, votes, ct->n_choices, &x);
      cv__jw_obj(w);
      cv__jw_key(w, "id");
      cv__jw_str(w, st->batches[b].id);
      cv__jw_key(w, "polling_place");
      cv__jw_str(w, d->units[st->batches[b].unit].id);
      cv__jw_key(w, "status");
      cv__jw_str(w, cv__cell_status_name(cv__cell_status(st, cell, NULL)));
      json_counts(w, v, tab && settled ? &x : NULL, false);
      cv__jw_obj_end(w);
    }
    cv__jw_arr_end(w);
  }
  cv__jw_obj_end(w);
  return CV_OK;
}

static cv_status results_json(const struct cv__state *st, const struct cv_report_options *opt,
                              int64_t only, struct cv__arena *a, struct cv__buf *out) {
  struct cv__jw w;
  cv__jw_init(&w, out, 2);
  cv__jw_obj(&w);
  cv__report_json_head(&w, st);
  cv__jw_key(&w, "contests");
  cv__jw_arr(&w);
  for (uint32_t ci = 0; ci < st->def.n_contests; ci++) {
    if (only >= 0 && ci != (uint32_t)only) continue;
    struct view v;
    cv__arena_reset(a);
    cv_status s = make_view(st, ci, a, &v);
    if (s == CV_OK) s = json_contest(&w, st, opt, &v, a);
    if (s != CV_OK) return s;
  }
  cv__jw_arr_end(&w);
  cv__jw_obj_end(&w);
  cv_status s = cv__jw_finish(&w);
  if (s != CV_OK) return s;
  cv__buf_addc(out, '\n');
  return CV_OK;
}

cv_status cv__report_results(const struct cv__state *st, const struct cv_report_options *opt,
                             struct cv__buf *out) {
  static const struct cv_report_options defaults = {CV_FORMAT_TEXT, NULL, false, false};
  if (!st->defined) return CV_EINVAL;
  if (!opt) opt = &defaults;
  int64_t only = -1;
  if (opt->contest) {
    uint32_t ci;
    if (!cv__state_contest(st, opt->contest, &ci)) return CV_ENOENT;
    only = ci;
  }
  size_t start = out->len;
  struct cv__arena a;
  cv__arena_init(&a, 0);
  cv_status s;
  if (opt->format == CV_FORMAT_CSV)
    s = results_csv(st, opt, only, &a, out);
  else if (opt->format == CV_FORMAT_JSON)
    s = results_json(st, opt, only, &a, out);
  else
    s = results_text(st, opt, only, &a, out);
  s = cv__report_end(out, start, s);
  cv__arena_fini(&a);
  return s;
}
