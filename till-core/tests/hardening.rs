//! Tamper suites, each covering a whole class of bug that token libraries keep shipping:
//! re-spelled keys, odd times, chain surgery, near-miss scopes, limits, and leaked secrets.

mod common;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use till_core::limits::{MAX_BLOCKS, MAX_KEY_LEN, MAX_LEEWAY, MAX_TIME};
use till_core::{
    Attenuation, Claims, Env, Error, Expiry, Issuer, Keyring, Request, RootKey, RootKeyId,
    UnixTime, Verifier, attenuate_at, inspect,
};

use common::{granted_cases, load, run_with, verifier};

const NOW: i64 = 1_800_000_000;

fn keyring() -> Keyring {
    Keyring::single(RootKey::from_secret(RootKeyId(0x5eed), &[0x42; 32]))
}

fn mint_at(claims: &Claims, at: i64) -> String {
    Issuer::new(&keyring())
        .mint_at(claims, UnixTime::from_secs(at))
        .unwrap()
        .expose_secret()
        .to_owned()
}

/// A key's text split into head, body and checksum.
fn parts(key: &str) -> (&str, &str) {
    let second = key.match_indices('_').nth(1).unwrap().0;
    (&key[..=second], &key[second + 1..key.len() - 6])
}

/// CRC-32 written as six base62 digits, computed here independently of till-core.
fn checksum(text: &str) -> String {
    let mut crc = !0u32;
    for &b in text.as_bytes() {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    let (mut v, digits) = (
        !crc,
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    );
    let mut out = [b'0'; 6];
    for d in out.iter_mut().rev() {
        *d = digits[(v % 62) as usize];
        v /= 62;
    }
    String::from_utf8(out.to_vec()).unwrap()
}

fn framed(head: &str, body: &str) -> String {
    let text = format!("{head}{body}");
    let sum = checksum(&text);
    text + &sum
}

fn payload(key: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(parts(key).1).unwrap()
}

/// Every way to re-spell an accepted key, each with a correct checksum where one can be
/// computed, so that only canonical decoding can refuse it.
fn respellings(key: &str) -> Vec<(String, String)> {
    let (head, body) = parts(key);
    let bytes = payload(key);
    let mut out = vec![];
    let mut add = |what: &str, text: String| {
        if text != key {
            out.push((what.to_owned(), text));
        }
    };
    add("padding", framed(head, &URL_SAFE.encode(&bytes)));
    add(
        "padding kept out of the checksum",
        format!("{}{}=", &key[..key.len() - 6], &key[key.len() - 6..]),
    );
    add("one padding character", framed(head, &format!("{body}=")));
    add(
        "standard alphabet",
        framed(head, &STANDARD_NO_PAD.encode(&bytes)),
    );
    add(
        "standard alphabet, padded",
        framed(head, &STANDARD.encode(&bytes)),
    );
    if body.len() % 4 != 0 {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let last = alphabet
            .iter()
            .position(|&c| c == *body.as_bytes().last().unwrap())
            .unwrap();
        for low in 1..(if body.len() % 4 == 2 { 16 } else { 4 }) {
            let mut spelled = body.as_bytes().to_vec();
            *spelled.last_mut().unwrap() = alphabet[last | low];
            add(
                "unused bits set",
                framed(head, std::str::from_utf8(&spelled).unwrap()),
            );
        }
    }
    add("uppercase head", framed(&head.to_uppercase(), body));
    let mut mixed = head.to_owned();
    mixed.replace_range(0..1, &head[..1].to_uppercase());
    add("capitalised prefix", framed(&mixed, body));
    let env_start = head.find('_').unwrap() + 1;
    let mut env_upper = head.to_owned();
    env_upper.replace_range(
        env_start..env_start + 1,
        &head[env_start..env_start + 1].to_uppercase(),
    );
    add("capitalised environment", framed(&env_upper, body));
    add(
        "uppercase checksum",
        format!(
            "{}{}",
            &key[..key.len() - 6],
            key[key.len() - 6..].to_uppercase()
        ),
    );
    add(
        "lowercase checksum",
        format!(
            "{}{}",
            &key[..key.len() - 6],
            key[key.len() - 6..].to_lowercase()
        ),
    );
    for ws in [" ", "\t", "\n", "\r\n", "\0", "\u{feff}", "\u{a0}"] {
        add("leading whitespace", format!("{ws}{key}"));
        add("trailing whitespace", format!("{key}{ws}"));
    }
    add(
        "space inside",
        framed(head, &format!("{} {}", &body[..8], &body[8..])),
    );
    add("dash separators", framed(&head.replace('_', "-"), body));
    let mut extra = bytes.clone();
    extra.push(0);
    add("extra byte", framed(head, &URL_SAFE_NO_PAD.encode(&extra)));
    let mut extra = bytes.clone();
    extra.insert(bytes.len() - 16, 0);
    add(
        "extra byte before the tag",
        framed(head, &URL_SAFE_NO_PAD.encode(&extra)),
    );
    let mut extra = vec![0];
    extra.extend_from_slice(&bytes);
    add(
        "extra byte in front",
        framed(head, &URL_SAFE_NO_PAD.encode(&extra)),
    );
    add("a second checksum", format!("{key}{}", checksum(key)));
    out
}

#[test]
fn canonical_text_has_no_second_spelling() {
    let vectors = load("keys.json");
    let mut tried = 0;
    for case in granted_cases(&vectors) {
        let Some(key) = case["key"].as_str() else {
            continue;
        };
        let v = verifier(&vectors, case);
        for (what, text) in respellings(key) {
            tried += 1;
            let result = run_with(&v, case, text.as_bytes());
            assert!(
                result.is_err(),
                "{}: {what} accepted: {text:?}",
                case["name"]
            );
        }
    }
    assert!(tried > 500, "only {tried} re-spellings");
}

/// The decision the format specifies, computed without any chance of overflow.
fn model_expired(now: i64, expires_at: i64, leeway: u32) -> bool {
    i128::from(now) >= i128::from(expires_at) + i128::from(leeway)
}

fn model_early(now: i64, not_before: i64, leeway: u32) -> bool {
    i128::from(now) + i128::from(leeway) < i128::from(not_before)
}

#[test]
fn times_at_the_edges() {
    let edges = [0, 1 << 31, (1 << 31) + 1, 1 << 32, MAX_TIME - 1, MAX_TIME];
    let clocks = [
        i64::MIN,
        -1,
        0,
        1,
        (1 << 31) - 1,
        1 << 31,
        1 << 32,
        MAX_TIME,
        MAX_TIME + 1,
        i64::MAX,
    ];
    let leeways = [0, 1, MAX_LEEWAY];
    let ring = keyring();
    for &t in &edges {
        let expiring = mint_at(
            &Claims::new(["a:read"], Expiry::At(UnixTime::from_secs(t))).unwrap(),
            0,
        );
        let starting = mint_at(
            &Claims::new(["a:read"], Expiry::Never)
                .unwrap()
                .not_before(UnixTime::from_secs(t)),
            0,
        );
        for &leeway in &leeways {
            let v = Verifier::builder(&ring).leeway(leeway).build().unwrap();
            for &now in clocks.iter().chain(&[t - 1, t, t + 1]) {
                let now_t = UnixTime::from_secs(now);
                match v.authenticate_at(&expiring, now_t) {
                    Ok(grant) => {
                        assert!(
                            !model_expired(now, t, leeway),
                            "expired key accepted: exp {t} now {now} leeway {leeway}"
                        );
                        assert_eq!(
                            grant.expires_at(),
                            Some(UnixTime::from_secs(t)),
                            "expiry treated as absent"
                        );
                    }
                    Err(Error::Expired { expired_at }) => {
                        assert!(
                            model_expired(now, t, leeway),
                            "current key refused: exp {t} now {now}"
                        );
                        assert_eq!(expired_at.secs(), t);
                    }
                    Err(e) => panic!("exp {t} now {now}: {e}"),
                }
                match v.authenticate_at(&starting, now_t) {
                    Ok(_) => assert!(
                        !model_early(now, t, leeway),
                        "early key accepted: nbf {t} now {now}"
                    ),
                    Err(Error::NotYetValid { .. }) => assert!(model_early(now, t, leeway)),
                    Err(e) => panic!("nbf {t} now {now}: {e}"),
                }
            }
        }
    }

    for beyond in [MAX_TIME + 1, i64::MAX, -1, i64::MIN] {
        let claims = Claims::new(["a:read"], Expiry::At(UnixTime::from_secs(beyond))).unwrap();
        let refused = Issuer::new(&ring).mint_at(&claims, UnixTime::from_secs(0));
        assert_eq!(
            refused.unwrap_err().code().as_str(),
            "invalid_argument",
            "expiry {beyond}"
        );
    }
    let far = Claims::new(["a:read"], Expiry::After(Duration::from_secs(u64::MAX))).unwrap();
    assert!(
        Issuer::new(&ring)
            .mint_at(&far, UnixTime::from_secs(NOW))
            .is_err()
    );
    for now in [i64::MIN, -1, MAX_TIME + 1, i64::MAX] {
        let claims = Claims::new(["a:read"], Expiry::After(Duration::from_secs(1))).unwrap();
        assert!(
            Issuer::new(&ring)
                .mint_at(&claims, UnixTime::from_secs(now))
                .is_err(),
            "issued at {now}"
        );
    }
    assert!(
        Verifier::builder(&ring)
            .leeway(MAX_LEEWAY + 1)
            .build()
            .is_err()
    );
    assert!(Verifier::builder(&ring).leeway(u32::MAX).build().is_err());
}

/// The bytes each attenuation added, recovered from the payloads of successive keys.
fn blocks_of(chain: &[String]) -> Vec<Vec<u8>> {
    chain
        .windows(2)
        .map(|pair| {
            let (before, after) = (payload(&pair[0]), payload(&pair[1]));
            after[before.len() - 16..after.len() - 16].to_vec()
        })
        .collect()
}

fn chain(root_scopes: &[&str], steps: usize, seed: &str) -> Vec<String> {
    let claims = Claims::new(root_scopes, Expiry::After(Duration::from_secs(3600)))
        .unwrap()
        .subject(seed);
    let mut keys = vec![mint_at(&claims, NOW)];
    for i in 0..steps {
        let step = Attenuation::new().label(format!("agent:{seed}-{i}"));
        let next = attenuate_at(keys.last().unwrap(), &step, UnixTime::from_secs(NOW)).unwrap();
        keys.push(next.expose_secret().to_owned());
    }
    keys
}

#[test]
fn chains_cannot_be_cut_or_spliced() {
    let verifier = Verifier::new(&keyring());
    let now = UnixTime::from_secs(NOW);
    let ours = chain(&["a:read", "b:read"], 4, "ours");
    let theirs = chain(&["a:read", "b:read"], 4, "theirs");
    let (blocks, foreign) = (blocks_of(&ours), blocks_of(&theirs));
    let root_len = payload(&ours[0]).len() - 16;
    let root = payload(&ours[0])[..root_len].to_vec();
    let tags: Vec<Vec<u8>> = ours
        .iter()
        .chain(&theirs)
        .map(|k| payload(k)[payload(k).len() - 16..].to_vec())
        .collect();
    for key in &ours {
        assert!(verifier.authenticate_at(key, now).is_ok());
    }

    let n = blocks.len();
    let mut variants: Vec<(String, Vec<Vec<u8>>)> = vec![];
    for i in 0..n {
        let mut v = blocks.clone();
        v.remove(i);
        variants.push((format!("block {i} removed"), v));
        let mut v = blocks.clone();
        v.insert(i, blocks[i].clone());
        variants.push((format!("block {i} duplicated"), v));
        for j in i + 1..n {
            let mut v = blocks.clone();
            v.swap(i, j);
            variants.push((format!("blocks {i} and {j} swapped"), v));
        }
        for (k, graft) in foreign.iter().enumerate() {
            let mut v = blocks.clone();
            v[i] = graft.clone();
            variants.push((format!("block {i} replaced by foreign block {k}"), v));
            let mut v = blocks.clone();
            v.insert(i, graft.clone());
            variants.push((format!("foreign block {k} grafted at {i}"), v));
        }
    }
    variants.push(("every block removed".into(), vec![]));

    let mut tried = 0;
    for (what, variant) in variants {
        for tag in &tags {
            let mut bytes = root.clone();
            variant.iter().for_each(|b| bytes.extend_from_slice(b));
            bytes.extend_from_slice(tag);
            let text = framed("till_live_", &URL_SAFE_NO_PAD.encode(&bytes));
            if ours.contains(&text) {
                continue;
            }
            tried += 1;
            match verifier.authenticate_at(&text, now) {
                Err(Error::InvalidSignature) => {}
                other => panic!("{what}: {other:?}"),
            }
        }
    }
    assert!(tried > 400, "only {tried} splices");
}

/// Requests that look like a granted literal scope but are not it.
fn near_misses(scope: &str) -> Vec<String> {
    let (resource, action) = scope.split_once(':').unwrap();
    let mut out = vec![
        format!("{resource}x:{action}"),
        format!("{resource}:{action}x"),
        format!("{resource}/x:{action}"),
        format!("{}:{action}", &resource[..resource.len() - 1]),
        format!("{resource}:{}", &action[..action.len() - 1]),
        format!("{resource}/..:{action}"),
        format!("{resource}/.:{action}"),
        format!("../{resource}:{action}"),
        format!("{resource}//:{action}"),
        format!("/{resource}:{action}"),
        format!("{resource}/:{action}"),
        format!("{}:{action}", resource.replacen('/', "//", 1)),
        format!("{}:{action}", resource.to_uppercase()),
        format!("{resource}:{}", action.to_uppercase()),
        format!("{resource}:{action} "),
        format!(" {resource}:{action}"),
        format!("{resource}::{action}"),
        format!("{resource}:{action}:{action}"),
        format!("{resource}:*"),
        format!("{resource}/*:{action}"),
        format!("{resource}/**:{action}"),
        format!("*:{action}"),
        format!("**:{action}"),
        format!("{}:{action}", resource.replace('a', "\u{430}")),
        format!("{}:{action}", resource.replace('e', "\u{435}")),
        format!("{}:{action}", resource.replace('o', "\u{43e}")),
        format!("{resource}:{}", action.replace('e', "\u{435}")),
        format!("{resource}\u{200b}:{action}"),
        format!("{}:{action}", resource.replace('/', "\u{2215}")),
        format!("{resource}\u{ff1a}{action}"),
    ];
    out.retain(|s| s != scope);
    out
}

#[test]
fn near_miss_scopes_are_never_granted() {
    let verifier = Verifier::new(&keyring());
    let now = UnixTime::from_secs(NOW);
    let mut tried = 0;
    for scope in [
        "repo:read",
        "org/a:read",
        "repo/acme/api:write",
        "billing.v2/eu-west:refund",
        "a_b/c-d:e.f",
    ] {
        let key = mint_at(
            &Claims::new([scope], Expiry::After(Duration::from_secs(60))).unwrap(),
            NOW,
        );
        assert!(
            verifier
                .verify_at(&key, &Request::scope(scope).unwrap(), now)
                .is_ok()
        );
        for miss in near_misses(scope) {
            tried += 1;
            let outcome = Request::scope(&miss).and_then(|r| verifier.verify_at(&key, &r, now));
            match outcome {
                Err(e) if matches!(e.code().as_str(), "invalid_scope" | "insufficient_scope") => {}
                other => panic!("{scope} vs near miss {miss:?}: {other:?}"),
            }
        }
    }
    assert!(tried > 100);
}

#[test]
fn limits_hold_at_their_boundaries() {
    let ring = keyring();
    let verifier = Verifier::new(&ring);
    let now = UnixTime::from_secs(NOW);

    // The largest key: tune the subject length until the text is exactly MAX_KEY_LEN.
    let scopes: Vec<String> = (0..32)
        .map(|i| format!("{i:02}/{}:read", "r".repeat(120)))
        .collect();
    let largest = (1..=32)
        .flat_map(|count| (1..=64).map(move |len| (count, len)))
        .find_map(|(count, len)| {
            let claims =
                Claims::new(&scopes[..count], Expiry::After(Duration::from_secs(60))).unwrap();
            let key = Issuer::new(&ring)
                .mint_at(&claims.subject("s".repeat(len)), now)
                .ok()?;
            (key.expose_secret().len() == MAX_KEY_LEN).then_some(key)
        })
        .expect("some scope count and subject length give a key of exactly the limit");
    assert!(
        verifier
            .authenticate_at(largest.expose_secret(), now)
            .is_ok()
    );
    let longer = format!("{}A", largest.expose_secret());
    assert_eq!(
        verifier
            .authenticate_at(&longer, now)
            .unwrap_err()
            .code()
            .as_str(),
        "too_large"
    );
    let claims = Claims::new(&scopes, Expiry::After(Duration::from_secs(60)))
        .unwrap()
        .subject("s".repeat(64));
    assert_eq!(
        Issuer::new(&ring)
            .mint_at(&claims, now)
            .unwrap_err()
            .code()
            .as_str(),
        "too_large"
    );

    // The most blocks, and one more.
    let mut key = mint_at(
        &Claims::new(["a:read"], Expiry::After(Duration::from_secs(60))).unwrap(),
        NOW,
    );
    for _ in 0..MAX_BLOCKS {
        key = attenuate_at(&key, &Attenuation::new(), now)
            .unwrap()
            .expose_secret()
            .to_owned();
    }
    assert_eq!(inspect(&key).unwrap().blocks.len(), MAX_BLOCKS);
    assert!(verifier.authenticate_at(&key, now).is_ok());
    let ninth = attenuate_at(&key, &Attenuation::new(), now).unwrap_err();
    assert_eq!(ninth.code().as_str(), "too_large");

    // A mebibyte is refused by its length alone, before it is even decoded.
    let huge = format!("till_live_{}", "A".repeat(1 << 20));
    assert!(matches!(
        verifier.authenticate_at(&huge, now),
        Err(Error::TooLarge(_))
    ));
    assert!(matches!(inspect(&huge), Err(Error::TooLarge(_))));
    let junk = vec![0xffu8; 1 << 20];
    assert!(matches!(
        verifier.authenticate_at(&junk, now),
        Err(Error::TooLarge(_))
    ));

    // Requests have limits too.
    let many: Vec<String> = (0..33).map(|i| format!("s{i}:read")).collect();
    assert_eq!(
        Request::all_of(&many).unwrap_err().code().as_str(),
        "invalid_scope"
    );
    assert_eq!(
        Request::any_of(Vec::<String>::new())
            .unwrap_err()
            .code()
            .as_str(),
        "invalid_scope"
    );
}

#[test]
fn secrets_never_show() {
    const CANARY: [u8; 32] = *b"CANARY-secret-0123456789-CANARY!";
    let root = RootKey::from_secret(RootKeyId(0xcafe), &CANARY);
    let root_text = root.to_text().to_string();
    let ring = Keyring::single(root);
    let claims = Claims::new(["a:read"], Expiry::After(Duration::from_secs(60)))
        .unwrap()
        .subject("canary-bot");
    let key = Issuer::new(&ring)
        .mint_at(&claims, UnixTime::from_secs(NOW))
        .unwrap();
    let text = key.expose_secret().to_owned();
    let tag_part = &text[text.len() - 28..];
    let sub = attenuate_at(
        &text,
        &Attenuation::new().label("agent:x"),
        UnixTime::from_secs(NOW),
    )
    .unwrap();
    let verifier = Verifier::new(&ring);
    let grant = verifier
        .authenticate_at(&text, UnixTime::from_secs(NOW))
        .unwrap();

    let mut shown = vec![
        format!("{:?}", RootKey::from_text(&root_text).unwrap()),
        format!("{ring:?}"),
        format!("{:?}", Issuer::new(&ring)),
        format!("{verifier:?}"),
        format!("{key:?}"),
        format!("{key}"),
        key.redacted(),
        format!("{sub:?} {sub}"),
        format!("{grant:?}"),
        serde_json::to_string(&grant).unwrap(),
        format!("{:?}", inspect(&text).unwrap()),
        till_core::redact(&format!("{text} {root_text}")),
    ];
    // Every error a key can provoke, from every alteration and every request.
    let mut twins: Vec<String> = (0..text.len())
        .map(|i| {
            let mut t = text.clone().into_bytes();
            t[i] = if t[i] == b'A' { b'B' } else { b'A' };
            String::from_utf8(t).unwrap()
        })
        .collect();
    twins.push(text.clone());
    twins.push(root_text.clone());
    for twin in &twins {
        for request in ["b:read", "a:read"] {
            if let Err(e) = verifier.verify_at(
                twin,
                &Request::scope(request).unwrap(),
                UnixTime::from_secs(NOW + 61),
            ) {
                shown.push(format!("{e} {e:?}"));
            }
        }
        if let Err(e) = inspect(twin) {
            shown.push(format!("{e} {e:?}"));
        }
        if let Err(e) = attenuate_at(twin, &Attenuation::new(), UnixTime::from_secs(NOW)) {
            shown.push(format!("{e} {e:?}"));
        }
    }
    if let Err(e) = RootKey::from_text(&root_text[..root_text.len() - 1]) {
        shown.push(format!("{e} {e:?}"));
    }
    let secret_b64 = URL_SAFE_NO_PAD.encode(CANARY);
    for s in &shown {
        assert!(!s.contains("CANARY"), "root secret bytes in {s}");
        assert!(!s.contains(&secret_b64[4..30]), "root secret text in {s}");
        assert!(!s.contains(&root_text), "root key text in {s}");
        assert!(!s.contains(&text), "API key in {s}");
        assert!(!s.contains(tag_part), "API key tag in {s}");
        assert!(
            !s.contains(&sub.expose_secret()[sub.expose_secret().len() - 28..]),
            "sub-key tag in {s}"
        );
    }
    assert!(shown.len() > 100);
    let _ = Env::LIVE;
}
