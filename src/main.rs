//! The `otplab` binary: everything lives in the library; `cli` decides the exit code.

fn main() {
    std::process::exit(otplab::cli::main())
}
