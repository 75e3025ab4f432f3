/* store/store.h: journal persistence behind one interface.
 *
 * The store holds the journal and nothing else that matters: rows of
 * (seq, SHA-256, canonical bytes), append-only (SQL triggers refuse UPDATE
 * and DELETE). Every other number is derived by replaying it. This release
 * has one backend, a single SQLite file. */
#ifndef CV_STORE_STORE_H
#define CV_STORE_STORE_H

#include <stdint.h>
#include <stdbool.h>

#include "canvass/status.h"
#include "util/sha256.h"

struct cv__store;

/* Creates a new store at path, which must not exist. The file appears
 * complete or not at all: it is written under a temporary name and linked
 * into place by cv__store_publish after the first events are committed. */
cv_status cv__store_create(const char *path, struct cv__store **out, struct cv_error *err);
/* Makes a store made by cv__store_create visible at its final path. */
cv_status cv__store_publish(struct cv__store *s, struct cv_error *err);

cv_status cv__store_open(const char *path, bool readonly, struct cv__store **out,
                         struct cv_error *err);
void cv__store_close(struct cv__store *s);

typedef cv_status (*cv__store_row_fn)(void *ud, uint64_t seq, const uint8_t *hash, const char *body,
                                      size_t len, struct cv_error *err);

/* Calls fn for every event in sequence order. */
cv_status cv__store_scan(struct cv__store *s, cv__store_row_fn fn, void *ud, struct cv_error *err);

/* Appending happens inside one transaction: begin, append..., commit. A
 * rollback (or a failure anywhere) leaves the file as it was. */
cv_status cv__store_begin(struct cv__store *s, struct cv_error *err);
cv_status cv__store_append(struct cv__store *s, uint64_t seq, const uint8_t hash[CV__SHA256_LEN],
                           const char *body, size_t len, struct cv_error *err);
cv_status cv__store_commit(struct cv__store *s, struct cv_error *err);
void cv__store_rollback(struct cv__store *s);

const char *cv__store_path(const struct cv__store *s);
/* The number of events in the store (for progress), 0 if unknown. */
uint64_t cv__store_events(struct cv__store *s);

#endif
