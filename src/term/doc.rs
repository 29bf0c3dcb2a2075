//! The pretty-printing document algebra of Elixir's `Inspect.Algebra` (1.14), reduced
//! to the nodes `inspect` uses: text, concatenation, nesting, strict and flex breaks,
//! and groups.
//!
//! Rendering follows Elixir's `format/2` and `fits?/4` clause for clause (Lindig's
//! "Strictly Pretty" with Elixir's two changes: a document only fails to fit once a
//! break has been seen, and *flex* breaks are re-decided one by one so containers of
//! simple items fill their lines). Both the renderer and the fitting check run on
//! explicit stacks, and [`Doc`] drops iteratively, so neither the length of a
//! collection nor the nesting depth of a term can overflow the Rust stack.

/// One document node. Text is measured in bytes, as Elixir measures binaries.
#[derive(Debug, Clone, PartialEq)]
pub enum Doc {
    /// Nothing (`:doc_nil`).
    Nil,
    /// Literal text that never breaks.
    Text(String),
    /// The documents one after another (`concat/1`; associative, so kept flat).
    Concat(Vec<Doc>),
    /// Breaks inside `doc` indent `by` more columns (`nest/2`, mode `:always`).
    Nest(Box<Doc>, usize),
    /// A possible line break, rendered as `sep` when it does not break.
    Break {
        /// The text used when the break stays on the line.
        sep: &'static str,
        /// Flex breaks are decided one at a time; strict ones follow their group.
        flex: bool,
    },
    /// A group: rendered flat if it fits the line, otherwise its breaks may break.
    Group(Box<Doc>),
}

impl Doc {
    /// Literal text.
    pub fn text(s: impl Into<String>) -> Doc {
        Doc::Text(s.into())
    }

    /// `concat(docs)`.
    pub fn concat(docs: Vec<Doc>) -> Doc {
        Doc::Concat(docs)
    }

    /// `nest(doc, by)`; nesting by 0 is the document itself.
    pub fn nest(doc: Doc, by: usize) -> Doc {
        if by == 0 { doc } else { Doc::Nest(Box::new(doc), by) }
    }

    /// `break(sep)`: a strict break.
    pub fn strict_break(sep: &'static str) -> Doc {
        Doc::Break { sep, flex: false }
    }

    /// `flex_break(sep)`.
    pub fn flex_break(sep: &'static str) -> Doc {
        Doc::Break { sep, flex: true }
    }

    /// `group(doc)`.
    pub fn group(doc: Doc) -> Doc {
        Doc::Group(Box::new(doc))
    }

    /// True for text-only documents: Elixir's `simple?/1`, which decides whether a
    /// container may pack several items on a line.
    pub fn is_simple(&self) -> bool {
        match self {
            Doc::Nil | Doc::Text(_) => true,
            Doc::Concat(parts) => parts.iter().all(Doc::is_simple),
            _ => false,
        }
    }

    /// Moves the children out, leaving a childless node (for iterative drop).
    fn take_children(&mut self, into: &mut Vec<Doc>) {
        match self {
            Doc::Concat(parts) => into.append(parts),
            Doc::Nest(inner, _) | Doc::Group(inner) => {
                into.push(std::mem::replace(inner.as_mut(), Doc::Nil));
            }
            Doc::Nil | Doc::Text(_) | Doc::Break { .. } => {}
        }
    }
}

impl Drop for Doc {
    fn drop(&mut self) {
        // Documents nest as deeply as the term they print; unlink them with a loop.
        let mut pending = Vec::new();
        self.take_children(&mut pending);
        while let Some(mut doc) = pending.pop() {
            doc.take_children(&mut pending);
        }
    }
}

/// Whether the breaks of a group render as their separator or as newlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

/// One pending piece of work: a document at an indentation, in a mode.
#[derive(Clone, Copy)]
struct Entry<'a> {
    indent: usize,
    mode: Mode,
    doc: &'a Doc,
}

/// Work items of the fitting check: Elixir's `{:tail, b?, t}` restores the
/// "seen a break" flag when a nested group has been measured.
enum Fit<'a> {
    Doc(Entry<'a>),
    /// The remaining parts of a concatenation, taken one at a time so that checking
    /// a break inside a huge list costs only the distance to the next break.
    Parts(usize, Mode, &'a [Doc]),
    RestoreBreakSeen(bool),
}

/// Renders `doc` for a line `width` (`None` is `:infinity`: never break).
/// Like Elixir's `format/2`, the document starts flat until a group is found.
pub fn render(doc: &Doc, width: Option<usize>) -> String {
    let mut out = String::new();
    let mut column = 0usize;
    let mut stack = vec![Entry { indent: 0, mode: Mode::Flat, doc }];
    while let Some(Entry { indent, mode, doc }) = stack.pop() {
        match doc {
            Doc::Nil => {}
            Doc::Text(s) => {
                out.push_str(s);
                column += s.len();
            }
            Doc::Concat(parts) => {
                stack.extend(parts.iter().rev().map(|d| Entry { indent, mode, doc: d }));
            }
            Doc::Nest(inner, by) => stack.push(Entry { indent: indent + by, mode, doc: inner }),
            Doc::Break { sep, flex: true } => {
                let after = column + sep.len();
                let stays = match width {
                    None => true,
                    Some(w) => mode == Mode::Flat || fits(w, after, true, Vec::new(), &stack),
                };
                if stays {
                    out.push_str(sep);
                    column = after;
                } else {
                    newline(&mut out, indent);
                    column = indent;
                }
            }
            Doc::Break { sep, flex: false } => {
                if mode == Mode::Break {
                    newline(&mut out, indent);
                    column = indent;
                } else {
                    out.push_str(sep);
                    column += sep.len();
                }
            }
            Doc::Group(inner) => {
                let flat = Entry { indent, mode: Mode::Flat, doc: inner };
                let fits_flat = match width {
                    None => true,
                    Some(w) => fits(w, column, false, vec![Fit::Doc(flat)], &[]),
                };
                stack.push(if fits_flat { flat } else { Entry { mode: Mode::Break, ..flat } });
            }
        }
    }
    out
}

fn newline(out: &mut String, indent: usize) {
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Elixir's `fits?/4`: does the text up to the next possible line break fit in
/// `width`, starting at `column`? `local` is checked first, then `rest` (the
/// renderer's stack, top last). A document only fails to fit once a break has been
/// seen (`break_seen`): a long unbreakable run has no better option.
fn fits<'a>(width: usize, mut column: usize, mut break_seen: bool, mut local: Vec<Fit<'a>>, rest: &[Entry<'a>]) -> bool {
    let mut rest_left = rest.len();
    loop {
        if column > width && break_seen {
            return false;
        }
        let entry = match local.pop() {
            Some(Fit::RestoreBreakSeen(b)) => {
                break_seen = b;
                continue;
            }
            Some(Fit::Doc(e)) => e,
            Some(Fit::Parts(indent, mode, parts)) => match parts.split_first() {
                None => continue,
                Some((doc, more)) => {
                    local.push(Fit::Parts(indent, mode, more));
                    Entry { indent, mode, doc }
                }
            },
            None if rest_left == 0 => return true,
            None => {
                rest_left -= 1;
                rest[rest_left]
            }
        };
        let Entry { indent, mode, doc } = entry;
        match doc {
            // A break of a group already broken ends the line: what came before fitted.
            Doc::Break { .. } if mode == Mode::Break => return true,
            Doc::Break { sep, .. } => {
                column += sep.len();
                break_seen = true;
            }
            Doc::Group(inner) => {
                local.push(Fit::RestoreBreakSeen(break_seen));
                local.push(Fit::Doc(Entry { indent, mode: Mode::Flat, doc: inner }));
            }
            Doc::Nil => {}
            Doc::Text(s) => column += s.len(),
            Doc::Nest(inner, by) => local.push(Fit::Doc(Entry { indent: indent + by, mode, doc: inner })),
            Doc::Concat(parts) => local.push(Fit::Parts(indent, mode, parts)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glue(a: Doc, b: Doc) -> Doc {
        Doc::concat(vec![a, Doc::strict_break(" "), b])
    }

    #[test]
    fn group_breaks_only_when_it_does_not_fit() {
        let doc = Doc::group(glue(Doc::text("hello"), Doc::text("world")));
        assert_eq!(render(&doc, Some(30)), "hello world");
        assert_eq!(render(&doc, Some(10)), "hello\nworld");
        assert_eq!(render(&doc, None), "hello world");
    }

    #[test]
    fn nest_indents_broken_lines() {
        let doc = Doc::group(Doc::nest(glue(Doc::text("hello"), Doc::text("world")), 5));
        assert_eq!(render(&doc, Some(5)), "hello\n     world");
    }

    #[test]
    fn inner_group_stays_flat_when_it_fits() {
        // Elixir's own doc example: "Hello,\nA B" at width 6.
        let inner = Doc::group(glue(Doc::text("Hello,"), Doc::text("A")));
        let doc = Doc::group(glue(inner, Doc::text("B")));
        assert_eq!(render(&doc, Some(80)), "Hello, A B");
        assert_eq!(render(&doc, Some(6)), "Hello,\nA\nB");
    }

    #[test]
    fn flex_breaks_fill_lines() {
        let items: Vec<Doc> = (1..=5).map(|i| Doc::text(format!("{i},"))).collect();
        let mut parts = Vec::new();
        for (n, item) in items.into_iter().enumerate() {
            if n > 0 {
                parts.push(Doc::flex_break(" "));
            }
            parts.push(item);
        }
        let doc = Doc::group(Doc::concat(parts));
        assert_eq!(render(&doc, Some(6)), "1, 2,\n3, 4,\n5,");
    }

    #[test]
    fn deep_documents_drop_without_recursion() {
        let mut doc = Doc::text("x");
        for _ in 0..200_000 {
            doc = Doc::group(Doc::nest(doc, 1));
        }
        assert_eq!(render(&doc, None), "x");
    }
}
