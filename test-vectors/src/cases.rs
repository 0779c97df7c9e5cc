//! The cases, each with its expected outcome stated here.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use ring::digest;
use serde_json::{Value, json};
use till_core::insecure::mint_with_key_id;
use till_core::{
    Attenuation, Claims, Env, Error, Expiry, Issuer, KeyId, Keyring, Policy, Prefix, Request,
    RevocationList, RootKey, RootKeyId, SharedPolicy, UnixTime, Verifier, attenuate_at, find_keys,
    redact,
};

use crate::raw::{self, Raw};

/// The clock of every case: 2027-01-01T00:00:00Z.
pub(crate) const NOW: i64 = 1_798_761_600;
/// When most keys were issued: ten minutes earlier.
const ISSUED: i64 = NOW - 600;
const HOUR: u64 = 3600;
const MAX_TIME: i64 = till_core::limits::MAX_TIME;

struct Root {
    id: u16,
    secret: [u8; 32],
}

fn sha(label: &str) -> [u8; 32] {
    digest::digest(&digest::SHA256, label.as_bytes())
        .as_ref()
        .try_into()
        .unwrap()
}

fn k1() -> Root {
    Root {
        id: 1,
        secret: sha("till vector root key 0001"),
    }
}

fn k2() -> Root {
    Root {
        id: 2,
        secret: sha("till vector root key 0002"),
    }
}

/// Same id as `k1`, another secret: what a forger without the secret would use.
fn impostor() -> Root {
    Root {
        id: 1,
        secret: sha("till vector impostor 0001"),
    }
}

fn root_key(root: &Root) -> RootKey {
    RootKey::from_secret(RootKeyId(root.id), &root.secret)
}

fn key_id(name: &str) -> [u8; 12] {
    sha(&format!("key id {name}"))[..12].try_into().unwrap()
}

fn mint_full(name: &str, claims: &Claims, root: &Root, prefix: &str, at: i64) -> String {
    let issuer =
        Issuer::new(&Keyring::single(root_key(root))).with_prefix(Prefix::new(prefix).unwrap());
    let key = mint_with_key_id(
        &issuer,
        claims,
        UnixTime::from_secs(at),
        KeyId(key_id(name)),
    )
    .unwrap();
    key.expose_secret().to_owned()
}

fn mint(name: &str, claims: &Claims) -> String {
    mint_full(name, claims, &k1(), "till", ISSUED)
}

fn claims(scopes: &[&str]) -> Claims {
    Claims::new(scopes, Expiry::After(Duration::from_secs(HOUR))).unwrap()
}

fn attenuate(key: &str, att: Attenuation) -> String {
    attenuate_at(key, &att, UnixTime::from_secs(NOW - 300))
        .unwrap()
        .expose_secret()
        .to_owned()
}

fn label(name: &str) -> Attenuation {
    Attenuation::new().label(name)
}

fn narrow(scopes: &[&str], name: &str) -> Attenuation {
    Attenuation::new().scopes(scopes).unwrap().label(name)
}

/// Decodes a key's body, lets `edit` change the bytes, and writes the text back with a
/// correct checksum: the MAC is left as it was.
fn edit_payload(key: &str, edit: impl FnOnce(&mut Vec<u8>)) -> String {
    let (head, body) = split(key);
    let mut bytes = URL_SAFE_NO_PAD.decode(body).unwrap();
    edit(&mut bytes);
    raw::frame(head, &URL_SAFE_NO_PAD.encode(bytes))
}

/// Replaces the head and writes a correct checksum.
fn edit_head(key: &str, head: &str) -> String {
    raw::frame(head, split(key).1)
}

fn split(key: &str) -> (&str, &str) {
    let second = key.match_indices('_').nth(1).unwrap().0;
    (&key[..=second], &key[second + 1..key.len() - 6])
}

#[derive(Clone)]
struct Setup {
    root_keys: Vec<&'static str>,
    prefix: &'static str,
    env: &'static str,
    audience: Option<&'static str>,
    leeway: u32,
    revoked: Vec<String>,
    policy: Option<Value>,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            root_keys: vec!["0001"],
            prefix: "till",
            env: "live",
            audience: None,
            leeway: 0,
            revoked: vec![],
            policy: None,
        }
    }
}

enum Req {
    Scope(&'static str),
    AllOf(Vec<&'static str>),
    AnyOf(Vec<&'static str>),
    Authenticate,
}

/// What a granted case must show: effective scopes, subject, expiry and chain labels.
struct Granted {
    scopes: Vec<&'static str>,
    subject: Option<&'static str>,
    expires_at: Option<i64>,
    labels: Vec<&'static str>,
}

enum Expect {
    Grant(Granted),
    Error(&'static str),
    Missing(Vec<&'static str>),
}

fn granted(scopes: &[&'static str], expires_at: Option<i64>) -> Expect {
    Expect::Grant(Granted {
        scopes: scopes.to_vec(),
        subject: None,
        expires_at,
        labels: vec![],
    })
}

enum Input {
    Text(String),
    Bytes(Vec<u8>),
}

struct Case {
    name: &'static str,
    comment: &'static str,
    key: Input,
    setup: Setup,
    now: i64,
    request: Req,
    expect: Expect,
}

impl Case {
    fn new(
        name: &'static str,
        comment: &'static str,
        key: String,
        request: Req,
        expect: Expect,
    ) -> Self {
        Self {
            name,
            comment,
            key: Input::Text(key),
            setup: Setup::default(),
            now: NOW,
            request,
            expect,
        }
    }

    fn setup(mut self, edit: impl FnOnce(&mut Setup)) -> Self {
        edit(&mut self.setup);
        self
    }

    fn at(mut self, now: i64) -> Self {
        self.now = now;
        self
    }

    /// Runs the case through till-core, checks the outcome, and returns its JSON.
    fn run(self) -> Value {
        let s = &self.setup;
        let keys = s.root_keys.iter().map(|id| match *id {
            "0001" => root_key(&k1()),
            "0002" => root_key(&k2()),
            other => panic!("no root key {other}"),
        });
        let keyring = Keyring::new(keys.collect()).unwrap();
        let revoked: RevocationList = s
            .revoked
            .iter()
            .map(|id| id.parse::<KeyId>().unwrap())
            .collect();
        let mut builder = Verifier::builder(&keyring)
            .prefix(s.prefix)
            .env(s.env)
            .leeway(s.leeway);
        if let Some(audience) = s.audience {
            builder = builder.audience(audience);
        }
        if let Some(policy) = &s.policy {
            let policy: Policy = serde_json::from_value(policy.clone()).unwrap();
            builder = builder.policy(SharedPolicy::new(policy));
        }
        let verifier = builder.revocation(Arc::new(revoked)).build().unwrap();

        let bytes = match &self.key {
            Input::Text(text) => text.as_bytes().to_vec(),
            Input::Bytes(bytes) => bytes.clone(),
        };
        let now = UnixTime::from_secs(self.now);
        let request = match &self.request {
            Req::Scope(s) => Some(Request::scope(s)),
            Req::AllOf(v) => Some(Request::all_of(v)),
            Req::AnyOf(v) => Some(Request::any_of(v)),
            Req::Authenticate => None,
        };
        let result = match request {
            Some(Ok(request)) => verifier.verify_at(&bytes, &request, now),
            Some(Err(e)) => Err(e),
            None => verifier.authenticate_at(&bytes, now),
        };

        let outcome = match (&self.expect, result) {
            (Expect::Grant(want), Ok(grant)) => {
                let scopes: Vec<String> = grant.scopes().iter().map(ToString::to_string).collect();
                let labels: Vec<&str> = grant.chain().filter_map(|l| l.label).collect();
                assert_eq!(scopes, want.scopes, "{}: scopes", self.name);
                assert_eq!(grant.subject(), want.subject, "{}: subject", self.name);
                assert_eq!(
                    grant.expires_at().map(UnixTime::secs),
                    want.expires_at,
                    "{}: expiry",
                    self.name
                );
                assert_eq!(labels, want.labels, "{}: chain", self.name);
                json!({ "grant": grant })
            }
            (Expect::Error(code), Err(e)) => {
                assert_eq!(e.code().as_str(), *code, "{}: {e}", self.name);
                json!({ "error": code })
            }
            (Expect::Missing(missing), Err(e)) => {
                let got: Vec<String> = e
                    .missing_scopes()
                    .unwrap()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                assert_eq!(got, *missing, "{}", self.name);
                json!({ "error": "insufficient_scope", "missing": missing })
            }
            (_, Ok(grant)) => panic!("{}: unexpectedly granted {grant:?}", self.name),
            (_, Err(e)) => panic!("{}: unexpected error {e}", self.name),
        };

        let mut case = json!({ "name": self.name, "comment": self.comment });
        match self.key {
            Input::Text(text) => case["key"] = json!(text),
            Input::Bytes(bytes) => case["key_hex"] = json!(hex(&bytes)),
        }
        case["verifier"] = json!({
            "root_keys": s.root_keys, "prefix": s.prefix, "env": s.env,
            "audience": s.audience, "leeway": s.leeway, "revoked": s.revoked,
            "policy": s.policy,
        });
        case["now"] = json!(self.now);
        case["request"] = match self.request {
            Req::Scope(s) => json!({ "scope": s }),
            Req::AllOf(v) => json!({ "all_of": v }),
            Req::AnyOf(v) => json!({ "any_of": v }),
            Req::Authenticate => Value::Null,
        };
        case["expect"] = outcome;
        case
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn reference() -> String {
    mint(
        "reference",
        &claims(&["users:read", "users:write", "billing:read"]).subject("agent-7"),
    )
}

fn reference_chain(depth: usize) -> String {
    let steps = [
        narrow(&["users:read", "users:write"], "agent:planner"),
        narrow(&["users:read"], "agent:reader"),
        label("agent:auditor").ttl(Duration::from_secs(600)),
    ];
    let mut key = reference();
    for step in steps.into_iter().take(depth) {
        key = attenuate(&key, step);
    }
    key
}

/// A key built by the independent encoder: root with two blocks, for chain surgery.
fn surgery() -> (Raw, [u8; 16]) {
    use raw::{block, label as text, list, root, varint};
    let root = root(
        1,
        key_id("surgery"),
        0x11,
        ISSUED as u64,
        &[varint(HOUR), list("repo/acme/*:read,write")],
    );
    let first = block(0x18, &[text("agent:one"), list("repo/acme/*:read")]);
    let second = block(0x08, &[text("agent:two")]);
    let raw = Raw {
        head: "till_live_".into(),
        root,
        blocks: vec![first, second],
    };
    let k = k1();
    let mut tag = raw::root_tag(k.id, &k.secret, raw.head.as_bytes(), &raw.root);
    for b in &raw.blocks {
        tag = raw::chain(&tag, b);
    }
    (raw, tag)
}

/// A root sealed by the independent encoder under key 0001.
fn sealed(
    name: &str,
    flags: u8,
    issued_at: u64,
    fields: &[Vec<u8>],
    blocks: Vec<Vec<u8>>,
) -> String {
    let root = raw::root(1, key_id(name), flags, issued_at, fields);
    let k = k1();
    Raw {
        head: "till_live_".into(),
        root,
        blocks,
    }
    .seal(k.id, &k.secret)
}

pub(crate) fn keys() -> Value {
    use raw::{block, label as text, list, varint};
    let exp = ISSUED + HOUR as i64;
    let reference = reference();
    let mut cases = vec![];

    // Keys that are granted.
    cases.push(Case::new(
        "reference",
        "The reference key: subject, expiry, three scopes, no attenuation.",
        reference.clone(),
        Req::Scope("users:read"),
        Expect::Grant(Granted {
            scopes: vec!["billing:read", "users:read", "users:write"],
            subject: Some("agent-7"),
            expires_at: Some(exp),
            labels: vec![],
        }),
    ));
    cases.push(Case::new(
        "reference_1_block",
        "The reference key narrowed by one block.",
        reference_chain(1),
        Req::Scope("users:read"),
        Expect::Grant(Granted {
            scopes: vec!["users:read", "users:write"],
            subject: Some("agent-7"),
            expires_at: Some(exp),
            labels: vec!["agent:planner"],
        }),
    ));
    cases.push(Case::new(
        "reference_3_blocks",
        "The reference key narrowed by three blocks; the last one shortens the expiry.",
        reference_chain(3),
        Req::Scope("users:read"),
        Expect::Grant(Granted {
            scopes: vec!["users:read"],
            subject: Some("agent-7"),
            expires_at: Some(NOW - 300 + 600),
            labels: vec!["agent:planner", "agent:reader", "agent:auditor"],
        }),
    ));
    let plain = |name: &'static str, scopes: &[&'static str], request, comment| {
        Case::new(
            name,
            comment,
            mint(name, &claims(scopes)),
            request,
            granted(scopes, Some(exp)),
        )
    };
    cases.push(plain(
        "single_scope",
        &["repo/acme/api:read"],
        Req::Scope("repo/acme/api:read"),
        "A literal scope grants itself.",
    ));
    cases.push(plain(
        "wildcard_segment",
        &["repo/acme/*:read"],
        Req::Scope("repo/acme/api:read"),
        "`*` stands for one segment.",
    ));
    cases.push(plain(
        "double_wildcard",
        &["docs/**:read"],
        Req::Scope("docs/a/b/c:read"),
        "A final `**` stands for one or more segments.",
    ));
    cases.push(plain(
        "action_wildcard",
        &["billing:*"],
        Req::Scope("billing:refund"),
        "A `*` action grants every action.",
    ));
    cases.push(plain(
        "request_pattern_covered",
        &["repo/*:read"],
        Req::Scope("repo/*:read"),
        "A request may itself be a pattern; it is granted when covered.",
    ));
    cases.push(plain(
        "all_of_granted",
        &["a:read", "b:write"],
        Req::AllOf(vec!["a:read", "b:write"]),
        "All of several scopes.",
    ));
    cases.push(plain(
        "any_of_granted",
        &["a:read", "b:write"],
        Req::AnyOf(vec!["c:read", "b:write"]),
        "Any one of several scopes suffices.",
    ));
    cases.push(plain(
        "authenticate_only",
        &["a:read"],
        Req::Authenticate,
        "No scope asked: the key is proven genuine and current.",
    ));
    cases.push(
        Case::new(
            "audience_match",
            "A key bound to an audience, checked by that audience.",
            mint(
                "audience_match",
                &claims(&["a:read"]).audience("billing-api"),
            ),
            Req::Scope("a:read"),
            granted(&["a:read"], Some(exp)),
        )
        .setup(|s| s.audience = Some("billing-api")),
    );
    cases.push(Case::new(
        "not_before_passed",
        "A not-before time in the past.",
        mint(
            "not_before_passed",
            &claims(&["a:read"]).not_before(UnixTime::from_secs(NOW - 10)),
        ),
        Req::Scope("a:read"),
        granted(&["a:read"], Some(exp)),
    ));
    cases.push(Case::new(
        "never_expires",
        "A key whose issuer asked for no expiry.",
        mint(
            "never_expires",
            &Claims::new(["a:read"], Expiry::Never).unwrap(),
        ),
        Req::Scope("a:read"),
        granted(&["a:read"], None),
    ));
    cases.push(
        Case::new(
            "test_environment",
            "A test key checked by a test verifier.",
            mint("test_environment", &claims(&["a:read"]).env(Env::TEST)),
            Req::Scope("a:read"),
            granted(&["a:read"], Some(exp)),
        )
        .setup(|s| s.env = "test"),
    );
    cases.push(
        Case::new(
            "custom_prefix",
            "An application prefix, checked by a verifier expecting it.",
            mint_full("custom_prefix", &claims(&["a:read"]), &k1(), "acme", ISSUED),
            Req::Scope("a:read"),
            granted(&["a:read"], Some(exp)),
        )
        .setup(|s| s.prefix = "acme"),
    );
    cases.push(
        Case::new(
            "leeway_tolerates_expiry",
            "Expired five seconds ago; the verifier tolerates ten.",
            mint(
                "leeway_tolerates_expiry",
                &Claims::new(["a:read"], Expiry::At(UnixTime::from_secs(NOW - 5))).unwrap(),
            ),
            Req::Scope("a:read"),
            granted(&["a:read"], Some(NOW - 5)),
        )
        .setup(|s| s.leeway = 10),
    );
    cases.push(
        Case::new(
            "leeway_tolerates_not_before",
            "Valid in five seconds; the verifier tolerates ten.",
            mint(
                "leeway_tolerates_not_before",
                &claims(&["a:read"]).not_before(UnixTime::from_secs(NOW + 5)),
            ),
            Req::Scope("a:read"),
            granted(&["a:read"], Some(exp)),
        )
        .setup(|s| s.leeway = 10),
    );
    cases.push(
        Case::new(
            "expiry_last_second",
            "One second before expiry.",
            mint("expiry_last_second", &claims(&["a:read"])),
            Req::Scope("a:read"),
            granted(&["a:read"], Some(exp)),
        )
        .at(exp - 1),
    );
    cases.push(
        Case::new(
            "rotation_previous_root",
            "Minted by the previous root key, which the keyring still lists after the new one.",
            mint_full(
                "rotation_previous_root",
                &claims(&["a:read"]),
                &k2(),
                "till",
                ISSUED,
            ),
            Req::Scope("a:read"),
            granted(&["a:read"], Some(exp)),
        )
        .setup(|s| s.root_keys = vec!["0001", "0002"]),
    );

    let chain_root = mint(
        "chain",
        &claims(&["issues/**:*", "repo/acme/*:read", "repo/acme/*:write"]).subject("orchestrator"),
    );
    let steps: [(&[&str], &str); 4] = [
        (&["issues/**:*", "repo/acme/*:read"], "agent:planner"),
        (
            &["issues/acme/*:comment", "repo/acme/*:read"],
            "agent:triage",
        ),
        (
            &["issues/acme/*:comment", "repo/acme/api:read"],
            "agent:fixer",
        ),
        (&["repo/acme/api:read"], "agent:linter"),
    ];
    let expected: [&[&'static str]; 4] = [
        &["issues/**:*", "repo/acme/*:read"],
        &["issues/acme/*:comment", "repo/acme/*:read"],
        &["issues/acme/*:comment", "repo/acme/api:read"],
        &["repo/acme/api:read"],
    ];
    let names = [
        "chain_depth_1",
        "chain_depth_2",
        "chain_depth_3",
        "chain_depth_4",
    ];
    let all_labels = [
        "agent:planner",
        "agent:triage",
        "agent:fixer",
        "agent:linter",
    ];
    let mut key = chain_root.clone();
    for (depth, (scopes, who)) in steps.iter().enumerate() {
        key = attenuate(&key, narrow(scopes, who));
        cases.push(Case::new(
            names[depth],
            "A delegation chain; each block narrows the one before.",
            key.clone(),
            Req::Scope("repo/acme/api:read"),
            Expect::Grant(Granted {
                scopes: expected[depth].to_vec(),
                subject: Some("orchestrator"),
                expires_at: Some(exp),
                labels: all_labels[..=depth].to_vec(),
            }),
        ));
    }
    let delegated = attenuate(&chain_root, narrow(&["repo/acme/*:read"], "agent:planner"));
    cases.push(Case::new(
        "chain_drops_write",
        "A child key no longer grants what its block left out.",
        delegated.clone(),
        Req::Scope("repo/acme/api:write"),
        Expect::Missing(vec!["repo/acme/api:write"]),
    ));
    cases.push(
        Case::new(
            "chain_parent_still_writes",
            "The parent of that child still grants it.",
            chain_root.clone(),
            Req::Scope("repo/acme/api:write"),
            granted(
                &["issues/**:*", "repo/acme/*:read", "repo/acme/*:write"],
                Some(exp),
            ),
        )
        .setup(|_| ()),
    );
    if let Expect::Grant(g) = &mut cases.last_mut().unwrap().expect {
        g.subject = Some("orchestrator");
    }
    cases.push(
        Case::new(
            "block_audience",
            "A block binds the key to one audience; that audience accepts it.",
            attenuate(
                &mint("block_audience", &claims(&["a:read"])),
                Attenuation::new().audience("search-api"),
            ),
            Req::Scope("a:read"),
            granted(&["a:read"], Some(exp)),
        )
        .setup(|s| s.audience = Some("search-api")),
    );
    cases.push(Case::new(
        "delegation_within_limit",
        "A key that allows one block, with one block.",
        attenuate(
            &mint(
                "delegation_within_limit",
                &claims(&["a:read"]).max_delegation(1),
            ),
            label("agent:x"),
        ),
        Req::Scope("a:read"),
        Expect::Grant(Granted {
            scopes: vec!["a:read"],
            subject: None,
            expires_at: Some(exp),
            labels: vec!["agent:x"],
        }),
    ));
    cases.push(Case::new(
        "independent_encoder",
        "Written by an encoder built from docs/FORMAT.md alone, not by till-core.",
        sealed(
            "independent_encoder",
            0x15,
            ISSUED as u64,
            &[varint(HOUR), text("bot"), list("a:read,write b:read")],
            vec![],
        ),
        Req::Scope("a:write"),
        Expect::Grant(Granted {
            scopes: vec!["a:read", "a:write", "b:read"],
            subject: Some("bot"),
            expires_at: Some(exp),
            labels: vec![],
        }),
    ));
    let long_scope: &'static str = Box::leak(format!("{}:read", "a".repeat(123)).into_boxed_str());
    cases.push(Case::new(
        "longest_scope",
        "A scope of exactly 128 bytes, the longest allowed.",
        mint("longest_scope", &claims(&[long_scope])),
        Req::Scope(long_scope),
        granted(&[long_scope], Some(exp)),
    ));
    let many: Vec<&'static str> = (0..32)
        .map(|i| &*Box::leak(format!("s{i:02}:read").into_boxed_str()))
        .collect();
    cases.push(Case::new(
        "most_scopes",
        "Thirty-two scopes, the most one list may hold.",
        mint("most_scopes", &claims(&many)),
        Req::Scope("s31:read"),
        granted(&many, Some(exp)),
    ));
    let mut deep = mint("most_blocks", &claims(&["a:read"]));
    for _ in 0..8 {
        deep = attenuate(&deep, Attenuation::new());
    }
    cases.push(Case::new(
        "most_blocks",
        "Eight blocks, the most a key may carry.",
        deep,
        Req::Scope("a:read"),
        granted(&["a:read"], Some(exp)),
    ));

    // Malformed text.
    let mal = |name: &'static str, comment: &'static str, key: String| {
        Case::new(
            name,
            comment,
            key,
            Req::Scope("users:read"),
            Expect::Error("malformed"),
        )
    };
    cases.push(mal("empty", "The empty string.", String::new()));
    cases.push(mal("no_separators", "No `_` joints.", "tilllivexyz".into()));
    cases.push(mal(
        "uppercase_prefix",
        "`TILL` is not `till`; the checksum was recomputed.",
        edit_head(&reference, "TILL_live_"),
    ));
    cases.push(mal(
        "uppercase_env",
        "`LIVE` is not `live`; the checksum was recomputed.",
        edit_head(&reference, "till_LIVE_"),
    ));
    cases.push(mal(
        "prefix_not_expected",
        "An `acme_` key shown to a verifier of `till_` keys.",
        mint_full(
            "prefix_not_expected",
            &claims(&["a:read"]),
            &k1(),
            "acme",
            ISSUED,
        ),
    ));
    let (head, body) = split(&reference);
    cases.push(mal(
        "body_padding",
        "Base64 padding appended to the body.",
        raw::frame(head, &format!("{body}=")),
    ));
    let standard = STANDARD_NO_PAD.encode(URL_SAFE_NO_PAD.decode(body).unwrap());
    assert_ne!(standard, body, "the reference body must contain `-` or `_`");
    cases.push(mal(
        "body_standard_alphabet",
        "The body in the standard base64 alphabet (`+`, `/`).",
        raw::frame(head, &standard),
    ));
    let mut bits = body.as_bytes().to_vec();
    let last = bits.len() - 1;
    assert!(
        body.len() % 4 != 0,
        "the reference body must end in a partial group"
    );
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let index = alphabet.iter().position(|&c| c == bits[last]).unwrap();
    bits[last] = alphabet[index | 1];
    cases.push(mal(
        "body_unused_bits",
        "The last character sets bits that encode nothing.",
        raw::frame(head, std::str::from_utf8(&bits).unwrap()),
    ));
    cases.push(mal(
        "leading_space",
        "A space before the key.",
        format!(" {reference}"),
    ));
    cases.push(mal(
        "trailing_newline",
        "A newline after the key.",
        format!("{reference}\n"),
    ));
    let mut bytes = reference.clone().into_bytes();
    bytes.insert(12, 0xff);
    cases.push(Case {
        key: Input::Bytes(bytes),
        ..mal(
            "not_utf8",
            "A byte that is not UTF-8 inside the body.",
            String::new(),
        )
    });

    // Malformed payloads, sealed with a valid tag so that only the parser can refuse them.
    let exp_field = varint(HOUR);
    let scopes_field = list("a:read");
    let root_ok = |name: &'static str, comment: &'static str, flags: u8, fields: Vec<Vec<u8>>| {
        mal(
            name,
            comment,
            sealed(name, flags, ISSUED as u64, &fields, vec![]),
        )
    };
    cases.push(root_ok(
        "unknown_root_flag",
        "A root flag bit this version does not define.",
        0x91,
        vec![exp_field.clone(), scopes_field.clone()],
    ));
    cases.push(mal(
        "unknown_block_flag",
        "A block flag bit this version does not define.",
        sealed(
            "unknown_block_flag",
            0x11,
            ISSUED as u64,
            &[exp_field.clone(), scopes_field.clone()],
            vec![block(0x02, &[])],
        ),
    ));
    cases.push(root_ok(
        "non_minimal_integer",
        "The expiry written as `0x90 0x9c 0x00`: a zero continuation byte.",
        0x11,
        vec![vec![0x90, 0x9c, 0x00], scopes_field.clone()],
    ));
    cases.push(root_ok(
        "non_minimal_length",
        "A list length with a zero continuation byte.",
        0x11,
        vec![exp_field.clone(), vec![0x86, 0x00], b"a:read".to_vec()],
    ));
    cases.push(root_ok(
        "scopes_unsorted",
        "Resources out of order.",
        0x11,
        vec![exp_field.clone(), list("b:read a:read")],
    ));
    cases.push(root_ok(
        "actions_unsorted",
        "Actions out of order.",
        0x11,
        vec![exp_field.clone(), list("a:write,read")],
    ));
    cases.push(root_ok(
        "scope_duplicated",
        "The same action twice.",
        0x11,
        vec![exp_field.clone(), list("a:read,read")],
    ));
    cases.push(root_ok(
        "resource_repeated",
        "One resource in two groups instead of one.",
        0x11,
        vec![exp_field.clone(), list("a:read a:write")],
    ));
    cases.push(root_ok(
        "scope_list_empty",
        "A scope list of length zero.",
        0x11,
        vec![exp_field.clone(), vec![0]],
    ));
    cases.push(root_ok(
        "scope_breaks_grammar",
        "An uppercase letter inside a stored scope.",
        0x11,
        vec![exp_field.clone(), list("A:read")],
    ));
    cases.push(root_ok(
        "scope_list_double_space",
        "Two spaces between groups.",
        0x11,
        vec![exp_field.clone(), list("a:read  b:read")],
    ));
    cases.push(root_ok(
        "subject_bad_character",
        "A space inside the subject.",
        0x15,
        vec![exp_field.clone(), text("agent 7"), scopes_field.clone()],
    ));
    cases.push(root_ok(
        "subject_empty",
        "A subject of length zero.",
        0x15,
        vec![exp_field.clone(), vec![0], scopes_field.clone()],
    ));
    cases.push(root_ok(
        "grants_nothing",
        "A root with neither scopes nor roles.",
        0x01,
        vec![exp_field.clone()],
    ));
    cases.push(root_ok(
        "delegation_out_of_range",
        "A delegation limit above eight.",
        0x51,
        vec![exp_field.clone(), scopes_field.clone(), vec![9]],
    ));
    cases.push(mal(
        "expiry_overflows",
        "Issued at the latest time, expiring one second later.",
        sealed(
            "expiry_overflows",
            0x11,
            MAX_TIME as u64,
            &[varint(1), scopes_field.clone()],
            vec![],
        ),
    ));
    cases.push(mal(
        "time_out_of_range",
        "Issued one second after the latest time a key may state.",
        sealed(
            "time_out_of_range",
            0x10,
            MAX_TIME as u64 + 1,
            std::slice::from_ref(&scopes_field),
            vec![],
        ),
    ));
    cases.push(root_ok(
        "integer_over_64_bits",
        "An expiry of ten bytes whose value needs 65 bits.",
        0x11,
        vec![
            vec![0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02],
            scopes_field.clone(),
        ],
    ));
    cases.push(mal(
        "payload_truncated",
        "The payload cut short before the tag ends.",
        edit_payload(&reference, |b| b.truncate(b.len() - 20)),
    ));

    // Checksums.
    let mut altered = reference.clone().into_bytes();
    let n = altered.len();
    altered[n - 1] = if altered[n - 1] == b'a' { b'b' } else { b'a' };
    cases.push(Case::new(
        "checksum_altered",
        "The last checksum character changed.",
        String::from_utf8(altered).unwrap(),
        Req::Scope("users:read"),
        Expect::Error("bad_checksum"),
    ));
    let mut typo = reference.clone().into_bytes();
    typo[20] = if typo[20] == b'x' { b'y' } else { b'x' };
    cases.push(Case::new(
        "body_typo",
        "One body character changed; the checksum catches it before any MAC work.",
        String::from_utf8(typo).unwrap(),
        Req::Scope("users:read"),
        Expect::Error("bad_checksum"),
    ));
    cases.push(Case::new(
        "text_truncated",
        "The last character dropped.",
        reference[..reference.len() - 1].to_owned(),
        Req::Scope("users:read"),
        Expect::Error("bad_checksum"),
    ));

    // Limits.
    let too_long = raw::frame("till_live_", &"A".repeat(4096));
    cases.push(Case::new(
        "text_too_long",
        "Longer than 4096 bytes: refused before anything is decoded.",
        too_long,
        Req::Scope("a:read"),
        Expect::Error("too_large"),
    ));
    let blocks: Vec<Vec<u8>> = (0..9).map(|_| block(0, &[])).collect();
    cases.push(Case::new(
        "too_many_blocks",
        "Nine blocks, sealed with a valid tag.",
        sealed(
            "too_many_blocks",
            0x11,
            ISSUED as u64,
            &[exp_field.clone(), scopes_field.clone()],
            blocks,
        ),
        Req::Scope("a:read"),
        Expect::Error("too_large"),
    ));
    let many33: Vec<String> = (0..33).map(|i| format!("s{i:02}")).collect();
    let list33 = format!("{}:read", many33.join(":read "));
    cases.push(Case::new(
        "too_many_scopes",
        "Thirty-three scopes in one list.",
        sealed(
            "too_many_scopes",
            0x11,
            ISSUED as u64,
            &[exp_field.clone(), list(&list33)],
            vec![],
        ),
        Req::Scope("s00:read"),
        Expect::Error("too_large"),
    ));
    cases.push(Case::new(
        "scope_too_long",
        "A scope of 129 bytes.",
        sealed(
            "scope_too_long",
            0x11,
            ISSUED as u64,
            &[
                exp_field.clone(),
                list(&format!("{}:read", "a".repeat(124))),
            ],
            vec![],
        ),
        Req::Scope("a:read"),
        Expect::Error("too_large"),
    ));
    let roles17: Vec<String> = (0..17).map(|i| format!("r{i:02}")).collect();
    cases.push(Case::new(
        "too_many_roles",
        "Seventeen roles.",
        sealed(
            "too_many_roles",
            0x21,
            ISSUED as u64,
            &[exp_field.clone(), list(&roles17.join(" "))],
            vec![],
        ),
        Req::Scope("a:read"),
        Expect::Error("too_large"),
    ));

    // Versions and root keys.
    let v2 = Raw {
        head: "till_live_".into(),
        root: {
            let mut r = raw::root(
                1,
                key_id("version_2"),
                0x11,
                ISSUED as u64,
                &[exp_field.clone(), scopes_field.clone()],
            );
            r[0] = 2;
            r
        },
        blocks: vec![],
    };
    cases.push(Case::new(
        "version_2",
        "A format version this library does not know.",
        v2.seal(1, &k1().secret),
        Req::Scope("a:read"),
        Expect::Error("unsupported_version"),
    ));
    cases.push(Case::new(
        "unknown_root_key",
        "Minted by root key 0002, which the keyring lacks.",
        mint_full(
            "unknown_root_key",
            &claims(&["a:read"]),
            &k2(),
            "till",
            ISSUED,
        ),
        Req::Scope("a:read"),
        Expect::Error("unknown_root_key"),
    ));

    // Tags.
    let sig = |name: &'static str, comment: &'static str, key: String| {
        Case::new(
            name,
            comment,
            key,
            Req::Scope("users:read"),
            Expect::Error("invalid_signature"),
        )
    };
    cases.push(sig(
        "tag_bit_flipped",
        "One bit of the tag flipped; checksum recomputed.",
        edit_payload(&reference, |b| {
            let n = b.len();
            b[n - 1] ^= 1;
        }),
    ));
    cases.push(sig(
        "subject_edited",
        "The subject changed after minting; checksum recomputed.",
        edit_payload(&reference, |b| {
            let at = b.windows(7).position(|w| w == b"agent-7").unwrap();
            b[at + 6] = b'8';
        }),
    ));
    cases.push(sig(
        "expiry_extended",
        "The expiry moved later after minting; checksum recomputed.",
        edit_payload(&reference, |b| {
            b[21] ^= 0x01;
        }),
    ));
    cases.push(sig(
        "other_secret",
        "Minted under another secret with the same root key id.",
        mint_full(
            "other_secret",
            &claims(&["users:read"]),
            &impostor(),
            "till",
            ISSUED,
        ),
    ));
    let test_key = mint(
        "environment_edited",
        &claims(&["users:read"]).env(Env::TEST),
    );
    cases.push(sig(
        "environment_edited",
        "A test key edited to say live; checksum recomputed.",
        edit_head(&test_key, "till_live_"),
    ));
    let acme_key = mint_full(
        "prefix_edited",
        &claims(&["users:read"]),
        &k1(),
        "acme",
        ISSUED,
    );
    cases.push(sig(
        "prefix_edited",
        "An acme key edited to say till; checksum recomputed.",
        edit_head(&acme_key, "till_live_"),
    ));
    let (surgery, tag) = surgery();
    let with = |blocks: Vec<Vec<u8>>| {
        Raw {
            blocks,
            ..surgery.clone()
        }
        .text_with_tag(&tag)
    };
    let [b1, b2] = [surgery.blocks[0].clone(), surgery.blocks[1].clone()];
    let chain_sig = |name: &'static str, comment: &'static str, key: String| {
        Case::new(
            name,
            comment,
            key,
            Req::Scope("repo/acme/x:read"),
            Expect::Error("invalid_signature"),
        )
    };
    cases.push(Case::new(
        "surgery_intact",
        "The chain the next cases cut up, intact.",
        with(vec![b1.clone(), b2.clone()]),
        Req::Scope("repo/acme/x:read"),
        Expect::Grant(Granted {
            scopes: vec!["repo/acme/*:read"],
            subject: None,
            expires_at: Some(exp),
            labels: vec!["agent:one", "agent:two"],
        }),
    ));
    cases.push(chain_sig(
        "block_removed",
        "The first block removed, the last tag kept.",
        with(vec![b2.clone()]),
    ));
    cases.push(chain_sig(
        "last_block_removed",
        "The last block removed, the last tag kept.",
        with(vec![b1.clone()]),
    ));
    cases.push(chain_sig(
        "blocks_reordered",
        "The two blocks swapped.",
        with(vec![b2.clone(), b1.clone()]),
    ));
    cases.push(chain_sig(
        "block_duplicated",
        "The first block repeated in the middle.",
        with(vec![b1.clone(), b1.clone(), b2.clone()]),
    ));
    let foreign = raw::block(0x18, &[text("agent:evil"), list("repo/acme/*:write")]);
    cases.push(chain_sig(
        "block_grafted",
        "A block from another chain spliced in.",
        with(vec![b1.clone(), foreign, b2.clone()]),
    ));

    // Environment and audience.
    cases.push(Case::new(
        "wrong_environment",
        "A test key shown to a live verifier.",
        mint("wrong_environment", &claims(&["a:read"]).env(Env::TEST)),
        Req::Scope("a:read"),
        Expect::Error("wrong_environment"),
    ));
    let aud =
        |name: &'static str, comment: &'static str, key: String, verifier: Option<&'static str>| {
            Case::new(
                name,
                comment,
                key,
                Req::Scope("a:read"),
                Expect::Error("wrong_audience"),
            )
            .setup(|s| s.audience = verifier)
        };
    cases.push(aud(
        "audience_other",
        "Bound to billing-api, shown to search-api.",
        mint(
            "audience_other",
            &claims(&["a:read"]).audience("billing-api"),
        ),
        Some("search-api"),
    ));
    cases.push(aud(
        "audience_missing",
        "No audience, shown to a verifier that requires one.",
        mint("audience_missing", &claims(&["a:read"])),
        Some("search-api"),
    ));
    cases.push(aud(
        "audience_unexpected",
        "Bound to an audience, shown to a verifier that names none.",
        mint(
            "audience_unexpected",
            &claims(&["a:read"]).audience("billing-api"),
        ),
        None,
    ));
    cases.push(aud(
        "audience_conflict",
        "Root and block name different audiences.",
        sealed(
            "audience_conflict",
            0x19,
            ISSUED as u64,
            &[exp_field.clone(), text("billing-api"), scopes_field.clone()],
            vec![block(0x04, &[text("search-api")])],
        ),
        Some("billing-api"),
    ));

    // Time.
    let expired = |name: &'static str, comment: &'static str, key: String, now: i64| {
        Case::new(
            name,
            comment,
            key,
            Req::Scope("a:read"),
            Expect::Error("expired"),
        )
        .at(now)
    };
    cases.push(expired(
        "expired_at_boundary",
        "Checked at the expiry second itself.",
        mint("expired_at_boundary", &claims(&["a:read"])),
        exp,
    ));
    cases.push(expired(
        "expired_long_ago",
        "Checked a year after expiry.",
        mint("expired_long_ago", &claims(&["a:read"])),
        exp + 365 * 86_400,
    ));
    cases.push(expired(
        "expired_by_block",
        "The root is current but a block expired.",
        attenuate(
            &mint("expired_by_block", &claims(&["a:read"])),
            Attenuation::new().expires_at(UnixTime::from_secs(NOW - 1)),
        ),
        NOW,
    ));
    cases.push(expired(
        "expired_at_zero",
        "Issued and expiring at the epoch.",
        mint_full(
            "expired_at_zero",
            &Claims::new(["a:read"], Expiry::At(UnixTime::from_secs(0))).unwrap(),
            &k1(),
            "till",
            0,
        ),
        NOW,
    ));
    cases.push(expired(
        "expired_at_2_31",
        "Expiring at 2^31, checked just after.",
        mint_full(
            "expired_at_2_31",
            &Claims::new(["a:read"], Expiry::At(UnixTime::from_secs(1 << 31))).unwrap(),
            &k1(),
            "till",
            0,
        ),
        (1 << 31) + 1,
    ));
    cases.push(expired(
        "expired_at_2_32",
        "Expiring at 2^32, checked at that second.",
        mint_full(
            "expired_at_2_32",
            &Claims::new(["a:read"], Expiry::At(UnixTime::from_secs(1 << 32))).unwrap(),
            &k1(),
            "till",
            0,
        ),
        1 << 32,
    ));
    cases.push(expired(
        "expired_at_max_time",
        "Expiring at the latest time a key may state, checked then.",
        mint_full(
            "expired_at_max_time",
            &Claims::new(["a:read"], Expiry::At(UnixTime::from_secs(MAX_TIME))).unwrap(),
            &k1(),
            "till",
            0,
        ),
        MAX_TIME,
    ));
    cases.push(expired(
        "expired_clock_far_future",
        "A clock far beyond any time a key may state.",
        mint("expired_clock_far_future", &claims(&["a:read"])),
        i64::MAX,
    ));
    cases.push(
        expired(
            "leeway_not_enough",
            "Expired twenty seconds ago; the verifier tolerates ten.",
            mint(
                "leeway_not_enough",
                &Claims::new(["a:read"], Expiry::At(UnixTime::from_secs(NOW - 20))).unwrap(),
            ),
            NOW,
        )
        .setup(|s| s.leeway = 10),
    );
    cases.push(Case::new(
        "not_yet_valid",
        "A not-before time a hundred seconds ahead.",
        mint(
            "not_yet_valid",
            &claims(&["a:read"]).not_before(UnixTime::from_secs(NOW + 100)),
        ),
        Req::Scope("a:read"),
        Expect::Error("not_yet_valid"),
    ));
    cases.push(
        Case::new(
            "not_yet_valid_clock_before_epoch",
            "A clock reading before 1970.",
            mint(
                "not_yet_valid_clock_before_epoch",
                &claims(&["a:read"]).not_before(UnixTime::from_secs(0)),
            ),
            Req::Scope("a:read"),
            Expect::Error("not_yet_valid"),
        )
        .at(i64::MIN),
    );

    // Revocation.
    let parent = mint("revocation", &claims(&["a:read", "b:read"]));
    let child = attenuate(&parent, narrow(&["a:read"], "agent:child"));
    let sibling = attenuate(&parent, narrow(&["b:read"], "agent:sibling"));
    let parent_id = KeyId(key_id("revocation")).to_string();
    let child_id = block_id(&child);
    let revoked = |name: &'static str, comment: &'static str, key: &str, ids: Vec<String>| {
        Case::new(
            name,
            comment,
            key.to_owned(),
            Req::Scope("a:read"),
            Expect::Error("revoked"),
        )
        .setup(|s| s.revoked = ids)
    };
    cases.push(revoked(
        "revoked_key",
        "The key's id is revoked.",
        &parent,
        vec![parent_id.clone()],
    ));
    cases.push(revoked(
        "revoked_parent",
        "The parent's id is revoked: the child falls with it.",
        &child,
        vec![parent_id.clone()],
    ));
    cases.push(revoked(
        "revoked_block",
        "The child's block id is revoked.",
        &child,
        vec![child_id.clone()],
    ));
    cases.push(
        Case::new(
            "revoked_sibling_unaffected",
            "Revoking one child leaves its sibling and parent alone.",
            sibling,
            Req::Scope("b:read"),
            Expect::Grant(Granted {
                scopes: vec!["b:read"],
                subject: None,
                expires_at: Some(exp),
                labels: vec!["agent:sibling"],
            }),
        )
        .setup(|s| s.revoked = vec![child_id.clone()]),
    );
    cases.push(
        Case::new(
            "revoked_child_leaves_parent",
            "The parent is still granted when only the child is revoked.",
            parent.clone(),
            Req::Scope("a:read"),
            granted(&["a:read", "b:read"], Some(exp)),
        )
        .setup(|s| s.revoked = vec![child_id.clone()]),
    );

    // Scope decisions.
    let deny =
        |name: &'static str, comment: &'static str, scopes: &[&str], request: &'static str| {
            Case::new(
                name,
                comment,
                mint(name, &claims(scopes)),
                Req::Scope(request),
                Expect::Missing(vec![request]),
            )
        };
    cases.push(deny(
        "action_not_prefix",
        "`repo:read` does not grant `repo:readwrite`.",
        &["repo:read"],
        "repo:readwrite",
    ));
    cases.push(deny(
        "resource_not_prefix",
        "`org/a:read` does not grant `org/ab:read`.",
        &["org/a:read"],
        "org/ab:read",
    ));
    cases.push(deny(
        "wildcard_is_a_segment",
        "`repo/*:read` does not grant `repository/x:read`.",
        &["repo/*:read"],
        "repository/x:read",
    ));
    cases.push(deny(
        "wildcard_is_one_segment",
        "`repo/*:read` does not grant `repo/x/y:read`.",
        &["repo/*:read"],
        "repo/x/y:read",
    ));
    cases.push(deny(
        "double_wildcard_needs_a_segment",
        "`docs/**:read` does not grant `docs:read`.",
        &["docs/**:read"],
        "docs:read",
    ));
    cases.push(deny(
        "pattern_not_covered",
        "A request for `repo/*:read` is not covered by `repo/x:read`.",
        &["repo/x:read"],
        "repo/*:read",
    ));
    cases.push(Case::new(
        "all_of_partial",
        "All of two, one missing.",
        mint("all_of_partial", &claims(&["a:read"])),
        Req::AllOf(vec!["a:read", "b:write"]),
        Expect::Missing(vec!["b:write"]),
    ));
    cases.push(Case::new(
        "any_of_none",
        "Any of two, neither granted.",
        mint("any_of_none", &claims(&["a:read"])),
        Req::AnyOf(vec!["b:read", "c:read"]),
        Expect::Missing(vec!["b:read", "c:read"]),
    ));
    cases.push(Case::new(
        "roles_without_policy",
        "A key naming only a role, checked without a policy: roles grant nothing.",
        mint(
            "roles_without_policy",
            &Claims::new(Vec::<&str>::new(), Expiry::After(Duration::from_secs(HOUR)))
                .unwrap()
                .roles(["support"])
                .unwrap(),
        ),
        Req::Scope("tickets:read"),
        Expect::Missing(vec!["tickets:read"]),
    ));
    cases.push(Case::new(
        "request_uppercase",
        "Scopes are case-sensitive and lowercase: the request itself is invalid.",
        reference.clone(),
        Req::Scope("Users:read"),
        Expect::Error("invalid_scope"),
    ));
    cases.push(Case::new(
        "request_dot_dot",
        "`..` is not a segment.",
        reference.clone(),
        Req::Scope("users/..:read"),
        Expect::Error("invalid_scope"),
    ));
    cases.push(Case::new(
        "request_lookalike",
        "A Cyrillic `е` in the request.",
        reference.clone(),
        Req::Scope("usеrs:read"),
        Expect::Error("invalid_scope"),
    ));

    // Delegation limits.
    let limited = sealed(
        "delegation_exceeded",
        0x51,
        ISSUED as u64,
        &[exp_field.clone(), scopes_field.clone(), vec![0]],
        vec![block(0x08, &[text("agent:x")])],
    );
    cases.push(Case::new(
        "delegation_exceeded",
        "A root that allows no blocks, with one (written without till-core, which refuses).",
        limited,
        Req::Scope("a:read"),
        Expect::Error("delegation_limit"),
    ));
    let block_limited = sealed(
        "delegation_exceeded_by_block",
        0x11,
        ISSUED as u64,
        &[exp_field.clone(), scopes_field.clone()],
        vec![block(0x40, &[vec![0]]), block(0, &[])],
    );
    cases.push(Case::new(
        "delegation_exceeded_by_block",
        "A block that allows no further blocks, followed by one.",
        block_limited,
        Req::Scope("a:read"),
        Expect::Error("delegation_limit"),
    ));

    // Roles, resolved against the verifier's policy at every check.
    let with_role = |name: &'static str, scopes: &[&str], roles: &[&str]| {
        let claims = Claims::new(scopes, Expiry::After(Duration::from_secs(HOUR))).unwrap();
        mint(name, &claims.roles(roles.iter().copied()).unwrap())
    };
    let support = with_role("role_support", &[], &["support"]);
    let mixed = with_role("role_and_scopes", &["kb/internal:read"], &["support"]);
    let lead = with_role("role_lead", &[], &["lead"]);
    let narrowed_lead = attenuate(&lead, narrow(&["tickets:read"], "agent:reader"));
    let role_case =
        |name: &'static str, comment: &'static str, key: &str, request, expect, policy: Value| {
            Case::new(name, comment, key.to_owned(), request, expect)
                .setup(move |s| s.policy = Some(policy))
        };
    let role_grant = |scopes: &[&'static str]| {
        Expect::Grant(Granted {
            scopes: scopes.to_vec(),
            subject: None,
            expires_at: Some(exp),
            labels: vec![],
        })
    };
    cases.push(role_case(
        "role_grants",
        "A key carrying the support role, which includes viewer.",
        &support,
        Req::Scope("tickets:read"),
        role_grant(&["tickets:read", "tickets:write"]),
        policy_json(DESK),
    ));
    cases.push(role_case(
        "role_and_own_scopes",
        "A key with a scope of its own beside its role.",
        &mixed,
        Req::Scope("kb/internal:read"),
        role_grant(&["kb/internal:read", "tickets:read", "tickets:write"]),
        policy_json(DESK),
    ));
    cases.push(role_case(
        "role_permission_removed",
        "Support lost tickets:write after the key was minted: the key lost it too.",
        &support,
        Req::Scope("tickets:write"),
        Expect::Missing(vec!["tickets:write"]),
        policy_json(DESK_NARROWED),
    ));
    cases.push(role_case(
        "role_permission_kept",
        "Under the narrowed policy, what support still allows is granted.",
        &support,
        Req::Scope("tickets:read"),
        role_grant(&["tickets:read"]),
        policy_json(DESK_NARROWED),
    ));
    cases.push(role_case(
        "role_missing_from_policy",
        "The policy no longer names support: the role grants nothing.",
        &support,
        Req::Scope("tickets:read"),
        Expect::Missing(vec!["tickets:read"]),
        policy_json(DESK_WITHOUT_SUPPORT),
    ));
    cases.push(role_case(
        "role_missing_keeps_own_scopes",
        "A key's own scopes survive its role's removal.",
        &mixed,
        Req::Scope("kb/internal:read"),
        role_grant(&["kb/internal:read"]),
        policy_json(DESK_WITHOUT_SUPPORT),
    ));
    cases.push(role_case(
        "role_narrowed_by_block",
        "A block narrows what the lead role grants.",
        &narrowed_lead,
        Req::Scope("tickets:assign"),
        Expect::Missing(vec!["tickets:assign"]),
        policy_json(DESK),
    ));
    let narrowed_grant = Granted {
        scopes: vec!["tickets:read"],
        subject: None,
        expires_at: Some(exp),
        labels: vec!["agent:reader"],
    };
    cases.push(role_case(
        "role_block_keeps_what_it_names",
        "The same sub-key keeps what its block names.",
        &narrowed_lead,
        Req::Scope("tickets:read"),
        Expect::Grant(narrowed_grant),
        policy_json(DESK),
    ));

    json!({
        "description": "Verification cases: each key, verifier setup, time and request, with the exact outcome.",
        "root_keys": [
            { "id": "0001", "text": &*root_key(&k1()).to_text() },
            { "id": "0002", "text": &*root_key(&k2()).to_text() },
        ],
        "cases": cases.into_iter().map(Case::run).collect::<Vec<_>>(),
    })
}

/// The id of a key's last block, as a verifier reports it.
fn block_id(key: &str) -> String {
    let keyring = Keyring::single(root_key(&k1()));
    let grant = Verifier::new(&keyring)
        .authenticate_at(key, UnixTime::from_secs(NOW))
        .unwrap();
    grant.chain().last().unwrap().id.to_string()
}

pub(crate) fn attenuations() -> Value {
    let now = NOW - 300;
    let exp = ISSUED + HOUR as i64;
    let base = mint(
        "attenuate",
        &claims(&["repo/acme/*:read", "repo/acme/*:write"]).subject("orchestrator"),
    );
    let limited = mint("attenuate_limited", &claims(&["a:read"]).max_delegation(0));
    let bound = mint(
        "attenuate_bound",
        &claims(&["a:read"]).audience("billing-api"),
    );
    let mut full = mint("attenuate_full", &claims(&["a:read"]));
    for _ in 0..8 {
        full = attenuate(&full, Attenuation::new());
    }
    let mut typo = base.clone().into_bytes();
    typo[15] = if typo[15] == b'x' { b'y' } else { b'x' };
    let typo = String::from_utf8(typo).unwrap();

    struct A {
        name: &'static str,
        comment: &'static str,
        key: String,
        scopes: Option<Vec<&'static str>>,
        ttl: Option<u64>,
        expires_at: Option<i64>,
        audience: Option<&'static str>,
        label: Option<&'static str>,
        max_delegation: Option<u8>,
        error: Option<&'static str>,
        expires: Option<i64>,
    }
    let a = |name, comment, key: &String| A {
        name,
        comment,
        key: key.clone(),
        scopes: None,
        ttl: None,
        expires_at: None,
        audience: None,
        label: None,
        max_delegation: None,
        error: None,
        expires: Some(exp),
    };
    let cases = vec![
        A {
            scopes: Some(vec!["repo/acme/api:read"]),
            label: Some("agent:triage-bot"),
            ..a(
                "narrow_scopes",
                "Narrowed to one repository, read only.",
                &base,
            )
        },
        A {
            label: Some("agent:summarizer"),
            ..a(
                "label_only",
                "Only a label: same scopes, an id of its own.",
                &base,
            )
        },
        A {
            ttl: Some(60),
            expires: Some(now + 60),
            ..a("shorter_ttl", "Sixty seconds from now.", &base)
        },
        A {
            ttl: Some(86_400),
            ..a(
                "longer_ttl_clamped",
                "A day asked for; the key's own expiry is sooner and wins.",
                &base,
            )
        },
        A {
            expires_at: Some(now + 10),
            expires: Some(now + 10),
            ..a("expires_at", "An absolute expiry.", &base)
        },
        A {
            audience: Some("search-api"),
            ..a("audience", "Bound to one audience.", &base)
        },
        A {
            max_delegation: Some(0),
            label: Some("agent:leaf"),
            ..a(
                "no_further_delegation",
                "The sub-key may not be attenuated again.",
                &base,
            )
        },
        A {
            scopes: Some(vec!["repo/acme/*:read", "repo/other/x:read"]),
            error: Some("scope_not_held"),
            ..a(
                "widening_refused",
                "A scope outside those the key grants.",
                &base,
            )
        },
        A {
            scopes: Some(vec!["Repo:read"]),
            error: Some("invalid_scope"),
            ..a("invalid_scope", "A scope that breaks the grammar.", &base)
        },
        A {
            label: Some("agent triage"),
            error: Some("invalid_argument"),
            ..a("label_with_space", "A label with a space.", &base)
        },
        A {
            audience: Some("search-api"),
            error: Some("invalid_argument"),
            ..a(
                "second_audience",
                "The key is already bound to billing-api.",
                &bound,
            )
        },
        A {
            label: Some("agent:x"),
            error: Some("delegation_limit"),
            ..a("delegation_refused", "The key allows no blocks.", &limited)
        },
        A {
            label: Some("agent:x"),
            error: Some("too_large"),
            ..a(
                "ninth_block",
                "The key already carries eight blocks.",
                &full,
            )
        },
        A {
            label: Some("agent:x"),
            error: Some("bad_checksum"),
            ..a("mistyped_key", "A mistyped key.", &typo)
        },
        A {
            label: Some("agent:x"),
            error: Some("malformed"),
            ..a("not_a_key", "Not a key at all.", &"hello".to_owned())
        },
    ];

    let keyring = Keyring::single(root_key(&k1()));
    let out: Vec<Value> = cases
        .into_iter()
        .map(|c| {
            let mut att = Attenuation::new();
            let mut parse_error = None;
            if let Some(scopes) = &c.scopes {
                match att.clone().scopes(scopes) {
                    Ok(next) => att = next,
                    Err(e) => parse_error = Some(e),
                }
            }
            if let Some(ttl) = c.ttl {
                att = att.ttl(Duration::from_secs(ttl));
            }
            if let Some(at) = c.expires_at {
                att = att.expires_at(UnixTime::from_secs(at));
            }
            if let Some(audience) = c.audience {
                att = att.audience(audience);
            }
            if let Some(label) = c.label {
                att = att.label(label);
            }
            if let Some(n) = c.max_delegation {
                att = att.max_delegation(n);
            }
            let result: Result<String, Error> = match parse_error {
                Some(e) => Err(e),
                None => attenuate_at(&c.key, &att, UnixTime::from_secs(now)).map(|k| k.expose_secret().to_owned()),
            };
            let expect = match (c.error, result) {
                (None, Ok(key)) => {
                    // The result must verify, and expire when stated.
                    let mut verifier = Verifier::builder(&keyring);
                    if let Some(audience) = c.audience {
                        verifier = verifier.audience(audience);
                    }
                    let grant = verifier.build().unwrap().authenticate_at(&key, UnixTime::from_secs(now)).unwrap();
                    assert_eq!(grant.expires_at().map(UnixTime::secs), c.expires, "{}", c.name);
                    assert_eq!(grant.chain().last().unwrap().label, c.label, "{}", c.name);
                    json!({ "key": key })
                }
                (Some(code), Err(e)) => {
                    assert_eq!(e.code().as_str(), code, "{}: {e}", c.name);
                    json!({ "error": code })
                }
                (want, got) => panic!("{}: wanted {want:?}, got {:?}", c.name, got.map(|_| "a key")),
            };
            json!({
                "name": c.name,
                "comment": c.comment,
                "key": c.key,
                "now": now,
                "attenuation": {
                    "scopes": c.scopes, "ttl": c.ttl, "expires_at": c.expires_at, "audience": c.audience,
                    "label": c.label, "max_delegation": c.max_delegation,
                },
                "expect": expect,
            })
        })
        .collect();
    json!({ "description": "Attenuation cases: each key and restriction, with the exact resulting key or error.", "cases": out })
}

pub(crate) fn texts() -> Value {
    let api = reference();
    let acme = mint_full("text_acme", &claims(&["a:read"]), &k1(), "acme", ISSUED);
    let root = root_key(&k1()).to_text().to_string();
    let mut altered = api.clone().into_bytes();
    let n = altered.len();
    altered[n - 2] = if altered[n - 2] == b'a' { b'b' } else { b'a' };
    let altered = String::from_utf8(altered).unwrap();

    let cases: Vec<(&str, &str, String, usize)> = vec![
        (
            "log_line",
            "One key in a log line.",
            format!("auth ok key={api} user=7"),
            1,
        ),
        (
            "root_key_in_env_file",
            "A root key in an environment file.",
            format!("TILL_ROOT_KEY={root}\nOTHER=1\n"),
            1,
        ),
        (
            "two_keys",
            "Two keys, one with an application prefix.",
            format!("a {api}, b \"{acme}\"."),
            2,
        ),
        (
            "checksum_mismatch_ignored",
            "A key whose checksum fails is not reported.",
            format!("key={altered}"),
            0,
        ),
        (
            "inside_a_word",
            "No word boundary before the key.",
            format!("x{api}"),
            0,
        ),
        (
            "followed_by_hyphen",
            "A hyphen after the key is not part of it.",
            format!("{api}-suffix"),
            1,
        ),
        (
            "no_keys",
            "Plain text.",
            "nothing to see here: till_live_ is only a prefix".to_owned(),
            0,
        ),
        (
            "unicode_around",
            "Multi-byte characters around the key; offsets are in bytes.",
            format!("clé «{api}» ✓"),
            1,
        ),
    ];
    let out: Vec<Value> = cases
        .into_iter()
        .map(|(name, comment, text, count)| {
            let found = find_keys(&text);
            assert_eq!(found.len(), count, "{name}");
            let redacted = redact(&text);
            for f in &found {
                assert!(!redacted.contains(&text[f.range.clone()]), "{name}: not redacted");
                assert!(redacted.contains(&f.id), "{name}: id not kept");
            }
            let found: Vec<Value> = found
                .iter()
                .map(|f| json!({ "kind": f.kind, "start": f.range.start, "end": f.range.end, "id": f.id }))
                .collect();
            json!({ "name": name, "comment": comment, "text": text, "found": found, "redacted": redacted })
        })
        .collect();
    json!({ "description": "Finding and redacting keys in text.", "cases": out })
}

pub(crate) fn root_keys() -> Value {
    let one = root_key(&k1()).to_text().to_string();
    let two = root_key(&k2()).to_text().to_string();
    let mut altered = one.clone().into_bytes();
    altered[20] = if altered[20] == b'x' { b'y' } else { b'x' };
    let cases = vec![
        ("key_0001", "Root key 0001.", one.clone(), Some("0001")),
        ("key_0002", "Root key 0002.", two, Some("0002")),
        (
            "trailing_newline",
            "A newline after the text, as read from a file: ignored.",
            format!("{one}\n"),
            Some("0001"),
        ),
        (
            "altered",
            "One character changed.",
            String::from_utf8(altered).unwrap(),
            None,
        ),
        (
            "truncated",
            "The last character dropped.",
            one[..one.len() - 1].to_owned(),
            None,
        ),
        (
            "api_key_prefix",
            "An API key is not a root key.",
            reference(),
            None,
        ),
        (
            "wrong_prefix",
            "Another prefix.",
            one.replacen("tillroot_", "tilroot_", 1),
            None,
        ),
    ];
    let out: Vec<Value> = cases
        .into_iter()
        .map(|(name, comment, text, id)| {
            let result = RootKey::from_text(&text);
            let expect = match (id, result) {
                (Some(id), Ok(key)) => {
                    assert_eq!(key.id().to_string(), id, "{name}");
                    json!({ "id": id })
                }
                (None, Err(e)) => {
                    assert_eq!(e.code().as_str(), "invalid_root_key", "{name}");
                    json!({ "error": "invalid_root_key" })
                }
                (want, got) => panic!("{name}: wanted {want:?}, got {:?}", got.map(|k| k.id())),
            };
            json!({ "name": name, "comment": comment, "text": text, "expect": expect })
        })
        .collect();
    json!({ "description": "Root key texts.", "cases": out })
}

/// The support desk policy of the role vectors, as a list of (role, scopes, includes).
type Roles = &'static [(
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
)];

const DESK: Roles = &[
    ("viewer", &["tickets:read"], &[]),
    ("support", &["tickets:write"], &["viewer"]),
    ("lead", &["tickets:assign"], &["support"]),
];

const DESK_NARROWED: Roles = &[
    ("viewer", &["tickets:read"], &[]),
    ("support", &[], &["viewer"]),
    ("lead", &["tickets:assign"], &["support"]),
];

const DESK_WITHOUT_SUPPORT: Roles = &[
    ("viewer", &["tickets:read"], &[]),
    ("lead", &["tickets:assign"], &["viewer"]),
];

fn policy_json(roles: Roles) -> Value {
    let roles: serde_json::Map<String, Value> = roles
        .iter()
        .map(|(name, scopes, includes)| {
            (
                (*name).to_owned(),
                json!({ "scopes": scopes, "includes": includes }),
            )
        })
        .collect();
    json!({ "roles": roles })
}

pub(crate) fn policies() -> Value {
    let valid: Vec<(&str, &str, Value)> = vec![
        (
            "desk",
            "Roles that include each other, resolved.",
            policy_json(DESK),
        ),
        (
            "empty_role",
            "A role that allows nothing of its own.",
            policy_json(DESK_NARROWED),
        ),
        (
            "no_roles",
            "A policy without roles.",
            json!({ "roles": {} }),
        ),
    ];
    let invalid: Vec<(&str, &str, Value)> = vec![
        (
            "cycle",
            "Roles that include each other in a circle.",
            json!({ "roles": { "a": { "includes": ["b"] }, "b": { "includes": ["a"] } } }),
        ),
        (
            "self_include",
            "A role that includes itself.",
            json!({ "roles": { "a": { "includes": ["a"] } } }),
        ),
        (
            "unknown_include",
            "An include of a role that is not defined.",
            json!({ "roles": { "a": { "includes": ["ghost"] } } }),
        ),
        (
            "bad_scope",
            "A scope that breaks the grammar.",
            json!({ "roles": { "a": { "scopes": ["Tickets:read"] } } }),
        ),
        (
            "bad_role_name",
            "A role name that breaks the grammar.",
            json!({ "roles": { "Support": { "scopes": ["a:read"] } } }),
        ),
    ];
    let mut policies = vec![];
    for (name, comment, definition) in valid {
        let policy: Policy = serde_json::from_value(definition.clone()).unwrap();
        let roles: serde_json::Map<String, Value> = policy
            .roles()
            .into_iter()
            .map(|(role, scopes)| {
                (
                    role.to_owned(),
                    json!(scopes.iter().map(ToString::to_string).collect::<Vec<_>>()),
                )
            })
            .collect();
        policies.push(json!({ "name": name, "comment": comment, "policy": definition, "expect": { "roles": roles } }));
    }
    for (name, comment, definition) in invalid {
        let error = serde_json::from_value::<Policy>(definition.clone()).unwrap_err();
        assert!(
            error.to_string().contains("invalid policy"),
            "{name}: {error}"
        );
        policies.push(json!({ "name": name, "comment": comment, "policy": definition, "expect": { "error": "invalid_policy" } }));
    }

    struct M {
        name: &'static str,
        comment: &'static str,
        on_behalf_of: Option<&'static [&'static str]>,
        scopes: &'static [&'static str],
        roles: &'static [&'static str],
        expect: Result<(), (&'static str, &'static [&'static str])>,
    }
    let mints = [
        M {
            name: "within_role",
            comment: "Scopes the role allows.",
            on_behalf_of: Some(&["support"]),
            scopes: &["tickets:read"],
            roles: &[],
            expect: Ok(()),
        },
        M {
            name: "within_included_role",
            comment: "A scope of an included role.",
            on_behalf_of: Some(&["lead"]),
            scopes: &["tickets:read", "tickets:assign"],
            roles: &[],
            expect: Ok(()),
        },
        M {
            name: "beyond_role",
            comment: "Scopes beyond the role are named.",
            on_behalf_of: Some(&["support"]),
            scopes: &["tickets:read", "tickets:assign", "admin:*"],
            roles: &[],
            expect: Err(("exceeds_roles", &["admin:*", "tickets:assign"])),
        },
        M {
            name: "carried_role_beyond",
            comment: "Carrying a role wider than one's own.",
            on_behalf_of: Some(&["support"]),
            scopes: &[],
            roles: &["lead"],
            expect: Err(("exceeds_roles", &["tickets:assign"])),
        },
        M {
            name: "carried_role_within",
            comment: "Carrying a role one's own includes.",
            on_behalf_of: Some(&["lead"]),
            scopes: &[],
            roles: &["support"],
            expect: Ok(()),
        },
        M {
            name: "unknown_ceiling_role",
            comment: "A role the policy lacks allows nothing.",
            on_behalf_of: Some(&["ghost"]),
            scopes: &["tickets:read"],
            roles: &[],
            expect: Err(("exceeds_roles", &["tickets:read"])),
        },
        M {
            name: "empty_ceiling",
            comment: "Minting on behalf of no roles at all allows nothing.",
            on_behalf_of: Some(&[]),
            scopes: &["tickets:read"],
            roles: &[],
            expect: Err(("exceeds_roles", &["tickets:read"])),
        },
        M {
            name: "no_ceiling",
            comment: "Without a ceiling, carried roles need only exist.",
            on_behalf_of: None,
            scopes: &["admin:*"],
            roles: &["support"],
            expect: Ok(()),
        },
        M {
            name: "unknown_carried_role",
            comment: "A carried role must be defined.",
            on_behalf_of: None,
            scopes: &[],
            roles: &["ghost"],
            expect: Err(("invalid_policy", &[])),
        },
    ];
    let policy: Policy = serde_json::from_value(policy_json(DESK)).unwrap();
    let issuer =
        Issuer::new(&Keyring::single(root_key(&k1()))).with_policy(SharedPolicy::new(policy));
    let mut mint_cases = vec![];
    for m in mints {
        let mut claims = Claims::new(m.scopes, Expiry::After(Duration::from_secs(HOUR))).unwrap();
        claims = claims.roles(m.roles.iter().copied()).unwrap();
        if let Some(ceiling) = m.on_behalf_of {
            claims = claims.on_behalf_of(ceiling.iter().copied()).unwrap();
        }
        let result = issuer.mint_at(&claims, UnixTime::from_secs(ISSUED));
        let expect = match (m.expect, result) {
            (Ok(()), Ok(_)) => json!({ "ok": true }),
            (Err((code, beyond)), Err(e)) => {
                assert_eq!(e.code().as_str(), code, "{}", m.name);
                if let Error::ExceedsRoles(scopes) = &e {
                    let got: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
                    assert_eq!(got, beyond, "{}", m.name);
                    json!({ "error": code, "beyond": beyond })
                } else {
                    json!({ "error": code })
                }
            }
            (want, got) => panic!(
                "{}: wanted {want:?}, got {:?}",
                m.name,
                got.map(|_| "a key")
            ),
        };
        mint_cases.push(json!({
            "name": m.name, "comment": m.comment, "on_behalf_of": m.on_behalf_of,
            "scopes": m.scopes, "roles": m.roles, "expect": expect,
        }));
    }
    json!({
        "description": "Policies: validation and resolution, and the ceiling on minting on behalf of roles.",
        "mint_policy": policy_json(DESK),
        "cases": policies,
        "mint_cases": mint_cases,
    })
}
