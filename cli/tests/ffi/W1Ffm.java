// The payroll vendor's Java: the W1 library of `avtal build` through the
// Foreign Function & Memory API (java.lang.foreign, final in JDK 22).
//
// Usage: java --enable-native-access=ALL-UNNAMED W1Ffm LIBDIR POPULATION.csv OUTDIR
//
// Reads the population as `avtal run` reads it, encodes each row as
// w1_payroll_month.h lays it out (every field one int64 slot, money in
// öre, dates as LocalDate.toEpochDay() + 719163, enums as their tag), and
// writes OUTDIR/single.csv (one avtal_W1 call per record), batch.csv (one
// avtal_W1_batch call) and threads.csv (eight threads calling the batch
// and the record function at once), each as `avtal run` writes its output.
// Then it checks the exported date helpers against java.time and prints
// what the library says of a record with a bad enum tag.

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

public class W1Ffm {
    // The fields of struct W1Input and struct W1Output, in the header's order.
    static final String[] IN = {"id", "period", "salary", "rate", "supplement", "vacation_days",
        "division", "flex_transition", "reserve_days", "reserve_days_ytd", "reserve_reason",
        "reserve_pay", "mertid_ytd", "overtime_ytd", "appointment", "service_years"};
    static final String[] OUT = {"id", "vacation_guarantee", "flex_premium", "tsn_fee",
        "reserve_topup", "overtime_room", "overtime_violation", "notice_months", "notice_end"};
    // Money, Percent and Hours: hundredths. Enums: the variants in tag order.
    static final List<String> SCALED = List.of("salary", "rate", "supplement", "reserve_pay",
        "mertid_ytd", "overtime_ytd", "vacation_guarantee", "flex_premium", "tsn_fee",
        "reserve_topup", "overtime_room");
    static final List<String> DATES = List.of("period", "notice_end");
    static final List<String> BOOLS = List.of("flex_transition", "overtime_violation");
    static final List<String> DIVISION = List.of("I", "II");
    static final List<String> RESERVE_REASON = List.of("readiness", "duty", "plan", "other");
    static final List<String> APPOINTMENT = List.of("fullmakt", "tillsvidare");
    // Day 1 is 0001-01-01, and LocalDate's epoch day 0 is 1970-01-01.
    static final long EPOCH_DAY_OFFSET = 719163;
    static final int AVTAL_OK = 0;
    static final int ERROR_SIZE = 80;

    static MethodHandle w1;
    static MethodHandle w1Batch;

    static long encode(String field, String text) {
        switch (field) {
            case "division": return tag(DIVISION, text);
            case "reserve_reason": return tag(RESERVE_REASON, text);
            case "appointment": return tag(APPOINTMENT, text);
            default:
        }
        if (DATES.contains(field)) {
            return LocalDate.parse(text).toEpochDay() + EPOCH_DAY_OFFSET;
        }
        if (BOOLS.contains(field)) {
            if (!text.equals("true") && !text.equals("false")) {
                throw new IllegalArgumentException(field + ": " + text);
            }
            return text.equals("true") ? 1 : 0;
        }
        if (SCALED.contains(field)) {
            return new BigDecimal(text).movePointRight(2).longValueExact();
        }
        return Long.parseLong(text);
    }

    static long tag(List<String> variants, String text) {
        int tag = variants.indexOf(text);
        if (tag < 0) {
            throw new IllegalArgumentException("no variant " + text);
        }
        return tag;
    }

    static String decode(String field, long word) {
        if (DATES.contains(field)) {
            return LocalDate.ofEpochDay(word - EPOCH_DAY_OFFSET).toString();
        }
        if (BOOLS.contains(field)) {
            return word == 0 ? "false" : "true";
        }
        if (SCALED.contains(field)) {
            return BigDecimal.valueOf(word, 2).toPlainString();
        }
        return Long.toString(word);
    }

    static void writeCsv(Path path, MemorySegment results, int n) throws Exception {
        StringBuilder csv = new StringBuilder(String.join(",", OUT)).append('\n');
        for (int row = 0; row < n; row++) {
            for (int field = 0; field < OUT.length; field++) {
                long word = results.getAtIndex(JAVA_LONG, (long) row * OUT.length + field);
                csv.append(field == 0 ? "" : ",").append(decode(OUT[field], word));
            }
            csv.append('\n');
        }
        Files.writeString(path, csv.toString(), StandardCharsets.UTF_8);
    }

    static MemorySegment record(MemorySegment records, int row, int width) {
        return records.asSlice((long) row * width * 8, (long) width * 8);
    }

    static int callOne(MemorySegment in, MemorySegment out, MemorySegment err) {
        try {
            return (int) w1.invokeExact(in, out, err);
        } catch (Throwable e) {
            throw new RuntimeException(e);
        }
    }

    static int callBatch(MemorySegment in, MemorySegment out, long n, MemorySegment codes,
            MemorySegment err) {
        try {
            return (int) w1Batch.invokeExact(in, out, n, codes, err);
        } catch (Throwable e) {
            throw new RuntimeException(e);
        }
    }

    public static void main(String[] args) throws Throwable {
        Path libDir = Path.of(args[0]);
        List<String> lines = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8);
        Path outDir = Path.of(args[2]);
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        int n = lines.size() - 1;

        Linker linker = Linker.nativeLinker();
        Arena arena = Arena.ofShared();
        SymbolLookup lib = SymbolLookup.libraryLookup(
            libDir.resolve("libw1_payroll_month.so"), arena);
        w1 = linker.downcallHandle(lib.find("avtal_W1").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        w1Batch = linker.downcallHandle(lib.find("avtal_W1_batch").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
        MethodHandle abiVersion = linker.downcallHandle(
            lib.find("avtal_w1_payroll_month_abi_version").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT));
        MethodHandle strerror = linker.downcallHandle(
            lib.find("avtal_w1_payroll_month_strerror").orElseThrow(),
            FunctionDescriptor.of(ADDRESS, JAVA_INT));
        MethodHandle date = linker.downcallHandle(
            lib.find("avtal_w1_payroll_month_date").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        MethodHandle civil = linker.downcallHandle(
            lib.find("avtal_w1_payroll_month_civil").orElseThrow(),
            FunctionDescriptor.ofVoid(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
        MethodHandle timestamp = linker.downcallHandle(
            lib.find("avtal_w1_payroll_month_timestamp").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
        if ((int) abiVersion.invokeExact() != 1) {
            throw new IllegalStateException("an ABI version this program was not written for");
        }

        MemorySegment records = arena.allocate((long) n * IN.length * 8, 8);
        for (int row = 0; row < n; row++) {
            String[] cells = lines.get(row + 1).split(",", -1);
            for (int field = 0; field < IN.length; field++) {
                String text = cells[header.indexOf(IN[field])];
                records.setAtIndex(JAVA_LONG, (long) row * IN.length + field,
                    encode(IN[field], text));
            }
        }
        MemorySegment err = arena.allocate(ERROR_SIZE, 8);
        long outBytes = (long) n * OUT.length * 8;

        // One call per record.
        MemorySegment single = arena.allocate(outBytes, 8);
        for (int row = 0; row < n; row++) {
            int code = callOne(record(records, row, IN.length), record(single, row, OUT.length), err);
            if (code != AVTAL_OK) {
                throw new IllegalStateException("avtal_W1 record " + row + ": code " + code);
            }
        }
        writeCsv(outDir.resolve("single.csv"), single, n);

        // One batch.
        MemorySegment batch = arena.allocate(outBytes, 8);
        MemorySegment codes = arena.allocate((long) n * 4, 4);
        int first = callBatch(records, batch, n, codes, err);
        if (first != AVTAL_OK) {
            throw new IllegalStateException("avtal_W1_batch: code " + first);
        }
        writeCsv(outDir.resolve("batch.csv"), batch, n);

        // Eight threads at once: even ones evaluate their share with one
        // batch call, odd ones record by record, each many times into its
        // own buffer, all reading the shared input.
        int threads = 8;
        int rounds = 20;
        MemorySegment threaded = arena.allocate(outBytes, 8);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            final int index = t;
            Thread worker = new Thread(() -> {
                try {
                    int lo = n * index / threads;
                    int hi = n * (index + 1) / threads;
                    MemorySegment own = arena.allocate(Math.max(hi - lo, 1) * OUT.length * 8L, 8);
                    MemorySegment ownErr = arena.allocate(ERROR_SIZE, 8);
                    try {
                        start.await();
                    } catch (Exception e) {
                        failures.add(e.toString());
                        return;
                    }
                    for (int round = 0; round < rounds; round++) {
                        if (index % 2 == 0) {
                            MemorySegment share = records.asSlice((long) lo * IN.length * 8,
                                (long) (hi - lo) * IN.length * 8);
                            int code = callBatch(share, own, hi - lo, MemorySegment.NULL, ownErr);
                            if (code != AVTAL_OK) {
                                failures.add(index + ": " + code);
                            }
                        } else {
                            for (int row = lo; row < hi; row++) {
                                int code = callOne(record(records, row, IN.length),
                                    record(own, row - lo, OUT.length), ownErr);
                                if (code != AVTAL_OK) {
                                    failures.add(index + ": " + code);
                                }
                            }
                        }
                    }
                    MemorySegment.copy(own, 0, threaded, (long) lo * OUT.length * 8,
                        (long) (hi - lo) * OUT.length * 8);
                } catch (RuntimeException e) {
                    failures.add(index + ": " + e);
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("threads failed: " + failures);
        }
        writeCsv(outDir.resolve("threads.csv"), threaded, n);

        // The exported helpers against java.time: every 97th day from
        // 0001-01-01 to 9999-12-31, and both ends.
        MemorySegment ymd = arena.allocate(3 * 8, 8);
        long last = LocalDate.of(9999, 12, 31).toEpochDay() + EPOCH_DAY_OFFSET;
        LocalDateTime firstMinute = LocalDateTime.of(1, 1, 1, 0, 0);
        List<Long> days = new ArrayList<>();
        for (long day = 1; day <= last; day += 97) {
            days.add(day);
        }
        days.add(last);
        for (long day : days) {
            LocalDate expected = LocalDate.ofEpochDay(day - EPOCH_DAY_OFFSET);
            long got = (long) date.invokeExact((long) expected.getYear(),
                (long) expected.getMonthValue(), (long) expected.getDayOfMonth());
            civil.invokeExact(day, ymd, ymd.asSlice(8), ymd.asSlice(16));
            LocalDate back = LocalDate.of((int) ymd.getAtIndex(JAVA_LONG, 0),
                (int) ymd.getAtIndex(JAVA_LONG, 1), (int) ymd.getAtIndex(JAVA_LONG, 2));
            long stamp = (long) timestamp.invokeExact(day, 19L * 60 + 30);
            long minutes = ChronoUnit.MINUTES.between(firstMinute, expected.atTime(19, 30));
            if (got != day || !back.equals(expected) || stamp != minutes) {
                throw new IllegalStateException("day " + day + " (" + expected + "): " + got
                    + ", " + back + ", " + stamp);
            }
        }
        System.out.println("dates: ok");

        // A bad enum tag: the code, the field, and the exported message.
        MemorySegment bad = arena.allocate(IN.length * 8L, 8);
        bad.copyFrom(record(records, 0, IN.length));
        bad.setAtIndex(JAVA_LONG, Arrays.asList(IN).indexOf("division"), DIVISION.size());
        int code = callOne(bad, record(single, 0, OUT.length), err);
        MemorySegment message = (MemorySegment) strerror.invokeExact(code);
        System.out.println("bad enum: " + code + " " + err.get(JAVA_INT, 4) + " "
            + err.getString(24) + ": " + message.reinterpret(1024).getString(0));
    }
}
