/* tabulate/stv_rules.c: rule names and droop's options.
 *
 * Each rule has defaults and may fix some options (droop's "force"): the
 * Scottish order fixes five decimal places, Minneapolis four, the PR
 * Foundation reference rules their own. The caller's options are checked
 * strictly (an unknown key or a conflicting fixed value is an error naming
 * the key) because they are what an official typed; options inside a BLT
 * file are treated as droop treats them (unknown ones ignored, fixed ones
 * overridden), and both are recorded in the report. */
#include "tabulate/stv.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/error.h"

struct rule_def {
  const char *name;
  enum cv__stv_rule rule;
  const char *method;
};

static const struct rule_def RULES[] = {
    {"scotland", CV__STV_SCOTLAND, "wigm"}, {"wigm", CV__STV_WIGM, "wigm"},
    {"wigm-prf", CV__STV_WIGM_PRF, "wigm"}, {"wigm-prf-batch", CV__STV_WIGM_PRF_BATCH, "wigm"},
    {"mpls", CV__STV_MPLS, "wigm"},         {"meek", CV__STV_MEEK, "meek"},
    {"warren", CV__STV_WARREN, "meek"},     {"meek-prf", CV__STV_MEEK_PRF, "meek"},
    {"irish", CV__STV_IRISH, "irish"},      {"qpq", CV__STV_QPQ, "qpq"},
    {"cfer", CV__STV_CFER, "wigm"},         {"cfer-batch", CV__STV_CFER_BATCH, "wigm"},
};

/* One option as given: where it came from decides how strictly it is read. */
struct opt {
  const char *key;
  size_t key_len;
  const char *val; /* NULL for a bare word */
  bool from_file;
  uint32_t line;
};

/* The option values being resolved; -1 / NULL mean "not given". */
struct resolved {
  const char *arith;
  long precision, guard, display, omega;
  int integer_quota;
  const char *defeat_batch;
};

/* Whether option o has key k. */
static bool key_is(const struct opt *o, const char *k) {
  return o->key_len == strlen(k) && memcmp(o->key, k, o->key_len) == 0;
}

/* An option error: usage for the caller's, bad data (with the line) for the file's. */
static cv_status opt_fail(const struct opt *o, const char *blt_path, struct cv_error *err,
                          const char *msg) {
  if (o->from_file)
    return cv__fail(err, CV_EINVAL, blt_path, o->line, 0, NULL, "[droop %.*s]: %s", (int)o->key_len,
                    o->key, msg);
  return cv__fail(err, CV_EUSAGE, NULL, 0, 0, NULL, "option %.*s: %s", (int)o->key_len, o->key,
                  msg);
}

/* 1-4 decimal digits, at most max. */
static bool parse_digits(const char *v, long max, long *out) {
  size_t n = strlen(v);
  if (n == 0 || n > 4) return false;
  long x = 0;
  for (size_t i = 0; i < n; i++) {
    if (v[i] < '0' || v[i] > '9') return false;
    x = x * 10 + (v[i] - '0');
  }
  if (x > max) return false;
  *out = x;
  return true;
}

/* Adds "key=value" to a list of ignored or overridden file options. */
static void note(char list[][64], size_t *n, const struct opt *o) {
  if (*n >= CV__STV_MAX_NOTES) return;
  snprintf(list[*n], 64, "%.*s%s%.40s", (int)(o->key_len > 20 ? 20 : o->key_len), o->key,
           o->val ? "=" : "", o->val ? o->val : "");
  (*n)++;
}

/* Applies one option to r. Unknown keys: error from the caller, note from
 * a file. */
static cv_status apply(struct cv__stv_config *cfg, struct resolved *r, const struct opt *o,
                       const char *blt_path, struct cv_error *err) {
  const char *v = o->val;
  bool meek = strcmp(cfg->method, "meek") == 0;
  if (!v) {
    /* droop's bare words: an arithmetic or a rule name. */
    static const char *const ariths[] = {"fixed", "guarded", "rational", "integer"};
    for (size_t i = 0; i < 4; i++)
      if (key_is(o, ariths[i])) {
        struct opt o2 = *o;
        o2.key = "arithmetic";
        o2.key_len = 10;
        o2.val = ariths[i];
        return apply(cfg, r, &o2, blt_path, err);
      }
    for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++)
      if (key_is(o, RULES[i].name)) {
        if (strcmp(RULES[i].name, cfg->rule_name) == 0) return CV_OK;
        if (o->from_file) return note(cfg->overridden, &cfg->n_overridden, o), CV_OK;
        return opt_fail(o, blt_path, err, "names a different rule than --rule");
      }
    if (o->from_file) return note(cfg->ignored, &cfg->n_ignored, o), CV_OK;
    return opt_fail(o, blt_path, err, "expected KEY=VALUE");
  }
  if (key_is(o, "rule")) {
    if (strcmp(v, cfg->rule_name) == 0) return CV_OK;
    if (o->from_file) return note(cfg->overridden, &cfg->n_overridden, o), CV_OK;
    return opt_fail(o, blt_path, err, "differs from --rule");
  }
  if (key_is(o, "arithmetic")) {
    if (strcmp(v, "integer") == 0) {
      r->arith = "fixed";
      r->precision = 0;
      return CV_OK;
    }
    if (strcmp(v, "fixed") && strcmp(v, "guarded") && strcmp(v, "rational"))
      return opt_fail(o, blt_path, err, "expected fixed, guarded, rational or integer");
    r->arith = v;
    return CV_OK;
  }
  long x;
  if (key_is(o, "precision") || key_is(o, "guard") || key_is(o, "display") ||
      (key_is(o, "omega") && meek)) {
    if (!parse_digits(v, CV__ARITH_MAX_DIGITS, &x))
      return opt_fail(o, blt_path, err, "expected a whole number from 0 to 100");
    if (key_is(o, "precision"))
      r->precision = x;
    else if (key_is(o, "guard"))
      r->guard = x;
    else if (key_is(o, "display"))
      r->display = x;
    else
      r->omega = x;
    return CV_OK;
  }
  bool wigm_generic = cfg->rule == CV__STV_WIGM;
  if (key_is(o, "integer_quota") && wigm_generic) {
    /* droop reads true/yes and false/no in any case */
    if (!strcasecmp(v, "true") || !strcasecmp(v, "yes"))
      r->integer_quota = 1;
    else if (!strcasecmp(v, "false") || !strcasecmp(v, "no"))
      r->integer_quota = 0;
    else
      return opt_fail(o, blt_path, err, "expected true or false");
    return CV_OK;
  }
  if (key_is(o, "defeat_batch") &&
      (wigm_generic || cfg->rule == CV__STV_MEEK || cfg->rule == CV__STV_WARREN)) {
    bool ok = !strcmp(v, "none") || (wigm_generic ? !strcmp(v, "zero") : !strcmp(v, "safe"));
    if (!ok)
      return opt_fail(o, blt_path, err,
                      wigm_generic ? "expected none or zero" : "expected none or safe");
    r->defeat_batch = v;
    return CV_OK;
  }
  if (o->from_file) return note(cfg->ignored, &cfg->n_ignored, o), CV_OK;
  bool free_arith = wigm_generic || cfg->rule == CV__STV_MEEK || cfg->rule == CV__STV_WARREN ||
                    cfg->rule == CV__STV_IRISH || cfg->rule == CV__STV_QPQ;
  char msg[200];
  snprintf(msg, sizeof msg,
           "unknown or not used by rule %s (known: arithmetic, precision, %sdisplay%s%s%s)",
           cfg->rule_name, free_arith ? "guard, " : "", meek ? ", omega" : "",
           meek && cfg->rule != CV__STV_MEEK_PRF ? ", defeat_batch" : "",
           wigm_generic ? ", integer_quota, defeat_batch" : "");
  return opt_fail(o, blt_path, err, msg);
}

/* Forces option name to value: a caller's different value is an error, a
 * file's is overridden. */
static cv_status force(struct cv__stv_config *cfg, long *field, long value, const char *name,
                       const struct opt *opts, size_t n, const char *blt_path,
                       struct cv_error *err) {
  for (size_t i = 0; i < n; i++) {
    if (!key_is(&opts[i], name) || !opts[i].val) continue;
    long x;
    bool same = parse_digits(opts[i].val, CV__ARITH_MAX_DIGITS, &x) && x == value;
    if (same) continue;
    if (opts[i].from_file) {
      note(cfg->overridden, &cfg->n_overridden, &opts[i]);
      continue;
    }
    char msg[120];
    snprintf(msg, sizeof msg, "rule %s fixes %s at %ld", cfg->rule_name, name, value);
    return opt_fail(&opts[i], blt_path, err, msg);
  }
  *field = value;
  return CV_OK;
}

/* Fixes the arithmetic at want (see force). */
static cv_status force_arith(struct cv__stv_config *cfg, struct resolved *r, const struct opt *opts,
                             size_t n, const char *want, const char *blt_path,
                             struct cv_error *err) {
  for (size_t i = 0; i < n; i++) {
    const struct opt *o = &opts[i];
    const char *v = key_is(o, "arithmetic") ? o->val : NULL;
    if (!o->val && (key_is(o, "fixed") || key_is(o, "guarded") || key_is(o, "rational") ||
                    key_is(o, "integer")))
      v = o->key_len == strlen(want) && !memcmp(o->key, want, o->key_len) ? want : "other";
    if (!v || !strcmp(v, want)) continue;
    if (o->from_file) {
      note(cfg->overridden, &cfg->n_overridden, o);
      continue;
    }
    char msg[120];
    snprintf(msg, sizeof msg, "rule %s fixes arithmetic at %s", cfg->rule_name, want);
    return opt_fail(o, blt_path, err, msg);
  }
  r->arith = want;
  return CV_OK;
}

/* (see stv.h) */
cv_status cv__stv_configure(struct cv__stv_config *cfg, const char *rule, const char *const *cmd,
                            size_t n_cmd, const char *const *file_opts, const uint32_t *file_lines,
                            size_t n_file, const char *blt_path, struct cv_error *err) {
  memset(cfg, 0, sizeof *cfg);
  const struct rule_def *def = NULL;
  for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++)
    if (rule && strcmp(rule, RULES[i].name) == 0) def = &RULES[i];
  if (!def)
    return cv__failf(err, CV_EUSAGE,
                     "unknown rule \"%.60s\"; expected scotland, wigm, wigm-prf, wigm-prf-batch, "
                     "mpls, meek, warren, meek-prf, qpq, cfer, cfer-batch or irish",
                     rule ? rule : "");
  cfg->rule = def->rule;
  cfg->rule_name = def->name;
  cfg->method = def->method;
  if (n_cmd + n_file > 256) return cv__failf(err, CV_ELIMIT, "more than 256 options");
  struct opt opts[256];
  size_t n = 0;
  /* File options first, so the caller's win, as in droop. */
  for (size_t i = 0; i < n_file + n_cmd; i++) {
    bool ff = i < n_file;
    const char *s = ff ? file_opts[i] : cmd[i - n_file];
    if (!s) return cv__failf(err, CV_EUSAGE, "empty option");
    const char *eq = strchr(s, '=');
    struct opt o = {s, eq ? (size_t)(eq - s) : strlen(s), eq ? eq + 1 : NULL, ff,
                    ff && file_lines ? file_lines[i] : 0};
    if (o.key_len == 0) {
      if (ff) continue;
      return cv__failf(err, CV_EUSAGE, "option \"%.60s\": expected KEY=VALUE", s);
    }
    opts[n++] = o;
  }
  struct resolved r = {NULL, -1, -1, -1, -1, -1, NULL};
  for (size_t i = 0; i < n; i++) {
    cv_status s = apply(cfg, &r, &opts[i], blt_path, err);
    if (s != CV_OK) return s;
  }
  /* Rule defaults and fixed values. */
  cv_status s = CV_OK;
  switch (def->rule) {
  case CV__STV_SCOTLAND:
  case CV__STV_WIGM_PRF:
  case CV__STV_WIGM_PRF_BATCH:
  case CV__STV_MPLS:
  case CV__STV_CFER:
  case CV__STV_CFER_BATCH:
  case CV__STV_MEEK_PRF: {
    long p = def->rule == CV__STV_MEEK_PRF ? 9
             : def->rule == CV__STV_WIGM_PRF || def->rule == CV__STV_WIGM_PRF_BATCH ||
                     def->rule == CV__STV_MPLS
                 ? 4
                 : 5;
    if ((s = force_arith(cfg, &r, opts, n, "fixed", blt_path, err)) != CV_OK) return s;
    if ((s = force(cfg, &r.precision, p, "precision", opts, n, blt_path, err)) != CV_OK) return s;
    if ((s = force(cfg, &r.display, p, "display", opts, n, blt_path, err)) != CV_OK) return s;
    if (def->rule == CV__STV_MEEK_PRF &&
        (s = force(cfg, &r.omega, 6, "omega", opts, n, blt_path, err)) != CV_OK)
      return s;
    for (size_t i = 0; i < n; i++)
      if (key_is(&opts[i], "guard") && !opts[i].from_file)
        return opt_fail(&opts[i], blt_path, err, "applies only to arithmetic=guarded");
    break;
  }
  case CV__STV_WIGM:
  case CV__STV_MEEK:
  case CV__STV_WARREN:
    if (!r.arith) r.arith = "guarded";
    if (!strcmp(r.arith, "guarded")) {
      if (r.precision < 0) r.precision = 18;
      if (r.guard < 0) r.guard = r.precision / 2;
      if (def->rule != CV__STV_WIGM && r.omega < 0) r.omega = r.precision / 2;
    } else if (!strcmp(r.arith, "fixed")) {
      if (r.precision < 0) r.precision = 9;
      if (def->rule != CV__STV_WIGM && r.omega < 0) r.omega = r.precision * 2 / 3;
    } else {
      if (def->rule != CV__STV_WIGM && r.omega < 0) r.omega = 10;
      if (r.display < 0) r.display = 12;
    }
    if (def->rule == CV__STV_WIGM && !r.defeat_batch) r.defeat_batch = "none";
    if (def->rule != CV__STV_WIGM && !r.defeat_batch) r.defeat_batch = "safe";
    break;
  case CV__STV_QPQ:
    if ((s = force_arith(cfg, &r, opts, n, "guarded", blt_path, err)) != CV_OK) return s;
    if ((s = force(cfg, &r.precision, 9, "precision", opts, n, blt_path, err)) != CV_OK) return s;
    if ((s = force(cfg, &r.guard, 9, "guard", opts, n, blt_path, err)) != CV_OK) return s;
    if ((s = force(cfg, &r.display, 9, "display", opts, n, blt_path, err)) != CV_OK) return s;
    break;
  case CV__STV_IRISH:
    if (!r.arith) r.arith = "fixed";
    if (r.precision < 0) r.precision = 2;
    break;
  }
  cfg->arith = !strcmp(r.arith, "fixed")     ? CV__ARITH_FIXED
               : !strcmp(r.arith, "guarded") ? CV__ARITH_GUARDED
                                             : CV__ARITH_RATIONAL;
  if (cfg->arith == CV__ARITH_RATIONAL) r.precision = 0, r.guard = 0;
  if (cfg->arith == CV__ARITH_FIXED) r.guard = 0;
  if (r.precision < 0) r.precision = 0;
  if (r.guard < 0) r.guard = cfg->arith == CV__ARITH_GUARDED ? r.precision : 0;
  if (r.display < 0) r.display = r.precision;
  if (r.precision + r.guard > (long)CV__ARITH_MAX_DIGITS)
    return cv__failf(err, CV_EUSAGE, "precision + guard may be at most %u digits",
                     CV__ARITH_MAX_DIGITS);
  cfg->precision = (unsigned)r.precision;
  cfg->guard = (unsigned)r.guard;
  cfg->display = (unsigned)r.display;
  cfg->omega = r.omega < 0 ? 0 : (unsigned)r.omega;
  cfg->integer_quota = r.integer_quota == 1;
  cfg->defeat_batch = !r.defeat_batch || !strcmp(r.defeat_batch, "none") ? CV__BATCH_NONE
                      : !strcmp(r.defeat_batch, "zero")                  ? CV__BATCH_ZERO
                                                                         : CV__BATCH_SAFE;
  if (def->rule == CV__STV_WIGM_PRF_BATCH) cfg->defeat_batch = CV__BATCH_SAFE;
  return CV_OK;
}
