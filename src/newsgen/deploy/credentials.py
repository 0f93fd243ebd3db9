"""Where a deploy's credentials come from, in the AWS tools' order, without ever keeping
them anywhere but in memory:

1. ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY`` (and ``AWS_SESSION_TOKEN``);
2. ``AWS_PROFILE``, or the ``default`` profile, from ``~/.aws/credentials`` and
   ``~/.aws/config`` (``AWS_SHARED_CREDENTIALS_FILE``, ``AWS_CONFIG_FILE``): static keys are
   read here; a profile that signs in otherwise (SSO, a role, ``credential_process``) goes
   through boto3 when it is installed;
3. a web identity token (``AWS_WEB_IDENTITY_TOKEN_FILE`` and ``AWS_ROLE_ARN``: GitHub's OIDC)
   or a container's credentials (``AWS_CONTAINER_CREDENTIALS_*``), which obstore fetches.

Nothing found is an error at once (exit 2), rather than minutes spent asking an instance
metadata service that is not there.
"""
from __future__ import annotations

import configparser
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgen.deploy.failures import SetupError

SIGN_IN_KEYS = ("sso_session", "sso_start_url", "role_arn", "credential_process", "web_identity_token_file",
                "source_profile")
FETCHED = (
    ("AWS_WEB_IDENTITY_TOKEN_FILE", "a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)"),
    ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "the container's credentials"),
    ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "the container's credentials"),
)
HOW_TO = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or AWS_PROFILE"


@dataclass(frozen=True)
class Credentials:
    """What the store is given; ``repr`` shows the source only."""

    source: str
    """Where they came from, for messages: ``the environment (AWS_ACCESS_KEY_ID)``."""
    options: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Keys for the store (``access_key_id``, ``secret_access_key``, ``session_token``); empty: obstore finds them."""
    provider: Any = field(default=None, repr=False)
    """A credential provider (boto3's, for a profile without static keys), or None."""
    region: str = ""
    """The profile's region, if any."""

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every value to blot out of a message."""
        return tuple(self.options.values())


def find_credentials(environ: Mapping[str, str], home: Path) -> Credentials:
    """The first source of credentials, in the order of the module's docstring."""
    key, secret = environ.get("AWS_ACCESS_KEY_ID", ""), environ.get("AWS_SECRET_ACCESS_KEY", "")
    if key and secret:
        options = {"access_key_id": key, "secret_access_key": secret}
        if environ.get("AWS_SESSION_TOKEN"):
            options["session_token"] = environ["AWS_SESSION_TOKEN"]
        return Credentials("the environment (AWS_ACCESS_KEY_ID)", options)
    if key or secret:
        missing = "AWS_SECRET_ACCESS_KEY" if key else "AWS_ACCESS_KEY_ID"
        raise SetupError(message=f"{missing} is not set (its partner is): {HOW_TO}")
    named = environ.get("AWS_PROFILE", "")
    profile = _profile(named or "default", environ, home)
    if profile is not None:
        return _from_profile(named or "default", profile)
    if named:
        raise SetupError(message=f"AWS_PROFILE names profile '{named}', which is in neither "
                         f"{_credentials_file(environ, home)} nor {_config_file(environ, home)}")
    for variable, source in FETCHED:
        if environ.get(variable):
            return Credentials(source)
    raise SetupError(message=f"no credentials: {HOW_TO}")


def _from_profile(name: str, profile: Mapping[str, str]) -> Credentials:
    source = f"profile '{name}'"
    region = profile.get("region", "")
    key, secret = profile.get("aws_access_key_id", ""), profile.get("aws_secret_access_key", "")
    if key and secret:
        options = {"access_key_id": key, "secret_access_key": secret}
        if profile.get("aws_session_token"):
            options["session_token"] = profile["aws_session_token"]
        return Credentials(source, options, region=region)
    how = next((k for k in SIGN_IN_KEYS if profile.get(k)), "")
    if not how:
        raise SetupError(message=f"profile '{name}' has no aws_access_key_id and aws_secret_access_key: {HOW_TO}")
    try:
        import boto3
        from obstore.auth.boto3 import Boto3CredentialProvider
    except ImportError:
        raise SetupError(message=(
            f"profile '{name}' signs in with {how}, which newsgen reads through boto3: pip install boto3, "
            f"or export the keys first: eval \"$(aws configure export-credentials --profile {name} --format env)\""
        )) from None
    return Credentials(f"{source} (through boto3)", provider=Boto3CredentialProvider(boto3.Session(profile_name=name)),
                       region=region)


def _profile(name: str, environ: Mapping[str, str], home: Path) -> dict[str, str] | None:
    """The profile's settings, the credentials file's over the config file's; None if neither has it."""
    found: dict[str, str] | None = None
    for path, section in ((_config_file(environ, home), "default" if name == "default" else f"profile {name}"),
                          (_credentials_file(environ, home), name)):
        parser = configparser.RawConfigParser(default_section="\x00")
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError) as exc:  # its text may quote a secret: not shown
            raise SetupError(message=f"{path} cannot be read as an AWS settings file ({type(exc).__name__})") from None
        if parser.has_section(section):
            found = {**(found or {}), **{k: v.strip() for k, v in parser.items(section)}}
    return found


def _credentials_file(environ: Mapping[str, str], home: Path) -> Path:
    return Path(environ.get("AWS_SHARED_CREDENTIALS_FILE") or home / ".aws" / "credentials").expanduser()


def _config_file(environ: Mapping[str, str], home: Path) -> Path:
    return Path(environ.get("AWS_CONFIG_FILE") or home / ".aws" / "config").expanduser()
