//! Till's story in library code: mint a key for an agent, check it, narrow it for a
//! sub-agent, and revoke it.

use std::sync::Arc;
use std::time::Duration;

use till_core::{
    Attenuation, Claims, Expiry, Issuer, Keyring, Request, RevocationList, RootKey, Verifier,
};

fn main() -> Result<(), till_core::Error> {
    // The service's root key; in production it comes from `RootKey::from_env("TILL_ROOT_KEY")`.
    let keyring = Keyring::single(RootKey::generate()?);
    let revoked = Arc::new(RevocationList::new());
    let verifier = Verifier::builder(&keyring)
        .revocation(revoked.clone())
        .build()?;

    // Mint a key for an agent: read every acme repository, for eight hours.
    let claims = Claims::new(
        ["repo/acme/*:read"],
        Expiry::After(Duration::from_secs(8 * 3600)),
    )?
    .subject("triage-bot");
    let key = Issuer::new(&keyring).mint(&claims)?;

    // The service checks each request in-process.
    let grant = verifier.verify(key.expose_secret(), &Request::scope("repo/acme/api:read")?)?;
    eprintln!("allowed for {}", grant.subject().unwrap_or("-"));
    let denied = verifier.verify(key.expose_secret(), &Request::scope("repo/acme/api:write")?);
    eprintln!(
        "write: {}",
        denied.err().map_or("allowed", |e| e.code().as_str())
    );

    // The agent narrows its key for a sub-agent, offline: one repository, ten minutes.
    let narrowed = Attenuation::new()
        .scopes(["repo/acme/docs:read"])?
        .ttl(Duration::from_secs(600))
        .label("agent:summarizer");
    let sub_key = till_core::attenuate(key.expose_secret(), &narrowed)?;
    let grant = verifier.verify(
        sub_key.expose_secret(),
        &Request::scope("repo/acme/docs:read")?,
    )?;
    eprintln!(
        "sub-agent allowed via {:?}",
        grant.chain().map(|l| l.label).collect::<Vec<_>>()
    );

    // Revoking the agent's key revokes the sub-agent's too.
    revoked.revoke(key.key_id());
    let refused = verifier.verify(
        sub_key.expose_secret(),
        &Request::scope("repo/acme/docs:read")?,
    );
    eprintln!(
        "after revocation: {}",
        refused.err().map_or("allowed", |e| e.code().as_str())
    );
    Ok(())
}
