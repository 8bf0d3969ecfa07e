// publish serve: reloads the page after each rebuild, swaps stylesheets when only CSS
// changed, and shows the build's problems over the last good page until they are fixed.
(function () {
  "use strict";
  var OVERLAY = "publish-preview-overlay";
  var script = document.currentScript;
  var build = script ? script.getAttribute("data-build") : null;

  function showProblems(problems) {
    var old = document.getElementById(OVERLAY);
    if (old) old.remove();
    if (!problems || !problems.length) return;
    var box = document.createElement("div");
    box.id = OVERLAY;
    box.setAttribute("role", "alert");
    box.style.cssText =
      "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "margin:0;padding:1rem;background:#2b0b0b;color:#fff;font:14px/1.5 monospace;" +
      "border-top:4px solid #ef4444;white-space:pre-wrap;overflow-wrap:anywhere";
    var head = document.createElement("strong");
    head.textContent = "The last build failed; this page is the last good one.";
    box.appendChild(head);
    var list = document.createElement("ul");
    problems.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      list.appendChild(li);
    });
    box.appendChild(list);
    document.body.appendChild(box);
  }

  function swapStylesheets() {
    // each same-origin sheet fetched afresh beside the old one, which goes once the new one
    // has loaded: the page never shows unstyled, and nothing else on it changes
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin) return;
      url.searchParams.set("publish-reload", String(Date.now()));
      var fresh = link.cloneNode(false);
      fresh.href = url.toString();
      fresh.onload = fresh.onerror = function () {
        link.remove();
      };
      link.after(fresh);
    });
  }

  function handle(kind, data) {
    if (kind === "reload") {
      location.reload();
    } else if (kind === "css") {
      swapStylesheets();
      showProblems([]);
    } else if (kind === "problems") {
      showProblems(JSON.parse(data).problems);
    }
  }

  function listen(tell) {
    // the news after the build this page came from: a save made while it loaded is not missed
    var source = new EventSource("/_preview/events" + (build ? "?after=" + build : ""));
    ["reload", "css", "problems"].forEach(function (kind) {
      source.addEventListener(kind, function (event) {
        tell(kind, event.data);
        handle(kind, event.data);
      });
    });
  }

  function connect() {
    // One tab of the site listens to the server for all of them and passes the news on: a
    // browser keeps six connections to a host, and with one open stream a tab, a sixth tab
    // never loaded. The tab holding the lock listens; when it closes or reloads, the lock
    // (and the listening) goes to another tab.
    if (!(navigator.locks && window.BroadcastChannel)) {
      listen(function () {});
      return;
    }
    var channel = new BroadcastChannel("publish-preview");
    channel.onmessage = function (event) {
      handle(event.data.kind, event.data.data);
    };
    navigator.locks.request("publish-preview-events", function () {
      listen(function (kind, data) {
        channel.postMessage({ kind: kind, data: data });
      });
      return new Promise(function () {}); // held while this page is open
    });
  }

  fetch("/_preview/status")
    .then(function (response) {
      return response.json();
    })
    .then(function (status) {
      showProblems(status.problems);
    })
    .catch(function () {});
  connect();
})();
