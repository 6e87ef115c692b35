//! Parses the command line, dispatches, and maps the result to an exit code.

use std::process::ExitCode;

use clap::Parser;
use talos::cli::{self, Cli, Ctx};
use talos::error::Error;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and succeed; every other
            // parse error is a usage error, exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let ctx = Ctx::new(&cli.global);
    match cli::dispatch(&ctx, cli.command) {
        Ok(exit) => ExitCode::from(exit.0),
        Err(err) => {
            report(&ctx, &err);
            ExitCode::from(err.exit_code())
        }
    }
}

/// Prints an error once: `error:`, its causes and hints on stderr, and with
/// `--json` also an error document on stdout so scripts always get JSON.
fn report(ctx: &Ctx, err: &Error) {
    let label = console::style("error:").red().bold().for_stderr();
    eprintln!("{label} {}", err.message);
    for cause in err.causes() {
        if cause != err.message {
            eprintln!("  caused by: {cause}");
        }
    }
    for hint in &err.hints {
        let h = console::style("hint:").cyan().for_stderr();
        eprintln!("{h} {hint}");
    }
    if ctx.ui.json {
        let doc = serde_json::json!({
            "error": {
                "kind": err.kind.as_str(),
                "exit_code": err.exit_code(),
                "message": err.message,
                "causes": err.causes(),
                "hints": err.hints,
            }
        });
        println!("{doc}");
    }
}
