//! Helpers shared by tests/meta.rs and tests/feeds.rs: the repo's example site built once per
//! test binary, its site model as the list of what must appear, a hostile fixture, and XML and
//! JSON-LD readers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use gensite::site::Site;

use crate::common::{Fixture, article};

/// The repository root, which is the example site.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the example site once per test binary into `target/tmp/<name>/public` and returns
/// that folder.
pub fn example_public(name: &str) -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(name)
            .join("public");
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_gen"))
            .args(["build", "--root"])
            .arg(repo())
            .arg("--output")
            .arg(&out)
            .env("NO_COLOR", "1")
            .output()
            .expect("run gen");
        assert!(
            o.status.success(),
            "gen build of the example failed:\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        out
    })
}

/// The site model of a site root (what the pages, feeds and sitemaps must show).
pub fn load(root: &Path) -> Site {
    let (site, _) = gensite::load_site(
        root,
        &gensite::config::Overrides::default(),
        &mut gensite::build::Timer::start(),
    )
    .expect("load site");
    site
}

/// The output file of an absolute URL of the site.
pub fn file_of(public: &Path, base_url: &str, url: &str) -> PathBuf {
    let rel = url
        .strip_prefix(base_url)
        .unwrap_or_else(|| panic!("{url} is not under {base_url}"));
    if rel.is_empty() || rel.ends_with('/') {
        public.join(rel).join("index.html")
    } else {
        public.join(rel)
    }
}

/// Runs `gen build` on a fixture with the build time fixed by `SOURCE_DATE_EPOCH`.
pub fn build_at(f: &Fixture, epoch: i64) {
    let o = Command::new(env!("CARGO_BIN_EXE_gen"))
        .arg("build")
        .arg("--root")
        .arg(f.root())
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .output()
        .expect("run gen");
    assert!(
        o.status.success(),
        "gen build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Seconds since the epoch of an RFC 3339 time.
pub fn epoch(rfc3339: &str) -> i64 {
    rfc3339
        .parse::<jiff::Timestamp>()
        .expect("timestamp")
        .as_second()
}

/// A YAML scalar holding `s` exactly (JSON strings are YAML double-quoted scalars).
pub fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// The hostile values: markup, a script breakout, `&`, quotes, right-to-left text and emoji.
pub mod hostile {
    /// The title as written in front matter.
    pub const TITLE_WRITTEN: &str =
        "Test</script><script>alert(1)</script></title> & \"quoted\" 'single' <b>x</b> العنوان 🎉";
    /// The title as published: with the body's typography (quote marks, dashes).
    pub const TITLE: &str =
        "Test</script><script>alert(1)</script></title> & “quoted” ‘single’ <b>x</b> العنوان 🎉";
    pub const KICKER: &str = "Kick </script> & <i> “curly” עברית 🚀";
    /// The dek as written in front matter.
    pub const DESCRIPTION_WRITTEN: &str =
        "Desc </script><!-- & <img src=x onerror=alert(1)> \"q\" 'q' مرحبا 👋";
    /// The dek as published.
    pub const DESCRIPTION: &str =
        "Desc </script><!– & <img src=x onerror=alert(1)> “q” ‘q’ مرحبا 👋";
    pub const TAG: &str = "tag </script> & <b> \"q\" وسم 🏷";
    pub const STORY: &str = "Story </script> & <x> 'q' قصة 📰";
    pub const AUTHOR: &str = "Jean \"Le Chat\" O'Brien & <Co></script> 🐈";
    pub const TRANSLATOR: &str = "مترجم </script> & <t> \"ت\" 🌍";
    pub const OUTLET: &str = "Outlet </script> & <o> \"O\" מקור 📡";
    pub const SOURCE_URL: &str = "https://outlet.example/story?a=1&b=2";
    /// Publication date; [`NOW`] is a day later, inside the news window.
    pub const DATE: &str = "2026-03-09T10:00:00+03:00";
    /// The build time the hostile fixture is built at.
    pub const NOW: &str = "2026-03-10T00:00:00Z";
    /// Where the article lands.
    pub const PAGE: &str = "2026/03/09/hostile/";
}

/// A site (base path `/news/`, minified or not) whose one article is translated and carries
/// every hostile value, built at [`hostile::NOW`].
pub fn hostile_site(minify: bool) -> Fixture {
    use hostile::*;
    let toml = format!(
        "title = \"Fixture\"\nbase_url = \"https://fixture.example/news/\"\nminify = {minify}\n\
         [languages.en]\nname = \"English\"\n[languages.ar]\nname = \"العربية\"\n\
         [feeds]\nfull_text = true\n"
    );
    let fm = format!(
        "title: {}\nkicker: {}\ndescription: {}\ndate: {DATE}\nslug: hostile\nauthors: [{}]\n\
         translators: [{}]\nsource: {{name: {}, url: {}, lang: ar}}\ntags: [{}]\nstory: {}",
        yaml(TITLE_WRITTEN),
        yaml(KICKER),
        yaml(DESCRIPTION_WRITTEN),
        yaml(AUTHOR),
        yaml(TRANSLATOR),
        yaml(OUTLET),
        yaml(SOURCE_URL),
        yaml(TAG),
        yaml(STORY),
    );
    let f = Fixture::new(&[
        ("site.toml", &toml),
        (
            "content/en/hostile.md",
            &article(&fm, "Body with [a link](/news/tags/) and a [note](#x)."),
        ),
    ]);
    build_at(&f, epoch(NOW));
    f
}

/// Parses XML, panicking with the text when it is not well-formed.
pub fn xml(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{text}"))
}

/// Text of every element named `local` in namespace `ns`.
pub fn texts(doc: &roxmltree::Document<'_>, ns: &str, local: &str) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.tag_name().name() == local && n.tag_name().namespace() == Some(ns))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

/// The JSON-LD blocks of an HTML page, parsed; panics when one is not JSON.
pub fn json_ld(doc: &scraper::Html) -> Vec<serde_json::Value> {
    let s = scraper::Selector::parse(r#"script[type="application/ld+json"]"#).unwrap();
    doc.select(&s)
        .map(|e| {
            let text: String = e.text().collect();
            serde_json::from_str(&text).unwrap_or_else(|err| panic!("JSON-LD: {err}\n{text}"))
        })
        .collect()
}

/// `content` of `<meta property=…>` (or `name=…`) tags.
pub fn meta_values(doc: &scraper::Html, attr: &str, key: &str) -> Vec<String> {
    let s = scraper::Selector::parse(&format!(r#"meta[{attr}="{key}"]"#)).unwrap();
    doc.select(&s)
        .filter_map(|e| e.value().attr("content").map(str::to_string))
        .collect()
}

/// Plain text of an HTML fragment (entities decoded, tags dropped).
pub fn html_text(html: &str) -> String {
    scraper::Html::parse_fragment(html)
        .root_element()
        .text()
        .collect()
}

/// `names` of a JSON-LD list of Person objects.
pub fn names(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
