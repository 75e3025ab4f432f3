/* count/agreement.h: when is a batch x contest result settled?
 *
 * A cell (batch x contest) is AGREED when the sheets of K different teams
 * carry exactly the same numbers (K = rules.agreement_count) and no other
 * value also reaches K. A coordinator's decision (dispute.resolved) settles it
 * as RESOLVED. Sheet sections that fail the contest identity (E101) never
 * count toward agreement. Otherwise the cell is NOT_COUNTED, WAITING (every
 * valid sheet agrees but fewer than K teams counted) or DISPUTED. */
#ifndef CV_COUNT_AGREEMENT_H
#define CV_COUNT_AGREEMENT_H

#include "election/state.h"

enum cv__cell_status {
  CV__CELL_NOT_COUNTED,
  CV__CELL_WAITING,
  CV__CELL_AGREED,
  CV__CELL_DISPUTED,
  CV__CELL_RESOLVED
};

const char *cv__cell_status_name(enum cv__cell_status s);

/* The status of cell; when settled (agreed or resolved) and value is not NULL,
 * *value is the entry that carries the settled numbers. O(1): it reads the
 * cell's cached status, which cv__cell_refresh keeps current. */
enum cv__cell_status cv__cell_status(const struct cv__state *st, uint32_t cell, int32_t *value);

/* Recomputes the cached status of cell from its sheets and resolution; the
 * state calls it after every event that touches the cell. */
void cv__cell_refresh(struct cv__state *st, uint32_t cell);

static inline bool cv__cell_settled(enum cv__cell_status s) {
  return s == CV__CELL_AGREED || s == CV__CELL_RESOLVED;
}

/* True when two entries of the same contest carry the same numbers. */
bool cv__entry_equal(const struct cv__state *st, const struct cv__entry *a, const struct cv__entry *b);

/* Checks the contest identity of an entry:
 *   sum(votes) + undervotes + overvotes == (ballots - blank' - invalid) * votes_allowed
 * where blank' is blank under the "separate" rule and 0 under "undervotes"
 * (blank ballots then contribute their undervotes), and blank + invalid <= ballots.
 * On failure writes the arithmetic into why and returns false. */
bool cv__entry_identity(const struct cv__state *st, const struct cv__entry *e, char *why, size_t n);

/* Lists the fields in which a and b differ ("ballots 120 vs 121, alice 50 vs 51")
 * into out; returns the number of differing fields. */
size_t cv__entry_diff(const struct cv__state *st, const struct cv__entry *a, const struct cv__entry *b,
                      char *out, size_t n);

#endif
