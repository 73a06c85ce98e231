"""HTTP for the remote store: one request with a timeout, errors mapped to the statuses nckg answers with.

A 400 from the store is `_Rejected` (the caller decides: a rejected query or a refused update); any other error
status is `RemoteStoreError` (HTTP 502 for the server's clients), no connection `RemoteStoreUnreachable` (503), no
answer in time `RemoteStoreTimeout` (504). Writes may carry credentials (`Credentials.from_environment`: the
variables NCKG_UPLOAD_USER and NCKG_UPLOAD_PASSWORD, never a command-line argument), sent by HTTP Basic or Digest
authentication as the endpoint asks (Virtuoso's /sparql-auth and /sparql-graph-crud-auth use Digest, a proxy in
front of the Oxigraph server usually Basic).
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass


class RemoteStoreError(OSError):
    """The remote store answered with an error other than a rejected query (HTTP 502 for the server's clients)."""

    status = 502


class RemoteStoreUnreachable(RemoteStoreError):
    """The remote store could not be reached (HTTP 503)."""

    status = 503


class RemoteStoreTimeout(RemoteStoreError):
    """The remote store did not answer within the timeout (HTTP 504)."""

    status = 504


class _Rejected(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Credentials:
    """A user name and password for the write endpoints."""

    user: str
    password: str

    def __repr__(self) -> str:  # never print the password
        return f"Credentials(user={self.user!r}, password=***)"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Credentials | None:
        env = os.environ if environ is None else environ
        user, password = env.get("NCKG_UPLOAD_USER"), env.get("NCKG_UPLOAD_PASSWORD")
        return cls(user, password or "") if user else None


_TAG = re.compile(r"<[^>]*>")


def gist(body: str, limit: int = 300) -> str:
    """An error body on one line: markup dropped, whitespace folded, at most `limit` characters."""
    text = " ".join(_TAG.sub(" ", body).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _opener(url: str, credentials: Credentials | None):
    if credentials is None:
        return urllib.request.urlopen
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, url, credentials.user, credentials.password)
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager),
                                       urllib.request.HTTPBasicAuthHandler(manager)).open


def send(request: urllib.request.Request, timeout: float,
         credentials: Credentials | None = None) -> tuple[bytes, str, str]:
    """(body, Content-Type, Server header) of the answer; raises as the module docstring says."""
    where = request.full_url.split("?")[0]
    try:
        with _opener(request.full_url, credentials)(request, timeout=timeout) as response:
            return response.read(), response.headers.get("Content-Type", ""), response.headers.get("Server", "")
    except urllib.error.HTTPError as error:
        message = error.read().decode("utf-8", "replace").strip()[:2000]
        if error.code == 400:
            raise _Rejected(message or "the remote store rejected the query") from None
        if error.code in (401, 403):
            message = (f"{message} (write endpoints need NCKG_UPLOAD_USER and NCKG_UPLOAD_PASSWORD)"
                       if request.get_method() != "GET" else message)
        raise RemoteStoreError(f"{request.get_method()} {where}: HTTP {error.code} {gist(message)}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, (TimeoutError, socket.timeout)):
            raise RemoteStoreTimeout(f"the remote store at {where} did not answer within {timeout:g} s") from None
        raise RemoteStoreUnreachable(f"the remote store at {where} is unreachable: {error.reason}") from None
    except (TimeoutError, socket.timeout):
        raise RemoteStoreTimeout(f"the remote store at {where} did not answer within {timeout:g} s") from None
    except (ConnectionError, http.client.HTTPException) as error:
        raise RemoteStoreError(f"the remote store at {where} broke off its answer: {error}") from None


def request(method: str, url: str, timeout: float, data: bytes | None = None, content_type: str | None = None,
            accept: str | None = None, credentials: Credentials | None = None) -> tuple[bytes, str, str]:
    """One HTTP request (see `send`)."""
    headers = {"Content-Type": content_type} if content_type else {}
    if accept:
        headers["Accept"] = accept
    return send(urllib.request.Request(url, data=data, method=method, headers=headers), timeout, credentials)
