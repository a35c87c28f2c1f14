/*
 * PostGIS tables: creating and dropping them, the writer (COPY in binary
 * format, geometry as EWKB carrying the project SRID, the GiST index built
 * once the rows are in) and the reader (a cursor fetched in binary in
 * batches, so a large table never sits whole in memory).
 *
 * Binary rather than text COPY: a result table of a million rows and forty
 * real columns spent most of its time printing and parsing the reals
 * ("%.17g" here, float8in on the server); in binary they are eight bytes
 * each way and come back bit for bit. Each column is sent in the type of
 * the table's column (not of the value), converted as the text format would
 * have been by the server: an integer into a real column, an integral real
 * or a number written as text into an integer column.
 *
 * Rows are buffered and sent as one COPY per few megabytes rather than one
 * open COPY for the writer's life: between two COPYs the connection is free,
 * so a command may read another table (or write a second one) while a writer
 * is open, as it may on SpatiaLite.
 */
#include "store_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COPY_CHUNK (4u << 20)
#define FETCH_ROWS 5000

struct px__pg_writer {
    px_store *store;
    char *name;
    char *copy_sql;
    px_geom_type geom_type;
    size_t n_columns;
    px_col_type *types;    /* the table's column types */
    char *buf;
    size_t len, cap;
    int64_t n_rows;        /* rows added */
    int64_t n_rows_sent;   /* rows already sent, for the line numbers of COPY errors */
};

struct px__pg_reader {
    px_store *store;
    char cursor[32];
    PGresult *res;
    int row, n_rows, done;
    size_t n_columns;
    int with_geom;
};

int px__pg_has_table(px_store *s, const char *name)
{
    PGresult *r = NULL;
    const char *p[2] = {s->pg->schema, name};
    if (px__pg_query(s, "SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2", 2, p, 0, &r) != PX_OK)
        return 0;
    int found = PQntuples(r) > 0;
    PQclear(r);
    return found;
}

int px__pg_has_geometry(px_store *s, const char *name)
{
    PGresult *r = NULL;
    const char *p[2] = {s->pg->schema, name};
    if (px__pg_query(s, "SELECT 1 FROM geometry_columns WHERE f_table_schema = $1 AND f_table_name = $2"
                        " AND f_geometry_column = 'geom'",
                     2, p, 0, &r) != PX_OK)
        return 0;
    int found = PQntuples(r) > 0;
    PQclear(r);
    return found;
}

px_status px__pg_drop_table(px_store *s, const char *name)
{
    if (!strncmp(name, "px_", 3) || !strcmp(name, "spatial_ref_sys"))
        return px__error(s->ctx, PX_EINVAL, "%s: '%s' is an internal table", s->path, name);
    if (!px__pg_has_table(s, name)) return PX_OK;
    char *sql = px__asprintf("DROP TABLE \"%s\"", name);
    px_status rc = sql ? px__pg_exec(s, sql) : px__error(s->ctx, PX_ENOMEM, "out of memory");
    free(sql);
    const char *p[1] = {name};
    if (rc == PX_OK) rc = px__pg_query(s, "DELETE FROM px_tables WHERE name = $1", 1, p, 0, NULL);
    return rc;
}

static const char *pg_col_type(px_col_type t)
{
    return t == PX_COL_INT ? "BIGINT" : t == PX_COL_REAL ? "DOUBLE PRECISION" : "TEXT";
}

px_status px__pg_writer_open(px_store *s, const px_table_schema *schema, px__pg_writer **out)
{
    px__pg_writer *w = calloc(1, sizeof *w);
    if (!w) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    w->store = s;
    w->geom_type = schema->geom_type;
    w->n_columns = schema->n_columns;
    w->name = px__strdup(schema->name);
    w->types = malloc((schema->n_columns + 1) * sizeof *w->types);
    for (size_t i = 0; w->types && i < schema->n_columns; i++) w->types[i] = schema->columns[i].type;
    size_t cap = 256 + 90 * (schema->n_columns + 1);
    char *create = malloc(cap);
    w->copy_sql = malloc(cap);
    if (!w->name || !w->types || !create || !w->copy_sql) {
        free(create);
        px__pg_writer_free(w);
        return px__error(s->ctx, PX_ENOMEM, "out of memory");
    }
    size_t n = (size_t)snprintf(create, cap, "CREATE TABLE \"%s\"(fid BIGINT PRIMARY KEY", schema->name);
    size_t m = (size_t)snprintf(w->copy_sql, cap, "COPY \"%s\"(fid", schema->name);
    for (size_t i = 0; i < schema->n_columns; i++) {
        n += (size_t)snprintf(create + n, cap - n, ", \"%s\" %s", schema->columns[i].name,
                              pg_col_type(schema->columns[i].type));
        m += (size_t)snprintf(w->copy_sql + m, cap - m, ", \"%s\"", schema->columns[i].name);
    }
    if (schema->geom_type != PX_GEOM_NONE) {
        n += (size_t)snprintf(create + n, cap - n, ", geom geometry(%s, %d)", px_geom_type_name(schema->geom_type),
                              s->srid);
        m += (size_t)snprintf(w->copy_sql + m, cap - m, ", geom");
    }
    snprintf(create + n, cap - n, ")");
    snprintf(w->copy_sql + m, cap - m, ") FROM STDIN (FORMAT binary)");
    px_status rc = px__pg_drop_table(s, schema->name);
    if (rc == PX_OK) rc = px__pg_exec(s, create);
    free(create);
    if (rc != PX_OK) {
        px__pg_writer_free(w);
        return rc;
    }
    *out = w;
    return PX_OK;
}

static int reserve(px__pg_writer *w, size_t more)
{
    if (w->len + more + 1 <= w->cap) return 1;
    size_t cap = w->cap ? w->cap : 65536;
    while (cap < w->len + more + 1) cap *= 2;
    char *b = realloc(w->buf, cap);
    if (!b) return 0;
    w->buf = b;
    w->cap = cap;
    return 1;
}

static void put_u16(px__pg_writer *w, uint16_t v)
{
    w->buf[w->len++] = (char)(v >> 8);
    w->buf[w->len++] = (char)v;
}

static void put_u32(px__pg_writer *w, uint32_t v)
{
    for (int i = 3; i >= 0; i--) w->buf[w->len++] = (char)(v >> (8 * i));
}

static void put_u64(px__pg_writer *w, uint64_t v)
{
    for (int i = 7; i >= 0; i--) w->buf[w->len++] = (char)(v >> (8 * i));
}

/* The binary COPY header: signature, flags, no extension area. */
static void put_header(px__pg_writer *w)
{
    static const char sig[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0'};
    memcpy(w->buf + w->len, sig, sizeof sig);
    w->len += sizeof sig;
    put_u32(w, 0);
    put_u32(w, 0);
}

/* ISO WKB (2D) to EWKB with the SRID: the SRID flag on the outer type and
 * four bytes of SRID after it, in the geometry's own byte order. Returns -1
 * on a WKB too short to have a type. */
static int put_ewkb(px__pg_writer *w, const unsigned char *wkb, size_t len, int srid)
{
    if (len < 5) return -1;
    int le = wkb[0] == 1;
    uint32_t type = le ? (uint32_t)wkb[1] | (uint32_t)wkb[2] << 8 | (uint32_t)wkb[3] << 16 | (uint32_t)wkb[4] << 24
                       : (uint32_t)wkb[4] | (uint32_t)wkb[3] << 8 | (uint32_t)wkb[2] << 16 | (uint32_t)wkb[1] << 24;
    type |= 0x20000000u;
    if (!reserve(w, len + 8)) return 0;
    put_u32(w, (uint32_t)(len + 4));
    unsigned char *h = (unsigned char *)w->buf + w->len;
    h[0] = wkb[0];
    for (int i = 0; i < 4; i++) {
        h[1 + i] = (unsigned char)(le ? type >> (8 * i) : type >> (8 * (3 - i)));
        h[5 + i] = (unsigned char)(le ? (uint32_t)srid >> (8 * i) : (uint32_t)srid >> (8 * (3 - i)));
    }
    w->len += 9;
    memcpy(w->buf + w->len, wkb + 5, len - 5);
    w->len += len - 5;
    return 1;
}

/* A value in the type of its column, as the server would have read the text
 * format: 0 on success, -1 when it cannot be (then *why names the type). */
static int to_int(const px_value *v, int64_t *out)
{
    if (v->type == PX_COL_INT) {
        *out = v->v.i;
        return 0;
    }
    if (v->type == PX_COL_REAL) {
        double d = v->v.d;
        if (!(d == floor(d) && fabs(d) < 9.2233720368547758e18)) return -1;
        *out = (int64_t)d;
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long long x = strtoll(v->v.s, &end, 10);
    while (end && (*end == ' ' || *end == '\t' || *end == '\n')) end++;
    if (errno || end == v->v.s || *end) return -1;
    *out = x;
    return 0;
}

static int to_real(const px_value *v, double *out)
{
    if (v->type == PX_COL_REAL) *out = v->v.d;
    else if (v->type == PX_COL_INT) *out = (double)v->v.i;
    else {
        char *end = NULL;
        *out = strtod(v->v.s, &end);
        while (end && (*end == ' ' || *end == '\t' || *end == '\n')) end++;
        if (end == v->v.s || *end) return -1;
    }
    return 0;
}

/* Send the buffered rows as one COPY. */
static px_status flush(px__pg_writer *w)
{
    px_store *s = w->store;
    if (w->len == 0) return PX_OK;
    PGconn *c = s->pg->conn;
    PGresult *r = PQexec(c, w->copy_sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        px_status st = px__error(s->ctx, PX_ESQLITE, "%s: %s: COPY: %s", s->path, w->name, PQresultErrorMessage(r));
        PQclear(r);
        return st;
    }
    PQclear(r);
    if (!reserve(w, 2)) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    put_u16(w, 0xFFFFu); /* the trailer */
    int ok = PQputCopyData(c, w->buf, (int)w->len) == 1;
    ok = PQputCopyEnd(c, ok ? NULL : "write failed") == 1 && ok;
    px_status rc = PX_OK;
    while ((r = PQgetResult(c)) != NULL) {
        if (rc == PX_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
            char *msg = px__strdup(PQresultErrorMessage(r));
            size_t n = msg ? strlen(msg) : 0;
            while (n && msg[n - 1] == '\n') msg[--n] = 0;
            const char *ctxt = PQresultErrorField(r, PG_DIAG_CONTEXT);
            const char *line = ctxt ? strstr(ctxt, "line ") : NULL;
            long long row = line ? w->n_rows_sent + atoll(line + 5) : 0;
            const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
            int domain = state && (!strcmp(state, "22023") || !strncmp(state, "22", 2));
            if (row)
                rc = px__error(s->ctx, domain ? PX_EDOMAIN : PX_ESQLITE, "%s: row %lld: %s", w->name, row,
                               msg ? msg : "COPY failed");
            else
                rc = px__error(s->ctx, PX_ESQLITE, "%s: %s: COPY: %s", s->path, w->name, msg ? msg : "failed");
            free(msg);
        }
        PQclear(r);
    }
    if (rc == PX_OK && !ok) rc = px__error(s->ctx, PX_ESQLITE, "%s: %s: COPY: %s", s->path, w->name, PQerrorMessage(c));
    w->n_rows_sent = w->n_rows;
    w->len = 0;
    return rc;
}

px_status px__pg_writer_add(px__pg_writer *w, const px_value *values, const unsigned char *wkb, size_t wkb_len,
                            int64_t *fid_out)
{
    int64_t fid = w->n_rows + 1;
    int has_geom = w->geom_type != PX_GEOM_NONE;
    size_t base = w->len;
    /* Fixed-size parts: header, field count, fid, eight bytes per number. */
    if (!reserve(w, 19 + 2 + 12 + 12 * w->n_columns + 4)) goto nomem;
    if (w->len == 0) put_header(w);
    put_u16(w, (uint16_t)(1 + w->n_columns + (has_geom ? 1 : 0)));
    put_u32(w, 8);
    put_u64(w, (uint64_t)fid);
    for (size_t i = 0; i < w->n_columns; i++) {
        const px_value *v = &values[i];
        if (v->is_null || (v->type == PX_COL_TEXT && !v->v.s)) {
            if (!reserve(w, 4)) goto nomem;
            put_u32(w, 0xFFFFFFFFu);
        } else if (w->types[i] == PX_COL_TEXT) {
            char num[40];
            const char *t = v->v.s;
            if (v->type == PX_COL_INT) snprintf(num, sizeof num, "%lld", (long long)v->v.i), t = num;
            else if (v->type == PX_COL_REAL) snprintf(num, sizeof num, "%.17g", v->v.d), t = num;
            size_t n = strlen(t);
            if (!reserve(w, 4 + n)) goto nomem;
            put_u32(w, (uint32_t)n);
            memcpy(w->buf + w->len, t, n);
            w->len += n;
        } else {
            uint64_t u;
            int bad;
            if (w->types[i] == PX_COL_INT) {
                int64_t x = 0;
                bad = to_int(v, &x);
                u = (uint64_t)x;
            } else {
                double d = 0;
                bad = to_real(v, &d);
                memcpy(&u, &d, sizeof u);
            }
            if (bad) {
                w->len = base;
                return px__error(w->store->ctx, PX_EDOMAIN, "%s: row %lld: column %zu: not a %s", w->name,
                                 (long long)fid, i + 1, w->types[i] == PX_COL_INT ? "bigint" : "double precision");
            }
            if (!reserve(w, 12)) goto nomem;
            put_u32(w, 8);
            put_u64(w, u);
        }
    }
    if (has_geom) {
        if (!wkb) {
            if (!reserve(w, 4)) goto nomem;
            put_u32(w, 0xFFFFFFFFu);
        } else {
            int ok = put_ewkb(w, wkb, wkb_len, w->store->srid);
            if (ok < 0) {
                w->len = base;
                return px__error(w->store->ctx, PX_EDOMAIN, "%s: row %lld: geometry is not valid WKB", w->name,
                                 (long long)fid);
            }
            if (!ok) goto nomem;
        }
    }
    w->n_rows++;
    if (fid_out) *fid_out = fid;
    return w->len >= COPY_CHUNK ? flush(w) : PX_OK;
nomem:
    w->len = base;
    return px__error(w->store->ctx, PX_ENOMEM, "out of memory");
}

px_status px__pg_writer_finish(px__pg_writer *w, int spatial_index)
{
    px_store *s = w->store;
    px_status rc = flush(w);
    if (rc == PX_OK && w->geom_type != PX_GEOM_NONE && spatial_index) {
        char *sql = px__asprintf("CREATE INDEX \"%s_geom_idx\" ON \"%s\" USING GIST (geom)", w->name, w->name);
        rc = sql ? px__pg_exec(s, sql) : px__error(s->ctx, PX_ENOMEM, "out of memory");
        free(sql);
    }
    return rc;
}

void px__pg_writer_free(px__pg_writer *w)
{
    if (!w) return;
    free(w->name);
    free(w->copy_sql);
    free(w->types);
    free(w->buf);
    free(w);
}

px_status px__pg_table_columns(px_store *s, const char *name, char ***names, px_col_type **types, size_t *n)
{
    PGresult *r = NULL;
    const char *p[2] = {s->pg->schema, name};
    px_status rc = px__pg_query(s,
                                "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                                " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace ns ON ns.oid = c.relnamespace"
                                " WHERE ns.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped"
                                " AND a.attname NOT IN ('fid', 'geom') ORDER BY a.attnum",
                                2, p, 0, &r);
    if (rc != PX_OK) return rc;
    int cnt = PQntuples(r);
    char **nm = calloc((size_t)cnt + 1, sizeof *nm);
    px_col_type *ty = calloc((size_t)cnt + 1, sizeof *ty);
    for (int i = 0; nm && ty && i < cnt; i++) {
        const char *t = PQgetvalue(r, i, 1);
        nm[i] = px__strdup(PQgetvalue(r, i, 0));
        ty[i] = !strcmp(t, "bigint") || !strcmp(t, "integer") || !strcmp(t, "smallint") ? PX_COL_INT
                : !strcmp(t, "double precision") || !strcmp(t, "real") || !strncmp(t, "numeric", 7)
                    ? PX_COL_REAL
                    : PX_COL_TEXT;
        if (!nm[i]) rc = PX_ENOMEM;
    }
    PQclear(r);
    if (!nm || !ty || rc != PX_OK) {
        for (int i = 0; nm && i < cnt; i++) free(nm[i]);
        free(nm);
        free(ty);
        return px__error(s->ctx, PX_ENOMEM, "out of memory");
    }
    *names = nm;
    *types = ty;
    *n = (size_t)cnt;
    return PX_OK;
}

px_status px__pg_reader_open(px_store *s, const char *name, char **names, px_col_type *types, size_t n_columns,
                             int with_geom, const px_bbox *bbox, px__pg_reader **out)
{
    px__pg_reader *r = calloc(1, sizeof *r);
    size_t cap = 512 + 80 * (n_columns + 1) + 2 * strlen(name);
    char *sql = malloc(cap);
    if (!r || !sql) {
        free(r);
        free(sql);
        return px__error(s->ctx, PX_ENOMEM, "out of memory");
    }
    r->store = s;
    r->n_columns = n_columns;
    r->with_geom = with_geom;
    snprintf(r->cursor, sizeof r->cursor, "px_c%d", ++s->pg->n_cursors);
    size_t n = (size_t)snprintf(sql, cap, "DECLARE %s NO SCROLL CURSOR FOR SELECT fid::bigint", r->cursor);
    for (size_t i = 0; i < n_columns; i++)
        n += (size_t)snprintf(sql + n, cap - n, ", \"%s\"::%s", names[i],
                              types[i] == PX_COL_INT ? "bigint" : types[i] == PX_COL_REAL ? "float8" : "text");
    if (with_geom) n += (size_t)snprintf(sql + n, cap - n, ", ST_AsBinary(geom)");
    n += (size_t)snprintf(sql + n, cap - n, " FROM \"%s\"", name);
    if (bbox)
        n += (size_t)snprintf(sql + n, cap - n, " WHERE geom && ST_MakeEnvelope(%.17g, %.17g, %.17g, %.17g, %d)",
                              bbox->minx, bbox->miny, bbox->maxx, bbox->maxy, s->srid);
    snprintf(sql + n, cap - n, " ORDER BY fid");
    px_status rc = px__pg_exec(s, sql);
    free(sql);
    if (rc != PX_OK) {
        free(r);
        return rc;
    }
    *out = r;
    return PX_OK;
}

px_status px__pg_reader_next(px__pg_reader *r, int *has_row)
{
    if (r->res && r->row + 1 < r->n_rows) {
        r->row++;
        *has_row = 1;
        return PX_OK;
    }
    PQclear(r->res);
    r->res = NULL;
    if (r->done) {
        *has_row = 0;
        return PX_OK;
    }
    char sql[64];
    snprintf(sql, sizeof sql, "FETCH FORWARD %d FROM %s", FETCH_ROWS, r->cursor);
    px_status rc = px__pg_query(r->store, sql, 0, NULL, 1, &r->res);
    if (rc != PX_OK) {
        *has_row = 0;
        return rc;
    }
    r->n_rows = PQntuples(r->res);
    r->row = 0;
    if (r->n_rows < FETCH_ROWS) r->done = 1;
    *has_row = r->n_rows > 0;
    return PX_OK;
}

static uint64_t be64(const char *p)
{
    const unsigned char *b = (const unsigned char *)p;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | b[i];
    return v;
}

int64_t px__pg_reader_fid(const px__pg_reader *r) { return (int64_t)be64(PQgetvalue(r->res, r->row, 0)); }
int px__pg_reader_is_null(const px__pg_reader *r, size_t i) { return PQgetisnull(r->res, r->row, (int)i + 1); }
int64_t px__pg_reader_int(const px__pg_reader *r, size_t i)
{
    return PQgetisnull(r->res, r->row, (int)i + 1) ? 0 : (int64_t)be64(PQgetvalue(r->res, r->row, (int)i + 1));
}
double px__pg_reader_real(const px__pg_reader *r, size_t i)
{
    if (PQgetisnull(r->res, r->row, (int)i + 1)) return 0;
    uint64_t u = be64(PQgetvalue(r->res, r->row, (int)i + 1));
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}
const char *px__pg_reader_text(const px__pg_reader *r, size_t i)
{
    return PQgetisnull(r->res, r->row, (int)i + 1) ? NULL : PQgetvalue(r->res, r->row, (int)i + 1);
}
const unsigned char *px__pg_reader_wkb(const px__pg_reader *r, size_t *len)
{
    int col = (int)r->n_columns + 1;
    if (!r->with_geom || PQgetisnull(r->res, r->row, col)) {
        *len = 0;
        return NULL;
    }
    *len = (size_t)PQgetlength(r->res, r->row, col);
    return (const unsigned char *)PQgetvalue(r->res, r->row, col);
}

void px__pg_reader_close(px__pg_reader *r)
{
    if (!r) return;
    PQclear(r->res);
    char sql[48];
    snprintf(sql, sizeof sql, "CLOSE %s", r->cursor);
    if (r->store->in_txn) PQclear(PQexec(r->store->pg->conn, sql));
    free(r);
}

px_status px__pg_count_rows(px_store *s, const char *name, int64_t *out)
{
    char *sql = px__asprintf("SELECT count(*) FROM \"%s\"", name);
    PGresult *r = NULL;
    px_status rc = sql ? px__pg_query(s, sql, 0, NULL, 0, &r) : px__error(s->ctx, PX_ENOMEM, "out of memory");
    free(sql);
    if (rc != PX_OK) return rc;
    *out = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return PX_OK;
}
