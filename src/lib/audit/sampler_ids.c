/* audit/sampler_ids.c: id lists for the consistent sampler.
 *
 * An id is the exact string that is hashed, so the list keeps bytes as given:
 * no trimming, no normalisation. Files hold one id per line. */
/* MAP_POPULATE and MADV_HUGEPAGE are Linux extensions (both only help). */
#define _DEFAULT_SOURCE 1
#include "audit/sampler.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#ifndef MAP_POPULATE
#define MAP_POPULATE 0
#endif
#include <unistd.h>


#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Makes an empty list. */
cv_status cv_ids_new(cv_ids **out, struct cv_error *err) {
  struct cv_ids *ids = cv__calloc(1, sizeof *ids);
  if (!ids) return cv__failf(err, CV_ENOMEM, "out of memory");
  ids->start = cv__malloc(sizeof *ids->start);
  if (!ids->start) {
    cv__free(ids);
    return cv__failf(err, CV_ENOMEM, "out of memory");
  }
  ids->start[0] = 0;
  ids->cap_n = 1;
  ids->data = "";
  *out = ids;
  return CV_OK;
}

/* Frees the list (and unmaps its file). Accepts NULL. */
void cv_ids_free(cv_ids *ids) {
  if (!ids) return;
  if (ids->map) munmap(ids->map, ids->map_len);
  cv__free(ids->bytes);
  cv__free(ids->start);
  cv__free(ids);
}

/* The number of ids; 0 for NULL. */
size_t cv_ids_count(const cv_ids *ids) { return ids ? ids->n : 0; }

/* See canvass/audit.h. */
const char *cv_ids_get(const cv_ids *ids, size_t i, size_t *len) {
  if (!ids || i >= ids->n) return NULL;
  size_t l;
  const char *s = cv__ids_at(ids, i, &l);
  if (len) *len = l;
  return s;
}

/* Appends a checked id as one more line of the owned buffer. */
static cv_status append(struct cv_ids *ids, const char *id, size_t len, struct cv_error *err) {
  if (ids->from_file) return cv__failf(err, CV_EINVAL, "ids read from a file cannot be added to");
  if (ids->n >= CV_SAMPLE_MAX_IDS)
    return cv__failf(err, CV_ELIMIT, "more than %u ids", CV_SAMPLE_MAX_IDS);
  if (len > CV_SAMPLE_MAX_ID)
    return cv__failf(err, CV_ELIMIT, "an id has %zu bytes; at most %d are allowed", len,
                     CV_SAMPLE_MAX_ID);
  if (ids->len + len + 1 > CV_SAMPLE_MAX_IDS_BYTES)
    return cv__failf(err, CV_ELIMIT, "the ids take more than %llu bytes",
                     (unsigned long long)CV_SAMPLE_MAX_IDS_BYTES);
  void *p = ids->bytes;
  cv_status rc = cv__grow(&p, &ids->cap, ids->len + len + 1, 1, (size_t)CV_SAMPLE_MAX_IDS_BYTES);
  ids->bytes = p;
  if (rc == CV_OK) {
    p = ids->start;
    rc = cv__grow(&p, &ids->cap_n, ids->n + 2, sizeof *ids->start, (size_t)CV_SAMPLE_MAX_IDS + 1);
    ids->start = p;
  }
  if (rc != CV_OK) return cv__failf(err, rc, "out of memory for the ids");
  memcpy(ids->bytes + ids->len, id, len);
  ids->bytes[ids->len + len] = '\n';
  ids->len += len + 1;
  ids->data = ids->bytes;
  ids->start[++ids->n] = (uint32_t)ids->len;
  return CV_OK;
}

/* Checks one id and appends a copy (see canvass/audit.h). */
cv_status cv_ids_add(cv_ids *ids, const char *id, size_t len, struct cv_error *err) {
  if (!ids || !id) return cv__failf(err, CV_EINVAL, "no id list or id given");
  if (len == 0) return cv__failf(err, CV_EINVAL, "an id is empty");
  if (memchr(id, 0, len) || memchr(id, '\n', len) || id[len - 1] == '\r' ||
      !cv__sampler_utf8_ok(id, len))
    return cv__failf(err, CV_EINVAL,
                     "an id holds a NUL, a newline, a final carriage return or invalid UTF-8");
  return append(ids, id, len, err);
}


/* An array of line ends, with huge pages asked for when it is large: a
 * manifest-sized index otherwise costs thousands of page faults (a hint). */
static uint32_t *index_array(size_t n) {
  uint32_t *a = cv__malloc(n * sizeof *a);
#ifdef MADV_HUGEPAGE
  const uintptr_t huge = (uintptr_t)2 << 20;
  uintptr_t lo = ((uintptr_t)a + huge - 1) & ~(huge - 1);
  uintptr_t hi = ((uintptr_t)a + n * sizeof *a) & ~(huge - 1);
  if (a && hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#endif
  return a;
}

/* The lines of d[from, to) (from is a line start; to is one too, or the end
 * of the data), indexed by one thread into its own array. */
struct span {
  const char *d;
  size_t from, to, len; /* len: of all the data */
  uint32_t *end;        /* end[k]: one past line k's "\n" */
  size_t n, cap;
  uint32_t line;        /* on error: the line within the span (1-based) */
  cv_status code;
  const char *why;
};

/* Records one line [pos, end) of a span (end is its "\n", or the end of
 * the data); bad says whether it holds a byte >= 0x80 or a NUL. Returns
 * false, with the reason in sp, when the line is refused. */
static bool take_line(struct span *sp, size_t pos, size_t end, bool bad, uint32_t line) {
  const char *d = sp->d;
  size_t l = end - pos;
  if (l > 0 && d[pos + l - 1] == '\r') l--;
  sp->code = CV_EINVAL;
  if (l == 0) sp->why = "an empty line (every line must hold one id)";
  else if (l > CV_SAMPLE_MAX_ID) sp->why = "an id longer than 4096 bytes", sp->code = CV_ELIMIT;
  else if (bad && (memchr(d + pos, 0, l) || !cv__sampler_utf8_ok(d + pos, l)))
    sp->why = "a NUL byte or invalid UTF-8 in the id";
  else if (sp->n >= CV_SAMPLE_MAX_IDS) sp->why = "more ids than the cap", sp->code = CV_ELIMIT;
  if (!sp->why && sp->n == sp->cap) {
    void *p = sp->end;
    sp->code = cv__grow(&p, &sp->cap, sp->n + 1, sizeof *sp->end, (size_t)CV_SAMPLE_MAX_IDS + 2);
    sp->end = p;
    if (sp->code != CV_OK) sp->why = "out of memory for the ids";
  }
  if (sp->why) {
    sp->line = line;
    return false;
  }
  sp->code = CV_OK;
  sp->end[sp->n++] = (uint32_t)(end + 1); /* len + 1 for a last line without its end */
  return true;
}

/* take_line for the usual line (plain, not empty, room left), inline; the
 * rest goes to take_line. */
static inline bool take_line_fast(struct span *sp, size_t pos, size_t end, bool bad,
                                  uint32_t line) {
  if (bad || end <= pos + 1 || end - pos > CV_SAMPLE_MAX_ID || sp->n >= sp->cap ||
      sp->n >= CV_SAMPLE_MAX_IDS)
    return take_line(sp, pos, end, bad, line);
  sp->end[sp->n++] = (uint32_t)(end + 1);
  return true;
}

/* Indexes a span in one pass. With SSE2 (every x86-64) sixteen bytes at a
 * time: one mask of the newlines and one of the bytes >= 0x80 or NUL, so a
 * line costs a few instructions whatever its length; elsewhere byte by
 * byte. */
static void *index_span(void *arg) {
  struct span *sp = arg;
  const char *d = sp->d;
  size_t pos = sp->from, i = sp->from; /* line start; scan position */
  bool bad = false;                    /* a bad byte in [pos, i) */
  uint32_t line = 1;
  sp->code = CV_OK;
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
  for (; i + 16 <= sp->to; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
    unsigned nlm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));
    unsigned badm = (unsigned)_mm_movemask_epi8(v) | (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero));
    unsigned from = (unsigned)(pos > i ? pos - i : 0); /* first byte of this line in the chunk */
    while (nlm) {
      unsigned p = (unsigned)__builtin_ctz(nlm);
      bool b = bad || (badm & ((1u << p) - 1) & ~((1u << from) - 1));
      if (!take_line_fast(sp, pos, i + p, b, line++)) return NULL;
      pos = i + p + 1, from = p + 1, bad = false;
      nlm &= nlm - 1;
    }
    if (from < 16 && (badm >> from)) bad = true;
  }
#endif
  for (; i < sp->to; i++) {
    if (d[i] == '\n') {
      if (!take_line(sp, pos, i, bad, line++)) return NULL;
      pos = i + 1, bad = false;
    } else if ((unsigned char)d[i] >= 0x80 || d[i] == 0) {
      bad = true;
    }
  }
  if (pos < sp->to && !take_line(sp, pos, sp->to, bad, line)) return NULL;
  return NULL;
}

/* Files this large are indexed by two threads, each from a line start. */
#define SPLIT_BYTES ((size_t)4 << 20)

/* Fills ids->start from ids->data. Errors name the file's line. */
static cv_status index_lines(struct cv_ids *ids, const char *name, struct cv_error *err) {
  const char *d = ids->data;
  size_t len = ids->len;
  if (len > CV_SAMPLE_MAX_IDS_BYTES - 1)
    return cv__fail(err, CV_ELIMIT, name, 0, 0, NULL, "the file is larger than the ids cap");
  /* Room for the lines, guessed from the first 64 KiB and grown if short. */
  size_t sample = len < 65536 ? len : 65536, nl = 0;
  for (size_t i = 0; i < sample; i++) nl += d[i] == '\n';
  uint64_t est = nl ? (uint64_t)len * nl / sample : 0;
  size_t guess = (size_t)(est + est / 20) + 16;
  if (guess > CV_SAMPLE_MAX_IDS) guess = CV_SAMPLE_MAX_IDS;
  size_t split = len;
  if (len >= SPLIT_BYTES && sysconf(_SC_NPROCESSORS_ONLN) > 1) {
    const char *nlp = memchr(d + len / 2, '\n', len - len / 2);
    if (nlp && (size_t)(nlp - d) + 1 < len) split = (size_t)(nlp - d) + 1;
  }
  struct span sp[2] = {{.d = d, .from = 0, .to = split, .len = len},
                       {.d = d, .from = split, .to = len, .len = len}};
  size_t ns = split < len ? 2 : 1;
  for (size_t k = 0; k < ns; k++) {
    /* The first span writes where the list keeps its index, after start[0]. */
    sp[k].cap = ns == 1 ? guess + 1 : guess / 2 + 16;
    sp[k].end = index_array(sp[k].cap + (k == 0));
    if (!sp[k].end) {
      if (k == 1) cv__free(sp[0].end - 1);
      return cv__fail(err, CV_ENOMEM, name, 0, 0, NULL, "out of memory for the ids");
    }
    if (k == 0) sp[0].end++; /* start[0] goes in front */
  }
  pthread_t tid;
  bool threaded = ns == 2 && pthread_create(&tid, NULL, index_span, &sp[1]) == 0;
  index_span(&sp[0]);
  if (threaded) pthread_join(tid, NULL);
  else if (ns == 2) index_span(&sp[1]);
  cv__free(ids->start);
  ids->start = sp[0].end - 1; /* owns the first span's array now */
  ids->start[0] = 0;
  ids->cap_n = sp[0].cap + 1;
  ids->n = sp[0].n;
  cv_status rc = CV_OK;
  uint32_t line = 0;
  const char *why = NULL;
  if (sp[0].code != CV_OK) rc = sp[0].code, line = sp[0].line, why = sp[0].why;
  else if (ns == 2 && sp[1].code != CV_OK)
    rc = sp[1].code, line = (uint32_t)(sp[0].n + sp[1].line), why = sp[1].why;
  else if (ns == 2 && sp[0].n + sp[1].n > CV_SAMPLE_MAX_IDS)
    rc = CV_ELIMIT, why = "more ids than the cap";
  if (rc == CV_OK && ns == 2) {
    void *p = ids->start;
    rc = cv__grow(&p, &ids->cap_n, sp[0].n + sp[1].n + 1, sizeof *ids->start,
                  (size_t)CV_SAMPLE_MAX_IDS + 2);
    ids->start = p;
    if (rc == CV_OK) {
      memcpy(ids->start + 1 + sp[0].n, sp[1].end, sp[1].n * sizeof *sp[1].end);
      ids->n += sp[1].n;
    } else {
      why = "out of memory for the ids";
    }
  }
  if (ns == 2) cv__free(sp[1].end);
  if (rc != CV_OK) return cv__fail(err, rc, name, line, 0, NULL, "%s", why);
  if (ids->n == 0) return cv__fail(err, CV_EINVAL, name, 0, 0, NULL, "the file holds no ids");
  return CV_OK;
}

/* Takes buf (owned, len bytes, cap allocated) as the file's bytes. */
static cv_status from_bytes(char *buf, size_t len, size_t cap, const char *name, cv_ids **out,
                            struct cv_error *err) {
  struct cv_ids *ids;
  cv_status rc = cv_ids_new(&ids, err);
  if (rc != CV_OK) {
    cv__free(buf);
    return rc;
  }
  ids->bytes = buf, ids->data = buf ? buf : "", ids->len = len, ids->cap = cap;
  ids->from_file = true;
  snprintf(ids->name, sizeof ids->name, "%s", name);
  rc = index_lines(ids, name, err);
  if (rc != CV_OK) {
    cv_ids_free(ids);
    return rc;
  }
  *out = ids;
  return CV_OK;
}

/* Copies data and indexes its lines (see canvass/audit.h). */
cv_status cv_ids_parse(const char *data, size_t len, const char *name, cv_ids **out,
                       struct cv_error *err) {
  if (!name) name = "ids";
  if (len > CV_SAMPLE_MAX_IDS_BYTES - 1)
    return cv__fail(err, CV_ELIMIT, name, 0, 0, NULL, "the file is larger than the ids cap");
  char *buf = cv__malloc(len + 1);
  if (!buf) return cv__fail(err, CV_ENOMEM, name, 0, 0, NULL, "out of memory for the ids");
  if (len) memcpy(buf, data, len);
  buf[len] = '\0';
  return from_bytes(buf, len, len + 1, name, out, err);
}

/* Memory for n bytes of ids, asking for huge pages: on virtual machines
 * every 4 KiB page of a large list costs a fault when written and a slow
 * TLB miss each time the list is read again (a hint only). */
static char *ids_buffer(size_t n) {
  char *b = cv__malloc(n);
#ifdef MADV_HUGEPAGE
  const uintptr_t huge = (uintptr_t)2 << 20;
  uintptr_t lo = ((uintptr_t)b + huge - 1) & ~(huge - 1), hi = ((uintptr_t)b + n) & ~(huge - 1);
  if (b && hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#endif
  return b;
}

/* Reads all of f, starting with room for hint bytes (its size when it is a
 * regular file) and growing for anything else, a pipe say. */
static cv_status read_all(FILE *f, const char *path, size_t hint, char **out, size_t *len,
                          size_t *cap, struct cv_error *err) {
  size_t c = hint + 1, n = 0;
  char *buf = ids_buffer(c);
  cv_status rc = buf ? CV_OK : CV_ENOMEM;
  while (rc == CV_OK) {
    if (n == c) {
      void *p = buf;
      rc = cv__grow(&p, &c, c + 1, 1, (size_t)CV_SAMPLE_MAX_IDS_BYTES);
      buf = p;
      if (rc != CV_OK) break;
    }
    size_t got = fread(buf + n, 1, c - n, f);
    n += got;
    if (got == 0) break;
  }
  if (rc == CV_OK && ferror(f)) rc = CV_EIO;
  if (rc != CV_OK) {
    cv__free(buf);
    return cv__fail(err, rc, path, 0, 0, NULL,
                    rc == CV_EIO     ? "cannot read the ids file"
                    : rc == CV_ELIMIT ? "the ids file is too large"
                                      : "out of memory for the ids file");
  }
  *out = buf, *len = n, *cap = c;
  return CV_OK;
}

/* Maps (or reads) the file and indexes its lines (see canvass/audit.h). */
cv_status cv_ids_load(const char *path, cv_ids **out, struct cv_error *err) {
  if (!path) return cv__failf(err, CV_EINVAL, "no ids file given");
  FILE *f = fopen(path, "rb");
  if (!f)
    return cv__fail(err, errno == ENOENT ? CV_ENOENT : CV_EIO, path, 0, 0, NULL,
                    "cannot open the ids file: %s", strerror(errno));
  /* A regular file is mapped read-only and its pages mapped at once: the
   * ids are hashed where the page cache holds them. Copying them instead
   * (even into huge pages) cost more system time on the benchmark machine. */
  struct stat sb;
  size_t hint = 65536;
  if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0) {
    if ((uint64_t)sb.st_size > CV_SAMPLE_MAX_IDS_BYTES - 1) {
      fclose(f);
      return cv__fail(err, CV_ELIMIT, path, 0, 0, NULL, "the ids file is too large");
    }
    size_t len = (size_t)sb.st_size;
    hint = len;
    void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fileno(f), 0);
    if (m != MAP_FAILED) {
      fclose(f);
      struct cv_ids *ids;
      cv_status rc = cv_ids_new(&ids, err);
      if (rc != CV_OK) {
        munmap(m, len);
        return rc;
      }
      ids->map = m, ids->map_len = len, ids->data = m, ids->len = len;
      ids->from_file = true;
      snprintf(ids->name, sizeof ids->name, "%s", path);
      rc = index_lines(ids, path, err);
      if (rc != CV_OK) {
        cv_ids_free(ids);
        return rc;
      }
      *out = ids;
      return CV_OK;
    }
  }
  char *buf = NULL;
  size_t len = 0, cap = 0;
  cv_status rc = read_all(f, path, hint, &buf, &len, &cap, err);
  fclose(f);
  if (rc != CV_OK) return rc;
  return from_bytes(buf, len, cap, path, out, err);
}

/* ---- Arlo's ids --------------------------------------------------------- */

/* Whether Python's str.isprintable() is pinned down for cp here: ASCII,
 * Latin-1, Latin Extended-A/B, IPA, spacing modifiers, combining marks and
 * Latin Extended Additional are all assigned in every Unicode version
 * Python 3 has used. Other characters are refused rather than guessed. */
static bool known_char(uint32_t cp, bool *printable) {
  if (cp < 0x80) *printable = cp >= 0x20 && cp != 0x7F;
  else if (cp <= 0xA0 || cp == 0xAD) *printable = false;
  else if (cp <= 0x36F || (cp >= 0x1E00 && cp <= 0x1EFF)) *printable = true;
  else return false;
  return true;
}

/* Appends repr(s) as Python 3 writes it: single quotes unless s holds a
 * single quote and no double quote. */
static cv_status py_repr(struct cv__buf *b, const char *str, const char *what,
                         struct cv_error *err) {
  const unsigned char *s = (const unsigned char *)str;
  size_t n = strlen(str);
  if (!cv__sampler_utf8_ok(str, n))
    return cv__failf(err, CV_EINVAL, "the %s name is not valid UTF-8", what);
  char q = memchr(s, '\'', n) && !memchr(s, '"', n) ? '"' : '\'';
  cv__buf_addc(b, q);
  for (size_t i = 0; i < n;) {
    uint32_t cp = s[i];
    size_t w = 1;
    if (cp >= 0xF0) cp &= 0x07, w = 4;
    else if (cp >= 0xE0) cp &= 0x0F, w = 3;
    else if (cp >= 0xC0) cp &= 0x1F, w = 2;
    for (size_t k = 1; k < w; k++) cp = cp << 6 | (s[i + k] & 0x3Fu);
    bool printable;
    if (!known_char(cp, &printable))
      return cv__failf(err, CV_EINVAL,
                       "the %s name holds U+%04X, whose rendering by Arlo (Python) "
                       "canvass does not pin down; give the ids as a file instead",
                       what, (unsigned)cp);
    if (cp == (uint32_t)q || cp == '\\') cv__buf_addc(b, '\\'), cv__buf_addc(b, (char)cp);
    else if (cp == '\t') cv__buf_adds(b, "\\t");
    else if (cp == '\n') cv__buf_adds(b, "\\n");
    else if (cp == '\r') cv__buf_adds(b, "\\r");
    else if (!printable) cv__buf_printf(b, "\\x%02x", (unsigned)cp);
    else cv__buf_add(b, s + i, w);
    i += w;
  }
  cv__buf_addc(b, q);
  return CV_OK;
}

/* Renders and appends Arlo's id of one ballot (see canvass/audit.h). */
cv_status cv_ids_add_arlo(cv_ids *ids, const char *jurisdiction, const char *tabulator,
                          const char *batch, uint64_t position, struct cv_error *err) {
  if (!ids || !jurisdiction || !batch)
    return cv__failf(err, CV_EINVAL, "an Arlo id needs a jurisdiction and a batch");
  struct cv__buf b;
  cv__buf_init(&b, CV_SAMPLE_MAX_ID);
  cv__buf_adds(&b, "((");
  cv_status rc = py_repr(&b, jurisdiction, "jurisdiction", err);
  cv__buf_adds(&b, ", ");
  if (rc == CV_OK) {
    if (tabulator) rc = py_repr(&b, tabulator, "tabulator", err);
    else cv__buf_adds(&b, "None");
  }
  cv__buf_adds(&b, ", ");
  if (rc == CV_OK) rc = py_repr(&b, batch, "batch", err);
  cv__buf_printf(&b, "), %llu)", (unsigned long long)position);
  if (rc == CV_OK && b.status != CV_OK)
    rc = cv__failf(err, b.status, "an Arlo id is longer than %d bytes", CV_SAMPLE_MAX_ID);
  if (rc == CV_OK) rc = append(ids, b.data, b.len, err);
  cv__buf_fini(&b);
  return rc;
}
