//! Command-line interface: argument parsing, terminal output, exit codes. The only module that
//! prints.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{CommandFactory, Parser, Subcommand};

use crate::build::{BuildOptions, BuildReport, Timer};
use crate::config::Overrides;
use crate::diagnostics::{Diagnostic, Error, render_terminal};

const EXAMPLES: &str = "Examples:
  gen build                         build the site in this folder into public/
  gen build --base-url https://example.org/news/ --output /tmp/site
  gen check                         validate content, credits and links; write nothing
  gen serve                         preview on http://127.0.0.1:1111/, rebuilt on every save
  gen completions bash > /etc/bash_completion.d/gen";

/// gen: a static site generator for translated journalism.
#[derive(Debug, Parser)]
#[command(name = "gen", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// Site folder (holds site.toml).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Print only errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more: warnings in full, missing UI strings, stage timings.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder.
    Build(BuildArgs),
    /// Validate content and credits without writing anything.
    Check(CheckArgs),
    /// Preview the site: build, serve on localhost, rebuild on every save, reload the browser.
    Serve(ServeArgs),
    /// Print shell completions.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

/// Options of `gen build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Override base_url of site.toml (e.g. for a staging host).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Write here instead of output_dir of site.toml.
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Rewrite every file, even unchanged ones.
    #[arg(long)]
    pub clean: bool,
    /// Replace an output folder that gen did not write.
    #[arg(long)]
    pub force: bool,
    /// Print time per stage.
    #[arg(long)]
    pub timings: bool,
}

/// Options of `gen serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on. Anything but a loopback address shows the preview, drafts and
    /// embargoed stories included, to your network.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: std::net::IpAddr,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Milliseconds without changes before rebuilding (1 to 5000).
    #[arg(long, default_value_t = 10, value_name = "MS",
          value_parser = clap::value_parser!(u64).range(1..=5000))]
    pub debounce: u64,
}

/// Options of `gen check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Output format of `gen check`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// For tools.
    Json,
}

/// Whether to colour stderr: a terminal, and NO_COLOR unset.
fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn print_diagnostics(list: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(render_terminal(list, color()).as_bytes());
}

fn fail(e: &Error) -> ExitCode {
    print_diagnostics(&e.diagnostics());
    if let Error::Content(list) = e {
        let n = list
            .iter()
            .filter(|d| d.severity == crate::diagnostics::Severity::Error)
            .count();
        let _ = writeln!(
            std::io::stderr(),
            "build failed: {n} error{}; the output folder was left as it was",
            if n == 1 { "" } else { "s" }
        );
    }
    match e {
        Error::Usage(_) => ExitCode::from(2),
        _ => ExitCode::from(1),
    }
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // A closed pipe (`gen build | head -c1`) must not panic.
    match &cli.command {
        Command::Build(args) => cmd_build(&cli, args),
        Command::Check(args) => cmd_check(&cli, args),
        Command::Serve(args) => cmd_serve(&cli, args),
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "gen", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
    }
}

fn cmd_build(cli: &Cli, args: &BuildArgs) -> ExitCode {
    let started = Instant::now();
    let opts = BuildOptions {
        root: cli.root.clone(),
        overrides: Overrides {
            base_url: args.base_url.clone(),
            output_dir: args.output.clone(),
            drafts: args.drafts,
        },
        clean: args.clean,
        force: args.force,
    };
    match crate::build::build(&opts) {
        Ok(report) => {
            summary(cli, &report, started, args.timings);
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn summary(cli: &Cli, r: &BuildReport, started: Instant, timings: bool) {
    if !r.warnings.is_empty() && !cli.quiet {
        print_diagnostics(&r.warnings);
    }
    if cli.verbose {
        for (lang, keys) in &r.missing_strings {
            let _ = writeln!(
                std::io::stderr(),
                "UI strings missing in `{lang}` (English shown): {}",
                keys.join(", ")
            );
        }
    }
    if timings || cli.verbose {
        let mut err = std::io::stderr().lock();
        for t in &r.timings {
            let _ = writeln!(
                err,
                "  {:<14} {:>8.1} ms",
                t.stage,
                t.time.as_secs_f64() * 1000.0
            );
        }
    }
    if !cli.quiet {
        let _ = writeln!(
            std::io::stdout(),
            "Built {} articles, {} pages into {} ({} files written, {} unchanged) in {:.0} ms",
            r.articles,
            r.pages,
            r.output_dir.display(),
            r.written,
            r.unchanged,
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
}

fn cmd_check(cli: &Cli, args: &CheckArgs) -> ExitCode {
    let overrides = Overrides {
        drafts: args.drafts,
        ..Overrides::default()
    };
    let mut timer = Timer::start();
    let (list, ok) = match crate::build::load_site(&cli.root, &overrides, &mut timer) {
        Ok((site, mut warnings)) => {
            warnings.extend(crate::build::check_warnings(&site));
            crate::diagnostics::sort(&mut warnings);
            (warnings, true)
        }
        Err(e) => (e.diagnostics(), false),
    };
    match args.format {
        Format::Json => {
            let _ = writeln!(
                std::io::stdout(),
                "{}",
                serde_json::json!({ "ok": ok, "diagnostics": list })
            );
        }
        Format::Text => {
            if !(cli.quiet && ok) {
                print_diagnostics(&list);
            }
            if ok && !cli.quiet {
                let _ = writeln!(
                    std::io::stdout(),
                    "check passed: no errors, {} warning{}",
                    list.len(),
                    if list.len() == 1 { "" } else { "s" }
                );
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn cmd_serve(cli: &Cli, args: &ServeArgs) -> ExitCode {
    use crate::serve::Message;
    let opts = crate::serve::ServeOptions {
        root: cli.root.clone(),
        port: args.port,
        bind: args.bind,
        drafts: args.drafts,
        open: args.open,
        debounce: std::time::Duration::from_millis(args.debounce),
    };
    let quiet = cli.quiet;
    let verbose = cli.verbose;
    let report: crate::serve::Reporter = std::sync::Arc::new(move |msg: Message<'_>| match msg {
        Message::Listening { url, dir } => {
            if verbose {
                let _ = writeln!(std::io::stderr(), "serving files from {}", dir.display());
            }
            let _ = writeln!(std::io::stdout(), "Serving at {url} (press Ctrl-C to stop)");
        }
        Message::Exposed { bind } => {
            let _ = writeln!(
                std::io::stderr(),
                "warning: listening on {bind}: anyone on your network can open this preview, \
                 including drafts and embargoed stories; use --bind 127.0.0.1 to keep it private"
            );
        }
        Message::Built {
            initial,
            ms,
            stats,
            applied,
        } => {
            if (initial || verbose) && !quiet && !stats.warnings.is_empty() {
                print_diagnostics(&stats.warnings);
            }
            if initial {
                if !quiet {
                    let _ = writeln!(
                        std::io::stderr(),
                        "Built {} articles, {} pages in {ms:.0} ms",
                        stats.articles,
                        stats.pages
                    );
                }
            } else if !quiet {
                let _ = writeln!(
                    std::io::stderr(),
                    "rebuilt in {ms:.1} ms: {} pages rendered, {} files written, {} removed{}",
                    stats.rendered,
                    applied.written.len(),
                    applied.removed.len(),
                    if stats.fast {
                        ""
                    } else {
                        " (site model rebuilt)"
                    }
                );
            }
        }
        Message::Failed { ms, errors } => {
            print_diagnostics(errors);
            let _ = writeln!(
                std::io::stderr(),
                "build failed in {ms:.0} ms: {} error{}; still serving the last good build",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            );
        }
        Message::Warning(w) => {
            let _ = writeln!(std::io::stderr(), "warning: {w}");
        }
        Message::Stopping => {
            if !quiet {
                let _ = writeln!(std::io::stderr(), "stopping");
            }
        }
    });
    match crate::serve::run(&opts, report) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}
