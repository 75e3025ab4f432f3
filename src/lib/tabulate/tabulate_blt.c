/* tabulate/tabulate_blt.c: placeholder until the blt tabulator lands. */
#include "canvass/tabulate.h"
#include "util/error.h"

cv_status cv_tabulate_blt(const char *blt_path, const char *rule, const char *const *options, size_t n_options,
                          const char *output_dir, cv_progress_fn progress, void *progress_ud,
                          struct cv_error *err) {
  (void)blt_path, (void)rule, (void)options, (void)n_options, (void)output_dir, (void)progress,
      (void)progress_ud;
  return cv__failf(err, CV_EUSAGE, "tabulate --blt is not available in this build yet");
}
