/*
 * Snapping points onto the network: a uniform grid over the edges' boxes,
 * built once per graph, and a ring-by-ring search around the point's cell
 * that stops as soon as no farther ring can hold a closer edge. Each edge is
 * a straight segment, so the projection is exact. This file does not know
 * about layers or SQL: callers hand it coordinates in the project CRS.
 */
#include "net_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void px__grid_free(px__grid *grid)
{
    free(grid->start);
    free(grid->items);
    memset(grid, 0, sizeof *grid);
}

static void cell_range(const px__grid *gr, double lo, double hi, double origin, int32_t n, int32_t *a, int32_t *b)
{
    double fa = floor((lo - origin) / gr->cell), fb = floor((hi - origin) / gr->cell);
    *a = fa < 0 ? 0 : fa >= n ? n - 1 : (int32_t)fa;
    *b = fb < 0 ? 0 : fb >= n ? n - 1 : (int32_t)fb;
}

px_status px__grid_build(px_ctx *ctx, px_graph *g)
{
    px__grid *gr = &g->grid;
    px__grid_free(gr);
    if (g->n_edges == 0) return PX_OK;
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY, sum_len = 0;
    for (int32_t e = 0; e < g->n_edges; e++) {
        const double *a = &g->xy[2 * g->efrom[e]], *b = &g->xy[2 * g->eto[e]];
        minx = fmin(minx, fmin(a[0], b[0]));
        maxx = fmax(maxx, fmax(a[0], b[0]));
        miny = fmin(miny, fmin(a[1], b[1]));
        maxy = fmax(maxy, fmax(a[1], b[1]));
        sum_len += hypot(b[0] - a[0], b[1] - a[1]);
    }
    /* A cell about the mean segment: one or two cells per segment, a few
     * segments per cell. Capped so the cell table stays near n_edges. */
    double cell = fmax(sum_len / g->n_edges, 1.0);
    double w = maxx - minx + 1e-6, h = maxy - miny + 1e-6;
    while ((w / cell + 1) * (h / cell + 1) > 4.0 * g->n_edges + 16) cell *= 1.5;
    gr->x0 = minx;
    gr->y0 = miny;
    gr->cell = cell;
    gr->nx = (int32_t)(w / cell) + 1;
    gr->ny = (int32_t)(h / cell) + 1;
    size_t n_cells = (size_t)gr->nx * (size_t)gr->ny;
    gr->start = calloc(n_cells + 1, sizeof *gr->start);
    if (!gr->start) return px__error(ctx, PX_ENOMEM, "network: out of memory (snapping grid)");
    size_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            for (size_t c = 0; c < n_cells; c++) gr->start[c + 1] += gr->start[c];
            total = (size_t)gr->start[n_cells];
            gr->items = malloc((total ? total : 1) * sizeof *gr->items);
            if (!gr->items) return px__error(ctx, PX_ENOMEM, "network: out of memory (snapping grid)");
        }
        for (int32_t e = 0; e < g->n_edges; e++) {
            const double *a = &g->xy[2 * g->efrom[e]], *b = &g->xy[2 * g->eto[e]];
            int32_t x0, x1, y0, y1;
            cell_range(gr, fmin(a[0], b[0]), fmax(a[0], b[0]), gr->x0, gr->nx, &x0, &x1);
            cell_range(gr, fmin(a[1], b[1]), fmax(a[1], b[1]), gr->y0, gr->ny, &y0, &y1);
            for (int32_t cy = y0; cy <= y1; cy++)
                for (int32_t cx = x0; cx <= x1; cx++) {
                    size_t c = (size_t)cy * gr->nx + cx;
                    if (pass == 0) gr->start[c + 1]++;
                    else gr->items[gr->start[c]++] = e;
                }
        }
        if (pass == 1) {
            /* start[c] now holds the end of cell c: shift back. */
            memmove(gr->start + 1, gr->start, n_cells * sizeof *gr->start);
            gr->start[0] = 0;
        }
    }
    return PX_OK;
}

/* Squared distance from p to segment ab, and the fraction of the projection. */
static double seg_dist2(const double *a, const double *b, double px, double py, double *t_out)
{
    double dx = b[0] - a[0], dy = b[1] - a[1];
    double l2 = dx * dx + dy * dy, t = 0;
    if (l2 > 0) {
        t = ((px - a[0]) * dx + (py - a[1]) * dy) / l2;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
    }
    double qx = a[0] + t * dx - px, qy = a[1] + t * dy - py;
    *t_out = t;
    return qx * qx + qy * qy;
}

px_status px_graph_snap(px_ctx *ctx, const px_graph *g, px_mode mode, double x, double y, double max_dist_m,
                        px_snap *out)
{
    if (!g || !out || (unsigned)mode >= PX_MODE_COUNT || !(max_dist_m >= 0) || !isfinite(x) || !isfinite(y))
        return px__error(ctx, PX_EINVAL, "px_graph_snap: bad argument");
    const px__grid *gr = &g->grid;
    if (g->n_edges == 0) return px__error(ctx, PX_ENOTFOUND, "no edge within %.0f m of (%.1f, %.1f)", max_dist_m, x, y);
    double fcx = floor((x - gr->x0) / gr->cell), fcy = floor((y - gr->y0) / gr->cell);
    /* Clamp far-away points to the grid; the distance test still applies. */
    int32_t cx = fcx < 0 ? 0 : fcx >= gr->nx ? gr->nx - 1 : (int32_t)fcx;
    int32_t cy = fcy < 0 ? 0 : fcy >= gr->ny ? gr->ny - 1 : (int32_t)fcy;
    /* Distance from the point to the clamped cell's box, so far points stop early. */
    double bx = fmax(0, fmax(gr->x0 + cx * gr->cell - x, x - (gr->x0 + (cx + 1) * gr->cell)));
    double by = fmax(0, fmax(gr->y0 + cy * gr->cell - y, y - (gr->y0 + (cy + 1) * gr->cell)));
    double base = hypot(bx, by);
    /* Inside the grid, ring r >= 1 is at least (r-1) cells plus the distance
     * from the point to its own cell's nearest border away. */
    double border = 0;
    if (base == 0) {
        double ox = x - (gr->x0 + cx * gr->cell), oy = y - (gr->y0 + cy * gr->cell);
        border = fmin(fmin(ox, gr->cell - ox), fmin(oy, gr->cell - oy));
        if (border < 0) border = 0;
    }
    double best2 = max_dist_m * max_dist_m, best_t = 0;
    int32_t best = -1;
    int32_t max_r = gr->nx > gr->ny ? gr->nx : gr->ny;
    for (int32_t r = 0; r <= max_r; r++) {
        /* Every cell of ring r is at least max(base, (r-1)*cell + border) away. */
        double ring_min = fmax(base, (r - 1) * gr->cell + border);
        if (r > 0 && ring_min * ring_min > best2) break;
        for (int32_t yy = cy - r; yy <= cy + r; yy++) {
            if (yy < 0 || yy >= gr->ny) continue;
            int32_t step = (yy == cy - r || yy == cy + r) ? 1 : 2 * r;
            for (int32_t xx = cx - r; xx <= cx + r; xx += step ? step : 1) {
                if (xx >= 0 && xx < gr->nx) {
                    size_t c = (size_t)yy * gr->nx + xx;
                    for (int32_t i = gr->start[c]; i < gr->start[c + 1]; i++) {
                        int32_t e = gr->items[i];
                        if (!px__edge_usable(g, e, mode)) continue;
                        double t;
                        double d2 = seg_dist2(&g->xy[2 * g->efrom[e]], &g->xy[2 * g->eto[e]], x, y, &t);
                        if (d2 < best2 || (d2 == best2 && best >= 0 && e < best) || (d2 == best2 && best < 0)) {
                            best2 = d2;
                            best = e;
                            best_t = t;
                        }
                    }
                }
                if (r == 0) break;
            }
        }
    }
    if (best < 0)
        return px__error(ctx, PX_ENOTFOUND, "no %s edge within %.0f m of (%.1f, %.1f)", px_mode_name(mode),
                         max_dist_m, x, y);
    out->edge = best;
    out->fraction = best_t;
    out->distance_m = sqrt(best2);
    return PX_OK;
}
