//! Incremental rebuilds for `gen serve`: the result of every rebuild equals a clean `gen build`
//! of the same files, but only changed inputs are read again and only pages whose bytes may
//! differ are rendered again.
//!
//! The design is deliberately plain:
//!
//! 1. **Sources.** Every Markdown file under `content/` has an entry with the hash of its bytes
//!    and its parsed [`Document`] (or its errors). A rebuild re-reads only the files the watcher
//!    named (or, after a structural change such as a new folder, walks `content/` again and
//!    re-reads files whose size or time changed).
//! 2. **Model.** When the edited articles changed only in *content* fields (title, kicker,
//!    description, image, corrections, extra, body), the site model keeps its shape: the new
//!    documents and bodies are swapped into the existing [`Site`] in place (the fast path).
//!    Any other change rebuilds the model with [`site::build_with`] from the cached documents,
//!    handing back rendered bodies whose inputs (text, language, lines, and what every content
//!    link resolved to) are unchanged; related reading is recomputed only when some article's
//!    structural fields changed, and otherwise carried over by content path.
//! 3. **Pages.** Every page has a signature ([`crate::render::Job::signature`]): a hash of the
//!    keys of the articles it shows and its own data. Pages whose signature differs from the
//!    one of the file on disk are rendered; a template, theme or configuration change renders
//!    all. Static files and bundle assets are compared by source path, size and time.
//! 4. **Output.** Only files whose bytes changed are written; files no page produces any more
//!    are removed. [`Engine::commit`] does this while the server holds its write lock, so a
//!    request sees the old tree or the new one.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::build::StaticSource;
use crate::config::{Config, Overrides};
use crate::content::{Document, FrontMatter, SourceFile};
use crate::diagnostics::{Diagnostic, Diagnostics, Error, Severity};
use crate::markdown::{LinkResolver, RenderOptions, Rendered};
use crate::output::{Sink, safe_join};
use crate::people::People;
use crate::render::Job;
use crate::site::{BodyRenderer, Lookup, Related, Site};
use crate::theme::Theme;

/// What changed on disk since the last rebuild, as the watcher saw it.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    /// Reload everything: site.toml changed, or the watcher lost events.
    pub full: bool,
    /// Templates or UI strings changed: render every page.
    pub theme: bool,
    /// Static files changed (theme's or site's).
    pub statics: bool,
    /// `content/people.yaml` changed.
    pub people: bool,
    /// Folders or non-Markdown files under `content/` changed: walk it again.
    pub rediscover: bool,
    /// Files under `content/` named by events (absolute paths).
    pub content: BTreeSet<PathBuf>,
    /// Any other file named by events (static files, bundle assets), to copy again.
    pub files: BTreeSet<PathBuf>,
    /// Compute related reading now (the follow-up build of a change that moved it).
    pub settle: bool,
}

impl Changes {
    /// Whether anything needs a rebuild.
    pub fn is_empty(&self) -> bool {
        !self.full
            && !self.theme
            && !self.statics
            && !self.people
            && !self.rediscover
            && self.content.is_empty()
            && self.files.is_empty()
    }

    /// How many paths the changes name.
    pub fn paths(&self) -> usize {
        self.content.len() + self.files.len()
    }

    /// Adds another batch.
    pub fn merge(&mut self, other: Changes) {
        self.full |= other.full;
        self.theme |= other.theme;
        self.statics |= other.statics;
        self.people |= other.people;
        self.rediscover |= other.rediscover;
        self.content.extend(other.content);
        self.files.extend(other.files);
        self.settle |= other.settle;
    }
}

/// What a successful rebuild changed in the served folder.
#[derive(Debug, Default, Clone)]
pub struct Applied {
    /// Files written (new or changed bytes), site-relative.
    pub written: Vec<String>,
    /// Files removed.
    pub removed: Vec<String>,
}

/// Figures of one rebuild.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Articles in the site.
    pub articles: usize,
    /// Pages in the site.
    pub pages: usize,
    /// Pages rendered this time.
    pub rendered: usize,
    /// Whether the model was patched in place (the fast path).
    pub fast: bool,
    /// Source files read and parsed again.
    pub parsed: usize,
    /// Warnings of the build.
    pub warnings: Vec<Diagnostic>,
    /// Milliseconds per stage.
    pub timings: Vec<(&'static str, f64)>,
}

/// Records stage times of a rebuild.
struct Laps {
    last: std::time::Instant,
    list: Vec<(&'static str, f64)>,
}

impl Laps {
    fn new() -> Laps {
        Laps {
            last: std::time::Instant::now(),
            list: Vec::new(),
        }
    }
    fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.list
            .push((stage, (now - self.last).as_secs_f64() * 1000.0));
        self.last = now;
    }
}

/// Files to write and remove, made by [`Engine::prepare`] and applied by [`Engine::commit`].
#[derive(Default)]
pub struct Plan {
    writes: Vec<(String, Vec<u8>)>,
    removes: Vec<String>,
    records: Vec<(String, FileRecord)>,
    /// Figures of the rebuild.
    pub stats: Stats,
}

impl Plan {
    /// Whether the plan changes no file.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.removes.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileRecord {
    /// Signature of what produced the file (page signature, or source stamp).
    sig: u64,
    /// Hash of the bytes on disk.
    hash: u64,
}

/// Size and modification time of a file: cheap change detection when walking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: m.len(),
        modified: m.modified().ok(),
    })
}

/// Where a source file's document is.
enum Slot {
    /// Owned by the current site model.
    InSite,
    /// Parsed, not yet in a site model.
    Held(Box<Document>),
    /// Could not be read or parsed.
    Failed(Vec<Diagnostic>),
    /// Not in memory: left out of the model by its last build (a draft), or the model was
    /// dropped. Read again when the model is next built.
    Unloaded,
}

struct SourceEntry {
    file: SourceFile,
    stamp: Option<Stamp>,
    /// Hash of the file's bytes; `None` forces the next read to parse it.
    hash: Option<u64>,
    slot: Slot,
}

/// What an article's rendered body was made from.
#[derive(Clone)]
struct BodyMemo {
    /// Hash of the body text and the Markdown options besides links.
    input: u64,
    /// Every content link resolved while rendering: (from, dest, result).
    links: LinkLog,
    /// Hash of the HTML.
    html: u64,
}

/// A content link resolved while rendering a body: (from, dest, result).
type LinkLog = Vec<(String, String, Option<Result<String, String>>)>;

fn hash_of<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// The front matter with its *content* fields blanked: what other articles and the site's
/// shape (URLs, order, lists, translations, taxonomies, related reading, modification dates
/// in sitemaps) depend on. Fields are structural unless listed here, so a key added to the
/// front matter later is structural too. (`corrections` is structural: its dates are the
/// article's modification date.)
fn structural_key(meta: &FrontMatter) -> String {
    let mut m = meta.clone();
    m.title = String::new();
    m.kicker = None;
    m.description = None;
    m.image = None;
    m.extra = BTreeMap::new();
    format!("{m:?}")
}

/// A link resolver that remembers what it answered, so a cached body can be reused only when
/// every link would resolve the same way.
struct Recording<'a> {
    inner: &'a dyn LinkResolver,
    log: Mutex<LinkLog>,
}

impl LinkResolver for Recording<'_> {
    fn resolve(&self, from: &str, dest: &str) -> Option<Result<String, String>> {
        let r = self.inner.resolve(from, dest);
        if let Ok(mut log) = self.log.lock() {
            log.push((from.to_string(), dest.to_string(), r.clone()));
        }
        r
    }
}

fn body_input(doc: &Document, opts: &RenderOptions<'_>) -> u64 {
    hash_of(&(
        &doc.body,
        opts.lang,
        opts.unsafe_html,
        opts.from,
        opts.first_line,
    ))
}

/// Renders a body, recording its links.
fn render_body(doc: &Document, opts: &RenderOptions<'_>) -> (Rendered, BodyMemo) {
    let rec = Recording {
        inner: opts.links,
        log: Mutex::new(Vec::new()),
    };
    let r = crate::markdown::render(
        &doc.body,
        &RenderOptions {
            lang: opts.lang,
            unsafe_html: opts.unsafe_html,
            from: opts.from,
            first_line: opts.first_line,
            links: &rec,
        },
    );
    let memo = BodyMemo {
        input: body_input(doc, opts),
        links: rec.log.into_inner().unwrap_or_default(),
        html: hash_of(&r.html),
    };
    (r, memo)
}

/// Hands back bodies rendered for the previous model when nothing they depend on changed.
struct CachedBodies {
    old: Mutex<HashMap<String, (BodyMemo, Rendered)>>,
    memos: Mutex<HashMap<String, BodyMemo>>,
}

impl BodyRenderer for CachedBodies {
    fn render(&self, doc: &Document, opts: &RenderOptions<'_>) -> Rendered {
        let cached = self
            .old
            .lock()
            .ok()
            .and_then(|mut m| m.remove(&doc.file.rel));
        if let Some((memo, r)) = cached
            && memo.input == body_input(doc, opts)
            && memo
                .links
                .iter()
                .all(|(from, dest, res)| opts.links.resolve(from, dest) == *res)
        {
            if let Ok(mut m) = self.memos.lock() {
                m.insert(doc.file.rel.clone(), memo);
            }
            return r;
        }
        let (r, memo) = render_body(doc, opts);
        if let Ok(mut m) = self.memos.lock() {
            m.insert(doc.file.rel.clone(), memo);
        }
        r
    }
}

/// Collects rendered pages in memory; bundle assets are handled apart (by source stamp).
#[derive(Default)]
struct Collect {
    files: Mutex<Vec<(String, Vec<u8>)>>,
}

impl Sink for Collect {
    fn write(&self, rel: &str, bytes: &[u8]) -> crate::Result<()> {
        self.files
            .lock()
            .map_err(|_| Error::Usage("sink poisoned".into()))?
            .push((rel.trim_start_matches('/').to_string(), bytes.to_vec()));
        Ok(())
    }
    fn copy(&self, _rel: &str, _src: &Path) -> crate::Result<()> {
        Ok(())
    }
}

/// The dev server's builder: caches between rebuilds and what is in the served folder.
pub struct Engine {
    root: PathBuf,
    overrides: Overrides,
    /// `http://127.0.0.1:1111`: the site is built for this origin (with site.toml's path).
    origin: Option<String>,
    out: PathBuf,
    config: Option<Config>,
    theme: Option<Theme>,
    people: Option<(People, Vec<Diagnostic>)>,
    sources: BTreeMap<String, SourceEntry>,
    discovered: bool,
    discovery_diags: Vec<Diagnostic>,
    site: Option<Site>,
    /// The model reflects the sources (no pending or failed document).
    model_ok: bool,
    /// `site.related` holds lists computed by [`crate::related::attach`] (maybe for older
    /// inputs: see `related_pending`), not only pinned entries.
    related_valid: bool,
    /// `site.related` was carried over from before a change that may move it: a follow-up
    /// build computes it.
    related_pending: bool,
    /// [`crate::related::input_key`] per content path when related reading was computed.
    related_inputs: HashMap<String, u64>,
    /// The same keys by article index, for the fast path.
    related_keys: Vec<u64>,
    /// [`crate::related::text_key`] by content path, with the hash of the file it was made of.
    text_keys: HashMap<String, (Option<u64>, u64)>,
    /// Sources whose document is not in the model: parsed (held) or failed.
    dirty: BTreeSet<String>,
    /// What the pages and feeds of the current model show (for the fast path).
    derived: Option<Derived>,
    lookup: Option<Lookup>,
    index: HashMap<String, usize>,
    bodies: HashMap<String, BodyMemo>,
    files: BTreeMap<String, FileRecord>,
    /// The sitemap files of the last model build.
    sitemaps: Vec<String>,
    /// Render every page next time (theme or configuration changed).
    force_all: bool,
}

type Failure = Vec<Diagnostic>;

fn errors_of(e: Error) -> Failure {
    e.diagnostics()
}

impl Engine {
    /// An engine building the site at `root` into the folder `out`; with `origin`, the site's
    /// base URL becomes that origin plus the path of site.toml's `base_url`.
    pub fn new(root: &Path, overrides: Overrides, origin: Option<String>, out: &Path) -> Engine {
        Engine {
            root: root.to_path_buf(),
            overrides,
            origin,
            out: out.to_path_buf(),
            config: None,
            theme: None,
            people: None,
            sources: BTreeMap::new(),
            discovered: false,
            discovery_diags: Vec::new(),
            site: None,
            model_ok: false,
            related_valid: false,
            related_pending: false,
            related_inputs: HashMap::new(),
            related_keys: Vec::new(),
            text_keys: HashMap::new(),
            dirty: BTreeSet::new(),
            derived: None,
            lookup: None,
            index: HashMap::new(),
            bodies: HashMap::new(),
            files: BTreeMap::new(),
            sitemaps: Vec::new(),
            force_all: true,
        }
    }

    /// The configuration of the last successful load.
    pub fn config(&self) -> Option<&Config> {
        self.config.as_ref()
    }

    /// The folder being served.
    pub fn out_dir(&self) -> &Path {
        &self.out
    }

    /// Forgets the model; the documents it owned must be read again.
    fn drop_site(&mut self) {
        self.site = None;
        self.derived = None;
        self.lookup = None;
        self.index.clear();
        self.model_ok = false;
        self.related_valid = false;
        for s in self.sources.values_mut() {
            if matches!(s.slot, Slot::InSite) {
                s.slot = Slot::Unloaded;
            }
        }
    }

    /// Works out what the changes do to the served folder, without touching it.
    pub fn prepare(&mut self, ch: &Changes) -> Result<Plan, Failure> {
        let mut people_changed = ch.people;
        if ch.full {
            self.config = None;
            self.theme = None;
            self.people = None;
            self.sources.clear();
            self.dirty.clear();
            self.discovered = false;
            self.bodies.clear();
            self.related_inputs.clear();
            self.text_keys.clear();
            self.drop_site();
            self.force_all = true;
        }
        if self.config.is_none() {
            let mut config = Config::load(&self.root, &self.overrides).map_err(errors_of)?;
            if let Some(origin) = &self.origin {
                let overrides = Overrides {
                    base_url: Some(format!("{origin}{}", config.base_path)),
                    ..self.overrides.clone()
                };
                config = Config::load(&self.root, &overrides).map_err(errors_of)?;
            }
            self.config = Some(config);
            self.theme = None;
            self.force_all = true;
        }
        if self.theme.is_none() || ch.theme || ch.statics {
            let config = self.config.as_ref().expect("config loaded above");
            let had = self.theme.is_some();
            self.theme = None;
            let theme = Theme::load(config).map_err(errors_of)?;
            self.theme = Some(theme);
            // With fingerprinting, pages name static files by their hash.
            if !had || ch.theme || config.fingerprint {
                self.force_all = true;
            }
        }
        if self.people.is_none() || ch.people {
            let mut d = Diagnostics::default();
            let people = People::load(&self.root.join("content"), &mut d);
            self.people = Some((people, d.into_sorted()));
            people_changed = true;
        }
        let mut laps = Laps::new();
        let parsed = self.update_sources(ch)?;
        laps.lap("sources");

        // Every problem of the sources at once, as `gen build` reports them.
        let mut errors: Vec<Diagnostic> = Vec::new();
        let mut warnings: Vec<Diagnostic> = Vec::new();
        let people_diags = self
            .people
            .as_ref()
            .map(|p| p.1.clone())
            .unwrap_or_default();
        for d in self.discovery_diags.iter().chain(&people_diags) {
            if d.severity == Severity::Error {
                errors.push(d.clone());
            } else {
                warnings.push(d.clone());
            }
        }
        for rel in &self.dirty {
            if let Some(Slot::Failed(list)) = self.sources.get(rel).map(|e| &e.slot) {
                errors.extend(list.iter().cloned());
            }
        }
        if !errors.is_empty() {
            crate::diagnostics::sort(&mut errors);
            return Err(errors);
        }

        let patched = if people_changed {
            None
        } else {
            self.try_fast_path()?
        };
        let fast = patched.is_some();
        if !fast {
            warnings.extend(self.rebuild_model(people_changed, ch.settle)?);
        }
        if ch.settle {
            self.settle_related();
        }
        crate::diagnostics::sort(&mut warnings);
        laps.lap("model");
        let mut plan = match patched {
            Some(changed)
                if self.derived.is_some()
                    && !self.force_all
                    && !ch.statics
                    && !ch.theme
                    && ch.files.is_empty() =>
            {
                self.plan_fast(&changed, &mut laps)?
            }
            _ => self.plan_full(ch, !fast, &mut laps)?,
        };
        plan.stats.fast = fast;
        plan.stats.parsed = parsed;
        plan.stats.warnings = warnings;
        plan.stats.timings = laps.list;
        Ok(plan)
    }

    /// Brings the source entries up to date; returns how many files were parsed.
    fn update_sources(&mut self, ch: &Changes) -> Result<usize, Failure> {
        let content_dir = self.root.join("content");
        let mut rediscover = ch.rediscover || !self.discovered;
        let mut to_read: Vec<SourceFile> = Vec::new();
        if !rediscover {
            for path in &ch.content {
                let rel = path
                    .strip_prefix(&content_dir)
                    .ok()
                    .and_then(|r| r.to_str())
                    .map(|r| r.replace('\\', "/"));
                match rel.and_then(|r| self.sources.get(&r)) {
                    Some(entry) if path.is_file() => to_read.push(entry.file.clone()),
                    // A new file, a removed one, or not an article at all: walk again.
                    _ => {
                        rediscover = true;
                        break;
                    }
                }
            }
        }
        if rediscover {
            to_read.clear();
            let mut d = Diagnostics::default();
            let files = crate::content::discover(&content_dir, &mut d);
            self.discovery_diags = d.into_sorted();
            self.discovered = true;
            let mut old = std::mem::take(&mut self.sources);
            for f in files {
                let st = stamp(&f.abs);
                match old.remove(&f.rel) {
                    Some(entry)
                        if entry.stamp == st
                            && st.is_some()
                            && entry.file.assets == f.assets
                            && !ch.content.contains(&f.abs)
                            && !matches!(entry.slot, Slot::Failed(_)) =>
                    {
                        self.sources.insert(f.rel.clone(), entry);
                    }
                    Some(entry) => {
                        // Keep the old document until the new bytes are known to differ; new
                        // bundle assets mean a new document.
                        let hash = if entry.file.assets == f.assets {
                            entry.hash
                        } else {
                            None
                        };
                        to_read.push(f.clone());
                        self.sources.insert(
                            f.rel.clone(),
                            SourceEntry {
                                file: f,
                                stamp: entry.stamp,
                                hash,
                                slot: entry.slot,
                            },
                        );
                    }
                    None => {
                        to_read.push(f.clone());
                        self.sources.insert(
                            f.rel.clone(),
                            SourceEntry {
                                file: f,
                                stamp: None,
                                hash: None,
                                slot: Slot::Failed(Vec::new()),
                            },
                        );
                    }
                }
            }
            // Whatever is left in `old` was deleted or renamed away.
            if !old.is_empty() && old.values().any(|e| matches!(e.slot, Slot::InSite)) {
                self.model_ok = false;
            }
            for rel in old.keys() {
                self.dirty.remove(rel);
            }
        }
        let config = self.config.as_ref().expect("config loaded");
        let mut to_parse: Vec<SourceFile> = Vec::new();
        for f in to_read {
            let bytes = std::fs::read(&f.abs).ok();
            let h = bytes.as_deref().map(hash_of).unwrap_or(0);
            let st = stamp(&f.abs);
            let entry = self.sources.get_mut(&f.rel).expect("entry exists");
            let unchanged =
                bytes.is_some() && entry.hash == Some(h) && !matches!(entry.slot, Slot::Failed(_));
            entry.stamp = st;
            if unchanged {
                continue;
            }
            entry.hash = bytes.is_some().then_some(h);
            to_parse.push(f);
        }
        let parsed = to_parse.len();
        if !to_parse.is_empty() {
            let rels: Vec<String> = to_parse.iter().map(|f| f.rel.clone()).collect();
            let mut d = Diagnostics::default();
            let docs = crate::content::load(config, to_parse, &mut d);
            let mut diags = d.into_sorted();
            let mut got: HashMap<String, Document> =
                docs.into_iter().map(|d| (d.file.rel.clone(), d)).collect();
            for rel in rels {
                let entry = self.sources.get_mut(&rel).expect("entry exists");
                self.dirty.insert(rel.clone());
                entry.slot = match got.remove(&rel) {
                    Some(doc) => Slot::Held(Box::new(doc)),
                    None => {
                        let display = Path::new("content").join(&rel);
                        let (mine, rest): (Vec<_>, Vec<_>) =
                            diags.into_iter().partition(|d| d.path == display);
                        diags = rest;
                        Slot::Failed(if mine.is_empty() {
                            vec![Diagnostic::error(display, 0, 0, "cannot read this file")]
                        } else {
                            mine
                        })
                    }
                };
            }
        }
        Ok(parsed)
    }

    /// Swaps edited documents into the model when only their content fields changed; returns
    /// the indices of the articles patched, or `None` when the model must be built again.
    fn try_fast_path(&mut self) -> Result<Option<Vec<usize>>, Failure> {
        if !self.model_ok || self.site.is_none() || self.lookup.is_none() {
            return Ok(None);
        }
        let site = self.site.as_ref().expect("checked");
        let mut pending: Vec<(String, usize)> = Vec::new();
        for rel in &self.dirty {
            let Some(e) = self.sources.get(rel) else {
                return Ok(None);
            };
            let Slot::Held(doc) = &e.slot else {
                return Ok(None);
            };
            let Some(&i) = self.index.get(rel) else {
                return Ok(None);
            };
            let old = &site.articles[i].doc;
            if old.file.assets != doc.file.assets
                || structural_key(&old.meta) != structural_key(&doc.meta)
            {
                return Ok(None);
            }
            pending.push((rel.clone(), i));
        }
        let config = self.config.as_ref().expect("config");
        let lookup = self.lookup.as_ref().expect("checked");
        let mut results: Vec<(String, usize, Rendered, BodyMemo)> = Vec::new();
        let mut errors = Vec::new();
        for (rel, i) in &pending {
            let Some(Slot::Held(doc)) = self.sources.get(rel).map(|e| &e.slot) else {
                continue;
            };
            let opts = crate::site::body_options(config, doc, lookup);
            let (r, memo) = render_body(doc, &opts);
            errors.extend(crate::site::link_errors(doc, &r));
            results.push((rel.clone(), *i, r, memo));
        }
        if !errors.is_empty() {
            crate::diagnostics::sort(&mut errors);
            return Err(errors);
        }
        let site = self.site.as_mut().expect("checked");
        let mut changed = Vec::with_capacity(results.len());
        for (rel, i, r, memo) in results {
            let entry = self.sources.get_mut(&rel).expect("entry");
            let Slot::Held(doc) = std::mem::replace(&mut entry.slot, Slot::InSite) else {
                continue;
            };
            site.articles[i].doc = *doc;
            site.articles[i].rendered = r;
            self.bodies.insert(rel.clone(), memo);
            self.dirty.remove(&rel);
            changed.push(i);
        }
        // Related reading follows whatever it reads of the edited articles.
        let mut related_changed = false;
        for &i in &changed {
            let k = related_key(site, i, &self.sources, &mut self.text_keys);
            if self.related_keys.get(i) != Some(&k) {
                related_changed = true;
            }
        }
        if related_changed {
            // Computed in a follow-up build (see `Engine::settle_related`), so that the edited
            // page is served first.
            self.related_pending = true;
        }
        Ok(Some(changed))
    }

    /// Builds the site model again from the cached documents and bodies.
    fn rebuild_model(
        &mut self,
        people_changed: bool,
        settle: bool,
    ) -> Result<Vec<Diagnostic>, Failure> {
        let config = self.config.clone().expect("config");
        let people = self
            .people
            .as_ref()
            .map(|p| p.0.clone())
            .unwrap_or_default();
        self.derived = None;
        let mut old_bodies: HashMap<String, (BodyMemo, Rendered)> = HashMap::new();
        // Related reading of the old model by content path, to carry over when nothing it
        // depends on changed.
        let mut old_related: HashMap<String, Vec<RelatedRef>> = HashMap::new();
        let related_valid = self.related_valid && !people_changed;
        let mut docs: Vec<Document> = Vec::with_capacity(self.sources.len());
        if let Some(site) = self.site.take() {
            let Site {
                articles, related, ..
            } = site;
            if related_valid {
                for (i, list) in related.into_iter().enumerate() {
                    let refs = list
                        .into_iter()
                        .map(|r| match r {
                            Related::Article(j) => {
                                RelatedRef::Article(articles[j].doc.file.rel.clone())
                            }
                            other => RelatedRef::Other(other),
                        })
                        .collect();
                    old_related.insert(articles[i].doc.file.rel.clone(), refs);
                }
            }
            for a in articles {
                let rel = a.doc.file.rel.clone();
                if let Some(memo) = self.bodies.remove(&rel) {
                    old_bodies.insert(rel.clone(), (memo, a.rendered));
                }
                if self
                    .sources
                    .get(&rel)
                    .is_some_and(|e| matches!(e.slot, Slot::InSite))
                {
                    docs.push(a.doc);
                }
            }
        }
        self.lookup = None;
        self.index.clear();
        self.bodies.clear();
        let mut unloaded: Vec<SourceFile> = Vec::new();
        for e in self.sources.values_mut() {
            match std::mem::replace(&mut e.slot, Slot::InSite) {
                Slot::Held(doc) => docs.push(*doc),
                Slot::InSite => {}
                Slot::Unloaded => unloaded.push(e.file.clone()),
                failed @ Slot::Failed(_) => e.slot = failed,
            }
        }
        self.dirty.retain(|rel| {
            matches!(
                self.sources.get(rel).map(|e| &e.slot),
                Some(Slot::Failed(_))
            )
        });
        if !unloaded.is_empty() {
            let mut d = Diagnostics::default();
            docs.extend(crate::content::load(&config, unloaded, &mut d));
            if d.has_errors() {
                // Changed without an event reaching us: read everything again next time.
                self.discovered = false;
                self.drop_site();
                return Err(d.into_sorted());
            }
        }
        let bodies = CachedBodies {
            old: Mutex::new(old_bodies),
            memos: Mutex::new(HashMap::new()),
        };
        let mut diags = Diagnostics::default();
        let mut site = crate::site::build_with(config, docs, people, &mut diags, &bodies);
        self.bodies = bodies.memos.into_inner().unwrap_or_default();
        self.index = site
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.doc.file.rel.clone(), i))
            .collect();
        for (rel, e) in self.sources.iter_mut() {
            if matches!(e.slot, Slot::InSite) && !self.index.contains_key(rel) {
                e.slot = Slot::Unloaded;
            }
        }
        self.bodies.retain(|rel, _| self.index.contains_key(rel));
        if diags.has_errors() {
            self.site = Some(site);
            self.model_ok = false;
            self.related_valid = false;
            return Err(diags.into_sorted());
        }
        let keys: Vec<u64> = (0..site.articles.len())
            .map(|i| related_key(&site, i, &self.sources, &mut self.text_keys))
            .collect();
        self.text_keys.retain(|rel, _| self.index.contains_key(rel));
        let inputs: HashMap<String, u64> = site
            .articles
            .iter()
            .zip(&keys)
            .map(|(a, k)| (a.doc.file.rel.clone(), *k))
            .collect();
        let exact = related_valid && !self.related_pending && inputs == self.related_inputs;
        if exact && carry_related(&mut site, &old_related, &self.index) {
            // Nothing related reading reads changed.
        } else if related_valid && !settle {
            // Serve the change first with the lists as they were (minus articles that are
            // gone), and compute them in a follow-up build.
            carry_partial(&mut site, &old_related, &self.index);
            self.related_pending = true;
        } else {
            crate::related::attach(&mut site);
            self.related_inputs = inputs;
            self.related_pending = false;
        }
        self.related_keys = keys;
        self.related_valid = true;
        let warnings = diags.finish().map_err(errors_of)?;
        self.lookup = Some(Lookup::of(&site));
        self.site = Some(site);
        self.model_ok = true;
        Ok(warnings)
    }

    /// Whether related reading still has to be computed for the served build: the builder then
    /// runs a follow-up build with [`Changes::settle`].
    pub fn unsettled(&self) -> bool {
        self.related_pending && self.model_ok
    }

    /// Computes related reading for the model (the second half of a change that moved it).
    fn settle_related(&mut self) {
        if !self.related_pending || !self.model_ok {
            return;
        }
        let Some(site) = self.site.as_mut() else {
            return;
        };
        crate::related::attach(site);
        self.related_keys = (0..site.articles.len())
            .map(|i| related_key(site, i, &self.sources, &mut self.text_keys))
            .collect();
        self.related_inputs = site
            .articles
            .iter()
            .zip(&self.related_keys)
            .map(|(a, k)| (a.doc.file.rel.clone(), *k))
            .collect();
        self.related_pending = false;
        // Related lists moved: what each page shows must be worked out again.
        self.derived = None;
    }

    /// The key of every article: a hash of everything about it that any page or feed may show
    /// (see [`crate::render::Job::signature`]).
    fn article_key(&self, site: &Site, persons: &[u64], i: usize) -> u64 {
        let a = &site.articles[i];
        let rel = &a.doc.file.rel;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.sources.get(rel).map(|e| e.hash).hash(&mut h);
        self.bodies.get(rel).map(|b| b.html).hash(&mut h);
        a.rel.hash(&mut h);
        a.stale.hash(&mut h);
        a.original
            .map(|o| &site.articles[o].doc.file.rel)
            .hash(&mut h);
        a.doc.file.assets.hash(&mut h);
        for &p in a
            .authors
            .iter()
            .chain([usize::MAX].iter())
            .chain(&a.translators)
        {
            persons.get(p).hash(&mut h);
        }
        h.finish()
    }

    /// Renders what changed and lists the files to write and remove, looking at every page,
    /// feed and file of the site; records which articles each page and feed shows, for
    /// [`Engine::plan_fast`].
    fn plan_full(
        &mut self,
        ch: &Changes,
        reshaped: bool,
        laps: &mut Laps,
    ) -> Result<Plan, Failure> {
        let site = self.site.as_ref().expect("model built");
        let theme = self.theme.as_ref().expect("theme loaded");
        let persons: Vec<u64> = site
            .people
            .list
            .iter()
            .map(|p| hash_of(&serde_json::to_string(p).unwrap_or_default()))
            .collect();
        let keys: Vec<u64> = (0..site.articles.len())
            .map(|i| self.article_key(site, &persons, i))
            .collect();
        laps.lap("keys");

        let n = site.articles.len();
        let jobs = crate::render::jobs(site);
        let mut job_deps: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut expected: HashMap<String, u64> = HashMap::with_capacity(jobs.len() + 64);
        let mut selected: Vec<Job<'_>> = Vec::new();
        let mut collisions: Vec<Diagnostic> = Vec::new();
        for (j, job) in jobs.iter().enumerate() {
            let seen = std::cell::RefCell::new(Vec::new());
            let sig = job.signature(site, &|i| {
                seen.borrow_mut().push(i);
                keys[i]
            });
            for i in seen.into_inner() {
                if job_deps[i].last() != Some(&(j as u32)) {
                    job_deps[i].push(j as u32);
                }
            }
            let rel = job.output_rel(site);
            let changed = self.force_all || self.files.get(&rel).map(|f| f.sig) != Some(sig);
            if claim(&mut expected, rel, sig, &mut collisions) && changed {
                selected.push(*job);
            }
        }
        laps.lap("pages");
        // Bundle assets and static files: copied again when their source changed.
        let mut copies: Vec<(String, CopySource)> = Vec::new();
        for i in 0..n {
            for (rel, src) in crate::render::article_assets(site, i) {
                let sig = hash_of(&(&src, stamp(&src)));
                let forced = ch.files.contains(&src);
                if claim(&mut expected, rel.clone(), sig, &mut collisions)
                    && (forced || self.files.get(&rel).map(|f| f.sig) != Some(sig))
                {
                    copies.push((rel, CopySource::Disk(src)));
                }
            }
        }
        for (rel, src) in crate::build::static_outputs(theme) {
            let (sig, src) = match src {
                StaticSource::Disk(p) => {
                    (hash_of(&(p, stamp(p))), CopySource::Disk(p.to_path_buf()))
                }
                StaticSource::Bytes(b) => (hash_of(b), CopySource::Bytes(b.to_vec())),
            };
            let forced = matches!(&src, CopySource::Disk(p) if ch.files.contains(p));
            if claim(&mut expected, rel.clone(), sig, &mut collisions)
                && (forced || self.files.get(&rel).map(|f| f.sig) != Some(sig))
            {
                copies.push((rel, src));
            }
        }
        // Feeds: rewritten when the articles they list (or their own data) changed.
        let specs = crate::feeds::specs(site);
        let mut feed_deps: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut feeds: Vec<crate::feeds::FeedSpec> = Vec::new();
        for (s, spec) in specs.iter().enumerate() {
            let seen = std::cell::RefCell::new(Vec::new());
            let sig = crate::feeds::signature(site, spec, &|i| {
                seen.borrow_mut().push(i);
                keys[i]
            });
            for i in seen.into_inner() {
                if feed_deps[i].last() != Some(&(s as u32)) {
                    feed_deps[i].push(s as u32);
                }
            }
            let mut changed = false;
            for rel in crate::feeds::files_of(spec) {
                changed |= self.force_all || self.files.get(&rel).map(|f| f.sig) != Some(sig);
                claim(&mut expected, rel, sig, &mut collisions);
            }
            if changed {
                feeds.push(spec.clone());
            }
        }
        laps.lap("feeds");
        // Sitemaps list URLs and modification dates: only structural changes alter them (the
        // fast path keeps the shape of the site), so they are made again only when the model
        // was rebuilt. The news sitemap names titles and depends on the time: always.
        let mut extras = self.always_made(site)?;
        if reshaped || self.force_all || self.sitemaps.is_empty() {
            let files = crate::sitemap::sitemap_files(site, crate::sitemap::Limits::default())
                .map_err(errors_of)?;
            self.sitemaps = files.iter().map(|(r, _)| r.clone()).collect();
            extras.extend(files);
        }
        for (rel, bytes) in &extras {
            claim(
                &mut expected,
                rel.clone(),
                hash_of(&bytes[..]),
                &mut collisions,
            );
        }
        for rel in &self.sitemaps {
            if !expected.contains_key(rel) {
                let sig = self.files.get(rel).map(|f| f.sig).unwrap_or(0);
                claim(&mut expected, rel.clone(), sig, &mut collisions);
            }
        }
        if !collisions.is_empty() {
            return Err(collisions);
        }
        laps.lap("sitemaps");

        let mut produced = render(site, theme, &selected, &feeds)?;
        produced.extend(extras);
        for (rel, src) in copies {
            let bytes = match src {
                CopySource::Disk(p) => {
                    std::fs::read(&p).map_err(|e| errors_of(Error::io(&p, e)))?
                }
                CopySource::Bytes(b) => b,
            };
            produced.push((rel, bytes));
        }
        laps.lap("render");
        let mut plan = self.diff(produced, &|rel| expected.get(rel).copied());
        plan.removes = self
            .files
            .keys()
            .filter(|k| !expected.contains_key(*k))
            .cloned()
            .collect();
        plan.stats.articles = n;
        plan.stats.pages = jobs.len();
        plan.stats.rendered = selected.len();
        laps.lap("diff");
        self.derived = Some(Derived {
            persons,
            keys,
            job_deps,
            job_count: jobs.len(),
            specs,
            feed_deps,
        });
        Ok(plan)
    }

    /// [`Engine::plan_full`] when only content fields of some articles changed: the site has
    /// the same shape (the same pages, feeds and files), so only the pages and feeds that show
    /// those articles are looked at.
    fn plan_fast(&mut self, changed: &[usize], laps: &mut Laps) -> Result<Plan, Failure> {
        let site = self.site.as_ref().expect("model built");
        let theme = self.theme.as_ref().expect("theme loaded");
        let mut derived = self.derived.take().expect("checked by the caller");
        for &i in changed {
            derived.keys[i] = self.article_key(site, &derived.persons, i);
        }
        let keys = &derived.keys;
        let key = |i: usize| keys[i];
        laps.lap("keys");
        let jobs = crate::render::jobs(site);
        if jobs.len() != derived.job_count {
            // Not the shape recorded: look at everything.
            return self.plan_full(&Changes::default(), false, laps);
        }
        let mut wanted: Vec<u32> = changed
            .iter()
            .flat_map(|&i| derived.job_deps[i].iter().copied())
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut sigs: HashMap<String, u64> = HashMap::new();
        let mut selected: Vec<Job<'_>> = Vec::new();
        for j in wanted {
            let job = &jobs[j as usize];
            let sig = job.signature(site, &key);
            let rel = job.output_rel(site);
            if self.files.get(&rel).map(|f| f.sig) != Some(sig) {
                selected.push(*job);
            }
            sigs.insert(rel, sig);
        }
        laps.lap("pages");
        let mut wanted: Vec<u32> = changed
            .iter()
            .flat_map(|&i| derived.feed_deps[i].iter().copied())
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut feeds = Vec::new();
        for s in wanted {
            let spec = &derived.specs[s as usize];
            let sig = crate::feeds::signature(site, spec, &key);
            let mut differs = false;
            for rel in crate::feeds::files_of(spec) {
                differs |= self.files.get(&rel).map(|f| f.sig) != Some(sig);
                sigs.insert(rel, sig);
            }
            if differs {
                feeds.push(spec.clone());
            }
        }
        laps.lap("feeds");
        let extras = self.always_made(site)?;
        for (rel, bytes) in &extras {
            sigs.insert(rel.clone(), hash_of(&bytes[..]));
        }
        let mut produced = render(site, theme, &selected, &feeds)?;
        produced.extend(extras);
        laps.lap("render");
        let mut plan = self.diff(produced, &|rel| sigs.get(rel).copied());
        plan.stats.articles = site.articles.len();
        plan.stats.pages = jobs.len();
        plan.stats.rendered = selected.len();
        laps.lap("diff");
        self.derived = Some(derived);
        Ok(plan)
    }

    /// Files made on every rebuild: the news sitemap (titles, and the time) and robots.txt.
    fn always_made(&self, site: &Site) -> Result<Vec<(String, Vec<u8>)>, Failure> {
        let now = crate::sitemap::build_time();
        Ok(vec![
            (
                "news-sitemap.xml".into(),
                crate::sitemap::news_sitemap(site, now).map_err(errors_of)?,
            ),
            (
                "robots.txt".into(),
                crate::sitemap::robots_txt(site).into_bytes(),
            ),
        ])
    }

    /// The plan for produced files: write those whose bytes differ from what is on disk.
    fn diff(&self, produced: Vec<(String, Vec<u8>)>, sig_of: &dyn Fn(&str) -> Option<u64>) -> Plan {
        let mut plan = Plan::default();
        for (rel, bytes) in produced {
            let Some(sig) = sig_of(&rel) else {
                continue;
            };
            let hash = hash_of(&bytes[..]);
            let same = self.files.get(&rel).map(|f| f.hash) == Some(hash);
            plan.records.push((rel.clone(), FileRecord { sig, hash }));
            if !same {
                plan.writes.push((rel, bytes));
            }
        }
        plan
    }

    /// Applies a plan to the served folder (call it while no request reads the folder).
    pub fn commit(&mut self, plan: Plan) -> Result<(Applied, Stats), Failure> {
        let mut applied = Applied::default();
        for (rel, bytes) in plan.writes {
            let path = safe_join(&self.out, &rel).ok_or_else(|| {
                vec![Diagnostic::error(
                    rel.clone(),
                    0,
                    0,
                    "refusing to write outside the output folder",
                )]
            })?;
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| errors_of(Error::io(parent, e)))?;
            }
            std::fs::write(&path, &bytes).map_err(|e| errors_of(Error::io(&path, e)))?;
            applied.written.push(rel);
        }
        for rel in plan.removes {
            if let Some(path) = safe_join(&self.out, &rel) {
                let _ = std::fs::remove_file(&path);
                // Remove folders left empty, up to the served folder.
                let mut dir = path.parent();
                while let Some(d) = dir {
                    if d == self.out || std::fs::remove_dir(d).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
            }
            self.files.remove(&rel);
            applied.removed.push(rel);
        }
        for (rel, rec) in plan.records {
            self.files.insert(rel, rec);
        }
        self.force_all = false;
        Ok((applied, plan.stats))
    }

    /// Number of files in the served folder.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }
}

/// What the pages and feeds of a model show, worked out by [`Engine::plan_full`] and kept
/// while the model keeps its shape.
struct Derived {
    /// Hash of every person's data.
    persons: Vec<u64>,
    /// Key of every article.
    keys: Vec<u64>,
    /// Article → the pages (indices into [`crate::render::jobs`]) that show it.
    job_deps: Vec<Vec<u32>>,
    /// Number of pages.
    job_count: usize,
    /// The feeds.
    specs: Vec<crate::feeds::FeedSpec>,
    /// Article → the feeds that list it.
    feed_deps: Vec<Vec<u32>>,
}

/// [`crate::related::input_key`] of article `i`, with its text part cached while its file is
/// unchanged (tokenizing every body would be most of a rebuild's time).
fn related_key(
    site: &Site,
    i: usize,
    sources: &BTreeMap<String, SourceEntry>,
    cache: &mut HashMap<String, (Option<u64>, u64)>,
) -> u64 {
    let a = &site.articles[i];
    let rel = &a.doc.file.rel;
    let hash = sources.get(rel).and_then(|e| e.hash);
    let text = match cache.get(rel) {
        Some((h, t)) if hash.is_some() && *h == hash => *t,
        _ => {
            let t = crate::related::text_key(a);
            cache.insert(rel.clone(), (hash, t));
            t
        }
    };
    crate::related::input_key_with(site, i, text)
}

/// Renders pages and feeds into memory.
fn render(
    site: &Site,
    theme: &Theme,
    jobs: &[Job<'_>],
    feeds: &[crate::feeds::FeedSpec],
) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let transform = crate::build::html_transform(&site.config);
    let sink = Collect::default();
    crate::render::render_jobs(site, theme, &sink, &transform, jobs).map_err(errors_of)?;
    if !feeds.is_empty() {
        crate::feeds::write_specs(site, &sink, feeds).map_err(errors_of)?;
    }
    Ok(sink.files.into_inner().unwrap_or_default())
}

/// Records that `rel` is produced with signature `sig`; a second producer is an error, as
/// it is for `gen build`.
fn claim(
    expected: &mut HashMap<String, u64>,
    rel: String,
    sig: u64,
    collisions: &mut Vec<Diagnostic>,
) -> bool {
    if expected.insert(rel.clone(), sig).is_some() {
        collisions.push(Diagnostic::error(
            rel.clone(),
            0,
            0,
            format!("two outputs would be written to /{rel}; rename one of the sources"),
        ));
        return false;
    }
    true
}

enum CopySource {
    Disk(PathBuf),
    Bytes(Vec<u8>),
}

/// A related entry by content path, to survive the renumbering of articles.
enum RelatedRef {
    Article(String),
    Other(Related),
}

/// Carries over what still maps of the old related reading (articles that are gone are
/// dropped; new articles keep their pinned entries), until it is computed again.
fn carry_partial(
    site: &mut Site,
    old: &HashMap<String, Vec<RelatedRef>>,
    index: &HashMap<String, usize>,
) {
    for (i, a) in site.articles.iter().enumerate() {
        let Some(refs) = old.get(&a.doc.file.rel) else {
            continue;
        };
        site.related[i] = refs
            .iter()
            .filter_map(|r| match r {
                RelatedRef::Article(rel) => index.get(rel).map(|&j| Related::Article(j)),
                RelatedRef::Other(o) => Some(o.clone()),
            })
            .filter(|r| *r != Related::Article(i))
            .collect();
    }
}

/// Carries the old related reading over to the new model; `false` when some entry no longer
/// maps (then it must be computed).
fn carry_related(
    site: &mut Site,
    old: &HashMap<String, Vec<RelatedRef>>,
    index: &HashMap<String, usize>,
) -> bool {
    let mut lists = Vec::with_capacity(site.articles.len());
    for a in &site.articles {
        let Some(refs) = old.get(&a.doc.file.rel) else {
            return false;
        };
        let mut list = Vec::with_capacity(refs.len());
        for r in refs {
            list.push(match r {
                RelatedRef::Article(rel) => match index.get(rel) {
                    Some(&j) => Related::Article(j),
                    None => return false,
                },
                RelatedRef::Other(o) => o.clone(),
            });
        }
        lists.push(list);
    }
    site.related = lists;
    true
}
