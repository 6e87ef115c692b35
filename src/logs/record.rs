//! One Tier 2/3 log line read into the fields talos needs, borrowing from the
//! line wherever the JSON has no escapes. Fields of an unexpected type (a
//! numeric `level`, an array `context`) read as absent: the line is still a
//! JSON object, so it is not malformed (docs/format.md). A repeated key keeps its
//! last value, as jq does.

use std::borrow::Cow;
use std::fmt;

use jiff::Timestamp;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The fields of a log line that searching, tracing and statistics use.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Record<'a> {
    pub timestamp: Option<Cow<'a, str>>,
    pub level: Option<Cow<'a, str>>,
    pub component: Option<Cow<'a, str>>,
    pub message: Option<Cow<'a, str>>,
    pub correlation_id: Option<Cow<'a, str>>,
    /// `context.parent_correlation_id`
    pub parent_correlation_id: Option<Cow<'a, str>>,
    /// `context.call_depth`
    pub call_depth: Option<i64>,
    /// `context.function_name`
    pub function_name: Option<Cow<'a, str>>,
    /// `error.code` (`T007`)
    pub error_code: Option<Cow<'a, str>>,
    /// `error.type`
    pub error_type: Option<Cow<'a, str>>,
    /// `metadata.duration_ms`
    pub duration_ms: Option<f64>,
    /// `trace.entry_time`
    pub entry_time: Option<Cow<'a, str>>,
    /// `trace.exit_time`
    pub exit_time: Option<Cow<'a, str>>,
}

/// Why a line was not a log record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Malformed {
    /// Not valid UTF-8.
    InvalidUtf8,
    /// Not JSON, or JSON that is not an object.
    NotJson,
    /// The file's last line has no newline and does not parse: a write cut short.
    Truncated,
    /// Longer than [`crate::logs::MAX_LINE`]; skipped without being read.
    TooLong,
}

impl Malformed {
    pub const ALL: [Malformed; 4] = [
        Malformed::InvalidUtf8,
        Malformed::NotJson,
        Malformed::Truncated,
        Malformed::TooLong,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Malformed::InvalidUtf8 => "invalid UTF-8",
            Malformed::NotJson => "not a JSON object",
            Malformed::Truncated => "half-written last line",
            Malformed::TooLong => "longer than 1 MiB",
        }
    }
}

impl<'a> Record<'a> {
    /// Parses one line (without its newline). Never panics; any input that is
    /// not a UTF-8 JSON object is an error saying which kind of malformed.
    pub fn parse(line: &'a [u8]) -> Result<Record<'a>, Malformed> {
        let text = std::str::from_utf8(line).map_err(|_| Malformed::InvalidUtf8)?;
        serde_json::from_str::<Record<'a>>(text).map_err(|_| Malformed::NotJson)
    }

    /// Only the line's time: what [`Record::parse`] followed by
    /// [`Record::time`] gives, with the same malformed lines (any UTF-8
    /// JSON object is a record), without reading the other fields. For
    /// doctor's scan of every line.
    pub fn parse_time(line: &[u8]) -> Result<Option<Timestamp>, Malformed> {
        let text = std::str::from_utf8(line).map_err(|_| Malformed::InvalidUtf8)?;
        let t = serde_json::from_str::<TimeOnly>(text).map_err(|_| Malformed::NotJson)?;
        Ok(t.0.as_deref().and_then(parse_ts))
    }

    /// A copy that no longer borrows from the line.
    pub fn into_owned(self) -> Record<'static> {
        fn own(c: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
            c.map(|c| Cow::Owned(c.into_owned()))
        }
        Record {
            timestamp: own(self.timestamp),
            level: own(self.level),
            component: own(self.component),
            message: own(self.message),
            correlation_id: own(self.correlation_id),
            parent_correlation_id: own(self.parent_correlation_id),
            call_depth: self.call_depth,
            function_name: own(self.function_name),
            error_code: own(self.error_code),
            error_type: own(self.error_type),
            duration_ms: self.duration_ms,
            entry_time: own(self.entry_time),
            exit_time: own(self.exit_time),
        }
    }

    /// The timestamp as an instant; None when missing or not RFC 3339.
    pub fn time(&self) -> Option<Timestamp> {
        parse_ts(self.timestamp.as_deref()?)
    }

    /// True when the line belongs to correlation id `id` (docs/format.md): its
    /// `correlation_id` is `id` or starts with `id:`, or its
    /// `context.parent_correlation_id` is `id`.
    pub fn belongs_to(&self, id: &str) -> bool {
        if let Some(cid) = self.correlation_id.as_deref()
            && let Some(rest) = cid.strip_prefix(id)
            && (rest.is_empty() || rest.starts_with(':'))
        {
            return true;
        }
        self.parent_correlation_id.as_deref() == Some(id)
    }

    /// How long the step took in milliseconds: `metadata.duration_ms`, else
    /// `trace.exit_time - trace.entry_time`.
    pub fn duration(&self) -> Option<f64> {
        if let Some(d) = self.duration_ms.filter(|d| d.is_finite()) {
            return Some(d);
        }
        let entry = parse_ts(self.entry_time.as_deref()?)?;
        let exit = parse_ts(self.exit_time.as_deref()?)?;
        let ms = exit.duration_since(entry).as_nanos() as f64 / 1e6;
        (ms >= 0.0).then_some(ms)
    }

    pub fn is_error(&self) -> bool {
        self.level
            .as_deref()
            .is_some_and(|l| l.eq_ignore_ascii_case("ERROR"))
    }
}

/// RFC 3339 to an instant; None for anything else.
pub fn parse_ts(text: &str) -> Option<Timestamp> {
    text.parse::<Timestamp>().ok()
}

// Deserialisation by hand: derived impls reject duplicate keys and wrong
// types, and both must read as "absent" here, not as a malformed line.

impl<'de: 'a, 'a> Deserialize<'de> for Record<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(RecordVisitor(std::marker::PhantomData))
    }
}

struct RecordVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for RecordVisitor<'a> {
    type Value = Record<'a>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Record<'a>, M::Error> {
        let mut r = Record::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.0.as_ref() {
                "timestamp" => r.timestamp = map.next_value::<Str>()?.0,
                "level" => r.level = map.next_value::<Str>()?.0,
                "component" => r.component = map.next_value::<Str>()?.0,
                "message" => r.message = map.next_value::<Str>()?.0,
                "correlation_id" => r.correlation_id = map.next_value::<Str>()?.0,
                "context" => {
                    let c = map.next_value::<Nested<Context>>()?.0.unwrap_or_default();
                    r.parent_correlation_id = c.parent;
                    r.call_depth = c.depth;
                    r.function_name = c.function;
                }
                "error" => {
                    let e = map.next_value::<Nested<ErrorPart>>()?.0.unwrap_or_default();
                    r.error_code = e.code;
                    r.error_type = e.kind;
                }
                "metadata" => {
                    let m = map.next_value::<Nested<Metadata>>()?.0.unwrap_or_default();
                    r.duration_ms = m.duration_ms;
                }
                "trace" => {
                    let t = map.next_value::<Nested<TracePart>>()?.0.unwrap_or_default();
                    r.entry_time = t.entry;
                    r.exit_time = t.exit;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(r)
    }
}

/// A log line's `timestamp` (as [`Record`] reads it: the last one, absent
/// when not a string); every other value is skipped unread.
struct TimeOnly<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for TimeOnly<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = TimeOnly<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<TimeOnly<'a>, M::Error> {
                let mut t = None;
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    if key.0 == "timestamp" {
                        t = map.next_value::<Str>()?.0;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(TimeOnly(t))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// An object key, borrowed unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Any JSON value, kept when it is a string, a number or a bool (as text for
/// the scalars) and read as absent otherwise.
struct Str<'a>(Option<Cow<'a, str>>);
/// Any JSON value, kept when it is a number.
struct Num(Option<f64>);

macro_rules! lenient_any {
    ($ty:ty, $none:expr) => {
        fn visit_unit<E: de::Error>(self) -> Result<$ty, E> {
            Ok($none)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<$ty, E> {
            Ok($none)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<$ty, A::Error> {
            while a.next_element::<IgnoredAny>()?.is_some() {}
            Ok($none)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<$ty, A::Error> {
            while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok($none)
        }
    };
}

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Str<'de>, E> {
                Ok(Str(Some(Cow::Owned(v))))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Str<'de>, E> {
                Ok(Str(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Str<'de>, E> {
                Ok(Str(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Str<'de>, E> {
                Ok(Str(None))
            }
            lenient_any!(Str<'de>, Str(None));
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Num, E> {
                Ok(Num(None))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(Some(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(Some(v as f64)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                Ok(Num(Some(v)))
            }
            lenient_any!(Num, Num(None));
        }
        d.deserialize_any(V)
    }
}

/// A nested object read by `T`'s key handler; any other value reads as None.
struct Nested<T>(Option<T>);

trait Part<'de>: Default {
    fn field<M: MapAccess<'de>>(&mut self, key: &str, map: &mut M) -> Result<(), M::Error>;
}

impl<'de, T: Part<'de>> Deserialize<'de> for Nested<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Part<'de>> Visitor<'de> for V<T> {
            type Value = Nested<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Nested<T>, A::Error> {
                let mut part = T::default();
                while let Some(key) = a.next_key::<Key<'de>>()? {
                    part.field(key.0.as_ref(), &mut a)?;
                }
                Ok(Nested(Some(part)))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Nested<T>, E> {
                Ok(Nested(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Nested<T>, E> {
                Ok(Nested(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Nested<T>, E> {
                Ok(Nested(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Nested<T>, E> {
                Ok(Nested(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Nested<T>, E> {
                Ok(Nested(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Nested<T>, E> {
                Ok(Nested(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Nested<T>, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Nested(None))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[derive(Default)]
struct Context<'a> {
    parent: Option<Cow<'a, str>>,
    depth: Option<i64>,
    function: Option<Cow<'a, str>>,
}

impl<'de> Part<'de> for Context<'de> {
    fn field<M: MapAccess<'de>>(&mut self, key: &str, map: &mut M) -> Result<(), M::Error> {
        match key {
            "parent_correlation_id" => self.parent = map.next_value::<Str>()?.0,
            "call_depth" => {
                self.depth = map
                    .next_value::<Num>()?
                    .0
                    .filter(|d| d.fract() == 0.0 && d.abs() < 1e15)
                    .map(|d| d as i64)
            }
            "function_name" => self.function = map.next_value::<Str>()?.0,
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

#[derive(Default)]
struct ErrorPart<'a> {
    code: Option<Cow<'a, str>>,
    kind: Option<Cow<'a, str>>,
}

impl<'de> Part<'de> for ErrorPart<'de> {
    fn field<M: MapAccess<'de>>(&mut self, key: &str, map: &mut M) -> Result<(), M::Error> {
        match key {
            "code" => self.code = map.next_value::<Str>()?.0,
            "type" => self.kind = map.next_value::<Str>()?.0,
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

#[derive(Default)]
struct Metadata {
    duration_ms: Option<f64>,
}

impl<'de> Part<'de> for Metadata {
    fn field<M: MapAccess<'de>>(&mut self, key: &str, map: &mut M) -> Result<(), M::Error> {
        match key {
            "duration_ms" => self.duration_ms = map.next_value::<Num>()?.0,
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

#[derive(Default)]
struct TracePart<'a> {
    entry: Option<Cow<'a, str>>,
    exit: Option<Cow<'a, str>>,
}

impl<'de> Part<'de> for TracePart<'de> {
    fn field<M: MapAccess<'de>>(&mut self, key: &str, map: &mut M) -> Result<(), M::Error> {
        match key {
            "entry_time" => self.entry = map.next_value::<Str>()?.0,
            "exit_time" => self.exit = map.next_value::<Str>()?.0,
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_time_agrees_with_parse_then_time() {
        let lines: [&[u8]; 14] = [
            br#"{"timestamp":"2024-01-15T08:24:12.456Z","level":"ERROR","context":{"a":[1,{"b":null}]}}"#,
            br#"{"timestamp":"2024-01-15T08:24:12Z","timestamp":"2024-01-16T00:00:00Z"}"#,
            br#"{"timestamp":"2024-01-15T08:24:12Z","timestamp":5}"#,
            br#"{"timestamp":17}"#,
            br#"{"time\u0073tamp":"2024-01-15T08:24:12Z"}"#,
            br#"{"timestamp":"2024-01-15T08:24:12Z""#,
            br#"{"timestamp":"not a time"}"#,
            br#"{}"#,
            br#"[1,2]"#,
            br#""text""#,
            b"not json",
            b"{\"timestamp\":\"2024-01-15T08:24:12Z\",\"m\":\"\xff\"}",
            br#"{"timestamp":"2024-01-15T08:24:12Z","m":"a\"b\\"} "#,
            br#"{"timestamp":"2024-01-15T08:24:12Z",}"#,
        ];
        for line in lines {
            let full = Record::parse(line).map(|r| r.time());
            assert_eq!(
                Record::parse_time(line),
                full,
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn reads_the_fields_borrowed() {
        let line = br#"{"timestamp":"2024-01-15T08:24:12.456Z","level":"ERROR","component":"health_check","message":"Event loop blocked","correlation_id":"f9e8d7c6b5a41234","context":{"request_id":"x","parent_correlation_id":"aaaa","call_depth":3},"error":{"code":"T007","type":"EventLoopBlocked","recoverable":false},"metadata":{"duration_ms":145.2},"extra":[1,{"a":2}]}"#;
        let r = Record::parse(line).unwrap();
        assert!(matches!(r.level, Some(Cow::Borrowed("ERROR"))));
        assert_eq!(r.error_code.as_deref(), Some("T007"));
        assert_eq!(r.parent_correlation_id.as_deref(), Some("aaaa"));
        assert_eq!(r.call_depth, Some(3));
        assert_eq!(r.duration(), Some(145.2));
        assert!(r.belongs_to("f9e8d7c6b5a41234"));
        assert!(r.belongs_to("aaaa"));
        assert!(!r.belongs_to("f9e8d7c6"));
        assert!(r.time().is_some());
    }

    #[test]
    fn children_and_lenient_types() {
        let r = Record::parse(br#"{"correlation_id":"ab:01","level":5,"context":[1],"error":"x","message":"a\"b","correlation_id":"ab:02"}"#).unwrap();
        assert_eq!(r.correlation_id.as_deref(), Some("ab:02"));
        assert!(r.belongs_to("ab"));
        assert!(!r.belongs_to("ab:0"));
        assert_eq!(r.level, None);
        assert_eq!(r.message.as_deref(), Some("a\"b"));
    }

    #[test]
    fn malformed_kinds() {
        assert_eq!(Record::parse(b"[1,2]"), Err(Malformed::NotJson));
        assert_eq!(Record::parse(b"hello"), Err(Malformed::NotJson));
        assert_eq!(Record::parse(b"{\"a\":1"), Err(Malformed::NotJson));
        assert_eq!(Record::parse(b"{\"a\":1} x"), Err(Malformed::NotJson));
        assert_eq!(
            Record::parse(b"{\"a\":\"\xff\"}"),
            Err(Malformed::InvalidUtf8)
        );
        assert!(Record::parse(b"{}  \r").is_ok());
    }
}
