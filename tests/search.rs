//! Site search: the index the build writes, decoded from the built example site with gen's own
//! reader (`gensite::search::decode_shard`), and (feature `external`) the search page in
//! Debian's headless Chromium, served by nginx under `/news/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use gensite::search::{Entry, decode_shard, rule_key};
use serde_json::Value;

#[cfg(feature = "external")]
mod webdriver;

fn build_example(out: &Path, base_url: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["build", "--quiet", "--root", env!("CARGO_MANIFEST_DIR")])
        .arg("--base-url")
        .arg(base_url)
        .arg("--output")
        .arg(out)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1800000000")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The decoded index of a built site.
struct Index {
    meta: Value,
    /// Language → every entry of its shards.
    langs: BTreeMap<String, BTreeMap<String, Entry>>,
    facets: BTreeMap<String, Entry>,
    docs: Vec<Value>,
}

fn read_shards(dir: &Path, firsts: &[Value]) -> BTreeMap<String, Entry> {
    let mut out = BTreeMap::new();
    for (n, first) in firsts.iter().enumerate() {
        let bytes = std::fs::read(dir.join(format!("{n}.bin"))).unwrap();
        let entries = decode_shard(&bytes).expect("a shard decodes to its end");
        assert_eq!(Some(entries[0].0.as_str()), first.as_str(), "shard {n}");
        for (k, e) in entries {
            assert!(out.insert(k, e).is_none(), "a key is in one shard");
        }
    }
    out
}

fn read_index(out: &Path) -> Index {
    let root = out.join("search-index");
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("meta.json")).unwrap()).unwrap();
    let mut langs = BTreeMap::new();
    for l in meta["languages"].as_array().unwrap() {
        let code = l["code"].as_str().unwrap();
        langs.insert(
            code.to_string(),
            read_shards(&root.join(code), l["shards"].as_array().unwrap()),
        );
    }
    let facets = read_shards(&root.join("facets"), meta["facets"].as_array().unwrap());
    let mut docs = Vec::new();
    let mut n = 0;
    while let Ok(text) = std::fs::read_to_string(root.join(format!("docs/{n}.json"))) {
        let v: Value = serde_json::from_str(&text).unwrap();
        docs.extend(v.as_array().unwrap().iter().cloned());
        n += 1;
    }
    Index {
        meta,
        langs,
        facets,
        docs,
    }
}

impl Index {
    /// What the script does for one word in one language: the alias, or the longest key.
    fn lookup(&self, lang: &str, word: &str) -> Vec<&str> {
        let keys = &self.langs[lang];
        let key = match keys.get(word).and_then(|e| e.alias.as_deref()) {
            Some(a) => Some(a),
            None => rule_key(word, |k| {
                keys.get(k).is_some_and(|e| !e.postings.is_empty())
            }),
        };
        let Some(key) = key else { return Vec::new() };
        keys[key]
            .postings
            .iter()
            .map(|&(d, _)| self.docs[d as usize]["u"].as_str().unwrap())
            .collect()
    }
}

#[test]
fn the_built_index_finds_inflected_words_in_their_language() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build_example(&out, "https://example.org/news/");
    let index = read_index(&out);
    assert_eq!(index.meta["version"], 1);
    assert_eq!(
        index.meta["docs"].as_u64().unwrap() as usize,
        index.docs.len()
    );
    // Every indexed article has a page in the output, and the site's languages are there.
    for d in &index.docs {
        let url = d["u"].as_str().unwrap();
        let rel = url
            .strip_prefix("/news/")
            .expect("URLs carry the base path");
        assert!(out.join(rel).join("index.html").is_file(), "{url}");
    }
    assert_eq!(
        index.langs.keys().collect::<Vec<_>>(),
        ["ar", "de", "en", "ru", "uk"]
    );

    // "плотина" never occurs in the Russian articles; "плотины", "плотину", "плотине" do.
    let ru = index.lookup("ru", "плотина");
    assert!(
        ru.iter()
            .any(|u| u.ends_with("/ru/2026/02/12/river-dam-inquiry/")),
        "{ru:?}"
    );
    assert!(ru.iter().all(|u| u.contains("/ru/")), "{ru:?}");
    // English stems: "dams" and "flooding" find the dam inquiry.
    let en = index.lookup("en", "dams");
    assert!(
        en.iter()
            .any(|u| u.ends_with("/2026/05/20/dam-inspectors-testify/")),
        "{en:?}"
    );
    assert!(!index.lookup("en", "flooding").is_empty());
    // Ukrainian: suffix stripping, so "гребля" and "греблею", which the article never uses
    // ("греблі", "греблю" it does), find it.
    for word in ["гребля", "греблею", "повенями"] {
        let uk = index.lookup("uk", word);
        assert!(
            uk.iter()
                .any(|u| u.ends_with("/uk/2026/02/14/river-dam-inquiry/")),
            "{word}: {uk:?}"
        );
    }
    // Stop words are not indexed.
    assert!(!index.langs["en"].contains_key("the"));
    assert!(!index.langs["ru"].contains_key("и"));

    // Headline words weigh more than body words: an article whose headline has the word
    // outranks one that only mentions it, in the same language.
    let olive = &index.langs["en"]["harvest"].postings;
    assert!(olive.len() >= 2, "{olive:?}");
    let best = olive.iter().max_by_key(|p| p.1).unwrap();
    assert!(
        index.docs[best.0 as usize]["h"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("harvest")
    );

    // Filters: a story lists exactly its indexed articles, in every language (terms.yaml
    // names it per language: one filter value), and each result names it in its language, as
    // facets.json does for readers of that language.
    let facets: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("search-index/facets.json")).unwrap(),
    )
    .unwrap();
    let value = facets["stories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v[0] == "stories/river-dam-inquiry/")
        .expect("the story is a filter value");
    assert_eq!(value[1], "River dam inquiry");
    assert_eq!(value[3]["ru"], "Расследование о плотине на Лесне");
    let story = &index.facets["stories/river-dam-inquiry/"].postings;
    assert!(story.len() >= 4, "{story:?}");
    assert_eq!(value[2], story.len());
    let mut langs = std::collections::BTreeSet::new();
    for &(d, _) in story {
        let doc = &index.docs[d as usize];
        let lang = doc["l"].as_str().unwrap();
        langs.insert(lang);
        let name = value[3].get(lang).unwrap_or(&value[1]);
        assert_eq!(&doc["s"], name, "{doc}");
    }
    assert!(langs.len() >= 2, "{langs:?}");
    for kind in ["authors", "outlets", "stories", "tags", "translators"] {
        assert!(
            facets[kind].as_array().is_some_and(|a| !a.is_empty()),
            "{kind}"
        );
    }

    // Results carry what the page shows; excerpts are short.
    for d in &index.docs {
        assert!(d["h"].as_str().is_some_and(|h| !h.is_empty()));
        assert!(d["t"].as_str().is_some());
        assert!(d["x"].as_str().unwrap().chars().count() <= 241, "{d}");
    }

    // The search pages: one per language, with the field, the filters and the no-script note.
    let page = std::fs::read_to_string(out.join("ru/search/index.html")).unwrap();
    let html = scraper::Html::parse_document(&page);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let form = html.select(&sel("form#search-form")).next().unwrap();
    assert_eq!(form.value().attr("action"), Some("/news/ru/search/"));
    assert_eq!(form.value().attr("data-index"), Some("/news/search-index/"));
    // Without JavaScript the page says why there are no results (html5ever reads <noscript>
    // as text, as a browser with scripting does).
    let noscript = html.select(&sel("noscript")).next().unwrap().inner_html();
    assert!(
        noscript.contains("search-nojs") && noscript.contains("JavaScript"),
        "{noscript}"
    );
    assert!(html.select(&sel("select#search-story")).next().is_some());
    // Every other page has the header's field, submitting to its language's search page.
    let home = std::fs::read_to_string(out.join("ar/index.html")).unwrap();
    let home = scraper::Html::parse_document(&home);
    let field = home.select(&sel("form.header-search")).next().unwrap();
    assert_eq!(field.value().attr("action"), Some("/news/ar/search/"));
}

#[test]
fn search_off_writes_no_index_and_no_search_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("src");
    std::fs::create_dir_all(site.join("content/en")).unwrap();
    std::fs::write(
        site.join("site.toml"),
        "title = \"Desk\"\nbase_url = \"https://desk.example/\"\n[languages.en]\nname = \"English\"\n[search]\nenabled = false\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/en/port.md"),
        "---\ntitle: Port strike\ndate: 2024-01-05\n---\nDockers.\n",
    )
    .unwrap();
    let out: PathBuf = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["build", "--quiet", "--root"])
        .arg(&site)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.join("search-index").exists());
    assert!(!out.join("search").exists());
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!home.contains("header-search"), "{home}");

    // An unknown key and an undeclared language are configuration errors.
    for bad in [
        "[search]\nbodies = true\n",
        "[search]\nlanguages = [\"xx\"]\n",
    ] {
        std::fs::write(
            site.join("site.toml"),
            format!("title = \"Desk\"\nbase_url = \"https://desk.example/\"\n[languages.en]\nname = \"English\"\n{bad}"),
        )
        .unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_gen"))
            .args(["build", "--quiet", "--root"])
            .arg(&site)
            .arg("--output")
            .arg(&out)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(!o.status.success(), "{bad}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("site.toml"), "{err}");
    }
}

#[cfg(feature = "external")]
mod browser {
    use super::*;
    use std::net::{SocketAddr, TcpStream};
    use std::process::{Child, Stdio};
    use std::time::{Duration, Instant};
    use webdriver::Browser;

    struct Nginx(Child);

    impl Drop for Nginx {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    /// nginx serving `out` under `/news/`, as docs/deploy.md configures it.
    fn nginx(tmp: &Path, out: &Path, port: u16) -> Nginx {
        let t = tmp.display();
        let conf = format!(
            r#"master_process off;
worker_processes 1;
pid {t}/nginx.pid;
error_log {t}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {t}/access.log;
    client_body_temp_path {t}/body;
    proxy_temp_path {t}/proxy;
    fastcgi_temp_path {t}/fastcgi;
    uwsgi_temp_path {t}/uwsgi;
    scgi_temp_path {t}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        location /news/ {{
            alias {out}/;
            error_page 404 /news/404.html;
        }}
    }}
}}
"#,
            out = out.display()
        );
        let path = tmp.join("nginx.conf");
        std::fs::write(&path, conf).unwrap();
        let child = Command::new("/usr/sbin/nginx")
            .arg("-c")
            .arg(&path)
            .arg("-p")
            .arg(tmp)
            .args(["-g", "daemon off;"])
            .stdin(Stdio::null())
            .spawn()
            .expect("start /usr/sbin/nginx (apt-get install nginx)");
        let n = Nginx(child);
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let start = Instant::now();
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "nginx did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        n
    }

    fn requests(browser: &Browser) -> Vec<String> {
        browser
            .log("performance")
            .into_iter()
            .filter(|m| m["message"]["method"] == "Network.requestWillBeSent")
            .filter_map(|m| {
                m["message"]["params"]["request"]["url"]
                    .as_str()
                    .map(str::to_string)
            })
            .collect()
    }

    /// The results' URLs once the status line says the search is done and the list, no
    /// longer busy, holds the first page (the count comes before the titles are fetched).
    fn results(browser: &Browser) -> Vec<String> {
        browser.wait_for(
            "search results",
            "const s = document.getElementById('search-status').textContent; \
             return s !== '' && !s.endsWith('…') \
               && document.getElementById('search-results').getAttribute('aria-busy') !== 'true'",
        );
        let v = browser.js(
            "return [...document.querySelectorAll('#search-results h2 a')].map(a => a.getAttribute('href'))",
        );
        v.as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn search_page_under_news_on_nginx_finds_stems_filters_and_stays_on_the_host() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::set_permissions(
            tmp.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
        let out = tmp.path().join("site");
        let port = webdriver::free_port();
        let own = format!("http://127.0.0.1:{port}/");
        let base = format!("{own}news/");
        build_example(&out, &base);
        let _nginx = nginx(tmp.path(), &out, port);
        let browser = Browser::start_with(
            &["--window-size=1280,900"],
            serde_json::json!({"goog:loggingPrefs": {"performance": "ALL"}}),
        );

        // Only the site's requests: what came before (the new-tab page) is read and dropped.
        browser.goto("about:blank");
        requests(&browser);
        // From the Russian home page's header field, typed and submitted with the keyboard.
        browser.goto(&format!("{base}ru/"));
        browser.click("#header-q");
        browser.post(
            &format!("/element/{}/value", browser.find("#header-q")),
            &serde_json::json!({"text": "плотина"}),
        );
        browser.press("\u{E007}");
        browser.wait_for(
            "the search page",
            "return location.pathname === '/news/ru/search/'",
        );
        let found = results(&browser);
        assert!(
            found
                .iter()
                .any(|u| u == "/news/ru/2026/02/12/river-dam-inquiry/"),
            "плотина: {found:?}"
        );
        assert!(
            found.iter().all(|u| u.starts_with("/news/ru/")),
            "{found:?}"
        );
        // The match is highlighted in another form of the word.
        let marks = browser.js(
            "return [...document.querySelectorAll('#search-results mark')].map(m => m.textContent.toLowerCase())",
        );
        assert!(
            marks
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m.as_str().unwrap().starts_with("плотин")),
            "{marks}"
        );

        // English, on the English search page.
        browser.goto(&format!("{base}search/?q=olives"));
        let found = results(&browser);
        assert_eq!(
            found.first().map(String::as_str),
            Some("/news/2026/11/18/drought-olive-harvest/"),
            "olives: {found:?}"
        );

        // "harvest" finds articles of two stories; the story filter keeps one.
        browser.goto(&format!("{base}search/?q=harvest"));
        let all = results(&browser);
        assert!(all.len() >= 2, "harvest: {all:?}");
        browser.goto(&format!(
            "{base}search/?q=harvest&story=stories%2Fwater-shortages%2F"
        ));
        let narrowed = results(&browser);
        assert!(
            !narrowed.is_empty() && narrowed.len() < all.len(),
            "{narrowed:?} of {all:?}"
        );
        assert!(narrowed.iter().all(|u| all.contains(u)));
        // The filter's list was loaded and names the story.
        browser.wait_for(
            "the story list",
            "return document.querySelector('#search-story').selectedOptions[0].textContent.startsWith('Water')",
        );
        // On the Russian page the same filter value is named as terms.yaml names it in Russian.
        browser.goto(&format!(
            "{base}ru/search/?q=плотина&story=stories%2Friver-dam-inquiry%2F"
        ));
        assert!(!results(&browser).is_empty());
        browser.wait_for(
            "the Russian story list",
            "return document.querySelector('#search-story').selectedOptions[0].textContent.startsWith('Расследование о плотине')",
        );

        // Every request went to the site's own host (the browser's own favicon.ico too).
        let seen = requests(&browser);
        assert!(
            seen.iter().any(|u| u.contains("/news/search-index/ru/")),
            "{seen:?}"
        );
        let elsewhere: Vec<&String> = seen
            .iter()
            .filter(|u| !u.starts_with(&own) && !u.starts_with("data:"))
            .collect();
        assert!(elsewhere.is_empty(), "requests elsewhere: {elsewhere:?}");

        // Arabic: right to left, results in Arabic.
        browser.goto(&format!("{base}ar/search/?q=القمح"));
        let found = results(&browser);
        assert!(!found.is_empty(), "القمح");
        assert_eq!(browser.js("return document.documentElement.dir"), "rtl");
    }
}
