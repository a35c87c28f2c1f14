/*
 * Spatial ordering along a Hilbert curve: points close on the curve are close
 * on the ground, so arrays laid out in this order (graph nodes, origins) keep
 * neighbours in the same cache lines and pages during network searches.
 */
#include "geom_int.h"

#include <math.h>
#include <stdlib.h>

/* Index of cell (x, y) on the Hilbert curve filling a 2^16 x 2^16 grid. */
static uint64_t hilbert_d(uint32_t x, uint32_t y)
{
    uint64_t d = 0;
    for (uint32_t s = 1u << 15; s > 0; s >>= 1) {
        uint32_t rx = (x & s) ? 1 : 0, ry = (y & s) ? 1 : 0;
        d += (uint64_t)s * s * ((3 * rx) ^ ry);
        if (ry == 0) { /* rotate the quadrant so the curve stays continuous */
            if (rx == 1) {
                x = s - 1 - (x & (s - 1));
                y = s - 1 - (y & (s - 1));
            }
            uint32_t t = x;
            x = y;
            y = t;
        }
        x &= s - 1;
        y &= s - 1;
    }
    return d;
}

typedef struct keyed {
    uint64_t key;
    int32_t index;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
    const keyed *p = a, *q = b;
    if (p->key != q->key) return p->key < q->key ? -1 : 1;
    return (p->index > q->index) - (p->index < q->index);
}

px_status px__hilbert_order(const double *xy, size_t n, int32_t *order)
{
    if (n == 0) return PX_OK;
    keyed *k = malloc(n * sizeof *k);
    if (!k) return PX_ENOMEM;
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        x0 = fmin(x0, xy[2 * i]), x1 = fmax(x1, xy[2 * i]);
        y0 = fmin(y0, xy[2 * i + 1]), y1 = fmax(y1, xy[2 * i + 1]);
    }
    double span = fmax(x1 - x0, y1 - y0);
    double scale = span > 0 ? 65535.0 / span : 0;
    for (size_t i = 0; i < n; i++) {
        double fx = (xy[2 * i] - x0) * scale, fy = (xy[2 * i + 1] - y0) * scale;
        uint32_t cx = isfinite(fx) ? (uint32_t)fmin(fmax(fx, 0), 65535) : 0;
        uint32_t cy = isfinite(fy) ? (uint32_t)fmin(fmax(fy, 0), 65535) : 0;
        k[i] = (keyed){hilbert_d(cx, cy), (int32_t)i};
    }
    qsort(k, n, sizeof *k, keyed_cmp);
    for (size_t i = 0; i < n; i++) order[i] = k[i].index;
    free(k);
    return PX_OK;
}

/* The grid of px__hilbert_key: lower-left corner and cells per metre. */
static void grid_of(const px_bbox *grid, double *x0, double *y0, double *scale)
{
    double span = fmax(grid->maxx - grid->minx, grid->maxy - grid->miny);
    *x0 = grid->minx;
    *y0 = grid->miny;
    *scale = span > 0 ? 65535.0 / span : 0;
}

uint64_t px__hilbert_key(const px_bbox *grid, double x, double y)
{
    double x0, y0, scale;
    grid_of(grid, &x0, &y0, &scale);
    double fx = (x - x0) * scale, fy = (y - y0) * scale;
    uint32_t cx = isfinite(fx) ? (uint32_t)fmin(fmax(fx, 0), 65535) : 0;
    uint32_t cy = isfinite(fy) ? (uint32_t)fmin(fmax(fy, 0), 65535) : 0;
    return hilbert_d(cx, cy);
}

/* An aligned square of side s cells at (cx, cy) holds the keys of one block
 * [d, d + s^2), d a multiple of s^2: take it whole, skip it, or split it. */
static void range_cells(uint32_t cx, uint32_t cy, uint64_t s, uint64_t lo, uint64_t hi, uint32_t *box, int *any)
{
    uint64_t size = s * s, d = s == 65536 ? 0 : hilbert_d(cx, cy) & ~(size - 1);
    if (d >= hi || d + size <= lo) return;
    if ((d >= lo && d + size <= hi) || s == 1) {
        uint32_t x1 = (uint32_t)(cx + s - 1), y1 = (uint32_t)(cy + s - 1);
        if (!*any) {
            box[0] = cx, box[1] = cy, box[2] = x1, box[3] = y1;
            *any = 1;
        } else {
            if (cx < box[0]) box[0] = cx;
            if (cy < box[1]) box[1] = cy;
            if (x1 > box[2]) box[2] = x1;
            if (y1 > box[3]) box[3] = y1;
        }
        return;
    }
    uint32_t h = (uint32_t)(s / 2);
    range_cells(cx, cy, h, lo, hi, box, any);
    range_cells(cx + h, cy, h, lo, hi, box, any);
    range_cells(cx, cy + h, h, lo, hi, box, any);
    range_cells(cx + h, cy + h, h, lo, hi, box, any);
}

int px__hilbert_range_box(const px_bbox *grid, uint64_t lo, uint64_t hi, px_bbox *out)
{
    if (lo >= hi) return 0;
    uint32_t c[4] = {0};
    int any = 0;
    range_cells(0, 0, 65536, lo, hi, c, &any);
    if (!any) return 0;
    double x0, y0, scale;
    grid_of(grid, &x0, &y0, &scale);
    if (!(scale > 0)) { /* a grid of one point: everything is at its corner */
        *out = (px_bbox){x0, y0, x0, y0};
        return 1;
    }
    double cell = 1.0 / scale;
    *out = (px_bbox){x0 + (c[0] - 1.0) * cell, y0 + (c[1] - 1.0) * cell, x0 + (c[2] + 2.0) * cell,
                     y0 + (c[3] + 2.0) * cell};
    return 1;
}
