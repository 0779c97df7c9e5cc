// A Fastify hook that admits requests whose bearer key grants the route's scope.
//
//   TILL_ROOT_KEY=$(till init) node examples/fastify.mjs

import { pathToFileURL } from 'node:url'

import { Keyring, RootKey, Verifier } from '@till/node'
import Fastify from 'fastify'

import { authorize } from './bearer.mjs'

/**
 * A hook that answers 401 or 403 unless the key grants `config.scope` of the route; routes
 * without a scope are public.
 */
export function tillHook(verifier) {
  return async (request, reply) => {
    const scope = request.routeOptions.config?.scope
    if (scope === undefined) {
      return
    }
    const outcome = authorize(verifier, request.headers.authorization, scope)
    if (outcome.grant === undefined) {
      return reply.header('WWW-Authenticate', outcome.challenge).code(outcome.status).send()
    }
    request.grant = outcome.grant
  }
}

/** The example service: documents for readers, a settings page for administrators. */
export function createApp(verifier) {
  const app = Fastify()
  app.decorateRequest('grant', null)
  app.addHook('onRequest', tillHook(verifier))
  app.get('/docs', { config: { scope: 'docs:read' } }, async (request) => (
    { subject: request.grant.subject, scopes: request.grant.scopes }))
  app.put('/settings', { config: { scope: 'settings:write' } }, async (request) => (
    { updated: true, by: request.grant.subject }))
  return app
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const verifier = new Verifier(new Keyring([RootKey.fromEnv()]))
  const address = await createApp(verifier).listen({ host: '127.0.0.1', port: 3000 })
  console.log(`listening on ${address}`)
}
