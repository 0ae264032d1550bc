// vpcdoctor report: the findings filters, and every expander opened for
// printing. Without this script the page shows everything.
(function () {
  "use strict";

  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  var form = document.getElementById("filters");
  var table = document.getElementById("findings-table");
  var status = document.getElementById("findings-status");
  if (!form || !table || !status) {
    return;
  }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody > tr.finding"));
  var severities = Array.prototype.slice.call(form.querySelectorAll('input[name="severity"]'));
  var rule = document.getElementById("filter-rule");
  var text = document.getElementById("filter-resource");
  var suppressed = document.getElementById("filter-suppressed");

  function apply() {
    var wanted = {};
    severities.forEach(function (c) { wanted[c.value] = c.checked; });
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var ok = wanted[d.severity] !== false &&
        (rule.value === "" || d.rule === rule.value) &&
        words.every(function (w) { return d.resources.indexOf(w) >= 0; }) &&
        (d.suppressed !== "true" || (suppressed !== null && suppressed.checked));
      row.hidden = !ok;
      if (ok) {
        shown++;
      }
    });
    var message = status.dataset.format
      .replace("{shown}", String(shown))
      .replace("{total}", String(rows.length));
    if (status.textContent !== message) {
      status.textContent = message;
    }
  }

  // On a large account (thousands of rows) typing in the resource filter
  // waits for a pause instead of filtering at every key.
  var timer = 0;
  form.addEventListener("input", function (e) {
    if (e.target === text && rows.length > 1000) {
      window.clearTimeout(timer);
      timer = window.setTimeout(apply, 200);
      return;
    }
    apply();
  });
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  apply();
}());
