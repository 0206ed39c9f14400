#!/usr/bin/env python3
"""A Standard Webhooks peer built on the reference library `standardwebhooks` (PyPI).

serve: a webhook receiver that verifies every POST with the reference library, answers 204 or 401,
       and appends one JSON line per request to a log file.
send:  signs webhook.test envelopes with the reference library and POSTs them to a service's /events:
       a good one, a tampered one, a stale one and an unsigned one; prints the status codes as JSON.
"""
import argparse
import json
import sys
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def serve(port: int, secret: str, log_path: str) -> None:
    webhook = Webhook(secret)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                payload = webhook.verify(body.decode(), headers)
                outcome = {"verified": True, "id": headers.get("webhook-id"), "type": payload.get("type")}
                status = 204
            except WebhookVerificationError as error:
                outcome = {"verified": False, "error": str(error)}
                status = 401
            with open(log_path, "a") as log:
                log.write(json.dumps(outcome) + "\n")
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def envelope(source: str) -> str:
    event_id = "msg_" + uuid.uuid4().hex
    return event_id, json.dumps({
        "id": event_id, "type": "webhook.test", "version": 1,
        "occurredAt": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "source": source, "aggregate": "test:interop-" + event_id, "sequence": 1,
        "data": {"aggregate": "test:interop-" + event_id, "note": "signed by the reference library"},
    })


def post(url: str, body: str, headers: dict) -> int:
    request = urllib.request.Request(url, data=body.encode(), method="POST", headers={"content-type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def send(url: str, secret: str, source: str) -> None:
    webhook = Webhook(secret)
    results = {}
    now = datetime.now(timezone.utc)

    event_id, body = envelope(source)
    signature = webhook.sign(event_id, now, body)
    headers = {"webhook-id": event_id, "webhook-timestamp": str(int(now.timestamp())), "webhook-signature": signature}
    results["good"] = post(url, body, headers)
    results["redelivered"] = post(url, body, headers)
    results["tampered"] = post(url, body.replace("reference library", "someone else"), headers)

    event_id, body = envelope(source)
    stale = now - timedelta(minutes=6)
    results["stale"] = post(url, body, {"webhook-id": event_id, "webhook-timestamp": str(int(stale.timestamp())),
                                        "webhook-signature": webhook.sign(event_id, stale, body)})
    results["unsigned"] = post(url, body, {"webhook-id": event_id, "webhook-timestamp": str(int(now.timestamp()))})
    print(json.dumps(results))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["serve", "send"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--url")
    parser.add_argument("--secret", required=True)
    parser.add_argument("--log")
    parser.add_argument("--source", default="interop")
    args = parser.parse_args()
    if args.mode == "serve":
        serve(args.port, args.secret, args.log)
    else:
        send(args.url, args.secret, args.source)
    sys.exit(0)
