/*
 * Keys from minting to verification, attenuation, inspection and redaction, and the two
 * ways of revoking them.
 */
#include <stdlib.h>

#include "harness.h"
#include "tests.h"
#include "world.h"

static char buf[8192];

/* A grant pointer no call may write: out-parameters start with it and must keep it. */
#define UNTOUCHED_GRANT ((till_grant *)(uintptr_t)0x5a5a5a5a)
#define UNTOUCHED_POLICY ((till_policy *)(uintptr_t)0x5a5a5a5a)

/* Verifies `key` for `scope` at `now`; returns the status. */
static till_status check(const till_verifier *v, const char *key, size_t len, const char *scope,
                         int64_t now, till_grant **grant) {
  till_request *r = NULL;
  till_status status = test_seen(till_request_scope(scope, strlen(scope), &r));
  if (status == TILL_OK) {
    status = test_seen(till_verifier_verify_at(v, key, len, r, now, grant, NULL));
  }
  till_request_free(r);
  return status;
}

/* The tampered twin of an accepted key: one character changed, and the key is refused. */
static void refuse_twin(const till_verifier *v, const char *key, size_t len, const char *scope) {
  char twin[4096];
  if (len > sizeof twin) return;
  memcpy(twin, key, len);
  twin[len / 2] = twin[len / 2] == 'A' ? 'B' : 'A';
  till_grant *g = NULL;
  CHECK(check(v, twin, len, scope, NOW, &g) != TILL_OK && g == NULL);
}

static till_verifier *verifier(const till_keyring *keyring, const char *prefix, const char *env,
                               const char *audience, uint32_t leeway) {
  till_verifier_builder *b = NULL;
  till_verifier *v = NULL;
  OK(till_verifier_builder_new(keyring, &b));
  if (prefix) OK(till_verifier_builder_set_prefix(b, prefix, strlen(prefix)));
  if (env) OK(till_verifier_builder_set_env(b, env, strlen(env)));
  if (audience) OK(till_verifier_builder_set_audience(b, audience, strlen(audience)));
  OK(till_verifier_builder_set_leeway(b, leeway));
  OK(till_verifier_builder_build(b, &v));
  till_verifier_builder_free(b);
  return v;
}

static size_t text_of(const till_api_key *key, char *out, size_t cap) {
  size_t len = 0;
  OK(till_api_key_text(key, out, cap, &len));
  return len;
}

static void test_mint_and_verify(world *w) {
  test_begin("flow: mint with every claim, verify, read the grant");
  const till_str scopes[] = {TILL_STR("repo/acme/*:read"), TILL_STR("billing:read")};
  const till_str roles[] = {TILL_STR("auditor")};
  till_claims *c = NULL;
  OK(till_claims_new(scopes, 2, TILL_EXPIRY_AFTER, 3600, &c));
  OK(till_claims_set_subject(c, "triage-bot", 10));
  OK(till_claims_set_audience(c, "api.example", 11));
  OK(till_claims_set_env(c, "test", 4));
  OK(till_claims_set_not_before(c, NOW - 10));
  OK(till_claims_set_max_delegation(c, 2));
  OK(till_claims_add_roles(c, roles, 1));
  till_api_key *minted = NULL;
  OK(till_issuer_mint_at(w->issuer, c, NOW, &minted, NULL));
  char key[1024], id[32], redacted[128];
  size_t key_len = text_of(minted, key, sizeof key), id_len = 0, red_len = 0, len = 0;
  CHECK(strncmp(key, "till_test_", 10) == 0);
  OK(till_api_key_id(minted, id, sizeof id, &id_len));
  OK(till_api_key_redacted(minted, redacted, sizeof redacted, &red_len));
  CHECK(id_len == 16 && strncmp(redacted, "till_test_[redacted:", 20) == 0);
  CHECK(strstr(redacted, id) != NULL && strstr(redacted, key + 10) == NULL);

  till_verifier *v = verifier(w->keyring, NULL, "test", "api.example", 0);
  till_grant *g = NULL;
  EXPECT(check(v, key, key_len, "repo/acme/api:read", NOW, &g), TILL_OK);
  CHECK(g != NULL);
  refuse_twin(v, key, key_len, "repo/acme/api:read");
  if (g != NULL) {
    bool present = false, allowed = false;
    int64_t t = 0;
    size_t count = 0;
    OK(till_grant_key_id(g, buf, sizeof buf, &len));
    CHECK(len == id_len && memcmp(buf, id, len) == 0);
    OK(till_grant_subject(g, buf, sizeof buf, &len, &present));
    CHECK(present && strcmp(buf, "triage-bot") == 0);
    OK(till_grant_audience(g, buf, sizeof buf, &len, &present));
    CHECK(present && strcmp(buf, "api.example") == 0);
    OK(till_grant_env(g, buf, sizeof buf, &len));
    CHECK(strcmp(buf, "test") == 0);
    OK(till_grant_issued_at(g, &t));
    CHECK(t == NOW);
    OK(till_grant_expires_at(g, &t, &present));
    CHECK(present && t == NOW + 3600);
    OK(till_grant_not_before(g, &t, &present));
    CHECK(present && t == NOW - 10);
    OK(till_grant_roles_len(g, &count));
    CHECK(count == 1);
    OK(till_grant_role(g, 0, buf, sizeof buf, &len));
    CHECK(strcmp(buf, "auditor") == 0);
    EXPECT(till_grant_role(g, 1, buf, sizeof buf, &len), TILL_INVALID_ARGUMENT);
    OK(till_grant_scopes_len(g, &count));
    CHECK(count == 2);
    OK(till_grant_scope(g, 1, buf, sizeof buf, &len));
    CHECK(strcmp(buf, "repo/acme/*:read") == 0);
    OK(till_grant_allows(g, "repo/acme/docs:read", 19, &allowed));
    CHECK(allowed);
    OK(till_grant_allows(g, "repo/acme/docs:write", 20, &allowed));
    CHECK(!allowed);
    EXPECT(till_grant_allows(g, "nope", 4, &allowed), TILL_INVALID_SCOPE);
    OK(till_grant_chain_len(g, &count));
    CHECK(count == 0);
  }
  till_grant_free(g);

  /* The same key under other policies and at other times. */
  till_verifier *live = verifier(w->keyring, NULL, NULL, "api.example", 0);
  till_verifier *anyone = verifier(w->keyring, NULL, "test", NULL, 0);
  till_verifier *other = verifier(w->keyring, NULL, "test", "other", 0);
  till_verifier *lenient = verifier(w->keyring, NULL, "test", "api.example", 60);
  EXPECT(check(live, key, key_len, "billing:read", NOW, NULL), TILL_WRONG_ENVIRONMENT);
  EXPECT(check(anyone, key, key_len, "billing:read", NOW, NULL), TILL_WRONG_AUDIENCE);
  EXPECT(check(other, key, key_len, "billing:read", NOW, NULL), TILL_WRONG_AUDIENCE);
  EXPECT(check(v, key, key_len, "billing:read", NOW + 3600, NULL), TILL_EXPIRED);
  EXPECT(check(v, key, key_len, "billing:read", NOW + 3599, NULL), TILL_OK);
  EXPECT(check(lenient, key, key_len, "billing:read", NOW + 3630, NULL), TILL_OK);
  EXPECT(check(v, key, key_len, "billing:read", NOW - 11, NULL), TILL_NOT_YET_VALID);
  EXPECT(check(lenient, key, key_len, "billing:read", NOW - 60, NULL), TILL_OK);
  EXPECT(check(v, key, key_len, "billing:write", NOW, NULL), TILL_INSUFFICIENT_SCOPE);
  till_verifier_free(live);
  till_verifier_free(anyone);
  till_verifier_free(other);
  till_verifier_free(lenient);

  /* Another keyring does not hold the root key. */
  till_root_key *stranger = NULL;
  till_keyring *ring = NULL;
  OK(till_root_key_generate(&stranger));
  OK(till_keyring_new((const till_root_key *[]){stranger}, 1, &ring));
  till_verifier *foreign = verifier(ring, NULL, "test", "api.example", 0);
  size_t a = 0, b = 0;
  char id_a[8], id_b[8];
  OK(till_root_key_id(stranger, id_a, sizeof id_a, &a));
  OK(till_root_key_id(w->root, id_b, sizeof id_b, &b));
  EXPECT(check(foreign, key, key_len, "billing:read", NOW, NULL),
         strcmp(id_a, id_b) == 0 ? TILL_INVALID_SIGNATURE : TILL_UNKNOWN_ROOT_KEY);
  till_verifier_free(foreign);
  till_keyring_free(ring);
  till_root_key_free(stranger);

  till_verifier_free(v);
  till_api_key_free(minted);
  till_claims_free(c);
  test_end();
}

static void test_requests(world *w) {
  test_begin("flow: all-of and any-of requests, and the missing scopes");
  char key[1024];
  size_t key_len = world_mint(w, key, sizeof key), len = 0, count = 0;
  const till_str asked[] = {TILL_STR("repo/acme/api:read"), TILL_STR("repo/acme/api:write"),
                            TILL_STR("billing:read"), TILL_STR("billing:write")};
  till_request *all = NULL, *any = NULL, *none_held = NULL;
  OK(till_request_all_of(asked, 4, &all));
  OK(till_request_any_of(asked + 1, 3, &any));
  OK(till_request_any_of(asked + 3, 1, &none_held));
  till_error *e = NULL;
  till_grant *g = UNTOUCHED_GRANT;
  EXPECT(till_verifier_verify_at(w->verifier, key, key_len, all, NOW, &g, &e),
         TILL_INSUFFICIENT_SCOPE);
  CHECK(g == UNTOUCHED_GRANT && e != NULL);
  if (e != NULL) {
    OK(till_error_missing_scopes_len(e, &count));
    CHECK(count == 2);
    OK(till_error_missing_scope(e, 0, buf, sizeof buf, &len));
    CHECK(strcmp(buf, "repo/acme/api:write") == 0);
    OK(till_error_missing_scope(e, 1, buf, sizeof buf, &len));
    CHECK(strcmp(buf, "billing:write") == 0);
    OK(till_error_message(e, buf, sizeof buf, &len));
    CHECK(strstr(buf, "billing:write") != NULL && strstr(buf, key + 10) == NULL);
  }
  till_error_free(e);
  OK(till_verifier_verify_at(w->verifier, key, key_len, any, NOW, NULL, NULL));
  e = NULL;
  EXPECT(till_verifier_verify_at(w->verifier, key, key_len, none_held, NOW, NULL, &e),
         TILL_INSUFFICIENT_SCOPE);
  if (e != NULL) {
    OK(till_error_missing_scopes_len(e, &count));
    CHECK(count == 1);
  }
  till_error_free(e);

  /* Errors that are not about scopes carry no missing scopes. */
  e = NULL;
  EXPECT(till_verifier_verify_at(w->verifier, key, key_len, any, NOW + 7200, NULL, &e),
         TILL_EXPIRED);
  if (e != NULL) {
    till_status s = 0;
    OK(till_error_status(e, &s));
    CHECK(s == TILL_EXPIRED);
    OK(till_error_missing_scopes_len(e, &count));
    CHECK(count == 0);
    EXPECT(till_error_missing_scope(e, 0, buf, sizeof buf, &len), TILL_INVALID_ARGUMENT);
  }
  till_error_free(e);

  /* Authentication asks for nothing and still checks everything else. */
  till_grant *auth = NULL;
  OK(till_verifier_authenticate_at(w->verifier, key, key_len, NOW, &auth, NULL));
  CHECK(auth != NULL);
  till_grant_free(auth);
  EXPECT(till_verifier_authenticate_at(w->verifier, key, key_len, NOW + 3600, NULL, NULL),
         TILL_EXPIRED);
  till_request_free(all);
  till_request_free(any);
  till_request_free(none_held);
  test_end();
}

static void test_system_clock(world *w) {
  test_begin("flow: minting and verifying by the system clock");
  till_api_key *minted = NULL;
  OK(till_issuer_mint(w->issuer, w->claims, &minted, NULL));
  char key[1024];
  size_t key_len = text_of(minted, key, sizeof key);
  till_request *r = world_request("billing:read");
  till_grant *g = NULL;
  OK(till_verifier_verify(w->verifier, key, key_len, r, &g, NULL));
  OK(till_verifier_authenticate(w->verifier, key, key_len, NULL, NULL));
  /* A key minted now is not valid in NOW's past, whatever today's date. */
  int64_t issued = 0;
  if (g != NULL) OK(till_grant_issued_at(g, &issued));
  CHECK(issued > NOW - 100000000);
  EXPECT(till_verifier_verify_at(w->verifier, key, key_len, r, issued + 3600, NULL, NULL),
         TILL_EXPIRED);

  till_attenuation *a = NULL;
  till_api_key *sub = NULL;
  OK(till_attenuation_new(&a));
  OK(till_attenuation_set_ttl(a, 60));
  OK(till_attenuate(key, key_len, a, &sub));
  char sub_key[2048];
  size_t sub_len = text_of(sub, sub_key, sizeof sub_key);
  OK(till_verifier_verify(w->verifier, sub_key, sub_len, r, NULL, NULL));
  EXPECT(till_verifier_verify_at(w->verifier, sub_key, sub_len, r, issued + 1000, NULL, NULL),
         TILL_EXPIRED);
  till_api_key_free(sub);
  till_attenuation_free(a);
  till_grant_free(g);
  till_request_free(r);
  till_api_key_free(minted);
  test_end();
}

static void test_expiry_kinds(world *w) {
  test_begin("flow: the three kinds of expiry");
  const till_str scopes[] = {TILL_STR("billing:read")};
  const int64_t kinds[][2] = {
      {TILL_EXPIRY_AFTER, 0}, {TILL_EXPIRY_AT, NOW + 500}, {TILL_EXPIRY_NEVER, 12345}};
  const int64_t want[] = {NOW, NOW + 500, -1};
  for (size_t i = 0; i < 3; i++) {
    till_claims *c = NULL;
    till_api_key *minted = NULL;
    till_grant *g = NULL;
    OK(till_claims_new(scopes, 1, (till_expiry_kind)kinds[i][0], kinds[i][1], &c));
    OK(till_issuer_mint_at(w->issuer, c, NOW, &minted, NULL));
    char key[1024];
    size_t len = text_of(minted, key, sizeof key);
    OK(till_verifier_authenticate_at(w->verifier, key, len, NOW - 1, &g, NULL));
    int64_t t = 7;
    bool present = true;
    if (g != NULL) OK(till_grant_expires_at(g, &t, &present));
    CHECK(want[i] < 0 ? (!present && t == 0) : (present && t == want[i]));
    till_grant_free(g);
    till_api_key_free(minted);
    till_claims_free(c);
  }
  test_end();
}

static void test_prefix(world *w) {
  test_begin("flow: an application prefix");
  till_issuer *issuer = NULL;
  till_api_key *minted = NULL;
  OK(till_issuer_new_with_prefix(w->keyring, "acme", 4, &issuer));
  OK(till_issuer_mint_at(issuer, w->claims, NOW, &minted, NULL));
  char key[1024];
  size_t len = text_of(minted, key, sizeof key);
  CHECK(strncmp(key, "acme_live_", 10) == 0);
  till_verifier *acme = verifier(w->keyring, "acme", NULL, NULL, 0);
  EXPECT(check(acme, key, len, "billing:read", NOW, NULL), TILL_OK);
  refuse_twin(acme, key, len, "billing:read");
  EXPECT(check(w->verifier, key, len, "billing:read", NOW, NULL), TILL_MALFORMED);
  till_verifier_free(acme);
  till_api_key_free(minted);
  till_issuer_free(issuer);
  test_end();
}

static void test_attenuation(world *w) {
  test_begin("flow: attenuation narrows, labels and limits");
  char key[1024], sub_key[2048];
  size_t key_len = world_mint(w, key, sizeof key), len = 0, count = 0;
  till_attenuation *a = NULL;
  till_api_key *sub = NULL;
  const till_str docs[] = {TILL_STR("repo/acme/docs:read")};
  OK(till_attenuation_new(&a));
  OK(till_attenuation_set_scopes(a, docs, 1));
  OK(till_attenuation_set_label(a, "agent:summarizer", 16));
  OK(till_attenuation_set_expires_at(a, NOW + 600));
  OK(till_attenuation_set_max_delegation(a, 0));
  OK(till_attenuate_at(key, key_len, a, NOW, &sub));
  size_t sub_len = text_of(sub, sub_key, sizeof sub_key);

  /* The sub-key keeps the key's id. */
  char id[32], sub_id[32];
  OK(till_api_key_id(w->key, id, sizeof id, &len));
  OK(till_api_key_id(sub, sub_id, sizeof sub_id, &len));
  CHECK(strcmp(id, sub_id) == 0);

  till_grant *g = NULL;
  EXPECT(check(w->verifier, sub_key, sub_len, "repo/acme/docs:read", NOW, &g), TILL_OK);
  refuse_twin(w->verifier, sub_key, sub_len, "repo/acme/docs:read");
  if (g != NULL) {
    bool present = false;
    int64_t t = 0;
    OK(till_grant_chain_len(g, &count));
    CHECK(count == 1);
    OK(till_grant_chain_label(g, 0, buf, sizeof buf, &len, &present));
    CHECK(present && strcmp(buf, "agent:summarizer") == 0);
    OK(till_grant_chain_id(g, 0, buf, sizeof buf, &len));
    CHECK(len == 16 && strcmp(buf, id) != 0);
    EXPECT(till_grant_chain_label(g, 1, buf, sizeof buf, &len, &present), TILL_INVALID_ARGUMENT);
    OK(till_grant_expires_at(g, &t, &present));
    CHECK(present && t == NOW + 600);
    OK(till_grant_scopes_len(g, &count));
    CHECK(count == 1);
  }
  till_grant_free(g);
  EXPECT(check(w->verifier, sub_key, sub_len, "repo/acme/api:read", NOW, NULL),
         TILL_INSUFFICIENT_SCOPE);
  EXPECT(check(w->verifier, sub_key, sub_len, "repo/acme/docs:read", NOW + 600, NULL),
         TILL_EXPIRED);

  /* No block may follow a block that allows none. */
  till_attenuation *more = NULL;
  till_api_key *denied = NULL;
  OK(till_attenuation_new(&more));
  EXPECT(till_attenuate_at(sub_key, sub_len, more, NOW, &denied), TILL_DELEGATION_LIMIT);
  CHECK(denied == NULL);

  /* A scope the key does not hold cannot be added. */
  const till_str wider[] = {TILL_STR("repo/other/x:read")};
  OK(till_attenuation_set_scopes(more, wider, 1));
  EXPECT(till_attenuate_at(key, key_len, more, NOW, &denied), TILL_SCOPE_NOT_HELD);
  CHECK(denied == NULL);

  /* Nor a second audience. */
  till_attenuation *aud = NULL;
  OK(till_attenuation_new(&aud));
  OK(till_attenuation_set_audience(aud, "one", 3));
  till_api_key *bound = NULL;
  OK(till_attenuate_at(key, key_len, aud, NOW, &bound));
  char bound_key[2048];
  size_t bound_len = text_of(bound, bound_key, sizeof bound_key);
  OK(till_attenuation_set_audience(aud, "two", 3));
  EXPECT(till_attenuate_at(bound_key, bound_len, aud, NOW, &denied), TILL_INVALID_ARGUMENT);
  EXPECT(check(w->verifier, bound_key, bound_len, "billing:read", NOW, NULL),
         TILL_WRONG_AUDIENCE);
  till_api_key_free(bound);
  till_attenuation_free(aud);

  /* Attenuation does not verify: a forged key stays forged. The tampered twin of the key
     cannot be attenuated at all, its checksum being wrong. */
  key[key_len / 2] = key[key_len / 2] == 'A' ? 'B' : 'A';
  EXPECT(till_attenuate_at(key, key_len, a, NOW, &denied), TILL_BAD_CHECKSUM);
  till_attenuation_free(more);
  till_attenuation_free(a);
  till_api_key_free(sub);
  test_end();
}

static void test_text(world *w) {
  test_begin("flow: inspect, find and redact");
  char key[1024], root_text[128];
  size_t key_len = world_mint(w, key, sizeof key), root_len = 0, len = 0, count = 0;
  OK(till_root_key_to_text(w->root, root_text, sizeof root_text, &root_len));

  char *json = NULL;
  OK(till_inspect_json(key, key_len, &json, &len));
  CHECK(json != NULL && strlen(json) == len);
  if (json != NULL) {
    CHECK(strstr(json, "\"subject\":\"triage-bot\"") != NULL);
    CHECK(strstr(json, key + 10) == NULL);
  }
  till_string_free(json);
  till_string_free(NULL);

  char text[2048];
  int n = snprintf(text, sizeof text, "key=%s root=%s end", key, root_text);
  till_found_keys *found = NULL;
  OK(till_find_keys(text, (size_t)n, &found));
  OK(till_found_keys_len(found, &count));
  CHECK(count == 2);
  till_found_kind kind = 0;
  size_t start = 0, end = 0;
  OK(till_found_keys_kind(found, 0, &kind));
  CHECK(kind == TILL_FOUND_API_KEY);
  OK(till_found_keys_range(found, 0, &start, &end));
  CHECK(start == 4 && end == 4 + key_len);
  OK(till_found_keys_kind(found, 1, &kind));
  CHECK(kind == TILL_FOUND_ROOT_KEY);
  OK(till_found_keys_id(found, 1, buf, sizeof buf, &len));
  char root_id[8];
  OK(till_root_key_id(w->root, root_id, sizeof root_id, &len));
  CHECK(strcmp(buf, root_id) == 0);
  EXPECT(till_found_keys_range(found, 2, &start, &end), TILL_INVALID_ARGUMENT);
  till_found_keys_free(found);

  /* Redaction may write over its own input. */
  char redacted[128];
  OK(till_api_key_redacted(w->key, redacted, sizeof redacted, &len));
  char want[512];
  snprintf(want, sizeof want, "key=%s root=tillroot_[redacted:%s] end", redacted, root_id);
  OK(till_redact(text, (size_t)n, text, sizeof text, &len));
  CHECK(len == strlen(want) && strcmp(text, want) == 0);
  CHECK(strstr(text, root_text + 9) == NULL);
  test_end();
}

static void test_root_keys(world *w) {
  test_begin("flow: root keys round-trip and keyrings rotate");
  char text[128], again[128];
  size_t len = 0, again_len = 0;
  OK(till_root_key_to_text(w->root, text, sizeof text, &len));
  CHECK(len == 62 && strncmp(text, "tillroot_", 9) == 0);
  till_root_key *copy = NULL, *fresh = NULL;
  OK(till_root_key_from_text(text, len, &copy));
  OK(till_root_key_to_text(copy, again, sizeof again, &again_len));
  CHECK(again_len == len && memcmp(text, again, len) == 0);
  OK(till_root_key_generate(&fresh));
  OK(till_root_key_to_text(fresh, again, sizeof again, &again_len));
  CHECK(memcmp(text, again, len) != 0);

  /* Rotation: the new key mints, the old one still verifies. */
  char old_key[1024];
  size_t old_len = world_mint(w, old_key, sizeof old_key);
  char a[8], b[8];
  OK(till_root_key_id(fresh, a, sizeof a, &len));
  OK(till_root_key_id(copy, b, sizeof b, &len));
  if (strcmp(a, b) != 0) {
    till_keyring *ring = NULL;
    OK(till_keyring_new((const till_root_key *[]){fresh, copy}, 2, &ring));
    till_verifier *v = verifier(ring, NULL, NULL, NULL, 0);
    EXPECT(check(v, old_key, old_len, "billing:read", NOW, NULL), TILL_OK);
    till_issuer *issuer = NULL;
    till_api_key *minted = NULL;
    till_grant *g = NULL;
    OK(till_issuer_new(ring, &issuer));
    OK(till_issuer_mint_at(issuer, w->claims, NOW, &minted, NULL));
    char key[1024];
    size_t key_len = text_of(minted, key, sizeof key);
    EXPECT(check(v, key, key_len, "billing:read", NOW, &g), TILL_OK);
    refuse_twin(v, key, key_len, "billing:read");
    if (g != NULL) {
      OK(till_grant_root_key_id(g, buf, sizeof buf, &len));
      CHECK(strcmp(buf, a) == 0);
    }
    /* The old keyring does not know the new key. */
    EXPECT(check(w->verifier, key, key_len, "billing:read", NOW, NULL), TILL_UNKNOWN_ROOT_KEY);
    till_grant_free(g);
    till_api_key_free(minted);
    till_issuer_free(issuer);
    till_verifier_free(v);
    till_keyring_free(ring);
  }
  till_root_key_free(fresh);
  till_root_key_free(copy);
  test_end();
}

static void test_policy(world *w) {
  test_begin("flow: roles resolved by a shared policy, replaced while in use");
  const char *first = "{\"roles\":{\"support\":{\"scopes\":[\"tickets:write\"]}}}";
  const char *second = "{\"roles\":{\"support\":{\"scopes\":[\"tickets:read\"]}}}";
  till_policy *policy = NULL;
  till_issuer *issuer = NULL;
  till_verifier_builder *b = NULL;
  till_verifier *v = NULL;
  till_claims *c = NULL;
  till_api_key *minted = NULL;
  till_error *e = NULL;
  OK(till_policy_from_json(first, strlen(first), &policy, NULL));
  OK(till_issuer_with_policy(w->issuer, policy, &issuer));
  OK(till_verifier_builder_new(w->keyring, &b));
  OK(till_verifier_builder_set_policy(b, policy));
  OK(till_verifier_builder_build(b, &v));
  const till_str support[] = {TILL_STR("support")}, ghost[] = {TILL_STR("ghost")};
  OK(till_claims_new(NULL, 0, TILL_EXPIRY_AFTER, 3600, &c));
  OK(till_claims_add_roles(c, support, 1));
  OK(till_issuer_mint_at(issuer, c, NOW, &minted, NULL));
  char key[1024];
  size_t key_len = text_of(minted, key, sizeof key), len = 0;
  EXPECT(check(v, key, key_len, "tickets:write", NOW, NULL), TILL_OK);
  refuse_twin(v, key, key_len, "tickets:write");
  /* Without the policy the role grants nothing. */
  EXPECT(check(w->verifier, key, key_len, "tickets:write", NOW, NULL), TILL_INSUFFICIENT_SCOPE);

  OK(till_policy_replace_json(policy, second, strlen(second), NULL));
  EXPECT(check(v, key, key_len, "tickets:write", NOW, NULL), TILL_INSUFFICIENT_SCOPE);
  EXPECT(check(v, key, key_len, "tickets:read", NOW, NULL), TILL_OK);

  /* Minting on behalf of roles needs a policy, and stays within the roles. */
  till_api_key *denied = NULL;
  OK(till_claims_add_on_behalf_of(c, support, 1));
  EXPECT(till_issuer_mint_at(w->issuer, c, NOW, &denied, NULL), TILL_INVALID_ARGUMENT);
  OK(till_issuer_mint_at(issuer, c, NOW, &denied, NULL));
  till_api_key_free(denied);
  denied = NULL;
  const till_str wide[] = {TILL_STR("tickets:write")};
  till_claims *too_much = NULL;
  OK(till_claims_new(wide, 1, TILL_EXPIRY_AFTER, 60, &too_much));
  OK(till_claims_add_on_behalf_of(too_much, support, 1));
  EXPECT(till_issuer_mint_at(issuer, too_much, NOW, &denied, &e), TILL_EXCEEDS_ROLES);
  CHECK(denied == NULL && e != NULL);
  size_t count = 0;
  if (e != NULL) {
    OK(till_error_beyond_scopes_len(e, &count));
    OK(till_error_beyond_scope(e, 0, buf, sizeof buf, &len));
    CHECK(count == 1 && strcmp(buf, "tickets:write") == 0);
    OK(till_error_missing_scopes_len(e, &count));
    CHECK(count == 0);
  }
  till_error_free(e);
  e = NULL;
  EXPECT(till_claims_add_on_behalf_of(too_much, (const till_str[]){TILL_STR("Bad")}, 1),
         TILL_INVALID_SCOPE);
  till_claims_free(too_much);
  till_claims *unknown = NULL;
  OK(till_claims_new(NULL, 0, TILL_EXPIRY_AFTER, 60, &unknown));
  OK(till_claims_add_roles(unknown, ghost, 1));
  EXPECT(till_issuer_mint_at(issuer, unknown, NOW, &denied, NULL), TILL_INVALID_POLICY);
  till_claims_free(unknown);

  /* Text that is not a policy is refused with a reason, and changes nothing. */
  till_policy *bad = UNTOUCHED_POLICY;
  EXPECT(till_policy_from_json("{\"roles\":", 9, &bad, &e), TILL_INVALID_POLICY);
  CHECK(bad == UNTOUCHED_POLICY && e != NULL);
  till_error_free(e);
  e = NULL;
  EXPECT(till_policy_from_json("{\"rules\":{}}", 11, &bad, NULL), TILL_INVALID_POLICY);
  EXPECT(till_policy_from_json("\xff", 1, &bad, NULL), TILL_INVALID_UTF8);
  const char *cycle = "{\"roles\":{\"a\":{\"includes\":[\"a\"]}}}";
  EXPECT(till_policy_replace_json(policy, cycle, strlen(cycle), &e), TILL_INVALID_POLICY);
  till_error_free(e);
  EXPECT(check(v, key, key_len, "tickets:read", NOW, NULL), TILL_OK);

  till_api_key_free(minted);
  till_claims_free(c);
  till_verifier_free(v);
  till_verifier_builder_free(b);
  till_issuer_free(issuer);
  /* The verifier and issuer kept the policy alive until now. */
  till_policy_free(policy);
  test_end();
}

void test_lifecycle(void) {
  world w;
  world_open(&w);
  test_mint_and_verify(&w);
  test_requests(&w);
  test_system_clock(&w);
  test_expiry_kinds(&w);
  test_prefix(&w);
  test_attenuation(&w);
  test_text(&w);
  test_root_keys(&w);
  test_policy(&w);
  world_close(&w);
}

/* Records the ids a revocation callback is asked about, and revokes one of them. */
typedef struct {
  char seen[4][17];
  size_t seen_len;
  size_t bad_len;
  char revoked[17];
} recorder;

static bool record(void *user_data, const char *id, size_t id_len) {
  recorder *r = user_data;
  if (r->seen_len < 4 && id_len == 16 && id[16] == '\0') memcpy(r->seen[r->seen_len++], id, 17);
  if (id_len != 16 || id[16] != '\0') r->bad_len++;
  return strcmp(id, r->revoked) == 0;
}

void test_revocation(void) {
  world w;
  world_open(&w);
  char key[1024], sub_key[2048], id[32], block[32];
  size_t key_len = world_mint(&w, key, sizeof key), len = 0, count = 0;
  OK(till_api_key_id(w.key, id, sizeof id, &len));
  till_attenuation *a = NULL;
  till_api_key *sub = NULL;
  OK(till_attenuation_new(&a));
  OK(till_attenuation_set_label(a, "agent:a", 7));
  OK(till_attenuate_at(key, key_len, a, NOW, &sub));
  size_t sub_len = text_of(sub, sub_key, sizeof sub_key);
  till_grant *g = NULL;
  EXPECT(check(w.verifier, sub_key, sub_len, "billing:read", NOW, &g), TILL_OK);
  if (g != NULL) OK(till_grant_chain_id(g, 0, block, sizeof block, &len));
  till_grant_free(g);

  test_begin("revocation: a list, changed after the verifier is built");
  till_revocation_list *list = NULL;
  till_verifier_builder *b = NULL;
  till_verifier *v = NULL;
  bool changed = false;
  OK(till_revocation_list_new(&list));
  OK(till_verifier_builder_new(w.keyring, &b));
  OK(till_verifier_builder_set_revocation_list(b, list));
  OK(till_verifier_builder_build(b, &v));
  till_verifier_builder_free(b);
  EXPECT(check(v, key, key_len, "billing:read", NOW, NULL), TILL_OK);

  OK(till_revocation_list_revoke(list, block, 16, &changed));
  CHECK(changed);
  EXPECT(check(v, sub_key, sub_len, "billing:read", NOW, NULL), TILL_REVOKED);
  EXPECT(check(v, key, key_len, "billing:read", NOW, NULL), TILL_OK);
  OK(till_revocation_list_restore(list, block, 16, &changed));
  CHECK(changed);
  OK(till_revocation_list_restore(list, block, 16, &changed));
  CHECK(!changed);

  /* Revoking the key id revokes every key attenuated from it. */
  OK(till_revocation_list_revoke(list, id, 16, &changed));
  OK(till_revocation_list_revoke(list, id, 16, &changed));
  CHECK(!changed);
  OK(till_revocation_list_len(list, &count));
  CHECK(count == 1);
  EXPECT(check(v, key, key_len, "billing:read", NOW, NULL), TILL_REVOKED);
  EXPECT(check(v, sub_key, sub_len, "billing:read", NOW, NULL), TILL_REVOKED);

  /* The verifier keeps the list alive after the caller lets go of it. */
  till_revocation_list_free(list);
  EXPECT(check(v, key, key_len, "billing:read", NOW, NULL), TILL_REVOKED);
  till_verifier_free(v);
  test_end();

  test_begin("revocation: a callback sees the key id, then each block id");
  recorder rec = {0};
  memcpy(rec.revoked, block, 17);
  OK(till_verifier_builder_new(w.keyring, &b));
  OK(till_verifier_builder_set_revocation_callback(b, record, &rec));
  OK(till_verifier_builder_build(b, &v));
  till_verifier_builder_free(b);
  EXPECT(check(v, sub_key, sub_len, "billing:read", NOW, NULL), TILL_REVOKED);
  CHECK(rec.seen_len == 2 && rec.bad_len == 0);
  CHECK(strcmp(rec.seen[0], id) == 0 && strcmp(rec.seen[1], block) == 0);
  rec.seen_len = 0;
  EXPECT(check(v, key, key_len, "billing:read", NOW, NULL), TILL_OK);
  CHECK(rec.seen_len == 1 && strcmp(rec.seen[0], id) == 0);
  /* A key refused before its tag is proven is never shown to the callback. */
  rec.seen_len = 0;
  CHECK(check(v, key, key_len - 1, "billing:read", NOW, NULL) != TILL_OK);
  CHECK(rec.seen_len == 0);
  till_verifier_free(v);
  test_end();

  till_api_key_free(sub);
  till_attenuation_free(a);
  world_close(&w);
}
