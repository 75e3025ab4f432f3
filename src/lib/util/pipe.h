/* util/pipe.h: a producer thread that reads and hashes events ahead of the
 * replay.
 *
 * Replay is sequential (each event depends on the state before it), but
 * reading the journal and hashing each event's bytes are not: a producer
 * thread does both and hands batches of (bytes, SHA-256, line) to the caller,
 * which parses and applies them. At most CV__PIPE_DEPTH batches are in
 * flight, so memory stays bounded. */
#ifndef CV_UTIL_PIPE_H
#define CV_UTIL_PIPE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "canvass/status.h"
#include "util/sha256.h"

#define CV__PIPE_DEPTH 4
#define CV__PIPE_BATCH_EVENTS 4096u
#define CV__PIPE_BATCH_BYTES ((size_t)4 << 20)

struct cv__pipe_batch {
  char *bytes;             /* events back to back */
  size_t len, cap;
  uint32_t n;
  size_t off[CV__PIPE_BATCH_EVENTS + 1];
  uint32_t line[CV__PIPE_BATCH_EVENTS];
  uint8_t hash[CV__PIPE_BATCH_EVENTS][CV__SHA256_LEN];
};

struct cv__pipe;

/* The producer: calls cv__pipe_put for each event, in order, and returns
 * CV_OK at the end or an error (with err filled). */
typedef cv_status (*cv__pipe_producer)(struct cv__pipe *p, void *ud, struct cv_error *err);

/* Starts produce(p, ud) in a new thread. */
cv_status cv__pipe_start(struct cv__pipe **out, cv__pipe_producer produce, void *ud,
                         struct cv_error *err);

/* Producer side: adds one event (hashing it) to the current batch. When
 * expect is not NULL the hash must equal it, else CV_ESTORE. Returns
 * CV_EINTERNAL when the consumer has stopped (the producer should return). */
cv_status cv__pipe_put(struct cv__pipe *p, const char *bytes, size_t len, uint32_t line,
                       const uint8_t *expect);

/* Consumer side: the next batch, or NULL at the end (or after an error). The
 * batch stays valid until the next call. */
const struct cv__pipe_batch *cv__pipe_next(struct cv__pipe *p);

/* Stops the producer (if still running), waits for it, reports its status
 * (copying its error into err) and frees everything. */
cv_status cv__pipe_finish(struct cv__pipe *p, struct cv_error *err);

#endif
