/* `proxima snap PROJECT LAYER --mode M`: where each feature attaches to the network, as CSV. */
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>

static const px_opt snap_opts[] = {PX_OPT_MODE, PX_OPT_SNAP_M, {0}};

const px_cmd_spec px_spec_snap = {
    .name = "snap",
    .args = "PROJECT LAYER",
    .n_args_min = 2,
    .n_args_max = 2,
    .opts = snap_opts,
    .about = "Print, as CSV on stdout, where each feature of LAYER (its point, or its\n"
             "centroid) attaches to the network for the mode:\n"
             "fid,edge_fid,fraction,distance_m (edge_fid of net_edges, fraction from its\n"
             "from_node, 17 significant digits). Features beyond --snap-m get empty\n"
             "edge_fid and fraction. Used by the benchmark to feed another router the\n"
             "very same sources; accessibility snaps internally.\n",
    .examples = "proxima snap demo.sqlite services --mode bike\n",
};

int cmd_snap(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_snap, argc, argv, &a);
    if (!a) return rc;
    const char *layer = px_args_pos(a, 1);
    double snap_m = px_args_number(a, "snap-m");
    px_mode mode = px_args_mode(a);
    px_store *store = px_cli_open_store(cli, px_args_pos(a, 0), 1);
    if (!store) {
        px_args_free(a);
        return PX_EXIT_RUNTIME;
    }
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
    rc = st == PX_OK ? PX_EXIT_OK : px_cli_fail(cli, st);
    free(fids);
    free(xy);
    px_graph_free(g);
    px_store_close(store);
    px_args_free(a);
    return rc;
}
