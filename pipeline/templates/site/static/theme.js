// The default theme's script: the menu button on narrow screens, Escape closing the menu
// (without the script the menu simply stays open above the page). The search box is
// search.js, loaded when [theme] search is on.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
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
});
