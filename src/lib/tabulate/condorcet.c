#include "tabulate/condorcet.h"

#include <string.h>

#include "util/alloc.h"

cv_status cv__pairwise_init(struct cv__pairwise *m, uint32_t n) {
  memset(m, 0, sizeof *m);
  if (n == 0 || n > CV__CONDORCET_MAX_CANDIDATES) return CV_ELIMIT;
  m->d = cv__calloc((size_t)n * n, sizeof *m->d);
  if (!m->d) return CV_ENOMEM;
  m->n = n;
  return CV_OK;
}

void cv__pairwise_fini(struct cv__pairwise *m) {
  if (!m) return;
  cv__free(m->d);
  memset(m, 0, sizeof *m);
}

/* i is above j on the ballot: a better rank, or ranked against unranked. */
static bool above(uint32_t ri, uint32_t rj) { return ri != 0 && (rj == 0 || ri < rj); }

cv_status cv__pairwise_add_ballot(struct cv__pairwise *m, const uint32_t *rank, uint64_t weight) {
  uint32_t n = m->n;
  /* Check first so that an overflow adds nothing. */
  if (m->ballots > UINT64_MAX - weight) return CV_ELIMIT;
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = 0; j < n; j++)
      if (i != j && above(rank[i], rank[j]) && m->d[(size_t)i * n + j] > UINT64_MAX - weight)
        return CV_ELIMIT;
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = 0; j < n; j++)
      if (i != j && above(rank[i], rank[j])) m->d[(size_t)i * n + j] += weight;
  m->ballots += weight;
  return CV_OK;
}

cv_status cv__pairwise_add(struct cv__pairwise *a, const struct cv__pairwise *b) {
  size_t nn = (size_t)a->n * a->n;
  if (a->n != b->n) return CV_EINTERNAL;
  if (a->ballots > UINT64_MAX - b->ballots) return CV_ELIMIT;
  for (size_t k = 0; k < nn; k++)
    if (a->d[k] > UINT64_MAX - b->d[k]) return CV_ELIMIT;
  for (size_t k = 0; k < nn; k++) a->d[k] += b->d[k];
  a->ballots += b->ballots;
  return CV_OK;
}

static uint64_t d_at(const struct cv__pairwise *m, uint32_t i, uint32_t j) {
  return m->d[(size_t)i * m->n + j];
}

int32_t cv__condorcet_winner(const struct cv__pairwise *m) {
  for (uint32_t i = 0; i < m->n; i++) {
    bool beats_all = true;
    for (uint32_t j = 0; j < m->n && beats_all; j++)
      if (i != j && d_at(m, i, j) <= d_at(m, j, i)) beats_all = false;
    if (beats_all) return (int32_t)i;
  }
  return -1;
}

/* ---- Schulze ---------------------------------------------------------------- */

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

uint32_t cv__schulze(const struct cv__pairwise *m, uint64_t *p, bool *winner, uint32_t *order) {
  uint32_t n = m->n;
  /* p[i][j]: the strength of the strongest path from i to j, where a link
   * i -> j exists when more ballots rank i above j, of strength d[i][j]. */
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = 0; j < n; j++)
      p[(size_t)i * n + j] = i != j && d_at(m, i, j) > d_at(m, j, i) ? d_at(m, i, j) : 0;
  for (uint32_t k = 0; k < n; k++)
    for (uint32_t i = 0; i < n; i++) {
      if (i == k) continue;
      for (uint32_t j = 0; j < n; j++) {
        if (j == i || j == k) continue;
        uint64_t via = min_u64(p[(size_t)i * n + k], p[(size_t)k * n + j]);
        if (via > p[(size_t)i * n + j]) p[(size_t)i * n + j] = via;
      }
    }
  uint32_t n_win = 0;
  for (uint32_t i = 0; i < n; i++) {
    winner[i] = true;
    for (uint32_t j = 0; j < n && winner[i]; j++)
      if (j != i && p[(size_t)j * n + i] > p[(size_t)i * n + j]) winner[i] = false;
    n_win += winner[i];
  }
  /* The Schulze relation is transitive, so ordering by how many candidates
   * each one beats in it lists the candidates best first. */
  for (uint32_t i = 0; i < n; i++) order[i] = i;
  for (uint32_t a = 1; a < n; a++) {
    uint32_t c = order[a], wins_c = 0;
    for (uint32_t j = 0; j < n; j++) wins_c += j != c && p[(size_t)c * n + j] > p[(size_t)j * n + c];
    uint32_t b = a;
    while (b > 0) {
      uint32_t o = order[b - 1], wins_o = 0;
      for (uint32_t j = 0; j < n; j++) wins_o += j != o && p[(size_t)o * n + j] > p[(size_t)j * n + o];
      if (wins_o >= wins_c) break;
      order[b] = o;
      b--;
    }
    order[b] = c;
  }
  return n_win;
}

/* ---- Ranked Pairs ------------------------------------------------------------ */

struct pair {
  uint32_t win, lose;
  uint64_t for_, against;
};

/* Stronger first: more winning votes, then fewer losing votes. */
static int strength_cmp(const struct pair *a, const struct pair *b) {
  if (a->for_ != b->for_) return a->for_ > b->for_ ? -1 : 1;
  if (a->against != b->against) return a->against < b->against ? -1 : 1;
  return 0;
}

/* True when a path from 'from' to 'to' exists in the locked graph. */
static bool reaches(const bool *locked, uint32_t n, uint32_t from, uint32_t to, uint32_t *stack,
                    bool *seen) {
  memset(seen, 0, n * sizeof *seen);
  uint32_t top = 0;
  stack[top++] = from;
  seen[from] = true;
  while (top) {
    uint32_t v = stack[--top];
    if (v == to) return true;
    for (uint32_t w = 0; w < n; w++)
      if (locked[(size_t)v * n + w] && !seen[w]) {
        seen[w] = true;
        stack[top++] = w;
      }
  }
  return false;
}

/* Tideman's order for equally strong pairs under a tie-break ranking. */
static int tiebreak_cmp(const struct pair *a, const struct pair *b, const uint32_t *pos) {
  if (a->win != b->win) return pos[a->win] < pos[b->win] ? -1 : 1;
  if (a->lose != b->lose) return pos[a->lose] > pos[b->lose] ? -1 : 1;
  return 0;
}

cv_status cv__ranked_pairs(const struct cv__pairwise *m, const uint32_t *tiebreak, bool *locked,
                           bool *winner, uint32_t *n_winners) {
  uint32_t n = m->n;
  size_t max_pairs = (size_t)n * (n - 1) / 2;
  struct pair *pairs = cv__malloc((max_pairs ? max_pairs : 1) * sizeof *pairs);
  uint32_t *stack = cv__malloc(((size_t)n * 2 + 1) * sizeof *stack);
  bool *seen = cv__malloc(((size_t)n + 1) * sizeof *seen);
  bool *skip = cv__malloc((max_pairs ? max_pairs : 1) * sizeof *skip);
  memset(locked, 0, (size_t)n * n * sizeof *locked);
  for (uint32_t i = 0; i < n; i++) winner[i] = false;
  if (!pairs || !stack || !seen || !skip) {
    cv__free(pairs);
    cv__free(stack);
    cv__free(seen);
    cv__free(skip);
    return CV_ENOMEM;
  }
  uint32_t *pos = stack + n; /* tie-break position of each candidate */
  if (tiebreak)
    for (uint32_t k = 0; k < n; k++) pos[tiebreak[k]] = k;
  size_t np = 0;
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = i + 1; j < n; j++) {
      uint64_t a = d_at(m, i, j), b = d_at(m, j, i);
      if (a == b) continue; /* no majority either way: no pair to lock */
      pairs[np++] = a > b ? (struct pair){i, j, a, b} : (struct pair){j, i, b, a};
    }
  /* Insertion sort: n is small (capped) and the order must be total. */
  for (size_t a = 1; a < np; a++) {
    struct pair x = pairs[a];
    size_t b = a;
    while (b > 0) {
      int c = strength_cmp(&pairs[b - 1], &x);
      if (c == 0 && tiebreak) c = tiebreak_cmp(&pairs[b - 1], &x, pos);
      if (c <= 0) break;
      pairs[b] = pairs[b - 1];
      b--;
    }
    pairs[b] = x;
  }
  bool stopped = false;
  for (size_t g = 0; g < np && !stopped;) {
    size_t h = g + 1;
    while (h < np && strength_cmp(&pairs[g], &pairs[h]) == 0) h++;
    if (tiebreak || h == g + 1) {
      for (size_t k = g; k < h; k++)
        if (!reaches(locked, n, pairs[k].lose, pairs[k].win, stack, seen))
          locked[(size_t)pairs[k].win * n + pairs[k].lose] = true;
    } else {
      /* Equal strength, no tie-break: pairs that close a cycle with what is
       * already locked are skipped in every order. If the others lock
       * together without a cycle, their order does not matter. */
      const struct pair *grp = pairs + g;
      size_t ng = h - g;
      for (size_t k = 0; k < ng; k++) skip[k] = reaches(locked, n, grp[k].lose, grp[k].win, stack, seen);
      for (size_t k = 0; k < ng; k++)
        if (!skip[k]) locked[(size_t)grp[k].win * n + grp[k].lose] = true;
      /* A cycle among them: some order would skip a pair another keeps. */
      bool cyclic = false;
      for (size_t k = 0; k < ng && !cyclic; k++)
        if (!skip[k]) {
          locked[(size_t)grp[k].win * n + grp[k].lose] = false;
          cyclic = reaches(locked, n, grp[k].lose, grp[k].win, stack, seen);
          locked[(size_t)grp[k].win * n + grp[k].lose] = true;
        }
      if (cyclic) {
        for (size_t k = 0; k < ng; k++)
          if (!skip[k]) locked[(size_t)grp[k].win * n + grp[k].lose] = false;
        stopped = true;
      }
    }
    g = h;
  }
  uint32_t n_win = 0;
  for (uint32_t j = 0; j < n; j++) {
    bool beaten = false;
    for (uint32_t i = 0; i < n && !beaten; i++) beaten = locked[(size_t)i * n + j];
    winner[j] = !beaten;
    n_win += !beaten;
  }
  cv__free(pairs);
  cv__free(stack);
  cv__free(seen);
  cv__free(skip);
  *n_winners = n_win;
  return CV_OK;
}
