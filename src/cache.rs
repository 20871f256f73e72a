//! The build cache of `gen build --incremental`: what one build keeps in
//! `.gen-cache/build/state` beside `site.toml` so that the next build, in a new process, reads,
//! renders and writes again only what an edit changed.
//!
//! It is the dev server's engine ([`crate::serve::incremental::Engine`]) saved to disk: the
//! stamp and hash of every source, every rendered body with what it was rendered from, related
//! reading with its inputs, the search index's words of every article ([`crate::search::Memo`]:
//! the index is made again when any article changes, but only changed articles are split into
//! words again), and the signature and hash of every file of the output folder. A
//! build restores it, walks `content/` (files whose size and time are unchanged are not read
//! again), builds the model with the bodies that are still valid, carries related reading over
//! when nothing it reads changed, and compares every output's signature with the one of its
//! file: only outputs whose signature changed are produced, and only files whose bytes changed
//! are written, in place. The result is byte for byte what a clean build writes (tested with
//! random edits in `tests/build_cache.rs`).
//!
//! The cache is an optimisation only, safe to delete at any time. It is ignored when gen itself
//! (its version or binary), `site.toml` or the command-line options differ; its file records
//! are ignored (every output is produced, into a fresh folder swapped in at the end) when the
//! templates, UI strings or static files changed, or when the output folder is not the one the
//! cache describes (another folder, or its marker file changed). Changes to people.yaml and
//! terms.yaml are seen like the dev server sees them.

use std::hash::{Hash, Hasher};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::build::{BuildOptions, BuildReport, Progress, ProgressSink};
use crate::config::{Config, Overrides};
use crate::diagnostics::{Error, Result};
use crate::output::{Output, check_output_dir};
use crate::publishing::{MANIFEST_FILE, Manifest};
use crate::serve::incremental::{Changes, Engine, Saved, hash_of};
use crate::timer::Timing;

/// Bumped when the layout of the saved state changes.
const FORMAT: u32 = 3;

/// Where the build cache of the site at `root` lives.
pub fn dir(root: &Path) -> PathBuf {
    root.join(".gen-cache").join("build")
}

fn state_path(root: &Path) -> PathBuf {
    dir(root).join("state")
}

/// What the saved state is valid for; written before it, so a mismatch is found without
/// reading the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Header {
    format: u32,
    /// gen's version and the identity of its binary: hashes and rendering may change with it.
    tool: String,
    /// site.toml and the command-line options.
    config: u64,
    /// Templates, UI strings and static files (of the theme and the site).
    theme: u64,
    /// The output folder the file records describe, and the hash of its marker file.
    output: PathBuf,
    marker: u64,
}

/// gen's version and its binary's size and time: a rebuilt gen invalidates the cache.
fn gen_identity() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| (m.len(), m.modified().ok()));
    format!("{} {exe:?}", env!("CARGO_PKG_VERSION"))
}

fn config_key(root: &Path, overrides: &Overrides) -> u64 {
    // "Now" moves on every build; what depends on it is worked out again every build anyway.
    let overrides = Overrides {
        now: None,
        ..overrides.clone()
    };
    hash_of(&(
        std::fs::read(root.join("site.toml")).ok(),
        format!("{overrides:?}"),
    ))
}

/// What the theme is made of: the bytes of its templates and UI strings (small, and an edit
/// may keep a file's size and time), and the size and time of static files (which may be large).
fn theme_key(config: &Config) -> u64 {
    let root = &config.root;
    let theme = root.join("themes").join(&config.theme);
    let mut h = std::collections::hash_map::DefaultHasher::new();
    config.theme.hash(&mut h);
    for (dir, bytes) in [
        (theme.join("templates"), true),
        (theme.join("i18n"), true),
        (root.join("templates"), true),
        (root.join("i18n"), true),
        (theme.join("static"), false),
        (root.join("static"), false),
    ] {
        for e in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            let Ok(m) = e.metadata() else { continue };
            e.path().hash(&mut h);
            if !m.is_file() {
                continue;
            }
            if bytes {
                std::fs::read(e.path()).ok().hash(&mut h);
            } else {
                (m.len(), m.modified().ok()).hash(&mut h);
            }
        }
    }
    h.finish()
}

/// The output folder as this cache left it: its marker's bytes and, on Unix, the folder's
/// identity — a full `gen build` swaps in a new folder (a new inode) even when it writes the
/// same marker, and its files may then differ from the records.
fn marker_key(output: &Path) -> u64 {
    #[cfg(unix)]
    let id = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(output).ok().map(|m| (m.dev(), m.ino()))
    };
    #[cfg(not(unix))]
    let id: Option<(u64, u64)> = None;
    hash_of(&(std::fs::read(output.join(MANIFEST_FILE)).ok(), id))
}

/// A reader or writer that keeps a CRC-32 of the bytes that pass through it: the saved records
/// are followed by the checksum of their bytes.
struct Checksummed<T> {
    inner: T,
    crc: crc32fast::Hasher,
}

impl<T> Checksummed<T> {
    fn new(inner: T) -> Self {
        Checksummed {
            inner,
            crc: crc32fast::Hasher::new(),
        }
    }

    fn sum(self) -> u32 {
        self.crc.finalize()
    }
}

impl<R: Read> Read for Checksummed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.crc.update(&buf[..n]);
        Ok(n)
    }
}

impl<W: Write> Write for Checksummed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Reads the saved state when it was made by this gen for this configuration (and `accept`
/// takes the rest of its header).
fn read(
    path: &Path,
    tool: &str,
    config: u64,
    accept: impl Fn(&Header) -> bool,
) -> Option<(Header, Saved)> {
    let mut r = BufReader::with_capacity(1 << 20, std::fs::File::open(path).ok()?);
    let header: Header = rmp_serde::decode::from_read(&mut r).ok()?;
    if header.format != FORMAT || header.tool != tool || header.config != config || !accept(&header)
    {
        return None;
    }
    let mut checked = Checksummed::new(&mut r);
    let saved: Saved = rmp_serde::decode::from_read(&mut checked).ok()?;
    let sum = checked.sum();
    // A damaged file can still decode (a changed byte inside a string or a packed body), so
    // the records are used only when their checksum matches.
    let mut stored = [0u8; 4];
    r.read_exact(&mut stored).ok()?;
    if u32::from_le_bytes(stored) != sum {
        return None;
    }
    // Trailing bytes mean a file cut short or written by something else.
    let mut rest = [0u8; 1];
    if r.read(&mut rest).ok()? != 0 {
        return None;
    }
    Some((header, saved))
}

/// Writes the state beside its place and renames it over, so a reader never sees half.
fn write(path: &Path, header: &Header, engine: &Engine) -> Result<bool> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    rmp_serde::encode::write(&mut w, header)
        .map_err(|e| Error::Internal(format!("cannot write the build cache: {e}")))?;
    let mut checked = Checksummed::new(&mut w);
    let saved = engine.save(&mut checked)?;
    let sum = checked.sum();
    w.write_all(&sum.to_le_bytes())
        .and_then(|()| w.flush())
        .map_err(|e| Error::io(&tmp, e))?;
    drop(w);
    if !saved {
        let _ = std::fs::remove_file(&tmp);
        return Ok(false);
    }
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))?;
    Ok(true)
}

fn failure(list: Vec<crate::Diagnostic>) -> Error {
    Error::Content(list)
}

/// `gen build --incremental`: [`crate::build`] with the build cache. The output is the same;
/// with a valid cache only what changed is read, rendered and written (in place: each file is
/// renamed over the old one), else everything is, into a fresh folder swapped in at the end.
/// The cache is written after a successful build, and removed before a build changes the
/// output folder in place, so that an interrupted build never leaves a cache that lies.
pub fn build(opts: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport> {
    progress.stage("loading");
    let config = Config::load(&opts.root, &opts.overrides)?;
    check_output_dir(&config.root, &config.output_dir, opts.force)?;
    let root = config.root.clone();
    let out = config.output_dir.clone();
    let path = state_path(&root);
    let tool = gen_identity();
    let config_key = config_key(&root, &opts.overrides);
    let theme_key = theme_key(&config);
    let previous = Manifest::read(&out);
    let mut engine = Engine::new(&root, opts.overrides.clone(), None, &out).with_manifest(previous);
    let started = std::time::Instant::now();
    let restored = if opts.clean {
        None
    } else {
        read(&path, &tool, config_key, |_| true)
    };
    let read_time = started.elapsed();
    let in_place = restored.as_ref().is_some_and(|(h, _)| {
        h.theme == theme_key && h.output == out && out.is_dir() && h.marker == marker_key(&out)
    });
    if let Some((_, saved)) = restored {
        engine.restore(saved, in_place);
    }
    let changes = Changes {
        rediscover: true,
        settle: true,
        ..Changes::default()
    };
    progress.stage("rendering");
    let (stats, written, unchanged) = if in_place {
        let update = engine.prepare(&changes).map_err(failure)?;
        if opts.deny_warnings && !update.stats().warnings.is_empty() {
            return Err(Error::DeniedWarnings(update.stats().warnings.clone()));
        }
        progress.stage("writing");
        let _ = std::fs::remove_file(&path);
        let (applied, stats) = engine.commit(update).map_err(failure)?;
        let site = engine.site().expect("built");
        let marker = Manifest::of(site).to_bytes();
        if std::fs::read(out.join(MANIFEST_FILE)).ok().as_deref() != Some(&marker[..]) {
            crate::output::update_in_place(
                &out,
                &[(MANIFEST_FILE.to_string(), marker)],
                &[],
                &[],
                crate::output::Replace::Rename,
            )?;
        }
        let written = applied.written.len() + applied.removed.len();
        (stats, written, engine.file_count().saturating_sub(written))
    } else {
        let output = Output::begin(&out, !opts.clean)?;
        let sink = ProgressSink {
            inner: &output,
            progress,
        };
        let update = engine.prepare_into(&changes, &sink).map_err(failure)?;
        if opts.deny_warnings && !update.stats().warnings.is_empty() {
            return Err(Error::DeniedWarnings(update.stats().warnings.clone()));
        }
        progress.stage("writing");
        let _ = std::fs::remove_file(&path);
        let (_, stats) = engine.commit(update).map_err(failure)?;
        let site = engine.site().expect("built");
        let w = output.commit(&Manifest::of(site).to_bytes())?;
        (stats, w.written, w.unchanged)
    };
    let header = Header {
        format: FORMAT,
        tool,
        config: config_key,
        theme: theme_key,
        marker: marker_key(&out),
        output: out.clone(),
    };
    let started = std::time::Instant::now();
    write(&path, &header, &engine)?;
    let write_time = started.elapsed();
    let site = engine.site().expect("built");
    let missing_strings = crate::build::missing_strings(site, engine.theme().expect("loaded"));
    Ok(BuildReport {
        articles: site.articles.len(),
        pages: stats.pages,
        written,
        unchanged,
        warnings: stats.warnings,
        timings: std::iter::once(Timing {
            stage: "cache read",
            time: read_time,
            memory: None,
        })
        .chain(stats.timings.iter().map(|(stage, ms)| Timing {
            stage,
            time: std::time::Duration::from_secs_f64(ms / 1000.0),
            memory: None,
        }))
        .chain([Timing {
            stage: "cache write",
            time: write_time,
            memory: crate::timer::memory(),
        }])
        .collect(),
        output_dir: out,
        missing_strings,
        held: site.held.clone(),
        pin_expires: crate::build::pin_expiry(site),
        rendered: stats.rendered,
    })
}

/// `gen serve --incremental`: the dev server's folder and its engine's caches kept in
/// `.gen-cache/serve/` between runs, so that the next start with the same configuration, theme
/// and address renders only what changed since. The folder is private to its user (0700), and
/// one server at a time owns it (a lock file naming its process); another server on the same
/// site serves from a temporary folder as usual.
pub struct ServeCache {
    dir: PathBuf,
    header: Header,
}

/// The lock file's process still runs.
fn alive(pid: &str) -> bool {
    pid.trim()
        .parse::<u32>()
        .is_ok_and(|p| p == std::process::id() || Path::new("/proc").join(p.to_string()).exists())
}

impl ServeCache {
    /// Takes `.gen-cache/serve/` of the site for a server at `origin`; `None` when another
    /// running `gen serve` holds it.
    pub fn open(
        config: &Config,
        overrides: &Overrides,
        origin: &str,
    ) -> Result<Option<ServeCache>> {
        let dir = config.root.join(".gen-cache").join("serve");
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            // Drafts are private: only this user may read the folder.
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(&dir).map_err(|e| Error::io(&dir, e))?;
        let lock = dir.join("lock");
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&lock)
            {
                Ok(mut f) => {
                    write!(f, "{}", std::process::id()).map_err(|e| Error::io(&lock, e))?;
                    let site = dir.join("site");
                    let header = Header {
                        format: FORMAT,
                        tool: gen_identity(),
                        config: hash_of(&(config_key(&config.root, overrides), origin)),
                        theme: theme_key(config),
                        marker: 0,
                        output: site,
                    };
                    return Ok(Some(ServeCache { dir, header }));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let pid = std::fs::read_to_string(&lock).unwrap_or_default();
                    if alive(&pid) {
                        return Ok(None);
                    }
                    // Left by a server that was killed.
                    let _ = std::fs::remove_file(&lock);
                }
                Err(e) => return Err(Error::io(&lock, e)),
            }
        }
        Ok(None)
    }

    /// The folder to serve.
    pub fn folder(&self) -> &Path {
        &self.header.output
    }

    /// The saved state's header, when it describes this configuration, theme and folder as the
    /// folder is now.
    fn valid_header(&self, h: &Header) -> bool {
        let site = self.folder();
        *h == Header {
            marker: marker_key(site),
            ..self.header.clone()
        } && site.is_dir()
    }

    /// Whether the folder is what the last server kept for this configuration, theme and
    /// address, as the saved state's header says: it can be served at once, before the rest of
    /// the state (hundreds of megabytes for a large archive) is read by [`ServeCache::restore`].
    pub fn kept(&self) -> bool {
        let header = || -> Option<Header> {
            let file = std::fs::File::open(self.dir.join("state")).ok()?;
            rmp_serde::decode::from_read(BufReader::new(file)).ok()
        };
        header().is_some_and(|h| self.valid_header(&h))
    }

    /// Hands the saved caches to `engine` when they were made for this configuration, theme
    /// and folder (then only what changed since is built), and says whether it did. The saved
    /// state is removed either way: from now on the folder changes.
    pub fn restore(&self, engine: &mut Engine) -> bool {
        let state = self.dir.join("state");
        let restored = read(&state, &self.header.tool, self.header.config, |h| {
            self.valid_header(h)
        });
        let _ = std::fs::remove_file(&state);
        match restored {
            Some((_, saved)) => {
                engine.restore(saved, true);
                true
            }
            None => false,
        }
    }

    /// Empties the folder (and forgets the saved state): for a start without a kept site.
    pub fn clear(&self) -> Result<()> {
        let _ = std::fs::remove_file(self.dir.join("state"));
        let site = self.folder();
        if site.exists() {
            std::fs::remove_dir_all(site).map_err(|e| Error::io(site, e))?;
        }
        std::fs::create_dir_all(site).map_err(|e| Error::io(site, e))
    }

    /// Saves the engine's caches for the next start (when its last build was complete).
    pub fn save(&self, engine: &Engine) -> Result<bool> {
        let header = Header {
            marker: marker_key(self.folder()),
            ..self.header.clone()
        };
        write(&self.dir.join("state"), &header, engine)
    }
}

impl Drop for ServeCache {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.dir.join("lock"));
    }
}
