/* tabulate/condorcet.h: pairwise counts and the Condorcet methods on them.
 *
 * A pairwise matrix holds, for every ordered pair of candidates (i, j), how
 * many ballots rank i above j. A ballot ranks i above j when it gives i a
 * better (smaller) rank than j, or ranks i and leaves j unranked; equal ranks
 * and two unranked candidates express no preference. Matrices of batches add
 * up cell by cell, like tally sheets, so a hand count can check each batch's
 * matrix and the contest's matrix is their sum.
 *
 * Two winner rules sit on top (docs/condorcet.md):
 * - Schulze, with the strength of a link measured by winning votes;
 * - Ranked Pairs (Tideman), pairs taken by winning votes (more first), then
 *   by losing votes (fewer first).
 * Neither breaks a tie silently: when the rule leaves more than one winner,
 * or Ranked Pairs meets equally strong pairs whose order would change the
 * result, the caller gets every candidate still in the running and decides
 * by a recorded lot (tabulate/lot.h), or passes a tie-break order. */
#ifndef CV_TABULATE_CONDORCET_H
#define CV_TABULATE_CONDORCET_H

#include <stdbool.h>
#include <stdint.h>

#include "canvass/status.h"

#define CV__CONDORCET_MAX_CANDIDATES 256u

struct cv__pairwise {
  uint32_t n;       /* candidates */
  uint64_t *d;      /* n * n: d[i * n + j] ballots ranking i above j */
  uint64_t ballots; /* ballots added, each with its weight */
};

/* n candidates, all counts zero. CV_ELIMIT above the cap, CV_ENOMEM. */
cv_status cv__pairwise_init(struct cv__pairwise *m, uint32_t n);
void cv__pairwise_fini(struct cv__pairwise *m);

/* Adds weight ballots with the ranking rank[0..n) (rank[c] is candidate c's
 * rank, 1 best; 0 unranked). CV_ELIMIT if a count would overflow (nothing is
 * added then). */
cv_status cv__pairwise_add_ballot(struct cv__pairwise *m, const uint32_t *rank, uint64_t weight);

/* Adds every count of b into a (same n). CV_ELIMIT on overflow, a unchanged. */
cv_status cv__pairwise_add(struct cv__pairwise *a, const struct cv__pairwise *b);

/* The candidate who beats every other one pairwise, or -1. */
int32_t cv__condorcet_winner(const struct cv__pairwise *m);

/* Schulze. winner[c] is set for every candidate c the rule leaves as a
 * winner (more than one means a tie); order[] receives all candidates best
 * first by the Schulze relation, equals side by side. Returns the number of
 * winners. paths (n * n) is scratch the caller provides. */
uint32_t cv__schulze(const struct cv__pairwise *m, uint64_t *paths, bool *winner, uint32_t *order);

/* Ranked Pairs. tiebreak[] (a ranking of all candidates, best first, from a
 * lot) orders equally strong pairs: the pair whose winner ranks better
 * first, and for the same winner, the pair whose loser ranks worse first.
 * NULL means none was drawn. Fills winner[] and *n_winners (CV_ENOMEM
 * leaves them unset). Without a tiebreak, when equally strong pairs would lock
 * differently depending on their order, locking stops there and the winners
 * are the candidates no locked pair beats yet: every candidate that any
 * order could make the winner is among them, so one winner is certain and
 * more than one is a tie to settle by lot. locked (n * n) is scratch. */
cv_status cv__ranked_pairs(const struct cv__pairwise *m, const uint32_t *tiebreak, bool *locked,
                           bool *winner, uint32_t *n_winners);

#endif
