// Keys minted in Node and verified in Node: every claim, attenuation chains, environments,
// prefixes, rotation and revocation by key id or block id.

import assert from 'node:assert/strict'
import { test } from 'node:test'

import {
  ApiKey, Issuer, Keyring, Policy, RootKey, Verifier, attenuate, inspect,
} from '../index.mjs'
import { assertRefused, assertTwinsRefused, twin } from './support.mjs'

const NOW = 1_900_000_000
const root = RootKey.generate()
const keyring = new Keyring([root])
const issuer = new Issuer(keyring)
const verifier = new Verifier(keyring)

test('a key carries every claim it was minted with', () => {
  const key = issuer.mint({
    scopes: ['repo/acme/*:read', 'repo/acme/api:write'],
    roles: ['support'],
    ttl: 3600,
    subject: 'agent-7',
    audience: 'search-api',
    notBefore: new Date((NOW - 60) * 1000),
    maxDelegation: 2,
  }, NOW)
  assert.ok(key instanceof ApiKey)
  assert.match(key.exposeSecret(), /^till_live_/)

  const audienced = new Verifier(keyring, { audience: 'search-api' })
  const grant = audienced.verify(key.exposeSecret(), { scope: 'repo/acme/docs:read' }, NOW)
  assert.deepEqual(grant.toJSON(), {
    keyId: key.keyId,
    rootKeyId: root.id,
    prefix: 'till',
    env: 'live',
    subject: 'agent-7',
    audience: 'search-api',
    scopes: ['repo/acme/*:read', 'repo/acme/api:write'],
    roles: ['support'],
    issuedAt: new Date(NOW * 1000),
    expiresAt: new Date((NOW + 3600) * 1000),
    notBefore: new Date((NOW - 60) * 1000),
    chain: [],
  })
  assertTwinsRefused(key.exposeSecret(),
    (twin) => audienced.verify(twin, { scope: 'repo/acme/docs:read' }, NOW))

  assertRefused(() => verifier.authenticate(key.exposeSecret(), NOW), 'wrong_audience')
  assertRefused(() => audienced.authenticate(key.exposeSecret(), NOW - 61), 'not_yet_valid')
  assertRefused(() => audienced.authenticate(key.exposeSecret(), NOW + 3600), 'expired')
  assertRefused(() => audienced.verify(key.exposeSecret(), { scope: 'repo/other:read' }, NOW),
    'insufficient_scope', ['repo/other:read'])

  const claims = inspect(key.exposeSecret())
  assert.equal(claims.verified, false)
  assert.equal(claims.keyId, key.keyId)
  assert.equal(claims.maxDelegation, 2)
})

test('each kind of expiry', () => {
  const at = issuer.mint({ scopes: ['a:read'], expiresAt: NOW + 10 }, NOW)
  const atDate = issuer.mint({ scopes: ['a:read'], expiresAt: new Date((NOW + 10) * 1000) }, NOW)
  const never = issuer.mint({ scopes: ['a:read'], neverExpires: true }, NOW)
  for (const key of [at, atDate]) {
    assert.deepEqual(verifier.authenticate(key.exposeSecret(), NOW).expiresAt,
      new Date((NOW + 10) * 1000))
    assertRefused(() => verifier.authenticate(key.exposeSecret(), NOW + 10), 'expired')
    assertTwinsRefused(key.exposeSecret(), (twin) => verifier.authenticate(twin, NOW))
  }
  assert.equal(verifier.authenticate(never.exposeSecret(), 253402300799).expiresAt, null)
  assertTwinsRefused(never.exposeSecret(), (twin) => verifier.authenticate(twin, NOW))
})

test('attenuation narrows a key, and the chain records each block', () => {
  const key = issuer.mint({ scopes: ['repo/acme/*:read', 'repo/acme/*:write'], ttl: 3600 }, NOW)
  const triage = attenuate(key.exposeSecret(),
    { scopes: ['repo/acme/*:read'], to: 'agent:triage', ttl: 600 }, NOW)
  const summarizer = attenuate(triage.exposeSecret(),
    { scopes: ['repo/acme/docs:read'], to: 'agent:summarizer', maxDelegation: 0 },
    new Date(NOW * 1000))
  assert.equal(triage.keyId, key.keyId)
  assert.equal(summarizer.keyId, key.keyId)

  const grant = verifier.verify(summarizer.exposeSecret(), { scope: 'repo/acme/docs:read' }, NOW)
  assert.deepEqual(grant.scopes, ['repo/acme/docs:read'])
  assert.deepEqual(grant.chain.map((link) => link.label), ['agent:triage', 'agent:summarizer'])
  assert.deepEqual(grant.expiresAt, new Date((NOW + 600) * 1000))
  assertTwinsRefused(summarizer.exposeSecret(), (twin) => verifier.authenticate(twin, NOW))

  assertRefused(() => verifier.verify(summarizer.exposeSecret(),
    { scope: 'repo/acme/api:read' }, NOW), 'insufficient_scope', ['repo/acme/api:read'])
  assertRefused(() => verifier.verify(triage.exposeSecret(),
    { allOf: ['repo/acme/api:read', 'repo/acme/api:write'] }, NOW),
  'insufficient_scope', ['repo/acme/api:write'])
  assertRefused(() => attenuate(summarizer.exposeSecret(), { to: 'agent:x' }, NOW),
    'delegation_limit')
  assertRefused(() => attenuate(triage.exposeSecret(), { scopes: ['repo/acme/*:write'] }, NOW),
    'scope_not_held')
})

test('revoking a key id refuses its descendants; revoking a block id only its subtree', () => {
  const key = issuer.mint({ scopes: ['a:read'], ttl: 3600 }, NOW)
  const left = attenuate(key.exposeSecret(), { to: 'agent:left' }, NOW).exposeSecret()
  const right = attenuate(key.exposeSecret(), { to: 'agent:right' }, NOW).exposeSecret()
  const leftLeaf = attenuate(left, { to: 'agent:leaf' }, NOW).exposeSecret()
  const leftBlock = verifier.authenticate(left, NOW).chain[0].id

  const revoked = new Set()
  const revoking = new Verifier(keyring, { isRevoked: (id) => revoked.has(id) })
  for (const sub of [key.exposeSecret(), left, right, leftLeaf]) {
    assert.equal(revoking.authenticate(sub, NOW).keyId, key.keyId)
  }

  revoked.add(leftBlock)
  assertRefused(() => revoking.authenticate(left, NOW), 'revoked')
  assertRefused(() => revoking.authenticate(leftLeaf, NOW), 'revoked')
  assert.equal(revoking.authenticate(right, NOW).chain[0].label, 'agent:right')
  assert.equal(revoking.authenticate(key.exposeSecret(), NOW).chain.length, 0)

  revoked.add(key.keyId)
  for (const sub of [key.exposeSecret(), left, right, leftLeaf]) {
    assertRefused(() => revoking.authenticate(sub, NOW), 'revoked')
  }
})

test('environments, prefixes and root key rotation', () => {
  const testKey = issuer.mint({ scopes: ['a:read'], ttl: 60, env: 'test' }, NOW).exposeSecret()
  assert.match(testKey, /^till_test_/)
  assertRefused(() => verifier.authenticate(testKey, NOW), 'wrong_environment')
  const testVerifier = new Verifier(keyring, { env: 'test' })
  assert.equal(testVerifier.authenticate(testKey, NOW).env, 'test')
  assertTwinsRefused(testKey, (twin) => testVerifier.authenticate(twin, NOW))

  const acme = new Issuer(keyring, { prefix: 'acme' }).mint({ scopes: ['a:read'], ttl: 60 }, NOW)
  assert.match(acme.exposeSecret(), /^acme_live_/)
  assertRefused(() => verifier.authenticate(acme.exposeSecret(), NOW), 'malformed')
  const acmeVerifier = new Verifier(keyring, { prefix: 'acme' })
  assert.equal(acmeVerifier.authenticate(acme.exposeSecret(), NOW).prefix, 'acme')
  assertTwinsRefused(acme.exposeSecret(), (twin) => acmeVerifier.authenticate(twin, NOW))

  const next = RootKey.generate()
  const rotated = new Keyring([next, root])
  assert.deepEqual(rotated.ids, [next.id, root.id])
  const old = issuer.mint({ scopes: ['a:read'], ttl: 60 }, NOW).exposeSecret()
  const fresh = new Issuer(rotated).mint({ scopes: ['a:read'], ttl: 60 }, NOW).exposeSecret()
  const both = new Verifier(rotated)
  assert.equal(both.authenticate(old, NOW).rootKeyId, root.id)
  assert.equal(both.authenticate(fresh, NOW).rootKeyId, next.id)
  assertRefused(() => verifier.authenticate(fresh, NOW), 'unknown_root_key')
  assertTwinsRefused(fresh, (twin) => both.authenticate(twin, NOW))

  // Another secret under the same id: a character of the secret changed, checksum fixed.
  const impostor = RootKey.fromText(twin(root.exposeSecret(), 40))
  assert.equal(impostor.id, root.id)
  assertRefused(() => new Verifier(new Keyring([impostor])).authenticate(old, NOW),
    'invalid_signature')
})

test('roles resolve through the policy in force at each verify', () => {
  const desk = {
    roles: {
      viewer: { scopes: ['tickets:read'] },
      support: { scopes: ['tickets:write'], includes: ['viewer'] },
    },
  }
  const policy = new Policy(desk)
  assert.deepEqual(policy.roles,
    { support: ['tickets:read', 'tickets:write'], viewer: ['tickets:read'] })
  const withPolicy = new Verifier(keyring, { policy })
  const key = new Issuer(keyring, { policy })
    .mint({ roles: ['support'], scopes: ['kb:read'], ttl: 600 }, NOW).exposeSecret()

  const grant = withPolicy.verify(key, { scope: 'tickets:write' }, NOW)
  const unread = withPolicy.authenticate(key, NOW)
  assert.deepEqual(grant.roles, ['support'])
  assert.deepEqual(grant.scopes, ['kb:read', 'tickets:read', 'tickets:write'])
  assertTwinsRefused(key, (twin) => withPolicy.verify(twin, { scope: 'tickets:write' }, NOW))
  assertRefused(() => verifier.verify(key, { scope: 'tickets:write' }, NOW),
    'insufficient_scope', ['tickets:write'])

  // Taking a permission from the role takes it from every key at the next check.
  policy.replace({ roles: { viewer: { scopes: ['tickets:read'] }, support: {} } })
  assertRefused(() => withPolicy.verify(key, { scope: 'tickets:write' }, NOW),
    'insufficient_scope', ['tickets:write'])
  assert.deepEqual(withPolicy.authenticate(key, NOW).scopes, ['kb:read'])
  // A grant made before keeps the policy it was verified with, even when read only now.
  assert.deepEqual(unread.scopes, ['kb:read', 'tickets:read', 'tickets:write'])
  assertRefused(() => policy.replace({ roles: { a: { includes: ['a'] } } }), 'invalid_policy')
  assert.deepEqual(policy.roles, { support: [], viewer: ['tickets:read'] })
})

test('the scopes of a chain whose blocks multiply them are worked out in bounded time', () => {
  // A key naming a role lets a holder attenuate with any patterns. Block `depth` fixes
  // segment `depth` to one of `width` names: the effective scopes multiply with every block.
  const policy = new Policy({ roles: { viewer: { scopes: ['**:read'] } } })
  const withPolicy = new Verifier(keyring, { policy })
  const chain = (blocks, width) => {
    let key = new Issuer(keyring, { policy })
      .mint({ roles: ['viewer'], ttl: 600 }, NOW).exposeSecret()
    for (let depth = 0; depth < blocks; depth++) {
      const scopes = Array.from({ length: width }, (_, i) =>
        `${'*/'.repeat(depth)}${depth}${i.toString(16)}/**:read`)
      key = attenuate(key, { scopes }, NOW).exposeSecret()
    }
    return key
  }
  // Within the bound, every effective scope is listed.
  const small = withPolicy.authenticate(chain(2, 3), NOW)
  assert.deepEqual(small.scopes, ['00/10/**:read', '00/11/**:read', '00/12/**:read',
    '01/10/**:read', '01/11/**:read', '01/12/**:read',
    '02/10/**:read', '02/11/**:read', '02/12/**:read'])
  // Eight blocks of twelve would give 12^8: the work runs out in the second block, nothing is
  // listed, and the key still grants exactly what its chain allows.
  const key = chain(8, 12)
  assert.deepEqual(withPolicy.authenticate(key, NOW).scopes, [])
  withPolicy.verify(key, '03/15/20/31/42/57/69/7b/x:read', NOW)
  const outside = '03/15/20/31/42/57/69/7c/x:read'
  assertRefused(() => withPolicy.verify(key, outside, NOW), 'insufficient_scope', [outside])
})

test('minting on behalf of roles stays within them', () => {
  const policy = new Policy({ roles: { support: { scopes: ['tickets:*'] } } })
  const bounded = new Issuer(keyring, { policy })
  const within = bounded.mint({ scopes: ['tickets:read'], onBehalfOf: ['support'], ttl: 60 }, NOW)
  assert.deepEqual(verifier.authenticate(within.exposeSecret(), NOW).scopes, ['tickets:read'])
  assertTwinsRefused(within.exposeSecret(), (twin) => verifier.authenticate(twin, NOW))
  assertRefused(() => bounded.mint({ scopes: ['tickets:read', 'admin:all', 'billing:read'],
    onBehalfOf: ['support'], ttl: 60 }, NOW), 'exceeds_roles', undefined,
  ['admin:all', 'billing:read'])
  assertRefused(() => bounded.mint({ roles: ['ghost'], ttl: 60 }, NOW), 'invalid_policy')
  assertRefused(() => issuer.mint({ scopes: ['a:read'], onBehalfOf: ['support'], ttl: 60 }, NOW),
    'invalid_argument')
})

test('a root key read from the environment is the same key', () => {
  process.env.TILL_NODE_TEST_ROOT_KEY = `${root.exposeSecret()}\n`
  try {
    const again = RootKey.fromEnv('TILL_NODE_TEST_ROOT_KEY')
    assert.equal(again.id, root.id)
    const key = new Issuer(new Keyring([again])).mint({ scopes: ['a:read'], ttl: 60 }, NOW)
    assert.equal(verifier.authenticate(key.exposeSecret(), NOW).keyId, key.keyId)
  } finally {
    delete process.env.TILL_NODE_TEST_ROOT_KEY
  }
})
