// Both module systems load the same objects: `require` and `import`, by path and by name.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'

import * as byName from '@till/node'
import byNameDefault from '@till/node'

import * as byPath from '../index.mjs'

const require = createRequire(import.meta.url)

test('import and require give the same classes and functions', () => {
  const required = require('@till/node')
  assert.equal(required, require('../index.js'))
  assert.equal(byNameDefault, required)
  const names = Object.keys(required).sort()
  assert.deepEqual(Object.keys(byName).filter((name) => name !== 'default').sort(), names)
  for (const name of names) {
    assert.equal(typeof required[name], name === '__napiBindingTarget' ? 'string' : 'function')
    assert.equal(byName[name], required[name], name)
    assert.equal(byPath[name], required[name], name)
  }
})

test('a TillError thrown through one module system is an instance for the other', () => {
  const required = require('@till/node')
  assert.throws(() => byName.inspect('till_live_x'), required.TillError)
  assert.throws(() => required.inspect('till_live_x'), byName.TillError)
})
