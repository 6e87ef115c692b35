//! The checks themselves. Each reads files (never writes) and pushes its
//! findings; a check that cannot run says so as a warning instead of
//! stopping the others.

use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};

use super::fix::Action;
use super::{Finding, Inputs, procs};
use crate::db;
use crate::logfiles;
use crate::logs::Tier;
use crate::process::{PidStatus, StaleReason};

/// Thresholds (docs/format.md `health`, docs/runbook.md); disk and memory
/// come from `health`.
pub const HEARTBEAT_WARN_SECS: i64 = 10;
pub const HEARTBEAT_FAIL_SECS: i64 = 30;
pub const CERT_WARN_DAYS: i64 = 30;
pub const BACKUP_MAX_AGE_HOURS: i64 = 26;
/// A timestamp this far past now is in the future (clock skew).
pub const FUTURE_TOLERANCE_SECS: i64 = 60;
/// Log lines from several threads may be slightly out of order; the audit
/// chain is written under a lock, so it must not go back at all beyond this.
pub const LOG_BACKWARDS_TOLERANCE_SECS: i64 = 5;
pub const AUDIT_BACKWARDS_TOLERANCE_SECS: i64 = 1;

pub fn all(i: &Inputs) -> Vec<Finding> {
    // The log scan reads every Tier 2/3 line, by far the longest check on a
    // big host: it runs beside the others, its findings in their place.
    let (found_in_logs, (mut out, rest)) = rayon::join(
        || {
            let mut v = Vec::new();
            if i.scan_logs {
                logs(i, &mut v);
            }
            v
        },
        || {
            let mut out = Vec::new();
            let rest = all_but_logs(i, &mut out);
            (out, rest)
        },
    );
    out.extend(found_in_logs);
    out.extend(rest);
    out
}

/// Every check but the log scan: those before it into `out`, those after it
/// returned.
fn all_but_logs(i: &Inputs, out: &mut Vec<Finding>) -> Vec<Finding> {
    let daemon_pids = pid_and_processes(i, out);
    heartbeat(i, !daemon_pids.is_empty(), out);
    restore_journal(i, out);
    emergency(i, !daemon_pids.is_empty(), out);
    super::audit_gone::audit_gone(i, out);
    audit_chain(i, out);
    super::crashloop::crash_loop(i, out);
    database(i, out);
    state_json(i, out);
    state_files(i, out);
    admin_token(i, out);
    breakers_past_cooldown(i, out);
    let mut rest = Vec::new();
    heartbeat_and_block_clock(i, &mut rest);
    locks(i, &mut rest);
    leftovers(i, &mut rest);
    config(i, &mut rest);
    certificate(i, &mut rest);
    super::tls::key_pair(i, &mut rest);
    super::tls::served_cert(i, &mut rest);
    super::port::api_port(i, &mut rest);
    read_only(i, &mut rest);
    disk(i, &mut rest);
    memory(i, &mut rest);
    backups(i, &mut rest);
    super::backup_check::newest_backup(i, &mut rest);
    rest
}

/// The root holds no installation at all (neither DATA_DIR nor CONFIG_DIR):
/// a wrong `--root` / `TALOS_ROOT`. Every other finding would follow from it.
pub fn not_an_installation(l: &crate::install::Layout) -> Option<Finding> {
    if l.data_dir.is_dir() || l.config_dir.is_dir() {
        return None;
    }
    Some(
        Finding::fail(
            "installation",
            format!(
                "{} is not a talos installation: neither {} nor {} exists",
                l.root.display(),
                l.data_dir.display(),
                l.config_dir.display()
            ),
        )
        .path(&l.root)
        .fix("point --root (or TALOS_ROOT) at the directory that holds etc/talos and var/lib/talos; `talos sandbox init DIR` makes a practice installation"),
    )
}

/// The daemon's own signs of life besides its PID: a fresh heartbeat, an
/// API that answers. Each is a sentence of evidence.
fn signs_of_life(i: &Inputs) -> Vec<String> {
    let mut out = Vec::new();
    // The probe has watched the heartbeat already when it found no
    // verified daemon; otherwise watch it here.
    let alive = match i.live {
        Some(l) if l.verdict == crate::daemon::Verdict::Unverified => l.heartbeat_age_s,
        Some(l) if l.verdict.is_down() => None,
        _ => crate::daemon::heartbeat::heartbeat_alive(
            &i.layout.heartbeat(),
            crate::daemon::heartbeat::HEARTBEAT_WATCH,
        ),
    };
    if let Some(age) = alive {
        out.push(format!(
            "its heartbeat is being rewritten ({age:.1}s old, {})",
            i.layout.heartbeat().display()
        ));
    }
    if let Some(h) = i.live.and_then(|l| l.health()) {
        out.push(format!(
            "the API answers at {} (HTTP {})",
            i.live.map(|l| l.url.as_str()).unwrap_or("?"),
            h.http_status
        ));
    }
    out
}

fn could_not(check: &'static str, what: &str, e: impl std::fmt::Display) -> Finding {
    Finding::warn(check, format!("could not check {what}: {e}"))
        .fix("check that the files are readable (run as the talos user or root), then `talos doctor` again")
}

fn ago(now: Timestamp, t: Timestamp) -> i64 {
    now.duration_since(t).as_secs()
}

// ---- daemon: PID file, split brain ----

/// Returns the PIDs of the orchestrator(s) of this installation.
fn pid_and_processes(i: &Inputs, out: &mut Vec<Finding>) -> Vec<u32> {
    let l = i.layout;
    let (status, procs) = match procs::orchestrators(l, &i.settings.process_match.value) {
        Ok(x) => x,
        Err(e) => {
            out.push(could_not("pid_file", "the PID file", e));
            return Vec::new();
        }
    };
    match &status {
        PidStatus::NoPidFile { .. } => {
            let life = signs_of_life(i);
            if life.is_empty() {
                out.push(
                    Finding::info("pid_file", "the daemon is not running (no PID file)")
                        .path(&l.pid_file),
                );
            } else {
                // Starting a daemon now would make two.
                let mut f = Finding::warn("pid_file", "a daemon seems to run without a PID file")
                    .evidence(format!("no PID file at {}", l.pid_file.display()));
                for e in life {
                    f = f.evidence(e);
                }
                out.push(
                    f.evidence("talos cannot verify or signal a daemon without its PID file")
                        .fix("do not start another daemon; find it (`ps -eo pid,lstart,args | grep -i talos`) and restart it through your service manager so it writes its PID file")
                        .path(&l.pid_file),
                );
            }
        }
        PidStatus::Stale { pid, reason, .. } => {
            let pid_s = pid.map(|p| p.to_string()).unwrap_or_else(|| "?".into());
            let life = signs_of_life(i);
            let candidates = !procs.is_empty();
            if !life.is_empty() || candidates {
                // Conflicting evidence: the PID does not verify, yet the
                // daemon shows signs of life. Never advise removing the PID
                // file of what may be the live daemon.
                let mut f = Finding::warn(
                    "pid_file",
                    format!("the PID file (PID {pid_s}) cannot be verified, but a daemon shows signs of life"),
                )
                .evidence(format!("{}: {reason}", l.pid_file.display()));
                for e in life {
                    f = f.evidence(e);
                }
                let fix = match reason {
                    StaleReason::NotOrchestrator { .. } => format!(
                        "if PID {pid_s} is the daemon, its command line does not match orchestrator.process_match (`{}`): correct it in {} (`talos config show` shows the value in force), then `talos doctor` again; keep the PID file",
                        i.settings.process_match.value,
                        l.config_file.display()
                    ),
                    _ => "keep the PID file and do not start another daemon; find the daemon (`ps -eo pid,lstart,args | grep -i talos`) and restart it through your service manager so it writes a PID file talos can verify".to_string(),
                };
                out.push(f.fix(fix).path(&l.pid_file));
            } else {
                let mut f = Finding::warn("pid_file", format!("stale PID file (PID {pid_s})"))
                    .evidence(format!("{}: {reason}", l.pid_file.display()))
                    .evidence("no heartbeat in the last 10 s and no API answer: the daemon is not running")
                    .path(&l.pid_file);
                if matches!(reason, StaleReason::Dead | StaleReason::Unreadable { .. })
                    && let Ok(content) =
                        crate::fsutil::read_small_string(&l.pid_file, crate::fsutil::SMALL_FILE_CAP)
                {
                    f = f
                        .fix("`talos doctor --fix` removes it (after checking again that its process is gone)")
                        .action(Action::RemoveStalePidFile {
                            path: l.pid_file.clone(),
                            content,
                        });
                } else {
                    f = f.fix(format!(
                        "the PID now belongs to another program, which talos leaves alone; remove the file: `rm {}`",
                        l.pid_file.display()
                    ));
                }
                out.push(f);
            }
        }
        PidStatus::Verified { process, .. } => {
            out.push(
                Finding::info(
                    "pid_file",
                    format!("the daemon is running (PID {})", process.pid),
                )
                .evidence(process.cmdline.clone())
                .path(&l.pid_file),
            );
        }
    }
    let verified = match &status {
        PidStatus::Verified { process, .. } => Some(process.pid),
        _ => None,
    };
    if procs.len() > 1 {
        let mut f = Finding::fail(
            "split_brain",
            format!(
                "{} orchestrator processes run for this installation (split brain)",
                procs.len()
            ),
        );
        for p in &procs {
            let started = Timestamp::from_second(p.started_at as i64)
                .map(crate::timespec::format_ts)
                .unwrap_or_default();
            let mark = if Some(p.pid) == verified {
                " [in PID file]"
            } else {
                ""
            };
            f = f.evidence(format!(
                "PID {}{mark}, started {started}: {}",
                p.pid, p.cmdline
            ));
        }
        let keep = verified
            .map(|p| format!("keep PID {p} (the one in the PID file) and "))
            .unwrap_or_default();
        out.push(f.fix(format!(
            "two daemons on one data directory corrupt its state: {keep}stop the others through your service manager; \
             then decide which state is authoritative (stop all, pick one state, resume a single instance) \
             and check it with `talos doctor` (split brain in docs/runbook.md)"
        )));
    } else if let (Some(p), None) = (procs.first(), verified) {
        out.push(
            Finding::warn(
                "split_brain",
                format!("an orchestrator runs (PID {}) but the PID file does not name it", p.pid),
            )
            .evidence(p.cmdline.clone())
            .fix("talos cannot verify or signal it: stop it through your service manager and start it again so it writes its PID file"),
        );
    }
    let mut pids: Vec<u32> = procs.iter().map(|p| p.pid).collect();
    if let Some(v) = verified
        && !pids.contains(&v)
    {
        pids.push(v);
    }
    pids
}

fn heartbeat(i: &Inputs, running: bool, out: &mut Vec<Finding>) {
    if !running {
        return;
    }
    let hb = i.layout.heartbeat();
    let Some(t) = crate::fsutil::read_small_string(&hb, crate::fsutil::SMALL_FILE_CAP)
        .ok()
        .and_then(|s| logfiles::parse_ts(&s))
    else {
        out.push(
            Finding::warn(
                "heartbeat",
                "the daemon runs but its heartbeat file is missing or unreadable",
            )
            .path(&hb)
            .fix(
                "`talos health` for the daemon's own view; if it does not answer, `talos restart`",
            ),
        );
        return;
    };
    let age = ago(i.now, t);
    if -age > crate::daemon::heartbeat::HEARTBEAT_FUTURE_SECS as i64 {
        // Not fresh: an age from the future says nothing about whether the
        // event loop works (the same rule as `talos health` and status).
        out.push(
            Finding::warn(
                "heartbeat",
                format!(
                    "the heartbeat is dated {} in the future: it cannot tell whether the daemon works",
                    crate::units::human_duration(-age)
                ),
            )
            .evidence(format!("{}: {}", hb.display(), crate::timespec::format_ts(t)))
            .path(&hb)
            .fix("check the clock (`timedatectl status`); then `talos health` again: a heartbeat that stops moving means a blocked event loop (`talos restart`, or `talos panic --reason \"event loop blocked\"`)"),
        );
        return;
    }
    if age > HEARTBEAT_WARN_SECS {
        let f = if age > HEARTBEAT_FAIL_SECS {
            Finding::fail(
                "heartbeat",
                format!("heartbeat is {age} s old: the event loop may be blocked"),
            )
        } else {
            Finding::warn("heartbeat", format!("heartbeat is {age} s old"))
        };
        out.push(
            f.evidence(format!("{}: {}", hb.display(), crate::timespec::format_ts(t)))
                .path(&hb)
                .fix("the event loop looks blocked (F-001 in docs/runbook.md): `talos health`; if the block persists, `talos restart`, or `talos panic --reason \"event loop blocked\"`"),
        );
    }
}

// ---- recovery state ----

fn restore_journal(i: &Inputs, out: &mut Vec<Finding>) {
    let j = i.layout.data_dir.join("restore.journal");
    let Ok(text) = crate::fsutil::read_small_string(&j, crate::fsutil::SMALL_FILE_CAP) else {
        return;
    };
    let mut f = Finding::fail(
        "restore",
        "a restore did not finish: the installation may mix old and new files",
    )
    .integrity()
    .path(&j);
    let summary: String = text
        .lines()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(300)
        .collect();
    if !summary.is_empty() {
        f = f.evidence(format!("restore.journal: {summary}"));
    }
    // `talos restore` refuses while the journal exists; --resume finishes
    // the interrupted restore, --abort puts the pre-restore state back.
    // (`run_opts` adds --root to every `talos ...` of a fix.)
    let mut fix = "`talos restore --resume` finishes it; `talos restore --abort` puts the previous state back".to_string();
    if let Some(r) = newest_file(&i.layout.rollback_dir(), |n| n.ends_with(".tar.gz")) {
        fix.push_str(&format!(
            "; once finished, `talos restore {}` undoes it",
            r.display()
        ));
    }
    out.push(f.fix(fix));
}

fn newest_file(dir: &Path, want: impl Fn(&str) -> bool) -> Option<PathBuf> {
    let mut v: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(&want))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    v.sort();
    v.pop().map(|(_, p)| p)
}

fn emergency(i: &Inputs, running: bool, out: &mut Vec<Finding>) {
    let es = i.layout.emergency_state();
    if let Ok(text) = crate::fsutil::read_small_string(&es, crate::fsutil::SMALL_FILE_CAP)
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
        && v.get("recovery_available").and_then(|x| x.as_bool()) == Some(true)
    {
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("?").to_string();
        out.push(
            Finding::warn(
                "emergency",
                format!(
                    "a panic stopped the daemon at {} (method {}, reason: {}); emergency_state.json is waiting to be recovered",
                    s("panic_timestamp"),
                    s("method"),
                    s("reason")
                ),
            )
            .evidence(format!(
                "panic at {}: {}",
                s("panic_timestamp"),
                s("reason")
            ))
            .evidence(format!(
                "preserve: {}",
                v.get("preserve").and_then(|x| x.as_str()).unwrap_or("none")
            ))
            .path(&es)
            .fix("`talos recover` shows what the preserve holds and puts the state back"),
        );
    }
    let sp = i.layout.signal_panic();
    if sp.exists() && running {
        out.push(
            Finding::warn(
                "emergency",
                "SIGNAL_PANIC exists: the daemon was asked to stop (it checks at least every 5 s)",
            )
            .path(&sp)
            .fix("if it is still up in a minute, `talos panic --reason \"...\"` escalates"),
        );
    }
    if sp.exists() && !running {
        out.push(
            Finding::warn(
                "emergency",
                "SIGNAL_PANIC is waiting: the daemon will stop again as soon as it starts",
            )
            .path(&sp)
            .fix(format!(
                "if the emergency is over, `rm {}` before starting the daemon",
                sp.display()
            )),
        );
    }
}

// ---- integrity of files ----

fn audit_chain(i: &Inputs, out: &mut Vec<Finding>) {
    use crate::audit::{anchors, verify};
    if super::audit_gone::is_gone(i) {
        return; // named by `audit_gone`, with the fix that puts it back
    }
    // The same anchors `talos audit verify-chain` uses by default: each
    // backup's audit_head and the database's audit_log table.
    let (found, _) = anchors::external_anchors(&i.layout.db, &i.settings.backup_dir.value);
    // Timestamps of the chain (in the future, going back) are checked in
    // the same pass: the chain of a long-lived host holds millions of
    // records, read once. Like the log scan, this is doctor's, not
    // status's (status stays well under a second on a big host).
    let opts = verify::VerifyOptions {
        clock: i.scan_logs.then_some(verify::ClockLimits {
            now: i.now,
            future_secs: FUTURE_TOLERANCE_SECS,
            backwards_secs: AUDIT_BACKWARDS_TOLERANCE_SECS,
        }),
        ..verify::VerifyOptions::default()
    };
    let report = match verify::verify_chain_with(&i.layout.audit_dir, &found, &opts) {
        Ok(r) => r,
        Err(e) => {
            out.push(could_not("audit_chain", "the audit chain", e));
            return;
        }
    };
    if let Some(e) = &report.first_error {
        let place = match (&e.file, e.line) {
            (Some(f), Some(l)) => format!("{} line {l}", f.display()),
            (Some(f), None) => f.display().to_string(),
            _ => i.layout.audit_dir.display().to_string(),
        };
        let mut f = Finding::fail(
            "audit_chain",
            format!("the audit chain does not verify: {}", e.kind.as_str()),
        )
        .integrity()
        .evidence(format!("{place} (seq {}): {}", e.seq, e.message))
        .evidence(format!("{} record(s) verified before it", e.seq.saturating_sub(1)))
        .fix(format!(
            "`talos audit verify-chain` for the full report; {} (keep the files as they are: they are evidence)",
            e.fix
        ));
        if let Some(p) = &e.file {
            f = f.path(p);
        }
        out.push(f);
    }
    let clock = report.clock.unwrap_or_default();
    if let Some(e) = clock.future {
        out.push(clock_finding("an audit record is dated in the future").evidence(e));
    }
    if let Some(e) = clock.backwards {
        out.push(clock_finding("audit record times go backwards").evidence(e));
    }
}

fn clock_finding(title: &str) -> Finding {
    Finding::warn("clock", format!("clock skew: {title}")).fix(
        "check time synchronisation (`timedatectl status`, `chronyc tracking`); \
         times logged while the clock was wrong will sort out of order in `talos log query` and `talos incident report`",
    )
}

/// How long doctor waits on a busy database before calling it locked.
const DB_BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(2);
/// A write lock still held by the same process after this long is reported.
const WRITE_LOCK_REPORT: std::time::Duration = std::time::Duration::from_secs(2);

/// SQLite's lock bytes (os_unix.c): in WAL mode the writer holds byte 120
/// of the `-shm` file; in rollback mode RESERVED is byte 0x40000001 and
/// PENDING/EXCLUSIVE are 0x40000000 and 0x40000002.. of the database file.
const WAL_WRITE_LOCK_BYTE: u64 = 120;
const PENDING_BYTE: u64 = 0x4000_0000;

fn shm_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push("-shm");
    PathBuf::from(s)
}

/// The PID holding SQLite's write lock on `db`, if any (from /proc/locks).
fn write_lock_holder(db: &Path) -> Option<u32> {
    let covers = |l: &procs::KernelLock, byte: u64| {
        l.mode == "WRITE" && l.start <= byte && l.end.is_none_or(|e| e >= byte)
    };
    let me = std::process::id();
    procs::kernel_locks(&shm_path(db))
        .into_iter()
        .find(|l| l.pid != me && covers(l, WAL_WRITE_LOCK_BYTE))
        .or_else(|| {
            procs::kernel_locks(db)
                .into_iter()
                .find(|l| l.pid != me && (covers(l, PENDING_BYTE) || covers(l, PENDING_BYTE + 1)))
        })
        .map(|l| l.pid)
}

fn who(pid: u32) -> String {
    match procs::argv(pid) {
        Some(a) => format!("PID {pid} ({})", a.join(" ")),
        None => format!("PID {pid}"),
    }
}

/// Busy or locked is not corrupt: name who holds the database, never
/// prescribe a restore for a lock.
fn database_locks(i: &Inputs, locked: Option<&str>, out: &mut Vec<Finding>) {
    let db = &i.layout.db;
    let holder = write_lock_holder(db);
    let held_long = holder.filter(|pid| {
        // Sample again: a writer that commits within the wait is normal.
        let until = std::time::Instant::now() + WRITE_LOCK_REPORT;
        while std::time::Instant::now() < until {
            if write_lock_holder(db) != Some(*pid) {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        true
    });
    if locked.is_none() && held_long.is_none() {
        return;
    }
    let mut open_by: Vec<(u32, String)> = procs::holders(db);
    for (pid, cmd) in procs::holders(&shm_path(db)) {
        if !open_by.iter().any(|(p, _)| *p == pid) {
            open_by.push((pid, cmd));
        }
    }
    let daemon = i.live.and_then(|l| match &l.pid_file {
        PidStatus::Verified { process, .. } => Some(process.pid),
        _ => None,
    });
    let title = match (locked, held_long) {
        (Some(_), _) => format!(
            "the database is locked: it stayed busy for {} s (a lock, not damage)",
            DB_BUSY_WAIT.as_secs()
        ),
        (None, Some(pid)) => format!(
            "a write lock on the database has been held for over {} s by {}",
            WRITE_LOCK_REPORT.as_secs(),
            who(pid)
        ),
        _ => unreachable!(),
    };
    let mut f = Finding::warn("database", title).path(db);
    if let Some(e) = locked {
        f = f.evidence(format!("SQLite: {e}"));
    }
    if let Some(pid) = holder {
        f = f.evidence(format!("write lock held by {}", who(pid)));
    }
    for (pid, cmd) in open_by.iter().take(8) {
        let mark = if Some(*pid) == daemon {
            " [the daemon]"
        } else {
            ""
        };
        f = f.evidence(format!("open by PID {pid}{mark}: {cmd}"));
    }
    let culprit = holder.or_else(|| open_by.iter().map(|(p, _)| *p).find(|p| Some(*p) != daemon));
    let fix = match culprit {
        Some(p) if Some(p) != daemon => format!(
            "PID {p} holds the database: let it finish, or end that program (it is not the daemon); writes wait meanwhile. Do not restore the database for a lock: the data is intact. Then `talos db check`"
        ),
        Some(p) => format!(
            "the daemon (PID {p}) holds the lock: `talos health`; if it stays locked, `talos restart`. Do not restore the database for a lock: the data is intact"
        ),
        None => "find who holds it (`fuser -v DB` or `lsof DB`, as root) and let it finish or end it; do not restore the database for a lock: the data is intact. Then `talos db check`".replace("DB", &db.display().to_string()),
    };
    out.push(f.fix(fix));
}

fn database(i: &Inputs, out: &mut Vec<Finding>) {
    // The full integrity_check (indexes against their tables too) is
    // --deep's: quick_check finds damaged pages and records in a fraction of
    // the time on a big database.
    let pragma = if i.deep {
        db::Pragma::Integrity
    } else {
        db::Pragma::Quick
    };
    // The health report of the same run (offline, or the incident report's
    // "State now") has run quick_check on this database: a clean answer is
    // not asked for twice (it reads the whole file, twice over). Anything
    // else is asked again, for the rows.
    let known_ok = pragma == db::Pragma::Quick
        && i.database
            .map(|check| check())
            .or_else(|| measured(i, "database"))
            .is_some_and(|c| {
            matches!(&c.detail, crate::health::Detail::Database(d) if d.quick_check.as_deref() == Some("ok"))
        });
    let mut r = db::check_with(
        &i.layout.db,
        DB_BUSY_WAIT,
        if known_ok { db::Pragma::Skip } else { pragma },
    );
    if known_ok && r.open_error.is_none() && r.locked.is_none() {
        r.integrity = vec!["ok".to_string()];
    }
    database_locks(i, r.locked.as_deref(), out);
    if r.locked.is_some() {
        return;
    }
    let restore = format!(
        "stop the daemon, then restore the database: {}",
        restore_cmd(i, "database")
    );
    if !r.exists {
        out.push(
            Finding::fail("database", "the database does not exist")
                .path(&r.path)
                .fix(restore.clone()),
        );
        return;
    }
    if let Some(e) = &r.open_error {
        out.push(
            Finding::fail("database", "the database cannot be read")
                .integrity()
                .evidence(e.clone())
                .path(&r.path)
                .fix(format!("`talos db check` for details; {restore}")),
        );
        return;
    }
    if r.integrity != ["ok"] {
        let mut f = Finding::fail(
            "database",
            format!("the database fails PRAGMA {}", pragma.name()),
        )
        .integrity();
        for row in r.integrity.iter().take(5) {
            f = f.evidence(row.clone());
        }
        out.push(
            f.path(&r.path)
                .fix(format!("`talos db check` for details; {restore}")),
        );
    }
    if !r.tables_missing.is_empty() {
        out.push(
            Finding::fail(
                "database",
                format!("required table(s) missing: {}", r.tables_missing.join(", ")),
            )
            .integrity()
            .path(&r.path)
            .fix(restore.clone()),
        );
    }
    if let Some(m) = &r.journal_mode
        && !m.eq_ignore_ascii_case("wal")
    {
        out.push(
            Finding::warn("database", format!("journal mode is {m}, not WAL"))
                .path(&r.path)
                .fix(format!(
                    "with the daemon stopped: `sqlite3 {} 'PRAGMA journal_mode=WAL;'` (F-003 in docs/runbook.md)",
                    r.path.display()
                )),
        );
    }
    if r.wal_too_big() {
        out.push(
            Finding::warn(
                "database",
                format!(
                    "the WAL has grown to {}",
                    crate::units::human_bytes(r.wal_bytes)
                ),
            )
            .evidence(format!(
                "over {}: checkpoints are not keeping up",
                crate::units::human_bytes(db::WAL_WARN_BYTES)
            ))
            .path(db::wal_path(&r.path))
            .fix("`talos db checkpoint`")
            .action(Action::WalCheckpoint { db: r.path.clone() }),
        );
    }
}

fn state_json(i: &Inputs, out: &mut Vec<Finding>) {
    let mut files = Vec::new();
    collect_json(&i.layout.state_dir, &mut files);
    let es = i.layout.emergency_state();
    if es.is_file() {
        files.push(es);
    }
    files.sort();
    for f in files {
        let problem = match crate::fsutil::read_small(&f, crate::fsutil::SMALL_FILE_CAP) {
            Ok(bytes) => serde_json::from_slice::<serde_json::Value>(&bytes)
                .err()
                .map(|e| e.to_string()),
            Err(e) => Some(e.to_string()),
        };
        if let Some(p) = problem {
            out.push(
                Finding::fail("state_json", format!("corrupt JSON: {}", f.display()))
                    .integrity()
                    .evidence(p)
                    .path(&f)
                    .fix(format!("stop the daemon, then put back the state from the newest backup: {} (or `talos recover` when an emergency preserve is newer)", restore_cmd(i, "state"))),
            );
        }
    }
}

/// The state files the daemon keeps (docs/format.md): missing ones are
/// named (a daemon starting without them forgets open breakers and queued
/// tasks).
fn state_files(i: &Inputs, out: &mut Vec<Finding>) {
    // The whole data directory gone (an `rm -rf`, a volume not mounted):
    // one finding naming it, before the missing files inside it.
    let data = &i.layout.data_dir;
    if std::fs::symlink_metadata(data).is_err() {
        out.push(
            Finding::fail("state_files", format!("the data directory is missing: {}", data.display()))
                .evidence("it holds the database, the daemon's state and its emergency files; a volume that is not mounted looks the same")
                .path(data)
                .fix(format!(
                    "if it is a volume, mount it; else stop the daemon and put back the state and the database from the newest backup: {}",
                    restore_cmd(i, "state,database")
                )),
        );
        return;
    }
    if !i.layout.state_dir.is_dir() {
        return;
    }
    for f in [i.layout.breakers_file(), i.layout.task_queue()] {
        if std::fs::symlink_metadata(&f).is_err() {
            out.push(
                Finding::warn(
                    "state_files",
                    format!("state file missing: {}", f.display()),
                )
                .evidence("the daemon keeps its breakers and queued tasks there")
                .path(&f)
                .fix(format!(
                    "stop the daemon, then put back the state from the newest backup: {}",
                    restore_cmd(i, "state")
                )),
            );
        }
    }
}

/// The circuit breakers (circuit_breakers.json, which the daemon keeps
/// current): one forced open or disabled by hand (until someone resets it,
/// a warning), one open within its cooldown (a fact), and one still open
/// long after its cooldown (a warning)
/// (`recovery_timeout_s`): open for ten cooldowns and at least ten minutes.
fn breakers_past_cooldown(i: &Inputs, out: &mut Vec<Finding>) {
    let Ok(file) = crate::breakers::BreakerFile::load(&i.layout.breakers_file()) else {
        return;
    };
    for b in file.list() {
        if b.is_forced() {
            let how = b.forced.as_ref().map(|f| f.describe()).unwrap_or_default();
            out.push(
                Finding::warn(
                    "breakers",
                    format!("circuit breaker {} is {} {how}", b.name, b.state),
                )
                .path(i.layout.breakers_file())
                .fix(format!(
                    "it stays so until someone resets it: `talos breaker reset {}` once the reason is gone",
                    b.name
                )),
            );
            continue;
        }
        if !b.is_open() {
            continue;
        }
        // Open within its cooldown: the breaker doing its job, a fact
        // (status shows it on its breakers line), not yet a problem.
        let within = Finding::info(
            "breakers",
            format!(
                "circuit breaker {} is {}{}{}",
                b.name,
                b.state,
                b.opened_at
                    .as_deref()
                    .map(|t| format!(" since {}", crate::units::when_text_at(t, i.now)))
                    .unwrap_or_default(),
                b.failure_count
                    .map(|n| format!(", {n} failures"))
                    .unwrap_or_default()
            ),
        )
        .path(i.layout.breakers_file())
        .fix(format!(
            "wait for its cooldown, or once the dependency is back: `talos breaker reset {}`",
            b.name
        ));
        let Some(at) = b.opened_at.as_deref().and_then(crate::logfiles::parse_ts) else {
            out.push(within);
            continue;
        };
        let cooldown = b
            .raw
            .get("recovery_timeout_s")
            .and_then(|v| v.as_u64())
            .unwrap_or(60) as i64;
        let open_for = i.now.as_second() - at.as_second();
        if open_for < (cooldown * 10).max(600) {
            out.push(within);
            continue;
        }
        out.push(
            Finding::warn(
                "breakers",
                format!(
                    "breaker {} open for {} min, long past its {cooldown} s cooldown",
                    b.name,
                    open_for / 60
                ),
            )
            .evidence(format!(
                "opened_at {}",
                b.opened_at.clone().unwrap_or_default()
            ))
            .path(i.layout.breakers_file())
            .fix(format!(
                "check the dependency; once it is back: `talos breaker reset {}`",
                b.name
            )),
        );
    }
}

/// The admin token the online commands authenticate with.
fn admin_token(i: &Inputs, out: &mut Vec<Finding>) {
    if !i.layout.config_dir.is_dir() {
        return;
    }
    let path = &i.layout.token_file;
    let problem = match crate::fsutil::read_small(path, crate::fsutil::SMALL_FILE_CAP) {
        Ok(b) if String::from_utf8_lossy(&b).trim().is_empty() => Some("it is empty".to_string()),
        Ok(_) => None,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            out.push(
                Finding::warn("admin_token", format!("admin token missing: {}", path.display()))
                    .evidence("online commands (status, breaker reset, restart) cannot authenticate to the API")
                    .path(path)
                    .fix(format!("put the token back in {} (mode 0600), from your secret store or a backup's config/secrets/admin_token", path.display())),
            );
            return;
        }
        Err(e) => Some(e.to_string()),
    };
    if let Some(p) = problem {
        out.push(
            Finding::warn(
                "admin_token",
                format!("admin token unreadable: {}", path.display()),
            )
            .evidence(p)
            .evidence(
                "online commands (status, breaker reset, restart) cannot authenticate to the API",
            )
            .path(path)
            .fix(format!(
                "make {} a readable file (mode 0600, owned by the talos user) holding the token",
                path.display()
            )),
        );
    }
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            collect_json(&e.path(), out);
        } else if ft.is_file() && e.path().extension().is_some_and(|x| x == "json") {
            out.push(e.path());
        }
    }
}

/// Malformed lines in Tier 2/3 logs, and their timestamps (future,
/// backwards): every file in parallel slices, rotations and the scanned
/// prefix of the current files remembered in DATA_DIR (docs/ops.md,
/// "Doctor").
fn logs(i: &Inputs, out: &mut Vec<Finding>) {
    let mut files = Vec::new();
    for tier in [Tier::Ops, Tier::Debug] {
        match crate::logs::tier_files(&i.layout.log_dir, tier) {
            Ok(f) => files.extend(f),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(_) => out.push(could_not(
                "jsonl",
                "the logs",
                format!("cannot list {}", i.layout.log_dir.display()),
            )),
        }
    }
    let clock = crate::logs::check::Clock {
        now: i.now,
        future_secs: FUTURE_TOLERANCE_SECS,
        backwards_secs: LOG_BACKWARDS_TOLERANCE_SECS,
    };
    let cache = i.layout.data_dir.join(crate::logs::check::CACHE_NAME);
    for c in crate::logs::check::check_files(&files, clock, Some(&cache)) {
        log_findings(&c, out);
    }
}

fn log_findings(c: &crate::logs::check::FileCheck, out: &mut Vec<Finding>) {
    let path = &c.path;
    if let Some(e) = &c.error {
        // A truncated .gz rotation: the lines before the cut are intact,
        // and `repair jsonl` keeps them.
        let finding = if path.extension().is_some_and(|x| x == "gz") {
            let readable = c.lines;
            Finding::warn(
                "jsonl",
                format!(
                    "{} is truncated or damaged: {readable} line(s) are still readable",
                    path.display()
                ),
            )
            .fix(format!(
                "`talos repair jsonl {}` keeps the {readable} readable line(s) and the original as .corrupt",
                path.display()
            ))
        } else {
            Finding::warn("jsonl", format!("cannot read all of {}", path.display())).fix(
                "check the file's permissions and the disk (`dmesg | tail`); `talos doctor` again",
            )
        };
        out.push(
            finding
                .evidence(format!("cannot read {}: {e}", path.display()))
                .path(path),
        );
    }
    if c.malformed > 0 {
        let first: Vec<String> = c.first_bad.iter().map(u64::to_string).collect();
        out.push(
            Finding::warn(
                "jsonl",
                format!("{} malformed line(s) in {}", c.malformed, path.display()),
            )
            .evidence(format!(
                "lines {}{}",
                first.join(", "),
                if c.malformed > first.len() as u64 {
                    ", ..."
                } else {
                    ""
                }
            ))
            .path(path)
            .fix(format!(
                "`talos repair jsonl {}` (keeps the original as .corrupt)",
                path.display()
            )),
        );
    }
    if let Some((n, t)) = c.future {
        out.push(
            clock_finding("a log line is dated in the future").evidence(format!(
                "{} line {n}: {}",
                path.display(),
                crate::timespec::format_ts(t)
            )),
        );
    }
    if let Some((n, t, m)) = c.backwards {
        out.push(clock_finding("log times go backwards").evidence(format!(
            "{} line {n}: {} after {}",
            path.display(),
            crate::timespec::format_ts(t),
            crate::timespec::format_ts(m)
        )));
    }
}

fn heartbeat_and_block_clock(i: &Inputs, out: &mut Vec<Finding>) {
    let hb = i.layout.heartbeat();
    if let Some(t) = crate::fsutil::read_small_string(&hb, crate::fsutil::SMALL_FILE_CAP)
        .ok()
        .and_then(|s| logfiles::parse_ts(&s))
        && t.duration_since(i.now).as_secs() > FUTURE_TOLERANCE_SECS
    {
        out.push(
            clock_finding("the heartbeat is dated in the future")
                .evidence(format!(
                    "{}: {}",
                    hb.display(),
                    crate::timespec::format_ts(t)
                ))
                .path(&hb),
        );
    }
    // Streamed, each line capped (a hostile file of any size or line length).
    let be = i.layout.block_events_log();
    let mut found = None;
    let _ = logfiles::for_each_line(&be, |n, l| {
        if found.is_none()
            && let Ok(l) = std::str::from_utf8(l)
            && let Some((t, _, _)) = logfiles::parse_text_line(l)
            && t.duration_since(i.now).as_secs() > FUTURE_TOLERANCE_SECS
        {
            found = Some((n - 1, t));
        }
    });
    if let Some((n, t)) = found {
        out.push(
            clock_finding("a block event is dated in the future")
                .evidence(format!(
                    "{} line {}: {}",
                    be.display(),
                    n + 1,
                    crate::timespec::format_ts(t)
                ))
                .path(&be),
        );
    }
}

// ---- locks ----

fn is_lock_name(name: &str) -> bool {
    name == ".lock" || name.ends_with(".lock") || name.ends_with(".lck")
}

use super::fix::pid_alive;

/// Lock files talos itself takes with `flock` (panic/recover, audit
/// appends, backups, breaker resets). The kernel drops such a lock with its
/// holder; the file staying behind, with the last holder's PID in it, is
/// by design and never stale.
const OWN_FLOCK_FILES: [&str; 4] = [
    ".emergency.lock",
    ".lock",
    ".backup.lock",
    "breaker-reset.lock",
];

/// A lock file's recorded PID: a decimal first line, or `{"pid": n}`.
pub fn lock_pid(text: &str) -> Option<u32> {
    let t = text.trim();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(t)
        && let Some(p) = v.get("pid").and_then(|p| p.as_u64())
    {
        return u32::try_from(p).ok();
    }
    t.lines().next()?.split_whitespace().next()?.parse().ok()
}

/// Temporary files of interrupted operations (`crate::leftovers`).
fn leftovers(i: &Inputs, out: &mut Vec<Finding>) {
    let found =
        crate::leftovers::find(i.layout, std::slice::from_ref(&i.settings.backup_dir.value));
    for l in found.iter().filter(|l| !l.in_use) {
        out.push(
            Finding::warn(
                "leftovers",
                format!(
                    "left by an interrupted {}: {} ({})",
                    l.operation,
                    l.path.display(),
                    crate::units::human_bytes(l.bytes)
                ),
            )
            .evidence("its owner's lock is free: the operation that made it is gone")
            .path(l.path.clone())
            .fix("`talos repair leftovers` removes it (only what no running operation owns)")
            .action(Action::RemoveLeftover {
                path: l.path.clone(),
                operation: l.operation.to_string(),
            }),
        );
    }
}

fn locks(i: &Inputs, out: &mut Vec<Finding>) {
    let l = i.layout;
    let dirs = [
        l.data_dir.clone(),
        l.state_dir.clone(),
        l.db_dir.clone(),
        l.run_dir.clone(),
        l.log_dir.clone(),
        l.audit_dir.clone(),
        l.config_dir.clone(),
        i.settings.backup_dir.value.clone(),
    ];
    let mut seen = Vec::new();
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !is_lock_name(&name)
                || !e.file_type().is_ok_and(|t| t.is_file())
                || seen.contains(&e.path())
            {
                continue;
            }
            seen.push(e.path());
            // Held right now (flock or fcntl): in use, whatever the file says.
            if !procs::kernel_locks(&e.path()).is_empty()
                || OWN_FLOCK_FILES.contains(&name.as_str())
            {
                continue;
            }
            let text = crate::fsutil::read_small_string(e.path(), crate::fsutil::SMALL_FILE_CAP)
                .unwrap_or_default();
            // A lock without a recorded PID is a plain flock target.
            let Some(pid) = lock_pid(&text) else { continue };
            if !pid_alive(pid) {
                out.push(
                    Finding::warn(
                        "locks",
                        format!("stale lock: {} (PID {pid} is gone)", e.path().display()),
                    )
                    .evidence("the process that took the lock has exited without removing the file, and no process holds a lock on it")
                    .path(e.path())
                    .fix(format!(
                        "`talos doctor --fix` removes it (or `rm {}`)",
                        e.path().display()
                    ))
                    .action(Action::RemoveStaleLock { path: e.path(), pid }),
                );
            }
        }
    }
}

// ---- configuration, certificate ----

/// `` `talos restore NEWEST --partial WHAT` `` naming the newest backup in
/// backup.dir, so the fix runs as printed; with no backup there, the
/// placeholder BACKUP and where to find one.
pub fn restore_cmd(i: &Inputs, what: &str) -> String {
    let dir = &i.settings.backup_dir.value;
    match crate::archive::newest_backup(dir) {
        Some((_, p)) => format!(
            "`talos restore {} --partial {what}`",
            super::shell_word(&p.display().to_string())
        ),
        None => format!(
            "`talos restore BACKUP --partial {what}` (no backup in {}: take BACKUP from an off-host copy, `talos backup list --repo URL`)",
            dir.display()
        ),
    }
}

fn config(i: &Inputs, out: &mut Vec<Finding>) {
    for f in crate::config::validate(i.layout) {
        let finding = if f.integrity {
            Finding::fail("config", f.problem.clone()).integrity()
        } else {
            Finding::fail("config", f.problem.clone())
        };
        let fix = f.fix.replace(
            "`talos restore BACKUP --partial config`",
            &restore_cmd(i, "config"),
        );
        let mut finding = finding
            .evidence(f.path.display().to_string())
            .path(&f.path)
            .fix(fix);
        // A mode looser than the layout's: tightening it is safe. Only the
        // finding about the mode gets that fix (another about the same file,
        // e.g. that it cannot be read, keeps its own).
        if f.fix.starts_with("chmod ")
            && let Some((_, want)) = crate::config::required_modes(i.layout)
                .into_iter()
                .find(|(p, _)| *p == f.path)
            && let Ok(meta) = std::fs::symlink_metadata(&f.path)
            && !meta.file_type().is_symlink()
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o7777;
            if mode & !want != 0 {
                finding.fix = Some(format!("`talos doctor --fix` sets it (or `{}`)", f.fix));
                finding = finding.action(Action::Chmod {
                    path: f.path.clone(),
                    from: mode,
                    to: want,
                });
            }
        }
        out.push(finding);
    }
}

fn certificate(i: &Inputs, out: &mut Vec<Finding>) {
    for name in ["cert.pem", "ca.pem"] {
        let path = i.layout.ssl_dir.join(name);
        let Ok(bytes) = crate::fsutil::read_small(&path, crate::fsutil::SMALL_FILE_CAP) else {
            if name == "cert.pem" && i.settings.api_url.value.starts_with("https:") {
                out.push(
                    Finding::warn(
                        "certificate",
                        format!("api_url is HTTPS but {} is missing", path.display()),
                    )
                    .path(&path)
                    .fix(format!(
                        "install the certificate and key in {}, or restore them: {}",
                        i.layout.ssl_dir.display(),
                        restore_cmd(i, "ssl")
                    )),
                );
            }
            continue;
        };
        let parsed = x509_parser::pem::parse_x509_pem(&bytes)
            .map_err(|e| e.to_string())
            .and_then(|(_, pem)| {
                let cert = pem.parse_x509().map_err(|e| e.to_string())?;
                let v = cert.validity();
                Ok((
                    v.not_before.timestamp(),
                    v.not_after.timestamp(),
                    cert.subject().to_string(),
                ))
            });
        let (not_before, not_after, subject) = match parsed {
            Ok(x) => x,
            Err(e) => {
                out.push(
                    Finding::fail(
                        "certificate",
                        format!("{} is not a readable PEM certificate", path.display()),
                    )
                    .integrity()
                    .evidence(e)
                    .path(&path)
                    .fix(format!(
                        "replace it with the right certificate, or restore it: {}",
                        restore_cmd(i, "ssl")
                    )),
                );
                continue;
            }
        };
        let now = i.now.as_second();
        let days = (not_after - now).div_euclid(86400);
        let until = Timestamp::from_second(not_after)
            .map(crate::timespec::format_ts)
            .unwrap_or_default();
        let renew = format!(
            "renew the certificate (replace cert.pem and key.pem in {}), then `talos restart`",
            i.layout.ssl_dir.display()
        );
        if not_after <= now {
            out.push(
                Finding::fail("certificate", format!("{name} expired on {until}"))
                    .evidence(subject)
                    .path(&path)
                    .fix(renew),
            );
        } else if days < CERT_WARN_DAYS {
            out.push(
                Finding::warn(
                    "certificate",
                    format!("{name} expires in {days} day(s), on {until}"),
                )
                .evidence(subject)
                .path(&path)
                .fix(renew),
            );
        } else if not_before > now {
            out.push(
                Finding::warn("certificate", format!("{name} is not valid yet"))
                    .evidence("its notBefore is in the future: clock skew, or a certificate issued for later")
                    .path(&path)
                    .fix("check the clock (`timedatectl status`) and the certificate's dates"),
            );
        }
    }
}

// ---- resources ----

/// A check of `health` (disk, memory) as a finding, when it warns or fails.
fn from_health(check: &'static str, v: &crate::health::Check, fix: &str) -> Option<Finding> {
    use crate::health::CheckStatus;
    let msg = if v.message.is_empty() {
        check.to_string()
    } else {
        v.message.clone()
    };
    let f = match v.status {
        CheckStatus::Fail => Finding::fail(check, msg),
        CheckStatus::Warn => Finding::warn(check, msg),
        _ => return None,
    };
    Some(f.fix(fix))
}

/// A check the health report measured on this host (offline), so that
/// doctor, status and health grade one measurement.
fn measured(i: &Inputs, name: &str) -> Option<crate::health::Check> {
    let h = i.health()?;
    (h.access == crate::access::Access::Offline)
        .then(|| h.checks.get(name).cloned())
        .flatten()
}

/// A read-only file system under the installation (the kernel remounts one
/// so after I/O errors): the daemon can write neither its state, its
/// database nor its logs, and no talos fix can either. One finding per file
/// system; the fix is the operator's (check the disk, then remount).
fn read_only(i: &Inputs, out: &mut Vec<Finding>) {
    use nix::sys::statvfs::{FsFlags, statvfs};
    let mut seen = Vec::new();
    for dir in [&i.layout.data_dir, &i.layout.log_dir, &i.layout.run_dir] {
        let Ok(st) = statvfs(dir.as_path()) else {
            continue;
        };
        if !st.flags().contains(FsFlags::ST_RDONLY) || seen.contains(&st.filesystem_id()) {
            continue;
        }
        seen.push(st.filesystem_id());
        let shown = super::shell_word(&dir.display().to_string());
        out.push(
            Finding::fail(
                "read_only",
                format!(
                    "{} is on a read-only file system: the daemon cannot write its state, database or logs",
                    dir.display()
                ),
            )
            .path(dir)
            .fix(format!(
                "find why it went read-only (`dmesg | grep -i -e read-only -e 'I/O error' | tail`); once the disk is checked, `mount -o remount,rw \"$(df --output=target {shown} | tail -1)\"`, then `talos doctor`"
            )),
        );
    }
}

fn disk(i: &Inputs, out: &mut Vec<Finding>) {
    // Thresholds of `talos health`: warn over 80 %, fail over 95 %; the
    // measurement of the health report when it made one from files.
    let v = measured(i, "disk").unwrap_or_else(|| {
        crate::health::disk_check_within(
            &i.layout.data_dir,
            &crate::health::Limits::from_config(i.layout),
        )
    });
    out.extend(from_health(
        "disk",
        &v,
        &format!(
            "disk full (F-005 in docs/runbook.md): `talos log prune --dry-run`, then `talos log prune`; look for what else grew (`du -h {} {} | sort -hr | head`)",
            i.layout.data_dir.display(),
            i.layout.log_dir.display()
        ),
    ));
}

fn memory(i: &Inputs, out: &mut Vec<Finding>) {
    // Thresholds of `talos health`: warn over 70 %, fail over 90 %.
    let v = measured(i, "memory").unwrap_or_else(|| {
        crate::health::memory_check_within(&crate::health::Limits::from_config(i.layout))
    });
    out.extend(from_health(
        "memory",
        &v,
        "memory exhaustion (F-002 in docs/runbook.md): find the biggest processes (`ps aux --sort=-%mem | head`); if it is the orchestrator, `talos restart`",
    ));
}

// ---- backups ----

fn backups(i: &Inputs, out: &mut Vec<Finding>) {
    let dir = &i.settings.backup_dir.value;
    match crate::archive::newest_backup(dir) {
        None => out.push(
            Finding::warn("backup", format!("no backup in {}", dir.display()))
                .fix("`talos backup create` (and schedule it daily)"),
        ),
        Some((t, path)) => {
            let age = i.now.duration_since(t);
            if age > SignedDuration::from_hours(BACKUP_MAX_AGE_HOURS) {
                out.push(
                    Finding::warn(
                        "backup",
                        format!(
                            "the newest backup is {} old (over {BACKUP_MAX_AGE_HOURS} h)",
                            crate::units::human_duration(age.as_secs())
                        ),
                    )
                    .evidence(path.display().to_string())
                    .path(&path)
                    .fix("`talos backup create`; check the backup schedule (cron, systemd timer)"),
                );
            }
            // Encrypted: doctor holds no identity, so the age comes from the
            // name and the content is not checked (docs/repository.md).
            if path.extension().is_some_and(|e| e == "age") || crate::repo::crypt::is_age(&path) {
                out.push(
                    Finding::info(
                        "backup",
                        "the newest backup is encrypted: its age was judged by its name; its content could not be checked without the age identity",
                    )
                    .evidence(path.display().to_string())
                    .path(&path)
                    .fix(format!(
                        "`talos backup verify {} --identity KEY` checks its content",
                        path.display()
                    )),
                );
            }
        }
    }
}
