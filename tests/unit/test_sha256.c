/* SHA-256: known answers (FIPS 180-2 examples) and the accelerated path
 * against libsodium's on inputs of every length around the block edges. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util/sha256.h"

static void hex_of(const char *s, size_t n, char out[65]) {
  uint8_t h[32];
  cv__sha256(s, n, h);
  cv__hex(h, 32, out);
}

static void known_answers(void **unused) {
  (void)unused;
  char hex[65];
  hex_of("", 0, hex);
  assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  hex_of("abc", 3, hex);
  assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  hex_of(two, strlen(two), hex);
  assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  static char million[1000000];
  memset(million, 'a', sizeof million);
  hex_of(million, sizeof million, hex);
  assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void accelerated_matches_portable(void **unused) {
  (void)unused;
  static uint8_t buf[1200];
  uint32_t x = 12345;
  for (size_t i = 0; i < sizeof buf; i++) {
    x = x * 1103515245u + 12345u;
    buf[i] = (uint8_t)(x >> 16);
  }
  for (size_t n = 0; n <= sizeof buf; n++) {
    uint8_t a[32], b[32];
    cv__sha256(buf, n, a);
    cv__sha256_portable(buf, n, b);
    if (memcmp(a, b, 32) != 0) fail_msg("length %zu differs", n);
  }
  /* The incremental API, fed in uneven pieces, gives the one-shot digest. */
  for (size_t n = 0; n <= sizeof buf; n += 7) {
    uint8_t a[32], b[32];
    struct cv__sha256_ctx c;
    cv__sha256_init(&c);
    size_t pos = 0, step = 1;
    while (pos < n) {
      size_t take = step < n - pos ? step : n - pos;
      cv__sha256_update(&c, buf + pos, take);
      pos += take;
      step = step * 3 % 97 + 1;
    }
    cv__sha256_final(&c, a);
    cv__sha256_portable(buf, n, b);
    if (memcmp(a, b, 32) != 0) fail_msg("incremental, length %zu differs", n);
  }
  printf("# SHA-256 %s the CPU's SHA instructions\n", cv__sha256_accelerated() ? "uses" : "does not use");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(known_answers),
      cmocka_unit_test(accelerated_matches_portable),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
