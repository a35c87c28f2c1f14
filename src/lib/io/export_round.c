/*
 * How many decimals a real column keeps in CSV and GeoJSON output: the unit
 * is in the column's name (README, "Result tables"), so the name fixes the
 * precision, and a few tables declare their own where the name cannot say
 * (accessibility ratios and inequality indices, which are small fractions).
 * Stored values are never rounded: only what export writes is.
 * This file holds the rule and nothing else; export.c applies it.
 */
#include "proxima/io.h"

#include <math.h>
#include <string.h>

/* Columns whose precision the suffix rule would get wrong. "*" matches any
 * table. */
static const struct {
    const char *table;
    const char *column;
    int decimals;
} declared[] = {
    /* 2SFCA values are supply per 1,000 residents, typically 0.01-2. */
    {"*", "mean_access", 4},
    {"*", "median_access", 4},
    {"equity_summary", "regional_mean", 4},
    {"equity_summary", "standard", 4},
    /* Inequality indices are fractions whose second decimal matters. */
    {"equity_summary", "gini", 4},
    {"equity_summary", "theil_t", 4},
    {"equity_summary", "theil_between", 4},
    {"equity_summary", "theil_within", 4},
    {"equity_summary", "palma", 4},
    {"equity_summary", "fgt0", 4},
    {"equity_summary", "fgt1", 4},
    {"equity_summary", "fgt2", 4},
};

/* Is `tok` (length n) equal to `word`? */
static int tok_is(const char *tok, size_t n, const char *word)
{
    return strlen(word) == n && !strncmp(tok, word, n);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

int px_export_decimals(const char *table, const char *column)
{
    if (!column) return 2;
    for (size_t i = 0; i < sizeof declared / sizeof declared[0]; i++)
        if ((!strcmp(declared[i].table, "*") || (table && !strcmp(declared[i].table, table))) &&
            !strcmp(declared[i].column, column))
            return declared[i].decimals;
    if (has_suffix(column, "_2sfca") || has_suffix(column, "_e2sfca")) return 4;

    /* Tokens between underscores; a trailing "_raw" (brownfield criteria)
     * keeps the unit of the criterion it carries. */
    const char *tok[16];
    size_t len[16], n = 0;
    for (const char *p = column; *p && n < 16;) {
        const char *e = strchr(p, '_');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        tok[n] = p;
        len[n++] = l;
        p += l + (e ? 1 : 0);
    }
    if (n > 1 && tok_is(tok[n - 1], len[n - 1], "raw")) n--;
    if (!n) return 2;
    const char *last = tok[n - 1];
    size_t ll = len[n - 1];
    int rate = n > 1 && tok_is(tok[n - 2], len[n - 2], "per"); /* benefit_per_km */
    if (!rate) {
        if (tok_is(last, ll, "min") || tok_is(last, ll, "minutes")) return 1;
        if (tok_is(last, ll, "share")) return 4;
        if (tok_is(last, ll, "pct")) return 1;
        if (tok_is(last, ll, "m")) return 1;
        if (tok_is(last, ll, "m2")) return 0;
        if (tok_is(last, ll, "km") || tok_is(last, ll, "km2")) return 3;
        if (tok_is(last, ll, "s")) return 1;
    }
    for (size_t i = 0; i < n; i++) {
        /* Names that put the unit first: share_no_service, flood_share_high,
         * minutes_lost, walk_min_education. */
        if (tok_is(tok[i], len[i], "share")) return 4;
        if (tok_is(tok[i], len[i], "minutes") || tok_is(tok[i], len[i], "min")) return 1;
    }
    /* Counts of people or things. */
    if (!rate)
        for (size_t i = 0; i < n; i++)
            if (tok_is(tok[i], len[i], "population") || tok_is(tok[i], len[i], "residents") ||
                tok_is(tok[i], len[i], "count") || tok_is(tok[i], len[i], "covered") ||
                tok_is(tok[i], len[i], "destinations") || (i == 0 && n > 1 && tok_is(tok[i], len[i], "n")))
                return 0;
    return 2; /* scores, indices, ratios */
}

double px_export_round(double v, int decimals)
{
    static const double scale[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    if (!isfinite(v) || decimals < 0 || decimals > 9) return v;
    double s = scale[decimals], x = v * s;
    /* Beyond 2^52 every double is already a whole number of steps. */
    if (fabs(x) >= 4503599627370496.0) return v;
    double r = round(x) / s;
    return r == 0 ? 0.0 : r; /* no "-0" */
}
