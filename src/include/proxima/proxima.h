/*
 * Proxima, a spatial planning engine: the umbrella header. Include this one;
 * it pulls in every public module header. See each header for ownership
 * rules and the statuses each call returns.
 */
#ifndef PROXIMA_H
#define PROXIMA_H

#include "proxima/core.h"
#include "proxima/store.h"
#include "proxima/io.h"
/* module headers are added below as modules land */
#include "proxima/layer.h"
#include "proxima/net.h"
#include "proxima/synth.h"
#include "proxima/access.h"
#include "proxima/equity.h"
#include "proxima/brownfield.h"
#include "proxima/flood.h"
#include "proxima/cycle.h"
#include "proxima/services.h"
#include "proxima/mbtiles.h"
#include "proxima/tiles.h"
#include "proxima/run.h"
#include "proxima/tileset.h"
#include "proxima/server.h"
#include "proxima/print.h"

#endif
