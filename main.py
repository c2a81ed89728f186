"""Entry point: no subcommand (or --source/--reference) opens the window; subcommands run the CLI."""

from __future__ import annotations

import sys

CLI_COMMANDS = {"score", "record", "recognize", "import-lookup", "list", "stream", "history", "export", "render"}


def main(argv: list[str]) -> int:
    if argv and (argv[0] in CLI_COMMANDS or argv[0] in ("-h", "--help")):
        from core.cli import main as cli_main

        return cli_main(argv)
    from ui.app import run_app

    return run_app(argv)


def entry_point() -> None:
    sys.exit(main(sys.argv[1:]))


if __name__ == "__main__":
    entry_point()
