/* count/findings.h: validation findings with stable codes.
 *
 * Findings are computed from the state, never stored: errors (E...) block
 * certification until further counting clears them; warnings (W...) block it
 * until a coordinator acknowledges them with a reason. An acknowledgement
 * binds to the finding's detail text, so a warning whose numbers change opens
 * again. docs/validation-codes.md documents every code. */
#ifndef CV_COUNT_FINDINGS_H
#define CV_COUNT_FINDINGS_H

#include "election/state.h"

enum cv__severity { CV__SEV_ERROR, CV__SEV_WARNING };

struct cv__finding {
  const char *code;        /* "E101" */
  const char *name;        /* "contest-identity" */
  enum cv__severity severity;
  char id[256];            /* stable id, e.g. "E101/sheet-17/mayor" (fits: 4 + 100 + 64 + 2) */
  char subject[200];       /* what it is about, for people */
  char detail[400];        /* the numbers */
  uint32_t contest;        /* UINT32_MAX when not about one contest */
  uint32_t batch;          /* UINT32_MAX when not about one batch */
  const struct cv__ack *ack; /* the acknowledgement in force, or NULL */
};

/* Called once per finding, in a stable order; return false to stop. */
typedef bool (*cv__finding_fn)(void *ud, const struct cv__finding *f);

/* Enumerates every current finding (acknowledged warnings included, with
 * f->ack set). Returns CV_ENOMEM only when scratch memory fails. */
cv_status cv__findings_each(const struct cv__state *st, cv__finding_fn fn, void *ud);

/* Finds the current finding with this id. */
bool cv__finding_lookup(const struct cv__state *st, const char *id, struct cv__finding *out);

/* Sets *allowed when no error is open and every warning is acknowledged;
 * otherwise describes the first obstacle in why. (Certification is
 * all-or-nothing over the election's findings: a count is certified only
 * when it is clean.) CV_ENOMEM when scratch memory fails. */
cv_status cv__certify_check(const struct cv__state *st, bool *allowed, char *why, size_t n);

/* Per polling place, over non-ranked contests: batches, batch x contest
 * results, settled results, and ballots counted (per batch, the largest
 * settled ballots over its contests). per_unit has n_units zeroed entries;
 * by_status (may be NULL) counts results per enum cv__cell_status. */
struct cv__place_count {
  uint32_t batches, cells, settled;
  uint64_t counted;
};
void cv__place_counts(const struct cv__state *st, struct cv__place_count *per_unit,
                      uint64_t by_status[5]);

#endif
