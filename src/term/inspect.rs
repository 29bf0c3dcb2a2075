//! `inspect`: Elixir 1.14's Inspect protocol for every [`Term`], pretty-printing
//! included.
//!
//! A term becomes a [`Doc`] exactly as Elixir's `Inspect` implementations build it
//! (`container_doc/6` with its `:maybe`/`:flex`/`:strict` break modes, the limit
//! handed down decremented to each item, `"..."` once it runs out), and the document
//! is rendered by [`super::doc::render`]. Plain `inspect/1` renders with an infinite
//! width; `pretty: true` (what `IO.inspect` uses) breaks lines at `width`.
//!
//! Terms are converted with an explicit stack of container frames, so neither a long
//! list nor a deeply nested term uses the Rust stack.
//!
//! Struct conventions (the runtime builds these values as Elixir does):
//! `%Range{first, last, step}` prints `1..5` / `1..10//3`; `%Date{year, month, day,
//! calendar: Calendar.ISO}` prints `~D[2020-07-10]`; `%MapSet{map: %{elem => []}}`
//! prints `MapSet.new([...])`; other structs print `%Name{field: value}` with
//! `__struct__` and `__exception__` left out. Like Elixir, a struct is assumed to
//! name a defined module.

use super::atom_syntax::{atom_key, atom_literal, atom_remote_call};
use super::date::iso_date;
use super::doc::{Doc, render};
use super::escape::{escape, is_ascii_printable, is_printable_string};
use super::float_format::float_inspect;
use super::map::TermMap;
use super::value::{Fun, FunKind, Term};
use super::{ATOMS, Atom};

/// The `limit` value meaning `:infinity`.
pub const INFINITY: usize = usize::MAX;

/// How lists of integers are shown (Elixir's `:charlists` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charlists {
    /// `'hi'` when every element is printable ASCII, otherwise a list.
    Infer,
    /// Always a list of integers.
    AsLists,
    /// Always a charlist (lists that are not text still print as lists).
    AsCharlists,
}

/// Where `inspect` learns the field order of user structs: Elixir 1.14 prints struct
/// fields in `defstruct` order, which a map keyed in term order does not keep. The
/// VM, which compiles `defstruct`, provides it.
pub trait StructFields: Send + Sync {
    /// The fields of `module`'s struct in definition order (without `__struct__`),
    /// or `None` if `module` defines no struct.
    fn fields(&self, module: Atom) -> Option<Vec<Atom>>;
}

/// Options of `inspect/2` and `IO.inspect/2`.
#[derive(Clone)]
pub struct InspectOpts {
    /// Break long terms across lines at `width` (IO.inspect does; inspect/1 does not).
    pub pretty: bool,
    /// The line width for pretty printing.
    pub width: usize,
    /// Collections show at most this many items, then `...` ([`INFINITY`]: no limit).
    pub limit: usize,
    /// Strings and charlists show at most this many characters ([`INFINITY`]: all).
    pub printable_limit: usize,
    /// How lists of integers are shown.
    pub charlists: Charlists,
    /// Struct field order; without it, fields print in term order and every
    /// `__struct__` map is assumed to be a valid struct.
    pub struct_fields: Option<std::sync::Arc<dyn StructFields>>,
    /// The radix integers print in (`base:` — 2, 8, 10 or 16, with `0b`/`0o`/`0x`).
    pub base: u32,
    /// How binaries are shown (`binaries:`).
    pub binaries: Binaries,
    /// Structs print as structs (`structs: true`, the default), or as the maps
    /// they are (`structs: false`: every key, `__struct__` included, in map order).
    pub structs: bool,
}

/// How binaries are shown (Elixir's `:binaries` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binaries {
    /// A string when printable, else `<<...>>`.
    Infer,
    /// Always a string, escaping what is not printable.
    AsStrings,
    /// Always `<<...>>`.
    AsBinaries,
}

impl Default for InspectOpts {
    fn default() -> Self {
        InspectOpts {
            pretty: false,
            width: 80,
            limit: 50,
            printable_limit: 4096,
            charlists: Charlists::Infer,
            struct_fields: Some(std::sync::Arc::new(DefinedStructs)),
            base: 10,
            binaries: Binaries::Infer,
            structs: true,
        }
    }
}

/// The struct definitions of one session (one node), in `defstruct` order. Each
/// session owns one (its runtime holds it), so two sessions of one program (a
/// `grade --all` run) never print with each other's definitions.
#[derive(Default)]
pub struct StructTable(parking_lot::RwLock<rustc_hash::FxHashMap<Atom, Vec<Atom>>>);

impl StructTable {
    /// Records `module`'s struct fields (definition order; the last definition wins,
    /// as on BEAM).
    pub fn define(&self, module: Atom, fields: Vec<Atom>) {
        self.0.write().insert(module, fields);
    }
}

impl StructFields for StructTable {
    fn fields(&self, module: Atom) -> Option<Vec<Atom>> {
        self.0.read().get(&module).cloned()
    }
}

thread_local! {
    /// The struct table of the session whose code this thread runs: set for good on
    /// a session's scheduler threads, and for a scope ([`enter_struct_table`]) on a
    /// thread that drives a session from outside (the REPL's, the grader's).
    static CURRENT_STRUCTS: std::cell::RefCell<Option<std::sync::Arc<StructTable>>> =
        const { std::cell::RefCell::new(None) };
}

/// Makes `table` this thread's struct table for good (a session's scheduler thread).
pub fn set_thread_struct_table(table: std::sync::Arc<StructTable>) {
    CURRENT_STRUCTS.with(|c| *c.borrow_mut() = Some(table));
}

/// Makes `table` this thread's struct table until the scope drops; the one before
/// comes back then (unless another scope replaced `table` meanwhile: scopes of
/// sessions that outlive each other in any order never put a dead table back over
/// a live one's).
pub fn enter_struct_table(table: std::sync::Arc<StructTable>) -> StructScope {
    let previous = CURRENT_STRUCTS.with(|c| c.borrow_mut().replace(table.clone()));
    StructScope { table, previous, _thread_bound: std::marker::PhantomData }
}

/// See [`enter_struct_table`]. Bound to the thread that made it.
pub struct StructScope {
    table: std::sync::Arc<StructTable>,
    previous: Option<std::sync::Arc<StructTable>>,
    _thread_bound: std::marker::PhantomData<*const ()>,
}

impl Drop for StructScope {
    fn drop(&mut self) {
        CURRENT_STRUCTS.with(|c| {
            let mut current = c.borrow_mut();
            if current.as_ref().is_some_and(|t| std::sync::Arc::ptr_eq(t, &self.table)) {
                *current = self.previous.take();
            }
        });
    }
}

/// Records `module`'s struct fields (definition order) in this thread's session
/// table, for `inspect`. A thread that runs no session's code has no table, and
/// nothing to print with it.
pub fn define_struct(module: Atom, fields: Vec<Atom>) {
    CURRENT_STRUCTS.with(|c| {
        if let Some(t) = c.borrow().as_ref() {
            t.define(module, fields);
        }
    });
}

/// The default [`StructFields`] provider: Elixir's own structs (the one table of
/// them, [`super::builtin_structs`]), then the structs this thread's session defined.
pub struct DefinedStructs;

impl StructFields for DefinedStructs {
    fn fields(&self, module: Atom) -> Option<Vec<Atom>> {
        if let Some(shape) = super::builtin_structs::builtin_struct_of(module) {
            return Some(shape.fields.iter().map(|(k, _)| Atom::new(k)).collect());
        }
        CURRENT_STRUCTS.with(|c| c.borrow().as_ref().and_then(|t| t.fields(module)))
    }
}

impl std::fmt::Debug for InspectOpts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InspectOpts")
            .field("pretty", &self.pretty)
            .field("width", &self.width)
            .field("limit", &self.limit)
            .field("printable_limit", &self.printable_limit)
            .field("charlists", &self.charlists)
            .field("struct_fields", &self.struct_fields.is_some())
            .field("structs", &self.structs)
            .finish()
    }
}

/// `inspect(term)`: one line, at most 50 items per collection.
pub fn inspect(t: &Term) -> String {
    inspect_with(t, &InspectOpts::default())
}

/// `inspect(term, opts)`; with `pretty` this is also the text `IO.inspect` writes
/// (after its label, which the caller prepends).
pub fn inspect_with(t: &Term, opts: &InspectOpts) -> String {
    let doc = Doc::group(to_doc(t, opts));
    render(&doc, if opts.pretty { Some(opts.width) } else { None })
}

/// The algebra document of a term (`Inspect.Algebra.to_doc/2`).
pub fn to_doc(t: &Term, opts: &InspectOpts) -> Doc {
    let root = Ctx { limit: opts.limit, charlists: opts.charlists };
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut next = expand(t, root, opts);
    loop {
        let mut finished = match next {
            Expanded::Frame(frame) => {
                stack.push(frame);
                None
            }
            Expanded::Leaf(doc) => Some(doc),
        };
        // Hand finished docs to their parents, closing every frame that is complete,
        // until some frame has a slot left to expand.
        loop {
            let Some(top) = stack.last_mut() else {
                // Only reached with the root's document: a pushed frame keeps the
                // stack non-empty until it is assembled into `finished`.
                return finished.unwrap_or(Doc::Nil);
            };
            if let Some(doc) = finished.take() {
                top.docs.push(doc);
            }
            if let Some(&(term, ctx)) = top.slots.get(top.docs.len()) {
                next = expand(term, ctx, opts);
                break;
            }
            if let Some(frame) = stack.pop() {
                finished = Some(frame.layout.assemble(frame.docs));
            }
        }
    }
}

/// What a nested term is printed with: the remaining limit and the charlist mode
/// (`MapSet` switches its contents to `AsLists`, as Elixir does).
#[derive(Clone, Copy)]
struct Ctx {
    limit: usize,
    charlists: Charlists,
}

fn decrement(limit: usize) -> usize {
    if limit == INFINITY { INFINITY } else { limit.saturating_sub(1) }
}

/// A term either prints directly or opens a container whose slots print first.
enum Expanded<'a> {
    Leaf(Doc),
    Frame(Frame<'a>),
}

/// A container being printed: the terms still to print (in order) and their docs.
struct Frame<'a> {
    slots: Vec<(&'a Term, Ctx)>,
    docs: Vec<Doc>,
    layout: Layout,
}

/// How one entry of a container consumes the docs of its slots.
enum Part {
    /// One term.
    Plain,
    /// `key: value` (keyword lists and atom-keyed maps); the key is pre-rendered.
    Keyword(String),
    /// `key => value`.
    Assoc,
    /// The last cell of an improper list: `elem | tail`.
    ImproperTail,
}

/// Elixir's `container_doc` break modes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BreakMode {
    /// Flex if every entry is plain text, strict otherwise (lists).
    Maybe,
    /// Always flex (tuples).
    Flex,
    /// Always strict (maps, keyword lists).
    Strict,
}

/// How a frame's docs become one document.
enum Layout {
    Container { left: String, right: &'static str, parts: Vec<Part>, truncated: bool, mode: BreakMode },
    /// `prefix <inner> suffix` (`MapSet.new([...])`).
    Wrapped { prefix: &'static str, suffix: &'static str, inner: Box<Layout> },
    /// `first..last` or `first..last//step`.
    Range { show_step: bool },
    /// `#Stream<[enum: E, funs: [f1, f2]]>`: the docs are the enum's, then the funs'
    /// (already in application order).
    Stream,
}

impl Layout {
    fn assemble(self, docs: Vec<Doc>) -> Doc {
        match self {
            Layout::Wrapped { prefix, suffix, inner } => {
                Doc::concat(vec![Doc::text(prefix), inner.assemble(docs), Doc::text(suffix)])
            }
            Layout::Range { show_step } => {
                let mut it = docs.into_iter();
                let mut all = Vec::new();
                if let (Some(first), Some(last)) = (it.next(), it.next()) {
                    all.extend([first, Doc::text(".."), last]);
                }
                if let (true, Some(step)) = (show_step, it.next()) {
                    all.extend([Doc::text("//"), step]);
                }
                Doc::concat(all)
            }
            Layout::Container { left, right, parts, truncated, mode } => {
                container_doc(left, right, parts, docs, truncated, mode)
            }
            Layout::Stream => {
                let mut it = docs.into_iter();
                let enum_doc = it.next().unwrap_or(Doc::Nil);
                let fun_docs: Vec<Doc> = it.collect();
                let funs = if fun_docs.is_empty() {
                    Doc::text("[]")
                } else {
                    let parts = fun_docs.iter().map(|_| Part::Plain).collect();
                    container_doc("[".into(), "]", parts, fun_docs, false, BreakMode::Maybe)
                };
                let parts = vec![Part::Keyword("enum:".into()), Part::Keyword("funs:".into())];
                let inner = container_doc("[".into(), "]", parts, vec![enum_doc, funs], false, BreakMode::Strict);
                Doc::concat(vec![Doc::text("#Stream<"), inner, Doc::text(">")])
            }
        }
    }
}

/// Elixir's `container_doc/6` once every item's doc is known.
fn container_doc(left: String, right: &'static str, parts: Vec<Part>, docs: Vec<Doc>, truncated: bool, mode: BreakMode) -> Doc {
    let mut simple = mode == BreakMode::Maybe;
    let mut entries: Vec<Doc> = Vec::with_capacity(parts.len() + 1);
    let mut docs = docs.into_iter();
    for part in parts {
        let Some(first) = docs.next() else { break };
        let entry = match part {
            Part::Plain => {
                simple = simple && first.is_simple();
                first
            }
            Part::Keyword(key) => {
                let entry = Doc::concat(vec![Doc::text(key), Doc::text(" "), first]);
                simple = simple && entry.is_simple();
                entry
            }
            Part::Assoc => {
                let value = docs.next().unwrap_or(Doc::Nil);
                let entry = Doc::concat(vec![first, Doc::text(" => "), value]);
                simple = simple && entry.is_simple();
                entry
            }
            Part::ImproperTail => {
                let tail = docs.next().unwrap_or(Doc::Nil);
                simple = simple && first.is_simple() && tail.is_simple();
                let brk = if simple { Doc::flex_break(" ") } else { Doc::strict_break(" ") };
                Doc::concat(vec![first, Doc::text(" |"), brk, tail])
            }
        };
        entries.push(entry);
    }
    if truncated {
        entries.push(Doc::text("..."));
    }
    let flex = simple || mode == BreakMode::Flex;
    let mut body = Vec::with_capacity(entries.len() * 3);
    let count = entries.len();
    for (n, entry) in entries.into_iter().enumerate() {
        body.push(entry);
        if n + 1 < count {
            body.push(Doc::text(","));
            body.push(if flex { Doc::flex_break(" ") } else { Doc::strict_break(" ") });
        }
    }
    let body = Doc::concat(body);
    if flex {
        Doc::group(Doc::concat(vec![Doc::text(left), Doc::nest(body, 1), Doc::text(right)]))
    } else {
        let opened = Doc::concat(vec![Doc::text(left), Doc::strict_break(""), body]);
        Doc::group(Doc::concat(vec![Doc::nest(opened, 2), Doc::strict_break(""), Doc::text(right)]))
    }
}

/// Collects container slots the way `container_each` walks a collection: each item
/// printed with the limit decremented once more, `...` once the limit is spent.
struct Slots<'a> {
    slots: Vec<(&'a Term, Ctx)>,
    parts: Vec<Part>,
    remaining: usize,
    truncated: bool,
    charlists: Charlists,
}

impl<'a> Slots<'a> {
    fn new(ctx: Ctx) -> Self {
        Slots { slots: Vec::new(), parts: Vec::new(), remaining: ctx.limit, truncated: false, charlists: ctx.charlists }
    }

    /// Claims the next item's limit, or marks the container truncated.
    fn take(&mut self) -> Option<Ctx> {
        if self.remaining == 0 {
            self.truncated = true;
            return None;
        }
        self.remaining = decrement(self.remaining);
        Some(Ctx { limit: self.remaining, charlists: self.charlists })
    }

    fn push(&mut self, part: Part, terms: &[&'a Term], ctx: Ctx) {
        self.parts.push(part);
        self.slots.extend(terms.iter().map(|t| (*t, ctx)));
    }

    fn frame(self, left: String, right: &'static str, mode: BreakMode) -> Expanded<'a> {
        let layout = Layout::Container { left, right, parts: self.parts, truncated: self.truncated, mode };
        Expanded::Frame(Frame { slots: self.slots, docs: Vec::new(), layout })
    }

    /// Like [`Slots::frame`], with fixed text around the container.
    fn frame_wrapped(self, left: String, right: &'static str, mode: BreakMode, around: (&'static str, &'static str)) -> Expanded<'a> {
        let inner = Layout::Container { left, right, parts: self.parts, truncated: self.truncated, mode };
        let layout = Layout::Wrapped { prefix: around.0, suffix: around.1, inner: Box::new(inner) };
        Expanded::Frame(Frame { slots: self.slots, docs: Vec::new(), layout })
    }
}

fn leaf(s: impl Into<String>) -> Expanded<'static> {
    Expanded::Leaf(Doc::text(s))
}

fn expand<'a>(t: &'a Term, ctx: Ctx, opts: &InspectOpts) -> Expanded<'a> {
    match t {
        Term::Int(i) if opts.base == 10 => leaf(i.to_string()),
        Term::Int(i) => leaf(radix_text(&num_bigint::BigInt::from(*i), opts.base)),
        Term::BigInt(b) if opts.base == 10 => leaf(b.to_string()),
        Term::BigInt(b) => leaf(radix_text(b, opts.base)),
        Term::Float(f) => leaf(float_inspect(*f)),
        Term::Atom(a) => leaf(atom_literal(a.as_str())),
        Term::Binary(bytes) => Expanded::Leaf(match opts.binaries {
            Binaries::Infer => binary_doc(bytes, ctx.limit, opts.printable_limit),
            Binaries::AsStrings => {
                let (escaped, more) = escape(bytes, b'"', opts.printable_limit);
                Doc::text(format!("\"{escaped}\"{}", if more { " <> ..." } else { "" }))
            }
            Binaries::AsBinaries => bytes_doc(bytes, ctx.limit),
        }),
        Term::Nil => leaf("[]"),
        Term::Cons(_) => list(t, ctx, opts),
        Term::Tuple(items) => {
            if items.is_empty() {
                return leaf("{}");
            }
            let mut slots = Slots::new(ctx);
            for item in items.iter() {
                let Some(c) = slots.take() else { break };
                slots.push(Part::Plain, &[item], c);
            }
            slots.frame("{".into(), "}", BreakMode::Flex)
        }
        Term::Map(map) => match t.struct_name().filter(|_| opts.structs) {
            Some(name) => structure(t, map, name, ctx, opts),
            None => map_container(map, "%{".into(), ctx, false),
        },
        Term::Pid(pid) => leaf(format!("#PID<0.{}.0>", pid.0)),
        Term::Ref(r) => leaf(format!("#Reference<0.0.0.{}>", r.0)),
        Term::Fun(fun) => leaf(function(fun)),
    }
}

/// An integer in base 2, 8 or 16 with Elixir's prefix (`-0x64`).
fn radix_text(i: &num_bigint::BigInt, base: u32) -> String {
    let prefix = match base {
        2 => "0b",
        8 => "0o",
        _ => "0x",
    };
    let digits = i.magnitude().to_str_radix(base).to_uppercase();
    let sign = if i.sign() == num_bigint::Sign::Minus { "-" } else { "" };
    format!("{sign}{prefix}{digits}")
}

/// A binary: a quoted string when printable, `<<1, 2, 3>>` otherwise.
fn binary_doc(bytes: &[u8], limit: usize, printable_limit: usize) -> Doc {
    if is_printable_string(bytes, printable_limit) {
        let (escaped, more) = escape(bytes, b'"', printable_limit);
        let suffix = if more { " <> ..." } else { "" };
        return Doc::text(format!("\"{escaped}\"{suffix}"));
    }
    bytes_doc(bytes, limit)
}

/// A binary as `<<1, 2, 3>>`, whatever its bytes.
fn bytes_doc(bytes: &[u8], limit: usize) -> Doc {
    // `each_bit`: bytes flex-glued, `...` once the limit is spent.
    let mut parts = Vec::new();
    let mut remaining = limit;
    for (n, byte) in bytes.iter().enumerate() {
        if remaining == 0 {
            parts.push(Doc::text("..."));
            break;
        }
        let last = n + 1 == bytes.len();
        parts.push(Doc::text(if last { byte.to_string() } else { format!("{byte},") }));
        if !last {
            parts.push(Doc::flex_break(" "));
        }
        remaining = decrement(remaining);
    }
    // Continuation lines align under the first byte, past `<<`.
    Doc::group(Doc::concat(vec![Doc::text("<<"), Doc::nest(Doc::concat(parts), 2), Doc::text(">>")]))
}

/// A non-empty list: charlist, keyword list, or plain (possibly improper) list.
fn list<'a>(t: &'a Term, ctx: Ctx, opts: &InspectOpts) -> Expanded<'a> {
    let as_charlist = match ctx.charlists {
        Charlists::AsLists => false,
        Charlists::Infer => is_printable_charlist(t, opts.printable_limit),
        Charlists::AsCharlists => t.list_to_vec().is_some_and(|items| items.iter().all(is_code_point)),
    };
    if as_charlist {
        return Expanded::Leaf(charlist_doc(t, opts.printable_limit));
    }
    let mut slots = Slots::new(ctx);
    if is_keyword(t) {
        for pair in t.list_iter() {
            let Some(c) = slots.take() else { break };
            if let Term::Tuple(kv) = pair {
                let key = kv[0].as_atom().map(|a| atom_key(a.as_str())).unwrap_or_default();
                slots.push(Part::Keyword(key), &[&kv[1]], c);
            }
        }
        return slots.frame("[".into(), "]", BreakMode::Strict);
    }
    let mut cur = t;
    while let Term::Cons(cell) = cur {
        let Some(c) = slots.take() else { break };
        if cell.tail.is_list() {
            slots.push(Part::Plain, &[&cell.head], c);
        } else {
            slots.push(Part::ImproperTail, &[&cell.head, &cell.tail], c);
        }
        cur = &cell.tail;
    }
    slots.frame("[".into(), "]", BreakMode::Maybe)
}

fn is_code_point(t: &Term) -> bool {
    matches!(t, Term::Int(i) if char::from_u32(*i as u32).is_some() && *i >= 0)
}

/// `List.ascii_printable?(list, printable_limit)`.
fn is_printable_charlist(t: &Term, printable_limit: usize) -> bool {
    let mut cur = t;
    let mut count = 0usize;
    loop {
        if count == printable_limit {
            return true;
        }
        match cur {
            Term::Nil => return true,
            Term::Cons(cell) => match cell.head {
                Term::Int(c) if is_ascii_printable(c) => {
                    count += 1;
                    cur = &cell.tail;
                }
                _ => return false,
            },
            _ => return false,
        }
    }
}

/// `'charlist'`, truncated to `printable_limit` characters with ` ++ ...`.
fn charlist_doc(t: &Term, printable_limit: usize) -> Doc {
    let text: String = t
        .list_iter()
        .filter_map(|c| match c {
            Term::Int(i) => u32::try_from(*i).ok().and_then(char::from_u32),
            _ => None,
        })
        .collect();
    let (escaped, more) = escape(text.as_bytes(), b'\'', printable_limit);
    let suffix = if more { " ++ ..." } else { "" };
    Doc::text(format!("'{escaped}'{suffix}"))
}

/// `Inspect.List.keyword?/1`: a proper list of `{atom, _}` pairs whose keys are not
/// module aliases.
fn is_keyword(t: &Term) -> bool {
    let mut cur = t;
    loop {
        match cur {
            Term::Nil => return true,
            Term::Cons(cell) => {
                if !is_keyword_pair(&cell.head) {
                    return false;
                }
                cur = &cell.tail;
            }
            _ => return false,
        }
    }
}

fn is_keyword_pair(t: &Term) -> bool {
    match t {
        Term::Tuple(kv) if kv.len() == 2 => kv[0].as_atom().is_some_and(|a| !a.as_str().starts_with("Elixir.")),
        _ => false,
    }
}

/// `%{...}` or `%Name{...}` over `map`'s entries in iteration order.
fn map_container<'a>(map: &'a TermMap, left: String, ctx: Ctx, skip_struct_keys: bool) -> Expanded<'a> {
    let struct_key = Term::Atom(ATOMS.struct_);
    let exception_key = Term::Atom(ATOMS.exception);
    let entries: Vec<(&Term, &Term)> = map
        .iter()
        .filter(|(k, _)| !skip_struct_keys || (**k != struct_key && **k != exception_key))
        .collect();
    if entries.is_empty() {
        return leaf(format!("{left}}}"));
    }
    let keyword = entries.iter().all(|(k, _)| k.as_atom().is_some_and(|a| !a.as_str().starts_with("Elixir.")));
    let mut slots = Slots::new(ctx);
    for (k, v) in entries {
        let Some(c) = slots.take() else { break };
        match (keyword, k.as_atom()) {
            (true, Some(a)) => slots.push(Part::Keyword(atom_key(a.as_str())), &[v], c),
            _ => slots.push(Part::Assoc, &[k, v], c),
        }
    }
    slots.frame(left, "}", BreakMode::Strict)
}

/// Structs: the special forms Elixir gives Range, Date and MapSet, else `%Name{...}`.
fn structure<'a>(t: &'a Term, map: &'a TermMap, name: Atom, ctx: Ctx, opts: &InspectOpts) -> Expanded<'a> {
    match name.as_str() {
        "Elixir.Range" => {
            if let (Some(first @ Term::Int(f)), Some(last @ Term::Int(l)), Some(step @ Term::Int(s)), 4) =
                (t.map_get_atom("first"), t.map_get_atom("last"), t.map_get_atom("step"), map.len())
            {
                // `first..last` only for the default step of an ascending range.
                let show_step = !(*s == 1 && l >= f);
                return Expanded::Frame(Frame {
                    slots: vec![(first, ctx), (last, ctx), (step, ctx)],
                    docs: Vec::new(),
                    layout: Layout::Range { show_step },
                });
            }
        }
        // `Inspect.Stream`: the source and the stages, oldest first (the struct keeps
        // them newest first, as Elixir's does).
        "Elixir.Stream" => {
            if let (Some(source), Some(mut cur)) = (t.map_get_atom("enum"), t.map_get_atom("funs")) {
                let mut stages = Vec::new();
                while let Term::Cons(cell) = cur {
                    stages.push((&cell.head, ctx));
                    cur = &cell.tail;
                }
                if matches!(cur, Term::Nil) {
                    let mut slots = vec![(source, ctx)];
                    slots.extend(stages.into_iter().rev());
                    return Expanded::Frame(Frame { slots, docs: Vec::new(), layout: Layout::Stream });
                }
            }
        }
        "Elixir.Date" => {
            if let Some(text) = iso_date(t) {
                return leaf(format!("~D[{text}]"));
            }
        }
        "Elixir.NaiveDateTime" => {
            if let Some(text) = super::date::iso_naive_datetime(t) {
                return leaf(format!("~N[{text}]"));
            }
        }
        "Elixir.Time" => {
            if let Some(text) = super::date::iso_time(t) {
                return leaf(format!("~T[{text}]"));
            }
        }
        "Elixir.DateTime" => {
            if let Some((text, utc)) = super::date::iso_datetime(t) {
                return leaf(if utc { format!("~U[{text}]") } else { format!("#DateTime<{text}>") });
            }
        }
        "Elixir.Date.Range" => {
            if let (Some(first), Some(last), Some(Term::Int(step))) =
                (t.map_get_atom("first").and_then(iso_date), t.map_get_atom("last").and_then(iso_date), t.map_get_atom("step"))
            {
                let step_text = if *step == 1 { String::new() } else { format!(", {step}") };
                return leaf(format!("Date.range(~D[{first}], ~D[{last}]{step_text})"));
            }
        }
        "Elixir.URI" if t.map_get_atom("authority").is_some_and(Term::is_nil) && map.len() == 9 => {
            // Elixir 1.14 hides the deprecated `authority` field when it is nil.
            let fields = ["scheme", "userinfo", "host", "port", "path", "query", "fragment"];
            let mut slots = Slots::new(ctx);
            for field in fields {
                let Some(c) = slots.take() else { break };
                if let Some(value) = t.map_get_atom(field) {
                    slots.push(Part::Keyword(atom_key(field)), &[value], c);
                }
            }
            return slots.frame("%URI{".into(), "}", BreakMode::Strict);
        }
        "Elixir.Regex" => {
            if let Some(doc) = regex_doc(t, opts) {
                return Expanded::Leaf(doc);
            }
        }
        "Elixir.MapSet" => {
            if let Some(Term::Map(members)) = t.map_get_atom("map") {
                if members.is_empty() {
                    return leaf("MapSet.new([])");
                }
                // Elixir prints the members with `charlists: :as_lists`, all the way down.
                let mut slots = Slots::new(Ctx { limit: ctx.limit, charlists: Charlists::AsLists });
                for (member, _) in members.iter() {
                    let Some(c) = slots.take() else { break };
                    slots.push(Part::Plain, &[member], c);
                }
                return slots.frame_wrapped("[".into(), "]", BreakMode::Maybe, ("MapSet.new(", ")"));
            }
        }
        _ => {}
    }
    let left = format!("%{}{{", atom_literal(name.as_str()));
    let Some(provider) = &opts.struct_fields else {
        return map_container(map, left, ctx, true);
    };
    match provider.fields(name) {
        Some(fields) if fields_match(map, &fields) => {
            // `Inspect.Any` (1.14): the definition's fields, in its order, as keywords.
            let mut slots = Slots::new(ctx);
            for field in fields.iter().filter(|f| **f != ATOMS.exception) {
                let Some(c) = slots.take() else { break };
                if let Some(value) = map.get(&Term::Atom(*field)) {
                    slots.push(Part::Keyword(atom_key(field.as_str())), &[value], c);
                }
            }
            if slots.parts.is_empty() && !slots.truncated {
                return leaf(format!("{left}}}"));
            }
            slots.frame(left, "}", BreakMode::Strict)
        }
        // Not a struct of a known module (or fields added/removed): a plain map.
        _ => map_container(map, "%{".into(), ctx, false),
    }
}

/// `Inspect.Regex` (1.14): `~r/source/opts`, or `Regex.compile!(source, [opts])` when
/// the options are a list of `:re` atoms.
fn regex_doc(t: &Term, opts: &InspectOpts) -> Option<Doc> {
    let source = t.map_get_atom("source")?.as_str()?;
    let options = t.map_get_atom("opts")?;
    if options.is_list() {
        let source_doc = binary_doc(source.as_bytes(), opts.limit, opts.printable_limit);
        let opts_text = inspect_with(options, &InspectOpts::default());
        return Some(Doc::concat(vec![
            Doc::text("Regex.compile!("),
            source_doc,
            Doc::text(format!(", {opts_text})")),
        ]));
    }
    let modifiers = options.as_str()?;
    let mut out = String::from("~r/");
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'/') => {
                chars.next();
                out.push_str("\\/");
            }
            '/' => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0B}' => out.push_str("\\v"),
            '\u{0C}' => out.push_str("\\f"),
            '\u{07}' => out.push_str("\\a"),
            other => out.push(other),
        }
    }
    out.push('/');
    out.push_str(modifiers);
    Some(Doc::text(out))
}

/// True when `map`'s keys are exactly the definition's `fields` (`__struct__` and
/// `__exception__` aside, whether or not the definition lists the latter).
fn fields_match(map: &TermMap, fields: &[Atom]) -> bool {
    let exception = Term::Atom(ATOMS.exception);
    let own = map.len() - 1 - usize::from(map.contains_key(&exception));
    let defined: Vec<&Atom> = fields.iter().filter(|f| **f != ATOMS.exception).collect();
    own == defined.len() && defined.iter().all(|f| map.contains_key(&Term::Atom(**f)))
}

/// A function value: `&Mod.fun/arity` or `#Function<index.hash/arity in Mod.fun/n>`.
fn function(fun: &Fun) -> String {
    match &fun.kind {
        FunKind::Export { module, name } => {
            format!("&{}.{}/{}", atom_literal(module.as_str()), atom_remote_call(name.as_str()), fun.arity)
        }
        FunKind::Closure { module, context, index, .. } => {
            if *module == ATOMS.nil && context.is_empty() {
                // Top-level closures are `erl_eval` funs in iex and `elixir -e`;
                // 3316493 is erl_eval's own hash in OTP 25.
                return format!("#Function<{index}.3316493/{} in :erl_eval.expr/6>", fun.arity);
            }
            let place = match context.rsplit_once('/') {
                Some((name, arity)) if !context.is_empty() => format!(".{}/{arity}", atom_remote_call(name)),
                _ if context.is_empty() => String::new(),
                _ => format!(".{}", atom_remote_call(context)),
            };
            format!("#Function<{index}.{}/{} in {}{place}>", module_hash(module.as_str()), fun.arity, atom_literal(module.as_str()))
        }
    }
}

/// A stable stand-in for the BEAM's per-module fun hash: FNV-1a of the module name,
/// reduced to the 27-bit range the BEAM's hashes fall in.
fn module_hash(module: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in module.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash & ((1 << 27) - 1)
}

#[cfg(test)]
#[path = "inspect_tests.rs"]
mod tests;
