// Secrets stay secret: no form of an ApiKey or RootKey object, no error message and no
// stack shows the text of a key or a root key.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { format, inspect as show } from 'node:util'

import {
  Issuer, Keyring, RootKey, Verifier, attenuate, findKeys, inspect, redact,
} from '../index.mjs'

const root = RootKey.generate()
const rootText = root.exposeSecret()
const keyring = new Keyring([root])
const issuer = new Issuer(keyring)
const verifier = new Verifier(keyring)
const apiKey = issuer.mint({ scopes: ['users:read'], ttl: 600, subject: 'canary' })
const keyText = apiKey.exposeSecret()

// The parts that must never show: each secret whole, and each one's tail, where the tag
// (API keys) or the secret bytes (root keys) are written.
const canaries = [keyText, keyText.slice(-28), rootText, rootText.slice(-40)]

function assertClean(text, where) {
  for (const canary of canaries) {
    assert.equal(String(text).includes(canary), false, `${where} shows a secret: ${text}`)
  }
}

function everyForm(value) {
  return {
    toString: String(value),
    template: `${value}`,
    json: JSON.stringify(value),
    nestedJson: JSON.stringify({ value, list: [value] }),
    inspect: show(value),
    inspectDeep: show({ value }, { depth: 10, showHidden: true, getters: true }),
    format: format('%s %o %O %j', value, value, value, value),
  }
}

test('the secrets are what they say', () => {
  assert.match(keyText, /^till_live_/)
  assert.match(rootText, /^tillroot_/)
  assert.equal(RootKey.fromText(rootText).id, root.id)
  assert.equal(verifier.authenticate(keyText).subject, 'canary')
  assert.throws(() => assertClean(`leaked ${keyText.slice(-28)}`, 'probe'))
  assert.throws(() => assertClean(`leaked ${rootText.slice(-40)}`, 'probe'))
})

test('ApiKey objects show only the redacted form', () => {
  const redacted = `till_live_[redacted:${apiKey.keyId}]`
  const forms = everyForm(apiKey)
  for (const [where, text] of Object.entries(forms)) {
    assertClean(text, where)
  }
  assert.equal(forms.toString, redacted)
  assert.equal(forms.json, JSON.stringify(redacted))
  assert.equal(forms.inspect, `ApiKey(${redacted})`)
  assert.equal(Object.keys(apiKey).length, 0)

  const sub = attenuate(keyText, { scopes: ['users:read'], to: 'agent:x' })
  assert.equal(String(sub), redacted)
  assertClean(show(sub), 'attenuated')
})

test('RootKey, Keyring, Issuer and Verifier objects never show the root key', () => {
  for (const value of [root, keyring, issuer, verifier]) {
    for (const [where, text] of Object.entries(everyForm(value))) {
      assertClean(text, `${value.constructor.name} ${where}`)
    }
  }
  assert.equal(String(root), `tillroot_[redacted:${root.id}]`)
  assert.equal(show(root), `RootKey(tillroot_[redacted:${root.id}])`)
})

test('grants and inspections carry no secret', () => {
  const grant = verifier.authenticate(keyText)
  const claims = inspect(keyText)
  for (const value of [grant, claims]) {
    for (const [where, text] of Object.entries(everyForm(value))) {
      assertClean(text, where)
    }
  }
  assert.equal(claims.verified, false)
})

test('error messages and stacks never echo a key or a root key', () => {
  const wrongEnv = new Verifier(keyring, { env: 'test' })
  const otherRing = new Keyring([RootKey.generate()])
  const tailTampered = keyText.slice(0, -10) + 'AAAA' + keyText.slice(-6)
  const calls = [
    () => wrongEnv.authenticate(keyText),
    () => new Verifier(otherRing).authenticate(keyText),
    () => verifier.verify(keyText, { scope: 'admin:all' }),
    () => verifier.verify(keyText, { scope: keyText }),
    () => verifier.verify(keyText, { allOf: [rootText] }),
    () => verifier.authenticate(tailTampered),
    () => verifier.authenticate(keyText + keyText),
    () => verifier.authenticate(rootText),
    () => verifier.verify(keyText, keyText),
    () => verifier.verify(keyText, { scope: { keyText } }),
    () => verifier.authenticate({ keyText }),
    () => verifier.authenticate(keyText, keyText),
    () => inspect(rootText),
    () => attenuate(keyText, { scopes: [rootText] }),
    () => attenuate(keyText, { to: keyText }),
    () => attenuate(keyText, { audience: { rootText } }),
    () => issuer.mint({ scopes: [keyText], ttl: 1 }),
    () => issuer.mint({ scopes: ['a:read'], ttl: 1, subject: { keyText } }),
    () => RootKey.fromText(rootText.slice(0, -1)),
    () => RootKey.fromText(rootText.slice(0, -1) + (rootText.endsWith('0') ? '1' : '0')),
    () => RootKey.fromText({ rootText }),
    () => RootKey.fromText(keyText),
    () => new Keyring([rootText]),
    () => new Keyring([root, { rootText }]),
    () => new Verifier(keyring, { audience: keyText }),
    () => new Verifier(keyring, { env: rootText }),
    () => new Issuer(keyring, { prefix: rootText }),
    () => findKeys({ keyText }),
  ]
  for (const call of calls) {
    assert.throws(call, (error) => {
      assertClean(error.message, `message of ${call}`)
      assertClean(error.stack, `stack of ${call}`)
      assertClean(show(error), `inspection of ${call}`)
      assertClean(JSON.stringify(error), `JSON of ${call}`)
      return true
    })
  }
})

test('redact and findKeys mask both kinds of secret', () => {
  const log = `key=${keyText} root=${rootText} sub=${attenuate(keyText, {}).exposeSecret()}`
  const masked = redact(log)
  assertClean(masked, 'redact')
  assert.equal(masked, `key=${apiKey} root=${root} sub=${apiKey}`)
  assert.deepEqual(findKeys(log).map((found) => found.kind), ['api_key', 'root_key', 'api_key'])
})
