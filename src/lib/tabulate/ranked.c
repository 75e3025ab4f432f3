#include "tabulate/ranked.h"

#include <stdlib.h>
#include <string.h>

#include "count/agreement.h"
#include "count/ranking.h"
#include "util/alloc.h"

static int text_cmp(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* rank[c]: the best (smallest) rank at which choice c is marked, 0 if none.
 * Choices marked together at one rank share it; a choice marked again at a
 * later rank keeps its first. */
static void ranks_of(const struct cv__contest *ct, const char *ranking, uint32_t *marks, uint32_t *n,
                     uint32_t *rank) {
  memset(rank, 0, ct->n_choices * sizeof *rank);
  uint32_t nr = cv__ranking_decode(ct, ranking, ct->votes_allowed, marks, n);
  uint32_t k = 0;
  for (uint32_t r = 0; r < nr; r++)
    for (uint32_t j = 0; j < n[r]; j++, k++)
      if (rank[marks[k]] == 0) rank[marks[k]] = r + 1;
}

cv_status cv__ranked_pairwise_cell(const struct cv__state *st, uint32_t cell, struct cv__pairwise *m) {
  int32_t v;
  if (!cv__cell_settled(cv__cell_status(st, cell, &v))) return CV_OK;
  const struct cv__entry *e = &st->entries[v];
  const struct cv__contest *ct = &st->def.contests[st->cells[cell].contest];
  if (!e->rankings || e->n_rankings == 0) return CV_OK;
  /* Distinct rankings with their counts: sort a copy of the pointers. */
  const char **sorted = cv__malloc(e->n_rankings * sizeof *sorted);
  uint32_t *marks = cv__malloc(((size_t)ct->n_choices * ct->votes_allowed + 1) * sizeof *marks);
  uint32_t *n = cv__malloc(((size_t)ct->votes_allowed + 1) * sizeof *n);
  uint32_t *rank = cv__malloc(((size_t)ct->n_choices + 1) * sizeof *rank);
  cv_status s = CV_OK;
  if (!sorted || !marks || !n || !rank) {
    s = CV_ENOMEM;
    goto out;
  }
  memcpy(sorted, e->rankings, e->n_rankings * sizeof *sorted);
  qsort(sorted, e->n_rankings, sizeof *sorted, text_cmp);
  for (uint32_t i = 0; i < e->n_rankings && s == CV_OK;) {
    uint32_t j = i + 1;
    while (j < e->n_rankings && strcmp(sorted[j], sorted[i]) == 0) j++;
    ranks_of(ct, sorted[i], marks, n, rank);
    s = cv__pairwise_add_ballot(m, rank, j - i);
    i = j;
  }
out:
  cv__free(sorted);
  cv__free(marks);
  cv__free(n);
  cv__free(rank);
  return s;
}

cv_status cv__ranked_pairwise(const struct cv__state *st, uint32_t ci, struct cv__pairwise *m) {
  cv_status s = cv__pairwise_init(m, st->def.contests[ci].n_choices);
  for (size_t b = 0; b < st->n_batches && s == CV_OK; b++) {
    uint32_t cell;
    if (cv__state_cell(st, (uint32_t)b, ci, &cell)) s = cv__ranked_pairwise_cell(st, cell, m);
  }
  if (s != CV_OK) cv__pairwise_fini(m);
  return s;
}

cv_status cv__condorcet_outcome(const struct cv__state *st, uint32_t ci, const struct cv__pairwise *m,
                                struct cv__arena *a, struct cv__outcome *o,
                                struct cv__condorcet_result *r) {
  const struct cv__contest *ct = &st->def.contests[ci];
  uint32_t nc = ct->n_choices;
  bool *winner = cv__arena_calloc(a, nc, sizeof *winner);
  uint32_t *order = cv__arena_calloc(a, nc, sizeof *order);
  if (!winner || !order) return CV_ENOMEM;
  bool *strictly = cv__arena_calloc(a, nc, sizeof *strictly);
  if (!strictly) return CV_ENOMEM;
  uint32_t n_win = 0;
  if (ct->method == CV__SCHULZE) {
    uint64_t *paths = cv__malloc((size_t)nc * nc * sizeof *paths);
    if (!paths) return CV_ENOMEM;
    n_win = cv__schulze(m, paths, winner, order);
    for (uint32_t k = 0; k + 1 < nc; k++)
      strictly[k] = paths[(size_t)order[k] * nc + order[k + 1]] > paths[(size_t)order[k + 1] * nc + order[k]];
    cv__free(paths);
  } else {
    bool *locked = cv__malloc((size_t)nc * nc * sizeof *locked);
    if (!locked) return CV_ENOMEM;
    cv_status s = cv__ranked_pairs(m, NULL, locked, winner, &n_win);
    cv__free(locked);
    if (s != CV_OK) return s;
    order = NULL;
  }
  if (r) {
    r->condorcet_winner = cv__condorcet_winner(m);
    r->n_winners = n_win;
    r->winner = winner;
    r->order = order;
    r->strictly = order ? strictly : NULL;
  }
  o->n_elected = 0;
  o->tie = false;
  o->n_tied = 0;
  if (n_win == 1) {
    for (uint32_t i = 0; i < nc; i++)
      if (winner[i]) o->elected[o->n_elected++] = i;
    return CV_OK;
  }
  /* Several winners: a tie for the one seat, for a lot among them. */
  o->tie = true;
  o->seats_in_tie = 1;
  for (uint32_t i = 0; i < nc; i++)
    if (winner[i]) o->tied[o->n_tied++] = i;
  cv__outcome_apply_lot(st, ci, o);
  return CV_OK;
}
