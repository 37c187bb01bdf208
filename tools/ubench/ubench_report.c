// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's report (ubench.h): the CSV, a row for each case, size
 * and thread count, from the samples of its rounds. tools/ubench/run.sh
 * makes the table and the plot from it.
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "ubench.h"

void print_header(FILE *out)
{
	fprintf(out,
		"case,elem_size,threads,mops,mops_min,mops_max,rounds,fails_mps,next_final,overshoot_max,cpu\n");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void print_row(FILE *out, enum bench_case c, size_t size,
	       unsigned int nthreads, const struct sample *s,
	       unsigned int rounds)
{
	double v[rounds];
	long next = 0, over = 0;
	unsigned int i;

	fprintf(out, "%s,%zu,%u,", case_names[c], size, nthreads);
	if (!full_case(c)) {
		for (i = 0; i < rounds; i++)
			v[i] = s[i].mops;
		fprintf(out, "%.3f,", median(v, rounds));
		fprintf(out, "%.3f,%.3f,%u,,,,", v[0], v[rounds - 1], rounds);
	} else {
		/* The worst round for the counter's excess. */
		for (i = 0; i < rounds; i++) {
			v[i] = s[i].fails_mps;
			if (labs(s[i].next_excess) > labs(next))
				next = s[i].next_excess;
			if (s[i].overshoot_max > over)
				over = s[i].overshoot_max;
		}
		fprintf(out, ",,,%u,%.3f,%ld,%ld,", rounds, median(v, rounds),
			next, over);
	}
	fprintf(out, "%s\n", cpu_model);
	fflush(out);
}
