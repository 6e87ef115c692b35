//! The command line: global flags, the command tree, and dispatch. Each
//! command lives in its own file and turns arguments into a call into the
//! domain modules and the result into output; none does real work itself.

pub mod audit;
pub mod backup;
pub mod breaker;
pub mod complete;
pub mod completions;
pub mod config;
pub mod db;
pub mod doctor;
pub mod drill;
pub mod health;
pub mod incident;
pub mod log;
pub mod panic;
pub mod recover;
pub mod repair;
pub mod repo;
pub mod restart;
pub mod restore;
pub mod sandbox;
pub mod status;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{Overrides, Settings};
use crate::error::Result;
use crate::install::Layout;
use crate::output::Ui;

const EXIT_CODES: &str = "\
EXIT STATUS:
  0  done (health: healthy)
  1  the operation failed (health: degraded)
  2  usage error (health: unhealthy)
  3  integrity failure: corrupt, tampered or unsafe backup, chain or file (health: unknown)
  4  refused for safety: lock held, daemon running, PID unverified, confirmation declined or impossible
  5  the daemon was required (--online) and could not be reached";

/// talos: the Talos operator toolkit.
///
/// Drives the Talos daemon through its admin API when it answers, and works
/// directly on the installation's files when it does not.
#[derive(Debug, Parser)]
#[command(name = "talos", version, propagate_version = true, after_long_help = EXIT_CODES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts, before or after the subcommand.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "DIR"
    )]
    pub root: Option<PathBuf>,
    /// Base URL of the daemon's admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "URL"
    )]
    pub url: Option<String>,
    /// CA bundle to verify the daemon's HTTPS certificate [env: TALOS_CACERT]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "FILE"
    )]
    pub cacert: Option<PathBuf>,
    /// Print one JSON document on stdout and nothing else there (log query: JSON lines)
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,
    /// Only go through the daemon's API; exit 5 if it cannot be reached
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        conflicts_with = "offline"
    )]
    pub online: bool,
    /// Only work on the files; never call the API
    #[arg(long, global = true, help_heading = "Global options")]
    pub offline: bool,
    /// Answer yes to every confirmation (for scripts, cron and CI)
    #[arg(long, short = 'y', global = true, help_heading = "Global options")]
    pub yes: bool,
    /// Less on stderr: only warnings and errors
    #[arg(
        long,
        short = 'q',
        global = true,
        help_heading = "Global options",
        conflicts_with = "verbose"
    )]
    pub quiet: bool,
    /// More detail on stderr
    #[arg(long, short = 'v', global = true, help_heading = "Global options", action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never. Progress is shown on a terminal (as plain phase lines with NO_COLOR); -q hides it
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "WHEN",
        value_enum,
        default_value_t = crate::output::ColorChoice::Auto
    )]
    pub color: crate::output::ColorChoice,
    /// Seconds to wait for each API request [default: 3]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "SECS"
    )]
    pub timeout: Option<f64>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    // Variants without a doc comment take their help (with its EXIT STATUS
    // section) from the args struct's doc comment.
    Status(status::StatusArgs),
    Health(health::HealthArgs),
    Panic(panic::PanicArgs),
    Recover(recover::RecoverArgs),
    Restart(restart::RestartArgs),
    /// Circuit breakers: list them, reset them
    #[command(subcommand)]
    Breaker(breaker::BreakerCommand),
    /// Write, list and verify backup archives
    #[command(subcommand)]
    Backup(backup::BackupCommand),
    Restore(restore::RestoreArgs),
    /// The Tier 1 audit chain: verify, tree head, inclusion proofs, query
    #[command(subcommand, after_long_help = audit::ANCHORING)]
    Audit(audit::AuditCommand),
    // `about` only (not a doc comment, which would also erase the long help
    // with its EXIT STATUS paragraph from the Args struct).
    #[command(about = "Same as `talos audit verify-chain`")]
    VerifyChain(audit::verify_chain::VerifyChainArgs),
    #[command(
        about = "The CI restore drill: back up, restore into a scratch root, validate, time it"
    )]
    Drill(drill::DrillArgs),
    /// Search, trace and count the Tier 2/3 logs; prune old rotations
    #[command(subcommand)]
    Log(log::LogCommand),
    /// Postmortem draft from the evidence on disk
    #[command(subcommand)]
    Incident(incident::IncidentCommand),
    Doctor(doctor::DoctorArgs),
    /// Repair damaged files: JSON-lines logs, config.yaml
    #[command(subcommand)]
    Repair(repair::RepairCommand),
    /// The database: integrity check, WAL checkpoint
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Effective settings and config.yaml checks
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Make a practice installation (sandbox init DIR)
    #[command(subcommand)]
    Sandbox(sandbox::SandboxCommand),
    /// Print shell completions
    Completions(completions::CompletionsArgs),
}

/// Which path a command that can act on the daemon takes (one rule for
/// all: `crate::access`).
pub use crate::access::Mode;

/// Everything a command needs: settings resolved once, the layout, the Ui.
pub struct Ctx {
    pub settings: Settings,
    pub layout: Layout,
    pub ui: Ui,
    pub mode: Mode,
}

/// A command that has printed its result returns `Ok(ExitStatus)`, never
/// `Err`, so `--json` output stays one document; `Err` is for failures before
/// any result.
pub use crate::error::ExitStatus;

impl Ctx {
    pub fn new(global: &GlobalArgs) -> Ctx {
        let overrides = Overrides {
            root: global.root.clone(),
            url: global.url.clone(),
            cacert: global.cacert.clone(),
            timeout_secs: global.timeout,
        };
        let settings = Settings::load(&overrides);
        let layout = settings.layout();
        let ui = Ui::with_color(
            global.json,
            global.quiet,
            global.verbose,
            global.yes,
            global.color,
        );
        for w in crate::config::token_warnings(&settings) {
            ui.warn(w);
        }
        let mode = if global.online {
            Mode::Online
        } else if global.offline {
            Mode::Offline
        } else {
            Mode::Auto
        };
        Ctx {
            settings,
            layout,
            ui,
            mode,
        }
    }
}

/// Where a command writes its Prometheus metrics: `--metrics-file PATH`, else
/// `metrics.textfile_dir/talos_<name>.prom` from config.yaml, else nowhere.
/// clap's value parser for one item of `--partial LIST` (the list is split
/// on commas by `value_delimiter`): a component name of docs/format.md.
pub fn component_arg(s: &str) -> std::result::Result<crate::install::Component, String> {
    crate::install::Component::from_name(s.trim()).ok_or_else(|| {
        format!(
            "unknown component `{s}` (components are: {})",
            crate::install::COMPONENTS.join(",")
        )
    })
}

/// The components of `--partial`, each once, in the order given.
pub fn distinct_components(
    list: Option<Vec<crate::install::Component>>,
) -> Option<Vec<crate::install::Component>> {
    list.map(|l| {
        let mut out: Vec<crate::install::Component> = Vec::new();
        for c in l {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    })
}

pub fn metrics_path(
    ctx: &Ctx,
    flag: Option<&std::path::Path>,
    name: &str,
) -> Option<std::path::PathBuf> {
    flag.map(std::path::Path::to_path_buf).or_else(|| {
        ctx.settings
            .metrics_textfile_dir
            .value
            .as_ref()
            .map(|d| d.join(format!("talos_{name}.prom")))
    })
}

/// Writes a command's metrics; a failure is a warning, never the command's
/// own result.
pub fn write_metrics(ctx: &Ctx, path: Option<&std::path::Path>, m: &crate::metrics::Metrics) {
    if let Some(p) = path
        && let Err(e) = m.write(p)
    {
        ctx.ui.warn(e.message);
    }
}

pub fn dispatch(ctx: &Ctx, command: Command) -> Result<ExitStatus> {
    match command {
        Command::Audit(c) => audit::run(ctx, c),
        Command::Breaker(c) => breaker::run(ctx, c),
        Command::Backup(c) => backup::run(ctx, c),
        Command::Config(c) => config::run(ctx, c),
        Command::Completions(a) => completions::run(ctx, a),
        Command::Drill(a) => drill::run(ctx, a),
        Command::Health(a) => health::run(ctx, a),
        Command::Restart(a) => restart::run(ctx, a),
        Command::Status(a) => status::run(ctx, a),
        Command::Sandbox(c) => sandbox::run(ctx, c),
        Command::Log(c) => log::run(ctx, c),
        Command::Restore(a) => restore::run(ctx, a),
        Command::Panic(a) => panic::run(ctx, a),
        Command::Recover(a) => recover::run(ctx, a),
        Command::Db(c) => db::run(ctx, c),
        Command::Doctor(a) => doctor::run(ctx, a),
        Command::Incident(c) => incident::run(ctx, c),
        Command::Repair(c) => repair::run(ctx, c),
        Command::VerifyChain(a) => audit::verify_chain::run(ctx, a),
    }
}

/// The clap tree, for completions and man pages.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}
