/* tabulate/stv_arith.c: fixed, guarded and rational arithmetic (see the
 * header). Rounding follows droop's value classes exactly (floor division
 * for "down", ceiling for "up"), because the conformance tests compare
 * tallies digit for digit. */
#include "tabulate/stv_arith.h"

#include <string.h>

/* r = 10^e */
static void pow10(mpz_t r, unsigned e) { mpz_ui_pow_ui(r, 10, e); }

/* Marks the arithmetic failed when a value grows past the size cap. */
static void check(struct cv__arith *a, mpq_t r) {
  if (mpz_sizeinbase(mpq_numref(r), 2) > CV__ARITH_MAX_BITS ||
      mpz_sizeinbase(mpq_denref(r), 2) > CV__ARITH_MAX_BITS) {
    if (a->status == CV_OK) a->status = CV_ELIMIT;
    mpq_set_ui(r, 0, 1);
  }
}

/* z = n, without assuming unsigned long holds 64 bits. */
static void set_z_u64(mpz_t z, uint64_t n) {
  mpz_set_ui(z, (unsigned long)(n >> 32));
  mpz_mul_2exp(z, z, 32);
  mpz_add_ui(z, z, (unsigned long)(n & 0xFFFFFFFFu));
}

/* (see stv_arith.h) */
void cv__arith_init(struct cv__arith *a, enum cv__arith_kind kind, unsigned precision,
                    unsigned guard, unsigned display) {
  memset(a, 0, sizeof *a);
  a->kind = kind;
  a->precision = kind == CV__ARITH_RATIONAL ? 0 : precision;
  a->guard = kind == CV__ARITH_GUARDED ? guard : 0;
  a->display = display;
  if (kind == CV__ARITH_FIXED && a->display > a->precision) a->display = a->precision;
  if (kind == CV__ARITH_GUARDED && a->display > a->precision + a->guard)
    a->display = a->precision + a->guard;
  a->exact = kind == CV__ARITH_RATIONAL || (kind == CV__ARITH_GUARDED && a->guard > 0);
  mpz_inits(a->scale, a->geps, a->t1, a->t2, NULL);
  mpq_init(a->q1);
  pow10(a->scale, a->precision + a->guard);
  pow10(a->geps, a->guard);
  mpz_fdiv_q_ui(a->geps, a->geps, 2);
  if (mpz_sgn(a->geps) == 0) mpz_set_ui(a->geps, 1);
  a->status = CV_OK;
}

/* Frees the arithmetic's scratch values. */
void cv__arith_fini(struct cv__arith *a) {
  mpz_clears(a->scale, a->geps, a->t1, a->t2, NULL);
  mpq_clear(a->q1);
}

/* (see stv_arith.h) */
void cv__arith_set_u64(struct cv__arith *a, mpq_t r, uint64_t n) {
  mpq_set_ui(r, 0, 1);
  set_z_u64(mpq_numref(r), n);
  if (a->kind != CV__ARITH_RATIONAL) mpz_mul(mpq_numref(r), mpq_numref(r), a->scale);
}

/* r = x + y, exact in every kind. */
void cv__arith_add(struct cv__arith *a, mpq_t r, const mpq_t x, const mpq_t y) {
  if (a->kind == CV__ARITH_RATIONAL) {
    mpq_add(r, x, y);
    check(a, r);
  } else {
    mpz_add(mpq_numref(r), mpq_numref(x), mpq_numref(y));
  }
}

/* r = x - y, exact in every kind. */
void cv__arith_sub(struct cv__arith *a, mpq_t r, const mpq_t x, const mpq_t y) {
  if (a->kind == CV__ARITH_RATIONAL) {
    mpq_sub(r, x, y);
    check(a, r);
  } else {
    mpz_sub(mpq_numref(r), mpq_numref(x), mpq_numref(y));
  }
}

/* (see stv_arith.h) */
void cv__arith_mul_u64(struct cv__arith *a, mpq_t r, const mpq_t x, uint64_t n) {
  set_z_u64(a->t2, n);
  if (a->kind == CV__ARITH_RATIONAL) {
    mpq_set_z(a->q1, a->t2);
    mpq_mul(r, x, a->q1);
    check(a, r);
  } else {
    mpz_mul(mpq_numref(r), mpq_numref(x), a->t2);
  }
}

/* t1 / d into r's numerator, rounded per rd (guard digits force down). */
static void round_div(struct cv__arith *a, mpq_t r, const mpz_t d, enum cv__round rd) {
  if (mpz_sgn(d) == 0) {
    if (a->status == CV_OK) a->status = CV_EINTERNAL;
    mpq_set_ui(r, 0, 1);
    return;
  }
  bool up = rd == CV__ROUND_UP && !(a->kind == CV__ARITH_GUARDED && a->guard > 0);
  if (up)
    mpz_cdiv_q(mpq_numref(r), a->t1, d);
  else
    mpz_fdiv_q(mpq_numref(r), a->t1, d);
  mpz_set_ui(mpq_denref(r), 1);
}

/* (see stv_arith.h) */
void cv__arith_mul(struct cv__arith *a, mpq_t r, const mpq_t x, const mpq_t y, enum cv__round rd) {
  if (a->kind == CV__ARITH_RATIONAL) {
    mpq_mul(r, x, y);
    check(a, r);
    return;
  }
  mpz_mul(a->t1, mpq_numref(x), mpq_numref(y));
  round_div(a, r, a->scale, rd);
}

/* (see stv_arith.h) */
void cv__arith_div(struct cv__arith *a, mpq_t r, const mpq_t x, const mpq_t y, enum cv__round rd) {
  if (a->kind == CV__ARITH_RATIONAL) {
    if (mpq_sgn(y) == 0) {
      if (a->status == CV_OK) a->status = CV_EINTERNAL;
      mpq_set_ui(r, 0, 1);
      return;
    }
    mpq_div(r, x, y);
    check(a, r);
    return;
  }
  mpz_mul(a->t1, mpq_numref(x), a->scale);
  mpz_set(a->t2, mpq_numref(y)); /* y may alias r */
  round_div(a, r, a->t2, rd);
}

/* (see stv_arith.h) One rounding, after the division. */
void cv__arith_muldiv(struct cv__arith *a, mpq_t r, const mpq_t x, const mpq_t y, const mpq_t z,
                      enum cv__round rd) {
  if (a->kind == CV__ARITH_RATIONAL) {
    if (mpq_sgn(z) == 0) {
      if (a->status == CV_OK) a->status = CV_EINTERNAL;
      mpq_set_ui(r, 0, 1);
      return;
    }
    mpq_mul(a->q1, x, y);
    mpq_div(r, a->q1, z);
    check(a, r);
    return;
  }
  mpz_mul(a->t1, mpq_numref(x), mpq_numref(y));
  mpz_set(a->t2, mpq_numref(z));
  round_div(a, r, a->t2, rd);
}

/* (see stv_arith.h) */
void cv__arith_add_epsilon(struct cv__arith *a, mpq_t r, const mpq_t x) {
  if (a->kind == CV__ARITH_RATIONAL || a->exact) {
    mpq_set(r, x);
    return;
  }
  mpz_add_ui(mpq_numref(r), mpq_numref(x), 1);
}

/* (see stv_arith.h) */
int cv__arith_cmp_exact(const struct cv__arith *a, const mpq_t x, const mpq_t y) {
  int c = a->kind == CV__ARITH_RATIONAL ? mpq_cmp(x, y) : mpz_cmp(mpq_numref(x), mpq_numref(y));
  return c < 0 ? -1 : c > 0;
}

/* (see stv_arith.h) */
int cv__arith_cmp(const struct cv__arith *a, const mpq_t x, const mpq_t y) {
  if (a->kind == CV__ARITH_GUARDED) {
    /* t1 is scratch, but cmp takes a const a: use a local. */
    mpz_t d;
    mpz_init(d);
    mpz_sub(d, mpq_numref(x), mpq_numref(y));
    mpz_abs(d, d);
    int near = mpz_cmp(d, a->geps) < 0;
    mpz_clear(d);
    if (near) return 0;
  }
  return cv__arith_cmp_exact(a, x, y);
}

/* Exactly zero (no guard tolerance). */
bool cv__arith_is_zero(const mpq_t x) { return mpq_sgn(x) == 0; }

/* Appends z in decimal, left-padded with zeros to width digits. */
static void put_int(struct cv__buf *out, const mpz_t z, unsigned width) {
  void (*freefunc)(void *, size_t);
  mp_get_memory_functions(NULL, NULL, &freefunc);
  char *s = mpz_get_str(NULL, 10, z);
  if (!s) return;
  size_t n = strlen(s);
  for (size_t i = n; i < width; i++) cv__buf_addc(out, '0');
  cv__buf_adds(out, s);
  freefunc(s, n + 1);
}

/* Appends v / 10^width as "whole.frac" with floor semantics (droop's
 * "%d.%0Nd" % (v // 10^N, v % 10^N)). */
static void put_decimal(struct cv__buf *out, const mpz_t v, unsigned width) {
  mpz_t ip, fp, sc;
  mpz_inits(ip, fp, sc, NULL);
  pow10(sc, width);
  mpz_fdiv_qr(ip, fp, v, sc);
  put_int(out, ip, 0);
  cv__buf_addc(out, '.');
  put_int(out, fp, width ? width : 1);
  mpz_clears(ip, fp, sc, NULL);
}

/* (see stv_arith.h) */
void cv__arith_format(struct cv__arith *a, struct cv__buf *out, const mpq_t x) {
  mpz_t v, d;
  mpz_inits(v, d, NULL);
  if (a->kind == CV__ARITH_RATIONAL) {
    pow10(d, a->display);
    if (mpz_sgn(mpq_numref(x)) == 0 || mpz_cmp_ui(mpq_denref(x), 1) == 0) {
      mpz_mul(v, mpq_numref(x), d);
    } else {
      /* floor((x + 1/(2*10^d)) * 10^d) = floor((2*num*10^d + den) / (2*den)) */
      mpz_mul(v, mpq_numref(x), d);
      mpz_mul_ui(v, v, 2);
      mpz_add(v, v, mpq_denref(x));
      mpz_mul_ui(d, mpq_denref(x), 2);
      mpz_fdiv_q(v, v, d);
    }
    put_decimal(out, v, a->display);
  } else if (a->kind == CV__ARITH_FIXED && a->precision == 0) {
    put_int(out, mpq_numref(x), 0); /* integer arithmetic has no point */
  } else {
    /* Round half up to the display digits. */
    pow10(d, a->precision + a->guard - a->display);
    mpz_fdiv_q_ui(v, d, 2);
    mpz_add(v, v, mpq_numref(x));
    mpz_fdiv_q(v, v, d);
    if (a->display <= a->precision) {
      put_decimal(out, v, a->display);
    } else {
      /* precision digits, '_', then the displayed guard digits */
      unsigned extra = a->display - a->precision;
      mpz_t ip, fp, hi, lo;
      mpz_inits(ip, fp, hi, lo, NULL);
      pow10(d, a->display);
      mpz_fdiv_qr(ip, fp, v, d);
      pow10(d, extra);
      mpz_fdiv_qr(hi, lo, fp, d);
      put_int(out, ip, 0);
      cv__buf_addc(out, '.');
      put_int(out, hi, a->precision);
      cv__buf_addc(out, '_');
      put_int(out, lo, extra);
      mpz_clears(ip, fp, hi, lo, NULL);
    }
  }
  mpz_clears(v, d, NULL);
}
