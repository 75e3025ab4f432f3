#include "util/arena.h"

#include <stdint.h>
#include <string.h>

#include "util/alloc.h"

struct cv__arena_chunk {
  struct cv__arena_chunk *next;
  size_t size;
  size_t used;
  /* data follows, 8-byte aligned */
};

#define CHUNK_FIRST ((size_t)4 * 1024) /* small arenas (one sheet) stay small */
#define DEFAULT_CAP ((size_t)4 << 30)

void cv__arena_init(struct cv__arena *a, size_t cap) {
  memset(a, 0, sizeof *a);
  a->cap = cap ? cap : DEFAULT_CAP;
}

void cv__arena_fini(struct cv__arena *a) {
  if (!a) return;
  struct cv__arena_chunk *c = a->head;
  while (c) {
    struct cv__arena_chunk *n = c->next;
    cv__free(c);
    c = n;
  }
  a->head = NULL;
  a->total = 0;
}

void cv__arena_reset(struct cv__arena *a) {
  struct cv__arena_chunk *keep = a->head;
  if (!keep) return;
  struct cv__arena_chunk *c = keep->next;
  while (c) {
    struct cv__arena_chunk *n = c->next;
    cv__free(c);
    c = n;
  }
  keep->next = NULL;
  keep->used = 0;
  a->total = keep->size;
}

static size_t hdr_size(void) {
  return (sizeof(struct cv__arena_chunk) + 7u) & ~(size_t)7u;
}

void *cv__arena_alloc(struct cv__arena *a, size_t n) {
  if (n > SIZE_MAX - 8) {
    a->failure = CV_ELIMIT;
    return NULL;
  }
  n = (n + 7u) & ~(size_t)7u;
  if (n == 0) n = 8;
  struct cv__arena_chunk *c = a->head;
  if (!c || c->size - c->used < n) {
    size_t want = c ? c->size * 2 : CHUNK_FIRST;
    if (want > (size_t)64 << 20) want = (size_t)64 << 20;
    if (want < n) want = n;
    if (a->total + want > a->cap || a->total + want < a->total) {
      a->failure = CV_ELIMIT;
      return NULL;
    }
    struct cv__arena_chunk *nc = cv__malloc(hdr_size() + want);
    if (!nc) {
      a->failure = CV_ENOMEM;
      return NULL;
    }
    nc->size = want;
    nc->used = 0;
    nc->next = c;
    a->head = nc;
    a->total += want;
    c = nc;
  }
  void *p = (char *)c + hdr_size() + c->used;
  c->used += n;
  return p;
}

void *cv__arena_calloc(struct cv__arena *a, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) {
    a->failure = CV_ELIMIT;
    return NULL;
  }
  void *p = cv__arena_alloc(a, count * size);
  if (p) memset(p, 0, count * size);
  return p;
}

char *cv__arena_strndup(struct cv__arena *a, const char *s, size_t n) {
  char *d = cv__arena_alloc(a, n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *cv__arena_strdup(struct cv__arena *a, const char *s) {
  return cv__arena_strndup(a, s, strlen(s));
}
