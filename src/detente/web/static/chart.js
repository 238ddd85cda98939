/* detente's own small SVG charts (no dependencies): a time-series line chart and a signed network. */
(function (root) {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#117a8b"];

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) { if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]); }
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, attrs) {
    var t = el("text", Object.assign({x: x, y: y}, attrs || {}), parent);
    t.textContent = s;
    return t;
  }
  function ts(s) { return typeof s === "number" ? s : Date.parse(String(s).slice(0, 10) + "T00:00:00Z"); }
  function niceTicks(lo, hi, n) {
    if (!(hi > lo)) { hi = lo + 1; }
    var step = Math.pow(10, Math.floor(Math.log10((hi - lo) / n)));
    var err = (hi - lo) / n / step;
    step *= err >= 7.5 ? 10 : err >= 3.5 ? 5 : err >= 1.5 ? 2 : 1;
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(+v.toFixed(10));
    return out;
  }
  function fmt(v) {
    var a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toFixed(1) + "M";
    if (a >= 1e3) return (v / 1e3).toFixed(a >= 1e4 ? 0 : 1) + "k";
    return a >= 10 || v === 0 ? v.toFixed(0) : v.toPrecision(2);
  }

  /* opts: {series: [{name, points: [[date, value], ...]}], bands: [{start, end, label}], marks: [{x, label}],
            ylabel, width, height} */
  function lineChart(container, opts) {
    container.innerHTML = "";
    var W = opts.width || container.clientWidth || 760, H = opts.height || 300;
    var m = {l: 56, r: 12, t: 38, b: 30};
    var svg = el("svg", {viewBox: "0 0 " + W + " " + H, width: "100%", class: "chart", role: "img",
                         "aria-label": opts.title || "time series"}, container);
    var xs = [], ys = [];
    (opts.series || []).forEach(function (s) {
      s.points.forEach(function (p) { if (p[1] !== null && p[1] !== undefined) { xs.push(ts(p[0])); ys.push(+p[1]); } });
    });
    if (!xs.length) { text(svg, W / 2, H / 2, "no data for this choice", {"text-anchor": "middle", class: "empty"}); return svg; }
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min(0, Math.min.apply(null, ys)), y1 = Math.max(0, Math.max.apply(null, ys));
    if (x1 === x0) { x1 = x0 + 86400000; }
    if (y1 === y0) { y1 = y0 + 1; }
    var pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
    function X(t) { return m.l + (t - x0) / (x1 - x0) * (W - m.l - m.r); }
    function Y(v) { return H - m.b - (v - y0) / (y1 - y0) * (H - m.t - m.b); }
    (opts.bands || []).forEach(function (b, i) {
      var a = Math.max(ts(b.start || x0), x0), z = Math.min(ts(b.end || x1), x1);
      if (!(z > a)) return;
      el("rect", {x: X(a), y: m.t, width: X(z) - X(a), height: H - m.t - m.b, class: "band band" + (i % 4)}, svg);
      if (X(z) - X(a) > 40) text(svg, X(a) + 3, m.t - 4, b.label || "", {class: "bandlabel"});
    });
    niceTicks(y0, y1, 5).forEach(function (v) {
      el("line", {x1: m.l, x2: W - m.r, y1: Y(v), y2: Y(v), class: v === 0 ? "zero" : "grid"}, svg);
      text(svg, m.l - 6, Y(v) + 4, fmt(v), {"text-anchor": "end", class: "tick"});
    });
    var yr0 = new Date(x0).getUTCFullYear(), yr1 = new Date(x1).getUTCFullYear();
    var stepY = Math.max(1, Math.ceil((yr1 - yr0 + 1) / 8));
    for (var y = yr0; y <= yr1 + 1; y += stepY) {
      var t = Date.UTC(y, 0, 1);
      if (t < x0 || t > x1) continue;
      el("line", {x1: X(t), x2: X(t), y1: H - m.b, y2: H - m.b + 4, class: "axis"}, svg);
      text(svg, X(t), H - m.b + 16, String(y), {"text-anchor": "middle", class: "tick"});
    }
    if (yr0 === yr1 || (x1 - x0) < 400 * 86400000) {
      text(svg, W - m.r, H - 4, new Date(x0).toISOString().slice(0, 10) + " .. " + new Date(x1).toISOString().slice(0, 10),
           {"text-anchor": "end", class: "tick"});
    }
    el("line", {x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b, class: "axis"}, svg);
    var legendX = m.l;
    (opts.series || []).forEach(function (s, i) {
      var d = "", pen = false;
      s.points.forEach(function (p) {
        if (p[1] === null || p[1] === undefined) { pen = false; return; }
        d += (pen ? "L" : "M") + X(ts(p[0])).toFixed(1) + "," + Y(+p[1]).toFixed(1);
        pen = true;
      });
      el("path", {d: d, class: "line", stroke: s.color || COLORS[i % COLORS.length]}, svg);
      if (s.points.length < 60) {
        s.points.forEach(function (p) {
          if (p[1] === null || p[1] === undefined) return;
          el("circle", {cx: X(ts(p[0])), cy: Y(+p[1]), r: 2.5, fill: s.color || COLORS[i % COLORS.length]}, svg);
        });
      }
      var label = "— " + (s.name || "");
      text(svg, legendX, 13, label, {class: "legend", fill: s.color || COLORS[i % COLORS.length]});
      legendX += label.length * 7.2 + 24;  // advance past this label (bold 12px text is about 7 px a character)
    });
    (opts.marks || []).forEach(function (k) {
      var t = ts(k.x);
      if (t < x0 || t > x1) return;
      el("line", {x1: X(t), x2: X(t), y1: m.t, y2: H - m.b, class: "mark"}, svg);
      var lab = el("title", {}, el("circle", {cx: X(t), cy: m.t + 2, r: 4, class: "markdot"}, svg));
      lab.textContent = (k.label || "") + " " + k.x;
    });
    if (opts.ylabel) { text(svg, 12, m.t + (H - m.t - m.b) / 2, opts.ylabel, {class: "ylabel", transform: "rotate(-90 12 " + (m.t + (H - m.t - m.b) / 2) + ")", "text-anchor": "middle"}); }
    return svg;
  }

  /* opts: {nodes: [{id, bloc}], edges: [{a, b, sign, weight}]} drawn on a circle. */
  function networkChart(container, opts) {
    container.innerHTML = "";
    var W = opts.width || 520, H = opts.height || 420, R = Math.min(W, H) / 2 - 46;
    var svg = el("svg", {viewBox: "0 0 " + W + " " + H, width: "100%", class: "chart network", role: "img",
                         "aria-label": "signed network"}, container);
    var nodes = opts.nodes || [], pos = {};
    if (!nodes.length) { text(svg, W / 2, H / 2, "no network for this period", {"text-anchor": "middle", class: "empty"}); return svg; }
    nodes.forEach(function (n, i) {
      var a = -Math.PI / 2 + 2 * Math.PI * i / nodes.length;
      pos[n.id] = [W / 2 + R * Math.cos(a), H / 2 + R * Math.sin(a)];
    });
    var wmax = Math.max.apply(null, (opts.edges || []).map(function (e) { return Math.abs(e.weight || 1); }).concat([1e-9]));
    (opts.edges || []).forEach(function (e) {
      var p = pos[e.a], q = pos[e.b];
      if (!p || !q) return;
      var ln = el("line", {x1: p[0], y1: p[1], x2: q[0], y2: q[1], class: e.sign > 0 ? "pos" : e.sign < 0 ? "neg" : "unc",
                           "stroke-width": (1 + 4 * Math.abs(e.weight || 1) / wmax).toFixed(1)}, svg);
      el("title", {}, ln).textContent = e.a + "–" + e.b + ": " + (e.sign > 0 ? "+" : "−") + " " + (e.weight === undefined ? "" : (+e.weight).toPrecision(3));
    });
    nodes.forEach(function (n) {
      var p = pos[n.id];
      el("circle", {cx: p[0], cy: p[1], r: 17, class: "node bloc" + ((n.bloc === undefined || n.bloc === null) ? "x" : n.bloc)}, svg);
      text(svg, p[0], p[1] + 4, n.id, {"text-anchor": "middle", class: "nodelabel"});
    });
    return svg;
  }

  root.DetenteChart = {lineChart: lineChart, networkChart: networkChart};
})(window);
