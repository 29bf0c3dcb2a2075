//! `Base`: base16, base32 (standard and extended-hex alphabets) and base64 (standard
//! and URL alphabets) with Elixir's options (`case:`, `padding:`, `ignore: :whitespace`),
//! and `:crypto.strong_rand_bytes/1` whose bytes are usually printed through them.
//!
//! One engine serves every alphabet: an encoding is its alphabet of `2^bits` symbols;
//! encoding packs bits big-endian into symbols and pads to a whole group; decoding is
//! the inverse (like Elixir's, it ignores stray low bits in a group's last symbol).

use super::argument::{function_clause, index, ok};
use crate::term::Term;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B32HEX: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUV";
const B16: &[u8] = b"0123456789ABCDEF";

/// The letter case a base16/base32 text is written (or read) in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LetterCase {
    /// `case: :upper` (the default).
    Upper,
    /// `case: :lower`.
    Lower,
    /// `case: :mixed` (decoding only).
    Mixed,
}

/// One of Base's encodings: an alphabet whose length is a power of two.
struct Encoding {
    alphabet: &'static [u8],
    /// Bits per symbol: 4, 5 or 6.
    bits: u32,
}

impl Encoding {
    /// Symbols per padded group: 2 for base16, 8 for base32, 4 for base64.
    fn group(&self) -> usize {
        match self.bits {
            4 => 2,
            5 => 8,
            _ => 4,
        }
    }
}

/// Why a text did not decode, with the messages of Elixir 1.14's `Base`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// A byte outside the alphabet (in the requested case).
    NonAlphabet(u8),
    /// Missing, misplaced or excess `=`.
    IncorrectPadding,
    /// base16 input of odd length.
    OddLength(usize),
}

impl DecodeError {
    fn message(&self) -> String {
        match self {
            DecodeError::NonAlphabet(b) => {
                let shown = crate::term::inspect::inspect(&Term::bytes(vec![*b]));
                format!("non-alphabet character found: {shown} (byte {b})")
            }
            DecodeError::IncorrectPadding => "incorrect padding".to_string(),
            DecodeError::OddLength(n) => format!(
                "string given to decode has wrong length. An even number of bytes was expected, got: {n}. Double check your string for unwanted characters or pad it accordingly"
            ),
        }
    }
}

fn encode(bytes: &[u8], enc: &Encoding, case: LetterCase, padding: bool) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    let (mut acc, mut nbits) = (0u32, 0u32);
    let mask = (1u32 << enc.bits) - 1;
    let symbol = |v: u32| {
        let c = enc.alphabet[v as usize] as char;
        if case == LetterCase::Lower { c.to_ascii_lowercase() } else { c }
    };
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        nbits += 8;
        while nbits >= enc.bits {
            nbits -= enc.bits;
            out.push(symbol((acc >> nbits) & mask));
        }
        acc &= (1 << nbits) - 1;
    }
    if nbits > 0 {
        out.push(symbol((acc << (enc.bits - nbits)) & mask));
    }
    if padding {
        while !out.len().is_multiple_of(enc.group()) {
            out.push('=');
        }
    }
    out
}

fn decode(text: &[u8], enc: &Encoding, case: LetterCase, padding: bool) -> Result<Vec<u8>, DecodeError> {
    if enc.bits == 4 && !text.len().is_multiple_of(2) {
        return Err(DecodeError::OddLength(text.len()));
    }
    let body_len = text.iter().rposition(|c| *c != b'=').map_or(0, |i| i + 1);
    let (body, pads) = text.split_at(body_len);
    if enc.bits != 4 {
        let group = enc.group();
        if padding && !text.len().is_multiple_of(group) {
            return Err(DecodeError::IncorrectPadding);
        }
        // A group's last symbols: padded groups of base64 have 2 or 3 symbols, of base32
        // 2, 4, 5 or 7; anything else (or more `=` than the group needs) is bad padding.
        let rem = body.len() % group;
        let valid_rem = match enc.bits {
            6 => matches!(rem, 0 | 2 | 3),
            _ => matches!(rem, 0 | 2 | 4 | 5 | 7),
        };
        let pads_ok = pads.is_empty() || (rem != 0 && (body.len() + pads.len()).is_multiple_of(group));
        if !valid_rem || !pads_ok {
            return Err(DecodeError::IncorrectPadding);
        }
    }
    let mut out = Vec::with_capacity(body.len() * enc.bits as usize / 8);
    let (mut acc, mut nbits) = (0u32, 0u32);
    for &c in body {
        let c_norm = match case {
            LetterCase::Upper => c,
            LetterCase::Lower if c.is_ascii_uppercase() => return Err(DecodeError::NonAlphabet(c)),
            LetterCase::Lower | LetterCase::Mixed => c.to_ascii_uppercase(),
        };
        let lookup = if enc.bits == 6 { c } else { c_norm };
        let v = enc
            .alphabet
            .iter()
            .position(|a| *a == lookup)
            .ok_or(DecodeError::NonAlphabet(c))?;
        acc = (acc << enc.bits) | v as u32;
        nbits += enc.bits;
        if nbits >= 8 {
            nbits -= 8;
            out.push((acc >> nbits) as u8);
            acc &= (1 << nbits) - 1;
        }
    }
    Ok(out)
}

/// Options of a Base call: `case:`, `padding:`, `ignore:`.
struct Options {
    case: LetterCase,
    padding: bool,
    ignore_whitespace: bool,
}

fn options(opts: Option<&Term>, name: &str, arity: u32) -> Result<Options, Control> {
    let mut o = Options { case: LetterCase::Upper, padding: true, ignore_whitespace: false };
    let Some(list) = opts else { return Ok(o) };
    if !list.is_list() {
        return Err(function_clause("Base", name, arity));
    }
    for kv in list.list_iter() {
        let Term::Tuple(p) = kv else { return Err(function_clause("Base", name, arity)) };
        if p.len() != 2 {
            continue;
        }
        if p[0].is_atom_named("case") {
            o.case = if p[1].is_atom_named("lower") {
                LetterCase::Lower
            } else if p[1].is_atom_named("mixed") {
                LetterCase::Mixed
            } else {
                LetterCase::Upper
            };
        } else if p[0].is_atom_named("padding") {
            o.padding = p[1].is_truthy();
        } else if p[0].is_atom_named("ignore") {
            o.ignore_whitespace = p[1].is_atom_named("whitespace");
        }
    }
    Ok(o)
}

fn bytes_arg<'t>(t: &'t Term, name: &str, arity: u32) -> Result<&'t [u8], Control> {
    t.as_bytes().ok_or_else(|| function_clause("Base", name, arity))
}

/// The encoding a Base function name refers to.
fn encoding_of(name: &str) -> Encoding {
    if name.contains("hex_") {
        Encoding { alphabet: B32HEX, bits: 5 }
    } else if name.contains("url_") {
        Encoding { alphabet: B64URL, bits: 6 }
    } else if name.contains("16") {
        Encoding { alphabet: B16, bits: 4 }
    } else if name.contains("32") {
        Encoding { alphabet: B32, bits: 5 }
    } else {
        Encoding { alphabet: B64, bits: 6 }
    }
}

/// Base64 of `bytes` with `=` padding (for other natives that print bytes).
pub fn encode64(bytes: &[u8]) -> String {
    encode(bytes, &Encoding { alphabet: B64, bits: 6 }, LetterCase::Upper, true)
}

fn run_encode(name: &str, a: &[Term]) -> NativeResult {
    let arity = a.len() as u32;
    let bytes = bytes_arg(&a[0], name, arity)?;
    let o = options(a.get(1), name, arity)?;
    Ok(Term::string(encode(bytes, &encoding_of(name), o.case, o.padding)))
}

fn run_decode(name: &str, a: &[Term]) -> Result<Vec<u8>, Result<DecodeError, Control>> {
    let arity = a.len() as u32;
    let bytes = bytes_arg(&a[0], name, arity).map_err(Err)?;
    let o = options(a.get(1), name, arity).map_err(Err)?;
    let enc = encoding_of(name);
    // base64 is case-sensitive; its `case:` option does not exist.
    let case = if enc.bits == 6 { LetterCase::Upper } else { o.case };
    let cleaned;
    let text = if o.ignore_whitespace {
        cleaned = bytes.iter().copied().filter(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c)).collect::<Vec<u8>>();
        &cleaned[..]
    } else {
        bytes
    };
    decode(text, &enc, case, o.padding).map_err(Ok)
}

macro_rules! base_natives {
    ($($enc:ident $dec:ident $dec_bang:ident => $ename:literal $dname:literal $dbname:literal;)*) => {
        $(
            fn $enc(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
                run_encode($ename, a)
            }
            fn $dec(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
                match run_decode($dname, a) {
                    Ok(bytes) => Ok(ok(Term::bytes(bytes))),
                    Err(Ok(_)) => Ok(Term::atom("error")),
                    Err(Err(c)) => Err(c),
                }
            }
            fn $dec_bang(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
                match run_decode($dbname, a) {
                    Ok(bytes) => Ok(Term::bytes(bytes)),
                    Err(Ok(e)) => Err(Control::Raise(Raise::argument_error(e.message()))),
                    Err(Err(c)) => Err(c),
                }
            }
        )*
        fn register_codecs(reg: &mut NativeRegistry) {
            for arity in [1, 2] {
                $(
                    reg.add("Elixir.Base", $ename, arity, $enc);
                    reg.add("Elixir.Base", $dname, arity, $dec);
                    reg.add("Elixir.Base", $dbname, arity, $dec_bang);
                )*
            }
        }
    };
}

base_natives! {
    encode16 decode16 decode16_bang => "encode16" "decode16" "decode16!";
    encode32 decode32 decode32_bang => "encode32" "decode32" "decode32!";
    hex_encode32 hex_decode32 hex_decode32_bang => "hex_encode32" "hex_decode32" "hex_decode32!";
    encode64_native decode64_native decode64_bang => "encode64" "decode64" "decode64!";
    url_encode64 url_decode64 url_decode64_bang => "url_encode64" "url_decode64" "url_decode64!";
}

/// `:crypto.strong_rand_bytes(n)`, from the OS's random source.
fn strong_rand_bytes(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    use std::io::Read;
    let n = index(&a[0])
        .filter(|n| *n <= 1 << 20)
        .ok_or_else(super::argument::badarg)?;
    let mut buf = vec![0u8; n];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .map_err(|_| Control::Raise(Raise::error(Term::atom("low_entropy"))))?;
    Ok(Term::bytes(buf))
}

/// Registers `Base` and `:crypto.strong_rand_bytes/1`.
pub fn register(reg: &mut NativeRegistry) {
    register_codecs(reg);
    reg.add("crypto", "strong_rand_bytes", 1, strong_rand_bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    const U: LetterCase = LetterCase::Upper;

    fn enc(name: &str) -> Encoding {
        encoding_of(name)
    }

    #[test]
    fn base64_round_trips_like_elixir() {
        // Base.encode64(<<1, 2, 3, 250>>) => "AQID+g=="; Base.url_encode64(<<250, 251>>) => "-vs="
        assert_eq!(encode64(&[1, 2, 3, 250]), "AQID+g==");
        assert_eq!(encode(&[250, 251], &enc("url_encode64"), U, true), "-vs=");
        assert_eq!(decode(b"AQID+g==", &enc("decode64"), U, true), Ok(vec![1, 2, 3, 250]));
        // Base.decode64("x") => :error; Base.decode64("Zm9vYg") => :error (padding required)
        assert!(decode(b"x", &enc("decode64"), U, true).is_err());
        assert_eq!(decode(b"Zm9vYg", &enc("decode64"), U, true), Err(DecodeError::IncorrectPadding));
        // Base.decode64("Zm9vYg", padding: false) => {:ok, "foob"}, also with the padding present
        assert_eq!(decode(b"Zm9vYg", &enc("decode64"), U, false), Ok(b"foob".to_vec()));
        assert_eq!(decode(b"Zm9vYg==", &enc("decode64"), U, false), Ok(b"foob".to_vec()));
        assert_eq!(decode(b"Zm9vYg=", &enc("decode64"), U, true), Err(DecodeError::IncorrectPadding));
        assert_eq!(encode64(b""), "");
    }

    #[test]
    fn base32_and_base16_follow_elixir() {
        // Base.encode32("foobar") => "MZXW6YTBOI======"; hex_encode32 => "CPNMUOJ1E8======"
        assert_eq!(encode(b"foobar", &enc("encode32"), U, true), "MZXW6YTBOI======");
        assert_eq!(encode(b"foobar", &enc("hex_encode32"), LetterCase::Lower, false), "cpnmuoj1e8");
        assert_eq!(decode(b"mzXW6ytBOi======", &enc("decode32"), LetterCase::Mixed, true), Ok(b"foobar".to_vec()));
        assert_eq!(decode(b"MZXW6YTBOI", &enc("decode32"), U, true), Err(DecodeError::IncorrectPadding));
        assert_eq!(encode(b"foobar", &enc("encode16"), LetterCase::Lower, true), "666f6f626172");
        // Base.decode16("666f") => :error (upper case expected); "666" has odd length
        assert_eq!(decode(b"666f", &enc("decode16"), U, true), Err(DecodeError::NonAlphabet(b'f')));
        assert_eq!(decode(b"666", &enc("decode16"), U, true), Err(DecodeError::OddLength(3)));
        assert_eq!(
            DecodeError::NonAlphabet(b'g').message(),
            "non-alphabet character found: \"g\" (byte 103)"
        );
    }

    #[test]
    fn random_bytes_have_the_requested_length() {
        let (r, _) =
            crate::stdlib::test_bench::run("crypto", "strong_rand_bytes", vec![Term::Int(16)]);
        assert!(matches!(r, Ok(Term::Binary(ref b)) if b.len() == 16));
    }
}
