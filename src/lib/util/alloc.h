/* util/alloc.h: the library's allocator entry points (hookable). */
#ifndef CV_UTIL_ALLOC_H
#define CV_UTIL_ALLOC_H

#include <stddef.h>
#include "canvass/alloc.h"

void *cv__malloc(size_t n);
void *cv__calloc(size_t count, size_t size); /* NULL on overflow */
void *cv__realloc(void *p, size_t n);
void cv__free(void *p);
char *cv__strdup(const char *s);
char *cv__strndup(const char *s, size_t n);

/* Grows *items (element size elem) so that it holds at least need elements,
 * doubling the capacity in *cap. Returns CV_ENOMEM or CV_ELIMIT (need > max). */
cv_status cv__grow(void **items, size_t *cap, size_t need, size_t elem, size_t max);

#endif
