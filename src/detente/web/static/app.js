/* Dashboard behaviour. Charts are drawn on the server (report_figures, the same renderer as the report) from
   the page's JSON twin; this script only drives the dyad picker and marks the page ready. */
(function () {
  "use strict";
  var body = document.body, page = body.dataset.page;

  function status(msg) {
    var s = document.getElementById("status");
    if (s) s.textContent = msg;
  }
  if (page === "dyads") {
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
  }
  body.dataset.ready = "1";
})();
