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
//!    structural fields changed, and otherwise carried over by content path. Which of these the
//!    engine may do is a state machine ([`State`]).
//! 3. **Outputs.** The outputs are the [`crate::outputs::Plan`] of the model, the same list
//!    `gen build` produces. Every output has a signature
//!    ([`crate::outputs::Product::signature`]): a hash of the keys of the articles it reads and
//!    its own data. Outputs whose signature differs from the one of their file on disk are
//!    produced again; a template, theme or configuration change produces all ([`Outputs`]).
//! 4. **Served folder.** Only files whose bytes changed are written; files no output makes
//!    any more are removed. [`Engine::commit`] does this while the server holds its write lock, so a
//!    request sees the old tree or the new one.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use rayon::prelude::*;

use crate::config::{Config, Overrides};
use crate::content::{Document, FrontMatter, SourceFile};
use crate::diagnostics::{Diagnostic, Diagnostics, Error, Severity};
use crate::markdown::{LinkResolver, RenderOptions, Rendered};
use crate::output::Sink;
use crate::outputs::{Env, Facet, Locator, Maker, Plan, Product, Shape};
use crate::people::People;
pub use crate::related::Stop;
use crate::site::{BodyRenderer, Lookup, Related, Site};
use crate::theme::Theme;
use crate::timer::Timer;

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
    /// The clock moved on to this time (the dev server's timer, when a front-page pin expires:
    /// [`Engine::next_pin_expiry`]): choices made against "now" are made again, and only the
    /// outputs whose signature that changes (that language's front page) are written.
    pub now: Option<jiff::Timestamp>,
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
            && self.now.is_none()
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
        self.now = self.now.max(other.now);
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
    /// The outputs produced again (their paths; only files whose bytes changed are written).
    pub produced: Vec<String>,
}

/// Files to write and remove, made by [`Engine::prepare`] and applied by [`Engine::commit`].
#[derive(Default)]
pub struct Update {
    writes: Vec<(String, Vec<u8>)>,
    /// Files of gen's cache to publish as they are (image variants): (path, cache file).
    shares: Vec<(String, PathBuf)>,
    removes: Vec<String>,
    records: Vec<(String, FileRecord)>,
    extra_files: BTreeMap<String, Vec<String>>,
    /// Paths of the outputs produced.
    produced: Vec<String>,
    /// A follow-up build stopped before it was done: nothing to apply.
    stopped: bool,
    /// Which outputs read each article, when every output was examined.
    tracked: Option<Derived>,
    /// Figures of the rebuild.
    pub stats: Stats,
}

impl Update {
    fn stopped() -> Update {
        Update {
            stopped: true,
            ..Update::default()
        }
    }

    /// Whether the update changes no file.
    /// Figures of the build.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Whether it changes nothing in the folder.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.shares.is_empty() && self.removes.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct FileRecord {
    /// Signature of what produced the file (page signature, or source stamp).
    sig: u64,
    /// Hash of the bytes on disk.
    hash: u64,
}

/// Size and modification time of a file: cheap change detection when walking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, serde::Serialize, serde::Deserialize)]
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

/// The hash every signature and record of the engine (and the build cache's keys) is made with:
/// fixed keys, so equal inputs give equal hashes in every process of the same gen binary.
pub(crate) fn hash_of<T: Hash + ?Sized>(v: &T) -> u64 {
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
        &doc.body(),
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
        html: hash_of(&(&r.html, &r.blocks)),
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

/// The site model the engine holds: a written-down state machine.
///
/// ```text
///              full reload / start
///                     │
///                     ▼
///   ┌──────────── Empty ◀──────────────────────────────┐
///   │  build ok       │ build failed                    │ full reload
///   ▼                 ▼                                 │
/// Settled ◀──── Outdated ◀── files removed, ────────────┤
///   │  ▲  settle       ▲     build failed               │
///   │  │               │                                │
///   │  └── Pending ────┘                                │
///   └─ change moved related reading ─▶ Pending ─────────┘
/// ```
enum State {
    /// No model: at start, after a full reload, or when documents the model owned had to be
    /// dropped. The next rebuild reads every source it lacks, builds the model, computes related
    /// reading and examines every output.
    Empty,
    /// A model that does not reflect the sources: it failed to build, or files it holds were
    /// removed. Only its rendered bodies (and, unless `related` is `NotComputed`, its related reading, to
    /// serve first while it is computed again) are reused; the next rebuild builds a new model.
    /// The fast path is not allowed.
    Outdated {
        /// The model.
        site: Box<Site>,
        /// Where its related reading comes from (computed or carried lists can be carried over).
        related: RelatedOf,
    },
    /// The model reflects the sources and its related reading was computed for exactly their
    /// inputs. Content-only edits may take the fast path.
    Settled(Box<Model>),
    /// The model reflects the sources, but its related reading was carried over from before a
    /// change that may move it: the change is served first, and [`Engine::unsettled`] asks the
    /// server for a follow-up build ([`Changes::settle`]) that computes it. The fast path is
    /// allowed (its edits keep the state pending).
    Pending(Box<Model>),
}

/// A model that reflects the sources, with its indexes.
struct Model {
    site: Site,
    /// Content links resolved against this model (for bodies rendered on the fast path).
    lookup: Lookup,
    /// Content path → article index.
    index: HashMap<String, usize>,
}

impl State {
    fn model(&self) -> Option<&Model> {
        match self {
            State::Settled(m) | State::Pending(m) => Some(m),
            _ => None,
        }
    }

    fn model_mut(&mut self) -> Option<&mut Model> {
        match self {
            State::Settled(m) | State::Pending(m) => Some(m),
            _ => None,
        }
    }

    /// The model, whatever its state, and where its related reading comes from; leaves the
    /// state empty.
    fn take_site(&mut self) -> Option<(Site, RelatedOf)> {
        match std::mem::replace(self, State::Empty) {
            State::Empty => None,
            State::Outdated { site, related } => Some((*site, related)),
            State::Settled(m) => Some((m.site, RelatedOf::Computed)),
            State::Pending(m) => Some((m.site, RelatedOf::Carried)),
        }
    }
}

/// What the engine knows of the served folder relative to the model.
enum Outputs {
    /// Produce every output: nothing is served yet, or the templates, the configuration or
    /// fingerprinted static files changed (equal signatures no longer mean equal bytes).
    All,
    /// Examine every output's signature (the model was rebuilt).
    Compare,
    /// Like `Compare`, and which outputs read each article is known: an edit of content fields
    /// only (the fast path) examines just those.
    Tracked(Derived),
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
    /// `content/` was walked since the last full reload.
    discovered: bool,
    discovery_diags: Vec<Diagnostic>,
    state: State,
    outputs: Outputs,
    /// [`crate::related::input_key`] per content path when related reading was computed.
    related_inputs: HashMap<String, u64>,
    /// The search index was held back from the last build so that the edited page is served
    /// first; the follow-up build ([`Changes::settle`]) makes it.
    search_deferred: bool,
    /// Images whose variants were not in the cache were held back from the last build for
    /// the same reason; the follow-up build encodes them.
    images_deferred: bool,
    /// The build being prepared is such a follow-up.
    settling: bool,
    /// The build being prepared may be stopped ([`Engine::prepare_until`]).
    stoppable: bool,
    /// This follow-up computes related reading: the search index, which cannot stop midway,
    /// is left to a follow-up of its own ([`Engine::index_only_left`]).
    index_last: bool,
    /// The same keys by article index, for the fast path.
    related_keys: Vec<u64>,
    /// [`crate::related::text_key`] by content path, with the hash of the file it was made of.
    text_keys: HashMap<String, (Option<u64>, u64)>,
    /// Sources whose document is not in the model: parsed (held) or failed.
    dirty: BTreeSet<String>,
    bodies: HashMap<String, BodyMemo>,
    /// Image headers by file, kept between rebuilds.
    images: crate::images::Memo,
    /// The search index's words of every article, kept between rebuilds.
    search_words: crate::search::Memo,
    /// Every file in the served folder.
    files: BTreeMap<String, FileRecord>,
    /// Files of products that write more than their one path (the split sitemap), by the
    /// product's path.
    extra_files: BTreeMap<String, Vec<String>>,
    /// What the last build of the output folder published (`gen build` only): applied to every
    /// model, as [`crate::build`] does, so that moved permalinks redirect.
    manifest: Option<crate::publishing::Manifest>,
    /// How [`Engine::commit`] replaces a file of the output folder.
    replace: crate::output::Replace,
    /// Bodies and related reading restored from the build cache ([`Engine::restore`]), for the
    /// first model built: what an earlier model would hand over.
    seed: Option<Seed>,
    /// Hash of the people and terms files the restored state was made with: when equal, the
    /// first load of people.yaml does not count as a change.
    people_key: Option<u64>,
    /// The file records were restored for the same configuration and theme: the first load of
    /// both does not mean every output must be produced.
    restored_outputs: bool,
}

/// What a restored engine hands to its first model build in place of an earlier model.
struct Seed {
    bodies: HashMap<String, (BodyMemo, Rendered)>,
    lists: HashMap<String, Vec<RelatedRef>>,
}

/// An engine's caches as the build cache keeps them between `gen build` processes (see
/// [`crate::cache`]): sources by stamp and hash, rendered bodies with what they were made from,
/// related reading with its inputs, the search index's words, and the signature and hash of
/// every file of the output folder. Documents are not kept: they are read again (cheaply) from the sources.
#[derive(serde::Deserialize)]
pub struct Saved {
    sources: Vec<(SourceFile, Option<Stamp>, Option<u64>)>,
    bodies: Vec<(String, BodyMemo, Rendered)>,
    related: Vec<(String, Vec<RelatedRef>)>,
    related_inputs: HashMap<String, u64>,
    text_keys: HashMap<String, (Option<u64>, u64)>,
    files: BTreeMap<String, FileRecord>,
    extra_files: BTreeMap<String, Vec<String>>,
    people: u64,
    search: crate::search::Memo,
    saved_at: SystemTime,
}

/// [`Saved`] borrowed from a live engine, for writing (the same shape).
#[derive(serde::Serialize)]
struct SavedRef<'a> {
    sources: Vec<(&'a SourceFile, &'a Option<Stamp>, &'a Option<u64>)>,
    bodies: Vec<(&'a str, &'a BodyMemo, &'a Rendered)>,
    related: Vec<(&'a str, Vec<RelatedRef>)>,
    related_inputs: &'a HashMap<String, u64>,
    text_keys: &'a HashMap<String, (Option<u64>, u64)>,
    files: &'a BTreeMap<String, FileRecord>,
    extra_files: &'a BTreeMap<String, Vec<String>>,
    people: u64,
    search: &'a crate::search::Memo,
    saved_at: SystemTime,
}

/// Hash of `content/people.yaml` and `content/terms.yaml` as they are on disk.
fn people_files_key(root: &Path) -> u64 {
    let content = root.join("content");
    hash_of(&(
        std::fs::read(content.join("people.yaml")).ok(),
        std::fs::read(content.join("terms.yaml")).ok(),
    ))
}

type Failure = Vec<Diagnostic>;

/// A follow-up build was stopped ([`Engine::prepare_until`]).
struct Stopped;

fn errors_of(e: Error) -> Failure {
    e.diagnostics()
}

fn laps(timer: &Timer) -> Vec<(&'static str, f64)> {
    timer
        .timings
        .iter()
        .map(|t| (t.stage, t.time.as_secs_f64() * 1000.0))
        .collect()
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
            state: State::Empty,
            outputs: Outputs::All,
            related_inputs: HashMap::new(),
            search_deferred: false,
            images_deferred: false,
            settling: false,
            stoppable: false,
            index_last: false,
            related_keys: Vec::new(),
            text_keys: HashMap::new(),
            dirty: BTreeSet::new(),
            bodies: HashMap::new(),
            images: crate::images::Memo::default(),
            search_words: crate::search::Memo::default(),
            files: BTreeMap::new(),
            extra_files: BTreeMap::new(),
            manifest: None,
            replace: crate::output::Replace::Rename,
            seed: None,
            people_key: None,
            restored_outputs: false,
        }
    }

    /// Applies what the last build of the output folder published to every model (see
    /// [`crate::publishing::apply`]): for `gen build`, which publishes with redirects.
    pub fn with_manifest(mut self, manifest: Option<crate::publishing::Manifest>) -> Engine {
        self.manifest = manifest;
        self
    }

    /// Files of the output folder are written over in place by [`Engine::commit`] rather than
    /// renamed over: for the dev server, whose requests wait while it commits (see
    /// [`crate::output::Replace::Overwrite`]).
    pub fn overwriting(mut self) -> Engine {
        self.replace = crate::output::Replace::Overwrite;
        self
    }

    /// The model of the last successful build.
    pub fn site(&self) -> Option<&Site> {
        self.state.model().map(|m| &m.site)
    }

    /// The theme of the last successful build.
    pub fn theme(&self) -> Option<&Theme> {
        self.theme.as_ref()
    }

    /// Writes the engine's caches ([`Saved`]) as MessagePack; `false` (nothing written) when
    /// the last build is not complete: related reading pending, or outputs held back.
    pub fn save(&self, w: &mut dyn std::io::Write) -> crate::Result<bool> {
        let State::Settled(model) = &self.state else {
            return Ok(false);
        };
        if self.search_deferred || self.images_deferred {
            return Ok(false);
        }
        let site = &model.site;
        let rel_of = |i: usize| site.articles[i].doc.file.rel.as_str();
        let saved = SavedRef {
            sources: self
                .sources
                .values()
                .filter(|e| !matches!(e.slot, Slot::Failed(_)))
                .map(|e| (&e.file, &e.stamp, &e.hash))
                .collect(),
            bodies: site
                .articles
                .iter()
                .filter_map(|a| {
                    let rel = a.doc.file.rel.as_str();
                    Some((rel, self.bodies.get(rel)?, &a.rendered))
                })
                .collect(),
            related: site
                .related
                .iter()
                .enumerate()
                .map(|(i, list)| {
                    let refs = list
                        .iter()
                        .map(|r| match r {
                            Related::Article(j) => RelatedRef::Article(rel_of(*j).to_string()),
                            other => RelatedRef::Other(other.clone()),
                        })
                        .collect();
                    (rel_of(i), refs)
                })
                .collect(),
            related_inputs: &self.related_inputs,
            text_keys: &self.text_keys,
            files: &self.files,
            extra_files: &self.extra_files,
            people: people_files_key(&self.root),
            search: &self.search_words,
            saved_at: SystemTime::now(),
        };
        rmp_serde::encode::write(w, &saved)
            .map_err(|e| Error::Internal(format!("cannot write the build cache: {e}")))?;
        Ok(true)
    }

    /// Takes over caches an earlier process saved ([`Engine::save`]) before the first build.
    /// With `outputs`, the output folder is the one those file records describe, and only
    /// outputs whose signature changed are produced; without, every output is.
    pub fn restore(&mut self, saved: Saved, outputs: bool) {
        // A file changed within a moment of the save may have kept its size and time (file
        // systems keep times at a coarse tick): its stamp proves nothing, its bytes are hashed.
        let racy = saved.saved_at - std::time::Duration::from_secs(2);
        self.sources = saved
            .sources
            .into_iter()
            .map(|(file, stamp, hash)| {
                let stamp = stamp.filter(|s| s.modified.is_some_and(|m| m < racy));
                (
                    file.rel.clone(),
                    SourceEntry {
                        file,
                        stamp,
                        hash,
                        slot: Slot::Unloaded,
                    },
                )
            })
            .collect();
        self.discovered = false;
        let mut bodies = HashMap::with_capacity(saved.bodies.len());
        for (rel, memo, rendered) in saved.bodies {
            bodies.insert(rel, (memo, rendered));
        }
        self.seed = Some(Seed {
            bodies,
            lists: saved.related.into_iter().collect(),
        });
        self.related_inputs = saved.related_inputs;
        self.text_keys = saved.text_keys;
        self.people_key = Some(saved.people);
        self.search_words = saved.search;
        if outputs {
            self.files = saved.files;
            self.extra_files = saved.extra_files;
            self.outputs = Outputs::Compare;
            self.restored_outputs = true;
        }
    }

    /// The configuration of the last successful load.
    pub fn config(&self) -> Option<&Config> {
        self.config.as_ref()
    }

    /// When the next scheduled article shown as a preview is due: the server then builds
    /// again from scratch, with the clock read anew, so that it appears as published.
    pub fn next_scheduled(&self) -> Option<jiff::Timestamp> {
        let model = self.state.model()?;
        model
            .site
            .articles
            .iter()
            .filter(|a| a.scheduled)
            .map(|a| a.doc.meta.date.ts)
            .min()
    }

    /// When the next front-page pin expires ([`crate::front::next_expiry`]): the server then
    /// sends [`Changes::now`], and that language's front page is made again.
    pub fn next_pin_expiry(&self) -> Option<jiff::Timestamp> {
        crate::front::next_expiry(&self.state.model()?.site)
    }

    /// The folder being served.
    pub fn out_dir(&self) -> &Path {
        &self.out
    }

    /// Makes `now` the time of publishing decisions, in the configuration and in the model
    /// (whose articles and taxonomies do not depend on it while scheduled previews stay
    /// previews: their own timer rebuilds from scratch when one comes due).
    fn move_clock(&mut self, now: jiff::Timestamp) {
        if let Some(c) = self.config.as_mut() {
            c.now = now;
        }
        if let Some(m) = self.state.model_mut() {
            m.site.config.now = now;
        }
    }

    /// Forgets the model; the documents it owned must be read again.
    fn drop_site(&mut self) {
        self.state = State::Empty;
        if let Outputs::Tracked(_) = self.outputs {
            self.outputs = Outputs::Compare;
        }
        for s in self.sources.values_mut() {
            if matches!(s.slot, Slot::InSite) {
                s.slot = Slot::Unloaded;
            }
        }
    }

    /// Examine every output next time (the model or its related reading changed).
    fn untrack(&mut self) {
        if let Outputs::Tracked(_) = self.outputs {
            self.outputs = Outputs::Compare;
        }
    }

    /// Works out what the changes do to the served folder, without touching it.
    pub fn prepare(&mut self, ch: &Changes) -> Result<Update, Failure> {
        let update = self.prepare_until(ch, &|| false)?;
        Ok(update.expect("never stopped"))
    }

    /// [`Engine::prepare`], for the server: a follow-up build (only [`Changes::settle`]) asks
    /// `stop` at checkpoints (per article while related reading is computed and keys are
    /// hashed, per output while signatures are compared, between batches of outputs made) and
    /// gives up when it answers `true` — a change arrived. It then returns `None` and leaves
    /// the engine as it was before the call (the model pending, with the lists it serves, and
    /// what is held back still held back), so the change is built and served first and the
    /// follow-up starts again after it. Builds of changes never ask `stop`.
    pub fn prepare_until(
        &mut self,
        ch: &Changes,
        stop: Stop<'_>,
    ) -> Result<Option<Update>, Failure> {
        self.prepare_with(ch, stop, None)
    }

    /// [`Engine::prepare`] that sends what it produces straight to `sink` (a fresh output
    /// folder) instead of keeping it for [`Engine::commit`], which then only records it: a first
    /// build of an archive would otherwise hold every file in memory.
    pub fn prepare_into(&mut self, ch: &Changes, sink: &dyn Sink) -> Result<Update, Failure> {
        let update = self.prepare_with(ch, &|| false, Some(sink))?;
        Ok(update.expect("never stopped"))
    }

    fn prepare_with(
        &mut self,
        ch: &Changes,
        stop: Stop<'_>,
        direct: Option<&dyn Sink>,
    ) -> Result<Option<Update>, Failure> {
        let followup = ch.settle
            && Changes {
                settle: false,
                ..ch.clone()
            }
            .is_empty();
        let never: Stop<'_> = &|| false;
        let stop = if followup { stop } else { never };
        self.settling = ch.settle;
        self.stoppable = followup;
        self.index_last = false;
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
            self.outputs = Outputs::All;
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
            if !self.restored_outputs {
                self.outputs = Outputs::All;
            }
        }
        if let Some(now) = ch.now {
            self.move_clock(now);
        }
        if self.theme.is_none() || ch.theme || ch.statics {
            let config = self.config.as_ref().expect("config loaded above");
            let had = self.theme.as_ref().map(|t| t.images.key());
            self.theme = None;
            let theme = Theme::load(config).map_err(errors_of)?;
            // With fingerprinting, pages name static files by their hash; pages that call
            // `image()` name the variants of a static image by the hash of its bytes.
            let images_changed = had.is_some_and(|k| k != theme.images.key());
            self.theme = Some(theme);
            // A restored engine's file records were made with this theme and configuration
            // (the build cache checks both).
            let first = had.is_none() && !self.restored_outputs;
            let statics = config.fingerprint && !(had.is_none() && self.restored_outputs);
            if first || ch.theme || statics || images_changed {
                self.outputs = Outputs::All;
            }
        }
        self.restored_outputs = false;
        if self.people.is_none() || ch.people {
            let mut d = Diagnostics::default();
            let people = People::load(&self.root.join("content"), &mut d);
            self.people = Some((people, d.into_sorted()));
            // Unchanged since the restored state was saved: not a change.
            people_changed = self.people_key.take() != Some(people_files_key(&self.root));
        }
        let mut timer = Timer::start();
        let parsed = self.update_sources(ch)?;
        timer.lap("sources");

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
        // Photos are matched to their uses all over the site; an edit that changes no use of
        // one (the usual headline or text edit) leaves that as it was.
        let images_kept = patched.as_ref().is_some_and(|p| p.images_same)
            && ch.files.is_empty()
            && !ch.statics
            && !ch.rediscover;
        if !fast {
            warnings.extend(self.rebuild_model(people_changed, ch.settle)?);
        }
        // What to put back if the follow-up is stopped.
        let held = (self.search_deferred, self.images_deferred);
        let swapped = if ch.settle {
            match self.settle_related(stop) {
                Ok(swapped) => swapped,
                Err(Stopped) => return Ok(None),
            }
        } else {
            None
        };
        self.index_last = followup && swapped.is_some();
        crate::diagnostics::sort(&mut warnings);
        timer.lap("model");
        if !images_kept {
            self.attach_images(ch)?;
        }
        timer.lap("images");
        let tracked = matches!(self.outputs, Outputs::Tracked(_));
        let mut update = match patched {
            Some(Patched { changed, .. })
                if tracked
                    && !ch.statics
                    && !ch.theme
                    && ch.files.is_empty()
                    && ch.now.is_none() =>
            {
                self.plan_fast(&changed, &mut timer, stop, direct)?
            }
            _ => self.plan_full(ch, &mut timer, stop, direct)?,
        };
        if update.stopped {
            // Back to what the served folder shows.
            (self.search_deferred, self.images_deferred) = held;
            match swapped {
                Some((lists, outputs)) => {
                    if let State::Settled(mut m) = std::mem::replace(&mut self.state, State::Empty)
                    {
                        m.site.related = lists;
                        self.state = State::Pending(m);
                    }
                    if let Some(outputs) = outputs {
                        self.outputs = outputs;
                    }
                }
                None => {
                    if let Some(d) = update.tracked.take() {
                        self.outputs = Outputs::Tracked(d);
                    }
                }
            }
            return Ok(None);
        }
        if swapped.is_some() {
            self.record_related_inputs();
        }
        update.stats.fast = fast;
        update.stats.parsed = parsed;
        update.stats.warnings = warnings;
        update.stats.timings = laps(&timer);
        Ok(Some(update))
    }

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
            // A taken-down article is in the model as a tombstone, not as a source it holds.
            let tombstone = |rel: &String| {
                self.state
                    .model()
                    .is_some_and(|m| m.site.tombstones.iter().any(|t| t.doc.file.rel == *rel))
            };
            if old
                .iter()
                .any(|(rel, e)| matches!(e.slot, Slot::InSite) || tombstone(rel))
            {
                self.outdate();
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

    /// Lists the images of the model again (headers of unchanged files come from the memo).
    /// When the set of images changed, every output is examined: the fast path looks only at
    /// the outputs of edited articles and would leave old variants behind.
    fn attach_images(&mut self, ch: &Changes) -> Result<(), Failure> {
        if ch.full {
            self.images = crate::images::Memo::default();
        }
        for f in &ch.files {
            self.images.forget(f);
        }
        let Some(model) = self.state.model_mut() else {
            return Ok(());
        };
        let before: Vec<u64> = model
            .site
            .images
            .pictures
            .iter()
            .map(crate::images::Picture::key)
            .collect();
        crate::images::attach(&mut model.site, &self.images)?;
        let after = model
            .site
            .images
            .pictures
            .iter()
            .map(crate::images::Picture::key);
        if !before.iter().copied().eq(after) {
            self.untrack();
        }
        Ok(())
    }

    /// The model no longer reflects the sources (files it holds were removed): keep it only for
    /// its bodies and related reading.
    fn outdate(&mut self) {
        let related = match &self.state {
            State::Settled(_) => RelatedOf::Computed,
            State::Pending(_) => RelatedOf::Carried,
            _ => return,
        };
        if let Some((site, _)) = self.state.take_site() {
            self.state = State::Outdated {
                site: Box::new(site),
                related,
            };
        }
        self.untrack();
    }

    /// Swaps edited documents into the model when only their content fields changed; returns
    /// the articles patched, or `None` when the model must be built again.
    fn try_fast_path(&mut self) -> Result<Option<Patched>, Failure> {
        let Some(model) = self.state.model() else {
            return Ok(None);
        };
        let site = &model.site;
        let mut pending: Vec<(String, usize)> = Vec::new();
        for rel in &self.dirty {
            let Some(e) = self.sources.get(rel) else {
                return Ok(None);
            };
            let Slot::Held(doc) = &e.slot else {
                return Ok(None);
            };
            let Some(&i) = model.index.get(rel) else {
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
        let mut results: Vec<(String, usize, Rendered, BodyMemo)> = Vec::new();
        let mut errors = Vec::new();
        for (rel, i) in &pending {
            let Some(Slot::Held(doc)) = self.sources.get(rel).map(|e| &e.slot) else {
                continue;
            };
            let opts = crate::site::body_options(config, doc, &model.lookup);
            let (r, memo) = render_body(doc, &opts);
            errors.extend(crate::site::link_errors(doc, &r));
            results.push((rel.clone(), *i, r, memo));
        }
        // Images named by `/path` or `../` are checked against every file the site publishes
        // (`site::site_file_errors`): the model rebuild does that.
        if results.iter().any(|(_, _, r, _)| names_site_files(r))
            || pending.iter().any(|(rel, _)| {
                matches!(self.sources.get(rel).map(|e| &e.slot), Some(Slot::Held(doc))
                    if doc.meta.image.as_ref().is_some_and(|i| is_site_file(&i.src)))
            })
        {
            return Ok(None);
        }
        if !errors.is_empty() {
            crate::diagnostics::sort(&mut errors);
            return Err(errors);
        }
        let site = &mut self.state.model_mut().expect("checked above").site;
        let mut changed = Vec::with_capacity(results.len());
        let mut images_same = true;
        for (rel, i, r, memo) in results {
            let entry = self.sources.get_mut(&rel).expect("entry");
            let Slot::Held(doc) = std::mem::replace(&mut entry.slot, Slot::InSite) else {
                continue;
            };
            let old = &site.articles[i];
            images_same &= image_uses(&old.doc, &old.rendered) == image_uses(&doc, &r);
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
        if related_changed
            && matches!(self.state, State::Settled(_))
            && let State::Settled(m) = std::mem::replace(&mut self.state, State::Empty)
        {
            // Computed in a follow-up build (see `Engine::settle_related`), so that the edited
            // page is served first.
            self.state = State::Pending(m);
        }
        Ok(Some(Patched {
            changed,
            images_same,
        }))
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
        self.untrack();
        let old = self.state.take_site();
        // A restored engine's first model: the saved state was complete (see `Engine::save`).
        let seed = self.seed.take();
        let old_related = old.as_ref().map(|(_, r)| *r).unwrap_or(if seed.is_some() {
            RelatedOf::Computed
        } else {
            RelatedOf::NotComputed
        });
        let related_valid = old_related != RelatedOf::NotComputed && !people_changed;
        let mut old_bodies: HashMap<String, (BodyMemo, Rendered)> = HashMap::new();
        // Related reading of the old model by content path, to carry over when nothing it
        // depends on changed.
        let mut old_lists: HashMap<String, Vec<RelatedRef>> = HashMap::new();
        let mut docs: Vec<Document> = Vec::with_capacity(self.sources.len());
        if let Some(seed) = seed {
            old_bodies = seed.bodies;
            if related_valid {
                old_lists = seed.lists;
            }
        }
        if let Some((site, _)) = old {
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
                    old_lists.insert(articles[i].doc.file.rel.clone(), refs);
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
        let index: HashMap<String, usize> = site
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.doc.file.rel.clone(), i))
            .collect();
        for (rel, e) in self.sources.iter_mut() {
            if matches!(e.slot, Slot::InSite) && !index.contains_key(rel) {
                e.slot = Slot::Unloaded;
            }
        }
        self.bodies.retain(|rel, _| index.contains_key(rel));
        if diags.has_errors() {
            self.state = State::Outdated {
                site: Box::new(site),
                related: RelatedOf::NotComputed,
            };
            return Err(diags.into_sorted());
        }
        let keys: Vec<u64> = (0..site.articles.len())
            .map(|i| related_key(&site, i, &self.sources, &mut self.text_keys))
            .collect();
        self.text_keys.retain(|rel, _| index.contains_key(rel));
        let inputs: HashMap<String, u64> = site
            .articles
            .iter()
            .zip(&keys)
            .map(|(a, k)| (a.doc.file.rel.clone(), *k))
            .collect();
        let exact =
            old_related == RelatedOf::Computed && !people_changed && inputs == self.related_inputs;
        let pending = if exact && carry_related(&mut site, &old_lists, &index) {
            // Nothing related reading reads changed.
            false
        } else if related_valid && !settle {
            // Serve the change first with the lists as they were (minus articles that are
            // gone), and compute them in a follow-up build.
            carry_partial(&mut site, &old_lists, &index);
            true
        } else {
            crate::related::attach(&mut site);
            self.related_inputs = inputs;
            false
        };
        self.related_keys = keys;
        if let Some(previous) = &self.manifest {
            crate::publishing::apply(&mut site, previous);
        }
        let warnings = diags.finish().map_err(errors_of)?;
        let model = Box::new(Model {
            lookup: Lookup::of(&site),
            site,
            index,
        });
        self.state = if pending {
            State::Pending(model)
        } else {
            State::Settled(model)
        };
        Ok(warnings)
    }

    /// Whether related reading still has to be computed for the served build: the builder then
    /// runs a follow-up build with [`Changes::settle`].
    pub fn unsettled(&self) -> bool {
        matches!(self.state, State::Pending(_)) || self.search_deferred || self.images_deferred
    }

    /// Whether the only follow-up left is the search index: it reads every article and cannot
    /// stop midway, so the server builds it once the saves pause.
    pub fn index_only_left(&self) -> bool {
        self.search_deferred && !self.images_deferred && matches!(self.state, State::Settled(_))
    }

    /// Computes related reading for a pending model (the second half of a change that moved
    /// it) and swaps it in; returns the lists it replaced and the outputs' tracking it dropped,
    /// to put back if the follow-up is stopped later. `Err` when stopped meanwhile (nothing
    /// changed then).
    #[allow(clippy::type_complexity)]
    fn settle_related(
        &mut self,
        stop: Stop<'_>,
    ) -> Result<Option<(Vec<Vec<Related>>, Option<Outputs>)>, Stopped> {
        let State::Pending(model) = &mut self.state else {
            return Ok(None);
        };
        let computed = crate::related::compute_until(&model.site, stop).ok_or(Stopped)?;
        let lists = crate::related::lists(&model.site, computed);
        let old = std::mem::replace(&mut model.site.related, lists);
        if let State::Pending(m) = std::mem::replace(&mut self.state, State::Empty) {
            self.state = State::Settled(m);
        }
        // Related lists moved: what each page shows must be worked out again.
        let outputs = matches!(self.outputs, Outputs::Tracked(_))
            .then(|| std::mem::replace(&mut self.outputs, Outputs::Compare));
        Ok(Some((old, outputs)))
    }

    /// Records the inputs related reading was computed for (it is settled).
    fn record_related_inputs(&mut self) {
        let Some(model) = self.state.model() else {
            return;
        };
        let site = &model.site;
        self.related_keys = (0..site.articles.len())
            .map(|i| related_key(site, i, &self.sources, &mut self.text_keys))
            .collect();
        self.related_inputs = site
            .articles
            .iter()
            .zip(&self.related_keys)
            .map(|(a, k)| (a.doc.file.rel.clone(), *k))
            .collect();
    }

    /// Examines every output of the model: produces those whose signature changed (all of them
    /// in state [`Outputs::All`]), and lists files no output makes any more; records which
    /// outputs read each article, for [`Engine::plan_fast`].
    fn plan_full(
        &mut self,
        ch: &Changes,
        timer: &mut Timer,
        stop: Stop<'_>,
        direct: Option<&dyn Sink>,
    ) -> Result<Update, Failure> {
        let model = self.state.model().expect("model built");
        let site = &model.site;
        let theme = self.theme.as_ref().expect("theme loaded");
        let persons: Vec<u64> = site
            .people
            .list
            .iter()
            .map(|p| hash_of(&serde_json::to_string(p).unwrap_or_default()))
            .collect();
        let Some(keys) = (0..site.articles.len())
            .map(|i| {
                (!stop()).then(|| article_keys(site, &self.sources, &self.bodies, &persons, i))
            })
            .collect::<Option<Vec<Keys>>>()
        else {
            return Ok(Update::stopped());
        };
        timer.lap("keys");

        let plan = Plan::new(site, theme);
        let collisions = plan.collisions();
        if !collisions.is_empty() {
            return Err(collisions);
        }
        let env = Env::current();
        let all = matches!(self.outputs, Outputs::All);
        let mut deps: Vec<Vec<u32>> = vec![Vec::new(); site.articles.len()];
        let mut sigs: HashMap<String, u64> = HashMap::with_capacity(plan.products.len());
        let mut selected: Vec<usize> = Vec::new();
        // Every output's signature, side by side (an archive has hundreds of thousands), then
        // gathered in the plan's order.
        let files = &self.files;
        let Some(made) = plan
            .products
            .par_iter()
            .map(|product| {
                if stop() {
                    return None;
                }
                let seen = std::cell::RefCell::new(Vec::new());
                let sig = product.signature(&plan, &env, &|i, facet| {
                    seen.borrow_mut().push(i);
                    keys[i].of(facet)
                });
                let path = product.path(&plan);
                // A copy whose source the watcher named is made again even when its size and
                // time look the same (an editor may keep both).
                let forced =
                    matches!(product.maker(), Maker::Copy(Some(src)) if ch.files.contains(src));
                let changed = all || forced || files.get(&path).map(|f| f.sig) != Some(sig);
                Some((path, sig, seen.into_inner(), changed))
            })
            .collect::<Option<Vec<_>>>()
        else {
            return Ok(Update::stopped());
        };
        for (k, (path, sig, seen, changed)) in made.into_iter().enumerate() {
            // Hundreds of thousands in an archive: a follow-up gives way here too.
            if k % 4096 == 4095 && stop() {
                return Ok(Update::stopped());
            }
            for i in seen {
                if deps[i].last() != Some(&(k as u32)) {
                    deps[i].push(k as u32);
                }
            }
            if changed {
                selected.push(k);
            }
            sigs.insert(path, sig);
        }
        timer.lap("signatures");
        self.images_deferred = hold_back_encoding(&plan, &mut selected, self.settling);
        self.search_deferred =
            hold_back_search(&plan, &mut selected, self.settling && !self.index_last);
        let mut update = self.produce(&plan, &selected, &sigs, &env, timer, stop, direct)?;
        if update.stopped {
            return Ok(update);
        }
        // Every file that some product makes stays (those of `sigs`, and the files products
        // write besides their own path); the rest are removed.
        let mut besides: HashSet<&str> = HashSet::new();
        // Those of products made again are in the update (a sitemap no longer split has none).
        let remade: HashSet<&str> = update.produced.iter().map(String::as_str).collect();
        let earlier = self
            .extra_files
            .iter()
            .filter(|(path, _)| !remade.contains(path.as_str()));
        for (path, extra) in update.extra_files.iter().chain(earlier) {
            if sigs.contains_key(path) {
                besides.extend(extra.iter().map(String::as_str));
            }
        }
        update.removes = self
            .files
            .keys()
            .filter(|k| !sigs.contains_key(k.as_str()) && !besides.contains(k.as_str()))
            .cloned()
            .collect();
        // An archive has hundreds of thousands of outputs: a follow-up still gives way here.
        let Some(locators) = plan
            .products
            .par_iter()
            .map(|p| (!stop()).then(|| p.locate(&plan)))
            .collect::<Option<Vec<Option<Locator>>>>()
        else {
            return Ok(Update::stopped());
        };
        let (mut volatile, mut search, mut images, mut pages) = (Vec::new(), None, Vec::new(), 0);
        for (k, p) in plan.products.iter().enumerate() {
            let k = k as u32;
            match p {
                Product::Page(_) => pages += 1,
                Product::SearchIndex => search = Some(k),
                Product::Image(_) => images.push(k),
                _ => {}
            }
            if p.volatile() {
                volatile.push(k);
            }
        }
        update.stats.pages = pages;
        update.tracked = Some(Derived {
            keys,
            persons,
            deps,
            locators,
            volatile,
            search,
            images,
            shape: plan.shape(),
            pages,
        });
        timer.lap("diff");
        Ok(update)
    }

    /// [`Engine::plan_full`] when only content fields of some articles changed: the site has
    /// the same shape (the same outputs), so only the outputs that read those articles, and
    /// the volatile ones, are examined — made from their locators, without listing the rest
    /// (an archive has hundreds of thousands).
    fn plan_fast(
        &mut self,
        changed: &[usize],
        timer: &mut Timer,
        stop: Stop<'_>,
        direct: Option<&dyn Sink>,
    ) -> Result<Update, Failure> {
        let Outputs::Tracked(mut derived) = std::mem::replace(&mut self.outputs, Outputs::Compare)
        else {
            unreachable!("checked by the caller");
        };
        let model = self.state.model().expect("model built");
        let site = &model.site;
        let theme = self.theme.as_ref().expect("theme loaded");
        for &i in changed {
            derived.keys[i] = article_keys(site, &self.sources, &self.bodies, &derived.persons, i);
        }
        timer.lap("keys");
        let (deferred, images_deferred) = (self.search_deferred, self.images_deferred);
        let mut wanted: Vec<u32> = changed
            .iter()
            .flat_map(|&i| derived.deps[i].iter().copied())
            .chain(derived.volatile.iter().copied())
            .chain(derived.search.filter(|_| deferred))
            .chain(derived.images.iter().copied().filter(|_| images_deferred))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let plan = wanted
            .iter()
            .map(|&k| derived.locators[k as usize])
            .collect::<Option<Vec<Locator>>>()
            .and_then(|which| Plan::partial(site, theme, &derived.shape, &which));
        let Some(plan) = plan else {
            // Not the shape recorded: look at everything.
            return self.plan_full(&Changes::default(), timer, stop, direct);
        };
        timer.lap("plan");
        let keys = &derived.keys;
        let key = |i: usize, facet: Facet| keys[i].of(facet);
        let env = Env::current();
        let mut sigs: HashMap<String, u64> = HashMap::new();
        let mut selected: Vec<usize> = Vec::new();
        for (k, product) in plan.products.iter().enumerate() {
            let sig = product.signature(&plan, &env, &key);
            let path = product.path(&plan);
            if self.files.get(&path).map(|f| f.sig) != Some(sig) {
                selected.push(k);
            }
            sigs.insert(path, sig);
        }
        timer.lap("signatures");
        self.images_deferred = hold_back_encoding(&plan, &mut selected, self.settling);
        self.search_deferred =
            hold_back_search(&plan, &mut selected, self.settling && !self.index_last);
        let mut update = self.produce(&plan, &selected, &sigs, &env, timer, stop, direct)?;
        // A product made again may write fewer files than before (the search index of a
        // language whose last article went): the files it no longer writes go.
        let written: BTreeSet<&str> = update.records.iter().map(|(r, _)| r.as_str()).collect();
        let mut removes = Vec::new();
        for path in &update.produced {
            let new = update.extra_files.get(path);
            for f in self.extra_files.get(path).into_iter().flatten() {
                if !written.contains(f.as_str())
                    && !new.is_some_and(|n| n.contains(f))
                    && self.files.contains_key(f)
                {
                    removes.push(f.clone());
                }
            }
        }
        update.removes = removes;
        update.stats.pages = derived.pages;
        drop(plan);
        update.tracked = Some(derived);
        Ok(update)
    }

    /// Produces the `selected` products in memory and keeps the files whose bytes differ from
    /// what is served; with `direct`, sends every file to it and keeps only their records.
    #[allow(clippy::too_many_arguments)]
    fn produce(
        &self,
        plan: &Plan<'_>,
        selected: &[usize],
        sigs: &HashMap<String, u64>,
        env: &Env,
        timer: &mut Timer,
        stop: Stop<'_>,
        direct: Option<&dyn Sink>,
    ) -> Result<Update, Failure> {
        let collect = Collect::default();
        let forward = direct.map(|inner| Forward {
            inner,
            hashes: Mutex::new(Vec::new()),
        });
        let sink: &dyn Sink = match &forward {
            Some(f) => f,
            None => &collect,
        };
        let mut extra = Vec::new();
        if self.stoppable {
            // A follow-up build makes its outputs in batches, asking `stop` between them.
            for batch in batches(plan, selected) {
                if stop() {
                    return Ok(Update::stopped());
                }
                extra.extend(
                    plan.produce(Some(batch), sink, *env, Some(&self.search_words), timer)
                        .map_err(errors_of)?,
                );
            }
        } else {
            extra = plan
                .produce(Some(selected), sink, *env, Some(&self.search_words), timer)
                .map_err(errors_of)?;
        }
        // The files a product writes besides its own path have its signature.
        let mut owner: HashMap<&str, u64> = HashMap::new();
        let mut extra_files = BTreeMap::new();
        for (k, others) in &extra {
            let path = plan.products[*k].path(plan);
            let sig = sigs.get(&path).copied().unwrap_or(0);
            owner.extend(others.iter().map(|f| (f.as_str(), sig)));
            extra_files.insert(path, others.clone());
        }
        let mut update = Update {
            produced: selected
                .iter()
                .map(|&k| plan.products[k].path(plan))
                .collect(),
            extra_files,
            ..Update::default()
        };
        let owner_sig = |rel: &str| sigs.get(rel).or_else(|| owner.get(rel)).copied();
        let record = |rel: &str, hash: u64| {
            let sig = owner_sig(rel).unwrap_or(0);
            let same = self.files.get(rel).map(|f| f.hash) == Some(hash);
            (FileRecord { sig, hash }, same)
        };
        if let Some(f) = forward {
            for (rel, hash) in f.hashes.into_inner().unwrap_or_default() {
                let (rec, _) = record(&rel, hash);
                update.records.push((rel, rec));
            }
        } else {
            let files = collect.files.into_inner().unwrap_or_default();
            for (rel, bytes) in files {
                let (rec, same) = record(&rel, hash_of(&bytes[..]));
                update.records.push((rel.clone(), rec));
                if !same {
                    update.writes.push((rel, bytes));
                }
            }
            for (rel, src) in collect.shares.into_inner().unwrap_or_default() {
                let (rec, same) = record(&rel, share_hash(&src));
                update.records.push((rel.clone(), rec));
                if !same {
                    update.shares.push((rel, src));
                }
            }
        }
        // `pages` is the caller's: this plan may hold only some of the site's products.
        update.stats.articles = plan.site.articles.len();
        update.stats.rendered = selected
            .iter()
            .filter(|&&k| matches!(plan.products[k], Product::Page(_)))
            .count();
        Ok(update)
    }

    /// Applies an update to the served folder (call it while no request reads the folder).
    pub fn commit(&mut self, update: Update) -> Result<(Applied, Stats), Failure> {
        crate::output::update_in_place(
            &self.out,
            &update.writes,
            &update.shares,
            &update.removes,
            self.replace,
        )
        .map_err(errors_of)?;
        let applied = Applied {
            written: update
                .writes
                .into_iter()
                .map(|(rel, _)| rel)
                .chain(update.shares.into_iter().map(|(rel, _)| rel))
                .collect(),
            removed: update.removes,
        };
        for rel in &applied.removed {
            self.files.remove(rel);
        }
        for (rel, rec) in update.records {
            self.files.insert(rel, rec);
        }
        for path in &update.produced {
            self.extra_files.remove(path);
        }
        self.extra_files.extend(update.extra_files);
        let mut stats = update.stats;
        stats.produced = update.produced;
        self.outputs = match update.tracked {
            Some(d) => Outputs::Tracked(d),
            None => Outputs::Compare,
        };
        Ok((applied, stats))
    }

    /// Number of files in the served folder.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }
}

/// The hash recorded for a file of gen's cache published as it is: its name is the hash of
/// its bytes, so the path stands for them (reading gigabytes of image variants to hash them
/// again would cost more than the build saves).
fn share_hash(src: &Path) -> u64 {
    hash_of(&("shared", src))
}

/// Keeps what a build produces in memory, for [`Engine::commit`] to write what changed.
#[derive(Default)]
struct Collect {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
    shares: Mutex<Vec<(String, PathBuf)>>,
}

impl Collect {
    fn claim(&self, rel: &str) -> crate::Result<String> {
        let rel = rel.trim_start_matches('/').to_string();
        if crate::output::safe_join(Path::new("/"), &rel).is_none() {
            return Err(Error::Internal(format!(
                "refusing to write outside the output folder: {rel}"
            )));
        }
        Ok(rel)
    }
}

impl Sink for Collect {
    fn write(&self, rel: &str, bytes: &[u8]) -> crate::Result<()> {
        let rel = self.claim(rel)?;
        let mut files = self
            .files
            .lock()
            .map_err(|_| Error::Internal("sink poisoned".into()))?;
        if files.insert(rel.clone(), bytes.to_vec()).is_some() {
            return Err(Error::Collision(rel));
        }
        Ok(())
    }

    fn share(&self, rel: &str, src: &Path) -> crate::Result<()> {
        let rel = self.claim(rel)?;
        self.shares
            .lock()
            .map_err(|_| Error::Internal("sink poisoned".into()))?
            .push((rel, src.to_path_buf()));
        Ok(())
    }
}

/// Sends what a build produces to another sink, keeping the hash of every file.
struct Forward<'a> {
    inner: &'a dyn Sink,
    hashes: Mutex<Vec<(String, u64)>>,
}

impl Forward<'_> {
    fn note(&self, rel: &str, hash: u64) -> crate::Result<()> {
        self.hashes
            .lock()
            .map_err(|_| Error::Internal("sink poisoned".into()))?
            .push((rel.trim_start_matches('/').to_string(), hash));
        Ok(())
    }
}

impl Sink for Forward<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> crate::Result<()> {
        self.inner.write(rel, bytes)?;
        self.note(rel, hash_of(bytes))
    }

    fn copy(&self, rel: &str, src: &Path) -> crate::Result<()> {
        let bytes = std::fs::read(src).map_err(|e| Error::io(src, e))?;
        self.write(rel, &bytes)
    }

    fn share(&self, rel: &str, src: &Path) -> crate::Result<()> {
        self.inner.share(rel, src)?;
        self.note(rel, share_hash(src))
    }
}

/// Splits a follow-up build's outputs into batches that each take a moment: pages and feeds
/// by the hundred, photos to encode a few at a time.
fn batches<'s>(plan: &Plan<'_>, selected: &'s [usize]) -> Vec<&'s [usize]> {
    const BATCH: usize = 32;
    let weight = |k: usize| match plan.products[k] {
        Product::Image(pic) if crate::images::needs_encoding(&plan.site.config, pic) => BATCH / 2,
        _ => 1,
    };
    let mut out = Vec::new();
    let (mut start, mut load) = (0, 0);
    for (i, &k) in selected.iter().enumerate() {
        load += weight(k);
        if load >= BATCH {
            out.push(&selected[start..=i]);
            (start, load) = (i + 1, 0);
        }
    }
    if start < selected.len() {
        out.push(&selected[start..]);
    }
    out
}

/// Holds back the images whose variants are not in the cache when pages are made too (unless
/// this is the follow-up build): encoding a photo takes long, and the page that shows it must
/// not wait (its `<img>` names the variants already; the follow-up build makes them and the
/// browser reloads). True when some were held back.
fn hold_back_encoding(plan: &Plan<'_>, selected: &mut Vec<usize>, settling: bool) -> bool {
    if settling {
        return false;
    }
    let slow = |k: usize| match plan.products[k] {
        Product::Image(pic) => crate::images::needs_encoding(&plan.site.config, pic),
        _ => false,
    };
    let held = selected.iter().filter(|&&k| slow(k)).count();
    if held == 0 || held == selected.len() {
        return false;
    }
    selected.retain(|&k| !slow(k));
    true
}

/// Holds the search index back when other outputs are made too (unless this is the follow-up
/// build): it reads every article, and the edited page must not wait for it. True when held
/// back.
fn hold_back_search(plan: &Plan<'_>, selected: &mut Vec<usize>, settling: bool) -> bool {
    let search = selected
        .iter()
        .position(|&k| matches!(plan.products[k], Product::SearchIndex));
    match search {
        Some(pos) if !settling && selected.len() > 1 => {
            selected.remove(pos);
            true
        }
        _ => false,
    }
}

/// Which articles each output reads, worked out by [`Engine::plan_full`] and kept while the
/// model keeps its shape.
struct Derived {
    /// Hash of every person's data.
    persons: Vec<u64>,
    /// Keys of every article.
    keys: Vec<Keys>,
    /// Article → the outputs (indices into [`Plan::products`]) that read it.
    deps: Vec<Vec<u32>>,
    /// Every output's locator (`None` for static files), by index.
    locators: Vec<Option<Locator>>,
    /// Outputs looked at on every rebuild ([`Product::volatile`]).
    volatile: Vec<u32>,
    /// The search index, if the site has one.
    search: Option<u32>,
    /// Every image's variants.
    images: Vec<u32>,
    /// What the partial plans of the fast path share with the full plan.
    shape: Shape,
    /// Number of pages.
    pages: usize,
}

/// The articles the fast path patched.
struct Patched {
    /// Their indices.
    changed: Vec<usize>,
    /// Whether they name the same images at the same places as before: then matching photos
    /// to their uses ([`crate::images::attach`]) would give what the model has.
    images_same: bool,
}

/// Hash of what [`crate::images::attach`] reads of an article: its lead image's source, place
/// and focal point, and its body's images with theirs.
fn image_uses(doc: &Document, rendered: &Rendered) -> u64 {
    let lead = doc.meta.image.as_ref().map(|i| {
        (
            &i.src,
            i.src_line,
            i.src_col,
            i.focus.map(|(x, y)| (x.to_bits(), y.to_bits())),
        )
    });
    let body: Vec<(&str, usize, usize)> = rendered
        .links
        .iter()
        .filter(|l| l.image && !l.content)
        .map(|l| (l.dest.as_str(), l.line, l.col))
        .collect();
    hash_of(&(lead, body))
}

/// Whether a reference names a file elsewhere in the site (`/path`, `../x`), not in the page
/// bundle.
fn is_site_file(dest: &str) -> bool {
    use crate::content::{FileRef, file_ref};
    matches!(file_ref(dest), FileRef::Root(_) | FileRef::Climbing(_))
}

/// Whether a body shows images named elsewhere in the site.
fn names_site_files(r: &Rendered) -> bool {
    r.links
        .iter()
        .any(|l| l.image && !l.content && is_site_file(&l.dest))
}

/// What each facet of an article shows, hashed (see [`Facet`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Keys {
    page: u64,
    card: u64,
    version: u64,
    feed: u64,
}

impl Keys {
    fn of(&self, facet: Facet) -> u64 {
        match facet {
            Facet::Page => self.page,
            Facet::Card => self.card,
            Facet::Version => self.version,
            Facet::Feed => self.feed,
            // The index reads the body, headline, credits and filters: what the page shows.
            Facet::Search => self.page,
        }
    }
}

/// The keys of article `i`. The page key hashes everything about the article that its page
/// may show (its file, rendered body, permalink, flags, people); the card key hashes the card
/// exactly as [`crate::render::card`] makes it; the version key what a language version's
/// page shows of it ([`crate::render::Version`], hreflang, `translationOfWork`); the feed key
/// adds what a feed item shows besides the card.
fn article_keys(
    site: &Site,
    sources: &BTreeMap<String, SourceEntry>,
    bodies: &HashMap<String, BodyMemo>,
    persons: &[u64],
    i: usize,
) -> Keys {
    let a = &site.articles[i];
    let rel = &a.doc.file.rel;
    let people = {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for &p in a
            .authors
            .iter()
            .chain([usize::MAX].iter())
            .chain(&a.translators)
        {
            persons.get(p).hash(&mut h);
        }
        // terms.yaml's entries of its story and tags: their names per language and slugs.
        let terms = &site.people.terms;
        let m = &a.doc.meta;
        for (kind, name) in m
            .story
            .iter()
            .map(|s| (crate::taxonomy::TaxonomyKind::Stories, s))
            .chain(
                m.tags
                    .iter()
                    .map(|t| (crate::taxonomy::TaxonomyKind::Tags, t)),
            )
        {
            terms.find(kind, name).hash(&mut h);
        }
        h.finish()
    };
    let mut h = std::collections::hash_map::DefaultHasher::new();
    sources.get(rel).map(|e| e.hash).hash(&mut h);
    bodies.get(rel).map(|b| b.html).hash(&mut h);
    a.rel.hash(&mut h);
    // The URL it was first published at (its feed identity), when it moved since.
    a.first_rel.as_ref().unwrap_or(&a.rel).hash(&mut h);
    a.stale.hash(&mut h);
    a.scheduled.hash(&mut h);
    a.original
        .map(|o| &site.articles[o].doc.file.rel)
        .hash(&mut h);
    a.doc.file.assets.hash(&mut h);
    people.hash(&mut h);
    site.images.article_key(i).hash(&mut h);
    let page = h.finish();

    let card = hash_of(&(crate::render::card(site, i, a.lang()), people));

    let m = &a.doc.meta;
    let version = hash_of(&(&a.rel, a.lang(), &m.title));
    let feed = hash_of(&(
        card,
        a.first_rel.as_ref().unwrap_or(&a.rel),
        &m.tags,
        format!("{:?}", m.source),
        crate::meta::last_modified(a).rfc3339(),
        site.config.feeds.full_text.then(|| {
            bodies
                .get(rel)
                .map(|b| b.html)
                .unwrap_or_else(|| hash_of(&(&a.rendered.html, &a.rendered.blocks)))
        }),
    ));
    Keys {
        page,
        card,
        version,
        feed,
    }
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

/// Whose related reading a model holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RelatedOf {
    /// Only pinned entries.
    NotComputed,
    /// Computed for the inputs in [`Engine::related_inputs`].
    Computed,
    /// Carried over from an earlier model, awaiting computation.
    Carried,
}

/// A related entry by content path, to survive the renumbering of articles.
#[derive(serde::Serialize, serde::Deserialize)]
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
