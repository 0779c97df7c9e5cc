'use strict'

// The package's entry point: the native binding, with the error class it throws and the
// class of the grants it returns.

const { inspect } = require('node:util')

const binding = require('./binding.js')

/** A refusal from Till: `code` and `number` are the codes shared by every Till binding. */
class TillError extends Error {
  constructor(message, code, number, missing, beyond) {
    super(message)
    this.code = code
    this.number = number
    if (missing != null) {
      this.missing = missing
    }
    if (beyond != null) {
      this.beyond = beyond
    }
  }
}

Object.defineProperty(TillError.prototype, 'name', { value: 'TillError', configurable: true })

binding.register(TillError)

// Grants are made only here, from the record verify returns; the token keeps `new Grant` out
// of other hands.
const MAKING = Symbol('making a Grant')

// A field not read yet. Every field is a string, an array, a Date or null once read.
const UNREAD = undefined

// The binding's functions, taken once: what a caller later does to the binding object changes
// nothing here.
const {
  authenticateWith, verifyPreparedWith, verifyWith,
  grantKeyId, grantRootKeyId, grantPrefix, grantEnv, grantSubject, grantAudience, grantScopes,
  grantRoles, grantIssuedAt, grantExpiresAt, grantNotBefore, grantChain,
} = binding

/**
 * What a verified key grants, and to whom. Holds no secret. Each field is worked out by
 * till-core from the grant's record when it is first read (the effective scopes cost about as
 * much as verifying), and kept from then on.
 */
class Grant {
  #record
  // For a key that names roles: the policy that resolved them at verify, which the scopes
  // are worked out with.
  #policy
  #keyId = UNREAD
  #rootKeyId = UNREAD
  #prefix = UNREAD
  #env = UNREAD
  #subject = UNREAD
  #audience = UNREAD
  #scopes = UNREAD
  #roles = UNREAD
  #issuedAt = UNREAD
  #expiresAt = UNREAD
  #notBefore = UNREAD
  #chain = UNREAD

  constructor(making, made) {
    if (making !== MAKING) {
      throw new TypeError('a Grant is made only by Verifier#verify and Verifier#authenticate')
    }
    if (typeof made === 'string') {
      this.#record = made
    } else {
      this.#record = made[0]
      this.#policy = made[1]
    }
  }

  get keyId() { return this.#keyId ??= grantKeyId(this.#record) }
  get rootKeyId() { return this.#rootKeyId ??= grantRootKeyId(this.#record) }
  get prefix() { return this.#prefix ??= grantPrefix(this.#record) }
  get env() { return this.#env ??= grantEnv(this.#record) }
  get scopes() { return this.#scopes ??= grantScopes(this.#record, this.#policy) }
  get roles() { return this.#roles ??= grantRoles(this.#record) }
  get issuedAt() { return this.#issuedAt ??= grantIssuedAt(this.#record) }
  get chain() { return this.#chain ??= grantChain(this.#record) }

  // The nullable fields: null once read, so `??=` would read them again; `=== UNREAD` does not.
  get subject() {
    return this.#subject === UNREAD ? (this.#subject = grantSubject(this.#record))
      : this.#subject
  }

  get audience() {
    return this.#audience === UNREAD ? (this.#audience = grantAudience(this.#record))
      : this.#audience
  }

  get expiresAt() {
    return this.#expiresAt === UNREAD
      ? (this.#expiresAt = grantExpiresAt(this.#record)) : this.#expiresAt
  }

  get notBefore() {
    return this.#notBefore === UNREAD
      ? (this.#notBefore = grantNotBefore(this.#record)) : this.#notBefore
  }

  /** Every field, as a plain object: what `JSON.stringify` writes and `util.inspect` shows. */
  toJSON() {
    return {
      keyId: this.keyId,
      rootKeyId: this.rootKeyId,
      prefix: this.prefix,
      env: this.env,
      subject: this.subject,
      audience: this.audience,
      scopes: this.scopes,
      roles: this.roles,
      issuedAt: this.issuedAt,
      expiresAt: this.expiresAt,
      notBefore: this.notBefore,
      chain: this.chain,
    }
  }

  [inspect.custom](depth, options, show) {
    return `Grant ${show(this.toJSON(), options)}`
  }
}

Object.defineProperty(Grant.prototype, Symbol.toStringTag, { value: 'Grant' })

// The package's Verifier and Request hold what the native objects make once, in externals:
// the verifier's checker and the parsed request, which the binding reads more cheaply than it
// unwraps an object or proves its class. Only these private fields ever reach the binding's
// functions that read externals. verify and authenticate return a grant's record; the Grant
// object is made here, where V8 makes it fastest. A `{ scope }` request goes to the binding
// as its string, which the binding reads without looking up properties.
const makeChecker = binding.Verifier.prototype.checker
const makePrepared = binding.Request.prototype.prepared
delete binding.Verifier.prototype.checker
delete binding.Request.prototype.prepared

let preparedOf

class Request extends binding.Request {
  #prepared

  constructor(request) {
    super(request)
    this.#prepared = makePrepared.call(this)
  }

  static {
    preparedOf = (request) => (#prepared in request ? request.#prepared : undefined)
  }
}

class Verifier extends binding.Verifier {
  #checker

  constructor(keyring, options) {
    super(keyring, options)
    this.#checker = makeChecker.call(this)
  }

  verify(key, request, now) {
    if (typeof request === 'object' && request !== null) {
      // Read once: a getter answers the test and the call alike.
      const scope = request.scope
      if (typeof scope === 'string' && request.allOf === undefined &&
        request.anyOf === undefined) {
        return new Grant(MAKING, verifyWith(this.#checker, key, scope, now))
      }
      const prepared = preparedOf(request)
      if (prepared !== undefined) {
        return new Grant(MAKING, verifyPreparedWith(this.#checker, key, prepared, now))
      }
    }
    return new Grant(MAKING, verifyWith(this.#checker, key, request, now))
  }

  authenticate(key, now) {
    return new Grant(MAKING, authenticateWith(this.#checker, key, now))
  }
}

// Native objects show nothing under util.inspect; secrets show their redacted form instead.
for (const Secret of [binding.ApiKey, binding.RootKey]) {
  Object.defineProperty(Secret.prototype, inspect.custom, {
    value: function redacted() {
      return `${Secret.name}(${this.toString()})`
    },
  })
}

module.exports = {
  ApiKey: binding.ApiKey,
  Issuer: binding.Issuer,
  Keyring: binding.Keyring,
  Grant,
  Policy: binding.Policy,
  Request,
  RootKey: binding.RootKey,
  TillError,
  Verifier,
  __napiBindingTarget: binding.__napiBindingTarget,
  attenuate: binding.attenuate,
  findKeys: binding.findKeys,
  inspect: binding.inspect,
  redact: binding.redact,
}
