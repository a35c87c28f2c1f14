/*
 * Small helper of the analyses: snapping a set of points for one mode.
 */
#include "equity_int.h"

#include <stdlib.h>
#include <string.h>

void px__snap_points(const px_graph *g, px_mode mode, const px_points *p, double max_dist_m, px_snap *snaps,
                     uint8_t *ok, size_t *n_ok)
{
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++) {
        ok[i] = px_graph_snap(NULL, g, mode, p->x[i], p->y[i], max_dist_m, &snaps[i]) == PX_OK;
        if (!ok[i]) snaps[i] = (px_snap){0, 0, 0};
        k += ok[i];
    }
    if (n_ok) *n_ok = k;
}
