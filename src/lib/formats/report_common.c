#include "formats/report_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "count/agreement.h"
#include "util/sha256.h"

/* ---- status words ------------------------------------------------------- */

const char *cv__rstatus_name(enum cv__rstatus s) {
  switch (s) {
  case CV__RS_PARTIAL: return "unofficial-partial";
  case CV__RS_COMPLETE: return "unofficial-complete";
  case CV__RS_CERTIFIED: return "certified";
  }
  return "unofficial-partial";
}

enum cv__rstatus cv__report_election_status(const struct cv__state *st) {
  const struct cv__definition *d = &st->def;
  uint32_t counted = 0, certified = 0;
  for (uint32_t ci = 0; ci < d->n_contests; ci++) {
    if (!cv__contest_is_tabulated(&d->contests[ci])) continue;
    counted++;
    if (st->certified[ci]) certified++;
  }
  /* An election of ranked contests only is never "certified" by default:
   * nothing in it has been counted yet. */
  if (counted > 0 && certified == counted) return CV__RS_CERTIFIED;
  size_t cells = 0;
  for (size_t c = 0; c < st->n_cells; c++) {
    if (!cv__contest_is_tabulated(&d->contests[st->cells[c].contest])) continue;
    cells++;
    if (!cv__cell_settled(cv__cell_status(st, (uint32_t)c, NULL))) return CV__RS_PARTIAL;
  }
  return cells > 0 ? CV__RS_COMPLETE : CV__RS_PARTIAL;
}

enum cv__rstatus cv__report_contest_status(const struct cv__state *st, uint32_t ci,
                                           const struct cv__tally *total) {
  if (st->certified[ci]) return CV__RS_CERTIFIED;
  if (total->cells > 0 && total->settled == total->cells) return CV__RS_COMPLETE;
  return CV__RS_PARTIAL;
}

uint32_t cv__report_root(const struct cv__state *st) {
  uint32_t root = 0;
  while (st->def.units[root].parent >= 0) root = (uint32_t)st->def.units[root].parent;
  return root;
}

bool cv__report_carries(const struct cv__state *st, uint32_t u, uint32_t ci) {
  const struct cv__unit *un = &st->def.units[u];
  return un->type == CV__UNIT_POLLING_PLACE && un->style >= 0 &&
         st->style_pos[(size_t)un->style * st->def.n_contests + ci] >= 0;
}

bool cv__report_tree(const struct cv__state *st, struct cv__arena *a, struct cv__report_tree *tr) {
  uint32_t n = st->def.n_units;
  tr->first = cv__arena_alloc(a, n * sizeof *tr->first);
  tr->next = cv__arena_alloc(a, n * sizeof *tr->next);
  if (!tr->first || !tr->next) return false;
  for (uint32_t u = 0; u < n; u++) tr->first[u] = tr->next[u] = -1;
  /* Backwards, so that pushing at the front leaves definition order. */
  for (uint32_t u = n; u-- > 0;) {
    int32_t p = st->def.units[u].parent;
    if (p < 0) continue;
    tr->next[u] = tr->first[p];
    tr->first[p] = (int32_t)u;
  }
  return true;
}

/* ---- numbers ------------------------------------------------------------ */

char *cv__report_num(uint64_t v, char out[CV__NUM_LEN]) {
  char tmp[CV__NUM_LEN];
  size_t i = sizeof tmp, digits = 0;
  tmp[--i] = '\0';
  do {
    if (digits && digits % 3 == 0) tmp[--i] = ',';
    tmp[--i] = (char)('0' + v % 10);
    v /= 10;
    digits++;
  } while (v);
  memcpy(out, tmp + i, sizeof tmp - i);
  return out;
}

char *cv__report_pct(uint64_t part, uint64_t whole, char out[CV__NUM_LEN]) {
  if (whole == 0) {
    memcpy(out, "-", 2);
    return out;
  }
  /* Long division keeps every step exact: hundredths of a percent are the
   * first four decimals of part / whole, and the remainder rounds half up.
   * Sums stay far below 2^60 under the count caps; beyond that both sides are
   * scaled down together so that rem * 10 cannot overflow. */
  while (whole > UINT64_MAX / 10) {
    part >>= 1;
    whole >>= 1;
  }
  uint64_t h = part / whole, rem = part % whole;
  for (int k = 0; k < 4; k++) {
    rem *= 10;
    h = h * 10 + rem / whole;
    rem %= whole;
  }
  if (rem >= whole - rem) h++; /* 2 * rem >= whole, without overflow */
  snprintf(out, CV__NUM_LEN, "%llu.%02llu%%", (unsigned long long)(h / 100),
           (unsigned long long)(h % 100));
  return out;
}

char *cv__report_diff(uint64_t a, uint64_t b, char out[CV__NUM_LEN]) {
  if (a == b) {
    memcpy(out, "0", 2);
    return out;
  }
  char n[CV__NUM_LEN];
  cv__report_num(a > b ? a - b : b - a, n);
  out[0] = a > b ? '+' : '-';
  memcpy(out + 1, n, strlen(n) + 1); /* at most 26 digits and commas */
  return out;
}

int64_t cv__report_sdiff(uint64_t a, uint64_t b) {
  return a >= b ? (int64_t)(a - b) : -(int64_t)(b - a);
}

/* ---- headers ------------------------------------------------------------ */

void cv__report_header(struct cv__buf *out, const struct cv__state *st, const char *title) {
  char head[80], n[CV__NUM_LEN];
  cv__hex_grouped(st->chain.head, head);
  cv__buf_adds(out, st->def.election_name);
  cv__buf_adds(out, "\nElection date: ");
  cv__buf_adds(out, st->def.election_date);
  cv__buf_adds(out, "\nStatus: ");
  cv__buf_adds(out, cv__rstatus_name(cv__report_election_status(st)));
  cv__buf_printf(out, "\nJournal head: %s (%s event%s)\n\n%s\n", head,
                 cv__report_num(st->chain.seq, n), st->chain.seq == 1 ? "" : "s", title);
}

void cv__report_csv_info(struct cv__buf *out, const struct cv__state *st) {
  char hex[CV__SHA256_HEX], events[CV__NUM_LEN];
  cv__hex(st->chain.head, CV__SHA256_LEN, hex);
  snprintf(events, sizeof events, "%llu", (unsigned long long)st->chain.seq);
  static const char *const names[] = {"Election", "Date", "Status", "Journal Head", "Events"};
  const char *values[] = {st->def.election_name, st->def.election_date,
                          cv__rstatus_name(cv__report_election_status(st)), hex, events};
  cv__buf_adds(out, "######## ELECTION INFO ########\r\n");
  cv__report_csv_row(out, names, 5);
  cv__report_csv_row(out, values, 5);
}

void cv__report_json_head(struct cv__jw *w, const struct cv__state *st) {
  char hex[CV__SHA256_HEX];
  cv__hex(st->chain.head, CV__SHA256_LEN, hex);
  cv__jw_key(w, "election");
  cv__jw_obj(w);
  cv__jw_key(w, "id");
  cv__jw_str(w, st->def.election_id);
  cv__jw_key(w, "name");
  cv__jw_str(w, st->def.election_name);
  cv__jw_key(w, "date");
  cv__jw_str(w, st->def.election_date);
  cv__jw_obj_end(w);
  cv__jw_key(w, "status");
  cv__jw_str(w, cv__rstatus_name(cv__report_election_status(st)));
  cv__jw_key(w, "journal_head");
  cv__jw_str(w, hex);
  cv__jw_key(w, "events");
  cv__jw_uint(w, st->chain.seq);
}

/* ---- CSV ---------------------------------------------------------------- */

void cv__report_csv_section(struct cv__buf *out, const char *name) {
  /* As Arlo's reports: an empty record before every section but the first. */
  cv__buf_printf(out, "\r\n######## %s ########\r\n", name);
}

static void csv_field(struct cv__buf *out, const char *s) {
  if (!s) return;
  if (!s[strcspn(s, ",\"\r\n")]) {
    cv__buf_adds(out, s);
    return;
  }
  cv__buf_addc(out, '"');
  for (const char *p = s; *p; p++) {
    if (*p == '"') cv__buf_addc(out, '"');
    cv__buf_addc(out, *p);
  }
  cv__buf_addc(out, '"');
}

void cv__report_csv_field(struct cv__buf *out, const char *s) { csv_field(out, s); }

void cv__report_csv_row(struct cv__buf *out, const char *const *fields, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (i) cv__buf_addc(out, ',');
    csv_field(out, fields[i]);
  }
  cv__buf_add(out, "\r\n", 2);
}

/* ---- text tables -------------------------------------------------------- */

void cv__rtab_init(struct cv__rtab *t, struct cv__arena *a, const char *align) {
  memset(t, 0, sizeof *t);
  t->a = a;
  t->align = align;
  t->ncols = strlen(align);
}

static void append(struct cv__rtab *t, struct cv__rtab_row *r) {
  if (t->tail)
    t->tail->next = r;
  else
    t->head = r;
  t->tail = r;
}

void cv__rtab_row(struct cv__rtab *t) {
  if (t->failed) return;
  struct cv__rtab_row *r = cv__arena_calloc(t->a, 1, sizeof *r);
  const char **cells = cv__arena_alloc(t->a, t->ncols * sizeof *cells);
  if (!r || !cells) {
    t->failed = true;
    return;
  }
  for (size_t i = 0; i < t->ncols; i++) cells[i] = "";
  r->cells = cells;
  append(t, r);
}

void cv__rtab_set(struct cv__rtab *t, size_t col, const char *s) {
  if (t->failed || !t->tail || !t->tail->cells || col >= t->ncols) return;
  const char *copy = cv__arena_strdup(t->a, s ? s : "");
  if (!copy)
    t->failed = true;
  else
    t->tail->cells[col] = copy;
}

void cv__rtab_setu(struct cv__rtab *t, size_t col, uint64_t v) {
  char n[CV__NUM_LEN];
  cv__rtab_set(t, col, cv__report_num(v, n));
}

/* Formats into the table's arena; NULL (and the table failed) when the text
 * does not fit memory. */
static char *vformat(struct cv__rtab *t, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 0)))
#endif
    ;
static char *vformat(struct cv__rtab *t, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  char *s = n < 0 ? NULL : cv__arena_alloc(t->a, (size_t)n + 1);
  if (!s) {
    t->failed = true;
    return NULL;
  }
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  return s;
}

void cv__rtab_setf(struct cv__rtab *t, size_t col, const char *fmt, ...) {
  if (t->failed || !t->tail || !t->tail->cells || col >= t->ncols) return;
  va_list ap;
  va_start(ap, fmt);
  char *s = vformat(t, fmt, ap);
  va_end(ap);
  if (s) t->tail->cells[col] = s;
}

void cv__rtab_line(struct cv__rtab *t, const char *fmt, ...) {
  if (t->failed) return;
  struct cv__rtab_row *r = cv__arena_calloc(t->a, 1, sizeof *r);
  if (!r) {
    t->failed = true;
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  r->line = vformat(t, fmt, ap);
  va_end(ap);
  if (r->line) append(t, r);
}

static size_t width_of(const char *s) {
  size_t w = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0u) != 0x80u) w++;
  return w;
}

void cv__rtab_print(struct cv__rtab *t, struct cv__buf *out, size_t indent) {
  if (t->failed || t->ncols == 0) return;
  size_t small[16], *w = small;
  size_t *heap = NULL;
  if (t->ncols > 16) {
    heap = cv__arena_calloc(t->a, t->ncols, sizeof *heap);
    if (!heap) {
      t->failed = true;
      return;
    }
    w = heap;
  } else {
    memset(small, 0, sizeof small);
  }
  for (const struct cv__rtab_row *r = t->head; r; r = r->next)
    if (r->cells)
      for (size_t i = 0; i < t->ncols; i++) {
        size_t cw = width_of(r->cells[i]);
        if (cw > w[i]) w[i] = cw;
      }
  for (const struct cv__rtab_row *r = t->head; r; r = r->next) {
    for (size_t i = 0; i < indent; i++) cv__buf_addc(out, ' ');
    if (!r->cells) {
      cv__buf_adds(out, r->line);
      cv__buf_addc(out, '\n');
      continue;
    }
    size_t last = t->ncols;
    while (last > 0 && r->cells[last - 1][0] == '\0') last--;
    for (size_t i = 0; i < last; i++) {
      if (i) cv__buf_add(out, "  ", 2);
      bool right = t->align[i] == 'r';
      if (i + 1 == last && !right)
        cv__buf_adds(out, r->cells[i]);
      else
        cv__buf_pad(out, r->cells[i], w[i], right);
    }
    cv__buf_addc(out, '\n');
  }
}

cv_status cv__rtab_status(const struct cv__rtab *t) {
  if (!t->failed) return CV_OK;
  return t->a->failure == CV_ELIMIT ? CV_ELIMIT : CV_ENOMEM;
}

cv_status cv__report_end(struct cv__buf *out, size_t start, cv_status s) {
  if (s == CV_OK) s = out->status;
  if (s != CV_OK && out->len > start) {
    out->len = start;
    out->data[start] = '\0';
  }
  return s;
}
