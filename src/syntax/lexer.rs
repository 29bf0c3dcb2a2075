//! Lexer: characters to [`Token`]s.
//!
//! Like Elixir's own tokenizer, the lexer checks that every opening bracket, `do` and
//! `fn` is closed before the parser runs, so an unclosed construct is always reported
//! as [`SyntaxErrorKind::Incomplete`] with Elixir's `missing terminator` wording, and a
//! stray closer as `unexpected token`. Strings, charlists, heredocs and sigils are
//! lexed whole; each `#{...}` inside them is lexed recursively into its own token list.
//!
//! Newlines are tokens (statement separators), except that a newline directly before
//! a binary-only operator (`|>`, `==`, `.`, `when`...) is dropped, so a pipeline whose
//! lines start with `|>` continues the previous expression, as in Elixir.

use super::error::{SyntaxError, SyntaxErrorKind};
use super::span::Span;
use num_bigint::BigInt;

/// Deepest nesting of string interpolations accepted (`"#{"#{...}"}"`).
pub const MAX_INTERPOLATION_DEPTH: u32 = 64;

/// One token with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// What the token is.
    pub kind: Tok,
    /// Where its first character is.
    pub span: Span,
    /// Whether whitespace or a comment came right before it (tells `foo(x)` from
    /// `foo (x)`, `a[1]` from `a [1]`, `foo -1` from `foo - 1`).
    pub space_before: bool,
}

/// The kinds of token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// An integer that fits in i64.
    Int(i64, String),
    /// An integer too large for i64.
    BigInt(BigInt, String),
    /// A float, with its text as written.
    Float(f64, String),
    /// An atom `:ok`, `:"quoted"`, `:+`, `true`, `false`, `nil`.
    Atom(String),
    /// A keyword key `name:` or `"quoted":` (the colon and a space follow).
    KwKey(String),
    /// A string (or the body of a heredoc).
    Str(Vec<Piece>),
    /// A charlist `'abc'`.
    Charlist(Vec<Piece>),
    /// A sigil `~w(a b)a`.
    Sigil {
        /// The sigil letter.
        letter: char,
        /// The contents.
        pieces: Vec<Piece>,
        /// Modifier letters after the closing delimiter.
        modifiers: String,
    },
    /// A lower-case identifier (variable or function name).
    Ident(String),
    /// A capitalised alias segment (`Foo`).
    Alias(String),
    /// A capture placeholder `&1`.
    CaptureArg(u32),
    /// An operator, including the word operators `and or not in when` and `|`, `=>`,
    /// `::`, `->`, `<-`, `\\`, `&`, `@`.
    Op(&'static str),
    /// A reserved word: `do end fn else rescue catch after`.
    Reserved(&'static str),
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `%{` (a map literal opener).
    PercentBrace,
    /// `%` before a struct name.
    Percent,
    /// `<<`
    LtLt,
    /// `>>`
    GtGt,
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// `;`
    Semicolon,
    /// One or more line breaks.
    Newline,
    /// End of input.
    Eof,
}

/// A piece of a string-like token.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// Literal text (escapes processed where the construct processes them).
    Lit(String),
    /// Literal bytes that are not UTF-8 text: `\xHH` writes a byte, not a code
    /// point, so `"\xFF"` is the one-byte binary `<<255>>`. A string (and `~s`)
    /// holds them as they are; a charlist or an atom, which are text, rejects them.
    Bytes(Vec<u8>),
    /// The tokens of a `#{...}` interpolation, ending with [`Tok::Eof`].
    Code(Vec<Token>),
}

/// Symbolic operators, longest first so the first match is the longest.
const OPERATORS: &[&str] = &[
    "===", "!==", "<<<", ">>>", "|||", "&&&", "^^^", "~~~", "<~>", "<|>", "+++", "---", "\\\\",
    "==", "!=", "=~", "<=", ">=", "&&", "||", "++", "--", "<>", "..", "//", "|>", "->", "<-", "=>",
    "::", "**", "<~", "~>", "=", "+", "-", "*", "/", "<", ">", "!", "^", "&", "|", "@",
];

/// Operators that can only be binary: a newline right before one continues the line.
fn continues_previous_line(op: &str) -> bool {
    !matches!(op, "+" | "-" | "!" | "^" | "&" | "@" | "not" | "~~~")
}

/// Operators an atom may be named after (`:+`, `:==`).
const ATOM_OPERATORS: &[&str] = &[
    "===", "!==", "==", "!=", "<=", ">=", "&&", "||", "++", "--", "<>", "..", "|>", "**", "=~",
    "+", "-", "*", "/", "<", ">", "!", "^", "&", "|", "@", "=",
];

/// Something opened and not yet closed.
#[derive(Debug, Clone, Copy)]
struct Opener {
    /// What was written (`(`, `[`, `{`, `<<`, `do`, `fn`).
    text: &'static str,
    /// Where.
    span: Span,
}

impl Opener {
    /// The token that closes it.
    fn closer(&self) -> &'static str {
        match self.text {
            "(" => ")",
            "[" => "]",
            "{" => "}",
            "<<" => ">>",
            _ => "end",
        }
    }
}

/// The lexer's state: the source as characters and a cursor.
struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: u32,
    col: u32,
}

/// Turns a whole source text into tokens ending with [`Tok::Eof`].
pub fn tokenize(source: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut lexer = Lexer {
        chars: source.chars().collect(),
        pos: 0,
        line: 1,
        col: 1,
    };
    lexer.tokens(None, 0)
}

fn invalid(span: Span, message: impl Into<String>) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::Invalid,
        span,
        message: message.into(),
    }
}

fn incomplete(span: Span, message: impl Into<String>) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::Incomplete,
        span,
        message: message.into(),
    }
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_lowercase() || (c.is_alphabetic() && !c.is_uppercase())
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    fn here(&self) -> Span {
        Span::new(self.line, self.col)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c))
    }

    /// Lexes tokens until the end of input or, for an interpolation (`string` is the
    /// enclosing construct's opening line and terminator), until its closing `}`.
    fn tokens(
        &mut self,
        string: Option<(u32, &str)>,
        depth: u32,
    ) -> Result<Vec<Token>, SyntaxError> {
        let mut out: Vec<Token> = Vec::new();
        let mut open: Vec<Opener> = Vec::new();
        let mut space = true;
        loop {
            // Whitespace and comments.
            let mut newline_at = None;
            while let Some(c) = self.peek() {
                if c == '\n' {
                    newline_at.get_or_insert(self.here());
                    self.bump();
                } else if c == ' ' || c == '\t' || c == '\r' {
                    self.bump();
                } else if c == '\\' && self.peek_at(1) == Some('\n') {
                    self.bump();
                    self.bump();
                } else if c == '#' {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                } else {
                    break;
                }
                space = true;
            }
            if let Some(at) = newline_at
                && !matches!(out.last().map(|t| &t.kind), Some(Tok::Newline) | None)
            {
                out.push(Token {
                    kind: Tok::Newline,
                    span: at,
                    space_before: true,
                });
            }
            let span = self.here();
            let Some(c) = self.peek() else {
                if let Some((line, term)) = string {
                    let what = if term.len() == 3 { "heredoc" } else { "string" };
                    return Err(incomplete(
                        span,
                        format!("missing terminator: {term} (for {what} starting at line {line})"),
                    ));
                }
                if let Some(o) = open.last() {
                    return Err(incomplete(
                        span,
                        format!(
                            "missing terminator: {} (for \"{}\" starting at line {})",
                            o.closer(),
                            o.text,
                            o.span.line
                        ),
                    ));
                }
                out.push(Token {
                    kind: Tok::Eof,
                    span,
                    space_before: true,
                });
                return Ok(out);
            };
            if c == '}' && string.is_some() && open.is_empty() {
                self.bump();
                out.push(Token {
                    kind: Tok::Eof,
                    span,
                    space_before: true,
                });
                return Ok(out);
            }
            let kind = self.token(c, span, depth)?;
            // Bracket bookkeeping, as Elixir's tokenizer does it.
            match &kind {
                Tok::LParen => open.push(Opener { text: "(", span }),
                Tok::LBracket => open.push(Opener { text: "[", span }),
                Tok::LBrace | Tok::PercentBrace => open.push(Opener { text: "{", span }),
                Tok::LtLt => open.push(Opener { text: "<<", span }),
                Tok::Reserved("do") => open.push(Opener { text: "do", span }),
                Tok::Reserved("fn") => open.push(Opener { text: "fn", span }),
                Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::GtGt | Tok::Reserved("end") => {
                    let text = match &kind {
                        Tok::RParen => ")",
                        Tok::RBracket => "]",
                        Tok::RBrace => "}",
                        Tok::GtGt => ">>",
                        _ => "end",
                    };
                    match open.pop() {
                        Some(o) if o.closer() == text => {}
                        Some(o) => {
                            let what = if text == "end" {
                                "reserved word"
                            } else {
                                "token"
                            };
                            return Err(invalid(
                                span,
                                format!(
                                    "unexpected {what}: {text}. The \"{}\" at line {} is missing terminator \"{}\"",
                                    o.text,
                                    o.span.line,
                                    o.closer()
                                ),
                            ));
                        }
                        None if text == "end" => {
                            return Err(invalid(span, "unexpected reserved word: end"));
                        }
                        None => return Err(invalid(span, format!("unexpected token: {text}"))),
                    }
                }
                _ => {}
            }
            if let Tok::Op(op) = kind
                && continues_previous_line(op)
                && matches!(out.last().map(|t| &t.kind), Some(Tok::Newline))
            {
                out.pop();
            }
            if kind == Tok::Dot && matches!(out.last().map(|t| &t.kind), Some(Tok::Newline)) {
                out.pop();
            }
            out.push(Token {
                kind,
                span,
                space_before: space,
            });
            space = false;
        }
    }

    /// Lexes one token starting with `c` at `span`.
    fn token(&mut self, c: char, span: Span, depth: u32) -> Result<Tok, SyntaxError> {
        match c {
            '0'..='9' => self.number(span),
            '"' | '\'' => {
                let pieces = self.quoted(c, span, depth)?;
                if self.peek() == Some(':')
                    && self.peek_at(1).is_some_and(char::is_whitespace)
                    && c == '"'
                {
                    self.bump();
                    return Ok(Tok::KwKey(literal_only(pieces, span, "keyword key")?));
                }
                Ok(if c == '"' {
                    Tok::Str(pieces)
                } else {
                    Tok::Charlist(pieces)
                })
            }
            ':' if self.peek_at(1) == Some(':') => {
                self.bump();
                self.bump();
                Ok(Tok::Op("::"))
            }
            ':' => self.atom(span, depth),
            '?' => self.char_literal(span),
            '~' if self.peek_at(1).is_some_and(|c| c.is_ascii_alphabetic()) => {
                self.sigil(span, depth)
            }
            '&' if self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) => {
                self.bump();
                let mut n: u32 = 0;
                while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                    self.bump();
                    n = n.saturating_mul(10).saturating_add(d);
                }
                Ok(Tok::CaptureArg(n))
            }
            '(' => self.single(Tok::LParen),
            ')' => self.single(Tok::RParen),
            '[' => self.single(Tok::LBracket),
            ']' => self.single(Tok::RBracket),
            '{' => self.single(Tok::LBrace),
            '}' => self.single(Tok::RBrace),
            ',' => self.single(Tok::Comma),
            ';' => self.single(Tok::Semicolon),
            '%' if self.peek_at(1) == Some('{') => {
                self.bump();
                self.bump();
                Ok(Tok::PercentBrace)
            }
            '%' => self.single(Tok::Percent),
            '<' if self.starts_with("<<")
                && !self.starts_with("<<<")
                && !self.starts_with("<<~") =>
            {
                self.bump();
                self.bump();
                Ok(Tok::LtLt)
            }
            '>' if self.starts_with(">>") && !self.starts_with(">>>") => {
                self.bump();
                self.bump();
                Ok(Tok::GtGt)
            }
            '.' if !self.starts_with("..") => self.single(Tok::Dot),
            c if is_ident_start(c) => Ok(self.word(false)),
            c if c.is_uppercase() => Ok(self.word(true)),
            _ => {
                for op in OPERATORS {
                    if self.starts_with(op) {
                        for _ in 0..op.chars().count() {
                            self.bump();
                        }
                        return Ok(Tok::Op(op));
                    }
                }
                Err(invalid(
                    span,
                    format!(
                        "unexpected token: \"{c}\" (column {}, code point U+{:04X})",
                        span.col, c as u32
                    ),
                ))
            }
        }
    }

    fn single(&mut self, tok: Tok) -> Result<Tok, SyntaxError> {
        self.bump();
        Ok(tok)
    }

    /// An identifier, alias, reserved word, word operator or keyword key.
    fn word(&mut self, alias: bool) -> Tok {
        let mut name = String::new();
        while let Some(c) = self.peek().filter(|c| is_ident_char(*c)) {
            name.push(c);
            self.bump();
        }
        if !alias && let Some(c) = self.peek().filter(|c| *c == '?' || *c == '!') {
            name.push(c);
            self.bump();
        }
        if self.peek() == Some(':') && self.peek_at(1).is_some_and(char::is_whitespace) {
            self.bump();
            return Tok::KwKey(name);
        }
        if alias {
            return Tok::Alias(name);
        }
        match name.as_str() {
            "true" | "false" | "nil" => Tok::Atom(name),
            "do" => Tok::Reserved("do"),
            "end" => Tok::Reserved("end"),
            "fn" => Tok::Reserved("fn"),
            "else" => Tok::Reserved("else"),
            "rescue" => Tok::Reserved("rescue"),
            "catch" => Tok::Reserved("catch"),
            "after" => Tok::Reserved("after"),
            "and" => Tok::Op("and"),
            "or" => Tok::Op("or"),
            "not" => Tok::Op("not"),
            "in" => Tok::Op("in"),
            "when" => Tok::Op("when"),
            _ => Tok::Ident(name),
        }
    }

    fn number(&mut self, span: Span) -> Result<Tok, SyntaxError> {
        let radix = match (self.peek(), self.peek_at(1)) {
            (Some('0'), Some('x')) => 16,
            (Some('0'), Some('b')) => 2,
            (Some('0'), Some('o')) => 8,
            _ => 10,
        };
        let mut text = String::new();
        let mut digits = String::new();
        if radix != 10 {
            text.push(self.bump().unwrap_or('0'));
            text.push(self.bump().unwrap_or('x'));
        }
        let mut is_float = false;
        loop {
            match self.peek() {
                Some(c) if c.is_digit(radix) => {
                    digits.push(c);
                    text.push(c);
                    self.bump();
                }
                Some('_')
                    if self.peek_at(1).is_some_and(|c| c.is_digit(radix)) && !digits.is_empty() =>
                {
                    text.push('_');
                    self.bump();
                }
                Some('.')
                    if radix == 10
                        && !is_float
                        && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) =>
                {
                    is_float = true;
                    digits.push('.');
                    text.push('.');
                    self.bump();
                }
                Some('e' | 'E') if is_float => {
                    let sign = matches!(self.peek_at(1), Some('+' | '-'));
                    let digit_at = if sign { 2 } else { 1 };
                    if !self.peek_at(digit_at).is_some_and(|c| c.is_ascii_digit()) {
                        break;
                    }
                    for _ in 0..digit_at {
                        let c = self.bump().unwrap_or('e');
                        digits.push(c);
                        text.push(c);
                    }
                }
                _ => break,
            }
        }
        if let Some(c) = self.peek().filter(|c| is_ident_char(*c)) {
            let shown = if digits.is_empty() {
                "0".to_string()
            } else {
                text.clone()
            };
            return Err(invalid(
                span,
                format!(
                    "invalid character \"{c}\" after number {shown}. If you intended to write a number, make sure to separate the number from the character (using comma, space, etc). If you meant to write a function name or a variable, note that identifiers in Elixir cannot start with numbers. Unexpected token: {c}"
                ),
            ));
        }
        if is_float {
            let value: f64 = digits
                .parse()
                .map_err(|_| invalid(span, format!("invalid float number {text}")))?;
            if !value.is_finite() {
                return Err(invalid(span, format!("invalid float number {text}")));
            }
            return Ok(Tok::Float(value, text));
        }
        match i64::from_str_radix(&digits, radix) {
            Ok(n) => Ok(Tok::Int(n, text)),
            Err(_) => match BigInt::parse_bytes(digits.as_bytes(), radix) {
                Some(n) => Ok(Tok::BigInt(n, text)),
                None => Err(invalid(span, format!("invalid number {text}"))),
            },
        }
    }

    /// `:name`, `:"quoted"`, `:+`.
    fn atom(&mut self, span: Span, depth: u32) -> Result<Tok, SyntaxError> {
        self.bump();
        match self.peek() {
            Some(c) if is_ident_start(c) || c.is_uppercase() => {
                let mut name = String::new();
                while let Some(c) = self.peek().filter(|c| is_ident_char(*c) || *c == '@') {
                    name.push(c);
                    self.bump();
                }
                if let Some(c) = self.peek().filter(|c| *c == '?' || *c == '!') {
                    name.push(c);
                    self.bump();
                }
                Ok(Tok::Atom(name))
            }
            Some(q @ ('"' | '\'')) => {
                let pieces = self.quoted(q, span, depth)?;
                Ok(Tok::Atom(literal_only(pieces, span, "quoted atom")?))
            }
            _ => {
                for op in ATOM_OPERATORS {
                    if self.starts_with(op) {
                        for _ in 0..op.chars().count() {
                            self.bump();
                        }
                        return Ok(Tok::Atom((*op).to_string()));
                    }
                }
                Err(invalid(
                    span,
                    format!(
                        "unexpected token: \":\" (column {}, code point U+003A)",
                        span.col
                    ),
                ))
            }
        }
    }

    /// `?a`, `?\n`.
    fn char_literal(&mut self, span: Span) -> Result<Tok, SyntaxError> {
        self.bump();
        let c = match self.bump() {
            None | Some('\n') => {
                return Err(invalid(
                    span,
                    format!(
                        "unexpected token: \"?\" (column {}, code point U+003F)",
                        span.col
                    ),
                ));
            }
            Some('\\') => {
                let e = self.bump().unwrap_or('\\');
                simple_escape(e).unwrap_or(e)
            }
            Some(c) => c,
        };
        Ok(Tok::Int(c as i64, format!("?{c}")))
    }

    /// `~w(...)mods` and friends.
    fn sigil(&mut self, span: Span, depth: u32) -> Result<Tok, SyntaxError> {
        self.bump();
        let letter = self.bump().unwrap_or('s');
        let Some(open) = self.peek() else {
            return Err(invalid(span, format!("invalid sigil delimiter: ~{letter}")));
        };
        let heredoc = self.starts_with("\"\"\"") || self.starts_with("'''");
        let close = match open {
            '(' => ')',
            '[' => ']',
            '{' => '}',
            '<' => '>',
            '/' | '|' | '"' | '\'' => open,
            _ => {
                return Err(invalid(
                    span,
                    format!(
                        "invalid sigil delimiter: \"{open}\" (column {}, code point U+{:04X}). The available delimiters are: //, ||, \"\", '', (), [], {{}}, <>",
                        span.col + 2,
                        open as u32
                    ),
                ));
            }
        };
        let mode = if letter.is_ascii_uppercase() {
            Escapes::Raw
        } else if letter == 'r' {
            Escapes::Regex
        } else {
            Escapes::Process
        };
        let pieces = if heredoc {
            self.heredoc(open, span, mode, depth)?
        } else {
            self.bump();
            let what = format!("sigil ~{letter}{open}");
            self.content(close, mode, depth, span, &what, None)?
        };
        let mut modifiers = String::new();
        while let Some(c) = self.peek().filter(|c| c.is_ascii_alphanumeric()) {
            modifiers.push(c);
            self.bump();
        }
        Ok(Tok::Sigil {
            letter,
            pieces,
            modifiers,
        })
    }

    /// A string or charlist (or heredoc) starting at the quote under the cursor.
    fn quoted(&mut self, quote: char, span: Span, depth: u32) -> Result<Vec<Piece>, SyntaxError> {
        if quote == '"' && self.starts_with("\"\"\"") || quote == '\'' && self.starts_with("'''") {
            return self.heredoc(quote, span, Escapes::Process, depth);
        }
        self.bump();
        self.content(quote, Escapes::Process, depth, span, "string", None)
    }

    /// A heredoc: the opening triple quote is under the cursor.
    fn heredoc(
        &mut self,
        quote: char,
        span: Span,
        mode: Escapes,
        depth: u32,
    ) -> Result<Vec<Piece>, SyntaxError> {
        for _ in 0..3 {
            self.bump();
        }
        while matches!(self.peek(), Some(' ' | '\t' | '\r')) {
            self.bump();
        }
        if self.peek() != Some('\n') {
            let q: String = std::iter::repeat_n(quote, 3).collect();
            return Err(invalid(
                span,
                format!(
                    "heredoc allows only zero or more whitespace characters followed by a new line after {q}"
                ),
            ));
        }
        self.bump();
        // Find the closing line to learn how much indentation to strip.
        let terminator: String = std::iter::repeat_n(quote, 3).collect();
        let mut i = self.pos;
        let mut indent = None;
        while i < self.chars.len() {
            let mut j = i;
            while j < self.chars.len() && matches!(self.chars[j], ' ' | '\t') {
                j += 1;
            }
            if self.chars[j..]
                .iter()
                .take(3)
                .copied()
                .eq(terminator.chars())
            {
                indent = Some((j - i, i));
                break;
            }
            while i < self.chars.len() && self.chars[i] != '\n' {
                i += 1;
            }
            i += 1;
        }
        let Some((indent, end)) = indent else {
            return Err(incomplete(
                self.eof_span(),
                format!(
                    "missing terminator: {terminator} (for heredoc starting at line {})",
                    span.line
                ),
            ));
        };
        let mut pieces = self.content_until(end, mode, depth, span, indent)?;
        for _ in 0..indent + 3 {
            self.bump();
        }
        // The closing line's own newline is not part of the text, the last content line's is.
        if let Some(Piece::Lit(s)) = pieces.last_mut()
            && s.is_empty()
        {
            pieces.pop();
        }
        Ok(pieces)
    }

    fn eof_span(&self) -> Span {
        let mut line = self.line;
        let mut col = self.col;
        for &c in &self.chars[self.pos..] {
            if c == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
        }
        Span::new(line, col)
    }

    /// Heredoc body up to the character index `end`, stripping `indent` leading blanks per line.
    fn content_until(
        &mut self,
        end: usize,
        mode: Escapes,
        depth: u32,
        span: Span,
        indent: usize,
    ) -> Result<Vec<Piece>, SyntaxError> {
        self.strip_indent(indent, end);
        self.content('\0', mode, depth, span, "heredoc", Some((end, indent)))
    }

    fn strip_indent(&mut self, indent: usize, end: usize) {
        let mut n = 0;
        while n < indent && self.pos < end && matches!(self.peek(), Some(' ' | '\t')) {
            self.bump();
            n += 1;
        }
    }

    /// String-like contents up to the closing `close` (consumed), or up to the
    /// character index of a heredoc's closing line.
    fn content(
        &mut self,
        close: char,
        mode: Escapes,
        depth: u32,
        span: Span,
        what: &str,
        heredoc: Option<(usize, usize)>,
    ) -> Result<Vec<Piece>, SyntaxError> {
        let mut pieces = Vec::new();
        let mut text: Vec<u8> = Vec::new();
        let terminator = if heredoc.is_some() {
            "\"\"\"".to_string()
        } else {
            close.to_string()
        };
        loop {
            if let Some((end, _)) = heredoc
                && self.pos >= end
            {
                break;
            }
            let Some(c) = self.peek() else {
                let message = if what.starts_with("sigil") {
                    format!(
                        "missing terminator: {close} (for {what} starting at line {})",
                        span.line
                    )
                } else {
                    format!(
                        "missing terminator: {terminator} (for {what} starting at line {})",
                        span.line
                    )
                };
                return Err(incomplete(self.here(), message));
            };
            if heredoc.is_none() && c == close {
                self.bump();
                break;
            }
            match c {
                '\\' => {
                    self.bump();
                    let Some(e) = self.peek() else { continue };
                    match mode {
                        Escapes::Raw | Escapes::Regex if e == close => {
                            self.bump();
                            push_char(&mut text, e);
                        }
                        Escapes::Raw | Escapes::Regex => push_char(&mut text, '\\'),
                        Escapes::Process => {
                            let at = self.here();
                            self.bump();
                            self.escape(e, at, &mut text)?;
                        }
                    }
                }
                '#' if mode != Escapes::Raw && self.peek_at(1) == Some('{') => {
                    if depth >= MAX_INTERPOLATION_DEPTH {
                        return Err(invalid(
                            self.here(),
                            "string interpolation nested too deeply",
                        ));
                    }
                    self.bump();
                    self.bump();
                    if !text.is_empty() {
                        pieces.push(piece(std::mem::take(&mut text)));
                    }
                    let term = if what.starts_with("sigil") {
                        close.to_string()
                    } else {
                        terminator.clone()
                    };
                    let term: &str = &term;
                    let code = self.tokens(Some((span.line, term)), depth + 1).map_err(
                        |mut e| {
                            if e.kind == SyntaxErrorKind::Incomplete && what.starts_with("sigil") {
                                e.message = format!(
                                    "missing terminator: {close} (for {what} starting at line {})",
                                    span.line
                                );
                            }
                            e
                        },
                    )?;
                    pieces.push(Piece::Code(code));
                }
                '\n' => {
                    self.bump();
                    push_char(&mut text, '\n');
                    if let Some((end, indent)) = heredoc {
                        self.strip_indent(indent, end);
                    }
                }
                _ => {
                    self.bump();
                    push_char(&mut text, c);
                }
            }
        }
        if !text.is_empty() || pieces.is_empty() {
            pieces.push(piece(text));
        }
        Ok(pieces)
    }

    /// Processes the escape `\e` (the backslash and `e` already consumed).
    fn escape(&mut self, e: char, at: Span, text: &mut Vec<u8>) -> Result<(), SyntaxError> {
        if let Some(c) = simple_escape(e) {
            push_char(text, c);
            return Ok(());
        }
        match e {
            '\n' => {}
            // The deprecated `\x{H*}` is a code point, as `\u{H*}` is.
            'x' if self.peek() == Some('{') => self.escape('u', at, text)?,
            'x' => {
                let mut code = String::new();
                while code.len() < 2 && self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                    code.push(self.bump().unwrap_or('0'));
                }
                // A byte, not a code point: `"\x80"` is `<<128>>`, as in Elixir.
                let value = u8::from_str_radix(&code, 16).map_err(|_| {
                    invalid(at, "invalid hex escape character, expected \\xHH where H is a hexadecimal digit. Syntax error after: \\x")
                })?;
                text.push(value);
            }
            'u' => {
                let mut code = String::new();
                if self.peek() == Some('{') {
                    self.bump();
                    while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) && code.len() < 6 {
                        code.push(self.bump().unwrap_or('0'));
                    }
                    if self.peek() != Some('}') {
                        return Err(invalid(
                            at,
                            "invalid Unicode escape \\u{...}: expected one to six hexadecimal digits followed by }",
                        ));
                    }
                    self.bump();
                } else {
                    while code.len() < 4 && self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                        code.push(self.bump().unwrap_or('0'));
                    }
                    if code.len() < 4 {
                        return Err(invalid(
                            at,
                            "invalid Unicode escape \\uXXXX: expected four hexadecimal digits",
                        ));
                    }
                }
                let value = u32::from_str_radix(&code, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| {
                        invalid(at, format!("invalid Unicode code point \\u{{{code}}}"))
                    })?;
                push_char(text, value);
            }
            other => push_char(text, other),
        }
        Ok(())
    }
}

/// How a string-like construct treats backslashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escapes {
    /// Strings, charlists, lower-case sigils: escapes are processed.
    Process,
    /// `~r`: backslashes are kept for the regex engine, only `\<delimiter>` is unescaped.
    Regex,
    /// Upper-case sigils: no escapes, no interpolation.
    Raw,
}

/// The single-character escapes (`\n`, `\t`...).
fn simple_escape(e: char) -> Option<char> {
    Some(match e {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        's' => ' ',
        'e' => '\u{1b}',
        '0' => '\0',
        'a' => '\u{7}',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'v' => '\u{b}',
        'd' => '\u{7f}',
        '"' | '\'' | '\\' | '#' => e,
        _ => return None,
    })
}

/// Why literal `bytes` (a [`Piece::Bytes`]) cannot be the text of a `what` (a
/// charlist, an atom): the error names the first byte that is not UTF-8, as
/// Elixir's `UnicodeConversionError` does.
pub(crate) fn invalid_encoding(what: &str, bytes: &[u8]) -> String {
    let from = std::str::from_utf8(bytes).err().map_or(0, |e| e.valid_up_to());
    let rest: Vec<String> = bytes[from..].iter().map(u8::to_string).collect();
    format!("invalid encoding starting at <<{}>> in a {what}", rest.join(", "))
}

/// Appends `c` to literal bytes as UTF-8.
fn push_char(text: &mut Vec<u8>, c: char) {
    text.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
}

/// A run of literal bytes as a piece: text when it is UTF-8, bytes otherwise.
fn piece(text: Vec<u8>) -> Piece {
    match String::from_utf8(text) {
        Ok(s) => Piece::Lit(s),
        Err(e) => Piece::Bytes(e.into_bytes()),
    }
}

/// The text of a quoted atom or key, which may not interpolate here.
fn literal_only(pieces: Vec<Piece>, span: Span, what: &str) -> Result<String, SyntaxError> {
    let mut text = String::new();
    for piece in pieces {
        match piece {
            Piece::Lit(s) => text.push_str(&s),
            Piece::Bytes(bytes) => return Err(invalid(span, invalid_encoding(what, &bytes))),
            Piece::Code(_) => {
                return Err(invalid(
                    span,
                    format!("interpolation in a {what} is not supported by otplab"),
                ));
            }
        }
    }
    Ok(text)
}
