/* Runs a fuzz target over files when libFuzzer is not linked in: each
 * argument is a file, or a directory whose regular files are all run. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads path fully and runs it; returns 1 when run, 0 when unreadable. */
static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return 0;
  }
  size_t cap = 4096, len = 0;
  uint8_t *data = malloc(cap);
  while (data) {
    if (len == cap) {
      uint8_t *g = realloc(data, cap * 2);
      if (!g) {
        free(data);
        data = NULL;
        break;
      }
      data = g;
      cap *= 2;
    }
    size_t got = fread(data + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
  }
  int bad = !data || ferror(f);
  fclose(f);
  if (bad) {
    fprintf(stderr, "replay: cannot read %s\n", path);
    free(data);
    return 0;
  }
  LLVMFuzzerTestOneInput(data, len);
  free(data);
  return 1;
}

int main(int argc, char **argv) {
  unsigned long n = 0;
  int status = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: cannot stat %s\n", argv[i]);
      status = 1;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      if (run_file(argv[i])) n++;
      else status = 1;
      continue;
    }
    DIR *d = opendir(argv[i]);
    if (!d) {
      fprintf(stderr, "replay: cannot open directory %s\n", argv[i]);
      status = 1;
      continue;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
      char *path = malloc(len);
      if (!path) break;
      snprintf(path, len, "%s/%s", argv[i], e->d_name);
      if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        if (run_file(path)) n++;
        else status = 1;
      }
      free(path);
    }
    closedir(d);
  }
  fprintf(stderr, "replayed %lu inputs\n", n);
  return status;
}
