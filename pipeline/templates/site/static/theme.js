// The only script of the default theme: the menu button on narrow screens (without it the
// menu simply stays open above the page) and the search box, when the site has an index.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  if (window.PagefindUI && document.getElementById("search")) {
    // results link to pages under the folder the site is served from, whatever it is
    var script = document.querySelector('script[src*="pagefind-ui.js"]');
    var base = script ? new URL("../", script.src).pathname : "/";
    new PagefindUI({ element: "#search", showImages: false, baseUrl: base });
    var input = document.querySelector("#search input");
    if (input) input.setAttribute("aria-label", "Search this site");
  }
  var button = document.querySelector(".menu-button");
  var menu = document.getElementById("sidebar");
  if (!button || !menu) return;
  button.addEventListener("click", function () {
    var open = menu.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
});
