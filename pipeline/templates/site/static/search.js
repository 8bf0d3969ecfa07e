// The search box of the default theme. It reads the static index the build writes under
// search/ (pipeline/syndication/search/index.py): the manifest, then only the word files of
// the words typed (files are named by a word's first two characters) and the page table
// files of the results. Every URL is relative to the page, so it works from any sub-path.
// Words are folded as pipeline/syndication/search/tokens.py folds them: keep both in step.
(function () {
  "use strict";
  var form = document.getElementById("search");
  if (!form || !window.fetch || !String.prototype.normalize) return;
  // opened from disk, a page may not read the files beside it: no box that cannot search
  if (location.protocol === "file:") return;
  var input = document.getElementById("search-input");
  var panel = document.getElementById("search-panel");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var root = new URL(form.getAttribute("data-root") || "./", document.baseURI);
  var base = new URL("search/", root);
  var MIN = 2, MAX = 40, LIMIT = 20, PREFIX_WEIGHT = 0.7;
  var WORD = /[\p{L}\p{N}\p{M}_]+/gu;
  var NONSPACING = /\p{Mn}+/gu;
  var ASCII = /^[\x00-\x7f]*$/;
  var manifest = null;
  var ready = null;
  var files = new Map();
  var latest = 0;
  var timer = 0;
  var shown = null;  // the query whose results are listed

  function fold(text) {
    text = text.toLowerCase();
    if (ASCII.test(text)) return text;
    text = text.normalize("NFKD").replace(NONSPACING, "").toLowerCase();
    return text.replace(/ß/g, "ss").replace(/ς/g, "σ");
  }

  function words(text) {
    return (fold(text).match(WORD) || []).filter(function (w) {
      return Array.from(w).length >= MIN && Array.from(w).length <= MAX;
    });
  }

  function shardKey(word) {
    var head = Array.from(word).slice(0, 2);
    if (ASCII.test(head.join(""))) return head.join("");
    return "x" + head.map(function (c) { return c.codePointAt(0).toString(16); }).join("-");
  }

  function load(path) {
    var url = new URL(path + "?v=" + manifest.state, base).href;
    if (!files.has(url)) {
      files.set(url, fetch(url).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      }));
    }
    return files.get(url);
  }

  function start() {
    if (!ready) {
      ready = fetch(new URL("manifest.json", base).href, { cache: "no-cache" })
        .then(function (r) {
          if (!r.ok) throw new Error("manifest.json: " + r.status);
          return r.json();
        })
        .then(function (m) { manifest = m; });
    }
    return ready;
  }

  // Pages holding every word (the last one as a prefix, unless a space follows it), each
  // scored by tf-idf: (1 + ln weight) * ln(1 + pages / pages with the word).
  function rank(query, terms, prefix) {
    var known = new Set(manifest.files);
    var keys = terms.map(shardKey);
    if (!keys.every(function (k) { return known.has(k); })) return Promise.resolve([]);
    return Promise.all(keys.map(function (k) { return load("words/" + k + ".json"); }))
      .then(function (shards) {
        var total = null;
        terms.forEach(function (term, i) {
          var shard = shards[i], scores = new Map();
          var last = prefix && i === terms.length - 1;
          Object.keys(shard).forEach(function (word) {
            var exact = word === term;
            if (!exact && !(last && word.startsWith(term))) return;
            var postings = shard[word];
            var idf = Math.log(1 + manifest.docs / (postings.length / 2));
            var factor = exact ? 1 : PREFIX_WEIGHT;
            for (var j = 0; j < postings.length; j += 2) {
              var add = (1 + Math.log(postings[j + 1])) * idf * factor;
              scores.set(postings[j], (scores.get(postings[j]) || 0) + add);
            }
          });
          if (total === null) {
            total = scores;
          } else {
            var both = new Map();
            total.forEach(function (score, doc) {
              if (scores.has(doc)) both.set(doc, score + scores.get(doc));
            });
            total = both;
          }
        });
        return Array.from(total || []).sort(function (a, b) {
          return b[1] - a[1] || a[0] - b[0];
        });
      });
  }

  // A page's address from its path in the index (a file path, not a URL: "a:b/" or
  // "100%/" are folders): each part encoded, so no part is ever read as a scheme.
  function pageURL(path) {
    return new URL(path.split("/").map(encodeURIComponent).join("/"), root).href;
  }

  function announce(text, raw) {
    status.textContent = text;
    status.setAttribute("data-query", raw);
    shown = raw;
    panel.hidden = false;
  }

  function show(found, query, raw) {
    var top = found.slice(0, LIMIT);
    var per = manifest.per_file;
    var tables = Array.from(new Set(top.map(function (f) { return Math.floor(f[0] / per); })));
    return Promise.all(tables.map(function (t) { return load("docs/" + t + ".json"); }))
      .then(function (loaded) {
        var table = new Map();
        tables.forEach(function (t, i) { table.set(t, loaded[i]); });
        list.textContent = "";
        top.forEach(function (f) {
          var row = table.get(Math.floor(f[0] / per))[f[0] % per];
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = pageURL(row[0]);
          a.textContent = row[1];
          li.appendChild(a);
          if (row[2]) {
            var p = document.createElement("p");
            p.textContent = row[2];
            li.appendChild(p);
          }
          list.appendChild(li);
        });
        var n = found.length;
        announce(n === 0 ? "No results for \u201c" + query + "\u201d"
          : (n === 1 ? "1 result" : n + " results")
            + (n > LIMIT ? ", the first " + LIMIT + " shown" : ""), raw);
      });
  }

  // Search for what the box holds; true once its results are listed (false when a later
  // query overtook this one, or there is nothing to look for).
  function run() {
    var raw = input.value;
    var query = raw.trim();
    var terms = words(query);
    var ticket = ++latest;
    clearTimeout(timer);
    if (!terms.length) {
      list.textContent = "";
      status.textContent = "";
      panel.hidden = true;
      shown = null;
      return Promise.resolve(false);
    }
    var prefix = !/[^\p{L}\p{N}\p{M}_]$/u.test(raw);
    return start()
      .then(function () { return rank(query, terms, prefix); })
      .then(function (found) {
        if (ticket === latest) return show(found, query, raw).then(function () { return true; });
        return false;
      })
      .catch(function () {
        if (ticket !== latest) return false;
        ready = null;
        list.textContent = "";
        announce("Search is not available right now.", raw);
        return false;
      });
  }

  function links() { return Array.from(list.querySelectorAll("a")); }

  function close() { panel.hidden = true; }

  form.hidden = false;
  form.searchWords = function (text) {  // a query's words and their files (tests use it)
    return words(text).map(function (w) { return [w, shardKey(w)]; });
  };
  form.addEventListener("submit", function (event) {
    // Enter opens the first result, also when pressed before the results came
    event.preventDefault();
    var listed = shown === input.value ? Promise.resolve(true) : run();
    listed.then(function (current) {
      var first = links()[0];
      if (current && first) window.location.href = first.href;
    });
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  input.addEventListener("focus", function () { if (list.firstChild) panel.hidden = false; });
  form.addEventListener("keydown", function (event) {
    var all = links(), at = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      input.focus();
      close();
    } else if (event.key === "ArrowDown" && all.length) {
      event.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) input.focus(); else all[at - 1].focus();
    }
  });
  form.addEventListener("focusout", function (event) {
    if (!form.contains(event.relatedTarget)) close();
  });
})();
