"""What to tell a coordinator when a mail server's TLS fails: one wording for IMAP and SMTP."""

from __future__ import annotations

import ssl


def untrusted_certificate(where: str, error: ssl.SSLCertVerificationError) -> str:
    return (
        f"{where}: the server's certificate is not trusted ({error.verify_message}); if your organisation uses its "
        "own certificate authority, set SSL_CERT_FILE to its certificate (a PEM file)"
    )
