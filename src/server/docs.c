/*
 * The documents the server answers and the site writes: the catalog the
 * viewer starts from, the styles with their one `proxima` source replaced by
 * one source per tileset (URLs to this server, or relative for the site;
 * symbol layers, glyphs and sprites removed, since Proxima serves no fonts
 * and the viewer must make no outside request), and per-commune tables as
 * JSON (reals rounded by the unit rule of the exports).
 */
#include "server_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- documents ------------------------------------------------------------ */

static json_t *bounds_json(const double b[4]) { return json_pack("[f,f,f,f]", b[0], b[1], b[2], b[3]); }

char *srv_catalog_json(srv_app *app, const char *base)
{
    json_t *c = json_object(), *styles = json_array(), *tables = json_array(), *tilesets = json_array();
    char *out = NULL;
    if (!c || !styles || !tables || !tilesets) goto done;
    for (size_t i = 0; i < app->n_styles; i++) {
        srv_style *s = &app->styles[i];
        if (!s->available) continue;
        const char *title = json_string_value(json_object_get(s->json, "name"));
        char *url = srv_fmt("%sstyles/%s.json", base, s->name);
        json_t *used = json_array();
        size_t k;
        json_t *l;
        json_array_foreach(json_object_get(s->json, "layers"), k, l)
        {
            json_t *t = json_object_get(l, "source-layer");
            int seen = 0;
            size_t j;
            json_t *u;
            json_array_foreach(used, j, u) seen |= json_equal(u, t);
            if (json_is_string(t) && !seen) json_array_append(used, t);
        }
        json_array_append_new(styles, json_pack("{s:s, s:s, s:s?, s:o, s:b}", "name", s->name, "title",
                                                title ? title : s->name, "url", url, "tables", used, "raster",
                                                s->raster != NULL));
        free(url);
    }
    for (size_t i = 0; i < app->n_tables; i++) {
        char *j = srv_fmt("%stables/%s.json", base, app->tables[i]);
        char *v = srv_fmt("%stables/%s.csv", base, app->tables[i]);
        json_array_append_new(tables, json_pack("{s:s, s:s?, s:s?}", "name", app->tables[i], "json", j, "csv", v));
        free(j);
        free(v);
    }
    for (size_t i = 0; i < app->n_tilesets; i++) {
        char *j = srv_fmt("%s%s.json", base, app->tilesets[i].name);
        json_array_append_new(tilesets, json_pack("{s:s, s:s?, s:b}", "name", app->tilesets[i].name, "tilejson", j,
                                                  "mbtiles", app->tilesets[i].mbtiles != NULL));
        free(j);
    }
    char *labels = app->has_communes ? srv_fmt("%slabels/communes.geojson", base, NULL) : NULL;
    json_object_set_new(c, "name", json_string(app->name));
    json_object_set_new(c, "attribution", json_string(app->attribution ? app->attribution : ""));
    json_object_set_new(c, "bounds", app->has_bounds ? bounds_json(app->bounds) : json_null());
    json_object_set(c, "styles", styles);
    json_object_set(c, "tables", tables);
    json_object_set(c, "tilesets", tilesets);
    json_object_set_new(c, "labels", labels ? json_string(labels) : json_null());
    free(labels);
    out = json_dumps(c, JSON_COMPACT);
done:
    json_decref(c);
    json_decref(styles);
    json_decref(tables);
    json_decref(tilesets);
    return out;
}

/* The tileset to draw `table` from: an MBTiles file holding every table of
 * `need` (server only), else the table's own tileset. */
static srv_tileset *pick(srv_app *app, const char *table, json_t *need, srv_worker *w, int site)
{
    for (size_t i = 0; !site && i < app->n_tilesets; i++) {
        srv_tileset *t = &app->tilesets[i];
        px_tileset *ts;
        if (!t->mbtiles || srv_tileset_get(t, w, &ts) != PX_OK) {
            px_ctx_clear_error(w->ctx);
            continue;
        }
        int all = 1;
        size_t k;
        json_t *n;
        json_array_foreach(need, k, n) all &= px_tileset_has_layer(ts, json_string_value(n));
        if (all) return t;
    }
    return srv_app_tileset(app, table);
}

char *srv_style_json(srv_app *app, srv_worker *w, const srv_style *s, const char *base, int site)
{
    json_t *st = json_deep_copy(s->json);
    json_t *layers = json_array(), *sources = json_object(), *need = json_array();
    char *out = NULL;
    if (!st || !layers || !sources || !need) goto done;
    json_t *old_sources = json_object_get(st, "sources");
    size_t k;
    json_t *l;
    json_array_foreach(json_object_get(st, "layers"), k, l)
    {
        json_t *t = json_object_get(l, "source-layer");
        if (json_is_true(json_object_get(json_object_get(l, "metadata"), "proxima:optional"))) continue;
        if (json_is_string(t)) json_array_append(need, t);
    }
    json_array_foreach(json_object_get(st, "layers"), k, l)
    {
        const char *type = json_string_value(json_object_get(l, "type"));
        if (type && !strcmp(type, "symbol")) continue; /* no glyphs served */
        const char *table = json_string_value(json_object_get(l, "source-layer"));
        if (!table) {
            json_array_append(layers, l);
            continue;
        }
        srv_tileset *t = pick(app, table, need, w, site);
        px_tileset *ts;
        if (!t && json_is_true(json_object_get(json_object_get(l, "metadata"), "proxima:optional")))
            continue; /* an optional layer whose table the project lacks draws nothing */
        if (!t || srv_tileset_get(t, w, &ts) != PX_OK) goto done;
        if (!json_object_get(sources, t->name)) {
            int minz, maxz;
            double b[4];
            px_tileset_zooms(ts, &minz, &maxz);
            px_tileset_bounds(ts, b);
            const char *att = px_tileset_attribution(ts);
            const char *src_id = json_string_value(json_object_get(l, "source"));
            const char *old_att =
                json_string_value(json_object_get(json_object_get(old_sources, src_id ? src_id : ""), "attribution"));
            char *url = srv_fmt("%stiles/%s/{z}/{x}/{y}.pbf", base, t->name);
            json_t *src = json_pack("{s:s, s:[s?], s:i, s:i, s:o, s:s}", "type", "vector", "tiles", url, "minzoom",
                                    minz, "maxzoom", maxz, "bounds", bounds_json(b), "attribution",
                                    *att ? att : old_att ? old_att : "");
            free(url);
            if (!src || json_object_set_new(sources, t->name, src)) goto done;
        }
        json_object_set_new(l, "source", json_string(t->name));
        json_array_append(layers, l);
    }
    json_object_set(st, "sources", sources);
    json_object_set(st, "layers", layers);
    json_object_del(st, "glyphs");
    json_object_del(st, "sprite");
    out = json_dumps(st, JSON_COMPACT | JSON_REAL_PRECISION(10));
done:
    json_decref(st);
    json_decref(layers);
    json_decref(sources);
    json_decref(need);
    return out;
}

char *srv_table_json(srv_worker *w, const char *table)
{
    px_table_reader *r = NULL;
    if (px_store_reader_open(w->store, table, NULL, 0, NULL, &r) != PX_OK) return NULL;
    json_t *o = json_object(), *cols = json_array(), *rows = json_array();
    char *out = NULL;
    size_t n = px_table_reader_n_columns(r);
    for (size_t i = 0; cols && i < n; i++) {
        px_col_type t = px_table_reader_column_type(r, i);
        json_array_append_new(cols, json_pack("{s:s, s:s}", "name", px_table_reader_column_name(r, i), "type",
                                              t == PX_COL_INT ? "integer" : t == PX_COL_REAL ? "real" : "text"));
    }
    int has = 0;
    px_status rc = PX_OK;
    while (o && rows && (rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        json_t *row = json_object();
        for (size_t i = 0; row && i < n; i++) {
            const char *c = px_table_reader_column_name(r, i);
            if (!strcmp(c, "props")) continue;
            json_t *v = px_table_reader_is_null(r, i) ? json_null()
                        : px_table_reader_column_type(r, i) == PX_COL_INT  ? json_integer(px_table_reader_int(r, i))
                        : px_table_reader_column_type(r, i) == PX_COL_REAL
                            ? json_real(px_export_round(px_table_reader_real(r, i), px_export_decimals(table, c)))
                                                                            : json_string(px_table_reader_text(r, i));
            json_object_set_new(row, c, v);
        }
        json_object_set_new(row, "fid", json_integer(px_table_reader_fid(r)));
        json_array_append_new(rows, row);
    }
    if (o && cols && rows && rc == PX_OK) {
        json_object_set_new(o, "table", json_string(table));
        json_object_set(o, "columns", cols);
        json_object_set(o, "rows", rows);
        out = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
    }
    json_decref(o);
    json_decref(cols);
    json_decref(rows);
    px_table_reader_close(r);
    return out;
}
