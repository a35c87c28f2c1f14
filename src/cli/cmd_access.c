/* `proxima access PROJECT`: quarter-hour accessibility per origin and commune. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char px_usage_access[] =
    "Usage: proxima access PROJECT [--modes walk,bike] [--minutes 15] [--cutoff MIN]\n"
    "                      [--nth N] [--categories a,b,...] [--layers services,...]\n"
    "                      [--origins population] [--snap-distance 300] [--threads 2]\n"
    "                      [--no-origins-table]\n\n"
    "For every origin (population points, or cell centroids) and every mode and\n"
    "service category: minutes to the nearest service on the network (and to the\n"
    "N-th nearest with --nth), from one multi-source search per category and mode\n"
    "bounded by the cutoff (default max(2 x minutes, 30)). The quarter-hour score of\n"
    "an origin is the number of categories within --minutes. Per commune and for the\n"
    "region ('*'): population-weighted share of residents with each category, and\n"
    "with all of them, within --minutes, and median minutes.\n"
    "Writes the tables access_origins and access_communes (export them like any layer)\n"
    "and prints the region's shares on stdout. Needs `proxima network` first.\n"
    "Origins or services farther than --snap-distance metres from the network are\n"
    "unreachable (NULL minutes) and counted on stderr. --no-origins-table writes only\n"
    "access_communes (for very large runs: storing a million origins costs more\n"
    "than computing them).\n\n"
    "Example:\n  proxima access demo.sqlite --modes walk,bike --minutes 15 --nth 3\n"
    "  proxima export demo.sqlite access_communes -o access_communes.geojson\n";

/* Split "a,b,c" into a NULL-terminated array pointing into a copy; caller
 * frees both. NULL on allocation failure or an empty item. */
static char **split_list(const char *s, char **copy)
{
    *copy = strdup(s);
    if (!*copy) return NULL;
    size_t n = 1;
    for (const char *p = s; *p; p++) n += *p == ',';
    char **items = calloc(n + 1, sizeof *items);
    if (!items) return NULL;
    size_t k = 0;
    for (char *tok = *copy, *next; tok; tok = next) {
        next = strchr(tok, ',');
        if (next) *next++ = '\0';
        if (!*tok) {
            free(items);
            return NULL;
        }
        items[k++] = tok;
    }
    return items;
}

int cmd_access(px_cli *cli, int argc, char **argv)
{
    const char *path = NULL, *v = NULL;
    px_access_options o = {0};
    char *cat_copy = NULL, *layer_copy = NULL, *mode_copy = NULL;
    char **cats = NULL, **layers = NULL, **modes = NULL;
    int rc = PX_EXIT_OK;
    for (int i = 1; i < argc && rc == PX_EXIT_OK; i++) {
        int m;
        double d = 0;
        long n = 0;
        if ((m = px_cli_opt(argc, argv, &i, "--modes", &v)) != 0) {
            free(modes);
            free(mode_copy);
            modes = m > 0 ? split_list(v, &mode_copy) : NULL;
            o.modes = 0;
            for (size_t k = 0; modes && modes[k]; k++) {
                px_mode md;
                if (px_mode_lookup(modes[k], &md) != PX_OK) {
                    rc = px_cli_usage_error("access", "unknown mode '%s' (walk, bike)", modes[k]);
                    break;
                }
                o.modes |= 1u << md;
            }
            if (rc == PX_EXIT_OK && !o.modes) rc = px_cli_usage_error("access", "--modes needs walk, bike or walk,bike");
        } else if ((m = px_cli_opt(argc, argv, &i, "--minutes", &v)) != 0) {
            if (m < 0 || px_cli_parse_double(v, &d) || !(d > 0) || d > 600)
                rc = px_cli_usage_error("access", "--minutes needs a number in (0, 600]");
            o.minutes = d;
        } else if ((m = px_cli_opt(argc, argv, &i, "--cutoff", &v)) != 0) {
            if (m < 0 || px_cli_parse_double(v, &d) || !(d > 0) || d > 1440)
                rc = px_cli_usage_error("access", "--cutoff needs minutes in (0, 1440]");
            o.cutoff_minutes = d;
        } else if ((m = px_cli_opt(argc, argv, &i, "--nth", &v)) != 0) {
            if (m < 0 || px_cli_parse_int(v, &n) || n < 1 || n > 16)
                rc = px_cli_usage_error("access", "--nth needs a whole number from 1 to 16");
            o.nth = (int)n;
        } else if ((m = px_cli_opt(argc, argv, &i, "--categories", &v)) != 0) {
            free(cats);
            free(cat_copy);
            cats = m > 0 ? split_list(v, &cat_copy) : NULL;
            if (!cats) rc = px_cli_usage_error("access", "--categories needs a list like health,education");
        } else if ((m = px_cli_opt(argc, argv, &i, "--layers", &v)) != 0) {
            free(layers);
            free(layer_copy);
            layers = m > 0 ? split_list(v, &layer_copy) : NULL;
            if (!layers) rc = px_cli_usage_error("access", "--layers needs a list like services,schools");
        } else if ((m = px_cli_opt(argc, argv, &i, "--origins", &v)) != 0) {
            if (m < 0) rc = px_cli_usage_error("access", "--origins needs a layer name");
            o.origins = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--snap-distance", &v)) != 0) {
            if (m < 0 || px_cli_parse_double(v, &d) || !(d > 0))
                rc = px_cli_usage_error("access", "--snap-distance needs metres > 0");
            o.max_snap_m = d;
        } else if ((m = px_cli_opt(argc, argv, &i, "--threads", &v)) != 0) {
            if (m < 0 || px_cli_parse_int(v, &n) || n < 1 || n > 64)
                rc = px_cli_usage_error("access", "--threads needs a whole number from 1 to 64");
            o.n_threads = (int)n;
        } else if (!strcmp(argv[i], "--no-origins-table")) {
            o.no_origins_table = 1;
        } else if (argv[i][0] == '-') {
            rc = px_cli_usage_error("access", "unknown option '%s'", argv[i]);
        } else if (!path) path = argv[i];
        else rc = px_cli_usage_error("access", "unexpected argument '%s'", argv[i]);
    }
    if (rc == PX_EXIT_OK && !path) rc = px_cli_usage_error("access", "missing PROJECT");
    if (rc == PX_EXIT_OK && o.cutoff_minutes > 0 && o.cutoff_minutes < (o.minutes > 0 ? o.minutes : 15))
        rc = px_cli_usage_error("access", "--cutoff must be at least --minutes");
    px_store *store = NULL;
    if (rc == PX_EXIT_OK && !(store = px_cli_open_store(cli, path, 0))) rc = PX_EXIT_RUNTIME;
    if (rc == PX_EXIT_OK) {
        o.categories = (const char *const *)cats;
        o.layers = (const char *const *)layers;
        px_access_report r = {0};
        px_status st = px_access_run(cli->ctx, store, &o, &r);
        if (st != PX_OK) rc = px_cli_fail(cli, st);
        else {
            printf("origins %lld\nresidents %.0f\ncategories %d\ncommunes %d\n", (long long)r.n_origins, r.residents,
                   r.n_categories, r.n_communes);
            for (int m = 0; m < PX_MODE_COUNT; m++) {
                if (isnan(r.share_all[m])) continue;
                printf("%s_unsnapped_origins %lld\n%s_all_share %.4f\n", px_mode_name((px_mode)m),
                       (long long)r.n_unsnapped[m], px_mode_name((px_mode)m), r.share_all[m]);
            }
        }
    }
    px_store_close(store);
    free(cats);
    free(cat_copy);
    free(layers);
    free(layer_copy);
    free(modes);
    free(mode_copy);
    return rc;
}
