"""Entry point: no subcommand (or --source/--reference) opens the window; subcommands run the CLI."""

from __future__ import annotations

import os
import sys

CLI_COMMANDS = {"score", "record", "recognize", "import-lookup", "list", "hide", "show-hidden", "stream", "history",
                "export", "render", "models", "compose"}  # fmt: skip


def main(argv: list[str]) -> int:
    try:
        if argv and (argv[0] in CLI_COMMANDS or argv[0] in ("-h", "--help")):
            from core.app.cli import main as cli_main

            return cli_main(argv)
        from ui.app import run_app
    except ImportError as exc:
        # A module of the app or a library it needs is missing or broken: an install problem, said as such
        # (never skipped: a command that vanishes because its import failed would look like a typo).
        print(f"error: PoseCoach is not completely installed: {exc}; reinstall it (pip install posecoach) "
              f"or install what is missing{f' ({exc.name})' if exc.name else ''}", file=sys.stderr)  # fmt: skip
        return 2
    return run_app(argv)


def entry_point() -> None:
    code = main(sys.argv[1:])
    try:
        sys.stdout.flush()  # output redirected to a full disk or a closed pipe fails here, not in a command
    except OSError as exc:
        from core.app.errors import describe_os_error

        print(f"error: writing the output: {describe_os_error(exc)}", file=sys.stderr)
        # Python would flush again at exit and print a traceback-like note: hand it an empty sink.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 2
    sys.exit(code)


if __name__ == "__main__":
    entry_point()
