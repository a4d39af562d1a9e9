// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_sampler.c - the samplers, statistically: selection probability,
 * gap distribution against the geometric law (chi-square), no preference
 * for any packet position, and exactness of the deterministic mode. Fixed
 * seeds: the results are repeatable; the bounds are those a correct sampler
 * passes and an off-by-one or biased one does not.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "meter/sampler.h"

/* chi-square critical values at alpha = 0.001 */
#define CHI2_DF9_001 27.877
#define CHI2_DF30_001 59.703

START_TEST(none_takes_all)
{
	struct sampler s;
	int i;

	sampler_init(&s, SAMPLER_RANDOM, 1, 1);
	for (i = 0; i < 1000; i++)
		ck_assert(sampler_take(&s));
	ck_assert_uint_eq(s.taken, 1000);
}
END_TEST

START_TEST(deterministic_every_nth)
{
	struct sampler s;
	uint64_t i;

	sampler_init(&s, SAMPLER_DETERMINISTIC, 7, 0);
	for (i = 1; i <= 7000; i++)
		ck_assert_msg(sampler_take(&s) == (i % 7 == 0), "packet %llu",
			      (unsigned long long)i);
	ck_assert_uint_eq(s.taken, 1000);
	ck_assert_uint_eq(s.seen, 7000);
}
END_TEST

/* taken ~ Binomial(M, 1/N): within 4 sigma of M/N, for several N */
START_TEST(random_selection_probability)
{
	static const uint32_t ns[] = { 2, 10, 100, 1000, 32000 };
	const uint64_t m = 4000000;
	size_t j;

	for (j = 0; j < sizeof(ns) / sizeof(ns[0]); j++) {
		struct sampler s;
		double p = 1.0 / ns[j], sd = sqrt(m * p * (1 - p));
		uint64_t i;

		sampler_init(&s, SAMPLER_RANDOM, ns[j], 42 + j);
		for (i = 0; i < m; i++)
			sampler_take(&s);
		ck_assert_msg(fabs((double)s.taken - m * p) < 4 * sd,
			      "N=%u: taken %llu, expected %.0f +- %.0f", ns[j],
			      (unsigned long long)s.taken, m * p, 4 * sd);
	}
}
END_TEST

/* gaps follow P(G = k) = (1-p)^k p: chi-square over k = 0..29 and a tail */
START_TEST(random_gap_distribution)
{
	const uint32_t n_int = 10;
	const int nbins = 31, draws = 200000;
	double p = 1.0 / n_int, chi2 = 0;
	long obs[31] = { 0 };
	struct sampler s;
	int i, k;

	sampler_init(&s, SAMPLER_RANDOM, n_int, 7);
	for (i = 0; i < draws; i++) {
		uint64_t g = sampler_next_gap(&s);

		obs[g < (uint64_t)nbins - 1 ? g : (uint64_t)nbins - 1]++;
	}
	for (k = 0; k < nbins; k++) {
		double e = k < nbins - 1 ? draws * pow(1 - p, k) * p
					 : draws * pow(1 - p, nbins - 1);

		chi2 += (obs[k] - e) * (obs[k] - e) / e;
	}
	ck_assert_msg(chi2 < CHI2_DF30_001, "chi-square %.1f (df 30)", chi2);
}
END_TEST

/* no packet position is preferred: taken counts by position mod 10 */
START_TEST(random_position_uniform)
{
	const uint64_t m = 2000000;
	long cnt[10] = { 0 };
	double e, chi2 = 0;
	struct sampler s;
	uint64_t i;
	int k;

	sampler_init(&s, SAMPLER_RANDOM, 10, 99);
	for (i = 0; i < m; i++)
		if (sampler_take(&s))
			cnt[i % 10]++;
	e = (double)s.taken / 10;
	for (k = 0; k < 10; k++)
		chi2 += (cnt[k] - e) * (cnt[k] - e) / e;
	ck_assert_msg(chi2 < CHI2_DF9_001, "chi-square %.1f (df 9)", chi2);
}
END_TEST

START_TEST(random_repeatable_by_seed)
{
	struct sampler a, b, c;
	int i, differ = 0;

	sampler_init(&a, SAMPLER_RANDOM, 50, 5);
	sampler_init(&b, SAMPLER_RANDOM, 50, 5);
	sampler_init(&c, SAMPLER_RANDOM, 50, 6);
	for (i = 0; i < 100000; i++) {
		bool ta = sampler_take(&a), tc = sampler_take(&c);

		ck_assert(ta == sampler_take(&b));
		differ += ta != tc;
	}
	ck_assert_int_gt(differ, 0);
}
END_TEST

static Suite *sampler_suite(void)
{
	Suite *s = suite_create("sampler");
	TCase *tc = tcase_create("sampler");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, none_takes_all);
	tcase_add_test(tc, deterministic_every_nth);
	tcase_add_test(tc, random_selection_probability);
	tcase_add_test(tc, random_gap_distribution);
	tcase_add_test(tc, random_position_uniform);
	tcase_add_test(tc, random_repeatable_by_seed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sampler_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
