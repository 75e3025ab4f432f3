/* tabulate/ranked.h: ranked contests counted from the settled keyings.
 *
 * The ballots of a ranked contest are the rankings of its settled (agreed
 * or resolved) batch keyings (count/ranking.h). Identical rankings are
 * counted once with a weight, so the work follows distinct rankings rather
 * than ballots.
 *
 * Condorcet contests: the pairwise matrix of each batch is what a hand
 * count can check; the contest's matrix is their sum, and the winner is the
 * Condorcet winner or, failing one, the winner by the contest's method
 * (tabulate/condorcet.h). A tie the method leaves goes to a recorded lot
 * among the tied choices, exactly like a tie for a seat. */
#ifndef CV_TABULATE_RANKED_H
#define CV_TABULATE_RANKED_H

#include "election/state.h"
#include "tabulate/condorcet.h"
#include "tabulate/outcome.h"

/* Adds the settled keying of cell (nothing when it is not settled) to m,
 * which has one row per choice of the cell's contest. CV_ELIMIT on overflow,
 * CV_ENOMEM. */
cv_status cv__ranked_pairwise_cell(const struct cv__state *st, uint32_t cell, struct cv__pairwise *m);

/* The matrix of contest ci over all its settled batches (m initialised by
 * the call; the caller finishes it with cv__pairwise_fini). */
cv_status cv__ranked_pairwise(const struct cv__state *st, uint32_t ci, struct cv__pairwise *m);

/* What the method says, for reports. */
struct cv__condorcet_result {
  int32_t condorcet_winner;   /* -1: none */
  uint32_t n_winners;
  bool *winner;               /* per choice */
  uint32_t *order;            /* Schulze: all choices best first; NULL for Ranked Pairs */
  bool *strictly;             /* Schulze: strictly[k], order[k] beats order[k + 1] (else equal) */
};

/* Fills o (the shape cv__outcome_compute gives every contest) for a
 * Condorcet contest from its matrix m, and r when not NULL. Arrays come from
 * a. One winner is elected; several are a tie for the seat, settled only by
 * the recorded lot of those choices, if any. */
cv_status cv__condorcet_outcome(const struct cv__state *st, uint32_t ci, const struct cv__pairwise *m,
                                struct cv__arena *a, struct cv__outcome *o,
                                struct cv__condorcet_result *r);

#endif
