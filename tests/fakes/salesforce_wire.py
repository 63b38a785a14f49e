"""The Salesforce stand-in's wire (tests/fakes/salesforce.py): the requests it records, the answers and
scripted failures it sends, the HTTPS handler with its self-signed certificate, and the SOAP login's
XML and Salesforce's JSON error lists.
"""

from __future__ import annotations

import html
import ipaddress
import json
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

Json = Any


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request the stand-in received, and the status it answered."""

    method: str
    path: str
    query: dict[str, str]
    body: str
    headers: dict[str, str]
    status: int
    at: float  # time.monotonic()

    @property
    def soql(self) -> list[str]:
        """The SOQL this request carried: its q parameter, or those of its composite subrequests."""
        if "q" in self.query:
            return [self.query["q"]]
        if self.path.endswith("/composite") and self.body:
            urls = [sub.get("url", "") for sub in json.loads(self.body).get("compositeRequest", [])]
            return [q for url in urls for q in parse_qs(urlsplit(url).query).get("q", [])]
        return []


@dataclass(slots=True)
class Script:
    kind: str  # "fail", "hang" or "malformed"
    remaining: int
    status: int = 500
    body: Json = None
    retry_after: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    payload: Json = None
    raw: bytes | None = None
    content_type: str = "application/json;charset=UTF-8"
    retry_after: str | None = None
    usage: str | None = None

    def encoded(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return json.dumps(self.payload, default=json_default).encode()


def handler_for(
    respond: Callable[[str, str, str, dict[str, str]], Answer | None],
) -> type[BaseHTTPRequestHandler]:
    """An HTTPS handler passing each request to `respond(method, target, body, headers)`."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as Salesforce does: one TLS handshake per client
        timeout = 10  # an idle keep-alive connection is closed after this long

        def handle(self) -> None:
            try:
                self.request.do_handshake()
                super().handle()
            except (ssl.SSLError, ConnectionError, TimeoutError):
                # A client that distrusts the certificate, or went away mid-request (timeouts).
                self.close_connection = True

        def log_message(self, *_args: Any) -> None:  # keep test output quiet
            return

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

        def _answer(self, method: str) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
            answer = respond(method, self.path, raw, dict(self.headers.items()))
            if answer is None:
                self.close_connection = True
                return
            data = answer.encoded()
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(data)))
            if answer.retry_after is not None:
                self.send_header("Retry-After", answer.retry_after)
            if answer.usage is not None:
                self.send_header("Sforce-Limit-Info", answer.usage)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def errors(code: str, message: str) -> list[dict[str, str]]:
    return [{"message": message, "errorCode": code}]


def json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON serialisable: {value!r}")


def xml_value(body: str, tag: str) -> str | None:
    match = re.search(rf"<(?:\w+:)?{tag}>(.*?)</(?:\w+:)?{tag}>", body, re.DOTALL)
    if match is None:
        return None
    return html.unescape(match.group(1))


def login_response(origin: str, session_id: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<soapenv:Body><loginResponse><result>"
        f"<metadataServerUrl>{origin}/services/Soap/m/62.0/00DSTANDIN</metadataServerUrl>"
        "<passwordExpired>false</passwordExpired><sandbox>false</sandbox>"
        f"<serverUrl>{origin}/services/Soap/u/62.0/00DSTANDIN</serverUrl>"
        f"<sessionId>{escape(session_id)}</sessionId><userId>005STANDIN</userId>"
        "</result></loginResponse></soapenv:Body></soapenv:Envelope>"
    )


def login_fault() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode>"
        "<faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out."
        '</faultstring><detail><sf:LoginFault xsi:type="sf:LoginFault">'
        "<sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode>"
        "<sf:exceptionMessage>Invalid username, password, security token; or user locked out."
        "</sf:exceptionMessage></sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 that is its own CA; returns (certificate, key) paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "salesforce-standin")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "standin-cert.pem", directory / "standin-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path
