#include "util/sha256.h"

#include <sodium.h>
#include <string.h>

_Static_assert(sizeof(struct cv__sha256_ctx) >= sizeof(crypto_hash_sha256_state),
               "sha256 context too small");

/* One-shot SHA-256 is on the hot path of every append, replay and verify.
 * Where the CPU has the SHA extensions (x86 SHA-NI) we use them: about five
 * times faster than libsodium's portable code here. Elsewhere libsodium.
 * The tests compare both on random inputs. */
static const uint32_t SHA256_IV[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

/* The round constants, shared by every compression below. */
static const uint32_t K256[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>


/* Compresses n 64-byte blocks into h (a..h as eight words). */
__attribute__((target("sha,sse4.1,ssse3"))) static void blocks_shani(uint32_t h[8],
                                                                      const uint8_t *p, size_t n) {
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  /* The instructions want the state as ABEF and CDGH. */
  __m128i dcba = _mm_loadu_si128((const __m128i *)(const void *)&h[0]);
  __m128i hgfe = _mm_loadu_si128((const __m128i *)(const void *)&h[4]);
  __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
  __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
  for (; n > 0; n--, p += 64) {
    __m128i save0 = abef, save1 = cdgh, m[4];
    for (int g = 0; g < 16; g++) {
      if (g < 4) {
        m[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * g)), bswap);
      } else {
        /* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time. */
        __m128i t = _mm_sha256msg1_epu32(m[g & 3], m[(g + 1) & 3]);
        t = _mm_add_epi32(t, _mm_alignr_epi8(m[(g + 3) & 3], m[(g + 2) & 3], 4));
        m[g & 3] = _mm_sha256msg2_epu32(t, m[(g + 3) & 3]);
      }
      __m128i wk = _mm_add_epi32(m[g & 3], _mm_load_si128((const __m128i *)(const void *)&K256[4 * g]));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
    }
    abef = _mm_add_epi32(abef, save0);
    cdgh = _mm_add_epi32(cdgh, save1);
  }
  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128((__m128i *)(void *)&h[0], _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128((__m128i *)(void *)&h[4], _mm_alignr_epi8(dchg, feba, 8));
}

static int have_shani(void) {
  static int known = -1;
  if (known < 0) {
    unsigned a, b, c, d;
    int ok = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 19)) && (c & (1u << 9));
    ok = ok && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
    known = ok;
  }
  return known;
}

bool cv__sha256_accelerated(void) { return have_shani() != 0; }

static void sha256_ni_update(uint32_t h[8], uint8_t buf[64], uint32_t *used, uint64_t *total,
                             const void *data, size_t len) {
  const uint8_t *p = data;
  *total += len;
  if (*used) {
    size_t take = 64 - *used < len ? 64 - *used : len;
    memcpy(buf + *used, p, take);
    *used += (uint32_t)take;
    p += take;
    len -= take;
    if (*used < 64) return;
    blocks_shani(h, buf, 1);
    *used = 0;
  }
  blocks_shani(h, p, len / 64);
  p += len / 64 * 64;
  len %= 64;
  memcpy(buf, p, len);
  *used = (uint32_t)len;
}

static void sha256_ni_final(uint32_t h[8], const uint8_t buf[64], uint32_t used, uint64_t total,
                            uint8_t out[CV__SHA256_LEN]) {
  uint8_t tail[128] = {0};
  memcpy(tail, buf, used);
  tail[used] = 0x80;
  size_t tlen = used + 9 <= 64 ? 64 : 128;
  uint64_t bits = total * 8;
  for (int i = 0; i < 8; i++) tail[tlen - 1 - (size_t)i] = (uint8_t)(bits >> (8 * i));
  blocks_shani(h, tail, tlen / 64);
  cv__sha256_words_be(h, out);
}


void cv__sha256(const void *data, size_t len, uint8_t out[CV__SHA256_LEN]) {
  if (!have_shani()) {
    crypto_hash_sha256(out, data, len);
    return;
  }
  uint32_t h[8];
  uint8_t buf[64];
  uint32_t used = 0;
  uint64_t total = 0;
  memcpy(h, SHA256_IV, sizeof h);
  sha256_ni_update(h, buf, &used, &total, data, len);
  sha256_ni_final(h, buf, used, total, out);
}
#else
bool cv__sha256_accelerated(void) { return false; }
/* Never called: the portable context is used whenever SHA-NI is absent. */
static void sha256_ni_update(uint32_t h[8], uint8_t buf[64], uint32_t *used, uint64_t *total,
                             const void *data, size_t len) {
  (void)h; (void)buf; (void)used; (void)total; (void)data; (void)len;
}
static void sha256_ni_final(uint32_t h[8], const uint8_t buf[64], uint32_t used, uint64_t total,
                            uint8_t out[CV__SHA256_LEN]) {
  (void)h; (void)buf; (void)used; (void)total; (void)out;
}

void cv__sha256(const void *data, size_t len, uint8_t out[CV__SHA256_LEN]) {
  crypto_hash_sha256(out, data, len);
}
#endif

void cv__sha256_portable(const void *data, size_t len, uint8_t out[CV__SHA256_LEN]) {
  crypto_hash_sha256(out, data, len);
}

/* Incremental hashing: with SHA-NI our own state (eight words, a partial
 * block and the length); otherwise libsodium's state in the same storage. */
struct ni_state {
  uint32_t h[8];
  uint64_t total;
  uint8_t buf[64];
  uint32_t used;
};
struct ctx_layout {
  uint32_t accelerated;
  union {
    struct ni_state ni;
    crypto_hash_sha256_state lib;
  } u;
};
_Static_assert(sizeof(struct ctx_layout) <= sizeof(struct cv__sha256_ctx), "sha256 context too small");

static struct ctx_layout *layout(struct cv__sha256_ctx *c) { return (struct ctx_layout *)(void *)c->opaque; }

void cv__sha256_init(struct cv__sha256_ctx *c) {
  struct ctx_layout *l = layout(c);
  l->accelerated = cv__sha256_accelerated();
  if (!l->accelerated) {
    crypto_hash_sha256_init(&l->u.lib);
    return;
  }
  static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(l->u.ni.h, iv, sizeof iv); /* FIPS 180-4 initial hash value */
  l->u.ni.total = 0;
  l->u.ni.used = 0;
}

void cv__sha256_update(struct cv__sha256_ctx *c, const void *data, size_t len) {
  struct ctx_layout *l = layout(c);
  if (!l->accelerated) {
    crypto_hash_sha256_update(&l->u.lib, data, len);
    return;
  }
  sha256_ni_update(&l->u.ni.h[0], l->u.ni.buf, &l->u.ni.used, &l->u.ni.total, data, len);
}

void cv__sha256_final(struct cv__sha256_ctx *c, uint8_t out[CV__SHA256_LEN]) {
  struct ctx_layout *l = layout(c);
  if (!l->accelerated) {
    crypto_hash_sha256_final(&l->u.lib, out);
    return;
  }
  sha256_ni_final(l->u.ni.h, l->u.ni.buf, l->u.ni.used, l->u.ni.total, out);
}

static const char HEX[] = "0123456789abcdef";

void cv__hex(const uint8_t *in, size_t n, char *out) {
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = HEX[in[i] >> 4];
    out[2 * i + 1] = HEX[in[i] & 15];
  }
  out[2 * n] = '\0';
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool cv__unhex32(const char *s, size_t len, uint8_t out[CV__SHA256_LEN]) {
  if (len != 64) return false;
  uint8_t tmp[CV__SHA256_LEN];
  for (size_t i = 0; i < CV__SHA256_LEN; i++) {
    int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    tmp[i] = (uint8_t)(hi << 4 | lo);
  }
  memcpy(out, tmp, sizeof tmp);
  return true;
}

void cv__hex_grouped(const uint8_t h[CV__SHA256_LEN], char out[80]) {
  char hex[CV__SHA256_HEX];
  cv__hex(h, CV__SHA256_LEN, hex);
  size_t o = 0;
  for (size_t i = 0; i < 64; i++) {
    if (i && i % 4 == 0) out[o++] = ' ';
    out[o++] = hex[i];
  }
  out[o] = '\0';
}

void cv__sha256_words_be(const uint32_t h[8], uint8_t out[CV__SHA256_LEN]) {
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (uint8_t)(h[i] >> 24);
    out[4 * i + 1] = (uint8_t)(h[i] >> 16);
    out[4 * i + 2] = (uint8_t)(h[i] >> 8);
    out[4 * i + 3] = (uint8_t)h[i];
  }
}

/* ---- many short messages after one shared block ----------------------------
 * The audit sampler hashes a 64-byte prefix followed by each of a million
 * short ids. The prefix's state is computed once (portable C: once per
 * sample, so speed does not matter), and each id costs one more block. A
 * SHA-NI compression is one long chain of dependent instructions; two
 * independent ids interleaved keep the unit busy while either waits, which
 * nearly halves the time per id. The tests compare the results with
 * cv__sha256 at every length. */

#define ROR(x, n) ((x) >> (n) | (x) << (32 - (n)))

void cv__sha256_midstate(const uint8_t block[64], uint32_t mid[8]) {
  uint32_t w[64], s[8];
  for (int t = 0; t < 16; t++)
    w[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 |
           (uint32_t)block[4 * t + 2] << 8 | (uint32_t)block[4 * t + 3];
  for (int t = 16; t < 64; t++) {
    uint32_t s0 = ROR(w[t - 15], 7) ^ ROR(w[t - 15], 18) ^ (w[t - 15] >> 3);
    uint32_t s1 = ROR(w[t - 2], 17) ^ ROR(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  memcpy(s, SHA256_IV, sizeof s);
  for (int t = 0; t < 64; t++) {
    uint32_t e = s[4], a = s[0];
    uint32_t t1 = s[7] + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & s[5]) ^ (~e & s[6])) + K256[t] + w[t];
    uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & s[1]) ^ (a & s[2]) ^ (s[1] & s[2]));
    memmove(s + 1, s, 7 * sizeof *s);
    s[4] += t1;
    s[0] = t1 + t2;
  }
  for (int i = 0; i < 8; i++) mid[i] = SHA256_IV[i] + s[i];
}

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)

/* The last block of a message made of one 64-byte block and id: the id,
 * 0x80, zeros and the length in bits. len <= 55. */
static void last_block(const char *id, size_t len, uint8_t b[64]) {
  memcpy(b, id, len);
  b[len] = 0x80;
  memset(b + len + 1, 0, 64 - len - 1);
  uint64_t bits = (uint64_t)(64 + len) * 8;
  for (int i = 0; i < 8; i++) b[63 - i] = (uint8_t)(bits >> (8 * i));
}

/* One block for each of two lanes from the same state mid; writes each
 * lane's final state. The two lanes' instructions alternate. */
__attribute__((target("sha,sse4.1,ssse3"))) static void two_blocks(const uint32_t mid[8],
                                                                    const uint8_t *p0,
                                                                    const uint8_t *p1,
                                                                    uint32_t h0[8],
                                                                    uint32_t h1[8]) {
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  __m128i dcba = _mm_loadu_si128((const __m128i *)(const void *)&mid[0]);
  __m128i hgfe = _mm_loadu_si128((const __m128i *)(const void *)&mid[4]);
  __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1), efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  const __m128i abef0 = _mm_alignr_epi8(cdab, efgh, 8), cdgh0 = _mm_blend_epi16(efgh, cdab, 0xF0);
  __m128i ae[2] = {abef0, abef0}, cg[2] = {cdgh0, cdgh0}, m[2][4];
  const uint8_t *p[2] = {p0, p1};
  for (int g = 0; g < 16; g++) {
    __m128i k = _mm_loadu_si128((const __m128i *)(const void *)&K256[4 * g]);
    for (int l = 0; l < 2; l++) {
      if (g < 4) {
        m[l][g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p[l] + 16 * g)),
                                   bswap);
      } else {
        __m128i t = _mm_sha256msg1_epu32(m[l][g & 3], m[l][(g + 1) & 3]);
        t = _mm_add_epi32(t, _mm_alignr_epi8(m[l][(g + 3) & 3], m[l][(g + 2) & 3], 4));
        m[l][g & 3] = _mm_sha256msg2_epu32(t, m[l][(g + 3) & 3]);
      }
    }
    __m128i wk0 = _mm_add_epi32(m[0][g & 3], k), wk1 = _mm_add_epi32(m[1][g & 3], k);
    cg[0] = _mm_sha256rnds2_epu32(cg[0], ae[0], wk0);
    cg[1] = _mm_sha256rnds2_epu32(cg[1], ae[1], wk1);
    ae[0] = _mm_sha256rnds2_epu32(ae[0], cg[0], _mm_shuffle_epi32(wk0, 0x0E));
    ae[1] = _mm_sha256rnds2_epu32(ae[1], cg[1], _mm_shuffle_epi32(wk1, 0x0E));
  }
  uint32_t *h[2] = {h0, h1};
  for (int l = 0; l < 2; l++) {
    __m128i a = _mm_add_epi32(ae[l], abef0), c = _mm_add_epi32(cg[l], cdgh0);
    __m128i feba = _mm_shuffle_epi32(a, 0x1B), dchg = _mm_shuffle_epi32(c, 0xB1);
    _mm_storeu_si128((__m128i *)(void *)&h[l][0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)(void *)&h[l][4], _mm_alignr_epi8(dchg, feba, 8));
  }
}
#define HAVE_TWO_BLOCKS 1
#endif

bool cv__sha256_pair_words(const uint32_t mid[8], const char *a, size_t la, const char *b, size_t lb,
                           uint32_t wa[8], uint32_t wb[8]) {
#ifdef HAVE_TWO_BLOCKS
  if (la > 55 || lb > 55 || !cv__sha256_accelerated()) return false;
  uint8_t ba[64], bb[64];
  last_block(a, la, ba);
  last_block(b, lb, bb);
  two_blocks(mid, ba, bb, wa, wb);
  return true;
#else
  (void)mid, (void)a, (void)la, (void)b, (void)lb, (void)wa, (void)wb;
  return false;
#endif
}

