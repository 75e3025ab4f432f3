/* util/zip.c: zip central directory, local headers, and inflating entries
 * (see zip.h). Field layouts are those of PKWARE's APPNOTE.TXT, sections
 * 4.3.7 (local header), 4.3.12 (central header) and 4.3.16 (end of central
 * directory); all numbers are little-endian. */
#include "util/zip.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/alloc.h"
#include "util/error.h"

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define SIG_END64_LOCATOR 0x07064b50u
#define LOCAL_SIZE 30
#define CENTRAL_SIZE 46
#define END_SIZE 22
#define FLAG_ENCRYPTED 0x0001u
#define FLAG_STRONG_ENCRYPTION 0x0040u
#define RATIO_FLOOR ((uint64_t)1 << 20) /* entries this small are never "bombs" */
#define BLOCK_SIZE ((size_t)256 << 10)    /* read-ahead block */
#define N_BLOCKS 4

static uint16_t rd16(const unsigned char *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* An error about the archive, or about one entry when name is not NULL. */
static cv_status zfail(const struct cv__zip *z, const char *name, struct cv_error *err,
                       cv_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static cv_status zfail(const struct cv__zip *z, const char *name, struct cv_error *err,
                       cv_status code, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (name) return cv__fail(err, code, z->file, 0, 0, NULL, "zip entry \"%.160s\": %s", name, msg);
  return cv__fail(err, code, z->file, 0, 0, NULL, "zip archive: %s", msg);
}

/* ---- the directory ---------------------------------------------------------- */

/* Finds the end-of-central-directory record: the last signature whose
 * comment fits in the rest of the file. */
static bool find_end(const unsigned char *d, size_t len, size_t *at) {
  if (len < END_SIZE) return false;
  size_t lo = len - END_SIZE > 65535 ? len - END_SIZE - 65535 : 0;
  for (size_t i = len - END_SIZE + 1; i-- > lo;) {
    if (rd32(d + i) == SIG_END && i + END_SIZE + rd16(d + i + 20) <= len) {
      *at = i;
      return true;
    }
  }
  return false;
}

static int by_header(const void *a, const void *b) {
  const struct cv__zip_entry *x = *(const struct cv__zip_entry *const *)a;
  const struct cv__zip_entry *y = *(const struct cv__zip_entry *const *)b;
  return x->header < y->header ? -1 : x->header > y->header;
}

/* Checks the local header of e (in a directory ending at cd) and sets e->data. */
static cv_status check_local(const struct cv__zip *z, struct cv__zip_entry *e, uint64_t cd,
                             struct cv_error *err) {
  const unsigned char *d = z->data;
  if (e->header + LOCAL_SIZE > cd || rd32(d + e->header) != SIG_LOCAL)
    return zfail(z, e->name, err, CV_EINVAL, "no local header at offset %llu",
                 (unsigned long long)e->header);
  const unsigned char *h = d + e->header;
  uint64_t n = rd16(h + 26), m = rd16(h + 28);
  uint64_t data = e->header + LOCAL_SIZE + n + m;
  size_t name_len = strlen(e->name);
  if (n != name_len || e->header + LOCAL_SIZE + n > cd ||
      memcmp(h + LOCAL_SIZE, e->name, name_len) != 0)
    return zfail(z, e->name, err, CV_EINVAL, "the local header names a different file");
  if (data > cd || e->comp_size > cd - data)
    return zfail(z, e->name, err, CV_EINVAL, "the entry's data runs past the central directory");
  e->data = data;
  return CV_OK;
}

/* Reads one central header at *p; advances *p. */
static cv_status read_central(struct cv__zip *z, size_t *p, uint64_t cd_end,
                              struct cv__zip_entry *e, struct cv_error *err) {
  const unsigned char *c = z->data + *p;
  if (*p + CENTRAL_SIZE > cd_end || rd32(c) != SIG_CENTRAL)
    return zfail(z, NULL, err, CV_EINVAL, "bad central directory header at offset %zu", *p);
  size_t n = rd16(c + 28), m = rd16(c + 30), k = rd16(c + 32);
  if (*p + CENTRAL_SIZE + n + m + k > cd_end)
    return zfail(z, NULL, err, CV_EINVAL,
                 "central directory header at offset %zu runs past its end", *p);
  if (n == 0) return zfail(z, NULL, err, CV_EINVAL, "an entry has an empty name");
  if (memchr(c + CENTRAL_SIZE, '\0', n))
    return zfail(z, NULL, err, CV_EINVAL, "an entry name holds a NUL byte");
  e->name = cv__strndup((const char *)c + CENTRAL_SIZE, n);
  if (!e->name) return zfail(z, NULL, err, CV_ENOMEM, "out of memory");
  e->flags = rd16(c + 8);
  e->method = rd16(c + 10);
  e->crc = rd32(c + 16);
  e->comp_size = rd32(c + 20);
  e->size = rd32(c + 24);
  e->header = rd32(c + 42);
  if (e->comp_size == 0xFFFFFFFFu || e->size == 0xFFFFFFFFu || e->header == 0xFFFFFFFFu)
    return zfail(z, e->name, err, CV_EINVAL, "ZIP64 entries are not supported");
  if (rd16(c + 34) != 0)
    return zfail(z, e->name, err, CV_EINVAL, "archives split over several disks are not supported");
  if (e->size > z->lim.max_entry)
    return zfail(z, e->name, err, CV_ELIMIT, "uncompressed size %llu is over the cap of %llu bytes",
                 (unsigned long long)e->size, (unsigned long long)z->lim.max_entry);
  if (e->size > RATIO_FLOOR && e->size / (e->comp_size ? e->comp_size : 1) > z->lim.max_ratio)
    return zfail(z, e->name, err, CV_ELIMIT,
                 "compression ratio over %u:1 (%llu bytes from %llu): refused as a zip bomb",
                 (unsigned)z->lim.max_ratio, (unsigned long long)e->size,
                 (unsigned long long)e->comp_size);
  *p += CENTRAL_SIZE + n + m + k;
  return CV_OK;
}

cv_status cv__zip_open(struct cv__zip *z, const void *data, size_t len, const char *file,
                       const struct cv__zip_limits *limits, struct cv_error *err) {
  memset(z, 0, sizeof *z);
  z->data = data;
  z->len = len;
  z->file = file;
  if (limits) z->lim = *limits;
  if (!z->lim.max_entry) z->lim.max_entry = (uint64_t)1 << 30;
  if (!z->lim.max_ratio) z->lim.max_ratio = 1100;
  if (!z->lim.max_entries) z->lim.max_entries = 65535;
  cv__strmap_init(&z->by_name);
  const unsigned char *d = z->data;
  size_t end;
  if (!find_end(d, len, &end)) {
    cv_status st = zfail(z, NULL, err, CV_EINVAL,
                         "not a zip archive (no end of central directory record)");
    cv__zip_close(z);
    return st;
  }
  const unsigned char *e = d + end;
  uint64_t n = rd16(e + 10), cd_size = rd32(e + 12), cd_off = rd32(e + 16);
  cv_status st = CV_OK;
  struct cv__zip_entry **order = NULL;
  if (end >= 20 && rd32(d + end - 20) == SIG_END64_LOCATOR)
    st = zfail(z, NULL, err, CV_EINVAL, "ZIP64 archives are not supported");
  else if (rd16(e + 4) != 0 || rd16(e + 6) != 0 || rd16(e + 8) != n)
    st = zfail(z, NULL, err, CV_EINVAL, "archives split over several disks are not supported");
  else if (n == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu)
    st = zfail(z, NULL, err, CV_EINVAL, "ZIP64 archives are not supported");
  else if (cd_off > end || cd_size > end - cd_off)
    st = zfail(z, NULL, err, CV_EINVAL, "the central directory lies outside the archive");
  else if (n > z->lim.max_entries)
    st = zfail(z, NULL, err, CV_ELIMIT, "more than %zu entries", z->lim.max_entries);
  if (st != CV_OK) goto fail;
  z->entries = cv__calloc(n ? n : 1, sizeof *z->entries);
  order = cv__calloc(n ? n : 1, sizeof *order);
  if (!z->entries || !order) {
    st = zfail(z, NULL, err, CV_ENOMEM, "out of memory");
    goto fail;
  }
  size_t p = (size_t)cd_off;
  for (size_t i = 0; i < n; i++) {
    st = read_central(z, &p, cd_off + cd_size, &z->entries[i], err);
    z->n = i + (z->entries[i].name != NULL);
    if (st == CV_OK) st = check_local(z, &z->entries[i], cd_off, err);
    if (st != CV_OK) goto fail;
    st = cv__strmap_put(&z->by_name, z->entries[i].name, (uint32_t)i);
    if (st == CV_EEXIST)
      st = zfail(z, z->entries[i].name, err, CV_EINVAL, "the name appears twice");
    else if (st != CV_OK) st = zfail(z, NULL, err, st, "out of memory");
    if (st != CV_OK) goto fail;
    order[i] = &z->entries[i];
  }
  /* No two entries may share bytes: sorted by header offset, each entry's
   * data must end before the next header starts. */
  qsort(order, n, sizeof *order, by_header);
  for (size_t i = 0; i + 1 < n; i++)
    if (order[i]->data + order[i]->comp_size > order[i + 1]->header) {
      st = zfail(z, order[i + 1]->name, err, CV_EINVAL,
                 "overlaps entry \"%.160s\": refused as a zip bomb", order[i]->name);
      goto fail;
    }
  cv__free(order);
  return CV_OK;
fail:
  cv__free(order);
  cv__zip_close(z);
  return st;
}

void cv__zip_close(struct cv__zip *z) {
  if (!z) return;
  for (size_t i = 0; i < z->n; i++) cv__free(z->entries[i].name);
  cv__free(z->entries);
  cv__strmap_fini(&z->by_name);
  z->entries = NULL;
  z->n = 0;
}

const struct cv__zip_entry *cv__zip_find(const struct cv__zip *z, const char *name) {
  uint32_t i;
  return cv__strmap_get(&z->by_name, name, &i) ? &z->entries[i] : NULL;
}

/* ---- inflating ---------------------------------------------------------------- */

struct block {
  char *data;
  size_t len, pos;
};

struct cv__zip_reader {
  const struct cv__zip *z;
  const struct cv__zip_entry *e;
  z_stream zs;
  bool zs_ready, finished;
  uint64_t in_pos, out;  /* stored: bytes copied; both: bytes produced */
  uint32_t crc;
  /* read-ahead */
  bool threaded, thread_started, stop, producer_done;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cond;
  struct block blocks[N_BLOCKS];
  size_t head, count;    /* ring of filled blocks */
  cv_status pstatus;
  struct cv_error perr;
};

static voidpf z_alloc(voidpf opaque, uInt items, uInt size) {
  (void)opaque;
  return cv__calloc(items, size);
}
static void z_free(voidpf opaque, voidpf p) {
  (void)opaque;
  cv__free(p);
}

/* Produces up to cap bytes of the entry into buf (0 at the end, after the
 * checks). The one place that runs zlib. */
static cv_status pull(struct cv__zip_reader *r, char *buf, size_t cap, size_t *got,
                      struct cv_error *err) {
  const struct cv__zip *z = r->z;
  const struct cv__zip_entry *e = r->e;
  *got = 0;
  if (r->finished) return CV_OK;
  if (cap == 0) return zfail(z, e->name, err, CV_EINTERNAL, "read into an empty buffer");
  size_t n = 0;
  if (e->method == 0) {
    uint64_t left = e->size - r->out;
    n = cap < left ? cap : (size_t)left;
    memcpy(buf, z->data + e->data + r->out, n);
    if (n == 0) r->finished = true;
  } else {
    /* Never produce more than one byte past the declared size, so a lying
     * header cannot make us write much. */
    uint64_t room = e->size - r->out + 1;
    size_t want = cap < room ? cap : (size_t)room;
    if (want > UINT32_MAX) want = UINT32_MAX;
    r->zs.next_out = (Bytef *)buf;
    r->zs.avail_out = (uInt)want;
    /* inflate may make no output on a call (e.g. at a block header): go on
     * until some bytes come out, the stream ends, or it fails, because 0
     * bytes means "the end" to our caller. */
    while (r->zs.avail_out == want) {
      int ret = inflate(&r->zs, Z_NO_FLUSH);
      if (ret == Z_STREAM_END) {
        r->finished = true;
        break;
      }
      if (ret == Z_BUF_ERROR && r->zs.avail_in == 0)
        return zfail(z, e->name, err, CV_EINVAL, "the compressed data is truncated");
      if (ret != Z_OK)
        return zfail(z, e->name, err, CV_EINVAL, "corrupt compressed data (%s)",
                     r->zs.msg ? r->zs.msg : "inflate failed");
    }
    n = want - r->zs.avail_out;
  }
  r->out += n;
  if (r->out > e->size)
    return zfail(z, e->name, err, CV_EINVAL, "more data than the declared %llu bytes",
                 (unsigned long long)e->size);
  if (n) r->crc = (uint32_t)crc32(r->crc, (const Bytef *)buf, (uInt)n);
  if (r->finished) {
    if (r->out != e->size)
      return zfail(z, e->name, err, CV_EINVAL, "%llu bytes instead of the declared %llu",
                   (unsigned long long)r->out, (unsigned long long)e->size);
    if (r->crc != e->crc)
      return zfail(z, e->name, err, CV_EINVAL, "CRC-32 mismatch (%08x, expected %08x)",
                   (unsigned)r->crc, (unsigned)e->crc);
  }
  *got = n;
  return CV_OK;
}

static void *producer(void *arg) {
  struct cv__zip_reader *r = arg;
  for (;;) {
    pthread_mutex_lock(&r->mu);
    while (r->count == N_BLOCKS && !r->stop) pthread_cond_wait(&r->cond, &r->mu);
    bool stop = r->stop;
    size_t slot = (r->head + r->count) % N_BLOCKS;
    pthread_mutex_unlock(&r->mu);
    if (stop) break;
    struct block *b = &r->blocks[slot];
    size_t got = 0;
    cv_status st = pull(r, b->data, BLOCK_SIZE, &got, &r->perr);
    pthread_mutex_lock(&r->mu);
    if (st != CV_OK || got == 0) {
      r->pstatus = st;
      r->producer_done = true;
      pthread_cond_broadcast(&r->cond);
      pthread_mutex_unlock(&r->mu);
      break;
    }
    b->len = got;
    b->pos = 0;
    r->count++;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->mu);
  }
  return NULL;
}

cv_status cv__zip_reader_open(struct cv__zip_reader **out, const struct cv__zip *z,
                              const struct cv__zip_entry *e, bool read_ahead,
                              struct cv_error *err) {
  if (e->flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION))
    return zfail(z, e->name, err, CV_EINVAL, "encrypted entries are not supported");
  if (e->method != 0 && e->method != 8)
    return zfail(z, e->name, err, CV_EINVAL,
                 "compression method %u is not supported (only stored and deflate)",
                 (unsigned)e->method);
  if (e->method == 0 && e->comp_size != e->size)
    return zfail(z, e->name, err, CV_EINVAL, "a stored entry whose sizes differ");
  struct cv__zip_reader *r = cv__calloc(1, sizeof *r);
  if (!r) return zfail(z, e->name, err, CV_ENOMEM, "out of memory");
  r->z = z;
  r->e = e;
  r->crc = (uint32_t)crc32(0L, Z_NULL, 0);
  if (e->method == 8) {
    r->zs.zalloc = z_alloc;
    r->zs.zfree = z_free;
    r->zs.next_in = (Bytef *)(uintptr_t)(z->data + e->data);
    r->zs.avail_in = (uInt)e->comp_size;
    if (inflateInit2(&r->zs, -MAX_WBITS) != Z_OK) {
      cv__free(r);
      return zfail(z, e->name, err, CV_ENOMEM, "cannot start inflating");
    }
    r->zs_ready = true;
  }
  /* Small entries are not worth a thread. */
  if (read_ahead && e->size > 4 * BLOCK_SIZE) {
    bool ok = true;
    for (size_t i = 0; i < N_BLOCKS && ok; i++)
      ok = (r->blocks[i].data = cv__malloc(BLOCK_SIZE)) != NULL;
    if (ok && pthread_mutex_init(&r->mu, NULL) == 0) {
      if (pthread_cond_init(&r->cond, NULL) == 0) {
        r->threaded = true;
        if (pthread_create(&r->thread, NULL, producer, r) == 0) r->thread_started = true;
        else r->threaded = false;
        if (!r->threaded) pthread_cond_destroy(&r->cond);
      }
      if (!r->threaded) pthread_mutex_destroy(&r->mu);
    }
    if (!r->threaded)
      for (size_t i = 0; i < N_BLOCKS; i++) cv__free(r->blocks[i].data), r->blocks[i].data = NULL;
  }
  *out = r;
  return CV_OK;
}

cv_status cv__zip_reader_read(void *reader, char *buf, size_t cap, size_t *got,
                              struct cv_error *err) {
  struct cv__zip_reader *r = reader;
  if (!r->threaded) return pull(r, buf, cap, got, err);
  *got = 0;
  pthread_mutex_lock(&r->mu);
  while (r->count == 0 && !r->producer_done) pthread_cond_wait(&r->cond, &r->mu);
  if (r->count == 0) {
    cv_status st = r->pstatus;
    pthread_mutex_unlock(&r->mu);
    if (st != CV_OK && err && err->code == CV_OK) *err = r->perr;
    return st;
  }
  struct block *b = &r->blocks[r->head];
  pthread_mutex_unlock(&r->mu);
  /* The producer never touches a filled block, so copy without the lock. */
  size_t n = b->len - b->pos < cap ? b->len - b->pos : cap;
  memcpy(buf, b->data + b->pos, n);
  b->pos += n;
  *got = n;
  if (b->pos == b->len) {
    pthread_mutex_lock(&r->mu);
    r->head = (r->head + 1) % N_BLOCKS;
    r->count--;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->mu);
  }
  return CV_OK;
}

void cv__zip_reader_close(struct cv__zip_reader *r) {
  if (!r) return;
  if (r->threaded) {
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->mu);
    if (r->thread_started) pthread_join(r->thread, NULL);
    pthread_cond_destroy(&r->cond);
    pthread_mutex_destroy(&r->mu);
  }
  for (size_t i = 0; i < N_BLOCKS; i++) cv__free(r->blocks[i].data);
  if (r->zs_ready) inflateEnd(&r->zs);
  cv__free(r);
}

cv_status cv__zip_extract(const struct cv__zip *z, const struct cv__zip_entry *e, char **out,
                          size_t *len, struct cv_error *err) {
  struct cv__zip_reader *r;
  cv_status st = cv__zip_reader_open(&r, z, e, false, err);
  if (st != CV_OK) return st;
  char *buf = cv__malloc((size_t)e->size + 2);
  if (!buf) {
    cv__zip_reader_close(r);
    return zfail(z, e->name, err, CV_ENOMEM, "out of memory");
  }
  size_t have = 0;
  for (;;) {
    size_t got = 0;
    /* One byte of slack lets pull() notice data past the declared size. */
    st = pull(r, buf + have, (size_t)e->size + 1 - have, &got, err);
    if (st != CV_OK || got == 0) break;
    have += got;
  }
  cv__zip_reader_close(r);
  if (st != CV_OK) {
    cv__free(buf);
    return st;
  }
  buf[have] = '\0';
  *out = buf;
  *len = have;
  return CV_OK;
}
