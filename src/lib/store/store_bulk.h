/*
 * Bulk-writing aids for analyses that write millions of rows (added by the
 * network module; library-internal). Connection settings only: the file
 * format and the transaction rules of store.h are unchanged.
 */
#ifndef PX_STORE_BULK_H
#define PX_STORE_BULK_H

#include "proxima/store.h"

/* Set this connection's page cache to `mib` MiB (SQLite's default is 2 MiB,
 * which makes building a million-entry R*Tree thrash). Returns PX_ESQLITE. */
px_status px__store_set_cache_mib(px_store *store, int mib);

#endif
