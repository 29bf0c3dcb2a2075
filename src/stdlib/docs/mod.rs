//! Documentation for `h/1` in the REPL, written for otplab in its own words: for
//! each module a paragraph, for each function its signature, a paragraph and an
//! example (shown as an `iex>` session). The learner's own `@moduledoc` and `@doc`
//! are read from their module's source (see [`user`]).
//!
//! - [`core`]: Kernel, Enum, Map, List, String.
//! - [`otp`]: Process, Task, Agent, GenServer, Supervisor, `:ets`.
//! - [`user`]: docs of modules defined in the session.

pub mod core;
pub mod otp;
pub mod user;

/// The documentation of one module: its paragraph and its functions.
pub struct ModuleDoc {
    /// The module as written (`Enum`, `:ets`).
    pub module: &'static str,
    /// What the module is for, with an example.
    pub about: &'static str,
    /// Its documented functions.
    pub functions: &'static [FunctionDoc],
}

/// The documentation of one function.
pub struct FunctionDoc {
    /// Its name.
    pub name: &'static str,
    /// Its arity.
    pub arity: u32,
    /// How it is called (`map(enumerable, fun)`).
    pub signature: &'static str,
    /// What it does, then an example.
    pub text: &'static str,
}

/// Every documented module of otplab.
pub fn modules() -> impl Iterator<Item = &'static ModuleDoc> {
    core::MODULES.iter().chain(otp::MODULES.iter())
}

/// The documentation of `module` (`Enum`, `:ets`), if otplab has it.
pub fn module(module: &str) -> Option<&'static ModuleDoc> {
    modules().find(|m| m.module == module)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_has_a_signature_a_paragraph_and_an_example() {
        for m in modules() {
            assert!(m.about.len() > 40, "{}", m.module);
            for f in m.functions {
                assert!(f.signature.starts_with(f.name), "{}.{}", m.module, f.name);
                let args = f.signature.matches(',').count() + usize::from(!f.signature.ends_with("()"));
                assert_eq!(args, f.arity as usize, "{}.{} arity", m.module, f.name);
                assert!(f.text.contains("iex> "), "{}.{} has no example", m.module, f.name);
            }
        }
    }
}
