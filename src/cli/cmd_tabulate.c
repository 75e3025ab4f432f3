#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "canvass/tabulate.h"
#include "cli.h"

static const char HELP[] =
    "usage: canvass tabulate --rctab-config DIR/STEM_config.json --output OUT [--tiebreak NAMES]\n"
    "       canvass tabulate --rctab-config DIR/STEM_config.json --convert-to-cdf --output OUT\n"
    "       canvass tabulate --blt FILE --rule RULE [--option KEY=VALUE ...] --output OUT\n\n"
    "Counts a ranked contest from files, without an election store.\n\n"
    "With --rctab-config, reads an RCTab contest configuration and the cast vote\n"
    "record files it names (cdf, dominion, ess, hart, clearBallot, genericCsv),\n"
    "applies its rules, and writes RCTab's reports into OUT:\n"
    "STEM_detailed_report.json and .csv, per-precinct and per-batch reports and\n"
    "the CDF CVR export when the configuration asks for them. Under the\n"
    "interactive tiebreak modes a tie stops the count with exit status 3 and the\n"
    "tied candidates' names; --tiebreak \"NAME|NAME...\" gives the decisions, one\n"
    "per tie, in order. --convert-to-cdf does RCTab's conversion instead: it\n"
    "writes the cast vote records as a NIST SP 1500-103 report\n"
    "(STEM_cdf_cvr.json) without counting them.\n\n"
    "With --blt, reads a BLT ballot file and counts it by single transferable\n"
    "vote under RULE (scotland, wigm, wigm-prf, wigm-prf-batch, meek, meek-prf,\n"
    "warren, mpls, qpq, cfer, cfer-batch, irish; see docs/stv.md). --option\n"
    "passes one of droop's option keys\n"
    "(arithmetic=fixed|guarded|rational, precision=N, guard=N, display=N,\n"
    "omega=N, ...) and may be repeated. Writes OUT/report.json: the candidates\n"
    "elected in order and each round's tallies as exact decimal strings.\n"
    "When --blt names a folder, every *.blt file below it is counted, in name\n"
    "order, each into OUT/PATH/report.json (PATH: the file's path in the folder\n"
    "without .blt); files that fail are listed and the exit status is that of\n"
    "the first failure.\n";

#define MAX_OPTIONS 64
#define MAX_BLT_FILES 100000

struct blt_list {
  char **paths;
  size_t n, cap;
  bool overflow;
};

static int path_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the *.blt files below dir (depth-first; sorted afterwards). */
static void find_blt(const char *dir, struct blt_list *l, int depth) {
  DIR *d = depth < 32 ? opendir(dir) : NULL;
  if (!d) return;
  struct dirent *de;
  while ((de = readdir(d)) != NULL && !l->overflow) {
    if (de->d_name[0] == '.') continue;
    size_t n = strlen(dir) + strlen(de->d_name) + 2;
    char *p = malloc(n);
    if (!p) {
      l->overflow = true;
      break;
    }
    snprintf(p, n, "%s/%s", dir, de->d_name);
    struct stat sb;
    size_t len = strlen(de->d_name);
    if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
      find_blt(p, l, depth + 1);
      free(p);
    } else if (len > 4 && strcmp(de->d_name + len - 4, ".blt") == 0 && l->n < MAX_BLT_FILES) {
      if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 256;
        char **np = realloc(l->paths, ncap * sizeof *np);
        if (!np) {
          free(p);
          l->overflow = true;
          break;
        }
        l->paths = np;
        l->cap = ncap;
      }
      l->paths[l->n++] = p;
    } else {
      if (l->n >= MAX_BLT_FILES) l->overflow = true;
      free(p);
    }
  }
  closedir(d);
}

/* Creates every missing folder above path (its last part is left alone). */
static void make_parents(char *path) {
  for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
    *p = '\0';
    (void)mkdir(path, 0777); /* an existing folder is fine; real failures show when writing */
    *p = '/';
  }
}

/* Counts every BLT file below dir into out/<path without .blt>. */
static int tabulate_folder(const char *dir, const char *rule, const char *const *options,
                           size_t n_options, const char *out) {
  struct blt_list l = {0};
  find_blt(dir, &l, 0);
  if (l.overflow) {
    fprintf(stderr, "canvass tabulate: %s: more than %d BLT files, or out of memory\n", dir, MAX_BLT_FILES);
    for (size_t i = 0; i < l.n; i++) free(l.paths[i]);
    free(l.paths);
    return 71;
  }
  if (l.n == 0) {
    fprintf(stderr, "canvass tabulate: no .blt file in %s\n", dir);
    free(l.paths);
    return 66;
  }
  qsort(l.paths, l.n, sizeof *l.paths, path_cmp);
  size_t failed = 0, base = strlen(dir);
  int rc = 0;
  for (size_t i = 0; i < l.n; i++) {
    const char *rel = l.paths[i] + base + 1;
    size_t n = strlen(out) + strlen(rel) + 2;
    char *o = malloc(n);
    if (!o) {
      rc = rc ? rc : 71;
      break;
    }
    snprintf(o, n, "%s/%s", out, rel);
    o[strlen(o) - 4] = '\0'; /* drop ".blt" */
    make_parents(o);
    struct cv_error err = {0};
    if (cv_tabulate_blt(l.paths[i], rule, options, n_options, o, NULL, NULL, &err) != CV_OK) {
      cli_progress_done();
      int code = cli_fail(&err);
      if (!rc) rc = code;
      failed++;
    }
    free(o);
    cli_progress(NULL, "counting", i + 1, l.n);
  }
  cli_progress_done();
  printf("counted %zu of %zu BLT files into %s", l.n - failed, l.n, out);
  if (failed) printf(" (%zu failed, listed above)", failed);
  printf("\n");
  for (size_t i = 0; i < l.n; i++) free(l.paths[i]);
  free(l.paths);
  return rc;
}

int cmd_tabulate(int argc, char **argv) {
  const char *rctab = NULL, *blt = NULL, *rule = NULL, *output = NULL, *tiebreak = NULL;
  const char *options[MAX_OPTIONS];
  size_t n_options = 0;
  /* --option may repeat: collect its values, pass the rest to cli_parse. */
  char **rest = calloc((size_t)argc + 1, sizeof *rest);
  if (!rest) return fputs("canvass: out of memory\n", stderr), 71;
  int n_rest = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (i > 0 && strcmp(a, "--option") == 0) {
      if (i + 1 >= argc) {
        free(rest);
        return cli_usage("tabulate", "--option needs KEY=VALUE");
      }
      if (n_options == MAX_OPTIONS) {
        free(rest);
        return cli_usage("tabulate", "too many --option values");
      }
      options[n_options++] = argv[++i];
    } else if (i > 0 && strncmp(a, "--option=", 9) == 0) {
      if (n_options == MAX_OPTIONS) {
        free(rest);
        return cli_usage("tabulate", "too many --option values");
      }
      options[n_options++] = a + 9;
    } else {
      rest[n_rest++] = argv[i];
    }
  }
  const char *pos[1];
  size_t n;
  bool help, convert = false;
  struct cli_opt opts[] = {{"--rctab-config", true, &rctab, NULL},
                           {"--convert-to-cdf", false, NULL, &convert},
                           {"--blt", true, &blt, NULL},
                           {"--rule", true, &rule, NULL},
                           {"--output", true, &output, NULL},
                           {"--tiebreak", true, &tiebreak, NULL},
                           {NULL, false, NULL, NULL}};
  bool parsed = cli_parse(n_rest, rest, opts, pos, 0, &n, &help);
  free(rest);
  if (!parsed) return 64;
  if (help) return fputs(HELP, stdout), 0;
  if (!output) return cli_usage("tabulate", "give --output OUT");
  if ((rctab != NULL) == (blt != NULL)) return cli_usage("tabulate", "give either --rctab-config or --blt");
  struct cv_error err = {0};
  cv_status s;
  if (rctab) {
    if (rule || n_options) return cli_usage("tabulate", "--rule and --option go with --blt");
    if (convert && tiebreak) return cli_usage("tabulate", "--tiebreak does not go with --convert-to-cdf");
    s = convert ? cv_convert_rctab_cdf(rctab, output, &err)
                : cv_tabulate_rctab(rctab, output, tiebreak, cli_progress, NULL, &err);
  } else {
    if (!rule) return cli_usage("tabulate", "give --rule with --blt");
    if (convert) return cli_usage("tabulate", "--convert-to-cdf goes with --rctab-config");
    if (tiebreak) return cli_usage("tabulate", "--tiebreak goes with --rctab-config");
    struct stat sb;
    if (stat(blt, &sb) == 0 && S_ISDIR(sb.st_mode))
      return tabulate_folder(blt, rule, options, n_options, output);
    s = cv_tabulate_blt(blt, rule, options, n_options, output, cli_progress, NULL, &err);
  }
  cli_progress_done();
  if (s != CV_OK) return cli_fail(&err);
  printf("wrote the reports into %s\n", output);
  return 0;
}
