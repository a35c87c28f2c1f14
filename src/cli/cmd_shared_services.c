/* `proxima shared-services PROJECT --communes A,B --candidates ...`: sites
 * that serve every given commune within the threshold, ranked. */
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const px_opt shared_opts[] = {
    {"communes", 0, PX_OPT_LIST, "IDS", .flags = PX_OPTF_REQUIRED, .help = "commune ids (the `id` column)"},
    {"candidates", 0, PX_OPT_TEXT, "LAYER|grid:M",
     .help = "candidate sites: the features of LAYER, or a grid of spacing M metres over the residents"},
    PX_OPT_MODE,
    PX_OPT_MINUTES("15"),
    PX_OPT_SNAP_M,
    PX_OPT_THREADS,
    {"top", 0, PX_OPT_INT, "N", 1, 10000, .def = "20", .help = "rows kept"},
    {0}};

const px_cmd_spec px_spec_shared_services = {
    .name = "shared-services",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = shared_opts,
    .about = "Sites for a service shared by several communes: the candidates (a layer, e.g.\n"
             "brownfields, or a grid) that every given commune's centre (population-weighted,\n"
             "as in `isochrone --commune-centres`) reaches within --minutes, ranked by the\n"
             "residents of those communes within --minutes of the site. One catchment search\n"
             "per candidate. Writes the table services_shared (rank, candidate_id, x, y,\n"
             "residents_served, worst_centre_min, mode; POINT) and prints the best rows.\n",
    .examples = "proxima shared-services demo.sqlite --communes 09001,09002 --candidates grid:250 --mode bike\n",
};

int cmd_shared_services(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_shared_services, argc, argv, &a);
    if (!a) return rc;
    px_shared_options o = {.mode = px_args_mode(a),
                           .minutes = px_args_number(a, "minutes"),
                           .max_snap_m = px_args_number(a, "snap-m"),
                           .n_threads = (int)px_args_int(a, "threads"),
                           .top = (size_t)px_args_int(a, "top")};
    const char *const *ids = NULL;
    o.n_communes = px_args_list(a, "communes", &ids);
    o.communes = ids;
    const char *cand = px_args_text(a, "candidates");
    if (!cand) rc = px_cli_usage_error("shared-services", "give --candidates LAYER|grid:M");
    else if (!strncmp(cand, "grid:", 5)) {
        char *end = NULL;
        o.grid_m = strtod(cand + 5, &end);
        if (end == cand + 5 || *end || !(o.grid_m >= 10 && o.grid_m <= 100000))
            rc = px_cli_usage_error("shared-services", "--candidates %s: want grid:M with M in [10, 100000] metres", cand);
    } else
        o.candidates_layer = cand;
    px_store *store = NULL;
    px_shared_report rep = {0};
    if (rc == PX_EXIT_OK) {
        store = px_cli_open_store(cli, px_args_pos(a, 0), 0);
        if (!store) rc = PX_EXIT_RUNTIME;
    }
    if (rc == PX_EXIT_OK) {
        px_status st = px_shared_services(cli->ctx, store, &o, &rep);
        if (st != PX_OK) rc = px_cli_fail(cli, st);
    }
    if (rc == PX_EXIT_OK) {
        px_cli_info(cli, "shared-services: %zu candidates (%zu on the network), %zu serve all %zu communes\n",
                    rep.n_candidates, rep.n_candidates_used, rep.n_serving, o.n_communes);
        printf("residents %.0f\nserving %zu\n", rep.residents, rep.n_serving);
        px_table_reader *r = NULL;
        static const char *const cols[] = {"rank", "candidate_id", "residents_served", "worst_centre_min", NULL};
        if (px_store_reader_open(store, "services_shared", cols, 0, NULL, &r) == PX_OK) {
            int has = 0;
            while (px_table_reader_next(r, &has) == PX_OK && has)
                printf("%lld %s %.0f %.1f\n", (long long)px_table_reader_int(r, 0), px_table_reader_text(r, 1),
                       px_table_reader_real(r, 2), px_table_reader_real(r, 3));
            px_table_reader_close(r);
        }
    }
    px_store_close(store);
    px_args_free(a);
    return rc;
}
