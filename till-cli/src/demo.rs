//! `till demo`: Till's main job, told in one run with a throwaway root key.

use std::sync::Arc;
use std::time::Duration;

use till_core::{
    Attenuation, Claims, Expiry, Issuer, Keyring, Policy, PolicyDefinition, Request,
    RevocationList, RoleDefinition, RootKey, SharedPolicy, Verifier,
};

use crate::output::{Output, sayln};
use crate::{Failure, Outcome};

pub(crate) fn run(out: &Output) -> Outcome {
    if out.json() {
        return Err(Failure::usage(
            "demo tells its story in prose; it has no --json form",
        ));
    }
    sayln!(
        "Till demo: a scoped key for an agent, narrowed for a sub-agent, revoked; then a role change.\n"
    );

    let keyring = Keyring::single(RootKey::generate()?);
    let revoked = Arc::new(RevocationList::new());
    let verifier = Verifier::builder(&keyring)
        .revocation(revoked.clone())
        .build()?;
    sayln!(
        "1. The service generates a root key ({}) and never shares it.",
        keyring.signing_key().id()
    );

    let claims = Claims::new(
        ["repo/acme/*:read", "issues/acme/*:comment"],
        Expiry::After(Duration::from_secs(8 * 3600)),
    )?
    .subject("triage-bot");
    let key = Issuer::new(&keyring).mint(&claims)?;
    sayln!("\n2. It mints a key for the agent `triage-bot`, good for 8 hours:");
    sayln!("     scopes: repo/acme/*:read issues/acme/*:comment");
    sayln!(
        "     key:    {} ({} characters)",
        key.redacted(),
        key.expose_secret().len()
    );

    sayln!("\n3. The agent calls the service, which checks each request in-process:");
    check(&verifier, key.expose_secret(), "repo/acme/api:read")?;
    check(&verifier, key.expose_secret(), "repo/acme/api:write")?;

    let narrowed = Attenuation::new()
        .scopes(["repo/acme/docs:read"])?
        .label("agent:summarizer")
        .ttl(Duration::from_secs(600));
    let sub_key = till_core::attenuate(key.expose_secret(), &narrowed)?;
    sayln!("\n4. The agent narrows its key for a sub-agent, offline, with no secret:");
    sayln!("     scopes: repo/acme/docs:read, for 10 minutes, delegated to agent:summarizer");
    check(&verifier, sub_key.expose_secret(), "repo/acme/docs:read")?;
    check(&verifier, sub_key.expose_secret(), "repo/acme/api:read")?;

    sayln!("\n5. The sub-agent tries to widen its key again:");
    let wider = Attenuation::new().scopes(["repo/acme/*:write"])?;
    match till_core::attenuate(sub_key.expose_secret(), &wider) {
        Ok(_) => return Err(demo_failure("a sub-key was widened")),
        Err(e) => sayln!("     refused: {} ({e})", e.code()),
    }
    let mut forged = sub_key.expose_secret().to_owned();
    forged.replace_range(20..21, if &forged[20..21] == "A" { "B" } else { "A" });
    match verifier.verify(&forged, &Request::scope("repo/acme/docs:read")?) {
        Ok(_) => return Err(demo_failure("an altered key was accepted")),
        Err(e) => sayln!("     an altered copy is refused too: {}", e.code()),
    }

    sayln!("\n6. The service revokes the agent's key; the sub-agent's key falls with it:");
    revoked.revoke(key.key_id());
    check(&verifier, key.expose_secret(), "repo/acme/api:read")?;
    check(&verifier, sub_key.expose_secret(), "repo/acme/docs:read")?;

    roles(&keyring)?;

    sayln!("\nEvery check above was one in-process verify() call: no network, no database.");
    Ok(())
}

/// A key that carries a role loses what the role loses, without being re-issued.
fn roles(keyring: &Keyring) -> Result<(), Failure> {
    sayln!("\n7. Roles: the service's policy lets `support` read and write tickets.");
    let mut definition = PolicyDefinition::default();
    let viewer = RoleDefinition {
        scopes: vec!["tickets:read".into()],
        includes: vec![],
    };
    let support = RoleDefinition {
        scopes: vec!["tickets:write".into()],
        includes: vec!["viewer".into()],
    };
    definition.roles.insert("viewer".into(), viewer);
    definition.roles.insert("support".into(), support);
    let policy = SharedPolicy::new(Policy::new(&definition)?);
    let verifier = Verifier::builder(keyring).policy(policy.clone()).build()?;

    let claims = Claims::new(Vec::<&str>::new(), Expiry::After(Duration::from_secs(3600)))?
        .roles(["support"])?
        .subject("desk-bot");
    let key = Issuer::new(keyring)
        .with_policy(policy.clone())
        .mint(&claims)?;
    sayln!("   A key for `desk-bot` carries the role, not a copy of its scopes:");
    check(&verifier, key.expose_secret(), "tickets:write")?;

    if let Some(support) = definition.roles.get_mut("support") {
        support.scopes.clear();
    }
    policy.replace(Policy::new(&definition)?);
    sayln!("   The service takes writing away from `support`; the key is not re-issued:");
    check(&verifier, key.expose_secret(), "tickets:write")?;
    check(&verifier, key.expose_secret(), "tickets:read")?;
    Ok(())
}

fn check(verifier: &Verifier, key: &str, scope: &str) -> Result<(), Failure> {
    match verifier.verify(key, &Request::scope(scope)?) {
        Ok(grant) => {
            let chain: Vec<&str> = grant.chain().filter_map(|l| l.label).collect();
            let via = if chain.is_empty() {
                String::new()
            } else {
                format!(" via {}", chain.join(" -> "))
            };
            sayln!(
                "     {scope:<22} allowed  (subject {}{via})",
                grant.subject().unwrap_or("-")
            );
        }
        Err(e) => sayln!("     {scope:<22} denied   ({})", e.code()),
    }
    Ok(())
}

fn demo_failure(what: &str) -> Failure {
    Failure {
        status: 1,
        code: "internal",
        message: format!("demo went wrong: {what}"),
        missing: vec![],
    }
}
