/* tabulate/rctab_export.c: the record-by-record exports RCTab writes next to
 * its reports: the "RCTab CVR" CSV (one row per record, rank by rank) and
 * the NIST CDF cast vote record JSON with one snapshot per round.
 *
 * The CDF export follows RCTab's choices, which are visible in its output:
 * ids derived from names ("cs-" and "c-" plus the sanitized lower-case
 * name), the precinct units numbered in Java HashSet order, and per round
 * which candidates the ballot counted for and with what fraction. Its
 * ReportingDevice names RCTab because the export reproduces RCTab's format
 * and is compared with RCTab's own files. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "tabulate/rctab.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"

/* How many Rank columns the RCTab CVR CSV has. */
static uint32_t max_rank_column(const struct cv__rc_contest *c) {
  return c->cfg.max_rankings ? c->cfg.max_rankings : (uint32_t)c->cfg.n_declared;
}

void cv__rc_cvr_csv_header(struct cv__rc_contest *c) {
  struct cv__buf *b = &c->rctab_cvr;
  static const char *const cols[] = {"Source Filepath", "CVR Provider", "Contest Id", "RCTab CVR Id",
                                     "Tabulator Id", "Batch Id", "Vendor Id", "Precinct", "Precinct Portion"};
  for (size_t i = 0; i < 9; i++) cv__rc_csv_field(b, cols[i], i == 0);
  char t[32];
  for (uint32_t r = 1; r <= max_rank_column(c); r++) {
    snprintf(t, sizeof t, "Rank %u", r);
    cv__rc_csv_field(b, t, false);
  }
  cv__buf_addc(b, '\n');
}

/* The text the CSV prints for a token at a rank. */
static const char *cvr_text(const struct cv__rc_contest *c, const struct cv__rc_source *src,
                            const struct cv__rc_token *t) {
  if (t->cand < 0) return CV__RC_OVERVOTE_LABEL;
  if (c->cfg.has_uwi && (size_t)t->cand == c->cfg.n_declared) return src->uwi_label ? src->uwi_label : "null";
  return c->cfg.cands[t->cand].name;
}

void cv__rc_cvr_csv_row(struct cv__rc_contest *c, const struct cv__rc_source *src,
                        const struct cv__cvr_record *rec, const char *rctab_id, const uint32_t *ranking) {
  struct cv__buf *b = &c->rctab_cvr;
  cv__rc_csv_field(b, src->file_path, true);
  cv__rc_csv_field(b, src->provider_name, false);
  cv__rc_csv_field(b, src->provider == CV__CVR_DOMINION ? src->contest_id : NULL, false);
  cv__rc_csv_field(b, rctab_id, false);
  cv__rc_csv_field(b, rec->tabulator, false);
  cv__rc_csv_field(b, rec->batch, false);
  cv__rc_csv_field(b, rec->id ? rec->id : "", false);
  cv__rc_csv_field(b, rec->precinct, false);
  cv__rc_csv_field(b, rec->precinct_portion, false);
  uint32_t n_ranks = ranking[0];
  const uint32_t *p = ranking + 1;
  uint32_t i = 0;
  for (uint32_t r = 1; r <= max_rank_column(c); r++) {
    while (i < n_ranks && p[0] < r) {
      p += 2 + p[1];
      i++;
    }
    if (i >= n_ranks || p[0] != r) {
      cv__buf_add(b, ",undervote", 10);
      continue;
    }
    if (p[1] == 1) { /* the common case: one name, its field cached per token */
      struct cv__rc_token *t = &c->tokens[p[2]];
      bool per_source = t->cand < 0 || (c->cfg.has_uwi && (size_t)t->cand == c->cfg.n_declared);
      if (!t->csv || per_source) {
        struct cv__buf f;
        cv__buf_init(&f, 0);
        cv__rc_csv_field(&f, cvr_text(c, src, t), false);
        const char *s = f.status == CV_OK ? cv__arena_strdup(&c->arena, f.data ? f.data : ",") : NULL;
        cv__buf_fini(&f);
        if (!s) {
          b->status = CV_ENOMEM;
          return;
        }
        if (!per_source) t->csv = s;
        cv__buf_adds(b, s);
      } else {
        cv__buf_adds(b, t->csv);
      }
      continue;
    }
    /* several marks at one rank: one line each, in one field */
    struct cv__buf cell;
    cv__buf_init(&cell, 0);
    for (uint32_t k = 0; k < p[1]; k++) {
      if (k) cv__buf_addc(&cell, '\n');
      cv__buf_adds(&cell, cvr_text(c, src, &c->tokens[p[2 + k]]));
    }
    if (cell.status) b->status = cell.status;
    cv__rc_csv_field(b, cell.data ? cell.data : "", false);
    cv__buf_fini(&cell);
  }
  cv__buf_addc(b, '\n');
  /* stream to the file in 1 MiB pieces: a million records make 100+ MB */
  if (c->rctab_cvr_file && b->len >= (1u << 20) && b->status == CV_OK) {
    if (fwrite(b->data, 1, b->len, (FILE *)c->rctab_cvr_file) != b->len) b->status = CV_EIO;
    else cv__buf_reset(b);
  }
}

/* "prefix" + sanitized lower-case text */
static const char *cdf_id(struct cv__rc_contest *c, const char *prefix, const char *text) {
  struct cv__buf b;
  cv__buf_init(&b, 0);
  cv__buf_adds(&b, prefix);
  size_t at = b.len;
  cv__rc_sanitize(&b, text);
  for (size_t i = at; i < b.len; i++) b.data[i] = (char)tolower((unsigned char)b.data[i]);
  const char *s = b.status == CV_OK ? cv__arena_strdup(&c->arena, b.data) : NULL;
  cv__buf_fini(&b);
  return s ? s : "";
}

/* The snapshot in force in a round: the newest one taken at or before it. */
static const struct cv__rc_snap *snap_at(const struct cv__rc_contest *c, size_t ballot, uint32_t round) {
  for (const struct cv__rc_snap *s = c->snaps[ballot]; s; s = s->next)
    if (s->round <= round) return s;
  return NULL;
}

/* One CVRSnapshot: the original marks (round 0) or a round's allocation. */
static void write_snapshot(struct cv__rc_contest *c, struct cv__jw *w, size_t ballot, const char *sid, uint32_t round,
                           const struct cv__rc_snap *snap, uint32_t *cands, uint32_t *first_rank) {
  char idb[700], t[CV__DEC_STR_MAX];
  cv__jw_obj(w);
  if (round) snprintf(idb, sizeof idb, "ballot-%s-round-%u", sid, round);
  else snprintf(idb, sizeof idb, "ballot-%s", sid);
  cv__jw_key(w, "@id");
  cv__jw_str(w, idb);
  cv__jw_key(w, "@type");
  cv__jw_str(w, "CVR.CVRSnapshot");
  cv__jw_key(w, "CVRContest");
  cv__jw_arr(w);
  cv__jw_obj(w);
  cv__jw_key(w, "@type");
  cv__jw_str(w, "CVR.CVRContest");
  cv__jw_key(w, "CVRContestSelection");
  cv__jw_arr(w);
  /* distinct tokens of the ballot, by first rank then text */
  const uint32_t *r = cv__rc_ranking(c, ballot);
  size_t n = 0;
  const uint32_t *p = r + 1;
  for (uint32_t i = 0; i < r[0]; i++, p += 2 + p[1])
    for (uint32_t k = 0; k < p[1]; k++) {
      size_t j;
      for (j = 0; j < n; j++)
        if (cands[j] == p[2 + k]) break;
      if (j == n) {
        cands[n] = p[2 + k];
        first_rank[n++] = p[0];
      }
    }
  for (size_t i = 1; i < n; i++) {
    uint32_t x = cands[i], fr = first_rank[i];
    size_t j = i;
    while (j > 0 && (first_rank[j - 1] > fr ||
                     (first_rank[j - 1] == fr && cv__rc_jcmp(c->tokens[cands[j - 1]].text, c->tokens[x].text) > 0))) {
      cands[j] = cands[j - 1];
      first_rank[j] = first_rank[j - 1];
      j--;
    }
    cands[j] = x;
    first_rank[j] = fr;
  }
  for (size_t i = 0; i < n; i++) {
    const struct cv__rc_token *tok = &c->tokens[cands[i]];
    const char *alloc = "unknown";
    struct cv__dec votes = cv__dec_int(1);
    if (snap) {
      alloc = "no";
      for (uint32_t k = 0; k < snap->n; k++)
        if (strcmp(c->cfg.cands[snap->items[k].winner].name, tok->text) == 0) {
          alloc = "yes";
          votes = snap->items[k].value;
          break;
        }
    }
    const char *fraction = NULL;
    if (!cv__dec_same(votes, cv__dec_int(1))) {
      struct cv__dec f = cv__dec_frac(votes);
      if (cv__dec_sign(f) == 1) fraction = cv__dec_str(f, t) + 1; /* drop the 0 before the point */
    }
    cv__jw_obj(w);
    cv__jw_key(w, "@type");
    cv__jw_str(w, "CVR.CVRContestSelection");
    cv__jw_key(w, "ContestSelectionId");
    cv__jw_str(w, cdf_id(c, "cs-", tok->text));
    cv__jw_key(w, "SelectionPosition");
    cv__jw_arr(w);
    p = r + 1;
    for (uint32_t q = 0; q < r[0]; q++, p += 2 + p[1])
      for (uint32_t k = 0; k < p[1]; k++) {
        if (p[2 + k] != cands[i]) continue;
        cv__jw_obj(w);
        cv__jw_key(w, "@type");
        cv__jw_str(w, "CVR.SelectionPosition");
        if (fraction) {
          cv__jw_key(w, "FractionalVotes");
          cv__jw_str(w, fraction);
        }
        cv__jw_key(w, "HasIndication");
        cv__jw_str(w, "yes");
        cv__jw_key(w, "IsAllocable");
        cv__jw_str(w, alloc);
        cv__jw_key(w, "NumberVotes");
        cv__jw_int(w, cv__dec_trunc(votes));
        cv__jw_key(w, "Rank");
        cv__jw_uint(w, p[0]);
        cv__jw_obj_end(w);
        /* only the first of duplicate rankings can be allocable */
        if (strcmp(alloc, "yes") == 0) alloc = "no";
      }
    cv__jw_arr_end(w);
    cv__jw_obj_end(w);
  }
  cv__jw_arr_end(w);
  cv__jw_key(w, "ContestId");
  cv__jw_str(w, "contest-001");
  cv__jw_obj_end(w);
  cv__jw_arr_end(w);
  cv__jw_key(w, "Type");
  cv__jw_str(w, round ? "interpreted" : "original");
  cv__jw_obj_end(w);
}

/* Writes what b holds to f and empties b (the JSON writer never looks back
 * past a closed value, so the document can be streamed piece by piece). */
static bool flush_to(struct cv__buf *b, FILE *f) {
  if (b->status != CV_OK) return false;
  if (b->len && fwrite(b->data, 1, b->len, f) != b->len) return false;
  cv__buf_reset(b);
  return true;
}

cv_status cv__rc_write_cdf(struct cv__rc_contest *c, const char *dir, struct cv_error *err) {
  const struct cv__rc_config *cfg = &c->cfg;
  struct cv__buf p;
  cv__buf_init(&p, 0);
  cv__buf_printf(&p, "%s/", dir);
  cv__rc_prefix(c, &p);
  cv__buf_adds(&p, "_cdf_cvr.json");
  if (p.status) {
    cv__buf_fini(&p);
    return cv__failf(err, CV_ENOMEM, "out of memory");
  }
  FILE *f = fopen(p.data, "wb");
  if (!f) {
    cv_status st = cv__fail(err, CV_EEXIST, p.data, 0, 0, NULL, "cannot create the file");
    cv__buf_fini(&p);
    return st;
  }
  bool io_ok = true;
  struct cv__buf b;
  cv__buf_init(&b, 0);
  struct cv__jw w;
  cv__jw_init(&w, &b, 2);
  bool by_precinct = cfg->by_slice[CV__RC_PRECINCT];
  const struct cv__rc_slice_set *ps = &c->slices[CV__RC_PRECINCT];
  size_t np = by_precinct ? ps->n : 0;
  size_t *order = cv__malloc((np + 1) * sizeof *order);
  size_t *gpu = cv__malloc((np + 1) * sizeof *gpu);
  uint32_t *cands = cv__malloc((c->n_tokens + 1) * sizeof *cands);
  uint32_t *first = cv__malloc((c->n_tokens + 1) * sizeof *first);
  if (!order || !gpu || !cands || !first) {
    cv__free(order), cv__free(gpu), cv__free(cands), cv__free(first);
    fclose(f);
    cv__buf_fini(&p);
    return cv__failf(err, CV_ENOMEM, "out of memory");
  }
  cv__rc_hash_order(ps->ids, np, 0, order);
  for (size_t i = 0; i < np; i++) gpu[order[i]] = i + 1;
  cv__jw_obj(&w);
  cv__jw_key(&w, "@type");
  cv__jw_str(&w, "CVR.CastVoteRecordReport");
  cv__jw_key(&w, "CVR");
  cv__jw_arr(&w);
  struct cv__buf sid;
  cv__buf_init(&sid, 0);
  char cur[700];
  for (size_t i = 0; i < c->n_records; i++) {
    const struct cv__rc_record *rec = &c->records[i];
    cv__buf_reset(&sid);
    cv__rc_sanitize(&sid, rec->id ? rec->id : "");
    const char *s = sid.data ? sid.data : "";
    cv__jw_obj(&w);
    cv__jw_key(&w, "@type");
    cv__jw_str(&w, "CVR");
    cv__jw_key(&w, "BallotPrePrintedId");
    cv__jw_str(&w, s);
    if (by_precinct) {
      uint32_t pid = c->ballots[rec->ballot].slice[CV__RC_PRECINCT];
      cv__jw_key(&w, "BallotStyleUnitId");
      if (pid) {
        char g[32];
        snprintf(g, sizeof g, "gpu-%zu", gpu[pid - 1]);
        cv__jw_str(&w, g);
      } else {
        cv__jw_null(&w);
      }
    }
    cv__jw_key(&w, "CVRSnapshot");
    cv__jw_arr(&w);
    write_snapshot(c, &w, rec->ballot, s, 0, NULL, cands, first);
    for (uint32_t r = 1; r <= c->round; r++)
      write_snapshot(c, &w, rec->ballot, s, r, c->snaps ? snap_at(c, rec->ballot, r) : NULL, cands, first);
    cv__jw_arr_end(&w);
    if (c->round) snprintf(cur, sizeof cur, "ballot-%s-round-%u", s, c->round);
    else snprintf(cur, sizeof cur, "ballot-%s", s);
    cv__jw_key(&w, "CurrentSnapshotId");
    cv__jw_str(&w, cur);
    cv__jw_key(&w, "ElectionId");
    cv__jw_str(&w, "election-001");
    cv__jw_obj_end(&w);
    if (b.len >= (1u << 20) && io_ok) io_ok = flush_to(&b, f);
  }
  cv__buf_fini(&sid);
  cv__jw_arr_end(&w);
  /* the election: candidates by name, with "overvote" when a source has an overvote label */
  size_t nn = cfg->n_cands + 1;
  const char **names = cv__malloc(nn * sizeof *names);
  if (!names) {
    cv__free(order), cv__free(gpu), cv__free(cands), cv__free(first);
    cv__buf_fini(&b);
    fclose(f);
    cv__buf_fini(&p);
    return cv__failf(err, CV_ENOMEM, "out of memory");
  }
  size_t n = 0;
  for (size_t i = 0; i < cfg->n_cands; i++) names[n++] = cfg->cands[i].name;
  for (size_t i = 0; i < cfg->n_sources; i++)
    if (cfg->sources[i].overvote_label) {
      names[n++] = CV__RC_OVERVOTE_LABEL;
      break;
    }
  for (size_t i = 1; i < n; i++) {
    const char *x = names[i];
    size_t j = i;
    while (j > 0 && cv__rc_jcmp(names[j - 1], x) > 0) {
      names[j] = names[j - 1];
      j--;
    }
    names[j] = x;
  }
  cv__jw_key(&w, "Election");
  cv__jw_arr(&w);
  cv__jw_obj(&w);
  cv__jw_key(&w, "@id");
  cv__jw_str(&w, "election-001");
  cv__jw_key(&w, "@type");
  cv__jw_str(&w, "Election");
  cv__jw_key(&w, "Candidate");
  cv__jw_arr(&w);
  for (size_t i = 0; i < n; i++) {
    cv__jw_obj(&w);
    cv__jw_key(&w, "@id");
    cv__jw_str(&w, cdf_id(c, "c-", names[i]));
    cv__jw_key(&w, "Name");
    cv__jw_str(&w, names[i]);
    cv__jw_obj_end(&w);
  }
  cv__jw_arr_end(&w);
  cv__jw_key(&w, "Contest");
  cv__jw_arr(&w);
  cv__jw_obj(&w);
  cv__jw_key(&w, "@id");
  cv__jw_str(&w, "contest-001");
  cv__jw_key(&w, "@type");
  cv__jw_str(&w, "CandidateContest");
  cv__jw_key(&w, "ContestSelection");
  cv__jw_arr(&w);
  for (size_t i = 0; i < n; i++) {
    cv__jw_obj(&w);
    cv__jw_key(&w, "@id");
    cv__jw_str(&w, cdf_id(c, "cs-", names[i]));
    cv__jw_key(&w, "@type");
    cv__jw_str(&w, "ContestSelection");
    cv__jw_key(&w, "CandidateIds");
    cv__jw_arr(&w);
    cv__jw_str(&w, cdf_id(c, "c-", names[i]));
    cv__jw_arr_end(&w);
    cv__jw_obj_end(&w);
  }
  cv__jw_arr_end(&w);
  cv__jw_key(&w, "Name");
  cv__jw_str(&w, cfg->contest_name);
  cv__jw_obj_end(&w);
  cv__jw_arr_end(&w);
  cv__jw_key(&w, "ElectionScopeId");
  cv__jw_str(&w, "gpu-election");
  cv__jw_obj_end(&w);
  cv__jw_arr_end(&w);
  cv__free(names);
  cv__jw_key(&w, "GeneratedDate");
  cv__jw_str(&w, "1970-01-01T00:00:00Z"); /* ignored by comparisons; kept fixed so runs are reproducible */
  cv__jw_key(&w, "GpUnit");
  cv__jw_arr(&w);
  cv__jw_obj(&w);
  cv__jw_key(&w, "@id");
  cv__jw_str(&w, "gpu-election");
  cv__jw_key(&w, "@type");
  cv__jw_str(&w, "GpUnit");
  cv__jw_key(&w, "Name");
  if (cfg->jurisdiction) cv__jw_str(&w, cfg->jurisdiction);
  else cv__jw_null(&w);
  cv__jw_key(&w, "OtherType");
  cv__jw_str(&w, "Election Scope Jurisdiction");
  cv__jw_key(&w, "Type");
  cv__jw_str(&w, "other");
  cv__jw_obj_end(&w);
  for (size_t i = 0; i < np; i++) {
    char g[32];
    snprintf(g, sizeof g, "gpu-%zu", i + 1);
    cv__jw_obj(&w);
    cv__jw_key(&w, "@id");
    cv__jw_str(&w, g);
    cv__jw_key(&w, "@type");
    cv__jw_str(&w, "GpUnit");
    cv__jw_key(&w, "Name");
    cv__jw_str(&w, ps->ids[order[i]]);
    cv__jw_key(&w, "Type");
    cv__jw_str(&w, "precinct");
    cv__jw_obj_end(&w);
  }
  cv__jw_arr_end(&w);
  cv__jw_key(&w, "ReportGeneratingDeviceIds");
  cv__jw_arr(&w);
  cv__jw_str(&w, "rd-001");
  cv__jw_arr_end(&w);
  cv__jw_key(&w, "ReportingDevice");
  cv__jw_arr(&w);
  cv__jw_obj(&w);
  cv__jw_key(&w, "@id");
  cv__jw_str(&w, "rd-001");
  cv__jw_key(&w, "@type");
  cv__jw_str(&w, "CVR.ReportingDevice");
  cv__jw_key(&w, "Application");
  cv__jw_str(&w, "RCTab");
  cv__jw_key(&w, "Manufacturer");
  cv__jw_str(&w, "Bright Spots");
  cv__jw_obj_end(&w);
  cv__jw_arr_end(&w);
  cv__jw_key(&w, "Version");
  cv__jw_str(&w, "1.0.0");
  cv__jw_obj_end(&w);
  cv__free(order), cv__free(gpu), cv__free(cands), cv__free(first);
  cv_status st = cv__jw_finish(&w);
  if (st == CV_OK) {
    cv__buf_addc(&b, '\n');
    if (io_ok) io_ok = flush_to(&b, f);
    if (fclose(f) != 0) io_ok = false;
    if (!io_ok) st = cv__fail(err, b.status ? b.status : CV_EIO, p.data, 0, 0, NULL, "cannot write the CDF export");
  } else {
    fclose(f);
    cv__failf(err, st, st == CV_ENOMEM ? "out of memory" : "the CDF export is too large");
  }
  cv__buf_fini(&p);
  cv__buf_fini(&b);
  return st;
}
