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
