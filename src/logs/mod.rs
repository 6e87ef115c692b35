//! Tier 2 (ops) and Tier 3 (debug) logs: finding the files of LOG_DIR,
//! scanning them fast, and searching, tracing and counting their records.
//!
//! The pieces, bottom up: [`files`] is the one model of a log file and
//! the one listing of a tier's files; [`scan`] splits a byte stream into lines without
//! allocating per line; [`record`] reads the fields of one line; [`query`]
//! decides whether a line matches; [`search`] runs all that over many files
//! on every core and hands back the matches merged in time order;
//! [`runbook`] is `log query` as one operation (files, search, follow);
//! [`trace`] and [`stats`] build on it; [`codes`] is docs/runbook.md.

pub mod check;
pub mod codes;
pub mod files;
pub mod follow;
pub mod jq;
pub mod query;
pub mod record;
pub mod runbook;
pub mod scan;
pub mod search;
pub mod stats;
pub mod trace;

pub use files::{LogFile, Tier, search_order, tier_files};
pub use query::Query;
pub use record::{Malformed, Record};
pub use scan::MAX_LINE;
pub use search::{Match, SearchOptions, Summary, search};
