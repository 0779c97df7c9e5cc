//! Structure-aware: starts from valid keys and splices, reorders, drops, duplicates and
//! mutates blocks, fields and tags, then writes the text back with a correct checksum. No
//! result may be granted unless it is byte for byte a key the vectors already grant.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use till_core::insecure::frame;
use till_core::{Env, Prefix, UnixTime};
use till_fuzz::{NOW, fixtures, payload};

#[derive(Arbitrary, Debug)]
enum Op {
    Drop(u8),
    Swap(u8, u8),
    Duplicate(u8),
    Graft { from: u8, block: u8, at: u8 },
    SetByte { part: u8, at: u16, value: u8 },
    Truncate { part: u8, len: u16 },
    TagFrom(u8),
    RootFrom(u8),
}

/// A key cut into its root, its blocks and its tag.
struct Parts {
    root: Vec<u8>,
    blocks: Vec<Vec<u8>>,
    tag: Vec<u8>,
}

/// Cuts a key using the vectors' chains: a key whose payload extends another's (minus tag)
/// adds exactly one block to it.
fn cut(key: &str, all: &[String]) -> Parts {
    let bytes = payload(key);
    let body = &bytes[..bytes.len().saturating_sub(16)];
    let mut bounds = vec![];
    for other in all {
        let p = payload(other);
        let prefix = &p[..p.len().saturating_sub(16)];
        if !prefix.is_empty() && prefix.len() < body.len() && body.starts_with(prefix) {
            bounds.push(prefix.len());
        }
    }
    bounds.sort_unstable();
    bounds.dedup();
    let root_end = bounds.first().copied().unwrap_or(body.len());
    let mut blocks = vec![];
    let mut start = root_end;
    for &end in bounds.iter().skip(1).chain(std::iter::once(&body.len())) {
        if end > start {
            blocks.push(body[start..end].to_vec());
            start = end;
        }
    }
    Parts {
        root: body[..root_end].to_vec(),
        blocks,
        tag: bytes[body.len()..].to_vec(),
    }
}

fuzz_target!(|input: (u8, Vec<Op>)| {
    let f = fixtures();
    let (pick, ops) = input;
    if f.valid.is_empty() || ops.len() > 16 {
        return;
    }
    static POOL: OnceLock<Vec<Parts>> = OnceLock::new();
    let pool = POOL.get_or_init(|| f.valid.iter().map(|k| cut(k, &f.all)).collect());
    let base = &pool[usize::from(pick) % pool.len()];
    let mut parts = Parts {
        root: base.root.clone(),
        blocks: base.blocks.clone(),
        tag: base.tag.clone(),
    };
    let pick_in = |n: u8, len: usize| usize::from(n) % len.max(1);

    for op in ops {
        let n = parts.blocks.len();
        match op {
            Op::Drop(i) if n > 0 => {
                parts.blocks.remove(pick_in(i, n));
            }
            Op::Swap(i, j) if n > 1 => parts.blocks.swap(pick_in(i, n), pick_in(j, n)),
            Op::Duplicate(i) if n > 0 => {
                let block = parts.blocks[pick_in(i, n)].clone();
                parts.blocks.insert(pick_in(i, n), block);
            }
            Op::Graft { from, block, at } => {
                let donor = &pool[pick_in(from, pool.len())];
                if !donor.blocks.is_empty() {
                    let graft = donor.blocks[pick_in(block, donor.blocks.len())].clone();
                    parts.blocks.insert(pick_in(at, n + 1), graft);
                }
            }
            Op::SetByte { part, at, value } => {
                let target = match pick_in(part, n + 2) {
                    0 => &mut parts.root,
                    1 => &mut parts.tag,
                    i => &mut parts.blocks[i - 2],
                };
                if !target.is_empty() {
                    let i = usize::from(at) % target.len();
                    target[i] = value;
                }
            }
            Op::Truncate { part, len } => {
                let target = match pick_in(part, n + 2) {
                    0 => &mut parts.root,
                    1 => &mut parts.tag,
                    i => &mut parts.blocks[i - 2],
                };
                target.truncate(usize::from(len) % (target.len() + 1));
            }
            Op::TagFrom(i) => parts.tag = pool[pick_in(i, pool.len())].tag.clone(),
            Op::RootFrom(i) => parts.root = pool[pick_in(i, pool.len())].root.clone(),
            _ => {}
        }
    }

    let mut bytes = parts.root.clone();
    parts.blocks.iter().for_each(|b| bytes.extend_from_slice(b));
    bytes.extend_from_slice(&parts.tag);
    let text = frame(Prefix::TILL, Env::LIVE, &bytes);
    if f.verifier
        .authenticate_at(&text, UnixTime::from_secs(NOW))
        .is_ok()
    {
        assert!(
            f.valid.contains(&text),
            "chain surgery produced a new valid key: {text}"
        );
    }
});
