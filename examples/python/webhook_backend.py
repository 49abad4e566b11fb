"""A webhook-driven backend: an HTTP server that registers itself as a webhook of the local daemon,
verifies every POST's Standard Webhooks signature (v1: HMAC-SHA256 with the secret the daemon
returned) and replies to each message the agent receives. No gRPC stream stays open: the daemon
queues and retries deliveries while the backend is down.

    MOLTMESH_SOCKET=~/.moltmesh/moltmesh.sock .venv/bin/python examples/python/webhook_backend.py [port]

Outside this repository: pip install -e <repo>/clients/python (the package is not on PyPI yet).
"""

import base64
import hashlib
import hmac
import json
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format

import moltmesh

client = moltmesh.Client()
secret = ""


def verified(headers, body: bytes) -> bool:
    """Standard Webhooks v1: base64 HMAC-SHA256 of ``id.timestamp.body`` keyed with the decoded secret."""
    msg_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "0")
    if abs(time.time() - int(timestamp)) > 300:  # replay window: 5 minutes
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    for sig in headers.get("webhook-signature", "").split(" "):
        if sig.startswith("v1,") and hmac.compare_digest(base64.b64decode(sig[3:]), expected):
            return True
    return False


class Hooks(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        if not verified(self.headers, body):
            self.send_response(401)
            self.end_headers()
            print("refused a request with a bad signature", flush=True)
            return
        self.send_response(204)  # answer fast; the work happens after
        self.end_headers()
        event = json.loads(body)
        print(f"event {event['type']}", flush=True)
        if event["type"] != "message.received" or "message" not in event["data"]:
            return
        # `data` is the daemon event in proto JSON form: parse it back into the message type.
        message = json_format.ParseDict(event["data"]["message"], moltmesh.types_pb2.Message(), ignore_unknown_fields=True)
        text = moltmesh.parts_text(message.parts)
        print(f"message from {moltmesh.sender(message)}: {text}", flush=True)
        client.messages.send(
            to=moltmesh.sender(message),
            thread_id=message.thread_id,
            reply_to=message.id,
            parts=[moltmesh.text(f"got it: {text}")],
        )

    def log_message(self, *args: object) -> None:  # keep stdout for the events
        pass


server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Hooks)
url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
created = client.webhooks.create(url=url, events=["message.received"], description="example backend (python)")
secret = created.secret
print(f"listening on {url} as webhook {created.webhook.id}", flush=True)


def shutdown(*_: object) -> None:
    # Remove the webhook so the daemon stops queueing deliveries for a backend that is gone.
    client.webhooks.delete(id=created.webhook.id)
    threading.Thread(target=server.shutdown).start()


signal.signal(signal.SIGTERM, shutdown)
signal.signal(signal.SIGINT, shutdown)
server.serve_forever()
client.close()
