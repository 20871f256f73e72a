//! Recognizes links to services whose posts, videos, audio, maps and documents a page may embed,
//! and says what the reader's click loads. The built page never loads anything from the
//! service: it holds a card with a plain link (see `shortcodes/embed.html` of the theme), and the
//! theme's `embeds.js` puts the frame named by [`Embed::src`] in its place only when the reader
//! asks. Frames use each service's privacy-enhanced or script-free address where one exists.
//!
//! Nothing here touches the network: every form is read from the URL alone, so forms that need
//! the service to resolve them (`youtu.be` is fine, `maps.app.goo.gl` short links are not) stay
//! plain links.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use url::Url;

/// A service gen knows how to embed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    YouTube,
    Vimeo,
    Telegram,
    X,
    Instagram,
    Bluesky,
    Facebook,
    SoundCloud,
    Spotify,
    GoogleMaps,
    OpenStreetMap,
    DocumentCloud,
    /// A PDF file of the article's own page bundle.
    Pdf,
}

impl Service {
    /// Every service, for messages.
    pub const ALL: [Service; 13] = [
        Service::YouTube,
        Service::Vimeo,
        Service::Telegram,
        Service::X,
        Service::Instagram,
        Service::Bluesky,
        Service::Facebook,
        Service::SoundCloud,
        Service::Spotify,
        Service::GoogleMaps,
        Service::OpenStreetMap,
        Service::DocumentCloud,
        Service::Pdf,
    ];

    /// Stable identifier: CSS class, `data-embed`, and the key readers' choices are remembered
    /// under.
    pub fn id(self) -> &'static str {
        match self {
            Service::YouTube => "youtube",
            Service::Vimeo => "vimeo",
            Service::Telegram => "telegram",
            Service::X => "x",
            Service::Instagram => "instagram",
            Service::Bluesky => "bluesky",
            Service::Facebook => "facebook",
            Service::SoundCloud => "soundcloud",
            Service::Spotify => "spotify",
            Service::GoogleMaps => "googlemaps",
            Service::OpenStreetMap => "openstreetmap",
            Service::DocumentCloud => "documentcloud",
            Service::Pdf => "pdf",
        }
    }

    /// The service's own name, the same in every language.
    pub fn name(self) -> &'static str {
        match self {
            Service::YouTube => "YouTube",
            Service::Vimeo => "Vimeo",
            Service::Telegram => "Telegram",
            Service::X => "X",
            Service::Instagram => "Instagram",
            Service::Bluesky => "Bluesky",
            Service::Facebook => "Facebook",
            Service::SoundCloud => "SoundCloud",
            Service::Spotify => "Spotify",
            Service::GoogleMaps => "Google Maps",
            Service::OpenStreetMap => "OpenStreetMap",
            Service::DocumentCloud => "DocumentCloud",
            Service::Pdf => "PDF",
        }
    }
}

/// The shape of the frame, so the page keeps its place when it loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// 16:9 video.
    Wide,
    /// 9:16 video (YouTube Shorts, reels).
    Tall,
    /// A post: a fixed starting height the service's frame may change by a resize message.
    Post,
    /// A player bar (SoundCloud, Spotify).
    Audio,
    /// A map, 4:3.
    Map,
    /// A document viewer.
    Document,
}

/// One embeddable item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Embed {
    /// The service.
    pub service: Service,
    /// The link the card shows (tracking parameters removed), which works with JavaScript off.
    pub url: String,
    /// What the reader's click loads in a frame.
    pub src: String,
    /// The frame's shape.
    pub shape: Shape,
}

impl Embed {
    fn new(service: Service, url: String, src: String, shape: Shape) -> Option<Embed> {
        Some(Embed {
            service,
            url,
            src,
            shape,
        })
    }
}

/// The embed a link names, if it names an item of a known service. `dest` is the link as
/// written; a relative link ending in `.pdf` is a PDF of the page bundle.
pub fn recognize(dest: &str) -> Option<Embed> {
    let dest = dest.trim();
    if is_bundle_pdf(dest) {
        return Embed::new(
            Service::Pdf,
            dest.to_string(),
            dest.to_string(),
            Shape::Document,
        );
    }
    let u = Url::parse(dest).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    let host = u.host_str()?.to_ascii_lowercase();
    let host = host.strip_suffix('.').unwrap_or(&host);
    let bare = host.strip_prefix("www.").unwrap_or(host);
    let segs: Vec<&str> = u
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    match bare {
        "youtube.com"
        | "m.youtube.com"
        | "music.youtube.com"
        | "youtube-nocookie.com"
        | "youtu.be" => youtube(bare, &u, &segs),
        "vimeo.com" | "player.vimeo.com" => vimeo(&segs),
        "t.me" | "telegram.me" => telegram(&segs),
        "x.com" | "twitter.com" | "mobile.twitter.com" | "mobile.x.com" => x(&segs),
        "instagram.com" | "m.instagram.com" => instagram(&segs),
        "bsky.app" => bluesky(&segs),
        "facebook.com" | "m.facebook.com" | "web.facebook.com" | "mbasic.facebook.com" => {
            facebook(&u, &segs)
        }
        "soundcloud.com" | "m.soundcloud.com" => soundcloud(&segs),
        "open.spotify.com" => spotify(&segs),
        "openstreetmap.org" => openstreetmap(&u),
        "documentcloud.org" | "embed.documentcloud.org" | "beta.documentcloud.org" => {
            documentcloud(&segs)
        }
        _ if is_google(bare) => google_maps(bare, &u, &segs),
        _ => None,
    }
}

/// A relative link to a `.pdf` beside the article (not `/…`, `../…` or any scheme).
fn is_bundle_pdf(dest: &str) -> bool {
    let path = dest.split(['?', '#']).next().unwrap_or("");
    !path.contains(':')
        && !path.starts_with('/')
        && !path.split('/').any(|s| s == "..")
        && path.len() > 4
        && path.to_ascii_lowercase().ends_with(".pdf")
}

fn query<'a>(u: &'a Url, key: &str) -> Option<std::borrow::Cow<'a, str>> {
    u.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

fn is_id(s: &str, min: usize, max: usize, extra: &[char]) -> bool {
    (min..=max).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
}

fn youtube(host: &str, u: &Url, segs: &[&str]) -> Option<Embed> {
    let (id, tall) = match (host, segs) {
        ("youtu.be", [id, ..]) => (id.to_string(), false),
        (_, ["watch"]) => (query(u, "v")?.into_owned(), false),
        (_, ["shorts", id, ..]) => (id.to_string(), true),
        (_, ["live" | "embed" | "v" | "e", id, ..]) => (id.to_string(), false),
        _ => return None,
    };
    if !is_id(&id, 11, 11, &['-', '_']) {
        return None;
    }
    let start = query(u, "t")
        .or_else(|| query(u, "start"))
        .and_then(|t| seconds(&t))
        .filter(|&s| s > 0);
    let (url, shape) = if tall {
        (format!("https://www.youtube.com/shorts/{id}"), Shape::Tall)
    } else {
        let t = start.map(|s| format!("&t={s}s")).unwrap_or_default();
        (
            format!("https://www.youtube.com/watch?v={id}{t}"),
            Shape::Wide,
        )
    };
    let start = start.map(|s| format!("&start={s}")).unwrap_or_default();
    Embed::new(
        Service::YouTube,
        url,
        format!("https://www.youtube-nocookie.com/embed/{id}?autoplay=1{start}"),
        shape,
    )
}

/// `90`, `90s`, `1m30s`, `1h2m3s` → seconds.
fn seconds(t: &str) -> Option<u32> {
    if let Ok(n) = t.parse::<u32>() {
        return Some(n);
    }
    let mut total = 0u32;
    let mut n = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            n.push(c);
            continue;
        }
        let v: u32 = n.parse().ok()?;
        n.clear();
        total += v * match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
    }
    n.is_empty().then_some(total)
}

fn vimeo(segs: &[&str]) -> Option<Embed> {
    let (id, hash) = match segs {
        ["video", id, ..] => (*id, None),
        [id] => (*id, None),
        [id, hash] if id.chars().all(|c| c.is_ascii_digit()) => (*id, Some(*hash)),
        ["channels", _, id] | ["groups", _, "videos", id] => (*id, None),
        _ => return None,
    };
    if !id.chars().all(|c| c.is_ascii_digit()) || id.is_empty() {
        return None;
    }
    let hash = hash.filter(|h| is_id(h, 6, 20, &[]));
    let url = match hash {
        Some(h) => format!("https://vimeo.com/{id}/{h}"),
        None => format!("https://vimeo.com/{id}"),
    };
    let h = hash.map(|h| format!("&h={h}")).unwrap_or_default();
    Embed::new(
        Service::Vimeo,
        url,
        format!("https://player.vimeo.com/video/{id}?dnt=1&autoplay=1{h}"),
        Shape::Wide,
    )
}

fn telegram(segs: &[&str]) -> Option<Embed> {
    let (channel, post) = match segs {
        ["s", c, p] | [c, p] => (*c, *p),
        _ => return None,
    };
    if channel == "c" || !is_id(channel, 4, 32, &['_']) || !is_id(post, 1, 12, &[]) {
        return None;
    }
    post.parse::<u64>().ok()?;
    Embed::new(
        Service::Telegram,
        format!("https://t.me/{channel}/{post}"),
        format!("https://t.me/{channel}/{post}?embed=1"),
        Shape::Post,
    )
}

fn x(segs: &[&str]) -> Option<Embed> {
    let (user, id) = match segs {
        [user, "status" | "statuses", id, ..] => (*user, *id),
        ["i", "web", "status", id, ..] => ("i", *id),
        _ => return None,
    };
    if !is_id(user, 1, 15, &['_']) || !is_id(id, 1, 20, &[]) || id.parse::<u64>().is_err() {
        return None;
    }
    let url = if user == "i" {
        format!("https://x.com/i/web/status/{id}")
    } else {
        format!("https://x.com/{user}/status/{id}")
    };
    Embed::new(
        Service::X,
        url,
        format!("https://platform.twitter.com/embed/Tweet.html?id={id}&dnt=true"),
        Shape::Post,
    )
}

fn instagram(segs: &[&str]) -> Option<Embed> {
    let (kind, code) = match segs {
        [k @ ("p" | "reel" | "reels" | "tv"), code, ..] => (*k, *code),
        [_user, k @ ("p" | "reel"), code, ..] => (*k, *code),
        _ => return None,
    };
    if !is_id(code, 5, 40, &['-', '_']) {
        return None;
    }
    let kind = if kind == "reels" { "reel" } else { kind };
    Embed::new(
        Service::Instagram,
        format!("https://www.instagram.com/{kind}/{code}/"),
        format!("https://www.instagram.com/{kind}/{code}/embed/"),
        if kind == "p" {
            Shape::Post
        } else {
            Shape::Tall
        },
    )
}

fn bluesky(segs: &[&str]) -> Option<Embed> {
    let ["profile", who, "post", rkey] = segs else {
        return None;
    };
    let who_ok = who.starts_with("did:")
        || (who.contains('.')
            && who
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'));
    if !who_ok || !is_id(rkey, 4, 20, &[]) {
        return None;
    }
    Embed::new(
        Service::Bluesky,
        format!("https://bsky.app/profile/{who}/post/{rkey}"),
        format!("https://embed.bsky.app/embed/{who}/app.bsky.feed.post/{rkey}"),
        Shape::Post,
    )
}

fn facebook(u: &Url, segs: &[&str]) -> Option<Embed> {
    let (url, video) = match segs {
        [page, "posts", id, ..] if is_id(page, 1, 80, &['.', '-', '_']) => {
            (format!("https://www.facebook.com/{page}/posts/{id}"), false)
        }
        [page, "videos", .., id] if id.chars().all(|c| c.is_ascii_digit()) => {
            (format!("https://www.facebook.com/{page}/videos/{id}"), true)
        }
        ["watch"] => (
            format!(
                "https://www.facebook.com/watch/?v={}",
                digits(query(u, "v")?)?
            ),
            true,
        ),
        ["reel", id] if id.chars().all(|c| c.is_ascii_digit()) => {
            (format!("https://www.facebook.com/reel/{id}"), true)
        }
        ["permalink.php" | "story.php"] => (
            format!(
                "https://www.facebook.com/permalink.php?story_fbid={}&id={}",
                enc(&query(u, "story_fbid")?),
                digits(query(u, "id")?)?
            ),
            false,
        ),
        _ => return None,
    };
    let plugin = if video { "video" } else { "post" };
    let src = format!(
        "https://www.facebook.com/plugins/{plugin}.php?href={}",
        enc(&url)
    );
    Embed::new(
        Service::Facebook,
        url,
        src,
        if video { Shape::Wide } else { Shape::Post },
    )
}

fn digits(s: std::borrow::Cow<'_, str>) -> Option<String> {
    (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())).then(|| s.into_owned())
}

fn soundcloud(segs: &[&str]) -> Option<Embed> {
    let path = match segs {
        [user, "sets", set] => format!("{user}/sets/{set}"),
        [user, track] if !matches!(*track, "tracks" | "sets" | "likes" | "reposts") => {
            format!("{user}/{track}")
        }
        _ => return None,
    };
    if !path.split('/').all(|s| is_id(s, 1, 120, &['-', '_'])) {
        return None;
    }
    let url = format!("https://soundcloud.com/{path}");
    Embed::new(
        Service::SoundCloud,
        url.clone(),
        format!(
            "https://w.soundcloud.com/player/?url={}&visual=false&auto_play=true",
            enc(&url)
        ),
        Shape::Audio,
    )
}

fn spotify(segs: &[&str]) -> Option<Embed> {
    let segs = match segs {
        [first, rest @ ..] if first.starts_with("intl-") => rest,
        s => s,
    };
    let [
        kind @ ("track" | "album" | "playlist" | "episode" | "show" | "artist"),
        id,
    ] = segs
    else {
        return None;
    };
    if !is_id(id, 22, 22, &[]) {
        return None;
    }
    Embed::new(
        Service::Spotify,
        format!("https://open.spotify.com/{kind}/{id}"),
        format!("https://open.spotify.com/embed/{kind}/{id}"),
        Shape::Audio,
    )
}

/// `google.com`, `google.de`, `google.co.uk`, `maps.google.com`…
fn is_google(host: &str) -> bool {
    let h = host.strip_prefix("maps.").unwrap_or(host);
    let Some(tld) = h.strip_prefix("google.") else {
        return false;
    };
    let tld = tld
        .strip_prefix("co.")
        .or(tld.strip_prefix("com."))
        .unwrap_or(tld);
    (2..=3).contains(&tld.len()) && tld.chars().all(|c| c.is_ascii_lowercase())
}

fn google_maps(host: &str, u: &Url, segs: &[&str]) -> Option<Embed> {
    let on_maps_host = host.starts_with("maps.");
    let rest: &[&str] = match segs {
        ["maps", rest @ ..] => rest,
        rest if on_maps_host => rest,
        _ => return None,
    };
    // `@50.45,30.52,12z` (or `…,1200m` for satellite views).
    let at = rest.iter().find_map(|s| s.strip_prefix('@'));
    let (center, zoom) = match at {
        Some(at) => {
            let parts: Vec<&str> = at.split(',').collect();
            let lat: f64 = parts.first()?.parse().ok()?;
            let lng: f64 = parts.get(1)?.parse().ok()?;
            let zoom = parts
                .get(2)
                .and_then(|z| z.strip_suffix('z'))
                .and_then(|z| z.parse::<f64>().ok())
                .map_or(14, |z| z.round().clamp(1.0, 21.0) as u32);
            (Some(format!("{lat},{lng}")), zoom)
        }
        None => (None, 14),
    };
    let place = match rest {
        ["place" | "search", name, ..] => Some(name.replace('+', " ")),
        _ => None,
    };
    let q = query(u, "q").map(|q| q.into_owned());
    let what = place
        .map(|p| {
            percent_encoding::percent_decode_str(&p)
                .decode_utf8_lossy()
                .into_owned()
        })
        .or(q)
        .or(center.clone())?;
    if what.trim().is_empty() {
        return None;
    }
    let mut url = format!(
        "https://www.google.com/maps/search/?api=1&query={}",
        enc(&what)
    );
    if let Some(c) = &center {
        url = format!("https://www.google.com/maps/@{c},{zoom}z");
        if what != *c {
            url = format!(
                "https://www.google.com/maps/search/?api=1&query={}&center={}&zoom={zoom}",
                enc(&what),
                enc(c)
            );
        }
    }
    let ll = center
        .map(|c| format!("&ll={}", enc(&c)))
        .unwrap_or_default();
    Embed::new(
        Service::GoogleMaps,
        url,
        format!(
            "https://maps.google.com/maps?q={}{ll}&z={zoom}&output=embed",
            enc(&what)
        ),
        Shape::Map,
    )
}

fn openstreetmap(u: &Url) -> Option<Embed> {
    // `#map=12/50.4501/30.5234`, with an optional `?mlat=…&mlon=…` marker.
    let frag = u.fragment().unwrap_or("");
    let map = frag
        .split('&')
        .find_map(|p| p.strip_prefix("map="))
        .map(|m| m.split('/').collect::<Vec<_>>());
    let marker = match (query(u, "mlat"), query(u, "mlon")) {
        (Some(a), Some(o)) => Some((a.parse::<f64>().ok()?, o.parse::<f64>().ok()?)),
        _ => None,
    };
    let (zoom, lat, lon) = match (map.as_deref(), marker) {
        (Some([z, a, o]), _) => (
            z.parse::<u32>().ok()?.clamp(1, 19),
            a.parse::<f64>().ok()?,
            o.parse::<f64>().ok()?,
        ),
        (_, Some((a, o))) => (15, a, o),
        _ => return None,
    };
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return None;
    }
    // A box about 640 × 480 pixels of tiles at that zoom.
    let half_lon = 640.0 / 256.0 * 360.0 / f64::from(1u32 << zoom) / 2.0;
    let half_lat = half_lon * 0.75 * lat.to_radians().cos();
    let r = |v: f64| (v * 1e5).round() / 1e5;
    let bbox = format!(
        "{},{},{},{}",
        r(lon - half_lon),
        r(lat - half_lat),
        r(lon + half_lon),
        r(lat + half_lat)
    );
    let mut url = format!("https://www.openstreetmap.org/#map={zoom}/{lat}/{lon}");
    let mut src = format!(
        "https://www.openstreetmap.org/export/embed.html?bbox={}&layer=mapnik",
        enc(&bbox)
    );
    if let Some((a, o)) = marker {
        url = format!("https://www.openstreetmap.org/?mlat={a}&mlon={o}#map={zoom}/{lat}/{lon}");
        src.push_str(&format!("&marker={}", enc(&format!("{a},{o}"))));
    }
    Embed::new(Service::OpenStreetMap, url, src, Shape::Map)
}

fn documentcloud(segs: &[&str]) -> Option<Embed> {
    let ["documents", doc, ..] = segs else {
        return None;
    };
    let doc = doc.strip_suffix(".html").unwrap_or(doc);
    let (id, _) = doc.split_once('-').unwrap_or((doc, ""));
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) || !is_id(doc, 1, 200, &['-', '_'])
    {
        return None;
    }
    Embed::new(
        Service::DocumentCloud,
        format!("https://www.documentcloud.org/documents/{doc}"),
        format!("https://embed.documentcloud.org/documents/{doc}/?embed=1&responsive=1"),
        Shape::Document,
    )
}

/// The hosts a service's frame loads from, for tests and documentation.
pub fn frame_host(e: &Embed) -> Option<String> {
    Url::parse(&e.src).ok()?.host_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(u: &str) -> Embed {
        recognize(u).unwrap_or_else(|| panic!("not recognized: {u}"))
    }

    #[track_caller]
    fn same(forms: &[&str], service: Service, url: &str, src: &str) {
        for f in forms {
            let e = r(f);
            assert_eq!(e.service, service, "{f}");
            assert_eq!(e.url, url, "{f}");
            assert_eq!(e.src, src, "{f}");
        }
    }

    #[test]
    fn youtube_forms() {
        same(
            &[
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                "https://youtube.com/watch?v=dQw4w9WgXcQ&feature=share",
                "http://m.youtube.com/watch?v=dQw4w9WgXcQ&pp=ygUEdGVzdA%3D%3D",
                "https://music.youtube.com/watch?v=dQw4w9WgXcQ&list=RDAMVM",
                "https://youtu.be/dQw4w9WgXcQ?si=AbCdEfGhIjKlMnOp",
                "https://www.youtube.com/watch?app=desktop&v=dQw4w9WgXcQ&utm_source=x",
                "https://www.youtube.com/live/dQw4w9WgXcQ?si=xyz",
                "https://www.youtube.com/embed/dQw4w9WgXcQ",
                "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
                "https://WWW.YOUTUBE.COM./watch?v=dQw4w9WgXcQ",
            ],
            Service::YouTube,
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
        );
        same(
            &[
                "https://youtu.be/dQw4w9WgXcQ?t=90",
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s",
                "https://youtu.be/dQw4w9WgXcQ?si=abc&t=90s",
                "https://www.youtube.com/embed/dQw4w9WgXcQ?start=90",
            ],
            Service::YouTube,
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90s",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&start=90",
        );
        assert_eq!(seconds("1h2m3s"), Some(3723));
        let s = r("https://youtube.com/shorts/aBcDeFgHiJk?si=q1w2e3");
        assert_eq!(s.url, "https://www.youtube.com/shorts/aBcDeFgHiJk");
        assert_eq!(s.shape, Shape::Tall);
        assert_eq!(frame_host(&s).as_deref(), Some("www.youtube-nocookie.com"));
        for no in [
            "https://www.youtube.com/watch?v=short",
            "https://www.youtube.com/@channel",
            "https://www.youtube.com/playlist?list=PL123",
            "https://youtu.be/",
            "https://notyoutube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
            "ftp://youtube.com/watch?v=dQw4w9WgXcQ",
        ] {
            assert_eq!(recognize(no), None, "{no}");
        }
    }

    #[test]
    fn vimeo_forms() {
        same(
            &[
                "https://vimeo.com/76979871",
                "https://www.vimeo.com/76979871?share=copy",
                "https://player.vimeo.com/video/76979871",
                "https://vimeo.com/channels/staffpicks/76979871",
            ],
            Service::Vimeo,
            "https://vimeo.com/76979871",
            "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1",
        );
        let h = r("https://vimeo.com/76979871/8272103f6e");
        assert_eq!(
            h.src,
            "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1&h=8272103f6e"
        );
        assert_eq!(recognize("https://vimeo.com/about"), None);
    }

    #[test]
    fn telegram_forms() {
        same(
            &[
                "https://t.me/meduzalive/101234",
                "https://t.me/s/meduzalive/101234",
                "https://telegram.me/meduzalive/101234?single",
                "http://www.t.me/meduzalive/101234",
            ],
            Service::Telegram,
            "https://t.me/meduzalive/101234",
            "https://t.me/meduzalive/101234?embed=1",
        );
        for no in [
            "https://t.me/meduzalive",
            "https://t.me/c/1234567/89",
            "https://t.me/joinchat/AAAA",
            "https://t.me/abc/1",
        ] {
            assert_eq!(recognize(no), None, "{no}");
        }
    }

    #[test]
    fn x_forms() {
        same(
            &[
                "https://x.com/Reuters/status/1790000000000000001",
                "https://twitter.com/Reuters/status/1790000000000000001?s=20&t=abcDEF",
                "https://mobile.twitter.com/Reuters/status/1790000000000000001",
                "https://www.twitter.com/Reuters/status/1790000000000000001/photo/1",
                "https://mobile.x.com/Reuters/statuses/1790000000000000001",
            ],
            Service::X,
            "https://x.com/Reuters/status/1790000000000000001",
            "https://platform.twitter.com/embed/Tweet.html?id=1790000000000000001&dnt=true",
        );
        assert_eq!(recognize("https://x.com/Reuters"), None);
        assert_eq!(recognize("https://x.com/Reuters/status/abc"), None);
    }

    #[test]
    fn instagram_forms() {
        same(
            &[
                "https://www.instagram.com/p/C6xYz12AbCd/",
                "https://instagram.com/p/C6xYz12AbCd?igsh=MWQ1ZGUxMzBkMA==",
                "https://www.instagram.com/someone/p/C6xYz12AbCd/?utm_source=ig_web_copy_link",
            ],
            Service::Instagram,
            "https://www.instagram.com/p/C6xYz12AbCd/",
            "https://www.instagram.com/p/C6xYz12AbCd/embed/",
        );
        let reel = r("https://www.instagram.com/reels/C7AbCdEfGhI/?igsh=x");
        assert_eq!(reel.url, "https://www.instagram.com/reel/C7AbCdEfGhI/");
        assert_eq!(reel.shape, Shape::Tall);
        assert_eq!(recognize("https://www.instagram.com/someone/"), None);
    }

    #[test]
    fn bluesky_forms() {
        same(
            &[
                "https://bsky.app/profile/kyivindependent.com/post/3kxyzabc2k2a",
                "https://bsky.app/profile/kyivindependent.com/post/3kxyzabc2k2a?ref_src=embed",
            ],
            Service::Bluesky,
            "https://bsky.app/profile/kyivindependent.com/post/3kxyzabc2k2a",
            "https://embed.bsky.app/embed/kyivindependent.com/app.bsky.feed.post/3kxyzabc2k2a",
        );
        let did = r("https://bsky.app/profile/did:plc:abc123/post/3kxyzabc2k2a");
        assert!(did.src.contains("/embed/did:plc:abc123/"), "{}", did.src);
        assert_eq!(
            recognize("https://bsky.app/profile/kyivindependent.com"),
            None
        );
    }

    #[test]
    fn facebook_forms() {
        same(
            &[
                "https://www.facebook.com/zelenskyy.official/posts/pfbid02abc",
                "https://m.facebook.com/zelenskyy.official/posts/pfbid02abc?mibextid=abc&rdid=x",
            ],
            Service::Facebook,
            "https://www.facebook.com/zelenskyy.official/posts/pfbid02abc",
            "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww%2Efacebook%2Ecom%2Fzelenskyy%2Eofficial%2Fposts%2Fpfbid02abc",
        );
        let v = r("https://www.facebook.com/watch/?v=123456789&ref=sharing");
        assert_eq!(v.url, "https://www.facebook.com/watch/?v=123456789");
        assert!(
            v.src
                .starts_with("https://www.facebook.com/plugins/video.php?href=")
        );
        let v = r("https://web.facebook.com/bbcnews/videos/a-title/987654321/");
        assert_eq!(v.url, "https://www.facebook.com/bbcnews/videos/987654321");
        let p = r("https://www.facebook.com/permalink.php?story_fbid=pfbid0x&id=100064");
        assert_eq!(
            p.url,
            "https://www.facebook.com/permalink.php?story_fbid=pfbid0x&id=100064"
        );
        assert_eq!(recognize("https://www.facebook.com/bbcnews"), None);
    }

    #[test]
    fn audio_forms() {
        same(
            &[
                "https://soundcloud.com/bbc-world-service/the-newsroom-1",
                "https://m.soundcloud.com/bbc-world-service/the-newsroom-1?si=abc&utm_source=clipboard",
            ],
            Service::SoundCloud,
            "https://soundcloud.com/bbc-world-service/the-newsroom-1",
            "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud%2Ecom%2Fbbc%2Dworld%2Dservice%2Fthe%2Dnewsroom%2D1&visual=false&auto_play=true",
        );
        assert_eq!(
            r("https://soundcloud.com/someone/sets/an-album").url,
            "https://soundcloud.com/someone/sets/an-album"
        );
        assert_eq!(recognize("https://soundcloud.com/someone"), None);
        same(
            &[
                "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
                "https://open.spotify.com/intl-de/episode/4rOoJ6Egrf8K2IrywzwOMk?si=1a2b3c",
            ],
            Service::Spotify,
            "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
            "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk",
        );
        assert_eq!(recognize("https://open.spotify.com/user/someone"), None);
    }

    #[test]
    fn map_forms() {
        let g = r("https://www.google.com/maps/@50.4501,30.5234,12z");
        assert_eq!(g.service, Service::GoogleMaps);
        assert_eq!(g.url, "https://www.google.com/maps/@50.4501,30.5234,12z");
        assert_eq!(
            g.src,
            "https://maps.google.com/maps?q=50%2E4501%2C30%2E5234&ll=50%2E4501%2C30%2E5234&z=12&output=embed"
        );
        let p = r(
            "https://www.google.de/maps/place/Maidan+Nezalezhnosti/@50.4501,30.5234,17z/data=!3m1",
        );
        assert!(p.src.contains("q=Maidan%20Nezalezhnosti"), "{}", p.src);
        assert!(p.src.contains("z=17"), "{}", p.src);
        let q = r("https://maps.google.com/?q=Odesa+Opera+House");
        assert!(
            q.src
                .starts_with("https://maps.google.com/maps?q=Odesa%20Opera%20House&z=14")
        );
        assert!(
            r("https://www.google.co.uk/maps/search/Kharkiv")
                .src
                .contains("q=Kharkiv")
        );
        for no in [
            "https://www.google.com/search?q=maps",
            "https://maps.app.goo.gl/abcdef",
            "https://www.google.com/maps",
            "https://google.evil.example/maps/@1,2,3z",
        ] {
            assert_eq!(recognize(no), None, "{no}");
        }
        let o = r("https://www.openstreetmap.org/#map=12/50.4501/30.5234");
        assert_eq!(o.service, Service::OpenStreetMap);
        assert!(
            o.src
                .starts_with("https://www.openstreetmap.org/export/embed.html?bbox="),
            "{}",
            o.src
        );
        let m = r("https://openstreetmap.org/?mlat=46.4856&mlon=30.7411#map=16/46.4856/30.7411");
        assert!(
            m.src.ends_with("&marker=46%2E4856%2C30%2E7411"),
            "{}",
            m.src
        );
        assert_eq!(recognize("https://www.openstreetmap.org/about"), None);
    }

    #[test]
    fn documents() {
        same(
            &[
                "https://www.documentcloud.org/documents/24512345-un-report-on-detention",
                "https://documentcloud.org/documents/24512345-un-report-on-detention.html",
                "https://embed.documentcloud.org/documents/24512345-un-report-on-detention/?embed=1",
            ],
            Service::DocumentCloud,
            "https://www.documentcloud.org/documents/24512345-un-report-on-detention",
            "https://embed.documentcloud.org/documents/24512345-un-report-on-detention/?embed=1&responsive=1",
        );
        let pdf = r("report.pdf");
        assert_eq!(
            (pdf.service, pdf.src.as_str()),
            (Service::Pdf, "report.pdf")
        );
        assert_eq!(r("files/Verdict.PDF#page=2").service, Service::Pdf);
        for no in [
            "/files/report.pdf",
            "../other/report.pdf",
            "https://example.org/a.pdf",
            ".pdf",
        ] {
            assert_eq!(recognize(no), None, "{no}");
        }
    }

    #[test]
    fn unknown_hosts_stay_links() {
        for no in [
            "https://example.org/watch?v=dQw4w9WgXcQ",
            "https://www.bbc.com/news/articles/c0000000",
            "mailto:desk@example.org",
            "not a url",
        ] {
            assert_eq!(recognize(no), None, "{no}");
        }
    }
}
