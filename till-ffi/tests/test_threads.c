/*
 * Many threads sharing one verifier, one request, a revocation callback and a revocation
 * list that another thread keeps changing.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "harness.h"
#include "tests.h"
#include "world.h"

#define THREADS 8
#define ROUNDS 150

typedef struct {
  const till_verifier *with_callback;
  const till_verifier *with_list;
  const till_request *request;
  const char *good;
  size_t good_len;
  const char *toggled;
  size_t toggled_len;
  const char *good_id;
  atomic_int wrong;
  atomic_int toggled_revoked;
  atomic_bool stop;
} shared;

static atomic_long callback_calls;

static bool count_calls(void *user_data, const char *id, size_t id_len) {
  (void)user_data;
  (void)id;
  (void)id_len;
  atomic_fetch_add(&callback_calls, 1);
  return false;
}

static void *reader(void *arg) {
  shared *s = arg;
  char id[32];
  for (int i = 0; i < ROUNDS; i++) {
    till_grant *g = NULL;
    till_error *e = NULL;
    size_t len = 0;
    if (till_verifier_verify_at(s->with_callback, s->good, s->good_len, s->request, NOW, &g,
                                NULL) != TILL_OK ||
        till_grant_key_id(g, id, sizeof id, &len) != TILL_OK || strcmp(id, s->good_id) != 0) {
      atomic_fetch_add(&s->wrong, 1);
    }
    till_grant_free(g);

    /* A refusal on the same verifier, with its details. */
    till_status st = till_verifier_verify_at(s->with_callback, s->good, s->good_len - 2,
                                             s->request, NOW, NULL, &e);
    if (st == TILL_OK || e == NULL) atomic_fetch_add(&s->wrong, 1);
    till_error_free(e);

    /* The key nobody revokes is always accepted while the list changes. */
    if (till_verifier_verify_at(s->with_list, s->good, s->good_len, s->request, NOW, NULL,
                                NULL) != TILL_OK) {
      atomic_fetch_add(&s->wrong, 1);
    }
    st = till_verifier_verify_at(s->with_list, s->toggled, s->toggled_len, s->request, NOW, NULL,
                                 NULL);
    if (st == TILL_REVOKED) {
      atomic_fetch_add(&s->toggled_revoked, 1);
    } else if (st != TILL_OK) {
      atomic_fetch_add(&s->wrong, 1);
    }
  }
  return NULL;
}

typedef struct {
  shared *s;
  till_revocation_list *list;
  const char *id;
} writer_args;

static void *writer(void *arg) {
  writer_args *w = arg;
  bool changed = false;
  while (!atomic_load(&w->s->stop)) {
    if (till_revocation_list_revoke(w->list, w->id, 16, &changed) != TILL_OK ||
        till_revocation_list_restore(w->list, w->id, 16, &changed) != TILL_OK) {
      atomic_fetch_add(&w->s->wrong, 1);
    }
  }
  return NULL;
}

void test_threads(void) {
  world w;
  world_open(&w);
  char good[1024], toggled[1024], good_id[32], toggled_id[32];
  size_t len = 0;
  size_t good_len = world_mint(&w, good, sizeof good);
  OK(till_api_key_id(w.key, good_id, sizeof good_id, &len));
  size_t toggled_len = world_mint(&w, toggled, sizeof toggled);
  OK(till_api_key_id(w.key, toggled_id, sizeof toggled_id, &len));

  test_begin("threads: one verifier, one request, a callback and a changing list");
  till_verifier_builder *b = NULL;
  till_verifier *with_callback = NULL, *with_list = NULL;
  till_revocation_list *list = NULL;
  OK(till_verifier_builder_new(w.keyring, &b));
  OK(till_verifier_builder_set_revocation_callback(b, count_calls, NULL));
  OK(till_verifier_builder_build(b, &with_callback));
  OK(till_revocation_list_new(&list));
  OK(till_verifier_builder_set_revocation_list(b, list));
  OK(till_verifier_builder_build(b, &with_list));
  till_verifier_builder_free(b);
  till_request *request = world_request("repo/acme/api:read");

  shared s = {with_callback, with_list, request, good, good_len, toggled, toggled_len, good_id,
              0, 0, false};
  writer_args wa = {&s, list, toggled_id};
  pthread_t readers[THREADS], writer_thread;
  atomic_store(&callback_calls, 0);
  bool writer_started = pthread_create(&writer_thread, NULL, writer, &wa) == 0;
  CHECK(writer_started);
  int started = 0;
  for (int i = 0; i < THREADS; i++) {
    if (pthread_create(&readers[i], NULL, reader, &s) == 0) started++;
  }
  CHECK(started == THREADS);
  for (int i = 0; i < started; i++) pthread_join(readers[i], NULL);
  atomic_store(&s.stop, true);
  if (writer_started) pthread_join(writer_thread, NULL);

  CHECK(atomic_load(&s.wrong) == 0);
  /* One accepted key per round and thread reached the callback; the truncated key never. */
  CHECK(atomic_load(&callback_calls) == (long)started * ROUNDS);
  /* The list ends empty: the toggled key is accepted again. */
  OK(till_revocation_list_len(list, &len));
  CHECK(len == 0);
  OK(till_verifier_verify_at(with_list, toggled, toggled_len, request, NOW, NULL, NULL));
  printf("threads: the toggled key was refused %d times of %d\n",
         atomic_load(&s.toggled_revoked), started * ROUNDS);
  test_end();

  till_request_free(request);
  till_revocation_list_free(list);
  till_verifier_free(with_list);
  till_verifier_free(with_callback);
  world_close(&w);
}
