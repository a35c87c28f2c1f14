/* `proxima network PROJECT`: build net_nodes and net_edges from the roads. */
#include "opts.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const px_opt network_opts[] = {
    {"walk-kmh", 0, PX_OPT_NUMBER, "V", 0, 30, PX_OPTF_GT_MIN, .def = "4.8", .help = "walking speed, km/h"},
    {"bike-kmh", 0, PX_OPT_NUMBER, "V", 0, 60, PX_OPTF_GT_MIN, .def = "15", .help = "cycling speed, km/h"},
    {"bike-slow-kmh", 0, PX_OPT_NUMBER, "V", 0, 60, PX_OPTF_GT_MIN, .def = "10",
     .help = "cycling speed on paths, tracks and unpaved ways, km/h"},
    {"snap-tolerance", 0, PX_OPT_NUMBER, "M", 0, 50, .def = "1",
     .help = "line ends closer than M metres are joined (0: off)"},
    {"island-nodes", 0, PX_OPT_INT, "N", 1, 1e9, .def = "50",
     .help = "components of at most N nodes are flagged island=1"},
    {0}};

const px_cmd_spec px_spec_network = {
    .name = "network",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = network_opts,
    .about = "Build the routable walk/bike network from the `roads` layer and, if present,\n"
             "`cycle_routes`, into the tables net_nodes (POINT) and net_edges (LINESTRING,\n"
             "one straight segment per edge), replacing any earlier network. Lines are split\n"
             "where they share a vertex (bridges and tunnels kept apart by layer); line ends\n"
             "closer than the snapping tolerance are joined. Bikes are carried on steps at\n"
             "2 km/h. Prints a summary on stdout: nodes, edges, components and small islands.\n",
    .examples = "proxima network demo.sqlite\n"
                "proxima network demo.sqlite --snap-tolerance 0.5 --walk-kmh 4.5\n",
};

int cmd_network(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_network, argc, argv, &a);
    if (!a) return rc;
    px_net_options o = {0};
    o.walk_kmh = px_args_number(a, "walk-kmh");
    o.bike_kmh = px_args_number(a, "bike-kmh");
    o.bike_slow_kmh = px_args_number(a, "bike-slow-kmh");
    double tol = px_args_number(a, "snap-tolerance");
    o.snap_tol_m = tol > 0 ? tol : -1; /* 0 on the command line means off */
    o.island_max_nodes = px_args_int(a, "island-nodes");
    const char *path = px_args_pos(a, 0);
    px_args_free(a);
    px_store *store = px_cli_open_store(cli, path, 0);
    if (!store) return PX_EXIT_RUNTIME;
    px_net_report r = {0};
    px_status st = px_net_build(cli->ctx, store, &o, &r);
    px_store_close(store);
    if (st != PX_OK) return px_cli_fail(cli, st);
    printf("roads %" PRId64 "\ncycle_routes %" PRId64 "\ncycle_routes_in_roads %" PRId64 "\nexcluded %" PRId64 "\nnodes %" PRId64 "\nedges %" PRId64
           "\nlength_km %.3f\nsnapped_ends %" PRId64 "\ncomponents %" PRId64 "\nlargest_component_nodes %" PRId64
           "\nislands %" PRId64 "\nisland_edges %" PRId64 "\n",
           r.n_roads, r.n_cycle_routes, r.n_cycle_in_roads, r.n_excluded, r.n_nodes, r.n_edges, r.total_length_m / 1000.0,
           r.n_snapped_ends, r.n_components, r.largest_component_nodes, r.n_islands, r.n_island_edges);
    return PX_EXIT_OK;
}
