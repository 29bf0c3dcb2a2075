//! `Base`: base64 (standard and URL alphabets) and base16, and `:crypto.strong_rand_bytes/1`
//! whose bytes are usually printed through them.

use super::argument::{function_clause, index, ok};
use crate::term::Term;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};

const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64 of `bytes` with `=` padding.
pub fn encode64(bytes: &[u8], alphabet: &[u8; 64]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(alphabet[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes padded base64; `None` for anything malformed.
pub fn decode64(text: &[u8], alphabet: &[u8; 64]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for (ci, chunk) in text.chunks(4).enumerate() {
        let last = ci == text.len() / 4 - 1;
        let pad = chunk.iter().rev().take_while(|c| **c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for c in &chunk[..4 - pad] {
            n = (n << 6) | alphabet.iter().position(|a| a == c)? as u32;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

fn bytes_arg<'t>(t: &'t Term, name: &str, arity: u32) -> Result<&'t [u8], Control> {
    t.as_bytes()
        .ok_or_else(|| function_clause("Base", name, arity))
}
fn lower_case(opts: Option<&Term>) -> bool {
    opts.is_some_and(|o| {
        o.list_iter().any(|kv| matches!(kv, Term::Tuple(p) if p.len() == 2 && p[0].is_atom_named("case") && p[1].is_atom_named("lower")))
    })
}

fn encode64_native(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    Ok(Term::string(encode64(
        bytes_arg(&a[0], "encode64", 2)?,
        STD,
    )))
}
fn url_encode64(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    Ok(Term::string(encode64(
        bytes_arg(&a[0], "url_encode64", 2)?,
        URL,
    )))
}
fn decode64_native(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    Ok(match decode64(bytes_arg(&a[0], "decode64", 2)?, STD) {
        Some(b) => ok(Term::bytes(b)),
        None => Term::atom("error"),
    })
}
fn decode64_bang(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    decode64(bytes_arg(&a[0], "decode64!", 2)?, STD)
        .map(Term::bytes)
        .ok_or_else(|| {
            Control::Raise(Raise::argument_error(
                "non-alphabet character found in base64 data",
            ))
        })
}
fn encode16(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let bytes = bytes_arg(&a[0], "encode16", 2)?;
    let text: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    Ok(Term::string(if lower_case(a.get(1)) {
        text.to_lowercase()
    } else {
        text
    }))
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
    let m = "Elixir.Base";
    for arity in [1, 2] {
        reg.add(m, "encode64", arity, encode64_native);
        reg.add(m, "url_encode64", arity, url_encode64);
        reg.add(m, "decode64", arity, decode64_native);
        reg.add(m, "decode64!", arity, decode64_bang);
        reg.add(m, "encode16", arity, encode16);
    }
    reg.add("crypto", "strong_rand_bytes", 1, strong_rand_bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_like_elixir() {
        // Base.encode64(<<1, 2, 3, 250>>) => "AQID+g=="; Base.url_encode64(<<250, 251>>) => "-vs="
        assert_eq!(encode64(&[1, 2, 3, 250], STD), "AQID+g==");
        assert_eq!(encode64(&[250, 251], URL), "-vs=");
        assert_eq!(decode64(b"AQID+g==", STD), Some(vec![1, 2, 3, 250]));
        // Base.decode64("x") => :error
        assert_eq!(decode64(b"x", STD), None);
        assert_eq!(encode64(b"", STD), "");
    }

    #[test]
    fn random_bytes_have_the_requested_length() {
        let (r, _) =
            crate::stdlib::test_bench::run("crypto", "strong_rand_bytes", vec![Term::Int(16)]);
        assert!(matches!(r, Ok(Term::Binary(ref b)) if b.len() == 16));
    }
}
