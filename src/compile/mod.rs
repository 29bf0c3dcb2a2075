//! Layer 4a — AST to register-machine code.
//!
//! - [`error`]: [`CompileError`] with Elixir's wording and a position.
//! - [`builder`]: [`builder::FunBuilder`], one function's instructions, registers and scopes.
//! - [`capture`]: what `&...` names (Kernel's BIFs as `:erlang`'s, calls of `&1..&n`).
//! - [`expr`]: expressions, calls, operators, closures, tail positions.
//! - [`liveness`]: which call arguments are their register's last use (moved, not copied).
//! - [`pattern`]: patterns (`=`, clause heads, `receive`), guards.
//! - [`control`]: `case`, `cond`, `if`, `with`, `try`, `receive`, `for`.
//! - [`module`]: `defmodule`, `def`/`defp`, attributes, structs, `use`.
//! - [`protocol`]: `defprotocol`, `defimpl`, `@derive`.
//! - [`record`]: `Record.defrecord` and its macros in expressions and patterns.
//! - [`sigil`]: the calendar sigils' values (`~T`, `~N`, `~U`).
//!
//! The entry point is [`compile_program`]: a script or REPL entry becomes one
//! zero-arity [`FunCode`] whose `defmodule`s install their modules when reached.

pub mod builder;
pub mod capture;
pub mod comprehension;
pub mod control;
pub mod error;
pub mod ex_unit;
pub mod expr;
pub mod liveness;
pub mod module;
pub mod pattern;
pub mod protocol;
pub mod record;
pub mod sigil;

pub use error::{CResult, CompileError, CompileErrorKind};

use crate::syntax::Node;
use crate::term::{ATOMS, Atom};
use crate::vm::code::FunCode;
use crate::vm::modules::Modules;
use builder::FunBuilder;
use std::sync::Arc;

/// A compiled script or REPL entry.
pub struct Program {
    /// The code to run (zero arguments, or the REPL's bindings as arguments).
    pub code: Arc<FunCode>,
    /// For a REPL entry: the names of the bindings the code returns, in order.
    pub bindings_out: Vec<String>,
}

/// Compiles top-level expressions into a runnable function.
///
/// `bindings_in` are variables already bound (the REPL's): they arrive as the
/// function's arguments in this order. When `return_bindings` is true the function
/// returns `{result, [values of bindings_out...]}` instead of the result alone.
pub fn compile_program(
    nodes: &[Node],
    modules: &Modules,
    bindings_in: &[String],
    return_bindings: bool,
) -> CResult<Program> {
    let mut c = expr::Compiler::new(modules);
    let mut b = FunBuilder::new(ATOMS.nil, Atom::new("__script__"), bindings_in.len() as u32, bindings_in.len() as u32);
    for (i, name) in bindings_in.iter().enumerate() {
        b.scope.insert(name.clone(), i as u32);
    }
    let result = c.block_value(&mut b, nodes)?;
    let mut bindings_out: Vec<String> = b.scope.keys().cloned().collect();
    bindings_out.sort();
    if return_bindings {
        let vals: Vec<u32> = bindings_out.iter().map(|n| b.scope[n]).collect();
        let list = b.reg();
        b.emit(crate::vm::code::Instr::MakeList { dst: list, items: vals.into(), tail: None });
        let pair = b.reg();
        b.emit(crate::vm::code::Instr::MakeTuple { dst: pair, items: vec![result, list].into() });
        b.emit(crate::vm::code::Instr::Return { src: pair });
    } else {
        b.emit(crate::vm::code::Instr::Return { src: result });
    }
    Ok(Program { code: Arc::new(b.finish()), bindings_out })
}

/// Compiles `source` on its own (no prelude, no natives) and returns the first module
/// it defines: the one helper the compiler's unit tests inspect generated code with.
#[cfg(test)]
pub(crate) fn first_module(source: &str) -> Arc<crate::vm::code::ModuleCode> {
    let nodes = crate::syntax::parse(source).expect("parses");
    let modules = Modules::new(crate::vm::NativeRegistry::new());
    let program = compile_program(&nodes, &modules, &[], false).expect("compiles");
    program
        .code
        .instrs()
        .iter()
        .find_map(|i| match i {
            crate::vm::code::Instr::DefineModule { module, .. } => Some(module.clone()),
            _ => None,
        })
        .expect("a defmodule")
}
