//! talos: the Talos operator toolkit. The binary's commands live in `cli`;
//! everything else is the domain logic they call, which returns values and
//! never prints.

pub(crate) mod access;
pub mod api;
pub mod archive;
pub mod audit;
pub mod breakers;
pub mod cli;
pub mod clock;
pub mod config;
pub mod daemon;
pub mod db;
pub(crate) mod diagnosis;
pub mod doctor;
pub mod emergency;
pub mod error;
pub(crate) mod fsutil;
pub mod health;
pub(crate) mod incident;
pub mod install;
pub mod interrupt;
pub(crate) mod leftovers;
pub(crate) mod lifecycle;
pub(crate) mod locks;
pub mod logfiles;
pub mod logs;
pub(crate) mod metrics;
pub mod output;
pub(crate) mod pidfd;
pub mod process;
pub(crate) mod repair;
pub(crate) mod repo;
pub(crate) mod sandbox;
pub mod sim;
pub mod timespec;
pub(crate) mod units;

/// The version every report and archive records.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
