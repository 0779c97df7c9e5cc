//! Edges of the format checked against encoders and checkers written here from
//! docs/FORMAT.md alone: block ids (section 5.3), keys whose length sits on either side of the
//! verifier's buffer sizes with the longest head, and the scope-list grammar (sections 3.5
//! and 4) over every short list.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::{hkdf, hmac};
use till_core::insecure::frame;
use till_core::limits::MAX_KEY_LEN;
use till_core::{
    Attenuation, Claims, Env, Error, Expiry, Issuer, KeyId, Keyring, Prefix, RevocationList,
    RootKey, RootKeyId, UnixTime, Verifier, attenuate_at, inspect,
};

const NOW: i64 = 1_800_000_000;
const ROOT_ID: u16 = 0x0b0e;
const SECRET: [u8; 32] = [0x5a; 32];

fn keyring() -> Keyring {
    Keyring::single(RootKey::from_secret(RootKeyId(ROOT_ID), &SECRET))
}

/// Section 5.1.
fn mac_key() -> hmac::Key {
    let id = ROOT_ID.to_be_bytes();
    let info: [&[u8]; 2] = [b"till/v1 mac key", &id];
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"till/v1 root key").extract(&SECRET);
    hmac::Key::from(prk.expand(&info, hmac::HMAC_SHA256).unwrap())
}

/// Section 5.2 and 5.3: the final tag, and each block's id.
fn chain(head: &[u8], root: &[u8], blocks: &[&[u8]]) -> ([u8; 16], Vec<[u8; 12]>) {
    let mut message = head.to_vec();
    message.extend_from_slice(root);
    let mut tag = [0u8; 16];
    tag.copy_from_slice(&hmac::sign(&mac_key(), &message).as_ref()[..16]);
    let mut ids = vec![];
    for block in blocks {
        let mac = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &tag), block);
        tag.copy_from_slice(&mac.as_ref()[..16]);
        ids.push(mac.as_ref()[16..28].try_into().unwrap());
    }
    (tag, ids)
}

fn payload(key: &str) -> Vec<u8> {
    let second = key.match_indices('_').nth(1).unwrap().0;
    URL_SAFE_NO_PAD
        .decode(&key[second + 1..key.len() - 6])
        .unwrap()
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let low = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

#[test]
fn block_ids_are_the_hmac_bytes_after_the_tag() {
    let issuer = Issuer::new(&keyring());
    let now = UnixTime::from_secs(NOW);
    let claims = Claims::new(["docs/*:read", "docs/*:write"], Expiry::Never)
        .unwrap()
        .subject("owner");
    let mut keys = vec![
        issuer
            .mint_at(&claims, now)
            .unwrap()
            .expose_secret()
            .to_owned(),
    ];
    let labels = ["agent:one", "agent:two", "agent:three"];
    for (i, label) in labels.iter().enumerate() {
        let mut step = Attenuation::new().label(*label);
        if i == 1 {
            step = step.scopes(["docs/a:read"]).unwrap();
        }
        let next = attenuate_at(keys.last().unwrap(), &step, now).unwrap();
        keys.push(next.expose_secret().to_owned());
    }

    // Cut the last key into its root and blocks from the payloads of its ancestors.
    let payloads: Vec<Vec<u8>> = keys.iter().map(|k| payload(k)).collect();
    let ends: Vec<usize> = payloads.iter().map(|p| p.len() - 16).collect();
    let last = payloads.last().unwrap();
    let root = &last[..ends[0]];
    let blocks: Vec<&[u8]> = ends.windows(2).map(|w| &last[w[0]..w[1]]).collect();
    let (tag, ids) = chain(b"till_live_", root, &blocks);
    assert_eq!(&last[last.len() - 16..], &tag[..]);

    let verifier = Verifier::new(&keyring());
    let grant = verifier.authenticate_at(keys.last().unwrap(), now).unwrap();
    let links: Vec<_> = grant.chain().collect();
    assert_eq!(links.len(), labels.len());
    for ((link, id), label) in links.iter().zip(&ids).zip(labels) {
        assert_eq!(link.id, KeyId(*id));
        assert_eq!(link.label, Some(label));
    }
    assert_eq!(grant.subject(), Some("owner"));
    let scopes: Vec<String> = grant.scopes().iter().map(|s| s.to_string()).collect();
    assert_eq!(scopes, ["docs/a:read"]);

    // Revoking a block id refuses that key and its descendants, and nothing before it.
    for (i, id) in ids.iter().enumerate() {
        let revoked: RevocationList = [KeyId(*id)].into_iter().collect();
        let verifier = Verifier::builder(&keyring())
            .revocation(std::sync::Arc::new(revoked))
            .build()
            .unwrap();
        for (depth, key) in keys.iter().enumerate() {
            let result = verifier.authenticate_at(key, now);
            if depth > i {
                assert!(matches!(result, Err(Error::Revoked)), "{i} {depth}");
            } else {
                assert!(result.is_ok(), "{i} {depth}");
            }
        }
    }
}

/// A payload with a root of one scope list of `list_len` bytes, followed by `blocks` blocks
/// that each carry a label, MACed under the test key.
fn sized_key(head: &str, list_len: usize, blocks: usize) -> (String, Vec<[u8; 12]>) {
    // Groups of `<resource>:a`, resources distinct and ascending, at most 128 bytes each.
    let mut list = Vec::new();
    let mut group = 0u8;
    while list.len() < list_len {
        let sep = usize::from(!list.is_empty());
        let left = list_len - list.len() - sep;
        let mut len = left.min(128);
        // Whatever follows needs a space and a group of at least four bytes.
        if left > 128 && left - 128 < 5 {
            len = left - 5;
        }
        if sep == 1 {
            list.push(b' ');
        }
        list.push(b'a' + group / 26);
        list.push(b'a' + group % 26);
        list.extend(std::iter::repeat_n(b'x', len - 4));
        list.extend_from_slice(b":a");
        group += 1;
    }
    assert_eq!(list.len(), list_len);
    let mut root = vec![1u8];
    root.extend_from_slice(&ROOT_ID.to_be_bytes());
    root.extend_from_slice(&[0x33; 12]);
    root.push(0x10);
    varint(&mut root, NOW as u64 - 60);
    varint(&mut root, list.len() as u64);
    root.extend_from_slice(&list);
    let block: Vec<u8> = [&[0x08u8, 9][..], b"agent:abc"].concat();
    let blocks: Vec<&[u8]> = vec![&block[..]; blocks];
    let (tag, ids) = chain(head.as_bytes(), &root, &blocks);
    let mut payload = root;
    for block in &blocks {
        payload.extend_from_slice(block);
    }
    payload.extend_from_slice(&tag);
    let (prefix, env) = head.trim_end_matches('_').split_once('_').unwrap();
    let text = frame(
        Prefix::new(prefix).unwrap(),
        Env::new(env).unwrap(),
        &payload,
    );
    (text, ids)
}

#[test]
fn keys_on_either_side_of_the_buffer_sizes_verify() {
    let now = UnixTime::from_secs(NOW);
    for head in ["till_live_", "ab_c_", "abcdefghijkl_abcdefgh_"] {
        let (prefix, env) = head.trim_end_matches('_').split_once('_').unwrap();
        let verifier = Verifier::builder(&keyring())
            .prefix(prefix)
            .env(env)
            .build()
            .unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for blocks in [0, 1, 8] {
            for list_len in 8..3100 {
                let (text, ids) = sized_key(head, list_len, blocks);
                let len = text.len();
                let edge = [
                    171, 172, 173, 174, 511, 512, 513, 514, 4094, 4095, 4096, 4097,
                ]
                .contains(&len)
                    || len > MAX_KEY_LEN;
                if !edge {
                    continue;
                }
                seen.insert(len.min(MAX_KEY_LEN + 1));
                let result = verifier.authenticate_at(&text, now);
                if len > MAX_KEY_LEN {
                    assert!(
                        matches!(result, Err(Error::TooLarge(_))),
                        "{len}: {result:?}"
                    );
                    break;
                }
                let grant = result.unwrap_or_else(|e| panic!("{head} {len}: {e:?}"));
                let got: Vec<KeyId> = grant.chain().map(|l| l.id).collect();
                let want: Vec<KeyId> = ids.iter().map(|id| KeyId(*id)).collect();
                assert_eq!(got, want);
                assert!(grant.chain().all(|l| l.label == Some("agent:abc")));
                assert_eq!(inspect(&text).unwrap().blocks.len(), blocks);
            }
        }
        // A body of 4n + 1 characters is never base64url; every other length is reached.
        for len in [172, 173, 512, 513, 4096] {
            let possible = (len - head.len() - 6) % 4 != 1;
            assert_eq!(seen.contains(&len), possible, "{head}: {len} characters");
        }
        assert!(seen.contains(&(MAX_KEY_LEN + 1)), "{head}: no key too long");
    }
}

/// Section 4's scope grammar, written here independently.
fn is_name(segment: &[u8]) -> bool {
    !segment.is_empty()
        && segment != b"."
        && segment != b".."
        && segment
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"_.-".contains(c))
}

fn is_scope(resource: &[u8], action: &[u8]) -> bool {
    let segments: Vec<&[u8]> = resource.split(|&c| c == b'/').collect();
    let fixed = match segments.split_last() {
        Some((&last, rest)) if last == b"**" => rest,
        _ => &segments[..],
    };
    let resource_ok =
        resource == b"**" || (!fixed.is_empty() && fixed.iter().all(|s| *s == b"*" || is_name(s)));
    resource_ok && (action == b"*" || is_name(action)) && resource.len() + 1 + action.len() <= 128
}

/// Section 3.5's list grammar and order, written here independently.
fn is_scope_list(list: &[u8]) -> bool {
    let mut count = 0;
    let mut prev_resource: Option<&[u8]> = None;
    for group in list.split(|&c| c == b' ') {
        let Some(colon) = group.iter().position(|&c| c == b':') else {
            return false;
        };
        let (resource, actions) = (&group[..colon], &group[colon + 1..]);
        if prev_resource.is_some_and(|prev| prev >= resource) {
            return false;
        }
        prev_resource = Some(resource);
        let mut prev_action: Option<&[u8]> = None;
        for action in actions.split(|&c| c == b',') {
            count += 1;
            if count > 32 || !is_scope(resource, action) || prev_action.is_some_and(|p| p >= action)
            {
                return false;
            }
            prev_action = Some(action);
        }
    }
    true
}

fn with_root_list(list: &[u8]) -> String {
    let mut payload = vec![1u8, 0, 1];
    payload.extend_from_slice(&[7; 12]);
    payload.extend_from_slice(&[0x10, 0]);
    varint(&mut payload, list.len() as u64);
    payload.extend_from_slice(list);
    payload.extend_from_slice(&[0; 16]);
    frame(Prefix::TILL, Env::LIVE, &payload)
}

fn with_block_list(list: &[u8]) -> String {
    let mut payload = vec![1u8, 0, 1];
    payload.extend_from_slice(&[7; 12]);
    payload.extend_from_slice(&[0x10, 0, 3, b'a', b':', b'b', 0x10]);
    varint(&mut payload, list.len() as u64);
    payload.extend_from_slice(list);
    payload.extend_from_slice(&[0; 16]);
    frame(Prefix::TILL, Env::LIVE, &payload)
}

#[test]
fn every_short_scope_list_is_read_as_the_grammar_says() {
    let alphabet = b"a*/:, .";
    let mut list = Vec::new();
    let mut accepted = 0;
    for len in 1..=5u32 {
        for n in 0..alphabet.len().pow(len) {
            list.clear();
            let mut n = n;
            for _ in 0..len {
                list.push(alphabet[n % alphabet.len()]);
                n /= alphabet.len();
            }
            let expected = is_scope_list(&list);
            accepted += usize::from(expected);
            for key in [with_root_list(&list), with_block_list(&list)] {
                let read = inspect(&key);
                assert_eq!(
                    read.is_ok(),
                    expected,
                    "{:?}: {read:?}",
                    String::from_utf8_lossy(&list)
                );
            }
        }
    }
    assert!(accepted > 10, "{accepted}");
}

#[test]
fn scope_lists_at_their_limits_are_read_as_the_grammar_says() {
    let mut lists: Vec<Vec<u8>> = vec![];
    for count in [31, 32, 33] {
        let actions: Vec<String> = (0..count).map(|i| format!("a{i:02}")).collect();
        lists.push(format!("r:{}", actions.join(",")).into_bytes());
        let groups: Vec<String> = (0..count).map(|i| format!("r{i:02}:a")).collect();
        lists.push(groups.join(" ").into_bytes());
    }
    for len in [127, 128, 129] {
        lists.push(format!("{}:a", "r".repeat(len - 2)).into_bytes());
        lists.push(format!("{}/**:*", "r".repeat(len - 5)).into_bytes());
        lists.push(format!("a:b {}:a", "r".repeat(len - 2)).into_bytes());
    }
    for list in lists {
        let expected = is_scope_list(&list);
        for key in [with_root_list(&list), with_block_list(&list)] {
            let read = inspect(&key);
            assert_eq!(read.is_ok(), expected, "{}", String::from_utf8_lossy(&list));
            if !expected {
                assert_eq!(read.unwrap_err().code().as_str(), "too_large");
            }
        }
    }
}
