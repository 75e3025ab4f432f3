/* tabulate/tabulate_blt.c: `canvass tabulate --blt`: read a BLT file,
 * resolve the rule and options, count, and write output_dir/report.json.
 * Nothing is written unless the whole count succeeds. */
#include "canvass/tabulate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "election/election.h"
#include "formats/blt.h"
#include "tabulate/stv.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#define MAX_BLT_BYTES ((size_t)1 << 30)
#define MAX_REPORT_BYTES ((size_t)1 << 30)

/* Creates dir when missing; an existing directory is fine. */
static cv_status ensure_dir(const char *dir, struct cv_error *err) {
  struct stat sb;
  if (stat(dir, &sb) == 0) {
    if (S_ISDIR(sb.st_mode)) return CV_OK;
    return cv__fail(err, CV_EEXIST, dir, 0, 0, NULL, "exists and is not a folder");
  }
  if (mkdir(dir, 0777) != 0)
    return cv__fail(err, CV_EEXIST, dir, 0, 0, NULL, "cannot create: %s", strerror(errno));
  return CV_OK;
}

/* Writes data to dir/name through a temporary file renamed into place. */
static cv_status write_report(const char *dir, const char *name, const char *data, size_t len,
                              struct cv_error *err) {
  char path[4096], tmp[4200];
  if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
    return cv__failf(err, CV_ELIMIT, "output path too long");
  snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  if (!f) return cv__fail(err, CV_EEXIST, tmp, 0, 0, NULL, "cannot create: %s", strerror(errno));
  bool ok = fwrite(data, 1, len, f) == len;
  ok = fclose(f) == 0 && ok;
  if (!ok || rename(tmp, path) != 0) {
    int e = errno;
    remove(tmp);
    return cv__fail(err, CV_EIO, path, 0, 0, NULL, "cannot write: %s", strerror(e));
  }
  return CV_OK;
}

cv_status cv_tabulate_blt(const char *blt_path, const char *rule, const char *const *options,
                          size_t n_options, const char *output_dir, cv_progress_fn progress,
                          void *progress_ud, struct cv_error *err) {
  if (!blt_path || !rule || !output_dir || (n_options && !options))
    return cv__failf(err, CV_EUSAGE, "give a BLT file, a rule and an output folder");
  char *text = NULL;
  size_t len = 0;
  struct cv__blt blt;
  memset(&blt, 0, sizeof blt);
  struct cv__stv_config cfg;
  struct cv__stv_count k;
  memset(&k, 0, sizeof k);
  struct cv__buf out;
  cv__buf_init(&out, MAX_REPORT_BYTES);
  /* Check the rule and the caller's options before reading anything. */
  cv_status s = cv__stv_configure(&cfg, rule, options, n_options, NULL, NULL, 0, blt_path, err);
  if (s != CV_OK) goto out;
  if ((s = cv__read_file(blt_path, MAX_BLT_BYTES, &text, &len, err)) != CV_OK) goto out;
  if (progress) progress(progress_ud, "reading ballots", 0, 1);
  if ((s = cv__blt_parse(&blt, text, len, blt_path, NULL, err)) != CV_OK) goto out;
  s = cv__stv_configure(&cfg, rule, options, n_options, blt.options, blt.option_lines,
                        blt.n_options, blt_path, err);
  if (s != CV_OK) goto out;
  if (progress) progress(progress_ud, "counting", 0, 1);
  if ((s = cv__stv_count(&k, &blt, &cfg, blt_path, err)) != CV_OK) goto out;
  if ((s = cv__stv_report(&k, blt_path, &out)) != CV_OK) {
    s = cv__failf(err, s, "cannot build report.json");
    goto out;
  }
  if ((s = ensure_dir(output_dir, err)) != CV_OK) goto out;
  s = write_report(output_dir, "report.json", out.data, out.len, err);
  if (s == CV_OK && progress) progress(progress_ud, "counting", 1, 1);
out:
  cv__stv_fini(&k);
  cv__blt_fini(&blt);
  cv__buf_fini(&out);
  cv__free(text);
  return s;
}
