/* formats/cvr.c: choosing the reader for a provider, and the small helpers
 * every provider's reader shares (the reusable mark list, loading an input,
 * rank numbers). The providers themselves live in cvr_<provider>.c; what
 * each one's files look like is in docs/cvr-formats.md. */
#include "formats/cvr.h"

#include <stdint.h>
#include <string.h>

#include "election/election.h"
#include "util/alloc.h"
#include "util/error.h"

/* Pool of copied mark texts per record: generous, but a record whose marks
 * need more than this is not a ballot. */
#define MARK_POOL_MAX ((size_t)16 << 20)

static const struct {
  const char *name;
  enum cv__cvr_provider provider;
} providers[] = {
    {"cdf", CV__CVR_CDF},
    {"dominion", CV__CVR_DOMINION},
    {"ess", CV__CVR_ESS},
    {"hart", CV__CVR_HART},
    {"clearBallot", CV__CVR_CLEAR_BALLOT},
    {"genericCsv", CV__CVR_GENERIC_CSV},
};

/* Exact, case-sensitive match, as RCTab's configuration reader does. */
bool cv__cvr_provider_from_name(const char *name, enum cv__cvr_provider *out) {
  if (!name) return false;
  for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++) {
    if (strcmp(name, providers[i].name) == 0) {
      *out = providers[i].provider;
      return true;
    }
  }
  return false;
}

/* True when s ends with suffix, ignoring ASCII case. */
static bool ends_with_ci(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  if (k > n) return false;
  for (size_t i = 0; i < k; i++) {
    char a = s[n - k + i], b = suffix[i];
    if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

/* Dispatches on the provider. The CDF reader is chosen by the file's
 * extension, as RCTab does (.xml or .json). */
cv_status cv__cvr_read(const struct cv__cvr_source *src, cv__cvr_fn fn, void *ud,
                       void (*progress)(void *ud, uint64_t done, uint64_t total),
                       struct cv_error *err) {
  if (!src || !fn) return cv__failf(err, CV_EINTERNAL, "cv__cvr_read: missing source or callback");
  if (cv__cvr_unset(src->path))
    return cv__failf(err, CV_EINVAL, "cast vote record source has no file path");
  switch (src->provider) {
  case CV__CVR_CDF:
    if (ends_with_ci(src->path, ".json")) return cv__cvr_read_cdf_json(src, fn, ud, err);
    if (ends_with_ci(src->path, ".xml")) return cv__cvr_read_cdf_xml(src, fn, ud, err);
    return cv__fail(err, CV_EINVAL, src->path, 0, 0, NULL,
                    "a CDF cast vote record file must end in .json or .xml");
  case CV__CVR_DOMINION:
    return cv__cvr_read_dominion(src, fn, ud, err);
  case CV__CVR_ESS:
    return cv__cvr_read_ess(src, fn, ud, progress, err);
  case CV__CVR_HART:
    return cv__cvr_read_hart(src, fn, ud, err);
  case CV__CVR_CLEAR_BALLOT:
    return cv__cvr_read_clear_ballot(src, fn, ud, err);
  case CV__CVR_GENERIC_CSV:
    return cv__cvr_read_generic_csv(src, fn, ud, err);
  }
  return cv__failf(err, CV_EINVAL, "unknown cast vote record provider %d", (int)src->provider);
}

/* ---- the reusable mark list ---------------------------------------------- */

void cv__cvr_marks_init(struct cv__cvr_marks *m) {
  memset(m, 0, sizeof *m);
  cv__buf_init(&m->pool, MARK_POOL_MAX);
}

/* Frees the list's memory; the list may be initialised again. */
void cv__cvr_marks_fini(struct cv__cvr_marks *m) {
  cv__free(m->items);
  cv__free(m->offs);
  cv__buf_fini(&m->pool);
  memset(m, 0, sizeof *m);
}

/* Empties the list for the next record, keeping its memory. */
void cv__cvr_marks_reset(struct cv__cvr_marks *m) {
  m->n = 0;
  cv__buf_reset(&m->pool);
}

/* Each copied text is followed by a NUL so consumers may treat it as a C
 * string as well as (text, text_len). */
cv_status cv__cvr_pool_add(struct cv__cvr_marks *m, const char *s, size_t len, size_t *off) {
  *off = m->pool.len;
  cv_status st = cv__buf_add(&m->pool, s, len);
  if (st == CV_OK) st = cv__buf_addc(&m->pool, '\0');
  return st;
}

/* The pooled text at off (valid until the next reset or add). */
const char *cv__cvr_pool_str(const struct cv__cvr_marks *m, size_t off) {
  return m->pool.data + off;
}

/* Appends one mark; a copied text goes to the pool and is pointed at by seal(). */
cv_status cv__cvr_marks_add(struct cv__cvr_marks *m, uint32_t rank, enum cv__mark_kind kind,
                            const char *text, size_t len, bool copy, uint32_t line,
                            uint32_t column) {
  size_t need = m->n + 1;
  cv_status st = CV_OK;
  if (need > m->cap || need > m->offs_cap) { /* rare: the list is reused */
    st = cv__grow((void **)&m->items, &m->cap, need, sizeof *m->items, CV__CVR_MAX_MARKS);
    if (st != CV_OK) return st;
    size_t ocap = m->offs_cap;
    st = cv__grow((void **)&m->offs, &ocap, need, sizeof *m->offs, CV__CVR_MAX_MARKS);
    if (st != CV_OK) return st;
    m->offs_cap = ocap;
  }
  size_t off = SIZE_MAX;
  if (text && copy) {
    st = cv__cvr_pool_add(m, text, len, &off);
    if (st != CV_OK) return st;
  }
  struct cv__cvr_mark *k = &m->items[m->n];
  k->rank = rank;
  k->kind = kind;
  k->text = copy ? NULL : text;
  k->text_len = text ? len : 0;
  k->line = line;
  k->column = column;
  m->offs[m->n] = off;
  m->n++;
  return CV_OK;
}

/* Appends a mark whose text was pooled earlier (several marks may share it). */
cv_status cv__cvr_marks_add_pooled(struct cv__cvr_marks *m, uint32_t rank, enum cv__mark_kind kind,
                                   size_t off, size_t len, uint32_t line, uint32_t column) {
  cv_status st = cv__cvr_marks_add(m, rank, kind, NULL, 0, false, line, column);
  if (st != CV_OK) return st;
  m->offs[m->n - 1] = off;
  m->items[m->n - 1].text_len = len;
  return CV_OK;
}

/* Turns pool offsets into pointers once no more text will be added. */
void cv__cvr_marks_seal(struct cv__cvr_marks *m) {
  for (size_t i = 0; i < m->n; i++)
    if (m->offs[i] != SIZE_MAX) m->items[i].text = m->pool.data + m->offs[i];
}

/* ---- inputs and small parsers -------------------------------------------- */

cv_status cv__cvr_load(const struct cv__cvr_source *src, const char *path, size_t max,
                       const char **data, size_t *len, char **owned, struct cv_error *err) {
  *owned = NULL;
  if (src->data) {
    if (src->data_len > max)
      return cv__fail(err, CV_ELIMIT, path, 0, 0, NULL, "input larger than %zu bytes", max);
    *data = src->data;
    *len = src->data_len;
    return CV_OK;
  }
  char *text = NULL;
  size_t n = 0;
  cv_status st = cv__read_file(path, max, &text, &n, err);
  if (st != CV_OK) return st;
  *owned = text;
  *data = text;
  *len = n;
  return CV_OK;
}

/* The file name part of path, as RCTab uses it in computed ids. */
const char *cv__cvr_basename(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* Integer.parseInt's syntax, restricted to usable ranks. */
bool cv__cvr_parse_rank(const char *s, size_t len, uint32_t *out) {
  size_t i = 0;
  bool neg = false;
  if (len > 0 && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == len) return false;
  uint64_t v = 0;
  for (; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (uint64_t)(s[i] - '0');
    if (v > CV__CVR_MAX_RANK) return false;
  }
  if (neg || v == 0) return false;
  *out = (uint32_t)v;
  return true;
}

/* Configurations write "" for settings they leave out. */
bool cv__cvr_unset(const char *s) { return !s || !*s; }
