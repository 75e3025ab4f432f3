/* The status report: where the count stands and what blocks certification. */
#include "formats/report.h"

#include <stdio.h>
#include <string.h>

#include "count/agreement.h"
#include "count/findings.h"
#include "formats/report_common.h"

struct status_data {
  uint64_t by_status[5]; /* indexed by enum cv__cell_status */
  uint64_t total;
  struct cv__place_count *per_unit;
  bool certify_ok;
  char why[700];
};

static const enum cv__cell_status STATUS_ORDER[5] = {CV__CELL_AGREED, CV__CELL_RESOLVED,
                                                     CV__CELL_WAITING, CV__CELL_DISPUTED,
                                                     CV__CELL_NOT_COUNTED};
static const char *const STATUS_KEYS[5] = {"agreed", "resolved", "waiting", "disputed",
                                           "not_counted"};

static cv_status gather(const struct cv__state *st, struct cv__arena *a, struct status_data *g) {
  const struct cv__definition *d = &st->def;
  memset(g, 0, sizeof *g);
  g->per_unit = cv__arena_calloc(a, d->n_units, sizeof *g->per_unit);
  if (!g->per_unit) return a->failure == CV_ELIMIT ? CV_ELIMIT : CV_ENOMEM;
  cv__place_counts(st, g->per_unit, g->by_status);
  for (int i = 0; i < 5; i++) g->total += g->by_status[i];
  return cv__certify_check(st, &g->certify_ok, g->why, sizeof g->why);
}

static bool place_complete(const struct cv__place_count *p) {
  return p->batches > 0 && p->settled == p->cells;
}

/* ---- findings, streamed ------------------------------------------------- */

enum fmode { F_DISPUTES, F_ERRORS, F_WARNINGS };

struct fctx {
  const struct cv__state *st;
  enum fmode mode;
  enum cv_format format;
  struct cv__buf *out;
  struct cv__jw *w;
  uint64_t count;
};

static bool wanted(const struct fctx *c, const struct cv__finding *f) {
  switch (c->mode) {
  case F_DISPUTES: return strcmp(f->code, "E105") == 0;
  case F_ERRORS: return f->severity == CV__SEV_ERROR;
  case F_WARNINGS: return f->severity == CV__SEV_WARNING;
  }
  return false;
}

/* The batch a finding is about, or "". */
static const char *finding_batch(const struct cv__state *st, const struct cv__finding *f) {
  return f->batch < st->n_batches ? st->batches[f->batch].id : "";
}

static bool finding_fn(void *ud, const struct cv__finding *f) {
  struct fctx *c = ud;
  if (!wanted(c, f)) return true;
  c->count++;
  const char *cid =
      f->contest < c->st->def.n_contests ? c->st->def.contests[f->contest].id : "";
  const char *batch = finding_batch(c->st, f);
  char ev[CV__NUM_LEN];
  if (c->format == CV_FORMAT_TEXT) {
    if (c->mode == F_DISPUTES) {
      cv__buf_printf(c->out, "  %s: %s\n", f->subject, f->detail);
    } else {
      cv__buf_printf(c->out, "  %s  %s  %s: %s", f->code, f->id, f->subject, f->detail);
      if (c->mode == F_WARNINGS) {
        if (f->ack)
          cv__buf_printf(c->out, " (acknowledged: %s)", f->ack->reason);
        else
          cv__buf_printf(c->out, " (needs acknowledgement: canvass ack %s --reason ...)", f->id);
      }
      cv__buf_addc(c->out, '\n');
    }
  } else if (c->format == CV_FORMAT_CSV) {
    if (c->mode == F_DISPUTES) {
      const char *row[] = {batch, cid, f->detail};
      cv__report_csv_row(c->out, row, 3);
    } else if (c->mode == F_ERRORS) {
      const char *row[] = {f->code, f->name, f->id, f->subject, f->detail};
      cv__report_csv_row(c->out, row, 5);
    } else {
      snprintf(ev, sizeof ev, "%llu", f->ack ? (unsigned long long)f->ack->seq : 0ull);
      const char *row[] = {f->code,   f->name, f->id, f->subject, f->detail, f->ack ? "yes" : "no",
                           f->ack ? f->ack->reason : "", f->ack ? ev : ""};
      cv__report_csv_row(c->out, row, 8);
    }
  } else {
    struct cv__jw *w = c->w;
    cv__jw_obj(w);
    if (c->mode == F_DISPUTES) {
      cv__jw_key(w, "batch");
      cv__jw_str(w, batch);
      cv__jw_key(w, "contest");
      cv__jw_str(w, cid);
      cv__jw_key(w, "detail");
      cv__jw_str(w, f->detail);
    } else {
      cv__jw_key(w, "code");
      cv__jw_str(w, f->code);
      cv__jw_key(w, "name");
      cv__jw_str(w, f->name);
      cv__jw_key(w, "id");
      cv__jw_str(w, f->id);
      cv__jw_key(w, "subject");
      cv__jw_str(w, f->subject);
      cv__jw_key(w, "detail");
      cv__jw_str(w, f->detail);
      if (c->mode == F_WARNINGS) {
        cv__jw_key(w, "acknowledged");
        cv__jw_bool(w, f->ack != NULL);
        cv__jw_key(w, "reason");
        if (f->ack)
          cv__jw_str(w, f->ack->reason);
        else
          cv__jw_null(w);
        cv__jw_key(w, "ack_event");
        if (f->ack)
          cv__jw_uint(w, f->ack->seq);
        else
          cv__jw_null(w);
      }
    }
    cv__jw_obj_end(w);
  }
  return c->out->status == CV_OK && (!c->w || c->w->status == CV_OK);
}

static cv_status findings(const struct cv__state *st, enum fmode mode, enum cv_format format,
                          struct cv__buf *out, struct cv__jw *w, uint64_t *count) {
  struct fctx c = {st, mode, format, out, w, 0};
  cv_status s = cv__findings_each(st, finding_fn, &c);
  if (count) *count = c.count;
  return s;
}

/* "certified (event 19)", "not certified", or why a ranked contest waits. */
static const char *contest_cert_word(const struct cv__state *st, uint32_t ci, char *buf, size_t n) {
  const struct cv__contest *ct = &st->def.contests[ci];
  if (st->certified[ci]) {
    snprintf(buf, n, "certified (event %llu)", (unsigned long long)st->certified[ci]);
    return buf;
  }
  if (!cv__contest_is_tabulated(ct)) {
    snprintf(buf, n, "ranked (%s): not tabulated in this release", cv__contest_type_name(ct->type));
    return buf;
  }
  return "not certified";
}

/* ---- text --------------------------------------------------------------- */

static cv_status status_text(const struct cv__state *st, const struct status_data *g,
                             struct cv__arena *a, struct cv__buf *out) {
  const struct cv__definition *d = &st->def;
  cv_status s;
  cv__report_header(out, st, "STATUS OF THE COUNT");

  struct cv__rtab t;
  cv__buf_adds(out,
               "\nBatch x contest results (ranked contests join these once keyed)\n");
  cv__rtab_init(&t, a, "lr");
  for (int i = 0; i < 5; i++) {
    cv__rtab_row(&t);
    cv__rtab_set(&t, 0, cv__cell_status_name(STATUS_ORDER[i]));
    cv__rtab_setu(&t, 1, g->by_status[STATUS_ORDER[i]]);
  }
  cv__rtab_row(&t);
  cv__rtab_set(&t, 0, "total");
  cv__rtab_setu(&t, 1, g->total);
  cv__rtab_print(&t, out, 2);
  if ((s = cv__rtab_status(&t)) != CV_OK) return s;

  cv__buf_adds(out, "\nProgress by polling place\n");
  cv__rtab_init(&t, a, "llrl");
  cv__rtab_row(&t);
  cv__rtab_set(&t, 0, "Polling place");
  cv__rtab_set(&t, 1, "Name");
  cv__rtab_set(&t, 2, "Batches");
  cv__rtab_set(&t, 3, "Results settled");
  for (uint32_t u = 0; u < d->n_units; u++) {
    if (d->units[u].type != CV__UNIT_POLLING_PLACE) continue;
    const struct cv__place_count *p = &g->per_unit[u];
    char x[CV__NUM_LEN], y[CV__NUM_LEN];
    cv__rtab_row(&t);
    cv__rtab_set(&t, 0, d->units[u].id);
    cv__rtab_set(&t, 1, d->units[u].name);
    cv__rtab_setu(&t, 2, p->batches);
    cv__rtab_setf(&t, 3, "%s of %s", cv__report_num(p->settled, x), cv__report_num(p->cells, y));
  }
  cv__rtab_print(&t, out, 2);
  if ((s = cv__rtab_status(&t)) != CV_OK) return s;

  static const struct {
    const char *title;
    enum fmode mode;
  } sections[] = {{"Disputes", F_DISPUTES},
                  {"Errors (block certification)", F_ERRORS},
                  {"Warnings", F_WARNINGS}};
  for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
    uint64_t n = 0;
    cv__buf_printf(out, "\n%s\n", sections[i].title);
    if ((s = findings(st, sections[i].mode, CV_FORMAT_TEXT, out, NULL, &n)) != CV_OK) return s;
    if (n == 0) cv__buf_adds(out, "  none\n");
  }

  cv__buf_adds(out, "\nBallot accounting\n");
  cv__rtab_init(&t, a, "lrrrrrrrrr");
  static const char *const heads[] = {"Polling place", "Received", "Issued", "Spoiled",
                                      "Unused", "Pollbook", "Counted", "R-(I+S+U)",
                                      "I-pollbook", "Counted-I"};
  cv__rtab_row(&t);
  for (size_t i = 0; i < 10; i++) cv__rtab_set(&t, i, heads[i]);
  for (uint32_t u = 0; u < d->n_units; u++) {
    if (d->units[u].type != CV__UNIT_POLLING_PLACE) continue;
    const struct cv__accounting *ac = &st->accounting[u];
    const struct cv__place_count *p = &g->per_unit[u];
    char x[CV__NUM_LEN];
    cv__rtab_row(&t);
    cv__rtab_set(&t, 0, d->units[u].id);
    cv__rtab_setu(&t, 6, p->counted);
    if (!ac->seq) {
      for (size_t i = 1; i < 10; i++)
        if (i != 6) cv__rtab_set(&t, i, "-");
      continue;
    }
    cv__rtab_setu(&t, 1, ac->received);
    cv__rtab_setu(&t, 2, ac->issued);
    cv__rtab_setu(&t, 3, ac->spoiled);
    cv__rtab_setu(&t, 4, ac->unused);
    cv__rtab_setu(&t, 5, ac->pollbook);
    cv__rtab_set(&t, 7, cv__report_diff(ac->received, ac->issued + ac->spoiled + ac->unused, x));
    cv__rtab_set(&t, 8, cv__report_diff(ac->issued, ac->pollbook, x));
    cv__rtab_set(&t, 9, place_complete(p) ? cv__report_diff(p->counted, ac->issued, x) : "-");
  }
  for (uint32_t u = 0; u < d->n_units; u++)
    if (d->units[u].type == CV__UNIT_POLLING_PLACE && st->accounting[u].seq &&
        st->accounting[u].note[0])
      cv__rtab_line(&t, "Note, %s: %s", d->units[u].id, st->accounting[u].note);
  cv__rtab_line(&t, "R-(I+S+U): received minus issued, spoiled and unused; I-pollbook: issued "
                    "minus pollbook signatures;");
  cv__rtab_line(&t, "Counted-I: ballots counted minus issued, once every batch of the polling "
                    "place is settled.");
  cv__rtab_print(&t, out, 2);
  if ((s = cv__rtab_status(&t)) != CV_OK) return s;

  cv__buf_adds(out, "\nCertification\n");
  cv__rtab_init(&t, a, "lll");
  for (uint32_t ci = 0; ci < d->n_contests; ci++) {
    char word[120];
    cv__rtab_row(&t);
    cv__rtab_set(&t, 0, d->contests[ci].id);
    cv__rtab_set(&t, 1, d->contests[ci].name);
    cv__rtab_set(&t, 2, contest_cert_word(st, ci, word, sizeof word));
  }
  if (cv__report_election_status(st) == CV__RS_CERTIFIED)
    cv__rtab_line(&t, "Every contest that is counted in this release is certified.");
  else if (g->certify_ok)
    cv__rtab_line(&t, "Certification is possible now: canvass certify");
  else
    cv__rtab_line(&t, "Certification is not possible now: %s", g->why);
  cv__rtab_print(&t, out, 2);
  return cv__rtab_status(&t);
}

/* ---- CSV ---------------------------------------------------------------- */

static void u64s(uint64_t v, char out[CV__NUM_LEN]) {
  snprintf(out, CV__NUM_LEN, "%llu", (unsigned long long)v);
}

static void i64s(int64_t v, char out[CV__NUM_LEN]) {
  snprintf(out, CV__NUM_LEN, "%lld", (long long)v);
}

static cv_status status_csv(const struct cv__state *st, const struct status_data *g,
                            struct cv__buf *out) {
  const struct cv__definition *d = &st->def;
  cv_status s;
  char n1[CV__NUM_LEN], n2[CV__NUM_LEN], n3[CV__NUM_LEN];
  cv__report_csv_info(out, st);

  cv__report_csv_section(out, "BATCH RESULTS");
  static const char *const h1[] = {"Status", "Results"};
  cv__report_csv_row(out, h1, 2);
  for (int i = 0; i < 5; i++) {
    u64s(g->by_status[STATUS_ORDER[i]], n1);
    const char *row[] = {STATUS_KEYS[i], n1};
    cv__report_csv_row(out, row, 2);
  }
  u64s(g->total, n1);
  const char *total[] = {"total", n1};
  cv__report_csv_row(out, total, 2);

  cv__report_csv_section(out, "POLLING PLACES");
  static const char *const h2[] = {"Polling Place", "Name", "Batches", "Results", "Settled"};
  cv__report_csv_row(out, h2, 5);
  for (uint32_t u = 0; u < d->n_units; u++) {
    if (d->units[u].type != CV__UNIT_POLLING_PLACE) continue;
    const struct cv__place_count *p = &g->per_unit[u];
    u64s(p->batches, n1);
    u64s(p->cells, n2);
    u64s(p->settled, n3);
    const char *row[] = {d->units[u].id, d->units[u].name, n1, n2, n3};
    cv__report_csv_row(out, row, 5);
  }

  cv__report_csv_section(out, "DISPUTES");
  static const char *const h3[] = {"Batch", "Contest", "Detail"};
  cv__report_csv_row(out, h3, 3);
  if ((s = findings(st, F_DISPUTES, CV_FORMAT_CSV, out, NULL, NULL)) != CV_OK) return s;

  cv__report_csv_section(out, "ERRORS");
  static const char *const h4[] = {"Code", "Name", "Id", "Subject", "Detail"};
  cv__report_csv_row(out, h4, 5);
  if ((s = findings(st, F_ERRORS, CV_FORMAT_CSV, out, NULL, NULL)) != CV_OK) return s;

  cv__report_csv_section(out, "WARNINGS");
  static const char *const h5[] = {"Code",   "Name",         "Id",     "Subject",
                                   "Detail", "Acknowledged", "Reason", "Acknowledged Event"};
  cv__report_csv_row(out, h5, 8);
  if ((s = findings(st, F_WARNINGS, CV_FORMAT_CSV, out, NULL, NULL)) != CV_OK) return s;

  cv__report_csv_section(out, "BALLOT ACCOUNTING");
  static const char *const h6[] = {"Polling Place",     "Recorded",
                                   "Received",          "Issued",
                                   "Spoiled",           "Unused",
                                   "Pollbook Signatures", "Counted",
                                   "Received - Accounted", "Issued - Pollbook",
                                   "Counted - Issued",  "Note"};
  cv__report_csv_row(out, h6, 12);
  for (uint32_t u = 0; u < d->n_units; u++) {
    if (d->units[u].type != CV__UNIT_POLLING_PLACE) continue;
    const struct cv__accounting *ac = &st->accounting[u];
    const struct cv__place_count *p = &g->per_unit[u];
    char v[10][CV__NUM_LEN];
    memset(v, 0, sizeof v);
    u64s(p->counted, v[5]);
    if (ac->seq) {
      u64s(ac->received, v[0]);
      u64s(ac->issued, v[1]);
      u64s(ac->spoiled, v[2]);
      u64s(ac->unused, v[3]);
      u64s(ac->pollbook, v[4]);
      i64s(cv__report_sdiff(ac->received, ac->issued + ac->spoiled + ac->unused), v[6]);
      i64s(cv__report_sdiff(ac->issued, ac->pollbook), v[7]);
      if (place_complete(p)) i64s(cv__report_sdiff(p->counted, ac->issued), v[8]);
    }
    const char *row[] = {d->units[u].id, ac->seq ? "yes" : "no", v[0], v[1], v[2], v[3], v[4],
                         v[5], v[6], v[7], v[8], ac->seq ? ac->note : ""};
    cv__report_csv_row(out, row, 12);
  }

  cv__report_csv_section(out, "CERTIFICATION");
  static const char *const h7[] = {"Contest", "Name", "Type", "Status", "Certified Event"};
  cv__report_csv_row(out, h7, 5);
  for (uint32_t ci = 0; ci < d->n_contests; ci++) {
    const struct cv__contest *ct = &d->contests[ci];
    n1[0] = '\0';
    if (st->certified[ci]) u64s(st->certified[ci], n1);
    const char *word = st->certified[ci]              ? "certified"
                       : !cv__contest_is_tabulated(ct) ? "not tabulated"
                                                     : "not certified";
    const char *row[] = {ct->id, ct->name, cv__contest_type_name(ct->type), word, n1};
    cv__report_csv_row(out, row, 5);
  }
  cv__report_csv_section(out, "CERTIFICATION CHECK");
  static const char *const h8[] = {"Possible", "Reason"};
  cv__report_csv_row(out, h8, 2);
  const char *check[] = {g->certify_ok ? "yes" : "no", g->certify_ok ? "" : g->why};
  cv__report_csv_row(out, check, 2);
  return CV_OK;
}

/* ---- JSON --------------------------------------------------------------- */

static void jw_opt_uint(struct cv__jw *w, const char *key, bool present, uint64_t v) {
  cv__jw_key(w, key);
  if (present)
    cv__jw_uint(w, v);
  else
    cv__jw_null(w);
}

static void jw_opt_int(struct cv__jw *w, const char *key, bool present, int64_t v) {
  cv__jw_key(w, key);
  if (present)
    cv__jw_int(w, v);
  else
    cv__jw_null(w);
}

static cv_status status_json(const struct cv__state *st, const struct status_data *g,
                             struct cv__buf *out) {
  const struct cv__definition *d = &st->def;
  struct cv__jw w;
  cv_status s;
  cv__jw_init(&w, out, 2);
  cv__jw_obj(&w);
  cv__report_json_head(&w, st);

  cv__jw_key(&w, "batch_results");
  cv__jw_obj(&w);
  for (int i = 0; i < 5; i++) {
    cv__jw_key(&w, STATUS_KEYS[i]);
    cv__jw_uint(&w, g->by_status[STATUS_ORDER[i]]);
  }
  cv__jw_key(&w, "total");
  cv__jw_uint(&w, g->total);
  cv__jw_obj_end(&w);

  cv__jw_key(&w, "polling_places");
  cv__jw_arr(&w);
  for (uint32_t u = 0; u < d->n_units; u++) {
    if (d->units[u].type != CV__UNIT_POLLING_PLACE) continue;
    const struct cv__place_count *p = &g->per_unit[u];
    cv__jw_obj(&w);
    cv__jw_key(&w, "id");
    cv__jw_str(&w, d->units[u].id);
    cv__jw_key(&w, "name");
    cv__jw_str(&w, d->units[u].name);
    cv__jw_key(&w, "batches");
    cv__jw_uint(&w, p->batches);
    cv__jw_key(&w, "results");
    cv__jw_uint(&w, p->cells);
    cv__jw_key(&w, "settled");
    cv__jw_uint(&w, p->settled);
    cv__jw_obj_end(&w);
  }
  cv__jw_arr_end(&w);

  static const struct {
    const char *key;
    enum fmode mode;
  } lists[] = {{"disputes", F_DISPUTES}, {"errors", F_ERRORS}, {"warnings", F_WARNINGS}};
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
    cv__jw_key(&w, lists[i].key);
    cv__jw_arr(&w);
    if ((s = findings(st, lists[i].mode, CV_FORMAT_JSON, out, &w, NULL)) != CV_OK) return s;
    cv__jw_arr_end(&w);
  }

  cv__jw_key(&w, "ballot_accounting");
  cv__jw_arr(&w);
  for (uint32_t u = 0; u < d->n_units; u++) {
    if (d->units[u].type != CV__UNIT_POLLING_PLACE) continue;
    const struct cv__accounting *ac = &st->accounting[u];
    const struct cv__place_count *p = &g->per_unit[u];
    bool rec = ac->seq != 0;
    cv__jw_obj(&w);
    cv__jw_key(&w, "polling_place");
    cv__jw_str(&w, d->units[u].id);
    cv__jw_key(&w, "recorded");
    cv__jw_bool(&w, rec);
    jw_opt_uint(&w, "received", rec, ac->received);
    jw_opt_uint(&w, "issued", rec, ac->issued);
    jw_opt_uint(&w, "spoiled", rec, ac->spoiled);
    jw_opt_uint(&w, "unused", rec, ac->unused);
    jw_opt_uint(&w, "pollbook_signatures", rec, ac->pollbook);
    cv__jw_key(&w, "note");
    if (rec)
      cv__jw_str(&w, ac->note);
    else
      cv__jw_null(&w);
    cv__jw_key(&w, "counted");
    cv__jw_uint(&w, p->counted);
    cv__jw_key(&w, "complete");
    cv__jw_bool(&w, place_complete(p));
    jw_opt_int(&w, "received_minus_accounted", rec,
               cv__report_sdiff(ac->received, ac->issued + ac->spoiled + ac->unused));
    jw_opt_int(&w, "issued_minus_pollbook", rec, cv__report_sdiff(ac->issued, ac->pollbook));
    jw_opt_int(&w, "counted_minus_issued", rec && place_complete(p),
               cv__report_sdiff(p->counted, ac->issued));
    cv__jw_obj_end(&w);
  }
  cv__jw_arr_end(&w);

  cv__jw_key(&w, "certification");
  cv__jw_obj(&w);
  cv__jw_key(&w, "contests");
  cv__jw_arr(&w);
  for (uint32_t ci = 0; ci < d->n_contests; ci++) {
    const struct cv__contest *ct = &d->contests[ci];
    cv__jw_obj(&w);
    cv__jw_key(&w, "id");
    cv__jw_str(&w, ct->id);
    cv__jw_key(&w, "name");
    cv__jw_str(&w, ct->name);
    cv__jw_key(&w, "type");
    cv__jw_str(&w, cv__contest_type_name(ct->type));
    cv__jw_key(&w, "certified");
    cv__jw_bool(&w, st->certified[ci] != 0);
    jw_opt_uint(&w, "certified_event", st->certified[ci] != 0, st->certified[ci]);
    cv__jw_obj_end(&w);
  }
  cv__jw_arr_end(&w);
  cv__jw_key(&w, "possible");
  cv__jw_bool(&w, g->certify_ok);
  cv__jw_key(&w, "obstacle");
  if (g->certify_ok)
    cv__jw_null(&w);
  else
    cv__jw_str(&w, g->why);
  cv__jw_obj_end(&w);

  cv__jw_obj_end(&w);
  if ((s = cv__jw_finish(&w)) != CV_OK) return s;
  cv__buf_addc(out, '\n');
  return CV_OK;
}

cv_status cv__report_status(const struct cv__state *st, enum cv_format f, struct cv__buf *out) {
  if (!st->defined) return CV_EINVAL;
  size_t start = out->len;
  struct cv__arena a;
  struct status_data g;
  cv__arena_init(&a, 0);
  cv_status s = gather(st, &a, &g);
  if (s == CV_OK) {
    if (f == CV_FORMAT_CSV)
      s = status_csv(st, &g, out);
    else if (f == CV_FORMAT_JSON)
      s = status_json(st, &g, out);
    else
      s = status_text(st, &g, &a, out);
  }
  s = cv__report_end(out, start, s);
  cv__arena_fini(&a);
  return s;
}
