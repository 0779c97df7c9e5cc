// The ES module entry point's types: the same declarations as the CommonJS one.

import { Keyring, RootKey, TillError, Verifier } from '@till/node'
import till from '@till/node'

const verifier = new Verifier(new Keyring([RootKey.generate()]))
const error: typeof TillError = till.TillError
console.log(verifier.authenticate('till_live_x', new Date()).keyId, error)
