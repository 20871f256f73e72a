//! Slugs: turning names and headings into URL path segments and fragment ids.

/// Lower-cased words joined by `-`, keeping letters of every script: used for heading ids and
/// file-name slugs, where a Cyrillic heading should stay readable (`#переговоры-в-женеве`).
pub fn slugify_keep_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c == '_'
            || c == '-'
            || c.is_whitespace()
            || c.is_ascii_punctuation()
            || !c.is_alphanumeric()
        {
            dash = true;
        }
    }
    out
}

/// An ASCII slug through transliteration (`Иван Петров` → `ivan-petrov`): used for people,
/// outlets, tags and stories, so that their URLs are the same whichever script a name was
/// written in, and safe on every host. Falls back to the Unicode slug when nothing is left.
pub fn slugify_ascii(s: &str) -> String {
    let ascii = deunicode::deunicode(s);
    let slug = slugify_keep_unicode(&ascii);
    if slug.is_empty() {
        slugify_keep_unicode(s)
    } else {
        slug
    }
}

/// A key under which spellings of one name meet: transliterated, lower-case, letters only.
pub fn name_key(s: &str) -> String {
    slugify_ascii(s).replace('-', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_slugs_stay_readable() {
        assert_eq!(
            slugify_keep_unicode("Переговоры в Женеве"),
            "переговоры-в-женеве"
        );
        assert_eq!(slugify_keep_unicode("  Hello, World!  "), "hello-world");
        assert_eq!(slugify_keep_unicode("Café — the end"), "café-the-end");
    }

    #[test]
    fn ascii_slugs_transliterate() {
        assert_eq!(slugify_ascii("Иван Петров"), "ivan-petrov");
        assert_eq!(slugify_ascii("Ivan Petrov"), "ivan-petrov");
        assert!(!slugify_ascii("محمد").is_empty());
        assert_eq!(name_key("Иван Петров"), name_key("ivan petrov"));
    }
}
