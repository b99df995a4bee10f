/* Site behaviour: lazy diagrams, the diagram viewer, and the configurator.
 *
 * Nothing here builds text: the configurator only looks up, concatenates and shows
 * what the Python generator rendered (docs/generated/configurator/<cloud>.json, the
 * files of every selection of that cloud cut into slots).
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
        setupViewer(svg.closest(".rpa-diagram"));
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

  /* The viewer: fit, zoom and pan through the SVG's viewBox (crisp at any size), and a
   * tooltip plus highlight for each part. Every word it shows is Python's: the zoom bar,
   * the hint and the tooltip box are in the page; each part's text is its SVG <title>. */

  var STEP = 1.5; // zoom factor of one press of + or −
  var WHEEL = 0.002; // zoom per pixel of wheel travel
  var DRAG_SLOP = 4; // pixels a press may wander and still be a click
  var KEY_PAN = 0.15; // share of the picture's box one arrow key press moves it

  function setupViewer(figure) {
    var canvas = figure && figure.querySelector(".rpa-diagram-canvas");
    var svg = canvas && canvas.querySelector("svg.rpa-diagram-svg");
    if (!svg || figure.dataset.viewer) return;
    figure.dataset.viewer = "ready";
    var bar = figure.querySelector(".rpa-zoom");
    var zoomIn = bar.querySelector(".rpa-zoom-in");
    var zoomOut = bar.querySelector(".rpa-zoom-out");
    var tip = figure.querySelector(".rpa-tip");
    var hint = figure.querySelector(".rpa-diagram-hint");
    var keysHint = figure.querySelector(".rpa-diagram-keys");
    var box = svg.viewBox.baseVal;
    var home = { x: box.x, y: box.y, w: box.width, h: box.height };
    var view = { x: home.x, y: home.y, w: home.w, h: home.h };

    /* ----- geometry ----- */

    function zoom() {
      return home.w / view.w;
    }
    // Screen geometry from the SVG's box alone (it does not change with the viewBox): the
    // drawing is centred in it (preserveAspectRatio's default) at `fitScale() * zoom()`
    // pixels per unit, and `origin()` is where home's corner would be at any zoom.
    function fitScale() {
      var r = svg.getBoundingClientRect();
      return Math.min(r.width / home.w, r.height / home.h) || 1;
    }
    function origin() {
      var r = svg.getBoundingClientRect();
      var k = fitScale();
      return { x: r.left + (r.width - home.w * k) / 2, y: r.top + (r.height - home.h * k) / 2 };
    }
    function pixelsPerUnit() {
      return fitScale() * zoom();
    }
    function maxZoom() {
      // At least 4x, and far enough that the smallest labels become large.
      return Math.max(4, 3 / fitScale());
    }
    function toUser(x, y) {
      var o = origin();
      var k = pixelsPerUnit();
      return { x: view.x + (x - o.x) / k, y: view.y + (y - o.y) / k };
    }
    function middle() {
      var r = svg.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }
    function setDisabled(button, off) {
      // aria-disabled keeps the focus on the button, unlike disabled.
      button.setAttribute("aria-disabled", off ? "true" : "false");
    }
    function apply() {
      var z = Math.min(Math.max(zoom(), 1), maxZoom());
      view.w = home.w / z;
      view.h = home.h / z;
      // Never pan past the drawing's edges.
      view.x = Math.min(Math.max(view.x, home.x), home.x + home.w - view.w);
      view.y = Math.min(Math.max(view.y, home.y), home.y + home.h - view.h);
      svg.setAttribute("viewBox", view.x + " " + view.y + " " + view.w + " " + view.h);
      var zoomed = z > 1.0001;
      canvas.classList.toggle("rpa-zoomed", zoomed);
      setDisabled(zoomOut, !zoomed);
      setDisabled(zoomIn, z >= maxZoom() * 0.9999);
    }
    function zoomAt(factor, x, y) {
      var before = zoom();
      var after = Math.min(Math.max(before * factor, 1), maxZoom());
      if (Math.abs(after - before) < 1e-6) return false;
      pin(toUser(x, y), x, y, after); // the point under (x, y) stays there
      return true;
    }
    function pin(point, x, y, z) {
      // Zoom to z with the drawing's `point` at screen (x, y).
      var o = origin();
      z = Math.min(Math.max(z, 1), maxZoom());
      var k = fitScale() * z;
      view.w = home.w / z;
      view.h = home.h / z;
      view.x = point.x - (x - o.x) / k;
      view.y = point.y - (y - o.y) / k;
      apply();
    }
    function panBy(dx, dy) {
      var k = pixelsPerUnit();
      view.x -= dx / k;
      view.y -= dy / k;
      apply();
    }
    function fit() {
      view = { x: home.x, y: home.y, w: home.w, h: home.h };
      apply();
    }

    zoomIn.addEventListener("click", function () {
      if (zoomIn.getAttribute("aria-disabled") === "true") return;
      var c = middle();
      zoomAt(STEP, c.x, c.y);
    });
    zoomOut.addEventListener("click", function () {
      if (zoomOut.getAttribute("aria-disabled") === "true") return;
      var c = middle();
      zoomAt(1 / STEP, c.x, c.y);
    });
    bar.querySelector(".rpa-zoom-fit").addEventListener("click", fit);

    /* ----- keys, while the picture (or a part in it) has the focus: + or = and − zoom
     * around the middle, 0 fits, arrows pan. At the fitted size the arrows are left to the
     * page, so that reading on with the keyboard never gets caught in a diagram. ----- */

    // The keys only work from here on: until now the picture is no tab stop and its
    // description (Python's words in the page) would promise what does not work.
    canvas.tabIndex = 0;
    if (keysHint) canvas.setAttribute("aria-describedby", keysHint.id);
    // Heard on the canvas only, never on the document: keys typed into a field elsewhere
    // (search, the configurator) never reach it.
    canvas.addEventListener("keydown", function (e) {
      // Ctrl/⌘ with + − 0 is the browser's own zoom; Alt and ⌘ with arrows go back and forth.
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      var c = middle();
      var r = svg.getBoundingClientRect();
      var zoomed = zoom() > 1.0001;
      var dx = r.width * KEY_PAN;
      var dy = r.height * KEY_PAN;
      switch (e.key) {
        case "+":
        case "=":
          zoomAt(STEP, c.x, c.y);
          break;
        case "-":
          zoomAt(1 / STEP, c.x, c.y);
          break;
        case "0":
          fit();
          break;
        case "ArrowLeft":
        case "ArrowRight":
        case "ArrowUp":
        case "ArrowDown":
          if (!zoomed) return;
          // The view moves the arrow's way, so the picture moves the other.
          if (e.key === "ArrowLeft") panBy(dx, 0);
          else if (e.key === "ArrowRight") panBy(-dx, 0);
          else if (e.key === "ArrowUp") panBy(0, dy);
          else panBy(0, -dy);
          break;
        default:
          return;
      }
      e.preventDefault();
      if (active && !tip.hidden) place(active); // its note goes with the part
    });

    /* ----- wheel: always with Ctrl/⌘ (and a touchpad's pinch); plain only once zoomed,
     * so that scrolling the page past a diagram never gets caught in it ----- */

    var hintTimer = 0;
    function showHint() {
      if (!hint) return;
      hint.hidden = false;
      clearTimeout(hintTimer);
      hintTimer = setTimeout(function () {
        hint.hidden = true;
      }, 1500);
    }
    canvas.addEventListener(
      "wheel",
      function (e) {
        var modified = e.ctrlKey || e.metaKey;
        if (!modified && zoom() <= 1.0001) {
          showHint();
          return;
        }
        var dy = e.deltaY * (e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1);
        if (zoomAt(Math.exp(-dy * WHEEL), e.clientX, e.clientY) || modified) e.preventDefault();
      },
      { passive: false },
    );

    /* ----- drag to pan, pinch to zoom ----- */

    var pointers = {};
    var drag = null;
    var pinch = null;
    var swallowClick = false;
    var lastPointer = "";
    function pair() {
      var ids = Object.keys(pointers);
      var a = pointers[ids[0]];
      var b = pointers[ids[1]];
      return { d: Math.hypot(a.x - b.x, a.y - b.y), x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    }
    // A drag or a pinch holds the drawing's point that was under the pointer (or between
    // the fingers) at its start under it, so the picture follows the hand without drifting.
    function grab(id, x, y, moved) {
      drag = { id: id, x: x, y: y, moved: moved, point: toUser(x, y) };
    }
    canvas.addEventListener("pointerdown", function (e) {
      lastPointer = e.pointerType;
      if (e.pointerType === "mouse" && e.button !== 0) return;
      if (tip.contains(e.target)) return;
      swallowClick = false;
      pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
      var count = Object.keys(pointers).length;
      if (count === 1) {
        grab(e.pointerId, e.clientX, e.clientY, false);
      } else if (count === 2) {
        drag = null;
        pinch = pair();
        pinch.zoom = zoom();
        pinch.point = toUser(pinch.x, pinch.y);
        swallowClick = true;
        hide();
      }
    });
    canvas.addEventListener("pointermove", function (e) {
      var p = pointers[e.pointerId];
      if (!p) return;
      p.x = e.clientX;
      p.y = e.clientY;
      if (pinch && Object.keys(pointers).length >= 2) {
        var now = pair();
        pin(pinch.point, now.x, now.y, pinch.d > 0 ? (pinch.zoom * now.d) / pinch.d : zoom());
        return;
      }
      if (!drag || drag.id !== e.pointerId) return;
      if (!drag.moved) {
        if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) < DRAG_SLOP) return;
        drag.moved = true;
        canvas.setPointerCapture(e.pointerId);
        canvas.classList.add("rpa-dragging");
        hide();
      }
      pin(drag.point, e.clientX, e.clientY, zoom());
    });
    function release(e) {
      if (!pointers[e.pointerId]) return;
      delete pointers[e.pointerId];
      if (drag && drag.id === e.pointerId && drag.moved) swallowClick = true;
      if (drag && drag.id === e.pointerId) drag = null;
      canvas.classList.remove("rpa-dragging");
      if (pinch && Object.keys(pointers).length < 2) {
        pinch = null;
        // The finger left on the glass goes on panning, from where it is now.
        var rest = Object.keys(pointers)[0];
        if (rest) grab(+rest, pointers[rest].x, pointers[rest].y, true);
      }
    }
    // On the window: a press that never became a drag is not captured and may end outside.
    window.addEventListener("pointerup", release);
    window.addEventListener("pointercancel", release);
    svg.addEventListener("dragstart", function (e) {
      e.preventDefault();
    });

    /* ----- parts: highlight and tooltip ----- */

    var nodes = {};
    var edges = [];
    svg.querySelectorAll("[data-node], [data-from]").forEach(function (part) {
      // The tooltip shows Python's text; the browser's own tooltip would cover it.
      var title = part.querySelector(":scope > title");
      if (title) {
        part.setAttribute("data-tip", title.textContent);
        title.remove();
      }
      if (part.dataset.node) {
        nodes[part.dataset.node] = part;
      } else {
        // A node is reached by Tab through its link; a connection has none, so it is a tab
        // stop itself, in the drawing's order (Python names it: aria-label).
        part.setAttribute("tabindex", "0");
        edges.push(part);
      }
    });
    var active = null;
    var tapped = null;
    var hideTimer = 0;

    function partOf(target) {
      if (!target || !target.closest) return null;
      // A line's wide hit area lies under all parts and names its connection.
      if (target.dataset && target.dataset.edge) return document.getElementById(target.dataset.edge);
      return target.closest("[data-node], [data-from]");
    }
    function lit(part) {
      var out = [part];
      if (part.dataset.node) {
        edges.forEach(function (edge) {
          var from = edge.dataset.from;
          var to = edge.dataset.to;
          if (from === part.dataset.node || to === part.dataset.node) {
            out.push(edge, nodes[from === part.dataset.node ? to : from]);
          }
        });
      } else {
        out.push(nodes[part.dataset.from], nodes[part.dataset.to]);
      }
      return out.filter(Boolean);
    }
    function unlight() {
      svg.querySelectorAll(".rpa-hl").forEach(function (el) {
        el.classList.remove("rpa-hl", "rpa-hl-self");
      });
      svg.classList.remove("rpa-highlighting");
    }
    function place(part, x, y) {
      var c = canvas.getBoundingClientRect();
      var r = part.getBoundingClientRect();
      var anchorX = x === undefined ? r.left + r.width / 2 : x;
      var below = x === undefined ? r.bottom : y + 18;
      var above = x === undefined ? r.top : y - 10;
      var w = tip.offsetWidth;
      var h = tip.offsetHeight;
      var left = Math.min(Math.max(anchorX - c.left - w / 2, 4), Math.max(4, c.width - w - 4));
      var top = below - c.top + 6;
      if (top + h > c.height - 4) top = above - c.top - h - 6;
      tip.style.left = left + "px";
      tip.style.top = Math.min(Math.max(top, 4), Math.max(4, c.height - h - 4)) + "px";
    }
    function show(part, x, y) {
      clearTimeout(hideTimer);
      if (part !== active) {
        unlight();
        lit(part).forEach(function (el) {
          el.classList.add("rpa-hl");
        });
        part.classList.add("rpa-hl-self");
        svg.classList.add("rpa-highlighting");
        active = part;
      }
      tip.textContent = part.getAttribute("data-tip") || "";
      tip.hidden = false;
      place(part, x, y);
    }
    function hide() {
      clearTimeout(hideTimer);
      tip.hidden = true;
      unlight();
      active = null;
      tapped = null;
    }
    function hideSoon() {
      clearTimeout(hideTimer);
      // Long enough to reach the tooltip with the pointer (it stays while hovered).
      hideTimer = setTimeout(hide, 150);
    }
    function byKeyboard(el) {
      try {
        return el.matches(":focus-visible");
      } catch (err) {
        return true; // a browser without :focus-visible: as before it was
      }
    }
    function reveal(part) {
      // A part reached by Tab while zoomed in is brought into view.
      var r = part.getBoundingClientRect();
      var c = svg.getBoundingClientRect();
      if (r.left >= c.left && r.right <= c.right && r.top >= c.top && r.bottom <= c.bottom) return false;
      panBy(c.left + c.width / 2 - (r.left + r.width / 2), c.top + c.height / 2 - (r.top + r.height / 2));
      return true;
    }
    // Where the page was when Tab was pressed in the figure. The browser scrolls the page to
    // a part outside the picture's view before the viewer pans the part into it; the page
    // then goes back, so that the reader's place does not jump.
    var tabFrom = null;
    figure.addEventListener("keydown", function (e) {
      if (e.key !== "Tab") return;
      tabFrom = { left: window.scrollX, top: window.scrollY };
      // The focus moves as this key's own action, before any timer: later it is stale.
      setTimeout(function () {
        tabFrom = null;
      }, 0);
    });

    svg.addEventListener("pointerover", function (e) {
      if (e.pointerType === "touch" || (drag && drag.moved) || pinch) return;
      var part = partOf(e.target);
      if (part && part !== active) show(part, e.clientX, e.clientY);
      else if (part) clearTimeout(hideTimer);
    });
    svg.addEventListener("pointerout", function (e) {
      if (e.pointerType === "touch") return;
      var part = partOf(e.target);
      if (part && part === active && partOf(e.relatedTarget) !== part) hideSoon();
    });
    tip.addEventListener("pointerenter", function () {
      clearTimeout(hideTimer);
    });
    tip.addEventListener("pointerleave", function (e) {
      if (e.pointerType !== "touch") hideSoon();
    });
    // On the canvas, not the SVG: Chrome makes an SVG element with a focus listener a tab
    // stop of its own, a second one next to the canvas.
    canvas.addEventListener("focusin", function (e) {
      var part = partOf(e.target);
      if (!part || part === tapped) return;
      // Not on a press: a node's link (or a connection's label) takes the focus from the
      // pointer, and the picture jumping under the hand would spoil a drag that starts on it.
      if (byKeyboard(e.target) && reveal(part) && tabFrom) {
        window.scrollTo({ left: tabFrom.left, top: tabFrom.top, behavior: "instant" });
      }
      show(part);
    });
    canvas.addEventListener("focusout", function (e) {
      if (!svg.contains(e.relatedTarget)) hide();
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !tip.hidden) hide();
    });
    document.addEventListener("pointerdown", function (e) {
      if (!tip.hidden && !figure.contains(e.target)) hide();
    });
    canvas.addEventListener(
      "click",
      function (e) {
        if (swallowClick) {
          // The press was a drag or a pinch, not a click on a part's link.
          swallowClick = false;
          e.preventDefault();
          e.stopPropagation();
          return;
        }
        if (tip.contains(e.target)) return;
        var part = partOf(e.target);
        var type = e.pointerType !== undefined ? e.pointerType : lastPointer;
        if (type === "touch") {
          // A first tap shows what the part is; a second tap on it follows its link.
          if (!part) return hide();
          if (part !== tapped) {
            e.preventDefault();
            show(part, e.clientX, e.clientY);
            tapped = part;
          }
        } else if (part && part.dataset.from) {
          show(part, e.clientX, e.clientY);
        }
      },
      true,
    );

    bar.hidden = false;
    apply();
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

  /* The files of a choice from its cloud's slots (generator/slots.py): each piece is static
     text, or a region whose text depends on one group of parts; the group's state is the
     sorted, comma-joined tokens of its parts. Only lookups and concatenation happen here. */
  function slotPicks(doc, tokens) {
    return doc.groups.map(function (group) {
      var key = tokens
        .filter(function (t) {
          return group.parts.indexOf(t.split("=")[0]) >= 0;
        })
        .sort()
        .join(",");
      return group.states.indexOf(key);
    });
  }

  function pieceText(piece, picks) {
    return typeof piece === "string" ? piece : piece.texts[piece.pick[picks[piece.group]]];
  }

  function slotTexts(doc, picks) {
    var texts = {};
    Object.keys(doc.files).forEach(function (name) {
      texts[name] = doc.files[name]
        .map(function (piece) {
          return pieceText(piece, picks);
        })
        .join("");
    });
    return texts;
  }

  /* What one change of choice changed: the regions whose text differs between two picks of the
     same cloud, each with the line before it for orientation. Texts are the generator's. */
  function slotChanges(doc, before, after) {
    var changes = [];
    Object.keys(doc.files).forEach(function (name) {
      if (name === "env_rows") return;
      var lastLine = "";
      var line = 1; // where the next piece starts in the file after the change
      doc.files[name].forEach(function (piece) {
        var old = pieceText(piece, before);
        var now = pieceText(piece, after);
        if (typeof piece !== "string" && old !== now) {
          changes.push({ file: name, line: line, context: lastLine, old: old, now: now });
        }
        var lines = now.split("\n");
        if (now) lastLine = lines.length > 1 ? lines[lines.length - 2] + "\n" : lastLine;
        line += lines.length - 1;
      });
    });
    return changes;
  }

  function setupConfigurator(form) {
    var output = form.nextElementSibling;
    var formMarks = JSON.parse(form.dataset.marks);
    var cache = {};
    var latest = 0;
    var current = null; // the current choice's texts, with marks where the reader's values go
    var given = {}; // the reader's values, by field (a release, a namespace, a variable's name)
    function cloud() {
      return form.querySelector('input[name="cloud"]:checked').value;
    }
    function slots(id) {
      var url = new URL(form.dataset.base + id + ".json", document.baseURI).href;
      if (!cache[url]) {
        cache[url] = fetch(url).then(function (r) {
          if (!r.ok) throw new Error("could not load " + url);
          return r.json();
        });
      }
      return cache[url];
    }
    function valueOf(field) {
      var own = form.querySelector('input[data-field="' + field + '"]');
      return given[field] || (own ? own.dataset.default : "") || "";
    }
    // Marks (generator/values.py) become the reader's values: text replaced, nothing built.
    function fill(text) {
      Object.keys(current.marks).forEach(function (mark) {
        text = text.split(mark).join(valueOf(current.marks[mark]));
      });
      return text;
    }
    function show(rows) {
      output.querySelectorAll(".rpa-config-file").forEach(function (box) {
        var text = fill(current.texts[box.dataset.name] || "");
        box.hidden = !text;
        showFile(box, text);
      });
      drawChanges();
      if (!rows) return;
      var body = output.querySelector(".rpa-config-env tbody");
      body.innerHTML = fill(current.texts.env_rows);
      body.querySelectorAll("input[data-field]").forEach(function (input) {
        input.value = given[input.dataset.field] || "";
      });
    }
    // The diff of the last change of choice: removed text struck through, added text marked.
    function showChanges(previous) {
      if (!previous) return;
      current.changes = previous.cloud === current.cloud ? slotChanges(current.doc, previous.picks, current.picks) : null;
      drawChanges();
    }
    // Drawn again when a value is typed, so that the diff shows the reader's values too.
    function drawChanges() {
      var panel = output.querySelector(".rpa-config-diff");
      var list = panel.querySelector(".rpa-config-diff-list");
      if (!current || current.changes === undefined) return;
      list.textContent = "";
      panel.hidden = false;
      var changes = current.changes;
      if (!changes) {
        list.textContent = "Another cloud: every file is its own.";
        return;
      }
      if (!changes.length) list.textContent = "No file changed.";
      changes.forEach(function (change) {
        var head = document.createElement("p");
        var name = document.createElement("strong");
        name.textContent = change.file;
        head.append(name, ", line " + change.line);
        head.dataset.file = change.file;
        head.dataset.line = change.line;
        var pre = document.createElement("pre");
        pre.className = "rpa-config-diff-text";
        var context = document.createElement("span");
        context.className = "rpa-config-diff-context";
        context.textContent = fill(change.context);
        var del = document.createElement("del");
        del.textContent = fill(change.old);
        var ins = document.createElement("ins");
        ins.textContent = fill(change.now);
        pre.append(context, del, ins);
        list.append(head, pre);
      });
    }
    function remember(input) {
      // Only a value the field's pattern admits goes into the files (the rule is Python's).
      given[input.dataset.field] = input.value && input.checkValidity() ? input.value : "";
    }
    function update() {
      var key = selectionKey(form);
      var id = cloud();
      var request = ++latest;
      output.dataset.state = "loading";
      return slots(id).then(function (doc) {
        if (request !== latest) return; // a later choice was made meanwhile
        var picks = slotPicks(doc, key ? key.split(",") : []);
        var previous = current;
        current = {
          cloud: id,
          doc: doc,
          picks: picks,
          texts: slotTexts(doc, picks),
          marks: Object.assign({}, formMarks, doc.marks),
        };
        show(true);
        showChanges(previous);
        output.dataset.key = key;
        output.dataset.cloud = id;
        output.dataset.state = "ready";
      });
    }
    form.querySelectorAll("input[data-field]").forEach(function (input) {
      input.addEventListener("input", function () {
        remember(input);
        if (current) show(true); // the names are in the table's descriptions too
      });
    });
    output.addEventListener("input", function (event) {
      var input = event.target;
      if (!input.matches || !input.matches("input[data-field]")) return;
      remember(input);
      if (current) show(false); // rebuilding the table would take the focus from the field
    });
    // The cloud radio starts on the reader's choice and reports changes to it: both are done by
    // the cloud-choice script (overrides/partials/cloud-choice.html), which runs first.
    form.addEventListener("change", function (event) {
      if (!event.target.matches("input[data-field]")) update();
    });
    output.querySelectorAll(".rpa-zip").forEach(function (button) {
      button.addEventListener("click", function () {
        var folder = button.dataset.name + "-" + output.dataset.cloud;
        var files = [];
        output.querySelectorAll(".rpa-config-file:not([hidden])").forEach(function (box) {
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
    document.querySelectorAll(".rpa-diagram").forEach(setupViewer);
    // On phones the list of parts is opened by overrides/partials/phone-lists.html, before the first paint.
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
