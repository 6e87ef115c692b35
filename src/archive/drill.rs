//! The restore drill: back up (or take a given archive), restore it into a
//! scratch root as a new host, validate, compare every restored file with the
//! manifest, verify the audit chain, and time each step. The recovery time
//! (RTO) is the time from the archive until the installation is restored:
//! verify and stage, then the swap up to its last rename (what `restore`
//! reports as `rto_ms`).

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::create::{CreateOptions, create};
use super::restore::{self, RestoreOptions};
use super::{hash_file, install_path, validate};
use crate::error::{Context, Error, ErrorKind, ExitStatus, Result};
use crate::install::Layout;
use crate::repo::transfer::{self, FetchedDoc, Source, TransferEvent};

pub const HISTORY_FILE: &str = "drill_history.jsonl";

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub name: String,
    pub ok: bool,
    /// False when an earlier step failed and this one did not run.
    pub ran: bool,
    #[serde(rename = "elapsed_ms")]
    pub ms: u64,
    pub detail: String,
    #[serde(skip)]
    pub kind: Option<ErrorKind>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Drill {
    pub ok: bool,
    pub root: PathBuf,
    /// True when there was no installation and a fresh sandbox was drilled.
    pub sandbox: bool,
    pub backup: Option<PathBuf>,
    pub steps: Vec<Step>,
    pub rto_ms: u64,
    pub total_ms: u64,
    #[serde(rename = "started_at")]
    pub timestamp: String,
}

impl Drill {
    /// 0 when every step passed; 3 when the archive failed verification
    /// (integrity); 1 for any other failure.
    pub fn exit_status(&self) -> ExitStatus {
        if self.ok {
            ExitStatus::Ok
        } else if self
            .steps
            .iter()
            .any(|s| s.kind == Some(ErrorKind::Integrity))
        {
            ExitStatus::Integrity
        } else {
            ExitStatus::Failed
        }
    }
}

/// One line of DATA_DIR/drill_history.jsonl.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub timestamp: String,
    pub ok: bool,
    pub rto_ms: u64,
    pub total_ms: u64,
    #[serde(default)]
    pub backup: Option<PathBuf>,
    #[serde(default)]
    pub steps: BTreeMap<String, u64>,
}

struct Runner {
    steps: Vec<Step>,
    failed: bool,
}

impl Runner {
    fn run<T>(&mut self, name: &str, f: impl FnOnce() -> Result<(T, String)>) -> Option<T> {
        if self.failed {
            self.steps.push(Step {
                name: name.into(),
                ok: false,
                ran: false,
                ms: 0,
                detail: "not run: an earlier step failed".into(),
                kind: None,
            });
            return None;
        }
        let t = Instant::now();
        let r = f();
        let ms = t.elapsed().as_millis() as u64;
        match r {
            Ok((v, detail)) => {
                self.steps.push(Step {
                    name: name.into(),
                    ok: true,
                    ran: true,
                    ms,
                    detail,
                    kind: None,
                });
                Some(v)
            }
            Err(e) => {
                self.failed = true;
                let mut detail = e.message.clone();
                for h in &e.hints {
                    detail.push_str(&format!(" (hint: {h})"));
                }
                self.steps.push(Step {
                    name: name.into(),
                    ok: false,
                    ran: true,
                    ms,
                    detail,
                    kind: Some(e.kind),
                });
                None
            }
        }
    }
}

/// What the operator asked for.
#[derive(Debug, Clone, Default)]
pub struct DrillOptions {
    /// The archive to drill (`--backup FILE`, or the newest in the
    /// repository in effect); None: a fresh backup of the installation.
    pub source: Option<Source>,
    /// The age identity for an encrypted archive.
    pub identity: Option<PathBuf>,
}

/// What `drill` tells its caller as it goes.
#[derive(Debug)]
pub enum DrillEvent<'a> {
    /// What killed drills left was removed (one line each).
    Removed(String),
    /// There is no installation at `root`: the drill makes a fresh sandbox
    /// at `sandbox` and drills that.
    FreshSandbox { root: &'a Path, sandbox: &'a Path },
    /// The steps begin (backup, verify and stage, swap, ...).
    Drilling,
    /// The steps ended.
    Drilled,
    /// Something went wrong that does not change the drill's result.
    Warning(String),
    /// Fetching the archive from the repository, or decrypting it.
    Transfer(TransferEvent<'a>),
}

/// The whole story of one drill.
#[derive(Debug)]
pub struct DrillReport {
    pub drill: Drill,
    /// What was downloaded, when the archive came from a repository.
    pub repo: Option<FetchedDoc>,
    /// An installation was drilled (not a fresh sandbox): its history and
    /// audit chain hold the drill.
    pub installed: bool,
    /// The history file the drill was appended to.
    pub history: Option<PathBuf>,
    pub trend: Option<Trend>,
    /// The `drill` record in the audit chain.
    pub audit_seq: Option<u64>,
    pub exit: ExitStatus,
}

/// Runs `talos drill`: obtains the archive (or backs the installation up,
/// or a fresh sandbox when there is none), drills it in a locked scratch
/// directory, then appends the result to the installation's drill history
/// and records it in the audit chain. An error means the drill could not
/// run (or was interrupted); a failed step is in the report.
pub fn drill(
    layout: &Layout,
    opts: &DrillOptions,
    on_event: &mut dyn FnMut(DrillEvent<'_>),
) -> Result<DrillReport> {
    let fetched = opts
        .source
        .as_ref()
        .map(|source| {
            transfer::obtain(layout, source, opts.identity.as_deref(), &mut |ev| {
                on_event(DrillEvent::Transfer(ev))
            })
        })
        .transpose()?;
    let backup = fetched.as_ref().map(|f| f.path.clone());
    let installed = layout.config_file.exists() || layout.data_dir.exists();
    // Scratch directories of drills that were killed (their lock is gone).
    for line in
        crate::leftovers::describe_removed(&crate::leftovers::remove_stale_of(layout, &[], "drill"))
    {
        on_event(DrillEvent::Removed(line));
    }
    // Backing up the live installation: ordered against restores.
    let _install = if installed && backup.is_none() {
        Some(crate::locks::shared(layout, "drill")?)
    } else {
        None
    };
    let _scope = crate::interrupt::Scope::enter();
    let scratch = Scratch::new(layout)?;
    let sandbox_root = scratch.dir.path().join("sandbox");
    let source: Layout = if installed || backup.is_some() {
        layout.clone()
    } else {
        on_event(DrillEvent::FreshSandbox {
            root: &layout.root,
            sandbox: &sandbox_root,
        });
        make_sandbox(&sandbox_root)?;
        Layout::new(&sandbox_root)
    };
    let work = scratch.dir.path().join("work");
    std::fs::create_dir(&work).context("cannot create the drill's work directory")?;
    on_event(DrillEvent::Drilling);
    let mut d = run(
        &source,
        backup.as_deref(),
        &work,
        !installed && backup.is_none(),
    );
    on_event(DrillEvent::Drilled);
    // Report, record and remember what the operator named (the repository
    // object's URL, the file as given), not the staging copy that was read.
    if let Some(f) = &fetched {
        let staged = f.path.display().to_string();
        for step in &mut d.steps {
            step.detail = step.detail.replace(&staged, &f.source);
        }
        d.backup = Some(PathBuf::from(&f.source));
    }
    // Interrupted: the scratch directory goes with `scratch`, nothing is
    // recorded for a drill that did not run to its end.
    crate::interrupt::check()?;
    let (history, trend, audit_seq) = if installed {
        remember(layout, &d, on_event)
    } else {
        (None, None, None)
    };
    Ok(DrillReport {
        exit: d.exit_status(),
        drill: d,
        repo: fetched.as_ref().and_then(|f| f.doc()),
        installed,
        history,
        trend,
        audit_seq,
    })
}

/// The drill's private scratch directory, locked while the drill runs: a
/// scratch directory whose lock is free belongs to a drill that died, and
/// the next drill removes it (`crate::leftovers`). Removed when dropped.
struct Scratch {
    // Unlocked before the directory is removed (fields drop in order).
    _lock: std::fs::File,
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new(layout: &Layout) -> Result<Scratch> {
        let dir = tempfile::Builder::new()
            .prefix(crate::leftovers::DRILL_PREFIX)
            .tempdir()
            .context("cannot create a scratch directory for the drill")?;
        let lock =
            std::fs::File::open(dir.path()).context("cannot open the drill's scratch directory")?;
        lock.lock()
            .context("cannot lock the drill's scratch directory")?;
        std::fs::write(
            dir.path().join(crate::leftovers::DRILL_OWNER),
            crate::leftovers::owner_id(layout),
        )
        .context("cannot write the drill's scratch directory")?;
        Ok(Scratch { _lock: lock, dir })
    }
}

/// A small practice installation to drill on a host without one.
fn make_sandbox(root: &Path) -> Result<()> {
    crate::sandbox::init(
        root,
        &crate::sandbox::Options {
            seed: 42,
            scale: crate::sandbox::Scale::Small,
            force: false,
            now_ms: crate::clock::now().as_millisecond(),
            operator: crate::audit::operator_actor(),
        },
        &|_| {},
    )?;
    Ok(())
}

/// Appends the drill to the history, reads the trend, records the drill in
/// the audit chain; a failure of either write is a warning.
fn remember(
    layout: &Layout,
    d: &Drill,
    on_event: &mut dyn FnMut(DrillEvent<'_>),
) -> (Option<PathBuf>, Option<Trend>, Option<u64>) {
    let history = match append_history(layout, d) {
        Ok(p) => Some(p),
        Err(e) => {
            on_event(DrillEvent::Warning(format!(
                "cannot append to the drill history: {}",
                e.message
            )));
            None
        }
    };
    let trend = trend(&read_history(layout, 10));
    let audit_seq = match crate::audit::record_operator_action(
        layout,
        "drill",
        serde_json::json!({"ok": d.ok, "rto_ms": d.rto_ms, "backup": d.backup}),
    ) {
        Ok(rec) => Some(rec.seq),
        Err(e) => {
            on_event(DrillEvent::Warning(format!(
                "cannot record the drill in the audit chain: {}",
                e.message
            )));
            None
        }
    };
    (history, trend, audit_seq)
}

/// Runs the drill on `layout` (or, with `sandbox`, on the installation a
/// caller just made there). `scratch` is an empty directory for the backup
/// and the restored root.
pub fn run(layout: &Layout, backup: Option<&Path>, scratch: &Path, sandbox: bool) -> Drill {
    let started = Instant::now();
    let timestamp = crate::timespec::now_rfc3339();
    let mut r = Runner {
        steps: Vec::new(),
        failed: false,
    };
    let archive: Option<PathBuf> = match backup {
        Some(p) => {
            r.steps.push(Step {
                name: "backup".into(),
                ok: true,
                ran: false,
                ms: 0,
                detail: format!("given: {}", p.display()),
                kind: None,
            });
            Some(p.to_path_buf())
        }
        None => r.run("backup", || {
            let c = create(
                layout,
                &CreateOptions {
                    output_dir: scratch.join("backups"),
                    components: None,
                    keep: None,
                    rescue: false,
                    sources: Default::default(),
                },
                &|_, _| {},
            )?;
            let detail = format!(
                "{} files, {} compressed",
                c.files,
                crate::units::human_bytes(c.size)
            );
            Ok((c.path, detail))
        }),
    };
    let target = Layout::new(scratch.join("root"));
    let opts = RestoreOptions {
        archive: archive.clone().unwrap_or_default(),
        components: None,
        new_host: true,
        record: false,
        rollback: false,
        daemon: Default::default(),
    };
    let prepared = r.run("verify and stage", || {
        let p = restore::prepare(&target, &opts, &|_| {})?;
        let d = format!(
            "{} files ({}) verified against manifest.json",
            p.verified.files,
            crate::units::human_bytes(p.verified.bytes)
        );
        Ok((p, d))
    });
    let verified = prepared.as_ref().map(|p| p.verified.clone());
    let outcome = match prepared {
        Some(p) => r.run("swap", || {
            let o = restore::execute(p, &opts)?;
            let d = format!(
                "{} swapped into a new root",
                crate::install::join_components(&o.components)
            );
            Ok((o, d))
        }),
        None => r.run("swap", || Err(Error::failed("not staged"))),
    };
    let expected_head = verified
        .as_ref()
        .and_then(|v| v.metadata.audit_head.clone());
    r.run("validate", || {
        let comps = outcome
            .as_ref()
            .map(|o| o.components.clone())
            .unwrap_or_default();
        let report = validate::validate(&target, &comps, expected_head.as_ref());
        let failed: Vec<String> = report
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| format!("{}: {}", c.name, c.detail))
            .collect();
        if failed.is_empty() {
            Ok(((), format!("{} checks passed", report.checks.len())))
        } else {
            Err(Error::failed(failed.join("; ")))
        }
    });
    // RTO: the time until the installation is restored, as `restore`
    // reports it: verify and stage, then the swap up to its last rename
    // (not the cleanup and checks after it).
    let rto_ms = outcome.as_ref().map(|o| o.rto_ms).unwrap_or_else(|| {
        r.steps
            .iter()
            .filter(|s| ["verify and stage", "swap"].contains(&s.name.as_str()))
            .map(|s| s.ms)
            .sum()
    });
    r.run("compare", || {
        let v = verified.as_ref().expect("verified when staged");
        compare(&target, v).map(|n| ((), format!("{n} files equal to the manifest")))
    });
    r.run("audit chain", || {
        let c = validate::verify_chain(&target.audit_dir);
        if !c.ok {
            return Err(Error::integrity(c.problem.unwrap_or_default()));
        }
        match (&expected_head, &c.head) {
            (Some(want), got) if got.as_ref() != Some(want) => Err(Error::integrity(format!(
                "the restored chain ends at seq {} but metadata.json says seq {}",
                got.as_ref().map(|h| h.seq).unwrap_or(0),
                want.seq
            ))),
            _ => Ok((
                (),
                format!(
                    "{} records verify{}",
                    c.records,
                    if expected_head.is_some() {
                        "; head matches metadata.json"
                    } else {
                        ""
                    }
                ),
            )),
        }
    });
    Drill {
        ok: r.steps.iter().all(|s| s.ok),
        root: layout.root.clone(),
        sandbox,
        backup: if backup.is_some() { archive } else { None },
        steps: r.steps,
        rto_ms,
        total_ms: started.elapsed().as_millis() as u64,
        timestamp,
    }
}

/// Every restored file equals its manifest entry (size, sha256, mode), and
/// the restored components hold nothing else. Returns the number of files.
fn compare(target: &Layout, v: &super::read::Verified) -> Result<usize> {
    let mut problems = Vec::new();
    let mut expected = std::collections::HashSet::new();
    for f in &v.manifest.files {
        let Some(p) = install_path(target, &f.path) else {
            continue;
        };
        expected.insert(p.clone());
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.is_file() => {
                let (sum, size) = hash_file(&p)?;
                if sum != f.checksum || size != f.size {
                    problems.push(format!("{} differs from the manifest", p.display()));
                }
                let want = f.mode_bits();
                let mode = m.permissions().mode() & 0o777;
                // Restores may only narrow a mode (docs/format.md modes).
                if mode & !want != 0 {
                    problems.push(format!(
                        "{} has mode {mode:04o}, manifest {want:04o}",
                        p.display()
                    ));
                }
            }
            _ => problems.push(format!("{} is missing", p.display())),
        }
    }
    for &c in &v.components {
        let dir = target.component_dir(c);
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if c == crate::install::Component::Config && p == target.ssl_dir {
                    continue;
                }
                match std::fs::symlink_metadata(&p) {
                    Ok(m) if m.is_dir() => stack.push(p),
                    _ if !expected.contains(&p) => {
                        problems.push(format!("{} is not in the backup", p.display()))
                    }
                    _ => {}
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(v.manifest.files.len())
    } else {
        let n = problems.len();
        problems.truncate(10);
        Err(Error::failed(format!(
            "{n} difference(s): {}",
            problems.join("; ")
        )))
    }
}

/// Appends the drill to DATA_DIR/drill_history.jsonl.
pub fn append_history(layout: &Layout, d: &Drill) -> Result<PathBuf> {
    let path = layout.data_dir.join(HISTORY_FILE);
    let e = HistoryEntry {
        timestamp: d.timestamp.clone(),
        ok: d.ok,
        rto_ms: d.rto_ms,
        total_ms: d.total_ms,
        backup: d.backup.clone(),
        steps: d.steps.iter().map(|s| (s.name.clone(), s.ms)).collect(),
    };
    crate::fsutil::append_line(&path, &serde_json::to_string(&e)?)?;
    Ok(path)
}

/// The most recent `n` drills, oldest first (unreadable lines skipped).
pub fn read_history(layout: &Layout, n: usize) -> Vec<HistoryEntry> {
    let path = layout.data_dir.join(HISTORY_FILE);
    let Ok(text) = crate::fsutil::read_small_string(path, crate::fsutil::SMALL_FILE_CAP) else {
        return Vec::new();
    };
    let all: Vec<HistoryEntry> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    all[all.len().saturating_sub(n)..].to_vec()
}

#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub drills: usize,
    pub rto_ms: Vec<u64>,
    pub average_ms: u64,
    pub min_ms: u64,
    pub max_ms: u64,
    pub passed: usize,
}

pub fn trend(history: &[HistoryEntry]) -> Option<Trend> {
    if history.is_empty() {
        return None;
    }
    let rto: Vec<u64> = history.iter().map(|h| h.rto_ms).collect();
    Some(Trend {
        drills: history.len(),
        average_ms: rto.iter().sum::<u64>() / rto.len() as u64,
        min_ms: *rto.iter().min().expect("non-empty"),
        max_ms: *rto.iter().max().expect("non-empty"),
        passed: history.iter().filter(|h| h.ok).count(),
        rto_ms: rto,
    })
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML for CI: one test case per step.
pub fn junit(d: &Drill) -> String {
    let failures = d.steps.iter().filter(|s| s.ran && !s.ok).count();
    let skipped = d.steps.iter().filter(|s| !s.ran && !s.ok).count();
    let secs = |ms: u64| format!("{:.3}", ms as f64 / 1000.0);
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<testsuites name=\"talos drill\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{}\">\n",
        d.steps.len(),
        secs(d.total_ms)
    ));
    x.push_str(&format!(
        "  <testsuite name=\"talos-drill\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" errors=\"0\" time=\"{}\" timestamp=\"{}\">\n",
        d.steps.len(),
        secs(d.total_ms),
        xml_escape(&d.timestamp)
    ));
    x.push_str(&format!(
        "    <properties>\n      <property name=\"root\" value=\"{}\"/>\n      <property name=\"rto_ms\" value=\"{}\"/>\n      <property name=\"sandbox\" value=\"{}\"/>\n    </properties>\n",
        xml_escape(&d.root.display().to_string()),
        d.rto_ms,
        d.sandbox
    ));
    for s in &d.steps {
        let name = xml_escape(&s.name);
        let t = secs(s.ms);
        if s.ok {
            x.push_str(&format!(
                "    <testcase classname=\"talos.drill\" name=\"{name}\" time=\"{t}\">\n      <system-out>{}</system-out>\n    </testcase>\n",
                xml_escape(&s.detail)
            ));
        } else if !s.ran {
            x.push_str(&format!(
                "    <testcase classname=\"talos.drill\" name=\"{name}\" time=\"0.000\">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                xml_escape(&s.detail)
            ));
        } else {
            x.push_str(&format!(
                "    <testcase classname=\"talos.drill\" name=\"{name}\" time=\"{t}\">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                xml_escape(&s.detail),
                xml_escape(&s.detail)
            ));
        }
    }
    x.push_str("  </testsuite>\n</testsuites>\n");
    x
}
