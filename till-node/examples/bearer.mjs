// Bearer keys over HTTP (RFC 6750), for any framework: read the key from the Authorization
// header, verify it, and say what to answer when it does not do.

import { TillError } from '@till/node'

const REALM = 'till-example'

/**
 * Checks the `Authorization` header of a request against `scope`. Returns `{ grant }` when
 * the key grants it, or `{ status, challenge }`: the status to answer and the value of the
 * `WWW-Authenticate` header. Exceptions other than a key's refusal are thrown on.
 */
export function authorize(verifier, authorization, scope) {
  const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(authorization ?? '')
  if (match === null) {
    // No credentials: a bare challenge, without an error code (RFC 6750, section 3.1).
    return { status: 401, challenge: `Bearer realm="${REALM}"` }
  }
  try {
    return { grant: verifier.verify(match[1], { scope }) }
  } catch (error) {
    if (!(error instanceof TillError)) {
      throw error
    }
    if (error.code === 'insufficient_scope') {
      return {
        status: 403,
        challenge: `Bearer realm="${REALM}", error="insufficient_scope", scope="${scope}"`,
      }
    }
    return { status: 401, challenge: `Bearer realm="${REALM}", error="invalid_token"` }
  }
}
