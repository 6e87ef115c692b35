//! Prometheus text format for node_exporter's textfile collector: HELP and
//! TYPE lines, samples without timestamps (node_exporter drops a file that
//! has them), label values escaped, the file written atomically (temporary
//! file in the same directory, fsync, rename) so the collector never reads
//! half a file.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Context, Result};

/// One metric family being built: gauges only (every talos value is a
/// state at the end of a run, not a counter).
#[derive(Debug, Default, Clone)]
pub struct Metrics {
    text: String,
    /// Labels on every sample (`host`, and `repo` where it applies).
    common: Vec<(String, String)>,
}

/// `\`, `"` and newline escaped, as the text format requires.
pub fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A sample value: integers without a fraction, NaN and infinities spelled
/// as the format wants.
fn value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        }
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

impl Metrics {
    /// A builder whose samples all carry `host` (this machine's name).
    pub fn new() -> Metrics {
        Metrics::with_host(&crate::fsutil::hostname())
    }

    pub fn with_host(host: &str) -> Metrics {
        Metrics {
            text: String::new(),
            common: vec![("host".into(), host.into())],
        }
    }

    /// Adds a label to every sample (e.g. `repo` for an off-host repository).
    pub fn label(mut self, name: &str, value: &str) -> Metrics {
        self.common.push((name.into(), value.into()));
        self
    }

    /// A gauge with one sample.
    pub fn gauge(&mut self, name: &str, help: &str, v: f64) -> &mut Metrics {
        self.gauge_with(name, help, &[(&[], v)])
    }

    /// A gauge with one sample per label set (e.g. per severity).
    pub fn gauge_with(
        &mut self,
        name: &str,
        help: &str,
        samples: &[(&[(&str, &str)], f64)],
    ) -> &mut Metrics {
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(self.text, "# HELP {name} {help}");
        let _ = writeln!(self.text, "# TYPE {name} gauge");
        for (labels, v) in samples {
            let all: Vec<String> = self
                .common
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .chain(labels.iter().copied())
                .map(|(k, v)| format!("{k}=\"{}\"", escape_label(v)))
                .collect();
            let _ = writeln!(self.text, "{name}{{{}}} {}", all.join(","), value(*v));
        }
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Writes the file atomically: temporary file beside it, fsync, rename,
    /// fsync of the directory.
    pub fn write(&self, path: &Path) -> Result<()> {
        crate::fsutil::write_atomic(path, self.text.as_bytes(), 0o644)
            .with_context(|| format!("cannot write the metrics file {}", path.display()))
    }
}

/// Now, in seconds since the Unix epoch.
pub fn now_seconds() -> f64 {
    crate::clock::now().as_millisecond() as f64 / 1000.0
}

/// The value of a sample in a metrics file written before (the first sample
/// of `name`), to carry a last-success time over a failed run.
pub fn previous_value(path: &Path, name: &str) -> Option<f64> {
    use std::io::Read;
    let mut text = String::new();
    crate::fsutil::open_regular(path)
        .ok()?
        .take(1024 * 1024)
        .read_to_string(&mut text)
        .ok()?;
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| l.starts_with(name) && l[name.len()..].starts_with(['{', ' ']))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

fn flag(ok: bool) -> f64 {
    if ok { 1.0 } else { 0.0 }
}

/// A builder for this host, with a `repo` label when the run used an
/// off-host repository.
fn for_repo(repo: Option<&str>) -> Metrics {
    match repo {
        Some(r) => Metrics::new().label("repo", r),
        None => Metrics::new(),
    }
}

/// `talos backup create`; `repo` is the repository it uploaded to, if any.
pub fn backup(
    ok: bool,
    duration_s: f64,
    size: Option<u64>,
    last_success: Option<f64>,
    repo: Option<&str>,
) -> Metrics {
    let mut m = for_repo(repo);
    m.gauge(
        "talos_backup_success",
        "1 if the last talos backup run succeeded, 0 if it failed",
        flag(ok),
    )
    .gauge(
        "talos_backup_duration_seconds",
        "Duration of the last talos backup run",
        duration_s,
    );
    if let Some(size) = size {
        m.gauge(
            "talos_backup_size_bytes",
            "Size of the archive written by the last successful talos backup",
            size as f64,
        );
    }
    if let Some(t) = last_success {
        m.gauge(
            "talos_backup_last_success_timestamp_seconds",
            "Unix time of the last successful talos backup",
            t,
        );
    }
    m
}

/// `talos drill`; `repo` is the repository its backup came from, if any.
pub fn drill(ok: bool, rto_s: f64, repo: Option<&str>) -> Metrics {
    let mut m = for_repo(repo);
    m.gauge(
        "talos_drill_success",
        "1 if the last talos restore drill passed, 0 if it failed",
        flag(ok),
    )
    .gauge(
        "talos_drill_rto_seconds",
        "Time the last talos restore drill took to back up, restore and validate",
        rto_s,
    )
    .gauge(
        "talos_drill_last_run_timestamp_seconds",
        "Unix time of the last talos restore drill",
        now_seconds(),
    );
    m
}

/// `talos audit verify-chain`.
pub fn audit_chain(valid: bool, records: u64) -> Metrics {
    let mut m = Metrics::new();
    m.gauge(
        "talos_audit_chain_valid",
        "1 if the audit chain verified (records, links, anchors, checkpoints), 0 if not",
        flag(valid),
    )
    .gauge(
        "talos_audit_chain_records",
        "Records verified in the audit chain",
        records as f64,
    )
    .gauge(
        "talos_audit_chain_last_verify_timestamp_seconds",
        "Unix time of the last audit chain verification",
        now_seconds(),
    );
    m
}

/// `talos health`: 0 ok, 1 degraded, 2 unhealthy, 3 unknown (the exit code).
pub fn health(status: u8) -> Metrics {
    let mut m = Metrics::new();
    m.gauge(
        "talos_health_status",
        "Talos health: 0 healthy, 1 degraded, 2 unhealthy, 3 unknown",
        f64::from(status),
    );
    m
}

/// `talos doctor`: findings per severity (every severity, 0 included, so a
/// series does not vanish when its findings are fixed).
pub fn doctor(counts: &[(&str, u64)]) -> Metrics {
    let mut m = Metrics::new();
    let labels: Vec<[(&str, &str); 1]> = counts.iter().map(|(s, _)| [("severity", *s)]).collect();
    let samples: Vec<(&[(&str, &str)], f64)> = labels
        .iter()
        .zip(counts)
        .map(|(l, (_, n))| (&l[..], *n as f64))
        .collect();
    m.gauge_with(
        "talos_doctor_findings",
        "Findings of the last talos doctor run, by severity",
        &samples,
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_escapes_and_has_no_timestamps() {
        let mut m = Metrics::with_host("h\"o\\st\n");
        m.gauge("talos_x", "an x", 1.0).gauge_with(
            "talos_y",
            "a y",
            &[
                (&[("severity", "warning")], 2.0),
                (&[("severity", "critical")], 0.5),
            ],
        );
        assert_eq!(
            m.text(),
            "# HELP talos_x an x\n# TYPE talos_x gauge\ntalos_x{host=\"h\\\"o\\\\st\\n\"} 1\n\
             # HELP talos_y a y\n# TYPE talos_y gauge\n\
             talos_y{host=\"h\\\"o\\\\st\\n\",severity=\"warning\"} 2\n\
             talos_y{host=\"h\\\"o\\\\st\\n\",severity=\"critical\"} 0.5\n"
        );
    }
}
