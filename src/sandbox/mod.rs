//! `sandbox init`: a complete, realistic installation under a scratch root,
//! deterministic for a seed and a "now": config, secrets, a certificate,
//! state files, a database, a day of Tier 2/3 logs with traces and
//! incidents, and an audit chain. Everything an operator (or a test, or a
//! benchmark) needs to practise on without a real daemon.

pub mod chain;
pub mod db;
pub mod json;
pub mod logs;
pub mod rng;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;

use crate::error::{Context, Error, Result};
use crate::install::Layout;
use json::{ts, ts_secs};
use logs::{HOUR, MIN, Plan};
use rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// A few MB: a day of traffic, a few hundred audit records (seconds).
    Small,
    /// Benchmark size: ~1 GiB of logs, 1,000,000 audit records, a database
    /// of a few hundred MB (a minute or two).
    Large,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    pub scale: Scale,
    pub force: bool,
    /// "Now" in Unix milliseconds: every timestamp is relative to it.
    pub now_ms: i64,
    /// `operator:<user>` for the closing `sandbox_init` audit record.
    pub operator: String,
}

/// What was made, for the summary.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub root: PathBuf,
    pub seed: u64,
    pub scale: Scale,
    /// The sandbox's "now" (`--now`, else the clock), when it was made.
    pub created_at: String,
    pub logs: LogSummary,
    pub audit: AuditSummary,
    pub database: db::DbStats,
    pub state: StateSummary,
    pub certificate: CertSummary,
    pub stories: Stories,
}

#[derive(Debug, Clone, Serialize)]
pub struct LogSummary {
    pub dir: PathBuf,
    pub files: Vec<String>,
    pub traces: u64,
    pub tier2_lines: u64,
    pub tier3_lines: u64,
    /// Deliberately malformed lines per file (not JSON, or cut short).
    pub malformed: serde_json::Map<String, serde_json::Value>,
    pub block_events: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditSummary {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub records: u64,
    pub head: crate::audit::Head,
    pub anchors_in_db: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct StateSummary {
    pub dir: PathBuf,
    pub queued_tasks: u64,
    pub active_sessions: u64,
    pub open_breakers: Vec<String>,
    pub closed_breakers: Vec<String>,
    pub heartbeat_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CertSummary {
    pub path: PathBuf,
    /// The certificate's notBefore and notAfter.
    pub not_before_at: String,
    pub not_after_at: String,
}

/// Correlation ids worth looking at first.
#[derive(Debug, Clone, Serialize)]
pub struct Stories {
    pub example_trace: Option<String>,
    pub breaker_open: Story,
    pub event_loop_blocks: Vec<Story>,
    pub database_outage: Story,
}

#[derive(Debug, Clone, Serialize)]
pub struct Story {
    pub correlation_id: String,
    /// When the story happened (its first line).
    pub occurred_at: String,
    pub what: String,
}

/// The directories of a layout `--force` may replace, and only those: a
/// sandbox never deletes anything else under its root.
fn talos_dirs(l: &Layout) -> Vec<PathBuf> {
    vec![
        l.config_dir.clone(),
        l.data_dir.clone(),
        l.log_dir.clone(),
        l.run_dir.clone(),
        l.root.join("opt/talos"),
        l.backup_dir.clone(),
    ]
}

/// Checks DIR before anything is written: it must be new or empty, or
/// `--force` given; never `/`, never an installation whose daemon runs.
pub fn check_target(dir: &Path, force: bool, process_match: &str) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(
            Error::usage(format!("{} exists and is not a directory", dir.display())).hint(
                "give a new or empty directory, e.g. `talos sandbox init /tmp/talos-sandbox`",
            ),
        );
    }
    let canon = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    if canon == Path::new("/") {
        return Err(Error::refused(
            "refusing to make a sandbox at /: that is where a real installation lives",
        )
        .hint("give a scratch directory, e.g. `talos sandbox init /tmp/talos-sandbox`"));
    }
    let non_empty = dir.is_dir()
        && std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_some();
    if !non_empty {
        return Ok(());
    }
    if !force {
        return Err(Error::refused(format!(
            "{} is not empty; a sandbox is only made in a new or empty directory",
            dir.display()
        ))
        .hint(format!(
            "choose another directory, or add --force to replace the talos directories in {} (nothing else there is touched)",
            dir.display()
        )));
    }
    let layout = Layout::new(dir);
    if let crate::process::PidStatus::Verified { process, .. } =
        crate::process::check_pid_file(&layout.pid_file, process_match)?
    {
        return Err(Error::refused(format!(
            "a daemon (PID {}) is running on the installation at {}; --force will not replace it",
            process.pid,
            dir.display()
        ))
        .hint(format!(
            "stop it first: `talos --root {} panic --reason 'sandbox reset'`",
            dir.display()
        )));
    }
    Ok(())
}

/// Makes the sandbox. `progress` is called with the bytes of logs written.
pub fn init(dir: &Path, opts: &Options, progress: &dyn Fn(u64)) -> Result<Summary> {
    let large = opts.scale == Scale::Large;
    let layout = Layout::new(dir);
    // A link anywhere on the way to a directory the sandbox writes (DIR/etc
    // -> /etc) would make --force delete, and the writes land, outside DIR.
    for d in talos_dirs(&layout)
        .into_iter()
        .chain(layout.directories().into_iter().map(|(d, _)| d))
    {
        crate::fsutil::no_link_below(dir, &d)?;
    }
    if opts.force {
        for d in talos_dirs(&layout) {
            if d.exists() {
                std::fs::remove_dir_all(&d)
                    .with_context(|| format!("cannot remove {} (--force)", d.display()))?;
            }
        }
    }
    make_dirs(&layout)?;
    let plan = Plan::new(opts.seed, opts.now_ms, large);
    let mut rng = Rng::stream(opts.seed, 4);

    write_config(&layout)?;
    let token = rng.hex(64);
    write_file(
        &layout.token_file,
        format!("{token}\n").as_bytes(),
        crate::install::SECRET_FILE_MODE,
    )?;
    let certificate = write_cert(&layout, &mut rng, opts.now_ms)?;
    write_custom(&layout)?;

    let (log_stats, tasks) = logs::write_logs(&plan, &layout.log_dir, progress)?;
    for name in logs::TIER2_FILES
        .iter()
        .chain([logs::TIER3_FILE, logs::BLOCK_EVENTS_FILE].iter())
    {
        set_mode(&layout.log_dir.join(name), 0o640)?;
    }
    let records = if large { 1_000_000 } else { 320 };
    let chain = chain::write_chain(&plan, &layout.audit_dir, records, large, &opts.operator)?;
    let history = if large { 260_000 } else { 300 };
    let db_stats = db::write_db(
        &layout.db,
        &plan,
        &tasks,
        history,
        &plan.sessions,
        &chain.anchors,
    )?;
    let state = write_state(&layout, &plan, &tasks)?;

    let mut malformed = serde_json::Map::new();
    for (name, n) in &log_stats.malformed {
        malformed.insert(name.clone(), (*n).into());
    }
    let mut files: Vec<String> = logs::TIER2_FILES.iter().map(|s| s.to_string()).collect();
    files.push(logs::TIER3_FILE.into());
    files.push(logs::BLOCK_EVENTS_FILE.into());
    Ok(Summary {
        root: dir.to_path_buf(),
        seed: opts.seed,
        scale: opts.scale,
        created_at: ts(opts.now_ms),
        logs: LogSummary {
            dir: layout.log_dir.clone(),
            files,
            traces: log_stats.traces,
            tier2_lines: log_stats.tier2_lines,
            tier3_lines: log_stats.tier3_lines,
            malformed,
            block_events: log_stats.block_events,
            bytes: log_stats.bytes,
        },
        audit: AuditSummary {
            dir: layout.audit_dir.clone(),
            files: chain.files.clone(),
            records: chain.records,
            head: crate::audit::Head {
                seq: chain.head_seq,
                hash: chain.head_hash.clone(),
            },
            anchors_in_db: chain.anchors.len() as u64,
        },
        database: db_stats,
        state,
        certificate,
        stories: Stories {
            example_trace: log_stats.example_trace.clone(),
            breaker_open: Story {
                correlation_id: plan.breaker_cid.clone(),
                occurred_at: ts(plan.breaker_open),
                what: "llm_api breaker opened after 5 timeouts (T004, T010); tasks deferred since"
                    .into(),
            },
            event_loop_blocks: plan
                .blocks
                .iter()
                .map(|(b, cid)| Story {
                    correlation_id: cid.clone(),
                    occurred_at: ts(*b),
                    what: "event loop blocked 35 s (T007), state preserved, restart".into(),
                })
                .collect(),
            database_outage: Story {
                correlation_id: plan.db_cid.clone(),
                occurred_at: ts(plan.db_outage),
                what: "database unreachable 3 times (T002), database breaker opened then closed"
                    .into(),
            },
        },
    })
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the mode of {}", path.display()))
}

/// Writes a whole file and sets its mode exactly (whatever the umask).
fn write_file(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    set_mode(path, mode)
}

fn make_dirs(l: &Layout) -> Result<()> {
    crate::fsutil::create_dir_mode(&l.root, 0o755)?;
    for parent in [
        "etc",
        "var",
        "var/lib",
        "var/log",
        "var/run",
        "var/backups",
        "opt",
        "opt/talos",
    ] {
        crate::fsutil::create_dir_mode(&l.root.join(parent), 0o755)?;
    }
    for (dir, mode) in l.directories() {
        crate::fsutil::create_dir_mode(&dir, mode)?;
    }
    Ok(())
}

const CONFIG: &str = "\
# Talos orchestrator configuration.
# Paths are absolute as on a real host; talos reads them under its --root.
version: \"4.0\"
orchestrator:
  api_url: http://127.0.0.1:8080
  process_match: talos-sim
  max_concurrent_tasks: 8
  task_timeout_s: 300
  circuit_breakers:
    llm_api: {failure_threshold: 5, recovery_timeout_s: 60}
    database: {failure_threshold: 3, recovery_timeout_s: 30}
logging:
  level: INFO
  dir: /var/log/talos
  rotate_mb: 10
  tier2_ring_mb: 50
  tier3_ring_mb: 50
  debug: true
backup:
  dir: /var/backups/talos
  keep: 7
";

const CONFIG_OLD: &str = "\
# Talos orchestrator configuration.
version: \"4.0\"
orchestrator:
  api_url: http://127.0.0.1:8080
  process_match: talos-sim
  max_concurrent_tasks: 4
  task_timeout_s: 300
logging:
  level: INFO
  dir: /var/log/talos
  rotate_mb: 10
backup:
  dir: /var/backups/talos
  keep: 5
";

fn write_config(l: &Layout) -> Result<()> {
    write_file(
        &l.config_file,
        CONFIG.as_bytes(),
        crate::install::SECRET_FILE_MODE,
    )?;
    write_file(
        &l.config_dir.join("config.yaml.backup"),
        CONFIG_OLD.as_bytes(),
        crate::install::SECRET_FILE_MODE,
    )
}

fn write_custom(l: &Layout) -> Result<()> {
    let plugins = l.custom_dir.join("plugins");
    write_file(
        &plugins.join("slack_notifier.py"),
        b"\"\"\"Posts ERROR-level Talos events to the #incident-talos channel.\"\"\"\n\nWEBHOOK_ENV = \"TALOS_SLACK_WEBHOOK\"\nLEVELS = (\"ERROR\",)\n\n\ndef on_event(event):\n    if event.get(\"level\") in LEVELS:\n        return {\"channel\": \"#incident-talos\", \"text\": event.get(\"message\", \"\")}\n    return None\n",
        0o644,
    )?;
    write_file(
        &plugins.join("plugins.yaml"),
        b"enabled:\n  - slack_notifier\ndisabled:\n  - legacy_exporter\n",
        0o644,
    )?;
    write_file(
        &l.custom_dir.join("extensions/metrics_exporter.yaml"),
        b"name: metrics_exporter\nlisten: 127.0.0.1:9464\nexport:\n  - task_queue_depth\n  - circuit_breaker_state\n",
        0o644,
    )
}

/// A self-signed certificate valid for 90 days from "now". The key is an
/// Ed25519 key made from the seed, and Ed25519 signatures are
/// deterministic, so the same seed gives the same PEM files.
fn write_cert(l: &Layout, rng: &mut Rng, now_ms: i64) -> Result<CertSummary> {
    // PKCS#8 v1 wrapping of a raw Ed25519 private key (RFC 8410).
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&rng.bytes32());
    let cert_err = |e: rcgen::Error| Error::failed(format!("cannot make the certificate: {e}"));
    let key = rcgen::KeyPair::try_from(der).map_err(cert_err)?;
    let mut params =
        rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .map_err(cert_err)?;
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(rcgen::DnType::CommonName, "talos.sandbox.local");
    dn.push(rcgen::DnType::OrganizationName, "Talos sandbox");
    params.distinguished_name = dn;
    let secs = now_ms.div_euclid(1000);
    let not_after_secs = secs + 90 * 86400;
    let odt = |s: i64| {
        time::OffsetDateTime::from_unix_timestamp(s)
            .map_err(|e| Error::usage(format!("--now is out of range for a certificate: {e}")))
    };
    params.not_before = odt(secs)?;
    params.not_after = odt(not_after_secs)?;
    params.serial_number = Some(rcgen::SerialNumber::from_slice(&rng.bytes32()[..16]));
    let cert = params.self_signed(&key).map_err(cert_err)?;
    let cert_path = l.ssl_dir.join("cert.pem");
    write_file(&cert_path, cert.pem().as_bytes(), 0o644)?;
    write_file(
        &l.ssl_dir.join("key.pem"),
        key.serialize_pem().as_bytes(),
        crate::install::SECRET_FILE_MODE,
    )?;
    Ok(CertSummary {
        path: cert_path,
        not_before_at: ts(secs * 1000),
        not_after_at: ts(not_after_secs * 1000),
    })
}

fn write_json(path: &Path, value: &serde_json::Value) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    write_file(path, &bytes, crate::install::SECRET_FILE_MODE)
}

fn write_state(l: &Layout, plan: &Plan, tasks: &[logs::TaskRow]) -> Result<StateSummary> {
    let queue: Vec<serde_json::Value> = tasks
        .iter()
        .filter(|t| t.status == "pending" || t.status == "running")
        .map(|t| {
            json!({
                "id": t.id,
                "type": t.kind,
                "priority": t.priority,
                "status": t.status,
                "created_at": ts(t.created),
                "correlation_id": t.correlation_id,
            })
        })
        .collect();
    let queued = queue.len() as u64;
    write_json(&l.task_queue(), &json!({ "tasks": queue }))?;

    let last_open = plan.breaker_last_open();
    write_json(
        &l.breakers_file(),
        &json!({"breakers": {
            "llm_api": {
                "state": "open",
                "failure_count": 5,
                "failure_threshold": 5,
                "recovery_timeout_s": 60,
                "opened_at": ts_secs(last_open),
                "last_failure": ts_secs(last_open),
            },
            "database": {
                "state": "closed",
                "failure_count": 0,
                "failure_threshold": 3,
                "recovery_timeout_s": 30,
                "opened_at": null,
                "last_failure": ts_secs(plan.db_outage + 15_000),
            },
        }}),
    )?;

    let restart = plan
        .blocks
        .last()
        .map(|(b, _)| b + logs::BLOCK_RESTART_AFTER)
        .unwrap_or(plan.start);
    write_json(
        &l.orchestrator_state(),
        &json!({
            "version": "4.0.2",
            "node_id": "talos-node-01",
            "status": "running",
            "pid": plan.last_pid(),
            "started_at": ts(restart),
            "last_checkpoint": ts(plan.now - 45_000),
            "queue_depth": queued,
            "active_tasks": [],
            "config_version": "4.0",
        }),
    )?;

    let mut active = 0;
    for s in plan
        .sessions
        .iter()
        .filter(|s| s.last_seen > plan.now - 30 * MIN)
    {
        active += 1;
        write_json(
            &l.sessions_dir().join(format!("{}.json", s.id)),
            &json!({
                "session_id": s.id,
                "user_id": s.user,
                "source_ip": s.ip,
                "created_at": ts(s.created),
                "last_seen": ts(s.last_seen),
                "expires_at": ts(s.last_seen + 8 * HOUR),
            }),
        )?;
    }

    let heartbeat = ts(plan.now - 3_000);
    write_file(
        &l.heartbeat(),
        heartbeat.as_bytes(),
        crate::install::SECRET_FILE_MODE,
    )?;
    Ok(StateSummary {
        dir: l.state_dir.clone(),
        queued_tasks: queued,
        active_sessions: active,
        open_breakers: vec!["llm_api".into()],
        closed_breakers: vec!["database".into()],
        heartbeat_at: heartbeat,
    })
}
