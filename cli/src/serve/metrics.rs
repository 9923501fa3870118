//! `GET /metrics`: Prometheus text exposition of what the service did, by
//! version and entry point: requests by kind and status, records
//! evaluated, records that failed, and request latency as a histogram
//! with fixed buckets. Counters only grow; nothing is kept per request.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0, 30.0,
];

/// What one request to an entry point came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The record was evaluated.
    Evaluated,
    /// The record or the request was refused or failed.
    Failed,
}

#[derive(Default)]
struct EntryStats {
    /// (kind, status) → requests.
    requests: BTreeMap<(&'static str, u16), u64>,
    records: u64,
    errors: u64,
    /// Per bucket of `BUCKETS`, then +Inf.
    latency: [u64; BUCKETS.len() + 1],
    latency_sum: f64,
    latency_count: u64,
}

#[derive(Default)]
pub struct Metrics {
    /// (version, entry) → stats.
    entries: Mutex<BTreeMap<(String, String), EntryStats>>,
}

impl Metrics {
    /// One request to `entry` of `version`: its kind (`record`, `explain`,
    /// `batch`), status and latency; a record request also counts its
    /// record.
    pub fn request(
        &self,
        version: &str,
        entry: &str,
        kind: &'static str,
        status: u16,
        latency: Duration,
        record: Option<Outcome>,
    ) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let stats = entries
            .entry((version.to_string(), entry.to_string()))
            .or_default();
        *stats.requests.entry((kind, status)).or_default() += 1;
        match record {
            Some(Outcome::Evaluated) => stats.records += 1,
            Some(Outcome::Failed) => {
                stats.records += 1;
                stats.errors += 1;
            }
            None => {}
        }
        let seconds = latency.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(BUCKETS.len());
        if let Some(count) = stats.latency.get_mut(bucket) {
            *count += 1;
        }
        stats.latency_sum += seconds;
        stats.latency_count += 1;
    }

    /// The rows of a finished batch.
    pub fn batch(&self, version: &str, entry: &str, rows: u64, failed: u64) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let stats = entries
            .entry((version.to_string(), entry.to_string()))
            .or_default();
        stats.records += rows;
        stats.errors += failed;
    }

    /// The text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(entries) = self.entries.lock() else {
            return out;
        };
        out.push_str("# HELP avtal_requests_total Requests to entry points, by kind and status.\n");
        out.push_str("# TYPE avtal_requests_total counter\n");
        for ((version, entry), stats) in entries.iter() {
            for ((kind, status), count) in &stats.requests {
                let _ = writeln!(
                    out,
                    "avtal_requests_total{{{},kind=\"{kind}\",status=\"{status}\"}} {count}",
                    labels(version, entry)
                );
            }
        }
        out.push_str(
            "# HELP avtal_records_total Records evaluated or refused (batch rows included).\n",
        );
        out.push_str("# TYPE avtal_records_total counter\n");
        for ((version, entry), stats) in entries.iter() {
            let _ = writeln!(
                out,
                "avtal_records_total{{{}}} {}",
                labels(version, entry),
                stats.records
            );
        }
        out.push_str(
            "# HELP avtal_record_errors_total Records that could not be read or evaluated.\n",
        );
        out.push_str("# TYPE avtal_record_errors_total counter\n");
        for ((version, entry), stats) in entries.iter() {
            let _ = writeln!(
                out,
                "avtal_record_errors_total{{{}}} {}",
                labels(version, entry),
                stats.errors
            );
        }
        out.push_str(
            "# HELP avtal_request_duration_seconds Time from a request's body to its answer.\n",
        );
        out.push_str("# TYPE avtal_request_duration_seconds histogram\n");
        for ((version, entry), stats) in entries.iter() {
            let labels = labels(version, entry);
            let mut cumulative = 0;
            for (index, count) in stats.latency.iter().enumerate() {
                cumulative += count;
                let bound = BUCKETS
                    .get(index)
                    .map_or_else(|| "+Inf".to_string(), ToString::to_string);
                let _ = writeln!(
                    out,
                    "avtal_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "avtal_request_duration_seconds_sum{{{labels}}} {}",
                stats.latency_sum
            );
            let _ = writeln!(
                out,
                "avtal_request_duration_seconds_count{{{labels}}} {}",
                stats.latency_count
            );
        }
        out
    }
}

fn labels(version: &str, entry: &str) -> String {
    format!(
        "version=\"{}\",entry=\"{}\"",
        escape(version),
        escape(entry)
    )
}

/// A label value as the exposition format quotes it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_requests_records_and_latency_by_entry() {
        let metrics = Metrics::default();
        metrics.request(
            "v",
            "W1",
            "record",
            200,
            Duration::from_micros(300),
            Some(Outcome::Evaluated),
        );
        metrics.request(
            "v",
            "W1",
            "record",
            422,
            Duration::from_millis(3),
            Some(Outcome::Failed),
        );
        metrics.batch("v", "W1", 10, 2);
        let text = metrics.render();
        assert!(text.contains(
            "avtal_requests_total{version=\"v\",entry=\"W1\",kind=\"record\",status=\"200\"} 1"
        ));
        assert!(text.contains("avtal_records_total{version=\"v\",entry=\"W1\"} 12"));
        assert!(text.contains("avtal_record_errors_total{version=\"v\",entry=\"W1\"} 3"));
        assert!(text.contains(
            "avtal_request_duration_seconds_bucket{version=\"v\",entry=\"W1\",le=\"0.0005\"} 1"
        ));
        assert!(text.contains(
            "avtal_request_duration_seconds_bucket{version=\"v\",entry=\"W1\",le=\"0.005\"} 2"
        ));
        assert!(
            text.contains("avtal_request_duration_seconds_count{version=\"v\",entry=\"W1\"} 2")
        );
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
