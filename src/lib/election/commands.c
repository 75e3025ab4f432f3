/* election/commands.c: the coordinator's commands, each one event (or one
 * transaction of events) checked by cv__state_apply. */
#include <stdio.h>
#include <string.h>

#include "count/agreement.h"
#include "count/findings.h"
#include "election/election.h"
#include "tabulate/lot.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"

static cv_status emit_built(cv_election *e, const char *type, struct cv__jw *w, struct cv__buf *b,
                            struct cv_error *err) {
  cv_status s = cv__jw_finish(w);
  if (s != CV_OK) s = cv__failf(err, s, "event too large");
  if (s == CV_OK) s = cv__election_emit(e, type, b->data, b->len, err);
  cv__buf_fini(b);
  return s;
}

static cv_status text_arg(const char *what, const char *v, bool nonempty, struct cv_error *err) {
  if (!v || (nonempty && !v[0]))
    return cv__fail(err, CV_EUSAGE, NULL, 0, 0, what, "missing (give --%s)", what);
  if (strlen(v) > CV__MAX_TEXT)
    return cv__fail(err, CV_EINVAL, NULL, 0, 0, what, "longer than %u bytes", CV__MAX_TEXT);
  return CV_OK;
}

/* ---- accounting ---- */

static const char *const ACC_FIELDS[] = {"polling_place", "received", "issued", "spoiled",
                                         "unused", "pollbook_signatures", "note"};
#define N_ACC 7

cv_status cv_record_accounting(cv_election *e, const char *const *fields, const char *const *values,
                               size_t n, struct cv_error *err) {
  cv_status s = cv__election_fresh(e, err);
  if (s != CV_OK) return s;
  const char *v[N_ACC] = {0};
  for (size_t i = 0; i < n; i++) {
    size_t k = 0;
    while (k < N_ACC && strcmp(ACC_FIELDS[k], fields[i]) != 0) k++;
    if (k == N_ACC)
      return cv__fail(err, CV_EINVAL, NULL, 0, 0, fields[i], "unknown accounting field");
    if (v[k]) return cv__fail(err, CV_EINVAL, NULL, 0, 0, fields[i], "given twice");
    v[k] = values[i];
  }
  if (!v[0] || !v[0][0])
    return cv__fail(err, CV_EINVAL, NULL, 0, 0, "polling_place", "missing (a missing field is an error, never a zero)");
  uint64_t num[N_ACC];
  for (size_t k = 1; k < 6; k++)
    if ((s = cv__parse_count(v[k] ? v[k] : "", NULL, 0, 0, ACC_FIELDS[k], &num[k], err)) != CV_OK)
      return s;
  if ((s = text_arg("note", v[6] ? v[6] : "", false, err)) != CV_OK) return s;
  struct cv__buf b;
  cv__buf_init(&b, 1 << 20);
  struct cv__jw w;
  cv__jw_init(&w, &b, 0);
  cv__jw_obj(&w);
  cv__jw_key(&w, "issued");
  cv__jw_uint(&w, num[2]);
  cv__jw_key(&w, "note");
  cv__jw_str(&w, v[6] ? v[6] : "");
  cv__jw_key(&w, "pollbook_signatures");
  cv__jw_uint(&w, num[5]);
  cv__jw_key(&w, "polling_place");
  cv__jw_str(&w, v[0]);
  cv__jw_key(&w, "received");
  cv__jw_uint(&w, num[1]);
  cv__jw_key(&w, "spoiled");
  cv__jw_uint(&w, num[3]);
  cv__jw_key(&w, "unused");
  cv__jw_uint(&w, num[4]);
  cv__jw_obj_end(&w);
  return emit_built(e, CV__EV_ACCOUNTING, &w, &b, err);
}

/* ---- resolve ---- */

static cv_status resolve_one(cv_election *e, const char *batch, const char *contest, uint64_t sheet,
                             const char *reason, struct cv_error *err) {
  struct cv__buf b;
  cv__buf_init(&b, 1 << 20);
  struct cv__jw w;
  cv__jw_init(&w, &b, 0);
  cv__jw_obj(&w);
  cv__jw_key(&w, "batch");
  cv__jw_str(&w, batch);
  cv__jw_key(&w, "contest");
  cv__jw_str(&w, contest);
  cv__jw_key(&w, "reason");
  cv__jw_str(&w, reason);
  cv__jw_key(&w, "sheet");
  cv__jw_uint(&w, sheet);
  cv__jw_obj_end(&w);
  return emit_built(e, CV__EV_RESOLVED, &w, &b, err);
}

cv_status cv_resolve(cv_election *e, const char *batch, const char *contest, uint64_t sheet,
                     const char *reason, struct cv_error *err) {
  cv_status s = cv__election_fresh(e, err);
  if (s != CV_OK) return s;
  if ((s = text_arg("batch", batch, true, err)) != CV_OK) return s;
  if ((s = text_arg("reason", reason, true, err)) != CV_OK) return s;
  if (contest) return resolve_one(e, batch, contest, sheet, reason, err);
  /* Every unsettled contest that sheet counts, in one transaction. */
  const struct cv__state *st = &e->st;
  uint32_t b, sh;
  if (!cv__state_batch(st, batch, &b))
    return cv__fail(err, CV_EINVAL, NULL, 0, 0, "batch", "unknown batch \"%.100s\"", batch);
  if (!cv__state_sheet(st, sheet, &sh) || st->sheets[sh].batch != b)
    return cv__fail(err, CV_EINVAL, NULL, 0, 0, "sheet", "batch \"%s\" has no sheet %llu", batch,
                    (unsigned long long)sheet);
  if ((s = cv__election_begin(e, err)) != CV_OK) return s;
  size_t done = 0;
  uint32_t first = st->sheets[sh].first_entry, n = st->sheets[sh].n_entries;
  for (uint32_t i = 0; i < n && s == CV_OK; i++) {
    uint32_t cell = st->entries[first + i].cell;
    enum cv__cell_status cs = cv__cell_status(st, cell, NULL);
    if (cs != CV__CELL_DISPUTED && cs != CV__CELL_WAITING) continue;
    s = resolve_one(e, batch, st->def.contests[st->cells[cell].contest].id, sheet, reason, err);
    done++;
  }
  if (s == CV_OK && done == 0)
    s = cv__failf(err, CV_EREFUSED, "batch \"%s\" has nothing unsettled that sheet %llu counts", batch,
                  (unsigned long long)sheet);
  if (s == CV_OK) return cv__election_commit(e, err);
  cv__election_abandon(e);
  return s;
}

/* ---- ack ---- */

cv_status cv_ack(cv_election *e, const char *finding, const char *reason, struct cv_error *err) {
  cv_status s = cv__election_fresh(e, err);
  if (s != CV_OK) return s;
  if ((s = text_arg("reason", reason, true, err)) != CV_OK) return s;
  if ((s = text_arg("finding", finding, true, err)) != CV_OK) return s;
  struct cv__finding f;
  if (!cv__finding_lookup(&e->st, finding, &f))
    return cv__fail(err, CV_EINVAL, NULL, 0, 0, "finding",
                    "there is no open finding \"%.100s\" (canvass status lists them)", finding);
  struct cv__buf b;
  cv__buf_init(&b, 1 << 20);
  struct cv__jw w;
  cv__jw_init(&w, &b, 0);
  cv__jw_obj(&w);
  cv__jw_key(&w, "detail");
  cv__jw_str(&w, f.detail);
  cv__jw_key(&w, "finding");
  cv__jw_str(&w, finding);
  cv__jw_key(&w, "reason");
  cv__jw_str(&w, reason);
  cv__jw_obj_end(&w);
  return emit_built(e, CV__EV_ACK, &w, &b, err);
}

/* ---- lot ---- */

cv_status cv_lot(cv_election *e, const char *contest, const char *seed, char **text,
                 struct cv_error *err) {
  cv_status s = cv__election_fresh(e, err);
  if (s != CV_OK) return s;
  if ((s = text_arg("contest", contest, true, err)) != CV_OK) return s;
  if ((s = text_arg("seed", seed, true, err)) != CV_OK) return s;
  if (!cv__lot_seed_valid(seed))
    return cv__fail(err, CV_EINVAL, NULL, 0, 0, "seed",
                    "the seed must be %u to %u decimal digits rolled in public, and nothing else",
                    CV__LOT_MIN_DIGITS, CV__LOT_MAX_DIGITS);
  uint32_t ci;
  if (!cv__state_contest(&e->st, contest, &ci))
    return cv__fail(err, CV_EINVAL, NULL, 0, 0, "contest", "unknown contest \"%.64s\"", contest);
  struct cv__arena a;
  cv__arena_init(&a, 0);
  struct cv__lot lot = {0};
  s = cv__lot_draw(&e->st, ci, seed, &a, &lot, err);
  const struct cv__contest *ct = &e->st.def.contests[ci];
  struct cv__buf b, t;
  cv__buf_init(&b, 1 << 20);
  cv__buf_init(&t, 1 << 20);
  if (s == CV_OK) {
    struct cv__jw w;
    cv__jw_init(&w, &b, 0);
    cv__jw_obj(&w);
    cv__jw_key(&w, "contest");
    cv__jw_str(&w, ct->id);
    cv__jw_key(&w, "order");
    cv__jw_arr(&w);
    for (uint32_t i = 0; i < lot.n_tied; i++) cv__jw_str(&w, ct->choices[lot.order[i]].id);
    cv__jw_arr_end(&w);
    cv__jw_key(&w, "seed");
    cv__jw_str(&w, seed);
    cv__jw_key(&w, "tied");
    cv__jw_arr(&w);
    for (uint32_t i = 0; i < lot.n_tied; i++) cv__jw_str(&w, ct->choices[lot.tied[i]].id);
    cv__jw_arr_end(&w);
    cv__jw_obj_end(&w);
    s = cv__jw_finish(&w);
    if (s == CV_OK) s = cv__election_emit(e, CV__EV_LOT, b.data, b.len, err);
  }
  if (s == CV_OK && text) {
    cv__buf_printf(&t, "Lot for contest %s, seed %s (event %llu)\n", ct->id, seed,
                   (unsigned long long)e->st.chain.seq);
    for (uint32_t i = 0; i < lot.n_tied; i++) {
      char h[65];
      cv__lot_hash(seed, ct->id, ct->choices[lot.order[i]].id, h);
      cv__buf_printf(&t, "  %u. %-24s SHA-256(\"canvass-lot-v1:%s:%s:%s\") = %s\n", i + 1,
                     ct->choices[lot.order[i]].id, seed, ct->id, ct->choices[lot.order[i]].id, h);
    }
    *text = cv__buf_take(&t, NULL);
    if (!*text) s = cv__failf(err, CV_ENOMEM, "out of memory");
  }
  cv__buf_fini(&b);
  cv__buf_fini(&t);
  cv__arena_fini(&a);
  return s;
}

/* ---- certify ---- */

static cv_status certify_one(cv_election *e, const char *id, struct cv_error *err) {
  struct cv__buf b;
  cv__buf_init(&b, 4096);
  struct cv__jw w;
  cv__jw_init(&w, &b, 0);
  cv__jw_obj(&w);
  cv__jw_key(&w, "contest");
  cv__jw_str(&w, id);
  cv__jw_obj_end(&w);
  return emit_built(e, CV__EV_CERTIFIED, &w, &b, err);
}

cv_status cv_certify(cv_election *e, const char *contest, struct cv_error *err) {
  cv_status s = cv__election_fresh(e, err);
  if (s != CV_OK) return s;
  if (contest) return certify_one(e, contest, err);
  if ((s = cv__election_begin(e, err)) != CV_OK) return s;
  size_t done = 0;
  for (uint32_t ci = 0; ci < e->st.def.n_contests && s == CV_OK; ci++) {
    if (e->st.certified[ci] || !cv__contest_is_tabulated(&e->st.def.contests[ci])) continue;
    s = certify_one(e, e->st.def.contests[ci].id, err);
    done++;
  }
  if (s == CV_OK && done == 0) s = cv__failf(err, CV_EREFUSED, "every contest is already certified");
  if (s == CV_OK) return cv__election_commit(e, err);
  cv__election_abandon(e);
  return s;
}
