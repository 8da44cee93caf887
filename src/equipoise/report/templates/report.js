// Draws the embedded Vega-Lite charts and links every number to the transcript turns behind it.
(function () {
  "use strict";
  var bar = document.getElementById("evidence-bar");
  var state = { turns: [], at: 0 };

  function turnEl(i) { return document.getElementById("turn-" + i); }

  function clearEvidence() {
    document.querySelectorAll(".turn.evidence, .turn.current").forEach(function (el) {
      el.classList.remove("evidence", "current");
    });
    document.querySelectorAll(".dim.active").forEach(function (el) { el.classList.remove("active"); });
    state = { turns: [], at: 0 };
    if (bar) bar.hidden = true;
  }

  function go(at) {
    if (!state.turns.length) return;
    state.at = (at + state.turns.length) % state.turns.length;
    document.querySelectorAll(".turn.current").forEach(function (el) { el.classList.remove("current"); });
    var el = turnEl(state.turns[state.at]);
    if (!el) return;
    el.classList.add("current");
    el.scrollIntoView({ block: "center" });
    if (bar) {
      bar.querySelector(".what").textContent = state.what;
      bar.querySelector(".where").textContent = "turn " + state.turns[state.at] + " (" + (state.at + 1) +
        " of " + state.turns.length + ")";
    }
  }

  function showEvidence(turns, what, dimKey) {
    clearEvidence();
    state = { turns: turns, at: 0, what: what };
    turns.forEach(function (i) { var el = turnEl(i); if (el) el.classList.add("evidence"); });
    var card = dimKey && document.getElementById("dim-" + dimKey);
    if (card) card.classList.add("active");
    if (bar) bar.hidden = false;
    go(0);
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest("a.num[data-turns]");
    if (!link) return;
    ev.preventDefault();
    var turns = link.dataset.turns.split(" ").filter(Boolean).map(Number);
    showEvidence(turns, link.dataset.what || "", link.dataset.dim);
  });
  if (bar) {
    bar.querySelector(".prev").addEventListener("click", function () { go(state.at - 1); });
    bar.querySelector(".next").addEventListener("click", function () { go(state.at + 1); });
    bar.querySelector(".close").addEventListener("click", clearEvidence);
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") clearEvidence();
  });

  // On a phone a legend four entries wide and small multiples four abreast run past the screen: one
  // legend entry a row, and one panel a row at the screen's width.
  function forPhone(spec, el) {
    if (!window.matchMedia("(max-width: 640px)").matches) return spec;
    var s = JSON.parse(JSON.stringify(spec));
    (function walk(o) {
      if (!o || typeof o !== "object") return;
      if (o.legend && typeof o.legend === "object" && o.legend.columns) o.legend.columns = 1;
      Object.keys(o).forEach(function (k) { walk(o[k]); });
    })(s);
    if (s.columns && s.spec) {
      s.columns = 1;
      s.spec.width = Math.max(160, el.clientWidth - 90);
    }
    // A label at the end of an axis may stand out past the plot: keep room for it inside the screen.
    s.padding = { left: 5, top: 5, bottom: 5, right: 14 };
    if (s.width === "container") s.autosize = { type: "fit-x", contains: "padding" };
    // The client's axis titles ("<- you . shared . your therapist ->") are wider than a phone's plot.
    s.config = s.config || {};
    s.config.axis = Object.assign({}, s.config.axis, { titleFontSize: 10 });
    return s;
  }

  var specs = JSON.parse(document.getElementById("equipoise-charts").textContent);
  Object.keys(specs).forEach(function (id) {
    var el = document.getElementById(id);
    if (!el) return;
    vegaEmbed(el, forPhone(specs[id], el), { actions: false, renderer: "svg" }).then(function (result) {
      el.dataset.rendered = "true";
      result.view.addEventListener("click", function (event, item) {
        var d = item && item.datum;
        if (!d) return;
        if (d.key && typeof d.turn !== "number") {
          var link = document.querySelector("#dim-" + d.key + " .lean a.num[data-turns]");
          var card = document.getElementById("dim-" + d.key);
          if (link) { link.click(); } else if (card) { card.scrollIntoView({ block: "center" }); }
        } else if (typeof d.first === "number" && typeof d.last === "number") {
          // A timeline point is computed from a whole window of turns: show all of them.
          var span = [];
          for (var t = d.first; t <= d.last; t++) { if (turnEl(t)) span.push(t); }
          if (span.length) {
            showEvidence(span, (d.dimension || "timeline") + ", turns " + d.first + "\u2013" + d.last, d.key);
          }
        } else if (typeof d.turn === "number") {
          var i = Math.round(d.turn), el2 = turnEl(i);
          if (el2) { showEvidence([i], (d.dimension || "timeline") + " around turn " + i, d.key); }
        }
      });
    }).catch(function (error) {
      el.textContent = "This chart could not be drawn.";
      console.error(error);
    });
  });
})();
