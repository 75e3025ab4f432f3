/* tabulate/stv_cfer.c: the CfER rule (California for Electoral Reform's
 * WIGM, fixed 5 places), single defeat ("cfer") or batch defeat
 * ("cfer-batch"), as droop counts it.
 *
 * It differs from the other Gregory rules in three ways: every pending
 * surplus is transferred in the same round (in ballot order), a candidate
 * reaching the quota exactly is elected with nothing to transfer, and the
 * batch of defeats has its own test (below). */
#include "tabulate/stv.h"

#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

#define NONE UINT32_MAX

/* The candidate a group's ballots sit with, or NONE when exhausted. */
static uint32_t top(const struct cv__stv_group *g) {
  return g->index < g->n ? g->prefs[g->index] : NONE;
}

/* Moves a group to its next hopeful candidate or the exhausted pile. */
static void transfer(struct cv__stv_count *k, struct cv__stv_group *g) {
  while (g->index < g->n && k->c[g->prefs[g->index]].state != CV__CAND_HOPEFUL) g->index++;
  cv__arith_mul_u64(&k->A, k->t1, g->weight, g->count);
  uint32_t to = top(g);
  mpq_ptr dst = to == NONE ? k->exhausted : k->c[to].vote;
  cv__arith_add(&k->A, dst, dst, k->t1);
}

/* out = the total surplus of the elected with a transfer pending. */
static void pending_surplus(struct cv__stv_count *k, mpq_t out) {
  mpq_set_ui(out, 0, 1);
  for (uint32_t i = 0; i < k->nc; i++)
    if (k->c[i].state == CV__CAND_ELECTED && k->c[i].pending) {
      cv__arith_sub(&k->A, k->t2, k->c[i].vote, k->quota);
      cv__arith_add(&k->A, out, out, k->t2);
    }
}

/* The largest set of lowest hopefuls that may be defeated together: their
 * votes plus all surpluses stay below the next candidate, and either one
 * seat is left, the rest exactly fill the seats, or even all of it could
 * not lift the leading hopeful to the quota. */
static uint32_t batch_defeat(struct cv__stv_count *k, uint32_t *cands, uint32_t *out) {
  mpq_t surplus, votes, need, t;
  mpq_inits(surplus, votes, need, t, NULL);
  pending_surplus(k, surplus);
  uint32_t n = cv__stv_by_vote(k, CV__CAND_HOPEFUL, cands), m = 0;
  uint32_t n_elected = cv__stv_n_elected(k), seats = k->blt->n_seats;
  if (n) cv__arith_sub(&k->A, need, k->quota, k->c[cands[n - 1]].vote);
  for (uint32_t tt = 0; tt + 1 < n; tt++) {
    if ((n - tt - 1) + n_elected < seats) break;
    cv__arith_add(&k->A, votes, votes, k->c[cands[tt]].vote);
    cv__arith_add(&k->A, t, votes, surplus);
    if (cv__arith_cmp(&k->A, t, k->c[cands[tt + 1]].vote) >= 0) continue;
    bool ok = n_elected + 1 == seats || n - (tt + 1) + n_elected == seats ||
              cv__arith_cmp(&k->A, t, need) < 0;
    if (!ok && cv__arith_cmp(&k->A, surplus, k->zero) == 0) {
      cv__arith_sub(&k->A, t, votes, k->c[cands[tt]].vote);
      ok = cv__arith_cmp(&k->A, t, need) < 0;
    }
    if (ok) m = tt + 1;
  }
  memcpy(out, cands, m * sizeof *out);
  mpq_clears(surplus, votes, need, t, NULL);
  return m;
}

/* qsort order: ascending candidate index (ballot order). */
static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* Elects every hopeful candidate in ballot order. */
static void elect_all_hopeful(struct cv__stv_count *k, const char *reason) {
  for (uint32_t i = 0; i < k->nc; i++)
    if (k->c[i].state == CV__CAND_HOPEFUL) cv__stv_elect(k, i, false, reason);
}

/* The rounds of the count (droop's cfer rule, step for step). */
static void run(struct cv__stv_count *k, uint32_t *buf, uint32_t *def) {
  bool batch = k->cfg->rule == CV__STV_CFER_BATCH;
  for (;;) {
    k->round++;
    if (cv__stv_new_round(k) != CV_OK) return;
    if (k->round == 1 && cv__stv_hopeful(k) <= k->blt->n_seats) {
      elect_all_hopeful(k, "all");
      return;
    }
    uint32_t n = cv__stv_by_vote(k, CV__CAND_HOPEFUL, buf);
    for (uint32_t i = n; i-- > 0;) {
      int c = cv__arith_cmp(&k->A, k->c[buf[i]].vote, k->quota);
      if (c >= 0) cv__stv_elect(k, buf[i], c > 0, "quota");
    }
    if (cv__stv_n_elected(k) >= k->blt->n_seats) {
      for (uint32_t i = 0; i < k->nc; i++) k->c[i].pending = false;
      for (uint32_t i = 0; i < k->nc; i++)
        if (k->c[i].state == CV__CAND_HOPEFUL) cv__stv_defeat(k, i, "remaining");
      return;
    }
    uint32_t nd = batch ? batch_defeat(k, buf, def) : 0;
    if (nd) {
      qsort(def, nd, sizeof *def, cmp_u32);
      for (uint32_t i = 0; i < nd; i++) cv__stv_defeat(k, def[i], "batch");
    } else {
      bool any = false;
      for (uint32_t c = 0; c < k->nc; c++) {
        if (!(k->c[c].state == CV__CAND_ELECTED && k->c[c].pending)) continue;
        any = true;
        k->c[c].pending = false;
        mpq_t surplus, vote;
        mpq_inits(surplus, vote, NULL);
        mpq_set(vote, k->c[c].vote);
        cv__arith_sub(&k->A, surplus, vote, k->quota);
        for (size_t i = 0; i < k->ng; i++) {
          struct cv__stv_group *g = &k->g[i];
          if (top(g) != c) continue;
          cv__arith_mul(&k->A, g->weight, g->weight, surplus, CV__ROUND_DOWN);
          cv__arith_div(&k->A, g->weight, g->weight, vote, CV__ROUND_DOWN);
          transfer(k, g);
        }
        mpq_set(k->c[c].vote, k->quota);
        struct cv__stv_action *a = cv__stv_act(k, "transfer", c, "surplus");
        if (a) a->amount = cv__stv_str(k, surplus);
        mpq_clears(surplus, vote, NULL);
      }
      if (!any) {
        n = cv__stv_by_vote(k, CV__CAND_HOPEFUL, buf);
        if (n == 0) return; /* cannot happen: the seats would be filled */
        uint32_t nt = 1;
        while (nt < n && cv__arith_cmp(&k->A, k->c[buf[nt]].vote, k->c[buf[0]].vote) == 0) nt++;
        def[0] = cv__stv_tie_by_order(k, buf, nt, "defeat");
        nd = 1;
        cv__stv_defeat(k, def[0], "lowest vote");
      }
    }
    if (nd) {
      if (cv__stv_hopeful(k) + cv__stv_n_elected(k) <= k->blt->n_seats) {
        for (uint32_t i = 0; i < k->nc; i++) k->c[i].pending = false;
        elect_all_hopeful(k, "remaining");
        return;
      }
      for (size_t i = 0; i < k->ng; i++) {
        uint32_t t = top(&k->g[i]);
        for (uint32_t j = 0; t != NONE && j < nd; j++)
          if (def[j] == t) {
            transfer(k, &k->g[i]);
            break;
          }
      }
      for (uint32_t j = 0; j < nd; j++) {
        struct cv__stv_action *a = cv__stv_act(k, "transfer", def[j], "defeated");
        if (a) a->amount = cv__stv_str(k, k->c[def[j]].vote);
        mpq_set_ui(k->c[def[j]].vote, 0, 1);
      }
    }
    cv__stv_snapshot(k);
    if (cv__stv_check(k) != CV_OK) return;
  }
}

/* Counts under cfer or cfer-batch (see the file comment). */
cv_status cv__stv_count_cfer(struct cv__stv_count *k) {
  uint32_t *buf = cv__calloc(k->nc + 1, sizeof *buf), *def = cv__calloc(k->nc + 1, sizeof *def);
  if (!buf || !def) {
    cv__free(buf), cv__free(def);
    return k->status = cv__failf(k->err, CV_ENOMEM, "out of memory");
  }
  cv__arith_set_u64(&k->A, k->t1, k->n_ballots);
  cv__arith_set_u64(&k->A, k->t2, k->blt->n_seats + 1u);
  cv__arith_div(&k->A, k->quota, k->t1, k->t2, CV__ROUND_DOWN);
  cv__arith_add_epsilon(&k->A, k->quota, k->quota);
  for (size_t i = 0; i < k->ng; i++) {
    cv__arith_mul_u64(&k->A, k->t1, k->g[i].weight, k->g[i].count);
    cv__arith_add(&k->A, k->c[k->g[i].prefs[0]].vote, k->c[k->g[i].prefs[0]].vote, k->t1);
  }
  if (cv__stv_new_round(k) == CV_OK) {
    cv__stv_act(k, "begin", -1, "first preferences");
    cv__stv_snapshot(k);
    run(k, buf, def);
  }
  cv__stv_snapshot(k);
  cv__free(buf), cv__free(def);
  return cv__stv_check(k);
}
