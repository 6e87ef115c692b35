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
