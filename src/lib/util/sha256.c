#include "util/sha256.h"

#include <sodium.h>
#include <string.h>

_Static_assert(sizeof(struct cv__sha256_ctx) >= sizeof(crypto_hash_sha256_state),
               "sha256 context too small");

void cv__sha256(const void *data, size_t len, uint8_t out[CV__SHA256_LEN]) {
  crypto_hash_sha256(out, data, len);
}

void cv__sha256_init(struct cv__sha256_ctx *c) {
  crypto_hash_sha256_init((crypto_hash_sha256_state *)(void *)c->opaque);
}

void cv__sha256_update(struct cv__sha256_ctx *c, const void *data, size_t len) {
  crypto_hash_sha256_update((crypto_hash_sha256_state *)(void *)c->opaque, data, len);
}

void cv__sha256_final(struct cv__sha256_ctx *c, uint8_t out[CV__SHA256_LEN]) {
  crypto_hash_sha256_final((crypto_hash_sha256_state *)(void *)c->opaque, out);
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
