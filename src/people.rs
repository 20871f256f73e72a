//! People: `content/people.yaml` and the matching of names written in front matter to one
//! person, whatever the script or spelling (Cyrillic in the original, Latin in the translation).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::slug::{name_key, name_slug, spelling_key};

/// A link on a person's page.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PersonLink {
    /// Link text.
    pub title: String,
    /// Absolute URL.
    pub url: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerson {
    name: String,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    names: BTreeMap<String, String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    bio: Option<String>,
    #[serde(default)]
    bios: BTreeMap<String, String>,
    #[serde(default)]
    links: Vec<PersonLink>,
    #[serde(default)]
    photo: Option<String>,
}

/// One person, from people.yaml or met only in front matter.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    /// Canonical display name.
    pub name: String,
    /// URL slug (ASCII).
    pub slug: String,
    /// Display name per language.
    pub names: BTreeMap<String, String>,
    /// Other spellings.
    pub aliases: Vec<String>,
    /// Short biography.
    pub bio: Option<String>,
    /// Biography per language.
    pub bios: BTreeMap<String, String>,
    /// Links.
    pub links: Vec<PersonLink>,
    /// Photo URL or path.
    pub photo: Option<String>,
    /// Whether people.yaml describes this person.
    pub known: bool,
}

impl Person {
    /// The name to show to readers of `lang`.
    pub fn display_name(&self, lang: &str) -> &str {
        self.names
            .get(lang)
            .map(String::as_str)
            .unwrap_or(&self.name)
    }

    /// The biography to show to readers of `lang`.
    pub fn bio_in(&self, lang: &str) -> Option<&str> {
        self.bios
            .get(lang)
            .or(self.bio.as_ref())
            .map(String::as_str)
    }
}

/// Everyone, indexed by every spelling as written ([`spelling_key`]) and as romanized by the
/// rules of its language ([`name_key`]): the language of a `names:` entry, of the article that
/// credits a name, or guessed from the letters for `name:` and `aliases:`.
#[derive(Debug, Clone, Default)]
pub struct People {
    /// All people, people.yaml entries first.
    pub list: Vec<Person>,
    by_key: HashMap<String, usize>,
    /// The stories and tags of `content/terms.yaml`: the site's other register of names, read
    /// and watched with people.yaml so every stage that knows people knows them.
    pub terms: crate::terms::Terms,
}

impl People {
    /// Reads `content/people.yaml` and `content/terms.yaml` when they exist.
    pub fn load(content_dir: &Path, diags: &mut Diagnostics) -> People {
        let terms = crate::terms::Terms::load(content_dir, diags);
        let path = content_dir.join("people.yaml");
        let mut people = match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, diags),
            Err(_) => People::default(),
        };
        people.terms = terms;
        people
    }

    /// Parses the text of people.yaml.
    pub fn parse(text: &str, diags: &mut Diagnostics) -> People {
        let display = Path::new("content").join("people.yaml");
        let raw: Vec<RawPerson> = match serde_yaml::from_str::<Option<Vec<RawPerson>>>(text) {
            Ok(v) => v.unwrap_or_default(),
            Err(e) => {
                diags.push(crate::diagnostics::yaml_file_error(
                    &display,
                    "people.yaml",
                    &e,
                    "people.yaml is a list of entries with name, names, aliases, bio, links, photo",
                ));
                return People::default();
            }
        };
        let mut people = People::default();
        for r in raw {
            // The canonical name's language: the `names:` entry that spells it the same.
            let name_lang = r
                .names
                .iter()
                .find(|(_, n)| **n == r.name)
                .map(|(l, _)| l.clone());
            let slug = r
                .slug
                .clone()
                .unwrap_or_else(|| name_slug(&r.name, name_lang.as_deref()));
            let person = Person {
                name: r.name,
                slug,
                names: r.names,
                aliases: r.aliases,
                bio: r.bio,
                bios: r.bios,
                links: r.links,
                photo: r.photo,
                known: true,
            };
            let idx = people.list.len();
            let keys: Vec<String> = std::iter::once((&person.name, name_lang.as_deref()))
                .chain(person.names.iter().map(|(l, n)| (n, Some(l.as_str()))))
                .chain(person.aliases.iter().map(|n| (n, None)))
                .flat_map(|(n, lang)| [spelling_key(n), name_key(n, lang)])
                .filter(|k| !k.is_empty())
                .collect();
            for k in keys {
                if let Some(&other) = people.by_key.get(&k)
                    && other != idx
                {
                    let line = text
                        .lines()
                        .position(|l| l.contains(&person.name))
                        .map(|i| i + 1)
                        .unwrap_or(0);
                    diags.push(
                        Diagnostic::warning(
                            &display,
                            line,
                            1,
                            format!(
                                "`{}` and `{}` share the spelling key `{k}`",
                                people.list[other].name, person.name
                            ),
                        )
                        .with_hint("give one of them a distinct alias"),
                    );
                    continue;
                }
                people.by_key.insert(k, idx);
            }
            people.list.push(person);
        }
        people
    }

    /// The person a name refers to: the same spelling, or the same romanization when the name
    /// is written in `lang` (`None`: guessed from its letters).
    pub fn find(&self, name: &str, lang: Option<&str>) -> Option<usize> {
        self.by_key
            .get(&spelling_key(name))
            .or_else(|| self.by_key.get(&name_key(name, lang)))
            .copied()
    }

    /// The person a name written in front matter of an article in `lang` refers to, creating
    /// one when nobody matches; the new person's slug is the name romanized by the rules of
    /// `lang` (`Ярина Бондар` in Ukrainian → `yaryna-bondar`).
    pub fn resolve(&mut self, name: &str, lang: &str) -> usize {
        if let Some(i) = self.find(name, Some(lang)) {
            return i;
        }
        let idx = self.list.len();
        self.list.push(Person {
            name: name.to_string(),
            slug: name_slug(name, Some(lang)),
            names: BTreeMap::new(),
            aliases: Vec::new(),
            bio: None,
            bios: BTreeMap::new(),
            links: Vec::new(),
            photo: None,
            known: false,
        });
        for key in [spelling_key(name), name_key(name, Some(lang))] {
            self.by_key.entry(key).or_insert(idx);
        }
        idx
    }

    /// The person with this index.
    pub fn get(&self, i: usize) -> &Person {
        &self.list[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_transliteration_meet() {
        let mut d = Diagnostics::default();
        let mut p = People::parse(
            "- name: Ivan Petrov\n  names: { ru: Иван Петров }\n  aliases: [I. Petrov]\n",
            &mut d,
        );
        let a = p.resolve("Иван Петров", "ru");
        let b = p.resolve("Ivan Petrov", "en");
        let c = p.resolve("I. Petrov", "en");
        assert_eq!((a, b, c), (0, 0, 0));
        assert_eq!(p.get(a).display_name("ru"), "Иван Петров");
        // Unknown people meet by transliteration too.
        let x = p.resolve("Олег Смирнов", "ru");
        assert_eq!(p.resolve("Oleg Smirnov", "en"), x);
        assert!(!p.get(x).known);
    }

    #[test]
    fn names_are_romanized_by_their_language() {
        let mut d = Diagnostics::default();
        let mut p = People::parse("", &mut d);
        // Ukrainian rules for a name credited in Ukrainian, Russian ones (ё → e) for Russian.
        let y = p.resolve("Ярина Бондар", "uk");
        assert_eq!(p.get(y).slug, "yaryna-bondar");
        assert_eq!(p.resolve("Yaryna Bondar", "en"), y);
        let a = p.resolve("Анна Ковалёва", "ru");
        assert_eq!(p.get(a).slug, "anna-kovaleva");
        assert_eq!(p.resolve("Anna Kovaleva", "en"), a);
        // The same spelling in an article of another language is the same person, though
        // Russian rules would romanize it otherwise.
        assert_eq!(p.resolve("Ярина Бондар", "ru"), y);
        assert_ne!(p.resolve("Анна Ковальова", "uk"), y);
    }

    #[test]
    fn people_yaml_slugs_stay_and_names_use_their_language() {
        let mut d = Diagnostics::default();
        let mut p = People::parse(
            "- name: Iarina Bondar\n  names: { uk: Ярина Бондар }\n\
             - name: Тарас Гнатюк\n  names: { uk: Тарас Гнатюк }\n\
             - name: Олег Смирнов\n  slug: o-smirnov\n",
            &mut d,
        );
        assert!(d.into_sorted().is_empty());
        // A Latin canonical name keeps its slug; its Ukrainian spelling meets it.
        assert_eq!(p.get(0).slug, "iarina-bondar");
        assert_eq!(p.resolve("Ярина Бондар", "uk"), 0);
        assert_eq!(p.resolve("Yaryna Bondar", "en"), 0);
        // A Cyrillic canonical name is romanized by the language that `names:` gives it.
        assert_eq!(p.get(1).slug, "taras-hnatiuk");
        assert_eq!(p.resolve("Taras Hnatiuk", "en"), 1);
        // A slug written in people.yaml is kept.
        assert_eq!(p.get(2).slug, "o-smirnov");
        assert_eq!(p.find("Oleg Smirnov", None), Some(2));
    }

    #[test]
    fn bad_yaml_names_the_line() {
        let mut d = Diagnostics::default();
        People::parse("- name: A\n  nmae: B\n", &mut d);
        let list = d.into_sorted();
        assert_eq!(list[0].line, 2);
        assert_eq!(list[0].hint.as_deref(), Some("did you mean `name`?"));
    }
}
