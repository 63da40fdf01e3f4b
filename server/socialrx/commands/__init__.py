"""Subcommands of the `socialrx` CLI, one module each; see socialrx.cli.COMMANDS."""
