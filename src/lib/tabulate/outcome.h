/* tabulate/outcome.h: totals of settled counts, and who wins.
 *
 * Only settled (agreed or resolved) batch x contest results are added up.
 * Vote-for-N plurality and approval contests elect the N highest; measures
 * pass by their passing rule. A tie for the last seat(s) is never broken here:
 * it is reported, and only a recorded lot (tabulate/lot.h) decides it. */
#ifndef CV_TABULATE_OUTCOME_H
#define CV_TABULATE_OUTCOME_H

#include "election/state.h"

struct cv__tally {
  uint64_t ballots, blank, invalid, undervotes, overvotes;
  uint64_t *votes;     /* one per choice; storage owned by the caller */
  uint32_t cells;      /* batch x contest results in scope */
  uint32_t settled;    /* of which agreed or resolved */
};

/* Fills per_unit[u] for every unit u (each with votes storage of n_choices)
 * with the settled counts of contest ci in batches within u. Districts and the
 * jurisdiction add up their polling places. */
void cv__tally_units(const struct cv__state *st, uint32_t ci, struct cv__tally *per_unit);

/* Adds the settled numbers of one cell to t (t->cells and t->settled too). */
void cv__tally_add_cell(const struct cv__state *st, uint32_t cell, struct cv__tally *t);

/* Allocates tallies for every unit of contest ci from a; NULL on failure. */
struct cv__tally *cv__tally_units_new(const struct cv__state *st, uint32_t ci, struct cv__arena *a);

struct cv__outcome {
  bool ranked;          /* a ranked contest: totals are first choices */
  bool untabulated;     /* a ranked contest this release does not tabulate (irv, stv) */
  bool complete;        /* every batch x contest result is settled */
  uint32_t *order;      /* choice indices, most votes first (ties: definition order) */
  uint32_t *elected;    /* seats filled, in order */
  uint32_t n_elected;
  bool tie;             /* a tie decides the last seat(s) */
  uint32_t *tied;       /* tied choices, ascending index */
  uint32_t n_tied;
  uint32_t seats_in_tie;
  bool lot_applied;     /* a recorded lot decided the tie */
  uint64_t lot_seq;
  bool passed;          /* measures */
};

/* Works out the outcome of contest ci from its total (Condorcet contests
 * from their pairwise matrix, tabulate/ranked.h). Arrays come from a. */
cv_status cv__outcome_compute(const struct cv__state *st, uint32_t ci, const struct cv__tally *total,
                              struct cv__arena *a, struct cv__outcome *o);

/* When o has a tie (o->tied, o->seats_in_tie, o->n_elected seats already
 * filled) and a recorded lot of contest ci drew exactly those choices, fills
 * the tied seats in the drawn order and marks o->lot_applied. */
void cv__outcome_apply_lot(const struct cv__state *st, uint32_t ci, struct cv__outcome *o);

#endif
