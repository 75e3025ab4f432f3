/* tabulate/stv_report.c: report.json for an STV count (format in
 * docs/stv.md). Numbers are decimal strings at the rule's display
 * precision, so a reader never needs floating point to read them back. */
#include "tabulate/stv.h"

#include <string.h>

#include "util/json.h"

/* A recorded state (with the pending bit) as the report names it. */
static const char *state_name(uint8_t s) {
  switch (s & 3) {
  case CV__CAND_HOPEFUL: return "hopeful";
  case CV__CAND_ELECTED: return (s & 4) ? "pending" : "elected";
  case CV__CAND_DEFEATED: return "defeated";
  default: return "withdrawn";
  }
}

/* The option value naming an arithmetic kind. */
static const char *arith_name(enum cv__arith_kind k) {
  return k == CV__ARITH_FIXED ? "fixed" : k == CV__ARITH_GUARDED ? "guarded" : "rational";
}

/* A JSON array of the names of candidates c[0..n). */
static void name_list(struct cv__jw *w, const struct cv__stv_count *k, const uint32_t *c,
                      uint32_t n) {
  cv__jw_arr(w);
  for (uint32_t i = 0; i < n; i++) cv__jw_str(w, k->blt->names[c[i]]);
  cv__jw_arr_end(w);
}

/* key: v, or nothing when v is NULL. */
static void opt_str(struct cv__jw *w, const char *key, const char *v) {
  if (!v) return;
  cv__jw_key(w, key);
  cv__jw_str(w, v);
}

/* One action object; keys depend on the kind of action. */
static void write_action(struct cv__jw *w, const struct cv__stv_count *k,
                         const struct cv__stv_action *a) {
  cv__jw_obj(w);
  cv__jw_key(w, "action");
  cv__jw_str(w, a->action);
  if (a->cand >= 0) {
    cv__jw_key(w, strcmp(a->action, "tie") == 0 ? "chosen" : "candidate");
    cv__jw_str(w, k->blt->names[a->cand]);
  }
  if (a->reason) {
    cv__jw_key(w, strcmp(a->action, "tie") == 0        ? "purpose"
                  : strcmp(a->action, "transfer") == 0 ? "kind"
                                                       : "reason");
    cv__jw_str(w, a->reason);
  }
  if (a->amount) {
    cv__jw_key(w, strcmp(a->action, "transfer") == 0 ? "amount" : "vote");
    cv__jw_str(w, a->amount);
  }
  if (a->n_cands) {
    cv__jw_key(w, "tied");
    name_list(w, k, a->cands, a->n_cands);
  }
  if (a->value) {
    cv__jw_key(w, strcmp(a->action, "tie") == 0 ? "settled_by" : "transfer_value");
    cv__jw_str(w, a->value);
  }
  if (a->moved) {
    cv__jw_key(w, "papers");
    cv__jw_arr(w);
    for (uint32_t i = 0; i < a->n_moved; i++) {
      cv__jw_obj(w);
      cv__jw_key(w, "to");
      if (a->moved[i].to == UINT32_MAX)
        cv__jw_null(w);
      else
        cv__jw_str(w, k->blt->names[a->moved[i].to]);
      cv__jw_key(w, "papers");
      cv__jw_uint(w, a->moved[i].papers);
      cv__jw_key(w, "votes");
      cv__jw_str(w, a->moved[i].votes ? a->moved[i].votes : "");
      cv__jw_obj_end(w);
    }
    cv__jw_arr_end(w);
  }
  cv__jw_obj_end(w);
}

/* (see stv.h) Pretty-printed with two spaces, keys in a fixed order. */
cv_status cv__stv_report(const struct cv__stv_count *k, const char *blt_path, struct cv__buf *out) {
  const struct cv__blt *b = k->blt;
  const struct cv__stv_config *cfg = k->cfg;
  struct cv__jw w;
  cv__jw_init(&w, out, 2);
  cv__jw_obj(&w);
  cv__jw_key(&w, "format");
  cv__jw_str(&w, "canvass-stv-report");
  cv__jw_key(&w, "version");
  cv__jw_int(&w, 1);
  cv__jw_key(&w, "title");
  cv__jw_str(&w, b->title ? b->title : "");
  opt_str(&w, "ballot_file", blt_path);
  cv__jw_key(&w, "rule");
  cv__jw_str(&w, cfg->rule_name);
  cv__jw_key(&w, "method");
  cv__jw_str(&w, cfg->method);
  cv__jw_key(&w, "options");
  cv__jw_obj(&w);
  cv__jw_key(&w, "arithmetic");
  cv__jw_str(&w, arith_name(cfg->arith));
  if (cfg->arith != CV__ARITH_RATIONAL) {
    cv__jw_key(&w, "precision");
    cv__jw_uint(&w, cfg->precision);
  }
  if (cfg->arith == CV__ARITH_GUARDED) {
    cv__jw_key(&w, "guard");
    cv__jw_uint(&w, cfg->guard);
  }
  cv__jw_key(&w, "display");
  cv__jw_uint(&w, k->A.display);
  if (!strcmp(cfg->method, "meek")) {
    cv__jw_key(&w, "omega");
    cv__jw_uint(&w, cfg->omega);
  }
  if (cfg->rule == CV__STV_WIGM) {
    cv__jw_key(&w, "integer_quota");
    cv__jw_bool(&w, cfg->integer_quota);
  }
  if (cfg->rule == CV__STV_WIGM || cfg->rule == CV__STV_MEEK || cfg->rule == CV__STV_WARREN) {
    cv__jw_key(&w, "defeat_batch");
    cv__jw_str(&w, cfg->defeat_batch == CV__BATCH_NONE   ? "none"
                   : cfg->defeat_batch == CV__BATCH_ZERO ? "zero"
                                                         : "safe");
  }
  cv__jw_obj_end(&w);
  cv__jw_key(&w, "ignored_file_options");
  cv__jw_arr(&w);
  for (size_t i = 0; i < cfg->n_ignored; i++) cv__jw_str(&w, cfg->ignored[i]);
  cv__jw_arr_end(&w);
  cv__jw_key(&w, "overridden_file_options");
  cv__jw_arr(&w);
  for (size_t i = 0; i < cfg->n_overridden; i++) cv__jw_str(&w, cfg->overridden[i]);
  cv__jw_arr_end(&w);
  cv__jw_key(&w, "seats");
  cv__jw_uint(&w, b->n_seats);
  cv__jw_key(&w, "ballots");
  cv__jw_uint(&w, b->n_ballots);
  cv__jw_key(&w, "empty_ballots");
  cv__jw_uint(&w, b->n_empty);
  cv__jw_key(&w, "distinct_rankings");
  cv__jw_uint(&w, b->n_rankings);
  cv__jw_key(&w, "quota");
  cv__jw_str(&w, k->n_rounds && k->rounds[0].quota ? k->rounds[0].quota : "");
  cv__jw_key(&w, "candidates");
  cv__jw_arr(&w);
  for (uint32_t i = 0; i < k->nc; i++) {
    cv__jw_obj(&w);
    cv__jw_key(&w, "number");
    cv__jw_uint(&w, i + 1);
    cv__jw_key(&w, "name");
    cv__jw_str(&w, b->names[i]);
    cv__jw_key(&w, "tie_order");
    cv__jw_uint(&w, b->tie_order[i]);
    if (b->withdrawn[i]) {
      cv__jw_key(&w, "withdrawn");
      cv__jw_bool(&w, true);
    }
    cv__jw_obj_end(&w);
  }
  cv__jw_arr_end(&w);
  cv__jw_key(&w, "elected");
  name_list(&w, k, k->elected, k->n_elected);
  cv__jw_key(&w, "defeated");
  name_list(&w, k, k->defeated, k->n_defeated);
  cv__jw_key(&w, "ties");
  cv__jw_arr(&w);
  for (size_t r = 0; r < k->n_rounds; r++)
    for (size_t i = 0; i < k->rounds[r].n_actions; i++) {
      const struct cv__stv_action *a = &k->rounds[r].actions[i];
      if (strcmp(a->action, "tie") != 0) continue;
      cv__jw_obj(&w);
      cv__jw_key(&w, "round");
      cv__jw_uint(&w, k->rounds[r].number);
      cv__jw_key(&w, "purpose");
      cv__jw_str(&w, a->reason);
      cv__jw_key(&w, "tied");
      name_list(&w, k, a->cands, a->n_cands);
      cv__jw_key(&w, "chosen");
      cv__jw_str(&w, b->names[a->cand]);
      cv__jw_key(&w, "settled_by");
      cv__jw_str(&w, a->value ? a->value : "");
      cv__jw_obj_end(&w);
    }
  cv__jw_arr_end(&w);
  cv__jw_key(&w, "rounds");
  cv__jw_arr(&w);
  for (size_t r = 0; r < k->n_rounds; r++) {
    const struct cv__stv_round *rd = &k->rounds[r];
    cv__jw_obj(&w);
    cv__jw_key(&w, "round");
    cv__jw_uint(&w, rd->number);
    opt_str(&w, "quota", rd->quota);
    cv__jw_key(&w, "actions");
    cv__jw_arr(&w);
    for (size_t i = 0; i < rd->n_actions; i++) write_action(&w, k, &rd->actions[i]);
    cv__jw_arr_end(&w);
    if (rd->tallies) {
      cv__jw_key(&w, "tallies");
      cv__jw_arr(&w);
      for (uint32_t i = 0; i < k->nc; i++)
        if (rd->tallies[i])
          cv__jw_str(&w, rd->tallies[i]);
        else
          cv__jw_null(&w);
      cv__jw_arr_end(&w);
      cv__jw_key(&w, "states");
      cv__jw_arr(&w);
      for (uint32_t i = 0; i < k->nc; i++) cv__jw_str(&w, state_name(rd->states[i]));
      cv__jw_arr_end(&w);
    }
    opt_str(&w, "exhausted", rd->exhausted);
    opt_str(&w, "residual", rd->residual);
    opt_str(&w, "surplus", rd->surplus);
    cv__jw_obj_end(&w);
  }
  cv__jw_arr_end(&w);
  cv__jw_obj_end(&w);
  cv_status s = cv__jw_finish(&w);
  if (s == CV_OK) s = cv__buf_addc(out, '\n');
  return s;
}
