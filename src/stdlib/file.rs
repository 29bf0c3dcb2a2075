//! `File`: read, write, exists?, rm, mkdir_p, ls, stream!, with Elixir's
//! `{:error, posix}` results and `File.Error` messages.
//!
//! Every file system access goes through `gate`, the one place the session's
//! confinement (the runtime's, set by the grader) is applied; a path outside it
//! fails with `:eacces` as if the OS had refused it.
//!
//! `File.stream!/1` returns a `%File.Stream{}` struct; the Elixir prelude iterates it
//! by calling `:otplab_file.read_lines(path)`, which returns every line with its
//! trailing newline (the last line may lack one), or raises the File.Error
//! "could not stream ...".

use super::argument::{error, function_clause, ok};
use super::erlang::iolist_bytes;
use crate::term::Term;
use crate::vm::raise::exception_struct;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult, Raise};
use std::io::ErrorKind;
use std::path::PathBuf;

type Cx<'a, 'b> = &'a mut NativeCtx<'b>;

/// A POSIX error name as Erlang's file module reports it (`enoent`...).
type Posix = &'static str;

/// The one gate: the path to use for `path` (`write`: to change it), or the POSIX
/// error refusing it.
fn gate(cx: &NativeCtx<'_>, path: &str, write: bool) -> Result<PathBuf, Posix> {
    let p = PathBuf::from(path);
    if let Some(rules) = cx.process.runtime().confinement()
        && !rules.allows(&p, write)
    {
        return Err("eacces");
    }
    Ok(p)
}

fn posix(e: &std::io::Error) -> Posix {
    match e.raw_os_error() {
        Some(2) => "enoent",
        Some(13) => "eacces",
        Some(21) => "eisdir",
        Some(17) => "eexist",
        Some(20) => "enotdir",
        Some(39) => "eexist",
        Some(28) => "enospc",
        Some(30) => "erofs",
        Some(1) => "eperm",
        _ => match e.kind() {
            ErrorKind::NotFound => "enoent",
            ErrorKind::PermissionDenied => "eacces",
            ErrorKind::AlreadyExists => "eexist",
            _ => "eio",
        },
    }
}

/// `:file.format_error/1`'s text for a POSIX error.
fn posix_text(reason: &str) -> String {
    match reason {
        "enoent" => "no such file or directory".into(),
        "eacces" => "permission denied".into(),
        "eisdir" => "illegal operation on a directory".into(),
        "eexist" => "file already exists".into(),
        "enotdir" => "not a directory".into(),
        "enospc" => "no space left on device".into(),
        "erofs" => "read-only file system".into(),
        "eperm" => "not owner".into(),
        "eio" => "I/O error".into(),
        other => format!("unknown POSIX error: {other}"),
    }
}

/// `File.Error.message/1`: `could not read file "/x": no such file or directory`.
pub fn error_message(e: &Term) -> String {
    let get = |k: &str| e.map_get_atom(k).cloned().unwrap_or_else(Term::nil);
    let reason = get("reason");
    let reason_text = match reason.as_atom() {
        Some(a) => posix_text(a.as_str()),
        None => crate::term::inspect::inspect(&reason),
    };
    let path = crate::term::inspect::inspect(&get("path"));
    format!(
        "could not {} {path}: {reason_text}",
        get("action").as_str().unwrap_or("")
    )
}

fn file_error(reason: Posix, action: &str, path: &str) -> Control {
    Control::Raise(Raise::error(exception_struct(
        "File.Error",
        vec![
            ("reason", Term::atom(reason)),
            ("path", Term::string(path)),
            ("action", Term::string(action)),
        ],
    )))
}

fn path_arg<'t>(t: &'t Term, name: &str, arity: u32) -> Result<&'t str, Control> {
    t.as_str()
        .ok_or_else(|| function_clause("File", name, arity))
}

fn do_read(cx: &NativeCtx<'_>, path: &str) -> Result<Vec<u8>, Posix> {
    std::fs::read(gate(cx, path, false)?).map_err(|e| posix(&e))
}
fn do_write(cx: &NativeCtx<'_>, path: &str, data: &[u8], append: bool) -> Result<(), Posix> {
    use std::io::Write;
    let p = gate(cx, path, true)?;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .append(append)
        .truncate(!append)
        .open(p)
        .map_err(|e| posix(&e))?;
    f.write_all(data).map_err(|e| posix(&e))
}
fn do_rm(cx: &NativeCtx<'_>, path: &str) -> Result<(), Posix> {
    let p = gate(cx, path, true)?;
    if p.is_dir() {
        // Erlang's file:delete refuses directories with eperm on Linux.
        return Err("eperm");
    }
    std::fs::remove_file(p).map_err(|e| posix(&e))
}
fn do_mkdir_p(cx: &NativeCtx<'_>, path: &str) -> Result<(), Posix> {
    std::fs::create_dir_all(gate(cx, path, true)?).map_err(|e| posix(&e))
}
fn do_ls(cx: &NativeCtx<'_>, path: &str) -> Result<Vec<String>, Posix> {
    let entries = std::fs::read_dir(gate(cx, path, false)?).map_err(|e| posix(&e))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| posix(&e))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    Ok(names)
}

fn read(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "read", 1)?;
    Ok(match do_read(cx, path) {
        Ok(bytes) => ok(Term::bytes(bytes)),
        Err(r) => error(Term::atom(r)),
    })
}
fn read_bang(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "read!", 1)?;
    do_read(cx, path)
        .map(Term::bytes)
        .map_err(|r| file_error(r, "read file", path))
}
fn write_args(a: &[Term], name: &str) -> Result<(String, Vec<u8>, bool), Control> {
    let arity = a.len() as u32;
    let path = path_arg(&a[0], name, arity)?.to_string();
    let mut data = Vec::new();
    iolist_bytes(&a[1], &mut data).ok_or_else(|| function_clause("File", name, arity))?;
    let append = a
        .get(2)
        .is_some_and(|modes| modes.list_iter().any(|m| m.is_atom_named("append")));
    Ok((path, data, append))
}
fn write(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (path, data, append) = write_args(a, "write")?;
    Ok(match do_write(cx, &path, &data, append) {
        Ok(()) => Term::ok(),
        Err(r) => error(Term::atom(r)),
    })
}
fn write_bang(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let (path, data, append) = write_args(a, "write!")?;
    do_write(cx, &path, &data, append)
        .map(|()| Term::ok())
        .map_err(|r| file_error(r, "write to file", &path))
}
fn exists(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "exists?", 1)?;
    Ok(Term::bool(gate(cx, path, false).is_ok_and(|p| p.exists())))
}
fn dir(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "dir?", 1)?;
    Ok(Term::bool(gate(cx, path, false).is_ok_and(|p| p.is_dir())))
}
fn regular(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "regular?", 1)?;
    Ok(Term::bool(gate(cx, path, false).is_ok_and(|p| p.is_file())))
}
fn rm(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "rm", 1)?;
    Ok(match do_rm(cx, path) {
        Ok(()) => Term::ok(),
        Err(r) => error(Term::atom(r)),
    })
}
fn rm_bang(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "rm!", 1)?;
    do_rm(cx, path)
        .map(|()| Term::ok())
        .map_err(|r| file_error(r, "remove file", path))
}
/// The current directory (through the gate: inside the sandbox or refused).
fn do_cwd(cx: &NativeCtx<'_>) -> Result<String, Posix> {
    let dir = std::env::current_dir().map_err(|e| posix(&e))?;
    let text = dir.to_string_lossy().into_owned();
    gate(cx, &text, false)?;
    Ok(text)
}
fn cwd(cx: Cx<'_, '_>, _: &[Term]) -> NativeResult {
    Ok(match do_cwd(cx) {
        Ok(d) => ok(Term::string(d)),
        Err(r) => error(Term::atom(r)),
    })
}
fn cwd_bang(cx: Cx<'_, '_>, _: &[Term]) -> NativeResult {
    do_cwd(cx).map(Term::string).map_err(|r| {
        Control::Raise(Raise::exception("File.Error", format!("could not get current working directory: {}", posix_text(r))))
    })
}

/// Removes `path` and everything below it; the removed paths, children first.
/// A missing path removes nothing (`{:ok, []}`, as Elixir).
fn do_rm_rf(cx: &NativeCtx<'_>, path: &str) -> Result<Vec<String>, (Posix, String)> {
    let p = gate(cx, path, true).map_err(|r| (r, path.to_string()))?;
    let meta = match std::fs::symlink_metadata(&p) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err((posix(&e), path.to_string())),
    };
    let mut removed = Vec::new();
    if meta.is_dir() {
        let entries = std::fs::read_dir(&p).map_err(|e| (posix(&e), path.to_string()))?;
        let mut names: Vec<String> = entries.filter_map(Result::ok).map(|e| e.path().to_string_lossy().into_owned()).collect();
        names.sort();
        for child in names {
            removed.extend(do_rm_rf(cx, &child)?);
        }
        std::fs::remove_dir(&p).map_err(|e| (posix(&e), path.to_string()))?;
    } else {
        std::fs::remove_file(&p).map_err(|e| (posix(&e), path.to_string()))?;
    }
    removed.push(path.to_string());
    Ok(removed)
}
fn rm_rf(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "rm_rf", 1)?;
    Ok(match do_rm_rf(cx, path) {
        Ok(paths) => ok(Term::list(paths.into_iter().map(Term::string).collect())),
        Err((r, at)) => Term::tuple(vec![Term::atom("error"), Term::atom(r), Term::string(at)]),
    })
}
fn rm_rf_bang(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "rm_rf!", 1)?;
    match do_rm_rf(cx, path) {
        Ok(paths) => Ok(Term::list(paths.into_iter().map(Term::string).collect())),
        Err((r, _)) => Err(Control::Raise(Raise::exception(
            "File.Error",
            format!(
                "could not remove files and directories recursively from {}: {}",
                crate::term::inspect::inspect(&Term::string(path)),
                posix_text(r)
            ),
        ))),
    }
}
/// Runs one file system operation through the gate (each path with whether the
/// operation changes it): `:ok` or `{:error, posix}`.
fn simple(cx: &NativeCtx<'_>, paths: &[(&str, bool)], op: impl FnOnce(&[PathBuf]) -> std::io::Result<()>) -> Term {
    let gated: Result<Vec<PathBuf>, Posix> = paths.iter().map(|(p, write)| gate(cx, p, *write)).collect();
    match gated.and_then(|ps| op(&ps).map_err(|e| posix(&e))) {
        Ok(()) => Term::ok(),
        Err(r) => error(Term::atom(r)),
    }
}
fn mkdir(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "mkdir", 1)?;
    Ok(simple(cx, &[(path, true)], |p| std::fs::create_dir(&p[0])))
}
fn rmdir(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "rmdir", 1)?;
    Ok(simple(cx, &[(path, true)], |p| std::fs::remove_dir(&p[0])))
}
fn rename(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let from = path_arg(&a[0], "rename", 2)?;
    let to = path_arg(&a[1], "rename", 2)?;
    Ok(simple(cx, &[(from, true), (to, true)], |p| std::fs::rename(&p[0], &p[1])))
}
fn cp(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let from = path_arg(&a[0], "cp", 3)?;
    let to = path_arg(&a[1], "cp", 3)?;
    Ok(simple(cx, &[(from, false), (to, true)], |p| std::fs::copy(&p[0], &p[1]).map(|_| ())))
}
fn touch(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "touch", 2)?;
    Ok(simple(cx, &[(path, true)], |p| {
        std::fs::OpenOptions::new().create(true).append(true).open(&p[0]).map(|_| ())
    }))
}

fn mkdir_p(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "mkdir_p", 1)?;
    Ok(match do_mkdir_p(cx, path) {
        Ok(()) => Term::ok(),
        Err(r) => error(Term::atom(r)),
    })
}
fn mkdir_p_bang(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "mkdir_p!", 1)?;
    do_mkdir_p(cx, path)
        .map(|()| Term::ok())
        .map_err(|r| file_error(r, "make directory (with -p)", path))
}
fn names(list: Vec<String>) -> Term {
    Term::list(list.into_iter().map(Term::string).collect())
}
fn ls(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = a
        .first()
        .map(|p| path_arg(p, "ls", 1))
        .transpose()?
        .unwrap_or(".");
    Ok(match do_ls(cx, path) {
        Ok(list) => ok(names(list)),
        Err(r) => error(Term::atom(r)),
    })
}
fn ls_bang(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = a
        .first()
        .map(|p| path_arg(p, "ls!", 1))
        .transpose()?
        .unwrap_or(".");
    do_ls(cx, path)
        .map(names)
        .map_err(|r| file_error(r, "list directory", path))
}
/// `File.stream!(path)`: the struct only; nothing is read until the prelude iterates.
fn stream_bang(_: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "stream!", a.len() as u32)?;
    Ok(Term::map([
        (Term::atom("__struct__"), Term::atom("Elixir.File.Stream")),
        (Term::atom("line_or_bytes"), Term::atom("line")),
        (
            Term::atom("modes"),
            Term::list(vec![
                Term::atom("raw"),
                Term::atom("read_ahead"),
                Term::atom("binary"),
            ]),
        ),
        (Term::atom("path"), Term::string(path)),
        (Term::atom("raw"), Term::bool(true)),
    ]))
}
/// `:otplab_file.read_lines(path)`: every line, newline kept, for `File.Stream`.
fn read_lines(cx: Cx<'_, '_>, a: &[Term]) -> NativeResult {
    let path = path_arg(&a[0], "stream!", 1)?;
    let bytes = do_read(cx, path).map_err(|r| file_error(r, "stream", path))?;
    let lines = bytes
        .split_inclusive(|b| *b == b'\n')
        .map(|l| Term::bytes(l.to_vec()))
        .collect();
    Ok(Term::list(lines))
}

/// Registers `File` and the `:otplab_file` helper the prelude's File.Stream uses.
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.File";
    reg.add(m, "cwd", 0, cwd);
    reg.add(m, "cwd!", 0, cwd_bang);
    reg.add(m, "rm_rf", 1, rm_rf);
    reg.add(m, "rm_rf!", 1, rm_rf_bang);
    reg.add(m, "mkdir", 1, mkdir);
    reg.add(m, "rmdir", 1, rmdir);
    reg.add(m, "rename", 2, rename);
    reg.add(m, "cp", 2, cp);
    reg.add(m, "touch", 1, touch);
    reg.add(m, "read", 1, read);
    reg.add(m, "read!", 1, read_bang);
    reg.add(m, "write", 2, write);
    reg.add(m, "write", 3, write);
    reg.add(m, "write!", 2, write_bang);
    reg.add(m, "write!", 3, write_bang);
    reg.add(m, "exists?", 1, exists);
    reg.add(m, "dir?", 1, dir);
    reg.add(m, "regular?", 1, regular);
    reg.add(m, "rm", 1, rm);
    reg.add(m, "rm!", 1, rm_bang);
    reg.add(m, "mkdir_p", 1, mkdir_p);
    reg.add(m, "mkdir_p!", 1, mkdir_p_bang);
    reg.add(m, "ls", 0, ls);
    reg.add(m, "ls", 1, ls);
    reg.add(m, "ls!", 0, ls_bang);
    reg.add(m, "ls!", 1, ls_bang);
    for arity in [1, 2, 3] {
        reg.add(m, "stream!", arity, stream_bang);
    }
    reg.add("otplab_file", "read_lines", 1, read_lines);
}

#[cfg(test)]
mod tests {
    use crate::stdlib::test_bench::{a, call, raised_message, s};
    use crate::term::Term;

    #[test]
    fn write_read_rm_round_trip() {
        let dir = std::env::temp_dir().join(format!("otplab-file-{}", std::process::id()));
        let path = dir.join("x.txt").to_string_lossy().into_owned();
        let _ = call("Elixir.File", "mkdir_p!", vec![s(&dir.to_string_lossy())]);
        assert!(call("Elixir.File", "write!", vec![s(&path), s("a\nb")]).is_atom_named("ok"));
        assert!(call("Elixir.File", "exists?", vec![s(&path)]).is_atom_named("true"));
        assert_eq!(call("Elixir.File", "read!", vec![s(&path)]), s("a\nb"));
        assert_eq!(
            call("otplab_file", "read_lines", vec![s(&path)]),
            Term::list(vec![s("a\n"), s("b")])
        );
        assert!(call("Elixir.File", "rm!", vec![s(&path)]).is_atom_named("ok"));
        // File.rm(path) again => {:error, :enoent}
        assert_eq!(
            call("Elixir.File", "rm", vec![s(&path)]),
            Term::pair(a("error"), a("enoent"))
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn errors_carry_elixir_messages() {
        // File.read!("/nonexist") => could not read file "/nonexist": no such file or directory
        assert_eq!(
            raised_message("Elixir.File", "read!", vec![s("/nonexist")]),
            "could not read file \"/nonexist\": no such file or directory"
        );
        assert_eq!(
            raised_message("Elixir.File", "write!", vec![s("/nonexist/x"), s("a")]),
            "could not write to file \"/nonexist/x\": no such file or directory"
        );
        assert_eq!(
            call("Elixir.File", "read", vec![s("/nonexist")]),
            Term::pair(a("error"), a("enoent"))
        );
    }
}
