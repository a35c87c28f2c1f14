// Conformance of Proxima's style evaluator with MapLibre's.
//
//   node tests/style/conformance.mjs DRIVER OUTDIR [--list]
//
// Every case of cases.mjs (hand-written) and of the generated families below
// is compiled and evaluated by MapLibre's own code (the npm package
// @maplibre/maplibre-gl-style-spec that the viewer's maplibre-gl uses,
// installed into node_modules by scripts/setup; nothing is fetched at run time) and by Proxima (DRIVER,
// tests/style/style_expr_driver.c). Valid expressions (MapLibre compiles
// them) must compile in Proxima and give the same value on every input
// (numbers to 1e-9 relative, colours to 1e-3 per channel, errors as
// errors); invalid ones must be refused. Operators Proxima refuses by design
// (feature-state, image, format...) are counted apart. Writes OUTDIR/report.json
// and exits 1 on any disagreement.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handCases, defaultInputs } from './cases.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const [driver, outdir] = process.argv.slice(2);
if (!driver || !outdir) {
  console.error('usage: conformance.mjs DRIVER OUTDIR');
  process.exit(2);
}
// The style-spec package the web viewer's MapLibre GL JS itself depends on
// (node_modules/, from the root package-lock.json), so that the raster tiles
// are held to the same version as the browser.
let spec, specRequire;
try {
  const glPackage = createRequire(join(root, 'package.json')).resolve('maplibre-gl/package.json');
  specRequire = createRequire(glPackage);
  spec = specRequire('@maplibre/maplibre-gl-style-spec');
} catch (e) {
  console.error('conformance: maplibre-gl and its @maplibre/maplibre-gl-style-spec are not installed in node_modules (run scripts/setup)');
  process.exit(1);
}

// ---- generated families: every operator with every operand kind, 0-2 arguments.
const pool = [1, 0, -2.5, 'a', '12', true, null, ['get', 'n'], ['get', 'name'], ['get', 'missing'],
  ['literal', [1, 2]], ['zoom'], ['rgb', 10, 20, 30], ['get', 'arr'], ['get', 'obj']];
const small = [2, 'b', false, null, ['get', 'pop'], ['literal', ['a', 'b']], ['rgba', 0, 0, 255, 0.5]];
const ops = ['==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '^', 'min', 'max', 'rgb', 'rgba',
  'to-string', 'to-number', 'to-boolean', 'to-color', 'string', 'number', 'boolean', 'object', 'array', '!',
  'in', 'index-of', 'slice', 'length', 'at', 'concat', 'upcase', 'downcase', 'coalesce', 'typeof', 'to-rgba',
  'abs', 'round', 'floor', 'ceil', 'sqrt', 'ln', 'log10', 'log2', 'all', 'any', 'get', 'has', 'literal',
  'var', 'let', 'case', 'match', 'step', 'interpolate', 'number-format', 'properties', 'geometry-type', 'id',
  'e', 'pi', 'ln2', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan'];
function generated() {
  const out = [];
  for (const op of ops) {
    out.push({ expression: [op] });
    for (const a of pool) out.push({ expression: [op, a] });
    for (const a of pool) for (const b of small) out.push({ expression: [op, a, b] });
  }
  for (const op of ['rgb', 'rgba', 'index-of', 'slice', 'in', 'concat', '+', 'case', 'coalesce', '==', '<']) {
    for (const a of small) for (const b of small) for (const c of [0, 'x', true, null, ['get', 'n']])
      out.push({ expression: [op, a, b, c] });
  }
  // Typed contexts: the same operands where a number / colour / string is expected.
  for (const type of ['number', 'color', 'string', 'boolean', 'array<number>']) {
    for (const a of pool) out.push({ expression: a, type });
    for (const a of pool) out.push({ expression: ['coalesce', a, ['get', 'n']], type });
  }
  return out.map((c) => ({ ...c, family: 'generated' }));
}

// ---- MapLibre's side
const sources = { s: { type: 'vector', tiles: ['http://localhost/{z}/{x}/{y}.pbf'] } };
function mlValue(v) {
  if (v instanceof spec.Color) return { "$color": v.rgb };
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v === undefined) return null;
  return JSON.parse(JSON.stringify(v));
}
const typeSpec = (t) => {
  if (!t) return undefined;
  const m = /^array<(\w+)(?:, (\d+))?>$/.exec(t);
  if (m) return { type: 'array', value: m[1], ...(m[2] ? { length: +m[2] } : {}) };
  if (t === 'array') return { type: 'array' };
  return { type: t };
};
function feature(f) { return { type: f.type, properties: f.properties || {}, id: f.id }; }

console.warn = () => {}; // MapLibre warns once per failed evaluation
// MapLibre itself throws on a few malformed inputs (e.g. number-format with
// null options): that refuses the style in the browser too.
function maplibre(c) {
  try { return maplibreRaw(c); } catch (e) { return { compiled: false, error: `MapLibre threw: ${e.message}` }; }
}
function maplibreRaw(c) {
  const inputs = c.inputs;
  const mode = c.mode || 'expr';
  if (mode === 'expr') {
    const r = spec.expression.createExpression(c.expression, typeSpec(c.type));
    if (r.result === 'error') return { compiled: false, error: r.value.map((e) => `${e.key}: ${e.message}`).join('; ') };
    return { compiled: true, outputs: inputs.map(([g, f]) => {
      try { return mlValue(r.value.evaluateWithoutErrorHandling(g, feature(f))); }
      catch (e) { return { error: e.message }; }
    }) };
  }
  const layer = { id: 'l', type: c.layer || 'fill', source: 's', 'source-layer': 't' };
  if (mode === 'filter') layer.filter = c.expression;
  else layer[mode] = { [c.property]: c.expression };
  const errors = spec.validateStyleMin({ version: 8, sources, layers: [layer] });
  if (errors.length) return { compiled: false, error: errors.map((e) => e.message).join('; ') };
  if (mode === 'filter') {
    let f;
    try { f = spec.featureFilter(c.expression); } catch (e) { return { compiled: false, error: e.message }; }
    return { compiled: true, outputs: inputs.map(([g, ft]) => f.filter(g, feature(ft))) };
  }
  const ps = spec.latest[`${mode}_${c.layer}`][c.property];
  const e = spec.normalizePropertyExpression(c.expression, ps);
  return { compiled: true, outputs: inputs.map(([g, f]) => {
    let v = e.evaluate(g, feature(f));
    if (v === undefined || v === null) v = ps.type === 'color' && ps.default ? spec.Color.parse(ps.default) : ps.default ?? null;
    return mlValue(v);
  }) };
}

// ---- comparison
function same(a, b) {
  if (typeof a === 'number' && typeof b === 'number')
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    if ("$color" in a || "$color" in b)
      return "$color" in a && "$color" in b && a["$color"].every((x, i) => Math.abs(x - b["$color"][i]) <= 1e-3);
    if ('error' in a || 'error' in b) return 'error' in a && 'error' in b;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
  }
  return a === b;
}

const cases = [...handCases.map((c) => ({ ...c, family: c.family || 'hand' })), ...generated()]
  .map((c, i) => ({ ...c, id: i, inputs: c.inputs || defaultInputs }));
mkdirSync(outdir, { recursive: true });
const casesPath = join(outdir, 'cases.json');
writeFileSync(casesPath, JSON.stringify(cases));
const ours = JSON.parse(execFileSync(driver, [casesPath], { maxBuffer: 1 << 28 }).toString());

const stats = { valid: 0, validAgree: 0, invalid: 0, invalidRefused: 0, outOfScope: 0, byFamily: {} };
const problems = [];
cases.forEach((c, i) => {
  const ml = maplibre(c), px = ours[i];
  const fam = (stats.byFamily[c.family] ||= { valid: 0, validAgree: 0, invalid: 0, invalidRefused: 0, outOfScope: 0 });
  if (!ml.compiled) {
    stats.invalid++, fam.invalid++;
    if (!px.compiled) stats.invalidRefused++, fam.invalidRefused++;
    else problems.push({ id: i, kind: 'accepted invalid', expression: c.expression, mode: c.mode, type: c.type, maplibre: ml.error, ours: px.outputs });
    return;
  }
  if (!px.compiled && / (is|are) not supported/.test(px.error)) {
    stats.outOfScope++, fam.outOfScope++;
    return;
  }
  stats.valid++, fam.valid++;
  if (!px.compiled) {
    problems.push({ id: i, kind: 'refused valid', expression: c.expression, mode: c.mode, type: c.type, ours: px.error });
    return;
  }
  const bad = ml.outputs.map((v, k) => (same(v, px.outputs[k]) ? null : { input: k, maplibre: v, ours: px.outputs[k] })).filter(Boolean);
  if (bad.length) problems.push({ id: i, kind: 'different value', expression: c.expression, mode: c.mode, type: c.type, diff: bad });
  else stats.validAgree++, fam.validAgree++;
});
const pct = (a, b) => (b ? ((100 * a) / b).toFixed(1) : '100.0');
const version = specRequire('@maplibre/maplibre-gl-style-spec/package.json').version;
const report = { maplibre_style_spec: version, cases: cases.length, ...stats,
  valid_agreement_pct: +pct(stats.validAgree, stats.valid), invalid_refused_pct: +pct(stats.invalidRefused, stats.invalid), problems };
writeFileSync(join(outdir, 'report.json'), JSON.stringify(report, null, 1));
for (const p of problems.slice(0, 40)) console.log(JSON.stringify(p));
console.log(`MapLibre style-spec ${version}: ${cases.length} cases`);
for (const [f, s] of Object.entries(stats.byFamily))
  console.log(`  ${f}: valid ${s.validAgree}/${s.valid} agree (${pct(s.validAgree, s.valid)}%), invalid ${s.invalidRefused}/${s.invalid} refused (${pct(s.invalidRefused, s.invalid)}%), out of scope ${s.outOfScope}`);
console.log(`valid expressions giving MapLibre's value: ${stats.validAgree}/${stats.valid} (${report.valid_agreement_pct}%)`);
console.log(`invalid expressions refused: ${stats.invalidRefused}/${stats.invalid} (${report.invalid_refused_pct}%)`);
console.log(`refused by design (out of scope): ${stats.outOfScope}`);
console.log(`${problems.length === 0 ? cases.length : cases.length - problems.length} passed, ${problems.length} failed`);
process.exit(problems.length ? 1 : 0);
