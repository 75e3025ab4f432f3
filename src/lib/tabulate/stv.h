/* tabulate/stv.h: counting an STV election under a named rule set.
 *
 * The count is a pure function of the ballots (formats/blt.h) and the
 * configuration (rule plus droop's options, stv_rules.c). It runs in three
 * modules: stv.c holds the shared state, tie-breaking and the record of
 * rounds; stv_wigm.c the Gregory rules (scotland, wigm, wigm-prf, mpls,
 * irish); stv_meek.c the iterative rules (meek, warren, meek-prf).
 * stv_report.c writes the record as report.json. Every struct here is
 * owned by the count and freed by cv__stv_fini. */
#ifndef CV_TABULATE_STV_H
#define CV_TABULATE_STV_H

#include <stdbool.h>
#include <stdint.h>
#include <gmp.h>

#include "canvass/tabulate.h"
#include "formats/blt.h"
#include "tabulate/stv_arith.h"
#include "util/arena.h"
#include "util/buf.h"

enum cv__stv_rule {
  CV__STV_SCOTLAND,
  CV__STV_WIGM,
  CV__STV_WIGM_PRF,
  CV__STV_WIGM_PRF_BATCH,
  CV__STV_MPLS,
  CV__STV_MEEK,
  CV__STV_WARREN,
  CV__STV_MEEK_PRF,
  CV__STV_IRISH,
  CV__STV_QPQ,
  CV__STV_CFER,
  CV__STV_CFER_BATCH
};

enum cv__stv_batch { CV__BATCH_NONE, CV__BATCH_ZERO, CV__BATCH_SAFE };

#define CV__STV_MAX_NOTES 32

/* The rule and its options, resolved as droop resolves them: the rule's
 * defaults, then the BLT file's [droop ...] options, then the caller's,
 * then the values a rule fixes. */
struct cv__stv_config {
  enum cv__stv_rule rule;
  const char *rule_name; /* static */
  const char *method;    /* "wigm", "meek", "irish" or "qpq" (static) */
  enum cv__arith_kind arith;
  unsigned precision, guard, display, omega;
  bool integer_quota;
  enum cv__stv_batch defeat_batch;
  /* File options droop would list as unused or overridden: "key=value". */
  char ignored[CV__STV_MAX_NOTES][64];
  size_t n_ignored;
  char overridden[CV__STV_MAX_NOTES][64];
  size_t n_overridden;
};

/* Resolves rule and options (see docs/stv.md). cmd options come from the
 * caller: an unknown key, a bad value, or a value the rule fixes
 * differently is an error naming the key. File options come from the BLT
 * file (lines for positions): unknown keys are ignored and recorded, values
 * the rule fixes are overridden and recorded, as droop does. */
cv_status cv__stv_configure(struct cv__stv_config *cfg, const char *rule, const char *const *cmd,
                            size_t n_cmd, const char *const *file_opts, const uint32_t *file_lines,
                            size_t n_file, const char *blt_path, struct cv_error *err);

enum cv__stv_state { CV__CAND_HOPEFUL, CV__CAND_ELECTED, CV__CAND_DEFEATED, CV__CAND_WITHDRAWN };

struct cv__stv_cand {
  enum cv__stv_state state;
  bool pending;    /* WIGM: elected, surplus not yet transferred */
  bool undeclared; /* mpls: undeclared write-in */
  uint32_t tie_order;
  mpq_t vote;
  mpq_t kf; /* Meek keep factor */
  /* Irish: parcels received, in order (indices into cv__stv_count.parcels) */
  uint32_t last_parcel; /* 1-based, 0 none */
};

/* One distinct ranking and its ballots. */
struct cv__stv_group {
  const uint32_t *prefs;
  uint32_t n;
  uint32_t index;  /* WIGM: position of the current preference */
  uint64_t count;  /* ballots */
  mpq_t weight;    /* value of each ballot */
  uint32_t parcel; /* Irish: parcel the group sits in (1-based), 0 first preferences */
};

struct cv__stv_moved {
  uint32_t to; /* candidate, or UINT32_MAX for non-transferable */
  uint64_t papers;
  char *votes;
};

struct cv__stv_action {
  const char *action; /* "elect", "defeat", "transfer", "tie", "iterate", "log" (static) */
  int64_t cand;       /* candidate, or -1 */
  const char *reason; /* static or arena */
  char *amount;       /* decimal, or NULL */
  char *value;        /* transfer value, or NULL */
  uint32_t *cands;    /* tie: the tied candidates; batch defeats */
  uint32_t n_cands;
  struct cv__stv_moved *moved; /* Irish: papers moved per candidate */
  uint32_t n_moved;
};

struct cv__stv_round {
  uint32_t number;
  struct cv__stv_action *actions;
  size_t n_actions, cap_actions;
  char **tallies;  /* per candidate, at the end of the round */
  uint8_t *states; /* enum cv__stv_state, plus 4 for pending */
  char *quota, *exhausted, *surplus, *residual;
};

#define CV__STV_MAX_ROUNDS 100000u
#define CV__STV_MAX_ITERATIONS 100000u

struct cv__stv_count {
  const struct cv__blt *blt;
  const struct cv__stv_config *cfg;
  struct cv__arith A;
  uint32_t nc;
  struct cv__stv_cand *c;
  struct cv__stv_group *g;
  size_t ng;
  mpq_t quota, exhausted, surplus, residual, votes, omega, zero, one;
  mpq_t t1, t2, t3;
  uint64_t n_ballots;
  uint32_t round;
  /* votes at the start of each round, for ties settled by earlier rounds */
  mpq_t *history;
  size_t n_history, cap_history;
  uint32_t *elected; /* in order of election */
  uint32_t n_elected;
  uint32_t *defeated; /* in order of defeat */
  uint32_t n_defeated;
  struct cv__stv_round *rounds;
  size_t n_rounds, cap_rounds;
  uint64_t iterations;
  struct cv__arena arena; /* strings of the record */
  struct cv__buf fmt;     /* scratch for formatting */
  cv_status status;
  struct cv_error *err;
  cv_progress_fn progress;
  void *progress_ud;
};

/* Counts blt under cfg into k (which the caller frees with cv__stv_fini,
 * also after an error). file names the BLT file in errors (may be NULL). */
cv_status cv__stv_count(struct cv__stv_count *k, const struct cv__blt *blt,
                        const struct cv__stv_config *cfg, const char *file, struct cv_error *err);
void cv__stv_fini(struct cv__stv_count *k);

/* ---- shared by the rule modules (stv.c) ---- */
cv_status cv__stv_new_round(struct cv__stv_count *k);
/* Records the end-of-round tallies and states in the current round. */
cv_status cv__stv_snapshot(struct cv__stv_count *k);
struct cv__stv_action *cv__stv_act(struct cv__stv_count *k, const char *action, int64_t cand,
                                   const char *reason);
char *cv__stv_str(struct cv__stv_count *k, const mpq_t x);
void cv__stv_elect(struct cv__stv_count *k, uint32_t c, bool pending, const char *reason);
void cv__stv_defeat(struct cv__stv_count *k, uint32_t c, const char *reason);
uint32_t cv__stv_hopeful(const struct cv__stv_count *k);
uint32_t cv__stv_n_elected(const struct cv__stv_count *k);
uint32_t cv__stv_seats_left(const struct cv__stv_count *k);
/* Candidates of state (pending: elected and pending) sorted by vote and
 * ballot order, ascending, into out; returns how many. */
uint32_t cv__stv_by_vote(const struct cv__stv_count *k, enum cv__stv_state state, uint32_t *out);
/* Chooses among tied[0..n): earliest in the tie order, recorded with why. */
uint32_t cv__stv_tie_by_order(struct cv__stv_count *k, const uint32_t *tied, uint32_t n,
                              const char *purpose);
/* Chooses by the most recent earlier round where the tied differed
 * (lowest when lowest is true, else highest), then by the tie order. */
uint32_t cv__stv_tie_by_history(struct cv__stv_count *k, const uint32_t *tied, uint32_t n,
                                const char *purpose, bool lowest);
/* droop's "sure losers": the largest set of lowest hopeful candidates
 * (grouped so that near-tied candidates go together) whose votes plus
 * surplus cannot reach the next candidate, leaving enough hopefuls to fill
 * the seats. Writes them (ascending vote) into out; returns how many. */
uint32_t cv__stv_batch_defeat(struct cv__stv_count *k, const mpq_t surplus, uint32_t *out);
/* Sticky failure check: the arithmetic's status or the count's. */
cv_status cv__stv_check(struct cv__stv_count *k);

cv_status cv__stv_count_wigm(struct cv__stv_count *k);
cv_status cv__stv_count_irish(struct cv__stv_count *k);
cv_status cv__stv_count_meek(struct cv__stv_count *k);
cv_status cv__stv_count_qpq(struct cv__stv_count *k);
cv_status cv__stv_count_cfer(struct cv__stv_count *k);

/* Writes k's record as report.json into out (see docs/stv.md). */
cv_status cv__stv_report(const struct cv__stv_count *k, const char *blt_path, struct cv__buf *out);

#endif
