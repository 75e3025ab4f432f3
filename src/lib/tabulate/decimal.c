/* tabulate/decimal.c: exact scaled decimals (see decimal.h). */
#include "tabulate/decimal.h"

#include <gmp.h>
#include <stdio.h>
#include <string.h>

/* 10^38 < 2^127: every unscaled value we keep stays below this bound, so a
 * sum of two never overflows the 128-bit type before it is checked. */
static const cv__i128 LIMIT = (cv__i128)10000000000000000000ULL * (cv__i128)10000000000000000000ULL;

/* 10^n for 0 <= n <= 38. */
static cv__i128 pow10_i(int32_t n) {
  cv__i128 p = 1;
  for (int32_t i = 0; i < n; i++) p *= 10;
  return p;
}

/* |v| < 10^38. */
static bool in_range(cv__i128 v) { return v < LIMIT && v > -LIMIT; }

struct cv__dec cv__dec_int(int64_t v) { return cv__dec_make(v, 0); }

struct cv__dec cv__dec_make(cv__i128 unscaled, int32_t scale) {
  struct cv__dec d = {unscaled, scale};
  return d;
}

/* Zero, flagging an overflow. */
static struct cv__dec zero_flag(bool *overflow) {
  *overflow = true;
  return cv__dec_make(0, 0);
}

/* Brings a to scale s >= a.scale. */
static bool rescale_up(struct cv__dec *a, int32_t s) {
  int32_t k = s - a->scale;
  if (k > 38) return a->u == 0 ? (a->scale = s, true) : false;
  cv__i128 p = pow10_i(k);
  if (a->u != 0 && (a->u > LIMIT / p || a->u < -LIMIT / p)) return false;
  a->u *= p;
  a->scale = s;
  return true;
}

struct cv__dec cv__dec_add(struct cv__dec a, struct cv__dec b, bool *overflow) {
  int32_t s = a.scale > b.scale ? a.scale : b.scale;
  if (!rescale_up(&a, s) || !rescale_up(&b, s)) return zero_flag(overflow);
  cv__i128 r = a.u + b.u;
  if (!in_range(r)) return zero_flag(overflow);
  return cv__dec_make(r, s);
}

struct cv__dec cv__dec_sub(struct cv__dec a, struct cv__dec b, bool *overflow) {
  b.u = -b.u;
  return cv__dec_add(a, b, overflow);
}

struct cv__dec cv__dec_mul_u(struct cv__dec a, uint64_t n, bool *overflow) {
  if (n == 0 || a.u == 0) return cv__dec_make(0, a.scale);
  cv__i128 m = (cv__i128)n;
  if (a.u > LIMIT / m || a.u < -LIMIT / m) return zero_flag(overflow);
  return cv__dec_make(a.u * m, a.scale);
}

/* ---- GMP bridges ---- */

static void mpz_from(mpz_t z, cv__i128 v) {
  int neg = v < 0;
  cv__u128 m = neg ? (cv__u128)(-(v + 1)) + 1u : (cv__u128)v;
  uint64_t hi = (uint64_t)(m >> 64), lo = (uint64_t)m;
  mpz_set_ui(z, (unsigned long)hi);
  mpz_mul_2exp(z, z, 64);
  mpz_add_ui(z, z, (unsigned long)lo);
  if (neg) mpz_neg(z, z);
}

/* false when z does not fit in (-10^38, 10^38). */
static bool mpz_to(const mpz_t z, cv__i128 *out) {
  if (mpz_sizeinbase(z, 2) > 127) return false;
  mpz_t t;
  mpz_init(t);
  mpz_abs(t, z);
  uint64_t lo = (uint64_t)mpz_get_ui(t);
  mpz_fdiv_q_2exp(t, t, 64);
  uint64_t hi = (uint64_t)mpz_get_ui(t);
  mpz_clear(t);
  cv__i128 v = (cv__i128)(((cv__u128)hi << 64) | lo);
  if (mpz_sgn(z) < 0) v = -v;
  if (!in_range(v)) return false;
  *out = v;
  return true;
}

/* q = n / d rounded by mode (d > 0 or < 0, n any sign); signs handled as
 * BigDecimal does: DOWN toward zero, UP away from zero, HALF_* by distance. */
static void div_round(mpz_t q, const mpz_t n, const mpz_t d, enum cv__round mode) {
  mpz_t r, twice;
  mpz_inits(r, twice, NULL);
  mpz_tdiv_qr(q, r, n, d); /* q toward zero, r has the sign of n */
  if (mpz_sgn(r) != 0) {
    int sign = mpz_sgn(n) * mpz_sgn(d);
    bool away = false;
    if (mode == CV__ROUND_UP) {
      away = true;
    } else if (mode != CV__ROUND_DOWN) {
      mpz_abs(twice, r);
      mpz_mul_2exp(twice, twice, 1);
      mpz_t ad;
      mpz_init(ad);
      mpz_abs(ad, d);
      int c = mpz_cmp(twice, ad);
      mpz_clear(ad);
      if (c > 0) away = true;
      else if (c == 0) away = mode == CV__ROUND_HALF_UP || mpz_odd_p(q);
    }
    if (away) {
      if (sign > 0) mpz_add_ui(q, q, 1);
      else mpz_sub_ui(q, q, 1);
    }
  }
  mpz_clears(r, twice, NULL);
}

/* z = 10^n. */
static void mpz_pow10(mpz_t z, unsigned long n) { mpz_ui_pow_ui(z, 10, n); }

struct cv__dec cv__dec_mul(struct cv__dec a, struct cv__dec b, bool *overflow) {
  if (a.scale + b.scale > CV__DEC_MAX_SCALE) return zero_flag(overflow);
  mpz_t x, y;
  mpz_inits(x, y, NULL);
  mpz_from(x, a.u);
  mpz_from(y, b.u);
  mpz_mul(x, x, y);
  cv__i128 v = 0;
  bool ok = mpz_to(x, &v);
  mpz_clears(x, y, NULL);
  if (!ok) return zero_flag(overflow);
  return cv__dec_make(v, a.scale + b.scale);
}

struct cv__dec cv__dec_mul_round(struct cv__dec a, struct cv__dec b, int32_t scale,
                                 enum cv__round mode, bool *overflow) {
  mpz_t x, y, p;
  mpz_inits(x, y, p, NULL);
  mpz_from(x, a.u);
  mpz_from(y, b.u);
  mpz_mul(x, x, y);
  int32_t s = a.scale + b.scale;
  if (scale >= s) {
    mpz_pow10(p, (unsigned long)(scale - s));
    mpz_mul(x, x, p);
  } else {
    mpz_pow10(p, (unsigned long)(s - scale));
    mpz_set(y, x);
    div_round(x, y, p, mode);
  }
  cv__i128 v = 0;
  bool ok = mpz_to(x, &v);
  mpz_clears(x, y, p, NULL);
  if (!ok) return zero_flag(overflow);
  return cv__dec_make(v, scale);
}

struct cv__dec cv__dec_div(struct cv__dec a, struct cv__dec b, int32_t scale, enum cv__round mode,
                           bool *overflow) {
  if (b.u == 0 || scale < 0 || scale > CV__DEC_MAX_SCALE) return zero_flag(overflow);
  /* a/b = (a.u / b.u) * 10^(b.scale - a.scale); result unscaled
   * = a.u * 10^(scale + b.scale - a.scale) / b.u */
  mpz_t n, d, p, q;
  mpz_inits(n, d, p, q, NULL);
  mpz_from(n, a.u);
  mpz_from(d, b.u);
  int32_t k = scale + b.scale - a.scale;
  if (k >= 0) {
    mpz_pow10(p, (unsigned long)k);
    mpz_mul(n, n, p);
  } else {
    mpz_pow10(p, (unsigned long)-k);
    mpz_mul(d, d, p);
  }
  div_round(q, n, d, mode);
  cv__i128 v = 0;
  bool ok = mpz_to(q, &v);
  mpz_clears(n, d, p, q, NULL);
  if (!ok) return zero_flag(overflow);
  return cv__dec_make(v, scale);
}

int cv__dec_cmp(struct cv__dec a, struct cv__dec b) {
  bool ovf = false;
  struct cv__dec d = cv__dec_sub(a, b, &ovf);
  if (ovf) { /* only with absurd scales: compare through GMP */
    mpz_t x, y, p;
    mpz_inits(x, y, p, NULL);
    mpz_from(x, a.u);
    mpz_from(y, b.u);
    if (a.scale < b.scale) {
      mpz_pow10(p, (unsigned long)(b.scale - a.scale));
      mpz_mul(x, x, p);
    } else {
      mpz_pow10(p, (unsigned long)(a.scale - b.scale));
      mpz_mul(y, y, p);
    }
    int c = mpz_cmp(x, y);
    mpz_clears(x, y, p, NULL);
    return c < 0 ? -1 : c > 0;
  }
  return cv__dec_sign(d);
}

bool cv__dec_same(struct cv__dec a, struct cv__dec b) { return a.u == b.u && a.scale == b.scale; }

int cv__dec_sign(struct cv__dec a) { return a.u < 0 ? -1 : a.u > 0; }

int64_t cv__dec_trunc(struct cv__dec a) {
  cv__i128 v = a.u;
  if (a.scale > 38) return 0;
  v /= pow10_i(a.scale);
  if (v > INT64_MAX) return INT64_MAX;
  if (v < INT64_MIN) return INT64_MIN;
  return (int64_t)v;
}

struct cv__dec cv__dec_frac(struct cv__dec a) {
  if (a.scale > 38) return a;
  return cv__dec_make(a.u % pow10_i(a.scale), a.scale);
}

/* Decimal digits of |v| into buf (no sign), returns the count. */
static size_t digits_of(cv__i128 v, char *buf) {
  cv__u128 m = v < 0 ? (cv__u128)(-(v + 1)) + 1u : (cv__u128)v;
  char tmp[48];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + (int)(m % 10u));
    m /= 10u;
  } while (m != 0);
  for (size_t i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
  buf[n] = '\0';
  return n;
}

char *cv__dec_str(struct cv__dec a, char *out) {
  char dig[48];
  size_t n = digits_of(a.u, dig);
  char *p = out;
  if (a.u < 0) *p++ = '-';
  if (a.scale == 0) {
    memcpy(p, dig, n + 1);
    return out;
  }
  long adjusted = -(long)a.scale + (long)(n - 1);
  if (a.scale > 0 && adjusted >= -6) {
    size_t s = (size_t)a.scale;
    if (n > s) {
      memcpy(p, dig, n - s);
      p += n - s;
      *p++ = '.';
      memcpy(p, dig + n - s, s);
      p += s;
    } else {
      *p++ = '0';
      *p++ = '.';
      for (size_t i = 0; i < s - n; i++) *p++ = '0';
      memcpy(p, dig, n);
      p += n;
    }
    *p = '\0';
    return out;
  }
  /* scientific notation, as BigDecimal prints very small values */
  *p++ = dig[0];
  if (n > 1) {
    *p++ = '.';
    memcpy(p, dig + 1, n - 1);
    p += n - 1;
  }
  snprintf(p, 24, "E%s%ld", adjusted > 0 ? "+" : "", adjusted);
  return out;
}

bool cv__dec_parse(const char *s, struct cv__dec *out) {
  bool neg = false, any = false, point = false;
  cv__i128 v = 0;
  int32_t scale = 0;
  if (*s == '-' || *s == '+') neg = *s++ == '-';
  for (; *s; s++) {
    if (*s == '.') {
      if (point) return false;
      point = true;
      continue;
    }
    if (*s < '0' || *s > '9') return false;
    if (v > LIMIT / 10) return false;
    v = v * 10 + (*s - '0');
    any = true;
    if (point && ++scale > CV__DEC_MAX_SCALE) return false;
  }
  if (!any) return false;
  *out = cv__dec_make(neg ? -v : v, scale);
  return true;
}

char *cv__dec_percent(struct cv__dec part, struct cv__dec whole, char *out) {
  long n = 0;
  if (part.u != 0 && whole.u != 0) {
    mpz_t num, den, p, q, lim;
    mpz_inits(num, den, p, q, lim, NULL);
    mpz_from(num, part.u);
    mpz_from(den, whole.u);
    int sign = mpz_sgn(num) * mpz_sgn(den);
    mpz_abs(num, num);
    mpz_abs(den, den);
    /* quotient = num/den * 10^(whole.scale - part.scale) */
    long e10 = (long)whole.scale - (long)part.scale;
    /* Choose k so that num*10^k/den has exactly 7 integer digits. */
    long k = 6 - ((long)mpz_sizeinbase(num, 10) - (long)mpz_sizeinbase(den, 10));
    for (int tries = 0; tries < 4; tries++) {
      mpz_set(q, num);
      mpz_set(p, den);
      if (k >= 0) {
        mpz_ui_pow_ui(lim, 10, (unsigned long)k);
        mpz_mul(q, q, lim);
      } else {
        mpz_ui_pow_ui(lim, 10, (unsigned long)-k);
        mpz_mul(p, p, lim);
      }
      mpz_tdiv_q(q, q, p);
      size_t d = mpz_cmp_ui(q, 0) == 0 ? 0 : mpz_sizeinbase(q, 10);
      /* sizeinbase may overstate by one: check against 10^6 and 10^7 */
      if (mpz_cmp_ui(q, 1000000) < 0) k++;
      else if (mpz_cmp_ui(q, 10000000) >= 0) k--;
      else break;
      (void)d;
    }
    /* round num*10^k/den to an integer, half-even: 7 significant digits */
    mpz_set(q, num);
    mpz_set(p, den);
    if (k >= 0) {
      mpz_ui_pow_ui(lim, 10, (unsigned long)k);
      mpz_mul(q, q, lim);
    } else {
      mpz_ui_pow_ui(lim, 10, (unsigned long)-k);
      mpz_mul(p, p, lim);
    }
    mpz_set(lim, q);
    div_round(q, lim, p, CV__ROUND_HALF_EVEN);
    /* value = q * 10^(e10 - k); times 10^4, truncated toward zero */
    long shift = e10 - k + 4;
    if (shift >= 0) {
      mpz_ui_pow_ui(lim, 10, (unsigned long)shift);
      mpz_mul(q, q, lim);
    } else {
      mpz_ui_pow_ui(lim, 10, (unsigned long)-shift);
      mpz_tdiv_q(q, q, lim);
    }
    n = mpz_fits_slong_p(q) ? mpz_get_si(q) : 0;
    if (sign < 0) n = -n;
    mpz_clears(num, den, p, q, lim, NULL);
  }
  /* Java prints n/100.0 as its shortest round-trip decimal: for these
   * values that is the integer part, a point and one or two digits. */
  long an = n < 0 ? -n : n;
  long ip = an / 100, fp = an % 100;
  const char *sg = n < 0 ? "-" : "";
  if (fp == 0) snprintf(out, 32, "%s%ld.0%%", sg, ip);
  else if (fp % 10 == 0) snprintf(out, 32, "%s%ld.%ld%%", sg, ip, fp / 10);
  else snprintf(out, 32, "%s%ld.%02ld%%", sg, ip, fp);
  return out;
}
