//! `talos completions SHELL`, and the generators for the committed
//! `completions/` and `man/` trees.

use std::path::Path;

use clap::Args;
use clap_complete::Shell;

use super::{Ctx, ExitStatus};
use crate::error::Result;

/// Print the completion script for a shell on stdout.
///
/// The script asks `talos` (on PATH) for candidates as you press Tab, so
/// they are live: `breaker reset <Tab>` offers the breakers in
/// circuit_breakers.json, `backup verify <Tab>` and `restore <Tab>` the
/// archives in the backup directory, `--level <Tab>` the levels and
/// `--partial <Tab>` the components, for the installation named by --root
/// or TALOS_ROOT.
///
/// bash: `talos completions bash > /etc/bash_completion.d/talos`;
/// zsh: `talos completions zsh > "${fpath[1]}/_talos"`;
/// fish: `talos completions fish > ~/.config/fish/completions/talos.fish`.
///
/// With --json: `{"shell": "bash", "script": "<the script>"}`.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell
    pub shell: Shell,
}

pub fn run(ctx: &Ctx, args: CompletionsArgs) -> Result<ExitStatus> {
    let script = script(args.shell);
    if ctx.ui.json {
        // One JSON document on stdout, like every command (docs/format.md).
        ctx.ui.json_doc(&serde_json::json!({
            "shell": args.shell.to_string(),
            "script": String::from_utf8_lossy(&script),
        }))?;
    } else {
        ctx.ui.raw(&script)?;
    }
    Ok(ExitStatus::Ok)
}

/// The completion script of a shell. It asks `talos` itself for the
/// candidates as you press Tab (`COMPLETE=SHELL talos -- WORDS...`), so
/// breaker names, backup files, levels and components are the live values
/// of the installation named by --root / TALOS_ROOT (src/cli/complete.rs).
pub fn script(shell: Shell) -> Vec<u8> {
    use clap_complete::env::EnvCompleter;
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &clap_complete::env::Bash,
        Shell::Zsh => &clap_complete::env::Zsh,
        Shell::Fish => &clap_complete::env::Fish,
        Shell::Elvish => &clap_complete::env::Elvish,
        _ => &clap_complete::env::Powershell,
    };
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = completer.write_registration("COMPLETE", "talos", "talos", "talos", &mut buf);
    buf
}

/// File name of each shell's completion script in `completions/`.
pub fn completion_files() -> Vec<(Shell, &'static str)> {
    vec![
        (Shell::Bash, "talos.bash"),
        (Shell::Zsh, "_talos"),
        (Shell::Fish, "talos.fish"),
        (Shell::Elvish, "talos.elv"),
        (Shell::PowerShell, "_talos.ps1"),
    ]
}

/// Every generated file (relative path, content): completions and man pages
/// (`talos.1` and one page per subcommand, `talos-backup-create.1`...).
pub fn generated_files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (shell, name) in completion_files() {
        out.push((format!("completions/{name}"), script(shell)));
    }
    let mut cmd = super::command();
    cmd.build();
    man_pages(&cmd, "talos", None, &mut out);
    out
}

fn man_pages(
    cmd: &clap::Command,
    name: &str,
    parent: Option<&str>,
    out: &mut Vec<(String, Vec<u8>)>,
) {
    out.push((format!("man/{name}.1"), man_page(cmd, name, parent)));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), Some(name), out);
    }
}

/// One man page: NAME, SYNOPSIS, DESCRIPTION (lists, steps and examples
/// kept line by line), OPTIONS, COMMANDS, EXIT STATUS, ENVIRONMENT, FILES,
/// SEE ALSO. clap_mangen renders the parts clap knows; the rest is ours, so
/// exit codes get their own section instead of "EXTRA".
fn man_page(cmd: &clap::Command, name: &str, parent: Option<&str>) -> Vec<u8> {
    let page = cmd.clone().name(name.to_string());
    let man = clap_mangen::Man::new(page.clone());
    let mut buf = Vec::new();
    // Rendering into a Vec cannot fail.
    let _ = man.render_title(&mut buf);
    let _ = man.render_name_section(&mut buf);
    let _ = man.render_synopsis_section(&mut buf);
    let about = page
        .get_long_about()
        .or_else(|| page.get_about())
        .map(ToString::to_string)
        .unwrap_or_default();
    let (description, own_exit) = split_exit_status(&about);
    let mut roff = String::new();
    roff.push_str(".SH DESCRIPTION\n");
    paragraphs(&mut roff, &description);
    buf.extend_from_slice(roff.as_bytes());
    if page.get_arguments().any(|a| !a.is_hide_set()) {
        let _ = man.render_options_section(&mut buf);
    }
    let subs: Vec<&clap::Command> = page
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .collect();
    let mut roff = String::new();
    if !subs.is_empty() {
        roff.push_str(".SH COMMANDS\n");
        for sub in &subs {
            roff.push_str(".TP\n");
            roff.push_str(&format!(
                "\\fB{}\\fR(1)\n",
                escape(&format!("{name}-{}", sub.get_name()))
            ));
            if let Some(a) = sub.get_about() {
                roff.push_str(&escape_line(&a.to_string()));
                roff.push('\n');
            }
        }
    }
    let after = page
        .get_after_long_help()
        .or_else(|| page.get_after_help())
        .map(ToString::to_string)
        .unwrap_or_default();
    let (notes, after_exit) = split_exit_status(&after);
    if !notes.trim().is_empty() {
        roff.push_str(".SH NOTES\n");
        paragraphs(&mut roff, &notes);
    }
    roff.push_str(".SH \"EXIT STATUS\"\n");
    match own_exit.or(after_exit) {
        Some(text) => paragraphs(&mut roff, &text),
        None => paragraphs(&mut roff, EXIT_STATUS),
    }
    roff.push_str(".SH ENVIRONMENT\n");
    paragraphs(&mut roff, ENVIRONMENT);
    roff.push_str(".SH FILES\n");
    paragraphs(&mut roff, FILES);
    roff.push_str(".SH \"SEE ALSO\"\n");
    let mut see = Vec::new();
    if let Some(parent) = parent {
        see.push("talos(1)".to_string());
        if parent != "talos" {
            see.push(format!("{parent}(1)"));
        }
    }
    see.extend(subs.iter().map(|s| format!("{name}-{}(1)", s.get_name())));
    see.push("docs/format.md, docs/ops.md and docs/runbook.md in the source".to_string());
    roff.push_str(&escape_line(&see.join(", ")));
    roff.push('\n');
    buf.extend_from_slice(roff.as_bytes());
    let _ = man.render_version_section(&mut buf);
    buf
}

const EXIT_STATUS: &str = "\
0  done (health: healthy)
1  the operation failed (health: degraded)
2  usage error (health: unhealthy)
3  integrity failure: a corrupt, tampered or unsafe backup, chain or file (health: unknown)
4  refused for safety: a lock is held, the daemon is running, a PID could not be verified, a confirmation was declined or could not be asked
5  the daemon was required (--online) and could not be reached
130, 143, 129  interrupted by SIGINT, SIGTERM or SIGHUP";

const ENVIRONMENT: &str = "\
TALOS_ROOT     root of the installation (--root); default /
TALOS_URL      the daemon's admin API (--url)
TALOS_TOKEN    the admin token (else etc/talos/secrets/admin_token)
TALOS_CACERT   CA bundle for the daemon's HTTPS (--cacert)
TALOS_REPO     backup repository (--repo)
TALOS_AGE_IDENTITY  age identity file for encrypted backups (--identity)
NO_COLOR       no colour (progress is still shown on a terminal)
COLUMNS        the width human output is fitted to (default: the terminal's, else 80)";

const FILES: &str = "\
etc/talos/config.yaml           settings
etc/talos/secrets/admin_token   the admin token
var/lib/talos/                  state, database, emergency state and preserves
var/log/talos/                  Tier 2/3 logs, audit/ (the audit chain), panic.log, restore.log
var/run/talos/orchestrator.pid  the daemon's PID file
var/backups/talos/              backup archives (backup.dir)
(every path is under --root / TALOS_ROOT)";

/// Splits an `EXIT STATUS:` paragraph (to the end) off a help text.
fn split_exit_status(text: &str) -> (String, Option<String>) {
    match text.find("EXIT STATUS:") {
        Some(i) => {
            let rest = text[i + "EXIT STATUS:".len()..].trim();
            // The paragraph after EXIT STATUS, without the indentation of
            // its lines.
            let body: Vec<&str> = rest.lines().map(str::trim).collect();
            (text[..i].trim_end().to_string(), Some(body.join("\n")))
        }
        None => (text.to_string(), None),
    }
}

/// Writes paragraphs (split at blank lines). A paragraph whose lines are a
/// list, numbered steps, examples or a table (any line indented, numbered
/// or a command) is kept line by line (`.nf`); the others are filled.
fn paragraphs(roff: &mut String, text: &str) {
    let mut first = true;
    for para in text.split("\n\n") {
        let lines: Vec<&str> = para.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.is_empty() {
            continue;
        }
        if !first {
            roff.push_str(".PP\n");
        }
        first = false;
        let keep = lines.len() > 1
            && lines.iter().any(|l| {
                let t = l.trim_start();
                l.starts_with(' ')
                    || t.starts_with("talos ")
                    || t.split_once(". ")
                        .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
                    || t.split_once("  ")
                        .is_some_and(|(n, _)| !n.is_empty() && !n.contains(' '))
            });
        if keep {
            roff.push_str(".nf\n");
            for l in &lines {
                roff.push_str(&escape_line(l));
                roff.push('\n');
            }
            roff.push_str(".fi\n");
        } else {
            for l in &lines {
                roff.push_str(&escape_line(l.trim()));
                roff.push('\n');
            }
        }
    }
}

/// Escapes roff's special characters in running text.
fn escape(s: &str) -> String {
    s.replace('\\', "\\e").replace('-', "\\-")
}

/// One line of text: escaped, and never read as a request.
fn escape_line(s: &str) -> String {
    let e = escape(s);
    if e.starts_with('.') || e.starts_with('\'') {
        format!("\\&{e}")
    } else {
        e
    }
}

/// Writes every generated file under `dir` (used by the regeneration test).
pub fn write_generated(dir: &Path) -> std::io::Result<()> {
    for sub in ["completions", "man"] {
        let d = dir.join(sub);
        if d.exists() {
            std::fs::remove_dir_all(&d)?;
        }
        std::fs::create_dir_all(&d)?;
    }
    for (rel, bytes) in generated_files() {
        std::fs::write(dir.join(rel), bytes)?;
    }
    Ok(())
}
