//! Race-free signalling of a verified process through a pidfd
//! (`pidfd_open` + `pidfd_send_signal`, Linux 5.3+): the descriptor refers to
//! the process that was verified, not to its number, so a PID reused by
//! another program between verification and signal is never hit; the kernel
//! answers ESRCH instead. Where the kernel has no pidfd (ENOSYS), callers
//! fall back to `kill` and say so.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

use nix::libc;
use nix::sys::signal::Signal;

/// A descriptor of one process, opened when it was verified.
#[derive(Debug)]
pub struct PidFd {
    fd: OwnedFd,
}

/// Whether the kernel lacks pidfds (the tests then have nothing to check).
#[cfg(test)]
fn unsupported(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ENOSYS) | Some(libc::EPERM))
}

impl PidFd {
    /// `pidfd_open(pid, 0)`. Open it right after verifying the PID: the
    /// descriptor then keeps referring to that process.
    pub fn open(pid: u32) -> io::Result<PidFd> {
        // SAFETY: pidfd_open takes a pid and flags and returns a new fd or -1.
        let r =
            unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0 as libc::c_uint) };
        if r < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: r is a new descriptor that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(r as i32) };
        Ok(PidFd { fd })
    }

    /// `pidfd_send_signal`. `Ok(false)` when the process has exited (ESRCH),
    /// even if its PID now belongs to another process.
    pub fn send_signal(&self, sig: Signal) -> io::Result<bool> {
        // SAFETY: fd is a valid pidfd; a null siginfo and flags 0 make this
        // equivalent to kill(2) on the referred process.
        let r = unsafe {
            libc::syscall(
                libc::SYS_pidfd_send_signal,
                self.fd.as_raw_fd(),
                sig as libc::c_int,
                std::ptr::null::<libc::siginfo_t>(),
                0 as libc::c_uint,
            )
        };
        if r == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        if e.raw_os_error() == Some(libc::ESRCH) {
            return Ok(false);
        }
        Err(e)
    }

    /// True once the process has exited: a pidfd becomes readable then.
    pub fn has_exited(&self) -> bool {
        self.wait_exit(Duration::ZERO)
    }

    /// Waits up to `timeout` for the process to exit by polling the pidfd;
    /// true if it did.
    pub fn wait_exit(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let ms = left.as_millis().min(i32::MAX as u128) as i32;
            let mut p = libc::pollfd {
                fd: self.fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            let r = unsafe { libc::poll(&mut p, 1, ms) };
            if r > 0 {
                return true;
            }
            if r == 0 {
                return false;
            }
            if io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
                return false;
            }
        }
    }
}

/// Opens the pidfd of a process just verified, then checks that the PID
/// still has the verified start time (`started_at` reads it), so the
/// descriptor refers to the verified process and not to a successor. None
/// when the kernel has no pidfd or the process is already gone; the caller
/// then falls back to `kill` behind its own checks.
pub fn open_verified(
    pid: u32,
    started_at: u64,
    start_time_of: impl Fn(u32) -> Option<u64>,
) -> Option<std::sync::Arc<PidFd>> {
    // Test hook: `TALOS_TEST_NO_PIDFD=1` behaves as a kernel without pidfds,
    // so the `kill` fallback and its `-v` line can be tested anywhere.
    // Only with the `test-hooks` feature (not in a release build).
    #[cfg(feature = "test-hooks")]
    if std::env::var_os("TALOS_TEST_NO_PIDFD").is_some_and(|v| v == "1") {
        return None;
    }
    let fd = PidFd::open(pid).ok()?;
    (start_time_of(pid) == Some(started_at)).then(|| std::sync::Arc::new(fd))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    #[test]
    fn a_stale_pidfd_never_signals_the_process_that_took_the_pid() {
        // Verify one process and open its pidfd, as at verification time.
        let mut first = Command::new("sleep").arg("30").spawn().unwrap();
        let pid = first.id();
        let fd = match PidFd::open(pid) {
            Ok(fd) => fd,
            Err(e) if unsupported(&e) => {
                eprintln!("no pidfd on this kernel: {e}");
                let _ = first.kill();
                let _ = first.wait();
                return;
            }
            Err(e) => panic!("{e}"),
        };
        assert!(!fd.has_exited());
        // It exits (and is reaped, so its PID is free for reuse).
        first.kill().unwrap();
        first.wait().unwrap();
        assert!(fd.wait_exit(Duration::from_secs(5)));
        // Another process comes; whatever PID it got, the stale descriptor
        // reaches nothing: ESRCH, not a signal to the newcomer.
        let mut second = Command::new("sleep").arg("30").spawn().unwrap();
        assert!(!fd.send_signal(Signal::SIGTERM).unwrap());
        assert!(!fd.send_signal(Signal::SIGKILL).unwrap());
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            second.try_wait().unwrap().is_none(),
            "the newcomer was never signalled"
        );
        // A live process is signalled through its own pidfd, and its exit seen.
        let live = PidFd::open(second.id()).unwrap();
        assert!(live.send_signal(Signal::SIGTERM).unwrap());
        second.wait().unwrap();
        assert!(live.wait_exit(Duration::from_secs(5)));
    }
}
