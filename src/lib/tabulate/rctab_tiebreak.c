/* tabulate/rctab_tiebreak.c: deciding ties the way RCTab's tiebreak modes do.
 *
 * Tied candidates are first sorted by name, as RCTab sorts them. Then:
 * random draws an index with java.util.Random's nextDouble; the two
 * permutation modes take the earliest (winner) or latest (loser) candidate
 * of the configured or generated order; the "previous round counts" modes
 * look back round by round for the most (winner) or fewest (loser) votes and
 * fall back to random or to asking. Asking is not interactive here: the
 * caller passes the decisions in advance ("A|B", one per tie, in order), or
 * the count stops with CV_ETIE naming the tied candidates. */
#include <stdio.h>
#include <string.h>

#include "tabulate/rctab.h"
#include "util/alloc.h"
#include "util/error.h"

/* A candidate's name. */
static const char *cname(const struct cv__rc_contest *c, uint32_t i) { return c->cfg.cands[i].name; }

/* Sorts candidate indexes by name, as Collections.sort on the names. */
static void sort_by_name(const struct cv__rc_contest *c, uint32_t *v, size_t n) {
  for (size_t i = 1; i < n; i++) {
    uint32_t x = v[i];
    size_t j = i;
    while (j > 0 && cv__rc_jcmp(cname(c, v[j - 1]), cname(c, x)) > 0) {
      v[j] = v[j - 1];
      j--;
    }
    v[j] = x;
  }
}

/* "A", "B" and "C" */
static void list_names(const struct cv__rc_contest *c, const uint32_t *v, size_t n, char *out, size_t cap) {
  size_t len = 0;
  out[0] = '\0';
  for (size_t i = 0; i < n && len < cap; i++) {
    const char *sep = i == 0 ? "" : i + 1 == n ? " and " : ", ";
    int w = snprintf(out + len, cap - len, "%s\"%s\"", sep, cname(c, v[i]));
    if (w < 0) break;
    len += (size_t)w;
  }
}

/* The next --tiebreak decision, or CV_ETIE naming the tied candidates. */
static cv_status ask(struct cv__rc_contest *c, const uint32_t *tied, size_t n, bool winner, struct cv__dec votes,
                     uint32_t *out, struct cv_error *err) {
  char names[400], vs[CV__DEC_STR_MAX];
  list_names(c, tied, n, names, sizeof names);
  const char *a = c->tiebreak_answers;
  if (!a || !*a)
    return cv__failf(err, CV_ETIE,
                     "tie needs a decision: in round %u %s each have %s vote(s); name the candidate who "
                     "should %s with --tiebreak (decisions separated by '|', one per tie, in order)",
                     c->round, names, cv__dec_str(votes, vs), winner ? "win" : "lose");
  const char *bar = strchr(a, '|');
  size_t len = bar ? (size_t)(bar - a) : strlen(a);
  for (size_t i = 0; i < n; i++) {
    const char *nm = cname(c, tied[i]);
    if (strlen(nm) == len && memcmp(nm, a, len) == 0) {
      c->tiebreak_answers = bar ? bar + 1 : a + len;
      *out = tied[i];
      return CV_OK;
    }
  }
  return cv__failf(err, CV_EUSAGE, "--tiebreak decision \"%.*s\" is not one of the tied candidates %s (round %u)",
                   (int)len, a, names, c->round);
}

/* The earliest (winner) or latest (loser) tied candidate in the permutation. */
static uint32_t by_permutation(const struct cv__rc_contest *c, const uint32_t *tied, size_t n, bool winner,
                               bool *found) {
  *found = false;
  for (size_t k = 0; k < c->n_permutation; k++) {
    uint32_t p = c->permutation[winner ? k : c->n_permutation - 1 - k];
    for (size_t i = 0; i < n; i++)
      if (tied[i] == p) {
        *found = true;
        return p;
      }
  }
  return tied[0];
}

cv_status cv__rc_tiebreak(struct cv__rc_contest *c, uint32_t *tied, size_t n, bool winner, struct cv__dec votes,
                          uint32_t *out, struct cv_error *err) {
  sort_by_name(c, tied, n);
  switch (c->cfg.tiebreak) {
  case CV__RC_TB_ASK:
    return ask(c, tied, n, winner, votes, out, err);
  case CV__RC_TB_RANDOM:
    *out = tied[cv__jrandom_pick(&c->rng, n)];
    return CV_OK;
  case CV__RC_TB_USE_ORDER:
  case CV__RC_TB_GENERATE: {
    bool found;
    *out = by_permutation(c, tied, n, winner, &found);
    if (!found)
      return cv__failf(err, CV_EINVAL, "round %u: none of the tied candidates is in the tie-breaking order",
                       c->round);
    return CV_OK;
  }
  default:
    break;
  }
  /* previous round counts, then random or asking */
  uint32_t *cur = cv__malloc(n * sizeof *cur), *next = cv__malloc(n * sizeof *next);
  size_t *order = cv__malloc(n * sizeof *order);
  const char **keys = cv__malloc(n * sizeof *keys);
  if (!cur || !next || !order || !keys) {
    cv__free(cur), cv__free(next), cv__free(order), cv__free(keys);
    return cv__failf(err, CV_ENOMEM, "out of memory");
  }
  memcpy(cur, tied, n * sizeof *cur);
  size_t m = n;
  cv_status st = CV_OK;
  bool decided = false;
  for (uint32_t r = c->round - 1; r >= 1 && !decided; r--) {
    const struct cv__rc_tally *t = &c->tallies[r - 1];
    /* RCTab rebuilds the contenders through a HashSet: its iteration order
     * is the order the survivors keep (it matters to a later random draw). */
    for (size_t i = 0; i < m; i++) keys[i] = cname(c, cur[i]);
    size_t cap = 16;
    size_t init = (size_t)((float)m / 0.75f) + 1;
    while (cap < init) cap *= 2;
    cv__rc_hash_order(keys, m, cap, order);
    struct cv__dec best = {0, 0};
    bool have = false;
    for (size_t i = 0; i < m; i++) {
      struct cv__dec v = t->present[cur[i]] ? t->cand[cur[i]] : cv__dec_int(0);
      int cmp = have ? cv__dec_cmp(v, best) : 0;
      if (!have || (winner ? cmp > 0 : cmp < 0)) best = v, have = true;
    }
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
      uint32_t x = cur[order[i]];
      struct cv__dec v = t->present[x] ? t->cand[x] : cv__dec_int(0);
      if (cv__dec_cmp(v, best) == 0) next[k++] = x;
    }
    memcpy(cur, next, k * sizeof *cur);
    m = k;
    if (m == 1) {
      *out = cur[0];
      decided = true;
    }
  }
  if (!decided) {
    if (c->cfg.tiebreak == CV__RC_TB_PREVIOUS_THEN_ASK) st = ask(c, cur, m, winner, votes, out, err);
    else *out = cur[cv__jrandom_pick(&c->rng, m)];
  }
  cv__free(cur), cv__free(next), cv__free(order), cv__free(keys);
  return st;
}

cv_status cv__rc_tiebreak_init(struct cv__rc_contest *c, struct cv_error *err) {
  enum cv__rc_tiebreak m = c->cfg.tiebreak;
  if (m == CV__RC_TB_RANDOM || m == CV__RC_TB_PREVIOUS_THEN_RANDOM || m == CV__RC_TB_GENERATE)
    cv__jrandom_init(&c->rng, c->cfg.seed);
  if (m != CV__RC_TB_USE_ORDER && m != CV__RC_TB_GENERATE) return CV_OK;
  size_t n = c->cfg.n_declared;
  if (!c->permutation) {
    c->permutation = cv__arena_calloc(&c->arena, n, sizeof *c->permutation);
    if (!c->permutation) return cv__failf(err, CV_ENOMEM, "out of memory");
  }
  c->n_permutation = n;
  for (size_t i = 0; i < n; i++) c->permutation[i] = (uint32_t)i;
  if (m == CV__RC_TB_GENERATE) {
    /* RCTab sorts the names first so the shuffle does not depend on the
     * order of the configuration, then shuffles with the seeded generator. */
    sort_by_name(c, c->permutation, n);
    cv__jrandom_shuffle(&c->rng, c->permutation, n);
  }
  return CV_OK;
}
