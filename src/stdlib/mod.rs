//! Layer 5 — the standard library: natives in Rust (one file per Elixir/Erlang
//! module) and the prelude, Elixir sources compiled into the binary (Enum, Stream,
//! and the OTP behaviours GenServer, Agent, Task, Supervisor...).

use crate::vm::NativeRegistry;

pub mod process;
pub mod timer;

/// Every native function of the standard library.
pub fn natives() -> NativeRegistry {
    let mut reg = NativeRegistry::new();
    process::register(&mut reg);
    timer::register(&mut reg);
    reg
}
