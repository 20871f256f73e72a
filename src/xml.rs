//! Helpers for the XML gen writes (feeds and sitemaps), with quick-xml's writer.

use std::borrow::Cow;
use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

/// Text that XML 1.0 can hold: drops control characters other than tab, LF and CR, and the
/// non-characters U+FFFE and U+FFFF, which no escape can represent.
pub fn xml_text(s: &str) -> Cow<'_, str> {
    fn ok(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    }
    if s.chars().all(ok) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| ok(c)).collect())
    }
}

/// Writes `<name>text</name>`, escaped and cleaned by [`xml_text`].
pub fn text_el<W: io::Write>(w: &mut Writer<W>, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_text(text)))?;
    Ok(())
}

/// Writes the XML declaration (`<?xml version="1.0" encoding="UTF-8"?>`).
pub fn decl<W: io::Write>(w: &mut Writer<W>) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_what_xml_cannot_hold() {
        assert_eq!(xml_text("a\u{0}b\u{8}c\td\u{FFFF}"), "abc\td");
        assert!(matches!(xml_text("plain «текст» 🎉"), Cow::Borrowed(_)));
    }
}
