//! otplab: learn OTP beyond GenServer — Task, Agent, ETS, with GenServer and
//! Supervisor around them — by running it. One binary interprets a subset of Elixir on
//! a BEAM-like runtime hosted on tokio, and wraps it in a course with timed checks.
//!
//! # Layers
//!
//! Data flows one way; a layer uses only the layers above it in this list.
//! `tests/layering.rs` parses every source file and makes `cargo test` fail when a
//! layer names a lower one (grouped imports, `super::` chains and fully qualified
//! paths included) or when code outside `cli` prints or exits the process:
//!
//! 1. [`syntax`] — text → tokens → AST with spans; tells an incomplete input from a wrong one.
//! 2. [`term`] — the value universe ([`term::Term`]), term order, `inspect`.
//! 3. [`runtime`] — processes on tokio, mailboxes, links, monitors, timers, the two
//!    clocks, ETS. Runs process bodies through [`runtime::ProcessBody`]; knows no VM.
//! 4. [`compile`] + [`vm`] — AST → register-machine code; the machine runs it on an
//!    explicit frame stack (proper tail calls, deep recursion off the Rust stack,
//!    suspension at `receive` and sleeps, reduction counting). A value read for the
//!    last time is moved, not copied (`compile::liveness`), so an accumulator map
//!    stays unshared and `Map.put` updates it in place.
//! 5. [`stdlib`] — natives in Rust, one file per module, and the Elixir prelude
//!    (Enum, Stream, GenServer, Agent, Task, Supervisor...) compiled at start-up.
//! 6. [`session`] — one evaluation context: runtime, modules, bindings, output.
//! 7. [`course`] — units from RON, checks, grading; sees only `session` and `term`.
//! 8. [`cli`] — clap commands, the rustyline REPL; the only layer that prints or
//!    chooses an exit code.
//!
//! # A typed line, to a printed result
//!
//! `cli::repl` reads a line with rustyline and gives it to [`session::Session::eval`];
//! `syntax::parse` turns it into nodes (or says "incomplete", and the REPL asks for
//! another line); `compile::compile_program` turns the nodes into a function whose
//! arguments are the shell's bindings; the session runs it as a process on the
//! runtime; the value comes back as a [`term::Term`], and the REPL prints
//! `term::inspect` of it. Anything a process prints travels through the runtime's
//! [`runtime::OutputSink`], which the `cli` layer implements.
//!
//! # `otplab grade`, to a report
//!
//! `course::catalog` loads the unit's RON file; the grader loads the answer into a
//! fresh [`session::Session`] on the virtual clock, runs each check's expression in
//! a fresh process, and compares value, exception and virtual time with what the
//! check expects; the verdicts become a report (human, JSON, JUnit, Exercism) and
//! `cli` maps them to an exit code (0 passed, 1 failed, 2 unusable input).

pub mod cli;
pub mod compile;
pub mod course;
pub mod runtime;
pub mod session;
pub mod stdlib;
pub mod syntax;
pub mod term;
pub mod vm;
