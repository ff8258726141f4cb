// Tables wider than the page scroll inside a box of their own, and say so. So do the
// notebooks' charts on a phone: shrunk to its width, their labels could not be read
// (cpo-playbook.css keeps them at a readable width there).
// The theme already boxes the tables of the chapters; a notebook's output tables (pandas'
// and the stakeholder report's) are boxed here. Where a box is narrower than its table,
// a hint above it says that the table scrolls sideways; it goes away when the table fits,
// as on a wider screen.
(function () {
  "use strict";
  var BOXES = ".pst-scrollable-table-container, .cpo-scroll";

  function box(table) {
    if (table.parentElement.closest(BOXES)) { return; }
    var wrapper = document.createElement("div");
    wrapper.className = "cpo-scroll";
    table.parentNode.insertBefore(wrapper, table);
    wrapper.appendChild(table);
  }

  function hint(container) {
    var said = document.createElement("p");
    said.className = "cpo-scroll-hint";
    said.setAttribute("aria-hidden", "true");
    said.textContent = "Wider than the screen: scroll the " + kind(container) +
      " sideways \u2192";
    container.parentNode.insertBefore(said, container);
    return said;
  }

  function kind(container) {
    return container.classList.contains("cpo-chart") ? "chart" : "table";
  }

  // A chart drawn wide (a notebook's figure, not an icon) gets a box of its own.
  var WIDE_CHART = 600;
  function boxChart(image) {
    if (image.closest(BOXES) || image.naturalWidth < WIDE_CHART) { return; }
    var wrapper = document.createElement("div");
    wrapper.className = "cpo-scroll cpo-chart";
    image.parentNode.insertBefore(wrapper, image);
    wrapper.appendChild(image);
    watch(wrapper);
  }

  function watch(container) {
    var said = hint(container);
    // A keyboard reaches the box, and a screen reader names it, only where it scrolls.
    function update() {
      var overflows = container.scrollWidth > container.clientWidth + 1;
      said.hidden = !overflows;
      container.classList.toggle("cpo-overflows", overflows);
      if (overflows) {
        container.tabIndex = 0;
        container.setAttribute("role", "region");
        container.setAttribute("aria-label",
                               kind(container) === "chart" ? "Chart, scrolls sideways"
                                                           : "Table, scrolls sideways");
      } else {
        container.removeAttribute("tabindex");
        container.removeAttribute("role");
        container.removeAttribute("aria-label");
      }
    }
    update();
    window.addEventListener("resize", update);
  }

  // A cell of a sentence or more is marked, so that on a phone it keeps the width of a
  // short line (cpo-playbook.css) instead of a column of one word per line.
  function markLong(table) {
    table.querySelectorAll("td").forEach(function (cell) {
      if (cell.textContent.trim().length > 40) { cell.classList.add("cpo-long"); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("article table").forEach(box);
    document.querySelectorAll("article table").forEach(markLong);
    document.querySelectorAll("article " + BOXES.split(", ").join(", article "))
      .forEach(watch);
    document.querySelectorAll("article .cell_output img").forEach(function (image) {
      if (image.complete) { boxChart(image); }
      else { image.addEventListener("load", function () { boxChart(image); }); }
    });
  });
})();
