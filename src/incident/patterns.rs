//! Message normalisation for the "patterns" section: the variable parts of
//! a message (UUIDs, paths, hex ids, numbers) become placeholders, so the
//! same failure with different ids groups together.

use std::sync::LazyLock;

use regex::Regex;

static UUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b").unwrap()
});
static PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(^|[\s"'=(\[])(?:~|\.{1,2})?/[^\s"',)\]]*"#).unwrap());
/// Runs of letters and digits: `task_b77c9110` is `task` and `b77c9110`.
static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[0-9A-Za-z]+").unwrap());
static NUM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[^A-Za-z0-9<])\d+(?:\.\d+)*").unwrap());

/// `Task 42 failed on /var/lib/x after 3.5s (id a1b2c3d4e5f67890)` →
/// `Task <n> failed on <path> after <n>s (id <hex>)`.
pub fn normalise(message: &str) -> String {
    let s = UUID.replace_all(message, "<uuid>");
    let s = PATH.replace_all(&s, "${1}<path>");
    // Ids: 8 or more hex digits with at least one digit (so plain words
    // such as "deadline" or "facade" stay, and `task_52019152` groups with
    // `task_b77c9110`).
    let s = WORD.replace_all(&s, |c: &regex::Captures| {
        let m = &c[0];
        let digits = m
            .strip_prefix("0x")
            .or_else(|| m.strip_prefix("0X"))
            .unwrap_or(m);
        if digits.len() >= 8
            && digits.bytes().all(|b| b.is_ascii_hexdigit())
            && digits.bytes().any(|b| b.is_ascii_digit())
        {
            "<hex>".to_string()
        } else {
            m.to_string()
        }
    });
    let s = NUM.replace_all(&s, "${1}<n>");
    s.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        assert_eq!(
            normalise("Task 42 failed on /var/lib/talos/x.db after 3.5s (id a1b2c3d4e5f67890)"),
            "Task <n> failed on <path> after <n>s (id <hex>)"
        );
        assert_eq!(
            normalise("session 123e4567-e89b-12d3-a456-426614174000 expired"),
            "session <uuid> expired"
        );
        assert_eq!(
            normalise("Event loop blocked for 35 seconds"),
            "Event loop blocked for <n> seconds"
        );
        // Codes and words survive.
        assert_eq!(normalise("T007 facade deadline"), "T007 facade deadline");
        assert_eq!(
            normalise("Circuit breaker llm_api closed -> open"),
            "Circuit breaker llm_api closed -> open"
        );
        assert_eq!(normalise("10.0.0.1 refused"), "<n> refused");
        assert_eq!(
            normalise("Task task_b77c9110 failed after 385ms, job_12"),
            "Task task_<hex> failed after <n>ms, job_<n>"
        );
        assert_eq!(
            normalise("Task task_52019152 failed"),
            "Task task_<hex> failed"
        );
    }
}
