//! The course: drills, exercises, the project units and the capstone, loaded from
//! RON files (`drills/`, `exercises/`) with data and sample answers in `fixtures/`.
//!
//! - [`unit`]: the RON format (one [`unit::Unit`] per file, `format_version` 1).
//! - [`catalog`]: loading every unit and enforcing the course rules.
//! - [`answer`]: the sample answers in `fixtures/answers/` and their expected verdicts.
//!
//! `drills/README.md` documents the format for instructors.

pub mod answer;
pub mod catalog;
pub mod unit;

#[cfg(test)]
mod tests;
