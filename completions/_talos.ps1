
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
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The 3 AM first screen: daemon, health, breakers, recovery, backups, audit, errors')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Health of the daemon and the installation, for people and for monitoring')
            [CompletionResult]::new('panic', 'panic', [CompletionResultType]::ParameterValue, 'Emergency stop: escalate from the API to SIGKILL until the daemon is down, then preserve state.')
            [CompletionResult]::new('recover', 'recover', [CompletionResultType]::ParameterValue, 'After a panic: show what emergency_state.json and a preserve hold, and put the state back')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Ask the daemon to restart gracefully (POST /admin/restart; F-002 in docs/runbook.md)')
            [CompletionResult]::new('breaker', 'breaker', [CompletionResultType]::ParameterValue, 'Circuit breakers: list them, reset them')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write, list and verify backup archives')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup archive into the installation (docs/format.md).')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'The Tier 1 audit chain: verify, tree head, inclusion proofs, query')
            [CompletionResult]::new('verify-chain', 'verify-chain', [CompletionResultType]::ParameterValue, 'Same as `talos audit verify-chain`')
            [CompletionResult]::new('drill', 'drill', [CompletionResultType]::ParameterValue, 'The CI restore drill: back up, restore into a scratch root, validate, time it')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Search, trace and count the Tier 2/3 logs; prune old rotations')
            [CompletionResult]::new('incident', 'incident', [CompletionResultType]::ParameterValue, 'Postmortem draft from the evidence on disk')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Run every offline check and say how to fix each finding.')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Repair damaged files: JSON-lines logs, config.yaml')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'The database: integrity check, WAL checkpoint')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Effective settings and config.yaml checks')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Make a practice installation (sandbox init DIR)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;status' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;health' {
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Check again every SECS seconds until interrupted (with --json, one JSON document per line per round)')
            [CompletionResult]::new('--metrics-file', '--metrics-file', [CompletionResultType]::ParameterName, 'Write Prometheus metrics here (talos_health_status), for node_exporter''s textfile collector [default: metrics.textfile_dir/talos_health.prom when configured]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;panic' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why you are stopping it (goes into SIGNAL_PANIC, the API call, emergency_state.json, the preserve, panic.log and the audit chain)')
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'Seconds to wait after SIGTERM before SIGKILL')
            [CompletionResult]::new('--signal-wait', '--signal-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for the watchdog to act on SIGNAL_PANIC (the daemon checks at least every 5 s)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go ahead without a PID file (the API and SIGNAL_PANIC are still tried; no process is ever signalled unverified)')
            [CompletionResult]::new('--no-state', '--no-state', [CompletionResultType]::ParameterName, 'Write neither emergency_state.json nor a preserve archive')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;recover' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be put back and change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;restart' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Do not wait for the daemon to answer again')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;breaker' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the circuit breakers: state, failure count, when they opened')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Reset circuit breakers to closed (failure_count 0, opened_at null)')
            [CompletionResult]::new('force-open', 'force-open', [CompletionResultType]::ParameterValue, 'Force a breaker open (resilience4j FORCED_OPEN): every call to the dependency is rejected until `talos breaker reset NAME`')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable a breaker (resilience4j DISABLED): every call goes through, failures are not counted, until `talos breaker reset NAME`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;breaker;list' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;breaker;reset' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Reset every breaker')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be reset and change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;breaker;force-open' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (kept with the state and in the audit record; shown by `talos status` and `talos breaker list`)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;breaker;disable' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (kept with the state and in the audit record; shown by `talos status` and `talos breaker list`)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;breaker;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the circuit breakers: state, failure count, when they opened')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Reset circuit breakers to closed (failure_count 0, opened_at null)')
            [CompletionResult]::new('force-open', 'force-open', [CompletionResultType]::ParameterValue, 'Force a breaker open (resilience4j FORCED_OPEN): every call to the dependency is rejected until `talos breaker reset NAME`')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable a breaker (resilience4j DISABLED): every call goes through, failures are not counted, until `talos breaker reset NAME`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;breaker;help;list' {
            break
        }
        'talos;breaker;help;reset' {
            break
        }
        'talos;breaker;help;force-open' {
            break
        }
        'talos;breaker;help;disable' {
            break
        }
        'talos;breaker;help;help' {
            break
        }
        'talos;backup' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Write a backup archive: backup_YYYYMMDD_HHMMSS.tar.gz (docs/format.md).')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List backups, newest first: age, size, components and audit head.')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a backup archive completely without writing anything.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;backup;create' {
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Directory to write into [default: backup.dir from config.yaml, else var/backups/talos]')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'After a successful backup, delete all but the newest N backups in that directory [default: backup.keep]')
            [CompletionResult]::new('--partial', '--partial', [CompletionResultType]::ParameterName, 'Back up only these components: comma list of config,state,database,logs,custom,ssl')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Use this host''s backups in the repository [default: this host''s name]')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt the archive with age to this recipient (age1…); repeatable [default: backup.encrypt_to]')
            [CompletionResult]::new('--metrics-file', '--metrics-file', [CompletionResultType]::ParameterName, 'Write Prometheus metrics here, for node_exporter''s textfile collector [default: metrics.textfile_dir/talos_backup.prom when configured]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;backup;list' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Directory to list [default: backup.dir from config.yaml, else var/backups/talos]')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Use this host''s backups in the repository [default: this host''s name]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--all-hosts', '--all-hosts', [CompletionResultType]::ParameterName, 'With a repository: list every host''s backups')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;backup;verify' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Use this host''s backups in the repository [default: this host''s name]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file to decrypt encrypted archives (from age-keygen) [env: TALOS_AGE_IDENTITY]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;backup;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Write a backup archive: backup_YYYYMMDD_HHMMSS.tar.gz (docs/format.md).')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List backups, newest first: age, size, components and audit head.')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a backup archive completely without writing anything.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;backup;help;create' {
            break
        }
        'talos;backup;help;list' {
            break
        }
        'talos;backup;help;verify' {
            break
        }
        'talos;backup;help;help' {
            break
        }
        'talos;restore' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Use this host''s backups in the repository [default: this host''s name]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file to decrypt encrypted archives (from age-keygen) [env: TALOS_AGE_IDENTITY]')
            [CompletionResult]::new('--partial', '--partial', [CompletionResultType]::ParameterName, 'Restore only these components: comma list of config,state,database,logs,custom,ssl')
            [CompletionResult]::new('--target-dir', '--target-dir', [CompletionResultType]::ParameterName, 'Restore into the installation rooted at DIR instead of --root')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Verify, print the plan per file, and change nothing')
            [CompletionResult]::new('--verify-only', '--verify-only', [CompletionResultType]::ParameterName, 'Only verify the archive (like `talos backup verify`); write nothing')
            [CompletionResult]::new('--new-host', '--new-host', [CompletionResultType]::ParameterName, 'Set up a new machine: create every directory of the layout with its mode; as root with root /, also the system user talos and ownership')
            [CompletionResult]::new('--stop-daemon', '--stop-daemon', [CompletionResultType]::ParameterName, 'Stop a running daemon first (SIGTERM to its verified PID, waiting up to 20 s)')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Finish a restore that was interrupted (see var/lib/talos/restore.journal)')
            [CompletionResult]::new('--abort', '--abort', [CompletionResultType]::ParameterName, 'Undo a restore that was interrupted, putting the previous state back')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;audit' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
            [CompletionResult]::new('verify-chain', 'verify-chain', [CompletionResultType]::ParameterValue, 'Check every record of the audit chain: its hash, its link to the record before it, seq continuity across files, JSON validity, and anchors')
            [CompletionResult]::new('root', 'root', [CompletionResultType]::ParameterValue, 'Print the RFC 6962 Merkle tree head of the audit chain, to keep as an anchor')
            [CompletionResult]::new('prove', 'prove', [CompletionResultType]::ParameterValue, 'Print an RFC 6962 inclusion proof that record SEQ is in the audit tree')
            [CompletionResult]::new('verify-proof', 'verify-proof', [CompletionResultType]::ParameterValue, 'Check an inclusion proof from `talos audit prove` against a trusted root')
            [CompletionResult]::new('verify-consistency', 'verify-consistency', [CompletionResultType]::ParameterValue, 'Check a consistency proof from `talos audit prove --consistency`: the log with the new tree head only grew since the old one')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'Read the audit trail: seq, time, actor, action and details of each record.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;audit;verify-chain' {
            [CompletionResult]::new('--anchor', '--anchor', [CompletionResultType]::ParameterName, 'An anchor kept outside the log: SEQ:HASH (record SEQ has hash HASH) or size=N:ROOT (the tree head printed by `talos audit root`); repeatable')
            [CompletionResult]::new('--checkpoint', '--checkpoint', [CompletionResultType]::ParameterName, 'A checkpoint saved off the host by `talos audit root --json > FILE` (or its size=N:ROOT line): exit 3 unless today''s log extends it, i.e. the tree over its first N records still has that root; repeatable')
            [CompletionResult]::new('--metrics-file', '--metrics-file', [CompletionResultType]::ParameterName, 'Write Prometheus metrics here, for node_exporter''s textfile collector [default: metrics.textfile_dir/talos_audit_chain.prom when configured]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--no-external-anchors', '--no-external-anchors', [CompletionResultType]::ParameterName, 'Check only the --anchor values, not the backups'' and database''s')
            [CompletionResult]::new('--tree-head', '--tree-head', [CompletionResultType]::ParameterName, 'Also compute the RFC 6962 tree head (size=N:ROOT) over all records, to keep as an anchor (a second hash per record; `talos audit root` prints only that)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;audit;root' {
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Tree size: the head over records 1..N [default: every record]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;audit;prove' {
            [CompletionResult]::new('--consistency', '--consistency', [CompletionResultType]::ParameterName, 'Prove that the tree of NEW records extends the tree of OLD records')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Tree size the proof is for [default: every record]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;audit;verify-proof' {
            [CompletionResult]::new('--proof', '--proof', [CompletionResultType]::ParameterName, 'The proof JSON (`-` for stdin)')
            [CompletionResult]::new('--root-hash', '--root-hash', [CompletionResultType]::ParameterName, 'The trusted tree root hash, as `talos audit root` prints it')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;audit;verify-consistency' {
            [CompletionResult]::new('--proof', '--proof', [CompletionResultType]::ParameterName, 'The proof JSON (`-` for stdin)')
            [CompletionResult]::new('--old-size', '--old-size', [CompletionResultType]::ParameterName, 'Size of the old (trusted, saved) tree')
            [CompletionResult]::new('--old-root-hash', '--old-root-hash', [CompletionResultType]::ParameterName, 'Root of the old tree, 64 hex digits')
            [CompletionResult]::new('--new-size', '--new-size', [CompletionResultType]::ParameterName, 'Size of the new tree')
            [CompletionResult]::new('--new-root-hash', '--new-root-hash', [CompletionResultType]::ParameterName, 'Root of the new tree, 64 hex digits')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;audit;query' {
            [CompletionResult]::new('--action', '--action', [CompletionResultType]::ParameterName, 'Only these actions (comma-separated, exact names)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only records at or after T (RFC 3339, or 90s / 15m / 2h / 7d back from now)')
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'Only the last N matching records')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;audit;help' {
            [CompletionResult]::new('verify-chain', 'verify-chain', [CompletionResultType]::ParameterValue, 'Check every record of the audit chain: its hash, its link to the record before it, seq continuity across files, JSON validity, and anchors')
            [CompletionResult]::new('root', 'root', [CompletionResultType]::ParameterValue, 'Print the RFC 6962 Merkle tree head of the audit chain, to keep as an anchor')
            [CompletionResult]::new('prove', 'prove', [CompletionResultType]::ParameterValue, 'Print an RFC 6962 inclusion proof that record SEQ is in the audit tree')
            [CompletionResult]::new('verify-proof', 'verify-proof', [CompletionResultType]::ParameterValue, 'Check an inclusion proof from `talos audit prove` against a trusted root')
            [CompletionResult]::new('verify-consistency', 'verify-consistency', [CompletionResultType]::ParameterValue, 'Check a consistency proof from `talos audit prove --consistency`: the log with the new tree head only grew since the old one')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'Read the audit trail: seq, time, actor, action and details of each record.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;audit;help;verify-chain' {
            break
        }
        'talos;audit;help;root' {
            break
        }
        'talos;audit;help;prove' {
            break
        }
        'talos;audit;help;verify-proof' {
            break
        }
        'talos;audit;help;verify-consistency' {
            break
        }
        'talos;audit;help;query' {
            break
        }
        'talos;audit;help;help' {
            break
        }
        'talos;verify-chain' {
            [CompletionResult]::new('--anchor', '--anchor', [CompletionResultType]::ParameterName, 'An anchor kept outside the log: SEQ:HASH (record SEQ has hash HASH) or size=N:ROOT (the tree head printed by `talos audit root`); repeatable')
            [CompletionResult]::new('--checkpoint', '--checkpoint', [CompletionResultType]::ParameterName, 'A checkpoint saved off the host by `talos audit root --json > FILE` (or its size=N:ROOT line): exit 3 unless today''s log extends it, i.e. the tree over its first N records still has that root; repeatable')
            [CompletionResult]::new('--metrics-file', '--metrics-file', [CompletionResultType]::ParameterName, 'Write Prometheus metrics here, for node_exporter''s textfile collector [default: metrics.textfile_dir/talos_audit_chain.prom when configured]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--no-external-anchors', '--no-external-anchors', [CompletionResultType]::ParameterName, 'Check only the --anchor values, not the backups'' and database''s')
            [CompletionResult]::new('--tree-head', '--tree-head', [CompletionResultType]::ParameterName, 'Also compute the RFC 6962 tree head (size=N:ROOT) over all records, to keep as an anchor (a second hash per record; `talos audit root` prints only that)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;drill' {
            [CompletionResult]::new('--backup', '--backup', [CompletionResultType]::ParameterName, 'Drill this archive instead of taking a new backup')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Use this host''s backups in the repository [default: this host''s name]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file to decrypt encrypted archives (from age-keygen) [env: TALOS_AGE_IDENTITY]')
            [CompletionResult]::new('--junit', '--junit', [CompletionResultType]::ParameterName, 'Write a JUnit XML report here (for CI)')
            [CompletionResult]::new('--metrics-file', '--metrics-file', [CompletionResultType]::ParameterName, 'Write Prometheus metrics here, for node_exporter''s textfile collector [default: metrics.textfile_dir/talos_drill.prom when configured]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;log' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'Search Tier 2 and Tier 3 logs: current files, rotations and `.gz` rotations')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'Every line of one request as a call tree, with durations, the slowest step and the errors marked')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Counts by level, component and error code, errors per hour as a chart, and the slowest operations')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Free disk space (disk full, F-005 in docs/runbook.md): old log rotations and temporary files.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;log;query' {
            [CompletionResult]::new('--correlation-id', '--correlation-id', [CompletionResultType]::ParameterName, 'Lines of this request: correlation_id equal to ID or starting with `ID:` (child operations), or context.parent_correlation_id equal to ID')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Only these levels, comma-separated, any case (error,warn); the levels are ERROR, WARN, INFO, DEBUG, TRACE')
            [CompletionResult]::new('--component', '--component', [CompletionResultType]::ParameterName, 'Only these components, comma-separated, any case')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'At or after this time: RFC 3339 or a span back from now (90s, 15m, 2h, 7d)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Strictly before this time: RFC 3339 or a span back from now')
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'Only lines whose error.code is this (T007); see `talos log stats` for what each code means')
            [CompletionResult]::new('--contains', '--contains', [CompletionResultType]::ParameterName, 'Only lines whose message contains TEXT (case-sensitive; the message only, not the whole line)')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'A jq program run by jaq on each line; the line matches when it yields a value other than false or null')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after the first N matches in time order')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Print only the number of matching lines (`{"count": N}` with --json)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new matching lines as the current files grow, across rotations (Ctrl-C to stop)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new matching lines as the current files grow, across rotations (Ctrl-C to stop)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;log;trace' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;log;stats' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only lines at or after this time: RFC 3339 or a span back from now (90s, 15m, 2h, 7d)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only lines strictly before this time')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;log;prune' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'List what would be deleted and the bytes it would free; delete nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;log;help' {
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'Search Tier 2 and Tier 3 logs: current files, rotations and `.gz` rotations')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'Every line of one request as a call tree, with durations, the slowest step and the errors marked')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Counts by level, component and error code, errors per hour as a chart, and the slowest operations')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Free disk space (disk full, F-005 in docs/runbook.md): old log rotations and temporary files.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;log;help;query' {
            break
        }
        'talos;log;help;trace' {
            break
        }
        'talos;log;help;stats' {
            break
        }
        'talos;log;help;prune' {
            break
        }
        'talos;log;help;help' {
            break
        }
        'talos;incident' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'A postmortem draft from the evidence on disk (works with the daemon dead).')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;incident;report' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start of the window (RFC 3339, or a span back from now: 90s, 15m, 2h, 7d)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'End of the window [default: now]')
            [CompletionResult]::new('--correlation-id', '--correlation-id', [CompletionResultType]::ParameterName, 'Only the lines of this correlation id (and its children)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: markdown; json with --json]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE (atomically) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE (atomically) instead of stdout')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;incident;help' {
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'A postmortem draft from the evidence on disk (works with the daemon dead).')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;incident;help;report' {
            break
        }
        'talos;incident;help;help' {
            break
        }
        'talos;doctor' {
            [CompletionResult]::new('--metrics-file', '--metrics-file', [CompletionResultType]::ParameterName, 'Write Prometheus metrics here (talos_doctor_findings by severity), for node_exporter''s textfile collector [default: metrics.textfile_dir/talos_doctor.prom when configured]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Apply the safe, reversible fixes (asks first; --yes for scripts)')
            [CompletionResult]::new('--deep', '--deep', [CompletionResultType]::ParameterName, 'Also verify the newest backup completely, as `talos backup verify` does (slower: it reads the whole archive); by default only its gzip framing and head are checked')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;repair' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
            [CompletionResult]::new('jsonl', 'jsonl', [CompletionResultType]::ParameterValue, 'Drop the lines of a JSON-lines file that are not JSON objects.')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Put back the newest config that validates (config corruption, F-006 in docs/runbook.md).')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Remove a torn last audit record left by an interrupted append.')
            [CompletionResult]::new('leftovers', 'leftovers', [CompletionResultType]::ParameterValue, 'Remove what interrupted operations left behind.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;repair;jsonl' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show how many lines would be dropped; change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;repair;config' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show which config would be put back and the diff; change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;repair;audit' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be removed; change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;repair;leftovers' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'List what would be removed; change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;repair;help' {
            [CompletionResult]::new('jsonl', 'jsonl', [CompletionResultType]::ParameterValue, 'Drop the lines of a JSON-lines file that are not JSON objects.')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Put back the newest config that validates (config corruption, F-006 in docs/runbook.md).')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Remove a torn last audit record left by an interrupted append.')
            [CompletionResult]::new('leftovers', 'leftovers', [CompletionResultType]::ParameterValue, 'Remove what interrupted operations left behind.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;repair;help;jsonl' {
            break
        }
        'talos;repair;help;config' {
            break
        }
        'talos;repair;help;audit' {
            break
        }
        'talos;repair;help;leftovers' {
            break
        }
        'talos;repair;help;help' {
            break
        }
        'talos;db' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the database: PRAGMA integrity_check, tables, journal mode, WAL size.')
            [CompletionResult]::new('checkpoint', 'checkpoint', [CompletionResultType]::ParameterValue, 'Copy the WAL into the database file and shrink the WAL.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;db;check' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;db;checkpoint' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--passive', '--passive', [CompletionResultType]::ParameterName, 'Run a PASSIVE checkpoint even when the daemon is stopped')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;db;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the database: PRAGMA integrity_check, tables, journal mode, WAL size.')
            [CompletionResult]::new('checkpoint', 'checkpoint', [CompletionResultType]::ParameterValue, 'Copy the WAL into the database file and shrink the WAL.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;db;help;check' {
            break
        }
        'talos;db;help;checkpoint' {
            break
        }
        'talos;db;help;help' {
            break
        }
        'talos;config' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Every effective setting and where it came from (flag, env, config.yaml, default).')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;config;show' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Every effective setting and where it came from (flag, env, config.yaml, default).')
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
        'talos;sandbox' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;completions' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each API request [default: 3]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout and nothing else there (log query: JSON lines)')
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
        'talos;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The 3 AM first screen: daemon, health, breakers, recovery, backups, audit, errors')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Health of the daemon and the installation, for people and for monitoring')
            [CompletionResult]::new('panic', 'panic', [CompletionResultType]::ParameterValue, 'Emergency stop: escalate from the API to SIGKILL until the daemon is down, then preserve state.')
            [CompletionResult]::new('recover', 'recover', [CompletionResultType]::ParameterValue, 'After a panic: show what emergency_state.json and a preserve hold, and put the state back')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Ask the daemon to restart gracefully (POST /admin/restart; F-002 in docs/runbook.md)')
            [CompletionResult]::new('breaker', 'breaker', [CompletionResultType]::ParameterValue, 'Circuit breakers: list them, reset them')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write, list and verify backup archives')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup archive into the installation (docs/format.md).')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'The Tier 1 audit chain: verify, tree head, inclusion proofs, query')
            [CompletionResult]::new('verify-chain', 'verify-chain', [CompletionResultType]::ParameterValue, 'Same as `talos audit verify-chain`')
            [CompletionResult]::new('drill', 'drill', [CompletionResultType]::ParameterValue, 'The CI restore drill: back up, restore into a scratch root, validate, time it')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Search, trace and count the Tier 2/3 logs; prune old rotations')
            [CompletionResult]::new('incident', 'incident', [CompletionResultType]::ParameterValue, 'Postmortem draft from the evidence on disk')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Run every offline check and say how to fix each finding.')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Repair damaged files: JSON-lines logs, config.yaml')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'The database: integrity check, WAL checkpoint')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Effective settings and config.yaml checks')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Make a practice installation (sandbox init DIR)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talos;help;status' {
            break
        }
        'talos;help;health' {
            break
        }
        'talos;help;panic' {
            break
        }
        'talos;help;recover' {
            break
        }
        'talos;help;restart' {
            break
        }
        'talos;help;breaker' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the circuit breakers: state, failure count, when they opened')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Reset circuit breakers to closed (failure_count 0, opened_at null)')
            [CompletionResult]::new('force-open', 'force-open', [CompletionResultType]::ParameterValue, 'Force a breaker open (resilience4j FORCED_OPEN): every call to the dependency is rejected until `talos breaker reset NAME`')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable a breaker (resilience4j DISABLED): every call goes through, failures are not counted, until `talos breaker reset NAME`')
            break
        }
        'talos;help;breaker;list' {
            break
        }
        'talos;help;breaker;reset' {
            break
        }
        'talos;help;breaker;force-open' {
            break
        }
        'talos;help;breaker;disable' {
            break
        }
        'talos;help;backup' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Write a backup archive: backup_YYYYMMDD_HHMMSS.tar.gz (docs/format.md).')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List backups, newest first: age, size, components and audit head.')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a backup archive completely without writing anything.')
            break
        }
        'talos;help;backup;create' {
            break
        }
        'talos;help;backup;list' {
            break
        }
        'talos;help;backup;verify' {
            break
        }
        'talos;help;restore' {
            break
        }
        'talos;help;audit' {
            [CompletionResult]::new('verify-chain', 'verify-chain', [CompletionResultType]::ParameterValue, 'Check every record of the audit chain: its hash, its link to the record before it, seq continuity across files, JSON validity, and anchors')
            [CompletionResult]::new('root', 'root', [CompletionResultType]::ParameterValue, 'Print the RFC 6962 Merkle tree head of the audit chain, to keep as an anchor')
            [CompletionResult]::new('prove', 'prove', [CompletionResultType]::ParameterValue, 'Print an RFC 6962 inclusion proof that record SEQ is in the audit tree')
            [CompletionResult]::new('verify-proof', 'verify-proof', [CompletionResultType]::ParameterValue, 'Check an inclusion proof from `talos audit prove` against a trusted root')
            [CompletionResult]::new('verify-consistency', 'verify-consistency', [CompletionResultType]::ParameterValue, 'Check a consistency proof from `talos audit prove --consistency`: the log with the new tree head only grew since the old one')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'Read the audit trail: seq, time, actor, action and details of each record.')
            break
        }
        'talos;help;audit;verify-chain' {
            break
        }
        'talos;help;audit;root' {
            break
        }
        'talos;help;audit;prove' {
            break
        }
        'talos;help;audit;verify-proof' {
            break
        }
        'talos;help;audit;verify-consistency' {
            break
        }
        'talos;help;audit;query' {
            break
        }
        'talos;help;verify-chain' {
            break
        }
        'talos;help;drill' {
            break
        }
        'talos;help;log' {
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'Search Tier 2 and Tier 3 logs: current files, rotations and `.gz` rotations')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'Every line of one request as a call tree, with durations, the slowest step and the errors marked')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Counts by level, component and error code, errors per hour as a chart, and the slowest operations')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Free disk space (disk full, F-005 in docs/runbook.md): old log rotations and temporary files.')
            break
        }
        'talos;help;log;query' {
            break
        }
        'talos;help;log;trace' {
            break
        }
        'talos;help;log;stats' {
            break
        }
        'talos;help;log;prune' {
            break
        }
        'talos;help;incident' {
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'A postmortem draft from the evidence on disk (works with the daemon dead).')
            break
        }
        'talos;help;incident;report' {
            break
        }
        'talos;help;doctor' {
            break
        }
        'talos;help;repair' {
            [CompletionResult]::new('jsonl', 'jsonl', [CompletionResultType]::ParameterValue, 'Drop the lines of a JSON-lines file that are not JSON objects.')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Put back the newest config that validates (config corruption, F-006 in docs/runbook.md).')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Remove a torn last audit record left by an interrupted append.')
            [CompletionResult]::new('leftovers', 'leftovers', [CompletionResultType]::ParameterValue, 'Remove what interrupted operations left behind.')
            break
        }
        'talos;help;repair;jsonl' {
            break
        }
        'talos;help;repair;config' {
            break
        }
        'talos;help;repair;audit' {
            break
        }
        'talos;help;repair;leftovers' {
            break
        }
        'talos;help;db' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the database: PRAGMA integrity_check, tables, journal mode, WAL size.')
            [CompletionResult]::new('checkpoint', 'checkpoint', [CompletionResultType]::ParameterValue, 'Copy the WAL into the database file and shrink the WAL.')
            break
        }
        'talos;help;db;check' {
            break
        }
        'talos;help;db;checkpoint' {
            break
        }
        'talos;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Every effective setting and where it came from (flag, env, config.yaml, default).')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout')
            break
        }
        'talos;help;config;show' {
            break
        }
        'talos;help;config;validate' {
            break
        }
        'talos;help;sandbox' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a complete, realistic installation in DIR to practise on')
            break
        }
        'talos;help;sandbox;init' {
            break
        }
        'talos;help;completions' {
            break
        }
        'talos;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
