/* `proxima synth PROJECT --nodes N --seed S`: write a synthetic grid region. */
#include "opts.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const px_opt synth_opts[] = {
    {"nodes", 0, PX_OPT_INT, "N", 4, 1e8, PX_OPTF_REQUIRED, .help = "grid nodes"},
    {"seed", 0, PX_OPT_INT, "S", 0, 9007199254740991.0, .def = "0", .help = "random seed"},
    {"crs", 0, PX_OPT_TEXT, "EPSG:CODE", .def = "EPSG:2154", .help = "CRS of a new project"},
    {"n-categories", 0, PX_OPT_INT, "K", 1, 8, .def = "8", .help = "service categories"},
    {"nodes-per-service", 0, PX_OPT_INT, "M", 1, 1e8, .def = "400", .help = "one service per category per M nodes"},
    {0}};

const px_cmd_spec px_spec_synth = {
    .name = "synth",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = synth_opts,
    .about = "Write a synthetic region into PROJECT (created in --crs if it does not\n"
             "exist): a perturbed grid of N nodes 100 m apart whose links are `roads`\n"
             "(shared streets, cycleways closed to walkers, footways, one-way streets, a few\n"
             "missing links), K service categories with one service per category per M\n"
             "nodes, a population point near every node and square communes. The same seed\n"
             "always gives the same region. Replaces those layers.\n",
    .examples = "proxima synth bench.sqlite --nodes 100000 --seed 1\n",
};

int cmd_synth(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_synth, argc, argv, &a);
    if (!a) return rc;
    px_synth_options o = {0};
    long n = px_args_int(a, "nodes");
    o.n_nodes = n;
    o.seed = (uint64_t)px_args_number(a, "seed");
    o.n_categories = (int)px_args_int(a, "n-categories");
    o.nodes_per_service = px_args_int(a, "nodes-per-service");
    const char *path = px_args_pos(a, 0), *crs = px_args_text(a, "crs");
    px_store *store = NULL;
    /* A PostGIS project exists when its schema holds a project (no file to test). */
    int is_pg = !strncmp(path, "PG:", 3);
    px_status st = is_pg || access(path, F_OK) == 0 ? px_store_open(cli->ctx, path, 0, &store)
                                                    : px_store_create(cli->ctx, path, crs, &store);
    if (is_pg && st == PX_ENOTPROJECT) st = px_store_create(cli->ctx, path, crs, &store);
    if (st == PX_OK) st = px_synth_region(cli->ctx, store, &o);
    px_store_close(store);
    if (st != PX_OK) rc = px_cli_fail(cli, st);
    else {
        char *shown = px_store_redact(path); /* a PG string may hold a password */
        px_cli_info(cli, "synth: %ld-node grid region written to %s\n", n, shown ? shown : "the project");
        free(shown);
    }
    px_args_free(a);
    return rc;
}
