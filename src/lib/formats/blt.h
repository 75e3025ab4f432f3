/* formats/blt.h: reading BLT ballot files (the STV exchange format).
 *
 * A BLT file is: "n_candidates n_seats"; optional withdrawn candidates as
 * negative numbers and droop's bracketed options ([withdrawn ...],
 * [tie ...], [nick ...], [undeclared ...], [droop KEY=VALUE ...]); ballot
 * lines "weight c1 c2 ... 0" (candidates by number or nickname, "a=b" for
 * an equal ranking, "(id)" in place of the weight for a single identified
 * ballot); a line "0"; one candidate name per line, quoted or not; then the
 * title. "#" starts a comment to the end of the line and slash-star
 * comments may span lines, outside quoted names.
 *
 * The reader keeps one entry per distinct ranking (after withdrawn
 * candidates are removed), so memory follows distinct rankings, not
 * ballots. Everything it returns lives in the struct cv__blt and is freed by
 * cv__blt_fini. Errors name file:line:column and what was expected. */
#ifndef CV_FORMATS_BLT_H
#define CV_FORMATS_BLT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "canvass/status.h"
#include "util/arena.h"

/* A preference entry with this bit set is ranked equal to the entry before it. */
#define CV__BLT_EQUAL 0x80000000u

struct cv__blt_limits {
  uint32_t max_candidates; /* 0: 1000 */
  size_t max_rankings;     /* distinct rankings; 0: 5,000,000 */
  size_t max_name;         /* bytes per name or title; 0: 1000 */
  size_t max_options;      /* [droop ...] options; 0: 64 */
};

struct cv__blt_ranking {
  uint32_t *prefs; /* 0-based candidate indices, CV__BLT_EQUAL flag for "=" */
  uint32_t n;      /* entries in prefs, >= 1 */
  uint32_t line;   /* first line where this ranking appeared */
  uint64_t weight; /* ballots with this ranking */
  bool has_equal;
};

struct cv__blt {
  uint32_t n_candidates;
  uint32_t n_seats;
  char **names; /* n_candidates names */
  char *title;
  bool *withdrawn;      /* per candidate */
  bool *undeclared;     /* per candidate ([undeclared ...]) */
  uint32_t *tie_order;  /* per candidate: 1-based rank in the tie order (default: ballot order) */
  const char **options; /* [droop ...] options "KEY=VALUE" or bare words */
  uint32_t *option_lines;
  size_t n_options;
  struct cv__blt_ranking *rankings; /* distinct rankings in order of first appearance */
  size_t n_rankings;
  uint64_t n_ballots; /* ballots with at least one eligible preference */
  uint64_t n_empty;   /* ballots ranking nobody, or only withdrawn candidates */
  bool any_equal;
  uint32_t equal_line, equal_column; /* where the first "=" is, for errors */
  struct cv__arena arena;            /* owns everything above */
  /* private */
  size_t rankings_cap;
  uint32_t *hash_slots;
  size_t hash_cap;
};

/* Parses data[0..len) (a UTF-8 byte order mark is skipped) into b, which the
 * caller then releases with cv__blt_fini (also after an error). file names
 * the input in errors; limits may be NULL for the defaults. Returns
 * CV_EINVAL with file:line:column for bad input, CV_ELIMIT past a cap, or
 * CV_ENOMEM. */
cv_status cv__blt_parse(struct cv__blt *b, const char *data, size_t len, const char *file,
                        const struct cv__blt_limits *limits, struct cv_error *err);

/* Releases everything b holds. Accepts a zeroed or failed b. */
void cv__blt_fini(struct cv__blt *b);

#endif
