/*
 * Proxima synthetic regions: a perturbed grid written into a project with
 * the canonical layer schemas, for tests and benchmarks at any size,
 * deterministic from a seed. Not a model of any real place.
 */
#ifndef PROXIMA_SYNTH_H
#define PROXIMA_SYNTH_H

#include "proxima/core.h"
#include "proxima/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct px_synth_options {
    int64_t n_nodes;      /* grid nodes (>= 4); the grid is ceil(sqrt(n)) wide */
    uint64_t seed;        /* same seed, same region */
    double spacing_m;     /* grid spacing; 0 means 100 m */
    int n_categories;     /* service categories, 1..8; 0 means 8 */
    int64_t nodes_per_service; /* one service per category per this many nodes; 0 means 400 */
} px_synth_options;

/* Names of the synthetic categories, in order: health, education, food,
 * public_services, culture, sport, transit, childcare. Static. */
const char *px_synth_category(int i);

/* Write `roads` (one 2-point way per grid link: ~70% shared residential
 * streets, 15% cycleways with foot=no, 10% footways, 5% one-way streets;
 * ~4% of links missing), `services` (per category), `population` (a point
 * near each node, 0..40 residents) and `communes` (square blocks of nodes),
 * replacing those layers, in one transaction. Coordinates start at
 * (500000, 6000000) in the project CRS. `opts` borrowed.
 * Returns PX_EINVAL (bad options), PX_ENOMEM, PX_EGEOS, PX_ESQLITE, PX_ECANCELLED. */
px_status px_synth_region(px_ctx *ctx, px_store *store, const px_synth_options *opts);

#ifdef __cplusplus
}
#endif
#endif
