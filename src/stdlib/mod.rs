//! Layer 5 — the standard library: natives in Rust (one file per Elixir/Erlang
//! module) and the prelude, Elixir sources compiled into the binary (Enum, Stream,
//! and the OTP behaviours GenServer, Agent, Task, Supervisor...).

pub mod prelude;
pub mod ets;
pub mod prelude_otp;

use crate::vm::NativeRegistry;

// First-order natives (no function arguments): one file per module, plus the
// shared argument decoding, arithmetic and range reading they are built on.
pub mod argument;
pub mod arith;
pub mod atom;
pub mod base;
pub mod date;
pub mod erlang;
pub mod exception;
pub mod file;
pub mod float;
pub mod integer;
pub mod io;
pub mod kernel;
pub mod keyword;
pub mod list;
pub mod lists;
pub mod map;
pub mod maps;
pub mod math;
pub mod path;
pub mod rand;
pub mod range;
pub mod string;
pub mod process;
pub mod timer;
pub mod system;
#[cfg(test)]
pub mod test_bench;
pub mod tuple;

/// Every native function of the standard library.
pub fn natives() -> NativeRegistry {
    let mut reg = NativeRegistry::new();
    crate::vm::builtins::register(&mut reg);
    crate::vm::spawn::register(&mut reg);
    // First-order natives.
    erlang::register(&mut reg);
    kernel::register(&mut reg);
    atom::register(&mut reg);
    base::register(&mut reg);
    date::register(&mut reg);
    exception::register(&mut reg);
    file::register(&mut reg);
    float::register(&mut reg);
    integer::register(&mut reg);
    io::register(&mut reg);
    keyword::register(&mut reg);
    list::register(&mut reg);
    lists::register(&mut reg);
    map::register(&mut reg);
    maps::register(&mut reg);
    math::register(&mut reg);
    path::register(&mut reg);
    rand::register(&mut reg);
    string::register(&mut reg);
    ets::register(&mut reg);
    process::register(&mut reg);
    timer::register(&mut reg);
    system::register(&mut reg);
    tuple::register(&mut reg);
    reg
}

/// The Elixir prelude sources compiled at session start, in dependency order.
pub fn prelude_sources() -> Vec<(&'static str, &'static str)> {
    prelude::SOURCES.iter().chain(prelude_otp::SOURCES.iter()).copied().collect()
}

/// The first stderr line Elixir prints for an uncaught exception in a script.
pub fn banner(raise: &crate::vm::Raise) -> String {
    exception::banner(raise.class, &raise.reason)
}
