//! Test bench for natives: runs one native on a throwaway process and captures
//! what it writes, so each stdlib file's tests can assert real results.

use crate::runtime::{OutputSink, ProcessContext, Runtime};
use crate::term::{Pid, Term};
use crate::vm::{Control, NativeCtx, NativeResult};
use parking_lot::Mutex;
use std::sync::{Arc, LazyLock};

/// Captured stdout and stderr.
#[derive(Default)]
pub struct Captured {
    /// Everything written to stdout.
    pub stdout: Mutex<String>,
    /// Everything written to stderr.
    pub stderr: Mutex<String>,
}

impl OutputSink for Captured {
    fn write_stdout(&self, text: &str) {
        self.stdout.lock().push_str(text);
    }
    fn write_stderr(&self, text: &str) {
        self.stderr.lock().push_str(text);
    }
}

static REGISTRY: LazyLock<crate::vm::NativeRegistry> = LazyLock::new(super::natives);

/// Calls `module.name(args)` and returns its result and the captured output.
pub fn run(module: &str, name: &str, args: Vec<Term>) -> (NativeResult, Arc<Captured>) {
    let sink = Arc::new(Captured::default());
    let mut process = ProcessContext::new(Pid(1), Runtime::new(sink.clone()));
    let arity = args.len() as u32;
    let f = REGISTRY
        .get(
            crate::term::Atom::new(module),
            crate::term::Atom::new(name),
            arity,
        )
        .unwrap_or_else(|| panic!("no native {module}.{name}/{arity}"));
    let result = f(
        &mut NativeCtx {
            process: &mut process,
            modules: crate::vm::modules::empty_for_tests(),
            group_leader: &mut None,
        },
        &args,
    );
    (result, sink)
}

/// Calls a native and returns its value, panicking (a test failure) if it raised.
pub fn call(module: &str, name: &str, args: Vec<Term>) -> Term {
    match run(module, name, args).0 {
        Ok(t) => t,
        Err(Control::Raise(r)) => panic!("{module}.{name} raised {:?}", r.reason),
        Err(other) => panic!("{module}.{name} returned control {other:?}"),
    }
}

/// Calls a native expected to raise; returns the raised reason.
pub fn raised(module: &str, name: &str, args: Vec<Term>) -> Term {
    match run(module, name, args).0 {
        Err(Control::Raise(r)) => r.reason,
        Ok(t) => panic!("{module}.{name} returned {t:?} instead of raising"),
        Err(other) => panic!("{module}.{name} returned control {other:?}"),
    }
}

/// The message of a raised exception (for comparison with Elixir's text).
pub fn raised_message(module: &str, name: &str, args: Vec<Term>) -> String {
    super::exception::message(&super::exception::normalize(&raised(module, name, args)))
}

/// Shorthand: a string term.
pub fn s(text: &str) -> Term {
    Term::string(text)
}

/// Shorthand: an integer term.
pub fn i(n: i64) -> Term {
    Term::Int(n)
}

/// Shorthand: an atom term.
pub fn a(name: &str) -> Term {
    Term::atom(name)
}

/// Shorthand: a list term.
pub fn l(items: Vec<Term>) -> Term {
    Term::list(items)
}

/// Shorthand: a tuple term.
pub fn t(items: Vec<Term>) -> Term {
    Term::tuple(items)
}

/// Shorthand: a keyword list from `(key, value)` pairs.
pub fn kw(pairs: Vec<(&str, Term)>) -> Term {
    Term::list(
        pairs
            .into_iter()
            .map(|(k, v)| Term::pair(Term::atom(k), v))
            .collect(),
    )
}

/// Shorthand: a map with atom keys.
pub fn m(pairs: Vec<(&str, Term)>) -> Term {
    Term::map(pairs.into_iter().map(|(k, v)| (Term::atom(k), v)))
}
