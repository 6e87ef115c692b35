//! `talos sandbox init DIR`: make a practice installation.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::{Ctx, ExitStatus};
use crate::error::Result;
use crate::output::human_bytes;
use crate::sandbox::{self, Options, Scale};

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    Init(InitArgs),
}

/// Create a complete, realistic installation in DIR to practise on.
///
/// DIR gets the layout of a real host (etc/talos, var/lib/talos,
/// var/log/talos, var/run/talos, opt/talos/custom, var/backups/talos):
/// config.yaml and a backup of it, secrets/admin_token, a self-signed
/// certificate valid 90 days, state files with one open circuit breaker
/// (llm_api) and one closed (database), a SQLite database in WAL mode, a day
/// of Tier 2 and Tier 3 logs with multi-step traces and incidents (an event
/// loop block, a database outage, the breaker opening), a few malformed log
/// lines, rotations (orchestrator.log.1, orchestrator.log.2.gz) and a
/// hash-chained audit log over two files. No daemon runs there: there is no
/// PID file. Then use it with `talos --root DIR ...`.
///
/// The same --seed and --now give a byte-identical tree. Timestamps run up
/// to --now (default: the current time); with a past --now, the commands it
/// suggests use absolute times, since `--since 2h` counts from the real clock.
///
/// EXIT STATUS: 0 made; 1 a write failed (run again with --force); 2 bad
/// arguments; 4 refused: DIR is not empty (without --force), is /, or a
/// daemon is running on it.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to create the installation in (new or empty)
    pub dir: PathBuf,
    /// Seed of the generator: the same seed and --now give the same tree
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// small: a few MB, in a second; large: ~1 GiB of logs, 1,000,000
    /// audit records and a database of a few hundred MB, for benchmarks
    #[arg(long, value_enum, default_value_t = Scale::Small)]
    pub scale: Scale,
    /// Replace the talos directories of a non-empty DIR (nothing else in it
    /// is touched)
    #[arg(long)]
    pub force: bool,
    /// The time the sandbox is made at, RFC 3339 or a span back from now
    /// (2h) [default: now]
    #[arg(long, value_parser = crate::timespec::clap_time, value_name = "TIME")]
    pub now: Option<jiff::Timestamp>,
}

pub fn run(ctx: &Ctx, cmd: SandboxCommand) -> Result<ExitStatus> {
    match cmd {
        SandboxCommand::Init(args) => init(ctx, args),
    }
}

fn shell_word(p: &Path) -> String {
    crate::install::shell_word(&p.display().to_string())
}

fn init(ctx: &Ctx, args: InitArgs) -> Result<ExitStatus> {
    let now = args.now.unwrap_or_else(crate::clock::now);
    let summary = make(ctx, &args, now)?;
    let next = next_commands(&args, now, &summary);
    let mut doc = serde_json::to_value(&summary)?;
    doc["paths"] = paths(&args.dir);
    doc["next"] = next.clone().into();
    ctx.ui
        .render(&doc, |ui| human(ui, &args, &summary, &next))?;
    Ok(ExitStatus::Ok)
}

/// Makes the sandbox, with a progress bar for a large one.
fn make(ctx: &Ctx, args: &InitArgs, now: jiff::Timestamp) -> Result<sandbox::Summary> {
    sandbox::check_target(&args.dir, args.force, &ctx.settings.process_match.value)?;
    let opts = Options {
        seed: args.seed,
        scale: args.scale,
        force: args.force,
        now_ms: now.as_millisecond(),
        operator: crate::audit::operator_actor(),
    };
    // About 1.1 GB of logs; the bar's total grows rather than pass 100 %.
    const LARGE_LOG_BYTES: u64 = 1_100_000_000;
    let bar = match args.scale {
        Scale::Large => ctx.ui.progress(LARGE_LOG_BYTES, "writing logs"),
        Scale::Small => indicatif::ProgressBar::hidden(),
    };
    if args.scale == Scale::Large {
        ctx.ui
            .note("making a large sandbox: about 1 GiB of logs, 1,000,000 audit records...");
    }
    let made = sandbox::init(&args.dir, &opts, &|n| {
        crate::output::advance(&bar, bar.position() + n, LARGE_LOG_BYTES)
    });
    bar.finish_and_clear();
    made.map_err(|e| {
        e.hint(format!(
            "the sandbox in {} may be incomplete: run `talos sandbox init --force {}` again",
            args.dir.display(),
            args.dir.display()
        ))
    })
}

/// The commands to try on the new sandbox.
fn next_commands(args: &InitArgs, now: jiff::Timestamp, summary: &sandbox::Summary) -> Vec<String> {
    let root = shell_word(&args.dir);
    // A relative span counts back from the real clock, so a sandbox made
    // with a past --now gets an absolute time that finds its lines.
    let since = if args.now.is_some() || crate::clock::is_fixed() {
        now.checked_sub(jiff::SignedDuration::from_hours(2))
            .map(crate::timespec::format_ts)
            .unwrap_or_else(|_| "2h".into())
    } else {
        "2h".into()
    };
    let mut next = vec![
        format!("talos --root {root} status"),
        format!("talos --root {root} config validate"),
        format!("talos --root {root} log query --level ERROR --since {since}"),
        format!(
            "talos --root {root} log trace {}",
            summary.stories.breaker_open.correlation_id
        ),
        format!("talos --root {root} breaker list"),
        format!("talos --root {root} audit verify-chain"),
        format!("talos --root {root} backup create"),
    ];
    if let Some(ex) = &summary.stories.example_trace {
        next.insert(4, format!("talos --root {root} log trace {ex}"));
    }
    next
}

/// Where each part of the sandbox is (`--json` `paths`).
fn paths(dir: &Path) -> serde_json::Value {
    let l = crate::install::Layout::new(dir);
    serde_json::json!({
        "config_file": l.config_file, "token_file": l.token_file, "ssl_dir": l.ssl_dir,
        "state_dir": l.state_dir, "db": l.db, "log_dir": l.log_dir, "audit_dir": l.audit_dir,
        "run_dir": l.run_dir, "custom_dir": l.custom_dir, "backup_dir": l.backup_dir,
    })
}

fn human(
    ui: &crate::output::Ui,
    args: &InitArgs,
    summary: &sandbox::Summary,
    next: &[String],
) -> Result<()> {
    let s = summary;
    ui.line(format!(
        "{} sandbox at {} (seed {}, {}, now {})",
        ui.green("made"),
        args.dir.display(),
        s.seed,
        match s.scale {
            Scale::Small => "small",
            Scale::Large => "large",
        },
        s.created_at
    ))?;
    let malformed: u64 = s.logs.malformed.values().filter_map(|v| v.as_u64()).sum();
    let rows = vec![
        vec![
            "config".to_string(),
            format!(
                "etc/talos/config.yaml (+ .backup), secrets/admin_token, ssl/ (valid until {})",
                s.certificate.not_after_at
            ),
        ],
        vec![
            "state".to_string(),
            format!(
                "{} queued tasks, {} active sessions, breakers: {} open, {} closed",
                s.state.queued_tasks,
                s.state.active_sessions,
                s.state.open_breakers.join(","),
                s.state.closed_breakers.join(",")
            ),
        ],
        vec![
            "database".to_string(),
            format!(
                "{} tasks, {} sessions, {} audit anchors ({})",
                s.database.tasks,
                s.database.sessions,
                s.database.audit_anchors,
                human_bytes(s.database.bytes)
            ),
        ],
        vec![
            "logs".to_string(),
            format!(
                "{} traces: {} Tier 2 + {} Tier 3 lines ({}), {} malformed on purpose",
                s.logs.traces,
                s.logs.tier2_lines,
                s.logs.tier3_lines,
                human_bytes(s.logs.bytes),
                malformed
            ),
        ],
        vec![
            "audit".to_string(),
            format!(
                "{} records in {} files, head {}:{}",
                s.audit.records,
                s.audit.files.len(),
                s.audit.head.seq,
                &s.audit.head.hash[..16]
            ),
        ],
        vec![
            "daemon".to_string(),
            "not running (no PID file); state files are what a crash left".to_string(),
        ],
    ];
    for r in rows {
        ui.line(format!("  {:<9} {}", r[0], r[1]))?;
    }
    ui.line("")?;
    ui.line(ui.bold("Stories to investigate:"))?;
    let mut stories = vec![&s.stories.breaker_open, &s.stories.database_outage];
    stories.extend(s.stories.event_loop_blocks.iter());
    for st in stories {
        ui.line(format!(
            "  {}  {}  {}",
            st.correlation_id, st.occurred_at, st.what
        ))?;
    }
    ui.line("")?;
    ui.line(ui.bold("Try next:"))?;
    for n in next {
        ui.line(format!("  {n}"))?;
    }
    if args.now.is_some() && !crate::clock::is_fixed() {
        ui.line(format!(
                "  (the sandbox's clock is {}: `export TALOS_NOW={}` makes ages and relative times count from it)",
                s.created_at, s.created_at
            ))?;
    }
    Ok(())
}
