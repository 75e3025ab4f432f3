/* Unit tests of the audit samplers: the reference implementations' own
 * documented examples, id lists, Arlo's id rendering, drop/take rules, and
 * out-of-memory paths. The published vectors run in conf_sampler. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/sampler.h"
#include "canvass/alloc.h"
#include "canvass/audit.h"
#include "util/sha256.h"

static cv_ids *ids_of(const char *const *list) {
  cv_ids *ids;
  struct cv_error err = {0};
  assert_int_equal(cv_ids_new(&ids, &err), CV_OK);
  for (size_t i = 0; list[i]; i++)
    assert_int_equal(cv_ids_add(ids, list[i], strlen(list[i]), &err), CV_OK);
  return ids;
}

static void expect_id(const cv_ids *ids, size_t i, const char *want) {
  size_t len;
  const char *got = cv_ids_get(ids, i, &len);
  assert_non_null(got);
  assert_int_equal(len, strlen(want));
  assert_memory_equal(got, want, len);
}

static cv_sample *consistent(const cv_ids *ids, const char *seed, uint64_t take, uint64_t drop,
                             bool without, uint32_t digits) {
  struct cv_sample_options o = {.method = CV_SAMPLE_CONSISTENT, .seed = seed,
                                .seed_len = strlen(seed), .take = take, .drop = drop,
                                .without_replacement = without, .digits = digits};
  cv_sample *s = NULL;
  struct cv_error err = {0};
  assert_int_equal(cv_sample_draw(&o, ids, &s, &err), CV_OK);
  return s;
}

/* sha256_uniform("abc") in the reference's docstring. */
static void test_uniform(void **state) {
  (void)state;
  uint8_t h[32];
  char d[81];
  cv__sha256("abc", 3, h);
  size_t n = cv__sampler_digits_reversed(h, d);
  assert_int_equal(n, 77);
  assert_memory_equal(d, "56998071861792858926477341561059638840106636224182943832566300809078486324348",
                      77);
  char dec[80];
  cv__sampler_decimal(h, dec);
  assert_string_equal(dec, "84342368487090800366523834928142263660104883695016514377462985829716817089965");
}

/* util/sha256's pair of digests, as bytes. */
static bool hash2(const uint32_t mid[8], const char *a, size_t la, const char *b, size_t lb,
                  uint8_t ha[32], uint8_t hb[32]) {
  uint32_t sa[8], sb[8];
  if (!cv__sha256_pair_words(mid, a, la, b, lb, sa, sb)) return false;
  cv__sha256_words_be(sa, ha);
  cv__sha256_words_be(sb, hb);
  return true;
}

/* Two ids at once give the same digests as one at a time, at every length
 * that fits one block. */
static void test_hash2(void **state) {
  (void)state;
  char block[65];
  for (int i = 0; i < 64; i++) block[i] = "0123456789abcdef"[(i * 7) % 16];
  uint32_t mid[8];
  cv__sha256_midstate((const uint8_t *)block, mid);
  char a[56], b[56], msg[64 + 56];
  for (size_t la = 0; la <= 55; la++) {
    size_t lb = 55 - la;
    for (size_t k = 0; k < 55; k++) a[k] = (char)('A' + (k * 3 + la) % 26), b[k] = (char)('a' + k % 26);
    uint8_t ha[32], hb[32], wa[32], wb[32];
    if (!hash2(mid, a, la, b, lb, ha, hb)) {
      assert_false(cv__sha256_accelerated()); /* only then may it decline */
      return;
    }
    memcpy(msg, block, 64), memcpy(msg + 64, a, la);
    cv__sha256(msg, 64 + la, wa);
    memcpy(msg + 64, b, lb);
    cv__sha256(msg, 64 + lb, wb);
    assert_memory_equal(ha, wa, 32);
    assert_memory_equal(hb, wb, 32);
  }
  uint8_t x[32], y[32];
  assert_false(hash2(mid, a, 56, b, 1, x, y));
}

/* The reference's examples: ids drawn with replacement, and a sample
 * without replacement whose tickets start with 9s (trimmed after them). */
static void test_reference_examples(void **state) {
  (void)state;
  const char *const l1[] = {"A#2", "B#7", "C#1", "D#4", NULL};
  const char *const want1[] = {"D#4", "C#1", "C#1", "B#7", "A#2", "C#1", "D#4", "B#7"};
  cv_ids *ids = ids_of(l1);
  cv_sample *s = consistent(ids, "314159", 8, 0, false, 0);
  assert_int_equal(cv_sample_count(s), 8);
  for (size_t i = 0; i < 8; i++) assert_string_equal(cv_sample_get(s, i)->id, want1[i]);
  assert_int_equal(cv_sample_get(s, 2)->generation, 2);
  cv_sample_free(s);
  cv_ids_free(ids);

  const char *const l2[] = {"ab-1", "ab-2", "cd-1", "ef-3", NULL};
  const char *const t2[] = {"0.317685817", "0.832984519", "0.9098039269", "0.9231549043"};
  const char *const i2[] = {"cd-1", "ef-3", "ab-1", "ab-2"};
  ids = ids_of(l2);
  s = consistent(ids, "314159", 10, 0, true, 0);
  assert_int_equal(cv_sample_count(s), 4); /* fewer than asked: all there are */
  for (size_t i = 0; i < 4; i++) {
    assert_string_equal(cv_sample_get(s, i)->ticket, t2[i]);
    assert_string_equal(cv_sample_get(s, i)->id, i2[i]);
    assert_int_equal(cv_sample_get(s, i)->generation, 1);
  }
  assert_null(cv_sample_get(s, 4));
  cv_sample_free(s);
  cv_ids_free(ids);
}

/* first_ticket and next_ticket of the docstrings, untrimmed. */
static void test_first_and_next_ticket(void **state) {
  (void)state;
  const char *const l[] = {"AB-130", NULL};
  cv_ids *ids = ids_of(l);
  cv_sample *s = consistent(ids, "01382438112797316654", 2, 0, false, 1000);
  assert_string_equal(cv_sample_get(s, 0)->ticket,
                      "0.26299714122838008416507544297546663599715395525154425586041245287750224561854");
  assert_string_equal(cv_sample_get(s, 1)->ticket,
                      "0.8232357229934205790595761924514048157652891124687533667363938813600770093316");
  assert_int_equal(cv_sample_get(s, 1)->generation, 2);
  cv_sample_free(s);
  cv_ids_free(ids);
}

/* drop K then take N is the tail of take K + N, and keeping only the
 * smallest first tickets changes nothing (compared with all of them). */
static void test_drop_and_heap_bound(void **state) {
  (void)state;
  cv_ids *ids;
  struct cv_error err = {0};
  assert_int_equal(cv_ids_new(&ids, &err), CV_OK);
  for (int i = 1; i <= 50; i++) {
    char id[32];
    int n = snprintf(id, sizeof id, "ballot-%d", i);
    assert_int_equal(cv_ids_add(ids, id, (size_t)n, &err), CV_OK);
  }
  for (int without = 0; without < 2; without++) {
    cv_sample *all = consistent(ids, "98765432109876543210", 120, 0, without, 18);
    cv_sample *tail = consistent(ids, "98765432109876543210", 7, 13, without, 18);
    size_t have = cv_sample_count(all);
    assert_int_equal(have, without ? 50 : 120);
    assert_int_equal(cv_sample_count(tail), 7);
    for (size_t i = 0; i < 7; i++) {
      assert_string_equal(cv_sample_get(tail, i)->ticket, cv_sample_get(all, 13 + i)->ticket);
      assert_string_equal(cv_sample_get(tail, i)->id, cv_sample_get(all, 13 + i)->id);
      assert_int_equal(cv_sample_get(tail, i)->generation, cv_sample_get(all, 13 + i)->generation);
    }
    for (size_t i = 1; i < have; i++) /* tickets come in increasing order */
      assert_true(strcmp(cv_sample_get(all, i - 1)->ticket, cv_sample_get(all, i)->ticket) <= 0);
    cv_sample_free(all);
    cv_sample_free(tail);
  }
  cv_ids_free(ids);
}

/* A list long enough for two threads gives the smallest first tickets (found
 * here by brute force), and a repeat across the halves is named by line. */
static void test_long_list(void **state) {
  (void)state;
  enum { N = 250000, TAKE = 5 };
  cv_ids *ids;
  struct cv_error err = {0};
  assert_int_equal(cv_ids_new(&ids, &err), CV_OK);
  const char *seed = "31415926535897932384";
  uint8_t sh[32];
  char hex[65], msg[160], best[TAKE][90];
  cv__sha256(seed, strlen(seed), sh);
  cv__hex(sh, 32, hex);
  for (int t = 0; t < TAKE; t++) strcpy(best[t], "1");
  for (int i = 0; i < N; i++) {
    char id[96];
    /* Every seventh id is longer than one SHA-256 block can finish. */
    int n = snprintf(id, sizeof id,
                     i % 7 ? "(('C', None, 'B%d'), %d)"
                           : "(('A county with a rather long name indeed', 'TAB-9', 'B%d'), %d)",
                     i / 1000, i % 1000 + 1);
    assert_int_equal(cv_ids_add(ids, id, (size_t)n, &err), CV_OK);
    uint8_t h[32];
    char t[90] = "0.";
    memcpy(msg, hex, 64), memcpy(msg + 64, id, (size_t)n);
    cv__sha256(msg, 64 + (size_t)n, h);
    t[2 + cv__sampler_digits_reversed(h, t + 2)] = '\0';
    for (int k = 0; k < TAKE; k++)
      if (strcmp(t, best[k]) < 0) {
        memmove(best[k + 1], best[k], (size_t)(TAKE - 1 - k) * sizeof best[0]);
        strcpy(best[k], t);
        break;
      }
  }
  cv_sample *s = consistent(ids, seed, TAKE, 0, true, 1000);
  for (int k = 0; k < TAKE; k++) assert_string_equal(cv_sample_get(s, (size_t)k)->ticket, best[k]);
  cv_sample_free(s);
  size_t len;
  const char *first = cv_ids_get(ids, 0, &len);
  char copy[96];
  memcpy(copy, first, len);
  assert_int_equal(cv_ids_add(ids, copy, len, &err), CV_OK);
  struct cv_sample_options o = {.method = CV_SAMPLE_CONSISTENT, .seed = seed,
                                .seed_len = strlen(seed), .take = 1};
  s = NULL;
  assert_int_equal(cv_sample_draw(&o, ids, &s, &err), CV_EINVAL);
  assert_null(s);
  assert_non_null(strstr(err.message, "ids 1 and 250001"));
  cv_ids_free(ids);
}

static void test_ids_file_rules(void **state) {
  (void)state;
  cv_ids *ids = NULL;
  struct cv_error err = {0};
  const char crlf[] = "a\r\nb\r\nc";
  assert_int_equal(cv_ids_parse(crlf, sizeof crlf - 1, "x.txt", &ids, &err), CV_OK);
  assert_int_equal(cv_ids_count(ids), 3);
  size_t len;
  assert_memory_equal(cv_ids_get(ids, 1, &len), "b", 1);
  assert_int_equal(len, 1);
  assert_memory_equal(cv_ids_get(ids, 2, &len), "c", 1);
  assert_int_equal(len, 1);
  assert_null(cv_ids_get(ids, 3, &len));
  cv_ids_free(ids);

  assert_int_equal(cv_ids_parse("a\n\nb\n", 5, "x.txt", &ids, &err), CV_EINVAL);
  assert_int_equal(err.line, 2);
  cv_error_clear(&err);
  assert_int_equal(cv_ids_parse("a\n\xff\n", 4, "x.txt", &ids, &err), CV_EINVAL);
  assert_int_equal(err.line, 2);
  cv_error_clear(&err);
  assert_int_equal(cv_ids_parse("", 0, "x.txt", &ids, &err), CV_EINVAL);
  cv_error_clear(&err);

  /* Big files are indexed in two halves; lines still count from the top. */
  enum { LINES = 200000 };
  char *big = malloc((size_t)LINES * 32);
  size_t blen = 0;
  for (int i = 1; i <= LINES; i++)
    blen += (size_t)sprintf(big + blen, i == 150000 ? "\n" : "ballot-id-number-%012d\n", i);
  assert_true(blen > ((size_t)4 << 20));
  assert_int_equal(cv_ids_parse(big, blen, "big.txt", &ids, &err), CV_EINVAL);
  assert_int_equal(err.line, 150000);
  cv_error_clear(&err);
  blen = 0;
  for (int i = 1; i <= LINES; i++) blen += (size_t)sprintf(big + blen, "ballot-id-number-%012d\n", i);
  assert_int_equal(cv_ids_parse(big, blen, "big.txt", &ids, &err), CV_OK);
  assert_int_equal(cv_ids_count(ids), LINES);
  expect_id(ids, LINES - 1, "ballot-id-number-000000200000");
  expect_id(ids, LINES / 2, "ballot-id-number-000000100001");
  cv_ids_free(ids);
  free(big);

  /* Duplicates are found when drawing, naming both lines. */
  assert_int_equal(cv_ids_parse("p\nq\nr\nq\n", 8, "x.txt", &ids, &err), CV_OK);
  struct cv_sample_options o = {.method = CV_SAMPLE_CONSISTENT, .seed = "1", .seed_len = 1,
                                .take = 1};
  cv_sample *s = NULL;
  assert_int_equal(cv_sample_draw(&o, ids, &s, &err), CV_EINVAL);
  assert_null(s);
  assert_int_equal(err.line, 4);
  assert_non_null(strstr(err.message, "line 2"));
  cv_ids_free(ids);
}

static void test_arlo_ids(void **state) {
  (void)state;
  cv_ids *ids;
  struct cv_error err = {0};
  assert_int_equal(cv_ids_new(&ids, &err), CV_OK);
  assert_int_equal(cv_ids_add_arlo(ids, "County A", NULL, "Batch 1", 1, &err), CV_OK);
  assert_int_equal(cv_ids_add_arlo(ids, "O'Brien County", "TAB-2", "Early \"EV\" 1", 9, &err), CV_OK);
  assert_int_equal(cv_ids_add_arlo(ids, "It's \"x\"", "a\\b", "t\tn\x01", 2, &err), CV_OK);
  assert_int_equal(cv_ids_add_arlo(ids, "Do\xc3\xb1" "a Ana", NULL, "\xc2\xa0", 3, &err), CV_OK);
  expect_id(ids, 0, "(('County A', None, 'Batch 1'), 1)");
  expect_id(ids, 1, "((\"O'Brien County\", 'TAB-2', 'Early \"EV\" 1'), 9)");
  expect_id(ids, 2, "(('It\\'s \"x\"', 'a\\\\b', 't\\tn\\x01'), 2)");
  expect_id(ids, 3, "(('Do\xc3\xb1" "a Ana', None, '\\xa0'), 3)");
  /* A character whose Python rendering depends on Unicode tables. */
  assert_int_equal(cv_ids_add_arlo(ids, "\xe2\x80\xa8", NULL, "b", 1, &err), CV_EINVAL);
  assert_int_equal(cv_ids_count(ids), 4);
  cv_ids_free(ids);
}

static void test_rivest2011(void **state) {
  (void)state;
  const int64_t want[] = {740, 180, 264, 789, 238, 448, 272, 611, 761, 208, 596, 88, 160, 113, 766,
                          427, 184, 816, 653, 411, 779, 331, 339, 487, 594, 235, 65, 527, 821, 490,
                          461, 251, 471, 414, 174, 567, 300, 134, 144, 357, 786};
  const char *seed = "3546311556112163624615351222";
  struct cv_sample_options o = {.method = CV_SAMPLE_RIVEST2011, .seed = seed,
                                .seed_len = strlen(seed), .take = 41, .min = 1, .max = 876,
                                .without_replacement = true};
  cv_sample *s;
  struct cv_error err = {0};
  assert_int_equal(cv_sample_draw(&o, NULL, &s, &err), CV_OK);
  for (size_t i = 0; i < 41; i++) assert_int_equal(cv_sample_get(s, i)->pick, want[i]);
  assert_int_equal(cv_sample_get(s, 31)->counter, 33); /* "seed,32" gave a repeat */
  cv_sample_free(s);
  /* An expanded sample skips the earlier picks, as the reference's skip. */
  o.drop = 30, o.take = 11;
  assert_int_equal(cv_sample_draw(&o, NULL, &s, &err), CV_OK);
  for (size_t i = 0; i < 11; i++) assert_int_equal(cv_sample_get(s, i)->pick, want[30 + i]);
  cv_sample_free(s);
  /* More distinct picks than the range holds is refused. */
  o.drop = 0, o.take = 877;
  assert_int_equal(cv_sample_draw(&o, NULL, &s, &err), CV_EINVAL);
  /* Ranges beyond 32 bits take the bitwise path; min may be negative. */
  cv_error_clear(&err);
  o = (struct cv_sample_options){.method = CV_SAMPLE_RIVEST2011, .seed = "0", .seed_len = 1,
                                 .take = 3, .min = -5, .max = INT64_MAX - 10};
  assert_int_equal(cv_sample_draw(&o, NULL, &s, &err), CV_OK);
  assert_int_equal(cv_sample_count(s), 3);
  cv_sample_free(s);
}

static void test_cryptorandom(void **state) {
  (void)state;
  const char *seed = "12345678901234567890";
  struct cv_sample_options o = {.method = CV_SAMPLE_CRYPTORANDOM, .seed = seed,
                                .seed_len = strlen(seed), .take = 6,
                                .prng_output = CV_PRNG_FLOAT};
  const double want[] = {0.9272915426537484, 0.1916135318809483,  0.5846237047310486,
                         0.18694233108130068, 0.9022661737961881, 0.052310932788987144};
  cv_sample *s;
  struct cv_error err = {0};
  assert_int_equal(cv_sample_draw(&o, NULL, &s, &err), CV_OK);
  for (size_t i = 0; i < 6; i++) assert_true(cv_sample_get(s, i)->value == want[i]);
  char *text;
  size_t len;
  assert_int_equal(cv_sample_render(s, CV_FORMAT_JSON, &text, &len, &err), CV_OK);
  assert_string_equal(text, "[\n 0.9272915426537484,\n 0.1916135318809483,\n 0.5846237047310486,\n"
                            " 0.18694233108130068,\n 0.9022661737961881,\n 0.052310932788987144\n]\n");
  cv_free(text);
  cv_sample_free(s);

  /* The raw second output of test_SHA256_random. */
  o.prng_output = CV_PRNG_HEX, o.drop = 1, o.take = 1;
  assert_int_equal(cv_sample_draw(&o, NULL, &s, &err), CV_OK);
  assert_string_equal(cv_sample_get(s, 0)->text,
                      "310d959ce65476647a3ec93074beff0aa6d720949207daf915712fd574635165");
  cv_sample_free(s);

  /* randint(0, 5, size=3) and randint(1, 1001, 5). */
  o = (struct cv_sample_options){.method = CV_SAMPLE_CRYPTORANDOM, .seed = seed,
                                 .seed_len = strlen(seed), .take = 3, .min = 0, .max = 4};
  assert_int_equal(cv_sample_draw(&o, NULL, &s, &err), CV_OK);
  assert_int_equal(cv_sample_get(s, 0)->pick, 3);
  assert_int_equal(cv_sample_get(s, 1)->pick, 2);
  assert_int_equal(cv_sample_get(s, 2)->pick, 4);
  cv_sample_free(s);
  const int64_t five[] = {340, 971, 558, 998, 778};
  o.take = 5, o.min = 1, o.max = 1000;
  assert_int_equal(cv_sample_draw(&o, NULL, &s, &err), CV_OK);
  for (size_t i = 0; i < 5; i++) assert_int_equal(cv_sample_get(s, i)->pick, five[i]);
  cv_sample_free(s);

  /* sample_by_index without replacement: a permutation of a small range. */
  o.take = 10, o.min = 1, o.max = 10, o.without_replacement = true;
  assert_int_equal(cv_sample_draw(&o, NULL, &s, &err), CV_OK);
  int seen[11] = {0};
  for (size_t i = 0; i < 10; i++) seen[cv_sample_get(s, i)->pick]++;
  for (int v = 1; v <= 10; v++) assert_int_equal(seen[v], 1);
  cv_sample_free(s);

  /* SHANGRLA's sample_num for seed 1234567890. */
  o = (struct cv_sample_options){.method = CV_SAMPLE_CRYPTORANDOM, .seed = "1234567890",
                                 .seed_len = 10, .take = 6, .prng_output = CV_PRNG_INTEGER};
  assert_int_equal(cv_sample_draw(&o, NULL, &s, &err), CV_OK);
  assert_string_equal(cv_sample_get(s, 0)->text,
                      "100208482908198438057700745423243738999845662853049614266130533283921761365671");
  assert_string_equal(cv_sample_get(s, 5)->text,
                      "93838330019164869717966768063938259297046489853954854934402443181124696542865");
  cv_sample_free(s);
}

static void test_options_refused(void **state) {
  (void)state;
  struct cv_error err = {0};
  cv_sample *s = NULL;
  struct cv_sample_options o = {.method = CV_SAMPLE_RIVEST2011, .seed = "1", .seed_len = 1,
                                .take = 1, .min = 5, .max = 4};
  assert_int_equal(cv_sample_draw(&o, NULL, &s, &err), CV_EINVAL);
  o.max = 10, o.take = CV_SAMPLE_MAX_DRAWS + 1u;
  assert_int_equal(cv_sample_draw(&o, NULL, &s, &err), CV_ELIMIT);
  o.take = 1, o.seed = "\xc0\x80", o.seed_len = 2;
  assert_int_equal(cv_sample_draw(&o, NULL, &s, &err), CV_EINVAL);
  o.method = CV_SAMPLE_CONSISTENT, o.seed = "1", o.seed_len = 1;
  assert_int_equal(cv_sample_draw(&o, NULL, &s, &err), CV_EINVAL);
  assert_null(s);
  assert_true(cv_sample_seed_ok("12345678901234567890", 20));
  assert_false(cv_sample_seed_ok("1234567890123456789", 19));
  assert_false(cv_sample_seed_ok("1234567890123456789x", 20));
}

/* ---- out of memory: every allocation of a draw fails in turn ---- */
static long countdown = -1;
static void *t_malloc(size_t n, void *ud) {
  (void)ud;
  if (countdown == 0) return NULL;
  if (countdown > 0) countdown--;
  return malloc(n);
}
static void *t_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  if (countdown == 0) return NULL;
  if (countdown > 0) countdown--;
  return realloc(p, n);
}
static void t_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

static void test_oom(void **state) {
  (void)state;
  const char data[] = "x1\nx2\nx3\nx4\nx5\nx6\n";
  struct cv_allocator a = {t_malloc, t_realloc, t_free, NULL};
  cv_set_allocator(&a);
  bool done = false;
  for (long n = 0; n < 500 && !done; n++) {
    struct cv_error err = {0};
    countdown = n;
    cv_ids *ids = NULL;
    cv_sample *s = NULL;
    char *text = NULL;
    size_t len;
    cv_status rc = cv_ids_parse(data, sizeof data - 1, "oom", &ids, &err);
    struct cv_sample_options o = {.method = CV_SAMPLE_CONSISTENT, .seed = "7", .seed_len = 1,
                                  .take = 9, .drop = 2};
    if (rc == CV_OK) rc = cv_sample_draw(&o, ids, &s, &err);
    if (rc == CV_OK) rc = cv_sample_render(s, CV_FORMAT_JSON, &text, &len, &err);
    if (rc == CV_OK) {
      assert_int_equal(cv_sample_count(s), 9);
      done = countdown > 0;
    } else {
      assert_true(rc == CV_ENOMEM || rc == CV_ELIMIT);
    }
    cv_free(text);
    cv_sample_free(s);
    cv_ids_free(ids);
  }
  assert_true(done);
  /* A file big enough to be indexed in two halves. */
  enum { LINES = 200000 };
  char *big = malloc((size_t)LINES * 32);
  size_t blen = 0;
  for (int i = 1; i <= LINES; i++) blen += (size_t)sprintf(big + blen, "ballot-id-number-%012d\n", i);
  done = false;
  for (long n = 0; n < 50 && !done; n++) {
    struct cv_error err = {0};
    countdown = n;
    cv_ids *ids = NULL;
    cv_status rc = cv_ids_parse(big, blen, "oom", &ids, &err);
    if (rc == CV_OK) done = cv_ids_count(ids) == LINES;
    else assert_int_equal(rc, CV_ENOMEM);
    cv_ids_free(ids);
  }
  free(big);
  countdown = -1;
  cv_set_allocator(NULL);
  assert_true(done);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_uniform), cmocka_unit_test(test_hash2),          cmocka_unit_test(test_reference_examples),
      cmocka_unit_test(test_first_and_next_ticket), cmocka_unit_test(test_drop_and_heap_bound), cmocka_unit_test(test_long_list),
      cmocka_unit_test(test_ids_file_rules),   cmocka_unit_test(test_arlo_ids),
      cmocka_unit_test(test_rivest2011),       cmocka_unit_test(test_cryptorandom),
      cmocka_unit_test(test_options_refused),  cmocka_unit_test(test_oom),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
