//! Random front matter and slugs never panic the parser, and accepted slugs stay one segment.
use std::path::{Path, PathBuf};

use gensite::config::{Config, Overrides};
use gensite::content::{SourceFile, check_slug, parse_document};
use gensite::output::safe_join;
use proptest::prelude::*;

fn config() -> Config {
    Config::parse(
        Path::new("/s"),
        "title='T'\nbase_url='https://e.org/'\n",
        &Overrides::default(),
    )
    .unwrap()
}

fn file() -> SourceFile {
    SourceFile {
        rel: "en/a.md".into(),
        abs: PathBuf::from("en/a.md"),
        assets: vec![],
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_text_parses_or_errors(text in "\\PC{0,400}") {
        let _ = parse_document(&config(), file(), &text);
    }

    #[test]
    fn front_matter_like_text_never_panics(
        keys in prop::collection::vec(prop_oneof![
            Just("title"), Just("date"), Just("authors"), Just("translators"), Just("source"),
            Just("slug"), Just("image"), Just("tags"), Just("related"), Just("lang"), Just("corrections"),
        ], 0..8),
        values in prop::collection::vec("[ -~\\u{400}-\\u{4ff}]{0,30}", 8),
    ) {
        let mut text = String::from("---\n");
        for (k, v) in keys.iter().zip(values.iter()) {
            text.push_str(&format!("{k}: {v}\n"));
        }
        text.push_str("---\nbody\n");
        if let Err(errs) = parse_document(&config(), file(), &text) {
            for e in errs {
                prop_assert!(e.line >= 1, "{e}");
            }
        }
    }

    #[test]
    fn accepted_slugs_are_one_safe_segment(slug in "\\PC{0,40}") {
        if check_slug(&slug).is_ok() {
            let joined = safe_join(Path::new("/out"), &slug);
            prop_assert!(joined.is_some(), "{slug:?}");
            let joined = joined.unwrap();
            prop_assert!(joined.starts_with("/out"));
            prop_assert_eq!(joined.components().count(), 3, "{:?}", slug);
        }
    }
}
