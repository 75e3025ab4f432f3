/* util/outdir.h: output folders written all or nothing.
 *
 * A command that writes several files (the RCTab reports, say) first writes
 * them into a staging folder inside the output folder, and moves them into
 * place only once every one is complete. When anything fails, the staging
 * folder is removed, so the output folder never holds a half-written set. */
#ifndef CV_UTIL_OUTDIR_H
#define CV_UTIL_OUTDIR_H

#include <stddef.h>

#include "canvass/status.h"

/* Creates path and the folders above it when missing (like mkdir -p).
 * CV_EEXIST when a part exists and is not a folder, or cannot be created. */
cv_status cv__outdir_make(const char *path, struct cv_error *err);

/* Creates out (when missing) and a new, empty staging folder in it, whose
 * path goes to staged (n bytes). */
cv_status cv__outdir_stage(const char *out, char *staged, size_t n, struct cv_error *err);

/* Moves everything in staged into out (replacing files of the same names,
 * merging folders) and removes staged. */
cv_status cv__outdir_commit(const char *staged, const char *out, struct cv_error *err);

/* Removes staged and everything in it. */
void cv__outdir_abort(const char *staged);

#endif
