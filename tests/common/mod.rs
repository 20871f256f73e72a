//! Fixture sites for integration tests: write files into a temporary folder, run the real `gen`
//! binary on it, and read what it wrote.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A site.toml with English (default), Russian and Arabic.
pub const SITE_TOML: &str = r#"title = "Fixture"
base_url = "https://fixture.example/"
default_language = "en"
minify = false

[languages.en]
name = "English"

[languages.ru]
name = "Русский"

[languages.ar]
name = "العربية"
"#;

/// A temporary site.
pub struct Fixture {
    /// Keeps the folder alive.
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// A site with `SITE_TOML` and the given files (path relative to the site root, text).
    pub fn new(files: &[(&str, &str)]) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let f = Fixture { dir };
        if !files.iter().any(|(p, _)| *p == "site.toml") {
            f.write("site.toml", SITE_TOML);
        }
        for (p, text) in files {
            f.write(p, text);
        }
        f
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes (or replaces) a file.
    pub fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Writes (or replaces) a binary file (images).
    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    /// Runs `gen <args> --root <site>` (the binary; `gen` is a keyword).
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_gen"))
            .args(args)
            .arg("--root")
            .arg(self.root())
            .env("NO_COLOR", "1")
            .output()
            .expect("run gen")
    }

    /// Runs `gen build` and panics with its stderr when it fails.
    pub fn build_ok(&self) -> Output {
        let out = self.run(&["build"]);
        assert!(
            out.status.success(),
            "gen build failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// The output folder.
    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Reads an output file as text.
    pub fn read(&self, rel: &str) -> String {
        let p = self.public().join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// Parses an output HTML file.
    pub fn html(&self, rel: &str) -> scraper::Html {
        scraper::Html::parse_document(&self.read(rel))
    }
}

/// An article's front matter and body.
pub fn article(front_matter: &str, body: &str) -> String {
    format!("---\n{front_matter}\n---\n{body}\n")
}

/// A small real JPEG (`w`×`h`, a gradient), for fixtures that need an image gen can read.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w.max(1)) as u8, (y * 255 / h.max(1)) as u8, 120])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&img)
        .expect("JPEG encoded");
    out
}

/// A small real PNG (`w`×`h`).
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 200]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("PNG encoded");
    out
}

/// Text of the first element matching a CSS selector.
pub fn text_of(doc: &scraper::Html, selector: &str) -> Option<String> {
    let s = scraper::Selector::parse(selector).expect("selector");
    doc.select(&s).next().map(|e| {
        e.text()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// Attribute of every element matching a CSS selector.
pub fn attrs(doc: &scraper::Html, selector: &str, attr: &str) -> Vec<String> {
    let s = scraper::Selector::parse(selector).expect("selector");
    doc.select(&s)
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// Every file under a folder with its bytes, for "nothing changed" checks.
/// Copies the folder `from` with everything in it to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    if !dir.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            out.push((
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            ));
        }
    }
    out
}
