/* tabulate/rctab_ballots.c: cast vote records -> distinct rankings with weights.
 *
 * Every record is reduced to its ranking (the marks sorted by rank, each
 * mark turned into a token: one per distinct text) and its slices (precinct,
 * batch) when reports per slice are asked for. Records with the same
 * ranking and slices count once with a weight, so memory and counting time
 * follow the number of distinct rankings rather than ballots. Nothing is
 * lost: RCTab treats two records with the same ranking and slices
 * identically in every round. Records are kept one by one only when an
 * export lists them (the CDF CVR export). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tabulate/rctab.h"
#include "util/alloc.h"
#include "util/error.h"

#define MAX_TEXT 4096
#define MAX_MARKS 4096

struct pair {
  uint32_t rank, token, order;
};

struct unknown {
  const char *text;
  uint64_t count;
  uint32_t line, column;
};

struct rctx {
  struct cv__rc_contest *c;
  uint32_t src_index;
  const struct cv__rc_source *src;
  uint64_t n_in_source;
  const char *base;            /* the source's file name, for computed ids */
  char *san_base;              /* the same, sanitized */
  struct pair *pairs;
  size_t cap_pairs;
  uint32_t *key;
  size_t cap_key;
  struct unknown *unknown;
  size_t n_unknown, cap_unknown;
  struct cv__strmap unknown_map;
  cv_progress_fn progress;
  void *progress_ud;
};

/* FNV-1a style hash of a key's words. */
static uint64_t hash_words(const uint32_t *w, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= w[i];
    h *= 1099511628211ULL;
    h ^= h >> 29;
  }
  return h;
}

/* Finds or makes the token for text; -1 when text names no candidate. */
static cv_status token_for(struct cv__rc_contest *c, const char *text, bool overvote, int32_t *out) {
  uint32_t id;
  if (cv__strmap_get(&c->token_map, text, &id)) {
    *out = (int32_t)id;
    return CV_OK;
  }
  int32_t cand = -1;
  bool is_name = false;
  uint32_t ci;
  if (!overvote) {
    if (!cv__strmap_get(&c->cfg.names, text, &ci)) {
      *out = -1;
      return CV_OK;
    }
    cand = (int32_t)ci;
    is_name = strcmp(c->cfg.cands[ci].name, text) == 0;
  }
  cv_status st = cv__grow((void **)&c->tokens, &c->cap_tokens, c->n_tokens + 1, sizeof *c->tokens,
                          CV__RC_MAX_CANDIDATES * 64u);
  if (st) return st;
  char *copy = cv__arena_strdup(&c->arena, text);
  if (!copy) return CV_ENOMEM;
  struct cv__rc_token *t = &c->tokens[c->n_tokens];
  t->text = copy;
  t->cand = cand;
  t->is_name = is_name;
  t->csv = NULL;
  if ((st = cv__strmap_put(&c->token_map, copy, (uint32_t)c->n_tokens))) return st;
  *out = (int32_t)c->n_tokens++;
  return CV_OK;
}

static cv_status note_unknown(struct rctx *x, const char *text, const struct cv__cvr_mark *m) {
  uint32_t i;
  if (cv__strmap_get(&x->unknown_map, text, &i)) {
    x->unknown[i].count++;
    return CV_OK;
  }
  if (x->n_unknown >= 10000) return CV_OK; /* enough to report */
  cv_status st = cv__grow((void **)&x->unknown, &x->cap_unknown, x->n_unknown + 1, sizeof *x->unknown, 10000);
  if (st) return st;
  char *copy = cv__arena_strdup(&x->c->arena, text);
  if (!copy) return CV_ENOMEM;
  x->unknown[x->n_unknown] = (struct unknown){copy, 1, m->line, m->column};
  if ((st = cv__strmap_put(&x->unknown_map, copy, (uint32_t)x->n_unknown))) return st;
  x->n_unknown++;
  return CV_OK;
}

/* By rank, then source order (Java's stable sort of the rankings). */
static int cmp_pair(const void *a, const void *b) {
  const struct pair *p = a, *q = b;
  if (p->rank != q->rank) return p->rank < q->rank ? -1 : 1;
  return p->order < q->order ? -1 : p->order > q->order;
}

/* The 1-based index of a precinct or batch id, added when new. */
static cv_status slice_id(struct cv__rc_contest *c, int s, const char *id, uint32_t *out) {
  struct cv__rc_slice_set *set = &c->slices[s];
  uint32_t v;
  if (cv__strmap_get(&set->map, id, &v)) {
    *out = v + 1;
    return CV_OK;
  }
  cv_status st = cv__grow((void **)&set->ids, &set->cap, set->n + 1, sizeof *set->ids, CV__RC_MAX_SLICES);
  if (st) return st;
  char *copy = cv__arena_strdup(&c->arena, id);
  if (!copy) return CV_ENOMEM;
  set->ids[set->n] = copy;
  if ((st = cv__strmap_put(&set->map, copy, (uint32_t)set->n))) return st;
  *out = (uint32_t)++set->n;
  return CV_OK;
}

/* Doubles the distinct-ballot hash table and re-inserts every ballot. */
static cv_status bhash_grow(struct cv__rc_contest *c) {
  size_t cap = c->bhash_cap ? c->bhash_cap * 2 : 1024;
  uint32_t *t = cv__calloc(cap, sizeof *t);
  if (!t) return CV_ENOMEM;
  for (size_t b = 0; b < c->n_ballots; b++) {
    const struct cv__rc_ballot *bl = &c->ballots[b];
    const uint32_t *k = c->pool + bl->key;
    /* the stored key includes the slice words right before the ranking */
    size_t len = k[-1];
    uint64_t h = hash_words(k - 1 - CV__RC_N_SLICE, len + 1 + CV__RC_N_SLICE);
    size_t i = (size_t)h & (cap - 1);
    while (t[i]) i = (i + 1) & (cap - 1);
    t[i] = (uint32_t)b + 1;
  }
  cv__free(c->bhash);
  c->bhash = t;
  c->bhash_cap = cap;
  return CV_OK;
}

/* Adds one record with the encoded key (slices, length, ranking) to the
 * distinct ballots; writes the ballot index. */
static cv_status add_ballot(struct cv__rc_contest *c, const uint32_t *key, size_t klen, uint32_t *out) {
  if ((c->n_ballots + 1) * 2 > c->bhash_cap) {
    cv_status st = bhash_grow(c);
    if (st) return st;
  }
  uint64_t h = hash_words(key, klen);
  size_t i = (size_t)h & (c->bhash_cap - 1);
  for (; c->bhash[i]; i = (i + 1) & (c->bhash_cap - 1)) {
    uint32_t b = c->bhash[i] - 1;
    const uint32_t *k = c->pool + c->ballots[b].key - 1 - CV__RC_N_SLICE;
    if (k[CV__RC_N_SLICE] + 1 + CV__RC_N_SLICE == klen && memcmp(k, key, klen * sizeof *key) == 0) {
      c->ballots[b].weight++;
      *out = b;
      return CV_OK;
    }
  }
  if (c->n_ballots >= CV__RC_MAX_BALLOTS) return CV_ELIMIT;
  cv_status st = cv__grow((void **)&c->ballots, &c->cap_ballots, c->n_ballots + 1, sizeof *c->ballots,
                          CV__RC_MAX_BALLOTS);
  if (st) return st;
  if (c->pool_len + klen > UINT32_MAX - 1) return CV_ELIMIT;
  if ((st = cv__grow((void **)&c->pool, &c->pool_cap, c->pool_len + klen, sizeof *c->pool,
                     (size_t)UINT32_MAX)))
    return st;
  memcpy(c->pool + c->pool_len, key, klen * sizeof *key);
  struct cv__rc_ballot *b = &c->ballots[c->n_ballots];
  b->key = (uint32_t)(c->pool_len + 1 + CV__RC_N_SLICE);
  for (int s = 0; s < CV__RC_N_SLICE; s++) b->slice[s] = key[s];
  b->weight = 1;
  c->pool_len += klen;
  c->bhash[i] = (uint32_t)c->n_ballots + 1;
  *out = (uint32_t)c->n_ballots++;
  return CV_OK;
}

/* The reader's callback: one record -> tokens -> its distinct ballot (+1). */
static cv_status on_record(void *ud, const struct cv__cvr_record *rec, struct cv_error *err) {
  struct rctx *x = ud;
  struct cv__rc_contest *c = x->c;
  const struct cv__rc_source *src = x->src;
  x->n_in_source++;
  c->n_read++;
  if (rec->n_marks > MAX_MARKS)
    return cv__fail(err, CV_ELIMIT, rec->file, rec->line, rec->column, NULL,
                    "a record has more than %u marks", MAX_MARKS);
  cv_status st = cv__grow((void **)&x->pairs, &x->cap_pairs, rec->n_marks + 1, sizeof *x->pairs, MAX_MARKS + 1);
  if (st) return cv__failf(err, st, "out of memory");
  size_t np = 0;
  char text[MAX_TEXT + 1];
  for (size_t i = 0; i < rec->n_marks; i++) {
    const struct cv__cvr_mark *m = &rec->marks[i];
    if (m->rank == 0)
      return cv__fail(err, CV_EINVAL, rec->file, m->line, m->column, NULL, "a ranking must be 1 or more");
    if (c->cfg.max_rankings && m->rank > c->cfg.max_rankings)
      return cv__fail(err, CV_EINVAL, rec->file, m->line, m->column, "rules.maxRankingsAllowed",
                      "a record has a ranking %u, but maxRankingsAllowed is %u", m->rank, c->cfg.max_rankings);
    if (rec->source_max_rank && m->rank > rec->source_max_rank)
      return cv__fail(err, CV_EINVAL, rec->file, m->line, m->column, NULL,
                      "a record has a ranking %u, but its contest allows %u rankings", m->rank,
                      rec->source_max_rank);
    if (m->rank > CV__RC_MAX_RANK)
      return cv__fail(err, CV_ELIMIT, rec->file, m->line, m->column, NULL, "a ranking above %u", CV__RC_MAX_RANK);
    bool overvote = m->kind == CV__MARK_OVERVOTE, uwi = m->kind == CV__MARK_UWI;
    const char *t;
    if (uwi) {
      t = CV__RC_UWI_LABEL;
    } else if (overvote) {
      t = CV__RC_OVERVOTE_LABEL;
    } else {
      if (m->text_len > MAX_TEXT)
        return cv__fail(err, CV_ELIMIT, rec->file, m->line, m->column, NULL,
                        "a candidate name longer than %u bytes", MAX_TEXT);
      memcpy(text, m->text, m->text_len);
      text[m->text_len] = '\0';
      t = text;
      if (src->uwi_label && strcmp(text, src->uwi_label) == 0) {
        t = CV__RC_UWI_LABEL;
        uwi = true;
      } else if (src->overvote_label && strcmp(text, src->overvote_label) == 0) {
        t = CV__RC_OVERVOTE_LABEL;
        overvote = true;
      }
    }
    if (uwi && !c->cfg.has_uwi)
      return cv__fail(err, CV_EINVAL, rec->file, m->line, m->column, NULL,
                      "an undeclared write-in, but no source gives undeclaredWriteInLabel");
    int32_t tok;
    if ((st = token_for(c, t, overvote, &tok))) return cv__failf(err, st, "out of memory");
    if (tok < 0) {
      if ((st = note_unknown(x, t, m))) return cv__failf(err, st, "out of memory");
      continue;
    }
    x->pairs[np++] = (struct pair){m->rank, (uint32_t)tok, (uint32_t)i};
  }
  /* stable by rank: usually a handful of marks, already in order */
  for (size_t i = 1; i < np; i++) {
    struct pair t = x->pairs[i];
    size_t j = i;
    while (j > 0 && cmp_pair(&x->pairs[j - 1], &t) > 0) {
      x->pairs[j] = x->pairs[j - 1];
      j--;
    }
    x->pairs[j] = t;
  }
  /* key: slices, length of the ranking, then the ranking */
  size_t need = CV__RC_N_SLICE + 1 + 1 + 2 * np + np;
  if ((st = cv__grow((void **)&x->key, &x->cap_key, need, sizeof *x->key, 4 * MAX_MARKS + 8)))
    return cv__failf(err, st, "out of memory");
  uint32_t *k = x->key;
  const char *sl[CV__RC_N_SLICE] = {rec->precinct, rec->batch};
  for (int s = 0; s < CV__RC_N_SLICE; s++) {
    k[s] = 0;
    if (c->cfg.by_slice[s] && sl[s] && sl[s][0])
      if ((st = slice_id(c, s, sl[s], &k[s]))) return cv__failf(err, st, "too many precincts or batches");
  }
  uint32_t *r = k + CV__RC_N_SLICE + 1;
  size_t len = 1;
  uint32_t n_ranks = 0;
  for (size_t i = 0; i < np;) {
    size_t j = i;
    while (j < np && x->pairs[j].rank == x->pairs[i].rank) j++;
    r[len++] = x->pairs[i].rank;
    r[len++] = (uint32_t)(j - i);
    for (size_t q = i; q < j; q++) r[len++] = x->pairs[q].token;
    n_ranks++;
    i = j;
  }
  r[0] = n_ranks;
  k[CV__RC_N_SLICE] = (uint32_t)len;
  uint32_t b;
  if ((st = add_ballot(c, k, CV__RC_N_SLICE + 1 + len, &b)))
    return cv__failf(err, st, st == CV_ELIMIT ? "too many distinct rankings" : "out of memory");
  /* the id RCTab gives a record: its computed id when the format has one
   * (from the reader, else computed here for CDF and ES&S), else the id */
  char idbuf[600];
  const char *rid = rec->id;
  if (rec->computed_id && rec->computed_id[0]) {
    rid = rec->computed_id;
  } else if (src->provider == CV__CVR_CDF) {
    snprintf(idbuf, sizeof idbuf, "%s(%llu)", x->base, (unsigned long long)x->n_in_source);
    rid = idbuf;
  } else if (src->provider == CV__CVR_ESS) {
    if (!x->san_base) {
      struct cv__buf sb;
      cv__buf_init(&sb, 0);
      cv__rc_sanitize(&sb, x->base);
      x->san_base = cv__buf_take(&sb, NULL);
      if (!x->san_base) return cv__failf(err, CV_ENOMEM, "out of memory");
    }
    /* "NAME-N" without printf: this runs once per record */
    size_t bl = strlen(x->san_base);
    if (bl > sizeof idbuf - 24) bl = sizeof idbuf - 24;
    memcpy(idbuf, x->san_base, bl);
    idbuf[bl++] = '-';
    char digits[24];
    size_t nd = 0;
    uint64_t v = x->n_in_source;
    do {
      digits[nd++] = (char)('0' + v % 10);
      v /= 10;
    } while (v);
    while (nd) idbuf[bl++] = digits[--nd];
    idbuf[bl] = '\0';
    rid = idbuf;
  }
  if (c->keep_records) {
    if ((st = cv__grow((void **)&c->records, &c->cap_records, c->n_records + 1, sizeof *c->records,
                       CV__RC_MAX_BALLOTS)))
      return cv__failf(err, st, "out of memory");
    const char *idc = rid ? cv__arena_strdup(&c->arena, rid) : NULL;
    if (rid && !idc) return cv__failf(err, CV_ENOMEM, "out of memory");
    c->records[c->n_records++] = (struct cv__rc_record){b, x->src_index, idc};
  }
  if (c->rctab_cvr_file) cv__rc_cvr_csv_row(c, src, rec, rid, cv__rc_ranking(c, b));
  if (c->rctab_cvr.status != CV_OK)
    return cv__failf(err, c->rctab_cvr.status,
                     c->rctab_cvr.status == CV_EIO ? "cannot write the RCTab CVR export" : "the RCTab CVR export is too large");
  return CV_OK;
}

/* Forwards the reader's progress to the caller's callback. */
static void on_progress(void *ud, uint64_t done, uint64_t total) {
  struct rctx *x = ud;
  if (x->progress) x->progress(x->progress_ud, "reading cast vote records", done, total);
}

cv_status cv__rc_read_ballots(struct cv__rc_contest *c, cv_progress_fn progress, void *progress_ud,
                              struct cv_error *err) {
  cv__rc_cvr_csv_header(c);
  cv_status st = CV_OK;
  for (size_t i = 0; i < c->cfg.n_sources && st == CV_OK; i++) {
    const struct cv__rc_source *src = &c->cfg.sources[i];
    struct rctx x = {0};
    x.c = c;
    x.src_index = (uint32_t)i;
    x.src = src;
    x.progress = progress;
    x.progress_ud = progress_ud;
    const char *slash = strrchr(src->path, '/');
    x.base = slash ? slash + 1 : src->path;
    cv__strmap_init(&x.unknown_map);
    struct cv__cvr_source cs = {0};
    cs.provider = src->provider;
    cs.path = src->path;
    cs.contest_id = src->contest_id;
    cs.first_vote_column = src->first_vote_column;
    cs.first_vote_row = src->first_vote_row;
    cs.id_column = src->id_column;
    cs.precinct_column = src->precinct_column;
    cs.batch_column = src->batch_column;
    cs.overvote_delimiter = src->overvote_delimiter;
    cs.overvote_label = src->overvote_label;
    cs.skipped_rank_label = src->skipped_rank_label;
    cs.undeclared_write_in_label = src->uwi_label;
    cs.treat_blank_as_undeclared_write_in = src->treat_blank_as_uwi;
    cs.max_rankings = c->cfg.max_rankings;
    cs.data = src->data;
    cs.data_len = src->data_len;
    st = cv__cvr_read(&cs, on_record, &x, on_progress, err);
    if (st == CV_OK && x.n_unknown > 0) {
      const struct unknown *u = &x.unknown[0];
      st = cv__fail(err, CV_EINVAL, src->path, u->line, u->column, "candidates",
                    "the file names candidate \"%s\" (%llu time%s)%s that the configuration does not "
                    "list as a name or alias; check the candidate names, firstVoteRowIndex, "
                    "firstVoteColumnIndex and precinctColumnIndex",
                    u->text, (unsigned long long)u->count, u->count == 1 ? "" : "s",
                    x.n_unknown > 1 ? " and other unknown names" : "");
    }
    cv__free(x.san_base);
    cv__free(x.pairs);
    cv__free(x.key);
    cv__free(x.unknown);
    cv__strmap_fini(&x.unknown_map);
  }
  if (st) return st;
  if (c->n_read == 0) return cv__failf(err, CV_EINVAL, "no cast vote records found in the sources");
  for (int s = 0; s < CV__RC_N_SLICE; s++)
    if (c->cfg.by_slice[s] && c->slices[s].n == 0)
      return cv__fail(err, CV_EINVAL, c->cfg.config_path, 0, 0,
                      s == CV__RC_PRECINCT ? "outputSettings.tabulateByPrecinct" : "outputSettings.tabulateByBatch",
                      "tabulate by %s is on, but the cast vote records name no %s",
                      s == CV__RC_PRECINCT ? "precinct" : "batch", s == CV__RC_PRECINCT ? "precincts" : "batches");
  return CV_OK;
}
