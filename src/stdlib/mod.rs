//! Layer 5 — the standard library: natives in Rust (one file per Elixir/Erlang
//! module) and the prelude, Elixir sources compiled into the binary (Enum, Stream,
//! and the OTP behaviours GenServer, Agent, Task, Supervisor...).

pub mod prelude_otp;

use crate::vm::NativeRegistry;

/// Every native function of the standard library.
pub fn natives() -> NativeRegistry {
    let reg = NativeRegistry::new();
    reg
}
