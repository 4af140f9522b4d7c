//! The Merkle tree of RFC 9162 §2.1 (Certificate Transparency v2) over a list of leaf hashes:
//! the tree head of the first n leaves, the inclusion proof of one leaf, the consistency proof
//! between two sizes, and the verifiers of both. Pure functions over byte arrays: it knows
//! nothing of events, databases or signatures (`tree_heads` builds the leaves and signs).
//!
//! Leaf hash = SHA-256(0x00 ‖ leaf), node = SHA-256(0x01 ‖ left ‖ right); the hash of the empty
//! tree is SHA-256 of nothing. A tree of n > 1 leaves splits at k, the largest power of two
//! below n, so every tree of size m is a left part of every larger tree, which is what a
//! consistency proof shows. Building a proof costs O(n) hashes; checking one, O(log n).

use sha2::{Digest, Sha256};

/// A SHA-256 digest: a leaf hash, a node, a root.
pub type Hash = [u8; 32];

/// SHA-256(0x00 ‖ leaf).
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(leaf);
    h.finalize().into()
}

fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two strictly below `n` (n ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// The root (MTH) of the tree whose leaves have the hashes `leaves`.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => Sha256::digest([]).into(),
        [only] => *only,
        _ => {
            let k = split(leaves.len());
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The tree grown one leaf at a time, keeping only the roots of its perfect subtrees (at most
/// one per bit of the size): the root of every prefix of a long log in one pass.
#[derive(Debug, Clone, Default)]
pub struct Frontier {
    /// (leaves, root) of each perfect subtree, largest (leftmost) first.
    peaks: Vec<(u64, Hash)>,
    size: u64,
}

impl Frontier {
    /// Appends a leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        let mut peak = (1u64, leaf);
        while let Some(&(n, left)) = self.peaks.last() {
            if n != peak.0 {
                break;
            }
            self.peaks.pop();
            peak = (n * 2, node_hash(&left, &peak.1));
        }
        self.peaks.push(peak);
        self.size += 1;
    }

    /// How many leaves the tree has.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root of the tree so far: its perfect subtrees joined from the right.
    pub fn root(&self) -> Hash {
        let mut peaks = self.peaks.iter().rev();
        let Some(&(_, mut r)) = peaks.next() else { return root(&[]) };
        for (_, left) in peaks {
            r = node_hash(left, &r);
        }
        r
    }
}

/// The inclusion proof (PATH) of leaf `index` in the tree of `leaves`; None when the index is
/// not in the tree.
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let mut path = Vec::new();
    let (mut tree, mut index) = (leaves, index);
    // Walk down from the root, collecting siblings; PATH lists them from the leaf up.
    while tree.len() > 1 {
        let k = split(tree.len());
        if index < k {
            path.push(root(&tree[k..]));
            tree = &tree[..k];
        } else {
            path.push(root(&tree[..k]));
            tree = &tree[k..];
            index -= k;
        }
    }
    path.reverse();
    Some(path)
}

/// The consistency proof (PROOF) that the tree of the first `old_size` leaves is a prefix of
/// the tree of `leaves`; None when `old_size` is larger than the tree. Empty when the sizes are
/// equal or the old tree is empty.
pub fn consistency_proof(leaves: &[Hash], old_size: usize) -> Option<Vec<Hash>> {
    if old_size > leaves.len() {
        return None;
    }
    if old_size == 0 {
        return Some(Vec::new());
    }
    let mut proof = Vec::new();
    subproof(old_size, leaves, true, &mut proof);
    Some(proof)
}

/// SUBPROOF(m, D[n], b) of RFC 9162 §2.1.4.1, pushed leaf-side first.
fn subproof(m: usize, tree: &[Hash], whole: bool, proof: &mut Vec<Hash>) {
    if m == tree.len() {
        if !whole {
            proof.push(root(tree));
        }
        return;
    }
    let k = split(tree.len());
    if m <= k {
        subproof(m, &tree[..k], whole, proof);
        proof.push(root(&tree[k..]));
    } else {
        subproof(m - k, &tree[k..], false, proof);
        proof.push(root(&tree[..k]));
    }
}

/// Checks that `leaf` (a leaf hash) is leaf `index` of the tree of `size` leaves whose root is
/// `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    s == 0 && r == *root
}

/// Checks that the tree of `old_size` leaves with root `old_root` is a prefix of the tree of
/// `new_size` leaves with root `new_root` (RFC 9162 §2.1.4.2; an empty old tree is a prefix of
/// every tree, and equal sizes need equal roots and an empty proof).
pub fn verify_consistency(old_size: u64, new_size: u64, old_root: &Hash, new_root: &Hash, proof: &[Hash]) -> bool {
    if old_size > new_size {
        return false;
    }
    if old_size == 0 {
        return proof.is_empty();
    }
    if old_size == new_size {
        return proof.is_empty() && old_root == new_root;
    }
    let mut path = proof.to_vec();
    if old_size.is_power_of_two() {
        path.insert(0, *old_root);
    }
    let Some((first, rest)) = path.split_first() else { return false };
    let (mut f, mut s) = (old_size - 1, new_size - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    fr == *old_root && sr == *new_root && s == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&(i as u64).to_be_bytes())).collect()
    }

    /// The tree of RFC 9162 written as its definition, to check the iterative code against.
    fn reference_root(leaves: &[Hash]) -> Hash {
        if leaves.len() <= 1 {
            return root(leaves);
        }
        let k = leaves.len().next_power_of_two() / 2;
        node_hash(&reference_root(&leaves[..k]), &reference_root(&leaves[k..]))
    }

    #[test]
    fn the_empty_tree_is_the_hash_of_nothing() {
        assert_eq!(hex::encode(root(&[])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn a_tree_of_three_leaves_splits_two_and_one() {
        let l = leaves(3);
        assert_eq!(root(&l), node_hash(&node_hash(&l[0], &l[1]), &l[2]));
        assert_eq!(inclusion_proof(&l, 2), Some(vec![node_hash(&l[0], &l[1])]));
        assert_eq!(inclusion_proof(&l, 0), Some(vec![l[1], l[2]]));
    }

    #[test]
    fn a_proof_of_a_leaf_outside_the_tree_is_refused() {
        assert_eq!(inclusion_proof(&leaves(4), 4), None);
        assert_eq!(consistency_proof(&leaves(4), 5), None);
        assert!(!verify_inclusion(&leaves(1)[0], 1, 1, &[], &root(&leaves(1))));
    }

    proptest! {
        #[test]
        fn the_root_follows_the_definition(n in 0usize..70) {
            prop_assert_eq!(root(&leaves(n)), reference_root(&leaves(n)));
        }

        #[test]
        fn the_frontier_gives_the_root_of_every_prefix(n in 0usize..70) {
            let l = leaves(n);
            let mut frontier = Frontier::default();
            prop_assert_eq!(frontier.root(), root(&[]));
            for (i, leaf) in l.iter().enumerate() {
                frontier.push(*leaf);
                prop_assert_eq!(frontier.size(), i as u64 + 1);
                prop_assert_eq!(frontier.root(), root(&l[..=i]));
            }
        }

        #[test]
        fn every_inclusion_proof_verifies_and_a_changed_leaf_or_root_does_not(
            n in 1usize..70, pick in any::<prop::sample::Index>(), flip in 0usize..32
        ) {
            let l = leaves(n);
            let i = pick.index(n);
            let r = root(&l);
            let proof = inclusion_proof(&l, i).expect("in the tree");
            prop_assert!(verify_inclusion(&l[i], i as u64, n as u64, &proof, &r));
            let mut changed = l[i];
            changed[flip] ^= 1;
            prop_assert!(!verify_inclusion(&changed, i as u64, n as u64, &proof, &r));
            let mut other_root = r;
            other_root[flip] ^= 1;
            prop_assert!(!verify_inclusion(&l[i], i as u64, n as u64, &proof, &other_root));
            if n > 1 {
                prop_assert!(!verify_inclusion(&l[i], ((i + 1) % n) as u64, n as u64, &proof, &r));
            }
        }

        #[test]
        fn every_consistency_proof_verifies_and_a_changed_tree_does_not(
            n in 1usize..70, pick in any::<prop::sample::Index>(), flip in 0usize..32
        ) {
            let l = leaves(n);
            let m = pick.index(n) + 1;
            let (old, new) = (root(&l[..m]), root(&l));
            let proof = consistency_proof(&l, m).expect("a prefix");
            prop_assert!(verify_consistency(m as u64, n as u64, &old, &new, &proof));
            let mut forged = old;
            forged[flip] ^= 1;
            prop_assert!(!verify_consistency(m as u64, n as u64, &forged, &new, &proof));
            if m < n {
                // The old tree with one of its leaves changed is no prefix of the new one.
                let mut altered = l.clone();
                altered[m - 1][flip] ^= 1;
                let altered_old = root(&altered[..m]);
                prop_assert!(!verify_consistency(m as u64, n as u64, &altered_old, &new, &proof));
                let mut forged_new = new;
                forged_new[flip] ^= 1;
                prop_assert!(!verify_consistency(m as u64, n as u64, &old, &forged_new, &proof));
            }
        }
    }
}
