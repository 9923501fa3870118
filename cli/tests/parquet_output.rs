//! The Parquet file `avtal run` writes, at the command line: how it is
//! encoded (Snappy, dictionaries only for enums and dates, statistics per
//! column chunk, money as `DECIMAL(18, 2)` in a 64-bit integer), read back
//! with the arrow reader equal to the CSV run record for record, and an
//! amount beyond 18 digits failing its row (in both engines) where CSV
//! and Arrow IPC still write it; `--parquet-compression` choosing the
//! codec of every column chunk.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs::{self, File};
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use common::{avtal, scratch, write};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, Encoding, Type as PhysicalType};
use parquet::file::reader::{FileReader, SerializedFileReader};

const AGREEMENT: &str = "\
module stor

enum Slag { a, b }

record In {
  id: Int
  belopp: Money
  faktor: Int
  dag: Date
  slag: Slag
}

record Ut {
  id: Int
  summa: Money
  dag: Date
  slag: Slag
}

evaluate Stor(x: In) -> Ut {
  Ut {
    id: x.id
    summa: x.belopp * x.faktor
    dag: x.dag
    slag: x.slag
  }
}
";

/// 3000 rows; row 7 multiplies 10^7 kronor by 10^9: 10^16 kronor, 19
/// digits with the öre, which an `i64` of öre still holds.
fn population() -> String {
    let mut csv = String::from("id,belopp,faktor,dag,slag\n");
    for id in 1..=3000 {
        let (belopp, faktor) = if id == 7 {
            ("10000000.00".to_string(), 1_000_000_000)
        } else {
            (format!("{}.{:02}", 20_000 + id, id % 100), id % 5)
        };
        let day = 1 + id % 28;
        let slag = if id % 3 == 0 { "b" } else { "a" };
        csv.push_str(&format!("{id},{belopp},{faktor},2026-02-{day:02},{slag}\n"));
    }
    csv
}

fn read_parquet(path: &Path) -> Vec<RecordBatch> {
    ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The batches as the CSV lines `avtal run` writes for them.
fn as_csv(batches: &[RecordBatch]) -> String {
    let mut text = String::from("id,summa,dag,slag\n");
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
    match column.data_type() {
        DataType::Int64 => column.as_primitive::<Int64Type>().value(row).to_string(),
        DataType::Decimal128(_, 2) => {
            let m = column.as_primitive::<Decimal128Type>().value(row);
            let sign = if m < 0 { "-" } else { "" };
            format!(
                "{sign}{}.{:02}",
                m.unsigned_abs() / 100,
                m.unsigned_abs() % 100
            )
        }
        DataType::Date32 => {
            let days = column.as_primitive::<Date32Type>().value(row);
            let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
            (epoch + chrono::TimeDelta::days(i64::from(days))).to_string()
        }
        DataType::Dictionary(_, _) => {
            let dictionary = column.as_any_dictionary();
            let key = dictionary.normalized_keys()[row];
            dictionary
                .values()
                .as_string::<i32>()
                .value(key)
                .to_string()
        }
        other => panic!("unexpected column type {other}"),
    }
}

#[test]
fn parquet_output_is_snappy_int64_money_and_fails_amounts_beyond_18_digits() {
    let dir = scratch("parquet_output");
    write(&dir, "stor.avtal", AGREEMENT);
    write(&dir, "pop.csv", &population());

    let csv = avtal(
        &dir,
        &["run", "stor.avtal", "-i", "pop.csv", "-o", "out.csv"],
    );
    csv.expect_code(0);
    let reference = fs::read_to_string(dir.join("out.csv")).unwrap();
    assert!(
        reference.contains("\n7,10000000000000000.00,"),
        "{reference}"
    );

    for engine in ["jit", "interp"] {
        let out = format!("out.{engine}.parquet");
        let errors = format!("errors.{engine}.csv");
        let run = avtal(
            &dir,
            &[
                "run",
                "stor.avtal",
                "-i",
                "pop.csv",
                "-o",
                &out,
                "--errors",
                &errors,
                "--engine",
                engine,
            ],
        );
        run.expect_code(2);
        assert!(
            run.stderr.contains(
                "row 7 (line 8), field summa: the value 10000000000000000.00 is too large to be written as money"
            ),
            "{engine}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(
                "help: this column is `Decimal128(18, 2)`: at most 16 digits before the point"
            ),
            "{engine}: {}",
            run.stderr
        );
        // Every other row is there, exactly as the CSV run wrote it.
        let batches = read_parquet(&dir.join(&out));
        let without_row_7: String = reference
            .lines()
            .filter(|line| !line.starts_with("7,"))
            .map(|line| format!("{line}\n"))
            .collect();
        assert_eq!(as_csv(&batches), without_row_7, "{engine}");
        let types: Vec<String> = batches[0]
            .schema()
            .fields()
            .iter()
            .map(|f| format!("{}: {}", f.name(), f.data_type()))
            .collect();
        assert_eq!(
            types,
            [
                "id: Int64",
                "summa: Decimal128(18, 2)",
                "dag: Date32",
                "slag: Dictionary(Int32, Utf8)"
            ]
        );
    }
    assert_eq!(
        fs::read(dir.join("out.jit.parquet")).unwrap(),
        fs::read(dir.join("out.interp.parquet")).unwrap(),
        "the engines' Parquet files differ"
    );

    // How the file is encoded.
    let reader =
        SerializedFileReader::new(File::open(dir.join("out.jit.parquet")).unwrap()).unwrap();
    let metadata = reader.metadata();
    let group = metadata.row_group(0);
    assert_eq!(group.num_rows(), 2999);
    for column in group.columns() {
        let name = column.column_path().string();
        assert_eq!(column.compression(), Compression::SNAPPY, "{name}");
        let statistics = column.statistics().expect("statistics per column chunk");
        assert!(statistics.min_bytes_opt().is_some(), "{name}: no minimum");
        let dictionary = column.dictionary_page_offset().is_some();
        let encodings: Vec<Encoding> = column.encodings().collect();
        match name.as_str() {
            "summa" => {
                assert_eq!(column.column_type(), PhysicalType::INT64);
                assert!(!dictionary, "{name}: {encodings:?}");
            }
            "id" => assert!(!dictionary, "{name}: {encodings:?}"),
            "dag" | "slag" => assert!(dictionary, "{name}: {encodings:?}"),
            other => panic!("unexpected column {other}"),
        }
    }
    // No page index: statistics per column chunk only.
    assert!(
        group
            .columns()
            .iter()
            .all(|c| c.column_index_offset().is_none())
    );

    // Arrow IPC keeps `Decimal128(38, 2)` and writes the large amount.
    avtal(
        &dir,
        &["run", "stor.avtal", "-i", "pop.csv", "-o", "out.arrow"],
    )
    .expect_code(0);
}

#[test]
fn parquet_compression_sets_every_column_chunks_codec_and_reads_back_equal() {
    let dir = scratch("parquet_compression");
    write(&dir, "stor.avtal", AGREEMENT);
    write(&dir, "pop.csv", &population());
    avtal(
        &dir,
        &["run", "stor.avtal", "-i", "pop.csv", "-o", "out.csv"],
    )
    .expect_code(0);
    // Row 7 does not fit `DECIMAL(18, 2)` whatever the codec.
    let without_row_7: String = fs::read_to_string(dir.join("out.csv"))
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with("7,"))
        .map(|line| format!("{line}\n"))
        .collect();
    let mut sizes = Vec::new();
    for (flag, expected) in [
        ("snappy", Compression::SNAPPY),
        ("zstd", Compression::ZSTD(Default::default())),
        ("lz4", Compression::LZ4_RAW),
        ("none", Compression::UNCOMPRESSED),
    ] {
        let out = format!("out.{flag}.parquet");
        let run = avtal(
            &dir,
            &[
                "run",
                "stor.avtal",
                "-i",
                "pop.csv",
                "-o",
                &out,
                "--parquet-compression",
                flag,
            ],
        );
        run.expect_code(2);
        let path = dir.join(&out);
        let reader = SerializedFileReader::new(File::open(&path).unwrap()).unwrap();
        for column in reader.metadata().row_group(0).columns() {
            assert_eq!(
                column.compression(),
                expected,
                "{flag}: {}",
                column.column_path()
            );
        }
        assert_eq!(as_csv(&read_parquet(&path)), without_row_7, "{flag}");
        sizes.push((flag, fs::metadata(&path).unwrap().len()));
    }
    // Compression does compress: every codec's file is smaller than the
    // uncompressed one.
    let uncompressed = sizes.last().unwrap().1;
    for (flag, size) in &sizes[..3] {
        assert!(*size < uncompressed, "{flag}: {size} vs {uncompressed}");
    }

    // The flag is for Parquet only: with another output it stops the run
    // before anything is written.
    let csv = avtal(
        &dir,
        &[
            "run",
            "stor.avtal",
            "-i",
            "pop.csv",
            "-o",
            "other.csv",
            "--parquet-compression",
            "zstd",
        ],
    );
    csv.expect_code(1);
    assert!(
        csv.stderr
            .contains("--parquet-compression is for Parquet output only"),
        "{}",
        csv.stderr
    );
    assert!(!dir.join("other.csv").exists());
    // An unknown codec is refused by name.
    let unknown = avtal(
        &dir,
        &[
            "run",
            "stor.avtal",
            "-i",
            "pop.csv",
            "-o",
            "x.parquet",
            "--parquet-compression",
            "gzip",
        ],
    );
    unknown.expect_code(1);
    assert!(
        unknown
            .stderr
            .contains("[possible values: snappy, zstd, lz4, none]"),
        "{}",
        unknown.stderr
    );
}
