
use builtin;
use str;

set edit:completion:arg-completer[talos] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'talos'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'talos'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there'
            cand --online 'Only go through the daemon''s API; exit 5 if it cannot be reached'
            cand --offline 'Only work on the files; never call the API'
            cand -y 'Answer yes to every confirmation (for scripts, cron and CI)'
            cand --yes 'Answer yes to every confirmation (for scripts, cron and CI)'
            cand -q 'Less on stderr: only warnings and errors'
            cand --quiet 'Less on stderr: only warnings and errors'
            cand -v 'More detail on stderr'
            cand --verbose 'More detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand config 'Effective settings and config.yaml checks'
            cand completions 'Print shell completions'
            cand sandbox 'Make a practice installation (sandbox init DIR)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;config'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there'
            cand --online 'Only go through the daemon''s API; exit 5 if it cannot be reached'
            cand --offline 'Only work on the files; never call the API'
            cand -y 'Answer yes to every confirmation (for scripts, cron and CI)'
            cand --yes 'Answer yes to every confirmation (for scripts, cron and CI)'
            cand -q 'Less on stderr: only warnings and errors'
            cand --quiet 'Less on stderr: only warnings and errors'
            cand -v 'More detail on stderr'
            cand --verbose 'More detail on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Every effective setting and where it came from (flag, env, config.yaml, default)'
            cand validate 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;config;show'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there'
            cand --online 'Only go through the daemon''s API; exit 5 if it cannot be reached'
            cand --offline 'Only work on the files; never call the API'
            cand -y 'Answer yes to every confirmation (for scripts, cron and CI)'
            cand --yes 'Answer yes to every confirmation (for scripts, cron and CI)'
            cand -q 'Less on stderr: only warnings and errors'
            cand --quiet 'Less on stderr: only warnings and errors'
            cand -v 'More detail on stderr'
            cand --verbose 'More detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talos;config;validate'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there'
            cand --online 'Only go through the daemon''s API; exit 5 if it cannot be reached'
            cand --offline 'Only work on the files; never call the API'
            cand -y 'Answer yes to every confirmation (for scripts, cron and CI)'
            cand --yes 'Answer yes to every confirmation (for scripts, cron and CI)'
            cand -q 'Less on stderr: only warnings and errors'
            cand --quiet 'Less on stderr: only warnings and errors'
            cand -v 'More detail on stderr'
            cand --verbose 'More detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talos;config;help'= {
            cand show 'Every effective setting and where it came from (flag, env, config.yaml, default)'
            cand validate 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;config;help;show'= {
        }
        &'talos;config;help;validate'= {
        }
        &'talos;config;help;help'= {
        }
        &'talos;completions'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there'
            cand --online 'Only go through the daemon''s API; exit 5 if it cannot be reached'
            cand --offline 'Only work on the files; never call the API'
            cand -y 'Answer yes to every confirmation (for scripts, cron and CI)'
            cand --yes 'Answer yes to every confirmation (for scripts, cron and CI)'
            cand -q 'Less on stderr: only warnings and errors'
            cand --quiet 'Less on stderr: only warnings and errors'
            cand -v 'More detail on stderr'
            cand --verbose 'More detail on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talos;sandbox'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there'
            cand --online 'Only go through the daemon''s API; exit 5 if it cannot be reached'
            cand --offline 'Only work on the files; never call the API'
            cand -y 'Answer yes to every confirmation (for scripts, cron and CI)'
            cand --yes 'Answer yes to every confirmation (for scripts, cron and CI)'
            cand -q 'Less on stderr: only warnings and errors'
            cand --quiet 'Less on stderr: only warnings and errors'
            cand -v 'More detail on stderr'
            cand --verbose 'More detail on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create a complete, realistic installation in DIR to practise on'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;sandbox;init'= {
            cand --seed 'Seed of the generator: the same seed and --now give the same tree'
            cand --scale 'small: a few MB, in a second; large: ~1 GiB of logs, 1,000,000 audit records and a database of a few hundred MB, for benchmarks'
            cand --now 'The time the sandbox is made at, RFC 3339 or a span back from now (2h) [default: now]'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --force 'Replace the talos directories of a non-empty DIR (nothing else in it is touched)'
            cand --json 'Print one JSON document on stdout and nothing else there'
            cand --online 'Only go through the daemon''s API; exit 5 if it cannot be reached'
            cand --offline 'Only work on the files; never call the API'
            cand -y 'Answer yes to every confirmation (for scripts, cron and CI)'
            cand --yes 'Answer yes to every confirmation (for scripts, cron and CI)'
            cand -q 'Less on stderr: only warnings and errors'
            cand --quiet 'Less on stderr: only warnings and errors'
            cand -v 'More detail on stderr'
            cand --verbose 'More detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talos;sandbox;help'= {
            cand init 'Create a complete, realistic installation in DIR to practise on'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;sandbox;help;init'= {
        }
        &'talos;sandbox;help;help'= {
        }
        &'talos;help'= {
            cand config 'Effective settings and config.yaml checks'
            cand completions 'Print shell completions'
            cand sandbox 'Make a practice installation (sandbox init DIR)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;help;config'= {
            cand show 'Every effective setting and where it came from (flag, env, config.yaml, default)'
            cand validate 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout'
        }
        &'talos;help;config;show'= {
        }
        &'talos;help;config;validate'= {
        }
        &'talos;help;completions'= {
        }
        &'talos;help;sandbox'= {
            cand init 'Create a complete, realistic installation in DIR to practise on'
        }
        &'talos;help;sandbox;init'= {
        }
        &'talos;help;help'= {
        }
    ]
    $completions[$command]
}
