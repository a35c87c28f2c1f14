/*
 * px_render_map and px_render_map_file: the raster renderer (raster.c,
 * labels.c) over any Web Mercator box and page size, onto a caller's cairo
 * context or into a PNG, PDF or SVG file. The print-map command builds its
 * page (title, legend, scale bar) around this; tiles are the special case
 * of a 256 px square at a power-of-two scale.
 *
 * Left out: other projections (the features are kept in Web Mercator, like
 * the tiles), clipping to a non-rectangular frame (the caller can set a
 * cairo clip before calling).
 */
#define _POSIX_C_SOURCE 200809L
#include "style_int.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MERC_R 20037508.342789244

static px_status check_view(px_ctx *ctx, const px_map_view *v, px__view *out)
{
    double w = v->maxx - v->minx, h = v->maxy - v->miny, scale = v->scale == 0 ? 1 : v->scale;
    if (!(w > 0) || !(h > 0) || !isfinite(w) || !isfinite(h) || v->minx < -MERC_R * 1.0001 ||
        v->maxx > MERC_R * 1.0001 || v->miny < -MERC_R * 1.0001 || v->maxy > MERC_R * 1.0001)
        return px__error(ctx, PX_EINVAL,
                         "map: box %g,%g,%g,%g is not a non-empty box in EPSG:3857 metres", v->minx, v->miny,
                         v->maxx, v->maxy);
    if (v->width_px < 1 || v->width_px > 20000 || v->height_px < 1 || v->height_px > 20000)
        return px__error(ctx, PX_EINVAL, "map: size %dx%d is not within 1..20000", v->width_px, v->height_px);
    if (!(scale > 0) || scale > 64) return px__error(ctx, PX_EINVAL, "map: scale %g is not within (0, 64]", scale);
    /* World units: [0, 1] over 2 MERC_R metres, y down. Fit the box. */
    double ww = w / (2 * MERC_R), wh = h / (2 * MERC_R);
    double k = fmin(v->width_px / ww, v->height_px / wh);
    double cx = (v->minx + v->maxx) / 2, cy = (v->miny + v->maxy) / 2;
    double wcx = (cx + MERC_R) / (2 * MERC_R), wcy = (MERC_R - cy) / (2 * MERC_R);
    out->k = k;
    out->ox = wcx - v->width_px / 2.0 / k;
    out->oy = wcy - v->height_px / 2.0 / k;
    out->ratio = scale;
    out->zoom = fmax(0, log2(k / scale / 512.0));
    out->width = v->width_px;
    out->height = v->height_px;
    return PX_OK;
}

px_status px_render_map(px_ctx *ctx, px_store *store, const px_style *style, const px_map_view *view,
                        void *cairo_cr)
{
    if (!ctx || !store || !style || !view || !cairo_cr)
        return px__error(ctx, PX_EINVAL, "px_render_map: NULL argument");
    px__view v;
    px_status rc = check_view(ctx, view, &v);
    if (rc != PX_OK) return rc;
    px__tlayer **t = NULL;
    if ((rc = px__style_tables_load(ctx, store, style, &t)) != PX_OK) return rc;
    cairo_t *cr = cairo_cr;
    int drawn = 0;
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, v.width, v.height);
    cairo_clip(cr);
    px__draw_view(style, t, &v, cr, &drawn);
    cairo_restore(cr);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        rc = px__error(ctx, PX_ENOMEM, "map: cairo: %s", cairo_status_to_string(cairo_status(cr)));
    px__style_tables_free(t, style->n_tables);
    return rc;
}

static const char *ext_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot ? dot + 1 : "";
}

px_status px_render_map_file(px_ctx *ctx, px_store *store, const px_style *style, const px_map_view *view,
                             const char *path)
{
    if (!ctx || !store || !style || !view || !path)
        return px__error(ctx, PX_EINVAL, "px_render_map_file: NULL argument");
    const char *ext = ext_of(path);
    int kind = !strcasecmp(ext, "png") ? 0 : !strcasecmp(ext, "pdf") ? 1 : !strcasecmp(ext, "svg") ? 2 : -1;
    if (kind < 0) return px__error(ctx, PX_EINVAL, "%s: a map is written as .png, .pdf or .svg", path);
    px__view v;
    px_status rc = check_view(ctx, view, &v);
    if (rc != PX_OK) return rc;
    char *tmp = px__asprintf("%s.tmp-%ld", path, (long)getpid());
    if (!tmp) return px__error(ctx, PX_ENOMEM, "out of memory");
    cairo_surface_t *sf = kind == 0   ? cairo_image_surface_create(CAIRO_FORMAT_ARGB32, view->width_px, view->height_px)
                          : kind == 1 ? cairo_pdf_surface_create(tmp, view->width_px, view->height_px)
                                      : cairo_svg_surface_create(tmp, view->width_px, view->height_px);
    cairo_t *cr = cairo_create(sf);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        rc = px__error(ctx, PX_EIO, "%s: cannot start the drawing: %s", path, cairo_status_to_string(cairo_status(cr)));
        goto done;
    }
    if ((rc = px_render_map(ctx, store, style, view, cr)) != PX_OK) goto done;
    cairo_surface_flush(sf);
    if (kind == 0) {
        cairo_status_t st = cairo_surface_write_to_png(sf, tmp);
        if (st != CAIRO_STATUS_SUCCESS)
            rc = px__error(ctx, PX_EIO, "%s: cannot write: %s", path, cairo_status_to_string(st));
    }
    cairo_destroy(cr);
    cr = NULL;
    cairo_surface_finish(sf);
    if (rc == PX_OK && cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS)
        rc = px__error(ctx, PX_EIO, "%s: cannot write: %s", path, cairo_status_to_string(cairo_surface_status(sf)));
    if (rc == PX_OK && rename(tmp, path) != 0) rc = px__error(ctx, PX_EIO, "%s: cannot rename the map into place", path);
done:
    if (cr) cairo_destroy(cr);
    cairo_surface_destroy(sf);
    if (rc != PX_OK) unlink(tmp);
    free(tmp);
    return rc;
}
