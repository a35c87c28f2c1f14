/*
 * What the brownfield files share: the parsed scenario. Library-internal.
 */
#ifndef PX_BF_INT_H
#define PX_BF_INT_H

#include "proxima/brownfield.h"
#include "../core/core_int.h"

/* How one use rates one criterion: a weight and one rating per bin
 * (n_thresholds + 1 bins for a numeric criterion, n_categories for a text one). */
typedef struct px__bf_rule {
    int set;
    double weight;
    double *ratings;
} px__bf_rule;

typedef struct px__bf_criterion {
    char *id;
    int is_text;
    size_t n_bins;
    double *thresholds; /* numeric: n_bins - 1 ascending upper bounds (inclusive) */
    char **categories;  /* text: n_bins values */
    px__bf_rule *rules; /* one per use */
} px__bf_criterion;

typedef enum px__bf_op { PX__BF_ABOVE, PX__BF_BELOW, PX__BF_EQUALS } px__bf_op;

/* An exclusion rule: `use` is excluded when criterion `criterion` is above /
 * below `number`, or equals `text`. One entry per (rule, use). */
typedef struct px__bf_exclusion {
    size_t rule; /* index in rule_ids */
    size_t use;
    size_t criterion;
    px__bf_op op;
    double number;
    char *text;
} px__bf_exclusion;

struct px_bf_scenario {
    char *name;
    size_t n_uses;
    char **uses;
    size_t n_criteria;
    px__bf_criterion *criteria;
    size_t n_exclusions;
    px__bf_exclusion *exclusions;
    size_t n_rule_ids;
    char **rule_ids; /* rule ids, in file order (then the minimum-area rule) */
    double min_site_area_m2; /* 0: none */
};

/* Index of criterion `id`, or -1. */
int px__bf_criterion_index(const px_bf_scenario *sc, const char *id);

/* Order of two site ids: as numbers when both are whole decimal numbers
 * ("221" before "1510"), else bytewise (a numeric id before any other on a
 * mix). strcmp-like result. */
int px__bf_id_cmp(const char *a, const char *b);

#endif
