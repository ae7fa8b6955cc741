(function () {
  "use strict";
  var table = document.getElementById("tasks");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var agency = document.getElementById("f-agency");
  var role = document.getElementById("f-role");
  var area = document.getElementById("f-area");
  var light = document.getElementById("f-light");
  var status = document.getElementById("f-status");
  var text = document.getElementById("f-text");
  var count = document.getElementById("shown");
  var empty = document.getElementById("empty");
  function names(row, key) {
    var value = row.getAttribute("data-" + key);
    return value ? value.split("|") : [];
  }
  function apply() {
    var shown = 0;
    var query = text.value.trim().toLowerCase();
    rows.forEach(function (row) {
      var ok = true;
      if (agency.value) {
        var found = role.value === "support" ? names(row, "support")
          : role.value === "lead" ? names(row, "lead")
          : names(row, "lead").concat(names(row, "support"));
        ok = found.indexOf(agency.value) >= 0;
      }
      if (ok && area.value) { ok = row.getAttribute("data-area") === area.value; }
      if (ok && light.value) { ok = row.getAttribute("data-light") === light.value; }
      if (ok && status.value) { ok = row.getAttribute("data-status") === status.value; }
      if (ok && query) { ok = row.textContent.toLowerCase().indexOf(query) >= 0; }
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = String(shown);
    empty.hidden = shown > 0;
  }
  [agency, role, area, light, status].forEach(function (el) {
    el.addEventListener("change", apply);
  });
  text.addEventListener("input", apply);
  document.getElementById("f-reset").addEventListener("click", function () {
    agency.value = ""; role.value = "any"; area.value = ""; light.value = "";
    status.value = ""; text.value = "";
    apply();
  });
  Array.prototype.forEach.call(document.querySelectorAll("svg .area"), function (bar) {
    function pick() {
      area.value = bar.getAttribute("data-area");
      apply();
      table.scrollIntoView();
    }
    bar.addEventListener("click", pick);
    bar.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); pick(); }
    });
  });
  apply();
}());
