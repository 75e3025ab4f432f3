#include "util/pipe.h"

#include <pthread.h>
#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

struct cv__pipe {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t changed;
  struct cv__pipe_batch *slots[CV__PIPE_DEPTH];
  unsigned head, count;   /* filled batches waiting for the consumer */
  struct cv__pipe_batch *filling, *spare[CV__PIPE_DEPTH + 2];
  unsigned n_spare;
  struct cv__pipe_batch *consuming;
  bool produced_all, stop;
  cv_status status;
  struct cv_error err;
  cv__pipe_producer produce;
  void *ud;
};

static struct cv__pipe_batch *take_empty(struct cv__pipe *p) {
  /* Called with the lock held. */
  if (p->n_spare) return p->spare[--p->n_spare];
  struct cv__pipe_batch *b = cv__calloc(1, sizeof *b);
  return b;
}

static void give_back(struct cv__pipe *p, struct cv__pipe_batch *b) {
  b->len = 0;
  b->n = 0;
  p->spare[p->n_spare++] = b;
}

/* Hands the batch being filled to the consumer, waiting for room. */
static cv_status push(struct cv__pipe *p) {
  pthread_mutex_lock(&p->mu);
  while (p->count == CV__PIPE_DEPTH && !p->stop) pthread_cond_wait(&p->changed, &p->mu);
  if (p->stop) {
    pthread_mutex_unlock(&p->mu);
    return CV_EINTERNAL;
  }
  p->slots[(p->head + p->count) % CV__PIPE_DEPTH] = p->filling;
  p->count++;
  p->filling = take_empty(p);
  pthread_cond_broadcast(&p->changed);
  pthread_mutex_unlock(&p->mu);
  return p->filling ? CV_OK : CV_ENOMEM;
}

cv_status cv__pipe_put(struct cv__pipe *p, const char *bytes, size_t len, uint32_t line,
                       const uint8_t *expect) {
  struct cv__pipe_batch *b = p->filling;
  if (b->n == CV__PIPE_BATCH_EVENTS || (b->n > 0 && b->len + len > CV__PIPE_BATCH_BYTES)) {
    cv_status s = push(p);
    if (s != CV_OK) return s;
    b = p->filling;
  }
  if (b->len + len > b->cap) {
    size_t ncap = b->cap ? b->cap : CV__PIPE_BATCH_BYTES;
    while (ncap < b->len + len) ncap *= 2;
    char *nb = cv__realloc(b->bytes, ncap);
    if (!nb) return CV_ENOMEM;
    b->bytes = nb;
    b->cap = ncap;
  }
  memcpy(b->bytes + b->len, bytes, len);
  b->off[b->n] = b->len;
  b->line[b->n] = line;
  cv__sha256(bytes, len, b->hash[b->n]);
  if (expect && memcmp(expect, b->hash[b->n], CV__SHA256_LEN) != 0) return CV_ESTORE;
  b->len += len;
  b->n++;
  b->off[b->n] = b->len;
  return CV_OK;
}

static void *run(void *arg) {
  struct cv__pipe *p = arg;
  cv_status s = p->produce(p, p->ud, &p->err);
  if (s == CV_OK && p->filling && p->filling->n > 0) s = push(p);
  pthread_mutex_lock(&p->mu);
  if (s != CV_OK && p->status == CV_OK && !(s == CV_EINTERNAL && p->stop)) {
    p->status = s;
    if (p->err.code == CV_OK) cv__failf(&p->err, s, "reading the journal failed (%s)", cv_status_name(s));
  }
  p->produced_all = true;
  pthread_cond_broadcast(&p->changed);
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

cv_status cv__pipe_start(struct cv__pipe **out, cv__pipe_producer produce, void *ud,
                         struct cv_error *err) {
  struct cv__pipe *p = cv__calloc(1, sizeof *p);
  if (!p) return cv__failf(err, CV_ENOMEM, "out of memory");
  p->produce = produce;
  p->ud = ud;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->changed, NULL);
  p->filling = take_empty(p);
  if (!p->filling || pthread_create(&p->thread, NULL, run, p) != 0) {
    cv__free(p->filling);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->changed);
    cv__free(p);
    return cv__failf(err, CV_ENOMEM, "cannot start the reading thread");
  }
  *out = p;
  return CV_OK;
}

const struct cv__pipe_batch *cv__pipe_next(struct cv__pipe *p) {
  pthread_mutex_lock(&p->mu);
  if (p->consuming) {
    give_back(p, p->consuming);
    p->consuming = NULL;
  }
  while (p->count == 0 && !p->produced_all) pthread_cond_wait(&p->changed, &p->mu);
  struct cv__pipe_batch *b = NULL;
  if (p->count > 0) {
    b = p->slots[p->head];
    p->head = (p->head + 1) % CV__PIPE_DEPTH;
    p->count--;
    p->consuming = b;
    pthread_cond_broadcast(&p->changed);
  }
  pthread_mutex_unlock(&p->mu);
  return b;
}

static void free_batch(struct cv__pipe_batch *b) {
  if (!b) return;
  cv__free(b->bytes);
  cv__free(b);
}

cv_status cv__pipe_finish(struct cv__pipe *p, struct cv_error *err) {
  pthread_mutex_lock(&p->mu);
  p->stop = true;
  pthread_cond_broadcast(&p->changed);
  pthread_mutex_unlock(&p->mu);
  pthread_join(p->thread, NULL);
  cv_status s = p->status;
  if (s != CV_OK && err && err->code == CV_OK) *err = p->err;
  for (unsigned i = 0; i < p->count; i++) free_batch(p->slots[(p->head + i) % CV__PIPE_DEPTH]);
  for (unsigned i = 0; i < p->n_spare; i++) free_batch(p->spare[i]);
  free_batch(p->filling);
  free_batch(p->consuming);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->changed);
  cv__free(p);
  return s;
}
