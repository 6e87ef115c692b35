//! Talos error codes (docs/runbook.md): what each means and the
//! runbook's first response.

/// (code, description, response)
pub const CODES: [(&str, &str, &str); 10] = [
    ("T001", "Config parse error", "Fix YAML syntax"),
    (
        "T002",
        "Database connection failed",
        "Check DB file permissions",
    ),
    ("T003", "LLM API authentication failed", "Verify API key"),
    (
        "T004",
        "Task execution timeout",
        "Increase timeout or optimize task",
    ),
    ("T005", "Memory limit exceeded", "Reduce concurrent tasks"),
    ("T006", "Disk write failed", "Check disk space"),
    ("T007", "Event loop blocked", "Restart container"),
    ("T008", "SSL certificate error", "Renew certificate"),
    ("T009", "Permission denied", "Check file permissions"),
    (
        "T010",
        "Circuit breaker open",
        "Wait for cooldown or manual reset",
    ),
];

/// The description and response of a code (case-insensitive), if known.
pub fn lookup(code: &str) -> Option<(&'static str, &'static str)> {
    CODES
        .iter()
        .find(|(c, _, _)| c.eq_ignore_ascii_case(code))
        .map(|&(_, d, r)| (d, r))
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_and_unknown() {
        assert_eq!(
            super::lookup("t007"),
            Some(("Event loop blocked", "Restart container"))
        );
        assert_eq!(super::lookup("T999"), None);
    }
}
