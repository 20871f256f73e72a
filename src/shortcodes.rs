//! Shortcodes: blocks of an article that the theme draws — pull quotes, editor's notes, asides,
//! galleries and embeds. The Markdown stage finds them (a paragraph that is only `{{ name(…) }}`,
//! or `{% name(…) %}` … `{% end %}` around Markdown, or a paragraph that is only the link of an
//! embeddable item) and leaves a marker in the body's HTML with a [`Block`] beside it; the page
//! stage renders each block with the theme's `shortcodes/NAME.html`, so a site overrides the
//! look by its own template of that name, and the bodies the site model caches never depend on
//! templates. Feeds, which no theme draws, get [`expand_plain`].
//!
//! The marker is `\u{0}N\u{0}`: `markdown::render` replaces every NUL of the source with U+FFFD,
//! as CommonMark asks, so no content, not even raw HTML with `unsafe_html`, can forge one.

use serde::{Deserialize, Serialize};

use crate::embeds::Embed;

/// A value of a shortcode argument.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// `"text"` or `'text'`.
    Str(String),
    /// `12`.
    Int(i64),
    /// `true` / `false`.
    Bool(bool),
}

/// An image of a gallery.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Image {
    /// As written (relative to the page bundle, or a site path).
    pub src: String,
    /// Alt text.
    pub alt: String,
    /// Caption: the image title before ` | `.
    pub caption: String,
    /// Credit: the image title after ` | `.
    pub credit: String,
}

/// One shortcode of a body, drawn by the theme's `shortcodes/{name}.html`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Block {
    /// `pullquote`, `note`, `aside`, `gallery` or `embed`.
    pub name: String,
    /// 1-based file line of the shortcode (or of the embed's link).
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// Arguments as written, string values with the language's typography.
    pub args: Vec<(String, Value)>,
    /// The Markdown between `{% name(…) %}` and `{% end %}`, as HTML.
    pub body: Option<String>,
    /// What an embed shows and loads.
    pub embed: Option<Embed>,
    /// A gallery's images.
    pub images: Vec<Image>,
}

impl Block {
    /// The string argument `key`, if given.
    pub fn arg(&self, key: &str) -> Option<&str> {
        self.args.iter().find_map(|(k, v)| match v {
            Value::Str(s) if k == key => Some(s.as_str()),
            _ => None,
        })
    }
}

/// The marker of block `n` in body HTML.
pub fn marker(n: usize) -> String {
    format!("\u{0}{n}\u{0}")
}

/// A mistake in a shortcode, at a byte offset of the text given to the parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset in the call text.
    pub at: usize,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: String,
}

fn perr(at: usize, message: impl Into<String>, hint: impl Into<String>) -> ParseError {
    ParseError {
        at,
        message: message.into(),
        hint: hint.into(),
    }
}

/// A parsed `name(key="value", …)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Shortcode name.
    pub name: String,
    /// Arguments in written order, each with its byte offset in the call text.
    pub args: Vec<(String, Value, usize)>,
}

const SYNTAX: &str = "write a shortcode as `{{ name(key=\"value\", …) }}` on a line of its own, or \
                      `{% name(key=\"value\") %}` … `{% end %}` around Markdown";

/// Parses the text between `{{`/`}}` or `{%`/`%}`: `name(key="v", n=3, b=true)`. `base` is
/// added to the offsets of errors and arguments.
pub fn parse_call(text: &str, base: usize) -> Result<Call, ParseError> {
    let b = text.as_bytes();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    let start = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
        i += 1;
    }
    let name = &text[start..i];
    if name.is_empty() {
        return Err(perr(base + start, "a shortcode needs a name", SYNTAX));
    }
    skip_ws(&mut i);
    if b.get(i) != Some(&b'(') {
        return Err(perr(
            base + i,
            format!("`(` expected after the shortcode name `{name}`"),
            format!("write `{name}()` even without arguments; {SYNTAX}"),
        ));
    }
    i += 1;
    let mut args: Vec<(String, Value, usize)> = Vec::new();
    loop {
        skip_ws(&mut i);
        if b.get(i) == Some(&b')') {
            i += 1;
            break;
        }
        if !args.is_empty() {
            if b.get(i) != Some(&b',') {
                return Err(perr(
                    base + i,
                    "`,` or `)` expected after an argument",
                    "separate arguments with commas: `pullquote(text=\"…\", by=\"…\")`",
                ));
            }
            i += 1;
            skip_ws(&mut i);
            if b.get(i) == Some(&b')') {
                i += 1;
                break;
            }
        }
        let kstart = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        let key = &text[kstart..i];
        if key.is_empty() {
            return Err(perr(
                base + kstart,
                "an argument name expected",
                "arguments are written `key=\"value\"`",
            ));
        }
        skip_ws(&mut i);
        if b.get(i) != Some(&b'=') {
            return Err(perr(
                base + i,
                format!("`=` expected after `{key}`"),
                format!("write `{key}=\"…\"`"),
            ));
        }
        i += 1;
        skip_ws(&mut i);
        let vstart = i;
        let value = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                i += 1;
                let mut s = String::new();
                loop {
                    let Some(c) = text[i..].chars().next() else {
                        return Err(perr(
                            base + vstart,
                            format!("the value of `{key}` has no closing quote"),
                            "close the text with the quote mark it opened with; write `\\\"` for a quote inside it",
                        ));
                    };
                    i += c.len_utf8();
                    if c as u32 == u32::from(q) {
                        break;
                    }
                    if c == '\\' {
                        match text[i..].chars().next() {
                            Some(n @ ('"' | '\'' | '\\')) => {
                                s.push(n);
                                i += 1;
                            }
                            Some('n') => {
                                s.push('\n');
                                i += 1;
                            }
                            _ => s.push('\\'),
                        }
                        continue;
                    }
                    s.push(c);
                }
                Value::Str(s)
            }
            _ => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
                    i += 1;
                }
                let word = &text[vstart..i];
                match word {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    w => match w.parse::<i64>() {
                        Ok(n) => Value::Int(n),
                        Err(_) => {
                            return Err(perr(
                                base + vstart,
                                format!("the value of `{key}` is not text, a number or true/false"),
                                format!("put text in quotes: `{key}=\"…\"`"),
                            ));
                        }
                    },
                }
            }
        };
        if args.iter().any(|(k, _, _)| k == key) {
            return Err(perr(
                base + kstart,
                format!("`{key}` is given twice"),
                "give each argument once",
            ));
        }
        args.push((key.to_string(), value, base + kstart));
    }
    skip_ws(&mut i);
    if i < b.len() {
        return Err(perr(
            base + i,
            "unexpected text after the shortcode's `)`",
            SYNTAX,
        ));
    }
    Ok(Call {
        name: name.to_string(),
        args,
    })
}

/// A built-in shortcode: its arguments, and whether it takes a Markdown body.
struct Spec {
    name: &'static str,
    required: &'static [&'static str],
    optional: &'static [&'static str],
    /// `Some(true)`: needs `{% … %}` … `{% end %}`; `Some(false)`: never; `None`: either a
    /// body or the `text` argument.
    body: Option<bool>,
    example: &'static str,
}

const SPECS: &[Spec] = &[
    Spec {
        name: "pullquote",
        required: &[],
        optional: &["text", "by"],
        body: None,
        example: "{{ pullquote(text=\"We did not choose this war\", by=\"Olena Petrenko\") }}",
    },
    Spec {
        name: "note",
        required: &[],
        optional: &["text", "title"],
        body: None,
        example: "{% note(title=\"Editor's note\") %} … {% end %}",
    },
    Spec {
        name: "aside",
        required: &[],
        optional: &["text", "title"],
        body: None,
        example: "{% aside(title=\"How we verified this\") %} … {% end %}",
    },
    Spec {
        name: "gallery",
        required: &[],
        optional: &["caption"],
        body: Some(true),
        example: "{% gallery(caption=\"…\") %}\n![Alt text](photo1.jpg \"Caption | Credit\")\n![Alt text](photo2.jpg)\n{% end %}",
    },
    Spec {
        name: "embed",
        required: &["url"],
        optional: &["caption", "image", "title"],
        body: Some(false),
        example: "{{ embed(url=\"https://youtu.be/…\", caption=\"…\", image=\"still.jpg\") }}",
    },
];

/// The names of the shortcodes, for messages and the README.
pub fn names() -> Vec<&'static str> {
    SPECS.iter().map(|s| s.name).collect()
}

/// Checks a call against its shortcode: a known name, known arguments of the right kind, a body
/// where one is needed. `has_body`: written as `{% … %}` … `{% end %}`.
pub fn check(call: &Call, has_body: bool, at: usize) -> Result<(), ParseError> {
    let Some(spec) = SPECS.iter().find(|s| s.name == call.name) else {
        let near = SPECS
            .iter()
            .map(|s| (strsim::levenshtein(s.name, &call.name), s.name))
            .min()
            .filter(|(d, _)| *d <= 3)
            .map(|(_, n)| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        return Err(perr(
            at,
            format!("unknown shortcode `{}`", call.name),
            format!(
                "{near}the shortcodes are {}; to show the text itself, write it in a code span or start the line with `\\`",
                names().join(", ")
            ),
        ));
    };
    for (k, v, kat) in &call.args {
        if !spec.required.contains(&k.as_str()) && !spec.optional.contains(&k.as_str()) {
            let all: Vec<&str> = spec.required.iter().chain(spec.optional).copied().collect();
            return Err(perr(
                *kat,
                format!("`{}` has no argument `{k}`", spec.name),
                format!("its arguments are {}: {}", all.join(", "), spec.example),
            ));
        }
        if !matches!(v, Value::Str(_)) {
            return Err(perr(
                *kat,
                format!("`{k}` of `{}` takes text", spec.name),
                format!("put the value in quotes: `{k}=\"…\"`"),
            ));
        }
        if matches!(v, Value::Str(s) if s.trim().is_empty()) {
            return Err(perr(
                *kat,
                format!("`{k}` of `{}` is empty", spec.name),
                format!("give it a value, or leave it out: {}", spec.example),
            ));
        }
    }
    for r in spec.required {
        if !call.args.iter().any(|(k, _, _)| k == r) {
            return Err(perr(
                at,
                format!("`{}` needs the argument `{r}`", spec.name),
                spec.example,
            ));
        }
    }
    let has_text = call.args.iter().any(|(k, _, _)| k == "text");
    match (spec.body, has_body) {
        (Some(true), false) => Err(perr(
            at,
            format!(
                "`{}` needs content between `{{% {}(…) %}}` and `{{% end %}}`",
                spec.name, spec.name
            ),
            spec.example,
        )),
        (Some(false), true) => Err(perr(
            at,
            format!(
                "`{}` takes no content; write it as `{{{{ {}(…) }}}}`",
                spec.name, spec.name
            ),
            spec.example,
        )),
        (None, true) if has_text => Err(perr(
            at,
            format!("`{}` has both `text` and content", spec.name),
            "give one of them: the `text` argument, or the Markdown before `{% end %}`",
        )),
        (None, false) if !has_text => Err(perr(
            at,
            format!("`{}` needs `text` or content", spec.name),
            spec.example,
        )),
        _ => Ok(()),
    }
}

/// Draws every block of `html` with the theme's `shortcodes/NAME.html`. `page` names the page
/// for template errors.
pub fn expand(
    html: &str,
    blocks: &[Block],
    theme: &crate::theme::Theme,
    lang: &str,
    page: &str,
) -> crate::diagnostics::Result<String> {
    if blocks.is_empty() {
        return Ok(html.to_string());
    }
    replace_markers(html, |n| {
        let Some(b) = blocks.get(n) else {
            return Ok(String::new());
        };
        let mut ctx = tera::Context::new();
        ctx.insert("lang", lang);
        ctx.insert_value("ui", theme.ui(lang));
        // Every argument of the shortcode is defined, so templates test them with `if`.
        if let Some(spec) = SPECS.iter().find(|s| s.name == b.name) {
            for k in spec.required.iter().chain(spec.optional) {
                ctx.insert(*k, &None::<String>);
            }
        }
        ctx.insert("embed", &None::<String>);
        for (k, v) in &b.args {
            ctx.insert(k.clone(), v);
        }
        ctx.insert("body", &b.body);
        ctx.insert("images", &b.images);
        if let Some(e) = &b.embed {
            ctx.insert("embed", &EmbedView::of(e));
        }
        theme.render(&format!("shortcodes/{}.html", b.name), &ctx, page)
    })
}

/// What a template gets as `embed`.
#[derive(Serialize)]
struct EmbedView<'a> {
    service: &'static str,
    name: &'static str,
    url: &'a str,
    src: &'a str,
    shape: crate::embeds::Shape,
    local: bool,
}

impl<'a> EmbedView<'a> {
    fn of(e: &'a Embed) -> Self {
        EmbedView {
            service: e.service.id(),
            name: e.service.name(),
            url: &e.url,
            src: &e.src,
            shape: e.shape,
            local: e.service == crate::embeds::Service::Pdf,
        }
    }
}

fn replace_markers(
    html: &str,
    mut f: impl FnMut(usize) -> crate::diagnostics::Result<String>,
) -> crate::diagnostics::Result<String> {
    let mut out = String::with_capacity(html.len() * 2);
    let mut parts = html.split('\u{0}');
    out.push_str(parts.next().unwrap_or(""));
    while let Some(n) = parts.next() {
        if let Ok(n) = n.parse::<usize>() {
            out.push_str(&f(n)?);
        }
        out.push_str(parts.next().unwrap_or(""));
    }
    Ok(out)
}

/// Blocks as plain HTML for feeds, which readers show without the theme's styles or scripts:
/// an embed is its link, a gallery its figures, a note or aside its text; a pull quote repeats
/// the article's own words, so it is left out.
pub fn expand_plain(html: &str, blocks: &[Block]) -> String {
    if blocks.is_empty() {
        return html.to_string();
    }
    let esc = crate::diagnostics::escape_html;
    replace_markers(html, |n| {
        let Some(b) = blocks.get(n) else {
            return Ok(String::new());
        };
        let caption = |c: Option<&str>| {
            c.map(|c| format!("<figcaption>{}</figcaption>", esc(c)))
                .unwrap_or_default()
        };
        Ok(match b.name.as_str() {
            "embed" => match &b.embed {
                Some(e) => format!(
                    "<figure><p>{}: <a href=\"{}\">{}</a></p>{}</figure>",
                    esc(e.service.name()),
                    esc(&e.url),
                    esc(&e.url),
                    caption(b.arg("caption"))
                ),
                None => String::new(),
            },
            "gallery" => {
                let mut s = String::from("<figure>");
                for i in &b.images {
                    s.push_str(&format!(
                        "<figure><img src=\"{}\" alt=\"{}\">{}</figure>",
                        esc(&i.src),
                        esc(&i.alt),
                        caption(
                            Some(&i.caption)
                                .filter(|c| !c.is_empty())
                                .map(|c| c.as_str())
                        )
                    ));
                }
                s.push_str(&caption(b.arg("caption")));
                s.push_str("</figure>");
                s
            }
            "pullquote" => String::new(),
            _ => {
                let title = b
                    .arg("title")
                    .map(|t| format!("<p><strong>{}</strong></p>", esc(t)))
                    .unwrap_or_default();
                let text = match (&b.body, b.arg("text")) {
                    (Some(h), _) => h.clone(),
                    (None, Some(t)) => format!("<p>{}</p>", esc(t)),
                    _ => String::new(),
                };
                format!("<aside>{title}{text}</aside>")
            }
        })
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_parse_with_positions() {
        let c = parse_call(
            r#" pullquote(text="He said \"no\"", by='Anna', n=3, ok=true) "#,
            10,
        )
        .unwrap();
        assert_eq!(c.name, "pullquote");
        assert_eq!(
            c.args,
            vec![
                ("text".into(), Value::Str("He said \"no\"".into()), 21),
                ("by".into(), Value::Str("Anna".into()), 44),
                ("n".into(), Value::Int(3), 55),
                ("ok".into(), Value::Bool(true), 60),
            ]
        );
        assert_eq!(parse_call("gallery()", 0).unwrap().args, vec![]);
        assert_eq!(parse_call("x(a=\"1\",)", 0).unwrap().args.len(), 1);
    }

    #[test]
    fn bad_calls_say_where() {
        for (text, at, word) in [
            ("pullquote text=\"x\"", 10, "`(` expected"),
            ("pullquote(text=\"x)", 15, "no closing quote"),
            ("pullquote(text=\"x\" by=\"y\")", 19, "`,` or `)`"),
            ("pullquote(text=x y)", 15, "not text"),
            ("pullquote(text)", 14, "`=` expected"),
            ("pullquote(text=\"a\", text=\"b\")", 20, "twice"),
            ("(x=1)", 0, "needs a name"),
            ("note(text=\"a\") extra", 15, "unexpected text"),
        ] {
            let e = parse_call(text, 0).unwrap_err();
            assert_eq!(e.at, at, "{text}: {e:?}");
            assert!(e.message.contains(word), "{text}: {e:?}");
        }
    }

    #[test]
    fn checks_name_arguments_and_body() {
        let call = |s: &str| parse_call(s, 0).unwrap();
        assert!(check(&call("pullquote(text=\"a\", by=\"b\")"), false, 0).is_ok());
        assert!(check(&call("note(title=\"N\")"), true, 0).is_ok());
        let e = check(&call("pulquote(text=\"a\")"), false, 0).unwrap_err();
        assert!(e.hint.contains("did you mean `pullquote`"), "{e:?}");
        let e = check(&call("pullquote(txt=\"a\")"), false, 0).unwrap_err();
        assert_eq!(e.message, "`pullquote` has no argument `txt`");
        assert!(check(&call("pullquote(by=\"a\")"), false, 0).is_err());
        assert!(check(&call("embed(caption=\"a\")"), false, 0).is_err());
        assert!(check(&call("embed(url=\"u\")"), true, 0).is_err());
        assert!(check(&call("gallery()"), false, 0).is_err());
        assert!(check(&call("note(text=\"a\")"), true, 0).is_err());
        assert!(check(&call("embed(url=3)"), false, 0).is_err());
        assert!(check(&call("embed(url=\" \")"), false, 0).is_err());
    }

    #[test]
    fn plain_expansion_for_feeds() {
        let b = Block {
            name: "embed".into(),
            line: 1,
            col: 1,
            args: vec![("caption".into(), Value::Str("A & B".into()))],
            body: None,
            embed: crate::embeds::recognize("https://youtu.be/dQw4w9WgXcQ"),
            images: vec![],
        };
        let h = expand_plain(&format!("<p>a</p>{}<p>b</p>", marker(0)), &[b]);
        assert_eq!(
            h,
            "<p>a</p><figure><p>YouTube: <a href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\">https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></p><figcaption>A &amp; B</figcaption></figure><p>b</p>"
        );
    }
}
