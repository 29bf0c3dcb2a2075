//! The runtime-wide Logger level and the crash report a dying process logs.

use super::output::OutputSink;
use crate::term::{Pid, Term};

/// Logger levels, least to most severe, as `Logger.configure(level: _)` names them.
/// `All` lets everything through; `None` silences everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum LogLevel {
    /// `:all`
    All = 0,
    /// `:debug`
    Debug = 1,
    /// `:info`
    Info = 2,
    /// `:notice`
    Notice = 3,
    /// `:warning` (also `:warn`)
    Warning = 4,
    /// `:error`
    Error = 5,
    /// `:critical`
    Critical = 6,
    /// `:alert`
    Alert = 7,
    /// `:emergency`
    Emergency = 8,
    /// `:none`
    None = 9,
}

impl LogLevel {
    /// The level named by `name` (`"debug"`, `"warning"`, `"none"`...).
    pub fn from_name(name: &str) -> Option<LogLevel> {
        Some(match name {
            "all" => LogLevel::All,
            "debug" => LogLevel::Debug,
            "info" => LogLevel::Info,
            "notice" => LogLevel::Notice,
            "warning" | "warn" => LogLevel::Warning,
            "error" => LogLevel::Error,
            "critical" => LogLevel::Critical,
            "alert" => LogLevel::Alert,
            "emergency" => LogLevel::Emergency,
            "none" => LogLevel::None,
            _ => return None,
        })
    }

    /// The level's name as an atom text.
    pub fn name(self) -> &'static str {
        match self {
            LogLevel::All => "all",
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Notice => "notice",
            LogLevel::Warning => "warning",
            LogLevel::Error => "error",
            LogLevel::Critical => "critical",
            LogLevel::Alert => "alert",
            LogLevel::Emergency => "emergency",
            LogLevel::None => "none",
        }
    }

    /// The level stored as `byte` (see `repr(u8)`); unknown bytes mean `None`.
    pub(crate) fn from_byte(byte: u8) -> LogLevel {
        [
            LogLevel::All,
            LogLevel::Debug,
            LogLevel::Info,
            LogLevel::Notice,
            LogLevel::Warning,
            LogLevel::Error,
            LogLevel::Critical,
            LogLevel::Alert,
            LogLevel::Emergency,
        ]
        .get(usize::from(byte))
        .copied()
        .unwrap_or(LogLevel::None)
    }

    /// True if a message of severity `message` is shown when the configured level
    /// is `self`.
    pub fn allows(self, message: LogLevel) -> bool {
        self != LogLevel::None && message >= self
    }
}

/// True for the exit reasons that are not crashes: `:normal`, `:shutdown` and
/// `{:shutdown, _}` (OTP logs nothing for them).
pub fn is_clean_exit(reason: &Term) -> bool {
    match reason {
        Term::Atom(a) => matches!(a.as_str(), "normal" | "shutdown"),
        Term::Tuple(items) => items.len() == 2 && items[0].is_atom_named("shutdown"),
        _ => false,
    }
}

/// `#PID<0.N.0>`, as BEAM prints a local pid.
pub fn pid_text(pid: Pid) -> String {
    format!("#PID<0.{}.0>", pid.0)
}

/// Writes Elixir's report for a process that raised: a blank line, a timestamp
/// (`HH:MM:SS.mmm` of `system_time_ms`, UTC), `[error] Process #PID<...> raised an
/// exception` and the formatted exception `detail` the VM supplied.
pub(crate) fn write_crash_report(out: &dyn OutputSink, pid: Pid, system_time_ms: u64, detail: &str) {
    let day_ms = system_time_ms % 86_400_000;
    let (h, m, s, ms) =
        (day_ms / 3_600_000, day_ms / 60_000 % 60, day_ms / 1000 % 60, day_ms % 1000);
    let detail = detail.trim_end_matches('\n');
    out.write_stdout(&format!(
        "\n{h:02}:{m:02}:{s:02}.{ms:03} [error] Process {} raised an exception\n{detail}\n",
        pid_text(pid)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use parking_lot::Mutex;

    #[derive(Default)]
    struct Captured(Mutex<String>);
    impl OutputSink for Captured {
        fn write_stdout(&self, text: &str) {
            self.0.lock().push_str(text);
        }
        fn write_stderr(&self, _text: &str) {}
    }

    #[test]
    fn levels_gate_by_severity() {
        assert!(LogLevel::Error.allows(LogLevel::Error));
        assert!(LogLevel::Debug.allows(LogLevel::Error));
        assert!(!LogLevel::Critical.allows(LogLevel::Error));
        assert!(!LogLevel::None.allows(LogLevel::Emergency));
        assert_eq!(LogLevel::from_name("warn"), Some(LogLevel::Warning));
        assert_eq!(LogLevel::from_name("loud"), None);
        for b in 0..=9u8 {
            assert_eq!(LogLevel::from_byte(b) as u8, b);
        }
    }

    #[test]
    fn clean_exits_are_normal_and_shutdown() {
        assert!(is_clean_exit(&Term::atom("normal")));
        assert!(is_clean_exit(&Term::pair(Term::atom("shutdown"), Term::Int(1))));
        assert!(!is_clean_exit(&Term::atom("killed")));
        assert!(!is_clean_exit(&Term::pair(Term::atom("boom"), Term::Int(1))));
    }

    #[test]
    fn crash_report_text() {
        let out = Captured::default();
        write_crash_report(&out, Pid(107), 1_704_067_200_000 + 3_723_456, "** (RuntimeError) crash\n");
        insta::assert_snapshot!(out.0.lock().as_str(), @r"

        01:02:03.456 [error] Process #PID<0.107.0> raised an exception
        ** (RuntimeError) crash
        ");
    }
}
