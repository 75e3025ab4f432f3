/* tabulate/tabulate_rctab.c: cv_tabulate_rctab, the RCTab-compatible count.
 *
 * Reads the configuration, reads every source into distinct rankings once,
 * counts (once, or once per seat for multi-pass IRV, excluding earlier
 * passes' winners) and writes RCTab's files into the output folder. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "canvass/tabulate.h"
#include "tabulate/rctab.h"
#include "util/outdir.h"
#include "util/alloc.h"
#include "util/error.h"

/* Creates path and its missing parents. */
/* OUT/PREFIX_rctab_cvr.csv for the current pass. */
static cv_status cvr_path(const struct cv__rc_contest *c, const char *dir, struct cv__buf *p, struct cv_error *err) {
  cv__buf_reset(p);
  cv__buf_printf(p, "%s/", dir);
  cv__rc_prefix(c, p);
  cv__buf_adds(p, "_rctab_cvr.csv");
  return p->status ? cv__failf(err, p->status, "out of memory") : CV_OK;
}

/* Reads the ballots while streaming the RCTab CVR CSV to its file. */
static cv_status read_all(struct cv__rc_contest *c, const char *dir, cv_progress_fn progress, void *ud,
                          struct cv_error *err) {
  struct cv__buf p;
  cv__buf_init(&p, 0);
  cv_status st = cvr_path(c, dir, &p, err);
  FILE *f = st ? NULL : fopen(p.data, "wb");
  if (!st && !f) st = cv__fail(err, CV_EEXIST, p.data, 0, 0, NULL, "cannot create the file: %s", strerror(errno));
  if (!st) {
    c->rctab_cvr_file = f;
    st = cv__rc_read_ballots(c, progress, ud, err);
    if (!st && c->rctab_cvr.len && fwrite(c->rctab_cvr.data, 1, c->rctab_cvr.len, f) != c->rctab_cvr.len)
      st = cv__fail(err, CV_EIO, p.data, 0, 0, NULL, "cannot write the file");
    c->rctab_cvr_file = NULL;
    if (fclose(f) != 0 && !st) st = cv__fail(err, CV_EIO, p.data, 0, 0, NULL, "cannot write the file");
    cv__buf_reset(&c->rctab_cvr);
  }
  cv__buf_fini(&p);
  return st;
}

/* Copies the first pass's RCTab CVR CSV for a later pass (RCTab writes it
 * again for every pass of multi-pass IRV). */
static cv_status copy_cvr_csv(struct cv__rc_contest *c, const char *dir, struct cv_error *err) {
  struct cv__buf from, to;
  cv__buf_init(&from, 0);
  cv__buf_init(&to, 0);
  uint32_t pass = c->pass;
  c->pass = 1;
  cv_status st = cvr_path(c, dir, &from, err);
  c->pass = pass;
  if (!st) st = cvr_path(c, dir, &to, err);
  FILE *in = st ? NULL : fopen(from.data, "rb");
  FILE *out = in ? fopen(to.data, "wb") : NULL;
  if (!st && (!in || !out)) st = cv__fail(err, CV_EIO, to.data, 0, 0, NULL, "cannot copy the RCTab CVR export");
  char buf[65536];
  size_t n;
  while (!st && (n = fread(buf, 1, sizeof buf, in)) > 0)
    if (fwrite(buf, 1, n, out) != n) st = cv__fail(err, CV_EIO, to.data, 0, 0, NULL, "cannot write the file");
  if (in) fclose(in);
  if (out && fclose(out) != 0 && !st) st = cv__fail(err, CV_EIO, to.data, 0, 0, NULL, "cannot write the file");
  cv__buf_fini(&from);
  cv__buf_fini(&to);
  return st;
}

static cv_status write_outputs(struct cv__rc_contest *c, const char *dir, struct cv_error *err) {
  cv_status st = cv__rc_write_reports(c, dir, err);
  if (st == CV_OK && c->pass > 1) st = copy_cvr_csv(c, dir, err);
  if (st == CV_OK && c->cfg.generate_cdf) st = cv__rc_write_cdf(c, dir, err);
  return st;
}

struct cv__rc_contest *cv__rc_contest_new(void) {
  struct cv__rc_contest *c = cv__calloc(1, sizeof *c);
  if (!c) return NULL;
  cv__arena_init(&c->arena, 0);
  cv__arena_init(&c->carena, 0);
  cv__strmap_init(&c->token_map);
  cv__strmap_init(&c->cfg.names);
  for (int s = 0; s < CV__RC_N_SLICE; s++) cv__strmap_init(&c->slices[s].map);
  cv__buf_init(&c->rctab_cvr, 0);
  return c;
}

void cv__rc_contest_free(struct cv__rc_contest *c) {
  if (!c) return;
  cv__rc_count_fini(c);
  cv__free(c->tokens);
  cv__strmap_fini(&c->token_map);
  cv__strmap_fini(&c->cfg.names);
  cv__free(c->pool);
  cv__free(c->ballots);
  cv__free(c->bhash);
  for (int s = 0; s < CV__RC_N_SLICE; s++) {
    cv__free(c->slices[s].ids);
    cv__strmap_fini(&c->slices[s].map);
  }
  cv__free(c->records);
  cv__buf_fini(&c->rctab_cvr);
  cv__arena_fini(&c->arena);
  cv__free(c);
}

cv_status cv_tabulate_rctab(const char *config_path, const char *output_dir, const char *tiebreak,
                            cv_progress_fn progress, void *progress_ud, struct cv_error *err) {
  if (!config_path || !output_dir) return cv__failf(err, CV_EUSAGE, "give the configuration and the output folder");
  struct cv__rc_contest *c = cv__rc_contest_new();
  if (!c) return cv__failf(err, CV_ENOMEM, "out of memory");
  c->tiebreak_answers = tiebreak;
  /* Everything is written into a staging folder and moved into place only
   * when the whole count has succeeded: never a half-written set. */
  char staged[4096] = "";
  const char *final_dir = output_dir;
  cv_status st = cv__rc_config_load(c, config_path, err);
  if (st == CV_OK) st = cv__outdir_stage(final_dir, staged, sizeof staged, err);
  if (st == CV_OK) output_dir = staged;
  if (st == CV_OK) {
    c->keep_records = c->cfg.generate_cdf;
    c->pass = c->cfg.mode == CV__RC_MULTI_PASS ? 1 : 0;
    st = read_all(c, output_dir, progress, progress_ud, err);
  }
  if (st == CV_OK) {
    c->excluded = cv__arena_calloc(&c->arena, c->cfg.n_cands, sizeof *c->excluded);
    if (!c->excluded) st = cv__failf(err, CV_ENOMEM, "out of memory");
    for (size_t i = 0; st == CV_OK && i < c->cfg.n_cands; i++) c->excluded[i] = c->cfg.cands[i].excluded;
  }
  if (st == CV_OK && c->cfg.mode == CV__RC_MULTI_PASS) {
    /* one single-seat count per seat; each winner is excluded from the next */
    c->n_winners = 1;
    for (uint32_t pass = 1; st == CV_OK && pass <= c->cfg.n_winners; pass++) {
      c->pass = pass;
      if (progress) progress(progress_ud, "counting", pass - 1, c->cfg.n_winners);
      st = cv__rc_count(c, err);
      if (st == CV_OK) st = write_outputs(c, output_dir, err);
      if (st) break;
      int32_t winner = -1;
      size_t n_new = 0;
      for (size_t i = 0; i < c->cfg.n_cands; i++)
        if (c->elected_round[i]) winner = (int32_t)i, n_new++;
      if (n_new != 1) {
        st = cv__failf(err, CV_EINVAL, "multi-pass IRV: pass %u elected %zu candidates instead of one", pass, n_new);
        break;
      }
      c->excluded[winner] = true;
    }
  } else if (st == CV_OK) {
    c->n_winners = c->cfg.n_winners;
    if (progress) progress(progress_ud, "counting", 0, 1);
    st = cv__rc_count(c, err);
    if (st == CV_OK) st = write_outputs(c, output_dir, err);
  }
  cv__rc_contest_free(c);
  if (st == CV_OK && staged[0]) st = cv__outdir_commit(staged, final_dir, err);
  else cv__outdir_abort(staged);
  return st;
}

cv_status cv__rc_convert_cdf(const char *config_path, const char *output_dir, struct cv_error *err) {
  if (!config_path || !output_dir) return cv__failf(err, CV_EUSAGE, "give the configuration and the output folder");
  struct cv__rc_contest *c = cv__rc_contest_new();
  if (!c) return cv__failf(err, CV_ENOMEM, "out of memory");
  char staged[4096] = "";
  cv_status st = cv__rc_config_load(c, config_path, err);
  if (st == CV_OK) st = cv__outdir_stage(output_dir, staged, sizeof staged, err);
  if (st == CV_OK) {
    /* RCTab's conversion writes no RCTab CVR CSV (no file: no rows) */
    c->keep_records = true;
    st = cv__rc_read_ballots(c, NULL, NULL, err);
  }
  if (st == CV_OK) st = cv__rc_write_cdf(c, staged, err); /* no rounds: original snapshots only */
  cv__rc_contest_free(c);
  if (st == CV_OK) st = cv__outdir_commit(staged, output_dir, err);
  else cv__outdir_abort(staged);
  return st;
}

cv_status cv_convert_rctab_cdf(const char *config_path, const char *output_dir, struct cv_error *err) {
  return cv__rc_convert_cdf(config_path, output_dir, err);
}
