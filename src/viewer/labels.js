/* Planner words for the column names of Proxima's layers and results, and
 * number formats by unit suffix (README "Result tables"): used by the popups,
 * the legend and the commune table. Unknown columns fall back to their name
 * with underscores as spaces. Also: default drawings for result tables that
 * no shipped style draws yet (cycle islands, missing links, flood exposure). */
(function () {
  'use strict';
  var FIXED = {
    commune_id: 'Commune code', commune_name: 'Commune', name: 'Name', id: 'Identifier',
    population: 'Residents', count: 'Residents', residents: 'Residents',
    category: 'Service category', mode: 'Travel mode', method: 'Method', kind: 'Kind',
    capacity: 'Capacity', highway: 'Road type', hazard: 'Flood hazard', lts: 'Traffic stress (1 calm to 4 stressful)',
    ratio_to_regional: 'Compared with the regional mean (1 = same)', underserved: 'Underserved (1 = yes)',
    underserved_population: 'Residents in underserved areas', rank_least_served: 'Rank (1 = least served)',
    mean: 'Mean supply per 1,000 residents', median: 'Median supply per 1,000 residents',
    best_use: 'Best use', best_index: 'Best suitability index (0 to 100)', area_m2: 'Area',
    length_m: 'Length', island: 'Cut-off island (1 = yes)', component: 'Network component',
    walk_score: 'Quarter-hour score on foot (categories within reach)',
    bike_score: 'Quarter-hour score by bike (categories within reach)',
    walk_all_share: 'Residents with every service within the quarter hour on foot',
    bike_all_share: 'Residents with every service within the quarter hour by bike',
    rank: 'Rank', score: 'Score', gain: 'Gain', source: 'Source', note: 'Note', method_note: 'Method',
    residents_gaining: 'Residents gaining a service within reach', residents_losing: 'Residents losing it',
    residents_before: 'Residents within reach before', residents_after: 'Residents within reach after',
    share_before: 'Share of residents within reach before', share_after: 'Share of residents within reach after',
    candidate_id: 'Candidate site', objective: 'Objective after this site', objective_name: 'Objective',
    residents_served: 'Residents served', worst_centre_min: 'Minutes from the farthest commune centre',
    x: 'X (project CRS)', y: 'Y (project CRS)', residents_gained: 'Residents a service here would bring within reach',
    layer: 'Candidates from', minutes: 'Minutes (threshold)',
    services_whatif_communes: 'Service what-if: residents gaining and losing access',
    services_sites: 'Proposed service sites', services_shared: 'Shared service sites'
  };
  var MODES = { walk: 'on foot', bike: 'by bike' };
  var MEASURES = [
    ['_median_min', function (m, c) { return 'Median minutes to ' + c + ' ' + m; }],
    ['_share', function (m, c) { return 'Residents within the quarter hour of ' + c + ' ' + m; }],
    ['_snap_m', function (m) { return 'Distance to the network ' + m; }],
    ['_min', function (m, c) { return 'Minutes to ' + c + ' ' + m; }]
  ];
  function label(col) {
    if (FIXED[col]) return FIXED[col];
    var m = /^(walk|bike)_(.+)$/.exec(col);
    if (m) {
      for (var i = 0; i < MEASURES.length; i++) {
        var suf = MEASURES[i][0];
        if (m[2].length > suf.length && m[2].slice(-suf.length) === suf)
          return MEASURES[i][1](MODES[m[1]], m[2].slice(0, -suf.length).replace(/_/g, ' '));
      }
    }
    var s = col.replace(/_/g, ' ');
    return s.charAt(0).toUpperCase() + s.slice(1);
  }
  function num(v, d) { return Number(v).toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: 0 }); }
  function format(col, v) {
    if (v === null || v === undefined || v === '') return '–';
    if (typeof v !== 'number') return String(v);
    if (/_share$/.test(col) || /^share_/.test(col)) return num(v * 100, 1) + ' %';
    if (/_pct$/.test(col)) return num(v, 1) + ' %';
    if (/_min$/.test(col)) return num(v, 1) + ' min';
    if (/_m2$/.test(col)) return num(v, 0) + ' m²';
    if (/_km2$/.test(col)) return num(v, 3) + ' km²';
    if (/_km$/.test(col)) return num(v, 3) + ' km';
    if (/_m$/.test(col)) return num(v, 1) + ' m';
    if (/_s$/.test(col)) return num(v, 1) + ' s';
    if (Number.isInteger(v)) return num(v, 0);
    return num(v, 2);
  }
  /* Drawings for results without a style file: table -> layers (MapLibre). */
  var EXTRA = {
    cycle_islands: { title: 'Cycle network: low-stress islands', layers: [
      { type: 'line', paint: { 'line-color': '#e66101', 'line-width': 2 } }] },
    cycle_missing_links: { title: 'Cycle network: missing links (ranked)', layers: [
      { type: 'line', paint: { 'line-color': '#c51b7d', 'line-width': 4, 'line-dasharray': [2, 1] } }] },
    flood_exposure: { title: 'Flood exposure: residents in flood zones', layers: [
      { type: 'fill', filter: ['==', ['get', 'hazard'], 'any'],
        paint: { 'fill-color': ['interpolate', ['linear'], ['coalesce', ['get', 'residents_share'], 0], 0, '#f7fbff', 0.1, '#6baed6', 0.3, '#08306b'], 'fill-opacity': 0.6 } }] },
    equity_communes: null
  };
  window.ProximaLabels = { label: label, format: format, extra: EXTRA };
})();
