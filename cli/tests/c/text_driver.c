/* The text accessors of libraries `avtal build` made, against their
 * generated headers: behorighet (reasons built from constant pieces) and
 * rd_rals_revision (an input text passed through). Prints one line per
 * check; cli/tests/build_c.rs compares the whole output.
 *
 * Both headers are included together, which also checks that their
 * common part is guarded. */
#include <stdio.h>
#include <string.h>

#include "behorighet.h"
#include "rd_rals_revision.h"

static char buf[1024];

/* Fill buf with '#', so what the accessor wrote, and no more, is known. */
static void clear(void) { memset(buf, '#', sizeof buf); }

/* The accessor wrote the NUL within cap and nothing after it. */
static const char *within(size_t cap) {
    if (cap == 0) return buf[0] == '#' ? "" : " wrote with cap 0";
    if (strlen(buf) >= cap) return " no NUL within cap";
    return buf[strlen(buf) + 1] == '#' ? "" : " wrote past the NUL";
}

static void show(const char *label, size_t n, size_t cap) {
    printf("%s %zu [%s]%s\n", label, n, buf, within(cap));
}

int main(void) {
    if (avtal_behorighet_abi_version() != AVTAL_ABI_VERSION) return 1;
    if (avtal_rd_rals_revision_abi_version() != AVTAL_ABI_VERSION) return 1;

    /* All three reasons of "pröva annat arbete". */
    struct ProvaAnnatArbeteInput in = {
        .id = 1,
        .sjukperiodens_forsta_dag = avtal_date(2026, 1, 1),
        .dagar_nedsatt_arbetsformaga = 60,
        .anstallningsavtal_ingatt = avtal_date(2026, 2, 1),
        .anmald = avtal_date(2026, 6, 30),
        .ledighetens_borjan = avtal_date(2026, 7, 1),
    };
    struct ProvaAnnatArbeteOutput out;
    int32_t code = avtal_ProvaAnnatArbete(&in, &out, NULL);
    clear();
    size_t n = avtal_ProvaAnnatArbete_skal_text(&out, &in, buf, sizeof buf);
    printf("prova %d %lld %zu %s\n", code, (long long)out.antal_skal, n, buf);
    size_t full = n;

    char sentinel = 'x';
    n = avtal_ProvaAnnatArbete_skal_text(&out, &in, &sentinel, 0);
    printf("cap_0 %zu %s\n", n, sentinel == 'x' ? "sentinel" : "written");
    n = avtal_ProvaAnnatArbete_skal_text(&out, &in, NULL, 100);
    printf("null_buf %zu\n", n);
    clear();
    n = avtal_ProvaAnnatArbete_skal_text(&out, &in, buf, 1);
    show("cap_1", n, 1);
    clear();
    n = avtal_ProvaAnnatArbete_skal_text(&out, &in, buf, 10);
    show("cap_10", n, 10);
    clear();
    n = avtal_ProvaAnnatArbete_skal_text(&out, &in, buf, full + 1);
    show("exact", n, full + 1);
    clear();
    n = avtal_ProvaAnnatArbete_skal_text(&out, &in, buf, full);
    show("one_short", n, full);
    clear();
    n = avtal_ProvaAnnatArbete_skal_text(NULL, &in, buf, sizeof buf);
    show("null_out", n, sizeof buf);
    clear();
    n = avtal_ProvaAnnatArbete_skal_text(&out, NULL, buf, sizeof buf);
    show("null_in", n, sizeof buf);
    n = avtal_ProvaAnnatArbete_skal_text(NULL, NULL, NULL, 0);
    printf("null_both_no_buf %zu\n", n);

    /* No reason: the empty text. */
    struct ProvaAnnatArbeteInput ok = in;
    ok.dagar_nedsatt_arbetsformaga = 95;
    ok.anstallningsavtal_ingatt = avtal_date(2026, 4, 1);
    ok.anmald = avtal_date(2026, 6, 1);
    code = avtal_ProvaAnnatArbete(&ok, &out, NULL);
    clear();
    n = avtal_ProvaAnnatArbete_skal_text(&out, &ok, buf, sizeof buf);
    printf("empty %d %lld %zu [%s]%s\n", code, (long long)out.antal_skal, n, buf, within(sizeof buf));

    /* An input text through to the output. */
    struct RevisionsbeloppInput group = {.grupp = "Grupp ÅÄÖ 7", .revision = AVTAL_REVISION_FORSTA};
    struct RevisionsbeloppOutput result;
    code = avtal_Revisionsbelopp(&group, &result, NULL);
    clear();
    n = avtal_Revisionsbelopp_grupp_text(&result, &group, buf, sizeof buf);
    printf("grupp %d [%s] %zu\n", code, buf, n);
    clear();
    n = avtal_Revisionsbelopp_grupp_text(&result, &group, buf, 11);
    show("grupp_cut", n, 11);

    /* A NULL input text is a null argument, named. */
    struct RevisionsbeloppInput no_text = group;
    no_text.grupp = NULL;
    struct AvtalError err;
    code = avtal_Revisionsbelopp(&no_text, &result, &err);
    printf("grupp_null %d %s %d %s\n", code, err.diagnostic[0] ? err.diagnostic : "-", err.field,
           err.field_name);
    struct RevisionsbeloppInput two[2] = {group, no_text};
    struct RevisionsbeloppOutput results[2];
    int32_t codes[2];
    code = avtal_Revisionsbelopp_batch(two, results, 2, codes, &err);
    printf("batch %d %d %d %llu %s\n", code, codes[0], codes[1], (unsigned long long)err.record,
           err.field_name);
    return 0;
}
