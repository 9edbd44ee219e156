//! SHA-1 for the `hash` slot of XDM metadata, and name-based UUIDs. IHE XDS still names
//! SHA-1 for that slot; it is a checksum there, not a security measure. The digest itself is
//! the RustCrypto `sha1` crate's; these are the two forms the demo writes.

use sha1::{Digest as _, Sha1};

/// The SHA-1 digest of `data` in lower-case hexadecimal, as XDS metadata writes it.
pub(crate) fn sha1_hex(data: &[u8]) -> String {
    Sha1::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// A name-based UUID (RFC 9562 version 5: SHA-1 of a namespace and a name), upper case as
/// the CI-SIS examples write section and entry ids. The same name always gives the same id,
/// which keeps generated documents reproducible.
pub(crate) fn name_uuid(name: &str) -> String {
    // The RFC's URL namespace, 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
    const NAMESPACE: [u8; 16] =
        [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8];
    let digest = Sha1::new()
        .chain_update(NAMESPACE)
        .chain_update(b"urn:vigie-demo:")
        .chain_update(name.as_bytes())
        .finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0F) | 0x50;
    b[8] = (b[8] & 0x3F) | 0x80;
    let hex: String = b.iter().map(|byte| format!("{byte:02X}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
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
