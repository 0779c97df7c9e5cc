// Every case of every file in test-vectors/, asserted exactly: keys minted by the Rust
// generator, checked here through the binding.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import {
  Issuer, Keyring, Policy, RootKey, Verifier, attenuate, findKeys, inspect, redact,
} from '../index.mjs'
import {
  asVector, assertRefused, assertTwinsRefused, check, keyOf, vectors, verifierFor,
} from './support.mjs'

describe('keys.json', () => {
  const file = vectors('keys')

  test('has the cases this suite expects', () => {
    assert.ok(file.cases.length >= 100)
    assert.ok(file.cases.some((vector) => vector.name === 'reference'))
    assert.ok(file.cases.some((vector) => 'key_hex' in vector))
  })

  for (const vector of file.cases) {
    test(vector.name, () => {
      const verifier = verifierFor(file, vector)
      const key = keyOf(vector)
      if ('grant' in vector.expect) {
        assert.deepEqual(asVector(check(verifier, vector, key)), vector.expect.grant)
        assertTwinsRefused(key, (twin) => check(verifier, vector, twin))
      } else {
        assertRefused(() => check(verifier, vector, key), vector.expect.error,
          vector.expect.missing)
      }
    })
  }
})

describe('attenuate.json', () => {
  const roots = vectors('keys').root_keys
  const keyring = new Keyring(roots.map((root) => RootKey.fromText(root.text)))

  // The attenuated key verifies, under the audience it names, and its twins do not.
  const assertAccepted = (key, now) => {
    const claims = inspect(key)
    const audience = [claims.audience, ...claims.blocks.map((block) => block.audience)]
      .find((stated) => stated !== null)
    const verifier = new Verifier(keyring, { audience })
    assert.equal(verifier.authenticate(key, now).chain.length, claims.blocks.length)
    assertTwinsRefused(key, (twin) => verifier.authenticate(twin, now))
  }

  for (const vector of vectors('attenuate').cases) {
    test(vector.name, () => {
      const restrictions = vector.attenuation
      const options = {
        scopes: restrictions.scopes ?? undefined,
        ttl: restrictions.ttl ?? undefined,
        expiresAt: restrictions.expires_at ?? undefined,
        audience: restrictions.audience ?? undefined,
        to: restrictions.label ?? undefined,
        maxDelegation: restrictions.max_delegation ?? undefined,
      }
      const run = (key) => attenuate(key, options, vector.now)
      if ('key' in vector.expect) {
        assert.equal(run(vector.key).exposeSecret(), vector.expect.key)
        assert.equal(run(Buffer.from(vector.key)).exposeSecret(), vector.expect.key)
        assertAccepted(vector.expect.key, vector.now)
      } else {
        assertRefused(() => run(vector.key), vector.expect.error)
      }
    })
  }
})

describe('text.json', () => {
  for (const vector of vectors('text').cases) {
    test(vector.name, () => {
      const found = findKeys(vector.text)

      // The vectors count bytes of UTF-8; JavaScript strings count UTF-16 code units.
      const bytes = (units) => Buffer.byteLength(vector.text.slice(0, units))
      const asBytes = found.map(({ kind, start, end, id }) => (
        { end: bytes(end), id, kind, start: bytes(start) }))
      assert.deepEqual(asBytes, vector.found)
      for (const key of found) {
        assert.match(vector.text.slice(key.start, key.end), /^[a-z0-9]+_[a-z0-9]*_?\S+$/)
        assert.ok(vector.redacted.includes(key.redacted))
      }
      assert.equal(redact(vector.text), vector.redacted)
    })
  }
})

describe('root_keys.json', () => {
  for (const vector of vectors('root_keys').cases) {
    test(vector.name, () => {
      if ('id' in vector.expect) {
        assert.equal(RootKey.fromText(vector.text).id, vector.expect.id)

        // Without its checksum fixed, no altered character passes.
        const text = vector.text.trim()
        for (let i = 0; i < text.length; i++) {
          const altered = text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1)
          assertRefused(() => RootKey.fromText(altered), 'invalid_root_key')
        }
      } else {
        assertRefused(() => RootKey.fromText(vector.text), vector.expect.error)
      }
    })
  }
})

describe('policies.json', () => {
  const file = vectors('policies')
  const roots = vectors('keys').root_keys
  const keyring = new Keyring([RootKey.fromText(roots[0].text)])

  for (const vector of file.cases) {
    test(vector.name, () => {
      if ('roles' in vector.expect) {
        assert.deepEqual(new Policy(vector.policy).roles, vector.expect.roles)
      } else {
        assertRefused(() => new Policy(vector.policy), vector.expect.error)
      }
    })
  }

  const policy = new Policy(file.mint_policy)
  const issuer = new Issuer(keyring, { policy })
  const verifier = new Verifier(keyring, { policy })
  for (const vector of file.mint_cases) {
    test(`mint: ${vector.name}`, () => {
      const mint = () => issuer.mint({
        scopes: vector.scopes, roles: vector.roles, onBehalfOf: vector.on_behalf_of ?? undefined, ttl: 3600,
      })
      if (vector.expect.ok) {
        const key = mint().exposeSecret()
        assert.deepEqual(verifier.authenticate(key).roles, vector.roles)
        assertTwinsRefused(key, (twin) => verifier.authenticate(twin))
      } else {
        assertRefused(mint, vector.expect.error, undefined, vector.expect.beyond)
      }
    })
  }
})
