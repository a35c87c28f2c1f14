/*
 * The level-of-traffic-stress rule table, one row per rule, and the defaults
 * used when a road's speed limit or lane count is not tagged.
 *
 * The rules follow Mekuria, Furth and Nixon (2012) as adapted for OSM tags by
 * the PeopleForBikes Bicycle Network Analysis and the "LTS for OSM" rule sets,
 * with speeds in km/h and European limits (30 / 50 / 70): separated tracks
 * and paths are LTS 1; painted lanes and mixed traffic are classed by speed
 * limit, through lanes per direction and road class. Rows are tried in order
 * and the first row whose every condition holds gives the class, so a more
 * specific row must come before a more general one. LTS 0 means "not
 * bikeable" (cycling forbidden). This file holds data only: the matching is
 * in lts.c. Parking, bike-lane width and intersection approaches, which the
 * original method also uses, are not in OSM data often enough to be used.
 */
#include "cycle_int.h"

/* Short names for the table's cells. */
#define ANY 0
#define DENIED PX__BIKE_DENIED
#define UNSET PX__BIKE_UNSET
#define TRACK (1u << PX__FAC_TRACK)
#define LANE (1u << PX__FAC_LANE)
#define MIXED (1u << PX__FAC_NONE | 1u << PX__FAC_SHARED) /* no facility, or sharrows */

/* clang-format off */
const px__lts_rule px__lts_rules[] = {
/*   id                    bicycle  facility  road classes        km/h<=  lanes/dir<=  LTS */
    {"bicycle-forbidden",  DENIED,  ANY,      ANY,                  ANY,  ANY,         0},
    {"motorway",           UNSET,   ANY,      PX__CLS_MOTORWAY,     ANY,  ANY,         0},
    {"footway-no-bicycle", UNSET,   ANY,      PX__CLS_FOOT,         ANY,  ANY,         0},
    {"cycleway",           ANY,     ANY,      PX__CLS_CYCLEWAY,     ANY,  ANY,         1},
    {"path",               ANY,     ANY,      PX__CLS_PATH,         ANY,  ANY,         1},
    {"footway-bicycle",    ANY,     ANY,      PX__CLS_FOOT,         ANY,  ANY,         1},
    {"living-street",      ANY,     ANY,      PX__CLS_LIVING,       ANY,  ANY,         1},
    {"separated-track",    ANY,     TRACK,    ANY,                  ANY,  ANY,         1},
    {"lane-40",            ANY,     LANE,     ANY,                   40,    1,         1},
    {"lane-50",            ANY,     LANE,     ANY,                   50,    1,         2},
    {"lane-50-multilane",  ANY,     LANE,     ANY,                   50,  ANY,         3},
    {"lane-70",            ANY,     LANE,     ANY,                   70,  ANY,         3},
    {"lane-fast",          ANY,     LANE,     ANY,                  ANY,  ANY,         4},
    {"mixed-local-30",     ANY,     MIXED,    PX__CLS_LOCAL,         30,    1,         1},
    {"mixed-30",           ANY,     MIXED,    ANY,                   30,    1,         2},
    {"mixed-local-50",     ANY,     MIXED,    PX__CLS_LOCAL,         50,    1,         2},
    {"mixed-50",           ANY,     MIXED,    ANY,                   50,    2,         3},
    {"mixed-fast",         ANY,     MIXED,    ANY,                  ANY,  ANY,         4},
};
/* clang-format on */
const size_t px__n_lts_rules = sizeof px__lts_rules / sizeof px__lts_rules[0];

/* Defaults for untagged values, by OSM highway value: the speed limit a
 * French or Belgian driver may assume there, and through lanes per
 * direction. Residential and service streets default to 30 km/h as the
 * Bicycle Network Analysis does (most are zone 30 or slower in practice). */
/* clang-format off */
const px__lts_default px__lts_defaults[] = {
/*   highway          class               km/h  lanes/dir */
    {"motorway",      PX__CLS_MOTORWAY,    130, 2},
    {"motorway_link", PX__CLS_MOTORWAY,     90, 1},
    {"trunk",         PX__CLS_TRUNK,        90, 2},
    {"trunk_link",    PX__CLS_TRUNK,        70, 1},
    {"primary",       PX__CLS_PRIMARY,      70, 1},
    {"primary_link",  PX__CLS_PRIMARY,      50, 1},
    {"secondary",     PX__CLS_SECONDARY,    50, 1},
    {"secondary_link", PX__CLS_SECONDARY,    50, 1},
    {"tertiary",      PX__CLS_TERTIARY,     50, 1},
    {"tertiary_link", PX__CLS_TERTIARY,     50, 1},
    {"unclassified",  PX__CLS_LOCAL,        50, 1},
    {"road",          PX__CLS_LOCAL,        50, 1},
    {"residential",   PX__CLS_LOCAL,        30, 1},
    {"service",       PX__CLS_LOCAL,        30, 1},
    {"living_street", PX__CLS_LIVING,       20, 1},
    {"cycleway",      PX__CLS_CYCLEWAY,     30, 1},
    {"path",          PX__CLS_PATH,         30, 1},
    {"track",         PX__CLS_PATH,         30, 1},
    {"bridleway",     PX__CLS_PATH,         30, 1},
    {"footway",       PX__CLS_FOOT,          6, 1},
    {"pedestrian",    PX__CLS_FOOT,          6, 1},
    {"steps",         PX__CLS_FOOT,          6, 1},
    {"corridor",      PX__CLS_FOOT,          6, 1},
};
const size_t px__n_lts_defaults = sizeof px__lts_defaults / sizeof px__lts_defaults[0];

/* Any other highway value: an ordinary local road at 50 km/h. */
const px__lts_default px__lts_default_other = {"(other)", PX__CLS_LOCAL, 50, 1};
/* clang-format on */
