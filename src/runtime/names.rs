//! Registered names: `Process.register/2`, `unregister/1`, `whereis/1`, `registered/0`.

use super::error::NameError;
use super::system::Runtime;
use crate::term::{Atom, Pid};

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
}
