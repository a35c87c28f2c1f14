/* `proxima equity PROJECT`: service coverage equity (2SFCA / E2SFCA, Gini,
 * Theil, Palma, FGT, Lorenz) per commune; tables, and files with -o DIR. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char px_usage_equity[] =
    "Usage: proxima equity PROJECT [-o DIR] [--minutes M] [--bands B] [--mode walk|bike|both]\n"
    "                      [--categories C1,C2,...] [--underserved-share S] [--snap-max M]\n"
    "                      [--threads N]\n\n"
    "Service coverage equity for each mode and service category: two-step floating\n"
    "catchments (2SFCA, catchment --minutes, default 15) and the enhanced form\n"
    "(E2SFCA, distance-decay --bands, default 5:1,10:0.68,15:0.22 as MAX_MIN:WEIGHT),\n"
    "supply = services.capacity (1 when unknown), demand = population.count, on the\n"
    "network built by `proxima network` (one bounded search per service, shared\n"
    "between --threads, default 2). Ratios are supply per 1,000 residents.\n"
    "Per commune: population-weighted mean and median, share with no service in\n"
    "reach, ratio to the regional mean, underserved flag (mean below S x the\n"
    "regional mean, default S = 0.5, or half the residents with nothing in reach).\n"
    "Overall: Gini, Theil T (between / within communes), Palma, FGT 0/1/2 against\n"
    "the standard S x regional mean, Lorenz curve.\n"
    "Writes the tables equity_origins, equity_communes, equity_summary and\n"
    "equity_lorenz, equity_underserved (E2SFCA rows of underserved communes); with\n"
    "-o DIR also equity_communes.csv (ranked, least served first),\n"
    "equity_communes.geojson, equity_summary.csv, equity_lorenz.csv and\n"
    "equity_underserved.csv.\n"
    "Prints the E2SFCA summary on stdout.\n\n"
    "Example:\n  proxima equity demo.sqlite -o out/ --mode walk --categories health,education\n";

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
        if (px_cli_parse_double(tok, &out[n].max_minutes) || px_cli_parse_double(colon + 1, &out[n].weight)) {
            n = 0;
            break;
        }
        n++;
    }
    free(buf);
    return n;
}

/* Split "a,b,c" in place into up to `cap` names. */
static size_t split_list(char *s, const char **out, size_t cap)
{
    size_t n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(s, ",", &save); tok && n < cap; tok = strtok_r(NULL, ",", &save))
        out[n++] = tok;
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
    const char *path = NULL, *outdir = NULL, *v = NULL;
    px_equity_options o = {0};
    px_decay_band bands[16];
    const char *cats[64];
    char *cat_buf = NULL;
    int rc = PX_EXIT_OK;
    for (int i = 1; i < argc && rc == PX_EXIT_OK; i++) {
        int m;
        double d = 0;
        if ((m = px_cli_opt(argc, argv, &i, "-o", &v)) != 0 ||
            (m = px_cli_opt(argc, argv, &i, "--output", &v)) != 0) {
            if (m < 0) rc = px_cli_usage_error("equity", "-o needs a DIR");
            outdir = v;
        } else if (px_cli_opt_positive(argc, argv, &i, "equity", "--minutes", "a number", &o.threshold_min, &rc)) {
            continue; /* value stored, or rc set to the usage error */
        } else if ((m = px_cli_opt(argc, argv, &i, "--bands", &v)) != 0) {
            o.n_bands = m < 0 ? 0 : parse_bands(v, bands, 16);
            if (o.n_bands == 0)
                rc = px_cli_usage_error("equity", "--bands needs MAX_MIN:WEIGHT,... (e.g. 5:1,10:0.5)");
            o.bands = bands;
        } else if ((m = px_cli_opt(argc, argv, &i, "--mode", &v)) != 0) {
            px_mode md;
            if (m > 0 && !strcmp(v, "both"))
                o.modes = 0;
            else if (m > 0 && px_mode_lookup(v, &md) == PX_OK)
                o.modes = 1u << md;
            else
                rc = px_cli_usage_error("equity", "--mode needs walk, bike or both");
        } else if ((m = px_cli_opt(argc, argv, &i, "--categories", &v)) != 0) {
            free(cat_buf);
            cat_buf = m > 0 ? strdup(v) : NULL;
            o.n_categories = cat_buf ? split_list(cat_buf, cats, 64) : 0;
            if (o.n_categories == 0)
                rc = px_cli_usage_error("equity", "--categories needs a comma-separated list");
            o.categories = cats;
        } else if ((m = px_cli_opt(argc, argv, &i, "--underserved-share", &v)) != 0) {
            if (m < 0 || px_cli_parse_double(v, &d) || !(d > 0 && d <= 1))
                rc = px_cli_usage_error("equity", "--underserved-share needs a number in (0, 1]");
            o.underserved_share = d;
        } else if ((m = px_cli_opt(argc, argv, &i, "--threads", &v)) != 0) {
            long t = 0;
            if (m < 0 || px_cli_parse_int(v, &t) || t < 1 || t > 16)
                rc = px_cli_usage_error("equity", "--threads needs a whole number from 1 to 16");
            o.n_threads = (int)t;
        } else if (px_cli_opt_positive(argc, argv, &i, "equity", "--snap-max", "metres", &o.snap_max_m, &rc)) {
            continue; /* value stored, or rc set to the usage error */
        } else if (argv[i][0] == '-') {
            rc = px_cli_usage_error("equity", "unknown option '%s'", argv[i]);
        } else if (!path) {
            path = argv[i];
        } else {
            rc = px_cli_usage_error("equity", "unexpected argument '%s'", argv[i]);
        }
    }
    if (rc == PX_EXIT_OK && !path) rc = px_cli_usage_error("equity", "missing PROJECT");
    px_store *store = rc == PX_EXIT_OK ? px_cli_open_store(cli, path, 0) : NULL;
    if (rc == PX_EXIT_OK && !store) rc = PX_EXIT_RUNTIME;
    px_graph *g = NULL;
    px_equity_report rep = {0};
    px_status st = PX_OK;
    if (rc == PX_EXIT_OK) st = px_graph_load(cli->ctx, store, &g);
    if (rc == PX_EXIT_OK && st == PX_OK) st = px_equity_run(cli->ctx, store, g, &o, &rep);
    if (rc == PX_EXIT_OK && st == PX_OK && outdir) st = write_files(cli, store, outdir);
    if (rc == PX_EXIT_OK && st != PX_OK) rc = px_cli_fail(cli, st);
    if (rc == PX_EXIT_OK) {
        px_cli_info(cli,
                    "equity: %zu origins (%zu off the network), %.0f residents, %zu communes, %zu "
                    "categories, %zu services, %zu pairs\n",
                    rep.n_origins, rep.n_unsnapped, rep.population, rep.n_communes, rep.n_categories,
                    rep.n_services, rep.n_pairs);
        rc = print_summary(cli, store);
    }
    px_graph_free(g);
    px_store_close(store);
    free(cat_buf);
    return rc;
}
