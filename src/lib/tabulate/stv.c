/* tabulate/stv.c: the state every STV rule shares, tie-breaking, and the
 * record of rounds that report.json is written from. */
#include "tabulate/stv.h"

#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

/* The count's first failure, turning an arithmetic failure into an error. */
cv_status cv__stv_check(struct cv__stv_count *k) {
  if (k->status != CV_OK) return k->status;
  if (k->A.status == CV_ELIMIT)
    return k->status =
               cv__failf(k->err, CV_ELIMIT,
                         "the exact values grew beyond %u bits; count with arithmetic=guarded",
                         CV__ARITH_MAX_BITS);
  if (k->A.status != CV_OK)
    return k->status = cv__failf(k->err, CV_EINTERNAL, "division by zero in the count (a bug)");
  return CV_OK;
}

/* Records an allocation failure: the record's arena reaching its cap is a
 * limit, anything else is memory. */
static cv_status oom(struct cv__stv_count *k) {
  if (k->status == CV_OK)
    k->status = k->arena.failure == CV_ELIMIT
                    ? cv__failf(k->err, CV_ELIMIT, "the record of the count is larger than its cap")
                    : cv__failf(k->err, CV_ENOMEM, "out of memory");
  return k->status;
}

/* x at the display precision, in the record's arena (NULL: out of memory). */
char *cv__stv_str(struct cv__stv_count *k, const mpq_t x) {
  cv__buf_reset(&k->fmt);
  cv__arith_format(&k->A, &k->fmt, x);
  if (k->fmt.status != CV_OK) {
    oom(k);
    return NULL;
  }
  char *s = cv__arena_strndup(&k->arena, k->fmt.data, k->fmt.len);
  if (!s) oom(k);
  return s;
}

/* Opens round k->round in the record and saves the votes for tie-breaking. */
cv_status cv__stv_new_round(struct cv__stv_count *k) {
  if (k->n_rounds >= CV__STV_MAX_ROUNDS) {
    if (k->status == CV_OK)
      k->status = cv__failf(k->err, CV_ELIMIT, "more than %u rounds", CV__STV_MAX_ROUNDS);
    return k->status;
  }
  if (cv__grow((void **)&k->rounds, &k->cap_rounds, k->n_rounds + 1, sizeof *k->rounds,
               CV__STV_MAX_ROUNDS) != CV_OK)
    return oom(k);
  struct cv__stv_round *r = &k->rounds[k->n_rounds++];
  memset(r, 0, sizeof *r);
  r->number = k->round;
  /* Votes now, for ties settled by earlier rounds (droop saves them at each
   * new round). Round 0 (first preferences) is not kept: droop's history
   * starts with round 1. */
  if (k->round > 0) {
    if (cv__grow((void **)&k->history, &k->cap_history, (k->n_history + 1) * k->nc,
                 sizeof *k->history, (size_t)CV__STV_MAX_ROUNDS * k->nc) != CV_OK)
      return oom(k);
    mpq_t *h = k->history + k->n_history * k->nc;
    for (uint32_t i = 0; i < k->nc; i++) {
      mpq_init(h[i]);
      mpq_set(h[i], k->c[i].vote);
    }
    k->n_history++;
  }
  return cv__stv_check(k);
}

/* Appends an action to the current round (NULL when the count has failed). */
struct cv__stv_action *cv__stv_act(struct cv__stv_count *k, const char *action, int64_t cand,
                                   const char *reason) {
  if (k->status != CV_OK || k->n_rounds == 0) return NULL;
  struct cv__stv_round *r = &k->rounds[k->n_rounds - 1];
  if (r->n_actions >= 100000 || cv__grow((void **)&r->actions, &r->cap_actions, r->n_actions + 1,
                                         sizeof *r->actions, 100000) != CV_OK) {
    oom(k);
    return NULL;
  }
  struct cv__stv_action *a = &r->actions[r->n_actions++];
  memset(a, 0, sizeof *a);
  a->action = action;
  a->cand = cand;
  a->reason = reason;
  return a;
}

/* (see stv.h) Re-taken whenever a round changes: the last one stands. */
cv_status cv__stv_snapshot(struct cv__stv_count *k) {
  if (k->status != CV_OK || k->n_rounds == 0) return k->status;
  struct cv__stv_round *r = &k->rounds[k->n_rounds - 1];
  if (!r->tallies) {
    r->tallies = cv__arena_calloc(&k->arena, k->nc, sizeof *r->tallies);
    r->states = cv__arena_calloc(&k->arena, k->nc, sizeof *r->states);
    if (!r->tallies || !r->states) return oom(k);
  }
  for (uint32_t i = 0; i < k->nc; i++) {
    r->tallies[i] = k->c[i].state == CV__CAND_WITHDRAWN ? NULL : cv__stv_str(k, k->c[i].vote);
    r->states[i] = (uint8_t)(k->c[i].state + (k->c[i].pending ? 4 : 0));
  }
  r->quota = cv__stv_str(k, k->quota);
  r->surplus = cv__stv_str(k, k->surplus);
  if (!strcmp(k->cfg->method, "meek"))
    r->residual = cv__stv_str(k, k->residual);
  else
    r->exhausted = cv__stv_str(k, k->exhausted);
  return cv__stv_check(k);
}

/* Elects c, in the order of election, recording its vote. */
void cv__stv_elect(struct cv__stv_count *k, uint32_t c, bool pending, const char *reason) {
  k->c[c].state = CV__CAND_ELECTED;
  k->c[c].pending = pending;
  k->elected[k->n_elected++] = c;
  struct cv__stv_action *a = cv__stv_act(k, "elect", c, reason);
  if (a) a->amount = cv__stv_str(k, k->c[c].vote);
}

/* Defeats c, recording its vote (the rule moves its ballots after). */
void cv__stv_defeat(struct cv__stv_count *k, uint32_t c, const char *reason) {
  k->c[c].state = CV__CAND_DEFEATED;
  k->defeated[k->n_defeated++] = c;
  struct cv__stv_action *a = cv__stv_act(k, "defeat", c, reason);
  if (a) a->amount = cv__stv_str(k, k->c[c].vote);
}

/* Number of hopeful (continuing) candidates. */
uint32_t cv__stv_hopeful(const struct cv__stv_count *k) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < k->nc; i++) n += k->c[i].state == CV__CAND_HOPEFUL;
  return n;
}

/* Number of elected candidates, pending ones included. */
uint32_t cv__stv_n_elected(const struct cv__stv_count *k) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < k->nc; i++) n += k->c[i].state == CV__CAND_ELECTED;
  return n;
}

/* Seats not yet filled. */
uint32_t cv__stv_seats_left(const struct cv__stv_count *k) {
  uint32_t e = cv__stv_n_elected(k);
  return e >= k->blt->n_seats ? 0 : k->blt->n_seats - e;
}

/* (see stv.h) */
uint32_t cv__stv_by_vote(const struct cv__stv_count *k, enum cv__stv_state state, uint32_t *out) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < k->nc; i++)
    if (k->c[i].state == state) out[n++] = i;
  /* Insertion sort by (vote, ballot order): candidate lists are short. Exact
   * comparison of the stored values, like Python's sort on droop values
   * (which uses their own comparison: guarded values within epsilon keep
   * ballot order, handled by cmp). */
  for (uint32_t i = 1; i < n; i++) {
    uint32_t x = out[i];
    uint32_t j = i;
    while (j > 0) {
      int c = cv__arith_cmp(&k->A, k->c[out[j - 1]].vote, k->c[x].vote);
      if (c < 0 || (c == 0 && out[j - 1] < x)) break;
      out[j] = out[j - 1];
      j--;
    }
    out[j] = x;
  }
  return n;
}

/* Records a settled tie: who was tied, who was chosen, and how. */
static void record_tie(struct cv__stv_count *k, const uint32_t *tied, uint32_t n, uint32_t chosen,
                       const char *purpose, const char *how) {
  struct cv__stv_action *a = cv__stv_act(k, "tie", chosen, purpose);
  if (!a) return;
  a->cands = cv__arena_alloc(&k->arena, n * sizeof *a->cands);
  if (!a->cands) {
    oom(k);
    return;
  }
  memcpy(a->cands, tied, n * sizeof *tied);
  a->n_cands = n;
  a->value = cv__arena_strdup(&k->arena, how);
  if (!a->value) oom(k);
}

/* (see stv.h) */
uint32_t cv__stv_tie_by_order(struct cv__stv_count *k, const uint32_t *tied, uint32_t n,
                              const char *purpose) {
  uint32_t best = tied[0];
  for (uint32_t i = 1; i < n; i++)
    if (k->c[tied[i]].tie_order < k->c[best].tie_order) best = tied[i];
  if (n > 1) record_tie(k, tied, n, best, purpose, "tie order (droop's stand-in for a lot)");
  return best;
}

/* (see stv.h) */
uint32_t cv__stv_tie_by_history(struct cv__stv_count *k, const uint32_t *tied, uint32_t n,
                                const char *purpose, bool lowest) {
  if (n == 1) return tied[0];
  /* Look back from the most recent saved round for one where a single tied
   * candidate had the lowest (or highest) vote. */
  for (size_t h = k->n_history; h-- > 0;) {
    mpq_t *v = k->history + h * k->nc;
    uint32_t ext = tied[0];
    for (uint32_t i = 1; i < n; i++) {
      int c = cv__arith_cmp(&k->A, v[tied[i]], v[ext]);
      /* droop sorts by (vote, ballot order) and takes the first (lowest) or
       * last (highest); ties in vote resolve by ballot order there. */
      if (lowest ? (c < 0 || (c == 0 && tied[i] < ext)) : (c > 0 || (c == 0 && tied[i] > ext)))
        ext = tied[i];
    }
    uint32_t same = 0;
    for (uint32_t i = 0; i < n; i++) same += cv__arith_cmp(&k->A, v[tied[i]], v[ext]) == 0;
    if (same == 1) {
      char how[80];
      snprintf(how, sizeof how, "votes at the start of round %zu", h + 1);
      record_tie(k, tied, n, ext, purpose, how);
      return ext;
    }
  }
  return cv__stv_tie_by_order(k, tied, n, purpose);
}

/* Builds the groups from the BLT's distinct rankings. */
static cv_status setup(struct cv__stv_count *k) {
  const struct cv__blt *b = k->blt;
  k->nc = b->n_candidates;
  k->c = cv__calloc(k->nc, sizeof *k->c);
  k->elected = cv__calloc(k->nc, sizeof *k->elected);
  k->defeated = cv__calloc(k->nc, sizeof *k->defeated);
  k->g = cv__calloc(b->n_rankings ? b->n_rankings : 1, sizeof *k->g);
  if (!k->c || !k->elected || !k->defeated || !k->g) {
    k->nc = 0; /* nothing initialized for cv__stv_fini to clear */
    return oom(k);
  }
  for (uint32_t i = 0; i < k->nc; i++) {
    struct cv__stv_cand *c = &k->c[i];
    mpq_init(c->vote);
    mpq_init(c->kf);
    c->state = b->withdrawn[i] ? CV__CAND_WITHDRAWN : CV__CAND_HOPEFUL;
    c->undeclared = b->undeclared[i];
    c->tie_order = b->tie_order[i];
  }
  for (size_t i = 0; i < b->n_rankings; i++) {
    struct cv__stv_group *g = &k->g[i];
    g->prefs = b->rankings[i].prefs;
    g->n = b->rankings[i].n;
    g->count = b->rankings[i].weight;
    mpq_init(g->weight);
    cv__arith_set_u64(&k->A, g->weight, 1);
    k->ng++;
  }
  k->n_ballots = b->n_ballots;
  return CV_OK;
}

/* (see stv.h) Equal rankings are refused before counting by the rules
 * that cannot count them. */
cv_status cv__stv_count(struct cv__stv_count *k, const struct cv__blt *blt,
                        const struct cv__stv_config *cfg, const char *file, struct cv_error *err) {
  memset(k, 0, sizeof *k);
  k->blt = blt;
  k->cfg = cfg;
  k->err = err;
  cv__arith_init(&k->A, cfg->arith, cfg->precision, cfg->guard, cfg->display);
  cv__arena_init(&k->arena, 0);
  cv__buf_init(&k->fmt, 1 << 20);
  mpq_inits(k->quota, k->exhausted, k->surplus, k->residual, k->votes, k->omega, k->zero, k->one,
            k->t1, k->t2, k->t3, NULL);
  cv__arith_set_u64(&k->A, k->one, 1);
  cv_status s = setup(k);
  if (s != CV_OK) return s;
  if (blt->any_equal && cfg->rule != CV__STV_MEEK && cfg->rule != CV__STV_WARREN)
    return k->status =
               cv__fail(err, CV_EINVAL, file, blt->equal_line, blt->equal_column, NULL,
                        "equal rankings (a=b) are counted only by the meek and warren rules, "
                        "as in droop; rule %s cannot count them",
                        cfg->rule_name);
  switch (cfg->rule) {
  case CV__STV_MEEK:
  case CV__STV_WARREN:
  case CV__STV_MEEK_PRF: s = cv__stv_count_meek(k); break;
  case CV__STV_IRISH: s = cv__stv_count_irish(k); break;
  case CV__STV_QPQ: s = cv__stv_count_qpq(k); break;
  case CV__STV_CFER:
  case CV__STV_CFER_BATCH: s = cv__stv_count_cfer(k); break;
  default: s = cv__stv_count_wigm(k); break;
  }
  if (s == CV_OK) s = cv__stv_check(k);
  return s;
}

/* Frees everything the count holds; safe after any failure, and twice. */
void cv__stv_fini(struct cv__stv_count *k) {
  if (!k || !k->cfg) return;
  if (k->c)
    for (uint32_t i = 0; i < k->nc; i++) {
      mpq_clear(k->c[i].vote);
      mpq_clear(k->c[i].kf);
    }
  for (size_t i = 0; i < k->ng; i++) mpq_clear(k->g[i].weight);
  for (size_t i = 0; i < k->n_history * k->nc; i++) mpq_clear(k->history[i]);
  for (size_t i = 0; i < k->n_rounds; i++) cv__free(k->rounds[i].actions);
  cv__free(k->rounds);
  cv__free(k->history);
  cv__free(k->c);
  cv__free(k->g);
  cv__free(k->elected);
  cv__free(k->defeated);
  mpq_clears(k->quota, k->exhausted, k->surplus, k->residual, k->votes, k->omega, k->zero, k->one,
             k->t1, k->t2, k->t3, NULL);
  cv__arith_fini(&k->A);
  cv__arena_fini(&k->arena);
  cv__buf_fini(&k->fmt);
  k->cfg = NULL;
}
