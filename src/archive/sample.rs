//! A small but complete installation (config, secrets, certificate, state,
//! WAL-mode database, audit chain, custom code) for `talos drill` on a
//! machine with no installation, and for tests. The full generator is
//! `talos sandbox init`; this one holds exactly what a restore must carry.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::error::{Context, Error, Result};
use crate::install::Layout;

fn write(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the mode of {}", path.display()))
}

/// Creates the installation under `root`. `db_bytes` pads the database with
/// that much row data (tests that need a backup to take a while).
pub fn create(root: &Path, db_bytes: u64) -> Result<Layout> {
    let l = Layout::new(root);
    for (dir, mode) in l.directories() {
        crate::fsutil::create_dir_mode(&dir, mode)?;
    }
    write(
        &l.config_file,
        b"version: \"4.0\"\norchestrator:\n  api_url: http://127.0.0.1:8080\n  process_match: talos-sim\nlogging:\n  level: info\nbackup:\n  keep: 7\n",
        crate::install::SECRET_FILE_MODE,
    )?;
    write(
        &l.config_dir.join("config.yaml.backup.1"),
        b"version: \"4.0\"\norchestrator: {}\nlogging:\n  level: debug\n",
        crate::install::SECRET_FILE_MODE,
    )?;
    write(
        &l.token_file,
        b"sample-admin-token-0123456789\n",
        crate::install::SECRET_FILE_MODE,
    )?;
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])
        .map_err(|e| Error::failed(format!("cannot make a certificate: {e}")))?;
    write(&l.ssl_dir.join("cert.pem"), ck.cert.pem().as_bytes(), 0o644)?;
    write(
        &l.ssl_dir.join("key.pem"),
        ck.signing_key.serialize_pem().as_bytes(),
        crate::install::SECRET_FILE_MODE,
    )?;
    write(
        &l.orchestrator_state(),
        br#"{"status":"running","started_at":"2024-01-15T08:00:00Z","version":"4.0.0"}"#,
        crate::install::SECRET_FILE_MODE,
    )?;
    write(
        &l.task_queue(),
        br#"{"pending":[{"id":"task-1","type":"analysis"},{"id":"task-2","type":"report"}]}"#,
        crate::install::SECRET_FILE_MODE,
    )?;
    write(
        &l.breakers_file(),
        br#"{"breakers":{"llm_api":{"state":"closed","failure_count":0,"failure_threshold":5,"recovery_timeout_s":60,"opened_at":null,"last_failure":null}}}"#,
        crate::install::SECRET_FILE_MODE,
    )?;
    write(
        &l.heartbeat(),
        b"2024-01-15T08:30:00Z\n",
        crate::install::SECRET_FILE_MODE,
    )?;
    write(
        &l.sessions_dir().join("sess-1.json"),
        br#"{"id":"sess-1","user":"alice"}"#,
        crate::install::SECRET_FILE_MODE,
    )?;
    {
        let c = rusqlite::Connection::open(&l.db)?;
        c.pragma_update(None, "journal_mode", "WAL")?;
        c.execute_batch(
            "CREATE TABLE tasks (id INTEGER PRIMARY KEY, name TEXT, payload BLOB);
             CREATE TABLE sessions (id TEXT PRIMARY KEY, user TEXT);
             CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, hash TEXT);
             INSERT INTO sessions VALUES ('sess-1', 'alice');",
        )?;
        let tx = c.unchecked_transaction()?;
        let chunk = 64 * 1024;
        let rows = (db_bytes / chunk).max(3);
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for i in 0..rows {
            // Incompressible-ish payload so archives have a realistic size.
            let mut payload = vec![0u8; if db_bytes == 0 { 64 } else { chunk as usize }];
            for b in payload.iter_mut() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *b = (seed % 16) as u8 + b'a';
            }
            tx.execute(
                "INSERT INTO tasks (name, payload) VALUES (?1, ?2)",
                rusqlite::params![format!("task-{i}"), payload],
            )?;
        }
        tx.commit()?;
    }
    std::fs::set_permissions(
        &l.db,
        std::fs::Permissions::from_mode(crate::install::SECRET_FILE_MODE),
    )?;
    for i in 0..5 {
        let a = crate::audit::append_in(
            &l.audit_dir,
            "orchestrator",
            "task_completed",
            &serde_json::json!({"task": format!("task-{i}")}),
            &format!("2024-01-15T08:3{i}:00.000Z"),
        )?;
        let c = rusqlite::Connection::open(&l.db)?;
        c.execute(
            "INSERT INTO audit_log (seq, hash) VALUES (?1, ?2)",
            rusqlite::params![a.seq as i64, a.hash],
        )?;
    }
    write(
        &l.orchestrator_log(),
        b"{\"timestamp\":\"2024-01-15T08:30:00.000Z\",\"level\":\"INFO\",\"component\":\"orchestrator\",\"message\":\"started\",\"correlation_id\":\"c-1\"}\n",
        0o640,
    )?;
    write(
        &l.custom_dir.join("plugins/hello.py"),
        b"def hello():\n    return 'hello'\n",
        0o644,
    )?;
    write(
        &l.custom_dir.join("extensions/README"),
        b"extensions live here\n",
        0o644,
    )?;
    Ok(l)
}
