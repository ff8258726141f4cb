// Long tables of the playbook sort by a click (or Enter) on a column's heading.
// Numbers are compared as numbers, whatever their currency sign, thousands
// separators or percent sign; everything else as text.
(function () {
  "use strict";
  var MIN_ROWS = 8;

  function cellValue(row, index) {
    var cell = row.cells[index];
    var text = cell ? cell.textContent.trim() : "";
    var plain = text.replace(/[$€£,%\s]/g, "").replace(/^\((.*)\)$/, "-$1");
    var number = plain === "" ? NaN : Number(plain);
    return isNaN(number) ? { text: text.toLowerCase() } : { number: number };
  }

  function compare(a, b) {
    if ("number" in a && "number" in b) { return a.number - b.number; }
    if ("number" in a) { return -1; }
    if ("number" in b) { return 1; }
    return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  }

  function sortBy(table, heading, index) {
    var body = table.tBodies[0];
    var ascending = heading.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var order = compare(cellValue(r1, index), cellValue(r2, index));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function makeSortable(table) {
    var head = table.tHead;
    if (!head || !table.tBodies.length || table.tBodies[0].rows.length < MIN_ROWS) { return; }
    var headings = head.rows[head.rows.length - 1].cells;
    table.classList.add("cpo-sortable");
    Array.prototype.forEach.call(headings, function (heading, index) {
      heading.tabIndex = 0;
      heading.title = "Sort by this column";
      heading.addEventListener("click", function () { sortBy(table, heading, index); });
      heading.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(table, heading, index);
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("article table").forEach(makeSortable);
  });
})();
