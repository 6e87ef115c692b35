
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'talos' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'talos'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'talos' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there')
            [CompletionResult]::new('--online', '--online', [CompletionResultType]::ParameterName, 'Only go through the daemon''s API; exit 5 if it cannot be reached')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Only work on the files; never call the API')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation (for scripts, cron and CI)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation (for scripts, cron and CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Less on stderr: only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Less on stderr: only warnings and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Effective settings and config.yaml checks')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Make a practice installation (sandbox init DIR)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;config' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there')
            [CompletionResult]::new('--online', '--online', [CompletionResultType]::ParameterName, 'Only go through the daemon''s API; exit 5 if it cannot be reached')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Only work on the files; never call the API')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation (for scripts, cron and CI)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation (for scripts, cron and CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Less on stderr: only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Less on stderr: only warnings and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Every effective setting and where it came from (flag, env, config.yaml, default)')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;config;show' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there')
            [CompletionResult]::new('--online', '--online', [CompletionResultType]::ParameterName, 'Only go through the daemon''s API; exit 5 if it cannot be reached')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Only work on the files; never call the API')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation (for scripts, cron and CI)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation (for scripts, cron and CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Less on stderr: only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Less on stderr: only warnings and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talos;config;validate' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there')
            [CompletionResult]::new('--online', '--online', [CompletionResultType]::ParameterName, 'Only go through the daemon''s API; exit 5 if it cannot be reached')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Only work on the files; never call the API')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation (for scripts, cron and CI)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation (for scripts, cron and CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Less on stderr: only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Less on stderr: only warnings and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talos;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Every effective setting and where it came from (flag, env, config.yaml, default)')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;config;help;show' {
            break
        }
        'talos;config;help;validate' {
            break
        }
        'talos;config;help;help' {
            break
        }
        'talos;completions' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there')
            [CompletionResult]::new('--online', '--online', [CompletionResultType]::ParameterName, 'Only go through the daemon''s API; exit 5 if it cannot be reached')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Only work on the files; never call the API')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation (for scripts, cron and CI)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation (for scripts, cron and CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Less on stderr: only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Less on stderr: only warnings and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talos;sandbox' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there')
            [CompletionResult]::new('--online', '--online', [CompletionResultType]::ParameterName, 'Only go through the daemon''s API; exit 5 if it cannot be reached')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Only work on the files; never call the API')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation (for scripts, cron and CI)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation (for scripts, cron and CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Less on stderr: only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Less on stderr: only warnings and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a complete, realistic installation in DIR to practise on')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;sandbox;init' {
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the generator: the same seed and --now give the same tree')
            [CompletionResult]::new('--scale', '--scale', [CompletionResultType]::ParameterName, 'small: a few MB, in a second; large: ~1 GiB of logs, 1,000,000 audit records and a database of a few hundred MB, for benchmarks')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the sandbox is made at, RFC 3339 or a span back from now (2h) [default: now]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace the talos directories of a non-empty DIR (nothing else in it is touched)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there')
            [CompletionResult]::new('--online', '--online', [CompletionResultType]::ParameterName, 'Only go through the daemon''s API; exit 5 if it cannot be reached')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Only work on the files; never call the API')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation (for scripts, cron and CI)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation (for scripts, cron and CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Less on stderr: only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Less on stderr: only warnings and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talos;sandbox;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a complete, realistic installation in DIR to practise on')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;sandbox;help;init' {
            break
        }
        'talos;sandbox;help;help' {
            break
        }
        'talos;help' {
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Effective settings and config.yaml checks')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Make a practice installation (sandbox init DIR)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Every effective setting and where it came from (flag, env, config.yaml, default)')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout')
            break
        }
        'talos;help;config;show' {
            break
        }
        'talos;help;config;validate' {
            break
        }
        'talos;help;completions' {
            break
        }
        'talos;help;sandbox' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a complete, realistic installation in DIR to practise on')
            break
        }
        'talos;help;sandbox;init' {
            break
        }
        'talos;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
