/* libFuzzer target for record/journal and election/state: replays the input's
 * lines as journal events on a fresh state, the way a store is opened, and
 * stops at the first event that is not canonical, not chained or refused. */
#include <stdint.h>
#include <string.h>

#include "election/state.h"
#include "record/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *p = (const char *)data, *end = p + size;
  struct cv__state st;
  struct cv__arena scratch;
  struct cv_error err = {0};
  char msg[700];
  cv__state_init(&st);
  cv__arena_init(&scratch, 0);
  for (uint32_t line = 1; p < end; line++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
    struct cv__event ev;
    cv__arena_reset(&scratch); /* as cv__replay_line: each event's tree is scratch */
    if (cv__event_next(&st.chain, &scratch, p, len, "fuzz.jsonl", line, &ev, &err) != CV_OK ||
        cv__state_apply(&st, &ev, &err) != CV_OK || !nl)
      break;
    p = nl + 1;
  }
  cv_error_format(&err, msg, sizeof msg); /* the message paths, too */
  cv__arena_fini(&scratch);
  cv__state_fini(&st);
  return 0;
}
