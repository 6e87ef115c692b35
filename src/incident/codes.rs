//! The failure procedures (F-001...F-006 of docs/runbook.md) that the error
//! codes (meaning and response in `logs::codes`) lead to.
//!
//! Mapping code → procedure, as the runbook's table gives it:
//! T007 event loop blocked → F-001 Event Loop Block; T005 memory limit →
//! F-002 Memory Exhaustion; T002 database connection → F-003 Database Lock
//! (its detection is "database timeout errors"); T003 LLM API auth and T010
//! circuit breaker open → F-004 LLM API Down (its step 2 is the breaker);
//! T006 disk write failed → F-005 Disk Full; T001 config parse error →
//! F-006 Config Corruption. T004 (task timeout), T008 (SSL: certificate expiry
//! has no F- procedure) and T009 (permissions) have none.

use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct CodeInfo {
    pub code: &'static str,
    pub description: &'static str,
    pub response: &'static str,
    pub procedure: Option<Procedure>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Procedure {
    pub id: &'static str,
    pub title: &'static str,
    /// The seed's immediate response, and the talos commands that do it.
    pub steps: &'static str,
}

const F001: Procedure = Procedure {
    id: "F-001",
    title: "Event Loop Block",
    steps: "check whether the block resolves (`talos health`); a block over 30 s restarts the container; afterwards read block_events.log and the tasks active at the time (`talos log query --code T007`, `talos incident report`)",
};
const F002: Procedure = Procedure {
    id: "F-002",
    title: "Memory Exhaustion",
    steps: "find the memory hogs (`ps aux --sort=-%mem | head`); if the orchestrator is the culprit, `talos restart`; then reduce max concurrent tasks",
};
const F003: Procedure = Procedure {
    id: "F-003",
    title: "Database Lock",
    steps: "check the database (`talos db check`), find the locking process (`lsof DB`), restart the orchestrator if safe; keep WAL mode and a busy timeout",
};
const F004: Procedure = Procedure {
    id: "F-004",
    title: "LLM API Down",
    steps: "verify the external API's status; check the breaker (`talos breaker list`); an open breaker recovers after its cooldown (60 s), or `talos breaker reset llm_api`",
};
const F005: Procedure = Procedure {
    id: "F-005",
    title: "Disk Full",
    steps: "find what grew (`du -h var/lib/talos var/log/talos | sort -hr | head` under the root); free Tier 2/3 rotations and temporary files, never the audit log (`talos log prune --dry-run`, then `talos log prune`)",
};
const F006: Procedure = Procedure {
    id: "F-006",
    title: "Config Corruption",
    steps: "check the syntax (`talos config validate`); put back the newest valid config.yaml.backup* (`talos repair config`) or the backup archive's (`talos restore BACKUP --partial config`); validate and restart",
};

/// The failure procedure a code leads to, if any.
pub fn procedure(code: &str) -> Option<Procedure> {
    Some(match code.to_ascii_uppercase().as_str() {
        "T001" => F006,
        "T002" => F003,
        "T003" | "T010" => F004,
        "T005" => F002,
        "T006" => F005,
        "T007" => F001,
        _ => return None,
    })
}

/// Meaning and response (docs/runbook.md, kept in `logs::codes`) with the
/// procedure.
pub fn lookup(code: &str) -> Option<CodeInfo> {
    let (description, response) = crate::logs::codes::lookup(code)?;
    let code = crate::logs::codes::CODES
        .iter()
        .find(|(c, _, _)| c.eq_ignore_ascii_case(code))
        .map(|(c, _, _)| *c)?;
    Some(CodeInfo {
        code,
        description,
        response,
        procedure: procedure(code),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_follows_the_seed() {
        let f = |c: &str| lookup(c).and_then(|i| i.procedure).map(|p| p.id);
        assert_eq!(f("T007"), Some("F-001"));
        assert_eq!(f("T005"), Some("F-002"));
        assert_eq!(f("T002"), Some("F-003"));
        assert_eq!(f("T003"), Some("F-004"));
        assert_eq!(f("T010"), Some("F-004"));
        assert_eq!(f("T006"), Some("F-005"));
        assert_eq!(f("T001"), Some("F-006"));
        assert_eq!(f("T004"), None);
        assert!(lookup("T999").is_none());
    }
}
