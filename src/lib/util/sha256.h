/* util/sha256.h: SHA-256 (libsodium) and hex helpers. */
#ifndef CV_UTIL_SHA256_H
#define CV_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define CV__SHA256_LEN 32
#define CV__SHA256_HEX 65 /* 64 hex digits and NUL */

struct cv__sha256_ctx {
  unsigned char opaque[128] __attribute__((aligned(16)));
};

void cv__sha256(const void *data, size_t len, uint8_t out[CV__SHA256_LEN]);
/* libsodium's SHA-256, always (for tests comparing the two). */
void cv__sha256_portable(const void *data, size_t len, uint8_t out[CV__SHA256_LEN]);
/* True when cv__sha256 uses the CPU's SHA instructions. */
bool cv__sha256_accelerated(void);
void cv__sha256_init(struct cv__sha256_ctx *c);
void cv__sha256_update(struct cv__sha256_ctx *c, const void *data, size_t len);
void cv__sha256_final(struct cv__sha256_ctx *c, uint8_t out[CV__SHA256_LEN]);

/* The digest's 32 big-endian bytes from the eight state words. */
void cv__sha256_words_be(const uint32_t h[8], uint8_t out[CV__SHA256_LEN]);

/* The state (eight words) after compressing one 64-byte block from the
 * initial value: the shared prefix of many messages. */
void cv__sha256_midstate(const uint8_t block[64], uint32_t mid[8]);

/* SHA-256 of B || a and of B || b, where mid is the state after the 64-byte
 * block B, as eight state words each (cv__sha256_words_be gives the bytes).
 * Returns false, computing nothing, when it cannot do both at once (a
 * message over 55 bytes, or no SHA instructions): then hash them one by one. */
bool cv__sha256_pair_words(const uint32_t mid[8], const char *a, size_t la, const char *b, size_t lb,
                           uint32_t wa[8], uint32_t wb[8]);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void cv__hex(const uint8_t *in, size_t n, char *out);
/* Parses exactly 64 lowercase hex digits; false otherwise. */
bool cv__unhex32(const char *s, size_t len, uint8_t out[CV__SHA256_LEN]);
/* "1a2b 3c4d ..." : 64 hex digits in groups of four (80 bytes with NUL). */
void cv__hex_grouped(const uint8_t h[CV__SHA256_LEN], char out[80]);

#endif
