/* util/strmap.h: a string -> uint32 index map (open addressing).
 *
 * Keys are borrowed: the caller keeps them alive (they usually live in the
 * state's arena) for the life of the map. */
#ifndef CV_UTIL_STRMAP_H
#define CV_UTIL_STRMAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "canvass/status.h"

struct cv__strmap_slot {
  const char *key;
  uint32_t hash;
  uint32_t value;
};

struct cv__strmap {
  struct cv__strmap_slot *slots;
  size_t cap;   /* power of two or 0 */
  size_t count;
};

void cv__strmap_init(struct cv__strmap *m);
void cv__strmap_fini(struct cv__strmap *m);
/* Inserts key -> value. CV_EEXIST when the key is present (value untouched). */
cv_status cv__strmap_put(struct cv__strmap *m, const char *key, uint32_t value);
/* Finds key; writes *value and returns true when present. */
bool cv__strmap_get(const struct cv__strmap *m, const char *key, uint32_t *value);

#endif
