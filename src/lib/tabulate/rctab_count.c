/* tabulate/rctab_count.c: RCTab's round-by-round count over distinct rankings.
 *
 * The rounds follow RCTab's Tabulator step by step (the facts below are its
 * behaviour, written in our words): each round every ballot either stays with
 * a continuing candidate, moves to its next continuing choice, or becomes
 * inactive for a stated reason; then winners are identified, or candidates
 * eliminated (undeclared write-ins first, then everyone under the cutoff,
 * then a batch that cannot catch up, else the last candidate, breaking ties).
 * Multi-seat contests transfer surpluses fractionally: a winner keeps
 * threshold/total of each of its ballots, rounded down to the configured
 * decimals, and the rest moves on.
 *
 * A ballot here is a distinct ranking with a weight: every value it adds is
 * its per-record value times the weight, which is exact because every
 * record of a group goes through the same steps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tabulate/rctab.h"
#include "util/alloc.h"
#include "util/error.h"

static const struct cv__dec ZERO = {0, 0};
static const struct cv__dec ONE = {1, 0};

bool cv__rc_uses_surpluses(const struct cv__rc_contest *c) {
  return c->n_winners > 1 && c->cfg.mode != CV__RC_BOTTOMS_UP;
}

uint32_t cv__rc_num_candidates(const struct cv__rc_contest *c) {
  uint32_t n = 0;
  for (size_t i = 0; i < c->cfg.n_cands; i++) n += !c->excluded[i];
  return n;
}

bool cv__rc_continuing(const struct cv__rc_contest *c, uint32_t cand) {
  if (c->excluded[cand]) return false;
  if (c->elected_round[cand]) return c->cfg.continue_until_two;
  return c->elim_round[cand] == 0;
}

struct cv__dec cv__rc_active_sum(const struct cv__rc_tally *t) {
  bool o = false;
  return cv__dec_add(cv__dec_add(ZERO, t->status[CV__RC_ACTIVE], &o), t->status[CV__RC_FINAL_SURPLUS], &o);
}

struct cv__dec cv__rc_inactive_sum(const struct cv__rc_tally *t) {
  bool o = false;
  struct cv__dec s = ZERO;
  for (int i = CV__RC_NO_RANKINGS; i <= CV__RC_REPEATED; i++) s = cv__dec_add(s, t->status[i], &o);
  return s;
}

struct cv__dec cv__rc_active_locked(const struct cv__rc_tally *t) {
  bool o = false;
  return cv__dec_add(cv__rc_active_sum(t), t->locked, &o);
}

struct cv__rc_tally *cv__rc_slice_tally(struct cv__rc_contest *c, int slice, size_t id, uint32_t round) {
  return &c->slice_tallies[slice][round - 1][id];
}

/* *dst += v, noting an overflow for the end of the round. */
static void add_to(struct cv__rc_contest *c, struct cv__dec *dst, struct cv__dec v) {
  *dst = cv__dec_add(*dst, v, &c->overflow);
}

/* Adds v to the transfers of t from -> to (RCTab's TallyTransfers). */
static cv_status add_transfer(struct cv__rc_tally *t, int32_t from, int32_t to, struct cv__dec v, bool *ovf) {
  for (size_t i = 0; i < t->transfers.n; i++) {
    struct cv__rc_transfer *x = &t->transfers.items[i];
    if (x->from == from && x->to == to) {
      x->value = cv__dec_add(x->value, v, ovf);
      return CV_OK;
    }
  }
  cv_status st = cv__grow((void **)&t->transfers.items, &t->transfers.cap, t->transfers.n + 1,
                          sizeof *t->transfers.items, (size_t)CV__RC_MAX_CANDIDATES * CV__RC_MAX_CANDIDATES);
  if (st) return st;
  t->transfers.items[t->transfers.n++] = (struct cv__rc_transfer){from, to, v};
  return CV_OK;
}

/* An empty tally whose keys are the candidates continuing now (RCTab's new RoundTally). */
static cv_status tally_init(struct cv__rc_contest *c, struct cv__rc_tally *t) {
  memset(t, 0, sizeof *t);
  t->cand = cv__arena_calloc(&c->carena, c->cfg.n_cands, sizeof *t->cand);
  t->present = cv__arena_calloc(&c->carena, c->cfg.n_cands, sizeof *t->present);
  if (!t->cand || !t->present) return CV_ENOMEM;
  for (size_t i = 0; i < c->cfg.n_cands; i++) t->present[i] = cv__rc_continuing(c, (uint32_t)i);
  return CV_OK;
}

/* Makes room for round c->round and initialises its tallies. */
static cv_status open_round(struct cv__rc_contest *c) {
  uint32_t r = c->round;
  if (r > CV__RC_MAX_ROUNDS) return CV_ELIMIT;
  if (r > c->cap_rounds) {
    size_t cap = c->cap_rounds ? c->cap_rounds * 2 : 16;
    struct cv__rc_tally *t = cv__realloc(c->tallies, cap * sizeof *t);
    if (!t) return CV_ENOMEM;
    c->tallies = t;
    struct cv__dec *res = cv__realloc(c->residual, cap * sizeof *res);
    if (!res) return CV_ENOMEM;
    c->residual = res;
    struct cv__rc_decision **d = cv__realloc(c->decisions, cap * sizeof *d);
    if (!d) return CV_ENOMEM;
    c->decisions = d;
    size_t *nd = cv__realloc(c->n_decisions, cap * sizeof *nd);
    if (!nd) return CV_ENOMEM;
    c->n_decisions = nd;
    for (int s = 0; s < CV__RC_N_SLICE; s++) {
      struct cv__rc_tally **st = cv__realloc(c->slice_tallies[s], cap * sizeof *st);
      if (!st) return CV_ENOMEM;
      c->slice_tallies[s] = st;
    }
    c->cap_rounds = cap;
  }
  cv_status st = tally_init(c, &c->tallies[r - 1]);
  if (st) return st;
  c->decisions[r - 1] = NULL;
  c->n_decisions[r - 1] = 0;
  c->residual[r - 1] = r == 1 ? ZERO : c->residual[r - 2];
  for (int s = 0; s < CV__RC_N_SLICE; s++) {
    if (!c->cfg.by_slice[s]) continue;
    size_t n = c->slices[s].n;
    struct cv__rc_tally *a = cv__arena_calloc(&c->carena, n ? n : 1, sizeof *a);
    if (!a) return CV_ENOMEM;
    for (size_t i = 0; i < n; i++)
      if ((st = tally_init(c, &a[i]))) return st;
    c->slice_tallies[s][r - 1] = a;
  }
  return CV_OK;
}

/* Records that cand is elected or eliminated in the current round. */
static cv_status add_decision(struct cv__rc_contest *c, uint32_t cand, bool elected, bool tiebreak) {
  size_t r = c->round - 1;
  struct cv__rc_decision *d = cv__arena_alloc(&c->carena, (c->n_decisions[r] + 1) * sizeof *d);
  if (!d) return CV_ENOMEM;
  if (c->n_decisions[r]) memcpy(d, c->decisions[r], c->n_decisions[r] * sizeof *d);
  d[c->n_decisions[r]++] = (struct cv__rc_decision){cand, elected, tiebreak};
  c->decisions[r] = d;
  if (elected) {
    c->elected_round[cand] = c->round;
    c->n_elected++;
  } else {
    c->elim_round[cand] = c->round;
    c->n_eliminated++;
  }
  return CV_OK;
}

/* ---- one round's pass over the ballots ---- */

static cv_status snapshot(struct cv__rc_contest *c, size_t b) {
  const struct cv__rc_bstate *s = &c->bs[b];
  struct cv__rc_snap *n = cv__arena_alloc(&c->carena, sizeof *n);
  if (!n) return CV_ENOMEM;
  n->round = c->round;
  n->n = s->n_allocs + (s->recipient >= 0);
  n->items = cv__arena_alloc(&c->carena, (n->n ? n->n : 1) * sizeof *n->items);
  if (!n->items) return CV_ENOMEM;
  if (s->n_allocs) memcpy(n->items, s->allocs, s->n_allocs * sizeof *n->items);
  if (s->recipient >= 0) n->items[s->n_allocs] = (struct cv__rc_alloc){(uint32_t)s->recipient, s->ftv};
  n->next = c->snaps[b];
  c->snaps[b] = n;
  return CV_OK;
}

/* Moves ballot b to sel (-1: becomes inactive with status). */
static cv_status record_selection(struct cv__rc_contest *c, size_t b, int32_t sel, enum cv__rc_status status) {
  struct cv__rc_bstate *s = &c->bs[b];
  const struct cv__rc_ballot *bl = &c->ballots[b];
  struct cv__rc_tally *t = &c->tallies[c->round - 1];
  struct cv__dec v = cv__dec_mul_u(s->ftv, bl->weight, &c->overflow);
  cv_status st;
  if (cv__dec_sign(s->ftv) == 1) {
    if ((st = add_transfer(t, s->recipient, sel < 0 ? -1 : sel, v, &c->overflow))) return st;
    for (int k = 0; k < CV__RC_N_SLICE; k++)
      if (c->cfg.by_slice[k] && bl->slice[k])
        if ((st = add_transfer(cv__rc_slice_tally(c, k, bl->slice[k] - 1, c->round), s->recipient,
                               sel < 0 ? -1 : sel, v, &c->overflow)))
          return st;
  }
  s->recipient = sel;
  if (sel < 0) s->status = status;
  if (status != CV__RC_ACTIVE) {
    add_to(c, &t->status[status], v);
    for (int k = 0; k < CV__RC_N_SLICE; k++)
      if (c->cfg.by_slice[k] && bl->slice[k])
        add_to(c, &cv__rc_slice_tally(c, k, bl->slice[k] - 1, c->round)->status[status], v);
  }
  if (c->snaps) return snapshot(c, b);
  return CV_OK;
}

/* Counts ballot b for a continuing candidate in this round (and its slices). */
static void increment(struct cv__rc_contest *c, size_t b, uint32_t cand) {
  const struct cv__rc_ballot *bl = &c->ballots[b];
  struct cv__dec v = cv__dec_mul_u(c->bs[b].ftv, bl->weight, &c->overflow);
  struct cv__rc_tally *t = &c->tallies[c->round - 1];
  add_to(c, &t->cand[cand], v);
  add_to(c, &t->status[CV__RC_ACTIVE], v);
  for (int k = 0; k < CV__RC_N_SLICE; k++)
    if (c->cfg.by_slice[k] && bl->slice[k]) {
      struct cv__rc_tally *x = cv__rc_slice_tally(c, k, bl->slice[k] - 1, c->round);
      add_to(c, &x->cand[cand], v);
      add_to(c, &x->status[CV__RC_ACTIVE], v);
    }
}

/* Whether a mark's text names a continuing candidate, as RCTab's overvote check asks. */
static bool token_continuing(const struct cv__rc_contest *c, uint32_t tok) {
  const struct cv__rc_token *t = &c->tokens[tok];
  if (t->cand < 0) return false;
  /* RCTab asks about the text as written: an alias is never a known
   * winner or loser, so it counts as continuing here. */
  return t->is_name ? cv__rc_continuing(c, (uint32_t)t->cand) : true;
}

enum ov_decision { OV_NONE, OV_EXHAUST, OV_SKIP, OV_INVALID };

/* RCTab's overvote decision for the marks at one rank. */
static enum ov_decision overvote_decision(const struct cv__rc_contest *c, const uint32_t *toks, uint32_t n) {
  bool explicit_ov = false;
  for (uint32_t i = 0; i < n; i++)
    if (c->tokens[toks[i]].cand < 0) explicit_ov = true;
  if (explicit_ov) {
    /* RCTab stops the count on an overvote label next to other marks, or
     * under a rule that needs to know which candidates were marked */
    if (n != 1 || c->cfg.overvote == CV__RC_OV_IF_MULTIPLE) return OV_INVALID;
    return c->cfg.overvote == CV__RC_OV_EXHAUST ? OV_EXHAUST : OV_SKIP;
  }
  if (n <= 1) return OV_NONE;
  if (c->cfg.overvote == CV__RC_OV_EXHAUST) return OV_EXHAUST;
  if (c->cfg.overvote == CV__RC_OV_SKIP) return OV_SKIP;
  int seen = 0;
  for (uint32_t i = 0; i < n; i++)
    if (token_continuing(c, toks[i]) && ++seen == 2) return OV_EXHAUST;
  return OV_NONE;
}

/* One ballot's step in the current round: stays, moves to its next
 * continuing choice, or becomes inactive for a reason (RCTab's order of
 * checks: final-round surplus, skipped ranks, duplicates, overvotes). seen
 * is scratch for the duplicate check. */
static cv_status count_ballot(struct cv__rc_contest *c, size_t b, uint32_t *seen) {
  struct cv__rc_bstate *s = &c->bs[b];
  const struct cv__rc_ballot *bl = &c->ballots[b];
  struct cv__rc_tally *t = &c->tallies[c->round - 1];
  cv_status st;
  if (s->status != CV__RC_ACTIVE) {
    struct cv__dec v = cv__dec_mul_u(s->ftv, bl->weight, &c->overflow);
    add_to(c, &t->status[s->status], v);
    for (int k = 0; k < CV__RC_N_SLICE; k++)
      if (c->cfg.by_slice[k] && bl->slice[k])
        add_to(c, &cv__rc_slice_tally(c, k, bl->slice[k] - 1, c->round)->status[s->status], v);
    return CV_OK;
  }
  if (s->recipient >= 0 && cv__rc_continuing(c, (uint32_t)s->recipient)) {
    increment(c, b, (uint32_t)s->recipient);
    return CV_OK;
  }
  const uint32_t *r = cv__rc_ranking(c, b);
  uint32_t n_ranks = r[0];
  if (n_ranks == 0) return record_selection(c, b, -1, CV__RC_NO_RANKINGS);
  /* the last rank present: RCTab's maxRankingNumber */
  uint32_t max_rank = 0;
  {
    const uint32_t *p = r + 1;
    for (uint32_t i = 0; i < n_ranks; i++) {
      max_rank = p[0];
      p += 2 + p[1];
    }
  }
  uint32_t last = 0, n_seen = 0;
  const uint32_t *p = r + 1;
  bool surplus_done = cv__rc_uses_surpluses(c) && c->n_elected == c->n_winners;
  for (uint32_t i = 0; i < n_ranks; i++, p += 2 + p[1]) {
    uint32_t rank = p[0], n = p[1];
    const uint32_t *toks = p + 2;
    if (surplus_done) return record_selection(c, b, -1, CV__RC_FINAL_SURPLUS);
    if (c->cfg.max_skipped != UINT32_MAX && rank - last > c->cfg.max_skipped + 1)
      return record_selection(c, b, -1, CV__RC_SKIPPED);
    last = rank;
    if (c->cfg.exhaust_on_duplicate) {
      bool dup = false;
      for (uint32_t k = 0; k < n && !dup; k++) {
        for (uint32_t q = 0; q < n_seen; q++)
          if (seen[q] == toks[k]) dup = true;
        if (!dup) seen[n_seen++] = toks[k];
      }
      if (dup) return record_selection(c, b, -1, CV__RC_REPEATED);
    }
    enum ov_decision d = overvote_decision(c, toks, n);
    if (d == OV_INVALID) return CV_EINVAL;
    if (d == OV_EXHAUST) return record_selection(c, b, -1, CV__RC_OVERVOTE);
    if (d == OV_SKIP) {
      if (rank == max_rank) return record_selection(c, b, -1, CV__RC_EXHAUSTED_CHOICE);
      continue;
    }
    for (uint32_t k = 0; k < n; k++) {
      int32_t cand = c->tokens[toks[k]].cand;
      if (cand < 0 || !cv__rc_continuing(c, (uint32_t)cand)) continue;
      if ((st = record_selection(c, b, cand, CV__RC_ACTIVE))) return st;
      increment(c, b, (uint32_t)cand);
      return CV_OK;
    }
    if (rank == max_rank) return record_selection(c, b, -1, CV__RC_EXHAUSTED_CHOICE);
  }
  return CV_OK;
}

/* ---- thresholds and decisions ---- */

static bool recompute_threshold(const struct cv__rc_contest *c) {
  if (c->n_winners > 1) return c->round == 1;
  if (c->round == 1) return true;
  if (c->cfg.first_round_threshold) return false;
  if (c->cfg.continue_until_two) return c->n_elected == 0;
  return true;
}

/* Sets the round's threshold for the contest and every slice. */
static void set_threshold(struct cv__rc_contest *c, struct cv__dec th) {
  c->tallies[c->round - 1].threshold = th;
  for (int k = 0; k < CV__RC_N_SLICE; k++)
    if (c->cfg.by_slice[k])
      for (size_t i = 0; i < c->slices[k].n; i++) cv__rc_slice_tally(c, k, i, c->round)->threshold = th;
}

/* The threshold from this round's active ballots: Droop (floor + one unit),
 * Hare (rounded up) or the bottoms-up percentage. */
static struct cv__dec compute_threshold(struct cv__rc_contest *c) {
  struct cv__dec total = cv__rc_active_sum(&c->tallies[c->round - 1]);
  if (c->cfg.mode == CV__RC_BOTTOMS_UP_PCT) return cv__dec_mul(total, c->cfg.pct, &c->overflow);
  struct cv__dec divisor = cv__dec_int(c->cfg.hare ? c->n_winners : c->n_winners + 1);
  int32_t d = c->cfg.non_integer_threshold ? c->cfg.decimals : 0;
  if (c->cfg.hare) return cv__dec_div(total, divisor, d, CV__ROUND_UP, &c->overflow);
  struct cv__dec q = cv__dec_div(total, divisor, d, CV__ROUND_DOWN, &c->overflow);
  return cv__dec_add(q, cv__dec_make(1, d), &c->overflow);
}

/* Undeclared write-ins still hold votes: nobody may win this round. */
static bool uwi_has_votes(const struct cv__rc_contest *c, const struct cv__rc_tally *t) {
  if (!c->cfg.has_uwi) return false;
  size_t u = c->cfg.n_declared;
  return t->present[u] && cv__dec_sign(t->cand[u]) != 0;
}

/* Present candidates with the largest (max) or smallest tally. */
static size_t extreme(const struct cv__rc_contest *c, const struct cv__rc_tally *t, bool max, uint32_t *out,
                      struct cv__dec *val) {
  size_t n = 0;
  for (size_t i = 0; i < c->cfg.n_cands; i++) {
    if (!t->present[i]) continue;
    int cmp = n == 0 ? 0 : cv__dec_cmp(t->cand[i], *val);
    if (n == 0 || (max ? cmp > 0 : cmp < 0)) {
      n = 0;
      *val = t->cand[i];
    } else if (cmp != 0) {
      continue;
    }
    out[n++] = (uint32_t)i;
  }
  return n;
}

/* The candidates elected this round (sel), breaking a tie when only one may win. */
static cv_status identify_winners(struct cv__rc_contest *c, uint32_t *sel, size_t *n_sel, bool *tiebroken,
                                  struct cv_error *err) {
  const struct cv__rc_tally *t = &c->tallies[c->round - 1];
  *n_sel = 0;
  *tiebroken = false;
  if (uwi_has_votes(c, t)) return CV_OK;
  size_t n_present = 0;
  for (size_t i = 0; i < c->cfg.n_cands; i++) n_present += t->present[i];
  if (c->cfg.mode == CV__RC_BOTTOMS_UP_PCT) {
    size_t above = 0;
    for (size_t i = 0; i < c->cfg.n_cands; i++)
      if (t->present[i] && cv__dec_cmp(t->cand[i], t->threshold) > 0) above++;
    if (above == n_present)
      for (size_t i = 0; i < c->cfg.n_cands; i++)
        if (t->present[i]) sel[(*n_sel)++] = (uint32_t)i;
    return CV_OK;
  }
  long unfilled = (long)c->n_winners - (long)c->n_elected;
  if (unfilled > 0) {
    if ((long)n_present <= unfilled) {
      for (size_t i = 0; i < c->cfg.n_cands; i++)
        if (t->present[i]) sel[(*n_sel)++] = (uint32_t)i;
    } else if (c->cfg.first_round_threshold && n_present - 1 == c->n_winners) {
      struct cv__dec v;
      *n_sel = extreme(c, t, true, sel, &v);
    } else if (c->cfg.mode != CV__RC_BOTTOMS_UP) {
      for (size_t i = 0; i < c->cfg.n_cands; i++)
        if (t->present[i] && cv__dec_cmp(t->cand[i], t->threshold) >= 0 &&
            !(c->cfg.has_uwi && i == c->cfg.n_declared))
          sel[(*n_sel)++] = (uint32_t)i;
    }
  }
  bool need_multi = *n_sel > 1 && (c->cfg.mode == CV__RC_MULTI_ONE_PER_ROUND || c->cfg.first_round_threshold);
  bool need_none = c->n_winners == 1 && *n_sel == 0 && n_present == 2 && unfilled == 1;
  if (need_multi || need_none) {
    struct cv__dec v;
    *n_sel = extreme(c, t, true, sel, &v);
    if (*n_sel > 1) {
      uint32_t w;
      cv_status st = cv__rc_tiebreak(c, sel, *n_sel, true, v, &w, err);
      if (st) return st;
      sel[0] = w;
      *n_sel = 1;
      *tiebroken = true;
    }
  }
  return CV_OK;
}

struct group {
  struct cv__dec v;
  size_t first, n; /* range in the sorted candidate list */
};

/* Candidates present in t, grouped by tally ascending. */
static size_t groups_of(const struct cv__rc_contest *c, const struct cv__rc_tally *t, uint32_t *order,
                        struct group *g) {
  size_t n = 0;
  for (size_t i = 0; i < c->cfg.n_cands; i++)
    if (t->present[i]) order[n++] = (uint32_t)i;
  /* insertion sort by tally, stable */
  for (size_t i = 1; i < n; i++) {
    uint32_t x = order[i];
    size_t j = i;
    while (j > 0 && cv__dec_cmp(t->cand[order[j - 1]], t->cand[x]) > 0) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = x;
  }
  size_t ng = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && cv__dec_cmp(t->cand[order[j]], t->cand[order[i]]) == 0) j++;
    g[ng++] = (struct group){t->cand[order[i]], i, j - i};
    i = j;
  }
  return ng;
}

/* Eliminates by the first rule that applies: write-ins, cutoff, batch, lowest. */
static cv_status eliminate(struct cv__rc_contest *c, struct cv_error *err) {
  const struct cv__rc_tally *t = &c->tallies[c->round - 1];
  size_t nc = c->cfg.n_cands;
  uint32_t *order = cv__arena_alloc(&c->carena, nc * sizeof *order);
  struct group *g = cv__arena_alloc(&c->carena, nc * sizeof *g);
  uint32_t *out = cv__arena_alloc(&c->carena, nc * sizeof *out);
  if (!order || !g || !out) return cv__failf(err, CV_ENOMEM, "out of memory");
  cv_status st;
  /* 1. undeclared write-ins go first */
  if (c->cfg.has_uwi) {
    size_t u = c->cfg.n_declared;
    if (t->present[u] && cv__dec_sign(t->cand[u]) == 1) return add_decision(c, (uint32_t)u, false, false);
  }
  /* 2. everyone under the threshold */
  if (c->cfg.cutoff_elimination) {
    size_t n = 0;
    for (size_t i = 0; i < nc; i++)
      if (t->present[i] && cv__dec_cmp(t->cand[i], t->threshold) < 0) out[n++] = (uint32_t)i;
    for (size_t i = 0; i < n; i++)
      if ((st = add_decision(c, out[i], false, false))) return st;
    if (n) return CV_OK;
  }
  size_t ng = groups_of(c, t, order, g);
  if (ng == 0)
    return cv__failf(err, CV_EINVAL,
                     "round %u: no candidate is left to elect or eliminate (more seats than candidates?)", c->round);
  /* 3. batch elimination: everyone whose combined votes cannot pass the next */
  if (c->cfg.batch_elimination) {
    struct cv__dec running = ZERO;
    size_t n_elim = 0, n_prev = 0, n_seen = 0;
    for (size_t k = 0; k < ng; k++) {
      size_t grown = n_elim;
      if (cv__dec_cmp(running, g[k].v) < 0) grown = n_seen; /* all seen so far */
      struct cv__dec total = cv__dec_mul_round(g[k].v, cv__dec_int((int64_t)g[k].n), c->cfg.decimals,
                                               CV__ROUND_DOWN, &c->overflow);
      running = cv__dec_add(running, total, &c->overflow);
      n_seen += g[k].n;
      if (grown > n_elim) {
        n_prev = n_elim;
        n_elim = grown;
      }
    }
    long remaining = (long)cv__rc_num_candidates(c) - 1;
    if (c->cfg.continue_until_two && (long)(n_elim + c->n_eliminated) == remaining) n_elim = n_prev;
    if (n_elim > 1) {
      for (size_t i = 0; i < n_elim; i++)
        if ((st = add_decision(c, order[i], false, false))) return st;
      return CV_OK;
    }
  }
  /* 4. the last candidate, by tiebreak when several share the lowest tally */
  if (g[0].n > 1) {
    uint32_t loser;
    memcpy(out, order, g[0].n * sizeof *out);
    if ((st = cv__rc_tiebreak(c, out, g[0].n, false, g[0].v, &loser, err))) return st;
    return add_decision(c, loser, false, true);
  }
  return add_decision(c, order[0], false, false);
}

/* A winner keeps threshold/total of each ballot it holds; records it. */
static cv_status take_surplus(struct cv__rc_contest *c, uint32_t w) {
  const struct cv__rc_tally *t = &c->tallies[c->round - 1];
  struct cv__dec votes = t->cand[w];
  struct cv__dec extra = cv__dec_sub(votes, t->threshold, &c->overflow);
  int32_t d = c->cfg.decimals;
  struct cv__dec frac = cv__dec_sign(extra) == 1 ? cv__dec_div(extra, votes, d, CV__ROUND_DOWN, &c->overflow) : ZERO;
  for (size_t b = 0; b < c->n_ballots; b++) {
    struct cv__rc_bstate *s = &c->bs[b];
    if (s->recipient != (int32_t)w) continue;
    struct cv__dec moved = cv__dec_mul_round(s->ftv, frac, d, CV__ROUND_DOWN, &c->overflow);
    struct cv__dec kept = cv__dec_sub(s->ftv, moved, &c->overflow);
    uint32_t i;
    for (i = 0; i < s->n_allocs; i++)
      if (s->allocs[i].winner == w) break;
    if (i == s->n_allocs) {
      if (s->n_allocs == s->cap_allocs) {
        uint32_t cap = s->cap_allocs ? s->cap_allocs * 2 : 2;
        struct cv__rc_alloc *a = cv__arena_alloc(&c->carena, cap * sizeof *a);
        if (!a) return CV_ENOMEM;
        if (s->n_allocs) memcpy(a, s->allocs, s->n_allocs * sizeof *a);
        s->allocs = a;
        s->cap_allocs = cap;
      }
      s->n_allocs++;
    }
    s->allocs[i] = (struct cv__rc_alloc){w, kept};
    struct cv__dec left = ONE;
    for (uint32_t k = 0; k < s->n_allocs; k++) left = cv__dec_sub(left, s->allocs[k].value, &c->overflow);
    s->ftv = left;
  }
  return CV_OK;
}

/* Sets a candidate's tally outside the count, keeping the "locked in" sum. */
static void set_locked(struct cv__rc_contest *c, struct cv__rc_tally *t, uint32_t cand, struct cv__dec v) {
  struct cv__dec old = t->present[cand] ? t->cand[cand] : ZERO;
  t->locked = cv__dec_add(t->locked, cv__dec_sub(v, old, &c->overflow), &c->overflow);
  t->cand[cand] = v;
  t->present[cand] = true;
}

/* After a round of a multi-seat count: earlier winners' tallies, from the
 * parts of ballots they kept; a winner of the previous round is brought
 * back to the threshold and the excess is residual surplus. */
static cv_status update_winner_tallies(struct cv__rc_contest *c) {
  if (c->round < 2) return CV_OK;
  uint32_t r = c->round;
  struct cv__rc_tally *t = &c->tallies[r - 1], *p = &c->tallies[r - 2];
  size_t nc = c->cfg.n_cands;
  bool any_new = false;
  for (size_t w = 0; w < nc; w++) {
    uint32_t er = c->elected_round[w];
    if (!er || er == r) continue;
    set_locked(c, t, (uint32_t)w, er == r - 1 ? ZERO : p->cand[w]);
    any_new |= er == r - 1;
    for (int k = 0; k < CV__RC_N_SLICE; k++)
      if (c->cfg.by_slice[k])
        for (size_t i = 0; i < c->slices[k].n; i++)
          set_locked(c, cv__rc_slice_tally(c, k, i, r), (uint32_t)w,
                     er == r - 1 ? ZERO : cv__rc_slice_tally(c, k, i, r - 1)->cand[w]);
  }
  if (!any_new) return CV_OK;
  for (size_t b = 0; b < c->n_ballots; b++) {
    const struct cv__rc_bstate *s = &c->bs[b];
    const struct cv__rc_ballot *bl = &c->ballots[b];
    for (uint32_t i = 0; i < s->n_allocs; i++) {
      uint32_t w = s->allocs[i].winner;
      if (c->elected_round[w] != r - 1) continue;
      struct cv__dec v = cv__dec_mul_u(s->allocs[i].value, bl->weight, &c->overflow);
      set_locked(c, t, w, cv__dec_add(t->cand[w], v, &c->overflow));
      for (int k = 0; k < CV__RC_N_SLICE; k++)
        if (c->cfg.by_slice[k] && bl->slice[k]) {
          struct cv__rc_tally *x = cv__rc_slice_tally(c, k, bl->slice[k] - 1, r);
          set_locked(c, x, w, cv__dec_add(x->cand[w], v, &c->overflow));
        }
    }
  }
  for (size_t w = 0; w < nc; w++) {
    if (c->elected_round[w] != r - 1) continue;
    struct cv__dec resid = cv__dec_sub(t->cand[w], t->threshold, &c->overflow);
    if (cv__dec_sign(resid) == 1) {
      c->residual[r - 1] = cv__dec_add(c->residual[r - 1], resid, &c->overflow);
      set_locked(c, t, (uint32_t)w, t->threshold);
      cv_status st = add_transfer(t, (int32_t)w, -2, resid, &c->overflow);
      if (st) return st;
    }
  }
  return CV_OK;
}

/* Whether another round is needed (RCTab's stopping rules). */
static bool should_continue(const struct cv__rc_contest *c) {
  uint32_t nc = cv__rc_num_candidates(c);
  if (c->cfg.stop_after && c->round >= c->cfg.stop_after) return false;
  if (c->n_elected == c->cfg.n_declared && c->n_winners > nc) return false;
  if (c->cfg.continue_until_two) {
    bool elim_now = false;
    for (size_t i = 0; i < c->cfg.n_cands; i++)
      if (c->round && c->elim_round[i] == c->round) elim_now = true;
    return c->n_eliminated + c->n_elected + 1 < nc || elim_now;
  }
  if (c->cfg.mode == CV__RC_BOTTOMS_UP_PCT) return c->n_elected == 0;
  bool won_now = false;
  for (size_t i = 0; i < c->cfg.n_cands; i++)
    if (c->round && c->elected_round[i] == c->round) won_now = true;
  return c->n_elected < c->n_winners || (cv__rc_uses_surpluses(c) && won_now);
}

void cv__rc_count_fini(struct cv__rc_contest *c) {
  for (uint32_t r = 0; r < c->round && c->tallies; r++) {
    cv__free(c->tallies[r].transfers.items);
    for (int k = 0; k < CV__RC_N_SLICE; k++)
      if (c->cfg.by_slice[k] && c->slice_tallies[k])
        for (size_t i = 0; i < c->slices[k].n; i++) cv__free(c->slice_tallies[k][r][i].transfers.items);
  }
  cv__free(c->tallies);
  cv__free(c->residual);
  cv__free(c->decisions);
  cv__free(c->n_decisions);
  for (int k = 0; k < CV__RC_N_SLICE; k++) cv__free(c->slice_tallies[k]);
  memset(c->slice_tallies, 0, sizeof c->slice_tallies);
  cv__free(c->bs);
  cv__free(c->snaps);
  c->tallies = NULL;
  c->residual = NULL;
  c->decisions = NULL;
  c->n_decisions = NULL;
  c->bs = NULL;
  c->snaps = NULL;
  c->cap_rounds = 0;
  c->round = 0;
  cv__arena_fini(&c->carena);
}

cv_status cv__rc_count(struct cv__rc_contest *c, struct cv_error *err) {
  cv__rc_count_fini(c);
  cv__arena_init(&c->carena, 0);
  size_t nc = c->cfg.n_cands;
  c->elected_round = cv__arena_calloc(&c->carena, nc, sizeof *c->elected_round);
  c->elim_round = cv__arena_calloc(&c->carena, nc, sizeof *c->elim_round);
  uint32_t *sel = cv__arena_calloc(&c->carena, nc, sizeof *sel);
  uint32_t *seen = cv__arena_calloc(&c->carena, 4097, sizeof *seen); /* a record's marks */
  c->bs = cv__calloc(c->n_ballots ? c->n_ballots : 1, sizeof *c->bs);
  if (!c->elected_round || !c->elim_round || !sel || !seen || !c->bs)
    return cv__failf(err, CV_ENOMEM, "out of memory");
  if (c->cfg.generate_cdf) {
    c->snaps = cv__calloc(c->n_ballots ? c->n_ballots : 1, sizeof *c->snaps);
    if (!c->snaps) return cv__failf(err, CV_ENOMEM, "out of memory");
  }
  c->n_elected = c->n_eliminated = 0;
  c->overflow = false;
  for (size_t b = 0; b < c->n_ballots; b++) {
    c->bs[b].recipient = -1;
    c->bs[b].status = CV__RC_ACTIVE;
    c->bs[b].ftv = ONE;
  }
  cv_status st = cv__rc_tiebreak_init(c, err);
  if (st) return st;
  while (should_continue(c)) {
    c->round++;
    if ((st = open_round(c))) {
      c->round--; /* the round was not set up: nothing of it to free */
      return cv__failf(err, st, st == CV_ELIMIT ? "more than %u rounds" : "out of memory", CV__RC_MAX_ROUNDS);
    }
    for (size_t b = 0; b < c->n_ballots; b++)
      if ((st = count_ballot(c, b, seen))) {
        if (st == CV_EINVAL)
          return cv__failf(err, st,
                           "a ballot marks an overvote at a rank together with candidates, or under "
                           "overvoteRule exhaustIfMultipleContinuing; RCTab stops the count there");
        return cv__failf(err, st, st == CV_ENOMEM ? "out of memory" : "too many transfers in round %u", c->round);
      }
    if (recompute_threshold(c)) set_threshold(c, compute_threshold(c));
    else set_threshold(c, c->tallies[c->round - 2].threshold);
    size_t n_sel = 0;
    bool tiebroken = false;
    if ((st = identify_winners(c, sel, &n_sel, &tiebroken, err))) return st;
    if (n_sel) {
      for (size_t i = 0; i < n_sel; i++)
        if ((st = add_decision(c, sel[i], true, tiebroken))) return cv__failf(err, st, "out of memory");
      if (cv__rc_uses_surpluses(c))
        for (size_t i = 0; i < n_sel; i++)
          if ((st = take_surplus(c, sel[i]))) return cv__failf(err, st, "out of memory");
    } else if (c->n_elected < c->n_winners ||
               (c->cfg.continue_until_two && (long)c->n_eliminated < (long)cv__rc_num_candidates(c) - 2) ||
               c->cfg.mode == CV__RC_BOTTOMS_UP_PCT) {
      if ((st = eliminate(c, err))) return st;
      if (c->n_decisions[c->round - 1] == 0)
        return cv__failf(err, CV_EINTERNAL, "round %u: no candidate could be eliminated", c->round);
    }
    if (c->n_winners > 1 && (st = update_winner_tallies(c))) return cv__failf(err, st, "out of memory");
    if (c->overflow)
      return cv__failf(err, CV_ELIMIT, "round %u: a tally left the range of exact arithmetic", c->round);
  }
  if (c->round == 0) return cv__failf(err, CV_EINVAL, "no round was counted (stopTabulationEarlyAfterRound?)");
  return CV_OK;
}
