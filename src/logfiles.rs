//! Reading the evidence files that doctor, incident and the repairs share:
//! lines of plain or gzip files, JSON lines, and the many timestamp shapes
//! found in plain-text logs.
//!
//! Kept deliberately small: which files are Tier 2/3 logs is `logs::files`
//! (the one `LogFile` and its listing), and the log query engine is `logs`
//! (the incident report searches through it). This is what the others need
//! beyond it: line numbers (doctor's evidence, repair's report), a
//! streaming line reader, and the timestamp shapes of the plain-text logs.

use std::path::Path;

use jiff::Timestamp;

use crate::error::{Context, Result};

/// Splits into lines (without `\n`, and without a trailing `\r`); the last
/// line counts even without a newline.
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let empty = bytes.is_empty();
    body.split(|b| *b == b'\n')
        .filter(move |_| !empty)
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

/// True when a line is a JSON object (docs/format.md: anything else is
/// malformed). Validated without building the value.
pub fn is_json_object(line: &[u8]) -> bool {
    let t = line.trim_ascii();
    t.first() == Some(&b'{') && serde_json::from_slice::<serde::de::IgnoredAny>(t).is_ok()
}

/// Calls `each(line_number, line)` for every line of a file (1-based, without
/// `\n` or a trailing `\r`), reading it as a stream (gunzipped when it
/// starts with the gzip magic, whatever its name), so a file of any size
/// takes little memory.
pub fn for_each_line(path: &Path, mut each: impl FnMut(usize, &[u8])) -> Result<()> {
    use std::io::BufRead;
    let f = crate::fsutil::open_regular(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut plain = std::io::BufReader::with_capacity(1 << 16, f);
    let gzip = crate::logs::files::starts_gzip(&mut plain)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut reader: Box<dyn BufRead> = if gzip {
        Box::new(std::io::BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(plain),
        ))
    } else {
        Box::new(plain)
    };
    let mut buf = Vec::with_capacity(4096);
    let mut n = 0;
    loop {
        let got = read_line_capped(&mut reader, &mut buf, MAX_LINE)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let Some(complete) = got else {
            return Ok(());
        };
        n += 1;
        if !complete {
            each(n, OVERLONG_LINE);
            continue;
        }
        let mut line = &buf[..];
        line = line.strip_suffix(b"\n").unwrap_or(line);
        line = line.strip_suffix(b"\r").unwrap_or(line);
        each(n, line);
    }
}

/// The longest line any reader keeps (the log query's rule): a longer one
/// is malformed, skipped without being held in memory.
pub const MAX_LINE: usize = crate::logs::MAX_LINE;

/// What line readers hand on in place of a line longer than `MAX_LINE`: not
/// JSON, so every caller counts it as malformed.
pub const OVERLONG_LINE: &[u8] = b"\0<line longer than 1 MiB, skipped>";

/// Reads one line into `buf` (cleared first), keeping at most `cap` bytes:
/// `None` at the end of input, `Some(true)` for a whole line, `Some(false)`
/// for a longer one, whose rest is read past without being kept. Memory is
/// bounded whatever the input (a 20 GiB line inside a small `.gz`).
pub fn read_line_capped(
    reader: &mut dyn std::io::BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<Option<bool>> {
    buf.clear();
    let mut any = false;
    let mut complete = true;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(any.then_some(complete));
        }
        any = true;
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if complete {
            if buf.len() + take > cap + 1 {
                complete = false;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        reader.consume(take);
        if done {
            return Ok(Some(complete));
        }
    }
}

/// Parses a timestamp in any shape the evidence files use: RFC 3339 (`Z` or
/// offset), a naive ISO date-time as Python's `isoformat()` writes it, or
/// `YYYY-MM-DD HH:MM:SS` as the restore script logs it. Times without an
/// offset are taken as UTC (the daemon runs in UTC).
pub fn parse_ts(text: &str) -> Option<Timestamp> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Some(ts);
    }
    let normalised = t.replacen(' ', "T", 1);
    if let Ok(ts) = normalised.parse::<Timestamp>() {
        return Some(ts);
    }
    let dt: jiff::civil::DateTime = normalised.parse().ok()?;
    dt.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// The timestamp of a JSON log object (`timestamp`, else `ts` or `time`).
pub fn json_ts(obj: &serde_json::Map<String, serde_json::Value>) -> Option<Timestamp> {
    ["timestamp", "ts", "time"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(|v| v.as_str()).and_then(parse_ts))
}

/// A plain-text log line as the orchestrator's shell scripts write them:
/// `[2024-01-15T08:24:12+00:00] INFO: text` (panic.sh),
/// `[2024-01-15 08:24:12] [INFO] text` (restore.sh), or a line that starts
/// with an RFC 3339 timestamp. JSON objects are read by their keys.
/// Returns (time, level, message).
pub fn parse_text_line(line: &str) -> Option<(Timestamp, Option<String>, String)> {
    let line = line.trim();
    if line.starts_with('{') {
        let obj: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line).ok()?;
        let ts = json_ts(&obj)?;
        let level = obj
            .get("level")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let msg = ["message", "msg", "event", "event_type", "action"]
            .iter()
            .find_map(|k| obj.get(*k).and_then(|v| v.as_str()))
            .map(str::to_string)
            .unwrap_or_else(|| line.to_string());
        return Some((ts, level, msg));
    }
    let (ts_text, rest) = if let Some(inner) = line.strip_prefix('[') {
        let end = inner.find(']')?;
        (&inner[..end], inner[end + 1..].trim_start())
    } else {
        let end = line.find(' ').unwrap_or(line.len());
        (&line[..end], line[end..].trim_start())
    };
    let ts = parse_ts(ts_text)?;
    // `[LEVEL] text` or `LEVEL: text`
    let (level, msg) = if let Some(inner) = rest.strip_prefix('[') {
        match inner.find(']') {
            Some(end) => (
                Some(inner[..end].to_string()),
                inner[end + 1..].trim_start(),
            ),
            None => (None, rest),
        }
    } else if let Some((lvl, msg)) = rest.split_once(": ")
        && !lvl.is_empty()
        && lvl.chars().all(|c| c.is_ascii_uppercase())
    {
        (Some(lvl.to_string()), msg)
    } else {
        (None, rest)
    };
    Some((ts, level, msg.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_every_shape() {
        let want: Timestamp = "2024-01-15T08:24:12Z".parse().unwrap();
        assert_eq!(parse_ts("2024-01-15T08:24:12Z"), Some(want));
        assert_eq!(parse_ts("2024-01-15T09:24:12+01:00"), Some(want));
        assert_eq!(parse_ts("2024-01-15T08:24:12"), Some(want));
        assert_eq!(parse_ts("2024-01-15 08:24:12"), Some(want));
        assert!(parse_ts("yesterday").is_none());
        let (ts, lvl, msg) =
            parse_text_line("[2024-01-15T08:24:12+00:00] INFO: Reason: disk").unwrap();
        assert_eq!(
            (ts, lvl.as_deref(), msg.as_str()),
            (want, Some("INFO"), "Reason: disk")
        );
        let (ts, lvl, msg) =
            parse_text_line("[2024-01-15 08:24:12] [ERROR] restore failed").unwrap();
        assert_eq!(
            (ts, lvl.as_deref(), msg.as_str()),
            (want, Some("ERROR"), "restore failed")
        );
        let (_, _, msg) = parse_text_line(
            r#"{"timestamp":"2024-01-15T08:24:12Z","event_type":"event_loop_blocked"}"#,
        )
        .unwrap();
        assert_eq!(msg, "event_loop_blocked");
    }

    #[test]
    fn streaming_lines_plain_and_gz() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("a.log");
        std::fs::write(&plain, "one\r\ntwo\nthree").unwrap();
        let gz = dir.path().join("a.log.1.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, b"one\ntwo\nthree\n").unwrap();
        std::fs::write(&gz, enc.finish().unwrap()).unwrap();
        for p in [plain, gz] {
            let mut got = Vec::new();
            for_each_line(&p, |n, l| {
                got.push((n, String::from_utf8(l.to_vec()).unwrap()))
            })
            .unwrap();
            assert_eq!(
                got,
                vec![(1, "one".into()), (2, "two".into()), (3, "three".into())]
            );
        }
    }

    #[test]
    fn lines_and_objects() {
        let v: Vec<&[u8]> = lines(b"{}\nx\r\n{\"a\":1}").collect();
        assert_eq!(v, vec![&b"{}"[..], b"x", b"{\"a\":1}"]);
        assert_eq!(lines(b"").count(), 0);
        assert!(is_json_object(b" {\"a\":1} "));
        assert!(!is_json_object(b"[1]"));
        assert!(!is_json_object(b"{\"a\":"));
    }
}
