/*
 * Unit tests of the io module: layer definitions (YAML and JSON, good and
 * bad) and px_load on the small fixtures in tests/fixtures/io/: repairs,
 * rejections with their reasons, value maps, strict mode, source errors,
 * encodings. Joins, the population proxy, reprojection and transforms are in
 * test_io_load.c. Expected values are worked out by hand in comments.
 */
#include "io_fixture.h"

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
    path =
        write_def(f, "c.yaml", "layers:\n  communes:\n    source: a.geojson\n    fields:\n      nme: nom\n");
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_EDOMAIN);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), ":5: unknown column 'nme' for layer 'communes'"));
    free(path);
    /* A map that is not a mapping, and a bad geometry transform. */
    path = write_def(
        f, "m.yaml",
        "layers:\n  flood_zones:\n    source: a\n    fields:\n      hazard: {field: x, map: [a]}\n");
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

static void test_px__resolve_path_cases(void **state)
{
    fx *f = *state;
    const char *cases[][2] = {
        {"data/a.pbf", "layers/data/a.pbf"},          /* relative: against the folder */
        {"/abs/a.shp", "/abs/a.shp"},                 /* absolute: kept */
        {"PG:dbname=x host=y", "PG:dbname=x host=y"}, /* connection string: kept */
        {"GPKG:f.gpkg:t", "GPKG:f.gpkg:t"},
        {"/vsizip/a.zip/b.shp", "/vsizip/a.zip/b.shp"},
        {"xy:z/a.csv", "xy:z/a.csv"}, /* looks like one, no such file */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *r = px__resolve_path("layers", cases[i][0]);
        assert_string_equal(r, cases[i][1]);
        free(r);
    }
    /* A file named like a connection string, next to the definition, wins. */
    char *odd = px_test_path(f->dir, "odd:name.csv");
    FILE *fp = fopen(odd, "w");
    assert_non_null(fp);
    fclose(fp);
    char *r = px__resolve_path(f->dir, "odd:name.csv");
    assert_string_equal(r, odd);
    free(r);
    free(odd);
}

static void test_px__utf8_valid_cases(void **state)
{
    (void)state;
    assert_true(px__utf8_valid(""));
    assert_true(px__utf8_valid("B\xc3\xa9thune"));                /* é */
    assert_true(px__utf8_valid("\xe2\x82\xac \xf0\x9f\x9a\xb2")); /* euro sign, bicycle */
    assert_false(px__utf8_valid("Z\xfcrich"));                    /* Latin-1 ü */
    assert_false(px__utf8_valid("\xc3"));                         /* truncated */
    assert_false(px__utf8_valid("\xc0\xaf"));                     /* overlong '/' */
    assert_false(px__utf8_valid("\xe0\x80\xaf"));                 /* overlong, 3 bytes */
    assert_false(px__utf8_valid("\xed\xa0\x80"));                 /* surrogate U+D800 */
    assert_false(px__utf8_valid("\xf4\x90\x80\x80"));             /* past U+10FFFF */
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
    assert_non_null(
        strstr(f->log, "zones.geojson:zones:3: geometry is a point, layer 'communes' takes a polygon"));
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
    assert_non_null(strstr(
        f->log, ":8: column 'hazard': value 'X' of field 'level' is not in the map and there is no default"));
    char text[64];
    double area;
    assert_true(find_row(f, s, "flood_zones", "id", "A", "hazard", text, sizeof text, &area));
    assert_string_equal(text, "high");
    assert_true(find_row(f, s, "flood_zones", "id", "B", "hazard", text, sizeof text, &area));
    assert_string_equal(text, "medium");
    assert_true(find_row(f, s, "flood_zones", "id", "F", "hazard", text, sizeof text, &area));
    assert_string_equal(text, "low");
    /* With a default, H loads with it. */
    assert_int_equal(
        load_text(f, s,
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

static void test_px_load_value_map_key_forms(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    /* Fields tried in order [extra, level]; per field "field=value" beats a
     * bare "value", which beats "field=*".
     *   A: extra=kept  -> "extra=kept"            -> special
     *   B: extra=x     -> "extra=*"               -> other-extra
     *   F: no extra, level=Fai -> "level=Fai"     -> low
     *   H: no extra, level=X   -> "level=*"       -> any-level */
    assert_int_equal(load_text(f, s,
                               "layers:\n  flood_zones:\n    source: @F/zones.geojson\n"
                               "    where: \"code IN ('A', 'B', 'F', 'H')\"\n"
                               "    fields:\n      id: code\n      hazard:\n        field: [extra, level]\n"
                               "        map: {extra=kept: special, kept: bare, extra=*: other-extra,\n"
                               "              level=Fai: low, Fai: bare, level=*: any-level}\n",
                               0, &rep, &n),
                     PX_OK);
    assert_int_equal(rep[0].n_loaded, 4);
    free(rep);
    const char *want[][2] = {{"A", "special"}, {"B", "other-extra"}, {"F", "low"}, {"H", "any-level"}};
    for (int i = 0; i < 4; i++) {
        char text[64];
        double area;
        assert_true(find_row(f, s, "flood_zones", "id", want[i][0], "hazard", text, sizeof text, &area));
        assert_string_equal(text, want[i][1]);
    }
    px_store_close(s);
}

static void test_px_load_strict_leaves_store_unchanged(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    assert_int_equal(load_text(f, s, "layers:\n  communes:\n    source: @F/communes2.geojson\n", 0, &rep, &n),
                     PX_OK);
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
    assert_int_equal(
        load_text(f, s, "layers:\n  communes:\n    source: @F/zones.geojson\n    fields: {name: nom}\n", 0,
                  &rep, &n),
        PX_ENOTFOUND);
    assert_non_null(
        strstr(px_ctx_errmsg(f->ctx),
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
    assert_int_equal(load_text(f, s, "layers:\n  communes:\n    source: @F/missing.geojson\n", 0, &rep, &n),
                     PX_EIO);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "missing.geojson: cannot open: No such file or directory"));
    assert_int_equal(
        load_text(f, s, "layers:\n  communes:\n    source: @F/pop.csv\n    layer: nope\n", 0, &rep, &n),
        PX_ENOTFOUND);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "pop.csv: no layer 'nope' (layers: pop)"));
    assert_int_equal(
        load_text(f, s, "layers:\n  communes:\n    source: @F/zones.geojson\n    where: \"nosuch = 1\"\n", 0,
                  &rep, &n),
        PX_EGDAL);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "zones.geojson:zones: bad where filter \"nosuch = 1\""));
    /* A CSV with WKT has no CRS: without `srs:` the whole load fails. */
    assert_int_equal(load_text(f, s, "layers:\n  services:\n    source: @F/latin1.csv\n", 0, &rep, &n),
                     PX_ECRS);
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
    assert_int_equal(load_text(f, s, "layers:\n  services:\n    source: @F/latin1.csv\n    srs: EPSG:32632\n",
                               0, &rep, &n),
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
    assert_string_equal(text, "Z\xc3\xbcrich Stra\xc3\x9f"
                              "e");
    /* A misspelt encoding fails the load: stored text must be UTF-8. */
    assert_int_equal(load_text(f, s,
                               "layers:\n  services:\n    source: @F/latin1.csv\n    srs: EPSG:32632\n"
                               "    encoding: LATIN-99\n",
                               0, &rep, &n),
                     PX_EDOMAIN);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "latin1.csv:latin1: encoding 'LATIN-99' is not one"));
    assert_int_equal(count(s, "services"), 2);
    px_store_close(s);
}

static void test_px_layerdef_read_json_unknown_key_names_file(void **state)
{
    fx *f = *state;
    char *path =
        write_def(f, "typo.json", "{\"layers\": {\"roads\": {\"source\": \"a\", \"filter\": \"x\"}}}\n");
    px_layerdef *def = NULL;
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_EDOMAIN);
    /* jansson keeps no value positions: the file, not a line, is named. */
    char want[600];
    snprintf(want, sizeof want, "%s: unknown key 'filter' in a source of layer 'roads'", path);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), want));
    free(path);
}


static void test_px_layerdef_read_yaml_second_document_refused(void **state)
{
    fx *f = *state;
    char *path = write_def(f, "two.yaml",
                           "layers:\n"
                           "  communes: {source: a.geojson}\n"
                           "---\n"
                           "layers:\n"
                           "  roads: {source: b.geojson}\n");
    px_layerdef *def = NULL;
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_EPARSE);
    assert_null(def);
    char want[600];
    snprintf(want, sizeof want, "%s:3: a second YAML document: a layer definition is one document", path);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), want));
    free(path);
}

static void test_px_layerdef_read_yaml_alias_fanout_bounded(void **state)
{
    fx *f = *state;
    /* 6 levels of 10 aliases: 10^6 values once expanded (1.3 GB before the bound). */
    char text[2048] = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 6; i++) {
        char line[200];
        snprintf(line, sizeof line, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i,
                 i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
        strcat(text, line);
    }
    strcat(text, "layers: {}\n");
    char *path = write_def(f, "bomb.yaml", text);
    px_layerdef *def = NULL;
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_EPARSE);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "expands to more than 100000 values once aliases are followed"));
    free(path);
    /* Four levels (10^4 values) are fine as far as the parser goes: the
     * unknown top-level key is what is refused then. */
    char *end = strstr(text, "a4:");
    strcpy(end, "layers: {}\n");
    path = write_def(f, "small.yaml", text);
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_EDOMAIN);
    assert_null(strstr(px_ctx_errmsg(f->ctx), "expands to more than"));
    free(path);
}

static void test_px_layerdef_read_numbers_range_checked(void **state)
{
    fx *f = *state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"layers:\n  flood_zones:\n    source: a.geojson\n    buffer_m: 1e300\n",
         ":4: buffer_m: '1e300' is not a number of metres from 0 (excluded) to 10000"},
        {"layers:\n  flood_zones:\n    source: a.geojson\n    buffer_m: 10001\n",
         ":4: buffer_m: '10001' is not a number of metres"},
        {"layers:\n  population:\n    source: a.geojson\n    distribute:\n      total: communes.population\n"
         "      factor: {field: b, map: {house: 1, yes: -2}}\n",
         "distribute: factor for 'yes': '-2' is not a number from 0 to 1e6"},
        {"layers:\n  population:\n    source: a.geojson\n    distribute:\n      total: communes.population\n"
         "      factor: {field: b, map: {house: 1}, default: .inf}\n",
         "distribute: factor default '.inf' is not a number from 0 to 1e6"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = write_def(f, "num.yaml", cases[i].text);
        px_layerdef *def = NULL;
        assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_EDOMAIN);
        if (!strstr(px_ctx_errmsg(f->ctx), cases[i].want))
            fail_msg("case %zu: '%s' lacks '%s'", i, px_ctx_errmsg(f->ctx), cases[i].want);
        free(path);
    }
    /* 10 km is the largest buffer. */
    char *path = write_def(f, "ok.yaml", "layers:\n  flood_zones:\n    source: a.geojson\n    buffer_m: 10000\n");
    px_layerdef *def = NULL;
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_OK);
    px_layerdef_free(def);
    free(path);
}

static void test_px_load_empty_layer_kept_unless_allowed(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    assert_int_equal(load_text(f, s, "layers:\n  communes:\n    source: @F/communes2.geojson\n", 0, &rep, &n),
                     PX_OK);
    free(rep);
    /* A filter that matches nothing would empty the layer: refused. */
    const char *none = "layers:\n  communes:\n    source: @F/communes2.geojson\n    where: \"code = 'none'\"\n";
    assert_int_equal(load_text(f, s, none, 0, &rep, &n), PX_EDOMAIN);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "layer 'communes' would be left empty (0 read, 0 rejected)"));
    assert_int_equal(count(s, "communes"), 3);
    /* Asked for: emptied. */
    char *path = write_def(f, "def.yaml", none);
    px_layerdef *def = NULL;
    assert_int_equal(px_layerdef_read(f->ctx, path, &def), PX_OK);
    px_load_options o = {.allow_empty = 1};
    assert_int_equal(px_load(f->ctx, s, def, &o, &rep, &n), PX_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rep[0].n_loaded, 0);
    free(rep);
    assert_int_equal(count(s, "communes"), 0);
    /* --allow-empty with --strict: the empty layer is thin data, a failure. */
    assert_int_equal(load_text(f, s, "layers:\n  communes:\n    source: @F/communes2.geojson\n", 0, &rep, &n),
                     PX_OK);
    free(rep);
    o.strict = 1;
    assert_int_equal(px_load(f->ctx, s, def, &o, &rep, &n), PX_EREJECTED);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "thin-data warning(s) and --strict was asked"));
    assert_int_equal(count(s, "communes"), 3);
    px_layerdef_free(def);
    free(path);
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
        cmocka_unit_test_setup_teardown(test_px__resolve_path_cases, setup, teardown),
        cmocka_unit_test(test_px__utf8_valid_cases),
        cmocka_unit_test_setup_teardown(test_px_layerdef_read_json_unknown_key_names_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_repairs_and_rejects_with_reasons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_value_map_rejects_unmapped_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_value_map_key_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_strict_leaves_store_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_missing_field_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_source_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_non_utf8_rejected_or_recoded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_layerdef_read_yaml_second_document_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_layerdef_read_yaml_alias_fanout_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_layerdef_read_numbers_range_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_empty_layer_kept_unless_allowed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
