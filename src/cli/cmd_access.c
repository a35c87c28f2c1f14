/* `proxima access PROJECT`: quarter-hour accessibility per origin and commune. */
#include "opts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const px_opt access_opts[] = {
    PX_OPT_OUTPUT("DIR", "also write access_communes.csv/.geojson (and access_origins.csv) to DIR, "
                         "created when missing"),
    PX_OPT_MODES,
    PX_OPT_MINUTES("15"),
    PX_OPT_MAX_MINUTES(NULL, "searches stop here; beyond, minutes are NULL (default: max(2 x minutes, 30))"),
    {"nth", 0, PX_OPT_INT, "N", 1, 16, .help = "also minutes to the N-th nearest service"},
    PX_OPT_CATEGORIES,
    {"layers", 0, PX_OPT_LIST, "LIST", .def = "services",
     .help = "opportunity layers (a layer without a category column is one category)"},
    {"origins", 0, PX_OPT_TEXT, "LAYER", .def = "population", .help = "origin layer (column count: residents)"},
    PX_OPT_SNAP_M,
    PX_OPT_THREADS,
    {"no-origins-table", 0, PX_OPT_FLAG, .help = "write access_communes only (very large runs)"},
    PX_OPT_PART,
    {0}};

const px_cmd_spec px_spec_access = {
    .name = "access",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = access_opts,
    .about = "For every origin (population units; a polygon at its point on surface) and every mode and\n"
             "service category: minutes to the nearest service on the network (and to the\n"
             "N-th nearest with --nth), from one multi-source search per category and mode\n"
             "bounded by --max-minutes. The quarter-hour score of an origin is the number\n"
             "of categories within --minutes. Per commune and for the region ('*'):\n"
             "population-weighted share of residents with each category, and with all of\n"
             "them, within --minutes, and median minutes.\n"
             "Writes the tables access_origins and access_communes (export them like any\n"
             "layer, or give -o DIR) and prints the region's shares on stdout. Needs\n"
             "`proxima network` first. Origins or services farther than --snap-m metres\n"
             "from the network are unreachable (NULL minutes) and counted on stderr.\n"
             "An unknown category or mode is a usage error (exit 2) and changes nothing.\n"
             "With --part K/N, only the origins of part K of the communes (cut in N parts\n"
             "along a Hilbert curve, by population) are computed, reading the network and\n"
             "services within reach of the part; its rows go to access_part_K_of_N, and the\n"
             "part that completes the set writes access_origins and access_communes,\n"
             "identical to a whole run. Parts can run in any order, at the same time.\n",
    .examples = "proxima access demo.sqlite --modes walk,bike --minutes 15 --nth 3\n"
                "proxima access demo.sqlite --categories health,education -o out/\n"
                "proxima access demo.sqlite --part 2/3\n",
};

static px_status write_files(px_cli *cli, px_store *store, const char *dir, int origins)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/access_communes.csv", dir);
    px_status st = px_export(cli->ctx, store, "access_communes", path, &(px_export_options){.format = "CSV"});
    if (st == PX_OK) {
        snprintf(path, sizeof path, "%s/access_communes.geojson", dir);
        st = px_export(cli->ctx, store, "access_communes", path, NULL);
    }
    if (st == PX_OK && origins) {
        snprintf(path, sizeof path, "%s/access_origins.csv", dir);
        st = px_export(cli->ctx, store, "access_origins", path, &(px_export_options){.format = "CSV"});
    }
    return st;
}

int cmd_access(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_access, argc, argv, &a);
    if (!a) return rc;
    px_access_options o = {0};
    const char *const *cats = NULL, *const *layers = NULL;
    const char *outdir = px_args_text(a, "output");
    o.modes = px_args_modes(a);
    o.minutes = px_args_number(a, "minutes");
    o.cutoff_minutes = px_args_number(a, "max-minutes");
    o.nth = (int)px_args_int(a, "nth");
    if (px_args_list(a, "categories", &cats)) o.categories = cats;
    if (px_args_list(a, "layers", &layers)) o.layers = layers;
    o.origins = px_args_text(a, "origins");
    o.max_snap_m = px_args_number(a, "snap-m");
    o.n_threads = (int)px_args_int(a, "threads");
    o.no_origins_table = px_args_flag(a, "no-origins-table");
    int split = px_args_kofn(a, "part", &o.part_k, &o.part_n) == 0;
    if (o.cutoff_minutes > 0 && o.cutoff_minutes < o.minutes)
        rc = px_cli_usage_error("access", "--max-minutes (%g) must be at least --minutes (%g)", o.cutoff_minutes,
                                o.minutes);
    if (rc == PX_EXIT_OK && outdir) rc = px_cli_output_dir("access", outdir);
    px_store *store = NULL;
    if (rc == PX_EXIT_OK && !(store = px_cli_open_store(cli, px_args_pos(a, 0), 0))) rc = PX_EXIT_RUNTIME;
    if (rc == PX_EXIT_OK) {
        px_access_report r = {0};
        px_status st = px_access_run(cli->ctx, store, &o, &r);
        /* A part writes the files once the set is complete (the last one in). */
        if (st == PX_OK && outdir && (!split || r.part.merged)) st = write_files(cli, store, outdir, !o.no_origins_table);
        if (st != PX_OK) rc = px_cli_fail(cli, st);
        else {
            printf("origins %lld\nresidents %.0f\ncategories %d\ncommunes %d\n", (long long)r.n_origins, r.residents,
                   r.n_categories, r.n_communes);
            for (int c = 0; c < r.n_categories && c < 64; c++)
                printf("destinations_%s %lld\n", r.category[c], (long long)r.n_category_destinations[c]);
            if (split) px_cli_part_report(cli, "access", &r.part, "access_origins and access_communes");
            for (int m = 0; m < PX_MODE_COUNT; m++) {
                if (isnan(r.share_all[m])) continue;
                printf("%s_unsnapped_origins %lld\n%s_all_share %.4f\n", px_mode_name((px_mode)m),
                       (long long)r.n_unsnapped[m], px_mode_name((px_mode)m), r.share_all[m]);
            }
        }
    }
    px_store_close(store);
    px_args_free(a);
    return rc;
}
