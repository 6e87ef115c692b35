//! What SIGINT, SIGTERM and SIGHUP do (docs/ops.md, "Interrupted").
//!
//! `main` starts one thread that receives the signals and calls `notify`.
//! Outside an operation that cleans up after itself, the program ends at
//! once (the terminal restored, exit 128 + signal number: 130, 143, 129).
//! Inside one (`Scope`: backup create, restore, drill) the signal only
//! raises a flag: the operation's long loops call `check`, which returns an
//! error; on the way out the guards that own temporary files remove them
//! and the locks are released; the exit code is the same. A second signal
//! ends the program at once; what it leaves behind is found and removed by
//! the next run (`crate::leftovers`).

use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

use crate::error::{Error, Result};

static SIGNAL: AtomicI32 = AtomicI32::new(0);
static SCOPES: AtomicUsize = AtomicUsize::new(0);
static PROMPTS: AtomicUsize = AtomicUsize::new(0);

/// The signals talos handles.
pub const SIGNALS: [i32; 3] = [nix::libc::SIGINT, nix::libc::SIGTERM, nix::libc::SIGHUP];

/// An operation that checks for interruption and cleans up after itself.
/// While one is alive, a signal is delivered as an error from `check`.
pub struct Scope(());

impl Scope {
    pub fn enter() -> Scope {
        SCOPES.fetch_add(1, Ordering::SeqCst);
        Scope(())
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        SCOPES.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Held while a confirmation prompt waits for a key: a signal then ends
/// the program at once (after the terminal is restored).
pub struct Prompt(());

impl Prompt {
    pub fn enter() -> Prompt {
        PROMPTS.fetch_add(1, Ordering::SeqCst);
        Prompt(())
    }
}

impl Drop for Prompt {
    fn drop(&mut self) {
        PROMPTS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What the signal thread should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Let the operation stop itself (it checks the flag and cleans up).
    Cooperate,
    /// End the program now with this exit code.
    Exit(i32),
}

/// Called by the signal thread: records the signal, says so on stderr at
/// once, and tells the thread whether to end the program.
pub fn notify(sig: i32) -> Action {
    let first = SIGNAL
        .compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok();
    let cooperate =
        first && SCOPES.load(Ordering::SeqCst) > 0 && PROMPTS.load(Ordering::SeqCst) == 0;
    let name = signal_name(sig);
    if cooperate {
        eprintln!(
            "talos: {name} received: stopping, removing temporary files and releasing locks (send it again to quit at once)"
        );
        Action::Cooperate
    } else {
        eprintln!("talos: {name} received: quitting");
        Action::Exit(exit_code(sig))
    }
}

/// Shows the cursor again (a prompt or progress bar may have hidden it).
/// Only on a terminal: a log file or a pipe gets no escape sequence.
pub fn restore_terminal() {
    let term = console::Term::stderr();
    if term.is_term() {
        let _ = term.show_cursor();
    }
}

/// The signal received, if any.
pub fn received() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// Fails with the interruption once a signal was received; long loops call
/// it between steps.
pub fn check() -> Result<()> {
    match received() {
        None => Ok(()),
        Some(sig) => Err(interrupted(sig)),
    }
}

/// The error of an interrupted operation: exit 128 + signal number.
pub fn interrupted(sig: i32) -> Error {
    Error::interrupted(
        exit_code(sig) as u8,
        format!(
            "interrupted by {}: stopped; its temporary files were removed and its locks released",
            signal_name(sig)
        ),
    )
    .hint("nothing was left half done; run the command again when ready")
}

/// Test-only hook: with the environment variable `var` set to `1`, waits
/// here (up to 60 s) until a signal arrives, so a test can interrupt an
/// operation at a known point without timing guesses. Nothing else sets it.
/// Compiled only with the `test-hooks` feature (not in a release build).
#[cfg(feature = "test-hooks")]
pub fn test_wait_for_signal(var: &str) {
    if std::env::var(var).is_ok_and(|v| v == "1") {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while received().is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

pub fn exit_code(sig: i32) -> i32 {
    128 + sig
}

pub fn signal_name(sig: i32) -> &'static str {
    match sig {
        nix::libc::SIGINT => "SIGINT",
        nix::libc::SIGTERM => "SIGTERM",
        nix::libc::SIGHUP => "SIGHUP",
        _ => "a signal",
    }
}
