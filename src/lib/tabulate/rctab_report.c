/* tabulate/rctab_report.c: RCTab's round reports (detailed JSON, detailed and
 * summary CSV), for the whole contest and for each precinct or batch.
 *
 * The layout, labels, number formats and row order are RCTab's, so its own
 * comparison (JSON as maps, CSV line by line) finds them equal. Two details
 * come from Java rather than from RCTab's code: numbers print as
 * BigDecimal.toString, and candidates with equal first-round tallies keep
 * the iteration order of Java's HashMap, which we reproduce. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tabulate/rctab.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"

#ifndef CANVASS_VERSION
#define CANVASS_VERSION "0"
#endif

static const struct cv__dec ZERO = {0, 0};

/* The four inactive statuses every report lists, in RCTab's order. */
static const enum cv__rc_status PRINTED[4] = {CV__RC_OVERVOTE, CV__RC_SKIPPED, CV__RC_EXHAUSTED_CHOICE,
                                              CV__RC_REPEATED};

cv_status cv__rc_write_file(const char *path, const char *data, size_t len, struct cv_error *err) {
  FILE *f = fopen(path, "wb");
  if (!f) return cv__fail(err, CV_EEXIST, path, 0, 0, NULL, "cannot create the file: %s", strerror(errno));
  bool ok = fwrite(data, 1, len, f) == len;
  ok = fclose(f) == 0 && ok;
  if (!ok) return cv__fail(err, CV_EIO, path, 0, 0, NULL, "cannot write the file");
  return CV_OK;
}

void cv__rc_prefix(const struct cv__rc_contest *c, struct cv__buf *b) {
  cv__buf_adds(b, c->cfg.stem);
  if (c->pass) cv__buf_printf(b, "_%u", c->pass);
}

void cv__rc_csv_field(struct cv__buf *b, const char *s, bool first) {
  if (!first) cv__buf_addc(b, ',');
  if (!s) return;
  size_t n = 0;
  bool quote = false;
  for (; s[n]; n++)
    if (s[n] == '\n' || s[n] == '\r' || s[n] == '"' || s[n] == ',') quote = true;
  if (n == 0) quote = first;
  else if ((unsigned char)s[0] <= '#' || (unsigned char)s[n - 1] <= ' ') quote = true;
  if (!quote) {
    cv__buf_add(b, s, n);
    return;
  }
  cv__buf_addc(b, '"');
  for (const char *p = s, *q; *p; p = q + 1) {
    q = strchr(p, '"');
    if (!q) {
      cv__buf_adds(b, p);
      break;
    }
    cv__buf_add(b, p, (size_t)(q - p) + 1);
    cv__buf_addc(b, '"');
  }
  cv__buf_addc(b, '"');
}

/* A decimal as a CSV field, printed as BigDecimal prints it. */
static void csv_dec(struct cv__buf *b, struct cv__dec v) {
  char t[CV__DEC_STR_MAX];
  cv__rc_csv_field(b, cv__dec_str(v, t), false);
}

/* A two-field record ("Contest,Name"). */
static void csv_row2(struct cv__buf *b, const char *k, const char *v) {
  cv__rc_csv_field(b, k, true);
  cv__rc_csv_field(b, v, false);
  cv__buf_addc(b, '\n');
}

/* A candidate's name (the write-in pseudo-candidate's label included). */
static const char *cname(const struct cv__rc_contest *c, uint32_t i) { return c->cfg.cands[i].name; }

/* Decisions of a round of one kind, sorted by name. */
static size_t decisions_of(const struct cv__rc_contest *c, uint32_t round, bool elected, const struct cv__rc_decision **out) {
  size_t n = 0;
  for (size_t i = 0; i < c->n_decisions[round - 1]; i++)
    if (c->decisions[round - 1][i].elected == elected) out[n++] = &c->decisions[round - 1][i];
  for (size_t i = 1; i < n; i++) {
    const struct cv__rc_decision *x = out[i];
    size_t j = i;
    while (j > 0 && cv__rc_jcmp(cname(c, out[j - 1]->cand), cname(c, x->cand)) > 0) {
      out[j] = out[j - 1];
      j--;
    }
    out[j] = x;
  }
  return n;
}

/* RCTab's candidate order: first-round tally, highest first, write-ins last,
 * equal tallies in Java HashMap order. */
static cv_status candidate_order(const struct cv__rc_contest *c, uint32_t *out, size_t *n_out) {
  size_t nc = c->cfg.n_cands;
  const char **keys = cv__malloc(nc * sizeof *keys + 1);
  size_t *ord = cv__malloc(nc * sizeof *ord + 1);
  uint32_t *in = cv__malloc(nc * sizeof *in + 1);
  if (!keys || !ord || !in) {
    cv__free(keys), cv__free(ord), cv__free(in);
    return CV_ENOMEM;
  }
  for (size_t i = 0; i < nc; i++) keys[i] = cname(c, (uint32_t)i);
  cv__rc_hash_order(keys, nc, 0, ord); /* the configuration's HashSet of names */
  const struct cv__rc_tally *t = &c->tallies[0];
  size_t n = 0;
  for (size_t i = 0; i < nc; i++)
    if (t->present[ord[i]]) in[n++] = (uint32_t)ord[i];
  for (size_t i = 0; i < n; i++) keys[i] = cname(c, in[i]);
  cv__rc_hash_order(keys, n, 0, ord); /* the first round's HashMap */
  for (size_t i = 0; i < n; i++) out[i] = in[ord[i]];
  size_t uwi = c->cfg.has_uwi ? c->cfg.n_declared : (size_t)-1;
  for (size_t i = 1; i < n; i++) { /* stable: highest tally first, write-ins last */
    uint32_t x = out[i];
    size_t j = i;
    while (j > 0) {
      uint32_t y = out[j - 1];
      bool after = y == uwi ? x != uwi : (x != uwi && cv__dec_cmp(t->cand[y], t->cand[x]) < 0);
      if (!after) break;
      out[j] = y;
      j--;
    }
    out[j] = x;
  }
  *n_out = n;
  cv__free(keys), cv__free(ord), cv__free(in);
  return CV_OK;
}

struct view {
  const struct cv__rc_contest *c;
  struct cv__rc_tally *(*tally)(const struct view *v, uint32_t round);
  int slice;          /* -1 whole contest */
  size_t id;
  const char *slice_id;
};

/* Round tallies of the whole contest or of one slice, behind one view. */
static struct cv__rc_tally *whole(const struct view *v, uint32_t r) { return &v->c->tallies[r - 1]; }
static struct cv__rc_tally *sliced(const struct view *v, uint32_t r) {
  return cv__rc_slice_tally((struct cv__rc_contest *)v->c, v->slice, v->id, r);
}

/* Whether any decision of the count came from a tiebreak (the * footnote). */
static bool any_tiebreak(const struct cv__rc_contest *c) {
  for (uint32_t r = 1; r <= c->round; r++)
    for (size_t i = 0; i < c->n_decisions[r - 1]; i++)
      if (c->decisions[r - 1][i].tiebreak) return true;
  return false;
}

/* Writes RCTab's detailed (or summary: no inactive breakdown) CSV for v. */
static cv_status write_csv(const struct view *v, const uint32_t *order, size_t n_order, bool detailed,
                           const char *path, struct cv_error *err) {
  const struct cv__rc_contest *c = v->c;
  const struct cv__rc_config *cfg = &c->cfg;
  uint32_t nr = c->round;
  bool is_slice = v->slice >= 0;
  struct cv__buf b;
  cv__buf_init(&b, 0);
  char t1[CV__DEC_STR_MAX], t2[64];
  const struct cv__rc_decision **ds = cv__malloc((cfg->n_cands + 1) * sizeof *ds);
  if (!ds) return cv__failf(err, CV_ENOMEM, "out of memory");
  cv__buf_adds(&b, "Contest Information\n");
  csv_row2(&b, "Generated By", "canvass " CANVASS_VERSION);
  csv_row2(&b, "CSV Format Version", "1");
  csv_row2(&b, "Type of Election", cfg->mode == CV__RC_SINGLE ? "Single-Winner" : "Multi-Winner");
  csv_row2(&b, "Contest", cfg->contest_name);
  csv_row2(&b, "Jurisdiction", cfg->jurisdiction);
  csv_row2(&b, "Office", cfg->office);
  csv_row2(&b, "Date", cfg->date);
  struct cv__buf w;
  cv__buf_init(&w, 0);
  for (uint32_t r = 1; r <= nr; r++) {
    size_t n = decisions_of(c, r, true, ds);
    for (size_t i = 0; i < n; i++) {
      if (w.len) cv__buf_adds(&w, ", ");
      cv__buf_adds(&w, cname(c, ds[i]->cand));
    }
  }
  csv_row2(&b, "Winner(s)", w.data ? w.data : "");
  cv__buf_fini(&w);
  if (is_slice) csv_row2(&b, v->slice == CV__RC_PRECINCT ? "Precinct" : "Batch", v->slice_id);
  else csv_row2(&b, "Final Threshold", cv__dec_str(c->tallies[nr - 1].threshold, t1));
  cv__buf_addc(&b, '\n');
  const struct cv__rc_tally *r1 = v->tally(v, 1);
  cv__buf_adds(&b, "Contest Summary\n");
  if (cfg->mode == CV__RC_BOTTOMS_UP_PCT) {
    struct cv__buf s;
    cv__buf_init(&s, 0);
    cv__buf_printf(&s, "All candidates over the %s%% threshold", cfg->pct_raw);
    csv_row2(&b, "Number to be Elected", s.data);
    cv__buf_fini(&s);
  } else {
    snprintf(t2, sizeof t2, "%u", c->n_winners);
    csv_row2(&b, "Number to be Elected", t2);
  }
  snprintf(t2, sizeof t2, "%u", cv__rc_num_candidates(c));
  csv_row2(&b, "Number of Candidates", t2);
  bool o = false;
  struct cv__dec no_rank = r1->status[CV__RC_NO_RANKINGS];
  csv_row2(&b, "Total Number of Ballots",
           cv__dec_str(cv__dec_add(cv__rc_active_sum(r1), cv__rc_inactive_sum(r1), &o), t1));
  csv_row2(&b, "Number of Undervotes (No Rankings)", cv__dec_str(no_rank, t1));
  cv__buf_addc(&b, '\n');
  cv__rc_csv_field(&b, "Rounds", true);
  for (uint32_t r = 1; r <= nr; r++) {
    snprintf(t2, sizeof t2, "Round %u Votes", r);
    cv__rc_csv_field(&b, t2, false);
    cv__rc_csv_field(&b, "% of vote", false);
    cv__rc_csv_field(&b, "transfer", false);
  }
  cv__buf_addc(&b, '\n');
  bool tie_note = any_tiebreak(c);
  for (int elected = 0; elected < 2; elected++) {
    cv__rc_csv_field(&b, elected ? (is_slice ? "Elected\xe2\x80\xa0" : "Elected")
                                 : (is_slice ? "Eliminated\xe2\x80\xa0" : "Eliminated"),
                     true);
    for (uint32_t r = 1; r <= nr; r++) {
      size_t n = decisions_of(c, r, elected != 0, ds);
      struct cv__buf cell;
      cv__buf_init(&cell, 0);
      for (size_t i = 0; i < n; i++) {
        if (i) cv__buf_adds(&cell, "; ");
        cv__buf_adds(&cell, cname(c, ds[i]->cand));
        if (ds[i]->tiebreak) cv__buf_addc(&cell, '*');
      }
      cv__rc_csv_field(&b, cell.data ? cell.data : "", false);
      cv__buf_fini(&cell);
      cv__rc_csv_field(&b, "", false);
      cv__rc_csv_field(&b, "", false);
    }
    cv__buf_addc(&b, '\n');
  }
  for (size_t k = 0; k < n_order; k++) {
    uint32_t cand = order[k];
    cv__rc_csv_field(&b, cname(c, cand), true);
    for (uint32_t r = 1; r <= nr; r++) {
      const struct cv__rc_tally *t = v->tally(v, r);
      struct cv__dec x = t->present[cand] ? t->cand[cand] : ZERO;
      csv_dec(&b, x);
      uint32_t dr = 1;
      if (cfg->mode == CV__RC_SINGLE || cfg->mode == CV__RC_BOTTOMS_UP_PCT) dr = cfg->first_round_threshold ? 1 : r;
      struct cv__dec div = cv__rc_active_locked(v->tally(v, dr));
      if (cv__dec_same(div, ZERO)) cv__rc_csv_field(&b, "", false);
      else cv__rc_csv_field(&b, cv__dec_percent(x, div, t2), false);
      if (r < nr) {
        const struct cv__rc_tally *tn = v->tally(v, r + 1);
        struct cv__dec y = tn->present[cand] ? tn->cand[cand] : ZERO;
        csv_dec(&b, cv__dec_sub(y, x, &o));
      } else {
        cv__rc_csv_field(&b, "0", false);
      }
    }
    cv__buf_addc(&b, '\n');
  }
  cv__rc_csv_field(&b, "Active Ballots", true);
  for (uint32_t r = 1; r <= nr; r++) {
    csv_dec(&b, cv__rc_active_locked(v->tally(v, r)));
    cv__rc_csv_field(&b, "", false);
    cv__rc_csv_field(&b, "", false);
  }
  cv__buf_addc(&b, '\n');
  if (!is_slice) {
    cv__rc_csv_field(&b, "Current Round Threshold", true);
    for (uint32_t r = 1; r <= nr; r++) {
      csv_dec(&b, v->tally(v, r)->threshold);
      cv__rc_csv_field(&b, "", false);
      cv__rc_csv_field(&b, "", false);
    }
    cv__buf_addc(&b, '\n');
  }
  if (detailed) {
    for (int s = 0; s < 4; s++) {
      cv__rc_csv_field(&b, cv__rc_status_title(PRINTED[s]), true);
      for (uint32_t r = 1; r <= nr; r++) {
        struct cv__dec x = v->tally(v, r)->status[PRINTED[s]];
        csv_dec(&b, x);
        cv__rc_csv_field(&b, "", false);
        if (r != nr) csv_dec(&b, cv__dec_sub(v->tally(v, r + 1)->status[PRINTED[s]], x, &o));
        else cv__rc_csv_field(&b, "0", false);
      }
      cv__buf_addc(&b, '\n');
    }
  }
  cv__rc_csv_field(&b, "Inactive Ballots Total", true);
  for (uint32_t r = 1; r <= nr; r++) {
    struct cv__dec x = cv__rc_inactive_sum(v->tally(v, r));
    csv_dec(&b, cv__dec_sub(x, no_rank, &o));
    cv__rc_csv_field(&b, "", false);
    if (r != nr) csv_dec(&b, cv__dec_sub(cv__rc_inactive_sum(v->tally(v, r + 1)), x, &o));
    else cv__rc_csv_field(&b, "0", false);
  }
  cv__buf_addc(&b, '\n');
  if (!is_slice && cv__dec_sign(c->residual[nr - 1]) == 1) {
    cv__rc_csv_field(&b, "Residual surplus", true);
    for (uint32_t r = 1; r <= nr; r++) {
      csv_dec(&b, c->residual[r - 1]);
      cv__rc_csv_field(&b, "", false);
      cv__rc_csv_field(&b, "", false);
    }
    cv__buf_addc(&b, '\n');
  }
  if (cv__rc_uses_surpluses(c)) {
    cv__rc_csv_field(&b, cv__rc_status_title(CV__RC_FINAL_SURPLUS), true);
    for (uint32_t r = 1; r <= nr; r++) {
      struct cv__dec x = v->tally(v, r)->status[CV__RC_FINAL_SURPLUS];
      if (cv__dec_same(x, ZERO)) cv__rc_csv_field(&b, "", false);
      else csv_dec(&b, x);
      cv__rc_csv_field(&b, "", false);
      cv__rc_csv_field(&b, "", false);
    }
    cv__buf_addc(&b, '\n');
  }
  if (is_slice) {
    cv__buf_addc(&b, '\n');
    struct cv__buf s;
    cv__buf_init(&s, 0);
    cv__buf_printf(&s,
                   "\xe2\x80\xa0"
                   "Elect/Eliminate decisions are from the full contest. All other results on this report are at "
                   "the %s level.",
                   v->slice == CV__RC_PRECINCT ? "precinct" : "batch");
    cv__rc_csv_field(&b, s.data, true);
    cv__buf_fini(&s);
    cv__buf_addc(&b, '\n');
  }
  if (tie_note) {
    cv__buf_addc(&b, '\n');
    cv__rc_csv_field(&b, "*Tie resolved in accordance with election law", true);
    cv__buf_addc(&b, '\n');
  }
  cv__free(ds);
  cv_status st = b.status;
  if (st == CV_OK) st = cv__rc_write_file(path, b.data, b.len, err);
  else cv__failf(err, st, "the report is too large");
  cv__buf_fini(&b);
  return st;
}

/* A decimal as a JSON string, as RCTab serializes BigDecimal. */
static void jw_dec(struct cv__jw *w, struct cv__dec v) {
  char t[CV__DEC_STR_MAX];
  cv__jw_str(w, cv__dec_str(v, t));
}

/* key: string, or null when absent (Jackson writes null fields). */
static void jw_opt(struct cv__jw *w, const char *key, const char *s) {
  cv__jw_key(w, key);
  if (s) cv__jw_str(w, s);
  else cv__jw_null(w);
}

/* A transfer target's name in the JSON report. */
static const char *target_name(const struct cv__rc_contest *c, int32_t to) {
  return to == -1 ? "exhausted" : to == -2 ? "residual surplus" : cname(c, (uint32_t)to);
}

/* Writes RCTab's detailed JSON report for v. */
static cv_status write_json(const struct view *v, const char *path, struct cv_error *err) {
  const struct cv__rc_contest *c = v->c;
  const struct cv__rc_config *cfg = &c->cfg;
  uint32_t nr = c->round;
  struct cv__buf b;
  cv__buf_init(&b, 0);
  struct cv__jw w;
  cv__jw_init(&w, &b, 2);
  const struct cv__rc_decision **ds = cv__malloc((cfg->n_cands + 1) * sizeof *ds);
  if (!ds) return cv__failf(err, CV_ENOMEM, "out of memory");
  bool o = false;
  cv__jw_obj(&w);
  cv__jw_key(&w, "config");
  cv__jw_obj(&w);
  if (v->slice >= 0) jw_opt(&w, v->slice == CV__RC_PRECINCT ? "precinct" : "batch", v->slice_id);
  jw_opt(&w, "contest", cfg->contest_name);
  jw_opt(&w, "date", cfg->date);
  jw_opt(&w, "generatedBy", "canvass " CANVASS_VERSION);
  jw_opt(&w, "jurisdiction", cfg->jurisdiction);
  jw_opt(&w, "office", cfg->office);
  cv__jw_obj_end(&w);
  cv__jw_key(&w, "jsonFormatVersion");
  cv__jw_str(&w, "1");
  cv__jw_key(&w, "results");
  cv__jw_arr(&w);
  for (uint32_t r = 1; r <= nr; r++) {
    const struct cv__rc_tally *t = v->tally(v, r);
    cv__jw_obj(&w);
    cv__jw_key(&w, "inactiveBallots");
    cv__jw_obj(&w);
    for (int s = 0; s < 4; s++) {
      cv__jw_key(&w, cv__rc_status_key(PRINTED[s]));
      jw_dec(&w, t->status[PRINTED[s]]);
    }
    if (cv__rc_uses_surpluses(c) && r == nr) {
      cv__jw_key(&w, cv__rc_status_key(CV__RC_FINAL_SURPLUS));
      jw_dec(&w, t->status[CV__RC_FINAL_SURPLUS]);
    }
    cv__jw_obj_end(&w);
    cv__jw_key(&w, "round");
    cv__jw_uint(&w, r);
    cv__jw_key(&w, "tally");
    cv__jw_obj(&w);
    for (size_t i = 0; i < cfg->n_cands; i++)
      if (t->present[i]) {
        cv__jw_key(&w, cname(c, (uint32_t)i));
        jw_dec(&w, t->cand[i]);
      }
    cv__jw_obj_end(&w);
    cv__jw_key(&w, "tallyResults");
    cv__jw_arr(&w);
    /* transfers are recorded in the round after the decision */
    const struct cv__rc_transfers *tr = r < nr ? &v->tally(v, r + 1)->transfers : NULL;
    for (int elected = 1; elected >= 0; elected--) {
      size_t n = decisions_of(c, r, elected != 0, ds);
      for (size_t i = 0; i < n; i++) {
        cv__jw_obj(&w);
        cv__jw_key(&w, elected ? "elected" : "eliminated");
        cv__jw_str(&w, cname(c, ds[i]->cand));
        cv__jw_key(&w, "transfers");
        cv__jw_obj(&w);
        for (size_t k = 0; tr && k < tr->n; k++)
          if (tr->items[k].from == (int32_t)ds[i]->cand) {
            cv__jw_key(&w, target_name(c, tr->items[k].to));
            jw_dec(&w, tr->items[k].value);
          }
        cv__jw_obj_end(&w);
        cv__jw_obj_end(&w);
      }
    }
    cv__jw_arr_end(&w);
    cv__jw_key(&w, "threshold");
    jw_dec(&w, t->threshold);
    cv__jw_obj_end(&w);
  }
  cv__jw_arr_end(&w);
  const struct cv__rc_tally *r1 = v->tally(v, 1);
  cv__jw_key(&w, "summary");
  cv__jw_obj(&w);
  cv__jw_key(&w, "finalThreshold");
  jw_dec(&w, v->tally(v, nr)->threshold);
  cv__jw_key(&w, "numCandidates");
  cv__jw_uint(&w, cfg->n_cands);
  cv__jw_key(&w, "numWinners");
  cv__jw_uint(&w, c->n_winners);
  cv__jw_key(&w, "totalNumBallots");
  jw_dec(&w, cv__dec_add(cv__rc_active_sum(r1), cv__rc_inactive_sum(r1), &o));
  cv__jw_key(&w, "undervotes");
  cv__jw_int(&w, cv__dec_trunc(r1->status[CV__RC_NO_RANKINGS]));
  cv__jw_obj_end(&w);
  cv__jw_obj_end(&w);
  cv__free(ds);
  cv_status st = cv__jw_finish(&w);
  if (st == CV_OK) {
    cv__buf_addc(&b, '\n');
    st = cv__rc_write_file(path, b.data, b.len, err);
  } else {
    cv__failf(err, st, "the report is too large");
  }
  cv__buf_fini(&b);
  return st;
}

/* Creates one folder unless it exists. */
static cv_status make_dir(const char *path, struct cv_error *err) {
  if (mkdir(path, 0777) != 0 && errno != EEXIST)
    return cv__fail(err, CV_EEXIST, path, 0, 0, NULL, "cannot create the folder: %s", strerror(errno));
  return CV_OK;
}

cv_status cv__rc_write_reports(struct cv__rc_contest *c, const char *dir, struct cv_error *err) {
  size_t n_order = 0;
  uint32_t *order = cv__malloc((c->cfg.n_cands + 1) * sizeof *order);
  if (!order || candidate_order(c, order, &n_order) != CV_OK) {
    cv__free(order);
    return cv__failf(err, CV_ENOMEM, "out of memory");
  }
  struct cv__buf p;
  cv__buf_init(&p, 0);
  struct view v = {c, whole, -1, 0, NULL};
  cv_status st = CV_OK;
  static const char *const names[3] = {"_summary_report.csv", "_detailed_report.csv", "_detailed_report.json"};
  for (int k = 0; k < 3 && st == CV_OK; k++) {
    cv__buf_reset(&p);
    cv__buf_printf(&p, "%s/", dir);
    cv__rc_prefix(c, &p);
    cv__buf_adds(&p, names[k]);
    if (p.status) st = cv__failf(err, p.status, "out of memory");
    else if (k < 2) st = write_csv(&v, order, n_order, k == 1, p.data, err);
    else st = write_json(&v, p.data, err);
  }
  /* per slice, with RCTab's file names: sanitized ids, made unique */
  struct cv__strmap used;
  cv__strmap_init(&used);
  for (int s = 0; s < CV__RC_N_SLICE && st == CV_OK; s++) {
    if (!c->cfg.by_slice[s]) continue;
    const char *label = s == CV__RC_PRECINCT ? "Precinct" : "Batch";
    cv__buf_reset(&p);
    cv__buf_printf(&p, "%s/Tabulate by %s", dir, label);
    if (p.status) st = cv__failf(err, p.status, "out of memory");
    if (st || (st = make_dir(p.data, err))) break;
    for (size_t i = 0; i < c->slices[s].n && st == CV_OK; i++) {
      struct cv__buf san;
      cv__buf_init(&san, 0);
      cv__rc_sanitize(&san, c->slices[s].ids[i]);
      const char *base = san.data ? san.data : "";
      char *uniq = cv__arena_strdup(&c->arena, base);
      uint32_t dummy;
      for (unsigned k = 1; uniq && cv__strmap_get(&used, uniq, &dummy); k++) {
        struct cv__buf t;
        cv__buf_init(&t, 0);
        cv__buf_printf(&t, "%s_%u", base, k);
        uniq = cv__arena_strdup(&c->arena, t.data ? t.data : "");
        cv__buf_fini(&t);
      }
      cv__buf_fini(&san);
      if (!uniq || cv__strmap_put(&used, uniq, 0) == CV_ENOMEM) {
        st = cv__failf(err, CV_ENOMEM, "out of memory");
        break;
      }
      struct view sv = {c, sliced, s, i, c->slices[s].ids[i]};
      for (int k = 1; k < 3 && st == CV_OK; k++) {
        cv__buf_reset(&p);
        cv__buf_printf(&p, "%s/Tabulate by %s/", dir, label);
        cv__rc_prefix(c, &p);
        cv__buf_printf(&p, "_%s_%s%s", uniq, s == CV__RC_PRECINCT ? "precinct" : "batch", names[k]);
        if (p.status) st = cv__failf(err, p.status, "out of memory");
        else if (k == 1) st = write_csv(&sv, order, n_order, true, p.data, err);
        else st = write_json(&sv, p.data, err);
      }
    }
  }
  cv__strmap_fini(&used);
  cv__buf_fini(&p);
  cv__free(order);
  return st;
}
