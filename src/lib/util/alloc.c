#include "util/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *std_malloc(size_t n, void *ud) { (void)ud; return malloc(n); }
static void *std_realloc(void *p, size_t n, void *ud) { (void)ud; return realloc(p, n); }
static void std_free(void *p, void *ud) { (void)ud; free(p); }

static struct cv_allocator g_alloc = {std_malloc, std_realloc, std_free, NULL};

void cv_set_allocator(const struct cv_allocator *a) {
  if (a)
    g_alloc = *a;
  else
    g_alloc = (struct cv_allocator){std_malloc, std_realloc, std_free, NULL};
}

void *cv__malloc(size_t n) { return g_alloc.malloc_fn(n ? n : 1, g_alloc.ud); }

void *cv__calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  size_t n = count * size;
  void *p = cv__malloc(n);
  if (p && n) memset(p, 0, n);
  return p;
}

void *cv__realloc(void *p, size_t n) {
  return g_alloc.realloc_fn(p, n ? n : 1, g_alloc.ud);
}

void cv__free(void *p) {
  if (p) g_alloc.free_fn(p, g_alloc.ud);
}

void cv_free(void *p) { cv__free(p); }

char *cv__strndup(const char *s, size_t n) {
  char *d = cv__malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *cv__strdup(const char *s) { return cv__strndup(s, strlen(s)); }

cv_status cv__grow(void **items, size_t *cap, size_t need, size_t elem, size_t max) {
  if (need <= *cap) return CV_OK;
  if (need > max) return CV_ELIMIT;
  size_t ncap = *cap ? *cap : 8;
  while (ncap < need) ncap = ncap > max / 2 ? max : ncap * 2;
  if (ncap > SIZE_MAX / elem) return CV_ELIMIT;
  void *p = cv__realloc(*items, ncap * elem);
  if (!p) return CV_ENOMEM;
  *items = p;
  *cap = ncap;
  return CV_OK;
}
