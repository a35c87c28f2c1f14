/*
 * Unit tests of px_load beyond the basics (see test_io.c): attribute joins,
 * the population proxy (totals from the same load or an earlier one),
 * reprojection checked against PROJ directly, buffers, dissolve, points on
 * surface, SQL sources, encodings GDAL knows, cancellation. Expected values
 * are worked out by hand in comments.
 */
#include "io_fixture.h"

static void test_px_load_join_fills_columns(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    assert_int_equal(
        load_text(
            f, s,
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
        if (!strcmp(id, "A"))
            assert_true(fabs(px_table_reader_real(r, 1) - 1234) < 1e-9), seen++;
        else if (!strcmp(id, "B"))
            assert_true(fabs(px_table_reader_real(r, 1) - 55) < 1e-9), seen++;
        else
            assert_true(px_table_reader_is_null(r, 1)), seen++;
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
    assert_int_equal(
        load_text(f, s,
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
        if (!strcmp(id, "house") && c > 100)
            house_n = c;
        else if (!strcmp(id, "house"))
            house_s = c;
        else if (!strcmp(id, "apartments"))
            apart = c;
        else if (!strcmp(id, "yes"))
            yes = c;
        else if (!strcmp(id, "E"))
            e = c;
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

static void test_px_load_population_proxy_totals_from_earlier_load(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    const char *pop = "layers:\n  population:\n    source: @F/buildings.geojson\n"
                      "    distribute: {total: communes.population}\n";
    /* No communes yet: the proxy has nothing to share out. */
    assert_int_equal(load_text(f, s, pop, 0, &rep, &n), PX_ENOTFOUND);
    assert_non_null(
        strstr(px_ctx_errmsg(f->ctx), "buildings.geojson: distribute: layer 'communes' is not loaded"));
    assert_false(px_store_has_table(s, "population"));
    assert_int_equal(load_text(f, s,
                               "layers:\n  communes:\n    source: @F/communes2.geojson\n"
                               "    fields: {population: pop}\n",
                               0, &rep, &n),
                     PX_OK);
    free(rep);
    /* Now a population-only definition uses the stored totals. Without a
     * factor every footprint weighs its area: North (1000) over house 100,
     * apartments 200, church 900, yes 200 m2 = 1400 m2. */
    assert_int_equal(load_text(f, s, pop, 0, &rep, &n), PX_OK);
    assert_int_equal(rep[0].n_loaded, 6); /* 4 in North, 1 in South, E's single point */
    free(rep);
    const char *cols[] = {"count", NULL};
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, "population", cols, 0, NULL, &r), PX_OK);
    int has = 0;
    double sum = 0, church = 0;
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        double c = px_table_reader_real(r, 0);
        sum += c;
        if (fabs(c - 1000.0 * 900 / 1400) < 1e-9) church = c;
    }
    px_table_reader_close(r);
    assert_true(church > 0);
    assert_true(fabs(sum - 1097) < 1e-9);
    px_store_close(s);
}

static void test_px_load_reprojects_with_proj(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    assert_int_equal(load_text(f, s, "layers:\n  communes:\n    source: @F/wgs84.geojson\n", 0, &rep, &n),
                     PX_OK);
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
    assert_int_equal(
        load_text(f, s,
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
    assert_true(find_row(f, s, "flood_zones", "id", "both", "props", text, sizeof text, &both));
    assert_string_equal(text, "{\"dissolved_features\":2}");
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

static void test_px_load_shapefile_encoding_known_to_gdal(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    /* places.dbf holds Latin-1 bytes and places.cpg says ISO-8859-1: GDAL
     * recodes, no `encoding:` needed, nothing rejected. */
    assert_int_equal(load_text(f, s,
                               "layers:\n  services:\n    source: @F/latin1-shp/places.shp\n"
                               "    fields: {category: {value: test}}\n",
                               0, &rep, &n),
                     PX_OK);
    assert_int_equal(rep[0].n_loaded, 2);
    assert_int_equal(rep[0].n_rejected, 0);
    free(rep);
    char text[64];
    double area;
    assert_true(find_row(f, s, "services", "id", "1", "name", text, sizeof text, &area));
    assert_string_equal(text, "Z\xc3\xbcrich Stra\xc3\x9f"
                              "e");
    px_store_close(s);
}

static void test_px_load_sql_with_sqlite_dialect(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    /* pop >= 100: A (100), B (200), F (300); pop * 2 lands in population. */
    assert_int_equal(
        load_text(f, s,
                  "layers:\n  communes:\n    source: @F/zones.geojson\n"
                  "    sql: \"SELECT code AS id, name, pop * 2 AS population, geometry FROM zones"
                  " WHERE pop >= 100\"\n"
                  "    dialect: SQLite\n",
                  0, &rep, &n),
        PX_OK);
    assert_int_equal(rep[0].n_read, 3);
    assert_int_equal(rep[0].n_loaded, 3);
    free(rep);
    px_table_reader *r = NULL;
    const char *cols[] = {"id", "population", NULL};
    assert_int_equal(px_store_reader_open(s, "communes", cols, 0, NULL, &r), PX_OK);
    int has = 0;
    double sum = 0;
    while (px_table_reader_next(r, &has) == PX_OK && has)
        sum += px_table_reader_real(r, 1);
    px_table_reader_close(r);
    assert_true(fabs(sum - 1200) < 1e-9);
    px_table_info *info = NULL;
    assert_int_equal(px_store_table_info(s, "communes", &info), PX_OK);
    assert_non_null(strstr(info->filter, "WHERE pop >= 100"));
    px_table_info_free(info, 1);
    px_store_close(s);
}

static void test_px_load_cancelled_leaves_store_unchanged(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    px_load_report *rep = NULL;
    size_t n = 0;
    assert_int_equal(load_text(f, s, "layers:\n  communes:\n    source: @F/communes2.geojson\n", 0, &rep, &n),
                     PX_OK);
    free(rep);
    px_ctx_cancel(f->ctx);
    assert_int_equal(load_text(f, s, "layers:\n  communes:\n    source: @F/zones.geojson\n", 0, &rep, &n),
                     PX_ECANCELLED);
    assert_int_equal(count(s, "communes"), 3);
    px_store_close(s);
}

typedef struct progress_seen {
    int calls;
    uint64_t last_done;
    char last_stage[64];
} progress_seen;

static int progress_sink(void *user, const char *stage, uint64_t done, uint64_t total)
{
    progress_seen *p = user;
    (void)total;
    p->calls++;
    p->last_done = done;
    snprintf(p->last_stage, sizeof p->last_stage, "%s", stage);
    return 0;
}

static void test_px_load_reports_progress_per_layer(void **state)
{
    fx *f = *state;
    px_store *s = new_store(f, "EPSG:32632");
    progress_seen seen = {0};
    px_ctx_set_progress(f->ctx, progress_sink, &seen);
    px_load_report *rep = NULL;
    size_t n = 0;
    assert_int_equal(load_text(f, s, "layers:\n  communes:\n    source: @F/zones.geojson\n", 0, &rep, &n),
                     PX_OK);
    free(rep);
    /* Once before reading and once at the end of the source: 8 features. */
    assert_int_equal(seen.calls, 2);
    assert_string_equal(seen.last_stage, "load communes");
    assert_int_equal(seen.last_done, 8);
    px_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_px_load_join_fills_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_population_proxy_sums_to_totals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_population_proxy_totals_from_earlier_load, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_px_load_reprojects_with_proj, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_buffer_dissolve_and_point_on_surface, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_shapefile_encoding_known_to_gdal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_sql_with_sqlite_dialect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_cancelled_leaves_store_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_load_reports_progress_per_layer, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
