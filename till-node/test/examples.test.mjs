// The Express and Fastify examples, over a real loopback connection: 200 for a key that
// grants the route's scope, 401 or 403 with an RFC 6750 challenge otherwise.

import assert from 'node:assert/strict'
import { once } from 'node:events'
import { describe, test } from 'node:test'

import { Issuer, Keyring, RootKey, Verifier, attenuate } from '@till/node'

import * as expressExample from '../examples/express.mjs'
import * as fastifyExample from '../examples/fastify.mjs'
import { forged } from './support.mjs'

const root = RootKey.generate()
const keyring = new Keyring([root])
const verifier = new Verifier(keyring)
const issuer = new Issuer(keyring)
const reader = issuer.mint({ scopes: ['docs:read'], ttl: 600, subject: 'reader' }).exposeSecret()
const admin = issuer.mint({ scopes: ['docs:read', 'settings:write'], ttl: 600, subject: 'admin' })
  .exposeSecret()
const narrowed = attenuate(admin, { scopes: ['docs:read'], to: 'agent:reader' }).exposeSecret()
const expired = issuer.mint({ scopes: ['docs:read'], expiresAt: 1_000_000 }, 999_000)
  .exposeSecret()
const stranger = new Issuer(new Keyring([RootKey.generate()]))
  .mint({ scopes: ['docs:read'], ttl: 600 }).exposeSecret()

const BARE = 'Bearer realm="till-example"'
const INVALID = 'Bearer realm="till-example", error="invalid_token"'
const SCOPE = 'Bearer realm="till-example", error="insufficient_scope", scope="settings:write"'

// [method, path, Authorization header, status, WWW-Authenticate, body]
const exchanges = [
  ['GET', '/docs', `Bearer ${reader}`, 200, null, { subject: 'reader', scopes: ['docs:read'] }],
  ['GET', '/docs', `bearer  ${narrowed}`, 200, null, { subject: 'admin', scopes: ['docs:read'] }],
  ['PUT', '/settings', `Bearer ${admin}`, 200, null, { updated: true, by: 'admin' }],
  ['PUT', '/settings', `Bearer ${reader}`, 403, SCOPE, null],
  ['PUT', '/settings', `Bearer ${narrowed}`, 403, SCOPE, null],
  ['GET', '/docs', null, 401, BARE, null],
  ['GET', '/docs', `Basic ${reader}`, 401, BARE, null],
  ['GET', '/docs', 'Bearer', 401, BARE, null],
  ['GET', '/docs', `Bearer ${forged(reader)}`, 401, INVALID, null],
  ['PUT', '/settings', `Bearer ${forged(admin)}`, 401, INVALID, null],
  ['GET', '/docs', `Bearer ${forged(narrowed)}`, 401, INVALID, null],
  ['GET', '/docs', `Bearer ${expired}`, 401, INVALID, null],
  ['GET', '/docs', `Bearer ${stranger}`, 401, INVALID, null],
  ['GET', '/docs', 'Bearer till_live_nonsense', 401, INVALID, null],
]

async function exchange(base, [method, path, authorization, status, challenge, body]) {
  const headers = authorization === null ? {} : { authorization }
  const response = await fetch(`${base}${path}`, { method, headers })
  const what = `${method} ${path} with ${authorization?.slice(0, 24)}`
  assert.equal(response.status, status, what)
  assert.equal(response.headers.get('www-authenticate'), challenge, what)
  if (body !== null) {
    assert.deepEqual(await response.json(), body, what)
  } else {
    await response.arrayBuffer()
  }
}

describe('Express', () => {
  test('answers each request as RFC 6750 says', async () => {
    const server = expressExample.createApp(verifier).listen(0, '127.0.0.1')
    await once(server, 'listening')
    try {
      const base = `http://127.0.0.1:${server.address().port}`
      for (const each of exchanges) {
        await exchange(base, each)
      }
    } finally {
      server.close()
      server.closeAllConnections()
    }
  })
})

describe('Fastify', () => {
  test('answers each request as RFC 6750 says', async () => {
    const app = fastifyExample.createApp(verifier)
    const base = await app.listen({ host: '127.0.0.1', port: 0 })
    try {
      for (const each of exchanges) {
        await exchange(base, each)
      }
      const missing = await fetch(`${base}/nowhere`)
      assert.equal(missing.status, 404)
      await missing.arrayBuffer()
    } finally {
      await app.close()
    }
  })
})
