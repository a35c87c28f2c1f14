/*
 * What-if with planned links: each line of the planner's file becomes a
 * two-way LTS 1 track between the network nodes nearest its two ends, as
 * long as the line itself. Intermediate vertices are not attached to the
 * network (a planned link joins where it starts and ends). The nearest node
 * is found by a scan of all nodes, fine for the handful of links a planner
 * draws.
 */
#include "cycle_int.h"
#include "../io/lines_read.h"

#include <math.h>
#include <stdlib.h>

static int32_t nearest_node(const px__cgraph *g, double x, double y, double *dist)
{
    int32_t best = -1;
    double bd = INFINITY;
    for (size_t v = 0; v < g->n_nodes; v++) {
        if (g->out_off[v] == g->out_off[v + 1] && g->in_off[v] == g->in_off[v + 1]) continue;
        double d = hypot(g->x[v] - x, g->y[v] - y);
        if (d < bd) bd = d, best = (int32_t)v;
    }
    *dist = bd;
    return best;
}

px_status px__cycle_add_links(px_ctx *ctx, px_store *store, px__cinput *in, const char *path, double snap_m,
                              size_t *n_added)
{
    px__io_lines lines = {0};
    px_status rc = px__io_read_lines(ctx, path, px_store_crs(store), &lines);
    if (rc != PX_OK) return rc;
    px__cgraph *g = in->g;
    size_t added = 0;
    for (size_t i = 0; i < lines.n && rc == PX_OK; i++) {
        size_t a = lines.off[i], b = lines.off[i + 1];
        if (b - a < 2) {
            rc = px__error(ctx, PX_EDOMAIN, "%s:%lld: a planned link needs two points", path,
                           (long long)lines.fid[i]);
            break;
        }
        double len = 0;
        for (size_t k = a + 1; k < b; k++)
            len += hypot(lines.xy[2 * k] - lines.xy[2 * k - 2], lines.xy[2 * k + 1] - lines.xy[2 * k - 1]);
        double d0, d1;
        int32_t n0 = nearest_node(g, lines.xy[2 * a], lines.xy[2 * a + 1], &d0);
        int32_t n1 = nearest_node(g, lines.xy[2 * (b - 1)], lines.xy[2 * (b - 1) + 1], &d1);
        if (n0 < 0 || n1 < 0 || d0 > snap_m || d1 > snap_m) {
            rc = px__error(ctx, PX_EDOMAIN,
                           "%s:%lld: an end of the planned link is %.0f m from the network (at most %.0f)",
                           path, (long long)lines.fid[i], fmax(d0, d1), snap_m);
            break;
        }
        if (n0 == n1) continue; /* both ends on one node: joins nothing */
        rc = px__cgraph_add_edge(ctx, g, n0, n1, len, 1, 1, 1, PX_CYCLE_TRACK, -1);
        added++;
    }
    if (rc == PX_OK) rc = px__cgraph_index(ctx, g);
    px__io_lines_clear(&lines);
    if (rc == PX_OK) *n_added = added;
    return rc;
}
