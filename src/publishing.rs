//! What is published now, and what was published before: scheduled articles held back until
//! their time, takedowns (a tombstone page stays at the URL), and redirects from the URLs an
//! article had before (`aliases:` and, in `gen build`, permalinks that changed since the last
//! build of the same output folder, from the manifest kept in its marker file).
//!
//! The site model ([`crate::site::build_with`]) calls [`split`] before anything else reads the
//! documents, so no list, feed, sitemap or related list ever sees a held-back or taken-down
//! article.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::content::{Document, Takedown, Unpublished};
use crate::dates::DateTime;
use crate::site::Site;

/// File in the output folder holding the [`Manifest`]: the folder's marker (see
/// [`crate::output::MARKER`]).
pub use crate::output::MARKER as MANIFEST_FILE;

/// An article left out of this build because its date is still to come.
#[derive(Debug, Clone, Serialize)]
pub struct Held {
    /// Content path as the user sees it (`content/en/x.md`).
    pub path: PathBuf,
    /// Headline.
    pub title: String,
    /// When it is to be published.
    pub date: DateTime,
}

/// A taken-down article: only its tombstone page is published, at its URL.
#[derive(Debug, Clone)]
pub struct Tombstone {
    /// The document (only its language, path and takedown are shown).
    pub doc: Document,
    /// Site-relative folder of its page.
    pub rel: String,
    /// The takedown, its own or its original's.
    pub takedown: Takedown,
    /// Content path of the original whose takedown it follows.
    pub follows: Option<String>,
}

/// An old URL of an article.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Redirect {
    /// Site-relative folder or `.html` file the article was published at.
    pub from: String,
    /// Index of the article it moved to.
    pub to: usize,
    /// Found from the manifest (not written in `aliases:`): dropped, not reported, when
    /// another page now has the URL.
    pub automatic: bool,
}

/// Documents split by what this build publishes.
pub struct Split {
    /// Published articles.
    pub published: Vec<Document>,
    /// Scheduled articles held back, soonest first.
    pub held: Vec<Held>,
    /// Taken-down articles with their permalinks.
    pub gone: Vec<(Document, Takedown, Option<String>)>,
}

/// Separates drafts (left out unless `--drafts`), scheduled articles (dated after
/// `config.now`, left out unless `--future`) and taken-down articles (their own `unpublished:`
/// or that of the original they translate, unless they say `unpublished: false`).
///
/// `originals(docs)` names, per document, the index of the document it translates
/// (`translation_of:`) when that is in `docs`; it is called only when something is taken down.
pub fn split(
    config: &Config,
    docs: Vec<Document>,
    originals: &dyn Fn(&[Document]) -> Vec<Option<usize>>,
) -> Split {
    let mut held = Vec::new();
    let mut kept = Vec::with_capacity(docs.len());
    for d in docs {
        if d.meta.draft && !config.drafts {
            continue;
        }
        if !config.future && d.meta.date.ts > config.now {
            held.push(Held {
                path: d.display_path(),
                title: d.meta.title.clone(),
                date: d.meta.date,
            });
            continue;
        }
        kept.push(d);
    }
    held.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.path.cmp(&b.path)));
    if !kept
        .iter()
        .any(|d| matches!(d.meta.unpublished, Unpublished::Removed(_)))
    {
        return Split {
            published: kept,
            held,
            gone: Vec::new(),
        };
    }
    let removal = takedowns(&kept, originals(&kept));
    let mut published = Vec::with_capacity(kept.len());
    let mut gone = Vec::new();
    for (d, r) in kept.into_iter().zip(removal) {
        match r {
            Some((t, follows)) => gone.push((d, t, follows)),
            None => published.push(d),
        }
    }
    Split {
        published,
        held,
        gone,
    }
}

/// Each document's takedown: its own, else its original's (through chains of translations,
/// and through a `translation_key` group whose original — its earliest member that names no
/// `translation_of` — is taken down), unless it says `unpublished: false`.
fn takedowns(
    docs: &[Document],
    translates: Vec<Option<usize>>,
) -> Vec<Option<(Takedown, Option<String>)>> {
    let mut out: Vec<Option<(Takedown, Option<String>)>> = docs
        .iter()
        .map(|d| match &d.meta.unpublished {
            Unpublished::Removed(t) => Some((t.clone(), None)),
            _ => None,
        })
        .collect();
    // The original of a `translation_key` group: its earliest member that translates nothing
    // (ties by content path, so that the order of `docs` does not matter).
    let mut key_original: HashMap<&str, usize> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        if let (Some(k), None) = (&d.meta.translation_key, &d.meta.translation_of) {
            let e = key_original.entry(k.as_str()).or_insert(i);
            let o = &docs[*e];
            if (d.meta.date, &d.file.rel) < (o.meta.date, &o.file.rel) {
                *e = i;
            }
        }
    }
    let originals: Vec<Option<usize>> = translates
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            t.or_else(|| {
                let d = &docs[i];
                d.meta
                    .translation_key
                    .as_deref()
                    .and_then(|k| key_original.get(k).copied())
                    .filter(|&j| j != i)
            })
        })
        .collect();
    // Chains are short; repeat until nothing changes.
    loop {
        let mut changed = false;
        for i in 0..docs.len() {
            if out[i].is_some() || !matches!(docs[i].meta.unpublished, Unpublished::Unset) {
                continue;
            }
            if let Some(o) = originals[i]
                && let Some((t, _)) = out[o].clone()
            {
                out[i] = Some((t, Some(docs[o].file.rel.clone())));
                changed = true;
            }
        }
        if !changed {
            return out;
        }
    }
}

/// When the site must be built again to publish the next held-back article.
pub fn next_publish(held: &[Held]) -> Option<DateTime> {
    held.iter().map(|h| h.date).min()
}

/// The redirects `aliases:` ask for.
pub fn aliases(site: &Site) -> Vec<Redirect> {
    let mut out = Vec::new();
    for (i, a) in site.articles.iter().enumerate() {
        for from in &a.doc.meta.aliases {
            if *from != a.rel {
                out.push(Redirect {
                    from: from.clone(),
                    to: i,
                    automatic: false,
                });
            }
        }
    }
    out
}

/// What a build published, kept in the output folder's marker so that the next build of the
/// same folder finds the articles whose permalinks changed. Articles are keyed by a hash of
/// their content path: the marker is served with the site, and file names of content are no
/// business of readers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// What this file is.
    pub generator: String,
    /// Per article key: where it is published.
    pub articles: BTreeMap<String, Placed>,
    /// Old site-relative paths, with the key of the article each redirects to.
    pub moved: BTreeMap<String, String>,
}

/// Where an article is, and was first, published.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Placed {
    /// Its site-relative folder now.
    pub rel: String,
    /// The folder it was first published at: its feed items keep this identity.
    pub first: String,
}

const GENERATOR: &str =
    "gen; this folder is replaced on every build; this file records the URLs it published";

/// The manifest key of a content path.
fn key(content_rel: &str) -> String {
    let digest = Sha256::digest(content_rel.as_bytes());
    digest[..12].iter().map(|b| format!("{b:02x}")).collect()
}

impl Manifest {
    /// The manifest of the output folder `dir`, when an earlier build left one.
    pub fn read(dir: &Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(dir.join(MANIFEST_FILE)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// The manifest after this build: every article where it is now and where it was first,
    /// and every redirect of an automatic move.
    pub fn of(site: &Site) -> Manifest {
        let mut m = Manifest {
            generator: GENERATOR.into(),
            ..Manifest::default()
        };
        for a in &site.articles {
            m.articles.insert(
                key(&a.doc.file.rel),
                Placed {
                    rel: a.rel.clone(),
                    first: a.first_rel.clone().unwrap_or_else(|| a.rel.clone()),
                },
            );
        }
        for r in site.redirects.iter().filter(|r| r.automatic) {
            m.moved
                .insert(r.from.clone(), key(&site.articles[r.to].doc.file.rel));
        }
        m
    }

    /// The marker file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }
}

/// Applies what an earlier build of the same folder published: articles keep the URL they
/// were first published at (for feed identities), and URLs that an article left since then
/// redirect to it. Redirects whose article is gone are dropped.
pub fn apply(site: &mut Site, previous: &Manifest) {
    let index: HashMap<String, usize> = site
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (key(&a.doc.file.rel), i))
        .collect();
    let mut moved: BTreeMap<String, usize> = BTreeMap::new();
    for (k, placed) in &previous.articles {
        if let Some(&i) = index.get(k) {
            let a = &mut site.articles[i];
            a.first_rel = Some(placed.first.clone());
            if placed.rel != a.rel {
                moved.insert(placed.rel.clone(), i);
            }
        }
    }
    for (from, k) in &previous.moved {
        if let Some(&i) = index.get(k) {
            moved.entry(from.clone()).or_insert(i);
        }
    }
    let explicit: std::collections::HashSet<String> =
        site.redirects.iter().map(|r| r.from.clone()).collect();
    for (from, to) in moved {
        if from != site.articles[to].rel && !explicit.contains(&from) {
            site.redirects.push(Redirect {
                from,
                to,
                automatic: true,
            });
        }
    }
}

/// Escapes text for HTML content and attribute values.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page left at an old URL: sends browsers on at once, tells search engines where the
/// article is now (canonical) and not to index this URL, and shows a link for everything
/// that does not follow refreshes. In the article's language.
pub fn redirect_page(site: &Site, theme: &crate::theme::Theme, r: &Redirect) -> Vec<u8> {
    let a = &site.articles[r.to];
    let lang = a.lang();
    let to = html_escape(&site.config.abs_url(&a.rel));
    let moved = match theme.strings.get(lang, "moved_to") {
        Some(crate::theme::Entry::Text(t)) => t.clone(),
        _ => "This article has moved to".into(),
    };
    let dir = match site.config.language(lang).map(|l| l.direction()) {
        Some(crate::config::Direction::Rtl) => "rtl",
        _ => "ltr",
    };
    let title = html_escape(&a.doc.meta.title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<link rel=\"canonical\" href=\"{to}\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n<body>\n\
         <p>{moved}: <a href=\"{to}\">{title}</a></p>\n</body>\n</html>\n",
        moved = html_escape(&moved),
    )
    .into_bytes()
}

/// `_redirects` (Netlify, Cloudflare Pages): `/old/ /new/ 301` per line, with the base path.
pub fn redirects_file(site: &Site, made: &[usize]) -> String {
    let mut out = String::from("# Written by gen: old URLs of articles, moved permanently.\n");
    for &i in made {
        let r = &site.redirects[i];
        let to = site.url(&site.articles[r.to].rel);
        out.push_str(&format!("{} {to} 301\n", site.url(&r.from)));
    }
    out
}

/// nginx `map` entries from `$uri` to the new URL; each old folder also matches without its
/// trailing slash and with `index.html`. Include it in a `map $uri $gen_redirect { … }`
/// block (README, Deploying).
pub fn nginx_map(site: &Site, made: &[usize]) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = String::from("# Written by gen: old URLs of articles -> where they are now.\n");
    for &i in made {
        let r = &site.redirects[i];
        let to = quote(&site.url(&site.articles[r.to].rel));
        let from = site.url(&r.from);
        let mut keys = vec![from.clone()];
        if let Some(folder) = from.strip_suffix('/') {
            keys.push(folder.to_string());
            keys.push(format!("{from}index.html"));
        }
        for k in keys {
            out.push_str(&format!("{} {to};\n", quote(&k)));
        }
    }
    out
}

/// The current time for publishing decisions: `SOURCE_DATE_EPOCH` when set, else the clock.
pub fn now() -> Timestamp {
    crate::sitemap::build_time()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hide_content_paths_and_are_stable() {
        let k = key("en/court.md");
        assert_eq!(k.len(), 24);
        assert!(!k.contains("court"));
        assert_eq!(k, key("en/court.md"));
        assert_ne!(k, key("ru/court.md"));
    }
}
