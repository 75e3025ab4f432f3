/* tabulate/stv_meek.c: the iterative rules: Meek (droop's "meek", the
 * OpenSTV keep arithmetic), Warren, and the PR Foundation's reference Meek
 * ("meek-prf", fixed 9 places, omega 10^-6, keep rounded up).
 *
 * Every iteration redistributes every ballot group from its first
 * preference with the current keep factors, so groups need no position.
 * Equal rankings (a=b) share a ballot's weight equally between the tied
 * candidates, as droop does, for meek and warren. */
#include "tabulate/stv.h"

#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

#define MAX_EQUAL_STEPS 1000000u /* per group per distribution: equal ranks branch */

static bool counts(const struct cv__stv_count *k, uint32_t c) {
  return (k->c[c].state == CV__CAND_HOPEFUL || k->c[c].state == CV__CAND_ELECTED) &&
         !cv__arith_is_zero(k->c[c].kf);
}

/* keep and the weight passed on, from weight w at a candidate with keep
 * factor kf. */
static void keep_of(struct cv__stv_count *k, mpq_t keep, mpq_t w, const mpq_t kf) {
  if (k->cfg->rule == CV__STV_WARREN) {
    if (cv__arith_cmp(&k->A, kf, w) < 0)
      mpq_set(keep, kf);
    else
      mpq_set(keep, w);
    cv__arith_sub(&k->A, w, w, keep);
  } else if (k->cfg->rule == CV__STV_MEEK_PRF) {
    cv__arith_mul(&k->A, keep, w, kf, CV__ROUND_UP);
    cv__arith_sub(&k->A, w, w, keep);
  } else {
    cv__arith_sub(&k->A, k->t3, k->one, kf);
    cv__arith_mul(&k->A, keep, w, kf, CV__ROUND_DOWN);
    cv__arith_mul(&k->A, w, w, k->t3, CV__ROUND_DOWN);
  }
}

struct eqctx {
  struct cv__stv_count *k;
  const struct cv__stv_group *g;
  uint32_t *rank_start; /* offsets of each rank in g->prefs, plus end */
  uint32_t nrank;
  uint64_t steps;
  mpq_t *scratch; /* two per depth */
};

/* droop's recursive descent over equal ranks: the weight reaching rank i is
 * split equally among its counting candidates, each passing its remainder
 * on. A rank with no counting candidate ends the ballot there. */
static void dist_equal(struct eqctx *e, uint32_t i, const mpq_t weight) {
  struct cv__stv_count *k = e->k;
  if (cv__arith_is_zero(weight) || i >= e->nrank) return;
  if (++e->steps > MAX_EQUAL_STEPS) {
    if (k->status == CV_OK)
      k->status = cv__failf(k->err, CV_ELIMIT, "equal rankings branch into more than %u steps",
                            MAX_EQUAL_STEPS);
    return;
  }
  uint32_t n = 0;
  for (uint32_t j = e->rank_start[i]; j < e->rank_start[i + 1]; j++)
    n += counts(k, e->g->prefs[j] & ~CV__BLT_EQUAL);
  if (!n) return;
  mpq_t *cw = &e->scratch[3 * i], *w = &e->scratch[3 * i + 1], *keep = &e->scratch[3 * i + 2];
  cv__arith_set_u64(&k->A, *w, n);
  cv__arith_div(&k->A, *cw, weight, *w, CV__ROUND_DOWN);
  for (uint32_t j = e->rank_start[i]; j < e->rank_start[i + 1]; j++) {
    uint32_t c = e->g->prefs[j] & ~CV__BLT_EQUAL;
    if (!counts(k, c)) continue;
    mpq_set(*w, *cw);
    keep_of(k, *keep, *w, k->c[c].kf);
    cv__arith_mul_u64(&k->A, k->t1, *keep, e->g->count);
    cv__arith_add(&k->A, k->c[c].vote, k->c[c].vote, k->t1);
    cv__arith_sub(&k->A, k->t2, k->t2, k->t1); /* t2: the group's residual */
    dist_equal(e, i + 1, *w);
  }
}

/* One distribution of every ballot with the current keep factors. */
static void distribute(struct cv__stv_count *k) {
  for (uint32_t i = 0; i < k->nc; i++)
    if (k->c[i].state == CV__CAND_HOPEFUL || k->c[i].state == CV__CAND_ELECTED)
      mpq_set_ui(k->c[i].vote, 0, 1);
  mpq_set_ui(k->residual, 0, 1);
  mpq_t w, keep;
  mpq_inits(w, keep, NULL);
  for (size_t gi = 0; gi < k->ng && k->status == CV_OK; gi++) {
    const struct cv__stv_group *g = &k->g[gi];
    cv__arith_set_u64(&k->A, k->t2, g->count);
    bool eq = false;
    for (uint32_t j = 0; j < g->n; j++) eq |= (g->prefs[j] & CV__BLT_EQUAL) != 0;
    if (!eq) {
      mpq_set(w, k->one);
      for (uint32_t j = 0; j < g->n; j++) {
        uint32_t c = g->prefs[j];
        if (!counts(k, c)) continue;
        keep_of(k, keep, w, k->c[c].kf);
        cv__arith_mul_u64(&k->A, k->t1, keep, g->count);
        cv__arith_add(&k->A, k->c[c].vote, k->c[c].vote, k->t1);
        cv__arith_sub(&k->A, k->t2, k->t2, k->t1);
        if (mpq_sgn(w) <= 0) break;
      }
    } else {
      struct eqctx e = {k, g, NULL, 0, 0, NULL};
      e.rank_start = cv__calloc(g->n + 1, sizeof *e.rank_start);
      e.scratch = cv__calloc(3 * (size_t)g->n, sizeof *e.scratch);
      if (!e.rank_start || !e.scratch) {
        cv__free(e.rank_start);
        cv__free(e.scratch);
        if (k->status == CV_OK) k->status = cv__failf(k->err, CV_ENOMEM, "out of memory");
        break;
      }
      for (uint32_t j = 0; j < g->n; j++)
        if (!(g->prefs[j] & CV__BLT_EQUAL)) e.rank_start[e.nrank++] = j;
      e.rank_start[e.nrank] = g->n;
      for (size_t j = 0; j < 3 * (size_t)g->n; j++) mpq_init(e.scratch[j]);
      dist_equal(&e, 0, k->one);
      for (size_t j = 0; j < 3 * (size_t)g->n; j++) mpq_clear(e.scratch[j]);
      cv__free(e.rank_start);
      cv__free(e.scratch);
    }
    cv__arith_add(&k->A, k->residual, k->residual, k->t2);
  }
  mpq_clears(w, keep, NULL);
}

/* k->votes = the votes of the hopeful and elected. */
static void sum_votes(struct cv__stv_count *k) {
  mpq_set_ui(k->votes, 0, 1);
  for (uint32_t i = 0; i < k->nc; i++)
    if (k->c[i].state == CV__CAND_HOPEFUL || k->c[i].state == CV__CAND_ELECTED)
      cv__arith_add(&k->A, k->votes, k->votes, k->c[i].vote);
}

/* k->quota = votes / (seats + 1), plus one unit unless the rule compares strictly. */
static void calc_quota(struct cv__stv_count *k) {
  cv__arith_set_u64(&k->A, k->t1, k->blt->n_seats + 1u);
  cv__arith_div(&k->A, k->quota, k->votes, k->t1, CV__ROUND_DOWN);
  if (k->cfg->rule == CV__STV_MEEK_PRF || !k->A.exact)
    cv__arith_add_epsilon(&k->A, k->quota, k->quota);
}

/* Exact arithmetic needs more than the quota (meek-prf: at least). */
static bool has_quota(struct cv__stv_count *k, uint32_t c) {
  int r = cv__arith_cmp(&k->A, k->c[c].vote, k->quota);
  return k->cfg->rule != CV__STV_MEEK_PRF && k->A.exact ? r > 0 : r >= 0;
}

/* k->surplus = the total of the elected's votes above the quota. */
static void elected_surplus(struct cv__stv_count *k) {
  mpq_set_ui(k->surplus, 0, 1);
  for (uint32_t i = 0; i < k->nc; i++)
    if (k->c[i].state == CV__CAND_ELECTED) {
      cv__arith_sub(&k->A, k->t1, k->c[i].vote, k->quota);
      cv__arith_add(&k->A, k->surplus, k->surplus, k->t1);
    }
}

/* Every elected keep factor becomes kf x quota / vote, rounded up. */
static void update_keep(struct cv__stv_count *k) {
  for (uint32_t i = 0; i < k->nc; i++)
    if (k->c[i].state == CV__CAND_ELECTED) {
      cv__arith_mul(&k->A, k->t1, k->c[i].kf, k->quota, CV__ROUND_UP);
      cv__arith_div(&k->A, k->c[i].kf, k->t1, k->c[i].vote, CV__ROUND_UP);
    }
}

enum status { IT_ITERATE, IT_ELECTED, IT_OMEGA, IT_STABLE, IT_BATCH };

/* Iterates until someone is elected, the surplus is below omega, it stops
 * falling, or (meek, warren) a batch of sure losers appears. */
static enum status iterate(struct cv__stv_count *k, uint32_t *batch, uint32_t *n_batch) {
  bool prf = k->cfg->rule == CV__STV_MEEK_PRF;
  mpq_t last;
  mpq_init(last);
  cv__arith_set_u64(&k->A, last, k->n_ballots);
  enum status st = IT_ITERATE;
  *n_batch = 0;
  while (k->status == CV_OK && k->A.status == CV_OK) {
    if (++k->iterations > CV__STV_MAX_ITERATIONS) {
      k->status = cv__failf(k->err, CV_ELIMIT, "more than %u iterations", CV__STV_MAX_ITERATIONS);
      break;
    }
    distribute(k);
    sum_votes(k);
    calc_quota(k);
    for (uint32_t i = 0; i < k->nc; i++)
      if (k->c[i].state == CV__CAND_HOPEFUL && has_quota(k, i)) {
        cv__stv_elect(k, i, false, "quota");
        st = IT_ELECTED;
      }
    elected_surplus(k);
    if (prf && mpq_sgn(k->surplus) < 0) mpq_set_ui(k->surplus, 0, 1);
    if (st == IT_ELECTED) break;
    int c = cv__arith_cmp(&k->A, k->surplus, k->omega);
    if (prf ? c < 0 : c <= 0) {
      st = IT_OMEGA;
      break;
    }
    if (cv__arith_cmp(&k->A, k->surplus, last) >= 0) {
      st = IT_STABLE;
      cv__stv_act(k, "log", -1, "stable state detected");
      break;
    }
    if (!prf && k->cfg->defeat_batch == CV__BATCH_SAFE) {
      *n_batch = cv__stv_batch_defeat(k, k->surplus, batch);
      if (*n_batch) {
        st = IT_BATCH;
        break;
      }
    }
    mpq_set(last, k->surplus);
    update_keep(k);
  }
  mpq_clear(last);
  return st;
}

/* qsort order: ascending candidate index (ballot order). */
static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* Defeats c: its keep factor and vote become 0 (droop then redistributes
 * for the record, except meek-prf). */
static void defeat(struct cv__stv_count *k, uint32_t c, const char *reason, bool redistribute) {
  cv__stv_defeat(k, c, reason);
  mpq_set_ui(k->c[c].kf, 0, 1);
  mpq_set_ui(k->c[c].vote, 0, 1);
  if (redistribute) distribute(k);
}

/* Counts under meek, warren or meek-prf. */
cv_status cv__stv_count_meek(struct cv__stv_count *k) {
  bool prf = k->cfg->rule == CV__STV_MEEK_PRF;
  uint32_t *buf = cv__calloc(k->nc + 1, sizeof *buf);
  if (!buf) return k->status = cv__failf(k->err, CV_ENOMEM, "out of memory");
  /* omega = 1 / 10^omega10 */
  mpz_t p;
  mpz_init(p);
  mpz_ui_pow_ui(p, 10, k->cfg->omega);
  mpq_set_z(k->t1, p);
  if (k->A.kind != CV__ARITH_RATIONAL) mpz_mul(mpq_numref(k->t1), mpq_numref(k->t1), k->A.scale);
  mpz_clear(p);
  cv__arith_div(&k->A, k->omega, k->one, k->t1, CV__ROUND_DOWN);
  cv__arith_set_u64(&k->A, k->votes, k->n_ballots);
  calc_quota(k);
  for (uint32_t i = 0; i < k->nc; i++)
    if (k->c[i].state == CV__CAND_HOPEFUL) mpq_set(k->c[i].kf, k->one);
  /* First preferences for round 0 (equal first ranks share the ballot). */
  for (size_t gi = 0; gi < k->ng; gi++) {
    const struct cv__stv_group *g = &k->g[gi];
    uint32_t n = 1;
    while (n < g->n && (g->prefs[n] & CV__BLT_EQUAL)) n++;
    cv__arith_set_u64(&k->A, k->t1, n);
    cv__arith_div(&k->A, k->t2, k->one, k->t1, CV__ROUND_DOWN);
    cv__arith_mul_u64(&k->A, k->t2, k->t2, g->count);
    for (uint32_t j = 0; j < n; j++) {
      uint32_t c = g->prefs[j] & ~CV__BLT_EQUAL;
      cv__arith_add(&k->A, k->c[c].vote, k->c[c].vote, k->t2);
    }
  }
  cv_status s = cv__stv_new_round(k);
  if (s == CV_OK) {
    cv__stv_act(k, "begin", -1, "first preferences");
    cv__stv_snapshot(k);
  }
  while (k->status == CV_OK && cv__stv_hopeful(k) > cv__stv_seats_left(k) &&
         cv__stv_seats_left(k) > 0) {
    k->round++;
    if (cv__stv_new_round(k) != CV_OK) break;
    uint32_t nb = 0;
    enum status st = iterate(k, buf, &nb);
    static const char *const names[] = {"iterate", "elected", "omega", "stable", "batch"};
    cv__stv_act(k, "iterate", -1, names[st]);
    if (cv__stv_check(k) != CV_OK) break;
    if (st == IT_ELECTED) {
      cv__stv_snapshot(k);
      continue;
    }
    if (st == IT_BATCH) {
      qsort(buf, nb, sizeof *buf, cmp_u32);
      for (uint32_t i = 0; i < nb; i++) defeat(k, buf[i], "certain loser", true);
      cv__stv_snapshot(k);
      continue;
    }
    /* Defeat the lowest: candidates within the surplus of the lowest count
     * as tied. */
    int32_t low = -1;
    for (uint32_t i = 0; i < k->nc; i++)
      if (k->c[i].state == CV__CAND_HOPEFUL &&
          (low < 0 || cv__arith_cmp_exact(&k->A, k->c[i].vote, k->c[low].vote) < 0))
        low = (int32_t)i;
    if (low >= 0) {
      uint32_t n = 0;
      cv__arith_add(&k->A, k->t3, k->c[low].vote, k->surplus);
      for (uint32_t i = 0; i < k->nc; i++)
        if (k->c[i].state == CV__CAND_HOPEFUL && cv__arith_cmp(&k->A, k->t3, k->c[i].vote) >= 0)
          buf[n++] = i;
      if (n == 0)
        buf[n++] = (uint32_t)low; /* a negative surplus (rounding) leaves the lowest alone */
      uint32_t c = cv__stv_tie_by_order(k, buf, n, "defeat");
      defeat(k, c,
             st == IT_OMEGA ? "lowest vote (surplus below omega)" : "lowest vote (stable surplus)",
             !prf);
    }
    cv__stv_snapshot(k);
  }
  for (uint32_t i = 0; i < k->nc && k->status == CV_OK; i++) {
    if (k->c[i].state != CV__CAND_HOPEFUL) continue;
    if (cv__stv_n_elected(k) < k->blt->n_seats) {
      cv__stv_elect(k, i, false, "remaining");
      if (!prf) distribute(k);
    } else {
      defeat(k, i, "remaining", !prf);
    }
  }
  cv__stv_snapshot(k);
  cv__free(buf);
  return cv__stv_check(k);
}
