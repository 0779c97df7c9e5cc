// Worker threads: each creates its own verifier from the same root key text, and all of them
// verify at once, with results identical to the main thread's.

import assert from 'node:assert/strict'
import { once } from 'node:events'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

import { Issuer, Keyring, RootKey, TillError, Verifier, attenuate } from '../index.mjs'
import { forged } from './support.mjs'

const NOW = 1_900_000_000
const WORKERS = 4
const ROUNDS = 50
const PACKAGE = fileURLToPath(new URL('../index.js', import.meta.url))

// Runs in each worker: wait for the others, then verify every key ROUNDS times.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const { Issuer, Keyring, RootKey, TillError, Verifier } = require(workerData.package)

const keyring = new Keyring([RootKey.fromText(workerData.rootText)])
const verifier = new Verifier(keyring, { isRevoked: (id) => id === workerData.revoked })
const start = new Int32Array(workerData.start)
Atomics.add(start, 0, 1)
Atomics.wait(start, 1, 0)

let results
for (let round = 0; round < workerData.rounds; round++) {
  const current = workerData.keys.map((key) => {
    try {
      const grant = verifier.verify(key, { scope: 'docs:read' }, workerData.now)
      return { keyId: grant.keyId, scopes: grant.scopes, expiresAt: grant.expiresAt.getTime(),
        chain: grant.chain }
    } catch (error) {
      return { error: error.code, tillError: error instanceof TillError, missing: error.missing }
    }
  })
  if (results !== undefined && JSON.stringify(current) !== JSON.stringify(results)) {
    throw new Error('results changed between rounds')
  }
  results = current
}
let typeError = false
try {
  verifier.authenticate(42)
} catch (error) {
  typeError = error instanceof TypeError
}
const minted = new Issuer(keyring).mint({ scopes: ['docs:read'], ttl: 60 }, workerData.now)
parentPort.postMessage({ results, typeError, minted: minted.exposeSecret() })
`

function summary(verifier, key) {
  try {
    const grant = verifier.verify(key, { scope: 'docs:read' }, NOW)
    return { keyId: grant.keyId, scopes: grant.scopes, expiresAt: grant.expiresAt.getTime(),
      chain: grant.chain }
  } catch (error) {
    return { error: error.code, tillError: error instanceof TillError, missing: error.missing }
  }
}

test('verifiers in several worker threads at once agree with the main thread', async () => {
  const root = RootKey.generate()
  const keyring = new Keyring([root])
  const issuer = new Issuer(keyring)
  const keys = []
  for (let i = 0; i < 25; i++) {
    const key = issuer.mint({ scopes: [`docs:read`, `team${i}:write`], ttl: 60 + i }, NOW)
    const narrowed = attenuate(key.exposeSecret(), { scopes: [`team${i}:write`],
      to: `agent:${i}` }, NOW)
    keys.push(key.exposeSecret(), narrowed.exposeSecret(), forged(key.exposeSecret()))
  }
  const revokedKey = issuer.mint({ scopes: ['docs:read'], ttl: 60 }, NOW)
  keys.push(revokedKey.exposeSecret())

  const revoked = revokedKey.keyId
  const mainVerifier = new Verifier(keyring, { isRevoked: (id) => id === revoked })
  const expected = keys.map((key) => summary(mainVerifier, key))
  const codes = new Set(expected.map((result) => result.error ?? 'granted'))
  assert.deepEqual([...codes].sort(),
    ['granted', 'insufficient_scope', 'invalid_signature', 'revoked'])

  const start = new SharedArrayBuffer(8)
  const workers = Array.from({ length: WORKERS }, () => new Worker(WORKER, {
    eval: true,
    workerData: {
      package: PACKAGE, rootText: root.exposeSecret(), keys, revoked, now: NOW,
      rounds: ROUNDS, start,
    },
  }))
  const messages = workers.map((worker) => once(worker, 'message'))
  const exits = workers.map((worker) => once(worker, 'exit'))

  // Release every worker at once, so that they verify concurrently.
  const counters = new Int32Array(start)
  while (Atomics.load(counters, 0) < WORKERS) {
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  Atomics.store(counters, 1, 1)
  Atomics.notify(counters, 1)

  for (const [message] of await Promise.all(messages)) {
    assert.deepEqual(message.results, expected)
    assert.equal(message.typeError, true)
    assert.deepEqual(mainVerifier.authenticate(message.minted, NOW).scopes, ['docs:read'])
  }
  for (const [code] of await Promise.all(exits)) {
    assert.equal(code, 0)
  }
})

test('a worker stopped in the middle of verifying leaves the main thread working', async () => {
  const root = RootKey.generate()
  const key = new Issuer(new Keyring([root])).mint({ scopes: ['docs:read'], ttl: 60 }, NOW)
  const busy = `
    const { workerData, parentPort } = require('node:worker_threads')
    const { Keyring, RootKey, Verifier } = require(workerData.package)
    const verifier = new Verifier(new Keyring([RootKey.fromText(workerData.rootText)]),
      { isRevoked: () => false })
    parentPort.postMessage('ready')
    for (;;) verifier.verify(workerData.key, { scope: 'docs:read' }, workerData.now)
  `
  for (let i = 0; i < 3; i++) {
    const worker = new Worker(busy, { eval: true, workerData: {
      package: PACKAGE, rootText: root.exposeSecret(), key: key.exposeSecret(), now: NOW,
    } })
    await once(worker, 'message')
    await worker.terminate()
  }
  const verifier = new Verifier(new Keyring([root]))
  assert.equal(verifier.authenticate(key.exposeSecret(), NOW).keyId, key.keyId)
  assert.throws(() => verifier.authenticate(forged(key.exposeSecret()), NOW), TillError)
})
