//! `gen serve`: build into a private temporary folder, serve it on localhost, watch the inputs,
//! rebuild what changed, and reload open pages.
//!
//! Threads: the main thread runs the HTTP server (tokio + axum, [`http`]); one builder thread
//! owns the [`incremental::Engine`] and the [`watch::Watcher`], so there is never more than one
//! build at a time, and changes that arrive during a build become one next build. The
//! follow-up builds after a served change (related reading, the search index, photo encodes)
//! stop at their next checkpoint when a change arrives (`Inbox`), so the change is built
//! and served first, and run again after it. The
//! served folder is changed only under the write half of [`Shared::tree`]; requests read it
//! under the read half, so they see the old build or the new one, never half of each. The
//! live-reload event ([`livereload`]) is sent after the new files are in place.
//!
//! A failed rebuild leaves the last good build in place; served HTML then carries an overlay
//! with the errors (escaped) and the `X-Gen-Build-Error: 1` header, until a build succeeds.
//!
//! This module does not print: it reports [`Message`]s to the caller (`cli`).

pub mod http;
pub mod incremental;
pub mod livereload;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::{Config, Overrides};
use crate::diagnostics::{Diagnostic, Error, Result};
use incremental::{Applied, Changes, Engine, Stats};
use livereload::LiveEvent;
use watch::{Classifier, Msg, Watcher};

/// What `gen serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Site root (holds site.toml).
    pub root: PathBuf,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Include drafts.
    pub drafts: bool,
    /// Open the site in the default browser once built.
    pub open: bool,
    /// How long the inputs must be quiet before a rebuild.
    pub debounce: Duration,
    /// Keep the served folder and the engine's caches in `.gen-cache/serve/` between runs
    /// ([`crate::cache::ServeCache`]): the next start renders only what changed since.
    pub incremental: bool,
}

/// What the server tells its caller, to print.
#[derive(Debug)]
pub enum Message<'a> {
    /// The site is served here: once the first build is done, or at once when the folder
    /// `--incremental` kept is valid (`kept`; the first build then catches up with edits made
    /// while no server ran, and the pages it changes reload).
    Listening {
        /// URL of the home page.
        url: &'a str,
        /// The folder served (a private temporary folder, or `.gen-cache/serve/site`).
        dir: &'a Path,
        /// Served from the folder the last server kept, before the first build.
        kept: bool,
    },
    /// Not listening on a loopback address: the network can see the preview.
    Exposed {
        /// The address.
        bind: IpAddr,
    },
    /// A build succeeded.
    Built {
        /// The first build.
        initial: bool,
        /// A follow-up build that computed related reading.
        settle: bool,
        /// Wall time in milliseconds, from the first change seen to the files in place.
        ms: f64,
        /// Figures.
        stats: &'a Stats,
        /// Files changed in the served folder.
        applied: &'a Applied,
    },
    /// A build failed; the last good build, if there is one, is still served.
    Failed {
        /// Wall time in milliseconds.
        ms: f64,
        /// The errors.
        errors: &'a [Diagnostic],
        /// An earlier build succeeded and is what the browser shows (else it shows the errors).
        serving: bool,
    },
    /// Something that does not stop serving went wrong (e.g. the browser did not open).
    Warning(String),
    /// Shutting down.
    Stopping,
}

/// A callback that prints messages.
pub type Reporter = Arc<dyn Fn(Message<'_>) + Send + Sync>;

/// The figures of the last build, for `/__gen/status`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LastBuild {
    /// Milliseconds from the first change seen to the files in place.
    pub ms: f64,
    /// Whether the site model was patched in place.
    pub fast: bool,
    /// Source files parsed.
    pub parsed: usize,
    /// Pages rendered.
    pub rendered: usize,
    /// Pages in the site.
    pub pages: usize,
    /// Articles in the site.
    pub articles: usize,
    /// Files written.
    pub written: usize,
    /// Files removed.
    pub removed: usize,
    /// Milliseconds per stage.
    pub timings: BTreeMap<&'static str, f64>,
}

/// The server's state, shared by the builder and the request handlers.
#[derive(Debug, Default)]
pub struct State {
    /// Bumped whenever what pages show changes (files, or the error overlay).
    pub generation: u64,
    /// Builds finished, successful or not (the first build counts).
    pub builds: u64,
    /// A build succeeded at least once: there is something to serve.
    pub have_build: bool,
    /// Errors of the last build; empty when it succeeded.
    pub errors: Vec<Diagnostic>,
    /// A build is running.
    pub building: bool,
    /// Changes were seen and a build will start after the quiet period, or a follow-up build
    /// will compute related reading.
    pub pending: bool,
    /// Follow-up builds that computed related reading after a change was served.
    pub settles: u64,
    /// The site's base path.
    pub base_path: String,
    /// Figures of the last successful build.
    pub last: Option<LastBuild>,
}

/// What the builder and the handlers share.
pub struct Shared {
    /// The served folder (canonical path).
    pub dir: PathBuf,
    /// Write-locked while the served folder changes.
    pub tree: RwLock<()>,
    /// Status.
    pub state: Mutex<State>,
    /// Live-reload messages.
    pub events: tokio::sync::broadcast::Sender<LiveEvent>,
    /// Server instance id (changes on restart).
    pub server: String,
    /// Bound port.
    pub port: u16,
    /// Bound address.
    pub bind: IpAddr,
    /// Becomes `true` when the server stops (ends event streams).
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// Set when stopping: no more commits into the served folder.
    pub stopped: AtomicBool,
}

impl Shared {
    /// `/__gen/status`.
    pub fn status_json(&self) -> String {
        let st = match self.state.lock() {
            Ok(s) => s,
            Err(_) => return "{}".into(),
        };
        serde_json::json!({
            "server": self.server,
            "generation": st.generation,
            "builds": st.builds,
            "settles": st.settles,
            "ok": st.errors.is_empty(),
            "have_build": st.have_build,
            "building": st.building,
            "pending": st.pending,
            "base_path": st.base_path,
            "errors": st.errors,
            "last": st.last,
        })
        .to_string()
    }
}

/// The server's private folder, removed when dropped (also on Ctrl-C and on errors), and its
/// lock file, held while the server runs: a server killed before it could remove its folder
/// (SIGKILL, the out-of-memory killer) leaves it unlocked, and the next server removes it.
struct TempDir {
    path: PathBuf,
    /// Held, never read: the lock lasts as long as the file is open.
    _lock: std::fs::File,
}

/// The lock file in a server's private folder.
const TEMP_LOCK: &str = ".lock";

impl TempDir {
    /// Makes the folder in the system's temporary folder; also removes the folders that
    /// killed servers left there ([`remove_stale`]) and returns them.
    fn create() -> Result<(TempDir, Vec<PathBuf>)> {
        let base = std::env::temp_dir();
        let stale = remove_stale(&base);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        for attempt in 0..100u32 {
            let p = base.join(format!(
                "gen-serve-{}-{:x}",
                std::process::id(),
                nanos.wrapping_add(attempt)
            ));
            let mut b = std::fs::DirBuilder::new();
            #[cfg(unix)]
            {
                // Drafts are private: only this user may read the folder.
                use std::os::unix::fs::DirBuilderExt;
                b.mode(0o700);
            }
            match b.create(&p) {
                Ok(()) => {
                    let lock = p.join(TEMP_LOCK);
                    let file = std::fs::File::create(&lock).map_err(|e| Error::io(&lock, e))?;
                    file.lock().map_err(|e| Error::io(&lock, e))?;
                    return Ok((
                        TempDir {
                            path: p,
                            _lock: file,
                        },
                        stale,
                    ));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io(&p, e)),
            }
        }
        Err(Error::Usage(format!(
            "cannot create a temporary folder in {}",
            base.display()
        )))
    }
}

/// Removes the private folders of servers that are gone: named `gen-serve-…`, with a lock
/// file nobody holds. A folder whose lock file is less than a minute old is left alone (its
/// server may be between making the file and locking it); folders of gen versions that kept no
/// lock file are left alone too.
fn remove_stale(base: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(base) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name();
        if !name.to_string_lossy().starts_with("gen-serve-")
            || !e.file_type().is_ok_and(|t| t.is_dir())
        {
            continue;
        }
        let dir = e.path();
        let Ok(lock) = std::fs::File::open(dir.join(TEMP_LOCK)) else {
            continue;
        };
        let settled = lock
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(60));
        if settled && lock.try_lock().is_ok() {
            drop(lock);
            if std::fs::remove_dir_all(&dir).is_ok() {
                removed.push(dir);
            }
        }
    }
    removed.sort();
    removed
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The host part of URLs for this address.
fn url_host(bind: IpAddr) -> String {
    match bind {
        IpAddr::V4(ip) if ip.is_unspecified() => Ipv4Addr::LOCALHOST.to_string(),
        IpAddr::V6(ip) if ip.is_unspecified() => format!("[{}]", Ipv6Addr::LOCALHOST),
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    }
}

/// Runs the dev server until Ctrl-C (or SIGTERM).
pub fn run(opts: &ServeOptions, report: Reporter) -> Result<()> {
    let root = std::fs::canonicalize(&opts.root).map_err(|e| {
        Error::Usage(format!(
            "cannot open the site folder {}: {e}",
            opts.root.display()
        ))
    })?;
    let overrides = Overrides {
        drafts: opts.drafts,
        preview_scheduled: true,
        ..Overrides::default()
    };
    // A broken or missing site.toml stops here, as it would stop `gen build`.
    let config = Config::load(&root, &overrides)?;

    let listener = std::net::TcpListener::bind(SocketAddr::new(opts.bind, opts.port)).map_err(
        |e| match e.kind() {
            std::io::ErrorKind::AddrInUse => Error::Usage(format!(
                "port {} is already in use on {}; pick another with --port N (or --port 0 for any free port)",
                opts.port, opts.bind
            )),
            _ => Error::Usage(format!(
                "cannot listen on {}:{}: {e}; pick another address with --bind or port with --port",
                opts.bind, opts.port
            )),
        },
    )?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::io(&root, e))?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::io(&root, e))?
        .port();
    let origin = format!("http://{}:{port}", url_host(opts.bind));
    if !opts.bind.is_loopback() {
        report(Message::Exposed { bind: opts.bind });
    }

    // The served folder: private and temporary, or kept between runs with --incremental
    // (unless another server of this site holds that one).
    let cache = if opts.incremental {
        let c = crate::cache::ServeCache::open(&config, &overrides, &origin)?;
        if c.is_none() {
            report(Message::Warning(
                "another gen serve of this site keeps .gen-cache/serve/: serving from a temporary folder".into(),
            ));
        }
        c
    } else {
        None
    };
    let tmp = match &cache {
        Some(_) => None,
        None => {
            let (tmp, stale) = TempDir::create()?;
            if !stale.is_empty() {
                report(Message::Warning(format!(
                    "removed {} left by dev servers that were killed before they could clean up: {}",
                    if stale.len() == 1 {
                        "a preview folder".to_string()
                    } else {
                        format!("{} preview folders", stale.len())
                    },
                    stale
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            Some(tmp)
        }
    };
    let served = match (&tmp, &cache) {
        (Some(t), _) => t.path.join("site"),
        (None, Some(c)) => c.folder().to_path_buf(),
        (None, None) => unreachable!("one of the two"),
    };
    // Requests wait on `tree` while a build commits, so files are written over in place.
    let mut engine =
        Engine::new(&root, overrides.clone(), Some(origin.clone()), &served).overwriting();
    // A kept folder is served at once; the builder reads the rest of what was kept.
    let kept = match &cache {
        Some(c) if c.kept() => true,
        Some(c) => {
            c.clear()?;
            false
        }
        None => false,
    };
    let cache = cache.map(Arc::new);
    std::fs::create_dir_all(&served).map_err(|e| Error::io(&served, e))?;
    let served = std::fs::canonicalize(&served).map_err(|e| Error::io(&served, e))?;

    let (shutdown_tx, shutdown_rx) = tokio::sync::watch::channel(false);
    let (events, _) = tokio::sync::broadcast::channel(256);
    let server_id = format!(
        "{:x}{:x}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0)
    );
    let shared = Arc::new(Shared {
        dir: served.clone(),
        tree: RwLock::new(()),
        state: Mutex::new(State {
            base_path: config.base_path.clone(),
            pending: true,
            // The kept folder is the last server's complete, valid build: served at once.
            have_build: kept,
            ..State::default()
        }),
        events,
        server: server_id,
        port,
        bind: opts.bind,
        shutdown: shutdown_rx,
        stopped: AtomicBool::new(false),
    });

    let (tx, rx) = mpsc::channel::<Msg>();
    // The watcher's batches reach the builder through this thread, which raises `incoming`
    // after each: a follow-up build asks it at its checkpoints and stops, so the change goes
    // first. (Raised after the send: the builder lowers it before it looks at the channel, so
    // a batch is never left unseen behind a lowered flag; at worst a follow-up stops for a
    // batch already taken, and runs again.)
    let incoming = Arc::new(AtomicBool::new(false));
    let (watch_tx, watch_rx) = mpsc::channel::<Msg>();
    {
        let (tx, incoming) = (tx.clone(), incoming.clone());
        std::thread::Builder::new()
            .name("gen-serve-inbox".into())
            .spawn(move || {
                for msg in watch_rx {
                    if tx.send(msg).is_err() {
                        break;
                    }
                    incoming.store(true, Ordering::SeqCst);
                }
            })
            .map_err(|e| Error::io(&root, e))?;
    }
    let classifier = Classifier::new(
        &root,
        vec![
            config.output_dir.clone(),
            served.clone(),
            root.join(".gen-cache"),
        ],
    );
    let watcher =
        Watcher::start(&root, classifier, opts.debounce, watch_tx).map_err(Error::Internal)?;
    let builder = {
        let shared = shared.clone();
        let report = report.clone();
        let quiet = opts.debounce;
        let open = opts.open;
        let url = format!("{origin}{}", config.base_path);
        let cache = cache.clone().filter(|_| kept);
        std::thread::Builder::new()
            .name("gen-serve-builder".into())
            .stack_size(crate::markdown::WORKER_STACK_SIZE)
            .spawn(move || {
                let inbox = Inbox { rx, incoming };
                builder_loop(
                    &mut engine,
                    watcher,
                    inbox,
                    shared,
                    report,
                    quiet,
                    url,
                    open,
                    cache,
                );
                engine
            })
            .map_err(|e| Error::io(&root, e))?
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io(&root, e))?;
    let served_result: std::io::Result<()> = runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let app = http::router(shared.clone());
        let mut stop = shared.shutdown.clone();
        let server = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stop.wait_for(|s| *s).await;
        });
        tokio::select! {
            r = server => r,
            _ = async {
                wait_for_signal().await;
                let _ = shutdown_tx.send(true);
                // Give open requests a moment, then stop regardless.
                tokio::time::sleep(Duration::from_secs(3)).await;
            } => Ok(()),
        }
    });
    report(Message::Stopping);
    shared.stopped.store(true, Ordering::SeqCst);
    let _ = tx.send(Msg::Stop);
    drop(tx);
    let deadline = Instant::now() + Duration::from_secs(2);
    while !builder.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    // Kept for the next start: the engine's caches, once the builder has stopped (a build
    // still running past the deadline is not waited for, and nothing is kept).
    if let Some(c) = &cache
        && builder.is_finished()
        && let Ok(engine) = builder.join()
    {
        match c.save(&engine) {
            Ok(true) => {}
            Ok(false) => report(Message::Warning(
                "a follow-up build was not finished: the next start builds everything".into(),
            )),
            Err(e) => report(Message::Warning(format!(
                "could not keep the build cache: {e}"
            ))),
        }
    }
    {
        // No commit runs while the folder is removed.
        let _tree = shared.tree.write();
        drop(tmp);
    }
    drop(cache);
    runtime.shutdown_timeout(Duration::from_millis(200));
    served_result.map_err(|e| Error::Internal(format!("the server stopped: {e}")))
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// What reaches the builder: the watcher's batches (and `Stop`), and a flag raised after each
/// is sent.
struct Inbox {
    rx: mpsc::Receiver<Msg>,
    /// Raised when a batch was sent; lowered by the builder before it looks at the channel.
    incoming: Arc<AtomicBool>,
}

/// How a run of follow-up builds ended.
enum Settled {
    /// Nothing is left to follow up.
    Done,
    /// A change arrived (the follow-up starts again after it is built).
    Change(Changes),
    /// The server is stopping.
    Stop,
}

#[allow(clippy::too_many_arguments)]
fn builder_loop(
    engine: &mut Engine,
    mut watcher: Watcher,
    inbox: Inbox,
    shared: Arc<Shared>,
    report: Reporter,
    quiet: Duration,
    url: String,
    open: bool,
    kept: Option<Arc<crate::cache::ServeCache>>,
) {
    let rx = &inbox.rx;
    let from_kept = kept.is_some();
    let listening = || {
        report(Message::Listening {
            url: &url,
            dir: &shared.dir,
            kept: from_kept,
        });
        if open && let Err(e) = open_browser(&url) {
            report(Message::Warning(format!("could not open a browser: {e}")));
        }
    };
    // A kept folder is served while the engine reads what the last server kept and the first
    // build looks for what changed since (at 100,000 articles: 700 MB to read, then every
    // source's stamp, the model, every signature); a fresh one only once it is built.
    let restored = match kept {
        Some(cache) => {
            listening();
            let restored = cache.restore(engine);
            if !restored {
                // The rest of the state did not read back (damaged): start from nothing.
                let _tree = shared.tree.write();
                if let Err(e) = cache.clear() {
                    report(Message::Warning(format!(
                        "could not empty the kept folder: {e}"
                    )));
                }
                if let Ok(mut st) = shared.state.lock() {
                    st.have_build = false;
                }
            }
            Some(restored)
        }
        None => None,
    };
    // A restored engine keeps what it took over and looks at what changed since.
    let first = Changes {
        full: restored != Some(true),
        rediscover: restored == Some(true),
        ..Changes::default()
    };
    build_once(engine, &shared, &report, &first, Instant::now(), true, None);
    // How long the search index took last time: the saves must pause this long before it is
    // made again (none at start).
    let mut pause = Duration::ZERO;
    let mut next = match settle(engine, &inbox, &shared, &report, &mut pause) {
        Settled::Done => None,
        Settled::Change(c) => Some(c),
        Settled::Stop => return,
    };
    if restored.is_none() {
        listening();
    }
    loop {
        let mut ch = match next.take() {
            // A change that stopped a follow-up build.
            Some(c) => c,
            None => {
                // A scheduled article shown as a preview is published when its time comes; a
                // front page's pin expiring moves the clock on (see `next_timer`).
                let fixed = std::env::var_os("SOURCE_DATE_EPOCH").is_some();
                let due = next_timer(
                    engine.next_scheduled(),
                    engine.next_pin_expiry(),
                    crate::publishing::now(),
                    fixed,
                );
                let received = match due {
                    Some((wait, timer)) => match rx.recv_timeout(wait) {
                        Ok(m) => Ok(m),
                        Err(mpsc::RecvTimeoutError::Timeout) => Ok(Msg::Changes(timer.changes())),
                        Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    },
                    None => rx.recv().map_err(|_| ()),
                };
                match received {
                    Ok(Msg::Changes(c)) => c,
                    Ok(Msg::Stop) | Err(_) => return,
                }
            }
        };
        let first_seen = Instant::now();
        if let Ok(mut st) = shared.state.lock() {
            st.pending = true;
        }
        // Wait until the inputs are quiet: a burst (an editor's atomic save, a `git checkout`
        // of 500 files) becomes one build. A single save waits `quiet`; once more changes
        // arrive, or a batch is large, it is a burst, and the wait grows to `burst`.
        let burst = (quiet * 10).max(Duration::from_millis(100));
        let mut wait = if ch.paths() > 8 { burst } else { quiet };
        loop {
            match rx.recv_timeout(wait) {
                Ok(Msg::Changes(c)) => {
                    ch.merge(c);
                    wait = burst;
                }
                Ok(Msg::Stop) => return,
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        watcher.refresh();
        build_once(engine, &shared, &report, &ch, first_seen, false, None);
        next = match settle(engine, &inbox, &shared, &report, &mut pause) {
            Settled::Done => None,
            Settled::Change(c) => Some(c),
            Settled::Stop => return,
        };
    }
}

/// What the builder's timer waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Due {
    /// A scheduled article shown as a preview comes due: build again from scratch, with the
    /// clock read anew, so that it appears as published.
    Scheduled,
    /// A front-page pin expires: the engine moves its clock on and makes again only what that
    /// changes (the language's front page), like a file event would.
    PinExpiry,
}

impl Due {
    /// The changes to build when the timer fires (reading the clock then).
    fn changes(self) -> Changes {
        match self {
            Due::Scheduled => Changes {
                full: true,
                ..Changes::default()
            },
            Due::PinExpiry => Changes {
                now: Some(crate::publishing::now()),
                ..Changes::default()
            },
        }
    }
}

/// How long until the builder's next time-driven rebuild, and which: the sooner of a scheduled
/// article coming due and a pin expiring, half a second late so that the clock has passed it
/// (and at most a day ahead: the wait is then simply taken again). Under `SOURCE_DATE_EPOCH`
/// the clock is fixed and nothing ever comes due. One timer, armed anew after every build: no
/// polling.
fn next_timer(
    scheduled: Option<jiff::Timestamp>,
    pin: Option<jiff::Timestamp>,
    now: jiff::Timestamp,
    fixed: bool,
) -> Option<(Duration, Due)> {
    if fixed {
        return None;
    }
    let (at, timer) = [
        scheduled.map(|t| (t, Due::Scheduled)),
        pin.map(|t| (t, Due::PinExpiry)),
    ]
    .into_iter()
    .flatten()
    .min_by_key(|(t, _)| *t)?;
    let wait = at.duration_since(now).as_secs_f64();
    Some((
        Duration::from_secs_f64(wait.clamp(0.0, 86_400.0) + 0.5),
        timer,
    ))
}

/// Runs the follow-up builds that compute related reading, the search index and held-back
/// photos after a change was served. A change that arrives meanwhile stops the follow-up at
/// its next checkpoint and is handed back, to be built first; the engine then still serves
/// the state before the follow-up, and the follow-up runs again after the change.
///
/// The search index is the one output that cannot stop midway (it reads every article): it
/// comes last, in a follow-up of its own, once the saves have paused for as long as it took
/// the last time (`pause`), so that a writer saving every second is not kept waiting by it.
fn settle(
    engine: &mut Engine,
    inbox: &Inbox,
    shared: &Shared,
    report: &Reporter,
    pause: &mut Duration,
) -> Settled {
    while engine.unsettled() {
        if shared.stopped.load(Ordering::SeqCst) {
            return Settled::Stop;
        }
        // Lowered before looking, so a message sent after the look raises it again.
        inbox.incoming.store(false, Ordering::SeqCst);
        let mut waiting: Option<Changes> = None;
        loop {
            match inbox.rx.try_recv() {
                Ok(Msg::Changes(c)) => match &mut waiting {
                    Some(w) => w.merge(c),
                    None => waiting = Some(c),
                },
                Ok(Msg::Stop) | Err(mpsc::TryRecvError::Disconnected) => return Settled::Stop,
                Err(mpsc::TryRecvError::Empty) => break,
            }
        }
        if let Some(c) = waiting {
            return Settled::Change(c);
        }
        let index_only = engine.index_only_left();
        if index_only && !pause.is_zero() {
            match inbox.rx.recv_timeout(*pause) {
                Ok(Msg::Changes(c)) => return Settled::Change(c),
                Ok(Msg::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => return Settled::Stop,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
        }
        let started = Instant::now();
        let ch = Changes {
            settle: true,
            ..Changes::default()
        };
        let (incoming, stopped): (&AtomicBool, &AtomicBool) = (&inbox.incoming, &shared.stopped);
        let stop = || incoming.load(Ordering::Relaxed) || stopped.load(Ordering::Relaxed);
        let done = build_once(engine, shared, report, &ch, started, false, Some(&stop));
        if index_only && done {
            *pause = started.elapsed().min(Duration::from_secs(10));
        }
    }
    if shared.stopped.load(Ordering::SeqCst) {
        Settled::Stop
    } else {
        Settled::Done
    }
}

/// Runs one build and publishes its result; `false` when a follow-up was stopped.
fn build_once(
    engine: &mut Engine,
    shared: &Shared,
    report: &Reporter,
    ch: &Changes,
    started: Instant,
    initial: bool,
    stop: Option<incremental::Stop<'_>>,
) -> bool {
    if let Ok(mut st) = shared.state.lock() {
        st.building = true;
        st.pending = false;
    }
    // While nothing is served yet, a build writes every file: into a new folder, swapped in
    // when it is done, instead of holding them all in memory (an archive's site is gigabytes).
    let mut staged: Option<crate::output::Output> = None;
    let prepared = match stop {
        Some(stop) => engine.prepare_until(ch, stop),
        None if engine.file_count() == 0 => crate::output::Output::begin(engine.out_dir(), false)
            .map_err(|e| e.diagnostics())
            .and_then(|out| {
                let update = engine.prepare_into(ch, &out)?;
                staged = Some(out);
                Ok(Some(update))
            }),
        None => engine.prepare(ch).map(Some),
    };
    let prepared = match prepared {
        Ok(None) => {
            // A follow-up stopped for a change: nothing changed, it runs again after it.
            if let Ok(mut st) = shared.state.lock() {
                st.building = false;
                st.pending = true;
            }
            return false;
        }
        Ok(Some(update)) => Ok(update),
        Err(e) => Err(e),
    };
    let result = prepared.and_then(|plan| {
        let t = Instant::now();
        let _tree = shared
            .tree
            .write()
            .map_err(|_| vec![Diagnostic::error("serve", 0, 0, "lock poisoned")])?;
        if shared.stopped.load(Ordering::SeqCst) {
            return Err(Vec::new());
        }
        if let Some(out) = staged.take() {
            out.commit(b"").map_err(|e| e.diagnostics())?;
            // gen build's marker of a folder it wrote: not one of the site's files.
            let _ = std::fs::remove_file(engine.out_dir().join(crate::output::MARKER));
        }
        let (applied, mut stats) = engine.commit(plan)?;
        stats
            .timings
            .push(("commit", t.elapsed().as_secs_f64() * 1000.0));
        Ok((applied, stats))
    });
    if shared.stopped.load(Ordering::SeqCst) {
        return true;
    }
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let base = engine
        .config()
        .map(|c| c.base_path.clone())
        .unwrap_or_else(|| "/".into());
    let Ok(mut st) = shared.state.lock() else {
        return true;
    };
    // A follow-up that only computes related reading is part of the build before it.
    let followup_only = ch.settle
        && Changes {
            settle: false,
            ..ch.clone()
        }
        .is_empty();
    if followup_only {
        st.settles += 1;
    } else {
        st.builds += 1;
    }
    st.building = false;
    // Until related reading is computed, the build is not finished.
    st.pending = engine.unsettled();
    let event = match &result {
        Ok((applied, stats)) => {
            let was_failing = !st.errors.is_empty();
            st.errors.clear();
            st.have_build = true;
            st.base_path = base.clone();
            st.last = Some(LastBuild {
                ms,
                fast: stats.fast,
                parsed: stats.parsed,
                rendered: stats.rendered,
                pages: stats.pages,
                articles: stats.articles,
                written: applied.written.len(),
                removed: applied.removed.len(),
                timings: stats.timings.iter().copied().collect(),
            });
            let files: Vec<String> = applied
                .written
                .iter()
                .chain(&applied.removed)
                .cloned()
                .collect();
            if files.is_empty() && !was_failing {
                None
            } else {
                st.generation += 1;
                let css_only = !was_failing && files.iter().all(|f| f.ends_with(".css"));
                let all = was_failing || files.len() > 2000;
                Some(LiveEvent {
                    name: if css_only { "css" } else { "reload" },
                    server: shared.server.clone(),
                    generation: st.generation,
                    all,
                    files: if all { Vec::new() } else { files },
                    base,
                })
            }
        }
        Err(errors) => {
            st.errors = errors.clone();
            st.generation += 1;
            Some(LiveEvent {
                name: "reload",
                server: shared.server.clone(),
                generation: st.generation,
                all: true,
                files: Vec::new(),
                base,
            })
        }
    };
    let serving = st.have_build;
    drop(st);
    if let Some(ev) = event {
        let _ = shared.events.send(ev);
    }
    match &result {
        Ok((applied, stats)) => report(Message::Built {
            initial,
            settle: ch.settle,
            ms,
            stats,
            applied,
        }),
        Err(errors) => report(Message::Failed {
            ms,
            errors,
            serving,
        }),
    }
    true
}

fn open_browser(url: &str) -> std::io::Result<()> {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> jiff::Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_timer_waits_for_the_sooner_of_a_scheduled_article_and_a_pin_expiry() {
        let now = ts("2026-05-01T10:00:00Z");
        let pin = Some(ts("2026-05-01T10:00:30Z"));
        let scheduled = Some(ts("2026-05-01T11:00:00Z"));
        assert_eq!(
            next_timer(scheduled, pin, now, false),
            Some((Duration::from_millis(30_500), Due::PinExpiry))
        );
        assert_eq!(
            next_timer(scheduled, None, now, false),
            Some((Duration::from_millis(3_600_500), Due::Scheduled))
        );
        // A tie goes to the full rebuild, which decides the pins too.
        assert_eq!(
            next_timer(pin, pin, now, false).map(|d| d.1),
            Some(Due::Scheduled)
        );
        // Overdue: at once; far away: a day, then the wait is taken again.
        assert_eq!(
            next_timer(None, Some(ts("2026-04-30T00:00:00Z")), now, false),
            Some((Duration::from_millis(500), Due::PinExpiry))
        );
        assert_eq!(
            next_timer(None, Some(ts("2027-01-01T00:00:00Z")), now, false),
            Some((Duration::from_millis(86_400_500), Due::PinExpiry))
        );
        // Nothing to wait for, or a fixed clock (SOURCE_DATE_EPOCH): no timer.
        assert_eq!(next_timer(None, None, now, false), None);
        assert_eq!(next_timer(scheduled, pin, now, true), None);
    }

    #[test]
    fn a_pin_expiry_moves_the_engine_clock_and_a_scheduled_article_reloads() {
        let c = Due::PinExpiry.changes();
        assert!(c.now.is_some() && !c.full && !c.is_empty());
        let c = Due::Scheduled.changes();
        assert!(c.full && c.now.is_none());
    }
}
