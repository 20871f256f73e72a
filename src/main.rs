//! The `gen` command: parses arguments and hands over to [`gensite::cli`].

/// A build allocates many short-lived strings (template values, minifier buffers) from several
/// threads; mimalloc handles that pattern markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    gensite::cli::main()
}
