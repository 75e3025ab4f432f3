#include <stdio.h>

#include "cli.h"

/* Placeholder until the samplers land. */
int cmd_sample(int argc, char **argv) {
  (void)argc, (void)argv;
  fputs("canvass sample: not available in this build yet\n", stderr);
  return 64;
}
