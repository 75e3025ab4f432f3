/* audit/sampler_prng.c: the counter-mode SHA-256 samplers.
 *
 * Rivest 2011 (ColoradoRLA): pick i = min + SHA-256(seed "," i) mod N, for
 * i = 1, 2, ...; without replacement a repeated pick is skipped (i still
 * advances).
 *
 * cryptorandom (SHANGRLA): output k = SHA-256(seed "," followed by k zero
 * bytes), read as a big-endian integer. random() is that integer converted to
 * the nearest double (ties to even, as Python converts) times 2^-256;
 * randint() takes the fewest low bits that can hold the range from a bit
 * cache fed by whole outputs, and rejects values out of range. Both
 * reproduce statlab/cryptorandom exactly (docs/sampling.md). */
#include "audit/sampler.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/error.h"
#include "util/sha256.h"

/* ---- a set of picks (without replacement) ------------------------------- */

struct pickset {
  uint64_t *slot; /* value + 1; 0 is empty */
  size_t mask;
};

/* A set with room for n values at most half full. */
static cv_status pickset_init(struct pickset *p, uint64_t n, struct cv_error *err) {
  size_t slots = 16;
  while (slots < 2 * n) slots *= 2;
  p->slot = cv__calloc(slots, sizeof *p->slot);
  p->mask = slots - 1;
  return p->slot ? CV_OK : cv__failf(err, CV_ENOMEM, "out of memory");
}

/* Spreads consecutive values over the table (a 64-bit finaliser). */
static size_t mix(uint64_t v) {
  v ^= v >> 33;
  v *= 0xff51afd7ed558ccdULL;
  v ^= v >> 33;
  return (size_t)v;
}

/* Looks v up; returns the slot holding it or the empty slot for it. */
static uint64_t *pickset_find(struct pickset *p, uint64_t v) {
  for (size_t at = mix(v) & p->mask;; at = (at + 1) & p->mask)
    if (p->slot[at] == 0 || p->slot[at] == v + 1) return &p->slot[at];
}

/* ---- 256-bit helpers ---------------------------------------------------------- */

/* h (big-endian) mod n, n >= 1. Small moduli use 32-bit limbs; others
 * reduce bit by bit, tracking the carry out of 64 bits. */
static uint64_t mod_u256(const uint8_t h[32], uint64_t n) {
  if (n <= UINT32_MAX) {
    uint64_t r = 0;
    for (int i = 0; i < 32; i += 4) {
      uint32_t limb = (uint32_t)h[i] << 24 | (uint32_t)h[i + 1] << 16 | (uint32_t)h[i + 2] << 8 |
                      (uint32_t)h[i + 3];
      r = ((r << 32) | limb) % n;
    }
    return r;
  }
  uint64_t r = 0;
  for (int i = 0; i < 256; i++) {
    unsigned bit = (h[i / 8] >> (7 - i % 8)) & 1u;
    bool carry = r >> 63;
    r = r << 1 | bit;
    if (carry || r >= n) r -= n; /* the true value is below 2n */
  }
  return r;
}

/* The big-endian integer h rounded to the nearest double, ties to even. */
static double u256_to_double(const uint8_t h[32]) {
  int top = -1; /* index of the highest set bit, 0 = least significant */
  for (int i = 0; i < 256 && top < 0; i++)
    if ((h[i / 8] >> (7 - i % 8)) & 1u) top = 255 - i;
  if (top < 0) return 0.0;
#define BIT(b) ((h[31 - (b) / 8] >> ((b) % 8)) & 1u)
  uint64_t mant = 0;
  int low = top - 52 > 0 ? top - 52 : 0; /* lowest bit kept */
  for (int b = top; b >= low; b--) mant = mant << 1 | BIT(b);
  if (low > 0) {
    unsigned half = BIT(low - 1);
    bool sticky = false;
    for (int b = low - 2; b >= 0 && !sticky; b--) sticky = BIT(b);
    if (half && (sticky || (mant & 1u))) mant++; /* may carry to 2^53: still exact */
  }
#undef BIT
  return ldexp((double)mant, low);
}

/* ---- Rivest 2011 -------------------------------------------------------------- */

static cv_status check_range(const struct cv_sample_options *opt, uint64_t *n,
                             struct cv_error *err) {
  if (opt->max < opt->min)
    return cv__failf(err, CV_EINVAL, "the range %lld..%lld is empty", (long long)opt->min,
                     (long long)opt->max);
  *n = (uint64_t)opt->max - (uint64_t)opt->min + 1; /* 0 only for the full int64 range */
  if (*n == 0) return cv__failf(err, CV_ELIMIT, "the range is too large");
  if (opt->without_replacement && opt->drop + opt->take > *n)
    return cv__failf(err, CV_EINVAL,
                     "cannot draw %llu distinct numbers from a range of %llu without replacement",
                     (unsigned long long)(opt->drop + opt->take), (unsigned long long)*n);
  return CV_OK;
}

/* Draws picks i = 1, 2, ... until drop + take are accepted; records the
 * last take. */
cv_status cv__sample_rivest2011(const struct cv_sample_options *opt, struct cv_sample *s,
                                struct cv_error *err) {
  uint64_t n;
  cv_status rc = check_range(opt, &n, err);
  if (rc != CV_OK) return rc;
  uint64_t want = opt->drop + opt->take;
  struct pickset seen = {0};
  if (opt->without_replacement && (rc = pickset_init(&seen, want, err)) != CV_OK) return rc;
  size_t inlen = opt->seed_len + 24;
  char *in = cv__malloc(inlen);
  if (!in) {
    cv__free(seen.slot);
    return cv__failf(err, CV_ENOMEM, "out of memory");
  }
  memcpy(in, opt->seed, opt->seed_len);
  uint64_t got = 0;
  for (uint64_t i = 1; rc == CV_OK && got < want; i++) {
    int k = snprintf(in + opt->seed_len, 24, ",%llu", (unsigned long long)i);
    uint8_t h[32];
    cv__sha256(in, opt->seed_len + (size_t)k, h);
    uint64_t r = mod_u256(h, n);
    if (opt->without_replacement) {
      uint64_t *slot = pickset_find(&seen, r);
      if (*slot) continue;
      *slot = r + 1;
    }
    if (++got <= opt->drop) continue;
    struct cv_draw *d = cv__sample_push(s);
    if (!d) rc = cv__failf(err, CV_EINTERNAL, "sample overflow");
    else d->pick = (int64_t)((uint64_t)opt->min + r), d->counter = i;
  }
  cv__free(in);
  cv__free(seen.slot);
  return rc;
}

/* ---- cryptorandom ------------------------------------------------------------- */

struct prng {
  struct cv__sha256_ctx ctx; /* has absorbed seed "," and k zero bytes */
  uint64_t k;                /* outputs produced */
  uint64_t cache[6];         /* randbits, least significant word first */
  unsigned cached;           /* randbits_remaining */
  bool started;              /* randbits is no longer None */
};

/* Output k into out, then one more zero byte into the running hash. */
static void prng_next(struct prng *p, uint8_t out[32]) {
  struct cv__sha256_ctx c = p->ctx;
  cv__sha256_final(&c, out);
  static const uint8_t zero = 0;
  cv__sha256_update(&p->ctx, &zero, 1);
  p->k++;
}

/* Appends the 256-bit output h above the cached bits. */
static void cache_feed(struct prng *p, const uint8_t h[32]) {
  for (int w = 0; w < 4; w++) {
    uint64_t v = 0;
    for (int b = 0; b < 8; b++) v = v << 8 | h[24 - 8 * w + b];
    unsigned at = p->cached + 64u * (unsigned)w;
    p->cache[at / 64] |= at % 64 ? v << (at % 64) : v;
    if (at % 64) p->cache[at / 64 + 1] |= v >> (64 - at % 64);
  }
  p->cached += 256;
}

/* cryptorandom's getrandbits(bits), bits <= 64. */
static uint64_t getrandbits(struct prng *p, unsigned bits) {
  uint8_t h[32];
  if (!p->started) {
    p->started = true;
    prng_next(p, h);
    memset(p->cache, 0, sizeof p->cache);
    p->cached = 0;
    cache_feed(p, h);
  }
  while (bits > p->cached) {
    prng_next(p, h);
    cache_feed(p, h);
  }
  uint64_t val = bits == 64 ? p->cache[0] : p->cache[0] & ((UINT64_C(1) << bits) - 1);
  if (bits) {
    for (int w = 0; w < 5; w++)
      p->cache[w] = bits == 64 ? p->cache[w + 1]
                               : p->cache[w] >> bits | p->cache[w + 1] << (64 - bits);
    p->cache[5] = bits == 64 ? 0 : p->cache[5] >> bits;
  }
  p->cached -= bits;
  return val;
}

/* randbelow_from_randbits(n): rejection on the bit length of n - 1. */
static uint64_t randbelow(struct prng *p, uint64_t n) {
  unsigned bits = 0;
  for (uint64_t v = n - 1; v; v >>= 1) bits++;
  uint64_t r;
  do r = getrandbits(p, bits);
  while (r >= n);
  return r;
}

/* The value at virtual position i of sample_by_index's shrinking population
 * 1..n: swapped-in values live in a small map, the rest are i + 1. */
struct swaps {
  struct pickset keys; /* position + 1 */
  uint64_t *vals;
};

static uint64_t swap_get(struct swaps *s, uint64_t pos) {
  uint64_t *slot = pickset_find(&s->keys, pos);
  return *slot ? s->vals[slot - s->keys.slot] : pos + 1;
}

/* Sets virtual position pos of the population to v. */
static void swap_set(struct swaps *s, uint64_t pos, uint64_t v) {
  uint64_t *slot = pickset_find(&s->keys, pos);
  *slot = pos + 1;
  s->vals[slot - s->keys.slot] = v;
}

/* Draws drop + take outputs (or numbers) and records the last take. */
cv_status cv__sample_cryptorandom(const struct cv_sample_options *opt, struct cv_sample *s,
                                  struct cv_error *err) {
  enum cv_prng_output o = opt->prng_output;
  if (o != CV_PRNG_INDEX && o != CV_PRNG_FLOAT && o != CV_PRNG_INTEGER && o != CV_PRNG_HEX)
    return cv__failf(err, CV_EINVAL, "unknown cryptorandom output %d", (int)o);
  struct prng p = {.k = 0};
  cv__sha256_init(&p.ctx);
  cv__sha256_update(&p.ctx, opt->seed, opt->seed_len);
  cv__sha256_update(&p.ctx, ",", 1);
  uint64_t want = opt->drop + opt->take;
  cv_status rc = CV_OK;
  if (o != CV_PRNG_INDEX) {
    for (uint64_t i = 0; rc == CV_OK && i < want; i++) {
      uint8_t h[32];
      uint64_t k = p.k;
      prng_next(&p, h);
      if (i < opt->drop) continue;
      struct cv_draw *d = cv__sample_push(s);
      char text[80];
      if (o == CV_PRNG_FLOAT) text[0] = '\0';
      else if (o == CV_PRNG_INTEGER) cv__sampler_decimal(h, text);
      else cv__hex(h, 32, text);
      char *t = o == CV_PRNG_FLOAT ? NULL : cv__arena_strdup(&s->arena, text);
      if (!d || (o != CV_PRNG_FLOAT && !t)) rc = cv__failf(err, CV_ENOMEM, "out of memory");
      else d->counter = k, d->text = t, d->value = ldexp(u256_to_double(h), -256);
    }
    return rc;
  }
  uint64_t n;
  rc = check_range(opt, &n, err);
  if (rc != CV_OK) return rc;
  struct swaps sw = {{0}, NULL};
  if (opt->without_replacement) {
    rc = pickset_init(&sw.keys, want, err);
    if (rc == CV_OK && !(sw.vals = cv__calloc(sw.keys.mask + 1, sizeof *sw.vals)))
      rc = cv__failf(err, CV_ENOMEM, "out of memory");
  }
  for (uint64_t i = 0; rc == CV_OK && i < want; i++) {
    uint64_t v;
    if (!opt->without_replacement) {
      v = 1 + randbelow(&p, n); /* randint(1, n + 1) */
    } else {
      /* sample_by_index: w = randint(1, n - i + 1); take Pop[w - 1]; move
       * the last of the population into its place. */
      uint64_t left = n - i, w = 1 + randbelow(&p, left);
      v = swap_get(&sw, w - 1);
      if (w < left) swap_set(&sw, w - 1, swap_get(&sw, left - 1));
    }
    if (i < opt->drop) continue;
    struct cv_draw *d = cv__sample_push(s);
    if (!d) rc = cv__failf(err, CV_EINTERNAL, "sample overflow");
    else d->pick = (int64_t)((uint64_t)opt->min + v - 1), d->counter = p.k ? p.k - 1 : 0;
  }
  cv__free(sw.keys.slot);
  cv__free(sw.vals);
  return rc;
}
