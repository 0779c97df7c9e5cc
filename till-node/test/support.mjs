// Shared by the tests: the vector files, and keys altered behind the checksum's back.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { crc32 } from 'node:zlib'

import { Grant, Keyring, Policy, RootKey, TillError, Verifier } from '../index.mjs'

/** Reads `test-vectors/<name>.json`. */
export function vectors(name) {
  const url = new URL(`../../test-vectors/${name}.json`, import.meta.url)
  return JSON.parse(readFileSync(url, 'utf8'))
}

/** A vector's key: its text, or its bytes for input that is not UTF-8. */
export function keyOf(vector) {
  return vector.key ?? Buffer.from(vector.key_hex, 'hex')
}

/** The verifier a keys.json case describes, with `isRevoked` over its revoked ids. */
export function verifierFor(file, vector) {
  const setup = vector.verifier
  const texts = new Map(file.root_keys.map((root) => [root.id, root.text]))
  const keyring = new Keyring(setup.root_keys.map((id) => RootKey.fromText(texts.get(id))))
  return new Verifier(keyring, {
    env: setup.env,
    prefix: setup.prefix,
    leeway: setup.leeway,
    audience: setup.audience ?? undefined,
    policy: setup.policy ? new Policy(setup.policy) : undefined,
    isRevoked: (id) => setup.revoked.includes(id),
  })
}

/** Runs a keys.json case's request against `key`. */
export function check(verifier, vector, key) {
  const request = vector.request
  if (request === null) {
    return verifier.authenticate(key, vector.now)
  }
  if ('scope' in request) {
    return verifier.verify(key, { scope: request.scope }, vector.now)
  }
  if ('all_of' in request) {
    return verifier.verify(key, { allOf: request.all_of }, vector.now)
  }
  return verifier.verify(key, { anyOf: request.any_of }, vector.now)
}

const seconds = (date) => {
  assert.ok(date instanceof Date, `${date} is a Date`)
  return date.getTime() / 1000
}

/** A grant in the vectors' spelling: snake_case, times in seconds. Checks field types. */
export function asVector(grant) {
  assert.ok(grant instanceof Grant, `${grant} is a Grant`)
  assert.deepEqual(Object.keys(grant.toJSON()).sort(), GRANT_FIELDS)
  return {
    key_id: grant.keyId,
    root_key_id: grant.rootKeyId,
    prefix: grant.prefix,
    env: grant.env,
    subject: grant.subject,
    audience: grant.audience,
    scopes: grant.scopes,
    roles: grant.roles,
    issued_at: seconds(grant.issuedAt),
    expires_at: grant.expiresAt === null ? null : seconds(grant.expiresAt),
    not_before: grant.notBefore === null ? null : seconds(grant.notBefore),
    chain: grant.chain.map(({ id, label }) => ({ id, label })),
  }
}

const GRANT_FIELDS = [
  'audience', 'chain', 'env', 'expiresAt', 'issuedAt', 'keyId', 'notBefore', 'prefix',
  'rootKeyId', 'roles', 'scopes', 'subject',
].sort()

/**
 * Asserts that `call` throws a `TillError` with `code`, and with the `missing` and `beyond`
 * scopes given (none when not given).
 */
export function assertRefused(call, code, missing, beyond) {
  assert.throws(call, (error) => {
    assert.ok(error instanceof TillError, `${error} is a TillError`)
    assert.equal(error.code, code)
    assert.deepEqual(error.missing, missing)
    assert.deepEqual(error.beyond, beyond)
    return true
  })
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** The six-digit checksum a key's text ends with (CRC-32, in base62). */
function checksum(text) {
  let value = crc32(text)
  let digits = ''
  for (let i = 0; i < 6; i++) {
    digits = BASE62[value % 62] + digits
    value = Math.floor(value / 62)
  }
  return digits
}

/**
 * `key` with the character at `index` replaced and the checksum written anew, so that only
 * the parser and the MAC stand between the twin and acceptance.
 */
export function twin(key, index) {
  const body = key.slice(0, -6)
  const replacement = body[index] === 'A' ? 'B' : 'A'
  const altered = body.slice(0, index) + replacement + body.slice(index + 1)
  return altered + checksum(altered)
}

/** `key` with one character of its tag changed and its checksum fixed: a forgery. */
export function forged(key) {
  // The second-to-last body character encodes tag bits only.
  return twin(key, key.length - 8)
}

/**
 * The tampered twins of an accepted key: every character before the checksum changed in
 * turn (checksum fixed), one character of the tag changed (checksum fixed), and one
 * character of the checksum changed.
 */
export function twins(key) {
  const all = []
  for (let i = 0; i < key.length - 6; i++) {
    all.push({ key: twin(key, i), code: null })
  }
  all.push({ key: forged(key), code: 'invalid_signature' })
  all.push({ key: key.slice(0, -1) + (key.endsWith('0') ? '1' : '0'), code: 'bad_checksum' })
  return all
}

/** Asserts that every tampered twin of `key` is refused by `call(twinKey)`. */
export function assertTwinsRefused(key, call) {
  for (const { key: altered, code } of twins(key)) {
    assert.notEqual(altered, key)
    assert.throws(() => call(altered), (error) => {
      assert.ok(error instanceof TillError, `${error} is a TillError`)
      if (code !== null) {
        assert.equal(error.code, code)
      }
      return true
    })
  }
}
