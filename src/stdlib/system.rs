//! `System`: argv, environment variables, version strings, halt. (The clocks are
//! in the runtime's time natives, not here.)

use super::argument::{function_clause, list};
use crate::term::Term;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};

/// `System.argv/0`: the session's arguments (kept by its runtime, not the process).
fn argv(cx: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(Term::list(cx.process.runtime().argv().into_iter().map(Term::string).collect()))
}
fn set_argv_native(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let items = list(&a[0]).ok_or_else(|| function_clause("System", "argv", 1))?;
    let args = items
        .iter()
        .map(|t| {
            t.as_str()
                .map(str::to_string)
                .ok_or_else(|| function_clause("System", "argv", 1))
        })
        .collect::<Result<Vec<_>, _>>()?;
    cx.process.runtime().set_argv(args);
    Ok(Term::ok())
}
fn get_env(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let name = a[0]
        .as_str()
        .ok_or_else(|| function_clause("System", "get_env", 2))?;
    Ok(match std::env::var(name) {
        Ok(v) => Term::string(v),
        Err(_) => a.get(1).cloned().unwrap_or_else(Term::nil),
    })
}
fn fetch_env(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let name = a[0]
        .as_str()
        .ok_or_else(|| function_clause("System", "fetch_env", 1))?;
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
/// `System.halt/0,1`: the hosting program ends with `status` (an integer; `:abort`
/// is 134, as a core-dumping BEAM; a slogan string is 1). Where the program gave
/// no halt hook (the grader), the calling process exits with
/// `{:shutdown, {:halt, status}}` instead.
fn halt(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let status = a.first().cloned().unwrap_or(Term::Int(0));
    if !(matches!(status, Term::Int(0..=255))
        || status.is_atom_named("abort")
        || status.as_str().is_some())
    {
        return Err(function_clause("System", "halt", 1));
    }
    let code = match &status {
        Term::Int(n) => *n as i32,
        s if s.is_atom_named("abort") => 134,
        _ => 1,
    };
    cx.process.runtime().halt(code);
    Err(Control::Raise(Raise::exit(Term::pair(
        Term::atom("shutdown"),
        Term::pair(Term::atom("halt"), status),
    ))))
}

fn schedulers_online(_: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(Term::Int(
        std::thread::available_parallelism()
            .map(|n| n.get() as i64)
            .unwrap_or(1),
    ))
}
/// `System.tmp_dir/0`: TMPDIR, TEMP or TMP if set, else `/tmp`.
fn tmp_dir(_: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    let dir = ["TMPDIR", "TEMP", "TMP"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|d| !d.is_empty()))
        .unwrap_or_else(|| "/tmp".into());
    Ok(Term::string(dir.trim_end_matches('/').to_string()))
}
/// `System.pid/0`: the OS process id, as a string.
fn os_pid(_: &mut NativeCtx<'_>, _: &[Term]) -> NativeResult {
    Ok(Term::string(std::process::id().to_string()))
}

/// Registers `System` (argv, env, version, halt, schedulers, tmp_dir, pid).
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
    reg.add(m, "schedulers_online", 0, schedulers_online);
    reg.add(m, "tmp_dir", 0, tmp_dir);
    reg.add(m, "tmp_dir!", 0, tmp_dir);
    reg.add(m, "pid", 0, os_pid);
    reg.add(m, "unique_integer", 0, super::erlang::unique_integer);
    reg.add(m, "unique_integer", 1, super::erlang::unique_integer);
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
