// The forms a request may take (a scope string, a ScopeRequest object, a Request built once)
// and the Grant class, whose fields are read from till-core when first asked for.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { inspect as show } from 'node:util'
import { test } from 'node:test'

import { Grant, Issuer, Keyring, Policy, Request, RootKey, Verifier } from '../index.mjs'
import { asVector, assertRefused, assertTwinsRefused, vectors } from './support.mjs'

const require = createRequire(import.meta.url)
const binding = require('../binding.js')

const file = vectors('keys')
const reference = file.cases.find((vector) => vector.name === 'reference')
const keyring = new Keyring([RootKey.fromText(file.root_keys[0].text)])
const verifier = new Verifier(keyring)
const now = reference.now
const scope = reference.request.scope

test('a scope string, { scope } and a Request give the same grant', () => {
  const forms = [scope, { scope }, new Request(scope), new Request({ scope }),
    new Request(new Request(scope))]
  for (const form of forms) {
    assert.deepEqual(asVector(verifier.verify(reference.key, form, now)),
      reference.expect.grant)
    assertTwinsRefused(reference.key, (twin) => verifier.verify(twin, form, now))
  }
})

test('every form refuses a scope the key does not grant, naming it', () => {
  const forms = ['admin:all', { scope: 'admin:all' }, new Request('admin:all'),
    new Request({ allOf: ['users:read', 'admin:all'] })]
  for (const form of forms) {
    assertRefused(() => verifier.verify(reference.key, form, now), 'insufficient_scope',
      ['admin:all'])
  }
})

test('a Request of allOf and anyOf checks as the object it was built from', () => {
  const granted = reference.expect.grant.scopes
  const cases = [
    { allOf: granted },
    { anyOf: ['admin:all', granted[0]] },
  ]
  for (const asked of cases) {
    const request = new Request(asked)
    assert.deepEqual(request.scopes, asked.allOf ?? asked.anyOf)
    assert.equal(request.anyOf, 'anyOf' in asked)
    assert.deepEqual(verifier.verify(reference.key, request, now).toJSON(),
      verifier.verify(reference.key, asked, now).toJSON())
  }
  assertRefused(() => verifier.verify(reference.key, new Request({ anyOf: ['admin:all'] }), now),
    'insufficient_scope', ['admin:all'])
})

/** The code `call` is refused with. */
function refusal(call) {
  try {
    call()
  } catch (error) {
    return error.code
  }
  return assert.fail('expected a refusal')
}

test('a Request is refused as its object form is', () => {
  for (const bad of ['', 'users', 'a:b:c', { scope: 'x' }, { allOf: [] }, {},
    { scope: 'a:read', anyOf: ['b:read'] }]) {
    const code = refusal(() => verifier.verify(reference.key, bad, now))
    assert.ok(['invalid_scope', 'invalid_argument'].includes(code), `${code}`)
    assert.equal(refusal(() => new Request(bad)), code)
  }
  for (const bad of [7, null, undefined, true, { scope: 7 }]) {
    assert.throws(() => new Request(bad), TypeError)
    assert.throws(() => verifier.verify(reference.key, bad, now), TypeError)
  }
})

test('a long scope string is read whole', () => {
  // Past the room the binding reads short strings into, with a character of 3 bytes and one
  // of 4 at the edge of it.
  for (const long of [`${'r'.repeat(300)}:read`, `${'r'.repeat(252)}€:read`,
    `${'r'.repeat(251)}😀:read`, `users:${'r'.repeat(250)}`]) {
    const asObject = refusal(() => verifier.verify(reference.key, { scope: long }, now))
    assert.equal(refusal(() => verifier.verify(reference.key, long, now)), asObject)
    assert.equal(refusal(() => new Request(long)), asObject)
  }
})

test('a Grant is made only by a Verifier, and holds its fields once read', () => {
  assert.throws(() => new Grant(), TypeError)
  const grant = verifier.verify(reference.key, scope, now)
  assert.ok(grant instanceof Grant)
  assert.equal(grant.scopes, grant.scopes)
  assert.equal(grant.issuedAt, grant.issuedAt)
  assert.equal(grant.subject, reference.expect.grant.subject)
  assert.equal(grant.audience, null)
  assert.equal(grant.notBefore, null)
  assert.equal(Object.prototype.toString.call(grant), '[object Grant]')
  assert.deepEqual(JSON.parse(JSON.stringify(grant)).keyId, reference.expect.grant.key_id)
  assert.match(show(grant), new RegExp(`^Grant \\{.*${reference.expect.grant.key_id}`, 's'))
})

test('grants outlive many others, and the binding reads nothing but records', () => {
  const kept = verifier.verify(reference.key, scope, now)
  for (let i = 0; i < 1000; i++) {
    verifier.authenticate(reference.key, now)
  }
  assert.deepEqual(asVector(kept), reference.expect.grant)
  // A record is a string of the form till-core writes; anything else is refused.
  for (const other of ['', 'till', reference.key, 7, null, Buffer.from(reference.key), {}]) {
    assert.throws(() => binding.grantKeyId(other), TypeError)
  }
  assert.deepEqual(asVector(kept), reference.expect.grant)
})

test('the binding reads an external only as what it was made for', () => {
  // Any script can reach the binding's functions and the native verify, which hands out the
  // policy external that comes with a grant of roles; it is read only as a policy.
  const root = RootKey.generate()
  const ring = new Keyring([root])
  const policy = new Policy({ roles: { viewer: { scopes: ['**:read'] } } })
  const withPolicy = new Verifier(ring, { policy })
  const key = new Issuer(ring, { policy }).mint({ roles: ['viewer'], ttl: 600 }).exposeSecret()
  const nativeVerify = Object.getPrototypeOf(Verifier.prototype).verify
  const [record, external] = nativeVerify.call(withPolicy, key, 'docs:read')
  assert.equal(typeof external, 'object')
  assert.deepEqual(binding.grantScopes(record, external), ['**:read'])
  assert.throws(() => binding.verifyWith(external, key, 'docs:read'), TypeError)
  assert.throws(() => binding.authenticateWith(external, key), TypeError)
  const prepared = new Request('docs:read')
  assert.throws(() => binding.verifyPreparedWith(external, key, prepared), TypeError)
  assert.throws(() => binding.grantScopes(record, {}), TypeError)
  // The package's own classes still verify, and refuse what they should.
  assert.equal(withPolicy.verify(key, prepared).subject, null)
  assert.throws(() => withPolicy.verify(key, 'docs:write'), { code: 'insufficient_scope' })
})
