/* Unit tests for tabulate/stv_arith: rounding of fixed, guarded and
 * rational values, guarded equality, droop's display format, and the size
 * cap that keeps GMP from running out of memory. Every expected value is
 * worked out by hand in the comment beside it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tabulate/stv_arith.h"

struct fx {
  struct cv__arith a;
  struct cv__buf out;
  mpq_t x, y, z, r;
};

static void fx_init(struct fx *f, enum cv__arith_kind k, unsigned p, unsigned g, unsigned d) {
  cv__arith_init(&f->a, k, p, g, d);
  cv__buf_init(&f->out, 0);
  mpq_inits(f->x, f->y, f->z, f->r, NULL);
}

static void fx_fini(struct fx *f) {
  mpq_clears(f->x, f->y, f->z, f->r, NULL);
  cv__buf_fini(&f->out);
  cv__arith_fini(&f->a);
}

static void expect_str(struct fx *f, const mpq_t v, const char *want) {
  cv__buf_reset(&f->out);
  cv__arith_format(&f->a, &f->out, v);
  assert_string_equal(f->out.data, want);
}

/* A fixed value from its scaled integer (e.g. 12345 at 5 places = 0.12345). */
static void set_scaled(mpq_t r, long v) { mpq_set_si(r, v, 1); }

static void test_fixed_rounding(void **state) {
  (void)state;
  struct fx f;
  fx_init(&f, CV__ARITH_FIXED, 5, 0, 5);
  cv__arith_set_u64(&f.a, f.x, 1);
  cv__arith_set_u64(&f.a, f.y, 3);
  /* 1/3 = 0.333333...: down 0.33333, up 0.33334 */
  cv__arith_div(&f.a, f.r, f.x, f.y, CV__ROUND_DOWN);
  expect_str(&f, f.r, "0.33333");
  cv__arith_div(&f.a, f.r, f.x, f.y, CV__ROUND_UP);
  expect_str(&f, f.r, "0.33334");
  /* 0.33333 x 3 = 0.99999 exactly: rounding up adds nothing */
  set_scaled(f.x, 33333);
  cv__arith_mul(&f.a, f.r, f.x, f.y, CV__ROUND_UP);
  expect_str(&f, f.r, "0.99999");
  /* 0.33333 x 0.5 = 0.166665: down 0.16666, up 0.16667 */
  set_scaled(f.y, 50000);
  cv__arith_mul(&f.a, f.r, f.x, f.y, CV__ROUND_DOWN);
  expect_str(&f, f.r, "0.16666");
  cv__arith_mul(&f.a, f.r, f.x, f.y, CV__ROUND_UP);
  expect_str(&f, f.r, "0.16667");
  /* Scottish transfer value: 1 x 2 / 7 = 0.285714... -> 0.28571 in one
   * rounding; two roundings (x*2 then /7) give the same here. */
  cv__arith_set_u64(&f.a, f.x, 1);
  cv__arith_set_u64(&f.a, f.y, 2);
  cv__arith_set_u64(&f.a, f.z, 7);
  cv__arith_muldiv(&f.a, f.r, f.x, f.y, f.z, CV__ROUND_DOWN);
  expect_str(&f, f.r, "0.28571");
  /* 0.28571 x 7 ballots = 1.99997 exactly */
  cv__arith_mul_u64(&f.a, f.r, f.r, 7);
  expect_str(&f, f.r, "1.99997");
  /* epsilon is one unit of the last place */
  cv__arith_add_epsilon(&f.a, f.r, f.r);
  expect_str(&f, f.r, "1.99998");
  /* Division by zero is reported, never a crash. */
  mpq_set_ui(f.y, 0, 1);
  cv__arith_div(&f.a, f.r, f.x, f.y, CV__ROUND_DOWN);
  assert_int_equal(f.a.status, CV_EINTERNAL);
  fx_fini(&f);
}

static void test_fixed_display(void **state) {
  (void)state;
  struct fx f;
  fx_init(&f, CV__ARITH_FIXED, 5, 0, 3);
  /* 0.12345 shown to 3 places rounds half up: (12345 + 50) / 100 = 123 */
  set_scaled(f.x, 12345);
  expect_str(&f, f.x, "0.123");
  /* 0.12350 -> (12350 + 50) / 100 = 124 */
  set_scaled(f.x, 12350);
  expect_str(&f, f.x, "0.124");
  fx_fini(&f);
  fx_init(&f, CV__ARITH_FIXED, 2, 0, 2);
  /* droop prints with floor division: -0.01 is -1 // 100 = -1 and
   * -1 % 100 = 99, "-1.99"; kept so reports compare digit for digit. */
  set_scaled(f.x, -1);
  expect_str(&f, f.x, "-1.99");
  fx_fini(&f);
  fx_init(&f, CV__ARITH_FIXED, 0, 0, 0);
  /* integer arithmetic has no point: 7 / 2 = 3 */
  cv__arith_set_u64(&f.a, f.x, 7);
  cv__arith_set_u64(&f.a, f.y, 2);
  cv__arith_div(&f.a, f.r, f.x, f.y, CV__ROUND_DOWN);
  expect_str(&f, f.r, "3");
  fx_fini(&f);
}

static void test_guarded(void **state) {
  (void)state;
  struct fx f;
  /* 3 places + 3 guard digits: values are stored at 6 places and are equal
   * when closer than 10^3 / 2 = 500 units of the last stored place. */
  fx_init(&f, CV__ARITH_GUARDED, 3, 3, 3);
  assert_true(f.a.exact);
  set_scaled(f.x, 1000000);
  set_scaled(f.y, 1000499);
  assert_int_equal(cv__arith_cmp(&f.a, f.x, f.y), 0);
  assert_int_equal(cv__arith_cmp_exact(&f.a, f.x, f.y), -1);
  set_scaled(f.y, 1000500);
  assert_int_equal(cv__arith_cmp(&f.a, f.x, f.y), -1);
  /* display: 1.000500 at 3 places rounds half up to 1.001 */
  expect_str(&f, f.y, "1.001");
  /* guard digits make every product truncate, even when asked to round
   * up: 1/3 = 0.333333 (6 stored places) */
  cv__arith_set_u64(&f.a, f.x, 1);
  cv__arith_set_u64(&f.a, f.y, 3);
  cv__arith_div(&f.a, f.r, f.x, f.y, CV__ROUND_UP);
  assert_int_equal(mpz_get_si(mpq_numref(f.r)), 333333);
  fx_fini(&f);
  /* display beyond the precision shows the guard digits after '_':
   * 1.2345 stored with 2+2 places, displayed with 4: "1.23_45" */
  fx_init(&f, CV__ARITH_GUARDED, 2, 2, 4);
  set_scaled(f.x, 12345);
  expect_str(&f, f.x, "1.23_45");
  fx_fini(&f);
}

static void test_rational(void **state) {
  (void)state;
  struct fx f;
  fx_init(&f, CV__ARITH_RATIONAL, 0, 0, 4);
  assert_true(f.a.exact);
  cv__arith_set_u64(&f.a, f.x, 1);
  cv__arith_set_u64(&f.a, f.y, 3);
  cv__arith_div(&f.a, f.r, f.x, f.y, CV__ROUND_DOWN);
  /* exactly 1/3; shown as floor((1/3 + 1/20000) x 10^4) = floor(3333.83) */
  assert_int_equal(mpz_get_si(mpq_denref(f.r)), 3);
  expect_str(&f, f.r, "0.3333");
  /* 2/3: floor(6666.67 + 0.5) = 6667 */
  cv__arith_add(&f.a, f.r, f.r, f.r);
  expect_str(&f, f.r, "0.6667");
  /* 2/3 x 3 = 2 exactly, and exact arithmetic adds no epsilon */
  cv__arith_mul(&f.a, f.r, f.r, f.y, CV__ROUND_DOWN);
  cv__arith_add_epsilon(&f.a, f.r, f.r);
  expect_str(&f, f.r, "2.0000");
  fx_fini(&f);
}

/* Squaring a fraction doubles its size: 3^(2^k) has about 1.58 x 2^k bits,
 * so after 16 squarings of 2/3 the denominator passes the 2^16-bit cap and
 * the arithmetic stops with CV_ELIMIT instead of exhausting memory (or
 * time). */
static void test_size_cap(void **state) {
  (void)state;
  struct fx f;
  fx_init(&f, CV__ARITH_RATIONAL, 0, 0, 4);
  mpq_set_ui(f.x, 2, 3);
  for (int i = 0; i < 40 && f.a.status == CV_OK; i++)
    cv__arith_mul(&f.a, f.x, f.x, f.x, CV__ROUND_DOWN);
  assert_int_equal(f.a.status, CV_ELIMIT);
  assert_true(cv__arith_is_zero(f.x));
  fx_fini(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fixed_rounding), cmocka_unit_test(test_fixed_display),
      cmocka_unit_test(test_guarded),        cmocka_unit_test(test_rational),
      cmocka_unit_test(test_size_cap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
