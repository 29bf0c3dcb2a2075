//! `DefineModule`: installing a module when its `defmodule` runs.

use super::Next;
use super::data::put;
use crate::term::Term;
use crate::vm::code::{FunCode, ModuleCode, Reg};
use crate::vm::machine::State;
use crate::vm::modules::ModuleInfo;
use crate::vm::raise::Raise;

impl State {
    /// `DefineModule`: installs `module` in the shared table (refused, as a
    /// CompileError, when it would replace a module the system owns); `dst` gets
    /// `{:module, Name, <<>>, last}`.
    pub(in crate::vm) fn op_define_module(&mut self, code: &FunCode, pc: usize, module: &ModuleCode, dst: Reg) -> Result<Next, Raise> {
        let exports = module.functions.iter().filter(|f| f.2).map(|f| (f.0, f.1)).collect();
        let installed = self.modules.install(
            module.name,
            module.functions.clone(),
            ModuleInfo {
                exports,
                struct_fields: module.struct_fields.clone(),
                is_exception: module.is_exception,
                enforce_keys: module.enforce_keys.clone(),
                source: None,
            },
        );
        if let Err(refused) = installed {
            self.pc = pc;
            return Err(Raise::exception("CompileError", refused.to_string()));
        }
        let w: &mut [Term] = &mut self.regs[self.base..self.base + code.nregs as usize];
        put(&mut w[dst as usize], module.result());
        Ok(Next::At(pc + 1))
    }
}
