//! Does rejecting a forged tag take longer when more of it is right? A dudect-style Welch
//! t-test on verify: tags wrong in the first byte against tags wrong in the last byte.
//!
//! `cargo bench -p till-core --bench timing -- [SAMPLES]` (two million by default, split
//! evenly and interleaved at random). |t| below 4.5 gives no evidence of a timing difference.

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::time::{Duration, Instant};

use till_core::insecure::frame;
use till_core::{
    Claims, Env, Expiry, Issuer, Keyring, Prefix, RootKey, RootKeyId, UnixTime, Verifier,
};

fn main() -> Result<(), till_core::Error> {
    let samples: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2_000_000);
    let keyring = Keyring::single(RootKey::from_secret(RootKeyId(1), &[1; 32]));
    let now = UnixTime::from_secs(1_800_000_000);
    let claims = Claims::new(
        ["users:read", "users:write", "billing:read"],
        Expiry::After(Duration::from_secs(3600)),
    )?
    .subject("agent-7");
    let key = Issuer::new(&keyring).mint_at(&claims, now)?;
    let verifier = Verifier::new(&keyring);

    // Two pools of forgeries. In each, one tag byte takes every wrong value in turn: the first
    // byte in one pool, the last in the other. Each pool thus varies its text in the same
    // way, so that what the parser does with public bytes averages out and only how much of
    // the tag is right tells the pools apart.
    let body = key
        .expose_secret()
        .splitn(3, '_')
        .nth(2)
        .unwrap_or_default();
    let payload = URL_SAFE_NO_PAD
        .decode(&body[..body.len() - 6])
        .unwrap_or_default();
    // Every text sits at the start of a 64-byte-aligned slot of its own.
    let pool = |at: usize| -> Vec<Slot> {
        (1..=255u8)
            .map(|wrong| {
                let mut forged = payload.clone();
                forged[at] ^= wrong;
                Slot::new(&frame(Prefix::TILL, Env::LIVE, &forged))
            })
            .collect()
    };
    let control = std::env::var_os("TILL_TIMING_CONTROL").is_some();
    let (first, last) = (payload.len() - 16, payload.len() - 1);
    // Both pools in one array, each forgery twice: forgery j of the first class at slots 4j
    // and 4j + 3, of the second at 4j + 1 and 4j + 2, and each sample takes one copy at
    // random. Then neither class owns a region of memory, or an alignment of its own: where
    // a text lies changes how fast it is read (loads that alias the stack's addresses stall),
    // by more than the effect sought.
    let (a, b) = (pool(first), pool(if control { first } else { last }));
    let slots: Vec<Slot> = a
        .iter()
        .zip(&b)
        .flat_map(|(x, y)| [x.clone(), y.clone(), y.clone(), x.clone()])
        .collect();
    for forged in &slots {
        assert!(verifier.authenticate_at(forged.text(), now).is_err());
    }
    if control {
        println!("control run: both pools wrong in the first byte; |t| should stay small");
    }

    for forged in slots.iter().cycle().take(200_000) {
        black_box(
            verifier
                .authenticate_at(black_box(forged.text()), now)
                .is_err(),
        );
    }

    let mut times: [Vec<f64>; 2] = [
        Vec::with_capacity(samples / 2 + 1),
        Vec::with_capacity(samples / 2 + 1),
    ];
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..samples {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let class = (rng & 1) as usize;
        let copy = ((rng >> 1) & 1) as usize;
        let forged = slots[4 * ((rng >> 8) as usize % 255) + [[0, 3], [1, 2]][class][copy]].text();
        let start = Instant::now();
        black_box(verifier.authenticate_at(black_box(forged), now).is_err());
        times[class].push(start.elapsed().as_nanos() as f64);
    }

    println!(
        "samples: {} (first byte wrong) + {} (last byte wrong)",
        times[0].len(),
        times[1].len()
    );
    for percentile in [100.0, 99.0, 90.0, 50.0] {
        let mut all: Vec<f64> = times.iter().flatten().copied().collect();
        all.sort_by(f64::total_cmp);
        let cut = all[((all.len() - 1) as f64 * percentile / 100.0) as usize];
        let kept: Vec<Vec<f64>> = times
            .iter()
            .map(|t| t.iter().copied().filter(|&x| x <= cut).collect())
            .collect();
        let (t, m0, m1) = welch(&kept[0], &kept[1]);
        println!(
            "cropped at p{percentile:>3}: mean {m0:.1} ns vs {m1:.1} ns, t = {t:+.2} {}",
            if t.abs() < 4.5 {
                "(no evidence of a difference)"
            } else {
                "(LEAK?)"
            }
        );
    }
    Ok(())
}

/// A key's text in a slot of its own, aligned to a cache line.
#[derive(Clone)]
#[repr(C, align(64))]
struct Slot {
    bytes: [u8; 192],
    len: usize,
}

impl Slot {
    fn new(text: &str) -> Self {
        let mut bytes = [0u8; 192];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        Self {
            bytes,
            len: text.len(),
        }
    }

    fn text(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

fn welch(a: &[f64], b: &[f64]) -> (f64, f64, f64) {
    let stats = |x: &[f64]| {
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (n, mean, var)
    };
    let ((na, ma, va), (nb, mb, vb)) = (stats(a), stats(b));
    ((ma - mb) / (va / na + vb / nb).sqrt(), ma, mb)
}
