/* record/bundle.h: the files of the public bundle that are derived from the
 * state. Export writes them and verify recomputes them through the same
 * function, so the two can only agree when the journal does. */
#ifndef CV_RECORD_BUNDLE_H
#define CV_RECORD_BUNDLE_H

#include "election/state.h"
#include "util/buf.h"

#define CV__BUNDLE_JOURNAL "journal.jsonl"
#define CV__BUNDLE_MANIFEST "MANIFEST.sha256"

/* Names of the derived files, NULL-terminated, in manifest order. */
extern const char *const cv__bundle_derived[];

/* Renders derived file name from st into out. */
cv_status cv__bundle_render(const struct cv__state *st, const char *name, struct cv__buf *out);

#endif
