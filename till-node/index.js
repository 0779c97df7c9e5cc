'use strict'

// The package's entry point: the native binding, and the error class it throws.

const { inspect } = require('node:util')

const binding = require('./binding.js')

/** A refusal from Till: `code` and `number` are the codes shared by every Till binding. */
class TillError extends Error {
  constructor(message, code, number, missing) {
    super(message)
    this.code = code
    this.number = number
    if (missing != null) {
      this.missing = missing
    }
  }
}

Object.defineProperty(TillError.prototype, 'name', { value: 'TillError', configurable: true })

binding.registerErrorClass(TillError)

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
  RootKey: binding.RootKey,
  TillError,
  Verifier: binding.Verifier,
  __napiBindingTarget: binding.__napiBindingTarget,
  attenuate: binding.attenuate,
  findKeys: binding.findKeys,
  inspect: binding.inspect,
  redact: binding.redact,
}
