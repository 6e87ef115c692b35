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
complete -c talos -n "__fish_talos_needs_command" -l json -d 'Print one JSON document on stdout and nothing else there'
complete -c talos -n "__fish_talos_needs_command" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_needs_command" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_needs_command" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_needs_command" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_needs_command" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_needs_command" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_needs_command" -f -a "config" -d 'Effective settings and config.yaml checks'
complete -c talos -n "__fish_talos_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c talos -n "__fish_talos_needs_command" -f -a "sandbox" -d 'Make a practice installation (sandbox init DIR)'
complete -c talos -n "__fish_talos_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l json -d 'Print one JSON document on stdout and nothing else there'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s h -l help -d 'Print help'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -f -a "show" -d 'Every effective setting and where it came from (flag, env, config.yaml, default)'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -f -a "validate" -d 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout'
complete -c talos -n "__fish_talos_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document on stdout and nothing else there'
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
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -l json -d 'Print one JSON document on stdout and nothing else there'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from validate" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Every effective setting and where it came from (flag, env, config.yaml, default)'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout'
complete -c talos -n "__fish_talos_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand completions" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand completions" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand completions" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand completions" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand completions" -l json -d 'Print one JSON document on stdout and nothing else there'
complete -c talos -n "__fish_talos_using_subcommand completions" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand completions" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand completions" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand completions" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand completions" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand completions" -s h -l help -d 'Print help'
complete -c talos -n "__fish_talos_using_subcommand completions" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -l root -d 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]' -r -F
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -l url -d 'Base URL of the daemon\'s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]' -r
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -l cacert -d 'CA bundle to verify the daemon\'s HTTPS certificate [env: TALOS_CACERT]' -r -F
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -l timeout -d 'Seconds to wait for each API request [default: 3]' -r
complete -c talos -n "__fish_talos_using_subcommand sandbox; and not __fish_seen_subcommand_from init help" -l json -d 'Print one JSON document on stdout and nothing else there'
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
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -l json -d 'Print one JSON document on stdout and nothing else there'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -l online -d 'Only go through the daemon\'s API; exit 5 if it cannot be reached'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -l offline -d 'Only work on the files; never call the API'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -s y -l yes -d 'Answer yes to every confirmation (for scripts, cron and CI)'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Less on stderr: only warnings and errors'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -s v -l verbose -d 'More detail on stderr'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "init" -d 'Create a complete, realistic installation in DIR to practise on'
complete -c talos -n "__fish_talos_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from config completions sandbox help" -f -a "config" -d 'Effective settings and config.yaml checks'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from config completions sandbox help" -f -a "completions" -d 'Print shell completions'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from config completions sandbox help" -f -a "sandbox" -d 'Make a practice installation (sandbox init DIR)'
complete -c talos -n "__fish_talos_using_subcommand help; and not __fish_seen_subcommand_from config completions sandbox help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Every effective setting and where it came from (flag, env, config.yaml, default)'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "validate" -d 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout'
complete -c talos -n "__fish_talos_using_subcommand help; and __fish_seen_subcommand_from sandbox" -f -a "init" -d 'Create a complete, realistic installation in DIR to practise on'
