//! Which live processes are the orchestrator of *this* installation.
//!
//! `orchestrator.process_match` is matched against every command line
//! (`process::find_orchestrators`); a match alone does not make a daemon,
//! since the default pattern `talos` also matches `tail -f
//! /var/log/talos/orchestrator.log` or `vim /etc/talos/config.yaml`. A
//! process counts when:
//! - the pattern matches its *program*: the executable (argv[0]) or, for an
//!   interpreter (`python3 /opt/talos/orchestrator.py`, `sh script`), the
//!   script it runs; a match only inside a later argument (a file the
//!   program reads) does not count;
//! - its installation root is this one, compared path by path (component by
//!   component, after resolving links): `--root DIR` / `--root=DIR` in its
//!   arguments, else `TALOS_ROOT` in its environment, else `/`. A daemon of
//!   `/srv/talos2` is not a daemon of `/srv/talos`;
//! - it is not another `talos` CLI invocation (same executable as this one).
//!
//! The verified PID of the PID file always counts (it passed the checks of docs/format.md).

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::error::Result;
use crate::install::Layout;
use crate::process::{self, PidStatus, ProcInfo};

/// Programs that run a script named by their first non-option argument.
const INTERPRETERS: [&str; 10] = [
    "sh", "bash", "dash", "zsh", "python", "perl", "ruby", "node", "java", "env",
];

/// Longest `/proc/PID/cmdline` or `environ` read.
const PROC_READ_CAP: u64 = 256 * 1024;

fn same_exe(pid: u32, me: &Option<PathBuf>) -> bool {
    let Some(me) = me else { return false };
    std::fs::read_link(format!("/proc/{pid}/exe"))
        .ok()
        .and_then(|p| std::fs::canonicalize(p).ok())
        .is_some_and(|p| &p == me)
}

fn read_capped(path: &str) -> Option<Vec<u8>> {
    let f = std::fs::File::open(path).ok()?;
    let mut buf = Vec::new();
    f.take(PROC_READ_CAP).read_to_end(&mut buf).ok()?;
    Some(buf)
}

/// The arguments of a process, as it was started.
pub fn argv(pid: u32) -> Option<Vec<String>> {
    let buf = read_capped(&format!("/proc/{pid}/cmdline"))?;
    let v: Vec<String> = buf
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    (!v.is_empty()).then_some(v)
}

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

fn is_interpreter(arg0: &str) -> bool {
    let b = basename(arg0);
    INTERPRETERS.iter().any(|i| {
        b == *i
            || (b.starts_with(i) && b[i.len()..].chars().all(|c| c.is_ascii_digit() || c == '.'))
    })
}

/// How many leading arguments make up the program: argv[0], and for an
/// interpreter everything up to and including its first non-option argument
/// (`python3 -u /opt/talos/orchestrator.py`, `python3 -m talos.daemon`).
fn program_len(argv: &[String]) -> usize {
    if argv.is_empty() {
        return 0;
    }
    if !is_interpreter(&argv[0]) {
        return 1;
    }
    argv.iter()
        .skip(1)
        .position(|a| !a.starts_with('-'))
        .map(|i| i + 2)
        .unwrap_or(argv.len())
}

/// True when `re` matches the command line within its program part: the
/// process *is* what the pattern names, not a reader of its files.
pub fn matches_program(re: &regex::Regex, argv: &[String]) -> bool {
    let n = program_len(argv);
    let program_end = argv[..n].iter().map(|a| a.len() + 1).sum::<usize>();
    let line = argv.join(" ");
    re.find_iter(&line).any(|m| m.start() < program_end)
}

/// The root a process works on: `--root DIR` / `--root=DIR`, else
/// `TALOS_ROOT` in its environment (when readable), else `/`.
pub fn root_of(pid: u32, argv: &[String]) -> PathBuf {
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        if a == "--root" {
            if let Some(v) = it.next() {
                return PathBuf::from(v);
            }
        } else if let Some(v) = a.strip_prefix("--root=") {
            return PathBuf::from(v);
        }
    }
    if let Some(env) = read_capped(&format!("/proc/{pid}/environ")) {
        for kv in env.split(|b| *b == 0) {
            if let Some(v) = kv.strip_prefix(b"TALOS_ROOT=")
                && !v.is_empty()
            {
                return PathBuf::from(String::from_utf8_lossy(v).into_owned());
            }
        }
    }
    PathBuf::from("/")
}

/// A path made comparable: resolved when it exists, else cleaned lexically
/// (`.` dropped, `..` applied, trailing `/` ignored).
fn normal(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The same installation root, compared component by component.
pub fn same_root(a: &Path, b: &Path) -> bool {
    normal(a).components().eq(normal(b).components())
}

/// The orchestrator processes of this installation, and the PID file's verdict.
pub fn orchestrators(layout: &Layout, process_match: &str) -> Result<(PidStatus, Vec<ProcInfo>)> {
    let status = process::check_pid_file(&layout.pid_file, process_match)?;
    let verified = match &status {
        PidStatus::Verified { process, .. } => Some(process.pid),
        _ => None,
    };
    let me = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::canonicalize(p).ok());
    // find_orchestrators has validated the pattern already.
    let re = regex::Regex::new(process_match).ok();
    let procs = process::find_orchestrators(process_match)?
        .into_iter()
        .filter(|p| {
            if Some(p.pid) == verified {
                return true;
            }
            if same_exe(p.pid, &me) {
                return false;
            }
            let Some(args) = argv(p.pid) else {
                return false;
            };
            re.as_ref().is_some_and(|re| matches_program(re, &args))
                && same_root(&root_of(p.pid, &args), &layout.root)
        })
        .collect();
    Ok((status, procs))
}

/// PIDs of a running orchestrator of this installation (verified by the PID
/// file, or identified by its program and root): empty when none runs.
pub fn running(layout: &Layout, process_match: &str) -> Result<Vec<u32>> {
    let (status, procs) = orchestrators(layout, process_match)?;
    let mut pids: Vec<u32> = procs.iter().map(|p| p.pid).collect();
    if let PidStatus::Verified { process, .. } = status
        && !pids.contains(&process.pid)
    {
        pids.push(process.pid);
    }
    Ok(pids)
}

/// A lock the kernel holds on a file (`/proc/locks`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KernelLock {
    pub pid: u32,
    /// `FLOCK`, `POSIX` or `OFDLCK`.
    pub kind: String,
    /// `READ` or `WRITE`.
    pub mode: String,
    pub start: u64,
    /// `None` for "to the end of the file" (`EOF`).
    pub end: Option<u64>,
}

fn dev_major_minor(dev: u64) -> (u64, u64) {
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    (major, minor)
}

/// The locks held (not waited for) on `path`, from `/proc/locks`: read-only,
/// so looking never disturbs the holder.
pub fn kernel_locks(path: &Path) -> Vec<KernelLock> {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(path) else {
        return Vec::new();
    };
    let (maj, min) = dev_major_minor(meta.dev());
    let ino = meta.ino();
    let Some(text) = read_capped("/proc/locks") else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&text);
    let mut out = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        // "1: POSIX ADVISORY WRITE 1234 08:01:5678 0 EOF"; waiters have "->".
        if f.len() < 8 || f[1] == "->" {
            continue;
        }
        let mut id = f[5].split(':');
        let (Some(a), Some(b), Some(i)) = (id.next(), id.next(), id.next()) else {
            continue;
        };
        let same = u64::from_str_radix(a, 16).ok() == Some(maj)
            && u64::from_str_radix(b, 16).ok() == Some(min)
            && i.parse::<u64>().ok() == Some(ino);
        if !same {
            continue;
        }
        let Ok(pid) = f[4].parse::<u32>() else {
            continue;
        };
        out.push(KernelLock {
            pid,
            kind: f[1].to_string(),
            mode: f[3].to_string(),
            start: f[6].parse().unwrap_or(0),
            end: f[7].parse().ok(),
        });
    }
    out
}

/// The processes that have `path` open (from `/proc/*/fd`), with their
/// command lines; only the processes this user may look at.
pub fn holders(path: &Path) -> Vec<(u32, String)> {
    let Ok(want) = std::fs::canonicalize(path) else {
        return Vec::new();
    };
    let me = std::process::id();
    let mut out = Vec::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return out;
    };
    for p in procs.flatten() {
        let Some(pid) = p.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else {
            continue;
        };
        if fds
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|t| t == want))
        {
            let cmd = argv(pid).map(|a| a.join(" ")).unwrap_or_default();
            out.push((pid, cmd));
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn a_reader_of_talos_files_is_not_a_daemon() {
        let re = regex::Regex::new("talos").unwrap();
        assert!(!matches_program(
            &re,
            &v(&["tail", "-f", "/var/log/talos/orchestrator.log"])
        ));
        assert!(!matches_program(
            &re,
            &v(&["vim", "/etc/talos/config.yaml"])
        ));
        assert!(matches_program(
            &re,
            &v(&["/usr/bin/talos-sim", "--root", "/srv/x"])
        ));
        assert!(matches_program(
            &re,
            &v(&["python3", "-u", "/opt/talos/orchestrator.py", "--root", "/"])
        ));
        assert!(matches_program(
            &re,
            &v(&["python3.11", "-m", "talos.daemon"])
        ));
        assert!(!matches_program(
            &re,
            &v(&["python3", "/opt/tool.py", "/var/log/talos/x"])
        ));
    }

    #[test]
    fn roots_compare_by_component() {
        assert!(same_root(Path::new("/srv/talos/"), Path::new("/srv/talos")));
        assert!(same_root(
            Path::new("/srv/./x/../talos"),
            Path::new("/srv/talos")
        ));
        assert!(!same_root(
            Path::new("/srv/talos2"),
            Path::new("/srv/talos")
        ));
        assert!(!same_root(
            Path::new("/srv/talos/sub"),
            Path::new("/srv/talos")
        ));
        assert_eq!(
            root_of(0, &v(&["d", "--root=/srv/a"])),
            PathBuf::from("/srv/a")
        );
        assert_eq!(
            root_of(0, &v(&["d", "--root", "/srv/b"])),
            PathBuf::from("/srv/b")
        );
    }
}
