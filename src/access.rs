//! Which way a command goes: through the daemon's admin API (`online`) or
//! on the installation's files (`offline`). One rule for every command that
//! can take either way (docs/format.md §7, key `access`):
//!
//! - the API answered: online;
//! - `--offline`, or the API could not be reached (nothing listens, no
//!   answer in time, TLS, a bad URL): offline, where the command allows it.
//!   A command that only *reads* files may read them then (and says why);
//!   a command that *writes* files the daemon owns does so only when the
//!   daemon is verified down (no live verified PID, no heartbeat being
//!   rewritten), because a running daemon would overwrite the change;
//! - the API answered with an error (401, no token, an unexpected status or
//!   body): that is reported as it is. A rejected token is an auth problem,
//!   never a sign that the daemon is down, so nothing falls back to files;
//! - `--online` and the API could not be reached: exit 5.
//!
//! An emergency stop (`talos panic`) does not pick one way: it escalates.
//! `StopRoute` is the same rule for it: `--online` is the API only (exit 5
//! when it cannot be reached), `--offline` is the signals only (SIGNAL_PANIC,
//! then SIGTERM/SIGKILL to the verified PID), and the default is the API
//! first, then the signals. A rejected token (401) is a failed API rung in
//! the report, never a silent fallback; the stop goes on only because
//! stopping the daemon is the whole point of a panic.

use serde::Serialize;

use crate::api::{ApiError, Client};
use crate::config::Settings;
use crate::daemon::{ApiProbe, Liveness};
use crate::error::{Error, Result};
use crate::install::Layout;

/// Which way the operator asked for: `--online`, `--offline`, or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Through the API when it answers, on files otherwise.
    Auto,
    Online,
    Offline,
}

/// Which way a command went: the `access` key of its JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Online,
    Offline,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Online => "online",
            Access::Offline => "offline",
        }
    }

    /// The way a whole-installation view (status, health) went: online
    /// when the daemon's `/health` answered.
    pub fn of(live: &Liveness) -> Access {
        if live.health().is_some() {
            Access::Online
        } else {
            Access::Offline
        }
    }
}

/// The one probe of a whole-installation view (`status`, `health`): the
/// PID file, the heartbeat and, unless `--offline`, one `GET /health`. The
/// view is online when that answered (`Access::of`); with `--online` and no
/// answer, exit 5 with why and what next.
pub fn probe(mode: Mode, settings: &Settings, layout: &Layout) -> Result<Liveness> {
    let live = Liveness::probe(settings, layout, mode != Mode::Offline)?;
    if mode == Mode::Online && live.health().is_none() {
        return Err(live.unreachable_error());
    }
    Ok(live)
}

/// What the command does on the files when it goes offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Reads files only (`breaker list`): harmless with the daemon up.
    Read,
    /// Changes files the daemon owns (`breaker reset`): only with the
    /// daemon verified down.
    Write,
}

/// The way chosen, with what the first API call returned when online.
pub enum Way<T> {
    Online {
        client: Client,
        value: T,
    },
    /// `note` says why the files were used when the mode did not force it.
    Offline {
        note: Option<String>,
    },
}

/// Chooses the way by the rule of this module: `first` is the command's
/// first API call (its answer is kept for the online way).
pub fn choose<T>(
    mode: Mode,
    purpose: Purpose,
    settings: &Settings,
    layout: &Layout,
    first: impl FnOnce(&Client) -> std::result::Result<T, ApiError>,
) -> Result<Way<T>> {
    if mode == Mode::Offline {
        if purpose == Purpose::Write {
            let live = Liveness::probe(settings, layout, false)?;
            refuse_unless_down(&live)?;
            return Ok(Way::Offline {
                note: Some(live.message),
            });
        }
        return Ok(Way::Offline { note: None });
    }
    let client = Client::new(settings)?;
    match first(&client) {
        Ok(value) => Ok(Way::Online { client, value }),
        Err(e) if mode == Mode::Online => Err(e.into()),
        // The daemon (or whatever is at --url) answered: report it.
        Err(e) if !e.is_unreachable() => Err(answered(e)),
        Err(e) => match purpose {
            Purpose::Read => Ok(Way::Offline {
                note: Some(format!("API not used ({}); read from the files", e.message)),
            }),
            Purpose::Write => {
                let live = Liveness::probe_with(settings, layout, ApiProbe::Failed(e))?;
                refuse_unless_down(&live)?;
                Ok(Way::Offline {
                    note: Some(live.message),
                })
            }
        },
    }
}

/// An API error from an answer (401, no token, a bad status or body): the
/// error itself, with a word that the daemon is not thereby down.
fn answered(e: ApiError) -> Error {
    let kind = e.kind;
    let err: Error = e.into();
    match kind {
        crate::api::ApiErrorKind::Unauthorized | crate::api::ApiErrorKind::NoToken => err
            .hint("an authentication problem, not a down daemon: nothing was read from or written to the files; fix the token (TALOS_TOKEN or etc/talos/secrets/admin_token), or use --offline to read the files"),
        _ => err.hint("the API answered, so the daemon is not known to be down: nothing was done on the files; --offline reads them"),
    }
}

/// Refuses (exit 4) to change files the daemon owns unless it is verified
/// down: a running, hung or unverified daemon would overwrite the change.
pub fn refuse_unless_down(live: &Liveness) -> Result<()> {
    if live.verdict.is_down() {
        return Ok(());
    }
    let mut err = Error::refused(format!(
        "not changing the daemon's files: {}; a running daemon would overwrite the change",
        live.message
    ))
    .hint("go through the API once it answers (`talos status`), or stop the daemon first (`talos panic`)");
    if let Some(n) = &live.next {
        err = err.hint(n.clone());
    }
    Err(err)
}

/// The ways an emergency stop may take, by mode (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopRoute {
    /// `--online`: only the API; exit 5 when it cannot be reached.
    ApiOnly,
    /// `--offline`: only the signals (SIGNAL_PANIC, SIGTERM, SIGKILL).
    SignalsOnly,
    /// Neither flag: the API first, then the verified signals.
    ApiThenSignals,
}

impl StopRoute {
    pub fn of(mode: Mode) -> StopRoute {
        match mode {
            Mode::Online => StopRoute::ApiOnly,
            Mode::Offline => StopRoute::SignalsOnly,
            Mode::Auto => StopRoute::ApiThenSignals,
        }
    }

    /// Whether the API may be tried at all.
    pub fn uses_api(self) -> bool {
        self != StopRoute::SignalsOnly
    }

    /// Whether the rungs after the API may be tried.
    pub fn uses_signals(self) -> bool {
        self != StopRoute::ApiOnly
    }

    /// The way the stop went: online when the API stopped the daemon,
    /// offline otherwise (signals, or nothing had to be stopped).
    pub fn access(stopped_by_api: bool) -> Access {
        if stopped_by_api {
            Access::Online
        } else {
            Access::Offline
        }
    }

    /// How a stop that did not happen ends when the route needed the API
    /// and it could not be reached: exit 5 (only for `--online`).
    pub fn unreachable(self, api_reachable: bool) -> bool {
        self == StopRoute::ApiOnly && !api_reachable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_routes_follow_the_mode() {
        assert_eq!(StopRoute::of(Mode::Online), StopRoute::ApiOnly);
        assert!(StopRoute::ApiOnly.uses_api() && !StopRoute::ApiOnly.uses_signals());
        assert!(!StopRoute::SignalsOnly.uses_api() && StopRoute::SignalsOnly.uses_signals());
        assert!(StopRoute::ApiThenSignals.uses_api() && StopRoute::ApiThenSignals.uses_signals());
        assert!(StopRoute::ApiOnly.unreachable(false));
        assert!(!StopRoute::ApiThenSignals.unreachable(false));
        assert_eq!(StopRoute::access(true), Access::Online);
        assert_eq!(StopRoute::access(false), Access::Offline);
    }
}
