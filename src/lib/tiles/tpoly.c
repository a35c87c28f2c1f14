/*
 * Polygons for vector tiles, valid as MVT 2.1 section 4.3.4.4 requires: the
 * feature's rings are taken to tile space, then clipped to the tile grown by
 * its buffer and snap-rounded to the integer grid in one GEOS overlay
 * (GEOSIntersectionPrec_r with grid size 1, OverlayNG), whose output is valid
 * by construction. Plain clipping followed by rounding is not: a ring that
 * leaves and re-enters the tile runs back along the clip line and touches
 * itself, and rounding folds thin parts onto each other (measured on the
 * demo before this file: 26 of 197 commune and 28 of 122 flood polygons
 * invalid at z14).
 *
 * Input made invalid by per-zoom simplification (a ring touching itself) is
 * repaired with GEOSMakeValid (structure method), keeping its polygonal parts. Each worker
 * has its own GEOS context (in its px__clipbuf), so nothing here is shared
 * between threads. Left out: polygons whose repair GEOS itself refuses; the
 * caller then falls back to plain clipping and the feature is still drawn.
 */
#include "tiles_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One ring of n points (open or closed) to tile space, as a closed GEOS
 * ring; NULL when it has fewer than three points or on failure. */
static GEOSGeometry *make_ring(GEOSContextHandle_t h, const double *xy, size_t n, double scale, double ox,
                               double oy, const double box[4], double *buf)
{
    if (n > 1 && xy[0] == xy[2 * n - 2] && xy[1] == xy[2 * n - 1]) n--;
    if (n < 3) return NULL;
    double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
    for (size_t i = 0; i < n; i++) {
        double x = xy[2 * i] * scale - ox, y = xy[2 * i + 1] * scale - oy;
        buf[2 * i] = x;
        buf[2 * i + 1] = y;
        x0 = fmin(x0, x);
        y0 = fmin(y0, y);
        x1 = fmax(x1, x);
        y1 = fmax(y1, y);
    }
    /* A ring wholly outside the box changes nothing inside it: a hole
     * there is dropped, a shell there takes its polygon away. */
    if (x1 < box[0] || y1 < box[1] || x0 > box[2] || y0 > box[3]) return NULL;
    buf[2 * n] = buf[0];
    buf[2 * n + 1] = buf[1];
    GEOSCoordSequence *seq = GEOSCoordSeq_copyFromBuffer_r(h, buf, (unsigned)(n + 1), 0, 0);
    if (!seq) return NULL;
    return GEOSGeom_createLinearRing_r(h, seq); /* takes seq, even on failure */
}

/* The feature as a GEOS MultiPolygon in tile space; NULL on failure or
 * when no ring is usable (*empty set then). */
static GEOSGeometry *build(GEOSContextHandle_t h, const px__tgeom *g, double scale, double ox, double oy,
                           const double box[4], double *buf, int *empty)
{
    *empty = 0;
    size_t n_polys = 0, cap = 8, off = 0;
    GEOSGeometry **polys = malloc(cap * sizeof *polys);
    GEOSGeometry **holes = malloc((g->n_parts + 1) * sizeof *holes);
    GEOSGeometry *shell = NULL, *out = NULL;
    size_t n_holes = 0;
    int ok = polys && holes;
    for (uint32_t p = 0; ok && p <= g->n_parts; p++) {
        int starts = p == g->n_parts || g->outer[p];
        if (starts && shell) {
            /* The previous polygon is complete. */
            if (n_polys == cap) {
                GEOSGeometry **np = realloc(polys, 2 * cap * sizeof *np);
                if (!np) {
                    ok = 0;
                    break;
                }
                polys = np;
                cap *= 2;
            }
            GEOSGeometry *poly = GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)n_holes);
            shell = NULL;
            n_holes = 0;
            if (!poly) {
                ok = 0;
                break;
            }
            polys[n_polys++] = poly;
        }
        if (p == g->n_parts) break;
        const double *src = g->xy + 2 * off;
        size_t n = g->part_n[p];
        off += n;
        if (g->outer[p]) {
            shell = make_ring(h, src, n, scale, ox, oy, box, buf);
        } else if (shell) {
            GEOSGeometry *r = make_ring(h, src, n, scale, ox, oy, box, buf);
            if (r) holes[n_holes++] = r;
        }
    }
    if (shell) GEOSGeom_destroy_r(h, shell);
    for (size_t i = 0; i < n_holes; i++)
        GEOSGeom_destroy_r(h, holes[i]);
    if (ok && n_polys) {
        out = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys, (unsigned)n_polys);
        if (out) n_polys = 0; /* taken */
    } else if (ok) {
        *empty = 1;
    }
    for (size_t i = 0; i < n_polys; i++)
        GEOSGeom_destroy_r(h, polys[i]);
    free(polys);
    free(holes);
    return out;
}

/* Append the polygons found in `g` (any type) to polys[]. */
static int gather_polys(GEOSContextHandle_t h, const GEOSGeometry *g, GEOSGeometry ***polys, size_t *n,
                        size_t *cap)
{
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POLYGON) {
        if (GEOSisEmpty_r(h, g) == 1) return 0;
        if (*n == *cap) {
            size_t c = *cap ? 2 * *cap : 8;
            GEOSGeometry **np = realloc(*polys, c * sizeof *np);
            if (!np) return -1;
            *polys = np;
            *cap = c;
        }
        GEOSGeometry *copy = GEOSGeom_clone_r(h, g);
        if (!copy) return -1;
        (*polys)[(*n)++] = copy;
        return 0;
    }
    if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        int k = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < k; i++)
            if (gather_polys(h, GEOSGetGeometryN_r(h, g, i), polys, n, cap)) return -1;
    }
    return 0;
}

/* GEOSMakeValid, keeping only the polygonal parts (OverlayNG refuses mixed
 * collections). NULL on failure; an empty MultiPolygon if nothing is left. */
static GEOSGeometry *repair(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    /* The "structure" method: shells unioned, holes subtracted, collapsed
     * parts dropped; what a polygon layer means, and faster than the
     * default "linework" method. */
    GEOSMakeValidParams *p = GEOSMakeValidParams_create_r(h);
    if (!p) return NULL;
    GEOSMakeValidParams_setMethod_r(h, p, GEOS_MAKE_VALID_STRUCTURE);
    GEOSMakeValidParams_setKeepCollapsed_r(h, p, 0);
    GEOSGeometry *v = GEOSMakeValidWithParams_r(h, g, p);
    GEOSMakeValidParams_destroy_r(h, p);
    if (!v) return NULL;
    GEOSGeometry **polys = NULL;
    size_t n = 0, cap = 0;
    GEOSGeometry *out = NULL;
    if (gather_polys(h, v, &polys, &n, &cap) == 0) {
        out = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys, (unsigned)n);
        if (out) n = 0;
    }
    for (size_t i = 0; i < n; i++)
        GEOSGeom_destroy_r(h, polys[i]);
    free(polys);
    GEOSGeom_destroy_r(h, v);
    return out;
}

/* Write one ring of the snapped result with the winding MVT wants.
 * 1 written, 0 degenerate, -1 out of memory, -2 GEOS failure. */
static int put_ring(GEOSContextHandle_t h, const GEOSGeometry *ring, int outer, px__clipbuf *c, px__enc *e,
                    double *sum)
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n)) return -2;
    if (n < 4) return 0;
    if (2 * (size_t)n > c->cap) {
        double *a = realloc(c->a, 2 * (size_t)n * sizeof *a);
        if (!a) return -1;
        c->a = a;
        c->cap = 2 * (size_t)n;
    }
    if (2 * (size_t)n > c->qcap) {
        int32_t *q = realloc(c->q, 2 * (size_t)n * sizeof *q);
        if (!q) return -1;
        c->q = q;
        c->qcap = 2 * (size_t)n;
    }
    if (!GEOSCoordSeq_copyToBuffer_r(h, seq, c->a, 0, 0)) return -2;
    size_t m = 0;
    for (unsigned i = 0; i + 1 < n; i++) { /* the closing point is implied by ClosePath */
        int32_t x = (int32_t)lround(c->a[2 * i]), y = (int32_t)lround(c->a[2 * i + 1]);
        if (m && c->q[2 * m - 2] == x && c->q[2 * m - 1] == y) continue;
        c->q[2 * m] = x;
        c->q[2 * m + 1] = y;
        m++;
    }
    while (m > 1 && c->q[0] == c->q[2 * m - 2] && c->q[1] == c->q[2 * m - 1])
        m--;
    if (m < 3) return 0;
    double a2 = px__ring_area2(c->q, m);
    if (a2 == 0) return 0;
    if ((a2 > 0) != (outer != 0)) {
        px__ring_reverse(c->q, m);
        a2 = -a2;
    }
    *sum += a2;
    /* Start at the top-left point (least y, then least x): the output then
     * does not depend on where GEOS chose to start a ring. */
    size_t k = 0;
    for (size_t i = 1; i < m; i++)
        if (c->q[2 * i + 1] < c->q[2 * k + 1] || (c->q[2 * i + 1] == c->q[2 * k + 1] && c->q[2 * i] < c->q[2 * k]))
            k = i;
    if (k) {
        int32_t *t = (int32_t *)c->a; /* free now: the ring is in q */
        memcpy(t, c->q + 2 * k, 2 * (m - k) * sizeof *t);
        memcpy(t + 2 * (m - k), c->q, 2 * k * sizeof *t);
        memcpy(c->q, t, 2 * m * sizeof *t);
    }
    return px__enc_path(e, c->q, m, 1) ? -1 : 1;
}

/* Write every polygon of `r`. Returns as put_ring (1 if anything). */
static int put_polys(GEOSContextHandle_t h, const GEOSGeometry *r, px__clipbuf *c, px__enc *e, double *sum)
{
    int t = GEOSGeomTypeId_r(h, r), any = 0;
    if (t == GEOS_POLYGON) {
        if (GEOSisEmpty_r(h, r) == 1) return 0;
        /* The overlay's output is valid and already on the grid, so a
         * shell that is written has its holes strictly inside it. */
        int rc = put_ring(h, GEOSGetExteriorRing_r(h, r), 1, c, e, sum);
        if (rc <= 0) return rc;
        int nh = GEOSGetNumInteriorRings_r(h, r);
        for (int i = 0; i < nh; i++) {
            rc = put_ring(h, GEOSGetInteriorRingN_r(h, r, i), 0, c, e, sum);
            if (rc < 0) return rc;
        }
        return 1;
    }
    if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        int k = GEOSGetNumGeometries_r(h, r);
        for (int i = 0; i < k; i++) {
            int rc = put_polys(h, GEOSGetGeometryN_r(h, r, i), c, e, sum);
            if (rc < 0) return rc;
            any |= rc;
        }
    }
    return any;
}

int px__tpoly_encode(const px__tgeom *g, double scale, double ox, double oy, double lo, double hi,
                     px__clipbuf *c, px__enc *e, double *a2)
{
    *a2 = 0;
    /* Quick rejection on the box, before any GEOS work. */
    if (g->maxx * scale - ox < lo || g->minx * scale - ox > hi || g->maxy * scale - oy < lo ||
        g->miny * scale - oy > hi)
        return 0;
    if (!c->geos && !(c->geos = GEOS_init_r())) return -1;
    GEOSContextHandle_t h = c->geos;
    size_t most = 0;
    for (uint32_t p = 0; p < g->n_parts; p++)
        if (g->part_n[p] > most) most = g->part_n[p];
    if (2 * (most + 1) > c->cap) {
        double *a = realloc(c->a, 2 * (most + 1) * sizeof *a);
        if (!a) return -1;
        c->a = a;
        c->cap = 2 * (most + 1);
    }
    int empty = 0, rc = -2;
    double box[4] = {lo, lo, hi, hi};
    GEOSGeometry *in = build(h, g, scale, ox, oy, box, c->a, &empty), *near = NULL, *rect = NULL, *res = NULL,
                 *fixed = NULL;
    if (!in) return empty ? 0 : -2;
    /* Fast path, for most features of most tiles: GEOS's linear-time
     * rectangle clipper, then each coordinate rounded to the grid; if that
     * is valid it is the answer. The overlay below costs n log n and seeds
     * a random generator per call (snap-rounding), which on a 15-minute
     * isochrone spanning hundreds of z14 tiles made tiling 25 times slower. */
    near = GEOSClipByRect_r(h, in, lo, lo, hi, hi);
    if (near && GEOSisEmpty_r(h, near) == 1) {
        rc = 0;
        goto done;
    }
    if (near) {
        res = GEOSGeom_setPrecision_r(h, near, 1.0, GEOS_PREC_NO_TOPO);
        if (res && GEOSisValid_r(h, res) != 1) {
            GEOSGeom_destroy_r(h, res);
            res = NULL;
        }
    }
    if (!res) {
        /* Clip and snap-round in one overlay (valid by construction), on a
         * repaired input when simplification made a ring touch itself. */
        const GEOSGeometry *src = near ? near : in;
        if (!(rect = GEOSGeom_createRectangle_r(h, lo, lo, hi, hi))) goto done;
        if (GEOSisValid_r(h, src) == 1) res = GEOSIntersectionPrec_r(h, src, rect, 1.0);
        if (!res || GEOSisValid_r(h, res) != 1) {
            if (res) GEOSGeom_destroy_r(h, res);
            res = NULL;
            if ((fixed = repair(h, src))) res = GEOSIntersectionPrec_r(h, fixed, rect, 1.0);
            if ((!res || GEOSisValid_r(h, res) != 1) && src != in) {
                /* The clipper's output would not mend: the whole feature. */
                if (res) GEOSGeom_destroy_r(h, res);
                if (fixed) GEOSGeom_destroy_r(h, fixed);
                res = NULL;
                if ((fixed = repair(h, in))) res = GEOSIntersectionPrec_r(h, fixed, rect, 1.0);
            }
            if (!res) goto done;
        }
    }
    size_t mark = e->cmds->n;
    rc = put_polys(h, res, c, e, a2);
    if (rc == -2) e->cmds->n = mark;
done:
    if (res) GEOSGeom_destroy_r(h, res);
    if (fixed) GEOSGeom_destroy_r(h, fixed);
    if (near) GEOSGeom_destroy_r(h, near);
    if (rect) GEOSGeom_destroy_r(h, rect);
    GEOSGeom_destroy_r(h, in);
    return rc;
}
