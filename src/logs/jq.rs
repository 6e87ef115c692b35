//! `--filter`: a jq program run by jaq on each candidate line. A line
//! matches when the program yields at least one value that is neither
//! `false` nor `null` (what `select(...)` keeps); errors read as no match and
//! are counted.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;

use crate::error::{Error, Result};

type D = data::JustLut<Val>;

/// A compiled jq program.
pub struct JqFilter {
    source: String,
    filter: jaq_core::Filter<D>,
}

impl std::fmt::Debug for JqFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JqFilter")
            .field("source", &self.source)
            .finish()
    }
}

/// How many outputs of one run are looked at before giving up on a line.
const MAX_OUTPUTS: usize = 10_000;

impl JqFilter {
    /// Compiles `code`; a syntax error or an undefined name is a usage error
    /// (exit 2) carrying jaq's own description and where it is.
    pub fn compile(code: &str) -> Result<JqFilter> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let modules = loader
            .load(&arena, File { code, path: () })
            .map_err(|errs| {
                let mut msgs = Vec::new();
                for (_, err) in errs {
                    match err {
                        jaq_core::load::Error::Io(v) => {
                            for (what, e) in v {
                                msgs.push(format!("cannot load `{what}`: {e}"));
                            }
                        }
                        jaq_core::load::Error::Lex(v) => {
                            for (expect, at) in v {
                                msgs.push(format!(
                                    "expected {} {}",
                                    expect.as_str(),
                                    position(code, at)
                                ));
                            }
                        }
                        jaq_core::load::Error::Parse(v) => {
                            for (expect, found) in v {
                                let found: &str = found;
                                let what = if found.is_empty() {
                                    "end of input".to_string()
                                } else {
                                    format!("`{}`", found.chars().take(20).collect::<String>())
                                };
                                msgs.push(format!(
                                    "expected {}, found {what} {}",
                                    expect.as_str(),
                                    position(code, found)
                                ));
                            }
                        }
                    }
                }
                bad_filter(code, msgs)
            })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errs| {
                let msgs = errs
                    .into_iter()
                    .flat_map(|(_, es)| es)
                    .map(|(name, undef)| {
                        format!(
                            "undefined {} `{name}` {}",
                            undef.as_str(),
                            position(code, name)
                        )
                    })
                    .collect();
                bad_filter(code, msgs)
            })?;
        Ok(JqFilter {
            source: code.to_string(),
            filter,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Runs the program on one JSON line.
    pub fn matches(&self, line: &[u8]) -> Outcome {
        let Ok(input) = jaq_json::read::parse_single(line) else {
            return Outcome::Error("the line is not JSON jaq can read".into());
        };
        let ctx = Ctx::<D>::new(&self.filter.lut, Vars::new([]));
        let mut first_error = None;
        for out in self
            .filter
            .id
            .run((ctx, input))
            .map(unwrap_valr)
            .take(MAX_OUTPUTS)
        {
            match out {
                Ok(v) if jaq_core::ValT::as_bool(&v) => return Outcome::Match,
                Ok(_) => {}
                Err(e) => {
                    first_error.get_or_insert_with(|| e.to_string());
                    break;
                }
            }
        }
        match first_error {
            Some(e) => Outcome::Error(e),
            None => Outcome::NoMatch,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Match,
    NoMatch,
    Error(String),
}

/// `at` is a suffix of `code` (jaq reports positions as slices of the input).
fn position(code: &str, at: &str) -> String {
    let start = code.as_ptr() as usize;
    let here = at.as_ptr() as usize;
    if here >= start && here <= start + code.len() {
        format!("at character {}", code[..here - start].chars().count() + 1)
    } else {
        String::new()
    }
}

fn bad_filter(code: &str, msgs: Vec<String>) -> Error {
    let detail = if msgs.is_empty() {
        "it does not compile".to_string()
    } else {
        msgs.join("; ")
    };
    Error::usage(format!("--filter `{code}`: {detail}"))
        .hint("--filter takes a jq program whose truthy output selects a line, e.g. '.level == \"ERROR\" and .metadata.duration_ms > 1000'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truthy_output_selects() {
        let f = JqFilter::compile(".level == \"ERROR\"").unwrap();
        assert_eq!(f.matches(br#"{"level":"ERROR"}"#), Outcome::Match);
        assert_eq!(f.matches(br#"{"level":"INFO"}"#), Outcome::NoMatch);
        let f = JqFilter::compile("select(.n > 1) | .n").unwrap();
        assert_eq!(f.matches(br#"{"n":2}"#), Outcome::Match);
        assert_eq!(f.matches(br#"{"n":0}"#), Outcome::NoMatch);
        let f = JqFilter::compile(".a[]").unwrap();
        assert_eq!(f.matches(br#"{"a":[false,null,0]}"#), Outcome::Match);
        assert!(matches!(f.matches(br#"{"a":1}"#), Outcome::Error(_)));
    }

    #[test]
    fn compile_errors_say_what_and_where() {
        let e = JqFilter::compile(".level ==").unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message.contains("expected"), "{}", e.message);
        let e = JqFilter::compile("nosuchfn(1)").unwrap_err();
        assert!(
            e.message.contains("undefined filter `nosuchfn`"),
            "{}",
            e.message
        );
        let e = JqFilter::compile("(.a").unwrap_err();
        assert!(e.message.contains("expected"), "{}", e.message);
    }

    #[test]
    fn shared_between_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<JqFilter>();
    }
}
