/* election/state.h: the election state, a pure fold over journal events.
 *
 * cv__state_apply checks one event against the state and, only when it is
 * acceptable, changes the state; a refused event leaves no visible change.
 * The same function serves live commands, store replay and `canvass verify`,
 * so there is one path from events to every number. Reports never read the
 * store: they are functions of this state (count/, tabulate/). */
#ifndef CV_ELECTION_STATE_H
#define CV_ELECTION_STATE_H

#include <stdint.h>
#include <stdbool.h>

#include "election/definition.h"
#include "record/journal.h"
#include "util/strmap.h"

/* Largest value any single count may take (keeps every sum exact in a
 * double-precision browser check too: 10^12 * 10^3 < 2^53). */
#define CV__MAX_COUNT 1000000000000ull
#define CV__MAX_MEMBERS 20u
#define CV__MAX_TEXT 1000u  /* reasons, notes */
#define CV__MAX_BALLOTS_KEYED 100000u /* ranked ballots in one keying of a batch */

struct cv__batch {
  const char *id; /* Batch Name, unique in the election */
  const char *container, *tabulator;
  uint32_t unit;    /* polling place */
  uint64_t ballots; /* manifest Number of Ballots */
  uint64_t seq;
  uint32_t cell0;   /* first of its cells: one per contest on its ballot style */
};

/* One batch x contest. */
struct cv__cell {
  uint32_t batch, contest;
  int32_t first_entry, last_entry; /* entries of sheets, in journal order */
  int32_t resolution;              /* entry chosen by a coordinator, or -1 */
  uint64_t resolution_seq;
  const char *resolution_reason;
  /* Agreement status and settled entry, recomputed whenever a sheet or a
   * resolution touches the cell (count/agreement.h); read through
   * cv__cell_status. */
  uint8_t status;
  int32_t value;
};

struct cv__sheet {
  uint64_t seq;
  uint32_t batch;
  uint32_t team;        /* index into names */
  const char **members;
  uint32_t n_members;
  bool rekey;
  uint64_t rekey_of;    /* seq of the sheet keyed again, when rekey */
  const char *reference;/* the paper sheet's own number, may be "" */
  uint32_t first_entry, n_entries;
};

/* One contest section of a sheet. */
struct cv__entry {
  uint32_t sheet, cell;
  int32_t next;         /* next entry of the same cell, -1 */
  uint64_t ballots, blank, invalid, undervotes, overvotes;
  uint64_t *votes;      /* one per choice of the contest */
  /* Ranked contests: each ballot's canonical ranking (count/ranking.h), in
   * the order keyed; the counts above are then derived from rank 1
   * (votes: first choices; blank; undervotes: rank 1 skipped; overvotes). */
  const char **rankings;
  uint32_t n_rankings;
};

struct cv__accounting {
  uint64_t seq;         /* 0: none recorded */
  uint64_t received, issued, spoiled, unused, pollbook;
  const char *note;
};

struct cv__ack {
  const char *finding;  /* finding id, e.g. "W202/pp-03" */
  const char *detail;   /* the finding's detail when acknowledged */
  const char *reason;
  uint64_t seq;
};

struct cv__lot {
  uint32_t contest;
  const char *seed;
  uint32_t *tied;       /* choice indices, ascending */
  uint32_t n_tied;
  uint32_t *order;      /* the tied choices in drawn order */
  uint64_t seq;
};

struct cv__state {
  struct cv__arena arena;
  bool defined;
  struct cv__definition def;
  struct cv__chain chain;

  struct cv__batch *batches;
  size_t n_batches, cap_batches;
  struct cv__strmap batch_index;

  struct cv__cell *cells;
  size_t n_cells, cap_cells;

  struct cv__sheet *sheets;
  size_t n_sheets, cap_sheets;

  struct cv__entry *entries;
  size_t n_entries, cap_entries;

  /* Team and member names, each kept once (sheets refer to them). */
  const char **names;
  size_t n_names, cap_names;
  struct cv__strmap name_index;

  struct cv__accounting *accounting; /* one per unit */

  struct cv__ack *acks;
  size_t n_acks, cap_acks;

  struct cv__lot *lots;
  size_t n_lots, cap_lots;

  uint64_t *certified; /* per contest: seq of certification, 0 */
  int32_t *style_pos;  /* [style * n_contests + contest] -> position, -1 */
};

void cv__state_init(struct cv__state *st);
void cv__state_fini(struct cv__state *st);

/* Applies ev (already chained, see cv__event_next). Errors name the event:
 * CV_EINVAL when the event is not acceptable in this state (unknown batch,
 * contest not on the ballot style, ...), CV_EREFUSED when a rule forbids it
 * (certified contest, certification blocked), CV_ENOMEM / CV_ELIMIT. */
cv_status cv__state_apply(struct cv__state *st, const struct cv__event *ev, struct cv_error *err);

/* Look-ups; return false when absent. */
bool cv__state_batch(const struct cv__state *st, const char *id, uint32_t *out);
bool cv__state_contest(const struct cv__state *st, const char *id, uint32_t *out);
bool cv__state_unit(const struct cv__state *st, const char *id, uint32_t *out);
/* Index of the sheet with journal sequence number seq. */
bool cv__state_sheet(const struct cv__state *st, uint64_t seq, uint32_t *out);
/* The cell of batch b for contest c; false when c is not on its ballot style. */
bool cv__state_cell(const struct cv__state *st, uint32_t b, uint32_t c, uint32_t *out);
/* The newest acknowledgement of a finding id, or NULL. */
const struct cv__ack *cv__state_ack(const struct cv__state *st, const char *finding);
/* The newest lot of contest c, or NULL. */
const struct cv__lot *cv__state_lot(const struct cv__state *st, uint32_t c);

/* Event type names. */
#define CV__EV_DEFINED "election.defined"
#define CV__EV_BATCH "batch.added"
#define CV__EV_SHEET "sheet.entered"
#define CV__EV_ACCOUNTING "accounting.recorded"
#define CV__EV_RESOLVED "dispute.resolved"
#define CV__EV_ACK "warning.acknowledged"
#define CV__EV_LOT "lot.drawn"
#define CV__EV_CERTIFIED "contest.certified"

#endif
