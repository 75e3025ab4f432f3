/* tabulate/lot.h: drawing lots for a tie from a public seed.
 *
 * docs/lots.md is normative. For each tied choice c of contest k, with the
 * seed S (at least 20 decimal digits, rolled in public):
 *   h(c) = SHA-256("canvass-lot-v1:" S ":" k ":" c)   (ids as UTF-8 bytes)
 * The tied choices are ordered by h ascending (bytewise); the first ones take
 * the seats in the tie. Anyone can redo it with sha256sum. */
#ifndef CV_TABULATE_LOT_H
#define CV_TABULATE_LOT_H

#include "election/state.h"

#define CV__LOT_MIN_DIGITS 20u
#define CV__LOT_MAX_DIGITS 200u

bool cv__lot_seed_valid(const char *seed);

/* Computes the draw for the current tie of contest ci into lot->tied/order
 * (arrays from a). CV_EREFUSED when the contest is not fully counted or has
 * no tie for a seat. */
cv_status cv__lot_draw(const struct cv__state *st, uint32_t ci, const char *seed, struct cv__arena *a,
                       struct cv__lot *lot, struct cv_error *err);

/* The hash h(c) above for one choice, as 64 hex digits. */
void cv__lot_hash(const char *seed, const char *contest, const char *choice, char out[65]);

#endif
