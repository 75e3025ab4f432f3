/* tabulate/tabulate_rctab.c: placeholder until the rctab tabulator lands. */
#include "canvass/tabulate.h"
#include "util/error.h"

cv_status cv_tabulate_rctab(const char *config_path, const char *output_dir, const char *tiebreak,
                            cv_progress_fn progress, void *progress_ud, struct cv_error *err) {
  (void)config_path, (void)output_dir, (void)tiebreak, (void)progress, (void)progress_ud;
  return cv__failf(err, CV_EUSAGE, "tabulate --rctab-config is not available in this build yet");
}
