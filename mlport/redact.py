"""Credentials out of what mlport prints or writes: a URL's user:password@ and its secret query."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

# scheme://userinfo@ anywhere in a text; the userinfo stops at the first character no URL
# userinfo holds unescaped.
URL_USERINFO = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<userinfo>[^\s/?#@'\"<>]+)@", re.I)
# ?token=... &password=...: query parameters named like a credential.
SECRET_QUERY = re.compile(
    r"(?P<name>[?&;][\w.-]*(?:token|key|secret|password|passwd|pwd|sig|signature|credential|auth)"
    r"[\w.-]*=)(?P<value>[^\s&#;'\"<>]+)",
    re.I,
)
# Schemes whose user name alone is no secret (ssh://git@host); elsewhere it can be a token.
PLAIN_USER_SCHEMES = ("ssh", "git+ssh", "ssh+git", "sftp")
HIDDEN = "***"


def _userinfo(match: re.Match[str]) -> str:
    scheme, userinfo = match.group("scheme"), match.group("userinfo")
    if ":" not in userinfo and scheme[:-3].lower() in PLAIN_USER_SCHEMES:
        return match.group(0)
    return f"{scheme}{HIDDEN}@"


def redact(text: str, *, hide: tuple[str, ...] = ()) -> str:
    """`text` with every credential in a URL, and each string in `hide`, shown as ***."""
    for secret in hide:
        if secret:
            text = text.replace(secret, HIDDEN)
    text = URL_USERINFO.sub(_userinfo, text)
    return SECRET_QUERY.sub(lambda match: match.group("name") + HIDDEN, text)


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """(the URL without user and password, the user, the password) of a scheme:// URL."""
    parts = urlsplit(url)
    if not parts.scheme or "@" not in parts.netloc:
        return url, None, None
    host = parts.netloc.rpartition("@")[2]
    bare = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    user, password = parts.username, parts.password
    return bare, unquote(user) if user else user, unquote(password) if password else password
