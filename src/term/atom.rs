//! Atoms: interned names that compare by pointer and order by text.

use std::sync::LazyLock;
use ustr::Ustr;

/// An interned atom. Copy, 8 bytes; equality is a pointer compare; term order
/// compares the text, as Erlang does.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Atom(Ustr);

impl Atom {
    /// How many atoms exist (the table is shared by the whole program and never
    /// shrinks, as on BEAM).
    pub fn count() -> usize {
        ustr::num_entries()
    }

    /// Interns `name` (never collected, like BEAM's atom table).
    pub fn new(name: &str) -> Atom {
        Atom(Ustr::from(name))
    }

    /// The atom's text, without the leading colon.
    pub fn as_str(&self) -> &'static str {
        self.0.as_str()
    }

    /// True for atoms that name an Elixir module (`Elixir.Foo`).
    pub fn is_elixir_alias(&self) -> bool {
        self.as_str().starts_with("Elixir.")
    }
}

impl PartialOrd for Atom {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Atom {
    #[inline]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if self.0 == other.0 {
            return std::cmp::Ordering::Equal;
        }
        // Byte by byte, inline: two different atoms (a map's keys, looked up on
        // every field access) usually differ within their first few bytes, and the
        // general slice comparison paid for a `memcmp` call to find that out.
        let (a, b) = (self.as_str().as_bytes(), other.as_str().as_bytes());
        for (x, y) in a.iter().zip(b) {
            if x != y {
                return x.cmp(y);
            }
        }
        a.len().cmp(&b.len())
    }
}

impl std::fmt::Debug for Atom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, ":{}", self.as_str())
    }
}

/// Atoms the runtime uses constantly, interned once.
pub struct CommonAtoms {
    /// `true`
    pub true_: Atom,
    /// `false`
    pub false_: Atom,
    /// `nil`
    pub nil: Atom,
    /// `ok`
    pub ok: Atom,
    /// `error`
    pub error: Atom,
    /// `__struct__`
    pub struct_: Atom,
    /// `__exception__`
    pub exception: Atom,
    /// `message`
    pub message: Atom,
    /// `normal`
    pub normal: Atom,
    /// `kill`
    pub kill: Atom,
    /// `killed`
    pub killed: Atom,
    /// `EXIT`
    pub exit_: Atom,
    /// `DOWN`
    pub down: Atom,
    /// `process`
    pub process: Atom,
    /// `noproc`
    pub noproc: Atom,
    /// `alias` (the head of a call's reply tag, `[:alias | ref]`)
    pub alias: Atom,
    /// `throw`
    pub throw: Atom,
    /// `exit`
    pub exit: Atom,
    /// `infinity`
    pub infinity: Atom,
    /// `undefined`
    pub undefined: Atom,
    /// `timeout`
    pub timeout: Atom,
    /// `badarg`
    pub badarg: Atom,
    /// `badarith`
    pub badarith: Atom,
    /// `badmatch`
    pub badmatch: Atom,
    /// `function_clause`
    pub function_clause: Atom,
    /// `Elixir.Range`
    pub range: Atom,
    /// `first`
    pub first: Atom,
    /// `last`
    pub last: Atom,
    /// `step`
    pub step: Atom,
}

/// The common atoms, interned on first use.
pub static ATOMS: LazyLock<CommonAtoms> = LazyLock::new(|| CommonAtoms {
    true_: Atom::new("true"),
    false_: Atom::new("false"),
    nil: Atom::new("nil"),
    ok: Atom::new("ok"),
    error: Atom::new("error"),
    struct_: Atom::new("__struct__"),
    exception: Atom::new("__exception__"),
    message: Atom::new("message"),
    normal: Atom::new("normal"),
    kill: Atom::new("kill"),
    killed: Atom::new("killed"),
    exit_: Atom::new("EXIT"),
    down: Atom::new("DOWN"),
    process: Atom::new("process"),
    noproc: Atom::new("noproc"),
    alias: Atom::new("alias"),
    throw: Atom::new("throw"),
    exit: Atom::new("exit"),
    infinity: Atom::new("infinity"),
    undefined: Atom::new("undefined"),
    timeout: Atom::new("timeout"),
    badarg: Atom::new("badarg"),
    badarith: Atom::new("badarith"),
    badmatch: Atom::new("badmatch"),
    function_clause: Atom::new("function_clause"),
    range: Atom::new("Elixir.Range"),
    first: Atom::new("first"),
    last: Atom::new("last"),
    step: Atom::new("step"),
});

#[cfg(test)]
mod tests {
    use super::Atom;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn atoms_order_by_name_bytes_then_length() {
        let a = |s: &str| Atom::new(s);
        assert_eq!(a("ok").cmp(&a("ok")), Equal);
        assert_eq!(a("a").cmp(&a("ab")), Less);
        assert_eq!(a("ab").cmp(&a("a")), Greater);
        assert_eq!(a("b").cmp(&a("ab")), Greater);
        assert_eq!(a("jobs_completed").cmp(&a("jobs_started")), Less);
        assert_eq!(a("Elixir.Z").cmp(&a("a")), Less);
        assert_eq!(a("é").cmp(&a("z")), Greater);
        assert_eq!(a("").cmp(&a("a")), Less);
        let mut names = ["nil", "false", "true", "ok", "okay", "o", "error", "Elixir.Map"];
        let mut atoms: Vec<Atom> = names.iter().map(|s| a(s)).collect();
        atoms.sort();
        names.sort();
        assert_eq!(atoms.iter().map(|x| x.as_str()).collect::<Vec<_>>(), names);
    }
}
