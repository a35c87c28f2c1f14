/*
 * From source fields to the canonical columns: resolving a source's field
 * mapping once per source (the "plan"), then filling each row from a feature:
 * explicit mappings (field, first-set field, constant, value map), joined
 * values, and columns filled by name when the source has a field of the same
 * name. Every other attribute goes into the props JSON object, so nothing is
 * thrown away. Text is checked to be UTF-8; a source with a declared
 * `encoding:` is recoded through GDAL. Geometry is not handled here.
 */
#include "io_int.h"

#include <cpl_error.h>
#include <cpl_string.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum col_kind { COL_NULL, COL_FM, COL_AUTO, COL_JOIN, COL_FID, COL_AREA } col_kind;

typedef struct colplan {
    col_kind kind;
    const px__fieldmap *fm;
    int *idx;     /* COL_FM: OGR index of each fm->fields[i] */
    int auto_idx; /* COL_AUTO */
    int join_col; /* COL_JOIN: index into the join's columns */
} colplan;

struct px__plan {
    px__layer_load *ll;
    const px__source *src;
    const char *layer_name;
    size_t n_cols; /* schema columns but props */
    colplan *cols;
    int n_fields; /* OGR fields of the source layer */
    int *in_props;
    OGRFieldDefnH *defs;
    const px__join_table *join;
    int join_idx; /* OGR index of the join's `field` */
    int64_t join_looked_up, join_missed;
    int has_factor;
    colplan factor;
    int recode; /* a non-UTF-8 encoding was declared */
};

int px__utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        int n = (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0 || (*p == 0xC0 || *p == 0xC1) || *p > 0xF4) return 0;
        unsigned cp = *p & (0x3F >> n);
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        /* Overlong forms, surrogates and code points past U+10FFFF. */
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || (cp >= 0xD800 && cp <= 0xDFFF) ||
            cp > 0x10FFFF)
            return 0;
        p += n + 1;
    }
    return 1;
}

static px_status missing_field(px__plan *p, const char *field, const char *what)
{
    px__layer_load *ll = p->ll;
    char list[400] = "";
    for (int i = 0; i < p->n_fields; i++) {
        strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, OGR_Fld_GetNameRef(p->defs[i]), sizeof list - strlen(list) - 1);
    }
    return px__error(ll->ctx, PX_ENOTFOUND, "%s:%s: field '%s' (%s) does not exist; the source has: %s",
                     p->src->source_text, p->layer_name, field, what, *list ? list : "no fields");
}

static px_status plan_fm(px__plan *p, OGRFeatureDefnH fd, const px__fieldmap *fm, colplan *cp,
                         const char *what)
{
    cp->kind = COL_FM;
    cp->fm = fm;
    if (fm->kind == PX__FM_VALUE) return PX_OK;
    cp->idx = calloc(fm->n_fields, sizeof *cp->idx);
    if (!cp->idx) return px__error(p->ll->ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; i < fm->n_fields; i++) {
        cp->idx[i] = OGR_FD_GetFieldIndex(fd, fm->fields[i]);
        if (cp->idx[i] < 0) return missing_field(p, fm->fields[i], what);
        /* A copied field is in its column already; a mapped one keeps its
         * original value in props, since the column holds the translation. */
        if (fm->kind == PX__FM_FIELD) p->in_props[cp->idx[i]] = 0;
    }
    return PX_OK;
}

px_status px__plan_new(px__layer_load *ll, const px__source *src, OGRLayerH lyr, const char *layer_name,
                       const px__join_table *join, px__plan **out)
{
    px__plan *p = calloc(1, sizeof *p);
    if (!p) return px__error(ll->ctx, PX_ENOMEM, "out of memory");
    p->ll = ll;
    p->src = src;
    p->layer_name = layer_name;
    p->join = join;
    p->join_idx = -1;
    p->recode = src->encoding && strcasecmp(src->encoding, "UTF-8") && strcasecmp(src->encoding, "UTF8");
    if (p->recode) {
        /* Try the encoding once on a byte every 8-bit encoding has, so that a
         * misspelt name fails the load instead of every feature. */
        CPLErrorReset();
        char *probe = CPLRecode("\xe9", src->encoding, CPL_ENC_UTF8);
        int known = probe && CPLGetLastErrorType() == CE_None && px__utf8_valid(probe);
        CPLFree(probe);
        if (!known) {
            free(p);
            return px__error(ll->ctx, PX_EDOMAIN,
                             "%s:%s: encoding '%s' is not one GDAL/iconv can convert from", src->source_text,
                             layer_name, src->encoding);
        }
    }
    OGRFeatureDefnH fd = OGR_L_GetLayerDefn(lyr);
    p->n_fields = OGR_FD_GetFieldCount(fd);
    p->n_cols = ll->schema->n_columns - 1; /* props is the last column */
    p->cols = calloc(p->n_cols, sizeof *p->cols);
    p->in_props = calloc((size_t)p->n_fields + 1, sizeof *p->in_props);
    p->defs = calloc((size_t)p->n_fields + 1, sizeof *p->defs);
    px_status rc = PX_OK;
    if (!p->cols || !p->in_props || !p->defs) rc = px__error(ll->ctx, PX_ENOMEM, "out of memory");
    for (int i = 0; rc == PX_OK && i < p->n_fields; i++) {
        p->defs[i] = OGR_FD_GetFieldDefn(fd, i);
        p->in_props[i] = 1;
    }
    if (rc == PX_OK && src->join) {
        p->join_idx = OGR_FD_GetFieldIndex(fd, src->join->field);
        if (p->join_idx < 0) rc = missing_field(p, src->join->field, "the join's 'field'");
    }
    for (size_t c = 0; rc == PX_OK && c < p->n_cols; c++) {
        const char *col = ll->schema->columns[c].name;
        colplan *cp = &p->cols[c];
        const px__fieldmap *fm = NULL;
        for (size_t i = 0; i < src->n_fields; i++)
            if (!strcmp(src->fields[i].column, col)) fm = &src->fields[i];
        if (fm) {
            char what[80];
            snprintf(what, sizeof what, "mapped to %s.%s", ll->schema->name, col);
            rc = plan_fm(p, fd, fm, cp, what);
            continue;
        }
        for (size_t j = 0; src->join && j < src->join->n_columns; j++)
            if (!strcmp(src->join->columns[j], col)) {
                cp->kind = COL_JOIN;
                cp->join_col = (int)j;
            }
        if (cp->kind == COL_JOIN) continue;
        int idx = OGR_FD_GetFieldIndex(fd, col);
        if (idx >= 0) {
            cp->kind = COL_AUTO;
            cp->auto_idx = idx;
            p->in_props[idx] = 0;
        } else if (!strcmp(col, "id")) {
            cp->kind = COL_FID;
        } else if (!strcmp(col, "area_m2")) {
            cp->kind = COL_AREA;
        }
    }
    if (rc == PX_OK && src->distribute && src->distribute->has_factor) {
        p->has_factor = 1;
        rc = plan_fm(p, fd, &src->distribute->factor, &p->factor, "the distribute factor");
    }
    if (rc != PX_OK) {
        px__plan_free(p);
        return rc;
    }
    *out = p;
    return PX_OK;
}

void px__plan_free(px__plan *p)
{
    if (!p) return;
    for (size_t c = 0; c < p->n_cols; c++)
        free(p->cols[c].idx);
    free(p->factor.idx);
    free(p->cols);
    free(p->in_props);
    free(p->defs);
    free(p);
}

/* Text of field `idx` of `f` as UTF-8, caller-frees; *out NULL when unset.
 * PX_EDOMAIN with `why` when the text is not UTF-8 and no encoding is known. */
static px_status field_text(px__plan *p, OGRFeatureH f, int idx, char **out, char *why, size_t why_len)
{
    *out = NULL;
    if (!OGR_F_IsFieldSetAndNotNull(f, idx)) return PX_OK;
    const char *s = OGR_F_GetFieldAsString(f, idx);
    OGRFieldType t = OGR_Fld_GetType(p->defs[idx]);
    int is_text = t == OFTString || t == OFTStringList;
    char *copy = NULL;
    if (is_text && p->recode) {
        char *rec = CPLRecode(s, p->src->encoding, CPL_ENC_UTF8);
        /* An encoding iconv does not know leaves the bytes as they were. */
        if (rec && !px__utf8_valid(rec)) {
            CPLFree(rec);
            snprintf(why, why_len, "field '%s': text is still not UTF-8 after recoding from '%s'",
                     OGR_Fld_GetNameRef(p->defs[idx]), p->src->encoding);
            return PX_EDOMAIN;
        }
        copy = px__strdup(rec);
        CPLFree(rec);
    } else {
        if (is_text && !px__utf8_valid(s)) {
            snprintf(
                why, why_len,
                "field '%s': text is not valid UTF-8 and the source declares no encoding (add `encoding:`, "
                "e.g. ISO-8859-1, to the source)",
                OGR_Fld_GetNameRef(p->defs[idx]));
            return PX_EDOMAIN;
        }
        copy = px__strdup(s);
    }
    if (!copy) return px__error(p->ll->ctx, PX_ENOMEM, "out of memory");
    *out = copy;
    return PX_OK;
}

/* Evaluate a field mapping into newly allocated text (NULL for null). */
static px_status eval_fm(px__plan *p, const colplan *cp, OGRFeatureH f, char **out, char *why, size_t why_len)
{
    const px__fieldmap *fm = cp->fm;
    *out = NULL;
    if (fm->kind == PX__FM_VALUE) {
        if (fm->value && !(*out = px__strdup(fm->value)))
            return px__error(p->ll->ctx, PX_ENOMEM, "out of memory");
        return PX_OK;
    }
    char *seen = NULL;
    for (size_t i = 0; i < fm->n_fields; i++) {
        char *v = NULL;
        px_status rc = field_text(p, f, cp->idx[i], &v, why, why_len);
        if (rc != PX_OK) {
            free(seen);
            return rc;
        }
        if (!v) continue;
        if (fm->kind == PX__FM_FIELD) {
            *out = v;
            return PX_OK;
        }
        /* A key "field=value" matches that field only; a bare "value" any
         * field of the list. */
        const char *fname = fm->fields[i];
        size_t flen = strlen(fname);
        size_t hit = fm->n_map;
        for (size_t m = 0; m < fm->n_map && hit == fm->n_map; m++)
            if (!strncmp(fm->map_from[m], fname, flen) && fm->map_from[m][flen] == '=' &&
                !strcmp(fm->map_from[m] + flen + 1, v))
                hit = m;
        for (size_t m = 0; m < fm->n_map && hit == fm->n_map; m++)
            if (!strcmp(fm->map_from[m], v)) hit = m;
        /* "field=*": any value of that field, after the exact keys. */
        for (size_t m = 0; m < fm->n_map && hit == fm->n_map; m++)
            if (!strncmp(fm->map_from[m], fname, flen) && !strcmp(fm->map_from[m] + flen, "=*")) hit = m;
        if (hit < fm->n_map) {
            free(v);
            free(seen);
            if (fm->map_to[hit] && !(*out = px__strdup(fm->map_to[hit])))
                return px__error(p->ll->ctx, PX_ENOMEM, "out of memory");
            return PX_OK;
        }
        if (!seen)
            seen = v;
        else
            free(v);
    }
    if (fm->kind == PX__FM_MAP) {
        if (fm->has_default) {
            free(seen);
            if (fm->deflt && !(*out = px__strdup(fm->deflt)))
                return px__error(p->ll->ctx, PX_ENOMEM, "out of memory");
            return PX_OK;
        }
        if (seen)
            snprintf(why, why_len,
                     "column '%s': value '%.80s' of field '%s' is not in the map and there is no default",
                     fm->column, seen, fm->fields[0]);
        else
            snprintf(why, why_len, "column '%s': field '%s' is empty and the map has no default", fm->column,
                     fm->fields[0]);
        free(seen);
        return PX_EDOMAIN;
    }
    return PX_OK;
}

static px_status to_value(px__plan *p, size_t c, char *text, px__row *row, char *why, size_t why_len)
{
    px_col_type type = p->ll->schema->columns[c].type;
    row->owned[c] = text;
    if (!text) {
        row->values[c] = (px_value){.type = type, .is_null = 1};
        return PX_OK;
    }
    if (type == PX_COL_TEXT) {
        row->values[c] = PX_VALUE_TEXT(text);
        return PX_OK;
    }
    char *end = NULL;
    errno = 0;
    const char *s = text;
    while (*s == ' ')
        s++;
    if (type == PX_COL_REAL) {
        double d = strtod(s, &end);
        if (end == s || *end || errno || !isfinite(d)) goto not_number;
        /* The real columns of the canonical layers are counts, capacities
         * and areas: a negative or absurd one would only poison the sums
         * (and the population proxy's shares) later. */
        if (d < 0 || d > PX__MAX_QUANTITY) {
            snprintf(why, why_len, "column '%s': %.60s is out of range (0 to 1e12)",
                     p->ll->schema->columns[c].name, text);
            return PX_EDOMAIN;
        }
        row->values[c] = PX_VALUE_REAL(d);
    } else {
        long long i = strtoll(s, &end, 10);
        if (end == s || *end || errno) goto not_number;
        row->values[c] = PX_VALUE_INT(i);
    }
    return PX_OK;
not_number:
    snprintf(why, why_len, "column '%s': '%.60s' is not a number", p->ll->schema->columns[c].name, text);
    return PX_EDOMAIN;
}

static px_status props_add(px__plan *p, OGRFeatureH f, json_t *props, char *why, size_t why_len)
{
    for (int i = 0; i < p->n_fields; i++) {
        if (!p->in_props[i] || !OGR_F_IsFieldSetAndNotNull(f, i)) continue;
        const char *name = OGR_Fld_GetNameRef(p->defs[i]);
        char *recoded = NULL;
        if (!px__utf8_valid(name)) {
            /* Field names come from the source too (a CSV header...). */
            if (!p->recode) {
                snprintf(why, why_len,
                         "field name '%.40s' is not valid UTF-8 and the source declares no encoding", name);
                return PX_EDOMAIN;
            }
            char *rec = CPLRecode(name, p->src->encoding, CPL_ENC_UTF8);
            recoded = px__strdup(rec);
            CPLFree(rec);
            if (!recoded) return px__error(p->ll->ctx, PX_ENOMEM, "out of memory");
            name = recoded;
        }
        json_t *v = NULL;
        double d;
        switch (OGR_Fld_GetType(p->defs[i])) {
        case OFTInteger:
            v = json_integer(OGR_F_GetFieldAsInteger(f, i));
            break;
        case OFTInteger64:
            v = json_integer(OGR_F_GetFieldAsInteger64(f, i));
            break;
        case OFTReal:
            /* JSON has no NaN or infinity: such a value is kept as null. */
            d = OGR_F_GetFieldAsDouble(f, i);
            v = isfinite(d) ? json_real(d) : json_null();
            break;
        default: {
            char *t = NULL;
            px_status rc = field_text(p, f, i, &t, why, why_len);
            if (rc != PX_OK) {
                free(recoded);
                return rc;
            }
            v = json_string(t);
            free(t);
        }
        }
        int bad = !v || json_object_set_new(props, name, v) != 0;
        free(recoded);
        if (bad) return px__error(p->ll->ctx, PX_ENOMEM, "out of memory");
    }
    return PX_OK;
}

px_status px__plan_row(px__plan *p, OGRFeatureH f, px__row *row, char *why, size_t why_len)
{
    px_ctx *ctx = p->ll->ctx;
    const char *const *joined = NULL;
    if (p->join) {
        char *key = NULL;
        px_status rc = field_text(p, f, p->join_idx, &key, why, why_len);
        if (rc != PX_OK) return rc;
        joined = key ? px__join_lookup(p->join, key) : NULL;
        p->join_looked_up++;
        if (!joined) p->join_missed++;
        if (!joined)
            px__log(ctx, PX_LOG_WARN, "%s:%s:%lld: no match for '%s' in join file %s", p->src->source_text,
                    p->layer_name, (long long)OGR_F_GetFID(f), key ? key : "(null)",
                    p->src->join->source_text);
        free(key);
    }
    for (size_t c = 0; c < p->n_cols; c++) {
        const colplan *cp = &p->cols[c];
        char *text = NULL;
        px_status rc = PX_OK;
        switch (cp->kind) {
        case COL_NULL:
            break;
        case COL_FM:
            rc = eval_fm(p, cp, f, &text, why, why_len);
            break;
        case COL_AUTO:
            rc = field_text(p, f, cp->auto_idx, &text, why, why_len);
            break;
        case COL_JOIN:
            if (joined && joined[cp->join_col] && !(text = px__strdup(joined[cp->join_col])))
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
            /* An id is never NULL: without a match it is the feature id, as
             * when no id is mapped at all. */
            if (rc == PX_OK && !text && !strcmp(p->ll->schema->columns[c].name, "id") &&
                !(text = px__asprintf("%lld", (long long)OGR_F_GetFID(f))))
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
            break;
        case COL_FID:
            text = px__asprintf("%lld", (long long)OGR_F_GetFID(f));
            if (!text) rc = px__error(ctx, PX_ENOMEM, "out of memory");
            break;
        case COL_AREA:
            if (row->geom) {
                double a = 0;
                GEOSArea_r(px__geos(ctx), row->geom, &a);
                if (a > 0 && !(text = px__asprintf("%.3f", a)))
                    rc = px__error(ctx, PX_ENOMEM, "out of memory");
            }
            break;
        }
        if (rc == PX_OK && cp->kind == COL_AUTO && text && p->ll->schema->columns[c].type != PX_COL_TEXT) {
            /* A same-named field is a convenience, not a promise: a value
             * that is not a number (OSM "capacity=ca. 30") stays in props. */
            char tmp[8];
            if (to_value(p, c, text, row, tmp, sizeof tmp) != PX_OK) {
                if (!row->props && !(row->props = json_object()))
                    return px__error(ctx, PX_ENOMEM, "out of memory");
                json_object_set_new(row->props, p->ll->schema->columns[c].name, json_string(text));
                row->owned[c] = NULL;
                free(text);
                text = NULL;
            }
        }
        if (rc == PX_OK)
            rc = to_value(p, c, text, row, why, why_len);
        else
            free(text);
        if (rc != PX_OK) return rc;
    }
    if (!row->props && !(row->props = json_object())) return px__error(ctx, PX_ENOMEM, "out of memory");
    return props_add(p, f, row->props, why, why_len);
}

void px__plan_join_stats(const px__plan *p, int64_t *n_looked_up, int64_t *n_missed)
{
    *n_looked_up = p->join_looked_up;
    *n_missed = p->join_missed;
}

px_status px__plan_factor(px__plan *p, OGRFeatureH f, double *out, char *why, size_t why_len)
{
    *out = 1.0;
    if (!p->has_factor) return PX_OK;
    char *text = NULL;
    px_status rc = eval_fm(p, &p->factor, f, &text, why, why_len);
    if (rc != PX_OK) return rc;
    if (!text) {
        *out = 0;
        return PX_OK;
    }
    char *end = NULL;
    double d = strtod(text, &end);
    if (end == text || *end || !isfinite(d) || d < 0 || d > PX__MAX_FACTOR) {
        snprintf(why, why_len, "distribute factor: '%.60s' is not a number from 0 to 1e6", text);
        free(text);
        return PX_EDOMAIN;
    }
    free(text);
    *out = d;
    return PX_OK;
}

px_status px__row_init(px_ctx *ctx, const px_table_schema *schema, px__row *row)
{
    memset(row, 0, sizeof *row);
    row->n = schema->n_columns;
    row->values = calloc(row->n, sizeof *row->values);
    row->owned = calloc(row->n, sizeof *row->owned);
    if (!row->values || !row->owned) return px__error(ctx, PX_ENOMEM, "out of memory");
    return PX_OK;
}

void px__row_reset(px_ctx *ctx, px__row *row)
{
    for (size_t i = 0; i < row->n; i++) {
        free(row->owned[i]);
        row->owned[i] = NULL;
        row->values[i] = PX_VALUE_NULL;
    }
    if (row->props) json_decref(row->props);
    row->props = NULL;
    if (row->geom) GEOSGeom_destroy_r(px__geos(ctx), row->geom);
    row->geom = NULL;
}

void px__row_clear(px_ctx *ctx, px__row *row)
{
    if (!row->values) return;
    px__row_reset(ctx, row);
    free(row->values);
    free(row->owned);
    memset(row, 0, sizeof *row);
}

px_status px__row_write(px__layer_load *ll, px__row *row)
{
    px_ctx *ctx = ll->ctx;
    char *props = row->props && json_object_size(row->props) ? json_dumps(row->props, JSON_COMPACT) : NULL;
    row->values[row->n - 1] = PX_VALUE_TEXT(props);
    size_t len = 0;
    unsigned char *wkb = row->geom ? px__geom_to_wkb(ctx, row->geom, &len) : NULL;
    px_status rc = row->geom && !wkb ? px_ctx_errcode(ctx) : PX_OK;
    if (rc == PX_OK) rc = px_table_writer_add(ll->writer, row->values, wkb, len, NULL);
    px__wkb_free(ctx, wkb);
    free(props);
    row->values[row->n - 1] = PX_VALUE_NULL;
    if (rc == PX_OK) ll->report->n_loaded++;
    return rc;
}
