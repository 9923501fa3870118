//! `--changes FILE`: every change, one CSV line per changed output field of
//! a record: `row,KEY…,field,old,new,difference`. `difference` is NEW − OLD
//! for numbers (empty for other fields), exact, so the lines of one field
//! sum to the report's total change. A record that fails in one version
//! gets one line with an empty `field`, `ok` on the side that computed it
//! and `error[CODE]: message` on the side that failed.
//! The file is a [`SafeFile`]: it replaces the previous one only when the
//! diff ends as promised.

use std::io::BufWriter;
use std::path::{Path, PathBuf};

use avtal_compiler::diagnostics::messages::data::DataMessage;

use super::report::KeyCell;
use crate::safe_file::SafeFile;
use crate::term::Failure;

pub struct ChangesFile {
    path: PathBuf,
    writer: csv::Writer<BufWriter<SafeFile>>,
    /// Reused for the cells of one line.
    line: Vec<String>,
}

impl ChangesFile {
    pub fn create(path: &Path, key_names: &[String]) -> Result<ChangesFile, Failure> {
        let mut writer =
            csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, SafeFile::create(path)?));
        let mut header = vec!["row".to_string()];
        header.extend(key_names.iter().cloned());
        header.extend(["field", "old", "new", "difference"].map(String::from));
        writer
            .write_record(&header)
            .map_err(|e| write_failure(path, e))?;
        Ok(ChangesFile {
            path: path.to_path_buf(),
            writer,
            line: Vec::new(),
        })
    }

    pub fn write_change(
        &mut self,
        row: u64,
        key: &[KeyCell],
        field: &str,
        old: &str,
        new: &str,
        difference: Option<&str>,
    ) -> Result<(), Failure> {
        self.start(row, key);
        self.line.extend(
            [field, old, new, difference.unwrap_or("")]
                .iter()
                .map(|s| (*s).to_string()),
        );
        self.flush_line()
    }

    pub fn write_failed(
        &mut self,
        row: u64,
        key: &[KeyCell],
        fails_in: &str,
        message: &DataMessage,
    ) -> Result<(), Failure> {
        let error = format!("error[{}]: {}", message.code, message.message);
        let (old, new) = if fails_in == "OLD" {
            (error, "ok".to_string())
        } else {
            ("ok".to_string(), error)
        };
        self.start(row, key);
        self.line.extend([String::new(), old, new, String::new()]);
        self.flush_line()
    }

    /// Write out what is buffered; the file is then ready to replace the
    /// previous one when the command ends.
    pub fn finish(self) -> Result<(), Failure> {
        let path = self.path;
        self.writer
            .into_inner()
            .map_err(|e| Failure::write(&path, e.error()))?
            .into_inner()
            .map_err(|e| Failure::write(&path, e.error()))?
            .finish()
    }

    fn start(&mut self, row: u64, key: &[KeyCell]) {
        self.line.clear();
        self.line.push(row.to_string());
        self.line.extend(key.iter().map(|k| k.value.clone()));
    }

    fn flush_line(&mut self) -> Result<(), Failure> {
        self.writer
            .write_record(&self.line)
            .map_err(|e| write_failure(&self.path, e))
    }
}

fn write_failure(path: &Path, error: csv::Error) -> Failure {
    match error.into_kind() {
        csv::ErrorKind::Io(io_error) => Failure::write(path, &io_error),
        other => Failure::new(format!("cannot write {}: {other:?}", path.display())),
    }
}
