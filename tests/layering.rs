//! The layering rule of `src/lib.rs`, checked on the parsed source, not on lines of text:
//!
//! - a layer may use only the layers above it (`course` sees only `session` and `term`);
//! - only `cli` (and `main.rs`) prints (`print!`, `println!`, `eprint!`, `eprintln!`) or
//!   ends the process (`std::process::exit`/`abort`); `dbg!` is nowhere.
//!
//! The crate is walked as rustc walks it: from `src/lib.rs` through every `mod` item
//! (inline or in a file, `#[path]` honoured), so each file knows its module path and
//! whether it is test code. Every path is resolved before it is judged: `use` trees with
//! groups at any depth, `crate::`, `self::`, `super::` chains, names brought in by a
//! `use` (`use std::process; process::exit(1)`), paths in expressions and types, and the
//! tokens of macro calls (`format!("{}", crate::vm::X)`), which `syn` leaves unparsed.
//! Printing in test code (`#[cfg(test)]`, `#[test]`) is allowed: cargo captures it and it
//! is not the program's output; imports and `dbg!`/`exit` are checked there too.
//!
//! The second half of this file is the test of the test: a small synthetic crate per
//! kind of violation, each of which must be caught.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// Layers from top (1) to bottom (8); `compile` and `vm` share layer 4.
const LAYERS: &[(&str, u32)] = &[
    ("syntax", 1),
    ("term", 2),
    ("runtime", 3),
    ("compile", 4),
    ("vm", 4),
    ("stdlib", 5),
    ("session", 6),
    ("course", 7),
    ("cli", 8),
];

/// Macros that write to the terminal; only `cli` may call them outside tests.
const PRINT_MACROS: &[&str] = &["print", "println", "eprint", "eprintln"];

fn layer_of(name: &str) -> Option<u32> {
    LAYERS.iter().find(|(n, _)| *n == name).map(|(_, l)| *l)
}

/// Whether code in layer `own` may name the top-level module `other`.
fn may_use(own: &str, other: &str) -> bool {
    let (Some(own_layer), Some(other_layer)) = (layer_of(own), layer_of(other)) else {
        return true;
    };
    if own == "course" {
        return matches!(other, "session" | "term" | "course");
    }
    other_layer <= own_layer
}

/// One broken rule, at a file and line.
#[derive(Debug, Clone, PartialEq)]
struct Violation {
    file: String,
    line: usize,
    kind: Kind,
}

/// The kinds of broken rule.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// A layer names a lower layer (`from` uses `to`).
    LowerLayer { from: String, to: String },
    /// A glob import of the crate root, which brings every layer into scope.
    RootGlob { from: String },
    /// A printing macro outside `cli` and outside tests.
    Print(String),
    /// `dbg!` anywhere.
    Dbg,
    /// `std::process::exit` or `abort` outside `cli`.
    Exit(String),
    /// A file named by a `mod` item that cannot be read or parsed.
    Unreadable(String),
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        match &self.kind {
            Kind::LowerLayer { from, to } => write!(f, "{from} uses the lower layer {to}"),
            Kind::RootGlob { from } => write!(f, "{from} glob-imports the crate root (every layer)"),
            Kind::Print(m) => write!(f, "{m}! outside cli (write to the session's output sink)"),
            Kind::Dbg => write!(f, "dbg! left in the source"),
            Kind::Exit(p) => write!(f, "{p} outside cli (only cli chooses an exit code)"),
            Kind::Unreadable(why) => write!(f, "{why}"),
        }
    }
}

/// Where a source file sits in the crate.
#[derive(Clone)]
struct Place {
    /// The file, for messages.
    file: PathBuf,
    /// Its module path from the crate root (`["term", "inspect"]`).
    module: Vec<String>,
    /// Whether the whole file is test code (declared under `#[cfg(test)]`).
    in_test: bool,
    /// The directory its non-`#[path]` child modules live in.
    child_dir: PathBuf,
}

/// A `mod name;` item found in a file: the child file still to visit.
struct ChildFile {
    module: Vec<String>,
    in_test: bool,
    candidates: Vec<PathBuf>,
    line: usize,
}

/// Walks one parsed file; collects violations and the child files it declares.
struct Checker<'a> {
    place: &'a Place,
    /// Module path of the innermost (possibly inline) module being visited.
    module: Vec<String>,
    /// Directory for `mod x;` items inside the current inline module.
    dir: PathBuf,
    /// Nesting depth of test-only items (`#[cfg(test)]`, `#[test]`).
    test_depth: usize,
    /// Local names brought in by `use` items: name → full path as written.
    aliases: HashMap<String, Vec<String>>,
    violations: Vec<Violation>,
    children: Vec<ChildFile>,
}

fn is_test_attr(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        if a.path().is_ident("test") {
            return true;
        }
        // `#[cfg(test)]` and `#[cfg(all(test, ...))]`; not `#[cfg(not(test))]`.
        let idents = |ts: TokenStream| -> Vec<String> {
            fn walk(ts: TokenStream, out: &mut Vec<String>) {
                for t in ts {
                    match t {
                        TokenTree::Ident(i) => out.push(i.to_string()),
                        TokenTree::Group(g) => walk(g.stream(), out),
                        _ => {}
                    }
                }
            }
            let mut out = Vec::new();
            walk(ts, &mut out);
            out
        };
        a.path().is_ident("cfg")
            && a.meta.require_list().is_ok_and(|l| {
                let ids = idents(l.tokens.clone());
                ids.iter().any(|i| i == "test") && !ids.iter().any(|i| i == "not")
            })
    })
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find(|a| a.path().is_ident("path")).and_then(|a| match &a.meta {
        syn::Meta::NameValue(nv) => match &nv.value {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

impl<'a> Checker<'a> {
    fn new(place: &'a Place) -> Self {
        Checker {
            place,
            module: place.module.clone(),
            dir: place.child_dir.clone(),
            test_depth: usize::from(place.in_test),
            aliases: HashMap::new(),
            violations: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The layer (top-level module) of the file, if it is in one.
    fn own_layer(&self) -> Option<&str> {
        self.place.module.first().map(String::as_str).filter(|m| layer_of(m).is_some())
    }

    fn in_cli(&self) -> bool {
        self.own_layer() == Some("cli")
    }

    fn report(&mut self, line: usize, kind: Kind) {
        let v = Violation { file: self.place.file.display().to_string(), line, kind };
        if !self.violations.contains(&v) {
            self.violations.push(v);
        }
    }

    /// Resolves a path as written to a crate-absolute module path (`Some(["vm", ...])`),
    /// or `None` when it starts outside the crate (std, another crate, a local name).
    fn resolve(&self, segs: &[String]) -> Option<Vec<String>> {
        let first = segs.first()?;
        let mut base = match first.as_str() {
            "crate" | "$crate" => Vec::new(),
            "self" | "super" => self.module.clone(),
            _ => return None,
        };
        let mut rest = &segs[usize::from(first != "self" && first != "super")..];
        loop {
            match rest.first().map(String::as_str) {
                Some("super") => {
                    // `super` past the crate root does not compile; nothing to judge.
                    base.pop()?;
                }
                Some("self") => {}
                _ => break,
            }
            rest = &rest[1..];
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    /// Replaces a leading name brought in by a `use` item with the path it stands for.
    fn expand_alias(&self, segs: &[String]) -> Vec<String> {
        match segs.first().and_then(|f| self.aliases.get(f)) {
            Some(full) if segs.len() > 1 || full.len() > 1 => {
                full.iter().chain(segs[1..].iter()).cloned().collect()
            }
            _ => segs.to_vec(),
        }
    }

    /// Judges one path (from a `use` tree, an expression, a type or macro tokens).
    fn check_path(&mut self, segs: &[String], leading_colon: bool, glob: bool, line: usize) {
        let segs = if leading_colon { segs.to_vec() } else { self.expand_alias(segs) };
        if let (Some(own), Some(abs)) = (self.own_layer().map(str::to_string), self.resolve(&segs)) {
            match abs.first() {
                Some(other) if !may_use(&own, other) => {
                    self.report(line, Kind::LowerLayer { from: own, to: other.clone() })
                }
                None if glob => self.report(line, Kind::RootGlob { from: own }),
                _ => {}
            }
        }
        let std_process = |s: &[String]| {
            matches!(s, [a, b, c] if (a == "std" || a == "core") && b == "process" && (c == "exit" || c == "abort"))
        };
        if !self.in_cli() && (std_process(&segs) || (glob && segs.len() == 2 && segs[0] == "std" && segs[1] == "process")) {
            self.report(line, Kind::Exit(segs.join("::")));
        }
    }

    /// Judges a macro call by its name (the last segment of its path).
    fn check_macro_name(&mut self, name: &str, line: usize) {
        if name == "dbg" {
            self.report(line, Kind::Dbg);
        } else if PRINT_MACROS.contains(&name) && !self.in_cli() && self.test_depth == 0 {
            self.report(line, Kind::Print(name.to_string()));
        }
    }

    /// Expands a `use` tree into (path, local name, is-glob) leaves.
    fn use_leaves(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<(Vec<String>, Option<String>, bool, usize)>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                Self::use_leaves(&p.tree, prefix, out);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let mut full = prefix.clone();
                // `use a::b::{self}` names `a::b` itself.
                if name != "self" {
                    full.push(name.clone());
                }
                let local = if name == "self" { prefix.last().cloned() } else { Some(name) };
                out.push((full, local, false, n.ident.span().start().line));
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                if r.ident != "self" {
                    full.push(r.ident.to_string());
                }
                out.push((full, Some(r.rename.to_string()), false, r.ident.span().start().line));
            }
            syn::UseTree::Glob(g) => {
                out.push((prefix.clone(), None, true, g.star_token.span.start().line));
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    Self::use_leaves(t, prefix, out);
                }
            }
        }
    }

    /// Scans the unparsed tokens of a macro call for nested macro calls and paths.
    fn scan_tokens(&mut self, tokens: TokenStream) {
        let toks: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < toks.len() {
            match &toks[i] {
                TokenTree::Group(g) => {
                    self.scan_tokens(g.stream());
                    i += 1;
                }
                TokenTree::Ident(_) | TokenTree::Punct(_) => {
                    let (segs, leading, next) = path_at(&toks, i);
                    if segs.is_empty() {
                        i += 1;
                        continue;
                    }
                    let line = toks[i].span().start().line;
                    let is_macro = matches!(toks.get(next), Some(TokenTree::Punct(p)) if p.as_char() == '!')
                        && matches!(toks.get(next + 1), Some(TokenTree::Group(g)) if g.delimiter() != Delimiter::None);
                    if is_macro {
                        if let Some(last) = segs.last() {
                            self.check_macro_name(last, line);
                        }
                    } else {
                        self.check_path(&segs, leading, false, line);
                    }
                    i = next;
                }
                TokenTree::Literal(_) => i += 1,
            }
        }
    }
}

/// Reads `[::] ident (:: ident)*` (with `$crate` as one segment) starting at `i`:
/// the segments, whether it had a leading `::`, and the index after it. A path that
/// follows `.` (a method or field) is not a path from the crate root.
fn path_at(toks: &[TokenTree], i: usize) -> (Vec<String>, bool, usize) {
    let is_colon = |k: usize| matches!(toks.get(k), Some(TokenTree::Punct(p)) if p.as_char() == ':');
    let double_colon = |k: usize| {
        matches!(toks.get(k), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Joint) && is_colon(k + 1)
    };
    let after_dot = i > 0 && matches!(&toks[i - 1], TokenTree::Punct(p) if p.as_char() == '.');
    if after_dot {
        return (Vec::new(), false, i + 1);
    }
    let mut k = i;
    let mut leading = false;
    let mut segs = Vec::new();
    if double_colon(k) {
        // A leading `::` directly after an identifier is the middle of a path we skipped.
        if i > 0 && matches!(&toks[i - 1], TokenTree::Ident(_)) {
            return (Vec::new(), false, i + 2);
        }
        leading = true;
        k += 2;
    }
    loop {
        match toks.get(k) {
            Some(TokenTree::Punct(p)) if p.as_char() == '$' && matches!(toks.get(k + 1), Some(TokenTree::Ident(id)) if id == "crate") => {
                segs.push("$crate".to_string());
                k += 2;
            }
            Some(TokenTree::Ident(id)) => {
                segs.push(id.to_string());
                k += 1;
            }
            _ => break,
        }
        if double_colon(k) {
            k += 2;
        } else {
            break;
        }
    }
    if segs.is_empty() {
        return (segs, false, i + 1);
    }
    (segs, leading, k)
}

impl<'ast> Visit<'ast> for Checker<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let test = is_test_attr(&m.attrs);
        let name = m.ident.to_string();
        let mut module = self.module.clone();
        module.push(name.clone());
        match &m.content {
            None => {
                let candidates = match path_attr(&m.attrs) {
                    // `#[path]` is relative to the directory of the file holding the item.
                    Some(p) => vec![self.place.file.parent().unwrap_or(Path::new("")).join(p)],
                    None => vec![self.dir.join(format!("{name}.rs")), self.dir.join(&name).join("mod.rs")],
                };
                self.children.push(ChildFile {
                    module,
                    in_test: self.test_depth > 0 || test,
                    candidates,
                    line: m.ident.span().start().line,
                });
            }
            Some(_) => {
                let saved = (std::mem::replace(&mut self.module, module), self.dir.clone());
                self.dir = self.dir.join(&name);
                self.test_depth += usize::from(test);
                syn::visit::visit_item_mod(self, m);
                self.test_depth -= usize::from(test);
                (self.module, self.dir) = saved;
            }
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let test = is_test_attr(&f.attrs);
        self.test_depth += usize::from(test);
        syn::visit::visit_item_fn(self, f);
        self.test_depth -= usize::from(test);
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let test = is_test_attr(&i.attrs);
        self.test_depth += usize::from(test);
        syn::visit::visit_item_impl(self, i);
        self.test_depth -= usize::from(test);
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let mut leaves = Vec::new();
        let mut prefix = Vec::new();
        if u.leading_colon.is_some() {
            prefix.push(String::new());
        }
        Self::use_leaves(&u.tree, &mut prefix, &mut leaves);
        for (full, local, glob, line) in leaves {
            let (full, leading) = match full.first() {
                Some(f) if f.is_empty() => (full[1..].to_vec(), true),
                _ => (full, false),
            };
            self.check_path(&full, leading, glob, line);
            if let Some(local) = local.filter(|l| l != "_") {
                let resolved = if leading { full } else { self.expand_alias(&full) };
                self.aliases.insert(local, resolved);
            }
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(first) = p.segments.first() {
            self.check_path(&segs, p.leading_colon.is_some(), false, first.ident.span().start().line);
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        if let Some(last) = m.path.segments.last() {
            self.check_macro_name(&last.ident.to_string(), last.ident.span().start().line);
        }
        syn::visit::visit_macro(self, m);
        self.scan_tokens(m.tokens.clone());
    }
}

/// Checks a whole crate from its root file; `read` gives a file's text (`None` if absent).
fn check_crate(root: &Path, read: &dyn Fn(&Path) -> Option<String>) -> (Vec<Violation>, usize) {
    let mut violations = Vec::new();
    let mut files = 0;
    let dir = root.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut queue = vec![Place { file: root.to_path_buf(), module: Vec::new(), in_test: false, child_dir: dir }];
    while let Some(place) = queue.pop() {
        let Some(text) = read(&place.file) else {
            violations.push(Violation {
                file: place.file.display().to_string(),
                line: 0,
                kind: Kind::Unreadable("cannot be read".into()),
            });
            continue;
        };
        let ast = match syn::parse_file(&text) {
            Ok(ast) => ast,
            Err(e) => {
                violations.push(Violation {
                    file: place.file.display().to_string(),
                    line: e.span().start().line,
                    kind: Kind::Unreadable(format!("does not parse: {e}")),
                });
                continue;
            }
        };
        files += 1;
        let mut checker = Checker::new(&place);
        checker.visit_file(&ast);
        violations.append(&mut checker.violations);
        for child in checker.children {
            let Some(file) = child.candidates.iter().find(|c| read(c).is_some()).cloned() else {
                violations.push(Violation {
                    file: place.file.display().to_string(),
                    line: child.line,
                    kind: Kind::Unreadable(format!("module {} has no file", child.module.join("::"))),
                });
                continue;
            };
            // A file `a/b.rs` keeps its children in `a/b/`; `mod.rs` in its own directory.
            let parent = file.parent().unwrap_or(Path::new("")).to_path_buf();
            let child_dir = if file.file_name().is_some_and(|n| n == "mod.rs") {
                parent
            } else {
                parent.join(file.file_stem().unwrap_or_default())
            };
            queue.push(Place { file, module: child.module, in_test: child.in_test, child_dir });
        }
    }
    (violations, files)
}

#[test]
fn no_layer_uses_a_lower_one_and_only_cli_prints() {
    let read = |p: &Path| std::fs::read_to_string(p).ok();
    let (violations, files) = check_crate(Path::new("src/lib.rs"), &read);
    let on_disk = count_rs(Path::new("src"));
    // Every file but main.rs (the binary's root, which may print and exit) is reached.
    assert_eq!(files + 1, on_disk, "every source file is part of the module tree");
    let listed: Vec<String> = violations.iter().map(ToString::to_string).collect();
    assert!(listed.is_empty(), "layering violations:\n{}", listed.join("\n"));
}

fn count_rs(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() { count_rs(&p) } else { usize::from(p.extension().is_some_and(|x| x == "rs")) }
        })
        .sum()
}

// ---- The test of the test: synthetic crates, one per kind of violation. ----

/// Checks a synthetic crate given as (path under `src/`, text) pairs.
fn check_synthetic(files: &[(&str, &str)]) -> Vec<Violation> {
    let map: HashMap<PathBuf, String> =
        files.iter().map(|(p, t)| (Path::new("src").join(p), t.to_string())).collect();
    let read = move |p: &Path| map.get(p).cloned();
    check_crate(Path::new("src/lib.rs"), &read).0
}

const LIB: &str = "pub mod syntax; pub mod term; pub mod vm; pub mod course; pub mod cli;";

/// A crate with `src/term/mod.rs` holding `term` and the other layers empty.
fn with_term(term: &str) -> Vec<Violation> {
    check_synthetic(&[
        ("lib.rs", LIB),
        ("syntax/mod.rs", ""),
        ("term/mod.rs", term),
        ("vm/mod.rs", ""),
        ("course/mod.rs", ""),
        ("cli/mod.rs", ""),
    ])
}

fn kinds(v: &[Violation]) -> Vec<Kind> {
    v.iter().map(|v| v.kind.clone()).collect()
}

fn lower(from: &str, to: &str) -> Kind {
    Kind::LowerLayer { from: from.into(), to: to.into() }
}

#[test]
fn a_clean_crate_passes() {
    let v = with_term(
        "use crate::syntax::Span;\nuse self::inner::X;\nmod inner { pub struct X; use super::super::syntax; }\n\
         pub fn f() -> String { format!(\"{}\", crate::syntax::NAME) }",
    );
    assert_eq!(v, Vec::new());
}

#[test]
fn a_grouped_import_of_a_lower_layer_fails() {
    assert_eq!(kinds(&with_term("use crate::{cli};")), vec![lower("term", "cli")]);
    assert_eq!(kinds(&with_term("use crate::{syntax, vm::Machine};")), vec![lower("term", "vm")]);
}

#[test]
fn a_nested_group_fails() {
    let v = with_term("use crate::{syntax::{self, Span}, vm::{self, code::{Op, Instr}}};");
    assert_eq!(kinds(&v), vec![lower("term", "vm")]);
}

#[test]
fn super_paths_are_resolved_against_the_module_path() {
    // term::inner: `super` is term, `super::super` the crate root.
    let v = with_term("mod inner { use super::super::vm::Machine; use super::Fine; }");
    assert_eq!(kinds(&v), vec![lower("term", "vm")]);
    let v = with_term("mod inner { fn f() { let _ = super::super::cli::run(); } }");
    assert_eq!(kinds(&v), vec![lower("term", "cli")]);
    // From a file: src/term/inspect.rs is term::inspect.
    let v = check_synthetic(&[
        ("lib.rs", LIB),
        ("syntax/mod.rs", ""),
        ("term/mod.rs", "mod inspect;"),
        ("term/inspect.rs", "use self::super::super::{vm};"),
        ("vm/mod.rs", ""),
        ("course/mod.rs", ""),
        ("cli/mod.rs", ""),
    ]);
    assert_eq!(kinds(&v), vec![lower("term", "vm")]);
    assert!(v[0].file.ends_with("term/inspect.rs"), "{v:?}");
}

#[test]
fn fully_qualified_paths_in_code_fail() {
    for code in [
        "fn f() { crate::vm::run(); }",
        "fn f(m: &crate::vm::Machine) {}",
        "struct S { m: Vec<crate::vm::Machine> }",
        "fn f() -> String { format!(\"{:?}\", crate::vm::NAME) }",
        "fn f() { assert!(matches!(1, crate::vm::ONE)); }",
        "use crate::vm as v;",
        "use crate::vm; fn f() { vm::run(); }",
    ] {
        assert_eq!(kinds(&with_term(code)), vec![lower("term", "vm")], "{code}");
    }
}

#[test]
fn course_sees_only_session_and_term() {
    let v = check_synthetic(&[
        ("lib.rs", LIB),
        ("syntax/mod.rs", ""),
        ("term/mod.rs", ""),
        ("vm/mod.rs", ""),
        ("course/mod.rs", "use crate::term::Term;\nuse crate::{vm::Machine};"),
        ("cli/mod.rs", "use crate::{vm, course, term};"),
    ]);
    assert_eq!(kinds(&v), vec![lower("course", "vm")]);
}

#[test]
fn a_glob_of_the_crate_root_fails() {
    assert_eq!(kinds(&with_term("use crate::*;")), vec![Kind::RootGlob { from: "term".into() }]);
}

#[test]
fn every_printing_macro_outside_cli_fails() {
    for m in PRINT_MACROS {
        let v = with_term(&format!("fn f() {{ {m}!(\"hi\"); }}"));
        assert_eq!(kinds(&v), vec![Kind::Print(m.to_string())], "{m}");
        let v = with_term(&format!("fn f() {{ std::{m}!(\"hi\"); }}"));
        assert_eq!(kinds(&v), vec![Kind::Print(m.to_string())], "std::{m}");
        // Hidden inside another macro's tokens.
        let v = with_term(&format!("fn f() {{ assert!({{ {m}!(\"hi\"); true }}); }}"));
        assert_eq!(kinds(&v), vec![Kind::Print(m.to_string())], "nested {m}");
    }
    let v = with_term("fn f() -> u8 { dbg!(1) }");
    assert_eq!(kinds(&v), vec![Kind::Dbg]);
}

#[test]
fn process_exit_outside_cli_fails() {
    for code in [
        "fn f() { std::process::exit(1) }",
        "fn f() { ::std::process::exit(1) }",
        "fn f() { std::process::abort() }",
        "use std::process; fn f() { process::exit(2) }",
        "use std::process as p; fn f() { p::exit(2) }",
        "use std::process::exit;",
        "use std::{process::{exit}};",
        "use std::process::*;",
    ] {
        let v = with_term(code);
        assert!(!v.is_empty() && v.iter().all(|v| matches!(v.kind, Kind::Exit(_))), "{code}: {v:?}");
    }
    // A module of the crate that happens to be called `process` is not std's.
    assert_eq!(with_term("mod process { pub fn exit() {} } fn f() { process::exit() }"), Vec::new());
}

#[test]
fn cli_may_print_and_exit_and_tests_may_print() {
    let v = check_synthetic(&[
        ("lib.rs", LIB),
        ("syntax/mod.rs", ""),
        ("term/mod.rs", "#[cfg(test)]\nmod tests { #[test] fn t() { println!(\"measured\"); } }\n#[cfg(test)]\n#[path = \"more_tests.rs\"]\nmod more;"),
        ("term/more_tests.rs", "fn t() { eprintln!(\"skipping\"); }"),
        ("vm/mod.rs", "#[test]\nfn t() { print!(\"x\"); }"),
        ("course/mod.rs", ""),
        ("cli/mod.rs", "pub fn main() { println!(\"hi\"); std::process::exit(0) }"),
    ]);
    assert_eq!(v, Vec::new());
    // ...but a dbg! in a test is still left-over debugging.
    let v = with_term("#[cfg(test)]\nmod tests { fn t() { dbg!(1); } }");
    assert_eq!(kinds(&v), vec![Kind::Dbg]);
}

#[test]
fn a_module_without_a_file_is_reported() {
    let v = with_term("mod missing;");
    assert!(matches!(&v[..], [Violation { kind: Kind::Unreadable(why), .. }] if why.contains("term::missing")), "{v:?}");
}

#[test]
fn violations_name_file_and_line() {
    let v = with_term("\n\nfn f() {\n    println!(\"x\");\n}");
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].file.as_str(), v[0].line), ("src/term/mod.rs", 4));
    assert_eq!(v[0].to_string(), "src/term/mod.rs:4: println! outside cli (write to the session's output sink)");
}
