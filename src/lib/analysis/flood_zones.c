/*
 * The flood overlay index: hazard zones unioned per class, made exclusive by
 * severity (medium minus high, low minus both), split into polygon parts,
 * each prepared and put in a GEOS STRtree. The measuring functions (areas,
 * lengths, point classes, segment tests) query the tree and intersect with
 * the candidate parts only. Zones are repaired with GEOSMakeValid when GEOS
 * finds them invalid. Hazard labels beyond the three classes are skipped and
 * counted, never guessed.
 */
#include "flood_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct fz_part {
    GEOSGeometry *g;
    const GEOSPreparedGeometry *pg;
    int cls;
} fz_part;

struct px_flood_zones {
    px_ctx *ctx; /* borrowed: the zones must be freed before the context */
    GEOSSTRtree *tree;
    size_t n_parts;
    fz_part *parts;
};

const char *px_hazard_name(int hazard)
{
    static const char *const names[] = {"high", "medium", "low", "any"};
    return hazard >= 0 && hazard <= PX_HAZARD_ANY ? names[hazard] : "";
}

/* Lower-case ASCII copy with accented e/e-grave (UTF-8) folded to 'e' and
 * '_' / '-' read as spaces, so "Très_fort" and "tres fort" compare equal. */
static void fold(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 1 < cap; p++) {
        if (p[0] == 0xC3 && (p[1] == 0xA8 || p[1] == 0xA9 || p[1] == 0x88 || p[1] == 0x89)) {
            out[n++] = 'e';
            p++;
        } else if (*p == '_' || *p == '-') {
            out[n++] = ' ';
        } else {
            out[n++] = (char)tolower(*p);
        }
    }
    out[n] = '\0';
}

px_status px_hazard_parse(const char *label, px_hazard *out)
{
    static const struct {
        const char *name;
        px_hazard h;
    } names[] = {{"high", PX_HAZARD_HIGH},      {"very high", PX_HAZARD_HIGH},  {"fort", PX_HAZARD_HIGH},
                 {"tres fort", PX_HAZARD_HIGH}, {"eleve", PX_HAZARD_HIGH},      {"medium", PX_HAZARD_MEDIUM},
                 {"moyen", PX_HAZARD_MEDIUM},   {"moderate", PX_HAZARD_MEDIUM}, {"modere", PX_HAZARD_MEDIUM},
                 {"low", PX_HAZARD_LOW},        {"very low", PX_HAZARD_LOW},    {"faible", PX_HAZARD_LOW},
                 {"tres faible", PX_HAZARD_LOW}};
    if (!label || !out) return PX_ENOTFOUND;
    char buf[64];
    fold(label, buf, sizeof buf);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(buf, names[i].name)) {
            *out = names[i].h;
            return PX_OK;
        }
    return PX_ENOTFOUND;
}

void px_flood_zones_free(px_flood_zones *z)
{
    if (!z) return;
    GEOSContextHandle_t h = px__geos(z->ctx);
    if (z->tree) GEOSSTRtree_destroy_r(h, z->tree);
    for (size_t i = 0; i < z->n_parts; i++) {
        if (z->parts[i].pg) GEOSPreparedGeom_destroy_r(h, z->parts[i].pg);
        if (z->parts[i].g) GEOSGeom_destroy_r(h, z->parts[i].g);
    }
    free(z->parts);
    free(z);
}

/* Add the polygon parts of `g` (borrowed) as class `cls`. */
static px_status add_parts(px_flood_zones *z, const GEOSGeometry *g, int cls)
{
    GEOSContextHandle_t h = px__geos(z->ctx);
    int n = GEOSGetNumGeometries_r(h, g);
    fz_part *np = realloc(z->parts, (z->n_parts + (size_t)(n > 0 ? n : 0) + 1) * sizeof *np);
    if (!np) return px__error(z->ctx, PX_ENOMEM, "out of memory");
    z->parts = np;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *gi = GEOSGetGeometryN_r(h, g, i);
        int type = GEOSGeomTypeId_r(h, gi);
        if (type != GEOS_POLYGON || GEOSisEmpty_r(h, gi))
            continue; /* slivers of lines/points from differences */
        fz_part *p = &z->parts[z->n_parts];
        p->g = GEOSGeom_clone_r(h, gi);
        p->pg = p->g ? GEOSPrepare_r(h, p->g) : NULL;
        p->cls = cls;
        if (!p->g || !p->pg) {
            if (p->g) GEOSGeom_destroy_r(h, p->g);
            return px__error(z->ctx, PX_EGEOS, "flood_zones: cannot prepare a %s zone: %s",
                             px_hazard_name(cls), px__geos_message(z->ctx));
        }
        z->n_parts++;
    }
    return PX_OK;
}

/* Union the zones of each class, then subtract the more severe classes. */
static px_status build_classes(px_flood_zones *z, GEOSGeometry **members[PX_HAZARD_COUNT],
                               size_t n_members[PX_HAZARD_COUNT])
{
    GEOSContextHandle_t h = px__geos(z->ctx);
    GEOSGeometry *covered = NULL; /* union of the classes done so far */
    px_status rc = PX_OK;
    for (int c = 0; c < PX_HAZARD_COUNT && rc == PX_OK; c++) {
        if (n_members[c] == 0) continue;
        /* The collection takes the members; the caller's array forgets them. */
        GEOSGeometry *coll =
            GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, members[c], (unsigned)n_members[c]);
        if (coll) n_members[c] = 0;
        GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
        if (coll) GEOSGeom_destroy_r(h, coll);
        GEOSGeometry *excl = NULL;
        if (u) excl = covered ? GEOSDifference_r(h, u, covered) : GEOSGeom_clone_r(h, u);
        if (!u || !excl) {
            rc = px__error(z->ctx, PX_EGEOS, "flood_zones: cannot union the %s zones: %s", px_hazard_name(c),
                           px__geos_message(z->ctx));
        } else {
            rc = add_parts(z, excl, c);
            GEOSGeometry *nc = covered ? GEOSUnion_r(h, covered, u) : GEOSGeom_clone_r(h, u);
            if (!nc && rc == PX_OK)
                rc = px__error(z->ctx, PX_EGEOS, "flood_zones: union failed: %s", px__geos_message(z->ctx));
            if (covered) GEOSGeom_destroy_r(h, covered);
            covered = nc;
        }
        if (u) GEOSGeom_destroy_r(h, u);
        if (excl) GEOSGeom_destroy_r(h, excl);
    }
    if (covered) GEOSGeom_destroy_r(h, covered);
    return rc;
}

px_status px_flood_zones_new(px_ctx *ctx, const px_flood_zone_input *zones, size_t n, px_flood_zones **out,
                             size_t *n_skipped)
{
    if (!out || (n && !zones)) return px__error(ctx, PX_EINVAL, "px_flood_zones_new: NULL argument");
    GEOSContextHandle_t h = px__geos(ctx);
    px_flood_zones *z = calloc(1, sizeof *z);
    GEOSGeometry **members[PX_HAZARD_COUNT] = {NULL, NULL, NULL};
    size_t n_members[PX_HAZARD_COUNT] = {0, 0, 0}, skipped = 0;
    px_status rc = PX_OK;
    for (int c = 0; c < PX_HAZARD_COUNT; c++)
        members[c] = malloc((n ? n : 1) * sizeof **members);
    if (!z || !members[0] || !members[1] || !members[2]) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    z->ctx = ctx;
    for (size_t i = 0; i < n && rc == PX_OK; i++) {
        px_hazard cls;
        if (px_hazard_parse(zones[i].hazard, &cls) != PX_OK) {
            px__log(ctx, PX_LOG_WARN, "flood_zones:%zu: hazard '%s' is not high, medium or low: zone skipped",
                    i + 1, zones[i].hazard ? zones[i].hazard : "(null)");
            skipped++;
            continue;
        }
        GEOSGeometry *g = px__geom_from_wkb(ctx, zones[i].wkb, zones[i].wkb_len);
        if (!g) {
            rc = px__error(ctx, PX_EGEOS, "flood_zones:%zu: not a valid geometry", i + 1);
            break;
        }
        if (GEOSisValid_r(h, g) != 1) {
            GEOSGeometry *fixed = GEOSMakeValid_r(h, g);
            GEOSGeom_destroy_r(h, g);
            if (!(g = fixed)) {
                rc = px__error(ctx, PX_EGEOS, "flood_zones:%zu: cannot repair: %s", i + 1,
                               px__geos_message(ctx));
                break;
            }
        }
        members[cls][n_members[cls]++] = g;
    }
    if (rc == PX_OK) rc = build_classes(z, members, n_members);
    if (rc == PX_OK && !(z->tree = GEOSSTRtree_create_r(h, 10)))
        rc = px__error(ctx, PX_EGEOS, "flood_zones: cannot create an index");
    for (size_t i = 0; rc == PX_OK && i < z->n_parts; i++)
        GEOSSTRtree_insert_r(h, z->tree, z->parts[i].g, &z->parts[i]);
done:
    for (int c = 0; c < PX_HAZARD_COUNT; c++) {
        for (size_t i = 0; members[c] && i < n_members[c]; i++)
            GEOSGeom_destroy_r(h, members[c][i]);
        free(members[c]);
    }
    if (rc != PX_OK) {
        px_flood_zones_free(z);
        return rc;
    }
    if (n_skipped) *n_skipped = skipped;
    *out = z;
    return PX_OK;
}

/* ---- queries --------------------------------------------------------------- */

typedef struct hits {
    const fz_part **v;
    size_t n, cap;
    int oom;
} hits;

static void collect(void *item, void *user)
{
    hits *hs = user;
    if (hs->n == hs->cap) {
        size_t cap = hs->cap ? 2 * hs->cap : 16;
        const fz_part **nv = realloc(hs->v, cap * sizeof *nv);
        if (!nv) {
            hs->oom = 1;
            return;
        }
        hs->v = nv;
        hs->cap = cap;
    }
    hs->v[hs->n++] = item;
}

/* Candidate parts whose box meets g's. */
static px_status query(const px_flood_zones *z, const GEOSGeometry *g, hits *hs)
{
    hs->n = 0;
    if (!z->tree || z->n_parts == 0) return PX_OK;
    GEOSSTRtree_query_r(px__geos(z->ctx), z->tree, g, collect, hs);
    return hs->oom ? px__error(z->ctx, PX_ENOMEM, "out of memory") : PX_OK;
}

/* Measure (area or length) of g inside each class. */
px_status px__flood_measure(px_ctx *ctx, const px_flood_zones *z, const GEOSGeometry *g, int use_area,
                            double *total, double *inside)
{
    GEOSContextHandle_t h = px__geos(ctx);
    double m = 0;
    if ((use_area ? GEOSArea_r(h, g, &m) : GEOSLength_r(h, g, &m)) != 1)
        return px__error(ctx, PX_EGEOS, "flood overlay: cannot measure: %s", px__geos_message(ctx));
    for (int c = 0; c <= PX_HAZARD_ANY; c++)
        inside[c] = 0;
    hits hs = {0};
    px_status rc = query(z, g, &hs);
    for (size_t i = 0; rc == PX_OK && i < hs.n; i++) {
        const fz_part *p = hs.v[i];
        if (GEOSPreparedIntersects_r(h, p->pg, g) != 1) continue;
        double part = 0;
        if (GEOSPreparedCovers_r(h, p->pg, g) == 1) {
            part = m;
        } else {
            GEOSGeometry *x = GEOSIntersection_r(h, p->g, g);
            if (!x) {
                rc =
                    px__error(ctx, PX_EGEOS, "flood overlay: intersection failed: %s", px__geos_message(ctx));
                break;
            }
            if ((use_area ? GEOSArea_r(h, x, &part) : GEOSLength_r(h, x, &part)) != 1) part = 0;
            GEOSGeom_destroy_r(h, x);
        }
        inside[p->cls] += part;
        inside[PX_HAZARD_ANY] += part;
    }
    free(hs.v);
    if (rc == PX_OK) *total = m;
    return rc;
}

px_status px_flood_polygon_shares(px_ctx *ctx, const px_flood_zones *z, const unsigned char *wkb, size_t len,
                                  double *area_m2, double *shares)
{
    if (!z || !wkb || !area_m2 || !shares)
        return px__error(ctx, PX_EINVAL, "px_flood_polygon_shares: NULL argument");
    GEOSGeometry *g = px__geom_from_wkb(ctx, wkb, len);
    if (!g) return px__error(ctx, PX_EGEOS, "flood overlay: not a valid geometry");
    double area = 0, in[PX_HAZARD_COUNT + 1];
    px_status rc = px__flood_measure(ctx, z, g, 1, &area, in);
    GEOSGeom_destroy_r(px__geos(ctx), g);
    if (rc != PX_OK) return rc;
    for (int c = 0; c <= PX_HAZARD_ANY; c++) {
        double s = area > 0 ? in[c] / area : 0.0;
        shares[c] = s > 1 ? 1 : s; /* rounding in the overlay must not exceed the whole */
    }
    *area_m2 = area;
    return PX_OK;
}

px_status px_flood_line_lengths(px_ctx *ctx, const px_flood_zones *z, const unsigned char *wkb, size_t len,
                                double *length_m, double *inside_m)
{
    if (!z || !wkb || !length_m || !inside_m)
        return px__error(ctx, PX_EINVAL, "px_flood_line_lengths: NULL argument");
    GEOSGeometry *g = px__geom_from_wkb(ctx, wkb, len);
    if (!g) return px__error(ctx, PX_EGEOS, "flood overlay: not a valid geometry");
    px_status rc = px__flood_measure(ctx, z, g, 0, length_m, inside_m);
    GEOSGeom_destroy_r(px__geos(ctx), g);
    return rc;
}

px_status px_flood_point_class(px_ctx *ctx, const px_flood_zones *z, double x, double y, int *out)
{
    if (!z || !out) return px__error(ctx, PX_EINVAL, "px_flood_point_class: NULL argument");
    GEOSContextHandle_t h = px__geos(ctx);
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
    if (!pt) return px__error(ctx, PX_EGEOS, "flood overlay: cannot make a point");
    hits hs = {0};
    px_status rc = query(z, pt, &hs);
    int best = -1;
    for (size_t i = 0; rc == PX_OK && i < hs.n; i++)
        if ((best < 0 || hs.v[i]->cls < best) && GEOSPreparedCovers_r(h, hs.v[i]->pg, pt) == 1)
            best = hs.v[i]->cls;
    free(hs.v);
    GEOSGeom_destroy_r(h, pt);
    if (rc == PX_OK) *out = best;
    return rc;
}

px_status px_flood_segment_hits(px_ctx *ctx, const px_flood_zones *z, double x0, double y0, double x1,
                                double y1, px_hazard level, int *out)
{
    if (!z || !out || (unsigned)level >= PX_HAZARD_COUNT)
        return px__error(ctx, PX_EINVAL, "px_flood_segment_hits: bad argument");
    GEOSContextHandle_t h = px__geos(ctx);
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, 2, 2);
    GEOSGeometry *ln = NULL;
    if (cs) {
        GEOSCoordSeq_setXY_r(h, cs, 0, x0, y0);
        GEOSCoordSeq_setXY_r(h, cs, 1, x1, y1);
        ln = GEOSGeom_createLineString_r(h, cs); /* takes cs */
    }
    if (!ln) return px__error(ctx, PX_EGEOS, "flood overlay: cannot make a segment");
    hits hs = {0};
    px_status rc = query(z, ln, &hs);
    int hit = 0;
    for (size_t i = 0; rc == PX_OK && !hit && i < hs.n; i++)
        if (hs.v[i]->cls <= (int)level && GEOSPreparedIntersects_r(h, hs.v[i]->pg, ln) == 1) hit = 1;
    free(hs.v);
    GEOSGeom_destroy_r(h, ln);
    if (rc == PX_OK) *out = hit;
    return rc;
}
