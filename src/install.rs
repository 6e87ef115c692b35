//! The installation layout of docs/format.md, resolved once from the root.
//!
//! Every path the tool touches comes from here, so a whole installation can
//! live under a scratch directory (`--root`, `TALOS_ROOT`).

use std::path::{Path, PathBuf};

/// Modes required by docs/format.md.
pub const DATA_DIR_MODE: u32 = 0o700;
pub const CONFIG_DIR_MODE: u32 = 0o750;
pub const SECRET_FILE_MODE: u32 = 0o600;

/// A component of a backup (docs/format.md, "The backup archive"): what
/// `--partial` names, where it lives in an installation
/// ([`Layout::component_dir`]) and where in an archive ([`Component::prefix`]).
/// Serialized as its name (`"config"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    Config,
    State,
    Database,
    Logs,
    Custom,
    Ssl,
}

impl Component {
    /// Every component, in archive order.
    pub const ALL: [Component; 6] = [
        Component::Config,
        Component::State,
        Component::Database,
        Component::Logs,
        Component::Custom,
        Component::Ssl,
    ];

    /// The name docs/format.md gives it (`--partial`, metadata.json).
    pub const fn name(self) -> &'static str {
        match self {
            Component::Config => "config",
            Component::State => "state",
            Component::Database => "database",
            Component::Logs => "logs",
            Component::Custom => "custom",
            Component::Ssl => "ssl",
        }
    }

    /// The archive prefix its files sit under.
    pub const fn prefix(self) -> &'static str {
        match self {
            Component::Logs => "logs/audit",
            c => c.name(),
        }
    }

    /// The component of that name, if it is one of docs/format.md's.
    pub fn from_name(name: &str) -> Option<Component> {
        Component::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The component of a name read from an archive or a journal (checked
    /// when it was read): an integrity error, never a panic, if it is none.
    pub fn named(name: &str) -> crate::error::Result<Component> {
        Component::from_name(name)
            .ok_or_else(|| crate::error::Error::integrity(format!("unknown component {name:?}")))
    }
}

impl std::fmt::Display for Component {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Component {
    type Err = crate::error::Error;

    fn from_str(s: &str) -> crate::error::Result<Component> {
        Component::from_name(s).ok_or_else(|| {
            crate::error::Error::usage(format!("unknown component `{s}`"))
                .hint(format!("components are: {}", COMPONENTS.join(",")))
        })
    }
}

impl serde::Serialize for Component {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Read from its name; an unknown name (a hostile or foreign archive, a
/// journal edited by hand) is an error naming it and the known ones.
impl<'de> serde::Deserialize<'de> for Component {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Component::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown component {name:?} (components are: {})",
                COMPONENTS.join(",")
            ))
        })
    }
}

/// Component names joined by commas (`config,state`), for messages.
pub fn join_components(components: &[Component]) -> String {
    components
        .iter()
        .map(|c| c.name())
        .collect::<Vec<_>>()
        .join(",")
}

/// The component names, in archive order (for completion and messages).
pub const COMPONENTS: [&str; 6] = {
    let mut names = [""; 6];
    let mut i = 0;
    while i < names.len() {
        names[i] = Component::ALL[i].name();
        i += 1;
    }
    names
};
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
    /// The journal of a restore under way or interrupted
    /// (`archive::journal`); the shared installation lock refuses while it
    /// is there (`locks::shared`).
    pub fn restore_journal(&self) -> PathBuf {
        self.data_dir.join("restore.journal")
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
    pub fn component_dir(&self, component: Component) -> PathBuf {
        match component {
            Component::Config => self.config_dir.clone(),
            Component::State => self.state_dir.clone(),
            Component::Database => self.db_dir.clone(),
            Component::Logs => self.audit_dir.clone(),
            Component::Custom => self.custom_dir.clone(),
            Component::Ssl => self.ssl_dir.clone(),
        }
    }

    /// The directory of the component named `name`, if it is one.
    pub fn component_dir_named(&self, name: &str) -> Option<PathBuf> {
        Component::from_name(name).map(|c| self.component_dir(c))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_names_round_trip_in_archive_order() {
        assert_eq!(
            COMPONENTS,
            ["config", "state", "database", "logs", "custom", "ssl"]
        );
        for c in Component::ALL {
            assert_eq!(Component::from_name(c.name()), Some(c));
            assert_eq!(c.name().parse::<Component>().ok(), Some(c));
            assert_eq!(serde_json::to_value(c).unwrap(), c.name());
        }
        assert_eq!(Component::from_name("Config"), None);
        assert_eq!(Component::from_name(""), None);
        let e = "cert".parse::<Component>().unwrap_err();
        assert!(
            e.message.contains("unknown component `cert`"),
            "{}",
            e.message
        );
        assert!(Component::named("bogus").is_err());
        // serde reads the same names back; an unknown one is an error naming it.
        for c in Component::ALL {
            let back: Component = serde_json::from_value(serde_json::to_value(c).unwrap()).unwrap();
            assert_eq!(back, c);
        }
        let e = serde_json::from_str::<Vec<Component>>(r#"["config","../etc"]"#).unwrap_err();
        assert!(
            e.to_string().contains("unknown component \"../etc\""),
            "{e}"
        );
        assert_eq!(
            join_components(&[Component::Config, Component::Ssl]),
            "config,ssl"
        );
    }

    #[test]
    fn each_component_has_its_directory_and_archive_prefix() {
        let l = Layout::new("/r");
        assert_eq!(Component::Logs.prefix(), "logs/audit");
        assert_eq!(l.component_dir(Component::Logs), l.audit_dir);
        assert_eq!(Component::Database.prefix(), "database");
        assert_eq!(l.component_dir(Component::Database), l.db_dir);
        for c in Component::ALL {
            assert!(l.component_dir(c).starts_with("/r"));
            assert_eq!(l.component_dir_named(c.name()), Some(l.component_dir(c)));
            assert!(!c.prefix().is_empty());
        }
        assert_eq!(l.component_dir_named("nope"), None);
    }
}
