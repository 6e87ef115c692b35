//! What a search looks for, and the test of one line against it: first on
//! raw bytes (the needle), then on the parsed fields, last the jq program.

use jiff::Timestamp;
use memchr::memmem::Finder;

use super::jq::{JqFilter, Outcome};
use super::record::Record;

/// A search. Every filter given must hold (they are ANDed); an empty query
/// matches every record.
#[derive(Debug, Default)]
pub struct Query {
    /// Lines belonging to this id (docs/format.md).
    pub correlation_id: Option<String>,
    /// Any of these levels, compared without regard to case.
    pub levels: Vec<String>,
    /// Any of these components, compared without regard to case.
    pub components: Vec<String>,
    /// Records at or after this instant (lines without a readable timestamp
    /// never match a time filter).
    pub since: Option<Timestamp>,
    /// Records strictly before this instant.
    pub until: Option<Timestamp>,
    /// `error.code`, compared without regard to case (`t007` = `T007`).
    pub code: Option<String>,
    /// A substring of `message`, case-sensitive (the message only, not the
    /// whole line: searching raw JSON would also hit keys and ids).
    pub contains: Option<String>,
    /// A jq program; a line matches when it yields a truthy value.
    pub filter: Option<JqFilter>,
}

/// The outcome for one line that parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Match,
    NoMatch,
    /// The jq program raised an error on this line (counted, no match).
    FilterError(String),
}

impl Query {
    /// Text every matching line must contain byte for byte, used to skip
    /// lines without parsing them. Only text that a JSON writer never
    /// escapes qualifies.
    pub fn needle(&self) -> Option<&str> {
        fn plain(s: &str) -> bool {
            !s.is_empty()
                && s.bytes().all(|b| {
                    b.is_ascii_graphic() && b != b'"' && b != b'\\' && b != b'/' || b == b' '
                })
        }
        if let Some(id) = self.correlation_id.as_deref().filter(|s| plain(s)) {
            return Some(id);
        }
        if let Some(code) = self.code.as_deref().filter(|s| plain(s)) {
            // Codes are compared without regard to case; only an upper-case
            // code (how they are written) can serve as a byte needle.
            if code.bytes().all(|b| !b.is_ascii_lowercase()) {
                return Some(code);
            }
        }
        self.contains.as_deref().filter(|s| plain(s))
    }

    pub fn finder(&self) -> Option<Finder<'static>> {
        self.needle()
            .map(|n| Finder::new(n.as_bytes()).into_owned())
    }

    /// True when no filter needs the time: the timestamp need not be parsed
    /// for the test, only for ordering.
    pub fn is_empty(&self) -> bool {
        self.correlation_id.is_none()
            && self.levels.is_empty()
            && self.components.is_empty()
            && self.since.is_none()
            && self.until.is_none()
            && self.code.is_none()
            && self.contains.is_none()
            && self.filter.is_none()
    }

    /// Tests a parsed line; `time` is the record's parsed timestamp and
    /// `raw` the line for the jq program.
    pub fn test(&self, rec: &Record<'_>, time: Option<Timestamp>, raw: &[u8]) -> Verdict {
        if !self.test_fields(rec, time) {
            return Verdict::NoMatch;
        }
        match &self.filter {
            None => Verdict::Match,
            Some(f) => match f.matches(raw) {
                Outcome::Match => Verdict::Match,
                Outcome::NoMatch => Verdict::NoMatch,
                Outcome::Error(e) => Verdict::FilterError(e),
            },
        }
    }

    fn test_fields(&self, rec: &Record<'_>, time: Option<Timestamp>) -> bool {
        if let Some(id) = &self.correlation_id
            && !rec.belongs_to(id)
        {
            return false;
        }
        if !self.levels.is_empty() {
            let Some(level) = rec.level.as_deref() else {
                return false;
            };
            if !self.levels.iter().any(|l| l.eq_ignore_ascii_case(level)) {
                return false;
            }
        }
        if !self.components.is_empty() {
            let Some(c) = rec.component.as_deref() else {
                return false;
            };
            if !self.components.iter().any(|x| x.eq_ignore_ascii_case(c)) {
                return false;
            }
        }
        if let Some(code) = &self.code
            && !rec
                .error_code
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case(code))
        {
            return false;
        }
        if let Some(text) = &self.contains
            && !rec
                .message
                .as_deref()
                .is_some_and(|m| m.contains(text.as_str()))
        {
            return false;
        }
        if self.since.is_some() || self.until.is_some() {
            let Some(t) = time else {
                return false;
            };
            if self.since.is_some_and(|s| t < s) || self.until.is_some_and(|u| t >= u) {
                return false;
            }
        }
        true
    }
}

/// The levels of docs/format.md, in upper case (WARNING is how some writers
/// spell WARN); `--level` takes them in any case.
pub const LEVELS: [&str; 6] = ["ERROR", "WARN", "WARNING", "INFO", "DEBUG", "TRACE"];

/// The first item of a comma list (`error,warn`) that is not a level of
/// [`LEVELS`] in any case, if any.
pub fn unknown_level(text: &str) -> Option<&str> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .find(|part| !LEVELS.iter().any(|l| l.eq_ignore_ascii_case(part)))
}

/// Splits a comma list (`ERROR,warn`), dropping blanks.
pub fn comma_list(items: &[String]) -> Vec<String> {
    items
        .iter()
        .flat_map(|s| s.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}
