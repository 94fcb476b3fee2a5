"""The command line: `interview-integrity COMMAND` (cli/main.py lists the commands)."""
