//! talos: the Talos operator toolkit. The binary's commands live in `cli`;
//! everything else is the domain logic they call, which returns values and
//! never prints.

pub mod access;
pub mod api;
pub mod archive;
pub mod audit;
pub mod breakers;
pub mod cli;
pub mod clock;
pub mod config;
pub mod daemon;
pub mod db;
pub mod diagnosis;
pub mod doctor;
pub mod emergency;
pub mod error;
pub mod fsutil;
pub mod health;
pub mod incident;
pub mod install;
pub mod interrupt;
pub mod leftovers;
pub mod lifecycle;
pub mod locks;
pub mod logfiles;
pub mod logs;
pub mod metrics;
pub mod output;
pub mod pidfd;
pub mod process;
pub mod repair;
pub mod repo;
pub mod sandbox;
pub mod sim;
pub mod timespec;
pub mod units;

/// The version every report and archive records.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
