"""The ``clearnote`` command line: a thin shell over the services, with one error mapping.

Exit codes (DESIGN.md): 0 done, 2 bad input, 3 refused by policy or consent, 1 internal error.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from clearnote.commands import COMMAND_MODULES
from clearnote.errors import ClearnoteError
from clearnote.logs import configure


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clearnote")
def cli() -> None:
    """Consent-first, grounded documentation for psychotherapy sessions, run locally."""


for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(cli)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; map errors to exit codes with one line on stderr and no traceback."""
    configure(logging.WARNING)
    try:
        cli.main(args=argv, prog_name="clearnote", standalone_mode=False)
    except ClearnoteError as exc:
        sys.stderr.write(f"clearnote: error: {exc.message}\n")
        return exc.exit_code
    except click.exceptions.Abort:
        sys.stderr.write("clearnote: aborted\n")
        return 1
    except click.ClickException as exc:
        # usage errors name the option or argument, never file content
        sys.stderr.write(f"clearnote: error: {exc.format_message()}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("clearnote: interrupted\n")
        return 130
    return 0


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
