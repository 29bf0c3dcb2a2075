//! Typed errors of the runtime layer. The natives turn them into the exceptions
//! Elixir raises.

use crate::term::{Atom, Pid};

/// Failures of the runtime itself (starting, waiting, shutting down).
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The scheduler thread or the tokio runtime could not be created.
    #[error("could not start the process scheduler: {0}")]
    Start(#[from] std::io::Error),
    /// A blocking call was made from inside the runtime, where it would deadlock.
    #[error("{0} must be called from outside the process scheduler")]
    InsideRuntime(&'static str),
    /// The runtime shut down before the awaited process exited.
    #[error("the runtime shut down before process {0:?} exited")]
    Stopped(Pid),
    /// A scheduling policy could not be installed (see `super::schedule`).
    #[error("cannot schedule with a policy: {0}")]
    Schedule(&'static str),
}

/// Why `Process.register/2` or `Process.unregister/1` failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// The pid is dead, the name is taken, or the pid already has a name (BEAM does
    /// not say which, and neither does Elixir's message).
    #[error("could not register {pid:?} with name {name:?}")]
    CannotRegister {
        /// The process to name.
        pid: Pid,
        /// The requested name.
        name: Atom,
    },
    /// `unregister` of a name nobody holds.
    #[error("the name {0:?} is not registered")]
    NotRegistered(Atom),
}

/// Why a link could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// The target does not exist and the caller does not trap exits.
    #[error("the pid does not refer to an existing process")]
    NoProc,
}
