//! Snapshot tests of the banners Elixir 1.14 prints for malformed scripts (each
//! expected text was checked against `elixir t.exs`).

use super::parse;

fn banner(src: &str) -> String {
    match parse(src) {
        Ok(nodes) => format!("parsed {} expressions", nodes.len()),
        Err(e) => e.banner("t.exs"),
    }
}

#[test]
fn syntax_error_banners() {
    let inputs = [
        "foo(1, )\n",
        "foo(1\n",
        "if true do\n 1\n",
        "[1, 2\n",
        "%{a: 1\n",
        "\"abc\n",
        "\"\"\"\nabc\n",
        "x = )\n",
        "end\n",
        "foo(1]\n",
        "1 + * 2\n",
        "fn x -> x\n",
        ":foo bar\n",
        "x = 1 2\n",
        "def foo(x) x end\n",
        "\"a#{b\"\n",
        "1..\n",
        "~w(a b\n",
        "{1, 2\n",
        "<<1, 2\n",
    ];
    let report: Vec<String> = inputs
        .iter()
        .map(|src| format!("{src:?}\n  {}", banner(src)))
        .collect();
    insta::assert_snapshot!(report.join("\n"));
}
