/* tabulate/stv_qpq.c: Quota Preferential by Quotient (Woodall, Voting
 * matters 17), as droop counts it: guarded arithmetic 9+9 places.
 *
 * Each round every active ballot counts one vote for its top hopeful
 * candidate c, and carries the fraction of a seat it has already helped to
 * fill (its weight). A candidate's quotient is votes / (1 + weights); the
 * quota is active ballots / (seats + 1 - weights of inactive ballots). The
 * highest quotient above the quota is elected and its ballots take weight
 * 1 / quotient; otherwise the lowest quotient is excluded and the count
 * restarts from the beginning without it (elections are undone). The
 * "tallies" of the report are the votes (ballots) of each candidate. */
#include "tabulate/stv.h"

#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

#define NONE UINT32_MAX

/* The candidate a group's ballots sit with, or NONE when inactive. */
static uint32_t top(const struct cv__stv_group *g) {
  return g->index < g->n ? g->prefs[g->index] : NONE;
}

/* Moves a group on to its first hopeful preference. */
static void advance(struct cv__stv_count *k, struct cv__stv_group *g) {
  while (g->index < g->n && k->c[g->prefs[g->index]].state != CV__CAND_HOPEFUL) g->index++;
}

/* Undoes c's election (a QPQ restart). */
static void unelect(struct cv__stv_count *k, uint32_t c) {
  k->c[c].state = CV__CAND_HOPEFUL;
  for (uint32_t i = 0; i < k->n_elected; i++)
    if (k->elected[i] == c) {
      memmove(&k->elected[i], &k->elected[i + 1], (k->n_elected - i - 1) * sizeof *k->elected);
      k->n_elected--;
      break;
    }
  cv__stv_act(k, "unelect", c, "restart after an exclusion");
}

/* quota = va / (seats + 1 - tx), into k->quota. */
static void calc_quota(struct cv__stv_count *k, const mpq_t va, const mpq_t tx) {
  cv__arith_set_u64(&k->A, k->t1, k->blt->n_seats + 1u);
  cv__arith_sub(&k->A, k->t1, k->t1, tx);
  cv__arith_div(&k->A, k->quota, va, k->t1, CV__ROUND_DOWN);
}

/* Counts under QPQ (see the file comment). */
cv_status cv__stv_count_qpq(struct cv__stv_count *k) {
  uint32_t *buf = cv__calloc(k->nc + 1, sizeof *buf);
  mpq_t *tc = cv__calloc(k->nc, sizeof *tc), *quot = cv__calloc(k->nc, sizeof *quot);
  if (!buf || !tc || !quot) {
    cv__free(buf), cv__free(tc), cv__free(quot);
    return k->status = cv__failf(k->err, CV_ENOMEM, "out of memory");
  }
  for (uint32_t i = 0; i < k->nc; i++) mpq_init(tc[i]), mpq_init(quot[i]);
  mpq_t va, tx;
  mpq_inits(va, tx, NULL);
  /* Before the first round every ballot is active: quota = n / (seats + 1). */
  cv__arith_set_u64(&k->A, va, k->n_ballots);
  calc_quota(k, va, tx);
  for (size_t i = 0; i < k->ng; i++) mpq_set_ui(k->g[i].weight, 0, 1);
  bool restart = true;
  if (cv__stv_new_round(k) == CV_OK) {
    cv__stv_act(k, "begin", -1, "count starts");
    cv__stv_snapshot(k);
  }
  while (k->status == CV_OK && cv__stv_seats_left(k) > 0 &&
         cv__stv_hopeful(k) > cv__stv_seats_left(k)) {
    k->round++;
    if (cv__stv_new_round(k) != CV_OK) break;
    if (restart) {
      restart = false;
      for (uint32_t i = 0; i < k->nc; i++)
        if (k->c[i].state == CV__CAND_ELECTED) unelect(k, i);
      for (size_t i = 0; i < k->ng; i++) {
        k->g[i].index = 0;
        mpq_set_ui(k->g[i].weight, 0, 1);
        advance(k, &k->g[i]);
      }
    }
    mpq_set_ui(tx, 0, 1);
    mpq_set_ui(va, 0, 1);
    for (uint32_t i = 0; i < k->nc; i++)
      if (k->c[i].state == CV__CAND_HOPEFUL)
        mpq_set_ui(k->c[i].vote, 0, 1), mpq_set_ui(tc[i], 0, 1);
    for (size_t i = 0; i < k->ng; i++) {
      struct cv__stv_group *g = &k->g[i];
      cv__arith_mul_u64(&k->A, k->t2, g->weight, g->count);
      uint32_t t = top(g);
      if (t == NONE) {
        cv__arith_add(&k->A, tx, tx, k->t2);
      } else {
        cv__arith_set_u64(&k->A, k->t3, g->count);
        cv__arith_add(&k->A, va, va, k->t3);
        cv__arith_add(&k->A, tc[t], tc[t], k->t2);
        cv__arith_add(&k->A, k->c[t].vote, k->c[t].vote, k->t3);
      }
    }
    int32_t hi = -1, lo = -1;
    for (uint32_t i = 0; i < k->nc; i++) {
      if (k->c[i].state != CV__CAND_HOPEFUL) continue;
      cv__arith_add(&k->A, k->t1, k->one, tc[i]);
      cv__arith_div(&k->A, quot[i], k->c[i].vote, k->t1, CV__ROUND_DOWN);
      if (hi < 0 || cv__arith_cmp(&k->A, quot[i], quot[hi]) > 0) hi = (int32_t)i;
      if (lo < 0 || cv__arith_cmp(&k->A, quot[i], quot[lo]) < 0) lo = (int32_t)i;
    }
    calc_quota(k, va, tx);
    if (hi < 0) break;
    bool elect = cv__arith_cmp(&k->A, quot[hi], k->quota) > 0;
    int32_t ref = elect ? hi : lo;
    uint32_t n = 0;
    for (uint32_t i = 0; i < k->nc; i++)
      if (k->c[i].state == CV__CAND_HOPEFUL && cv__arith_cmp(&k->A, quot[i], quot[ref]) == 0)
        buf[n++] = i;
    uint32_t c = cv__stv_tie_by_order(k, buf, n, elect ? "largest quotient" : "smallest quotient");
    if (elect) {
      cv__stv_elect(k, c, false, "quotient above the quota");
      const struct cv__stv_round *rd = &k->rounds[k->n_rounds - 1];
      if (k->status == CV_OK && rd->n_actions)
        rd->actions[rd->n_actions - 1].value = cv__stv_str(k, quot[c]);
      cv__arith_div(&k->A, k->t1, k->one, quot[c], CV__ROUND_DOWN);
      for (size_t i = 0; i < k->ng; i++)
        if (top(&k->g[i]) == c) {
          mpq_set(k->g[i].weight, k->t1);
          advance(k, &k->g[i]);
        }
    } else {
      cv__stv_defeat(k, c, "smallest quotient");
      for (size_t i = 0; i < k->ng; i++)
        if (top(&k->g[i]) == c) advance(k, &k->g[i]);
      restart = true;
    }
    cv__stv_snapshot(k);
    if (cv__stv_check(k) != CV_OK) break;
  }
  if (k->status == CV_OK) {
    bool fill = cv__stv_hopeful(k) <= cv__stv_seats_left(k);
    for (uint32_t i = 0; i < k->nc; i++)
      if (k->c[i].state == CV__CAND_HOPEFUL) {
        if (fill)
          cv__stv_elect(k, i, false, "remaining");
        else
          cv__stv_defeat(k, i, "remaining");
      }
    cv__stv_snapshot(k);
  }
  mpq_clears(va, tx, NULL);
  for (uint32_t i = 0; i < k->nc; i++) mpq_clear(tc[i]), mpq_clear(quot[i]);
  cv__free(tc), cv__free(quot), cv__free(buf);
  return cv__stv_check(k);
}
