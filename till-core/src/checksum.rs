//! The checksum at the end of every key: CRC-32 (ISO-HDLC, as in zlib and PNG), written as six
//! base62 digits. It lets a secret scanner confirm a key without any secret; it protects
//! nothing, which is the MAC's job.

/// Length of the written checksum.
pub(crate) const LEN: usize = 6;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The six base62 digits of the CRC-32 of `text`, most significant first.
pub(crate) fn encode(text: &[u8]) -> [u8; LEN] {
    let mut value = crc32(text);
    let mut out = [b'0'; LEN];
    for digit in out.iter_mut().rev() {
        *digit = BASE62[(value % 62) as usize];
        value /= 62;
    }
    out
}

/// Whether `written` is the checksum of `text`. Reads the written digits rather than writing
/// the computed ones, which spares six divisions on every verify.
pub(crate) fn matches(text: &[u8], written: &[u8]) -> bool {
    let mut value = 0u64;
    for &c in written {
        let digit = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'Z' => c - b'A' + 10,
            b'a'..=b'z' => c - b'a' + 36,
            _ => return false,
        };
        value = value * 62 + u64::from(digit);
    }
    written.len() == LEN && value == u64::from(crc32(text))
}

/// Streaming CRC-32, for scanning text where a key may end at several places.
#[derive(Clone, Copy)]
pub(crate) struct Crc32(u32);

impl Crc32 {
    pub(crate) const fn new() -> Self {
        Self(!0)
    }

    pub(crate) fn update(&mut self, byte: u8) {
        self.0 = TABLES[0][((self.0 ^ u32::from(byte)) & 0xff) as usize] ^ (self.0 >> 8);
    }

    pub(crate) fn digits(self) -> [u8; LEN] {
        let mut value = !self.0;
        let mut out = [b'0'; LEN];
        for digit in out.iter_mut().rev() {
            *digit = BASE62[(value % 62) as usize];
            value /= 62;
        }
        out
    }
}

/// CRC-32 of `data`, sixteen bytes at a time. Of a step's sixteen lookups only the first four
/// depend on the CRC so far; the other twelve are made one step ahead, so that the chain from
/// step to step is four lookups long, not sixteen.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    let mut chunks = data.chunks_exact(16);
    if let Some(mut current) = chunks.next() {
        let mut ahead = independent(current);
        for next in &mut chunks {
            crc = dependent(crc, current) ^ ahead;
            ahead = independent(next);
            current = next;
        }
        crc = dependent(crc, current) ^ ahead;
    }
    let mut rest = chunks.remainder();
    if let Some((chunk, tail)) = rest.split_first_chunk::<8>() {
        let [b0, b1, b2, b3] = first_word(crc, chunk).to_le_bytes();
        crc = lookup(7, b0) ^ lookup(6, b1) ^ lookup(5, b2) ^ lookup(4, b3);
        for (i, &byte) in chunk[4..].iter().enumerate() {
            crc ^= lookup(3 - i, byte);
        }
        rest = tail;
    }
    for &byte in rest {
        crc = lookup(0, (crc as u8) ^ byte) ^ (crc >> 8);
    }
    !crc
}

/// The CRC so far combined with the first four bytes of a step.
#[inline(always)]
fn first_word(crc: u32, chunk: &[u8]) -> u32 {
    crc ^ u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]])
}

/// The lookups of a sixteen-byte step that depend on the CRC before it.
#[inline(always)]
fn dependent(crc: u32, chunk: &[u8]) -> u32 {
    let [b0, b1, b2, b3] = first_word(crc, chunk).to_le_bytes();
    lookup(15, b0) ^ lookup(14, b1) ^ lookup(13, b2) ^ lookup(12, b3)
}

/// The lookups of a sixteen-byte step that depend on its last twelve bytes alone.
#[inline(always)]
fn independent(chunk: &[u8]) -> u32 {
    chunk[4..16]
        .iter()
        .enumerate()
        .fold(0, |acc, (i, &byte)| acc ^ lookup(11 - i, byte))
}

#[inline(always)]
fn lookup(table: usize, byte: u8) -> u32 {
    TABLES[table][usize::from(byte)]
}

/// `TABLES[k][b]`: the CRC of byte `b` followed by `k` zero bytes.
const TABLES: [[u32; 256]; 16] = tables();

const fn tables() -> [[u32; 256]; 16] {
    let mut tables = [[0u32; 256]; 16];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
            bit += 1;
        }
        tables[0][i] = crc;
        i += 1;
    }
    let mut t = 1;
    while t < 16 {
        let mut i = 0;
        while i < 256 {
            let prev = tables[t - 1][i];
            tables[t][i] = (prev >> 8) ^ tables[0][(prev & 0xff) as usize];
            i += 1;
        }
        t += 1;
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
        assert_eq!(&encode(b"123456789"), b"3jZRME");
        assert_eq!(&encode(b""), b"000000");
    }

    #[test]
    fn streaming_agrees() {
        let data: Vec<u8> = (0..200u8).collect();
        for len in 0..data.len() {
            let mut crc = Crc32::new();
            data[..len].iter().for_each(|&b| crc.update(b));
            assert_eq!(crc.digits(), encode(&data[..len]));
        }
    }
}
