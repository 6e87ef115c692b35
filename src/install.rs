//! The installation layout of docs/format.md, resolved once from the root.
//!
//! Every path the tool touches comes from here, so a whole installation can
//! live under a scratch directory (`--root`, `TALOS_ROOT`).

use std::path::{Path, PathBuf};

/// Modes required by docs/format.md.
pub const DATA_DIR_MODE: u32 = 0o700;
pub const CONFIG_DIR_MODE: u32 = 0o750;
pub const SECRET_FILE_MODE: u32 = 0o600;

/// ` --root DIR` (quoted for a shell when it needs it) unless the root is
/// `/`: what a printed `talos` command needs to reach this installation.
/// The one rule for the fixes, hints and next steps every module prints.
pub fn root_flag(root: &Path) -> String {
    if root == Path::new("/") {
        String::new()
    } else {
        format!(" --root {}", shell_word(&root.display().to_string()))
    }
}

/// `s` quoted for a POSIX shell when it needs it.
pub fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-:+,=@%".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The component names of a backup (docs/format.md), in archive order.
pub const COMPONENTS: [&str; 6] = ["config", "state", "database", "logs", "custom", "ssl"];

#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
    pub config_dir: PathBuf,
    pub config_file: PathBuf,
    pub secrets_dir: PathBuf,
    pub token_file: PathBuf,
    pub ssl_dir: PathBuf,
    pub data_dir: PathBuf,
    pub state_dir: PathBuf,
    pub db_dir: PathBuf,
    pub db: PathBuf,
    pub log_dir: PathBuf,
    pub audit_dir: PathBuf,
    pub run_dir: PathBuf,
    pub pid_file: PathBuf,
    pub custom_dir: PathBuf,
    pub backup_dir: PathBuf,
}

impl Layout {
    pub fn new(root: impl Into<PathBuf>) -> Layout {
        let root: PathBuf = root.into();
        let config_dir = root.join("etc/talos");
        let data_dir = root.join("var/lib/talos");
        let log_dir = root.join("var/log/talos");
        let run_dir = root.join("var/run/talos");
        Layout {
            config_file: config_dir.join("config.yaml"),
            secrets_dir: config_dir.join("secrets"),
            token_file: config_dir.join("secrets/admin_token"),
            ssl_dir: config_dir.join("ssl"),
            config_dir,
            state_dir: data_dir.join("state"),
            db_dir: data_dir.join("db"),
            db: data_dir.join("db/talos.db"),
            data_dir,
            audit_dir: log_dir.join("audit"),
            log_dir,
            pid_file: run_dir.join("orchestrator.pid"),
            run_dir,
            custom_dir: root.join("opt/talos/custom"),
            backup_dir: root.join("var/backups/talos"),
            root,
        }
    }

    // STATE_DIR files.
    pub fn orchestrator_state(&self) -> PathBuf {
        self.state_dir.join("orchestrator.json")
    }
    pub fn task_queue(&self) -> PathBuf {
        self.state_dir.join("task_queue.json")
    }
    pub fn sessions_dir(&self) -> PathBuf {
        self.state_dir.join("sessions")
    }
    pub fn breakers_file(&self) -> PathBuf {
        self.state_dir.join("circuit_breakers.json")
    }
    pub fn heartbeat(&self) -> PathBuf {
        self.state_dir.join("heartbeat")
    }

    // DATA_DIR files.
    pub fn emergency_state(&self) -> PathBuf {
        self.data_dir.join("emergency_state.json")
    }
    pub fn preserves_dir(&self) -> PathBuf {
        self.data_dir.join("emergency_preserves")
    }
    pub fn signal_panic(&self) -> PathBuf {
        self.data_dir.join("SIGNAL_PANIC")
    }
    pub fn rollback_dir(&self) -> PathBuf {
        self.data_dir.join("restore_rollback")
    }

    // LOG_DIR files.
    pub fn orchestrator_log(&self) -> PathBuf {
        self.log_dir.join("orchestrator.log")
    }
    pub fn debug_log(&self) -> PathBuf {
        self.log_dir.join("debug.log")
    }
    pub fn panic_log(&self) -> PathBuf {
        self.log_dir.join("panic.log")
    }
    pub fn restore_log(&self) -> PathBuf {
        self.log_dir.join("restore.log")
    }
    pub fn block_events_log(&self) -> PathBuf {
        self.log_dir.join("block_events.log")
    }
    pub fn audit_lock(&self) -> PathBuf {
        self.audit_dir.join(".lock")
    }

    /// The directory a backup component comes from (docs/format.md).
    pub fn component_dir(&self, component: &str) -> Option<PathBuf> {
        Some(match component {
            "config" => self.config_dir.clone(),
            "state" => self.state_dir.clone(),
            "database" => self.db_dir.clone(),
            "logs" => self.audit_dir.clone(),
            "custom" => self.custom_dir.clone(),
            "ssl" => self.ssl_dir.clone(),
            _ => return None,
        })
    }

    /// Every directory of §1, with the mode it must have where §1 names one.
    pub fn directories(&self) -> Vec<(PathBuf, u32)> {
        vec![
            (self.config_dir.clone(), CONFIG_DIR_MODE),
            (self.secrets_dir.clone(), 0o700),
            (self.ssl_dir.clone(), 0o750),
            (self.data_dir.clone(), DATA_DIR_MODE),
            (self.state_dir.clone(), 0o700),
            (self.sessions_dir(), 0o700),
            (self.db_dir.clone(), 0o700),
            (self.log_dir.clone(), 0o750),
            (self.audit_dir.clone(), 0o750),
            (self.run_dir.clone(), 0o755),
            (self.custom_dir.join("plugins"), 0o755),
            (self.custom_dir.join("extensions"), 0o755),
            (self.backup_dir.clone(), 0o700),
        ]
    }

    /// Places a path from config.yaml under the root: every path of an
    /// installation lives under its root, so `/var/backups/x` in a sandbox's
    /// config means `<root>/var/backups/x`.
    pub fn rooted(&self, path: &Path) -> PathBuf {
        match path.strip_prefix("/") {
            Ok(rel) => self.root.join(rel),
            Err(_) => self.root.join(path),
        }
    }
}

/// True when a component name is one of docs/format.md's.
pub fn is_component(name: &str) -> bool {
    COMPONENTS.contains(&name)
}

/// Parses a comma list of components (`config,state`), rejecting unknown names.
pub fn parse_components(list: &str) -> crate::error::Result<Vec<String>> {
    let mut out = Vec::new();
    for part in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !is_component(part) {
            return Err(
                crate::error::Error::usage(format!("unknown component `{part}`"))
                    .hint(format!("components are: {}", COMPONENTS.join(","))),
            );
        }
        if !out.iter().any(|c| c == part) {
            out.push(part.to_string());
        }
    }
    if out.is_empty() {
        return Err(crate::error::Error::usage("empty component list")
            .hint(format!("components are: {}", COMPONENTS.join(","))));
    }
    Ok(out)
}
