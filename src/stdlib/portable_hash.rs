//! `:erlang.phash2/1,2`: Erlang's portable term hash, value for value.
//!
//! The hash is the emulator's `make_hash2`: Bob Jenkins' 96-bit mix over 32-bit
//! words, with a constant per kind of term (`HCONST * n`), byte runs of lists
//! hashed four at a time, binaries through Jenkins' block hash, and maps hashed
//! independently of key order (each pair hashed alone, the results xor-ed). Atoms
//! contribute the hashpjw of their text (the atom table's bucket hash). Programs
//! store `phash2` values and pick partitions with them (Registry, sharding), so
//! every value must be BEAM's; the tests pin values recorded from Erlang/OTP.
//!
//! The walk is iterative (an explicit stack), so a deep term cannot overflow.

use super::argument::badarg;
use crate::term::{FunKind, Term, TermMap};
use crate::vm::{NativeCtx, NativeRegistry, NativeResult};
use num_traits::Signed;

/// Registers `:erlang.phash2/1,2`.
pub fn register(reg: &mut NativeRegistry) {
    reg.add("erlang", "phash2", 1, phash2_1);
    reg.add("erlang", "phash2", 2, phash2_2);
}

fn phash2_1(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    Ok(Term::Int(i64::from(hash2(&a[0]) & ((1 << 27) - 1))))
}

/// `phash2(term, range)`: `range` in 1..=2^32.
fn phash2_2(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let range = match &a[1] {
        Term::Int(n) if *n >= 1 && *n <= 1 << 32 => *n as u64,
        _ => return Err(badarg()),
    };
    Ok(Term::Int((u64::from(hash2(&a[0])) % range) as i64))
}

const HCONST: u32 = 0x9e37_79b9;
const HCONST_2: u32 = 0x3c6e_f372;
const HCONST_3: u32 = 0xdaa6_6d2b;
const HCONST_4: u32 = 0x78dd_e6e4;
const HCONST_5: u32 = 0x1715_609d;
const HCONST_7: u32 = 0x5384_540f;
const HCONST_9: u32 = 0x8ff3_4781;
const HCONST_10: u32 = 0x2e2a_c13a;
const HCONST_11: u32 = 0xcc62_3af3;
const HCONST_12: u32 = 0x6a99_b4ac;
const HCONST_13: u32 = 0x08d1_2e65;
const HCONST_14: u32 = 0xa708_a81e;
const HCONST_16: u32 = 0xe377_9b90;
const HCONST_19: u32 = 0xbe1e_08bb;

/// The tag value BEAM mixes in for `[]` met inside a larger term.
const NIL_DEF: u32 = 0x2;
/// The hash of a bare `[]`.
const NIL_ALONE: u32 = 3_468_870_702;

/// Jenkins' mix of three 32-bit words; the result is `c`.
fn mix(mut a: u32, mut b: u32, mut c: u32) -> u32 {
    a = a.wrapping_sub(b).wrapping_sub(c) ^ (c >> 13);
    b = b.wrapping_sub(c).wrapping_sub(a) ^ (a << 8);
    c = c.wrapping_sub(a).wrapping_sub(b) ^ (b >> 13);
    a = a.wrapping_sub(b).wrapping_sub(c) ^ (c >> 12);
    b = b.wrapping_sub(c).wrapping_sub(a) ^ (a << 16);
    c = c.wrapping_sub(a).wrapping_sub(b) ^ (b >> 5);
    a = a.wrapping_sub(b).wrapping_sub(c) ^ (c >> 3);
    b = b.wrapping_sub(c).wrapping_sub(a) ^ (a << 10);
    c.wrapping_sub(a).wrapping_sub(b) ^ (b >> 15)
}

/// Jenkins' block hash of `bytes`, seeded with `init`.
fn block_hash(bytes: &[u8], init: u32) -> u32 {
    let word = |k: &[u8]| u32::from_le_bytes([k[0], k[1], k[2], k[3]]);
    let (mut a, mut b, mut c) = (HCONST, HCONST, init);
    let mut k = bytes;
    while k.len() >= 12 {
        a = a.wrapping_add(word(&k[0..4]));
        b = b.wrapping_add(word(&k[4..8]));
        c = c.wrapping_add(word(&k[8..12]));
        let (x, y, z) = mix3(a, b, c);
        (a, b, c) = (x, y, z);
        k = &k[12..];
    }
    c = c.wrapping_add(bytes.len() as u32);
    // The tail: bytes 8..11 go to c (shifted past its length byte), 4..7 to b, 0..3 to a.
    for (i, byte) in k.iter().enumerate() {
        let v = u32::from(*byte);
        match i {
            0..=3 => a = a.wrapping_add(v << (8 * i)),
            4..=7 => b = b.wrapping_add(v << (8 * (i - 4))),
            _ => c = c.wrapping_add(v << (8 * (i - 7))),
        }
    }
    mix(a, b, c)
}

/// The full mix, keeping all three words (the block hash carries them on).
fn mix3(mut a: u32, mut b: u32, mut c: u32) -> (u32, u32, u32) {
    a = a.wrapping_sub(b).wrapping_sub(c) ^ (c >> 13);
    b = b.wrapping_sub(c).wrapping_sub(a) ^ (a << 8);
    c = c.wrapping_sub(a).wrapping_sub(b) ^ (b >> 13);
    a = a.wrapping_sub(b).wrapping_sub(c) ^ (c >> 12);
    b = b.wrapping_sub(c).wrapping_sub(a) ^ (a << 16);
    c = c.wrapping_sub(a).wrapping_sub(b) ^ (b >> 5);
    a = a.wrapping_sub(b).wrapping_sub(c) ^ (c >> 3);
    b = b.wrapping_sub(c).wrapping_sub(a) ^ (a << 10);
    c = c.wrapping_sub(a).wrapping_sub(b) ^ (b >> 15);
    (a, b, c)
}

/// The atom table's hash of an atom's text: hashpjw over its Latin-1 code points
/// (a two-byte UTF-8 sequence for U+0080..U+00FF counts as one byte, as in BEAM).
pub fn atom_hash(text: &str) -> u32 {
    let bytes = text.as_bytes();
    let mut h: u32 = 0;
    let mut i = 0;
    while i < bytes.len() {
        let mut v = bytes[i];
        let left = bytes.len() - i - 1;
        if left > 0 && (v & 0xFE) == 0xC2 && (bytes[i + 1] & 0xC0) == 0x80 {
            v = (v << 6) | (bytes[i + 1] & 0x3F);
            i += 1;
        }
        i += 1;
        h = (h << 4).wrapping_add(u32::from(v));
        let g = h & 0xf000_0000;
        if g != 0 {
            h ^= g >> 24;
            h ^= g;
        }
    }
    h
}

/// Work items of the walk, in the order `make_hash2` pushes them.
enum Work<'a> {
    Term(&'a Term),
    /// A map's pairs are done: restore the outer hash, mix in the pairs' xor.
    MapTail { outer: u32, outer_xor: u32 },
    /// One key-value pair is done: fold it into the xor, restart from 0.
    MapPair,
}

/// State of the walk: the running hash and the running xor of map pairs.
struct Hasher {
    hash: u32,
    xor_pairs: u32,
}

impl Hasher {
    fn u32_2(&mut self, x: u32, y: u32, konst: u32) {
        self.hash = mix(konst.wrapping_add(x), konst.wrapping_add(y), self.hash);
    }

    fn u32_1(&mut self, x: u32, konst: u32) {
        self.u32_2(x, 0, konst);
    }

    /// A small integer within 28 bits (larger ones are hashed as bignums).
    fn small(&mut self, x: i32) {
        if x < 0 {
            // BEAM mixes negative numbers twice: once negated, once as is.
            self.u32_1(x.wrapping_neg() as u32, HCONST);
        }
        self.u32_1(x as u32, HCONST);
    }

    /// A bignum: its magnitude in 64-bit digits, low first, each as two words.
    fn big(&mut self, negative: bool, magnitude: &num_bigint::BigUint) {
        let konst = if negative { HCONST_10 } else { HCONST_11 };
        for digit in magnitude.iter_u64_digits() {
            self.u32_2(digit as u32, (digit >> 32) as u32, konst);
        }
    }
}

/// `make_hash2(term)`, the full 32-bit portable hash.
pub fn hash2(term: &Term) -> u32 {
    let mut h = Hasher { hash: 0, xor_pairs: 0 };
    // Immediates at the top are returned unmixed, as BEAM's fast path does.
    match term {
        Term::Atom(a) => return atom_hash(a.as_str()),
        Term::Int(n) if fits_28(*n) => {
            h.small(*n as i32);
            return h.hash;
        }
        _ => {}
    }
    let mut stack = vec![Work::Term(term)];
    while let Some(work) = stack.pop() {
        match work {
            Work::MapTail { outer, outer_xor } => {
                let pairs = h.xor_pairs;
                h.hash = outer;
                h.u32_1(pairs, HCONST_19);
                h.xor_pairs = outer_xor;
            }
            Work::MapPair => {
                h.xor_pairs ^= h.hash;
                h.hash = 0;
            }
            Work::Term(t) => step(&mut h, t, &mut stack),
        }
    }
    h.hash
}

fn fits_28(n: i64) -> bool {
    (-(1 << 27)..(1 << 27)).contains(&n)
}

/// Hashes one term, pushing its parts onto `stack` (last pushed, first hashed).
fn step<'a>(h: &mut Hasher, t: &'a Term, stack: &mut Vec<Work<'a>>) {
    match t {
        Term::Int(n) if fits_28(*n) => h.small(*n as i32),
        Term::Int(n) => h.big(*n < 0, &num_bigint::BigUint::from(n.unsigned_abs())),
        Term::BigInt(b) => h.big(b.is_negative(), b.magnitude()),
        Term::Float(f) => {
            let bits = if *f == 0.0 { 0u64 } else { f.to_bits() };
            h.u32_2((bits >> 32) as u32, bits as u32, HCONST_12);
        }
        Term::Atom(a) => {
            let v = atom_hash(a.as_str());
            if h.hash == 0 {
                h.hash = v;
            } else {
                h.u32_1(v, HCONST_3);
            }
        }
        Term::Nil => {
            if h.hash == 0 {
                h.hash = NIL_ALONE;
            } else {
                h.u32_1(NIL_DEF, HCONST_2);
            }
        }
        Term::Cons(_) => list(h, t, stack),
        Term::Tuple(items) => {
            h.u32_1(items.len() as u32, HCONST_9);
            for item in items.iter().rev() {
                stack.push(Work::Term(item));
            }
        }
        Term::Map(m) => map(h, m, stack),
        Term::Binary(bytes) => {
            let seed = HCONST_13.wrapping_add(h.hash);
            h.hash = if bytes.is_empty() { seed } else { block_hash(bytes, seed) };
        }
        Term::Pid(p) => h.u32_1((p.0 & 0x7fff_ffff) as u32, HCONST_5),
        Term::Ref(r) => h.u32_1(r.0 as u32, HCONST_7),
        Term::Fun(f) => match &f.kind {
            FunKind::Export { module, name } => {
                h.u32_2(f.arity, atom_hash(module.as_str()), HCONST);
                h.u32_1(atom_hash(name.as_str()), HCONST_14);
            }
            // A closure's identity (its code's index and checksum) is per build on
            // BEAM too; its arity is what stays stable.
            _ => h.u32_2(f.arity, 0, HCONST),
        },
    }
}

/// A list: runs of byte-sized integers are packed four to a word; any other
/// element is hashed as a term, then the rest of the list.
fn list<'a>(h: &mut Hasher, t: &'a Term, stack: &mut Vec<Work<'a>>) {
    let mut cur = t;
    let (mut packed, mut count) = (0u32, 0);
    while let Term::Cons(cell) = cur {
        match cell.head {
            Term::Int(b) if (0..=255).contains(&b) => {
                packed = (packed << 8).wrapping_add(b as u32);
                if count == 3 {
                    h.u32_1(packed, HCONST_4);
                    (packed, count) = (0, 0);
                } else {
                    count += 1;
                }
                cur = &cell.tail;
            }
            _ => {
                if count > 0 {
                    h.u32_1(packed, HCONST_4);
                }
                stack.push(Work::Term(&cell.tail));
                stack.push(Work::Term(&cell.head));
                return;
            }
        }
    }
    if count > 0 {
        h.u32_1(packed, HCONST_4);
    }
    // The tail after the last byte: `[]` or an improper tail.
    stack.push(Work::Term(cur));
}

/// A map: its size, then the xor of its pairs' hashes, each pair hashed from 0.
fn map<'a>(h: &mut Hasher, m: &'a TermMap, stack: &mut Vec<Work<'a>>) {
    h.u32_1(m.len() as u32, HCONST_16);
    if m.is_empty() {
        return;
    }
    stack.push(Work::MapTail { outer: h.hash, outer_xor: h.xor_pairs });
    h.hash = 0;
    h.xor_pairs = 0;
    for (k, v) in m.iter() {
        stack.push(Work::MapPair);
        stack.push(Work::Term(v));
        stack.push(Work::Term(k));
    }
}

#[cfg(test)]
mod tests {
    use super::hash2;
    use crate::term::Term;

    /// `(term, phash2(term, 2^32))` recorded from Erlang/OTP 24 (Elixir 1.14).
    #[test]
    fn hashes_match_erlang() {
        let big = num_bigint::BigInt::from(12_345_678_901_234_567_890u64);
        let cases: Vec<(Term, u32)> = vec![
            (Term::Int(0), 3175731469),
            (Term::Int(1), 539485162),
            (Term::Int(-1), 1117813597),
            (Term::Int(42), 701417368),
            (Term::Int(134217727), 4273352567),
            (Term::Int(134217728), 2562491755),
            (Term::Int(-134217728), 874979335),
            (Term::Int(-134217729), 1418916782),
            (Term::Int(4294967296), 2108323275),
            (Term::BigInt(std::sync::Arc::new(big.clone())), 4008297509),
            (Term::BigInt(std::sync::Arc::new(-big)), 791180670),
            (Term::Float(1.0), 3029937084),
            (Term::Float(0.0), 423528920),
            (Term::Float(-0.0), 423528920),
            (Term::Float(314.0 / 100.0), 3731709215),
            (Term::Float(-2.5e100), 1937523913),
            (Term::atom("a"), 97),
            (Term::atom("ok"), 1883),
            (Term::atom("hello_world"), 84192276),
            (Term::atom("héllo"), 7799599),
            (Term::atom("日本"), 251805804),
            (Term::atom("true"), 506293),
            (Term::atom("nil"), 29948),
            (Term::Nil, 3468870702),
            (Term::list(vec![Term::Nil]), 499070068),
            (Term::list(vec![Term::Int(1)]), 2768963718),
            (Term::list(vec![Term::Int(1), Term::Int(2), Term::Int(3)]), 4186538188),
            (Term::list(vec![Term::Int(97), Term::Int(98), Term::Int(99)]), 519996486),
            (Term::list((97..101).map(Term::Int).collect()), 1752753207),
            (Term::list((97..102).map(Term::Int).collect()), 2487089008),
            (Term::list(vec![Term::Int(1000)]), 1257028022),
            (Term::cons(Term::Int(1), Term::Int(2)), 3844221178),
            (Term::list(vec![Term::atom("a"), Term::string("b")]), 3605941476),
            (Term::cons(Term::string("x"), Term::atom("y")), 3616072434),
            (Term::string(""), 147926629),
            (Term::string("a"), 1589197455),
            (Term::string("abc"), 1306188027),
            (Term::string("hello world, this is long"), 86224811),
            (Term::bytes(vec![255, 0, 1]), 293341855),
            (Term::tuple(vec![]), 221703996),
            (Term::tuple(vec![Term::Int(1)]), 1318488075),
            (Term::tuple(vec![Term::atom("a"), Term::atom("b")]), 1980325998),
            (
                Term::tuple(vec![
                    Term::Int(1),
                    Term::tuple(vec![Term::Int(2), Term::list(vec![Term::Int(3)])]),
                ]),
                4037453830,
            ),
            (Term::map(vec![]), 844985373),
            (Term::map(vec![(Term::atom("a"), Term::Int(1))]), 1401795262),
            (
                Term::map(vec![
                    (Term::atom("z"), Term::tuple(vec![])),
                    (Term::string("k"), Term::list(vec![Term::Int(1), Term::Int(2)])),
                ]),
                4231110316,
            ),
            (Term::map(vec![(Term::Int(1), Term::Int(2)), (Term::Int(3), Term::Int(4))]), 3188238634),
        ];
        for (term, want) in cases {
            assert_eq!(hash2(&term), want, "phash2 of {}", crate::term::inspect::inspect(&term));
        }
    }
}
