//! The only writer. A build goes into a temporary folder beside the output folder, and is
//! swapped into place only when everything succeeded: a failed build leaves the previous output
//! byte for byte as it was. Files whose bytes did not change are hard-linked from the previous
//! output, so they keep their modification time and `rsync` or bucket uploads skip them.

use std::collections::HashSet;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::diagnostics::{Error, Result};

/// Name of the marker file that says a folder was written by gen (and may be replaced).
pub const MARKER: &str = ".gen-output";

/// Joins a `/`-separated relative path under `base`, refusing anything that could leave it:
/// `..`, absolute paths, backslashes, NUL, drive prefixes. Shared by the writer and the server.
pub fn safe_join(base: &Path, rel: &str) -> Option<PathBuf> {
    let mut out = base.to_path_buf();
    for seg in rel.split('/') {
        if seg.is_empty() || seg == "." {
            continue;
        }
        if seg == ".." || seg.contains(['\\', '\0', ':']) {
            return None;
        }
        let p = Path::new(seg);
        if !matches!(p.components().next(), Some(Component::Normal(_)))
            || p.components().count() != 1
        {
            return None;
        }
        out.push(seg);
    }
    Some(out)
}

/// Where to send built files: a folder on disk, or memory for tests and previews.
pub trait Sink: Sync {
    /// Writes one file at a site-relative path (`2021/12/08/slug/index.html`).
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<()>;
    /// Copies a file from disk.
    fn copy(&self, rel: &str, src: &Path) -> Result<()> {
        let bytes = fs::read(src).map_err(|e| Error::io(src, e))?;
        self.write(rel, &bytes)
    }
    /// Publishes a file from gen's cache, which never changes once written: a sink on disk may
    /// share it (hard link) rather than copy it.
    fn share(&self, rel: &str, src: &Path) -> Result<()> {
        self.copy(rel, src)
    }
}

/// Counts of what a build wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteStats {
    /// Files whose bytes changed or are new.
    pub written: usize,
    /// Files kept from the previous build because their bytes are the same.
    pub unchanged: usize,
}

/// A build in progress into `<parent>/.<name>.gen-tmp-<pid>`.
pub struct Output {
    final_dir: PathBuf,
    tmp_dir: PathBuf,
    previous: Option<PathBuf>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    /// A 128-bit hash of every path written, to refuse a second write of one: a set of the
    /// paths themselves was the largest thing a million-article build grew while rendering
    /// (5.5 million strings, about 100 bytes each).
    paths: Mutex<HashSet<u128, rustc_hash::FxBuildHasher>>,
    committed: bool,
}

/// Checks that an output folder may be replaced: never `/`, the site root, an ancestor of it,
/// `content/`, `themes/`, `templates/`, `static/` or the home folder; a non-empty folder gen did
/// not write is refused unless `force`.
pub fn check_output_dir(root: &Path, output: &Path, force: bool) -> Result<()> {
    let refuse = |why: &str| {
        Err(Error::Usage(format!(
            "refusing to use {} as the output folder: {why}; pick a folder such as public/ with --output",
            output.display()
        )))
    };
    if output
        .components()
        .any(|c| matches!(c, Component::ParentDir | Component::CurDir))
        && output.file_name().is_none()
    {
        return refuse("it is `.` or `..`");
    }
    if matches!(
        output.file_name().and_then(|n| n.to_str()),
        None | Some(".") | Some("..")
    ) {
        return refuse("it has no folder name of its own");
    }
    let root_c = fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let out_c = match fs::canonicalize(output) {
        Ok(p) => p,
        Err(_) => {
            let parent = output
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let parent_c = fs::canonicalize(parent).map_err(|e| Error::io(parent, e))?;
            parent_c.join(output.file_name().unwrap_or_default())
        }
    };
    if out_c.parent().is_none() {
        return refuse("it is the file system root");
    }
    if root_c.starts_with(&out_c) {
        return refuse("it holds the site itself");
    }
    for protected in ["content", "themes", "templates", "static"] {
        if out_c.starts_with(root_c.join(protected)) {
            return refuse(&format!("it is inside {protected}/"));
        }
    }
    if let Some(home) = std::env::var_os("HOME")
        .map(PathBuf::from)
        .and_then(|h| fs::canonicalize(h).ok())
        && home == out_c
    {
        return refuse("it is your home folder");
    }
    if out_c.is_dir()
        && !force
        && !out_c.join(MARKER).exists()
        && fs::read_dir(&out_c)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false)
    {
        return Err(Error::Usage(format!(
            "{} is not empty and was not written by gen; move its files away, pick another --output, or pass --force to replace it",
            output.display()
        )));
    }
    Ok(())
}

impl Output {
    /// Starts a build into a fresh temporary folder beside `final_dir`; `reuse` compares with the
    /// previous output to keep unchanged files.
    pub fn begin(final_dir: &Path, reuse: bool) -> Result<Output> {
        let parent = final_dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let name = final_dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("public")
            .to_string();
        fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        // Leftovers of a build that was killed: remove them.
        if let Ok(rd) = fs::read_dir(&parent) {
            for e in rd.flatten() {
                let n = e.file_name();
                let n = n.to_string_lossy();
                if n.starts_with(&format!(".{name}.gen-tmp-"))
                    || n.starts_with(&format!(".{name}.gen-old-"))
                {
                    let _ = fs::remove_dir_all(e.path());
                }
            }
        }
        let tmp_dir = parent.join(format!(".{name}.gen-tmp-{}", std::process::id()));
        fs::create_dir_all(&tmp_dir).map_err(|e| Error::io(&tmp_dir, e))?;
        let previous = (reuse && final_dir.is_dir()).then(|| final_dir.to_path_buf());
        Ok(Output {
            final_dir: final_dir.to_path_buf(),
            tmp_dir,
            previous,
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            paths: Mutex::new(HashSet::default()),
            committed: false,
        })
    }

    /// The temporary folder being filled.
    pub fn staging_dir(&self) -> &Path {
        &self.tmp_dir
    }

    fn target(&self, rel: &str) -> Result<PathBuf> {
        let path = safe_join(&self.tmp_dir, rel).ok_or_else(|| {
            Error::Internal(format!(
                "refusing to write outside the output folder: {rel}"
            ))
        })?;
        let rel = rel.trim_start_matches('/');
        let key = siphasher::sip128::Hasher128::finish128(&{
            let mut h = siphasher::sip128::SipHasher13::new();
            std::hash::Hasher::write(&mut h, rel.as_bytes());
            h
        })
        .as_u128();
        if !self
            .paths
            .lock()
            .map_err(|_| Error::Internal("writer poisoned".into()))?
            .insert(key)
        {
            return Err(Error::Collision(rel.to_string()));
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        Ok(path)
    }

    /// Writes the marker (gen's record of what it published, see
    /// [`crate::publishing::Manifest`]), swaps the new output into place and removes the old
    /// one.
    pub fn commit(mut self, marker_text: &[u8]) -> Result<WriteStats> {
        // The marker is kept like any unchanged file, so a build that changed nothing leaves
        // every file of the output as it was.
        let marker = self.tmp_dir.join(MARKER);
        let kept = self
            .previous_same(MARKER, marker_text.len() as u64, || {
                Some(marker_text.to_vec())
            })
            .is_some_and(|prev| fs::hard_link(prev, &marker).is_ok());
        if !kept {
            fs::write(&marker, marker_text).map_err(|e| Error::io(&self.tmp_dir, e))?;
        }
        let parent = self
            .tmp_dir
            .parent()
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let name = self
            .final_dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("public")
            .to_string();
        let old = parent.join(format!(".{name}.gen-old-{}", std::process::id()));
        let had_old = self.final_dir.exists();
        if had_old {
            fs::rename(&self.final_dir, &old).map_err(|e| Error::io(&self.final_dir, e))?;
        }
        if let Err(e) = fs::rename(&self.tmp_dir, &self.final_dir) {
            if had_old {
                let _ = fs::rename(&old, &self.final_dir);
            }
            return Err(Error::io(&self.final_dir, e));
        }
        self.committed = true;
        if had_old {
            remove_tree_parallel(&old);
        }
        Ok(WriteStats {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
        })
    }

    fn previous_same(
        &self,
        rel: &str,
        len: u64,
        bytes: impl FnOnce() -> Option<Vec<u8>>,
    ) -> Option<PathBuf> {
        let prev = safe_join(self.previous.as_ref()?, rel)?;
        let meta = fs::symlink_metadata(&prev).ok()?;
        if !meta.is_file() || meta.len() != len {
            return None;
        }
        let old = fs::read(&prev).ok()?;
        (Some(old) == bytes()).then_some(prev)
    }
}

/// Removes a folder tree, its top-level entries in parallel: an archive's previous output has
/// tens of thousands of files, and removing them one by one was a visible share of a rebuild.
fn remove_tree_parallel(dir: &Path) {
    use rayon::prelude::*;
    if let Ok(rd) = fs::read_dir(dir) {
        let entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        entries.par_iter().for_each(|p| {
            if p.is_dir() && !p.is_symlink() {
                let _ = fs::remove_dir_all(p);
            } else {
                let _ = fs::remove_file(p);
            }
        });
    }
    let _ = fs::remove_dir_all(dir);
}

impl Sink for Output {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.target(rel)?;
        if let Some(prev) = self.previous_same(rel, bytes.len() as u64, || Some(bytes.to_vec()))
            && fs::hard_link(&prev, &path).is_ok()
        {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn copy(&self, rel: &str, src: &Path) -> Result<()> {
        let bytes = fs::read(src).map_err(|e| Error::io(src, e))?;
        self.write(rel, &bytes)
    }

    /// A hard link to the cache file: an archive's image variants are gigabytes, and copying
    /// them into every fresh output was most of a warm build. The link keeps the cache file's
    /// modification time, so upload tools skip it between builds. Cache files are read-only, so
    /// a tool that rewrites output files in place fails instead of changing the cache. A copy
    /// when the output is on another file system.
    fn share(&self, rel: &str, src: &Path) -> Result<()> {
        let path = self.target(rel)?;
        if fs::hard_link(src, &path).is_ok() {
            let same = self
                .previous
                .as_ref()
                .and_then(|p| safe_join(p, rel))
                .is_some_and(|prev| same_file(&prev, src));
            let count = if same { &self.unchanged } else { &self.written };
            count.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        let bytes = fs::read(src).map_err(|e| Error::io(src, e))?;
        if let Some(prev) = self.previous_same(rel, bytes.len() as u64, || Some(bytes.clone()))
            && fs::hard_link(&prev, &path).is_ok()
        {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        fs::write(&path, &bytes).map_err(|e| Error::io(&path, e))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Whether two paths name the same file on disk (one is a hard link of the other).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(a), fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp_dir);
        }
    }
}

/// How [`update_in_place`] replaces a file that is already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Written beside its place and renamed over it: any reader (a web server serving the
    /// folder while `gen build --incremental` changes it, a build that stops midway) sees the
    /// old bytes or the new ones, never part of a file.
    Rename,
    /// Written over in place. Only for a folder no one reads while it changes: the dev
    /// server's, whose requests wait on its lock. On ext4, renaming over a file (or
    /// truncating one to nothing and writing it again) makes the kernel push the new blocks
    /// to the disk at once (`auto_da_alloc`): 10–170 ms for a save's 50 files in `/tmp`,
    /// where writing them over takes 2–4 ms.
    Overwrite,
}

/// Changes a folder in place: writes `writes`, publishes the cache files `shares` (hard links,
/// as [`Output`] does), removes `removes` and the folders they leave empty. For the dev
/// server's private folder, which it changes under its write lock so that a request sees the
/// old files or the new ones, and for `gen build --incremental`, which changes only what an
/// edit changed. `how` says whether a file is renamed over its place or written over it
/// ([`Replace`]); either way a file that is a hard link into gen's cache is replaced, never
/// written through.
pub fn update_in_place(
    dir: &Path,
    writes: &[(String, Vec<u8>)],
    shares: &[(String, PathBuf)],
    removes: &[String],
    how: Replace,
) -> Result<()> {
    let target = |rel: &str| -> Result<PathBuf> {
        let path = safe_join(dir, rel).ok_or_else(|| {
            Error::Internal(format!(
                "refusing to write outside the output folder: {rel}"
            ))
        })?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        Ok(path)
    };
    let beside = |path: &Path| -> PathBuf {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        path.with_file_name(format!(".{name}.gen-new-{}", std::process::id()))
    };
    for (rel, bytes) in writes {
        let path = target(rel)?;
        if how == Replace::Overwrite {
            overwrite(&path, bytes).map_err(|e| Error::io(&path, e))?;
            continue;
        }
        let tmp = beside(&path);
        fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
        fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
    }
    for (rel, src) in shares {
        let path = target(rel)?;
        let tmp = beside(&path);
        let _ = fs::remove_file(&tmp);
        if fs::hard_link(src, &tmp).is_err() {
            fs::copy(src, &tmp).map_err(|e| Error::io(src, e))?;
        }
        fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
    }
    for rel in removes {
        let Some(path) = safe_join(dir, rel) else {
            continue;
        };
        let _ = fs::remove_file(&path);
        // Remove folders left empty, up to `dir`.
        let mut parent = path.parent();
        while let Some(d) = parent {
            if d == dir || fs::remove_dir(d).is_err() {
                break;
            }
            parent = d.parent();
        }
    }
    Ok(())
}

/// Writes `bytes` over the file at `path` without truncating it first (the length is set
/// after), so ext4 does not force the blocks out ([`Replace::Overwrite`]). A file with other
/// hard links (published from gen's cache) is unlinked first, so the cache keeps its bytes.
fn overwrite(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let open = || {
        fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
    };
    let mut file = open()?;
    if linked_elsewhere(&file.metadata()?) {
        drop(file);
        fs::remove_file(path)?;
        file = open()?;
    }
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)
}

#[cfg(unix)]
fn linked_elsewhere(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() > 1
}

/// Elsewhere hard links cannot be counted from the metadata: always start a new file.
#[cfg(not(unix))]
fn linked_elsewhere(_: &fs::Metadata) -> bool {
    true
}

/// Files kept in memory, for tests and the dev server.
#[derive(Default)]
pub struct MemorySink {
    /// Site-relative path → bytes.
    pub files: Mutex<std::collections::BTreeMap<String, Vec<u8>>>,
}

impl Sink for MemorySink {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        if safe_join(Path::new("/"), rel).is_none() {
            return Err(Error::Internal(format!(
                "refusing to write outside the output folder: {rel}"
            )));
        }
        let mut files = self
            .files
            .lock()
            .map_err(|_| Error::Internal("sink poisoned".into()))?;
        if files
            .insert(rel.trim_start_matches('/').to_string(), bytes.to_vec())
            .is_some()
        {
            return Err(Error::Collision(rel.trim_start_matches('/').to_string()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_join_refuses_escapes() {
        let b = Path::new("/out");
        assert_eq!(
            safe_join(b, "a/b/index.html"),
            Some(PathBuf::from("/out/a/b/index.html"))
        );
        for bad in [
            "../x",
            "a/../../x",
            "a\\..\\x",
            "a\0b",
            "C:evil",
            "a/..",
            "/..",
        ] {
            assert_eq!(safe_join(b, bad), None, "{bad:?}");
        }
    }

    #[test]
    fn an_overwrite_leaves_the_new_bytes_only_and_never_writes_through_a_hard_link() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir_all(site.join("a")).unwrap();
        fs::write(site.join("a/index.html"), b"a longer page than the next").unwrap();
        let cached = dir.path().join("photo.webp");
        fs::write(&cached, b"cached bytes").unwrap();
        fs::hard_link(&cached, site.join("photo.webp")).unwrap();
        let writes = [
            ("a/index.html".to_string(), b"shorter".to_vec()),
            ("photo.webp".to_string(), b"generated".to_vec()),
            ("b/new.html".to_string(), b"new".to_vec()),
        ];
        for how in [Replace::Overwrite, Replace::Rename] {
            update_in_place(&site, &writes, &[], &[], how).unwrap();
            assert_eq!(fs::read(site.join("a/index.html")).unwrap(), b"shorter");
            assert_eq!(fs::read(site.join("photo.webp")).unwrap(), b"generated");
            assert_eq!(fs::read(site.join("b/new.html")).unwrap(), b"new");
            assert_eq!(fs::read(&cached).unwrap(), b"cached bytes", "{how:?}");
            let left: Vec<_> = fs::read_dir(site.join("a"))
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert_eq!(left, ["index.html"], "no temporary file is left");
            fs::remove_file(site.join("photo.webp")).unwrap();
            fs::hard_link(&cached, site.join("photo.webp")).unwrap();
        }
    }

    #[test]
    fn a_path_written_twice_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let o = Output::begin(&dir.path().join("public"), false).unwrap();
        o.write("a/index.html", b"one").unwrap();
        o.write("a/index.htm", b"other").unwrap();
        let second = o.write("/a/index.html", b"two").unwrap_err();
        assert!(
            matches!(&second, Error::Collision(p) if p == "a/index.html"),
            "{second:?}"
        );
        assert_eq!(
            fs::read(o.staging_dir().join("a/index.html")).unwrap(),
            b"one"
        );
    }

    #[test]
    fn failed_build_leaves_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let o = Output::begin(&out, true).unwrap();
        o.write("a/index.html", b"one").unwrap();
        o.commit(b"test marker\n").unwrap();
        let o = Output::begin(&out, true).unwrap();
        o.write("a/index.html", b"two").unwrap();
        drop(o);
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp folders left"
        );
    }

    #[test]
    fn unchanged_files_keep_their_mtime() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let o = Output::begin(&out, true).unwrap();
        o.write("x.html", b"same").unwrap();
        o.commit(b"test marker\n").unwrap();
        let before = fs::metadata(out.join("x.html"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let o = Output::begin(&out, true).unwrap();
        o.write("x.html", b"same").unwrap();
        let stats = o.commit(b"test marker\n").unwrap();
        assert_eq!(stats.unchanged, 1);
        assert_eq!(
            fs::metadata(out.join("x.html"))
                .unwrap()
                .modified()
                .unwrap(),
            before
        );
    }

    #[test]
    fn dangerous_output_dirs_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("content")).unwrap();
        for bad in [
            root.to_path_buf(),
            root.join("."),
            root.join(".."),
            PathBuf::from("/"),
            root.join("content/x"),
        ] {
            assert!(
                check_output_dir(root, &bad, false).is_err(),
                "{}",
                bad.display()
            );
        }
        fs::create_dir_all(root.join("stuff")).unwrap();
        fs::write(root.join("stuff/keep.txt"), "x").unwrap();
        assert!(check_output_dir(root, &root.join("stuff"), false).is_err());
        assert!(check_output_dir(root, &root.join("public"), false).is_ok());
    }
}
