/*
 * replay_main.c - runs a fuzz target's LLVMFuzzerTestOneInput on files, without libFuzzer.
 *
 * Linked with a fuzz target into a plain program (any compiler, any build), it replays the
 * seed corpora and the regressions (tests/fuzz/regressions/) as ordinary ctest tests, so
 * that every build - the gcc one, the ASan one - checks them. Arguments are files or
 * directories (their regular files, in name order). Exits 0 when every input ran (a
 * failing input aborts), 2 on a usage or I/O error.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* optional, as it is to libFuzzer: a target with nothing to set up leaves it out */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned n_inputs;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 2;
	}
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	for (size_t r; buf && (r = fread(buf + n, 1, cap - n, f)) > 0;) {
		n += r;
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (!buf) {
		fprintf(stderr, "%s: out of memory\n", path);
		return 2;
	}
	/* an exact-size copy, so that ASan sees a read past the end of the input */
	uint8_t *exact = malloc(n ? n : 1);
	if (!exact) {
		free(buf);
		return 2;
	}
	memcpy(exact, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	n_inputs++;
	return 0;
}

static int run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		perror(path);
		return 2;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		perror(path);
		return 2;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char full[4096];
		snprintf(full, sizeof(full), "%s/%s", path, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
		    run_file(full) != 0)
			rc = 2;
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	int rc = 0;
	for (int i = 1; i < argc; i++)
		if (run_path(argv[i]) != 0)
			rc = 2;
	printf("%s: %u inputs replayed\n", argv[0], n_inputs);
	return n_inputs ? rc : 2;
}
