/*
 * Who may travel a way, in which direction, how fast: the OSM tag rules of
 * the network builder, kept in one place so they can be read and tested as
 * a table. Walking ignores one-way tags; cycling honours `oneway` (and
 * roundabouts) unless `oneway:bicycle=no` or a contraflow lane
 * (`cycleway*=opposite*`) says otherwise. Country-specific defaults
 * (e.g. cycling on trunk roads) are deliberately not modelled: the OSM
 * worldwide defaults apply, refined by explicit tags.
 */
#include "net_build_int.h"

#include <stdlib.h>
#include <string.h>

static int is(const char *v, const char *w) { return v && !strcmp(v, w); }

static int in_list(const char *v, const char *const *list)
{
    for (; v && *list; list++)
        if (!strcmp(v, *list)) return 1;
    return 0;
}

static const char *const yes_values[] = {"yes", "designated", "permissive", "destination", "official", NULL};
static const char *const no_values[] = {"no", "private", "use_sidepath", "discouraged_no", NULL};
static const char *const never_highways[] = {"motorway", "motorway_link", "construction", "proposed",
                                             "raceway", "bus_guideway", "abandoned", "razed", NULL};
static const char *const slow_bike_highways[] = {"path", "track", "bridleway", NULL};
static const char *const unpaved[] = {"unpaved", "gravel", "fine_gravel", "dirt", "earth", "ground",
                                      "grass", "sand", "mud", "pebblestone", "woodchips", NULL};

px_net_options px__net_options_resolve(const px_net_options *opts)
{
    px_net_options o = opts ? *opts : (px_net_options){0};
    if (!(o.walk_kmh > 0)) o.walk_kmh = 4.8;
    if (!(o.bike_kmh > 0)) o.bike_kmh = 15.0;
    if (!(o.bike_slow_kmh > 0)) o.bike_slow_kmh = 10.0;
    if (!(o.bike_steps_kmh > 0)) o.bike_steps_kmh = 2.0;
    if (o.snap_tol_m == 0) o.snap_tol_m = 1.0;
    if (o.island_max_nodes <= 0) o.island_max_nodes = 50;
    return o;
}

/* Allowed for one mode: the highway default, overridden by access, then by
 * the mode's own tag (foot=yes on an access=no way lets walkers through). */
static int allowed(int by_highway, const char *access, const char *mode_tag)
{
    int ok = by_highway;
    if (in_list(access, no_values)) ok = 0; /* access=yes opens nothing: it does not make a footway cyclable */
    if (in_list(mode_tag, no_values)) ok = 0;
    else if (in_list(mode_tag, yes_values)) ok = 1;
    return ok;
}

/* -1 backward only, +1 forward only, 0 both ways. */
static int bike_oneway(const px__way_tags *t)
{
    int dir = 0;
    if (is(t->oneway, "yes") || is(t->oneway, "true") || is(t->oneway, "1")) dir = 1;
    else if (is(t->oneway, "-1") || is(t->oneway, "reverse")) dir = -1;
    else if (!t->oneway && is(t->junction, "roundabout")) dir = 1;
    if (dir == 0) return 0;
    if (is(t->oneway_bicycle, "no")) return 0;
    const char *cw[] = {t->cycleway, t->cycleway_left, t->cycleway_right, t->cycleway_both};
    for (int i = 0; i < 4; i++)
        if (cw[i] && !strncmp(cw[i], "opposite", 8)) return 0; /* contraflow lane or track */
    return dir;
}

static int layer_of(const px__way_tags *t, int bridge, int tunnel)
{
    if (t->layer && *t->layer) {
        char *end = NULL;
        long v = strtol(t->layer, &end, 10);
        if (end != t->layer && v >= -5 && v <= 5) return (int)v;
    }
    return bridge ? 1 : tunnel ? -1 : 0;
}

void px__way_rule_road(const px__way_tags *t, const px_net_options *opts, px__way_rule *out)
{
    px_net_options o = px__net_options_resolve(opts);
    const char *hw = t->highway;
    int walk_default = 1, bike_default = 1;
    if (in_list(hw, never_highways)) walk_default = bike_default = 0;
    else if (is(hw, "footway") || is(hw, "pedestrian") || is(hw, "bridleway") || is(hw, "corridor"))
        bike_default = 0;
    else if (is(hw, "cycleway")) walk_default = 1; /* pedestrians tolerated unless foot=no */
    int walk = allowed(walk_default, t->access, t->foot);
    int bike = allowed(bike_default, t->access, t->bicycle);
    if (in_list(hw, never_highways)) walk = bike = 0; /* never, whatever the tags */
    /* Steps: bikes are carried, slowly; kept so a stairway does not cut the network. */
    if (is(hw, "steps") && !in_list(t->bicycle, no_values)) bike = 1;
    unsigned flags = 0;
    if (walk) flags |= PX_EDGE_WALK_FWD | PX_EDGE_WALK_BWD;
    if (bike) {
        int d = bike_oneway(t);
        if (d >= 0) flags |= PX_EDGE_BIKE_FWD;
        if (d <= 0) flags |= PX_EDGE_BIKE_BWD;
    }
    out->flags = flags;
    out->walk_kmh = o.walk_kmh;
    out->bike_kmh = is(hw, "steps") ? o.bike_steps_kmh
                    : (in_list(hw, slow_bike_highways) || in_list(t->surface, unpaved)) ? o.bike_slow_kmh
                                                                                        : o.bike_kmh;
    out->bridge = t->bridge && !is(t->bridge, "no");
    out->tunnel = t->tunnel && !is(t->tunnel, "no");
    out->layer = layer_of(t, out->bridge, out->tunnel);
}

void px__way_rule_cycle_route(const char *kind, const px_net_options *opts, px__way_rule *out)
{
    (void)kind;
    px_net_options o = px__net_options_resolve(opts);
    out->flags = PX_EDGE_BIKE_FWD | PX_EDGE_BIKE_BWD;
    out->walk_kmh = o.walk_kmh;
    out->bike_kmh = o.bike_kmh;
    out->layer = 0;
    out->bridge = out->tunnel = 0;
}
