/* What a split run (`--part K/N`) says: its buffer overhead and the parts present. */
#include "cli.h"

#include <stdio.h>

void px_cli_part_report(px_cli *cli, const char *cmd, const px_part_stats *p, const char *tables)
{
    printf("part %d/%d\npart_communes %lld\npart_reach_m %.0f\npart_buffer_m %.0f\n", p->k, p->n,
           (long long)p->communes, p->reach_m, p->buffer_m);
    printf("part_origins_read %lld\npart_origins_in_part %lld\n", (long long)p->origins_read,
           (long long)p->origins_in_part);
    printf("part_destinations_read %lld\npart_destinations_in_part %lld\n", (long long)p->destinations_read,
           (long long)p->destinations_in_part);
    printf("part_edges_read %lld\npart_edges_in_part %lld\nnetwork_edges %lld\n", (long long)p->edges_read,
           (long long)p->edges_in_part, (long long)p->edges_total);
    if (p->edges_in_part > 0) printf("part_edges_overhead %.3f\n", (double)p->edges_read / (double)p->edges_in_part);
    printf("parts_present %d/%d\n", p->parts_present, p->n);
    if (p->merged)
        px_cli_info(cli, "proxima: %s: part %d/%d completed the set: %s written\n", cmd, p->k, p->n, tables);
    else
        px_cli_info(cli,
                    "proxima: %s: part %d/%d written; %d/%d parts present (missing: %s): %s are written by the "
                    "part that completes the set\n",
                    cmd, p->k, p->n, p->parts_present, p->n, p->parts_missing, tables);
}
