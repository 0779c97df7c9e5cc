#include "world.h"

#include <string.h>

#include "harness.h"

void world_open(world *w) {
  memset(w, 0, sizeof *w);
  test_begin("world: setup");
  OK(till_root_key_generate(&w->root));
  const till_root_key *keys[] = {w->root};
  OK(till_keyring_new(keys, 1, &w->keyring));
  OK(till_issuer_new(w->keyring, &w->issuer));
  const till_str scopes[] = {TILL_STR("repo/acme/*:read"), TILL_STR("billing:read")};
  OK(till_claims_new(scopes, 2, TILL_EXPIRY_AFTER, 3600, &w->claims));
  OK(till_claims_set_subject(w->claims, "triage-bot", 10));
  till_verifier_builder *b = NULL;
  OK(till_verifier_builder_new(w->keyring, &b));
  OK(till_verifier_builder_build(b, &w->verifier));
  till_verifier_builder_free(b);
  test_end();
}

void world_close(world *w) {
  till_api_key_free(w->key);
  till_verifier_free(w->verifier);
  till_claims_free(w->claims);
  till_issuer_free(w->issuer);
  till_keyring_free(w->keyring);
  till_root_key_free(w->root);
  memset(w, 0, sizeof *w);
}

size_t world_mint(world *w, char *out, size_t cap) {
  size_t len = 0;
  test_begin("world: mint");
  till_api_key_free(w->key);
  w->key = NULL;
  OK(till_issuer_mint_at(w->issuer, w->claims, NOW, &w->key, NULL));
  OK(till_api_key_text(w->key, out, cap, &len));
  test_end();
  return len;
}

till_request *world_request(const char *scope) {
  till_request *r = NULL;
  test_begin("world: request");
  OK(till_request_scope(scope, strlen(scope), &r));
  test_end();
  return r;
}
