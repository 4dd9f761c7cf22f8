"""Downloads against a real HTTP server on 127.0.0.1."""

import hashlib
import http.server
import threading
from pathlib import Path

import pytest

from motifnet.data.download import download, missing_files
from motifnet.errors import InputError

from conftest import Server

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB


@pytest.fixture
def files(server):
    """/ok serves the payload; /drop closes the connection half-way once; the rest is 404."""
    Server.files.update({"/ok": PAYLOAD, "/drop": PAYLOAD})
    Server.drop.add("/drop")
    return server


SHA = hashlib.sha256(PAYLOAD).hexdigest()


def test_success_with_checksum(files, tmp_path):
    path = download(f"{files}/ok", tmp_path / "f.bin", SHA, backoff=0.01)
    assert path.read_bytes() == PAYLOAD


def test_dropped_connection_is_resumed(files, tmp_path):
    path = download(f"{files}/drop", tmp_path / "f.bin", SHA, backoff=0.01)
    assert path.read_bytes() == PAYLOAD and Server.hits["/drop"] == 2


def test_checksum_mismatch_leaves_nothing(files, tmp_path):
    with pytest.raises(InputError, match="sha256 mismatch"):
        download(f"{files}/ok", tmp_path / "f.bin", "0" * 64, backoff=0.01)
    assert list(tmp_path.iterdir()) == []


def test_404_names_url_and_path(files, tmp_path):
    with pytest.raises(InputError, match="HTTP 404") as error:
        download(f"{files}/missing", tmp_path / "f.bin", backoff=0.01)
    assert str(tmp_path / "f.bin") in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_offline_mode_never_connects(tmp_path):
    with pytest.raises(InputError, match="offline") as error:
        download("http://127.0.0.1:9/never", tmp_path / "f.bin", offline=True)
    assert "place it at" in str(error.value)


def test_unreachable_host_gives_manual_instructions(tmp_path):
    with pytest.raises(InputError, match="failed after 2 attempts") as error:
        download("http://127.0.0.1:9/x", Path(tmp_path) / "f.bin", retries=1, backoff=0.01,
                 timeout=2)
    assert "by hand" in str(error.value)


class NoRangeHandler(http.server.BaseHTTPRequestHandler):
    """Ignores Range (always the whole file, 200) and drops the first connection."""

    drops = 0

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(PAYLOAD)))
        self.end_headers()
        if NoRangeHandler.drops == 0:
            NoRangeHandler.drops += 1
            self.wfile.write(PAYLOAD[: len(PAYLOAD) // 3])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(PAYLOAD)


def test_server_without_range_support_restarts_cleanly(tmp_path):
    NoRangeHandler.drops = 0
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NoRangeHandler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/f"
        path = download(url, tmp_path / "f.bin", SHA, backoff=0.01)
    finally:
        httpd.shutdown()
    assert path.read_bytes() == PAYLOAD and NoRangeHandler.drops == 1


def test_checksum_is_written_beside_and_logged_when_unpinned(files, tmp_path, caplog):
    with caplog.at_level("WARNING"):
        path = download(f"{files}/ok", tmp_path / "f.bin", backoff=0.01)
    assert (tmp_path / "f.bin.sha256").read_text() == f"{SHA}  f.bin\n"
    assert SHA in caplog.text and "pin it" in caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.bin", "f.bin.sha256"]
    assert path.read_bytes() == PAYLOAD


def test_cached_file_is_verified_and_replaced_when_corrupt(files, tmp_path):
    (tmp_path / "f.bin").write_bytes(b"stale")
    with pytest.raises(InputError, match="sha256 mismatch"):
        download(f"{files}/ok", tmp_path / "f.bin", SHA, offline=True)
    (tmp_path / "f.bin").write_bytes(b"stale")
    path = download(f"{files}/ok", tmp_path / "f.bin", SHA, backoff=0.01)
    assert path.read_bytes() == PAYLOAD


def test_missing_files_lists_every_url_and_path(tmp_path):
    (tmp_path / "here").write_text("x")
    error = missing_files([("http://h/a", tmp_path / "a"), ("http://h/here", tmp_path / "here"),
                           ("http://h/b", tmp_path / "sub" / "b")])
    assert "2 file(s) missing" in str(error)
    assert f"http://h/a\n    -> {tmp_path / 'a'}" in str(error)
    assert "http://h/here" not in str(error)
    assert missing_files([("http://h/here", tmp_path / "here")]) is None
