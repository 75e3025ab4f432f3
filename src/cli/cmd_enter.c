#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char HELP[] =
    "usage: canvass enter [--store S] --batch B --team T --member NAME... \n"
    "                     [--kind count|rekey] [--rekey-of SHEET] [--reference REF]\n"
    "                     --contest C --ballots N --blank N --invalid N\n"
    "                     --vote CHOICE=N... --undervotes N --overvotes N\n"
    "                     [--contest C2 ...]\n"
    "       canvass enter ... --contest RANKED --ballot RANKING...\n"
    "       canvass enter --file SHEET.json|SHEETS.csv\n"
    "       canvass enter --prompt\n\n"
    "Records one tally sheet exactly as written on paper. Every field must be\n"
    "given: a missing field is an error, never a zero. --kind rekey (with\n"
    "--rekey-of) marks a second keying of an existing paper sheet, which must\n"
    "match it. Without flags on a terminal (or with --prompt) canvass asks for\n"
    "each field in the order of the paper sheet. Prints the sheet number and\n"
    "the batch's agreement status.\n\n"
    "A ranked contest (irv, stv, condorcet) is keyed ballot by ballot, in the\n"
    "order of the paper stack: one --ballot per ballot, its ranks best first,\n"
    "such as ann>bob>cy; ann>>cy leaves rank 2 empty; ann=bob marks both at\n"
    "one rank; an empty value is a ballot with nothing marked. Each team keys\n"
    "the whole batch; keyings agree when every ballot reads the same.\n";

/* Asks for each missing field in paper order; the batch answered goes to
 * batch (for the status line printed after recording). */
static int prompt(cv_sheet_draft *d, char *batch, size_t batch_len) {
  const char *field, *label;
  char line[1100];
  struct cv_error err = {0};
  while (cv_sheet_draft_next(d, &field, &label)) {
    fprintf(stderr, "%s: ", label);
    fflush(stderr);
    if (!fgets(line, sizeof line, stdin)) {
      fprintf(stderr, "\ncanvass: input ended before the sheet was complete; nothing recorded\n");
      return 65;
    }
    /* A line that did not fit is refused whole, never split into the next answer. */
    if (!strchr(line, '\n') && !feof(stdin)) {
      fprintf(stderr, "  %s: the answer is longer than %zu bytes; nothing recorded\n", field,
              sizeof line - 2);
      return 65;
    }
    line[strcspn(line, "\r\n")] = '\0';
    if (strcmp(field, "batch") == 0) snprintf(batch, batch_len, "%s", line);
    memset(&err, 0, sizeof err);
    if (cv_sheet_draft_set(d, field, line, &err) != CV_OK) {
      char msg[800];
      fprintf(stderr, "  %s\n", cv_error_format(&err, msg, sizeof msg));
      return cv_status_exit_code(err.code);
    }
  }
  return 0;
}

int cmd_enter(int argc, char **argv) {
  const char *store = NULL, *file = NULL;
  bool force_prompt = false;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return fputs(HELP, stdout), 0;
    if (strcmp(argv[i], "--store") == 0 && i + 1 < argc) store = argv[++i];
    else if (strncmp(argv[i], "--store=", 8) == 0) store = argv[i] + 8;
    else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc) file = argv[++i];
    else if (strncmp(argv[i], "--file=", 7) == 0) file = argv[i] + 7;
    else if (strcmp(argv[i], "--prompt") == 0) force_prompt = true;
  }
  cv_election *e;
  int rc = cli_open(store, false, &e);
  if (rc) return rc;
  struct cv_error err = {0};
  if (file) {
    uint64_t n;
    if (cv_import_sheets(e, file, &n, &err) != CV_OK) rc = cli_fail(&err);
    else printf("recorded %llu sheet(s) from %s\n", (unsigned long long)n, file);
    cv_election_close(e);
    return rc;
  }
  cv_sheet_draft *d;
  if (cv_sheet_draft_new(e, &d, &err) != CV_OK) {
    cv_election_close(e);
    return cli_fail(&err);
  }
  /* Flags map one to one onto draft fields, in the order given. */
  static const struct { const char *flag, *field; } MAP[] = {
      {"--batch", "batch"},     {"--team", "team"},           {"--member", "member"},
      {"--members", "members"}, {"--kind", "kind"},           {"--rekey-of", "rekey_of"},
      {"--reference", "reference"}, {"--contest", "contest"}, {"--ballots", "ballots"},
      {"--blank", "blank"},     {"--invalid", "invalid"},     {"--undervotes", "undervotes"},
      {"--overvotes", "overvotes"}, {"--ballot", "ballot"}};
  int given = 0;
  for (int i = 1; i < argc && !rc; i++) {
    /* --flag VALUE or --flag=VALUE */
    char flag[64];
    const char *a = argv[i], *eq = strchr(a, '='), *value;
    snprintf(flag, sizeof flag, "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
    if (strcmp(flag, "--store") == 0 || strcmp(flag, "--file") == 0) {
      i += eq ? 0 : 1;
      continue;
    }
    if (strcmp(flag, "--prompt") == 0) continue;
    if (eq) {
      value = eq + 1;
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      rc = cli_usage("enter", "an option lacks its value");
      break;
    }
    const char *field = NULL;
    char choice[200];
    for (size_t k = 0; k < sizeof MAP / sizeof MAP[0]; k++)
      if (strcmp(MAP[k].flag, flag) == 0) field = MAP[k].field;
    if (!field && strcmp(flag, "--vote") == 0) {
      const char *sep = strchr(value, '=');
      if (!sep || (size_t)(sep - value) >= sizeof choice) {
        rc = cli_usage("enter", "--vote takes CHOICE=N");
        break;
      }
      snprintf(choice, sizeof choice, "%.*s", (int)(sep - value), value);
      field = choice;
      value = sep + 1;
    }
    if (!field) {
      fprintf(stderr, "canvass enter: unknown option %s (see --help)\n", flag);
      rc = 64;
      break;
    }
    given++;
    if (cv_sheet_draft_set(d, field, value, &err) != CV_OK) rc = cli_fail(&err);
  }
  char prompted_batch[1100] = "";
  if (!rc && (force_prompt || (given == 0 && isatty(0))))
    rc = prompt(d, prompted_batch, sizeof prompted_batch);
  uint64_t seq = 0;
  if (!rc && cv_sheet_draft_commit(d, &seq, &err) != CV_OK) rc = cli_fail(&err);
  if (!rc) {
    char head[80];
    cv_election_head(e, head, NULL);
    printf("recorded sheet %llu\n", (unsigned long long)seq);
    const char *batch = prompted_batch[0] ? prompted_batch : NULL;
    for (int i = 1; i + 1 < argc; i++)
      if (strcmp(argv[i], "--batch") == 0) batch = argv[i + 1];
    char *summary = NULL;
    if (batch && cv_batch_summary(e, batch, &summary, &err) == CV_OK) fputs(summary, stdout);
    cv_free(summary);
    printf("journal head: %s\n", head);
  }
  cv_sheet_draft_free(d);
  cv_election_close(e);
  return rc;
}
