/*
 * Text generated from the option tables (opts.h): `proxima help CMD`, the
 * machine-readable `proxima --list-options`, the range wording used in usage
 * errors, and the close matches proposed for an unknown option. The parser
 * itself is opts.c.
 */
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void px__opts_suggest(const px_cmd_spec *spec, const char *word, FILE *f);
void px__opts_range(const px_opt *o, char *buf, size_t len);

/* "1..64", "(0, 600]", "one of walk, bike"; "" when there is nothing to say. */
void px__opts_range(const px_opt *o, char *buf, size_t len)
{
    char c[256];
    size_t k = 0;
    buf[0] = '\0';
    switch (o->kind) {
    case PX_OPT_INT: snprintf(buf, len, "from %.15g to %.15g", o->min, o->max); break;
    case PX_OPT_NUMBER:
    case PX_OPT_NUMBERS:
        snprintf(buf, len, "in %c%.15g, %.15g]", o->flags & PX_OPTF_GT_MIN ? '(' : '[', o->min, o->max);
        break;
    case PX_OPT_LIST:
    case PX_OPT_TEXT:
        if (!o->choices) break;
        for (const char *p = o->choices; *p && k + 3 < sizeof c; p++) {
            if (*p == ',') c[k++] = ',', c[k++] = ' ';
            else c[k++] = *p;
        }
        c[k] = '\0';
        snprintf(buf, len, "%s %s", o->kind == PX_OPT_LIST ? "any of" : "one of", c);
        break;
    case PX_OPT_LONLAT: snprintf(buf, len, "WGS84 longitude,latitude in degrees"); break;
    case PX_OPT_XY: snprintf(buf, len, "in the project CRS"); break;
    case PX_OPT_KOFN: snprintf(buf, len, "1 <= K <= N <= %.15g", o->max); break;
    case PX_OPT_FLAG:
    case PX_OPT_PATH: break;
    }
}

/* Levenshtein distance of two short names (capped at 63 characters). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63) la = 63;
    if (lb > 63) lb = 63;
    size_t prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++) prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < best) best = prev[j] + 1;
            if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
            cur[j] = best;
        }
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

/* Do the dash-separated words of a and b share one of 4+ letters? */
static int share_word(const char *a, const char *b)
{
    for (const char *p = a; *p;) {
        size_t n = strcspn(p, "-");
        if (n >= 4)
            for (const char *q = b; *q;) {
                size_t m = strcspn(q, "-");
                if (m == n && !strncmp(p, q, n)) return 1;
                q += m;
                if (*q) q++;
            }
        p += n;
        if (*p) p++;
    }
    return 0;
}

/* Options renamed when the CLI got one table: old name -> new name. */
static const char *const renamed[][2] = {
    {"snap-distance", "snap-m"}, {"snap-max", "snap-m"}, {"cutoff", "max-minutes"},
    {"out", "output"},           {"category", "categories"}, {"thread", "threads"},
    {"scenario", "hazard"},     {"buffer", "buffer-m"},         {"mode", "modes"},
};

void px__opts_suggest(const px_cmd_spec *spec, const char *word, FILE *f)
{
    char name[64];
    while (*word == '-') word++;
    snprintf(name, sizeof name, "%.*s", (int)strcspn(word, "="), word);
    size_t len = strlen(name);
    int n = 0;
    for (size_t i = 0; spec->opts && spec->opts[i].name; i++) {
        const char *cand = spec->opts[i].name;
        size_t d = edit_distance(name, cand);
        int close = d <= 2 || d * 3 <= len || share_word(name, cand) ||
                    (len >= 3 && !strncmp(cand, name, len)) ||
                    (strlen(cand) >= 3 && !strncmp(name, cand, strlen(cand)));
        for (size_t r = 0; r < sizeof renamed / sizeof renamed[0]; r++)
            if (!strcmp(renamed[r][0], name) && !strcmp(renamed[r][1], cand)) close = 1;
        if (!close) continue;
        fprintf(f, "%s--%s", n ? ", " : " (close matches: ", cand);
        n++;
    }
    if (n) fputc(')', f);
}

/* Write `text` wrapped at 79 columns, continuation lines indented by `indent`. */
static void wrap(FILE *f, const char *text, size_t col, size_t indent)
{
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, " ");
        if (col > indent && col + 1 + n > 79) {
            fprintf(f, "\n%*s", (int)indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        for (size_t i = 0; i < n; i++) fputc(p[i] == '\x01' ? ' ' : p[i], f); /* \x01: a space never broken */
        col += n;
        p += n;
        while (*p == ' ') p++;
    }
    fputc('\n', f);
}

void px_spec_help(const px_cmd_spec *spec, FILE *f)
{
    fprintf(f, "Usage: proxima %s%s%s [options]\n", spec->name, spec->args && *spec->args ? " " : "",
            spec->args ? spec->args : "");
    if (spec->synopsis) {
        for (const char *p = spec->synopsis; *p;) {
            size_t n = strcspn(p, "\n");
            fprintf(f, "       proxima %s %.*s\n", spec->name, (int)n, p);
            p += n;
            if (*p) p++;
        }
    }
    if (spec->about) fprintf(f, "\n%s", spec->about);
    if (spec->opts && spec->opts[0].name) fprintf(f, "\nOptions:\n");
    for (size_t i = 0; spec->opts && spec->opts[i].name; i++) {
        const px_opt *o = &spec->opts[i];
        char head[96], range[160], text[1024];
        if (o->short_name)
            snprintf(head, sizeof head, "  -%c, --%s%s%s", o->short_name, o->name, o->kind == PX_OPT_FLAG ? "" : " ",
                     o->kind == PX_OPT_FLAG ? "" : o->metavar);
        else
            snprintf(head, sizeof head, "      --%s%s%s", o->name, o->kind == PX_OPT_FLAG ? "" : " ",
                     o->kind == PX_OPT_FLAG ? "" : o->metavar);
        px__opts_range(o, range, sizeof range);
        /* Keep a range like "in (0, 600]" on one line. */
        for (char *q = range; *q; q++)
            if (*q == ' ' && q > range && (q[-1] == ',' || q[1] == '(' || q[1] == '[')) *q = '\x01';
        snprintf(text, sizeof text, "%s%s%s%s%s%s%s%s", o->help ? o->help : "", *range ? "; " : "", range,
                 o->def ? " [default:\x01" : "", o->def ? o->def : "", o->def ? "]" : "",
                 o->flags & PX_OPTF_REPEAT ? " (repeatable)" : "", o->flags & PX_OPTF_REQUIRED ? " (required)" : "");
        fputs(head, f);
        size_t col = strlen(head);
        if (col < 28) {
            fprintf(f, "%*s", (int)(28 - col), "");
            col = 28;
        } else {
            fprintf(f, "\n%28s", "");
            col = 28;
        }
        wrap(f, text, col, 28);
    }
    fprintf(f, "\nGlobal options (before %s): -q/--quiet, -v/--verbose, --check-args (check the\n"
               "arguments, run nothing). Exit status: 0 success, 1 runtime error, 2 usage error.\n",
            spec->name);
    if (spec->examples && *spec->examples) {
        fprintf(f, "\nExample%s:\n", strchr(spec->examples, '\n') != strrchr(spec->examples, '\n') ? "s" : "");
        for (const char *p = spec->examples; *p;) {
            size_t n = strcspn(p, "\n");
            fprintf(f, "  %.*s\n", (int)n, p);
            p += n;
            if (*p) p++;
        }
    }
}

static const char *kind_name(px_opt_kind k)
{
    switch (k) {
    case PX_OPT_FLAG: return "flag";
    case PX_OPT_INT: return "int";
    case PX_OPT_NUMBER: return "number";
    case PX_OPT_NUMBERS: return "numbers";
    case PX_OPT_LIST: return "list";
    case PX_OPT_TEXT: return "text";
    case PX_OPT_PATH: return "path";
    case PX_OPT_LONLAT: return "lonlat";
    case PX_OPT_XY: return "xy";
    case PX_OPT_KOFN: return "kofn";
    }
    return "?";
}

void px_spec_list(const px_cmd_spec *spec, FILE *f)
{
    for (size_t i = 0; spec->opts && spec->opts[i].name; i++) {
        const px_opt *o = &spec->opts[i];
        int ranged = o->kind == PX_OPT_INT || o->kind == PX_OPT_NUMBER || o->kind == PX_OPT_NUMBERS;
        char sh[4] = "";
        if (o->short_name) snprintf(sh, sizeof sh, "-%c", o->short_name);
        fprintf(f, "%s\t--%s\t%s\t%s\t", spec->name, o->name, sh, kind_name(o->kind));
        if (ranged) fprintf(f, "%.17g\t%.17g", o->min, o->max);
        else fprintf(f, "\t");
        fprintf(f, "\t%s%s%s\t%s\t%s\n", o->flags & PX_OPTF_GT_MIN ? "gt-min," : "",
                o->flags & PX_OPTF_REPEAT ? "repeat," : "", o->flags & PX_OPTF_REQUIRED ? "required," : "",
                o->choices ? o->choices : "", o->def ? o->def : "");
    }
}
