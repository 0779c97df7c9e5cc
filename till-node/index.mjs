// The ES module entry point: the same objects as the CommonJS one.

import till from './index.js'

export const {
  ApiKey,
  Issuer,
  Keyring,
  Grant,
  Policy,
  Request,
  RootKey,
  TillError,
  Verifier,
  __napiBindingTarget,
  attenuate,
  findKeys,
  inspect,
  redact,
} = till

export default till
