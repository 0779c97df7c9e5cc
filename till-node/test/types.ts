// Type-checked with `tsc --noEmit -p test` against the generated index.d.ts; never run.
// Each `@ts-expect-error` line is a misuse the types must refuse.

import {
  ApiKey, Grant, GrantFields, Issuer, Keyring, Policy, PolicyDefinition, Request, RootKey,
  TillError, Unverified, Verifier, attenuate, findKeys, inspect, redact,
} from '@till/node'

const root: RootKey = RootKey.fromEnv()
const other = RootKey.fromText(process.env.OTHER_ROOT_KEY ?? '')
const spare = RootKey.generate()
const keyring = new Keyring([root, other, spare])
const ids: string[] = keyring.ids
const rootId: string = root.id

const desk: PolicyDefinition = {
  roles: { viewer: { scopes: ['tickets:read'] }, support: { includes: ['viewer'] } },
}
const policy = new Policy(desk)
policy.replace({ roles: {} })
const resolved: Record<string, string[]> = policy.roles

const issuer = new Issuer(keyring, { prefix: 'acme', policy })
const key: ApiKey = issuer.mint({
  scopes: ['repo/acme/*:read'],
  roles: ['support'],
  onBehalfOf: ['support'],
  ttl: 3600,
  subject: 'agent-7',
  audience: 'search-api',
  env: 'test',
  notBefore: new Date(),
  maxDelegation: 2,
})
const later = issuer.mint({ scopes: ['a:read'], expiresAt: new Date(Date.now() + 60_000) }, 0)
const forever = issuer.mint({ scopes: ['a:read'], neverExpires: true }, new Date())
const secret: string = key.exposeSecret()
const shown: string = `${key.toString()} ${key.toJSON()} ${key.keyId} ${later} ${forever}`

const verifier = new Verifier(keyring, {
  env: 'test',
  audience: 'search-api',
  leeway: 30,
  prefix: 'acme',
  policy,
  isRevoked: (id: string) => id === 'AAAAAAAAAAAAAAAA',
})
const grant: Grant = verifier.verify(secret, { scope: 'repo/acme/api:read' })
verifier.verify(Buffer.from(secret), { allOf: ['a:read', 'b:read'] }, new Date())
verifier.verify(new Uint8Array(8), { anyOf: ['a:read'] }, 1_900_000_000)
const same: Grant = verifier.authenticate(secret, Date.now() / 1000)
const prebuilt = new Request({ anyOf: ['a:read', 'b:read'] })
const asked: string[] = prebuilt.scopes
const either: boolean = prebuilt.anyOf
verifier.verify(secret, 'repo/acme/api:read')
verifier.verify(secret, prebuilt, Date.now() / 1000)
verifier.verify(secret, new Request('a:read'))
const fields: GrantFields = grant.toJSON()
const json: string = JSON.stringify(grant) + fields.keyId + asked.join(' ') + String(either)
console.log(json)

const expiry: Date | null = grant.expiresAt
const issued: Date = grant.issuedAt
const subject: string | null = grant.subject
const labels: Array<string | null> = grant.chain.map((link) => link.label)
const summary = [grant.keyId, grant.rootKeyId, grant.prefix, grant.env, grant.audience,
  grant.scopes.join(' '), grant.roles.join(' '), grant.notBefore, same.keyId]

const sub: ApiKey = attenuate(secret, {
  scopes: ['repo/acme/docs:read'],
  to: 'agent:summarizer',
  ttl: 600,
  expiresAt: 1_900_000_000,
  audience: 'search-api',
  maxDelegation: 0,
}, new Date())

const claims: Unverified = inspect(sub.exposeSecret())
const notChecked: false = claims.verified
const blockScopes: Array<string[] | null> = claims.blocks.map((block) => block.scopes)
const found = findKeys(`key=${secret}`)
const kinds: Array<'api_key' | 'root_key'> = found.map((each) => each.kind)
const masked: string = redact(`key=${secret}`)

try {
  verifier.verify(secret, { scope: 'admin:all' })
} catch (error) {
  if (error instanceof TillError) {
    const code: string = error.code
    const number: number = error.number
    const missing: string[] | undefined = error.missing
    const beyond: string[] | undefined = error.beyond
    const name: 'TillError' = error.name
    console.log(code, number, missing, beyond, name)
  }
}

// @ts-expect-error: a key is text or bytes
verifier.verify(42, { scope: 'a:read' })
// @ts-expect-error: times are Dates or numbers
verifier.authenticate(secret, '2030-01-01')
// @ts-expect-error: an issuer needs a keyring
new Issuer(root)
// @ts-expect-error: isRevoked answers with a boolean
new Verifier(keyring, { isRevoked: (id: string) => id })
// @ts-expect-error: the delegate is named by `to`
attenuate(secret, { label: 'agent:x' })
// @ts-expect-error: a policy is a Policy object
new Verifier(keyring, { policy: desk })
// @ts-expect-error: grants come only from a Verifier
new Grant()

// @ts-expect-error: a request is not a number
verifier.verify(secret, 7)

// @ts-expect-error: a grant's expiry may be null
const sure: Date = grant.expiresAt

console.log(ids, rootId, resolved, shown, expiry, issued, subject, labels, summary, notChecked,
  blockScopes, kinds, masked, sure)
