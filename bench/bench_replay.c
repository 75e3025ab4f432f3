/* bench_replay: opens an election store (replaying its whole journal, with
 * every hash checked) and prints the number of events. Timed by bench/run.sh. */
#include <stdio.h>

#include "canvass/election.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: bench_replay STORE\n");
    return 64;
  }
  struct cv_error err = {0};
  cv_election *e;
  if (cv_election_open(argv[1], true, NULL, NULL, &e, &err) != CV_OK) {
    char msg[1200];
    fprintf(stderr, "bench_replay: %s\n", cv_error_format(&err, msg, sizeof msg));
    return cv_status_exit_code(err.code);
  }
  char head[80];
  uint64_t events;
  cv_election_head(e, head, &events);
  printf("%llu\n", (unsigned long long)events);
  cv_election_close(e);
  return 0;
}
