#include "tabulate/lot.h"

#include <string.h>

#include "tabulate/outcome.h"
#include "util/error.h"
#include "util/sha256.h"

bool cv__lot_seed_valid(const char *seed) {
  size_t n = 0;
  for (; seed[n]; n++)
    if (seed[n] < '0' || seed[n] > '9') return false;
  return n >= CV__LOT_MIN_DIGITS && n <= CV__LOT_MAX_DIGITS;
}

static void lot_digest(const char *seed, const char *contest, const char *choice,
                       uint8_t out[CV__SHA256_LEN]) {
  struct cv__sha256_ctx c;
  cv__sha256_init(&c);
  cv__sha256_update(&c, "canvass-lot-v1:", 15);
  cv__sha256_update(&c, seed, strlen(seed));
  cv__sha256_update(&c, ":", 1);
  cv__sha256_update(&c, contest, strlen(contest));
  cv__sha256_update(&c, ":", 1);
  cv__sha256_update(&c, choice, strlen(choice));
  cv__sha256_final(&c, out);
}

void cv__lot_hash(const char *seed, const char *contest, const char *choice, char out[65]) {
  uint8_t h[CV__SHA256_LEN];
  lot_digest(seed, contest, choice, h);
  cv__hex(h, CV__SHA256_LEN, out);
}

cv_status cv__lot_draw(const struct cv__state *st, uint32_t ci, const char *seed, struct cv__arena *a,
                       struct cv__lot *lot, struct cv_error *err) {
  const struct cv__contest *ct = &st->def.contests[ci];
  struct cv__tally *units = cv__tally_units_new(st, ci, a);
  if (!units) return cv__failf(err, CV_ENOMEM, "out of memory");
  cv__tally_units(st, ci, units);
  uint32_t root = 0;
  while (st->def.units[root].parent >= 0) root = (uint32_t)st->def.units[root].parent;
  struct cv__outcome o;
  if (cv__outcome_compute(st, ci, &units[root], a, &o) != CV_OK)
    return cv__failf(err, CV_ENOMEM, "out of memory");
  if (o.untabulated || ct->type == CV__CONTEST_MEASURE)
    return cv__failf(err, CV_EREFUSED, "contest \"%s\" is not decided by lot in this release", ct->id);
  if (!o.complete)
    return cv__failf(err, CV_EREFUSED,
                     "contest \"%s\" is not fully counted: lots are drawn only for a final tie", ct->id);
  if (!o.tie) return cv__failf(err, CV_EREFUSED, "contest \"%s\" has no tie for a seat", ct->id);
  uint8_t (*h)[CV__SHA256_LEN] = cv__arena_alloc(a, o.n_tied * sizeof *h);
  lot->tied = cv__arena_alloc(a, o.n_tied * sizeof *lot->tied);
  lot->order = cv__arena_alloc(a, o.n_tied * sizeof *lot->order);
  if (!h || !lot->tied || !lot->order) return cv__failf(err, CV_ENOMEM, "out of memory");
  lot->n_tied = o.n_tied;
  for (uint32_t i = 0; i < o.n_tied; i++) {
    lot->tied[i] = o.tied[i];
    lot_digest(seed, ct->id, ct->choices[o.tied[i]].id, h[i]);
  }
  /* Insertion sort of positions by digest (ties in SHA-256 are not a concern
   * in practice; equal digests would keep definition order). */
  uint32_t *pos = cv__arena_alloc(a, o.n_tied * sizeof *pos);
  if (!pos) return cv__failf(err, CV_ENOMEM, "out of memory");
  for (uint32_t i = 0; i < o.n_tied; i++) {
    uint32_t j = i;
    while (j > 0 && memcmp(h[pos[j - 1]], h[i], CV__SHA256_LEN) > 0) {
      pos[j] = pos[j - 1];
      j--;
    }
    pos[j] = i;
  }
  for (uint32_t i = 0; i < o.n_tied; i++) lot->order[i] = o.tied[pos[i]];
  return CV_OK;
}
