/* A payroll system's side of W1, in C: reads employee records, calls the
 * library `avtal build examples/w1_payroll_month.avtal` made, and prints
 * the results. Driven by cli/tests/build_c.rs.
 *
 *   w1_driver single IN    one call of avtal_W1 per record
 *   w1_driver batch IN     one call of avtal_W1_batch for all records
 *   w1_driver bench IN N   N batch passes, prints records per second
 *   w1_driver bad          bad arguments: null pointers, enum tags, dates
 *
 * IN has one record per line: the 16 fields of struct W1Input as integers
 * (money in öre, percent and hours in hundredths, dates as day numbers).
 * Each result line is "0 <the 9 output fields>" or "<code> <diagnostic>
 * <field index> <field name>" with "-" for an empty text. */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "w1_payroll_month.h"

static struct W1Input *read_records(const char *path, size_t *count) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t cap = 1024, n = 0;
    struct W1Input *records = malloc(cap * sizeof *records);
    for (;;) {
        struct W1Input r;
        long long v[16];
        int got = fscanf(f, "%lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld",
                         &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10],
                         &v[11], &v[12], &v[13], &v[14], &v[15]);
        if (got != 16) {
            break;
        }
        r.id = v[0];
        r.period = v[1];
        r.salary = v[2];
        r.rate = v[3];
        r.supplement = v[4];
        r.vacation_days = v[5];
        r.division = v[6];
        r.flex_transition = v[7];
        r.reserve_days = v[8];
        r.reserve_days_ytd = v[9];
        r.reserve_reason = v[10];
        r.reserve_pay = v[11];
        r.mertid_ytd = v[12];
        r.overtime_ytd = v[13];
        r.appointment = v[14];
        r.service_years = v[15];
        if (n == cap) {
            cap *= 2;
            records = realloc(records, cap * sizeof *records);
        }
        records[n++] = r;
    }
    fclose(f);
    *count = n;
    return records;
}

static const char *text(const char *s) { return s[0] ? s : "-"; }

static void print_result(int32_t code, const struct W1Output *o, const struct AvtalError *e) {
    if (code == AVTAL_OK) {
        printf("0 %lld %lld %lld %lld %lld %lld %lld %lld %lld\n", (long long)o->id,
               (long long)o->vacation_guarantee, (long long)o->flex_premium, (long long)o->tsn_fee,
               (long long)o->reserve_topup, (long long)o->overtime_room,
               (long long)o->overtime_violation, (long long)o->notice_months,
               (long long)o->notice_end);
    } else {
        printf("%d %s %d %s\n", code, text(e->diagnostic), e->field, text(e->field_name));
    }
}

static int single(const char *path) {
    size_t n;
    struct W1Input *records = read_records(path, &n);
    for (size_t i = 0; i < n; i++) {
        struct W1Output out;
        struct AvtalError err;
        int32_t code = avtal_W1(&records[i], &out, &err);
        if (code != err.code) {
            printf("code %d but err.code %d\n", code, err.code);
            return 1;
        }
        print_result(code, &out, &err);
    }
    free(records);
    return 0;
}

static int batch(const char *path) {
    size_t n;
    struct W1Input *records = read_records(path, &n);
    struct W1Output *outs = calloc(n ? n : 1, sizeof *outs);
    int32_t *codes = calloc(n ? n : 1, sizeof *codes);
    struct AvtalError first;
    int32_t code = avtal_W1_batch(records, outs, n, codes, &first);
    for (size_t i = 0; i < n; i++) {
        struct AvtalError err;
        memset(&err, 0, sizeof err);
        if (codes[i] != AVTAL_OK) {
            /* The batch fills err for the first failure only; ask again. */
            struct W1Output again;
            avtal_W1(&records[i], &again, &err);
        }
        print_result(codes[i], &outs[i], &err);
    }
    /* The batch's return value and err name the first failing record. */
    size_t first_failing = n;
    for (size_t i = 0; i < n; i++) {
        if (codes[i] != AVTAL_OK) {
            first_failing = i;
            break;
        }
    }
    if (first_failing == n ? code != AVTAL_OK
                           : (code != codes[first_failing] || first.record != first_failing ||
                              first.code != code)) {
        printf("batch returned %d for record %llu, expected record %zu\n", code,
               (unsigned long long)first.record, first_failing);
        return 1;
    }
    free(records);
    free(outs);
    free(codes);
    return 0;
}

static int bench(const char *path, long passes) {
    size_t n;
    struct W1Input *records = read_records(path, &n);
    struct W1Output *outs = calloc(n ? n : 1, sizeof *outs);
    int32_t *codes = calloc(n ? n : 1, sizeof *codes);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long long check = 0;
    for (long p = 0; p < passes; p++) {
        avtal_W1_batch(records, outs, n, codes, NULL);
        check += outs[p % (n ? n : 1)].tsn_fee;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%.0f records/s (%zu records x %ld passes in %.3f s; check %lld)\n",
           (double)n * passes / seconds, n, passes, seconds, check);
    return 0;
}

/* One bad call: print its name, the code and the error's fields. */
static void show(const char *name, int32_t code, const struct AvtalError *e) {
    printf("%s %d %s %d %s\n", name, code, text(e->diagnostic), e->field, text(e->field_name));
}

static int bad(void) {
    struct W1Input in;
    memset(&in, 0, sizeof in);
    in.id = 1;
    in.period = avtal_date(2026, 6, 1);
    in.salary = 3000000;
    in.rate = 10000;
    in.division = AVTAL_DIVISION_I;
    in.reserve_reason = AVTAL_RESERVEREASON_OTHER;
    in.appointment = AVTAL_APPOINTMENT_TILLSVIDARE;
    struct W1Output out;
    struct AvtalError err;

    printf("abi %d %d\n", avtal_w1_payroll_month_abi_version(), AVTAL_ABI_VERSION);
    show("good", avtal_W1(&in, &out, &err), &err);
    show("null_in", avtal_W1(NULL, &out, &err), &err);
    show("null_out", avtal_W1(&in, NULL, &err), &err);
    printf("null_err %d\n", avtal_W1(NULL, &out, NULL));
    printf("null_err_ok %d\n", avtal_W1(&in, &out, NULL));

    struct W1Input w = in;
    w.division = 2;
    show("division_2", avtal_W1(&w, &out, &err), &err);
    w = in;
    w.division = -1;
    show("division_minus_1", avtal_W1(&w, &out, &err), &err);
    w = in;
    w.reserve_reason = 4;
    show("reserve_reason_4", avtal_W1(&w, &out, &err), &err);
    w = in;
    w.appointment = INT64_MIN;
    show("appointment_min", avtal_W1(&w, &out, &err), &err);
    w = in;
    w.period = 0;
    show("period_0", avtal_W1(&w, &out, &err), &err);
    w = in;
    w.period = AVTAL_MAX_DAY + 1;
    show("period_after_max", avtal_W1(&w, &out, &err), &err);
    w = in;
    w.period = AVTAL_MIN_DAY - 1;
    show("period_before_min", avtal_W1(&w, &out, &err), &err);
    w = in;
    w.period = AVTAL_MIN_DAY;
    show("period_min", avtal_W1(&w, &out, &err), &err);
    w = in;
    w.flex_transition = 2;
    show("flex_transition_2", avtal_W1(&w, &out, &err), &err);
    w = in;
    w.period = avtal_date(2025, 12, 31);
    show("before_first_date", avtal_W1(&w, &out, &err), &err);
    w = in;
    w.salary = INT64_MAX;
    show("salary_max", avtal_W1(&w, &out, &err), &err);
    w = in;
    w.period = AVTAL_MAX_DAY;
    show("period_max", avtal_W1(&w, &out, &err), &err);

    struct W1Input two[2] = {in, in};
    two[1].division = 7;
    struct W1Output outs[2];
    int32_t codes[2] = {-1, -1};
    int32_t code = avtal_W1_batch(two, outs, 2, codes, &err);
    printf("batch %d %d %d %llu %s\n", code, codes[0], codes[1], (unsigned long long)err.record,
           text(err.field_name));
    show("batch_null_in", avtal_W1_batch(NULL, outs, 2, codes, &err), &err);
    printf("batch_empty %d\n", avtal_W1_batch(NULL, NULL, 0, NULL, &err));
    printf("batch_no_codes %d\n", avtal_W1_batch(two, outs, 2, NULL, NULL));
    printf("strerror %s\n", avtal_strerror(AVTAL_E_RANGE));
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "single") == 0) return single(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "batch") == 0) return batch(argv[2]);
    if (argc >= 4 && strcmp(argv[1], "bench") == 0) return bench(argv[2], atol(argv[3]));
    if (argc >= 2 && strcmp(argv[1], "bad") == 0) return bad();
    fprintf(stderr, "usage: w1_driver single|batch|bench IN [N] | bad\n");
    return 2;
}
