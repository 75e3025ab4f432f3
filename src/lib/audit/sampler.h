/* audit/sampler.h: what the sampler files share (internal).
 *
 * sampler.c        options, the cv_sample object, rendering, number helpers
 * sampler_ids.c    id lists: parsing, Arlo's id rendering
 * sampler_consistent.c  Rivest's consistent sampler (Arlo)
 * sampler_prng.c   counter-mode samplers: Rivest 2011 and cryptorandom */
#ifndef CV_AUDIT_SAMPLER_H
#define CV_AUDIT_SAMPLER_H

#include "canvass/audit.h"
#include "util/arena.h"

/* An id list, kept as the lines of a file: data[0..len) holds each id
 * followed by "\n" (or "\r\n"; the last line of a file may lack its end).
 * start[i] is where id i begins and start[n] is one past the end of the last
 * line's "\n" (len + 1 when it has none). data is bytes (owned, from
 * cv__malloc), a read-only mapping of the file, or "" for an empty list. */
struct cv_ids {
  const char *data;
  size_t len;
  char *bytes;
  size_t cap;
  void *map;
  size_t map_len;
  uint32_t *start;  /* 32 bits: the bytes are capped below 4 GiB */
  size_t n, cap_n;
  bool from_file;   /* ids are numbered lines of name (for messages) */
  char name[256];
};

static inline const char *cv__ids_at(const struct cv_ids *ids, size_t i, size_t *len) {
  size_t b = (size_t)ids->start[i], e = (size_t)ids->start[i + 1] - 1;
  if (e > b && ids->data[e - 1] == '\r') e--;
  *len = e - b;
  return ids->data + b;
}

struct cv_sample {
  enum cv_sample_method method;
  enum cv_prng_output prng_output;
  size_t n, cap;
  struct cv_draw *draws;
  struct cv__arena arena; /* tickets, ids and texts the draws point to */
};

/* Appends a zeroed draw; NULL when full (callers size cap from take). */
struct cv_draw *cv__sample_push(struct cv_sample *s);

cv_status cv__sample_consistent(const struct cv_sample_options *opt, const struct cv_ids *ids,
                                struct cv_sample *s, struct cv_error *err);
cv_status cv__sample_rivest2011(const struct cv_sample_options *opt, struct cv_sample *s,
                                struct cv_error *err);
cv_status cv__sample_cryptorandom(const struct cv_sample_options *opt, struct cv_sample *s,
                                  struct cv_error *err);

/* The big-endian 256-bit value h as eight 32-bit limbs, most significant
 * first. */
static inline void cv__u256_load(const uint8_t h[32], uint32_t x[8]) {
  for (int i = 0; i < 8; i++)
    x[i] = (uint32_t)h[4 * i] << 24 | (uint32_t)h[4 * i + 1] << 16 | (uint32_t)h[4 * i + 2] << 8 |
           (uint32_t)h[4 * i + 3];
}

/* Divides x by 10^9 in place and returns the remainder. Limbs are 32 bits
 * so each step fits in 64. */
static inline uint32_t cv__u256_divmod_1e9(uint32_t x[8]) {
  uint64_t rem = 0;
  for (int i = 0; i < 8; i++) {
    uint64_t cur = rem << 32 | x[i];
    x[i] = (uint32_t)(cur / 1000000000u);
    rem = cur % 1000000000u;
  }
  return (uint32_t)rem;
}

/* Longest "0." + reversed decimal of a 256-bit value, with NUL. */
#define CV__UNIFORM_MAX 84

/* The decimal digits of the big-endian 256-bit value h, least significant
 * first, zero-padded to at least 64 digits (as Python's "{:064d}" pads,
 * then reversed). Writes no NUL; returns the count (64..78). */
size_t cv__sampler_digits_reversed(const uint8_t h[32], char out[81]);

/* The decimal rendering of the big-endian 256-bit value h (no leading
 * zeros; "0" for zero), NUL-terminated; returns its length. */
size_t cv__sampler_decimal(const uint8_t h[32], char out[80]);

/* True when s[0..n) is valid UTF-8 (no overlongs, surrogates or values
 * above U+10FFFF). */
bool cv__sampler_utf8_ok(const char *s, size_t n);

#endif
