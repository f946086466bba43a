/* SPDX-License-Identifier: MIT */
/*
 * bench - one key, several backends, same ops: throughput table, ratios.
 *
 * Usage: bench [options] -b NAME=SPEC [-b NAME=SPEC ...]
 *   SPEC: openssl | afalg | afalg-checked | pkcs11:PATH:TOKEN-LABEL[:session]
 * See usage() and docs/PERFORMANCE.md. Every backend's output of one op is
 * compared with OpenSSL's, byte for byte, before anything is timed.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench.h"

#define MAX_BACKENDS 8
#define MAX_SIZES 16
#define MAX_THREADS 8
#define MAX_ROUNDS 9

const uint8_t bench_iv[BENCH_IV_LEN] = {0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87,
					0x78, 0x69, 0x5a, 0x4b, 0x3c, 0x2d, 0x1e, 0x0f};
const char *const bench_op_names[OP_COUNT] = {
	[OP_CBC] = "aes-cbc",	[OP_CTR] = "aes-ctr",	[OP_GCM] = "aes-gcm",
	[OP_SHA256] = "sha256", [OP_SHA512] = "sha512", [OP_HMAC] = "hmac-sha256",
};

struct options {
	struct bench_backend backends[MAX_BACKENDS];
	int n_backends;
	unsigned ops;
	size_t sizes[MAX_SIZES];
	int n_sizes;
	int threads[MAX_THREADS];
	int n_threads;
	double min_time;
	long min_ops;
	int rounds;
	const char *module;
	const char *tsv;
	const char *ratios;
	int fd_sessions;
};

/* ops/s of each cell (the median of its rounds); 0 where not run or failed. */
static double results[MAX_BACKENDS][OP_COUNT][MAX_SIZES][MAX_THREADS];
static double samples[MAX_ROUNDS][MAX_BACKENDS][OP_COUNT][MAX_SIZES][MAX_THREADS];
static bool failed[MAX_BACKENDS][OP_COUNT][MAX_SIZES];
static uint8_t *input;
static size_t max_size;
static int failures;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: bench [options] -b NAME=SPEC [-b NAME=SPEC ...]\n"
		"  -b NAME=SPEC  a backend; SPEC: openssl | afalg | afalg-checked |\n"
		"                pkcs11:PATH:TOKEN-LABEL (keys found by label) |\n"
		"                pkcs11:PATH:TOKEN-LABEL:session (session objects from the bytes)\n"
		"  -I SPEC       import the keys as token objects on pkcs11 SPEC and exit\n"
		"  -a FILE       AES-128 key, 16 raw bytes (required)\n"
		"  -A FILE       HMAC-SHA256 key, 32 raw bytes (required)\n"
		"  -l LABEL      AES key label / logon description (bench:aes)\n"
		"  -L LABEL      HMAC key label / logon description (bench:hmac)\n"
		"  -p PIN        C_Login user PIN (or $BENCH_PIN)\n"
		"  -o OPS        aes-cbc,aes-ctr,aes-gcm,sha256,sha512,hmac-sha256 (all)\n"
		"  -s SIZES      bytes, K/M suffixes (16,64,1K,16K,256K,1M)\n"
		"  -t THREADS    thread counts (1,2)\n"
		"  -d SECONDS    minimum time per cell and round ($BENCH_MIN_TIME, 0.15)\n"
		"  -n OPS        minimum ops per thread per cell and round (3)\n"
		"  -r ROUNDS     passes over the whole table; a cell reports its median (3)\n"
		"  -m NAME       the backend under test, for ratios and fds (keyring)\n"
		"  -f N          sessions opened to count descriptors (8)\n"
		"  -T FILE       TSV output (bench.tsv)\n"
		"  -R FILE       ratio table, also on stdout (ratios.txt)\n");
}

static int
read_key(const char *path, uint8_t *key, size_t len)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	int extra;

	if (f == NULL) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(key, 1, len, f);
	extra = fgetc(f);
	fclose(f);
	if (n != len || extra != EOF) {
		fprintf(stderr, "bench: %s: want exactly %zu bytes\n", path, len);
		return -1;
	}
	return 0;
}

static int
parse_ops(const char *list, unsigned *ops)
{
	char buf[256], *tok, *save = NULL;
	int op;

	*ops = 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		for (op = 0; op < OP_COUNT && strcmp(tok, bench_op_names[op]) != 0; op++)
			;
		if (op == OP_COUNT) {
			fprintf(stderr, "bench: unknown op %s\n", tok);
			return -1;
		}
		*ops |= 1U << op;
	}
	return 0;
}

static int
parse_sizes(const char *list, size_t *sizes, int *n)
{
	char buf[256], *tok, *save = NULL, *end;
	unsigned long v;

	*n = 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		v = strtoul(tok, &end, 10);
		if (*end == 'K' || *end == 'k')
			v <<= 10, end++;
		else if (*end == 'M' || *end == 'm')
			v <<= 20, end++;
		if (*end != '\0' || v == 0 || v % 16 != 0 || v > (64UL << 20) || *n == MAX_SIZES) {
			fprintf(stderr, "bench: bad size %s (a multiple of 16 up to 64M)\n", tok);
			return -1;
		}
		sizes[(*n)++] = v;
	}
	return 0;
}

static int
parse_threads(const char *list, int *threads, int *n)
{
	char buf[256], *tok, *save = NULL, *end;
	long v;

	*n = 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		v = strtol(tok, &end, 10);
		if (*end != '\0' || v < 1 || v > 64 || *n == MAX_THREADS) {
			fprintf(stderr, "bench: bad thread count %s\n", tok);
			return -1;
		}
		threads[(*n)++] = (int)v;
	}
	return 0;
}

static int
add_backend(struct options *o, const char *arg, struct bench_keys *keys)
{
	struct bench_backend *b;
	const char *spec = strchr(arg, '=');
	char *name;

	if (spec == NULL || spec == arg || o->n_backends == MAX_BACKENDS) {
		fprintf(stderr, "bench: bad backend \"%s\" (NAME=SPEC)\n", arg);
		return -1;
	}
	b = &o->backends[o->n_backends];
	name = strndup(arg, (size_t)(spec - arg));
	if (name == NULL)
		return -1;
	b->name = name;
	spec++;
	if (strcmp(spec, "openssl") == 0) {
		if (backend_openssl_init(b, keys) < 0)
			return -1;
	} else if (strcmp(spec, "afalg") == 0 || strcmp(spec, "afalg-checked") == 0) {
		/* A copy: the two afalg backends differ only in it. */
		struct bench_keys *k = malloc(sizeof(*k));

		if (k == NULL)
			return -1;
		*k = *keys;
		k->checked = strcmp(spec, "afalg-checked") == 0;
		if (backend_afalg_init(b, k) < 0) {
			free(k);
			return -1;
		}
	} else if (strncmp(spec, "pkcs11:", 7) == 0) {
		if (backend_pkcs11_init(b, spec + 7, keys) < 0)
			return -1;
	} else {
		fprintf(stderr, "bench: unknown backend spec %s\n", spec);
		return -1;
	}
	o->n_backends++;
	return 0;
}

/* Correctness: one op of every backend equals OpenSSL's output. */
static int
check_outputs(struct options *o, struct bench_backend *ref)
{
	uint8_t *want, *got;
	size_t want_len, got_len;
	struct bench_ctx *rctx = NULL, *ctx = NULL;
	struct bench_backend *b = NULL;
	int op, i, k, ret = -1;

	want = malloc(max_size + BENCH_MAX_OUT_EXTRA);
	got = malloc(max_size + BENCH_MAX_OUT_EXTRA);
	if (want == NULL || got == NULL)
		goto out;
	for (op = 0; op < OP_COUNT; op++) {
		if (!(o->ops & (1U << op)))
			continue;
		if (ref->ctx_new(ref, (enum bench_op)op, &rctx) < 0)
			goto out;
		for (i = 0; i < o->n_backends; i++) {
			b = &o->backends[i];
			if (b->ctx_new(b, (enum bench_op)op, &ctx) < 0) {
				fprintf(stderr, "bench: %s %s: cannot set up: not run\n", b->name,
					bench_op_names[op]);
				for (k = 0; k < o->n_sizes; k++)
					failed[i][op][k] = true;
				failures++;
				continue;
			}
			for (k = 0; k < o->n_sizes; k++) {
				size_t n = o->sizes[k];

				if (ref->run(rctx, input, n, want, &want_len) < 0)
					goto out;
				memset(got, 0xa5, n + BENCH_MAX_OUT_EXTRA);
				if (b->run(ctx, input, n, got, &got_len) < 0) {
					fprintf(stderr, "bench: %s %s %zu: failed: not run\n",
						b->name, bench_op_names[op], n);
					failed[i][op][k] = true;
					failures++;
					continue;
				}
				if (got_len != want_len || memcmp(got, want, want_len) != 0) {
					fprintf(stderr,
						"bench: MISMATCH: %s %s %zu bytes: output (%zu "
						"bytes) differs from OpenSSL's (%zu bytes)\n",
						b->name, bench_op_names[op], n, got_len, want_len);
					goto out;
				}
			}
			b->ctx_free(ctx);
			ctx = NULL;
		}
		ref->ctx_free(rctx);
		rctx = NULL;
	}
	ret = 0;
out:
	if (ctx != NULL)
		b->ctx_free(ctx);
	if (rctx != NULL)
		ref->ctx_free(rctx);
	free(want);
	free(got);
	return ret;
}

struct worker {
	pthread_t tid;
	struct bench_backend *b;
	struct bench_ctx *ctx;
	pthread_barrier_t *barrier;
	size_t size;
	double min_time;
	long min_ops;
	long ops;
	double elapsed;
	int ret;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	uint8_t *out;
	size_t out_len;
	double t0, t;

	out = malloc(w->size + BENCH_MAX_OUT_EXTRA);
	/* Warm up (caches, lazy kernel allocations), untimed. */
	t0 = now();
	while (out != NULL && w->ret == 0 && now() - t0 < w->min_time / 10)
		if (w->b->run(w->ctx, input, w->size, out, &out_len) < 0)
			w->ret = -1;
	pthread_barrier_wait(w->barrier);
	if (out == NULL || w->ret < 0) {
		w->ret = -1;
		free(out);
		return NULL;
	}
	t0 = now();
	do {
		if (w->b->run(w->ctx, input, w->size, out, &out_len) < 0) {
			w->ret = -1;
			break;
		}
		w->ops++;
		t = now();
	} while (t - t0 < w->min_time || w->ops < w->min_ops);
	w->elapsed = now() - t0;
	free(out);
	return NULL;
}

/* One cell: @threads threads, each its own context. Returns ops/s or -1. */
static double
run_cell(struct options *o, struct bench_backend *b, enum bench_op op, size_t size, int threads)
{
	struct worker w[64];
	pthread_barrier_t barrier;
	double rate = 0;
	int i, made = 0, ok = 1;

	memset(w, 0, sizeof(w));
	pthread_barrier_init(&barrier, NULL, (unsigned)threads);
	for (i = 0; i < threads; i++) {
		w[i] = (struct worker){.b = b,
				       .barrier = &barrier,
				       .size = size,
				       .min_time = o->min_time,
				       .min_ops = o->min_ops};
		if (b->ctx_new(b, op, &w[i].ctx) < 0)
			break;
	}
	if (i < threads) {
		ok = 0;
		threads = i;
		/* Nobody waits on a barrier for threads that will not come. */
	}
	for (i = 0; ok && i < threads; i++) {
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0) {
			ok = 0;
			break;
		}
		made++;
	}
	for (i = 0; i < made; i++)
		pthread_join(w[i].tid, NULL);
	for (i = 0; i < threads; i++) {
		if (w[i].ret < 0)
			ok = 0;
		else if (w[i].elapsed > 0)
			rate += (double)w[i].ops / w[i].elapsed;
		b->ctx_free(w[i].ctx);
	}
	pthread_barrier_destroy(&barrier);
	return ok && made == threads ? rate : -1;
}

static int
find_backend(struct options *o, const char *name)
{
	int i;

	for (i = 0; i < o->n_backends; i++)
		if (strcmp(o->backends[i].name, name) == 0)
			return i;
	return -1;
}

static void
fmt_size(char *buf, size_t len, size_t n)
{
	if (n >= (1UL << 20) && n % (1UL << 20) == 0)
		snprintf(buf, len, "%zuM", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, len, "%zuK", n >> 10);
	else
		snprintf(buf, len, "%zu", n);
}

static void
fmt_ratio(char *buf, size_t len, double a, double b)
{
	if (a > 0 && b > 0)
		snprintf(buf, len, "%.2f", a / b);
	else
		snprintf(buf, len, "-");
}

static long
status_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t len = strlen(field);
	long v = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, len) == 0 && line[len] == ':')
			v = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return v;
}

static void
print_ratios(FILE *out, struct options *o, double fds, double fds_one)
{
	int m = find_backend(o, o->module), i, op, k, t, t1 = -1, t2 = -1;
	char size[32], r[32];

	if (m < 0) {
		fprintf(out, "(no backend named %s: no ratio table)\n", o->module);
		return;
	}
	fprintf(out, "Ratios: %s ops/s divided by each other backend's (>1: %s faster)\n",
		o->module, o->module);
	fprintf(out, "Each cell: the median of %d rounds of at least %.2f s and %ld ops a thread\n",
		o->rounds, o->min_time, o->min_ops);
	for (t = 0; t < o->n_threads; t++) {
		fprintf(out, "\n%d thread%s\n%-12s %5s %12s", o->threads[t],
			o->threads[t] == 1 ? "" : "s", "op", "size", o->module);
		for (i = 0; i < o->n_backends; i++)
			if (i != m)
				fprintf(out, " %16s", o->backends[i].name);
		fprintf(out, "\n");
		for (op = 0; op < OP_COUNT; op++) {
			if (!(o->ops & (1U << op)))
				continue;
			for (k = 0; k < o->n_sizes; k++) {
				double mine = results[m][op][k][t];

				fmt_size(size, sizeof(size), o->sizes[k]);
				fprintf(out, "%-12s %5s %12.0f", bench_op_names[op], size,
					mine > 0 ? mine : 0);
				for (i = 0; i < o->n_backends; i++) {
					if (i == m)
						continue;
					fmt_ratio(r, sizeof(r), mine, results[i][op][k][t]);
					fprintf(out, " %16s", r);
				}
				fprintf(out, "\n");
			}
		}
	}
	for (t = 0; t < o->n_threads; t++) {
		if (o->threads[t] == 1)
			t1 = t;
		else if (o->threads[t] == 2)
			t2 = t;
	}
	if (t1 >= 0 && t2 >= 0) {
		fprintf(out, "\nScaling: %s ops/s at 2 threads / at 1 thread\n%-12s", o->module,
			"op");
		for (k = 0; k < o->n_sizes; k++) {
			fmt_size(size, sizeof(size), o->sizes[k]);
			fprintf(out, " %6s", size);
		}
		fprintf(out, "\n");
		for (op = 0; op < OP_COUNT; op++) {
			if (!(o->ops & (1U << op)))
				continue;
			fprintf(out, "%-12s", bench_op_names[op]);
			for (k = 0; k < o->n_sizes; k++) {
				fmt_ratio(r, sizeof(r), results[m][op][k][t2],
					  results[m][op][k][t1]);
				fprintf(out, " %6s", r);
			}
			fprintf(out, "\n");
		}
	}
	fprintf(out, "\nResources:\n");
	if (fds_one >= 0)
		fprintf(out,
			"  %s: %.2f open descriptors per session for one key and mechanism "
			"(%d sessions, 3 AES-CBC ops each, steady state)\n",
			o->module, fds_one, o->fd_sessions);
	if (fds >= 0)
		fprintf(out,
			"  %s: %.2f open descriptors per session for every benchmarked kind "
			"(%d sessions, 3 ops of each kind each, steady state)\n",
			o->module, fds, o->fd_sessions);
	fprintf(out, "  process: VmRSS %ld KiB, VmHWM %ld KiB (all backends in one process)\n",
		status_kb("VmRSS"), status_kb("VmHWM"));
}

/* Round @r of one cell: its ops/s into samples[], or the cell marked failed. */
static void
run_one(struct options *o, int r, int i, enum bench_op op, int k, int t)
{
	struct bench_backend *b = &o->backends[i];
	char size[32];
	double rate;

	if (failed[i][op][k])
		return;
	fmt_size(size, sizeof(size), o->sizes[k]);
	rate = run_cell(o, b, op, o->sizes[k], o->threads[t]);
	if (rate <= 0) {
		fprintf(stderr, "bench: %s %s %s x%d: failed\n", b->name, bench_op_names[op], size,
			o->threads[t]);
		failed[i][op][k] = true;
		failures++;
		return;
	}
	samples[r][i][op][k][t] = rate;
	fprintf(stderr, "round %d %-16s %-12s %5s x%d %12.1f ops/s %9.2f MB/s\n", r + 1, b->name,
		bench_op_names[op], size, o->threads[t], rate, rate * (double)o->sizes[k] / 1e6);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(struct options *o, int i, int op, int k, int t, double *lo, double *hi)
{
	double v[MAX_ROUNDS];
	int r;

	for (r = 0; r < o->rounds; r++)
		v[r] = samples[r][i][op][k][t];
	qsort(v, (size_t)o->rounds, sizeof(v[0]), cmp_double);
	*lo = v[0];
	*hi = v[o->rounds - 1];
	return o->rounds % 2 ? v[o->rounds / 2] : (v[o->rounds / 2 - 1] + v[o->rounds / 2]) / 2;
}

int
main(int argc, char **argv)
{
	static struct options o;
	static struct bench_keys keys = {.aes_label = "bench:aes", .hmac_label = "bench:hmac"};
	struct bench_backend ref = {.name = "openssl-reference"};
	const char *aes_file = NULL, *hmac_file = NULL, *import = NULL, *env;
	char *backend_args[MAX_BACKENDS];
	int n_backend_args = 0, c, i, op, k, t, m, r, ret = 1;
	double fds = -1, fds_one = -1, t_start;
	FILE *tsv = NULL, *ratios = NULL;

	o.ops = (1U << OP_COUNT) - 1;
	parse_sizes("16,64,1K,16K,256K,1M", o.sizes, &o.n_sizes);
	parse_threads("1,2", o.threads, &o.n_threads);
	env = getenv("BENCH_MIN_TIME");
	o.min_time = env != NULL ? strtod(env, NULL) : 0.15;
	o.min_ops = 3;
	o.rounds = 3;
	o.module = "keyring";
	o.tsv = "bench.tsv";
	o.ratios = "ratios.txt";
	o.fd_sessions = 8;
	keys.pin = getenv("BENCH_PIN");

	while ((c = getopt(argc, argv, "b:I:a:A:l:L:p:o:s:t:d:n:r:m:f:T:R:h")) != -1) {
		switch (c) {
		case 'b':
			if (n_backend_args == MAX_BACKENDS) {
				fprintf(stderr, "bench: at most %d backends\n", MAX_BACKENDS);
				return 2;
			}
			backend_args[n_backend_args++] = optarg;
			break;
		case 'I':
			import = optarg;
			break;
		case 'a':
			aes_file = optarg;
			break;
		case 'A':
			hmac_file = optarg;
			break;
		case 'l':
			keys.aes_label = optarg;
			break;
		case 'L':
			keys.hmac_label = optarg;
			break;
		case 'p':
			keys.pin = optarg;
			break;
		case 'o':
			if (parse_ops(optarg, &o.ops) < 0)
				return 2;
			break;
		case 's':
			if (parse_sizes(optarg, o.sizes, &o.n_sizes) < 0)
				return 2;
			break;
		case 't':
			if (parse_threads(optarg, o.threads, &o.n_threads) < 0)
				return 2;
			break;
		case 'd':
			o.min_time = strtod(optarg, NULL);
			break;
		case 'n':
			o.min_ops = strtol(optarg, NULL, 10);
			break;
		case 'r':
			o.rounds = (int)strtol(optarg, NULL, 10);
			if (o.rounds < 1 || o.rounds > MAX_ROUNDS) {
				fprintf(stderr, "bench: rounds: 1 to %d\n", MAX_ROUNDS);
				return 2;
			}
			break;
		case 'm':
			o.module = optarg;
			break;
		case 'f':
			o.fd_sessions = (int)strtol(optarg, NULL, 10);
			break;
		case 'T':
			o.tsv = optarg;
			break;
		case 'R':
			o.ratios = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || aes_file == NULL || hmac_file == NULL ||
	    (import == NULL && n_backend_args == 0) || !(o.min_time >= 0)) {
		usage(stderr);
		return 2;
	}
	if (read_key(aes_file, keys.aes, sizeof(keys.aes)) < 0 ||
	    read_key(hmac_file, keys.hmac, sizeof(keys.hmac)) < 0)
		return 1;
	if (import != NULL) {
		if (strncmp(import, "pkcs11:", 7) != 0) {
			fprintf(stderr, "bench: -I wants a pkcs11: spec\n");
			return 2;
		}
		return backend_pkcs11_import(import + 7, &keys) < 0 ? 1 : 0;
	}
	for (i = 0; i < n_backend_args; i++)
		if (add_backend(&o, backend_args[i], &keys) < 0)
			return 1;
	if (backend_openssl_init(&ref, &keys) < 0)
		return 1;

	max_size = 0;
	for (k = 0; k < o.n_sizes; k++)
		if (o.sizes[k] > max_size)
			max_size = o.sizes[k];
	input = malloc(max_size);
	if (input == NULL)
		return 1;
	for (size_t j = 0; j < max_size; j++)
		input[j] = (uint8_t)(j * 131 + (j >> 8) * 7 + 1);

	t_start = now();
	if (check_outputs(&o, &ref) < 0) {
		fprintf(stderr, "bench: correctness check failed: nothing timed\n");
		goto out;
	}
	fprintf(stderr, "bench: outputs of every backend equal OpenSSL's (%.1f s)\n",
		now() - t_start);

	m = find_backend(&o, o.module);
	if (m >= 0 && strncmp(backend_args[m] + strlen(o.module) + 1, "pkcs11:", 7) == 0 &&
	    (backend_pkcs11_fds_per_session(&o.backends[m], 1U << OP_CBC, o.fd_sessions, 3,
					    &fds_one) < 0 ||
	     backend_pkcs11_fds_per_session(&o.backends[m], o.ops, o.fd_sessions, 3, &fds) < 0)) {
		fprintf(stderr, "bench: cannot count descriptors of %s\n", o.module);
		failures++;
	}

	tsv = fopen(o.tsv, "w");
	ratios = fopen(o.ratios, "w");
	if (tsv == NULL || ratios == NULL) {
		fprintf(stderr, "bench: cannot write %s or %s\n", o.tsv, o.ratios);
		goto out;
	}
	fprintf(tsv, "backend\top\tsize\tthreads\tops_per_s\tMB_per_s\tus_per_op\trounds\t"
		     "spread_pct\n");
	/*
	 * Whole passes over the table, not repeats of one cell: a burst of
	 * load from elsewhere on the host then spoils one round of many cells
	 * rather than every round of one.
	 */
	for (r = 0; r < o.rounds; r++) {
		for (op = 0; op < OP_COUNT; op++) {
			if (!(o.ops & (1U << op)))
				continue;
			for (k = 0; k < o.n_sizes; k++)
				for (t = 0; t < o.n_threads; t++)
					for (i = 0; i < o.n_backends; i++)
						run_one(&o, r, i, (enum bench_op)op, k, t);
		}
	}
	for (op = 0; op < OP_COUNT; op++) {
		if (!(o.ops & (1U << op)))
			continue;
		for (k = 0; k < o.n_sizes; k++) {
			for (t = 0; t < o.n_threads; t++) {
				for (i = 0; i < o.n_backends; i++) {
					double lo, hi, rate;

					if (failed[i][op][k])
						continue;
					rate = median(&o, i, op, k, t, &lo, &hi);
					results[i][op][k][t] = rate;
					fprintf(tsv,
						"%s\t%s\t%zu\t%d\t%.1f\t%.3f\t%.2f\t%d\t%.0f\n",
						o.backends[i].name, bench_op_names[op], o.sizes[k],
						o.threads[t], rate, rate * (double)o.sizes[k] / 1e6,
						1e6 * o.threads[t] / rate, o.rounds,
						100 * (hi - lo) / rate);
				}
			}
		}
	}
	print_ratios(stdout, &o, fds, fds_one);
	print_ratios(ratios, &o, fds, fds_one);
	fprintf(stderr, "bench: %.0f s in all, %d failure(s)\n", now() - t_start, failures);
	ret = failures ? 1 : 0;
out:
	if (tsv != NULL)
		fclose(tsv);
	if (ratios != NULL)
		fclose(ratios);
	free(input);
	return ret;
}
