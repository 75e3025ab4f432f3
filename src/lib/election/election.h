/* election/election.h: internals of cv_election shared by the command,
 * import and report modules. */
#ifndef CV_ELECTION_ELECTION_H
#define CV_ELECTION_ELECTION_H

#include "canvass/election.h"
#include "election/state.h"
#include "store/store.h"
#include "util/buf.h"

struct cv_election {
  struct cv__store *store;
  struct cv__state st;
  bool stale;           /* state ran ahead of the store: rebuild before use */
  bool in_tx;
  char actor[CV__MAX_ACTOR + 1];
  char time[32];        /* fixed time, or "" for the clock */
  struct cv__arena scratch;
  struct cv__buf line;  /* the event being appended */
  cv_progress_fn progress;
  void *progress_ud;
};

/* Appends one event with the given canonical data to the open transaction
 * (or in a transaction of its own when none is open): checks it through
 * cv__state_apply first. On error nothing is appended. */
cv_status cv__election_emit(cv_election *e, const char *type, const char *data, size_t len,
                            struct cv_error *err);
/* Begins / commits / abandons a transaction of several events. After a
 * failed or abandoned transaction the state is rebuilt from the store. */
cv_status cv__election_begin(cv_election *e, struct cv_error *err);
cv_status cv__election_commit(cv_election *e, struct cv_error *err);
void cv__election_abandon(cv_election *e);
/* Rebuilds the state when a failure left it ahead of the store. */
cv_status cv__election_fresh(cv_election *e, struct cv_error *err);

/* Replays canonical event lines into st (used by open and by verify). */
struct cv__replay {
  struct cv__state *st;
  struct cv__arena scratch;
  const char *file;
};
void cv__replay_init(struct cv__replay *r, struct cv__state *st, const char *file);
void cv__replay_fini(struct cv__replay *r);
/* Applies one event; hash is SHA-256 of bytes when already known, else NULL.
 * line (0: none) names the event's line in file in errors. */
cv_status cv__replay_line(struct cv__replay *r, const char *bytes, size_t len, uint32_t line,
                          const uint8_t *hash, struct cv_error *err);
/* Applies every event of a reading pipe (util/pipe.h), reporting progress
 * per batch through fn: events so far of total, or with in_bytes, bytes of
 * the file so far of total. */
struct cv__pipe;
cv_status cv__replay_pipe(struct cv__replay *r, struct cv__pipe *p, cv_progress_fn fn, void *ud,
                          uint64_t total, bool in_bytes, struct cv_error *err);

/* Reads a whole file (capped at max bytes) into a NUL-terminated buffer. */
cv_status cv__read_file(const char *path, size_t max, char **out, size_t *len, struct cv_error *err);

/* Parses a count written by people: decimal digits only, <= CV__MAX_COUNT.
 * field names it in errors; file/line/column may be NULL/0. */
cv_status cv__parse_count(const char *s, const char *file, uint32_t line, uint32_t column,
                          const char *field, uint64_t *out, struct cv_error *err);

#endif
