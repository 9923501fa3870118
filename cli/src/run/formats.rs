//! Which data format a file or a request body is in: by `--input-format`
//! / `--output-format`, by a file's extension, or by an HTTP media type
//! (`avtal serve`). The one place that maps names to formats, so a new
//! format is added here once for every command.

use std::path::Path;

use crate::DataFormat;
use crate::term::{Failure, display_path};

/// The format a file's extension names, if any.
pub(crate) fn format_from_extension(path: &Path) -> Option<DataFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "csv" => Some(DataFormat::Csv),
        "jsonl" | "ndjson" => Some(DataFormat::Jsonl),
        "parquet" | "pq" => Some(DataFormat::Parquet),
        "arrow" | "arrows" | "ipc" | "feather" => Some(DataFormat::Arrow),
        _ => None,
    }
}

/// The format an HTTP `Content-Type` or `Accept` value names (parameters
/// such as `; charset=utf-8` are ignored), if any.
pub(crate) fn format_from_media_type(media_type: &str) -> Option<DataFormat> {
    let essence = media_type.split(';').next()?.trim().to_ascii_lowercase();
    match essence.as_str() {
        "text/csv" | "application/csv" => Some(DataFormat::Csv),
        "application/jsonl"
        | "application/x-ndjson"
        | "application/x-jsonlines"
        | "application/jsonlines"
        | "application/json-lines" => Some(DataFormat::Jsonl),
        _ => None,
    }
}

/// The media type a response in `format` is sent as.
pub(crate) fn media_type(format: DataFormat) -> &'static str {
    match format {
        DataFormat::Csv => "text/csv; charset=utf-8",
        DataFormat::Jsonl => "application/jsonl",
        DataFormat::Parquet => "application/vnd.apache.parquet",
        DataFormat::Arrow => "application/vnd.apache.arrow.stream",
    }
}

/// The media types [`format_from_media_type`] accepts, for messages.
pub(crate) const MEDIA_TYPES: &str = "text/csv or application/jsonl (also application/x-ndjson)";

pub(crate) fn is_std(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The format of an input file: `explicit` (from `--input-format`), else
/// CSV for stdin, else the extension's.
pub(crate) fn input_format_of(
    input: &Path,
    explicit: Option<DataFormat>,
) -> Result<DataFormat, Failure> {
    if let Some(format) = explicit {
        return Ok(format);
    }
    if is_std(input) {
        return Ok(DataFormat::Csv);
    }
    format_from_extension(input).ok_or_else(|| {
        Failure::new(format!(
            "cannot tell the format of {} from its extension",
            display_path(input)
        ))
        .with_help(
            "name it `.csv`, `.jsonl`, `.parquet` or `.arrow`, or say `--input-format csv|jsonl|parquet|arrow`",
        )
    })
}

/// The format of an output file: `explicit` (from `--output-format`), else
/// the input's for stdout, else the extension's.
pub(crate) fn output_format_of(
    output: Option<&Path>,
    explicit: Option<DataFormat>,
    input: DataFormat,
) -> Result<DataFormat, Failure> {
    if let Some(format) = explicit {
        return Ok(format);
    }
    match output {
        Some(path) if !is_std(path) => format_from_extension(path).ok_or_else(|| {
            Failure::new(format!(
                "cannot tell the format of {} from its extension",
                display_path(path)
            ))
            .with_help(
                "name it `.csv`, `.jsonl`, `.parquet` or `.arrow`, or say `--output-format csv|jsonl|parquet|arrow`",
            )
        }),
        _ => Ok(input),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_name_formats_whatever_their_parameters() {
        assert_eq!(
            format_from_media_type("text/csv; charset=utf-8"),
            Some(DataFormat::Csv)
        );
        assert_eq!(
            format_from_media_type("Application/X-NDJSON"),
            Some(DataFormat::Jsonl)
        );
        assert_eq!(format_from_media_type("application/json"), None);
        assert_eq!(
            format_from_media_type(media_type(DataFormat::Jsonl)),
            Some(DataFormat::Jsonl)
        );
    }
}
