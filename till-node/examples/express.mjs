// Express middleware that admits requests whose bearer key grants a scope.
//
//   TILL_ROOT_KEY=$(till init) node examples/express.mjs

import { pathToFileURL } from 'node:url'

import { Keyring, RootKey, Verifier } from '@till/node'
import express from 'express'

import { authorize } from './bearer.mjs'

/** Middleware that answers 401 or 403 unless the key grants `scope`; sets `req.grant`. */
export function requireScope(verifier, scope) {
  return (req, res, next) => {
    const outcome = authorize(verifier, req.get('authorization'), scope)
    if (outcome.grant === undefined) {
      res.set('WWW-Authenticate', outcome.challenge).status(outcome.status).end()
      return
    }
    req.grant = outcome.grant
    next()
  }
}

/** The example service: documents for readers, a settings page for administrators. */
export function createApp(verifier) {
  const app = express()
  app.get('/docs', requireScope(verifier, 'docs:read'), (req, res) => {
    res.json({ subject: req.grant.subject, scopes: req.grant.scopes })
  })
  app.put('/settings', requireScope(verifier, 'settings:write'), (req, res) => {
    res.json({ updated: true, by: req.grant.subject })
  })
  return app
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const verifier = new Verifier(new Keyring([RootKey.fromEnv()]))
  const server = createApp(verifier).listen(3000, '127.0.0.1', () => {
    console.log(`listening on http://127.0.0.1:${server.address().port}`)
  })
}
