#include "tabulate/outcome.h"

#include <string.h>

#include "count/agreement.h"
#include "tabulate/ranked.h"

void cv__tally_add_cell(const struct cv__state *st, uint32_t cell, struct cv__tally *t) {
  int32_t v;
  t->cells++;
  if (!cv__cell_settled(cv__cell_status(st, cell, &v))) return;
  const struct cv__entry *e = &st->entries[v];
  const struct cv__contest *ct = &st->def.contests[st->cells[cell].contest];
  t->settled++;
  t->ballots += e->ballots;
  t->blank += e->blank;
  t->invalid += e->invalid;
  t->undervotes += e->undervotes;
  t->overvotes += e->overvotes;
  for (uint32_t i = 0; i < ct->n_choices; i++) t->votes[i] += e->votes[i];
}

struct cv__tally *cv__tally_units_new(const struct cv__state *st, uint32_t ci, struct cv__arena *a) {
  uint32_t nu = st->def.n_units, nc = st->def.contests[ci].n_choices;
  struct cv__tally *t = cv__arena_calloc(a, nu, sizeof *t);
  uint64_t *votes = cv__arena_calloc(a, (size_t)nu * nc, sizeof *votes);
  if (!t || !votes) return NULL;
  for (uint32_t u = 0; u < nu; u++) t[u].votes = votes + (size_t)u * nc;
  return t;
}

static void add_tally(struct cv__tally *to, const struct cv__tally *from, uint32_t n_choices) {
  to->ballots += from->ballots;
  to->blank += from->blank;
  to->invalid += from->invalid;
  to->undervotes += from->undervotes;
  to->overvotes += from->overvotes;
  to->cells += from->cells;
  to->settled += from->settled;
  for (uint32_t i = 0; i < n_choices; i++) to->votes[i] += from->votes[i];
}

void cv__tally_units(const struct cv__state *st, uint32_t ci, struct cv__tally *per_unit) {
  const struct cv__definition *d = &st->def;
  uint32_t nc = d->contests[ci].n_choices;
  for (uint32_t u = 0; u < d->n_units; u++) {
    uint64_t *votes = per_unit[u].votes;
    memset(&per_unit[u], 0, sizeof per_unit[u]);
    per_unit[u].votes = votes;
    memset(votes, 0, nc * sizeof *votes);
  }
  for (size_t b = 0; b < st->n_batches; b++) {
    uint32_t cell;
    if (cv__state_cell(st, (uint32_t)b, ci, &cell))
      cv__tally_add_cell(st, cell, &per_unit[st->batches[b].unit]);
  }
  /* Roll polling places up their ancestry (parents are never polling places). */
  for (uint32_t u = 0; u < d->n_units; u++) {
    if (d->units[u].type != CV__UNIT_POLLING_PLACE) continue;
    for (int32_t p = d->units[u].parent; p >= 0; p = d->units[p].parent)
      add_tally(&per_unit[p], &per_unit[u], nc);
  }
}

cv_status cv__outcome_compute(const struct cv__state *st, uint32_t ci, const struct cv__tally *total,
                              struct cv__arena *a, struct cv__outcome *o) {
  const struct cv__contest *ct = &st->def.contests[ci];
  memset(o, 0, sizeof *o);
  o->ranked = cv__contest_is_ranked(ct);
  o->untabulated = o->ranked && ct->type != CV__CONTEST_CONDORCET;
  o->complete = total->cells > 0 && total->settled == total->cells;
  uint32_t n = ct->n_choices;
  o->order = cv__arena_alloc(a, n * sizeof *o->order);
  o->elected = cv__arena_alloc(a, n * sizeof *o->elected);
  o->tied = cv__arena_alloc(a, n * sizeof *o->tied);
  if (!o->order || !o->elected || !o->tied) return CV_ENOMEM;
  if (o->untabulated) return CV_OK;
  /* Stable insertion sort by votes, descending: equal votes keep definition order. */
  for (uint32_t i = 0; i < n; i++) {
    uint32_t j = i;
    while (j > 0 && total->votes[o->order[j - 1]] < total->votes[i]) {
      o->order[j] = o->order[j - 1];
      j--;
    }
    o->order[j] = i;
  }
  if (ct->type == CV__CONTEST_CONDORCET) {
    struct cv__pairwise m;
    cv_status s = cv__ranked_pairwise(st, ci, &m);
    if (s != CV_OK) return s;
    s = cv__condorcet_outcome(st, ci, &m, a, o, NULL);
    cv__pairwise_fini(&m);
    return s;
  }
  if (ct->type == CV__CONTEST_MEASURE) {
    uint64_t yes = total->votes[0], no = total->votes[1];
    switch (ct->passing) {
    case CV__PASS_MAJORITY: o->passed = yes > no; break;
    case CV__PASS_TWO_THIRDS: o->passed = yes > 0 && yes * 3 >= (yes + no) * 2; break;
    case CV__PASS_THREE_FIFTHS: o->passed = yes > 0 && yes * 5 >= (yes + no) * 3; break;
    }
    return CV_OK;
  }
  uint32_t seats = ct->seats;
  if (n <= seats) {
    memcpy(o->elected, o->order, n * sizeof *o->order);
    o->n_elected = n;
    return CV_OK;
  }
  uint64_t last = total->votes[o->order[seats - 1]], next = total->votes[o->order[seats]];
  uint32_t above = 0;
  for (uint32_t i = 0; i < seats; i++)
    if (total->votes[o->order[i]] > last) o->elected[above++] = o->order[i];
  if (last > next) {
    for (uint32_t i = above; i < seats; i++) o->elected[i] = o->order[i];
    o->n_elected = seats;
    return CV_OK;
  }
  o->tie = true;
  o->seats_in_tie = seats - above;
  for (uint32_t i = 0; i < n; i++)
    if (total->votes[i] == last) o->tied[o->n_tied++] = i;
  o->n_elected = above;
  cv__outcome_apply_lot(st, ci, o);
  return CV_OK;
}

void cv__outcome_apply_lot(const struct cv__state *st, uint32_t ci, struct cv__outcome *o) {
  const struct cv__lot *lot = cv__state_lot(st, ci);
  if (!lot || lot->n_tied != o->n_tied || memcmp(lot->tied, o->tied, o->n_tied * sizeof *o->tied) != 0)
    return;
  uint32_t above = o->n_elected;
  for (uint32_t i = 0; i < o->seats_in_tie; i++) o->elected[above + i] = lot->order[i];
  o->n_elected = above + o->seats_in_tie;
  o->lot_applied = true;
  o->lot_seq = lot->seq;
}
