//! HTML minification in one pass over the bytes, without building a tree.
//!
//! gen's pages come from its own templates and its own Markdown renderer, so they are
//! well-formed; what a minifier has to find in them is whitespace the browser ignores,
//! entities longer than the characters they stand for, and quotes an attribute value does not
//! need. A general minifier (minify-html, which gen used before) parses every page into a tree
//! first and cost about 40 % of a build; this pass keeps only a stack of open element names and
//! costs a few per cent.
//!
//! The whitespace rules are those of minify-html, by the element that contains the text:
//!
//! - layout elements (`div`, `ul`, `header`, `body`, `head`…) and the document itself: text that
//!   is only whitespace is removed, other text is collapsed and trimmed at the ends;
//! - content elements (`p`, `h1`–`h6`, `li`, `figcaption`, `td`…): whitespace collapsed to one
//!   space, trimmed at the start of the first child and the end of the last;
//! - anything else (`a`, `span`, `em`, unknown elements): collapsed, never removed;
//! - inside `pre` (and directly in `code`): kept as written.
//!
//! `script` and `style` are copied as written; `title` and `textarea` keep their whitespace.
//! Comments are dropped. Attribute values lose their quotes when the HTML syntax allows it
//! (no space, quote, `=`, `<`, `>` or backtick), boolean attributes lose their value, and the
//! entities Tera's escaping writes (`&quot;`, `&#39;`, `&amp;`…) become their characters
//! wherever the character is allowed as it is. Closing tags and attribute order are kept, so
//! the result stays valid HTML (the Nu HTML Checker's test builds the example site with it).

/// How whitespace in the children of an element is treated (see the module documentation).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ws {
    /// Whitespace-only text removed; other text collapsed and trimmed.
    Layout,
    /// Collapsed; trimmed at the start of the first child and the end of the last.
    Content,
    /// Collapsed only.
    Inline,
    /// Kept as written.
    Keep,
}

/// `label` and `output` are inline boxes, so a space at their edge shows between their text and
/// what follows: they are `Inline`, not `Content` (minify-html trimmed them).
fn html_ws(name: &[u8]) -> Ws {
    match name {
        b"address" | b"audio" | b"button" | b"canvas" | b"caption" | b"figcaption" | b"h1"
        | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" | b"legend" | b"meter" | b"object" | b"option"
        | b"p" | b"summary" | b"video" | b"dd" | b"details" | b"dt" | b"iframe" | b"li"
        | b"noscript" | b"progress" | b"slot" | b"td" | b"template" | b"th" => Ws::Content,
        b"article" | b"aside" | b"blockquote" | b"body" | b"colgroup" | b"datalist" | b"dialog"
        | b"div" | b"dl" | b"fieldset" | b"figure" | b"footer" | b"form" | b"head" | b"header"
        | b"hgroup" | b"html" | b"main" | b"map" | b"menu" | b"nav" | b"ol" | b"optgroup"
        | b"picture" | b"section" | b"select" | b"table" | b"tbody" | b"tfoot" | b"thead"
        | b"tr" | b"ul" => Ws::Layout,
        b"textarea" | b"code" | b"pre" => Ws::Keep,
        _ => Ws::Inline,
    }
}

fn svg_ws(name: &[u8]) -> Ws {
    match name {
        b"desc" | b"text" | b"title" => Ws::Content,
        b"a" | b"altGlyph" | b"tspan" | b"textPath" | b"tref" => Ws::Inline,
        _ => Ws::Layout,
    }
}

fn is_void(name: &[u8]) -> bool {
    matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"source"
            | b"track"
            | b"wbr"
    )
}

fn is_boolean_attribute(name: &[u8]) -> bool {
    matches!(
        name,
        b"allowfullscreen"
            | b"async"
            | b"autofocus"
            | b"autoplay"
            | b"checked"
            | b"controls"
            | b"default"
            | b"defer"
            | b"disabled"
            | b"formnovalidate"
            | b"hidden"
            | b"inert"
            | b"ismap"
            | b"itemscope"
            | b"loop"
            | b"multiple"
            | b"muted"
            | b"nomodule"
            | b"novalidate"
            | b"open"
            | b"playsinline"
            | b"readonly"
            | b"required"
            | b"reversed"
            | b"selected"
    )
}

/// Whether attribute `attr="value"` of element `tag` says what the element does without it.
fn is_default_value(tag: &[u8], attr: &[u8], value: &[u8]) -> bool {
    let is = |t: &[u8], a: &[u8], v: &[u8]| {
        tag.eq_ignore_ascii_case(t) && attr.eq_ignore_ascii_case(a) && value.eq_ignore_ascii_case(v)
    };
    is(b"form", b"method", b"get")
        || is(b"button", b"type", b"submit")
        || is(b"input", b"type", b"text")
        || is(b"script", b"type", b"text/javascript")
        || is(b"style", b"type", b"text/css")
}

/// Named character references a browser reads without their `;` (HTML's legacy list): a `&`
/// followed by one of these must stay escaped even where no `;` follows.
const LEGACY_ENTITIES: &[&[u8]] = &[
    b"AElig", b"AMP", b"Aacute", b"Acirc", b"Agrave", b"Aring", b"Atilde", b"Auml", b"COPY",
    b"Ccedil", b"ETH", b"Eacute", b"Ecirc", b"Egrave", b"Euml", b"GT", b"Iacute", b"Icirc",
    b"Igrave", b"Iuml", b"LT", b"Ntilde", b"Oacute", b"Ocirc", b"Ograve", b"Oslash", b"Otilde",
    b"Ouml", b"QUOT", b"REG", b"THORN", b"Uacute", b"Ucirc", b"Ugrave", b"Uuml", b"Yacute",
    b"aacute", b"acirc", b"acute", b"aelig", b"agrave", b"amp", b"aring", b"atilde", b"auml",
    b"brvbar", b"ccedil", b"cedil", b"cent", b"copy", b"curren", b"deg", b"divide", b"eacute",
    b"ecirc", b"egrave", b"eth", b"euml", b"frac12", b"frac14", b"frac34", b"gt", b"iacute",
    b"icirc", b"iexcl", b"igrave", b"iquest", b"iuml", b"laquo", b"lt", b"macr", b"micro",
    b"middot", b"nbsp", b"not", b"ntilde", b"oacute", b"ocirc", b"ograve", b"ordf", b"ordm",
    b"oslash", b"otilde", b"ouml", b"para", b"plusmn", b"pound", b"quot", b"raquo", b"reg",
    b"sect", b"shy", b"sup1", b"sup2", b"sup3", b"szlig", b"thorn", b"times", b"uacute", b"ucirc",
    b"ugrave", b"uml", b"uuml", b"yacute", b"yen", b"yuml",
];

const fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

/// An open element: its name (lower case as written by gen; compared ignoring case) and how
/// its children's whitespace is treated.
struct Open<'a> {
    name: &'a [u8],
    ws: Ws,
    svg: bool,
}

/// The minified bytes of the HTML document `html` (UTF-8 text, as a `str` or as bytes).
pub fn minify(html: impl AsRef<[u8]>) -> Vec<u8> {
    let html = html.as_ref();
    let mut m = Minifier {
        src: html,
        out: Vec::with_capacity(html.len()),
        stack: Vec::new(),
        pre: 0,
        first: true,
        scratch: Vec::new(),
    };
    m.run();
    m.out
}

struct Minifier<'a> {
    src: &'a [u8],
    out: Vec<u8>,
    stack: Vec<Open<'a>>,
    /// Open `pre` elements: everything inside keeps its whitespace.
    pre: usize,
    /// No text or element has been seen yet in the current parent.
    first: bool,
    /// Text gathered since the last tag (comments between two runs of text are dropped).
    scratch: Vec<u8>,
}

impl<'a> Minifier<'a> {
    fn parent_ws(&self) -> Ws {
        if self.pre > 0 {
            return Ws::Keep;
        }
        self.stack.last().map_or(Ws::Layout, |o| o.ws)
    }

    fn in_svg(&self) -> bool {
        self.stack.last().is_some_and(|o| o.svg)
    }

    fn run(&mut self) {
        let src = self.src;
        let mut i = 0;
        let mut text_start = 0;
        while let Some(off) = memchr(b'<', &src[i..]) {
            let lt = i + off;
            let next = src.get(lt + 1).copied().unwrap_or(0);
            if src[lt..].starts_with(b"<!--") {
                self.scratch.extend_from_slice(&src[text_start..lt]);
                let end = find(&src[lt + 4..], b"-->").map_or(src.len(), |e| lt + 4 + e + 3);
                i = end;
                text_start = end;
                continue;
            }
            if next == b'!' || next == b'?' {
                // Doctype or processing instruction: as written.
                self.flush_text(&src[text_start..lt], false);
                let end = memchr(b'>', &src[lt..]).map_or(src.len(), |e| lt + e + 1);
                self.out.extend_from_slice(&src[lt..end]);
                i = end;
                text_start = end;
                continue;
            }
            if next == b'/' && src.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) {
                self.flush_text(&src[text_start..lt], true);
                let end = memchr(b'>', &src[lt..]).map_or(src.len(), |e| lt + e + 1);
                let name = tag_name(&src[lt + 2..end]);
                self.out.extend_from_slice(b"</");
                self.out.extend_from_slice(name);
                self.out.push(b'>');
                if let Some(at) = self
                    .stack
                    .iter()
                    .rposition(|o| o.name.eq_ignore_ascii_case(name))
                {
                    for o in self.stack.drain(at..) {
                        if !o.svg && o.name.eq_ignore_ascii_case(b"pre") {
                            self.pre -= 1;
                        }
                    }
                }
                self.first = false;
                i = end;
                text_start = end;
                continue;
            }
            if !next.is_ascii_alphabetic() {
                // A `<` that starts no tag is text.
                i = lt + 1;
                continue;
            }
            self.flush_text(&src[text_start..lt], false);
            i = self.start_tag(lt);
            text_start = i;
        }
        self.flush_text(&src[text_start..], true);
    }

    /// Writes the text between two tags; `last` when a closing tag (or the end) follows it.
    fn flush_text(&mut self, text: &[u8], last: bool) {
        let gathered;
        let text: &[u8] = if self.scratch.is_empty() {
            text
        } else {
            self.scratch.extend_from_slice(text);
            gathered = std::mem::take(&mut self.scratch);
            &gathered
        };
        if text.is_empty() {
            return;
        }
        let ws = self.parent_ws();
        let first = std::mem::replace(&mut self.first, false);
        match ws {
            Ws::Keep => encode_text(text, &mut self.out, false),
            Ws::Layout | Ws::Content | Ws::Inline => {
                if ws == Ws::Layout && text.iter().all(|&b| is_ws(b)) {
                    return;
                }
                let trim = ws != Ws::Inline;
                let mut s = text;
                if trim && first {
                    while let [b, rest @ ..] = s
                        && is_ws(*b)
                    {
                        s = rest;
                    }
                }
                if trim && last {
                    while let [rest @ .., b] = s
                        && is_ws(*b)
                    {
                        s = rest;
                    }
                }
                encode_text(s, &mut self.out, true);
            }
        }
    }

    /// Writes the start tag at `lt` (and the raw content of `script`, `style`, `title` and
    /// `textarea`); returns where the text after it starts.
    fn start_tag(&mut self, lt: usize) -> usize {
        let src = self.src;
        let name = tag_name(&src[lt + 1..]);
        let svg = self.in_svg() || name.eq_ignore_ascii_case(b"svg");
        self.out.push(b'<');
        self.out.extend_from_slice(name);
        let mut i = lt + 1 + name.len();
        let mut self_closing = false;
        // The last attribute written was an unquoted value (a `/` after it would join it).
        let mut unquoted_last = false;
        loop {
            while i < src.len() && is_ws(src[i]) {
                i += 1;
            }
            match src.get(i) {
                None => break,
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(b'/') => {
                    i += 1;
                    if src.get(i) == Some(&b'>') {
                        self_closing = true;
                        i += 1;
                        break;
                    }
                    continue;
                }
                _ => {}
            }
            let start = i;
            while i < src.len() && !is_ws(src[i]) && !matches!(src[i], b'=' | b'>' | b'/') {
                i += 1;
            }
            if i == start {
                // A stray `=`: as written.
                i += 1;
                continue;
            }
            let attr = &src[start..i];
            let mut j = i;
            while j < src.len() && is_ws(src[j]) {
                j += 1;
            }
            let mut value = None;
            if src.get(j) == Some(&b'=') {
                j += 1;
                while j < src.len() && is_ws(src[j]) {
                    j += 1;
                }
                match src.get(j) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = memchr(q, &src[j + 1..]).map_or(src.len(), |e| j + 1 + e);
                        value = Some((&src[j + 1..end], q));
                        i = (end + 1).min(src.len());
                    }
                    _ => {
                        let mut end = j;
                        while end < src.len() && !is_ws(src[end]) && src[end] != b'>' {
                            end += 1;
                        }
                        value = Some((&src[j..end], 0));
                        i = end;
                    }
                }
            }
            if let Some((raw, _)) = value
                && !svg
                && is_default_value(name, attr, raw)
            {
                continue;
            }
            self.out.push(b' ');
            self.out.extend_from_slice(attr);
            unquoted_last = false;
            let Some((raw, quote)) = value else { continue };
            // `hidden="hidden"` is `hidden`; another value may mean something (`hidden="until-found"`).
            if !svg
                && is_boolean_attribute(attr)
                && (raw.is_empty() || raw.eq_ignore_ascii_case(attr))
            {
                continue;
            }
            unquoted_last = self.attribute_value(attr, raw, quote);
        }
        if self_closing && svg {
            if unquoted_last {
                self.out.push(b' ');
            }
            self.out.push(b'/');
        }
        self.out.push(b'>');
        self.first = false;
        let mut buf = [0u8; 16];
        let lower: &[u8] = if name.len() <= buf.len() {
            let b = &mut buf[..name.len()];
            b.copy_from_slice(name);
            b.make_ascii_lowercase();
            b
        } else {
            name
        };
        if svg {
            if !self_closing {
                self.stack.push(Open {
                    name,
                    ws: svg_ws(name),
                    svg: true,
                });
                self.first = true;
            }
            return i;
        }
        if is_void(lower) {
            return i;
        }
        match lower {
            b"script" | b"style" | b"title" | b"textarea" => {
                let end = find_end_tag(&src[i..], lower).map_or(src.len(), |e| i + e);
                if matches!(lower, b"title" | b"textarea") {
                    encode_text(&src[i..end], &mut self.out, false);
                } else {
                    // Whitespace around a script or style sheet means nothing to it.
                    self.out.extend_from_slice(src[i..end].trim_ascii());
                }
                end
            }
            _ => {
                if lower == b"pre" {
                    self.pre += 1;
                }
                self.stack.push(Open {
                    name,
                    ws: html_ws(lower),
                    svg: false,
                });
                self.first = true;
                i
            }
        }
    }

    /// Writes `=value` of attribute `name` (written as `raw`, in `quote` or unquoted when 0) as
    /// short as it can be; returns whether it was written without quotes.
    fn attribute_value(&mut self, name: &[u8], raw: &[u8], quote: u8) -> bool {
        // Most values hold no `&` (nothing to decode or escape) and are not a class list with
        // spaces to normalise: one pass over the bytes tells, and the value is then written as
        // it is, quoted only if it must be.
        let found = raw.iter().fold(0u8, |f, &b| f | VALUE_BYTES[b as usize]);
        if found & V_AMP == 0 && (found & V_WS == 0 || !name.eq_ignore_ascii_case(b"class")) {
            self.out.push(b'=');
            if found & V_QUOTE == 0 && !raw.is_empty() {
                self.out.extend_from_slice(raw);
                return true;
            }
            self.quoted(raw);
            return false;
        }
        let Some(mut value) = decode(raw) else {
            // A named entity gen does not know: the value as written.
            self.out.push(b'=');
            let q = if quote == 0 { b'"' } else { quote };
            self.out.push(q);
            self.out.extend_from_slice(raw);
            self.out.push(q);
            return false;
        };
        if name.eq_ignore_ascii_case(b"class")
            && (value.first().is_some_and(|&b| is_ws(b))
                || value.last().is_some_and(|&b| is_ws(b))
                || value.windows(2).any(|w| is_ws(w[0]) && is_ws(w[1]))
                || value.iter().any(|&b| is_ws(b) && b != b' '))
        {
            let words: Vec<&[u8]> = value
                .split(|&b| is_ws(b))
                .filter(|w| !w.is_empty())
                .collect();
            value = std::borrow::Cow::Owned(words.join(&b' '));
        }
        self.out.push(b'=');
        let unquoted = !value.is_empty() && !value.iter().any(|&b| NEEDS_QUOTES[b as usize]);
        if unquoted {
            encode_amp(&value, &mut self.out, None);
            return true;
        }
        self.quoted(&value);
        false
    }

    /// Writes decoded `value` in the quote it holds fewer of.
    fn quoted(&mut self, value: &[u8]) {
        let doubles = value.iter().filter(|&&b| b == b'"').count();
        let singles = value.iter().filter(|&&b| b == b'\'').count();
        let q = if doubles > singles { b'\'' } else { b'"' };
        self.out.push(q);
        encode_amp(value, &mut self.out, Some(q));
        self.out.push(q);
    }
}

/// The tag name at the start of `s` (up to whitespace, `/` or `>`).
fn tag_name(s: &[u8]) -> &[u8] {
    let end = s
        .iter()
        .position(|&b| is_ws(b) || b == b'/' || b == b'>')
        .unwrap_or(s.len());
    &s[..end]
}

use memchr::memchr;

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// Where `</name` starts in `s`, ignoring case.
fn find_end_tag(s: &[u8], name: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(off) = find(&s[from..], b"</") {
        let at = from + off;
        let rest = &s[at + 2..];
        if rest.len() >= name.len()
            && rest[..name.len()].eq_ignore_ascii_case(name)
            && rest
                .get(name.len())
                .is_none_or(|&b| is_ws(b) || b == b'>' || b == b'/')
        {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// The character an entity at the start of `s` (just after `&`) stands for, and its length
/// with the `;`, for the entities escaping writes and numeric ones. Characters that would
/// change meaning written as they are (controls, whitespace) are left as entities.
fn entity(s: &[u8]) -> Option<(char, usize)> {
    for (name, c) in [
        (&b"amp;"[..], '&'),
        (b"lt;", '<'),
        (b"gt;", '>'),
        (b"quot;", '"'),
        (b"apos;", '\''),
    ] {
        if s.starts_with(name) {
            return Some((c, name.len()));
        }
    }
    let rest = s.strip_prefix(b"#")?;
    let (digits, radix, skip) = match rest.first() {
        Some(b'x' | b'X') => (&rest[1..], 16, 2),
        _ => (rest, 10, 1),
    };
    let len = digits.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if len == 0 || len > 6 || digits.get(len) != Some(&b';') {
        return None;
    }
    let n = u32::from_str_radix(std::str::from_utf8(&digits[..len]).ok()?, radix).ok()?;
    let c = char::from_u32(n)?;
    if c.is_control() || c.is_whitespace() || (0xfdd0..=0xfdef).contains(&n) || n & 0xfffe == 0xfffe
    {
        return None;
    }
    Some((c, skip + len + 1))
}

/// `s` with its entities decoded; `None` when it holds an entity [`entity`] does not decode
/// (a named one, say `&nbsp;`), which must then stay as written.
fn decode(s: &[u8]) -> Option<std::borrow::Cow<'_, [u8]>> {
    if memchr(b'&', s).is_none() {
        return Some(std::borrow::Cow::Borrowed(s));
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while let Some(off) = memchr(b'&', &s[i..]) {
        out.extend_from_slice(&s[i..i + off]);
        let at = i + off;
        match entity(&s[at + 1..]) {
            Some((c, len)) => {
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                i = at + 1 + len;
            }
            None if s[at + 1..].first().is_some_and(u8::is_ascii_alphanumeric) => return None,
            None => {
                out.push(b'&');
                i = at + 1;
            }
        }
    }
    out.extend_from_slice(&s[i..]);
    Some(std::borrow::Cow::Owned(out))
}

/// Whether a `&` written as it is before `rest` could be read as the start of a character
/// reference: `&#`, letters and digits up to a `;`, or a legacy name that needs none. (A `&`
/// before an entity still to be decoded is escaped too.)
fn amp_needs_escape(rest: &[u8]) -> bool {
    match rest.first() {
        Some(b'#' | b'&') => true,
        Some(b) if b.is_ascii_alphanumeric() => {
            let run = rest
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            rest.get(run) == Some(&b';') || LEGACY_ENTITIES.iter().any(|e| rest.starts_with(e))
        }
        _ => false,
    }
}

/// Writes decoded `value`, escaping `&` where it could start an entity and the quote `q`.
/// Runs without either are copied whole (most values have no `&` at all).
fn encode_amp(value: &[u8], out: &mut Vec<u8>, q: Option<u8>) {
    let mut from = 0;
    loop {
        let found = match q {
            Some(q) => memchr::memchr2(b'&', q, &value[from..]),
            None => memchr(b'&', &value[from..]),
        };
        let Some(off) = found else {
            out.extend_from_slice(&value[from..]);
            return;
        };
        let at = from + off;
        out.extend_from_slice(&value[from..at]);
        match value[at] {
            b'&' if amp_needs_escape(&value[at + 1..]) => out.extend_from_slice(b"&amp;"),
            b'&' => out.push(b'&'),
            b'"' => out.extend_from_slice(b"&#34;"),
            _ => out.extend_from_slice(b"&#39;"),
        }
        from = at + 1;
    }
}

/// Bytes an attribute value cannot hold without quotes: whitespace, quotes, `=`, `<`, `>` and
/// the backtick.
static NEEDS_QUOTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut k = 0;
    let bytes = b" \t\n\r\x0c\"'=<>`";
    while k < bytes.len() {
        t[bytes[k] as usize] = true;
        k += 1;
    }
    t
};

/// [`VALUE_BYTES`]: a `&` (an entity to decode, or a `&` that may need escaping).
const V_AMP: u8 = 1;
/// [`VALUE_BYTES`]: a byte of [`NEEDS_QUOTES`].
const V_QUOTE: u8 = 2;
/// [`VALUE_BYTES`]: whitespace (a class list may need normalising).
const V_WS: u8 = 4;

/// What each byte of an attribute value asks of it, as `V_` bits.
static VALUE_BYTES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        if NEEDS_QUOTES[b] {
            t[b] |= V_QUOTE;
        }
        if is_ws(b as u8) {
            t[b] |= V_WS;
        }
        b += 1;
    }
    t[b'&' as usize] |= V_AMP;
    t
};

/// Bytes text processing stops at: whitespace, `&` and `<`.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b' ' as usize] = true;
    t[b'\t' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t[0x0c] = true;
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t
};

/// Writes text, decoding the entities [`entity`] knows and escaping again only what must be:
/// `<` and a `&` that could start a character reference; other entities stay as written. With
/// `collapse`, every run of whitespace becomes one space.
fn encode_text(s: &[u8], out: &mut Vec<u8>, collapse: bool) {
    let mut i = 0;
    while i < s.len() {
        let start = i;
        while i < s.len() && !SPECIAL[s[i] as usize] {
            i += 1;
        }
        out.extend_from_slice(&s[start..i]);
        let Some(&b) = s.get(i) else { return };
        match b {
            b'<' => {
                out.extend_from_slice(b"&lt;");
                i += 1;
            }
            b'&' => match entity(&s[i + 1..]) {
                Some((c, len)) => {
                    let next = i + 1 + len;
                    match c {
                        '<' => out.extend_from_slice(b"&lt;"),
                        '&' if amp_needs_escape(&s[next..]) => out.extend_from_slice(b"&amp;"),
                        c => {
                            let mut buf = [0; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                    }
                    i = next;
                }
                None => {
                    out.push(b'&');
                    i += 1;
                }
            },
            _ if collapse => {
                out.push(b' ');
                while i < s.len() && is_ws(s[i]) {
                    i += 1;
                }
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::minify;

    fn m(s: &str) -> String {
        String::from_utf8(minify(s)).unwrap()
    }

    #[test]
    fn whitespace_by_parent() {
        assert_eq!(
            m(
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title> A  b </title>\n</head>\n<body>\n<ul>\n  <li> <a href=\"/x/\">x</a>  <a href=\"/y/\">y</a> </li>\n</ul>\n<p>Hello <em>big</em>\n world </p>\n</body>\n</html>\n"
            ),
            "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title> A  b </title></head><body><ul><li><a href=/x/>x</a> <a href=/y/>y</a></li></ul><p>Hello <em>big</em> world</p></body></html>"
        );
    }

    #[test]
    fn pre_and_code_keep_whitespace() {
        assert_eq!(
            m(
                "<div>\n<pre><code>a  b\n  <span> c </span>\n</code></pre>\n<p>x <code> y  z </code> w</p>\n</div>"
            ),
            "<div><pre><code>a  b\n  <span> c </span>\n</code></pre><p>x <code> y  z </code> w</p></div>"
        );
    }

    #[test]
    fn script_and_style_as_written_comments_dropped() {
        assert_eq!(
            m(
                "<div>\n<!-- note -->\n<script>if (a < b && c) { x = \"</p>\"; }</script>\n<style> p > a { color: red } </style>\n</div>"
            ),
            "<div><script>if (a < b && c) { x = \"</p>\"; }</script><style>p > a { color: red }</style></div>"
        );
    }

    #[test]
    fn attributes_lose_quotes_where_allowed() {
        assert_eq!(
            m(
                "<p><a href=\"https://e.org/a?b=1&amp;c=2\" title=\"It&#39;s &quot;x&quot;\" class=\" a   b \" data-x=\"\" data-y='a b'>t</a><input hidden=\"hidden\" value=\"x=y\"><img alt=\"\" src=\"a&amp;nbsp;.png\"></p>"
            ),
            "<p><a href=\"https://e.org/a?b=1&c=2\" title='It&#39;s \"x\"' class=\"a b\" data-x=\"\" data-y=\"a b\">t</a><input hidden value=\"x=y\"><img alt=\"\" src=a&amp;nbsp;.png></p>"
        );
    }

    #[test]
    fn entities_in_text() {
        assert_eq!(
            m(
                "<p>It&#39;s &quot;fine&quot; &amp; 1 &lt; 2 &gt; 0 &amp;amp; &nbsp; &#x41; &#10;</p>"
            ),
            "<p>It's \"fine\" & 1 &lt; 2 > 0 &amp;amp; &nbsp; A &#10;</p>"
        );
        // A `&` before a name browsers read without `;` stays escaped; before others it goes.
        assert_eq!(
            m("<p><a href=\"/?a=1&amp;copy=2&amp;x=3\">&amp;copy &amp;x=1</a></p>"),
            "<p><a href=\"/?a=1&amp;copy=2&x=3\">&amp;copy &x=1</a></p>"
        );
        assert_eq!(
            m(
                "<form method=\"get\" action=\"/s/\"><button type=\"submit\">Go</button></form><script>\n x()\n</script>"
            ),
            "<form action=/s/><button>Go</button></form><script>x()</script>"
        );
    }

    #[test]
    fn svg_self_closing() {
        assert_eq!(
            m("<p><svg viewBox=\"0 0 1 1\">\n  <path d=\"M0\"/>\n  <circle r=\"1\" /></svg> x</p>"),
            "<p><svg viewBox=\"0 0 1 1\"><path d=M0 /><circle r=1 /></svg> x</p>"
        );
    }

    #[test]
    fn same_document_tree_as_the_input() {
        // The parsed documents agree on everything but ignorable whitespace.
        let html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>T &amp; U</title>\n</head>\n<body class=\"page-x\">\n<main>\n<article>\n  <h2> A <a href=\"/a/?x=1&amp;y=2\">b</a> </h2>\n  <ul class=\"tags\">\n <li><a href=\"/t/\" rel=\"tag\">It&#39;s</a></li>\n </ul>\n</article>\n</main>\n</body>\n</html>";
        let a = scraper::Html::parse_document(html);
        let b = scraper::Html::parse_document(&m(html));
        let texts = |d: &scraper::Html| -> Vec<String> {
            d.root_element()
                .text()
                .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|t| !t.is_empty())
                .collect()
        };
        assert_eq!(texts(&a), texts(&b));
        let sel = scraper::Selector::parse("*").unwrap();
        let elems = |d: &scraper::Html| -> Vec<String> {
            d.select(&sel)
                .map(|e| {
                    let mut attrs: Vec<String> =
                        e.value().attrs().map(|(k, v)| format!("{k}={v}")).collect();
                    attrs.sort();
                    format!("{} {}", e.value().name(), attrs.join(" "))
                })
                .collect()
        };
        assert_eq!(elems(&a), elems(&b));
    }
}
