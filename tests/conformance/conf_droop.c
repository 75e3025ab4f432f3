/* Conformance against droop's reference reports (testdata/droop/ref).
 *
 * Each reference X-RULE-TAG.txt (in ref/ or a subfolder) is droop's JSON
 * record of counting blt/<same subfolder>/X.blt under options.options. The
 * runner passes those options to `canvass tabulate --blt` (except the rule,
 * given as --rule, and the options droop read from the BLT file itself,
 * which canvass reads from the file too) and checks, in this order:
 *   1. the same candidates are elected in the same order (droop's "elect"
 *      actions, read as the candidates whose state became elected);
 *   2. the quota matches droop's (as displayed, e.g. "3.00000");
 *   3. every candidate's tally at the start of each of droop's rounds;
 *   4. every candidate's final tally matches droop's last action.
 * References of rules canvass does not count would be reported as skipped
 * (today canvass counts every rule droop's references use). */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conformance.h"
#include "election/election.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/json.h"

static const char *const SUPPORTED[] = {"scotland", "wigm", "wigm-prf",   "wigm-prf-batch",
                                        "mpls",     "meek", "warren",     "meek-prf",
                                        "qpq",      "cfer", "cfer-batch", NULL};

struct run {
  struct conf_suite suite;
  unsigned skipped;
  const char *testdata, *canvass, *out;
};

static bool supported(const char *rule) {
  for (size_t i = 0; SUPPORTED[i]; i++)
    if (!strcmp(rule, SUPPORTED[i])) return true;
  return false;
}

static const struct cv__jval *load(struct cv__arena *a, const char *path, char *why, size_t n) {
  char *text = NULL;
  size_t len = 0;
  struct cv_error err = {0};
  struct cv__jval *root = NULL;
  if (cv__read_file(path, (size_t)64 << 20, &text, &len, &err) != CV_OK ||
      cv__json_parse(a, text, len, CV__JSON_INPUT, NULL, path, &root, &err) != CV_OK) {
    snprintf(why, n, "%s", err.message);
    root = NULL;
  }
  cv__free(text);
  return root;
}

/* Runs canvass with argv; returns its exit status (or -1). */
static int run_canvass(char *const *argv) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    freopen("/dev/null", "w", stdout);
    execv(argv[0], argv);
    _exit(127);
  }
  int st;
  if (waitpid(pid, &st, 0) < 0) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *jstr(const struct cv__jval *v) {
  return v && v->kind == CV__J_STR ? v->u.str.s : NULL;
}

/* Names compare with runs of blanks as one and no blanks at the ends:
 * droop rebuilds quoted names from blank-separated tokens. */
static bool same_name(const char *a, const char *b) {
  while (*a == ' ') a++;
  while (*b == ' ') b++;
  while (*a && *b) {
    if (*a == ' ' && *b == ' ') {
      while (*a == ' ') a++;
      while (*b == ' ') b++;
      continue;
    }
    if (*a != *b) return false;
    a++, b++;
  }
  while (*a == ' ') a++;
  while (*b == ' ') b++;
  return !*a && !*b;
}

/* droop's winners in order: the candidates whose state turned to elected
 * (by candidate id when several in one action), dropping any whose election
 * is later undone (QPQ restarts). */
static size_t droop_elected(const struct cv__jval *ref, const char **names, size_t max) {
  const struct cv__jval *acts = cv__json_get(ref, "actions"), *cdict = cv__json_get(ref, "cdict");
  size_t n = 0;
  const struct cv__jval *prev = NULL;
  if (!acts || acts->kind != CV__J_ARR) return 0;
  for (size_t i = 0; i < acts->u.arr.n; i++) {
    const struct cv__jval *a = acts->u.arr.items[i], *cs = cv__json_get(a, "cstate");
    if (!cs || cs->kind != CV__J_OBJ) continue;
    for (size_t j = 0; j < cs->u.obj.n; j++) {
      const char *key = cs->u.obj.members[j].key;
      const char *now = jstr(cv__json_get(cs->u.obj.members[j].val, "state"));
      const char *before = prev ? jstr(cv__json_get(cv__json_get(prev, key), "state")) : NULL;
      bool was = before && !strcmp(before, "elected"), is = now && !strcmp(now, "elected");
      const char *name = jstr(cv__json_get(cv__json_get(cdict, key), "name"));
      if (is && !was && n < max) names[n++] = name;
      if (was && !is)
        for (size_t m = 0; m < n; m++)
          if (names[m] == name) {
            memmove(&names[m], &names[m + 1], (n - m - 1) * sizeof *names);
            n--;
            break;
          }
    }
    prev = cs;
  }
  return n;
}

static void check_case(struct run *r, const char *sub, const char *file) {
  char path[4096], why[600] = "";
  snprintf(path, sizeof path, "%s/droop/ref/%s%s%s", r->testdata, sub, *sub ? "/" : "", file);
  struct cv__arena a;
  cv__arena_init(&a, 0);
  char test[600];
  snprintf(test, sizeof test, "%s%s%s", sub, *sub ? "/" : "", file);
  const struct cv__jval *ref = load(&a, path, why, sizeof why);
  const struct cv__jval *opts = cv__json_get(cv__json_get(ref, "options"), "options");
  const struct cv__jval *fopts = cv__json_get(cv__json_get(ref, "options"), "file_options");
  const char *rule = jstr(cv__json_get(opts, "rule"));
  if (!ref || !rule) {
    conf_fail(&r->suite, test, "cannot read the reference: %s", why);
    goto out;
  }
  if (!supported(rule)) {
    r->skipped++;
    goto out;
  }
  /* The BLT: the file name up to "-RULE-". */
  char blt[4096] = "";
  for (const char *p = strstr(file, rule); p; p = strstr(p + 1, rule)) {
    size_t stem = (size_t)(p - file);
    if (stem == 0 || file[stem - 1] != '-' || p[strlen(rule)] != '-') continue;
    snprintf(blt, sizeof blt, "%s/droop/blt/%s%s%.*s.blt", r->testdata, sub, *sub ? "/" : "",
             (int)(stem - 1), file);
    if (access(blt, R_OK) == 0) break;
    blt[0] = '\0';
  }
  if (!blt[0]) {
    conf_fail(&r->suite, test, "no BLT file for this reference");
    goto out;
  }
  char outdir[4096];
  snprintf(outdir, sizeof outdir, "%s/%s%s%s", r->out, sub, *sub ? "-" : "", file);
  char optbuf[64][128];
  char *argv[160];
  size_t ac = 0, no = 0;
  argv[ac++] = (char *)r->canvass;
  argv[ac++] = (char *)"tabulate";
  argv[ac++] = (char *)"--blt";
  argv[ac++] = blt;
  argv[ac++] = (char *)"--rule";
  argv[ac++] = (char *)rule;
  for (size_t i = 0; opts && opts->kind == CV__J_OBJ && i < opts->u.obj.n && no < 64; i++) {
    const struct cv__jmember *m = &opts->u.obj.members[i];
    if (!strcmp(m->key, "rule") || cv__json_get(fopts, m->key)) continue;
    if (m->val->kind == CV__J_INT)
      snprintf(optbuf[no], sizeof optbuf[no], "%s=%lld", m->key, (long long)m->val->u.i);
    else if (m->val->kind == CV__J_BOOL)
      snprintf(optbuf[no], sizeof optbuf[no], "%s=%s", m->key, m->val->u.b ? "true" : "false");
    else
      snprintf(optbuf[no], sizeof optbuf[no], "%s=%s", m->key, jstr(m->val) ? jstr(m->val) : "");
    argv[ac++] = (char *)"--option";
    argv[ac++] = optbuf[no++];
  }
  argv[ac++] = (char *)"--output";
  argv[ac++] = outdir;
  argv[ac] = NULL;
  int st = run_canvass(argv);
  if (st != 0) {
    conf_fail(&r->suite, test, "canvass exited with status %d", st);
    goto out;
  }
  char rpath[4200];
  snprintf(rpath, sizeof rpath, "%s/report.json", outdir);
  const struct cv__jval *rep = load(&a, rpath, why, sizeof why);
  if (!rep) {
    conf_fail(&r->suite, test, "cannot read report.json: %s", why);
    goto out;
  }
  /* 1. winners in order */
  const char *want[256];
  size_t nw = droop_elected(ref, want, 256);
  const struct cv__jval *got = cv__json_get(rep, "elected");
  bool same = got && got->kind == CV__J_ARR && got->u.arr.n == nw;
  for (size_t i = 0; same && i < nw; i++)
    same = want[i] && jstr(got->u.arr.items[i]) && same_name(want[i], jstr(got->u.arr.items[i]));
  if (!same) {
    char w[1000] = "", g[1000] = "";
    for (size_t i = 0; i < nw; i++)
      snprintf(w + strlen(w), sizeof w - strlen(w), "%s%s", i ? ", " : "", want[i] ? want[i] : "?");
    for (size_t i = 0; got && got->kind == CV__J_ARR && i < got->u.arr.n; i++)
      snprintf(g + strlen(g), sizeof g - strlen(g), "%s%s", i ? ", " : "",
               jstr(got->u.arr.items[i]));
    conf_fail(&r->suite, test, "elected [%s], droop elected [%s]", g, w);
    goto out;
  }
  /* 2. quota */
  const char *rq = jstr(cv__json_get(ref, "quota")), *gq = jstr(cv__json_get(rep, "quota"));
  if (!rq || !gq || strcmp(rq, gq)) {
    conf_fail(&r->suite, test, "quota %s, droop %s", gq ? gq : "?", rq ? rq : "?");
    goto out;
  }
  /* 3. tallies at the start of each round: droop's "round" action r shows
   * the votes canvass reports at the end of its round r - 1. */
  const struct cv__jval *ra = cv__json_get(ref, "actions"), *rr = cv__json_get(rep, "rounds");
  for (size_t i = 0; ra && ra->kind == CV__J_ARR && rr && rr->kind == CV__J_ARR && i < ra->u.arr.n;
       i++) {
    const struct cv__jval *act = ra->u.arr.items[i];
    const char *tag = jstr(cv__json_get(act, "tag"));
    const struct cv__jval *rn = cv__json_get(act, "round"), *cs = cv__json_get(act, "cstate");
    if (!tag || strcmp(tag, "round") || !rn || rn->kind != CV__J_INT || !cs ||
        cs->kind != CV__J_OBJ)
      continue;
    const struct cv__jval *mine_round = NULL;
    for (size_t j = 0; j < rr->u.arr.n; j++) {
      const struct cv__jval *num = cv__json_get(rr->u.arr.items[j], "round");
      if (num && num->kind == CV__J_INT && num->u.i == rn->u.i - 1) mine_round = rr->u.arr.items[j];
    }
    const struct cv__jval *mt = cv__json_get(mine_round, "tallies");
    if (!mt || mt->kind != CV__J_ARR) {
      conf_fail(&r->suite, test, "no round %lld in report.json", (long long)rn->u.i - 1);
      goto out;
    }
    for (size_t j = 0; j < cs->u.obj.n; j++) {
      const char *v = jstr(cv__json_get(cs->u.obj.members[j].val, "vote"));
      long cid = strtol(cs->u.obj.members[j].key, NULL, 10);
      const char *mine =
          cid >= 1 && (size_t)cid <= mt->u.arr.n ? jstr(mt->u.arr.items[cid - 1]) : NULL;
      if (v && (!mine || strcmp(mine, v))) {
        conf_fail(&r->suite, test,
                  "candidate %ld has %s at the start of droop's round %lld, droop %s", cid,
                  mine ? mine : "?", (long long)rn->u.i, v);
        goto out;
      }
    }
  }
  /* 4. final tallies */
  const struct cv__jval *acts = cv__json_get(ref, "actions"), *last = NULL;
  for (size_t i = 0; acts && acts->kind == CV__J_ARR && i < acts->u.arr.n; i++)
    if (cv__json_get(acts->u.arr.items[i], "cstate"))
      last = cv__json_get(acts->u.arr.items[i], "cstate");
  const struct cv__jval *rounds = cv__json_get(rep, "rounds");
  const struct cv__jval *tallies =
      rounds && rounds->kind == CV__J_ARR && rounds->u.arr.n
          ? cv__json_get(rounds->u.arr.items[rounds->u.arr.n - 1], "tallies")
          : NULL;
  for (size_t j = 0; last && last->kind == CV__J_OBJ && j < last->u.obj.n; j++) {
    const char *v = jstr(cv__json_get(last->u.obj.members[j].val, "vote"));
    long cid = strtol(last->u.obj.members[j].key, NULL, 10);
    if (!v) continue;
    const char *mine =
        tallies && tallies->kind == CV__J_ARR && cid >= 1 && (size_t)cid <= tallies->u.arr.n
            ? jstr(tallies->u.arr.items[cid - 1])
            : NULL;
    if (!mine || strcmp(mine, v)) {
      conf_fail(&r->suite, test, "final tally of candidate %ld is %s, droop %s", cid,
                mine ? mine : "?", v);
      goto out;
    }
  }
  conf_pass(&r->suite);
out:
  cv__arena_fini(&a);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every reference in ref/sub (sorted, so the output is stable). */
static void run_folder(struct run *r, const char *sub) {
  char path[4096];
  snprintf(path, sizeof path, "%s/droop/ref%s%s", r->testdata, *sub ? "/" : "", sub);
  DIR *d = opendir(path);
  if (!d) return;
  char *names[1000];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 1000) {
    if (e->d_name[0] == '.') continue;
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    char full[4200];
    snprintf(full, sizeof full, "%s/%s", path, names[i]);
    struct stat sb;
    if (stat(full, &sb) == 0 && S_ISDIR(sb.st_mode)) {
      if (!*sub) run_folder(r, names[i]);
    } else if (strstr(names[i], ".txt")) {
      check_case(r, sub, names[i]);
    }
    free(names[i]);
  }
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: conf_droop TESTDATA CANVASS OUTDIR\n");
    return 64;
  }
  struct run r = {{"droop", 0, 0}, 0, NULL, argv[2], argv[3]};
  const char *td = conf_testdata(argv[1], "droop", "droop");
  if (!td) return 0;
  static char root[4096];
  snprintf(root, sizeof root, "%.*s", (int)(strlen(td) - strlen("/droop")), td);
  r.testdata = root;
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", r.out);
  if (system(cmd) != 0) return fprintf(stderr, "conf_droop: cannot create %s\n", r.out), 1;
  run_folder(&r, "");
  printf("droop: %u skipped (references of rules canvass does not count)\n", r.skipped);
  return conf_report(&r.suite);
}
