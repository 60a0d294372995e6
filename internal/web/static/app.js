// Bulkhead: small progressive enhancements. Every page works without this
// file; it only adds the phone menu toggle, focus on a form's error summary
// and the copy button for a new API token.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector("[data-menu-toggle]");
    var sidebar = document.getElementById("sidebar");
    if (toggle && sidebar) {
      toggle.addEventListener("click", function () {
        var open = sidebar.classList.toggle("is-open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }

    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }

    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (!target || !navigator.clipboard) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(target.value).then(function () {
          button.textContent = button.getAttribute("data-copied");
        });
      });
    });

    Array.prototype.forEach.call(document.querySelectorAll("input.token-value"), function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  });
})();
