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

fn text<'t>(t: &'t Term, name: &str, arity: u32) -> Result<std::borrow::Cow<'t, str>, crate::vm::Control> {
    // Paths are chardata: a binary, or a (deep) list of binaries and code points.
    if let Some(s) = t.as_str() {
        return Ok(std::borrow::Cow::Borrowed(s));
    }
    crate::term::text::to_text_bytes(t)
        .ok()
        .filter(|_| t.is_list())
        .and_then(|b| String::from_utf8(b).ok())
        .map(std::borrow::Cow::Owned)
        .ok_or_else(|| function_clause("Path", name, arity))
}

/// The components of `path` as `:filename.split/1` gives them (`/` first when absolute).
pub fn split_components(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    if path.starts_with('/') {
        out.push("/");
    }
    out.extend(path.split('/').filter(|c| !c.is_empty()));
    out
}

fn split(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let path = text(&a[0], "split", 1)?;
    Ok(Term::list(split_components(&path).into_iter().map(Term::string).collect()))
}

fn join_components(parts: &[&str]) -> String {
    parts.iter().fold(String::new(), |acc, p| if acc.is_empty() { (*p).to_string() } else { join2(&acc, p) })
}

fn absname(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let path = text(&a[0], "absname", 2)?;
    if path.starts_with('/') {
        return Ok(Term::string(path.as_ref()));
    }
    let base = match a.get(1) {
        Some(b) => text(b, "absname", 2)?.into_owned(),
        None => std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default(),
    };
    Ok(Term::string(join2(&base, &path)))
}

fn relative_to(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let path = text(&a[0], "relative_to", 2)?;
    let from = text(&a[1], "relative_to", 2)?;
    let (p, f) = (split_components(&path), split_components(&from));
    let common = p.iter().zip(&f).take_while(|(x, y)| x == y).count();
    Ok(Term::string(if common == f.len() && common == p.len() {
        ".".to_string()
    } else if common == f.len() {
        join_components(&p[common..])
    } else {
        path.into_owned()
    }))
}

/// A relative path with `.` and `..` resolved, or `None` when it is absolute or
/// climbs above its start (`Path.safe_relative/1`).
pub fn safe_relative_path(path: &str) -> Option<String> {
    if path.starts_with('/') {
        return None;
    }
    let mut kept: Vec<&str> = Vec::new();
    for c in split_components(path) {
        match c {
            "." => {}
            ".." => {
                kept.pop()?;
            }
            other => kept.push(other),
        }
    }
    Some(join_components(&kept))
}

fn safe_relative(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let path = text(&a[0], "safe_relative", a.len() as u32)?;
    Ok(match safe_relative_path(&path) {
        Some(p) => super::argument::ok(Term::string(p)),
        None => Term::atom("error"),
    })
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
    let mut out = text(&parts[0], "join", arity)?.into_owned();
    if parts.len() == 1 {
        // A single part is only normalised (trailing separators dropped).
        out = join2(&out, "");
    }
    for p in &parts[1..] {
        out = join2(&out, &text(p, "join", arity)?);
    }
    Ok(Term::string(out))
}

/// The last component of `path` (`/a/b/` → `b`).
fn base(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

fn basename(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let path = text(&a[0], "basename", a.len() as u32)?;
    let name = base(&path);
    match a.get(1) {
        Some(ext) => {
            let ext = text(ext, "basename", 2)?;
            Ok(Term::string(
                name.strip_suffix(ext.as_ref())
                    .filter(|_| !ext.is_empty())
                    .unwrap_or(name),
            ))
        }
        None => Ok(Term::string(name)),
    }
}
fn dirname(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let path = text(&a[0], "dirname", 1)?;
    // :filename.dirname/1: drop the last component (a trailing `/` ends it).
    Ok(Term::string(match path.rfind('/') {
        None => ".".to_string(),
        Some(i) => {
            let head = path[..i].trim_end_matches('/');
            if head.is_empty() && path.starts_with('/') { "/".to_string() } else if head.is_empty() { ".".to_string() } else { head.to_string() }
        }
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
    Ok(Term::string(ext(&text(&a[0], "extname", 1)?)))
}
fn rootname(_: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    let path = text(&a[0], "rootname", a.len() as u32)?;
    let e = ext(&path);
    if let Some(wanted) = a.get(1) {
        if text(wanted, "rootname", 2)? != e {
            return Ok(Term::string(path.as_ref()));
        }
    }
    Ok(Term::string(&path[..path.len() - e.len()]))
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
    reg.add(m, "rootname", 2, rootname);
    reg.add(m, "split", 1, split);
    reg.add(m, "absname", 1, absname);
    reg.add(m, "absname", 2, absname);
    reg.add(m, "relative_to", 2, relative_to);
    reg.add(m, "safe_relative", 1, safe_relative);
    reg.add(m, "safe_relative", 2, safe_relative);
    reg.add(m, "safe_relative_to", 2, safe_relative);
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
