/* record/journal.h: the canonical event envelope and the SHA-256 chain.
 *
 * An event is one line of canonical JSON (docs/journal-format.md):
 *   {"actor":A,"data":D,"prev":P,"seq":N,"time":T,"type":Y}
 * where P is the lowercase hex SHA-256 of the previous event's bytes (64 zeros
 * for the first event) and the event's own hash is SHA-256 of its bytes. */
#ifndef CV_RECORD_JOURNAL_H
#define CV_RECORD_JOURNAL_H

#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/sha256.h"

#define CV__MAX_EVENT_BYTES ((size_t)16 << 20)
#define CV__MAX_ACTOR 100u

struct cv__event {
  uint64_t seq;
  const char *type;
  const char *time;
  const char *actor;
  const struct cv__jval *data;
  uint8_t prev[CV__SHA256_LEN];
  uint8_t hash[CV__SHA256_LEN]; /* of the event's bytes */
};

/* The running end of a chain: how many events, and the last hash. */
struct cv__chain {
  uint64_t seq;
  uint8_t head[CV__SHA256_LEN];
  char last_time[32];
};

void cv__chain_init(struct cv__chain *c);

/* Appends the canonical bytes of the next event of chain c to out (no newline).
 * data is the event's canonical data object. Does not advance c. */
cv_status cv__event_encode(struct cv__buf *out, const struct cv__chain *c, const char *time,
                           const char *actor, const char *type, const char *data, size_t data_len);

/* Parses and checks one event's bytes as the next of chain c: canonical form,
 * envelope fields, seq = c->seq + 1, prev = c->head. On success fills *ev
 * (tree in a) and advances c. file/line name the source in errors (line 0:
 * use the event's seq). */
cv_status cv__event_next(struct cv__chain *c, struct cv__arena *a, const char *bytes, size_t len,
                         const char *file, uint32_t line, struct cv__event *ev,
                         struct cv_error *err);

/* The same, when the caller already holds SHA-256 of bytes (computed from
 * these very bytes, e.g. by the reading thread); NULL means compute it. */
cv_status cv__event_next_hashed(struct cv__chain *c, struct cv__arena *a, const char *bytes,
                                size_t len, const uint8_t *hash, const char *file, uint32_t line,
                                struct cv__event *ev, struct cv_error *err);

/* True when s is a UTC time written YYYY-MM-DDTHH:MM:SSZ. */
bool cv__time_valid(const char *s);

#endif
