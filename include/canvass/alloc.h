/* canvass/alloc.h: the one allocation hook of the library.
 *
 * All library memory goes through these three functions. Tests install a hook
 * that fails the Nth allocation to exercise out-of-memory paths. Install the
 * hook before any other canvass call; it is process-wide and not thread-safe
 * to change while the library is in use. */
#ifndef CANVASS_ALLOC_H
#define CANVASS_ALLOC_H

#include "canvass/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cv_allocator {
  void *(*malloc_fn)(size_t n, void *ud);
  void *(*realloc_fn)(void *p, size_t n, void *ud);
  void (*free_fn)(void *p, void *ud);
  void *ud;
};

/* Installs a (copied) allocator; NULL restores the C library's. */
CV_API void cv_set_allocator(const struct cv_allocator *a);

/* Frees memory the library returned (strings, report text). Accepts NULL. */
CV_API void cv_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
