"""The record system's service layer: practice, users, clients, consent, sessions and
artefacts, reports and the audit. Authorization, encryption and auditing happen here, so the CLI,
the web app and the pipeline are thin shells over the same rules.
"""
