//! Watching the site's inputs with notify-debouncer-full, and turning events into [`Changes`].
//!
//! What is watched: the site root *non-recursively* (so that `site.toml` replaced by an
//! editor's atomic save — write a temporary file, rename it over — is seen: a watch on the old
//! file would die with its inode, zola#2266), and `content/`, `static/`, `templates/` and
//! `themes/` recursively. Nothing else under the root is watched, so the user's `public/`,
//! `target/` or `.git/` never cause rebuilds (and never feed back into them).
//!
//! What is ignored: editors' droppings ([`crate::content::is_ignored_name`] on every component:
//! `.story.md.swp`, `story.md~`, vim's `4913` probe, `.#story.md`), anything under the output
//! folder or the server's temporary folder, and access and metadata-only events.
//!
//! Events are classified by path, not by kind: the builder looks at what is on disk when it
//! builds, so a remove followed by a create (an atomic save) is just "this file changed".
//! A watcher error or a rescan request (an inotify queue overflow) asks for a full rebuild.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecursiveMode, event::ModifyKind};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::incremental::Changes;

/// The folders watched recursively.
pub const WATCHED_DIRS: [&str; 5] = ["content", "static", "templates", "themes", "i18n"];

/// What the watcher sends to the builder.
#[derive(Debug)]
pub enum Msg {
    /// A batch of changes (never empty).
    Changes(Changes),
    /// Stop building.
    Stop,
}

/// Decides what a changed path means for the build.
#[derive(Debug, Clone)]
pub struct Classifier {
    root: PathBuf,
    ignored: Vec<PathBuf>,
}

impl Classifier {
    /// `ignored`: folders whose events never count (the output folder, the served folder).
    pub fn new(root: &Path, ignored: Vec<PathBuf>) -> Classifier {
        Classifier {
            root: root.to_path_buf(),
            ignored,
        }
    }

    /// Adds what a change to `path` means to `ch`.
    pub fn classify(&self, path: &Path, ch: &mut Changes) {
        if self.ignored.iter().any(|d| path.starts_with(d)) {
            return;
        }
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return;
        };
        let mut parts: Vec<&str> = Vec::new();
        for c in rel.components() {
            match c {
                Component::Normal(s) => match s.to_str() {
                    Some(s) if crate::content::is_ignored_name(s) => return,
                    Some(s) => parts.push(s),
                    // A name that is not UTF-8: the walk will report it.
                    None => {
                        if rel.starts_with("content") {
                            ch.rediscover = true;
                        }
                        return;
                    }
                },
                _ => return,
            }
        }
        match parts.as_slice() {
            [] => {}
            ["site.toml"] => ch.full = true,
            ["content"] => ch.rediscover = true,
            ["content", "people.yaml" | "terms.yaml"] => ch.people = true,
            ["content", .., last] if last.ends_with(".md") => {
                ch.content.insert(path.to_path_buf());
            }
            ["content", ..] => {
                ch.rediscover = true;
                ch.files.insert(path.to_path_buf());
            }
            ["static", ..] | ["themes", _, "static", ..] => {
                ch.statics = true;
                ch.files.insert(path.to_path_buf());
            }
            ["templates" | "themes" | "i18n", ..] => ch.theme = true,
            _ => {}
        }
        // A watched folder created or removed as a whole.
        if parts.len() == 1 && WATCHED_DIRS.contains(&parts[0]) {
            ch.theme = true;
            ch.statics = true;
            ch.rediscover = true;
        }
    }

    /// The changes of one debounced batch.
    pub fn batch(&self, result: DebounceEventResult) -> Changes {
        let mut ch = Changes::default();
        match result {
            Ok(events) => {
                for ev in events {
                    if ev.need_rescan() {
                        ch.full = true;
                        continue;
                    }
                    match ev.kind {
                        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => {}
                        _ => {
                            for p in &ev.paths {
                                self.classify(p, &mut ch);
                            }
                        }
                    }
                }
            }
            // Lost events (queue overflow, a watch that failed): start over.
            Err(_) => ch.full = true,
        }
        ch
    }
}

/// The running watcher.
pub struct Watcher {
    debouncer: Debouncer<notify_debouncer_full::notify::RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: Vec<PathBuf>,
}

impl Watcher {
    /// Starts watching `root`; batches go to `tx`.
    pub fn start(
        root: &Path,
        classifier: Classifier,
        debounce: Duration,
        tx: Sender<Msg>,
    ) -> Result<Watcher, String> {
        // The debouncer pairs renames and drops duplicates within half the quiet period; the
        // builder then waits for the whole quiet period (see `serve::builder_loop`).
        let timeout = (debounce / 2).max(Duration::from_millis(1));
        let tick = (timeout / 4).max(Duration::from_millis(1)).min(timeout);
        let debouncer = new_debouncer(timeout, Some(tick), move |res: DebounceEventResult| {
            let ch = classifier.batch(res);
            if !ch.is_empty() {
                let _ = tx.send(Msg::Changes(ch));
            }
        })
        .map_err(|e| format!("cannot watch files: {e}"))?;
        let mut w = Watcher {
            debouncer,
            root: root.to_path_buf(),
            watched: Vec::new(),
        };
        w.debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        w.refresh();
        Ok(w)
    }

    /// Watches the input folders that exist now (one may have been created since).
    pub fn refresh(&mut self) {
        for name in WATCHED_DIRS {
            let dir = self.root.join(name);
            let watched = self.watched.contains(&dir);
            if dir.is_dir() && !watched {
                if self.debouncer.watch(&dir, RecursiveMode::Recursive).is_ok() {
                    self.watched.push(dir);
                }
            } else if !dir.is_dir() && watched {
                let _ = self.debouncer.unwatch(&dir);
                self.watched.retain(|d| d != &dir);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(paths: &[&str]) -> Changes {
        let c = Classifier::new(Path::new("/site"), vec![PathBuf::from("/site/public")]);
        let mut ch = Changes::default();
        for p in paths {
            c.classify(&Path::new("/site").join(p), &mut ch);
        }
        ch
    }

    #[test]
    fn editor_droppings_and_outputs_are_ignored() {
        for p in [
            "content/en/.story.md.swp",
            "content/en/story.md~",
            "content/en/4913",
            "content/en/.#story.md",
            "content/.git/x.md",
            "public/index.html",
            "README.md",
            "target/debug/gen",
        ] {
            assert!(classify(&[p]).is_empty(), "{p}");
        }
    }

    #[test]
    fn paths_are_classified() {
        let ch = classify(&["content/en/a.md"]);
        assert_eq!(ch.content.len(), 1);
        assert!(!ch.rediscover && !ch.full);
        assert!(classify(&["site.toml"]).full);
        assert!(classify(&["content/people.yaml"]).people);
        assert!(classify(&["content/en/a/photo.jpg"]).rediscover);
        assert!(classify(&["templates/article.html"]).theme);
        assert!(classify(&["themes/x/templates/base.html"]).theme);
        assert!(classify(&["i18n/ru.toml"]).theme);
        let s = classify(&["themes/x/static/css/site.css"]);
        assert!(s.statics && !s.theme);
        assert!(classify(&["static/logo.svg"]).statics);
        assert!(classify(&["content"]).rediscover);
    }

    #[test]
    fn overflow_means_full_rebuild() {
        let c = Classifier::new(Path::new("/site"), vec![]);
        let ch = c.batch(Err(vec![notify_debouncer_full::notify::Error::generic(
            "overflow",
        )]));
        assert!(ch.full);
        let mut ev = notify_debouncer_full::notify::Event::new(EventKind::Other);
        ev = ev.set_flag(notify_debouncer_full::notify::event::Flag::Rescan);
        let ch = c.batch(Ok(vec![notify_debouncer_full::DebouncedEvent::new(
            ev,
            std::time::Instant::now(),
        )]));
        assert!(ch.full);
    }
}
