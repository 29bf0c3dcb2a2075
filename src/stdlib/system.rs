//! `System`: argv, environment variables, version strings, halt. (The clocks are
//! in the runtime's time natives, not here.)

use super::argument::{function_clause, list};
use crate::term::Term;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};
use parking_lot::RwLock;

/// The script's command-line arguments, set once by the CLI before running it.
static ARGV: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Sets what `System.argv/0` returns (process-wide).
pub fn set_argv(args: Vec<String>) {
    *ARGV.write() = args;
}

fn argv(_: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(Term::list(ARGV.read().iter().map(|s| Term::string(s.as_str())).collect()))
}
fn set_argv_native(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let items = list(&a[0]).ok_or_else(|| function_clause("System", "argv", 1))?;
    let args = items
        .iter()
        .map(|t| t.as_str().map(str::to_string).ok_or_else(|| function_clause("System", "argv", 1)))
        .collect::<Result<Vec<_>, _>>()?;
    set_argv(args);
    Ok(Term::ok())
}
fn get_env(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let name = a[0].as_str().ok_or_else(|| function_clause("System", "get_env", 2))?;
    Ok(match std::env::var(name) {
        Ok(v) => Term::string(v),
        Err(_) => a.get(1).cloned().unwrap_or_else(Term::nil),
    })
}
fn fetch_env(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let name = a[0].as_str().ok_or_else(|| function_clause("System", "fetch_env", 1))?;
    Ok(match std::env::var(name) {
        Ok(v) => super::argument::ok(Term::string(v)),
        Err(_) => Term::atom("error"),
    })
}
fn version(_: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(Term::string("1.14.0"))
}
fn otp_release(_: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(Term::string("25"))
}
/// `System.halt/0,1`: the process exits with `{:shutdown, {:halt, status}}`; the
/// session turns that into the script's exit status.
fn halt(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let status = a.first().cloned().unwrap_or(Term::Int(0));
    if !(matches!(status, Term::Int(0..=255)) || status.is_atom_named("abort") || status.as_str().is_some()) {
        return Err(function_clause("System", "halt", 1));
    }
    Err(Control::Raise(Raise::exit(Term::pair(
        Term::atom("shutdown"),
        Term::pair(Term::atom("halt"), status),
    ))))
}

/// Registers `System` (argv, env, version, halt).
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.System";
    reg.add(m, "argv", 0, argv);
    reg.add(m, "argv", 1, set_argv_native);
    reg.add(m, "get_env", 1, get_env);
    reg.add(m, "get_env", 2, get_env);
    reg.add(m, "fetch_env", 1, fetch_env);
    reg.add(m, "version", 0, version);
    reg.add(m, "otp_release", 0, otp_release);
    reg.add(m, "halt", 0, halt);
    reg.add(m, "halt", 1, halt);
}

#[cfg(test)]
mod tests {
    use crate::stdlib::test_bench::{call, s};

    #[test]
    fn versions_match_the_reference_elixir() {
        // System.version() => "1.14.0"; System.otp_release() => "25"
        assert_eq!(call("Elixir.System", "version", vec![]), s("1.14.0"));
        assert_eq!(call("Elixir.System", "otp_release", vec![]), s("25"));
    }

    #[test]
    fn missing_env_var_gives_default() {
        let name = s("OTPLAB_SURELY_UNSET_VARIABLE");
        assert!(call("Elixir.System", "get_env", vec![name.clone()]).is_nil());
        assert_eq!(call("Elixir.System", "get_env", vec![name, s("d")]), s("d"));
    }
}
