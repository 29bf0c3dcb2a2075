//! [`Modules`]: the table of compiled modules and natives that all processes share.
//!
//! Call sites hold an [`ExportCell`] resolved once at compile time; redefining a
//! module swaps the cells' contents, so every process sees the new code at its next
//! call (as BEAM's code loading does for external calls).
//!
//! Reading a cell is on the interpreter's hottest path (every named call), so it is
//! one plain atomic load: no reference count is touched. That is sound because a
//! cell keeps every definition it ever held alive until the cell itself is dropped
//! (see [`ExportCell::get`]); redefinitions are rare (a REPL re-entering a module),
//! so the retained versions cost next to nothing.

use super::code::FunCode;
use super::native::{NativeFn, NativeRegistry, OwningFn};
use crate::term::{Atom, Term};
use parking_lot::{Mutex, RwLock};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicPtr, Ordering};

/// What a call resolves to.
pub enum Callable {
    /// Learner or prelude code.
    Compiled(Arc<FunCode>),
    /// A Rust native.
    Native(NativeFn),
}

/// A resolved definition: the code and whether it is public (`def`) or private (`defp`).
pub struct Export {
    /// The code.
    pub callable: Callable,
    /// `def` (true) or `defp` (false).
    pub public: bool,
    /// A native's owning form, if it has one (see [`OwningFn`]).
    pub owning: Option<OwningFn>,
}

/// One `module.name/arity` slot.
pub struct ExportCell {
    /// The module.
    pub module: Atom,
    /// The function name.
    pub name: Atom,
    /// The arity.
    pub arity: u32,
    /// The current definition (null: undefined). Always null or a pointer into one of
    /// `versions`' entries.
    current: AtomicPtr<Export>,
    /// Every definition stored in this cell, oldest first. Never shrinks, so whatever
    /// `current` pointed to at any time outlives every `&self` borrow.
    versions: Mutex<Vec<Arc<Export>>>,
}

impl ExportCell {
    fn new(module: Atom, name: Atom, arity: u32, initial: Option<Arc<Export>>) -> ExportCell {
        let cell = ExportCell {
            module,
            name,
            arity,
            current: AtomicPtr::new(std::ptr::null_mut()),
            versions: Mutex::new(Vec::new()),
        };
        cell.store(initial);
        cell
    }

    /// The current definition, if any.
    #[inline]
    #[allow(unsafe_code)]
    pub fn get(&self) -> Option<&Export> {
        let p = self.current.load(Ordering::Acquire);
        // SAFETY: `p` is null or was stored by `store` from an `Arc<Export>` that
        // `store` pushed onto `self.versions` first; `versions` only ever grows and
        // is dropped with `self`, so the pointee outlives the `&self` borrow the
        // result is tied to. The Acquire load pairs with `store`'s Release, so the
        // `Export` is fully built when read, and it is never mutated afterwards.
        unsafe { p.as_ref() }
    }

    /// The compiled code of the current definition when a function of module
    /// `caller` may call it: a public function, or a private one of `caller`'s own
    /// module. `None` for a native, an undefined function, or another module's
    /// private one (the general call paths raise for those two).
    #[inline]
    pub fn compiled_for(&self, caller: Atom) -> Option<&Arc<FunCode>> {
        match self.get()? {
            Export { callable: Callable::Compiled(code), public, .. } if *public || caller == self.module => Some(code),
            _ => None,
        }
    }

    /// Makes `export` the current definition (`None`: undefined).
    fn store(&self, export: Option<Arc<Export>>) {
        let mut versions = self.versions.lock();
        let p = match export {
            Some(e) => {
                let p = Arc::as_ptr(&e) as *mut Export;
                versions.push(e);
                p
            }
            None => std::ptr::null_mut(),
        };
        // Release pairs with `get`'s Acquire: a reader that sees `p` sees the Export.
        self.current.store(p, Ordering::Release);
    }
}

impl std::fmt::Debug for ExportCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}/{}", self.module.as_str(), self.name.as_str(), self.arity)
    }
}

/// What is known about a defined module.
#[derive(Clone, Default)]
pub struct ModuleInfo {
    /// Public functions as (name, arity), for `__info__`/`function_exported?`.
    pub exports: Vec<(Atom, u32)>,
    /// `defstruct` fields with defaults, in declaration order.
    pub struct_fields: Option<Vec<(Atom, Term)>>,
    /// True for `defexception` modules.
    pub is_exception: bool,
    /// `@enforce_keys` of the struct.
    pub enforce_keys: Vec<Atom>,
    /// The Elixir source text of the module, when known (the REPL can show it).
    pub source: Option<Arc<str>>,
}

/// All modules of one session.
pub struct Modules {
    // FxHash: a dynamic call (`mod.fun(args)`, every GenServer callback) hashes an
    // (atom, atom, arity) key, for which SipHash cost more than the rest of the lookup.
    cells: RwLock<FxHashMap<(Atom, Atom, u32), Arc<ExportCell>>>,
    infos: RwLock<BTreeMap<Atom, ModuleInfo>>,
    natives: NativeRegistry,
    /// Modules no code may define any more (see [`Modules::reserve_loaded`]).
    reserved: RwLock<std::collections::HashSet<Atom>>,
    /// The source file of each installed module, and of the code being loaded now
    /// (the `file:` of stacktrace entries; read only when a process dies raising).
    files: RwLock<(FxHashMap<Atom, Arc<str>>, Arc<str>)>,
    /// Module attributes whose value is computed when the module is defined (not a
    /// literal), keyed by (module, attribute, definition number): Elixir evaluates
    /// `@a expr` once, at compile time, and every later read sees that one value.
    attributes: RwLock<FxHashMap<(Atom, Atom, u32), Term>>,
}

/// A `defmodule` of a reserved module was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot define module {}: it belongs to otplab's standard library, which graded code may not replace", crate::term::inspect::inspect(&Term::Atom(*.0)))]
pub struct ReservedModule(pub Atom);

impl Modules {
    /// A table whose unresolved calls fall back to `natives`.
    pub fn new(natives: NativeRegistry) -> Modules {
        Modules {
            cells: RwLock::new(FxHashMap::default()),
            infos: RwLock::new(BTreeMap::new()),
            natives,
            reserved: RwLock::default(),
            files: RwLock::new((FxHashMap::default(), Arc::from("nofile"))),
            attributes: RwLock::default(),
        }
    }

    /// The cell for `module.name/arity`, created on first use (filled from the natives
    /// when one exists).
    pub fn cell(&self, module: Atom, name: Atom, arity: u32) -> Arc<ExportCell> {
        if let Some(c) = self.cells.read().get(&(module, name, arity)) {
            return c.clone();
        }
        let mut cells = self.cells.write();
        cells
            .entry((module, name, arity))
            .or_insert_with(|| {
                let current = self.native_export(module, name, arity);
                Arc::new(ExportCell::new(module, name, arity, current))
            })
            .clone()
    }

    /// The definition of native `module.name/arity`, if there is one.
    fn native_export(&self, module: Atom, name: Atom, arity: u32) -> Option<Arc<Export>> {
        let f = self.natives.get(module, name, arity)?;
        Some(Arc::new(Export { callable: Callable::Native(f), public: true, owning: self.natives.owning(module, name, arity) }))
    }

    /// True when `cell` is this table's cell for its `module.name/arity`: the
    /// condition for borrowing code from it for as long as the table lives
    /// (`CodeRef::named`, asserted in debug builds by the call ops).
    pub fn holds_cell(&self, cell: &ExportCell) -> bool {
        self.cells.read().get(&(cell.module, cell.name, cell.arity)).is_some_and(|c| std::ptr::eq(Arc::as_ptr(c), cell))
    }

    /// The cell of `module.name/arity` for a function value or a `function_exported?`
    /// question: an existing cell, or a native's, created here the first time one is
    /// asked for (so the next call reads it from there instead of building its export
    /// again: a `&:erlang.is_atom/1` handed to `Enum.all?/2` is called per element);
    /// `None` for a function neither defined nor native, so calls of made-up names add
    /// nothing to the table. Read it with [`ExportCell::get`].
    pub fn defined_cell(&self, module: Atom, name: Atom, arity: u32) -> Option<Arc<ExportCell>> {
        if let Some(c) = self.cells.read().get(&(module, name, arity)) {
            return Some(c.clone());
        }
        self.natives.get(module, name, arity)?;
        Some(self.cell(module, name, arity))
    }

    /// Installs a module: its functions replace earlier definitions; functions of an
    /// earlier version that the new one lacks become undefined again (natives of the
    /// same name come back).
    /// Refuses a reserved module (nothing changes then).
    pub fn install(
        &self,
        module: Atom,
        functions: Vec<(Atom, u32, bool, Arc<FunCode>)>,
        info: ModuleInfo,
    ) -> Result<(), ReservedModule> {
        if self.reserved.read().contains(&module) {
            return Err(ReservedModule(module));
        }
        let mut defined = std::collections::HashSet::new();
        for (name, arity, public, code) in functions {
            defined.insert((name, arity));
            let cell = self.cell(module, name, arity);
            cell.store(Some(Arc::new(Export { callable: Callable::Compiled(code), public, owning: None })));
        }
        if let Some(old) = self.infos.read().get(&module) {
            for (name, arity) in &old.exports {
                if !defined.contains(&(*name, *arity)) {
                    let cell = self.cell(module, *name, *arity);
                    let native = self.native_export(module, *name, *arity);
                    cell.store(native);
                }
            }
        }
        if let Some(fields) = &info.struct_fields {
            crate::term::inspect::define_struct(
                module,
                fields.iter().map(|(k, _)| *k).filter(|k| k.as_str() != "__exception__").collect(),
            );
        }
        self.infos.write().insert(module, info);
        let mut files = self.files.write();
        let current = files.1.clone();
        files.0.insert(module, current);
        Ok(())
    }

    /// Reserves every module defined so far (the prelude's and the natives'): a
    /// later `defmodule` of one of them fails with [`ReservedModule`]. The grader
    /// calls it once the prelude is loaded, so an answer cannot replace `System`,
    /// `Process`, `Enum`, `GenServer`, `:ets`... under the checks that use them.
    pub fn reserve_loaded(&self) {
        let mut reserved = self.reserved.write();
        reserved.extend(self.infos.read().keys().copied());
        reserved.extend(self.natives.iter().map(|((module, _, _), _)| *module));
    }

    /// Every callable function as (module, name, arity): public compiled functions
    /// and natives, unordered (the REPL's completion lists them).
    pub fn functions(&self) -> Vec<(Atom, Atom, u32)> {
        let mut out: Vec<(Atom, Atom, u32)> = self.natives.iter().map(|(key, _)| *key).collect();
        for (key, cell) in self.cells.read().iter() {
            if cell.get().is_some_and(|e| e.public) {
                out.push(*key);
            }
        }
        out
    }

    /// Keeps `source` as the text of `module` (for `h/1` to read its `@doc`s), if
    /// the module is defined.
    pub fn attach_source(&self, module: Atom, source: &str) {
        if let Some(info) = self.infos.write().get_mut(&module) {
            info.source = Some(Arc::from(source));
        }
    }

    /// Names the file whose code is compiled and run from now on (`st.exs`, `iex`):
    /// modules installed meanwhile, and top-level code, report it in stacktraces.
    pub fn set_source_file(&self, file: &str) {
        self.files.write().1 = Arc::from(file);
    }

    /// The file `module` was defined in; for `nil` (top-level code) or an unknown
    /// module, the file being loaded now.
    pub fn source_file(&self, module: Atom) -> Arc<str> {
        let files = self.files.read();
        files.0.get(&module).cloned().unwrap_or_else(|| files.1.clone())
    }

    /// What is known about `module`, if it was defined in Elixir.
    pub fn info(&self, module: Atom) -> Option<ModuleInfo> {
        self.infos.read().get(&module).cloned()
    }

    /// Replaces the defaults of `module`'s struct with the values its `defstruct`
    /// computed when the module was defined (defaults that are not literals).
    pub fn set_struct_defaults(&self, module: Atom, fields: Vec<(Atom, Term)>) {
        if let Some(info) = self.infos.write().get_mut(&module) {
            info.struct_fields = Some(fields);
        }
    }

    /// Records the value `@name` got at its `n`th definition in `module`'s body.
    pub fn set_attribute(&self, module: Atom, name: Atom, n: u32, value: Term) {
        self.attributes.write().insert((module, name, n), value);
    }

    /// The value `@name` got at its `n`th definition in `module`'s body, once the
    /// body has run that far.
    pub fn attribute(&self, module: Atom, name: Atom, n: u32) -> Option<Term> {
        self.attributes.read().get(&(module, name, n)).cloned()
    }

    /// Every public function of `module`, Elixir-defined or native.
    pub fn exports_of(&self, module: Atom) -> Vec<(Atom, u32)> {
        let mut out: Vec<(Atom, u32)> = self.infos.read().get(&module).map(|i| i.exports.clone()).unwrap_or_default();
        out.extend(self.natives.iter().filter(|((m, _, _), _)| *m == module).map(|((_, n, a), _)| (*n, *a)));
        out.sort_by(|x, y| x.0.as_str().cmp(y.0.as_str()).then(x.1.cmp(&y.1)));
        out.dedup();
        out
    }

    /// True if `module` was defined in Elixir (cheaper than [`Modules::info`]).
    pub fn is_defined(&self, module: Atom) -> bool {
        self.infos.read().contains_key(&module)
    }

    /// True if `module` is defined (in Elixir or by natives).
    pub fn is_loaded(&self, module: Atom) -> bool {
        self.infos.read().contains_key(&module) || self.natives.iter().any(|((m, _, _), _)| *m == module)
    }

    /// True if `module.name/arity` is public (`function_exported?/3`).
    pub fn is_exported(&self, module: Atom, name: Atom, arity: u32) -> bool {
        self.defined_cell(module, name, arity).is_some_and(|c| c.get().is_some_and(|e| e.public))
    }

    /// Names of every module defined in Elixir, sorted.
    pub fn module_names(&self) -> Vec<Atom> {
        self.infos.read().keys().copied().collect()
    }
}

/// An empty module table shared by unit tests that call natives directly.
pub fn empty_for_tests() -> &'static Arc<Modules> {
    static EMPTY: std::sync::OnceLock<Arc<Modules>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| Arc::new(Modules::new(NativeRegistry::new())))
}
