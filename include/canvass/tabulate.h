/* canvass/tabulate.h: standalone tabulation of ranked ballots.
 *
 * These functions need no election store: they read ballots from files in
 * other systems' formats, count them under a named rule set, and write the
 * reports into a folder. They are how canvass is checked against RCTab and
 * droop, and how an official re-counts a ranked contest from exported cast
 * vote records. Every tally is exact (integers, fixed-point decimals or
 * rationals); no binary floating point is used. */
#ifndef CANVASS_TABULATE_H
#define CANVASS_TABULATE_H

#include "canvass/election.h"
#include "canvass/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Tabulates the contest an RCTab contest configuration describes
 * (STEM_config.json), reading the cast vote record files it names (paths
 * relative to the configuration's folder), and writes RCTab's reports into
 * output_dir (created when missing): STEM_detailed_report.json and .csv,
 * per-precinct and per-batch slices and the CDF CVR export when the
 * configuration asks for them.
 *
 * Interactive tiebreak modes (stopCountingAndAsk, previousRoundCountsThenAsk)
 * stop with CV_ETIE and a message naming the tied candidates, unless
 * tiebreak gives the decisions: candidate names separated by '|', used in
 * order, one per tie that needs a decision. tiebreak may be NULL.
 * progress may be NULL. */
CV_API cv_status cv_tabulate_rctab(const char *config_path, const char *output_dir,
                                   const char *tiebreak, cv_progress_fn progress,
                                   void *progress_ud, struct cv_error *err);

/* RCTab's "convert to CDF" action: reads the cast vote records the RCTab
 * configuration names and writes them, without counting, as a NIST SP
 * 1500-103 CVR report (STEM_cdf_cvr.json) into output_dir. */
CV_API cv_status cv_convert_rctab_cdf(const char *config_path, const char *output_dir,
                                      struct cv_error *err);

/* Counts the STV election in a BLT file under rule (droop's rule names:
 * scotland, wigm, wigm-prf, meek, meek-prf, warren, mpls, irish, ...) with
 * droop's options given as "KEY=VALUE" strings (arithmetic, precision,
 * guard, display, omega, ...), and writes output_dir/report.json with the
 * candidates elected in order and every round's tallies as decimal strings. */
CV_API cv_status cv_tabulate_blt(const char *blt_path, const char *rule,
                                 const char *const *options, size_t n_options,
                                 const char *output_dir, cv_progress_fn progress,
                                 void *progress_ud, struct cv_error *err);

#ifdef __cplusplus
}
#endif
#endif
