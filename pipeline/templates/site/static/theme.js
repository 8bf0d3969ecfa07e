// The default theme's script: the menu button on narrow screens, Escape closing the menu
// (without the script the menu simply stays open above the page); GitBook's tab sets as tabs;
// the outline marking the section being read; code blocks and tables that scroll sideways
// focusable; a Copy button on each code block and a link on each heading of the text, as
// MkDocs Material and GitBook give them. The search box is search.js, loaded when
// [theme] search is on. Without this script every page reads in full: the menu open, every
// tab's title and content one after another, the outline a plain list of links.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  menu();
  tabs();
  outline();
  copyButtons();
  headingLinks();
  scrollables();
});

// Each code block of the text gets a button that copies its text (what the block shows,
// without the button), its words in the page's language (data-copy, data-copied on <main>).
function copyButtons() {
  var main = document.getElementById("main");
  if (!main || !navigator.clipboard) return;  // (an http:// page has no clipboard to write)
  var label = main.getAttribute("data-copy") || "Copy";
  var done = main.getAttribute("data-copied") || "Copied";
  var blocks = main.querySelectorAll("article pre:not(.math)");
  for (var i = 0; i < blocks.length; i++) {
    var pre = blocks[i];
    var wrap = document.createElement("div");
    wrap.className = "code-wrap";
    pre.parentNode.insertBefore(wrap, pre);
    wrap.appendChild(pre);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.setAttribute("aria-live", "polite");  // "Copied" is said, not only shown
    button.textContent = label;
    wrap.appendChild(button);
    button.addEventListener("click", copier(pre, button, label, done));
  }
}

function copier(pre, button, label, done) {
  return function () {
    navigator.clipboard.writeText(pre.innerText.replace(/\n$/, "")).then(function () {
      button.textContent = done;
      setTimeout(function () { button.textContent = label; }, 1500);
    }, function () {});  // refused (no permission): the text is still there to select
  };
}

// Each heading of the text with an id ends in a link to itself ("#", shown on hover and
// focus, named data-section-link), to copy a section's address as on MkDocs and GitBook.
function headingLinks() {
  var main = document.getElementById("main");
  if (!main) return;
  var label = main.getAttribute("data-section-link") || "Link to this section";
  var headings = main.querySelectorAll(  // (no :is(): older browsers throw on it)
    "article h2[id], article h3[id], article h4[id]:not(.tab-title), article h5[id], article h6[id]");
  for (var i = 0; i < headings.length; i++) {
    var link = document.createElement("a");
    link.className = "heading-link";
    link.href = "#" + encodeURIComponent(headings[i].id);
    link.setAttribute("aria-label", label);
    link.textContent = "#";
    headings[i].appendChild(link);
  }
}

// A code block or table wider than the page scrolls sideways: it takes the keyboard's focus
// (tabindex 0), so a reader without a mouse can scroll it with the arrow keys (WCAG 2.1.1;
// axe's scrollable-region-focusable). Only those that scroll, looked at again when the window
// is resized; the focus ring shows where the arrows go.
function scrollables() {
  function mark() {
    var boxes = document.querySelectorAll("main pre, main table");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.hasAttribute("tabindex") && !box.hasAttribute("data-scrolls")) continue;
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
        box.setAttribute("data-scrolls", "");
      } else if (box.hasAttribute("data-scrolls")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scrolls");
      }
    }
  }
  mark();
  var pending = 0;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(mark, 150);
  });
}

function menu() {
  var button = document.querySelector(".menu-button");
  var menu = document.getElementById("sidebar");
  if (!button || !menu) return;
  function toggle(open) {
    menu.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  button.addEventListener("click", function () {
    toggle(!menu.classList.contains("open"));
  });
  document.addEventListener("keydown", function (event) {  // Escape closes an open menu
    if (event.key !== "Escape" || !menu.classList.contains("open")) return;
    toggle(false);
    button.focus();
  });
}

// A free id: ``base``, or ``base-2``, ``base-3``... when the page already has it (a heading
// the author named so). Given in document order, so the same page gets the same ids.
function freeId(base) {
  var id = base;
  for (var n = 2; document.getElementById(id); n++) id = base + "-" + n;
  return id;
}

// The tab sets the renderer writes ({% tabs %} and the legacy {% code-tabs %}): a
// div.gitbook-tabs holding one section.tab per tab, its title the section's h4.tab-title.
// Here each set gets a row of buttons (WAI-ARIA tabs: arrows, Home, End; the tab chosen is
// the one shown) and shows one section at a time. Choosing a tab chooses the tab of the same
// title in every other set of the page (linked tabs), the chosen tab kept where it was on the
// screen. A link to an element inside a hidden tab (an outline entry, #anchor in the address)
// opens that tab first, and so does a link to the tab itself (its title's id, #response, is
// the button's). The panels not shown are hidden="until-found": find in page still
// reaches their text (where the browser knows the value; elsewhere it hides them as hidden
// does) and, before showing it, fires beforematch at the panel, which opens its tab.
function tabs() {
  var sets = document.querySelectorAll(".gitbook-tabs, .gitbook-code-tabs");
  var all = [];
  for (var s = 0; s < sets.length; s++) {
    var set = tabSet(sets[s], s + 1);
    if (set) all.push(set);
  }
  if (!all.length) return;

  function choose(set, index) {
    var tab = set.tabs[index];
    var before = tab.getBoundingClientRect().top;
    select(set, index);
    var title = tab.textContent;
    for (var i = 0; i < all.length; i++) {
      if (all[i] === set) continue;
      for (var j = 0; j < all[i].tabs.length; j++) {
        if (all[i].tabs[j].textContent === title) {
          select(all[i], j);
          break;
        }
      }
    }
    var moved = tab.getBoundingClientRect().top - before;  // sets above it changed height
    if (moved) window.scrollBy(0, moved);
  }

  all.forEach(function (set) {
    set.tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () {
        choose(set, index);
      });
      tab.addEventListener("keydown", function (event) {
        var last = set.tabs.length - 1;
        var to = {
          ArrowRight: index === last ? 0 : index + 1,
          ArrowLeft: index === 0 ? last : index - 1,
          Home: 0,
          End: last,
        }[event.key];
        if (to === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
        event.preventDefault();
        choose(set, to);
        set.tabs[to].focus();
      });
    });
  });

  // The element a fragment names, the tabs holding it opened; with whether any was hidden.
  function reveal(hash) {
    var id;
    try {
      id = decodeURIComponent(hash.slice(1));
    } catch (e) {
      id = hash.slice(1);
    }
    var target = id && document.getElementById(id);
    var opened = false;
    if (target && target.getAttribute("role") === "tab") {  // a tab named by its title's id
      for (var t = 0; t < all.length; t++) {
        var chosen = all[t].tabs.indexOf(target);
        if (chosen < 0) continue;
        opened = target.getAttribute("aria-selected") !== "true";
        select(all[t], chosen);
      }
    }
    for (var el = target && target.parentElement; el; el = el.parentElement) {
      if (el.getAttribute("role") !== "tabpanel" || !el.hidden) continue;
      for (var i = 0; i < all.length; i++) {
        var at = all[i].panels.indexOf(el);
        if (at < 0) continue;
        select(all[i], at);
        opened = true;
      }
    }
    return { target: target, opened: opened };
  }
  document.addEventListener("beforematch", function (event) {
    for (var i = 0; i < all.length; i++) {
      var at = all[i].panels.indexOf(event.target);  // each hidden panel holding it gets one
      if (at >= 0) select(all[i], at);
    }
  });
  // A click on a link into a hidden tab opens it before the browser scrolls (the fragment
  // may be the one in the address already: no hashchange then).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href*='#']");
    if (link && link.hash && link.pathname === location.pathname) reveal(link.hash);
  });
  window.addEventListener("hashchange", function () {
    var found = reveal(location.hash);
    if (found.opened) found.target.scrollIntoView();
  });
  // On arrival the browser may have scrolled to the fragment before the sets above it
  // hid their other panels: scrolled to again.
  var found = location.hash && reveal(location.hash);
  if (found && found.target) found.target.scrollIntoView();
}

function tabSet(root, number) {
  var panels = [];
  for (var i = 0; i < root.children.length; i++) {
    var child = root.children[i];
    if (child.tagName === "SECTION" && child.classList.contains("tab")) panels.push(child);
  }
  if (!panels.length) return null;
  var base = "tabs-" + number;
  var list = document.createElement("div");
  list.className = "tab-list";
  list.setAttribute("role", "tablist");
  var set = { tabs: [], panels: panels };
  panels.forEach(function (panel, index) {
    var heading = panel.firstElementChild;
    var tab = document.createElement("button");
    tab.type = "button";
    tab.className = "tab-button";
    tab.setAttribute("role", "tab");
    var named = "";
    if (heading && heading.classList.contains("tab-title")) {
      tab.textContent = heading.textContent;
      heading.hidden = true;  // the button says it
      named = heading.id;  // the id GitBook's links name the tab by (#response): the button's
      heading.removeAttribute("id");
    }
    if (!tab.textContent.trim()) tab.textContent = String(index + 1);
    tab.id = named || freeId(base + "-tab-" + (index + 1));
    panel.id = panel.id || freeId(base + "-panel-" + (index + 1));
    tab.setAttribute("aria-controls", panel.id);
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", tab.id);
    panel.tabIndex = 0;
    list.appendChild(tab);
    set.tabs.push(tab);
  });
  root.insertBefore(list, root.firstChild);
  root.classList.add("tabs-ready");
  select(set, 0);
  return set;
}

function select(set, index) {
  set.tabs.forEach(function (tab, i) {
    var chosen = i === index;
    tab.setAttribute("aria-selected", chosen ? "true" : "false");
    tab.tabIndex = chosen ? 0 : -1;
    if (chosen) set.panels[i].removeAttribute("hidden");
    else set.panels[i].setAttribute("hidden", "until-found");
  });
}

// The outline ("On this page") marks the entry of the section being read: the last heading
// above a line a fifth of the way down the window. One IntersectionObserver watches the
// headings the outline links to, its root the window stretched far upward so a heading
// scrolled past in one jump still counts as passed; each report updates one array and
// moves one mark. Headings in a hidden tab never intersect: the mark skips them.
// Short last sections never reach that line, so (as MkDocs Material and GitBook do) a page
// scrolled to its bottom marks its last section (a page too short to scroll marks none), and
// an entry clicked marks its own section until the reader scrolls again (wheel, keys, touch
// or the scroll bar; not the jump the click makes).
function outline() {
  var nav = document.querySelector("nav.outline");
  if (!nav || !window.IntersectionObserver) return;
  var links = [];
  var headings = [];
  var index = new Map();
  var headingOf = new Map();  // each link of the outline: the index of its heading
  var anchors = nav.querySelectorAll("a[href^='#']");
  for (var i = 0; i < anchors.length; i++) {
    var id;
    try {
      id = decodeURIComponent(anchors[i].hash.slice(1));
    } catch (e) {
      continue;
    }
    var heading = document.getElementById(id);
    if (!heading) continue;
    if (!index.has(heading)) {  // an entry twice: the first one is marked
      index.set(heading, links.length);
      links.push(anchors[i]);
      headings.push(heading);
    }
    headingOf.set(anchors[i], index.get(heading));
  }
  if (!headings.length) return;
  var passed = headings.map(function () { return false; });
  var current = null;
  var clicked = -1;  // the heading of the entry clicked, marked until the reader scrolls
  var touched = false;  // the reader used the wheel, keys, touch or pointer since the click

  function atBottom() {  // within 2 pixels of the end of a page that scrolls at all
    var page = document.documentElement;
    var end = page.scrollHeight - page.clientHeight;
    return end > 2 && window.scrollY >= end - 2;
  }
  function lastShown() {  // the last heading not inside a tab that is not chosen
    for (var i = headings.length - 1; i >= 0; i--) {
      var h = headings[i];
      if (h.checkVisibility ? h.checkVisibility() : h.getClientRects().length) return i;
    }
    return -1;
  }
  function update() {
    var at = clicked;
    if (at < 0 && atBottom()) at = lastShown();
    if (at < 0) at = passed.lastIndexOf(true);
    var link = at < 0 ? null : links[at];
    if (link === current) return;
    if (current) current.removeAttribute("aria-current");
    if (link) link.setAttribute("aria-current", "true");
    current = link;
  }

  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      passed[index.get(entry.target)] = entry.isIntersecting;
    });
    update();
  }, { rootMargin: "1000000px 0px -80% 0px" });
  headings.forEach(function (heading) {
    observer.observe(heading);
  });

  nav.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a");
    if (!headingOf.has(link) || event.ctrlKey || event.metaKey || event.shiftKey) return;
    clicked = headingOf.get(link);
    touched = false;  // the pointerdown or Enter that made this click
    update();
  });
  ["wheel", "touchmove", "keydown", "pointerdown"].forEach(function (type) {
    window.addEventListener(type, function () {
      touched = true;
    }, { capture: true, passive: true });
  });
  var queued = false;
  window.addEventListener("scroll", function () {
    if (touched) clicked = -1;
    if (queued) return;
    queued = true;
    requestAnimationFrame(function () {
      queued = false;
      update();
    });
  }, { passive: true });
}
