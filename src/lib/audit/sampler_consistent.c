/* audit/sampler_consistent.c: Rivest's consistent sampler, as Arlo runs it.
 *
 * Every id gets a ticket: "0." followed by the decimal digits of
 * SHA-256(hex(SHA-256(seed)) || id), least significant digit first, padded to
 * 64 digits. Ids are drawn in increasing ticket order, where order is the
 * reference's: tickets compare as strings, then ids as strings. With
 * replacement a drawn id gets its next ticket (the "next-ticket rule") and
 * goes back. docs/sampling.md states it normatively.
 *
 * Speed: the seed's hex digest is exactly one SHA-256 block, so its state is
 * computed once and each id costs one or two blocks. Only the drop + take
 * smallest first tickets can ever be drawn, so one pass keeps those in a
 * bounded heap, comparing the first 9 (then 18) ticket digits as integers and
 * building full ticket strings only for the survivors. Two ids are hashed at
 * once, and a long list is split between two threads that share the
 * duplicate check; none of this changes a single draw. */
/* madvise(MADV_HUGEPAGE) is a Linux extension (a hint; nothing needs it). */
#define _DEFAULT_SOURCE 1
#include "audit/sampler.h"

#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/error.h"
#include "util/sha256.h"

/* Guards against runaway next-ticket loops: each try succeeds with
 * probability near 1 - x, so these are never reached by honest input. */
#define MAX_TICKET_LEN 4096
#define MAX_NEXT_TRIES 100000000u

struct run {
  const struct cv_ids *ids;
  struct cv__sha256_ctx mid; /* state after the 64 hex digits of the seed hash */
  uint32_t mid_words[8];     /* the same state, for cv__sha256_pair_words */
};

/* A surviving id of the first pass: key holds its first 18 ticket digits. */
struct cand {
  uint64_t key;
  uint32_t idx;
};

/* A ticket in the drawing heap. */
struct ticket {
  char *num; /* "0.ddd..." NUL-terminated, owned */
  size_t len;
  uint32_t idx;
  uint64_t gen;
};

/* SHA-256(hex(SHA-256(seed)) || id idx): the digest behind its first ticket. */
static void first_digest(const struct run *r, uint32_t idx, uint8_t h[32]) {
  size_t len;
  const char *id = cv__ids_at(r->ids, idx, &len);
  struct cv__sha256_ctx c = r->mid;
  cv__sha256_update(&c, id, len);
  cv__sha256_final(&c, h);
}

/* Writes "0." + reversed digits into out; returns the length. */
static size_t uniform(const uint8_t h[32], char out[CV__UNIFORM_MAX]) {
  out[0] = '0', out[1] = '.';
  size_t n = cv__sampler_digits_reversed(h, out + 2);
  out[n + 2] = '\0';
  return n + 2;
}

/* Python's order of two str: code points, which is UTF-8 byte order. */
static int str_cmp(const char *a, size_t la, const char *b, size_t lb) {
  int c = memcmp(a, b, la < lb ? la : lb);
  if (c) return c;
  return la < lb ? -1 : la > lb;
}

/* Orders ids a and b of the list as Python orders str. */
static int id_cmp(const struct run *r, uint32_t a, uint32_t b) {
  size_t la, lb;
  const char *sa = cv__ids_at(r->ids, a, &la), *sb = cv__ids_at(r->ids, b, &lb);
  return str_cmp(sa, la, sb, lb);
}

/* Full order of first tickets; keys settle all but one pair in 10^18. */
static int cand_cmp(const struct run *r, const struct cand *a, const struct cand *b) {
  if (a->key != b->key) return a->key < b->key ? -1 : 1;
  uint8_t ha[32], hb[32];
  char ta[CV__UNIFORM_MAX], tb[CV__UNIFORM_MAX];
  first_digest(r, a->idx, ha);
  first_digest(r, b->idx, hb);
  size_t la = uniform(ha, ta), lb = uniform(hb, tb);
  int c = str_cmp(ta, la, tb, lb);
  return c ? c : id_cmp(r, a->idx, b->idx);
}

/* Max-heap of candidates (the largest is dropped first). */
static void cand_sift_down(const struct run *r, struct cand *h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, m = i;
    if (l < n && cand_cmp(r, &h[l], &h[m]) > 0) m = l;
    if (l + 1 < n && cand_cmp(r, &h[l + 1], &h[m]) > 0) m = l + 1;
    if (m == i) return;
    struct cand t = h[i];
    h[i] = h[m], h[m] = t;
    i = m;
  }
}

/* Moves h[i] up to its place in the max-heap. */
static void cand_sift_up(const struct run *r, struct cand *h, size_t i) {
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (cand_cmp(r, &h[i], &h[p]) <= 0) return;
    struct cand t = h[i];
    h[i] = h[p], h[p] = t;
    i = p;
  }
}

/* The nine digits of r (zero-padded) in reverse order, as an integer. */
static uint32_t rev9(uint32_t r) {
  uint32_t k = 0;
  for (int i = 0; i < 9; i++) k = k * 10 + r % 10, r /= 10;
  return k;
}

/* x mod 10^9 as a sum of independent products limb * (2^(32 (7 - i)) mod
 * 10^9) instead of a chain of eight divisions, and the nine digits reversed
 * by three lookups of three. */
struct fastkey {
  uint64_t pow[8];
  uint16_t rev3[1000];
};

static void fastkey_init(struct fastkey *f) {
  uint64_t v = 1;
  for (int i = 7; i >= 0; i--) {
    f->pow[i] = v;
    v = (v << 32) % 1000000000u;
  }
  for (uint32_t i = 0; i < 1000; i++) f->rev3[i] = (uint16_t)(i % 10 * 100 + i / 10 % 10 * 10 + i / 100);
}

/* The first nine digits of the ticket of digest x (eight big-endian
 * words), as an integer. */
static uint32_t first9(const struct fastkey *f, const uint32_t x[8]) {
  uint64_t lo = 0, hi = 0;
  for (int i = 0; i < 4; i++) {
    hi += x[i] * f->pow[i]; /* each product < 2^62, four of them < 2^64 */
    lo += x[4 + i] * f->pow[4 + i];
  }
  uint32_t r = (uint32_t)((hi % 1000000000u + lo % 1000000000u) % 1000000000u);
  return (uint32_t)f->rev3[r % 1000] * 1000000u + (uint32_t)f->rev3[r / 1000 % 1000] * 1000u +
         f->rev3[r / 1000000];
}

/* The first eighteen digits of the ticket of digest w (words), as an
 * integer. */
static uint64_t first18(const uint32_t w[8]) {
  uint32_t x[8];
  memcpy(x, w, sizeof x);
  uint64_t k1 = rev9(cv__u256_divmod_1e9(x));
  return k1 * 1000000000u + rev9(cv__u256_divmod_1e9(x));
}

/* ---- duplicate ids ---------------------------------------------------------
 * Equal ids have equal digests, so the digest is the hash; a match on it is
 * confirmed by comparing the ids themselves. */
struct dupset {
  _Atomic uint32_t *slot; /* tag << bits | (index + 1); 0 is empty */
  size_t mask;
  unsigned bits;  /* bits holding index + 1; the rest hold a tag */
};

/* Where an id with digest h goes, and the tag that spares most id compares. */
struct dup_pending {
  size_t at;
  uint32_t tag;
  uint32_t idx;
};

static struct dup_pending dup_place(const struct dupset *d, const uint32_t w[8], uint32_t idx) {
  struct dup_pending p = {(size_t)((uint64_t)w[0] << 32 | w[1]) & d->mask, w[2] >> d->bits, idx};
  return p;
}

/* A zeroed table of n bytes. Its pages are touched in random order, so on
 * Linux it asks for huge pages first: with 4 KiB pages nearly every lookup
 * of a manifest-sized table also misses the TLB. */
static void *zeroed_table(size_t n) {
  unsigned char *p = cv__malloc(n);
  if (!p) return NULL;
#ifdef MADV_HUGEPAGE
  const uintptr_t huge = (uintptr_t)2 << 20;
  uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1), hi = ((uintptr_t)p + n) & ~(huge - 1);
  if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#endif
  memset(p, 0, n);
  return p;
}

/* Returns the index of an equal id already in the set, or UINT32_MAX after
 * adding. Safe from several threads: a slot is claimed by compare-and-swap,
 * and a thread that loses the race compares with the winner's id. */
static uint32_t dup_insert(const struct run *r, struct dupset *d, struct dup_pending p) {
  uint32_t low = (uint32_t)((UINT64_C(1) << d->bits) - 1);
  uint32_t mine = (uint32_t)((uint64_t)p.tag << d->bits) | (p.idx + 1);
  for (size_t at = p.at;; at = (at + 1) & d->mask) {
    uint32_t e = atomic_load_explicit(&d->slot[at], memory_order_relaxed);
    if (!e && atomic_compare_exchange_strong_explicit(&d->slot[at], &e, mine, memory_order_relaxed,
                                                      memory_order_relaxed))
      return UINT32_MAX;
    if ((uint32_t)((uint64_t)e >> d->bits) == p.tag && id_cmp(r, (e & low) - 1, p.idx) == 0)
      return (e & low) - 1;
  }
}

/* ---- drawing --------------------------------------------------------------- */

static int ticket_cmp(const struct run *r, const struct ticket *a, const struct ticket *b) {
  int c = str_cmp(a->num, a->len, b->num, b->len);
  if (c) return c;
  c = id_cmp(r, a->idx, b->idx);
  if (c) return c;
  return a->gen < b->gen ? -1 : a->gen > b->gen;
}

/* Moves h[i] down to its place in the min-heap of n tickets. */
static void tk_sift_down(const struct run *r, struct ticket *h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, m = i;
    if (l < n && ticket_cmp(r, &h[l], &h[m]) < 0) m = l;
    if (l + 1 < n && ticket_cmp(r, &h[l + 1], &h[m]) < 0) m = l + 1;
    if (m == i) return;
    struct ticket t = h[i];
    h[i] = h[m], h[m] = t;
    i = m;
  }
}

/* Where the first digit below 9 is in "0.ddd" (len when all are 9s: the
 * reference appends a 0 before looking). */
static size_t first_non9(const char *x, size_t len) {
  size_t i = 2;
  while (i < len && x[i] == '9') i++;
  return i;
}

/* The next ticket after x: keep x's leading 9s, follow them with the
 * reversed digits of SHA-256(x ":" i) for i = 1, 2, ... until the result
 * compares above x + "0". Replaces t->num. */
static cv_status next_ticket(struct ticket *t, struct cv_error *err) {
  size_t pos = first_non9(t->num, t->len);
  if (pos + 80 > MAX_TICKET_LEN)
    return cv__failf(err, CV_ELIMIT, "a ticket number grew past %d digits", MAX_TICKET_LEN);
  char *x0 = cv__malloc(t->len + 2);
  char *y = cv__malloc(pos + CV__UNIFORM_MAX);
  char *in = cv__malloc(t->len + 32);
  if (!x0 || !y || !in) {
    cv__free(x0), cv__free(y), cv__free(in);
    return cv__failf(err, CV_ENOMEM, "out of memory");
  }
  memcpy(x0, t->num, t->len);
  x0[t->len] = '0', x0[t->len + 1] = '\0';
  memcpy(y, t->num, pos);
  memcpy(in, t->num, t->len);
  size_t ylen = 0;
  for (uint32_t i = 1;; i++) {
    if (i > MAX_NEXT_TRIES) {
      cv__free(x0), cv__free(y), cv__free(in);
      return cv__failf(err, CV_ELIMIT, "no next ticket after %u tries", MAX_NEXT_TRIES);
    }
    int k = snprintf(in + t->len, 32, ":%u", i);
    uint8_t h[32];
    cv__sha256(in, t->len + (size_t)k, h);
    char u[CV__UNIFORM_MAX];
    size_t ul = uniform(h, u);
    memcpy(y + pos, u + 2, ul - 2 + 1);
    ylen = pos + ul - 2;
    if (str_cmp(y, ylen, x0, t->len + 1) > 0) break;
  }
  cv__free(x0), cv__free(in);
  cv__free(t->num);
  t->num = y;
  t->len = ylen;
  t->gen++;
  return CV_OK;
}

/* Records a draw: the ticket trimmed to digits after its leading 9s. */
static cv_status record(struct cv_sample *s, const struct run *r, const struct ticket *t,
                        uint32_t digits, struct cv_error *err) {
  size_t keep = first_non9(t->num, t->len) + digits;
  if (keep > t->len) keep = t->len;
  size_t idlen;
  const char *id = cv__ids_at(r->ids, t->idx, &idlen);
  struct cv_draw *d = cv__sample_push(s);
  char *num = cv__arena_strndup(&s->arena, t->num, keep);
  char *idc = cv__arena_strndup(&s->arena, id, idlen);
  if (!d || !num || !idc) return cv__failf(err, CV_ENOMEM, "out of memory for the sample");
  d->ticket = num;
  d->id = idc;
  d->id_len = idlen;
  d->id_index = t->idx;
  d->generation = t->gen;
  return CV_OK;
}

static cv_status duplicate_error(const struct cv_ids *ids, uint32_t first, uint32_t again,
                                 struct cv_error *err) {
  size_t len;
  const char *id = cv__ids_at(ids, again, &len);
  int show = len > 80 ? 80 : (int)len;
  if (ids->from_file)
    return cv__fail(err, CV_EINVAL, ids->name, again + 1, 0, NULL,
                    "the id \"%.*s\" is already on line %u; ids must be distinct", show, id,
                    first + 1);
  return cv__failf(err, CV_EINVAL, "ids %u and %u are both \"%.*s\"; ids must be distinct",
                   first + 1, again + 1, show, id);
}

/* The first pass over ids [from, to) by one worker: digests, the duplicate
 * set (shared), and the worker's own bounded max-heap of the m smallest
 * first tickets. */
struct worker {
  const struct run *r;
  struct dupset *d;
  const struct fastkey *fk;
  _Atomic bool *stop; /* a duplicate was found somewhere */
  size_t from, to, m, have;
  struct cand *heap;
  bool dup;
};

/* Offers c to the worker's heap of the m smallest; updates *top1 when full. */
static void keep(struct worker *w, struct cand c, uint32_t *top1) {
  if (w->have < w->m) {
    w->heap[w->have] = c;
    cand_sift_up(w->r, w->heap, w->have++);
  } else if (cand_cmp(w->r, &c, &w->heap[0]) < 0) {
    w->heap[0] = c;
    cand_sift_down(w->r, w->heap, w->m, 0);
  } else {
    return;
  }
  if (w->have == w->m) *top1 = (uint32_t)(w->heap[0].key / 1000000000u);
}

static void *first_pass(void *arg) {
  struct worker *w = arg;
  const struct run *r = w->r;
  uint32_t top1 = 0; /* first nine digits of the largest kept ticket */
  /* The set is far larger than the caches: each insert waits DUP_AHEAD ids
   * behind its prefetch. */
  enum { DUP_AHEAD = 16 };
  struct dup_pending ring[DUP_AHEAD];
  uint32_t hs[2][8];
  size_t n = w->to - w->from;
  for (size_t k = 0; k < n + DUP_AHEAD; k++) {
    if (k >= DUP_AHEAD && dup_insert(r, w->d, ring[(k - DUP_AHEAD) % DUP_AHEAD]) != UINT32_MAX) {
      w->dup = true;
      atomic_store(w->stop, true);
    }
    if (k % 4096 == 0 && atomic_load_explicit(w->stop, memory_order_relaxed)) break;
    if (k >= n) continue;
    size_t i = w->from + k;
    /* Digests come two at a time: ids i and i + 1 on even k. */
    if (k % 2 == 0) {
      size_t la, lb = 0;
      const char *a = cv__ids_at(r->ids, i, &la);
      const char *b = k + 1 < n ? cv__ids_at(r->ids, i + 1, &lb) : NULL;
      if (!b || !cv__sha256_pair_words(r->mid_words, a, la, b, lb, hs[0], hs[1])) {
        uint8_t h[32];
        first_digest(r, (uint32_t)i, h);
        cv__u256_load(h, hs[0]);
        if (b) first_digest(r, (uint32_t)i + 1, h), cv__u256_load(h, hs[1]);
      }
    }
    const uint32_t *h = hs[k % 2];
    ring[k % DUP_AHEAD] = dup_place(w->d, h, (uint32_t)i);
    __builtin_prefetch((const void *)&w->d->slot[ring[k % DUP_AHEAD].at]);
    if (w->have == w->m && first9(w->fk, h) > top1) continue;
    keep(w, (struct cand){first18(h), (uint32_t)i}, &top1);
  }
  return NULL;
}

/* After a duplicate: finds the first id (in list order) that repeats an
 * earlier one, one thread, so the message never depends on timing. */
static cv_status name_duplicate(const struct run *r, struct dupset *d, struct cv_error *err) {
  memset((void *)d->slot, 0, (d->mask + 1) * sizeof *d->slot);
  for (size_t i = 0; i < r->ids->n; i++) {
    uint8_t h[32];
    first_digest(r, (uint32_t)i, h);
    uint32_t x[8];
    cv__u256_load(h, x);
    uint32_t prev = dup_insert(r, d, dup_place(d, x, (uint32_t)i));
    if (prev != UINT32_MAX) return duplicate_error(r->ids, prev, (uint32_t)i, err);
  }
  return cv__failf(err, CV_EINTERNAL, "a duplicate id vanished");
}

/* Lists big enough to pay for a second thread, and how many workers. */
#define THREAD_MIN_IDS 200000
#define MAX_WORKERS 2

/* First pass: checks for duplicates and keeps the m smallest first tickets,
 * returned in ascending order in heap (m entries, m <= ids). Long lists are
 * split between two threads; the result does not depend on the split, as
 * the order of tickets is total. */
static cv_status select_candidates(const struct run *r, size_t m, struct cand *heap,
                                   struct cv_error *err) {
  size_t n = r->ids->n;
  struct dupset d;
  size_t slots = 16;
  while (slots < 2 * n) slots *= 2;
  d.slot = zeroed_table(slots * sizeof *d.slot);
  if (!d.slot) return cv__failf(err, CV_ENOMEM, "out of memory for %zu ids", n);
  d.mask = slots - 1;
  d.bits = 1;
  while ((UINT64_C(1) << d.bits) <= n) d.bits++; /* n <= CV_SAMPLE_MAX_IDS < 2^27 */
  struct fastkey fk;
  fastkey_init(&fk);
  _Atomic bool stop = false;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  size_t nw = n >= THREAD_MIN_IDS && cpus > 1 ? MAX_WORKERS : 1;
  struct worker w[MAX_WORKERS];
  struct cand *extra = nw > 1 ? cv__calloc(m, sizeof *extra) : NULL;
  if (nw > 1 && !extra) nw = 1; /* one thread needs no second heap */
  for (size_t k = 0; k < nw; k++)
    w[k] = (struct worker){.r = r, .d = &d, .fk = &fk, .stop = &stop, .from = n * k / nw,
                           .to = n * (k + 1) / nw, .m = m, .heap = k ? extra : heap};
  pthread_t tid;
  bool threaded = nw > 1 && pthread_create(&tid, NULL, first_pass, &w[1]) == 0;
  first_pass(&w[0]);
  if (threaded) pthread_join(tid, NULL);
  else if (nw > 1) first_pass(&w[1]);
  cv_status rc = CV_OK;
  if (w[0].dup || (nw > 1 && w[1].dup)) rc = name_duplicate(r, &d, err);
  cv__free((void *)d.slot);
  if (rc != CV_OK) {
    cv__free(extra);
    return rc;
  }
  /* Merge the second worker's candidates into the first's heap. */
  struct worker *a = &w[0];
  uint32_t top1 = a->have == m ? (uint32_t)(heap[0].key / 1000000000u) : 0;
  for (size_t k = 0; nw > 1 && k < w[1].have; k++) keep(a, extra[k], &top1);
  cv__free(extra);
  /* Heap sort in place: ascending order. */
  for (size_t end = a->have; end > 1; end--) {
    struct cand t = heap[0];
    heap[0] = heap[end - 1], heap[end - 1] = t;
    cand_sift_down(r, heap, end - 1, 0);
  }
  return CV_OK;
}

/* Draws opt->drop + opt->take times and records the last take draws in s.
 * Without replacement it stops early when every id has been drawn. */
cv_status cv__sample_consistent(const struct cv_sample_options *opt, const struct cv_ids *ids,
                                struct cv_sample *s, struct cv_error *err) {
  uint32_t digits = opt->digits ? opt->digits : 9;
  uint64_t want = opt->drop + opt->take;
  size_t m = ids->n < want ? ids->n : (size_t)want;
  if (m == 0) return CV_OK;
  struct run r = {.ids = ids};
  uint8_t sh[32];
  char hex[CV__SHA256_HEX];
  cv__sha256(opt->seed, opt->seed_len, sh);
  cv__hex(sh, 32, hex);
  cv__sha256_init(&r.mid);
  cv__sha256_update(&r.mid, hex, 64);
  cv__sha256_midstate((const uint8_t *)hex, r.mid_words);

  struct cand *cands = cv__calloc(m, sizeof *cands);
  struct ticket *heap = cv__calloc(m, sizeof *heap);
  cv_status rc = cands && heap ? CV_OK : cv__failf(err, CV_ENOMEM, "out of memory");
  if (rc == CV_OK) rc = select_candidates(&r, m, cands, err);
  size_t n = 0;
  /* Ascending order is already a valid min-heap. */
  for (size_t i = 0; rc == CV_OK && i < m; i++) {
    uint8_t h[32];
    char u[CV__UNIFORM_MAX];
    first_digest(&r, cands[i].idx, h);
    size_t ul = uniform(h, u);
    heap[i].num = cv__malloc(ul + 1);
    if (!heap[i].num) {
      rc = cv__failf(err, CV_ENOMEM, "out of memory");
      break;
    }
    memcpy(heap[i].num, u, ul + 1);
    heap[i].len = ul;
    heap[i].idx = cands[i].idx;
    heap[i].gen = 1;
    n++;
  }
  uint64_t count = 0;
  while (rc == CV_OK && n > 0 && count < want) {
    count++;
    if (count > opt->drop) rc = record(s, &r, &heap[0], digits, err);
    if (rc != CV_OK) break;
    if (!opt->without_replacement) {
      rc = next_ticket(&heap[0], err);
    } else {
      cv__free(heap[0].num);
      heap[0] = heap[--n];
      heap[n].num = NULL;
    }
    if (n) tk_sift_down(&r, heap, n, 0);
  }
  for (size_t i = 0; heap && i < n; i++) cv__free(heap[i].num);
  cv__free(heap);
  cv__free(cands);
  return rc;
}
