//! The course: drills, exercises, the project units and the capstone, loaded from
//! RON files (`drills/`, `exercises/`) with data and sample answers in `fixtures/`.
//!
//! - [`unit`](mod@unit): the RON format (one [`unit::Unit`] per file, `format_version` 1).
//! - [`bundle`]: the course compiled into the binary, unpacked where checks can read it.
//! - [`catalog`]: loading every unit and enforcing the course rules.
//! - [`answer`]: the sample answers in `fixtures/answers/` and their expected verdicts.
//! - [`grade`]: grading an answer against a unit ([`grade::grade`]).
//! - [`lint`]: the course verified on otplab's engine (`otplab course lint`).
//! - [`probe`]: the Elixir program that runs one check, and reading its result.
//! - [`sandbox`]: a session on its own thread with wall-clock and process guards.
//! - [`verdict`]: judging one check and filling in its explanation.
//! - [`report`]: human, JSON, JUnit and Exercism reports.
//! - [`capture`]: the output sink that keeps what an answer prints.
//! - [`timeline`]: the processes a check ran, as lanes along a time axis.
//! - [`progress`]: which units the learner has passed.
//!
//! `drills/README.md` documents the format for instructors.

pub mod answer;
pub mod bundle;
pub mod capture;
pub mod catalog;
pub mod grade;
pub mod lint;
pub mod probe;
pub mod progress;
pub mod report;
pub mod sandbox;
pub mod timeline;
pub mod unit;
pub mod verdict;

#[cfg(test)]
mod tests;
