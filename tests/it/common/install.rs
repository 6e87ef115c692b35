//! The one way tests make an installation: a builder naming which one.
//!
//! ```ignore
//! let (dir, Installed { root, summary, .. }) = Install::sandbox(3).create_temp();
//! let l = Install::clean().create(dir.path()).layout;
//! Install::minimal().create(&root);            // then Sim::start(&root, ..)
//! ```
//!
//! - `sandbox(seed)`: `talos sandbox init --seed SEED --now SANDBOX_NOW`,
//!   a fixed realistic tree (`.now(..)` changes the instant); `summary` is
//!   its `--json` document.
//! - `live()`: `talos sandbox init` at the real clock with the default seed
//!   (`process_match: talos-sim`), host limits ignored: for a live sim.
//! - `minimal()`: the few files a sim and the daemon commands need
//!   (`sim::TOKEN`, `llm_api` closed, `payments_api` open with an extra key).
//! - `clean()`: every directory and mode of docs/format.md, Tier 2/3 logs
//!   of the last hour, an audit chain, a certificate valid for a year and a
//!   fresh backup anchoring the chain (doctor, incident, repair).
//! - `sample(db_bytes)`: the library's sample installation (backup,
//!   restore, drill).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use talos::install::Layout;

/// The "now" fixed sandboxes are made at, so their content is fixed.
pub const SANDBOX_NOW: &str = "2026-01-15T10:00:00Z";

enum Kind {
    Sandbox { seed: u64, now: String },
    Live,
    Minimal,
    Clean,
    Sample { db_bytes: u64 },
}

/// Which installation to make (see the module docs).
pub struct Install {
    kind: Kind,
}

/// A made installation.
pub struct Installed {
    pub root: PathBuf,
    pub layout: Layout,
    /// The admin token it holds.
    pub token: String,
    /// `sandbox init --json`'s document (counts, paths, correlation ids of
    /// the stories) for sandboxes; null otherwise.
    pub summary: serde_json::Value,
}

impl Install {
    pub fn sandbox(seed: u64) -> Install {
        Install {
            kind: Kind::Sandbox {
                seed,
                now: SANDBOX_NOW.to_string(),
            },
        }
    }

    pub fn live() -> Install {
        Install { kind: Kind::Live }
    }

    pub fn minimal() -> Install {
        Install {
            kind: Kind::Minimal,
        }
    }

    pub fn clean() -> Install {
        Install { kind: Kind::Clean }
    }

    pub fn sample(db_bytes: u64) -> Install {
        Install {
            kind: Kind::Sample { db_bytes },
        }
    }

    /// A sandbox made at `now` instead of `SANDBOX_NOW`.
    pub fn now(mut self, at: &str) -> Install {
        match &mut self.kind {
            Kind::Sandbox { now, .. } => *now = at.to_string(),
            _ => panic!("Install::now applies to sandbox(seed) only"),
        }
        self
    }

    /// A sandbox made at the real clock (its certificate is valid now, so
    /// a restore validates it).
    pub fn now_real(self) -> Install {
        let now = jiff::Timestamp::now().to_string();
        self.now(&now)
    }

    /// Makes the installation at `root` (new or empty; a sandbox may also
    /// replace one).
    pub fn create(self, root: &Path) -> Installed {
        let mut summary = serde_json::Value::Null;
        match self.kind {
            Kind::Sandbox { seed, now } => {
                summary = sandbox_init(root, &["--seed", &seed.to_string(), "--now", &now]);
            }
            Kind::Live => {
                summary = sandbox_init(root, &[]);
                super::ignore_host_limits(root);
            }
            Kind::Minimal => {
                super::sim::minimal_files(root);
            }
            Kind::Clean => {
                crate::ops::clean_files(root);
            }
            Kind::Sample { db_bytes } => {
                talos::archive::sample::create(root, db_bytes).unwrap();
            }
        }
        let layout = Layout::new(root);
        let token = std::fs::read_to_string(&layout.token_file)
            .unwrap_or_default()
            .trim()
            .to_string();
        Installed {
            root: root.to_path_buf(),
            layout,
            token,
            summary,
        }
    }

    /// Makes it in a new temp dir: the dir itself for `sample`, `minimal`
    /// and `clean`, DIR/sandbox for sandboxes (so DIR has room for other
    /// trees). Keep the guard alive as long as the installation is used.
    pub fn create_temp(self) -> (tempfile::TempDir, Installed) {
        let dir = tempfile::tempdir().unwrap();
        let root = match self.kind {
            Kind::Sandbox { .. } | Kind::Live => dir.path().join("sandbox"),
            _ => dir.path().to_path_buf(),
        };
        let made = self.create(&root);
        (dir, made)
    }
}

/// `talos --json sandbox init --force ARGS ROOT`: its document.
fn sandbox_init(root: &Path, args: &[&str]) -> serde_json::Value {
    // SUDO_USER names the operator in audit records (and so fixes the
    // chain's hashes) whoever runs the tests.
    let out = super::talos()
        .env("SUDO_USER", "tester")
        .args(["--json", "sandbox", "init", "--force"])
        .args(args)
        .arg(root)
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout)
        .expect("sandbox init --json prints one document")
}
