//! `talos completions SHELL`, and the generators for the committed
//! `completions/` and `man/` trees.

use std::path::Path;

use clap::Args;
use clap_complete::Shell;

use super::{Ctx, Exit};
use crate::error::Result;

/// Print the completion script for a shell on stdout.
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

pub fn run(ctx: &Ctx, args: CompletionsArgs) -> Result<Exit> {
    let mut cmd = super::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "talos", &mut script);
    if ctx.ui.json {
        // One JSON document on stdout, like every command (docs/format.md).
        ctx.ui.json_doc(&serde_json::json!({
            "shell": args.shell.to_string(),
            "script": String::from_utf8_lossy(&script),
        }))?;
    } else {
        ctx.ui.raw(&script)?;
    }
    Ok(Exit::OK)
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
        let mut cmd = super::command();
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd, "talos", &mut buf);
        out.push((format!("completions/{name}"), buf));
    }
    let mut cmd = super::command();
    cmd.build();
    man_pages(&cmd, "talos", &mut out);
    out
}

fn man_pages(cmd: &clap::Command, name: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let page = cmd.clone().name(name.to_string());
    let mut buf = Vec::new();
    // Rendering into a Vec cannot fail.
    let _ = clap_mangen::Man::new(page).render(&mut buf);
    out.push((format!("man/{name}.1"), buf));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), out);
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
