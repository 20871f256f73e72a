//! The site model: permalinks, collisions, translations, taxonomies (authors, translators,
//! outlets, tags, stories) and pinned related items. Built once from the documents, then only
//! read by the later stages.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::archives::Archive;
use crate::config::Config;
use crate::content::{Document, RawRelated};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::markdown::{self, LinkResolver, RenderOptions, Rendered};
use crate::people::People;
use crate::publishing::{Held, Redirect, Tombstone};
use crate::urls;

pub use crate::taxonomy::TaxonomyKind;

/// One term of a taxonomy (a person, an outlet, a tag, a story).
#[derive(Debug, Clone)]
pub struct Term {
    /// Which taxonomy.
    pub kind: TaxonomyKind,
    /// Display name (for people: the canonical name; for a story or tag of terms.yaml, its
    /// `name`).
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// Site-relative folder of its page in the default language (`authors/ivan-petrov/`; see
    /// [`Site::term_rel`] for the others).
    pub rel: String,
    /// Articles, newest first.
    pub articles: Vec<usize>,
    /// For authors and translators: index into [`Site::people`].
    pub person: Option<usize>,
    /// For a term with articles in more than one language: per language of its articles, the
    /// order of its page in that language (that language's articles first, then the others,
    /// each newest first). Other terms and languages use `articles`.
    pub orders: Vec<(String, Vec<usize>)>,
    /// How many of `articles` each language has, by language code (sorted; languages without
    /// any left out). Asked once per term page: counting on every page would make a term's
    /// pages cost the square of its size.
    pub langs: Vec<(String, usize)>,
}

impl Term {
    /// How many of the term's articles are in `lang`: the first ones of [`Term::order`].
    pub fn in_language(&self, lang: &str) -> usize {
        self.langs
            .binary_search_by(|(l, _)| l.as_str().cmp(lang))
            .map_or(0, |k| self.langs[k].1)
    }

    /// The articles as the term's page in `lang` lists them: the reader's language first.
    pub fn order(&self, lang: &str) -> &[usize] {
        self.orders
            .iter()
            .find(|(l, _)| l == lang)
            .map_or(&self.articles, |(_, o)| o)
    }
}

/// A related-reading entry.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Related {
    /// An article of this site.
    Article(usize),
    /// An outside link pinned in front matter.
    External {
        /// Title.
        title: String,
        /// URL.
        url: String,
        /// Kicker.
        kicker: Option<String>,
        /// Dek.
        description: Option<String>,
    },
}

/// An article with everything the model knows about it.
#[derive(Debug, Clone)]
pub struct Article {
    /// The parsed document.
    pub doc: Document,
    /// Rendered body.
    pub rendered: Rendered,
    /// Site-relative folder of its page (`2021/12/08/slug/`).
    pub rel: String,
    /// Indices of the other language versions, in language order.
    pub translations: Vec<usize>,
    /// The original of this translation, when it is in this site.
    pub original: Option<usize>,
    /// The original was updated after this translation.
    pub stale: bool,
    /// Indices into [`Site::people`] of the authors.
    pub authors: Vec<usize>,
    /// Indices into [`Site::people`] of the translators.
    pub translators: Vec<usize>,
    /// Pinned related entries, resolved.
    pub pinned: Vec<Related>,
    /// Dated after the build's "now" and shown as a scheduled preview (the dev server).
    pub scheduled: bool,
    /// The folder it was first published at, from the output folder's manifest when it moved
    /// since (its feed items keep that identity).
    pub first_rel: Option<String>,
}

impl Article {
    /// The language code.
    pub fn lang(&self) -> &str {
        &self.doc.meta.lang
    }
}

/// The frozen site.
#[derive(Debug)]
pub struct Site {
    /// Configuration.
    pub config: Config,
    /// Articles, newest first (ties by content path).
    pub articles: Vec<Article>,
    /// Article indices per language code (newest first).
    pub by_lang: BTreeMap<String, Vec<usize>>,
    /// Terms per taxonomy, sorted by slug.
    pub taxonomies: BTreeMap<TaxonomyKind, Vec<Term>>,
    /// Everyone credited.
    pub people: People,
    /// Related reading per article (pinned first, then computed).
    pub related: Vec<Vec<Related>>,
    /// Articles held back until their date (without `--future`), soonest first.
    pub held: Vec<Held>,
    /// Taken-down articles: a tombstone page each.
    pub tombstones: Vec<Tombstone>,
    /// Old URLs of articles.
    pub redirects: Vec<Redirect>,
    /// Date archives per language.
    pub archives: Vec<Archive>,
    /// Images shown, with their variants (set by [`crate::images::attach`]).
    pub images: crate::images::Gallery,
}

/// An hreflang alternate of a page.
#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    /// BCP 47 code, or `x-default`.
    pub hreflang: String,
    /// Absolute URL.
    pub href: String,
}

impl Site {
    /// The hreflang cluster of article `i`: every version, itself included, and x-default
    /// (the original when it is in the group, else the default language's version, else the
    /// first). Empty when the article has no other version. Pages and the sitemap both use it.
    pub fn alternates(&self, i: usize) -> Vec<Alternate> {
        let a = &self.articles[i];
        if a.translations.is_empty() {
            return Vec::new();
        }
        let mut group: Vec<usize> = a.translations.iter().copied().chain([i]).collect();
        group.sort_by_key(|&j| (self.lang_rank(self.articles[j].lang()), j));
        let x_default = group
            .iter()
            .copied()
            .find(|&j| {
                self.articles[j].original.is_none()
                    && group.iter().any(|&k| self.articles[k].original == Some(j))
            })
            .or_else(|| {
                group
                    .iter()
                    .copied()
                    .find(|&j| self.articles[j].lang() == self.config.default_language)
            })
            .unwrap_or(group[0]);
        let mut out: Vec<Alternate> = group
            .iter()
            .map(|&j| Alternate {
                hreflang: self.articles[j].lang().to_string(),
                href: self.config.abs_url(&self.articles[j].rel),
            })
            .collect();
        out.push(Alternate {
            hreflang: "x-default".into(),
            href: self.config.abs_url(&self.articles[x_default].rel),
        });
        out
    }

    /// The hreflang cluster of the home pages (first pages only): one per language, and
    /// `x-default` = the default language's. Empty for a one-language site.
    pub fn home_alternates(&self) -> Vec<Alternate> {
        self.language_alternates(|l| urls::home(&self.config, l))
    }

    /// Position of a language in site.toml's order (unknown codes last).
    pub fn lang_rank(&self, code: &str) -> usize {
        self.config
            .languages
            .iter()
            .position(|l| l.code == code)
            .unwrap_or(usize::MAX)
    }

    /// Site-relative folder of a term's page in `lang`.
    pub fn term_rel(&self, term: &Term, lang: &str) -> String {
        urls::term(&self.config, lang, term.kind, &term.slug)
    }

    /// The hreflang cluster of a page every language has (taxonomy indexes, term pages): one
    /// per language from `rel_of`, and `x-default` = the default language's. Empty for a
    /// one-language site.
    pub fn language_alternates(&self, rel_of: impl Fn(&str) -> String) -> Vec<Alternate> {
        let langs = &self.config.languages;
        if langs.len() < 2 {
            return Vec::new();
        }
        let mut out: Vec<Alternate> = langs
            .iter()
            .map(|l| Alternate {
                hreflang: l.code.clone(),
                href: self.config.abs_url(&rel_of(&l.code)),
            })
            .collect();
        out.push(Alternate {
            hreflang: "x-default".into(),
            href: self.config.abs_url(&rel_of(&self.config.default_language)),
        });
        out
    }

    /// Root-relative URL of a site-relative path.
    pub fn url(&self, rel: &str) -> String {
        self.config.url(rel)
    }

    /// The term of a taxonomy with this display name, if any.
    pub fn term_for(&self, kind: TaxonomyKind, name: &str) -> Option<&Term> {
        let slug = match kind {
            TaxonomyKind::Authors | TaxonomyKind::Translators => {
                let p = self.people.find(name, None)?;
                return self
                    .taxonomies
                    .get(&kind)?
                    .iter()
                    .find(|t| t.person == Some(p));
            }
            TaxonomyKind::Stories | TaxonomyKind::Tags => self.people.terms.slug(kind, name),
            TaxonomyKind::Outlets => urls::term_slug(name),
        };
        let terms = self.taxonomies.get(&kind)?;
        terms
            .binary_search_by(|t| t.slug.as_str().cmp(&slug))
            .ok()
            .map(|i| &terms[i])
    }
}

/// Maps content paths and slugs to article indices, for links and references.
pub struct Lookup {
    by_path: HashMap<String, usize>,
    by_slug: HashMap<String, Vec<usize>>,
    urls: Vec<String>,
    langs: Vec<String>,
    /// Indices from here on are taken-down articles: links to them still resolve (to the
    /// tombstone), references that need an article do not.
    published: usize,
}

impl Lookup {
    /// The lookup of sorted documents and their permalinks (`rels[i]` belongs to `docs[i]`).
    fn new(config: &Config, docs: &[Document], rels: &[String], gone: &[Tombstone]) -> Lookup {
        Self::from_docs(
            docs.iter().chain(gone.iter().map(|t| &t.doc)),
            rels.iter()
                .chain(gone.iter().map(|t| &t.rel))
                .map(|r| config.url(r))
                .collect(),
            docs.len(),
        )
    }

    /// The same lookup [`build`] used for `site`: for rendering one body again without
    /// rebuilding the site (the dev server's fast path).
    pub fn of(site: &Site) -> Lookup {
        Self::from_docs(
            site.articles
                .iter()
                .map(|a| &a.doc)
                .chain(site.tombstones.iter().map(|t| &t.doc)),
            site.articles
                .iter()
                .map(|a| &a.rel)
                .chain(site.tombstones.iter().map(|t| &t.rel))
                .map(|r| site.url(r))
                .collect(),
            site.articles.len(),
        )
    }

    fn from_docs<'a>(
        docs: impl Iterator<Item = &'a Document>,
        urls: Vec<String>,
        published: usize,
    ) -> Lookup {
        let mut by_path = HashMap::new();
        let mut by_slug: HashMap<String, Vec<usize>> = HashMap::new();
        let mut langs = Vec::new();
        for (i, d) in docs.enumerate() {
            by_path.insert(d.file.rel.clone(), i);
            by_slug.entry(d.meta.slug.clone()).or_default().push(i);
            langs.push(d.meta.lang.clone());
        }
        Lookup {
            by_path,
            by_slug,
            urls,
            langs,
            published,
        }
    }

    /// [`Lookup::find`] for references that need a published article (`translation_of`,
    /// pinned related): `Ok(None)` for a taken-down one.
    fn find_published(
        &self,
        from: &str,
        reference: &str,
        lang: &str,
    ) -> Result<Option<usize>, String> {
        self.find(from, reference, lang)
            .map(|i| (i < self.published).then_some(i))
    }

    fn find(&self, from: &str, reference: &str, lang: &str) -> Result<usize, String> {
        let r = reference.trim().trim_start_matches("@/");
        // `/en/story.md` names a file from content/.
        let r = if r.ends_with(".md") {
            r.trim_start_matches('/')
        } else {
            r
        };
        // A content path, relative to content/ or to the referring file's folder.
        if r.ends_with(".md") || r.contains('/') {
            let base = Path::new(from).parent().unwrap_or(Path::new(""));
            for c in [normalize(&base.join(r)), normalize(Path::new(r))]
                .into_iter()
                .flatten()
            {
                for key in [
                    c.clone(),
                    format!("{c}/index.md"),
                    format!("{}/index.md", c.trim_end_matches(".md")),
                ] {
                    if let Some(&i) = self.by_path.get(&key) {
                        return Ok(i);
                    }
                }
            }
        }
        if let Some(list) = self.by_slug.get(r) {
            // Prefer the reader's language when several versions share a slug.
            return Ok(list
                .iter()
                .copied()
                .find(|&i| self.langs[i] == lang)
                .unwrap_or(list[0]));
        }
        let nearest = did_you_mean(
            r,
            self.by_slug
                .keys()
                .map(String::as_str)
                .chain(self.by_path.keys().map(String::as_str)),
        );
        Err(match nearest {
            Some(n) => format!("nothing in content/ is named `{reference}`; the nearest is `{n}`"),
            None => format!("nothing in content/ is named `{reference}`"),
        })
    }
}

/// Normalizes `a/./b/../c` to `a/c`; `None` when it climbs out.
fn normalize(p: &Path) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::Normal(s) => out.push(s.to_str()?),
            std::path::Component::ParentDir => {
                out.pop()?;
            }
            std::path::Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out.join("/"))
}

impl LinkResolver for Lookup {
    fn resolve(&self, from: &str, dest: &str) -> Option<Result<String, String>> {
        if dest.contains("://") || dest.starts_with('#') || dest.starts_with("mailto:") {
            return None;
        }
        let (path, frag) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        // `story.md?utm=x` still names story.md, and `Story.MD` is a Markdown file too.
        let path = path.split('?').next().unwrap_or(path);
        let is_content = path.to_ascii_lowercase().ends_with(".md") || path.starts_with("@/");
        if !is_content {
            return None;
        }
        let lang = self
            .langs
            .get(*self.by_path.get(from)?)
            .cloned()
            .unwrap_or_default();
        Some(self.find(from, path, &lang).map(|i| match frag {
            Some(f) => format!("{}#{f}", self.urls[i]),
            None => self.urls[i].clone(),
        }))
    }
}

/// Turns an article's Markdown body into HTML while the site is built. [`build`] renders every
/// body; the dev server passes its own, which hands back bodies it rendered before when their
/// inputs are the same.
pub trait BodyRenderer: Sync {
    /// Renders `doc`'s body with `opts` (made by [`body_options`]).
    fn render(&self, doc: &Document, opts: &RenderOptions<'_>) -> Rendered;

    /// Whether the site keeps each article's Markdown ([`Document::body`]) once it is
    /// rendered: the dev server compares it with the next version of the file; a one-off
    /// build needs only the rendered body, and frees the Markdown as it goes.
    fn keeps_markdown(&self) -> bool {
        true
    }
}

/// Renders every body afresh, and drops the Markdown once rendered (`gen build`, `gen check`).
pub struct FreshBodies;

impl BodyRenderer for FreshBodies {
    fn render(&self, doc: &Document, opts: &RenderOptions<'_>) -> Rendered {
        markdown::render(&doc.body(), opts)
    }

    fn keeps_markdown(&self) -> bool {
        false
    }
}

/// The Markdown options of an article's body.
pub fn body_options<'a>(
    config: &'a Config,
    doc: &'a Document,
    links: &'a dyn LinkResolver,
) -> RenderOptions<'a> {
    RenderOptions {
        lang: &doc.meta.lang,
        unsafe_html: config.markdown.unsafe_html,
        from: &doc.file.rel,
        first_line: doc.body_line,
        links,
    }
}

/// Errors of one article's body and lead image that the article alone shows: content links
/// that name no article, images without alt text, and images or files named beside the article
/// that its page bundle does not hold, and a body nested too deep to publish. (`/paths` and
/// `../` paths need the whole site: [`site_file_errors`].)
pub fn link_errors(d: &Document, r: &Rendered) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = r
        .broken
        .iter()
        .map(|(line, dest, why)| {
            let col = r
                .links
                .iter()
                .find(|l| l.content && l.line == *line && l.dest == *dest)
                .map_or(1, |l| l.col);
            Diagnostic::error(
                d.display_path(),
                *line,
                col,
                format!("broken link `{dest}`: {why}"),
            )
            .with_hint("link another article by its content path, e.g. ../ru/story.md")
        })
        .collect();
    out.extend(crate::markdown::nesting_error(&d.display_path(), r));
    out.extend(r.block_errors.iter().map(|e| {
        Diagnostic::error(d.display_path(), e.line, e.col, e.message.clone())
            .with_hint(e.hint.clone())
    }));
    for p in &r.problems {
        let (message, hint) = match &p.kind {
            markdown::ProblemKind::NoAlt => (
                format!("image `{}` has no alt text", p.dest),
                format!(
                    "describe the image for readers who cannot see it: `![Two men at a table]({})`; if it is only decoration, write `![]({} \"{}\")`",
                    p.dest,
                    p.dest,
                    markdown::DECORATIVE
                ),
            ),
            markdown::ProblemKind::DecorativeWithAlt => (
                format!(
                    "image `{}` is marked \"{}\" but has alt text",
                    p.dest,
                    markdown::DECORATIVE
                ),
                "a decorative image has no alt text: remove the text, or the \"decorative\" title if the image informs".to_string(),
            ),
        };
        out.push(Diagnostic::error(d.display_path(), p.line, p.col, message).with_hint(hint));
    }
    if let Some(img) = &d.meta.image
        && let Some((why, hint)) = crate::content::missing_local_file(&d.file, &img.src)
    {
        out.push(
            Diagnostic::error(
                d.display_path(),
                img.src_line,
                img.src_col,
                format!("missing image `{}` (the lead image): {why}", img.src),
            )
            .with_hint(hint),
        );
    }
    for l in r.links.iter().filter(|l| !l.content) {
        // Links are checked only when they name a file (`report.pdf`), not a page.
        let file_like = l.image
            || Path::new(l.dest.split(['#', '?']).next().unwrap_or(""))
                .extension()
                .is_some_and(|e| e != "html" && e != "htm");
        if !file_like {
            continue;
        }
        if let Some((why, hint)) = crate::content::missing_local_file(&d.file, &l.dest) {
            let what = if l.image {
                "missing image"
            } else {
                "broken link"
            };
            out.push(
                Diagnostic::error(
                    d.display_path(),
                    l.line,
                    l.col,
                    format!("{what} `{}`: {why}", l.dest),
                )
                .with_hint(hint),
            );
        }
    }
    out
}

/// Errors for images named by a `/path` or a `../` path (lead images and body images) that
/// nothing of the site publishes: neither a static file of the site or its theme, nor a file
/// of an article's page bundle. `rels[i]` is `docs[i]`'s folder.
pub fn site_file_errors(
    config: &Config,
    docs: &[Document],
    rels: &[String],
    rendered: &[Rendered],
) -> Vec<Diagnostic> {
    use crate::content::{FileRef, file_ref};
    let bundle_files: std::collections::HashSet<String> = docs
        .iter()
        .zip(rels)
        .flat_map(|(d, rel)| {
            d.file
                .assets
                .iter()
                .map(move |a| format!("{rel}{}", a.to_string_lossy().replace('\\', "/")))
        })
        .collect();
    let published = |p: &str| bundle_files.contains(p) || static_file_exists(config, p);
    let mut out = Vec::new();
    for ((d, rel), r) in docs.iter().zip(rels).zip(rendered) {
        let lead = d
            .meta
            .image
            .iter()
            .map(|i| (i.src.as_str(), i.src_line, i.src_col, true));
        let body = r
            .links
            .iter()
            .filter(|l| l.image && !l.content)
            .map(|l| (l.dest.as_str(), l.line, l.col, false));
        for (src, line, col, is_lead) in lead.chain(body) {
            let target = match file_ref(src) {
                FileRef::Root(p) => Some(
                    p.strip_prefix(config.base_path.trim_start_matches('/'))
                        .filter(|_| config.base_path != "/")
                        .unwrap_or(&p)
                        .to_string(),
                ),
                FileRef::Climbing(p) => normalize(&Path::new(rel).join(&p)),
                _ => continue,
            };
            let found = target.as_deref().is_some_and(&published);
            if !found {
                let what = if is_lead { " (the lead image)" } else { "" };
                out.push(
                    Diagnostic::error(
                        d.display_path(),
                        line,
                        col,
                        format!(
                            "missing image `{src}`{what}: nothing of the site is published at {}",
                            config.url(target.as_deref().unwrap_or(src))
                        ),
                    )
                    .with_hint("put the file in static/ (a `/path` is a file of static/), or beside the article in its page bundle"),
                );
            }
        }
    }
    out
}

/// Whether a site path is a static file of the site (`static/`) or of its theme.
fn static_file_exists(config: &Config, rel: &str) -> bool {
    let on_disk = |dir: &Path| crate::output::safe_join(dir, rel).is_some_and(|p| p.is_file());
    let theme_dir = config.root.join("themes").join(&config.theme);
    on_disk(&config.root.join("static"))
        || on_disk(&theme_dir.join("static"))
        || (!theme_dir.is_dir()
            && crate::theme::DEFAULT_THEME
                .get_file(format!("static/{rel}"))
                .is_some())
}

/// Builds the site model: permalinks, Markdown, translations, taxonomies, pinned related.
/// Computed related reading is added by [`crate::related`].
pub fn build(config: Config, docs: Vec<Document>, people: People, diags: &mut Diagnostics) -> Site {
    build_with(config, docs, people, diags, &FreshBodies)
}

/// [`build`], with bodies rendered by `bodies`. The steps, in order: what is published now
/// ([`crate::publishing::split`]: drafts, scheduled and taken-down articles out, tombstones
/// kept) and articles sorted, permalinks ([`check_collisions`]), bodies, [`translation_groups`],
/// [`pinned_related`], people, [`mark_stale`], lists per language, [`taxonomies`], date
/// archives, redirects of `aliases:`.
pub fn build_with(
    config: Config,
    docs: Vec<Document>,
    mut people: People,
    diags: &mut Diagnostics,
    bodies: &dyn BodyRenderer,
) -> Site {
    let split = crate::publishing::split(&config, docs, &|docs| {
        let rels = vec![String::new(); docs.len()];
        let lookup = Lookup::new(&config, docs, &rels, &[]);
        docs.iter()
            .map(|d| {
                let t = d.meta.translation_of.as_deref()?;
                lookup.find(&d.file.rel, t, &d.meta.lang).ok()
            })
            .collect()
    });
    let mut docs = split.published;
    docs.sort_by(|a, b| {
        b.meta
            .date
            .cmp(&a.meta.date)
            .then_with(|| a.file.rel.cmp(&b.file.rel))
    });
    let mut tombstones: Vec<Tombstone> = split
        .gone
        .into_iter()
        .map(|(doc, takedown, follows)| Tombstone {
            rel: urls::article(&config, &doc, &people.terms),
            doc,
            takedown,
            follows,
        })
        .collect();
    tombstones.sort_by(|a, b| a.doc.file.rel.cmp(&b.doc.file.rel));

    let rels: Vec<String> = docs
        .iter()
        .map(|d| urls::article(&config, d, &people.terms))
        .collect();
    check_collisions(&docs, &rels, diags);
    let lookup = Lookup::new(&config, &docs, &rels, &tombstones);

    // Markdown, in parallel; each body's Markdown freed as soon as it is rendered, unless
    // `bodies` keeps it, so the two never all stay in memory together.
    let keep = bodies.keeps_markdown();
    let rendered: Vec<Rendered> = docs
        .par_iter_mut()
        .map(|d| {
            let r = bodies.render(d, &body_options(&config, d, &lookup));
            if !keep {
                d.body = markdown::Packed::default();
            }
            r
        })
        .collect();
    for (d, r) in docs.iter().zip(&rendered) {
        diags.extend(link_errors(d, r));
    }
    diags.extend(site_file_errors(&config, &docs, &rels, &rendered));

    let Groups {
        mut translations,
        original_of,
    } = translation_groups(&config, &docs, &lookup, diags);
    let pinned = pinned_related(&docs, &lookup, diags);

    // People met only in front matter are created oldest credit first, so a newer article
    // never changes the slug of someone already published.
    for d in docs.iter().rev() {
        for name in d.meta.authors.iter().chain(&d.meta.translators) {
            people.resolve(name, &d.meta.lang);
        }
    }
    let n = docs.len();
    let mut articles: Vec<Article> = Vec::with_capacity(n);
    for (i, (((doc, rendered), rel), pinned)) in docs
        .into_iter()
        .zip(rendered)
        .zip(rels)
        .zip(pinned)
        .enumerate()
    {
        let lang = doc.meta.lang.as_str();
        let authors = doc
            .meta
            .authors
            .iter()
            .map(|a| people.resolve(a, lang))
            .collect();
        let translators = doc
            .meta
            .translators
            .iter()
            .map(|a| people.resolve(a, lang))
            .collect();
        articles.push(Article {
            scheduled: doc.meta.date.ts > config.now && config.preview_scheduled,
            doc,
            rendered,
            rel,
            translations: std::mem::take(&mut translations[i]),
            original: original_of[i],
            stale: false,
            authors,
            translators,
            pinned,
            first_rel: None,
        });
    }
    mark_stale(&mut articles, diags);
    suggest_terms(&articles, &people.terms, diags);

    let mut by_lang: BTreeMap<String, Vec<usize>> = config
        .languages
        .iter()
        .map(|l| (l.code.clone(), Vec::new()))
        .collect();
    for (i, a) in articles.iter().enumerate() {
        by_lang.entry(a.lang().to_string()).or_default().push(i);
    }
    let taxonomies = taxonomies(&config, &articles, &people);
    let archives = crate::archives::archives(&config, &articles);

    let related = articles.iter().map(|a| a.pinned.clone()).collect();
    let mut site = Site {
        config,
        articles,
        by_lang,
        taxonomies,
        people,
        related,
        held: split.held,
        tombstones,
        redirects: Vec::new(),
        archives,
        images: crate::images::Gallery::default(),
    };
    site.redirects = crate::publishing::aliases(&site);
    site
}

/// Reports articles that would be written to one folder (case-insensitively: hosts on macOS
/// and Windows fold case), at the `slug:` of the later content path.
fn check_collisions(docs: &[Document], rels: &[String], diags: &mut Diagnostics) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, rel) in rels.iter().enumerate() {
        if let Some(&j) = seen.get(&rel.to_lowercase()) {
            let (a, b) = if docs[i].file.rel < docs[j].file.rel {
                (i, j)
            } else {
                (j, i)
            };
            diags.push(
                Diagnostic::error(
                    docs[b].display_path(),
                    docs[b].line_of("slug"),
                    1,
                    format!(
                        "this article would be written to /{} like {}",
                        rels[b],
                        docs[a].display_path().display()
                    ),
                )
                .with_hint("give one of the two a different `slug:`"),
            );
        } else {
            seen.insert(rel.to_lowercase(), i);
        }
    }
}

/// Language versions of each article: the union of `translation_of` edges and shared
/// `translation_key`s.
struct Groups {
    /// Per article, the other versions in language order.
    translations: Vec<Vec<usize>>,
    /// Per article, the original it names with `translation_of`.
    original_of: Vec<Option<usize>>,
}

fn translation_groups(
    config: &Config,
    docs: &[Document],
    lookup: &Lookup,
    diags: &mut Diagnostics,
) -> Groups {
    let n = docs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let mut original_of: Vec<Option<usize>> = vec![None; n];
    let mut by_key: HashMap<&str, usize> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        if let Some(target) = &d.meta.translation_of {
            match lookup.find_published(&d.file.rel, target, &d.meta.lang) {
                // The original is taken down and this version stays up.
                Ok(None) => {}
                Ok(Some(j)) if j == i => diags.push(
                    Diagnostic::error(
                        d.display_path(),
                        d.line_of("translation_of"),
                        1,
                        "an article cannot be a translation of itself",
                    )
                    .with_hint("name the original's content path"),
                ),
                Ok(Some(j)) => {
                    original_of[i] = Some(j);
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    parent[a] = b;
                }
                Err(why) => diags.push(
                    Diagnostic::error(
                        d.display_path(),
                        d.line_of("translation_of"),
                        1,
                        format!("`translation_of`: {why}"),
                    )
                    .with_hint(
                        "name the original by its path under content/, e.g. ru/original-story.md",
                    ),
                ),
            }
        }
        if let Some(k) = &d.meta.translation_key {
            if let Some(&j) = by_key.get(k.as_str()) {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a] = b;
            } else {
                by_key.insert(k, i);
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let lang_rank = |code: &str| {
        config
            .languages
            .iter()
            .position(|l| l.code == code)
            .unwrap_or(usize::MAX)
    };
    let mut translations: Vec<Vec<usize>> = vec![Vec::new(); n];
    for members in groups.values() {
        if members.len() < 2 {
            continue;
        }
        let mut sorted = members.clone();
        sorted.sort_by_key(|&i| (lang_rank(&docs[i].meta.lang), i));
        for w in sorted.windows(2) {
            if docs[w[0]].meta.lang == docs[w[1]].meta.lang {
                let (a, b) = (&docs[w[0]], &docs[w[1]]);
                diags.push(
                    Diagnostic::error(
                        b.display_path(),
                        b.line_of("lang"),
                        1,
                        format!(
                            "two versions in `{}` of one article: this and {}",
                            b.meta.lang,
                            a.display_path().display()
                        ),
                    )
                    .with_hint("each language version of an article must have a different `lang`"),
                );
            }
        }
        for &i in members {
            translations[i] = sorted.iter().copied().filter(|&j| j != i).collect();
        }
    }
    Groups {
        translations,
        original_of,
    }
}

/// Each article's pinned `related:` entries, resolved.
fn pinned_related(
    docs: &[Document],
    lookup: &Lookup,
    diags: &mut Diagnostics,
) -> Vec<Vec<Related>> {
    docs.iter()
        .enumerate()
        .map(|(i, d)| {
            d.meta
                .related
                .iter()
                .filter_map(|p| match &p.item {
                    RawRelated::Internal(r) => {
                        match lookup.find_published(&d.file.rel, r, &d.meta.lang) {
                            // Taken down: no longer suggested.
                            Ok(None) => None,
                            Ok(Some(j)) if j == i => {
                                diags.push(
                                    Diagnostic::error(
                                        d.display_path(),
                                        p.line,
                                        1,
                                        "an article cannot be related to itself",
                                    )
                                    .with_hint("remove this entry"),
                                );
                                None
                            }
                            Ok(Some(j)) => Some(Related::Article(j)),
                            Err(why) => {
                                diags.push(
                                    Diagnostic::error(
                                        d.display_path(),
                                        p.line,
                                        1,
                                        format!("related: {why}"),
                                    )
                                    .with_hint(
                                        "name an article by its slug or its path under content/",
                                    ),
                                );
                                None
                            }
                        }
                    }
                    RawRelated::External {
                        title,
                        url,
                        kicker,
                        description,
                    } => Some(Related::External {
                        title: title.clone(),
                        url: url.clone(),
                        kicker: kicker.clone(),
                        description: description.clone(),
                    }),
                })
                .collect()
        })
        .collect()
}

/// Marks translations whose original was updated after them (and warns).
fn mark_stale(articles: &mut [Article], diags: &mut Diagnostics) {
    for i in 0..articles.len() {
        if let Some(o) = articles[i].original {
            let orig = &articles[o].doc.meta;
            let me = &articles[i].doc.meta;
            let mine = me.updated.unwrap_or(me.date);
            if let Some(u) = orig.updated
                && u > mine
            {
                diags.push(
                        Diagnostic::warning(articles[i].doc.display_path(), articles[i].doc.line_of("translation_of"), 1, format!("the original {} was updated on {} after this translation; it may be stale", articles[o].doc.display_path().display(), u.civil_date()))
                            .with_hint("bring the translation up to date and set its `updated:`"),
                    );
                articles[i].stale = true;
            }
        }
    }
}

/// Warns when language versions of one article name different stories or tags that
/// terms.yaml does not make one: a suggestion with the entry to add, never a silent merge
/// (two names may be two stories). Each pair of names is reported once, at the translation.
fn suggest_terms(articles: &[Article], terms: &crate::terms::Terms, diags: &mut Diagnostics) {
    let mut seen: std::collections::BTreeSet<(String, String)> = Default::default();
    for (j, b) in articles.iter().enumerate() {
        // Each version is compared with its original, else with the group's oldest version.
        let base = b
            .original
            .or_else(|| b.translations.iter().copied().max().filter(|&o| o > j));
        if let Some(i) = base {
            let a = &articles[i];
            if a.lang() == b.lang() {
                continue;
            }
            let (ma, mb) = (&a.doc.meta, &b.doc.meta);
            if let (Some(sa), Some(sb)) = (&ma.story, &mb.story) {
                let (ka, kb) = (
                    terms.slug(TaxonomyKind::Stories, sa),
                    terms.slug(TaxonomyKind::Stories, sb),
                );
                if ka != kb && seen.insert((format!("s:{ka}"), kb)) {
                    diags.push(
                        Diagnostic::warning(
                            b.doc.display_path(),
                            b.doc.line_of("story"),
                            1,
                            format!(
                                "story `{sb}` differs from `{sa}` of its {} version {}",
                                a.lang(),
                                a.doc.display_path().display()
                            ),
                        )
                        .with_hint(format!(
                            "if they are one story, add it to content/terms.yaml: `stories: [{{ name: {sa}, names: {{ {}: {sb} }} }}]`",
                            b.lang()
                        )),
                    );
                }
            }
            let keys = |m: &crate::content::FrontMatter| -> Vec<(String, String)> {
                m.tags
                    .iter()
                    .map(|t| (terms.slug(TaxonomyKind::Tags, t), t.clone()))
                    .collect()
            };
            let (ta, tb) = (keys(ma), keys(mb));
            let only_a: Vec<&str> = ta
                .iter()
                .filter(|(k, _)| !tb.iter().any(|(l, _)| l == k))
                .map(|(_, n)| n.as_str())
                .collect();
            let only_b: Vec<&str> = tb
                .iter()
                .filter(|(k, _)| !ta.iter().any(|(l, _)| l == k))
                .map(|(_, n)| n.as_str())
                .collect();
            if !only_a.is_empty()
                && !only_b.is_empty()
                && seen.insert((only_a.join("\n"), only_b.join("\n")))
            {
                diags.push(
                    Diagnostic::warning(
                        b.doc.display_path(),
                        b.doc.line_of("tags"),
                        1,
                        format!(
                            "tags {} differ from {} of its {} version {}",
                            quoted(&only_b),
                            quoted(&only_a),
                            a.lang(),
                            a.doc.display_path().display()
                        ),
                    )
                    .with_hint(format!(
                        "if some are one tag, give it its name per language in content/terms.yaml: `tags: [{{ name: {}, names: {{ {}: {} }} }}]`",
                        only_a[0],
                        b.lang(),
                        only_b[0]
                    )),
                );
            }
        }
    }
}

fn quoted(list: &[&str]) -> String {
    list.iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The taxonomies: every person, outlet, tag and story with its articles, terms by slug.
fn taxonomies(
    config: &Config,
    articles: &[Article],
    people: &People,
) -> BTreeMap<TaxonomyKind, Vec<Term>> {
    let mut taxonomies: BTreeMap<TaxonomyKind, Vec<Term>> = BTreeMap::new();
    for kind in TaxonomyKind::ALL {
        let mut terms: BTreeMap<String, Term> = BTreeMap::new();
        for (i, a) in articles.iter().enumerate() {
            let entries: Vec<(String, Option<usize>)> = match kind {
                TaxonomyKind::Authors => a
                    .authors
                    .iter()
                    .map(|&p| (people.get(p).slug.clone(), Some(p)))
                    .collect(),
                TaxonomyKind::Translators => a
                    .translators
                    .iter()
                    .map(|&p| (people.get(p).slug.clone(), Some(p)))
                    .collect(),
                TaxonomyKind::Outlets => a
                    .doc
                    .meta
                    .source
                    .iter()
                    .map(|s| (s.name.clone(), None))
                    .collect(),
                TaxonomyKind::Tags => a.doc.meta.tags.iter().map(|t| (t.clone(), None)).collect(),
                TaxonomyKind::Stories => {
                    a.doc.meta.story.iter().map(|s| (s.clone(), None)).collect()
                }
            };
            for (name, person) in entries {
                // Stories and tags: one term for every name terms.yaml gives it.
                let (slug, name) = match person {
                    Some(_) => (name.clone(), name),
                    None => match people.terms.find(kind, &name) {
                        Some(e) => (e.slug.clone(), e.name.clone()),
                        None => (urls::term_slug(&name), name),
                    },
                };
                if slug.is_empty() {
                    continue;
                }
                let term = terms.entry(slug.clone()).or_insert_with(|| Term {
                    kind,
                    name: person
                        .map(|p| people.get(p).name.clone())
                        .unwrap_or_else(|| name.clone()),
                    rel: urls::term(config, &config.default_language, kind, &slug),
                    slug,
                    articles: Vec::new(),
                    person,
                    orders: Vec::new(),
                    langs: Vec::new(),
                });
                if term.articles.last() != Some(&i) {
                    term.articles.push(i);
                }
            }
        }
        let mut terms: Vec<Term> = terms.into_values().collect();
        for t in &mut terms {
            t.langs = language_counts(articles, &t.articles);
            t.orders = reader_orders(articles, &t.articles, &t.langs);
        }
        taxonomies.insert(kind, terms);
    }
    taxonomies
}

/// How many articles of `list` each language has, sorted by language code.
fn language_counts(articles: &[Article], list: &[usize]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for &i in list {
        let l = articles[i].lang();
        match counts.binary_search_by(|(c, _)| c.as_str().cmp(l)) {
            Ok(k) => counts[k].1 += 1,
            Err(k) => counts.insert(k, (l.to_string(), 1)),
        }
    }
    counts
}

/// The per-language orders of a list mixing languages (see [`Term::orders`]); empty when the
/// list has one language. `langs`: the list's [`language_counts`].
fn reader_orders(
    articles: &[Article],
    list: &[usize],
    langs: &[(String, usize)],
) -> Vec<(String, Vec<usize>)> {
    if langs.len() < 2 {
        return Vec::new();
    }
    langs
        .iter()
        .map(|(l, _)| {
            let (mut first, rest): (Vec<usize>, Vec<usize>) =
                list.iter().partition(|&&i| articles[i].lang() == l);
            first.extend(rest);
            (l.to_string(), first)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;
    use crate::content::{SourceFile, parse_document};
    use crate::terms::Terms;
    use std::path::PathBuf;

    fn config() -> Config {
        Config::parse(
            Path::new("/s"),
            "title='T'\nbase_url='https://e.org/news/'\n[languages.en]\nname='English'\n[languages.ru]\nname='Русский'\n",
            &Overrides::default(),
        )
        .unwrap()
    }

    fn doc(rel: &str, fm: &str) -> Document {
        let file = SourceFile {
            rel: rel.into(),
            abs: PathBuf::from(rel),
            assets: vec![],
        };
        parse_document(
            &config(),
            file,
            &format!("---\n{fm}\n---\nBody [link](../en/other.md).\n"),
        )
        .unwrap()
    }

    #[test]
    fn permalinks_drop_default_language() {
        let c = config();
        assert_eq!(
            crate::urls::article(
                &c,
                &doc("en/a.md", "title: A\ndate: 2021-12-08"),
                &Terms::default()
            ),
            "2021/12/08/a/"
        );
        assert_eq!(
            crate::urls::article(
                &c,
                &doc("ru/a.md", "title: A\ndate: 2021-12-08T01:00:00+03:00"),
                &Terms::default()
            ),
            "ru/2021/12/08/a/"
        );
    }

    /// `:story` gives the story's term slug (terms.yaml's `slug:`, else its name's), so every
    /// language version of a story named per language shares the segment; a story terms.yaml
    /// does not know is slugged as written.
    #[test]
    fn story_token_uses_the_term() {
        let c = Config::parse(
            Path::new("/s"),
            "title='T'\nbase_url='https://e.org/'\npermalink='/:lang/:story/:slug/'\n\
             [languages.en]\nname='English'\n[languages.ru]\nname='Русский'\n",
            &Overrides::default(),
        )
        .unwrap();
        let mut d = Diagnostics::default();
        let terms = Terms::parse(
            "stories:\n  - name: Journalists under pressure\n    names: { ru: Журналисты под давлением }\n\
             \x20 - name: Dam inquiry\n    slug: dam\n    names: { ru: Дело о плотине }\n",
            &mut d,
        );
        assert!(!d.has_errors(), "{:?}", d.into_sorted());
        let url = |rel: &str, fm: &str| {
            let file = SourceFile {
                rel: rel.into(),
                abs: PathBuf::from(rel),
                assets: vec![],
            };
            let doc = parse_document(&c, file, &format!("---\n{fm}\n---\nBody.\n")).unwrap();
            crate::urls::article(&c, &doc, &terms)
        };
        let d8 = "date: 2021-12-08";
        assert_eq!(
            url(
                "ru/a.md",
                &format!("title: A\n{d8}\nstory: Журналисты под давлением")
            ),
            "ru/journalists-under-pressure/a/"
        );
        assert_eq!(
            url(
                "en/a.md",
                &format!("title: A\n{d8}\nstory: Journalists under pressure")
            ),
            "journalists-under-pressure/a/"
        );
        assert_eq!(
            url("ru/b.md", &format!("title: B\n{d8}\nstory: Дело о плотине")),
            "ru/dam/b/"
        );
        assert_eq!(
            url("en/b.md", &format!("title: B\n{d8}\nstory: Dam inquiry")),
            "dam/b/"
        );
        assert_eq!(
            url("ru/c.md", &format!("title: C\n{d8}\nstory: Выборы")),
            "ru/vybory/c/"
        );
        assert_eq!(url("en/d.md", &format!("title: D\n{d8}")), "d/");
    }

    #[test]
    fn collisions_name_both_files() {
        let mut d = Diagnostics::default();
        build(
            config(),
            vec![
                doc("en/a.md", "title: A\ndate: 2021-12-08"),
                doc("en/b.md", "title: B\ndate: 2021-12-08\nslug: A"),
            ],
            People::default(),
            &mut d,
        );
        let list = d.into_sorted();
        assert!(
            list.iter()
                .any(|x| x.message.contains("content/en/a.md") && x.path.ends_with("b.md")),
            "{list:?}"
        );
    }

    #[test]
    fn translations_link_each_other_and_content_links_resolve() {
        let mut d = Diagnostics::default();
        let site = build(
            config(),
            vec![
                doc("ru/orig.md", "title: O\ndate: 2021-12-07"),
                doc(
                    "en/other.md",
                    "title: T\ndate: 2021-12-08\ntranslation_of: ru/orig.md\ntranslators: [X]\nsource: {name: O, url: 'https://o.example/a', lang: ru}",
                ),
            ],
            People::default(),
            &mut d,
        );
        assert!(!d.has_errors(), "{:?}", d.into_sorted());
        assert_eq!(site.articles[0].translations, vec![1]);
        assert_eq!(site.articles[1].translations, vec![0]);
        assert!(
            site.articles[0]
                .rendered
                .html()
                .contains("href=\"/news/2021/12/08/other/\"")
        );
    }
}
