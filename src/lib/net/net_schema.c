/*
 * The columns of net_nodes and net_edges, in one place: the builder writes
 * them and px_graph_load reads them. README (network section) documents
 * each column.
 */
#include "net_build_int.h"

#define COLS(arr) (sizeof arr / sizeof arr[0]), arr

static const px_column node_cols[] = {
    {"component", PX_COL_INT}, {"island", PX_COL_INT}, {"degree", PX_COL_INT}, {"x", PX_COL_REAL}, {"y", PX_COL_REAL}};

static const px_column edge_cols[] = {
    {"from_node", PX_COL_INT},  {"to_node", PX_COL_INT},    {"length_m", PX_COL_REAL}, {"highway", PX_COL_TEXT},
    {"walk_fwd", PX_COL_INT},   {"walk_bwd", PX_COL_INT},   {"bike_fwd", PX_COL_INT},  {"bike_bwd", PX_COL_INT},
    {"walk_s", PX_COL_REAL},    {"bike_s", PX_COL_REAL},    {"source", PX_COL_TEXT},   {"source_fid", PX_COL_INT},
    {"source_id", PX_COL_TEXT}, {"layer", PX_COL_INT},      {"bridge", PX_COL_INT},    {"tunnel", PX_COL_INT},
    {"component", PX_COL_INT},  {"island", PX_COL_INT}};

static const px_table_schema nodes_schema = {"net_nodes", "network", PX_GEOM_POINT, COLS(node_cols)};
static const px_table_schema edges_schema = {"net_edges", "network", PX_GEOM_LINESTRING, COLS(edge_cols)};

const px_table_schema *px__net_nodes_schema(void) { return &nodes_schema; }
const px_table_schema *px__net_edges_schema(void) { return &edges_schema; }
