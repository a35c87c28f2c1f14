/*
 * Styled raster tiles: each tile is drawn with cairo (antialiased) from the
 * feature set of the style's tables, layer by layer in style order, paint
 * values evaluated per feature at the style zoom, and encoded to PNG with
 * cairo's PNG writer. Many tiles are drawn in parallel, one cairo surface per
 * tile; the sink is written by the calling thread only.
 *
 * Style zoom: a tile of `tile_size` CSS pixels at zoom z is what MapLibre
 * shows at zoom z + log2(tile_size / 512), so a style means the same here
 * and in the browser (clamped at 0, as MapLibre has no negative zoom); @2x
 * doubles the pixels, not the zoom.
 * Left out: labels, patterns, line offsets/gaps, circles on line or polygon
 * vertices (circle layers draw point features only).
 */
#include "style_int.h"

#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void px_rtiles_options_default(px_rtiles_options *o)
{
    memset(o, 0, sizeof *o);
    o->minzoom = 0;
    o->maxzoom = 14;
    o->tile_size = 256;
    o->pixel_ratio = 1;
    o->threads = 2;
}

typedef struct rjob {
    const px_style *style;
    px__tlayer **tables; /* per style table */
    int tile_size, ratio;
} rjob;

/* World (wx, wy) to device: ((wx - ox) * k, (wy - oy) * k). */
static void path_parts(cairo_t *cr, const px__tgeom *g, double ox, double oy, double k, int close)
{
    size_t off = 0;
    for (uint32_t p = 0; p < g->n_parts; p++) {
        const double *xy = g->xy + 2 * off;
        off += g->part_n[p];
        for (uint32_t i = 0; i < g->part_n[p]; i++) {
            double x = (xy[2 * i] - ox) * k, y = (xy[2 * i + 1] - oy) * k;
            if (i == 0)
                cairo_move_to(cr, x, y);
            else
                cairo_line_to(cr, x, y);
        }
        if (close) cairo_close_path(cr);
    }
}

static double clamp01(double v)
{
    return v > 0 ? (v < 1 ? v : 1) : 0;
}

/* A width or radius in device pixels: negative is nothing, and anything
 * beyond a few tiles is drawn as a few tiles (cairo's cost grows with the
 * size: circle-radius 1e308 would never finish). */
static double size_px(double css_px, double ratio)
{
    double v = css_px * ratio;
    return v > 0 ? (v < 8192 ? v : 8192) : 0;
}

static void set_rgba(cairo_t *cr, const double c[4], double opacity)
{
    cairo_set_source_rgba(cr, c[0], c[1], c[2], c[3] * opacity);
}

/* Draw the view v of the style's tables onto cr, layer by layer in style
 * order (labels through labels.c, placed over what is drawn so far);
 * *n_drawn counts features drawn (background excluded). */
void px__draw_view(const px_style *style, px__tlayer *const *tables, const px__view *v, cairo_t *cr, int *n_drawn)
{
    static const double black[4] = {0, 0, 0, 1}, transparent[4] = {0, 0, 0, 0};
    double ox = v->ox, oy = v->oy, k = v->k, zoom = v->zoom, ratio = v->ratio;
    /* Box of the view in world units, with a margin for wide lines and big circles. */
    double m = 64.0 * ratio / k;
    double bx0 = ox - m, by0 = oy - m, bx1 = ox + v->width / k + m, by1 = oy + v->height / k + m;
    px__labels *labels = NULL;
    *n_drawn = 0;
    for (size_t li = 0; li < style->n_layers; li++) {
        const px__slayer *l = &style->layers[li];
        if (zoom < l->minzoom || zoom >= l->maxzoom) continue;
        px__sctx c = {.layer = NULL, .zoom = zoom};
        double col[4];
        if (l->type == PX__SL_BACKGROUND) {
            px__style_color(l->paint[PX__P_BACKGROUND_COLOR], &c, black, col);
            set_rgba(cr, col, clamp01(px__style_number(l->paint[PX__P_BACKGROUND_OPACITY], &c, 1)));
            cairo_paint(cr);
            continue;
        }
        const px__tlayer *tl = NULL;
        for (size_t i = 0; i < style->n_tables; i++)
            if (!strcmp(style->tables[i], l->table)) tl = tables[i];
        if (!tl) continue;
        if (l->type == PX__SL_SYMBOL) {
            if (!labels) labels = px__labels_new(cr);
            if (labels) *n_drawn += px__labels_layer(labels, l, tl, v, cr);
            continue;
        }
        c.layer = tl;
        for (size_t fi = 0; fi < tl->n_feat; fi++) {
            const px__tgeom *g = &tl->geoms[fi];
            if (!g->n_parts || g->maxx < bx0 || g->minx > bx1 || g->maxy < by0 || g->miny > by1) continue;
            if (l->type == PX__SL_FILL && g->type != PX__GEOM_POLY) continue;
            if (l->type == PX__SL_LINE && g->type == PX__GEOM_POINT) continue;
            if (l->type == PX__SL_CIRCLE && g->type != PX__GEOM_POINT) continue;
            c.feat = fi;
            if (!px__style_filter(l->filter, &c)) continue;
            cairo_new_path(cr);
            if (l->type == PX__SL_FILL) {
                px__style_color(l->paint[PX__P_FILL_COLOR], &c, black, col);
                double op = clamp01(px__style_number(l->paint[PX__P_FILL_OPACITY], &c, 1));
                int aa = px__style_bool(l->paint[PX__P_FILL_ANTIALIAS], &c, 1);
                cairo_set_antialias(cr, aa ? CAIRO_ANTIALIAS_DEFAULT : CAIRO_ANTIALIAS_NONE);
                cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
                path_parts(cr, g, ox, oy, k, 1);
                set_rgba(cr, col, op);
                if (l->paint[PX__P_FILL_OUTLINE_COLOR]) {
                    cairo_fill_preserve(cr);
                    px__style_color(l->paint[PX__P_FILL_OUTLINE_COLOR], &c, transparent, col);
                    set_rgba(cr, col, op);
                    cairo_set_line_width(cr, 1.0 * ratio);
                    cairo_stroke(cr);
                } else {
                    cairo_fill(cr);
                }
                cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
            } else if (l->type == PX__SL_LINE) {
                double w = size_px(px__style_number(l->paint[PX__P_LINE_WIDTH], &c, 1), ratio);
                if (w <= 0) continue;
                px__style_color(l->paint[PX__P_LINE_COLOR], &c, black, col);
                double op = clamp01(px__style_number(l->paint[PX__P_LINE_OPACITY], &c, 1));
                path_parts(cr, g, ox, oy, k, g->type == PX__GEOM_POLY);
                cairo_set_line_width(cr, w);
                char eb[16];
                const char *cap = px__style_string(l->paint[PX__P_LINE_CAP], &c, "butt", eb, sizeof eb);
                cairo_set_line_cap(cr, !strcmp(cap, "round")    ? CAIRO_LINE_CAP_ROUND
                                       : !strcmp(cap, "square") ? CAIRO_LINE_CAP_SQUARE
                                                                : CAIRO_LINE_CAP_BUTT);
                const char *join = px__style_string(l->paint[PX__P_LINE_JOIN], &c, "miter", eb, sizeof eb);
                cairo_set_line_join(cr, !strcmp(join, "round")   ? CAIRO_LINE_JOIN_ROUND
                                        : !strcmp(join, "bevel") ? CAIRO_LINE_JOIN_BEVEL
                                                                 : CAIRO_LINE_JOIN_MITER);
                double d[16];
                int nd = px__style_numbers(l->paint[PX__P_LINE_DASHARRAY], &c, d, 16);
                if (nd > 0) {
                    /* A dash pattern of zero length, or one too fine to draw, is a solid line. */
                    double total = 0;
                    for (int i = 0; i < nd; i++)
                        total += (d[i] = fmin(d[i] * w, 1e5));
                    if (total * (nd % 2 ? 2 : 1) >= 0.1) cairo_set_dash(cr, d, nd, 0);
                }
                set_rgba(cr, col, op);
                cairo_stroke(cr);
                cairo_set_dash(cr, NULL, 0, 0);
            } else {
                double r = size_px(px__style_number(l->paint[PX__P_CIRCLE_RADIUS], &c, 5), ratio);
                double sw = size_px(px__style_number(l->paint[PX__P_CIRCLE_STROKE_WIDTH], &c, 0), ratio);
                double op = clamp01(px__style_number(l->paint[PX__P_CIRCLE_OPACITY], &c, 1));
                double sop = clamp01(px__style_number(l->paint[PX__P_CIRCLE_STROKE_OPACITY], &c, 1));
                double scol[4];
                px__style_color(l->paint[PX__P_CIRCLE_COLOR], &c, black, col);
                px__style_color(l->paint[PX__P_CIRCLE_STROKE_COLOR], &c, black, scol);
                size_t off = 0;
                for (uint32_t p = 0; p < g->n_parts; p++) {
                    double x = (g->xy[2 * off] - ox) * k, y = (g->xy[2 * off + 1] - oy) * k;
                    off += g->part_n[p];
                    cairo_new_path(cr);
                    cairo_arc(cr, x, y, r, 0, 2 * M_PI);
                    set_rgba(cr, col, op);
                    if (sw > 0) {
                        cairo_fill_preserve(cr);
                        cairo_set_line_width(cr, sw);
                        set_rgba(cr, scol, sop);
                        cairo_stroke(cr);
                    } else {
                        cairo_fill(cr);
                    }
                }
            }
            (*n_drawn)++;
        }
    }
    px__labels_free(labels);
}

typedef struct membuf {
    unsigned char *p;
    size_t n, cap;
    int failed;
} membuf;

static cairo_status_t png_write(void *user, const unsigned char *data, unsigned int len)
{
    membuf *b = user;
    if (b->n + len > b->cap) {
        size_t c = b->cap ? 2 * b->cap : 16384;
        while (c < b->n + len)
            c *= 2;
        unsigned char *p = realloc(b->p, c);
        if (!p) {
            b->failed = 1;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        b->p = p;
        b->cap = c;
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
    return CAIRO_STATUS_SUCCESS;
}

/* Render and encode one tile. 0 (with *png NULL if nothing was drawn and
 * `skip_empty`), or -1 on failure. */
static int render_png(const rjob *j, px_tile t, int skip_empty, unsigned char **png, size_t *len)
{
    int size = j->tile_size * j->ratio, drawn = 0, rc = -1;
    *png = NULL;
    *len = 0;
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size, size);
    cairo_t *cr = cairo_create(sf);
    membuf b = {0};
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) goto done;
    double n = ldexp(1.0, t.z);
    /* MapLibre never goes below zoom 0; a 256 px z0 tile would be zoom -1. */
    px__view v = {.ox = t.x / n,
                  .oy = t.y / n,
                  .k = size * n,
                  .zoom = fmax(0, t.z + log2(j->tile_size / 512.0)),
                  .ratio = j->ratio,
                  .width = size,
                  .height = size};
    px__draw_view(j->style, j->tables, &v, cr, &drawn);
    if (skip_empty && drawn) {
        /* Features near the tile are drawn (for wide lines), but may leave
         * it blank: keep only tiles with a visible pixel. */
        cairo_surface_flush(sf);
        const unsigned char *d = cairo_image_surface_get_data(sf);
        int stride = cairo_image_surface_get_stride(sf), any = 0;
        for (int y = 0; !any && y < size; y++) {
            const uint32_t *row = (const uint32_t *)(d + (size_t)y * stride);
            for (int x = 0; x < size; x++)
                if (row[x] >> 24) {
                    any = 1;
                    break;
                }
        }
        drawn = any;
    }
    if (skip_empty && !drawn) {
        rc = 0;
        goto done;
    }
    cairo_surface_flush(sf);
    if (cairo_surface_write_to_png_stream(sf, png_write, &b) != CAIRO_STATUS_SUCCESS || b.failed) {
        free(b.p);
        goto done;
    }
    *png = b.p;
    *len = b.n;
    rc = 0;
done:
    cairo_destroy(cr);
    cairo_surface_destroy(sf);
    return rc;
}

static px_status check_ropts(px_ctx *ctx, const px_rtiles_options *o)
{
    if (o->tile_size != 256 && o->tile_size != 512)
        return px__error(ctx, PX_EINVAL, "tiles: tile size %d is not 256 or 512", o->tile_size);
    if (o->pixel_ratio != 1 && o->pixel_ratio != 2)
        return px__error(ctx, PX_EINVAL, "tiles: pixel ratio %d is not 1 or 2", o->pixel_ratio);
    if (o->minzoom < 0 || o->maxzoom > 22 || o->minzoom > o->maxzoom)
        return px__error(ctx, PX_EINVAL, "tiles: zoom range %d..%d is not within 0..22", o->minzoom,
                         o->maxzoom);
    return PX_OK;
}

px_status px__style_tables_load(px_ctx *ctx, px_store *store, const px_style *style, px__tlayer ***out)
{
    px__tlayer **t = calloc(style->n_tables + 1, sizeof *t);
    if (!t) return px__error(ctx, PX_ENOMEM, "out of memory");
    px_status rc = PX_OK;
    for (size_t i = 0; i < style->n_tables && rc == PX_OK; i++) {
        /* A table only optional layers draw may be absent: they draw nothing
         * (a base map with water where the project has a water layer). */
        int optional = 1;
        for (size_t k = 0; k < style->n_layers; k++)
            if (style->layers[k].table && !strcmp(style->layers[k].table, style->tables[i]) &&
                !style->layers[k].optional)
                optional = 0;
        if (optional && !px_store_has_table(store, style->tables[i])) continue;
        rc = px__tlayer_load(ctx, store, style->tables[i], NULL, &t[i]);
        if (rc == PX_ENOTFOUND)
            rc = px__error(ctx, PX_ENOTFOUND, "%s: the style draws source-layer '%s', which %s does not have",
                           style->path, style->tables[i], px_store_path(store));
    }
    if (rc != PX_OK) {
        for (size_t i = 0; i < style->n_tables; i++)
            px__tlayer_free(t[i]);
        free(t);
        return rc;
    }
    *out = t;
    return PX_OK;
}

void px__style_tables_free(px__tlayer **t, size_t n)
{
    for (size_t i = 0; t && i < n; i++)
        px__tlayer_free(t[i]);
    free(t);
}

px_status px_tiles_render_png(px_ctx *ctx, px_store *store, const px_style *style, px_tile tile,
                              const px_rtiles_options *opts, unsigned char **png, size_t *len)
{
    if (!ctx || !store || !style || !png || !len)
        return px__error(ctx, PX_EINVAL, "px_tiles_render_png: NULL argument");
    px_rtiles_options o;
    if (opts)
        o = *opts;
    else
        px_rtiles_options_default(&o);
    px_status rc = check_ropts(ctx, &o);
    if (rc != PX_OK) return rc;
    if (tile.z < 0 || tile.z > 22 || tile.x >= (1u << tile.z) || tile.y >= (1u << tile.z))
        return px__error(ctx, PX_EINVAL, "tiles: %d/%u/%u is not a tile", tile.z, tile.x, tile.y);
    px__tlayer **t = NULL;
    if ((rc = px__style_tables_load(ctx, store, style, &t)) != PX_OK) return rc;
    rjob j = {.style = style, .tables = t, .tile_size = o.tile_size, .ratio = o.pixel_ratio};
    if (render_png(&j, tile, 0, png, len))
        rc = px__error(ctx, PX_ENOMEM, "tiles: %d/%u/%u: cannot render", tile.z, tile.x, tile.y);
    px__style_tables_free(t, style->n_tables);
    return rc;
}

typedef struct rzoom {
    const rjob *job;
    int z;
    uint32_t x0, y0, nx;
    size_t offset; /* first tile of the running batch */
    unsigned char **png;
    size_t *len;
    int *failed;
} rzoom;

static void render_one(void *user, size_t i, int thread)
{
    (void)thread;
    rzoom *r = user;
    i += r->offset;
    px_tile t = {r->z, r->x0 + (uint32_t)(i % r->nx), r->y0 + (uint32_t)(i / r->nx)};
    if (render_png(r->job, t, 1, &r->png[i], &r->len[i])) r->failed[i] = 1;
}

px_status px_tiles_write_raster(px_ctx *ctx, px_store *store, const px_style *style, const char *out_path,
                                const px_rtiles_options *opts, px_tiles_report *report)
{
    if (!ctx || !store || !style || !out_path)
        return px__error(ctx, PX_EINVAL, "px_tiles_write_raster: NULL argument");
    px_rtiles_options o;
    if (opts)
        o = *opts;
    else
        px_rtiles_options_default(&o);
    px_status rc = check_ropts(ctx, &o);
    if (rc != PX_OK) return rc;
    px__tlayer **t = NULL;
    px__tsink *sink = NULL;
    char *name = NULL, *attribution = NULL;
    px_tiles_report rep = {0};
    if ((rc = px__style_tables_load(ctx, store, style, &t)) != PX_OK) return rc;
    double b[4] = {1, 1, 0, 0};
    for (size_t i = 0; i < style->n_tables; i++) {
        if (!t[i]) continue;
        rep.n_features += t[i]->n_feat;
        if (!t[i]->has_extent) continue;
        b[0] = fmin(b[0], t[i]->minx);
        b[1] = fmin(b[1], t[i]->miny);
        b[2] = fmax(b[2], t[i]->maxx);
        b[3] = fmax(b[3], t[i]->maxy);
    }
    /* Tile ranges come from the data's extent only: tables without a
     * feature give no tile at all (regression: an empty flood table made
     * this walk the whole world, 475 s at zoom 10 and up). */
    int empty = b[0] > b[2];
    if (empty) {
        b[0] = b[1] = 0;
        b[2] = b[3] = 1;
    }
    rjob j = {.style = style, .tables = t, .tile_size = o.tile_size, .ratio = o.pixel_ratio};
    if ((rc = px__tsink_open(ctx, out_path, o.pixel_ratio == 2 ? "@2x.png" : "png", &sink)) != PX_OK)
        goto done;
    for (int z = o.minzoom; !empty && z <= o.maxzoom && rc == PX_OK; z++) {
        double n = ldexp(1.0, z);
        uint32_t x0 = (uint32_t)fmax(0, floor(b[0] * n)), x1 = (uint32_t)fmin(n - 1, floor(b[2] * n));
        uint32_t y0 = (uint32_t)fmax(0, floor(b[1] * n)), y1 = (uint32_t)fmin(n - 1, floor(b[3] * n));
        size_t count = (size_t)(x1 - x0 + 1) * (y1 - y0 + 1);
        rzoom r = {.job = &j, .z = z, .x0 = x0, .y0 = y0, .nx = x1 - x0 + 1};
        r.png = calloc(count, sizeof *r.png);
        r.len = calloc(count, sizeof *r.len);
        r.failed = calloc(count, sizeof *r.failed);
        if (!r.png || !r.len || !r.failed) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        /* In batches, so that progress and cancellation stay responsive. */
        for (size_t start = 0; rc == PX_OK && start < count; start += 512) {
            r.offset = start;
            px__parallel_for(count - start < 512 ? count - start : 512, o.threads, render_one, &r);
            rc = px__progress(ctx, "tiles: raster tiles", start, count);
        }
        for (size_t i = 0; rc == PX_OK && i < count; i++) {
            uint32_t x = x0 + (uint32_t)(i % r.nx), y = y0 + (uint32_t)(i / r.nx);
            if (r.failed[i])
                rc = px__error(ctx, PX_ENOMEM, "tiles: %d/%u/%u: cannot render", z, x, y);
            else if (r.png[i]) {
                rc = px__tsink_put(sink, z, x, y, r.png[i], r.len[i]);
                rep.n_tiles++;
                rep.n_bytes += r.len[i];
                if (r.len[i] > rep.max_tile_bytes) rep.max_tile_bytes = r.len[i];
            }
        }
        for (size_t i = 0; r.png && i < count; i++)
            free(r.png[i]);
        free(r.png);
        free(r.len);
        free(r.failed);
        if (rc == PX_OK)
            rc = px__progress(ctx, "tiles: raster zooms", (uint64_t)(z - o.minzoom + 1),
                              (uint64_t)(o.maxzoom - o.minzoom + 1));
    }
    if (rc != PX_OK) goto done;
    name = px__tiles_basename(out_path);
    if (!o.attribution &&
        (rc = px_tiles_attribution(ctx, store, (const char *const *)style->tables, style->n_tables,
                                   &attribution)) != PX_OK)
        goto done;
    if (!name) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    px__tmeta meta = {.name = o.name ? o.name : name,
                      .format = "png",
                      .attribution = o.attribution ? o.attribution : attribution,
                      .description = "Proxima raster tiles",
                      .minzoom = o.minzoom,
                      .maxzoom = o.maxzoom};
    px__world_to_lonlat(b[0], b[3], &meta.bounds[0], &meta.bounds[1]);
    px__world_to_lonlat(b[2], b[1], &meta.bounds[2], &meta.bounds[3]);
    rc = px__tsink_finish(sink, &meta);
    sink = NULL;
done:
    px__tsink_abort(sink);
    free(name);
    free(attribution);
    px__style_tables_free(t, style->n_tables);
    if (rc == PX_OK && report) *report = rep;
    return rc;
}
