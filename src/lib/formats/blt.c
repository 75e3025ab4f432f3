/* formats/blt.c: the BLT reader (see blt.h for the accepted format).
 *
 * Two phases: a token reader for the numeric part (header, options, ballot
 * lines), then a line reader for the candidate names and the title, because
 * real files write names both quoted ("Ann SMITH") and bare (Ann SMITH
 * (Lab)), with CSV-style doubled quotes inside quoted names. */
#include "formats/blt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

#define DEFAULT_MAX_CANDIDATES 1000u
#define DEFAULT_MAX_RANKINGS 5000000u
#define DEFAULT_MAX_NAME 1000u
#define DEFAULT_MAX_OPTIONS 64u
#define MAX_WEIGHT_TOTAL (UINT64_C(1) << 62)

struct tok {
  const char *s;
  size_t n;
  uint32_t line, col;
};

struct rd {
  const char *p, *end;
  const char *line_start;
  uint32_t line;
  const char *file;
  struct cv_error *err;
  struct cv__blt *b;
  struct cv__blt_limits lim;
  char **nicks;   /* per candidate, or NULL */
  uint32_t *seen; /* per candidate: ballot serial when last ranked */
  uint32_t *seen_col;
  uint32_t serial;
  uint32_t *prefs; /* scratch for one ballot */
};

/* 1-based byte column of at on the current line. */
static uint32_t col_of(const struct rd *r, const char *at) {
  size_t c = (size_t)(at - r->line_start) + 1;
  return c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

/* Records a positioned error (first error wins) and returns code. */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static cv_status
fail_at(struct rd *r, cv_status code, uint32_t line, uint32_t col, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return cv__fail(r->err, code, r->file, line, col, NULL, "%s", msg);
}

/* Tokens are quoted in messages up to 40 bytes. */
#define TOKW(t) ((t)->n > 40 ? 40 : (int)(t)->n), (t)->s

/* Skips blanks and comments. Returns false at the end of the data, and
 * CV_EINVAL (via *s) for an unterminated block comment. */
static bool skip_space(struct rd *r, cv_status *s) {
  while (r->p < r->end) {
    char c = *r->p;
    if (c == '\n') {
      r->p++;
      r->line++;
      r->line_start = r->p;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      r->p++;
    } else if (c == '#') {
      while (r->p < r->end && *r->p != '\n') r->p++;
    } else if (c == '/' && r->p + 1 < r->end && r->p[1] == '*') {
      uint32_t l = r->line, col = col_of(r, r->p);
      r->p += 2;
      for (;;) {
        if (r->p >= r->end) {
          *s = fail_at(r, CV_EINVAL, l, col,
                       "comment is never closed: expected */ before the end of the file");
          return false;
        }
        if (*r->p == '*' && r->p + 1 < r->end && r->p[1] == '/') {
          r->p += 2;
          break;
        }
        if (*r->p == '\n') {
          r->line++;
          r->line_start = r->p + 1;
        }
        r->p++;
      }
    } else {
      return true;
    }
  }
  return false;
}

/* Reads the next whitespace-separated token. CV_OK with t->s NULL at the end. */
static cv_status next_tok(struct rd *r, struct tok *t) {
  cv_status s = CV_OK;
  t->s = NULL;
  t->n = 0;
  if (!skip_space(r, &s)) return s;
  t->s = r->p;
  t->line = r->line;
  t->col = col_of(r, r->p);
  while (r->p < r->end) {
    char c = *r->p;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') break;
    if (c == '#') break;
    if (c == '\0')
      return fail_at(r, CV_EINVAL, r->line, col_of(r, r->p),
                     "a NUL byte is not allowed in a BLT file");
    r->p++;
  }
  t->n = (size_t)(r->p - t->s);
  return CV_OK;
}

/* True when s[0..n) is one or more ASCII digits. */
static bool all_digits(const char *s, size_t n) {
  if (!n) return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

/* Decimal digits to uint64; false on overflow. */
static bool to_u64(const char *s, size_t n, uint64_t *out) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t d = (uint64_t)(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

/* Like next_tok, but the end of the data is an error naming what was expected. */
static cv_status expect_tok(struct rd *r, struct tok *t, const char *what) {
  cv_status s = next_tok(r, t);
  if (s != CV_OK) return s;
  if (!t->s)
    return fail_at(r, CV_EINVAL, r->line, col_of(r, r->p), "unexpected end of file: expected %s",
                   what);
  return CV_OK;
}

/* A candidate named by number (1..n) or nickname, as a 0-based index. */
static cv_status cand_of(struct rd *r, const char *s, size_t n, uint32_t line, uint32_t col,
                         uint32_t *out) {
  uint32_t nc = r->b->n_candidates;
  if (all_digits(s, n)) {
    uint64_t v;
    if (to_u64(s, n, &v) && v >= 1 && v <= nc) {
      *out = (uint32_t)v - 1;
      return CV_OK;
    }
    char want[80];
    snprintf(want, sizeof want, "; expected a candidate number from 1 to %u", nc);
    return fail_at(r, CV_EINVAL, line, col, "unknown candidate number %.*s%s",
                   (int)(n > 40 ? 40 : n), s, want);
  }
  if (r->nicks)
    for (uint32_t i = 0; i < nc; i++)
      if (strlen(r->nicks[i]) == n && memcmp(r->nicks[i], s, n) == 0) {
        *out = i;
        return CV_OK;
      }
  char want[80];
  snprintf(want, sizeof want, "; expected a candidate number from 1 to %u%s", nc,
           r->nicks ? " or a nickname" : "");
  return fail_at(r, CV_EINVAL, line, col, "unknown candidate \"%.*s\"%s", (int)(n > 40 ? 40 : n), s,
                 want);
}

/* Reads the values of a bracketed option up to the closing "]". vals gets
 * arena copies; *nv their count. */
static cv_status option_values(struct rd *r, const struct tok *open, struct tok **vals, size_t *nv,
                               size_t *cap) {
  *nv = 0;
  if (open->n > 1 && open->s[open->n - 1] == ']') return CV_OK;
  for (;;) {
    struct tok t;
    cv_status s = next_tok(r, &t);
    if (s != CV_OK) return s;
    if (!t.s)
      return fail_at(r, CV_EINVAL, open->line, open->col, "option %.*s is never closed: expected ]",
                     TOKW(open));
    bool close = t.s[t.n - 1] == ']';
    if (close) t.n--;
    if (t.n) {
      if (*nv >= 100000) return fail_at(r, CV_ELIMIT, t.line, t.col, "option has too many values");
      if (cv__grow((void **)vals, cap, *nv + 1, sizeof **vals, 100000) != CV_OK)
        return cv__failf(r->err, CV_ENOMEM, "out of memory");
      (*vals)[(*nv)++] = t;
    }
    if (close) return CV_OK;
  }
}

/* A NUL-terminated copy of t in the result's arena (NULL: out of memory). */
static char *arena_tok(struct rd *r, const struct tok *t) {
  return cv__arena_strndup(&r->b->arena, t->s, t->n);
}

/* Reads one bracketed option whose first token is open, and applies it. */
static cv_status read_option(struct rd *r, const struct tok *open) {
  struct cv__blt *b = r->b;
  struct tok *vals = NULL;
  size_t nv = 0, cap = 0;
  cv_status s = option_values(r, open, &vals, &nv, &cap);
  if (s != CV_OK) goto out;
  const char *name = open->s + 1;
  size_t nn = open->n - 1;
  if (nn && name[nn - 1] == ']') nn--;
  uint32_t nc = b->n_candidates;
#define IS(lit) (nn == sizeof(lit) - 1 && memcmp(name, lit, nn) == 0)
  if (IS("nick")) {
    if (nv != nc) {
      s = fail_at(r, CV_EINVAL, open->line, open->col,
                  "[nick] lists %zu nicknames: expected one per candidate (%u)", nv, nc);
      goto out;
    }
    r->nicks = cv__arena_calloc(&b->arena, nc, sizeof *r->nicks);
    if (!r->nicks) goto oom;
    for (uint32_t i = 0; i < nc; i++) {
      for (uint32_t j = 0; j < i; j++)
        if (strlen(r->nicks[j]) == vals[i].n && memcmp(r->nicks[j], vals[i].s, vals[i].n) == 0) {
          s = fail_at(r, CV_EINVAL, vals[i].line, vals[i].col, "duplicate nickname %.*s",
                      TOKW(&vals[i]));
          goto out;
        }
      if (!(r->nicks[i] = arena_tok(r, &vals[i]))) goto oom;
    }
  } else if (IS("tie")) {
    bool *seen = cv__calloc(nc, sizeof *seen);
    if (!seen) goto oom;
    for (size_t i = 0; i < nv && s == CV_OK; i++) {
      uint32_t c;
      s = cand_of(r, vals[i].s, vals[i].n, vals[i].line, vals[i].col, &c);
      if (s == CV_OK && seen[c])
        s = fail_at(r, CV_EINVAL, vals[i].line, vals[i].col,
                    "candidate %.*s appears twice in [tie]", TOKW(&vals[i]));
      if (s == CV_OK) {
        seen[c] = true;
        b->tie_order[c] = (uint32_t)i + 1;
      }
    }
    cv__free(seen);
    if (s == CV_OK && nv != nc)
      s = fail_at(r, CV_EINVAL, open->line, open->col,
                  "[tie] must list each candidate exactly once");
  } else if (IS("withdrawn") || IS("undeclared")) {
    bool *flags = IS("withdrawn") ? b->withdrawn : b->undeclared;
    for (size_t i = 0; i < nv && s == CV_OK; i++) {
      uint32_t c;
      s = cand_of(r, vals[i].s, vals[i].n, vals[i].line, vals[i].col, &c);
      if (s == CV_OK && flags[c])
        s = fail_at(r, CV_EINVAL, vals[i].line, vals[i].col, "candidate %.*s is listed twice",
                    TOKW(&vals[i]));
      if (s == CV_OK) flags[c] = true;
    }
  } else if (IS("droop")) {
    for (size_t i = 0; i < nv; i++) {
      if (b->n_options >= r->lim.max_options) {
        s = cv__fail(r->err, CV_ELIMIT, r->file, vals[i].line, vals[i].col, NULL,
                     "more than %zu [droop] options", r->lim.max_options);
        goto out;
      }
      if (!(b->options[b->n_options] = arena_tok(r, &vals[i]))) goto oom;
      b->option_lines[b->n_options++] = vals[i].line;
    }
  } else {
    s = fail_at(r, CV_EINVAL, open->line, open->col,
                "unknown option %.*s; expected [withdrawn ...], [tie ...], [nick ...], [undeclared "
                "...] or [droop ...]",
                TOKW(open));
  }
#undef IS
out:
  cv__free(vals);
  return s;
oom:
  cv__free(vals);
  return cv__failf(r->err, CV_ENOMEM, "out of memory");
}

/* FNV-1a over the preference entries, for the ranking table. */
static uint64_t hash_prefs(const uint32_t *p, uint32_t n) {
  uint64_t h = 1469598103934665603u;
  for (uint32_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 1099511628211u;
  }
  return h ^ (h >> 29);
}

/* Adds weight ballots with ranking p[0..n) (withdrawn already removed). */
static cv_status add_ranking(struct rd *r, const uint32_t *p, uint32_t n, uint64_t weight,
                             uint32_t line, bool eq) {
  struct cv__blt *b = r->b;
  if (b->n_ballots + weight > MAX_WEIGHT_TOTAL || weight > MAX_WEIGHT_TOTAL)
    return cv__fail(r->err, CV_ELIMIT, r->file, line, 1, NULL, "more than 2^62 ballots in all");
  if (b->hash_cap == 0 || (b->n_rankings + 1) * 2 > b->hash_cap) {
    size_t ncap = b->hash_cap ? b->hash_cap * 2 : 1024;
    uint32_t *slots = cv__calloc(ncap, sizeof *slots);
    if (!slots) return cv__failf(r->err, CV_ENOMEM, "out of memory");
    for (size_t i = 0; i < b->n_rankings; i++) {
      size_t h = (size_t)hash_prefs(b->rankings[i].prefs, b->rankings[i].n) & (ncap - 1);
      while (slots[h]) h = (h + 1) & (ncap - 1);
      slots[h] = (uint32_t)i + 1;
    }
    cv__free(b->hash_slots);
    b->hash_slots = slots;
    b->hash_cap = ncap;
  }
  size_t h = (size_t)hash_prefs(p, n) & (b->hash_cap - 1);
  while (b->hash_slots[h]) {
    struct cv__blt_ranking *k = &b->rankings[b->hash_slots[h] - 1];
    if (k->n == n && memcmp(k->prefs, p, n * sizeof *p) == 0) {
      k->weight += weight;
      b->n_ballots += weight;
      return CV_OK;
    }
    h = (h + 1) & (b->hash_cap - 1);
  }
  if (b->n_rankings >= r->lim.max_rankings)
    return cv__fail(r->err, CV_ELIMIT, r->file, line, 1, NULL, "more than %zu distinct rankings",
                    r->lim.max_rankings);
  if (cv__grow((void **)&b->rankings, &b->rankings_cap, b->n_rankings + 1, sizeof *b->rankings,
               r->lim.max_rankings) != CV_OK)
    return cv__failf(r->err, CV_ENOMEM, "out of memory");
  uint32_t *copy = cv__arena_alloc(&b->arena, n * sizeof *copy);
  if (!copy)
    return cv__failf(r->err, b->arena.failure == CV_ELIMIT ? CV_ELIMIT : CV_ENOMEM,
                     "out of memory for rankings");
  memcpy(copy, p, n * sizeof *p);
  b->rankings[b->n_rankings] = (struct cv__blt_ranking){copy, n, line, weight, eq};
  b->hash_slots[h] = (uint32_t)b->n_rankings + 1;
  b->n_rankings++;
  b->n_ballots += weight;
  if (eq) b->any_equal = true;
  return CV_OK;
}

/* Reads the preferences after a weight up to the closing 0. */
static cv_status read_prefs(struct rd *r, uint64_t weight, uint32_t line) {
  struct cv__blt *b = r->b;
  uint32_t n = 0;
  bool eq = false;
  r->serial++;
  for (;;) {
    struct tok t;
    cv_status s = next_tok(r, &t);
    if (s != CV_OK) return s;
    if (!t.s) {
      char what[100];
      snprintf(what, sizeof what, "a candidate or 0 to end the ballot begun on line %u", line);
      return fail_at(r, CV_EINVAL, r->line, col_of(r, r->p), "unexpected end of file: expected %s",
                     what);
    }
    if (t.n == 1 && t.s[0] == '0') break;
    /* One rank: candidates joined by '=' share it. */
    const char *q = t.s, *e = t.s + t.n;
    uint32_t group_start = n;
    while (q <= e) {
      const char *sep = memchr(q, '=', (size_t)(e - q));
      if (!sep) sep = e;
      uint32_t col = t.col + (uint32_t)(q - t.s);
      if (sep == q)
        return fail_at(r, CV_EINVAL, t.line, col,
                       "expected a candidate on each side of = in \"%.*s\"", TOKW(&t));
      uint32_t c;
      s = cand_of(r, q, (size_t)(sep - q), t.line, col, &c);
      if (s != CV_OK) return s;
      if (r->seen[c] == r->serial) {
        char what[80];
        snprintf(what, sizeof what, " (first at column %u); each candidate may be ranked once",
                 r->seen_col[c]);
        return fail_at(r, CV_EINVAL, t.line, col, "candidate %.*s is ranked twice on this ballot%s",
                       (int)(sep - q > 40 ? 40 : sep - q), q, what);
      }
      r->seen[c] = r->serial;
      r->seen_col[c] = col;
      if (!b->withdrawn[c]) {
        r->prefs[n] = c | (n > group_start ? CV__BLT_EQUAL : 0u);
        if (n > group_start && !eq) {
          eq = true;
          if (!b->equal_line) b->equal_line = t.line, b->equal_column = col - 1;
        }
        n++;
      }
      q = sep + 1;
    }
  }
  if (n == 0) {
    if (b->n_empty + weight > MAX_WEIGHT_TOTAL)
      return cv__fail(r->err, CV_ELIMIT, r->file, line, 1, NULL, "more than 2^62 ballots in all");
    b->n_empty += weight;
    return CV_OK;
  }
  return add_ranking(r, r->prefs, n, weight, line, eq);
}

/* ---- names ---- */

/* Strict UTF-8 (no overlongs, surrogates or NUL). */
static bool valid_utf8(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t k;
    uint32_t cp;
    if (c < 0x80) {
      if (c == 0) return false;
      i++;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      k = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      k = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      k = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t j = 1; j <= k; j++) {
      if (i + j >= n || (s[i + j] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + j] & 0x3F);
    }
    if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) ||
        (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += k + 1;
  }
  return true;
}

/* Reads the next non-blank line as a name: quoted strings (with "" for a
 * quote; several on one line are joined by a space) or the bare trimmed
 * line. *out is NULL at the end of the data. */
static cv_status read_name_line(struct rd *r, char **out, uint32_t *line, uint32_t *col,
                                const char *what) {
  *out = NULL;
  for (;;) {
    if (r->p >= r->end) return CV_OK;
    const char *ls = r->p, *le = memchr(r->p, '\n', (size_t)(r->end - r->p));
    if (!le) le = r->end;
    r->line_start = ls;
    const char *a = ls, *z = le;
    while (a < z && (*a == ' ' || *a == '\t' || *a == '\r')) a++;
    while (z > a && (z[-1] == ' ' || z[-1] == '\t' || z[-1] == '\r')) z--;
    uint32_t this_line = r->line;
    r->p = le < r->end ? le + 1 : le;
    r->line++;
    if (a == z) continue;
    *line = this_line;
    *col = (uint32_t)(a - ls) + 1;
    char *buf = cv__arena_alloc(&r->b->arena, (size_t)(z - a) + 1);
    if (!buf) return cv__failf(r->err, CV_ENOMEM, "out of memory");
    size_t n = 0;
    if (*a != '"') {
      memcpy(buf, a, (size_t)(z - a));
      n = (size_t)(z - a);
    } else {
      const char *q = a;
      while (q < z) {
        if (*q != '"') {
          char w[120];
          snprintf(w, sizeof w, "end of line or another quoted string after the quoted %s", what);
          return fail_at(r, CV_EINVAL, this_line, (uint32_t)(q - ls) + 1, "expected %s", w);
        }
        const char *open = q++;
        if (n) buf[n++] = ' ';
        for (;;) {
          if (q >= z) {
            char w[120];
            snprintf(w, sizeof w, "a closing quote for the %s before the end of the line", what);
            return fail_at(r, CV_EINVAL, this_line, (uint32_t)(open - ls) + 1,
                           "unterminated quoted name: expected %s", w);
          }
          if (*q == '"') {
            if (q + 1 < z && q[1] == '"') {
              buf[n++] = '"';
              q += 2;
              continue;
            }
            q++;
            break;
          }
          buf[n++] = *q++;
        }
        while (q < z && (*q == ' ' || *q == '\t')) q++;
      }
      while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t')) n--;
      size_t lead = 0;
      while (lead < n && (buf[lead] == ' ' || buf[lead] == '\t')) lead++;
      memmove(buf, buf + lead, n - lead);
      n -= lead;
    }
    buf[n] = '\0';
    if (n > r->lim.max_name)
      return cv__fail(r->err, CV_ELIMIT, r->file, this_line, *col, NULL, "%s longer than %zu bytes",
                      what, r->lim.max_name);
    if (!valid_utf8((const unsigned char *)buf, n))
      return fail_at(r, CV_EINVAL, this_line, *col, "the %s is not valid UTF-8", what);
    *out = buf;
    return CV_OK;
  }
}

/* Reads the n candidate names and the title. */
static cv_status read_names(struct rd *r) {
  struct cv__blt *b = r->b;
  for (uint32_t i = 0; i < b->n_candidates; i++) {
    uint32_t line = 0, col = 0;
    char *name;
    cv_status s = read_name_line(r, &name, &line, &col, "candidate name");
    if (s != CV_OK) return s;
    if (!name) {
      char what[120];
      snprintf(what, sizeof what, "the name of candidate %u of %u", i + 1, b->n_candidates);
      return fail_at(r, CV_EINVAL, r->line, 1, "unexpected end of file: expected %s", what);
    }
    if (!*name) return fail_at(r, CV_EINVAL, line, col, "empty name for candidate %u", i + 1);
    b->names[i] = name;
  }
  uint32_t line = 0, col = 0;
  cv_status s = read_name_line(r, &b->title, &line, &col, "title");
  if (s != CV_OK) return s;
  if (!b->title)
    return fail_at(
        r, CV_EINVAL, r->line, 1,
        "unexpected end of file: expected the election title after the %u candidate names",
        b->n_candidates);
  return CV_OK;
}

/* The whole file: header, options, ballots, names. */
static cv_status parse(struct rd *r) {
  struct cv__blt *b = r->b;
  struct tok t;
  cv_status s = expect_tok(r, &t, "the number of candidates");
  if (s != CV_OK) return s;
  uint64_t v;
  if (!all_digits(t.s, t.n) || !to_u64(t.s, t.n, &v) || v == 0)
    return fail_at(r, CV_EINVAL, t.line, t.col,
                   "expected the number of candidates (a whole number >= 1), found \"%.*s\"",
                   TOKW(&t));
  if (v > r->lim.max_candidates)
    return cv__fail(r->err, CV_ELIMIT, r->file, t.line, t.col, NULL, "more than %u candidates",
                    r->lim.max_candidates);
  uint32_t nc = (uint32_t)v;
  b->n_candidates = nc;
  struct tok seats_tok;
  s = expect_tok(r, &seats_tok, "the number of seats");
  if (s != CV_OK) return s;
  if (!all_digits(seats_tok.s, seats_tok.n) || !to_u64(seats_tok.s, seats_tok.n, &v) || v == 0)
    return fail_at(r, CV_EINVAL, seats_tok.line, seats_tok.col,
                   "expected the number of seats (a whole number >= 1), found \"%.*s\"",
                   TOKW(&seats_tok));
  if (v > nc)
    return fail_at(r, CV_EINVAL, seats_tok.line, seats_tok.col,
                   "more seats (%.*s) than candidates (%u)", TOKW(&seats_tok), nc);
  b->n_seats = (uint32_t)v;
  struct cv__arena *a = &b->arena;
  b->names = cv__arena_calloc(a, nc, sizeof *b->names);
  b->withdrawn = cv__arena_calloc(a, nc, sizeof *b->withdrawn);
  b->undeclared = cv__arena_calloc(a, nc, sizeof *b->undeclared);
  b->tie_order = cv__arena_calloc(a, nc, sizeof *b->tie_order);
  b->options = cv__arena_calloc(a, r->lim.max_options, sizeof *b->options);
  b->option_lines = cv__arena_calloc(a, r->lim.max_options, sizeof *b->option_lines);
  r->seen = cv__arena_calloc(a, nc, sizeof *r->seen);
  r->seen_col = cv__arena_calloc(a, nc, sizeof *r->seen_col);
  r->prefs = cv__arena_calloc(a, nc, sizeof *r->prefs);
  if (!b->names || !b->withdrawn || !b->undeclared || !b->tie_order || !b->options ||
      !b->option_lines || !r->seen || !r->seen_col || !r->prefs)
    return cv__failf(r->err, CV_ENOMEM, "out of memory");
  for (uint32_t i = 0; i < nc; i++) b->tie_order[i] = i + 1;

  /* Options and withdrawn candidates, up to the first ballot. */
  for (;;) {
    s = expect_tok(r, &t, "a ballot line or the 0 that ends the ballots");
    if (s != CV_OK) return s;
    if (t.s[0] == '[') {
      if ((s = read_option(r, &t)) != CV_OK) return s;
    } else if (t.s[0] == '-' && all_digits(t.s + 1, t.n - 1)) {
      uint32_t c;
      if ((s = cand_of(r, t.s + 1, t.n - 1, t.line, t.col + 1, &c)) != CV_OK) return s;
      if (b->withdrawn[c])
        return fail_at(r, CV_EINVAL, t.line, t.col, "candidate %.*s is withdrawn twice", TOKW(&t));
      b->withdrawn[c] = true;
    } else if (t.s[0] == '(' || all_digits(t.s, t.n)) {
      break;
    } else {
      return fail_at(r, CV_EINVAL, t.line, t.col,
                     "expected a ballot weight, a withdrawn candidate (-N) or an option ([...]), "
                     "found \"%.*s\"",
                     TOKW(&t));
    }
  }
  uint32_t eligible = 0;
  for (uint32_t i = 0; i < nc; i++) eligible += b->withdrawn[i] ? 0u : 1u;
  if (b->n_seats > eligible)
    return fail_at(r, CV_EINVAL, seats_tok.line, seats_tok.col,
                   "more seats (%.*s) than candidates who are not withdrawn (%u)", TOKW(&seats_tok),
                   eligible);

  /* Ballot lines up to the terminating 0. */
  for (;;) {
    uint64_t weight;
    uint32_t line = t.line;
    if (t.s[0] == '(') {
      while (t.s[t.n - 1] != ')') {
        struct tok more;
        if ((s = next_tok(r, &more)) != CV_OK) return s;
        if (!more.s)
          return fail_at(r, CV_EINVAL, t.line, t.col, "ballot id %.*s is never closed: expected )",
                         TOKW(&t));
        t.n = (size_t)(more.s + more.n - t.s);
      }
      weight = 1;
    } else {
      if (!all_digits(t.s, t.n))
        return fail_at(r, CV_EINVAL, t.line, t.col,
                       "expected a ballot weight (a whole number) or the 0 that ends the ballots, "
                       "found \"%.*s\"",
                       TOKW(&t));
      if (!to_u64(t.s, t.n, &weight) || weight > MAX_WEIGHT_TOTAL)
        return cv__fail(r->err, CV_ELIMIT, r->file, t.line, t.col, NULL,
                        "ballot weight larger than 2^62");
      if (weight == 0) break;
    }
    if ((s = read_prefs(r, weight, line)) != CV_OK) return s;
    s = expect_tok(r, &t, "a ballot line or the 0 that ends the ballots");
    if (s != CV_OK) return s;
  }
  return read_names(r);
}

cv_status cv__blt_parse(struct cv__blt *b, const char *data, size_t len, const char *file,
                        const struct cv__blt_limits *limits, struct cv_error *err) {
  memset(b, 0, sizeof *b);
  cv__arena_init(&b->arena, 0);
  struct rd r = {0};
  r.lim = limits ? *limits : (struct cv__blt_limits){0};
  if (!r.lim.max_candidates) r.lim.max_candidates = DEFAULT_MAX_CANDIDATES;
  if (!r.lim.max_rankings) r.lim.max_rankings = DEFAULT_MAX_RANKINGS;
  if (!r.lim.max_name) r.lim.max_name = DEFAULT_MAX_NAME;
  if (!r.lim.max_options) r.lim.max_options = DEFAULT_MAX_OPTIONS;
  if (r.lim.max_candidates > 0x7FFFFFFFu) r.lim.max_candidates = 0x7FFFFFFFu;
  if (r.lim.max_rankings > UINT32_MAX - 1) r.lim.max_rankings = UINT32_MAX - 1;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
    data += 3;
    len -= 3;
  }
  r.p = data;
  r.end = data + len;
  r.line_start = data;
  r.line = 1;
  r.file = file;
  r.err = err;
  r.b = b;
  return parse(&r);
}

void cv__blt_fini(struct cv__blt *b) {
  if (!b) return;
  cv__free(b->rankings);
  cv__free(b->hash_slots);
  cv__arena_fini(&b->arena);
  memset(b, 0, sizeof *b);
}
