//! An encoder written from docs/FORMAT.md alone, independent of till-core's writer. It can
//! write payloads the core refuses to write (non-minimal integers, unknown flags, too many
//! blocks) and seal them with a valid MAC, so that a vector proves the parser rejects them
//! for the stated reason and not because of the tag.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::{hkdf, hmac};

/// A payload under construction: the text head, the root's bytes, and each block's bytes.
#[derive(Clone, Debug)]
pub(crate) struct Raw {
    pub(crate) head: String,
    pub(crate) root: Vec<u8>,
    pub(crate) blocks: Vec<Vec<u8>>,
}

impl Raw {
    /// Seals the payload under a root secret: the MAC chain, then the text and checksum.
    pub(crate) fn seal(&self, root_id: u16, secret: &[u8; 32]) -> String {
        let mut tag = root_tag(root_id, secret, self.head.as_bytes(), &self.root);
        for block in &self.blocks {
            tag = chain(&tag, block);
        }
        self.text_with_tag(&tag)
    }

    /// The text with an arbitrary tag.
    pub(crate) fn text_with_tag(&self, tag: &[u8]) -> String {
        let mut payload = self.root.clone();
        self.blocks
            .iter()
            .for_each(|b| payload.extend_from_slice(b));
        payload.extend_from_slice(tag);
        frame(&self.head, &URL_SAFE_NO_PAD.encode(payload))
    }
}

/// `<head><body><checksum>`.
pub(crate) fn frame(head: &str, body: &str) -> String {
    let text = format!("{head}{body}");
    let sum = checksum(text.as_bytes());
    format!("{text}{sum}")
}

/// CRC-32 (ISO-HDLC) written as six base62 digits, bit by bit.
pub(crate) fn checksum(text: &[u8]) -> String {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in text {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    let mut value = !crc;
    let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = [b'0'; 6];
    for digit in out.iter_mut().rev() {
        *digit = alphabet[(value % 62) as usize];
        value /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn root_tag(root_id: u16, secret: &[u8; 32], head: &[u8], root: &[u8]) -> [u8; 16] {
    let id = root_id.to_be_bytes();
    let info: [&[u8]; 2] = [b"till/v1 mac key", &id];
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"till/v1 root key").extract(secret);
    let okm = prk
        .expand(&info, hkdf::HKDF_SHA256)
        .expect("32 bytes of HKDF output");
    let mut mac_key = [0u8; 32];
    okm.fill(&mut mac_key).expect("32 bytes of HKDF output");
    let key = hmac::Key::new(hmac::HMAC_SHA256, &mac_key);
    let mut input = head.to_vec();
    input.extend_from_slice(root);
    truncate(hmac::sign(&key, &input))
}

pub(crate) fn chain(prev: &[u8; 16], block: &[u8]) -> [u8; 16] {
    truncate(hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, prev), block))
}

fn truncate(tag: hmac::Tag) -> [u8; 16] {
    tag.as_ref()[..16]
        .try_into()
        .expect("HMAC-SHA256 gives 32 bytes")
}

/// Unsigned LEB128, shortest form.
pub(crate) fn varint(mut value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let low = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(low);
            return out;
        }
        out.push(low | 0x80);
    }
}

/// A length-prefixed text field.
pub(crate) fn label(text: &str) -> Vec<u8> {
    let mut out = vec![text.len() as u8];
    out.extend_from_slice(text.as_bytes());
    out
}

/// A varint-length-prefixed list, given already in its encoded text form.
pub(crate) fn list(text: &str) -> Vec<u8> {
    let mut out = varint(text.len() as u64);
    out.extend_from_slice(text.as_bytes());
    out
}

/// A root with the usual fields: id, key id, flags, issued-at, expiry delta, then `rest`.
pub(crate) fn root(
    root_id: u16,
    key_id: [u8; 12],
    flags: u8,
    issued_at: u64,
    fields: &[Vec<u8>],
) -> Vec<u8> {
    let mut out = vec![1];
    out.extend_from_slice(&root_id.to_be_bytes());
    out.extend_from_slice(&key_id);
    out.push(flags);
    out.extend(varint(issued_at));
    fields.iter().for_each(|f| out.extend_from_slice(f));
    out
}

/// A block: flags, then its fields in order.
pub(crate) fn block(flags: u8, fields: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![flags];
    fields.iter().for_each(|f| out.extend_from_slice(f));
    out
}
