#include "election/election.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"
#include "util/pipe.h"

const char *cv_version(void) { return CANVASS_VERSION; }

cv_status cv__read_file(const char *path, size_t max, char **out, size_t *len, struct cv_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    int e = errno;
    return cv__fail(err, e == ENOENT ? CV_ENOENT : CV_EIO, path, 0, 0, NULL, "cannot open: %s",
                    strerror(e));
  }
  struct stat sb;
  if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
    fclose(f);
    return cv__fail(err, CV_EIO, path, 0, 0, NULL, "not a regular file");
  }
  if ((uint64_t)sb.st_size > max) {
    fclose(f);
    return cv__fail(err, CV_ELIMIT, path, 0, 0, NULL, "file larger than %zu bytes", max);
  }
  size_t n = (size_t)sb.st_size;
  char *buf = cv__malloc(n + 1);
  if (!buf) {
    fclose(f);
    return cv__failf(err, CV_ENOMEM, "out of memory reading %s", path);
  }
  size_t got = fread(buf, 1, n, f);
  bool bad = ferror(f) || got != n;
  fclose(f);
  if (bad) {
    cv__free(buf);
    return cv__fail(err, CV_EIO, path, 0, 0, NULL, "read error");
  }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  return CV_OK;
}

cv_status cv__parse_count(const char *s, const char *file, uint32_t line, uint32_t column,
                          const char *field, uint64_t *out, struct cv_error *err) {
  size_t n = strlen(s);
  /* Spreadsheets pad cells; surrounding blanks carry no meaning. */
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  while (n && (*s == ' ' || *s == '\t')) {
    s++;
    n--;
  }
  if (n == 0)
    return cv__fail(err, CV_EINVAL, file, line, column, field,
                    "missing (a missing field is an error, never a zero)");
  if (s[0] == '-')
    return cv__fail(err, CV_EINVAL, file, line, column, field, "must not be negative (found \"%.*s\")",
                    (int)(n > 40 ? 40 : n), s);
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return cv__fail(err, CV_EINVAL, file, line, column, field,
                      "\"%.*s\" is not a whole number (digits only)", (int)(n > 40 ? 40 : n), s);
    if (v > ((uint64_t)CV__MAX_COUNT - (uint64_t)(unsigned char)(s[i] - '0')) / 10)
      return cv__fail(err, CV_EINVAL, file, line, column, field,
                      "%.*s is larger than the largest count canvass accepts (%llu)",
                      (int)(n > 40 ? 40 : n), s, (unsigned long long)CV__MAX_COUNT);
    v = v * 10 + (uint64_t)(unsigned char)(s[i] - '0');
  }
  *out = v;
  return CV_OK;
}

/* ---- replay ------------------------------------------------------------- */

void cv__replay_init(struct cv__replay *r, struct cv__state *st, const char *file) {
  r->st = st;
  r->file = file;
  cv__arena_init(&r->scratch, 0);
}

void cv__replay_fini(struct cv__replay *r) { cv__arena_fini(&r->scratch); }

cv_status cv__replay_line(struct cv__replay *r, const char *bytes, size_t len, uint32_t line,
                          const uint8_t *hash, struct cv_error *err) {
  struct cv__event ev;
  cv__arena_reset(&r->scratch);
  cv_status s = cv__event_next_hashed(&r->st->chain, &r->scratch, bytes, len, hash, r->file, line,
                                      &ev, err);
  if (s != CV_OK) return s;
  struct cv_error aerr = {0};
  s = cv__state_apply(r->st, &ev, &aerr);
  if (s != CV_OK) {
    char msg[700];
    cv_error_format(&aerr, msg, sizeof msg);
    return cv__fail(err, s == CV_ENOMEM ? s : CV_EVERIFY, r->file, line, 0, NULL,
                    "event %llu (%s) cannot be applied: %s", (unsigned long long)ev.seq, ev.type, msg);
  }
  return CV_OK;
}

cv_status cv__replay_pipe(struct cv__replay *r, struct cv__pipe *p, cv_progress_fn fn, void *ud,
                          uint64_t total, bool in_bytes, struct cv_error *err) {
  cv_status s = CV_OK;
  uint64_t done = 0;
  const struct cv__pipe_batch *b;
  while (s == CV_OK && (b = cv__pipe_next(p))) {
    for (uint32_t i = 0; i < b->n && s == CV_OK; i++)
      s = cv__replay_line(r, b->bytes + b->off[i], b->off[i + 1] - b->off[i], b->line[i], b->hash[i], err);
    done += in_bytes ? b->len + b->n : b->n; /* each line also had its line feed */
    if (fn && s == CV_OK) fn(ud, "replaying", done < total ? done : total, total);
  }
  /* The reader's own failure (I/O, altered store) comes first if the replay
   * stopped for want of events. */
  cv_status ps = cv__pipe_finish(p, s == CV_OK ? err : NULL);
  return s != CV_OK ? s : ps;
}

struct store_reader {
  struct cv__store *store;
  const char *path;
};

static cv_status store_row(void *ud, uint64_t seq, const uint8_t *hash, const char *body, size_t len,
                           struct cv_error *err) {
  struct cv__pipe *p = ((void **)ud)[0];
  const struct store_reader *sr = ((void **)ud)[1];
  cv_status s = cv__pipe_put(p, body, len, 0, hash);
  if (s == CV_ESTORE)
    return cv__fail(err, CV_ESTORE, sr->path, 0, 0, NULL,
                    "event %llu: its stored hash does not match its bytes (the store was altered)",
                    (unsigned long long)seq);
  return s;
}

static cv_status read_store(struct cv__pipe *p, void *ud, struct cv_error *err) {
  const struct store_reader *sr = ud;
  void *pair[2] = {p, ud};
  return cv__store_scan(sr->store, store_row, pair, err);
}

static cv_status rebuild(cv_election *e, struct cv_error *err) {
  cv__state_fini(&e->st);
  cv__state_init(&e->st);
  struct store_reader sr = {e->store, cv__store_path(e->store)};
  struct cv__replay r;
  cv__replay_init(&r, &e->st, sr.path);
  /* Ask the store for its size before the reading thread takes the connection. */
  uint64_t events = e->progress ? cv__store_events(e->store) : 0;
  struct cv__pipe *p;
  cv_status s = cv__pipe_start(&p, read_store, &sr, err);
  if (s == CV_OK) s = cv__replay_pipe(&r, p, e->progress, e->progress_ud, events, false, err);
  cv__replay_fini(&r);
  if (s == CV_OK && !e->st.defined)
    s = cv__fail(err, CV_ESTORE, sr.path, 0, 0, NULL, "the journal is empty");
  e->stale = s != CV_OK;
  return s;
}

cv_status cv__election_fresh(cv_election *e, struct cv_error *err) {
  return e->stale ? rebuild(e, err) : CV_OK;
}

static cv_election *alloc_election(void) {
  cv_election *e = cv__calloc(1, sizeof *e);
  if (!e) return NULL;
  cv__state_init(&e->st);
  cv__arena_init(&e->scratch, 0);
  cv__buf_init(&e->line, CV__MAX_EVENT_BYTES + 4096);
  snprintf(e->actor, sizeof e->actor, "canvass");
  return e;
}

void cv_election_close(cv_election *e) {
  if (!e) return;
  cv__store_close(e->store);
  cv__state_fini(&e->st);
  cv__arena_fini(&e->scratch);
  cv__buf_fini(&e->line);
  cv__free(e);
}

cv_status cv_election_open(const char *path, bool readonly, cv_progress_fn progress, void *ud,
                           cv_election **out, struct cv_error *err) {
  cv_election *e = alloc_election();
  if (!e) return cv__failf(err, CV_ENOMEM, "out of memory");
  e->progress = progress;
  e->progress_ud = ud;
  cv_status s = cv__store_open(path, readonly, &e->store, err);
  if (s == CV_OK) s = rebuild(e, err);
  if (s != CV_OK) {
    cv_election_close(e);
    return s;
  }
  *out = e;
  return CV_OK;
}

cv_status cv_election_set_actor(cv_election *e, const char *actor, struct cv_error *err) {
  size_t n = strlen(actor);
  if (n == 0 || n > CV__MAX_ACTOR)
    return cv__failf(err, CV_EUSAGE, "the actor must be 1 to %u bytes", CV__MAX_ACTOR);
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)actor[i] < 0x20)
      return cv__failf(err, CV_EUSAGE, "the actor must not contain control characters");
  memcpy(e->actor, actor, n + 1);
  return CV_OK;
}

cv_status cv_election_set_time(cv_election *e, const char *time_utc, struct cv_error *err) {
  if (!time_utc) {
    e->time[0] = '\0';
    return CV_OK;
  }
  if (!cv__time_valid(time_utc))
    return cv__failf(err, CV_EUSAGE, "time \"%.40s\" is not YYYY-MM-DDTHH:MM:SSZ", time_utc);
  snprintf(e->time, sizeof e->time, "%s", time_utc);
  return CV_OK;
}

void cv_election_set_progress(cv_election *e, cv_progress_fn fn, void *ud) {
  e->progress = fn;
  e->progress_ud = ud;
}

void cv_election_head(const cv_election *e, char out[80], uint64_t *events) {
  cv__hex_grouped(e->st.chain.head, out);
  if (events) *events = e->st.chain.seq;
}

static void now_utc(const cv_election *e, char out[32]) {
  if (e->time[0]) {
    snprintf(out, 32, "%s", e->time);
    return;
  }
  /* Formatting the clock is slow next to appending an event: do it once a second. */
  static time_t cached;
  static char text[32];
  time_t t = time(NULL);
  if (t != cached || !text[0]) {
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cached = t;
  }
  memcpy(out, text, sizeof text);
}

/* ---- appending ---------------------------------------------------------- */

cv_status cv__election_begin(cv_election *e, struct cv_error *err) {
  cv_status s = cv__election_fresh(e, err);
  if (s != CV_OK) return s;
  s = cv__store_begin(e->store, err);
  if (s == CV_OK) e->in_tx = true;
  return s;
}

void cv__election_abandon(cv_election *e) {
  if (!e->in_tx) return;
  cv__store_rollback(e->store);
  e->in_tx = false;
  e->stale = true; /* the state may hold events the store does not */
}

cv_status cv__election_commit(cv_election *e, struct cv_error *err) {
  cv_status s = cv__store_commit(e->store, err);
  e->in_tx = false;
  if (s != CV_OK) e->stale = true;
  return s;
}

cv_status cv__election_emit(cv_election *e, const char *type, const char *data, size_t len,
                            struct cv_error *err) {
  bool own_tx = !e->in_tx;
  cv_status s;
  if (own_tx && (s = cv__election_begin(e, err)) != CV_OK) return s;
  char t[32];
  now_utc(e, t);
  /* Monotonic time in the journal: never earlier than the last event. */
  if (strcmp(t, e->st.chain.last_time) < 0) snprintf(t, sizeof t, "%s", e->st.chain.last_time);
  cv__buf_reset(&e->line);
  s = cv__event_encode(&e->line, &e->st.chain, t, e->actor, type, data, len);
  if (s != CV_OK) {
    s = cv__failf(err, s, "event too large");
    goto out;
  }
  /* The event goes through exactly the path a replay takes. */
  struct cv__chain next = e->st.chain;
  struct cv__event ev;
  cv__arena_reset(&e->scratch);
  s = cv__event_next(&next, &e->scratch, e->line.data, e->line.len, NULL, 0, &ev, err);
  if (s != CV_OK) {
    s = cv__failf(err, CV_EINTERNAL, "canvass built a malformed event");
    goto out;
  }
  s = cv__state_apply(&e->st, &ev, err);
  if (s != CV_OK) goto out;
  e->st.chain = next;
  s = cv__store_append(e->store, ev.seq, ev.hash, e->line.data, e->line.len, err);
  if (s != CV_OK) e->stale = true;
out:
  if (own_tx) {
    if (s == CV_OK)
      s = cv__election_commit(e, err);
    else
      cv__election_abandon(e);
  }
  return s;
}

/* ---- create ------------------------------------------------------------- */

#define MAX_DEFINITION_BYTES ((size_t)8 << 20)

cv_status cv_election_create(const char *store_path, const char *definition_path, const char *actor,
                             const char *time_utc, cv_election **out, struct cv_error *err) {
  char *text = NULL;
  size_t len = 0;
  struct cv__arena a;
  cv__arena_init(&a, 0);
  struct cv__buf data;
  cv__buf_init(&data, CV__MAX_EVENT_BYTES);
  cv_election *e = NULL;
  struct cv__definition def;
  memset(&def, 0, sizeof def);
  struct cv__jval *root;
  cv_status s = cv__read_file(definition_path, MAX_DEFINITION_BYTES, &text, &len, err);
  if (s != CV_OK) goto out;
  /* Check the definition with its own file positions before anything exists. */
  size_t skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* byte order mark */
  s = cv__json_parse(&a, text + skip, len - skip, CV__JSON_INPUT, NULL, definition_path, &root, err);
  if (s != CV_OK) goto out;
  s = cv__definition_decode(&def, &a, root, definition_path, err);
  if (s != CV_OK) goto out;
  struct cv__jw w;
  cv__jw_init(&w, &data, 0);
  cv__jw_value(&w, root);
  if ((s = cv__jw_finish(&w)) != CV_OK) {
    s = cv__failf(err, s, "definition too large");
    goto out;
  }
  if (!(e = alloc_election())) {
    s = cv__failf(err, CV_ENOMEM, "out of memory");
    goto out;
  }
  if (actor && (s = cv_election_set_actor(e, actor, err)) != CV_OK) goto out;
  if (time_utc && (s = cv_election_set_time(e, time_utc, err)) != CV_OK) goto out;
  if ((s = cv__store_create(store_path, &e->store, err)) != CV_OK) goto out;
  if ((s = cv__election_emit(e, CV__EV_DEFINED, data.data, data.len, err)) != CV_OK) goto out;
  s = cv__store_publish(e->store, err);
out:
  cv__definition_fini(&def);
  cv__arena_fini(&a);
  cv__buf_fini(&data);
  cv__free(text);
  if (s != CV_OK) {
    cv_election_close(e);
    return s;
  }
  *out = e;
  return CV_OK;
}
