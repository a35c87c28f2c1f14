/*
 * The vector tiler's geometry steps, on plain coordinate arrays: Douglas-
 * Peucker simplification in world units (once per zoom), then per tile:
 * clipping to the tile grown by its buffer (Sutherland-Hodgman for rings,
 * Liang-Barsky for lines), quantisation to the tile extent, winding fixed as
 * MVT 2.1 requires, degenerate parts dropped, and the MVT command stream.
 *
 * Polygons go through GEOS instead (tpoly.c: clip and snap-round in one
 * overlay, so that they come out valid); the Sutherland-Hodgman path below
 * is their fallback only when GEOS fails on a geometry.
 * Deliberately left out: topology-preserving simplification (DP may make a
 * ring touch itself at low zooms; tpoly.c repairs what reaches a tile).
 * Nothing here uses a px_ctx, so workers call it from any thread.
 */
#include "tiles_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int px__u32buf_push(px__u32buf *b, uint32_t x)
{
    if (b->n == b->cap) {
        size_t c = b->cap ? 2 * b->cap : 64;
        uint32_t *v = realloc(b->v, c * sizeof *v);
        if (!v) return -1;
        b->v = v;
        b->cap = c;
    }
    b->v[b->n++] = x;
    return 0;
}

void px__clipbuf_free(px__clipbuf *c)
{
    free(c->a);
    free(c->b);
    free(c->q);
    if (c->geos) GEOS_finish_r(c->geos);
    memset(c, 0, sizeof *c);
}

static int clip_reserve(px__clipbuf *c, size_t n_pts)
{
    /* Sutherland-Hodgman can add one point per edge and pass: 2n + 8 is
     * ample for a ring of n points. */
    size_t need = 2 * (2 * n_pts + 8);
    if (need > c->cap) {
        double *a = realloc(c->a, need * sizeof *a);
        if (!a) return -1;
        c->a = a;
        double *b = realloc(c->b, need * sizeof *b);
        if (!b) return -1;
        c->b = b;
        c->cap = need;
    }
    if (need > c->qcap) {
        int32_t *q = realloc(c->q, need * sizeof *q);
        if (!q) return -1;
        c->q = q;
        c->qcap = need;
    }
    return 0;
}

/* ---- simplification ----------------------------------------------------- */

static double seg_dist2(double px, double py, double ax, double ay, double bx, double by)
{
    double dx = bx - ax, dy = by - ay;
    double l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    double ex = ax + t * dx - px, ey = ay + t * dy - py;
    return ex * ex + ey * ey;
}

/* Mark the points DP keeps in `keep` (n points at xy). Iterative: a stack of
 * (first, last) spans avoids recursion depth trouble on long lines. */
static int dp_mark(const double *xy, size_t n, double tol2, uint8_t *keep)
{
    memset(keep, 0, n);
    keep[0] = keep[n - 1] = 1;
    if (n < 3) return 0;
    size_t cap = 64, top = 0;
    size_t *st = malloc(cap * 2 * sizeof *st);
    if (!st) return -1;
    st[0] = 0;
    st[1] = n - 1;
    top = 1;
    while (top) {
        top--;
        size_t a = st[2 * top], b = st[2 * top + 1];
        double best = -1;
        size_t bi = a;
        for (size_t i = a + 1; i < b; i++) {
            double d =
                seg_dist2(xy[2 * i], xy[2 * i + 1], xy[2 * a], xy[2 * a + 1], xy[2 * b], xy[2 * b + 1]);
            if (d > best) {
                best = d;
                bi = i;
            }
        }
        if (best > tol2) {
            keep[bi] = 1;
            if (top + 2 > cap) {
                cap *= 2;
                size_t *ns = realloc(st, cap * 2 * sizeof *ns);
                if (!ns) {
                    free(st);
                    return -1;
                }
                st = ns;
            }
            if (bi - a > 1) {
                st[2 * top] = a;
                st[2 * top + 1] = bi;
                top++;
            }
            if (b - bi > 1) {
                st[2 * top] = bi;
                st[2 * top + 1] = b;
                top++;
            }
        }
    }
    free(st);
    return 0;
}

int px__tgeom_simplify(const px__tgeom *in, double tol, int keep_all, px__tgeom *out)
{
    memset(out, 0, sizeof *out);
    if (!in->n_parts) return 0;
    size_t total = 0;
    for (uint32_t p = 0; p < in->n_parts; p++)
        total += in->part_n[p];
    out->part_n = malloc(in->n_parts * sizeof *out->part_n);
    out->outer = malloc(in->n_parts);
    out->xy = malloc(2 * total * sizeof *out->xy);
    uint8_t *keep = malloc(total ? total : 1);
    if (!out->part_n || !out->outer || !out->xy || !keep) goto fail;
    out->type = in->type;
    double tol2 = tol * tol;
    size_t off = 0, w = 0;
    int skip_holes = 0;
    for (uint32_t p = 0; p < in->n_parts; p++) {
        size_t n = in->part_n[p];
        const double *src = in->xy + 2 * off;
        off += n;
        if (in->type == PX__GEOM_POLY && !in->outer[p] && skip_holes) continue;
        size_t kept = 0;
        if (in->type == PX__GEOM_POINT || tol <= 0) {
            memset(keep, 1, n);
            kept = n;
        } else {
            if (dp_mark(src, n, tol2, keep)) goto fail;
            for (size_t i = 0; i < n; i++)
                kept += keep[i];
        }
        int ok = in->type == PX__GEOM_POINT ? kept >= 1 : in->type == PX__GEOM_LINE ? kept >= 2 : kept >= 4;
        if (!ok && keep_all && n >= 2) {
            /* Max zoom keeps every feature: the part goes through as is and,
             * if it quantises to nothing, encode() stands in a 1-unit mark. */
            memset(keep, 1, n);
            kept = n;
            ok = 1;
        }
        if (in->type == PX__GEOM_POLY && in->outer[p]) skip_holes = !ok;
        if (!ok) continue;
        for (size_t i = 0; i < n; i++)
            if (keep[i]) {
                out->xy[2 * w] = src[2 * i];
                out->xy[2 * w + 1] = src[2 * i + 1];
                w++;
            }
        out->part_n[out->n_parts] = (uint32_t)kept;
        out->outer[out->n_parts] = in->outer[p];
        out->n_parts++;
    }
    free(keep);
    if (!out->n_parts) {
        px__tgeom_clear(out);
        return 0;
    }
    out->minx = in->minx;
    out->miny = in->miny;
    out->maxx = in->maxx;
    out->maxy = in->maxy;
    return 0;
fail:
    free(keep);
    px__tgeom_clear(out);
    return -1;
}

/* ---- clipping ----------------------------------------------------------- */

/* One Sutherland-Hodgman pass of an open ring (n points in `in`) against the
 * half-plane axis (0 = x, 1 = y) `sign` * coord <= `sign` * lim. */
static size_t sh_pass(const double *in, size_t n, double *out, int axis, double lim, int keep_below)
{
    size_t m = 0;
    if (!n) return 0;
    const double *prev = in + 2 * (n - 1);
    int prev_in = keep_below ? prev[axis] <= lim : prev[axis] >= lim;
    for (size_t i = 0; i < n; i++) {
        const double *cur = in + 2 * i;
        int cur_in = keep_below ? cur[axis] <= lim : cur[axis] >= lim;
        if (cur_in != prev_in) {
            double t = (lim - prev[axis]) / (cur[axis] - prev[axis]);
            double x = prev[0] + t * (cur[0] - prev[0]), y = prev[1] + t * (cur[1] - prev[1]);
            if (axis == 0)
                x = lim;
            else
                y = lim;
            out[2 * m] = x;
            out[2 * m + 1] = y;
            m++;
        }
        if (cur_in) {
            out[2 * m] = cur[0];
            out[2 * m + 1] = cur[1];
            m++;
        }
        prev = cur;
        prev_in = cur_in;
    }
    return m;
}

static uint32_t cmd(uint32_t id, uint32_t count)
{
    return (id & 7) | (count << 3);
}
static uint32_t zz(int32_t v)
{
    return ((uint32_t)v << 1) ^ (uint32_t)(v >> 31);
}

/* Quantise n points of `in` into q (int pairs), dropping consecutive
 * duplicates (and, for rings, a last point equal to the first). */
static size_t quantise(const double *in, size_t n, int32_t *q, int ring)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t x = (int32_t)lround(in[2 * i]), y = (int32_t)lround(in[2 * i + 1]);
        if (m && q[2 * m - 2] == x && q[2 * m - 1] == y) continue;
        q[2 * m] = x;
        q[2 * m + 1] = y;
        m++;
    }
    while (ring && m > 1 && q[0] == q[2 * m - 2] && q[1] == q[2 * m - 1])
        m--;
    return m;
}

typedef px__enc enc;

int px__enc_path(px__enc *e, const int32_t *q, size_t n, int close)
{
    if (px__u32buf_push(e->cmds, cmd(1, 1)) || px__u32buf_push(e->cmds, zz(q[0] - e->cx)) ||
        px__u32buf_push(e->cmds, zz(q[1] - e->cy)))
        return -1;
    e->cx = q[0];
    e->cy = q[1];
    if (px__u32buf_push(e->cmds, cmd(2, (uint32_t)(n - 1)))) return -1;
    for (size_t i = 1; i < n; i++) {
        if (px__u32buf_push(e->cmds, zz(q[2 * i] - e->cx)) ||
            px__u32buf_push(e->cmds, zz(q[2 * i + 1] - e->cy)))
            return -1;
        e->cx = q[2 * i];
        e->cy = q[2 * i + 1];
    }
    if (close && px__u32buf_push(e->cmds, cmd(7, 1))) return -1;
    return 0;
}

static int emit_path(enc *e, const int32_t *q, size_t n, int close)
{
    return px__enc_path(e, q, n, close);
}

double px__ring_area2(const int32_t *q, size_t n)
{
    double s = 0;
    for (size_t i = 0, j = n - 1; i < n; j = i++)
        s += (double)q[2 * j] * q[2 * i + 1] - (double)q[2 * i] * q[2 * j + 1];
    return s;
}

void px__ring_reverse(int32_t *q, size_t n)
{
    for (size_t i = 1, j = n - 1; i < j; i++, j--) {
        int32_t x = q[2 * i], y = q[2 * i + 1];
        q[2 * i] = q[2 * j];
        q[2 * i + 1] = q[2 * j + 1];
        q[2 * j] = x;
        q[2 * j + 1] = y;
    }
}

/* A 1-unit square (polygon) or segment (line) at the feature's box centre,
 * when that centre is inside the tile proper (so only one tile gets it). */
static int tiny_mark(const px__tgeom *g, double scale, double ox, double oy, int extent, enc *e)
{
    double cx = floor((g->minx + g->maxx) / 2 * scale - ox), cy = floor((g->miny + g->maxy) / 2 * scale - oy);
    if (cx < 0 || cy < 0 || cx >= extent || cy >= extent) return 0;
    int32_t x = (int32_t)cx, y = (int32_t)cy;
    int32_t sq[8] = {x, y, x + 1, y, x + 1, y + 1, x, y + 1};
    if (g->type == PX__GEOM_POLY) return emit_path(e, sq, 4, 1) ? -1 : 1;
    return emit_path(e, sq, 2, 0) ? -1 : 1;
}

int px__tgeom_encode(const px__tgeom *g, int z, uint32_t tx, uint32_t ty, int extent, int buffer,
                     int keep_tiny, px__clipbuf *c, px__u32buf *cmds, double *importance)
{
    double scale = ldexp((double)extent, z);
    double ox = (double)tx * extent, oy = (double)ty * extent;
    double lo = -buffer, hi = (double)extent + buffer;
    size_t start = cmds->n, off = 0;
    enc e = {.cmds = cmds};
    double imp = 0;
    int skip_holes = 0;
    *importance = 0;
    if (g->type == PX__GEOM_POINT) {
        size_t total = 0;
        for (uint32_t p = 0; p < g->n_parts; p++)
            total += g->part_n[p];
        if (clip_reserve(c, total)) return -1;
        size_t m = 0;
        for (size_t i = 0; i < total; i++) {
            double x = g->xy[2 * i] * scale - ox, y = g->xy[2 * i + 1] * scale - oy;
            if (x < lo || x > hi || y < lo || y > hi) continue;
            c->q[2 * m] = (int32_t)lround(x);
            c->q[2 * m + 1] = (int32_t)lround(y);
            m++;
        }
        if (!m) return 0;
        if (px__u32buf_push(cmds, cmd(1, (uint32_t)m))) return -1;
        for (size_t i = 0; i < m; i++) {
            if (px__u32buf_push(cmds, zz(c->q[2 * i] - e.cx)) ||
                px__u32buf_push(cmds, zz(c->q[2 * i + 1] - e.cy)))
                return -1;
            e.cx = c->q[2 * i];
            e.cy = c->q[2 * i + 1];
        }
        return 1;
    }
    if (g->type == PX__GEOM_POLY) {
        double a2 = 0;
        int r = px__tpoly_encode(g, scale, ox, oy, lo, hi, c, &e, &a2);
        if (r == -1) return -1;
        if (r >= 0) {
            *importance = a2 / 2;
            if (r == 0 && keep_tiny) return tiny_mark(g, scale, ox, oy, extent, &e);
            return r;
        }
        /* GEOS could not make sense of the rings: plain clipping below, so
         * that the feature is at least drawn. */
        cmds->n = start;
        e = (enc){.cmds = cmds};
    }
    for (uint32_t p = 0; p < g->n_parts; p++) {
        size_t n = g->part_n[p];
        const double *src = g->xy + 2 * off;
        off += n;
        if (clip_reserve(c, n)) return -1;
        if (g->type == PX__GEOM_POLY) {
            if (!g->outer[p] && skip_holes) continue;
            size_t m = n > 1 && src[0] == src[2 * n - 2] && src[1] == src[2 * n - 1] ? n - 1 : n;
            for (size_t i = 0; i < m; i++) {
                c->a[2 * i] = src[2 * i] * scale - ox;
                c->a[2 * i + 1] = src[2 * i + 1] * scale - oy;
            }
            m = sh_pass(c->a, m, c->b, 0, lo, 0);
            m = sh_pass(c->b, m, c->a, 0, hi, 1);
            m = sh_pass(c->a, m, c->b, 1, lo, 0);
            m = sh_pass(c->b, m, c->a, 1, hi, 1);
            size_t k = quantise(c->a, m, c->q, 1);
            double a2 = k >= 3 ? px__ring_area2(c->q, k) : 0;
            if (a2 == 0) {
                if (g->outer[p]) skip_holes = 1;
                continue;
            }
            if (g->outer[p]) skip_holes = 0;
            int want_positive = g->outer[p];
            if ((a2 > 0) != want_positive) {
                px__ring_reverse(c->q, k);
                a2 = -a2;
            }
            imp += a2 / 2;
            if (emit_path(&e, c->q, k, 1)) return -1;
        } else {
            /* Liang-Barsky per segment; runs of consecutive inside pieces
             * become one output line. */
            size_t m = 0;
            for (size_t i = 0; i + 1 < n; i++) {
                double x0 = src[2 * i] * scale - ox, y0 = src[2 * i + 1] * scale - oy;
                double x1 = src[2 * i + 2] * scale - ox, y1 = src[2 * i + 3] * scale - oy;
                double t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
                double pp[4] = {-dx, dx, -dy, dy}, qq[4] = {x0 - lo, hi - x0, y0 - lo, hi - y0};
                int out = 0;
                for (int k = 0; k < 4 && !out; k++) {
                    if (pp[k] == 0) {
                        if (qq[k] < 0) out = 1;
                    } else {
                        double t = qq[k] / pp[k];
                        if (pp[k] < 0) {
                            if (t > t1)
                                out = 1;
                            else if (t > t0)
                                t0 = t;
                        } else {
                            if (t < t0)
                                out = 1;
                            else if (t < t1)
                                t1 = t;
                        }
                    }
                }
                if (out) continue;
                double ax = x0 + t0 * dx, ay = y0 + t0 * dy, bx = x0 + t1 * dx, by = y0 + t1 * dy;
                if (m && (t0 > 0 || c->a[2 * m - 2] != ax || c->a[2 * m - 1] != ay)) {
                    /* The previous run ended at the tile edge: flush it. */
                    size_t k = quantise(c->a, m, c->q, 0);
                    if (k >= 2) {
                        for (size_t j = 1; j < k; j++)
                            imp += hypot(c->q[2 * j] - c->q[2 * j - 2], c->q[2 * j + 1] - c->q[2 * j - 1]);
                        if (emit_path(&e, c->q, k, 0)) return -1;
                    }
                    m = 0;
                }
                if (!m) {
                    c->a[0] = ax;
                    c->a[1] = ay;
                    m = 1;
                }
                c->a[2 * m] = bx;
                c->a[2 * m + 1] = by;
                m++;
            }
            if (m) {
                size_t k = quantise(c->a, m, c->q, 0);
                if (k >= 2) {
                    for (size_t j = 1; j < k; j++)
                        imp += hypot(c->q[2 * j] - c->q[2 * j - 2], c->q[2 * j + 1] - c->q[2 * j - 1]);
                    if (emit_path(&e, c->q, k, 0)) return -1;
                }
            }
        }
    }
    *importance = imp;
    if (cmds->n == start && keep_tiny) return tiny_mark(g, scale, ox, oy, extent, &e);
    return cmds->n > start;
}
