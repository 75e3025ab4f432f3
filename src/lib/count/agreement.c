#include "count/agreement.h"

#include <stdio.h>
#include <string.h>

const char *cv__cell_status_name(enum cv__cell_status s) {
  switch (s) {
  case CV__CELL_NOT_COUNTED: return "not counted";
  case CV__CELL_WAITING: return "waiting";
  case CV__CELL_AGREED: return "agreed";
  case CV__CELL_DISPUTED: return "disputed";
  case CV__CELL_RESOLVED: return "resolved";
  }
  return "?";
}

static const struct cv__contest *contest_of(const struct cv__state *st, const struct cv__entry *e) {
  return &st->def.contests[st->cells[e->cell].contest];
}

/* Ranked keyings agree when every ballot reads the same, in the same order. */
static bool rankings_equal(const struct cv__entry *a, const struct cv__entry *b) {
  if (a->n_rankings != b->n_rankings) return false;
  for (uint32_t k = 0; k < a->n_rankings; k++)
    if (a->rankings[k] != b->rankings[k] && strcmp(a->rankings[k], b->rankings[k]) != 0) return false;
  return true;
}

bool cv__entry_equal(const struct cv__state *st, const struct cv__entry *a, const struct cv__entry *b) {
  if (a->rankings || b->rankings) return a->rankings && b->rankings && rankings_equal(a, b);
  if (a->ballots != b->ballots || a->blank != b->blank || a->invalid != b->invalid ||
      a->undervotes != b->undervotes || a->overvotes != b->overvotes)
    return false;
  uint32_t n = contest_of(st, a)->n_choices;
  return memcmp(a->votes, b->votes, n * sizeof *a->votes) == 0;
}

bool cv__entry_identity(const struct cv__state *st, const struct cv__entry *e, char *why, size_t n) {
  const struct cv__contest *ct = contest_of(st, e);
  /* A keyed ranked section is its ballots: its counts are derived, so they
   * always add up. */
  if (e->rankings) return true;
  /* Counts are capped at 10^12 and choices at 1,000, so these sums cannot overflow. */
  uint64_t sum = 0;
  for (uint32_t i = 0; i < ct->n_choices; i++) sum += e->votes[i];
  uint64_t lhs = sum + e->undervotes + e->overvotes;
  uint64_t excluded = e->invalid + (st->def.rules.blank == CV__BLANK_SEPARATE ? e->blank : 0);
  if (e->blank + e->invalid > e->ballots) {
    if (why)
      snprintf(why, n, "blank %llu + invalid %llu is more than the %llu ballots counted",
               (unsigned long long)e->blank, (unsigned long long)e->invalid,
               (unsigned long long)e->ballots);
    return false;
  }
  uint64_t rhs = (e->ballots - excluded) * ct->votes_allowed;
  if (lhs == rhs) return true;
  char blank_part[40] = "";
  if (st->def.rules.blank == CV__BLANK_SEPARATE)
    snprintf(blank_part, sizeof blank_part, "blank %llu - ", (unsigned long long)e->blank);
  if (why)
    snprintf(why, n,
             "votes %llu + undervotes %llu + overvotes %llu = %llu, but (ballots %llu - %sinvalid %llu) x %u votes allowed = %llu",
             (unsigned long long)sum, (unsigned long long)e->undervotes,
             (unsigned long long)e->overvotes, (unsigned long long)lhs,
             (unsigned long long)e->ballots, blank_part, (unsigned long long)e->invalid,
             ct->votes_allowed, (unsigned long long)rhs);
  return false;
}

/* Ranked keyings: the ballots that read differently, side by side. */
static size_t rankings_diff(const struct cv__entry *a, const struct cv__entry *b, char *out, size_t n) {
  size_t count = 0, used = 0;
  if (a->n_rankings != b->n_rankings) {
    count++;
    int w = snprintf(out, n, "ballots %u vs %u", a->n_rankings, b->n_rankings);
    if (w > 0) used = (size_t)w;
  }
  uint32_t common = a->n_rankings < b->n_rankings ? a->n_rankings : b->n_rankings;
  for (uint32_t k = 0; k < common; k++) {
    if (strcmp(a->rankings[k], b->rankings[k]) == 0) continue;
    count++;
    if (used < n) {
      int w = snprintf(out + used, n - used, "%sballot %u \"%s\" vs \"%s\"", used ? ", " : "", k + 1,
                       a->rankings[k], b->rankings[k]);
      if (w > 0) used += (size_t)w;
    }
  }
  return count;
}

size_t cv__entry_diff(const struct cv__state *st, const struct cv__entry *a, const struct cv__entry *b,
                      char *out, size_t n) {
  size_t count = 0, used = 0;
  if (n) out[0] = '\0';
  if (a->rankings && b->rankings) return rankings_diff(a, b, out, n);
#define FIELD(name, x, y)                                                                   \
  do {                                                                                      \
    if ((x) != (y)) {                                                                       \
      count++;                                                                              \
      if (used < n) {                                                                       \
        int w = snprintf(out + used, n - used, "%s%s %llu vs %llu", used ? ", " : "", name, \
                         (unsigned long long)(x), (unsigned long long)(y));                 \
        if (w > 0) used += (size_t)w;                                                       \
      }                                                                                     \
    }                                                                                       \
  } while (0)
  FIELD("ballots", a->ballots, b->ballots);
  FIELD("blank", a->blank, b->blank);
  FIELD("invalid", a->invalid, b->invalid);
  const struct cv__contest *ct = contest_of(st, a);
  for (uint32_t i = 0; i < ct->n_choices; i++) FIELD(ct->choices[i].id, a->votes[i], b->votes[i]);
  FIELD("undervotes", a->undervotes, b->undervotes);
  FIELD("overvotes", a->overvotes, b->overvotes);
#undef FIELD
  return count;
}

#define MAX_GROUPS 64

enum cv__cell_status cv__cell_status(const struct cv__state *st, uint32_t cell, int32_t *value) {
  const struct cv__cell *c = &st->cells[cell];
  if (value && cv__cell_settled((enum cv__cell_status)c->status)) *value = c->value;
  return (enum cv__cell_status)c->status;
}

static enum cv__cell_status compute(const struct cv__state *st, uint32_t cell, int32_t *value) {
  const struct cv__cell *c = &st->cells[cell];
  if (c->resolution >= 0) {
    if (value) *value = c->resolution;
    return CV__CELL_RESOLVED;
  }
  if (c->first_entry < 0) return CV__CELL_NOT_COUNTED;
  /* Group the valid entries by value; count distinct teams per group. Cells
   * hold a handful of sheets, so quadratic work is fine; teams are checked by
   * index against the group's earlier members. */
  int32_t rep[MAX_GROUPS];
  uint32_t teams[MAX_GROUPS];
  size_t groups = 0;
  for (int32_t e = c->first_entry; e >= 0; e = st->entries[e].next) {
    const struct cv__entry *en = &st->entries[e];
    if (!cv__entry_identity(st, en, NULL, 0)) continue;
    size_t g = 0;
    while (g < groups && !cv__entry_equal(st, &st->entries[rep[g]], en)) g++;
    if (g == groups) {
      if (groups == MAX_GROUPS) return CV__CELL_DISPUTED;
      rep[groups] = e;
      teams[groups] = 0;
      groups++;
    }
    /* Is this entry's team new to the group? */
    uint32_t team = st->sheets[en->sheet].team;
    bool seen = false;
    for (int32_t f = c->first_entry; f != e; f = st->entries[f].next) {
      const struct cv__entry *fe = &st->entries[f];
      if (st->sheets[fe->sheet].team == team && cv__entry_identity(st, fe, NULL, 0) &&
          cv__entry_equal(st, fe, en)) {
        seen = true;
        break;
      }
    }
    if (!seen) teams[g]++;
  }
  size_t reaching = 0;
  int32_t winner = -1;
  for (size_t g = 0; g < groups; g++)
    if (teams[g] >= st->def.rules.agreement_count) {
      reaching++;
      winner = rep[g];
    }
  if (reaching == 1) {
    if (value) *value = winner;
    return CV__CELL_AGREED;
  }
  if (reaching > 1 || groups > 1) return CV__CELL_DISPUTED;
  return CV__CELL_WAITING;
}

void cv__cell_refresh(struct cv__state *st, uint32_t cell) {
  int32_t v = -1;
  enum cv__cell_status s = compute(st, cell, &v);
  st->cells[cell].status = (uint8_t)s;
  st->cells[cell].value = cv__cell_settled(s) ? v : -1;
}
