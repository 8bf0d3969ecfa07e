// The default theme's script: the menu button on narrow screens (without it the menu simply
// stays open above the page). The search box is search.js, loaded when [theme] search is on.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".menu-button");
  var menu = document.getElementById("sidebar");
  if (!button || !menu) return;
  button.addEventListener("click", function () {
    var open = menu.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
});
