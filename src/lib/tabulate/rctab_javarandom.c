/* tabulate/rctab_javarandom.c: java.util.Random (see rctab_javarandom.h). */
#include "tabulate/rctab_javarandom.h"

#define MULT 0x5DEECE66DULL
#define MASK ((1ULL << 48) - 1)

void cv__jrandom_init(struct cv__jrandom *r, int64_t seed) {
  r->seed = ((uint64_t)seed ^ MULT) & MASK;
}

int32_t cv__jrandom_next(struct cv__jrandom *r, int bits) {
  r->seed = (r->seed * MULT + 0xBULL) & MASK;
  /* Java keeps the top `bits` of the 48 and reinterprets them as an int. */
  return (int32_t)(uint32_t)(r->seed >> (48 - bits));
}

int32_t cv__jrandom_next_int(struct cv__jrandom *r) { return cv__jrandom_next(r, 32); }

int32_t cv__jrandom_next_int_bound(struct cv__jrandom *r, int32_t bound) {
  int32_t v = cv__jrandom_next(r, 31);
  int32_t m = bound - 1;
  if ((bound & m) == 0) return (int32_t)(((int64_t)bound * (int64_t)v) >> 31);
  /* Java loops while u - r + m overflows int; in 64 bits that is > INT32_MAX. */
  for (int32_t u = v; (int64_t)u - (int64_t)(v = u % bound) + (int64_t)m > INT32_MAX;
       u = cv__jrandom_next(r, 31)) {
  }
  return v;
}

uint64_t cv__jrandom_next_double_bits(struct cv__jrandom *r) {
  uint64_t hi = (uint64_t)(uint32_t)cv__jrandom_next(r, 26);
  uint64_t lo = (uint64_t)(uint32_t)cv__jrandom_next(r, 27);
  return (hi << 27) + lo;
}

size_t cv__jrandom_pick(struct cv__jrandom *r, size_t size) {
  /* Java computes floor(d * size) in binary double arithmetic; this is a
   * random draw, not a tally, so we do the same IEEE-754 operations to get
   * the same index in the rare cases where rounding of the product matters. */
  double d = (double)cv__jrandom_next_double_bits(r) * 0x1.0p-53;
  double p = d * (double)size;
  size_t i = (size_t)p; /* p >= 0: truncation is floor */
  return i < size ? i : size - 1;
}

void cv__jrandom_shuffle(struct cv__jrandom *r, uint32_t *items, size_t n) {
  for (size_t i = n; i > 1; i--) {
    size_t j = (size_t)cv__jrandom_next_int_bound(r, (int32_t)i);
    uint32_t t = items[i - 1];
    items[i - 1] = items[j];
    items[j] = t;
  }
}
