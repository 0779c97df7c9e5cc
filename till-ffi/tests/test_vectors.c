/*
 * Every case of every vector file, through the C interface, and for each accepted input a
 * tampered twin that must be refused.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "fixture.h"
#include "harness.h"
#include "tests.h"

#define MAX_ROOT_KEYS 8

/* The time policies.json keys are minted and checked at. */
#define NOW_MINT INT64_C(1800000000)

static struct {
  char id[8];
  till_root_key *key;
} roots[MAX_ROOT_KEYS];
static size_t roots_len;

static char buf[8192];

static bool str_eq(const char *got, size_t len, fx_str want) {
  return !want.null && len == want.len && memcmp(got, want.data, len) == 0;
}

/* A copy of `text` with one character in the middle changed. */
static char *tampered(const char *text, size_t len) {
  char *copy = fx_alloc(len + 1);
  if (copy == NULL) return NULL;
  memcpy(copy, text, len);
  copy[len] = '\0';
  size_t at = len / 2;
  copy[at] = copy[at] == 'A' ? 'B' : 'A';
  return copy;
}

static bool code_is(till_status status, fx_str code) {
  return !code.null && strcmp(till_status_code(status), code.data) == 0;
}

#define EXPECT_CODE(status, code)                                                          \
  do {                                                                                     \
    if (!code_is(status, code)) {                                                          \
      char what_[256];                                                                     \
      snprintf(what_, sizeof what_, "got %s, want %s", till_status_code(status),          \
               (code).null ? "(none)" : (code).data);                                      \
      test_fail(__FILE__, __LINE__, what_);                                                \
    }                                                                                      \
  } while (0)

static void load_root_key(fx_cursor *c) {
  fx_str id = fx_string(c), text = fx_string(c);
  test_begin("vectors: root key");
  CHECK(!c->error && roots_len < MAX_ROOT_KEYS && id.len < sizeof roots[0].id);
  if (!c->error && roots_len < MAX_ROOT_KEYS && id.len < sizeof roots[0].id) {
    till_root_key *key = NULL;
    OK(till_root_key_from_text(text.data, text.len, &key));
    memcpy(roots[roots_len].id, id.data, id.len + 1);
    roots[roots_len++].key = key;
  }
  test_end();
}

static till_root_key *root_by_id(const till_str *id) {
  for (size_t i = 0; i < roots_len; i++) {
    if (strlen(roots[i].id) == id->len && memcmp(roots[i].id, id->data, id->len) == 0) {
      return roots[i].key;
    }
  }
  return NULL;
}

/* Checks every field of a grant against the fixture's expectation. */
static void check_grant(const till_grant *g, fx_cursor *c) {
  size_t len = 0, count = 0;
  bool present = false;
  int64_t t = 0;
  fx_str key_id = fx_string(c), root_key_id = fx_string(c), prefix = fx_string(c);
  fx_str env = fx_string(c), subject = fx_string(c), audience = fx_string(c);

  OK(till_grant_key_id(g, buf, sizeof buf, &len));
  CHECK(str_eq(buf, len, key_id));
  OK(till_grant_root_key_id(g, buf, sizeof buf, &len));
  CHECK(str_eq(buf, len, root_key_id));
  OK(till_grant_prefix(g, buf, sizeof buf, &len));
  CHECK(str_eq(buf, len, prefix));
  OK(till_grant_env(g, buf, sizeof buf, &len));
  CHECK(str_eq(buf, len, env));
  OK(till_grant_subject(g, buf, sizeof buf, &len, &present));
  CHECK(present == !subject.null && (subject.null ? len == 0 : str_eq(buf, len, subject)));
  OK(till_grant_audience(g, buf, sizeof buf, &len, &present));
  CHECK(present == !audience.null && (audience.null ? len == 0 : str_eq(buf, len, audience)));

  fx_list scopes = fx_strings(c);
  OK(till_grant_scopes_len(g, &count));
  CHECK(count == scopes.len);
  for (size_t i = 0; i < scopes.len && i < count; i++) {
    OK(till_grant_scope(g, i, buf, sizeof buf, &len));
    CHECK(len == scopes.items[i].len && memcmp(buf, scopes.items[i].data, len) == 0);
  }
  EXPECT(till_grant_scope(g, count, buf, sizeof buf, &len), TILL_INVALID_ARGUMENT);

  fx_list roles = fx_strings(c);
  OK(till_grant_roles_len(g, &count));
  CHECK(count == roles.len);
  for (size_t i = 0; i < roles.len && i < count; i++) {
    OK(till_grant_role(g, i, buf, sizeof buf, &len));
    CHECK(len == roles.items[i].len && memcmp(buf, roles.items[i].data, len) == 0);
  }

  int64_t issued_at = 0, expires_at = 0, not_before = 0;
  CHECK(fx_int(c, &issued_at));
  bool expires = fx_int(c, &expires_at), starts = fx_int(c, &not_before);
  OK(till_grant_issued_at(g, &t));
  CHECK(t == issued_at);
  OK(till_grant_expires_at(g, &t, &present));
  CHECK(present == expires && (!expires || t == expires_at));
  OK(till_grant_not_before(g, &t, &present));
  CHECK(present == starts && (!starts || t == not_before));

  size_t links = fx_count(c);
  OK(till_grant_chain_len(g, &count));
  CHECK(count == links);
  for (size_t i = 0; i < links; i++) {
    fx_str id = fx_string(c), label = fx_string(c);
    if (i >= count) continue;
    OK(till_grant_chain_id(g, i, buf, sizeof buf, &len));
    CHECK(str_eq(buf, len, id));
    OK(till_grant_chain_label(g, i, buf, sizeof buf, &len, &present));
    CHECK(present == !label.null && (label.null || str_eq(buf, len, label)));
  }
  EXPECT(till_grant_chain_id(g, links, buf, sizeof buf, &len), TILL_INVALID_ARGUMENT);

  char *json = NULL;
  OK(till_grant_to_json(g, &json, &len));
  if (json != NULL) {
    CHECK(strlen(json) == len && strstr(json, key_id.data) != NULL);
    till_string_free(json);
  }
}

/* The outcome of verifying `key` under a case's verifier and request. */
typedef struct {
  till_verifier *verifier;
  till_request *request;
  int64_t now;
  bool authenticate;
  /* The request's one scope as text, when it asks for one: the text path must agree. */
  till_str scope;
} setup;

static till_status run(const setup *s, const char *key, size_t len, till_grant **grant,
                       till_error **error) {
  if (s->authenticate) {
    return test_seen(till_verifier_authenticate_at(s->verifier, key, len, s->now, grant, error));
  }
  till_status status = test_seen(
      till_verifier_verify_at(s->verifier, key, len, s->request, s->now, grant, error));
  if (s->scope.data != NULL) {
    CHECK(test_seen(till_verifier_verify_scope_at(s->verifier, key, len, s->scope.data,
                                                  s->scope.len, s->now, NULL, NULL)) == status);
  }
  return status;
}

/* Builds the verifier and request; returns the first failing status, or TILL_OK. */
static till_status prepare(setup *s, fx_list root_ids, fx_str prefix, fx_str env,
                           fx_str audience, int64_t leeway, fx_str policy_json, fx_list revoked,
                           const char *kind, fx_list scopes) {
  till_status status = TILL_OK;
  const till_root_key *keys[MAX_ROOT_KEYS];
  size_t n = 0;
  for (size_t i = 0; i < root_ids.len && n < MAX_ROOT_KEYS; i++) {
    keys[n] = root_by_id(&root_ids.items[i]);
    CHECK(keys[n] != NULL);
    if (keys[n] != NULL) n++;
  }
  till_keyring *keyring = NULL;
  till_verifier_builder *builder = NULL;
  till_revocation_list *list = NULL;
  till_policy *policy = NULL;
  status = test_seen(till_keyring_new(keys, n, &keyring));
  if (status == TILL_OK) status = test_seen(till_verifier_builder_new(keyring, &builder));
  if (status == TILL_OK) {
    OK(till_verifier_builder_set_prefix(builder, prefix.data, prefix.len));
    OK(till_verifier_builder_set_env(builder, env.data, env.len));
    if (!audience.null) {
      OK(till_verifier_builder_set_audience(builder, audience.data, audience.len));
    }
    OK(till_verifier_builder_set_leeway(builder, (uint32_t)leeway));
    OK(till_revocation_list_new(&list));
    for (size_t i = 0; i < revoked.len; i++) {
      bool added = false;
      OK(till_revocation_list_revoke(list, revoked.items[i].data, revoked.items[i].len, &added));
      CHECK(added);
    }
    OK(till_verifier_builder_set_revocation_list(builder, list));
    if (!policy_json.null) {
      OK(till_policy_from_json(policy_json.data, policy_json.len, &policy, NULL));
      if (policy != NULL) OK(till_verifier_builder_set_policy(builder, policy));
    }
    status = test_seen(till_verifier_builder_build(builder, &s->verifier));
  }
  if (status == TILL_OK && !s->authenticate) {
    if (strcmp(kind, "scope") == 0) {
      CHECK(scopes.len == 1);
      status = test_seen(till_request_scope(scopes.items[0].data, scopes.items[0].len,
                                            &s->request));
    } else if (strcmp(kind, "all_of") == 0) {
      status = test_seen(till_request_all_of(scopes.items, scopes.len, &s->request));
    } else {
      CHECK(strcmp(kind, "any_of") == 0);
      status = test_seen(till_request_any_of(scopes.items, scopes.len, &s->request));
    }
  }
  till_policy_free(policy);
  till_revocation_list_free(list);
  till_verifier_builder_free(builder);
  till_keyring_free(keyring);
  return status;
}

static void run_verify(fx_cursor *c) {
  fx_str name = fx_string(c), key = fx_string(c);
  fx_list root_ids = fx_strings(c);
  fx_str prefix = fx_string(c), env = fx_string(c), audience = fx_string(c);
  int64_t leeway = 0, now = 0;
  fx_int(c, &leeway);
  fx_str policy = fx_string(c);
  fx_list revoked = fx_strings(c);
  fx_int(c, &now);
  const char *kind = fx_word(c);
  fx_list scopes = fx_strings(c);
  const char *expect = fx_word(c);

  char title[256];
  snprintf(title, sizeof title, "vectors: keys/%s", name.data ? name.data : "?");
  test_begin(title);
  CHECK(!c->error);

  setup s = {NULL, NULL, now, strcmp(kind, "none") == 0, {NULL, 0}};
  if (strcmp(kind, "scope") == 0 && scopes.len == 1) s.scope = scopes.items[0];
  till_status status =
      prepare(&s, root_ids, prefix, env, audience, leeway, policy, revoked, kind, scopes);
  /* A scope the request refuses to parse is refused as text too. */
  if (status == TILL_INVALID_SCOPE && s.verifier != NULL && s.scope.data != NULL) {
    CHECK(test_seen(till_verifier_verify_scope_at(s.verifier, key.data, key.len, s.scope.data,
                                                  s.scope.len, now, NULL, NULL)) ==
          TILL_INVALID_SCOPE);
  }
  till_grant *grant = NULL;
  till_error *error = NULL;
  if (status == TILL_OK) status = run(&s, key.data, key.len, &grant, &error);

  if (strcmp(expect, "grant") == 0) {
    EXPECT_CODE(status, ((fx_str){"ok", 2, false}));
    CHECK(grant != NULL && error == NULL);
    if (grant != NULL) check_grant(grant, c);

    /* The tampered twin: one character changed must be refused, and write no grant. */
    char *twin = tampered(key.data, key.len);
    till_grant *twin_grant = NULL;
    till_status refused = run(&s, twin, key.len, &twin_grant, NULL);
    CHECK(refused != TILL_OK && twin_grant == NULL);
    till_grant_free(twin_grant);

    /* And so must the key cut short by one byte. */
    CHECK(run(&s, key.data, key.len - 1, NULL, NULL) != TILL_OK);
  } else {
    CHECK(strcmp(expect, "error") == 0);
    fx_str code = fx_string(c);
    fx_list missing = fx_strings(c);
    EXPECT_CODE(status, code);
    CHECK(grant == NULL);
    if (error != NULL) {
      till_status recorded = 0;
      size_t count = 0, len = 0;
      OK(till_error_status(error, &recorded));
      CHECK(recorded == status);
      OK(till_error_missing_scopes_len(error, &count));
      CHECK(count == missing.len);
      for (size_t i = 0; i < missing.len && i < count; i++) {
        OK(till_error_missing_scope(error, i, buf, sizeof buf, &len));
        CHECK(len == missing.items[i].len && memcmp(buf, missing.items[i].data, len) == 0);
      }
      EXPECT(till_error_missing_scope(error, count, buf, sizeof buf, &len),
             TILL_INVALID_ARGUMENT);
      OK(till_error_message(error, buf, sizeof buf, &len));
      CHECK(len > 0 && strlen(buf) == len);
      /* A refusal's message never repeats the key. */
      CHECK(key.len < 20 || strstr(buf, key.data + key.len - 20) == NULL);
    } else {
      /* Only a refusal by the verifier itself carries details. */
      CHECK(missing.len == 0);
    }
  }
  CHECK(!c->error);
  till_grant_free(grant);
  till_error_free(error);
  till_request_free(s.request);
  till_verifier_free(s.verifier);
  test_end();
}

static till_status attenuate_case(const char *key, size_t len, int64_t now, fx_list scopes,
                                  bool has_ttl, int64_t ttl, bool has_expiry, int64_t expires_at,
                                  fx_str audience, fx_str label, bool has_max, int64_t max,
                                  till_api_key **out) {
  till_attenuation *a = NULL;
  till_status status = test_seen(till_attenuation_new(&a));
  if (status == TILL_OK && !scopes.null) {
    status = test_seen(till_attenuation_set_scopes(a, scopes.items, scopes.len));
  }
  if (status == TILL_OK && has_ttl) {
    status = test_seen(till_attenuation_set_ttl(a, (uint64_t)ttl));
  }
  if (status == TILL_OK && has_expiry) {
    status = test_seen(till_attenuation_set_expires_at(a, expires_at));
  }
  if (status == TILL_OK && !audience.null) {
    status = test_seen(till_attenuation_set_audience(a, audience.data, audience.len));
  }
  if (status == TILL_OK && !label.null) {
    status = test_seen(till_attenuation_set_label(a, label.data, label.len));
  }
  if (status == TILL_OK && has_max) {
    status = test_seen(till_attenuation_set_max_delegation(a, (uint8_t)max));
  }
  if (status == TILL_OK) status = test_seen(till_attenuate_at(key, len, a, now, out));
  till_attenuation_free(a);
  return status;
}

static void run_attenuate(fx_cursor *c) {
  fx_str name = fx_string(c), key = fx_string(c);
  int64_t now = 0, ttl = 0, expires_at = 0, max = 0;
  fx_int(c, &now);
  fx_list scopes = fx_strings(c);
  bool has_ttl = fx_int(c, &ttl), has_expiry = fx_int(c, &expires_at);
  fx_str audience = fx_string(c), label = fx_string(c);
  bool has_max = fx_int(c, &max);
  const char *expect = fx_word(c);
  fx_str value = fx_string(c);

  char title[256];
  snprintf(title, sizeof title, "vectors: attenuate/%s", name.data ? name.data : "?");
  test_begin(title);
  CHECK(!c->error);

  till_api_key *sub = NULL;
  till_status status = attenuate_case(key.data, key.len, now, scopes, has_ttl, ttl, has_expiry,
                                      expires_at, audience, label, has_max, max, &sub);
  if (strcmp(expect, "key") == 0) {
    CHECK(status == TILL_OK && sub != NULL);
    size_t len = 0;
    if (sub != NULL) {
      OK(till_api_key_text(sub, buf, sizeof buf, &len));
      CHECK(str_eq(buf, len, value));
    }
    /* The tampered twin: the same block on an altered key is refused. */
    till_api_key *twin = NULL;
    char *altered = tampered(key.data, key.len);
    till_status refused = attenuate_case(altered, key.len, now, scopes, has_ttl, ttl, has_expiry,
                                         expires_at, audience, label, has_max, max, &twin);
    CHECK(refused != TILL_OK && twin == NULL);
    till_api_key_free(twin);
  } else {
    CHECK(strcmp(expect, "error") == 0);
    EXPECT_CODE(status, value);
    CHECK(sub == NULL);
  }
  till_api_key_free(sub);
  test_end();
}

static void check_found(const char *text, size_t len, size_t want, fx_cursor *c, bool compare) {
  till_found_keys *found = NULL;
  size_t count = 0;
  OK(till_find_keys(text, len, &found));
  OK(till_found_keys_len(found, &count));
  if (compare) CHECK(count == want);
  for (size_t i = 0; compare && i < want; i++) {
    fx_str kind = fx_string(c);
    int64_t start = 0, end = 0;
    fx_int(c, &start);
    fx_int(c, &end);
    fx_str id = fx_string(c);
    if (i >= count) continue;
    till_found_kind k = 0;
    size_t s = 0, e = 0, id_len = 0;
    OK(till_found_keys_kind(found, i, &k));
    CHECK(k == (strcmp(kind.data, "api_key") == 0 ? TILL_FOUND_API_KEY : TILL_FOUND_ROOT_KEY));
    CHECK(strcmp(kind.data, "api_key") == 0 || strcmp(kind.data, "root_key") == 0);
    OK(till_found_keys_range(found, i, &s, &e));
    CHECK((int64_t)s == start && (int64_t)e == end);
    OK(till_found_keys_id(found, i, buf, sizeof buf, &id_len));
    CHECK(str_eq(buf, id_len, id));
  }
  if (!compare) CHECK(count < want);
  EXPECT(till_found_keys_kind(found, count, &(till_found_kind){0}), TILL_INVALID_ARGUMENT);
  till_found_keys_free(found);
}

static void run_text(fx_cursor *c) {
  fx_str name = fx_string(c), text = fx_string(c);
  char title[256];
  snprintf(title, sizeof title, "vectors: text/%s", name.data ? name.data : "?");
  test_begin(title);

  size_t want = fx_count(c);
  check_found(text.data, text.len, want, c, true);
  fx_str redacted = fx_string(c);
  CHECK(!c->error);

  size_t len = 0;
  OK(till_redact(text.data, text.len, buf, sizeof buf, &len));
  CHECK(str_eq(buf, len, redacted));

  /* The tampered twin: with a character of each key changed, fewer keys are found, and
     redaction leaves the text as it is. */
  if (want > 0) {
    char *twin = fx_alloc(text.len + 1);
    memcpy(twin, text.data, text.len + 1);
    till_found_keys *found = NULL;
    OK(till_find_keys(text.data, text.len, &found));
    for (size_t i = 0; i < want; i++) {
      size_t s = 0, e = 0;
      OK(till_found_keys_range(found, i, &s, &e));
      size_t at = s + (e - s) / 2;
      twin[at] = twin[at] == 'A' ? 'B' : 'A';
    }
    till_found_keys_free(found);
    check_found(twin, text.len, want, c, false);
    OK(till_redact(twin, text.len, buf, sizeof buf, &len));
    CHECK(len == text.len && memcmp(buf, twin, len) == 0);
  }
  test_end();
}

static void run_root_key_text(fx_cursor *c) {
  fx_str name = fx_string(c), text = fx_string(c);
  const char *expect = fx_word(c);
  fx_str value = fx_string(c);
  char title[256];
  snprintf(title, sizeof title, "vectors: root_keys/%s", name.data ? name.data : "?");
  test_begin(title);
  CHECK(!c->error);

  till_root_key *key = NULL;
  till_status status = test_seen(till_root_key_from_text(text.data, text.len, &key));
  if (strcmp(expect, "id") == 0) {
    size_t len = 0;
    CHECK(status == TILL_OK && key != NULL);
    OK(till_root_key_id(key, buf, sizeof buf, &len));
    CHECK(str_eq(buf, len, value));
    /* The text form comes back without the surrounding whitespace. */
    OK(till_root_key_to_text(key, buf, sizeof buf, &len));
    CHECK(len <= text.len && memcmp(buf, text.data, len) == 0);

    till_root_key *twin = NULL;
    char *altered = tampered(text.data, text.len);
    EXPECT(till_root_key_from_text(altered, text.len, &twin), TILL_INVALID_ROOT_KEY);
    CHECK(twin == NULL);
  } else {
    EXPECT_CODE(status, value);
    CHECK(key == NULL);
  }
  till_root_key_free(key);
  test_end();
}

static void run_policy(fx_cursor *c) {
  fx_str name = fx_string(c), json = fx_string(c);
  const char *expect = fx_word(c);
  fx_str value = fx_string(c);
  char title[256];
  snprintf(title, sizeof title, "vectors: policies/%s", name.data ? name.data : "?");
  test_begin(title);
  CHECK(!c->error);

  till_policy *policy = NULL;
  till_error *error = NULL;
  till_status status = test_seen(till_policy_from_json(json.data, json.len, &policy, &error));
  if (strcmp(expect, "roles") == 0) {
    CHECK(status == TILL_OK && policy != NULL && error == NULL);
    char *roles = NULL;
    size_t len = 0;
    OK(till_policy_roles_json(policy, &roles, &len));
    CHECK(roles != NULL && str_eq(roles, len, value));
    till_string_free(roles);

    /* The tampered twin: the same policy with its first scope broken is refused. */
    char *twin = fx_alloc(json.len + 1);
    memcpy(twin, json.data, json.len + 1);
    char *scope = strstr(twin, "\"scopes\":[\"");
    if (scope != NULL) {
      scope[11] = 'T';
      till_policy *refused = NULL;
      EXPECT(till_policy_from_json(twin, json.len, &refused, NULL), TILL_INVALID_POLICY);
      CHECK(refused == NULL);
      /* Nor does a refused replacement change the policy in force. */
      EXPECT(till_policy_replace_json(policy, twin, json.len, NULL), TILL_INVALID_POLICY);
      OK(till_policy_roles_json(policy, &roles, &len));
      CHECK(roles != NULL && str_eq(roles, len, value));
      till_string_free(roles);
    }
  } else {
    EXPECT_CODE(status, value);
    CHECK(policy == NULL && error != NULL);
    size_t len = 0;
    if (error != NULL) {
      OK(till_error_message(error, buf, sizeof buf, &len));
      CHECK(strncmp(buf, "invalid policy: ", 16) == 0);
    }
  }
  till_error_free(error);
  till_policy_free(policy);
  test_end();
}

/* The keys policies.json mints with: a fresh root key, an issuer and a verifier that share
   the mint policy. */
static struct {
  till_root_key *root;
  till_keyring *keyring;
  till_policy *policy;
  till_issuer *issuer;
  till_verifier *verifier;
} minting;

static void load_mint_policy(fx_cursor *c) {
  fx_str json = fx_string(c);
  test_begin("vectors: mint policy");
  CHECK(!c->error && minting.policy == NULL);
  till_issuer *plain = NULL;
  till_verifier_builder *b = NULL;
  OK(till_policy_from_json(json.data, json.len, &minting.policy, NULL));
  OK(till_root_key_generate(&minting.root));
  OK(till_keyring_new((const till_root_key *[]){minting.root}, 1, &minting.keyring));
  OK(till_issuer_new(minting.keyring, &plain));
  OK(till_issuer_with_policy(plain, minting.policy, &minting.issuer));
  OK(till_verifier_builder_new(minting.keyring, &b));
  OK(till_verifier_builder_set_policy(b, minting.policy));
  OK(till_verifier_builder_build(b, &minting.verifier));
  till_verifier_builder_free(b);
  till_issuer_free(plain);
  test_end();
}

static void run_mint(fx_cursor *c) {
  fx_str name = fx_string(c);
  fx_list on_behalf_of = fx_strings(c), roles = fx_strings(c), scopes = fx_strings(c);
  const char *expect = fx_word(c);
  char title[256];
  snprintf(title, sizeof title, "vectors: policies/mint/%s", name.data ? name.data : "?");
  test_begin(title);
  CHECK(minting.issuer != NULL);

  till_claims *claims = NULL;
  till_api_key *key = NULL;
  till_error *error = NULL;
  OK(till_claims_new(scopes.items, scopes.len, TILL_EXPIRY_AFTER, 3600, &claims));
  OK(till_claims_add_roles(claims, roles.items, roles.len));
  if (!on_behalf_of.null) {
    OK(till_claims_add_on_behalf_of(claims, on_behalf_of.items, on_behalf_of.len));
  }
  till_status status =
      test_seen(till_issuer_mint_at(minting.issuer, claims, NOW_MINT, &key, &error));
  if (strcmp(expect, "ok") == 0) {
    CHECK(status == TILL_OK && key != NULL && error == NULL);
    char text[2048];
    size_t len = 0;
    OK(till_api_key_text(key, text, sizeof text, &len));
    OK(till_verifier_authenticate_at(minting.verifier, text, len, NOW_MINT, NULL, NULL));
    char *twin = tampered(text, len);
    CHECK(till_verifier_authenticate_at(minting.verifier, twin, len, NOW_MINT, NULL, NULL) !=
          TILL_OK);
  } else {
    CHECK(strcmp(expect, "error") == 0);
    fx_str code = fx_string(c);
    fx_list beyond = fx_strings(c);
    EXPECT_CODE(status, code);
    CHECK(key == NULL && error != NULL);
    size_t count = 99, len = 0;
    if (error != NULL) {
      OK(till_error_beyond_scopes_len(error, &count));
      CHECK(count == beyond.len);
      for (size_t i = 0; i < beyond.len && i < count; i++) {
        OK(till_error_beyond_scope(error, i, buf, sizeof buf, &len));
        CHECK(len == beyond.items[i].len && memcmp(buf, beyond.items[i].data, len) == 0);
      }
      EXPECT(till_error_beyond_scope(error, count, buf, sizeof buf, &len),
             TILL_INVALID_ARGUMENT);
    }
  }
  CHECK(!c->error);
  till_error_free(error);
  till_api_key_free(key);
  till_claims_free(claims);
  test_end();
}

void test_vectors(const char *fixture_path) {
  FILE *f = fopen(fixture_path, "r");
  test_begin("vectors: fixture opens");
  CHECK(f != NULL);
  test_end();
  if (f == NULL) return;

  static char line[1 << 16];
  size_t counts[7] = {0};
  while (fgets(line, sizeof line, f) != NULL) {
    fx_cursor c = fx_line(line);
    const char *kind = fx_word(&c);
    if (strcmp(kind, "rootkey") == 0) {
      load_root_key(&c);
      counts[0]++;
    } else if (strcmp(kind, "verify") == 0) {
      run_verify(&c);
      counts[1]++;
    } else if (strcmp(kind, "attenuate") == 0) {
      run_attenuate(&c);
      counts[2]++;
    } else if (strcmp(kind, "text") == 0) {
      run_text(&c);
      counts[3]++;
    } else if (strcmp(kind, "rootkeytext") == 0) {
      run_root_key_text(&c);
      counts[4]++;
    } else if (strcmp(kind, "policy") == 0) {
      run_policy(&c);
      counts[5]++;
    } else if (strcmp(kind, "mintpolicy") == 0) {
      load_mint_policy(&c);
    } else if (strcmp(kind, "mint") == 0) {
      run_mint(&c);
      counts[6]++;
    } else {
      test_begin("vectors: known record kind");
      test_fail(__FILE__, __LINE__, kind);
      test_end();
    }
  }
  fclose(f);

  test_begin("vectors: every file contributed cases");
  for (size_t i = 0; i < 7; i++) CHECK(counts[i] > 0);
  printf("vectors: %zu root keys, %zu keys, %zu attenuate, %zu text, %zu root_keys, "
         "%zu policies, %zu mint cases\n",
         counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6]);
  test_end();

  till_verifier_free(minting.verifier);
  till_issuer_free(minting.issuer);
  till_policy_free(minting.policy);
  till_keyring_free(minting.keyring);
  till_root_key_free(minting.root);
  memset(&minting, 0, sizeof minting);

  for (size_t i = 0; i < roots_len; i++) till_root_key_free(roots[i].key);
  roots_len = 0;
}
