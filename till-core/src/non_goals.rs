//! What Till deliberately does not do, and why. Nothing here is code.
//!
//! - **Public-key verification.** Keys are MACed with a shared secret. A service that can
//!   verify a key can also mint one. This is what makes verification cost a few hashes rather
//!   than a signature check; services that must verify without being able to mint need
//!   asymmetric tokens, which Till does not offer.
//! - **A policy language.** Scopes are segment patterns, not programs. There are no
//!   conditions on request attributes, no Datalog, no regular expressions: a reader can tell
//!   what a key grants by looking at it.
//! - **Storage and distribution of revocations.** Verify consults a hook the application
//!   supplies; keeping that list current across machines is the application's job.
//! - **Confidentiality of claims.** A key's scopes, subject and times are encoded, not
//!   encrypted; [`crate::inspect`] shows them to anyone holding the key. Put nothing secret in
//!   a subject or label.
//! - **Proof of possession.** A key is a bearer credential: whoever holds the text can use it
//!   within its scopes. Short expiries and attenuation limit the damage of a leak.
//! - **Clock discipline.** Expiry is checked against the clock the verifier is handed; Till
//!   cannot tell a wrong clock from a right one.
