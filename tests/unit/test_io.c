/*
 * Unit tests of the io module: layer definitions (YAML and JSON, good and
 * bad) and px_load on the small fixtures in tests/fixtures/io/ (repairs,
 * rejections with their reasons, value maps, joins, encodings, CRS, the
 * population proxy). Expected values are worked out by hand in comments.
 */
#include "helpers/px_test.h"

#include "geom/geom_int.h"
#include "io/io_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------- */

typedef struct fx {
    px_ctx *ctx;
    char *dir;
    char *fixtures;
    char log[8192];
} fx;

static void log_sink(void *user, px_log_level level, const char *msg)
{
    fx *f = user;
    if (level > PX_LOG_WARN) return;
    size_t n = strlen(f->log);
    snprintf(f->log + n, sizeof f->log - n, "%s\n", msg);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_int_equal(px_ctx_new(&f->ctx), PX_OK);
    px_ctx_set_log(f->ctx, log_sink, f, PX_LOG_WARN);
    f->dir = px_test_tmpdir("io");
    f->fixtures = px_test_source_path("tests/fixtures/io");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    px_ctx_free(f->ctx);
    free(f->dir);
    free(f->fixtures);
    free(f);
    return 0;
}

/* Write `name` in the test folder from a format where every %1$s is the
 * fixtures folder; returns its path (caller frees). */
static char *write_def(fx *f, const char *name, const char *fmt)
{
    char *path = px_test_path(f->dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (const char *p = fmt; *p; p++) {
        if (p[0] == '@' && p[1] == 'F') {
            fputs(f->fixtures, fp);
            p++;
        } else {
            fputc(*p, fp);
        }
    }
    fclose(fp);
    return path;
}

static px_store *new_store(fx *f, const char *crs)
{
    char *path = px_test_path(f->dir, "p.sqlite");
    remove(path);
    px_store *s = NULL;
    assert_int_equal(px_store_create(f->ctx, path, crs, &s), PX_OK);
    free(path);
    return s;
}

/* Load definition text into `s`; returns the status, reports in *rep. */
static px_status load_text(fx *f, px_store *s, const char *text, int strict, px_load_report **rep, size_t *n)
{
    char *path = write_def(f, "def.yaml", text);
    px_layerdef *def = NULL;
    px_status st = px_layerdef_read(f->ctx, path, &def);
    free(path);
    if (st != PX_OK) {
        fprintf(stderr, "# layerdef: %s\n", px_ctx_errmsg(f->ctx));
        return st;
    }
    px_load_options o = {.strict = strict};
    *rep = NULL;
    *n = 0;
    st = px_load(f->ctx, s, def, &o, rep, n);
    if (st != PX_OK) fprintf(stderr, "# load: %s\n", px_ctx_errmsg(f->ctx)); /* shown when a check fails */
    px_layerdef_free(def);
    return st;
}

/* Text column `col` and area of the row whose `key_col` is `key`. */
static int find_row(fx *f, px_store *s, const char *table, const char *key_col, const char *key, const char *col,
                    char *text_out, size_t text_len, double *area)
{
    const char *cols[] = {key_col, col, NULL};
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, table, cols, 1, NULL, &r), PX_OK);
    int has = 0, found = 0;
    while (!found && px_table_reader_next(r, &has) == PX_OK && has) {
        const char *k = px_table_reader_text(r, 0);
        if (!k || strcmp(k, key)) continue;
        found = 1;
        const char *t = px_table_reader_text(r, 1);
        snprintf(text_out, text_len, "%s", t ? t : "(null)");
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        *area = -1;
        if (wkb) {
            GEOSGeometry *g = px__geom_from_wkb(f->ctx, wkb, len);
            GEOSArea_r(px__geos(f->ctx), g, area);
            GEOSGeom_destroy_r(px__geos(f->ctx), g);
        }
    }
    px_table_reader_close(r);
    return found;
}

static int64_t count(px_store *s, const char *table)
{
    int64_t n = -1;
    if (px_store_count(s, table, &n) != PX_OK) return -1;
    return n;
}

/* ---- layer definitions ---------------------------------------------------- */

static void test_px_layerdef_read_yaml_sources_and_maps(void **state)
{
    fx *f = *state;
    char *path = write_def(f, "good.yaml",
                           "# comment\n"
                           "description: test\n"
                           "layers:\n"
                           "  flood_zones:\n"
                           "    - source: zones.geojson\n"
                           "      where: \"level <> 'X'\"\n"
                           "      fields:\n"
                           "        id: code\n"
                           "        hazard: {field: level, map: {Fai: low, M: medium, F: high}, default: ~}\n"
                           "        kind: {value: official}\n"
                           "    - source: PG:dbname=x\n"
                           "      layer: zones\n"
                           "      buffer_m: 150\n"
                           "  services:\n"
                           "    source: /abs/points.gpkg\n"
                           "    geometry: point_on_surface\n");
    px_layerdef *def = NULL;
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_OK);
    assert_int_equal(def->n_sources[PX_LAYER_FLOOD_ZONES], 2);
    assert_int_equal(def->n_sources[PX_LAYER_SERVICES], 1);
    assert_int_equal(def->n_sources[PX_LAYER_COMMUNES], 0);
    const px__source *s0 = &def->sources[PX_LAYER_FLOOD_ZONES][0];
    /* Relative paths resolve against the definition's folder. */
    char *want = px_test_path(f->dir, "zones.geojson");
    assert_string_equal(s0->path, want);
    free(want);
    assert_string_equal(s0->where, "level <> 'X'");
    assert_int_equal(s0->n_fields, 3);
    assert_string_equal(s0->fields[1].column, "hazard");
    assert_int_equal(s0->fields[1].kind, PX__FM_MAP);
    assert_int_equal(s0->fields[1].n_map, 3);
    assert_string_equal(s0->fields[1].map_from[1], "M");
    assert_string_equal(s0->fields[1].map_to[1], "medium");
    assert_int_equal(s0->fields[1].has_default, 1);
    assert_null(s0->fields[1].deflt);
    assert_int_equal(s0->fields[2].kind, PX__FM_VALUE);
    assert_string_equal(s0->fields[2].value, "official");
    /* Connection strings and absolute paths are kept as written. */
    const px__source *s1 = &def->sources[PX_LAYER_FLOOD_ZONES][1];
    assert_string_equal(s1->path, "PG:dbname=x");
    assert_true(fabs(s1->buffer_m - 150.0) < 1e-12);
    assert_string_equal(def->sources[PX_LAYER_SERVICES][0].path, "/abs/points.gpkg");
    assert_int_equal(def->sources[PX_LAYER_SERVICES][0].geom_op, PX__GEOM_POINT_ON_SURFACE);
    px_layerdef_free(def);
    free(path);
}

static void test_px_layerdef_read_json_same_as_yaml(void **state)
{
    fx *f = *state;
    char *path = write_def(f, "good.json",
                           "{\"layers\": {\"flood_zones\": [{\"source\": \"zones.geojson\",\n"
                           " \"fields\": {\"id\": \"code\", \"hazard\": {\"field\": \"level\",\n"
                           "   \"map\": {\"Fai\": \"low\", \"M\": \"medium\", \"F\": \"high\"}}}}]}}\n");
    px_layerdef *def = NULL;
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_OK);
    assert_int_equal(def->n_sources[PX_LAYER_FLOOD_ZONES], 1);
    const px__fieldmap *fm = &def->sources[PX_LAYER_FLOOD_ZONES][0].fields[1];
    assert_int_equal(fm->kind, PX__FM_MAP);
    assert_string_equal(fm->map_from[2], "F");
    assert_string_equal(fm->map_to[2], "high");
    assert_int_equal(fm->has_default, 0);
    px_layerdef_free(def);
    free(path);
}

static void test_px_layerdef_read_yaml_merge_key(void **state)
{
    fx *f = *state;
    char *path = write_def(f, "merge.yaml",
                           "layers:\n"
                           "  services:\n"
                           "    - &base\n"
                           "      source: a.geojson\n"
                           "      where: \"x = 1\"\n"
                           "    - <<: *base\n"
                           "      source: b.geojson\n");
    px_layerdef *def = NULL;
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_OK);
    const px__source *b = &def->sources[PX_LAYER_SERVICES][1];
    /* The explicit key wins; the merged one fills the gap. */
    assert_string_equal(b->source_text, "b.geojson");
    assert_string_equal(b->where, "x = 1");
    px_layerdef_free(def);
    free(path);
}

static void test_px_layerdef_read_yaml_syntax_error_line(void **state)
{
    fx *f = *state;
    char *path = write_def(f, "bad.yaml",
                           "layers:\n"
                           "  communes:\n"
                           "    - source: a.geojson\n"
                           "      fields: {id: code\n"
                           "    - source: b.geojson\n");
    px_layerdef *def = NULL;
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_EPARSE);
    assert_null(def);
    /* The unclosed flow mapping opened on line 4 is reported at line 5,
     * where libyaml finds the '-' it cannot accept. */
    char want[600];
    snprintf(want, sizeof want, "%s:5: YAML syntax error", path);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), want));
    free(path);
}

static void test_px_layerdef_read_json_syntax_error_line(void **state)
{
    fx *f = *state;
    char *path = write_def(f, "bad.json", "{\"layers\":\n {\"communes\":\n  {\"source\" \"a.geojson\"}}}\n");
    px_layerdef *def = NULL;
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_EPARSE);
    char want[600];
    snprintf(want, sizeof want, "%s:3: JSON syntax error", path);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), want));
    free(path);
}

static void test_px_layerdef_read_unknown_key_named_with_line(void **state)
{
    fx *f = *state;
    char *path = write_def(f, "typo.yaml",
                           "layers:\n"
                           "  roads:\n"
                           "    - source: a.geojson\n"
                           "      layer: lines\n"
                           "      wher: \"highway IS NOT NULL\"\n");
    px_layerdef *def = NULL;
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_EDOMAIN);
    char want[600];
    snprintf(want, sizeof want, "%s:5: unknown key 'wher' in a source of layer 'roads'", path);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), want));
    free(path);
}

static void test_px_layerdef_read_unknown_layer_and_column(void **state)
{
    fx *f = *state;
    char *path = write_def(f, "l.yaml", "layers:\n  comunes:\n    source: a.geojson\n");
    px_layerdef *def = NULL;
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_EDOMAIN);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), ":2: unknown layer 'comunes'"));
    free(path);
    path = write_def(f, "c.yaml", "layers:\n  communes:\n    source: a.geojson\n    fields:\n      nme: nom\n");
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_EDOMAIN);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), ":5: unknown column 'nme' for layer 'communes'"));
    free(path);
    /* A map that is not a mapping, and a bad geometry transform. */
    path = write_def(f, "m.yaml", "layers:\n  flood_zones:\n    source: a\n    fields:\n      hazard: {field: x, map: [a]}\n");
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_EDOMAIN);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "'map' must map source values to values"));
    free(path);
    path = write_def(f, "g.yaml", "layers:\n  services:\n    source: a\n    geometry: middle\n");
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_EDOMAIN);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), ":4: geometry: 'middle' is not one of"));
    free(path);
}

static void test_px_layerdef_read_missing_file(void **state)
{
    fx *f = *state;
    char *path = px_test_path(f->dir, "nope.yaml");
    px_layerdef *def = NULL;
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_EIO);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "nope.yaml: cannot open"));
    free(path);
}

/* ---- loading -------------------------------------------------------------- */

static void test_px_load_repairs_and_rejects_with_reasons(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    assert_int_equal(load_text(f, s,
                               "layers:\n"
                               "  communes:\n"
                               "    source: @F/zones.geojson\n"
                               "    fields: {id: code}\n",
                               0, &rep, &n),
                     PX_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rep[0].layer, "communes");
    /* 8 features: A (square), B (bowtie, repaired), F (unclosed, repaired),
     * H (square) load; C (point), D (NULL), E (empty), G (flat, nothing left
     * after MakeValid) are rejected. */
    assert_int_equal(rep[0].n_read, 8);
    assert_int_equal(rep[0].n_loaded, 4);
    assert_int_equal(rep[0].n_repaired, 2);
    assert_int_equal(rep[0].n_rejected, 4);
    free(rep);
    assert_non_null(strstr(f->log, "zones.geojson:zones:3: geometry is a point, layer 'communes' takes a polygon"));
    assert_non_null(strstr(f->log, "zones.geojson:zones:4: no geometry (NULL)"));
    assert_non_null(strstr(f->log, "zones.geojson:zones:5: empty geometry"));
    assert_non_null(strstr(f->log, "zones.geojson:zones:7: unusable after repair: no area left"));
    char text[256];
    double area = 0;
    /* 100 m x 100 m square in the project CRS already: 10,000 m2. */
    assert_true(find_row(f, s, "communes", "id", "A", "name", text, sizeof text, &area));
    assert_string_equal(text, "Alpha");
    assert_true(fabs(area - 10000.0) < 1e-6);
    /* The bowtie becomes two triangles of 2,500 m2 each. */
    assert_true(find_row(f, s, "communes", "id", "B", "name", text, sizeof text, &area));
    assert_true(fabs(area - 5000.0) < 1e-6);
    assert_true(find_row(f, s, "communes", "id", "F", "name", text, sizeof text, &area));
    assert_true(fabs(area - 10000.0) < 1e-6);
    /* Unmapped attributes are kept in props, typed. */
    assert_true(find_row(f, s, "communes", "id", "A", "props", text, sizeof text, &area));
    assert_string_equal(text, "{\"level\":\"F\",\"pop\":100,\"extra\":\"kept\"}");
    px_store_close(s);
}

static void test_px_load_value_map_rejects_unmapped_value(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    const char *def = "layers:\n"
                      "  flood_zones:\n"
                      "    source: @F/zones.geojson\n"
                      "    where: \"code IN ('A', 'B', 'F', 'H')\"\n"
                      "    fields:\n"
                      "      id: code\n"
                      "      hazard: {field: level, map: {Fai: low, M: medium, F: high}}\n";
    assert_int_equal(load_text(f, s, def, 0, &rep, &n), PX_OK);
    /* The filter keeps 4; H has level 'X', which the map does not know. */
    assert_int_equal(rep[0].n_read, 4);
    assert_int_equal(rep[0].n_loaded, 3);
    assert_int_equal(rep[0].n_rejected, 1);
    free(rep);
    assert_non_null(strstr(f->log, ":8: column 'hazard': value 'X' of field 'level' is not in the map and there is no default"));
    char text[64];
    double area;
    assert_true(find_row(f, s, "flood_zones", "id", "A", "hazard", text, sizeof text, &area));
    assert_string_equal(text, "high");
    assert_true(find_row(f, s, "flood_zones", "id", "B", "hazard", text, sizeof text, &area));
    assert_string_equal(text, "medium");
    assert_true(find_row(f, s, "flood_zones", "id", "F", "hazard", text, sizeof text, &area));
    assert_string_equal(text, "low");
    /* With a default, H loads with it. */
    assert_int_equal(load_text(f, s,
                               "layers:\n  flood_zones:\n    source: @F/zones.geojson\n"
                               "    where: \"code = 'H'\"\n"
                               "    fields: {id: code, hazard: {field: level, map: {F: high}, default: unknown}}\n",
                               0, &rep, &n),
                     PX_OK);
    assert_int_equal(rep[0].n_loaded, 1);
    free(rep);
    assert_true(find_row(f, s, "flood_zones", "id", "H", "hazard", text, sizeof text, &area));
    assert_string_equal(text, "unknown");
    px_store_close(s);
}

static void test_px_load_strict_leaves_store_unchanged(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    assert_int_equal(load_text(f, s, "layers:\n  communes:\n    source: @F/communes2.geojson\n", 0, &rep, &n), PX_OK);
    free(rep);
    assert_int_equal(count(s, "communes"), 3);
    assert_int_equal(load_text(f, s, "layers:\n  communes:\n    source: @F/zones.geojson\n", 1, &rep, &n),
                     PX_EREJECTED);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "4 feature(s) rejected and --strict was asked"));
    /* The earlier communes are still there, not the 4 of the failed load. */
    assert_int_equal(count(s, "communes"), 3);
    px_store_close(s);
}

static void test_px_load_missing_field_is_an_error(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    assert_int_equal(load_text(f, s, "layers:\n  communes:\n    source: @F/zones.geojson\n    fields: {name: nom}\n", 0,
                               &rep, &n),
                     PX_ENOTFOUND);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx),
                           "zones.geojson:zones: field 'nom' (mapped to communes.name) does not exist; the source has: "
                           "code, name, level, pop, extra"));
    assert_false(px_store_has_table(s, "communes"));
    px_store_close(s);
}

static void test_px_load_source_errors(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    assert_int_equal(load_text(f, s, "layers:\n  communes:\n    source: @F/missing.geojson\n", 0, &rep, &n), PX_EIO);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "missing.geojson: cannot open: No such file or directory"));
    assert_int_equal(load_text(f, s, "layers:\n  communes:\n    source: @F/pop.csv\n    layer: nope\n", 0, &rep, &n),
                     PX_ENOTFOUND);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "pop.csv: no layer 'nope' (layers: pop)"));
    assert_int_equal(load_text(f, s, "layers:\n  communes:\n    source: @F/zones.geojson\n    where: \"nosuch = 1\"\n",
                               0, &rep, &n),
                     PX_EGDAL);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "zones.geojson:zones: bad where filter \"nosuch = 1\""));
    /* A CSV with WKT has no CRS: without `srs:` the whole load fails. */
    assert_int_equal(load_text(f, s, "layers:\n  services:\n    source: @F/latin1.csv\n", 0, &rep, &n), PX_ECRS);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx),
                           "latin1.csv:latin1: the source has no CRS and the definition gives no 'srs:'"));
    assert_int_equal(count(s, "services"), -1);
    px_store_close(s);
}

static void test_px_load_non_utf8_rejected_or_recoded(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    assert_int_equal(load_text(f, s, "layers:\n  services:\n    source: @F/latin1.csv\n    srs: EPSG:32632\n", 0, &rep,
                               &n),
                     PX_OK);
    /* Row 1 holds "Z\xfcrich Stra\xdfe" in Latin-1: not UTF-8, no encoding given. */
    assert_int_equal(rep[0].n_loaded, 1);
    assert_int_equal(rep[0].n_rejected, 1);
    free(rep);
    assert_non_null(strstr(f->log, "latin1.csv:latin1:1: field 'name': text is not valid UTF-8"));
    assert_int_equal(load_text(f, s,
                               "layers:\n  services:\n    source: @F/latin1.csv\n    srs: EPSG:32632\n"
                               "    encoding: ISO-8859-1\n",
                               0, &rep, &n),
                     PX_OK);
    assert_int_equal(rep[0].n_loaded, 2);
    free(rep);
    char text[64];
    double area;
    assert_true(find_row(f, s, "services", "id", "1", "name", text, sizeof text, &area));
    assert_string_equal(text, "Z\xc3\xbcrich Stra\xc3\x9f" "e");
    px_store_close(s);
}

static void test_px_load_join_fills_columns(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    assert_int_equal(load_text(f, s,
                               "layers:\n  communes:\n    source: @F/zones.geojson\n    fields: {id: code}\n"
                               "    join: {source: @F/pop.csv, field: name, key: name, fields: {population: inhabitants}}\n",
                               0, &rep, &n),
                     PX_OK);
    free(rep);
    px_table_reader *r = NULL;
    const char *cols[] = {"id", "population", NULL};
    assert_int_equal(px_store_reader_open(s, "communes", cols, 0, NULL, &r), PX_OK);
    int has = 0, seen = 0;
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        const char *id = px_table_reader_text(r, 0);
        if (!strcmp(id, "A")) assert_true(fabs(px_table_reader_real(r, 1) - 1234) < 1e-9), seen++;
        else if (!strcmp(id, "B")) assert_true(fabs(px_table_reader_real(r, 1) - 55) < 1e-9), seen++;
        else assert_true(px_table_reader_is_null(r, 1)), seen++;
    }
    px_table_reader_close(r);
    assert_int_equal(seen, 4);
    /* "Unclosed" and "Odd level" have no row in pop.csv: warned, left null. */
    assert_non_null(strstr(f->log, "no match for 'Unclosed' in join file"));
    px_store_close(s);
}

static void test_px_load_population_proxy_sums_to_totals(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    assert_int_equal(load_text(f, s,
                               "layers:\n"
                               "  communes:\n    source: @F/communes2.geojson\n"
                               "    fields: {id: code, population: pop}\n"
                               "  population:\n    source: @F/buildings.geojson\n"
                               "    fields: {id: building}\n"
                               "    distribute:\n      total: communes.population\n"
                               "      factor: {field: building, map: {house: 1, apartments: 1, yes: 0.5}, default: 0}\n",
                               0, &rep, &n),
                     PX_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rep[1].layer, "population");
    /* 6 buildings: the church has weight 0 (not loaded, not rejected), 31 is
     * outside every commune (rejected); 4 shares + 1 point for the commune
     * "E" that holds no building = 5 rows. */
    assert_int_equal(rep[1].n_read, 6);
    assert_int_equal(rep[1].n_rejected, 1);
    assert_int_equal(rep[1].n_loaded, 5);
    free(rep);
    /* North (1000): house 100 m2 x1, apartments 200 x1, yes 200 x0.5 = 400
     * -> 250, 500, 250. South (90): its one house. E (7): one point. */
    const char *cols[] = {"id", "count", "method", NULL};
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, "population", cols, 0, NULL, &r), PX_OK);
    int has = 0;
    double sum = 0, house_n = 0, house_s = 0, apart = 0, yes = 0, e = 0;
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        const char *id = px_table_reader_text(r, 0);
        double c = px_table_reader_real(r, 1);
        sum += c;
        if (!strcmp(id, "house") && c > 100) house_n = c;
        else if (!strcmp(id, "house")) house_s = c;
        else if (!strcmp(id, "apartments")) apart = c;
        else if (!strcmp(id, "yes")) yes = c;
        else if (!strcmp(id, "E")) e = c;
        assert_non_null(strstr(px_table_reader_text(r, 2), "proxy: "));
    }
    px_table_reader_close(r);
    assert_true(fabs(house_n - 250) < 1e-9);
    assert_true(fabs(apart - 500) < 1e-9);
    assert_true(fabs(yes - 250) < 1e-9);
    assert_true(fabs(house_s - 90) < 1e-9);
    assert_true(fabs(e - 7) < 1e-9);
    assert_true(fabs(sum - 1097) < 1e-9);
    assert_non_null(strstr(f->log, "buildings.geojson:buildings:31: outside every communes feature"));
    px_store_close(s);
}

static void test_px_load_reprojects_with_proj(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    assert_int_equal(load_text(f, s, "layers:\n  communes:\n    source: @F/wgs84.geojson\n", 0, &rep, &n), PX_OK);
    free(rep);
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, "communes", NULL, 1, NULL, &r), PX_OK);
    int has = 0;
    assert_int_equal(px_table_reader_next(r, &has), PX_OK);
    assert_true(has);
    size_t len = 0;
    const unsigned char *wkb = px_table_reader_wkb(r, &len);
    GEOSGeometry *g = px__geom_from_wkb(f->ctx, wkb, len);
    px_bbox box;
    assert_int_equal(px__geom_bbox(f->ctx, g, &box), PX_OK);
    GEOSGeom_destroy_r(px__geos(f->ctx), g);
    px_table_reader_close(r);
    /* The corners in UTM 32N, by PROJ directly (EPSG:4326 is lat, lon).
     * Vertices are transformed and edges stay straight, so the extent is
     * that of the four transformed corners: west edge from the north-west
     * corner (meridians converge east of 9 E), south edge from the south-east. */
    PJ *pj = proj_create_crs_to_crs(px__proj(f->ctx), "EPSG:4326", "EPSG:32632", NULL);
    PJ_COORD nw = proj_trans(pj, PJ_FWD, proj_coord(47.14, 9.52, 0, 0));
    PJ_COORD sw = proj_trans(pj, PJ_FWD, proj_coord(47.13, 9.52, 0, 0));
    PJ_COORD se = proj_trans(pj, PJ_FWD, proj_coord(47.13, 9.53, 0, 0));
    proj_destroy(pj);
    assert_true(nw.enu.e < sw.enu.e);
    assert_true(fabs(box.minx - nw.enu.e) < 1e-3);
    assert_true(fabs(box.miny - fmin(sw.enu.n, se.enu.n)) < 1e-3);
    assert_true(sw.enu.e > 539000 && sw.enu.e < 541000);
    px_store_close(s);
}

static void test_px_load_buffer_dissolve_and_point_on_surface(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    assert_int_equal(load_text(f, s,
                               "layers:\n"
                               "  flood_zones:\n"
                               "    - source: @F/latin1.csv\n      srs: EPSG:32632\n      encoding: ISO-8859-1\n"
                               "      where: \"id = '2'\"\n      buffer_m: 10\n"
                               "      fields: {id: {value: one}, hazard: {value: high}}\n"
                               "    - source: @F/latin1.csv\n      srs: EPSG:32632\n      encoding: ISO-8859-1\n"
                               "      buffer_m: 10\n      dissolve: true\n"
                               "      fields: {id: {value: both}, hazard: {value: medium}}\n"
                               "  services:\n"
                               "    source: @F/zones.geojson\n    where: \"code = 'A'\"\n"
                               "    geometry: point_on_surface\n    fields: {id: code, category: {value: test}}\n",
                               0, &rep, &n),
                     PX_OK);
    assert_int_equal(rep[0].n_loaded, 2); /* flood_zones: one band + one dissolved */
    assert_int_equal(rep[1].n_loaded, 1); /* services */
    free(rep);
    char text[64];
    double one = 0, both = 0;
    /* A 10 m buffer with 8 segments per quarter is a 32-gon of area
     * 16 r^2 sin(2 pi / 32) = 312.1445 m2. */
    assert_true(find_row(f, s, "flood_zones", "id", "one", "hazard", text, sizeof text, &one));
    assert_true(fabs(one - 1600.0 * sin(2 * M_PI / 32)) < 1e-3);
    /* Two such discs 14.1 m apart overlap: the union is one zone, bigger
     * than one disc and smaller than two. */
    assert_true(find_row(f, s, "flood_zones", "id", "both", "hazard", text, sizeof text, &both));
    assert_true(both > one + 1 && both < 2 * one - 1);
    /* The point on the surface of square A lies inside it. */
    px_bbox box = {540000, 5220000, 540100, 5220100};
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, "services", NULL, 1, &box, &r), PX_OK);
    int has = 0;
    assert_int_equal(px_table_reader_next(r, &has), PX_OK);
    assert_true(has);
    px_table_reader_close(r);
    px_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_px_layerdef_read_yaml_sources_and_maps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_layerdef_read_json_same_as_yaml, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_layerdef_read_yaml_merge_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_layerdef_read_yaml_syntax_error_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_layerdef_read_json_syntax_error_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_layerdef_read_unknown_key_named_with_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_layerdef_read_unknown_layer_and_column, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_layerdef_read_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_repairs_and_rejects_with_reasons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_value_map_rejects_unmapped_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_strict_leaves_store_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_missing_field_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_source_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_non_utf8_rejected_or_recoded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_join_fills_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_population_proxy_sums_to_totals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_reprojects_with_proj, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_buffer_dissolve_and_point_on_surface, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
