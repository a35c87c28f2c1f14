/*
 * What the standard-layer files share. Library-internal to src/lib/layer.
 */
#ifndef PX_LAYER_INT_H
#define PX_LAYER_INT_H

#include "../core/core_int.h"
#include "../geom/geom_int.h"
#include "proxima/layer.h"

/* Sorted distinct categories with their unique column tokens, built from
 * names[0..n) (borrowed): *cats and *cols caller-free (px_layer_strings_free). */
px_status px__layer_category_list(px_ctx *ctx, char **names, size_t n, int sort, char ***cats, char ***cols);

#endif
