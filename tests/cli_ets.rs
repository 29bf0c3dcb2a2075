//! Black-box tests of ETS over the binary: tables dying with (or passing on from) a
//! crashing owner, and the REPL's helpers `IEx.Helpers.ets_tables/0` and `ets_rows/1`.

use assert_cmd::Command;

fn repl(input: &str) -> String {
    let out = Command::cargo_bin("otplab")
        .expect("the otplab binary is built for tests")
        .write_stdin(input)
        .output()
        .expect("the REPL runs");
    assert!(out.status.success(), "REPL failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The byte offset where each column starts, from a line whose columns are separated
/// by runs of two or more spaces.
fn column_starts(line: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let bytes = line.as_bytes();
    for i in 2..bytes.len() {
        if bytes[i] != b' ' && bytes[i - 1] == b' ' && bytes[i - 2] == b' ' {
            starts.push(i);
        }
    }
    starts
}

#[test]
fn ets_tables_lists_every_table_in_aligned_columns() {
    let out = repl(
        "scores = :ets.new(:scores, [:named_table, :public])\n\
         :ets.insert(scores, [{:ann, 42}, {:bob, 7}])\n\
         sessions = :ets.new(:sessions, [:ordered_set])\n\
         ets_tables()\n",
    );
    let lines: Vec<&str> = out.lines().collect();
    let header = lines.iter().position(|l| l.starts_with("id ")).expect("a header line");
    let header_line = lines[header];
    let words: Vec<&str> = header_line.split_whitespace().collect();
    assert_eq!(words, ["id", "name", "type", "protection", "size", "memory", "owner"]);

    let scores: Vec<&str> = lines[header + 1].split_whitespace().collect();
    assert_eq!(&scores[..5], [":scores", ":scores", "set", "public", "2"]);
    assert!(scores[5].parse::<u64>().is_ok_and(|words| words > 0), "memory in words: {scores:?}");
    assert!(scores[6].starts_with("#PID<"), "owner: {scores:?}");

    let sessions: Vec<&str> = lines[header + 2].split_whitespace().collect();
    assert!(sessions[0].starts_with("#Reference<"), "an unnamed table shows its reference: {sessions:?}");
    assert_eq!(&sessions[1..5], [":sessions", "ordered_set", "protected", "0"]);

    // Left-aligned text columns start where their header starts; the numbers are
    // right-aligned, so they end where their header ends.
    let starts = column_starts(header_line);
    for row in [lines[header + 1], lines[header + 2]] {
        let row_starts = column_starts(row);
        for col in [0, 1, 2, 3, 6] {
            assert_eq!(row_starts[col], starts[col], "column {col} of {row:?}");
        }
        for (col, title) in [(4, "size"), (5, "memory")] {
            let end = header_line.find(title).expect("title") + title.len();
            let cell = row.split_whitespace().nth(col).expect("cell");
            let cell_end = row[row_starts[col]..].find(cell).expect("cell") + row_starts[col] + cell.len();
            assert_eq!(cell_end, end, "column {title} of {row:?}");
        }
    }
}

#[test]
fn ets_rows_shows_a_tables_rows_and_respects_private_tables() {
    let out = repl(
        ":ets.new(:scores, [:named_table, :public])\n\
         :ets.insert(:scores, [{:ann, 42}, {:bob, 7}])\n\
         ets_rows(:scores)\n\
         spawn(fn -> :ets.new(:secret, [:named_table, :private]); receive do _ -> :ok end end)\n\
         Process.sleep(20)\n\
         ets_rows(:secret)\n\
         ets_rows(:missing)\n",
    );
    assert!(out.contains(":scores: set, public, 2 rows\n  {:ann, 42}\n  {:bob, 7}\n:ok\n"), "{out}");
    assert!(out.contains(":secret: set, private, 0 rows (private to #PID<"), "{out}");
    assert!(out.contains("only its owner can read the rows)\n"), "{out}");
    assert!(out.contains("no ETS table :missing\n"), "{out}");
}

/// What Elixir 1.14 prints for `tests/fixtures/run/ets_ownership.exs` (its Logger
/// reports of the two crashes aside).
const OWNERSHIP_STDOUT: &str = "\
before the crash: [k: 1]
DOWN: owner crashed
whereis after DOWN: :undefined
info after DOWN: :undefined
errors were found at the given arguments:

  * 1st argument: the table identifier does not refer to an existing ETS table

ETS-TRANSFER from the dead owner: :family_silver
DOWN after the transfer
the heir owns it: true
and is still its heir: true
rows kept: [spoons: 12]
the new owner writes a protected table: true
";

/// `out` without Logger's crash reports (a blank line, `HH:MM:SS.mmm [error] ...`,
/// then `** (...)` and indented stack lines): Elixir's logger prints them from
/// its own process, at other places in the output than otplab's.
fn without_crash_reports(out: &str) -> String {
    let lines: Vec<&str> = out.lines().collect();
    let is_header = |l: &str| l.len() > 21 && l.as_bytes()[2] == b':' && l[12..].starts_with(" [error] ");
    let mut kept = String::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].is_empty() && lines.get(i + 1).is_some_and(|l| is_header(l)) {
            i += 2;
            while lines.get(i).is_some_and(|l| l.starts_with("** (") || l.starts_with("    ")) {
                i += 1;
            }
            continue;
        }
        kept.push_str(lines[i]);
        kept.push('\n');
        i += 1;
    }
    kept
}

#[test]
fn a_crashed_owners_table_is_gone_at_the_down_and_an_heir_inherits_with_ets_transfer() {
    let out = Command::cargo_bin("otplab")
        .expect("the otplab binary is built for tests")
        .args(["run", "tests/fixtures/run/ets_ownership.exs"])
        .output()
        .expect("otplab runs");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches("[error] Process #PID<").count(), 2, "both crashes are reported: {stdout}");
    assert_eq!(without_crash_reports(&stdout), OWNERSHIP_STDOUT);
}
