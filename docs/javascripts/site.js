/* Site behaviour: lazy diagrams, zoom, and the configurator.
 *
 * Nothing here builds configuration: the configurator only looks up files the
 * Python generator wrote (docs/generated/configurator/<cloud>.json).
 */
(function () {
  "use strict";

  /* ---------- diagrams ---------- */

  function rebaseLinks(svg, svgUrl) {
    // Links in a diagram file are relative to the file; make them absolute for this page.
    svg.querySelectorAll("a").forEach(function (a) {
      var href = a.getAttribute("xlink:href") || a.getAttribute("href");
      if (href && href.charAt(0) !== "#") {
        a.setAttributeNS("http://www.w3.org/1999/xlink", "xlink:href", new URL(href, svgUrl).href);
      }
    });
  }

  function loadLazy(holder) {
    if (holder.dataset.state) return;
    holder.dataset.state = "loading";
    var url = new URL(holder.dataset.src, document.baseURI).href;
    fetch(url)
      .then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.text();
      })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, "image/svg+xml");
        var svg = document.importNode(doc.documentElement, true);
        rebaseLinks(svg, url);
        holder.replaceWith(svg);
        setupZoom(svg.closest(".rpa-diagram"));
      })
      .catch(function () {
        holder.dataset.state = "failed";
      });
  }

  function loadVisibleDiagrams() {
    document.querySelectorAll(".rpa-diagram-lazy").forEach(function (holder) {
      if (holder.offsetParent !== null) loadLazy(holder);
    });
  }

  function setupZoom(figure) {
    if (!figure || figure.querySelector(".rpa-zoom")) return;
    var svg = figure.querySelector("svg");
    if (!svg) return;
    var natural = svg.width.baseVal.value || svg.getBoundingClientRect().width;
    var level = 0; // 0 = fit to the page width
    var bar = document.createElement("div");
    bar.className = "rpa-zoom";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Diagram zoom");
    [
      ["−", "Zoom out", -1],
      ["Fit", "Fit to width", 0],
      ["+", "Zoom in", 1],
    ].forEach(function (spec) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "md-button rpa-zoom-" + (spec[2] < 0 ? "out" : spec[2] > 0 ? "in" : "fit");
      b.textContent = spec[0];
      b.setAttribute("aria-label", spec[1]);
      b.addEventListener("click", function () {
        level = spec[2] === 0 ? 0 : Math.max(0, Math.min(4, level + spec[2]));
        if (level === 0) {
          svg.style.maxWidth = "";
          svg.style.width = "";
        } else {
          svg.style.maxWidth = "none";
          svg.style.width = Math.round(natural * (1 + level * 0.5)) + "px";
        }
      });
      bar.appendChild(b);
    });
    figure.insertBefore(bar, figure.firstChild);
  }

  /* ---------- configurator ---------- */

  function selectionKey(form) {
    var parts = [];
    form.querySelectorAll('input[name="part"]:checked').forEach(function (i) {
      parts.push(i.value);
    });
    parts.sort();
    var picks = [];
    form.querySelectorAll(".rpa-variants").forEach(function (set) {
      var id = set.dataset.component;
      var optionalBox = form.querySelector('input[name="part"][value="' + id + '"]');
      var enabled = !optionalBox || optionalBox.checked;
      set.disabled = !enabled;
      var chosen = set.querySelector("input:checked");
      if (enabled && chosen) picks.push(id + "=" + chosen.value);
    });
    picks.sort();
    return parts.join(",") + "|" + picks.join(",");
  }

  function setFile(output, kind, text) {
    var code = output.querySelector("#rpa-config-" + kind);
    code.textContent = text;
    var link = output.querySelector('.rpa-download[data-target="rpa-config-' + kind + '"]');
    link.href = "data:text/yaml;charset=utf-8," + encodeURIComponent(text);
  }

  function setEnv(output, env) {
    var body = output.querySelector(".rpa-config-env tbody");
    body.textContent = "";
    env.forEach(function (v) {
      var tr = document.createElement("tr");
      var name = document.createElement("td");
      var code = document.createElement("code");
      code.textContent = v.name;
      name.appendChild(code);
      var desc = document.createElement("td");
      desc.textContent = v.description;
      var value = document.createElement("td");
      value.textContent = v.secret ? "secret (from the Kubernetes Secret)" : "e.g. " + v.example;
      tr.append(name, desc, value);
      body.appendChild(tr);
    });
  }

  function setupConfigurator(form) {
    var output = form.nextElementSibling;
    var cache = {};
    function cloud() {
      return form.querySelector('input[name="cloud"]:checked').value;
    }
    function data(id) {
      if (!cache[id]) {
        var url = new URL(form.dataset.base + id + ".json", document.baseURI);
        cache[id] = fetch(url).then(function (r) {
          if (!r.ok) throw new Error("could not load " + url);
          return r.json();
        });
      }
      return cache[id];
    }
    function update() {
      var key = selectionKey(form);
      var id = cloud();
      output.dataset.state = "loading";
      return data(id).then(function (doc) {
        var file = doc.files[key];
        setFile(output, "endpoints", file.endpoints);
        setFile(output, "values", file.values);
        setEnv(output, file.env);
        output.dataset.key = key;
        output.dataset.cloud = id;
        output.dataset.state = "ready";
      });
    }
    // Start on the cloud the reader picked anywhere on the site (Material's linked tabs).
    var remembered = (typeof __md_get === "function" && __md_get("__tabs")) || [];
    var labels = {};
    form.querySelectorAll('input[name="cloud"]').forEach(function (i) {
      labels[i.parentElement.textContent.trim()] = i;
    });
    for (var n = 0; n < remembered.length; n++) {
      if (labels[remembered[n]]) {
        labels[remembered[n]].checked = true;
        break;
      }
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "cloud" && typeof __md_set === "function") {
        var name = event.target.parentElement.textContent.trim();
        var list = (__md_get("__tabs") || []).filter(function (x) {
          return x !== name;
        });
        __md_set("__tabs", [name].concat(list));
      }
      update();
    });
    output.querySelectorAll(".rpa-copy").forEach(function (button) {
      button.addEventListener("click", function () {
        var text = document.getElementById(button.dataset.target).textContent;
        navigator.clipboard.writeText(text).then(function () {
          var old = button.textContent;
          button.textContent = "Copied";
          setTimeout(function () {
            button.textContent = old;
          }, 1500);
        });
      });
    });
    update();
  }

  function init() {
    // Material's search dialog ships without an accessible name; search needs JavaScript
    // anyway, so naming it here reaches everyone who can use it.
    document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach(function (d) {
      d.setAttribute("aria-label", "Search");
    });
    document.querySelectorAll(".rpa-diagram").forEach(setupZoom);
    loadVisibleDiagrams();
    document.querySelectorAll(".tabbed-set input").forEach(function (input) {
      input.addEventListener("change", function () {
        setTimeout(loadVisibleDiagrams, 0);
      });
    });
    document.querySelectorAll("form.rpa-configurator").forEach(setupConfigurator);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
