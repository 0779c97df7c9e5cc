'use strict'

// The package's entry point: the native binding, with the error class it throws and the
// function that builds the grants it returns.

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

// What verify returns, built here as an object literal, which V8 builds fastest. The binding
// passes the fields in the order of `Grant` in src/verify.rs.
function grant(keyId, rootKeyId, prefix, env, subject, audience, scopes, roles, issuedAt,
  expiresAt, notBefore, chain) {
  return {
    keyId, rootKeyId, prefix, env, subject, audience, scopes, roles, issuedAt, expiresAt,
    notBefore, chain,
  }
}

binding.register(TillError, grant)

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
  Policy: binding.Policy,
  RootKey: binding.RootKey,
  TillError,
  Verifier: binding.Verifier,
  __napiBindingTarget: binding.__napiBindingTarget,
  attenuate: binding.attenuate,
  findKeys: binding.findKeys,
  inspect: binding.inspect,
  redact: binding.redact,
}
