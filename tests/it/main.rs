//! The black-box and property tests, one module per area, built as one
//! test binary (one link of talos instead of one per file).

// The crash and pause hooks these tests drive exist only with the feature.
#[cfg(not(feature = "test-hooks"))]
compile_error!(
    "the integration tests need the test hooks: run `cargo test --release --features test-hooks` (see README)"
);

mod common;
#[path = "common/ops.rs"]
mod ops;

mod audit_concurrency;
mod audit_props;
mod backup_live;
mod backup_restore;
mod breaker_force;
mod cli_audit;
mod cli_config;
mod cli_daemon;
mod cli_log;
mod cli_panic;
mod completions_live;
mod containment;
mod diagnosis;
mod diagnosis_more;
mod disk_full;
mod docs_examples;
mod docs_references;
mod drill;
mod fault_sweep;
mod fixture_samples;
mod generated;
mod health_verdict;
mod help_and_prompts;
mod hostile_input;
mod hostile_props;
mod interface_regressions;
mod interface_rules;
mod layers;
mod log_check_cache;
mod logs_props;
mod merkle_vectors;
mod metrics;
mod ops_doctor;
mod ops_incident;
mod ops_repair;
mod ops_sandbox;
mod repo_dir;
mod repo_s3;
mod restore_bad_archives;
mod restore_containment;
mod restore_crash;
mod restore_plan;
mod restore_xfs;
mod sandbox;
mod screens;
mod sim;
mod terminal_screens;
