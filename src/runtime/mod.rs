//! Layer 3 — processes on tokio: mailboxes with selective receive, links, monitors,
//! exit signals, registered names, timers, the two clocks, ETS.
//!
//! The runtime runs a process through the [`ProcessBody`] trait (run for a budget →
//! yielded / waiting / exited) and never names the VM, the REPL or the course.
//!
//! - [`body`]: the [`ProcessBody`] contract and [`Step`].
//! - [`context`]: [`ProcessContext`], what a running body may ask of the runtime
//!   (selective receive, dictionary, flags).
//! - [`system`]: [`Runtime`], the shared process table, spawning, sending, the
//!   scheduler thread(s).
//! - [`confinement`]: which directories a session's code may read and write.
//! - [`clock`]: [`Clock`], real or virtual time.
//! - [`hold`]: [`hold::Hold`], virtual time held still (the step mode between steps).
//! - [`mailbox`]: [`mailbox::Mailbox`], the queue with its save index.
//! - [`process`]: the shared half of a process and the exit-signal rules.
//! - [`signals`]: links, monitors, exit signals and the exit sequence.
//! - [`names`]: registered names.
//! - [`aliases`]: process aliases (replies that stop arriving once unwanted).
//! - [`timers`]: `send_after` and friends, one task for all timers.
//! - [`driver`]: the per-process tokio task.
//! - [`ready`]: how many processes are ready, so a lone one keeps its thread.
//! - [`idle_spin`]: an idle worker spins a moment before it sleeps (BEAM's busy wait).
//! - [`schedule`]: a pluggable scheduling policy and the turnstile that applies it
//!   (the schedule explorer's control of interleavings).
//! - [`pct`]: the explorer's policies (seeded PCT, random walk, replay).
//! - [`exploration`]: the explorer's search over seeds and its shrinking.
//! - `roster`: links, monitors and aliases of one process, hash-indexed when many.
//! - `peers`: the entry of the process one process last talked to, kept.
//! - [`heap_gauge`]: the process's live heap bytes, counted by the global allocator
//!   (the grader's memory limit sees every term an answer holds).
//! - [`journal`]: [`Journal`], an opt-in record of process lifetimes for timelines.
//! - [`meter`]: reductions and messages counted, the grader's cost model.
//! - [`observer`]: waiting on the runtime's clock from outside (the grader's checks).
//! - [`info`]: process info and memory accounting.
//! - [`logger`]: the Logger level and crash reports.
//! - [`error`]: typed errors.
//! - [`output`]: [`OutputSink`], where `IO.puts` from any process ends up.

pub mod aliases;
pub mod allocator;
pub mod body;
pub mod clock;
pub mod confinement;
pub mod context;
pub mod ets;
pub mod driver;
pub mod error;
pub mod heap_gauge;
pub mod hold;
pub mod idle_spin;
pub mod info;
pub mod input;
pub mod journal;
pub mod logger;
pub mod mailbox;
pub mod meter;
pub mod names;
pub mod observer;
pub mod output;
pub(crate) mod peers;
pub mod process;
pub mod ready;
pub mod schedule;
pub mod pct;
pub mod exploration;
mod roster;
pub mod signals;
pub mod system;
pub mod timers;

#[cfg(test)]
mod scenarios;

pub use aliases::AliasMode;
pub use body::{ProcessBody, Step};
pub use clock::Clock;
pub use confinement::Confinement;
pub use context::ProcessContext;
pub use ets::EtsRegistry;
pub use error::{LinkError, NameError, RuntimeError};
pub use journal::{Journal, JournalEntry, LifeEvent, SequenceEntry, SequenceEvent};
pub use input::{HaltHook, InputSource};
pub use info::{MemoryGauge, MemoryKind, MemoryReport, ProcessInfo};
pub use logger::LogLevel;
pub use meter::{Meter, MeterReading};
pub use output::{Discard, OutputSink};
pub use system::{ExitHook, Runtime, SpawnOpts};
pub use schedule::{Decision, SchedulePolicy, ScheduleEvent};
pub use timers::TimerDest;
