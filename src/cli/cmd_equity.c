/* `proxima equity PROJECT`: service coverage equity (2SFCA / E2SFCA, Gini,
 * Theil, Palma, FGT, Lorenz) per commune; tables, and files with -o DIR. */
#include "opts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const px_opt equity_opts[] = {
    PX_OPT_OUTPUT("DIR", "also write the CSV and GeoJSON files to DIR, created when missing"),
    PX_OPT_MINUTES("15"),
    {"bands", 0, PX_OPT_TEXT, "B", .def = "5:1,10:0.68,15:0.22",
     .help = "E2SFCA distance-decay bands MAX_MIN:WEIGHT,... (minutes ascending, weights in [0, 1])"},
    PX_OPT_MODES,
    PX_OPT_CATEGORIES,
    {"underserved-share", 0, PX_OPT_NUMBER, "S", 0, 1, PX_OPTF_GT_MIN, .def = "0.5",
     .help = "a commune is underserved below S x the regional mean"},
    PX_OPT_SNAP_M,
    PX_OPT_THREADS,
    PX_OPT_PART,
    {0}};

const px_cmd_spec px_spec_equity = {
    .name = "equity",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = equity_opts,
    .about = "Service coverage equity for each mode and service category: two-step floating\n"
             "catchments (2SFCA, catchment --minutes) and the enhanced form (E2SFCA,\n"
             "distance-decay --bands), supply = services.capacity (1 when unknown), demand\n"
             "= population.count, on the network built by `proxima network` (one bounded\n"
             "search per service, shared between --threads). Ratios are supply per 1,000\n"
             "residents.\n"
             "Per commune: population-weighted mean and median, share with no service in\n"
             "reach, ratio to the regional mean, underserved flag (mean below S x the\n"
             "regional mean, or half the residents with nothing in reach).\n"
             "Overall: Gini, Theil T (between / within communes), Palma, FGT 0/1/2 against\n"
             "the standard S x regional mean, Lorenz curve.\n"
             "Writes the tables equity_origins, equity_communes, equity_summary and\n"
             "equity_lorenz, equity_underserved (E2SFCA rows of underserved communes); with\n"
             "-o DIR also equity_communes.csv (ranked, least served first),\n"
             "equity_communes.geojson, equity_summary.csv, equity_lorenz.csv and\n"
             "equity_underserved.csv. The folder is checked before anything changes.\n"
             "Prints the E2SFCA summary on stdout.\n"
             "With --part K/N, only part K of the communes (cut in N parts along a Hilbert\n"
             "curve, by population) is computed, reading what lies within two catchments of\n"
             "it; its rows go to equity_part_K_of_N, and the part that completes the set\n"
             "writes every equity_* table, identical to a whole run.\n",
    .examples = "proxima equity demo.sqlite -o out/ --modes walk --categories health,education\n"
                "proxima equity demo.sqlite --part 1/4\n",
};

/* "5:1,10:0.68,15:0.22" -> bands; returns the count, 0 on bad text. */
static size_t parse_bands(const char *s, px_decay_band *out, size_t cap)
{
    size_t n = 0;
    char *buf = strdup(s), *save = NULL;
    for (char *tok = buf ? strtok_r(buf, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(tok, ':');
        if (!colon || n == cap) {
            n = 0;
            break;
        }
        *colon = '\0';
        if (px_cli_parse_double(tok, &out[n].max_minutes) || px_cli_parse_double(colon + 1, &out[n].weight) ||
            !(out[n].max_minutes > 0 && out[n].max_minutes <= 600) || !(out[n].weight >= 0 && out[n].weight <= 1) ||
            (n && out[n].max_minutes <= out[n - 1].max_minutes)) {
            n = 0;
            break;
        }
        n++;
    }
    free(buf);
    return n;
}

static int print_summary(px_cli *cli, px_store *store)
{
    static const char *const cols[] = {"mode",    "category", "method", "regional_mean",          "gini",
                                       "theil_t", "palma",    "fgt0",   "underserved_population", NULL};
    px_table_reader *r = NULL;
    px_status st = px_store_reader_open(store, "equity_summary", cols, 0, NULL, &r);
    if (st != PX_OK) return px_cli_fail(cli, st);
    printf("%-5s %-16s %10s %7s %7s %7s %7s %12s\n", "mode", "category", "mean/1000", "gini", "theil",
           "palma", "fgt0", "underserved");
    int has = 0;
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        if (strcmp(px_table_reader_text(r, 2), "e2sfca")) continue;
        printf("%-5s %-16s %10.4f", px_table_reader_text(r, 0), px_table_reader_text(r, 1),
               px_table_reader_real(r, 3));
        for (size_t k = 4; k < 8; k++) {
            if (px_table_reader_is_null(r, k))
                printf(" %7s", "NA");
            else
                printf(" %7.4f", px_table_reader_real(r, k));
        }
        printf(" %12.0f\n", px_table_reader_real(r, 8));
    }
    px_table_reader_close(r);
    return PX_EXIT_OK;
}

static px_status write_files(px_cli *cli, px_store *store, const char *dir)
{
    static const char *const csvs[] = {"equity_communes", "equity_summary", "equity_lorenz",
                                       "equity_underserved"};
    char path[4096];
    px_status st = PX_OK;
    for (size_t i = 0; st == PX_OK && i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s.csv", dir, csvs[i]);
        st = px_export(cli->ctx, store, csvs[i], path, &(px_export_options){.format = "CSV"});
    }
    if (st == PX_OK) {
        snprintf(path, sizeof path, "%s/equity_communes.geojson", dir);
        st = px_export(cli->ctx, store, "equity_communes", path, NULL);
    }
    return st;
}

int cmd_equity(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_equity, argc, argv, &a);
    if (!a) return rc;
    px_equity_options o = {0};
    px_decay_band bands[16];
    const char *const *cats = NULL;
    const char *path = px_args_pos(a, 0), *outdir = px_args_text(a, "output");
    o.threshold_min = px_args_number(a, "minutes");
    o.n_bands = parse_bands(px_args_text(a, "bands"), bands, 16);
    o.bands = bands;
    if (o.n_bands == 0)
        rc = px_cli_usage_error("equity", "--bands %s: want up to 16 MAX_MIN:WEIGHT pairs, minutes ascending in "
                                          "(0, 600], weights in [0, 1], like 5:1,10:0.5",
                                px_args_text(a, "bands"));
    o.modes = px_args_modes(a);
    o.n_categories = px_args_list(a, "categories", &cats);
    o.categories = o.n_categories ? cats : NULL;
    o.underserved_share = px_args_number(a, "underserved-share");
    o.snap_max_m = px_args_number(a, "snap-m");
    o.n_threads = (int)px_args_int(a, "threads");
    int split = px_args_kofn(a, "part", &o.part_k, &o.part_n) == 0;
    if (rc == PX_EXIT_OK && outdir) rc = px_cli_output_dir("equity", outdir);
    px_store *store = rc == PX_EXIT_OK ? px_cli_open_store(cli, path, 0) : NULL;
    if (rc == PX_EXIT_OK && !store) rc = PX_EXIT_RUNTIME;
    px_graph *g = NULL;
    px_equity_report rep = {0};
    px_status st = PX_OK;
    /* A part reads only the network near it, itself. */
    if (rc == PX_EXIT_OK && !split) st = px_graph_load(cli->ctx, store, &g);
    if (rc == PX_EXIT_OK && st == PX_OK) st = px_equity_run(cli->ctx, store, g, &o, &rep);
    int whole = !split || rep.part.merged;
    if (rc == PX_EXIT_OK && st == PX_OK && outdir && whole) st = write_files(cli, store, outdir);
    if (rc == PX_EXIT_OK && st != PX_OK) rc = px_cli_fail(cli, st);
    if (rc == PX_EXIT_OK) {
        px_cli_info(cli,
                    "equity: %zu origins (%zu off the network), %.0f residents, %zu communes, %zu "
                    "categories, %zu services, %zu pairs\n",
                    rep.n_origins, rep.n_unsnapped, rep.population, rep.n_communes, rep.n_categories,
                    rep.n_services, rep.n_pairs);
        if (split) px_cli_part_report(cli, "equity", &rep.part, "the equity_* tables");
        if (whole) rc = print_summary(cli, store);
    }
    px_graph_free(g);
    px_store_close(store);
    px_args_free(a);
    return rc;
}
