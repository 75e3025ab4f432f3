/* The journal's canonical bytes and hash chain, against the vectors of
 * docs/journal-format.md (hashed there with sha256sum, not canvass). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "election/state.h"
#include "record/journal.h"
#include "util/alloc.h"
#include "util/json.h"

#define MAX_VECTORS 8

struct vector {
  char bytes[4096];
  char hash[65];
};

static size_t load_vectors(struct vector *v) {
  FILE *f = fopen(CANVASS_SOURCE_DIR "/docs/journal-format.md", "r");
  assert_non_null(f);
  char line[4096];
  size_t n = 0;
  int state = 0; /* 0 outside, 1 expecting bytes, 2 expecting hash */
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    if (state == 0 && strcmp(line, "```event") == 0) {
      state = 1;
    } else if (state == 1) {
      snprintf(v[n].bytes, sizeof v[n].bytes, "%s", line);
      state = 2;
    } else if (state == 2) {
      snprintf(v[n].hash, sizeof v[n].hash, "%s", line);
      n++;
      state = 0;
    }
  }
  fclose(f);
  return n;
}

/* Replaying the vectors: each is accepted as the next event, its hash is the
 * documented one, and re-encoding its fields gives the same bytes. */
static void vectors_replay_and_reencode(void **unused) {
  (void)unused;
  struct vector v[MAX_VECTORS];
  size_t n = load_vectors(v);
  assert_int_equal(n, 3);
  struct cv__state st;
  cv__state_init(&st);
  struct cv__arena a;
  cv__arena_init(&a, 0);
  for (size_t i = 0; i < n; i++) {
    struct cv__chain before = st.chain;
    struct cv__event ev;
    struct cv_error err = {0};
    assert_int_equal(cv__event_next(&st.chain, &a, v[i].bytes, strlen(v[i].bytes), "vec", 1, &ev, &err),
                     CV_OK);
    char hex[65];
    cv__hex(ev.hash, 32, hex);
    assert_string_equal(hex, v[i].hash);
    assert_int_equal(cv__state_apply(&st, &ev, &err), CV_OK);
    /* Re-encode from the decoded fields. */
    struct cv__buf data, line;
    cv__buf_init(&data, 0);
    cv__buf_init(&line, 0);
    struct cv__jw w;
    cv__jw_init(&w, &data, 0);
    cv__jw_value(&w, ev.data);
    assert_int_equal(cv__jw_finish(&w), CV_OK);
    assert_int_equal(cv__event_encode(&line, &before, ev.time, ev.actor, ev.type, data.data, data.len), CV_OK);
    assert_string_equal(line.data, v[i].bytes);
    cv__buf_fini(&data);
    cv__buf_fini(&line);
  }
  assert_int_equal(st.n_batches, 1);
  assert_int_equal(st.n_sheets, 1);
  assert_string_equal(st.sheets[0].members[0], "Zo\xc3\xab");
  assert_string_equal(st.sheets[0].members[1], "Li\nNa");
  char grouped[80];
  cv__hex_grouped(st.chain.head, grouped);
  assert_string_equal(grouped, "61e2 897c e99c 770d 6288 7227 c124 c15f 1137 4bc5 1e86 985b f079 e52f 6231 268f");
  cv__arena_fini(&a);
  cv__state_fini(&st);
}

static void expect_rejected(const char *bytes, const char *needle) {
  struct vector v[MAX_VECTORS];
  load_vectors(v);
  struct cv__state st;
  cv__state_init(&st);
  struct cv__arena a;
  cv__arena_init(&a, 0);
  struct cv__event ev;
  struct cv_error err = {0};
  assert_int_equal(cv__event_next(&st.chain, &a, v[0].bytes, strlen(v[0].bytes), "vec", 1, &ev, &err), CV_OK);
  assert_int_equal(cv__state_apply(&st, &ev, &err), CV_OK);
  cv_status s = cv__event_next(&st.chain, &a, bytes, strlen(bytes), "vec", 2, &ev, &err);
  if (s == CV_OK) s = cv__state_apply(&st, &ev, &err);
  assert_int_not_equal(s, CV_OK);
  if (!strstr(err.message, needle)) fail_msg("message \"%s\" lacks \"%s\"", err.message, needle);
  assert_int_equal(st.n_batches, 0);
  cv__arena_fini(&a);
  cv__state_fini(&st);
}

/* Event 2 of the vectors with one change each. */
static void altered_events_are_refused(void **unused) {
  (void)unused;
  struct vector v[MAX_VECTORS];
  load_vectors(v);
  char b[4096];
  const char *e2 = v[1].bytes;
  struct { const char *from, *to, *needle; } cases[] = {
      {"\"seq\":2", "\"seq\":3", "sequence number 3, expected 2"},
      {"\"prev\":\"29", "\"prev\":\"39", "chain broken"},
      {"\"ballots\":3", "\"ballots\": 3", "not canonical"},
      {"\"ballots\":3,\"batch\":\"p-1\"", "\"batch\":\"p-1\",\"ballots\":3", "not canonical"},
      {"\"polling_place\":\"p\"", "\"polling_place\":\"j\"", "not a polling place"},
      {"\"ballots\":3", "\"ballots\":-3", "must not be negative"},
      {"batch.added", "batch.removed", "unknown event type"},
      {"\"time\":\"2026-11-03T20:01:00Z\"", "\"time\":\"yesterday\"", "is not YYYY"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *at = strstr(e2, cases[i].from);
    assert_non_null(at);
    snprintf(b, sizeof b, "%.*s%s%s", (int)(at - e2), e2, cases[i].to, at + strlen(cases[i].from));
    expect_rejected(b, cases[i].needle);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(vectors_replay_and_reencode),
      cmocka_unit_test(altered_events_are_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
