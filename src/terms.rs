//! `content/terms.yaml`: stories and tags that are one term across languages.
//!
//! Front matter names a story or tag in the article's language ("Журналисты под давлением");
//! terms.yaml says which names are one term, its name per language and other spellings:
//!
//! ```yaml
//! stories:
//!   - name: Journalists under pressure
//!     names: { ru: Журналисты под давлением, uk: Журналісти під тиском }
//!     aliases: [Press under pressure]
//! tags:
//!   - name: water
//!     names: { ru: вода }
//! ```
//!
//! Names are matched by their slug ([`crate::urls::term_slug`]), as terms already are: a name
//! that slugs like the term's name, one of its `names:` or `aliases:` is that term. A term's page
//! URL is the slug of its `name` (or `slug:`), the same in every language. gen never merges
//! terms on its own: when translations of one article name different stories or tags, the site
//! stage warns with the entry to add here (`site::suggest_terms`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::taxonomy::TaxonomyKind;
use crate::urls::term_slug;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    stories: Vec<RawTerm>,
    #[serde(default)]
    tags: Vec<RawTerm>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    name: String,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    names: BTreeMap<String, String>,
    #[serde(default)]
    aliases: Vec<String>,
}

/// One term of terms.yaml.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TermEntry {
    /// Canonical name.
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// Name per language.
    pub names: BTreeMap<String, String>,
}

/// The stories and tags of terms.yaml, found by any of their names.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    entries: Vec<(TaxonomyKind, TermEntry)>,
    by_key: HashMap<(TaxonomyKind, String), usize>,
}

/// The file's path as messages name it.
pub fn display_path() -> std::path::PathBuf {
    Path::new("content").join("terms.yaml")
}

impl Terms {
    /// Reads `content/terms.yaml` when it exists.
    pub fn load(content_dir: &Path, diags: &mut Diagnostics) -> Terms {
        match std::fs::read_to_string(content_dir.join("terms.yaml")) {
            Ok(text) => Self::parse(&text, diags),
            Err(_) => Terms::default(),
        }
    }

    /// Parses the text of terms.yaml; problems are errors at their line and column.
    pub fn parse(text: &str, diags: &mut Diagnostics) -> Terms {
        let display = display_path();
        let raw: RawFile = match serde_yaml::from_str::<Option<RawFile>>(text) {
            Ok(v) => v.unwrap_or(RawFile {
                stories: Vec::new(),
                tags: Vec::new(),
            }),
            Err(e) => {
                diags.push(crate::diagnostics::yaml_file_error(
                    &display,
                    "terms.yaml",
                    &e,
                    "terms.yaml has `stories:` and `tags:`, lists of entries with name, names, aliases, slug",
                ));
                return Terms::default();
            }
        };
        let mut terms = Terms::default();
        for (kind, list) in [
            (TaxonomyKind::Stories, raw.stories),
            (TaxonomyKind::Tags, raw.tags),
        ] {
            for r in list {
                let slug = r
                    .slug
                    .as_deref()
                    .map(term_slug)
                    .unwrap_or_else(|| term_slug(&r.name));
                let (line, col) = place_of(text, &r.name);
                if slug.is_empty() {
                    diags.push(
                        Diagnostic::error(
                            &display,
                            line,
                            col,
                            format!("`{}` has no letters or digits to make a URL of", r.name),
                        )
                        .with_hint("add `slug:` with the URL name of the term"),
                    );
                    continue;
                }
                let idx = terms.entries.len();
                let spellings: Vec<&String> = std::iter::once(&r.name)
                    .chain(r.names.values())
                    .chain(&r.aliases)
                    .collect();
                for n in spellings {
                    let key = term_slug(n);
                    if key.is_empty() {
                        continue;
                    }
                    match terms.by_key.get(&(kind, key.clone())) {
                        Some(&other) if other != idx => {
                            let (line, col) = place_of(text, n);
                            diags.push(
                                Diagnostic::error(
                                    &display,
                                    line,
                                    col,
                                    format!(
                                        "`{n}` names two {}: `{}` and `{}`",
                                        kind.name(),
                                        terms.entries[other].1.name,
                                        r.name
                                    ),
                                )
                                .with_hint("keep the name in one entry only"),
                            );
                        }
                        _ => {
                            terms.by_key.insert((kind, key), idx);
                        }
                    }
                }
                terms.entries.push((
                    kind,
                    TermEntry {
                        name: r.name,
                        slug,
                        names: r.names,
                    },
                ));
            }
        }
        terms
    }

    /// The entry a name written in front matter belongs to, if terms.yaml has it.
    pub fn find(&self, kind: TaxonomyKind, name: &str) -> Option<&TermEntry> {
        self.entry(&(kind, term_slug(name)))
    }

    /// The entry of a (kind, slugified name) key.
    fn entry(&self, key: &(TaxonomyKind, String)) -> Option<&TermEntry> {
        self.by_key.get(key).map(|&i| &self.entries[i].1)
    }

    /// The slug of the term a name belongs to: its entry's, else the name's own.
    pub fn slug(&self, kind: TaxonomyKind, name: &str) -> String {
        self.find(kind, name)
            .map_or_else(|| term_slug(name), |e| e.slug.clone())
    }

    /// [`Terms::display`] and [`Terms::slug`] together, slugifying the name once (and not
    /// looking when terms.yaml is empty): every card names its story this way, on every list
    /// the card is on, and slugs took three slugifications a card before.
    pub fn display_and_slug<'a>(
        &'a self,
        kind: TaxonomyKind,
        name: &'a str,
        lang: &str,
    ) -> (&'a str, String) {
        let key = (kind, term_slug(name));
        match self.entry(&key) {
            Some(e) => (e.names.get(lang).unwrap_or(&e.name), e.slug.clone()),
            None => (name, key.1),
        }
    }

    /// The name to show readers of `lang` for a name written in front matter: the entry's name
    /// in that language, else its canonical name, else the name as written.
    pub fn display<'a>(&'a self, kind: TaxonomyKind, name: &'a str, lang: &str) -> &'a str {
        match self.find(kind, name) {
            Some(e) => e.names.get(lang).unwrap_or(&e.name),
            None => name,
        }
    }

    /// Whether terms.yaml has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Line and column (1-based) of the first line of `text` that holds `needle` as a YAML value.
fn place_of(text: &str, needle: &str) -> (usize, usize) {
    text.lines()
        .enumerate()
        .find_map(|(i, l)| l.find(needle).map(|c| (i + 1, l[..c].chars().count() + 1)))
        .unwrap_or((1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "stories:\n  - name: Journalists under pressure\n    names: { ru: Журналисты под давлением, uk: Журналісти під тиском }\n    aliases: [Press under pressure]\ntags:\n  - name: water\n    names: { ru: вода }\n";

    #[test]
    fn names_in_any_language_are_one_term() {
        let mut d = Diagnostics::default();
        let t = Terms::parse(TEXT, &mut d);
        assert!(!d.has_errors());
        let k = TaxonomyKind::Stories;
        for n in [
            "Journalists under pressure",
            "Журналисты под давлением",
            "журналісти під тиском",
            "Press under pressure",
        ] {
            assert_eq!(t.slug(k, n), "journalists-under-pressure", "{n}");
        }
        assert_eq!(
            t.display(k, "Journalists under pressure", "uk"),
            "Журналісти під тиском"
        );
        assert_eq!(
            t.display(k, "Журналисты под давлением", "de"),
            "Journalists under pressure"
        );
        assert_eq!(t.display(k, "Other story", "ru"), "Other story");
        assert_eq!(t.slug(TaxonomyKind::Tags, "Вода"), "water");
        // Kinds are separate.
        assert_eq!(
            t.slug(TaxonomyKind::Tags, "Press under pressure"),
            "press-under-pressure"
        );
        // The one-slugification lookup agrees with the two it stands for.
        for (kind, n, lang) in [
            (k, "Press under pressure", "uk"),
            (k, "Журналисты под давлением", "de"),
            (k, "Other story", "ru"),
            (TaxonomyKind::Tags, "Вода", "ru"),
            (TaxonomyKind::Tags, "Press under pressure", "en"),
        ] {
            assert_eq!(
                t.display_and_slug(kind, n, lang),
                (t.display(kind, n, lang), t.slug(kind, n)),
                "{n}"
            );
        }
    }

    #[test]
    fn errors_have_places() {
        let mut d = Diagnostics::default();
        Terms::parse("stories:\n  - name: A\n    nmes: { ru: Б }\n", &mut d);
        let list = d.into_sorted();
        assert_eq!(list[0].path, display_path());
        assert_eq!(list[0].line, 3, "{list:?}");
        assert!(list[0].message.contains("nmes"), "{list:?}");

        let mut d = Diagnostics::default();
        Terms::parse(
            "tags:\n  - name: water\n  - name: rivers\n    aliases: [Water]\n",
            &mut d,
        );
        let list = d.into_sorted();
        assert_eq!((list[0].line, list[0].col), (4, 15), "{list:?}");
        assert!(list[0].message.contains("names two tags"));
    }
}
