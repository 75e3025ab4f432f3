/* tabulate/decimal.h: exact decimal numbers with a scale, as java.math.BigDecimal.
 *
 * A value is unscaled * 10^-scale with a 128-bit unscaled part. The scale is
 * part of the value, as in BigDecimal: 4 and 4.0000 compare equal but print
 * differently, and RCTab's reports print them differently. Sums keep the
 * larger scale; products and quotients take the scale the caller names with
 * an explicit rounding mode. Intermediate products and quotients go through
 * GMP so nothing overflows before the result is checked to fit.
 *
 * No binary floating point is used anywhere here. Operations that could leave
 * the 128-bit range set *overflow (sticky) and return zero; callers check it
 * once at the end of a round. */
#ifndef CV_TABULATE_DECIMAL_H
#define CV_TABULATE_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 8-byte alignment: values live in arenas, which align to 8. */
__extension__ typedef __int128 cv__i128 __attribute__((aligned(8)));
__extension__ typedef unsigned __int128 cv__u128;

struct cv__dec {
  cv__i128 u;     /* unscaled value */
  int32_t scale;  /* digits after the point, 0..CV__DEC_MAX_SCALE */
};

#define CV__DEC_MAX_SCALE 60
/* Longest text cv__dec_str writes, with the NUL. */
#define CV__DEC_STR_MAX 96

enum cv__round { CV__ROUND_DOWN, CV__ROUND_UP, CV__ROUND_HALF_UP, CV__ROUND_HALF_EVEN };

/* An integer with scale 0. */
struct cv__dec cv__dec_int(int64_t v);
/* unscaled * 10^-scale. */
struct cv__dec cv__dec_make(cv__i128 unscaled, int32_t scale);

/* a + b and a - b with the larger scale (BigDecimal.add / subtract). */
struct cv__dec cv__dec_add(struct cv__dec a, struct cv__dec b, bool *overflow);
struct cv__dec cv__dec_sub(struct cv__dec a, struct cv__dec b, bool *overflow);
/* a * n exactly, same scale. */
struct cv__dec cv__dec_mul_u(struct cv__dec a, uint64_t n, bool *overflow);
/* a * b exactly, scale a.scale + b.scale (BigDecimal.multiply). */
struct cv__dec cv__dec_mul(struct cv__dec a, struct cv__dec b, bool *overflow);
/* (a * b) rounded to scale (BigDecimal.multiply(..).setScale(scale, mode)). */
struct cv__dec cv__dec_mul_round(struct cv__dec a, struct cv__dec b, int32_t scale,
                                 enum cv__round mode, bool *overflow);
/* a / b rounded to scale (BigDecimal.divide(b, scale, mode)). b must not be
 * zero; a zero divisor sets *overflow and returns zero. */
struct cv__dec cv__dec_div(struct cv__dec a, struct cv__dec b, int32_t scale, enum cv__round mode,
                           bool *overflow);

/* Numeric comparison ignoring scale (BigDecimal.compareTo): -1, 0, 1. */
int cv__dec_cmp(struct cv__dec a, struct cv__dec b);
/* Value and scale both equal (BigDecimal.equals). */
bool cv__dec_same(struct cv__dec a, struct cv__dec b);
int cv__dec_sign(struct cv__dec a);
/* The integer part, truncated toward zero (BigDecimal.intValue for values in range). */
int64_t cv__dec_trunc(struct cv__dec a);
/* The fractional part with the same scale, sign of a (BigDecimal.remainder(ONE)). */
struct cv__dec cv__dec_frac(struct cv__dec a);

/* Writes a as BigDecimal.toString does ("4", "7.2501", "0.0000", "1.5E-7")
 * into out (at least CV__DEC_STR_MAX bytes). Returns out. */
char *cv__dec_str(struct cv__dec a, char *out);

/* Parses a plain decimal ("12", "-3.25", ".5"); false on anything else or
 * when it does not fit. */
bool cv__dec_parse(const char *s, struct cv__dec *out);

/* RCTab's "% of vote" text for part/whole: the quotient to 7 significant
 * digits (half-even), times 10^4, truncated to an integer n, printed as the
 * Java double n/100.0 followed by "%" ("42.85%", "25.0%", "100.0%"). whole
 * must be non-zero. out needs 32 bytes. Returns out. */
char *cv__dec_percent(struct cv__dec part, struct cv__dec whole, char *out);

#endif
