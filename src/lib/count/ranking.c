#include "count/ranking.h"

#include <stdio.h>
#include <string.h>

#define MAX_TOKEN 64 /* choice ids are 1-64 characters */

static bool blank_char(char c) { return c == ' ' || c == '\t'; }

/* The choice whose id is s[0..n), or false. */
static bool lookup(const struct cv__contest *ct, const char *s, size_t n, uint32_t *choice) {
  char id[MAX_TOKEN + 1];
  if (n == 0 || n > MAX_TOKEN) return false;
  memcpy(id, s, n);
  id[n] = '\0';
  return cv__strmap_get(&ct->choice_index, id, choice);
}

/* Rank of choice c in byte order of the ids (the canonical order of marks). */
static uint32_t id_order(const struct cv__contest *ct, uint32_t c) {
  for (uint32_t k = 0; k < ct->n_choices; k++)
    if (ct->by_id[k] == c) return k;
  return UINT32_MAX;
}

bool cv__ranking_canonical(const struct cv__contest *ct, const char *text, struct cv__buf *out,
                           char *why, size_t why_len) {
  size_t len = strlen(text);
  if (len > CV__MAX_RANKING_TEXT) {
    snprintf(why, why_len, "longer than %u bytes", CV__MAX_RANKING_TEXT);
    return false;
  }
  size_t start = out->len;
  uint32_t ranks = 0;       /* ranks written so far, including empty ones */
  uint32_t pending_empty = 0; /* empty ranks not yet written (dropped at the end) */
  const char *p = text, *end = text + len;
  for (;;) {
    const char *gt = memchr(p, '>', (size_t)(end - p));
    const char *rank_end = gt ? gt : end;
    /* The marks of one rank, separated by '='. */
    uint32_t marks[256];
    uint32_t n_marks = 0;
    bool empty = true;
    for (const char *q = p; q < rank_end; q++)
      if (!blank_char(*q)) empty = false;
    if (!empty) {
      const char *m = p;
      for (;;) {
        const char *eq = memchr(m, '=', (size_t)(rank_end - m));
        const char *m_end = eq ? eq : rank_end;
        const char *a = m, *b = m_end;
        while (a < b && blank_char(*a)) a++;
        while (b > a && blank_char(b[-1])) b--;
        if (a == b) {
          snprintf(why, why_len, "rank %u has an empty mark next to '='", ranks + pending_empty + 1);
          goto fail;
        }
        uint32_t c;
        if (!lookup(ct, a, (size_t)(b - a), &c)) {
          snprintf(why, why_len, "rank %u: \"%.*s\" is not a choice of contest \"%s\"",
                   ranks + pending_empty + 1, (int)((b - a) > MAX_TOKEN ? MAX_TOKEN : (b - a)), a,
                   ct->id);
          goto fail;
        }
        for (uint32_t k = 0; k < n_marks; k++)
          if (marks[k] == c) {
            snprintf(why, why_len, "rank %u marks \"%s\" twice", ranks + pending_empty + 1,
                     ct->choices[c].id);
            goto fail;
          }
        if (n_marks == sizeof marks / sizeof marks[0]) {
          snprintf(why, why_len, "rank %u has too many marks", ranks + pending_empty + 1);
          goto fail;
        }
        marks[n_marks++] = c;
        if (!eq) break;
        m = eq + 1;
      }
    }
    if (n_marks == 0) {
      pending_empty++;
    } else {
      /* Empty ranks before a marked one are real skipped ranks. */
      uint32_t used = ranks + pending_empty + 1;
      if (used > ct->votes_allowed) {
        snprintf(why, why_len, "rank %u is beyond the %u ranks of contest \"%s\"", used,
                 ct->votes_allowed, ct->id);
        goto fail;
      }
      /* Every rank after the first is preceded by '>'. */
      for (; pending_empty; pending_empty--, ranks++)
        if (ranks > 0) cv__buf_addc(out, '>');
      if (ranks > 0) cv__buf_addc(out, '>');
      /* Marks of one rank in byte order of their ids (insertion sort). */
      for (uint32_t a = 1; a < n_marks; a++) {
        uint32_t x = marks[a], ox = id_order(ct, x), b = a;
        while (b > 0 && id_order(ct, marks[b - 1]) > ox) {
          marks[b] = marks[b - 1];
          b--;
        }
        marks[b] = x;
      }
      for (uint32_t k = 0; k < n_marks; k++) {
        if (k) cv__buf_addc(out, '=');
        cv__buf_adds(out, ct->choices[marks[k]].id);
      }
      ranks++;
    }
    if (!gt) break;
    p = gt + 1;
  }
  if (out->status != CV_OK) {
    snprintf(why, why_len, "out of memory");
    goto fail;
  }
  return true;
fail:
  out->len = start;
  if (out->data) out->data[start] = '\0';
  return false;
}

enum cv__first_mark cv__ranking_first(const struct cv__contest *ct, const char *canonical,
                                      uint32_t *choice) {
  if (canonical[0] == '\0') return CV__FIRST_BLANK;
  if (canonical[0] == '>') return CV__FIRST_SKIPPED;
  size_t n = strcspn(canonical, ">=");
  if (canonical[n] == '=') return CV__FIRST_OVERVOTE;
  uint32_t c;
  if (!lookup(ct, canonical, n, &c)) return CV__FIRST_BLANK; /* not canonical: cannot happen */
  *choice = c;
  return CV__FIRST_CHOICE;
}

uint32_t cv__ranking_decode(const struct cv__contest *ct, const char *canonical, uint32_t max_ranks,
                            uint32_t *choices, uint32_t *n) {
  uint32_t r = 0, used = 0;
  const char *p = canonical;
  if (*p == '\0') return 0;
  while (r < max_ranks) {
    n[r] = 0;
    for (;;) {
      size_t len = strcspn(p, ">=");
      uint32_t c;
      if (len && lookup(ct, p, len, &c) && used < ct->n_choices * max_ranks) {
        choices[used++] = c;
        n[r]++;
      }
      p += len;
      if (*p != '=') break;
      p++;
    }
    r++;
    if (*p != '>') break;
    p++;
  }
  return r;
}
