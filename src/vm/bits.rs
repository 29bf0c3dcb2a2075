//! Bitstring segments: matching `<<a::16-little, rest::binary>>` and building
//! `<<x::signed-32, f::float, s::binary-size(4)>>`, with Elixir's types (integer,
//! float, binary/bytes, bits/bitstring, utf8/16/32), sizes and units, signedness and
//! endianness.
//!
//! Invariant: otplab binaries are whole bytes ([`Term::Binary`]). Segments may have
//! any bit width (`<<a::4, b::4>>`), but a built value, a matched subject and every
//! binary-typed part must come to a multiple of 8 bits; building anything else raises
//! an ArgumentError that says so.

use super::code::Reg;
use super::raise::Raise;
use crate::term::{Bin, Term};
use std::sync::Arc;
use num_bigint::{BigInt, Sign};

/// A segment's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BitType {
    /// `integer` (the default).
    Integer,
    /// `float` (16, 32 or 64 bits).
    Float,
    /// `binary`/`bytes` (unit 8) or `bits`/`bitstring` (unit 1).
    Binary,
    /// `utf8`.
    Utf8,
    /// `utf16`.
    Utf16,
    /// `utf32`.
    Utf32,
}

/// How many bits a segment has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BitSize {
    /// The type's default (8 for integers, 64 for floats, everything left for a
    /// binary, the code point's encoding for utf).
    Default,
    /// A literal `size(n)`.
    Const(u32),
    /// `size(var)`: the register holding it (bound earlier, or earlier in the pattern).
    Reg(Reg),
}

impl BitSpec {
    /// An unsigned whole byte: `c` or `c::8` in `<<c, ...>>`.
    pub fn is_unsigned_byte(&self) -> bool {
        self.ty == BitType::Integer && !self.signed && matches!((self.size, self.unit), (BitSize::Default, 1) | (BitSize::Const(8), 1) | (BitSize::Const(1), 8))
    }

    /// Whatever bytes are left: `rest::binary` (unit 8, no size).
    pub fn is_rest_of_bytes(&self) -> bool {
        self.ty == BitType::Binary && self.size == BitSize::Default && self.unit == 8
    }
}

/// Everything after `::` in one segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BitSpec {
    /// The type.
    pub ty: BitType,
    /// The size, in units.
    pub size: BitSize,
    /// Bits per size unit (1 for integers and floats, 8 for binaries unless given).
    pub unit: u32,
    /// `signed` (integers only).
    pub signed: bool,
    /// `little` (`native` is little on every machine otplab runs on).
    pub little: bool,
}

/// One segment of a bitstring pattern.
#[derive(Debug, Clone)]
pub enum BitSeg {
    /// A value bound to `dst`.
    Value {
        /// The register that receives it.
        dst: Reg,
        /// Its type, size and layout.
        spec: BitSpec,
    },
    /// Exactly these bytes (a literal string segment).
    Bytes(Vec<u8>),
}

/// Matches the bytes of `bin` against `segs`: the registers to bind, or `None` when
/// it does not match. `read` gives the value of a register bound before the pattern.
/// A byte-aligned binary segment (`rest::binary`) is a part of `bin` that shares
/// its bytes ([`Bin::part`]): walking a binary a byte at a time copies nothing.
pub fn match_bits(bin: &Arc<Bin>, segs: &[BitSeg], read: &dyn Fn(Reg) -> Term) -> Option<Vec<(Reg, Term)>> {
    let bytes: &[u8] = bin;
    let total = bytes.len() * 8;
    let mut pos = 0usize;
    let mut out: Vec<(Reg, Term)> = Vec::new();
    for (i, seg) in segs.iter().enumerate() {
        let (dst, spec) = match seg {
            BitSeg::Bytes(lit) => {
                let got = read_bytes(bytes, pos, lit.len() * 8)?;
                if &got != lit {
                    return None;
                }
                pos += lit.len() * 8;
                continue;
            }
            BitSeg::Value { dst, spec } => (*dst, spec),
        };
        let size = match spec.size {
            BitSize::Default => None,
            BitSize::Const(n) => Some(n as usize),
            BitSize::Reg(r) => {
                let v = out.iter().rev().find(|(d, _)| *d == r).map(|(_, v)| v.clone()).unwrap_or_else(|| read(r));
                match v {
                    Term::Int(n) if n >= 0 => Some(n as usize),
                    _ => return None,
                }
            }
        };
        let unit = spec.unit as usize;
        let value = match spec.ty {
            BitType::Integer => {
                let n = size.unwrap_or(8) * unit;
                if pos + n > total {
                    return None;
                }
                let v = read_int(bytes, pos, n, spec.signed, spec.little);
                pos += n;
                v
            }
            BitType::Float => {
                let n = size.unwrap_or(64) * unit;
                if pos + n > total {
                    return None;
                }
                let raw = read_bytes(bytes, pos, n)?;
                pos += n;
                decode_float(raw, spec.little)?
            }
            BitType::Binary => {
                let n = match size {
                    Some(s) => s * unit,
                    // Without a size, a binary takes what is left: only the last one can.
                    None if i + 1 == segs.len() => total - pos,
                    None => return None,
                };
                if pos + n > total || n % 8 != 0 {
                    return None;
                }
                let v = if pos.is_multiple_of(8) {
                    Term::Binary(Bin::part(bin, pos / 8, n / 8))
                } else {
                    Term::bytes(read_bytes(bytes, pos, n)?)
                };
                pos += n;
                v
            }
            BitType::Utf8 => {
                let rest = read_bytes(bytes, pos, (total - pos) / 8 * 8)?;
                let s = match std::str::from_utf8(&rest) {
                    Ok(s) => s,
                    Err(e) => std::str::from_utf8(&rest[..e.valid_up_to()]).ok()?,
                };
                let c = s.chars().next()?;
                pos += c.len_utf8() * 8;
                Term::Int(c as i64)
            }
            BitType::Utf16 => {
                let unit16 = |p: usize| -> Option<u32> {
                    if p + 16 > total {
                        return None;
                    }
                    match read_int(bytes, p, 16, false, spec.little) {
                        Term::Int(v) => Some(v as u32),
                        _ => None,
                    }
                };
                let first = unit16(pos)?;
                if (0xD800..0xDC00).contains(&first) {
                    let second = unit16(pos + 16)?;
                    if !(0xDC00..0xE000).contains(&second) {
                        return None;
                    }
                    pos += 32;
                    Term::Int(i64::from(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)))
                } else {
                    pos += 16;
                    Term::Int(i64::from(first))
                }
            }
            BitType::Utf32 => {
                if pos + 32 > total {
                    return None;
                }
                let v = read_int(bytes, pos, 32, false, spec.little);
                if !matches!(v, Term::Int(c) if char::from_u32(c as u32).is_some()) {
                    return None;
                }
                pos += 32;
                v
            }
        };
        out.push((dst, value));
    }
    (pos == total).then_some(out)
}

/// Builds the binary of `<<...>>` from (value, size, spec) per segment (`size` is the
/// value of a `size(expr)`, `None` for the default).
pub fn build_bits(segs: &[(Term, Option<Term>, BitSpec)]) -> Result<Term, Raise> {
    let mut w = BitWriter::default();
    for (value, size, spec) in segs {
        let size = match size {
            None => None,
            Some(Term::Int(n)) if *n >= 0 => Some(*n as usize),
            Some(other) => return Err(Raise::argument_error(format!("bad size {} in a bitstring segment", crate::term::inspect::inspect(other)))),
        };
        let unit = spec.unit as usize;
        match spec.ty {
            BitType::Integer => {
                let n = size.unwrap_or(8) * unit;
                let v = match value {
                    Term::Int(i) => BigInt::from(*i),
                    Term::BigInt(b) => (**b).clone(),
                    _ => return Err(bad_segment("an integer", value)),
                };
                w.push_int(&v, n, spec.little);
            }
            BitType::Float => {
                let f = match value {
                    Term::Float(f) => *f,
                    Term::Int(i) => *i as f64,
                    _ => return Err(bad_segment("a float", value)),
                };
                let n = size.unwrap_or(64) * unit;
                let mut bytes = match n {
                    64 => f.to_be_bytes().to_vec(),
                    32 => (f as f32).to_be_bytes().to_vec(),
                    _ => return Err(Raise::argument_error(format!("float segments of {n} bits are not supported by otplab"))),
                };
                if spec.little {
                    bytes.reverse();
                }
                w.push_bytes(&bytes);
            }
            BitType::Binary => {
                let Term::Binary(b) = value else { return Err(bad_segment("a binary", value)) };
                match size {
                    None => w.push_bytes(b),
                    Some(s) => {
                        let n = s * unit;
                        if n > b.len() * 8 || !n.is_multiple_of(8) {
                            return Err(bad_segment(&format!("a binary of at least {n} bits"), value));
                        }
                        w.push_bytes(&b[..n / 8]);
                    }
                }
            }
            BitType::Utf8 | BitType::Utf16 | BitType::Utf32 => {
                let c = match value {
                    Term::Int(i) => u32::try_from(*i).ok().and_then(char::from_u32),
                    _ => None,
                };
                let Some(c) = c else { return Err(bad_segment("a Unicode code point", value)) };
                match spec.ty {
                    BitType::Utf8 => w.push_bytes(c.to_string().as_bytes()),
                    BitType::Utf16 => {
                        let mut units = [0u16; 2];
                        for u in c.encode_utf16(&mut units) {
                            w.push_int(&BigInt::from(*u), 16, spec.little);
                        }
                    }
                    _ => w.push_int(&BigInt::from(c as u32), 32, spec.little),
                }
            }
        }
    }
    w.finish()
}

fn bad_segment(what: &str, value: &Term) -> Raise {
    Raise::argument_error(format!(
        "construction of binary failed: segment expected {what}, got: {}",
        crate::term::inspect::inspect(value)
    ))
}

/// `n` bits from bit `pos` as bytes (`n` a multiple of 8), or `None` past the end.
fn read_bytes(bytes: &[u8], pos: usize, n: usize) -> Option<Vec<u8>> {
    if pos + n > bytes.len() * 8 {
        return None;
    }
    if pos.is_multiple_of(8) {
        return Some(bytes[pos / 8..(pos + n) / 8].to_vec());
    }
    Some((0..n / 8).map(|i| read_uint_small(bytes, pos + i * 8, 8) as u8).collect())
}

/// Up to 64 bits from bit `pos`, big-endian.
fn read_uint_small(bytes: &[u8], pos: usize, n: usize) -> u64 {
    let mut v = 0u64;
    for i in 0..n {
        let bit = pos + i;
        let b = (bytes[bit / 8] >> (7 - bit % 8)) & 1;
        v = (v << 1) | u64::from(b);
    }
    v
}

/// An `n`-bit integer from bit `pos`.
fn read_int(bytes: &[u8], pos: usize, n: usize, signed: bool, little: bool) -> Term {
    let mut raw: Vec<u8> = Vec::with_capacity(n.div_ceil(8));
    // Big-endian bytes of the field, the first one holding the leading `n % 8` bits.
    let lead = n % 8;
    let mut p = pos;
    if lead != 0 {
        raw.push(read_uint_small(bytes, p, lead) as u8);
        p += lead;
    }
    while p < pos + n {
        raw.push(read_uint_small(bytes, p, 8) as u8);
        p += 8;
    }
    if little && lead == 0 {
        raw.reverse();
    }
    let mut v = BigInt::from_bytes_be(Sign::Plus, &raw);
    if signed && n > 0 && v.bit(n as u64 - 1) {
        v -= BigInt::from(1) << n;
    }
    Term::from_bigint(v)
}

fn decode_float(mut raw: Vec<u8>, little: bool) -> Option<Term> {
    if little {
        raw.reverse();
    }
    let f = match raw.len() {
        8 => f64::from_be_bytes(raw.try_into().ok()?),
        4 => f64::from(f32::from_be_bytes(raw.try_into().ok()?)),
        _ => return None,
    };
    // NaN and infinities do not match a float segment on BEAM.
    f.is_finite().then_some(Term::Float(f))
}

/// Bits appended one field at a time.
#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    /// Bits used in the last byte (0 = all 8 / no partial byte).
    partial: usize,
}

impl BitWriter {
    fn push_bit(&mut self, bit: bool) {
        if self.partial == 0 {
            self.bytes.push(0);
        }
        if bit {
            let last = self.bytes.len() - 1;
            self.bytes[last] |= 0x80 >> self.partial;
        }
        self.partial = (self.partial + 1) % 8;
    }

    fn push_bytes(&mut self, b: &[u8]) {
        if self.partial == 0 {
            self.bytes.extend_from_slice(b);
        } else {
            for byte in b {
                for i in 0..8 {
                    self.push_bit(byte & (0x80 >> i) != 0);
                }
            }
        }
    }

    /// The low `n` bits of `v` (two's complement for negatives), big- or little-endian.
    fn push_int(&mut self, v: &BigInt, n: usize, little: bool) {
        let modulus = BigInt::from(1) << n;
        let mut u = v % &modulus;
        if u.sign() == Sign::Minus {
            u += &modulus;
        }
        let (_, mut be) = u.to_bytes_be();
        let width = n.div_ceil(8);
        if be.len() < width {
            let mut padded = vec![0u8; width - be.len()];
            padded.extend_from_slice(&be);
            be = padded;
        }
        if little && n.is_multiple_of(8) {
            be.reverse();
            self.push_bytes(&be);
            return;
        }
        // The field's bits are the last `n` of the big-endian bytes.
        let skip = width * 8 - n;
        for i in skip..width * 8 {
            self.push_bit(be[i / 8] & (0x80 >> (i % 8)) != 0);
        }
    }

    fn finish(self) -> Result<Term, Raise> {
        if self.partial != 0 {
            return Err(Raise::argument_error(
                "bitstrings whose size is not a multiple of 8 bits are not supported by otplab",
            ));
        }
        Ok(Term::bytes(self.bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(ty: BitType, size: BitSize) -> BitSpec {
        BitSpec { ty, size, unit: if ty == BitType::Binary { 8 } else { 1 }, signed: false, little: false }
    }

    #[test]
    fn integers_of_any_width_round_trip() {
        let segs = vec![
            (Term::Int(1), Some(Term::Int(4)), spec(BitType::Integer, BitSize::Const(4))),
            (Term::Int(2), Some(Term::Int(4)), spec(BitType::Integer, BitSize::Const(4))),
            (Term::Int(-2), Some(Term::Int(16)), BitSpec { signed: true, little: true, ..spec(BitType::Integer, BitSize::Const(16)) }),
        ];
        // <<1::4, 2::4, -2::signed-little-16>> == <<18, 254, 255>>
        let built = build_bits(&segs).expect("builds");
        assert_eq!(built, Term::bytes(vec![0x12, 0xFE, 0xFF]));
        let pattern = vec![
            BitSeg::Value { dst: 0, spec: spec(BitType::Integer, BitSize::Const(4)) },
            BitSeg::Value { dst: 1, spec: spec(BitType::Integer, BitSize::Const(4)) },
            BitSeg::Value { dst: 2, spec: BitSpec { signed: true, little: true, ..spec(BitType::Integer, BitSize::Const(16)) } },
        ];
        let got = match_bits(&Arc::new(Bin::from(vec![0x12, 0xFE, 0xFF])), &pattern, &|_| Term::nil()).expect("matches");
        assert_eq!(got, vec![(0, Term::Int(1)), (1, Term::Int(2)), (2, Term::Int(-2))]);
    }

    #[test]
    fn a_size_bound_earlier_in_the_pattern_sizes_a_binary() {
        // <<n::8, data::binary-size(n), rest::binary>> = <<2, "abc">>
        let pattern = vec![
            BitSeg::Value { dst: 0, spec: spec(BitType::Integer, BitSize::Default) },
            BitSeg::Value { dst: 1, spec: spec(BitType::Binary, BitSize::Reg(0)) },
            BitSeg::Value { dst: 2, spec: spec(BitType::Binary, BitSize::Default) },
        ];
        let got = match_bits(&Arc::new(Bin::from(vec![2, b'a', b'b', b'c'])), &pattern, &|_| Term::nil()).expect("matches");
        assert_eq!(got[1], (1, Term::string("ab")));
        assert_eq!(got[2], (2, Term::string("c")));
    }

    #[test]
    fn a_partial_byte_is_refused_with_an_argument_error() {
        let segs = vec![(Term::Int(1), Some(Term::Int(3)), spec(BitType::Integer, BitSize::Const(3)))];
        assert!(build_bits(&segs).is_err());
    }
}
