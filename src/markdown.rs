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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// An image without alt text and not marked decorative.
    NoAlt,
    /// An image marked decorative that has alt text.
    DecorativeWithAlt,
}

/// A problem of an image of the body found while rendering it, at its file position.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, serde::Serialize)]
pub struct Heading {
    /// 1–6.
    pub level: u8,
    /// Unique id within the page.
    pub id: String,
    /// Plain text.
    pub text: String,
}

/// What rendering one body produced.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Body HTML.
    pub html: String,
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
    /// Plain text of the whole body (for related reading).
    pub text: String,
}

impl Rendered {
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
        let i = line_starts.partition_point(|&s| s <= offset) - 1;
        let start = line_starts[i];
        let col = body
            .get(start..offset.max(start))
            .map_or(1, |t| t.chars().count() + 1);
        (opts.first_line + i, col)
    };

    let mut out = Rendered::default();
    let mut quotes = QuoteState::new(opts.lang);
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut events: Vec<Event<'_>> = Vec::new();
    // Buffer of the current heading or paragraph, rewritten when it ends.
    let mut block: Option<Vec<Event<'_>>> = None;
    let mut in_first_para = false;
    let mut first_para_done = false;
    let mut skip_link_depth: Vec<bool> = Vec::new();
    let mut in_code = false;
    // Images being read (they nest in alt text): position, destination, decorative, alt.
    let mut images: Vec<(usize, usize, String, bool, String)> = Vec::new();

    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let event = match event {
            Event::Start(Tag::Paragraph)
            | Event::Start(Tag::Item)
            | Event::Start(Tag::TableCell)
            | Event::Start(Tag::BlockQuote(_)) => {
                quotes.reset();
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
                event
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
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
                block = Some(vec![event]);
            }
            Event::End(TagEnd::Heading(_)) | Event::End(TagEnd::Paragraph) if block.is_some() => {
                let mut b = block.take().unwrap_or_default();
                b.push(event);
                finish_block(b, &mut events, &mut used_ids, &mut out);
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
    let mut html_out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut html_out, events.into_iter());
    out.html = html_out;
    out.first_paragraph = out
        .first_paragraph
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    out
}

/// Counts words (runs of non-space characters holding a letter or digit) in one pass.
fn count_words(t: &str, out: &mut Rendered) {
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

/// The URL of a destination, and whether it is a content link (to another article).
fn resolve_dest(
    dest: &str,
    line: usize,
    opts: &RenderOptions<'_>,
    out: &mut Rendered,
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
    out: &mut Rendered,
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
    fn quotes_follow_the_language() {
        assert!(md("en", "He said \"no\".").html.contains("He said “no”."));
        assert!(
            md("ru", "Он сказал \"нет\".")
                .html
                .contains("Он сказал «нет».")
        );
        assert!(
            md("de", "Er sagte \"nein\".")
                .html
                .contains("Er sagte „nein“.")
        );
        assert!(
            md("fr", "Il a dit \"non\".")
                .html
                .contains("Il a dit «\u{a0}non\u{a0}».")
        );
        assert!(md("es", "Dijo \"no\".").html.contains("Dijo «no»."));
        assert!(md("uk", "Він сказав \"ні\".").html.contains("«ні»"));
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
        let h = md("ru", "\"Он сказал 'нет' вчера\", — пишет газета.").html;
        assert!(h.contains("«Он сказал „нет“ вчера»"), "{h}");
        assert!(md("en", "It's fine.").html.contains("It’s fine."));
    }

    #[test]
    fn heading_ids_unique_and_cyrillic() {
        let r = md("ru", "## Переговоры в Женеве\n\n## Переговоры в Женеве\n");
        assert!(r.html.contains("id=\"переговоры-в-женеве\""));
        assert!(r.html.contains("id=\"переговоры-в-женеве-1\""));
    }

    #[test]
    fn raw_html_and_script_links_are_neutralised() {
        let r = md(
            "en",
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) and ![i](data:text/html,x)",
        );
        assert!(!r.html.contains("<script>"));
        assert!(!r.html.contains("javascript:"));
        assert!(!r.html.contains("data:text"));
    }

    #[test]
    fn lone_image_becomes_a_figure() {
        let r = md("en", "![A map](map.png \"The region | Credit: Agency\")\n");
        assert!(r.html.contains("<figure"), "{}", r.html);
        assert!(
            r.html
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
        assert!(r.html.contains("<table>"));
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
            r.html
                .contains("<img src=\"rule.png\" alt=\"\" loading=\"lazy\">"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("decorative"), "{}", r.html);
        assert_eq!(r.links[1].col, 18);
    }
}
