/* formats/report_ranked.h: the ranked-contest parts of the results report
 * (report_results.c calls them for the contests they concern). */
#ifndef CV_FORMATS_REPORT_RANKED_H
#define CV_FORMATS_REPORT_RANKED_H

#include "election/state.h"
#include "formats/report_common.h"
#include "util/json.h"

/* Text: contest ci's pairwise matrix, its Condorcet winner or the method's
 * order, appended to out. */
cv_status cv__report_condorcet_text(const struct cv__state *st, uint32_t ci, struct cv__arena *a,
                                    struct cv__buf *out);

/* CSV: a PAIRWISE section with one row per ordered pair of choices of each
 * Condorcet contest (only contest `only` when >= 0); nothing when there is
 * none. Resets a between contests. */
cv_status cv__report_condorcet_csv(const struct cv__state *st, int64_t only, struct cv__arena *a,
                                   struct cv__buf *out);

/* JSON: the "pairwise" member of contest ci's object. */
cv_status cv__report_condorcet_json(struct cv__jw *w, const struct cv__state *st, uint32_t ci,
                                    struct cv__arena *a);

#endif
