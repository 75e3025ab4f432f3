/* tabulate/stv_arith.h: the exact arithmetic of STV tallies.
 *
 * Three kinds, as droop defines them:
 *   fixed     decimal fixed point with `precision` places; every product and
 *             quotient is rounded (down unless the rule asks for up) to that
 *             precision, so results match a count done by hand;
 *   guarded   fixed point with precision + guard places, and two values
 *             closer than half a unit of the guard digits compare equal;
 *   rational  exact fractions.
 * A value is a GMP rational: in the fixed and guarded kinds only its
 * numerator is used, holding the value times 10^(precision + guard). No
 * binary floating point is involved anywhere.
 *
 * GMP aborts when it runs out of memory, so sizes are bounded instead: a
 * result wider than CV__ARITH_MAX_BITS bits sets a->status to CV_ELIMIT
 * (and division by zero sets CV_EINTERNAL); callers check a->status after
 * each step and stop. */
#ifndef CV_TABULATE_STV_ARITH_H
#define CV_TABULATE_STV_ARITH_H

#include <stdbool.h>
#include <stdint.h>
#include <gmp.h>

#include "canvass/status.h"
#include "util/buf.h"

#define CV__ARITH_MAX_BITS (1u << 16)
#define CV__ARITH_MAX_DIGITS 100u /* precision + guard, and display */

enum cv__arith_kind { CV__ARITH_FIXED, CV__ARITH_GUARDED, CV__ARITH_RATIONAL };
enum cv__round { CV__ROUND_DOWN, CV__ROUND_UP };

struct cv__arith {
  enum cv__arith_kind kind;
  unsigned precision, guard, display;
  bool exact;   /* droop's "exact": rational, or guarded with guard > 0 */
  mpz_t scale;  /* 10^(precision + guard) */
  mpz_t geps;   /* guarded: values closer than this are equal */
  mpz_t t1, t2; /* scratch */
  mpq_t q1;
  cv_status status; /* first failure, CV_OK while all is well */
};

/* Sets up arithmetic of kind with the given digits (guard is ignored unless
 * guarded; precision is ignored for rational). Digits must be at most
 * CV__ARITH_MAX_DIGITS (the caller checks options before). */
void cv__arith_init(struct cv__arith *a, enum cv__arith_kind kind, unsigned precision,
                    unsigned guard, unsigned display);
void cv__arith_fini(struct cv__arith *a);

/* r = n, a whole number. */
void cv__arith_set_u64(struct cv__arith *a, mpq_t r, uint64_t n);
void cv__arith_add(struct cv__arith *a, mpq_t r, const mpq_t x, const mpq_t y);
void cv__arith_sub(struct cv__arith *a, mpq_t r, const mpq_t x, const mpq_t y);
/* r = x * n exactly (n whole: a count of identical ballots). */
void cv__arith_mul_u64(struct cv__arith *a, mpq_t r, const mpq_t x, uint64_t n);
/* r = x * y, r = x / y, r = x * y / z, rounded to the precision in the
 * direction given (guarded arithmetic with guard digits always truncates,
 * rational is exact). r may alias an argument. */
void cv__arith_mul(struct cv__arith *a, mpq_t r, const mpq_t x, const mpq_t y, enum cv__round rd);
void cv__arith_div(struct cv__arith *a, mpq_t r, const mpq_t x, const mpq_t y, enum cv__round rd);
void cv__arith_muldiv(struct cv__arith *a, mpq_t r, const mpq_t x, const mpq_t y, const mpq_t z,
                      enum cv__round rd);
/* r = x + the smallest positive value (fixed, and guarded with no guard
 * digits); r = x otherwise. */
void cv__arith_add_epsilon(struct cv__arith *a, mpq_t r, const mpq_t x);
/* -1, 0 or 1; guarded values within geps compare equal. */
int cv__arith_cmp(const struct cv__arith *a, const mpq_t x, const mpq_t y);
/* Exact comparison of the stored values (for droop's "actual minimum"). */
int cv__arith_cmp_exact(const struct cv__arith *a, const mpq_t x, const mpq_t y);
bool cv__arith_is_zero(const mpq_t x);
/* Appends x as a decimal string at the display precision (droop's format). */
void cv__arith_format(struct cv__arith *a, struct cv__buf *out, const mpq_t x);

#endif
