//! The sandbox's SQLite database: the schema other commands rely on
//! (`tasks`, `sessions`, `audit_log`), filled in big transactions, then
//! switched to WAL mode and closed clean (no -wal or -shm left behind).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rusqlite::{Connection, params};

use super::chain::Anchor;
use super::json::{J, ts};
use super::logs::{HOUR, Plan, Session, TASK_TYPES, TaskRow};
use super::rng::Rng;
use crate::error::{Context, Result};

pub const SCHEMA: &str = "
CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    priority INTEGER NOT NULL,
    correlation_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    payload TEXT
);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    data TEXT
);
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    timestamp TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX idx_tasks_status ON tasks(status);
";

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct DbStats {
    pub tasks: u64,
    pub sessions: u64,
    pub audit_anchors: u64,
    pub bytes: u64,
}

const WORDS: [&str; 24] = [
    "quarterly",
    "revenue",
    "contract",
    "renewal",
    "incident",
    "summary",
    "customer",
    "churn",
    "latency",
    "regional",
    "forecast",
    "invoice",
    "policy",
    "review",
    "vendor",
    "risk",
    "audit",
    "pipeline",
    "release",
    "notes",
    "support",
    "ticket",
    "escalation",
    "migration",
];

fn words(rng: &mut Rng, n: usize) -> String {
    let mut s = String::with_capacity(n * 8);
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        let w: &&str = rng.pick(&WORDS);
        s.push_str(w);
    }
    s
}

fn payload(rng: &mut Rng, kind: &str, status: &str, big: bool) -> String {
    let mut j = J::new();
    j.open("input")
        .s("document_id", &format!("doc-{}", rng.hex(12)))
        .i("pages", rng.range(1, 120))
        .s("prompt", &words(rng, if big { 28 } else { 8 }))
        .close();
    j.s("task_type", kind);
    if status == "completed" {
        j.open("result")
            .i("tokens", rng.range(20, 900))
            .s("summary", &words(rng, if big { 24 } else { 6 }))
            .close();
    } else if status == "failed" {
        j.open("error")
            .s("code", "T004")
            .s("message", "Task execution timeout")
            .close();
    }
    j.finish()
}

/// Creates `path` with the tasks the logs mention, `history` older tasks,
/// the sessions and the audit anchors.
pub fn write_db(
    path: &Path,
    plan: &Plan,
    tasks: &[TaskRow],
    history: u64,
    sessions: &[Session],
    anchors: &[Anchor],
) -> Result<DbStats> {
    let mut rng = Rng::stream(plan.seed, 3);
    let big = history > 10_000;
    let mut conn = Connection::open(path)
        .with_context(|| format!("cannot create the database {}", path.display()))?;
    conn.execute_batch(
        "PRAGMA page_size = 4096; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA user_version = 4;",
    )?;
    conn.execute_batch(SCHEMA)?;
    let tx = conn.transaction()?;
    {
        let mut ins = tx.prepare(
            "INSERT INTO tasks (id, type, status, priority, correlation_id, created_at, updated_at, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        // Older, finished tasks: from 90 days ago up to the logged day.
        let begin = plan.now - 90 * 24 * HOUR;
        let end = plan.start - HOUR;
        let step = ((end - begin) / history.max(1) as i64).max(1);
        for i in 0..history {
            let created = begin + i as i64 * step + rng.below(step as u64) as i64;
            let kind = *rng.pick(&TASK_TYPES);
            let status = match rng.below(100) {
                0..88 => "completed",
                88..96 => "failed",
                _ => "cancelled",
            };
            let id = format!("task_{:011x}{:03x}", created, rng.below(4096));
            let updated = created + rng.range(150, 30_000);
            ins.execute(params![
                id,
                kind,
                status,
                rng.range(1, 6),
                rng.hex(16),
                ts(created),
                ts(updated),
                payload(&mut rng, kind, status, big),
            ])?;
        }
        for t in tasks {
            ins.execute(params![
                t.id,
                t.kind,
                t.status,
                t.priority,
                t.correlation_id,
                ts(t.created),
                ts(t.updated),
                payload(&mut rng, t.kind, t.status, false),
            ])?;
        }
        let mut ins = tx.prepare(
            "INSERT INTO sessions (id, user_id, created_at, last_seen, data) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for s in sessions {
            let mut j = J::new();
            j.s("source_ip", &s.ip)
                .s("user_agent", "talos-web/4.0")
                .raw(
                    "roles",
                    if s.user == "admin" {
                        "[\"admin\"]"
                    } else {
                        "[\"operator\"]"
                    },
                );
            ins.execute(params![
                s.id,
                s.user,
                ts(s.created),
                ts(s.last_seen),
                j.finish()
            ])?;
        }
        let mut ins = tx.prepare(
            "INSERT INTO audit_log (seq, timestamp, actor, action, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for a in anchors {
            ins.execute(params![
                a.seq as i64,
                a.timestamp,
                a.actor,
                a.action,
                a.hash
            ])?;
        }
    }
    tx.commit()?;
    conn.execute_batch("PRAGMA synchronous = FULL;")?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if mode != "wal" {
        return Err(crate::error::Error::failed(format!(
            "the database refused WAL mode (journal_mode is {mode})"
        )));
    }
    conn.close().map_err(|(_, e)| e)?;
    std::fs::set_permissions(
        path,
        std::fs::Permissions::from_mode(crate::install::SECRET_FILE_MODE),
    )
    .with_context(|| format!("cannot set the mode of {}", path.display()))?;
    let bytes = std::fs::metadata(path)?.len();
    Ok(DbStats {
        tasks: history + tasks.len() as u64,
        sessions: sessions.len() as u64,
        audit_anchors: anchors.len() as u64,
        bytes,
    })
}
