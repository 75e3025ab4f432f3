/* canvass/election.h: an election store and everything done to it.
 *
 * A cv_election is an open election store with its state rebuilt by
 * replaying the journal. Every command appends events to the journal in one
 * transaction, or changes nothing and returns an error. Strings passed in are
 * borrowed; strings and reports returned are owned by the caller and freed
 * with cv_free. One cv_election must be used by one thread at a time. */
#ifndef CANVASS_ELECTION_H
#define CANVASS_ELECTION_H

#include "canvass/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cv_election cv_election;

/* Progress of long work (import, replay, verify): done of total units. */
typedef void (*cv_progress_fn)(void *ud, const char *what, uint64_t done, uint64_t total);

/* Creates the store at store_path (which must not exist) from the election
 * definition JSON at definition_path. Nothing is created on error. */
CV_API cv_status cv_election_create(const char *store_path, const char *definition_path,
                                    const char *actor, const char *time, cv_election **out,
                                    struct cv_error *err);

/* Opens a store and replays its journal, checking every hash on the way. */
CV_API cv_status cv_election_open(const char *store_path, bool readonly, cv_progress_fn progress,
                                  void *progress_ud, cv_election **out, struct cv_error *err);

/* Closes the store. Accepts NULL. */
CV_API void cv_election_close(cv_election *e);

/* Who is acting (recorded in every event; default "canvass") and, for
 * reproducible runs, a fixed event time "YYYY-MM-DDTHH:MM:SSZ" (NULL: clock).
 * Invalid values are refused with CV_EUSAGE. */
CV_API cv_status cv_election_set_actor(cv_election *e, const char *actor, struct cv_error *err);
CV_API cv_status cv_election_set_time(cv_election *e, const char *time, struct cv_error *err);
CV_API void cv_election_set_progress(cv_election *e, cv_progress_fn fn, void *ud);

/* The journal head hash in groups of four hex digits (80 bytes), and the
 * number of events. */
CV_API void cv_election_head(const cv_election *e, char out[80], uint64_t *events);

/* ---- imports (each one transaction) ---- */

/* Ballot manifest CSV with Arlo's columns Container (optional), Tabulator
 * (optional), Batch Name, Number of Ballots, and Polling Place. */
CV_API cv_status cv_import_manifest(cv_election *e, const char *path, uint64_t *added,
                                    struct cv_error *err);
/* Tally sheets: CSV (docs/formats.md) or, for a .json file, one sheet object
 * or an array of them. */
CV_API cv_status cv_import_sheets(cv_election *e, const char *path, uint64_t *added,
                                  struct cv_error *err);
/* Ballot accounting CSV: Polling Place, Received, Issued, Spoiled, Unused,
 * Pollbook Signatures, Note. */
CV_API cv_status cv_import_accounting(cv_election *e, const char *path, uint64_t *added,
                                      struct cv_error *err);

/* ---- one tally sheet, field by field ----
 * Fields: batch, team, members ("A; B"), member (adds one), kind (count |
 * rekey), rekey_of, reference; then "contest" starts a section, followed by
 * ballots, blank, invalid, undervotes, overvotes and one field per choice id.
 * Values are text exactly as written on the sheet; numbers are checked at
 * commit, where a missing field is an error, never a zero. */
typedef struct cv_sheet_draft cv_sheet_draft;

CV_API cv_status cv_sheet_draft_new(cv_election *e, cv_sheet_draft **out, struct cv_error *err);
CV_API void cv_sheet_draft_free(cv_sheet_draft *d);
CV_API cv_status cv_sheet_draft_set(cv_sheet_draft *d, const char *field, const char *value,
                                    struct cv_error *err);
/* For prompting: the next field without a value, in sheet order, with a
 * label for people; contests of the batch's ballot style are added in turn.
 * Returns false when every field has a value. */
CV_API bool cv_sheet_draft_next(cv_sheet_draft *d, const char **field, const char **label);
/* Records the sheet; *seq is its sheet number (the event's sequence number).
 * The draft stays usable only for cv_sheet_draft_free. */
CV_API cv_status cv_sheet_draft_commit(cv_sheet_draft *d, uint64_t *seq, struct cv_error *err);

/* One line per contest of batch's ballot style: its agreement status
 * ("mayor: agreed", "council: waiting for another team's count", ...). */
CV_API cv_status cv_batch_summary(cv_election *e, const char *batch, char **out,
                                  struct cv_error *err);

/* ---- other commands ---- */

/* Ballot accounting of one polling place from field/value pairs (fields as
 * the CSV's columns in snake case: polling_place, received, issued, spoiled,
 * unused, pollbook_signatures, note). */
CV_API cv_status cv_record_accounting(cv_election *e, const char *const *fields,
                                      const char *const *values, size_t n, struct cv_error *err);
/* Settles the dispute of batch x contest with the numbers of sheet (its
 * number). contest NULL: every unsettled contest of the batch on that sheet. */
CV_API cv_status cv_resolve(cv_election *e, const char *batch, const char *contest, uint64_t sheet,
                            const char *reason, struct cv_error *err);
/* Acknowledges a warning (its id as canvass status shows it). */
CV_API cv_status cv_ack(cv_election *e, const char *finding, const char *reason,
                        struct cv_error *err);
/* Draws lots for the tie in contest from a public seed of >= 20 digits; on
 * success *text (if not NULL) describes the draw. */
CV_API cv_status cv_lot(cv_election *e, const char *contest, const char *seed, char **text,
                        struct cv_error *err);
/* Certifies one contest, or every contest when contest is NULL. */
CV_API cv_status cv_certify(cv_election *e, const char *contest, struct cv_error *err);

/* ---- reports (pure functions of the state) ---- */
enum cv_format { CV_FORMAT_TEXT, CV_FORMAT_CSV, CV_FORMAT_JSON };
enum cv_report_kind { CV_REPORT_STATUS, CV_REPORT_RESULTS, CV_REPORT_NIST };

struct cv_report_options {
  enum cv_format format;
  const char *contest;  /* NULL: all */
  bool by_unit;         /* results per polling place */
  bool by_batch;        /* results per batch */
};

CV_API cv_status cv_report(cv_election *e, enum cv_report_kind kind,
                           const struct cv_report_options *opt, char **out, size_t *len,
                           struct cv_error *err);

/* ---- the public record ---- */

/* Writes the public bundle into dir (created; must be empty or absent). */
CV_API cv_status cv_export_public(cv_election *e, const char *dir, struct cv_error *err);

struct cv_verify_summary {
  uint64_t events;
  size_t files;
  char head[80];
};

/* Replays dir/journal.jsonl from nothing, recomputes every output and checks
 * MANIFEST.sha256. CV_OK only when everything matches; otherwise CV_EVERIFY
 * naming the first event or file that differs. */
CV_API cv_status cv_verify_public(const char *dir, cv_progress_fn progress, void *progress_ud,
                                  struct cv_verify_summary *summary, struct cv_error *err);

CV_API const char *cv_version(void);

#ifdef __cplusplus
}
#endif
#endif
