/*
 * Mint a key, narrow it for an agent, and check both: Till's C interface end to end.
 * Build it with the Makefile beside this file.
 */
#include <stdio.h>
#include <string.h>

#include "till.h"

/* Prints the failed call and returns from main when a call does not succeed. */
#define TRY(call)                                                                          \
  do {                                                                                     \
    till_status status_ = (call);                                                          \
    if (status_ != TILL_OK) {                                                              \
      fprintf(stderr, "%s: %s (%s)\n", #call, till_status_code(status_),                   \
              till_status_str(status_));                                                   \
      return 1;                                                                            \
    }                                                                                      \
  } while (0)

int main(void) {
  till_root_key *root = NULL;
  till_keyring *keyring = NULL;
  till_issuer *issuer = NULL;
  till_claims *claims = NULL;
  till_api_key *key = NULL, *narrowed = NULL;
  till_attenuation *restrictions = NULL;
  till_verifier_builder *builder = NULL;
  till_verifier *verifier = NULL;
  till_request *request = NULL;
  till_grant *grant = NULL;
  till_error *error = NULL;
  char text[4096], subject[128], missing[256];
  size_t text_len = 0, sub_len = 0, missing_len = 0;
  bool present = false;

  /* A service's setup: a root key (kept in a vault in real life), an issuer, a verifier. */
  TRY(till_root_key_generate(&root));
  const till_root_key *keys[] = {root};
  TRY(till_keyring_new(keys, 1, &keyring));
  TRY(till_issuer_new(keyring, &issuer));
  TRY(till_verifier_builder_new(keyring, &builder));
  TRY(till_verifier_builder_build(builder, &verifier));

  /* Mint a key for an agent: read access to one organisation's repositories, for an hour. */
  const till_str scopes[] = {TILL_STR("repo/acme/*:read")};
  TRY(till_claims_new(scopes, 1, TILL_EXPIRY_AFTER, 3600, &claims));
  TRY(till_claims_set_subject(claims, "triage-bot", strlen("triage-bot")));
  TRY(till_issuer_mint(issuer, claims, &key, NULL));
  TRY(till_api_key_redacted(key, text, sizeof text, &text_len));
  printf("minted %s\n", text);

  /* The backend checks it. */
  TRY(till_api_key_text(key, text, sizeof text, &text_len));
  TRY(till_request_scope("repo/acme/api:read", strlen("repo/acme/api:read"), &request));
  TRY(till_verifier_verify(verifier, text, text_len, request, &grant, NULL));
  TRY(till_grant_subject(grant, subject, sizeof subject, &sub_len, &present));
  printf("granted repo/acme/api:read to %s\n", present ? subject : "(nobody)");

  /* The agent narrows its key offline for a helper, which may only read the docs. */
  const till_str docs[] = {TILL_STR("repo/acme/docs:read")};
  TRY(till_attenuation_new(&restrictions));
  TRY(till_attenuation_set_scopes(restrictions, docs, 1));
  TRY(till_attenuation_set_label(restrictions, "agent:summarizer", strlen("agent:summarizer")));
  TRY(till_attenuate(text, text_len, restrictions, &narrowed));
  TRY(till_api_key_text(narrowed, text, sizeof text, &text_len));

  till_status status = till_verifier_verify(verifier, text, text_len, request, NULL, &error);
  if (status != TILL_INSUFFICIENT_SCOPE) {
    fprintf(stderr, "the narrowed key was not refused: %s\n", till_status_code(status));
    return 1;
  }
  TRY(till_error_missing_scope(error, 0, missing, sizeof missing, &missing_len));
  printf("narrowed key refused: %s, missing %s\n", till_status_code(status), missing);

  till_error_free(error);
  till_grant_free(grant);
  till_request_free(request);
  till_api_key_free(narrowed);
  till_attenuation_free(restrictions);
  till_api_key_free(key);
  till_claims_free(claims);
  till_verifier_free(verifier);
  till_verifier_builder_free(builder);
  till_issuer_free(issuer);
  till_keyring_free(keyring);
  till_root_key_free(root);
  return 0;
}
