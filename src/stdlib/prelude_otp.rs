//! The OTP behaviours as Elixir prelude sources, compiled into the binary.
//!
//! GenServer, Agent, Task, Task.Supervisor, Supervisor, DynamicSupervisor,
//! Logger and `:sys` are written in the supported Elixir subset on top of
//! spawn/send/receive/monitor (see `prelude/otp/README.md`), so a learner can
//! read them from the REPL and "Agent is a GenServer" is literally true.
//!
//! Natives they need beyond the usual Kernel/Process/Enum/Map/Keyword/Stream:
//! `:otplab_logger.set_level/1` and `:otplab_logger.level/0`,
//! `Exception.format_banner/3`, `Exception.format_stacktrace/1`,
//! `Exception.format_exit/1`, `function_exported?/3`, `__STACKTRACE__`, the
//! `is_map_key/2` guard, `Process.demonitor/2` with `[:flush]`.

/// `(file name, source)` pairs in dependency order: a module's struct is
/// defined before any source that builds it (Task before Task.Supervised).
pub const SOURCES: &[(&str, &str)] = &[
    ("otp/logger.ex", include_str!("prelude/otp/logger.ex")),
    ("otp/gen_server.ex", include_str!("prelude/otp/gen_server.ex")),
    ("otp/sys.ex", include_str!("prelude/otp/sys.ex")),
    ("otp/agent.ex", include_str!("prelude/otp/agent.ex")),
    ("otp/task.ex", include_str!("prelude/otp/task.ex")),
    ("otp/task_supervised.ex", include_str!("prelude/otp/task_supervised.ex")),
    ("otp/supervisor.ex", include_str!("prelude/otp/supervisor.ex")),
    ("otp/dynamic_supervisor.ex", include_str!("prelude/otp/dynamic_supervisor.ex")),
    ("otp/task_supervisor.ex", include_str!("prelude/otp/task_supervisor.ex")),
    ("otp/registry.ex", include_str!("prelude/otp/registry.ex")),
];

#[cfg(test)]
mod tests {
    use super::SOURCES;

    /// Each source defines the modules its file name promises, and no source
    /// uses constructs the prelude must avoid (`use`, macros, quote).
    #[test]
    fn sources_define_their_modules_without_macros() {
        let expected = [
            ("otp/logger.ex", "defmodule Logger do"),
            ("otp/gen_server.ex", "defmodule GenServer do"),
            ("otp/sys.ex", "defmodule :sys do"),
            ("otp/agent.ex", "defmodule Agent.Server do"),
            ("otp/task.ex", "defmodule Task do"),
            ("otp/task_supervised.ex", "defmodule Task.Supervised do"),
            ("otp/supervisor.ex", "defmodule Supervisor.Server do"),
            ("otp/dynamic_supervisor.ex", "defmodule DynamicSupervisor.Server do"),
            ("otp/task_supervisor.ex", "defmodule Task.Supervisor do"),
            ("otp/registry.ex", "defmodule Registry.Partition do"),
        ];
        assert_eq!(SOURCES.len(), expected.len());
        for ((name, source), (want_name, want_def)) in SOURCES.iter().zip(expected) {
            assert_eq!(*name, want_name);
            assert!(source.contains(want_def), "{name} lacks `{want_def}`");
            for banned in ["\n  use ", "defmacro", "quote do", "unquote("] {
                assert!(!source.contains(banned), "{name} contains `{banned}`");
            }
        }
    }

    /// Every behaviour a `use` can name provides the `__child_spec__/3` the
    /// compiler injects a call to.
    #[test]
    fn every_usable_behaviour_has_child_spec_builder() {
        for module in ["GenServer", "Agent", "Task", "Supervisor", "DynamicSupervisor"] {
            let def = format!("defmodule {module} do");
            let source = SOURCES
                .iter()
                .map(|(_, s)| *s)
                .find(|s| s.contains(&def))
                .unwrap_or_else(|| panic!("no source defines {module}"));
            assert!(source.contains("def __child_spec__(module, arg, use_opts)"), "{module}");
        }
    }
}
