// The cost of verify: the reference key of test-vectors/keys.json against an equivalent
// HS256 JSON Web Token checked by the jsonwebtoken package, measured in the same run, and
// the cost of a call into the addon that does nothing.
//
// Each timed batch ends by yielding to the event loop, and that time counts, as the garbage
// collector's work on the grants it made does: both are in the figures as they are in a
// server. The request rows show the normal `{ scope }`
// object, a scope string, and a `Request` built once.
//
//   npm run build && node bench/verify.mjs

import assert from 'node:assert/strict'
import { createSecretKey, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { setImmediate as yieldToLoop } from 'node:timers/promises'

import jwt from 'jsonwebtoken'

import { Keyring, Request, RootKey, Verifier } from '../index.mjs'

const require = createRequire(import.meta.url)
const binding = require('../binding.js')

const ROUNDS = 101
const WARMUP_MS = 500

const file = JSON.parse(readFileSync(new URL('../../test-vectors/keys.json', import.meta.url)))
const reference = file.cases.find((vector) => vector.name === 'reference')
const expected = reference.expect.grant
const keyring = new Keyring([RootKey.fromText(file.root_keys[0].text)])
const verifier = new Verifier(keyring)
const revoking = new Verifier(keyring, { isRevoked: () => false })
const request = { scope: reference.request.scope }
const prebuilt = new Request(reference.request.scope)
const keyBytes = Buffer.from(reference.key)

// The same claims as a token signed with a 256-bit secret, checked with the same scope.
const secret = createSecretKey(randomBytes(32))
const token = jwt.sign({
  sub: expected.subject,
  jti: expected.key_id,
  scope: expected.scopes.join(' '),
  iat: expected.issued_at,
  exp: expected.expires_at,
}, secret, { algorithm: 'HS256' })
const jwtOptions = { algorithms: ['HS256'], clockTimestamp: reference.now }

function jwtVerify() {
  const claims = jwt.verify(token, secret, jwtOptions)
  if (!claims.scope.split(' ').includes(request.scope)) {
    throw new Error('insufficient scope')
  }
  return claims
}

/** How many calls of `call` take about 5 ms, found while warming it up. */
async function batchSize(call) {
  const until = performance.now() + WARMUP_MS
  let calls = 0
  while (performance.now() < until) {
    call()
    calls++
    if (calls % 1000 === 0) {
      await yieldToLoop()
    }
  }
  return Math.max(1, Math.round(calls / WARMUP_MS * 5))
}

/**
 * Median time of one call of each row, in nanoseconds. Each round times one batch of every
 * row in turn, so that a machine whose speed drifts slows every row alike; each batch's time
 * includes the turn of the event loop that follows it.
 */
async function measure(rows) {
  const batches = []
  for (const [, call] of rows) {
    batches.push(await batchSize(call))
  }
  const perCall = rows.map(() => [])
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [, call]] of rows.entries()) {
      const start = process.hrtime.bigint()
      for (let n = 0; n < batches[i]; n++) {
        call()
      }
      await yieldToLoop()
      perCall[i].push(Number(process.hrtime.bigint() - start) / batches[i])
    }
  }
  return perCall.map((times) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)])
}

// Both sides accept what they are given before anything is timed.
assert.equal(verifier.verify(reference.key, request, reference.now).keyId, expected.key_id)
assert.equal(jwtVerify().jti, expected.key_id)

const rows = [
  ['till verify, reference key (string)',
    () => verifier.verify(reference.key, request, reference.now)],
  ['till verify, reference key (Buffer)',
    () => verifier.verify(keyBytes, request, reference.now)],
  ['till verify, scope string',
    () => verifier.verify(reference.key, reference.request.scope, reference.now)],
  ['till verify, prebuilt Request',
    () => verifier.verify(reference.key, prebuilt, reference.now)],
  ['till verify, with an isRevoked callback',
    () => revoking.verify(reference.key, request, reference.now)],
  ['jsonwebtoken HS256 verify + scope check', jwtVerify],
  ['empty call into the addon', () => binding.emptyCall()],
]

console.log(`node ${process.version}, ${process.arch}, median of ${ROUNDS} rounds`)
const medians = await measure(rows)
for (const [i, [name]] of rows.entries()) {
  console.log(`${name.padEnd(42)} ${(medians[i] / 1000).toFixed(3).padStart(8)} µs`)
}
