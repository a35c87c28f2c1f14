/* `proxima flood PROJECT`: what lies in flood zones per commune and hazard
 * class, and (with --scenario) what closing the flooded edges does to
 * quarter-hour access. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char px_usage_flood[] =
    "Usage: proxima flood PROJECT [-o DIR] [--scenario LEVEL] [--mode walk|bike|both]\n"
    "                     [--categories C1,C2,...] [--minutes M] [--max-minutes M]\n\n"
    "Flood exposure per commune and hazard class (high, medium, low, any; classes\n"
    "exclusive by severity): residents, services per category, brownfield area and\n"
    "walk/bike network length inside the `flood_zones` layer. Hazard labels read:\n"
    "high/fort/tres fort, medium/moyen/modere, low/faible; others are skipped.\n"
    "With --scenario LEVEL (high, medium or low) the network edges touching a zone of\n"
    "that class or a more severe one are closed, and for each mode and category the\n"
    "minutes to the nearest service are recomputed (search cutoff --max-minutes,\n"
    "default 60): minutes lost per origin, residents cut off, residents who lose\n"
    "quarter-hour access (--minutes, default 15).\n"
    "Writes flood_exposure (and flood_scenario_origins, flood_scenario_communes);\n"
    "with -o DIR also flood_exposure.csv and .geojson (and the scenario CSVs).\n"
    "Prints on stdout the residents in zones of each class and, with --scenario,\n"
    "residents counted once each (not per mode and category): in the closed zones,\n"
    "losing quarter-hour access (all, and outside the zones), cut off outside the zones.\n\n"
    "Example:\n  proxima flood demo.sqlite -o out/ --scenario high\n";

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
    const char *path = NULL, *outdir = NULL, *v = NULL;
    px_flood_options o = {0};
    const char *cats[64];
    char *cat_buf = NULL;
    int rc = PX_EXIT_OK;
    for (int i = 1; i < argc && rc == PX_EXIT_OK; i++) {
        int m;
        if ((m = px_cli_opt(argc, argv, &i, "-o", &v)) != 0 ||
            (m = px_cli_opt(argc, argv, &i, "--output", &v)) != 0) {
            if (m < 0) rc = px_cli_usage_error("flood", "-o needs a DIR");
            outdir = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--scenario", &v)) != 0) {
            px_hazard h;
            if (m < 0 || px_hazard_parse(v, &h) != PX_OK)
                rc = px_cli_usage_error("flood", "--scenario needs high, medium or low");
            o.scenario = 1;
            o.level = h;
        } else if ((m = px_cli_opt(argc, argv, &i, "--mode", &v)) != 0) {
            px_mode md;
            if (m > 0 && !strcmp(v, "both"))
                o.modes = 0;
            else if (m > 0 && px_mode_lookup(v, &md) == PX_OK)
                o.modes = 1u << md;
            else
                rc = px_cli_usage_error("flood", "--mode needs walk, bike or both");
        } else if ((m = px_cli_opt(argc, argv, &i, "--categories", &v)) != 0) {
            free(cat_buf);
            cat_buf = m > 0 ? strdup(v) : NULL;
            o.n_categories = 0;
            char *save = NULL;
            for (char *t = cat_buf ? strtok_r(cat_buf, ",", &save) : NULL; t && o.n_categories < 64;
                 t = strtok_r(NULL, ",", &save))
                cats[o.n_categories++] = t;
            if (o.n_categories == 0)
                rc = px_cli_usage_error("flood", "--categories needs a comma-separated list");
            o.categories = cats;
        } else if (px_cli_opt_positive(argc, argv, &i, "flood", "--minutes", "a number", &o.threshold_min, &rc)) {
            continue; /* value stored, or rc set to the usage error */
        } else if (px_cli_opt_positive(argc, argv, &i, "flood", "--max-minutes", "a number", &o.max_minutes, &rc)) {
            continue; /* value stored, or rc set to the usage error */
        } else if (argv[i][0] == '-') {
            rc = px_cli_usage_error("flood", "unknown option '%s'", argv[i]);
        } else if (!path) {
            path = argv[i];
        } else {
            rc = px_cli_usage_error("flood", "unexpected argument '%s'", argv[i]);
        }
    }
    if (rc == PX_EXIT_OK && !path) rc = px_cli_usage_error("flood", "missing PROJECT");
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
    free(cat_buf);
    return rc;
}
