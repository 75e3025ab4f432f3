/* election/sheet_draft.h: internals of cv_sheet_draft for the importers.
 *
 * Every way of entering a tally sheet (flags, prompts, CSV rows, JSON
 * objects) fills a draft field by field and commits it, so the checks and
 * messages are the same whichever way the sheet came in. Importers record
 * where each value came from so errors can name file:line:column. */
#ifndef CV_ELECTION_SHEET_DRAFT_H
#define CV_ELECTION_SHEET_DRAFT_H

#include "canvass/election.h"

/* Empties a draft for the next sheet, keeping its memory (bulk imports). */
void cv__draft_reset(cv_sheet_draft *d);

/* Names the source of following values (file may be NULL). */
void cv__draft_position(cv_sheet_draft *d, const char *file, uint32_t line, uint32_t column);

/* Bulk importers resolve a column to a field of the current contest once
 * (by header) instead of by name per value. Slots 0-4 are ballots, blank,
 * invalid, undervotes and overvotes; slot 5 + i is choice i of the current
 * section's contest. The value goes through the same checks as
 * cv_sheet_draft_set. */
enum { CV__DRAFT_SLOT_CHOICE0 = 5 };
cv_status cv__draft_set_slot(cv_sheet_draft *d, uint32_t slot, const char *value, struct cv_error *err);

#endif
