//! A minimal JSON object writer for generated log lines: fields in the order
//! written, no intermediate `Value`, so a gigabyte of logs is cheap to make.

use std::fmt::Write as _;

pub struct J {
    pub buf: String,
    comma: bool,
}

impl Default for J {
    fn default() -> J {
        J::new()
    }
}

impl J {
    pub fn new() -> J {
        let mut buf = String::with_capacity(512);
        buf.push('{');
        J { buf, comma: false }
    }

    fn key(&mut self, k: &str) {
        if self.comma {
            self.buf.push(',');
        }
        self.comma = true;
        self.buf.push('"');
        self.buf.push_str(k);
        self.buf.push_str("\":");
    }

    pub fn s(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k);
        escape_into(&mut self.buf, v);
        self
    }

    pub fn i(&mut self, k: &str, v: i64) -> &mut Self {
        self.key(k);
        let _ = write!(self.buf, "{v}");
        self
    }

    /// A number with one decimal (`145.2`).
    pub fn f(&mut self, k: &str, v: f64) -> &mut Self {
        self.key(k);
        let _ = write!(self.buf, "{v:.1}");
        self
    }

    pub fn b(&mut self, k: &str, v: bool) -> &mut Self {
        self.key(k);
        self.buf.push_str(if v { "true" } else { "false" });
        self
    }

    #[cfg(test)]
    pub fn null(&mut self, k: &str) -> &mut Self {
        self.key(k);
        self.buf.push_str("null");
        self
    }

    /// A timestamp in the format of every talos log: `...T08:23:47.123Z`.
    pub fn ts(&mut self, k: &str, ms: i64) -> &mut Self {
        self.key(k);
        self.buf.push('"');
        push_ts(&mut self.buf, ms);
        self.buf.push('"');
        self
    }

    /// Already-encoded JSON.
    pub fn raw(&mut self, k: &str, json: &str) -> &mut Self {
        self.key(k);
        self.buf.push_str(json);
        self
    }

    pub fn open(&mut self, k: &str) -> &mut Self {
        self.key(k);
        self.buf.push('{');
        self.comma = false;
        self
    }

    pub fn close(&mut self) -> &mut Self {
        self.buf.push('}');
        self.comma = true;
        self
    }

    pub fn finish(mut self) -> String {
        self.buf.push('}');
        self.buf
    }
}

pub fn escape_into(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Unix milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ` (proleptic Gregorian, UTC).
pub fn push_ts(out: &mut String, ms: i64) {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let days = secs.div_euclid(86400);
    let sod = secs.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{milli:03}Z",
        sod / 3600,
        (sod % 3600) / 60,
        sod % 60
    );
}

pub fn ts(ms: i64) -> String {
    let mut s = String::with_capacity(24);
    push_ts(&mut s, ms);
    s
}

/// Whole seconds: `2024-01-15T08:24:12Z` (the breaker file's format).
pub fn ts_secs(ms: i64) -> String {
    let mut s = ts(ms.div_euclid(1000) * 1000);
    s.replace_range(19..23, "");
    s
}

// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_match_jiff() {
        let mut ms: i64 = 0;
        for _ in 0..2000 {
            let t = jiff::Timestamp::from_millisecond(ms).unwrap();
            assert_eq!(ts(ms), crate::timespec::format_ts(t));
            ms += 86_400_000 * 17 + 3_600_123;
        }
        assert_eq!(ts_secs(1_705_307_052_456), "2024-01-15T08:24:12Z");
    }

    #[test]
    fn writer_makes_valid_json() {
        let mut j = J::new();
        j.s("a", "q\"uote\\\n\u{1}")
            .i("n", -3)
            .f("f", 1.25)
            .open("o");
        j.b("t", true).null("z").close().ts("ts", 0);
        let line = j.finish();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["a"], "q\"uote\\\n\u{1}");
        assert_eq!(v["o"]["t"], true);
        assert_eq!(v["ts"], "1970-01-01T00:00:00.000Z");
    }
}
