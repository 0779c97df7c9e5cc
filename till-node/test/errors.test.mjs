// Errors: each refusal is a TillError carrying the code and number every binding shares;
// wrong argument types are TypeErrors; exceptions from isRevoked reach the caller.

import assert from 'node:assert/strict'
import { test } from 'node:test'

import * as till from '../index.mjs'
import { Issuer, Keyring, RootKey, TillError, Verifier, attenuate } from '../index.mjs'
import { assertRefused, check, forged, keyOf, vectors, verifierFor } from './support.mjs'

// The shared contract: till-core's ErrorCode::as_str() and ErrorCode::number().
const CODES = {
  malformed: 1,
  bad_checksum: 2,
  too_large: 3,
  unsupported_version: 4,
  unknown_root_key: 5,
  invalid_signature: 6,
  wrong_environment: 7,
  wrong_audience: 8,
  expired: 9,
  not_yet_valid: 10,
  revoked: 11,
  insufficient_scope: 12,
  delegation_limit: 13,
  invalid_scope: 14,
  invalid_argument: 15,
  scope_not_held: 16,
  invalid_root_key: 17,
  duplicate_root_key: 18,
  internal: 19,
  invalid_policy: 20,
  exceeds_roles: 21,
}

const file = vectors('keys')
const reference = file.cases.find((vector) => vector.name === 'reference')
const root = RootKey.fromText(file.root_keys[0].text)
const keyring = new Keyring([root])
const verifier = new Verifier(keyring)
const now = reference.now

function caught(call) {
  try {
    call()
  } catch (error) {
    return error
  }
  assert.fail('expected an exception')
}

test('every refusal in the vectors carries the shared code and number', () => {
  const seen = new Set()
  for (const vector of file.cases.filter((v) => 'error' in v.expect)) {
    const error = caught(() => check(verifierFor(file, vector), vector, keyOf(vector)))
    assert.ok(error instanceof TillError)
    assert.ok(error instanceof Error)
    assert.equal(error.name, 'TillError')
    assert.equal(error.code, vector.expect.error, vector.name)
    assert.equal(error.number, CODES[error.code])
    assert.ok(error.stack.startsWith('TillError: '))
    seen.add(error.code)
  }
  assert.ok(seen.size >= 12, `only ${[...seen]}`)
})

test('insufficient_scope lists the missing scopes in request order, others have none', () => {
  const error = caught(() => verifier.verify(reference.key,
    { allOf: ['users:write', 'admin:all', 'users:read', 'billing:write'] }, now))
  assert.equal(error.code, 'insufficient_scope')
  assert.equal(error.number, 12)
  assert.deepEqual(error.missing, ['admin:all', 'billing:write'])
  assert.match(error.message, /admin:all billing:write/)

  const anyOf = caught(() => verifier.verify(reference.key, { anyOf: ['a:read', 'b:read'] }, now))
  assert.deepEqual(anyOf.missing, ['a:read', 'b:read'])
  assert.equal(verifier.verify(reference.key, { anyOf: ['a:read', 'users:read'] }, now).keyId,
    reference.expect.grant.key_id)

  const expired = caught(() => verifier.verify(reference.key, { scope: 'users:read' }, 4e9))
  assert.equal(expired.code, 'expired')
  assert.equal('missing' in expired, false)
  assertRefused(() => verifier.verify(forged(reference.key), { scope: 'users:read' }, now),
    'invalid_signature')
})

test('configuration mistakes are TillErrors too', () => {
  assertRefused(() => new Keyring([]), 'invalid_argument')
  assertRefused(() => new Keyring([root, RootKey.fromText(file.root_keys[0].text)]),
    'duplicate_root_key')
  assertRefused(() => new Verifier(keyring, { leeway: 86401 }), 'invalid_argument')
  assertRefused(() => new Verifier(keyring, { leeway: -1 }), 'invalid_argument')
  assertRefused(() => new Verifier(keyring, { leeway: 1.5 }), 'invalid_argument')
  assertRefused(() => new Verifier(keyring, { env: 'Live' }), 'invalid_argument')
  assertRefused(() => new Verifier(keyring, { prefix: 'x' }), 'invalid_argument')
  assertRefused(() => new Verifier(keyring, { audience: 'has space' }), 'invalid_argument')
  assertRefused(() => new Issuer(keyring, { prefix: 'Till' }), 'invalid_argument')
  assertRefused(() => RootKey.fromText('tillroot_nope'), 'invalid_root_key')
  assertRefused(() => RootKey.fromEnv('TILL_NODE_TEST_UNSET_VARIABLE'), 'invalid_root_key')
  assertRefused(() => verifier.verify(reference.key, {}), 'invalid_argument')
  assertRefused(() => verifier.verify(reference.key, { scope: 'a:read', anyOf: ['b:read'] }),
    'invalid_argument')
  assertRefused(() => verifier.verify(reference.key, { allOf: [] }), 'invalid_scope')
  assertRefused(() => verifier.verify(reference.key, { scope: 'Users:read' }), 'invalid_scope')
  // A bad scope is reported before anything else that is wrong, with or without isRevoked.
  const revoking = new Verifier(keyring, { isRevoked: () => false })
  for (const checker of [verifier, revoking]) {
    for (const key of [123, 'till_live_nope', reference.key]) {
      for (const at of [undefined, NaN, new Date('x'), now]) {
        for (const request of ['Users:read', { scope: 'Users:read' }, { allOf: ['Users:read'] }]) {
          assertRefused(() => checker.verify(key, request, at), 'invalid_scope')
        }
      }
    }
  }
  assert.throws(() => verifier.verify(123, 'users:read'), TypeError)
  assertRefused(() => verifier.verify(reference.key, { scope: 'users:read' }, NaN),
    'invalid_argument')
  assertRefused(() => verifier.verify(reference.key, { scope: 'users:read' }, new Date('x')),
    'invalid_argument')
  assertRefused(() => attenuate(reference.key, { scopes: ['admin:all'] }, now), 'scope_not_held')
  assertRefused(() => new till.Policy({ roles: { a: { includes: ['ghost'] } } }), 'invalid_policy')
})

test('minting needs exactly one expiry, and sane numbers', () => {
  const issuer = new Issuer(keyring)
  const scopes = ['a:read']
  assertRefused(() => issuer.mint({ scopes }), 'invalid_argument')
  assertRefused(() => issuer.mint({ scopes, ttl: 60, neverExpires: true }), 'invalid_argument')
  assertRefused(() => issuer.mint({ scopes, ttl: 60, expiresAt: now }), 'invalid_argument')
  assertRefused(() => issuer.mint({ scopes, ttl: -1 }), 'invalid_argument')
  assertRefused(() => issuer.mint({ scopes, ttl: Infinity }), 'invalid_argument')
  assertRefused(() => issuer.mint({ scopes, ttl: 60, maxDelegation: 256 }), 'invalid_argument')
  assertRefused(() => issuer.mint({ ttl: 60 }), 'invalid_argument')
  assertRefused(() => issuer.mint({ scopes: ['not a scope'], ttl: 60 }), 'invalid_scope')
  assertRefused(() => issuer.mint({ roles: ['Admin'], ttl: 60 }), 'invalid_scope')
  assertRefused(() => issuer.mint({ scopes, ttl: 60, env: 'production' }), 'invalid_argument')
  assert.ok(issuer.mint({ scopes, ttl: 60, neverExpires: false }) instanceof till.ApiKey)
})

test('arguments of the wrong type are TypeErrors with Node\'s code', () => {
  const wrong = [
    () => verifier.verify(reference.key, 7),
    () => verifier.verify(reference.key, null),
    () => verifier.verify(reference.key, { scope: 5 }),
    () => verifier.verify(reference.key, { allOf: 'users:read' }),
    () => verifier.verify(reference.key, { scope: 'users:read' }, '1798761600'),
    () => verifier.verify(reference.key),
    () => verifier.authenticate(reference.key, {}),
    () => new Verifier(root),
    () => new Verifier({}),
    () => new Verifier(keyring, 'live'),
    () => new Verifier(keyring, { leeway: '5' }),
    () => new Verifier(keyring, { isRevoked: true }),
    () => new Issuer(verifier),
    () => new Issuer(keyring).mint('a:read'),
    () => new Issuer(keyring).mint({ scopes: 'a:read', ttl: 60 }),
    () => new Issuer(keyring).mint({ scopes: ['a:read'], expiresAt: '2030-01-01' }),
    () => new Keyring(root),
    () => new Keyring([keyring]),
    () => new Keyring([{}]),
    () => new Verifier(keyring, { policy: { roles: {} } }),
    () => new Issuer(keyring, { policy: keyring }),
    () => new till.Policy('roles'),
    () => new till.Policy({ roles: { a: { scopes: 'a:read' } } }),
    () => new Issuer(keyring).mint({ scopes: ['a:read'], ttl: 60, onBehalfOf: 'support' }),
    () => RootKey.fromText(5),
    () => RootKey.fromEnv(5),
    () => attenuate(reference.key, null),
    () => attenuate(reference.key, { ttl: '60' }),
    () => till.inspect(42),
    () => till.findKeys(Buffer.from('x')),
    () => till.redact(undefined),
  ]
  for (const call of wrong) {
    const error = caught(call)
    assert.ok(error instanceof TypeError, `${call}: ${error}`)
    assert.equal(error.code, 'ERR_INVALID_ARG_TYPE')
  }
})

test('isRevoked is asked after the tag is proven; its exception reaches the caller', () => {
  const asked = []
  const recording = new Verifier(keyring, { isRevoked: (id) => asked.push(id) < 0 })
  recording.verify(reference.key, { scope: 'users:read' }, now)
  assert.deepEqual(asked, [reference.expect.grant.key_id])

  asked.length = 0
  assertRefused(() => recording.authenticate(forged(reference.key), now), 'invalid_signature')
  assert.deepEqual(asked, [])

  const thrown = new RangeError('revocation list unavailable')
  const failing = new Verifier(keyring, { isRevoked: () => { throw thrown } })
  assert.equal(caught(() => failing.authenticate(reference.key, now)), thrown)

  const sloppy = new Verifier(keyring, { isRevoked: () => 'no' })
  const error = caught(() => sloppy.authenticate(reference.key, now))
  assert.ok(error instanceof TypeError)
  assert.match(error.message, /boolean/)

  const revoking = new Verifier(keyring, { isRevoked: () => true })
  assertRefused(() => revoking.authenticate(reference.key, now), 'revoked')
})

test('isRevoked may verify again with the same verifier and the same Request', () => {
  const request = new till.Request(reference.request.scope)
  let depth = 0
  const inner = []
  const nested = new Verifier(keyring, {
    isRevoked: () => {
      if (depth < 3) {
        depth++
        inner.push(nested.verify(reference.key, request, now).keyId)
      }
      return false
    },
  })
  assert.equal(nested.verify(reference.key, request, now).keyId, reference.expect.grant.key_id)
  assert.deepEqual(inner, Array(3).fill(reference.expect.grant.key_id))
})

test('the loader keeps its internals to itself', () => {
  assert.equal('register' in till, false)
  assert.equal('emptyCall' in till, false)
  assert.equal('grantKeyId' in till, false)
  assert.equal('verifyWith' in till, false)
  const request = new till.Request(reference.request.scope)
  assert.equal('checker' in verifier, false)
  assert.equal('prepared' in request, false)
  assert.deepEqual(Object.getOwnPropertySymbols(verifier), [])
  assert.deepEqual(Object.getOwnPropertySymbols(request), [])
  // verify and authenticate work on verifiers the package made, and on no other object.
  const bare = Object.create(Verifier.prototype)
  assert.throws(() => Verifier.prototype.verify.call(bare, reference.key, request, now), TypeError)
  assert.throws(() => Verifier.prototype.authenticate.call({}, reference.key, now), TypeError)
  assert.equal(verifier.verify(reference.key, request, now).keyId, reference.expect.grant.key_id)
  assert.deepEqual(Object.keys(till).sort(), [
    'ApiKey', 'Grant', 'Issuer', 'Keyring', 'Policy', 'Request', 'RootKey', 'TillError',
    'Verifier',
    '__napiBindingTarget',
    'attenuate', 'default', 'findKeys', 'inspect', 'redact',
  ])
})
