/* Site behaviour: lazy diagrams, zoom, and the configurator.
 *
 * Nothing here builds text: the configurator only looks up and shows what the
 * Python generator rendered (docs/generated/configurator/<cloud>/<shard>.json, one
 * per selection, found through the index the page carries).
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
    // The key rule lives in Python (generator/assemble.py: selection_key): the sorted,
    // comma-joined data-token of every checked input that is not disabled.
    // A part that needs another (data-requires, from the inventory's `requires`) is
    // offered only while that one is on.
    form.querySelectorAll('input[name="part"][data-requires]').forEach(function (box) {
      box.disabled = box.dataset.requires.split(" ").some(function (id) {
        var needed = form.querySelector('input[name="part"][value="' + id + '"]');
        return !needed || !needed.checked;
      });
    });
    form.querySelectorAll(".rpa-variants").forEach(function (set) {
      var box = form.querySelector('input[name="part"][value="' + set.dataset.component + '"]');
      set.disabled = !!box && !box.checked;
    });
    var tokens = [];
    form.querySelectorAll("input[data-token]:checked").forEach(function (i) {
      if (!i.matches(":disabled")) tokens.push(i.dataset.token);
    });
    return tokens.sort().join(",");
  }

  var blobUrls = {};

  function showFile(box, text) {
    var name = box.dataset.name;
    box.querySelector("pre code").textContent = text;
    if (blobUrls[name]) URL.revokeObjectURL(blobUrls[name]);
    blobUrls[name] = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    box.querySelector(".rpa-download").href = blobUrls[name];
  }

  /* A zip archive (stored, not compressed) of the files exactly as the page shows them:
     packaging only, every byte of content is what Python rendered. */
  var crcTable = null;
  function crc32(bytes) {
    if (!crcTable) {
      crcTable = [];
      for (var n = 0; n < 256; n++) {
        var c = n;
        for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        crcTable[n] = c >>> 0;
      }
    }
    var crc = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  }

  function zipArchive(files) {
    var encoder = new TextEncoder();
    var parts = [];
    var central = [];
    var offset = 0;
    function header(size) {
      return new DataView(new ArrayBuffer(size));
    }
    files.forEach(function (file) {
      var name = encoder.encode(file.name);
      var data = encoder.encode(file.text);
      var crc = crc32(data);
      var local = header(30);
      local.setUint32(0, 0x04034b50, true);
      local.setUint16(4, 20, true);
      local.setUint16(6, 0x0800, true); // names are UTF-8
      local.setUint16(8, 0, true); // stored
      local.setUint16(10, 0, true);
      local.setUint16(12, 0x21, true); // 1980-01-01: the same archive for the same files
      local.setUint32(14, crc, true);
      local.setUint32(18, data.length, true);
      local.setUint32(22, data.length, true);
      local.setUint16(26, name.length, true);
      parts.push(local.buffer, name, data);
      var entry = header(46);
      entry.setUint32(0, 0x02014b50, true);
      entry.setUint16(4, 0x0314, true); // made by: unix, so the permissions below count
      entry.setUint16(6, 20, true);
      entry.setUint16(8, 0x0800, true);
      entry.setUint16(12, 0, true);
      entry.setUint16(14, 0x21, true);
      entry.setUint32(16, crc, true);
      entry.setUint32(20, data.length, true);
      entry.setUint32(24, data.length, true);
      entry.setUint16(28, name.length, true);
      entry.setUint32(38, file.mode << 16, true); // unix permissions
      entry.setUint32(42, offset, true);
      central.push(entry.buffer, name);
      offset += 30 + name.length + data.length;
    });
    var size = central.reduce(function (sum, b) {
      return sum + (b.byteLength !== undefined ? b.byteLength : b.length);
    }, 0);
    var end = header(22);
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, files.length, true);
    end.setUint16(10, files.length, true);
    end.setUint32(12, size, true);
    end.setUint32(16, offset, true);
    return new Blob(parts.concat(central, [end.buffer]), { type: "application/zip" });
  }

  function setupConfigurator(form) {
    var output = form.nextElementSibling;
    var index = JSON.parse(form.previousElementSibling.textContent);
    var cache = {};
    var latest = 0;
    function cloud() {
      return form.querySelector('input[name="cloud"]:checked').value;
    }
    function shard(id, key) {
      var url = new URL(form.dataset.base + id + "/" + index[id][key], document.baseURI).href;
      if (!cache[url]) {
        cache[url] = fetch(url).then(function (r) {
          if (!r.ok) throw new Error("could not load " + url);
          return r.json();
        });
      }
      return cache[url];
    }
    function update() {
      var key = selectionKey(form);
      var id = cloud();
      var request = ++latest;
      output.dataset.state = "loading";
      return shard(id, key).then(function (doc) {
        if (request !== latest) return; // a later choice was made meanwhile
        output.querySelectorAll(".rpa-config-file").forEach(function (box) {
          showFile(box, doc.files[box.dataset.name]);
        });
        output.querySelector(".rpa-config-env tbody").innerHTML = doc.env_rows;
        output.dataset.key = key;
        output.dataset.cloud = id;
        output.dataset.state = "ready";
      });
    }
    // The cloud radio starts on the reader's choice and reports changes to it: both are done by
    // the cloud-choice script (overrides/partials/cloud-choice.html), which runs first.
    form.addEventListener("change", update);
    output.querySelectorAll(".rpa-zip").forEach(function (button) {
      button.addEventListener("click", function () {
        var folder = button.dataset.name + "-" + output.dataset.cloud;
        var files = [];
        output.querySelectorAll(".rpa-config-file").forEach(function (box) {
          var name = box.dataset.name;
          files.push({
            name: folder + "/" + name,
            text: box.querySelector("pre code").textContent,
            mode: /\.sh$/.test(name) ? 0o100755 : 0o100644,
          });
        });
        var link = document.createElement("a");
        link.href = URL.createObjectURL(zipArchive(files));
        link.download = folder + ".zip";
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () {
          URL.revokeObjectURL(link.href);
        }, 10000);
      });
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
