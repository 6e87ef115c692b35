//! Units for people: sizes and durations as short text ("1.2 MiB",
//! "3h 12m"). Shared by the domain (messages, findings) and the output
//! layer, so neither has to import the other for them.

/// Human size: 1.2 MiB.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// Human duration: 3h 12m, 45s, 2d 4h.
pub fn human_duration(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let out = if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m {}s", s / 60, s % 60)
    } else if s < 86400 {
        format!("{}h {}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}d {}h", s / 86400, (s % 86400) / 3600)
    };
    if secs < 0 { format!("-{out}") } else { out }
}

/// A moment as every human screen shows it (docs/format.md, "Output and JSON
/// conventions"): UTC to the minute, then how long ago counted from talos's
/// clock (`TALOS_NOW` or the system clock): `2026-01-15 09:35 UTC (29 min
/// ago)`; a time ahead says `(in 3 min)`. JSON keeps RFC 3339 in `*_at`.
pub fn when(t: jiff::Timestamp) -> String {
    when_at(t, crate::clock::now())
}

/// [`when`] counted from `now` (what a domain module was handed).
pub fn when_at(t: jiff::Timestamp, now: jiff::Timestamp) -> String {
    format!("{} ({})", stamp(t), ago(now.as_second() - t.as_second()))
}

/// [`when`] of an RFC 3339 text; text that is not a time is shown as it is.
pub fn when_text(text: &str) -> String {
    match text.parse::<jiff::Timestamp>() {
        Ok(t) => when(t),
        Err(_) => text.to_string(),
    }
}

/// [`when_text`] counted from `now`.
pub fn when_text_at(text: &str, now: jiff::Timestamp) -> String {
    match text.parse::<jiff::Timestamp>() {
        Ok(t) => when_at(t, now),
        Err(_) => text.to_string(),
    }
}

/// The absolute half of [`when`] alone, for the time a screen was made.
pub fn stamp(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// [`stamp`] of an RFC 3339 text; text that is not a time is kept.
pub fn stamp_text(text: &str) -> String {
    match text.parse::<jiff::Timestamp>() {
        Ok(t) => stamp(t),
        Err(_) => text.to_string(),
    }
}

/// `29 min ago`, `2 h 5 min ago`, `3 d 4 h ago`, `in 3 min`: the relative
/// half of [`when`], for an age in seconds (negative: ahead). Alone where
/// the absolute time is already on the line (a table of backups named by
/// their time).
pub fn ago(age_secs: i64) -> String {
    let s = age_secs.unsigned_abs();
    let span = if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min", s / 60)
    } else if s < 86400 {
        match (s % 3600) / 60 {
            0 => format!("{} h", s / 3600),
            m => format!("{} h {m} min", s / 3600),
        }
    } else {
        match (s % 86400) / 3600 {
            0 => format!("{} d", s / 86400),
            h => format!("{} d {h} h", s / 86400),
        }
    };
    if age_secs < 0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}
