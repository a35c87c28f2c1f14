/* `proxima cycle PROJECT`: traffic stress, coverage, low-stress connectivity,
 * islands, missing links and what-if with planned links. */
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const px_opt cycle_opts[] = {
    {"rules", 0, PX_OPT_FLAG, .help = "print the traffic stress rule table and exit"},
    {"coverage-m", 0, PX_OPT_NUMBER, "M", 0, 10000, PX_OPTF_GT_MIN, .def = "300",
     .help = "network distance to a cycle route that counts as covered, metres"},
    {"distance-m", 0, PX_OPT_NUMBER, "M", 0, 50000, PX_OPTF_GT_MIN, .def = "2680",
     .help = "biking distance for connectivity, metres"},
    {"detour", 0, PX_OPT_NUMBER, "R", 1, 10, .def = "1.25", .help = "low-stress route at most R x the shortest"},
    {"max-lts", 0, PX_OPT_INT, "N", 1, 4, .def = "2", .help = "highest LTS counted as low stress"},
    {"gap-m", 0, PX_OPT_NUMBER, "M", 0, 10000, PX_OPTF_GT_MIN, .def = "200",
     .help = "longest straight gap proposed as a new link, metres"},
    {"top", 0, PX_OPT_INT, "N", 1, 10000, .def = "20", .help = "missing links to rank"},
    PX_OPT_SNAP_M,
    PX_OPT_THREADS,
    {"weight", 0, PX_OPT_TEXT, "CAT=W", .flags = PX_OPTF_REPEAT,
     .help = "weight (a number in [0, 100]) of a destination category; others weigh 1"},
    {"add-links", 0, PX_OPT_PATH, "FILE", .help = "planned links (lines, any GDAL vector file) for a what-if"},
    {"links-geojson", 0, PX_OPT_PATH, "FILE",
     .help = "also write the ranked missing links to FILE (GeoJSON; folder created when missing)"},
    PX_OPT_PART,
    {0}};

const px_cmd_spec px_spec_cycle = {
    .name = "cycle",
    .args = "PROJECT",
    .n_args_min = 0,
    .n_args_max = 1,
    .opts = cycle_opts,
    .synopsis = "--rules",
    .about = "Cycle network planning on the project's network (run `proxima network` first),\n"
             "population, services and communes:\n"
             "  - level of traffic stress (LTS 1-4) of every bikeable edge, from the road tags\n"
             "    by a rule table (`--rules` lists it)             -> table net_edge_lts\n"
             "  - low-stress islands (components of LTS <= 2)       -> cycle_islands\n"
             "  - residents within --coverage-m (network) of a cycle route, route length per\n"
             "    class (track, lane, shared, path) per commune     -> cycle_coverage\n"
             "  - low-stress connectivity (Bicycle Network Analysis style): per origin, the share\n"
             "    of destinations within --distance-m reachable on LTS <= --max-lts within\n"
             "    --detour x the shortest route, per category, weighted\n"
             "                                       -> cycle_connectivity(_origins)\n"
             "  - missing links ranked by benefit per km              -> cycle_missing_links\n"
             "  - with --add-links, per-commune deltas                -> cycle_whatif\n"
             "Prints a summary on stdout. --links-geojson is checked before anything changes.\n"
             "With --part K/N, coverage and connectivity are computed for the residents of part\n"
             "K of the communes only (each part still reads the whole network: islands and\n"
             "links are network-wide) into cycle_part_K_of_N; the part that completes the set\n"
             "writes every table, identical to a whole run.\n",
    .examples = "proxima cycle demo.sqlite --top 10 --add-links plan.geojson\n"
                "proxima cycle demo.sqlite --weight school=2 --links-geojson out/links.geojson\n"
                "proxima cycle --rules\n",
};

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

int cmd_cycle(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_cycle, argc, argv, &a);
    if (!a) return rc;
    px_cycle_options o = {0};
    const char *wnames[MAX_WEIGHTS];
    double wvals[MAX_WEIGHTS];
    char *wbuf[MAX_WEIGHTS];
    const char *path = px_args_pos(a, 0), *geojson = px_args_text(a, "links-geojson");
    o.coverage_m = px_args_number(a, "coverage-m");
    o.bike_distance_m = px_args_number(a, "distance-m");
    o.detour_ratio = px_args_number(a, "detour");
    o.max_low_stress = (int)px_args_int(a, "max-lts");
    o.gap_m = px_args_number(a, "gap-m");
    o.top_links = (int)px_args_int(a, "top");
    o.snap_m = px_args_number(a, "snap-m");
    o.threads = (int)px_args_int(a, "threads");
    o.add_links = px_args_text(a, "add-links");
    int split = px_args_kofn(a, "part", &o.part_k, &o.part_n) == 0;
    int n_w = px_args_given(a, "weight");
    if (px_args_flag(a, "rules")) {
        rc = print_rules(cli);
        px_args_free(a);
        return rc;
    }
    if (!path) rc = px_cli_usage_error("cycle", "missing PROJECT");
    if (rc == PX_EXIT_OK && n_w > MAX_WEIGHTS)
        rc = px_cli_usage_error("cycle", "at most %d --weight options", MAX_WEIGHTS);
    for (int k = 0; rc == PX_EXIT_OK && k < n_w; k++) {
        const char *v = px_args_text_at(a, "weight", k), *eq = strchr(v, '=');
        double w = 0;
        if (!eq || eq == v || px_cli_parse_double(eq + 1, &w) || w < 0 || w > 100)
            rc = px_cli_usage_error("cycle", "--weight %s: want CATEGORY=WEIGHT, the weight a number in [0, 100]", v);
        wvals[o.n_weights] = w;
        wbuf[o.n_weights] = NULL;
        wnames[o.n_weights++] = v; /* cut at '=' below */
    }
    if (rc != PX_EXIT_OK) {
        px_args_free(a);
        return rc;
    }
    if (geojson && (rc = px_cli_output_file("cycle", geojson)) != PX_EXIT_OK) {
        px_args_free(a);
        return rc;
    }

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
    px_cycle_report r = {0};
    px_status st = px_cycle_run(cli->ctx, store, &o, &r);
    int whole = !split || r.part.merged;
    if (st == PX_OK && geojson && whole) st = px_export(cli->ctx, store, "cycle_missing_links", geojson, NULL);
    px_store_close(store);
    if (st != PX_OK) {
        rc = px_cli_fail(cli, st);
        goto done;
    }
    if (split) px_cli_part_report(cli, "cycle", &r.part, "the cycle tables");
    if (!whole) goto done;
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
    px_args_free(a);
    return rc;
}
