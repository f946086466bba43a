/* SPDX-License-Identifier: MIT */
/*
 * The plain build of a fuzz target (gcc, no libFuzzer): replay every file of
 * its committed corpus, fuzz/corpus/<target>/, or the files and directories
 * given as arguments, printing TAP for "make check". A crash, a sanitizer
 * report or a broken invariant ends the run, and the test fails.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET names the corpus directory"
#endif

struct files {
	char **names;
	size_t n, cap;
};

static void
add(struct files *fs, const char *name)
{
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 64;
		fs->names = realloc(fs->names, fs->cap * sizeof(*fs->names));
		if (fs->names == NULL)
			abort();
	}
	fs->names[fs->n] = strdup(name);
	if (fs->names[fs->n++] == NULL)
		abort();
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory's regular files, sorted; or @path itself. */
static int
collect(struct files *fs, const char *path)
{
	size_t first = fs->n;
	struct dirent *e;
	char name[4096];
	DIR *d;

	d = opendir(path);
	if (d == NULL) {
		add(fs, path);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%s/%s", path, e->d_name);
		add(fs, name);
	}
	closedir(d);
	qsort(fs->names + first, fs->n - first, sizeof(*fs->names), by_name);
	return fs->n > first ? 0 : -1;
}

/* The whole file, in a buffer of exactly its size. */
static uint8_t *
slurp(const char *name, size_t *size)
{
	FILE *f = fopen(name, "rb");
	uint8_t *buf = NULL;
	long len;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc(len > 0 ? (size_t)len : 1);
		if (buf != NULL && fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)len;
	}
	fclose(f);
	return buf;
}

int
main(int argc, char **argv)
{
	struct files fs = {NULL, 0, 0};
	const char *srcdir = getenv("srcdir");
	char dir[4096];
	int failed = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			collect(&fs, argv[i]);
	} else {
		snprintf(dir, sizeof(dir), "%s/fuzz/corpus/%s", srcdir ? srcdir : ".", FUZZ_TARGET);
		if (collect(&fs, dir) < 0) {
			printf("Bail out! no corpus in %s\n", dir);
			return 1;
		}
	}
	printf("1..%zu\n", fs.n);
	for (size_t i = 0; i < fs.n; i++) {
		const char *base = strrchr(fs.names[i], '/');
		size_t size = 0;
		uint8_t *data = slurp(fs.names[i], &size);

		base = base ? base + 1 : fs.names[i];
		if (data == NULL) {
			printf("not ok %zu - %s: %s: cannot read\n", i + 1, FUZZ_TARGET, base);
			failed = 1;
			continue;
		}
		fflush(stdout); /* what ran before a crash is in the log */
		LLVMFuzzerTestOneInput(data, size);
		printf("ok %zu - %s: %s (%zu bytes)\n", i + 1, FUZZ_TARGET, base, size);
		free(data);
		free(fs.names[i]);
	}
	free(fs.names);
	return failed;
}
