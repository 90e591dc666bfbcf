// faultline report: the timeline, the plots and the anomalies' small
// timelines, drawn from the page's JSON data block. Every string that came
// from the history reaches the page through textContent, canvas text or SVG
// text nodes — never as markup. window.faultlineReport exposes what was
// drawn, so a headless browser can check the page (mirrored on <html> as
// data-fl-* attributes for --dump-dom).
(function () {
  'use strict';
  var root = document.documentElement;
  var R = window.faultlineReport = {
    ready: false, errors: [], total: 0, drawn: 0, rects: 0, expected: 0, highlighted: 0,
    mini: 0, view: null, loadMs: 0, jumpTo: null, selected: -1
  };
  window.addEventListener('error', function (e) {
    R.errors.push(String(e.message));
    root.setAttribute('data-fl-errors', String(R.errors.length));
  });

  var COLORS = ['#6db6fe', '#fe8fb5', '#ffaa26'];     // ok, fail, info (bars)
  var FAULT_FILL = 'rgba(217, 83, 79, 0.13)';
  var MARK = '#b0002a';

  var marks = { start: performance.now() };
  var dataEl = document.getElementById('fl-data');
  var D = JSON.parse(dataEl.textContent);
  dataEl.textContent = '';   // the parsed copy is all we need
  marks.parsed = performance.now();

  var TYPES = { i8: Int8Array, i16: Int16Array, i32: Int32Array, f32: Float32Array, f64: Float64Array, u8: Uint8Array };
  function decodeColumn(s) {
    var colon = s.indexOf(':'), T = TYPES[s.slice(0, colon)];
    var bytes;
    if (Uint8Array.fromBase64) {
      bytes = Uint8Array.fromBase64(s.slice(colon + 1));
    } else {
      var bin = atob(s.slice(colon + 1)), n = bin.length;
      bytes = new Uint8Array(n);
      for (var i = 0; i < n; i++) bytes[i] = bin.charCodeAt(i);
    }
    return new T(bytes.buffer, bytes.byteOffset, bytes.byteLength / T.BYTES_PER_ELEMENT);
  }
  // The rows of a data block (the page's own, or a range `faultline serve`
  // sent): columns, with ends and completion indexes from durations and distances.
  function decodeRows(n, cols, texts) {
    var o = { n: n, texts: texts };
    ['lane', 'f', 'arg', 'result', 'error', 'node', 'start', 'outcome', 'process', 'inv'].forEach(function (c) {
      o[c] = decodeColumn(cols[c]);
    });
    var dur = decodeColumn(cols.duration), delta = decodeColumn(cols.cmpDelta);
    o.end = new Float64Array(n); o.cmp = new Float64Array(n);
    for (var r = 0; r < n; r++) {
      o.end[r] = dur[r] < 0 ? -1 : o.start[r] + dur[r];
      o.cmp[r] = dur[r] < 0 ? -1 : o.inv[r] + delta[r];
    }
    return o;
  }
  var base = decodeRows(D.n, D.cols, D.texts);
  var N, lane, fcol, arg, result, error, node, start, outcome, proc, inv, end, cmp, texts;
  var fs = D.fs, tEnd = Math.max(D.tEnd, 1);
  // A summarized history (report/timeline_summary.h): its bins, and the time
  // ranges where every op is a row (its windows, then the ranges fetched
  // from `faultline serve`), sorted and merged.
  var S = D.summary || null, sumLanes = null, sumSeries = null, latMin = null, latMax = null, covered = [];
  if (S) {
    sumLanes = decodeColumn(D.sum.lanes); sumSeries = decodeColumn(D.sum.series);
    latMin = decodeColumn(D.sum.latMin); latMax = decodeColumn(D.sum.latMax);
    covered = S.windows.map(function (w) { return [w[0], w[1]]; });
  }
  var served = /^https?:$/.test(location.protocol);
  // The plots' colours by operation name and the outcomes' names: the same
  // as the gnuplot images' (report/plot_series.h).
  var PALETTE = D.palette, OUTCOME = D.outcomes;
  D.cols = null; D.sum = null;
  marks.decoded = performance.now();

  var nLanes = D.lanes.length, laneStart = new Int32Array(nLanes + 1);
  var wanted = new Map();   // op index -> row
  var markedRows = [], marked = new Set();
  D.anomalies.forEach(function (a) { a.ops.forEach(function (x) { wanted.set(x, -1); }); });
  function useRows(o) {
    N = o.n; lane = o.lane; fcol = o.f; arg = o.arg; result = o.result; error = o.error; node = o.node;
    start = o.start; outcome = o.outcome; proc = o.process; inv = o.inv; end = o.end; cmp = o.cmp; texts = o.texts;
    // The first row of every lane (rows are sorted by lane, then start).
    for (var L0 = 0, i0 = 0; L0 <= nLanes; L0++) {
      while (i0 < N && lane[i0] < L0) i0++;
      laneStart[L0] = i0;
    }
    // ---- ops named by anomalies ----
    if (wanted.size) {
      wanted.forEach(function (v, x) { wanted.set(x, -1); });
      for (var r = 0; r < N; r++) {
        if (wanted.has(inv[r])) wanted.set(inv[r], r);
        if (cmp[r] >= 0 && wanted.has(cmp[r])) wanted.set(cmp[r], r);
      }
    }
    markedRows = []; marked = new Set();
    wanted.forEach(function (row) { if (row >= 0 && !marked.has(row)) { marked.add(row); markedRows.push(row); } });
    R.expected = markedRows.length;
  }
  useRows(base);
  R.total = S ? S.ops : N;
  R.summarized = !!S;
  function endOf(r) { return end[r] < 0 ? tEnd : end[r]; }
  marks.indexed = performance.now();

  // Rows fetched for [from, to] join the page's rows (each op once); past
  // two million rows, the fetched ones are dropped for the new.
  var fetchedRanges = 0, fetchedList = [];   // fetched ranges, sorted, not overlapping
  function mergeRows(from, to, got) {
    var add = decodeRows(got.n, got.cols, got.texts);
    var own = N + add.n > 2000000 ? base : { n: N, lane: lane, f: fcol, arg: arg, result: result, error: error, node: node,
      start: start, outcome: outcome, process: proc, inv: inv, end: end, cmp: cmp, texts: texts };
    if (own === base) { covered = S.windows.map(function (w) { return [w[0], w[1]]; }); fetchedList = []; }
    var have = new Set(own.inv), keep = [];
    for (var i = 0; i < add.n; i++) if (!have.has(add.inv[i])) keep.push(i);
    var n = own.n + keep.length, order = new Int32Array(n);
    for (var j = 0; j < n; j++) order[j] = j;
    function at(col, j) { return j < own.n ? own[col][j] : add[col][keep[j - own.n]]; }
    order.sort(function (a, b) { return at('lane', a) - at('lane', b) || at('start', a) - at('start', b); });
    var shift = own.texts.length, out = { n: n, texts: own.texts.concat(add.texts) };
    ['lane', 'f', 'arg', 'result', 'error', 'node', 'start', 'outcome', 'process', 'inv', 'end', 'cmp'].forEach(function (c) {
      var T = own[c].constructor, big = T === Int8Array || T === Int16Array || T === Int32Array ? Float64Array : T;
      var col = new big(n);
      var textual = c === 'arg' || c === 'result' || c === 'error' || c === 'node';
      for (var j = 0; j < n; j++) {
        var o = order[j], v = at(c, o);
        if (textual && o >= own.n && v >= 0) v += shift;
        col[j] = v;
      }
      out[c] = col;
    });
    useRows(out);
    function withRange(list) {
      list = list.concat([[from, to]]);
      list.sort(function (a, b) { return a[0] - b[0]; });
      var merged = [];
      list.forEach(function (w) {
        if (merged.length && w[0] <= merged[merged.length - 1][1]) merged[merged.length - 1][1] = Math.max(merged[merged.length - 1][1], w[1]);
        else merged.push([w[0], w[1]]);
      });
      return merged;
    }
    covered = withRange(covered);
    fetchedList = withRange(fetchedList);
    fetchedRanges++;
  }
  // Whether t lies in one of the sorted ranges.
  function inRanges(list, t) {
    var lo = 0, hi = list.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (list[mid][1] < t) lo = mid + 1; else hi = mid; }
    return lo < list.length && list[lo][0] <= t;
  }
  // The parts of [s, e] where the rows are not every op: f(from, to) for each.
  function uncovered(s, e, f) {
    var lo = 0, hi = covered.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (covered[mid][1] <= s) lo = mid + 1; else hi = mid; }
    var at = s;
    for (var i = lo; i < covered.length && covered[i][0] < e; i++) {
      if (covered[i][0] > at) f(at, covered[i][0]);
      at = Math.max(at, covered[i][1]);
    }
    if (at < e) f(at, e);
  }

  function rowOf(index) {
    if (wanted.has(index) && wanted.get(index) >= 0) return wanted.get(index);
    for (var r = 0; r < N; r++) if (inv[r] === index || cmp[r] === index) return r;
    return -1;
  }

  // ---- text of an op -----------------------------------------------------
  function fmtTime(t) {
    if (!D.realTime) return 'event ' + Math.round(t + D.origin);
    if (t === 0) return '0 s';
    return (t / 1e9).toFixed(t < 1e7 ? 6 : 3) + ' s';
  }
  function fmtDur(d) {
    if (!D.realTime) return Math.round(d) + (Math.round(d) === 1 ? ' event' : ' events');
    if (d < 1e3) return d.toFixed(0) + ' ns';
    if (d < 1e6) return (d / 1e3).toFixed(1) + ' µs';
    if (d < 1e9) return (d / 1e6).toFixed(2) + ' ms';
    return (d / 1e9).toFixed(3) + ' s';
  }
  // A decade of the latency axis, without trailing zeros: 1 ms, 10 ms, 1 s.
  function fmtDecade(d) {
    var s = fmtDur(d), sp = s.indexOf(' ');
    return String(parseFloat(s.slice(0, sp))) + s.slice(sp);
  }
  function opLabel(r) {
    var s = fs[fcol[r]];
    if (texts[arg[r]] !== 'null') s += ' ' + texts[arg[r]];
    if (result[r] >= 0 && result[r] !== arg[r] && texts[result[r]] !== 'null') s += ' → ' + texts[result[r]];
    return s;
  }
  function opText(r) {
    var lines = [];
    lines.push('op ' + (cmp[r] >= 0 ? cmp[r] : inv[r]) + ' (invoked at index ' + inv[r] + ')' + ' · process ' + proc[r] +
               (node[r] >= 0 ? ' · node ' + texts[node[r]] : ''));
    lines.push(opLabel(r) + '   [' + (end[r] < 0 ? 'never completed: info' : OUTCOME[outcome[r]]) + ']');
    lines.push('invoked ' + fmtTime(start[r]) + (end[r] < 0 ? '' : ' · completed ' + fmtTime(end[r]) +
               ' · latency ' + fmtDur(end[r] - start[r])));
    if (error[r] >= 0) lines.push('error: ' + texts[error[r]]);
    return lines.join('\n');
  }

  // ---- the timeline ------------------------------------------------------
  var tl = document.getElementById('tl'), wrap = document.getElementById('tl-wrap');
  var tip = document.getElementById('tip'), status = document.getElementById('tl-status');
  var detail = document.getElementById('tl-detail');
  var GUTTER = 64, TOP = 22, AXIS = 22, MAXH = 640;
  var laneH = Math.max(3, Math.min(22, Math.floor(560 / Math.max(1, nLanes))));
  var shownLanes = Math.min(nLanes, Math.floor(MAXH / laneH));
  var view = { t0: -tEnd * 0.01, t1: tEnd * 1.01, lane0: 0 };
  R.view = view;
  var dpr = window.devicePixelRatio || 1;
  var listeners = [];   // the plots follow the timeline's view

  function size(canvas, h, readBack) {
    var w = canvas.parentNode.clientWidth || 1200;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    canvas.style.height = h + 'px';
    var ctx = canvas.getContext('2d', { willReadFrequently: !!readBack });
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return { ctx: ctx, w: w, h: h };
  }
  function niceStep(span, count) {
    var raw = span / count, p = Math.pow(10, Math.floor(Math.log10(raw)));
    var m = [1, 2, 5, 10].find(function (k) { return k * p >= raw; });
    return m * p;
  }
  function drawFaults(ctx, x, top, h, t0, t1, labels) {
    var k = (x.w - GUTTER) / (t1 - t0);
    D.faults.forEach(function (w) {
      if (w.end < t0 || w.start > t1) return;
      var x0 = GUTTER + (w.start - t0) * k, x1 = GUTTER + (w.end - t0) * k;
      x0 = Math.max(GUTTER, x0);
      if (w.end > w.start) {
        ctx.fillStyle = FAULT_FILL;
        ctx.fillRect(x0, top, Math.max(1, Math.min(x.w, x1) - x0), h);
      } else {
        ctx.strokeStyle = '#d9534f';
        ctx.setLineDash([3, 3]);
        ctx.beginPath(); ctx.moveTo(x0 + 0.5, top); ctx.lineTo(x0 + 0.5, top + h); ctx.stroke();
        ctx.setLineDash([]);
      }
      if (labels && (x1 - x0 > 30 || w.end === w.start)) {
        ctx.fillStyle = '#a94442';
        ctx.font = '11px sans-serif';
        ctx.fillText(w.name, x0 + 3, labels, Math.max(30, Math.min(x.w, x1) - x0 - 4));
      }
    });
  }
  // An axis label in the unit the step calls for, with the decimals it needs.
  function timeLabel(t, step) {
    var units = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs'], [1, 'ns']], u = units.find(function (x) { return step >= x[0]; }) || units[3];
    var v = t / u[0], decimals = Math.max(0, -Math.floor(Math.log10(step / u[0]) + 1e-9));
    return (Math.abs(v) < 1e-12 ? '0' : v.toFixed(Math.min(6, decimals))) + ' ' + u[1];
  }
  function drawAxis(ctx, x, y, t0, t1) {
    var k = (x.w - GUTTER) / (t1 - t0), step = niceStep(t1 - t0, Math.max(2, (x.w - GUTTER) / 110));
    if (!D.realTime) step = Math.max(1, step);  // event indexes are whole: no tick between two
    ctx.fillStyle = '#5b6574'; ctx.strokeStyle = '#c7ccd4'; ctx.font = '11px sans-serif';
    ctx.beginPath(); ctx.moveTo(GUTTER, y + 0.5); ctx.lineTo(x.w, y + 0.5); ctx.stroke();
    for (var t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
      var px = GUTTER + (t - t0) * k;
      ctx.beginPath(); ctx.moveTo(px + 0.5, y); ctx.lineTo(px + 0.5, y + 4); ctx.stroke();
      var label = D.realTime ? timeLabel(t, step) : String(Math.round(t + D.origin));
      // The last tick's label ends at the edge rather than being cut by it.
      ctx.fillText(label, Math.min(px + 2, x.w - 2 - ctx.measureText(label).width), y + 15);
    }
  }

  var tlBox = null;
  function drawTimeline() {
    var h = TOP + shownLanes * laneH + AXIS;
    var x = tlBox = size(tl, h), ctx = x.ctx;
    var t0 = view.t0, t1 = view.t1, k = (x.w - GUTTER) / (t1 - t0);
    ctx.clearRect(0, 0, x.w, h);
    drawFaults(ctx, x, 2, TOP - 2 + shownLanes * laneH, t0, t1, 14);
    var drawn = 0, rects = 0, summarized = 0, lastLane = Math.min(nLanes, view.lane0 + shownLanes);
    var acc = new Float64Array((Math.ceil(x.w) + 2) * 3);
    var barH = Math.max(1, laneH - (laneH > 6 ? 3 : 1));
    ctx.font = '11px sans-serif';
    for (var L = view.lane0; L < lastLane; L++) {
      var y = TOP + (L - view.lane0) * laneH;
      if (laneH >= 9) {
        ctx.fillStyle = '#5b6574';
        ctx.fillText(D.lanes[L], 4, y + laneH - 4, GUTTER - 8);
      }
      // First row of the lane still running at t0 (ends are ordered in a lane).
      var lo = laneStart[L], hi = laneStart[L + 1];
      while (lo < hi) { var mid = (lo + hi) >> 1; if (endOf(mid) < t0) lo = mid + 1; else hi = mid; }
      // Level of detail: ops (and a summary's bins) narrower than two pixels
      // that land in the same pixel column become one column of the lane,
      // split in the shares of ok / info / fail among them (a rare fail or
      // info keeps one pixel).
      acc.fill(0);
      var shares = function (x0, w, c0, c1, c2) {
        var tot = c0 + c1 + c2, hf = c1 ? Math.max(1, Math.round(barH * c1 / tot)) : 0;
        var hi = c2 ? Math.max(1, Math.round(barH * c2 / tot)) : 0, ho = Math.max(0, barH - hf - hi), yy = y + 1;
        if (ho > 0 && c0) { ctx.fillStyle = COLORS[0]; ctx.fillRect(x0, yy, w, ho); rects++; }
        if (hi) { ctx.fillStyle = COLORS[2]; ctx.fillRect(x0, yy + ho, w, hi); rects++; }
        if (hf) { ctx.fillStyle = COLORS[1]; ctx.fillRect(x0, yy + ho + hi, w, hf); rects++; }
      };
      if (S) {
        // The summary's bins, where the rows are not every op: pale blocks
        // when wider than two pixels, else counted into pixel columns.
        var bw = S.binWidth, bins = S.bins;
        var b0 = Math.max(0, Math.floor(t0 / bw)), b1 = Math.min(bins - 1, Math.floor(t1 / bw));
        for (var bn = b0; bn <= b1; bn++) {
          var at3 = (L * bins + bn) * 3, s0 = sumLanes[at3], s1 = sumLanes[at3 + 1], s2 = sumLanes[at3 + 2];
          if (!(s0 + s1 + s2)) continue;
          var any = false;
          uncovered(bn * bw, (bn + 1) * bw, function (ps, pe) {
            var xa = Math.max(GUTTER, GUTTER + (ps - t0) * k), xb = Math.min(x.w, GUTTER + (pe - t0) * k);
            if (xb <= xa) return;
            any = true;
            if (xb - xa < 2) {
              var p3 = Math.floor(xa) * 3;
              acc[p3] += s0; acc[p3 + 1] += s1; acc[p3 + 2] += s2;
            } else {
              ctx.globalAlpha = 0.45;
              shares(xa, xb - xa, s0, s1, s2);
              ctx.globalAlpha = 1;
            }
          });
          if (any) summarized += s0 + s1 + s2;
        }
      }
      for (var r = lo, stop = laneStart[L + 1]; r < stop; r++) {
        var s = start[r];
        if (s > t1) break;
        var x0 = GUTTER + (s - t0) * k, x1 = GUTTER + (endOf(r) - t0) * k;
        drawn++;
        if (x1 - x0 < 2) {
          var q3 = Math.max(GUTTER, Math.floor(x0)) * 3;
          acc[q3 + outcome[r]]++;
          continue;
        }
        var a = Math.max(GUTTER, x0), b = Math.min(x.w, x1);
        ctx.fillStyle = COLORS[outcome[r]];
        ctx.fillRect(a, y + 1, Math.max(1, b - a - 1), barH);
        rects++;
        if (end[r] < 0 && barH > 4) {   // never completed: fade out to the right
          ctx.fillStyle = 'rgba(255,255,255,0.5)';
          ctx.fillRect(Math.max(a, b - 12), y + 1, Math.min(12, b - a), barH);
        }
        if (b - a > 36 && laneH >= 12) {
          ctx.save();
          ctx.beginPath(); ctx.rect(a, y, b - a - 3, laneH); ctx.clip();
          ctx.fillStyle = '#1d2430';
          ctx.fillText(opLabel(r), a + 3, y + laneH - 5);
          ctx.restore();
        }
      }
      // acc holds ok, fail, info per pixel column.
      for (var pxc = GUTTER, lim = Math.min(acc.length / 3, Math.ceil(x.w)); pxc < lim; pxc++) {
        var c0 = acc[pxc * 3], c1 = acc[pxc * 3 + 1], c2 = acc[pxc * 3 + 2];
        if (c0 + c1 + c2) shares(pxc, 1, c0, c1, c2);
      }
    }
    // Fault windows' edges over the bars, so dense lanes do not hide them.
    ctx.strokeStyle = 'rgba(201, 48, 44, 0.75)'; ctx.setLineDash([4, 3]);
    D.faults.forEach(function (w) {
      [w.start, w.end].forEach(function (t, i) {
        if (t < t0 || t > t1 || (i === 1 && w.end === w.start)) return;
        var px = Math.round(GUTTER + (t - t0) * k) + 0.5;
        ctx.beginPath(); ctx.moveTo(px, TOP - 4); ctx.lineTo(px, TOP + shownLanes * laneH); ctx.stroke();
      });
    });
    ctx.setLineDash([]);
    // Ops named by an anomaly: outlined and flagged at any zoom.
    var highlighted = 0;
    ctx.strokeStyle = MARK; ctx.fillStyle = MARK; ctx.lineWidth = 2;
    markedRows.concat(R.selected >= 0 ? [R.selected] : []).forEach(function (r, n) {
      var L = lane[r];
      if (L < view.lane0 || L >= lastLane || endOf(r) < t0 || start[r] > t1) return;
      var y = TOP + (L - view.lane0) * laneH;
      var x0 = GUTTER + (start[r] - t0) * k, x1 = GUTTER + (endOf(r) - t0) * k;
      if (x1 - x0 < 5) { var c = (x0 + x1) / 2; x0 = c - 2.5; x1 = c + 2.5; }
      x0 = Math.max(GUTTER, x0); x1 = Math.min(x.w, x1);
      if (n === markedRows.length) { ctx.strokeStyle = '#f0a000'; ctx.lineWidth = 3; }
      ctx.strokeRect(x0, y + 0.5, x1 - x0, Math.max(2, laneH - 1));
      ctx.beginPath(); ctx.moveTo((x0 + x1) / 2 - 4, y - 5); ctx.lineTo((x0 + x1) / 2 + 4, y - 5);
      ctx.lineTo((x0 + x1) / 2, y); ctx.fill();
      if (n < markedRows.length) highlighted++;
    });
    ctx.lineWidth = 1;
    drawAxis(ctx, x, TOP + shownLanes * laneH, t0, t1);
    // Where every op is a row: a green band along the top.
    if (S) {
      ctx.fillStyle = '#3c9a5f';
      covered.forEach(function (w) {
        if (w[1] < t0 || w[0] > t1) return;
        var a = Math.max(GUTTER, GUTTER + (w[0] - t0) * k), b = Math.min(x.w, GUTTER + (w[1] - t0) * k);
        ctx.fillRect(a, 0, Math.max(1, b - a), 3);
      });
    }
    R.drawn = drawn + summarized; R.rects = rects; R.highlighted = highlighted; R.rows = drawn; R.summarizedInView = summarized;
    status.textContent = (S ? drawn.toLocaleString('en') + ' ops drawn one by one and ' + summarized.toLocaleString('en') +
      ' in summary bins, of ' + S.ops.toLocaleString('en') : drawn.toLocaleString('en') + ' of ' + N.toLocaleString('en')) +
      ' ops in view (' + rects.toLocaleString('en') +
      ' bars drawn) · ' + fmtTime(Math.max(0, t0)) + ' – ' + fmtTime(Math.min(tEnd, t1)) + ' · processes ' +
      (view.lane0 + 1) + '–' + lastLane + ' of ' + nLanes + ' lanes' + (markedRows.length ? ' · ' + highlighted + ' of ' +
      markedRows.length + ' anomaly ops marked' : '') + (S ? ' · ' + fetchState(summarized) : '');
    listeners.forEach(function (f) { f(); });
  }

  // ---- deeper zoom from `faultline serve` ---------------------------------
  var FETCH_MAX = 250000, fetchTimer = 0, fetching = false, fetchError = '';
  var binPrefix = null;
  if (S) {
    binPrefix = new Float64Array(S.bins + 1);
    for (var bb = 0; bb < S.bins; bb++) {
      var tot = 0;
      for (var LL = 0; LL < nLanes; LL++) { var o3 = (LL * S.bins + bb) * 3; tot += sumLanes[o3] + sumLanes[o3 + 1] + sumLanes[o3 + 2]; }
      binPrefix[bb + 1] = binPrefix[bb] + tot;
    }
    var zoomNote = document.getElementById('tl-zoom-note');
    if (served && zoomNote)
      zoomNote.textContent = 'Served by faultline serve: zoom in to a view of fewer than ' + FETCH_MAX.toLocaleString('en') +
        ' ops and the ops of the view are fetched from the history, one by one.';
  }
  // Summarized ops between t0 and t1, about (whole bins).
  function binOps(t0, t1) {
    var b0 = Math.max(0, Math.floor(t0 / S.binWidth)), b1 = Math.min(S.bins - 1, Math.floor(t1 / S.binWidth));
    return b1 < b0 ? 0 : binPrefix[b1 + 1] - binPrefix[b0];
  }
  function fetchState(summarized) {
    if (!summarized) return 'every op in view is drawn';
    if (!served) return 'zooming in further needs faultline serve';
    if (fetchError) return fetchError;
    if (fetching) return 'fetching the ops of the view…';
    return 'zoom in to fewer than ' + FETCH_MAX.toLocaleString('en') + ' ops to fetch them';
  }
  function maybeFetch() {
    if (!S || !served || fetching) return;
    var t0 = Math.max(0, view.t0), t1 = Math.min(tEnd, view.t1), gap = false;
    uncovered(t0, t1, function () { gap = true; });
    if (!gap || binOps(t0, t1) > FETCH_MAX) return;
    clearTimeout(fetchTimer);
    fetchTimer = setTimeout(function () {
      fetching = true; fetchError = '';
      redraw();
      fetch('ops?from=' + t0 + '&to=' + t1).then(function (res) {
        if (!res.ok) return res.text().then(function (t) { throw new Error(t.trim() || res.statusText); });
        return res.json();
      }).then(function (got) {
        fetching = false;
        mergeRows(t0, t1, got);
        R.fetched = fetchedRanges;
        root.setAttribute('data-fl-fetched', String(fetchedRanges));
        root.setAttribute('data-fl-rows', String(N));
        redraw();
      }).catch(function (e) {
        fetching = false;
        fetchError = 'could not fetch the ops of the view: ' + e.message;
        redraw();
      });
    }, 250);
  }
  listeners.push(maybeFetch);

  function clampView() {
    var span = view.t1 - view.t0, minSpan = D.realTime ? 100 : 4, pad = tEnd * 0.02;
    if (span < minSpan) { var c = (view.t0 + view.t1) / 2; view.t0 = c - minSpan / 2; view.t1 = c + minSpan / 2; span = minSpan; }
    if (span > tEnd + 2 * pad) { view.t0 = -pad; view.t1 = tEnd + pad; return; }
    if (view.t0 < -pad) { view.t1 += -pad - view.t0; view.t0 = -pad; }
    if (view.t1 > tEnd + pad) { view.t0 -= view.t1 - tEnd - pad; view.t1 = tEnd + pad; }
    view.lane0 = Math.max(0, Math.min(nLanes - shownLanes, view.lane0));
  }
  var pending = false;
  function redraw() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; drawTimeline(); });
  }
  function zoom(factor, atPx) {
    var k = (tlBox.w - GUTTER) / (view.t1 - view.t0);
    var at = view.t0 + (atPx - GUTTER) / k;
    view.t0 = at - (at - view.t0) * factor;
    view.t1 = at + (view.t1 - at) * factor;
    clampView(); redraw();
  }
  function rowAt(px, py) {
    var L = Math.floor((py - TOP) / laneH) + view.lane0;
    if (py < TOP || L < view.lane0 || L >= Math.min(nLanes, view.lane0 + shownLanes) || px < GUTTER) return -1;
    var k = (tlBox.w - GUTTER) / (view.t1 - view.t0), t = view.t0 + (px - GUTTER) / k, tol = 3 / k;
    var lo = laneStart[L], hi = laneStart[L + 1];
    while (lo < hi) { var mid = (lo + hi) >> 1; if (endOf(mid) < t - tol) lo = mid + 1; else hi = mid; }
    if (lo < laneStart[L + 1] && start[lo] <= t + tol) return lo;
    return -1;
  }
  // What a summary's bin under the pointer holds, as text (null: none there).
  function binAt(px, py) {
    var L = Math.floor((py - TOP) / laneH) + view.lane0;
    if (py < TOP || L < view.lane0 || L >= Math.min(nLanes, view.lane0 + shownLanes) || px < GUTTER) return null;
    var k = (tlBox.w - GUTTER) / (view.t1 - view.t0), t = view.t0 + (px - GUTTER) / k;
    if (t < 0 || t > tEnd || inRanges(covered, t)) return null;
    var b = Math.min(S.bins - 1, Math.floor(t / S.binWidth)), at3 = (L * S.bins + b) * 3;
    var c0 = sumLanes[at3], c1 = sumLanes[at3 + 1], c2 = sumLanes[at3 + 2];
    if (!(c0 + c1 + c2)) return null;
    return 'summarized: ' + (c0 + c1 + c2) + ' ops began here in lane ' + D.lanes[L] + ' (' + c0 + ' ok, ' + c1 + ' fail, ' +
      c2 + ' info)\n' + fmtTime(b * S.binWidth) + ' – ' + fmtTime((b + 1) * S.binWidth) +
      (served ? '' : '\nzooming in further needs faultline serve');
  }
  function faultAt(px) {
    var k = (tlBox.w - GUTTER) / (view.t1 - view.t0), t = view.t0 + (px - GUTTER) / k, tol = 3 / k;
    for (var i = 0; i < D.faults.length; i++) {
      var w = D.faults[i];
      if (w.start - tol <= t && t <= w.end + tol) return w;
    }
    return null;
  }
  function showTip(text, px, py) {
    tip.textContent = text;
    tip.hidden = false;
    var left = px + 14, maxLeft = wrap.clientWidth - tip.offsetWidth - 4;
    tip.style.left = Math.max(0, Math.min(left, maxLeft)) + 'px';
    tip.style.top = (py + 16) + 'px';
  }

  var drag = null;
  tl.addEventListener('mousedown', function (e) { drag = { x: e.clientX, t0: view.t0, t1: view.t1, moved: false }; tl.style.cursor = 'grabbing'; });
  window.addEventListener('mouseup', function (e) {
    if (!drag) return;
    tl.style.cursor = 'grab';
    var d = drag; drag = null;
    if (!d.moved) {
      var b = tl.getBoundingClientRect(), r = rowAt(e.clientX - b.left, e.clientY - b.top);
      if (r >= 0) select(r, false);
    }
  });
  tl.addEventListener('mousemove', function (e) {
    var b = tl.getBoundingClientRect(), px = e.clientX - b.left, py = e.clientY - b.top;
    if (drag) {
      var k = (tlBox.w - GUTTER) / (drag.t1 - drag.t0), dt = (e.clientX - drag.x) / k;
      if (Math.abs(e.clientX - drag.x) > 2) drag.moved = true;
      view.t0 = drag.t0 - dt; view.t1 = drag.t1 - dt; clampView(); redraw();
      tip.hidden = true;
      return;
    }
    var r = rowAt(px, py);
    if (r >= 0) { showTip(opText(r), px, py); return; }
    var bin = S ? binAt(px, py) : null;
    if (bin) { showTip(bin, px, py); return; }
    var w = py < TOP + shownLanes * laneH ? faultAt(px) : null;
    if (w) { showTip('fault: ' + w.label + '\n' + fmtTime(w.start) + ' – ' + fmtTime(w.end), px, py); return; }
    tip.hidden = true;
  });
  tl.addEventListener('mouseleave', function () { tip.hidden = true; });
  tl.addEventListener('wheel', function (e) {
    e.preventDefault();
    if (e.shiftKey) { view.lane0 += e.deltaY > 0 ? 3 : -3; clampView(); redraw(); return; }
    var b = tl.getBoundingClientRect();
    zoom(Math.exp(Math.max(-1, Math.min(1, e.deltaY * 0.0015))), e.clientX - b.left);
  }, { passive: false });
  tl.addEventListener('dblclick', function (e) { var b = tl.getBoundingClientRect(); zoom(0.35, e.clientX - b.left); });
  document.getElementById('tl-reset').addEventListener('click', function () {
    view.t0 = -tEnd; view.t1 = 2 * tEnd; view.lane0 = 0; clampView(); redraw();
  });
  document.getElementById('tl-in').addEventListener('click', function () { zoom(0.5, GUTTER + (tlBox.w - GUTTER) / 2); });
  document.getElementById('tl-out').addEventListener('click', function () { zoom(2, GUTTER + (tlBox.w - GUTTER) / 2); });

  function select(r, center) {
    R.selected = r;
    detail.hidden = false;
    detail.textContent = opText(r);
    if (center) {
      var dur = endOf(r) - start[r], w = Math.max(dur * 8, tEnd / 5000, D.realTime ? 1e5 : 8);
      var c = (start[r] + endOf(r)) / 2;
      view.t0 = c - w / 2; view.t1 = c + w / 2;
      if (lane[r] < view.lane0 || lane[r] >= view.lane0 + shownLanes) view.lane0 = lane[r] - (shownLanes >> 1);
      clampView();
    }
    redraw();
  }
  // A click on an op anywhere in the page finds it in the big timeline.
  function jumpTo(index) {
    var r = rowOf(index);
    if (r < 0) {
      status.textContent = 'op ' + index + (S ? ' is not among the ops this summarized page keeps' + (served ? '' : ' (faultline serve has them all)')
                                               : ' is not a client operation of this history');
      return false;
    }
    select(r, true);
    document.getElementById('timeline').scrollIntoView({ block: 'start' });
    return true;
  }
  R.jumpTo = jumpTo;
  document.addEventListener('click', function (e) {
    var t = e.target.closest ? e.target.closest('[data-op]') : null;
    if (t) jumpTo(Number(t.getAttribute('data-op')));
  });

  // ---- latency and throughput -------------------------------------------
  function legend(el, items) {
    el.textContent = '';
    items.forEach(function (it) {
      var span = document.createElement('span');
      span.className = 'key-item';
      var sw = document.createElement('span');
      sw.className = 'sw';
      sw.style.background = it.color;
      span.appendChild(sw);
      span.appendChild(document.createTextNode(it.text));
      el.appendChild(span);
    });
  }
  var lat = document.getElementById('lat'), ratePlot = document.getElementById('rate-plot');
  var latLo = Infinity, latHi = 0;
  for (var q = 0; q < N; q++) if (end[q] >= 0) { var d = Math.max(1, end[q] - start[q]); if (d < latLo) latLo = d; if (d > latHi) latHi = d; }
  if (S) for (var qs = 0; qs < latMax.length; qs++) if (latMax[qs] > 0) {
    if (latMin[qs] < latLo) latLo = Math.max(1, latMin[qs]);
    if (latMax[qs] > latHi) latHi = latMax[qs];
  }
  if (!(latHi > 0)) { latLo = 1; latHi = 10; }
  if (latHi / latLo < 10) { latHi *= 3; latLo /= 3; }
  var usedSeries = new Set();
  for (var u = 0; u < N; u++) usedSeries.add(fcol[u] * 3 + outcome[u]);
  if (S) for (var us = 0; us < sumSeries.length; us++) if (sumSeries[us]) usedSeries.add(Math.floor(us / S.bins));
  function seriesName(key) { return fs[Math.floor(key / 3)] + ' ' + OUTCOME[key % 3]; }
  function seriesColor(key) { return PALETTE[Math.floor(key / 3) % PALETTE.length]; }

  function drawLatency() {
    var H = 300, x = size(lat, H, true), ctx = x.ctx, top = 8, bottom = H - AXIS, t0 = view.t0, t1 = view.t1;
    var k = (x.w - GUTTER) / (t1 - t0), llo = Math.log(latLo), lspan = Math.log(latHi) - llo;
    ctx.clearRect(0, 0, x.w, H);
    drawFaults(ctx, x, top, bottom - top, t0, t1, 0);
    // Decade grid lines and labels.
    ctx.font = '11px sans-serif';
    for (var p = Math.floor(Math.log10(latLo)); p <= Math.ceil(Math.log10(latHi)); p++) {
      var v = Math.pow(10, p), y = bottom - (Math.log(v) - llo) / lspan * (bottom - top);
      if (y < top - 1 || y > bottom + 1) continue;
      ctx.strokeStyle = '#eef0f3'; ctx.beginPath(); ctx.moveTo(GUTTER, y + 0.5); ctx.lineTo(x.w, y + 0.5); ctx.stroke();
      ctx.fillStyle = '#5b6574'; ctx.fillText(fmtDecade(v), 2, y + 4, GUTTER - 4);
    }
    var img = ctx.getImageData(0, 0, lat.width, lat.height), px = img.data, W = lat.width;
    var rgb = PALETTE.map(function (c) { return [parseInt(c.substr(1, 2), 16), parseInt(c.substr(3, 2), 16), parseInt(c.substr(5, 2), 16)]; });
    function dot(X, Y, c) {
      if (X < GUTTER * dpr || X >= W || Y < 0 || Y >= lat.height) return;
      var o = (Y * W + X) * 4; px[o] = c[0]; px[o + 1] = c[1]; px[o + 2] = c[2]; px[o + 3] = 255;
    }
    var shapes = [[[0, 0], [1, 0], [0, 1], [1, 1]],                              // ok: a filled dot
                  [[-1, -1], [1, 1], [0, 0], [-1, 1], [1, -1]],                   // fail: a cross
                  [[-1, -1], [0, -1], [1, -1], [-1, 0], [1, 0], [-1, 1], [0, 1], [1, 1]]];  // info: a ring
    for (var r = 0; r < N; r++) {
      if (end[r] < 0 || start[r] < t0 || start[r] > t1) continue;
      var X = Math.round((GUTTER + (start[r] - t0) * k) * dpr);
      var Y = Math.round((bottom - (Math.log(Math.max(1, end[r] - start[r])) - llo) / lspan * (bottom - top)) * dpr);
      var c = rgb[fcol[r] % rgb.length], sh = shapes[outcome[r]];
      for (var j = 0; j < sh.length; j++) dot(X + sh[j][0], Y + sh[j][1], c);
    }
    if (S) {
      // The summary's bins: each series' shortest and longest latency in a
      // bin, at the bin's middle, where the rows are not every op.
      var bins = S.bins, bw = S.binWidth;
      var b0 = Math.max(0, Math.floor(t0 / bw)), b1 = Math.min(bins - 1, Math.floor(t1 / bw));
      var series = sumSeries.length / bins;
      for (var bn = b0; bn <= b1; bn++) {
        var mid = (bn + 0.5) * bw;
        if (inRanges(covered, mid)) continue;
        var X2 = Math.round((GUTTER + (mid - t0) * k) * dpr);
        for (var sk = 0; sk < series; sk++) {
          var hiL = latMax[sk * bins + bn];
          if (!(hiL > 0)) continue;
          var c2 = rgb[Math.floor(sk / 3) % rgb.length], sh2 = shapes[sk % 3];
          [latMin[sk * bins + bn], hiL].forEach(function (v) {
            var Y2 = Math.round((bottom - (Math.log(Math.max(1, v)) - llo) / lspan * (bottom - top)) * dpr);
            for (var j = 0; j < sh2.length; j++) dot(X2 + sh2[j][0], Y2 + sh2[j][1], c2);
          });
        }
      }
    }
    ctx.putImageData(img, 0, 0);
    drawAxis(ctx, x, bottom, t0, t1);
  }
  function drawRate() {
    var H = 240, x = size(ratePlot, H), ctx = x.ctx, top = 8, bottom = H - AXIS, t0 = Math.max(0, view.t0), t1 = Math.min(tEnd, view.t1);
    if (t1 <= t0) t1 = t0 + 1;
    var buckets = Math.max(4, Math.floor((x.w - GUTTER) / 6)), width = (t1 - t0) / buckets;
    var counts = new Map();
    for (var r = 0; r < N; r++) {
      var at = end[r] >= 0 ? end[r] : start[r];
      if (at < t0 || at >= t1) continue;
      var key = fcol[r] * 3 + outcome[r], arr = counts.get(key);
      if (!arr) { arr = new Float64Array(buckets); counts.set(key, arr); }
      arr[Math.min(buckets - 1, Math.floor((at - t0) / width))]++;
    }
    if (S) {
      // The summary's completions by bin, where the rows are not every op.
      var sb = S.bins, sw = S.binWidth, series = sumSeries.length / sb;
      for (var bn = Math.max(0, Math.floor(t0 / sw)); bn <= Math.min(sb - 1, Math.floor(t1 / sw)); bn++) {
        var mid = (bn + 0.5) * sw;
        if (mid < t0 || mid >= t1 || inRanges(fetchedList, mid)) continue;
        for (var sk = 0; sk < series; sk++) {
          var cnt = sumSeries[sk * sb + bn];
          if (!cnt) continue;
          var arr2 = counts.get(sk);
          if (!arr2) { arr2 = new Float64Array(buckets); counts.set(sk, arr2); }
          arr2[Math.min(buckets - 1, Math.floor((mid - t0) / width))] += cnt;
        }
      }
    }
    var per = D.realTime ? width / 1e9 : 1, max = 1;
    counts.forEach(function (arr) { for (var i = 0; i < buckets; i++) max = Math.max(max, arr[i] / per); });
    ctx.clearRect(0, 0, x.w, H);
    var k = (x.w - GUTTER) / (view.t1 - view.t0);
    drawFaults(ctx, x, top, bottom - top, view.t0, view.t1, 0);
    ctx.font = '11px sans-serif';
    var step = niceStep(max, 4);
    for (var v = 0; v <= max * 1.001; v += step) {
      var y = bottom - v / max * (bottom - top);
      ctx.strokeStyle = '#eef0f3'; ctx.beginPath(); ctx.moveTo(GUTTER, y + 0.5); ctx.lineTo(x.w, y + 0.5); ctx.stroke();
      ctx.fillStyle = '#5b6574'; ctx.fillText(v.toLocaleString('en', { maximumFractionDigits: 1 }) + (D.realTime ? '/s' : ''), 2, y + 4, GUTTER - 4);
    }
    counts.forEach(function (arr, key) {
      ctx.strokeStyle = seriesColor(key); ctx.lineWidth = 1.5;
      ctx.setLineDash(key % 3 === 0 ? [] : key % 3 === 1 ? [5, 3] : [2, 2]);
      ctx.beginPath();
      for (var i = 0; i < buckets; i++) {
        var px = GUTTER + (t0 + (i + 0.5) * width - view.t0) * k, py = bottom - arr[i] / per / max * (bottom - top);
        if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      }
      ctx.stroke();
    });
    ctx.setLineDash([]); ctx.lineWidth = 1;
    drawAxis(ctx, x, bottom, view.t0, view.t1);
  }
  var keys = Array.from(usedSeries).sort(function (a, b) { return a - b; });
  legend(document.getElementById('lat-legend'), keys.map(function (key) {
    return { color: seriesColor(key), text: seriesName(key) + (key % 3 === 0 ? ' (dot)' : key % 3 === 1 ? ' (cross)' : ' (ring)') };
  }));
  legend(document.getElementById('rate-legend'), keys.map(function (key) {
    return { color: seriesColor(key), text: seriesName(key) + (key % 3 === 0 ? ' (solid)' : key % 3 === 1 ? ' (dashed)' : ' (dotted)') };
  }));
  var plotsPending = false;
  listeners.push(function () {
    if (plotsPending || initial) return;
    plotsPending = true;
    setTimeout(function () { plotsPending = false; drawLatency(); drawRate(); }, 0);
  });

  // ---- each anomaly on its own small timeline ----------------------------
  var SVG = 'http://www.w3.org/2000/svg';
  function svg(name, attrs, parent) {
    var el = document.createElementNS(SVG, name);
    for (var a in attrs) el.setAttribute(a, attrs[a]);
    if (parent) parent.appendChild(el);
    return el;
  }
  function drawMini(a, host) {
    var rows = [], seen = new Set();
    a.ops.forEach(function (x) {
      var r = wanted.has(x) ? wanted.get(x) : -1;
      if (r >= 0 && !seen.has(r)) { seen.add(r); rows.push({ r: r, index: x }); }
    });
    if (!rows.length) return 0;
    // Columns follow the order of events, so short ops stay readable.
    var times = [];
    rows.forEach(function (o) { times.push(start[o.r], endOf(o.r)); });
    times.sort(function (p, q) { return p - q; });
    var cols = [];
    times.forEach(function (t) { if (!cols.length || cols[cols.length - 1] !== t) cols.push(t); });
    function col(t) {
      var lo = 0, hi = cols.length - 1;
      if (t <= cols[0]) return 0;
      if (t >= cols[hi]) return hi;
      while (hi - lo > 1) { var m = (lo + hi) >> 1; if (cols[m] <= t) lo = m; else hi = m; }
      return lo + (t - cols[lo]) / (cols[hi] - cols[lo]);
    }
    var procs = Array.from(new Set(rows.map(function (o) { return proc[o.r]; }))).sort(function (p, q) { return p - q; });
    var LEFT = 90, COLW = 52, ROWH = 26, H = 18 + procs.length * ROWH + 6;
    var W = LEFT + (cols.length + 1) * COLW;
    var s = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    D.faults.forEach(function (w) {
      if (w.end < cols[0] || w.start > cols[cols.length - 1]) return;
      var x0 = LEFT + col(w.start) * COLW, x1 = LEFT + col(w.end) * COLW;
      svg('rect', { x: x0, y: 0, width: Math.max(2, x1 - x0), height: H, fill: FAULT_FILL }, s);
      var t = svg('text', { x: x0 + 2, y: 11, fill: '#a94442' }, s);
      t.textContent = w.name;
    });
    procs.forEach(function (p, i) {
      var t = svg('text', { x: 4, y: 18 + i * ROWH + 16, 'class': 'lane-label' }, s);
      t.textContent = 'process ' + p;
    });
    var n = 0;
    rows.forEach(function (o) {
      var r = o.r, y = 18 + procs.indexOf(proc[r]) * ROWH;
      var x0 = LEFT + col(start[r]) * COLW + 2, x1 = end[r] < 0 ? W - 4 : LEFT + col(end[r]) * COLW + COLW - 2;
      var label = (a.labels[String(inv[r])] || a.labels[String(cmp[r])] || '');
      var rect = svg('rect', { x: x0, y: y + 2, width: Math.max(8, x1 - x0), height: ROWH - 6, rx: 3,
                               fill: COLORS[outcome[r]], 'class': 'op-bar' + (label === 'X' ? ' x' : ''),
                               'data-op': String(cmp[r] >= 0 ? cmp[r] : inv[r]) }, s);
      var title = svg('title', {}, rect);
      title.textContent = opText(r);
      var text = (label ? label + ' ' : '') + opLabel(r) + (end[r] < 0 ? ' …?' : '');
      var fit = Math.max(1, Math.floor((x1 - x0 - 6) / 6.7));
      var t = svg('text', { x: x0 + 4, y: y + ROWH - 9, 'data-op': String(cmp[r] >= 0 ? cmp[r] : inv[r]) }, s);
      t.textContent = text.length > fit ? text.slice(0, Math.max(1, fit - 1)) + '…' : text;
      n++;
    });
    host.appendChild(s);
    return n;
  }
  var miniTotal = 0;
  D.anomalies.forEach(function (a) {
    var host = document.querySelector('.mini[data-anomaly="' + a.id + '"]');
    if (host) miniTotal += drawMini(a, host);
  });
  R.mini = miniTotal;

  // ---- go ------------------------------------------------------------------
  clampView();
  // report.html#op=N opens with op N found in the timeline (links from elsewhere).
  var asked = /^#op=(-?\d+)$/.exec(location.hash);
  if (asked) {
    var askedRow = rowOf(Number(asked[1]));
    if (askedRow >= 0) select(askedRow, true);
  }
  var initial = true;   // the plots are drawn below, not by the timeline's listener
  marks.minis = performance.now();
  drawTimeline();
  marks.timeline = performance.now();
  drawLatency();
  marks.latency = performance.now();
  drawRate();
  marks.rate = performance.now();
  initial = false;
  var resizeTimer = 0;
  window.addEventListener('resize', function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(drawTimeline, 100); });
  R.ready = true;
  R.loadMs = Math.round(performance.now());
  marks.drawn = performance.now();
  R.marks = marks;
  root.setAttribute('data-fl-timing', 'parse ' + Math.round(marks.parsed - marks.start) + ' ms, decode ' +
    Math.round(marks.decoded - marks.parsed) + ' ms, index ' + Math.round(marks.indexed - marks.decoded) + ' ms, draw ' +
    Math.round(marks.drawn - marks.indexed) + ' ms (setup ' + Math.round(marks.minis - marks.indexed) + ', timeline ' +
    Math.round(marks.timeline - marks.minis) + ', latency ' + Math.round(marks.latency - marks.timeline) + ', rate ' +
    Math.round(marks.rate - marks.latency) + '), script started at ' + Math.round(marks.start) + ' ms');
  root.setAttribute('data-fl-ready', '1');
  root.setAttribute('data-fl-total', String(R.total));
  root.setAttribute('data-fl-drawn', String(R.drawn));
  root.setAttribute('data-fl-expected', String(R.expected));
  root.setAttribute('data-fl-highlighted', String(R.highlighted));
  root.setAttribute('data-fl-mini', String(R.mini));
  root.setAttribute('data-fl-load-ms', String(R.loadMs));
  root.setAttribute('data-fl-faults', String(D.faults.length));
  root.setAttribute('data-fl-selected', R.selected >= 0 ? inv[R.selected] + ' ' + cmp[R.selected] : '');
  root.setAttribute('data-fl-view', Math.round(view.t0) + ',' + Math.round(view.t1));
  root.setAttribute('data-fl-rows', String(N));
  root.setAttribute('data-fl-summarized', S ? String(S.ops - N) : '0');
  root.setAttribute('data-fl-windows', S ? String(S.windows.length) : '0');
  root.setAttribute('data-fl-errors', String(R.errors.length));
})();
