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
    /// Show an article's best related-reading candidates, their scores and why.
    Related {
        /// The article: content/en/story.md, en/story.md, or a bundle folder.
        path: PathBuf,
        /// How many candidates to list.
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
    },
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
        Command::Related { path, top, drafts } => cmd_related(&cli, path, *top, *drafts),
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

/// `gen related PATH`: the ranking of one article, explained by the scoring code itself.
fn cmd_related(cli: &Cli, path: &std::path::Path, top: usize, drafts: bool) -> ExitCode {
    let overrides = Overrides {
        drafts,
        ..Overrides::default()
    };
    let site = match crate::build::load_site(&cli.root, &overrides, &mut Timer::start()) {
        Ok((site, _)) => site,
        Err(e) => return fail(&e),
    };
    // A path on the command line is relative to where gen runs, or to the site's content/.
    let rooted = cli.root.join(path);
    let found = crate::related::find_article(&site, path)
        .or_else(|e| crate::related::find_article(&site, &rooted).map_err(|_| e));
    match found {
        Ok(i) => {
            let text = crate::related::explain(&site, i, top).to_text(&site);
            let _ = std::io::stdout().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(msg) => fail(&Error::Usage(msg)),
    }
}
