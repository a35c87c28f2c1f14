/*
 * Level of traffic stress of one road from its OSM tags: reads the speed
 * limit, lane count, bicycle access and cycleway tags, fills the defaults of
 * the road class, then walks the rule table of lts_rules.c and returns the
 * first row that matches. The rules themselves are data, not code here.
 * Direction-specific facilities (a lane on one side only) are not told
 * apart: the best facility tagged on either side is used for both.
 */
#include "cycle_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const class_names[PX_CYCLE_CLASS_COUNT] = {"none", "track", "lane", "shared", "path"};

const char *px_cycle_class_name(px_cycle_class c)
{
    return (unsigned)c < PX_CYCLE_CLASS_COUNT ? class_names[c] : "none";
}

static int is(const char *v, const char *want)
{
    return v && !strcasecmp(v, want);
}

/* Zone and implicit limits as OSM writes them after "FR:", "BE:", "BE-VLG:"... */
static const struct {
    const char *suffix;
    double kmh;
} implicit_speeds[] = {
    {"urban", 50},     {"rural", 80},   {"zone30", 30},        {"zone:30", 30},
    {"zone20", 20},    {"zone:20", 20}, {"living_street", 20}, {"walk", 6},
    {"motorway", 130}, {"trunk", 110},  {"bicycle_road", 30},  {"cyclestreet", 30},
};

double px__lts_parse_speed(const char *s)
{
    if (!s) return 0;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s) return 0;
    if (!strcasecmp(s, "walk")) return 6;
    if (!strcasecmp(s, "none")) return 130;
    if (isdigit((unsigned char)*s)) {
        char *end = NULL;
        double v = strtod(s, &end);
        while (isspace((unsigned char)*end))
            end++;
        if (!strncasecmp(end, "mph", 3))
            v *= 1.609344;
        else if (*end && *end != ';' && strncasecmp(end, "km/h", 4) && strncasecmp(end, "kmh", 3))
            return 0;
        return v > 0 ? v : 0;
    }
    /* "FR:urban", "BE-VLG:zone30": the part after the first ':' names the limit. */
    const char *colon = strchr(s, ':');
    if (!colon) return 0;
    for (size_t i = 0; i < sizeof implicit_speeds / sizeof implicit_speeds[0]; i++)
        if (!strcasecmp(colon + 1, implicit_speeds[i].suffix)) return implicit_speeds[i].kmh;
    return 0;
}

/* Whole number of lanes, or 0 when missing or unreadable ("2;3" takes 2). */
static int parse_lanes(const char *s)
{
    if (!s) return 0;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || (*end && *end != ';' && !isspace((unsigned char)*end)) || v <= 0 || v > 20) return 0;
    return (int)v;
}

static int facility_of(const char *v)
{
    if (!v) return PX__FAC_NONE;
    if (is(v, "track") || is(v, "separate") || is(v, "opposite_track")) return PX__FAC_TRACK;
    if (is(v, "lane") || is(v, "opposite_lane") || is(v, "buffered_lane") || is(v, "share_busway") ||
        is(v, "opposite_share_busway"))
        return PX__FAC_LANE;
    if (is(v, "shared_lane") || is(v, "shared")) return PX__FAC_SHARED;
    return PX__FAC_NONE;
}

static unsigned bicycle_access(const char *v)
{
    if (!v || !*v) return PX__BIKE_UNSET;
    if (is(v, "no") || is(v, "private") || is(v, "use_sidepath") || is(v, "dismount")) return PX__BIKE_DENIED;
    if (is(v, "yes") || is(v, "designated") || is(v, "permissive") || is(v, "destination"))
        return PX__BIKE_ALLOWED;
    return PX__BIKE_UNSET;
}

static const px__lts_default *defaults_of(const char *highway)
{
    for (size_t i = 0; highway && i < px__n_lts_defaults; i++)
        if (!strcmp(highway, px__lts_defaults[i].highway)) return &px__lts_defaults[i];
    return &px__lts_default_other;
}

static int oneway_of(const char *v)
{
    return is(v, "yes") || is(v, "true") || is(v, "1") || is(v, "-1");
}

px_status px_lts_classify(px_ctx *ctx, const px_lts_tags *tags, px_lts_result *out)
{
    if (!ctx || !tags || !out) return px__error(ctx, PX_EINVAL, "px_lts_classify: NULL argument");
    const px__lts_default *def = defaults_of(tags->highway);
    px_lts_result r = {0};

    r.speed_kmh = px__lts_parse_speed(tags->maxspeed);
    if (r.speed_kmh <= 0) {
        r.speed_kmh = def->speed_kmh;
        r.speed_defaulted = 1;
    }
    int lanes = parse_lanes(tags->lanes);
    if (lanes > 0) {
        r.lanes_per_dir = oneway_of(tags->oneway) ? lanes : (lanes + 1) / 2;
    } else {
        r.lanes_per_dir = def->lanes_per_dir;
        r.lanes_defaulted = 1;
    }

    int fac = PX__FAC_NONE;
    const char *sides[4] = {tags->cycleway, tags->cycleway_both, tags->cycleway_left, tags->cycleway_right};
    for (int i = 0; i < 4; i++) {
        int f = facility_of(sides[i]);
        if (f > fac) fac = f;
    }
    unsigned access = bicycle_access(tags->bicycle);

    const px__lts_rule *hit = NULL;
    for (size_t i = 0; i < px__n_lts_rules && !hit; i++) {
        const px__lts_rule *rule = &px__lts_rules[i];
        if (rule->bicycle && !(rule->bicycle & access)) continue;
        if (rule->facilities && !(rule->facilities & (1u << fac))) continue;
        if (rule->classes && !(rule->classes & def->cls)) continue;
        if (rule->max_speed_kmh && r.speed_kmh > rule->max_speed_kmh + 1e-9) continue;
        if (rule->max_lanes_per_dir && r.lanes_per_dir > rule->max_lanes_per_dir) continue;
        hit = rule;
    }
    /* The last row accepts any mixed-traffic road and the lane rows end with
     * an unconditional one, so every tag combination is matched. */
    if (!hit)
        return px__error(ctx, PX_EDOMAIN, "lts: no rule matches highway=%s",
                         tags->highway ? tags->highway : "");
    r.lts = hit->lts;
    r.rule = hit->id;

    /* The facility class, for coverage: off-road ways first, then tags. */
    if (r.lts == 0)
        r.facility = PX_CYCLE_NONE;
    else if (def->cls & PX__CLS_CYCLEWAY)
        r.facility = PX_CYCLE_TRACK;
    else if (def->cls & (PX__CLS_PATH | PX__CLS_FOOT))
        r.facility = PX_CYCLE_PATH;
    else if (fac == PX__FAC_TRACK)
        r.facility = PX_CYCLE_TRACK;
    else if (fac == PX__FAC_LANE)
        r.facility = PX_CYCLE_LANE;
    else if (fac == PX__FAC_SHARED || is(tags->bicycle, "designated"))
        r.facility = PX_CYCLE_SHARED;
    else
        r.facility = PX_CYCLE_NONE;
    *out = r;
    return PX_OK;
}

size_t px_lts_n_rules(void)
{
    return px__n_lts_rules;
}

/* Append to buf[*n..size), never overrunning; *n stops at size - 1. */
static void append(char *buf, size_t size, size_t *n, const char *text)
{
    if (*n + 1 >= size) return;
    int w = snprintf(buf + *n, size - *n, "%s", text);
    *n = (size_t)w < size - *n ? *n + (size_t)w : size - 1;
}

static void append_bits(char *buf, size_t size, size_t *n, unsigned bits, const char *const *names,
                        size_t n_names)
{
    if (!bits) return;
    const char *sep = "";
    for (size_t b = 0; b < n_names; b++) {
        if (!(bits & (1u << b))) continue;
        append(buf, size, n, sep);
        append(buf, size, n, names[b]);
        sep = "/";
    }
    append(buf, size, n, ", ");
}

px_status px_lts_rule_describe(px_ctx *ctx, size_t i, char *buf, size_t size)
{
    if (!ctx || !buf || !size) return px__error(ctx, PX_EINVAL, "px_lts_rule_describe: NULL argument");
    if (i >= px__n_lts_rules)
        return px__error(ctx, PX_EINVAL, "px_lts_rule_describe: no rule %zu (%zu rules)", i, px__n_lts_rules);
    static const char *const bike[] = {"bicycle=no", "bicycle untagged", "bicycle=yes"};
    static const char *const fac[] = {"mixed traffic", "sharrows", "painted lane", "separated track"};
    static const char *const cls[] = {"motorway", "trunk",  "primary",  "secondary", "tertiary",
                                      "local",    "living", "cycleway", "path",      "footway"};
    const px__lts_rule *r = &px__lts_rules[i];
    char tmp[64];
    size_t n = 0;
    buf[0] = '\0';
    snprintf(tmp, sizeof tmp, "%s: ", r->id);
    append(buf, size, &n, tmp);
    append_bits(buf, size, &n, r->bicycle, bike, 3);
    append_bits(buf, size, &n, r->facilities, fac, 4);
    append_bits(buf, size, &n, r->classes, cls, 10);
    if (r->max_speed_kmh) {
        snprintf(tmp, sizeof tmp, "<= %d km/h, ", r->max_speed_kmh);
        append(buf, size, &n, tmp);
    }
    if (r->max_lanes_per_dir) {
        snprintf(tmp, sizeof tmp, "<= %d lane(s)/dir, ", r->max_lanes_per_dir);
        append(buf, size, &n, tmp);
    }
    if (r->lts)
        snprintf(tmp, sizeof tmp, "-> LTS %d", r->lts);
    else
        snprintf(tmp, sizeof tmp, "-> not bikeable");
    append(buf, size, &n, tmp);
    return PX_OK;
}
