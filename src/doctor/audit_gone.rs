//! The audit log deleted: the directory gone, or no audit file left while
//! the anchors outside it (backups, the database) say records existed.
//! There is nothing to keep as evidence then: the fix is to put the chain
//! back from the newest backup.

use super::{Finding, Inputs};

/// The newest seq the anchors outside the log know of.
fn anchored_seq(i: &Inputs) -> u64 {
    crate::audit::anchors::external_anchors(&i.layout.db, &i.settings.backup_dir.value)
        .0
        .newest_seq()
}

/// True when the audit log is gone (this check reports it; the chain
/// check has nothing to verify).
pub fn is_gone(i: &Inputs) -> bool {
    let dir = &i.layout.audit_dir;
    if !dir.exists() {
        return true;
    }
    crate::audit::audit_files(dir).is_ok_and(|f| f.is_empty()) && anchored_seq(i) > 0
}

pub fn audit_gone(i: &Inputs, out: &mut Vec<Finding>) {
    if !is_gone(i) {
        return;
    }
    let dir = &i.layout.audit_dir;
    let what = if dir.exists() {
        format!(
            "the audit log is gone: {} holds no audit file",
            dir.display()
        )
    } else {
        format!("the audit log directory is missing: {}", dir.display())
    };
    let anchored = anchored_seq(i);
    let mut f = Finding::fail("audit_chain", what).integrity().path(dir);
    if anchored > 0 {
        f = f.evidence(format!(
            "the anchors outside it (backups, the database's audit_log) know of records up to seq {anchored}"
        ));
    }
    let newest = crate::archive::newest_backup(&i.settings.backup_dir.value);
    let fix = match newest {
        Some((_, p)) => {
            let head = crate::audit::anchors::backup_audit_head(&p)
                .ok()
                .flatten()
                .map(|h| h.seq)
                .unwrap_or(0);
            if head > 0 {
                f = f.evidence(format!(
                    "{} holds the chain up to seq {head}{}",
                    p.display(),
                    if anchored > head {
                        format!(
                            "; records {} to {anchored} are lost unless another copy exists",
                            head + 1
                        )
                    } else {
                        String::new()
                    }
                ));
            }
            format!(
                "treat the deletion as a security incident; put the chain back from the newest backup (daemon stopped): `talos restore {} --partial logs`, then `talos audit verify-chain`",
                p.display()
            )
        }
        None => format!(
            "no backup holds a copy: treat the deletion as a security incident; recreate the directory (`mkdir -m 750 {}`) so new records can be written; the history before is lost",
            dir.display()
        ),
    };
    out.push(f.fix(fix));
}
