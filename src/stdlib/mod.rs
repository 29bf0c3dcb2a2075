//! Layer 5 — the standard library: natives in Rust (one file per Elixir/Erlang
//! module) and the prelude, Elixir sources compiled into the binary (Enum, Stream,
//! and the OTP behaviours GenServer, Agent, Task, Supervisor...).

pub mod prelude;
pub mod ets;
pub mod prelude_otp;

use crate::vm::NativeRegistry;

// First-order natives (no function arguments): one file per module.
pub mod argument;
pub mod arith;
pub mod erlang;
pub mod float;
pub mod integer;
pub mod range;
pub mod string;
pub mod process;
pub mod timer;

/// Every native function of the standard library.
pub fn natives() -> NativeRegistry {
    let mut reg = NativeRegistry::new();
    crate::vm::builtins::register(&mut reg);
    crate::vm::spawn::register(&mut reg);
    // First-order natives.
    erlang::register(&mut reg);
    float::register(&mut reg);
    integer::register(&mut reg);
    string::register(&mut reg);
    ets::register(&mut reg);
    process::register(&mut reg);
    timer::register(&mut reg);
    reg
}

/// The Elixir prelude sources compiled at session start, in dependency order.
pub fn prelude_sources() -> Vec<(&'static str, &'static str)> {
    prelude::SOURCES.iter().chain(prelude_otp::SOURCES.iter()).copied().collect()
}

/// The first stderr line Elixir prints for an uncaught exception in a script.
pub fn banner(raise: &crate::vm::Raise) -> String {
    format!("** ({}) {}", raise.class.atom().as_str(), crate::term::inspect::inspect(&raise.reason))
}

static ARGV: std::sync::RwLock<Vec<String>> = std::sync::RwLock::new(Vec::new());

/// Sets what `System.argv/0` returns.
pub fn set_argv(argv: Vec<String>) {
    if let Ok(mut a) = ARGV.write() {
        *a = argv;
    }
}

/// What `System.argv/0` returns.
pub fn argv() -> Vec<String> {
    ARGV.read().map(|a| a.clone()).unwrap_or_default()
}
