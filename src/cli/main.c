/* canvass: the command-line tool. Each subcommand lives in cmd_<verb>.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
  const char *name;
  int (*fn)(int, char **);
  const char *summary;
} COMMANDS[] = {
    {"init", cmd_init, "create an election store from a definition"},
    {"import", cmd_import, "import a ballot manifest, tally sheets or ballot accounting"},
    {"enter", cmd_enter, "record one tally sheet (flags, a file, or prompts)"},
    {"accounting", cmd_accounting, "record a polling place's ballot accounting"},
    {"status", cmd_status, "progress, disputes, errors, warnings, reconciliation"},
    {"resolve", cmd_resolve, "settle a dispute by coordinator decision"},
    {"ack", cmd_ack, "acknowledge a warning with a reason"},
    {"results", cmd_results, "totals, per polling place and batch, and winners"},
    {"lot", cmd_lot, "draw lots for a tie from a public seed"},
    {"certify", cmd_certify, "certify contests"},
    {"export", cmd_export, "write the public record"},
    {"verify", cmd_verify, "re-check a public record from its journal"},
    {"sample", cmd_sample, "draw a random sample from a public seed (audit samplers)"},
    {"tabulate", cmd_tabulate, "count ranked ballots from RCTab or BLT files (no store)"},
    {"demo", cmd_demo, "run an example county's count end to end"},
};

static void usage(FILE *f) {
  fprintf(f,
          "usage: canvass <command> [options]\n\n"
          "canvass organises a count of hand-counted paper ballots: it records every\n"
          "tally sheet, refuses to let a disagreement pass silently, adds up, and\n"
          "publishes a record anyone can re-check.\n\ncommands:\n");
  for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
    fprintf(f, "  %-11s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
  fprintf(f,
          "\nCommands that work on an election find its store with --store FILE, else\n"
          "$CANVASS_STORE, else the only *.canvass file in the current folder.\n"
          "Each event records who acted: $CANVASS_ACTOR, else $USER.\n"
          "canvass <command> --help describes a command; man canvass, docs/cli.md.\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 64;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    usage(stdout);
    return 0;
  }
  if (strcmp(cmd, "--version") == 0) {
    printf("canvass %s\n", cv_version());
    return 0;
  }
  for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
    if (strcmp(COMMANDS[i].name, cmd) == 0) return COMMANDS[i].fn(argc - 1, argv + 1);
  fprintf(stderr, "canvass: unknown command \"%s\"\n\n", cmd);
  usage(stderr);
  return 64;
}
