//! `gen build` end to end on fixture sites.
mod common;
use common::*;

#[test]
fn builds_an_article_page() {
    let f = Fixture::new(&[(
        "content/en/hello.md",
        &article(
            "title: Hello\ndate: 2021-12-08T10:00:00+03:00\nkicker: Deep concerns",
            "Body \"quoted\".",
        ),
    )]);
    f.build_ok();
    let doc = f.html("2021/12/08/hello/index.html");
    assert_eq!(text_of(&doc, "h1").as_deref(), Some("Hello"));
    assert_eq!(text_of(&doc, ".kicker").as_deref(), Some("Deep concerns"));
}
