//! `gen check`'s look at the site as a reader's browser would get it: the site is rendered into
//! memory exactly as `gen build` would write it, every HTML page is parsed with a real HTML
//! parser, and every internal reference (links, images, scripts, stylesheets, canonical and
//! hreflang URLs) must name a file of the output, and every `#anchor` an id of its target page.
//!
//! Problems are reported where the user can fix them: a link of an article's body at the line
//! of its Markdown file (`content/en/story.md:14`), the lead image at the `image:` key, and
//! everything else at the template that produced it.
//!
//! The parser is `scraper` (html5ever, the HTML5 parsing algorithm of Servo, plus CSS
//! selectors): it reads pages the way browsers do, including unclosed and minified markup,
//! which no hand-written scanner would.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::PathBuf;

use percent_encoding::percent_decode_str;
use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Error, Result, did_you_mean};
use crate::output::MemorySink;
use crate::outputs::{Env, Maker, Plan};
use crate::site::Site;
use crate::theme::Theme;
use crate::urls;

/// What `gen check` looked at and found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Errors and warnings, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// HTML pages checked.
    pub pages: usize,
    /// Internal references checked.
    pub links: usize,
    /// Files the build would write.
    pub files: usize,
}

/// A reference found in a page.
#[derive(Debug, Clone)]
struct Ref {
    /// The attribute value as the browser sees it (entities decoded).
    url: String,
    /// `img`, `source`, `video`…: a missing file is a missing image, not a broken link.
    image: bool,
    /// Tag and attribute, for messages (`a href`).
    what: &'static str,
}

/// What one HTML page holds.
#[derive(Debug, Default)]
struct PageFacts {
    ids: BTreeSet<String>,
    refs: Vec<Ref>,
    /// `<base href>`, when the page sets one.
    base: Option<String>,
}

const SELECTORS: &[(&str, &str, &str, bool)] = &[
    ("a[href]", "href", "a href", false),
    ("area[href]", "href", "area href", false),
    ("link[href]", "href", "link href", false),
    ("script[src]", "src", "script src", false),
    ("iframe[src]", "src", "iframe src", false),
    ("img[src]", "src", "img src", true),
    ("img[srcset]", "srcset", "img srcset", true),
    ("source[src]", "src", "source src", true),
    ("source[srcset]", "srcset", "source srcset", true),
    ("video[src]", "src", "video src", true),
    ("video[poster]", "poster", "video poster", true),
    ("audio[src]", "src", "audio src", true),
    ("track[src]", "src", "track src", false),
    ("object[data]", "data", "object data", false),
    (
        "meta[property=\"og:url\"], meta[property=\"og:image\"], meta[name=\"twitter:image\"]",
        "content",
        "meta content",
        true,
    ),
];

fn parse_page(html: &str) -> PageFacts {
    let doc = scraper::Html::parse_document(html);
    let mut facts = PageFacts::default();
    if let Ok(sel) = scraper::Selector::parse("[id], a[name]") {
        for el in doc.select(&sel) {
            for attr in ["id", "name"] {
                if let Some(v) = el.value().attr(attr)
                    && (attr == "id" || el.value().name() == "a")
                {
                    facts.ids.insert(v.to_string());
                }
            }
        }
    }
    if let Ok(sel) = scraper::Selector::parse("base[href]") {
        facts.base = doc
            .select(&sel)
            .next()
            .and_then(|e| e.value().attr("href"))
            .map(str::to_string);
    }
    // One selector for all kinds keeps the references in document order, which the mapping of
    // body links to Markdown lines relies on.
    let all = SELECTORS
        .iter()
        .map(|(s, ..)| *s)
        .collect::<Vec<_>>()
        .join(", ");
    let Ok(sel) = scraper::Selector::parse(&all) else {
        return facts;
    };
    let singles: Vec<(scraper::Selector, &str, &'static str, bool)> = SELECTORS
        .iter()
        .filter_map(|(s, a, w, i)| Some((scraper::Selector::parse(s).ok()?, *a, *w, *i)))
        .collect();
    for el in doc.select(&sel) {
        for (s, attr, what, image) in &singles {
            if !s.matches(&el) {
                continue;
            }
            let Some(v) = el.value().attr(attr) else {
                continue;
            };
            if attr.ends_with("srcset") {
                for candidate in v.split(',') {
                    if let Some(url) = candidate.split_whitespace().next() {
                        facts.refs.push(Ref {
                            url: url.to_string(),
                            image: *image,
                            what,
                        });
                    }
                }
            } else {
                facts.refs.push(Ref {
                    url: v.trim().to_string(),
                    image: *image,
                    what,
                });
            }
        }
    }
    facts
}

/// Where a reference points inside the site.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// Not ours to check (another site, `mailto:`, `data:`…).
    Outside,
    /// Root-relative but not under the site's base path.
    OutsideBasePath(String),
    /// Climbs above the site's root with `..`.
    AboveRoot,
    /// A site-relative path (percent-decoded, without query) and a fragment.
    Site { path: String, fragment: String },
}

/// Resolves a reference found on the page whose root-relative URL folder is `page_dir`
/// (`/news/2026/03/09/slug/`).
fn resolve(url: &str, page_dir: &str, base_url: &str, base_path: &str) -> Target {
    let url = url.trim();
    if url.is_empty() {
        return Target::Site {
            path: page_dir.strip_prefix(base_path).unwrap_or("").to_string(),
            fragment: String::new(),
        };
    }
    let absolute = if let Some(rest) = url.strip_prefix(base_url) {
        format!("{base_path}{rest}")
    } else if url.starts_with("//")
        || url
            .split_once(':')
            .is_some_and(|(s, _)| !s.is_empty() && !s.contains(['/', '?', '#']))
    {
        return Target::Outside;
    } else if url.starts_with('/') {
        url.to_string()
    } else {
        format!("{page_dir}{url}")
    };
    let (no_frag, fragment) = match absolute.split_once('#') {
        Some((p, f)) => (
            p.to_string(),
            percent_decode_str(f).decode_utf8_lossy().into_owned(),
        ),
        None => (absolute.clone(), String::new()),
    };
    let path = no_frag.split('?').next().unwrap_or("");
    let Some(inside) = path.strip_prefix(base_path).or_else(|| {
        // `/news` for base path `/news/`.
        (path.len() + 1 == base_path.len() && base_path.starts_with(path)).then_some("")
    }) else {
        return Target::OutsideBasePath(path.to_string());
    };
    let decoded = percent_decode_str(inside).decode_utf8_lossy();
    let mut parts: Vec<&str> = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Target::AboveRoot;
                }
            }
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if decoded.ends_with('/') && !path.is_empty() {
        path.push('/');
    }
    Target::Site { path, fragment }
}

/// The output file a site path is served from: `a/` → `a/index.html`; `a` → `a` or, as
/// servers redirect a folder without its slash, `a/index.html`.
fn served_file(path: &str, files: &BTreeMap<String, Vec<u8>>) -> Option<String> {
    let candidates = if path.is_empty() || path.ends_with('/') {
        vec![format!("{path}index.html")]
    } else {
        vec![path.to_string(), format!("{path}/index.html")]
    };
    candidates.into_iter().find(|c| files.contains_key(c))
}

/// Root-relative URL folder of an output file (`a/b/index.html` → `/news/a/b/`).
fn page_dir(rel: &str, base_path: &str) -> String {
    match rel.rsplit_once('/') {
        Some((dir, _)) => format!("{base_path}{dir}/"),
        None => base_path.to_string(),
    }
}

/// Root-relative URL of an output page, as a reader would type it.
fn page_url(rel: &str, base_path: &str) -> String {
    let rel = rel.strip_suffix("index.html").unwrap_or(rel);
    format!("{base_path}{rel}")
}

/// Which template renders an output page that is not an article.
/// Where a problem is reported.
struct Origin {
    path: PathBuf,
    line: usize,
    /// For template links: which page it was seen on.
    page: Option<String>,
}

/// Renders the site into memory and checks every page's internal references.
pub fn check_site(site: &Site, theme: &Theme) -> Result<CheckReport> {
    let Rendered {
        files,
        templates,
        mut diags,
    } = render_in_memory(site, theme)?;
    diags.extend(case_collisions(&files, &site.config.base_path));
    let (pages, links) = check_links(site, theme, &files, &templates, &mut diags);
    diags.extend(placeholders(site));
    crate::diagnostics::sort(&mut diags);
    diags.dedup();
    let diags = cap_per_template(diags, theme);
    Ok(CheckReport {
        diagnostics: diags,
        pages,
        links,
        files: files.len(),
    })
}

/// The site as `gen build` would write it, in memory.
struct Rendered {
    /// Site-relative path → bytes.
    files: BTreeMap<String, Vec<u8>>,
    /// Path → the template that made it, for pages.
    templates: HashMap<String, &'static str>,
    /// Paths two products would share.
    diags: Vec<Diagnostic>,
}

/// Produces every output of the site into memory; when two products share a path, the
/// collision is reported and the first one made, so the check goes on.
fn render_in_memory(site: &Site, theme: &Theme) -> Result<Rendered> {
    let plan = Plan::new(site, theme);
    let diags = plan.collisions();
    let which = plan.unique();
    let sink = MemorySink::default();
    let mut timer = crate::timer::Timer::start();
    plan.produce(Some(&which), &sink, Env::current(), None, &mut timer)?;
    let templates = which
        .iter()
        .filter_map(|&i| match plan.products[i].maker() {
            Maker::Template(t) => Some((plan.products[i].path(&plan), t)),
            _ => None,
        })
        .collect();
    let files = sink
        .files
        .into_inner()
        .map_err(|_| Error::Internal("check sink poisoned".into()))?;
    Ok(Rendered {
        files,
        templates,
        diags,
    })
}

/// Hosts on case-insensitive file systems would serve one file for both.
fn case_collisions(files: &BTreeMap<String, Vec<u8>>, base_path: &str) -> Vec<Diagnostic> {
    let mut folded: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for rel in files.keys() {
        folded.entry(rel.to_lowercase()).or_default().push(rel);
    }
    folded
        .values()
        .filter(|g| g.len() > 1)
        .map(|group| {
            Diagnostic::warning(
                "content",
                0,
                0,
                format!(
                    "output files differ only in case: {}",
                    group
                        .iter()
                        .map(|r| page_url(r, base_path))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .with_hint("hosts that ignore case (macOS, Windows shares) would serve one for both")
        })
        .collect()
}

/// Checks every reference of every HTML page; returns (pages, references checked).
fn check_links(
    site: &Site,
    theme: &Theme,
    files: &BTreeMap<String, Vec<u8>>,
    templates: &HashMap<String, &'static str>,
    diags: &mut Vec<Diagnostic>,
) -> (usize, usize) {
    let config = &site.config;
    let base_path = config.base_path.as_str();

    // Which article each article page shows.
    let article_of: HashMap<String, usize> = site
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (urls::page_file(&a.rel), i))
        .collect();

    let pages: Vec<(&String, PageFacts)> = files
        .par_iter()
        .filter(|(rel, _)| rel.ends_with(".html") || rel.ends_with(".htm"))
        .map(|(rel, bytes)| (rel, parse_page(&String::from_utf8_lossy(bytes))))
        .collect();
    let ids: HashMap<&str, &BTreeSet<String>> = pages
        .iter()
        .map(|(rel, f)| (rel.as_str(), &f.ids))
        .collect();

    let template_path = |name: &str| {
        theme
            .origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from("templates").join(name))
    };
    let image_owner = lead_image_owners(site);
    let mut links = 0;
    for (rel, facts) in &pages {
        let dir = match &facts.base {
            Some(b) => match resolve(b, &page_dir(rel, base_path), &config.base_url, base_path) {
                Target::Site { path, .. } => format!("{base_path}{path}"),
                _ => page_dir(rel, base_path),
            },
            None => page_dir(rel, base_path),
        };
        let url_here = page_url(rel, base_path);
        // Body links of an article, by what they point to, with their Markdown lines in order.
        let article = article_of.get(rel.as_str()).map(|&i| &site.articles[i]);
        let mut body: HashMap<String, VecDeque<usize>> = HashMap::new();
        if let Some(a) = article {
            for l in &a.rendered.links {
                body.entry(decoded(&l.dest)).or_default().push_back(l.line);
            }
        }
        let template = templates.get(rel.as_str()).copied().unwrap_or("home.html");
        let here = Here {
            rel,
            files,
            ids: &ids,
            base_path,
        };
        for r in &facts.refs {
            let key = decoded(&r.url);
            let target = resolve(&r.url, &dir, &config.base_url, base_path);
            let owner = match &target {
                Target::Site { path, .. } if r.image => image_owner.get(path),
                _ => None,
            };
            // Blame: the Markdown line of a body link, the `image:` key of a lead image, else
            // the template on this page.
            let origin = match (article, body.get_mut(&key).and_then(VecDeque::pop_front)) {
                (Some(a), Some(line)) => Origin {
                    path: a.doc.display_path(),
                    line,
                    page: None,
                },
                _ => match owner {
                    Some((path, line, _)) => Origin {
                        path: path.clone(),
                        line: *line,
                        page: None,
                    },
                    None => Origin {
                        path: template_path(template),
                        line: 0,
                        page: Some(url_here.clone()),
                    },
                },
            };
            if !matches!(target, Target::Outside) {
                links += 1;
            }
            diags.extend(problem(
                &here,
                r,
                target,
                &origin,
                owner.map(|(_, _, src)| src.as_str()),
            ));
        }
    }
    (pages.len(), links)
}

/// Lead images come from front matter and show on the article, in cards and in share
/// metadata: a missing one is reported at the `image:` key of its article. Site path of the
/// image → (file, line, `src` as written).
fn lead_image_owners(site: &Site) -> HashMap<String, (PathBuf, usize, String)> {
    let config = &site.config;
    let base_path = config.base_path.as_str();
    let mut owners: HashMap<String, (PathBuf, usize, String)> = HashMap::new();
    for a in &site.articles {
        let Some(written) = a.doc.meta.image.as_ref() else {
            continue;
        };
        let src = urls::image(config, &a.rel, &written.src);
        let dir = format!("{base_path}{}", a.rel);
        if let Target::Site { path, .. } = resolve(&src, &dir, &config.base_url, base_path) {
            owners.entry(path).or_insert_with(|| {
                (
                    a.doc.display_path(),
                    a.doc.line_of("image"),
                    written.src.clone(),
                )
            });
        }
    }
    owners
}

/// The page being checked and what it can link to.
struct Here<'a> {
    /// Its output path.
    rel: &'a str,
    /// Every file of the site.
    files: &'a BTreeMap<String, Vec<u8>>,
    /// Ids of every page.
    ids: &'a HashMap<&'a str, &'a BTreeSet<String>>,
    base_path: &'a str,
}

/// What is wrong with reference `r` to `target`, said at `origin`; `lead` is the `src` of the
/// lead image it shows, if it is one.
fn problem(
    here: &Here<'_>,
    r: &Ref,
    target: Target,
    origin: &Origin,
    lead: Option<&str>,
) -> Option<Diagnostic> {
    let base_path = here.base_path;
    let on_page = |msg: String| match &origin.page {
        Some(p) => format!("{msg} ({} on {p})", r.what),
        None => msg,
    };
    let error = |msg: String| Diagnostic::error(&origin.path, origin.line, 0, msg);
    match target {
        Target::Outside => None,
        Target::OutsideBasePath(p) => Some(
            Diagnostic::warning(
                &origin.path,
                origin.line,
                0,
                on_page(format!(
                    "`{}` leaves the site, which lives under {base_path}",
                    r.url
                )),
            )
            .with_hint(format!(
                "link pages of this site relatively or by content path (`story.md`); {p} is not checked"
            )),
        ),
        Target::AboveRoot => Some(
            error(on_page(format!("`{}` climbs above the site's root", r.url)))
                .with_hint("remove a `../`"),
        ),
        Target::Site { path, fragment } => {
            if (here.rel == urls::NOT_FOUND || here.rel.ends_with(&format!("/{}", urls::NOT_FOUND)))
                && !r.url.starts_with(['/', '#'])
                && !r.url.contains("://")
                && !r.url.is_empty()
            {
                return Some(
                    error(on_page(format!(
                        "relative `{}` in 404.html, which servers show at any URL",
                        r.url
                    )))
                    .with_hint("use a root-relative URL, e.g. {{ site.base_path }}…"),
                );
            }
            let Some(file) = served_file(&path, here.files) else {
                if let Some(src) = lead {
                    return Some(
                        error(format!(
                            "missing image `{src}` (the lead image): nothing is built at {base_path}{path}"
                        ))
                        .with_hint(
                            "put the file beside index.md in the article's folder, or give a /path under static/",
                        ),
                    );
                }
                let (what, hint) = match (r.image, origin.page.is_some()) {
                    (true, false) => (
                        "missing image",
                        "put the file beside the article (a folder with index.md) or in static/",
                    ),
                    (false, false) => (
                        "broken link",
                        "link an existing page: a content path such as `../en/story.md` is resolved for you",
                    ),
                    (true, true) => (
                        "missing file",
                        "the template links a file the build does not write: fix the template, or add the file to static/",
                    ),
                    (false, true) => (
                        "broken link",
                        "the template links a page the build does not write: fix the template or the data it shows",
                    ),
                };
                return Some(
                    error(on_page(format!(
                        "{what} `{}`: nothing is built at {base_path}{path}",
                        r.url
                    )))
                    .with_hint(hint),
                );
            };
            if fragment.is_empty() || fragment.eq_ignore_ascii_case("top") {
                return None;
            }
            let target_ids = here.ids.get(file.as_str())?;
            if target_ids.contains(&fragment) {
                return None;
            }
            let d = error(on_page(if r.url.starts_with('#') {
                format!(
                    "missing anchor `{}`: this page has no element with that id",
                    r.url
                )
            } else {
                format!(
                    "missing anchor `#{fragment}` in `{}`: {} has no element with that id",
                    r.url,
                    page_url(&file, base_path)
                )
            }));
            Some(
                match did_you_mean(&fragment, target_ids.iter().map(String::as_str)) {
                    Some(n) => d.with_hint(format!("did you mean `#{n}`?")),
                    None => d.with_hint(
                        "headings get ids from their text; write `## Title {#id}` to choose one",
                    ),
                },
            )
        }
    }
}

/// Most problems a template causes repeat on every page it renders; a few examples each say
/// what is wrong, a thousand would bury the rest.
const PER_TEMPLATE: usize = 5;

fn cap_per_template(diags: Vec<Diagnostic>, theme: &Theme) -> Vec<Diagnostic> {
    let templates: BTreeSet<&PathBuf> = theme.origins.values().collect();
    let mut seen: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(diags.len());
    for d in diags {
        if templates.contains(&d.path) {
            let n = seen.entry(d.path.clone()).or_default();
            *n += 1;
            if *n > PER_TEMPLATE {
                continue;
            }
        }
        out.push(d);
    }
    for (path, n) in seen {
        if n > PER_TEMPLATE {
            out.push(Diagnostic::error(
                path,
                0,
                0,
                format!(
                    "… and {} more problems of this template on other pages",
                    n - PER_TEMPLATE
                ),
            ));
        }
    }
    crate::diagnostics::sort(&mut out);
    out
}

fn decoded(url: &str) -> String {
    percent_decode_str(url.trim())
        .decode_utf8_lossy()
        .into_owned()
}

/// Marker `gen new article` puts where it could not know a value.
pub const TODO: &str = "TODO";

/// Front matter values still holding a `TODO` placeholder of `gen new article`: they build,
/// but must not be published.
pub fn placeholders(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for a in &site.articles {
        let Ok(text) = std::fs::read_to_string(&a.doc.file.abs) else {
            continue;
        };
        let front = text
            .lines()
            .take(a.doc.body_line.saturating_sub(1))
            .enumerate();
        for (i, line) in front {
            let value = line.trim_start();
            if value.starts_with('#') {
                continue;
            }
            // A YAML comment starts at ` #`; what comes before is the value.
            let value = value.split(" #").next().unwrap_or(value);
            if let Some(col) = value.find(TODO) {
                let key = value
                    .split(':')
                    .next()
                    .unwrap_or("")
                    .trim_start_matches("- ");
                out.push(
                    Diagnostic::error(
                        a.doc.display_path(),
                        i + 1,
                        line.len() - line.trim_start().len() + col + 1,
                        format!("`{}` still holds a placeholder", key.trim()),
                    )
                    .with_hint("replace the TODO with the real value before publishing"),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BU: &str = "https://e.org/news/";
    const BP: &str = "/news/";

    fn site_path(url: &str, dir: &str) -> Target {
        resolve(url, dir, BU, BP)
    }

    #[test]
    fn resolves_relative_root_and_absolute_references() {
        let dir = "/news/2026/03/09/a/";
        assert_eq!(
            site_path("../b/#x", dir),
            Target::Site {
                path: "2026/03/09/b/".into(),
                fragment: "x".into()
            }
        );
        assert_eq!(
            site_path("/news/tags/", dir),
            Target::Site {
                path: "tags/".into(),
                fragment: String::new()
            }
        );
        assert_eq!(
            site_path("https://e.org/news/css/a.css?v=1", dir),
            Target::Site {
                path: "css/a.css".into(),
                fragment: String::new()
            }
        );
        assert_eq!(
            site_path("#%D0%B0", dir),
            Target::Site {
                path: "2026/03/09/a/".into(),
                fragment: "а".into()
            }
        );
        assert_eq!(
            site_path("/about/", dir),
            Target::OutsideBasePath("/about/".into())
        );
        assert_eq!(site_path("../../../../../x", dir), Target::AboveRoot);
        for outside in [
            "https://other.org/",
            "//cdn.example/x.js",
            "mailto:a@b.c",
            "tel:+1",
            "data:image/png;base64,AA",
        ] {
            assert_eq!(site_path(outside, dir), Target::Outside, "{outside}");
        }
        assert_eq!(
            site_path("/news", dir),
            Target::Site {
                path: String::new(),
                fragment: String::new()
            }
        );
    }

    #[test]
    fn parses_ids_and_references_in_order() {
        let f = parse_page(
            "<p id=a><a href='x/'>x</a><img src=i.png srcset='j.png 2x, k.png 3x'><a name=b></a><link rel=stylesheet href=/s.css>",
        );
        assert!(f.ids.contains("a") && f.ids.contains("b"));
        let urls: Vec<&str> = f.refs.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(urls, ["x/", "i.png", "j.png", "k.png", "/s.css"]);
        assert!(f.refs[1].image && !f.refs[0].image);
    }
}
