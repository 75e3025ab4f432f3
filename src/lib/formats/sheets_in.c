/* formats/sheets_in.c: tally sheets from CSV or JSON files. Both fill a
 * cv_sheet_draft field by field (the same path as flags and prompts) and
 * commit every sheet of the file in one transaction. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "election/sheet_draft.h"
#include "formats/import_common.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/jfield.h"
#include "util/json.h"

enum { S_SHEET, S_BATCH, S_TEAM, S_MEMBERS, S_KIND, S_REKEY, S_CONTEST, S_BALLOTS, S_BLANK,
       S_INVALID, S_UNDER, S_OVER, S_RANKING, N_S };
static const struct cv__column_spec SPEC[N_S] = {
    {"Sheet", "reference", false},   {"Batch", "batch", true},
    {"Team", "team", true},          {"Members", "members", true},
    {"Kind", "kind", false},         {"Rekey Of", "rekey_of", false},
    {"Contest", "contest", true},    {"Ballots", "ballots", false},
    {"Blank", "blank", false},       {"Invalid", "invalid", false},
    {"Undervotes", "undervotes", false}, {"Overvotes", "overvotes", false},
    {"Ranking", "ballot", false},
};

static bool is_choice_column(void *ud, const char *name) {
  const cv_election *e = ud;
  char trimmed[128];
  size_t n = strlen(name);
  while (n && (name[n - 1] == ' ' || name[n - 1] == '\t')) n--;
  while (n && (*name == ' ' || *name == '\t')) {
    name++;
    n--;
  }
  if (n >= sizeof trimmed) return false;
  memcpy(trimmed, name, n);
  trimmed[n] = '\0';
  uint32_t ix;
  for (uint32_t c = 0; c < e->st.def.n_contests; c++)
    if (cv__strmap_get(&e->st.def.contests[c].choice_index, trimmed, &ix)) return true;
  return false;
}

static cv_status set_at(cv_sheet_draft *d, const struct cv__csv_import *im, size_t col,
                        const char *field, struct cv_error *err) {
  const struct cv__csv_field *f = &im->csv.fields[col];
  cv__draft_position(d, im->path, f->line, f->column);
  return cv_sheet_draft_set(d, field, f->s, err);
}

/* Copies a cell, cut to fit (longer cells are refused by the draft anyway). */
static void copy_cell(char *dst, size_t cap, const char *src) {
  size_t n = strlen(src);
  if (n >= cap) n = cap - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

static cv_status set_slot(cv_sheet_draft *d, const struct cv__csv_import *im, size_t col, uint32_t slot,
                          struct cv_error *err) {
  const struct cv__csv_field *f = &im->csv.fields[col];
  cv__draft_position(d, im->path, f->line, f->column);
  return cv__draft_set_slot(d, slot, f->s, err);
}

/* A row of a counted (not ranked) contest needs every count column, and
 * takes no ranking. */
static cv_status counted_row_columns(const struct cv__csv_import *im, const char *contest,
                                     struct cv_error *err) {
  const struct cv__csv_field *row = &im->csv.fields[0];
  for (size_t k = S_BALLOTS; k <= S_OVER; k++)
    if (im->col[k] < 0)
      return cv__fail(err, CV_EINVAL, im->path, row->line, 1, SPEC[k].header,
                      "column \"%s\" is missing; contest \"%s\" is counted, and its rows need it",
                      SPEC[k].header, contest);
  if (im->col[S_RANKING] >= 0 && im->csv.fields[im->col[S_RANKING]].len) {
    const struct cv__csv_field *f = &im->csv.fields[im->col[S_RANKING]];
    return cv__fail(err, CV_EINVAL, im->path, f->line, f->column, "Ranking",
                    "contest \"%s\" is not ranked: leave this cell empty", contest);
  }
  return CV_OK;
}

/* A row of a ranked contest: one ballot, in the Ranking column; the count
 * and choice cells stay empty. */
static cv_status ranked_row(cv_sheet_draft *d, const struct cv__csv_import *im, const char *contest,
                            const char (*ids)[128], struct cv_error *err) {
  if (im->col[S_RANKING] < 0)
    return cv__fail(err, CV_EINVAL, im->path, im->csv.fields[0].line, 1, "Ranking",
                    "column \"Ranking\" is missing; contest \"%s\" is ranked and is keyed one ballot per row",
                    contest);
  for (size_t c = 0; c < im->n_header; c++) {
    bool count_col = false;
    for (size_t k = S_BALLOTS; k <= S_OVER; k++) count_col = count_col || im->col[k] == (int)c;
    const struct cv__csv_field *f = &im->csv.fields[c];
    if ((count_col || ids[c][0]) && f->len)
      return cv__fail(err, CV_EINVAL, im->path, f->line, f->column, im->header[c].s,
                      "contest \"%s\" is ranked: its rows give a Ranking only; leave this cell empty",
                      contest);
  }
  return set_at(d, im, (size_t)im->col[S_RANKING], "ballot", err);
}

/* Records the sheet in progress (if any) and empties the draft for the next. */
static cv_status finish_sheet(cv_sheet_draft *d, bool *open, uint64_t *count, struct cv_error *err) {
  if (!*open) return CV_OK;
  cv_status s = cv_sheet_draft_commit(d, NULL, err);
  cv__draft_reset(d);
  *open = false;
  if (s == CV_OK) (*count)++;
  return s;
}

static cv_status import_csv(cv_election *e, const char *path, uint64_t *added, struct cv_error *err) {
  struct cv__csv_import im;
  cv_status s = cv__csv_import_open(&im, path, SPEC, N_S, is_choice_column, e, err);
  cv_sheet_draft *d = NULL;
  bool open = false; /* a sheet is being filled in d */
  /* Choice columns by header, trimmed once: NULL for the fixed columns. */
  char(*ids)[128] = s == CV_OK ? cv__calloc(im.n_header, sizeof *ids) : NULL;
  if (s == CV_OK && !ids) s = cv__failf(err, CV_ENOMEM, "out of memory");
  /* slot[c * n_header + col]: the draft slot column col fills for contest c,
   * or -1 when contest c has no such choice; resolved once, not per row. */
  uint32_t n_contests = e->st.def.n_contests;
  int32_t *slot = s == CV_OK ? cv__calloc((size_t)n_contests * im.n_header + 1, sizeof *slot) : NULL;
  if (s == CV_OK && !slot) s = cv__failf(err, CV_ENOMEM, "out of memory");
  for (size_t c = 0; s == CV_OK && c < im.n_header; c++) {
    bool is_spec = false;
    for (size_t k = 0; k < N_S; k++) is_spec = is_spec || im.col[k] == (int)c;
    const struct cv__csv_field *h = &im.header[c];
    size_t hn = h->len, off = 0;
    while (off < hn && (h->s[off] == ' ' || h->s[off] == '\t')) off++;
    while (hn > off && (h->s[hn - 1] == ' ' || h->s[hn - 1] == '\t')) hn--;
    if (!is_spec) snprintf(ids[c], sizeof ids[c], "%.*s", (int)(hn - off), h->s + off);
    for (uint32_t ci = 0; ci < n_contests; ci++) {
      uint32_t chi;
      bool has = ids[c][0] && cv__strmap_get(&e->st.def.contests[ci].choice_index, ids[c], &chi);
      slot[(size_t)ci * im.n_header + c] = has ? (int32_t)(CV__DRAFT_SLOT_CHOICE0 + chi) : -1;
    }
  }
  uint64_t sheets = 0, rows = 0;
  char prev_ref[128] = "", prev_batch[128] = "", ranked_contest[128] = "";
  /* The sheet-level cells of a sheet's first row; later rows must repeat them. */
  char head[S_REKEY + 1][1024];
  memset(head, 0, sizeof head);
  if (s == CV_OK) s = cv__election_begin(e, err);
  if (s == CV_OK) s = cv_sheet_draft_new(e, &d, err);
  bool more = s == CV_OK;
  while (s == CV_OK && more) {
    if ((s = cv__csv_import_row(&im, &more, err)) != CV_OK || !more) break;
    const char *ref = cv__csv_import_value(&im, S_SHEET), *batch = cv__csv_import_value(&im, S_BATCH);
    bool same = open && ref[0] && strcmp(ref, prev_ref) == 0 && strcmp(batch, prev_batch) == 0;
    if (!same) {
      if ((s = finish_sheet(d, &open, &sheets, err)) != CV_OK) break;
      open = true;
      for (size_t k = S_SHEET; k <= S_REKEY && s == CV_OK; k++)
        if (im.col[k] >= 0) {
          s = set_at(d, &im, (size_t)im.col[k], SPEC[k].field, err);
          copy_cell(head[k], sizeof head[k], cv__csv_import_value(&im, k));
        }
      copy_cell(prev_ref, sizeof prev_ref, ref);
      copy_cell(prev_batch, sizeof prev_batch, batch);
    } else {
      for (size_t k = S_TEAM; k <= S_REKEY && s == CV_OK; k++) {
        if (im.col[k] < 0 || strcmp(head[k], cv__csv_import_value(&im, k)) == 0) continue;
        const struct cv__csv_field *f = &im.csv.fields[im.col[k]];
        s = cv__fail(err, CV_EINVAL, path, f->line, f->column, SPEC[k].header,
                     "\"%.60s\" differs from \"%.60s\" on the first row of sheet %s; the rows of one sheet must agree",
                     f->s, head[k], ref);
      }
    }
    uint32_t ci;
    const char *contest = cv__csv_import_value(&im, S_CONTEST);
    bool known = cv__state_contest(&e->st, contest, &ci);
    if (s == CV_OK && known && cv__contest_is_ranked(&e->st.def.contests[ci])) {
      /* One ballot per row; a sheet's consecutive rows of the contest are
       * one keying of the batch. */
      bool continuing = same && strcmp(contest, ranked_contest) == 0;
      if (!continuing) s = set_at(d, &im, (size_t)im.col[S_CONTEST], SPEC[S_CONTEST].field, err);
      copy_cell(ranked_contest, sizeof ranked_contest, contest);
      if (s == CV_OK) s = ranked_row(d, &im, contest, (const char(*)[128])ids, err);
      rows++;
      cv__import_progress(e, &im, rows, false);
      continue;
    }
    ranked_contest[0] = '\0';
    if (s == CV_OK) s = set_at(d, &im, (size_t)im.col[S_CONTEST], SPEC[S_CONTEST].field, err);
    if (s == CV_OK) s = counted_row_columns(&im, contest, err);
    for (size_t k = S_BALLOTS; k <= S_OVER && s == CV_OK; k++)
      s = set_slot(d, &im, (size_t)im.col[k], (uint32_t)(k - S_BALLOTS), err);
    if (s != CV_OK) break;
    /* Choice columns: the row's contest takes its own; others must be empty. */
    const int32_t *row_slot = known ? &slot[(size_t)ci * im.n_header] : NULL;
    for (size_t c = 0; c < im.n_header && s == CV_OK && known; c++) {
      const char *id = ids[c];
      if (!id[0]) continue;
      const struct cv__csv_field *f = &im.csv.fields[c];
      if (row_slot[c] >= 0) {
        s = set_slot(d, &im, c, (uint32_t)row_slot[c], err);
      } else if (f->len) {
        s = cv__fail(err, CV_EINVAL, path, f->line, f->column, id,
                     "contest \"%s\" has no choice \"%s\": leave this cell empty", contest, id);
      }
    }
    rows++;
    cv__import_progress(e, &im, rows, false);
  }
  if (s == CV_OK) s = finish_sheet(d, &open, &sheets, err);
  cv_sheet_draft_free(d);
  cv__free(ids);
  cv__free(slot);
  if (s == CV_OK && sheets == 0) s = cv__fail(err, CV_EINVAL, path, 2, 1, NULL, "the file has no sheets");
  if (s == CV_OK) s = cv__election_commit(e, err);
  else cv__election_abandon(e);
  if (s == CV_OK) {
    cv__import_progress(e, &im, rows, true);
    if (added) *added = sheets;
  }
  cv__csv_import_close(&im);
  return s;
}

/* ---- JSON ---- */

static const char *const SHEET_KEYS[] = {"batch", "team", "members", "kind", "rekey_of",
                                         "reference", "contests", NULL};
static const char *const SECTION_KEYS[] = {"contest", "ballots", "blank", "invalid",
                                           "undervotes", "overvotes", "votes", NULL};

static cv_status set_json(cv_sheet_draft *d, const char *file, const struct cv__jval *v,
                          const char *path, const char *field, const char *draft_field, bool number,
                          struct cv_error *err) {
  struct cv__jf jf = {file, err};
  char text[32];
  const char *value;
  if (number) {
    if (v->kind != CV__J_INT)
      return cv__jf_fail(&jf, v, path, field, "expected an integer, found %s", cv__json_kind_name(v->kind));
    snprintf(text, sizeof text, "%lld", (long long)v->u.i);
    value = text;
  } else {
    if (v->kind != CV__J_STR)
      return cv__jf_fail(&jf, v, path, field, "expected a string, found %s", cv__json_kind_name(v->kind));
    value = v->u.str.s;
  }
  cv__draft_position(d, file, v->line, v->column);
  return cv_sheet_draft_set(d, draft_field, value, err);
}

static cv_status json_sheet(cv_election *e, const char *file, const struct cv__jval *o, const char *path,
                            struct cv_error *err) {
  struct cv__jf jf = {file, err};
  cv_status s = cv__jf_keys(&jf, o, path, SHEET_KEYS);
  if (s != CV_OK) return s;
  cv_sheet_draft *d;
  if ((s = cv_sheet_draft_new(e, &d, err)) != CV_OK) return s;
  cv__draft_position(d, file, o->line, o->column);
  static const char *const text_fields[] = {"batch", "team", "kind", "reference"};
  for (size_t i = 0; i < 4 && s == CV_OK; i++) {
    const struct cv__jval *v = cv__json_get(o, text_fields[i]);
    if (v) s = set_json(d, file, v, path, text_fields[i], text_fields[i], false, err);
  }
  const struct cv__jval *v = cv__json_get(o, "rekey_of");
  if (s == CV_OK && v) s = set_json(d, file, v, path, "rekey_of", "rekey_of", true, err);
  const struct cv__jval *members = NULL, *sections = NULL;
  if (s == CV_OK) s = cv__jf_arr(&jf, o, path, "members", true, &members);
  char p[160], q[200];
  for (size_t i = 0; s == CV_OK && i < members->u.arr.n; i++) {
    cv__jf_path(p, sizeof p, path, "members");
    cv__jf_index(q, sizeof q, p, i);
    s = set_json(d, file, members->u.arr.items[i], q, NULL, "member", false, err);
  }
  if (s == CV_OK) s = cv__jf_arr(&jf, o, path, "contests", true, &sections);
  for (size_t i = 0; s == CV_OK && i < sections->u.arr.n; i++) {
    const struct cv__jval *sec = sections->u.arr.items[i];
    cv__jf_path(p, sizeof p, path, "contests");
    cv__jf_index(q, sizeof q, p, i);
    if (sec->kind == CV__J_OBJ && cv__json_get(sec, "rankings")) {
      /* A ranked contest, keyed ballot by ballot. */
      static const char *const RANKED_KEYS[] = {"contest", "rankings", NULL};
      const struct cv__jval *c = NULL, *rankings = NULL;
      if ((s = cv__jf_keys(&jf, sec, q, RANKED_KEYS)) != CV_OK) break;
      if ((s = cv__jf_arr(&jf, sec, q, "rankings", true, &rankings)) != CV_OK) break;
      if (!(c = cv__json_get(sec, "contest"))) {
        s = cv__jf_fail(&jf, sec, q, "contest", "missing");
        break;
      }
      if ((s = set_json(d, file, c, q, "contest", "contest", false, err)) != CV_OK) break;
      char rp[240];
      cv__jf_path(rp, sizeof rp, q, "rankings");
      for (size_t k = 0; s == CV_OK && k < rankings->u.arr.n; k++) {
        char ip[260];
        cv__jf_index(ip, sizeof ip, rp, k);
        s = set_json(d, file, rankings->u.arr.items[k], ip, NULL, "ballot", false, err);
      }
      continue;
    }
    if ((s = cv__jf_keys(&jf, sec, q, SECTION_KEYS)) != CV_OK) break;
    const struct cv__jval *c = cv__json_get(sec, "contest");
    if (!c) {
      s = cv__jf_fail(&jf, sec, q, "contest", "missing");
      break;
    }
    if ((s = set_json(d, file, c, q, "contest", "contest", false, err)) != CV_OK) break;
    for (size_t k = 1; SECTION_KEYS[k] && s == CV_OK; k++) {
      if (strcmp(SECTION_KEYS[k], "votes") == 0) continue;
      const struct cv__jval *n = cv__json_get(sec, SECTION_KEYS[k]);
      if (n) s = set_json(d, file, n, q, SECTION_KEYS[k], SECTION_KEYS[k], true, err);
    }
    const struct cv__jval *votes = NULL;
    if (s == CV_OK) s = cv__jf_obj(&jf, sec, q, "votes", true, &votes);
    for (size_t k = 0; s == CV_OK && k < votes->u.obj.n; k++) {
      char vp[240];
      cv__jf_path(vp, sizeof vp, q, "votes");
      s = set_json(d, file, votes->u.obj.members[k].val, vp, votes->u.obj.members[k].key,
                   votes->u.obj.members[k].key, true, err);
    }
  }
  if (s == CV_OK) {
    cv__draft_position(d, file, o->line, o->column);
    s = cv_sheet_draft_commit(d, NULL, err);
  }
  cv_sheet_draft_free(d);
  return s;
}

static cv_status import_json(cv_election *e, const char *path, uint64_t *added, struct cv_error *err) {
  char *text = NULL;
  size_t len = 0;
  struct cv__arena a;
  cv__arena_init(&a, 0);
  struct cv__jval *root;
  uint64_t n = 0;
  cv_status s = cv__read_file(path, (size_t)1 << 30, &text, &len, err);
  /* Editors on some systems start UTF-8 files with a byte order mark. */
  size_t skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  if (s == CV_OK) s = cv__json_parse(&a, text + skip, len - skip, CV__JSON_INPUT, NULL, path, &root, err);
  if (s == CV_OK) s = cv__election_begin(e, err);
  if (s == CV_OK) {
    if (root->kind == CV__J_ARR) {
      char p[32];
      for (size_t i = 0; i < root->u.arr.n && s == CV_OK; i++) {
        cv__jf_index(p, sizeof p, "", i);
        s = json_sheet(e, path, root->u.arr.items[i], p, err);
        n++;
      }
      if (s == CV_OK && n == 0) s = cv__fail(err, CV_EINVAL, path, root->line, root->column, NULL, "no sheets in the file");
    } else {
      s = json_sheet(e, path, root, "", err);
      n = 1;
    }
    if (s == CV_OK) s = cv__election_commit(e, err);
    else cv__election_abandon(e);
  }
  if (s == CV_OK && added) *added = n;
  cv__arena_fini(&a);
  cv__free(text);
  return s;
}

cv_status cv_import_sheets(cv_election *e, const char *path, uint64_t *added, struct cv_error *err) {
  cv_status s = cv__election_fresh(e, err);
  if (s != CV_OK) return s;
  size_t n = strlen(path);
  if (n >= 5 && strcasecmp(path + n - 5, ".json") == 0) return import_json(e, path, added, err);
  return import_csv(e, path, added, err);
}
