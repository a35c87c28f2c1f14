/*
 * px_scenario_read: a scenario file (YAML, through the layer definitions'
 * reader px__yaml_parse, so that lines, anchors, merge keys and duplicate
 * keys behave the same) into px_scenario, every key and value checked and
 * every error given as "FILE:LINE: reason". Relative input paths resolve
 * against the scenario's folder; the project and outputs are relative to the
 * output folder. It opens nothing but the file: inputs are hashed and read
 * when the run needs them.
 */
#include "run_int.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef px__sc_parse parse;

static px_status perr(parse *p, px_status st, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static px_status perr(parse *p, px_status st, int line, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0) return px__error(p->ctx, st, "%s:%d: %s", p->sc->path, line, msg);
    return px__error(p->ctx, st, "%s: %s", p->sc->path, msg);
}

static px_status oom(parse *p)
{
    return px__error(p->ctx, PX_ENOMEM, "out of memory");
}

void px__strlist_clear(px__strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int line_of(const px__node *map, const char *key)
{
    if (map && map->kind != PX__NODE_MAP) return map->line; /* a list or scalar where a mapping belongs */
    for (size_t i = 0; map && i < map->n; i++)
        if (!strcmp(map->keys[i], key)) return map->key_lines[i];
    return map ? map->line : 0;
}

static px_status check_keys(parse *p, const px__node *map, const char *what, const char *const *known)
{
    if (map->kind != PX__NODE_MAP)
        return perr(p, PX_EDOMAIN, map->line, "%s must be a mapping of keys", what);
    for (size_t i = 0; i < map->n; i++) {
        int ok = 0;
        for (const char *const *k = known; *k; k++)
            ok |= !strcmp(map->keys[i], *k);
        if (ok) continue;
        char list[512] = "";
        for (const char *const *k = known; *k; k++) {
            strncat(list, k == known ? "" : ", ", sizeof list - strlen(list) - 1);
            strncat(list, *k, sizeof list - strlen(list) - 1);
        }
        return perr(p, PX_EDOMAIN, map->key_lines[i], "unknown key '%s' in %s (known keys: %s)", map->keys[i],
                    what, list);
    }
    return PX_OK;
}

static px_status text(parse *p, const px__node *map, const char *key, const char *what, char **out)
{
    const px__node *n = px__node_get(map, key);
    if (!n || n->is_null) return PX_OK;
    if (n->kind != PX__NODE_SCALAR || !*n->text)
        return perr(p, PX_EDOMAIN, line_of(map, key), "'%s' in %s must be a text value", key, what);
    free(*out);
    *out = px__strdup(n->text);
    return *out ? PX_OK : oom(p);
}

static px_status path_value(parse *p, const px__node *map, const char *key, const char *what, char **out)
{
    char *t = NULL;
    px_status rc = text(p, map, key, what, &t);
    if (rc != PX_OK || !t) return rc;
    free(*out);
    *out = px__resolve_path(p->sc->dir, t);
    free(t);
    return *out ? PX_OK : oom(p);
}

/* A number in [lo, hi] (lo excluded when `open_lo`). */
static px_status number(parse *p, const px__node *map, const char *key, const char *what, double lo,
                        double hi, int open_lo, double *out)
{
    const px__node *n = px__node_get(map, key);
    if (!n || n->is_null) return PX_OK;
    char *end = NULL;
    errno = 0;
    double v = n->kind == PX__NODE_SCALAR ? strtod(n->text, &end) : NAN;
    int bad = n->kind != PX__NODE_SCALAR || end == n->text || *end || errno || !isfinite(v) ||
              (open_lo ? v <= lo : v < lo) || v > hi;
    if (bad)
        return perr(p, PX_EDOMAIN, line_of(map, key), "'%s' in %s must be a number %s %g%s%g (got '%s')", key,
                    what, open_lo ? "above" : "from", lo, open_lo ? " and at most " : " to ", hi,
                    n->kind == PX__NODE_SCALAR ? n->text : "a list or mapping");
    *out = v;
    return PX_OK;
}

static px_status integer(parse *p, const px__node *map, const char *key, const char *what, long lo, long hi,
                         int *out)
{
    const px__node *n = px__node_get(map, key);
    if (!n || n->is_null) return PX_OK;
    char *end = NULL;
    errno = 0;
    long v = n->kind == PX__NODE_SCALAR ? strtol(n->text, &end, 10) : 0;
    if (n->kind != PX__NODE_SCALAR || end == n->text || *end || errno || v < lo || v > hi)
        return perr(p, PX_EDOMAIN, line_of(map, key),
                    "'%s' in %s must be a whole number from %ld to %ld (got '%s')", key, what, lo, hi,
                    n->kind == PX__NODE_SCALAR ? n->text : "a list or mapping");
    *out = (int)v;
    return PX_OK;
}

static px_status boolean(parse *p, const px__node *map, const char *key, const char *what, int *out)
{
    const px__node *n = px__node_get(map, key);
    if (!n || n->is_null) return PX_OK;
    if (n->kind == PX__NODE_SCALAR && (!strcmp(n->text, "true") || !strcmp(n->text, "yes")))
        *out = 1;
    else if (n->kind == PX__NODE_SCALAR && (!strcmp(n->text, "false") || !strcmp(n->text, "no")))
        *out = 0;
    else
        return perr(p, PX_EDOMAIN, line_of(map, key), "'%s' in %s must be true or false", key, what);
    return PX_OK;
}

/* A list of texts: a YAML sequence, or one scalar with commas. */
static px_status list(parse *p, const px__node *map, const char *key, const char *what, px__strlist *out)
{
    const px__node *n = px__node_get(map, key);
    if (!n || n->is_null) return PX_OK;
    px__strlist_clear(out);
    out->line = line_of(map, key);
    size_t cap = n->kind == PX__NODE_SEQ ? n->n : 1 + strlen(n->text ? n->text : "");
    out->v = calloc(cap + 1, sizeof *out->v);
    if (!out->v) return oom(p);
    if (n->kind == PX__NODE_SEQ) {
        for (size_t i = 0; i < n->n; i++) {
            if (n->items[i]->kind != PX__NODE_SCALAR || !*n->items[i]->text)
                return perr(p, PX_EDOMAIN, n->items[i]->line ? n->items[i]->line : out->line,
                            "'%s' in %s must be a list of names", key, what);
            if (!(out->v[out->n++] = px__strdup(n->items[i]->text))) return oom(p);
        }
    } else if (n->kind == PX__NODE_SCALAR) {
        char *buf = px__strdup(n->text), *save = NULL;
        if (!buf) return oom(p);
        for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
            if (!(out->v[out->n++] = px__strdup(t))) {
                free(buf);
                return oom(p);
            }
        free(buf);
    } else {
        return perr(p, PX_EDOMAIN, out->line, "'%s' in %s must be a list of names", key, what);
    }
    if (out->n == 0) return perr(p, PX_EDOMAIN, out->line, "'%s' in %s is empty", key, what);
    return PX_OK;
}

static px_status modes(parse *p, const px__node *map, const char *key, const char *what, unsigned *out)
{
    px__strlist l = {0};
    px_status rc = list(p, map, key, what, &l);
    unsigned m = 0;
    for (size_t i = 0; rc == PX_OK && i < l.n; i++) {
        px_mode md;
        if (!strcmp(l.v[i], "both"))
            m |= 3u;
        else if (px_mode_lookup(l.v[i], &md) == PX_OK)
            m |= 1u << md;
        else
            rc = perr(p, PX_EDOMAIN, l.line, "unknown mode '%s' in %s (known modes: walk, bike)", l.v[i],
                      what);
    }
    if (rc == PX_OK && l.n) *out = m;
    px__strlist_clear(&l);
    return rc;
}

/* ---- sections --------------------------------------------------------------- */

static px_status parse_project(parse *p, const px__node *n)
{
    static const char *const known[] = {"path", "crs", NULL};
    px_status rc = check_keys(p, n, "project", known);
    if (rc == PX_OK) rc = text(p, n, "path", "project", &p->sc->project);
    if (rc == PX_OK) rc = text(p, n, "crs", "project", &p->sc->crs);
    if (rc == PX_OK && !p->sc->project)
        rc = perr(p, PX_EDOMAIN, n->line, "project needs 'path' (the project store, in the output folder)");
    if (rc == PX_OK && !p->sc->crs)
        rc = perr(p, PX_EDOMAIN, n->line, "project needs 'crs' (a projected CRS in metres, e.g. EPSG:2154)");
    return rc;
}

static px_status parse_network(parse *p, const px__node *n)
{
    static const char *const known[] = {
        "walk_kmh", "bike_kmh", "bike_slow_kmh", "bike_steps_kmh", "snap_tol_m", "island_max_nodes", NULL};
    const char *w = "analyses.network";
    px_net_options *o = &p->sc->net;
    int isl = 0;
    px_status rc = n->is_null ? PX_OK : check_keys(p, n, w, known);
    if (n->is_null) return PX_OK;
    if (rc == PX_OK) rc = number(p, n, "walk_kmh", w, 0, 50, 1, &o->walk_kmh);
    if (rc == PX_OK) rc = number(p, n, "bike_kmh", w, 0, 80, 1, &o->bike_kmh);
    if (rc == PX_OK) rc = number(p, n, "bike_slow_kmh", w, 0, 80, 1, &o->bike_slow_kmh);
    if (rc == PX_OK) rc = number(p, n, "bike_steps_kmh", w, 0, 80, 1, &o->bike_steps_kmh);
    if (rc == PX_OK) rc = number(p, n, "snap_tol_m", w, 0, 100, 1, &o->snap_tol_m);
    if (rc == PX_OK) rc = integer(p, n, "island_max_nodes", w, 1, 1000000, &isl);
    o->island_max_nodes = isl;
    return rc;
}

static px_status parse_access(parse *p, const px__node *n)
{
    static const char *const known[] = {"modes",      "minutes", "cutoff_minutes", "nth",
                                        "categories", "snap_m",  "threads",        NULL};
    const char *w = "analyses.access";
    px_scenario *sc = p->sc;
    px_access_options *o = &sc->access;
    if (n->is_null) return PX_OK;
    px_status rc = check_keys(p, n, w, known);
    if (rc == PX_OK) rc = modes(p, n, "modes", w, &o->modes);
    if (rc == PX_OK) rc = number(p, n, "minutes", w, 0, 240, 1, &o->minutes);
    if (rc == PX_OK) rc = number(p, n, "cutoff_minutes", w, 0, 480, 1, &o->cutoff_minutes);
    if (rc == PX_OK) rc = integer(p, n, "nth", w, 1, 16, &o->nth);
    if (rc == PX_OK) rc = list(p, n, "categories", w, &sc->access_cats);
    if (rc == PX_OK) rc = number(p, n, "snap_m", w, 0, 100000, 1, &o->max_snap_m);
    if (rc == PX_OK) rc = integer(p, n, "threads", w, 1, 64, &o->n_threads);
    return rc;
}

static px_status parse_iso(parse *p, const px__node *n)
{
    static const char *const known[] = {"mode", "minutes", "table", "buffer_m", "snap_m", NULL};
    const char *w = "analyses.isochrones";
    px_scenario *sc = p->sc;
    if (n->kind != PX__NODE_SEQ)
        return perr(p, PX_EDOMAIN, n->line, "analyses.isochrones must be a list of {mode, minutes, table}");
    sc->iso = calloc(n->n + 1, sizeof *sc->iso);
    if (!sc->iso) return oom(p);
    for (size_t i = 0; i < n->n; i++) {
        const px__node *it = n->items[i];
        px__sc_iso *iso = &sc->iso[sc->n_iso++];
        iso->line = it->line;
        px_status rc = check_keys(p, it, w, known);
        char *mode = NULL;
        if (rc == PX_OK) rc = text(p, it, "mode", w, &mode);
        if (rc == PX_OK && (!mode || px_mode_lookup(mode, &iso->mode) != PX_OK))
            rc = perr(p, PX_EDOMAIN, line_of(it, "mode"), "each isochrone needs 'mode': walk or bike");
        free(mode);
        px__strlist mins = {0};
        if (rc == PX_OK) rc = list(p, it, "minutes", w, &mins);
        if (rc == PX_OK && (mins.n == 0 || mins.n > 16))
            rc = perr(p, PX_EDOMAIN, mins.n ? mins.line : it->line,
                      "each isochrone needs 'minutes': 1 to 16 bands");
        for (size_t k = 0; rc == PX_OK && k < mins.n; k++) {
            char *end = NULL;
            double v = strtod(mins.v[k], &end);
            if (end == mins.v[k] || *end || !(v > 0) || (k && v <= iso->minutes[k - 1]))
                rc = perr(p, PX_EDOMAIN, mins.line,
                          "isochrone minutes must be ascending numbers above 0 (got '%s')", mins.v[k]);
            iso->minutes[iso->n_minutes++] = v;
        }
        px__strlist_clear(&mins);
        if (rc == PX_OK) rc = text(p, it, "table", w, &iso->table);
        if (rc == PX_OK && !iso->table) {
            iso->table = px__asprintf("isochrones_%s", px_mode_name(iso->mode));
            if (!iso->table) rc = oom(p);
        }
        for (size_t k = 0; rc == PX_OK && iso->table[k]; k++)
            if (!((iso->table[k] >= 'a' && iso->table[k] <= 'z') ||
                  (iso->table[k] >= '0' && iso->table[k] <= '9') || iso->table[k] == '_'))
                rc = perr(p, PX_EDOMAIN, line_of(it, "table"), "isochrone table '%s' must be [a-z0-9_]",
                          iso->table);
        for (size_t k = 0; rc == PX_OK && k + 1 < sc->n_iso; k++)
            if (!strcmp(sc->iso[k].table, iso->table))
                rc = perr(p, PX_EDOMAIN, iso->line, "two isochrone entries write table '%s'", iso->table);
        if (rc == PX_OK) rc = number(p, it, "buffer_m", w, 0, 1000, 1, &iso->buffer_m);
        if (rc == PX_OK) rc = number(p, it, "snap_m", w, 0, 100000, 1, &iso->snap_m);
        if (rc != PX_OK) return rc;
    }
    return PX_OK;
}

static px_status parse_equity(parse *p, const px__node *n)
{
    static const char *const known[] = {"modes",  "minutes", "bands", "categories", "underserved_share",
                                        "snap_m", "threads", NULL};
    const char *w = "analyses.equity";
    px_scenario *sc = p->sc;
    px_equity_options *o = &sc->equity;
    if (n->is_null) return PX_OK;
    px_status rc = check_keys(p, n, w, known);
    if (rc == PX_OK) rc = modes(p, n, "modes", w, &o->modes);
    if (rc == PX_OK) rc = number(p, n, "minutes", w, 0, 240, 1, &o->threshold_min);
    px__strlist bands = {0};
    if (rc == PX_OK) rc = list(p, n, "bands", w, &bands);
    for (size_t i = 0; rc == PX_OK && i < bands.n; i++) {
        char *colon = strchr(bands.v[i], ':'), *e1 = NULL, *e2 = NULL;
        double m = colon ? strtod(bands.v[i], &e1) : NAN, wt = colon ? strtod(colon + 1, &e2) : NAN;
        if (!colon || i == 16 || e1 != colon || *e2 || !(m > 0) || !(wt >= 0 && wt <= 1))
            rc = perr(
                p, PX_EDOMAIN, bands.line,
                "'bands' in %s must be MAX_MINUTES:WEIGHT entries (e.g. [\"5:1\", \"10:0.68\"]), got '%s'", w,
                bands.v[i]);
        else
            sc->bands[o->n_bands++] = (px_decay_band){m, wt};
    }
    px__strlist_clear(&bands);
    if (o->n_bands) o->bands = sc->bands;
    if (rc == PX_OK) rc = list(p, n, "categories", w, &sc->equity_cats);
    if (rc == PX_OK) rc = number(p, n, "underserved_share", w, 0, 1, 1, &o->underserved_share);
    if (rc == PX_OK) rc = number(p, n, "snap_m", w, 0, 100000, 1, &o->snap_max_m);
    if (rc == PX_OK) rc = integer(p, n, "threads", w, 1, 16, &o->n_threads);
    o->categories = (const char *const *)sc->equity_cats.v;
    o->n_categories = sc->equity_cats.n;
    return rc;
}

static px_status parse_brownfields(parse *p, const px__node *n)
{
    static const char *const known[] = {"scenario", "minutes",          "max_minutes",
                                        "snap_m",   "transit_category", NULL};
    const char *w = "analyses.brownfields";
    px_scenario *sc = p->sc;
    px_status rc = check_keys(p, n, w, known);
    if (rc == PX_OK) rc = path_value(p, n, "scenario", w, &sc->bf_scenario);
    if (rc == PX_OK && !sc->bf_scenario)
        rc = perr(p, PX_EDOMAIN, n->line,
                  "analyses.brownfields needs 'scenario' (a brownfield scenario file)");
    if (rc == PX_OK) rc = number(p, n, "minutes", w, 0, 240, 1, &sc->bf.threshold_min);
    if (rc == PX_OK) rc = number(p, n, "max_minutes", w, 0, 480, 1, &sc->bf.max_minutes);
    if (rc == PX_OK) rc = number(p, n, "snap_m", w, 0, 100000, 1, &sc->bf.snap_max_m);
    char *transit = NULL;
    if (rc == PX_OK) rc = text(p, n, "transit_category", w, &transit);
    sc->bf.transit_category = transit; /* freed with the scenario */
    return rc;
}

static px_status parse_flood(parse *p, const px__node *n)
{
    static const char *const known[] = {"level",  "scenario", "minutes",    "max_minutes",
                                        "snap_m", "modes",    "categories", NULL};
    const char *w = "analyses.flood";
    px_scenario *sc = p->sc;
    px_flood_options *o = &sc->flood;
    o->scenario = 1;
    if (n->is_null) return PX_OK;
    px_status rc = check_keys(p, n, w, known);
    char *level = NULL;
    if (rc == PX_OK) rc = text(p, n, "level", w, &level);
    if (rc == PX_OK && level && px_hazard_parse(level, &o->level) != PX_OK)
        rc = perr(p, PX_EDOMAIN, line_of(n, "level"),
                  "unknown flood level '%s' in %s (known levels: high, medium, low)", level, w);
    free(level);
    if (rc == PX_OK) rc = boolean(p, n, "scenario", w, &o->scenario);
    if (rc == PX_OK) rc = number(p, n, "minutes", w, 0, 240, 1, &o->threshold_min);
    if (rc == PX_OK) rc = number(p, n, "max_minutes", w, 0, 480, 1, &o->max_minutes);
    if (rc == PX_OK) rc = number(p, n, "snap_m", w, 0, 100000, 1, &o->snap_max_m);
    if (rc == PX_OK) rc = modes(p, n, "modes", w, &o->modes);
    if (rc == PX_OK) rc = list(p, n, "categories", w, &sc->flood_cats);
    o->categories = (const char *const *)sc->flood_cats.v;
    o->n_categories = sc->flood_cats.n;
    return rc;
}

static px_status parse_cycle(parse *p, const px__node *n)
{
    static const char *const known[] = {"coverage_m", "distance_m",    "detour", "max_lts",
                                        "gap_m",      "top_links",     "snap_m", "threads",
                                        "weights",    "planned_links", NULL};
    const char *w = "analyses.cycle";
    px_scenario *sc = p->sc;
    px_cycle_options *o = &sc->cycle;
    if (n->is_null) return PX_OK;
    px_status rc = check_keys(p, n, w, known);
    if (rc == PX_OK) rc = number(p, n, "coverage_m", w, 0, 100000, 1, &o->coverage_m);
    if (rc == PX_OK) rc = number(p, n, "distance_m", w, 0, 100000, 1, &o->bike_distance_m);
    if (rc == PX_OK) rc = number(p, n, "detour", w, 1, 100, 0, &o->detour_ratio);
    if (rc == PX_OK) rc = integer(p, n, "max_lts", w, 1, 4, &o->max_low_stress);
    if (rc == PX_OK) rc = number(p, n, "gap_m", w, 0, 100000, 1, &o->gap_m);
    if (rc == PX_OK) rc = integer(p, n, "top_links", w, 1, 10000, &o->top_links);
    if (rc == PX_OK) rc = number(p, n, "snap_m", w, 0, 100000, 1, &o->snap_m);
    if (rc == PX_OK) rc = integer(p, n, "threads", w, 1, 64, &o->threads);
    if (rc == PX_OK) rc = path_value(p, n, "planned_links", w, &sc->planned_links);
    o->add_links = sc->planned_links;
    const px__node *wn = px__node_get(n, "weights");
    if (rc == PX_OK && wn && !wn->is_null) {
        if (wn->kind != PX__NODE_MAP)
            return perr(p, PX_EDOMAIN, line_of(n, "weights"), "'weights' in %s maps categories to numbers",
                        w);
        sc->weight_names.v = calloc(wn->n + 1, sizeof(char *));
        sc->weight_values = calloc(wn->n + 1, sizeof(double));
        if (!sc->weight_names.v || !sc->weight_values) return oom(p);
        for (size_t i = 0; rc == PX_OK && i < wn->n; i++) {
            double v = NAN;
            rc = number(p, wn, wn->keys[i], "analyses.cycle.weights", 0, 1e6, 0, &v);
            if (rc != PX_OK) break;
            if (!(sc->weight_names.v[sc->weight_names.n] = px__strdup(wn->keys[i]))) return oom(p);
            sc->weight_values[sc->weight_names.n++] = v;
        }
        o->n_weights = sc->weight_names.n;
        o->weight_names = (const char *const *)sc->weight_names.v;
        o->weight_values = sc->weight_values;
    }
    return rc;
}

static px_status parse_analyses(parse *p, const px__node *n)
{
    static const char *const known[] = {"network", "access",   "isochrones",    "equity", "brownfields",
                                        "flood",   "cycle",    "site_services", "services", NULL};
    px_scenario *sc = p->sc;
    px_status rc = check_keys(p, n, "analyses", known);
    const px__node *v;
    if (rc == PX_OK && (v = px__node_get(n, "network"))) sc->has_network = 1, rc = parse_network(p, v);
    if (rc == PX_OK && (v = px__node_get(n, "access")))
        sc->has_access = 1, sc->access_line = line_of(n, "access"), rc = parse_access(p, v);
    if (rc == PX_OK && (v = px__node_get(n, "isochrones")) && !v->is_null) rc = parse_iso(p, v);
    if (rc == PX_OK && (v = px__node_get(n, "equity")))
        sc->has_equity = 1, sc->equity_line = line_of(n, "equity"), rc = parse_equity(p, v);
    if (rc == PX_OK && (v = px__node_get(n, "brownfields")))
        sc->has_brownfields = 1, sc->brownfields_line = line_of(n, "brownfields"),
        rc = parse_brownfields(p, v);
    if (rc == PX_OK && (v = px__node_get(n, "flood")))
        sc->has_flood = 1, sc->flood_line = line_of(n, "flood"), rc = parse_flood(p, v);
    if (rc == PX_OK && (v = px__node_get(n, "cycle")))
        sc->has_cycle = 1, sc->cycle_line = line_of(n, "cycle"), rc = parse_cycle(p, v);
    if (rc == PX_OK && (v = px__node_get(n, "site_services")))
        sc->has_sites = 1, sc->sites_line = line_of(n, "site_services"), rc = px__sc_parse_sites(p, v);
    if (rc == PX_OK && (v = px__node_get(n, "services")))
        sc->has_services = 1, sc->services_line = line_of(n, "services"), rc = px__sc_parse_services(p, v);
    if (rc == PX_OK && sc->svc_add_sites && !sc->has_sites)
        rc = perr(p, PX_EDOMAIN, sc->services_line,
                  "analyses.services: 'add_sites' needs analyses.site_services (the sites to open)");
    /* Every analysis but loading runs on the network. */
    if (rc == PX_OK && (sc->has_access || sc->n_iso || sc->has_equity || sc->has_brownfields ||
                        sc->has_flood || sc->has_cycle || sc->has_sites || sc->has_services))
        sc->has_network = 1;
    return rc;
}

/* `geojson: [table, ...]` or `csv: [...]`: one file per table. */
static px_status parse_exports(parse *p, const px__node *n, const char *key, const char *ext)
{
    px__strlist l = {0};
    px_status rc = list(p, n, key, "outputs", &l);
    px_scenario *sc = p->sc;
    px__sc_export *g = rc == PX_OK && l.n ? realloc(sc->exports, (sc->n_exports + l.n) * sizeof *g) : NULL;
    if (rc == PX_OK && l.n && !g) rc = oom(p);
    if (g) sc->exports = g;
    for (size_t i = 0; rc == PX_OK && i < l.n; i++) {
        px__sc_export *e = &sc->exports[sc->n_exports++];
        e->line = l.line;
        e->table = l.v[i];
        l.v[i] = NULL;
        e->file = px__asprintf("%s.%s", e->table, ext);
        if (!e->file) rc = oom(p);
    }
    px__strlist_clear(&l);
    return rc;
}

static px_status parse_tiles(parse *p, const px__node *n)
{
    static const char *const known[] = {"layers",  "results", "styles", "raster_dir",
                                        "minzoom", "maxzoom", NULL};
    const char *w = "outputs.tiles";
    px_scenario *sc = p->sc;
    px_status rc = check_keys(p, n, w, known);
    if (rc == PX_OK) rc = text(p, n, "layers", w, &sc->tiles_layers);
    if (rc == PX_OK) rc = text(p, n, "results", w, &sc->tiles_results);
    if (rc == PX_OK) rc = list(p, n, "styles", w, &sc->styles);
    for (size_t i = 0; rc == PX_OK && i < sc->styles.n; i++) {
        char *r = px__resolve_path(sc->dir, sc->styles.v[i]);
        if (!r) return oom(p);
        free(sc->styles.v[i]);
        sc->styles.v[i] = r;
    }
    if (rc == PX_OK) rc = text(p, n, "raster_dir", w, &sc->raster_dir);
    sc->raster_minzoom = 10, sc->raster_maxzoom = 13;
    if (rc == PX_OK) rc = integer(p, n, "minzoom", w, 0, 20, &sc->raster_minzoom);
    if (rc == PX_OK) rc = integer(p, n, "maxzoom", w, 0, 20, &sc->raster_maxzoom);
    if (rc == PX_OK && sc->raster_minzoom > sc->raster_maxzoom)
        rc = perr(p, PX_EDOMAIN, line_of(n, "minzoom"), "minzoom %d is above maxzoom %d in %s",
                  sc->raster_minzoom, sc->raster_maxzoom, w);
    if (rc == PX_OK && !sc->raster_dir && !(sc->raster_dir = px__strdup("tiles"))) rc = oom(p);
    return rc;
}

static px_status parse_maps(parse *p, const px__node *n)
{
    static const char *const known[] = {"style", "file", "title", "page", "landscape", "atlas", NULL};
    const char *w = "outputs.maps";
    px_scenario *sc = p->sc;
    if (n->kind != PX__NODE_SEQ)
        return perr(p, PX_EDOMAIN, n->line, "outputs.maps must be a list of {style, file}");
    sc->maps = calloc(n->n + 1, sizeof *sc->maps);
    if (!sc->maps) return oom(p);
    for (size_t i = 0; i < n->n; i++) {
        const px__node *it = n->items[i];
        px__sc_map *m = &sc->maps[sc->n_maps++];
        m->line = it->line;
        char *page = NULL;
        px_status rc = check_keys(p, it, w, known);
        if (rc == PX_OK) rc = path_value(p, it, "style", w, &m->style);
        if (rc == PX_OK) rc = text(p, it, "file", w, &m->file);
        if (rc == PX_OK && (!m->style || !m->file))
            rc = perr(p, PX_EDOMAIN, it->line, "each map needs 'style' (a MapLibre style) and 'file' (.pdf, .png, .svg)");
        const char *dot = m->file ? strrchr(m->file, '.') : NULL;
        if (rc == PX_OK && (!dot || (strcmp(dot, ".pdf") && strcmp(dot, ".png") && strcmp(dot, ".svg"))))
            rc = perr(p, PX_EDOMAIN, line_of(it, "file"), "map file '%s' must end in .pdf, .png or .svg", m->file);
        if (rc == PX_OK) rc = text(p, it, "title", w, &m->title);
        if (rc == PX_OK) rc = text(p, it, "page", w, &page);
        if (rc == PX_OK && page && strcmp(page, "A4") && strcmp(page, "A3"))
            rc = perr(p, PX_EDOMAIN, line_of(it, "page"), "map page '%s' must be A4 or A3", page);
        m->a3 = page && !strcmp(page, "A3");
        free(page);
        if (rc == PX_OK) rc = boolean(p, it, "landscape", w, &m->landscape);
        if (rc == PX_OK) rc = boolean(p, it, "atlas", w, &m->atlas);
        if (rc == PX_OK && m->atlas && strcmp(dot, ".pdf"))
            rc = perr(p, PX_EDOMAIN, line_of(it, "atlas"), "an atlas (one page per commune) is a .pdf file");
        if (rc != PX_OK) return rc;
    }
    return PX_OK;
}

static px_status parse_report(parse *p, const px__node *n)
{
    static const char *const known[] = {"dir", "title", "compare", "styles", "top_sites", NULL};
    const char *w = "outputs.report";
    px_scenario *sc = p->sc;
    px_status rc = check_keys(p, n, w, known);
    if (rc == PX_OK) rc = text(p, n, "dir", w, &sc->report_dir);
    if (rc == PX_OK && !sc->report_dir && !(sc->report_dir = px__strdup("report"))) rc = oom(p);
    if (rc == PX_OK) rc = text(p, n, "title", w, &sc->report_title);
    if (rc == PX_OK) rc = text(p, n, "compare", w, &sc->report_compare);
    if (rc == PX_OK) rc = list(p, n, "styles", w, &sc->report_styles);
    for (size_t i = 0; rc == PX_OK && i < sc->report_styles.n; i++) {
        char *r = px__resolve_path(sc->dir, sc->report_styles.v[i]);
        if (!r) return oom(p);
        free(sc->report_styles.v[i]);
        sc->report_styles.v[i] = r;
    }
    if (rc == PX_OK) rc = integer(p, n, "top_sites", w, 1, 100, &sc->report_top_sites);
    return rc;
}

static px_status parse_outputs(parse *p, const px__node *n)
{
    static const char *const known[] = {"geojson", "csv", "tiles", "maps", "report", "site", NULL};
    px_status rc = check_keys(p, n, "outputs", known);
    if (rc == PX_OK) rc = parse_exports(p, n, "geojson", "geojson");
    if (rc == PX_OK) rc = parse_exports(p, n, "csv", "csv");
    const px__node *t = px__node_get(n, "tiles");
    if (rc == PX_OK && t && !t->is_null) {
        p->sc->tiles_line = line_of(n, "tiles");
        rc = parse_tiles(p, t);
    }
    /* Print maps, the council report and the static site are made by the
     * print and server modules: refused, not skipped, by a build without them. */
    static const char *const later[] = {"maps", "report", "site"};
    const int have[] = {PX__HAVE_PRINT, PX__HAVE_PRINT, 1}; /* site: px_run_options.write_site */
    for (size_t i = 0; rc == PX_OK && i < 3; i++)
        if (px__node_get(n, later[i]) && !have[i])
            rc = perr(p, PX_EUNSUPPORTED, line_of(n, later[i]), "output '%s' is not available in this build",
                      later[i]);
    const px__node *v;
    if (rc == PX_OK && (v = px__node_get(n, "maps")) && !v->is_null) rc = parse_maps(p, v);
    if (rc == PX_OK && (v = px__node_get(n, "report"))) {
        p->sc->report_line = line_of(n, "report");
        if (v->is_null) p->sc->report_dir = px__strdup("report");
        else rc = parse_report(p, v);
        if (rc == PX_OK && !p->sc->report_dir) rc = oom(p);
    }
    p->sc->site_line = line_of(n, "site");
    if (rc == PX_OK) rc = text(p, n, "site", "outputs", &p->sc->site_dir);
    return rc;
}

static px_status parse_top(parse *p, const px__node *root)
{
    static const char *const known[] = {"name",   "description", "project", "layers",
                                        "output", "analyses",    "outputs", NULL};
    px_scenario *sc = p->sc;
    if (root->kind != PX__NODE_MAP)
        return perr(p, PX_EDOMAIN, root->line,
                    "a scenario is a mapping with project:, layers:, analyses:, outputs:");
    px_status rc = check_keys(p, root, "the scenario", known);
    char *name = NULL;
    if (rc == PX_OK) rc = text(p, root, "name", "the scenario", &name);
    if (name) free(sc->name), sc->name = name;
    if (rc == PX_OK) rc = text(p, root, "description", "the scenario", &sc->description);
    const px__node *pj = px__node_get(root, "project");
    if (rc == PX_OK && !pj)
        rc = perr(p, PX_EDOMAIN, root->line, "the scenario needs 'project:' (path and crs)");
    sc->project_line = line_of(root, "project");
    if (rc == PX_OK) rc = parse_project(p, pj);
    if (rc == PX_OK) rc = list(p, root, "layers", "the scenario", &sc->layers);
    sc->layers_line = line_of(root, "layers");
    for (size_t i = 0; rc == PX_OK && i < sc->layers.n; i++) {
        char *r = px__resolve_path(sc->dir, sc->layers.v[i]);
        if (!r) return oom(p);
        free(sc->layers.v[i]);
        sc->layers.v[i] = r;
    }
    if (rc == PX_OK) rc = text(p, root, "output", "the scenario", &sc->output);
    const px__node *an = px__node_get(root, "analyses");
    if (rc == PX_OK && an && !an->is_null) rc = parse_analyses(p, an);
    if (rc == PX_OK && sc->has_network && sc->layers.n == 0)
        rc = perr(p, PX_EDOMAIN, root->line, "analyses need 'layers:' (the layer definition(s) to load)");
    const px__node *out = px__node_get(root, "outputs");
    if (rc == PX_OK && out && !out->is_null) rc = parse_outputs(p, out);
    return rc;
}

static char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    return dot && dot > b ? strndup(b, (size_t)(dot - b)) : px__strdup(b);
}

static char *dir_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return px__strdup(".");
    if (slash == path) return px__strdup("/");
    return strndup(path, (size_t)(slash - path));
}

px_status px_scenario_read(px_ctx *ctx, const char *path, px_scenario **out)
{
    if (!ctx) return PX_EINVAL;
    if (!path || !out) return px__error(ctx, PX_EINVAL, "px_scenario_read: NULL argument");
    px_scenario *sc = calloc(1, sizeof *sc);
    if (!sc) return px__error(ctx, PX_ENOMEM, "out of memory");
    parse p = {ctx, sc};
    px__node *root = NULL;
    px_status rc = PX_OK;
    sc->path = px__strdup(path);
    sc->dir = dir_name(path);
    sc->name = base_name(path);
    if (!sc->path || !sc->dir || !sc->name) rc = oom(&p);
    if (rc == PX_OK) rc = px__sha256_file(ctx, path, sc->sha256);
    if (rc == PX_OK) rc = px__yaml_parse(ctx, path, &root);
    if (rc == PX_OK) rc = parse_top(&p, root);
    if (rc == PX_OK && !sc->output && !(sc->output = px__asprintf("out/%s", sc->name))) rc = oom(&p);
    if (rc == PX_OK && sc->access_cats.n) {
        sc->access_cat_ptrs = calloc(sc->access_cats.n + 1, sizeof *sc->access_cat_ptrs);
        if (!sc->access_cat_ptrs) rc = oom(&p);
        for (size_t i = 0; rc == PX_OK && i < sc->access_cats.n; i++)
            sc->access_cat_ptrs[i] = sc->access_cats.v[i];
        sc->access.categories = sc->access_cat_ptrs;
    }
    px__node_free(root);
    /* Build the plan once now, so that an output naming a table no step
     * writes, a bad layer definition or a bad style is a scenario error. */
    px__plan plan = {0};
    if (rc == PX_OK) rc = px__plan_build(ctx, sc, &plan);
    px__plan_clear(&plan);
    if (rc != PX_OK) {
        px_scenario_free(sc);
        return rc;
    }
    *out = sc;
    return PX_OK;
}

const char *px_scenario_name(const px_scenario *sc)
{
    return sc ? sc->name : "";
}

void px_scenario_free(px_scenario *sc)
{
    if (!sc) return;
    free(sc->path);
    free(sc->dir);
    free(sc->name);
    free(sc->description);
    free(sc->project);
    free(sc->crs);
    free(sc->output);
    px__strlist_clear(&sc->layers);
    px__strlist_clear(&sc->access_cats);
    free(sc->access_cat_ptrs);
    for (size_t i = 0; i < sc->n_iso; i++)
        free(sc->iso[i].table);
    free(sc->iso);
    px__strlist_clear(&sc->equity_cats);
    free(sc->bf_scenario);
    free((char *)sc->bf.transit_category);
    px__strlist_clear(&sc->flood_cats);
    free(sc->planned_links);
    px__sc_services_free(sc);
    px__strlist_clear(&sc->weight_names);
    free(sc->weight_values);
    for (size_t i = 0; i < sc->n_exports; i++) {
        free(sc->exports[i].table);
        free(sc->exports[i].file);
    }
    free(sc->exports);
    free(sc->tiles_layers);
    free(sc->tiles_results);
    px__strlist_clear(&sc->styles);
    free(sc->raster_dir);
    for (size_t i = 0; i < sc->n_maps; i++) {
        free(sc->maps[i].style);
        free(sc->maps[i].file);
        free(sc->maps[i].title);
    }
    free(sc->maps);
    free(sc->report_dir);
    free(sc->report_title);
    free(sc->report_compare);
    px__strlist_clear(&sc->report_styles);
    free(sc->site_dir);
    free(sc);
}

/* ---- the helpers above, for scenario_services.c ------------------------------ */

px_status px__sc_err(px__sc_parse *p, int line, const char *msg)
{
    return perr(p, PX_EDOMAIN, line, "%s", msg);
}
int px__sc_line_of(const px__node *map, const char *key)
{
    return line_of(map, key);
}
px_status px__sc_check_keys(px__sc_parse *p, const px__node *map, const char *what, const char *const *known)
{
    return check_keys(p, map, what, known);
}
px_status px__sc_text(px__sc_parse *p, const px__node *map, const char *key, const char *what, char **out)
{
    return text(p, map, key, what, out);
}
px_status px__sc_path(px__sc_parse *p, const px__node *map, const char *key, const char *what, char **out)
{
    return path_value(p, map, key, what, out);
}
px_status px__sc_number(px__sc_parse *p, const px__node *map, const char *key, const char *what, double lo,
                        double hi, int open_lo, double *out)
{
    return number(p, map, key, what, lo, hi, open_lo, out);
}
px_status px__sc_integer(px__sc_parse *p, const px__node *map, const char *key, const char *what, long lo,
                         long hi, int *out)
{
    return integer(p, map, key, what, lo, hi, out);
}
px_status px__sc_boolean(px__sc_parse *p, const px__node *map, const char *key, const char *what, int *out)
{
    return boolean(p, map, key, what, out);
}
px_status px__sc_list(px__sc_parse *p, const px__node *map, const char *key, const char *what, px__strlist *out)
{
    return list(p, map, key, what, out);
}
px_status px__sc_modes(px__sc_parse *p, const px__node *map, const char *key, const char *what, unsigned *out)
{
    return modes(p, map, key, what, out);
}
