/* Calls the list-input entry points of cli/tests/c/shifts.avtal through
 * the header `avtal build` writes for it (shifts.h), linked with
 * libshifts.so. Driven by cli/tests/build_c_lists.rs.
 *
 *   list_driver single RECORDS   one avtal_Shifts call per record
 *   list_driver batch RECORDS    one avtal_Shifts_batch call over them all
 *   list_driver bad              bad arguments, one line per case
 *
 * RECORDS holds per record a line "id period salary cutoff n" and then n
 * lines "start end kind booked paid break_start extra": the slots as
 * decimal integers.
 *
 * Every list lies at the very end of its own mapping, against a page the
 * process may not read, so a read past its last element crashes the
 * driver instead of passing unseen. An empty list is NULL when its
 * record's id is even, and otherwise a pointer to the end of such a
 * mapping (the library must not read it either).
 *
 * single prints one line per record: "0 <the output slots>" or
 * "<code> <diagnostic> <field index> <field name>" ("-" when empty);
 * batch prints "0 <the output slots>" or "<code>" per record, then
 * "first <returned code> <err.record> <err.field_name>". */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shifts.h"

/* `bytes` of zeroed memory that end where an unreadable page begins. */
struct guarded {
    void *map;
    size_t map_len;
    void *data;
};

static struct guarded guarded_alloc(size_t bytes) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = (bytes + page - 1) / page * page;
    struct guarded g = {0};
    g.map_len = span + page;
    g.map = mmap(NULL, g.map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g.map == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
    if (mprotect((char *)g.map + span, page, PROT_NONE) != 0) {
        perror("mprotect");
        exit(2);
    }
    g.data = (char *)g.map + span - bytes;
    return g;
}

static void guarded_free(struct guarded *g) {
    if (g->map) munmap(g->map, g->map_len);
    g->map = NULL;
}

struct record {
    struct ShiftsInput in;
    struct guarded list;
};

/* The next record of `f` into `r`; 0 at the end of the file. */
static int read_record(FILE *f, struct record *r) {
    long long id, period, salary, cutoff, n;
    if (fscanf(f, "%lld %lld %lld %lld %lld", &id, &period, &salary, &cutoff, &n) != 5) return 0;
    if (n < 0) {
        fprintf(stderr, "negative count in the records\n");
        exit(2);
    }
    r->list = guarded_alloc((size_t)n * sizeof(struct avtal_shifts_Shift));
    struct avtal_shifts_Shift *shifts = r->list.data;
    for (long long i = 0; i < n; i++) {
        long long start, end, kind, booked, paid, break_start, extra;
        if (fscanf(f, "%lld %lld %lld %lld %lld %lld %lld", &start, &end, &kind, &booked, &paid,
                   &break_start, &extra) != 7) {
            fprintf(stderr, "a short shift in the records\n");
            exit(2);
        }
        shifts[i] = (struct avtal_shifts_Shift){
            .start = start, .end = end, .kind = kind, .booked = booked,
            .paid = paid, .break_start = break_start, .extra = extra,
        };
    }
    r->in = (struct ShiftsInput){
        .id = id, .period = period, .salary = salary, .cutoff = cutoff,
        .shifts = (n == 0 && id % 2 == 0) ? NULL : shifts,
        .shifts_len = n,
    };
    return 1;
}

static void print_output(const struct ShiftsOutput *o) {
    printf("0 %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld\n",
           (long long)o->id, (long long)o->shifts, (long long)o->hours, (long long)o->weekend,
           (long long)o->night, (long long)o->on_call, (long long)o->on_call_pay,
           (long long)o->top_on_call_extra, (long long)o->extra, (long long)o->first_day,
           (long long)o->last_day, (long long)o->last_booked, (long long)o->earliest_break,
           (long long)o->late_starts, (long long)o->late_bookings, (long long)o->hourly);
}

static const char *or_dash(const char *text) {
    return text[0] ? text : "-";
}

static void print_error(int32_t code, const struct AvtalError *err) {
    printf("%d %s %d %s\n", code, or_dash(err->diagnostic), err->field, or_dash(err->field_name));
}

static int run_records(const char *mode, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 2;
    }
    size_t cap = 64, n = 0;
    struct record *records = malloc(cap * sizeof *records);
    while (1) {
        if (n == cap) {
            cap *= 2;
            records = realloc(records, cap * sizeof *records);
        }
        if (!read_record(f, &records[n])) break;
        n++;
    }
    fclose(f);
    if (strcmp(mode, "single") == 0) {
        for (size_t i = 0; i < n; i++) {
            struct ShiftsOutput out;
            struct AvtalError err;
            int32_t code = avtal_Shifts(&records[i].in, &out, &err);
            if (code == AVTAL_OK) print_output(&out);
            else print_error(code, &err);
        }
    } else {
        /* The inputs as one array: the lists stay where they are. */
        struct ShiftsInput *in = calloc(n + 1, sizeof *in);
        struct ShiftsOutput *out = calloc(n + 1, sizeof *out);
        int32_t *codes = calloc(n + 1, sizeof *codes);
        for (size_t i = 0; i < n; i++) in[i] = records[i].in;
        struct AvtalError err;
        int32_t first = avtal_Shifts_batch(in, out, n, codes, &err);
        for (size_t i = 0; i < n; i++) {
            if (codes[i] == AVTAL_OK) print_output(&out[i]);
            else printf("%d\n", codes[i]);
        }
        printf("first %d %llu %s\n", first, (unsigned long long)err.record, or_dash(err.field_name));
        free(in);
        free(out);
        free(codes);
    }
    for (size_t i = 0; i < n; i++) guarded_free(&records[i].list);
    free(records);
    return 0;
}

/* A valid shift: Monday 2026-06-01 08:00 to 16:00, on call. */
static struct avtal_shifts_Shift on_call_shift(void) {
    int64_t day = avtal_date(2026, 6, 1);
    return (struct avtal_shifts_Shift){
        .start = avtal_timestamp(day, 8 * 60), .end = avtal_timestamp(day, 16 * 60),
        .kind = AVTAL_KIND_ON_CALL, .booked = day, .paid = 1, .break_start = 12 * 60, .extra = 0,
    };
}

static void call(const char *name, const struct ShiftsInput *in) {
    struct ShiftsOutput out;
    struct AvtalError err;
    int32_t code = avtal_Shifts(in, &out, &err);
    printf("%s ", name);
    print_error(code, &err);
}

/* `n` copies of on_call_shift() in guarded memory. */
static struct guarded shifts_of(size_t n) {
    struct guarded g = guarded_alloc(n * sizeof(struct avtal_shifts_Shift));
    struct avtal_shifts_Shift *s = g.data;
    for (size_t i = 0; i < n; i++) s[i] = on_call_shift();
    return g;
}

/* avtal_Long over `n` passes, pass `at` starting at minute `start`. */
static void long_call(const char *name, size_t n, size_t at, int64_t start) {
    struct guarded g = guarded_alloc(n * sizeof(struct avtal_shifts_Pass));
    struct avtal_shifts_Pass *p = g.data;
    for (size_t i = 0; i < n; i++) {
        p[i] = (struct avtal_shifts_Pass){.borjan = avtal_timestamp(avtal_date(2026, 6, 1), 0),
                                          .kind = AVTAL_KIND_DAY};
    }
    p[at].borjan = start;
    struct LongInput in = {
        .skift_under_en_mycket_lang_period_med_flera_pass = p,
        .skift_under_en_mycket_lang_period_med_flera_pass_len = (int64_t)n,
    };
    struct LongOutput out;
    struct AvtalError err;
    int32_t code = avtal_Long(&in, &out, &err);
    printf("%s ", name);
    print_error(code, &err);
    guarded_free(&g);
}

static int bad_arguments(void) {
    struct guarded three = shifts_of(3);
    struct avtal_shifts_Shift *s = three.data;
    struct ShiftsInput in = {
        .id = 1, .period = avtal_date(2026, 6, 1), .shifts = s, .shifts_len = 3,
        .salary = 3000000, .cutoff = 18 * 60,
    };
    call("good", &in);

    in.shifts_len = -1;
    call("len_minus_1", &in);
    in.shifts_len = INT64_MIN;
    call("len_min", &in);
    in.shifts = NULL;
    in.shifts_len = 3;
    call("null_len_3", &in);
    in.shifts_len = 0;
    call("null_len_0", &in);
    struct guarded none = shifts_of(0);
    in.shifts = none.data;
    call("empty", &in);
    in.shifts = s;
    in.shifts_len = 3;

    s[2].kind = AVTAL_KIND_COUNT;
    call("kind_count_2", &in);
    s[2].kind = -1;
    call("kind_minus_1_2", &in);
    s[0].kind = 7;
    call("first_bad_element", &in);
    s[0].kind = s[2].kind = AVTAL_KIND_ON_CALL;
    /* A bad element past the length is never read. */
    in.shifts_len = 2;
    s[2].kind = 99;
    call("bad_past_len", &in);
    s[2].kind = AVTAL_KIND_ON_CALL;
    in.shifts_len = 3;

    s[1].booked = AVTAL_MAX_DAY + 1;
    call("booked_after_max", &in);
    s[1].booked = AVTAL_MIN_DAY - 1;
    call("booked_before_min", &in);
    s[1].booked = AVTAL_MIN_DAY;
    call("booked_min", &in);
    s[1].booked = avtal_date(2026, 6, 1);
    s[1].paid = 2;
    call("paid_2", &in);
    s[1].paid = 1;
    s[0].break_start = 1440;
    call("break_1440", &in);
    s[0].break_start = -1;
    call("break_minus_1", &in);
    s[0].break_start = 1439;
    call("break_1439", &in);
    s[0].break_start = 12 * 60;
    s[0].start = avtal_timestamp(AVTAL_MIN_DAY, 0) - 1;
    call("start_before_calendar", &in);
    s[0] = on_call_shift();
    s[0].end = avtal_timestamp(AVTAL_MAX_DAY + 1, 0);
    call("end_after_calendar", &in);
    s[0] = on_call_shift();
    s[0].end = s[0].start - 60;
    call("reversed", &in);
    s[0] = on_call_shift();

    /* Top-level fields come in order: period (before the list), then the
     * list, then cutoff (after it). */
    in.period = AVTAL_MAX_DAY + 1;
    s[1].kind = 5;
    call("period_before_element", &in);
    in.period = avtal_date(2026, 6, 1);
    in.cutoff = 1440;
    call("element_before_cutoff", &in);
    s[1].kind = AVTAL_KIND_ON_CALL;
    call("cutoff_1440", &in);
    in.cutoff = 18 * 60;

    /* The index of a bad element, written at run time. */
    struct guarded many = shifts_of(12345);
    struct avtal_shifts_Shift *m = many.data;
    in.shifts = m;
    in.shifts_len = 12345;
    call("many_good", &in);
    m[9].kind = 3;
    call("index_9", &in);
    m[9].kind = AVTAL_KIND_ON_CALL;
    m[10].paid = -1;
    call("index_10", &in);
    m[10].paid = 0;
    m[12344].booked = 0x7fffffffffffffffLL;
    call("index_12344", &in);
    guarded_free(&many);

    /* The first and last minutes of the calendar, and one beyond each. */
    long_call("first_minute", 3, 1, avtal_timestamp(AVTAL_MIN_DAY, 0));
    long_call("last_minute", 3, 1, avtal_timestamp(AVTAL_MAX_DAY, 1439));
    long_call("before_first_minute", 3, 1, avtal_timestamp(AVTAL_MIN_DAY, 0) - 1);
    long_call("after_last_minute", 3, 1, avtal_timestamp(AVTAL_MAX_DAY + 1, 0));
    long_call("int64_min", 3, 1, INT64_MIN);
    long_call("int64_max", 3, 1, INT64_MAX);

    /* A name cut to 55 bytes, at a character (ö is two bytes). */
    long_call("long_7", 8, 7, INT64_MIN);
    long_call("long_10", 11, 10, INT64_MIN);
    long_call("long_12345", 12346, 12345, INT64_MIN);
    long_call("long_0", 1, 0, INT64_MIN);

    /* err may be NULL; a NULL in or out is checked first. */
    in.shifts = s;
    in.shifts_len = -5;
    struct ShiftsOutput out;
    printf("null_err %d\n", avtal_Shifts(&in, &out, NULL));
    struct AvtalError err;
    printf("null_out %d\n", avtal_Shifts(&in, NULL, &err));

    /* A batch: the first failing record fills err. */
    struct ShiftsInput batch[3] = {in, in, in};
    batch[0].shifts_len = 3;
    batch[1].shifts_len = 3;
    batch[2].shifts_len = -2;
    s[2].kind = 3;
    batch[1].shifts = s;
    batch[0].shifts = s;
    batch[0].shifts_len = 2;
    struct ShiftsOutput outs[3];
    int32_t codes[3];
    int32_t first = avtal_Shifts_batch(batch, outs, 3, codes, &err);
    printf("batch %d %d %d %d %llu %s\n", first, codes[0], codes[1], codes[2],
           (unsigned long long)err.record, or_dash(err.field_name));
    printf("strerror %s | %s | %s\n", avtal_strerror(AVTAL_E_BAD_LENGTH),
           avtal_strerror(AVTAL_E_BAD_TIME), avtal_strerror(AVTAL_E_REVERSED_INTERVAL));
    guarded_free(&three);
    guarded_free(&none);
    return 0;
}

int main(int argc, char **argv) {
    if (avtal_shifts_abi_version() != AVTAL_ABI_VERSION) {
        fprintf(stderr, "ABI version %d, header %d\n", avtal_shifts_abi_version(), AVTAL_ABI_VERSION);
        return 2;
    }
    if (argc == 2 && strcmp(argv[1], "bad") == 0) return bad_arguments();
    if (argc == 3 && (strcmp(argv[1], "single") == 0 || strcmp(argv[1], "batch") == 0)) {
        return run_records(argv[1], argv[2]);
    }
    fprintf(stderr, "usage: list_driver single|batch RECORDS | list_driver bad\n");
    return 2;
}
