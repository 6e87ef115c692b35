//! The sandbox's Tier 1 audit chain: operator, user and system actions over
//! the last days, the day's stories among them, written with the product's
//! own record encoder so the format is the one every reader checks.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::json::ts;
use super::logs::{HOUR, MIN, Plan, USERS};
use super::rng::Rng;
use crate::audit::{GENESIS_HASH, MAX_FILE_BYTES, Record, audit_file_name};
use crate::error::{Context, Error, Result};

/// An anchor row for the database's `audit_log` table.
#[derive(Debug, Clone)]
pub struct Anchor {
    pub seq: u64,
    pub timestamp: String,
    pub actor: String,
    pub action: String,
    pub hash: String,
}

#[derive(Debug, Clone)]
pub struct ChainOut {
    pub records: u64,
    pub files: Vec<PathBuf>,
    pub anchors: Vec<Anchor>,
    pub head_seq: u64,
    pub head_hash: String,
}

/// Every 25th record, and the last, is anchored in the database.
pub const ANCHOR_EVERY: u64 = 25;

struct Rec {
    ts: i64,
    actor: String,
    action: &'static str,
    details: serde_json::Value,
}

fn stories(plan: &Plan, operator: &str) -> Vec<Rec> {
    let mut v = Vec::new();
    for (i, (b, cid)) in plan.blocks.iter().enumerate() {
        v.push(Rec {
            ts: b + super::logs::BLOCK_RESTART_AFTER - 600,
            actor: "system:watchdog".into(),
            action: "orchestrator_restart",
            details: json!({
                "reason": "event loop blocked for 35 seconds",
                "error_code": "T007",
                "correlation_id": cid,
                "old_pid": plan.pids[i],
                "new_pid": plan.pids[i + 1],
            }),
        });
    }
    v.push(Rec {
        ts: plan.db_outage + 15_000,
        actor: "system:orchestrator".into(),
        action: "circuit_breaker_open",
        details: json!({"breaker": "database", "failure_count": 3, "correlation_id": plan.db_cid}),
    });
    v.push(Rec {
        ts: plan.db_outage + 46_000,
        actor: "system:orchestrator".into(),
        action: "circuit_breaker_close",
        details: json!({"breaker": "database", "correlation_id": plan.db_cid}),
    });
    v.push(Rec {
        ts: plan.breaker_open,
        actor: "system:orchestrator".into(),
        action: "circuit_breaker_open",
        details: json!({"breaker": "llm_api", "failure_count": 5, "correlation_id": plan.breaker_cid}),
    });
    v.push(Rec {
        ts: plan.now,
        actor: operator.to_string(),
        action: "sandbox_init",
        details: json!({"seed": plan.seed, "note": "synthetic installation made by `talos sandbox init`"}),
    });
    v.sort_by_key(|r| r.ts);
    v
}

fn random_rec(rng: &mut Rng, at: i64) -> Rec {
    let user = *rng.pick(&USERS);
    let (actor, action, details) = match rng.below(100) {
        0..30 => (
            format!("user:{user}"),
            "login",
            json!({"session_id": rng.hex(32), "source_ip": format!("10.0.{}.{}", rng.range(1, 9), rng.range(2, 250))}),
        ),
        30..45 => (
            format!("user:{user}"),
            "logout",
            json!({"session_id": rng.hex(32)}),
        ),
        45..75 => (
            format!("user:{user}"),
            "task_submit",
            json!({"task_id": format!("task_{:011x}{:03x}", at, rng.below(4096)), "task_type": rng.pick(&super::logs::TASK_TYPES), "priority": rng.range(1, 6)}),
        ),
        75..80 => (
            format!("user:{user}"),
            "task_cancel",
            json!({"task_id": format!("task_{:011x}{:03x}", at - rng.range(1000, 600_000), rng.below(4096)), "reason": "cancelled by user"}),
        ),
        80..86 => {
            let (key, old, new) = *rng.pick(&[
                ("orchestrator.max_concurrent_tasks", 4, 8),
                ("orchestrator.task_timeout_s", 300, 600),
                ("backup.keep", 5, 7),
                ("logging.tier3_ring_mb", 25, 50),
            ]);
            (
                "operator:alice".to_string(),
                "config_change",
                json!({"key": key, "old": old, "new": new}),
            )
        }
        86..88 => (
            "operator:admin".to_string(),
            "api_key_rotate",
            json!({"key_id": rng.hex(8)}),
        ),
        88..90 => (
            "operator:admin".to_string(),
            "permission_change",
            json!({"user": user, "role": rng.pick(&["viewer", "operator", "admin"])}),
        ),
        90..96 => {
            let name = {
                let mut s = ts(at);
                s.retain(|c| c.is_ascii_digit());
                format!("backup_{}_{}.tar.gz", &s[..8], &s[8..14])
            };
            (
                "system:backup_service".to_string(),
                "backup_create",
                json!({"file": format!("/var/backups/talos/{name}"), "size": rng.range(2_000_000, 80_000_000)}),
            )
        }
        _ => (
            "system:process_supervisor".to_string(),
            "plugin_load",
            json!({"plugin": rng.pick(&["slack_notifier", "metrics_exporter"]), "result": "ok"}),
        ),
    };
    Rec {
        ts: at,
        actor,
        action,
        details,
    }
}

/// Writes `total` records (the stories included) into `dir`. Small chains
/// are split over two files; large ones roll over past 10 MB as the real
/// appender does.
pub fn write_chain(
    plan: &Plan,
    dir: &Path,
    total: u64,
    large: bool,
    operator: &str,
) -> Result<ChainOut> {
    let mut rng = Rng::stream(plan.seed, 2);
    let stories = stories(plan, operator);
    let n_random = total.saturating_sub(stories.len() as u64).max(1);
    let span = if large {
        180 * 24 * HOUR
    } else {
        7 * 24 * HOUR
    };
    let begin = plan.now - span;
    let step = ((span - 2 * MIN) / n_random as i64).max(1);
    let split_small = total * 3 / 5;

    let mut files = vec![dir.join(audit_file_name(1))];
    let mut out = open(&files[0])?;
    let mut size = 0u64;
    let mut prev = GENESIS_HASH.to_string();
    let mut seq = 0u64;
    let mut anchors = Vec::new();
    let mut story = stories.into_iter().peekable();
    let mut i = 0u64;
    let mut last_anchor: Option<Anchor> = None;
    // The jitter of the next random record is drawn before it is compared
    // with the next story record, so records are merged by the times they
    // carry and the chain's timestamps never go backwards.
    let mut jitter: Option<i64> = None;
    loop {
        let next_random = (i < n_random).then(|| {
            let j = *jitter.get_or_insert_with(|| rng.below(step as u64) as i64);
            begin + i as i64 * step + j
        });
        let rec = match (next_random, story.peek()) {
            (Some(t), Some(s)) if s.ts <= t => story.next().expect("peeked"),
            (Some(t), _) => {
                i += 1;
                jitter = None;
                random_rec(&mut rng, t)
            }
            (None, Some(_)) => story.next().expect("peeked"),
            (None, None) => break,
        };
        seq += 1;
        let stamp = ts(rec.ts);
        let line = Record::encode(seq, &stamp, &rec.actor, rec.action, &rec.details, &prev)
            .map_err(|e| Error::failed(format!("cannot encode an audit record: {e}")))?;
        let hash = line[line.len() - 66..line.len() - 2].to_string();
        let roll = if large {
            size > 0 && size + line.len() as u64 + 1 > MAX_FILE_BYTES
        } else {
            files.len() == 1 && seq == split_small + 1
        };
        if roll {
            out.flush().context("cannot write the audit chain")?;
            files.push(dir.join(audit_file_name(files.len() as u64 + 1)));
            out = open(files.last().expect("a file"))?;
            size = 0;
        }
        out.write_all(line.as_bytes())
            .and_then(|_| out.write_all(b"\n"))
            .context("cannot write the audit chain")?;
        size += line.len() as u64 + 1;
        let anchor = Anchor {
            seq,
            timestamp: stamp,
            actor: rec.actor,
            action: rec.action.to_string(),
            hash: hash.clone(),
        };
        if seq.is_multiple_of(ANCHOR_EVERY) {
            anchors.push(anchor);
            last_anchor = None;
        } else {
            last_anchor = Some(anchor);
        }
        prev = hash;
    }
    out.flush().context("cannot write the audit chain")?;
    anchors.extend(last_anchor);
    for f in &files {
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o640))
            .with_context(|| format!("cannot set the mode of {}", f.display()))?;
    }
    Ok(ChainOut {
        records: seq,
        files,
        anchors,
        head_seq: seq,
        head_hash: prev,
    })
}

fn open(path: &Path) -> Result<std::io::BufWriter<std::fs::File>> {
    let f =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(std::io::BufWriter::with_capacity(1 << 20, f))
}
