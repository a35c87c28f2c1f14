/*
 * The table-driven option parser behind every subcommand (see opts.h): one
 * pass over argv checks each value against its option's kind, range and
 * choices; defaults are parsed by the same code as typed values. Help text
 * and close-match suggestions live in opts_help.c. Nothing here opens a
 * project or prints outside usage errors.
 */
#include "opts.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Declared in opts_help.c: "--x (did you mean --y?)" suggestions. */
void px__opts_suggest(const px_cmd_spec *spec, const char *word, FILE *f);
void px__opts_range(const px_opt *o, char *buf, size_t len);

typedef struct px_optval {
    int n;             /* occurrences given */
    int n_vals;        /* values held: n, or 1 for an absent option with a default */
    const char **vals; /* n_vals texts, borrowed from argv or the spec */
    int *argi;         /* argv index of each value (-1 for a default) */
    double num;        /* INT / NUMBER: the last value */
    const char **items; /* LIST: every item of every value, NULL-terminated */
    size_t n_items;
    char *items_buf;
    double *nums; /* NUMBERS: the last value, split */
    size_t n_nums;
} px_optval;

struct px_args {
    const px_cmd_spec *spec;
    size_t n_opts;
    px_optval *v;
    const char **pos;
    int n_pos;
};

static size_t count_opts(const px_cmd_spec *spec)
{
    size_t n = 0;
    while (spec->opts && spec->opts[n].name) n++;
    return n;
}

static int usage(const px_cmd_spec *spec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage(const px_cmd_spec *spec, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return px_cli_usage_error(spec->name, "%s", msg);
}

static int parse_double(const char *s, double *out)
{
    if (!s || !*s) return -1;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    /* strtod also reads "nan", "inf" and hex floats: only plain finite decimals pass. */
    if (errno || *end || !isfinite(v)) return -1;
    for (const char *p = s; *p; p++)
        if (*p == 'x' || *p == 'X') return -1;
    *out = v;
    return 0;
}

static int in_range(const px_opt *o, double v)
{
    if (o->flags & PX_OPTF_GT_MIN ? !(v > o->min) : !(v >= o->min)) return 0;
    return v <= o->max;
}

/* Is `item` one of the comma-separated `choices`? */
static int is_choice(const char *choices, const char *item, size_t len)
{
    for (const char *p = choices; *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == len && !strncmp(p, item, n)) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

static void choices_text(const char *choices, char *buf, size_t len)
{
    size_t k = 0;
    for (const char *p = choices; *p && k + 3 < len; p++) {
        if (*p == ',') {
            buf[k++] = ',';
            buf[k++] = ' ';
        } else
            buf[k++] = *p;
    }
    buf[k] = '\0';
}

/* "A,B" -> two finite numbers. */
/* "K/N": digits only, 1 <= K <= N <= max; 0 on success. */
static int parse_kofn(const char *s, double max, int *k, int *n)
{
    long v[2] = {0, 0};
    const char *p = s;
    for (int i = 0; i < 2; i++) {
        if (*p < '0' || *p > '9') return -1;
        while (*p >= '0' && *p <= '9') {
            v[i] = v[i] * 10 + (*p++ - '0');
            if (v[i] > 1000000000L) return -1;
        }
        if (i == 0 && *p++ != '/') return -1;
    }
    if (*p || v[0] < 1 || v[0] > v[1] || (double)v[1] > max) return -1;
    if (k) *k = (int)v[0];
    if (n) *n = (int)v[1];
    return 0;
}

static int parse_pair(const char *s, double *a, double *b)
{
    const char *comma = strchr(s, ',');
    char left[64];
    size_t n = comma ? (size_t)(comma - s) : 0;
    if (!comma || n == 0 || n >= sizeof left) return -1;
    memcpy(left, s, n);
    left[n] = '\0';
    return parse_double(left, a) || parse_double(comma + 1, b) ? -1 : 0;
}

/* Append the items of LIST value `s` to v->items; check each against the
 * choices. Returns 0, or a usage error. */
static int add_items(const px_cmd_spec *spec, const px_opt *o, px_optval *v, const char *s)
{
    size_t n_new = 1;
    for (const char *p = s; *p; p++) n_new += *p == ',';
    size_t old_len = 0;
    for (size_t i = 0; i < v->n_items; i++) old_len += strlen(v->items[i]) + 1;
    char *buf = malloc(old_len + strlen(s) + 1);
    const char **items = calloc(v->n_items + n_new + 1, sizeof *items);
    if (!buf || !items) {
        free(buf);
        free(items);
        fprintf(stderr, "proxima: out of memory\n");
        return PX_EXIT_RUNTIME;
    }
    size_t k = 0, off = 0;
    for (size_t i = 0; i < v->n_items; i++) {
        size_t len = strlen(v->items[i]) + 1;
        memcpy(buf + off, v->items[i], len);
        items[k++] = buf + off;
        off += len;
    }
    strcpy(buf + off, s);
    free(v->items_buf);
    free(v->items);
    v->items_buf = buf;
    v->items = items;
    for (char *tok = buf + off, *next; tok; tok = next) {
        next = strchr(tok, ',');
        if (next) *next++ = '\0';
        v->n_items = k;
        if (!*tok)
            return usage(spec, "--%s '%s': empty item in the list (write it like a,b)", o->name, s);
        if (o->choices && !is_choice(o->choices, tok, strlen(tok))) {
            char c[256];
            choices_text(o->choices, c, sizeof c);
            return usage(spec, "--%s: unknown value '%s' (valid: %s)", o->name, tok, c);
        }
        items[k++] = tok;
    }
    v->n_items = k;
    return 0;
}

static int parse_numbers(const px_cmd_spec *spec, const px_opt *o, px_optval *v, const char *s)
{
    size_t n = 1;
    for (const char *p = s; *p; p++) n += *p == ',';
    double *nums = calloc(n, sizeof *nums);
    char *copy = strdup(s);
    int rc = 0;
    if (!nums || !copy) {
        fprintf(stderr, "proxima: out of memory\n");
        rc = PX_EXIT_RUNTIME;
    }
    size_t k = 0;
    for (char *tok = copy, *next; !rc && tok; tok = next) {
        next = strchr(tok, ',');
        if (next) *next++ = '\0';
        if (parse_double(tok, &nums[k]) || !in_range(o, nums[k]) || (k && nums[k] <= nums[k - 1])) {
            char r[96];
            px__opts_range(o, r, sizeof r);
            rc = usage(spec, "--%s %s: want ascending numbers, each %s, like 5,10,15", o->name, s, r);
        }
        k++;
    }
    free(copy);
    if (rc) {
        free(nums);
        return rc;
    }
    free(v->nums);
    v->nums = nums;
    v->n_nums = k;
    return 0;
}

/* Check value `s` of option `o` and record it in `v`. */
static int take_value(const px_cmd_spec *spec, const px_opt *o, px_optval *v, const char *s, int argi)
{
    char r[96];
    double a = 0, b = 0;
    switch (o->kind) {
    case PX_OPT_FLAG: return usage(spec, "--%s takes no value", o->name);
    case PX_OPT_INT:
    case PX_OPT_NUMBER:
        if (parse_double(s, &a) || (o->kind == PX_OPT_INT && a != floor(a)) || !in_range(o, a)) {
            px__opts_range(o, r, sizeof r);
            return usage(spec, "--%s %s: want %s %s", o->name, s,
                         o->kind == PX_OPT_INT ? "a whole number" : "a number", r);
        }
        v->num = a;
        break;
    case PX_OPT_NUMBERS: {
        int rc = parse_numbers(spec, o, v, s);
        if (rc) return rc;
        break;
    }
    case PX_OPT_LIST: {
        int rc = add_items(spec, o, v, s);
        if (rc) return rc;
        break;
    }
    case PX_OPT_TEXT:
    case PX_OPT_PATH:
        if (!*s) return usage(spec, "--%s needs a non-empty %s", o->name, o->metavar);
        if (o->choices && !is_choice(o->choices, s, strlen(s))) {
            choices_text(o->choices, r, sizeof r);
            return usage(spec, "--%s: unknown value '%s' (valid: %s)", o->name, s, r);
        }
        break;
    case PX_OPT_LONLAT:
        if (parse_pair(s, &a, &b) || a < -180 || a > 180 || b < -90 || b > 90)
            return usage(spec, "--%s %s: want LON,LAT in degrees WGS84 (lon -180..180, lat -90..90), "
                               "like 9.5209,47.1410",
                         o->name, s);
        break;
    case PX_OPT_KOFN:
        if (parse_kofn(s, o->max, NULL, NULL))
            return usage(spec, "--%s %s: want K/N, whole numbers with 1 <= K <= N <= %.15g, like 2/3", o->name, s,
                         o->max);
        break;
    case PX_OPT_XY:
        if (parse_pair(s, &a, &b))
            return usage(spec, "--%s %s: want X,Y in the project CRS (two numbers), like 758000,5220000",
                         o->name, s);
        break;
    }
    const char **vals = realloc(v->vals, (size_t)(v->n_vals + 1) * sizeof *vals);
    if (vals) v->vals = vals;
    int *ai = vals ? realloc(v->argi, (size_t)(v->n_vals + 1) * sizeof *ai) : NULL;
    if (!ai) {
        fprintf(stderr, "proxima: out of memory\n");
        return PX_EXIT_RUNTIME;
    }
    v->argi = ai;
    v->argi[v->n_vals] = argi;
    v->vals[v->n_vals++] = s;
    return 0;
}

void px_args_free(px_args *a)
{
    if (!a) return;
    for (size_t i = 0; i < a->n_opts; i++) {
        free(a->v[i].vals);
        free(a->v[i].argi);
        free(a->v[i].items);
        free(a->v[i].items_buf);
        free(a->v[i].nums);
    }
    free(a->v);
    free(a->pos);
    free(a);
}

static const px_opt *find_long(const px_cmd_spec *spec, const char *name, size_t len, size_t *idx)
{
    for (size_t i = 0; spec->opts && spec->opts[i].name; i++)
        if (strlen(spec->opts[i].name) == len && !strncmp(spec->opts[i].name, name, len)) {
            *idx = i;
            return &spec->opts[i];
        }
    return NULL;
}

static const px_opt *find_short(const px_cmd_spec *spec, char c, size_t *idx)
{
    for (size_t i = 0; spec->opts && spec->opts[i].name; i++)
        if (spec->opts[i].short_name && spec->opts[i].short_name == c) {
            *idx = i;
            return &spec->opts[i];
        }
    return NULL;
}

/* The k-th word of spec->args ("PROJECT [LAYER...]" -> "PROJECT"). */
static void arg_word(const px_cmd_spec *spec, int k, char *buf, size_t len)
{
    const char *p = spec->args ? spec->args : "";
    for (int i = 0;; i++) {
        while (*p == ' ') p++;
        size_t n = strcspn(p, " ");
        if (!n) {
            snprintf(buf, len, "an argument");
            return;
        }
        if (i == k) {
            snprintf(buf, len, "%.*s", (int)n, p);
            return;
        }
        p += n;
    }
}

static int parse_argv(px_cli *cli, const px_cmd_spec *spec, int argc, char **argv, px_args *a)
{
    (void)cli;
    int only_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i];
        const px_opt *o = NULL;
        const char *val = NULL;
        size_t idx = 0;
        if (!only_pos && !strcmp(w, "--")) {
            only_pos = 1;
            continue;
        }
        if (only_pos || w[0] != '-' || !w[1]) {
            if (spec->n_args_max >= 0 && a->n_pos >= spec->n_args_max)
                return usage(spec, "unexpected argument '%s'", w);
            a->pos[a->n_pos++] = w;
            continue;
        }
        if (w[1] == '-') {
            const char *eq = strchr(w + 2, '=');
            size_t len = eq ? (size_t)(eq - w - 2) : strlen(w + 2);
            o = find_long(spec, w + 2, len, &idx);
            if (eq) val = eq + 1;
        } else {
            /* -o VALUE, or -oVALUE as getopt reads it */
            o = find_short(spec, w[1], &idx);
            if (o && w[2]) {
                if (o->kind == PX_OPT_FLAG) o = NULL;
                else val = w + 2;
            }
        }
        if (!o) {
            fprintf(stderr, "proxima: %s: unknown option '%.*s'", spec->name, (int)strcspn(w, "="), w);
            px__opts_suggest(spec, w, stderr);
            fprintf(stderr, "\nTry 'proxima help %s'.\n", spec->name);
            return PX_EXIT_USAGE;
        }
        px_optval *v = &a->v[idx];
        if (v->n && !(o->flags & PX_OPTF_REPEAT) && o->kind != PX_OPT_LIST) {
            /* The last one wins, as with getopt; say nothing. Keep one value. */
            v->n_vals = 0;
        }
        v->n++;
        if (o->kind == PX_OPT_FLAG) {
            if (val) return usage(spec, "--%s takes no value", o->name);
            continue;
        }
        if (!val) {
            if (i + 1 >= argc) {
                char r[96];
                px__opts_range(o, r, sizeof r);
                return usage(spec, "--%s needs a value (%s%s%s)", o->name, o->metavar ? o->metavar : "VALUE",
                             *r ? ": " : "", r);
            }
            val = argv[++i];
        }
        int rc = take_value(spec, o, v, val, i);
        if (rc) return rc;
    }
    if (a->n_pos < spec->n_args_min) {
        char word[64];
        arg_word(spec, a->n_pos, word, sizeof word);
        return usage(spec, "missing %s", word);
    }
    for (size_t k = 0; k < a->n_opts; k++) {
        const px_opt *o = &spec->opts[k];
        px_optval *v = &a->v[k];
        if ((o->flags & PX_OPTF_REQUIRED) && !v->n) {
            char sh[8] = "";
            if (o->short_name) snprintf(sh, sizeof sh, "-%c/", o->short_name);
            return usage(spec, "missing %s--%s %s", sh, o->name, o->metavar ? o->metavar : "");
        }
        if (!v->n && o->def) {
            int rc = take_value(spec, o, v, o->def, -1);
            if (rc) {
                /* A default that does not parse is a bug in the table. */
                fprintf(stderr, "proxima: %s: internal error: bad default for --%s\n", spec->name, o->name);
                return PX_EXIT_RUNTIME;
            }
        }
    }
    return PX_EXIT_OK;
}

int px_args_parse(px_cli *cli, const px_cmd_spec *spec, int argc, char **argv, px_args **out)
{
    *out = NULL;
    px_args *a = calloc(1, sizeof *a);
    if (!a) return PX_EXIT_RUNTIME;
    a->spec = spec;
    a->n_opts = count_opts(spec);
    a->v = calloc(a->n_opts + 1, sizeof *a->v);
    a->pos = calloc((size_t)argc + 1, sizeof *a->pos);
    if (!a->v || !a->pos) {
        px_args_free(a);
        fprintf(stderr, "proxima: out of memory\n");
        return PX_EXIT_RUNTIME;
    }
    int rc = parse_argv(cli, spec, argc, argv, a);
    if (rc != PX_EXIT_OK || (cli && cli->check_only)) {
        px_args_free(a);
        return rc;
    }
    *out = a;
    return PX_EXIT_OK;
}

/* ---- getters ---- */

static const px_optval *get(const px_args *a, const char *name, const px_opt **opt)
{
    size_t idx = 0;
    const px_opt *o = find_long(a->spec, name, strlen(name), &idx);
    if (!o) {
        /* A getter naming an option the spec lacks is a programming error. */
        fprintf(stderr, "proxima: %s: internal error: no option --%s in the table\n", a->spec->name, name);
        abort();
    }
    if (opt) *opt = o;
    return &a->v[idx];
}

const char *px_args_pos(const px_args *a, int i) { return i >= 0 && i < a->n_pos ? a->pos[i] : NULL; }
int px_args_n_pos(const px_args *a) { return a->n_pos; }
int px_args_given(const px_args *a, const char *name) { return get(a, name, NULL)->n; }
int px_args_flag(const px_args *a, const char *name) { return get(a, name, NULL)->n > 0; }

double px_args_number(const px_args *a, const char *name)
{
    const px_optval *v = get(a, name, NULL);
    return v->n_vals ? v->num : 0;
}

long px_args_int(const px_args *a, const char *name) { return (long)px_args_number(a, name); }

const char *px_args_text_at(const px_args *a, const char *name, int i)
{
    const px_optval *v = get(a, name, NULL);
    return i >= 0 && i < v->n_vals ? v->vals[i] : NULL;
}

int px_args_argi_at(const px_args *a, const char *name, int i)
{
    const px_optval *v = get(a, name, NULL);
    return i >= 0 && i < v->n_vals ? v->argi[i] : -1;
}

const char *px_args_text(const px_args *a, const char *name)
{
    const px_optval *v = get(a, name, NULL);
    return v->n_vals ? v->vals[v->n_vals - 1] : NULL;
}

size_t px_args_list(const px_args *a, const char *name, const char *const **items)
{
    const px_optval *v = get(a, name, NULL);
    *items = v->items;
    return v->n_items;
}

size_t px_args_numbers(const px_args *a, const char *name, const double **values)
{
    const px_optval *v = get(a, name, NULL);
    *values = v->nums;
    return v->n_nums;
}

int px_args_kofn(const px_args *a, const char *name, int *k, int *n)
{
    const char *s = px_args_text(a, name);
    return s && !parse_kofn(s, 1e9, k, n) ? 0 : -1;
}

int px_args_pair(const px_args *a, const char *name, int i, double *x, double *y)
{
    const char *s = px_args_text_at(a, name, i);
    return s && !parse_pair(s, x, y) ? 0 : -1;
}

unsigned px_args_modes(const px_args *a)
{
    const char *const *items = NULL;
    size_t n = px_args_list(a, "modes", &items);
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++) {
        px_mode m;
        if (px_mode_lookup(items[i], &m) == PX_OK) bits |= 1u << m;
    }
    return bits;
}

px_mode px_args_mode(const px_args *a)
{
    px_mode m = PX_MODE_WALK;
    const char *s = px_args_text(a, "mode");
    if (s) px_mode_lookup(s, &m);
    return m;
}
