//! Command-line interface: argument parsing, terminal output, exit codes. The only module that
//! prints.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{CommandFactory, Parser, Subcommand};

use crate::build::{BuildOptions, BuildReport, Timer};
use crate::config::Overrides;
use crate::diagnostics::{Diagnostic, Error, plural, render_terminal};

const EXAMPLES: &str = "Examples:
  gen new site my-site              create a site that builds at once
  gen build                         build the site in this folder into public/
  gen build --base-url https://example.org/news/ --output /tmp/site
  gen check                         validate content, credits and links; write nothing
  gen serve                         preview on http://127.0.0.1:1111/, rebuilt on every save
  gen new article en/my-story --author \"Jane Doe\" --edit
  gen completions bash > /etc/bash_completion.d/gen

Exit status: 0 success (warnings allowed), 1 errors in content, site.toml or
templates, 2 bad usage (unknown flag, refused folder, no site.toml here).
Colours only on a terminal; NO_COLOR turns them off, CLICOLOR_FORCE on.";

const BUILD_EXAMPLES: &str = "Examples:
  gen build                         build into output_dir of site.toml (public/)
  gen build --base-url https://example.org/news/
                                    build for a sub-path deploy (every URL under /news/)
  gen build --output /tmp/staging --drafts
  gen build --clean                 rewrite every file, even unchanged ones
  gen build --incremental           keep a build cache in .gen-cache/build/; the next
                                    build reads, renders and writes only what changed
  gen build --deny-warnings         fail on warnings too (for CI)
  gen build --future                publish articles dated in the future now
  gen build --format json | jq -r .next_build
                                    when to build again: the next scheduled article or pin expiry
  gen build -q && rsync -a --delete public/ host:/var/www/site/

Unchanged files keep their modification time, so rsync and bucket syncs upload
only what changed.";

const CHECK_EXAMPLES: &str = "Examples:
  gen check                         content, credits, links, anchors and images
  gen check --drafts                include drafts
  gen check --base-url https://example.org/news/
                                    check links as they will be on a sub-path
  gen check --format json | jq '.diagnostics[] | .message'

Problems are listed as file:line: message; exit status 1 when any is an error.";

const SERVE_EXAMPLES: &str = "Examples:
  gen serve                         build and preview on http://127.0.0.1:1111/
  gen serve --port 0 --drafts --open
                                    any free port, drafts included, open the browser
  gen serve --bind 0.0.0.0          show the preview to your network (drafts too!)

The site is built into a private temporary folder (never into public/), rebuilt
on every save, and open pages reload. A failed rebuild shows its errors over the
page and keeps serving the last good build. Ctrl-C stops and cleans up.";

const COMPLETIONS_EXAMPLES: &str = "Examples:
  gen completions bash > ~/.local/share/bash-completion/completions/gen
  gen completions zsh > ~/.zfunc/_gen
  gen completions fish > ~/.config/fish/completions/gen.fish";

const EJECT_EXAMPLES: &str = "Examples:
  gen theme eject article.html      copy templates/article.html into the site, to edit
  gen theme eject partials/card.html css/style.css
  gen theme eject ru.toml           the Russian UI strings (or write only the keys to change
                                    in i18n/ru.toml: a site's strings override key by key)
  gen theme eject                   every file of the theme

The site's copy wins over the theme's from the next build; delete it to go back.";

const NEW_EXAMPLES: &str = "Examples:
  gen new site my-site
  gen new article en/my-story --author \"Jane Doe\" --edit";

const NEW_SITE_EXAMPLES: &str = "Examples:
  gen new site my-site              site.toml, a sample article, content/people.yaml
  gen new site my-site --theme-copy also copy the default theme into themes/default
  cd my-site && gen build

The folder must be new or empty: nothing is ever overwritten.";

const NEW_ARTICLE_EXAMPLES: &str = "Examples:
  gen new article en/council-budget --author \"Jane Doe\"
  gen new article ru/ --title \"Совет утвердил бюджет\" --edit
  gen new article en/border-talks --translator \"Sam Taylor\" \\
      --source-url https://example.net/2026/03/talks

PATH is under content/; `.md` is added. Values gen cannot know are written as
TODO placeholders: the article builds, and `gen check` fails until they are filled.";

/// gen: a static site generator for translated journalism.
#[derive(Debug, Parser)]
#[command(name = "gen", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// Site folder (holds site.toml).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
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
    #[command(after_help = BUILD_EXAMPLES)]
    Build(BuildArgs),
    /// Validate content, credits, links, anchors and images without writing anything.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Preview the site: build, serve on localhost, rebuild on every save, reload the browser.
    #[command(after_help = SERVE_EXAMPLES)]
    Serve(ServeArgs),
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
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Create a new site or article.
    #[command(subcommand, after_help = NEW_EXAMPLES)]
    New(NewCommand),
    /// Work with the site's theme.
    #[command(subcommand)]
    Theme(ThemeCommand),
}

/// What `gen theme` does.
#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Copy theme files into the site's templates/, static/ and i18n/, where they override the
    /// theme's, to edit them (every file when none is named; never overwrites).
    #[command(after_help = EJECT_EXAMPLES)]
    Eject {
        /// Files as named in the theme (templates/article.html) or shorter (article.html,
        /// partials/card.html, css/style.css, ru.toml).
        #[arg(value_name = "FILE")]
        files: Vec<String>,
    },
}

/// What `gen new` creates.
#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Create a site that builds at once in a new or empty folder.
    #[command(after_help = NEW_SITE_EXAMPLES)]
    Site(NewSiteArgs),
    /// Create an article with its front matter filled in.
    #[command(after_help = NEW_ARTICLE_EXAMPLES)]
    Article(NewArticleArgs),
}

/// Options of `gen new site`.
#[derive(Debug, clap::Args)]
pub struct NewSiteArgs {
    /// Folder to create (must be new or empty).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Copy the default theme into themes/default, to change it.
    #[arg(long)]
    pub theme_copy: bool,
}

/// Options of `gen new article`.
#[derive(Debug, clap::Args)]
pub struct NewArticleArgs {
    /// Path under content/ (`en/my-story`); `en/my-story/` makes a page bundle (index.md);
    /// a language folder alone (`ru/`) names the file after --title.
    #[arg(value_name = "PATH")]
    pub path: String,
    /// Language code (default: the path's language folder, else the site's default).
    #[arg(long)]
    pub lang: Option<String>,
    /// Headline; the slug is made from it.
    #[arg(long)]
    pub title: Option<String>,
    /// Credit as author ("Story by"); repeat for several.
    #[arg(long = "author", value_name = "NAME")]
    pub authors: Vec<String>,
    /// Credit as translator ("Translation by"); repeat for several. Adds a `source:` block.
    #[arg(long = "translator", value_name = "NAME")]
    pub translators: Vec<String>,
    /// URL of the original article. Adds a `source:` block.
    #[arg(long, value_name = "URL")]
    pub source_url: Option<String>,
    /// Open the new file in $VISUAL or $EDITOR.
    #[arg(long)]
    pub edit: bool,
}

/// Options of `gen build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Publish articles whose date is still to come (held back otherwise until a build after
    /// their time; "now" is SOURCE_DATE_EPOCH when set).
    #[arg(long)]
    pub future: bool,
    /// Summary format: `json` prints what was built, the held-back articles, `next_publish`,
    /// `pin_expires` and `next_build` (when to build again) on stdout, for CI schedulers.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
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
    /// Print each stage's time, and on Linux the memory it left held and the peak so far.
    #[arg(long)]
    pub timings: bool,
    /// Fail on warnings too (for CI): exit 1 and leave the output folder as it was.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Keep a build cache in .gen-cache/build/ (safe to delete): the next build reads,
    /// renders and writes only what changed since, with the same output as a full build.
    #[arg(long)]
    pub incremental: bool,
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
    /// Milliseconds without changes before rebuilding (1 to 5000); a burst of changes waits
    /// ten times longer (at least 100 ms), so that it builds once.
    #[arg(long, default_value_t = 10, value_name = "MS",
          value_parser = clap::value_parser!(u64).range(1..=5000))]
    pub debounce: u64,
    /// Keep the served folder and the build caches in .gen-cache/serve/ between runs: the next
    /// start with the same site.toml, theme and address serves the kept site at once and
    /// renders only what changed since.
    #[arg(long)]
    pub incremental: bool,
}

/// Options of `gen check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Include articles whose date is still to come.
    #[arg(long)]
    pub future: bool,
    /// Check links as they will be with this base_url (e.g. a sub-path deploy).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
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

/// Whether to colour a stream: never with NO_COLOR (no-color.org), always with CLICOLOR_FORCE,
/// else only on a terminal.
fn color_for(is_terminal: bool) -> bool {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty() && v != "0");
    if set("NO_COLOR") {
        return false;
    }
    set("CLICOLOR_FORCE") || is_terminal
}

/// Whether to colour stderr.
fn color() -> bool {
    color_for(std::io::stderr().is_terminal())
}

/// Writes to stdout, ignoring errors: a closed pipe (`gen build | head -c1`) is not a failure.
fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes());
    let _ = o.flush();
}

fn print_diagnostics(list: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(render_terminal(list, color()).as_bytes());
}

/// Warnings with a few of each kind shown and the rest counted (`--verbose` and `gen check`
/// print them all; so does `--format json`).
fn print_warnings_collapsed(list: &[Diagnostic]) {
    let text = crate::diagnostics::render_terminal_collapsed(
        list,
        color(),
        crate::diagnostics::SHOWN_PER_KIND,
    );
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn fail(e: &Error) -> ExitCode {
    print_diagnostics(&e.diagnostics());
    if let Error::DeniedWarnings(list) = e {
        let _ = writeln!(
            std::io::stderr(),
            "build failed: {} and --deny-warnings; the output folder was left as it was",
            plural(list.len(), "warning", "warnings")
        );
    }
    if let Error::Content(list) = e {
        let n = list
            .iter()
            .filter(|d| d.severity == crate::diagnostics::Severity::Error)
            .count();
        let _ = writeln!(
            std::io::stderr(),
            "build failed: {}; the output folder was left as it was",
            plural(n, "error", "errors")
        );
    }
    exit_code(e)
}

/// 2 for usage: bad flags (clap), refused folders, no site here; 1 for errors in the site's
/// files, site.toml included.
fn exit_code(e: &Error) -> ExitCode {
    match e {
        Error::Usage(_) => ExitCode::from(2),
        _ => ExitCode::from(1),
    }
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout (exit 0); usage errors to stderr (exit 2). Write
            // errors are ignored: a closed pipe must not panic.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // Rayon's workers (which render, minify and check every page) get a stack far larger than
    // deep HTML needs: see `markdown::WORKER_STACK_SIZE`.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(crate::markdown::WORKER_STACK_SIZE)
        .build_global();
    // A closed pipe (`gen build | head -c1`) must not panic: all output goes through `out` and
    // `let _ = writeln!`, which ignore write errors.
    match &cli.command {
        Command::Build(args) => cmd_build(&cli, args),
        Command::Check(args) => cmd_check(&cli, args),
        Command::Serve(args) => cmd_serve(&cli, args),
        Command::Related { path, top, drafts } => cmd_related(&cli, path, *top, *drafts),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "gen", &mut buf);
            out(&String::from_utf8_lossy(&buf));
            ExitCode::SUCCESS
        }
        Command::New(NewCommand::Site(args)) => cmd_new_site(&cli, args),
        Command::Theme(ThemeCommand::Eject { files }) => cmd_eject(&cli, files),
        Command::New(NewCommand::Article(args)) => cmd_new_article(&cli, args),
    }
}

/// The progress bar of `gen build`: a spinner with the stage and the files written so far.
struct Bar(indicatif::ProgressBar);

impl crate::build::Progress for Bar {
    fn stage(&self, name: &'static str) {
        self.0.set_message(name);
    }
    fn file(&self) {
        self.0.inc(1);
    }
}

/// Whether a progress bar may be drawn: on a terminal, not in CI, not with `-q`.
fn progress_wanted(cli: &Cli) -> bool {
    !cli.quiet
        && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none_or(|v| v.is_empty() || v == "false" || v == "0")
}

fn cmd_build(cli: &Cli, args: &BuildArgs) -> ExitCode {
    let started = Instant::now();
    let overrides = Overrides {
        base_url: args.base_url.clone(),
        output_dir: args.output.clone(),
        drafts: args.drafts,
        future: args.future,
        ..Overrides::default()
    };
    let opts = BuildOptions {
        root: cli.root.clone(),
        overrides,
        clean: args.clean,
        force: args.force,
        deny_warnings: args.deny_warnings,
        incremental: args.incremental,
    };
    // The bar stays hidden for the first second: most builds end before it would flicker.
    let bar = indicatif::ProgressBar::hidden();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} · {pos} files · {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let wanted = progress_wanted(cli);
    let (done, wait) = std::sync::mpsc::channel::<()>();
    let result = std::thread::scope(|s| {
        if wanted {
            let bar = &bar;
            s.spawn(move || {
                if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    wait.recv_timeout(Duration::from_secs(1))
                {
                    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        let r = crate::build::build_with(&opts, &Bar(bar.clone()));
        drop(done);
        r
    });
    bar.finish_and_clear();
    match result {
        Ok(report) => {
            match args.format {
                Format::Text => summary(cli, &report, started, args.timings),
                Format::Json => {
                    if !report.warnings.is_empty() && !cli.quiet {
                        print_diagnostics(&report.warnings);
                    }
                    out(&format!("{}\n", build_json(&report)));
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

/// `gen build --format json`: what was built, and what waits for its time.
fn build_json(r: &BuildReport) -> String {
    let held: Vec<serde_json::Value> = r
        .held
        .iter()
        .map(|h| {
            serde_json::json!({
                "path": h.path.to_string_lossy().replace('\\', "/"),
                "title": h.title,
                "date": h.date.rfc3339(),
            })
        })
        .collect();
    serde_json::json!({
        "output": r.output_dir,
        "articles": r.articles,
        "pages": r.pages,
        "rendered": r.rendered,
        "written": r.written,
        "unchanged": r.unchanged,
        "warnings": r.warnings.len(),
        "scheduled": held,
        "next_publish": crate::publishing::next_publish(&r.held)
            .map(|d| d.ts.to_string()),
        "pin_expires": r.pin_expires.map(|t| t.to_string()),
        "next_build": r.next_build().map(|t| t.to_string()),
    })
    .to_string()
}

/// Lines about held-back articles: which, and when to build again; and when a front-page pin
/// expires.
fn held_lines(r: &BuildReport) -> String {
    let pin = r
        .pin_expires
        .map(|t| format!("A front-page pin expires at {t}: build again then.\n"))
        .unwrap_or_default();
    let Some(next) = crate::publishing::next_publish(&r.held) else {
        return pin;
    };
    let mut s = format!(
        "Held back {} dated in the future (publish now with --future):\n",
        plural(r.held.len(), "scheduled article", "scheduled articles")
    );
    for h in r.held.iter().take(10) {
        s.push_str(&format!("  {}  {}\n", h.date.rfc3339(), h.path.display()));
    }
    if r.held.len() > 10 {
        s.push_str(&format!("  … and {} more\n", r.held.len() - 10));
    }
    s.push_str(&format!(
        "Build again at {} to publish the next one.\n",
        next.ts
    ));
    s.push_str(&pin);
    s
}

/// `public` rather than `/home/me/site/public` when it is below the current folder.
fn short_path(p: &std::path::Path) -> String {
    let p: PathBuf = p
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    let p = p.as_path();
    std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(|r| r.display().to_string()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| p.display().to_string())
}

fn summary(cli: &Cli, r: &BuildReport, started: Instant, timings: bool) {
    if !r.warnings.is_empty() && !cli.quiet {
        if cli.verbose {
            print_diagnostics(&r.warnings);
        } else {
            print_warnings_collapsed(&r.warnings);
        }
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
            let peak = t
                .memory
                .map(|m| {
                    format!(
                        "  {:>6} MiB held, {:>6} MiB peak",
                        m.now >> 20,
                        m.peak >> 20
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                err,
                "  {:<14} {:>8.1} ms{peak}",
                t.stage,
                t.time.as_secs_f64() * 1000.0
            );
        }
    }
    if !cli.quiet {
        let green = anstyle::Style::new()
            .fg_color(Some(anstyle::AnsiColor::Green.into()))
            .bold();
        let built = if color_for(std::io::stdout().is_terminal()) {
            format!("{}Built{}", green.render(), green.render_reset())
        } else {
            "Built".to_string()
        };
        let secs = started.elapsed().as_secs_f64();
        let time = if secs < 1.0 {
            format!("{:.0} ms", secs * 1000.0)
        } else {
            format!("{secs:.1} s")
        };
        let warnings = if r.warnings.is_empty() {
            String::new()
        } else {
            format!(", {}", plural(r.warnings.len(), "warning", "warnings"))
        };
        // An incremental build says how many pages it rendered again.
        let pages = if r.rendered < r.pages {
            format!(
                "{} ({} rendered)",
                plural(r.pages, "page", "pages"),
                r.rendered
            )
        } else {
            plural(r.pages, "page", "pages")
        };
        out(&format!(
            "{built} {} and {pages} into {}/ in {time}: {} written, {} unchanged{warnings}\n",
            plural(r.articles, "article", "articles"),
            short_path(&r.output_dir).trim_end_matches('/'),
            plural(r.written, "file", "files"),
            r.unchanged,
        ));
        out(&held_lines(r));
    }
}

fn cmd_check(cli: &Cli, args: &CheckArgs) -> ExitCode {
    let overrides = Overrides {
        drafts: args.drafts,
        future: args.future,
        base_url: args.base_url.clone(),
        ..Overrides::default()
    };
    let mut timer = Timer::start();
    let mut pages = 0;
    let mut links = 0;
    let (list, usage) = match crate::build::load_site_for_check(&cli.root, &overrides, &mut timer) {
        Ok((site, mut list)) => {
            list.extend(crate::build::check_warnings(&site));
            match crate::theme::Theme::load(&site.config)
                .and_then(|theme| crate::check::check_site(&site, &theme))
            {
                Ok(report) => {
                    pages = report.pages;
                    links = report.links;
                    // A problem the site model reported already (a broken content link, a
                    // missing image, at its column) is one problem: the link pass that sees it
                    // again in the rendered page does not report it twice.
                    let subject = |d: &Diagnostic| {
                        let m = d.message.split(": ").next().unwrap_or(&d.message);
                        (d.path.clone(), d.line, m.to_string())
                    };
                    let known: std::collections::HashSet<_> = list.iter().map(subject).collect();
                    list.extend(
                        report
                            .diagnostics
                            .into_iter()
                            .filter(|d| !known.contains(&subject(d))),
                    );
                }
                Err(e) => list.extend(e.diagnostics()),
            }
            crate::diagnostics::sort(&mut list);
            (list, false)
        }
        Err(e) => {
            let usage = exit_code(&e) == ExitCode::from(2);
            (e.diagnostics(), usage)
        }
    };
    let errors = list
        .iter()
        .filter(|d| d.severity == crate::diagnostics::Severity::Error)
        .count();
    let ok = errors == 0 && !usage;
    match args.format {
        Format::Json => out(&format!(
            "{}\n",
            serde_json::json!({ "ok": ok, "pages": pages, "links": links, "diagnostics": list })
        )),
        Format::Text => {
            if !(cli.quiet && ok) {
                print_diagnostics(&list);
            }
            let warnings = list.len() - errors;
            if ok && !cli.quiet {
                out(&format!(
                    "check passed: {} and {} checked, no errors, {}\n",
                    plural(pages, "page", "pages"),
                    plural(links, "internal link", "internal links"),
                    plural(warnings, "warning", "warnings")
                ));
            } else if !ok {
                let _ = writeln!(
                    std::io::stderr(),
                    "check failed: {}, {}",
                    plural(errors, "error", "errors"),
                    plural(warnings, "warning", "warnings")
                );
            }
        }
    }
    if usage {
        ExitCode::from(2)
    } else if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn cmd_eject(cli: &Cli, files: &[String]) -> ExitCode {
    match crate::scaffold::eject(&cli.root, files) {
        Ok(written) => {
            if !cli.quiet {
                let mut text = String::new();
                for f in &written {
                    text.push_str(&format!("Copied {}\n", f.display()));
                }
                text.push_str(&format!(
                    "{} now override the theme's; edit them and build.\n",
                    plural(written.len(), "file", "files")
                ));
                out(&text);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn cmd_new_site(cli: &Cli, args: &NewSiteArgs) -> ExitCode {
    match crate::scaffold::new_site(&args.dir, args.theme_copy) {
        Ok(files) => {
            if !cli.quiet {
                let mut text = format!("Created a new site in {}/:\n", args.dir.display());
                for f in files.iter().filter(|f| !f.starts_with("themes")) {
                    text.push_str(&format!("  {}\n", f.display()));
                }
                if args.theme_copy {
                    text.push_str("  themes/default/ (the default theme, yours to change)\n");
                }
                text.push_str(&format!(
                    "Next: cd {} && gen build   (or gen new article en/my-story)\n",
                    args.dir.display()
                ));
                out(&text);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn cmd_new_article(cli: &Cli, args: &NewArticleArgs) -> ExitCode {
    let opts = crate::scaffold::NewArticle {
        path: args.path.clone(),
        lang: args.lang.clone(),
        title: args.title.clone(),
        authors: args.authors.clone(),
        translators: args.translators.clone(),
        source_url: args.source_url.clone(),
    };
    let path = match crate::scaffold::new_article(&cli.root, &opts) {
        Ok(p) => p,
        Err(e) => {
            print_diagnostics(&e.diagnostics());
            return exit_code(&e);
        }
    };
    let shown = path
        .strip_prefix(&cli.root)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.display().to_string());
    if !cli.quiet {
        let todo = std::fs::read_to_string(&path)
            .map(|t| t.contains(crate::check::TODO))
            .unwrap_or(false);
        out(&format!(
            "Created {shown}{}\n",
            if todo {
                " (fill in the TODO values; `gen check` lists them)"
            } else {
                ""
            }
        ));
    }
    if args.edit {
        return open_editor(&path);
    }
    ExitCode::SUCCESS
}

/// Opens `$VISUAL` or `$EDITOR` (which may hold arguments, like `code --wait`) on a file and
/// waits for it.
fn open_editor(path: &std::path::Path) -> ExitCode {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(std::env::var_os)
        .map(|v| v.to_string_lossy().into_owned())
        .find(|v| !v.trim().is_empty());
    let Some(editor) = editor else {
        let _ = writeln!(
            std::io::stderr(),
            "--edit: neither $VISUAL nor $EDITOR is set; the file was created, open it yourself"
        );
        return ExitCode::from(2);
    };
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    match std::process::Command::new(program)
        .args(words)
        .arg(path)
        .status()
    {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => {
            let _ = writeln!(std::io::stderr(), "{editor} exited with {s}");
            ExitCode::from(1)
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "cannot start {editor}: {e}");
            ExitCode::from(2)
        }
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
        incremental: args.incremental,
    };
    let quiet = cli.quiet;
    let verbose = cli.verbose;
    let report: crate::serve::Reporter = std::sync::Arc::new(move |msg: Message<'_>| match msg {
        Message::Listening { url, dir, kept } => {
            if verbose {
                let _ = writeln!(std::io::stderr(), "serving files from {}", dir.display());
            }
            if kept && !quiet {
                let _ = writeln!(
                    std::io::stderr(),
                    "serving the site the last gen serve kept; looking for edits made since"
                );
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
            settle,
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
                        "Built {}, {} in {ms:.0} ms",
                        plural(stats.articles, "article", "articles"),
                        plural(stats.pages, "page", "pages"),
                    );
                }
            } else if settle && !quiet {
                let _ = writeln!(
                    std::io::stderr(),
                    "related reading updated in {ms:.0} ms: {} rendered, {} written",
                    plural(stats.rendered, "page", "pages"),
                    plural(applied.written.len(), "file", "files"),
                );
            } else if !quiet {
                let _ = writeln!(
                    std::io::stderr(),
                    "rebuilt in {ms:.1} ms: {} rendered, {} written, {} removed{}",
                    plural(stats.rendered, "page", "pages"),
                    plural(applied.written.len(), "file", "files"),
                    applied.removed.len(),
                    if stats.fast {
                        ""
                    } else {
                        " (site model rebuilt)"
                    }
                );
            }
            if verbose && !quiet && !stats.timings.is_empty() {
                let laps: Vec<String> = stats
                    .timings
                    .iter()
                    .map(|(stage, ms)| format!("{stage} {ms:.1}"))
                    .collect();
                let _ = writeln!(std::io::stderr(), "  stages (ms): {}", laps.join(", "));
            }
        }
        Message::Failed {
            ms,
            errors,
            serving,
        } => {
            print_diagnostics(errors);
            let _ = writeln!(
                std::io::stderr(),
                "build failed in {ms:.0} ms: {}; {}",
                plural(errors.len(), "error", "errors"),
                if serving {
                    "still serving the last good build"
                } else {
                    "nothing is built yet: the browser shows the errors until a save fixes them"
                }
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

/// `gen related PATH`: the ranking of one article, explained by the scoring code itself.
fn cmd_related(cli: &Cli, path: &std::path::Path, top: usize, drafts: bool) -> ExitCode {
    let overrides = Overrides {
        drafts,
        ..Overrides::default()
    };
    let site = match crate::build::load_site(&cli.root, &overrides, &mut Timer::start()) {
        Ok((site, _)) => site,
        Err(e) => {
            print_diagnostics(&e.diagnostics());
            return exit_code(&e);
        }
    };
    // A path on the command line is relative to where gen runs, or to the site's content/.
    let rooted = cli.root.join(path);
    let found = crate::related::find_article(&site, path)
        .or_else(|e| crate::related::find_article(&site, &rooted).map_err(|_| e));
    match found {
        Ok(i) => {
            out(&crate::related::explain(&site, i, top).to_text(&site));
            ExitCode::SUCCESS
        }
        Err(msg) => fail(&Error::Usage(msg)),
    }
}

/// The command reference in Markdown, made from the same definitions `--help` prints:
/// `docs/commands.md` is this text, and `tests/docs.rs` fails when the two differ.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Command reference\n\n\
         <!-- Generated from gen's command-line definitions by `GEN_BLESS=1 cargo test --test docs`; do not edit. -->\n\n\
         Every command also takes the global options of `gen`.\n",
    );
    let mut root = Cli::command();
    root.build();
    write_command(&mut out, &root, "gen", 2);
    out
}

fn write_command(out: &mut String, cmd: &clap::Command, path: &str, depth: usize) {
    use std::fmt::Write as _;
    let hashes = "#".repeat(depth);
    let _ = writeln!(out, "\n{hashes} `{path}`\n");
    if let Some(about) = cmd.get_long_about().or(cmd.get_about()) {
        let _ = writeln!(out, "{about}\n");
    }
    let mut usage = cmd.clone().render_usage().to_string();
    usage = usage.trim_start_matches("Usage: ").to_string();
    let _ = writeln!(out, "```text\n{}\n```\n", usage.trim());
    let args: Vec<&clap::Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .filter(|a| depth == 2 || !a.is_global_set())
        .collect();
    if !args.is_empty() {
        let _ = writeln!(out, "| option | what it does |\n|---|---|");
        for a in args {
            let names = match (a.get_short(), a.get_long()) {
                _ if a.is_positional() => format!(
                    "`{}`",
                    a.get_value_names()
                        .and_then(|v| v.first())
                        .map(|v| v.to_string())
                        .unwrap_or_else(|| a.get_id().to_string().to_uppercase())
                ),
                (Some(s), Some(l)) => format!("`-{s}`, `--{l}`"),
                (None, Some(l)) => format!("`--{l}`"),
                (Some(s), None) => format!("`-{s}`"),
                (None, None) => format!("`{}`", a.get_id()),
            };
            let value = if a.is_positional() || !a.get_action().takes_values() {
                String::new()
            } else {
                let v = a
                    .get_value_names()
                    .and_then(|v| v.first())
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| a.get_id().to_string().to_uppercase());
                format!(" `{v}`")
            };
            let help = a
                .get_long_help()
                .or(a.get_help())
                .map(|h| h.to_string())
                .unwrap_or_default()
                .replace('\n', " ")
                .replace('|', "\\|");
            let mut extra = Vec::new();
            let defaults: Vec<String> = a
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            if !defaults.is_empty() && a.get_action().takes_values() {
                extra.push(format!("default `{}`", defaults.join(",")));
            }
            let possible: Vec<String> = a
                .get_possible_values()
                .iter()
                .filter(|p| !p.is_hide_set())
                .map(|p| format!("`{}`", p.get_name()))
                .collect();
            if !possible.is_empty() && a.get_action().takes_values() {
                extra.push(format!("one of {}", possible.join(", ")));
            }
            let extra = if extra.is_empty() {
                String::new()
            } else {
                format!(" ({})", extra.join("; "))
            };
            let _ = writeln!(out, "| {names}{value} | {help}{extra} |");
        }
        out.push('\n');
    }
    if let Some(after) = cmd.get_after_long_help().or(cmd.get_after_help()) {
        let _ = writeln!(out, "```text\n{}\n```\n", after.to_string().trim_end());
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        write_command(out, sub, &format!("{path} {}", sub.get_name()), depth + 1);
    }
}
