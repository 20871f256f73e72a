//! Generates the example site's pictures (no downloaded photos): a landscape "photo" of solar
//! panels in a field at dusk, and a bar chart, for `content/en/village-solar-cooperatives/`.
//!
//! ```text
//! cargo run --example photos -- [--out DIR] [--width W] [--height H] [--seed S]
//! cargo run --release --example photos -- --corpus DIR [--width 2000] [--height 1333]
//! ```
//!
//! With `--corpus`, every article of a site made by the `corpus` example becomes a page bundle
//! (`slug.md` → `slug/index.md`, `translation_of` paths to match) with a lead photo of its own
//! (`photo.jpg`, seeded by the article's path), for the benchmark of bench/run.sh.
//!
//! The photo carries the EXIF a stringer's camera would write — GPS position, camera make,
//! model and serial number, a maker note, artist and copyright — so that the example shows gen
//! publishing none of it. The same arguments always give the same bytes. The benchmark's
//! corpus generator uses [`photo`] for its 2000×1333 lead images.

use std::io::Cursor;
use std::path::PathBuf;

use image::{ImageEncoder, Rgb, RgbImage};

/// A deterministic 0‥1 pseudo-random value of a lattice point.
fn hash(x: i64, y: i64, seed: u64) -> f32 {
    let mut h = (x as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (y as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ seed.wrapping_mul(0x1656_67B1_9E37_79F9);
    h ^= h >> 31;
    h = h.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    h ^= h >> 32;
    (h & 0xFFFF) as f32 / 65535.0
}

/// Smooth value noise of a few octaves, 0‥1.
fn noise(x: f32, y: f32, seed: u64) -> f32 {
    let mut total = 0.0;
    let mut amp = 0.5;
    let mut freq = 1.0;
    for o in 0..4 {
        let (fx, fy) = (x * freq, y * freq);
        let (x0, y0) = (fx.floor() as i64, fy.floor() as i64);
        let (tx, ty) = (fx - fx.floor(), fy - fy.floor());
        let (sx, sy) = (tx * tx * (3.0 - 2.0 * tx), ty * ty * (3.0 - 2.0 * ty));
        let s = seed + o;
        let a = hash(x0, y0, s) + (hash(x0 + 1, y0, s) - hash(x0, y0, s)) * sx;
        let b = hash(x0, y0 + 1, s) + (hash(x0 + 1, y0 + 1, s) - hash(x0, y0 + 1, s)) * sx;
        total += amp * (a + (b - a) * sy);
        amp *= 0.5;
        freq *= 2.0;
    }
    total / 0.9375
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    let t = t.clamp(0.0, 1.0);
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

/// A landscape at dusk: sky, sun, hills, a field and rows of solar panels; `seed` moves the
/// hills, the sun and the panels, so every seed is another picture.
pub fn photo(w: u32, h: u32, seed: u64) -> RgbImage {
    let (fw, fh) = (w as f32, h as f32);
    let sun = (0.25 + 0.5 * hash(1, 2, seed), 0.25 + 0.1 * hash(3, 4, seed));
    let horizon = 0.55 + 0.08 * hash(5, 6, seed);
    let rows = 3 + (hash(7, 8, seed) * 3.0) as u32;
    RgbImage::from_fn(w, h, |x, y| {
        let (u, v) = (x as f32 / fw, y as f32 / fh);
        let grain = (hash(x as i64, y as i64, seed ^ 77) - 0.5) * 10.0;
        let hill = horizon - 0.12 * noise(u * 3.0, 0.5, seed + 10);
        let mut c = if v < hill {
            // Sky: orange at the horizon to deep blue above, a glowing sun, soft clouds.
            let mut c = mix([28.0, 52.0, 112.0], [240.0, 150.0, 80.0], v / hill);
            let d = ((u - sun.0).powi(2) * (fw / fh).powi(2) + (v - sun.1).powi(2)).sqrt();
            c = mix(c, [255.0, 236.0, 190.0], (0.06 - d) * 40.0);
            c = mix(c, [255.0, 200.0, 150.0], 0.25 * (0.3 - d).max(0.0) / 0.3);
            let cloud = noise(u * 4.0, v * 12.0, seed + 20);
            mix(c, [250.0, 214.0, 196.0], (cloud - 0.55) * 2.0)
        } else {
            // Field: dark green to ochre, with furrows.
            let depth = (v - hill) / (1.0 - hill);
            let t = noise(u * 8.0, v * 30.0, seed + 30);
            let mut c = mix(
                [44.0, 70.0, 34.0],
                [150.0, 128.0, 60.0],
                t * 0.8 + depth * 0.3,
            );
            let furrow = ((u - 0.5) / (0.05 + depth) * 40.0).sin() * 0.5 + 0.5;
            c = mix(c, [60.0, 48.0, 30.0], furrow * depth * 0.25);
            // Rows of panels: dark blue slabs with a glint of the sky.
            for r in 0..rows {
                let top = hill + (1.0 - hill) * (0.15 + 0.22 * r as f32);
                let height = 0.03 + 0.05 * r as f32;
                if v > top && v < top + height {
                    let cell = ((u * (20.0 + 6.0 * r as f32)).fract() < 0.94) as u8 as f32;
                    let glint = (1.0 - (v - top) / height) * 0.5;
                    c = mix(
                        [20.0, 28.0, 52.0],
                        [120.0, 130.0, 170.0],
                        glint * cell + (1.0 - cell) * 0.9,
                    );
                }
            }
            c
        };
        for ch in &mut c {
            *ch = (*ch + grain).clamp(0.0, 255.0);
        }
        Rgb([c[0] as u8, c[1] as u8, c[2] as u8])
    })
}

/// [`photo`] for a benchmark corpus of thousands: the scene is drawn at a quarter of the size
/// (a sixteenth of the noise work) and enlarged, then grain is added at full size, so every
/// photo is still another picture with a camera's fine noise, and ten thousand take minutes
/// instead of an hour.
pub fn corpus_photo(w: u32, h: u32, seed: u64) -> RgbImage {
    let small = photo(w.div_ceil(4), h.div_ceil(4), seed);
    let mut img = image::imageops::resize(&small, w, h, image::imageops::FilterType::Triangle);
    for (x, y, px) in img.enumerate_pixels_mut() {
        let grain = (hash(i64::from(x), i64::from(y), seed ^ 77) - 0.5) * 10.0;
        for ch in &mut px.0 {
            *ch = (f32::from(*ch) + grain).clamp(0.0, 255.0) as u8;
        }
    }
    img
}

/// A bar chart of installed capacity per quarter (megawatts), on white.
fn chart(w: u32, h: u32) -> RgbImage {
    let bars = [1.2f32, 2.9, 5.1, 7.4, 11.0];
    RgbImage::from_fn(w, h, |x, y| {
        let (u, v) = (x as f32 / w as f32, y as f32 / h as f32);
        let plot = (0.1..0.95).contains(&u) && (0.08..0.88).contains(&v);
        if plot && ((v - 0.08) * 10.0 / 0.8).fract() < 0.01 {
            return Rgb([225, 225, 225]);
        }
        let slot = ((u - 0.1) / 0.85 * bars.len() as f32) as usize;
        if plot && slot < bars.len() {
            let within = ((u - 0.1) / 0.85 * bars.len() as f32).fract();
            let top = 0.88 - 0.8 * bars[slot] / 12.0;
            if (0.15..0.85).contains(&within) && v > top {
                return Rgb([196, 96, 28]);
            }
        }
        if (0.0975..0.1).contains(&u) && (0.08..0.88).contains(&v)
            || (0.88..0.883).contains(&v) && (0.1..0.95).contains(&u)
        {
            return Rgb([40, 40, 40]);
        }
        Rgb([255, 255, 255])
    })
}

/// The EXIF of a stringer's camera: everything gen must not publish, plus artist and copyright.
pub fn camera_exif() -> Vec<u8> {
    use exif::{Field, In, Rational, Tag, Value};
    let f = |tag, value| Field {
        tag,
        ifd_num: In::PRIMARY,
        value,
    };
    let ascii = |s: &str| Value::Ascii(vec![s.as_bytes().to_vec()]);
    let dms = |d: u32, m: u32, s: u32| {
        Value::Rational(vec![
            Rational::from((d, 1)),
            Rational::from((m, 1)),
            Rational::from((s, 100)),
        ])
    };
    let fields = [
        f(Tag::Make, ascii("ExampleCam")),
        f(Tag::Model, ascii("EC-7 Field")),
        f(Tag::Artist, ascii("Olena Marchenko")),
        f(Tag::Copyright, ascii("(c) 2026 Dnipro Chronicle")),
        f(Tag::BodySerialNumber, ascii("SN-4471-0092")),
        f(
            Tag::MakerNote,
            Value::Undefined(b"EXAMPLECAM\0owner=O.M.;lens=3".to_vec(), 0),
        ),
        f(Tag::GPSLatitudeRef, ascii("N")),
        f(Tag::GPSLatitude, dms(47, 50, 1234)),
        f(Tag::GPSLongitudeRef, ascii("E")),
        f(Tag::GPSLongitude, dms(35, 8, 5678)),
    ];
    let mut w = exif::experimental::Writer::new();
    for field in &fields {
        w.push_field(field);
    }
    let mut out = Cursor::new(Vec::new());
    w.write(&mut out, false).expect("EXIF written");
    out.into_inner()
}

/// A JPEG of `img` with `exif` (TIFF bytes) in its APP1 segment.
pub fn jpeg_with_exif(img: &RgbImage, quality: u8, exif: Option<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    if let Some(exif) = exif {
        enc.set_exif_metadata(exif).expect("JPEG takes EXIF");
    }
    enc.write_image(
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )
    .expect("JPEG encoded");
    out
}

/// Turns every article of a generated corpus into a bundle with a lead photo; returns how many.
fn corpus(root: &std::path::Path, w: u32, h: u32) -> usize {
    use rayon::prelude::*;
    let content = root.join("content");
    let mut files: Vec<PathBuf> = Vec::new();
    let mut dirs = vec![content.clone()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("content folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "md")
                && p.file_name().is_some_and(|n| n != "index.md")
            {
                files.push(p);
            }
        }
    }
    files.sort();
    files.par_iter().for_each(|p| {
        let rel = p
            .strip_prefix(&content)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(p).expect("article");
        let body_at = text[4..].find("\n---").expect("front matter") + 4;
        let (fm, rest) = text.split_at(body_at);
        let fm: String = fm
            .lines()
            .map(|l| match l.strip_prefix("translation_of: ") {
                Some(t) => format!(
                    "translation_of: {}/index.md\n",
                    t.trim().trim_end_matches(".md")
                ),
                None => format!("{l}\n"),
            })
            .collect();
        let seed = rel
            .bytes()
            .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        let dir = p.with_extension("");
        std::fs::create_dir_all(&dir).expect("bundle folder");
        let jpg = jpeg_with_exif(&corpus_photo(w, h, seed), 82, Some(camera_exif()));
        std::fs::write(dir.join("photo.jpg"), jpg).expect("photo");
        std::fs::write(
            dir.join("index.md"),
            format!("{fm}image: {{src: photo.jpg, alt: A field of solar panels at dusk}}{rest}"),
        )
        .expect("index.md");
        std::fs::remove_file(p).expect("old file");
    });
    files.len()
}

#[allow(dead_code)]
fn main() {
    let mut out = PathBuf::from("content/en/village-solar-cooperatives");
    let (mut w, mut h, mut seed) = (1600u32, 1067u32, 7u64);
    let mut corpus_root = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--corpus" => {
                corpus_root = Some(PathBuf::from(value));
                (w, h) = (2000, 1333);
            }
            "--out" => out = PathBuf::from(value),
            "--width" => w = value.parse().expect("--width N"),
            "--height" => h = value.parse().expect("--height N"),
            "--seed" => seed = value.parse().expect("--seed N"),
            _ => {
                eprintln!(
                    "usage: photos [--out DIR | --corpus DIR] [--width W] [--height H] [--seed S]"
                );
                std::process::exit(2);
            }
        }
    }
    if let Some(root) = corpus_root {
        let n = corpus(&root, w, h);
        println!(
            "{}: {n} articles with a {w}×{h} lead photo each",
            root.display()
        );
        return;
    }
    std::fs::create_dir_all(&out).expect("output folder");
    let jpg = jpeg_with_exif(&photo(w, h, seed), 70, Some(camera_exif()));
    std::fs::write(out.join("panels.jpg"), &jpg).expect("photo written");
    let mut png = Vec::new();
    let c = chart(1200, 600);
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(c.as_raw(), 1200, 600, image::ExtendedColorType::Rgb8)
        .expect("chart encoded");
    std::fs::write(out.join("capacity.png"), &png).expect("chart written");
    println!(
        "{}: panels.jpg {w}×{h} ({} bytes), capacity.png 1200×600 ({} bytes)",
        out.display(),
        jpg.len(),
        png.len()
    );
}
