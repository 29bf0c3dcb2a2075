//! Tab completion in the REPL, as IEx completes: module names (`Enu` → `Enum`),
//! a module's functions with their arities (`Enum.redu` → `Enum.reduce`, listed as
//! `reduce/2 reduce/3`), Erlang modules and their functions (`:et` → `:ets`,
//! `:ets.ins` → `:ets.insert`), the shell's bindings, Kernel's functions and the
//! shell helpers. A first Tab inserts the longest common prefix; a second lists
//! the candidates (rustyline's `CompletionType::List`).

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// What can be completed, taken from the session after each entry.
#[derive(Default, Clone)]
pub struct Vocabulary {
    /// Module name as typed (`Enum`, `String.Chars`, `:ets`) → its functions
    /// `(name, arity)`, sorted.
    modules: BTreeMap<String, BTreeSet<(String, u32)>>,
    /// Names completed at the start of an expression: bindings, Kernel's and the
    /// helpers' functions.
    locals: BTreeSet<String>,
}

impl Vocabulary {
    /// The vocabulary of `session`: every callable module function, the bindings
    /// and the shell helpers.
    pub fn of(session: &crate::session::Session) -> Vocabulary {
        let mut v = Vocabulary::default();
        for (module, name, arity) in session.modules().functions() {
            let fun = name.as_str();
            // Compiler-generated and internal functions are not for typing.
            if fun.starts_with("__") || fun.starts_with('-') {
                continue;
            }
            let shown = match module.as_str().strip_prefix("Elixir.") {
                Some(elixir) => elixir.to_string(),
                None => format!(":{}", module.as_str()),
            };
            if matches!(shown.as_str(), "Kernel" | "IEx.Helpers") {
                v.locals.insert(fun.to_string());
            }
            v.modules.entry(shown).or_default().insert((fun.to_string(), arity));
        }
        v.locals.extend(session.binding_names());
        v
    }

    /// Candidates for the word before the cursor: where it starts and the pairs
    /// (display, replacement) that may replace it.
    fn complete(&self, line: &str, pos: usize) -> (usize, Vec<Pair>) {
        let head = &line[..pos];
        let start = head
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '.' | ':' | '?' | '!')))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let word = &head[start..];
        let pairs = match word.rfind('.') {
            Some(dot) => self.after_dot(&word[..dot], &word[dot + 1..]),
            None if word.starts_with(':') || word.starts_with(|c: char| c.is_uppercase()) => self.module_names(word),
            None if word.is_empty() => Vec::new(),
            None => self.locals.iter().filter(|n| n.starts_with(word)).map(|n| plain(n)).collect(),
        };
        // The replacement covers only the part after the last dot.
        let replaced_from = match word.rfind('.') {
            Some(dot) => start + dot + 1,
            None => start,
        };
        (replaced_from, pairs)
    }

    /// `Enum.redu`: the functions of `module` starting with `prefix` (shown with
    /// arities, inserted without), then its nested modules (`String.Ch` → `Chars`).
    fn after_dot(&self, module: &str, prefix: &str) -> Vec<Pair> {
        let mut pairs = Vec::new();
        if let Some(funs) = self.modules.get(module) {
            for (name, arity) in funs.iter().filter(|(n, _)| n.starts_with(prefix)) {
                pairs.push(Pair { display: format!("{name}/{arity}"), replacement: name.clone() });
            }
        }
        let nested = format!("{module}.{prefix}");
        let mut seen = BTreeSet::new();
        for name in self.modules.keys().filter(|m| m.starts_with(&nested)) {
            let part = name[module.len() + 1..].split('.').next().unwrap_or_default();
            if seen.insert(part.to_string()) {
                pairs.push(plain(part));
            }
        }
        pairs
    }

    /// `Enu`, `:et`: module names starting with `word`, one dotted level at a time.
    fn module_names(&self, word: &str) -> Vec<Pair> {
        let mut seen = BTreeSet::new();
        for name in self.modules.keys().filter(|m| m.starts_with(word)) {
            let cut = name[word.len()..].find('.').map_or(name.len(), |i| word.len() + i);
            seen.insert(name[..cut].to_string());
        }
        seen.iter().map(|n| plain(n)).collect()
    }
}

fn plain(text: &str) -> Pair {
    Pair { display: text.to_string(), replacement: text.to_string() }
}

/// The REPL's rustyline helper: completion only (no hints, colours or validation).
pub struct ReplHelper {
    /// Replaced after every entry (new modules, new bindings).
    pub vocabulary: Arc<parking_lot::RwLock<Vocabulary>>,
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _: &rustyline::Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(self.vocabulary.read().complete(line, pos))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
}
impl Highlighter for ReplHelper {}
impl Validator for ReplHelper {}
impl rustyline::Helper for ReplHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vocabulary {
        let mut v = Vocabulary::default();
        for (m, f, a) in [("Enum", "reduce", 2), ("Enum", "reduce", 3), ("Enum", "reverse", 1), ("String.Chars", "to_string", 1), ("String", "trim", 1), (":ets", "insert", 2)] {
            v.modules.entry(m.to_string()).or_default().insert((f.to_string(), a));
        }
        v.locals.insert("counter".to_string());
        v
    }

    fn shown(v: &Vocabulary, line: &str) -> (usize, Vec<String>) {
        let (at, pairs) = v.complete(line, line.len());
        (at, pairs.into_iter().map(|p| p.display).collect())
    }

    #[test]
    fn functions_of_a_module_with_their_arities() {
        assert_eq!(shown(&vocabulary(), "x = Enum.redu"), (9, vec!["reduce/2".to_string(), "reduce/3".to_string()]));
        assert_eq!(shown(&vocabulary(), ":ets.ins"), (5, vec!["insert/2".to_string()]));
    }

    #[test]
    fn modules_bindings_and_nested_modules() {
        assert_eq!(shown(&vocabulary(), "En"), (0, vec!["Enum".to_string()]));
        assert_eq!(shown(&vocabulary(), "Str"), (0, vec!["String".to_string()]));
        assert_eq!(shown(&vocabulary(), "String.C"), (7, vec!["Chars".to_string()]));
        assert_eq!(shown(&vocabulary(), ":e"), (0, vec![":ets".to_string()]));
        assert_eq!(shown(&vocabulary(), "f(coun"), (2, vec!["counter".to_string()]));
    }
}
