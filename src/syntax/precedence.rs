//! Elixir's binary operator table (from `elixir_parser.yrl`), loosest first:
//!
//! | prec | assoc | operators |
//! |-----:|-------|-----------|
//! | 40 | left | `<-` `\\` |
//! | 50 | right | `when` |
//! | 60 | right | `::` |
//! | 70 | right | `\|` |
//! | 80 | right | `=>` (only inside maps; handled by the map parser) |
//! | 90 | - | `&` (unary capture) |
//! | 100 | right | `=` |
//! | 120 | left | `\|\|` `\|\|\|` `or` |
//! | 130 | left | `&&` `&&&` `and` |
//! | 140 | left | `==` `!=` `=~` `===` `!==` |
//! | 150 | left | `<` `>` `<=` `>=` |
//! | 160 | left | `\|>` `<<<` `>>>` `<~` `~>` `<~>` `<\|>` |
//! | 170 | left | `in` `not in` |
//! | 190 | right | `//` |
//! | 200 | right | `++` `--` `+++` `---` `..` `<>` |
//! | 210 | left | `+` `-` |
//! | 220 | left | `*` `/` |
//! | 230 | left | `**` |
//! | 300 | - | unary `+ - ! ^ not` |
//! | 320 | - | `@` |

use super::ast::BinaryOp;

/// Precedence of the unary capture operator `&`.
pub const CAPTURE: u8 = 90;
/// Precedence of the other unary operators.
pub const UNARY: u8 = 250;
/// Precedence of `=>`: map keys are parsed above it.
pub const ASSOC: u8 = 80;
/// Precedence of `not in` / `in`.
pub const IN: u8 = 170;

/// How an operator groups with itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assoc {
    /// `a - b - c` is `(a - b) - c`.
    Left,
    /// `a = b = c` is `a = (b = c)`.
    Right,
}

/// A binary operator the parser can build: its AST operator, or `None` for an
/// operator Elixir has but otplab does not support (the parser reports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BinaryInfo {
    /// The AST operator, if supported.
    pub op: Option<BinaryOp>,
    /// Binding power (higher binds tighter).
    pub prec: u8,
    /// Grouping.
    pub assoc: Assoc,
}

/// Looks up an operator token's binary meaning (`=>` and `not` excluded: the parser
/// handles `=>` in maps and `not in` as a pair).
pub fn binary(op: &str) -> Option<BinaryInfo> {
    use Assoc::*;
    use BinaryOp as B;
    let (op, prec, assoc) = match op {
        "<-" => (Some(B::Arrow), 40, Left),
        "\\\\" => (Some(B::Default), 40, Left),
        "when" => (Some(B::When), 50, Right),
        "::" => (Some(B::Type), 60, Right),
        "|" => (Some(B::Pipe_), 70, Right),
        "=" => (Some(B::Match), 100, Right),
        "||" => (Some(B::OrOr), 120, Left),
        "or" => (Some(B::Or), 120, Left),
        "|||" => (None, 120, Left),
        "&&" => (Some(B::AndAnd), 130, Left),
        "and" => (Some(B::And), 130, Left),
        "&&&" => (None, 130, Left),
        "==" => (Some(B::Eq), 140, Left),
        "!=" => (Some(B::Ne), 140, Left),
        "=~" => (Some(B::Match_), 140, Left),
        "===" => (Some(B::StrictEq), 140, Left),
        "!==" => (Some(B::StrictNe), 140, Left),
        "<" => (Some(B::Lt), 150, Left),
        ">" => (Some(B::Gt), 150, Left),
        "<=" => (Some(B::Le), 150, Left),
        ">=" => (Some(B::Ge), 150, Left),
        "|>" => (Some(B::Pipe), 160, Left),
        "<<<" | ">>>" | "<~" | "~>" | "<~>" | "<|>" => (None, 160, Left),
        "in" => (Some(B::In), IN, Left),
        "^^^" => (None, 180, Left),
        "//" => (Some(B::Step), 190, Right),
        "++" => (Some(B::Concat), 200, Right),
        "--" => (Some(B::Subtract), 200, Right),
        "<>" => (Some(B::StrConcat), 200, Right),
        ".." => (Some(B::Range), 200, Right),
        "+++" | "---" => (None, 200, Right),
        "+" => (Some(B::Add), 210, Left),
        "-" => (Some(B::Sub), 210, Left),
        "*" => (Some(B::Mul), 220, Left),
        "/" => (Some(B::Div), 220, Left),
        "**" => (Some(B::Pow), 230, Left),
        _ => return None,
    };
    Some(BinaryInfo { op, prec, assoc })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_orders_operators_like_elixir() {
        let p = |s| binary(s).map(|b| b.prec).unwrap_or(0);
        assert!(p("*") > p("+"));
        assert!(p("+") > p("++"));
        assert!(p("..") > p("//"));
        assert!(p("in") > p("|>"));
        assert!(p("|>") > p("<"));
        assert!(p("<") > p("=="));
        assert!(p("==") > p("&&"));
        assert!(p("&&") > p("||"));
        assert!(p("||") > p("="));
        assert!(p("=") > CAPTURE);
        assert!(p("|") < 80 && p("=") > 90);
        assert!(p("|") > p("::"));
        assert!(p("::") > p("when"));
        assert!(p("when") > p("<-"));
        assert_eq!(binary("=").map(|b| b.assoc), Some(Assoc::Right));
        assert_eq!(binary("-").map(|b| b.assoc), Some(Assoc::Left));
        assert_eq!(binary("<>").map(|b| b.assoc), Some(Assoc::Right));
        assert!(binary("=>").is_none());
    }
}
