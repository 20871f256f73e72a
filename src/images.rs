//! One pipeline for every photo gen publishes: lead images (`image:`), images in article bodies,
//! photos in people.yaml, and the static images templates ask for with `image(path=…)`
//! ([`crate::theme_images`], which lists their variants with [`variants`] when the theme loads).
//!
//! [`attach`] finds each image the site shows, reads its header (format, size, EXIF orientation)
//! and refuses bad files before anything is written, each error at the Markdown line (or the
//! people.yaml line) that names the file. It lists the image's *variants*: WebP at the widths
//! of `[images] widths` (never enlarged), one JPEG or PNG at a share width (≥ 1200 px when the
//! source has it, for og:image, feeds and browsers without WebP) and, for lead images, 16:9,
//! 4:3 and 1:1 crops for structured data. Variant names hash the source bytes and the
//! settings, so a page can name them before they exist and a long cache lifetime is safe.
//!
//! [`produce`] makes one image's variants (a [`crate::outputs::Product::Image`]): decode,
//! orientation applied, resize (`fast_image_resize`), encode (libwebp through `webp`; JPEG and
//! PNG through `image`). Re-encoding writes no metadata: GPS position, camera and serial
//! numbers, maker notes, thumbnails, XMP and IPTC are gone; with `keep_copyright` the artist
//! and copyright fields are written back, and nothing else. Encoded files are kept in
//! `.gen-cache/images/` beside `site.toml`, named by the same hash: a rebuild with unchanged
//! images encodes nothing, and the folder is safe to delete.
//!
//! SVG files pass through unchanged (never rasterized) and are shown only as `<img>`.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use sha2::{Digest, Sha256};

use crate::config::{Config, ImagesConfig};
use crate::content::{FileRef, file_ref};
use crate::diagnostics::{Diagnostic, Error, Result, escape_html};
use crate::outputs::Made;
use crate::site::Site;

/// Bumped when the encoding changes, so cached files of an older gen are not reused.
const PIPELINE: u32 = 1;

/// Width of the share variant and the crops: what Google Discover and large link previews
/// ask for.
pub const SHARE_WIDTH: u32 = 1200;

/// The folder of encoded variants, beside `site.toml`.
pub fn cache_dir(config: &Config) -> PathBuf {
    config.root.join(".gen-cache").join("images")
}

/// Raster formats gen reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    WebP,
}

/// Formats gen writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Lossy WebP (what pages show).
    WebP,
    /// JPEG (share images, feeds, fallback).
    Jpeg,
    /// PNG (fallback of PNG sources, which may be drawings or screenshots).
    Png,
}

impl Format {
    /// File extension.
    pub fn ext(self) -> &'static str {
        match self {
            Format::WebP => "webp",
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }
}

/// A share crop's aspect ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Aspect {
    /// 16:9.
    Wide,
    /// 4:3.
    Standard,
    /// 1:1.
    Square,
}

impl Aspect {
    /// Every crop structured data lists, in Google's order.
    pub const ALL: [Aspect; 3] = [Aspect::Wide, Aspect::Standard, Aspect::Square];

    fn ratio(self) -> (u32, u32) {
        match self {
            Aspect::Wide => (16, 9),
            Aspect::Standard => (4, 3),
            Aspect::Square => (1, 1),
        }
    }
}

/// What a variant shows of its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The whole image, for `srcset`.
    Responsive,
    /// The whole image in the source's format, for `src`, feeds and og:image.
    Fallback,
    /// A crop for structured data.
    Crop(Aspect),
}

/// One file made from a source image.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    /// Output path (site-relative), beside where the original would be published.
    pub rel: String,
    /// File name in the cache folder.
    pub cache: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Encoding.
    pub format: Format,
    /// What it shows.
    pub role: Role,
    /// The region of the (oriented) source it shows: left, top, width, height.
    pub region: (u32, u32, u32, u32),
}

/// What the header of a source file says.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Probe {
    /// Format.
    pub kind: Kind,
    /// SHA-256 of its bytes (hex).
    pub digest: String,
    /// Width as shown (EXIF orientation applied).
    pub width: u32,
    /// Height as shown.
    pub height: u32,
}

/// Why a source file cannot be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It cannot be read.
    Unreadable(String),
    /// Its bytes are no image format.
    NotAnImage,
    /// An image format gen does not read.
    Unsupported(&'static str),
    /// It ends before the image does.
    Truncated,
    /// Larger than `[images] max_pixels`.
    TooLarge {
        /// Width from the header.
        width: u32,
        /// Height from the header.
        height: u32,
        /// The limit.
        max: u64,
    },
    /// The header cannot be parsed.
    Corrupt(String),
}

impl Refusal {
    /// What is wrong, and what to do.
    pub fn explain(&self, max_pixels: u64) -> (String, String) {
        match self {
            Refusal::Unreadable(e) => (
                format!("cannot be read: {e}"),
                "check that the file exists and is readable".into(),
            ),
            Refusal::NotAnImage => (
                "is not an image: its bytes are not JPEG, PNG, WebP or SVG".into(),
                "export the picture again as JPEG (photos) or PNG (drawings, screenshots)".into(),
            ),
            Refusal::Unsupported(name) => (
                format!("is a {name} file, which gen does not publish"),
                "convert it to JPEG (photos) or PNG (drawings, screenshots); SVG passes through as it is".into(),
            ),
            Refusal::Truncated => (
                "is truncated: the file ends before the image does".into(),
                "copy or export the file again; an interrupted download or upload leaves it cut short".into(),
            ),
            Refusal::TooLarge { width, height, .. } => (
                format!(
                    "is {width}×{height} = {} pixels, over the limit of {max_pixels}",
                    u64::from(*width) * u64::from(*height)
                ),
                "scale it down (no page shows more than a few thousand pixels), or raise `max_pixels` under [images] in site.toml".into(),
            ),
            Refusal::Corrupt(e) => (
                format!("cannot be decoded: {e}"),
                "open the file in an image editor and export it again".into(),
            ),
        }
    }
}

/// Headers read before, by file, valid while the file's size and time stay (the dev server
/// keeps one between rebuilds and forgets the files the watcher names).
#[derive(Debug, Default)]
pub struct Memo {
    probes: Mutex<HashMap<PathBuf, (Stamp, Probed)>>,
}

type Stamp = Option<(u64, std::time::SystemTime)>;

/// A file's header, or why it is refused; shared by the memo and the gallery being built.
type Probed = Arc<std::result::Result<Probe, Refusal>>;

fn stamp(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

impl Memo {
    /// Forgets a file (its bytes may have changed with the same size and time).
    pub fn forget(&self, path: &Path) {
        self.probes.lock().expect("memo lock").remove(path);
    }

    fn probe(&self, path: &Path, max_pixels: u64) -> Probed {
        let st = stamp(path);
        if let Some((s, p)) = self.probes.lock().expect("memo lock").get(path)
            && *s == st
            && st.is_some()
        {
            return p.clone();
        }
        let p = Arc::new(probe_file(path, max_pixels));
        self.probes
            .lock()
            .expect("memo lock")
            .insert(path.to_path_buf(), (st, p.clone()));
        p
    }
}

/// Reads what gen needs from a file without decoding its pixels: format, size after EXIF
/// orientation, and the digest of its bytes. Refuses truncated files and files over
/// `max_pixels`.
pub fn probe_file(path: &Path, max_pixels: u64) -> std::result::Result<Probe, Refusal> {
    let bytes = std::fs::read(path).map_err(|e| Refusal::Unreadable(e.to_string()))?;
    probe_bytes(&bytes, max_pixels)
}

/// [`probe_file`] of bytes in memory.
pub fn probe_bytes(bytes: &[u8], max_pixels: u64) -> std::result::Result<Probe, Refusal> {
    let kind = sniff(bytes)?;
    if truncated(kind, bytes) {
        return Err(Refusal::Truncated);
    }
    let mut decoder = ImageReader::with_format(Cursor::new(bytes), image_format(kind))
        .into_decoder()
        .map_err(|e| Refusal::Corrupt(e.to_string()))?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > max_pixels {
        return Err(Refusal::TooLarge {
            width: w,
            height: h,
            max: max_pixels,
        });
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let (width, height) = if swaps(orientation) { (h, w) } else { (w, h) };
    Ok(Probe {
        kind,
        digest: hex(&Sha256::digest(bytes)),
        width,
        height,
    })
}

fn swaps(o: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation::*;
    matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
}

fn image_format(kind: Kind) -> ImageFormat {
    match kind {
        Kind::Jpeg => ImageFormat::Jpeg,
        Kind::Png => ImageFormat::Png,
        Kind::WebP => ImageFormat::WebP,
    }
}

/// The format of a file from its first bytes (the file name may lie).
fn sniff(b: &[u8]) -> std::result::Result<Kind, Refusal> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(Kind::Jpeg)
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(Kind::Png)
    } else if b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Ok(Kind::WebP)
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        Err(Refusal::Unsupported("GIF"))
    } else if b.starts_with(b"BM") && b.len() > 14 {
        Err(Refusal::Unsupported("BMP"))
    } else if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        Err(Refusal::Unsupported("TIFF"))
    } else if b.len() >= 12 && &b[4..8] == b"ftyp" {
        Err(Refusal::Unsupported(match &b[8..12] {
            b"avif" | b"avis" => "AVIF",
            b"heic" | b"heix" | b"mif1" | b"msf1" | b"hevc" => "HEIC",
            _ => "ISO media",
        }))
    } else if b.starts_with(&[0, 0, 1, 0]) {
        Err(Refusal::Unsupported("ICO"))
    } else {
        Err(Refusal::NotAnImage)
    }
}

/// Whether a file ends before its image does: a JPEG without an end marker after its scan, a
/// PNG without IEND, a WebP shorter than its RIFF header says.
fn truncated(kind: Kind, b: &[u8]) -> bool {
    match kind {
        Kind::Jpeg => {
            // Walk the segments to the first scan; an embedded thumbnail's end marker lies in
            // an APP1 segment before it and does not count.
            let mut i = 2;
            while i + 4 <= b.len() {
                if b[i] != 0xFF {
                    return true;
                }
                let marker = b[i + 1];
                if marker == 0xFF {
                    i += 1;
                    continue;
                }
                let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
                if marker == 0xDA {
                    let scan = (i + 2 + len).min(b.len());
                    return !b[scan..].windows(2).any(|w| w == [0xFF, 0xD9]);
                }
                i += 2 + len;
            }
            true
        }
        Kind::Png => !b.windows(4).rev().take(64).any(|w| w == b"IEND"),
        Kind::WebP => {
            let size = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
            b.len() < size + 8
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Whether a path names an SVG file (passed through unchanged).
pub fn is_svg(path: &str) -> bool {
    path.rsplit('.')
        .next()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
}

/// An image the site publishes variants of.
#[derive(Debug, Clone)]
pub struct Picture {
    /// Where the original would be published (site path).
    pub site_path: String,
    /// The source file.
    pub disk: PathBuf,
    /// Its header.
    pub probe: Probe,
    /// Focal point of the crops (from the first lead use that sets one).
    pub focus: Option<(f64, f64)>,
    /// Variants: WebP widths ascending, the fallback, then crops (lead images only).
    pub variants: Vec<Variant>,
    /// Where it is first named: file, line, column and the reference as written (errors found
    /// while encoding point there).
    pub first_use: (PathBuf, usize, usize, String),
}

impl Picture {
    /// The WebP variants, narrowest first.
    pub fn responsive(&self) -> impl Iterator<Item = &Variant> {
        self.variants.iter().filter(|v| v.role == Role::Responsive)
    }

    /// The variant in the source's format (`src`, feeds, og:image).
    pub fn fallback(&self) -> &Variant {
        self.variants
            .iter()
            .find(|v| v.role == Role::Fallback)
            .expect("every picture has a fallback")
    }

    /// A share crop.
    pub fn crop(&self, aspect: Aspect) -> Option<&Variant> {
        self.variants.iter().find(|v| v.role == Role::Crop(aspect))
    }

    /// `srcset` of the WebP variants.
    pub fn srcset(&self, config: &Config) -> String {
        self.responsive()
            .map(|v| format!("{} {}w", config.url(&v.rel), v.width))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Hash of everything its files depend on, for signatures.
    pub fn key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&self.site_path, &self.probe, &self.variants).hash(&mut h);
        h.finish()
    }
}

/// How an article or a person shows an image.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Shown {
    /// Through its variants (index into [`Gallery::pictures`]).
    Picture(usize),
    /// As it is: an SVG, a remote URL, or a file not found (reported by the site checks).
    AsIs,
}

/// Every image of the site, found by [`attach`].
#[derive(Debug, Default, Clone)]
pub struct Gallery {
    /// Images with variants, by site path.
    pub pictures: Vec<Picture>,
    /// Lead image of each article.
    pub lead: Vec<Option<usize>>,
    /// Body images of each article: destination as written in the HTML → picture.
    pub body: Vec<BTreeMap<String, usize>>,
    /// Photo of each person.
    pub people: Vec<Option<usize>>,
}

impl Gallery {
    /// The picture of article `i`'s lead image.
    pub fn lead_of(&self, i: usize) -> Option<&Picture> {
        self.lead
            .get(i)
            .copied()
            .flatten()
            .map(|p| &self.pictures[p])
    }

    /// The picture of person `p`'s photo.
    pub fn person(&self, p: usize) -> Option<&Picture> {
        self.people
            .get(p)
            .copied()
            .flatten()
            .map(|p| &self.pictures[p])
    }

    /// Hash of the pictures article `i` shows (its page key).
    pub fn article_key(&self, i: usize) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.lead_of(i).map(Picture::key).hash(&mut h);
        if let Some(body) = self.body.get(i) {
            for (dest, &p) in body {
                (dest, self.pictures[p].key()).hash(&mut h);
            }
        }
        h.finish()
    }

    /// Hash of person `p`'s photo.
    pub fn person_key(&self, p: usize) -> u64 {
        self.person(p).map_or(0, Picture::key)
    }

    /// Article `i`'s body with its images pointing at their variants: `srcset`, `sizes`,
    /// `width` and `height` (no layout shift), lazy loading and async decoding; with
    /// `responsive` off (feeds), only `src` (the fallback), `width` and `height`.
    pub fn body_html<'h>(
        &self,
        config: &Config,
        i: usize,
        html: &'h str,
        responsive: bool,
    ) -> std::borrow::Cow<'h, str> {
        let Some(body) = self.body.get(i).filter(|b| !b.is_empty()) else {
            return html.into();
        };
        let mut out = String::with_capacity(html.len() + body.len() * 400);
        let mut rest = html;
        while let Some(start) = rest.find("<img ") {
            out.push_str(&rest[..start]);
            let tag_end = rest[start..]
                .find('>')
                .map_or(rest.len(), |e| start + e + 1);
            let tag = &rest[start..tag_end];
            match img_src(tag).and_then(|(src, range)| body.get(&src).map(|&p| (p, range))) {
                Some((p, range)) => {
                    let pic = &self.pictures[p];
                    let mut attrs = String::new();
                    attrs.push_str(&tag[4..range.start]);
                    attrs.push_str(&tag[range.end..tag.len() - 1]);
                    let attrs = attrs
                        .replace(" loading=\"lazy\"", "")
                        .trim_end_matches('/')
                        .trim_end()
                        .to_string();
                    out.push_str(&img_tag(config, pic, &attrs, responsive, BODY_SIZES));
                }
                None => out.push_str(tag),
            }
            rest = &rest[tag_end..];
        }
        out.push_str(rest);
        out.into()
    }
}

/// `sizes` of a body image: the text column, at most 40rem (the theme's `--measure`).
pub const BODY_SIZES: &str = "(min-width: 44rem) 40rem, 100vw";

/// An `<img>` of a picture; `attrs` are the other attributes (alt, title, class), written as
/// they are.
fn img_tag(config: &Config, pic: &Picture, attrs: &str, responsive: bool, sizes: &str) -> String {
    let f = pic.fallback();
    let mut s = format!("<img src=\"{}\"", escape_html(&config.url(&f.rel)));
    if responsive {
        s.push_str(&format!(
            " srcset=\"{}\" sizes=\"{sizes}\"",
            escape_html(&pic.srcset(config))
        ));
    }
    s.push_str(&format!(" width=\"{}\" height=\"{}\"", f.width, f.height));
    s.push_str(attrs);
    if responsive {
        s.push_str(" loading=\"lazy\" decoding=\"async\"");
    }
    s.push('>');
    s
}

/// The `src` attribute of an `<img …>` tag: its value (HTML entities of Markdown output
/// decoded) and the byte range of the whole attribute with its leading space.
fn img_src(tag: &str) -> Option<(String, std::ops::Range<usize>)> {
    let at = tag.find(" src=\"")?;
    let value_start = at + 6;
    let len = tag[value_start..].find('"')?;
    let raw = &tag[value_start..value_start + len];
    let value = raw
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    Some((value, at..value_start + len + 1))
}

/// Where a reference to an image is published from: the site path of the original, when it is
/// a file of this site.
fn site_path(config: &Config, article_rel: &str, dest: &str) -> Option<String> {
    match file_ref(dest) {
        FileRef::NotLocal => None,
        FileRef::Beside(p) => Some(format!("{article_rel}{p}")),
        FileRef::Root(p) => Some(
            p.strip_prefix(config.base_path.trim_start_matches('/'))
                .filter(|_| config.base_path != "/")
                .unwrap_or(&p)
                .to_string(),
        ),
        FileRef::Climbing(p) => {
            let mut parts: Vec<&str> = article_rel.split('/').filter(|s| !s.is_empty()).collect();
            for seg in p.split('/') {
                match seg {
                    "" | "." => {}
                    ".." => {
                        parts.pop()?;
                    }
                    s => parts.push(s),
                }
            }
            Some(parts.join("/"))
        }
    }
}

/// A reference to an image: who names it, where, as written, and its focal point.
struct Use {
    file: PathBuf,
    line: usize,
    col: usize,
    written: String,
    focus: Option<(f64, f64)>,
    lead: bool,
}

/// Finds every image the site shows and lists its variants into `site.images`; every bad
/// image is an error at the line that names it, reported before anything is written.
pub fn attach(site: &mut Site, memo: &Memo) -> std::result::Result<(), Vec<Diagnostic>> {
    let config = &site.config;
    // Site path → source file: bundle files, then the site's and the theme's static files.
    let mut bundle: HashMap<String, PathBuf> = HashMap::new();
    for a in &site.articles {
        if let Some(dir) = a.doc.file.abs.parent() {
            for asset in &a.doc.file.assets {
                bundle.insert(crate::urls::asset(&a.rel, asset), dir.join(asset));
            }
        }
    }
    let theme_static = config
        .root
        .join("themes")
        .join(&config.theme)
        .join("static");
    let site_static = config.root.join("static");
    let source = |path: &str| -> Option<PathBuf> {
        if let Some(p) = bundle.get(path) {
            return Some(p.clone());
        }
        [&site_static, &theme_static]
            .into_iter()
            .filter_map(|d| crate::output::safe_join(d, path))
            .find(|p| p.is_file())
    };

    // Every use, in site order, by site path.
    let mut uses: BTreeMap<String, Vec<Use>> = BTreeMap::new();
    let mut lead_paths: Vec<Option<String>> = Vec::with_capacity(site.articles.len());
    let mut body_paths: Vec<Vec<(String, String)>> = Vec::with_capacity(site.articles.len());
    let mut add = |path: Option<String>, u: Use| -> Option<String> {
        let path = path.filter(|p| !is_svg(p) && source(p).is_some())?;
        uses.entry(path.clone()).or_default().push(u);
        Some(path)
    };
    for a in &site.articles {
        let file = a.doc.display_path();
        lead_paths.push(a.doc.meta.image.as_ref().and_then(|img| {
            add(
                site_path(config, &a.rel, &img.src),
                Use {
                    file: file.clone(),
                    line: img.src_line,
                    col: img.src_col,
                    written: img.src.clone(),
                    focus: img.focus,
                    lead: true,
                },
            )
        }));
        let mut body = Vec::new();
        for l in a.rendered.links.iter().filter(|l| l.image && !l.content) {
            if let Some(p) = add(
                site_path(config, &a.rel, &l.dest),
                Use {
                    file: file.clone(),
                    line: l.line,
                    col: l.col,
                    written: l.dest.clone(),
                    focus: None,
                    lead: false,
                },
            ) {
                body.push((l.dest.clone(), p));
            }
        }
        body_paths.push(body);
    }
    let people_yaml = PathBuf::from("content").join("people.yaml");
    let people_text = std::fs::read_to_string(config.root.join("content").join("people.yaml"))
        .unwrap_or_default();
    let mut person_paths = Vec::with_capacity(site.people.list.len());
    for p in &site.people.list {
        person_paths.push(p.photo.as_ref().and_then(|ph| {
            let line = people_text
                .lines()
                .position(|l| l.contains("photo") && l.contains(ph.as_str()))
                .map_or(1, |n| n + 1);
            add(
                site_path(config, "", ph),
                Use {
                    file: people_yaml.clone(),
                    line,
                    col: 1,
                    written: ph.clone(),
                    focus: None,
                    lead: false,
                },
            )
        }));
    }

    // Headers, in parallel.
    use rayon::prelude::*;
    let settings = &config.images;
    let probed: Vec<(String, PathBuf, Probed)> = uses
        .keys()
        .cloned()
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|path| {
            let disk = source(&path).expect("checked when added");
            let p = memo.probe(&disk, settings.max_pixels);
            (path, disk, p)
        })
        .collect();

    let mut errors = Vec::new();
    let mut pictures = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (path, disk, probe) in probed {
        let list = &uses[&path];
        match &*probe {
            Err(refusal) => {
                let (why, hint) = refusal.explain(settings.max_pixels);
                let shown = disk.strip_prefix(&config.root).unwrap_or(&disk);
                for u in list {
                    errors.push(
                        Diagnostic::error(
                            &u.file,
                            u.line,
                            u.col,
                            format!("image `{}` ({}) {why}", u.written, shown.display()),
                        )
                        .with_hint(hint.clone()),
                    );
                }
            }
            Ok(probe) => {
                let lead = list.iter().any(|u| u.lead);
                let focus = list.iter().find_map(|u| u.focus);
                let first = &list[0];
                index.insert(path.clone(), pictures.len());
                pictures.push(Picture {
                    variants: variants(&path, probe, settings, lead.then_some(focus)),
                    site_path: path,
                    disk,
                    probe: probe.clone(),
                    focus,
                    first_use: (
                        first.file.clone(),
                        first.line,
                        first.col,
                        first.written.clone(),
                    ),
                });
            }
        }
    }
    if !errors.is_empty() {
        crate::diagnostics::sort(&mut errors);
        return Err(errors);
    }
    let find = |p: &Option<String>| p.as_ref().and_then(|p| index.get(p).copied());
    site.images = Gallery {
        lead: lead_paths.iter().map(find).collect(),
        body: body_paths
            .into_iter()
            .map(|b| {
                b.into_iter()
                    .filter_map(|(dest, p)| index.get(&p).map(|&i| (dest, i)))
                    .collect()
            })
            .collect(),
        people: person_paths.iter().map(find).collect(),
        pictures,
    };
    Ok(())
}

/// The variants of a source at `path`; `crops` (lead images) with the focal point.
pub fn variants(
    path: &str,
    probe: &Probe,
    settings: &ImagesConfig,
    crops: Option<Option<(f64, f64)>>,
) -> Vec<Variant> {
    let (w, h) = (probe.width, probe.height);
    let make = |role: Role, format: Format, width: u32, region: (u32, u32, u32, u32)| {
        let height = ((u64::from(width) * u64::from(region.3) + u64::from(region.2) / 2)
            / u64::from(region.2))
        .max(1) as u32;
        let mut hash = Sha256::new();
        hash.update(
            format!(
                "{PIPELINE}|{}|{format:?}|{width}|{region:?}|{}|{}",
                probe.digest, settings.quality, settings.keep_copyright
            )
            .as_bytes(),
        );
        let key = hex(&hash.finalize());
        Variant {
            rel: crate::urls::image_variant(path, width, height, &key[..10], format.ext()),
            cache: format!("{}.{}", &key[..32], format.ext()),
            width,
            height,
            format,
            role,
            region,
        }
    };
    let whole = (0, 0, w, h);
    let mut widths: Vec<u32> = settings.widths.iter().copied().filter(|&x| x < w).collect();
    widths.push(w.min(settings.widths.iter().copied().max().unwrap_or(w)));
    widths.sort_unstable();
    widths.dedup();
    let mut out: Vec<Variant> = widths
        .iter()
        .map(|&x| make(Role::Responsive, Format::WebP, x, whole))
        .collect();
    let share = widths
        .iter()
        .copied()
        .find(|&x| x >= SHARE_WIDTH)
        .unwrap_or(*widths.last().expect("one width at least"));
    let fallback = match probe.kind {
        Kind::Png => Format::Png,
        Kind::Jpeg | Kind::WebP => Format::Jpeg,
    };
    out.push(make(Role::Fallback, fallback, share, whole));
    if let Some(focus) = crops {
        for aspect in Aspect::ALL {
            let region = crop_region(w, h, aspect.ratio(), focus.unwrap_or((0.5, 0.5)));
            out.push(make(
                Role::Crop(aspect),
                fallback,
                region.2.min(SHARE_WIDTH),
                region,
            ));
        }
    }
    out
}

/// The largest region of ratio `rw:rh` inside `w`×`h`, centered on the focal point as far as
/// the edges allow.
pub fn crop_region(
    w: u32,
    h: u32,
    (rw, rh): (u32, u32),
    focus: (f64, f64),
) -> (u32, u32, u32, u32) {
    let (cw, ch) = if u64::from(w) * u64::from(rh) > u64::from(h) * u64::from(rw) {
        ((u64::from(h) * u64::from(rw) / u64::from(rh)) as u32, h)
    } else {
        (w, (u64::from(w) * u64::from(rh) / u64::from(rw)) as u32)
    };
    let (cw, ch) = (cw.max(1), ch.max(1));
    let place = |size: u32, crop: u32, at: f64| -> u32 {
        let center = at * f64::from(size);
        let start = (center - f64::from(crop) / 2.0).round();
        start.clamp(0.0, f64::from(size - crop)) as u32
    };
    (place(w, cw, focus.0), place(h, ch, focus.1), cw, ch)
}

/// Whether some variant of `pic` is not in the cache yet: producing it means decoding and
/// encoding (the dev server makes such images after the page that shows them is served).
pub fn needs_encoding(config: &Config, pic: &Picture) -> bool {
    let dir = cache_dir(config);
    pic.variants.iter().any(|v| !dir.join(&v.cache).is_file())
}

/// Makes picture `pic`'s variant files, encoding only those not in the cache; returns them as
/// copies from the cache.
pub fn produce(config: &Config, pic: &Picture) -> Result<Vec<(String, Made)>> {
    let dir = cache_dir(config);
    // A crop of the whole image (16:9 of a 16:9 photo) is the fallback itself: one file.
    let mut files: Vec<&Variant> = pic.variants.iter().collect();
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    files.dedup_by(|a, b| a.rel == b.rel);
    let missing: Vec<&Variant> = files
        .iter()
        .copied()
        .filter(|v| !dir.join(&v.cache).is_file())
        .collect();
    if !missing.is_empty() {
        let fail = |why: String| {
            let (file, line, col, written) = &pic.first_use;
            Error::Content(vec![
                Diagnostic::error(
                    file,
                    *line,
                    *col,
                    format!(
                        "image `{written}` ({}) {why}",
                        pic.disk
                            .strip_prefix(&config.root)
                            .unwrap_or(&pic.disk)
                            .display()
                    ),
                )
                .with_hint("open the file in an image editor and export it again"),
            ])
        };
        let bytes = std::fs::read(&pic.disk).map_err(|e| fail(format!("cannot be read: {e}")))?;
        let image = decode(&bytes, pic.probe.kind, config.images.max_pixels)
            .map_err(|e| fail(format!("cannot be decoded: {e}")))?;
        let exif = if config.images.keep_copyright {
            copyright_exif(&bytes)
        } else {
            None
        };
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        for v in missing {
            let encoded =
                encode(&image, v, config.images.quality, exif.as_deref()).map_err(&fail)?;
            // Written under a temporary name and renamed: a killed build leaves no half file
            // that a later build would take for a finished one. The name is this process's and
            // this picture's: two pictures with the same bytes (the same photo in two page
            // bundles) share cache files and may be encoded at the same time.
            let tmp = dir.join(format!(
                ".{}.{}-{:x}.tmp",
                v.cache,
                std::process::id(),
                std::ptr::from_ref(pic) as usize
            ));
            std::fs::write(&tmp, &encoded).map_err(|e| Error::io(&tmp, e))?;
            // Read-only: outputs share cache files (hard links), and nothing may change one.
            let mut perms = std::fs::metadata(&tmp)
                .map_err(|e| Error::io(&tmp, e))?
                .permissions();
            perms.set_readonly(true);
            std::fs::set_permissions(&tmp, perms).map_err(|e| Error::io(&tmp, e))?;
            std::fs::rename(&tmp, dir.join(&v.cache)).map_err(|e| Error::io(&tmp, e))?;
        }
    }
    // The product's own path (the first variant) first.
    let first = &pic.variants[0].rel;
    files.sort_by_key(|v| &v.rel != first);
    Ok(files
        .into_iter()
        .map(|v| (v.rel.clone(), Made::Cached(dir.join(&v.cache))))
        .collect())
}

/// Decodes a file with its EXIF orientation applied, as 8-bit RGB (or RGBA when it has
/// transparency).
pub fn decode(
    bytes: &[u8],
    kind: Kind,
    max_pixels: u64,
) -> std::result::Result<DynamicImage, String> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format(kind));
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(max_pixels.saturating_mul(8));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    img.apply_orientation(orientation);
    Ok(if img.color().has_alpha() {
        DynamicImage::ImageRgba8(img.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(img.into_rgb8())
    })
}

/// Resizes (and crops) to the variant, then encodes it; no metadata but `exif` (copyright).
pub fn encode(
    image: &DynamicImage,
    v: &Variant,
    quality: u8,
    exif: Option<&[u8]>,
) -> std::result::Result<Vec<u8>, String> {
    use fast_image_resize as fr;
    let alpha = image.color().has_alpha() && v.format != Format::Jpeg;
    let src: DynamicImage = if image.color().has_alpha() && !alpha {
        DynamicImage::ImageRgb8(image.to_rgb8())
    } else {
        image.clone()
    };
    let pixel = if alpha {
        fr::PixelType::U8x4
    } else {
        fr::PixelType::U8x3
    };
    let mut dst = fr::images::Image::new(v.width, v.height, pixel);
    let (l, t, w, h) = v.region;
    let options = fr::ResizeOptions::new()
        .resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3))
        .crop(f64::from(l), f64::from(t), f64::from(w), f64::from(h));
    fr::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| e.to_string())?;
    let buf = dst.buffer();
    let mut out = Vec::new();
    match v.format {
        Format::WebP => {
            let enc = if alpha {
                webp::Encoder::from_rgba(buf, v.width, v.height)
            } else {
                webp::Encoder::from_rgb(buf, v.width, v.height)
            };
            let mem = enc
                .encode_simple(false, f32::from(quality))
                .map_err(|e| format!("WebP encoding failed: {e:?}"))?;
            out = match exif {
                Some(exif) => webp_with_exif(&mem, v.width, v.height, alpha, exif),
                None => mem.to_vec(),
            };
        }
        Format::Jpeg => {
            use image::ImageEncoder;
            let mut enc =
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality.min(95));
            if let Some(exif) = exif {
                let _ = enc.set_exif_metadata(exif.to_vec());
            }
            enc.write_image(buf, v.width, v.height, image::ExtendedColorType::Rgb8)
                .map_err(|e| e.to_string())?;
        }
        Format::Png => {
            use image::ImageEncoder;
            let mut enc = image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Best,
                image::codecs::png::FilterType::Adaptive,
            );
            if let Some(exif) = exif {
                let _ = enc.set_exif_metadata(exif.to_vec());
            }
            let color = if alpha {
                image::ExtendedColorType::Rgba8
            } else {
                image::ExtendedColorType::Rgb8
            };
            enc.write_image(buf, v.width, v.height, color)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(out)
}

/// The artist and copyright fields of a file's EXIF as a new EXIF block (TIFF bytes) holding
/// only them; `None` when it has neither.
pub fn copyright_exif(bytes: &[u8]) -> Option<Vec<u8>> {
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()?;
    let fields: Vec<exif::Field> = [exif::Tag::Artist, exif::Tag::Copyright]
        .into_iter()
        .filter_map(|t| exif.get_field(t, exif::In::PRIMARY).cloned())
        .collect();
    if fields.is_empty() {
        return None;
    }
    let mut w = exif::experimental::Writer::new();
    for f in &fields {
        w.push_field(f);
    }
    let mut out = Cursor::new(Vec::new());
    w.write(&mut out, false).ok()?;
    Some(out.into_inner())
}

/// A simple (lossy) WebP file rewrapped in the extended format with an EXIF chunk.
fn webp_with_exif(simple: &[u8], width: u32, height: u32, alpha: bool, exif: &[u8]) -> Vec<u8> {
    let mut chunks: Vec<u8> = Vec::new();
    let mut vp8x = vec![0u8; 10];
    vp8x[0] = 0x08 | if alpha { 0x10 } else { 0 };
    vp8x[4..7].copy_from_slice(&(width - 1).to_le_bytes()[..3]);
    vp8x[7..10].copy_from_slice(&(height - 1).to_le_bytes()[..3]);
    let mut push = |tag: &[u8], data: &[u8]| {
        chunks.extend_from_slice(tag);
        chunks.extend_from_slice(&(data.len() as u32).to_le_bytes());
        chunks.extend_from_slice(data);
        if data.len() % 2 == 1 {
            chunks.push(0);
        }
    };
    push(b"VP8X", &vp8x);
    // The simple file's chunks (VP8 or VP8L, and ALPH) follow its 12-byte header.
    let body = simple.get(12..).unwrap_or_default();
    push(b"EXIF", exif);
    let mut out = Vec::with_capacity(chunks.len() + body.len() + 12);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&((4 + chunks.len() + body.len()) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    // Chunk order of the container: VP8X, image data, then EXIF.
    let (vp8x_part, exif_part) = chunks.split_at(18);
    out.extend_from_slice(vp8x_part);
    out.extend_from_slice(body);
    out.extend_from_slice(exif_part);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode_image(&img)
            .expect("encode");
        out
    }

    #[test]
    fn sniffs_formats_and_refuses_others() {
        assert_eq!(sniff(&jpeg(8, 8)), Ok(Kind::Jpeg));
        assert_eq!(sniff(b"GIF89a\x01\x00"), Err(Refusal::Unsupported("GIF")));
        assert_eq!(sniff(b"hello, world"), Err(Refusal::NotAnImage));
        assert_eq!(
            sniff(b"\0\0\0\x1cftypavif\0\0"),
            Err(Refusal::Unsupported("AVIF"))
        );
    }

    #[test]
    fn truncated_and_oversized_files_are_refused_from_the_header() {
        let j = jpeg(64, 48);
        let p = probe_bytes(&j, 10_000).expect("probe");
        assert_eq!((p.width, p.height, p.kind), (64, 48, Kind::Jpeg));
        assert_eq!(
            probe_bytes(&j[..j.len() / 2], 10_000),
            Err(Refusal::Truncated)
        );
        assert_eq!(
            probe_bytes(&j, 1000),
            Err(Refusal::TooLarge {
                width: 64,
                height: 48,
                max: 1000
            })
        );
    }

    #[test]
    fn widths_are_never_enlarged() {
        let probe = Probe {
            kind: Kind::Jpeg,
            digest: "ab".into(),
            width: 1000,
            height: 500,
        };
        let v = variants("a/b.jpg", &probe, &ImagesConfig::default(), None);
        let webp: Vec<u32> = v
            .iter()
            .filter(|v| v.format == Format::WebP)
            .map(|v| v.width)
            .collect();
        assert_eq!(webp, [480, 800, 1000]);
        let f = v
            .iter()
            .find(|v| v.role == Role::Fallback)
            .expect("fallback");
        assert_eq!((f.width, f.height, f.format), (1000, 500, Format::Jpeg));
        assert!(f.rel.starts_with("a/b-1000x500-") && f.rel.ends_with(".jpg"));
    }

    #[test]
    fn crops_follow_the_focal_point_within_the_edges() {
        assert_eq!(
            crop_region(2000, 1000, (1, 1), (0.5, 0.5)),
            (500, 0, 1000, 1000)
        );
        assert_eq!(
            crop_region(2000, 1000, (1, 1), (0.0, 0.5)),
            (0, 0, 1000, 1000)
        );
        assert_eq!(
            crop_region(2000, 1000, (1, 1), (0.9, 0.5)),
            (1000, 0, 1000, 1000)
        );
        assert_eq!(
            crop_region(1000, 1000, (16, 9), (0.5, 0.2)),
            (0, 0, 1000, 562)
        );
    }

    #[test]
    fn body_images_of_the_site_point_at_their_variants_and_others_stay() {
        let config = Config::parse(
            Path::new("/site"),
            "title = \"T\"\nbase_url = \"https://e.org/news/\"\n",
            &Default::default(),
        )
        .expect("config");
        let probe = Probe {
            kind: Kind::Png,
            digest: "cd".into(),
            width: 600,
            height: 300,
        };
        let pic = Picture {
            site_path: "a/m&p.png".into(),
            disk: PathBuf::from("/site/content/a/m&p.png"),
            variants: variants("a/m&p.png", &probe, &config.images, None),
            probe,
            focus: None,
            first_use: (PathBuf::new(), 1, 1, "m&p.png".into()),
        };
        let gallery = Gallery {
            pictures: vec![pic],
            lead: vec![None],
            body: vec![BTreeMap::from([("m&p.png".to_string(), 0)])],
            people: Vec::new(),
        };
        let html = "<p>A <img src=\"m&amp;p.png\" alt=\"Map\" /> and <img src=\"https://x.org/y.jpg\" alt=\"Y\" /></p>";
        let out = gallery.body_html(&config, 0, html, true);
        assert!(
            out.starts_with("<p>A <img src=\"/news/a/m&amp;p-600x300-"),
            "{out}"
        );
        assert!(out.contains(" srcset=\"/news/a/m&amp;p-480x240-"), "{out}");
        assert!(
            out.contains(
                " width=\"600\" height=\"300\" alt=\"Map\" loading=\"lazy\" decoding=\"async\">"
            ),
            "{out}"
        );
        assert!(
            out.ends_with(" and <img src=\"https://x.org/y.jpg\" alt=\"Y\" /></p>"),
            "{out}"
        );
        let feed = gallery.body_html(&config, 0, html, false);
        assert!(
            !feed.contains("srcset") && !feed.contains("loading"),
            "{feed}"
        );
    }

    #[test]
    fn variants_encode_and_decode_at_their_size() {
        let img = decode(&jpeg(40, 20), Kind::Jpeg, 1 << 20).expect("decode");
        let v = Variant {
            rel: "x.webp".into(),
            cache: "x.webp".into(),
            width: 20,
            height: 10,
            format: Format::WebP,
            role: Role::Responsive,
            region: (0, 0, 40, 20),
        };
        let out = encode(&img, &v, 75, None).expect("encode");
        let back = image::load_from_memory(&out).expect("decodes");
        assert_eq!((back.width(), back.height()), (20, 10));
    }
}
