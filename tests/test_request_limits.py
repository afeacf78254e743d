"""The request body is capped for every request (REQUEST_MAX_BYTES): a body
declared larger is refused with 413 before a byte of it is read, so nothing
is parsed or written to disk; a chunked body is refused as soon as it passes
the cap; on /api/ the answer is in the one error shape."""

import io
import json

import pytest

from tests.conftest import error_of
from tests.factories import PASSWORD

THREE_HUNDRED_MB = 300 * 1024 * 1024


class Untouchable(io.RawIOBase):
    """A request body that counts what is read of it."""

    def __init__(self, size: int) -> None:
        self.size, self.read_so_far = size, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.size - self.read_so_far if n is None or n < 0 else min(n, self.size - self.read_so_far)
        self.read_so_far += n
        return b"x" * n

    def readline(self, size: int = -1) -> bytes:
        return self.read(size if size and size > 0 else 65536)


def test_an_anonymous_300_mb_upload_is_refused_before_it_is_read(client, db, tmp_path, settings):
    body = Untouchable(THREE_HUNDRED_MB)
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    response = client.generic(
        "POST",
        "/verify/000.01.00.H01-260112-0001/",
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(THREE_HUNDRED_MB),
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    assert "larger than 25 MB" in response.content.decode()
    assert body.read_so_far == 0 and not list(tmp_path.iterdir())


def test_an_api_request_over_the_cap_answers_413_in_the_error_shape(api, lan):
    body = Untouchable(THREE_HUNDRED_MB)
    response = api.as_(lan).generic(
        "POST",
        "/api/v1/dossiers/",
        b"",
        content_type="application/json",
        CONTENT_LENGTH=str(THREE_HUNDRED_MB),
        **{"wsgi.input": body},
    )
    assert response.status_code == 413 and body.read_so_far == 0
    error = error_of(response)
    assert error["code"] == "too_large" and "25 MB" in error["message"]


def test_the_cap_follows_the_setting(client, db, settings):
    settings.REQUEST_MAX_BYTES = 1000
    assert client.post("/accounts/login/", {"username": "x" * 2000, "password": "y"}).status_code == 413
    assert client.post("/accounts/login/", {"username": "x" * 100, "password": "y"}).status_code == 200


def chunked(size: int) -> dict:
    """What gunicorn hands over for a chunked body: no length, and the mark
    that the stream ends where the body does."""
    return {
        "CONTENT_LENGTH": "",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input_terminated": True,
        "wsgi.input": Untouchable(size),
    }


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_cap(api, db, settings):
    settings.REQUEST_MAX_BYTES = 200_000
    environ = chunked(THREE_HUNDRED_MB)
    response = api.generic("POST", "/api/v1/auth/token/", b"", content_type="application/json", **environ)
    assert response.status_code == 413 and error_of(response)["code"] == "too_large"
    # Read up to the cap and one chunk more, not the 300 MB.
    assert environ["wsgi.input"].read_so_far <= 200_000 + 64 * 1024


def test_a_chunked_body_within_the_cap_reaches_the_endpoint(api, lan):
    lan.set_password(PASSWORD)
    lan.save()
    content = json.dumps({"username": "lan", "password": PASSWORD}).encode()
    environ = {**chunked(0), "wsgi.input": io.BytesIO(content)}
    response = api.generic("POST", "/api/v1/auth/token/", b"", content_type="application/json", **environ)
    assert response.status_code == 201 and response.json()["token"]


@pytest.mark.parametrize("declared", ["", "abc"])
def test_a_missing_or_unreadable_length_is_left_to_django(client, db, declared):
    # Django reads no body then: nothing to cap, and the page answers as usual.
    response = client.generic("POST", "/accounts/login/", b"", CONTENT_LENGTH=declared)
    assert response.status_code == 200
