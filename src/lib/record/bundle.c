#include "record/bundle.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "canvass/election.h"
#include "election/election.h"
#include "formats/report.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/pipe.h"
#include "util/sha256.h"

const char *const cv__bundle_derived[] = {"HEAD", "README.txt", "results-nist.json", "results.csv",
                                          "results.txt", "status.txt", NULL};

static const char README[] =
    "This folder is the public record of an election counted with canvass.\n"
    "\n"
    "journal.jsonl      every event of the count, one canonical JSON line each,\n"
    "                   chained by SHA-256 (docs/journal-format.md)\n"
    "HEAD               the number of events and the SHA-256 of the last one\n"
    "results.txt        results per contest and polling place\n"
    "results.csv        the same, and per batch\n"
    "results-nist.json  results in NIST SP 1500-100 v2 JSON, precinct level\n"
    "status.txt         progress, findings and acknowledgements at export\n"
    "MANIFEST.sha256    SHA-256 of every other file (check: sha256sum -c MANIFEST.sha256)\n"
    "\n"
    "To re-check everything from the journal alone: canvass verify <this folder>\n";

cv_status cv__bundle_render(const struct cv__state *st, const char *name, struct cv__buf *out) {
  struct cv_report_options opt = {CV_FORMAT_TEXT, NULL, true, false};
  if (strcmp(name, "HEAD") == 0) {
    char hex[CV__SHA256_HEX];
    cv__hex(st->chain.head, CV__SHA256_LEN, hex);
    cv__buf_printf(out, "%llu %s\n", (unsigned long long)st->chain.seq, hex);
    return out->status;
  }
  if (strcmp(name, "README.txt") == 0) return cv__buf_adds(out, README);
  if (strcmp(name, "results-nist.json") == 0) return cv__report_nist(st, out);
  if (strcmp(name, "results.csv") == 0) {
    opt.format = CV_FORMAT_CSV;
    opt.by_batch = true;
    return cv__report_results(st, &opt, out);
  }
  if (strcmp(name, "results.txt") == 0) return cv__report_results(st, &opt, out);
  if (strcmp(name, "status.txt") == 0) return cv__report_status(st, CV_FORMAT_TEXT, out);
  return CV_ENOENT;
}

/* ---- export ------------------------------------------------------------ */

static cv_status write_file(const char *dir, const char *name, const char *data, size_t len,
                            struct cv_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f) return cv__fail(err, CV_EEXIST, path, 0, 0, NULL, "cannot create: %s", strerror(errno));
  bool ok = fwrite(data, 1, len, f) == len;
  ok = fflush(f) == 0 && ok;
  ok = fsync(fileno(f)) == 0 && ok;
  ok = fclose(f) == 0 && ok;
  if (!ok) return cv__fail(err, CV_EIO, path, 0, 0, NULL, "write failed");
  return CV_OK;
}

static cv_status collect_line(void *ud, uint64_t seq, const uint8_t *hash, const char *body,
                              size_t len, struct cv_error *err) {
  (void)seq;
  (void)hash;
  (void)err;
  struct cv__buf *b = ud;
  cv__buf_add(b, body, len);
  return cv__buf_addc(b, '\n');
}

static void remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *de;
  char path[4096];
  while ((de = readdir(d))) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    unlink(path);
  }
  closedir(d);
  rmdir(dir);
}

static bool dir_empty_or_absent(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return errno == ENOENT;
  struct dirent *de;
  bool empty = true;
  while ((de = readdir(d)))
    if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) empty = false;
  closedir(d);
  return empty;
}

cv_status cv_export_public(cv_election *e, const char *dir, struct cv_error *err) {
  cv_status s = cv__election_fresh(e, err);
  if (s != CV_OK) return s;
  if (!dir_empty_or_absent(dir))
    return cv__fail(err, CV_EEXIST, dir, 0, 0, NULL, "exists and is not empty (canvass never overwrites a record)");
  /* Write everything under a temporary name, then rename into place, so a
   * bundle is complete or absent. */
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp-%ld", dir, (long)getpid());
  remove_tree(tmp);
  if (mkdir(tmp, 0777) != 0)
    return cv__fail(err, CV_EEXIST, tmp, 0, 0, NULL, "cannot create: %s", strerror(errno));
  struct cv__buf journal, b, manifest;
  cv__buf_init(&journal, (size_t)16 << 30);
  cv__buf_init(&b, (size_t)8 << 30);
  cv__buf_init(&manifest, 1 << 20);
  s = cv__store_scan(e->store, collect_line, &journal, err);
  if (s == CV_OK && journal.status != CV_OK) s = cv__failf(err, journal.status, "journal too large to export");
  /* The manifest lists files in byte order of their names. */
  const char *names[16];
  size_t n = 0;
  names[n++] = CV__BUNDLE_JOURNAL;
  for (size_t i = 0; cv__bundle_derived[i]; i++) names[n++] = cv__bundle_derived[i];
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
      const char *t = names[j];
      names[j] = names[j - 1];
      names[j - 1] = t;
    }
  for (size_t i = 0; i < n && s == CV_OK; i++) {
    const struct cv__buf *content = &journal;
    if (strcmp(names[i], CV__BUNDLE_JOURNAL) != 0) {
      cv__buf_reset(&b);
      s = cv__bundle_render(&e->st, names[i], &b);
      if (s != CV_OK) {
        s = cv__failf(err, s, "cannot render %s", names[i]);
        break;
      }
      content = &b;
    }
    uint8_t h[CV__SHA256_LEN];
    char hex[CV__SHA256_HEX];
    cv__sha256(content->data, content->len, h);
    cv__hex(h, CV__SHA256_LEN, hex);
    cv__buf_printf(&manifest, "%s  %s\n", hex, names[i]);
    s = write_file(tmp, names[i], content->data, content->len, err);
  }
  if (s == CV_OK) s = write_file(tmp, CV__BUNDLE_MANIFEST, manifest.data, manifest.len, err);
  if (s == CV_OK) {
    rmdir(dir); /* empty or absent, checked above */
    if (rename(tmp, dir) != 0) s = cv__fail(err, CV_EIO, dir, 0, 0, NULL, "cannot create: %s", strerror(errno));
  }
  if (s != CV_OK) remove_tree(tmp);
  cv__buf_fini(&journal);
  cv__buf_fini(&b);
  cv__buf_fini(&manifest);
  return s;
}

/* ---- verify ------------------------------------------------------------ */


struct listed {
  char name[256];
  uint8_t hash[CV__SHA256_LEN];
};

static cv_status read_manifest(const char *dir, struct listed *out, size_t cap, size_t *n,
                               struct cv_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, CV__BUNDLE_MANIFEST);
  char *text;
  size_t len;
  cv_status s = cv__read_file(path, 1 << 20, &text, &len, err);
  if (s != CV_OK) return s;
  *n = 0;
  uint32_t line = 1;
  for (size_t pos = 0; pos < len && s == CV_OK; line++) {
    char *nl = memchr(text + pos, '\n', len - pos);
    if (!nl) {
      s = cv__fail(err, CV_EVERIFY, path, line, 1, NULL, "the last line has no line feed");
      break;
    }
    size_t ll = (size_t)(nl - (text + pos));
    char *l = text + pos;
    if (ll < 67 || l[64] != ' ' || l[65] != ' ' || ll - 66 >= sizeof out[0].name || *n == cap ||
        !cv__unhex32(l, 64, out[*n].hash)) {
      s = cv__fail(err, CV_EVERIFY, path, line, 1, NULL, "expected \"<64 hex digits>  <file name>\"");
      break;
    }
    memcpy(out[*n].name, l + 66, ll - 66);
    out[*n].name[ll - 66] = '\0';
    if (strchr(out[*n].name, '/') || out[*n].name[0] == '.') {
      s = cv__fail(err, CV_EVERIFY, path, line, 67, NULL, "file names in the manifest have no folders");
      break;
    }
    (*n)++;
    pos += ll + 1;
  }
  cv__free(text);
  return s;
}

/* SHA-256 of a file, read in pieces (files can be larger than memory). */
static cv_status hash_file(const char *path, uint8_t out[CV__SHA256_LEN], struct cv_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return cv__fail(err, errno == ENOENT ? CV_ENOENT : CV_EIO, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
  static const size_t PIECE = (size_t)1 << 20;
  char *buf = cv__malloc(PIECE);
  if (!buf) {
    fclose(f);
    return cv__failf(err, CV_ENOMEM, "out of memory");
  }
  struct cv__sha256_ctx c;
  cv__sha256_init(&c);
  size_t got;
  while ((got = fread(buf, 1, PIECE, f)) > 0) cv__sha256_update(&c, buf, got);
  bool bad = ferror(f);
  fclose(f);
  cv__free(buf);
  if (bad) return cv__fail(err, CV_EIO, path, 0, 0, NULL, "read error");
  cv__sha256_final(&c, out);
  return CV_OK;
}

/* Names the first line:column where a published file and its recomputation
 * part (only reached when their hashes differ). */
static cv_status locate_difference(const char *path, const struct cv__buf *want, struct cv_error *err) {
  char *data = NULL;
  size_t len = 0;
  cv_status s = cv__read_file(path, (size_t)16 << 30, &data, &len, err);
  if (s != CV_OK) return s;
  uint32_t line = 1, col = 1;
  for (size_t k = 0; k < len && k < want->len && data[k] == want->data[k]; k++) {
    if (data[k] == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  cv__free(data);
  return cv__fail(err, CV_EVERIFY, path, line, col, NULL,
                  "differs from what the journal gives (first difference here)");
}

/* The reading side of verify: journal.jsonl piece by piece, hashing the
 * whole file and handing each line (an event) to the replay. */
struct journal_reader {
  const char *path;
  uint64_t size;
  uint8_t file_hash[CV__SHA256_LEN];
};

static cv_status read_journal(struct cv__pipe *p, void *ud, struct cv_error *err) {
  struct journal_reader *jr = ud;
  FILE *f = fopen(jr->path, "rb");
  if (!f)
    return cv__fail(err, errno == ENOENT ? CV_ENOENT : CV_EIO, jr->path, 0, 0, NULL, "cannot open: %s",
                    strerror(errno));
  /* Room for one piece plus the longest event carried over from the last. */
  static const size_t PIECE = (size_t)4 << 20;
  char *buf = cv__malloc(PIECE + CV__MAX_EVENT_BYTES + 1);
  if (!buf) {
    fclose(f);
    return cv__failf(err, CV_ENOMEM, "out of memory");
  }
  struct cv__sha256_ctx hc;
  cv__sha256_init(&hc);
  cv_status s = CV_OK;
  size_t have = 0, got;
  uint32_t line = 1;
  while (s == CV_OK && (got = fread(buf + have, 1, PIECE, f)) > 0) {
    cv__sha256_update(&hc, buf + have, got);
    have += got;
    size_t pos = 0;
    char *nl;
    while (s == CV_OK && (nl = memchr(buf + pos, '\n', have - pos))) {
      size_t ll = (size_t)(nl - (buf + pos));
      s = cv__pipe_put(p, buf + pos, ll, line++, NULL);
      pos += ll + 1;
    }
    if (s == CV_OK && have - pos > CV__MAX_EVENT_BYTES)
      s = cv__fail(err, CV_EVERIFY, jr->path, line, 1, NULL, "an event longer than %zu bytes",
                   CV__MAX_EVENT_BYTES);
    memmove(buf, buf + pos, have - pos);
    have -= pos;
  }
  if (s == CV_OK && ferror(f)) s = cv__fail(err, CV_EIO, jr->path, 0, 0, NULL, "read error");
  if (s == CV_OK && have > 0)
    s = cv__fail(err, CV_EVERIFY, jr->path, line, 1, NULL, "the last event has no line feed");
  if (s == CV_OK) cv__sha256_final(&hc, jr->file_hash);
  cv__free(buf);
  fclose(f);
  return s;
}

/* Replays journal.jsonl from nothing, reading and hashing in a second thread. */
static cv_status replay_journal(const char *path, struct cv__state *st, cv_progress_fn progress,
                                void *progress_ud, uint8_t file_hash[CV__SHA256_LEN],
                                struct cv_error *err) {
  struct journal_reader jr = {path, 0, {0}};
  struct stat sb;
  if (stat(path, &sb) != 0)
    return cv__fail(err, errno == ENOENT ? CV_ENOENT : CV_EIO, path, 0, 0, NULL, "cannot open: %s",
                    strerror(errno));
  jr.size = (uint64_t)sb.st_size;
  struct cv__replay r;
  cv__replay_init(&r, st, path);
  struct cv__pipe *p;
  cv_status s = cv__pipe_start(&p, read_journal, &jr, err);
  if (s == CV_OK) s = cv__replay_pipe(&r, p, progress, progress_ud, jr.size, true, err);
  cv__replay_fini(&r);
  if (s == CV_OK && !st->defined) s = cv__fail(err, CV_EVERIFY, path, 1, 1, NULL, "the journal is empty");
  if (s == CV_OK) memcpy(file_hash, jr.file_hash, CV__SHA256_LEN);
  return s;
}

cv_status cv_verify_public(const char *dir, cv_progress_fn progress, void *progress_ud,
                           struct cv_verify_summary *summary, struct cv_error *err) {
  struct listed files[32];
  size_t n_files = 0;
  cv_status s = read_manifest(dir, files, 32, &n_files, err);
  if (s != CV_OK) return s;
  char path[4096];
  /* Every file present is listed, and every listed file is present. */
  DIR *d = opendir(dir);
  if (!d) return cv__fail(err, CV_ENOENT, dir, 0, 0, NULL, "cannot open: %s", strerror(errno));
  struct dirent *de;
  while ((de = readdir(d)) && s == CV_OK) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
        strcmp(de->d_name, CV__BUNDLE_MANIFEST) == 0)
      continue;
    bool listed = false;
    for (size_t i = 0; i < n_files; i++) listed = listed || strcmp(files[i].name, de->d_name) == 0;
    if (!listed)
      s = cv__fail(err, CV_EVERIFY, dir, 0, 0, NULL, "file %s is not in the manifest", de->d_name);
  }
  closedir(d);
  if (s != CV_OK) return s;
  size_t expected = 1;
  for (size_t i = 0; cv__bundle_derived[i]; i++) expected++;
  const struct listed *journal = NULL;
  for (size_t i = 0; i < n_files; i++) {
    bool known = strcmp(files[i].name, CV__BUNDLE_JOURNAL) == 0;
    if (known) journal = &files[i];
    for (size_t k = 0; cv__bundle_derived[k]; k++) known = known || strcmp(files[i].name, cv__bundle_derived[k]) == 0;
    if (!known)
      return cv__fail(err, CV_EVERIFY, dir, 0, 0, NULL,
                      "the manifest lists %s, which canvass does not publish", files[i].name);
  }
  if (n_files != expected || !journal)
    return cv__fail(err, CV_EVERIFY, dir, 0, 0, NULL, "the manifest lists %zu files; a bundle has %zu", n_files, expected);

  /* Replay the journal from nothing, hashing it on the way. */
  snprintf(path, sizeof path, "%s/%s", dir, CV__BUNDLE_JOURNAL);
  struct cv__state st;
  cv__state_init(&st);
  uint8_t h[CV__SHA256_LEN];
  s = replay_journal(path, &st, progress, progress_ud, h, err);
  if (s == CV_OK && memcmp(h, journal->hash, CV__SHA256_LEN) != 0)
    s = cv__fail(err, CV_EVERIFY, path, 0, 0, NULL, "its SHA-256 differs from the manifest's");

  /* Each derived file must hash as the manifest says, and so must its
   * recomputation from the replayed journal. */
  struct cv__buf b;
  cv__buf_init(&b, (size_t)8 << 30);
  for (size_t i = 0; i < n_files && s == CV_OK; i++) {
    if (&files[i] == journal) continue;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, files[i].name) >= sizeof path) {
      s = cv__fail(err, CV_ELIMIT, dir, 0, 0, NULL, "path too long");
      break;
    }
    if ((s = hash_file(path, h, err)) != CV_OK) break;
    if (memcmp(h, files[i].hash, CV__SHA256_LEN) != 0) {
      s = cv__fail(err, CV_EVERIFY, path, 0, 0, NULL, "its SHA-256 differs from the manifest's");
      break;
    }
    cv__buf_reset(&b);
    s = cv__bundle_render(&st, files[i].name, &b);
    if (s != CV_OK) {
      s = cv__failf(err, s, "cannot recompute %s", files[i].name);
      break;
    }
    cv__sha256(b.data, b.len, h);
    if (memcmp(h, files[i].hash, CV__SHA256_LEN) != 0) s = locate_difference(path, &b, err);
  }
  if (s == CV_OK && summary) {
    summary->events = st.chain.seq;
    summary->files = n_files;
    cv__hex_grouped(st.chain.head, summary->head);
  }
  cv__buf_fini(&b);
  cv__state_fini(&st);
  return s;
}
