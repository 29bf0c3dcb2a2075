//! otplab: learn OTP beyond GenServer (Task, Agent, ETS) by running it.
#![doc = "(map in progress)"]

pub mod course;
pub mod runtime;
pub mod stdlib;
pub mod syntax;
pub mod term;
pub mod vm;
