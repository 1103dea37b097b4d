/* libFuzzer's main for compilers without libFuzzer (gcc): runs
 * LLVMFuzzerTestOneInput once on each file named on the command line, so
 * an ASan + UBSan build can replay a corpus. Arguments starting with '-'
 * (libFuzzer options such as -runs=0) are ignored. Each input is copied to
 * a buffer of exactly its size, so reading past it is caught. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) {
            uint8_t *bigger = realloc(buf, cap *= 2);
            if (!bigger) free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    uint8_t *exact = buf ? malloc(n ? n : 1) : NULL;
    if (!exact) {
        free(buf);
        fprintf(stderr, "replay: out of memory reading %s\n", path);
        return 1;
    }
    if (n) memcpy(exact, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

int main(int argc, char **argv) {
    int failed = 0, ran = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-') continue;
        failed |= replay(argv[i]);
        ran++;
    }
    fprintf(stderr, "replay: %d inputs\n", ran);
    return failed;
}
