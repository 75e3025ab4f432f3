#include "util/sha256.h"

#include <sodium.h>
#include <string.h>

_Static_assert(sizeof(struct cv__sha256_ctx) >= sizeof(crypto_hash_sha256_state),
               "sha256 context too small");

/* One-shot SHA-256 is on the hot path of every append, replay and verify.
 * Where the CPU has the SHA extensions (x86 SHA-NI) we use them: about five
 * times faster than libsodium's portable code here. Elsewhere libsodium.
 * The tests compare both on random inputs. */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

static const uint32_t K256[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

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
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (uint8_t)(h[i] >> 24);
    out[4 * i + 1] = (uint8_t)(h[i] >> 16);
    out[4 * i + 2] = (uint8_t)(h[i] >> 8);
    out[4 * i + 3] = (uint8_t)h[i];
  }
}

static const uint32_t SHA256_IV[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

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
