/* `proxima brownfields PROJECT --scenario FILE`: Mutafriches-like scoring
 * and ranking of brownfield sites for several future uses. */
#include "opts.h"

#include <stdio.h>
#include <string.h>

static const px_opt brownfields_opts[] = {
    {"scenario", 0, PX_OPT_PATH, "FILE", .flags = PX_OPTF_REQUIRED,
     .help = "scenario YAML (uses, criteria, thresholds, exclusion rules)"},
    PX_OPT_OUTPUT("DIR", "also write the CSV and GeoJSON files to DIR, created when missing"),
    PX_OPT_MINUTES("15"),
    PX_OPT_MAX_MINUTES("60", "network times are capped here"),
    {"transit-category", 0, PX_OPT_TEXT, "C", .def = "transit", .help = "service category of transit stops"},
    PX_OPT_SNAP_M,
    {0}};

const px_cmd_spec px_spec_brownfields = {
    .name = "brownfields",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = brownfields_opts,
    .about = "Score every site of the `brownfields` layer for each use of the scenario\n"
             "(see layers/scenarios/README.md): each criterion's raw value is rated +2, +1,\n"
             "+0.5, -1 or -2 by its thresholds and weighted 0.5, 1 or 2; per use the index is\n"
             "advantages / (advantages + constraints) x 100 and the reliability criteria\n"
             "filled / criteria x 10; exclusion rules name the rule that excluded a site.\n"
             "Spatial criteria are computed from the project: area, flood shares per class,\n"
             "distances to cycle routes and transit stops (--transit-category), network\n"
             "minutes to each service category from the site's access point (snapped within\n"
             "--snap-m, capped at --max-minutes), quarter-hour scores (--minutes), commune\n"
             "equity deficit (run `proxima equity` first), and the inventory's columns and\n"
             "props.KEY attributes.\n"
             "Writes brownfield_sites and brownfield_scores; with -o DIR also\n"
             "brownfield_sites.geojson, brownfield_sites.csv and brownfield_scores.csv\n"
             "(breakdown per criterion); the folder is checked before anything changes.\n"
             "Same input, same files, byte for byte.\n"
             "Prints the best use of each site, best first, on stdout.\n",
    .examples = "proxima brownfields demo.sqlite --scenario layers/scenarios/mutafriches-like.yaml -o out/\n",
};

static px_status write_files(px_cli *cli, px_store *store, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/brownfield_sites.csv", dir);
    px_status st = px_export(cli->ctx, store, "brownfield_sites", path, &(px_export_options){.format = "CSV"});
    if (st == PX_OK) {
        snprintf(path, sizeof path, "%s/brownfield_scores.csv", dir);
        st = px_export(cli->ctx, store, "brownfield_scores", path, &(px_export_options){.format = "CSV"});
    }
    if (st == PX_OK) {
        snprintf(path, sizeof path, "%s/brownfield_sites.geojson", dir);
        st = px_export(cli->ctx, store, "brownfield_sites", path, NULL);
    }
    return st;
}

static void print_best(px_store *store)
{
    static const char *const cols[] = {"site_id", "best_use", "best_index", "uses_excluded", NULL};
    px_table_reader *r = NULL;
    if (px_store_reader_open(store, "brownfield_sites", cols, 0, NULL, &r) != PX_OK) return;
    printf("%-24s %-20s %8s %s\n", "site", "best_use", "index", "uses_excluded");
    int has = 0;
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        const char *best = px_table_reader_text(r, 1);
        printf("%-24s %-20s", px_table_reader_text(r, 0), best ? best : "(none)");
        if (px_table_reader_is_null(r, 2))
            printf(" %8s", "NA");
        else
            printf(" %8.2f", px_table_reader_real(r, 2));
        printf(" %lld\n", (long long)px_table_reader_int(r, 3));
    }
    px_table_reader_close(r);
}

int cmd_brownfields(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_brownfields, argc, argv, &a);
    if (!a) return rc;
    px_bf_options o = {0};
    const char *path = px_args_pos(a, 0), *outdir = px_args_text(a, "output");
    const char *scenario = px_args_text(a, "scenario");
    o.threshold_min = px_args_number(a, "minutes");
    o.max_minutes = px_args_number(a, "max-minutes");
    o.transit_category = px_args_text(a, "transit-category");
    o.snap_max_m = px_args_number(a, "snap-m");
    px_bf_scenario *sc = NULL;
    px_status st = PX_OK;
    if (rc == PX_EXIT_OK && (st = px_bf_scenario_read(cli->ctx, scenario, &sc)) != PX_OK)
        rc = px_cli_fail(cli, st);
    if (rc == PX_EXIT_OK && outdir) rc = px_cli_output_dir("brownfields", outdir);
    px_store *store = rc == PX_EXIT_OK ? px_cli_open_store(cli, path, 0) : NULL;
    if (rc == PX_EXIT_OK && !store) rc = PX_EXIT_RUNTIME;
    px_graph *g = NULL;
    px_bf_report rep = {0};
    /* Without a network the network criteria stay unfilled (lower
     * reliability), which is better than refusing to score. */
    if (rc == PX_EXIT_OK && px_store_has_table(store, "net_edges")) st = px_graph_load(cli->ctx, store, &g);
    if (rc == PX_EXIT_OK && st == PX_OK) st = px_brownfields_run(cli->ctx, store, g, sc, &o, &rep);
    if (rc == PX_EXIT_OK && st == PX_OK && outdir) st = write_files(cli, store, outdir);
    if (rc == PX_EXIT_OK && st != PX_OK) rc = px_cli_fail(cli, st);
    if (rc == PX_EXIT_OK) {
        px_cli_info(cli,
                    "brownfields: %zu sites, %zu (site, use) pairs excluded, %zu sites off the network\n",
                    rep.n_sites, rep.n_excluded, rep.n_unsnapped);
        print_best(store);
    }
    px_graph_free(g);
    px_store_close(store);
    px_bf_scenario_free(sc);
    px_args_free(a);
    return rc;
}
