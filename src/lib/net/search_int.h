/*
 * What the search files share: the heap and the seeding/partial-edge rules,
 * written once so the plain and k-nearest searches cannot disagree.
 * Library-internal to src/lib/net.
 */
#ifndef PX_NET_SEARCH_INT_H
#define PX_NET_SEARCH_INT_H

#include "net_int.h"

typedef struct px__heap_item {
    double key;
    int32_t node;
    int32_t src;
} px__heap_item;

typedef struct px__heap {
    px__heap_item *items;
    size_t n, cap;
} px__heap;

/* Push; -1 on allocation failure. */
int px__heap_push(px__heap *h, double key, int32_t node, int32_t src);
/* Pop the smallest key; h->n must be > 0. */
px__heap_item px__heap_pop(px__heap *h);

typedef struct px__seed_out {
    int32_t node;
    double cost;
} px__seed_out;

/* The (up to two) nodes a source snap reaches and their partial costs. */
int px__seed(const px_graph *g, px_mode mode, px_direction dir, const px_snap *s, const uint8_t *edge_mask,
             px__seed_out out[2]);

/* Partial costs between a point and the from/to node of its edge
 * (INFINITY where the direction forbids it). */
int px__via_ends(const px_graph *g, px_mode mode, px_direction dir, const uint8_t *edge_mask, const px_snap *at,
                 double *c_from, double *c_to);

/* Cost straight along one edge between a source and a point on it; 0 if the
 * direction forbids it, 1 with *cost set otherwise. */
int px__same_edge_cost(const px_graph *g, px_mode mode, px_direction dir, const px_snap *src, const px_snap *at,
                       double *cost);

/* First index of `s` (sorted by edge) whose edge is >= `edge`. */
size_t px__snap_lower_bound(const px_snap *s, size_t n, int32_t edge);

#endif
