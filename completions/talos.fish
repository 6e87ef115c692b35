# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_talos_global_optspecs
    string join \n root= url= cacert= json online offline y/yes q/quiet v/verbose timeout= h/help V/version
end

function __fish_talos_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_talos_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_talos_using_subcommand
    set -l cmd (__fish_talos_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c talos -n "__fish_talos_needs_command" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_needs_command" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_needs_command" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_needs_command" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_needs_command" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_needs_command" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_needs_command" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_needs_command" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_needs_command" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_needs_command" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_needs_command" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_needs_command" -f -a "status" -d 'The 3 AM first screen: daemon, health, breakers, recovery, backups, audit, errors'
complete -c talos -n "__fish_talos_needs_command" -f -a "health" -d 'Health of the daemon and the installation, for people and for monitoring'
complete -c talos -n "__fish_talos_needs_command" -f -a "panic" -d 'Emergency stop: escalate from the API to SIGKILL until the daemon is down, then preserve state.'
complete -c talos -n "__fish_talos_needs_command" -f -a "recover" -d 'After a panic: show what emergency_state.json and a preserve hold, and put the state back'
complete -c talos -n "__fish_talos_needs_command" -f -a "restart" -d 'Ask the daemon to restart gracefully (POST /admin/restart; F-002 in docs/runbook.md)'
complete -c talos -n "__fish_talos_needs_command" -f -a "breaker" -d 'Circuit breakers: list them, reset them'
complete -c talos -n "__fish_talos_needs_command" -f -a "backup" -d 'Write, list and verify backup archives'
complete -c talos -n "__fish_talos_needs_command" -f -a "restore" -d 'Restore a backup archive into the installation (docs/format.md).'
complete -c talos -n "__fish_talos_needs_command" -f -a "audit" -d 'The Tier 1 audit chain: verify, tree head, inclusion proofs, query'
complete -c talos -n "__fish_talos_needs_command" -f -a "verify-chain" -d 'Same as `talos audit verify-chain`'
complete -c talos -n "__fish_talos_needs_command" -f -a "drill" -d 'The CI restore drill: back up, restore into a scratch root, validate, time it'
complete -c talos -n "__fish_talos_needs_command" -f -a "log" -d 'Search, trace and count the Tier 2/3 logs; prune old rotations'
complete -c talos -n "__fish_talos_needs_command" -f -a "incident" -d 'Postmortem draft from the evidence on disk'
complete -c talos -n "__fish_talos_needs_command" -f -a "doctor" -d 'Run every offline check and say how to fix each finding.'
complete -c talos -n "__fish_talos_needs_command" -f -a "repair" -d 'Repair damaged files: JSON-lines logs, config.yaml'
complete -c talos -n "__fish_talos_needs_command" -f -a "db" -d 'The database: integrity check, WAL checkpoint'
complete -c talos -n "__fish_talos_needs_command" -f -a "config" -d 'Effective settings and config.yaml checks'
complete -c talos -n "__fish_talos_needs_command" -f -a "sandbox" -d 'Make a practice installation (sandbox init DIR)'
complete -c talos -n "__fish_talos_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c talos -n "__fish_talos_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand status" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand status" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand status" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand status" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand status" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand status" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand status" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand status" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand status" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand status" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand status" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand health" -l watch -d 'Check again every SECS seconds until interrupted (with --json, one JSON document per line per round)' -r
complete -c talos -n "__fish_talos_using_subcommand health" -l metrics-file -d 'Write Prometheus metrics here (talos_health_status), for node_exporter\'s textfile collector [default: metrics.textfile_dir/talos_health.prom when configured]' -r -F
complete -c talos -n "__fish_talos_using_subcommand health" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand health" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand health" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand health" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand health" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand health" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand health" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand health" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand health" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand health" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand health" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand health" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand panic" -l reason -d 'Why you are stopping it (goes into SIGNAL_PANIC, the API call, emergency_state.json, the preserve, panic.log and the audit chain)' -r
complete -c talos -n "__fish_talos_using_subcommand panic" -l grace -d 'Seconds to wait after SIGTERM before SIGKILL' -r
complete -c talos -n "__fish_talos_using_subcommand panic" -l signal-wait -d 'Seconds to wait for the watchdog to act on SIGNAL_PANIC (the daemon checks at least every 5 s)' -r
complete -c talos -n "__fish_talos_using_subcommand panic" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand panic" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand panic" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand panic" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand panic" -l force -d 'Go ahead without a PID file (the API and SIGNAL_PANIC are still tried; no process is ever signalled unverified)'
complete -c talos -n "__fish_talos_using_subcommand panic" -l no-state -d 'Write neither emergency_state.json nor a preserve archive'
complete -c talos -n "__fish_talos_using_subcommand panic" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand panic" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand panic" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand panic" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand panic" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand panic" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand panic" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand panic" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand recover" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand recover" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand recover" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand recover" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand recover" -l dry-run -d 'Show what would be put back and change nothing'
complete -c talos -n "__fish_talos_using_subcommand recover" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand recover" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand recover" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand recover" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand recover" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand recover" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand recover" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand recover" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand restart" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand restart" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand restart" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand restart" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand restart" -l no-wait -d 'Do not wait for the daemon to answer again'
complete -c talos -n "__fish_talos_using_subcommand restart" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand restart" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand restart" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand restart" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand restart" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand restart" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand restart" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand restart" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -s h -l help -d 'Print help'
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -f -a "list" -d 'List the circuit breakers: state, failure count, when they opened'
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -f -a "reset" -d 'Reset circuit breakers to closed (failure_count 0, opened_at null)'
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -f -a "force-open" -d 'Force a breaker open (resilience4j FORCED_OPEN): every call to the dependency is rejected until `talos breaker reset NAME`'
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -f -a "disable" -d 'Disable a breaker (resilience4j DISABLED): every call goes through, failures are not counted, until `talos breaker reset NAME`'
complete -c talos -n "__fish_talos_using_subcommand breaker; and not __fish_seen_subcommand_from list reset force-open disable help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from list" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from list" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from list" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from list" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from list" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from list" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from reset" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from reset" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from reset" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from reset" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from reset" -l all -d 'Reset every breaker'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from reset" -l dry-run -d 'Show what would be reset and change nothing'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from reset" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from reset" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from reset" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from reset" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from reset" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from reset" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from reset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from reset" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from force-open" -l reason -d 'Why (kept with the state and in the audit record; shown by `talos status` and `talos breaker list`)' -r
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from force-open" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from force-open" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from force-open" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from force-open" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from force-open" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from force-open" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from force-open" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from force-open" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from force-open" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from force-open" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from force-open" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from force-open" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from disable" -l reason -d 'Why (kept with the state and in the audit record; shown by `talos status` and `talos breaker list`)' -r
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from disable" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from disable" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from disable" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from disable" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from disable" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from disable" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from disable" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from disable" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from disable" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from disable" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from disable" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the circuit breakers: state, failure count, when they opened'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from help" -f -a "reset" -d 'Reset circuit breakers to closed (failure_count 0, opened_at null)'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from help" -f -a "force-open" -d 'Force a breaker open (resilience4j FORCED_OPEN): every call to the dependency is rejected until `talos breaker reset NAME`'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Disable a breaker (resilience4j DISABLED): every call goes through, failures are not counted, until `talos breaker reset NAME`'
complete -c talos -n "__fish_talos_using_subcommand breaker; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -s h -l help -d 'Print help'
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -f -a "create" -d 'Write a backup archive: backup_YYYYMMDD_HHMMSS.tar.gz (docs/format.md).'
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -f -a "list" -d 'List backups, newest first: age, size, components and audit head.'
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -f -a "verify" -d 'Check a backup archive completely without writing anything.'
complete -c talos -n "__fish_talos_using_subcommand backup; and not __fish_seen_subcommand_from create list verify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -l output-dir -d 'Directory to write into [default: backup.dir from config.yaml, else var/backups/talos]' -r -F
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -l keep -d 'After a successful backup, delete all but the newest N backups in that directory [default: backup.keep]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -l partial -d 'Back up only these components: comma list of config,state,database,logs,custom,ssl' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -l repo -d 'Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -l host -d 'Use this host\'s backups in the repository [default: this host\'s name]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -l encrypt-to -d 'Encrypt the archive with age to this recipient (age1…); repeatable [default: backup.encrypt_to]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -l metrics-file -d 'Write Prometheus metrics here, for node_exporter\'s textfile collector [default: metrics.textfile_dir/talos_backup.prom when configured]' -r -F
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -l dir -d 'Directory to list [default: backup.dir from config.yaml, else var/backups/talos]' -r -F
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -l repo -d 'Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -l host -d 'Use this host\'s backups in the repository [default: this host\'s name]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -l all-hosts -d 'With a repository: list every host\'s backups'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from verify" -l repo -d 'Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from verify" -l host -d 'Use this host\'s backups in the repository [default: this host\'s name]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from verify" -l identity -d 'age identity file to decrypt encrypted archives (from age-keygen) [env: TALOS_AGE_IDENTITY]' -r -F
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from verify" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from verify" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from verify" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from verify" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from verify" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from verify" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from verify" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from verify" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "create" -d 'Write a backup archive: backup_YYYYMMDD_HHMMSS.tar.gz (docs/format.md).'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "list" -d 'List backups, newest first: age, size, components and audit head.'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check a backup archive completely without writing anything.'
complete -c talos -n "__fish_talos_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand restore" -l repo -d 'Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]' -r
complete -c talos -n "__fish_talos_using_subcommand restore" -l host -d 'Use this host\'s backups in the repository [default: this host\'s name]' -r
complete -c talos -n "__fish_talos_using_subcommand restore" -l identity -d 'age identity file to decrypt encrypted archives (from age-keygen) [env: TALOS_AGE_IDENTITY]' -r -F
complete -c talos -n "__fish_talos_using_subcommand restore" -l partial -d 'Restore only these components: comma list of config,state,database,logs,custom,ssl' -r
complete -c talos -n "__fish_talos_using_subcommand restore" -l target-dir -d 'Restore into the installation rooted at DIR instead of --root' -r -F
complete -c talos -n "__fish_talos_using_subcommand restore" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand restore" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand restore" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand restore" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand restore" -l dry-run -d 'Verify, print the plan per file, and change nothing'
complete -c talos -n "__fish_talos_using_subcommand restore" -l verify-only -d 'Only verify the archive (like `talos backup verify`); write nothing'
complete -c talos -n "__fish_talos_using_subcommand restore" -l new-host -d 'Set up a new machine: create every directory of the layout with its mode; as root with root /, also the system user talos and ownership'
complete -c talos -n "__fish_talos_using_subcommand restore" -l stop-daemon -d 'Stop a running daemon first (SIGTERM to its verified PID, waiting up to 20 s)'
complete -c talos -n "__fish_talos_using_subcommand restore" -l resume -d 'Finish a restore that was interrupted (see var/lib/talos/restore.journal)'
complete -c talos -n "__fish_talos_using_subcommand restore" -l abort -d 'Undo a restore that was interrupted, putting the previous state back'
complete -c talos -n "__fish_talos_using_subcommand restore" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand restore" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand restore" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand restore" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand restore" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand restore" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand restore" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -f -a "verify-chain" -d 'Check every record of the audit chain: its hash, its link to the record before it, seq continuity across files, JSON validity, and anchors'
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -f -a "root" -d 'Print the RFC 6962 Merkle tree head of the audit chain, to keep as an anchor'
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -f -a "prove" -d 'Print an RFC 6962 inclusion proof that record SEQ is in the audit tree'
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -f -a "verify-proof" -d 'Check an inclusion proof from `talos audit prove` against a trusted root'
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -f -a "verify-consistency" -d 'Check a consistency proof from `talos audit prove --consistency`: the log with the new tree head only grew since the old one'
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -f -a "query" -d 'Read the audit trail: seq, time, actor, action and details of each record.'
complete -c talos -n "__fish_talos_using_subcommand audit; and not __fish_seen_subcommand_from verify-chain root prove verify-proof verify-consistency query help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -l anchor -d 'An anchor kept outside the log: SEQ:HASH (record SEQ has hash HASH) or size=N:ROOT (the tree head printed by `talos audit root`); repeatable' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -l checkpoint -d 'A checkpoint saved off the host by `talos audit root --json > FILE` (or its size=N:ROOT line): exit 3 unless today\'s log extends it, i.e. the tree over its first N records still has that root; repeatable' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -l metrics-file -d 'Write Prometheus metrics here, for node_exporter\'s textfile collector [default: metrics.textfile_dir/talos_audit_chain.prom when configured]' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -l no-external-anchors -d 'Check only the --anchor values, not the backups\' and database\'s'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -l tree-head -d 'Also compute the RFC 6962 tree head (size=N:ROOT) over all records, to keep as an anchor (a second hash per record; `talos audit root` prints only that)'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-chain" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from root" -l size -d 'Tree size: the head over records 1..N [default: every record]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from root" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from root" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from root" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from root" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from root" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from root" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from root" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from root" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from root" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from root" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from root" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from root" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from prove" -l consistency -d 'Prove that the tree of NEW records extends the tree of OLD records' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from prove" -l size -d 'Tree size the proof is for [default: every record]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from prove" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from prove" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from prove" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from prove" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from prove" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from prove" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from prove" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from prove" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from prove" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from prove" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from prove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from prove" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-proof" -l proof -d 'The proof JSON (`-` for stdin)' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-proof" -l root-hash -d 'The trusted tree root hash, as `talos audit root` prints it' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-proof" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-proof" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-proof" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-proof" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-proof" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-proof" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-proof" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-proof" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-proof" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-proof" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-proof" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-proof" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -l proof -d 'The proof JSON (`-` for stdin)' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -l old-size -d 'Size of the old (trusted, saved) tree' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -l old-root-hash -d 'Root of the old tree, 64 hex digits' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -l new-size -d 'Size of the new tree' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -l new-root-hash -d 'Root of the new tree, 64 hex digits' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from verify-consistency" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from query" -l action -d 'Only these actions (comma-separated, exact names)' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from query" -l since -d 'Only records at or after T (RFC 3339, or 90s / 15m / 2h / 7d back from now)' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from query" -l last -d 'Only the last N matching records' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from query" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from query" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from query" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from query" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from query" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from query" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from query" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from query" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from query" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from query" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from query" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from query" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "verify-chain" -d 'Check every record of the audit chain: its hash, its link to the record before it, seq continuity across files, JSON validity, and anchors'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "root" -d 'Print the RFC 6962 Merkle tree head of the audit chain, to keep as an anchor'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "prove" -d 'Print an RFC 6962 inclusion proof that record SEQ is in the audit tree'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "verify-proof" -d 'Check an inclusion proof from `talos audit prove` against a trusted root'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "verify-consistency" -d 'Check a consistency proof from `talos audit prove --consistency`: the log with the new tree head only grew since the old one'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "query" -d 'Read the audit trail: seq, time, actor, action and details of each record.'
complete -c talos -n "__fish_talos_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -l anchor -d 'An anchor kept outside the log: SEQ:HASH (record SEQ has hash HASH) or size=N:ROOT (the tree head printed by `talos audit root`); repeatable' -r
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -l checkpoint -d 'A checkpoint saved off the host by `talos audit root --json > FILE` (or its size=N:ROOT line): exit 3 unless today\'s log extends it, i.e. the tree over its first N records still has that root; repeatable' -r -F
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -l metrics-file -d 'Write Prometheus metrics here, for node_exporter\'s textfile collector [default: metrics.textfile_dir/talos_audit_chain.prom when configured]' -r -F
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -l no-external-anchors -d 'Check only the --anchor values, not the backups\' and database\'s'
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -l tree-head -d 'Also compute the RFC 6962 tree head (size=N:ROOT) over all records, to keep as an anchor (a second hash per record; `talos audit root` prints only that)'
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand verify-chain" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand drill" -l backup -d 'Drill this archive instead of taking a new backup' -r -F
complete -c talos -n "__fish_talos_using_subcommand drill" -l repo -d 'Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]' -r
complete -c talos -n "__fish_talos_using_subcommand drill" -l host -d 'Use this host\'s backups in the repository [default: this host\'s name]' -r
complete -c talos -n "__fish_talos_using_subcommand drill" -l identity -d 'age identity file to decrypt encrypted archives (from age-keygen) [env: TALOS_AGE_IDENTITY]' -r -F
complete -c talos -n "__fish_talos_using_subcommand drill" -l junit -d 'Write a JUnit XML report here (for CI)' -r -F
complete -c talos -n "__fish_talos_using_subcommand drill" -l metrics-file -d 'Write Prometheus metrics here, for node_exporter\'s textfile collector [default: metrics.textfile_dir/talos_drill.prom when configured]' -r -F
complete -c talos -n "__fish_talos_using_subcommand drill" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand drill" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand drill" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand drill" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand drill" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand drill" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand drill" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand drill" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand drill" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand drill" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand drill" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand drill" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -s h -l help -d 'Print help'
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -f -a "query" -d 'Search Tier 2 and Tier 3 logs: current files, rotations and `.gz` rotations'
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -f -a "trace" -d 'Every line of one request as a call tree, with durations, the slowest step and the errors marked'
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -f -a "stats" -d 'Counts by level, component and error code, errors per hour as a chart, and the slowest operations'
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -f -a "prune" -d 'Free disk space (disk full, F-005 in docs/runbook.md): old log rotations and temporary files.'
complete -c talos -n "__fish_talos_using_subcommand log; and not __fish_seen_subcommand_from query trace stats prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l correlation-id -d 'Lines of this request: correlation_id equal to ID or starting with `ID:` (child operations), or context.parent_correlation_id equal to ID' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l level -d 'Only these levels, comma-separated, any case (error,warn); the levels are ERROR, WARN, INFO, DEBUG, TRACE' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l component -d 'Only these components, comma-separated, any case' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l since -d 'At or after this time: RFC 3339 or a span back from now (90s, 15m, 2h, 7d)' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l until -d 'Strictly before this time: RFC 3339 or a span back from now' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l code -d 'Only lines whose error.code is this (T007); see `talos log stats` for what each code means' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l contains -d 'Only lines whose message contains TEXT (case-sensitive; the message only, not the whole line)' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l filter -d 'A jq program run by jaq on each line; the line matches when it yields a value other than false or null' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l limit -d 'Stop after the first N matches in time order' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l count -d 'Print only the number of matching lines (`{"count": N}` with --json)'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -s f -l follow -d 'Keep printing new matching lines as the current files grow, across rotations (Ctrl-C to stop)'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from query" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from trace" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from trace" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from trace" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from trace" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from trace" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from trace" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from trace" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from trace" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from trace" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from trace" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from trace" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from trace" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from stats" -l since -d 'Only lines at or after this time: RFC 3339 or a span back from now (90s, 15m, 2h, 7d)' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from stats" -l until -d 'Only lines strictly before this time' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from stats" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from stats" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from stats" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from stats" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from stats" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from stats" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from stats" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from stats" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from stats" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from stats" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from stats" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from prune" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from prune" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from prune" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from prune" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from prune" -l dry-run -d 'List what would be deleted and the bytes it would free; delete nothing'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from prune" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from prune" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from prune" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from prune" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from prune" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from prune" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "query" -d 'Search Tier 2 and Tier 3 logs: current files, rotations and `.gz` rotations'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "trace" -d 'Every line of one request as a call tree, with durations, the slowest step and the errors marked'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Counts by level, component and error code, errors per hour as a chart, and the slowest operations'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Free disk space (disk full, F-005 in docs/runbook.md): old log rotations and temporary files.'
complete -c talos -n "__fish_talos_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand incident; and not __fish_seen_subcommand_from report help" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand incident; and not __fish_seen_subcommand_from report help" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand incident; and not __fish_seen_subcommand_from report help" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand incident; and not __fish_seen_subcommand_from report help" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand incident; and not __fish_seen_subcommand_from report help" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand incident; and not __fish_seen_subcommand_from report help" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand incident; and not __fish_seen_subcommand_from report help" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand incident; and not __fish_seen_subcommand_from report help" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand incident; and not __fish_seen_subcommand_from report help" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand incident; and not __fish_seen_subcommand_from report help" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand incident; and not __fish_seen_subcommand_from report help" -s h -l help -d 'Print help'
complete -c talos -n "__fish_talos_using_subcommand incident; and not __fish_seen_subcommand_from report help" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand incident; and not __fish_seen_subcommand_from report help" -f -a "report" -d 'A postmortem draft from the evidence on disk (works with the daemon dead).'
complete -c talos -n "__fish_talos_using_subcommand incident; and not __fish_seen_subcommand_from report help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -l since -d 'Start of the window (RFC 3339, or a span back from now: 90s, 15m, 2h, 7d)' -r
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -l until -d 'End of the window [default: now]' -r
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -l correlation-id -d 'Only the lines of this correlation id (and its children)' -r
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -l format -d 'Output format [default: markdown; json with --json]' -r -f -a "markdown\t''
json\t''"
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -s o -l output -d 'Write the report to FILE (atomically) instead of stdout' -r -F
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from report" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from help" -f -a "report" -d 'A postmortem draft from the evidence on disk (works with the daemon dead).'
complete -c talos -n "__fish_talos_using_subcommand incident; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand doctor" -l metrics-file -d 'Write Prometheus metrics here (talos_doctor_findings by severity), for node_exporter\'s textfile collector [default: metrics.textfile_dir/talos_doctor.prom when configured]' -r -F
complete -c talos -n "__fish_talos_using_subcommand doctor" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand doctor" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand doctor" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand doctor" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand doctor" -l fix -d 'Apply the safe, reversible fixes (asks first; --yes for scripts)'
complete -c talos -n "__fish_talos_using_subcommand doctor" -l deep -d 'Also verify the newest backup completely, as `talos backup verify` does (slower: it reads the whole archive); by default only its gzip framing and head are checked'
complete -c talos -n "__fish_talos_using_subcommand doctor" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand doctor" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand doctor" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand doctor" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand doctor" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand doctor" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -s h -l help -d 'Print help'
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -f -a "jsonl" -d 'Drop the lines of a JSON-lines file that are not JSON objects.'
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -f -a "config" -d 'Put back the newest config that validates (config corruption, F-006 in docs/runbook.md).'
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -f -a "audit" -d 'Remove a torn last audit record left by an interrupted append.'
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -f -a "leftovers" -d 'Remove what interrupted operations left behind.'
complete -c talos -n "__fish_talos_using_subcommand repair; and not __fish_seen_subcommand_from jsonl config audit leftovers help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from jsonl" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from jsonl" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from jsonl" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from jsonl" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from jsonl" -l dry-run -d 'Show how many lines would be dropped; change nothing'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from jsonl" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from jsonl" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from jsonl" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from jsonl" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from jsonl" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from jsonl" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from jsonl" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from jsonl" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from config" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from config" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from config" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from config" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from config" -l dry-run -d 'Show which config would be put back and the diff; change nothing'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from config" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from config" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from config" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from config" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from config" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from config" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from config" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from config" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from audit" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from audit" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from audit" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from audit" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from audit" -l dry-run -d 'Show what would be removed; change nothing'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from audit" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from audit" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from audit" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from audit" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from audit" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from audit" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from audit" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from leftovers" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from leftovers" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from leftovers" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from leftovers" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from leftovers" -l dry-run -d 'List what would be removed; change nothing'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from leftovers" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from leftovers" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from leftovers" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from leftovers" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from leftovers" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from leftovers" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from leftovers" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from leftovers" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from help" -f -a "jsonl" -d 'Drop the lines of a JSON-lines file that are not JSON objects.'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from help" -f -a "config" -d 'Put back the newest config that validates (config corruption, F-006 in docs/runbook.md).'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from help" -f -a "audit" -d 'Remove a torn last audit record left by an interrupted append.'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from help" -f -a "leftovers" -d 'Remove what interrupted operations left behind.'
complete -c talos -n "__fish_talos_using_subcommand repair; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand db; and not __fish_seen_subcommand_from check checkpoint help" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand db; and not __fish_seen_subcommand_from check checkpoint help" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand db; and not __fish_seen_subcommand_from check checkpoint help" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand db; and not __fish_seen_subcommand_from check checkpoint help" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand db; and not __fish_seen_subcommand_from check checkpoint help" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand db; and not __fish_seen_subcommand_from check checkpoint help" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand db; and not __fish_seen_subcommand_from check checkpoint help" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand db; and not __fish_seen_subcommand_from check checkpoint help" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand db; and not __fish_seen_subcommand_from check checkpoint help" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand db; and not __fish_seen_subcommand_from check checkpoint help" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand db; and not __fish_seen_subcommand_from check checkpoint help" -s h -l help -d 'Print help'
complete -c talos -n "__fish_talos_using_subcommand db; and not __fish_seen_subcommand_from check checkpoint help" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand db; and not __fish_seen_subcommand_from check checkpoint help" -f -a "check" -d 'Check the database: PRAGMA integrity_check, tables, journal mode, WAL size.'
complete -c talos -n "__fish_talos_using_subcommand db; and not __fish_seen_subcommand_from check checkpoint help" -f -a "checkpoint" -d 'Copy the WAL into the database file and shrink the WAL.'
complete -c talos -n "__fish_talos_using_subcommand db; and not __fish_seen_subcommand_from check checkpoint help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from check" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from check" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from check" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from check" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from check" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from check" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from check" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from check" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -l passive -d 'Run a PASSIVE checkpoint even when the daemon is stopped'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from checkpoint" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check the database: PRAGMA integrity_check, tables, journal mode, WAL size.'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "checkpoint" -d 'Copy the WAL into the database file and shrink the WAL.'
complete -c talos -n "__fish_talos_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s h -l help -d 'Print help'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -f -a "show" -d 'Every effective setting and where it came from (flag, env, config.yaml, default).'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -f -a "validate" -d 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Every effective setting and where it came from (flag, env, config.yaml, default).'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -s h -l help -d 'Print help'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -f -a "init" -d 'Create a complete, realistic installation in DIR to practise on'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -l seed -d 'Seed of the generator: the same seed and --now give the same tree' -r
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -l scale -d 'small: a few MB, in a second; large: ~1 GiB of logs, 1,000,000 audit records and a database of a few hundred MB, for benchmarks' -r -f -a "small\t'A few MB: a day of traffic, a few hundred audit records (seconds)'
large\t'Benchmark size: ~1 GiB of logs, 1,000,000 audit records, a database of a few hundred MB (a minute or two)'"
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -l now -d 'The time the sandbox is made at, RFC 3339 or a span back from now (2h) [default: now]' -r
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -l force -d 'Replace the talos directories of a non-empty DIR (nothing else in it is touched)'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "init" -d 'Create a complete, realistic installation in DIR to practise on'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand completions" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand completions" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand completions" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand completions" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand completions" -l json -d 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
complete -c talos -n "__fish_talos_using_subcommand completions" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand completions" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand completions" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand completions" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand completions" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand completions" -s h -l help -d 'Print help'
complete -c talos -n "__fish_talos_using_subcommand completions" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "status" -d 'The 3 AM first screen: daemon, health, breakers, recovery, backups, audit, errors'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "health" -d 'Health of the daemon and the installation, for people and for monitoring'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "panic" -d 'Emergency stop: escalate from the API to SIGKILL until the daemon is down, then preserve state.'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "recover" -d 'After a panic: show what emergency_state.json and a preserve hold, and put the state back'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "restart" -d 'Ask the daemon to restart gracefully (POST /admin/restart; F-002 in docs/runbook.md)'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "breaker" -d 'Circuit breakers: list them, reset them'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "backup" -d 'Write, list and verify backup archives'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "restore" -d 'Restore a backup archive into the installation (docs/format.md).'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "audit" -d 'The Tier 1 audit chain: verify, tree head, inclusion proofs, query'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "verify-chain" -d 'Same as `talos audit verify-chain`'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "drill" -d 'The CI restore drill: back up, restore into a scratch root, validate, time it'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "log" -d 'Search, trace and count the Tier 2/3 logs; prune old rotations'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "incident" -d 'Postmortem draft from the evidence on disk'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "doctor" -d 'Run every offline check and say how to fix each finding.'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "repair" -d 'Repair damaged files: JSON-lines logs, config.yaml'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "db" -d 'The database: integrity check, WAL checkpoint'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "config" -d 'Effective settings and config.yaml checks'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "sandbox" -d 'Make a practice installation (sandbox init DIR)'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "completions" -d 'Print shell completions'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from status health panic recover restart breaker backup restore audit verify-chain drill log incident doctor repair db config sandbox completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from breaker" -f -a "list" -d 'List the circuit breakers: state, failure count, when they opened'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from breaker" -f -a "reset" -d 'Reset circuit breakers to closed (failure_count 0, opened_at null)'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from breaker" -f -a "force-open" -d 'Force a breaker open (resilience4j FORCED_OPEN): every call to the dependency is rejected until `talos breaker reset NAME`'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from breaker" -f -a "disable" -d 'Disable a breaker (resilience4j DISABLED): every call goes through, failures are not counted, until `talos breaker reset NAME`'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "create" -d 'Write a backup archive: backup_YYYYMMDD_HHMMSS.tar.gz (docs/format.md).'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "list" -d 'List backups, newest first: age, size, components and audit head.'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "verify" -d 'Check a backup archive completely without writing anything.'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "verify-chain" -d 'Check every record of the audit chain: its hash, its link to the record before it, seq continuity across files, JSON validity, and anchors'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "root" -d 'Print the RFC 6962 Merkle tree head of the audit chain, to keep as an anchor'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "prove" -d 'Print an RFC 6962 inclusion proof that record SEQ is in the audit tree'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "verify-proof" -d 'Check an inclusion proof from `talos audit prove` against a trusted root'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "verify-consistency" -d 'Check a consistency proof from `talos audit prove --consistency`: the log with the new tree head only grew since the old one'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "query" -d 'Read the audit trail: seq, time, actor, action and details of each record.'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "query" -d 'Search Tier 2 and Tier 3 logs: current files, rotations and `.gz` rotations'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "trace" -d 'Every line of one request as a call tree, with durations, the slowest step and the errors marked'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "stats" -d 'Counts by level, component and error code, errors per hour as a chart, and the slowest operations'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "prune" -d 'Free disk space (disk full, F-005 in docs/runbook.md): old log rotations and temporary files.'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from incident" -f -a "report" -d 'A postmortem draft from the evidence on disk (works with the daemon dead).'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from repair" -f -a "jsonl" -d 'Drop the lines of a JSON-lines file that are not JSON objects.'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from repair" -f -a "config" -d 'Put back the newest config that validates (config corruption, F-006 in docs/runbook.md).'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from repair" -f -a "audit" -d 'Remove a torn last audit record left by an interrupted append.'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from repair" -f -a "leftovers" -d 'Remove what interrupted operations left behind.'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "check" -d 'Check the database: PRAGMA integrity_check, tables, journal mode, WAL size.'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "checkpoint" -d 'Copy the WAL into the database file and shrink the WAL.'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Every effective setting and where it came from (flag, env, config.yaml, default).'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "validate" -d 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from sandbox" -f -a "init" -d 'Create a complete, realistic installation in DIR to practise on'
