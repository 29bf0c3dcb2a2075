//! Property tests: the parser never panics, whatever the input.

use otplab::syntax::parse;
use proptest::prelude::*;

/// Fragments of Elixir source, so random soups reach deep into the parser.
const FRAGMENTS: &[&str] = &[
    "do", "end", "fn", "->", "(", ")", "[", "]", "{", "}", "%{", "%", "<<", ">>", ",", ".", ";",
    "\n", "x", "Foo", "foo(", "1", "2.5", ":a", "a:", "\"s\"", "\"#{", "'c'", "~w(", "&", "&1",
    "@", "|", "|>", "=", "==", "+", "-", "*", "/", "..", "//", "<-", "\\\\", "::", "when", "in",
    "not", "and", "=>", "case", "if", "else", "after", "rescue", "catch", "\"\"\"\n", "#", " ",
    "?a", "^", "!",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,80}") {
        let _ = parse(&src);
    }

    #[test]
    fn token_soups_never_panic(picks in proptest::collection::vec(0..FRAGMENTS.len(), 0..60)) {
        let src: String = picks.iter().map(|&i| FRAGMENTS[i]).collect::<Vec<_>>().join(" ");
        let _ = parse(&src);
        let tight: String = picks.iter().map(|&i| FRAGMENTS[i]).collect();
        let _ = parse(&tight);
    }

    #[test]
    fn errors_point_inside_the_input(picks in proptest::collection::vec(0..FRAGMENTS.len(), 1..40)) {
        let src: String = picks.iter().map(|&i| FRAGMENTS[i]).collect::<Vec<_>>().join(" ");
        if let Err(e) = parse(&src) {
            let lines = src.split('\n').count() as u32;
            prop_assert!(e.span.line >= 1 && e.span.line <= lines + 1, "{:?} for {:?}", e, src);
            prop_assert!(e.span.col >= 1);
            prop_assert!(!e.message.is_empty());
        }
    }
}
