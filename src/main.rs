//! Parses the command line, dispatches, and maps the result to an exit code.

use std::process::ExitCode;

use clap::Parser;
use talos::cli::{self, Cli, Ctx};
use talos::error::Error;

fn main() -> ExitCode {
    // Shell completion with live values: the script from `talos completions`
    // calls `COMPLETE=bash talos -- WORDS...`; answered here, then exit.
    clap_complete::CompleteEnv::with_factory(cli::command).complete();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and succeed; every other
            // parse error is a usage error, exit 2.
            let _ = e.print();
            if !e.use_stderr() {
                return ExitCode::SUCCESS;
            }
            // docs/format.md: with --json, stdout carries one JSON document even
            // for a usage error, as for every other error.
            if json_requested() {
                let rendered = e.render().to_string();
                // The error's paragraph, without the usage and help lines.
                let first = rendered.split("\n\n").next().unwrap_or("usage error");
                let message = first
                    .trim_start_matches("error: ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                let err = Error::usage(message)
                    .hint("see `talos --help` or `talos COMMAND --help` for the usage");
                print_json_error(&err);
            }
            return ExitCode::from(2);
        }
    };
    // --timeout must make a Duration: a negative, zero, NaN or endless value
    // is a usage error (exit 2), never a crash.
    if let Some(t) = cli.global.timeout
        && !(t.is_finite() && t > 0.0 && t <= 86_400.0)
    {
        let err = Error::usage(format!(
            "--timeout must be a number of seconds above 0 and at most 86400, not {t:?}"
        ))
        .hint("e.g. --timeout 3 (the default) or --timeout 0.5");
        report(cli.global.json, &err);
        return ExitCode::from(err.exit_code());
    }
    install_signal_handler();
    let ctx = Ctx::new(&cli.global);
    if let Some(problem) = talos::clock::problem() {
        ctx.ui.warn(problem);
    }
    match cli::dispatch(&ctx, cli.command) {
        Ok(exit) => ExitCode::from(exit.code()),
        // A read-only query whose reader went away: quiet success.
        Err(err) if talos::output::is_closed_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            report(ctx.ui.json, &err);
            ExitCode::from(err.exit_code())
        }
    }
}

/// SIGINT, SIGTERM and SIGHUP: said at once on stderr; an operation that
/// cleans up after itself is told through a flag, anything else ends here
/// with the terminal restored (see `talos::interrupt`).
fn install_signal_handler() {
    let Ok(mut signals) = signal_hook::iterator::Signals::new(talos::interrupt::SIGNALS) else {
        return;
    };
    std::thread::spawn(move || {
        for sig in signals.forever() {
            if let talos::interrupt::Action::Exit(code) = talos::interrupt::notify(sig) {
                talos::interrupt::restore_terminal();
                std::process::exit(code);
            }
        }
    });
}

/// Prints an error once: `error:`, its causes and hints on stderr, and with
/// `--json` also an error document on stdout so scripts always get JSON.
fn report(json: bool, err: &Error) {
    let label = console::style("error:").red().bold().for_stderr();
    let safe = |t: &str| talos::output::escape_controls(t, false).into_owned();
    // Fitted to the terminal like every human line (talos::output::fit).
    let width = talos::output::stderr_width();
    let fit = |t: String| talos::output::fit(&t, width);
    eprintln!("{}", fit(format!("{label} {}", safe(&err.message))));
    for cause in err.causes() {
        if cause != err.message {
            eprintln!("{}", fit(format!("  caused by: {}", safe(&cause))));
        }
    }
    for hint in &err.hints {
        let h = console::style("hint:").cyan().for_stderr();
        eprintln!("{}", fit(format!("{h} {}", safe(hint))));
    }
    if json {
        print_json_error(err);
    }
}

/// `--json` given on a command line that did not parse: looked for in the
/// raw arguments, up to a `--` that ends the flags.
fn json_requested() -> bool {
    std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json")
}

/// The error document on stdout: `{"error": {kind, exit_code, message, causes, hints}}`.
fn print_json_error(err: &Error) {
    let doc = serde_json::json!({
        "error": {
            "kind": err.kind.as_str(),
            "exit_code": err.exit_code(),
            "message": err.message,
            "causes": err.causes(),
            "hints": err.hints,
        }
    });
    // Through the one stdout writer: a closed pipe is not a second error.
    let _ = talos::output::Ui::plain(true).line(doc.to_string());
}
