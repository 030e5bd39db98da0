// Questionnaire pages: show-if logic on the answering form and in the
// builder, charts on the results page, and the report's print button.
// Every page works without this file: the server applies show-if when the
// form is updated or submitted, and the tables carry every figure the
// charts draw. Texts come from the page, never from here.
(function () {
  "use strict";

  // --- Answering: show an item only when its condition holds. ---
  // Items carry data-show-if (the controlling item's ID) and
  // data-show-values (codes, space-separated); conditions only look back,
  // so one pass in document order settles every chain.
  function chosen(form, itemID) {
    var values = [];
    var inputs = form.querySelectorAll('[name="a.' + itemID + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if ((el.type === "radio" || el.type === "checkbox") ? el.checked : el.value !== "") {
        values.push(el.value);
      }
    }
    return values;
  }

  function applyShowIf(form) {
    var items = form.querySelectorAll(".survey-q[data-show-if]");
    for (var i = 0; i < items.length; i++) {
      var q = items[i];
      var ctrl = document.getElementById("q-" + q.getAttribute("data-show-if"));
      var wanted = (q.getAttribute("data-show-values") || "").split(" ");
      var visible = !!ctrl && !ctrl.hidden && chosen(form, q.getAttribute("data-show-if")).some(function (v) {
        return wanted.indexOf(v) >= 0;
      });
      q.hidden = !visible;
    }
  }

  var forms = document.querySelectorAll("[data-survey-form]");
  for (var f = 0; f < forms.length; f++) {
    (function (form) {
      form.addEventListener("change", function () { applyShowIf(form); });
      applyShowIf(form);
      var update = form.querySelector("[data-survey-update]");
      if (update) {
        update.hidden = true; // visibility follows the answers at once
      }
    })(forms[f]);
  }

  // --- Builder: show the codes of the chosen condition item only. ---
  var select = document.querySelector("[data-show-if-select]");
  if (select) {
    var syncCodes = function () {
      var groups = document.querySelectorAll("[data-show-if-for]");
      for (var i = 0; i < groups.length; i++) {
        groups[i].hidden = groups[i].getAttribute("data-show-if-for") !== select.value;
      }
    };
    select.addEventListener("change", syncCodes);
    syncCodes();
  }

  // --- Results: bar charts from results.json. ---
  var charts = document.querySelectorAll(".chart[data-chart][data-src]");
  if (charts.length && window.echarts && window.fetch) {
    var requests = {};
    var load = function (src) {
      if (!requests[src]) {
        requests[src] = fetch(src, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { charts: {} }; });
      }
      return requests[src];
    };
    Array.prototype.forEach.call(charts, function (el) {
      load(el.getAttribute("data-src")).then(function (data) {
        var spec = data.charts && data.charts[el.getAttribute("data-chart")];
        if (!spec || !spec.labels || spec.labels.length === 0) {
          el.hidden = true;
          return;
        }
        var chart = window.echarts.init(el, null, { renderer: "canvas" });
        chart.setOption({
          animation: false,
          tooltip: { trigger: "axis" },
          legend: spec.series.length > 1 ? {} : undefined,
          grid: { left: 8, right: 16, top: spec.series.length > 1 ? 32 : 16, bottom: 8, containLabel: true },
          xAxis: { type: "category", data: spec.labels, axisLabel: { interval: 0, hideOverlap: true } },
          yAxis: { type: "value", axisLabel: { formatter: spec.unit ? "{value}" + spec.unit : "{value}" } },
          series: spec.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
        });
        window.addEventListener("resize", function () { chart.resize(); });
      });
    });
  }

  // --- Report: print, and select a new link for copying. ---
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });
  var copy = document.querySelector(".copy-field");
  if (copy) {
    copy.addEventListener("focus", function () { copy.select(); });
  }
})();
