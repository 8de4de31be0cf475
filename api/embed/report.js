/* Warren's embeddable public report.
 *
 * Shown in an <iframe> on partner websites (see warren-directory.js with
 * data-page="report"). Reads the anonymous public report from Warren's own
 * origin and draws its tables; a suppressed cell (null) is shown as "–".
 * Query parameters: from, to (YYYY-MM; default the last twelve months),
 * accent, background, text (CSS colours), title. Reports its height to the
 * parent page as {type: "warren:resize", height}.
 */
(function () {
  "use strict";

  var params = new URLSearchParams(location.search);
  var API = new URL("../api/v1/public/", location.href);
  var $ = function (id) {
    return document.getElementById(id);
  };

  var TIERS = {
    immediate: "1 Immediate",
    very_urgent: "2 Very urgent",
    urgent: "3 Urgent",
    standard: "4 Standard",
    non_urgent: "5 Non-urgent"
  };
  var OUTCOMES = {
    treated_and_returned: "Treated and returned",
    admitted: "Admitted",
    transferred_on: "Transferred on",
    released: "Released",
    died: "Died",
    euthanised: "Euthanised",
    none: "No outcome yet"
  };

  function words(code) {
    var last = code.split("/").pop().replace(/_/g, " ");
    return last.charAt(0).toUpperCase() + last.slice(1);
  }
  function speciesLabel(code) {
    return code === "other" ? "Other species" : words(code);
  }
  function monthLabel(month) {
    var parts = month.split("-");
    var date = new Date(Date.UTC(+parts[0], +parts[1] - 1, 1));
    return date.toLocaleDateString("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
  }

  function cell(tag, text, hidden) {
    var element = document.createElement(tag);
    element.textContent = text;
    if (hidden) {
      element.className = "hidden-cell";
      element.title = "Suppressed: fewer than 5 cases, or it could reveal one";
    }
    return element;
  }
  function count(value) {
    return value === null || value === undefined ? cell("td", "–", true) : cell("td", String(value));
  }

  function drawTable(table, data, label) {
    table.textContent = "";
    var head = table.createTHead().insertRow();
    head.appendChild(cell("th", "Month"));
    data.columns.forEach(function (column) {
      head.appendChild(cell("th", label(column)));
    });
    head.appendChild(cell("th", "Total"));
    [].forEach.call(head.children, function (th) {
      th.scope = "col";
    });
    var body = table.createTBody();
    data.rows.forEach(function (row) {
      var line = body.insertRow();
      line.setAttribute("data-month", row.month);
      var name = cell("th", monthLabel(row.month));
      name.scope = "row";
      line.appendChild(name);
      row.cells.forEach(function (value) {
        line.appendChild(count(value));
      });
      line.appendChild(count(row.total));
    });
    var foot = table.createTFoot().insertRow();
    var total = cell("th", "All months");
    total.scope = "row";
    foot.appendChild(total);
    data.column_totals.forEach(function (value) {
      foot.appendChild(count(value));
    });
    foot.appendChild(count(data.total));
  }

  function drawRates(table, months) {
    table.textContent = "";
    var head = table.createTHead().insertRow();
    ["Month", "Accepted", "Median time to first vet"].forEach(function (text) {
      var th = cell("th", text);
      th.scope = "col";
      head.appendChild(th);
    });
    var body = table.createTBody();
    months.forEach(function (month) {
      var line = body.insertRow();
      var name = cell("th", monthLabel(month.month));
      name.scope = "row";
      line.appendChild(name);
      var rate = month.acceptance_rate;
      line.appendChild(rate === null ? cell("td", "–", true) : cell("td", Math.round(rate * 100) + " %"));
      var minutes = month.median_minutes_to_first_vet;
      line.appendChild(
        minutes === null
          ? cell("td", "–", true)
          : cell("td", minutes < 120 ? Math.round(minutes) + " min" : (minutes / 60).toFixed(1) + " h")
      );
    });
  }

  function applyTheme() {
    var style = document.documentElement.style;
    [
      ["accent", "--accent"],
      ["background", "--bg"],
      ["text", "--text"]
    ].forEach(function (pair) {
      var value = params.get(pair[0]);
      if (value && CSS.supports("color", value)) style.setProperty(pair[1], value);
    });
    var title = params.get("title");
    if (title) $("heading").textContent = title.slice(0, 120);
  }

  var reported = 0;
  function reportHeight() {
    if (window.parent === window) return;
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === reported) return;
    reported = height;
    window.parent.postMessage({ type: "warren:resize", height: height }, "*");
  }

  function load() {
    var query = new URLSearchParams();
    ["from", "to"].forEach(function (name) {
      var value = params.get(name);
      if (value && /^\d{4}-\d{2}$/.test(value)) query.set(name, value);
    });
    var url = new URL("report?" + query.toString(), API).href;
    $("source").href = new URL("../../../report", API).href;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" })
      .then(function (response) {
        if (response.ok) return response.json();
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (problem) {
            throw new Error((problem && problem.detail) || "The report could not be loaded.");
          });
      })
      .then(function (report) {
        $("min-cases").textContent = report.min_cases;
        $("period").textContent = monthLabel(report.from) + " to " + monthLabel(report.to);
        drawRates($("rates"), report.months);
        drawTable($("tiers"), report.cases_by_tier, function (code) {
          return TIERS[code] || code;
        });
        drawTable($("outcomes"), report.cases_by_outcome, function (code) {
          return OUTCOMES[code] || words(code);
        });
        drawTable($("species"), report.cases_by_species, speciesLabel);
        document.body.setAttribute("data-loaded", "true");
        reportHeight();
      })
      .catch(function (error) {
        $("period").textContent = "";
        var box = $("error");
        box.textContent = error.message;
        box.hidden = false;
        reportHeight();
      });
  }

  applyTheme();
  load();
  if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.documentElement);
  window.addEventListener("load", reportHeight);
})();
