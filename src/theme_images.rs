//! Static images a theme shows through `image(path=…)`: a masthead, a logo, a default share
//! picture. They go through the same pipeline as the photos of articles ([`crate::images`]):
//! variants, metadata stripped, the cache, never enlarged, `max_pixels` refused.
//!
//! The list of outputs is made before anything is rendered, so gen must know which files the
//! templates ask for before rendering: [`ThemeImages::load`] reads the calls from the
//! templates' sources when the theme is loaded (a call whose path is not a literal string is an
//! error at its line), reads each file's header and lists its variants. The `image()` function
//! then only looks its answer up. The same scan finds the files templates name with
//! `asset(path="…")`: those are published as they are, even when an article also shows them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Error, Result};
use crate::images::{Picture, is_svg};
use crate::theme::{Assets, ThemeFile};

/// What `image(path=…)` returns: the fallback variant's URL (`src`), the WebP variants
/// (`srcset`), and the fallback's size. An SVG is shown as it is: its static URL, an empty
/// `srcset`, and its size when its root element states one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Answer {
    /// Root-relative URL of the JPEG/PNG variant (of the file itself for SVG).
    pub src: String,
    /// `srcset` of the WebP variants (empty for SVG).
    pub srcset: String,
    /// Width in pixels of `src`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in pixels of `src`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

/// The static images the templates ask for.
#[derive(Debug, Default)]
pub struct ThemeImages {
    /// Raster images, published as variants (by path in `static/`).
    pub pictures: Vec<Picture>,
    /// What `image()` answers, by path in `static/`.
    pub answers: BTreeMap<String, Answer>,
    /// Static files a template names with `asset(path="…")`: the theme wants the file itself,
    /// so it is published as it is.
    pub named_by_asset: BTreeSet<String>,
}

/// A call found in a template: byte offset of the function's name and its `path` argument
/// when that is one literal string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Byte offset in the template source.
    pub at: usize,
    /// The literal path, or `None` when the argument is anything else.
    pub path: Option<String>,
}

impl ThemeImages {
    /// Reads the `image()` and `asset()` calls of every template (`name → (shown path,
    /// source)`), finds each image among the static files (the site's overriding the
    /// theme's), reads its header and lists its variants. Every bad call or file is an error
    /// at the template's line naming the image.
    pub fn load(
        config: &Config,
        templates: &BTreeMap<String, (PathBuf, String)>,
        files: &[ThemeFile],
        assets: &Assets,
    ) -> Result<ThemeImages> {
        let mut errors = Vec::new();
        let mut out = ThemeImages::default();
        // Path → every call asking for it: template shown path, line, column.
        let mut wanted: BTreeMap<String, Vec<(PathBuf, usize, usize)>> = BTreeMap::new();
        for (shown, text) in templates.values() {
            for call in calls(text, "image") {
                let (line, col) = line_col(text, call.at);
                match call.path {
                    Some(p) => wanted.entry(p).or_default().push((shown.clone(), line, col)),
                    None => errors.push(
                        Diagnostic::error(
                            shown,
                            line,
                            col,
                            "`image()` needs its path as a literal string",
                        )
                        .with_hint(
                            "write the file's path inside static/ in quotes, as in image(path=\"images/masthead.jpg\"): gen makes the image's variants before any page is rendered, so it reads the path from the template",
                        ),
                    ),
                }
            }
            for call in calls(text, "asset") {
                if let Some(p) = call.path {
                    out.named_by_asset
                        .insert(p.trim_start_matches('/').to_string());
                }
            }
        }
        let by_rel: BTreeMap<String, &ThemeFile> = files
            .iter()
            .map(|f| (f.rel.to_string_lossy().replace('\\', "/"), f))
            .collect();
        for (written, uses) in wanted {
            let rel = written.trim_start_matches('/').to_string();
            let (first_file, first_line, first_col) = uses[0].clone();
            let at_each = |message: String, hint: &str| -> Vec<Diagnostic> {
                uses.iter()
                    .map(|(file, line, col)| {
                        Diagnostic::error(file, *line, *col, message.clone()).with_hint(hint)
                    })
                    .collect()
            };
            let Some(file) = by_rel.get(&rel) else {
                errors.extend(at_each(
                    format!("image(path=\"{written}\"): no such file in the theme's or the site's static/"),
                    "the path is relative to static/: static/images/masthead.jpg is \"images/masthead.jpg\"",
                ));
                continue;
            };
            if is_svg(&rel) {
                let bytes = match (&file.disk, file.bytes) {
                    (Some(p), _) => std::fs::read(p).unwrap_or_default(),
                    (None, Some(b)) => b.to_vec(),
                    _ => Vec::new(),
                };
                let (width, height) = svg_size(&String::from_utf8_lossy(&bytes)).unzip();
                out.answers.insert(
                    written,
                    Answer {
                        src: assets.url(&rel),
                        srcset: String::new(),
                        width,
                        height,
                    },
                );
                continue;
            }
            let Some(disk) = &file.disk else {
                errors.extend(at_each(
                    format!("image(path=\"{written}\"): the built-in theme's files are not images gen can resize"),
                    "copy the image into the site's static/ folder",
                ));
                continue;
            };
            let probe = match crate::images::probe_file(disk, config.images.max_pixels) {
                Ok(p) => p,
                Err(refusal) => {
                    let (why, hint) = refusal.explain(config.images.max_pixels);
                    let shown = disk.strip_prefix(&config.root).unwrap_or(disk);
                    errors.extend(at_each(
                        format!("image `{written}` ({}) {why}", shown.display()),
                        &hint,
                    ));
                    continue;
                }
            };
            let pic = Picture {
                variants: crate::images::variants(&rel, &probe, &config.images, None),
                site_path: rel,
                disk: disk.clone(),
                probe,
                focus: None,
                first_use: (first_file, first_line, first_col, written.clone()),
            };
            let fallback = pic.fallback();
            out.answers.insert(
                written,
                Answer {
                    src: config.url(&fallback.rel),
                    srcset: pic.srcset(config),
                    width: Some(fallback.width),
                    height: Some(fallback.height),
                },
            );
            out.pictures.push(pic);
        }
        if !errors.is_empty() {
            crate::diagnostics::sort(&mut errors);
            return Err(Error::Content(errors));
        }
        Ok(out)
    }

    /// Hash of every answer: pages that call `image()` show these, so when it changes (a
    /// static image edited) the dev server makes every page again.
    pub fn key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.answers.hash(&mut h);
        h.finish()
    }

    /// Whether the theme asks for static file `rel` (its path in `static/`) with `image()`.
    pub fn asks_for(&self, rel: &str) -> bool {
        self.pictures.iter().any(|p| p.site_path == rel)
    }
}

/// Line and column (1-based, in characters) of byte offset `at`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The calls of function `name` inside the Tera tags (`{{ … }}`, `{% … %}`) of a template
/// source; comments and `{% raw %}` blocks skipped. Written by hand because Tera does not
/// expose its syntax tree.
pub fn calls(source: &str, name: &str) -> Vec<Call> {
    let b = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(open) = source[i..].find('{').map(|o| i + o) {
        let kind = b.get(open + 1).copied();
        let close = match kind {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                i = open + 1;
                continue;
            }
        };
        let Some(end) = source[open + 2..].find(close).map(|e| open + 2 + e) else {
            break;
        };
        let body = &source[open + 2..end];
        i = end + 2;
        if kind == Some(b'#') {
            continue;
        }
        let word = body.trim_start_matches(['-', '+']).trim_start();
        if kind == Some(b'%') && (word == "raw" || word.starts_with("raw ")) {
            // Everything up to the end of the raw block is text.
            match find_tag(source, i, "endraw") {
                Some(after) => i = after,
                None => break,
            }
            continue;
        }
        calls_in(body, open + 2, name, &mut out);
    }
    out
}

/// The offset just past the tag `{% word %}` found from `from`.
fn find_tag(source: &str, from: usize, word: &str) -> Option<usize> {
    let mut i = from;
    while let Some(o) = source[i..].find("{%").map(|o| i + o) {
        let end = source[o + 2..].find("%}").map(|e| o + 2 + e)?;
        if source[o + 2..end].trim_matches(['-', '+', ' ', '\t', '\n', '\r']) == word {
            return Some(end + 2);
        }
        i = end + 2;
    }
    None
}

/// The calls of `name` in one tag's text (`base` is its offset in the source).
fn calls_in(body: &str, base: usize, name: &str, out: &mut Vec<Call>) {
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let mut from = 0;
    while let Some(at) = body[from..].find(name).map(|a| from + a) {
        from = at + name.len();
        if body[..at].chars().next_back().is_some_and(ident) {
            continue;
        }
        let rest = body[from..].trim_start();
        let Some(args) = rest.strip_prefix('(') else {
            continue;
        };
        out.push(Call {
            at: base + at,
            path: literal_path(args),
        });
    }
}

/// `path="x")` → `x`; anything else (another argument, a variable, a concatenation) → `None`.
fn literal_path(args: &str) -> Option<String> {
    let rest = args.trim_start().strip_prefix("path")?.trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let quote = rest
        .chars()
        .next()
        .filter(|q| matches!(q, '"' | '\'' | '`'))?;
    let rest = &rest[1..];
    let end = rest.find(quote)?;
    let value = &rest[..end];
    rest[end + 1..]
        .trim_start()
        .starts_with(')')
        .then(|| value.to_string())
}

/// Width and height an SVG's root element states in pixels (plain numbers or `px`), else
/// from its `viewBox`; `None` when neither says.
pub fn svg_size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<&str> {
        let mut from = 0;
        while let Some(i) = tag[from..].find(name).map(|i| from + i) {
            from = i + name.len();
            if !tag[..i].ends_with(char::is_whitespace) {
                continue;
            }
            let rest = tag[from..].trim_start().strip_prefix('=')?.trim_start();
            let q = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
            let rest = &rest[1..];
            return Some(&rest[..rest.find(q)?]);
        }
        None
    };
    let px = |v: &str| -> Option<u32> {
        let v = v.trim();
        let v = v.strip_suffix("px").unwrap_or(v);
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x > 0.0 && *x < 1e6)
            .map(|x| x.round() as u32)
    };
    if let (Some(w), Some(h)) = (attr("width").and_then(px), attr("height").and_then(px)) {
        return Some((w, h));
    }
    let vb: Vec<&str> = attr("viewBox")?
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .collect();
    match vb.as_slice() {
        [_, _, w, h] => Some((px(w)?, px(h)?)),
        _ => None,
    }
}

/// Registers `image(path=…)`: the answer read when the theme was loaded. A path the scan did
/// not see (it cannot happen for a literal call) is an error.
pub fn register(tera: &mut tera::Tera, images: std::sync::Arc<ThemeImages>) {
    tera.register_function(
        "image",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<tera::Value> {
            let path = kwargs.must_get::<&str>("path")?;
            match images.answers.get(path) {
                Some(a) => Ok(tera::Value::from_serializable(a)),
                None => Err(tera::Error::message(format!(
                    "image(path=\"{path}\"): gen did not see this call when it read the templates; write the path as a literal string"
                ))),
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_calls_are_found_in_tags_only() {
        let src = "<p>image(path=\"no\")</p>\n{# image(path=\"comment\") #}\n{% set m = image(path=\"images/a.jpg\") %}\n{{ image( path = 'b.png' ).src }} {{ my_image(path=\"x\") }}\n{% raw %}{{ image(path=\"raw\") }}{% endraw %}{{ image(path=p) }} {{ image(path=\"a\" ~ x) }}";
        let found: Vec<(usize, Option<String>)> = calls(src, "image")
            .into_iter()
            .map(|c| (line_col(src, c.at).0, c.path))
            .collect();
        assert_eq!(
            found,
            [
                (3, Some("images/a.jpg".into())),
                (4, Some("b.png".into())),
                (5, None),
                (5, None)
            ]
        );
    }

    #[test]
    fn svg_sizes_from_attributes_or_view_box() {
        assert_eq!(
            svg_size("<svg xmlns=\"x\" width=\"120\" height=\"40px\">"),
            Some((120, 40))
        );
        assert_eq!(
            svg_size("<?xml?><svg viewBox=\"0 0 300 100\" width=\"100%\">"),
            Some((300, 100))
        );
        assert_eq!(svg_size("<svg stroke-width=\"2\">"), None);
    }
}
