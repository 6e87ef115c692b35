//! Effective settings: flags, then environment, then `config.yaml`, then
//! defaults (docs/format.md), each remembered with where it came from.
//!
//! Loading never fails on a broken `config.yaml`: at 3 AM `panic` and `status`
//! must still work when the config is the thing that broke. The problem is kept
//! in `Settings::config_problem` for the commands that care.

use std::fmt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::install::Layout;

pub const DEFAULT_API_URL: &str = "http://127.0.0.1:8080";
pub const DEFAULT_PROCESS_MATCH: &str = "talos";
pub const DEFAULT_TIMEOUT_SECS: f64 = 3.0;
pub const REQUIRED_KEYS: [&str; 3] = ["version", "orchestrator", "logging"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Flag,
    Env,
    ConfigFile,
    SecretsFile,
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Flag => "flag",
            Source::Env => "env",
            Source::ConfigFile => "config.yaml",
            Source::SecretsFile => "secrets/admin_token",
            Source::Default => "default",
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Setting<T> {
    fn new(value: T, source: Source) -> Self {
        Setting { value, source }
    }
}

/// The admin token. Its Debug and Display never show the value, so it cannot
/// leak through a log line or an error message by accident.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// `text` with every occurrence of the token replaced, for anything that
/// came from the daemon before it is printed or stored.
pub fn scrub_token<'a>(text: &'a str, token: &Token) -> std::borrow::Cow<'a, str> {
    let t = token.expose();
    if t.len() >= 4 && text.contains(t) {
        std::borrow::Cow::Owned(text.replace(t, "<redacted>"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// True when `url` is `http://` (not TLS) to a host that is not loopback.
pub fn is_plain_http_off_host(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        hostport.split(':').next().unwrap_or("")
    };
    let host = host.to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return false;
    }
    !host
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// Why the admin token must not be sent to `url`, if it must not: plain
/// http to another host (anyone on the path reads it), or a URL chosen by a
/// config.yaml that others can write (anyone could point it at themselves).
pub fn token_refusal(settings: &Settings, url: &str) -> Option<String> {
    if is_plain_http_off_host(url) {
        return Some(format!(
            "refusing to send the admin token over plain http to {url} (not loopback): use an https:// URL, with --cacert FILE for the daemon's CA"
        ));
    }
    if settings.api_url.source == Source::ConfigFile {
        let cfg = settings.layout().config_file;
        if let Some(mode) = writable_by_others(&cfg) {
            return Some(format!(
                "refusing to send the admin token to {url}: the URL comes from {}, which others can write (mode {mode:o}): `chmod 600 {}`",
                cfg.display(),
                cfg.display()
            ));
        }
    }
    None
}

/// The mode of `path` when group or others can write it.
fn writable_by_others(path: &Path) -> Option<u32> {
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o7777;
    (mode & 0o022 != 0).then_some(mode)
}

/// Warnings about where the token comes from: a token file others can read
/// or write, a config.yaml others can write. Given by every command that
/// reads the token.
pub fn token_warnings(settings: &Settings) -> Vec<String> {
    let mut out = Vec::new();
    if settings.token.value.is_none() {
        return out;
    }
    let layout = settings.layout();
    if settings.token.source == Source::SecretsFile
        && let Ok(meta) = std::fs::metadata(&layout.token_file)
    {
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            out.push(format!(
                "the admin token file {} can be read or written by others (mode {mode:o}): `chmod 600 {}`",
                layout.token_file.display(),
                layout.token_file.display()
            ));
        }
    }
    if let Some(mode) = writable_by_others(&layout.config_file) {
        out.push(format!(
            "{} can be written by others (mode {mode:o}), so they can choose where the admin token goes: `chmod 600 {}`",
            layout.config_file.display(),
            layout.config_file.display()
        ));
    }
    out
}

/// What the command line gave; `None` means "not given".
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub root: Option<PathBuf>,
    pub url: Option<String>,
    pub cacert: Option<PathBuf>,
    pub timeout_secs: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub root: Setting<PathBuf>,
    pub api_url: Setting<String>,
    pub cacert: Setting<Option<PathBuf>>,
    pub process_match: Setting<String>,
    pub backup_dir: Setting<PathBuf>,
    pub backup_keep: Setting<Option<usize>>,
    /// Off-host repository (`TALOS_REPO`, `backup.repo`); `--repo` wins.
    pub backup_repo: Setting<Option<String>>,
    /// age recipients every backup is encrypted to (`backup.encrypt_to`).
    pub backup_encrypt_to: Setting<Vec<String>>,
    /// `metrics.textfile_dir`: node_exporter's textfile directory, where
    /// `backup create`, `drill`, `audit verify-chain`, `health` and `doctor`
    /// write `talos_<command>.prom`.
    pub metrics_textfile_dir: Setting<Option<PathBuf>>,
    pub token: Setting<Option<Token>>,
    pub timeout: Setting<Duration>,
    /// Why config.yaml could not be used, when it could not.
    pub config_problem: Option<String>,
    /// Why config.yaml's `backup.dir` cannot be used (it leaves the root);
    /// `backup_dir` is then the default, and commands that would write or
    /// delete there refuse.
    pub backup_dir_problem: Option<String>,
}

/// The environment the settings read, injectable for tests.
pub trait Env {
    fn var(&self, key: &str) -> Option<String>;
}

pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.is_empty())
    }
}

/// config.yaml is a few KB; anything past this is not a config.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;
/// Deepest flow nesting (`[`, `{`) accepted, and most flow collections in all.
const MAX_FLOW_DEPTH: usize = 64;
const MAX_FLOW_COLLECTIONS: usize = 1024;
/// Most columns of indentation and block indicators (`- `, `? `, `: `) that
/// open a line: block nesting is bounded by it.
const MAX_BLOCK_PREFIX: usize = 256;

/// Checks, in one linear pass over the bytes, that the YAML parser will not
/// be asked to nest deeper than a config ever does. The YAML scanner's cost
/// per token grows with the nesting depth, so a 400 KB `[[[[...` would take
/// minutes; this bounds the depth before the parser sees it. The check
/// over-counts (brackets inside quotes or comments count too): it can only
/// refuse a config a person would never write, never let a deep one through.
pub fn check_nesting(text: &[u8]) -> std::result::Result<(), String> {
    let (mut depth, mut collections) = (0usize, 0usize);
    for &b in text {
        match b {
            b'[' | b'{' => {
                depth += 1;
                collections += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Err(format!(
                        "nested deeper than {MAX_FLOW_DEPTH} levels of [ ] or {{ }}"
                    ));
                }
                if collections > MAX_FLOW_COLLECTIONS {
                    return Err(format!(
                        "more than {MAX_FLOW_COLLECTIONS} [ ] or {{ }} collections (nesting is bounded)"
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    for line in text.split(|&b| b == b'\n') {
        let prefix = line
            .iter()
            .take_while(|&&b| matches!(b, b' ' | b'\t' | b'-' | b'?' | b':'))
            .count();
        if prefix > MAX_BLOCK_PREFIX {
            return Err(format!(
                "a line opens with more than {MAX_BLOCK_PREFIX} columns of indentation or block indicators (nested too deep)"
            ));
        }
    }
    Ok(())
}

/// Parses config text with bounded size and nesting (see `check_nesting`).
pub fn parse_config_text(text: &[u8]) -> std::result::Result<yaml_serde::Value, String> {
    if text.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!("larger than {} bytes", MAX_CONFIG_BYTES));
    }
    check_nesting(text)?;
    let text = std::str::from_utf8(text).map_err(|e| format!("not UTF-8: {e}"))?;
    yaml_serde::from_str(text).map_err(|e| format!("not valid YAML: {e}"))
}

/// Reads at most `MAX_CONFIG_BYTES` (and one more, to tell a larger file).
pub fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    crate::fsutil::open_regular(path)?
        .take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

/// Reads and parses config.yaml as a YAML mapping.
pub fn read_config_file(path: &Path) -> Result<yaml_serde::Value, String> {
    let bytes = read_capped(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value = parse_config_text(&bytes).map_err(|e| format!("{} is {e}", path.display()))?;
    if !value.is_mapping() {
        return Err(format!("{} is not a YAML mapping", path.display()));
    }
    Ok(value)
}

fn lookup<'a>(doc: &'a yaml_serde::Value, dotted: &str) -> Option<&'a yaml_serde::Value> {
    let mut cur = doc;
    for key in dotted.split('.') {
        cur = cur.get(key)?;
    }
    if cur.is_null() { None } else { Some(cur) }
}

fn yaml_string(v: &yaml_serde::Value) -> Option<String> {
    match v {
        yaml_serde::Value::String(s) => Some(s.clone()),
        yaml_serde::Value::Number(n) => Some(n.to_string()),
        yaml_serde::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl Settings {
    pub fn load(overrides: &Overrides) -> Settings {
        Self::load_with(overrides, &ProcessEnv)
    }

    pub fn load_with(overrides: &Overrides, env: &dyn Env) -> Settings {
        let root = match (&overrides.root, env.var("TALOS_ROOT")) {
            (Some(r), _) => Setting::new(r.clone(), Source::Flag),
            (None, Some(r)) => Setting::new(PathBuf::from(r), Source::Env),
            (None, None) => Setting::new(PathBuf::from("/"), Source::Default),
        };
        let layout = Layout::new(&root.value);

        let (doc, config_problem) = if layout.config_file.exists() {
            match read_config_file(&layout.config_file) {
                Ok(doc) => (Some(doc), None),
                Err(e) => (None, Some(e)),
            }
        } else {
            (
                None,
                Some(format!("{} does not exist", layout.config_file.display())),
            )
        };
        let from_file = |key: &str| {
            doc.as_ref()
                .and_then(|d| lookup(d, key))
                .and_then(yaml_string)
        };

        let api_url = if let Some(u) = &overrides.url {
            Setting::new(u.clone(), Source::Flag)
        } else if let Some(u) = env.var("TALOS_URL") {
            Setting::new(u, Source::Env)
        } else if let Some(u) = from_file("orchestrator.api_url") {
            Setting::new(u, Source::ConfigFile)
        } else {
            Setting::new(DEFAULT_API_URL.to_string(), Source::Default)
        };
        let api_url = Setting::new(
            api_url.value.trim_end_matches('/').to_string(),
            api_url.source,
        );

        let cacert = if let Some(c) = &overrides.cacert {
            Setting::new(Some(c.clone()), Source::Flag)
        } else if let Some(c) = env.var("TALOS_CACERT") {
            Setting::new(Some(PathBuf::from(c)), Source::Env)
        } else if let Some(c) = from_file("orchestrator.cacert") {
            Setting::new(
                Some(
                    rooted_config_path(&layout.root, &c)
                        .unwrap_or_else(|_| layout.rooted(Path::new(&c))),
                ),
                Source::ConfigFile,
            )
        } else {
            Setting::new(None, Source::Default)
        };

        let process_match = match from_file("orchestrator.process_match") {
            Some(p) => Setting::new(p, Source::ConfigFile),
            None => Setting::new(DEFAULT_PROCESS_MATCH.to_string(), Source::Default),
        };

        let mut backup_dir_problem = None;
        let backup_dir = match from_file("backup.dir") {
            Some(d) => match rooted_config_path(&layout.root, &d) {
                Ok(p) => Setting::new(p, Source::ConfigFile),
                Err(e) => {
                    backup_dir_problem = Some(format!("`backup.dir`: {e}"));
                    Setting::new(layout.backup_dir.clone(), Source::Default)
                }
            },
            None => Setting::new(layout.backup_dir.clone(), Source::Default),
        };

        let backup_keep = match from_file("backup.keep").and_then(|k| k.parse::<usize>().ok()) {
            Some(k) => Setting::new(Some(k), Source::ConfigFile),
            None => Setting::new(None, Source::Default),
        };

        let backup_repo = if let Some(r) = env.var("TALOS_REPO") {
            Setting::new(Some(r), Source::Env)
        } else if let Some(r) = from_file("backup.repo") {
            Setting::new(Some(r), Source::ConfigFile)
        } else {
            Setting::new(None, Source::Default)
        };
        let encrypt_to: Vec<String> =
            match doc.as_ref().and_then(|d| lookup(d, "backup.encrypt_to")) {
                Some(yaml_serde::Value::Sequence(items)) => {
                    items.iter().filter_map(yaml_string).collect()
                }
                Some(v) => yaml_string(v).into_iter().collect(),
                None => Vec::new(),
            };
        let backup_encrypt_to = if encrypt_to.is_empty() {
            Setting::new(encrypt_to, Source::Default)
        } else {
            Setting::new(encrypt_to, Source::ConfigFile)
        };
        let metrics_textfile_dir = match from_file("metrics.textfile_dir") {
            // Under the root like backup.dir; one that climbs out is not
            // used (config validate reports it).
            Some(d) => Setting::new(
                rooted_config_path(&layout.root, &d).ok(),
                Source::ConfigFile,
            ),
            None => Setting::new(None, Source::Default),
        };

        let token = if let Some(t) = env.var("TALOS_TOKEN") {
            Setting::new(Some(Token(t.trim().to_string())), Source::Env)
        } else {
            match read_capped(&layout.token_file).map(|b| String::from_utf8_lossy(&b).into_owned())
            {
                Ok(text) => {
                    let first = text.lines().next().unwrap_or("").trim().to_string();
                    if first.is_empty() {
                        Setting::new(None, Source::Default)
                    } else {
                        Setting::new(Some(Token(first)), Source::SecretsFile)
                    }
                }
                Err(_) => Setting::new(None, Source::Default),
            }
        };

        let timeout = match overrides.timeout_secs {
            Some(t) => Setting::new(Duration::from_secs_f64(t), Source::Flag),
            None => Setting::new(
                Duration::from_secs_f64(DEFAULT_TIMEOUT_SECS),
                Source::Default,
            ),
        };

        Settings {
            root,
            api_url,
            cacert,
            process_match,
            backup_dir,
            backup_keep,
            backup_repo,
            backup_encrypt_to,
            metrics_textfile_dir,
            token,
            timeout,
            config_problem,
            backup_dir_problem,
        }
    }

    pub fn layout(&self) -> Layout {
        Layout::new(&self.root.value)
    }
}

/// A path from config.yaml placed under the installation's root and
/// normalised (`.` dropped, `..` resolved lexically): every path of an
/// installation lives under its root, so `/var/backups/x` means
/// `<root>/var/backups/x`. A path whose `..` would climb above the root is
/// refused with the reason.
pub fn rooted_config_path(root: &Path, configured: &str) -> Result<PathBuf, String> {
    use std::path::Component;
    let mut rel = PathBuf::new();
    for c in Path::new(configured).components() {
        match c {
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
            Component::Normal(n) => rel.push(n),
            Component::ParentDir => {
                if !rel.pop() {
                    return Err(format!(
                        "{configured:?} leaves the installation's root {} (`..` above it)",
                        root.display()
                    ));
                }
            }
        }
    }
    Ok(root.join(rel))
}

/// One problem `config validate` found, with the fix.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub path: PathBuf,
    pub problem: String,
    pub fix: String,
    /// True when the finding is about integrity or safety (exit 3), false when
    /// a file is merely missing (exit 1).
    pub integrity: bool,
}

/// Checks config.yaml (YAML, required keys) and the modes of docs/format.md.
pub fn validate(layout: &Layout) -> Vec<Finding> {
    let mut findings = Vec::new();
    let cfg = &layout.config_file;
    if !cfg.exists() {
        findings.push(Finding {
            path: cfg.clone(),
            problem: "config.yaml does not exist".into(),
            fix: "`talos repair config` puts back the newest config.yaml.backup*, or restore the config component: `talos restore BACKUP --partial config`".into(),
            integrity: false,
        });
    } else {
        match read_config_file(cfg) {
            Err(e) => findings.push(Finding {
                path: cfg.clone(),
                problem: e,
                fix: "fix the YAML syntax, or `talos repair config` to put back the newest config.yaml.backup* that validates".into(),
                integrity: true,
            }),
            Ok(doc) => {
                for key in REQUIRED_KEYS {
                    if doc.get(key).is_none() {
                        findings.push(Finding {
                            path: cfg.clone(),
                            problem: format!("required top-level key `{key}` is missing"),
                            fix: format!("add `{key}:` to config.yaml (required: version, orchestrator, logging)"),
                            integrity: true,
                        });
                    }
                }
                findings.extend(check_settings(cfg, &doc));
            }
        }
    }
    findings.extend(check_modes(layout));
    findings
}

/// The recognised settings of docs/format.md, when present, must be usable:
/// `orchestrator.api_url` an http(s) URL, `orchestrator.process_match` a
/// valid regex, `orchestrator.cacert` and `backup.dir` paths (strings),
/// `backup.keep` a positive whole number. Otherwise the tool would ignore
/// the value (keep) or fail on every daemon command (regex, URL).
fn check_settings(cfg: &Path, doc: &yaml_serde::Value) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut bad = |key: &str, problem: String, fix: &str| {
        out.push(Finding {
            path: cfg.to_path_buf(),
            problem: format!("`{key}`: {problem}"),
            fix: fix.to_string(),
            integrity: true,
        })
    };
    let shown = |v: &yaml_serde::Value| {
        yaml_serde::to_string(v)
            .map(|t| t.trim().to_string())
            .unwrap_or_else(|_| "?".into())
    };
    if let Some(v) = lookup(doc, "orchestrator.api_url") {
        match v.as_str() {
            Some(u) if u.starts_with("http://") || u.starts_with("https://") => {}
            _ => bad(
                "orchestrator.api_url",
                format!("{} is not an http:// or https:// URL", shown(v)),
                "set it to the daemon's base URL, e.g. `api_url: http://127.0.0.1:8080`",
            ),
        }
    }
    if let Some(v) = lookup(doc, "orchestrator.process_match") {
        match v.as_str() {
            Some(p) => {
                if let Err(e) = regex::Regex::new(p) {
                    let first = e.to_string();
                    let last = first.lines().last().unwrap_or("invalid").trim();
                    bad(
                        "orchestrator.process_match",
                        format!("`{p}` is not a valid regex ({last})"),
                        "fix the regex; it is matched against the daemon's command line (default `talos`)",
                    );
                }
            }
            None => bad(
                "orchestrator.process_match",
                format!("{} is not a string", shown(v)),
                "write a regex string, e.g. `process_match: talos-orchestrator`",
            ),
        }
    }
    for key in ["orchestrator.cacert", "backup.dir", "metrics.textfile_dir"] {
        if let Some(v) = lookup(doc, key) {
            match v.as_str() {
                None => bad(
                    key,
                    format!("{} is not a path", shown(v)),
                    "write an absolute path string",
                ),
                Some(p) => {
                    // The root is three levels above etc/talos/config.yaml.
                    let root = cfg.ancestors().nth(3).unwrap_or(Path::new("/"));
                    if let Err(e) = rooted_config_path(root, p) {
                        bad(
                            key,
                            e,
                            "write a path inside the installation (it is taken relative to the root), without `..` above it",
                        );
                    }
                }
            }
        }
    }
    if let Some(v) = lookup(doc, "backup.keep")
        && !matches!(yaml_string(v).and_then(|k| k.parse::<u64>().ok()), Some(n) if n > 0)
    {
        bad(
            "backup.keep",
            format!("{} is not a positive whole number", shown(v)),
            "write how many backups to keep, e.g. `keep: 7`",
        );
    }
    out
}

/// Files and directories whose modes docs/format.md fixes. A mode is accepted
/// when it grants nothing beyond the required one.
pub fn required_modes(layout: &Layout) -> Vec<(PathBuf, u32)> {
    let mut out = vec![
        (layout.data_dir.clone(), crate::install::DATA_DIR_MODE),
        (layout.config_dir.clone(), crate::install::CONFIG_DIR_MODE),
        (layout.config_file.clone(), crate::install::SECRET_FILE_MODE),
        (layout.db.clone(), crate::install::SECRET_FILE_MODE),
        (
            layout.ssl_dir.join("key.pem"),
            crate::install::SECRET_FILE_MODE,
        ),
    ];
    if let Ok(entries) = walk_files(&layout.secrets_dir) {
        out.extend(
            entries
                .into_iter()
                .map(|p| (p, crate::install::SECRET_FILE_MODE)),
        );
    }
    out
}

fn walk_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let ft = entry.file_type()?;
        if ft.is_dir() {
            out.extend(walk_files(&entry.path())?);
        } else if ft.is_file() {
            out.push(entry.path());
        }
    }
    Ok(out)
}

pub fn check_modes(layout: &Layout) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (path, want) in required_modes(layout) {
        // A link's own mode means nothing (always 0777): the mode that
        // guards the content is its target's, and `chmod` sets that one.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let mode = meta.permissions().mode() & 0o7777;
        if mode & !want != 0 {
            findings.push(Finding {
                path: path.clone(),
                problem: format!("mode is {mode:04o}, must be {want:04o} or stricter"),
                fix: format!("chmod {want:04o} {}", path.display()),
                integrity: true,
            });
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct MapEnv(HashMap<&'static str, &'static str>);
    impl Env for MapEnv {
        fn var(&self, key: &str) -> Option<String> {
            self.0.get(key).map(|s| s.to_string())
        }
    }

    #[test]
    fn flag_beats_env_beats_file_beats_default() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        std::fs::create_dir_all(&layout.config_dir).unwrap();
        std::fs::write(
            &layout.config_file,
            "version: 1\norchestrator:\n  api_url: http://file:1\nlogging: {}\n",
        )
        .unwrap();
        let root = Some(dir.path().to_path_buf());
        let env = MapEnv(HashMap::from([("TALOS_URL", "http://env:2")]));
        let none = MapEnv(HashMap::new());

        let s = Settings::load_with(
            &Overrides {
                root: root.clone(),
                url: Some("http://flag:3".into()),
                ..Default::default()
            },
            &env,
        );
        assert_eq!(
            (s.api_url.value.as_str(), s.api_url.source),
            ("http://flag:3", Source::Flag)
        );
        let s = Settings::load_with(
            &Overrides {
                root: root.clone(),
                ..Default::default()
            },
            &env,
        );
        assert_eq!(
            (s.api_url.value.as_str(), s.api_url.source),
            ("http://env:2", Source::Env)
        );
        let s = Settings::load_with(
            &Overrides {
                root: root.clone(),
                ..Default::default()
            },
            &none,
        );
        assert_eq!(
            (s.api_url.value.as_str(), s.api_url.source),
            ("http://file:1", Source::ConfigFile)
        );
        std::fs::write(
            &layout.config_file,
            "version: 1\norchestrator: {}\nlogging: {}\n",
        )
        .unwrap();
        let s = Settings::load_with(
            &Overrides {
                root,
                ..Default::default()
            },
            &none,
        );
        assert_eq!(
            (s.api_url.value.as_str(), s.api_url.source),
            (DEFAULT_API_URL, Source::Default)
        );
    }

    #[test]
    fn nesting_is_bounded_and_ordinary_configs_pass() {
        let ok = b"version: '4.0'\norchestrator:\n  api_url: http://x\n  list: [a, {b: [c]}]\nlogging: {}\n";
        assert!(parse_config_text(ok).is_ok());
        let deep = format!("x: {}{}", "[".repeat(65), "]".repeat(65));
        assert!(
            check_nesting(deep.as_bytes())
                .unwrap_err()
                .contains("nested")
        );
        let block = format!("x:\n{}1\n", "- ".repeat(200));
        assert!(check_nesting(block.as_bytes()).is_err());
        // Closing brackets hidden in quotes do not let the nesting through.
        let sneaky = "x: ".to_string() + &"[ \"]\", ".repeat(2000);
        assert!(check_nesting(sneaky.as_bytes()).is_err());
    }

    #[test]
    fn token_debug_is_redacted() {
        let t = Token("s3cret".into());
        assert!(!format!("{t:?}").contains("s3cret"));
    }
}
