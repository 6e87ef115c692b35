//! One error type for the whole tool: a message, the exit code of docs/format.md,
//! and hints that tell a tired operator what to do next.

use std::fmt;

/// The exit codes of docs/format.md. `health` reuses 0..=3 with the
/// monitoring-plugin meaning; that mapping lives in the health command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 1: the operation failed.
    Failed,
    /// 2: usage error.
    Usage,
    /// 3: integrity failure (corrupt, tampered or unsafe input).
    Integrity,
    /// 4: refused for safety.
    Refused,
    /// 5: the daemon was required and could not be reached.
    DaemonUnreachable,
    /// 128 + signal number (130 SIGINT, 143 SIGTERM, 129 SIGHUP): stopped by
    /// a signal after cleaning up.
    Interrupted(u8),
}

impl ErrorKind {
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Failed => 1,
            ErrorKind::Usage => 2,
            ErrorKind::Integrity => 3,
            ErrorKind::Refused => 4,
            ErrorKind::DaemonUnreachable => 5,
            ErrorKind::Interrupted(code) => code,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Failed => "failed",
            ErrorKind::Usage => "usage",
            ErrorKind::Integrity => "integrity",
            ErrorKind::Refused => "refused",
            ErrorKind::DaemonUnreachable => "daemon_unreachable",
            ErrorKind::Interrupted(_) => "interrupted",
        }
    }
}

/// How a command that printed its result ends: the exit codes of
/// docs/format.md. `health` gives 0..=3 its monitoring meaning (healthy,
/// degraded, unhealthy, unknown), `doctor` and `verify-chain` use 1 and 3 for
/// findings; the variant names say the general meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: done (health: healthy).
    Ok,
    /// 1: the operation failed or found a problem (health: degraded).
    Failed,
    /// 2: usage error (health: unhealthy).
    Usage,
    /// 3: integrity failure (health: unknown).
    Integrity,
    /// 4: refused for safety.
    Refused,
    /// 5: the daemon was required and could not be reached.
    DaemonUnreachable,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Ok => 0,
            ExitStatus::Failed => 1,
            ExitStatus::Usage => 2,
            ExitStatus::Integrity => 3,
            ExitStatus::Refused => 4,
            ExitStatus::DaemonUnreachable => 5,
        }
    }

    /// The more urgent of two statuses (the higher code), for commands that
    /// combine several results.
    pub fn worst(self, other: ExitStatus) -> ExitStatus {
        if other.code() > self.code() {
            other
        } else {
            self
        }
    }
}

/// Serializes an exit status as its number (the `exit_code` key of JSON documents).
pub fn serialize_exit_code<S: serde::Serializer>(
    exit: &ExitStatus,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_u8(exit.code())
}

impl From<ErrorKind> for ExitStatus {
    fn from(kind: ErrorKind) -> ExitStatus {
        match kind {
            ErrorKind::Failed | ErrorKind::Interrupted(_) => ExitStatus::Failed,
            ErrorKind::Usage => ExitStatus::Usage,
            ErrorKind::Integrity => ExitStatus::Integrity,
            ErrorKind::Refused => ExitStatus::Refused,
            ErrorKind::DaemonUnreachable => ExitStatus::DaemonUnreachable,
        }
    }
}

#[derive(Debug)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub hints: Vec<String>,
    pub source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hints: Vec::new(),
            source: None,
        }
    }
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Failed, message)
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }
    pub fn integrity(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Integrity, message)
    }
    pub fn refused(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Refused, message)
    }
    pub fn unreachable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::DaemonUnreachable, message)
    }
    pub fn interrupted(code: u8, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Interrupted(code), message)
    }

    /// Adds a line telling the operator what to do next.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }

    /// The `Caused by` chain, outermost first.
    pub fn causes(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut next: Option<&(dyn std::error::Error + 'static)> =
            self.source.as_deref().map(|e| e as _);
        while let Some(e) = next {
            out.push(e.to_string());
            next = e.source();
        }
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

/// Adds context to any error on the way up, keeping the original as the cause.
pub trait Context<T> {
    fn context(self, message: impl Into<String>) -> Result<T>;
    fn with_context<F: FnOnce() -> String>(self, f: F) -> Result<T>;
}

impl<T, E> Context<T> for std::result::Result<T, E>
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn context(self, message: impl Into<String>) -> Result<T> {
        self.map_err(|e| Error::failed(message).with_source(e))
    }
    fn with_context<F: FnOnce() -> String>(self, f: F) -> Result<T> {
        self.map_err(|e| Error::failed(f()).with_source(e))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        let hint = match e.kind() {
            std::io::ErrorKind::PermissionDenied => {
                Some("check the file's owner and mode, or run as the talos user or root")
            }
            std::io::ErrorKind::StorageFull => {
                Some("the disk is full: `talos log prune --dry-run` shows what can be freed")
            }
            _ => None,
        };
        let mut err = Error::failed(e.to_string()).with_source(e);
        if let Some(h) = hint {
            err = err.hint(h);
        }
        err
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::failed(format!("database: {e}")).with_source(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::failed(format!("JSON: {e}")).with_source(e)
    }
}
