//! Sparse Merkle tree (docs/engine-spec.md §6). Holds only the nodes it knows: natively every node of the
//! tree; inside the guest the paths of the keys a block touches plus their siblings from the witness. An
//! absent node is the empty hash Z, so a full tree and a witness-built partial tree compute the same root.

use std::collections::BTreeMap;

pub const Z: [u8; 32] = [0u8; 32];

pub fn node(l: &[u8; 32], r: &[u8; 32]) -> [u8; 32] {
    if *l == Z && *r == Z {
        return Z;
    }
    let mut buf = [0u8; 65];
    buf[0] = 0x11;
    buf[1..33].copy_from_slice(l);
    buf[33..65].copy_from_slice(r);
    crate::sha::sha256(&buf)
}

fn index(key: u64, height: u32) -> u64 {
    if height >= 64 {
        0
    } else {
        key >> height
    }
}

#[derive(Clone, Debug)]
pub struct Smt {
    pub depth: u32,
    /// (height, index) -> hash; absent = Z.
    nodes: BTreeMap<(u32, u64), [u8; 32]>,
}

impl Smt {
    pub fn new(depth: u32) -> Self {
        Smt { depth, nodes: BTreeMap::new() }
    }

    /// A tree known only by its root (nothing under it may be read or changed).
    pub fn with_root(depth: u32, root: [u8; 32]) -> Self {
        let mut t = Smt::new(depth);
        t.set(depth, 0, root);
        t
    }

    fn get(&self, h: u32, i: u64) -> [u8; 32] {
        *self.nodes.get(&(h, i)).unwrap_or(&Z)
    }

    fn set(&mut self, h: u32, i: u64, v: [u8; 32]) {
        if v == Z {
            self.nodes.remove(&(h, i));
        } else {
            self.nodes.insert((h, i), v);
        }
    }

    pub fn root(&self) -> [u8; 32] {
        self.get(self.depth, 0)
    }

    pub fn leaf(&self, key: u64) -> [u8; 32] {
        self.get(0, key)
    }

    pub fn put(&mut self, key: u64, leaf: [u8; 32]) {
        self.set(0, key, leaf);
        for h in 0..self.depth {
            let i = index(key, h);
            let me = self.get(h, i);
            let sib = self.get(h, i ^ 1);
            let parent = if i & 1 == 0 { node(&me, &sib) } else { node(&sib, &me) };
            self.set(h + 1, index(key, h + 1), parent);
        }
    }

    pub fn siblings(&self, key: u64) -> Vec<[u8; 32]> {
        (0..self.depth).map(|h| self.get(h, index(key, h) ^ 1)).collect()
    }

    /// The root implied by `leaf` at `key` with these siblings (a Merkle proof check).
    pub fn root_from(depth: u32, key: u64, leaf: [u8; 32], siblings: &[[u8; 32]]) -> [u8; 32] {
        let mut cur = leaf;
        for h in 0..depth {
            let sib = &siblings[h as usize];
            cur = if index(key, h) & 1 == 0 { node(&cur, sib) } else { node(sib, &cur) };
        }
        cur
    }

    /// Sets many leaves, then rehashes each changed internal node once, level by level. Keys that share
    /// upper paths (account ids are dense) share the work: far fewer hashes than one `put` per key.
    pub fn put_many(&mut self, leaves: &[(u64, [u8; 32])]) {
        let mut dirty: std::collections::BTreeSet<u64> = std::collections::BTreeSet::new();
        for (k, leaf) in leaves {
            self.set(0, *k, *leaf);
            dirty.insert(*k);
        }
        for h in 0..self.depth {
            let mut parents = std::collections::BTreeSet::new();
            for i in &dirty {
                parents.insert(if h + 1 >= 64 { 0 } else { i >> 1 });
            }
            for p in &parents {
                let (l, r) = (self.get(h, p << 1), self.get(h, (p << 1) | 1));
                let v = node(&l, &r);
                self.set(h + 1, *p, v);
            }
            dirty = parents;
        }
    }

    /// Adds a leaf with its Merkle proof to a partial tree, checking it against `trusted_root`. Nodes already
    /// in the tree were authenticated by earlier proofs, so the climb stops at the first one it meets (which
    /// must then be equal): proofs of nearby keys cost only their distinct lower levels.
    pub fn insert_proven(&mut self, key: u64, leaf: [u8; 32], siblings: &[[u8; 32]], trusted_root: &[u8; 32]) {
        let mut cur = leaf;
        let mut pending: Vec<(u32, u64, [u8; 32])> = vec![(0, key, leaf)];
        for h in 0..self.depth {
            let i = index(key, h);
            let sib = siblings[h as usize];
            pending.push((h, i ^ 1, sib));
            cur = if i & 1 == 0 { node(&cur, &sib) } else { node(&sib, &cur) };
            let parent = index(key, h + 1);
            if let Some(known) = self.nodes.get(&(h + 1, parent)) {
                assert_eq!(known, &cur, "proof for key {key} disagrees with an authenticated node");
                break;
            }
            if h + 1 == self.depth {
                assert_eq!(&cur, trusted_root, "proof for key {key} does not reach the trusted root");
            }
            pending.push((h + 1, parent, cur));
        }
        for (h, i, v) in pending {
            self.set(h, i, v);
        }
    }
}
