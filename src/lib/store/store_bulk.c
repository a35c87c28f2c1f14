/* Connection settings for bulk writes (see store_bulk.h). */
#include "store_bulk.h"
#include "store_int.h"

#include <stdio.h>

px_status px__store_set_cache_mib(px_store *s, int mib)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", mib > 0 ? mib * 1024 : 2048);
    return px__store_exec(s, sql);
}
