//! Layer 3 — processes on tokio: mailboxes with selective receive, links, monitors,
//! exit signals, registered names, timers, the two clocks, ETS.
//!
//! The runtime runs a process through the [`ProcessBody`] trait (run for a budget →
//! yielded / waiting / exited) and never names the VM, the REPL or the course.
//!
//! - [`body`]: the [`ProcessBody`] contract and [`Step`].
//! - [`context`]: [`ProcessContext`], what a running body may ask of the runtime.
//! - [`system`]: [`Runtime`], the shared process table, names, clock and output.
//! - [`output`]: [`OutputSink`], where `IO.puts` from any process ends up.
//! - [`ets`]: Erlang term storage tables.

pub mod body;
pub mod context;
pub mod ets;
pub mod output;
pub mod system;

pub use body::{ProcessBody, Step};
pub use context::ProcessContext;
pub use ets::EtsRegistry;
pub use output::OutputSink;
pub use system::Runtime;
