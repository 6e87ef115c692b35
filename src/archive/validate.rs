//! Post-restore validation (docs/backup.md): the config parses with its
//! required keys, the database passes `PRAGMA integrity_check` and has its
//! tables, modes follow docs/format.md, the certificate is readable and not
//! expired, and the audit chain verifies.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::install::{Component, Layout};

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub ok: bool,
    pub checks: Vec<Check>,
}

fn check(name: &str, ok: bool, detail: impl Into<String>, fix: Option<String>) -> Check {
    Check {
        name: name.into(),
        ok,
        detail: detail.into(),
        fix,
    }
}

/// Paths inside the restored components (what a partial restore owns).
pub fn restored_roots(layout: &Layout, components: &[Component]) -> Vec<PathBuf> {
    components
        .iter()
        .map(|&c| layout.component_dir(c))
        .collect()
}

fn inside(path: &Path, roots: &[PathBuf]) -> bool {
    roots.iter().any(|r| path.starts_with(r))
}

pub const REQUIRED_TABLES: [&str; 3] = ["tasks", "sessions", "audit_log"];

pub fn check_database(db: &Path) -> Check {
    use rusqlite::{Connection, OpenFlags};
    let run = || -> Result<(), String> {
        // immutable: read without creating -wal/-shm beside a file nothing
        // else is using (the daemon is stopped during a restore).
        let mut uri = String::from("file:");
        for b in db.to_string_lossy().bytes() {
            match b {
                b'%' | b'?' | b'#' | b' ' | 0x80..=0xff => uri.push_str(&format!("%{b:02X}")),
                _ => uri.push(b as char),
            }
        }
        uri.push_str("?immutable=1");
        crate::db::refuse_unless_regular(db).map_err(|e| format!("cannot open: {e}"))?;
        let c = Connection::open_with_flags(
            &uri,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|e| format!("cannot open: {e}"))?;
        let res: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| format!("integrity_check failed: {e}"))?;
        if res != "ok" {
            return Err(format!("integrity_check: {res}"));
        }
        let mut missing = Vec::new();
        for t in REQUIRED_TABLES {
            let n: i64 = c
                .query_row(
                    "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?1",
                    [t],
                    |r| r.get(0),
                )
                .map_err(|e| format!("cannot list tables: {e}"))?;
            if n == 0 {
                missing.push(t);
            }
        }
        if !missing.is_empty() {
            return Err(format!("missing tables: {}", missing.join(", ")));
        }
        Ok(())
    };
    match run() {
        Ok(()) => check("database", true, "integrity_check ok; tables tasks, sessions, audit_log present", None),
        Err(e) => check(
            "database",
            false,
            format!("{}: {e}", db.display()),
            Some("restore the database from another backup: `talos restore OTHER_BACKUP --partial database`".into()),
        ),
    }
}

pub fn check_certificate(ssl_dir: &Path) -> Check {
    let cert = ssl_dir.join("cert.pem");
    let bytes = match crate::fsutil::read_small(&cert, crate::fsutil::SMALL_FILE_CAP) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return check(
                "certificate",
                true,
                format!("no {} (TLS not configured)", cert.display()),
                None,
            );
        }
        Err(e) => {
            return check(
                "certificate",
                false,
                format!("cannot read {}: {e}", cert.display()),
                Some(format!("check the owner and mode of {}", cert.display())),
            );
        }
    };
    let parsed = x509_parser::pem::parse_x509_pem(&bytes)
        .map_err(|e| format!("not PEM: {e}"))
        .and_then(|(_, pem)| {
            let (_, x) = x509_parser::parse_x509_certificate(&pem.contents)
                .map_err(|e| format!("not an X.509 certificate: {e}"))?;
            Ok(x.validity().not_after.timestamp())
        });
    match parsed {
        Err(e) => check(
            "certificate",
            false,
            format!("{}: {e}", cert.display()),
            Some("restore ssl from another backup, or install a new certificate".into()),
        ),
        Ok(not_after) => {
            let now = crate::clock::now().as_second();
            let when = jiff::Timestamp::from_second(not_after)
                .map(|t| t.to_string())
                .unwrap_or_default();
            if not_after <= now {
                check(
                    "certificate",
                    false,
                    format!("{} expired on {when}", cert.display()),
                    Some(format!(
                        "install a renewed certificate in {}",
                        cert.parent().unwrap_or(&cert).display()
                    )),
                )
            } else {
                let key = ssl_dir.join("key.pem");
                if key.exists() && std::fs::File::open(&key).is_err() {
                    return check(
                        "certificate",
                        false,
                        format!("{} is not readable", key.display()),
                        Some(format!("check the owner and mode of {}", key.display())),
                    );
                }
                check("certificate", true, format!("valid until {when}"), None)
            }
        }
    }
}

/// What the chain check found.
#[derive(Debug, Clone, Serialize)]
pub struct ChainCheck {
    pub ok: bool,
    pub records: u64,
    pub head: Option<super::AuditHead>,
    pub problem: Option<String>,
}

/// Checks every record's own hash, its `seq` and its link to the record
/// before it, across files in numeric order (`talos::audit::verify`).
pub fn verify_chain(audit_dir: &Path) -> ChainCheck {
    match crate::audit::verify::verify_chain(audit_dir, &[]) {
        Err(e) => ChainCheck {
            ok: false,
            records: 0,
            head: None,
            problem: Some(e.message),
        },
        Ok(r) => ChainCheck {
            ok: r.ok,
            records: r.records,
            head: r.head.map(|h| super::AuditHead {
                seq: h.seq,
                hash: h.hash,
            }),
            problem: r.first_error.map(|e| {
                let at = match (&e.file, e.line) {
                    (Some(f), Some(l)) => format!("{} line {l} (seq {}): ", f.display(), e.seq),
                    _ => String::new(),
                };
                format!("{at}{}", e.message)
            }),
        },
    }
}

/// True when the chain in `audit_dir` verifies and its record `head.seq`
/// is the one `head` names: the chain is the backup's, or extends it.
pub fn holds_head(audit_dir: &Path, head: &super::AuditHead) -> bool {
    let anchor = crate::audit::verify::Anchor::Record {
        seq: head.seq,
        hash: head.hash.clone(),
    };
    crate::audit::verify::verify_chain(audit_dir, &[anchor]).is_ok_and(|r| r.ok)
}

/// Entries on disk under `dir` (the directory included) that are
/// world-writable or carry a setuid, setgid or sticky bit: the modes actually
/// there, not the ones an archive claimed.
pub fn wide_modes(dir: &Path) -> Vec<crate::config::Finding> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        let Ok(m) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if m.file_type().is_symlink() {
            continue;
        }
        let mode = m.permissions().mode() & 0o7777;
        if mode & 0o7002 != 0 {
            let want = mode & !0o7002;
            out.push(crate::config::Finding {
                path: p.clone(),
                problem: format!("mode is {mode:04o}: world-writable or setuid/setgid/sticky"),
                fix: format!("chmod {want:04o} {}", p.display()),
                integrity: true,
            });
        }
        if m.is_dir()
            && let Ok(entries) = std::fs::read_dir(&p)
        {
            stack.extend(entries.flatten().map(|e| e.path()));
        }
    }
    out
}

/// The content checks run on a staged copy of an archive (`new`, holding
/// the archive's own paths) before anything is swapped in, and by `backup
/// verify` on a private copy: config.yaml parses with its required keys, the
/// database passes `integrity_check` and has its tables, the audit chain
/// verifies and ends at metadata.json's `audit_head`, the certificate is a
/// readable X.509 PEM. Returns the failed checks.
pub fn check_staged(
    new: &Path,
    components: &[Component],
    audit_head: Option<&super::AuditHead>,
) -> Vec<Check> {
    let has = |c: &str| components.iter().any(|x| x.name() == c);
    let mut failed = Vec::new();
    if has("config") {
        let cfg = new.join("config/config.yaml");
        if cfg.exists() {
            let problem = match crate::config::read_config_file(&cfg) {
                Err(e) => Some(e),
                Ok(doc) => {
                    let missing: Vec<&str> = crate::config::REQUIRED_KEYS
                        .into_iter()
                        .filter(|k| doc.get(k).is_none())
                        .collect();
                    (!missing.is_empty()).then(|| {
                        format!(
                            "config.yaml lacks the required key(s) {}",
                            missing.join(", ")
                        )
                    })
                }
            };
            if let Some(p) = problem {
                failed.push(check("config", false, p, None));
            }
        }
    }
    if has("database") {
        let db = new.join("database/talos.db");
        if db.exists() {
            let c = check_database(&db);
            if !c.ok {
                failed.push(c);
            }
        }
    }
    if has("logs") {
        let dir = new.join("logs/audit");
        let c = verify_chain(&dir);
        if !c.ok {
            failed.push(check(
                "audit chain",
                false,
                format!(
                    "the backup's audit chain fails verification: {}",
                    c.problem.unwrap_or_default()
                ),
                None,
            ));
        } else if let Some(want) = audit_head
            && c.head.as_ref() != Some(want)
        {
            failed.push(check(
                "audit chain",
                false,
                format!(
                    "the backup's audit chain ends at seq {} ({}) but its metadata.json says audit_head seq {} ({})",
                    c.head.as_ref().map(|h| h.seq).unwrap_or(0),
                    c.head.as_ref().map(|h| h.hash.as_str()).unwrap_or("none"),
                    want.seq,
                    want.hash
                ),
                None,
            ));
        }
    }
    if has("ssl") {
        let cert = new.join("ssl/cert.pem");
        if cert.exists() {
            let parsed = crate::fsutil::read_small(&cert, crate::fsutil::SMALL_FILE_CAP)
                .map_err(|e| format!("cannot read: {e}"))
                .and_then(|bytes| {
                    let (_, pem) = x509_parser::pem::parse_x509_pem(&bytes)
                        .map_err(|e| format!("not PEM: {e}"))?;
                    x509_parser::parse_x509_certificate(&pem.contents)
                        .map(|_| ())
                        .map_err(|e| format!("not an X.509 certificate: {e}"))
                });
            if let Err(e) = parsed {
                failed.push(check(
                    "certificate",
                    false,
                    format!("ssl/cert.pem: {e}"),
                    None,
                ));
            }
        }
    }
    failed
}

/// Validates the components a restore put in place (all of them after a full
/// or new-host restore). `expected_head` is the backup's `audit_head`.
pub fn validate(
    layout: &Layout,
    components: &[Component],
    expected_head: Option<&super::AuditHead>,
) -> Report {
    let has = |c: &str| components.iter().any(|x| x.name() == c);
    let roots = restored_roots(layout, components);
    let mut checks = Vec::new();
    if has("config") {
        let findings: Vec<_> = crate::config::validate(layout)
            .into_iter()
            .filter(|f| f.path == layout.config_file)
            .collect();
        if findings.is_empty() {
            checks.push(check(
                "config",
                true,
                "config.yaml parses; version, orchestrator, logging present",
                None,
            ));
        } else {
            for f in findings {
                checks.push(check(
                    "config",
                    false,
                    format!("{}: {}", f.path.display(), f.problem),
                    Some(f.fix),
                ));
            }
        }
    }
    if has("database") {
        if layout.db.exists() {
            checks.push(check_database(&layout.db));
        } else {
            checks.push(check(
                "database",
                true,
                "the backup holds no database file",
                None,
            ));
        }
    }
    let mut modes: Vec<_> = crate::config::check_modes(layout)
        .into_iter()
        .filter(|f| inside(&f.path, &roots) || f.path == layout.data_dir)
        .collect();
    for r in &roots {
        modes.extend(wide_modes(r));
    }
    if modes.is_empty() {
        checks.push(check(
            "modes",
            true,
            "modes as required: data 0700, config 0750, secrets, key and database 0600",
            None,
        ));
    } else {
        for f in modes {
            checks.push(check(
                "modes",
                false,
                format!("{}: {}", f.path.display(), f.problem),
                Some(f.fix),
            ));
        }
    }
    if has("ssl") {
        checks.push(check_certificate(&layout.ssl_dir));
    }
    if has("logs") {
        let c = verify_chain(&layout.audit_dir);
        if !c.ok {
            checks.push(check(
                "audit chain",
                false,
                c.problem.unwrap_or_default(),
                Some(
                    "`talos audit verify-chain` shows the damage; restore logs from another backup"
                        .into(),
                ),
            ));
        } else if let Some(want) = expected_head
            && !holds_head(&layout.audit_dir, want)
        {
            checks.push(check(
                "audit chain",
                false,
                format!(
                    "the chain (ending at seq {}) does not hold the backup's head, seq {} ({})",
                    c.head.as_ref().map(|h| h.seq).unwrap_or(0),
                    want.seq,
                    want.hash
                ),
                Some("the audit files do not match the head recorded at backup time; use another backup".into()),
            ));
        } else {
            checks.push(check(
                "audit chain",
                true,
                format!("{} records verify", c.records),
                None,
            ));
        }
    }
    Report {
        ok: checks.iter().all(|c| c.ok),
        checks,
    }
}
