//! Roles: ceilings at mint time, resolution at every verify, and delegation limits.

use std::time::Duration;

use till_core::{
    Attenuation, Claims, Error, Expiry, Issuer, Keyring, Policy, PolicyDefinition, Request,
    RootKey, RootKeyId, SharedPolicy, UnixTime, Verifier, attenuate_at,
};

const NOW: i64 = 1_800_000_000;

fn example_policy() -> Policy {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/policy.toml"
    ))
    .unwrap();
    toml::from_str(&text).unwrap()
}

fn setup() -> (Keyring, SharedPolicy, Issuer, Verifier) {
    let keyring = Keyring::single(RootKey::from_secret(RootKeyId(3), &[3; 32]));
    let policy = SharedPolicy::new(example_policy());
    let issuer = Issuer::new(&keyring).with_policy(policy.clone());
    let verifier = Verifier::builder(&keyring)
        .policy(policy.clone())
        .build()
        .unwrap();
    (keyring, policy, issuer, verifier)
}

fn hour() -> Expiry {
    Expiry::After(Duration::from_secs(3600))
}

fn check(verifier: &Verifier, key: &str, scope: &str) -> Result<(), String> {
    let request = Request::scope(scope).unwrap();
    verifier
        .verify_at(key, &request, UnixTime::from_secs(NOW))
        .map(|_| ())
        .map_err(|e| e.code().to_string())
}

#[test]
fn the_example_policy_resolves_includes() {
    let policy = example_policy();
    let lead: Vec<String> = policy
        .scopes("lead")
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    for scope in [
        "tickets:assign",
        "tickets:write",
        "tickets:read",
        "kb/**:read",
        "refunds:create",
    ] {
        assert!(
            lead.iter().any(|s| s == scope),
            "lead lacks {scope}: {lead:?}"
        );
    }
    let json: Policy = serde_json::from_str(
        r#"{"roles": {"a": {"scopes": ["x:read"]}, "b": {"includes": ["a"]}}}"#,
    )
    .unwrap();
    assert_eq!(json.scopes("b").unwrap()[0].as_str(), "x:read");
    let unknown_field =
        serde_json::from_str::<Policy>(r#"{"roles": {"a": {"scope": ["x:read"]}}}"#);
    assert!(unknown_field.is_err());
    let cycle =
        toml::from_str::<Policy>("[roles.a]\nincludes = [\"b\"]\n[roles.b]\nincludes = [\"a\"]\n");
    assert!(cycle.unwrap_err().to_string().contains("a -> b -> a"));
}

#[test]
fn minting_on_behalf_of_roles_stays_within_them() {
    let (_, _, issuer, verifier) = setup();
    let now = UnixTime::from_secs(NOW);

    let within = Claims::new(["tickets:read", "kb/faq/refunds:read"], hour())
        .unwrap()
        .on_behalf_of(["support"])
        .unwrap();
    let key = issuer.mint_at(&within, now).unwrap();
    assert_eq!(
        check(&verifier, key.expose_secret(), "tickets:read"),
        Ok(())
    );
    assert_eq!(
        check(&verifier, key.expose_secret(), "tickets:write").unwrap_err(),
        "insufficient_scope"
    );

    let beyond = Claims::new(["tickets:read", "refunds:create", "admin:*"], hour())
        .unwrap()
        .on_behalf_of(["support"])
        .unwrap();
    match issuer.mint_at(&beyond, now) {
        Err(Error::ExceedsRoles(scopes)) => {
            let names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
            assert_eq!(names, ["admin:*", "refunds:create"]);
        }
        other => panic!("{other:?}"),
    }
    let carried = Claims::new(Vec::<&str>::new(), hour())
        .unwrap()
        .roles(["lead"])
        .unwrap()
        .on_behalf_of(["support"])
        .unwrap();
    assert_eq!(
        issuer.mint_at(&carried, now).unwrap_err().code().as_str(),
        "exceeds_roles"
    );
    let unknown = Claims::new(Vec::<&str>::new(), hour())
        .unwrap()
        .roles(["ghost"])
        .unwrap();
    assert_eq!(
        issuer.mint_at(&unknown, now).unwrap_err().code().as_str(),
        "invalid_policy"
    );
    let no_policy = Issuer::new(&Keyring::single(RootKey::generate().unwrap()));
    assert!(no_policy.mint_at(&within, now).is_err());
}

#[test]
fn a_role_change_reaches_keys_already_minted() {
    let (_, policy, issuer, verifier) = setup();
    let claims = Claims::new(["kb/internal:read"], hour())
        .unwrap()
        .roles(["support"])
        .unwrap()
        .subject("agent-9");
    let key = issuer.mint_at(&claims, UnixTime::from_secs(NOW)).unwrap();
    let key = key.expose_secret();
    assert_eq!(check(&verifier, key, "tickets:write"), Ok(()));
    assert_eq!(check(&verifier, key, "tickets:read"), Ok(()));
    assert_eq!(
        check(&verifier, key, "kb/internal:read"),
        Ok(()),
        "its own scopes still count"
    );
    assert_eq!(
        check(&verifier, key, "refunds:create").unwrap_err(),
        "insufficient_scope"
    );

    let grant = verifier
        .authenticate_at(key, UnixTime::from_secs(NOW))
        .unwrap();
    let scopes: Vec<String> = grant.scopes().iter().map(ToString::to_string).collect();
    assert!(scopes.contains(&"tickets:write".to_owned()), "{scopes:?}");
    assert_eq!(grant.roles().collect::<Vec<_>>(), ["support"]);

    // Support loses write access: the same key loses it at the next verify.
    let mut narrowed: PolicyDefinition = toml::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/policy.toml"
        ))
        .unwrap(),
    )
    .unwrap();
    narrowed
        .roles
        .get_mut("support")
        .unwrap()
        .scopes
        .retain(|s| s != "tickets:write");
    policy.replace(Policy::new(&narrowed).unwrap());
    assert_eq!(
        check(&verifier, key, "tickets:write").unwrap_err(),
        "insufficient_scope"
    );
    assert_eq!(check(&verifier, key, "tickets:read"), Ok(()));

    // A role the policy no longer names grants nothing.
    narrowed.roles.remove("support");
    narrowed
        .roles
        .get_mut("lead")
        .unwrap()
        .includes
        .retain(|r| r != "support");
    policy.replace(Policy::new(&narrowed).unwrap());
    assert_eq!(
        check(&verifier, key, "tickets:read").unwrap_err(),
        "insufficient_scope"
    );
    assert_eq!(check(&verifier, key, "kb/internal:read"), Ok(()));

    // Without any policy, roles grant nothing either.
    let bare = Verifier::new(&Keyring::single(RootKey::from_secret(
        RootKeyId(3),
        &[3; 32],
    )));
    assert_eq!(
        check(&bare, key, "tickets:read").unwrap_err(),
        "insufficient_scope"
    );
}

#[test]
fn blocks_narrow_what_roles_grant() {
    let (_, _, issuer, verifier) = setup();
    let now = UnixTime::from_secs(NOW);
    let claims = Claims::new(Vec::<&str>::new(), hour())
        .unwrap()
        .roles(["lead"])
        .unwrap();
    let key = issuer.mint_at(&claims, now).unwrap();
    let sub = attenuate_at(
        key.expose_secret(),
        &Attenuation::new().scopes(["tickets:read"]).unwrap(),
        now,
    )
    .unwrap();
    assert_eq!(
        check(&verifier, sub.expose_secret(), "tickets:read"),
        Ok(())
    );
    assert_eq!(
        check(&verifier, sub.expose_secret(), "tickets:assign").unwrap_err(),
        "insufficient_scope"
    );
    assert_eq!(
        check(&verifier, key.expose_secret(), "tickets:assign"),
        Ok(())
    );
    let grant = verifier.authenticate_at(sub.expose_secret(), now).unwrap();
    assert_eq!(
        grant
            .scopes()
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>(),
        ["tickets:read"]
    );
}

#[test]
fn delegation_limits_hold_at_attenuation_and_at_verify() {
    let (_, _, issuer, verifier) = setup();
    let now = UnixTime::from_secs(NOW);
    let claims = Claims::new(["tickets:read"], hour())
        .unwrap()
        .max_delegation(1);
    let key = issuer.mint_at(&claims, now).unwrap();
    let once = attenuate_at(
        key.expose_secret(),
        &Attenuation::new().label("agent:a"),
        now,
    )
    .unwrap();
    assert_eq!(
        check(&verifier, once.expose_secret(), "tickets:read"),
        Ok(())
    );
    let twice = attenuate_at(
        once.expose_secret(),
        &Attenuation::new().label("agent:b"),
        now,
    );
    assert_eq!(twice.unwrap_err().code().as_str(), "delegation_limit");

    let open = issuer
        .mint_at(&Claims::new(["tickets:read"], hour()).unwrap(), now)
        .unwrap();
    let leaf = attenuate_at(
        open.expose_secret(),
        &Attenuation::new().max_delegation(0),
        now,
    )
    .unwrap();
    assert_eq!(
        check(&verifier, leaf.expose_secret(), "tickets:read"),
        Ok(())
    );
    let past = attenuate_at(leaf.expose_secret(), &Attenuation::new(), now);
    assert_eq!(past.unwrap_err().code().as_str(), "delegation_limit");
}

#[test]
fn an_empty_ceiling_allows_nothing() {
    let (_, _, issuer, _) = setup();
    let now = UnixTime::from_secs(NOW);
    let claims = Claims::new(["tickets:read"], hour())
        .unwrap()
        .on_behalf_of(Vec::<String>::new())
        .unwrap();
    match issuer.mint_at(&claims, now) {
        Err(Error::ExceedsRoles(beyond)) => assert_eq!(beyond[0].as_str(), "tickets:read"),
        other => panic!("an empty ceiling let a key through: {other:?}"),
    }
    let unbounded = Claims::new(["tickets:read"], hour()).unwrap();
    assert!(
        issuer.mint_at(&unbounded, now).is_ok(),
        "no ceiling at all is not an empty one"
    );
}
