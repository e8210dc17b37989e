"""CLI verbs. Each module here defines `register(subparsers)`; cli.py discovers them.

A verb module adds its parser with `set_defaults(func=...)`; the function takes the parsed
arguments and returns an exit code. Library errors (ConfigError, CheckFailed) are turned into
exit codes by cli.main, so verbs raise rather than exit.
"""
