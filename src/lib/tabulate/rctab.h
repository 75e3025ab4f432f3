/* tabulate/rctab.h: the RCTab-compatible tabulator's shared model.
 *
 * The work is split by concern: rctab_config.c reads and checks the contest
 * configuration, rctab_ballots.c reads the cast vote records into distinct
 * rankings with weights, rctab_count.c runs the rounds, rctab_tiebreak.c
 * decides ties, rctab_report.c writes the round reports and rctab_export.c
 * the CDF and RCTab CVR exports. tabulate_rctab.c drives them.
 *
 * Ownership: everything hangs off one struct cv__rc_contest and its arena;
 * cv__rc_contest_fini frees it all. Candidates are indexes in configuration
 * order; the undeclared write-in pseudo-candidate, when any source allows
 * write-ins, is the last index. */
#ifndef CV_TABULATE_RCTAB_H
#define CV_TABULATE_RCTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvass/election.h"
#include "canvass/status.h"
#include "formats/cvr.h"
#include "tabulate/decimal.h"
#include "tabulate/rctab_javarandom.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/strmap.h"

#define CV__RC_MAX_CANDIDATES 1000u
#define CV__RC_MAX_SOURCES 1000u
#define CV__RC_MAX_RANK 1000u
#define CV__RC_MAX_ROUNDS 2000u
#define CV__RC_MAX_BALLOTS 100000000u
#define CV__RC_MAX_SLICES 1000000u

#define CV__RC_UWI_LABEL "Undeclared Write-ins"
#define CV__RC_OVERVOTE_LABEL "overvote"

enum cv__rc_overvote { CV__RC_OV_EXHAUST, CV__RC_OV_SKIP, CV__RC_OV_IF_MULTIPLE };

enum cv__rc_tiebreak {
  CV__RC_TB_RANDOM,
  CV__RC_TB_ASK,
  CV__RC_TB_PREVIOUS_THEN_RANDOM,
  CV__RC_TB_PREVIOUS_THEN_ASK,
  CV__RC_TB_USE_ORDER,
  CV__RC_TB_GENERATE
};

enum cv__rc_mode {
  CV__RC_SINGLE,
  CV__RC_MULTI_ONE_PER_ROUND,
  CV__RC_MULTI_MANY_PER_ROUND,
  CV__RC_BOTTOMS_UP,
  CV__RC_BOTTOMS_UP_PCT,
  CV__RC_MULTI_PASS
};

/* A ballot's status in a round (RCTab's StatusForRound, same order). */
enum cv__rc_status {
  CV__RC_ACTIVE,
  CV__RC_NO_RANKINGS,
  CV__RC_EXHAUSTED_CHOICE,
  CV__RC_OVERVOTE,
  CV__RC_SKIPPED,
  CV__RC_REPEATED,
  CV__RC_FINAL_SURPLUS,
  CV__RC_N_STATUS
};

enum cv__rc_slice { CV__RC_PRECINCT, CV__RC_BATCH, CV__RC_N_SLICE };

struct cv__rc_source {
  enum cv__cvr_provider provider;
  const char *provider_name;   /* as in the configuration */
  const char *file_path;       /* as in the configuration */
  const char *path;            /* resolved against the configuration's folder */
  const char *contest_id;
  uint32_t first_vote_column, first_vote_row, id_column, precinct_column, batch_column;
  const char *overvote_delimiter, *overvote_label, *skipped_rank_label, *uwi_label;
  bool treat_blank_as_uwi;
  const void *data;            /* tests and fuzzing: the file's bytes, read instead of path */
  size_t data_len;
};

struct cv__rc_candidate {
  const char *name;
  bool excluded;
};

struct cv__rc_config {
  const char *config_path, *dir, *stem;
  const char *contest_name, *jurisdiction, *office, *date; /* NULL when absent */
  bool by_slice[CV__RC_N_SLICE];
  bool generate_cdf;
  struct cv__rc_source *sources;
  size_t n_sources;
  struct cv__rc_candidate *cands; /* declared, then the write-in pseudo-candidate */
  size_t n_declared;
  bool has_uwi;
  size_t n_cands; /* n_declared + has_uwi */
  struct cv__strmap names;        /* name or alias -> candidate index */
  /* rules */
  enum cv__rc_tiebreak tiebreak;
  enum cv__rc_overvote overvote;
  enum cv__rc_mode mode;
  bool has_seed;
  int64_t seed;
  uint32_t n_winners;
  const char *pct_raw;          /* multiSeatBottomsUpPercentageThreshold as written */
  struct cv__dec pct;           /* the same divided by 100 */
  int32_t decimals;
  uint32_t max_skipped;         /* UINT32_MAX: unlimited */
  uint32_t max_rankings;        /* 0: "max" */
  bool non_integer_threshold, first_round_threshold, hare, batch_elimination, cutoff_elimination,
      continue_until_two, exhaust_on_duplicate;
  uint32_t stop_after;          /* 0: never */
};

/* A distinct ranking: ranks present in ascending order, each with the tokens
 * marked there. Stored in the ballot pool as
 * [n_ranks, (rank, n_tokens, token...) x n_ranks]. */
struct cv__rc_ballot {
  uint32_t key;       /* offset of the encoded ranking in the pool */
  uint32_t slice[CV__RC_N_SLICE]; /* slice id index + 1, 0 none */
  uint64_t weight;    /* how many records have exactly this ranking and slices */
};

/* A distinct mark text read from the records. */
struct cv__rc_token {
  const char *text;
  int32_t cand;       /* candidate index, -1 for the explicit overvote */
  bool is_name;       /* text is the candidate's own name (not an alias) */
  const char *csv;    /* ",NAME" as the RCTab CVR CSV prints it alone at a rank (lazy) */
};

/* One record kept for the exports that list records one by one. */
struct cv__rc_record {
  uint32_t ballot;
  uint32_t source;
  const char *id;      /* the id RCTab gives it (computed when the format has one) */
};

struct cv__rc_transfer {
  int32_t from, to; /* candidate index; from -1: uncounted; to -1: exhausted, -2: residual */
  struct cv__dec value;
};

struct cv__rc_transfers {
  struct cv__rc_transfer *items;
  size_t n, cap;
};

/* One round's tallies, for the whole contest or one slice. */
struct cv__rc_tally {
  struct cv__dec *cand;   /* n_cands */
  bool *present;          /* candidate is a key of the round's tally */
  struct cv__dec status[CV__RC_N_STATUS];
  struct cv__dec threshold;
  struct cv__dec locked;  /* surplus adjustments ("locked in" ballots) */
  struct cv__rc_transfers transfers; /* recorded while counting this round */
};

struct cv__rc_decision {
  uint32_t cand;
  bool elected;
  bool tiebreak;
};

struct cv__rc_alloc { /* part of a ballot counted for a winner */
  uint32_t winner;
  struct cv__dec value;
};

/* Per-ballot counting state. */
struct cv__rc_bstate {
  int32_t recipient;             /* -1 none */
  enum cv__rc_status status;
  struct cv__dec ftv;            /* fractional transfer value left */
  struct cv__rc_alloc *allocs;
  uint32_t n_allocs, cap_allocs;
};

/* A CDF export snapshot: what a ballot counted for in a round. */
struct cv__rc_snap {
  uint32_t round;
  uint32_t n;
  struct cv__rc_alloc *items;
  struct cv__rc_snap *next; /* an earlier round */
};

struct cv__rc_slice_set {
  const char **ids;   /* in first-seen order */
  size_t n, cap;
  struct cv__strmap map;
};

struct cv__rc_contest {
  struct cv__arena arena;
  struct cv__rc_config cfg;
  /* ballots */
  struct cv__rc_token *tokens;
  size_t n_tokens, cap_tokens;
  struct cv__strmap token_map;
  uint32_t *pool;
  size_t pool_len, pool_cap;
  struct cv__rc_ballot *ballots;
  size_t n_ballots, cap_ballots;
  uint32_t *bhash;      /* open addressing: ballot index + 1 */
  size_t bhash_cap;
  struct cv__rc_slice_set slices[CV__RC_N_SLICE];
  struct cv__rc_record *records; /* only when an export needs them */
  size_t n_records, cap_records;
  bool keep_records;
  uint64_t n_read;
  struct cv__buf rctab_cvr;  /* the RCTab CVR CSV, written while reading */
  void *rctab_cvr_file;      /* FILE * it is flushed to, NULL: kept in memory */
  /* counting (reset for each pass of multi-pass IRV) */
  bool *excluded;            /* n_cands: config exclusions plus earlier passes' winners */
  uint32_t pass;             /* 0 single pass; 1.. multi-pass */
  uint32_t n_winners;        /* seats for this pass */
  uint32_t *elected_round;   /* n_cands: round elected, 0 not */
  uint32_t *elim_round;      /* n_cands: round eliminated, 0 not */
  uint32_t n_elected, n_eliminated;
  uint32_t round;
  struct cv__rc_tally *tallies;              /* [round-1] */
  struct cv__rc_tally **slice_tallies[CV__RC_N_SLICE]; /* [slice][round-1][id] */
  struct cv__dec *residual;                  /* [round-1] */
  struct cv__rc_decision **decisions;        /* [round-1] list */
  size_t *n_decisions;
  size_t cap_rounds;
  struct cv__rc_bstate *bs;
  struct cv__rc_snap **snaps;                /* [ballot]: newest first, when exporting */
  struct cv__arena carena;                   /* counting data of the current pass */
  struct cv__jrandom rng;
  uint32_t *permutation;                     /* tie-breaking order of declared candidates */
  size_t n_permutation;
  const char *tiebreak_answers;              /* remaining --tiebreak decisions */
  bool overflow;
};

/* ---- rctab_config.c ---- */
/* Reads and checks the configuration at path into c->cfg (strings in
 * c->arena). Errors name the configuration field. */
cv_status cv__rc_config_load(struct cv__rc_contest *c, const char *path, struct cv_error *err);
/* The same for a configuration already in memory; c->cfg.config_path, dir
 * and stem must be set (cv__rc_config_load sets them from the path). */
cv_status cv__rc_config_parse(struct cv__rc_contest *c, const char *data, size_t len, struct cv_error *err);
/* A status's row label in the CSV reports ("Inactive Ballots by Overvotes")
 * and its key in the JSON reports ("overvotes"). */
const char *cv__rc_status_title(enum cv__rc_status s);
const char *cv__rc_status_key(enum cv__rc_status s);
/* RCTab's sanitizeStringForOutput: every UTF-16 unit outside [A-Za-z0-9_.-] becomes '_'. */
void cv__rc_sanitize(struct cv__buf *b, const char *s);
/* Java's String.compareTo on UTF-8 strings (code point order). */
int cv__rc_jcmp(const char *a, const char *b);
/* Java HashMap/HashSet iteration order of keys inserted in the given order
 * into a table of capacity cap (a power of two; 0: grown from 16 as keys
 * are added). Writes the positions in iteration order into order. */
void cv__rc_hash_order(const char *const *keys, size_t n, size_t cap, size_t *order);

/* ---- rctab_ballots.c ---- */
/* Reads every source into c's distinct rankings (tokens, ballots, slices;
 * records too when c->keep_records), writing RCTab CVR CSV rows to
 * c->rctab_cvr_file when it is set. Unknown candidates, rankings beyond the
 * limits and reader errors are refused with the place they were read. */
cv_status cv__rc_read_ballots(struct cv__rc_contest *c, cv_progress_fn progress, void *progress_ud,
                              struct cv_error *err);
/* Decoded view of a ballot's ranking. */
static inline const uint32_t *cv__rc_ranking(const struct cv__rc_contest *c, size_t b) {
  return c->pool + c->ballots[b].key;
}

/* ---- rctab_count.c ---- */
/* Runs one tabulation (one pass, c->n_winners seats, c->excluded left out)
 * over the ballots already read; the rounds stay in c until the next count
 * or cv__rc_count_fini. CV_ETIE when a tie needs a decision nobody gave. */
cv_status cv__rc_count(struct cv__rc_contest *c, struct cv_error *err);
/* Continuing: not excluded, not eliminated, not elected (unless the count
 * continues until two candidates remain). */
bool cv__rc_continuing(const struct cv__rc_contest *c, uint32_t cand);
/* Multi-seat modes that transfer surpluses (all but bottoms-up). */
bool cv__rc_uses_surpluses(const struct cv__rc_contest *c);
/* RCTab's "Number of Candidates": names (write-ins included) minus excluded. */
uint32_t cv__rc_num_candidates(const struct cv__rc_contest *c);
/* A round's ballot sums: active (counting, and final-round surplus),
 * inactive (every other status), and active plus surplus adjustments. */
struct cv__dec cv__rc_active_sum(const struct cv__rc_tally *t);
struct cv__dec cv__rc_inactive_sum(const struct cv__rc_tally *t);
struct cv__dec cv__rc_active_locked(const struct cv__rc_tally *t);
/* The tally of one precinct or batch (slice id index id) in a round. */
struct cv__rc_tally *cv__rc_slice_tally(struct cv__rc_contest *c, int slice, size_t id, uint32_t round);
/* Frees the rounds of the last count. */
void cv__rc_count_fini(struct cv__rc_contest *c);

/* ---- rctab_tiebreak.c ---- */
/* Chooses among tied (sorted here in place), a winner when selecting_winner
 * else a loser, by the configured mode. votes is the tied tally. */
cv_status cv__rc_tiebreak(struct cv__rc_contest *c, uint32_t *tied, size_t n, bool selecting_winner,
                          struct cv__dec votes, uint32_t *out, struct cv_error *err);
/* Prepares the random generator and permutation for one pass. */
cv_status cv__rc_tiebreak_init(struct cv__rc_contest *c, struct cv_error *err);

/* ---- rctab_report.c ---- */
/* Writes the detailed JSON and CSV and the summary CSV of the pass just
 * counted, and the slice reports, into dir. */
cv_status cv__rc_write_reports(struct cv__rc_contest *c, const char *dir, struct cv_error *err);
cv_status cv__rc_write_file(const char *path, const char *data, size_t len, struct cv_error *err);
/* STEM[_N] prefix of output names for the current pass. */
void cv__rc_prefix(const struct cv__rc_contest *c, struct cv__buf *b);
/* Appends one CSV field as Apache Commons CSV (DEFAULT format) prints it. */
void cv__rc_csv_field(struct cv__buf *b, const char *s, bool first);

/* ---- tabulate_rctab.c ---- */
/* A new, empty contest (free with cv__rc_contest_free); NULL when out of memory. */
struct cv__rc_contest *cv__rc_contest_new(void);
/* Frees a contest and everything it holds. Accepts NULL. */
void cv__rc_contest_free(struct cv__rc_contest *c);
/* RCTab's "convert to CDF" action: reads the sources and writes
 * OUT/STEM_cdf_cvr.json with the original snapshots only (no count). Not
 * public yet: a CLI flag would expose it. */
cv_status cv__rc_convert_cdf(const char *config_path, const char *output_dir, struct cv_error *err);

/* ---- rctab_export.c ---- */
cv_status cv__rc_write_cdf(struct cv__rc_contest *c, const char *dir, struct cv_error *err);
/* Appends the RCTab CVR CSV header / one record's row to c->rctab_cvr. */
void cv__rc_cvr_csv_header(struct cv__rc_contest *c);
void cv__rc_cvr_csv_row(struct cv__rc_contest *c, const struct cv__rc_source *src,
                        const struct cv__cvr_record *rec, const char *rctab_id,
                        const uint32_t *ranking);

#endif
