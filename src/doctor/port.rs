//! The API port of `api_url` held by another program than the daemon: the
//! daemon cannot bind it, and online commands talk to a stranger.

use std::path::Path;

use super::{Finding, Inputs, procs};
use crate::process::PidStatus;

/// The largest /proc/net/tcp* read.
const MAX_PROC_NET: u64 = 16 * 1024 * 1024;

/// Socket inodes listening on TCP `port` (any local address), from
/// /proc/net/tcp and tcp6.
pub fn listening_inodes(port: u16) -> Vec<u64> {
    use std::io::Read;
    let mut out = Vec::new();
    for f in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let mut text = String::new();
        let Ok(file) = std::fs::File::open(f) else {
            continue;
        };
        if file.take(MAX_PROC_NET).read_to_string(&mut text).is_err() {
            continue;
        }
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            if cols.len() < 10 || cols[3] != "0A" {
                continue;
            }
            let Some(p) = cols[1].rsplit(':').next() else {
                continue;
            };
            if u16::from_str_radix(p, 16) == Ok(port)
                && let Ok(inode) = cols[9].parse::<u64>()
                && inode != 0
            {
                out.push(inode);
            }
        }
    }
    out
}

/// The PIDs that hold one of `inodes` open (those whose /proc/PID/fd this
/// user can read).
pub fn socket_owners(inodes: &[u64]) -> Vec<u32> {
    let want: Vec<String> = inodes.iter().map(|i| format!("socket:[{i}]")).collect();
    let mut pids = Vec::new();
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return pids;
    };
    for e in rd.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(Path::new("/proc").join(pid.to_string()).join("fd")) else {
            continue;
        };
        if fds.flatten().any(|fd| {
            std::fs::read_link(fd.path())
                .is_ok_and(|t| want.iter().any(|w| t.as_os_str() == w.as_str()))
        }) {
            pids.push(pid);
        }
    }
    pids
}

fn is_local(host: &str) -> bool {
    matches!(
        host,
        "127.0.0.1" | "localhost" | "0.0.0.0" | "::1" | "[::1]" | "::" | "[::]"
    ) || host.starts_with("127.")
}

pub fn api_port(i: &Inputs, out: &mut Vec<Finding>) {
    let Ok(url) = url::Url::parse(&i.settings.api_url.value) else {
        return;
    };
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return;
    };
    if !is_local(host) {
        return;
    }
    let inodes = listening_inodes(port);
    if inodes.is_empty() {
        return;
    }
    // The daemon: the verified PID of the PID file, and every orchestrator
    // process of this root.
    let mut daemon: Vec<u32> = procs::orchestrators(i.layout, &i.settings.process_match.value)
        .map(|(status, ps)| {
            let mut v: Vec<u32> = ps.iter().map(|p| p.pid).collect();
            if let PidStatus::Verified { process, .. } = status {
                v.push(process.pid);
            }
            v
        })
        .unwrap_or_default();
    if let Some(l) = i.live
        && let PidStatus::Verified { process, .. } = &l.pid_file
    {
        daemon.push(process.pid);
    }
    let owners = socket_owners(&inodes);
    if owners.iter().any(|p| daemon.contains(p)) {
        return;
    }
    let api = i.live.and_then(|l| l.health());
    if owners.is_empty() {
        // Another user's process, whose sockets we cannot see. When the
        // API answers as talos, it is most likely the daemon: say nothing.
        if api.is_some() || !daemon.is_empty() {
            return;
        }
        out.push(
            Finding::warn(
                "api_port",
                format!("port {port} of api_url is held by a process talos cannot identify"),
            )
            .evidence(format!("a socket listens on port {port}, but no daemon of this installation runs"))
            .fix(format!(
                "find it as root (`ss -ltnp 'sport = :{port}'`) and stop it, or move the daemon to a free port (orchestrator.api_url in {}); then start the daemon",
                i.layout.config_file.display()
            )),
        );
        return;
    }
    let mut f = Finding::fail(
        "api_port",
        format!(
            "port {port} of api_url ({}) is held by another program, not the daemon",
            i.settings.api_url.value
        ),
    );
    for p in owners.iter().take(4) {
        let cmd = procs::argv(*p)
            .map(|a| a.join(" "))
            .unwrap_or_else(|| "?".into());
        f = f.evidence(format!("PID {p} listens on port {port}: {cmd}"));
    }
    if daemon.is_empty() {
        f = f.evidence("the daemon cannot bind its API port while that program holds it");
    } else {
        f = f.evidence("online commands reach that program instead of the daemon");
    }
    let pids: Vec<String> = owners.iter().map(|p| p.to_string()).collect();
    out.push(f.fix(format!(
        "stop PID {} (it is not talos) or move the daemon to a free port (orchestrator.api_url in {}); then start or `talos restart` the daemon and `talos doctor` again",
        pids.join(", "),
        i.layout.config_file.display()
    )));
}
