/*
 * What the cycle module's files share: the LTS rule table types, the compact
 * in-memory bike graph the analyses run on, and the bounded distance search.
 * Library-internal.
 */
#ifndef PX_CYCLE_INT_H
#define PX_CYCLE_INT_H

#include "../core/core_int.h"
#include "proxima/cycle.h"

#include <stdint.h>

/* ---- LTS rule table (lts_rules.c) -------------------------------------- */

/* Cycle facility found in the cycleway* tags. */
enum { PX__FAC_NONE = 0, PX__FAC_SHARED, PX__FAC_LANE, PX__FAC_TRACK };

/* What the bicycle tag says, as bits so a rule can accept several. */
enum { PX__BIKE_DENIED = 1u, PX__BIKE_UNSET = 2u, PX__BIKE_ALLOWED = 4u };

/* Road classes, as bits. */
enum {
    PX__CLS_MOTORWAY = 1u << 0,
    PX__CLS_TRUNK = 1u << 1,
    PX__CLS_PRIMARY = 1u << 2,
    PX__CLS_SECONDARY = 1u << 3,
    PX__CLS_TERTIARY = 1u << 4,
    PX__CLS_LOCAL = 1u << 5, /* residential, unclassified, service, road */
    PX__CLS_LIVING = 1u << 6,
    PX__CLS_CYCLEWAY = 1u << 7,
    PX__CLS_PATH = 1u << 8, /* path, track, bridleway */
    PX__CLS_FOOT = 1u << 9  /* footway, pedestrian, steps, corridor */
};

/* One rule: every non-zero condition must hold. */
typedef struct px__lts_rule {
    const char *id;
    unsigned bicycle;      /* PX__BIKE_* bits accepted; 0 = any */
    unsigned facilities;   /* (1 << PX__FAC_*) bits accepted; 0 = any */
    unsigned classes;      /* PX__CLS_* bits accepted; 0 = any */
    int max_speed_kmh;     /* holds when speed <= this; 0 = any */
    int max_lanes_per_dir; /* holds when lanes per direction <= this; 0 = any */
    int lts;               /* class given; 0 = not bikeable */
} px__lts_rule;

typedef struct px__lts_default {
    const char *highway;
    unsigned cls;
    int speed_kmh;
    int lanes_per_dir;
} px__lts_default;

extern const px__lts_rule px__lts_rules[];
extern const size_t px__n_lts_rules;
extern const px__lts_default px__lts_defaults[];
extern const size_t px__n_lts_defaults;
extern const px__lts_default px__lts_default_other;

/* Parse an OSM maxspeed value to km/h; 0 when unreadable. */
double px__lts_parse_speed(const char *s);

#endif
