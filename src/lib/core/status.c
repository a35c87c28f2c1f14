/*
 * Fixed English names of the status codes. The detailed, situation-specific
 * message lives on the context; these are only the category.
 */
#include "proxima/core.h"

const char *px_strerror(px_status status)
{
    switch (status) {
    case PX_OK: return "success";
    case PX_ENOMEM: return "out of memory";
    case PX_EINVAL: return "invalid argument";
    case PX_EIO: return "input/output error";
    case PX_EPARSE: return "syntax error";
    case PX_EDOMAIN: return "unusable input";
    case PX_ECRS: return "coordinate reference system error";
    case PX_ENOTFOUND: return "not found";
    case PX_ENOTPROJECT: return "not a Proxima project";
    case PX_ECANCELLED: return "cancelled";
    case PX_EGDAL: return "GDAL error";
    case PX_EGEOS: return "GEOS error";
    case PX_EPROJ: return "PROJ error";
    case PX_ESQLITE: return "SQLite error";
    case PX_EREJECTED: return "features rejected";
    case PX_EUNSUPPORTED: return "unsupported";
    case PX_EARG: return "invalid option value";
    case PX_STATUS_COUNT: break;
    }
    return "unknown status";
}
