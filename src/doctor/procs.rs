//! Which live processes are the orchestrator of *this* installation.
//!
//! `orchestrator.process_match` is matched against every command line
//! (`process::find_orchestrators`). Two refinements keep the answer about
//! this root:
//! - when the root is not `/`, only processes whose command line mentions
//!   the root directory count (a sandboxed daemon is started with
//!   `--root DIR`), plus the verified PID of the PID file whatever its
//!   command line; with root `/` every match counts;
//! - other `talos` CLI invocations (same executable as this one) never count,
//!   since the default pattern `talos` matches them too.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::install::Layout;
use crate::process::{self, PidStatus, ProcInfo};

fn same_exe(pid: u32, me: &Option<PathBuf>) -> bool {
    let Some(me) = me else { return false };
    std::fs::read_link(format!("/proc/{pid}/exe"))
        .ok()
        .and_then(|p| std::fs::canonicalize(p).ok())
        .is_some_and(|p| &p == me)
}

fn root_forms(root: &Path) -> Vec<String> {
    let mut v = vec![root.display().to_string()];
    if let Ok(c) = std::fs::canonicalize(root) {
        v.push(c.display().to_string());
    }
    v.iter_mut().for_each(|s| {
        while s.len() > 1 && s.ends_with('/') {
            s.pop();
        }
    });
    v.sort();
    v.dedup();
    v
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
    let forms = root_forms(&layout.root);
    let everywhere = forms.iter().any(|f| f == "/");
    let procs = process::find_orchestrators(process_match)?
        .into_iter()
        .filter(|p| Some(p.pid) == verified || !same_exe(p.pid, &me))
        .filter(|p| {
            Some(p.pid) == verified
                || everywhere
                || forms.iter().any(|f| p.cmdline.contains(f.as_str()))
        })
        .collect();
    Ok((status, procs))
}

/// PIDs of a running orchestrator of this installation (verified by the PID
/// file, or matched by its command line): empty when none runs.
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
