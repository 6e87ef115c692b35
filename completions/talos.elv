
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
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
            cand status 'The 3 AM first screen: daemon, health, breakers, recovery, backups, audit, errors'
            cand health 'Health of the daemon and the installation, for people and for monitoring'
            cand panic 'Emergency stop: escalate from the API to SIGKILL until the daemon is down, then preserve state.'
            cand recover 'After a panic: show what emergency_state.json and a preserve hold, and put the state back'
            cand restart 'Ask the daemon to restart gracefully (POST /admin/restart; F-002 in docs/runbook.md)'
            cand breaker 'Circuit breakers: list them, reset them'
            cand backup 'Write, list and verify backup archives'
            cand restore 'Restore a backup archive into the installation (docs/format.md).'
            cand audit 'The Tier 1 audit chain: verify, tree head, inclusion proofs, query'
            cand verify-chain 'Same as `talos audit verify-chain`'
            cand drill 'The CI restore drill: back up, restore into a scratch root, validate, time it'
            cand log 'Search, trace and count the Tier 2/3 logs; prune old rotations'
            cand incident 'Postmortem draft from the evidence on disk'
            cand doctor 'Run every offline check and say how to fix each finding.'
            cand repair 'Repair damaged files: JSON-lines logs, config.yaml'
            cand db 'The database: integrity check, WAL checkpoint'
            cand config 'Effective settings and config.yaml checks'
            cand sandbox 'Make a practice installation (sandbox init DIR)'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;status'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;health'= {
            cand --watch 'Check again every SECS seconds until interrupted (with --json, one JSON document per line per round)'
            cand --metrics-file 'Write Prometheus metrics here (talos_health_status), for node_exporter''s textfile collector [default: metrics.textfile_dir/talos_health.prom when configured]'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;panic'= {
            cand --reason 'Why you are stopping it (goes into SIGNAL_PANIC, the API call, emergency_state.json, the preserve, panic.log and the audit chain)'
            cand --grace 'Seconds to wait after SIGTERM before SIGKILL'
            cand --signal-wait 'Seconds to wait for the watchdog to act on SIGNAL_PANIC (the daemon checks at least every 5 s)'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --force 'Go ahead without a PID file (the API and SIGNAL_PANIC are still tried; no process is ever signalled unverified)'
            cand --no-state 'Write neither emergency_state.json nor a preserve archive'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;recover'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --dry-run 'Show what would be put back and change nothing'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;restart'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --no-wait 'Do not wait for the daemon to answer again'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;breaker'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
            cand list 'List the circuit breakers: state, failure count, when they opened'
            cand reset 'Reset circuit breakers to closed (failure_count 0, opened_at null)'
            cand force-open 'Force a breaker open (resilience4j FORCED_OPEN): every call to the dependency is rejected until `talos breaker reset NAME`'
            cand disable 'Disable a breaker (resilience4j DISABLED): every call goes through, failures are not counted, until `talos breaker reset NAME`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;breaker;list'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;breaker;reset'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --all 'Reset every breaker'
            cand --dry-run 'Show what would be reset and change nothing'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;breaker;force-open'= {
            cand --reason 'Why (kept with the state and in the audit record; shown by `talos status` and `talos breaker list`)'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;breaker;disable'= {
            cand --reason 'Why (kept with the state and in the audit record; shown by `talos status` and `talos breaker list`)'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;breaker;help'= {
            cand list 'List the circuit breakers: state, failure count, when they opened'
            cand reset 'Reset circuit breakers to closed (failure_count 0, opened_at null)'
            cand force-open 'Force a breaker open (resilience4j FORCED_OPEN): every call to the dependency is rejected until `talos breaker reset NAME`'
            cand disable 'Disable a breaker (resilience4j DISABLED): every call goes through, failures are not counted, until `talos breaker reset NAME`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;breaker;help;list'= {
        }
        &'talos;breaker;help;reset'= {
        }
        &'talos;breaker;help;force-open'= {
        }
        &'talos;breaker;help;disable'= {
        }
        &'talos;breaker;help;help'= {
        }
        &'talos;backup'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
            cand create 'Write a backup archive: backup_YYYYMMDD_HHMMSS.tar.gz (docs/format.md).'
            cand list 'List backups, newest first: age, size, components and audit head.'
            cand verify 'Check a backup archive completely without writing anything.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;backup;create'= {
            cand --output-dir 'Directory to write into [default: backup.dir from config.yaml, else var/backups/talos]'
            cand --keep 'After a successful backup, delete all but the newest N backups in that directory [default: backup.keep]'
            cand --partial 'Back up only these components: comma list of config,state,database,logs,custom,ssl'
            cand --repo 'Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]'
            cand --host 'Use this host''s backups in the repository [default: this host''s name]'
            cand --encrypt-to 'Encrypt the archive with age to this recipient (age1…); repeatable [default: backup.encrypt_to]'
            cand --metrics-file 'Write Prometheus metrics here, for node_exporter''s textfile collector [default: metrics.textfile_dir/talos_backup.prom when configured]'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;backup;list'= {
            cand --dir 'Directory to list [default: backup.dir from config.yaml, else var/backups/talos]'
            cand --repo 'Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]'
            cand --host 'Use this host''s backups in the repository [default: this host''s name]'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --all-hosts 'With a repository: list every host''s backups'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;backup;verify'= {
            cand --repo 'Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]'
            cand --host 'Use this host''s backups in the repository [default: this host''s name]'
            cand --identity 'age identity file to decrypt encrypted archives (from age-keygen) [env: TALOS_AGE_IDENTITY]'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;backup;help'= {
            cand create 'Write a backup archive: backup_YYYYMMDD_HHMMSS.tar.gz (docs/format.md).'
            cand list 'List backups, newest first: age, size, components and audit head.'
            cand verify 'Check a backup archive completely without writing anything.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;backup;help;create'= {
        }
        &'talos;backup;help;list'= {
        }
        &'talos;backup;help;verify'= {
        }
        &'talos;backup;help;help'= {
        }
        &'talos;restore'= {
            cand --repo 'Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]'
            cand --host 'Use this host''s backups in the repository [default: this host''s name]'
            cand --identity 'age identity file to decrypt encrypted archives (from age-keygen) [env: TALOS_AGE_IDENTITY]'
            cand --partial 'Restore only these components: comma list of config,state,database,logs,custom,ssl'
            cand --target-dir 'Restore into the installation rooted at DIR instead of --root'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --dry-run 'Verify, print the plan per file, and change nothing'
            cand --verify-only 'Only verify the archive (like `talos backup verify`); write nothing'
            cand --new-host 'Set up a new machine: create every directory of the layout with its mode; as root with root /, also the system user talos and ownership'
            cand --stop-daemon 'Stop a running daemon first (SIGTERM to its verified PID, waiting up to 20 s)'
            cand --resume 'Finish a restore that was interrupted (see var/lib/talos/restore.journal)'
            cand --abort 'Undo a restore that was interrupted, putting the previous state back'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;audit'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
            cand verify-chain 'Check every record of the audit chain: its hash, its link to the record before it, seq continuity across files, JSON validity, and anchors'
            cand root 'Print the RFC 6962 Merkle tree head of the audit chain, to keep as an anchor'
            cand prove 'Print an RFC 6962 inclusion proof that record SEQ is in the audit tree'
            cand verify-proof 'Check an inclusion proof from `talos audit prove` against a trusted root'
            cand verify-consistency 'Check a consistency proof from `talos audit prove --consistency`: the log with the new tree head only grew since the old one'
            cand query 'Read the audit trail: seq, time, actor, action and details of each record.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;audit;verify-chain'= {
            cand --anchor 'An anchor kept outside the log: SEQ:HASH (record SEQ has hash HASH) or size=N:ROOT (the tree head printed by `talos audit root`); repeatable'
            cand --checkpoint 'A checkpoint saved off the host by `talos audit root --json > FILE` (or its size=N:ROOT line): exit 3 unless today''s log extends it, i.e. the tree over its first N records still has that root; repeatable'
            cand --metrics-file 'Write Prometheus metrics here, for node_exporter''s textfile collector [default: metrics.textfile_dir/talos_audit_chain.prom when configured]'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --no-external-anchors 'Check only the --anchor values, not the backups'' and database''s'
            cand --tree-head 'Also compute the RFC 6962 tree head (size=N:ROOT) over all records, to keep as an anchor (a second hash per record; `talos audit root` prints only that)'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;audit;root'= {
            cand --size 'Tree size: the head over records 1..N [default: every record]'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;audit;prove'= {
            cand --consistency 'Prove that the tree of NEW records extends the tree of OLD records'
            cand --size 'Tree size the proof is for [default: every record]'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;audit;verify-proof'= {
            cand --proof 'The proof JSON (`-` for stdin)'
            cand --root-hash 'The trusted tree root hash, as `talos audit root` prints it'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;audit;verify-consistency'= {
            cand --proof 'The proof JSON (`-` for stdin)'
            cand --old-size 'Size of the old (trusted, saved) tree'
            cand --old-root-hash 'Root of the old tree, 64 hex digits'
            cand --new-size 'Size of the new tree'
            cand --new-root-hash 'Root of the new tree, 64 hex digits'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;audit;query'= {
            cand --action 'Only these actions (comma-separated, exact names)'
            cand --since 'Only records at or after T (RFC 3339, or 90s / 15m / 2h / 7d back from now)'
            cand --last 'Only the last N matching records'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;audit;help'= {
            cand verify-chain 'Check every record of the audit chain: its hash, its link to the record before it, seq continuity across files, JSON validity, and anchors'
            cand root 'Print the RFC 6962 Merkle tree head of the audit chain, to keep as an anchor'
            cand prove 'Print an RFC 6962 inclusion proof that record SEQ is in the audit tree'
            cand verify-proof 'Check an inclusion proof from `talos audit prove` against a trusted root'
            cand verify-consistency 'Check a consistency proof from `talos audit prove --consistency`: the log with the new tree head only grew since the old one'
            cand query 'Read the audit trail: seq, time, actor, action and details of each record.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;audit;help;verify-chain'= {
        }
        &'talos;audit;help;root'= {
        }
        &'talos;audit;help;prove'= {
        }
        &'talos;audit;help;verify-proof'= {
        }
        &'talos;audit;help;verify-consistency'= {
        }
        &'talos;audit;help;query'= {
        }
        &'talos;audit;help;help'= {
        }
        &'talos;verify-chain'= {
            cand --anchor 'An anchor kept outside the log: SEQ:HASH (record SEQ has hash HASH) or size=N:ROOT (the tree head printed by `talos audit root`); repeatable'
            cand --checkpoint 'A checkpoint saved off the host by `talos audit root --json > FILE` (or its size=N:ROOT line): exit 3 unless today''s log extends it, i.e. the tree over its first N records still has that root; repeatable'
            cand --metrics-file 'Write Prometheus metrics here, for node_exporter''s textfile collector [default: metrics.textfile_dir/talos_audit_chain.prom when configured]'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --no-external-anchors 'Check only the --anchor values, not the backups'' and database''s'
            cand --tree-head 'Also compute the RFC 6962 tree head (size=N:ROOT) over all records, to keep as an anchor (a second hash per record; `talos audit root` prints only that)'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;drill'= {
            cand --backup 'Drill this archive instead of taking a new backup'
            cand --repo 'Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]'
            cand --host 'Use this host''s backups in the repository [default: this host''s name]'
            cand --identity 'age identity file to decrypt encrypted archives (from age-keygen) [env: TALOS_AGE_IDENTITY]'
            cand --junit 'Write a JUnit XML report here (for CI)'
            cand --metrics-file 'Write Prometheus metrics here, for node_exporter''s textfile collector [default: metrics.textfile_dir/talos_drill.prom when configured]'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;log'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
            cand query 'Search Tier 2 and Tier 3 logs: current files, rotations and `.gz` rotations'
            cand trace 'Every line of one request as a call tree, with durations, the slowest step and the errors marked'
            cand stats 'Counts by level, component and error code, errors per hour as a chart, and the slowest operations'
            cand prune 'Free disk space (disk full, F-005 in docs/runbook.md): old log rotations and temporary files.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;log;query'= {
            cand --correlation-id 'Lines of this request: correlation_id equal to ID or starting with `ID:` (child operations), or context.parent_correlation_id equal to ID'
            cand --level 'Only these levels, comma-separated, any case (error,warn); the levels are ERROR, WARN, INFO, DEBUG, TRACE'
            cand --component 'Only these components, comma-separated, any case'
            cand --since 'At or after this time: RFC 3339 or a span back from now (90s, 15m, 2h, 7d)'
            cand --until 'Strictly before this time: RFC 3339 or a span back from now'
            cand --code 'Only lines whose error.code is this (T007); see `talos log stats` for what each code means'
            cand --contains 'Only lines whose message contains TEXT (case-sensitive; the message only, not the whole line)'
            cand --filter 'A jq program run by jaq on each line; the line matches when it yields a value other than false or null'
            cand --limit 'Stop after the first N matches in time order'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --count 'Print only the number of matching lines (`{"count": N}` with --json)'
            cand -f 'Keep printing new matching lines as the current files grow, across rotations (Ctrl-C to stop)'
            cand --follow 'Keep printing new matching lines as the current files grow, across rotations (Ctrl-C to stop)'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;log;trace'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;log;stats'= {
            cand --since 'Only lines at or after this time: RFC 3339 or a span back from now (90s, 15m, 2h, 7d)'
            cand --until 'Only lines strictly before this time'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;log;prune'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --dry-run 'List what would be deleted and the bytes it would free; delete nothing'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;log;help'= {
            cand query 'Search Tier 2 and Tier 3 logs: current files, rotations and `.gz` rotations'
            cand trace 'Every line of one request as a call tree, with durations, the slowest step and the errors marked'
            cand stats 'Counts by level, component and error code, errors per hour as a chart, and the slowest operations'
            cand prune 'Free disk space (disk full, F-005 in docs/runbook.md): old log rotations and temporary files.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;log;help;query'= {
        }
        &'talos;log;help;trace'= {
        }
        &'talos;log;help;stats'= {
        }
        &'talos;log;help;prune'= {
        }
        &'talos;log;help;help'= {
        }
        &'talos;incident'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
            cand report 'A postmortem draft from the evidence on disk (works with the daemon dead).'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;incident;report'= {
            cand --since 'Start of the window (RFC 3339, or a span back from now: 90s, 15m, 2h, 7d)'
            cand --until 'End of the window [default: now]'
            cand --correlation-id 'Only the lines of this correlation id (and its children)'
            cand --format 'Output format [default: markdown; json with --json]'
            cand -o 'Write the report to FILE (atomically) instead of stdout'
            cand --output 'Write the report to FILE (atomically) instead of stdout'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;incident;help'= {
            cand report 'A postmortem draft from the evidence on disk (works with the daemon dead).'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;incident;help;report'= {
        }
        &'talos;incident;help;help'= {
        }
        &'talos;doctor'= {
            cand --metrics-file 'Write Prometheus metrics here (talos_doctor_findings by severity), for node_exporter''s textfile collector [default: metrics.textfile_dir/talos_doctor.prom when configured]'
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --fix 'Apply the safe, reversible fixes (asks first; --yes for scripts)'
            cand --deep 'Also verify the newest backup completely, as `talos backup verify` does (slower: it reads the whole archive); by default only its gzip framing and head are checked'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;repair'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
            cand jsonl 'Drop the lines of a JSON-lines file that are not JSON objects.'
            cand config 'Put back the newest config that validates (config corruption, F-006 in docs/runbook.md).'
            cand audit 'Remove a torn last audit record left by an interrupted append.'
            cand leftovers 'Remove what interrupted operations left behind.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;repair;jsonl'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --dry-run 'Show how many lines would be dropped; change nothing'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;repair;config'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --dry-run 'Show which config would be put back and the diff; change nothing'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;repair;audit'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --dry-run 'Show what would be removed; change nothing'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;repair;leftovers'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --dry-run 'List what would be removed; change nothing'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;repair;help'= {
            cand jsonl 'Drop the lines of a JSON-lines file that are not JSON objects.'
            cand config 'Put back the newest config that validates (config corruption, F-006 in docs/runbook.md).'
            cand audit 'Remove a torn last audit record left by an interrupted append.'
            cand leftovers 'Remove what interrupted operations left behind.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;repair;help;jsonl'= {
        }
        &'talos;repair;help;config'= {
        }
        &'talos;repair;help;audit'= {
        }
        &'talos;repair;help;leftovers'= {
        }
        &'talos;repair;help;help'= {
        }
        &'talos;db'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
            cand check 'Check the database: PRAGMA integrity_check, tables, journal mode, WAL size.'
            cand checkpoint 'Copy the WAL into the database file and shrink the WAL.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;db;check'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;db;checkpoint'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --passive 'Run a PASSIVE checkpoint even when the daemon is stopped'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;db;help'= {
            cand check 'Check the database: PRAGMA integrity_check, tables, journal mode, WAL size.'
            cand checkpoint 'Copy the WAL into the database file and shrink the WAL.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;db;help;check'= {
        }
        &'talos;db;help;checkpoint'= {
        }
        &'talos;db;help;help'= {
        }
        &'talos;config'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
            cand show 'Every effective setting and where it came from (flag, env, config.yaml, default).'
            cand validate 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;config;show'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
            cand show 'Every effective setting and where it came from (flag, env, config.yaml, default).'
            cand validate 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;config;help;show'= {
        }
        &'talos;config;help;validate'= {
        }
        &'talos;config;help;help'= {
        }
        &'talos;sandbox'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;completions'= {
            cand --root 'Root of the installation; every path of the layout is under it [env: TALOS_ROOT] [default: /]'
            cand --url 'Base URL of the daemon''s admin API [env: TALOS_URL] [default: from config.yaml, else http://127.0.0.1:8080]'
            cand --cacert 'CA bundle to verify the daemon''s HTTPS certificate [env: TALOS_CACERT]'
            cand --timeout 'Seconds to wait for each API request [default: 3]'
            cand --json 'Print one JSON document on stdout and nothing else there (log query: JSON lines)'
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
        &'talos;help'= {
            cand status 'The 3 AM first screen: daemon, health, breakers, recovery, backups, audit, errors'
            cand health 'Health of the daemon and the installation, for people and for monitoring'
            cand panic 'Emergency stop: escalate from the API to SIGKILL until the daemon is down, then preserve state.'
            cand recover 'After a panic: show what emergency_state.json and a preserve hold, and put the state back'
            cand restart 'Ask the daemon to restart gracefully (POST /admin/restart; F-002 in docs/runbook.md)'
            cand breaker 'Circuit breakers: list them, reset them'
            cand backup 'Write, list and verify backup archives'
            cand restore 'Restore a backup archive into the installation (docs/format.md).'
            cand audit 'The Tier 1 audit chain: verify, tree head, inclusion proofs, query'
            cand verify-chain 'Same as `talos audit verify-chain`'
            cand drill 'The CI restore drill: back up, restore into a scratch root, validate, time it'
            cand log 'Search, trace and count the Tier 2/3 logs; prune old rotations'
            cand incident 'Postmortem draft from the evidence on disk'
            cand doctor 'Run every offline check and say how to fix each finding.'
            cand repair 'Repair damaged files: JSON-lines logs, config.yaml'
            cand db 'The database: integrity check, WAL checkpoint'
            cand config 'Effective settings and config.yaml checks'
            cand sandbox 'Make a practice installation (sandbox init DIR)'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talos;help;status'= {
        }
        &'talos;help;health'= {
        }
        &'talos;help;panic'= {
        }
        &'talos;help;recover'= {
        }
        &'talos;help;restart'= {
        }
        &'talos;help;breaker'= {
            cand list 'List the circuit breakers: state, failure count, when they opened'
            cand reset 'Reset circuit breakers to closed (failure_count 0, opened_at null)'
            cand force-open 'Force a breaker open (resilience4j FORCED_OPEN): every call to the dependency is rejected until `talos breaker reset NAME`'
            cand disable 'Disable a breaker (resilience4j DISABLED): every call goes through, failures are not counted, until `talos breaker reset NAME`'
        }
        &'talos;help;breaker;list'= {
        }
        &'talos;help;breaker;reset'= {
        }
        &'talos;help;breaker;force-open'= {
        }
        &'talos;help;breaker;disable'= {
        }
        &'talos;help;backup'= {
            cand create 'Write a backup archive: backup_YYYYMMDD_HHMMSS.tar.gz (docs/format.md).'
            cand list 'List backups, newest first: age, size, components and audit head.'
            cand verify 'Check a backup archive completely without writing anything.'
        }
        &'talos;help;backup;create'= {
        }
        &'talos;help;backup;list'= {
        }
        &'talos;help;backup;verify'= {
        }
        &'talos;help;restore'= {
        }
        &'talos;help;audit'= {
            cand verify-chain 'Check every record of the audit chain: its hash, its link to the record before it, seq continuity across files, JSON validity, and anchors'
            cand root 'Print the RFC 6962 Merkle tree head of the audit chain, to keep as an anchor'
            cand prove 'Print an RFC 6962 inclusion proof that record SEQ is in the audit tree'
            cand verify-proof 'Check an inclusion proof from `talos audit prove` against a trusted root'
            cand verify-consistency 'Check a consistency proof from `talos audit prove --consistency`: the log with the new tree head only grew since the old one'
            cand query 'Read the audit trail: seq, time, actor, action and details of each record.'
        }
        &'talos;help;audit;verify-chain'= {
        }
        &'talos;help;audit;root'= {
        }
        &'talos;help;audit;prove'= {
        }
        &'talos;help;audit;verify-proof'= {
        }
        &'talos;help;audit;verify-consistency'= {
        }
        &'talos;help;audit;query'= {
        }
        &'talos;help;verify-chain'= {
        }
        &'talos;help;drill'= {
        }
        &'talos;help;log'= {
            cand query 'Search Tier 2 and Tier 3 logs: current files, rotations and `.gz` rotations'
            cand trace 'Every line of one request as a call tree, with durations, the slowest step and the errors marked'
            cand stats 'Counts by level, component and error code, errors per hour as a chart, and the slowest operations'
            cand prune 'Free disk space (disk full, F-005 in docs/runbook.md): old log rotations and temporary files.'
        }
        &'talos;help;log;query'= {
        }
        &'talos;help;log;trace'= {
        }
        &'talos;help;log;stats'= {
        }
        &'talos;help;log;prune'= {
        }
        &'talos;help;incident'= {
            cand report 'A postmortem draft from the evidence on disk (works with the daemon dead).'
        }
        &'talos;help;incident;report'= {
        }
        &'talos;help;doctor'= {
        }
        &'talos;help;repair'= {
            cand jsonl 'Drop the lines of a JSON-lines file that are not JSON objects.'
            cand config 'Put back the newest config that validates (config corruption, F-006 in docs/runbook.md).'
            cand audit 'Remove a torn last audit record left by an interrupted append.'
            cand leftovers 'Remove what interrupted operations left behind.'
        }
        &'talos;help;repair;jsonl'= {
        }
        &'talos;help;repair;config'= {
        }
        &'talos;help;repair;audit'= {
        }
        &'talos;help;repair;leftovers'= {
        }
        &'talos;help;db'= {
            cand check 'Check the database: PRAGMA integrity_check, tables, journal mode, WAL size.'
            cand checkpoint 'Copy the WAL into the database file and shrink the WAL.'
        }
        &'talos;help;db;check'= {
        }
        &'talos;help;db;checkpoint'= {
        }
        &'talos;help;config'= {
            cand show 'Every effective setting and where it came from (flag, env, config.yaml, default).'
            cand validate 'Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout'
        }
        &'talos;help;config;show'= {
        }
        &'talos;help;config;validate'= {
        }
        &'talos;help;sandbox'= {
            cand init 'Create a complete, realistic installation in DIR to practise on'
        }
        &'talos;help;sandbox;init'= {
        }
        &'talos;help;completions'= {
        }
        &'talos;help;help'= {
        }
    ]
    $completions[$command]
}
