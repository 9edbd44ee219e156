//! SHA-1 (FIPS 180-4), for the `hash` slot of XDM metadata. IHE XDS still names SHA-1 for
//! that slot; it is a checksum there, not a security measure. Hand-written because it is the
//! only hash the demo needs and the crate has no digest dependency.

/// The SHA-1 digest of `data`.
pub(crate) fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0];

    // Padding: 0x80, zeros up to 56 mod 64, then the bit length as a big-endian u64.
    let bit_len = (data.len() as u64).wrapping_mul(8);
    let mut tail = Vec::with_capacity(128);
    let full_blocks = data.len() / 64 * 64;
    tail.extend_from_slice(&data[full_blocks..]);
    tail.push(0x80);
    while tail.len() % 64 != 56 {
        tail.push(0);
    }
    tail.extend_from_slice(&bit_len.to_be_bytes());

    for block in data[..full_blocks].chunks_exact(64).chain(tail.chunks_exact(64)) {
        compress(&mut h, block);
    }

    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// The SHA-1 digest of `data` in lower-case hexadecimal, as XDS metadata writes it.
pub(crate) fn sha1_hex(data: &[u8]) -> String {
    sha1(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// A name-based UUID (RFC 9562 version 5: SHA-1 of a namespace and a name), upper case as
/// the CI-SIS examples write section and entry ids. The same name always gives the same id,
/// which keeps generated documents reproducible.
pub(crate) fn name_uuid(name: &str) -> String {
    // The RFC's URL namespace, 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
    const NAMESPACE: [u8; 16] =
        [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8];
    let mut input = NAMESPACE.to_vec();
    input.extend_from_slice(b"urn:vigie-demo:");
    input.extend_from_slice(name.as_bytes());
    let digest = sha1(&input);
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0F) | 0x50;
    b[8] = (b[8] & 0x3F) | 0x80;
    let hex: String = b.iter().map(|byte| format!("{byte:02X}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

fn compress(h: &mut [u32; 5], block: &[u8]) {
    let mut w = [0u32; 80];
    for (i, word) in block.chunks_exact(4).enumerate() {
        w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
    }
    for i in 16..80 {
        w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
    }

    let [mut a, mut b, mut c, mut d, mut e] = *h;
    for (i, wi) in w.iter().enumerate() {
        let (f, k) = match i {
            0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
            20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
            40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
            _ => (b ^ c ^ d, 0xCA62_C1D6),
        };
        let temp = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*wi);
        e = d;
        d = c;
        c = b.rotate_left(30);
        b = a;
        a = temp;
    }

    for (state, value) in h.iter_mut().zip([a, b, c, d, e]) {
        *state = state.wrapping_add(value);
    }
}

#[cfg(test)]
mod tests {
    use super::{name_uuid, sha1_hex};

    #[test]
    fn matches_the_fips_180_test_vectors() {
        assert_eq!(sha1_hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            sha1_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
    }

    #[test]
    fn handles_inputs_that_span_many_blocks_and_exact_block_boundaries() {
        assert_eq!(sha1_hex(&vec![b'a'; 1_000_000]), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
        // 64 bytes: the padding needs a whole extra block.
        assert_eq!(sha1_hex(&[b'x'; 64]), "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163");
    }

    #[test]
    fn name_uuids_are_stable_version_5_uuids() {
        let id = name_uuid("vsm-martin/problem-1");
        assert_eq!(id, name_uuid("vsm-martin/problem-1"));
        assert_ne!(id, name_uuid("vsm-martin/problem-2"));
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "5");
        assert!(matches!(&id[19..20], "8" | "9" | "A" | "B"));
        // Python: uuid.uuid5(uuid.NAMESPACE_URL, "urn:vigie-demo:x")
        assert_eq!(name_uuid("x"), "296CE3E4-6006-51EB-8BC1-119361C849B3");
    }
}
