//! Markdown to HTML with pulldown-cmark, plus what pulldown-cmark leaves to us: quote marks of
//! the article's language, unique readable heading ids, figures, safe links, and the facts later
//! stages need (summary, word count, links and anchors for `gen check`).

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};

/// Turns a link found in Markdown into a URL of the site, when it names a content file.
pub trait LinkResolver: Sync {
    /// `dest` as written (`../ru/story.md#part`), seen from the article at `from` (content
    /// path). `None` when it is not a content link.
    fn resolve(&self, from: &str, dest: &str) -> Option<Result<String, String>>;
}

/// A resolver that knows no content (tests, previews).
pub struct NoLinks;

impl LinkResolver for NoLinks {
    fn resolve(&self, _: &str, _: &str) -> Option<Result<String, String>> {
        None
    }
}

/// A link or image destination with the file line it is on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkRef {
    /// Destination after resolution.
    pub dest: String,
    /// 1-based file line.
    pub line: usize,
    /// 1-based column (in characters) of its `[` or `![`.
    pub col: usize,
    /// Whether it is an image.
    pub image: bool,
    /// Whether it named another article (a content link, resolved to its URL).
    pub content: bool,
}

/// The title that marks an image as decorative: `![](rule.png "decorative")` is written with
/// `alt=""` and no title, so screen readers skip it.
pub const DECORATIVE: &str = "decorative";

/// What is wrong with an image of the body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ProblemKind {
    /// An image without alt text and not marked decorative.
    NoAlt,
    /// An image marked decorative that has alt text.
    DecorativeWithAlt,
}

/// A problem of an image of the body found while rendering it, at its file position.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// 1-based file line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    /// The destination as written.
    pub dest: String,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// A heading of the body, for tables of contents.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    /// 1–6.
    pub level: u8,
    /// Unique id within the page.
    pub id: String,
    /// Plain text.
    pub text: String,
}

/// What rendering one body produced.
/// Serializable for the build cache ([`crate::cache`]).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    /// Body HTML, compressed ([`Rendered::html`]).
    pub html: Packed,
    /// Plain text of the first paragraph.
    pub first_paragraph: String,
    /// Words in the body.
    pub word_count: usize,
    /// Headings.
    pub headings: Vec<Heading>,
    /// Every link and image destination.
    pub links: Vec<LinkRef>,
    /// Every id in the body (headings, footnotes), for `#anchor` checks.
    pub anchors: Vec<String>,
    /// Content links that named no article: (line, dest, why). Their columns are those of
    /// the matching [`LinkRef`].
    pub broken: Vec<(usize, String, String)>,
    /// Images without alt text, or decorative with it.
    pub problems: Vec<Problem>,
    /// Plain text of the whole body (for related reading and search), compressed with the
    /// HTML as its dictionary: the text is the HTML's words, so it takes little room beyond
    /// them ([`Rendered::text`]).
    pub text: Packed,
    /// Where the body first nests deeper than [`MAX_NESTING`], when it does: the body HTML is
    /// then left empty, and the site stage reports it as a content error.
    pub too_deep: Option<TooDeep>,
    /// Shortcodes and embeds, in order; `html` holds [`crate::shortcodes::marker`]s where the
    /// theme draws them.
    pub blocks: Vec<crate::shortcodes::Block>,
    /// Shortcodes written wrong, at their file positions.
    pub block_errors: Vec<BlockError>,
}

/// A [`Rendered`] being made: its HTML and text still growing.
#[derive(Default)]
struct Draft {
    html: String,
    first_paragraph: String,
    word_count: usize,
    headings: Vec<Heading>,
    links: Vec<LinkRef>,
    anchors: Vec<String>,
    broken: Vec<(usize, String, String)>,
    problems: Vec<Problem>,
    text: String,
    too_deep: Option<TooDeep>,
    blocks: Vec<crate::shortcodes::Block>,
    block_errors: Vec<BlockError>,
}

/// Text kept compressed (LZ4): every article's body HTML and plain text stay in memory from the
/// Markdown stage until the last output is written, and compressed they take about a third of
/// the room, which is what lets an archive of a million articles build on one machine.
/// Unpacking is fast (gigabytes a second); a value is unpacked only when a page, feed, search
/// index or related-reading index reads it.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Packed(Box<[u8]>);

/// As one byte string (the build cache keeps bodies packed; a sequence of numbers would be
/// larger and far slower to read).
impl serde::Serialize for Packed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Packed {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Packed, D::Error> {
        <Bytes as serde::Deserialize>::deserialize(d).map(|b| Packed(b.0))
    }
}

/// Bytes that serde writes as one byte string (MessagePack `bin`) rather than as a sequence of
/// numbers: the build cache's packed bodies and search words.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Bytes(pub Box<[u8]>);

impl serde::Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.into()))
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v.into_boxed_slice()))
            }
        }
        d.deserialize_byte_buf(Visit)
    }
}

/// The bytes in an allocation of their own size. The compressor's buffer has room for the
/// worst case, and a shrinking `realloc` may keep the block when the data fills more than half
/// of it (mimalloc does): an article's packed HTML would then hold ~1.7 times its size, for as
/// long as the build runs.
pub(crate) fn exact(v: Vec<u8>) -> Box<[u8]> {
    Box::from(v.as_slice())
}

impl Packed {
    /// Compresses `s`.
    pub fn new(s: &str) -> Packed {
        if s.is_empty() {
            return Packed::default();
        }
        Packed(exact(lz4_flex::compress_prepend_size(s.as_bytes())))
    }

    /// The text, unpacked.
    pub fn get(&self) -> String {
        String::from_utf8(self.bytes()).expect("packed from a str")
    }

    /// The text's bytes, unpacked and not checked as UTF-8 again: enough for a dictionary.
    fn bytes(&self) -> Vec<u8> {
        if self.0.is_empty() {
            return Vec::new();
        }
        lz4_flex::decompress_size_prepended(&self.0)
            .expect("packed by Packed::new, never changed since")
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Compresses `s` with `base` as the dictionary: what `s` repeats of `base` (its last
    /// 64 KiB) costs a few bytes. Unpacked by [`Packed::get_against`] with the same `base`.
    pub fn against(s: &str, base: &str) -> Packed {
        if s.is_empty() {
            return Packed::default();
        }
        Packed(exact(lz4_flex::block::compress_prepend_size_with_dict(
            s.as_bytes(),
            base.as_bytes(),
        )))
    }

    /// The text packed by [`Packed::against`] with `base`, unpacked.
    pub fn get_against(&self, base: &str) -> String {
        self.get_against_bytes(base.as_bytes())
    }

    /// [`Packed::get_against`] with the base as bytes.
    fn get_against_bytes(&self, base: &[u8]) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let bytes = lz4_flex::block::decompress_size_prepended_with_dict(&self.0, base)
            .expect("packed by Packed::against with this base, never changed since");
        String::from_utf8(bytes).expect("packed from a str")
    }

    /// Bytes held (compressed).
    pub fn packed_len(&self) -> usize {
        self.0.len()
    }
}

/// Only the size: a value packed against a dictionary cannot be unpacked alone.
impl std::fmt::Debug for Packed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Packed({} bytes)", self.0.len())
    }
}

/// Lists kept to their length: every article's stay in memory until the build ends.
impl From<Draft> for Rendered {
    fn from(mut d: Draft) -> Rendered {
        d.first_paragraph.shrink_to_fit();
        d.headings.shrink_to_fit();
        d.links.shrink_to_fit();
        d.anchors.shrink_to_fit();
        d.blocks.shrink_to_fit();
        Rendered {
            html: Packed::new(&d.html),
            first_paragraph: d.first_paragraph,
            word_count: d.word_count,
            headings: d.headings,
            links: d.links,
            anchors: d.anchors,
            broken: d.broken,
            problems: d.problems,
            text: Packed::against(&d.text, &d.html),
            too_deep: d.too_deep,
            blocks: d.blocks,
            block_errors: d.block_errors,
        }
    }
}

/// A shortcode or embed written wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BlockError {
    /// 1-based file line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: String,
}

/// A body that nests elements deeper than [`MAX_NESTING`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TooDeep {
    /// 1-based file line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
}

/// How deep a body may nest elements: block quotes, lists (a list and its item are two
/// levels), emphasis, links, tables and, with `unsafe_html`, raw HTML elements, all counted
/// together as the depth of the HTML they become.
///
/// Why 200: no real article nests more than a dozen levels (a quote in a list in a quote is
/// five), so 200 is far beyond any honest use; browsers do not show absurd nesting as written
/// anyway (the HTML parsers of Chromium and WebKit re-parent elements past 512 levels, and the
/// theme's own elements come on top of the body's); and passes over the finished page that
/// recurse per element (minify-html's parser, at about 4 KiB of stack a level in a debug
/// build) stay within 1 MiB, half the default stack of a Rust thread. A crafted body of
/// thousands of levels (`> > > … x`) is a content error at its line instead of a crash.
pub const MAX_NESTING: usize = 200;

/// Stack size for gen's worker threads (rayon's pool, the dev server's builder): far more than
/// [`MAX_NESTING`] needs, so that deep HTML from templates cannot overflow it either. Only the
/// pages actually touched are committed by the operating system.
pub const WORKER_STACK_SIZE: usize = 64 << 20;

impl Rendered {
    /// The body HTML, with [`crate::shortcodes::marker`]s where blocks go.
    pub fn html(&self) -> String {
        self.html.get()
    }

    /// Plain text of the whole body.
    pub fn text(&self) -> String {
        // The HTML is only the dictionary here: its bytes, without a UTF-8 check.
        self.text.get_against_bytes(&self.html.bytes())
    }

    /// Minutes to read at 220 words a minute, at least one.
    pub fn reading_minutes(&self) -> usize {
        self.word_count.div_ceil(220).max(1)
    }
}

/// Quote marks of a language: primary open/close, secondary open/close.
pub fn quotes_for(lang: &str) -> (&'static str, &'static str, &'static str, &'static str) {
    match lang.split('-').next().unwrap_or(lang) {
        "ru" | "uk" | "be" | "kk" => ("«", "»", "„", "“"),
        "de" | "cs" | "sk" | "lt" => ("„", "“", "‚", "‘"),
        "fr" => ("«\u{a0}", "\u{a0}»", "“", "”"),
        "es" | "it" | "pt" | "ar" | "fa" | "el" | "ca" => ("«", "»", "“", "”"),
        "pl" | "ro" | "hu" => ("„", "”", "«", "»"),
        _ => ("“", "”", "‘", "’"),
    }
}

/// Rewrites the English curly quotes pulldown-cmark produces into the language's own, tracking
/// nesting within one block.
struct QuoteState {
    marks: (&'static str, &'static str, &'static str, &'static str),
    double_depth: usize,
    single_depth: usize,
}

impl QuoteState {
    fn new(lang: &str) -> Self {
        Self {
            marks: quotes_for(lang),
            double_depth: 0,
            single_depth: 0,
        }
    }

    fn reset(&mut self) {
        self.double_depth = 0;
        self.single_depth = 0;
    }

    fn apply(&mut self, text: &str) -> Option<String> {
        if !text.contains(['“', '”', '‘', '’']) {
            return None;
        }
        if self.marks.0 == "“" {
            return self.apply_english(text);
        }
        let (p_open, p_close, s_open, s_close) = self.marks;
        let mut out = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            match c {
                '“' => {
                    self.double_depth += 1;
                    out.push_str(if self.double_depth % 2 == 1 {
                        p_open
                    } else {
                        s_open
                    });
                }
                '”' => {
                    let d = self.double_depth.max(1);
                    out.push_str(if d % 2 == 1 { p_close } else { s_close });
                    self.double_depth = self.double_depth.saturating_sub(1);
                }
                '‘' => {
                    self.single_depth += 1;
                    out.push_str(s_open);
                }
                '’' if self.single_depth > 0 => {
                    self.single_depth -= 1;
                    out.push_str(s_close);
                }
                c => out.push(c),
            }
        }
        Some(out)
    }

    /// English keeps pulldown-cmark's marks, but a quote inside a quote takes single marks.
    fn apply_english(&mut self, text: &str) -> Option<String> {
        if !text.contains(['“', '”']) {
            return None;
        }
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '“' => {
                    self.double_depth += 1;
                    out.push(if self.double_depth % 2 == 1 {
                        '“'
                    } else {
                        '‘'
                    });
                }
                '”' => {
                    let d = self.double_depth.max(1);
                    out.push(if d % 2 == 1 { '”' } else { '’' });
                    self.double_depth = self.double_depth.saturating_sub(1);
                }
                c => out.push(c),
            }
        }
        Some(out)
    }
}

/// Typographic quotes, dashes and ellipses for plain text outside the body (titles, kickers,
/// deks), with the marks of the language: the same rules as the body, so a headline and its
/// article agree.
pub fn smart_text(text: &str, lang: &str) -> String {
    if !text.contains(['"', '\'', '-', '.']) {
        return text.to_string();
    }
    let mut curly = String::with_capacity(text.len() + 4);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = if i == 0 { None } else { Some(chars[i - 1]) };
        let opens = prev.is_none_or(|p| p.is_whitespace() || "([{\u{2014}\u{2013}-/".contains(p));
        match c {
            '"' => curly.push(if opens { '“' } else { '”' }),
            '\'' => curly.push(if opens { '‘' } else { '’' }),
            '-' if chars.get(i + 1) == Some(&'-') && chars.get(i + 2) == Some(&'-') => {
                curly.push('—');
                i += 2;
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                curly.push('–');
                i += 1;
            }
            '.' if chars.get(i + 1) == Some(&'.') && chars.get(i + 2) == Some(&'.') => {
                curly.push('…');
                i += 2;
            }
            c => curly.push(c),
        }
        i += 1;
    }
    QuoteState::new(lang).apply(&curly).unwrap_or(curly)
}

/// Gives an article's headline, kicker and dek (and the same fields of pinned outside links)
/// the typography of its body: the language's quote marks, apostrophes, dashes and ellipses.
/// Applied once, when the document is parsed, so every place that shows them (pages, cards,
/// feeds, `<title>`, Open Graph, JSON-LD) gets the same text.
pub fn typeset_front_matter(meta: &mut crate::content::FrontMatter) {
    let lang = meta.lang.clone();
    let set = |s: &mut String| *s = smart_text(s, &lang);
    set(&mut meta.title);
    meta.kicker.iter_mut().for_each(set);
    meta.description.iter_mut().for_each(set);
    for r in &mut meta.related {
        if let crate::content::RawRelated::External {
            title,
            kicker,
            description,
            ..
        } = &mut r.item
        {
            set(title);
            kicker.iter_mut().for_each(set);
            description.iter_mut().for_each(set);
        }
    }
}

/// Where the elements of an HTML fragment first nest deeper than `limit`: the byte offset of
/// the tag that opens level `limit + 1`, by a scan of the tags (not a parser, so measuring cannot
/// itself recurse). Void elements and elements whose end tag is optional (`p`, `li`, `td`, …,
/// which browsers close by themselves) do not count; comments and the text of `script`,
/// `style`, `textarea` and `title` are skipped. `depth` carries the open elements from one
/// fragment to the next (start with 0 for a whole page).
pub fn html_too_deep(html: &str, depth: &mut usize, limit: usize) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(lt) = memchr_lt(&bytes[i..]) {
        let start = i + lt;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(bytes.len(), |e| start + e + 3);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = start + if closing { 2 } else { 1 };
        let name: String = html[name_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let tag_end = html[start..]
            .find('>')
            .map_or(bytes.len(), |e| start + e + 1);
        i = tag_end.max(start + 1);
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let self_closing = html[start..i].ends_with("/>");
        if closing {
            if counts_for_depth(&name) {
                *depth = depth.saturating_sub(1);
            }
            continue;
        }
        if matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
            let end = format!("</{name}");
            i = html[i..]
                .to_ascii_lowercase()
                .find(&end)
                .map_or(bytes.len(), |e| i + e);
            continue;
        }
        if counts_for_depth(&name) && !self_closing {
            *depth += 1;
            if *depth > limit {
                return Some(start);
            }
        }
    }
    None
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'<')
}

/// Whether an element holds the elements after it until its end tag: not void elements, and
/// not those whose end tag may be left out and that the next one of their kind closes (as
/// browsers and minify-html do; checked against minify-html at 3,000 levels).
fn counts_for_depth(name: &str) -> bool {
    !matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "option"
            | "optgroup"
            | "tr"
            | "td"
            | "th"
            | "tbody"
            | "rt"
            | "rp"
            | "html"
            | "head"
            | "body"
    )
}

/// The content error for a body nested deeper than [`MAX_NESTING`], if it is.
pub fn nesting_error(
    path: &std::path::Path,
    r: &Rendered,
) -> Option<crate::diagnostics::Diagnostic> {
    let at = r.too_deep?;
    Some(
        crate::diagnostics::Diagnostic::error(
            path,
            at.line,
            at.col,
            format!(
                "the body nests more than {MAX_NESTING} levels deep here (block quotes, lists, \
                 emphasis or HTML elements inside each other)"
            ),
        )
        .with_hint(
            "no article needs this much nesting and browsers cannot show it; flatten the \
             quotes or lists (a `>` or list marker per level), or close the elements you opened",
        ),
    )
}

/// Options for one rendering.
pub struct RenderOptions<'a> {
    /// Article language (quote marks).
    pub lang: &'a str,
    /// Pass raw HTML through.
    pub unsafe_html: bool,
    /// Content path of the article, for relative content links.
    pub from: &'a str,
    /// 1-based file line of the first body line.
    pub first_line: usize,
    /// Resolves content links.
    pub links: &'a dyn LinkResolver,
}

/// Renders a Markdown body.
pub fn render(body: &str, opts: &RenderOptions<'_>) -> Rendered {
    // CommonMark asks for NUL to become U+FFFD (pulldown-cmark leaves it); gen's block markers
    // are made of NULs, so no text of the source can forge one. Columns count characters, so
    // they stay the same.
    if body.contains('\0') {
        return render_at(
            &body.replace('\0', "\u{FFFD}"),
            opts,
            false,
            &mut HashSet::new(),
        )
        .into();
    }
    render_at(body, opts, false, &mut HashSet::new()).into()
}

/// An open `{% name(…) %}` waiting for its `{% end %}`.
struct Container {
    call: crate::shortcodes::Call,
    line: usize,
    col: usize,
    /// Byte offset of the first line of its content.
    inner_start: usize,
}

/// The start (byte offset in `src`) of its last line when that line is `{% end %}`.
fn end_line(src: &str) -> Option<usize> {
    let trimmed = src.trim_end();
    let start = trimmed.rfind('\n').map_or(0, |i| i + 1);
    is_end_tag(&trimmed[start..]).then_some(start)
}

fn is_end_tag(line: &str) -> bool {
    line.trim()
        .strip_prefix("{%")
        .and_then(|l| l.strip_suffix("%}"))
        .is_some_and(|l| l.trim() == "end")
}

/// Renders a body; `nested` for the content of a shortcode, which holds no shortcodes. `used_ids`
/// are the heading ids of the page so far, shared with shortcodes' content so that no id repeats.
fn render_at(
    body: &str,
    opts: &RenderOptions<'_>,
    nested: bool,
    used_ids: &mut HashSet<String>,
) -> Draft {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_SMART_PUNCTUATION);
    options.insert(Options::ENABLE_HEADING_ATTRIBUTES);

    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let pos_of = |offset: usize| {
        let offset = offset.min(body.len());
        let idx = line_starts.partition_point(|&s| s <= offset) - 1;
        let start = line_starts[idx];
        let col = body.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (opts.first_line + idx, col)
    };
    // Depth of the HTML being produced: Markdown's elements, plus raw HTML's when passed through.
    let mut depth = 0usize;
    let mut raw_depth = 0usize;

    let mut out = Draft::default();
    let mut quotes = QuoteState::new(opts.lang);
    let mut events: Vec<Event<'_>> = Vec::new();
    // Buffer of the current heading or paragraph, rewritten when it ends.
    let mut block: Option<Vec<Event<'_>>> = None;
    let mut in_first_para = false;
    let mut first_para_done = false;
    let mut skip_link_depth: Vec<bool> = Vec::new();
    let mut in_code = false;
    // Images being read (they nest in alt text): position, destination, decorative, alt.
    let mut images: Vec<(usize, usize, String, bool, String)> = Vec::new();
    // Shortcodes: the rest of a paragraph already handled is skipped; an open `{% … %}`.
    let mut skip_para = false;
    let mut container: Option<Container> = None;
    // The paragraph being buffered is at the top level, and is the first paragraph.
    let mut block_top = false;
    let mut block_first = false;

    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let too_deep = match &event {
            // A block of raw HTML is no element of its own.
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => None,
            Event::Start(_) => {
                depth += 1;
                (depth + raw_depth > MAX_NESTING).then_some(range.start)
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                None
            }
            Event::Html(h) | Event::InlineHtml(h) if opts.unsafe_html => {
                let limit = MAX_NESTING.saturating_sub(depth);
                html_too_deep(h, &mut raw_depth, limit).map(|at| {
                    // The chunk is the source text from its start, unless pulldown-cmark
                    // stripped a container's markers; then its start is the best we know.
                    let src = body.get(range.start..).unwrap_or_default();
                    if src.as_bytes().get(..at) == h.as_bytes().get(..at) {
                        range.start + at
                    } else {
                        src.find(h.as_ref())
                            .map_or(range.start, |o| range.start + o + at)
                    }
                })
            }
            _ => None,
        };
        if let Some(at) = too_deep {
            let (line, col) = pos_of(at);
            out.too_deep = Some(TooDeep { line, col });
            break;
        }
        if skip_para {
            if matches!(event, Event::End(TagEnd::Paragraph)) {
                skip_para = false;
            }
            continue;
        }
        let top_para = matches!(event, Event::Start(Tag::Paragraph)) && depth == 1;
        if let Some(open) = container.take() {
            let src = body.get(range.clone()).unwrap_or_default();
            match end_line(src).filter(|_| top_para) {
                Some(end) => {
                    let inner = body.get(open.inner_start..range.start + end).unwrap_or("");
                    close_container(open, inner, opts, &pos_of, &mut out, &mut events, used_ids);
                    skip_para = true;
                }
                None => container = Some(open),
            }
            continue;
        }
        if top_para
            && let Some(src) = body.get(range.clone())
            && shortcode_paragraph(
                src,
                range.start,
                nested,
                opts,
                &pos_of,
                &mut out,
                &mut events,
                &mut container,
                used_ids,
            )
        {
            skip_para = true;
            continue;
        }
        let event = match event {
            Event::Start(Tag::Paragraph)
            | Event::Start(Tag::Item)
            | Event::Start(Tag::TableCell)
            | Event::Start(Tag::BlockQuote(_)) => {
                quotes.reset();
                separate_blocks(&mut out.text);
                if matches!(event, Event::Start(Tag::Paragraph)) && !first_para_done {
                    in_first_para = true;
                }
                event
            }
            Event::End(TagEnd::Paragraph) => {
                if in_first_para {
                    in_first_para = false;
                    first_para_done = !out.first_paragraph.trim().is_empty();
                }
                event
            }
            Event::Start(Tag::Heading { .. }) => {
                quotes.reset();
                separate_blocks(&mut out.text);
                event
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
                separate_blocks(&mut out.text);
                event
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                event
            }
            Event::Text(t) => {
                if let Some(img) = images.last_mut() {
                    img.4.push_str(&t);
                }
                count_words(&t, &mut out);
                let t = if in_code {
                    t
                } else {
                    quotes.apply(&t).map(CowStr::from).unwrap_or(t)
                };
                if in_first_para {
                    out.first_paragraph.push_str(&t);
                }
                Event::Text(t)
            }
            Event::Code(t) => {
                if let Some(img) = images.last_mut() {
                    img.4.push_str(&t);
                }
                count_words(&t, &mut out);
                if in_first_para {
                    out.first_paragraph.push_str(&t);
                }
                Event::Code(t)
            }
            Event::SoftBreak | Event::HardBreak => {
                out.text.push(' ');
                if in_first_para {
                    out.first_paragraph.push(' ');
                }
                event
            }
            Event::Html(h) | Event::InlineHtml(h) if !opts.unsafe_html => Event::Text(h),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let (line, col) = pos_of(range.start);
                if crate::content::is_dangerous_url(&dest_url) {
                    skip_link_depth.push(true);
                    continue;
                }
                skip_link_depth.push(false);
                let (dest, content) = resolve_dest(&dest_url, line, opts, &mut out);
                out.links.push(LinkRef {
                    dest: dest.clone(),
                    line,
                    col,
                    image: false,
                    content,
                });
                let link_type = if link_type == LinkType::Email {
                    link_type
                } else {
                    LinkType::Inline
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest.into(),
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Link) => {
                if skip_link_depth.pop().unwrap_or(false) {
                    continue;
                }
                event
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let (line, col) = pos_of(range.start);
                let (dest, content) = if crate::content::is_dangerous_url(&dest_url) {
                    (String::new(), false)
                } else {
                    resolve_dest(&dest_url, line, opts, &mut out)
                };
                out.links.push(LinkRef {
                    dest: dest.clone(),
                    line,
                    col,
                    image: true,
                    content,
                });
                let decorative = title.trim().eq_ignore_ascii_case(DECORATIVE);
                images.push((line, col, dest_url.to_string(), decorative, String::new()));
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest.into(),
                    title: if decorative { CowStr::from("") } else { title },
                    id,
                })
            }
            Event::End(TagEnd::Image) => {
                if let Some((line, col, dest, decorative, alt)) = images.pop() {
                    let kind = match (decorative, alt.trim().is_empty()) {
                        (false, true) => Some(ProblemKind::NoAlt),
                        (true, false) => Some(ProblemKind::DecorativeWithAlt),
                        _ => None,
                    };
                    if let Some(kind) = kind {
                        out.problems.push(Problem {
                            line,
                            col,
                            dest,
                            kind,
                        });
                    }
                    if let Some(outer) = images.last_mut() {
                        outer.4.push_str(&alt);
                    }
                }
                event
            }
            Event::FootnoteReference(ref name) => {
                out.anchors.push(format!("fnref-{name}"));
                event
            }
            Event::Start(Tag::FootnoteDefinition(ref name)) => {
                out.anchors.push(name.to_string());
                event
            }
            e => e,
        };
        match &event {
            Event::Start(Tag::Heading { .. }) | Event::Start(Tag::Paragraph) if block.is_none() => {
                block_top = top_para && !nested;
                block_first = in_first_para;
                block = Some(vec![event]);
            }
            Event::End(TagEnd::Heading(_)) | Event::End(TagEnd::Paragraph) if block.is_some() => {
                let mut b = block.take().unwrap_or_default();
                b.push(event);
                if block_top && let Some(embed) = lone_embed(&b) {
                    let (line, col) = pos_of(range.start);
                    events.push(Event::Html(
                        format!("{}\n", crate::shortcodes::marker(out.blocks.len())).into(),
                    ));
                    out.blocks.push(crate::shortcodes::Block {
                        name: "embed".into(),
                        line,
                        col,
                        args: Vec::new(),
                        body: None,
                        embed: Some(embed),
                        images: Vec::new(),
                    });
                    if block_first {
                        // A link is no summary: the next paragraph is the first.
                        out.first_paragraph.clear();
                        first_para_done = false;
                    }
                    continue;
                }
                finish_block(b, &mut events, used_ids, &mut out);
            }
            _ => match &mut block {
                Some(b) => b.push(event),
                None => events.push(event),
            },
        }
    }
    if let Some(b) = block.take() {
        events.extend(b);
    }
    if let Some(open) = container {
        out.block_errors.push(BlockError {
            line: open.line,
            col: open.col,
            message: format!("`{{% {}(…) %}}` has no `{{% end %}}`", open.call.name),
            hint: "end its content with a line `{% end %}`, with a blank line before it".into(),
        });
    }
    if out.too_deep.is_none() {
        let mut html_out = String::with_capacity(body.len() * 3 / 2);
        html::push_html(&mut html_out, events.into_iter());
        out.html = html_out;
    }
    out.first_paragraph = out
        .first_paragraph
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    out
}

/// Handles a top-level paragraph that is a shortcode (`{{ name(…) }}`, or starts with
/// `{% name(…) %}`); returns whether it was one (then the rest of the paragraph is skipped).
#[allow(clippy::too_many_arguments)]
fn shortcode_paragraph<'a>(
    src: &str,
    start: usize,
    nested: bool,
    opts: &RenderOptions<'_>,
    pos_of: &dyn Fn(usize) -> (usize, usize),
    out: &mut Draft,
    events: &mut Vec<Event<'a>>,
    container: &mut Option<Container>,
    used_ids: &mut HashSet<String>,
) -> bool {
    let lead = src.len() - src.trim_start().len();
    let trimmed = src.trim();
    let first = trimmed.lines().next().unwrap_or("").trim_end();
    let single = trimmed.starts_with("{{") && trimmed.ends_with("}}") && trimmed.len() >= 4;
    let opens = first.starts_with("{%") && first.ends_with("%}") && first.len() >= 4;
    if !single && !opens {
        return false;
    }
    let at = start + lead;
    let (line, col) = pos_of(at);
    let mut error = |offset: usize, message: String, hint: String| {
        let (line, col) = pos_of(offset);
        out.block_errors.push(BlockError {
            line,
            col,
            message,
            hint,
        });
    };
    if nested {
        error(
            at,
            "a shortcode cannot be inside another shortcode".into(),
            "end the outer one with `{% end %}` first, or write this text in a code span".into(),
        );
        return true;
    }
    if opens && is_end_tag(first) {
        error(
            at,
            "`{% end %}` ends no shortcode".into(),
            "open a shortcode before it with `{% name(…) %}` on a line of its own, or remove it"
                .into(),
        );
        return true;
    }
    let (inner, base) = if single {
        (&trimmed[2..trimmed.len() - 2], at + 2)
    } else {
        (&first[2..first.len() - 2], at + 2)
    };
    let call = match crate::shortcodes::parse_call(inner, base)
        .and_then(|c| crate::shortcodes::check(&c, opens, at).map(|()| c))
    {
        Ok(c) => c,
        Err(e) => {
            error(e.at, e.message, e.hint);
            return true;
        }
    };
    if single {
        if let Some(b) = make_block(call, line, col, None, Vec::new(), opts, pos_of, out) {
            events.push(Event::Html(
                format!("{}\n", crate::shortcodes::marker(out.blocks.len())).into(),
            ));
            out.blocks.push(b);
        }
        return true;
    }
    let inner_start = at + first.len() + 1;
    let open = Container {
        call,
        line,
        col,
        inner_start,
    };
    let rest = &trimmed[first.len().min(trimmed.len())..];
    match end_line(rest).filter(|_| rest.contains('\n')) {
        Some(end) => {
            let inner_end = at + first.len() + end;
            let inner = src_slice(src, start, inner_start, inner_end);
            close_container(open, inner, opts, pos_of, out, events, used_ids);
        }
        None => *container = Some(open),
    }
    true
}

fn src_slice(src: &str, start: usize, from: usize, to: usize) -> &str {
    src.get(from.saturating_sub(start)..to.saturating_sub(start))
        .unwrap_or("")
}

/// Renders the content of a `{% … %}` … `{% end %}` shortcode and adds its block.
fn close_container<'a>(
    open: Container,
    inner: &str,
    opts: &RenderOptions<'_>,
    pos_of: &dyn Fn(usize) -> (usize, usize),
    out: &mut Draft,
    events: &mut Vec<Event<'a>>,
    used_ids: &mut HashSet<String>,
) {
    let first_line = pos_of(open.inner_start).0;
    let r = render_at(
        inner,
        &RenderOptions {
            first_line,
            ..*opts
        },
        true,
        used_ids,
    );
    let mut images = Vec::new();
    if open.call.name == "gallery" {
        match gallery_images(inner) {
            Ok(list) => images = list,
            Err((offset, message)) => {
                let (line, col) = pos_of(open.inner_start + offset);
                out.block_errors.push(BlockError {
                    line,
                    col,
                    message,
                    hint: "a gallery holds only images, one per line: `![Alt text](photo.jpg \"Caption | Credit\")`".into(),
                });
                return;
            }
        }
    }
    out.links.extend(r.links);
    out.broken.extend(r.broken);
    out.problems.extend(r.problems);
    out.anchors.extend(r.anchors);
    out.block_errors.extend(r.block_errors);
    out.word_count += r.word_count;
    out.text.push(' ');
    out.text.push_str(&r.text);
    if out.too_deep.is_none() {
        out.too_deep = r.too_deep;
    }
    let made = make_block(
        open.call,
        open.line,
        open.col,
        Some(r.html),
        images,
        opts,
        pos_of,
        out,
    );
    if let Some(b) = made {
        events.push(Event::Html(
            format!("{}\n", crate::shortcodes::marker(out.blocks.len())).into(),
        ));
        out.blocks.push(b);
    }
}

/// A checked call as a block: the language's typography in its texts, and for `embed` the
/// embed its URL names and its thumbnail's link (checked like any image of the body).
#[allow(clippy::too_many_arguments)]
fn make_block(
    call: crate::shortcodes::Call,
    line: usize,
    col: usize,
    body: Option<String>,
    images: Vec<crate::shortcodes::Image>,
    opts: &RenderOptions<'_>,
    pos_of: &dyn Fn(usize) -> (usize, usize),
    out: &mut Draft,
) -> Option<crate::shortcodes::Block> {
    use crate::shortcodes::Value;
    let error = |out: &mut Draft, offset: usize, message: String, hint: String| {
        let (line, col) = pos_of(offset);
        out.block_errors.push(BlockError {
            line,
            col,
            message,
            hint,
        });
    };
    let mut embed = None;
    let mut args = Vec::new();
    for (k, v, at) in call.args {
        let v = match v {
            Value::Str(s) if matches!(k.as_str(), "text" | "by" | "caption" | "title") => {
                Value::Str(smart_text(s.trim(), opts.lang))
            }
            v => v,
        };
        if let Value::Str(s) = &v {
            match k.as_str() {
                "url" => match crate::embeds::recognize(s) {
                    Some(e) => {
                        if e.service == crate::embeds::Service::Pdf {
                            let (line, col) = (line, col);
                            out.links.push(LinkRef {
                                dest: s.clone(),
                                line,
                                col,
                                image: false,
                                content: false,
                            });
                        }
                        embed = Some(e);
                    }
                    None => {
                        let names: Vec<&str> = crate::embeds::Service::ALL
                            .iter()
                            .map(|s| s.name())
                            .collect();
                        error(
                            out,
                            at,
                            format!("gen cannot embed `{s}`"),
                            format!(
                                "embeds are posts, videos, audio, maps and documents of {}, and PDF files beside the article; link anything else with `[text]({s})`",
                                names.join(", ")
                            ),
                        );
                        return None;
                    }
                },
                "image" => {
                    if s.contains("://") || s.starts_with("//") {
                        error(
                            out,
                            at,
                            format!("the card's image `{s}` is not a file of the site"),
                            "an image from the service would be loaded by every reader: save it beside the article (in its page bundle) and name the file, e.g. `image=\"still.jpg\"`".into(),
                        );
                        return None;
                    }
                    out.links.push(LinkRef {
                        dest: s.clone(),
                        line,
                        col,
                        image: true,
                        content: false,
                    });
                }
                _ => {}
            }
        }
        args.push((k, v));
    }
    Some(crate::shortcodes::Block {
        name: call.name,
        line,
        col,
        args,
        body,
        embed,
        images,
    })
}

/// The images of a gallery's content, or the offset and message of what else it holds.
fn gallery_images(inner: &str) -> Result<Vec<crate::shortcodes::Image>, (usize, String)> {
    let mut list: Vec<crate::shortcodes::Image> = Vec::new();
    let mut in_image = 0usize;
    for (e, range) in Parser::new(inner).into_offset_iter() {
        match e {
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
            Event::SoftBreak | Event::HardBreak => {}
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                in_image += 1;
                let (caption, credit) = match title.split_once(" | ") {
                    Some((c, r)) => (c.trim(), r.trim()),
                    None => (title.trim(), ""),
                };
                list.push(crate::shortcodes::Image {
                    src: dest_url.to_string(),
                    alt: String::new(),
                    caption: caption.to_string(),
                    credit: credit.to_string(),
                });
            }
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_image > 0 => {
                if let Some(last) = list.last_mut() {
                    last.alt.push_str(&t);
                }
            }
            Event::Text(t) if t.trim().is_empty() => {}
            _ => return Err((range.start, "a gallery holds only images".into())),
        }
    }
    if list.is_empty() {
        return Err((0, "the gallery has no images".into()));
    }
    for i in &mut list {
        if i.caption.eq_ignore_ascii_case(DECORATIVE) {
            i.caption.clear();
        }
    }
    Ok(list)
}

/// The embed a paragraph names when it holds nothing but one link to it: a bare URL, `<url>`,
/// or `[url](url)`.
fn lone_embed(b: &[Event<'_>]) -> Option<crate::embeds::Embed> {
    let inner = &b[1..b.len().saturating_sub(1)];
    let text = |events: &[Event<'_>]| -> Option<String> {
        let mut s = String::new();
        for e in events {
            match e {
                Event::Text(t) => s.push_str(t),
                _ => return None,
            }
        }
        Some(s.trim().to_string())
    };
    let url = match inner {
        [
            Event::Start(Tag::Link { dest_url, .. }),
            rest @ ..,
            Event::End(TagEnd::Link),
        ] => {
            let t = text(rest)?;
            (t == dest_url.as_ref()).then_some(t)?
        }
        _ => {
            let t = text(inner)?;
            (t.starts_with("http://") || t.starts_with("https://")).then_some(t)?
        }
    };
    if url.contains(char::is_whitespace) {
        return None;
    }
    crate::embeds::recognize(&url)
}

/// Counts words (runs of non-space characters holding a letter or digit) in one pass.
fn count_words(t: &str, out: &mut Draft) {
    let mut counted = false;
    for c in t.chars() {
        if c.is_whitespace() {
            counted = false;
        } else if !counted && c.is_alphanumeric() {
            out.word_count += 1;
            counted = true;
        }
    }
    out.text.push_str(t);
}

/// Blocks are words apart in the plain text: without a space, "Levsk." ending one paragraph and
/// "Laut" starting the next would be one word "Levsk.Laut" by Unicode's rules (a full stop
/// between letters joins them), for search, related reading and excerpts alike.
fn separate_blocks(text: &mut String) {
    if !text.is_empty() && !text.ends_with(char::is_whitespace) {
        text.push(' ');
    }
}

/// The URL of a destination, and whether it is a content link (to another article).
fn resolve_dest(
    dest: &str,
    line: usize,
    opts: &RenderOptions<'_>,
    out: &mut Draft,
) -> (String, bool) {
    match opts.links.resolve(opts.from, dest) {
        Some(Ok(url)) => (url, true),
        Some(Err(why)) => {
            out.broken.push((line, dest.to_string(), why));
            (dest.to_string(), true)
        }
        None => (dest.to_string(), false),
    }
}

/// Gives a heading its unique id, and turns a paragraph holding only an image into a figure.
fn finish_block<'a>(
    mut b: Vec<Event<'a>>,
    events: &mut Vec<Event<'a>>,
    used: &mut HashSet<String>,
    out: &mut Draft,
) {
    match b.first() {
        Some(Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        })) => {
            let text: String = b
                .iter()
                .filter_map(|e| match e {
                    Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                    _ => None,
                })
                .collect();
            let base = match id {
                Some(id) => id.to_string(),
                None => {
                    let s = crate::slug::slugify_keep_unicode(&text);
                    if s.is_empty() {
                        "section".to_string()
                    } else {
                        s
                    }
                }
            };
            let mut unique = base.clone();
            let mut n = 1;
            while used.contains(&unique) {
                unique = format!("{base}-{n}");
                n += 1;
            }
            used.insert(unique.clone());
            out.anchors.push(unique.clone());
            out.headings.push(Heading {
                level: heading_number(*level),
                id: unique.clone(),
                text: text.trim().to_string(),
            });
            b[0] = Event::Start(Tag::Heading {
                level: *level,
                id: Some(unique.into()),
                classes: classes.clone(),
                attrs: attrs.clone(),
            });
            events.extend(b);
        }
        Some(Event::Start(Tag::Paragraph)) if is_lone_image(&b) => {
            let Event::Start(Tag::Image {
                dest_url, title, ..
            }) = &b[1]
            else {
                events.extend(b);
                return;
            };
            let alt: String = b[2..b.len() - 2]
                .iter()
                .filter_map(|e| match e {
                    Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                    _ => None,
                })
                .collect();
            let (caption, credit) = match title.split_once(" | ") {
                Some((c, r)) => (c.trim(), r.trim()),
                None => (title.trim(), ""),
            };
            let esc = crate::diagnostics::escape_html;
            let mut h = format!(
                "<figure class=\"figure\"><img src=\"{}\" alt=\"{}\" loading=\"lazy\">",
                esc(dest_url),
                esc(&alt)
            );
            if !caption.is_empty() || !credit.is_empty() {
                h.push_str("<figcaption>");
                if !caption.is_empty() {
                    h.push_str(&format!("<span class=\"caption\">{}</span>", esc(caption)));
                }
                if !credit.is_empty() {
                    h.push_str(&format!(" <span class=\"credit\">{}</span>", esc(credit)));
                }
                h.push_str("</figcaption>");
            }
            h.push_str("</figure>\n");
            events.push(Event::Html(h.into()));
        }
        _ => events.extend(b),
    }
}

fn is_lone_image(b: &[Event<'_>]) -> bool {
    b.len() >= 4
        && matches!(b[1], Event::Start(Tag::Image { .. }))
        && matches!(b[b.len() - 2], Event::End(TagEnd::Image))
        && b[2..b.len() - 2]
            .iter()
            .all(|e| !matches!(e, Event::Start(Tag::Image { .. })))
}

fn heading_number(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(lang: &str, body: &str) -> Rendered {
        render(
            body,
            &RenderOptions {
                lang,
                unsafe_html: false,
                from: "en/a.md",
                first_line: 5,
                links: &NoLinks,
            },
        )
    }

    #[test]
    fn packed_bytes_survive_the_build_cache_format() {
        let p = Packed::new(
            "Плотина на Днепре: текст, который повторяется. "
                .repeat(50)
                .as_str(),
        );
        let bytes = rmp_serde::to_vec(&p).unwrap();
        // One byte string: the packed bytes plus a few of framing.
        assert!(
            bytes.len() <= p.0.len() + 5,
            "{} for {}",
            bytes.len(),
            p.0.len()
        );
        let back: Packed = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(back.get(), p.get());
    }

    #[test]
    fn packed_text_comes_back_the_same() {
        let html = "<p>Prices rose “sharply” in Levsk — twice, in 2024.</p>\n".repeat(40);
        let p = Packed::new(&html);
        assert_eq!(p.get(), html);
        assert!(p.packed_len() < html.len() / 4, "{}", p.packed_len());
        assert_eq!(Packed::new("").get(), "");
        assert!(Packed::new("").is_empty());
        // The text, packed against the HTML it was taken from, costs little beyond it.
        let text = "Prices rose “sharply” in Levsk — twice, in 2024. ".repeat(40);
        let t = Packed::against(&text, &html);
        assert_eq!(t.get_against(&html), text);
        assert!(t.packed_len() < Packed::new(&text).packed_len());
        // A body nested too deep has no HTML: its text is packed against nothing.
        assert_eq!(Packed::against("x y", "").get_against(""), "x y");
    }

    #[test]
    fn rendered_body_unpacks_to_what_was_rendered() {
        let r = md("en", "# Title\n\nOne \"two\" three.\n\n> Quote *here*.\n");
        assert!(
            r.html().contains("<h1 id=\"title\">Title</h1>"),
            "{}",
            r.html()
        );
        assert!(r.html().contains("One “two” three."), "{}", r.html());
        assert_eq!(
            r.text().split_whitespace().collect::<Vec<_>>().join(" "),
            "Title One “two” three. Quote here."
        );
    }

    #[test]
    fn plain_text_keeps_blocks_apart() {
        let r = md(
            "de",
            "Haushalte in Levsk.\n\nLaut Medien\n\n## Reform\n\n- Punkt\n- Zweiter\n\n> Zitat",
        );
        assert_eq!(
            r.text(),
            "Haushalte in Levsk. Laut Medien Reform Punkt Zweiter Zitat"
        );
    }

    #[test]
    fn quotes_follow_the_language() {
        assert!(md("en", "He said \"no\".").html().contains("He said “no”."));
        assert!(
            md("ru", "Он сказал \"нет\".")
                .html()
                .contains("Он сказал «нет».")
        );
        assert!(
            md("de", "Er sagte \"nein\".")
                .html()
                .contains("Er sagte „nein“.")
        );
        assert!(
            md("fr", "Il a dit \"non\".")
                .html()
                .contains("Il a dit «\u{a0}non\u{a0}».")
        );
        assert!(md("es", "Dijo \"no\".").html().contains("Dijo «no»."));
        assert!(md("uk", "Він сказав \"ні\".").html().contains("«ні»"));
    }

    #[test]
    fn titles_get_the_same_quotes() {
        assert_eq!(
            smart_text("told to \"wait one more season\"", "en"),
            "told to “wait one more season”"
        );
        assert_eq!(smart_text("\"Нет\", сказал он", "ru"), "«Нет», сказал он");
        assert_eq!(smart_text("It's -- no... \"x\"", "de"), "It’s – no… „x“");
        assert_eq!(smart_text("plain title", "en"), "plain title");
    }

    #[test]
    fn nested_quotes_use_secondary_marks() {
        let h = md("ru", "\"Он сказал 'нет' вчера\", — пишет газета.").html();
        assert!(h.contains("«Он сказал „нет“ вчера»"), "{h}");
        assert!(md("en", "It's fine.").html().contains("It’s fine."));
    }

    #[test]
    fn heading_ids_unique_and_cyrillic() {
        let r = md("ru", "## Переговоры в Женеве\n\n## Переговоры в Женеве\n");
        assert!(r.html().contains("id=\"переговоры-в-женеве\""));
        assert!(r.html().contains("id=\"переговоры-в-женеве-1\""));
    }

    #[test]
    fn raw_html_and_script_links_are_neutralised() {
        let r = md(
            "en",
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) and ![i](data:text/html,x)",
        );
        assert!(!r.html().contains("<script>"));
        assert!(!r.html().contains("javascript:"));
        assert!(!r.html().contains("data:text"));
    }

    #[test]
    fn lone_image_becomes_a_figure() {
        let r = md("en", "![A map](map.png \"The region | Credit: Agency\")\n");
        assert!(r.html().contains("<figure"), "{}", r.html());
        assert!(
            r.html()
                .contains("<span class=\"credit\">Credit: Agency</span>")
        );
        assert_eq!(r.links[0].line, 5);
    }

    #[test]
    fn summary_words_and_links() {
        let r = md(
            "en",
            "First *para* here.\n\nSecond [link](https://example.net/) para.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nNote[^1].\n\n[^1]: A footnote.\n",
        );
        assert_eq!(r.first_paragraph, "First para here.");
        assert!(r.word_count >= 8);
        assert_eq!(r.links[0].line, 7);
        assert!(r.html().contains("<table>"));
        assert!(r.anchors.iter().any(|a| a == "1"));
    }

    #[test]
    fn images_need_alt_text_unless_marked_decorative() {
        let r = md(
            "en",
            "Intro.\n\nA ![](a.png) and ![*B*](b.png).\n\n![](rule.png \"decorative\")\n\n![Text](c.png \"Decorative\")\n",
        );
        let found: Vec<(usize, usize, &str, &ProblemKind)> = r
            .problems
            .iter()
            .map(|p| (p.line, p.col, p.dest.as_str(), &p.kind))
            .collect();
        assert_eq!(
            found,
            vec![
                (7, 3, "a.png", &ProblemKind::NoAlt),
                (11, 1, "c.png", &ProblemKind::DecorativeWithAlt),
            ]
        );
        assert!(
            r.html()
                .contains("<img src=\"rule.png\" alt=\"\" loading=\"lazy\">"),
            "{}",
            r.html()
        );
        assert!(!r.html().contains("decorative"), "{}", r.html());
        assert_eq!(r.links[1].col, 18);
    }

    fn blocks_of(body: &str) -> Rendered {
        md("en", body)
    }

    #[test]
    fn a_lone_link_of_a_known_service_becomes_an_embed() {
        for body in [
            "https://youtu.be/dQw4w9WgXcQ?si=abc\n",
            "<https://youtu.be/dQw4w9WgXcQ?si=abc>\n",
            "[https://youtu.be/dQw4w9WgXcQ?si=abc](https://youtu.be/dQw4w9WgXcQ?si=abc)\n",
            "  https://youtu.be/dQw4w9WgXcQ?si=abc  \n",
        ] {
            let r = blocks_of(&format!("Intro.\n\n{body}\nAfter.\n"));
            assert_eq!(r.blocks.len(), 1, "{body}: {}", r.html());
            let b = &r.blocks[0];
            let col = body.len() - body.trim_start().len() + 1;
            assert_eq!(
                (b.name.as_str(), b.line, b.col),
                ("embed", 7, col),
                "{body}"
            );
            let e = b.embed.as_ref().unwrap();
            assert_eq!(e.url, "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
            assert!(
                r.html().contains(&crate::shortcodes::marker(0)),
                "{}",
                r.html()
            );
            assert!(!r.html().contains("youtu"), "{body}: {}", r.html());
        }
        let r = blocks_of("[report.pdf](report.pdf)\n\nThe court's ruling.\n");
        assert_eq!(
            r.blocks[0].embed.as_ref().unwrap().service,
            crate::embeds::Service::Pdf
        );
        // A link that opens the body is no summary.
        assert_eq!(r.first_paragraph, "The court’s ruling.");
    }

    #[test]
    fn links_in_sentences_lists_quotes_and_unknown_hosts_stay_links() {
        for body in [
            "Watch https://youtu.be/dQw4w9WgXcQ now.",
            "See [the video](https://youtu.be/dQw4w9WgXcQ).",
            "- https://youtu.be/dQw4w9WgXcQ",
            "> https://t.me/meduzalive/101234",
            "https://example.org/watch?v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ https://youtu.be/dQw4w9WgXcQ",
            "`https://youtu.be/dQw4w9WgXcQ`",
            "    https://youtu.be/dQw4w9WgXcQ",
        ] {
            let r = blocks_of(body);
            assert!(r.blocks.is_empty(), "{body}: {:?}", r.blocks);
            assert!(
                r.html().contains("youtu")
                    || r.html().contains("t.me")
                    || r.html().contains("example.org"),
                "{body}"
            );
        }
    }

    #[test]
    fn shortcodes_become_blocks_with_typography_and_positions() {
        let r = md(
            "ru",
            "Текст.\n\n{{ pullquote(text=\"Мы \\\"ждали\\\" год\", by=\"Анна\") }}\n\n{% note() %}\nРедакция *проверила* [цитаты](https://example.org/).\n\n![Карта](map.png)\n{% end %}\n\nКонец.\n",
        );
        assert!(r.block_errors.is_empty(), "{:?}", r.block_errors);
        assert_eq!(r.blocks.len(), 2);
        let pq = &r.blocks[0];
        assert_eq!((pq.line, pq.col), (7, 1));
        assert_eq!(pq.arg("text"), Some("Мы «ждали» год"));
        let note = &r.blocks[1];
        assert_eq!(note.line, 9);
        let body = note.body.as_deref().unwrap();
        assert!(body.contains("<em>проверила</em>"), "{body}");
        // The content's links and images are the article's: checked, at their own lines.
        let map = r.links.iter().find(|l| l.dest == "map.png").unwrap();
        assert_eq!((map.line, map.col, map.image), (12, 1, true));
        assert!(
            r.html()
                .starts_with("<p>Текст.</p>\n\u{0}0\u{0}\n\u{0}1\u{0}\n<p>Конец.</p>"),
            "{:?}",
            r.html()
        );
        assert!(r.text().contains("проверила"));
        // Without blank lines around the markers too.
        let r = blocks_of("{% aside(title=\"How we checked\") %}\nWe called both.\n{% end %}\n");
        assert_eq!(
            r.blocks[0].body.as_deref(),
            Some("<p>We called both.</p>\n")
        );
    }

    #[test]
    fn heading_ids_stay_unique_across_shortcode_content() {
        let r = blocks_of(
            "## Background\n\n{% aside() %}\n## Background\n\nText.\n{% end %}\n\n## Background\n",
        );
        let body = r.blocks[0].body.as_deref().unwrap();
        assert!(body.contains("id=\"background-1\""), "{body}");
        assert!(r.html().contains("id=\"background\""), "{}", r.html());
        assert!(r.html().contains("id=\"background-2\""), "{}", r.html());
        assert_eq!(
            r.anchors
                .iter()
                .filter(|a| a.starts_with("background"))
                .count(),
            3
        );
    }

    #[test]
    fn galleries_take_only_images() {
        let r = blocks_of(
            "{% gallery(caption=\"The hearing\") %}\n![One](a.jpg \"First | Credit A\")\n![Two](b.jpg)\n{% end %}\n",
        );
        assert!(r.block_errors.is_empty(), "{:?}", r.block_errors);
        let g = &r.blocks[0];
        assert_eq!(g.images.len(), 2);
        assert_eq!(
            (
                g.images[0].alt.as_str(),
                g.images[0].caption.as_str(),
                g.images[0].credit.as_str()
            ),
            ("One", "First", "Credit A")
        );
        assert_eq!(r.links.iter().filter(|l| l.image).count(), 2);
        let r = blocks_of("Intro.\n\n{% gallery() %}\n![One](a.jpg)\n\nSome words.\n{% end %}\n");
        let e = &r.block_errors[0];
        assert_eq!((e.line, e.col), (10, 1), "{e:?}");
        assert!(e.message.contains("only images"), "{e:?}");
        // Alt text is still required.
        let r = blocks_of("{% gallery() %}\n![](a.jpg)\n{% end %}\n");
        assert_eq!(r.problems[0].kind, ProblemKind::NoAlt);
        assert_eq!(r.problems[0].line, 6);
    }

    #[test]
    fn shortcode_mistakes_are_placed() {
        let cases: &[(&str, usize, usize, &str)] = &[
            (
                "Intro.\n\n{{ pulquote(text=\"x\") }}\n",
                7,
                1,
                "unknown shortcode `pulquote`",
            ),
            (
                "{{ pullquote(text=\"x\", who=\"y\") }}\n",
                5,
                24,
                "no argument `who`",
            ),
            ("{{ pullquote(text=\"x) }}\n", 5, 19, "no closing quote"),
            (
                "{{ embed(url=\"https://example.org/x\") }}\n",
                5,
                10,
                "cannot embed",
            ),
            (
                "{{ embed(url=\"https://youtu.be/dQw4w9WgXcQ\", image=\"https://i.ytimg.com/x.jpg\") }}\n",
                5,
                46,
                "not a file of the site",
            ),
            ("{{ gallery() }}\n", 5, 1, "needs content"),
            ("{% note() %}\nText.\n", 5, 1, "has no `{% end %}`"),
            ("Text.\n\n{% end %}\n", 7, 1, "ends no shortcode"),
            (
                "{% note() %}\n{{ pullquote(text=\"x\") }}\n{% end %}\n",
                6,
                1,
                "inside another",
            ),
            ("{{ pullquote() }}\n", 5, 1, "needs `text` or content"),
        ];
        for (body, line, col, what) in cases {
            let r = blocks_of(body);
            let e = r
                .block_errors
                .first()
                .unwrap_or_else(|| panic!("no error for {body:?}"));
            assert_eq!((e.line, e.col), (*line, *col), "{body:?}: {e:?}");
            assert!(e.message.contains(what), "{body:?}: {e:?}");
            assert!(!e.hint.is_empty());
        }
        // Written as code, or escaped, a shortcode is text.
        for body in [
            "`{{ pullquote(text=\"x\") }}`",
            "\\{{ pullquote(text=\"x\") }}",
        ] {
            let r = blocks_of(body);
            assert!(r.blocks.is_empty() && r.block_errors.is_empty(), "{body}");
            assert!(r.html().contains("pullquote"), "{}", r.html());
        }
    }

    #[test]
    fn content_cannot_forge_a_block_marker() {
        for unsafe_html in [false, true] {
            let r = render(
                "A \u{0}0\u{0} b\n\n<p>\u{0}0\u{0}</p>\n",
                &RenderOptions {
                    lang: "en",
                    unsafe_html,
                    from: "en/a.md",
                    first_line: 1,
                    links: &NoLinks,
                },
            );
            assert!(!r.html().contains('\u{0}'), "{:?}", r.html());
        }
    }
}
