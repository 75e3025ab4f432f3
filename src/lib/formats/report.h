/* formats/report.h: the status, results and NIST reports.
 *
 * Every report is a pure function of the election state: the same state gives
 * byte-identical output on any machine (no clock, no locale, no floating
 * point; percentages are integer arithmetic rounded half up to 2 decimals).
 * Every number comes from the one tally path (cv__tally_units,
 * cv__tally_add_cell, cv__outcome_compute), so a report can never disagree
 * with `canvass verify`. Reports append to out; on error out is left at its
 * length on entry (its status may keep the buffer's failure). Each returns
 * CV_EINVAL when the state holds no election yet, CV_ENOMEM or CV_ELIMIT when
 * memory or the buffer's cap runs out. */
#ifndef CV_FORMATS_REPORT_H
#define CV_FORMATS_REPORT_H

#include "canvass/election.h"
#include "election/state.h"
#include "util/buf.h"

/* Where the count stands: batch x contest results by status, progress per
 * polling place, disputes, errors, warnings, ballot accounting and
 * certification, as text, sectioned CSV (Arlo's "######## NAME ########"
 * sections) or JSON. */
cv_status cv__report_status(const struct cv__state *st, enum cv_format f, struct cv__buf *out);

/* Totals and outcome per contest (opt->contest: one contest; CV_ENOENT when it
 * does not exist), optionally per polling place (by_unit) and per batch
 * (by_batch), in opt->format. opt may be NULL for all contests as text.
 * Seats are marked ELECTED (CSV and JSON: "yes") only once every batch result
 * of the contest is settled; before that they are LEADING ("leading"). A tie
 * is TIED until a recorded lot decides it. */
cv_status cv__report_results(const struct cv__state *st, const struct cv_report_options *opt,
                             struct cv__buf *out);

/* NIST SP 1500-100 v2 election results JSON at precinct level (polling
 * places), settled counts only. */
cv_status cv__report_nist(const struct cv__state *st, struct cv__buf *out);

#endif
