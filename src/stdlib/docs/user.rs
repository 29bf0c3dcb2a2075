//! The learner's own docs: `@moduledoc` and `@doc` read back from a module's source
//! text (kept by the module table), so `h MyModule.fun` shows what they wrote.

/// Docs found in one module's source.
#[derive(Debug, Default, PartialEq)]
pub struct UserDocs {
    /// The `@moduledoc` text.
    pub moduledoc: Option<String>,
    /// `(name, arity, signature, @doc text)` of each documented `def`.
    pub functions: Vec<(String, u32, String, String)>,
}

/// Reads `@moduledoc "..."`/`"""` and the `@doc` that precedes each `def` in
/// `source`. A `@doc false` hides the function; undocumented ones are skipped.
pub fn read(source: &str) -> UserDocs {
    let mut docs = UserDocs::default();
    let mut pending: Option<String> = None;
    let mut lines = source.lines();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("@moduledoc ") {
            docs.moduledoc = string_value(rest, &mut lines);
        } else if let Some(rest) = t.strip_prefix("@doc ") {
            pending = string_value(rest, &mut lines);
        } else if let Some(head) = t.strip_prefix("def ") {
            if let Some(text) = pending.take() {
                let end = head.find(", do:").or_else(|| head.find(" do")).unwrap_or(head.len());
                let signature = head[..end].trim().to_string();
                let name: String = head.chars().take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '?' | '!')).collect();
                docs.functions.push((name, arity_of(&signature), signature, text));
            }
        }
    }
    docs
}

/// The number of parameters in `name(a, b)` (commas at depth one, plus one).
fn arity_of(signature: &str) -> u32 {
    let Some(open) = signature.find('(') else { return 0 };
    let inner = &signature[open + 1..signature.rfind(')').unwrap_or(signature.len())];
    if inner.trim().is_empty() {
        return 0;
    }
    let mut depth = 0i32;
    let mut commas = 0;
    for c in inner.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => commas += 1,
            _ => {}
        }
    }
    commas + 1
}

/// The text of a `"..."` or `"""` heredoc attribute value starting at `rest`
/// (reading further lines for a heredoc); `None` for `false` or anything else.
fn string_value<'a>(rest: &str, lines: &mut impl Iterator<Item = &'a str>) -> Option<String> {
    let rest = rest.trim();
    if rest.starts_with("\"\"\"") {
        let mut body: Vec<&str> = Vec::new();
        for line in lines.by_ref() {
            if line.trim() == "\"\"\"" {
                break;
            }
            body.push(line);
        }
        let indent = body.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
        let text: Vec<&str> = body.iter().map(|l| if l.len() >= indent { &l[indent..] } else { l.trim_start() }).collect();
        return Some(text.join("\n").trim_end().to_string());
    }
    let inner = rest.strip_prefix('"')?.strip_suffix('"')?;
    Some(inner.replace("\\n", "\n").replace("\\\"", "\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_moduledoc_and_docs_of_defs() {
        let source = "defmodule Shop do\n  @moduledoc \"\"\"\n  A tiny shop.\n  \"\"\"\n\n  @doc \"Adds an item.\"\n  def add(cart, item), do: [item | cart]\n\n  @doc false\n  def secret, do: 1\n\n  def plain(x), do: x\nend\n";
        let docs = read(source);
        assert_eq!(docs.moduledoc.as_deref(), Some("A tiny shop."));
        assert_eq!(docs.functions, vec![("add".to_string(), 2, "add(cart, item)".to_string(), "Adds an item.".to_string())]);
    }
}
