"""Malformed traffic is logged and dropped; the kernel keeps serving."""

import json
import socket
import time

import psutil
import pytest
import zmq

from kernel_helpers import execute, kernel, of_type


def _raw_dealer(km):
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(f"tcp://{km.ip}:{km.shell_port}")
    return sock


def _frames(km, msg_type="kernel_info_request", content=b"{}", sign=True, key=None):
    session = km.session
    header = json.dumps({"msg_id": f"raw-{time.time()}", "session": "raw", "username": "t", "date": "2026-01-01T00:00:00.000000Z", "msg_type": msg_type, "version": "5.3"}).encode()
    parts = [header, b"{}", b"{}", content]
    sig = session.sign(parts) if sign else b""
    if key is not None:
        import hmac, hashlib
        h = hmac.new(key, digestmod=hashlib.sha256)
        for p in parts:
            h.update(p)
        sig = h.hexdigest().encode()
    return [b"<IDS|MSG>", sig, *parts]


BAD = {
    "wrong signature": lambda km: _frames(km, key=b"not the key"),
    "missing signature": lambda km: _frames(km, sign=False),
    "malformed JSON": lambda km: [b"<IDS|MSG>", b"", b"{not json", b"{}", b"{}", b"{}"],
    "wrong frame count": lambda km: [b"<IDS|MSG>", b"abc", b"{}"],
    "no delimiter": lambda km: [b"hello", b"world"],
    "signed but malformed content": lambda km: _frames(km, content=b"[1, 2"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_messages_are_dropped(case):
    with kernel() as (km, kc):
        sock = _raw_dealer(km)
        try:
            sock.send_multipart(BAD[case](km))
            # Nothing answers a bad message...
            assert sock.poll(500) == 0
        finally:
            sock.close()
        # ...and the kernel still serves.
        reply = kc.kernel_info(reply=True, timeout=10)
        assert reply["content"]["status"] == "ok"
        r, msgs = execute(kc, "1 + 1")
        assert r["status"] == "ok"


def test_correctly_signed_raw_message_is_answered():
    # The control case for the test above: the raw socket works.
    with kernel() as (km, kc):
        sock = _raw_dealer(km)
        try:
            sock.send_multipart(_frames(km))
            assert sock.poll(10000), "no reply to a well-formed raw message"
            reply = sock.recv_multipart()
            assert json.loads(reply[reply.index(b"<IDS|MSG>") + 2])["msg_type"] == "kernel_info_reply"
        finally:
            sock.close()


def test_sockets_bind_only_the_connection_file_address():
    with kernel() as (km, kc):
        pid = km.provisioner.process.pid
        ports = {km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port}
        listening = [c for c in psutil.Process(pid).net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
        bound = {c.laddr.port: c.laddr.ip for c in listening}
        assert ports <= set(bound), (ports, bound)
        assert all(bound[p] == km.ip for p in ports), bound


@pytest.mark.parametrize("scheme", ["hmac-sha512", "hmac-sha384", "hmac-sha224", "hmac-sha1", "hmac-md5"])
def test_every_signature_scheme_jupyter_client_writes(scheme):
    """jupyter_client writes "hmac-" and any hashlib name into the connection
    file; the kernel signs and checks with that hash (it exited before)."""
    import jupyter_client

    km = jupyter_client.KernelManager(kernel_name="golab")
    km.session.signature_scheme = scheme
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        reply, _ = execute(kc, "6 * 7")
        assert reply["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@pytest.mark.parametrize("tmpdir", ["missing", "a regular file"])
def test_a_kernel_starts_whatever_tmpdir_is(tmp_path, tmpdir):
    """As ipykernel (Python's tempfile): a TMPDIR that is missing or a
    regular file falls back to /tmp and the like; the kernel starts."""
    import os

    bad = tmp_path / "tmp"
    if tmpdir == "a regular file":
        bad.write_text("not a directory")
    with kernel(env=dict(os.environ, TMPDIR=str(bad))) as (km, kc):
        reply, msgs = execute(kc, 'import "os"\nf, err := os.CreateTemp("", "x")\nerr == nil && f.Close() == nil')
        assert reply["status"] == "ok", reply
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "true"
