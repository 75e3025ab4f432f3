/* util/arena.h: bump allocation for import- and state-scoped data.
 *
 * Everything allocated from an arena is freed at once by cv__arena_fini.
 * Allocations are 8-byte aligned. An arena has a total cap; beyond it
 * allocation returns NULL and a->failure tells ENOMEM from ELIMIT. */
#ifndef CV_UTIL_ARENA_H
#define CV_UTIL_ARENA_H

#include <stddef.h>
#include <stdbool.h>
#include "canvass/status.h"

struct cv__arena_chunk;
struct cv__arena {
  struct cv__arena_chunk *head;
  size_t total;   /* bytes allocated from the system */
  size_t cap;     /* 0: default cap (4 GiB) */
  cv_status failure; /* why the last NULL was returned */
};

void cv__arena_init(struct cv__arena *a, size_t cap);
void cv__arena_fini(struct cv__arena *a);
/* Forgets every allocation but keeps the newest chunk for reuse. */
void cv__arena_reset(struct cv__arena *a);
void *cv__arena_alloc(struct cv__arena *a, size_t n);
void *cv__arena_calloc(struct cv__arena *a, size_t count, size_t size);
char *cv__arena_strndup(struct cv__arena *a, const char *s, size_t n);
char *cv__arena_strdup(struct cv__arena *a, const char *s);

#endif
