//! Errors and warnings about the user's files, with their location as data.
//!
//! Every stage reports problems as [`Diagnostic`]s carrying `path:line:col`, so that a build can
//! collect all of them before failing, and so that one place ([`render_terminal`] and
//! [`render_html`]) decides how they look on a terminal and in the browser overlay of `serve`.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is: errors fail the build, warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Stops the build.
    Error,
    /// Printed, never fatal.
    Warning,
}

/// One problem in one file, at a 1-based line and column of that file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the site root when it is inside it.
    pub path: PathBuf,
    /// 1-based line; 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub col: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `path:line:col`.
    pub fn error(
        path: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            path: path.into(),
            line,
            col,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning at `path:line:col`.
    pub fn warning(
        path: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(path, line, col, message)
        }
    }

    /// Adds advice on how to fix the problem.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `path:line:col`, leaving out what is unknown.
    pub fn location(&self) -> String {
        let path = self.path.display();
        match (self.line, self.col) {
            (0, _) => format!("{path}"),
            (l, 0) => format!("{path}:{l}"),
            (l, c) => format!("{path}:{l}:{c}"),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {kind}: {}", self.location(), self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  help: {hint}")?;
        }
        Ok(())
    }
}

/// The library's error: either problems in the user's files, or a failure of the machine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more problems in content, config or templates, sorted by file and line.
    #[error("{}", display_list(.0))]
    Content(Vec<Diagnostic>),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A refused request, such as a dangerous output folder or a port in use (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// Warnings, refused by `--deny-warnings`.
    #[error("{}", display_list(.0))]
    DeniedWarnings(Vec<Diagnostic>),
    /// Two outputs would be written to one path.
    #[error("two outputs would be written to /{0}; rename one of the sources")]
    Collision(String),
    /// A failure inside gen that no input should cause (a poisoned lock, a serializer error).
    #[error("internal error: {0}")]
    Internal(String),
}

fn display_list(list: &[Diagnostic]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// Diagnostics carried by this error (one synthesized for I/O and usage errors).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            Error::Content(list) | Error::DeniedWarnings(list) => list.clone(),
            Error::Io { path, source } => vec![Diagnostic::error(path, 0, 0, source.to_string())],
            Error::Usage(msg) => vec![Diagnostic::error("gen", 0, 0, msg.clone())],
            Error::Collision(rel) => vec![
                Diagnostic::error(
                    rel.as_str(),
                    0,
                    0,
                    format!("two outputs would be written to /{rel}"),
                )
                .with_hint("rename one of the sources (a `slug:`, a tag, a static file)"),
            ],
            Error::Internal(msg) => vec![Diagnostic::error(
                "gen",
                0,
                0,
                format!("internal error: {msg}"),
            )],
        }
    }
}

/// Result alias of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Collects diagnostics from a stage so that all of them are reported in one run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Records many.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// Whether any error (not warning) was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// The warnings recorded so far.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }

    /// All recorded diagnostics, sorted by file, line and column.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        sort(&mut self.items);
        self.items
    }

    /// Fails with every error (and warning) when any error was recorded; else returns the
    /// warnings.
    pub fn finish(self) -> Result<Vec<Diagnostic>> {
        if self.has_errors() {
            Err(Error::Content(self.into_sorted()))
        } else {
            Ok(self.into_sorted())
        }
    }
}

/// Sorts diagnostics by severity, file, line, column: stable output whatever the walk order.
pub fn sort(list: &mut [Diagnostic]) {
    list.sort_by(|a, b| {
        (a.severity, &a.path, a.line, a.col, &a.message)
            .cmp(&(b.severity, &b.path, b.line, b.col, &b.message))
    });
}

/// Renders diagnostics for a terminal, with colour when `color` is set.
pub fn render_terminal(list: &[Diagnostic], color: bool) -> String {
    let mut out = String::new();
    for d in list {
        render_one(&mut out, d, color);
    }
    out
}

/// How many warnings of one kind `gen build` prints before it counts the rest (a corpus whose
/// translations name their stories differently gives thousands of one kind).
pub const SHOWN_PER_KIND: usize = 3;

/// [`render_terminal`], with at most `keep` warnings of each [`kind`]: the rest of a kind are
/// counted on one line at the end, which says how to see them all. Errors are always shown.
pub fn render_terminal_collapsed(list: &[Diagnostic], color: bool, keep: usize) -> String {
    let mut out = String::new();
    // Kinds in the order they first appear, with how many there are: the same list always
    // prints the same lines.
    let mut kinds: Vec<(String, usize)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for d in list {
        if d.severity == Severity::Error {
            render_one(&mut out, d, color);
            continue;
        }
        let k = kind(d);
        let i = *index.entry(k.clone()).or_insert_with(|| {
            kinds.push((k, 0));
            kinds.len() - 1
        });
        kinds[i].1 += 1;
        if kinds[i].1 <= keep {
            render_one(&mut out, d, color);
        }
    }
    for (k, n) in kinds {
        if n > keep {
            let message = k.split('\n').nth(1).unwrap_or_default();
            out.push_str(&format!(
                "… and {} more {} like \"{message}\": run `gen check` or `gen build --verbose` to see all\n",
                thousands(n - keep),
                if n - keep == 1 { "warning" } else { "warnings" },
            ));
        }
    }
    out
}

/// What a diagnostic says with its particulars left out: backquoted names become `…`, and so do
/// words with a digit or a slash (paths, dates, counts). Two warnings of one kind differ only in
/// these; the severity, the rest of the message and the rest of the hint are the kind.
pub fn kind(d: &Diagnostic) -> String {
    fn shape(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for (i, part) in s.split('`').enumerate() {
            if i % 2 == 1 {
                out.push_str("`…`");
                continue;
            }
            for (j, word) in part.split(' ').enumerate() {
                if j > 0 {
                    out.push(' ');
                }
                if word.contains(|c: char| c.is_ascii_digit() || c == '/' || c == '\\') {
                    out.push('…');
                } else {
                    out.push_str(word);
                }
            }
        }
        out
    }
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let hint = d.hint.as_deref().map(shape).unwrap_or_default();
    format!("{severity}\n{}\n{hint}", shape(&d.message))
}

/// 2314 as `2,314`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn render_one(out: &mut String, d: &Diagnostic, color: bool) {
    use anstyle::{AnsiColor, Style};
    let bold = Style::new().bold();
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let yellow = Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold();
    let cyan = Style::new().fg_color(Some(AnsiColor::Cyan.into())).bold();
    let paint = |s: Style, text: &str| {
        if color {
            format!("{}{text}{}", s.render(), s.render_reset())
        } else {
            text.to_string()
        }
    };
    let (kind, style) = match d.severity {
        Severity::Error => ("error", red),
        Severity::Warning => ("warning", yellow),
    };
    out.push_str(&paint(bold, &d.location()));
    out.push_str(": ");
    out.push_str(&paint(style, kind));
    out.push_str(": ");
    out.push_str(&d.message);
    out.push('\n');
    if let Some(h) = &d.hint {
        out.push_str("  ");
        out.push_str(&paint(cyan, "help"));
        out.push_str(": ");
        out.push_str(h);
        out.push('\n');
    }
}

/// Renders diagnostics as an HTML fragment for the browser overlay. Everything from the user's
/// files is escaped: a file may be named `<img src=x onerror=alert(1)>.md`.
pub fn render_html(list: &[Diagnostic]) -> String {
    let mut out = String::from("<ol class=\"gen-errors\">");
    for d in list {
        out.push_str("<li><strong>");
        out.push_str(&escape_html(&d.location()));
        out.push_str("</strong>: ");
        out.push_str(&escape_html(&d.message));
        if let Some(h) = &d.hint {
            out.push_str("<br><em>help: ");
            out.push_str(&escape_html(h));
            out.push_str("</em>");
        }
        out.push_str("</li>");
    }
    out.push_str("</ol>");
    out
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A count with its noun in English singular or plural: `1 file`, `2 files`, `0 files`. Every
/// count gen prints goes through it.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "did you mean" for an unknown name among the known ones (Jaro-Winkler, as users misspell
/// the middle and end of words more than the start).
pub fn did_you_mean<'a>(
    unknown: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(unknown, k), k))
        .filter(|(score, _)| *score > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// A YAML data file that serde could not read (people.yaml, terms.yaml): the error at serde's
/// line and column, its message explained, and `shape` (what the file holds) as the hint when
/// the message brings none.
pub fn yaml_file_error(
    display: &Path,
    file: &str,
    e: &serde_yaml::Error,
    shape: &str,
) -> Diagnostic {
    let (line, col) = e
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((1, 1));
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg);
    let (message, hint) = explain_serde_message(msg);
    let mut d = Diagnostic::error(display, line, col, format!("invalid {file}: {message}"));
    d.hint = hint.or(Some(shape.into()));
    d
}

/// Turns serde's "unknown field `x`, expected one of `a`, `b`" into a message with a hint.
pub fn explain_serde_message(msg: &str) -> (String, Option<String>) {
    if let Some(pos) = msg.find("unknown field `") {
        let prefix = msg[..pos].trim_end_matches([':', ' ']);
        let prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}: ")
        };
        let rest = &msg[pos + "unknown field `".len()..];
        if let Some((field, tail)) = rest.split_once('`') {
            let known: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
            let hint = match did_you_mean(field, known.iter().copied()) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("known keys: {}", known.join(", ")),
            };
            return (format!("{prefix}unknown key `{field}`"), Some(hint));
        }
    }
    (msg.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_gets_a_hint() {
        let (m, h) = explain_serde_message(
            "unknown field `translater`, expected one of `title`, `translators`, `tags`",
        );
        assert_eq!(m, "unknown key `translater`");
        assert_eq!(h.as_deref(), Some("did you mean `translators`?"));
    }

    #[test]
    fn overlay_escapes_file_names() {
        let d = Diagnostic::error("<img src=x onerror=alert(1)>.md", 1, 1, "bad <b>");
        let html = render_html(&[d]);
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;.md:1:1"));
    }

    #[test]
    fn location_leaves_out_unknowns() {
        assert_eq!(Diagnostic::error("a.md", 0, 0, "x").location(), "a.md");
        assert_eq!(Diagnostic::error("a.md", 3, 0, "x").location(), "a.md:3");
        assert_eq!(Diagnostic::error("a.md", 3, 7, "x").location(), "a.md:3:7");
    }

    fn story_warning(path: &str, lang: &str, name: &str) -> Diagnostic {
        Diagnostic::warning(
            path,
            4,
            1,
            format!("story `{name}` differs from `Border talks` of its {lang} version content/{lang}/2024/x.md"),
        )
        .with_hint(format!(
            "if they are one story, add it to content/terms.yaml: `stories: [{{ name: Border talks, names: {{ de: {name} }} }}]`"
        ))
    }

    #[test]
    fn warnings_of_one_kind_are_counted_after_the_first_few() {
        let mut list: Vec<Diagnostic> = (0..1200)
            .map(|i| {
                story_warning(
                    &format!("content/de/2024/a{i:04}.md"),
                    "en",
                    &format!("Story {i}"),
                )
            })
            .collect();
        // Another kind, fewer than the limit: all shown.
        list.push(Diagnostic::warning(
            "content/de/b.md",
            2,
            1,
            "`Jane Doe` is not in content/people.yaml",
        ));
        list.push(Diagnostic::warning(
            "content/de/c.md",
            2,
            1,
            "`John Roe` is not in content/people.yaml",
        ));
        // The same message from another language is another kind.
        list.push(story_warning("content/fr/2024/z.md", "de", "Autre"));
        list.push(Diagnostic::error("content/x.md", 1, 1, "an error"));
        list.push(Diagnostic::error("content/y.md", 1, 1, "an error"));
        list.push(Diagnostic::error("content/z.md", 1, 1, "an error"));
        list.push(Diagnostic::error("content/zz.md", 1, 1, "an error"));
        let text = render_terminal_collapsed(&list, false, 3);
        let lines: Vec<&str> = text.lines().collect();
        let shown = |needle: &str| lines.iter().filter(|l| l.contains(needle)).count();
        assert_eq!(shown(": warning: story `Story"), 3, "{text}");
        assert!(text.contains("content/de/2024/a0000.md:4:1: warning: story `Story 0`"));
        assert!(text.contains("content/de/2024/a0002.md:4:1"));
        assert!(!text.contains("a0003.md"), "{text}");
        assert_eq!(shown("warning: `"), 2, "{text}");
        assert_eq!(shown("of its de version"), 1, "{text}");
        assert_eq!(
            shown(": error: an error"),
            4,
            "errors are never collapsed: {text}"
        );
        let more: Vec<&&str> = lines.iter().filter(|l| l.starts_with("… and")).collect();
        assert_eq!(
            more,
            [
                &"… and 1,197 more warnings like \"story `…` differs from `…` of its en version …\": run `gen check` or `gen build --verbose` to see all"
            ],
            "{text}"
        );
        // Every hint of a shown warning is still there.
        assert_eq!(shown("help: if they are one story"), 4, "{text}");
    }

    #[test]
    fn a_short_list_prints_as_in_full() {
        let list: Vec<Diagnostic> = (0..3)
            .map(|i| story_warning(&format!("content/de/a{i}.md"), "en", "S"))
            .collect();
        assert_eq!(
            render_terminal_collapsed(&list, false, 3),
            render_terminal(&list, false)
        );
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
