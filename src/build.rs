//! Runs the stages in order: the one place that knows the whole pipeline.

use std::path::{Path, PathBuf};

use crate::config::{Config, Overrides};
use crate::diagnostics::{Diagnostic, Diagnostics, Result};
use crate::output::{Output, Sink, check_output_dir};
use crate::outputs::{Env, Plan};
use crate::people::People;
use crate::site::Site;
use crate::theme::Theme;
pub use crate::timer::{Timer, Timing};

/// What `gen build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Site root (holds site.toml).
    pub root: PathBuf,
    /// Command-line overrides of site.toml.
    pub overrides: Overrides,
    /// Rewrite every file even when unchanged.
    pub clean: bool,
    /// Replace a non-empty output folder that gen did not write.
    pub force: bool,
    /// Fail on warnings (for CI), before anything is written.
    pub deny_warnings: bool,
    /// Use the build cache ([`crate::cache`]): read, render and write only what changed.
    pub incremental: bool,
}

/// What a build did.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// Articles published.
    pub articles: usize,
    /// HTML pages of the site.
    pub pages: usize,
    /// HTML pages rendered by this build (all of them, but for an incremental build).
    pub rendered: usize,
    /// Files written because new or changed.
    pub written: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Warnings (stale translations, unknown people…).
    pub warnings: Vec<Diagnostic>,
    /// Time per stage.
    pub timings: Vec<Timing>,
    /// Where the site was written.
    pub output_dir: PathBuf,
    /// Missing UI strings per language (for `-v`).
    pub missing_strings: Vec<(String, Vec<String>)>,
    /// Articles held back until their date, soonest first.
    pub held: Vec<crate::publishing::Held>,
    /// When the next front-page pin has expired ([`crate::front::next_expiry`], in whole
    /// seconds): the output is stale from then on until the next build.
    pub pin_expires: Option<jiff::Timestamp>,
}

impl BuildReport {
    /// When to build again: the next scheduled article or pin expiry, whichever is sooner.
    pub fn next_build(&self) -> Option<jiff::Timestamp> {
        let publish = crate::publishing::next_publish(&self.held).map(|d| d.ts);
        publish.into_iter().chain(self.pin_expires).min()
    }
}

/// Loads config and content into the frozen site model with related reading; no output.
pub fn load_site(
    root: &Path,
    overrides: &Overrides,
    timer: &mut Timer,
) -> Result<(Site, Vec<Diagnostic>)> {
    let (site, diags) = load(root, overrides, timer, false)?;
    Ok((site, diags.finish()?))
}

/// [`load_site`] for `gen check`, which reports every problem of the site in one run: it goes
/// on past problems of the site model (broken content links, translation groups, colliding
/// permalinks), and returns them with the warnings. Problems in single files (front matter)
/// still stop it, because an article left out would make links to it look broken.
pub fn load_site_for_check(
    root: &Path,
    overrides: &Overrides,
    timer: &mut Timer,
) -> Result<(Site, Vec<Diagnostic>)> {
    let (site, diags) = load(root, overrides, timer, true)?;
    Ok((site, diags.into_sorted()))
}

fn load(
    root: &Path,
    overrides: &Overrides,
    timer: &mut Timer,
    keep_going: bool,
) -> Result<(Site, Diagnostics)> {
    let config = Config::load(root, overrides)?;
    timer.lap("config");
    let mut diags = Diagnostics::default();
    let content_dir = root.join("content");
    let files = crate::content::discover(&content_dir, &mut diags);
    let people = People::load(&content_dir, &mut diags);
    let docs = crate::content::load(&config, files, &mut diags);
    timer.lap("load+parse");
    if diags.has_errors() {
        return Err(crate::Error::Content(diags.into_sorted()));
    }
    let mut site = crate::site::build(config, docs, people, &mut diags);
    timer.lap("markdown+site");
    if diags.has_errors() && !keep_going {
        return Err(crate::Error::Content(diags.into_sorted()));
    }
    crate::related::attach(&mut site);
    timer.lap("related");
    if let Err(list) = crate::images::attach(&mut site, &crate::images::Memo::default()) {
        diags.extend(list);
        if !keep_going {
            return Err(crate::Error::Content(diags.into_sorted()));
        }
    }
    timer.lap("images");
    Ok((site, diags))
}

/// Writes everything the site produces into `sink` (see [`crate::outputs`]); returns how
/// many HTML pages. Paths two products would share are errors, reported before anything is
/// written.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    sink: &dyn Sink,
    timer: &mut Timer,
) -> Result<usize> {
    let plan = Plan::new(site, theme);
    let collisions = plan.collisions();
    if !collisions.is_empty() {
        return Err(crate::Error::Content(collisions));
    }
    plan.produce(None, sink, Env::current(), None, timer)?;
    Ok(plan
        .products
        .iter()
        .filter(|p| matches!(p, crate::outputs::Product::Page(_)))
        .count())
}

/// Hears how a build goes, for the progress bar of `gen build`; the library itself never
/// prints. Every method has a default that does nothing.
pub trait Progress: Sync {
    /// A stage begins (`loading`, `rendering`, `writing`).
    fn stage(&self, _name: &'static str) {}
    /// One more file went to the output.
    fn file(&self) {}
}

/// No progress reporting.
impl Progress for () {}

/// A sink that tells a [`Progress`] about every file passing through to the real one.
pub(crate) struct ProgressSink<'a> {
    pub(crate) inner: &'a dyn Sink,
    pub(crate) progress: &'a dyn Progress,
}

impl Sink for ProgressSink<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.inner.write(rel, bytes)?;
        self.progress.file();
        Ok(())
    }
    fn copy(&self, rel: &str, src: &Path) -> Result<()> {
        self.inner.copy(rel, src)?;
        self.progress.file();
        Ok(())
    }
    fn share(&self, rel: &str, src: &Path) -> Result<()> {
        self.inner.share(rel, src)?;
        self.progress.file();
        Ok(())
    }
}

/// `gen build`: everything, into a temporary folder swapped in at the end.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    build_with(opts, &())
}

/// [`build`], reporting progress as it goes.
pub fn build_with(opts: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport> {
    if opts.incremental {
        return crate::cache::build(opts, progress);
    }
    let mut timer = Timer::start();
    progress.stage("loading");
    let (mut site, warnings) = load_site(&opts.root, &opts.overrides, &mut timer)?;
    if opts.deny_warnings && !warnings.is_empty() {
        return Err(crate::Error::DeniedWarnings(warnings));
    }
    // What the last build of this folder published: permalinks that changed since redirect.
    if let Some(previous) = crate::publishing::Manifest::read(&site.config.output_dir) {
        crate::publishing::apply(&mut site, &previous);
    }
    let theme = Theme::load(&site.config)?;
    timer.lap("theme");
    check_output_dir(&site.config.root, &site.config.output_dir, opts.force)?;
    let output = Output::begin(&site.config.output_dir, !opts.clean)?;
    progress.stage("rendering");
    let pages = render_site(
        &site,
        &theme,
        &ProgressSink {
            inner: &output,
            progress,
        },
        &mut timer,
    )?;
    progress.stage("writing");
    let stats = output.commit(&crate::publishing::Manifest::of(&site).to_bytes())?;
    timer.lap("write");
    let missing_strings = missing_strings(&site, &theme);
    Ok(BuildReport {
        articles: site.articles.len(),
        pages,
        rendered: pages,
        written: stats.written,
        unchanged: stats.unchanged,
        warnings,
        timings: timer.timings,
        output_dir: site.config.output_dir.clone(),
        missing_strings,
        held: site.held.clone(),
        pin_expires: pin_expiry(&site),
    })
}

/// UI strings each language lacks (English shown instead), for [`BuildReport::missing_strings`].
pub(crate) fn missing_strings(site: &Site, theme: &Theme) -> Vec<(String, Vec<String>)> {
    site.config
        .languages
        .iter()
        .map(|l| (l.code.clone(), theme.strings.missing(&l.code)))
        .filter(|(_, m)| !m.is_empty())
        .collect()
}

/// When the next front-page pin expires, in whole seconds rounded up, for schedulers: a pin
/// holds through its `until` time.
pub fn pin_expiry(site: &Site) -> Option<jiff::Timestamp> {
    crate::front::next_expiry(site).and_then(|t| {
        let up = i64::from(t.subsec_nanosecond() > 0);
        jiff::Timestamp::from_second(t.as_second() + up).ok()
    })
}

/// Warnings only `gen check` gives: people unknown to people.yaml, and dates that cannot be
/// right (an update before publication, a translation published before its original).
pub fn check_warnings(site: &Site) -> Vec<Diagnostic> {
    let mut out = date_warnings(site);
    for (idx, p) in site.people.list.iter().enumerate() {
        if p.known {
            continue;
        }
        if let Some(a) = site
            .articles
            .iter()
            .find(|a| a.authors.contains(&idx) || a.translators.contains(&idx))
        {
            let key = if a.authors.contains(&idx) {
                "authors"
            } else {
                "translators"
            };
            out.push(
                Diagnostic::warning(
                    a.doc.display_path(),
                    a.doc.line_of(key),
                    1,
                    format!("`{}` is not in content/people.yaml", p.name),
                )
                .with_hint("add an entry with their name in each language, a short bio and links"),
            );
        }
    }
    out
}

fn date_warnings(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for a in &site.articles {
        let m = &a.doc.meta;
        if let Some(u) = m.updated
            && u < m.date
        {
            out.push(
                Diagnostic::warning(
                    a.doc.display_path(),
                    a.doc.line_of("updated"),
                    1,
                    format!(
                        "`updated` ({}) is before `date` ({})",
                        u.rfc3339(),
                        m.date.rfc3339()
                    ),
                )
                .with_hint("an update comes after publication: fix one of the two dates"),
            );
        }
        let original = a
            .original
            .map(|o| {
                let d = &site.articles[o].doc;
                (d.meta.date, d.display_path().display().to_string())
            })
            .or_else(|| {
                let s = m.source.as_ref()?;
                Some((s.published?, format!("the original at {}", s.url)))
            });
        if let Some((published, what)) = original
            && m.date < published
        {
            out.push(
                Diagnostic::warning(
                    a.doc.display_path(),
                    a.doc.line_of("date"),
                    1,
                    format!(
                        "this translation is dated {}, before {what} was published ({})",
                        m.date.rfc3339(),
                        published.rfc3339()
                    ),
                )
                .with_hint("a translation appears after its original: check both dates and their UTC offsets"),
            );
        }
    }
    out
}
