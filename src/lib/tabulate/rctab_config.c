/* tabulate/rctab_config.c: reading and checking an RCTab contest configuration.
 *
 * RCTab reads its configuration with Jackson into string and boolean fields,
 * so a number may be written as 4 or "4" and an absent field is null; we
 * accept the same spellings. Its validation rules are reproduced here with
 * messages that name the configuration field; the first problem found is
 * reported. Unknown keys are ignored, as RCTab ignores them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "tabulate/rctab.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"

#define MAX_CONFIG_BYTES (16u * 1024u * 1024u)

struct reader {
  struct cv__rc_contest *c;
  const char *file;
  struct cv_error *err;
};

/* An EINVAL naming the field, at v's position. */
static cv_status bad(const struct reader *r, const struct cv__jval *v, const char *field,
                     const char *fmt, const char *arg) {
  /* fmt holds at most one %s, replaced by arg (no printf on a variable format) */
  char msg[400];
  const char *at = strstr(fmt, "%s");
  if (at) snprintf(msg, sizeof msg, "%.*s%s%s", (int)(at - fmt), fmt, arg ? arg : "", at + 2);
  else snprintf(msg, sizeof msg, "%s", fmt);
  return cv__fail(r->err, CV_EINVAL, r->file, v ? v->line : 0, v ? v->column : 0, field, "%s", msg);
}

/* A string-valued field: a JSON string, an integer (its decimal text) or
 * null/absent (*out = NULL). Blank strings count as absent, as RCTab's
 * isNullOrBlank does. */
static cv_status get_text(const struct reader *r, const struct cv__jval *obj, const char *key,
                          const char *field, const char **out) {
  const struct cv__jval *v = cv__json_get(obj, key);
  *out = NULL;
  if (!v || v->kind == CV__J_NULL) return CV_OK;
  if (v->kind == CV__J_STR) {
    const char *s = v->u.str.s;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    if (*s) *out = v->u.str.s;
    return CV_OK;
  }
  if (v->kind == CV__J_INT) {
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%lld", (long long)v->u.i);
    *out = cv__arena_strdup(&r->c->arena, tmp);
    return *out ? CV_OK : cv__failf(r->err, CV_ENOMEM, "out of memory");
  }
  return bad(r, v, field, "must be a string or a number", NULL);
}

static cv_status get_bool(const struct reader *r, const struct cv__jval *obj, const char *key,
                          const char *field, bool *out) {
  const struct cv__jval *v = cv__json_get(obj, key);
  *out = false;
  if (!v || v->kind == CV__J_NULL) return CV_OK;
  if (v->kind == CV__J_BOOL) {
    *out = v->u.b;
    return CV_OK;
  }
  if (v->kind == CV__J_STR && (strcmp(v->u.str.s, "true") == 0 || strcmp(v->u.str.s, "false") == 0)) {
    *out = v->u.str.s[0] == 't';
    return CV_OK;
  }
  return bad(r, v, field, "must be true or false", NULL);
}

/* Parses a decimal integer text in [lo, hi]. */
static bool parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out) {
  if (!s || !*s) return false;
  char *end = NULL;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || *end || end == s || v < lo || v > hi) return false;
  *out = v;
  return true;
}

/* An optional integer field in [lo, hi]; absent leaves *out and *given false. */
static cv_status get_int(const struct reader *r, const struct cv__jval *obj, const char *key,
                         const char *field, int64_t lo, int64_t hi, bool required, int64_t *out,
                         bool *given) {
  const char *s = NULL;
  cv_status st = get_text(r, obj, key, field, &s);
  if (st) return st;
  if (given) *given = s != NULL;
  if (!s) {
    if (!required) return CV_OK;
    char msg[160];
    snprintf(msg, sizeof msg, "is required: an integer from %lld to %lld", (long long)lo,
             (long long)hi);
    return bad(r, obj, field, "%s", msg);
  }
  if (!parse_int(s, lo, hi, out)) {
    char msg[200];
    snprintf(msg, sizeof msg, "must be an integer from %lld to %lld (found \"%.60s\")",
             (long long)lo, (long long)hi, s);
    return bad(r, cv__json_get(obj, key), field, "%s", msg);
  }
  return CV_OK;
}

/* True when something exists at path. */
static bool file_exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

/* A source path resolved against the configuration's folder. */
static const char *resolve(struct cv__rc_contest *c, const char *p) {
  if (p[0] == '/') return cv__arena_strdup(&c->arena, p);
  size_t n = strlen(c->cfg.dir) + strlen(p) + 2;
  char *out = cv__arena_alloc(&c->arena, n);
  if (out) snprintf(out, n, "%s/%s", c->cfg.dir, p);
  return out;
}

/* Case-insensitive suffix test. */
static bool ends_with_ci(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* RCTab's reserved transfer labels, which no name or label may use. */
static bool is_reserved(const char *s) {
  return strcasecmp(s, "residual surplus") == 0 || strcasecmp(s, "exhausted") == 0 ||
         strcasecmp(s, "uncounted") == 0;
}

/* outputSettings. */
static cv_status read_output(const struct reader *r, const struct cv__jval *root) {
  struct cv__rc_config *cfg = &r->c->cfg;
  const struct cv__jval *o = cv__json_get(root, "outputSettings");
  if (!o || o->kind != CV__J_OBJ) return bad(r, o ? o : root, "outputSettings", "is required (an object)", NULL);
  cv_status st;
  if ((st = get_text(r, o, "contestName", "outputSettings.contestName", &cfg->contest_name))) return st;
  if (!cfg->contest_name) return bad(r, o, "outputSettings.contestName", "is required", NULL);
  const struct cv__jval *v;
  /* Absent strings print as JSON null in RCTab's reports; keep blanks as given. */
  cfg->jurisdiction = (v = cv__json_get(o, "contestJurisdiction")) && v->kind == CV__J_STR ? v->u.str.s : NULL;
  cfg->office = (v = cv__json_get(o, "contestOffice")) && v->kind == CV__J_STR ? v->u.str.s : NULL;
  cfg->date = (v = cv__json_get(o, "contestDate")) && v->kind == CV__J_STR ? v->u.str.s : NULL;
  if ((st = get_bool(r, o, "tabulateByPrecinct", "outputSettings.tabulateByPrecinct",
                     &cfg->by_slice[CV__RC_PRECINCT])))
    return st;
  if ((st = get_bool(r, o, "tabulateByBatch", "outputSettings.tabulateByBatch",
                     &cfg->by_slice[CV__RC_BATCH])))
    return st;
  if ((st = get_bool(r, o, "generateCdfJson", "outputSettings.generateCdfJson", &cfg->generate_cdf)))
    return st;
  const char *outdir = NULL;
  if ((st = get_text(r, o, "outputDirectory", "outputSettings.outputDirectory", &outdir))) return st;
  /* RCTab refuses output under the computer's user account folders so its
   * files stay read-only to other users; a Windows path there is refused
   * the same way (canvass itself writes where --output says). */
  if (outdir && ((outdir[0] && outdir[1] == ':' && (outdir[2] == '/' || outdir[2] == '\\') &&
                  strncasecmp(outdir + 3, "Users", 5) == 0 &&
                  (outdir[8] == '\0' || outdir[8] == '/' || outdir[8] == '\\'))))
    return bad(r, cv__json_get(o, "outputDirectory"), "outputSettings.outputDirectory",
               "names a folder under the computer's user accounts (\"%s\"); RCTab refuses such "
               "output folders",
               outdir);
  return CV_OK;
}

/* cvrFileSources, checked per provider as RCTab checks them. */
static cv_status read_sources(const struct reader *r, const struct cv__jval *root) {
  struct cv__rc_contest *c = r->c;
  struct cv__rc_config *cfg = &c->cfg;
  const struct cv__jval *a = cv__json_get(root, "cvrFileSources");
  if (!a || a->kind != CV__J_ARR || a->u.arr.n == 0)
    return bad(r, a ? a : root, "cvrFileSources", "must list at least one cast vote record file", NULL);
  if (a->u.arr.n > CV__RC_MAX_SOURCES)
    return cv__fail(r->err, CV_ELIMIT, r->file, a->line, a->column, "cvrFileSources",
                    "more than %u sources", CV__RC_MAX_SOURCES);
  cfg->n_sources = a->u.arr.n;
  cfg->sources = cv__arena_calloc(&c->arena, cfg->n_sources, sizeof *cfg->sources);
  if (!cfg->sources) return cv__failf(r->err, CV_ENOMEM, "out of memory");
  for (size_t i = 0; i < cfg->n_sources; i++) {
    const struct cv__jval *s = a->u.arr.items[i];
    struct cv__rc_source *src = &cfg->sources[i];
    char f[160];
    cv_status st;
    if (s->kind != CV__J_OBJ) {
      snprintf(f, sizeof f, "cvrFileSources[%zu]", i);
      return bad(r, s, f, "must be an object", NULL);
    }
#define FIELD(k) (snprintf(f, sizeof f, "cvrFileSources[%zu].%s", i, k), f)
    if ((st = get_text(r, s, "filePath", FIELD("filePath"), &src->file_path))) return st;
    if (!src->file_path) return bad(r, s, FIELD("filePath"), "is required for each cast vote record file", NULL);
    if ((st = get_text(r, s, "provider", FIELD("provider"), &src->provider_name))) return st;
    if (!src->provider_name || !cv__cvr_provider_from_name(src->provider_name, &src->provider))
      return bad(r, cv__json_get(s, "provider") ? cv__json_get(s, "provider") : s, FIELD("provider"),
                 "must be one of cdf, clearBallot, dominion, ess, hart, genericCsv (found \"%s\")",
                 src->provider_name ? src->provider_name : "");
    const char *t;
    if ((st = get_text(r, s, "contestId", FIELD("contestId"), &src->contest_id))) return st;
    if ((st = get_text(r, s, "overvoteDelimiter", FIELD("overvoteDelimiter"), &src->overvote_delimiter))) return st;
    if ((st = get_text(r, s, "overvoteLabel", FIELD("overvoteLabel"), &src->overvote_label))) return st;
    if ((st = get_text(r, s, "skippedRankLabel", FIELD("skippedRankLabel"), &src->skipped_rank_label))) return st;
    if ((st = get_text(r, s, "undeclaredWriteInLabel", FIELD("undeclaredWriteInLabel"), &src->uwi_label))) return st;
    if ((st = get_bool(r, s, "treatBlankAsUndeclaredWriteIn", FIELD("treatBlankAsUndeclaredWriteIn"),
                       &src->treat_blank_as_uwi)))
      return st;
    bool tabular = src->provider == CV__CVR_ESS || src->provider == CV__CVR_GENERIC_CSV;
    int64_t v;
    bool given;
    const char *cols[] = {"firstVoteColumnIndex", "firstVoteRowIndex", "idColumnIndex",
                          "precinctColumnIndex", "batchColumnIndex"};
    uint32_t *dst[] = {&src->first_vote_column, &src->first_vote_row, &src->id_column,
                       &src->precinct_column, &src->batch_column};
    for (int k = 0; k < 5; k++) {
      int64_t hi = k == 1 ? 100000 : 1000;
      if (!tabular) {
        if ((st = get_text(r, s, cols[k], FIELD(cols[k]), &t))) return st;
        if (t) return bad(r, cv__json_get(s, cols[k]), FIELD(cols[k]),
                          "should not be given for provider \"%s\"", src->provider_name);
        continue;
      }
      if ((st = get_int(r, s, cols[k], FIELD(cols[k]), 1, hi, k < 2, &v, &given))) return st;
      if (given) *dst[k] = (uint32_t)v;
    }
    if (tabular) {
      if (src->overvote_delimiter) {
        const char *d = src->overvote_delimiter;
        bool all_plain = true;
        for (const char *p = d; *p; p++)
          if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                strchr(".',-\" \t\r\n\f\v", *p)))
            all_plain = false;
        if (all_plain || strchr(d, '\\'))
          return bad(r, cv__json_get(s, "overvoteDelimiter"), FIELD("overvoteDelimiter"),
                     "is invalid (\"%s\"): it may not contain a backslash or be made only of "
                     "letters, digits, spaces and . ' , - \"",
                     d);
        if (src->overvote_label)
          return bad(r, s, FIELD("overvoteDelimiter"),
                     "and overvoteLabel can't both be given", NULL);
      }
    } else {
      if (src->provider != CV__CVR_CDF && src->overvote_label)
        return bad(r, cv__json_get(s, "overvoteLabel"), FIELD("overvoteLabel"),
                   "should not be given for provider \"%s\"", src->provider_name);
      if (src->overvote_delimiter)
        return bad(r, cv__json_get(s, "overvoteDelimiter"), FIELD("overvoteDelimiter"),
                   "should not be given for provider \"%s\"", src->provider_name);
      if (src->skipped_rank_label)
        return bad(r, cv__json_get(s, "skippedRankLabel"), FIELD("skippedRankLabel"),
                   "should not be given for provider \"%s\"", src->provider_name);
      if (src->treat_blank_as_uwi)
        return bad(r, cv__json_get(s, "treatBlankAsUndeclaredWriteIn"),
                   FIELD("treatBlankAsUndeclaredWriteIn"),
                   "should not be true for provider \"%s\"", src->provider_name);
    }
    const char *labels[] = {src->overvote_label, src->skipped_rank_label, src->uwi_label};
    const char *lnames[] = {"overvoteLabel", "skippedRankLabel", "undeclaredWriteInLabel"};
    for (int k = 0; k < 3; k++) {
      if (!labels[k]) continue;
      if (is_reserved(labels[k]))
        return bad(r, cv__json_get(s, lnames[k]), FIELD(lnames[k]),
                   "uses the reserved term \"%s\"", labels[k]);
      for (int m = 0; m < 3; m++)
        if (m != k && labels[m] && strcasecmp(labels[m], labels[k]) == 0)
          return bad(r, cv__json_get(s, lnames[k]), FIELD(lnames[k]),
                     "can't be \"%s\": another label of this source uses it", labels[k]);
    }
    bool needs_contest = src->provider == CV__CVR_DOMINION || src->provider == CV__CVR_HART ||
                         src->provider == CV__CVR_CLEAR_BALLOT || src->provider == CV__CVR_CDF;
    if (needs_contest && !src->contest_id)
      return bad(r, s, FIELD("contestId"), "is required for provider \"%s\"", src->provider_name);
    if (!needs_contest && src->contest_id)
      return bad(r, cv__json_get(s, "contestId"), FIELD("contestId"),
                 "should not be given for provider \"%s\"", src->provider_name);
    if (src->provider == CV__CVR_CDF && !ends_with_ci(src->file_path, ".json") &&
        !ends_with_ci(src->file_path, ".xml"))
      return bad(r, cv__json_get(s, "filePath"), FIELD("filePath"),
                 "must name a .json or .xml file for provider cdf (found \"%s\")", src->file_path);
    src->path = resolve(c, src->file_path);
    if (!src->path) return cv__failf(r->err, CV_ENOMEM, "out of memory");
    for (size_t j = 0; j < i; j++)
      if (strcmp(cfg->sources[j].path, src->path) == 0)
        return bad(r, cv__json_get(s, "filePath"), FIELD("filePath"),
                   "names the same file as an earlier source (\"%s\")", src->file_path);
    if (!file_exists(src->path))
      return cv__fail(r->err, CV_ENOENT, r->file, s->line, s->column, FIELD("filePath"),
                      "cast vote record file not found: %s", src->path);
    if (src->provider == CV__CVR_CDF && (cfg->by_slice[0] || cfg->by_slice[1]))
      return bad(r, s, FIELD("provider"),
                 "tabulating by precinct or batch is not available for CDF sources (as in RCTab)", NULL);
    if (src->provider == CV__CVR_ESS) {
      if (cfg->by_slice[CV__RC_PRECINCT] && !src->precinct_column)
        return bad(r, s, FIELD("precinctColumnIndex"), "is required when tabulateByPrecinct is true", NULL);
      if (cfg->by_slice[CV__RC_BATCH] && !src->batch_column)
        return bad(r, s, FIELD("batchColumnIndex"), "is required when tabulateByBatch is true", NULL);
    }
#undef FIELD
  }
  return CV_OK;
}

/* Registers a name or alias for candidate idx; duplicates and clashes with labels are errors. */
static cv_status add_name(const struct reader *r, const struct cv__jval *at, const char *field,
                          const char *s, uint32_t idx) {
  struct cv__rc_config *cfg = &r->c->cfg;
  for (size_t i = 0; i < cfg->n_sources; i++) {
    const struct cv__rc_source *src = &cfg->sources[i];
    const char *labels[] = {src->overvote_label, src->skipped_rank_label, src->uwi_label};
    for (int k = 0; k < 3; k++)
      if (labels[k] && strcasecmp(labels[k], s) == 0)
        return bad(r, at, field, "\"%s\" is also used as a label of a cast vote record source", s);
  }
  if (is_reserved(s)) return bad(r, at, field, "\"%s\" is a reserved term", s);
  cv_status st = cv__strmap_put(&cfg->names, s, idx);
  if (st == CV_EEXIST) return bad(r, at, field, "duplicate candidate name or alias: \"%s\"", s);
  return st ? cv__failf(r->err, st, "out of memory") : CV_OK;
}

/* candidates, their aliases and exclusions; adds the write-in pseudo-candidate. */
static cv_status read_candidates(const struct reader *r, const struct cv__jval *root) {
  struct cv__rc_contest *c = r->c;
  struct cv__rc_config *cfg = &c->cfg;
  const struct cv__jval *a = cv__json_get(root, "candidates");
  if (!a || a->kind != CV__J_ARR || a->u.arr.n == 0)
    return bad(r, a ? a : root, "candidates", "must list at least one declared candidate", NULL);
  if (a->u.arr.n > CV__RC_MAX_CANDIDATES)
    return cv__fail(r->err, CV_ELIMIT, r->file, a->line, a->column, "candidates",
                    "more than %u candidates", CV__RC_MAX_CANDIDATES);
  cfg->has_uwi = false;
  for (size_t i = 0; i < cfg->n_sources; i++)
    if (cfg->sources[i].uwi_label || cfg->sources[i].treat_blank_as_uwi) cfg->has_uwi = true;
  cfg->n_declared = a->u.arr.n;
  cfg->n_cands = cfg->n_declared + (cfg->has_uwi ? 1 : 0);
  cfg->cands = cv__arena_calloc(&c->arena, cfg->n_cands, sizeof *cfg->cands);
  if (!cfg->cands) return cv__failf(r->err, CV_ENOMEM, "out of memory");
  size_t n_excluded = 0;
  for (size_t i = 0; i < cfg->n_declared; i++) {
    const struct cv__jval *o = a->u.arr.items[i];
    char f[160];
    cv_status st;
    snprintf(f, sizeof f, "candidates[%zu].name", i);
    if (o->kind != CV__J_OBJ) return bad(r, o, f, "must be an object", NULL);
    const char *name = NULL;
    if ((st = get_text(r, o, "name", f, &name))) return st;
    if (!name) return bad(r, o, f, "is required", NULL);
    cfg->cands[i].name = name;
    snprintf(f, sizeof f, "candidates[%zu].excluded", i);
    if ((st = get_bool(r, o, "excluded", f, &cfg->cands[i].excluded))) return st;
    n_excluded += cfg->cands[i].excluded;
    const struct cv__jval *al = cv__json_get(o, "aliases");
    snprintf(f, sizeof f, "candidates[%zu].aliases", i);
    if (al && al->kind != CV__J_NULL) {
      if (al->kind != CV__J_ARR) return bad(r, al, f, "must be a list of strings", NULL);
      for (size_t k = 0; k < al->u.arr.n; k++) {
        const struct cv__jval *s = al->u.arr.items[k];
        snprintf(f, sizeof f, "candidates[%zu].aliases[%zu]", i, k);
        if (s->kind != CV__J_STR) return bad(r, s, f, "must be a string", NULL);
        if (!s->u.str.s[0]) continue;
        if ((st = add_name(r, s, f, s->u.str.s, (uint32_t)i))) return st;
      }
    }
    /* The older "code" field is an alias too. */
    const struct cv__jval *code = cv__json_get(o, "code");
    if (code && code->kind == CV__J_STR && code->u.str.s[0]) {
      snprintf(f, sizeof f, "candidates[%zu].code", i);
      if ((st = add_name(r, code, f, code->u.str.s, (uint32_t)i))) return st;
    }
    snprintf(f, sizeof f, "candidates[%zu].name", i);
    /* A name repeated as its own alias is allowed (RCTab checks the stream of
     * aliases then the name): only another candidate's use is an error. */
    uint32_t prev;
    if (cv__strmap_get(&cfg->names, name, &prev)) {
      if (prev != i) return bad(r, cv__json_get(o, "name"), f, "duplicate candidate name or alias: \"%s\"", name);
    } else if ((st = add_name(r, cv__json_get(o, "name"), f, name, (uint32_t)i))) {
      return st;
    }
  }
  if (n_excluded == cfg->n_declared)
    return bad(r, a, "candidates", "at least one candidate must not be excluded", NULL);
  if (cfg->has_uwi) {
    cfg->cands[cfg->n_declared].name = CV__RC_UWI_LABEL;
    uint32_t prev;
    if (cv__strmap_get(&cfg->names, CV__RC_UWI_LABEL, &prev))
      return bad(r, a, "candidates", "\"%s\" is reserved for undeclared write-ins", CV__RC_UWI_LABEL);
    cv_status st = cv__strmap_put(&cfg->names, CV__RC_UWI_LABEL, (uint32_t)cfg->n_declared);
    if (st) return cv__failf(r->err, st, "out of memory");
  }
  return CV_OK;
}

/* rules, with RCTab's checks of how they combine. */
static cv_status read_rules(const struct reader *r, const struct cv__jval *root) {
  struct cv__rc_contest *c = r->c;
  struct cv__rc_config *cfg = &c->cfg;
  const struct cv__jval *o = cv__json_get(root, "rules");
  if (!o || o->kind != CV__J_OBJ) return bad(r, o ? o : root, "rules", "is required (an object)", NULL);
  cv_status st;
  const char *t = NULL;
  static const char *const tb[] = {"random", "stopCountingAndAsk", "previousRoundCountsThenRandom",
                                   "previousRoundCountsThenAsk", "useCandidateOrder",
                                   "generatePermutation"};
  if ((st = get_text(r, o, "tiebreakMode", "rules.tiebreakMode", &t))) return st;
  size_t k;
  for (k = 0; t && k < 6; k++)
    if (strcmp(t, tb[k]) == 0) break;
  if (!t || k == 6)
    return bad(r, cv__json_get(o, "tiebreakMode") ? cv__json_get(o, "tiebreakMode") : o,
               "rules.tiebreakMode",
               "must be one of random, stopCountingAndAsk, previousRoundCountsThenRandom, "
               "previousRoundCountsThenAsk, useCandidateOrder, generatePermutation (found \"%s\")",
               t ? t : "");
  cfg->tiebreak = (enum cv__rc_tiebreak)k;
  bool needs_seed = cfg->tiebreak == CV__RC_TB_RANDOM || cfg->tiebreak == CV__RC_TB_PREVIOUS_THEN_RANDOM ||
                    cfg->tiebreak == CV__RC_TB_GENERATE;
  int64_t v;
  if ((st = get_int(r, o, "randomSeed", "rules.randomSeed", -140737488355328LL, 140737488355327LL,
                    false, &v, &cfg->has_seed)))
    return st;
  cfg->seed = cfg->has_seed ? v : 0;
  if (needs_seed && !cfg->has_seed)
    return bad(r, o, "rules.randomSeed", "is required when tiebreakMode \"%s\" draws at random", tb[k]);
  static const char *const ov[] = {"exhaustImmediately", "alwaysSkipToNextRank", "exhaustIfMultipleContinuing"};
  if ((st = get_text(r, o, "overvoteRule", "rules.overvoteRule", &t))) return st;
  for (k = 0; t && k < 3; k++)
    if (strcmp(t, ov[k]) == 0) break;
  if (!t || k == 3)
    return bad(r, cv__json_get(o, "overvoteRule") ? cv__json_get(o, "overvoteRule") : o, "rules.overvoteRule",
               "must be one of exhaustImmediately, alwaysSkipToNextRank, exhaustIfMultipleContinuing "
               "(found \"%s\")", t ? t : "");
  cfg->overvote = (enum cv__rc_overvote)k;
  static const char *const modes[] = {"singleWinnerMajority", "multiWinnerAllowOnlyOneWinnerPerRound",
                                      "multiWinnerAllowMultipleWinnersPerRound", "bottomsUp",
                                      "bottomsUpUsingPercentageThreshold", "multiPassIrv"};
  if ((st = get_text(r, o, "winnerElectionMode", "rules.winnerElectionMode", &t))) return st;
  for (k = 0; t && k < 6; k++)
    if (strcmp(t, modes[k]) == 0) break;
  if (!t || k == 6)
    return bad(r, cv__json_get(o, "winnerElectionMode") ? cv__json_get(o, "winnerElectionMode") : o,
               "rules.winnerElectionMode",
               "must be one of singleWinnerMajority, multiWinnerAllowOnlyOneWinnerPerRound, "
               "multiWinnerAllowMultipleWinnersPerRound, bottomsUp, bottomsUpUsingPercentageThreshold, "
               "multiPassIrv (found \"%s\")", t ? t : "");
  cfg->mode = (enum cv__rc_mode)k;
  if ((st = get_text(r, o, "maxRankingsAllowed", "rules.maxRankingsAllowed", &t))) return st;
  if (t && strcmp(t, "max") == 0) cfg->max_rankings = 0;
  else if (t && parse_int(t, 1, INT32_MAX, &v)) cfg->max_rankings = (uint32_t)v;
  else
    return bad(r, cv__json_get(o, "maxRankingsAllowed") ? cv__json_get(o, "maxRankingsAllowed") : o,
               "rules.maxRankingsAllowed", "must be \"max\" or an integer from 1 (found \"%s\")", t ? t : "");
  if ((st = get_text(r, o, "maxSkippedRanksAllowed", "rules.maxSkippedRanksAllowed", &t))) return st;
  if (t && strcasecmp(t, "unlimited") == 0) cfg->max_skipped = UINT32_MAX;
  else if (t && parse_int(t, 0, INT32_MAX - 1, &v)) cfg->max_skipped = (uint32_t)v;
  else
    return bad(r, cv__json_get(o, "maxSkippedRanksAllowed") ? cv__json_get(o, "maxSkippedRanksAllowed") : o,
               "rules.maxSkippedRanksAllowed", "must be \"unlimited\" or an integer from 0 (found \"%s\")",
               t ? t : "");
  if ((st = get_int(r, o, "numberOfWinners", "rules.numberOfWinners", 0, CV__RC_MAX_CANDIDATES, true, &v, NULL)))
    return st;
  cfg->n_winners = (uint32_t)v;
  if ((st = get_int(r, o, "decimalPlacesForVoteArithmetic", "rules.decimalPlacesForVoteArithmetic", 1, 20,
                    true, &v, NULL)))
    return st;
  cfg->decimals = (int32_t)v;
  bool given = false;
  if ((st = get_int(r, o, "stopTabulationEarlyAfterRound", "rules.stopTabulationEarlyAfterRound", 1,
                    INT32_MAX, false, &v, &given)))
    return st;
  cfg->stop_after = given ? (uint32_t)(v > CV__RC_MAX_ROUNDS ? CV__RC_MAX_ROUNDS : v) : 0;
  struct {
    const char *key;
    bool *dst;
  } flags[] = {{"nonIntegerWinningThreshold", &cfg->non_integer_threshold},
               {"doesFirstRoundDetermineThreshold", &cfg->first_round_threshold},
               {"hareQuota", &cfg->hare},
               {"batchElimination", &cfg->batch_elimination},
               {"cutoffElimination", &cfg->cutoff_elimination},
               {"continueUntilTwoCandidatesRemain", &cfg->continue_until_two},
               {"exhaustOnDuplicateCandidate", &cfg->exhaust_on_duplicate}};
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
    char f[96];
    snprintf(f, sizeof f, "rules.%s", flags[i].key);
    if ((st = get_bool(r, o, flags[i].key, f, flags[i].dst))) return st;
  }
  if ((st = get_text(r, o, "multiSeatBottomsUpPercentageThreshold", "rules.multiSeatBottomsUpPercentageThreshold",
                     &cfg->pct_raw)))
    return st;
  const char *mf = "rules.winnerElectionMode";
  const struct cv__jval *mv = cv__json_get(o, "winnerElectionMode");
  if (cfg->n_winners > 0) {
    if (cfg->mode == CV__RC_BOTTOMS_UP_PCT)
      return bad(r, cv__json_get(o, "numberOfWinners"), "rules.numberOfWinners",
                 "must be 0 when winnerElectionMode is \"%s\"", modes[cfg->mode]);
    if (cfg->n_winners > 1) {
      if (cfg->mode != CV__RC_MULTI_PASS && cfg->continue_until_two)
        return bad(r, o, "rules.continueUntilTwoCandidatesRemain",
                   "can't be true in a multi-seat contest unless winnerElectionMode is multiPassIrv", NULL);
      if (cfg->mode != CV__RC_MULTI_PASS && cfg->batch_elimination)
        return bad(r, o, "rules.batchElimination",
                   "can't be true in a multi-seat contest unless winnerElectionMode is multiPassIrv", NULL);
      if (cfg->first_round_threshold)
        return bad(r, o, "rules.doesFirstRoundDetermineThreshold", "can't be true in a multi-seat contest", NULL);
    } else if (cfg->mode != CV__RC_SINGLE) {
      return bad(r, mv, mf, "can't be \"%s\" in a single-seat contest", modes[cfg->mode]);
    }
  } else {
    if (cfg->mode != CV__RC_BOTTOMS_UP_PCT)
      return bad(r, cv__json_get(o, "numberOfWinners"), "rules.numberOfWinners",
                 "can be 0 only when winnerElectionMode is bottomsUpUsingPercentageThreshold", NULL);
    struct cv__dec p;
    bool ovf = false;
    if (!cfg->pct_raw || !cv__dec_parse(cfg->pct_raw, &p) || cv__dec_cmp(p, cv__dec_int(1)) < 0 ||
        cv__dec_cmp(p, cv__dec_int(100)) > 0)
      return bad(r, o, "rules.multiSeatBottomsUpPercentageThreshold", "must be a number from 1 to 100 (found \"%s\")",
                 cfg->pct_raw ? cfg->pct_raw : "");
    /* RCTab divides by 100 keeping the written decimals plus two, half-up. */
    cfg->pct = cv__dec_div(p, cv__dec_int(100), p.scale + 2, CV__ROUND_HALF_UP, &ovf);
  }
  if (cfg->mode == CV__RC_BOTTOMS_UP_PCT && cfg->batch_elimination)
    return bad(r, o, "rules.batchElimination", "can't be true when winnerElectionMode is bottomsUpUsingPercentageThreshold", NULL);
  if (cfg->mode != CV__RC_MULTI_ONE_PER_ROUND && cfg->mode != CV__RC_MULTI_MANY_PER_ROUND) {
    if (cfg->non_integer_threshold)
      return bad(r, o, "rules.nonIntegerWinningThreshold", "can't be true when winnerElectionMode is \"%s\"",
                 modes[cfg->mode]);
    if (cfg->hare)
      return bad(r, o, "rules.hareQuota", "can't be true when winnerElectionMode is \"%s\"", modes[cfg->mode]);
  }
  if (cfg->non_integer_threshold && cfg->hare)
    return bad(r, o, "rules.hareQuota", "and nonIntegerWinningThreshold can't both be true", NULL);
  for (size_t i = 0; i < cfg->n_sources; i++) {
    const struct cv__rc_source *src = &cfg->sources[i];
    if (src->overvote_label && cfg->overvote == CV__RC_OV_IF_MULTIPLE)
      return bad(r, o, "rules.overvoteRule",
                 "must be exhaustImmediately or alwaysSkipToNextRank when a source gives an overvoteLabel", NULL);
    if (src->provider == CV__CVR_ESS && !src->overvote_delimiter && cfg->overvote == CV__RC_OV_IF_MULTIPLE)
      return bad(r, o, "rules.overvoteRule",
                 "exhaustIfMultipleContinuing needs an overvoteDelimiter for each ES&S source", NULL);
  }
  return CV_OK;
}

cv_status cv__rc_config_load(struct cv__rc_contest *c, const char *path, struct cv_error *err) {
  struct cv__rc_config *cfg = &c->cfg;
  cfg->config_path = cv__arena_strdup(&c->arena, path);
  /* the folder and the stem (file name without "_config.json" or ".json") */
  const char *slash = strrchr(path, '/');
  cfg->dir = slash ? cv__arena_strndup(&c->arena, path, (size_t)(slash - path)) : ".";
  if (slash && slash == path) cfg->dir = "/";
  const char *base = slash ? slash + 1 : path;
  size_t bl = strlen(base);
  if (bl > 12 && strcmp(base + bl - 12, "_config.json") == 0) bl -= 12;
  else if (bl > 5 && strcmp(base + bl - 5, ".json") == 0) bl -= 5;
  cfg->stem = cv__arena_strndup(&c->arena, base, bl);
  if (!cfg->config_path || !cfg->dir || !cfg->stem) return cv__failf(err, CV_ENOMEM, "out of memory");

  FILE *f = fopen(path, "rb");
  if (!f) return cv__fail(err, CV_ENOENT, path, 0, 0, NULL, "cannot open the configuration: %s", strerror(errno));
  struct cv__buf b;
  cv__buf_init(&b, MAX_CONFIG_BYTES);
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    if (cv__buf_add(&b, chunk, n) != CV_OK) break;
  bool rerr = ferror(f) != 0;
  fclose(f);
  if (b.status != CV_OK || rerr) {
    cv_status s = rerr ? CV_EIO : b.status;
    cv__buf_fini(&b);
    return cv__fail(err, s, path, 0, 0, NULL, s == CV_ELIMIT ? "the configuration is larger than 16 MiB"
                                                               : "cannot read the configuration");
  }
  cv_status st = cv__rc_config_parse(c, b.data ? b.data : "", b.len, err);
  cv__buf_fini(&b);
  return st;
}

cv_status cv__rc_config_parse(struct cv__rc_contest *c, const char *data, size_t len, struct cv_error *err) {
  struct cv__rc_config *cfg = &c->cfg;
  struct cv__jval *root = NULL;
  cv_status st = cv__json_parse(&c->arena, data, len, CV__JSON_INPUT, NULL, cfg->config_path, &root, err);
  if (st) return st;
  struct reader r = {c, cfg->config_path, err};
  if (root->kind != CV__J_OBJ) return bad(&r, root, NULL, "the configuration must be a JSON object", NULL);
  const char *version = NULL;
  if ((st = get_text(&r, root, "tabulatorVersion", "tabulatorVersion", &version))) return st;
  if (!version) return bad(&r, root, "tabulatorVersion", "is required", NULL);
  cv__strmap_init(&cfg->names);
  if ((st = read_output(&r, root))) return st;
  if ((st = read_sources(&r, root))) return st;
  if ((st = read_candidates(&r, root))) return st;
  if ((st = read_rules(&r, root))) return st;
  return CV_OK;
}

/* ---- small shared helpers ---- */

const char *cv__rc_status_title(enum cv__rc_status s) {
  static const char *const t[] = {"Active", "Did Not Rank Any Candidates", "Inactive Ballots by Exhausted Choices",
                                  "Inactive Ballots by Overvotes", "Inactive Ballots by Skipped Rankings",
                                  "Inactive Ballots by Repeated Rankings", "Final Round Surplus"};
  return t[s];
}

const char *cv__rc_status_key(enum cv__rc_status s) {
  static const char *const t[] = {"active", "didNotRankAnyCandidates", "exhaustedChoices", "overvotes",
                                  "skippedRankings", "repeatedRankings", "finalRoundSurplus"};
  return t[s];
}

/* Next code point of UTF-8 s at *i (invalid bytes read as themselves). */
static uint32_t next_cp(const char *s, size_t *i) {
  const unsigned char *u = (const unsigned char *)s + *i;
  uint32_t cp = u[0];
  size_t len = 1;
  if (cp >= 0xF0 && u[1] && u[2] && u[3]) {
    cp = ((cp & 7u) << 18) | ((u[1] & 63u) << 12) | ((u[2] & 63u) << 6) | (u[3] & 63u);
    len = 4;
  } else if (cp >= 0xE0 && u[1] && u[2]) {
    cp = ((cp & 15u) << 12) | ((u[1] & 63u) << 6) | (u[2] & 63u);
    len = 3;
  } else if (cp >= 0xC0 && u[1]) {
    cp = ((cp & 31u) << 6) | (u[1] & 63u);
    len = 2;
  }
  *i += len;
  return cp;
}

void cv__rc_sanitize(struct cv__buf *b, const char *s) {
  size_t i = 0;
  while (s[i]) {
    size_t at = i;
    uint32_t cp = next_cp(s, &i);
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_' ||
        cp == '-' || cp == '.') {
      cv__buf_addc(b, s[at]);
    } else {
      cv__buf_addc(b, '_');
      if (cp > 0xFFFF) cv__buf_addc(b, '_'); /* two UTF-16 units */
    }
  }
}

int cv__rc_jcmp(const char *a, const char *b) {
  /* UTF-8 byte order is code point order; Java compares UTF-16 units, which
   * differs only between supplementary and U+E000..U+FFFF characters. */
  int c = strcmp(a, b);
  return c < 0 ? -1 : c > 0;
}

/* Java's String.hashCode over the UTF-16 units of s. */
static int32_t java_hash(const char *s) {
  uint32_t h = 0;
  size_t i = 0;
  while (s[i]) {
    uint32_t cp = next_cp(s, &i);
    if (cp > 0xFFFF) {
      cp -= 0x10000;
      h = 31u * h + (0xD800u + (cp >> 10));
      h = 31u * h + (0xDC00u + (cp & 0x3FFu));
    } else {
      h = 31u * h + cp;
    }
  }
  return (int32_t)h;
}

void cv__rc_hash_order(const char *const *keys, size_t n, size_t cap, size_t *order) {
  if (cap == 0) {
    cap = 16;
    while ((double)n > (double)cap * 0.75) cap *= 2;
  }
  /* stable counting by bucket: iteration visits buckets in index order and
   * each bucket's entries in insertion order (resizes keep that order) */
  size_t k = 0;
  uint32_t *bucket = cv__malloc(n * sizeof *bucket + 1);
  if (!bucket) { /* fall back to insertion order */
    for (size_t i = 0; i < n; i++) order[i] = i;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    uint32_t h = (uint32_t)java_hash(keys[i]);
    h ^= h >> 16;
    bucket[i] = h & (uint32_t)(cap - 1);
  }
  /* n is small wherever this is used (candidates, precincts): sort stably */
  for (size_t i = 0; i < n; i++) order[i] = i;
  for (size_t i = 1; i < n; i++) {
    size_t x = order[i], j = i;
    while (j > 0 && bucket[order[j - 1]] > bucket[x]) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = x;
  }
  (void)k;
  cv__free(bucket);
}
