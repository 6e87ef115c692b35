complete --keep-order --exclusive --command talos --arguments "(COMPLETE=fish talos -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
