/* libFuzzer target for the RCTab count over arbitrary ballots. The first
 * byte picks the rules (seats and mode, overvote rule, tiebreak, skipped
 * ranks, duplicates); the rest is a generic CSV of rankings (one column per
 * candidate A-E, the cell is the rank). Oracles: no crash or sanitizer
 * report; refusals carry a message; in every round of a single-seat count
 * the candidates' tallies add up to the active ballots and active plus
 * inactive ballots stay equal to the ballots read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tabulate/rctab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const MODES[] = {"singleWinnerMajority", "multiWinnerAllowOnlyOneWinnerPerRound",
                                    "multiWinnerAllowMultipleWinnersPerRound", "bottomsUp"};
static const char *const OVERVOTE[] = {"exhaustImmediately", "alwaysSkipToNextRank"};
static const char *const TIEBREAK[] = {"random", "useCandidateOrder", "previousRoundCountsThenRandom",
                                       "generatePermutation"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  unsigned opt = data[0];
  int mode = (int)(opt & 3);
  char cfg[1200];
  snprintf(cfg, sizeof cfg,
           "{\"tabulatorVersion\":\"TEST\",\"outputSettings\":{\"contestName\":\"f\"},"
           "\"cvrFileSources\":[{\"filePath\":\"/dev/null\",\"provider\":\"genericCsv\",\"firstVoteColumnIndex\":1,"
           "\"firstVoteRowIndex\":2,\"undeclaredWriteInLabel\":\"E\"}],"
           "\"candidates\":[{\"name\":\"A\"},{\"name\":\"B\",\"aliases\":[\"b\"]},{\"name\":\"C\"},"
           "{\"name\":\"D\",\"excluded\":%s}],"
           "\"rules\":{\"tiebreakMode\":\"%s\",\"randomSeed\":\"%u\",\"overvoteRule\":\"%s\",\"winnerElectionMode\":\"%s\","
           "\"numberOfWinners\":\"%d\",\"decimalPlacesForVoteArithmetic\":\"%u\",\"maxSkippedRanksAllowed\":\"%s\","
           "\"maxRankingsAllowed\":\"max\",\"exhaustOnDuplicateCandidate\":%s,\"batchElimination\":%s,"
           "\"continueUntilTwoCandidatesRemain\":%s,\"nonIntegerWinningThreshold\":%s}}",
           (opt & 64) ? "true" : "false", TIEBREAK[(opt >> 2) & 3], opt, OVERVOTE[(opt >> 4) & 1], MODES[mode],
           mode == 0 ? 1 : 2, 1 + (opt >> 5), (opt & 32) ? "unlimited" : "1", (opt & 128) ? "true" : "false",
           mode == 0 && (opt & 16) ? "true" : "false", mode == 0 && (opt & 8) ? "true" : "false",
           mode == 1 || mode == 2 ? ((opt & 8) ? "true" : "false") : "false");
  struct cv__rc_contest *c = cv__rc_contest_new();
  if (!c) return 0;
  c->cfg.config_path = "/fuzz/f_config.json";
  c->cfg.dir = "/fuzz";
  c->cfg.stem = "f";
  struct cv_error err = {0};
  cv_status st = cv__rc_config_parse(c, cfg, strlen(cfg), &err);
  if (st == CV_OK) {
    c->cfg.sources[0].data = data + 1;
    c->cfg.sources[0].data_len = size - 1;
    st = cv__rc_read_ballots(c, NULL, NULL, &err);
  }
  if (st == CV_OK) {
    c->excluded = cv__arena_calloc(&c->arena, c->cfg.n_cands, sizeof *c->excluded);
    if (c->excluded) {
      for (size_t i = 0; i < c->cfg.n_cands; i++) c->excluded[i] = c->cfg.cands[i].excluded;
      c->n_winners = c->cfg.n_winners;
      st = cv__rc_count(c, &err);
      if (st == CV_OK && c->n_winners == 1) {
        bool o = false;
        const struct cv__rc_tally *t1 = &c->tallies[0];
        struct cv__dec total = cv__dec_add(cv__rc_active_sum(t1), cv__rc_inactive_sum(t1), &o);
        for (uint32_t r = 1; r <= c->round; r++) {
          const struct cv__rc_tally *t = &c->tallies[r - 1];
          struct cv__dec sum = cv__dec_int(0);
          for (size_t i = 0; i < c->cfg.n_cands; i++)
            if (t->present[i]) sum = cv__dec_add(sum, t->cand[i], &o);
          if (cv__dec_cmp(sum, t->status[CV__RC_ACTIVE]) != 0) abort();
          if (cv__dec_cmp(cv__dec_add(cv__rc_active_sum(t), cv__rc_inactive_sum(t), &o), total) != 0) abort();
        }
        if (o) abort();
      }
    }
  }
  if (st != CV_OK && err.message[0] == '\0') abort();
  cv__rc_contest_free(c);
  return 0;
}
