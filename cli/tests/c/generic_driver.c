/* Calls any entry point of a library `avtal build` made, through dlopen,
 * with records as rows of 64-bit integers (one per slot of the input
 * struct). Driven by cli/tests/build_c.rs for the differential tests.
 *
 *   generic_driver LIB SYMBOL N_IN N_OUT IN
 *
 * Prints one line per record: "0 <N_OUT integers>" or "<code> <diagnostic>
 * <field index> <field name>" ("-" for an empty text). */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* As in every generated header (ABI version 1). */
struct AvtalError {
    int32_t code;
    int32_t field;
    uint64_t record;
    char diagnostic[8];
    char field_name[56];
};
_Static_assert(sizeof(struct AvtalError) == 80, "struct AvtalError layout");

typedef int32_t (*entry_fn)(const int64_t *in, int64_t *out, struct AvtalError *err);

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: generic_driver LIB SYMBOL N_IN N_OUT IN\n");
        return 2;
    }
    void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        fprintf(stderr, "%s\n", dlerror());
        return 2;
    }
    entry_fn entry = (entry_fn)dlsym(library, argv[2]);
    if (!entry) {
        fprintf(stderr, "%s\n", dlerror());
        return 2;
    }
    long n_in = atol(argv[3]), n_out = atol(argv[4]);
    FILE *f = fopen(argv[5], "r");
    if (!f) {
        perror(argv[5]);
        return 2;
    }
    int64_t *in = calloc((size_t)n_in + 1, sizeof *in);
    int64_t *out = calloc((size_t)n_out + 1, sizeof *out);
    for (;;) {
        long got = 0;
        for (long i = 0; i < n_in; i++) {
            long long v;
            if (fscanf(f, "%lld", &v) != 1) break;
            in[i] = v;
            got++;
        }
        if (got != n_in) break;
        struct AvtalError err;
        int32_t code = entry(in, out, &err);
        if (code == 0) {
            printf("0");
            for (long i = 0; i < n_out; i++) printf(" %lld", (long long)out[i]);
            printf("\n");
        } else {
            printf("%d %s %d %s\n", code, err.diagnostic[0] ? err.diagnostic : "-", err.field,
                   err.field_name[0] ? err.field_name : "-");
        }
    }
    fclose(f);
    return 0;
}
