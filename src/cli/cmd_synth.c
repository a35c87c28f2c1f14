/* `proxima synth PROJECT --nodes N --seed S`: write a synthetic grid region. */
#include "cli.h"

#include <string.h>
#include <unistd.h>

const char px_usage_synth[] =
    "Usage: proxima synth PROJECT --nodes N [--seed S] [--crs EPSG:CODE] [--categories K]\n"
    "                     [--nodes-per-service M]\n\n"
    "Write a synthetic region into PROJECT (created in --crs, default EPSG:2154, if it\n"
    "does not exist): a perturbed grid of N nodes 100 m apart whose links are `roads`\n"
    "(shared streets, cycleways closed to walkers, footways, one-way streets, a few\n"
    "missing links), K service categories (default 8) with one service per category\n"
    "per M nodes (default 400), a population point near every node and square\n"
    "communes. The same seed always gives the same region. Replaces those layers.\n\n"
    "Example:\n  proxima synth bench.sqlite --nodes 100000 --seed 1\n";

int cmd_synth(px_cli *cli, int argc, char **argv)
{
    const char *path = NULL, *crs = "EPSG:2154", *v = NULL;
    px_synth_options o = {0};
    long n = 0;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = px_cli_opt(argc, argv, &i, "--nodes", &v)) != 0) {
            if (m < 0 || px_cli_parse_int(v, &n) || n < 4) return px_cli_usage_error("synth", "--nodes needs a whole number >= 4");
            o.n_nodes = n;
        } else if ((m = px_cli_opt(argc, argv, &i, "--seed", &v)) != 0) {
            long s = 0;
            if (m < 0 || px_cli_parse_int(v, &s) || s < 0) return px_cli_usage_error("synth", "--seed needs a whole number >= 0");
            o.seed = (uint64_t)s;
        } else if ((m = px_cli_opt(argc, argv, &i, "--categories", &v)) != 0) {
            long k = 0;
            if (m < 0 || px_cli_parse_int(v, &k) || k < 1 || k > 8)
                return px_cli_usage_error("synth", "--categories needs a number from 1 to 8");
            o.n_categories = (int)k;
        } else if ((m = px_cli_opt(argc, argv, &i, "--nodes-per-service", &v)) != 0) {
            long k = 0;
            if (m < 0 || px_cli_parse_int(v, &k) || k < 1)
                return px_cli_usage_error("synth", "--nodes-per-service needs a whole number >= 1");
            o.nodes_per_service = k;
        } else if ((m = px_cli_opt(argc, argv, &i, "--crs", &v)) != 0) {
            if (m < 0) return px_cli_usage_error("synth", "--crs needs a value");
            crs = v;
        } else if (argv[i][0] == '-') {
            return px_cli_usage_error("synth", "unknown option '%s'", argv[i]);
        } else if (!path) path = argv[i];
        else return px_cli_usage_error("synth", "unexpected argument '%s'", argv[i]);
    }
    if (!path) return px_cli_usage_error("synth", "missing PROJECT");
    if (!o.n_nodes) return px_cli_usage_error("synth", "missing --nodes N");
    px_store *store = NULL;
    px_status st = access(path, F_OK) == 0 ? px_store_open(cli->ctx, path, 0, &store)
                                           : px_store_create(cli->ctx, path, crs, &store);
    if (st != PX_OK) return px_cli_fail(cli, st);
    st = px_synth_region(cli->ctx, store, &o);
    px_store_close(store);
    if (st != PX_OK) return px_cli_fail(cli, st);
    px_cli_info(cli, "synth: %ld-node grid region written to %s\n", n, path);
    return PX_EXIT_OK;
}
