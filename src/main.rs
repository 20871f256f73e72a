//! The `gen` command: parses arguments and hands over to [`gensite::cli`].
fn main() -> std::process::ExitCode {
    gensite::cli::main()
}
