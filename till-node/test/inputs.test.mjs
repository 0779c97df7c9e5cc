// Input types: a key as a string, a Buffer or a Uint8Array gives the same result; times as
// Dates or seconds give the same result; nothing else is taken for either.

import assert from 'node:assert/strict'
import { test } from 'node:test'

import {
  Grant, Issuer, Keyring, RootKey, TillError, Verifier, attenuate, inspect,
} from '../index.mjs'
import { assertRefused, assertTwinsRefused, forged, vectors } from './support.mjs'

const file = vectors('keys')
const reference = file.cases.find((vector) => vector.name === 'reference')
const keyring = new Keyring([RootKey.fromText(file.root_keys[0].text)])
const verifier = new Verifier(keyring)
const request = { scope: 'users:read' }
const now = reference.now

/** The same bytes in every form a key may take, including a view into a larger buffer. */
function forms(text) {
  const bytes = Buffer.from(text)
  const padded = new Uint8Array(bytes.length + 7)
  padded.set(bytes, 3)
  return [
    text,
    bytes,
    new Uint8Array(bytes),
    padded.subarray(3, 3 + bytes.length),
    Buffer.from(padded.buffer, 3, bytes.length),
  ]
}

function outcome(call) {
  try {
    const result = call()
    return { grant: result instanceof Grant ? result.toJSON() : result }
  } catch (error) {
    assert.ok(error instanceof TillError, String(error))
    return { error: error.code, missing: error.missing }
  }
}

test('a key as a string, a Buffer or a Uint8Array gives the same grant or refusal', () => {
  const keys = [
    reference.key,
    forged(reference.key),
    reference.key.slice(0, -1),
    reference.key + ' ',
    'till_live_',
    '',
    'x'.repeat(5000),
    ...file.cases.filter((vector) => 'key' in vector).map((vector) => vector.key),
  ]
  for (const key of keys) {
    const expected = outcome(() => verifier.verify(key, request, now))
    for (const form of forms(key)) {
      assert.deepEqual(outcome(() => verifier.verify(form, request, now)), expected)
      assert.deepEqual(outcome(() => verifier.authenticate(form, now)),
        outcome(() => verifier.authenticate(key, now)))
      assert.deepEqual(outcome(() => inspect(form)), outcome(() => inspect(key)))
    }
  }
  assert.equal(verifier.verify(Buffer.from(reference.key), request, now).keyId,
    reference.expect.grant.key_id)
})

test('long keys, up to the 4096-byte limit, are read whole in every form', () => {
  const scopes = Array.from({ length: 24 }, (_, i) => `${'r'.repeat(100)}/${i}:read`)
  const long = new Issuer(keyring).mint({ scopes, ttl: 60 }, now).exposeSecret()
  assert.ok(long.length > 2000 && long.length <= 4096, `${long.length}`)
  for (const form of forms(long)) {
    const granted = verifier.verify(form, { allOf: scopes }, now).scopes
    assert.deepEqual([...granted].sort(), [...scopes].sort())
  }
  assertTwinsRefused(long, (twin) => verifier.verify(twin, { scope: scopes[0] }, now))
  assertRefused(() => verifier.authenticate(long + 'x'.repeat(4097 - long.length), now),
    'too_large')
})

test('bytes that are not UTF-8 are refused as their decoded text would be', () => {
  const notUtf8 = file.cases.find((vector) => 'key_hex' in vector)
  const bytes = Buffer.from(notUtf8.key_hex, 'hex')
  assertRefused(() => verifier.authenticate(bytes, now), notUtf8.expect.error)
  assertRefused(() => verifier.authenticate(bytes.toString(), now), notUtf8.expect.error)
  assertRefused(() => inspect(bytes), notUtf8.expect.error)
  assertRefused(() => attenuate(bytes, { to: 'agent:x' }, now), notUtf8.expect.error)
  assertRefused(() => attenuate(bytes.toString(), { to: 'agent:x' }, now), notUtf8.expect.error)

  // Text beyond Latin-1, and lone surrogates, are refused the same way.
  for (const odd of ['till_live_é' + reference.key.slice(10), reference.key + '\ud800']) {
    assert.deepEqual(outcome(() => verifier.authenticate(odd, now)),
      outcome(() => verifier.authenticate(Buffer.from(odd), now)))
  }
})

test('other key types are TypeErrors', () => {
  const others = [
    undefined, null, 42, 42n, true, Symbol('key'), {}, [], [reference.key],
    { toString: () => reference.key }, new String(reference.key), () => reference.key,
    new Uint16Array(8), new Int8Array(8), new Uint8ClampedArray(8), new Float64Array(2),
    new ArrayBuffer(8), new DataView(new ArrayBuffer(8)),
  ]
  for (const other of others) {
    for (const call of [
      () => verifier.verify(other, request, now),
      () => verifier.authenticate(other, now),
      () => inspect(other),
      () => attenuate(other, {}, now),
    ]) {
      assert.throws(call, TypeError, String(typeof other))
    }
  }
})

test('a time as a Date or as seconds gives the same result; fractions round down', () => {
  const expiresAt = reference.expect.grant.expires_at
  const same = [
    [now, new Date(now * 1000), now + 0.999, new Date(now * 1000 + 999)],
    [expiresAt - 1, new Date(expiresAt * 1000 - 1), expiresAt - 0.001],
  ]
  for (const times of same) {
    const expected = outcome(() => verifier.verify(reference.key, request, times[0]))
    assert.ok('grant' in expected)
    for (const time of times) {
      assert.deepEqual(outcome(() => verifier.verify(reference.key, request, time)), expected)
    }
  }
  for (const late of [expiresAt, new Date(expiresAt * 1000), expiresAt + 0.5, 1e300]) {
    assertRefused(() => verifier.verify(reference.key, request, late), 'expired')
  }
  for (const invalid of [NaN, Infinity, -Infinity, new Date(NaN)]) {
    assertRefused(() => verifier.verify(reference.key, request, invalid), 'invalid_argument')
  }
  for (const other of ['1798761600', {}, [now], 1798761600n, true]) {
    assert.throws(() => verifier.verify(reference.key, request, other), TypeError)
  }
})

test('without a time, the verifier reads the clock', () => {
  // The reference key was minted in 2026 and has long expired by the clock of any test run
  // after 2027-01-01; before that, it is valid. Either way the outcome matches the clock.
  const expired = Date.now() / 1000 >= reference.expect.grant.expires_at
  const result = outcome(() => verifier.verify(reference.key, request))
  assert.deepEqual(result, expired ? { error: 'expired', missing: undefined }
    : { grant: verifier.verify(reference.key, request, Date.now() / 1000).toJSON() })
})
