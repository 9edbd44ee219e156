//! The hash of a terminology key, shared by `build.rs` (which lays out each index as an
//! open-addressing table) and the lookups in `mod.rs`: both must compute the same value.

/// The hash of a key's fields: eight bytes at a time, each field ended by a tab (so
/// `("1.2", "3")` and `("1.23", "")` differ), then mixed so that the low bits, which pick the
/// slot, depend on every byte.
pub(crate) fn key_hash(fields: &[&str]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = 0;
    for field in fields {
        let mut chunks = field.as_bytes().chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        let mut word = [0u8; 8];
        let rest = chunks.remainder();
        word[..rest.len()].copy_from_slice(rest);
        word[rest.len()] = b'\t';
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}
