"""Security primitives: AES-256-GCM envelope encryption, key providers, passwords (argon2id, NIST
SP 800-63B), TOTP MFA, the role/permission table and the hash-chained audit format.

Nothing here touches the database; the record services in ``clearnote.records`` compose these.
"""
