/* count/ranking.h: one paper ballot of a ranked contest, as text.
 *
 * A ranked ballot is keyed as the choices marked at each rank, best first:
 *   "ann>bob>cy"     ann 1st, bob 2nd, cy 3rd
 *   "ann>>cy"        rank 2 left empty (a skipped rank)
 *   "ann=bob>cy"     ann and bob both marked 1st (an overvote at rank 1)
 *   ""               nothing marked (a blank ballot for this contest)
 * Choice ids hold only A-Z a-z 0-9 . _ -, so '>' and '=' cannot clash.
 *
 * The canonical form, which the journal holds and agreement compares, has
 * no spaces, no empty ranks at the end, and the marks of an overvoted rank
 * in byte order of their ids, each once. Two typists who keyed the same
 * paper therefore produce the same text. The counting rules (what an
 * overvote, a skipped rank or a repeated choice does) belong to the
 * tabulation; this module only records what is on the paper. */
#ifndef CV_COUNT_RANKING_H
#define CV_COUNT_RANKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "election/definition.h"
#include "util/buf.h"

/* Longest ranking text accepted, in bytes. */
#define CV__MAX_RANKING_TEXT 4000u

/* Writes the canonical form of text for contest ct to out (appending).
 * False, with the reason in why, when a choice is unknown, a rank holds the
 * same choice twice, more ranks are used than the contest allows
 * (votes_allowed), or the text is too long or malformed. */
bool cv__ranking_canonical(const struct cv__contest *ct, const char *text, struct cv__buf *out,
                           char *why, size_t why_len);

/* What rank 1 of a canonical ranking holds. */
enum cv__first_mark {
  CV__FIRST_BLANK,    /* nothing marked at all */
  CV__FIRST_SKIPPED,  /* rank 1 empty, later ranks marked */
  CV__FIRST_CHOICE,   /* exactly one choice: *choice */
  CV__FIRST_OVERVOTE  /* two or more choices */
};
enum cv__first_mark cv__ranking_first(const struct cv__contest *ct, const char *canonical,
                                      uint32_t *choice);

/* Decodes a canonical ranking into marks: for rank r (0-based), the choice
 * indices ranks[r][0..n[r]) (n[r] = 0 for a skipped rank). Writes at most
 * max_ranks ranks and returns how many; choices[] receives the indices
 * back to back and must hold ct->n_choices * max_ranks entries. */
uint32_t cv__ranking_decode(const struct cv__contest *ct, const char *canonical, uint32_t max_ranks,
                            uint32_t *choices, uint32_t *n);

#endif
