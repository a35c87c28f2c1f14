/*
 * The tiles module's feature source: reads one store table through the
 * store's reader, parses each WKB with GEOS, reprojects it once to Web
 * Mercator (px__xform) and keeps it as flat coordinate arrays in world
 * units, with its attribute values interned per layer. Everything the tiler
 * and the renderer do afterwards is plain arithmetic on these arrays, so no
 * GEOS or PROJ call happens per tile or per zoom.
 *
 * Left out: Z/M coordinates (dropped), curves (SpatiaLite has none), and the
 * `props` JSON column unless asked for by name.
 */
#include "tiles_int.h"
#include "../geom/geom_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MERC_R 20037508.342789244

void px__tgeom_clear(px__tgeom *g)
{
    free(g->part_n);
    free(g->outer);
    free(g->xy);
    memset(g, 0, sizeof *g);
}

void px__world_to_lonlat(double wx, double wy, double *lon, double *lat)
{
    *lon = wx * 360.0 - 180.0;
    *lat = atan(sinh(M_PI * (1.0 - 2.0 * wy))) * 180.0 / M_PI;
}

void px__lonlat_to_world(double lon, double lat, double *wx, double *wy)
{
    if (lat > 85.0511287798) lat = 85.0511287798;
    if (lat < -85.0511287798) lat = -85.0511287798;
    double s = sin(lat * M_PI / 180.0);
    *wx = (lon + 180.0) / 360.0;
    *wy = 0.5 - log((1 + s) / (1 - s)) / (4 * M_PI);
}

px_tile px_tile_from_lonlat(double lon, double lat, int z)
{
    if (z < 0) z = 0;
    if (z > 24) z = 24;
    double wx, wy;
    px__lonlat_to_world(lon, lat, &wx, &wy);
    double n = (double)(1u << z);
    double fx = floor(wx * n), fy = floor(wy * n);
    if (fx < 0) fx = 0;
    if (fy < 0) fy = 0;
    if (fx > n - 1) fx = n - 1;
    if (fy > n - 1) fy = n - 1;
    return (px_tile){.z = z, .x = (uint32_t)fx, .y = (uint32_t)fy};
}

/* ---- geometry building -------------------------------------------------- */

typedef struct gbuild {
    px__tgeom g;
    size_t cap_parts, cap_xy, n_xy;
} gbuild;

static int gb_part(gbuild *b, const double *xyz, unsigned n, int outer)
{
    if (b->g.n_parts == b->cap_parts) {
        size_t c = b->cap_parts ? 2 * b->cap_parts : 4;
        uint32_t *pn = realloc(b->g.part_n, c * sizeof *pn);
        if (!pn) return -1;
        b->g.part_n = pn;
        uint8_t *po = realloc(b->g.outer, c);
        if (!po) return -1;
        b->g.outer = po;
        b->cap_parts = c;
    }
    if (b->n_xy + 2 * (size_t)n > b->cap_xy) {
        size_t c = b->cap_xy ? 2 * b->cap_xy : 64;
        while (c < b->n_xy + 2 * (size_t)n)
            c *= 2;
        double *xy = realloc(b->g.xy, c * sizeof *xy);
        if (!xy) return -1;
        b->g.xy = xy;
        b->cap_xy = c;
    }
    for (unsigned i = 0; i < n; i++) {
        /* EPSG:3857 metres -> world units, y down. */
        b->g.xy[b->n_xy++] = (xyz[2 * i] + MERC_R) / (2 * MERC_R);
        b->g.xy[b->n_xy++] = (MERC_R - xyz[2 * i + 1]) / (2 * MERC_R);
    }
    b->g.part_n[b->g.n_parts] = n;
    b->g.outer[b->g.n_parts] = (uint8_t)outer;
    b->g.n_parts++;
    return 0;
}

/* Copy a coordinate sequence (reprojected in place) as one part. */
static int add_seq(px_ctx *ctx, px__xform *xf, const GEOSGeometry *line, gbuild *b, int outer, double **tmp,
                   size_t *tmp_cap)
{
    GEOSContextHandle_t h = px__geos(ctx);
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(h, line);
    unsigned n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n)) return -2;
    if (n == 0) return 0;
    if (2 * (size_t)n > *tmp_cap) {
        size_t c = 2 * (size_t)n;
        double *t = realloc(*tmp, c * sizeof *t);
        if (!t) return -1;
        *tmp = t;
        *tmp_cap = c;
    }
    if (!GEOSCoordSeq_copyToBuffer_r(h, seq, *tmp, 0, 0)) return -2;
    for (unsigned i = 0; i < n; i++)
        if (px__xform_point(xf, &(*tmp)[2 * i], &(*tmp)[2 * i + 1]) != PX_OK) return -3;
    return gb_part(b, *tmp, n, outer);
}

static int dim_of(int t)
{
    switch (t) {
    case GEOS_POINT:
    case GEOS_MULTIPOINT:
        return PX__GEOM_POINT;
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
    case GEOS_MULTILINESTRING:
        return PX__GEOM_LINE;
    case GEOS_POLYGON:
    case GEOS_MULTIPOLYGON:
        return PX__GEOM_POLY;
    default:
        return 0;
    }
}

/* Highest-dimension type in g (collections: over their members). */
static int top_type(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    int t = GEOSGeomTypeId_r(h, g);
    if (t != GEOS_GEOMETRYCOLLECTION) return dim_of(t);
    int best = 0, n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; i++) {
        int d = top_type(h, GEOSGetGeometryN_r(h, g, i));
        if (d > best) best = d;
    }
    return best;
}

/* Walk `g` keeping only parts of dimension `want`. */
static int walk(px_ctx *ctx, px__xform *xf, const GEOSGeometry *g, int want, gbuild *b, double **tmp,
                size_t *tmp_cap)
{
    GEOSContextHandle_t h = px__geos(ctx);
    if (GEOSisEmpty_r(h, g) == 1) return 0;
    int t = GEOSGeomTypeId_r(h, g);
    switch (t) {
    case GEOS_POINT:
        return want == PX__GEOM_POINT ? add_seq(ctx, xf, g, b, 0, tmp, tmp_cap) : 0;
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        return want == PX__GEOM_LINE ? add_seq(ctx, xf, g, b, 0, tmp, tmp_cap) : 0;
    case GEOS_POLYGON: {
        if (want != PX__GEOM_POLY) return 0;
        int rc = add_seq(ctx, xf, GEOSGetExteriorRing_r(h, g), b, 1, tmp, tmp_cap);
        int nh = GEOSGetNumInteriorRings_r(h, g);
        for (int i = 0; rc == 0 && i < nh; i++)
            rc = add_seq(ctx, xf, GEOSGetInteriorRingN_r(h, g, i), b, 0, tmp, tmp_cap);
        return rc;
    }
    default: {
        int n = GEOSGetNumGeometries_r(h, g), rc = 0;
        for (int i = 0; rc == 0 && i < n; i++)
            rc = walk(ctx, xf, GEOSGetGeometryN_r(h, g, i), want, b, tmp, tmp_cap);
        return rc;
    }
    }
}

/* ---- value interning ---------------------------------------------------- */

typedef struct vtab {
    uint32_t *slots; /* value id + 1; 0 = empty */
    size_t cap;
} vtab;

static uint64_t val_hash(const px__tval *v)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)v->type;
    if (v->type == PX_COL_TEXT) {
        for (const unsigned char *p = (const unsigned char *)v->s; *p; p++)
            h = (h ^ *p) * 1099511628211ull;
    } else {
        uint64_t bits;
        if (v->type == PX_COL_INT)
            bits = (uint64_t)v->i;
        else
            memcpy(&bits, &v->d, 8);
        h = (h ^ bits) * 1099511628211ull;
        h ^= h >> 29;
    }
    return h;
}

static int val_eq(const px__tval *a, const px__tval *b)
{
    if (a->type != b->type) return 0;
    if (a->type == PX_COL_TEXT) return !strcmp(a->s, b->s);
    if (a->type == PX_COL_INT) return a->i == b->i;
    return memcmp(&a->d, &b->d, 8) == 0;
}

static int vtab_grow(vtab *t, const px__tlayer *l)
{
    size_t cap = t->cap ? 2 * t->cap : 1024;
    uint32_t *s = calloc(cap, sizeof *s);
    if (!s) return -1;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i]) continue;
        size_t j = val_hash(&l->values[t->slots[i] - 1]) & (cap - 1);
        while (s[j])
            j = (j + 1) & (cap - 1);
        s[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = s;
    t->cap = cap;
    return 0;
}

/* Intern `v` (its string copied when new); id in *id. 0 or -1. */
static int intern(px__tlayer *l, vtab *t, size_t *values_cap, const px__tval *v, uint32_t *id)
{
    if (2 * (l->n_values + 1) > t->cap && vtab_grow(t, l)) return -1;
    size_t j = val_hash(v) & (t->cap - 1);
    while (t->slots[j]) {
        if (val_eq(&l->values[t->slots[j] - 1], v)) {
            *id = t->slots[j] - 1;
            return 0;
        }
        j = (j + 1) & (t->cap - 1);
    }
    if (l->n_values == *values_cap) {
        size_t c = *values_cap ? 2 * *values_cap : 256;
        px__tval *nv = realloc(l->values, c * sizeof *nv);
        if (!nv) return -1;
        l->values = nv;
        *values_cap = c;
    }
    px__tval nv = *v;
    if (v->type == PX_COL_TEXT && !(nv.s = px__strdup(v->s))) return -1;
    l->values[l->n_values] = nv;
    t->slots[j] = (uint32_t)++l->n_values;
    *id = (uint32_t)(l->n_values - 1);
    return 0;
}

/* ---- loading ------------------------------------------------------------ */

void px__tlayer_free(px__tlayer *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n_feat; i++)
        px__tgeom_clear(&l->geoms[i]);
    for (size_t i = 0; i < l->n_values; i++)
        free(l->values[i].s);
    for (size_t i = 0; i < l->n_cols; i++)
        free(l->cols[i]);
    free(l->cols);
    free(l->types);
    free(l->geoms);
    free(l->fids);
    free(l->vals);
    free(l->values);
    free(l->name);
    free(l);
}

int px__tlayer_col(const px__tlayer *l, const char *name)
{
    for (size_t i = 0; i < l->n_cols; i++)
        if (!strcmp(l->cols[i], name)) return (int)i;
    return -1;
}

static px_status grow_features(px_ctx *ctx, px__tlayer *l, size_t *cap)
{
    size_t c = *cap ? 2 * *cap : 1024;
    px__tgeom *g = realloc(l->geoms, c * sizeof *g);
    if (g) l->geoms = g;
    int64_t *f = realloc(l->fids, c * sizeof *f);
    if (f) l->fids = f;
    uint32_t *v = realloc(l->vals, (c * l->n_cols + 1) * sizeof *v);
    if (v) l->vals = v;
    if (!g || !f || !v) return px__error(ctx, PX_ENOMEM, "out of memory");
    *cap = c;
    return PX_OK;
}

px_status px__tlayer_load(px_ctx *ctx, px_store *store, const char *table, const char *const *columns,
                          px__tlayer **out)
{
    px_table_reader *r = NULL;
    px__xform *xf = NULL;
    double *tmp = NULL;
    size_t tmp_cap = 0, feat_cap = 0, values_cap = 0;
    vtab vt = {0};
    GEOSContextHandle_t h = px__geos(ctx);
    px__tlayer *l = calloc(1, sizeof *l);
    if (!l) return px__error(ctx, PX_ENOMEM, "out of memory");
    px_status rc = px_store_reader_open(store, table, columns, 1, NULL, &r);
    if (rc == PX_ENOTFOUND && px_store_has_table(store, table) && !columns)
        rc =
            px__error(ctx, PX_EDOMAIN, "%s: table '%s' has no geometry to tile", px_store_path(store), table);
    if (rc != PX_OK) goto done;
    if ((rc = px__xform_new(ctx, px_store_crs(store), "EPSG:3857", &xf)) != PX_OK) goto done;
    l->name = px__strdup(table);
    size_t n_all = px_table_reader_n_columns(r);
    l->cols = calloc(n_all + 1, sizeof *l->cols);
    l->types = calloc(n_all + 1, sizeof *l->types);
    size_t *src = calloc(n_all + 1, sizeof *src);
    if (!l->name || !l->cols || !l->types || !src) {
        free(src);
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n_all; i++) {
        const char *c = px_table_reader_column_name(r, i);
        if (!columns && !strcmp(c, "props")) continue; /* raw source attributes: opt-in only */
        src[l->n_cols] = i;
        l->types[l->n_cols] = px_table_reader_column_type(r, i);
        if (!(l->cols[l->n_cols++] = px__strdup(c))) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    }
    l->minx = l->miny = 1;
    l->maxx = l->maxy = 0;
    for (int has = 1; rc == PX_OK;) {
        if ((rc = px_table_reader_next(r, &has)) != PX_OK || !has) break;
        if (l->n_feat == feat_cap && (rc = grow_features(ctx, l, &feat_cap)) != PX_OK) break;
        size_t k = l->n_feat;
        l->fids[k] = px_table_reader_fid(r);
        /* Attributes: values typed by the column, except that SQLite may hold
         * another type in a cell; the cell's own type wins for text. */
        for (size_t c = 0; rc == PX_OK && c < l->n_cols; c++) {
            size_t i = src[c];
            uint32_t id = PX__NOVAL;
            if (!px_table_reader_is_null(r, i)) {
                px__tval v = {.type = l->types[c]};
                if (v.type == PX_COL_INT)
                    v.i = px_table_reader_int(r, i);
                else if (v.type == PX_COL_REAL)
                    v.d = px_table_reader_real(r, i);
                else
                    v.s = (char *)px_table_reader_text(r, i);
                if (intern(l, &vt, &values_cap, &v, &id)) rc = px__error(ctx, PX_ENOMEM, "out of memory");
            }
            l->vals[k * l->n_cols + c] = id;
        }
        size_t wlen = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &wlen);
        gbuild b = {0};
        if (rc == PX_OK && wkb) {
            GEOSGeometry *g = px__geom_from_wkb(ctx, wkb, wlen);
            if (!g) {
                rc = px__error(ctx, PX_EGEOS, "%s:%s:%lld: unreadable geometry", px_store_path(store), table,
                               (long long)l->fids[k]);
                break;
            }
            int want = top_type(h, g);
            int wr = want ? walk(ctx, xf, g, want, &b, &tmp, &tmp_cap) : 0;
            GEOSGeom_destroy_r(h, g);
            if (wr == -1)
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
            else if (wr == -2)
                rc = px__error(ctx, PX_EGEOS, "%s:%s:%lld: %s", px_store_path(store), table,
                               (long long)l->fids[k], px__geos_message(ctx));
            else if (wr == -3)
                rc = px__error(ctx, PX_EPROJ, "%s:%s:%lld: cannot reproject to EPSG:3857",
                               px_store_path(store), table, (long long)l->fids[k]);
            if (rc == PX_OK && b.g.n_parts) {
                b.g.type = (uint8_t)want;
                l->types_seen |= 1 << want;
                size_t n = b.n_xy / 2;
                b.g.minx = b.g.miny = 2;
                b.g.maxx = b.g.maxy = -1;
                for (size_t i = 0; i < n; i++) {
                    double x = b.g.xy[2 * i], y = b.g.xy[2 * i + 1];
                    if (x < b.g.minx) b.g.minx = x;
                    if (x > b.g.maxx) b.g.maxx = x;
                    if (y < b.g.miny) b.g.miny = y;
                    if (y > b.g.maxy) b.g.maxy = y;
                }
                if (b.g.minx < l->minx) l->minx = b.g.minx;
                if (b.g.miny < l->miny) l->miny = b.g.miny;
                if (b.g.maxx > l->maxx) l->maxx = b.g.maxx;
                if (b.g.maxy > l->maxy) l->maxy = b.g.maxy;
                l->has_extent = 1;
            } else {
                px__tgeom_clear(&b.g);
            }
        }
        l->geoms[k] = b.g;
        l->n_feat++;
        if ((l->n_feat & 4095) == 0 && rc == PX_OK)
            rc = px__progress(ctx, "tiles: read features", l->n_feat, 0);
    }
    free(src);
done:
    free(vt.slots);
    free(tmp);
    px__xform_free(xf);
    px_table_reader_close(r);
    if (rc != PX_OK) {
        px__tlayer_free(l);
        return rc;
    }
    *out = l;
    return PX_OK;
}
