//! Everything the tool prints goes through `Ui`: results to stdout (a JSON
//! document with `--json`, human text otherwise), notes and progress to
//! stderr. Colour and progress bars only on a terminal, never with NO_COLOR.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Ui {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    /// Colour on stdout.
    pub color: bool,
    /// Colour and progress on stderr.
    pub stderr_color: bool,
    pub stdin_tty: bool,
    pub stderr_tty: bool,
    pub assume_yes: bool,
}

fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || std::env::var("TERM").is_ok_and(|t| t == "dumb")
}

/// The second hint of a confirmation that could not be asked; a command
/// without --dry-run drops it.
pub const DRY_RUN_HINT: &str = "--dry-run shows the plan first";

impl Ui {
    pub fn new(json: bool, quiet: bool, verbose: u8, assume_yes: bool) -> Ui {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let nc = no_color();
        let color = stdout_tty && !nc && !json;
        let stderr_color = stderr_tty && !nc;
        console::set_colors_enabled(color);
        console::set_colors_enabled_stderr(stderr_color);
        Ui {
            json,
            quiet,
            verbose,
            color,
            stderr_color,
            stdin_tty: std::io::stdin().is_terminal(),
            stderr_tty,
            assume_yes,
        }
    }

    /// A plain Ui for tests and library callers: no colour, no terminal.
    pub fn plain(json: bool) -> Ui {
        Ui {
            json,
            quiet: false,
            verbose: 0,
            color: false,
            stderr_color: false,
            stdin_tty: false,
            stderr_tty: false,
            assume_yes: false,
        }
    }

    /// Writes a line of the result to stdout. Control characters are
    /// escaped (see `escape_controls`); only the colour this Ui adds
    /// itself survives, and only when colour is on.
    pub fn line(&self, text: impl AsRef<str>) -> Result<()> {
        if stdout_closed() {
            return Ok(());
        }
        let text = escape_controls(text.as_ref(), self.color);
        let mut out = std::io::stdout().lock();
        write_or_pipe(&mut out, text.as_bytes())?;
        write_or_pipe(&mut out, b"\n")
    }

    /// Writes raw bytes to stdout (log lines verbatim).
    pub fn raw(&self, bytes: &[u8]) -> Result<()> {
        if stdout_closed() {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        write_or_pipe(&mut out, bytes)
    }

    /// Prints the one JSON document of a `--json` run.
    pub fn json_doc<T: Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        // JSON keeps the exact text: serde_json escapes C0 controls itself.
        let text = serde_json::to_string_pretty(value)?;
        let mut out = std::io::stdout().lock();
        write_or_pipe(&mut out, text.as_bytes())?;
        write_or_pipe(&mut out, b"\n")
    }

    /// Prints `value` as JSON with `--json`, otherwise calls `human`.
    pub fn render<T: Serialize + ?Sized>(
        &self,
        value: &T,
        human: impl FnOnce(&Ui) -> Result<()>,
    ) -> Result<()> {
        if self.json {
            self.json_doc(value)
        } else {
            human(self)
        }
    }

    /// A note on stderr, silenced by `-q`.
    pub fn note(&self, text: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", escape_controls(text.as_ref(), self.stderr_color));
        }
    }

    /// A warning on stderr; shown even with `-q`.
    pub fn warn(&self, text: impl AsRef<str>) {
        let label = console::style("warning:").yellow().bold().for_stderr();
        eprintln!(
            "{label} {}",
            escape_controls(text.as_ref(), self.stderr_color)
        );
    }

    /// Detail on stderr, shown only with `-v`.
    pub fn debug(&self, text: impl AsRef<str>) {
        if self.verbose > 0 {
            eprintln!("{}", escape_controls(text.as_ref(), self.stderr_color));
        }
    }

    /// A progress bar on stderr, or a hidden one when not on a terminal, with
    /// NO_COLOR set (docs/format.md), with `--json` or `-q`.
    pub fn progress(&self, len: u64, message: &str) -> indicatif::ProgressBar {
        if !self.stderr_tty || no_color() || self.quiet || self.json {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(len),
            indicatif::ProgressDrawTarget::stderr(),
        );
        let style = indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(message.to_string());
        bar
    }

    /// A success line on stdout (`backup written: ...`), silenced by `-q` so
    /// cron mails only failures. With `--json` the document says it instead.
    pub fn done(&self, text: impl AsRef<str>) -> Result<()> {
        if self.quiet {
            return Ok(());
        }
        self.line(text)
    }

    /// Asks for confirmation before a destructive action. `--yes` answers yes;
    /// without a terminal the answer cannot be asked, and that is a refusal
    /// (exit 4), never a silent yes: cron and CI must say `--yes` themselves.
    pub fn confirm(&self, question: &str) -> Result<()> {
        if self.assume_yes {
            return Ok(());
        }
        if !(self.stdin_tty && self.stderr_tty) {
            return Err(Error::refused(format!(
                "confirmation needed ({question}) but there is no terminal to ask on"
            ))
            .hint("re-run with --yes to confirm from a script")
            .hint(DRY_RUN_HINT));
        }
        // One line, written once and never redrawn (a redrawn prompt wider
        // than the terminal shows twice), and no hidden cursor to restore
        // after Ctrl-C: the answer is a line read from stdin.
        eprint!("{question} [y/N] ");
        let mut answer = String::new();
        // Ctrl-C here ends the run at once (exit 130): nothing is half done.
        let _prompt = crate::interrupt::Prompt::enter();
        std::io::stdin()
            .read_line(&mut answer)
            .map_err(|e| Error::refused(format!("confirmation failed: {e}")))?;
        if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            Ok(())
        } else {
            Err(Error::refused(
                "declined at the confirmation prompt; nothing was changed",
            ))
        }
    }

    // Styling helpers for human output on stdout.
    pub fn red(&self, s: &str) -> String {
        console::style(s).red().bold().to_string()
    }
    pub fn yellow(&self, s: &str) -> String {
        console::style(s).yellow().to_string()
    }
    pub fn green(&self, s: &str) -> String {
        console::style(s).green().to_string()
    }
    pub fn bold(&self, s: &str) -> String {
        console::style(s).bold().to_string()
    }
    pub fn dim(&self, s: &str) -> String {
        console::style(s).dim().to_string()
    }
}

/// Set once a write to stdout found the reader gone.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// True once the reader of stdout went away (`talos panic ... | head -1`).
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Makes text from outside (daemon answers, log lines, archive metadata)
/// safe for a terminal: every C0 control but newline and tab, DEL and every
/// C1 control is written as a visible escape (`\x1b`, `\u{9b}`), so nothing
/// can move the cursor, retitle the window or write the clipboard (OSC 52).
/// With `keep_sgr`, plain colour sequences (`ESC [ digits ; ... m`, what this
/// Ui writes itself) are kept. `--json` output is not passed through here:
/// it keeps the exact text, JSON-escaped.
pub fn escape_controls(text: &str, keep_sgr: bool) -> std::borrow::Cow<'_, str> {
    let is_control = |c: char| {
        (c.is_ascii_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
    };
    if !text.chars().any(is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\x1b' && keep_sgr {
            let b = rest.as_bytes();
            if b.get(1) == Some(&b'[') {
                let n = b[2..]
                    .iter()
                    .take_while(|x| x.is_ascii_digit() || **x == b';')
                    .count();
                if b.get(2 + n) == Some(&b'm') {
                    out.push_str(&rest[..3 + n]);
                    rest = &rest[3 + n..];
                    continue;
                }
            }
        }
        if is_control(c) {
            if (c as u32) < 0x80 {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

fn write_or_pipe(out: &mut impl Write, bytes: &[u8]) -> Result<()> {
    stdout_result(out.write_all(bytes))
}

/// The result of a write to stdout. A reader that closed the pipe is not a
/// failure of the operation: the closed pipe is recorded, later output is
/// dropped, and the operation runs to its end and returns its own status.
/// Stopping here would leave a panic or a restore half done (docs/ops.md,
/// "Output"). Any other write error is a failure.
pub fn stdout_result(r: std::io::Result<()>) -> Result<()> {
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(Error::failed("cannot write to stdout").with_source(e)),
    }
}

/// For read-only producers of long output (log queries): the error that
/// stops the search once nobody reads it. `main` ends such a run quietly
/// with success, as ripgrep does.
pub fn closed_pipe() -> Error {
    Error::failed("stdout was closed by its reader")
        .with_source(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
}

/// True for the error of `closed_pipe`.
pub fn is_closed_pipe(err: &Error) -> bool {
    stdout_closed()
        && err
            .source
            .as_deref()
            .and_then(|e| e.downcast_ref::<std::io::Error>())
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Renders rows as an aligned text table (no colour codes inside cells, so
/// widths are right).
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(console::measure_text_width(cell));
            }
        }
    }
    let mut out = String::new();
    let fmt_row = |cells: Vec<&str>, out: &mut String| {
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            if i + 1 < cells.len() {
                let pad = widths[i].saturating_sub(console::measure_text_width(cell));
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    fmt_row(headers.to_vec(), &mut out);
    for row in rows {
        fmt_row(row.iter().map(String::as_str).collect(), &mut out);
    }
    out.pop();
    out
}

/// Human size: 1.2 MiB.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// Human duration: 3h 12m, 45s, 2d 4h.
pub fn human_duration(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let out = if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m {}s", s / 60, s % 60)
    } else if s < 86400 {
        format!("{}h {}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}d {}h", s / 86400, (s % 86400) / 3600)
    };
    if secs < 0 { format!("-{out}") } else { out }
}
