/* `proxima network PROJECT`: build net_nodes and net_edges from the roads. */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char px_usage_network[] =
    "Usage: proxima network PROJECT [--walk-kmh V] [--bike-kmh V] [--bike-slow-kmh V]\n"
    "                       [--snap-tolerance M] [--island-nodes N]\n\n"
    "Build the routable walk/bike network from the `roads` layer and, if present,\n"
    "`cycle_routes`, into the tables net_nodes (POINT) and net_edges (LINESTRING,\n"
    "one straight segment per edge), replacing any earlier network. Lines are split\n"
    "where they share a vertex (bridges and tunnels kept apart by layer); line ends\n"
    "closer than the snapping tolerance (default 1 m) are joined. Speeds: walk 4.8,\n"
    "bike 15, bike on path/track/unpaved 10 km/h, bike carried on steps 2 km/h.\n"
    "Prints a summary on stdout: nodes, edges, components and small islands\n"
    "(components of at most N nodes, default 50, flagged island=1).\n\n"
    "Example:\n  proxima network demo.sqlite\n  proxima export demo.sqlite net_edges -o edges.geojson\n";

int cmd_network(px_cli *cli, int argc, char **argv)
{
    const char *path = NULL, *v = NULL;
    px_net_options o = {0};
    for (int i = 1; i < argc; i++) {
        int m;
        double d = 0;
        if ((m = px_cli_opt(argc, argv, &i, "--walk-kmh", &v)) != 0) {
            if (m < 0 || px_cli_parse_double(v, &d) || !(d > 0)) return px_cli_usage_error("network", "--walk-kmh needs a speed > 0");
            o.walk_kmh = d;
        } else if ((m = px_cli_opt(argc, argv, &i, "--bike-kmh", &v)) != 0) {
            if (m < 0 || px_cli_parse_double(v, &d) || !(d > 0)) return px_cli_usage_error("network", "--bike-kmh needs a speed > 0");
            o.bike_kmh = d;
        } else if ((m = px_cli_opt(argc, argv, &i, "--bike-slow-kmh", &v)) != 0) {
            if (m < 0 || px_cli_parse_double(v, &d) || !(d > 0))
                return px_cli_usage_error("network", "--bike-slow-kmh needs a speed > 0");
            o.bike_slow_kmh = d;
        } else if ((m = px_cli_opt(argc, argv, &i, "--snap-tolerance", &v)) != 0) {
            if (m < 0 || px_cli_parse_double(v, &d) || d < 0)
                return px_cli_usage_error("network", "--snap-tolerance needs metres >= 0");
            o.snap_tol_m = d > 0 ? d : -1; /* 0 on the command line means off */
        } else if ((m = px_cli_opt(argc, argv, &i, "--island-nodes", &v)) != 0) {
            long n = 0;
            if (m < 0 || px_cli_parse_int(v, &n) || n < 1) return px_cli_usage_error("network", "--island-nodes needs a whole number >= 1");
            o.island_max_nodes = n;
        } else if (argv[i][0] == '-') {
            return px_cli_usage_error("network", "unknown option '%s'", argv[i]);
        } else if (!path) path = argv[i];
        else return px_cli_usage_error("network", "unexpected argument '%s'", argv[i]);
    }
    if (!path) return px_cli_usage_error("network", "missing PROJECT");
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
