/* formats/cvr_hart.c: Hart InterCivic cast vote records, a folder with one
 * XML file per ballot sheet (<Cvr>). Each <Contest> with our Id lists
 * <Option>s whose <Value> is a string of 0s and 1s read left to right: a 1
 * at position r means the option was ranked r-th ("0100": rank 2; "0101":
 * ranks 2 and 4, a repeated ranking). As in RCTab's HartCvrReader:
 *
 *  - files are those whose name ends in "xml" (any case) but not ".sig.xml";
 *    we take them in byte order of their names (RCTab takes the order the
 *    file system lists them in, which is not defined);
 *  - a mark names the option by its Id (configurations map Ids to names with
 *    aliases); an Id equal to the undeclared write-in label is a UWI mark;
 *  - a record per matching <Contest>: id CvrGuid, batch BatchNumber,
 *    precinct PrecinctSplit/Name, precinct portion PrecinctSplit/Id.
 * Signature files (.sig.xml) are not verified. */
#include "formats/cvr.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "election/election.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xml.h"

#define MAX_HART_FILE ((size_t)64 << 20)
#define MAX_HART_FILES ((size_t)10 << 20)
#define MAX_CONTESTS_PER_FILE 64

struct hart {
  const struct cv__cvr_source *src;
  struct cv__buf text;
  struct cv__cvr_marks marks;
  size_t starts[MAX_CONTESTS_PER_FILE + 1]; /* mark ranges, one per matching contest */
  uint32_t lines[MAX_CONTESTS_PER_FILE], cols[MAX_CONTESTS_PER_FILE];
  size_t n_contests;
  size_t off[5];                             /* pool offsets: guid, batch, name, split id */
  bool has[5];
};

enum { F_GUID, F_BATCH, F_SPLIT_NAME, F_SPLIT_ID };

/* True when the current element's name, without prefix, is local. */
static bool is(const struct cv__xml *x, const char *local) {
  return strcmp(cv__xml_local(x->name), local) == 0;
}

/* The text of the element at x, NUL-terminated, in h->text. */
static cv_status text_of(struct hart *h, struct cv__xml *x, struct cv_error *err) {
  cv__buf_reset(&h->text);
  cv_status st = cv__xml_text(x, &h->text, err);
  if (st == CV_OK && cv__buf_addc(&h->text, '\0') != CV_OK)
    st = cv__xml_fail(x, err, CV_ELIMIT, "text too long");
  if (st == CV_OK) h->text.len--;
  return st;
}

/* Keeps the current text as field f of the record. */
static cv_status keep_field(struct hart *h, struct cv__xml *x, int f, struct cv_error *err) {
  cv_status st = text_of(h, x, err);
  if (st == CV_OK && cv__cvr_pool_add(&h->marks, h->text.data, h->text.len, &h->off[f]) != CV_OK)
    st = cv__xml_fail(x, err, CV_ELIMIT, "record too large");
  if (st == CV_OK) h->has[f] = true;
  return st;
}

/* <Option><Name/><Id/><Value/></Option> of a matching contest. */
static cv_status read_option(struct hart *h, struct cv__xml *x, struct cv_error *err) {
  size_t depth = x->depth;
  uint32_t line = x->line, column = x->column;
  size_t id_off = 0, val_off = 0, id_len = 0, val_len = 0;
  bool has_id = false, has_val = false;
  uint32_t vline = 0, vcol = 0;
  cv_status st;
  while ((st = cv__xml_next(x, err)) == CV_OK && !(x->event == CV__XML_END && x->depth < depth)) {
    if (x->event != CV__XML_START) continue;
    if (x->depth == depth + 1 && (is(x, "Id") || is(x, "Value"))) {
      bool id = is(x, "Id");
      uint32_t l = x->line, c = x->column;
      st = text_of(h, x, err);
      size_t off;
      if (st == CV_OK && cv__cvr_pool_add(&h->marks, h->text.data, h->text.len, &off) != CV_OK)
        st = cv__xml_fail(x, err, CV_ELIMIT, "record too large");
      if (st == CV_OK && id) id_off = off, id_len = h->text.len, has_id = true;
      if (st == CV_OK && !id)
        val_off = off, val_len = h->text.len, has_val = true, vline = l, vcol = c;
    } else {
      st = cv__xml_skip(x, err);
    }
    if (st != CV_OK) return st;
  }
  if (st != CV_OK) return st;
  if (!has_id || !has_val)
    return cv__fail(err, CV_EINVAL, x->file, line, column, NULL, "Option has no %s",
                    has_id ? "Value" : "Id");
  const char *uwi = h->src->undeclared_write_in_label;
  bool is_uwi = !cv__cvr_unset(uwi) && strlen(uwi) == id_len &&
                memcmp(cv__cvr_pool_str(&h->marks, id_off), uwi, id_len) == 0;
  for (size_t r = 0; r < val_len; r++) {
    char c = cv__cvr_pool_str(&h->marks, val_off)[r];
    if (c != '1') continue;
    st = cv__cvr_marks_add_pooled(&h->marks, (uint32_t)(r + 1),
                                  is_uwi ? CV__MARK_UWI : CV__MARK_CANDIDATE, id_off, id_len,
                                  vline, vcol);
    if (st != CV_OK) return cv__fail(err, st, x->file, vline, vcol, NULL, "too many marks");
  }
  return CV_OK;
}

/* <Contest><Name/><Id/><Options>...</Options></Contest>: reads the options
 * only when the Id is ours (Id comes before Options in Hart's files; an Id
 * after them is refused as we would have skipped them). */
static cv_status read_contest(struct hart *h, struct cv__xml *x, struct cv_error *err) {
  size_t depth = x->depth;
  uint32_t line = x->line, column = x->column;
  bool ours = false, known = false;
  size_t start = h->marks.n;
  cv_status st;
  while ((st = cv__xml_next(x, err)) == CV_OK && !(x->event == CV__XML_END && x->depth < depth)) {
    if (x->event != CV__XML_START) continue;
    if (x->depth == depth + 1 && is(x, "Id")) {
      st = text_of(h, x, err);
      known = true;
      ours = st == CV_OK && strcmp(h->text.data, h->src->contest_id) == 0;
    } else if (x->depth == depth + 1 && is(x, "Options") && ours) {
      size_t od = x->depth;
      while ((st = cv__xml_next(x, err)) == CV_OK && !(x->event == CV__XML_END && x->depth < od)) {
        if (x->event != CV__XML_START) continue;
        st = x->depth == od + 1 && is(x, "Option") ? read_option(h, x, err) : cv__xml_skip(x, err);
        if (st != CV_OK) return st;
      }
    } else if (x->depth == depth + 1 && is(x, "Options") && !known) {
      return cv__xml_fail(x, err, CV_EINVAL, "Contest lists its Options before its Id");
    } else {
      st = cv__xml_skip(x, err);
    }
    if (st != CV_OK) return st;
  }
  if (st != CV_OK || !ours) return st;
  if (h->n_contests == MAX_CONTESTS_PER_FILE)
    return cv__fail(err, CV_ELIMIT, x->file, line, column, NULL,
                    "more than %d copies of the contest in one file", MAX_CONTESTS_PER_FILE);
  h->lines[h->n_contests] = line;
  h->cols[h->n_contests] = column;
  h->starts[h->n_contests++] = start;
  h->starts[h->n_contests] = h->marks.n;
  return CV_OK;
}

/* One Hart file: its matching contests become records at the end. */
static cv_status read_file(struct hart *h, const char *path, const char *data, size_t len,
                           cv__cvr_fn fn, void *ud, struct cv_error *err) {
  struct cv__xml x;
  cv__xml_init_mem(&x, data, len, path, NULL);
  cv__cvr_marks_reset(&h->marks);
  memset(h->has, 0, sizeof h->has);
  h->n_contests = 0;
  h->starts[0] = 0;
  cv_status st;
  while ((st = cv__xml_next(&x, err)) == CV_OK && x.event != CV__XML_EOF) {
    if (x.event != CV__XML_START) continue;
    if (x.depth == 1) {
      if (!is(&x, "Cvr")) {
        st = cv__xml_fail(&x, err, CV_EINVAL, "expected a Hart <Cvr> document, found <%s>", x.name);
        break;
      }
      continue;
    }
    if (x.depth == 2 && is(&x, "Contests")) {
      size_t cd = x.depth;
      while ((st = cv__xml_next(&x, err)) == CV_OK && !(x.event == CV__XML_END && x.depth < cd)) {
        if (x.event != CV__XML_START) continue;
        st = x.depth == cd + 1 && is(&x, "Contest") ? read_contest(h, &x, err)
                                                    : cv__xml_skip(&x, err);
        if (st != CV_OK) break;
      }
    } else if (x.depth == 2 && is(&x, "CvrGuid")) {
      st = keep_field(h, &x, F_GUID, err);
    } else if (x.depth == 2 && is(&x, "BatchNumber")) {
      st = keep_field(h, &x, F_BATCH, err);
    } else if (x.depth == 2 && is(&x, "PrecinctSplit")) {
      size_t pd = x.depth;
      while ((st = cv__xml_next(&x, err)) == CV_OK && !(x.event == CV__XML_END && x.depth < pd)) {
        if (x.event != CV__XML_START) continue;
        if (x.depth == pd + 1 && is(&x, "Name")) st = keep_field(h, &x, F_SPLIT_NAME, err);
        else if (x.depth == pd + 1 && is(&x, "Id")) st = keep_field(h, &x, F_SPLIT_ID, err);
        else st = cv__xml_skip(&x, err);
        if (st != CV_OK) break;
      }
    } else {
      st = cv__xml_skip(&x, err);
    }
    if (st != CV_OK) break;
  }
  cv__xml_fini(&x);
  if (st != CV_OK || h->n_contests == 0) return st;
  if (!h->has[F_SPLIT_NAME] && !h->has[F_SPLIT_ID])
    return cv__fail(err, CV_EINVAL, path, 0, 0, NULL, "the Cvr has no PrecinctSplit");
  cv__cvr_marks_seal(&h->marks);
  for (size_t i = 0; i < h->n_contests && st == CV_OK; i++) {
    struct cv__cvr_record rec = {0};
    rec.file = path;
    rec.line = h->lines[i];
    rec.column = h->cols[i];
    if (h->has[F_GUID]) rec.id = cv__cvr_pool_str(&h->marks, h->off[F_GUID]);
    if (h->has[F_BATCH]) rec.batch = cv__cvr_pool_str(&h->marks, h->off[F_BATCH]);
    if (h->has[F_SPLIT_NAME]) rec.precinct = cv__cvr_pool_str(&h->marks, h->off[F_SPLIT_NAME]);
    if (h->has[F_SPLIT_ID])
      rec.precinct_portion = cv__cvr_pool_str(&h->marks, h->off[F_SPLIT_ID]);
    rec.marks = h->marks.items ? h->marks.items + h->starts[i] : NULL;
    rec.n_marks = h->starts[i + 1] - h->starts[i];
    st = fn(ud, &rec, err);
  }
  return st;
}

/* True when s ends with suffix (lower case), ignoring ASCII case. */
static bool ends_ci(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  if (k > n) return false;
  for (size_t i = 0; i < k; i++) {
    char c = s[n - k + i];
    if ((char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != suffix[i]) return false;
  }
  return true;
}

/* RCTab's test: the name ends in "xml" but not ".sig.xml" (any case). */
static bool wanted(const char *name) { return ends_ci(name, "xml") && !ends_ci(name, ".sig.xml"); }

/* qsort order: bytes of the name. */
static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the folder's CVR files, sorted. */
static cv_status list_files(const char *dir, char ***out, size_t *n, struct cv_error *err) {
  DIR *d = opendir(dir);
  if (!d) return cv__fail(err, CV_ENOENT, dir, 0, 0, NULL, "cannot open the Hart CVR folder");
  char **names = NULL;
  size_t cap = 0, k = 0;
  cv_status st = CV_OK;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!wanted(e->d_name)) continue;
    if (cv__grow((void **)&names, &cap, k + 1, sizeof *names, MAX_HART_FILES) != CV_OK ||
        !(names[k] = cv__strdup(e->d_name))) {
      st = cv__fail(err, CV_ELIMIT, dir, 0, 0, NULL, "too many files or out of memory");
      break;
    }
    k++;
  }
  closedir(d);
  if (st != CV_OK) {
    for (size_t i = 0; i < k; i++) cv__free(names[i]);
    cv__free(names);
    return st;
  }
  if (k) qsort(names, k, sizeof *names, by_name);
  *out = names;
  *n = k;
  return CV_OK;
}

/* Reads a Hart folder, file by file in name order. */
cv_status cv__cvr_read_hart(const struct cv__cvr_source *src, cv__cvr_fn fn, void *ud,
                            struct cv_error *err) {
  if (cv__cvr_unset(src->contest_id))
    return cv__fail(err, CV_EINVAL, src->path, 0, 0, "contestId",
                    "a Hart source needs the contest's Id (contestId)");
  struct hart h;
  memset(&h, 0, sizeof h);
  h.src = src;
  cv__buf_init(&h.text, 1 << 20);
  cv__cvr_marks_init(&h.marks);
  cv_status st;
  if (src->data) {
    /* One file in memory (tests and fuzzing). */
    st = read_file(&h, src->path, src->data, src->data_len, fn, ud, err);
  } else {
    char **names = NULL;
    size_t n = 0;
    st = list_files(src->path, &names, &n, err);
    if (st == CV_OK && n == 0)
      st = cv__fail(err, CV_ENOENT, src->path, 0, 0, NULL,
                    "no Hart CVR files (*.xml) in the folder");
    for (size_t i = 0; i < n && st == CV_OK; i++) {
      char path[4096];
      int w = snprintf(path, sizeof path, "%s/%s", src->path, names[i]);
      if (w < 0 || (size_t)w >= sizeof path) {
        st = cv__fail(err, CV_ELIMIT, src->path, 0, 0, NULL, "file path too long");
        break;
      }
      char *text = NULL;
      size_t len = 0;
      st = cv__read_file(path, MAX_HART_FILE, &text, &len, err);
      if (st == CV_OK) st = read_file(&h, path, text, len, fn, ud, err);
      cv__free(text);
    }
    for (size_t i = 0; i < n; i++) cv__free(names[i]);
    cv__free(names);
  }
  cv__buf_fini(&h.text);
  cv__cvr_marks_fini(&h.marks);
  return st;
}
