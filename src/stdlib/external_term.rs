//! `:erlang.term_to_binary/1,2` and `binary_to_term/1,2`: Erlang's external term
//! format (version 131), byte for byte as Erlang/OTP 24 writes it, so a file
//! written by Elixir reads back here and the other way round.
//!
//! Encoding choices follow OTP 24's defaults (`minor_version: 1`): atoms whose
//! characters are all Latin-1 as `ATOM_EXT` with Latin-1 bytes, others as
//! `SMALL_ATOM_UTF8_EXT`; `minor_version: 2` writes every atom as UTF-8. Integers
//! are `SMALL_INTEGER_EXT`, `INTEGER_EXT` or `SMALL_BIG_EXT`; floats `NEW_FLOAT_EXT`
//! (`minor_version: 0`: the old 31-byte text form); lists of bytes `STRING_EXT`.
//! Map pairs are written in key order, which is OTP's order for maps of up to 32
//! keys (larger maps are hash-array tries on BEAM, whose order differs; they still
//! decode to the same map). Pids and references are this node's (`nonode@nohost`,
//! creation 0). Closures have no portable form here and raise.
//!
//! Decoding accepts every tag a term of these kinds can be written with, including
//! the older atom, pid, reference and float encodings. Encoding and decoding are
//! iterative, so a deep or long term costs memory, never the Rust stack.

use super::process::bad_argument;
use crate::term::{Atom, Fun, FunKind, Pid, Ref, Term};
use crate::vm::{NativeCtx, NativeRegistry, NativeResult, Raise};
use num_bigint::{BigInt, Sign};
use std::sync::Arc;

/// Registers the external term format natives.
pub fn register(reg: &mut NativeRegistry) {
    reg.add("erlang", "term_to_binary", 1, term_to_binary_1);
    reg.add("erlang", "term_to_binary", 2, term_to_binary_2);
    reg.add("erlang", "binary_to_term", 1, binary_to_term_1);
    reg.add("erlang", "binary_to_term", 2, binary_to_term_2);
}

const VERSION: u8 = 131;
const NEW_FLOAT: u8 = 70;
const BIT_BINARY: u8 = 77;
const COMPRESSED: u8 = 80;
const NEW_PID: u8 = 88;
const NEWER_REFERENCE: u8 = 90;
const SMALL_INTEGER: u8 = 97;
const INTEGER: u8 = 98;
const FLOAT: u8 = 99;
const ATOM: u8 = 100;
const REFERENCE: u8 = 101;
const PID: u8 = 103;
const SMALL_TUPLE: u8 = 104;
const LARGE_TUPLE: u8 = 105;
const NIL: u8 = 106;
const STRING: u8 = 107;
const LIST: u8 = 108;
const BINARY: u8 = 109;
const SMALL_BIG: u8 = 110;
const LARGE_BIG: u8 = 111;
const EXPORT: u8 = 113;
const NEW_REFERENCE: u8 = 114;
const SMALL_ATOM: u8 = 115;
const MAP: u8 = 116;
const ATOM_UTF8: u8 = 118;
const SMALL_ATOM_UTF8: u8 = 119;

/// The node every pid and reference here belongs to.
const NODE: &str = "nonode@nohost";

fn term_to_binary_1(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    Ok(binary(encode(&a[0], 1)?))
}

/// Options: `:compressed`/`{:compressed, level}` (refused: otplab has no zlib),
/// `{:minor_version, 0..2}`, `:deterministic`.
fn term_to_binary_2(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let mut minor = 1;
    let mut items = a[1].list_iter();
    for opt in items.by_ref() {
        match &opt {
            Term::Atom(x) if x.as_str() == "deterministic" => {}
            Term::Tuple(t) if t.len() == 2 && t[0].is_atom_named("minor_version") => match t[1] {
                Term::Int(n @ 0..=2) => minor = n as u8,
                _ => return Err(bad_argument(2, "invalid option in list").into()),
            },
            Term::Atom(x) if x.as_str() == "compressed" => return Err(compression_unsupported().into()),
            Term::Tuple(t) if t.len() == 2 && t[0].is_atom_named("compressed") => {
                return Err(compression_unsupported().into());
            }
            _ => return Err(bad_argument(2, "invalid option in list").into()),
        }
    }
    if !matches!(items.rest(), Term::Nil) {
        return Err(bad_argument(2, "not a list").into());
    }
    Ok(binary(encode(&a[0], minor)?))
}

fn compression_unsupported() -> Raise {
    Raise::argument_error("term_to_binary/2 with :compressed is not supported by otplab".to_string())
}

fn binary_to_term_1(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let bytes = binary_arg(&a[0])?;
    // Bytes after the term are ignored, as BEAM ignores them.
    Ok(decode(bytes).ok_or_else(invalid)?.0)
}

/// Options: `:safe` (accepted: atoms are never collected here, so creating one is
/// no hazard) and `:used` (returns `{term, bytes_read}`).
fn binary_to_term_2(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let bytes = binary_arg(&a[0])?;
    let mut want_used = false;
    for opt in a[1].list_iter() {
        match opt.as_atom().map(|x| x.as_str()) {
            Some("safe") => {}
            Some("used") => want_used = true,
            _ => return Err(bad_argument(2, "invalid option in list").into()),
        }
    }
    let (term, used) = decode(bytes).ok_or_else(invalid)?;
    Ok(if want_used { Term::pair(term, Term::Int(used as i64)) } else { term })
}

fn binary_arg(t: &Term) -> Result<&[u8], Raise> {
    match t {
        Term::Binary(b) => Ok(b),
        _ => Err(bad_argument(1, "not a binary")),
    }
}

fn invalid() -> Raise {
    bad_argument(1, "invalid external representation of a term")
}

fn binary(bytes: Vec<u8>) -> Term {
    Term::bytes(bytes)
}

// ---- encoding --------------------------------------------------------------------

/// What remains to write: a term, or the tail of a list whose elements are done.
enum Emit<'a> {
    Term(&'a Term),
}

/// The external form of `term` (with the version byte).
pub fn encode(term: &Term, minor: u8) -> Result<Vec<u8>, Raise> {
    let mut out = vec![VERSION];
    let mut stack = vec![Emit::Term(term)];
    while let Some(Emit::Term(t)) = stack.pop() {
        match t {
            Term::Int(n) => integer(&mut out, *n),
            Term::BigInt(b) => big(&mut out, b),
            Term::Float(f) => float(&mut out, *f, minor),
            Term::Atom(a) => atom(&mut out, a.as_str(), minor),
            Term::Nil => out.push(NIL),
            Term::Binary(b) => {
                out.push(BINARY);
                out.extend_from_slice(&(b.len() as u32).to_be_bytes());
                out.extend_from_slice(b);
            }
            Term::Tuple(items) => {
                if items.len() <= 255 {
                    out.extend_from_slice(&[SMALL_TUPLE, items.len() as u8]);
                } else {
                    out.push(LARGE_TUPLE);
                    out.extend_from_slice(&(items.len() as u32).to_be_bytes());
                }
                stack.extend(items.iter().rev().map(Emit::Term));
            }
            Term::Map(m) => {
                out.push(MAP);
                out.extend_from_slice(&(m.len() as u32).to_be_bytes());
                for (k, v) in m.iter().rev() {
                    stack.push(Emit::Term(v));
                    stack.push(Emit::Term(k));
                }
            }
            Term::Cons(_) => list(&mut out, t, &mut stack),
            Term::Pid(p) => {
                out.push(NEW_PID);
                atom(&mut out, NODE, minor);
                out.extend_from_slice(&(p.0 as u32).to_be_bytes());
                out.extend_from_slice(&((p.0 >> 32) as u32).to_be_bytes());
                out.extend_from_slice(&0u32.to_be_bytes());
            }
            Term::Ref(r) => {
                out.extend_from_slice(&[NEWER_REFERENCE, 0, 3]);
                atom(&mut out, NODE, minor);
                out.extend_from_slice(&0u32.to_be_bytes());
                for id in [r.0 as u32, (r.0 >> 32) as u32, 0] {
                    out.extend_from_slice(&id.to_be_bytes());
                }
            }
            Term::Fun(f) => match &f.kind {
                FunKind::Export { module, name } => {
                    out.push(EXPORT);
                    atom(&mut out, module.as_str(), minor);
                    atom(&mut out, name.as_str(), minor);
                    integer(&mut out, i64::from(f.arity));
                }
                _ => {
                    return Err(Raise::argument_error(
                        "term_to_binary of an anonymous function is not supported by otplab".to_string(),
                    ));
                }
            },
        }
    }
    Ok(out)
}

fn integer(out: &mut Vec<u8>, n: i64) {
    if (0..=255).contains(&n) {
        out.extend_from_slice(&[SMALL_INTEGER, n as u8]);
    } else if i32::try_from(n).is_ok() {
        out.push(INTEGER);
        out.extend_from_slice(&(n as i32).to_be_bytes());
    } else {
        big(out, &BigInt::from(n));
    }
}

fn big(out: &mut Vec<u8>, n: &BigInt) {
    let (sign, digits) = n.to_bytes_le();
    if digits.len() <= 255 {
        out.extend_from_slice(&[SMALL_BIG, digits.len() as u8]);
    } else {
        out.push(LARGE_BIG);
        out.extend_from_slice(&(digits.len() as u32).to_be_bytes());
    }
    out.push(u8::from(sign == Sign::Minus));
    out.extend_from_slice(&digits);
}

fn float(out: &mut Vec<u8>, f: f64, minor: u8) {
    if minor == 0 {
        // FLOAT_EXT: C's "%.20e", NUL-padded to 31 bytes.
        out.push(FLOAT);
        let text = c_exponent_text(f);
        let mut field = [0u8; 31];
        field[..text.len()].copy_from_slice(text.as_bytes());
        out.extend_from_slice(&field);
    } else {
        out.push(NEW_FLOAT);
        out.extend_from_slice(&f.to_bits().to_be_bytes());
    }
}

/// `printf("%.20e", f)`: Rust's `{:.20e}` with C's signed two-digit exponent.
fn c_exponent_text(f: f64) -> String {
    let text = format!("{f:.20e}");
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

fn atom(out: &mut Vec<u8>, name: &str, minor: u8) {
    let latin1: Option<Vec<u8>> =
        if minor < 2 { name.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect() } else { None };
    match latin1 {
        Some(bytes) => {
            out.push(ATOM);
            out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
            out.extend_from_slice(&bytes);
        }
        None if name.len() <= 255 => {
            out.extend_from_slice(&[SMALL_ATOM_UTF8, name.len() as u8]);
            out.extend_from_slice(name.as_bytes());
        }
        None => {
            out.push(ATOM_UTF8);
            out.extend_from_slice(&(name.len() as u16).to_be_bytes());
            out.extend_from_slice(name.as_bytes());
        }
    }
}

/// A list: all bytes and at most 65535 long as `STRING_EXT`, else `LIST_EXT` with
/// its elements and its tail (`[]` for a proper list).
fn list<'a>(out: &mut Vec<u8>, t: &'a Term, stack: &mut Vec<Emit<'a>>) {
    let mut items = Vec::new();
    let mut it = t.list_iter();
    for item in it.by_ref() {
        items.push(item);
    }
    let tail = it.rest();
    let all_bytes = items.iter().all(|i| matches!(i, Term::Int(0..=255)));
    if matches!(tail, Term::Nil) && all_bytes && items.len() <= 65535 {
        out.push(STRING);
        out.extend_from_slice(&(items.len() as u16).to_be_bytes());
        out.extend(items.iter().map(|i| match i {
            Term::Int(b) => *b as u8,
            _ => 0,
        }));
        return;
    }
    out.push(LIST);
    out.extend_from_slice(&(items.len() as u32).to_be_bytes());
    // Walk the cells again for borrowed elements (the iterator yields clones).
    let mut cells = Vec::with_capacity(items.len());
    let mut cur = t;
    while let Term::Cons(c) = cur {
        cells.push(&c.head);
        cur = &c.tail;
    }
    stack.push(Emit::Term(cur));
    stack.extend(cells.into_iter().rev().map(Emit::Term));
}

// ---- decoding --------------------------------------------------------------------

/// A container being filled while decoding.
enum Frame {
    Tuple { items: Vec<Term>, want: usize },
    List { items: Vec<Term>, want: usize },
    Map { items: Vec<Term>, want: usize },
}

/// Decodes one external term; the term and the bytes used, or `None` if `bytes`
/// is not a valid encoding.
pub fn decode(bytes: &[u8]) -> Option<(Term, usize)> {
    if bytes.first() != Some(&VERSION) {
        return None;
    }
    if bytes.get(1) == Some(&COMPRESSED) {
        // Zlib-compressed payloads (`term_to_binary(t, [:compressed])` on BEAM).
        return None;
    }
    let mut r = Reader { bytes, pos: 1 };
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        let mut value = match r.value(&mut stack)? {
            Some(v) => v,
            None => continue,
        };
        // Hand the finished value to its container; finish containers in turn.
        loop {
            let Some(top) = stack.last_mut() else {
                return Some((value, r.pos));
            };
            let (items, want) = match top {
                Frame::Tuple { items, want } | Frame::List { items, want } | Frame::Map { items, want } => {
                    (items, *want)
                }
            };
            items.push(value);
            if items.len() < want {
                break;
            }
            value = match stack.pop()? {
                Frame::Tuple { items, .. } => Term::tuple(items),
                Frame::List { mut items, .. } => {
                    let tail = items.pop()?;
                    items.into_iter().rev().fold(tail, |acc, x| Term::cons(x, acc))
                }
                Frame::Map { items, .. } => {
                    let mut pairs = Vec::with_capacity(items.len() / 2);
                    let mut it = items.into_iter();
                    while let (Some(k), Some(v)) = (it.next(), it.next()) {
                        pairs.push((k, v));
                    }
                    Term::map(pairs)
                }
            };
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u16(&mut self) -> Option<usize> {
        let b = self.take(2)?;
        Some(usize::from(u16::from_be_bytes([b[0], b[1]])))
    }
    fn u32(&mut self) -> Option<u32> {
        let b = self.take(4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Reads one tag: a finished value, or `None` after opening a container (its
    /// frame is pushed; an empty one is finished at once).
    fn value(&mut self, stack: &mut Vec<Frame>) -> Option<Option<Term>> {
        let tag = self.u8()?;
        let term = match tag {
            SMALL_INTEGER => Term::Int(i64::from(self.u8()?)),
            INTEGER => Term::Int(i64::from(self.u32()? as i32)),
            SMALL_BIG | LARGE_BIG => {
                let n = if tag == SMALL_BIG { usize::from(self.u8()?) } else { self.u32()? as usize };
                let sign = if self.u8()? == 0 { Sign::Plus } else { Sign::Minus };
                let n = BigInt::from_bytes_le(sign, self.take(n)?);
                Term::from_bigint(n)
            }
            NEW_FLOAT => {
                let b = self.take(8)?;
                Term::Float(f64::from_bits(u64::from_be_bytes(b.try_into().ok()?)))
            }
            FLOAT => {
                let text = std::str::from_utf8(self.take(31)?).ok()?;
                Term::Float(text.trim_end_matches('\0').parse().ok()?)
            }
            ATOM | SMALL_ATOM | ATOM_UTF8 | SMALL_ATOM_UTF8 => Term::Atom(self.atom_body(tag)?),
            NIL => Term::Nil,
            STRING => {
                let n = self.u16()?;
                Term::list(self.take(n)?.iter().map(|b| Term::Int(i64::from(*b))).collect())
            }
            BINARY => {
                let n = self.u32()? as usize;
                Term::bytes(self.take(n)?.to_vec())
            }
            BIT_BINARY => return None,
            SMALL_TUPLE | LARGE_TUPLE => {
                let n = if tag == SMALL_TUPLE { usize::from(self.u8()?) } else { self.u32()? as usize };
                if n == 0 {
                    return Some(Some(Term::tuple(Vec::new())));
                }
                stack.push(Frame::Tuple { items: Vec::with_capacity(n.min(1024)), want: n });
                return Some(None);
            }
            LIST => {
                // The elements, then the tail.
                let n = self.u32()? as usize + 1;
                stack.push(Frame::List { items: Vec::with_capacity(n.min(1024)), want: n });
                return Some(None);
            }
            MAP => {
                let n = (self.u32()? as usize).checked_mul(2)?;
                if n == 0 {
                    return Some(Some(Term::map(Vec::new())));
                }
                stack.push(Frame::Map { items: Vec::with_capacity(n.min(1024)), want: n });
                return Some(None);
            }
            NEW_PID | PID => {
                self.node()?;
                let id = self.u32()?;
                let serial = self.u32()?;
                if tag == NEW_PID { self.u32()? } else { u32::from(self.u8()?) };
                Term::Pid(Pid(u64::from(id) | (u64::from(serial) << 32)))
            }
            NEWER_REFERENCE | NEW_REFERENCE | REFERENCE => {
                let words = if tag == REFERENCE { 1 } else { self.u16()? };
                self.node()?;
                if tag == NEWER_REFERENCE { self.u32()? } else { u32::from(self.u8()?) };
                let mut ids = Vec::with_capacity(words);
                for _ in 0..words {
                    ids.push(self.u32()?);
                }
                let low = u64::from(ids.first().copied().unwrap_or(0));
                let high = u64::from(ids.get(1).copied().unwrap_or(0));
                Term::Ref(Ref(low | (high << 32)))
            }
            EXPORT => {
                let module = self.any_atom()?;
                let name = self.any_atom()?;
                let arity = match self.u8()? {
                    SMALL_INTEGER => u32::from(self.u8()?),
                    _ => return None,
                };
                Term::Fun(Arc::new(Fun { arity, kind: FunKind::Export { module, name } }))
            }
            _ => return None,
        };
        Some(Some(term))
    }

    fn atom_body(&mut self, tag: u8) -> Option<Atom> {
        let n = if matches!(tag, SMALL_ATOM | SMALL_ATOM_UTF8) { usize::from(self.u8()?) } else { self.u16()? };
        let raw = self.take(n)?;
        let text: String = if matches!(tag, ATOM | SMALL_ATOM) {
            raw.iter().map(|b| char::from(*b)).collect()
        } else {
            std::str::from_utf8(raw).ok()?.to_string()
        };
        Some(Atom::new(&text))
    }

    fn any_atom(&mut self) -> Option<Atom> {
        let tag = self.u8()?;
        matches!(tag, ATOM | SMALL_ATOM | ATOM_UTF8 | SMALL_ATOM_UTF8).then_some(())?;
        self.atom_body(tag)
    }

    /// A pid's or reference's node: only this node's name is accepted.
    fn node(&mut self) -> Option<()> {
        let node = self.any_atom()?;
        (node.as_str() == NODE).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};
    use crate::term::Term;

    /// Encodings recorded from Erlang/OTP 24's `term_to_binary/1`.
    #[test]
    fn encodes_as_erlang_does() {
        let cases: Vec<(Term, Vec<u8>)> = vec![
            (Term::Int(1), vec![131, 97, 1]),
            (Term::Int(256), vec![131, 98, 0, 0, 1, 0]),
            (Term::Int(-2147483649), vec![131, 110, 4, 1, 1, 0, 0, 128]),
            (Term::Float(1.5), vec![131, 70, 63, 248, 0, 0, 0, 0, 0, 0]),
            (Term::atom("héllo"), vec![131, 100, 0, 5, 104, 233, 108, 108, 111]),
            (Term::atom("日本"), vec![131, 119, 6, 230, 151, 165, 230, 156, 172]),
            (Term::cons(Term::Int(1), Term::Int(2)), vec![131, 108, 0, 0, 0, 1, 97, 1, 97, 2]),
            (Term::list(vec![Term::Int(1), Term::Int(2), Term::Int(3)]), vec![131, 107, 0, 3, 1, 2, 3]),
            (
                Term::map(vec![(Term::atom("a"), Term::Int(1)), (Term::atom("b"), Term::string("x"))]),
                vec![131, 116, 0, 0, 0, 2, 100, 0, 1, 97, 97, 1, 100, 0, 1, 98, 109, 0, 0, 0, 1, 120],
            ),
        ];
        for (term, want) in cases {
            assert_eq!(encode(&term, 1).expect("encodable"), want);
            let (back, used) = decode(&want).expect("decodable");
            assert!(back == term && used == want.len());
        }
    }

    /// Truncated or unknown input is refused, never a panic.
    #[test]
    fn refuses_bad_input() {
        for bad in [&[][..], &[131], &[131, 97], &[131, 104, 2, 97, 1], &[131, 108, 255, 255, 255, 255], &[130, 97, 1]] {
            assert!(decode(bad).is_none(), "{bad:?}");
        }
    }
}
