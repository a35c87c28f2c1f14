/* `proxima flood PROJECT`: what lies in flood zones per commune and hazard
 * class, and (with --hazard, the flood scenario) what closing the flooded edges does to
 * quarter-hour access. */
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const px_opt flood_opts[] = {
    PX_OPT_OUTPUT("DIR", "also write the CSV and GeoJSON files to DIR, created when missing"),
    {"hazard", 0, PX_OPT_TEXT, "LEVEL", .choices = "high,medium,low",
     .help = "flood scenario: close the edges in zones of this hazard class or a more severe one"},
    PX_OPT_MODES,
    PX_OPT_CATEGORIES,
    PX_OPT_MINUTES("15"),
    PX_OPT_MAX_MINUTES("60", "scenario: search cutoff for the minutes lost"),
    PX_OPT_SNAP_M,
    {0}};

const px_cmd_spec px_spec_flood = {
    .name = "flood",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = flood_opts,
    .about = "Flood exposure per commune and hazard class (high, medium, low, any; classes\n"
             "exclusive by severity): residents, services per category, brownfield area and\n"
             "walk/bike network length inside the `flood_zones` layer. Hazard labels read:\n"
             "high/fort/tres fort, medium/moyen/modere, low/faible; others are skipped.\n"
             "With --hazard LEVEL (the flood scenario) the network edges touching a zone of that class or a\n"
             "more severe one are closed, and for each mode and category the minutes to the\n"
             "nearest service are recomputed (search cutoff --max-minutes): minutes lost\n"
             "per origin, residents cut off, residents who lose quarter-hour access\n"
             "(--minutes).\n"
             "Writes flood_exposure (and flood_scenario_origins, flood_scenario_communes);\n"
             "with -o DIR also flood_exposure.csv and .geojson (and the scenario CSVs). The\n"
             "folder is checked before anything changes.\n"
             "Prints on stdout the residents in zones of each class and, with --hazard,\n"
             "residents counted once each (not per mode and category): in the closed zones,\n"
             "losing quarter-hour access (all, and outside the zones), cut off outside the zones.\n",
    .examples = "proxima flood demo.sqlite -o out/ --hazard high\n"
                "proxima flood demo.sqlite --hazard medium --modes walk --categories health\n",
};

static px_status write_files(px_cli *cli, px_store *store, const char *dir, int scenario)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/flood_exposure.csv", dir);
    px_status st = px_export(cli->ctx, store, "flood_exposure", path, &(px_export_options){.format = "CSV"});
    if (st == PX_OK) {
        snprintf(path, sizeof path, "%s/flood_exposure.geojson", dir);
        st = px_export(cli->ctx, store, "flood_exposure", path, NULL);
    }
    if (st == PX_OK && scenario) {
        snprintf(path, sizeof path, "%s/flood_scenario_communes.csv", dir);
        st = px_export(cli->ctx, store, "flood_scenario_communes", path, &(px_export_options){.format = "CSV"});
    }
    if (st == PX_OK && scenario) {
        snprintf(path, sizeof path, "%s/flood_scenario_origins.csv", dir);
        st = px_export(cli->ctx, store, "flood_scenario_origins", path, &(px_export_options){.format = "CSV"});
    }
    return st;
}

int cmd_flood(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_flood, argc, argv, &a);
    if (!a) return rc;
    px_flood_options o = {0};
    const char *const *cats = NULL;
    const char *path = px_args_pos(a, 0), *outdir = px_args_text(a, "output");
    if (px_args_given(a, "hazard")) {
        px_hazard h = PX_HAZARD_HIGH;
        px_hazard_parse(px_args_text(a, "hazard"), &h);
        o.scenario = 1;
        o.level = h;
    }
    o.modes = px_args_modes(a);
    o.n_categories = px_args_list(a, "categories", &cats);
    o.categories = o.n_categories ? cats : NULL;
    o.threshold_min = px_args_number(a, "minutes");
    o.max_minutes = px_args_number(a, "max-minutes");
    o.snap_max_m = px_args_number(a, "snap-m");
    if (outdir) rc = px_cli_output_dir("flood", outdir);
    px_store *store = rc == PX_EXIT_OK ? px_cli_open_store(cli, path, 0) : NULL;
    if (rc == PX_EXIT_OK && !store) rc = PX_EXIT_RUNTIME;
    px_graph *g = NULL;
    px_flood_report rep = {0};
    px_status st = PX_OK;
    /* The network is optional for the exposure alone: without one, the
     * network columns stay empty. */
    if (rc == PX_EXIT_OK && (o.scenario || px_store_has_table(store, "net_edges")))
        st = px_graph_load(cli->ctx, store, &g);
    if (rc == PX_EXIT_OK && st == PX_OK) st = px_flood_run(cli->ctx, store, g, &o, &rep);
    if (rc == PX_EXIT_OK && st == PX_OK && outdir) st = write_files(cli, store, outdir, o.scenario);
    if (rc == PX_EXIT_OK && st != PX_OK) rc = px_cli_fail(cli, st);
    if (rc == PX_EXIT_OK) {
        if (rep.n_zones_skipped)
            px_cli_info(cli, "flood: %zu zones skipped (unknown hazard label)\n", rep.n_zones_skipped);
        for (int c = 0; c <= PX_HAZARD_ANY; c++)
            printf("residents_in_%s_zones %.0f\n", px_hazard_name(c), rep.residents[c]);
        /* Residents are counted once each, whatever the modes and categories. */
        if (o.scenario)
            printf("scenario_closes %s_or_worse\nclosed_edges %zu\nresidents_in_closed_zones %.0f\n"
                   "residents_losing_quarter_hour %.0f\nresidents_losing_quarter_hour_outside_zones %.0f\n"
                   "residents_cut_off_outside_zones %.0f\norigin_mode_category_rows_changed %zu\n",
                   px_hazard_name((int)o.level), rep.n_closed_edges, rep.residents_in_closed_zones,
                   rep.residents_losing_qh, rep.residents_losing_qh_outside, rep.residents_cut_off_outside,
                   rep.n_origin_rows);
    }
    px_graph_free(g);
    px_store_close(store);
    px_args_free(a);
    return rc;
}
