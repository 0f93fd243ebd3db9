"""How a deploy fails: the exceptions and their exit codes, and an object store's error turned
into one line that names the cause and never a credential.

A store's error text can hold more than its cause: S3's ``SignatureDoesNotMatch`` answer
carries the canonical request it expected, with the session token among its headers. So
the message is rebuilt from the HTTP status and the S3 error code alone, and every value of
the credentials in use is blotted out of anything else that is printed.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from newsgen.core.errors import NewsgenError

DENIED_CODES = frozenset({
    "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken", "InvalidToken",
    "TokenRefreshRequired", "InvalidClientTokenId", "Unauthorized",
})
STATUS = re.compile(r"status code: (\d{3})")
CODE = re.compile(r"<Code>([A-Za-z.]+)</Code>")
CAUSES = (
    ("error sending request", "could not connect"),
    ("timed out", "timed out"),
    ("operation timed out", "timed out"),
    ("dns error", "could not resolve the endpoint's name"),
    ("connection reset", "the connection was reset"),
    ("connection refused", "connection refused"),
    ("certificate", "TLS certificate problem"),
)


class DeployError(NewsgenError):
    """The store failed or could not be reached: exit 1. What was not uploaded is not claimed."""

    exit_code = 1


class SetupError(NewsgenError):
    """No credentials, refused credentials, no such bucket, a wrong region: exit 2 (fix the
    setup, not the site)."""

    exit_code = 2


def redact(text: str, secrets: Iterable[str]) -> str:
    """*text* with every secret (at least 4 characters long) replaced by ``***``."""
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def translate(exc: Exception, doing: str, where: str, credentials: str, secrets: Iterable[str]) -> NewsgenError:
    """The store's exception *exc*, raised while *doing* (``uploading x.html``) at *where*
    (``s3://bucket/``), as a `SetupError` or a `DeployError` with a one-line message.
    *credentials* says where the credentials came from, for the refusal message."""
    text = str(exc)
    status = STATUS.search(text)
    code = CODE.search(text)
    status_code = int(status.group(1)) if status else 0
    error_code = code.group(1) if code else ""
    if "169.254.169.254" in text:
        return SetupError(message=f"no credentials for {where}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                                "or AWS_PROFILE")
    if error_code in DENIED_CODES or status_code in (401, 403):
        reason = error_code or f"HTTP {status_code}"
        return SetupError(message=f"{where} refused the credentials from {credentials} ({reason}) while {doing}: "
                                "check the access key, the secret and the bucket's permissions")
    if error_code == "NoSuchBucket":
        return SetupError(message=f"{where}: the bucket does not exist (or the endpoint or region is wrong)")
    if error_code in ("PermanentRedirect", "AuthorizationHeaderMalformed") or status_code == 301:
        return SetupError(message=f"{where}: the bucket is in another region; set deploy: {{region: …}} or --region")
    if status_code:
        cause = f"HTTP {status_code}" + (f" {error_code}" if error_code else "")
    else:
        lowered = text.lower()
        cause = next((said for needle, said in CAUSES if needle in lowered), "")
        if not cause:
            first = text.split("\n", 1)[0].split(" Debug source")[0]
            cause = redact(first[:200], secrets)
    return DeployError(message=f"{where}: {cause} while {doing}")
