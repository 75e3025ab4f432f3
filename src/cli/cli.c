#include "cli.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool cli_parse(int argc, char **argv, const struct cli_opt *opts, const char **pos, size_t max_pos,
               size_t *n_pos, bool *help) {
  *n_pos = 0;
  *help = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      *help = true;
      return true;
    }
    if (strncmp(a, "--", 2) != 0 || strcmp(a, "--") == 0) {
      if (*n_pos == max_pos) {
        fprintf(stderr, "canvass %s: unexpected argument \"%s\" (see --help)\n", argv[0], a);
        return false;
      }
      pos[(*n_pos)++] = a;
      continue;
    }
    const char *eq = strchr(a, '=');
    size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
    const struct cli_opt *o = opts;
    while (o->name && (strlen(o->name) != nlen || strncmp(o->name, a, nlen) != 0)) o++;
    if (!o->name) {
      fprintf(stderr, "canvass %s: unknown option %.*s (see --help)\n", argv[0], (int)nlen, a);
      return false;
    }
    if (!o->has_arg) {
      if (eq) {
        fprintf(stderr, "canvass %s: %s takes no value\n", argv[0], o->name);
        return false;
      }
      *o->flag = true;
      continue;
    }
    if (eq) {
      *o->value = eq + 1;
    } else if (i + 1 < argc) {
      *o->value = argv[++i];
    } else {
      fprintf(stderr, "canvass %s: %s needs a value\n", argv[0], o->name);
      return false;
    }
  }
  return true;
}

int cli_fail(const struct cv_error *err) {
  char msg[1200];
  cv_error_format(err, msg, sizeof msg);
  cli_progress_done();
  fprintf(stderr, "canvass: %s\n", msg);
  return cv_status_exit_code(err->code);
}

int cli_usage(const char *cmd, const char *msg) {
  fprintf(stderr, "canvass %s: %s (see canvass %s --help)\n", cmd, msg, cmd);
  return 64;
}

const char *cli_actor(void) {
  const char *a = getenv("CANVASS_ACTOR");
  if (!a || !*a) a = getenv("USER");
  return a && *a ? a : "canvass";
}

int cli_identity(cv_election *e) {
  struct cv_error err = {0};
  if (cv_election_set_actor(e, cli_actor(), &err) != CV_OK) return cli_fail(&err);
  const char *now = getenv("CANVASS_NOW");
  if (now && *now && cv_election_set_time(e, now, &err) != CV_OK) return cli_fail(&err);
  return 0;
}

static int find_store(const char **store, char *buf, size_t n) {
  if (*store) return 0;
  const char *env = getenv("CANVASS_STORE");
  if (env && *env) {
    *store = env;
    return 0;
  }
  DIR *d = opendir(".");
  if (!d) return cli_usage("", "no --store given and the current folder cannot be read");
  struct dirent *de;
  int found = 0;
  while ((de = readdir(d))) {
    size_t l = strlen(de->d_name);
    if (l > 8 && strcmp(de->d_name + l - 8, ".canvass") == 0) {
      if (found++ == 0) snprintf(buf, n, "%s", de->d_name);
    }
  }
  closedir(d);
  if (found == 1) {
    *store = buf;
    return 0;
  }
  fprintf(stderr, "canvass: %s; name the election store with --store FILE.canvass or $CANVASS_STORE\n",
          found ? "several .canvass files are here" : "no .canvass file is here");
  return 64;
}

int cli_open(const char *store, bool readonly, cv_election **out) {
  char buf[1024];
  int rc = find_store(&store, buf, sizeof buf);
  if (rc) return rc;
  struct cv_error err = {0};
  if (cv_election_open(store, readonly, cli_progress, NULL, out, &err) != CV_OK) return cli_fail(&err);
  cli_progress_done();
  rc = cli_identity(*out);
  if (rc) cv_election_close(*out);
  return rc;
}

static bool progress_shown;

void cli_progress(void *ud, const char *what, uint64_t done, uint64_t total) {
  (void)ud;
  if (!isatty(2) || total == 0) return;
  unsigned pct = (unsigned)(done * 100 / total);
  unsigned filled = pct * 30 / 100;
  char bar[31];
  for (unsigned i = 0; i < 30; i++) bar[i] = i < filled ? '#' : '.';
  bar[30] = '\0';
  fprintf(stderr, "\r%-10s [%s] %3u%%", what, bar, pct);
  progress_shown = true;
}

void cli_progress_done(void) {
  if (progress_shown) fprintf(stderr, "\r%60s\r", "");
  progress_shown = false;
}

void cli_print(char *s, size_t len) {
  fwrite(s, 1, len, stdout);
  cv_free(s);
}

bool cli_format(const char *name, enum cv_format *out) {
  if (!name || strcmp(name, "text") == 0) *out = CV_FORMAT_TEXT;
  else if (strcmp(name, "csv") == 0) *out = CV_FORMAT_CSV;
  else if (strcmp(name, "json") == 0) *out = CV_FORMAT_JSON;
  else return false;
  return true;
}
