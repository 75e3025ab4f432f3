#include "count/findings.h"

#include <stdio.h>
#include <string.h>

#include "count/agreement.h"
#include "tabulate/outcome.h"

static const struct {
  const char *code, *name;
} CODES[] = {
    {"E101", "contest-identity"},
    {"E102", "contest-not-on-ballot-style"},
    {"E103", "batch-not-counted"},
    {"E104", "waiting-for-agreement"},
    {"E105", "disputed"},
    {"E106", "tie-needs-lot"},
    {"E107", "write-in-would-win"},
    {"W201", "manifest-mismatch"},
    {"W202", "accounting-identity"},
    {"W203", "pollbook-mismatch"},
    {"W204", "counted-vs-issued"},
    {"W205", "invalid-share"},
    {"W206", "blank-share"},
    {"W207", "rekey-mismatch"},
    {"W208", "accounting-missing"},
};

struct emit {
  const struct cv__state *st;
  cv__finding_fn fn;
  void *ud;
  bool stopped;
  struct cv__finding f;
};

/* Starts a finding of code; fills id/subject/detail through the varargs of
 * the caller afterwards. */
static struct cv__finding *begin(struct emit *e, const char *code, uint32_t contest) {
  memset(&e->f, 0, sizeof e->f);
  for (size_t i = 0; i < sizeof CODES / sizeof CODES[0]; i++)
    if (strcmp(CODES[i].code, code) == 0) {
      e->f.code = CODES[i].code;
      e->f.name = CODES[i].name;
    }
  e->f.severity = code[0] == 'E' ? CV__SEV_ERROR : CV__SEV_WARNING;
  e->f.contest = contest;
  e->f.batch = UINT32_MAX;
  return &e->f;
}

static bool finish(struct emit *e) {
  if (e->stopped) return false;
  if (e->f.severity == CV__SEV_WARNING) {
    const struct cv__ack *a = cv__state_ack(e->st, e->f.id);
    if (a && strcmp(a->detail, e->f.detail) == 0) e->f.ack = a;
  }
  if (!e->fn(e->ud, &e->f)) e->stopped = true;
  return !e->stopped;
}

static struct cv__finding *begin_batch(struct emit *e, const char *code, uint32_t contest, uint32_t b) {
  struct cv__finding *f = begin(e, code, contest);
  f->batch = b;
  return f;
}

static bool batch_findings(struct emit *e, uint32_t b) {
  const struct cv__state *st = e->st;
  const struct cv__batch *bt = &st->batches[b];
  const struct cv__style *style = &st->def.styles[st->def.units[bt->unit].style];
  char missing[300] = "";
  size_t mlen = 0;
  uint64_t counted_diff_ballots = 0;
  const char *diff_contest = NULL;
  for (uint32_t k = 0; k < style->n_contests; k++) {
    uint32_t cell = bt->cell0 + k;
    const struct cv__cell *c = &st->cells[cell];
    const struct cv__contest *ct = &st->def.contests[c->contest];
    /* Ranked contests not tabulated by this release (irv, stv) join these
     * checks with their first keying; until then they block nothing. */
    if (!cv__contest_is_tabulated(ct) && c->first_entry < 0) continue;
    int32_t v = -1;
    enum cv__cell_status cs = cv__cell_status(st, cell, &v);
    /* E101: identity failures on sheets that still matter. */
    for (int32_t en = c->first_entry; en >= 0; en = st->entries[en].next) {
      if (cv__cell_settled(cs) && en != v) continue;
      struct cv__finding *f = begin_batch(e, "E101", c->contest, b);
      if (cv__entry_identity(st, &st->entries[en], f->detail, sizeof f->detail)) continue;
      const struct cv__sheet *sh = &st->sheets[st->entries[en].sheet];
      snprintf(f->id, sizeof f->id, "E101/sheet-%llu/%s", (unsigned long long)sh->seq, ct->id);
      snprintf(f->subject, sizeof f->subject, "sheet %llu (team %s), batch %s, contest %s",
               (unsigned long long)sh->seq, st->names[sh->team], bt->id, ct->id);
      if (!finish(e)) return false;
    }
    if (cs == CV__CELL_NOT_COUNTED) {
      int w = snprintf(missing + mlen, sizeof missing - mlen, "%s%s", mlen ? ", " : "", ct->id);
      if (w > 0 && (size_t)w < sizeof missing - mlen) mlen += (size_t)w;
    } else if (cs == CV__CELL_WAITING) {
      struct cv__finding *f = begin_batch(e, "E104", c->contest, b);
      snprintf(f->id, sizeof f->id, "E104/%s/%s", bt->id, ct->id);
      snprintf(f->subject, sizeof f->subject, "batch %s, contest %s", bt->id, ct->id);
      snprintf(f->detail, sizeof f->detail, "%u teams must agree; no valid count from enough teams yet",
               st->def.rules.agreement_count);
      if (!finish(e)) return false;
    } else if (cs == CV__CELL_DISPUTED) {
      struct cv__finding *f = begin_batch(e, "E105", c->contest, b);
      snprintf(f->id, sizeof f->id, "E105/%s/%s", bt->id, ct->id);
      snprintf(f->subject, sizeof f->subject, "batch %s, contest %s", bt->id, ct->id);
      /* Show the first pair of valid sheets that differ, field by field. */
      const struct cv__entry *first = NULL;
      for (int32_t en = c->first_entry; en >= 0 && !f->detail[0]; en = st->entries[en].next) {
        const struct cv__entry *x = &st->entries[en];
        if (!cv__entry_identity(st, x, NULL, 0)) continue;
        if (!first) {
          first = x;
        } else if (!cv__entry_equal(st, first, x)) {
          char diff[300];
          cv__entry_diff(st, first, x, diff, sizeof diff);
          const struct cv__sheet *sa = &st->sheets[first->sheet], *sb = &st->sheets[x->sheet];
          snprintf(f->detail, sizeof f->detail, "sheet %llu (team %s) vs sheet %llu (team %s): %s",
                   (unsigned long long)sa->seq, st->names[sa->team], (unsigned long long)sb->seq,
                   st->names[sb->team], diff);
        }
      }
      if (!finish(e)) return false;
    } else if (cv__cell_settled(cs)) {
      uint64_t ballots = st->entries[v].ballots;
      uint64_t d = ballots > bt->ballots ? ballots - bt->ballots : bt->ballots - ballots;
      if (d > st->def.rules.manifest_tolerance && !diff_contest) {
        diff_contest = ct->id;
        counted_diff_ballots = ballots;
      }
    }
  }
  if (mlen) {
    struct cv__finding *f = begin_batch(e, "E103", UINT32_MAX, b);
    snprintf(f->id, sizeof f->id, "E103/%s", bt->id);
    snprintf(f->subject, sizeof f->subject, "batch %s (polling place %s)", bt->id,
             st->def.units[bt->unit].id);
    snprintf(f->detail, sizeof f->detail, "not counted for: %s", missing);
    if (!finish(e)) return false;
  }
  if (diff_contest) {
    struct cv__finding *f = begin_batch(e, "W201", UINT32_MAX, b);
    snprintf(f->id, sizeof f->id, "W201/%s", bt->id);
    snprintf(f->subject, sizeof f->subject, "batch %s (polling place %s)", bt->id,
             st->def.units[bt->unit].id);
    snprintf(f->detail, sizeof f->detail, "manifest %llu ballots, counted %llu (contest %s)",
             (unsigned long long)bt->ballots, (unsigned long long)counted_diff_ballots, diff_contest);
    if (!finish(e)) return false;
  }
  return true;
}

static bool rekey_findings(struct emit *e) {
  const struct cv__state *st = e->st;
  for (size_t s = 0; s < st->n_sheets; s++) {
    const struct cv__sheet *sh = &st->sheets[s];
    if (!sh->rekey) continue;
    uint32_t orig;
    if (!cv__state_sheet(st, sh->rekey_of, &orig)) continue;
    const struct cv__sheet *os = &st->sheets[orig];
    for (uint32_t i = 0; i < sh->n_entries; i++) {
      const struct cv__entry *a = &st->entries[sh->first_entry + i];
      for (uint32_t j = 0; j < os->n_entries; j++) {
        const struct cv__entry *o = &st->entries[os->first_entry + j];
        if (o->cell != a->cell || cv__entry_equal(st, o, a)) continue;
        uint32_t ci = st->cells[a->cell].contest;
        struct cv__finding *f = begin_batch(e, "W207", ci, sh->batch);
        snprintf(f->id, sizeof f->id, "W207/sheet-%llu/%s", (unsigned long long)sh->seq,
                 st->def.contests[ci].id);
        snprintf(f->subject, sizeof f->subject, "sheet %llu re-keys sheet %llu, batch %s, contest %s",
                 (unsigned long long)sh->seq, (unsigned long long)os->seq, st->batches[sh->batch].id,
                 st->def.contests[ci].id);
        char diff[300];
        cv__entry_diff(st, o, a, diff, sizeof diff);
        snprintf(f->detail, sizeof f->detail, "keyed first vs again: %s", diff);
        if (!finish(e)) return false;
      }
    }
  }
  return true;
}

static bool unit_findings(struct emit *e, struct cv__arena *scratch) {
  const struct cv__state *st = e->st;
  const struct cv__definition *d = &st->def;
  struct cv__place_count *pc = cv__arena_calloc(scratch, d->n_units, sizeof *pc);
  if (!pc) return false;
  cv__place_counts(st, pc, NULL);
  for (uint32_t u = 0; u < d->n_units; u++) {
    const struct cv__unit *un = &d->units[u];
    if (un->type != CV__UNIT_POLLING_PLACE) continue;
    const struct cv__accounting *a = &st->accounting[u];
    struct cv__finding *f;
    if (!a->seq) {
      f = begin(e, "W208", UINT32_MAX);
      snprintf(f->id, sizeof f->id, "W208/%s", un->id);
      snprintf(f->subject, sizeof f->subject, "polling place %s (%s)", un->id, un->name);
      snprintf(f->detail, sizeof f->detail, "no ballot accounting recorded");
      if (!finish(e)) return false;
      continue;
    }
    uint64_t out = a->issued + a->spoiled + a->unused;
    if (out != a->received) {
      f = begin(e, "W202", UINT32_MAX);
      snprintf(f->id, sizeof f->id, "W202/%s", un->id);
      snprintf(f->subject, sizeof f->subject, "polling place %s (%s)", un->id, un->name);
      snprintf(f->detail, sizeof f->detail,
               "received %llu, but issued %llu + spoiled %llu + unused %llu = %llu (difference %lld)",
               (unsigned long long)a->received, (unsigned long long)a->issued,
               (unsigned long long)a->spoiled, (unsigned long long)a->unused, (unsigned long long)out,
               (long long)a->received - (long long)out);
      if (!finish(e)) return false;
    }
    uint64_t dp = a->issued > a->pollbook ? a->issued - a->pollbook : a->pollbook - a->issued;
    if (dp > d->rules.pollbook_tolerance) {
      f = begin(e, "W203", UINT32_MAX);
      snprintf(f->id, sizeof f->id, "W203/%s", un->id);
      snprintf(f->subject, sizeof f->subject, "polling place %s (%s)", un->id, un->name);
      snprintf(f->detail, sizeof f->detail, "issued %llu, pollbook signatures %llu (difference %lld)",
               (unsigned long long)a->issued, (unsigned long long)a->pollbook,
               (long long)a->issued - (long long)a->pollbook);
      if (!finish(e)) return false;
    }
    if (pc[u].batches > 0 && pc[u].settled == pc[u].cells) {
      uint64_t counted = pc[u].counted;
      uint64_t dc = counted > a->issued ? counted - a->issued : a->issued - counted;
      if (dc > d->rules.pollbook_tolerance) {
        f = begin(e, "W204", UINT32_MAX);
        snprintf(f->id, sizeof f->id, "W204/%s", un->id);
        snprintf(f->subject, sizeof f->subject, "polling place %s (%s)", un->id, un->name);
        snprintf(f->detail, sizeof f->detail, "counted %llu ballots, issued %llu (difference %lld)",
                 (unsigned long long)counted, (unsigned long long)a->issued,
                 (long long)counted - (long long)a->issued);
        if (!finish(e)) return false;
      }
    }
  }
  /* Shares of invalid and blank ballots per polling place and contest. */
  for (uint32_t ci = 0; ci < d->n_contests; ci++) {
    if (cv__contest_is_ranked(&d->contests[ci])) continue;
    struct cv__tally *t = cv__tally_units_new(st, ci, scratch);
    if (!t) return false;
    cv__tally_units(st, ci, t);
    for (uint32_t u = 0; u < d->n_units; u++) {
      if (d->units[u].type != CV__UNIT_POLLING_PLACE || t[u].ballots == 0) continue;
      static const char *const codes[2] = {"W205", "W206"};
      uint64_t values[2] = {t[u].invalid, t[u].blank};
      uint32_t pct[2] = {d->rules.invalid_warn_percent, d->rules.blank_warn_percent};
      static const char *const what[2] = {"invalid", "blank"};
      for (int k = 0; k < 2; k++) {
        if (pct[k] == 0 || values[k] * 100 < (uint64_t)pct[k] * t[u].ballots) continue;
        struct cv__finding *f = begin(e, codes[k], ci);
        snprintf(f->id, sizeof f->id, "%s/%s/%s", codes[k], d->units[u].id, d->contests[ci].id);
        snprintf(f->subject, sizeof f->subject, "polling place %s, contest %s", d->units[u].id,
                 d->contests[ci].id);
        snprintf(f->detail, sizeof f->detail, "%llu %s of %llu ballots (threshold %u%%)",
                 (unsigned long long)values[k], what[k], (unsigned long long)t[u].ballots, pct[k]);
        if (!finish(e)) return false;
      }
    }
  }
  return true;
}

static bool tie_findings(struct emit *e, struct cv__arena *scratch) {
  const struct cv__state *st = e->st;
  const struct cv__definition *d = &st->def;
  uint32_t root = 0;
  while (d->units[root].parent >= 0) root = (uint32_t)d->units[root].parent;
  for (uint32_t ci = 0; ci < d->n_contests; ci++) {
    struct cv__tally *t = cv__tally_units_new(st, ci, scratch);
    struct cv__outcome o;
    if (!t) return false;
    cv__tally_units(st, ci, t);
    if (cv__outcome_compute(st, ci, &t[root], scratch, &o) != CV_OK) return false;
    if (!o.complete) continue;
    /* A write-in slot is a tally of names, not a candidate. */
    const struct cv__contest *ct = &d->contests[ci];
    for (uint32_t i = 0; i < o.n_elected + (o.tie ? o.n_tied : 0); i++) {
      uint32_t ch = i < o.n_elected ? o.elected[i] : o.tied[i - o.n_elected];
      if (!ct->choices[ch].write_in) continue;
      struct cv__finding *w = begin(e, "E107", ci);
      snprintf(w->id, sizeof w->id, "E107/%s/%s", ct->id, ct->choices[ch].id);
      snprintf(w->subject, sizeof w->subject, "contest %s, %s", ct->id, ct->choices[ch].id);
      snprintf(w->detail, sizeof w->detail,
               "\"%s\" has %llu votes, enough for a seat: the names written in must be counted one by one",
               ct->choices[ch].name, (unsigned long long)t[root].votes[ch]);
      if (!finish(e)) return false;
    }
    if (!o.tie || o.lot_applied) continue;
    struct cv__finding *f = begin(e, "E106", ci);
    snprintf(f->id, sizeof f->id, "E106/%s", d->contests[ci].id);
    snprintf(f->subject, sizeof f->subject, "contest %s", d->contests[ci].id);
    size_t used = (size_t)snprintf(f->detail, sizeof f->detail, "%u seat(s) tied between",
                                   o.seats_in_tie);
    for (uint32_t i = 0; i < o.n_tied && used < sizeof f->detail; i++)
      used += (size_t)snprintf(f->detail + used, sizeof f->detail - used, "%s %s", i ? "," : "",
                               d->contests[ci].choices[o.tied[i]].id);
    if (used < sizeof f->detail && ct->type == CV__CONTEST_CONDORCET)
      snprintf(f->detail + used, sizeof f->detail - used, ", whom the %s method cannot separate; draw with canvass lot",
               ct->method == CV__SCHULZE ? "Schulze" : "Ranked Pairs");
    else if (used < sizeof f->detail)
      snprintf(f->detail + used, sizeof f->detail - used, " with %llu votes each; draw with canvass lot",
               (unsigned long long)t[root].votes[o.tied[0]]);
    if (!finish(e)) return false;
  }
  return true;
}

cv_status cv__findings_each(const struct cv__state *st, cv__finding_fn fn, void *ud) {
  struct emit e = {st, fn, ud, false, {0}};
  if (!st->defined) return CV_OK;
  struct cv__arena scratch;
  cv__arena_init(&scratch, 0);
  cv_status s = CV_OK;
  for (size_t b = 0; b < st->n_batches && !e.stopped; b++) batch_findings(&e, (uint32_t)b);
  if (!e.stopped) rekey_findings(&e);
  if (!e.stopped && !tie_findings(&e, &scratch) && !e.stopped) s = CV_ENOMEM;
  if (!e.stopped && !unit_findings(&e, &scratch) && !e.stopped) s = CV_ENOMEM;
  cv__arena_fini(&scratch);
  return s;
}

struct lookup {
  const char *id;
  struct cv__finding *out;
  bool found;
};

static bool lookup_fn(void *ud, const struct cv__finding *f) {
  struct lookup *l = ud;
  if (strcmp(f->id, l->id) != 0) return true;
  *l->out = *f;
  l->found = true;
  return false;
}

bool cv__finding_lookup(const struct cv__state *st, const char *id, struct cv__finding *out) {
  struct lookup l = {id, out, false};
  cv__findings_each(st, lookup_fn, &l);
  return l.found;
}

struct blocker {
  char *why;
  size_t n;
  bool blocked;
};

static bool blocker_fn(void *ud, const struct cv__finding *f) {
  struct blocker *b = ud;
  if (f->severity == CV__SEV_WARNING && f->ack) return true;
  snprintf(b->why, b->n, "%s %s (%s: %s)%s", f->code, f->severity == CV__SEV_ERROR ? "error is open" : "warning is not acknowledged",
           f->subject, f->detail, "");
  b->blocked = true;
  return false;
}

cv_status cv__certify_check(const struct cv__state *st, bool *allowed, char *why, size_t n) {
  struct blocker b = {why, n, false};
  cv_status s = cv__findings_each(st, blocker_fn, &b);
  if (s != CV_OK) return s;
  if (!b.blocked && st->n_batches == 0) {
    snprintf(why, n, "no batches in the manifest");
    b.blocked = true;
  }
  *allowed = !b.blocked;
  return CV_OK;
}

void cv__place_counts(const struct cv__state *st, struct cv__place_count *per_unit,
                      uint64_t by_status[5]) {
  const struct cv__definition *d = &st->def;
  for (size_t b = 0; b < st->n_batches; b++) {
    const struct cv__batch *bt = &st->batches[b];
    const struct cv__style *style = &d->styles[d->units[bt->unit].style];
    struct cv__place_count *p = &per_unit[bt->unit];
    uint64_t best = 0;
    p->batches++;
    for (uint32_t k = 0; k < style->n_contests; k++) {
      uint32_t cell = bt->cell0 + k;
      if (!cv__contest_is_tabulated(&d->contests[st->cells[cell].contest]) && st->cells[cell].first_entry < 0)
        continue;
      int32_t v = -1;
      enum cv__cell_status cs = cv__cell_status(st, cell, &v);
      if (by_status) by_status[cs]++;
      p->cells++;
      if (cv__cell_settled(cs)) {
        p->settled++;
        if (st->entries[v].ballots > best) best = st->entries[v].ballots;
      }
    }
    p->counted += best;
  }
}
