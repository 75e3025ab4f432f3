/* audit/sampler.c: the public sampler entry point, the sample object and its
 * renderings, and the number helpers the samplers share. */
#include "audit/sampler.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"

/* Checks what every method needs; the methods check their own fields. */
static cv_status check_options(const struct cv_sample_options *opt, struct cv_error *err) {
  if (!opt) return cv__failf(err, CV_EINVAL, "no sample options given");
  if (opt->method != CV_SAMPLE_CONSISTENT && opt->method != CV_SAMPLE_RIVEST2011 &&
      opt->method != CV_SAMPLE_CRYPTORANDOM)
    return cv__failf(err, CV_EINVAL, "unknown sampling method %d", (int)opt->method);
  if (!opt->seed) return cv__failf(err, CV_EINVAL, "no seed given");
  if (opt->seed_len > CV_SAMPLE_MAX_SEED)
    return cv__failf(err, CV_ELIMIT, "the seed has %zu bytes; at most %d are allowed", opt->seed_len,
                     CV_SAMPLE_MAX_SEED);
  if (memchr(opt->seed, 0, opt->seed_len) || !cv__sampler_utf8_ok(opt->seed, opt->seed_len))
    return cv__failf(err, CV_EINVAL, "the seed is not valid UTF-8 text");
  if (opt->take > CV_SAMPLE_MAX_DRAWS || opt->drop > CV_SAMPLE_MAX_DRAWS - opt->take)
    return cv__failf(err, CV_ELIMIT, "drop + take is more than %u draws", CV_SAMPLE_MAX_DRAWS);
  if (opt->digits > CV_SAMPLE_MAX_DIGITS)
    return cv__failf(err, CV_ELIMIT, "at most %u ticket digits are allowed", CV_SAMPLE_MAX_DIGITS);
  return CV_OK;
}

/* Draws a sample (see canvass/audit.h). *out is written only on success. */
cv_status cv_sample_draw(const struct cv_sample_options *opt, const cv_ids *ids, cv_sample **out,
                         struct cv_error *err) {
  cv_status rc = check_options(opt, err);
  if (rc != CV_OK) return rc;
  if (opt->method == CV_SAMPLE_CONSISTENT && !ids)
    return cv__failf(err, CV_EINVAL, "the consistent sampler needs a list of ids");
  struct cv_sample *s = cv__calloc(1, sizeof *s);
  if (!s) return cv__failf(err, CV_ENOMEM, "out of memory");
  s->method = opt->method;
  s->prng_output = opt->prng_output;
  cv__arena_init(&s->arena, 0);
  s->cap = (size_t)opt->take;
  if (s->cap) {
    s->draws = cv__calloc(s->cap, sizeof *s->draws);
    if (!s->draws) {
      size_t want = s->cap;
      cv_sample_free(s);
      return cv__failf(err, CV_ENOMEM, "out of memory for %zu draws", want);
    }
  }
  switch (opt->method) {
  case CV_SAMPLE_CONSISTENT: rc = cv__sample_consistent(opt, ids, s, err); break;
  case CV_SAMPLE_RIVEST2011: rc = cv__sample_rivest2011(opt, s, err); break;
  default: rc = cv__sample_cryptorandom(opt, s, err); break;
  }
  if (rc != CV_OK) {
    cv_sample_free(s);
    return rc;
  }
  *out = s;
  return CV_OK;
}

/* See audit/sampler.h. */
struct cv_draw *cv__sample_push(struct cv_sample *s) {
  if (s->n >= s->cap) return NULL;
  struct cv_draw *d = &s->draws[s->n++];
  memset(d, 0, sizeof *d);
  return d;
}

/* The number of draws; 0 for NULL. */
size_t cv_sample_count(const cv_sample *s) { return s ? s->n : 0; }

/* The i-th draw, or NULL. */
const struct cv_draw *cv_sample_get(const cv_sample *s, size_t i) {
  return s && i < s->n ? &s->draws[i] : NULL;
}

/* Frees a sample and every string its draws point to. Accepts NULL. */
void cv_sample_free(cv_sample *s) {
  if (!s) return;
  cv__arena_fini(&s->arena);
  cv__free(s->draws);
  cv__free(s);
}

/* A public seed is dice rolled in public: 20 or more decimal digits. */
bool cv_sample_seed_ok(const char *seed, size_t len) {
  if (!seed || len < 20) return false;
  for (size_t i = 0; i < len; i++)
    if (seed[i] < '0' || seed[i] > '9') return false;
  return true;
}

/* The shortest decimal that reads back as v, written as Python's repr()
 * writes a float (so "0.0", "1e-05"), which is how cryptorandom's outputs
 * are published. */
static void format_double(double v, char out[40]) {
  for (int p = 1; p <= 17; p++) {
    snprintf(out, 40, "%.*g", p, v);
    if (strtod(out, NULL) == v) break;
  }
  if (!strpbrk(out, ".eEn")) strcat(out, ".0");
}

/* JSON: one draw per line, so long samples stay readable. */
static cv_status render_json(const struct cv_sample *s, struct cv__buf *b) {
  struct cv__jw w;
  char num[40];
  cv__buf_addc(b, '[');
  for (size_t i = 0; i < s->n; i++) {
    const struct cv_draw *d = &s->draws[i];
    cv__buf_adds(b, i ? ",\n " : "\n ");
    if (s->method == CV_SAMPLE_CONSISTENT) {
      cv__jw_init(&w, b, 0);
      cv__jw_arr(&w);
      cv__jw_str(&w, d->ticket);
      cv__jw_strn(&w, d->id, d->id_len);
      cv__jw_uint(&w, d->generation);
      cv__jw_arr_end(&w);
      if (cv__jw_finish(&w) != CV_OK) return w.status;
    } else if (s->method == CV_SAMPLE_RIVEST2011 || s->prng_output == CV_PRNG_INDEX) {
      cv__buf_addi(b, d->pick);
    } else if (s->prng_output == CV_PRNG_FLOAT) {
      format_double(d->value, num);
      cv__buf_adds(b, num);
    } else {
      cv__json_escape(b, d->text, strlen(d->text));
    }
  }
  cv__buf_adds(b, s->n ? "\n]\n" : "]\n");
  return b->status;
}

/* Text: one numbered line per draw. */
static cv_status render_text(const struct cv_sample *s, struct cv__buf *b) {
  char num[40];
  for (size_t i = 0; i < s->n; i++) {
    const struct cv_draw *d = &s->draws[i];
    cv__buf_printf(b, "%6zu. ", i + 1);
    if (s->method == CV_SAMPLE_CONSISTENT) {
      /* ticket, generation, then the id last: it may hold any character. */
      cv__buf_printf(b, "%s  %3llu  ", d->ticket, (unsigned long long)d->generation);
      cv__buf_add(b, d->id, d->id_len);
    } else if (s->method == CV_SAMPLE_RIVEST2011) {
      cv__buf_printf(b, "%lld  (i = %llu)", (long long)d->pick, (unsigned long long)d->counter);
    } else if (s->prng_output == CV_PRNG_INDEX) {
      cv__buf_printf(b, "%lld", (long long)d->pick);
    } else if (s->prng_output == CV_PRNG_FLOAT) {
      format_double(d->value, num);
      cv__buf_printf(b, "%s  (k = %llu)", num, (unsigned long long)d->counter);
    } else {
      cv__buf_printf(b, "%s  (k = %llu)", d->text, (unsigned long long)d->counter);
    }
    cv__buf_addc(b, '\n');
  }
  return b->status;
}

/* Renders a sample as text or JSON; *out is owned by the caller. */
cv_status cv_sample_render(const cv_sample *s, enum cv_format format, char **out, size_t *len,
                           struct cv_error *err) {
  if (!s) return cv__failf(err, CV_EINVAL, "no sample to render");
  if (format != CV_FORMAT_TEXT && format != CV_FORMAT_JSON)
    return cv__failf(err, CV_EINVAL, "a sample is rendered as text or JSON only");
  struct cv__buf b;
  cv__buf_init(&b, 0);
  cv_status rc = format == CV_FORMAT_JSON ? render_json(s, &b) : render_text(s, &b);
  if (rc == CV_OK) rc = b.status;
  if (rc == CV_OK && !b.data) rc = cv__buf_add(&b, "", 0);
  if (rc != CV_OK) {
    cv__buf_fini(&b);
    return cv__failf(err, rc, "cannot render the sample (%s)", cv_status_name(rc));
  }
  *out = cv__buf_take(&b, len);
  return CV_OK;
}

/* ---- numbers ---------------------------------------------------------- */

size_t cv__sampler_digits_reversed(const uint8_t h[32], char out[81]) {
  uint32_t x[8];
  cv__u256_load(h, x);
  size_t sig = 0; /* digits up to the most significant non-zero one */
  /* 2^256 < 10^81: nine groups of nine digits hold every value. */
  for (int g = 0; g < 9; g++) {
    uint32_t r = cv__u256_divmod_1e9(x);
    for (int k = 0; k < 9; k++) {
      size_t pos = (size_t)g * 9 + (size_t)k;
      out[pos] = (char)('0' + r % 10);
      if (r % 10) sig = pos + 1;
      r /= 10;
    }
  }
  return sig < 64 ? 64 : sig;
}

/* See audit/sampler.h. */
size_t cv__sampler_decimal(const uint8_t h[32], char out[80]) {
  char rev[81];
  cv__sampler_digits_reversed(h, rev);
  size_t sig = 81;
  while (sig > 1 && rev[sig - 1] == '0') sig--;
  for (size_t i = 0; i < sig; i++) out[i] = rev[sig - 1 - i];
  out[sig] = '\0';
  return sig;
}

/* See audit/sampler.h. */
bool cv__sampler_utf8_ok(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t need;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) need = 1, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) need = 2, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) need = 3, cp = c & 0x07;
    else return false;
    if (n - i <= need) return false;
    for (size_t k = 1; k <= need; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (s[i + k] & 0x3F);
    }
    if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += need + 1;
  }
  return true;
}
