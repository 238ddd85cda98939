/* Dashboard behaviour: every chart is drawn from the page's JSON twin (the same numbers the page shows). */
(function () {
  "use strict";
  var body = document.body, page = body.dataset.page, twin = body.dataset.twin;

  function status(msg) {
    var s = document.getElementById("status");
    if (s) s.textContent = msg;
  }
  function load(fn) {
    fetch(twin, {headers: {Accept: "application/json"}})
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || r.statusText); return j; }); })
      .then(function (d) { fn(d); body.dataset.ready = "1"; })
      .catch(function (e) { status("could not load " + twin + ": " + e.message); body.dataset.ready = "error"; });
  }
  function seriesOf(d) {  /* one line per dataset */
    var by = {}, order = [];
    (d.points || []).forEach(function (p) {
      var k = p.dataset || "";
      if (!by[k]) { by[k] = []; order.push(k); }
      by[k].push([p.period, p.value]);
    });
    return order.map(function (k) {
      return {name: d.a + "–" + d.b + " " + (d.value_label || "value") + (k ? " · " + k : ""), points: by[k]};
    });
  }
  function bandsOf(d) { return (d.periods || []).map(function (p) { return {start: p.start, end: p.end, label: p.name}; }); }
  function marksOf(d) { return (d.marks || []).map(function (m) { return {x: m.date, label: m.label}; }); }

  if (page === "dyad") {
    load(function (d) {
      DetenteChart.lineChart(document.getElementById("chart"), {series: seriesOf(d), bands: bandsOf(d),
        marks: marksOf(d), ylabel: d.value_label, title: d.a + "-" + d.b});
    });
  } else if (page === "network") {
    load(function (d) {
      if (d.status === "unavailable") return;
      DetenteChart.networkChart(document.getElementById("chart"), {nodes: d.nodes, edges: d.edges});
    });
  } else if (page === "claim") {
    load(function (d) {
      (d.charts || []).forEach(function (c, i) {
        var box = document.getElementById("chart-" + i);
        if (box) DetenteChart.lineChart(box, {series: c.series, bands: bandsOf(d), marks: (c.marks || []).map(function (m) { return {x: m.date, label: m.label}; }), ylabel: c.ylabel, height: 240});
      });
    });
  } else if (page === "dyads") {
    var f = document.getElementById("pick");
    if (f) {
      f.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var a = f.a.value.trim().toUpperCase(), b = f.b.value.trim().toUpperCase();
        if (!/^[A-Z]{3}$/.test(a) || !/^[A-Z]{3}$/.test(b)) { status("actor codes are three letters, e.g. IRN"); return; }
        var q = [];
        if (f.period && f.period.value) q.push("period=" + encodeURIComponent(f.period.value));
        if (f.freq && f.freq.value) q.push("freq=" + encodeURIComponent(f.freq.value));
        window.location.href = "/dyads/" + a + "/" + b + (q.length ? "?" + q.join("&") : "");
      });
    }
    body.dataset.ready = "1";
  } else {
    body.dataset.ready = "1";
  }
})();
