//! `avtal run` over Parquet and Arrow IPC, at the command line: a
//! generated W1 population (plain rows, and rows only the general path or
//! the interpreter can read: a null, a cell with three decimals, a salary
//! beyond the compiled fixed point, an unknown division) written as CSV,
//! Parquet and Arrow IPC with typed columns. Both engines must write the
//! CSV run's output byte for byte from the columnar input, report the
//! same rows and fields, and write equal Parquet and Arrow files whose
//! records are the CSV output's, record for record. `avtal diff` and
//! `explain --row` read the Parquet file as its CSV, and an Arrow IPC
//! stream goes through stdin and stdout.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs::{self, File};
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::StringDictionaryBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type, Int32Type, Int64Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Decimal128Array, Float64Array, Int32Array,
    Int64Array, RecordBatch, StringArray,
};
use arrow_schema::{DataType, Field, Schema};
use common::{avtal, scratch, workspace};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// Rows: more than two batches of 4096, so batch edges are crossed.
const ROWS: usize = 10_000;

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A column as typed values and as the CSV cells they are.
struct Column {
    name: &'static str,
    array: ArrayRef,
    cells: Vec<String>,
}

fn decimal(name: &'static str, values: Vec<Option<i128>>, scale: i8) -> Column {
    let cells = values
        .iter()
        .map(|v| v.map_or(String::new(), |m| decimal_text(m, scale)))
        .collect();
    let array = Decimal128Array::from(values)
        .with_precision_and_scale(38, scale)
        .unwrap();
    Column {
        name,
        array: Arc::new(array),
        cells,
    }
}

fn decimal_text(m: i128, scale: i8) -> String {
    let scale = scale as u32;
    let sign = if m < 0 { "-" } else { "" };
    let m = m.unsigned_abs();
    let unit = 10u128.pow(scale);
    if scale == 0 {
        format!("{sign}{m}")
    } else {
        format!(
            "{sign}{}.{:0width$}",
            m / unit,
            m % unit,
            width = scale as usize
        )
    }
}

fn dictionary(name: &'static str, values: Vec<&'static str>) -> Column {
    let mut builder = StringDictionaryBuilder::<Int32Type>::new();
    for value in &values {
        builder.append_value(value);
    }
    Column {
        name,
        array: Arc::new(builder.finish()),
        cells: values.iter().map(|v| v.to_string()).collect(),
    }
}

fn int64(name: &'static str, values: Vec<i64>) -> Column {
    Column {
        name,
        cells: values.iter().map(ToString::to_string).collect(),
        array: Arc::new(Int64Array::from(values)),
    }
}

/// W1's population with the hostile rows: 101 a null salary, 202 a
/// salary of three decimals, 303 a salary beyond 64 bits, 404 division
/// `III`.
fn population() -> Vec<Column> {
    let mut rng = Rng(2026);
    let n = ROWS;
    let periods: Vec<i32> = (0..n)
        .map(|_| {
            let months = rng.below(24) as u32;
            let date =
                chrono::NaiveDate::from_ymd_opt(2026 + (months / 12) as i32, months % 12 + 1, 1)
                    .unwrap();
            (date - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32
        })
        .collect();
    let period_cells = periods
        .iter()
        .map(|d| {
            (chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Days::new(*d as u64))
                .to_string()
        })
        .collect();
    let salaries: Vec<Option<i128>> = (0..n)
        .map(|row| match row {
            100 => None,
            201 => Some(1_800_005),
            302 => Some(10_i128.pow(28)),
            _ => Some((1_800_000 + rng.below(7_700_000) as i128) * 10),
        })
        .collect();
    let rates = (0..n)
        .map(|_| {
            Some(if rng.below(5) == 0 {
                1000 + rng.below(9000) as i128
            } else {
                10_000
            })
        })
        .collect();
    let divisions = (0..n)
        .map(|row| match row {
            403 => "III",
            _ if rng.below(2) == 0 => "I",
            _ => "II",
        })
        .collect();
    let reasons: Vec<&str> = (0..n)
        .map(|_| ["duty", "readiness", "plan", "other"][rng.below(4) as usize])
        .collect();
    let vacation: Vec<i32> = (0..n).map(|_| rng.below(6) as i32).collect();
    let flex: Vec<bool> = (0..n).map(|_| rng.below(3) == 0).collect();
    let reserve_days: Vec<i64> = (0..n).map(|_| rng.below(4) as i64).collect();
    let overtime: Vec<String> = (0..n)
        .map(|_| format!("{}.{}", rng.below(200), rng.below(10)))
        .collect();
    vec![
        int64("id", (1..=n as i64).collect()),
        Column {
            name: "period",
            array: Arc::new(Date32Array::from(periods)),
            cells: period_cells,
        },
        decimal("salary", salaries, 3),
        decimal("rate", rates, 2),
        decimal(
            "supplement",
            (0..n).map(|_| Some(rng.below(50_000) as i128)).collect(),
            2,
        ),
        Column {
            name: "vacation_days",
            cells: vacation.iter().map(ToString::to_string).collect(),
            array: Arc::new(Int32Array::from(vacation)),
        },
        dictionary("division", divisions),
        Column {
            name: "flex_transition",
            cells: flex.iter().map(ToString::to_string).collect(),
            array: Arc::new(BooleanArray::from(flex)),
        },
        int64("reserve_days", reserve_days.clone()),
        int64(
            "reserve_days_ytd",
            reserve_days.iter().map(|d| d * 3).collect(),
        ),
        Column {
            name: "reserve_reason",
            cells: reasons.iter().map(|r| r.to_string()).collect(),
            array: Arc::new(StringArray::from(reasons)),
        },
        decimal(
            "reserve_pay",
            (0..n).map(|_| Some(rng.below(500_000) as i128)).collect(),
            2,
        ),
        decimal(
            "mertid_ytd",
            (0..n).map(|_| Some(rng.below(3000) as i128)).collect(),
            1,
        ),
        Column {
            name: "overtime_ytd",
            array: Arc::new(StringArray::from(overtime.clone())),
            cells: overtime,
        },
        dictionary(
            "appointment",
            (0..n)
                .map(|_| {
                    if rng.below(4) == 0 {
                        "fullmakt"
                    } else {
                        "tillsvidare"
                    }
                })
                .collect(),
        ),
        int64(
            "service_years",
            (0..n).map(|_| rng.below(45) as i64).collect(),
        ),
    ]
}

fn record_batch(columns: &[Column]) -> RecordBatch {
    let schema = Schema::new(
        columns
            .iter()
            .map(|c| Field::new(c.name, c.array.data_type().clone(), true))
            .collect::<Vec<_>>(),
    );
    RecordBatch::try_new(
        Arc::new(schema),
        columns.iter().map(|c| c.array.clone()).collect(),
    )
    .unwrap()
}

fn write_csv(columns: &[Column], path: &Path) {
    let mut text = columns.iter().map(|c| c.name).collect::<Vec<_>>().join(",");
    text.push('\n');
    for row in 0..ROWS {
        let cells: Vec<&str> = columns.iter().map(|c| c.cells[row].as_str()).collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    fs::write(path, text).unwrap();
}

/// Parquet in row groups of 3000 rows, so row groups and batches differ.
fn write_parquet(batch: &RecordBatch, path: &Path) {
    let properties = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(3000))
        .build();
    let mut writer = ArrowWriter::try_new(
        File::create(path).unwrap(),
        batch.schema(),
        Some(properties),
    )
    .unwrap();
    writer.write(batch).unwrap();
    writer.close().unwrap();
}

fn write_arrow(batch: &RecordBatch, path: &Path) {
    let mut writer =
        arrow_ipc::writer::FileWriter::try_new(File::create(path).unwrap(), &batch.schema())
            .unwrap();
    for start in (0..batch.num_rows()).step_by(1000) {
        writer
            .write(&batch.slice(start, 1000.min(batch.num_rows() - start)))
            .unwrap();
    }
    writer.finish().unwrap();
}

fn read_parquet(path: &Path) -> Vec<RecordBatch> {
    ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn read_arrow(path: &Path) -> Vec<RecordBatch> {
    arrow_ipc::reader::FileReader::try_new(File::open(path).unwrap(), None)
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Output records as CSV text, the way `avtal run` writes CSV.
fn as_csv(batches: &[RecordBatch]) -> String {
    let schema = batches[0].schema();
    let mut text = schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect::<Vec<_>>()
        .join(",");
    text.push('\n');
    for batch in batches {
        for row in 0..batch.num_rows() {
            let cells: Vec<String> = batch
                .columns()
                .iter()
                .map(|column| cell(column.as_ref(), row))
                .collect();
            text.push_str(&cells.join(","));
            text.push('\n');
        }
    }
    text
}

fn cell(column: &dyn Array, row: usize) -> String {
    assert!(column.is_valid(row), "a null in the output");
    match column.data_type() {
        DataType::Int64 => column.as_primitive::<Int64Type>().value(row).to_string(),
        DataType::Decimal128(_, scale) => {
            decimal_text(column.as_primitive::<Decimal128Type>().value(row), *scale)
        }
        DataType::Boolean => column.as_boolean().value(row).to_string(),
        DataType::Date32 => (chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
            + chrono::TimeDelta::days(i64::from(column.as_primitive::<Date32Type>().value(row))))
        .to_string(),
        other => panic!("no W1 output column is {other}"),
    }
}

/// The row and field columns of an error file (messages about a null and
/// an empty cell differ in words).
fn places(errors: &str) -> Vec<String> {
    errors
        .lines()
        .map(|line| line.splitn(4, ',').take(3).collect::<Vec<_>>().join(","))
        .collect()
}

#[test]
fn columnar_runs_write_the_csv_runs_records() {
    let dir = scratch("parquet_run_w1");
    let agreement = workspace().join("examples/w1_payroll_month.avtal");
    let agreement = agreement.to_str().unwrap();
    let columns = population();
    let batch = record_batch(&columns);
    write_csv(&columns, &dir.join("pop.csv"));
    write_parquet(&batch, &dir.join("pop.parquet"));
    write_arrow(&batch, &dir.join("pop.arrow"));

    avtal(
        &dir,
        &[
            "run",
            agreement,
            "-i",
            "pop.csv",
            "-o",
            "ref.csv",
            "--errors",
            "ref.errors.csv",
            "--engine",
            "interp",
            "-q",
        ],
    )
    .expect_code(2);
    let reference = fs::read_to_string(dir.join("ref.csv")).unwrap();
    let reference_errors = fs::read_to_string(dir.join("ref.errors.csv")).unwrap();
    assert_eq!(
        reference.lines().count(),
        1 + ROWS - 3,
        "the interpreter computes the huge salary"
    );
    assert_eq!(
        places(&reference_errors),
        [
            "row,field,code",
            "101,salary,E0601",
            "202,salary,E0601",
            "404,division,E0603"
        ]
    );

    let mut columnar_errors = Vec::new();
    for input in ["pop.parquet", "pop.arrow"] {
        for engine in ["jit", "interp"] {
            let out = format!("{input}.{engine}.csv");
            let errors = format!("{input}.{engine}.errors.csv");
            let run = avtal(
                &dir,
                &[
                    "run", agreement, "-i", input, "-o", &out, "--errors", &errors, "--engine",
                    engine,
                ],
            );
            run.expect_code(2);
            assert!(
                run.stderr
                    .contains("row 101, field salary: expected money like 30000.00, found null"),
                "{}",
                run.stderr
            );
            assert_eq!(
                fs::read_to_string(dir.join(&out)).unwrap(),
                reference,
                "{input} with {engine}"
            );
            let errors = fs::read_to_string(dir.join(&errors)).unwrap();
            assert_eq!(places(&errors), places(&reference_errors));
            columnar_errors.push(errors);
        }
    }
    assert!(columnar_errors.windows(2).all(|w| w[0] == w[1]));

    let mut outputs = Vec::new();
    for (input, output) in [
        ("pop.parquet", "parquet"),
        ("pop.arrow", "arrow"),
        ("pop.csv", "parquet"),
    ] {
        for engine in ["jit", "interp"] {
            let out = format!("{input}.{engine}.{output}");
            avtal(
                &dir,
                &[
                    "run", agreement, "-i", input, "-o", &out, "--engine", engine, "-q",
                ],
            )
            .expect_code(2);
            let batches = if output == "parquet" {
                read_parquet(&dir.join(&out))
            } else {
                read_arrow(&dir.join(&out))
            };
            // Parquet money is `Decimal128(18, 2)`: the huge salary's
            // results (10^26 kronor) fail their row there, reported, where
            // CSV and Arrow IPC (precision 38) write them.
            let expected: String = if output == "parquet" {
                reference
                    .lines()
                    .filter(|line| !line.starts_with("303,"))
                    .map(|line| format!("{line}\n"))
                    .collect()
            } else {
                reference.clone()
            };
            assert_eq!(as_csv(&batches), expected, "{out}");
            outputs.push((out, batches));
        }
    }
    // Money in Parquet is `Decimal128(18, 2)` (a 64-bit integer in the
    // file), in Arrow IPC `Decimal128(38, 2)`.
    for (index, precision) in [(0, 18), (2, 38)] {
        let schema = outputs[index].1[0].schema();
        let types: Vec<String> = schema
            .fields()
            .iter()
            .map(|f| format!("{}: {}", f.name(), f.data_type()))
            .collect();
        let money = format!("Decimal128({precision}, 2)");
        assert_eq!(
            types,
            [
                "id: Int64".to_string(),
                format!("vacation_guarantee: {money}"),
                format!("flex_premium: {money}"),
                format!("tsn_fee: {money}"),
                format!("reserve_topup: {money}"),
                format!("overtime_room: {money}"),
                "overtime_violation: Boolean".to_string(),
                "notice_months: Int64".to_string(),
                "notice_end: Date32".to_string(),
            ],
            "{}",
            outputs[index].0
        );
    }
    // The two engines' files are equal as data (the same batches).
    for pair in outputs.chunks(2) {
        assert_eq!(pair[0].1, pair[1].1, "{} and {}", pair[0].0, pair[1].0);
    }
}

#[test]
fn a_column_of_the_wrong_type_fails_each_row_at_its_field() {
    let dir = scratch("parquet_run_wrong_type");
    let agreement = workspace().join("examples/w1_payroll_month.avtal");
    let mut columns = population();
    let salary = columns.iter_mut().find(|c| c.name == "salary").unwrap();
    salary.array = Arc::new(Float64Array::from_iter_values(
        (0..ROWS).map(|i| 30_000.0 + i as f64),
    ));
    write_parquet(&record_batch(&columns[..]), &dir.join("floats.parquet"));
    let run = avtal(
        &dir,
        &[
            "run",
            agreement.to_str().unwrap(),
            "-i",
            "floats.parquet",
            "-o",
            "out.csv",
        ],
    );
    run.expect_code(2);
    assert!(
        run.stderr.contains("row 1, field salary: expected money like 30000.00, found a column of Arrow type `Float64`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: give the column the type `Decimal128(38, 2)`, or a decimal type"),
        "{}",
        run.stderr
    );
    // No row is readable; the output has its header only.
    assert_eq!(
        fs::read_to_string(dir.join("out.csv"))
            .unwrap()
            .lines()
            .count(),
        1
    );

    // A missing column stops the run before any row, as in CSV.
    let without: Vec<Column> = population()
        .into_iter()
        .filter(|c| c.name != "rate")
        .collect();
    write_parquet(&record_batch(&without), &dir.join("norate.parquet"));
    let run = avtal(
        &dir,
        &[
            "run",
            agreement.to_str().unwrap(),
            "-i",
            "norate.parquet",
            "-o",
            "out2.csv",
        ],
    );
    run.expect_code(1);
    assert!(run.stderr.contains("rate"), "{}", run.stderr);
    assert!(!dir.join("out2.csv").exists());
}

#[test]
fn diff_reads_a_parquet_population_as_its_csv() {
    let dir = scratch("parquet_diff_w1");
    let agreement = workspace().join("examples/w1_payroll_month.avtal");
    let agreement = agreement.to_str().unwrap();
    let columns = population();
    write_csv(&columns, &dir.join("pop.csv"));
    write_parquet(&record_batch(&columns), &dir.join("pop.parquet"));
    let diff = |input: &str| {
        let run = avtal(
            &dir,
            &[
                "diff",
                agreement,
                agreement,
                "--set",
                "garantibelopp@2027-01-01=1800 SEK",
                "-i",
                input,
                "--by",
                "division",
                "--format",
                "json",
            ],
        );
        assert!(run.code == 0 || run.code == 2, "{}", run.stderr);
        run.stdout
    };
    let from_csv = diff("pop.csv");
    assert!(from_csv.contains("vacation_guarantee"), "{from_csv}");
    assert_eq!(
        diff("pop.parquet"),
        from_csv.replace("pop.csv", "pop.parquet")
    );
}

/// Arrow IPC streams through pipes: stdin in, stdout out.
#[test]
fn an_arrow_stream_goes_through_a_pipe() {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let dir = scratch("arrow_stream_pipe");
    let agreement = workspace().join("examples/w1_payroll_month.avtal");
    let agreement = agreement.to_str().unwrap();
    let columns = population();
    write_csv(&columns, &dir.join("pop.csv"));
    avtal(
        &dir,
        &["run", agreement, "-i", "pop.csv", "-o", "ref.csv", "-q"],
    )
    .expect_code(2);
    let reference = fs::read_to_string(dir.join("ref.csv")).unwrap();

    let batch = record_batch(&columns);
    let mut stream = Vec::new();
    {
        let mut writer =
            arrow_ipc::writer::StreamWriter::try_new(&mut stream, &batch.schema()).unwrap();
        writer.write(&batch).unwrap();
        writer.finish().unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_avtal"))
        .args([
            "run",
            agreement,
            "-i",
            "-",
            "--input-format",
            "arrow",
            "--output-format",
            "arrow",
            "-q",
        ])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&stream));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let batches: Vec<RecordBatch> =
        arrow_ipc::reader::StreamReader::try_new(&output.stdout[..], None)
            .unwrap()
            .map(Result::unwrap)
            .collect();
    assert_eq!(as_csv(&batches), reference);

    // Parquet needs its footer first: a pipe is refused with a way out.
    let run = avtal(
        &dir,
        &["run", agreement, "-i", "-", "--input-format", "parquet"],
    );
    run.expect_code(1);
    assert!(
        run.stderr.contains("Parquet cannot be read from stdin"),
        "{}",
        run.stderr
    );
}

/// `explain --row` takes the row from a Parquet file as from its CSV.
#[test]
fn explain_takes_a_row_of_a_parquet_file() {
    let dir = scratch("parquet_explain");
    let agreement = workspace().join("examples/w1_payroll_month.avtal");
    let agreement = agreement.to_str().unwrap();
    let columns = population();
    write_csv(&columns, &dir.join("pop.csv"));
    write_parquet(&record_batch(&columns), &dir.join("pop.parquet"));
    for row in ["1", "4000", "9999"] {
        let from_csv = avtal(
            &dir,
            &["explain", agreement, "--input", "pop.csv", "--row", row],
        );
        from_csv.expect_code(0);
        let from_parquet = avtal(
            &dir,
            &["explain", agreement, "--input", "pop.parquet", "--row", row],
        );
        from_parquet.expect_code(0);
        assert_eq!(from_parquet.stdout, from_csv.stdout, "row {row}");
    }
}
