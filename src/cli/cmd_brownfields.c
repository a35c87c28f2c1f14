/* `proxima brownfields PROJECT --scenario FILE`: Mutafriches-like scoring
 * and ranking of brownfield sites for several future uses. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

const char px_usage_brownfields[] =
    "Usage: proxima brownfields PROJECT --scenario FILE.yaml [-o DIR] [--minutes M]\n"
    "                           [--max-minutes M] [--transit-category C]\n\n"
    "Score every site of the `brownfields` layer for each use of the scenario\n"
    "(see layers/scenarios/README.md): each criterion's raw value is rated +2, +1,\n"
    "+0.5, -1 or -2 by its thresholds and weighted 0.5, 1 or 2; per use the index is\n"
    "advantages / (advantages + constraints) x 100 and the reliability criteria\n"
    "filled / criteria x 10; exclusion rules name the rule that excluded a site.\n"
    "Spatial criteria are computed from the project: area, flood shares per class,\n"
    "distances to cycle routes and transit stops (--transit-category, default\n"
    "transit), network minutes to each service category from the site's access\n"
    "point (capped at --max-minutes, default 60), quarter-hour scores (--minutes,\n"
    "default 15), commune equity deficit (run `proxima equity` first), and the\n"
    "inventory's columns and props.KEY attributes.\n"
    "Writes brownfield_sites and brownfield_scores; with -o DIR also\n"
    "brownfield_sites.geojson, brownfield_sites.csv and brownfield_scores.csv\n"
    "(breakdown per criterion). Same input, same files, byte for byte.\n"
    "Prints the best use of each site, best first, on stdout.\n\n"
    "Example:\n  proxima brownfields demo.sqlite --scenario layers/scenarios/mutafriches-like.yaml -o out/\n";

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
    const char *path = NULL, *outdir = NULL, *scenario = NULL, *v = NULL;
    px_bf_options o = {0};
    int rc = PX_EXIT_OK;
    for (int i = 1; i < argc && rc == PX_EXIT_OK; i++) {
        int m;
        if ((m = px_cli_opt(argc, argv, &i, "-o", &v)) != 0 ||
            (m = px_cli_opt(argc, argv, &i, "--output", &v)) != 0) {
            if (m < 0) rc = px_cli_usage_error("brownfields", "-o needs a DIR");
            outdir = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--scenario", &v)) != 0) {
            if (m < 0) rc = px_cli_usage_error("brownfields", "--scenario needs a FILE");
            scenario = v;
        } else if (px_cli_opt_positive(argc, argv, &i, "brownfields", "--minutes", "a number", &o.threshold_min, &rc)) {
            continue; /* value stored, or rc set to the usage error */
        } else if (px_cli_opt_positive(argc, argv, &i, "brownfields", "--max-minutes", "a number", &o.max_minutes, &rc)) {
            continue; /* value stored, or rc set to the usage error */
        } else if ((m = px_cli_opt(argc, argv, &i, "--transit-category", &v)) != 0) {
            if (m < 0) rc = px_cli_usage_error("brownfields", "--transit-category needs a name");
            o.transit_category = v;
        } else if (argv[i][0] == '-') {
            rc = px_cli_usage_error("brownfields", "unknown option '%s'", argv[i]);
        } else if (!path) {
            path = argv[i];
        } else {
            rc = px_cli_usage_error("brownfields", "unexpected argument '%s'", argv[i]);
        }
    }
    if (rc == PX_EXIT_OK && !path) rc = px_cli_usage_error("brownfields", "missing PROJECT");
    if (rc == PX_EXIT_OK && !scenario) rc = px_cli_usage_error("brownfields", "missing --scenario FILE");
    px_bf_scenario *sc = NULL;
    px_status st = PX_OK;
    if (rc == PX_EXIT_OK && (st = px_bf_scenario_read(cli->ctx, scenario, &sc)) != PX_OK)
        rc = px_cli_fail(cli, st);
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
    return rc;
}
