#include "util/strmap.h"

#include <string.h>

#include "util/alloc.h"

static uint32_t hash_str(const char *s) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 16777619u;
  }
  return h ? h : 1u;
}

void cv__strmap_init(struct cv__strmap *m) { memset(m, 0, sizeof *m); }

void cv__strmap_fini(struct cv__strmap *m) {
  if (!m) return;
  cv__free(m->slots);
  memset(m, 0, sizeof *m);
}

static cv_status rehash(struct cv__strmap *m, size_t ncap) {
  struct cv__strmap_slot *ns = cv__calloc(ncap, sizeof *ns);
  if (!ns) return CV_ENOMEM;
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->slots[i].key) continue;
    size_t j = m->slots[i].hash & (ncap - 1);
    while (ns[j].key) j = (j + 1) & (ncap - 1);
    ns[j] = m->slots[i];
  }
  cv__free(m->slots);
  m->slots = ns;
  m->cap = ncap;
  return CV_OK;
}

cv_status cv__strmap_put(struct cv__strmap *m, const char *key, uint32_t value) {
  if ((m->count + 1) * 4 >= m->cap * 3) {
    if (m->cap >= ((size_t)1 << 30)) return CV_ELIMIT;
    cv_status s = rehash(m, m->cap ? m->cap * 2 : 16);
    if (s != CV_OK) return s;
  }
  uint32_t h = hash_str(key);
  size_t j = h & (m->cap - 1);
  while (m->slots[j].key) {
    if (m->slots[j].hash == h && strcmp(m->slots[j].key, key) == 0) return CV_EEXIST;
    j = (j + 1) & (m->cap - 1);
  }
  m->slots[j].key = key;
  m->slots[j].hash = h;
  m->slots[j].value = value;
  m->count++;
  return CV_OK;
}

bool cv__strmap_get(const struct cv__strmap *m, const char *key, uint32_t *value) {
  if (!m->cap) return false;
  uint32_t h = hash_str(key);
  size_t j = h & (m->cap - 1);
  while (m->slots[j].key) {
    if (m->slots[j].hash == h && strcmp(m->slots[j].key, key) == 0) {
      *value = m->slots[j].value;
      return true;
    }
    j = (j + 1) & (m->cap - 1);
  }
  return false;
}
