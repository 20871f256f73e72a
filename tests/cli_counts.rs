//! Every count the CLI prints agrees with its noun: "1 article", "2 articles", "1 file
//! written", "1 day later", "2 cards (room for 3)".
mod common;
use common::*;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn one_article() -> Fixture {
    Fixture::new(&[
        (
            "content/en/a.md",
            &article("title: A\ndate: 2021-12-08\ntags: [dams]", "Dam text."),
        ),
        ("static/notes.txt", "first"),
    ])
}

#[test]
fn build_counts() {
    let f = one_article();
    let out = stdout(&f.build_ok());
    assert!(out.starts_with("Built 1 article and "), "{out}");
    assert!(out.contains(" pages into "), "{out}");
    // Only the static file changed: one file written.
    f.write("static/notes.txt", "second");
    let out = stdout(&f.build_ok());
    assert!(out.contains(": 1 file written, "), "{out}");
    f.write(
        "content/en/b.md",
        &article("title: B\ndate: 2021-12-09", "Other text."),
    );
    let out = stdout(&f.build_ok());
    assert!(out.starts_with("Built 2 articles and "), "{out}");
    assert!(out.contains(" files written, "), "{out}");

    // Failed builds: one error, two errors.
    f.write("content/en/c.md", &article("date: 2021-12-09", "No title."));
    let o = f.run(&["build"]);
    assert!(
        stderr(&o).contains("build failed: 1 error;"),
        "{}",
        stderr(&o)
    );
    f.write("content/en/d.md", &article("date: 2021-12-09", "No title."));
    let o = f.run(&["build"]);
    assert!(
        stderr(&o).contains("build failed: 2 errors;"),
        "{}",
        stderr(&o)
    );
    let o = f.run(&["check"]);
    assert!(
        stderr(&o).contains("check failed: 2 errors, 0 warnings"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_counts() {
    let f = Fixture::new(&[
        (
            "content/en/a.md",
            &article("title: A\ndate: 2021-12-08", "See [the other](b.md)."),
        ),
        (
            "content/en/b.md",
            &article("title: B\ndate: 2021-12-07", "Text."),
        ),
    ]);
    let o = f.run(&["check"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.starts_with("check passed: "), "{out}");
    assert!(out.contains(" pages and "), "{out}");
    assert!(
        out.contains(" internal links checked, no errors, 0 warnings"),
        "{out}"
    );
}

/// Three articles sharing a tag, one and two days apart; one more sharing nothing.
fn related_site(count: Option<usize>) -> Fixture {
    let extra = count.map_or(String::new(), |n| format!("\nrelated_count: {n}"));
    Fixture::new(&[
        (
            "content/en/a.md",
            &article(
                &format!(
                    "title: Dam inquiry opens\ndate: 2021-12-08T10:00:00Z\ntags: [dams]{extra}"
                ),
                "The dam inquiry heard engineers.",
            ),
        ),
        (
            "content/en/b.md",
            &article(
                "title: Dam inquiry hears residents\ndate: 2021-12-09T10:00:00Z\ntags: [dams]",
                "Residents told the dam inquiry about floods.",
            ),
        ),
        (
            "content/en/c.md",
            &article(
                "title: Dam inquiry closes\ndate: 2021-12-10T10:00:00Z\ntags: [dams]",
                "The dam inquiry closed its hearings.",
            ),
        ),
        (
            "content/en/d.md",
            &article(
                "title: Opera season\ndate: 2021-12-11T10:00:00Z",
                "Singers rehearse arias.",
            ),
        ),
    ])
}

#[test]
fn related_counts() {
    let f = related_site(None);
    let o = f.run(&["related", "content/en/a.md"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    // Three cards wanted (the default), two related articles to show.
    assert!(
        out.contains("\nCards on the page: 2 of 3 (0 pinned"),
        "{out}"
    );
    assert!(out.contains("(1 day later)"), "{out}");
    assert!(out.contains("(2 days later)"), "{out}");
    let o = f.run(&["related", "content/en/c.md"]);
    let out = stdout(&o);
    assert!(out.contains("(1 day earlier)"), "{out}");
    assert!(out.contains("(2 days earlier)"), "{out}");

    let f = related_site(Some(1));
    let out = stdout(&f.run(&["related", "content/en/a.md"]));
    assert!(
        out.contains("\nCards on the page: 1 of 1 (0 pinned"),
        "{out}"
    );
    let f = related_site(Some(2));
    let out = stdout(&f.run(&["related", "content/en/a.md"]));
    assert!(
        out.contains("\nCards on the page: 2 of 2 (0 pinned"),
        "{out}"
    );
}

#[test]
fn serve_counts() {
    let f = one_article();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["serve", "--port", "0", "--debounce", "30", "--root"])
        .arg(f.root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let err = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut seen = Vec::new();
    let mut wait_for = |prefix: &str| -> String {
        let deadline = Instant::now() + Duration::from_secs(120);
        while let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            seen.push(line.clone());
            if line.starts_with(prefix) {
                return line;
            }
        }
        panic!(
            "no line starting with {prefix:?}; stderr:\n{}",
            seen.join("\n")
        );
    };
    let built = wait_for("Built ");
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        assert!(built.starts_with("Built 1 article, "), "{built}");
        assert!(built.contains(" pages in "), "{built}");
        // A static file changed: one file written.
        std::thread::sleep(Duration::from_millis(300));
        f.write("static/notes.txt", "second");
        let rebuilt = wait_for("rebuilt ");
        assert!(rebuilt.contains(", 1 file written, "), "{rebuilt}");
        // A body changed: its page and the lists and feeds showing it.
        f.write(
            "content/en/a.md",
            &article("title: A\ndate: 2021-12-08\ntags: [dams]", "New dam text."),
        );
        let rebuilt = wait_for("rebuilt ");
        assert!(rebuilt.contains(" pages rendered, "), "{rebuilt}");
        assert!(rebuilt.contains(" files written, "), "{rebuilt}");
    }));
    let _ = child.kill();
    let _ = child.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
