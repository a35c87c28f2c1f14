/*
 * What the print module (src/lib/print/) borrows from the tiles module: the
 * tables a style draws, loaded once in world coordinates, drawn onto any
 * cairo context over any world box (not only a tile), and the legend a
 * style implies (its colours and the classes of its step / match /
 * interpolate stops). Library-internal; the public entry point for "render
 * a style over a box" belongs in tiles.h once the raster renderer offers it.
 */
#ifndef PX_TILES_FRAME_H
#define PX_TILES_FRAME_H

#include "tiles_int.h"

#include <cairo.h>

/* A style with its tables loaded (tables borrowed from nothing: owned). */
typedef struct px__styled px__styled;

/* Load the tables `style` (borrowed, must outlive the result) draws.
 * Returns PX_ENOTFOUND naming the style and the missing table, PX_ESQLITE,
 * PX_EPROJ, PX_ENOMEM. *out caller-frees with px__styled_free. */
px_status px__styled_load(px_ctx *ctx, px_store *store, const px_style *style, px__styled **out);
void px__styled_free(px__styled *s);

/* World box (x0, y0, x1, y1; y down) of everything the style's tables hold;
 * 0 when they are all empty. */
int px__styled_extent(const px__styled *s, double box[4]);

/* Draw the style onto `cr` with world point (wx, wy) at user-space point
 * ((wx - wx0) * scale, (wy - wy0) * scale), at style zoom `zoom`, one CSS
 * pixel of the style (line widths, radii) being `css_px` user units.
 * Features whose box misses `cull` (world box) are skipped. The caller
 * clips. Returns the number of features drawn. */
size_t px__styled_draw(const px__styled *s, cairo_t *cr, double wx0, double wy0, double scale, double zoom,
                       double css_px, const double cull[4]);

/* ---- legend --------------------------------------------------------------- */

typedef enum px__legend_kind { PX__LEG_HEADING, PX__LEG_FILL, PX__LEG_LINE, PX__LEG_CIRCLE } px__legend_kind;

typedef struct px__legend_item {
    px__legend_kind kind;
    double color[4];  /* rgba 0..1, opacity folded into alpha */
    double outline[4];/* fill outline / circle stroke; alpha 0 for none */
    double width;     /* line width or circle radius, CSS pixels (clamped for a legend) */
    char label[160];
} px__legend_item;

/* The legend of `style` at `zoom`: per visible layer (background left out)
 * a heading (the layer's metadata "legend" or "title", else "ID: property")
 * and one swatch per class of its main colour (step: "< a", "a to < b",
 * ">= b"; match: the values and "other"; interpolate: the stops; a constant:
 * one swatch). *out caller-frees (free()). PX_ENOMEM only. */
px_status px__style_legend(px_ctx *ctx, const px_style *style, double zoom, px__legend_item **out, size_t *n);

/* The attribution strings of the style's sources, joined by "; " (caller
 * frees), or NULL when there is none. */
char *px__style_attribution(const px_style *style);

/* Does the style set its own labels (a layer of type "symbol")? */
int px__style_has_labels(const px_style *style);

/* The style's file path, borrowed. */
const char *px__style_path(const px_style *style);

/* The style's "name", borrowed, or NULL. */
const char *px__style_name(const px_style *style);

#endif
