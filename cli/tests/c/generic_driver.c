/* Calls any entry point of a library `avtal build` made, through dlopen,
 * with records as rows of tokens, one per slot of the input struct.
 * Driven by cli/tests/build_c.rs for the differential tests.
 *
 *   generic_driver LIB SYMBOL IN_KINDS OUT_KINDS IN [ACCESSOR...]
 *
 * IN_KINDS and OUT_KINDS have one letter per field: `i` for an int64_t,
 * `t` for a text, and in IN_KINDS `l<k>` for a list of elements of k
 * int64 slots each (two slots: the pointer, the length). In IN, an int64
 * slot is a decimal integer, a text is its UTF-8 bytes in hex ("-" for
 * the empty text), passed to the library as a `const char *`, and a list
 * is its length n, then its n * k slots. Each list lies at the very end of
 * its own mapping, against a page the process may not read, so a read
 * past its last element crashes the driver; an empty list is NULL.
 * Each `t` of OUT_KINDS takes the next ACCESSOR, the symbol of that
 * field's text accessor.
 *
 * Prints one line per record: "0 <one token per output slot>" (a text in
 * hex, "-" when empty) or "<code> <diagnostic> <field index> <field name>"
 * ("-" for an empty text). */
#define _DEFAULT_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* As in every generated header (ABI version 1). */
struct AvtalError {
    int32_t code;
    int32_t field;
    uint64_t record;
    char diagnostic[8];
    char field_name[56];
};
_Static_assert(sizeof(struct AvtalError) == 80, "struct AvtalError layout");

/* One 8-byte slot: an int64_t, a text pointer (input), a list's pointer
 * or a piece mask. */
union slot {
    int64_t word;
    const char *text;
    const int64_t *list;
};
_Static_assert(sizeof(union slot) == 8, "slots are 8 bytes");

typedef int32_t (*entry_fn)(const union slot *in, union slot *out, struct AvtalError *err);
typedef size_t (*text_fn)(const union slot *out, const union slot *in, char *buf, size_t cap);

/* One field of the input: its kind, its first slot, and for a list the
 * slots of an element and the mapping that holds its elements. */
struct field {
    char kind;
    size_t slot;
    size_t element_slots;
    void *map;
    size_t map_len;
};

/* `words` int64s that end where an unreadable page begins. */
static int64_t *guarded_words(struct field *f, size_t words) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t bytes = words * sizeof(int64_t);
    size_t span = (bytes + page - 1) / page * page;
    f->map_len = span + page;
    f->map = mmap(NULL, f->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (f->map == MAP_FAILED || mprotect((char *)f->map + span, page, PROT_NONE) != 0) {
        perror("mmap");
        exit(2);
    }
    return (int64_t *)((char *)f->map + span - bytes);
}

/* The fields of IN_KINDS; their number in *n, their slots in *slots. */
static struct field *parse_kinds(const char *kinds, size_t *n, size_t *slots) {
    struct field *fields = calloc(strlen(kinds) + 1, sizeof *fields);
    *n = 0;
    *slots = 0;
    for (const char *k = kinds; *k;) {
        struct field *f = &fields[(*n)++];
        f->kind = *k++;
        f->slot = *slots;
        if (f->kind == 'l') {
            f->element_slots = (size_t)strtoul(k, (char **)&k, 10);
            *slots += 2;
        } else {
            *slots += 1;
        }
    }
    return fields;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* A hex token as a NUL-terminated text (malloc'd); NULL on a bad token. */
static char *from_hex(const char *token) {
    size_t n = strcmp(token, "-") == 0 ? 0 : strlen(token) / 2;
    char *text = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        int hi = hex_value(token[2 * i]), lo = hex_value(token[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(text);
            return NULL;
        }
        text[i] = (char)(hi * 16 + lo);
    }
    text[n] = 0;
    return text;
}

static void print_hex(const char *text, size_t n) {
    if (n == 0) printf(" -");
    else printf(" ");
    for (size_t i = 0; i < n; i++) printf("%02x", (unsigned char)text[i]);
}

/* Spell a text output the documented way: ask for the length with cap 0,
 * then fill a buffer of exactly length + 1. */
static int print_text(text_fn text, const union slot *out, const union slot *in) {
    char sentinel = 'x';
    size_t n = text(out, in, &sentinel, 0);
    if (sentinel != 'x') {
        fprintf(stderr, "cap 0 wrote into the buffer\n");
        return 0;
    }
    char *buf = malloc(n + 1);
    size_t again = text(out, in, buf, n + 1);
    if (again != n || strlen(buf) != n) {
        fprintf(stderr, "the accessor gave %zu, then %zu (strlen %zu)\n", n, again, strlen(buf));
        free(buf);
        return 0;
    }
    print_hex(buf, n);
    free(buf);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: generic_driver LIB SYMBOL IN_KINDS OUT_KINDS IN [ACCESSOR...]\n");
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
    const char *out_kinds = argv[4];
    size_t n_fields, n_in, n_out = strlen(out_kinds);
    struct field *fields = parse_kinds(argv[3], &n_fields, &n_in);
    text_fn *texts = calloc(n_out + 1, sizeof *texts);
    int next_accessor = 6;
    for (size_t i = 0; i < n_out; i++) {
        if (out_kinds[i] != 't') continue;
        if (next_accessor >= argc) {
            fprintf(stderr, "no accessor for output slot %zu\n", i);
            return 2;
        }
        texts[i] = (text_fn)dlsym(library, argv[next_accessor++]);
        if (!texts[i]) {
            fprintf(stderr, "%s\n", dlerror());
            return 2;
        }
    }
    FILE *f = fopen(argv[5], "r");
    if (!f) {
        perror(argv[5]);
        return 2;
    }
    union slot *in = calloc(n_in + 1, sizeof *in);
    union slot *out = calloc(n_out + 1, sizeof *out);
    char token[4096];
    for (;;) {
        size_t got = 0;
        for (size_t i = 0; i < n_fields; i++) {
            struct field *field = &fields[i];
            if (fscanf(f, "%4095s", token) != 1) break;
            if (field->kind == 't') {
                in[field->slot].text = from_hex(token);
                if (!in[field->slot].text) {
                    fprintf(stderr, "bad text token %s\n", token);
                    return 2;
                }
            } else if (field->kind == 'l') {
                long long n = strtoll(token, NULL, 10);
                if (n < 0) {
                    fprintf(stderr, "bad list length %s\n", token);
                    return 2;
                }
                size_t words = (size_t)n * field->element_slots;
                int64_t *elements = n == 0 ? NULL : guarded_words(field, words);
                for (size_t w = 0; w < words; w++) {
                    if (fscanf(f, "%4095s", token) != 1) {
                        fprintf(stderr, "a short list\n");
                        return 2;
                    }
                    elements[w] = strtoll(token, NULL, 10);
                }
                in[field->slot].list = elements;
                in[field->slot + 1].word = n;
            } else {
                in[field->slot].word = strtoll(token, NULL, 10);
            }
            got++;
        }
        if (got != n_fields) break;
        struct AvtalError err;
        int32_t code = entry(in, out, &err);
        if (code == 0) {
            printf("0");
            for (size_t i = 0; i < n_out; i++) {
                if (texts[i]) {
                    if (!print_text(texts[i], out, in)) return 3;
                } else {
                    printf(" %lld", (long long)out[i].word);
                }
            }
            printf("\n");
        } else {
            printf("%d %s %d %s\n", code, err.diagnostic[0] ? err.diagnostic : "-", err.field,
                   err.field_name[0] ? err.field_name : "-");
        }
        for (size_t i = 0; i < n_fields; i++) {
            struct field *field = &fields[i];
            if (field->kind == 't') free((void *)in[field->slot].text);
            if (field->kind == 'l' && field->map) {
                munmap(field->map, field->map_len);
                field->map = NULL;
            }
        }
    }
    fclose(f);
    return 0;
}
