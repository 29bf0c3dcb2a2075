//! `Path`: joining and splitting paths as text (no file system access).

use super::argument::{function_clause, list};
use crate::term::Term;
use crate::vm::{NativeCtx, NativeRegistry, NativeResult};

/// `Path.join(left, right)`: one separator between the parts, trailing ones dropped.
pub fn join2(left: &str, right: &str) -> String {
    let right = right.trim_start_matches('/');
    let joined = if left.is_empty() {
        right.to_string()
    } else if left.ends_with('/') {
        format!("{left}{right}")
    } else {
        format!("{left}/{right}")
    };
    let trimmed = joined.trim_end_matches('/');
    if trimmed.is_empty() && joined.starts_with('/') {
        "/".into()
    } else {
        trimmed.to_string()
    }
}

fn text<'t>(t: &'t Term, name: &str, arity: u32) -> Result<&'t str, crate::vm::Control> {
    t.as_str()
        .ok_or_else(|| function_clause("Path", name, arity))
}

fn join(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let parts: Vec<Term> = match a {
        [l] => list(l)
            .filter(|p| !p.is_empty())
            .ok_or_else(|| function_clause("Path", "join", 1))?,
        [x, y] => vec![x.clone(), y.clone()],
        _ => return Err(function_clause("Path", "join", a.len() as u32)),
    };
    let arity = a.len() as u32;
    let mut out = text(&parts[0], "join", arity)?.to_string();
    if parts.len() == 1 {
        // A single part is only normalised (trailing separators dropped).
        out = join2(&out, "");
    }
    for p in &parts[1..] {
        out = join2(&out, text(p, "join", arity)?);
    }
    Ok(Term::string(out))
}

/// The last component of `path` (`/a/b/` → `b`).
fn base(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

fn basename(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let name = base(text(&a[0], "basename", a.len() as u32)?);
    match a.get(1) {
        Some(ext) => {
            let ext = text(ext, "basename", 2)?;
            Ok(Term::string(
                name.strip_suffix(ext)
                    .filter(|_| !ext.is_empty())
                    .unwrap_or(name),
            ))
        }
        None => Ok(Term::string(name)),
    }
}
fn dirname(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let path = text(&a[0], "dirname", 1)?;
    let trimmed = path.trim_end_matches('/');
    Ok(Term::string(match trimmed.rfind('/') {
        Some(0) => "/",
        Some(i) => &trimmed[..i],
        None if path.starts_with('/') => "/",
        None => ".",
    }))
}
/// The extension of the last component, with its dot (`.gz`), or empty.
fn ext(path: &str) -> &str {
    let name = base(path);
    match name.rfind('.') {
        Some(i) if i > 0 => &name[i..],
        _ => "",
    }
}
fn extname(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    Ok(Term::string(ext(text(&a[0], "extname", 1)?)))
}
fn rootname(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let path = text(&a[0], "rootname", 1)?;
    Ok(Term::string(&path[..path.len() - ext(path).len()]))
}

/// Registers `Path`.
pub fn register(reg: &mut NativeRegistry) {
    let m = "Elixir.Path";
    reg.add(m, "join", 1, join);
    reg.add(m, "join", 2, join);
    reg.add(m, "basename", 1, basename);
    reg.add(m, "basename", 2, basename);
    reg.add(m, "dirname", 1, dirname);
    reg.add(m, "extname", 1, extname);
    reg.add(m, "rootname", 1, rootname);
}

#[cfg(test)]
mod tests {
    use crate::stdlib::test_bench::{call, l, s};

    #[test]
    fn paths_like_elixir() {
        let p = |name: &str, args| call("Elixir.Path", name, args);
        // Path.join("a", "/b") => "a/b"; ("/tmp/", "x") => "/tmp/x"; ("", "x") => "x";
        // ("/", "x") => "/x"; ("a/", "b/") => "a/b"; (["a", "b", "c"]) => "a/b/c"
        assert_eq!(p("join", vec![s("a"), s("/b")]), s("a/b"));
        assert_eq!(p("join", vec![s("/tmp/"), s("x")]), s("/tmp/x"));
        assert_eq!(p("join", vec![s(""), s("x")]), s("x"));
        assert_eq!(p("join", vec![s("/"), s("x")]), s("/x"));
        assert_eq!(p("join", vec![s("a/"), s("b/")]), s("a/b"));
        assert_eq!(p("join", vec![l(vec![s("a"), s("b"), s("c")])]), s("a/b/c"));
        // basename("/a/b/") => "b"; dirname("b.txt") => "."; extname("a/b.tar.gz") => ".gz"
        assert_eq!(p("basename", vec![s("/a/b/")]), s("b"));
        assert_eq!(p("basename", vec![s("/a/b.txt"), s(".txt")]), s("b"));
        assert_eq!(p("dirname", vec![s("/a/b.txt")]), s("/a"));
        assert_eq!(p("dirname", vec![s("b.txt")]), s("."));
        assert_eq!(p("extname", vec![s("a/b.tar.gz")]), s(".gz"));
        assert_eq!(p("rootname", vec![s("a/b.tar.gz")]), s("a/b.tar"));
    }
}
