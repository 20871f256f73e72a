//! The `gen` command: parses arguments and hands over to [`gensite::cli`].

/// A build allocates many short-lived strings (template values, minifier buffers) from several
/// threads; mimalloc handles that pattern markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    /// mimalloc's option setter (`mimalloc.h`), from the library the `mimalloc` crate links.
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay`: its place in mimalloc's `mi_option_e` (the same in v2 and v3).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

fn main() -> std::process::ExitCode {
    // `gen serve` frees and allocates the same few hundred megabytes with every save (the
    // related-reading follow-up at 100,000 articles), so memory handed back to the system is
    // soon asked for again. mimalloc hands it back 10 ms after it is freed, and the kernel
    // work of that landed in the next save's build: 60–150 ms of system time, saves served in
    // up to 220 ms where the rest took 30–60 ms. The server keeps what it freed instead (its
    // peak resident memory at 100,000 articles: 2,173 → 2,300 MiB). A stray `serve` among
    // another command's arguments only means the same.
    if std::env::args_os().skip(1).any(|a| a == "serve") {
        // SAFETY: sets a process-wide allocator option; mimalloc reads it at each purge.
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
    gensite::cli::main()
}
