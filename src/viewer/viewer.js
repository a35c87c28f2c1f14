/* Proxima web map viewer. Starts from viewer/catalog.json (what the project
 * holds), draws the project's own base map (the base style, commune borders
 * and names) under one analysis at a time chosen in the layer list, builds
 * the legend from the styles' paint expressions, shows a feature's
 * attributes in planner words on click, and links a sortable commune table
 * to the map. Every URL is made absolute against this page, so the same
 * files work from `proxima serve` and from a static copy (`proxima site`).
 * No request leaves the page's own server. */
(function () {
  'use strict';
  var L = window.ProximaLabels;
  var BASE = location.href.replace(/[?#].*$/, '').replace(/[^/]*$/, '');
  function abs(u) { return /^https?:\/\//.test(u) ? u : BASE + u.replace(/^\//, ''); }
  function getJSON(u) {
    return fetch(abs(u)).then(function (r) {
      if (!r.ok) throw new Error(u + ': HTTP ' + r.status);
      return r.json();
    });
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var state = { map: null, groups: [], sourceOf: {}, labels: {}, table: null, sortCol: null, sortDir: 1, selected: null };
  window.proximaViewer = state;

  /* ---- legend from paint expressions ---------------------------------- */
  function colorProp(layer) {
    var p = layer.paint || {};
    return p[layer.type + '-color'];
  }
  function classes(expr, col) {
    /* -> [[label, color]...]; break values in the input column's unit
     * (a _share of 0.5 reads "50.0 %", as in the popups and the table). */
    if (typeof expr === 'string') return [[null, expr]];
    if (!Array.isArray(expr)) return [];
    var op = expr[0], out = [], i;
    function v(x) { return col && typeof x === 'number' ? L.format(col, x) : String(x); }
    if (op === 'step') {
      out.push(['below ' + v(expr[3]), expr[2]]);
      for (i = 3; i + 1 < expr.length; i += 2) {
        var hi = i + 2 < expr.length ? expr[i + 2] : null;
        out.push([hi === null ? v(expr[i]) + ' and over' : v(expr[i]) + ' to ' + v(hi), expr[i + 1]]);
      }
      return out;
    }
    if (op === 'interpolate') {
      for (i = 3; i + 1 < expr.length; i += 2) out.push([v(expr[i]), expr[i + 1]]);
      return out;
    }
    if (op === 'match') {
      for (i = 2; i + 1 < expr.length; i += 2) out.push([[].concat(expr[i]).join(', '), expr[i + 1]]);
      out.push(['other', expr[expr.length - 1]]);
      return out;
    }
    return [];
  }
  function inputName(expr) {
    var found = null;
    (function walk(e) {
      if (found || !Array.isArray(e)) return;
      if (e[0] === 'get' && typeof e[1] === 'string') { found = e[1]; return; }
      if (e[0] === 'zoom') return;
      e.forEach(walk);
    })(expr);
    return found;
  }
  function renderLegend() {
    var box = document.getElementById('legend');
    box.textContent = '';
    state.groups.forEach(function (g) {
      if (!g.visible) return;
      var block = el('div', { 'class': 'legend-block', 'data-style': g.name });
      block.appendChild(el('div', { 'class': 'legend-title' }, g.title));
      g.layers.forEach(function (layer) {
        if (layer.type === 'background') return;
        var expr = colorProp(layer);
        var col = inputName(expr);
        var cls = classes(expr, col);
        if (!cls.length) return;
        if (col && cls.length > 1) block.appendChild(el('div', { 'class': 'legend-sub' }, L.label(col)));
        cls.forEach(function (c) {
          var item = el('div', { 'class': 'legend-item' });
          var sw = el('span', { 'class': 'swatch ' + (layer.type === 'fill' ? '' : layer.type) });
          sw.style.background = c[1];
          item.appendChild(sw);
          item.appendChild(el('span', {}, c[0] === null ? (layer['source-layer'] ? L.label(layer['source-layer']) : layer.id) : c[0]));
          block.appendChild(item);
        });
      });
      box.appendChild(block);
    });
  }

  /* ---- layers ------------------------------------------------------------ */
  function addGroup(map, name, title, style, visible) {
    var g = { name: name, title: title, layers: [], ids: [], visible: visible };
    Object.keys(style.sources || {}).forEach(function (id) {
      if (map.getSource(id)) return;
      var s = JSON.parse(JSON.stringify(style.sources[id]));
      if (s.tiles) s.tiles = s.tiles.map(abs);
      if (s.url) s.url = abs(s.url);
      map.addSource(id, s);
    });
    (style.layers || []).forEach(function (layer) {
      if (layer.type === 'symbol') return;
      if (layer.type === 'background' && name !== 'base') return;
      var l = JSON.parse(JSON.stringify(layer));
      l.id = name + ':' + layer.id;
      l.layout = Object.assign({}, l.layout || {}, { visibility: visible ? 'visible' : 'none' });
      map.addLayer(l);
      if (l['source-layer'] && !state.sourceOf[l['source-layer']]) state.sourceOf[l['source-layer']] = l.source;
      g.layers.push(layer);
      g.ids.push(l.id);
    });
    state.groups.push(g);
    return g;
  }
  function setVisible(g, on) {
    g.visible = on;
    g.ids.forEach(function (id) { state.map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none'); });
    renderLegend();
  }
  function renderSwitcher() {
    var box = document.getElementById('layers');
    box.textContent = '';
    state.groups.forEach(function (g) {
      var lab = el('label', { 'data-style': g.name });
      var cb = el('input', { type: 'checkbox', 'data-style': g.name });
      cb.checked = g.visible;
      cb.addEventListener('change', function () { setVisible(g, cb.checked); });
      lab.appendChild(cb);
      lab.appendChild(document.createTextNode(' ' + g.title));
      box.appendChild(lab);
    });
  }

  /* ---- variants: the same drawing for another mode, category or measure -------- */
  function replaceGet(expr, from, to) {
    if (!Array.isArray(expr)) return expr;
    if (expr[0] === 'get' && expr[1] === from) return ['get', to];
    return expr.map(function (e) { return replaceGet(e, from, to); });
  }
  function replaceEq(expr, col, value) {
    if (!Array.isArray(expr)) return expr;
    if (expr[0] === '==' && Array.isArray(expr[1]) && expr[1][0] === 'get' && expr[1][1] === col) return ['==', expr[1], value];
    return expr.map(function (e) { return replaceEq(e, col, value); });
  }
  /* Apply `fn` (layer -> layer) to every layer of group g, on the map and in
   * the copies the legend reads. */
  function restyle(g, fn) {
    g.layers = g.layers.map(function (layer, i) {
      var l = fn(JSON.parse(JSON.stringify(layer)));
      var id = g.ids[i];
      Object.keys(l.paint || {}).forEach(function (k) { state.map.setPaintProperty(id, k, l.paint[k]); });
      if (l.filter) state.map.setFilter(id, l.filter);
      return l;
    });
    renderLegend();
  }
  function addSelect(g, label, options, value, onChange) {
    var box = document.querySelector('#layers label[data-style="' + g.name + '"]');
    if (!box || options.length < 2) return;
    var sel = el('select', { 'data-variant': g.name + ':' + label, 'aria-label': label });
    options.forEach(function (o) { sel.appendChild(el('option', { value: o[0] }, o[1])); });
    sel.value = value;
    sel.addEventListener('change', function () { onChange(sel.value); });
    var wrap = el('div', { 'class': 'variant' }, label + ' ');
    wrap.appendChild(sel);
    box.appendChild(wrap);
  }
  /* Quarter hour: the share of residents per mode and category (communes) and
   * the score of the same mode (origins). Equity: mode and category. */
  function addVariants(cat) {
    var qh = state.groups.filter(function (g) { return g.name === 'quarter-hour'; })[0];
    var qt = cat.tables.filter(function (t) { return t.name === 'access_communes'; })[0];
    if (qh && qt) getJSON(qt.json).then(function (t) {
      var cols = t.columns.map(function (c) { return c.name; }).filter(function (c) { return /^(walk|bike)_.+_share$/.test(c); });
      var current = 'walk_all_share';
      addSelect(qh, 'Show', cols.map(function (c) { return [c, L.label(c)]; }), current, function (v) {
        var mode = v.split('_')[0], from = current;
        restyle(qh, function (l) {
          l.paint = replaceGet(replaceGet(l.paint, from, v), from.split('_')[0] + '_score', mode + '_score');
          return l;
        });
        current = v;
      });
    });
    /* Service what-if: the same drawing for the other mode. */
    var sw = state.groups.filter(function (g) { return g.name === 'services-whatif'; })[0];
    var st = cat.tables.filter(function (t) { return t.name === 'services_whatif_communes'; })[0];
    if (sw && st) getJSON(st.json).then(function (t) {
      var seen = {};
      t.rows.forEach(function (r) { if (r.mode) seen[r.mode] = 1; });
      var vals = Object.keys(seen).sort();
      addSelect(sw, L.label('mode'), vals.map(function (v) { return [v, v]; }), seen.walk ? 'walk' : vals[0], function (v) {
        restyle(sw, function (l) { if (l.filter) l.filter = replaceEq(l.filter, 'mode', v); return l; });
      });
    });
    var eq = state.groups.filter(function (g) { return g.name === 'equity'; })[0];
    var et = cat.tables.filter(function (t) { return t.name === 'equity_communes'; })[0];
    if (eq && et) getJSON(et.json).then(function (t) {
      ['mode', 'category'].forEach(function (col) {
        var seen = {};
        t.rows.forEach(function (r) { if (r[col] !== null && r[col] !== undefined) seen[r[col]] = 1; });
        var vals = Object.keys(seen).sort();
        var now = col === 'mode' ? 'walk' : 'health';
        addSelect(eq, L.label(col), vals.map(function (v) { return [v, v]; }), now, function (v) {
          restyle(eq, function (l) { if (l.filter) l.filter = replaceEq(l.filter, col, v); return l; });
        });
      });
    });
  }

  /* ---- popups -------------------------------------------------------------- */
  function popupHTML(f) {
    var p = f.properties || {};
    var wrap = el('div', { 'class': 'popup' });
    var title = p.commune_name || p.name || L.label(f.sourceLayer || '');
    wrap.appendChild(el('div', { 'class': 'popup-title' }, title));
    wrap.appendChild(el('div', { 'class': 'hint' }, L.label(f.sourceLayer || '')));
    var t = el('table');
    Object.keys(p).forEach(function (k) {
      var tr = el('tr');
      tr.appendChild(el('td', {}, L.label(k)));
      tr.appendChild(el('td', {}, L.format(k, p[k])));
      t.appendChild(tr);
    });
    wrap.appendChild(t);
    return wrap;
  }
  function onClick(e) {
    var ids = [];
    state.groups.forEach(function (g) { if (g.visible) ids = ids.concat(g.ids.filter(function (id) { return !/:background$/.test(id); })); });
    var feats = state.map.queryRenderedFeatures(e.point, { layers: ids });
    if (!feats.length) return;
    /* Prefer an analysis feature over the base map. */
    var f = feats.filter(function (x) { return !/^base:/.test(x.layer.id); })[0] || feats[0];
    new maplibregl.Popup({ maxWidth: '360px' }).setLngLat(e.lngLat).setDOMContent(popupHTML(f)).addTo(state.map);
    var cid = f.properties.commune_id || (f.sourceLayer === 'communes' ? f.properties.id : null);
    if (!cid) {
      var c = feats.filter(function (x) { return x.sourceLayer === 'communes'; })[0];
      if (c) cid = c.properties.id;
    }
    if (cid) selectRow(cid, true);
  }

  /* ---- commune table ----------------------------------------------------- */
  function selectRow(cid, scroll) {
    state.selected = cid;
    var rows = document.querySelectorAll('#table tbody tr');
    var first = null;
    rows.forEach(function (tr) {
      var on = tr.getAttribute('data-commune') === String(cid);
      tr.classList.toggle('selected', on);
      if (on && !first) first = tr;
    });
    if (first && scroll) first.scrollIntoView({ block: 'nearest' });
  }
  function renderTable() {
    var t = state.table;
    if (!t) return;
    var cols = t.columns.map(function (c) { return c.name; })
      .filter(function (c) { return c !== 'commune_id' && c !== 'props'; });
    cols.sort(function (a, b) { return (b === 'commune_name') - (a === 'commune_name'); });
    var thead = document.querySelector('#table thead'), tbody = document.querySelector('#table tbody');
    thead.textContent = '';
    tbody.textContent = '';
    var hr = el('tr');
    cols.forEach(function (c) {
      var th = el('th', { 'data-col': c, title: L.label(c) }, L.label(c) + (state.sortCol === c ? (state.sortDir > 0 ? ' ▲' : ' ▼') : ''));
      th.addEventListener('click', function () {
        state.sortDir = state.sortCol === c ? -state.sortDir : 1;
        state.sortCol = c;
        renderTable();
      });
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    var rows = t.rows.slice();
    if (state.sortCol) {
      var c = state.sortCol, d = state.sortDir;
      rows.sort(function (a, b) {
        var x = a[c], y = b[c];
        if (x === y) return 0;
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (x < y ? -1 : 1) * d;
      });
    }
    rows.forEach(function (r) {
      var tr = el('tr', { 'data-commune': r.commune_id });
      cols.forEach(function (c) { tr.appendChild(el('td', {}, L.format(c, r[c]))); });
      tr.addEventListener('click', function () { zoomTo(r.commune_id); selectRow(r.commune_id, false); });
      tbody.appendChild(tr);
    });
    if (state.selected) selectRow(state.selected, false);
  }
  function zoomTo(cid) {
    var p = state.labels[cid];
    if (p) state.map.flyTo({ center: p, zoom: Math.max(state.map.getZoom(), 13), duration: 500 });
  }
  function loadTable(entry) {
    return getJSON(entry.json).then(function (t) {
      state.table = t;
      state.sortCol = null;
      renderTable();
    });
  }

  /* ---- start ------------------------------------------------------------- */
  function start(cat) {
    document.getElementById('title').textContent = 'Proxima: ' + cat.name;
    /* The same words as the styles' sources, which MapLibre then shows once. */
    var attribution = ['© OpenStreetMap contributors'].concat(cat.attribution ? [cat.attribution] : []);
    var map = new maplibregl.Map({
      container: 'map',
      style: { version: 8, sources: {}, layers: [] },
      bounds: cat.bounds || undefined,
      fitBoundsOptions: { padding: 20 },
      attributionControl: { compact: false, customAttribution: attribution },
      canvasContextAttributes: { preserveDrawingBuffer: true }
    });
    state.map = map;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }));
    map.on('error', function (e) { console.warn('map:', e && e.error ? e.error.message : e); });
    /* The base map first; the quarter-hour analysis is the one shown at start. */
    var rank = function (n) { return n === 'base' ? 0 : n === 'quarter-hour' ? 1 : 2; };
    var styles = cat.styles.slice().sort(function (a, b) { return rank(a.name) - rank(b.name); });
    map.on('load', function () {
      Promise.all(styles.map(function (s) { return getJSON(s.url); })).then(function (docs) {
        var first = true;
        docs.forEach(function (doc, i) {
          var s = styles[i], isBase = s.name === 'base';
          var title = isBase ? 'Base map (roads, services, communes)' : s.title.replace(/^Proxima: /, '');
          addGroup(map, s.name, title, doc, isBase || first);
          if (!isBase) first = false;
        });
        /* Results without a style file get a default drawing. */
        var drawn = {};
        cat.styles.forEach(function (s) { (s.tables || []).forEach(function (t) { drawn[t] = 1; }); });
        cat.tilesets.forEach(function (ts) {
          var x = L.extra[ts.name];
          if (!x || drawn[ts.name] || ts.mbtiles) return;
          var src = { version: 8, sources: {}, layers: [] };
          src.sources[ts.name] = { type: 'vector', tiles: ['tiles/' + ts.name + '/{z}/{x}/{y}.pbf'], maxzoom: 14 };
          x.layers.forEach(function (l, k) {
            src.layers.push(Object.assign({ id: ts.name + '-' + k, source: ts.name, 'source-layer': ts.name }, l));
          });
          addGroup(map, ts.name, x.title, src, false);
        });
        /* Commune borders over everything, names as labels. */
        if (state.sourceOf.communes) {
          addGroup(map, 'borders', 'Commune borders and names', { sources: {}, layers: [
            { id: 'commune-borders', type: 'line', source: state.sourceOf.communes, 'source-layer': 'communes',
              paint: { 'line-color': '#555', 'line-width': 1.2, 'line-dasharray': [3, 2] } }] }, true);
        }
        renderSwitcher();
        renderLegend();
        addVariants(cat);
        map.on('click', onClick);
        var labelsDone = cat.labels ? getJSON(cat.labels).then(function (gj) {
          gj.features.forEach(function (f) {
            var p = f.properties, ll = f.geometry.coordinates;
            state.labels[p.id] = ll;
            new maplibregl.Marker({ element: el('div', { 'class': 'commune-label', 'data-commune': p.id }, p.name) })
              .setLngLat(ll).addTo(map);
          });
        }) : Promise.resolve();
        var sel = document.getElementById('table-select');
        cat.tables.forEach(function (t) { sel.appendChild(el('option', { value: t.name }, L.label(t.name))); });
        var pref = cat.tables.filter(function (t) { return t.name === 'access_communes'; })[0] || cat.tables[0];
        sel.addEventListener('change', function () {
          loadTable(cat.tables.filter(function (t) { return t.name === sel.value; })[0]);
        });
        var tableDone = pref ? (sel.value = pref.name, loadTable(pref)) : Promise.resolve();
        if (!pref) document.getElementById('table-section').style.display = 'none';
        return Promise.all([labelsDone, tableDone]);
      }).then(function () {
        map.once('idle', function () { document.body.setAttribute('data-ready', '1'); });
        map.triggerRepaint();
      }).catch(function (err) {
        console.error('viewer: ' + err.message);
        document.body.setAttribute('data-ready', 'error');
      });
    });
  }
  getJSON('viewer/catalog.json').then(start).catch(function (err) {
    console.error('viewer: ' + err.message);
    document.body.setAttribute('data-ready', 'error');
  });
})();
