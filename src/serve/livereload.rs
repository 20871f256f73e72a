//! Live reload over server-sent events: a small script, injected only into HTML the dev server
//! sends (never into files on disk, so never into `gen build` output), listens on
//! `/__gen/events`. SSE needs no handshake and no extra protocol, and `EventSource` reconnects
//! by itself.
//!
//! Messages (JSON data):
//! - `hello` on connect: `{server, generation}`. A page whose build generation or server differs
//!   reloads; this covers builds missed while disconnected and server restarts.
//! - `reload` after a build is in place: `{server, generation, all, files}`. The page reloads
//!   when `all` is set (entering or leaving the error state) or when its own file is listed.
//! - `css` when only stylesheets changed: `{server, generation, base, files}`. The page swaps
//!   matching `<link rel=stylesheet>` elements without reloading.
//!
//! The script sets `window.__genServe` to `"connected"` once the stream is open (for tests).

use serde::Serialize;

/// The script, served at `/__gen/livereload.js`.
pub const SCRIPT: &str = r#"// gen serve live reload (development only; never part of a build).
(() => {
  const me = document.currentScript;
  if (!me || !window.EventSource) return;
  const file = me.dataset.genFile || "";
  let token = me.dataset.genServer + ":" + me.dataset.genGeneration;
  const swapCss = (paths, generation) => {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      if (!paths.includes(decodeURIComponent(url.pathname))) continue;
      url.searchParams.set("gen", generation);
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.onload = fresh.onerror = () => link.remove();
      link.after(fresh);
    }
  };
  const connect = () => {
    const es = new EventSource("/__gen/events");
    es.addEventListener("hello", (e) => {
      window.__genServe = "connected";
      const d = JSON.parse(e.data);
      const t = d.server + ":" + d.generation;
      if (t !== token) location.reload();
      token = t;
    });
    es.addEventListener("reload", (e) => {
      const d = JSON.parse(e.data);
      token = d.server + ":" + d.generation;
      if (d.all || d.files.includes(file)) location.reload();
    });
    es.addEventListener("css", (e) => {
      const d = JSON.parse(e.data);
      token = d.server + ":" + d.generation;
      swapCss(d.files.map((f) => d.base + f), d.generation);
    });
    es.onerror = () => {
      window.__genServe = "reconnecting";
      es.close();
      setTimeout(connect, 500);
    };
  };
  connect();
})();
"#;

/// A message to open pages.
#[derive(Debug, Clone, Serialize)]
pub struct LiveEvent {
    /// SSE event name: `reload` or `css`.
    #[serde(skip)]
    pub name: &'static str,
    /// Server instance.
    pub server: String,
    /// Build generation now served.
    pub generation: u64,
    /// Reload every page.
    pub all: bool,
    /// Changed files, site-relative (`2021/12/08/slug/index.html`, `css/site.css`).
    pub files: Vec<String>,
    /// The site's base path (`/` or `/news/`), for matching stylesheet URLs.
    pub base: String,
}

/// The tag injected into served HTML.
pub fn script_tag(file: &str, server: &str, generation: u64) -> String {
    format!(
        "<script src=\"/__gen/livereload.js\" data-gen-file=\"{}\" data-gen-server=\"{}\" data-gen-generation=\"{generation}\"></script>",
        crate::diagnostics::escape_html(file),
        crate::diagnostics::escape_html(server),
    )
}

/// The error overlay injected into served HTML while the last rebuild failed. Everything from
/// the diagnostics is escaped by [`crate::diagnostics::render_html`].
pub fn overlay(diags: &[crate::Diagnostic], have_build: bool) -> String {
    let note = if have_build {
        "The last change could not be built. You are seeing the last good build."
    } else {
        "The site could not be built."
    };
    format!(
        "<div id=\"gen-error-overlay\" role=\"alert\" style=\"position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:70vh;overflow:auto;margin:0;padding:1em 1.25em;background:#2b0b0b;color:#fff;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;border-bottom:3px solid #e5484d;text-align:start\" dir=\"ltr\"><p style=\"margin:0 0 .5em\"><strong>gen serve: build failed.</strong> {note}</p>{}<p style=\"margin:.5em 0 0\">Fix the file and save: this page reloads by itself.</p></div>",
        crate::diagnostics::render_html(diags)
    )
}

/// Inserts `extra` before the last `</body>` (any case), or at the end when there is none.
pub fn inject(html: &[u8], extra: &str) -> Vec<u8> {
    let needle = b"</body";
    let pos = html
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..pos]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_end() {
        let out = inject(b"<p>a</p></BODY></html>", "<x>");
        assert_eq!(out, b"<p>a</p><x></BODY></html>");
        assert_eq!(inject(b"<p>a</p>", "<x>"), b"<p>a</p><x>");
    }

    #[test]
    fn overlay_escapes_file_names() {
        let d =
            crate::Diagnostic::error("content/<img src=x onerror=alert(1)>.md", 3, 1, "bad <b>");
        let html = overlay(&[d], true);
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;.md"));
        let tag = script_tag("a\"b", "s", 1);
        assert!(tag.contains("a&quot;b"));
    }
}
