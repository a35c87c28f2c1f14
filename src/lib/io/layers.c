/*
 * The canonical layers: their table names and fixed core columns. Every
 * loader writes exactly these columns plus `props`, a JSON object holding
 * every other source attribute so nothing is thrown away.
 */
#include "proxima/io.h"
#include "../core/core_int.h"

#include <string.h>

#define COLS(arr) (sizeof arr / sizeof arr[0]), arr

static const px_column communes_cols[] = {
    {"id", PX_COL_TEXT}, {"name", PX_COL_TEXT}, {"population", PX_COL_REAL}, {"props", PX_COL_TEXT}};
static const px_column brownfields_cols[] = {{"id", PX_COL_TEXT},      {"name", PX_COL_TEXT},
                                             {"kind", PX_COL_TEXT},    {"area_m2", PX_COL_REAL},
                                             {"props", PX_COL_TEXT}};
static const px_column cycle_cols[] = {
    {"id", PX_COL_TEXT}, {"kind", PX_COL_TEXT}, {"name", PX_COL_TEXT}, {"props", PX_COL_TEXT}};
static const px_column flood_cols[] = {
    {"id", PX_COL_TEXT}, {"hazard", PX_COL_TEXT}, {"kind", PX_COL_TEXT}, {"props", PX_COL_TEXT}};
/* The tags routing and traffic stress need, as OSM spells them (':' -> '_'). */
static const px_column roads_cols[] = {
    {"id", PX_COL_TEXT},             {"highway", PX_COL_TEXT},        {"name", PX_COL_TEXT},
    {"oneway", PX_COL_TEXT},         {"oneway_bicycle", PX_COL_TEXT}, {"access", PX_COL_TEXT},
    {"foot", PX_COL_TEXT},           {"bicycle", PX_COL_TEXT},        {"cycleway", PX_COL_TEXT},
    {"cycleway_left", PX_COL_TEXT},  {"cycleway_right", PX_COL_TEXT}, {"cycleway_both", PX_COL_TEXT},
    {"maxspeed", PX_COL_TEXT},       {"lanes", PX_COL_TEXT},          {"layer", PX_COL_TEXT},
    {"bridge", PX_COL_TEXT},         {"tunnel", PX_COL_TEXT},         {"junction", PX_COL_TEXT},
    {"surface", PX_COL_TEXT},        {"props", PX_COL_TEXT}};
static const px_column services_cols[] = {{"id", PX_COL_TEXT},       {"category", PX_COL_TEXT},
                                          {"name", PX_COL_TEXT},     {"capacity", PX_COL_REAL},
                                          {"props", PX_COL_TEXT}};
static const px_column population_cols[] = {
    {"id", PX_COL_TEXT}, {"count", PX_COL_REAL}, {"method", PX_COL_TEXT}, {"props", PX_COL_TEXT}};

static const px_column water_cols[] = {
    {"id", PX_COL_TEXT}, {"kind", PX_COL_TEXT}, {"name", PX_COL_TEXT}, {"props", PX_COL_TEXT}};

static const px_table_schema schemas[PX_LAYER_COUNT] = {
    [PX_LAYER_COMMUNES] = {"communes", "layer", PX_GEOM_MULTIPOLYGON, COLS(communes_cols)},
    [PX_LAYER_BROWNFIELDS] = {"brownfields", "layer", PX_GEOM_ANY, COLS(brownfields_cols)},
    [PX_LAYER_CYCLE_ROUTES] = {"cycle_routes", "layer", PX_GEOM_MULTILINESTRING, COLS(cycle_cols)},
    [PX_LAYER_FLOOD_ZONES] = {"flood_zones", "layer", PX_GEOM_MULTIPOLYGON, COLS(flood_cols)},
    [PX_LAYER_ROADS] = {"roads", "layer", PX_GEOM_MULTILINESTRING, COLS(roads_cols)},
    [PX_LAYER_SERVICES] = {"services", "layer", PX_GEOM_POINT, COLS(services_cols)},
    [PX_LAYER_POPULATION] = {"population", "layer", PX_GEOM_ANY, COLS(population_cols)},
    [PX_LAYER_WATER] = {"water", "layer", PX_GEOM_ANY, COLS(water_cols)},
};

const char *px_layer_name(px_layer_id id)
{
    return (unsigned)id < PX_LAYER_COUNT ? schemas[id].name : "";
}

px_status px_layer_lookup(const char *name, px_layer_id *out)
{
    for (int i = 0; i < PX_LAYER_COUNT; i++)
        if (name && !strcmp(name, schemas[i].name)) {
            *out = (px_layer_id)i;
            return PX_OK;
        }
    return PX_ENOTFOUND;
}

const px_table_schema *px_layer_schema(px_layer_id id)
{
    return (unsigned)id < PX_LAYER_COUNT ? &schemas[id] : NULL;
}
