/* election/definition.h: the election definition, as decoded and checked.
 *
 * A definition is decoded from a JSON tree (docs/formats.md, "Election
 * definition") into plain structs allocated from the caller's arena. Decoding
 * checks everything the count relies on: unique ids, parents that exist and
 * form jurisdiction > district > polling place, contest shapes, and one ballot
 * style per polling place. The same decoder serves the user's file and the
 * journal's first event, so both always agree. */
#ifndef CV_ELECTION_DEFINITION_H
#define CV_ELECTION_DEFINITION_H

#include <stdint.h>
#include <stdbool.h>

#include "util/arena.h"
#include "util/json.h"
#include "util/strmap.h"

enum cv__unit_type { CV__UNIT_JURISDICTION, CV__UNIT_DISTRICT, CV__UNIT_POLLING_PLACE };

enum cv__contest_type {
  CV__CONTEST_PLURALITY, /* vote for N, N highest win */
  CV__CONTEST_APPROVAL,  /* vote for any number, seats highest win */
  CV__CONTEST_MEASURE,   /* yes / no */
  CV__CONTEST_IRV,       /* ranked: declared, tabulated by a later release */
  CV__CONTEST_STV,
  CV__CONTEST_CONDORCET
};

enum cv__passing { CV__PASS_MAJORITY, CV__PASS_TWO_THIRDS, CV__PASS_THREE_FIFTHS };

/* How a Condorcet contest picks its winner when no choice beats all others
 * (docs/condorcet.md). */
enum cv__condorcet_method { CV__SCHULZE, CV__RANKED_PAIRS };
#define CV__CONDORCET_MAX_CHOICES 256u /* = CV__CONDORCET_MAX_CANDIDATES */

/* How a wholly blank ballot is recorded for a contest. */
enum cv__blank_rule {
  CV__BLANK_SEPARATE,   /* counted in "blank", contributes no undervotes */
  CV__BLANK_UNDERVOTES  /* contributes votes_allowed undervotes; "blank" is informational */
};

struct cv__unit {
  const char *id, *name;
  enum cv__unit_type type;
  int32_t parent;   /* index, -1 for the jurisdiction */
  int32_t style;    /* polling places: index of their ballot style */
};

struct cv__choice {
  const char *id, *name;
  bool write_in;
};

struct cv__contest {
  const char *id, *name;
  enum cv__contest_type type;
  uint32_t votes_allowed;
  uint32_t seats;
  int32_t district;         /* unit index */
  enum cv__passing passing; /* measures */
  enum cv__condorcet_method method; /* condorcet contests */
  struct cv__choice *choices;
  uint32_t n_choices;
  uint32_t *by_id;          /* choice indices in byte order of their ids (canonical order) */
  struct cv__strmap choice_index;
};

struct cv__style {
  const char *id;
  uint32_t *contests; /* contest indices, in definition order */
  uint32_t n_contests;
};

struct cv__rules {
  uint32_t agreement_count;     /* K, default 2 */
  enum cv__blank_rule blank;    /* default separate */
  uint32_t invalid_warn_percent;  /* default 3 */
  uint32_t blank_warn_percent;    /* default 5 */
  uint64_t manifest_tolerance;  /* ballots; default 0 */
  uint64_t pollbook_tolerance;  /* ballots; default 0 */
};

struct cv__definition {
  const char *election_id, *election_name, *election_date;
  struct cv__rules rules;
  struct cv__unit *units;
  uint32_t n_units;
  struct cv__contest *contests;
  uint32_t n_contests;
  struct cv__style *styles;
  uint32_t n_styles;
  struct cv__strmap unit_index, contest_index, style_index;
};

#define CV__MAX_UNITS 100000u
#define CV__MAX_CONTESTS 1000u
#define CV__MAX_CHOICES 1000u
#define CV__MAX_STYLES 10000u
#define CV__MAX_NAME 200u

/* Decodes root into *def (strings point into the tree, which must outlive the
 * definition; arrays come from a). Errors are CV_EINVAL with file, position
 * and field path. On error *def must still be passed to _fini. */
cv_status cv__definition_decode(struct cv__definition *def, struct cv__arena *a,
                                const struct cv__jval *root, const char *file,
                                struct cv_error *err);
void cv__definition_fini(struct cv__definition *def);

bool cv__contest_is_ranked(const struct cv__contest *c);
/* False for the ranked contests this release does not tabulate (irv, stv):
 * they are left out of the count's progress until keyed, and of
 * certification. */
bool cv__contest_is_tabulated(const struct cv__contest *c);
const char *cv__contest_type_name(enum cv__contest_type t);
const char *cv__unit_type_name(enum cv__unit_type t);
/* The passing rule as the definition spells it ("two_thirds"). */
const char *cv__passing_name(enum cv__passing p);
/* True when unit u lies within (or is) unit ancestor. */
bool cv__unit_within(const struct cv__definition *d, uint32_t u, uint32_t ancestor);

#endif
