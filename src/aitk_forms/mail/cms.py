"""The signed content inside an S/MIME `application/pkcs7-mime` part (CMS SignedData, RFC 5652), read with
asn1crypto (MIT licence). Signatures are not verified: a form's identity, not its sender's key, says what it is."""

from __future__ import annotations

from asn1crypto import cms

ENCRYPTED = ("enveloped_data", "authenticated_enveloped_data", "encrypted_data")


class CmsError(ValueError):
    """The CMS structure is not signed content aitk-forms can read; `kind` is "encrypted", "compressed" or "other"."""

    def __init__(self, kind: str, what: str):
        super().__init__(what)
        self.kind = kind


def signed_content(der: bytes) -> bytes:
    """The MIME entity a CMS SignedData carries inside it."""
    try:
        info = cms.ContentInfo.load(der)
        kind = info["content_type"].native
        if kind in ENCRYPTED:
            raise CmsError("encrypted", "it is encrypted")
        if kind == "compressed_data":
            raise CmsError("compressed", "it is compressed")
        if kind != "signed_data":
            raise CmsError("other", f"it holds {kind}, not signed data")
        content = info["content"]["encap_content_info"]["content"]
        data = content.native if content else None
    except CmsError:
        raise
    except Exception:  # asn1crypto parses lazily and raises many kinds of error on damaged input
        raise CmsError("other", "its structure is damaged") from None
    if not isinstance(data, bytes | bytearray) or not data:
        raise CmsError("other", "the signature was sent without the signed content")
    return bytes(data)
