//! The one hash every placement uses. xxh3 is defined on bytes, not on the platform, so a key
//! lands on the same node on x86-64, aarch64 and wasm32 (std's `DefaultHasher` is randomly keyed
//! and its algorithm may change between releases).

use crate::protocol::NodeId;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// Seeds keep the hash families apart: a vnode point must not correlate with a key hash.
const POINT_SEED: u64 = 0x7a1c_e5b3_0d4f_9a21;
const MAGLEV_OFFSET_SEED: u64 = 0x51ed_270b_2f6a_c3d9;
const MAGLEV_SKIP_SEED: u64 = 0x2c8e_9b14_e6f0_7a53;
const NODE_SALT_SEED: u64 = 0x9e37_79b9_7f4a_7c15;

/// The hash of a key's bytes.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    xxh3_64(bytes)
}

/// The hash of the lab's key number `i` (the page names it `k{i}`).
pub fn key_hash(i: u64) -> u64 {
    xxh3_64(&i.to_le_bytes())
}

/// The ring position of virtual node `replica` of `node`.
pub fn point(node: NodeId, replica: u32) -> u64 {
    xxh3_64_with_seed(&(u64::from(node) << 32 | u64::from(replica)).to_le_bytes(), POINT_SEED)
}

/// A per-node constant that rendezvous mixes into every key hash.
pub fn node_salt(node: NodeId) -> u64 {
    xxh3_64_with_seed(&[node], NODE_SALT_SEED)
}

/// Maglev's two per-backend hashes (offset, skip).
pub fn maglev_pair(node: NodeId) -> (u64, u64) {
    (xxh3_64_with_seed(&[node], MAGLEV_OFFSET_SEED), xxh3_64_with_seed(&[node], MAGLEV_SKIP_SEED))
}

/// Murmur3's 64-bit finaliser: a bijection that spreads every input bit over the output. The
/// key is already a hash, so one round over `key ^ salt` is a good (key, node) score and far
/// cheaper than hashing again.
pub fn mix(x: u64) -> u64 {
    let mut x = x;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pinned values: a change of hash (crate upgrade, seed edit) moves every key and must be a
    /// deliberate decision, so it has to update these.
    #[test]
    fn hashes_are_pinned() {
        assert_eq!(hash_bytes(b"k0"), xxh3_64(b"k0"));
        assert_eq!(key_hash(0), 0xc77b_3abb_6f87_acd9);
        assert_ne!(point(1, 0), point(0, 1));
        assert_ne!(mix(1), mix(2));
    }
}
