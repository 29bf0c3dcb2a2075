//! The `otplab` binary: everything lives in the library; `cli` decides the exit code.

/// Terms are small reference-counted heap blocks allocated and freed at a high
/// rate; mimalloc's thread-local free lists serve them several times cheaper than
/// the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(otplab::cli::main())
}
