//! Times on the command line: RFC 3339 (`2024-01-15T08:30:00Z`) or a span
//! back from now (`90s`, `15m`, `2h`, `7d`).

use jiff::{SignedDuration, Timestamp};

use crate::error::{Error, Result};

pub fn parse_time(text: &str) -> Result<Timestamp> {
    parse_time_at(text, crate::clock::now())
}

pub fn parse_time_at(text: &str, now: Timestamp) -> Result<Timestamp> {
    let t = text.trim();
    if let Some(span) = parse_span(t) {
        return now
            .checked_sub(span)
            .map_err(|e| Error::usage(format!("time `{t}` is out of range: {e}")));
    }
    t.parse::<Timestamp>().map_err(|e| {
        Error::usage(format!("cannot read `{t}` as a time: {e}"))
            .hint("use RFC 3339 (2024-01-15T08:30:00Z) or a span back from now: 90s, 15m, 2h, 7d")
    })
}

/// `90s`, `15m`, `2h`, `7d`, `1w` as a duration; None if not a span.
pub fn parse_span(t: &str) -> Option<SignedDuration> {
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit())?);
    if num.is_empty() {
        return None;
    }
    let n: i64 = num.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86400)?,
        "w" => n.checked_mul(7 * 86400)?,
        _ => return None,
    };
    Some(SignedDuration::from_secs(secs))
}

/// A clap value parser for `--since` / `--until`.
pub fn clap_time(text: &str) -> std::result::Result<Timestamp, String> {
    parse_time(text).map_err(|e| {
        let mut s = e.message;
        for h in e.hints {
            s.push_str("; ");
            s.push_str(&h);
        }
        s
    })
}

/// Now as RFC 3339 with milliseconds and `Z`, the format of every timestamp
/// talos writes.
pub fn now_rfc3339() -> String {
    format_ts(crate::clock::now())
}

pub fn format_ts(t: Timestamp) -> String {
    format!("{:.3}", t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_rfc3339() {
        let now: Timestamp = "2024-01-15T10:00:00Z".parse().unwrap();
        assert_eq!(
            parse_time_at("90s", now).unwrap().to_string(),
            "2024-01-15T09:58:30Z"
        );
        assert_eq!(
            parse_time_at("2h", now).unwrap().to_string(),
            "2024-01-15T08:00:00Z"
        );
        assert_eq!(
            parse_time_at("7d", now).unwrap().to_string(),
            "2024-01-08T10:00:00Z"
        );
        assert_eq!(
            parse_time_at("2024-01-15T08:30:00.5+01:00", now)
                .unwrap()
                .to_string(),
            "2024-01-15T07:30:00.5Z"
        );
        assert!(parse_time_at("yesterday", now).is_err());
        assert!(parse_time_at("5x", now).is_err());
    }

    #[test]
    fn format_has_millis() {
        let t: Timestamp = "2024-01-15T08:30:00Z".parse().unwrap();
        assert_eq!(format_ts(t), "2024-01-15T08:30:00.000Z");
    }
}
