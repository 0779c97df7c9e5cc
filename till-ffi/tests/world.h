/*
 * A fresh root key, keyring, issuer, claims and verifier, and a key minted with them: the
 * starting point of most tests.
 */
#ifndef TILL_TEST_WORLD_H
#define TILL_TEST_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "till.h"

/* The time every test mints and verifies at: 2027-01-15T08:00:00Z. */
#define NOW INT64_C(1800000000)

typedef struct {
  till_root_key *root;
  till_keyring *keyring;
  till_issuer *issuer;
  /* Grants repo/acme/x:read and billing:read for an hour, to subject triage-bot. */
  till_claims *claims;
  /* Prefix till, environment live, no audience, no revocation check. */
  till_verifier *verifier;
  /* The last key world_mint made. */
  till_api_key *key;
} world;

void world_open(world *w);
void world_close(world *w);

/* Mints a key from the world's claims at NOW; writes its text to `out` and returns its
   length. */
size_t world_mint(world *w, char *out, size_t cap);

/* A request for one scope. */
till_request *world_request(const char *scope);

#endif
