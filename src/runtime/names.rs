//! Registered names: `Process.register/2`, `unregister/1`, `whereis/1`, `registered/0`,
//! and the `:global` name table of this one node (any term as a name, several names
//! per process), keyed by hash so a lookup never scans.
//!
//! Invariant: a global name is in the runtime's table exactly when it is in its
//! holder's `global_names`; both change under the table's lock (taken before the
//! process's), and the exit sequence removes both.

use super::error::NameError;
use super::system::Runtime;
use crate::term::{Atom, Pid, Term};

impl Runtime {
    /// Registers `pid` as `name`. Fails, as BEAM does, if the pid is not alive, the
    /// name is taken, the pid already has a name, or the name is `:undefined`.
    pub fn register(&self, pid: Pid, name: Atom) -> Result<(), NameError> {
        let refused = NameError::CannotRegister { pid, name };
        if name.as_str() == "undefined" {
            return Err(refused);
        }
        let entry = self.entry(pid).ok_or_else(|| refused.clone())?;
        // Lock order: names, then the process.
        let mut names = self.inner.names.lock();
        if names.contains_key(&name) {
            return Err(refused);
        }
        let mut st = entry.state.lock();
        if st.dead || st.name.is_some() {
            return Err(refused);
        }
        st.name = Some(name);
        names.insert(name, pid);
        drop(st);
        self.note_register(pid, name);
        Ok(())
    }

    /// Removes the name `name`.
    pub fn unregister(&self, name: Atom) -> Result<(), NameError> {
        let mut names = self.inner.names.lock();
        let pid = names.remove(&name).ok_or(NameError::NotRegistered(name))?;
        if let Some(entry) = self.entry(pid) {
            entry.state.lock().name = None;
        }
        Ok(())
    }

    /// The live process registered as `name`.
    pub fn whereis(&self, name: Atom) -> Option<Pid> {
        self.inner.names.lock().get(&name).copied()
    }

    /// Every registered name, in term (text) order.
    pub fn registered(&self) -> Vec<Atom> {
        let mut all: Vec<Atom> = self.inner.names.lock().keys().copied().collect();
        all.sort();
        all
    }

    /// The name `pid` is registered under.
    pub fn registered_name(&self, pid: Pid) -> Option<Atom> {
        self.entry(pid).and_then(|e| e.state.lock().name)
    }

    /// `:global.register_name/2`: names the live process `pid` as `name`; false
    /// (`:no`) if the name is taken or the process is dead.
    pub fn register_global(&self, name: Term, pid: Pid) -> bool {
        let Some(entry) = self.entry(pid) else {
            return false;
        };
        let mut names = self.inner.global_names.lock();
        if names.contains_key(&name) {
            return false;
        }
        let mut st = entry.state.lock();
        if st.dead {
            return false;
        }
        st.global_names.push(name.clone());
        names.insert(name, pid);
        true
    }

    /// `:global.unregister_name/1`: removes `name` (no-op if nobody holds it).
    pub fn unregister_global(&self, name: &Term) {
        let mut names = self.inner.global_names.lock();
        let Some(pid) = names.remove(name) else {
            return;
        };
        if let Some(entry) = self.entry(pid) {
            entry.state.lock().global_names.retain(|n| n != name);
        }
    }

    /// `:global.whereis_name/1`: the live process holding `name`.
    pub fn whereis_global(&self, name: &Term) -> Option<Pid> {
        self.inner.global_names.lock().get(name).copied()
    }

    /// `:global.registered_names/0`, in term order.
    pub fn global_names(&self) -> Vec<Term> {
        let mut all: Vec<Term> = self.inner.global_names.lock().keys().cloned().collect();
        all.sort();
        all
    }

    /// Drops the global names of `pid`, which is exiting.
    pub(crate) fn forget_global_names(&self, pid: Pid, held: Vec<Term>) {
        if held.is_empty() {
            return;
        }
        let mut names = self.inner.global_names.lock();
        for name in held {
            if names.get(&name) == Some(&pid) {
                names.remove(&name);
            }
        }
    }
}
