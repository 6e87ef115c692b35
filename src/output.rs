//! Everything the tool prints goes through `Ui`: results to stdout (a JSON
//! document with `--json`, human text otherwise), notes and progress to
//! stderr. Colour only on a terminal and never with NO_COLOR (or as
//! `--color` says); progress only on a terminal, never with `-q` or
//! `--json`. Every human line is fitted to the terminal's width (`COLUMNS`,
//! else its size, 80 columns when that cannot be read; a pipe keeps whole
//! lines): wrapped with a hanging indent, never inside a command; table rows
//! are cut with an ellipsis instead (docs/format.md, "Output and JSON
//! conventions").

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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
    /// Columns human lines on stdout are fitted to; 0 means no limit.
    pub width: usize,
    /// The same for stderr.
    pub err_width: usize,
}

/// `--color`: when colour is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set or TERM is dumb.
    #[default]
    Auto,
    /// Always, even in a pipe or with NO_COLOR (never inside --json).
    Always,
    /// Never.
    Never,
}

/// The width of human output on stdout: `COLUMNS` when set to a number,
/// else the terminal's width when stdout is one (80 when its size cannot
/// be read), else 0: a pipe, a file or cron gets whole lines (grep and
/// mail keep them; a pager wraps by itself).
pub fn terminal_width() -> usize {
    width_of(&console::Term::stdout())
}

/// As `terminal_width`, for stderr (notes, warnings, errors).
pub fn stderr_width() -> usize {
    width_of(&console::Term::stderr())
}

fn width_of(term: &console::Term) -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n >= 20)
    {
        return n;
    }
    if !term.is_term() {
        return 0;
    }
    match term.size_checked() {
        Some((_, cols)) if cols >= 20 => cols as usize,
        _ => 80,
    }
}

/// The width tables are cut to (set once by `Ui::new`); 0 means no limit.
static TABLE_WIDTH: AtomicUsize = AtomicUsize::new(0);

fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || std::env::var("TERM").is_ok_and(|t| t == "dumb")
}

/// The message of a hidden bar whose phase was printed as a plain line.
pub const PLAIN_PHASE_SHOWN: &str = "\u{0}shown";

/// True when a spinner or bar shows nothing: the caller should say the
/// phase itself (a pipe, cron). False when the phase is already on screen.
pub fn phase_unsaid(bar: &indicatif::ProgressBar) -> bool {
    bar.is_hidden() && bar.message() != PLAIN_PHASE_SHOWN
}

/// The second hint of a confirmation that could not be asked; a command
/// without --dry-run drops it.
pub const DRY_RUN_HINT: &str = "--dry-run shows the plan first";

impl Ui {
    pub fn new(json: bool, quiet: bool, verbose: u8, assume_yes: bool) -> Ui {
        Ui::with_color(json, quiet, verbose, assume_yes, ColorChoice::Auto)
    }

    pub fn with_color(
        json: bool,
        quiet: bool,
        verbose: u8,
        assume_yes: bool,
        choice: ColorChoice,
    ) -> Ui {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let (color, stderr_color) = match choice {
            ColorChoice::Auto => {
                let nc = no_color();
                (stdout_tty && !nc && !json, stderr_tty && !nc)
            }
            ColorChoice::Always => (!json, true),
            ColorChoice::Never => (false, false),
        };
        console::set_colors_enabled(color);
        console::set_colors_enabled_stderr(stderr_color);
        let width = terminal_width();
        TABLE_WIDTH.store(width, Ordering::Relaxed);
        Ui {
            json,
            quiet,
            verbose,
            color,
            stderr_color,
            stdin_tty: std::io::stdin().is_terminal(),
            stderr_tty,
            assume_yes,
            width,
            err_width: stderr_width(),
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
            width: 0,
            err_width: 0,
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
        let text = if self.json {
            text
        } else {
            std::borrow::Cow::Owned(fit(&text, self.width))
        };
        let mut out = std::io::stdout().lock();
        write_or_pipe(&mut out, text.as_bytes())?;
        write_or_pipe(&mut out, b"\n")
    }

    /// A row of a table or a list on stdout: cut to the width with an
    /// ellipsis instead of wrapped, so the columns stay aligned.
    pub fn row(&self, text: impl AsRef<str>) -> Result<()> {
        let text = escape_controls(text.as_ref(), self.color);
        let cut = text
            .split('\n')
            .map(|l| truncate(l, self.width))
            .collect::<Vec<_>>()
            .join("\n");
        let mut out = std::io::stdout().lock();
        if stdout_closed() {
            return Ok(());
        }
        write_or_pipe(&mut out, cut.as_bytes())?;
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

    /// [`Ui::render`] for a command whose whole human report is a success
    /// report when `success` holds (a change made, nothing failed): `-q`
    /// then prints nothing, so cron mails only failures. A dry run's plan
    /// or a partial failure is passed with `success` false and always shown.
    pub fn render_success<T: Serialize + ?Sized>(
        &self,
        value: &T,
        success: bool,
        human: impl FnOnce(&Ui) -> Result<()>,
    ) -> Result<()> {
        if self.quiet && success && !self.json {
            return Ok(());
        }
        self.render(value, human)
    }

    /// A note on stderr, silenced by `-q`.
    pub fn note(&self, text: impl AsRef<str>) {
        if !self.quiet {
            let text = escape_controls(text.as_ref(), self.stderr_color);
            eprintln!("{}", fit(&text, self.err_width));
        }
    }

    /// A warning on stderr; shown even with `-q`.
    pub fn warn(&self, text: impl AsRef<str>) {
        let label = console::style("warning:").yellow().bold().for_stderr();
        let text = escape_controls(text.as_ref(), self.stderr_color);
        eprintln!("{}", fit(&format!("{label} {text}"), self.err_width));
    }

    /// Detail on stderr, shown only with `-v`.
    pub fn debug(&self, text: impl AsRef<str>) {
        if self.verbose > 0 {
            let text = escape_controls(text.as_ref(), self.stderr_color);
            eprintln!("{}", fit(&text, self.err_width));
        }
    }

    /// True when progress is shown: stderr is a terminal (not a pipe, not
    /// cron), TERM is not dumb, and neither `-q` nor `--json` was given.
    pub fn shows_progress(&self) -> bool {
        self.stderr_tty
            && !self.quiet
            && !self.json
            && !std::env::var("TERM").is_ok_and(|t| t == "dumb")
    }

    /// NO_COLOR (without `--color always`) means no drawn bars either:
    /// progress is then one plain line per phase, printed once, with no
    /// cursor movement, so the operator still sees what talos is doing.
    fn plain_progress(&self) -> bool {
        !self.stderr_color && no_color()
    }

    /// The hidden bar that stands for a phase shown as a plain line.
    fn plain_phase(&self, message: &str) -> indicatif::ProgressBar {
        let text = escape_controls(message, false);
        eprintln!("{}", fit(&text, self.err_width));
        let bar = indicatif::ProgressBar::hidden();
        // Callers that print a note when the bar is hidden check this
        // message: the phase has been said already.
        bar.set_message(PLAIN_PHASE_SHOWN);
        bar
    }

    /// Progress on stderr in bytes: a bar when `len` is known, a spinner
    /// while it is 0 (see `advance`), a hidden one when progress is not
    /// shown. It clears itself when finished or dropped: no stale line.
    pub fn progress(&self, len: u64, message: &str) -> indicatif::ProgressBar {
        if len == 0 {
            return self.spinner(message);
        }
        if !self.shows_progress() {
            return indicatif::ProgressBar::hidden();
        }
        if self.plain_progress() {
            return self.plain_phase(message);
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(len),
            indicatif::ProgressDrawTarget::stderr(),
        )
        .with_finish(indicatif::ProgressFinish::AndClear);
        bar.set_style(self.bar_style());
        bar.set_message(message.to_string());
        bar
    }

    /// A spinner on stderr for work whose size is unknown (or hidden, as
    /// for `progress`). It ticks by itself, so it moves while the work runs.
    pub fn spinner(&self, message: &str) -> indicatif::ProgressBar {
        if !self.shows_progress() {
            return indicatif::ProgressBar::hidden();
        }
        if self.plain_progress() {
            return self.plain_phase(message);
        }
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr())
                .with_finish(indicatif::ProgressFinish::AndClear);
        let style = indicatif::ProgressStyle::with_template("{spinner} {wide_msg} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_message(message.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    }

    fn bar_style(&self) -> indicatif::ProgressStyle {
        bar_style()
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
/// widths are right), each row cut to the terminal's width with `…`.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    table_cut(headers, rows, TABLE_WIDTH.load(Ordering::Relaxed))
}

/// A table whose rows are never cut (every value matters, as in `config
/// show`): a row wider than the terminal wraps instead.
pub fn table_uncut(headers: &[&str], rows: &[Vec<String>]) -> String {
    table_cut(headers, rows, 0)
}

fn table_cut(headers: &[&str], rows: &[Vec<String>], width: usize) -> String {
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
        out.push_str(&truncate(line.trim_end(), width));
        out.push('\n');
    };
    fmt_row(headers.to_vec(), &mut out);
    for row in rows {
        fmt_row(row.iter().map(String::as_str).collect(), &mut out);
    }
    out.pop();
    out
}

// Units live in `crate::units` (the domain uses them too); re-exported
// here for the command layer.
pub use crate::units::{human_bytes, human_duration};

pub use crate::units::{ago, stamp, stamp_text, when, when_at, when_text, when_text_at};

/// Fits every line of `text` into `width` columns (0: no limit): a line too
/// wide is wrapped at spaces with a hanging indent. A command is never
/// broken: text in backticks is one word, and a line that is a command
/// (`$ ...`, `talos ...`) is left whole. A single word wider than the line
/// (a long path) stands alone on its line, unbroken.
pub fn fit(text: &str, width: usize) -> String {
    if width == 0 {
        return text.to_string();
    }
    text.split('\n')
        .map(|l| wrap_line(l, width))
        .collect::<Vec<_>>()
        .join("\n")
}

fn wrap_line(line: &str, width: usize) -> String {
    let w = console::measure_text_width;
    if w(line) <= width {
        return line.to_string();
    }
    let body = line.trim_start_matches(' ');
    let lead = line.len() - body.len();
    let plain = console::strip_ansi_codes(body);
    if plain.starts_with("$ ") || is_command(&plain) || plain.starts_with("# ") {
        return line.to_string();
    }
    let words = words(body);
    if words.len() < 2 {
        return line.to_string();
    }
    // Hang under the text after a leading label (`  [1] `, `hint: `,
    // `key:   value`) when that leaves room, else 2 more than the lead.
    let label = label_width(&plain);
    let hang = if label > 0 && lead + label <= width / 3 {
        lead + label
    } else {
        (lead + 2).min(width / 3)
    };
    let mut out = String::with_capacity(line.len() + 16);
    let mut cur = " ".repeat(lead);
    let mut cur_w = lead;
    let mut first = true;
    for word in words {
        let ww = w(word);
        if !first && cur_w + 1 + ww > width {
            out.push_str(cur.trim_end());
            out.push('\n');
            cur = " ".repeat(hang);
            cur_w = hang;
            first = true;
        }
        if !first {
            cur.push(' ');
            cur_w += 1;
        }
        cur.push_str(word);
        cur_w += ww;
        first = false;
    }
    out.push_str(cur.trim_end());
    out
}

/// The words of a line: split at spaces, except inside backticks, so
/// `` `talos restore FILE --dry-run` `` stays one word, and a bare
/// `talos ...` runs to the end of the line as one word. Runs of spaces
/// between words are kept inside the previous word (aligned columns).
fn words(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut in_tick = false;
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'`' {
            in_tick = !in_tick;
        }
        if start.is_none() && !in_tick && is_command(&s[i..]) {
            // A command written out without backticks (`to undo: talos
            // restore FILE --yes`) runs to the end of the line: one word.
            out.push(&s[i..]);
            return out;
        }
        if c == b' ' && !in_tick {
            if let Some(st) = start.take() {
                // Two or more spaces: alignment, kept with the word.
                let mut j = i;
                while j < b.len() && b[j] == b' ' {
                    j += 1;
                }
                if j - i >= 2 && j < b.len() {
                    out.push(&s[st..j - 1]);
                } else {
                    out.push(&s[st..i]);
                }
                i = j;
                continue;
            }
        } else if start.is_none() {
            start = Some(i);
        }
        i += 1;
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

/// Width of a leading label that continuation lines hang under: `[1] `,
/// `hint: `, `name:    ` (a word ending in `:` then spaces); 0 if none.
fn label_width(plain: &str) -> usize {
    let body = plain.trim_start_matches(' ');
    let first_end = body.find(' ').unwrap_or(body.len());
    let first = &body[..first_end];
    if first_end == body.len() || first.chars().count() > 24 {
        return 0;
    }
    let rest = &body[first_end..];
    let spaces = rest.len() - rest.trim_start_matches(' ').len();
    // A first column aligned by two or more spaces (`CRITICAL  text`).
    let is_label = spaces >= 2
        || first.ends_with(':')
        || (first.starts_with('[') && first.ends_with(']'))
        || first == "-"
        || first == "*"
        || first.trim_end_matches(['.', ')']).parse::<u32>().is_ok();
    if !is_label {
        return 0;
    }
    console::measure_text_width(first) + spaces
}

/// Cuts a line to `width` columns (0: no limit), ending it with `…` when
/// something was cut.
pub fn truncate(line: &str, width: usize) -> String {
    if width == 0 || console::measure_text_width(line) <= width {
        return line.to_string();
    }
    console::truncate_str(line, width, "…").into_owned()
}

/// The style of a byte progress bar (cyan when stderr has colour).
fn bar_style() -> indicatif::ProgressStyle {
    let template = if console::colors_enabled_stderr() {
        "{msg} [{bar:30.cyan}] {bytes}/{total_bytes} ({eta})"
    } else {
        "{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})"
    };
    indicatif::ProgressStyle::with_template(template)
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// Moves a progress to `done` of `total` bytes. A spinner becomes a bar
/// when the total is first known, and its ETA starts then (the time spent
/// before, e.g. on a database snapshot, does not make it absurd); the total
/// grows rather than the bar passing 100 %.
pub fn advance(bar: &indicatif::ProgressBar, done: u64, total: u64) {
    if bar.is_hidden() {
        return;
    }
    let total = total.max(done);
    if total == 0 {
        bar.tick();
        return;
    }
    if bar.length().is_none() {
        bar.disable_steady_tick();
        bar.set_style(bar_style());
        bar.set_length(total);
        bar.reset_eta();
    } else if bar.length() != Some(total) {
        bar.set_length(total);
    }
    bar.set_position(done);
}

/// True when `s` begins a talos command line: `talos` then a subcommand or
/// a flag (`talos restore FILE`, `talos --root DIR status`), not the word
/// in running text ("a talos installation").
fn is_command(s: &str) -> bool {
    const SUBCOMMANDS: [&str; 19] = [
        "status",
        "health",
        "panic",
        "recover",
        "restart",
        "breaker",
        "backup",
        "restore",
        "audit",
        "verify-chain",
        "drill",
        "log",
        "incident",
        "doctor",
        "repair",
        "db",
        "config",
        "sandbox",
        "completions",
    ];
    s.strip_prefix("talos ").is_some_and(|rest| {
        let next = rest.split([' ', '`']).next().unwrap_or("");
        next.starts_with('-') || SUBCOMMANDS.contains(&next)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moment_is_absolute_then_relative() {
        let now: jiff::Timestamp = "2026-11-30T03:16:30Z".parse().unwrap();
        let at = |t: &str| when_at(t.parse().unwrap(), now);
        assert_eq!(
            at("2026-11-30T03:12:10Z"),
            "2026-11-30 03:12 UTC (4 min ago)"
        );
        assert_eq!(at("2026-11-30T03:16:30Z"), "2026-11-30 03:16 UTC (0 s ago)");
        assert_eq!(
            at("2026-11-30T01:11:00Z"),
            "2026-11-30 01:11 UTC (2 h 5 min ago)"
        );
        assert_eq!(at("2026-11-29T03:16:30Z"), "2026-11-29 03:16 UTC (1 d ago)");
        assert_eq!(
            at("2026-11-30T03:20:00Z"),
            "2026-11-30 03:20 UTC (in 3 min)"
        );
        assert_eq!(when_text_at("not a time", now), "not a time");
    }
}
