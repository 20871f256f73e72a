//! Images: every picture is published as variants whose `srcset` candidates exist and decode to
//! their stated widths, with `width`/`height` of the file, no GPS or maker-note EXIF, share
//! crops in structured data, a cache that makes a rebuild encode nothing, and bad files refused
//! at their Markdown line with the earlier output left intact.

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use common::{Fixture, article, attrs, jpeg, png, snapshot};
use image::ImageEncoder;
use scraper::{Html, Selector};

/// EXIF of a stringer's camera: GPS position, make, model, serial, maker note, artist,
/// copyright, and an orientation.
fn camera_exif(orientation: u16) -> Vec<u8> {
    use exif::{Field, In, Rational, Tag, Value};
    let f = |tag, value| Field {
        tag,
        ifd_num: In::PRIMARY,
        value,
    };
    let ascii = |s: &str| Value::Ascii(vec![s.as_bytes().to_vec()]);
    let fields = [
        f(Tag::Make, ascii("TestCam")),
        f(Tag::Model, ascii("T-1")),
        f(Tag::Orientation, Value::Short(vec![orientation])),
        f(Tag::Artist, ascii("Olena Marchenko")),
        f(Tag::Copyright, ascii("(c) 2026 Dnipro Chronicle")),
        f(Tag::BodySerialNumber, ascii("SN-0001")),
        f(
            Tag::MakerNote,
            Value::Undefined(b"TESTCAM\0secret".to_vec(), 0),
        ),
        f(Tag::GPSLatitudeRef, ascii("N")),
        f(
            Tag::GPSLatitude,
            Value::Rational(vec![
                Rational::from((47, 1)),
                Rational::from((50, 1)),
                Rational::from((1234, 100)),
            ]),
        ),
    ];
    let mut w = exif::experimental::Writer::new();
    for field in &fields {
        w.push_field(field);
    }
    let mut out = Cursor::new(Vec::new());
    w.write(&mut out, false).expect("EXIF written");
    out.into_inner()
}

/// A JPEG with the camera's EXIF.
fn camera_jpeg(w: u32, h: u32, orientation: u16) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    enc.set_exif_metadata(camera_exif(orientation))
        .expect("EXIF accepted");
    enc.write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .expect("JPEG encoded");
    out
}

fn exif_of(bytes: &[u8]) -> Option<exif::Exif> {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()
}

/// A site with a bundle article: lead photo 1300×800 with the camera's EXIF, a body photo
/// (a root-relative file of static/), a body PNG, an SVG, and a person's photo.
fn photo_site() -> Fixture {
    let f = Fixture::new(&[
        (
            "content/en/flood/index.md",
            &article(
                "title: Flood\ndate: 2024-05-01T10:00:00Z\nauthors: [Olena Marchenko]\nimage:\n  src: lead.jpg\n  alt: The river over its banks\n  focus: [0.6, 0.5]",
                "The water rose overnight.\n\n![Sandbags on the quay](/photos/quay.jpg \"Volunteers filled 4,000 bags | Credit: Dnipro Chronicle\")\n\nA chart: ![Water level](level.png) and a diagram.\n\n![Flow diagram](flow.svg)\n",
            ),
        ),
        (
            "content/en/flood/flow.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>",
        ),
        (
            "content/en/calm.md",
            &article(
                "title: Calm\ndate: 2024-05-02T10:00:00Z\nauthors: [Olena Marchenko]\nimage: {src: /photos/quay.jpg, alt: The quay}",
                "Calm again.",
            ),
        ),
        (
            "content/people.yaml",
            "- name: Olena Marchenko\n  photo: /photos/olena.jpg\n",
        ),
    ]);
    f.write_bytes("content/en/flood/lead.jpg", &camera_jpeg(1300, 800, 1));
    f.write_bytes("content/en/flood/level.png", &png(300, 200));
    f.write_bytes("static/photos/quay.jpg", &camera_jpeg(900, 600, 1));
    f.write_bytes("static/photos/olena.jpg", &jpeg(200, 200));
    f
}

/// A `srcset`'s candidates: URL and stated width.
fn candidates(srcset: &str) -> Vec<(String, u32)> {
    srcset
        .split(',')
        .map(|c| {
            let mut parts = c.split_whitespace();
            let url = parts.next().expect("URL").to_string();
            let w = parts
                .next()
                .and_then(|d| d.strip_suffix('w'))
                .and_then(|d| d.parse().ok())
                .unwrap_or_else(|| panic!("width descriptor in {c:?}"));
            (url, w)
        })
        .collect()
}

fn dims(path: &Path) -> (u32, u32) {
    let img = image::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (img.width(), img.height())
}

/// Checks every `<img>` of a page: srcset candidates exist and decode to their widths, `src`
/// exists with the page's `width` and `height`. Returns how many had a srcset.
fn check_imgs(f: &Fixture, page: &str) -> usize {
    let doc = f.html(page);
    let img = Selector::parse("img").unwrap();
    let mut responsive = 0;
    for el in doc.select(&img) {
        let a = el.value();
        let src = a.attr("src").expect("src");
        let file = f.public().join(src.trim_start_matches('/'));
        if src.ends_with(".svg") {
            assert!(a.attr("srcset").is_none(), "SVG shown as it is: {src}");
            continue;
        }
        let (w, h) = dims(&file);
        if a.attr("class") != Some("person-photo") {
            assert_eq!(
                a.attr("width"),
                Some(w.to_string().as_str()),
                "{page}: {src}"
            );
            assert_eq!(
                a.attr("height"),
                Some(h.to_string().as_str()),
                "{page}: {src}"
            );
        }
        if let Some(srcset) = a.attr("srcset") {
            responsive += 1;
            assert!(a.attr("sizes").is_some(), "{page}: srcset without sizes");
            assert_eq!(a.attr("decoding"), Some("async"));
            for (url, width) in candidates(srcset) {
                assert!(url.ends_with(".webp"), "{url}");
                let file = f.public().join(url.trim_start_matches('/'));
                let (cw, ch) = dims(&file);
                assert_eq!(cw, width, "{url} decodes to its stated width");
                // Same aspect ratio as the width and height attributes (within rounding).
                assert!((f64::from(ch) - f64::from(cw) * f64::from(h) / f64::from(w)).abs() <= 1.0);
            }
        }
    }
    responsive
}

#[test]
fn srcset_candidates_exist_and_decode_to_their_widths_without_metadata() {
    let f = photo_site();
    f.build_ok();
    let page = "2024/05/01/flood/index.html";
    assert_eq!(
        check_imgs(&f, page),
        3,
        "lead, quay and level are responsive"
    );
    let doc = f.html(page);

    // The lead: never lazy, fetched first; widths never above the source's.
    let lead = Selector::parse(".lead-figure img").unwrap();
    let lead = doc.select(&lead).next().expect("lead image");
    assert_eq!(lead.value().attr("fetchpriority"), Some("high"));
    assert_eq!(lead.value().attr("loading"), None);
    let widths: Vec<u32> = candidates(lead.value().attr("srcset").unwrap())
        .into_iter()
        .map(|c| c.1)
        .collect();
    assert_eq!(widths, [480, 800, 1200, 1300]);
    // Body images: lazy; a 300-px chart is not enlarged.
    let body = Selector::parse(".body img").unwrap();
    let body: Vec<_> = doc.select(&body).collect();
    assert!(
        body.iter()
            .all(|e| e.value().attr("loading") == Some("lazy"))
    );
    let level = body
        .iter()
        .find(|e| e.value().attr("alt") == Some("Water level"))
        .expect("chart");
    let level_widths: Vec<u32> = candidates(level.value().attr("srcset").unwrap())
        .into_iter()
        .map(|c| c.1)
        .collect();
    assert_eq!(level_widths, [300]);
    assert!(level.value().attr("src").unwrap().ends_with(".png"));

    // SVG passes through unchanged.
    assert_eq!(
        f.read("2024/05/01/flood/flow.svg"),
        std::fs::read_to_string(f.root().join("content/en/flood/flow.svg")).unwrap()
    );

    // Share image ≥ 1200 px with its size; crops in structured data.
    let meta = |p: &str| attrs(&doc, &format!("meta[property=\"{p}\"]"), "content");
    assert_eq!(meta("og:image:width"), ["1200"]);
    assert_eq!(meta("og:image:height"), ["738"]);
    let og = meta("og:image").remove(0);
    let og_file = f
        .public()
        .join(og.strip_prefix("https://fixture.example/").unwrap());
    assert_eq!(dims(&og_file), (1200, 738));
    assert_eq!(
        attrs(&doc, "meta[name=\"robots\"]", "content"),
        ["max-image-preview:large"]
    );
    let ld = Selector::parse("script[type=\"application/ld+json\"]").unwrap();
    let ld: serde_json::Value =
        serde_json::from_str(&doc.select(&ld).next().unwrap().inner_html()).unwrap();
    let crops = ld["image"].as_array().expect("a list of crops");
    let ratios: Vec<(u32, u32, f64)> = crops
        .iter()
        .map(|c| {
            let url = c["url"].as_str().unwrap();
            let file = f
                .public()
                .join(url.strip_prefix("https://fixture.example/").unwrap());
            let (w, h) = dims(&file);
            assert_eq!(
                (c["width"].as_u64(), c["height"].as_u64()),
                (Some(u64::from(w)), Some(u64::from(h)))
            );
            (w, h, f64::from(w) / f64::from(h))
        })
        .collect();
    assert!((ratios[0].2 - 16.0 / 9.0).abs() < 0.01, "{ratios:?}");
    assert!((ratios[1].2 - 4.0 / 3.0).abs() < 0.01, "{ratios:?}");
    assert!((ratios[2].2 - 1.0).abs() < 0.01, "{ratios:?}");
    assert_eq!(ratios[2].0, 800, "1:1 of an 800-px-high photo");

    // The focal point at 60 % of the width moves the square crop right: its left column is
    // the source's column 780 - 400 = 380 (the gradient's red channel is x mod 251).
    let square = image::open(
        f.public().join(
            crops[2]["url"]
                .as_str()
                .unwrap()
                .strip_prefix("https://fixture.example/")
                .unwrap(),
        ),
    )
    .unwrap()
    .to_rgb8();
    let red = i32::from(square.get_pixel(2, 400)[0]);
    assert!(
        (red - (382 % 251)).abs() < 12,
        "left edge at x≈380, red {red}"
    );

    // Cards on the home page and the person's page show variants, never an original.
    assert!(check_imgs(&f, "index.html") >= 2);
    assert!(check_imgs(&f, "authors/olena-marchenko/index.html") >= 2);
    let home = f.html("index.html");
    for src in attrs(&home, ".card img", "src") {
        assert!(src.contains('-') && !src.ends_with("/lead.jpg"), "{src}");
    }

    // Every image in the output: no GPS, no maker note, no camera or serial, and no original.
    let originals: Vec<Vec<u8>> = [
        "content/en/flood/lead.jpg",
        "content/en/flood/level.png",
        "static/photos/quay.jpg",
        "static/photos/olena.jpg",
    ]
    .iter()
    .map(|p| std::fs::read(f.root().join(p)).unwrap())
    .collect();
    let mut images = 0;
    for (path, bytes) in snapshot(&f.public()) {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !["jpg", "png", "webp"].contains(&ext) {
            continue;
        }
        images += 1;
        assert!(
            !originals.contains(&bytes),
            "{} is an original",
            path.display()
        );
        if ext == "webp" {
            image::load_from_memory_with_format(&bytes, image::ImageFormat::WebP)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        assert!(
            exif_of(&bytes).is_none(),
            "{} holds EXIF: {:?}",
            path.display(),
            exif_of(&bytes).map(|e| e.fields().map(|f| f.tag.to_string()).collect::<Vec<_>>())
        );
    }
    assert!(images >= 19, "variants written: {images}");
}

#[test]
fn exif_orientation_is_applied() {
    let f = Fixture::new(&[(
        "content/en/turned/index.md",
        &article(
            "title: Turned\ndate: 2024-05-01T10:00:00Z\nimage: {src: up.jpg, alt: A tall photo}",
            "Text.",
        ),
    )]);
    // Stored 300×200, shown rotated a quarter turn: 200×300.
    f.write_bytes("content/en/turned/up.jpg", &camera_jpeg(300, 200, 6));
    f.build_ok();
    let doc = f.html("2024/05/01/turned/index.html");
    assert_eq!(attrs(&doc, ".lead-figure img", "width"), ["200"]);
    assert_eq!(attrs(&doc, ".lead-figure img", "height"), ["300"]);
    check_imgs(&f, "2024/05/01/turned/index.html");
}

#[test]
fn keep_copyright_keeps_creator_and_copyright_only() {
    let f = Fixture::new(&[
        (
            "site.toml",
            &format!("{}\n[images]\nkeep_copyright = true\n", common::SITE_TOML),
        ),
        (
            "content/en/c/index.md",
            &article(
                "title: C\ndate: 2024-05-01T10:00:00Z\nimage: {src: p.jpg, alt: A photo}",
                "Text.",
            ),
        ),
    ]);
    f.write_bytes("content/en/c/p.jpg", &camera_jpeg(640, 400, 1));
    f.build_ok();
    let mut checked = 0;
    for (path, bytes) in snapshot(&f.public()) {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !["jpg", "webp"].contains(&ext) {
            continue;
        }
        let exif = exif_of(&bytes).unwrap_or_else(|| panic!("{} has EXIF", path.display()));
        let tags: Vec<exif::Tag> = exif.fields().map(|f| f.tag).collect();
        assert!(tags.contains(&exif::Tag::Artist) && tags.contains(&exif::Tag::Copyright));
        for gone in [
            exif::Tag::GPSLatitude,
            exif::Tag::MakerNote,
            exif::Tag::Make,
            exif::Tag::BodySerialNumber,
        ] {
            assert!(!tags.contains(&gone), "{} holds {gone}", path.display());
        }
        image::load_from_memory(&bytes).expect("still decodes");
        checked += 1;
    }
    assert!(checked >= 4);
}

/// Modification times of the cache's files.
fn cache_state(root: &Path) -> BTreeMap<String, std::time::SystemTime> {
    std::fs::read_dir(root.join(".gen-cache/images"))
        .expect("cache folder")
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_rebuild_with_unchanged_images_encodes_nothing() {
    let f = photo_site();
    f.build_ok();
    let first = cache_state(f.root());
    assert!(first.len() >= 15, "{first:?}");
    let out_first = snapshot(&f.public());
    std::thread::sleep(std::time::Duration::from_millis(20));
    f.build_ok();
    assert_eq!(cache_state(f.root()), first, "nothing encoded again");
    assert_eq!(snapshot(&f.public()), out_first);
    // Deleting the cache is safe: the same files come back.
    std::fs::remove_dir_all(f.root().join(".gen-cache")).unwrap();
    f.build_ok();
    assert_eq!(snapshot(&f.public()), out_first);
    // Another setting is another variant: new names, new files.
    f.write(
        "site.toml",
        &format!("{}\n[images]\nquality = 60\n", common::SITE_TOML),
    );
    f.build_ok();
    let after = cache_state(f.root());
    assert!(after.len() > first.len());
}

/// The output shares the cache's variant files instead of copying them (a warm build of a
/// photo archive would otherwise copy gigabytes), and the shared files are read-only so nothing
/// writing to the output changes the cache.
#[cfg(unix)]
#[test]
fn variants_in_the_output_are_the_cache_files_themselves() {
    use std::os::unix::fs::MetadataExt;
    let f = photo_site();
    f.build_ok();
    let cache: BTreeMap<u64, String> = std::fs::read_dir(f.root().join(".gen-cache/images"))
        .unwrap()
        .flatten()
        .map(|e| {
            let m = e.metadata().unwrap();
            assert!(m.permissions().readonly(), "{:?} is writable", e.path());
            (m.ino(), e.file_name().to_string_lossy().into_owned())
        })
        .collect();
    let mut shared = 0;
    for e in walkdir::WalkDir::new(f.public()).into_iter().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".webp") {
            let m = e.metadata().unwrap();
            assert!(
                cache.contains_key(&m.ino()),
                "{name} is a copy, not the cache file"
            );
            shared += 1;
        }
    }
    assert!(shared >= 4, "{shared} variants");
    // Serving or deleting the output leaves the cache whole: a rebuild encodes nothing.
    let before = cache_state(f.root());
    std::fs::remove_dir_all(f.public()).unwrap();
    f.build_ok();
    assert_eq!(cache_state(f.root()), before);
}

/// A site whose article's lead image (line 5) and body image (line 8) are the given files.
fn broken_site(lead: &[u8], body: &[u8], toml_extra: &str) -> (Fixture, Vec<(PathBuf, Vec<u8>)>) {
    let f = Fixture::new(&[
        ("site.toml", &format!("{}{toml_extra}", common::SITE_TOML)),
        (
            "content/en/s/index.md",
            "---\ntitle: S\ndate: 2024-05-01T10:00:00Z\nimage:\n  src: lead.jpg\n  alt: A photo\n---\n![A body photo](body.jpg)\n",
        ),
    ]);
    f.write_bytes("content/en/s/lead.jpg", &jpeg(120, 80));
    f.write_bytes("content/en/s/body.jpg", &jpeg(120, 80));
    f.build_ok();
    let before = snapshot(&f.public());
    f.write_bytes("content/en/s/lead.jpg", lead);
    f.write_bytes("content/en/s/body.jpg", body);
    (f, before)
}

/// Builds, expecting failure with every `needles` in stderr and the output left as it was.
fn fails_with(f: &Fixture, before: &[(PathBuf, Vec<u8>)], needles: &[&str]) {
    let out = f.run(&["build"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "build should fail:\n{err}");
    for n in needles {
        assert!(err.contains(n), "missing {n:?} in:\n{err}");
    }
    assert_eq!(snapshot(&f.public()), before, "earlier output intact");
}

#[test]
fn not_an_image_is_an_error_at_its_line() {
    let ok = jpeg(120, 80);
    let (f, before) = broken_site(b"<html>not a photo</html>", &ok, "");
    fails_with(
        &f,
        &before,
        &[
            "content/en/s/index.md:5:",
            "image `lead.jpg`",
            "lead.jpg) is not an image",
        ],
    );
}

#[test]
fn a_truncated_file_is_an_error_at_its_line() {
    let ok = jpeg(120, 80);
    let full = jpeg(400, 300);
    let (f, before) = broken_site(&ok, &full[..full.len() * 2 / 3], "");
    fails_with(
        &f,
        &before,
        &[
            "content/en/s/index.md:8:",
            "image `body.jpg`",
            "is truncated",
        ],
    );
}

/// CRC-32 (ISO 3309, as PNG chunks use), bit by bit: a test needs a few bytes of it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

#[test]
fn an_image_over_the_pixel_limit_is_refused_before_decoding() {
    // A 20,000 × 20,000 PNG header (400 megapixels) with almost no data: decoding it would
    // take 1.2 GB; the header alone is refused.
    let mut bomb = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bomb)
        .write_image(&[0u8; 3], 1, 1, image::ExtendedColorType::Rgb8)
        .unwrap();
    bomb[16..20].copy_from_slice(&20_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&20_000u32.to_be_bytes());
    // A valid header, as a real bomb has: the IHDR chunk's CRC over its type and data.
    let crc = crc32(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    let ok = jpeg(120, 80);
    let (f, before) = broken_site(&ok, &bomb, "");
    fails_with(
        &f,
        &before,
        &[
            "content/en/s/index.md:8:",
            "20000×20000 = 400000000 pixels, over the limit of 60000000",
            "max_pixels",
        ],
    );
    // The limit is a setting.
    let (f, before) = broken_site(&jpeg(300, 200), &ok, "\n[images]\nmax_pixels = 50000\n");
    fails_with(
        &f,
        &before,
        &["content/en/s/index.md:5:", "over the limit of 50000"],
    );
}

#[test]
fn an_unsupported_format_is_an_error_at_its_line() {
    let ok = jpeg(120, 80);
    let (f, before) = broken_site(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", &ok, "");
    fails_with(
        &f,
        &before,
        &[
            "content/en/s/index.md:5:",
            "is a GIF file",
            "convert it to JPEG",
        ],
    );
}

#[test]
fn a_focal_point_outside_the_image_is_an_error_at_its_line() {
    let f = Fixture::new(&[(
        "content/en/s/index.md",
        "---\ntitle: S\ndate: 2024-05-01T10:00:00Z\nimage:\n  src: lead.jpg\n  alt: A photo\n  focus: [1.5, 0.5]\n---\nText.\n",
    )]);
    f.write_bytes("content/en/s/lead.jpg", &jpeg(120, 80));
    let out = f.run(&["build"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("content/en/s/index.md:7:"), "{err}");
    assert!(err.contains("`image.focus`"), "{err}");
}

#[test]
fn keep_original_publishes_the_original_too() {
    let f = Fixture::new(&[
        (
            "site.toml",
            &format!("{}\n[images]\nkeep_original = true\n", common::SITE_TOML),
        ),
        (
            "content/en/o/index.md",
            &article(
                "title: O\ndate: 2024-05-01T10:00:00Z\nimage: {src: p.jpg, alt: A photo}",
                "Text.",
            ),
        ),
    ]);
    let original = camera_jpeg(500, 300, 1);
    f.write_bytes("content/en/o/p.jpg", &original);
    f.build_ok();
    assert_eq!(
        std::fs::read(f.public().join("2024/05/01/o/p.jpg")).unwrap(),
        original
    );
    check_imgs(&f, "2024/05/01/o/index.html");
}

#[test]
fn the_example_site_publishes_no_camera_metadata() {
    let tmp = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--output"])
        .arg(tmp.path().join("public"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = tmp.path().join("public");
    let mut photos = 0;
    for (path, bytes) in snapshot(&public) {
        if path.extension().is_some_and(|e| e == "jpg" || e == "webp") {
            photos += 1;
            if let Some(exif) = exif_of(&bytes) {
                assert!(
                    exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
                        .is_none()
                        && exif
                            .get_field(exif::Tag::MakerNote, exif::In::PRIMARY)
                            .is_none(),
                    "{}",
                    path.display()
                );
            }
        }
    }
    assert!(photos >= 10);
    let doc = Html::parse_document(&std::fs::read_to_string(public.join("index.html")).unwrap());
    assert!(!attrs(&doc, ".card img", "srcset").is_empty());
}

/// The default theme's `base.html` with `lines` added before the end of the site header; the
/// text and the line number of the first added line.
fn base_with(lines: &str) -> (String, usize) {
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .unwrap();
    let at = base.find("</header>").expect("a site header");
    let line = base[..at].matches('\n').count() + 1;
    let text = format!("{}{lines}\n{}", &base[..at], &base[at..]);
    // The added text starts on the line of `</header>`, at its column.
    (text, line)
}

const MASTHEAD: &str = "{% set m = image(path=\"images/masthead.jpg\") %}<img class=\"masthead\" src=\"{{ m.src }}\" srcset=\"{{ m.srcset }}\" sizes=\"100vw\" width=\"{{ m.width }}\" height=\"{{ m.height }}\" alt=\"\" decoding=\"async\">{% set l = image(path=\"/images/logo.svg\") %}<img class=\"logo\" src=\"{{ l.src }}\" width=\"{{ l.width }}\" height=\"{{ l.height }}\" alt=\"\">";

/// A site whose template shows a static masthead photo (1700×500, with the camera's EXIF)
/// and an SVG logo through `image()`.
fn masthead_site(toml_extra: &str) -> Fixture {
    let (base, _) = base_with(MASTHEAD);
    let f = Fixture::new(&[
        ("site.toml", &format!("{}{toml_extra}", common::SITE_TOML)),
        ("templates/base.html", &base),
        (
            "content/en/a.md",
            &article("title: A\ndate: 2024-05-01T10:00:00Z", "Text."),
        ),
        (
            "static/images/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"40\"><rect width=\"120\" height=\"40\"/></svg>",
        ),
    ]);
    f.write_bytes("static/images/masthead.jpg", &camera_jpeg(1700, 500, 1));
    f
}

#[test]
fn a_template_image_is_published_as_variants_without_metadata_or_original() {
    let f = masthead_site("");
    f.build_ok();
    for page in ["index.html", "2024/05/01/a/index.html"] {
        assert_eq!(
            check_imgs(&f, page),
            1,
            "{page}: the masthead is responsive"
        );
        let doc = f.html(page);
        let widths: Vec<u32> = candidates(&attrs(&doc, "img.masthead", "srcset")[0])
            .into_iter()
            .map(|c| c.1)
            .collect();
        assert_eq!(
            widths,
            [480, 800, 1200, 1600],
            "never above 1700, at most 1600"
        );
        let src = &attrs(&doc, "img.masthead", "src")[0];
        assert!(src.starts_with("/images/masthead-1200x353-") && src.ends_with(".jpg"));
        assert_eq!(attrs(&doc, "img.masthead", "width"), ["1200"]);
        // The SVG as it is, with the size its root element states.
        assert_eq!(attrs(&doc, "img.logo", "src"), ["/images/logo.svg"]);
        assert_eq!(attrs(&doc, "img.logo", "width"), ["120"]);
        assert_eq!(attrs(&doc, "img.logo", "height"), ["40"]);
    }
    assert!(f.public().join("images/logo.svg").is_file());
    // The original carries the camera's metadata: not published; no variant holds any.
    let original = std::fs::read(f.root().join("static/images/masthead.jpg")).unwrap();
    assert!(!f.public().join("images/masthead.jpg").exists());
    let mut variants = 0;
    for (path, bytes) in snapshot(&f.public()) {
        assert_ne!(bytes, original, "{} is the original", path.display());
        if path.starts_with("images") && path.extension().is_some_and(|e| e != "svg") {
            variants += 1;
            assert!(exif_of(&bytes).is_none(), "{} holds EXIF", path.display());
        }
    }
    assert_eq!(variants, 5, "four WebP widths and the JPEG");
    // `gen check` finds every link and image of the pages.
    let out = f.run(&["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // keep_original publishes the file too.
    f.write(
        "site.toml",
        &format!("{}\n[images]\nkeep_original = true\n", common::SITE_TOML),
    );
    f.build_ok();
    assert_eq!(
        std::fs::read(f.public().join("images/masthead.jpg")).unwrap(),
        original
    );
}

#[test]
fn a_static_file_the_theme_names_with_asset_or_css_keeps_its_original() {
    // An article shows a static photo (published as variants); the theme also links the file
    // itself with asset(): it is published as it is, so that link works.
    let (base, _) = base_with(
        "<link rel=\"preload\" as=\"image\" href=\"{{ asset(path=\"photos/quay.jpg\") }}\">",
    );
    let f = Fixture::new(&[
        ("templates/base.html", &base),
        (
            "content/en/a.md",
            &article(
                "title: A\ndate: 2024-05-01T10:00:00Z",
                "![The quay](/photos/quay.jpg)",
            ),
        ),
        (
            "content/en/b.md",
            &article(
                "title: B\ndate: 2024-05-02T10:00:00Z",
                "![The quay](/photos/olena.jpg)",
            ),
        ),
    ]);
    f.write_bytes("static/photos/quay.jpg", &jpeg(900, 600));
    f.write_bytes("static/photos/olena.jpg", &jpeg(300, 300));
    // A stylesheet's background, also shown in an article.
    f.write(
        "static/css/extra.css",
        ".hero { background: url(\"../photos/river.jpg?v=2\") }",
    );
    f.write_bytes("static/photos/river.jpg", &jpeg(320, 200));
    f.write(
        "content/en/c.md",
        &article(
            "title: C\ndate: 2024-05-03T10:00:00Z",
            "![The river](/photos/river.jpg)",
        ),
    );
    f.build_ok();
    assert!(f.public().join("photos/quay.jpg").is_file());
    assert!(f.public().join("photos/river.jpg").is_file());
    assert!(!f.public().join("photos/olena.jpg").exists());
    assert_eq!(check_imgs(&f, "2024/05/02/b/index.html"), 1);
}

/// Builds a site whose `base.html` gets `lines`, expecting failure at the line they start on
/// with every `needles`, and the earlier output intact.
fn template_fails(lines: &str, needles: &[&str]) {
    let f = masthead_site("");
    f.build_ok();
    let before = snapshot(&f.public());
    let (base, line) = base_with(lines);
    f.write("templates/base.html", &base);
    let at = format!("templates/base.html:{line}:");
    let mut all = vec![at.as_str()];
    all.extend_from_slice(needles);
    fails_with(&f, &before, &all);
}

#[test]
fn an_image_call_without_a_literal_path_is_an_error_at_its_line() {
    template_fails(
        "{% set p = \"images/masthead.jpg\" %}{{ image(path=p).src }}",
        &["`image()` needs its path as a literal string"],
    );
    template_fails(
        "{{ image(path=\"images/\" ~ \"masthead.jpg\").src }}",
        &["literal string"],
    );
}

#[test]
fn an_image_call_naming_no_static_file_is_an_error_at_its_line() {
    template_fails(
        "{{ image(path=\"images/mast-head.jpg\").src }}",
        &["image(path=\"images/mast-head.jpg\"): no such file"],
    );
}

#[test]
fn a_bad_static_image_is_an_error_at_the_template_line() {
    let f = masthead_site("\n[images]\nmax_pixels = 1000000\n");
    f.build_ok();
    let before = snapshot(&f.public());
    let (_, line) = base_with("");
    let at = format!("templates/base.html:{line}:");
    f.write_bytes("static/images/masthead.jpg", b"<html>not a photo</html>");
    fails_with(
        &f,
        &before,
        &[
            &at,
            "image `images/masthead.jpg` (static/images/masthead.jpg) is not an image",
        ],
    );
    let full = jpeg(400, 300);
    f.write_bytes("static/images/masthead.jpg", &full[..full.len() * 2 / 3]);
    fails_with(&f, &before, &[&at, "is truncated"]);
    f.write_bytes("static/images/masthead.jpg", &jpeg(1200, 1000));
    fails_with(&f, &before, &[&at, "over the limit of 1000000"]);
    f.write_bytes(
        "static/images/masthead.jpg",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    );
    fails_with(&f, &before, &[&at, "is a GIF file"]);
}
