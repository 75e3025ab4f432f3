/* tabulate/stv_irish.c: the Irish rule: a surplus is transferred from the
 * last parcel of papers the candidate received (all papers when elected on
 * first preferences), not from all the candidate's papers as in the
 * Gregory rules. See docs/stv.md for the rule as counted here and where it
 * simplifies the statutory procedure.
 *
 * A parcel is the set of papers one candidate received in one transfer;
 * groups of identical rankings always travel together, so a group belongs
 * to exactly one parcel and the papers moved can be reported per
 * recipient. */
#include "tabulate/stv.h"

#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

#define NONE UINT32_MAX

/* The candidate a group's ballots sit with, or NONE when exhausted. */
static uint32_t top(const struct cv__stv_group *g) {
  return g->index < g->n ? g->prefs[g->index] : NONE;
}

/* The next hopeful preference of g at or after its current one, or NONE. */
static uint32_t next_hopeful(const struct cv__stv_count *k, const struct cv__stv_group *g,
                             uint32_t *pos) {
  uint32_t i = g->index + 1;
  while (i < g->n && k->c[g->prefs[i]].state != CV__CAND_HOPEFUL) i++;
  *pos = i;
  return i < g->n ? g->prefs[i] : NONE;
}

struct tally {
  uint64_t papers;
  mpq_t votes;
  uint32_t parcel;
};

/* Moves the selected groups of candidate from (in parcel `parcel`, or all
 * when parcel is 0 and all is true) to their next hopeful preferences. When
 * tv is not NULL every moved paper takes value tv; otherwise it keeps its
 * value. Non-transferable papers stay with from when keep_nt, else go to
 * the exhausted pile. Records the papers moved in action a. */
static void move(struct cv__stv_count *k, uint32_t from, bool all, uint32_t parcel, const mpq_t tv,
                 bool keep_nt, struct cv__stv_action *a, uint32_t *next_parcel, mpq_t moved) {
  struct tally *t = cv__calloc(k->nc + 1, sizeof *t);
  if (!t) {
    if (k->status == CV_OK) k->status = cv__failf(k->err, CV_ENOMEM, "out of memory");
    return;
  }
  for (uint32_t i = 0; i <= k->nc; i++) mpq_init(t[i].votes);
  for (size_t i = 0; i < k->ng; i++) {
    struct cv__stv_group *g = &k->g[i];
    if (top(g) != from || (!all && g->parcel != parcel)) continue;
    uint32_t pos, to = next_hopeful(k, g, &pos);
    uint32_t slot = to == NONE ? k->nc : to;
    if (to == NONE && keep_nt) {
      t[slot].papers += g->count;
      continue;
    }
    if (to != NONE && tv) mpq_set(g->weight, tv);
    cv__arith_mul_u64(&k->A, k->t1, g->weight, g->count);
    cv__arith_add(&k->A, t[slot].votes, t[slot].votes, k->t1);
    t[slot].papers += g->count;
    g->index = pos;
    if (to == NONE) {
      cv__arith_add(&k->A, k->exhausted, k->exhausted, k->t1);
    } else {
      cv__arith_add(&k->A, k->c[to].vote, k->c[to].vote, k->t1);
      if (!t[slot].parcel) t[slot].parcel = ++*next_parcel;
      g->parcel = t[slot].parcel;
      k->c[to].last_parcel = t[slot].parcel;
    }
  }
  mpq_set_ui(moved, 0, 1);
  for (uint32_t i = 0; i < k->nc; i++) cv__arith_add(&k->A, moved, moved, t[i].votes);
  if (a) {
    uint32_t n = 0;
    for (uint32_t i = 0; i <= k->nc; i++) n += t[i].papers > 0;
    a->moved = cv__arena_calloc(&k->arena, n ? n : 1, sizeof *a->moved);
    if (!a->moved && k->status == CV_OK) k->status = cv__failf(k->err, CV_ENOMEM, "out of memory");
    for (uint32_t i = 0; i <= k->nc && a->moved; i++) {
      if (!t[i].papers) continue;
      struct cv__stv_moved *m = &a->moved[a->n_moved++];
      m->to = i == k->nc ? UINT32_MAX : i;
      m->papers = t[i].papers;
      m->votes = cv__stv_str(k, t[i].votes);
    }
  }
  for (uint32_t i = 0; i <= k->nc; i++) mpq_clear(t[i].votes);
  cv__free(t);
}

/* Transfers c's surplus from its last parcel (see the file comment). */
static void transfer_surplus(struct cv__stv_count *k, uint32_t c, uint32_t *next_parcel) {
  mpq_t surplus, value;
  mpq_inits(surplus, value, NULL);
  cv__arith_sub(&k->A, surplus, k->c[c].vote, k->quota);
  bool all = k->c[c].last_parcel == 0;
  uint32_t parcel = k->c[c].last_parcel;
  /* The transferable papers of the parcel and their value. */
  uint64_t papers = 0;
  mpq_set_ui(value, 0, 1);
  for (size_t i = 0; i < k->ng; i++) {
    struct cv__stv_group *g = &k->g[i];
    uint32_t pos;
    if (top(g) != c || (!all && g->parcel != parcel) || next_hopeful(k, g, &pos) == NONE) continue;
    papers += g->count;
    cv__arith_mul_u64(&k->A, k->t1, g->weight, g->count);
    cv__arith_add(&k->A, value, value, k->t1);
  }
  struct cv__stv_action *a =
      cv__stv_act(k, "transfer", c, all ? "surplus (all papers)" : "surplus (last parcel)");
  if (a) a->amount = cv__stv_str(k, surplus);
  if (papers && cv__arith_cmp(&k->A, value, surplus) > 0) {
    /* More value than surplus: each transferable paper carries surplus /
     * papers, rounded down to the precision. */
    cv__arith_set_u64(&k->A, k->t2, papers);
    cv__arith_div(&k->A, k->t3, surplus, k->t2, CV__ROUND_DOWN);
    if (a) a->value = cv__stv_str(k, k->t3);
    move(k, c, all, parcel, k->t3, true, a, next_parcel, value);
  } else {
    if (a) a->value = cv__arith_is_zero(surplus) ? NULL : cv__stv_str(k, k->one);
    move(k, c, all, parcel, NULL, true, a, next_parcel, value);
  }
  /* What the transferable papers did not carry is lost to rounding or is
   * non-transferable: it leaves the count as exhausted. */
  cv__arith_sub(&k->A, k->t1, surplus, value);
  cv__arith_add(&k->A, k->exhausted, k->exhausted, k->t1);
  mpq_set(k->c[c].vote, k->quota);
  mpq_clears(surplus, value, NULL);
}

/* Elects every hopeful at or above the quota, highest first. */
static void elect_with_quota(struct cv__stv_count *k, uint32_t *buf) {
  uint32_t n = cv__stv_by_vote(k, CV__CAND_HOPEFUL, buf);
  for (uint32_t i = n; i-- > 0;)
    if (cv__arith_cmp(&k->A, k->c[buf[i]].vote, k->quota) >= 0)
      cv__stv_elect(k, buf[i], true, "quota");
}

/* The pending (or hopeful) candidates tied at the highest (or lowest) vote. */
static uint32_t extreme(struct cv__stv_count *k, bool pending, bool highest, uint32_t *out) {
  uint32_t n = cv__stv_by_vote(k, pending ? CV__CAND_ELECTED : CV__CAND_HOPEFUL, out);
  uint32_t m = 0;
  for (uint32_t i = 0; i < n; i++)
    if (!pending || k->c[out[i]].pending) out[m++] = out[i];
  if (!m) return 0;
  uint32_t bc = highest ? out[m - 1] : out[0];
  uint32_t r = 0;
  for (uint32_t i = 0; i < m; i++)
    if (cv__arith_cmp(&k->A, k->c[out[i]].vote, k->c[bc].vote) == 0) out[r++] = out[i];
  return r;
}

/* Counts under the Irish rule (see the file comment and docs/stv.md). */
cv_status cv__stv_count_irish(struct cv__stv_count *k) {
  uint32_t *buf = cv__calloc(k->nc + 1, sizeof *buf);
  if (!buf) return k->status = cv__failf(k->err, CV_ENOMEM, "out of memory");
  uint32_t next_parcel = 0;
  cv__arith_set_u64(&k->A, k->quota, k->n_ballots / (k->blt->n_seats + 1u) + 1u);
  for (size_t i = 0; i < k->ng; i++) {
    struct cv__stv_group *g = &k->g[i];
    cv__arith_mul_u64(&k->A, k->t1, g->weight, g->count);
    cv__arith_add(&k->A, k->c[g->prefs[0]].vote, k->c[g->prefs[0]].vote, k->t1);
  }
  if (cv__stv_new_round(k) == CV_OK) {
    cv__stv_act(k, "begin", -1, "first preferences");
    cv__stv_snapshot(k);
  }
  while (k->status == CV_OK) {
    elect_with_quota(k, buf);
    cv__stv_snapshot(k);
    if (cv__stv_seats_left(k) == 0 || cv__stv_hopeful(k) <= cv__stv_seats_left(k)) break;
    k->round++;
    if (cv__stv_new_round(k) != CV_OK) break;
    uint32_t n = extreme(k, true, true, buf);
    if (n) {
      uint32_t c = cv__stv_tie_by_history(k, buf, n, "largest surplus", false);
      k->c[c].pending = false;
      transfer_surplus(k, c, &next_parcel);
    } else if ((n = extreme(k, false, false, buf)) > 0) {
      uint32_t c = cv__stv_tie_by_history(k, buf, n, "exclusion", true);
      cv__stv_defeat(k, c, "lowest vote");
      struct cv__stv_action *a = cv__stv_act(k, "transfer", c, "exclusion");
      if (a) a->amount = cv__stv_str(k, k->c[c].vote);
      move(k, c, true, 0, NULL, false, a, &next_parcel, k->t2);
      mpq_set_ui(k->c[c].vote, 0, 1);
    }
    if (cv__stv_check(k) != CV_OK) break;
  }
  if (k->status == CV_OK) {
    for (uint32_t i = 0; i < k->nc; i++) k->c[i].pending = false;
    bool fill = cv__stv_hopeful(k) <= cv__stv_seats_left(k);
    uint32_t n = cv__stv_by_vote(k, CV__CAND_HOPEFUL, buf);
    for (uint32_t i = n; i-- > 0;) {
      if (fill && cv__stv_n_elected(k) < k->blt->n_seats)
        cv__stv_elect(k, buf[i], false, "remaining");
      else
        cv__stv_defeat(k, buf[i], "remaining");
    }
    cv__stv_snapshot(k);
  }
  cv__free(buf);
  return cv__stv_check(k);
}
