//! `talos doctor`: every offline check of an installation.

pub mod procs;
