//! Parser: tokens to [`Node`]s, a precedence-climbing parser over Elixir's operator
//! table ([`super::precedence`]).
//!
//! Calls follow Elixir's rules: `foo(x)` needs the `(` right after the name;
//! `foo x, y` (a name, a space, then something that starts an expression on the same
//! line) is a parenthesis-less call whose arguments run to the end of the expression;
//! a `do` block belongs to the outermost parenthesis-less call (`def f(x) when g do`
//! gives the block to `def`), which is why argument parsing of such a call turns
//! `do` attachment off until a bracket opens again.
//!
//! Recursion is bounded by [`MAX_DEPTH`] so hostile nesting is an error, not a crash.

use super::ast::{BinaryOp, BitSegment, CallTarget, Clause, InterpPart, Node, NodeKind, UnaryOp};
use super::error::{SyntaxError, SyntaxErrorKind};
use super::lexer::{Piece, Tok, Token, tokenize};
use super::precedence::{self, Assoc};
use super::span::Span;

/// Deepest expression nesting accepted.
pub const MAX_DEPTH: u32 = 400;

/// Parses a program.
pub fn parse_program(source: &str) -> Result<Vec<Node>, SyntaxError> {
    let tokens = tokenize(source)?;
    let mut parser = Parser {
        toks: &tokens,
        pos: 0,
        depth: 0,
        no_do: false,
    };
    parser.program()
}

type Parse<T> = Result<T, SyntaxError>;

/// The parser's cursor over one token list (a program or one interpolation).
struct Parser<'t> {
    toks: &'t [Token],
    pos: usize,
    depth: u32,
    /// Set while parsing the arguments of a parenthesis-less call: a `do` there
    /// belongs to that outer call.
    no_do: bool,
}

/// A `->` clause being read: its arguments, guard, position and body so far.
type OpenClause = (Vec<Node>, Option<Node>, Span, Vec<Node>);

/// The inside of a map or struct literal: the updated base and the pairs.
type MapBody = (Option<Node>, Vec<(Node, Node)>);

/// The contents of a block: plain expressions or `->` clauses.
enum Body {
    Exprs(Vec<Node>),
    Clauses(Vec<Clause>),
}

fn node(kind: NodeKind, span: Span) -> Node {
    Node::new(kind, span)
}

fn atom(name: &str, span: Span) -> Node {
    node(NodeKind::Atom(name.to_string()), span)
}

/// A block's expressions as one node: `nil` when empty, the expression itself when
/// alone, a `Block` otherwise.
fn block(mut exprs: Vec<Node>, span: Span) -> Node {
    match exprs.len() {
        0 => atom("nil", span),
        1 => exprs.remove(0),
        _ => {
            let first = exprs[0].span;
            node(NodeKind::Block(exprs), first)
        }
    }
}

impl<'t> Parser<'t> {
    fn peek(&self) -> &'t Token {
        // The token list always ends with Eof and the cursor never passes it.
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn peek_at(&self, n: usize) -> &'t Token {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)]
    }

    fn kind(&self) -> &'t Tok {
        &self.peek().kind
    }

    fn advance(&mut self) -> &'t Token {
        let t = self.peek();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn skip_newlines(&mut self) {
        while matches!(self.kind(), Tok::Newline) {
            self.advance();
        }
    }

    fn skip_separators(&mut self) {
        while matches!(self.kind(), Tok::Newline | Tok::Semicolon) {
            self.advance();
        }
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.kind(), Tok::Op(o) if *o == op)
    }

    /// The error for an unexpected token under the cursor.
    fn unexpected(&self) -> SyntaxError {
        let t = self.peek();
        if let Tok::Eof = t.kind {
            return self.incomplete_expression();
        }
        let message = match &t.kind {
            Tok::Reserved(w) => format!("unexpected reserved word: {w}"),
            other => format!("syntax error before: {}", describe(other)),
        };
        SyntaxError {
            kind: SyntaxErrorKind::Invalid,
            span: t.span,
            message,
        }
    }

    /// The input stopped in the middle of an expression (after `x =`, `a |>`).
    fn incomplete_expression(&self) -> SyntaxError {
        // Elixir points at the line break after the last token, if there is one.
        let last = self.toks.len() - 1;
        let span = self.toks[..last]
            .iter()
            .rev()
            .take_while(|t| t.kind == Tok::Newline)
            .last()
            .map(|t| t.span)
            .unwrap_or(self.toks[last].span);
        SyntaxError {
            kind: SyntaxErrorKind::Incomplete,
            span,
            message: "syntax error: expression is incomplete".to_string(),
        }
    }

    fn error(&self, span: Span, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            kind: SyntaxErrorKind::Invalid,
            span,
            message: message.into(),
        }
    }

    fn expect(&mut self, tok: Tok) -> Parse<&'t Token> {
        self.skip_newlines();
        if *self.kind() == tok {
            Ok(self.advance())
        } else {
            Err(self.unexpected())
        }
    }

    fn enter(&mut self) -> Parse<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(
                self.peek().span,
                format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        Ok(())
    }

    // ----- statements and blocks -------------------------------------------------

    fn program(&mut self) -> Parse<Vec<Node>> {
        match self.body(|t| matches!(t, Tok::Eof))? {
            Body::Exprs(exprs) => Ok(exprs),
            Body::Clauses(clauses) => {
                let span = clauses.first().map(|c| c.span).unwrap_or_default();
                Err(self.error(span, "unexpected operator ->. If you want to define multiple clauses, the first expression must use ->"))
            }
        }
    }

    /// Parses expressions or `->` clauses until `is_end` says the closing token is
    /// under the cursor (not consumed).
    fn body(&mut self, is_end: fn(&Tok) -> bool) -> Parse<Body> {
        let saved_no_do = std::mem::replace(&mut self.no_do, false);
        let mut exprs: Vec<Node> = Vec::new();
        let mut clauses: Vec<Clause> = Vec::new();
        let mut current: Option<OpenClause> = None;
        loop {
            self.skip_separators();
            if is_end(self.kind()) {
                break;
            }
            let start = self.peek().span;
            let mut head = Vec::new();
            let mut comma_at = None;
            if !self.is_op("->") {
                head.push(self.expr(0)?);
                while matches!(self.kind(), Tok::Comma) {
                    comma_at.get_or_insert(self.peek().span);
                    self.advance();
                    self.skip_newlines();
                    if let Tok::KwKey(_) = self.kind() {
                        let kw = self.keywords(|t| matches!(t, Tok::Op("->")))?;
                        head.push(kw);
                        break;
                    }
                    head.push(self.expr(0)?);
                }
            }
            if self.is_op("->") {
                if !exprs.is_empty() {
                    return Err(self.error(self.peek().span, "unexpected operator ->. If you want to define multiple clauses, the first expression must use ->"));
                }
                self.advance();
                if let Some((args, guard, span, body_exprs)) = current.take() {
                    clauses.push(Clause {
                        args,
                        guard,
                        body: block(body_exprs, span),
                        span,
                    });
                }
                let (args, guard) = split_guard(head);
                current = Some((args, guard, start, Vec::new()));
                continue;
            }
            if let Some(span) = comma_at {
                return Err(self.error(span, "syntax error before: ','"));
            }
            let Some(e) = head.pop() else {
                return Err(self.unexpected());
            };
            match current.as_mut() {
                Some((_, _, _, body_exprs)) => body_exprs.push(e),
                None => exprs.push(e),
            }
            if !matches!(self.kind(), Tok::Newline | Tok::Semicolon) && !is_end(self.kind()) {
                return Err(self.unexpected());
            }
        }
        if let Some((args, guard, span, body_exprs)) = current.take() {
            let body_span = body_exprs.first().map(|n| n.span).unwrap_or(span);
            clauses.push(Clause {
                args,
                guard,
                body: block(body_exprs, body_span),
                span,
            });
        }
        self.no_do = saved_no_do;
        Ok(if clauses.is_empty() {
            Body::Exprs(exprs)
        } else {
            Body::Clauses(clauses)
        })
    }

    /// `do ... (else|rescue|catch|after ...)* end`, the `do` under the cursor.
    fn do_block(&mut self) -> Parse<Node> {
        let do_span = self.advance().span;
        let mut sections = Vec::new();
        let mut key = "do";
        let mut key_span = do_span;
        loop {
            let body = self.body(|t| {
                matches!(
                    t,
                    Tok::Reserved("end" | "else" | "rescue" | "catch" | "after")
                )
            })?;
            let value = match body {
                Body::Exprs(exprs) => block(exprs, key_span),
                Body::Clauses(clauses) => {
                    let span = clauses.first().map(|c| c.span).unwrap_or(key_span);
                    node(NodeKind::Clauses(clauses), span)
                }
            };
            sections.push(node(
                NodeKind::Tuple(vec![atom(key, key_span), value]),
                key_span,
            ));
            let t = self.advance();
            match t.kind {
                Tok::Reserved("end") => break,
                Tok::Reserved(next) => {
                    key = next;
                    key_span = t.span;
                }
                _ => return Err(self.unexpected()),
            }
        }
        Ok(node(
            NodeKind::List {
                items: sections,
                tail: None,
            },
            do_span,
        ))
    }

    // ----- expressions -----------------------------------------------------------

    /// An expression whose operators all bind at least as tightly as `min`.
    fn expr(&mut self, min: u8) -> Parse<Node> {
        self.enter()?;
        let result = self.expr_inner(min);
        self.depth -= 1;
        result
    }

    fn expr_inner(&mut self, min: u8) -> Parse<Node> {
        let mut lhs = self.prefix()?;
        loop {
            let t = self.peek();
            let (info, width, text) = match &t.kind {
                Tok::Op("not") if matches!(self.peek_at(1).kind, Tok::Op("in")) => (
                    precedence::BinaryInfo {
                        op: Some(BinaryOp::NotIn),
                        prec: precedence::IN,
                        assoc: Assoc::Left,
                    },
                    2,
                    "not in",
                ),
                Tok::Op(op) => match precedence::binary(op) {
                    Some(info) => (info, 1, *op),
                    None => break,
                },
                _ => break,
            };
            if info.prec < min {
                break;
            }
            let op_span = t.span;
            for _ in 0..width {
                self.advance();
            }
            self.skip_newlines();
            let Some(op) = info.op else {
                return Err(self.error(
                    op_span,
                    format!("the operator {text} is not supported by otplab"),
                ));
            };
            let next_min = if info.assoc == Assoc::Right {
                info.prec
            } else {
                info.prec + 1
            };
            let rhs = self.expr(next_min)?;
            if op == BinaryOp::Step
                && !matches!(
                    lhs.kind,
                    NodeKind::BinaryOp {
                        op: BinaryOp::Range,
                        ..
                    }
                )
            {
                return Err(self.error(op_span, "the range step operator (//) must immediately follow the range definition operator (..), for example: 1..9//2. If you wanted to define a default argument, use (\\\\) instead. Syntax error before: '//'"));
            }
            let span = lhs.span;
            lhs = node(
                NodeKind::BinaryOp {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
                span,
            );
        }
        Ok(lhs)
    }

    /// Unary operators, then a primary with its postfix `.`/`[]`/call suffixes.
    fn prefix(&mut self) -> Parse<Node> {
        let t = self.peek();
        let unary = match t.kind {
            Tok::Op("-") => Some(UnaryOp::Neg),
            Tok::Op("+") => Some(UnaryOp::Pos),
            Tok::Op("!") => Some(UnaryOp::Bang),
            Tok::Op("^") => Some(UnaryOp::Pin),
            Tok::Op("not") => Some(UnaryOp::Not),
            _ => None,
        };
        if let Some(op) = unary {
            self.advance();
            self.skip_newlines();
            let operand = self.expr(precedence::UNARY)?;
            return Ok(node(
                NodeKind::UnaryOp {
                    op,
                    operand: Box::new(operand),
                },
                t.span,
            ));
        }
        // `..` with no operands is the full range, `0..-1//1` (Elixir 1.14).
        if let Tok::Op("..") = t.kind
            && matches!(self.peek_at(1).kind, Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::Comma | Tok::Newline | Tok::Eof)
        {
            self.advance();
            let int = |i: i64| node(NodeKind::Int(i), t.span);
            let minus_one = node(NodeKind::UnaryOp { op: UnaryOp::Neg, operand: Box::new(int(1)) }, t.span);
            let range = node(NodeKind::BinaryOp { op: BinaryOp::Range, lhs: Box::new(int(0)), rhs: Box::new(minus_one) }, t.span);
            return Ok(node(NodeKind::BinaryOp { op: BinaryOp::Step, lhs: Box::new(range), rhs: Box::new(int(1)) }, t.span));
        }
        // `&+/2`, `&>=/2`: an operator captured by name and arity.
        if let (Tok::Op("&"), Tok::Op(op), Tok::Op("/"), Tok::Int(arity, _)) =
            (&t.kind, &self.peek_at(1).kind, &self.peek_at(2).kind, &self.peek_at(3).kind)
            && !self.peek_at(1).space_before
        {
            let (op, arity) = (op.to_string(), *arity);
            let name_span = self.peek_at(1).span;
            for _ in 0..4 {
                self.advance();
            }
            let call = node(NodeKind::Call { target: CallTarget::Local(op), args: vec![], parens: false }, name_span);
            let named = node(
                NodeKind::BinaryOp { op: BinaryOp::Div, lhs: Box::new(call), rhs: Box::new(node(NodeKind::Int(arity), name_span)) },
                name_span,
            );
            return Ok(node(NodeKind::Capture(Box::new(named)), t.span));
        }
        if let Tok::Op("&") = t.kind {
            self.advance();
            self.skip_newlines();
            let operand = self.expr(precedence::CAPTURE + 1)?;
            return Ok(node(NodeKind::Capture(Box::new(operand)), t.span));
        }
        let primary = self.primary()?;
        self.postfix(primary)
    }

    /// Whether the token under the cursor can start the first argument of a
    /// parenthesis-less call (it must follow a space, on the same line).
    fn starts_no_parens_arg(&self) -> bool {
        let t = self.peek();
        if !t.space_before {
            return false;
        }
        match &t.kind {
            Tok::Int(..)
            | Tok::BigInt(..)
            | Tok::Float(..)
            | Tok::Atom(_)
            | Tok::KwKey(_)
            | Tok::Str(_)
            | Tok::Charlist(_)
            | Tok::Sigil { .. }
            | Tok::Ident(_)
            | Tok::Alias(_)
            | Tok::CaptureArg(_)
            | Tok::Reserved("fn")
            | Tok::LParen
            | Tok::LBracket
            | Tok::LBrace
            | Tok::PercentBrace
            | Tok::Percent
            | Tok::LtLt => true,
            Tok::Op("@" | "!" | "^" | "&") => !self.peek_at(1).space_before,
            Tok::Op("not") => !matches!(self.peek_at(1).kind, Tok::Op("in")),
            Tok::Op("-" | "+") => !self.peek_at(1).space_before,
            _ => false,
        }
    }

    /// After a call's name: parenthesised arguments, parenthesis-less arguments or
    /// none, then an optional `do` block.
    fn call(&mut self, target: CallTarget, span: Span) -> Parse<Node> {
        let (mut args, parens) = if matches!(self.kind(), Tok::LParen) && !self.peek().space_before
        {
            self.advance();
            (self.args(Tok::RParen)?, true)
        } else if self.starts_no_parens_arg() {
            (self.no_parens_args()?, false)
        } else {
            (Vec::new(), false)
        };
        if !self.no_do && matches!(self.kind(), Tok::Reserved("do")) {
            args.push(self.do_block()?);
        } else if !parens
            && args.is_empty()
            && let CallTarget::Local(name) = &target
            && name != "__MODULE__"
        {
            return Ok(node(NodeKind::Var(name.clone()), span));
        }
        Ok(node(
            NodeKind::Call {
                target,
                args,
                parens,
            },
            span,
        ))
    }

    /// `a, b, key: value` after a parenthesis-less call's name.
    fn no_parens_args(&mut self) -> Parse<Vec<Node>> {
        let saved = std::mem::replace(&mut self.no_do, true);
        let mut args = Vec::new();
        loop {
            if let Tok::KwKey(_) = self.kind() {
                args.push(self.keywords(|_| false)?);
                break;
            }
            args.push(self.expr(0)?);
            if !matches!(self.kind(), Tok::Comma) {
                break;
            }
            self.advance();
            self.skip_newlines();
        }
        self.no_do = saved;
        Ok(args)
    }

    /// `key: value, ...` as one `List` of `{key, value}` tuples; stops before a
    /// token that is not a comma followed by another key, or where `stop` says.
    fn keywords(&mut self, stop: fn(&Tok) -> bool) -> Parse<Node> {
        let span = self.peek().span;
        let mut items = Vec::new();
        loop {
            let t = self.peek();
            let Tok::KwKey(key) = &t.kind else {
                return Err(self.unexpected());
            };
            self.advance();
            self.skip_newlines();
            let value = self.expr(0)?;
            items.push(node(
                NodeKind::Tuple(vec![atom(key, t.span), value]),
                t.span,
            ));
            let save = self.pos;
            if !matches!(self.kind(), Tok::Comma) {
                break;
            }
            self.advance();
            self.skip_newlines();
            if !matches!(self.kind(), Tok::KwKey(_)) || stop(self.kind()) {
                // A trailing comma before a closer is allowed by the callers.
                if matches!(
                    self.kind(),
                    Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::GtGt
                ) {
                    break;
                }
                self.pos = save;
                self.advance();
                self.skip_newlines();
                return Err(self.unexpected());
            }
        }
        Ok(node(NodeKind::List { items, tail: None }, span))
    }

    /// Comma-separated items up to `close` (consumed), with an optional keyword tail
    /// gathered into one `List`. Used for call arguments and tuples.
    fn args(&mut self, close: Tok) -> Parse<Vec<Node>> {
        let saved = std::mem::replace(&mut self.no_do, false);
        // Elixir accepts `{1, 2,}` and `<<1,>>` but not `foo(1, )`.
        let trailing_comma = close != Tok::RParen;
        let mut items = Vec::new();
        loop {
            self.skip_newlines();
            if *self.kind() == close && (items.is_empty() || trailing_comma) {
                break;
            }
            if let Tok::KwKey(_) = self.kind() {
                items.push(self.keywords(|_| false)?);
                self.skip_newlines();
                break;
            }
            items.push(self.expr(0)?);
            self.skip_newlines();
            if !matches!(self.kind(), Tok::Comma) {
                break;
            }
            self.advance();
        }
        if *self.kind() != close {
            return Err(self.unexpected());
        }
        self.advance();
        self.no_do = saved;
        Ok(items)
    }

    fn postfix(&mut self, mut lhs: Node) -> Parse<Node> {
        loop {
            let t = self.peek();
            match &t.kind {
                Tok::Dot => {
                    self.advance();
                    self.skip_newlines();
                    let name_tok = self.peek();
                    match &name_tok.kind {
                        Tok::LParen => {
                            self.advance();
                            let args = self.args(Tok::RParen)?;
                            let span = lhs.span;
                            lhs = node(
                                NodeKind::FunCall {
                                    fun: Box::new(lhs),
                                    args,
                                },
                                span,
                            );
                        }
                        Tok::Alias(seg) => {
                            self.advance();
                            let NodeKind::Alias(mut segs) = lhs.kind else {
                                return Err(self.error(name_tok.span, format!("invalid alias: \"{seg}\". An alias must start with an uppercase letter and follow another alias")));
                            };
                            segs.push(seg.clone());
                            lhs = node(NodeKind::Alias(segs), lhs.span);
                        }
                        Tok::Ident(name) | Tok::Atom(name) | Tok::KwKey(name)
                            if !matches!(name_tok.kind, Tok::KwKey(_)) =>
                        {
                            self.advance();
                            let span = lhs.span;
                            lhs = self.remote_call(lhs, name.clone(), span)?;
                        }
                        // `Kernel.+(1, 2)`: an operator named as a function, only with
                        // parentheses, or captured by name and arity (`&Kernel.+/2`).
                        Tok::Op(op)
                            if op.chars().all(char::is_alphabetic)
                                || matches!(self.peek_at(1).kind, Tok::LParen)
                                || matches!(&self.peek_at(1).kind, Tok::Op("/")) =>
                        {
                            self.advance();
                            let span = lhs.span;
                            lhs = self.remote_call(lhs, op.to_string(), span)?;
                        }
                        Tok::Reserved(word) => {
                            self.advance();
                            let span = lhs.span;
                            lhs = self.remote_call(lhs, word.to_string(), span)?;
                        }
                        _ => return Err(self.unexpected()),
                    }
                }
                Tok::LBracket if !t.space_before => {
                    self.advance();
                    let saved = std::mem::replace(&mut self.no_do, false);
                    self.skip_newlines();
                    let key = self.expr(0)?;
                    self.expect(Tok::RBracket)?;
                    self.no_do = saved;
                    let span = lhs.span;
                    lhs = node(
                        NodeKind::Access {
                            container: Box::new(lhs),
                            key: Box::new(key),
                        },
                        span,
                    );
                }
                _ => return Ok(lhs),
            }
        }
    }

    fn remote_call(&mut self, lhs: Node, name: String, span: Span) -> Parse<Node> {
        self.call(CallTarget::Remote(Box::new(lhs), name), span)
    }

    fn primary(&mut self) -> Parse<Node> {
        let t = self.peek();
        let span = t.span;
        match &t.kind {
            Tok::Int(n, _) => {
                self.advance();
                Ok(node(NodeKind::Int(*n), span))
            }
            Tok::BigInt(n, _) => {
                self.advance();
                Ok(node(NodeKind::BigInt(n.clone()), span))
            }
            Tok::Float(f, _) => {
                self.advance();
                Ok(node(NodeKind::Float(*f), span))
            }
            Tok::Atom(a) => {
                self.advance();
                Ok(atom(a, span))
            }
            Tok::CaptureArg(n) => {
                self.advance();
                Ok(node(NodeKind::CaptureArg(*n), span))
            }
            Tok::Str(pieces) => {
                self.advance();
                self.string(pieces, false, span)
            }
            Tok::Charlist(pieces) => {
                self.advance();
                self.string(pieces, true, span)
            }
            Tok::Sigil {
                letter,
                pieces,
                modifiers,
            } => {
                self.advance();
                let parts = self.parts(pieces)?;
                Ok(node(
                    NodeKind::Sigil {
                        letter: *letter,
                        parts,
                        modifiers: modifiers.clone(),
                    },
                    span,
                ))
            }
            Tok::Alias(name) => {
                self.advance();
                Ok(node(NodeKind::Alias(vec![name.clone()]), span))
            }
            Tok::Ident(name) => {
                self.advance();
                self.call(CallTarget::Local(name.clone()), span)
            }
            Tok::KwKey(_) => {
                let saved = std::mem::replace(&mut self.no_do, true);
                let kw = self.keywords(|_| false);
                self.no_do = saved;
                kw
            }
            Tok::LParen => {
                self.advance();
                self.paren_expr(span)
            }
            Tok::LBracket => {
                self.advance();
                self.list(span)
            }
            Tok::LBrace => {
                self.advance();
                let items = self.args(Tok::RBrace)?;
                Ok(node(NodeKind::Tuple(items), span))
            }
            Tok::PercentBrace => {
                self.advance();
                let (base, pairs) = self.map_body()?;
                Ok(node(
                    NodeKind::Map {
                        base: base.map(Box::new),
                        pairs,
                    },
                    span,
                ))
            }
            Tok::Percent => {
                self.advance();
                self.struct_literal(span)
            }
            Tok::LtLt => {
                self.advance();
                self.bitstring(span)
            }
            Tok::Reserved("fn") => {
                self.advance();
                self.anonymous_fn(span)
            }
            Tok::Op("@") => {
                self.advance();
                self.module_attribute(span)
            }
            _ => Err(self.unexpected()),
        }
    }

    /// `( ... )`: a block of expressions, or parenthesised clauses.
    fn paren_expr(&mut self, span: Span) -> Parse<Node> {
        self.enter()?;
        let body = self.body(|t| matches!(t, Tok::RParen));
        self.depth -= 1;
        let body = body?;
        self.advance();
        match body {
            Body::Exprs(exprs) => {
                if exprs.len() > 1 {
                    Ok(node(NodeKind::Block(exprs), span))
                } else {
                    Ok(block(exprs, span))
                }
            }
            // `receive do: (:done -> :ok)`: parenthesised clauses are a value
            // for `do:`; the compiler rejects them anywhere else.
            Body::Clauses(clauses) => Ok(node(NodeKind::Clauses(clauses), span)),
        }
    }

    /// `%Name{...}` after the `%`: a struct literal or update.
    fn struct_literal(&mut self, span: Span) -> Parse<Node> {
        let name = match &self.peek().kind {
            Tok::Alias(_) => {
                let first = self.primary()?;
                self.struct_name(first)?
            }
            Tok::Ident(n) if n == "__MODULE__" => {
                let s = self.advance().span;
                node(
                    NodeKind::Call {
                        target: CallTarget::Local(n.clone()),
                        args: Vec::new(),
                        parens: false,
                    },
                    s,
                )
            }
            _ => return Err(self.unexpected()),
        };
        if !matches!(self.kind(), Tok::LBrace) {
            return Err(self.unexpected());
        }
        self.advance();
        let (base, pairs) = self.map_body()?;
        Ok(node(
            NodeKind::Struct {
                name: Box::new(name),
                base: base.map(Box::new),
                pairs,
            },
            span,
        ))
    }

    /// `fn ... end` after the `fn`: its clauses.
    fn anonymous_fn(&mut self, span: Span) -> Parse<Node> {
        self.enter()?;
        let body = self.body(|t| matches!(t, Tok::Reserved("end")));
        self.depth -= 1;
        let body = body?;
        self.advance();
        match body {
            Body::Clauses(clauses) => Ok(node(NodeKind::Fn(clauses), span)),
            Body::Exprs(_) => Err(self.error(
                span,
                "expected anonymous functions to be defined with -> inside: 'fn'",
            )),
        }
    }

    /// `@name` or `@name value` after the `@`.
    fn module_attribute(&mut self, span: Span) -> Parse<Node> {
        let name_tok = self.peek();
        let Tok::Ident(name) = &name_tok.kind else {
            return Err(self.unexpected());
        };
        if name_tok.space_before {
            return Err(self.unexpected());
        }
        self.advance();
        let value = if self.starts_no_parens_arg() {
            let saved = std::mem::replace(&mut self.no_do, true);
            let v = self.expr(0);
            self.no_do = saved;
            Some(Box::new(v?))
        } else {
            None
        };
        Ok(node(
            NodeKind::Attribute {
                name: name.clone(),
                value,
            },
            span,
        ))
    }

    /// `Foo.Bar` after `%`: alias segments joined by dots, no calls.
    fn struct_name(&mut self, mut name: Node) -> Parse<Node> {
        while matches!(self.kind(), Tok::Dot) && matches!(self.peek_at(1).kind, Tok::Alias(_)) {
            self.advance();
            if let (Tok::Alias(seg), NodeKind::Alias(segs)) = (&self.advance().kind, &mut name.kind)
            {
                segs.push(seg.clone());
            }
        }
        Ok(name)
    }

    /// A string's or charlist's pieces as a node.
    fn string(&mut self, pieces: &[Piece], charlist: bool, span: Span) -> Parse<Node> {
        if charlist && let Some(Piece::Bytes(bytes)) = pieces.iter().find(|p| matches!(p, Piece::Bytes(_))) {
            // A charlist is its text's code points, and these bytes are no text.
            return Err(self.error(span, crate::syntax::lexer::invalid_encoding("charlist", bytes)));
        }
        if let [Piece::Bytes(bytes)] = pieces {
            return Ok(node(NodeKind::Bytes(bytes.clone()), span));
        }
        if let [Piece::Lit(s)] = pieces {
            return Ok(node(
                if charlist {
                    NodeKind::Charlist(s.clone())
                } else {
                    NodeKind::Str(s.clone())
                },
                span,
            ));
        }
        let parts = self.parts(pieces)?;
        Ok(node(NodeKind::Interpolated { parts, charlist }, span))
    }

    fn parts(&mut self, pieces: &[Piece]) -> Parse<Vec<InterpPart>> {
        let mut parts = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Lit(s) => parts.push(InterpPart::Lit(s.clone())),
                Piece::Bytes(bytes) => parts.push(InterpPart::Bytes(bytes.clone())),
                Piece::Code(tokens) => {
                    let span = tokens.first().map(|t| t.span).unwrap_or_default();
                    let mut inner = Parser {
                        toks: tokens,
                        pos: 0,
                        depth: self.depth + 1,
                        no_do: false,
                    };
                    if inner.depth > MAX_DEPTH {
                        return Err(self.error(
                            span,
                            format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
                        ));
                    }
                    let exprs = inner.program()?;
                    parts.push(InterpPart::Expr(block(exprs, span)));
                }
            }
        }
        Ok(parts)
    }

    /// `[...]` after the `[`: items, keyword entries as tuples, an optional `| tail`.
    fn list(&mut self, span: Span) -> Parse<Node> {
        let saved = std::mem::replace(&mut self.no_do, false);
        let mut items = Vec::new();
        let mut tail = None;
        loop {
            self.skip_newlines();
            if matches!(self.kind(), Tok::RBracket) {
                break;
            }
            if let Tok::KwKey(_) = self.kind() {
                let kw = self.keywords(|_| false)?;
                if let NodeKind::List { items: entries, .. } = kw.kind {
                    items.extend(entries);
                }
                self.skip_newlines();
                break;
            }
            let item = self.expr(0)?;
            self.skip_newlines();
            if let NodeKind::BinaryOp {
                op: BinaryOp::Pipe_,
                ..
            } = &item.kind
                && matches!(self.kind(), Tok::RBracket)
            {
                if let NodeKind::BinaryOp { lhs, rhs, .. } = item.kind {
                    items.push(*lhs);
                    tail = Some(rhs);
                }
                break;
            }
            items.push(item);
            if !matches!(self.kind(), Tok::Comma) {
                break;
            }
            self.advance();
        }
        self.expect(Tok::RBracket)?;
        self.no_do = saved;
        Ok(node(NodeKind::List { items, tail }, span))
    }

    /// The inside of `%{...}` / `%Name{...}` after the `{`, through the `}`.
    fn map_body(&mut self) -> Parse<MapBody> {
        let saved = std::mem::replace(&mut self.no_do, false);
        let mut base = None;
        let mut pairs = Vec::new();
        self.skip_newlines();
        if !matches!(self.kind(), Tok::RBrace | Tok::KwKey(_)) {
            let first = self.expr(precedence::ASSOC + 1)?;
            self.skip_newlines();
            if self.is_op("|") {
                self.advance();
                base = Some(first);
            } else {
                pairs.push(self.assoc_value(first)?);
                self.skip_newlines();
                if matches!(self.kind(), Tok::Comma) {
                    self.advance();
                } else {
                    return self.close_map(saved, base, pairs);
                }
            }
        }
        loop {
            self.skip_newlines();
            if matches!(self.kind(), Tok::RBrace) {
                break;
            }
            if let Tok::KwKey(_) = self.kind() {
                let kw = self.keywords(|_| false)?;
                if let NodeKind::List { items, .. } = kw.kind {
                    for entry in items {
                        if let NodeKind::Tuple(mut kv) = entry.kind
                            && kv.len() == 2
                        {
                            let value = kv.remove(1);
                            let key = kv.remove(0);
                            pairs.push((key, value));
                        }
                    }
                }
                break;
            }
            let key = self.expr(precedence::ASSOC + 1)?;
            pairs.push(self.assoc_value(key)?);
            self.skip_newlines();
            if !matches!(self.kind(), Tok::Comma) {
                break;
            }
            self.advance();
        }
        self.close_map(saved, base, pairs)
    }

    fn close_map(
        &mut self,
        saved: bool,
        base: Option<Node>,
        pairs: Vec<(Node, Node)>,
    ) -> Parse<MapBody> {
        self.expect(Tok::RBrace)?;
        self.no_do = saved;
        Ok((base, pairs))
    }

    /// `=> value` after a map key.
    fn assoc_value(&mut self, key: Node) -> Parse<(Node, Node)> {
        self.skip_newlines();
        if !self.is_op("=>") {
            return Err(self.unexpected());
        }
        self.advance();
        self.skip_newlines();
        let value = self.expr(precedence::ASSOC + 1)?;
        Ok((key, value))
    }

    /// `<<...>>` after the `<<`.
    fn bitstring(&mut self, span: Span) -> Parse<Node> {
        let items = self.args(Tok::GtGt)?;
        let mut segments = Vec::new();
        for item in items {
            segments.push(segment(item));
        }
        Ok(node(NodeKind::Bitstring(segments), span))
    }
}

/// Splits `value::type-size(8)` into a bitstring segment.
pub(crate) fn segment(item: Node) -> BitSegment {
    match item.kind {
        NodeKind::BinaryOp {
            op: BinaryOp::Type,
            lhs,
            rhs,
        } => {
            let mut specs = Vec::new();
            flatten_specs(*rhs, &mut specs);
            BitSegment { value: *lhs, specs }
        }
        kind => BitSegment {
            value: Node::new(kind, item.span),
            specs: Vec::new(),
        },
    }
}

fn flatten_specs(spec: Node, out: &mut Vec<Node>) {
    match spec.kind {
        NodeKind::BinaryOp {
            op: BinaryOp::Sub,
            lhs,
            rhs,
        } => {
            flatten_specs(*lhs, out);
            flatten_specs(*rhs, out);
        }
        kind => out.push(Node::new(kind, spec.span)),
    }
}

/// Splits a clause head: a trailing `when` guard comes off the last argument.
fn split_guard(mut head: Vec<Node>) -> (Vec<Node>, Option<Node>) {
    if let Some(last) = head.pop() {
        if let NodeKind::BinaryOp {
            op: BinaryOp::When,
            lhs,
            rhs,
        } = last.kind
        {
            head.push(*lhs);
            return (head, Some(*rhs));
        }
        head.push(last);
    }
    (head, None)
}

/// How Elixir shows a token in `syntax error before: ...`.
fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Int(_, text) | Tok::BigInt(_, text) | Tok::Float(_, text) => format!("\"{text}\""),
        Tok::Atom(a) => a.clone(),
        Tok::KwKey(k) => format!("{k}:"),
        Tok::Str(pieces) | Tok::Charlist(pieces) => {
            let text: String = pieces
                .iter()
                .map(|p| match p {
                    Piece::Lit(s) => s.clone(),
                    Piece::Bytes(bytes) => bytes.iter().map(|b| format!("\\x{b:02X}")).collect(),
                    Piece::Code(_) => "#{...}".to_string(),
                })
                .collect();
            format!("\"{text}\"")
        }
        Tok::Sigil { letter, .. } => format!("sigil ~{letter}"),
        Tok::Ident(name) => name.clone(),
        Tok::Alias(name) => format!("'{name}'"),
        Tok::CaptureArg(n) => format!("'&{n}'"),
        Tok::Op(op) if op.chars().all(char::is_alphabetic) => op.to_string(),
        Tok::Op(op) => format!("'{op}'"),
        Tok::Reserved(w) => w.to_string(),
        Tok::LParen => "'('".into(),
        Tok::RParen => "')'".into(),
        Tok::LBracket => "'['".into(),
        Tok::RBracket => "']'".into(),
        Tok::LBrace => "'{'".into(),
        Tok::RBrace => "'}'".into(),
        Tok::PercentBrace => "'%{}'".into(),
        Tok::Percent => "'%'".into(),
        Tok::LtLt => "'<<'".into(),
        Tok::GtGt => "'>>'".into(),
        Tok::Comma => "','".into(),
        Tok::Dot => "'.'".into(),
        Tok::Semicolon => "';'".into(),
        Tok::Newline => "newline".into(),
        Tok::Eof => "end of input".into(),
    }
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;
