"""CLI commands, one module per command group; each exposes ``register(app)``.

A command parses its arguments, calls one service function and renders the result. User
mistakes raise ``BadInputError`` subclasses; ``clearnote.cli.main`` maps errors to exit codes.
"""

COMMAND_MODULES: tuple[str, ...] = (
    "clearnote.commands.transcribe",
    "clearnote.commands.speakers",
    "clearnote.commands.demo",
    "clearnote.commands.import_transcript",
    "clearnote.commands.verify",
    "clearnote.commands.screen",
    "clearnote.commands.draft",
    "clearnote.commands.consent_form",
    "clearnote.commands.assess",
    "clearnote.commands.init",
    "clearnote.commands.client",
    "clearnote.commands.consent",
    "clearnote.commands.session",
    "clearnote.commands.audit",
    "clearnote.commands.process",
    "clearnote.commands.maintenance",
    "clearnote.commands.deidentify",
    "clearnote.commands.serve",
    "clearnote.commands.worker",
    "clearnote.commands.backup",
)
