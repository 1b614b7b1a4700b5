"""The HTTP server's own refusals, as problem documents.

uvicorn answers a request its HTTP parser refuses (a request line or headers past the
parser's limit, bytes that are not HTTP) with a bare ``text/plain`` 400 before the app
sees it. :class:`ProblemHttpProtocol` answers the same requests with an RFC 9457 problem:
414 for a URL past the limit (POST the query instead), 400 for the rest.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from service.problems import PROBLEM_JSON, problem

LONG_URL = 8 * 1024
"""A refused request whose URL got this far is taken as refused for its length."""


class ProblemHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering parser errors with problem documents."""

    def send_400_response(self, msg: str) -> None:
        if len(getattr(self, "url", b"")) >= LONG_URL:
            status, slug = 414, "uri-too-long"
            detail = "the request line is too long for this server; POST the query instead"
        else:
            status, slug = 400, "bad-request"
            detail = f"the HTTP request could not be read: {msg}"
        body = bytes(problem(status, slug, detail).body)
        content = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: " + PROBLEM_JSON.encode() + b"\r\n",
                b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                b"x-content-type-options: nosniff\r\n",
                b"connection: close\r\n",
                b"\r\n",
                body,
            ]
        )
        self.transport.write(b"".join(content))
        self.transport.close()


SHUTDOWN_SECONDS = 3
"""On SIGTERM, how long requests in flight may take before they are cancelled (the SPARQL
workers are killed then, whatever they run)."""


def server_options() -> dict[str, object]:
    """The uvicorn options every skillgraph server runs with (``skillgraph serve`` and the
    tests' real servers alike)."""
    return {"http": ProblemHttpProtocol, "timeout_graceful_shutdown": SHUTDOWN_SECONDS}
