/* `proxima snap PROJECT LAYER --mode M`: where each feature attaches to the network, as CSV. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char px_usage_snap[] =
    "Usage: proxima snap PROJECT LAYER [--mode walk|bike] [--snap-distance 300]\n\n"
    "Print, as CSV on stdout, where each feature of LAYER (its point, or its\n"
    "centroid) attaches to the network for the mode:\n"
    "fid,edge_fid,fraction,distance_m (edge_fid of net_edges, fraction from its\n"
    "from_node, 17 significant digits). Features beyond the snapping distance get\n"
    "empty edge_fid and fraction. Used by the benchmark to feed another router the\n"
    "very same sources; accessibility snaps internally.\n\n"
    "Example:\n  proxima snap demo.sqlite services --mode bike > services-bike.csv\n";

int cmd_snap(px_cli *cli, int argc, char **argv)
{
    const char *path = NULL, *layer = NULL, *v = NULL;
    double snap_m = 300;
    px_mode mode = PX_MODE_WALK;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = px_cli_opt(argc, argv, &i, "--mode", &v)) != 0) {
            if (m < 0 || px_mode_lookup(v, &mode) != PX_OK) return px_cli_usage_error("snap", "--mode is walk or bike");
        } else if ((m = px_cli_opt(argc, argv, &i, "--snap-distance", &v)) != 0) {
            if (m < 0 || px_cli_parse_double(v, &snap_m) || !(snap_m > 0))
                return px_cli_usage_error("snap", "--snap-distance needs metres > 0");
        } else if (argv[i][0] == '-') {
            return px_cli_usage_error("snap", "unknown option '%s'", argv[i]);
        } else if (!path) path = argv[i];
        else if (!layer) layer = argv[i];
        else return px_cli_usage_error("snap", "unexpected argument '%s'", argv[i]);
    }
    if (!path || !layer) return px_cli_usage_error("snap", "expected PROJECT LAYER");
    px_store *store = px_cli_open_store(cli, path, 1);
    if (!store) return PX_EXIT_RUNTIME;
    px_graph *g = NULL;
    int64_t *fids = NULL;
    double *xy = NULL;
    size_t n = 0;
    px_status st = px_graph_load(cli->ctx, store, &g);
    if (st == PX_OK) st = px_layer_points(cli->ctx, store, layer, &fids, &xy, &n);
    if (st == PX_OK) printf("fid,edge_fid,fraction,distance_m\n");
    for (size_t i = 0; st == PX_OK && i < n; i++) {
        px_snap s;
        if (px_graph_snap(NULL, g, mode, xy[2 * i], xy[2 * i + 1], snap_m, &s) == PX_OK)
            printf("%lld,%lld,%.17g,%.3f\n", (long long)fids[i], (long long)px_graph_edge_fid(g, (size_t)s.edge),
                   s.fraction, s.distance_m);
        else printf("%lld,,,\n", (long long)fids[i]);
    }
    int rc = st == PX_OK ? PX_EXIT_OK : px_cli_fail(cli, st);
    free(fids);
    free(xy);
    px_graph_free(g);
    px_store_close(store);
    return rc;
}
