/* `proxima cycle PROJECT`: traffic stress, coverage, low-stress connectivity,
 * islands, missing links and what-if with planned links. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char px_usage_cycle[] =
    "Usage: proxima cycle PROJECT [options]\n"
    "       proxima cycle --rules\n\n"
    "Cycle network planning on the project's network (run `proxima network` first),\n"
    "population, services and communes:\n"
    "  - level of traffic stress (LTS 1-4) of every bikeable edge, from the road tags\n"
    "    by a rule table (`--rules` lists it)             -> table net_edge_lts\n"
    "  - low-stress islands (components of LTS <= 2)       -> cycle_islands\n"
    "  - residents within 300 m (network) of a cycle route, route length per class\n"
    "    (track, lane, shared, path) per commune            -> cycle_coverage\n"
    "  - low-stress connectivity (Bicycle Network Analysis style): per origin, the share\n"
    "    of destinations within 2,680 m reachable on LTS <= 2 within 1.25x the shortest\n"
    "    route, per category, weighted     -> cycle_connectivity(_origins)\n"
    "  - missing links ranked by benefit per km              -> cycle_missing_links\n"
    "  - with --add-links, per-commune deltas                -> cycle_whatif\n\n"
    "Options:\n"
    "  --coverage-m M      coverage distance [300]\n"
    "  --distance-m M      biking distance for connectivity [2680]\n"
    "  --detour R          low-stress route at most R x the shortest [1.25]\n"
    "  --max-lts N         highest LTS counted as low stress [2]\n"
    "  --gap-m M           longest straight gap proposed as a new link [200]\n"
    "  --top N             missing links to rank [20]\n"
    "  --snap-m M          farthest a resident or service may be from the network [500]\n"
    "  --threads N         threads for connectivity [2]\n"
    "  --weight CAT=W      weight of a destination category (repeatable) [1 each]\n"
    "  --add-links FILE    planned links (lines, any GDAL vector file) for a what-if\n"
    "  --links-geojson F   also write the ranked missing links to F (GeoJSON)\n\n"
    "Prints a summary on stdout. Exit 0 ok, 1 runtime error, 2 usage error.\n\n"
    "Example:\n  proxima cycle demo.sqlite --top 10 --add-links plan.geojson\n";

#define MAX_WEIGHTS 32

static int print_rules(px_cli *cli)
{
    char line[256];
    for (size_t i = 0; i < px_lts_n_rules(); i++) {
        px_status st = px_lts_rule_describe(cli->ctx, i, line, sizeof line);
        if (st != PX_OK) return px_cli_fail(cli, st);
        printf("%2zu %s\n", i + 1, line);
    }
    return PX_EXIT_OK;
}

/* "--name VALUE" as a number > 0 (or >= 0 when zero_ok). 1 matched, 0 not, -1 bad. */
static int opt_num(int argc, char **argv, int *i, const char *name, double *out)
{
    const char *v = NULL;
    int m = px_cli_opt(argc, argv, i, name, &v);
    if (m == 0) return 0;
    if (m < 0 || px_cli_parse_double(v, out) || !(*out > 0)) return -1;
    return 1;
}

int cmd_cycle(px_cli *cli, int argc, char **argv)
{
    const char *path = NULL, *geojson = NULL, *v = NULL;
    px_cycle_options o = {0};
    const char *wnames[MAX_WEIGHTS];
    double wvals[MAX_WEIGHTS];
    char *wbuf[MAX_WEIGHTS];
    int rules = 0;
    for (int i = 1; i < argc; i++) {
        int m;
        double d = 0;
        if (!strcmp(argv[i], "--rules"))
            rules = 1;
        else if ((m = opt_num(argc, argv, &i, "--coverage-m", &o.coverage_m)) != 0) {
            if (m < 0) return px_cli_usage_error("cycle", "--coverage-m needs a distance > 0 in metres");
        } else if ((m = opt_num(argc, argv, &i, "--distance-m", &o.bike_distance_m)) != 0) {
            if (m < 0) return px_cli_usage_error("cycle", "--distance-m needs a distance > 0 in metres");
        } else if ((m = opt_num(argc, argv, &i, "--detour", &o.detour_ratio)) != 0) {
            if (m < 0 || o.detour_ratio < 1)
                return px_cli_usage_error("cycle", "--detour needs a ratio >= 1");
        } else if ((m = opt_num(argc, argv, &i, "--gap-m", &o.gap_m)) != 0) {
            if (m < 0) return px_cli_usage_error("cycle", "--gap-m needs a distance > 0 in metres");
        } else if ((m = opt_num(argc, argv, &i, "--snap-m", &o.snap_m)) != 0) {
            if (m < 0) return px_cli_usage_error("cycle", "--snap-m needs a distance > 0 in metres");
        } else if ((m = opt_num(argc, argv, &i, "--max-lts", &d)) != 0) {
            if (m < 0 || d != (int)d || d > 4)
                return px_cli_usage_error("cycle", "--max-lts needs 1, 2, 3 or 4");
            o.max_low_stress = (int)d;
        } else if ((m = opt_num(argc, argv, &i, "--top", &d)) != 0) {
            if (m < 0 || d != (int)d || d > 10000)
                return px_cli_usage_error("cycle", "--top needs a whole number 1..10000");
            o.top_links = (int)d;
        } else if ((m = opt_num(argc, argv, &i, "--threads", &d)) != 0) {
            if (m < 0 || d != (int)d || d > 64)
                return px_cli_usage_error("cycle", "--threads needs a whole number 1..64");
            o.threads = (int)d;
        } else if ((m = px_cli_opt(argc, argv, &i, "--weight", &v)) != 0) {
            const char *eq = m > 0 ? strchr(v, '=') : NULL;
            double w = 0;
            if (!eq || eq == v || px_cli_parse_double(eq + 1, &w) || w < 0)
                return px_cli_usage_error("cycle", "--weight needs CATEGORY=WEIGHT (a number >= 0)");
            if (o.n_weights == MAX_WEIGHTS)
                return px_cli_usage_error("cycle", "at most %d --weight options", MAX_WEIGHTS);
            wvals[o.n_weights] = w;
            wbuf[o.n_weights] = NULL;
            wnames[o.n_weights++] = v; /* cut at '=' below, once parsing is done */
        } else if ((m = px_cli_opt(argc, argv, &i, "--add-links", &v)) != 0) {
            if (m < 0) return px_cli_usage_error("cycle", "--add-links needs a FILE");
            o.add_links = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--links-geojson", &v)) != 0) {
            if (m < 0) return px_cli_usage_error("cycle", "--links-geojson needs a FILE");
            geojson = v;
        } else if (argv[i][0] == '-') {
            return px_cli_usage_error("cycle", "unknown option '%s'", argv[i]);
        } else if (!path)
            path = argv[i];
        else
            return px_cli_usage_error("cycle", "unexpected argument '%s'", argv[i]);
    }
    if (rules) return print_rules(cli);
    if (!path) return px_cli_usage_error("cycle", "missing PROJECT");

    int rc = PX_EXIT_OK;
    for (size_t k = 0; k < o.n_weights; k++) {
        size_t n = (size_t)(strchr(wnames[k], '=') - wnames[k]);
        wbuf[k] = malloc(n + 1);
        if (!wbuf[k]) {
            fprintf(stderr, "proxima: cycle: out of memory\n");
            o.n_weights = k;
            rc = PX_EXIT_RUNTIME;
            goto done;
        }
        memcpy(wbuf[k], wnames[k], n);
        wbuf[k][n] = '\0';
        wnames[k] = wbuf[k];
    }
    o.weight_names = wnames;
    o.weight_values = wvals;

    px_store *store = px_cli_open_store(cli, path, 0);
    if (!store) {
        rc = PX_EXIT_RUNTIME;
        goto done;
    }
    px_cycle_report r;
    px_status st = px_cycle_run(cli->ctx, store, &o, &r);
    if (st == PX_OK && geojson) st = px_export(cli->ctx, store, "cycle_missing_links", geojson, NULL);
    px_store_close(store);
    if (st != PX_OK) {
        rc = px_cli_fail(cli, st);
        goto done;
    }
    printf("edges %lld: LTS 1 %lld, LTS 2 %lld, LTS 3 %lld, LTS 4 %lld, not bikeable %lld\n",
           (long long)r.n_edges, (long long)r.n_lts[1], (long long)r.n_lts[2], (long long)r.n_lts[3],
           (long long)r.n_lts[4], (long long)r.n_lts[0]);
    printf("low-stress islands %lld\n", (long long)r.n_islands);
    printf("residents %.0f, covered %.0f (%.1f%%)\n", r.population, r.covered_population,
           r.population > 0 ? 100.0 * r.covered_population / r.population : 0.0);
    printf("destinations %lld in %lld categories\n", (long long)r.n_destinations, (long long)r.n_categories);
    if (r.score >= 0)
        printf("connectivity score %.1f\n", r.score);
    else
        printf("connectivity score n/a (no destination within reach)\n");
    printf("missing links ranked %lld\n", (long long)r.n_links);
    if (o.add_links)
        printf("what-if: %lld planned links, connectivity %.1f -> %.1f, covered %.0f -> %.0f\n",
               (long long)r.n_added, r.score, r.score_whatif, r.covered_population, r.covered_whatif);
    px_cli_info(cli, "cycle: connectivity %.2f s (CPU %.2f s), missing links %.2f s (CPU %.2f s)\n",
                r.seconds_connectivity, r.cpu_seconds_connectivity, r.seconds_links, r.cpu_seconds_links);
done:
    for (size_t k = 0; k < o.n_weights; k++)
        free(wbuf[k]);
    return rc;
}
