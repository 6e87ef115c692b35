//! RFC 6962 Merkle tree over the audit records (docs/format.md): leaf =
//! SHA-256(0x00 || line), node = SHA-256(0x01 || left || right). The root and
//! inclusion proofs are computed in one streaming pass with O(log n) memory,
//! so a million-record chain needs no leaf list.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::record::hex;

pub type Hash = [u8; 32];

/// The leaf hash of one record line (without its newline).
pub fn leaf_hash(line: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(line);
    h.finalize().into()
}

pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// MTH of the empty tree: SHA-256 of the empty string.
pub fn empty_root() -> Hash {
    Sha256::digest(b"").into()
}

/// Parses 64 hex digits (an optional `0x` in front, either case).
pub fn parse_hash(text: &str) -> Option<Hash> {
    let t = text.trim();
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    if t.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in t.as_bytes().chunks(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out[i] = (hi * 16 + lo) as u8;
    }
    Some(out)
}

/// The root of a growing tree: a stack of the roots of complete subtrees
/// (sizes are the binary digits of the leaf count), merged as leaves arrive.
#[derive(Debug, Clone, Default)]
pub struct StreamingRoot {
    /// (log2 of the subtree size, subtree root), largest first.
    stack: Vec<(u32, Hash)>,
    size: u64,
}

impl StreamingRoot {
    pub fn new() -> StreamingRoot {
        StreamingRoot::default()
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn push(&mut self, leaf: Hash) {
        let mut level = 0u32;
        let mut hash = leaf;
        while let Some(&(top_level, top)) = self.stack.last() {
            if top_level != level {
                break;
            }
            self.stack.pop();
            hash = node_hash(&top, &hash);
            level += 1;
        }
        self.stack.push((level, hash));
        self.size += 1;
    }

    /// MTH of the leaves pushed so far. RFC 6962 splits at the largest power
    /// of two below n, so the right-hand subtrees fold from the smallest up.
    pub fn root(&self) -> Hash {
        let mut iter = self.stack.iter().rev();
        let Some(&(_, mut acc)) = iter.next() else {
            return empty_root();
        };
        for (_, left) in iter {
            acc = node_hash(left, &acc);
        }
        acc
    }
}

/// The leaf ranges `[lo, hi)` whose subtree roots form the audit path of
/// leaf `m` in a tree of `n` leaves, in the RFC's order (leaf level first).
pub fn path_ranges(m: u64, n: u64) -> Vec<(u64, u64)> {
    fn go(m: u64, lo: u64, hi: u64, out: &mut Vec<(u64, u64)>) {
        let n = hi - lo;
        if n <= 1 {
            return;
        }
        let k = largest_power_of_two_below(n);
        if m < lo + k {
            go(m, lo, lo + k, out);
            out.push((lo + k, hi));
        } else {
            go(m, lo + k, hi, out);
            out.push((lo, lo + k));
        }
    }
    let mut out = Vec::new();
    if m < n {
        go(m, 0, n, &mut out);
    }
    out
}

/// The largest power of two strictly less than `n` (n >= 2).
pub fn largest_power_of_two_below(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// Collects, in one pass over the leaves of a tree of `size` leaves, the tree
/// root and the audit path of one leaf. Each leaf belongs to at most one
/// path range, and the ranges are disjoint, so one streaming root per range
/// at a time is enough.
#[derive(Debug, Clone)]
pub struct ProofBuilder {
    leaf_index: u64,
    size: u64,
    /// (range, index in the path), sorted by range start.
    ranges: Vec<((u64, u64), usize)>,
    next_range: usize,
    current: StreamingRoot,
    path: Vec<Option<Hash>>,
    leaf: Option<Hash>,
    whole: StreamingRoot,
}

impl ProofBuilder {
    pub fn new(leaf_index: u64, size: u64) -> ProofBuilder {
        let in_path = path_ranges(leaf_index, size);
        let mut ranges: Vec<_> = in_path.iter().copied().zip(0..).collect();
        ranges.sort();
        ProofBuilder {
            leaf_index,
            size,
            path: vec![None; ranges.len()],
            ranges,
            next_range: 0,
            current: StreamingRoot::new(),
            leaf: None,
            whole: StreamingRoot::new(),
        }
    }

    /// Feeds the next leaf (leaves beyond `size` are ignored).
    pub fn push(&mut self, leaf: Hash) {
        let i = self.whole.size();
        if i >= self.size {
            return;
        }
        self.whole.push(leaf);
        if i == self.leaf_index {
            self.leaf = Some(leaf);
            return;
        }
        let Some(&((lo, hi), slot)) = self.ranges.get(self.next_range) else {
            return;
        };
        debug_assert!(i >= lo && i < hi);
        self.current.push(leaf);
        if i + 1 == hi {
            self.path[slot] = Some(self.current.root());
            self.current = StreamingRoot::new();
            self.next_range += 1;
        }
    }

    /// The proof, once all `size` leaves have been pushed.
    pub fn finish(self) -> Option<InclusionProof> {
        if self.whole.size() != self.size {
            return None;
        }
        let path: Option<Vec<Hash>> = self.path.into_iter().collect();
        Some(InclusionProof {
            leaf_index: self.leaf_index,
            tree_size: self.size,
            leaf_hash: hex(&self.leaf?),
            audit_path: path?.iter().map(|h| hex(h)).collect(),
            root: hex(&self.whole.root()),
            record: None,
        })
    }
}

/// An inclusion proof as `talos audit prove` prints it. `leaf_index` is
/// `seq - 1`; `record` (the line itself) lets a verifier recompute the leaf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusionProof {
    pub leaf_index: u64,
    pub tree_size: u64,
    pub leaf_hash: String,
    pub audit_path: Vec<String>,
    pub root: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofError {
    IndexOutOfRange,
    BadHex(String),
    PathLength,
    LeafMismatch,
    RootMismatch { computed: String },
}

impl std::fmt::Display for ProofError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProofError::IndexOutOfRange => write!(f, "leaf_index is not below tree_size"),
            ProofError::BadHex(what) => write!(f, "{what} is not 64 hex digits"),
            ProofError::PathLength => write!(
                f,
                "the audit path has the wrong length for this leaf index and tree size"
            ),
            ProofError::LeafMismatch => {
                write!(f, "the record in the proof does not hash to its leaf_hash")
            }
            ProofError::RootMismatch { computed } => {
                write!(f, "the path leads to root {computed}, not the given root")
            }
        }
    }
}

/// Checks an inclusion proof against a trusted root, with the algorithm of
/// RFC 9162 §2.1.3.2 (equivalent to RFC 6962's, and free of recursion).
pub fn verify_inclusion(proof: &InclusionProof, root: &Hash) -> Result<(), ProofError> {
    if proof.leaf_index >= proof.tree_size {
        return Err(ProofError::IndexOutOfRange);
    }
    let leaf =
        parse_hash(&proof.leaf_hash).ok_or_else(|| ProofError::BadHex("leaf_hash".into()))?;
    if let Some(record) = &proof.record
        && leaf_hash(record.as_bytes()) != leaf
    {
        return Err(ProofError::LeafMismatch);
    }
    let mut path = Vec::with_capacity(proof.audit_path.len());
    for (i, p) in proof.audit_path.iter().enumerate() {
        path.push(parse_hash(p).ok_or_else(|| ProofError::BadHex(format!("audit_path[{i}]")))?);
    }
    let computed = root_from_path(proof.leaf_index, proof.tree_size, &leaf, &path)?;
    if &computed != root {
        return Err(ProofError::RootMismatch {
            computed: hex(&computed),
        });
    }
    Ok(())
}

/// RFC 9162 §2.1.3.2 steps 2-5: the root an audit path leads to.
pub fn root_from_path(
    leaf_index: u64,
    tree_size: u64,
    leaf: &Hash,
    path: &[Hash],
) -> Result<Hash, ProofError> {
    if leaf_index >= tree_size {
        return Err(ProofError::IndexOutOfRange);
    }
    let mut fnode = leaf_index;
    let mut snode = tree_size - 1;
    let mut r = *leaf;
    for p in path {
        if snode == 0 {
            return Err(ProofError::PathLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::PathLength);
    }
    Ok(r)
}

/// The leaf ranges `[lo, hi)` whose subtree roots form the consistency proof
/// between the trees of `old` and `new` leaves, in the RFC's order
/// (RFC 9162 §2.1.4.1, SUBPROOF). Empty when `old` is 0 or not below `new`.
pub fn consistency_ranges(old: u64, new: u64) -> Vec<(u64, u64)> {
    // SUBPROOF(m, D[lo:hi], b): `complete` is b, "the subtree of the old tree
    // is itself a node of the new one", which lets the verifier use the old
    // root instead of a path entry.
    fn go(m: u64, lo: u64, hi: u64, complete: bool, out: &mut Vec<(u64, u64)>) {
        let n = hi - lo;
        if m == n {
            if !complete {
                out.push((lo, hi));
            }
            return;
        }
        let k = largest_power_of_two_below(n);
        if m <= k {
            go(m, lo, lo + k, complete, out);
            out.push((lo + k, hi));
        } else {
            go(m - k, lo + k, hi, false, out);
            out.push((lo, lo + k));
        }
    }
    let mut out = Vec::new();
    if old > 0 && old < new {
        go(old, 0, new, true, &mut out);
    }
    out
}

/// A consistency proof as `talos audit prove --consistency` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsistencyProof {
    pub old_size: u64,
    pub new_size: u64,
    pub old_root: String,
    pub new_root: String,
    pub proof: Vec<String>,
}

/// Collects, in one pass over the leaves of the new tree, the roots of the
/// old and the new tree and the consistency proof between them. The proof's
/// ranges are disjoint (each is the sibling of a step down the tree), so one
/// streaming root per range at a time is enough, as for `ProofBuilder`.
#[derive(Debug, Clone)]
pub struct ConsistencyBuilder {
    old: u64,
    new: u64,
    ranges: Vec<((u64, u64), usize)>,
    next_range: usize,
    current: StreamingRoot,
    path: Vec<Option<Hash>>,
    old_root: Option<Hash>,
    whole: StreamingRoot,
}

impl ConsistencyBuilder {
    pub fn new(old: u64, new: u64) -> ConsistencyBuilder {
        let in_proof = consistency_ranges(old, new);
        let mut ranges: Vec<_> = in_proof.iter().copied().zip(0..).collect();
        ranges.sort();
        ConsistencyBuilder {
            old,
            new,
            path: vec![None; ranges.len()],
            ranges,
            next_range: 0,
            current: StreamingRoot::new(),
            old_root: (old == 0).then(empty_root),
            whole: StreamingRoot::new(),
        }
    }

    /// Feeds the next leaf (leaves beyond the new size are ignored).
    pub fn push(&mut self, leaf: Hash) {
        let i = self.whole.size();
        if i >= self.new {
            return;
        }
        self.whole.push(leaf);
        if i + 1 == self.old {
            self.old_root = Some(self.whole.root());
        }
        let Some(&((lo, hi), slot)) = self.ranges.get(self.next_range) else {
            return;
        };
        if i < lo {
            return;
        }
        self.current.push(leaf);
        if i + 1 == hi {
            self.path[slot] = Some(self.current.root());
            self.current = StreamingRoot::new();
            self.next_range += 1;
        }
    }

    /// The proof, once all leaves of the new tree have been pushed.
    pub fn finish(self) -> Option<ConsistencyProof> {
        if self.whole.size() != self.new || self.old > self.new {
            return None;
        }
        let path: Option<Vec<Hash>> = self.path.into_iter().collect();
        Some(ConsistencyProof {
            old_size: self.old,
            new_size: self.new,
            old_root: hex(&self.old_root?),
            new_root: hex(&self.whole.root()),
            proof: path?.iter().map(|h| hex(h)).collect(),
        })
    }
}

/// Why a consistency proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsistencyError {
    /// The old size is 0: every tree extends the empty one, so such a
    /// proof shows nothing, and is refused rather than trusted.
    EmptyOldTree,
    /// The new size is smaller than the old one.
    Shrunk,
    /// A hash that is not 32 bytes (what, length).
    HashLength(String, usize),
    /// Equal sizes need an empty proof; other sizes a non-empty one of the
    /// right length.
    ProofLength,
    /// The path leads to other roots.
    Mismatch { old_ok: bool, new_ok: bool },
}

impl std::fmt::Display for ConsistencyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConsistencyError::EmptyOldTree => write!(
                f,
                "the old tree size is 0: every log extends an empty one, so the proof shows nothing"
            ),
            ConsistencyError::Shrunk => write!(f, "the new tree is smaller than the old one"),
            ConsistencyError::HashLength(what, n) => {
                write!(f, "{what} is {n} bytes, not the 32 bytes of a SHA-256 hash")
            }
            ConsistencyError::ProofLength => {
                write!(f, "the proof has the wrong length for these tree sizes")
            }
            ConsistencyError::Mismatch { old_ok, new_ok } => match (old_ok, new_ok) {
                (false, false) => write!(f, "the proof leads to neither the old nor the new root"),
                (false, true) => write!(f, "the proof does not lead to the old root"),
                _ => write!(f, "the proof does not lead to the new root"),
            },
        }
    }
}

fn hash32(what: &str, bytes: &[u8]) -> Result<Hash, ConsistencyError> {
    bytes
        .try_into()
        .map_err(|_| ConsistencyError::HashLength(what.to_string(), bytes.len()))
}

/// Checks that the tree of `new_size` leaves with root `new_root` extends the
/// tree of `old_size` leaves with root `old_root`, with the algorithm of
/// RFC 9162 §2.1.4.2. Hashes are raw bytes so that a wrong length is caught
/// here, not silently truncated.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &[u8],
    new_root: &[u8],
    proof: &[Vec<u8>],
) -> Result<(), ConsistencyError> {
    let first = hash32("the old root", old_root)?;
    let second = hash32("the new root", new_root)?;
    let mut path = Vec::with_capacity(proof.len() + 1);
    for (i, p) in proof.iter().enumerate() {
        path.push(hash32(&format!("proof[{i}]"), p)?);
    }
    if old_size == 0 {
        return Err(ConsistencyError::EmptyOldTree);
    }
    if new_size < old_size {
        return Err(ConsistencyError::Shrunk);
    }
    if old_size == new_size {
        if !path.is_empty() {
            return Err(ConsistencyError::ProofLength);
        }
        return if first == second {
            Ok(())
        } else {
            Err(ConsistencyError::Mismatch {
                old_ok: false,
                new_ok: false,
            })
        };
    }
    if path.is_empty() {
        return Err(ConsistencyError::ProofLength);
    }
    if old_size.is_power_of_two() {
        path.insert(0, first);
    }
    let mut fnode = old_size - 1;
    let mut snode = new_size - 1;
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let mut fr = path[0];
    let mut sr = path[0];
    for c in &path[1..] {
        if snode == 0 {
            return Err(ConsistencyError::ProofLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ConsistencyError::ProofLength);
    }
    if fr != first || sr != second {
        return Err(ConsistencyError::Mismatch {
            old_ok: fr == first,
            new_ok: sr == second,
        });
    }
    Ok(())
}

/// An inclusion proof check on raw bytes (the form of the reference test
/// vectors): every hash must be 32 bytes.
pub fn verify_inclusion_raw(
    leaf_index: u64,
    tree_size: u64,
    leaf: &[u8],
    path: &[Vec<u8>],
    root: &[u8],
) -> Result<(), ProofError> {
    let len = |what: &str, b: &[u8]| -> Result<Hash, ProofError> {
        b.try_into()
            .map_err(|_| ProofError::BadHex(what.to_string()))
    };
    let leaf = len("leaf_hash", leaf)?;
    let root = len("root", root)?;
    let mut p = Vec::with_capacity(path.len());
    for (i, h) in path.iter().enumerate() {
        p.push(len(&format!("audit_path[{i}]"), h)?);
    }
    let computed = root_from_path(leaf_index, tree_size, &leaf, &p)?;
    if computed != root {
        return Err(ProofError::RootMismatch {
            computed: hex(&computed),
        });
    }
    Ok(())
}

/// An independent, deliberately naive RFC 6962 §2.1 / RFC 9162 §2.1.4
/// implementation: MTH, PATH and SUBPROOF written straight from the
/// recursive definitions over a slice of leaves, sharing no code with the
/// streaming builders above. The unit tests and the integration tests check
/// the builders and the CLI's output against it; never compiled into a
/// release build.
#[cfg(any(test, feature = "test-hooks"))]
pub mod reference {
    use sha2::{Digest, Sha256};

    use super::Hash;

    fn sha(parts: &[&[u8]]) -> Hash {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p);
        }
        h.finalize().into()
    }

    /// The largest power of two smaller than `n` (n > 1).
    fn split(n: usize) -> usize {
        let mut k = 1;
        while k * 2 < n {
            k *= 2;
        }
        k
    }

    /// The leaf hash of one entry: SHA-256(0x00 || entry).
    pub fn leaf<T: AsRef<[u8]>>(entry: T) -> Hash {
        sha(&[&[0], entry.as_ref()])
    }

    /// MTH(D[n]).
    pub fn mth<T: AsRef<[u8]>>(d: &[T]) -> Hash {
        match d.len() {
            0 => sha(&[]),
            1 => leaf(&d[0]),
            n => {
                let k = split(n);
                sha(&[&[1], &mth(&d[..k]), &mth(&d[k..])])
            }
        }
    }

    /// PATH(m, D[n]): the inclusion proof of leaf `m`.
    pub fn path<T: AsRef<[u8]>>(m: usize, d: &[T]) -> Vec<Hash> {
        if d.len() <= 1 {
            return vec![];
        }
        let k = split(d.len());
        if m < k {
            let mut p = path(m, &d[..k]);
            p.push(mth(&d[k..]));
            p
        } else {
            let mut p = path(m - k, &d[k..]);
            p.push(mth(&d[..k]));
            p
        }
    }

    /// SUBPROOF(m, D[n], b): the consistency proof from the tree of the
    /// first `m` leaves (`complete` is b, true at the top).
    pub fn subproof<T: AsRef<[u8]>>(m: usize, d: &[T], complete: bool) -> Vec<Hash> {
        let n = d.len();
        if m == n {
            return if complete { vec![] } else { vec![mth(d)] };
        }
        let k = split(n);
        if m <= k {
            let mut p = subproof(m, &d[..k], complete);
            p.push(mth(&d[k..]));
            p
        } else {
            let mut p = subproof(m - k, &d[k..], false);
            p.push(mth(&d[..k]));
            p
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::reference::{mth, path, subproof};

    fn leaves(n: usize) -> Vec<Vec<u8>> {
        (0..n).map(|i| format!("record {i}").into_bytes()).collect()
    }

    #[test]
    fn consistency_proofs_match_recursive_definition_and_verify() {
        for n in 1..34u64 {
            let d = leaves(n as usize);
            for m in 1..=n {
                let mut b = ConsistencyBuilder::new(m, n);
                for l in &d {
                    b.push(leaf_hash(l));
                }
                let p = b.finish().unwrap();
                let expected: Vec<String> = if m == n {
                    vec![]
                } else {
                    subproof(m as usize, &d, true)
                        .iter()
                        .map(|h| hex(h))
                        .collect()
                };
                assert_eq!(p.proof, expected, "m={m} n={n}");
                assert_eq!(p.old_root, hex(&mth(&d[..m as usize])));
                assert_eq!(p.new_root, hex(&mth(&d)));
                let raw: Vec<Vec<u8>> = p
                    .proof
                    .iter()
                    .map(|h| parse_hash(h).unwrap().to_vec())
                    .collect();
                let old = parse_hash(&p.old_root).unwrap();
                let new = parse_hash(&p.new_root).unwrap();
                verify_consistency(m, n, &old, &new, &raw).unwrap();
                // Another old root, or one proof entry changed, must fail.
                if m < n {
                    let other = mth(&d[..m as usize - 1]);
                    assert!(verify_consistency(m, n, &other, &new, &raw).is_err());
                    let mut bad = raw.clone();
                    bad[0][0] ^= 1;
                    assert!(verify_consistency(m, n, &old, &new, &bad).is_err());
                    let mut short = raw.clone();
                    short.pop();
                    assert!(verify_consistency(m, n, &old, &new, &short).is_err());
                }
            }
        }
    }

    #[test]
    fn root_matches_recursive_definition() {
        for n in 0..70 {
            let d = leaves(n);
            let mut s = StreamingRoot::new();
            for l in &d {
                s.push(leaf_hash(l));
            }
            assert_eq!(s.root(), mth(&d), "n={n}");
        }
    }

    #[test]
    fn proofs_match_recursive_definition_and_verify() {
        for n in 1..40u64 {
            let d = leaves(n as usize);
            let root = mth(&d);
            for m in 0..n {
                let mut b = ProofBuilder::new(m, n);
                for l in &d {
                    b.push(leaf_hash(l));
                }
                let proof = b.finish().unwrap();
                let expected: Vec<String> = path(m as usize, &d).iter().map(|h| hex(h)).collect();
                assert_eq!(proof.audit_path, expected, "n={n} m={m}");
                assert_eq!(proof.root, hex(&root));
                verify_inclusion(&proof, &root).unwrap();
                // Any change to the path, the index or the size must fail.
                if !proof.audit_path.is_empty() {
                    let mut bad = proof.clone();
                    bad.audit_path[0] = hex(&[7u8; 32]);
                    assert!(verify_inclusion(&bad, &root).is_err());
                    let mut short = proof.clone();
                    short.audit_path.pop();
                    assert!(verify_inclusion(&short, &root).is_err());
                }
                let mut longer = proof.clone();
                longer.audit_path.push(hex(&[9u8; 32]));
                assert!(verify_inclusion(&longer, &root).is_err());
                if n > 1 {
                    let mut moved = proof.clone();
                    moved.leaf_index = (m + 1) % n;
                    assert!(verify_inclusion(&moved, &root).is_err(), "n={n} m={m}");
                }
            }
        }
    }

    // RFC 6962 reference vectors (as used by Certificate Transparency's and
    // transparency-dev's merkle test suites): the 8 leaf inputs and the roots
    // of the trees over their first 1..=8 entries.
    const LEAVES: [&str; 8] = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];
    const ROOTS: [&str; 8] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn rfc6962_reference_roots() {
        let mut s = StreamingRoot::new();
        for (i, l) in LEAVES.iter().enumerate() {
            s.push(leaf_hash(&unhex(l)));
            assert_eq!(hex(&s.root()), ROOTS[i], "size {}", i + 1);
        }
    }

    #[test]
    fn rfc6962_reference_paths() {
        // Inclusion proofs from the same reference suite: (leaf, size, path).
        let cases: [(u64, u64, &[&str]); 5] = [
            (0, 1, &[]),
            (
                0,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                5,
                8,
                &[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (
                2,
                3,
                &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
            ),
            (
                1,
                5,
                &[
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
        ];
        for (m, n, expected) in cases {
            let mut b = ProofBuilder::new(m, n);
            for l in &LEAVES[..n as usize] {
                b.push(leaf_hash(&unhex(l)));
            }
            let proof = b.finish().unwrap();
            assert_eq!(proof.audit_path, expected, "leaf {m} of {n}");
            assert_eq!(proof.root, ROOTS[n as usize - 1]);
            verify_inclusion(&proof, &parse_hash(ROOTS[n as usize - 1]).unwrap()).unwrap();
        }
    }

    #[test]
    fn parse_hash_accepts_0x_and_upper_case() {
        let h = parse_hash(&format!("0x{}", ROOTS[0].to_uppercase())).unwrap();
        assert_eq!(hex(&h), ROOTS[0]);
        assert!(parse_hash("abc").is_none());
        assert!(parse_hash(&"g".repeat(64)).is_none());
    }
}
