//! The contract for functions written in Rust ("natives", BEAM's BIFs).
//!
//! A native never calls back into the VM: a function that needs to run learner code
//! (apply a fun, call a module function) returns [`Control::Call`] and the VM makes the
//! call in the native's place, as a tail call. This keeps every learner call on the
//! VM's explicit frame stack, where it can suspend and be preempted.

use super::raise::Raise;
use crate::runtime::ProcessContext;
use crate::term::{Atom, Term};

/// What a native may ask of the VM instead of returning a value.
#[derive(Debug)]
pub enum Control {
    /// Raise an exception in the calling process.
    Raise(Raise),
    /// Call `fun` (a `Term::Fun`) with `args`; its result becomes the native's result.
    Call {
        /// The function value.
        fun: Term,
        /// Its arguments (count must equal its arity, else BadArityError).
        args: Vec<Term>,
    },
    /// Call `module.name(args...)`; its result becomes the native's result.
    CallMfa {
        /// The module atom (`Elixir.Enum`, `lists`).
        module: Atom,
        /// The function name.
        name: Atom,
        /// The arguments.
        args: Vec<Term>,
    },
    /// Suspend the process until `deadline_ms` on the runtime clock, then return `value`
    /// (how `Process.sleep` works).
    SleepUntil {
        /// Monotonic milliseconds at which to resume.
        deadline_ms: u64,
        /// The native's result once resumed.
        value: Term,
    },
}

impl From<Raise> for Control {
    fn from(r: Raise) -> Control {
        Control::Raise(r)
    }
}

/// A native's outcome.
pub type NativeResult = Result<Term, Control>;

/// What a native can reach: the calling process (pid, runtime, output).
pub struct NativeCtx<'a> {
    /// The calling process.
    pub process: &'a mut ProcessContext,
    /// The session's module table (for `function_exported?`, spawning, `apply`).
    pub modules: &'a std::sync::Arc<super::modules::Modules>,
    /// The process's group leader when it is a process (a `StringIO` device);
    /// `None` means standard output. Spawned processes inherit it.
    pub group_leader: &'a mut Option<crate::term::Pid>,
}

impl NativeCtx<'_> {
    /// Writes `text` to the group leader: standard output, or an io-request to the
    /// device process (sent without waiting for its reply, which it does not send
    /// for the `:noreply` tag).
    pub fn write_stdout(&mut self, text: &str) {
        match *self.group_leader {
            None => self.process.write_stdout(text),
            Some(device) => {
                let me = crate::term::Term::Pid(self.process.pid());
                let request = crate::term::Term::tuple(vec![
                    crate::term::Term::atom("put_chars"),
                    crate::term::Term::atom("unicode"),
                    crate::term::Term::string(text),
                ]);
                let msg = crate::term::Term::tuple(vec![
                    crate::term::Term::atom("io_request"),
                    me,
                    crate::term::Term::atom("noreply"),
                    request,
                ]);
                self.process.runtime().send(device, msg);
            }
        }
    }
}

/// A function implemented in Rust. `args.len()` always equals the registered arity.
pub type NativeFn = fn(&mut NativeCtx<'_>, &[Term]) -> NativeResult;

/// A second form of a native that owns its arguments and may take from them: the
/// machine calls it instead of the [`NativeFn`] when the first argument is dead after
/// the call (its register is moved; the other arguments are moved when dead, copied
/// otherwise), so `Map.put` on an unshared map inserts in place. It must leave its
/// arguments whole when it raises: they are what the error blames.
pub type OwningFn = fn(&mut NativeCtx<'_>, &mut [Term]) -> NativeResult;

/// The table of natives, keyed by module atom text (`"Elixir.String"`, `"erlang"`,
/// `"lists"`), function name and arity. Each `stdlib` file contributes through a
/// `pub fn register(reg: &mut NativeRegistry)`.
#[derive(Default)]
pub struct NativeRegistry {
    // FxHash: the keys are interned atoms' handles, and SipHash cost a dynamic
    // call's lookup more than the rest of it.
    map: rustc_hash::FxHashMap<(Atom, Atom, u32), NativeFn>,
    owning: rustc_hash::FxHashMap<(Atom, Atom, u32), OwningFn>,
}

impl NativeRegistry {
    /// An empty registry.
    pub fn new() -> NativeRegistry {
        NativeRegistry::default()
    }

    /// Registers `module.name/arity` (module as the full atom text, e.g. `"Elixir.Map"`).
    pub fn add(&mut self, module: &str, name: &str, arity: u32, f: NativeFn) {
        self.map.insert((Atom::new(module), Atom::new(name), arity), f);
    }

    /// Registers the owning form of `module.name/arity` (added with [`NativeRegistry::add`]).
    pub fn add_owning(&mut self, module: &str, name: &str, arity: u32, f: OwningFn) {
        self.owning.insert((Atom::new(module), Atom::new(name), arity), f);
    }

    /// The owning form of `module.name/arity`, if it has one.
    pub fn owning(&self, module: Atom, name: Atom, arity: u32) -> Option<OwningFn> {
        self.owning.get(&(module, name, arity)).copied()
    }

    /// The native for `module.name/arity`, if any.
    pub fn get(&self, module: Atom, name: Atom, arity: u32) -> Option<NativeFn> {
        self.map.get(&(module, name, arity)).copied()
    }

    /// Every registered entry.
    pub fn iter(&self) -> impl Iterator<Item = (&(Atom, Atom, u32), &NativeFn)> {
        self.map.iter()
    }
}
