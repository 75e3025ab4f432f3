/* tabulate/rctab_javarandom.h: java.util.Random, bit for bit.
 *
 * RCTab draws its random tiebreaks and generated permutations from
 * java.util.Random seeded with the configuration's randomSeed; to reach the
 * same outcomes we reproduce that generator exactly: the 48-bit linear
 * congruential generator of Knuth (multiplier 0x5DEECE66D, increment 11),
 * nextInt(bound) with its rejection loop, nextDouble from 53 bits, and
 * Collections.shuffle's swap order. */
#ifndef CV_TABULATE_RCTAB_JAVARANDOM_H
#define CV_TABULATE_RCTAB_JAVARANDOM_H

#include <stddef.h>
#include <stdint.h>

struct cv__jrandom {
  uint64_t seed; /* 48 bits */
};

/* new Random(seed). */
void cv__jrandom_init(struct cv__jrandom *r, int64_t seed);
/* next(bits), 1 <= bits <= 32, as a signed 32-bit value. */
int32_t cv__jrandom_next(struct cv__jrandom *r, int bits);
int32_t cv__jrandom_next_int(struct cv__jrandom *r);
/* nextInt(bound), bound > 0. */
int32_t cv__jrandom_next_int_bound(struct cv__jrandom *r, int32_t bound);
/* nextDouble() as its 53-bit integer numerator: the double is n * 2^-53. */
uint64_t cv__jrandom_next_double_bits(struct cv__jrandom *r);
/* (int)Math.floor(nextDouble() * size), the index RCTab's random tiebreak
 * takes among size tied candidates. */
size_t cv__jrandom_pick(struct cv__jrandom *r, size_t size);
/* Collections.shuffle(list, rnd) applied to an array of n indexes. */
void cv__jrandom_shuffle(struct cv__jrandom *r, uint32_t *items, size_t n);

#endif
