/*
 * A style's tables loaded once in world coordinates for the print maps'
 * map frame (PDF, SVG or PNG page), drawn by raster.c's px__draw_view, the
 * renderer of the raster tiles and px_render_map: only the transform differs
 * (world (wx, wy) -> ((wx - wx0) * scale, (wy - wy0) * scale), one CSS pixel
 * = `css_px` user units).
 */
#include "style_int.h"
#include "tiles_frame.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct px__styled {
    const px_style *style;
    px__tlayer **tables; /* per style table */
};

px_status px__styled_load(px_ctx *ctx, px_store *store, const px_style *style, px__styled **out)
{
    px__styled *s = calloc(1, sizeof *s);
    if (!s || !(s->tables = calloc(style->n_tables + 1, sizeof *s->tables))) {
        free(s);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    s->style = style;
    px_status rc = PX_OK;
    for (size_t i = 0; i < style->n_tables && rc == PX_OK; i++) {
        rc = px__tlayer_load(ctx, store, style->tables[i], NULL, &s->tables[i]);
        if (rc == PX_ENOTFOUND)
            rc = px__error(ctx, PX_ENOTFOUND, "%s: the style draws source-layer '%s', which %s does not have",
                           style->path, style->tables[i], px_store_path(store));
    }
    if (rc != PX_OK) {
        px__styled_free(s);
        return rc;
    }
    *out = s;
    return PX_OK;
}

void px__styled_free(px__styled *s)
{
    if (!s) return;
    for (size_t i = 0; s->tables && i < s->style->n_tables; i++)
        px__tlayer_free(s->tables[i]);
    free(s->tables);
    free(s);
}

int px__styled_extent(const px__styled *s, double b[4])
{
    int any = 0;
    for (size_t i = 0; i < s->style->n_tables; i++) {
        const px__tlayer *t = s->tables[i];
        if (!t || !t->has_extent) continue;
        if (!any) {
            b[0] = t->minx, b[1] = t->miny, b[2] = t->maxx, b[3] = t->maxy;
            any = 1;
            continue;
        }
        b[0] = fmin(b[0], t->minx), b[1] = fmin(b[1], t->miny);
        b[2] = fmax(b[2], t->maxx), b[3] = fmax(b[3], t->maxy);
    }
    return any;
}

size_t px__styled_draw(const px__styled *s, cairo_t *cr, double wx0, double wy0, double scale, double zoom,
                       double css_px, const double cull[4])
{
    /* The one renderer of raster tiles and px_render_map draws the frame too:
     * same layer order, filters, paint, dashes and labels. */
    px__view v = {.ox = wx0, .oy = wy0, .k = scale, .zoom = zoom, .ratio = css_px,
                  .width = (cull[2] - wx0) * scale, .height = (cull[3] - wy0) * scale};
    int n_drawn = 0;
    px__draw_view(s->style, s->tables, &v, cr, &n_drawn);
    return n_drawn > 0 ? (size_t)n_drawn : 0;
}
