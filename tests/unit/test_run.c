/* Unit tests of the run module: reading scenarios (values, exact error
 * text), the step plan (order and dependencies), hashing of shapefile
 * siblings, and px_run / px_runs_list / px_runs_compare end to end on the
 * two-island fixture (tests/fixtures/run/good.yaml). */
#include "helpers/px_test.h"
#include "run/run_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static px_ctx *ctx;

static int setup(void **state)
{
    (void)state;
    return px_ctx_new(&ctx) == PX_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    px_ctx_free(ctx);
    return 0;
}

#define FIX(name) PX_SOURCE_DIR "/tests/fixtures/run/" name

static int ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && !strcmp(s + a - b, tail);
}

static void test_px_scenario_read_good(void **state)
{
    (void)state;
    px_scenario *sc = NULL;
    assert_int_equal(px_scenario_read(ctx, FIX("good.yaml"), &sc), PX_OK);
    assert_string_equal(px_scenario_name(sc), "good");
    assert_string_equal(sc->crs, "EPSG:2154");
    assert_string_equal(sc->project, "p.sqlite");
    assert_string_equal(sc->output, "out/good"); /* default: out/<name> */
    assert_int_equal(sc->layers.n, 1);
    assert_true(ends_with(sc->layers.v[0], "/run/../cycle/two-islands.yaml"));
    assert_true(sc->has_network && sc->has_access && sc->has_cycle);
    assert_false(sc->has_equity || sc->has_flood || sc->has_brownfields);
    px_assert_near(sc->access.minutes, 15, 0);
    assert_int_equal(sc->access.modes, 3u);
    assert_true(ends_with(sc->cycle.add_links, "/cycle/plan.geojson"));
    assert_int_equal(sc->n_exports, 2);
    assert_string_equal(sc->exports[1].table, "access_communes");
    assert_string_equal(sc->exports[1].file, "access_communes.geojson");
    assert_int_equal(strlen(sc->sha256), 64);
    px_scenario_free(sc);
}

static void test_px_scenario_read_unknown_key(void **state)
{
    (void)state;
    px_scenario *sc = NULL;
    assert_int_equal(px_scenario_read(ctx, FIX("bad-key.yaml"), &sc), PX_EDOMAIN);
    assert_null(sc);
    assert_string_equal(
        px_ctx_errmsg(ctx),
        FIX("bad-key.yaml") ":9: unknown key 'minuts' in analyses.access "
                            "(known keys: modes, minutes, cutoff_minutes, nth, categories, snap_m, "
                            "threads)");
}

static void test_px_scenario_read_bad_values(void **state)
{
    (void)state;
    px_scenario *sc = NULL;
    assert_int_equal(px_scenario_read(ctx, FIX("bad-value.yaml"), &sc), PX_EDOMAIN);
    assert_string_equal(px_ctx_errmsg(ctx),
                        FIX("bad-value.yaml") ":9: 'minutes' in analyses.access must be a "
                                              "number above 0 and at most 240 (got '-5')");
    /* With the print module the report output exists and its keys are
     * checked; without it the output is refused as a whole. */
    assert_int_equal(px_scenario_read(ctx, FIX("bad-report.yaml"), &sc), PX__HAVE_PRINT ? PX_EDOMAIN : PX_EUNSUPPORTED);
    assert_string_equal(px_ctx_errmsg(ctx),
                        PX__HAVE_PRINT ? FIX("bad-report.yaml") ":13: unknown key 'html' in outputs.report (known keys: "
                                                                "dir, title, compare, styles, top_sites)"
                                       : FIX("bad-report.yaml") ":13: output 'report' is not available in this build");
    assert_int_equal(px_scenario_read(ctx, FIX("bad-syntax.yaml"), &sc), PX_EPARSE);
    assert_int_equal(px_scenario_read(ctx, FIX("no-such.yaml"), &sc), PX_EIO);
    assert_null(sc);
}

static void test_px__plan_build_order_and_deps(void **state)
{
    (void)state;
    px_scenario *sc = NULL;
    px__plan plan = {0};
    assert_int_equal(px_scenario_read(ctx, FIX("good.yaml"), &sc), PX_OK);
    assert_int_equal(px__plan_build(ctx, sc, &plan), PX_OK);
    static const char *const ids[] = {
        "load", "network", "access", "cycle", "export communes.geojson", "export access_communes.geojson"};
    assert_int_equal(plan.n, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(plan.steps[i].id, ids[i]);
    /* network <- load; access, cycle <- network; exports <- their writer. */
    assert_int_equal(plan.steps[1].n_deps, 1);
    assert_int_equal(plan.steps[1].deps[0], 0);
    assert_int_equal(plan.steps[2].deps[0], 1);
    assert_int_equal(plan.steps[3].deps[0], 1);
    assert_int_equal(plan.steps[4].deps[0], 0);
    assert_int_equal(plan.steps[5].deps[0], 2);
    /* load hashes the definition and its four sources; cycle the plan file. */
    assert_int_equal(plan.steps[0].files.n, 5);
    assert_int_equal(plan.steps[3].files.n, 1);
    assert_non_null(strstr(plan.steps[2].params, "\"minutes\":15"));
    px__plan_clear(&plan);
    px_scenario_free(sc);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void hash_of(const char *path, char *out)
{
    px__hash *h = px__hash_new();
    assert_non_null(h);
    assert_int_equal(px__hash_path(ctx, h, path), PX_OK);
    px__hash_final(h, out);
}

static void test_px__hash_path_shapefile_siblings(void **state)
{
    (void)state;
    char *dir = px_test_tmpdir("run-hash");
    char *shp = px_test_path(dir, "zones.shp"), *dbf = px_test_path(dir, "zones.dbf");
    char *other = px_test_path(dir, "other.dbf");
    write_file(shp, "geometry");
    write_file(dbf, "attributes");
    write_file(other, "unrelated");
    char h1[65], h2[65], h3[65];
    hash_of(shp, h1);
    write_file(other, "changed, but not a sibling");
    hash_of(shp, h2);
    assert_string_equal(h1, h2);
    write_file(dbf, "attributes changed");
    hash_of(shp, h3);
    assert_string_not_equal(h1, h3);
    px__hash *h = px__hash_new();
    assert_int_equal(px__hash_path(ctx, h, "/no/such/file.geojson"), PX_EIO);
    px__hash_final(h, h3);
    free(shp);
    free(dbf);
    free(other);
    free(dir);
}

static void test_px_run_records_and_compare(void **state)
{
    (void)state;
    char *dir = px_test_tmpdir("run-records");
    px_scenario *sc = NULL;
    assert_int_equal(px_scenario_read(ctx, FIX("good.yaml"), &sc), PX_OK);
    px_run_options o = {.name = "first", .output_dir = dir};
    px_run_report r;
    assert_int_equal(px_run(ctx, sc, &o, &r), PX_OK);
    assert_int_equal(r.n_steps, 6);
    assert_int_equal(r.n_ran, 6);
    o.name = "second";
    assert_int_equal(px_run(ctx, sc, &o, &r), PX_OK);
    assert_int_equal(r.n_ran, 0);
    assert_int_equal(r.n_unchanged, 6);
    o.force = 1;
    o.name = "forced";
    assert_int_equal(px_run(ctx, sc, &o, &r), PX_OK);
    assert_int_equal(r.n_ran, 6);

    px_store *store = NULL;
    assert_int_equal(px_store_open(ctx, r.project, 1, &store), PX_OK);
    px_run_info *runs = NULL;
    size_t n = 0;
    assert_int_equal(px_runs_list(ctx, store, &runs, &n), PX_OK);
    assert_int_equal(n, 3);
    assert_string_equal(runs[0].name, "first");
    assert_string_equal(runs[1].name, "second");
    assert_string_equal(runs[1].status, "ok");
    assert_int_equal(runs[1].n_ran, 0);
    assert_non_null(strstr(runs[0].headline, "cycle_plan.score"));
    px_run_infos_free(runs, n);
    px_run_change *c = NULL;
    assert_int_equal(px_runs_compare(ctx, store, "first", "forced", &c, &n), PX_OK);
    assert_int_equal(n, 0); /* the same computation twice: nothing changed */
    px_run_changes_free(c, n);
    assert_int_equal(px_runs_compare(ctx, store, "first", "nope", &c, &n), PX_ENOTFOUND);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "no run named 'nope' (runs: first, second, forced)"));
    px_store_close(store);
    px_scenario_free(sc);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_scenario_read_good),
        cmocka_unit_test(test_px_scenario_read_unknown_key),
        cmocka_unit_test(test_px_scenario_read_bad_values),
        cmocka_unit_test(test_px__plan_build_order_and_deps),
        cmocka_unit_test(test_px__hash_path_shapefile_siblings),
        cmocka_unit_test(test_px_run_records_and_compare),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
