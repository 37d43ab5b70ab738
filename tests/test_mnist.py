"""The MNIST reader and downloader (nnlit/mnist.py, from docs/mnist.md).

Downloads are tested against an HTTP server on 127.0.0.1 only, never the internet.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import os
import socket
import stat
import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from nnlit import mnist
from nnlit.errors import NnlitError

RNG = np.random.default_rng(0)
IMAGES = RNG.integers(0, 256, (5, 28, 28), dtype=np.uint8)
LABELS = np.array([3, 1, 4, 1, 5], dtype=np.uint8)


# --- the IDX format ---------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize(
    "array", [IMAGES, LABELS, np.zeros((2, 3), np.uint8)], ids=["images", "labels", "2d"]
)
def test_idx_round_trip(tmp_path: Path, suffix: str, array: np.ndarray) -> None:
    path = tmp_path / f"data{suffix}"
    mnist.write_idx(path, array)
    back = mnist.read_idx(path)
    assert back.dtype == np.uint8
    assert np.array_equal(back, array)


def test_the_header_is_big_endian_with_the_published_magic_numbers() -> None:
    images, labels = mnist.idx_bytes(IMAGES), mnist.idx_bytes(LABELS)
    assert struct.unpack(">IIII", images[:16]) == (2051, 5, 28, 28)
    assert struct.unpack(">II", labels[:8]) == (2049, 5)
    assert labels[8:] == LABELS.tobytes()


def test_gzip_is_detected_by_its_magic_bytes_not_the_name(tmp_path: Path) -> None:
    misnamed = tmp_path / "labels-idx1-ubyte"  # no .gz, but gzip inside
    misnamed.write_bytes(gzip.compress(mnist.idx_bytes(LABELS)))
    assert np.array_equal(mnist.read_idx(misnamed), LABELS)


def test_wrong_magic_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.idx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(NnlitError, match=r"photo\.idx is not an IDX file.*magic number"):
        mnist.read_idx(path)


@pytest.mark.parametrize(
    "keep", [2, 10, 16 + 28 * 28 * 5 - 1], ids=["no-magic", "inside-header", "one-byte-short"]
)
def test_truncated_file_names_the_file(tmp_path: Path, keep: int) -> None:
    path = tmp_path / "cut-images"
    path.write_bytes(mnist.idx_bytes(IMAGES)[:keep])
    with pytest.raises(NnlitError, match=r"cut-images (is too short|is truncated)"):
        mnist.read_idx(path)


def test_trailing_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "long-labels"
    path.write_bytes(mnist.idx_bytes(LABELS) + b"\x00")
    with pytest.raises(NnlitError, match="long-labels has trailing bytes"):
        mnist.read_idx(path)


def test_damaged_gzip_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.gz"
    path.write_bytes(gzip.compress(mnist.idx_bytes(IMAGES))[:200])
    with pytest.raises(NnlitError, match=r"broken\.gz is a damaged gzip file"):
        mnist.read_idx(path)


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(NnlitError, match="nowhere.gz cannot be read"):
        mnist.read_idx(tmp_path / "nowhere.gz")


def test_counts_that_disagree_name_both_files() -> None:
    with pytest.raises(NnlitError, match="a.idx holds 5 images but b.idx holds 4 labels"):
        mnist.checked_pair(IMAGES, LABELS[:4], "a.idx", "b.idx")


def test_swapped_files_and_impossible_labels_are_refused() -> None:
    with pytest.raises(NnlitError, match="not 28x28 images"):
        mnist.checked_pair(LABELS, LABELS, "labels-as-images", "b")
    with pytest.raises(NnlitError, match="label 12"):
        mnist.checked_pair(IMAGES, np.array([0, 1, 2, 3, 12], np.uint8), "a", "bad-labels")


def test_writing_a_non_byte_array_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NnlitError, match="uint8"):
        mnist.write_idx(tmp_path / "x", np.zeros(3))


# --- the embedded subset --------------------------------------------------------------


def test_embedded_subset_matches_its_published_checksums() -> None:
    readme = (Path(mnist.__file__).parent / "data" / "README.md").read_text(encoding="utf-8")
    for file in (*mnist.EMBEDDED["mnist-10k"], *mnist.EMBEDDED["test"]):
        data = gzip.decompress((Path(mnist.__file__).parent / "data" / file).read_bytes())
        assert f"| {file} |" in readme
        assert hashlib.sha256(data).hexdigest() in readme


def test_embedded_test_set_is_the_full_published_one() -> None:
    """The independent records of the full files' SHA-256 agree with our test set here."""
    data = gzip.decompress(
        (Path(mnist.__file__).parent / "data" / "t10k-images-idx3-ubyte.gz").read_bytes()
    )
    assert (
        hashlib.sha256(data).hexdigest()
        == "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
    )


def test_load_mnist_10k() -> None:
    train_images, train_labels, test_images, test_labels = mnist.load_mnist("mnist-10k")
    assert train_images.shape == (10_000, 28, 28) and train_labels.shape == (10_000,)
    assert test_images.shape == (10_000, 28, 28) and test_labels.shape == (10_000,)
    assert train_labels[:10].tolist() == [
        5,
        0,
        4,
        1,
        9,
        2,
        1,
        3,
        1,
        4,
    ]  # MNIST's well-known first digits


def test_unknown_data_set_name() -> None:
    with pytest.raises(NnlitError, match="no data set called 'mnist-5k'"):
        mnist.load_mnist("mnist-5k")


def test_scaling_and_targets() -> None:
    x = mnist.scale_pixels(np.array([[[0, 255], [51, 102]]], np.uint8))
    assert x.shape == (1, 4) and x.dtype == np.float64
    assert np.allclose(x, [[0.01, 1.0, 0.01 + 0.99 * 0.2, 0.01 + 0.99 * 0.4]])
    t = mnist.one_hot_targets(np.array([2, 0]), n=3)
    assert np.array_equal(t, [[0.01, 0.01, 0.99], [0.99, 0.01, 0.01]])


# --- the downloader, against a server on 127.0.0.1 ----------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    cut: set[str] = set()  # paths whose transfer stops halfway

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path in self.cut:
            self.wfile.write(body[: len(body) // 2])  # fewer bytes than announced, then close
            self.wfile.flush()
            self.close_connection = True
            return
        try:
            self.wfile.write(body)
        except ConnectionError:  # the client stopped reading, as a refused download does
            self.close_connection = True

    def log_message(self, *args: object) -> None:
        """Quiet: the tests' output is not the place for an access log."""


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[type[_Handler]]:
    handler = type("Handler", (_Handler,), {"files": {}, "cut": set()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setenv("NNLIT_MNIST_MIRROR", f"http://127.0.0.1:{httpd.server_address[1]}/")
    monkeypatch.setenv("NNLIT_CACHE", str(tmp_path / "cache"))
    try:
        yield handler
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _published(array: np.ndarray) -> tuple[bytes, int, str]:
    """A file as a mirror serves it (gzip) and as the code knows it (size, SHA-256)."""
    raw = mnist.idx_bytes(array)
    return gzip.compress(raw), len(raw), hashlib.sha256(raw).hexdigest()


def _cache_files() -> list[Path]:
    folder = mnist.cache_dir()
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_download_success_is_verified_and_cached(server: type[_Handler]) -> None:
    served, size, sha = _published(IMAGES)
    server.files["/imgs.gz"] = served
    path = mnist.download("imgs", size, sha)
    assert path == mnist.cache_dir() / "mnist" / "imgs"
    assert np.array_equal(mnist.read_idx(path), IMAGES)
    assert _cache_files() == [path]  # no temporary file left beside it
    server.files.clear()  # the second time, the cache answers
    assert mnist.download("imgs", size, sha) == path


def test_load_full_mnist_through_the_mirror(
    server: type[_Handler], monkeypatch: pytest.MonkeyPatch
) -> None:
    published = {}
    for name, array in (("train-images-idx3-ubyte", IMAGES), ("train-labels-idx1-ubyte", LABELS)):
        served, size, sha = _published(array)
        server.files[f"/{name}.gz"] = served
        published[name] = (size, sha)
    monkeypatch.setattr(mnist, "FULL_TRAINING_SET", published)
    train_images, train_labels, test_images, _ = mnist.load_mnist("mnist")
    assert np.array_equal(train_images, IMAGES) and np.array_equal(train_labels, LABELS)
    assert test_images.shape == (10_000, 28, 28)


def test_checksum_mismatch_discards_the_download(server: type[_Handler]) -> None:
    served, size, sha = _published(IMAGES)
    server.files["/imgs.gz"] = served
    wrong = "0" * 64
    with pytest.raises(
        NnlitError, match=r"imgs could not be downloaded \(.*has SHA-256 .*not the published 0000"
    ):
        mnist.download("imgs", size, wrong)
    assert _cache_files() == []


def test_wrong_size_discards_the_download(server: type[_Handler]) -> None:
    served, size, sha = _published(IMAGES)
    server.files["/imgs.gz"] = served
    with pytest.raises(NnlitError, match=r"holds \d+ bytes, not the published"):
        mnist.download("imgs", size + 1, sha)
    assert _cache_files() == []


def test_cut_transfer_leaves_no_partial_file(server: type[_Handler]) -> None:
    served, size, sha = _published(IMAGES)
    server.files["/imgs.gz"] = served
    server.cut.add("/imgs.gz")
    with pytest.raises(
        NnlitError,
        match=r"imgs could not be downloaded \(the transfer of .* was cut: \d+ of \d+ bytes",
    ):
        mnist.download("imgs", size, sha)
    assert _cache_files() == []


def test_missing_on_the_mirror(server: type[_Handler]) -> None:
    with pytest.raises(NnlitError, match="HTTP 404"):
        mnist.download("imgs", 10, "0" * 64)
    assert _cache_files() == []


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_server_down_says_what_to_download_and_where(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NNLIT_MNIST_MIRROR", f"http://127.0.0.1:{_closed_port()}/")
    monkeypatch.setenv("NNLIT_CACHE", str(tmp_path / "cache"))
    with pytest.raises(NnlitError) as caught:
        mnist.download(
            "train-images-idx3-ubyte", *mnist.FULL_TRAINING_SET["train-images-idx3-ubyte"]
        )
    message = str(caught.value)
    assert "cannot be reached" in message
    assert "/train-images-idx3-ubyte.gz yourself" in message
    assert str(tmp_path / "cache" / "mnist" / "train-images-idx3-ubyte") in message
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence
    assert _cache_files() == []


def test_the_next_mirror_is_tried(server: type[_Handler], monkeypatch: pytest.MonkeyPatch) -> None:
    served, size, sha = _published(LABELS)
    server.files["/labels.gz"] = served
    working = mnist.mirrors()[0]
    monkeypatch.setenv("NNLIT_MNIST_MIRROR", f"http://127.0.0.1:{_closed_port()}/ {working}")
    assert np.array_equal(mnist.read_idx(mnist.download("labels", size, sha)), LABELS)


def test_a_file_placed_by_hand_is_verified_and_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NNLIT_MNIST_MIRROR", f"http://127.0.0.1:{_closed_port()}/")
    monkeypatch.setenv("NNLIT_CACHE", str(tmp_path))
    served, size, sha = _published(LABELS)
    (tmp_path / "mnist").mkdir()
    (tmp_path / "mnist" / "labels.gz").write_bytes(served)  # as downloaded by a browser
    path = mnist.download("labels", size, sha)
    assert np.array_equal(mnist.read_idx(path), LABELS)


def test_a_corrupt_cached_file_is_moved_aside_and_fetched_again(server: type[_Handler]) -> None:
    served, size, sha = _published(LABELS)
    server.files["/labels.gz"] = served
    cached = mnist.cache_dir() / "mnist" / "labels"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"\x00" * size)
    assert np.array_equal(mnist.read_idx(mnist.download("labels", size, sha)), LABELS)
    assert cached.with_name("labels.bad-sha256").read_bytes() == b"\x00" * size


# --- writing files, and what the cache keeps -------------------------------------------


def test_write_atomically_follows_the_umask_and_keeps_a_files_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        path = tmp_path / "new.bin"
        mnist.write_atomically(path, b"one")
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
        path.chmod(0o664)
        mnist.write_atomically(path, b"two")
        assert stat.S_IMODE(path.stat().st_mode) == 0o664 and path.read_bytes() == b"two"
    finally:
        os.umask(old)


def test_write_atomically_makes_no_folder_and_replaces_no_folder(tmp_path: Path) -> None:
    with pytest.raises(NnlitError, match=r"^cannot write .*x.png: the folder .*missing does not exist\.$"):
        mnist.write_atomically(tmp_path / "missing" / "x.png", b"png")
    assert not (tmp_path / "missing").exists()
    (tmp_path / "folder").mkdir()
    with pytest.raises(NnlitError, match=r"^cannot write .*folder: it is a folder, not a file\.$"):
        mnist.write_atomically(tmp_path / "folder", b"png")
    assert list(tmp_path.iterdir()) == [tmp_path / "folder"]


@pytest.mark.parametrize("name", ["labels", "labels.gz"])
def test_a_bad_cached_file_is_moved_aside_and_the_message_says_where(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    monkeypatch.setenv("NNLIT_MNIST_MIRROR", f"http://127.0.0.1:{_closed_port()}/")
    monkeypatch.setenv("NNLIT_CACHE", str(tmp_path))
    served, size, sha = _published(LABELS)
    folder = tmp_path / "mnist"
    folder.mkdir()
    mine = gzip.compress(b"\x00" * size) if name.endswith(".gz") else b"\x00" * size
    for attempt in range(2):
        (folder / name).write_bytes(mine)
        with pytest.raises(NnlitError) as caught:
            mnist.download("labels", size, sha)
        aside = folder / f"{name}.bad-sha256{'.1' if attempt else ''}"
        assert aside.read_bytes() == mine  # kept, under a name that says why, the earlier one too
        assert f"{folder / name} did not verify (wrong SHA-256), so it was moved to {aside}" in str(caught.value)
    assert sorted(p.name for p in folder.iterdir()) == [f"{name}.bad-sha256", f"{name}.bad-sha256.1"]


def test_a_bad_cached_file_is_kept_when_the_download_then_works(
    server: type[_Handler], capsys: pytest.CaptureFixture[str]
) -> None:
    served, size, sha = _published(LABELS)
    server.files["/labels.gz"] = served
    folder = mnist.cache_dir() / "mnist"
    folder.mkdir(parents=True)
    (folder / "labels").write_bytes(b"\x00" * (size - 1))
    assert np.array_equal(mnist.read_idx(mnist.download("labels", size, sha)), LABELS)
    assert (folder / "labels.bad-size").read_bytes() == b"\x00" * (size - 1)
    assert f"moved to {folder / 'labels.bad-size'}" in capsys.readouterr().err


def test_a_cache_that_is_a_file_is_one_sentence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("not a folder")
    monkeypatch.setenv("NNLIT_CACHE", str(tmp_path / "cache"))
    with pytest.raises(NnlitError, match=r"^the cache folder .*cache/mnist cannot be made \(.*\); set NNLIT_CACHE"):
        mnist.download("labels", 10, "0" * 64)
    assert (tmp_path / "cache").read_text() == "not a folder"


def _bomb(header: bytes, zeros: int) -> bytes:
    """A small gzip file that unpacks to `header` and then `zeros` zero bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunks = [packer.compress(header)]
    block = bytes(1 << 20)
    for _ in range(zeros >> 20):
        chunks.append(packer.compress(block))
    chunks.append(packer.flush())
    return b"".join(chunks)


def test_a_gzip_bomb_is_refused_without_unpacking_it(tmp_path: Path) -> None:
    path = tmp_path / "bomb-labels-idx1-ubyte.gz"
    path.write_bytes(_bomb(struct.pack(">II", 2049, 5), 400 << 20))  # 5 labels promised, 400 MB inside
    assert path.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        with pytest.raises(NnlitError, match=r"bomb-labels-idx1-ubyte.gz unpacks to more than the 13 bytes"):
            mnist.read_idx(path)
        assert tracemalloc.get_traced_memory()[1] < 16 << 20
    finally:
        tracemalloc.stop()


def test_a_file_too_large_to_be_mnist_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge-idx"
    with path.open("wb") as stream:
        stream.truncate(mnist.MAX_IDX_BYTES + 1)  # sparse: no disk space used
    with pytest.raises(NnlitError, match=r"huge-idx is larger than the \d+ bytes an MNIST file can need"):
        mnist.read_idx(path)


def test_a_header_promising_too_much_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.gz"
    path.write_bytes(gzip.compress(struct.pack(">IIII", 2051, 10**9, 28, 28)))
    with pytest.raises(NnlitError, match=r"huge.gz promises .* bytes, more than the .* an MNIST file"):
        mnist.read_idx(path)


class _Trickle(http.server.BaseHTTPRequestHandler):
    """Announces 1000 bytes, then sends one byte every tenth of a second."""

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        try:
            for _ in range(1000):
                self.wfile.write(b"\x1f")
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:  # the client gave up, as it should
            pass

    def log_message(self, *args: object) -> None:
        """Quiet."""


def test_a_server_that_trickles_is_given_up_after_the_time_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setenv("NNLIT_MNIST_MIRROR", f"http://127.0.0.1:{httpd.server_address[1]}/")
    monkeypatch.setenv("NNLIT_CACHE", str(tmp_path))
    start = time.monotonic()
    try:
        with pytest.raises(NnlitError, match=r"took longer than 1 s"):
            mnist.download("labels", 1000, "0" * 64, time_limit=1.0)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert time.monotonic() - start < 5


def test_a_download_larger_than_the_file_can_be_is_refused(server: type[_Handler]) -> None:
    served, size, sha = _published(LABELS)
    server.files["/labels.gz"] = served + bytes(1 << 20)
    with pytest.raises(NnlitError, match=r"labels.gz is \d+ bytes long, more than labels.gz can be \(4109 at most\)"):
        mnist.download("labels", size, sha)
    assert _cache_files() == []
