//! Sparse Merkle trees (docs/engine-spec.md §6): `Smt` holds every node (native replays of the vectors);
//! `MultiProof` holds the paths of the keys a witness proves (the guest). An absent node is the empty hash Z,
//! so both compute the same root.

use std::collections::BTreeMap;

pub use crate::sha::Hash;

/// The empty hash: 32 zero bytes.
pub const Z: Hash = [0u32; 8];

/// Whether a hash is the empty one: an OR of the words (an array compare called `bcmp`, several times the
/// instructions, and it was called for every node and sibling).
#[inline(always)]
pub fn is_z(h: &Hash) -> bool {
    (h[0] | h[1] | h[2] | h[3] | h[4] | h[5] | h[6] | h[7]) == 0
}

pub fn node(l: &Hash, r: &Hash) -> Hash {
    if is_z(l) && is_z(r) {
        return Z;
    }
    crate::sha::node_hash(l, r)
}

/// `node` written into its place.
#[inline(always)]
fn node_into(l: &Hash, r: &Hash, out: &mut Hash) {
    if is_z(l) && is_z(r) {
        *out = Z;
    } else {
        crate::sha::node_hash_into(l, r, out);
    }
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
    nodes: BTreeMap<(u32, u64), Hash>,
}

impl Smt {
    pub fn new(depth: u32) -> Self {
        Smt { depth, nodes: BTreeMap::new() }
    }

    fn get(&self, h: u32, i: u64) -> Hash {
        *self.nodes.get(&(h, i)).unwrap_or(&Z)
    }

    fn set(&mut self, h: u32, i: u64, v: Hash) {
        if v == Z {
            self.nodes.remove(&(h, i));
        } else {
            self.nodes.insert((h, i), v);
        }
    }

    pub fn root(&self) -> Hash {
        self.get(self.depth, 0)
    }

    pub fn leaf(&self, key: u64) -> Hash {
        self.get(0, key)
    }

    pub fn put(&mut self, key: u64, leaf: Hash) {
        self.set(0, key, leaf);
        for h in 0..self.depth {
            let i = index(key, h);
            let me = self.get(h, i);
            let sib = self.get(h, i ^ 1);
            let parent = if i & 1 == 0 { node(&me, &sib) } else { node(&sib, &me) };
            self.set(h + 1, index(key, h + 1), parent);
        }
    }

    /// Sets many leaves, then rehashes each changed internal node once, level by level. Keys that share
    /// upper paths (account ids are dense) share the work: far fewer hashes than one `put` per key.
    pub fn put_many(&mut self, leaves: &[(u64, Hash)]) {
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
}

/// A sparse Merkle tree known through a multiproof (docs/zk.md §Witness): the leaves of a fixed, sorted set
/// of keys plus the sibling hashes their paths need that no other key of the set provides, level by level
/// in ascending index. Every inner node on those paths is hashed once to check the pre-state root, and
/// afterwards only the paths of changed leaves are rehashed. Sorted vectors and positions replace map
/// lookups, which cost more than the hashes in the zkVM; all levels share one vector each (nodes, children,
/// parents), so a tree is a handful of allocations, not four per level.
#[derive(Clone, Debug)]
pub struct MultiProof {
    depth: u32,
    keys: Vec<u64>,
    /// nodes[at[h] + p]: the p-th known node at height h (height 0: the leaves), ascending index.
    nodes: Vec<Hash>,
    /// at[h]: where height h starts in `nodes` (at[depth + 1] = nodes.len()).
    at: Vec<u32>,
    /// kids[at[h + 1] - at[1] + q]: where node q of height h+1 gets its (left, right) children: a position
    /// in height h, or SIB | an index into `sibs`.
    kids: Vec<(u32, u32)>,
    /// parent[at[h] + p]: the position in height h+1 of node p's parent (h < depth).
    parent: Vec<u32>,
    sibs: Vec<Hash>,
    dirty: Vec<u32>,
    /// The root when no key is known (nothing can change, so the trusted root stands).
    empty_root: Hash,
    /// The lowest and highest key a leaf the proof does not reveal could have: the extent of the non-empty
    /// siblings (or of everything, with no keys and a non-empty root). None: every leaf is revealed.
    pub hidden_min: Option<u64>,
    pub hidden_max: Option<u64>,
}

const SIB: u32 = 1 << 31;

impl MultiProof {
    /// Builds the tree and returns it with the root it implies, which the caller compares to the trusted
    /// root (with no keys, the trusted root itself). `keys` must be strictly ascending; `sibs` is consumed
    /// entirely, in the order described above.
    pub fn new(
        depth: u32,
        keys: Vec<u64>,
        leaves: Vec<Hash>,
        sibs: Vec<Hash>,
        trusted_root: Hash,
    ) -> (Self, Hash) {
        assert_eq!(keys.len(), leaves.len());
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "multiproof keys are not strictly ascending");
        if depth < 64 {
            assert!(keys.iter().all(|k| k >> depth == 0), "multiproof key out of range");
        }
        let mut t = MultiProof {
            depth,
            keys,
            nodes: leaves,
            at: Vec::with_capacity(depth as usize + 2),
            kids: Vec::new(),
            parent: Vec::new(),
            sibs,
            dirty: Vec::new(),
            empty_root: trusted_root,
            hidden_min: None,
            hidden_max: None,
        };
        if t.keys.is_empty() {
            assert!(t.sibs.is_empty(), "siblings without keys");
            if trusted_root != Z {
                t.hidden_min = Some(0);
                t.hidden_max = Some(if depth >= 64 { u64::MAX } else { (1u64 << depth) - 1 });
            }
            return (t, trusted_root);
        }
        // Each height holds at most as many nodes as there are keys: one reservation for all of them. The
        // changed leaves between two roots are usually at most the keys (growing the list from empty cost
        // a reallocation per doubling in every block).
        let n = t.keys.len();
        t.dirty.reserve(n);
        t.nodes.reserve(n * depth as usize + 1);
        t.kids.reserve(n * depth as usize);
        t.parent.reserve(n * depth as usize);
        t.at.push(0);
        // Every node is written straight into its place at the end of `nodes` (reserved above for every height),
        // read from the height below: no hash returned, pushed and copied again.
        assert!(t.nodes.capacity() >= n * (depth as usize + 1), "multiproof nodes reserved");
        // The extent of the non-empty siblings, as plain words (Options and 128-bit shifts cost about 40
        // instructions per sibling).
        let (mut lo_min, mut hi_max, mut hidden) = (u64::MAX, 0u64, false);
        // idx: the indices of the current height's nodes, compacted in place as the heights go up.
        let mut idx: Vec<u64> = t.keys.clone();
        let mut len = n;
        let mut si = 0usize;
        // Children and parents are written through pointers into the capacity reserved above (a height holds
        // at most n nodes, so n * depth entries each), the lengths set once at the end: a push's capacity test
        // and length store were a third of a node's bookkeeping.
        assert!(t.kids.capacity() >= n * depth as usize && t.parent.capacity() >= n * depth as usize);
        let (kids, parent) = (t.kids.as_mut_ptr(), t.parent.as_mut_ptr());
        let (mut nk, mut np) = (0usize, 0usize);
        for h in 0..depth {
            let base = *t.at.last().unwrap() as usize;
            let next_base = t.nodes.len();
            t.at.push(next_base as u32);
            let nodes = t.nodes.as_mut_ptr();
            let (mut j, mut q) = (0usize, 0u32);
            while j < len {
                let i = idx[j];
                // SAFETY: `base + j + 1 < next_base <= next_base + q`, all within the reserved capacity: the
                // children are initialised nodes of the height below, the output a slot past the length. Each
                // height writes at most `len <= n` kids and parents (checked against the capacity above).
                let out = unsafe { &mut *nodes.add(next_base + q as usize) };
                let me = unsafe { &*nodes.add(base + j) };
                if i & 1 == 0 && j + 1 < len && idx[j + 1] == i + 1 {
                    node_into(me, unsafe { &*nodes.add(base + j + 1) }, out);
                    unsafe {
                        kids.add(nk).write((j as u32, j as u32 + 1));
                        parent.add(np).write(q);
                        parent.add(np + 1).write(q);
                    }
                    nk += 1;
                    np += 2;
                    j += 2;
                } else {
                    let s = t.sibs.get(si).expect("multiproof: too few siblings");
                    if !is_z(s) {
                        // Sibling index i^1 at this height covers keys [lo, hi] (h < 64 and i < 2^(64-h)).
                        let lo = (i ^ 1) << h;
                        lo_min = lo_min.min(lo);
                        hi_max = hi_max.max(lo | ((1u64 << h) - 1));
                        hidden = true;
                    }
                    let k = if i & 1 == 0 {
                        node_into(me, s, out);
                        (j as u32, SIB | si as u32)
                    } else {
                        node_into(s, me, out);
                        (SIB | si as u32, j as u32)
                    };
                    unsafe {
                        kids.add(nk).write(k);
                        parent.add(np).write(q);
                    }
                    nk += 1;
                    np += 1;
                    si += 1;
                    j += 1;
                }
                idx[q as usize] = i >> 1;
                q += 1;
            }
            // SAFETY: the q nodes of this height were written above.
            unsafe { t.nodes.set_len(next_base + q as usize) };
            len = q as usize;
        }
        // SAFETY: nk kids and np parents were written above, within the capacity.
        unsafe {
            t.kids.set_len(nk);
            t.parent.set_len(np);
        }
        if hidden {
            t.hidden_min = Some(lo_min);
            t.hidden_max = Some(hi_max);
        }
        t.at.push(t.nodes.len() as u32);
        assert_eq!(si, t.sibs.len(), "multiproof: unused siblings");
        let root = t.nodes[t.nodes.len() - 1];
        (t, root)
    }

    fn position(&self, key: u64) -> usize {
        self.keys.binary_search(&key).unwrap_or_else(|_| panic!("key {key} is not in the multiproof"))
    }

    pub fn contains(&self, key: u64) -> bool {
        self.keys.binary_search(&key).is_ok()
    }

    pub fn leaf(&self, key: u64) -> Hash {
        self.nodes[self.position(key)]
    }

    pub fn put(&mut self, key: u64, leaf: Hash) {
        let p = self.position(key);
        self.put_at(p, leaf);
    }

    /// The number of keys (the leaves at positions 0..len).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// `put` of the key at position `p` of the sorted keys (a caller that knows it: no search).
    pub fn put_at(&mut self, p: usize, leaf: Hash) {
        let n = &self.nodes[..self.keys.len()][p];
        if (0..8).fold(0, |d, i| d | (n[i] ^ leaf[i])) != 0 {
            self.nodes[p] = leaf;
            self.dirty.push(p as u32);
        }
    }

    /// The root after the changes: rehashes each ancestor of a changed leaf once.
    pub fn root(&mut self) -> Hash {
        if self.keys.is_empty() {
            return self.empty_root;
        }
        let mut dirty = std::mem::take(&mut self.dirty);
        // Sorted once, at the leaves: each height's nodes ascend by index and a node's parent position never
        // decreases along them, so every later height's parents come out sorted (a sort per height was a
        // call and a pass over the list at each of the 24 or 32 heights).
        dirty.sort_unstable();
        let mut parents: Vec<u32> = Vec::with_capacity(dirty.len());
        let kids0 = self.at[1] as usize;
        for h in 0..self.depth as usize {
            if dirty.is_empty() {
                break;
            }
            let (base, up) = (self.at[h] as usize, self.at[h + 1] as usize);
            parents.clear();
            // One pass: each changed node's parent, once (they come sorted, so a repeat follows its first), hashed
            // as it is met; a list of the parents built, deduplicated and walked again cost about a third more.
            let (below, above) = self.nodes.split_at_mut(up);
            let mut last = u32::MAX;
            for p in &dirty {
                let q = self.parent[base + *p as usize];
                if q == last {
                    continue;
                }
                last = q;
                parents.push(q);
                let (l, r) = self.kids[up - kids0 + q as usize];
                // A child is a node of height h (below `up`) or a sibling; the parent at height h + 1 is above.
                let pick = |c: u32| -> &Hash {
                    if c & SIB != 0 { &self.sibs[(c & !SIB) as usize] } else { &below[base + c as usize] }
                };
                node_into(pick(l), pick(r), &mut above[q as usize]);
            }
            std::mem::swap(&mut dirty, &mut parents);
        }
        dirty.clear();
        self.dirty = dirty;
        self.nodes[self.nodes.len() - 1]
    }
}

/// The tree as the state holds it: every node (native replays) or a witness's multiproof (the guest).
#[derive(Clone, Debug)]
pub enum Tree {
    Full(Smt),
    Proof(MultiProof),
}

impl Tree {
    /// Extent of the leaves this tree does not know (a full tree knows them all).
    pub fn hidden(&self) -> (Option<u64>, Option<u64>) {
        match self {
            Tree::Full(_) => (None, None),
            Tree::Proof(t) => (t.hidden_min, t.hidden_max),
        }
    }

    pub fn leaf(&self, key: u64) -> Hash {
        match self {
            Tree::Full(t) => t.leaf(key),
            Tree::Proof(t) => t.leaf(key),
        }
    }

    pub fn put_many(&mut self, leaves: &[(u64, Hash)]) {
        match self {
            Tree::Full(t) => t.put_many(leaves),
            Tree::Proof(t) => leaves.iter().for_each(|(k, v)| t.put(*k, *v)),
        }
    }

    pub fn root(&mut self) -> Hash {
        match self {
            Tree::Full(t) => t.root(),
            Tree::Proof(t) => t.root(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(v: u8) -> Hash {
        [v as u32; 8]
    }

    /// The multiproof of a subset of a tree's keys rebuilds the tree's root, changes like the full tree, and
    /// reports where the leaves it does not reveal could be (what the guest's best-price checks rely on).
    #[test]
    fn multiproof_matches_the_full_tree_and_bounds_what_it_hides() {
        let mut full = Smt::new(64);
        let all: Vec<(u64, Hash)> = vec![(5, leaf(1)), (9, leaf(2)), (300, leaf(3)), (301, leaf(4))];
        full.put_many(&all);
        let root = full.root();
        // Reveal keys 9 and 300 (and 12, an empty position): siblings as the Java builder emits them.
        let keys = vec![9u64, 12, 300];
        let mut idx = keys.clone();
        let mut sibs = Vec::new();
        for h in 0..64 {
            let mut next = Vec::new();
            let mut j = 0;
            while j < idx.len() {
                let i = idx[j];
                if i & 1 == 0 && j + 1 < idx.len() && idx[j + 1] == i + 1 {
                    j += 2;
                } else {
                    sibs.push(full.get(h, i ^ 1));
                    j += 1;
                }
                if next.last() != Some(&(i >> 1)) {
                    next.push(i >> 1);
                }
            }
            idx = next;
        }
        let leaves = keys.iter().map(|k| full.leaf(*k)).collect();
        let (mut proof, proven) = MultiProof::new(64, keys, leaves, sibs, root);
        assert_eq!(proven, root);
        // Keys 5 and 301 are hidden: the bounds (whole hidden subtrees: 0..=7 and 301's pair) cover both.
        assert_eq!(proof.hidden_min, Some(0));
        assert!(proof.hidden_max.unwrap() >= 301 && proof.hidden_max.unwrap() < 512);
        proof.put(12, leaf(7));
        full.put(12, leaf(7));
        proof.put(300, Z);
        full.put(300, Z);
        assert_eq!(proof.root(), full.root());
        // Changes listed out of key order (and one key twice) come to the same root: `root` sorts them once.
        for (k, v) in [(300u64, 8u8), (9, 5), (12, 6), (300, 9)] {
            proof.put(k, leaf(v));
            full.put(k, leaf(v));
        }
        assert_eq!(proof.root(), full.root());
    }

    #[test]
    #[should_panic(expected = "does not reach")]
    fn a_wrong_sibling_does_not_reach_the_root() {
        let mut full = Smt::new(8);
        full.put_many(&[(1, leaf(1)), (2, leaf(2))]);
        let sibs: Vec<Hash> = (0..8).map(|h| if h == 0 { leaf(9) } else { full.get(h, (2u64 >> h) ^ 1) }).collect();
        let (_, proven) = MultiProof::new(8, vec![2], vec![leaf(2)], sibs, full.root());
        assert_eq!(proven, full.root(), "does not reach the trusted root");
    }
}
