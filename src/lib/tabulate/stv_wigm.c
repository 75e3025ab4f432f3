/* tabulate/stv_wigm.c: the weighted inclusive Gregory rules (scotland,
 * wigm, wigm-prf, wigm-prf-batch, mpls) and the Irish last-parcel rule.
 *
 * Each group of identical rankings moves as one: every ballot of a group
 * has the same weight at every stage, because the rules' transfers depend
 * only on where a ballot sits, so a group's vote is weight x count, exactly.
 * The step order, rounding and tie-breaking follow droop's rule modules,
 * which the conformance runner checks round by round. */
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

/* Whether ballots may move to c: hopeful, or (mpls) elected with a pending surplus. */
static bool continuing(const struct cv__stv_count *k, uint32_t c, bool pending_ok) {
  return k->c[c].state == CV__CAND_HOPEFUL ||
         (pending_ok && k->c[c].state == CV__CAND_ELECTED && k->c[c].pending);
}

/* Moves a group to its next continuing candidate (or the exhausted pile),
 * adding its value there. Returns the receiving candidate or NONE. */
static uint32_t transfer(struct cv__stv_count *k, struct cv__stv_group *g, bool pending_ok) {
  while (g->index < g->n && !continuing(k, g->prefs[g->index], pending_ok)) g->index++;
  cv__arith_mul_u64(&k->A, k->t1, g->weight, g->count);
  uint32_t to = top(g);
  if (to == NONE)
    cv__arith_add(&k->A, k->exhausted, k->exhausted, k->t1);
  else
    cv__arith_add(&k->A, k->c[to].vote, k->c[to].vote, k->t1);
  return to;
}

/* Credits every group to its first preference. */
static void first_count(struct cv__stv_count *k) {
  for (size_t i = 0; i < k->ng; i++) {
    struct cv__stv_group *g = &k->g[i];
    cv__arith_mul_u64(&k->A, k->t1, g->weight, g->count);
    cv__arith_add(&k->A, k->c[g->prefs[0]].vote, k->c[g->prefs[0]].vote, k->t1);
  }
}

/* vote >= quota, or > quota for the rules that compare strictly. */
static bool has_quota(struct cv__stv_count *k, uint32_t c, bool strict) {
  int r = cv__arith_cmp(&k->A, k->c[c].vote, k->quota);
  return strict ? r > 0 : r >= 0;
}

/* Elects, pending transfer, each hopeful candidate with a quota, highest
 * vote first (equal votes: later ballot order first, as droop sorts). */
static void elect_with_quota(struct cv__stv_count *k, uint32_t *buf, bool strict, bool pending,
                             const char *reason) {
  uint32_t n = cv__stv_by_vote(k, CV__CAND_HOPEFUL, buf);
  for (uint32_t i = n; i-- > 0;)
    if (has_quota(k, buf[i], strict)) cv__stv_elect(k, buf[i], pending, reason);
}

/* The candidates of state (pending only when pending) whose vote equals the
 * highest (or lowest); returns how many. */
static uint32_t extreme(struct cv__stv_count *k, bool pending, bool highest, uint32_t *out) {
  int32_t best = -1;
  for (uint32_t i = 0; i < k->nc; i++) {
    bool in = pending ? (k->c[i].state == CV__CAND_ELECTED && k->c[i].pending)
                      : k->c[i].state == CV__CAND_HOPEFUL;
    if (!in) continue;
    if (best < 0) {
      best = (int32_t)i;
      continue;
    }
    int c = cv__arith_cmp(&k->A, k->c[i].vote, k->c[best].vote);
    if (highest ? c > 0 : c < 0) best = (int32_t)i;
  }
  uint32_t n = 0;
  if (best < 0) return 0;
  for (uint32_t i = 0; i < k->nc; i++) {
    bool in = pending ? (k->c[i].state == CV__CAND_ELECTED && k->c[i].pending)
                      : k->c[i].state == CV__CAND_HOPEFUL;
    if (in && cv__arith_cmp(&k->A, k->c[i].vote, k->c[best].vote) == 0) out[n++] = i;
  }
  return n;
}

/* k->surplus = total surplus of the elected pending a transfer (clamp:
 * negative surpluses count as 0). */
static void pending_surplus(struct cv__stv_count *k, bool clamp) {
  mpq_set_ui(k->surplus, 0, 1);
  for (uint32_t i = 0; i < k->nc; i++) {
    if (!(k->c[i].state == CV__CAND_ELECTED && k->c[i].pending)) continue;
    cv__arith_sub(&k->A, k->t2, k->c[i].vote, k->quota);
    if (clamp && mpq_sgn(k->t2) < 0) continue;
    cv__arith_add(&k->A, k->surplus, k->surplus, k->t2);
  }
}

/* Transfers the surplus of c: each ballot's weight becomes
 * weight x surplus / vote, rounded as the rule says. */
static void transfer_surplus(struct cv__stv_count *k, uint32_t c, bool one_rounding,
                             bool pending_ok) {
  mpq_t surplus, vote;
  mpq_inits(surplus, vote, NULL);
  mpq_set(vote, k->c[c].vote);
  cv__arith_sub(&k->A, surplus, vote, k->quota);
  for (size_t i = 0; i < k->ng; i++) {
    struct cv__stv_group *g = &k->g[i];
    if (top(g) != c) continue;
    if (one_rounding) {
      cv__arith_muldiv(&k->A, g->weight, g->weight, surplus, vote, CV__ROUND_DOWN);
    } else {
      cv__arith_mul(&k->A, g->weight, g->weight, surplus, CV__ROUND_DOWN);
      cv__arith_div(&k->A, g->weight, g->weight, vote, CV__ROUND_DOWN);
    }
    transfer(k, g, pending_ok);
  }
  mpq_set(k->c[c].vote, k->quota);
  struct cv__stv_action *a = cv__stv_act(k, "transfer", c, "surplus");
  if (a) a->amount = cv__stv_str(k, surplus);
  mpq_clears(surplus, vote, NULL);
}

/* Transfers the ballots of the defeated candidates in set[0..n). */
static void transfer_defeated(struct cv__stv_count *k, const uint32_t *set, uint32_t n,
                              bool pending_ok) {
  for (size_t i = 0; i < k->ng; i++) {
    uint32_t t = top(&k->g[i]);
    if (t == NONE) continue;
    for (uint32_t j = 0; j < n; j++)
      if (set[j] == t) {
        transfer(k, &k->g[i], pending_ok);
        break;
      }
  }
  for (uint32_t j = 0; j < n; j++) {
    struct cv__stv_action *a = cv__stv_act(k, "transfer", set[j], "defeated");
    if (a) a->amount = cv__stv_str(k, k->c[set[j]].vote);
    mpq_set_ui(k->c[set[j]].vote, 0, 1);
  }
}

/* (see stv.h) */
uint32_t cv__stv_batch_defeat(struct cv__stv_count *k, const mpq_t surplus, uint32_t *out) {
  uint32_t *sorted = cv__calloc(k->nc, sizeof *sorted);
  uint32_t *gstart = cv__calloc(k->nc + 1, sizeof *gstart);
  if (!sorted || !gstart) {
    cv__free(sorted);
    cv__free(gstart);
    if (k->status == CV_OK) k->status = cv__failf(k->err, CV_ENOMEM, "out of memory");
    return 0;
  }
  uint32_t n = cv__stv_by_vote(k, CV__CAND_HOPEFUL, sorted);
  /* Group: a candidate joins the current group when the group's first vote
   * plus the surplus reaches it. */
  uint32_t ng = 0, glen = 0;
  mpq_t vote, t;
  mpq_inits(vote, t, NULL);
  for (uint32_t i = 0; i < n; i++) {
    cv__arith_add(&k->A, t, vote, surplus);
    if (cv__arith_cmp(&k->A, t, k->c[sorted[i]].vote) >= 0) {
      if (glen == 0) gstart[ng] = i;
      glen++;
    } else {
      if (glen) ng++;
      gstart[ng] = i;
      glen = 1;
      mpq_set(vote, k->c[sorted[i]].vote);
    }
  }
  if (glen) ng++;
  gstart[ng] = n;
  uint32_t left = cv__stv_seats_left(k);
  uint32_t max_defeat = n > left ? n - left : 0;
  int64_t maxg = -1;
  uint32_t ncand = 0;
  mpq_set_ui(vote, 0, 1);
  for (uint32_t g = 0; g + 1 < ng; g++) {
    ncand += gstart[g + 1] - gstart[g];
    if (ncand > max_defeat) break;
    for (uint32_t i = gstart[g]; i < gstart[g + 1]; i++)
      cv__arith_add(&k->A, vote, vote, k->c[sorted[i]].vote);
    cv__arith_add(&k->A, t, vote, surplus);
    if (cv__arith_cmp(&k->A, t, k->c[sorted[gstart[g + 1]]].vote) < 0) maxg = g;
  }
  uint32_t m = maxg < 0 ? 0 : gstart[maxg + 1];
  memcpy(out, sorted, m * sizeof *out);
  mpq_clears(vote, t, NULL);
  cv__free(sorted);
  cv__free(gstart);
  return m;
}

/* qsort order: ascending candidate index (ballot order). */
static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* Ends the count: pending candidates become elected, then the remaining
 * hopefuls are elected while seats remain, in ballot order, or defeated. */
static void finish(struct cv__stv_count *k, bool fill_only_if_enough) {
  for (uint32_t i = 0; i < k->nc; i++) k->c[i].pending = false;
  bool fill = !fill_only_if_enough || cv__stv_hopeful(k) <= cv__stv_seats_left(k);
  for (uint32_t i = 0; i < k->nc; i++) {
    if (k->c[i].state != CV__CAND_HOPEFUL) continue;
    if (fill && cv__stv_n_elected(k) < k->blt->n_seats)
      cv__stv_elect(k, i, false, "remaining");
    else
      cv__stv_defeat(k, i, "remaining");
  }
}

/* Scottish STV (SSI 2007/42 rules 45-52), as droop counts it. */
static cv_status count_scotland(struct cv__stv_count *k, uint32_t *buf) {
  for (;;) {
    elect_with_quota(k, buf, false, true, "quota");
    cv__stv_snapshot(k);
    if (cv__stv_seats_left(k) == 0 || cv__stv_hopeful(k) <= cv__stv_seats_left(k)) break;
    k->round++;
    if (cv__stv_new_round(k) != CV_OK) return k->status;
    pending_surplus(k, true);
    uint32_t n = extreme(k, true, true, buf);
    if (n) {
      uint32_t c = cv__stv_tie_by_history(k, buf, n, "largest surplus", false);
      k->c[c].pending = false;
      transfer_surplus(k, c, true, false);
      if (cv__stv_check(k) != CV_OK) return k->status;
      continue;
    }
    n = extreme(k, false, false, buf);
    if (n) {
      uint32_t c = cv__stv_tie_by_history(k, buf, n, "defeat", true);
      cv__stv_defeat(k, c, "lowest vote");
      transfer_defeated(k, &c, 1, false);
    }
    if (cv__stv_check(k) != CV_OK) return k->status;
    cv__stv_snapshot(k);
    if (cv__stv_seats_left(k) == 0 || cv__stv_hopeful(k) <= cv__stv_seats_left(k)) break;
  }
  finish(k, true);
  return CV_OK;
}

/* Generic WIGM and the PR Foundation reference WIGM (optionally with batch
 * defeat of sure losers). */
static cv_status count_generic(struct cv__stv_count *k, uint32_t *buf) {
  bool prf = k->cfg->rule == CV__STV_WIGM_PRF || k->cfg->rule == CV__STV_WIGM_PRF_BATCH;
  bool strict = !prf && k->A.exact;
  while (cv__stv_hopeful(k) > cv__stv_seats_left(k) && cv__stv_seats_left(k) > 0) {
    k->round++;
    if (cv__stv_new_round(k) != CV_OK) return k->status;
    elect_with_quota(k, buf, strict, true, "quota");
    if (k->cfg->rule == CV__STV_WIGM_PRF_BATCH) {
      pending_surplus(k, false);
      uint32_t n = cv__stv_batch_defeat(k, k->surplus, buf);
      if (n) {
        qsort(buf, n, sizeof *buf, cmp_u32);
        for (uint32_t i = 0; i < n; i++) cv__stv_defeat(k, buf[i], "sure loser");
        if (cv__stv_hopeful(k) <= cv__stv_seats_left(k)) break;
        transfer_defeated(k, buf, n, false);
        cv__stv_snapshot(k);
        if (cv__stv_check(k) != CV_OK) return k->status;
        continue;
      }
    }
    pending_surplus(k, true);
    uint32_t n = extreme(k, true, true, buf);
    if (n) {
      uint32_t c = cv__stv_tie_by_order(k, buf, n, "largest surplus");
      k->c[c].pending = false;
      transfer_surplus(k, c, false, false);
    } else if ((n = extreme(k, false, false, buf)) > 0) {
      bool zero = cv__arith_cmp(&k->A, k->c[buf[0]].vote, k->zero) == 0;
      if (!(zero && k->cfg->defeat_batch == CV__BATCH_ZERO)) {
        buf[0] = cv__stv_tie_by_order(k, buf, n, "defeat");
        n = 1;
      }
      for (uint32_t i = 0; i < n; i++)
        cv__stv_defeat(k, buf[i], n > 1 ? "zero votes (defeat_batch=zero)" : "lowest vote");
      for (uint32_t i = 0; i < n; i++) transfer_defeated(k, &buf[i], 1, false);
    }
    cv__stv_snapshot(k);
    if (cv__stv_check(k) != CV_OK) return k->status;
  }
  finish(k, false);
  return CV_OK;
}

/* Minneapolis: one surplus per round, batch defeat of certain losers,
 * undeclared write-ins defeated in the second round. */
static uint32_t certain_losers(struct cv__stv_count *k, const mpq_t surplus, uint32_t *out) {
  uint32_t *sorted = cv__calloc(k->nc, sizeof *sorted);
  if (!sorted) {
    if (k->status == CV_OK) k->status = cv__failf(k->err, CV_ENOMEM, "out of memory");
    return 0;
  }
  uint32_t n = cv__stv_by_vote(k, CV__CAND_HOPEFUL, sorted);
  uint32_t left = cv__stv_seats_left(k), max_defeat = n > left ? n - left : 0, m = 0;
  mpq_t vote, t;
  mpq_inits(vote, t, NULL);
  for (uint32_t cx = 0; cx + 1 < n; cx++) {
    if (cx + 1 > max_defeat) break;
    cv__arith_add(&k->A, vote, vote, k->c[sorted[cx]].vote);
    cv__arith_add(&k->A, t, vote, surplus);
    if (cv__arith_cmp(&k->A, t, k->c[sorted[cx + 1]].vote) < 0) m = cx + 1;
  }
  memcpy(out, sorted, m * sizeof *out);
  qsort(out, m, sizeof *out, cmp_u32);
  mpq_clears(vote, t, NULL);
  cv__free(sorted);
  return m;
}

/* k->surplus = the sum of every candidate's vote above the quota. */
static void all_surplus(struct cv__stv_count *k, bool skip_undeclared) {
  mpq_set_ui(k->surplus, 0, 1);
  for (uint32_t i = 0; i < k->nc; i++) {
    if (skip_undeclared && k->c[i].undeclared) continue;
    cv__arith_sub(&k->A, k->t2, k->c[i].vote, k->quota);
    if (mpq_sgn(k->t2) > 0) cv__arith_add(&k->A, k->surplus, k->surplus, k->t2);
  }
}

/* The Minneapolis rounds (see certain_losers). */
static cv_status count_mpls(struct cv__stv_count *k, uint32_t *buf) {
  uint32_t *def = cv__calloc(3 * (size_t)k->nc + 1, sizeof *def);
  if (!def) return k->status = cv__failf(k->err, CV_ENOMEM, "out of memory");
  k->round++;
  cv__stv_new_round(k);
  while (k->status == CV_OK) {
    all_surplus(k, true);
    uint32_t *q = def + 2 * (size_t)k->nc; /* hopefuls with the threshold, highest first */
    uint32_t n = cv__stv_by_vote(k, CV__CAND_HOPEFUL, buf), nq = 0;
    for (uint32_t i = n; i-- > 0;)
      if (!k->c[buf[i]].undeclared && has_quota(k, buf[i], false)) q[nq++] = buf[i];
    if (cv__stv_n_elected(k) + nq >= k->blt->n_seats) {
      for (uint32_t i = 0; i < nq; i++) cv__stv_elect(k, q[i], false, "threshold");
      break;
    }
    cv__stv_snapshot(k);
    k->round++;
    if (cv__stv_new_round(k) != CV_OK) break;
    uint32_t nd = 0;
    mpq_set(k->t3, k->surplus);
    if (k->round == 2) {
      for (uint32_t i = 0; i < k->nc; i++)
        if (k->c[i].state == CV__CAND_HOPEFUL && k->c[i].undeclared) def[nd++] = i;
      for (size_t i = 0; i < k->ng; i++) {
        uint32_t t = top(&k->g[i]);
        if (t != NONE && k->c[t].undeclared) {
          cv__arith_mul_u64(&k->A, k->t1, k->g[i].weight, k->g[i].count);
          cv__arith_add(&k->A, k->t3, k->t3, k->t1);
        }
      }
    }
    uint32_t *losers = def + k->nc;
    uint32_t nl = certain_losers(k, k->t3, losers);
    for (uint32_t i = 0; i < nl; i++) {
      bool dup = false;
      for (uint32_t j = 0; j < nd; j++) dup |= def[j] == losers[i];
      if (!dup) def[nd++] = losers[i];
    }
    if (nd) {
      for (uint32_t i = 0; i < nd; i++)
        cv__stv_defeat(k, def[i],
                       k->c[def[i]].undeclared ? "undeclared write-in" : "certain loser");
      transfer_defeated(k, def, nd, true);
      cv__stv_snapshot(k);
      continue;
    }
    n = cv__stv_by_vote(k, CV__CAND_HOPEFUL, buf);
    nq = 0;
    for (uint32_t i = n; i-- > 0;)
      if (has_quota(k, buf[i], false)) q[nq++] = buf[i];
    if (nq) {
      uint32_t nt = 1;
      while (nt < nq && cv__arith_cmp(&k->A, k->c[q[nt]].vote, k->c[q[0]].vote) == 0) nt++;
      uint32_t c = cv__stv_tie_by_order(k, q, nt, "largest surplus");
      cv__stv_elect(k, c, false, "threshold");
      transfer_surplus(k, c, false, true);
      cv__stv_snapshot(k);
      continue;
    }
    if (cv__stv_hopeful(k) > cv__stv_seats_left(k)) {
      n = extreme(k, false, false, buf);
      uint32_t c = cv__stv_tie_by_order(k, buf, n, "defeat");
      cv__stv_defeat(k, c, "lowest vote");
      if (cv__stv_hopeful(k) > cv__stv_seats_left(k)) transfer_defeated(k, &c, 1, true);
    }
    cv__stv_snapshot(k);
    if (cv__stv_hopeful(k) <= cv__stv_seats_left(k)) break;
  }
  cv__free(def);
  if (k->status != CV_OK) return k->status;
  finish(k, true);
  return CV_OK;
}

/* Counts under scotland, wigm, wigm-prf(-batch) or mpls: quota, first
 * count, then the rule's rounds. */
cv_status cv__stv_count_wigm(struct cv__stv_count *k) {
  uint32_t *buf = cv__calloc(k->nc + 1, sizeof *buf);
  if (!buf) return k->status = cv__failf(k->err, CV_ENOMEM, "out of memory");
  enum cv__stv_rule rule = k->cfg->rule;
  if (rule == CV__STV_SCOTLAND || rule == CV__STV_MPLS || k->cfg->integer_quota) {
    cv__arith_set_u64(&k->A, k->quota, k->n_ballots / (k->blt->n_seats + 1u) + 1u);
  } else {
    cv__arith_set_u64(&k->A, k->t1, k->n_ballots);
    cv__arith_set_u64(&k->A, k->t2, k->blt->n_seats + 1u);
    cv__arith_div(&k->A, k->quota, k->t1, k->t2, CV__ROUND_DOWN);
    if (rule != CV__STV_WIGM || !k->A.exact) cv__arith_add_epsilon(&k->A, k->quota, k->quota);
  }
  first_count(k);
  cv_status s = cv__stv_new_round(k);
  if (s == CV_OK) {
    cv__stv_act(k, "begin", -1, "first preferences");
    cv__stv_snapshot(k);
    s = rule == CV__STV_SCOTLAND ? count_scotland(k, buf)
        : rule == CV__STV_MPLS   ? count_mpls(k, buf)
                                 : count_generic(k, buf);
  }
  if (s == CV_OK) s = cv__stv_snapshot(k);
  cv__free(buf);
  return s == CV_OK ? cv__stv_check(k) : s;
}
