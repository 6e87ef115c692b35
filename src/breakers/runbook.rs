//! The breaker runbooks: reset, force open, disable. Each is one operation
//! taking its options and an event callback and returning a report with its
//! exit status; the way (API or file) is chosen by `crate::access`, and the
//! change is recorded in the audit chain here, so every caller gets it.

use serde::Serialize;
use serde_json::json;

use super::{Breaker, BreakerFile, Force, Forced, list_from_map, unknown_breaker};
use crate::access::{self, Access, Mode, Purpose, Way};
use crate::api::{ApiErrorKind, Client};
use crate::config::Settings;
use crate::error::{Error, ExitStatus, Result};
use crate::install::Layout;

/// Serialises offline read-modify-writes of `circuit_breakers.json`: two
/// operators at once must not lose each other's change. The file keeps no
/// PID, so nothing mistakes it for a stale lock later.
const FILE_LOCK: &str = "breaker-reset.lock";

/// Which breakers a reset touches.
#[derive(Debug, Clone)]
pub enum Selection {
    All,
    /// In the order given; duplicates are reset once.
    Names(Vec<String>),
}

/// What `reset` is asked to do.
#[derive(Debug, Clone)]
pub struct ResetOptions {
    pub selection: Selection,
    /// Change nothing, report what would change.
    pub dry_run: bool,
    pub mode: Mode,
}

/// What happened along the way that the caller may want to tell at once.
#[derive(Debug)]
pub enum Event<'a> {
    /// The change was made but its audit record failed.
    AuditFailed { name: &'a str, error: &'a Error },
}

/// One breaker of a reset.
#[derive(Debug, Clone, Serialize)]
pub struct ResetOutcome {
    pub name: String,
    pub from: String,
    pub to: &'static str,
    pub done: bool,
    pub error: Option<String>,
}

/// The result of `reset` (its JSON is the `--json` document).
#[derive(Debug, Clone, Serialize)]
pub struct ResetReport {
    pub access: Access,
    pub dry_run: bool,
    /// Why the files were used when the mode did not force it.
    pub note: Option<String>,
    pub results: Vec<ResetOutcome>,
    /// Failed when a reset or its audit record failed.
    #[serde(skip)]
    pub status: ExitStatus,
}

/// Resets breakers to closed (docs/format.md): through the API when it
/// answers, otherwise on the file with the daemon verified down. Each reset
/// done is an audit record (`circuit_breaker_reset`).
pub fn reset(
    settings: &Settings,
    layout: &Layout,
    opts: &ResetOptions,
    mut on_event: impl FnMut(Event<'_>),
) -> Result<ResetReport> {
    match access::choose(opts.mode, Purpose::Write, settings, layout, |c| {
        c.breakers()
    })? {
        Way::Online { client, value } => {
            reset_online(layout, opts, &client, &list_from_map(&value), &mut on_event)
        }
        Way::Offline { note } => reset_offline(layout, opts, note, &mut on_event),
    }
}

/// The breakers to reset, in the order given; unknown names fail first.
fn select(selection: &Selection, known: &[Breaker]) -> Result<Vec<Breaker>> {
    let Selection::Names(wanted) = selection else {
        return Ok(known.to_vec());
    };
    let names: Vec<String> = known.iter().map(|b| b.name.clone()).collect();
    let mut out: Vec<Breaker> = Vec::new();
    for n in wanted {
        let Some(b) = known.iter().find(|b| &b.name == n) else {
            return Err(unknown_breaker(n, &names));
        };
        if !out.iter().any(|o| o.name == b.name) {
            out.push(b.clone());
        }
    }
    Ok(out)
}

fn outcome(b: &Breaker) -> ResetOutcome {
    ResetOutcome {
        name: b.name.clone(),
        from: b.state.clone(),
        to: "closed",
        done: false,
        error: None,
    }
}

/// Records a reset; a failed record marks the outcome and is told at once.
fn record_reset(
    layout: &Layout,
    o: &mut ResetOutcome,
    access: Access,
    on_event: &mut impl FnMut(Event<'_>),
) -> bool {
    let details = json!({"name": o.name, "from": o.from, "to": "closed", "access": access});
    match crate::audit::record_operator_action(layout, "circuit_breaker_reset", details) {
        Ok(_) => true,
        Err(e) => {
            on_event(Event::AuditFailed {
                name: &o.name,
                error: &e,
            });
            o.error = Some(format!("audit record failed: {}", e.message));
            false
        }
    }
}

fn reset_online(
    layout: &Layout,
    opts: &ResetOptions,
    client: &Client,
    known: &[Breaker],
    on_event: &mut impl FnMut(Event<'_>),
) -> Result<ResetReport> {
    let chosen = select(&opts.selection, known)?;
    let mut results: Vec<ResetOutcome> = Vec::new();
    let mut failed = false;
    for b in chosen {
        let mut o = outcome(&b);
        if !opts.dry_run {
            match client.reset_breaker(&b.name) {
                Ok(_) => {
                    o.done = true;
                    failed |= !record_reset(layout, &mut o, Access::Online, on_event);
                }
                // A rejected token or a vanished daemon fails every reset
                // alike: stop, as an error if nothing was done yet.
                Err(e) if !matches!(e.kind, ApiErrorKind::NotFound | ApiErrorKind::Status) => {
                    if !results.iter().any(|r| r.done) {
                        return Err(e.into());
                    }
                    o.error = Some(e.message);
                    results.push(o);
                    failed = true;
                    break;
                }
                Err(e) => {
                    o.error = Some(e.message);
                    failed = true;
                }
            }
        }
        results.push(o);
    }
    Ok(ResetReport {
        access: Access::Online,
        dry_run: opts.dry_run,
        note: None,
        results,
        status: status(failed),
    })
}

fn reset_offline(
    layout: &Layout,
    opts: &ResetOptions,
    note: Option<String>,
    on_event: &mut impl FnMut(Event<'_>),
) -> Result<ResetReport> {
    // Held for a read-modify-write only, so waiting is fine.
    let _lock = if opts.dry_run {
        None
    } else {
        Some(crate::fsutil::FileLock::exclusive_blocking(
            &layout.run_dir.join(FILE_LOCK),
        )?)
    };
    let mut file = BreakerFile::load(&layout.breakers_file())?;
    let chosen = select(&opts.selection, &file.list())?;
    let mut results: Vec<ResetOutcome> = chosen.iter().map(outcome).collect();
    let mut failed = false;
    if !opts.dry_run && !results.is_empty() {
        for b in &chosen {
            file.reset(&b.name)?;
        }
        file.save()?;
        for o in &mut results {
            o.done = true;
            failed |= !record_reset(layout, o, Access::Offline, on_event);
        }
    }
    Ok(ResetReport {
        access: Access::Offline,
        dry_run: opts.dry_run,
        note,
        results,
        status: status(failed),
    })
}

/// What `force` is asked to do.
#[derive(Debug, Clone)]
pub struct ForceOptions {
    pub name: String,
    pub force: Force,
    /// Why; must not be empty (kept with the state and in the audit record).
    pub reason: String,
    pub mode: Mode,
}

/// The result of `force` (its JSON is the `--json` document).
#[derive(Debug, Clone, Serialize)]
pub struct ForceReport {
    pub access: Access,
    pub note: Option<String>,
    pub name: String,
    pub from: String,
    pub to: &'static str,
    pub forced: Forced,
    /// Failed when the audit record failed (the state was changed).
    #[serde(skip)]
    pub status: ExitStatus,
}

/// Forces a breaker open or disables it (resilience4j FORCED_OPEN,
/// DISABLED): through the API when it answers, otherwise on the file with
/// the daemon verified down. The change is an audit record
/// (`circuit_breaker_forced`); a failed record is told through `on_event`
/// and makes the status Failed.
pub fn force(
    settings: &Settings,
    layout: &Layout,
    opts: &ForceOptions,
    mut on_event: impl FnMut(Event<'_>),
) -> Result<ForceReport> {
    let reason = opts.reason.trim();
    if reason.is_empty() {
        return Err(Error::usage("--reason must not be empty")
            .hint("say why, e.g. --reason \"provider outage, INC-1234\""));
    }
    let actor = crate::audit::operator_actor();
    let name = opts.name.as_str();
    let mut report = match access::choose(opts.mode, Purpose::Write, settings, layout, |c| {
        c.breakers()
    })? {
        Way::Online { client, value } => {
            let known = list_from_map(&value);
            let Some(b) = known.iter().find(|b| b.name == name) else {
                let names: Vec<String> = known.iter().map(|b| b.name.clone()).collect();
                return Err(unknown_breaker(name, &names));
            };
            let answer = client.force_breaker(name, opts.force.api_override(), reason, &actor)?;
            let stored = answer
                .get("breaker")
                .map(|v| Breaker::from_value(name, v))
                .and_then(|b| b.forced);
            let forced = stored.unwrap_or(Forced {
                by: Some(actor.clone()),
                at: Some(crate::timespec::now_rfc3339()),
                reason: Some(reason.to_string()),
            });
            ForceReport {
                access: Access::Online,
                note: None,
                name: b.name.clone(),
                from: b.state.clone(),
                to: opts.force.as_str(),
                forced,
                status: ExitStatus::Ok,
            }
        }
        Way::Offline { note } => {
            let _lock =
                crate::fsutil::FileLock::exclusive_blocking(&layout.run_dir.join(FILE_LOCK))?;
            let mut file = BreakerFile::load(&layout.breakers_file())?;
            let from = file
                .list()
                .into_iter()
                .find(|b| b.name == name)
                .map(|b| b.state)
                .unwrap_or_default();
            let at = crate::timespec::now_rfc3339();
            file.force(name, opts.force, &actor, &at, reason)?;
            file.save()?;
            ForceReport {
                access: Access::Offline,
                note,
                name: name.to_string(),
                from,
                to: opts.force.as_str(),
                forced: Forced {
                    by: Some(actor),
                    at: Some(at),
                    reason: Some(reason.to_string()),
                },
                status: ExitStatus::Ok,
            }
        }
    };
    let details = json!({
        "name": report.name,
        "from": report.from,
        "to": report.to,
        "reason": report.forced.reason,
        "access": report.access,
    });
    if let Err(e) = crate::audit::record_operator_action(layout, "circuit_breaker_forced", details)
    {
        on_event(Event::AuditFailed {
            name: &report.name,
            error: &e,
        });
        report.status = ExitStatus::Failed;
    }
    Ok(report)
}

fn status(failed: bool) -> ExitStatus {
    if failed {
        ExitStatus::Failed
    } else {
        ExitStatus::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoEnv;
    impl crate::config::Env for NoEnv {
        fn var(&self, _: &str) -> Option<String> {
            None
        }
    }

    fn install(root: &std::path::Path) -> (Settings, Layout) {
        let settings = Settings::load_with(
            &crate::config::Overrides {
                root: Some(root.to_path_buf()),
                url: Some("http://127.0.0.1:9".into()),
                cacert: None,
                timeout_secs: Some(1.0),
            },
            &NoEnv,
        );
        let layout = Layout::new(root);
        std::fs::create_dir_all(&layout.state_dir).unwrap();
        std::fs::create_dir_all(&layout.run_dir).unwrap();
        std::fs::write(
            layout.breakers_file(),
            r#"{"breakers": {"a": {"state": "open", "failure_count": 3}, "b": {"state": "closed"}}}"#,
        )
        .unwrap();
        (settings, layout)
    }

    fn actions(layout: &Layout) -> Vec<String> {
        let mut out = Vec::new();
        for (_, p) in crate::audit::audit_files(&layout.audit_dir).unwrap_or_default() {
            for l in std::fs::read_to_string(p).unwrap().lines() {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                out.push(v["action"].as_str().unwrap_or("").to_string());
            }
        }
        out
    }

    /// The audit record is part of the operation, not of a command: a
    /// caller of the domain function gets it.
    #[test]
    fn reset_and_force_record_themselves() {
        let dir = tempfile::tempdir().unwrap();
        let (settings, layout) = install(dir.path());
        let opts = ResetOptions {
            selection: Selection::Names(vec!["a".into(), "a".into()]),
            dry_run: false,
            mode: Mode::Offline,
        };
        let r = reset(&settings, &layout, &opts, |_| {}).unwrap();
        assert_eq!(r.status, ExitStatus::Ok);
        assert_eq!(r.results.len(), 1);
        assert!(r.results[0].done && r.results[0].from == "open");
        assert_eq!(actions(&layout), ["circuit_breaker_reset"]);

        let f = ForceOptions {
            name: "b".into(),
            force: Force::ForcedOpen,
            reason: " outage ".into(),
            mode: Mode::Offline,
        };
        let r = force(&settings, &layout, &f, |_| {}).unwrap();
        assert_eq!((r.from.as_str(), r.to), ("closed", "forced_open"));
        assert_eq!(r.forced.reason.as_deref(), Some("outage"));
        assert_eq!(
            actions(&layout),
            ["circuit_breaker_reset", "circuit_breaker_forced"]
        );
        let empty = ForceOptions {
            reason: "  ".into(),
            ..f
        };
        let e = force(&settings, &layout, &empty, |_| {}).unwrap_err();
        assert_eq!(e.exit_code(), 2);
    }

    /// A dry run changes nothing and records nothing; an audit failure is
    /// an event and a Failed status, the reset itself stays done.
    #[test]
    fn dry_run_records_nothing_and_audit_failure_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let (settings, layout) = install(dir.path());
        let before = std::fs::read(layout.breakers_file()).unwrap();
        let mut opts = ResetOptions {
            selection: Selection::All,
            dry_run: true,
            mode: Mode::Offline,
        };
        let r = reset(&settings, &layout, &opts, |_| {}).unwrap();
        assert_eq!(r.results.len(), 2);
        assert!(r.results.iter().all(|o| !o.done));
        assert_eq!(std::fs::read(layout.breakers_file()).unwrap(), before);
        assert!(actions(&layout).is_empty());

        // The audit directory is a file: every record fails.
        std::fs::create_dir_all(layout.audit_dir.parent().unwrap()).unwrap();
        std::fs::write(&layout.audit_dir, b"").unwrap();
        opts.dry_run = false;
        let mut told = Vec::new();
        let r = reset(&settings, &layout, &opts, |e| match e {
            Event::AuditFailed { name, .. } => told.push(name.to_string()),
        })
        .unwrap();
        assert_eq!(r.status, ExitStatus::Failed);
        assert_eq!(told, ["a", "b"]);
        assert!(r.results.iter().all(|o| o.done && o.error.is_some()));
        let after = BreakerFile::load(&layout.breakers_file()).unwrap();
        assert!(after.list().iter().all(|b| b.state == "closed"));
    }
}
