//! `partial(name=…)`, the memoised include the default theme renders its cards with, writes the
//! same bytes as `{% include %}`: the example site is built with the theme as it is and with a
//! copy whose templates include the card partial instead, and every file is compared.
mod common;

use std::path::{Path, PathBuf};

use common::{copy_tree, snapshot};

const EPOCH: &str = "1798761600"; // 2027-01-01T00:00:00Z, after every example article

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build(root: &Path, out: &Path) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["build", "--quiet", "--output"])
        .arg(out)
        .arg("--root")
        .arg(root)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "gen build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn the_example_site_is_the_same_with_partial_and_with_include() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    for part in ["content", "static", "themes"] {
        copy_tree(&repo().join(part), &site.join(part));
    }
    std::fs::copy(repo().join("site.toml"), site.join("site.toml")).unwrap();

    let templates = site.join("themes/default/templates");
    let call = r#"{{ partial(name="partials/card.html") }}"#;
    let mut replaced = 0;
    for e in std::fs::read_dir(&templates).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "html") {
            let text = std::fs::read_to_string(&path).unwrap();
            replaced += text.matches(call).count();
            let text = text.replace(call, r#"{% include "partials/card.html" %}"#);
            std::fs::write(&path, text).unwrap();
        }
    }
    assert!(
        replaced >= 6,
        "the default theme renders its cards with partial() ({replaced} calls found)"
    );

    let with_partial = tmp.path().join("partial");
    let with_include = tmp.path().join("include");
    build(&repo(), &with_partial);
    build(&site, &with_include);
    let a = snapshot(&with_partial);
    let b = snapshot(&with_include);
    let pages = a
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|x| x == "html"))
        .count();
    assert!(pages > 100, "{pages} pages");
    let cards = a
        .iter()
        .map(|(_, bytes)| {
            let text = String::from_utf8_lossy(bytes);
            text.matches("<article class=\"card").count()
                + text.matches("<article class=card").count()
        })
        .sum::<usize>();
    assert!(cards > 500, "{cards} cards");
    let names_a: Vec<&PathBuf> = a.iter().map(|(p, _)| p).collect();
    let names_b: Vec<&PathBuf> = b.iter().map(|(p, _)| p).collect();
    assert_eq!(names_a, names_b);
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{} differs", path.display());
    }
}

/// A language's term pages are rendered in the order of the newest article each lists, so that
/// the pages showing one article's card come close together while the card is in `partial()`'s
/// memo (at 100,000 articles, taxonomy order left it a fifth of the cards it serves in this one).
#[test]
fn term_pages_render_by_their_newest_article_within_each_language() {
    use gensite::render::{Job, jobs};
    let (site, _) = gensite::build::load_site(
        &repo(),
        &gensite::config::Overrides::default(),
        &mut gensite::build::Timer::start(),
    )
    .unwrap();
    let list = jobs(&site);
    let mut by_lang: Vec<(&str, Vec<(usize, gensite::site::TaxonomyKind)>)> = Vec::new();
    for job in &list {
        if let Job::Term {
            term, lang, items, ..
        } = job
        {
            let newest = items.iter().copied().min().unwrap_or(usize::MAX);
            match by_lang.last_mut() {
                Some((l, pages)) if l == lang => pages.push((newest, term.kind)),
                _ => by_lang.push((lang, vec![(newest, term.kind)])),
            }
        }
    }
    let langs: Vec<&str> = by_lang.iter().map(|(l, _)| *l).collect();
    let site_langs: Vec<&str> = site
        .config
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .collect();
    assert_eq!(langs, site_langs, "each language's term pages are together");
    for (lang, pages) in &by_lang {
        assert!(
            pages.windows(2).all(|w| w[0].0 <= w[1].0),
            "{lang}: term pages not newest first: {pages:?}"
        );
        // Not grouped by taxonomy: the example site's authors, tags and stories interleave.
        let runs = pages.windows(2).filter(|w| w[0].1 != w[1].1).count();
        let kinds: std::collections::BTreeSet<_> = pages.iter().map(|p| p.1).collect();
        assert!(
            runs > kinds.len(),
            "{lang}: term pages grouped by taxonomy: {pages:?}"
        );
    }
}
