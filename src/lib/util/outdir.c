#include "util/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"

#define PATH_CAP 4096

cv_status cv__outdir_make(const char *path, struct cv_error *err) {
  size_t n = strlen(path);
  if (n == 0 || n >= PATH_CAP) return cv__failf(err, CV_EUSAGE, "the output folder name is empty or too long");
  char tmp[PATH_CAP];
  memcpy(tmp, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (tmp[i] != '/' && tmp[i] != '\0') continue;
    char keep = tmp[i];
    tmp[i] = '\0';
    struct stat sb;
    if (stat(tmp, &sb) != 0) {
      if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
        return cv__fail(err, CV_EEXIST, tmp, 0, 0, NULL, "cannot create the output folder: %s", strerror(errno));
    } else if (!S_ISDIR(sb.st_mode)) {
      return cv__fail(err, CV_EEXIST, tmp, 0, 0, NULL, "not a folder");
    }
    tmp[i] = keep;
  }
  return CV_OK;
}

cv_status cv__outdir_stage(const char *out, char *staged, size_t n, struct cv_error *err) {
  cv_status s = cv__outdir_make(out, err);
  if (s != CV_OK) return s;
  int w = snprintf(staged, n, "%s/.canvass-partial-XXXXXX", out);
  if (w < 0 || (size_t)w >= n) return cv__failf(err, CV_EUSAGE, "the output folder name is too long");
  if (!mkdtemp(staged))
    return cv__fail(err, CV_EEXIST, out, 0, 0, NULL, "cannot create a staging folder: %s", strerror(errno));
  return CV_OK;
}

/* Joins a and b into out; false when it does not fit. */
static bool join(char *out, const char *a, const char *b) {
  int w = snprintf(out, PATH_CAP, "%s/%s", a, b);
  return w > 0 && w < PATH_CAP;
}

static bool is_dir(const char *p) {
  struct stat sb;
  return lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static cv_status move_all(const char *from, const char *to, int depth, struct cv_error *err) {
  DIR *d = depth < 16 ? opendir(from) : NULL;
  if (!d) return cv__fail(err, CV_EIO, from, 0, 0, NULL, "cannot read the staging folder");
  cv_status s = CV_OK;
  struct dirent *de;
  while (s == CV_OK && (de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    char src[PATH_CAP], dst[PATH_CAP];
    if (!join(src, from, de->d_name) || !join(dst, to, de->d_name)) {
      s = cv__failf(err, CV_ELIMIT, "an output path is too long");
      break;
    }
    if (is_dir(src) && is_dir(dst)) {
      /* A folder already there (per-precinct reports of an earlier run): merge. */
      s = move_all(src, dst, depth + 1, err);
      if (s == CV_OK) rmdir(src);
    } else if (rename(src, dst) != 0) {
      s = cv__fail(err, CV_EIO, dst, 0, 0, NULL, "cannot move the report into place: %s", strerror(errno));
    }
  }
  closedir(d);
  return s;
}

cv_status cv__outdir_commit(const char *staged, const char *out, struct cv_error *err) {
  cv_status s = move_all(staged, out, 0, err);
  cv__outdir_abort(staged);
  return s;
}

static void remove_tree(const char *path, int depth) {
  DIR *d = depth < 16 ? opendir(path) : NULL;
  if (d) {
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
      if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
      char p[PATH_CAP];
      if (!join(p, path, de->d_name)) continue;
      if (is_dir(p))
        remove_tree(p, depth + 1);
      else
        unlink(p);
    }
    closedir(d);
  }
  rmdir(path);
}

void cv__outdir_abort(const char *staged) {
  if (staged && staged[0]) remove_tree(staged, 0);
}
