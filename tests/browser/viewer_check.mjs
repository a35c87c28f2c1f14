// Real-browser check of the Proxima viewer: Debian's chromium driven by
// playwright-core (headless, software WebGL). Usage:
//   node viewer_check.mjs URL SHOT_DIR [KNOWN_COMMUNE_NAME [WHATIF_COMMUNE WHATIF_GAIN]]
// Asserts: the page loads with no console error and no request leaving the
// page's origin; the map canvas is not blank; the legend lists the classes of
// the visible styles' colour expressions; toggling a layer changes the
// canvas; clicking a known commune opens a popup with its name; a table row
// click zooms to its commune; the OSM attribution shows. With WHATIF_COMMUNE:
// the service layers (what-if, sites, shared) are in the layer switcher, and
// with the what-if shown alone a click on that commune opens a popup with its
// residents gaining a service, WHATIF_GAIN, in planner words. A fresh profile
// (--user-data-dir through launchPersistentContext) per run. Screenshots go to SHOT_DIR. Exit 1 on failure.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [url, shots, communeName, whatifCommune, whatifGain] = process.argv.slice(2);
if (!url || !shots) {
  console.error('usage: node viewer_check.mjs URL SHOT_DIR [COMMUNE]');
  process.exit(2);
}
fs.mkdirSync(shots, { recursive: true });
const origin = new URL(url).origin;
const failures = [];
const fail = (m) => { failures.push(m); console.error('FAIL: ' + m); };
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'proxima-chromium-'));

const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--use-gl=angle', '--use-angle=swiftshader',
         '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  viewport: { width: 1280, height: 800 },
});
let code = 0;
try {
  const page = browser.pages()[0] || await browser.newPage();
  const consoleErrors = [], outside = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push('pageerror: ' + e.message));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin + '/') && !u.startsWith('data:') && !u.startsWith('blob:')) outside.push(u);
  });
  // Failed requests count as errors, except those MapLibre cancels itself
  // (tiles no longer needed after a zoom: net::ERR_ABORTED).
  page.on('requestfailed', (r) => {
    const why = (r.failure() || {}).errorText || '';
    if (!/ERR_ABORTED/.test(why)) consoleErrors.push('request failed: ' + r.url() + ' ' + why);
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.getAttribute('data-ready'), null, { timeout: 90000 });
  if ((await page.getAttribute('body', 'data-ready')) !== '1') fail('viewer reported an error');
  await page.screenshot({ path: path.join(shots, '1-loaded.png') });

  // Sampled canvas pixels: a grid of 40 x 25 over the map.
  const sample = () => page.evaluate(() => {
    const src = window.proximaViewer.map.getCanvas();
    const c = document.createElement('canvas');
    c.width = 40; c.height = 25;
    const g = c.getContext('2d');
    g.drawImage(src, 0, 0, 40, 25);
    return Array.from(g.getImageData(0, 0, 40, 25).data);
  });
  const idle = () => page.evaluate(() => new Promise((res) => {
    const m = window.proximaViewer.map;
    m.once('idle', () => res());
    m.triggerRepaint();
  }));
  const px0 = await sample();
  const bg = [0xf8, 0xf4, 0xf0];
  let differing = 0;
  for (let i = 0; i < px0.length; i += 4)
    if (Math.abs(px0[i] - bg[0]) + Math.abs(px0[i + 1] - bg[1]) + Math.abs(px0[i + 2] - bg[2]) > 30) differing++;
  const distinct = new Set();
  for (let i = 0; i < px0.length; i += 4) distinct.add(px0.slice(i, i + 3).join(','));
  console.log(`canvas: ${differing} of 1000 sampled pixels differ from the background, ${distinct.size} colours`);
  if (differing < 50 || distinct.size < 4) fail(`canvas looks blank (${differing} differing, ${distinct.size} colours)`);

  // Legend: the classes of the visible styles, computed here from the style
  // documents the viewer fetched (step thresholds, match keys, interpolate stops).
  const cat = await page.evaluate(() => fetch('viewer/catalog.json').then((r) => r.json()));
  const visible = await page.$$eval('#layers input:checked', (els) => els.map((e) => e.dataset.style));
  const legendText = await page.textContent('#legend');
  let expected = 0;
  for (const s of cat.styles) {
    if (!visible.includes(s.name)) continue;
    const doc = await page.evaluate((u) => fetch(u).then((r) => r.json()), s.url);
    for (const l of doc.layers) {
      const e = (l.paint || {})[l.type + '-color'];
      if (!Array.isArray(e)) continue;
      const keys = [];
      // Break values are shown in the unit of the column they classify: a
      // _share of 0.5 as "50 %", minutes with "min" (README "Result tables").
      const col = JSON.stringify(e).match(/\["get","([^"]+)"\]/)?.[1] ?? '';
      const nf = (v, d) => Number(v).toLocaleString('en-GB', { maximumFractionDigits: d });
      const unit = (v) => /_share$/.test(col) ? `${nf(v * 100, 1)} %` : /_pct$/.test(col) ? `${nf(v, 1)} %`
        : /_min$/.test(col) ? `${nf(v, 1)} min` : String(v);
      if (e[0] === 'step') for (let i = 3; i < e.length; i += 2) keys.push(unit(e[i]));
      if (e[0] === 'interpolate') for (let i = 3; i < e.length; i += 2) keys.push(unit(e[i]));
      if (e[0] === 'match') for (let i = 2; i + 1 < e.length; i += 2) keys.push([].concat(e[i]).join(', '));
      for (const k of keys) {
        expected++;
        if (!legendText.includes(k)) fail(`legend lacks class '${k}' of ${s.name}/${l.id}`);
      }
    }
  }
  console.log(`legend: ${expected} classes checked for ${visible.join(', ')}`);
  if (!expected) fail('no class to check in the legend');

  // Toggle the first analysis layer off: the canvas changes.
  const analysis = visible.find((n) => n !== 'base' && n !== 'borders');
  if (!analysis) fail('no analysis layer visible at start');
  else {
    await page.click(`#layers input[data-style="${analysis}"]`);
    await idle();
    const px1 = await sample();
    let changed = 0;
    for (let i = 0; i < px0.length; i += 4)
      if (px0[i] !== px1[i] || px0[i + 1] !== px1[i + 1] || px0[i + 2] !== px1[i + 2]) changed++;
    console.log(`toggle ${analysis}: ${changed} sampled pixels changed`);
    if (changed < 20) fail(`toggling ${analysis} changed ${changed} sampled pixels`);
    if ((await page.textContent('#legend')).includes(cat.styles.find((s) => s.name === analysis).title.replace(/^Proxima: /, '')))
      fail('legend still shows the hidden layer');
    await page.screenshot({ path: path.join(shots, '2-toggled.png') });
    await page.click(`#layers input[data-style="${analysis}"]`);
    await idle();
  }

  // Click a known commune at its label point: a popup with its name.
  const labels = await page.evaluate((u) => fetch(u).then((r) => r.json()), cat.labels);
  const target = labels.features.find((f) => f.properties.name === communeName) || labels.features[0];
  const pt = await page.evaluate((ll) => {
    const p = window.proximaViewer.map.project(ll);
    const r = window.proximaViewer.map.getCanvas().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, target.geometry.coordinates);
  await page.mouse.click(pt.x, pt.y);
  await page.waitForSelector('.maplibregl-popup', { timeout: 10000 }).catch(() => {});
  const popup = (await page.textContent('.maplibregl-popup').catch(() => null)) || '';
  console.log(`popup at ${target.properties.name}: ${popup.slice(0, 80)}`);
  if (!popup.includes(target.properties.name)) fail(`popup lacks '${target.properties.name}': '${popup.slice(0, 120)}'`);
  const selected = await page.$$eval('#table tr.selected', (rows) => rows.map((r) => r.dataset.commune));
  if (!selected.includes(String(target.properties.id))) fail(`map click did not highlight row ${target.properties.id} (${selected})`);
  await page.screenshot({ path: path.join(shots, '3-popup.png') });
  await page.keyboard.press('Escape');
  await page.evaluate(() => document.querySelectorAll('.maplibregl-popup').forEach((p) => p.remove()));

  // A table row click zooms to its commune.
  const other = labels.features.find((f) => f.properties.id !== target.properties.id);
  const before = await page.evaluate(() => ({ z: window.proximaViewer.map.getZoom(), c: window.proximaViewer.map.getCenter() }));
  await page.click(`#table tbody tr[data-commune="${other.properties.id}"]`);
  await page.waitForFunction(() => !window.proximaViewer.map.isMoving(), null, { timeout: 10000 });
  await page.waitForTimeout(800);
  await page.waitForFunction(() => !window.proximaViewer.map.isMoving(), null, { timeout: 10000 });
  const after = await page.evaluate(() => ({ z: window.proximaViewer.map.getZoom(), c: window.proximaViewer.map.getCenter() }));
  const [lon, lat] = other.geometry.coordinates;
  console.log(`row ${other.properties.name}: zoom ${before.z.toFixed(2)} -> ${after.z.toFixed(2)}, centre ${after.c.lng.toFixed(4)},${after.c.lat.toFixed(4)}`);
  if (!(after.z >= 13 && after.z > before.z)) fail(`row click did not zoom in (${before.z} -> ${after.z})`);
  if (Math.abs(after.c.lng - lon) > 1e-3 || Math.abs(after.c.lat - lat) > 1e-3)
    fail(`row click centred on ${after.c.lng},${after.c.lat}, not on ${lon},${lat}`);
  await idle();
  await page.screenshot({ path: path.join(shots, '4-row-zoom.png') });

  // OSM attribution visible.
  const att = (await page.textContent('.maplibregl-ctrl-attrib').catch(() => '')) || '';
  if (!att.includes('OpenStreetMap')) fail(`attribution lacks OpenStreetMap: '${att}'`);

  if (whatifCommune) {
    const names = await page.$$eval('#layers input', (els) => els.map((e) => e.dataset.style));
    for (const n of ['services-whatif', 'services-sites', 'services-shared'])
      if (!names.includes(n)) fail(`layer switcher lacks ${n} (has ${names.join(', ')})`);
    for (const n of names) {
      if (n === 'base' || n === 'borders') continue;
      const on = await page.isChecked(`#layers input[data-style="${n}"]`);
      if (on !== (n === 'services-whatif')) await page.click(`#layers input[data-style="${n}"]`);
    }
    await page.evaluate((b) => window.proximaViewer.map.fitBounds(b, { animate: false, padding: 20 }), cat.bounds);
    await idle();
    const legend = await page.textContent('#legend');
    if (!legend.includes('Service what-if')) fail(`legend lacks the what-if: '${legend.slice(0, 200)}'`);
    if (!legend.includes('Residents gaining a service within reach')) fail('legend lacks the what-if measure in planner words');
    const wt = labels.features.find((f) => f.properties.name === whatifCommune);
    if (!wt) fail(`no commune '${whatifCommune}'`);
    else {
      const wp = await page.evaluate((ll) => {
        const p = window.proximaViewer.map.project(ll);
        const r = window.proximaViewer.map.getCanvas().getBoundingClientRect();
        return { x: r.left + p.x, y: r.top + p.y };
      }, wt.geometry.coordinates);
      await page.mouse.click(wp.x, wp.y);
      await page.waitForSelector('.maplibregl-popup', { timeout: 10000 }).catch(() => {});
      const wpop = (await page.textContent('.maplibregl-popup').catch(() => null)) || '';
      const want = Number(whatifGain).toLocaleString('en-GB', { maximumFractionDigits: Number.isInteger(Number(whatifGain)) ? 0 : 2 });
      console.log(`what-if popup at ${whatifCommune}: ${wpop.slice(0, 160)}`);
      if (!wpop.includes(whatifCommune)) fail(`what-if popup lacks '${whatifCommune}'`);
      if (!wpop.includes('Residents gaining a service within reach' + want))
        fail(`what-if popup lacks 'Residents gaining a service within reach' = ${want}: '${wpop.slice(0, 300)}'`);
      await page.screenshot({ path: path.join(shots, '5-whatif-popup.png') });
    }
  }

  if (consoleErrors.length) fail('console errors: ' + consoleErrors.slice(0, 5).join(' | '));
  if (outside.length) fail('requests leaving ' + origin + ': ' + outside.slice(0, 5).join(' '));
} catch (e) {
  fail('exception: ' + (e && e.stack || e));
} finally {
  await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
if (failures.length) { console.error(`${failures.length} browser check(s) failed`); code = 1; }
else console.log('browser checks passed');
process.exit(code);
