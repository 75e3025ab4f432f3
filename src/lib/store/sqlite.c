#include "store/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/error.h"

#define APPLICATION_ID 0x63767373 /* "cvss" */
#define SCHEMA_VERSION 1

struct cv__store {
  sqlite3 *db;
  sqlite3_stmt *insert;
  char *path;      /* final path */
  char *tmp_path;  /* while being created, else NULL */
  bool in_tx;
};

static const char SCHEMA[] =
    "PRAGMA page_size = 65536;"
    "PRAGMA application_id = 1668707187;"
    "PRAGMA user_version = 1;"
    "CREATE TABLE journal ("
    "  seq INTEGER PRIMARY KEY,"
    "  hash BLOB NOT NULL CHECK (length(hash) = 32),"
    "  body BLOB NOT NULL);"
    "CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal"
    "  BEGIN SELECT RAISE(ABORT, 'the canvass journal is append-only'); END;"
    "CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal"
    "  BEGIN SELECT RAISE(ABORT, 'the canvass journal is append-only'); END;";

static cv_status db_fail(struct cv__store *s, struct cv_error *err, cv_status code, const char *what) {
  return cv__fail(err, code, s->path, 0, 0, NULL, "%s: %s", what,
                  s->db ? sqlite3_errmsg(s->db) : "cannot open");
}

static cv_status configure(struct cv__store *s, struct cv_error *err) {
  /* A rollback journal keeps the store one file at rest; FULL sync makes a
   * commit durable before canvass reports success. */
  if (sqlite3_exec(s->db, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;"
                          "PRAGMA foreign_keys = ON;"
                          "PRAGMA cache_size = -65536;",
                   NULL, NULL, NULL) != SQLITE_OK)
    return db_fail(s, err, CV_ESTORE, "cannot configure the store");
  sqlite3_busy_timeout(s->db, 5000);
  return CV_OK;
}

void cv__store_close(struct cv__store *s) {
  if (!s) return;
  if (s->in_tx) cv__store_rollback(s);
  sqlite3_finalize(s->insert);
  sqlite3_close(s->db);
  if (s->tmp_path) unlink(s->tmp_path);
  cv__free(s->tmp_path);
  cv__free(s->path);
  cv__free(s);
}

cv_status cv__store_create(const char *path, struct cv__store **out, struct cv_error *err) {
  struct stat sb;
  if (stat(path, &sb) == 0)
    return cv__fail(err, CV_EEXIST, path, 0, 0, NULL, "already exists (canvass never overwrites a store)");
  struct cv__store *s = cv__calloc(1, sizeof *s);
  if (!s) return cv__failf(err, CV_ENOMEM, "out of memory");
  size_t n = strlen(path);
  s->path = cv__strdup(path);
  s->tmp_path = cv__malloc(n + 32);
  if (!s->path || !s->tmp_path) {
    cv__store_close(s);
    return cv__failf(err, CV_ENOMEM, "out of memory");
  }
  snprintf(s->tmp_path, n + 32, "%s.tmp-%ld", path, (long)getpid());
  unlink(s->tmp_path);
  int rc = sqlite3_open_v2(s->tmp_path, &s->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXRESCODE, NULL);
  if (rc != SQLITE_OK) {
    cv_status st = cv__fail(err, CV_EEXIST, path, 0, 0, NULL, "cannot create: %s",
                            s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
    cv__store_close(s);
    return st;
  }
  cv_status st = configure(s, err);
  if (st == CV_OK && sqlite3_exec(s->db, SCHEMA, NULL, NULL, NULL) != SQLITE_OK)
    st = db_fail(s, err, CV_EIO, "cannot create the journal table");
  if (st != CV_OK) {
    cv__store_close(s);
    return st;
  }
  *out = s;
  return CV_OK;
}

cv_status cv__store_publish(struct cv__store *s, struct cv_error *err) {
  if (!s->tmp_path) return CV_OK;
  /* link() refuses to replace an existing file, unlike rename(). */
  if (link(s->tmp_path, s->path) != 0) {
    int e = errno;
    return cv__fail(err, e == EEXIST ? CV_EEXIST : CV_EIO, s->path, 0, 0, NULL, "cannot create: %s",
                    strerror(e));
  }
  unlink(s->tmp_path);
  cv__free(s->tmp_path);
  s->tmp_path = NULL;
  /* SQLite refuses to write a file that was renamed under it: reopen. */
  sqlite3_finalize(s->insert);
  s->insert = NULL;
  sqlite3_close(s->db);
  s->db = NULL;
  if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE, NULL) != SQLITE_OK)
    return db_fail(s, err, CV_EIO, "cannot reopen the new store");
  return configure(s, err);
}

cv_status cv__store_open(const char *path, bool readonly, struct cv__store **out,
                         struct cv_error *err) {
  struct stat sb;
  if (stat(path, &sb) != 0)
    return cv__fail(err, CV_ENOENT, path, 0, 0, NULL, "no such election store");
  struct cv__store *s = cv__calloc(1, sizeof *s);
  if (!s || !(s->path = cv__strdup(path))) {
    cv__free(s);
    return cv__failf(err, CV_ENOMEM, "out of memory");
  }
  int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_EXRESCODE;
  if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
    cv_status st = db_fail(s, err, CV_ESTORE, "cannot open");
    cv__store_close(s);
    return st;
  }
  cv_status st = configure(s, err);
  sqlite3_stmt *q = NULL;
  if (st == CV_OK &&
      sqlite3_prepare_v2(s->db, "PRAGMA application_id", -1, &q, NULL) != SQLITE_OK)
    st = cv__fail(err, CV_ESTORE, path, 0, 0, NULL, "not a canvass election store (%s)",
                  sqlite3_errmsg(s->db));
  if (st == CV_OK && (sqlite3_step(q) != SQLITE_ROW || sqlite3_column_int(q, 0) != APPLICATION_ID))
    st = cv__fail(err, CV_ESTORE, path, 0, 0, NULL, "not a canvass election store");
  sqlite3_finalize(q);
  q = NULL;
  if (st == CV_OK && (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK ||
                      sqlite3_step(q) != SQLITE_ROW || sqlite3_column_int(q, 0) != SCHEMA_VERSION))
    st = cv__fail(err, CV_ESTORE, path, 0, 0, NULL, "store format version is not %d", SCHEMA_VERSION);
  sqlite3_finalize(q);
  if (st != CV_OK) {
    cv__store_close(s);
    return st;
  }
  *out = s;
  return CV_OK;
}

cv_status cv__store_scan(struct cv__store *s, cv__store_row_fn fn, void *ud, struct cv_error *err) {
  sqlite3_stmt *q;
  if (sqlite3_prepare_v2(s->db, "SELECT seq, hash, body FROM journal ORDER BY seq", -1, &q, NULL) !=
      SQLITE_OK)
    return db_fail(s, err, CV_ESTORE, "cannot read the journal");
  cv_status st = CV_OK;
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    sqlite3_int64 seq = sqlite3_column_int64(q, 0);
    const void *hash = sqlite3_column_blob(q, 1);
    int hlen = sqlite3_column_bytes(q, 1);
    const void *body = sqlite3_column_blob(q, 2);
    int blen = sqlite3_column_bytes(q, 2);
    if (seq < 1 || hlen != CV__SHA256_LEN || !body) {
      st = cv__fail(err, CV_ESTORE, s->path, 0, 0, NULL, "damaged journal row %lld", (long long)seq);
      break;
    }
    st = fn(ud, (uint64_t)seq, hash, body, (size_t)blen, err);
    if (st != CV_OK) break;
  }
  if (st == CV_OK && rc != SQLITE_DONE) st = db_fail(s, err, CV_ESTORE, "cannot read the journal");
  sqlite3_finalize(q);
  return st;
}

cv_status cv__store_begin(struct cv__store *s, struct cv_error *err) {
  if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return db_fail(s, err, CV_EIO, "cannot start a transaction");
  s->in_tx = true;
  return CV_OK;
}

cv_status cv__store_append(struct cv__store *s, uint64_t seq, const uint8_t hash[CV__SHA256_LEN],
                           const char *body, size_t len, struct cv_error *err) {
  if (!s->insert &&
      sqlite3_prepare_v2(s->db, "INSERT INTO journal (seq, hash, body) VALUES (?, ?, ?)", -1,
                         &s->insert, NULL) != SQLITE_OK)
    return db_fail(s, err, CV_EIO, "cannot prepare the journal insert");
  sqlite3_bind_int64(s->insert, 1, (sqlite3_int64)seq);
  sqlite3_bind_blob(s->insert, 2, hash, CV__SHA256_LEN, SQLITE_STATIC);
  sqlite3_bind_blob(s->insert, 3, body, (int)len, SQLITE_STATIC);
  int rc = sqlite3_step(s->insert);
  sqlite3_reset(s->insert);
  if (rc != SQLITE_DONE) return db_fail(s, err, CV_EIO, "cannot append to the journal");
  return CV_OK;
}

cv_status cv__store_commit(struct cv__store *s, struct cv_error *err) {
  if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    cv_status st = db_fail(s, err, CV_EIO, "cannot commit");
    cv__store_rollback(s);
    return st;
  }
  s->in_tx = false;
  return CV_OK;
}

void cv__store_rollback(struct cv__store *s) {
  if (s->in_tx) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  s->in_tx = false;
}

const char *cv__store_path(const struct cv__store *s) { return s->path; }

uint64_t cv__store_events(struct cv__store *s) {
  sqlite3_stmt *q;
  uint64_t n = 0;
  if (sqlite3_prepare_v2(s->db, "SELECT max(seq) FROM journal", -1, &q, NULL) != SQLITE_OK) return 0;
  if (sqlite3_step(q) == SQLITE_ROW) n = (uint64_t)sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return n;
}
