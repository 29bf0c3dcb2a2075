//! Quoting text the way Elixir 1.14 prints it between `"..."` or `'...'`
//! (`Code.Identifier.escape/3`), and the printability checks that decide whether a
//! binary is shown as a string (`String.printable?/2`) and a list as a charlist
//! (`List.ascii_printable?/2`).

/// Escapes `bytes` for display between `delimiter` quotes, stopping after `limit`
/// characters. Returns the escaped text and whether input was left over.
///
/// Invariants mirrored from Elixir: the delimiter and `\` are backslashed, `#{` is
/// written `\#{` (it counts as one character), control characters use their short
/// escapes (`\n`, `\t`, `\e`...), other unprintable code points use `\xHH` or
/// `\x{HHHH}`, U+FEFF is `\uFEFF`, and bytes that are not UTF-8 are `\xHH`.
pub fn escape(bytes: &[u8], delimiter: u8, limit: usize) -> (String, bool) {
    let mut out = String::with_capacity(bytes.len() + 2);
    let mut rest = bytes;
    let mut count = 0usize;
    while !rest.is_empty() {
        if count == limit {
            return (out, true);
        }
        count += 1;
        let first = rest[0];
        if first == delimiter {
            out.push('\\');
            out.push(first as char);
            rest = &rest[1..];
            continue;
        }
        if rest.starts_with(b"#{") {
            out.push_str("\\#{");
            rest = &rest[2..];
            continue;
        }
        match decode_char(rest) {
            Some((c, width)) => {
                push_escaped_char(&mut out, c);
                rest = &rest[width..];
            }
            None => {
                out.push_str(&format!("\\x{first:02X}"));
                rest = &rest[1..];
            }
        }
    }
    (out, false)
}

/// Decodes one UTF-8 character at the start of `bytes`.
fn decode_char(bytes: &[u8]) -> Option<(char, usize)> {
    let width = match bytes[0] {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => return None,
    };
    let chunk = bytes.get(..width)?;
    let s = std::str::from_utf8(chunk).ok()?;
    s.chars().next().map(|c| (c, width))
}

fn push_escaped_char(out: &mut String, c: char) {
    let short = match c {
        '\u{7}' => "\\a",
        '\u{8}' => "\\b",
        '\u{7F}' => "\\d",
        '\u{1B}' => "\\e",
        '\u{C}' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        '\u{B}' => "\\v",
        '\\' => "\\\\",
        '\0' => "\\0",
        '\u{FEFF}' => "\\uFEFF",
        _ => "",
    };
    if !short.is_empty() {
        out.push_str(short);
    } else if is_printable_char(c as u32) {
        out.push(c);
    } else if (c as u32) < 0x100 {
        out.push_str(&format!("\\x{:02X}", c as u32));
    } else if (c as u32) < 0x10000 {
        out.push_str(&format!("\\x{{{:04X}}}", c as u32));
    } else {
        out.push_str(&format!("\\x{{{:06X}}}", c as u32));
    }
}

/// The code points `String.printable?/2` accepts besides the control escapes.
fn is_printable_char(c: u32) -> bool {
    matches!(c, 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// `String.printable?(bytes, limit)`: valid UTF-8 whose first `limit` characters are
/// printable or one of `\n \r \t \v \b \f \e \d \a` (the rest is not examined).
pub fn is_printable_string(bytes: &[u8], limit: usize) -> bool {
    let mut rest = bytes;
    let mut count = 0usize;
    while !rest.is_empty() {
        if count == limit {
            return true;
        }
        count += 1;
        match decode_char(rest) {
            Some((c, width)) => {
                let code = c as u32;
                if !(is_printable_char(code) || matches!(code, 0x07..=0x0D | 0x1B | 0x7F)) {
                    return false;
                }
                rest = &rest[width..];
            }
            None => return false,
        }
    }
    true
}

/// The characters `List.ascii_printable?/2` accepts: printable ASCII and the
/// control characters `\n \r \t \v \b \f \e \a` (not DEL).
pub fn is_ascii_printable(code: i64) -> bool {
    matches!(code, 32..=126 | 0x07..=0x0D | 0x1B)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_elixir() {
        let input = "a\n\t\"\\#{x}\u{7}\u{8}\u{7F}\u{1B}\u{C}\r\u{B}\u{FEFF}é";
        let (escaped, more) = escape(input.as_bytes(), b'"', usize::MAX);
        assert_eq!(escaped, r#"a\n\t\"\\\#{x}\a\b\d\e\f\r\v\uFEFFé"#);
        assert!(!more);
    }

    #[test]
    fn single_quote_delimiter_leaves_double_quotes() {
        let (escaped, _) = escape(b"it's \"q\"", b'\'', usize::MAX);
        assert_eq!(escaped, r#"it\'s "q""#);
    }

    #[test]
    fn limit_counts_characters() {
        let (escaped, more) = escape("éééé".as_bytes(), b'"', 2);
        assert_eq!(escaped, "éé");
        assert!(more);
    }

    #[test]
    fn printability() {
        assert!(is_printable_string("olá\n".as_bytes(), 4096));
        assert!(!is_printable_string(&[97, 98, 255], 4096));
        assert!(!is_printable_string(&[1, 2, 3], 4096));
        assert!(is_printable_string(&[97, 1], 1));
        assert!(is_ascii_printable(b'a' as i64));
        assert!(!is_ascii_printable(127));
        assert!(!is_ascii_printable(233));
    }
}
