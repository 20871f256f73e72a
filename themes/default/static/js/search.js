/* Site search, written for gen's default theme: reads the index `gen build` writes under
 * search-index/ (format described in gen's src/search.rs). Fetches only the shards holding
 * the query's words, from the site's own host; no framework, no WebAssembly. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch || !window.TextDecoder) return;
  var base = form.getAttribute("data-index");
  var pageLang = form.getAttribute("data-lang");
  var T = JSON.parse(form.getAttribute("data-strings"));
  var langNames = JSON.parse(form.getAttribute("data-languages"));
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var details = document.getElementById("search-filters");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
  var langSelect = document.getElementById("search-lang");
  var sortSelect = document.getElementById("search-sort");
  var PAGE = 10;
  var utf8 = new TextDecoder();

  var metaP = null;
  var files = {};
  function meta() {
    if (!metaP) {
      metaP = fetch(base + "meta.json", { cache: "no-cache" }).then(function (r) {
        if (!r.ok) throw new Error("meta.json " + r.status);
        return r.json();
      }).then(function (m) {
        if (m.version !== 1) throw new Error("index version " + m.version);
        return m;
      });
    }
    return metaP;
  }
  function get(m, path, json) {
    var url = base + path + "?v=" + m.v;
    if (!files[url]) {
      files[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error(path + " " + r.status);
        return json ? r.json() : r.arrayBuffer().then(parseShard);
      });
    }
    return files[url];
  }

  /* Keys are compared by code point, as Rust sorts UTF-8. */
  function cmp(a, b) {
    var i = 0, j = 0;
    while (i < a.length && j < b.length) {
      var x = a.codePointAt(i), y = b.codePointAt(j);
      if (x !== y) return x < y ? -1 : 1;
      i += x > 0xffff ? 2 : 1;
      j += y > 0xffff ? 2 : 1;
    }
    if (i < a.length) return 1;
    return j < b.length ? -1 : 0;
  }
  function shardOf(firsts, key) {
    var lo = 0, hi = firsts.length - 1, at = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (cmp(firsts[mid], key) <= 0) { at = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return at;
  }

  function parseShard(buf) {
    var b = new Uint8Array(buf), pos = 0, map = new Map(), prev = new Uint8Array(0);
    function v() {
      var r = 0, mul = 1, c;
      do { c = b[pos++]; r += (c & 0x7f) * mul; mul *= 128; } while (c & 0x80);
      return r;
    }
    var n = v();
    for (var e = 0; e < n; e++) {
      var shared = v(), len = v();
      var key = new Uint8Array(shared + len);
      key.set(prev.subarray(0, shared));
      key.set(b.subarray(pos, pos + len), shared);
      pos += len;
      prev = key;
      var flags = v(), entry = { alias: null, docs: null, scores: null };
      if (flags & 2) {
        var al = v();
        entry.alias = utf8.decode(b.subarray(pos, pos + al));
        pos += al;
      }
      if (flags & 1) {
        var count = v(), doc = 0;
        entry.docs = new Uint32Array(count);
        entry.scores = new Uint16Array(count);
        for (var k = 0; k < count; k++) {
          doc = k === 0 ? v() : doc + v();
          entry.docs[k] = doc;
          entry.scores[k] = v();
        }
      }
      map.set(utf8.decode(key), entry);
    }
    return map;
  }

  /* The same folding as gen's search::fold. */
  function fold(w) {
    return w.replace(/['\u2019\u02bc`\u064b-\u065f\u0670\u0640]/g, "")
      .replace(/[\u0623\u0625\u0622\u0671]/g, "\u0627").replace(/\u0649/g, "\u064a")
      .toLowerCase().replace(/\u0451/g, "\u0435");
  }
  function segments(text, lang) {
    if (window.Intl && Intl.Segmenter) {
      return Array.from(new Intl.Segmenter(lang, { granularity: "word" }).segment(text), function (s) {
        return { text: s.segment, word: !!s.isWordLike };
      });
    }
    var out = [], re = /[\p{L}\p{N}\p{M}'\u2019\u02bc]+|[^\p{L}\p{N}\p{M}'\u2019\u02bc]+/gu, m;
    while ((m = re.exec(text))) out.push({ text: m[0], word: /[\p{L}\p{N}]/u.test(m[0]) });
    return out;
  }
  function queryWords(q, lang) {
    var seen = {};
    return segments(q, lang).filter(function (s) { return s.word; }).map(function (s) {
      return fold(s.text);
    }).filter(function (w) {
      if (!w || seen[w]) return false;
      seen[w] = true;
      return true;
    });
  }
  function chars(s) { return Array.from(s); }

  /* The key of a word in one language: its alias when the index has one, else the longest
   * key starting the word, at most max_strip letters shorter. */
  function resolve(m, L, word) {
    var cs = chars(word), n = cs.length;
    var min = Math.max(Math.min(3, n), n - m.max_strip);
    var lo = cs.slice(0, min).join("");
    var from = shardOf(L.shards, lo), to = shardOf(L.shards, word), wanted = [];
    for (var s = from; s <= to; s++) wanted.push(get(m, L.code + "/" + s + ".bin"));
    return Promise.all(wanted).then(function (maps) {
      function find(key) {
        for (var i = 0; i < maps.length; i++) if (maps[i].has(key)) return maps[i].get(key);
        return null;
      }
      var own = find(word);
      if (own && own.alias) {
        var al = own.alias;
        return get(m, L.code + "/" + shardOf(L.shards, al) + ".bin").then(function (map) {
          var e = map.get(al);
          return e && e.docs ? { key: al, entry: e } : null;
        });
      }
      for (var len = n; len >= min; len--) {
        var p = cs.slice(0, len).join(""), e = find(p);
        if (e && e.docs) return { key: p, entry: e };
      }
      return null;
    });
  }

  function searchLanguage(m, L, words) {
    var stop = new Set(L.stop);
    var ws = words.filter(function (w) { return !stop.has(w); });
    if (!ws.length) return Promise.resolve({ hits: new Map(), keys: [] });
    return Promise.all(ws.map(function (w) { return resolve(m, L, w); })).then(function (found) {
      var hits = new Map(), keys = [];
      if (found.some(function (f) { return !f; })) return { hits: hits, keys: keys };
      found.sort(function (a, b) { return a.entry.docs.length - b.entry.docs.length; });
      var first = found[0].entry;
      for (var k = 0; k < first.docs.length; k++) hits.set(first.docs[k], first.scores[k]);
      for (var f = 1; f < found.length; f++) {
        var e = found[f].entry, next = new Map();
        for (var j = 0; j < e.docs.length; j++) {
          var s = hits.get(e.docs[j]);
          if (s !== undefined) next.set(e.docs[j], s + e.scores[j]);
        }
        hits = next;
      }
      found.forEach(function (f) { keys.push(f.key); });
      return { hits: hits, keys: keys };
    });
  }

  function facetDocs(m, key) {
    return get(m, "facets/" + shardOf(m.facets, key) + ".bin").then(function (map) {
      var e = map.get(key);
      return new Set(e && e.docs ? Array.from(e.docs) : []);
    });
  }

  var facetsP = null;
  function loadFacets() {
    if (facetsP) return facetsP;
    facetsP = meta().then(function (m) { return get(m, "facets.json", true); }).then(function (f) {
      // A value is [key, name, count] or [key, name, count, {lang: name}]: a story or person
      // named per language shows the page's name, and the list is sorted by what it shows.
      var collator = window.Intl && Intl.Collator ? new Intl.Collator(pageLang) : null;
      selects.forEach(function (sel) {
        var want = sel.getAttribute("data-want") || sel.value;
        var values = (f[sel.getAttribute("data-facet")] || []).map(function (v) {
          return { key: v[0], name: (v[3] && v[3][pageLang]) || v[1], count: v[2] };
        });
        if (collator) values.sort(function (a, b) { return collator.compare(a.name, b.name); });
        values.forEach(function (v) {
          var o = Array.prototype.find.call(sel.options, function (x) { return x.value === v.key; });
          if (!o) o = document.createElement("option");
          o.value = v.key;
          o.textContent = v.name + " (" + v.count + ")";
          sel.appendChild(o);
        });
        sel.value = want;
      });
    });
    return facetsP;
  }

  var results = [], shown = 0, keys = [], typed = [], run = 0;

  function formatDate(iso, lang) {
    try {
      return new Intl.DateTimeFormat(lang, { dateStyle: "long" }).format(new Date(iso));
    } catch (e) {
      return iso.slice(0, 10);
    }
  }
  function matches(folded) {
    if (typed.indexOf(folded) >= 0) return true;
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (folded === k || (folded.indexOf(k) === 0 && chars(folded).length - chars(k).length <= 5)) return true;
    }
    return false;
  }
  function highlighted(el, text, lang) {
    segments(text, lang).forEach(function (s) {
      if (s.word && matches(fold(s.text))) {
        var mk = document.createElement("mark");
        mk.textContent = s.text;
        el.appendChild(mk);
      } else {
        el.appendChild(document.createTextNode(s.text));
      }
    });
    return el;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function render(m, doc) {
    var li = el("li");
    var other = doc.l !== pageLang;
    var art = el("article");
    if (other) { art.lang = doc.l; art.dir = "auto"; }
    if (doc.k) art.appendChild(el("p", "kicker", doc.k));
    var h = el("h2"), a = el("a");
    a.href = doc.u;
    if (other) a.hreflang = doc.l;
    h.appendChild(highlighted(a, doc.h, doc.l));
    art.appendChild(h);
    if (doc.d) art.appendChild(highlighted(el("p", "dek"), doc.d, doc.l));
    var meta = el("p", "result-meta");
    meta.lang = pageLang;
    meta.dir = document.documentElement.dir || "ltr";
    if (other) {
      var lg = el("span", "result-lang", langNames[doc.l] || doc.l);
      lg.lang = doc.l;
      meta.appendChild(lg);
    }
    var time = el("time", "", formatDate(doc.t, pageLang));
    time.dateTime = doc.t;
    meta.appendChild(time);
    var credits = [];
    if (doc.a && doc.a.length) credits.push(doc.a.join(T.sep));
    if (doc.r && doc.r.length) credits.push(T.translated + " " + doc.r.join(T.sep));
    if (doc.o) credits.push(doc.o);
    if (credits.length) meta.appendChild(document.createTextNode(" · " + credits.join(" · ")));
    art.appendChild(meta);
    if (doc.x) art.appendChild(highlighted(el("p", "excerpt"), doc.x, doc.l));
    li.appendChild(art);
    return li;
  }

  function showMore(m, mine) {
    var page = results.slice(shown, shown + PAGE);
    var frags = {};
    page.forEach(function (d) { frags[Math.floor(d / m.fragment)] = true; });
    return Promise.all(Object.keys(frags).map(function (f) {
      return get(m, "docs/" + f + ".json", true).then(function (list) { return [f, list]; });
    })).then(function (got) {
      if (mine !== run) return;
      var byFrag = {};
      got.forEach(function (g) { byFrag[g[0]] = g[1]; });
      page.forEach(function (d) {
        list.appendChild(render(m, byFrag[Math.floor(d / m.fragment)][d % m.fragment]));
      });
      shown += page.length;
      more.hidden = shown >= results.length;
    });
  }

  function state() {
    var p = new URLSearchParams();
    if (input.value) p.set("q", input.value);
    if (langSelect.value !== pageLang) p.set("lang", langSelect.value);
    selects.forEach(function (s) { if (s.value) p.set(s.name, s.value); });
    if (sortSelect.value !== "relevance") p.set("sort", sortSelect.value);
    return p;
  }

  function search() {
    var mine = ++run;
    var q = input.value.trim();
    list.textContent = "";
    more.hidden = true;
    results = [];
    shown = 0;
    if (!q) { status.textContent = ""; list.removeAttribute("aria-busy"); return Promise.resolve(); }
    status.textContent = T.loading;
    /* Busy until the first page of results is in the list, not only counted. */
    list.setAttribute("aria-busy", "true");
    return meta().then(function (m) {
      var langs = m.languages.filter(function (L) {
        return langSelect.value === "all" || L.code === langSelect.value;
      });
      var filters = selects.filter(function (s) { return s.value; }).map(function (s) {
        return facetDocs(m, s.value);
      });
      return Promise.all([
        Promise.all(langs.map(function (L) { return searchLanguage(m, L, queryWords(q, L.code)); })),
        Promise.all(filters)
      ]).then(function (r) {
        if (mine !== run) return;
        var scores = new Map();
        keys = [];
        typed = queryWords(q, pageLang);
        r[0].forEach(function (res) {
          res.hits.forEach(function (s, d) { scores.set(d, s); });
          keys = keys.concat(res.keys);
        });
        var docs = Array.from(scores.keys()).filter(function (d) {
          return r[1].every(function (set) { return set.has(d); });
        });
        if (sortSelect.value === "date") {
          docs.sort(function (a, b) { return a - b; });
        } else {
          docs.sort(function (a, b) { return scores.get(b) - scores.get(a) || a - b; });
        }
        results = docs;
        status.textContent = docs.length ? T.results.replace("{n}", docs.length) : T.none;
        return showMore(m, mine);
      });
    }).catch(function (e) {
      if (mine === run) status.textContent = T.error;
      if (window.console) console.error(e);
    }).then(function () {
      if (mine === run) list.removeAttribute("aria-busy");
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var p = state().toString();
    history.replaceState(null, "", location.pathname + (p ? "?" + p : ""));
    search();
  });
  [langSelect, sortSelect].concat(selects).forEach(function (s) {
    s.addEventListener("change", function () {
      form.dispatchEvent(new Event("submit", { cancelable: true }));
    });
  });
  details.addEventListener("toggle", function () { if (details.open) loadFacets(); });
  more.addEventListener("click", function () {
    var first = list.children.length;
    meta().then(function (m) { return showMore(m, run); }).then(function () {
      var link = list.children[first] && list.children[first].querySelector("a");
      if (link) link.focus();
    });
  });

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  if (params.get("lang")) langSelect.value = params.get("lang");
  if (params.get("sort")) sortSelect.value = params.get("sort");
  var filtered = false;
  selects.forEach(function (s) {
    var v = params.get(s.name);
    if (v) {
      filtered = true;
      var o = document.createElement("option");
      o.value = v;
      o.textContent = v;
      s.appendChild(o);
      s.value = v;
      s.setAttribute("data-want", v);
    }
  });
  if (filtered) {
    details.open = true;
    loadFacets();
  }
  if (input.value) search();
  else input.focus();
})();
