#!/usr/bin/env python3
"""The helpers of tools/bench/xmpp/compare.sh (Python's standard library only).

  register-http URL PREFIX PASSWORD_PREFIX COUNT
      registers PREFIX1..PREFIXCOUNT on a Parley server (POST /api/v1/accounts), the password of
      PREFIXn being PASSWORD_PREFIXn, as tsung names its users.
  register-inband PORT PREFIX PASSWORD_PREFIX COUNT
      the same through XEP-0077 in-band registration (ejabberd, Prosody).
  probe PORT SECONDS INTERVAL_MS USER_A PASSWORD_A USER_B PASSWORD_B
      logs A and B in (SASL PLAIN on 127.0.0.1:PORT, domain localhost); A sends B a message
      every INTERVAL_MS for SECONDS, each carrying its send time; prints one JSON line with the
      one-way latencies B saw (same clock: same machine) and how many never arrived.
  tsung-summary LOG_DIR
      prints one JSON line from tsung's tsung.log: messages received (xmpp_msg_latency samples),
      their mean and their max latency.

The probe measures p99, which tsung does not give (it logs a mean, a deviation and a maximum
per ten seconds). It runs beside tsung's load, so its figures are latencies under that load.
"""
import base64
import concurrent.futures
import json
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.request

DOMAIN = "localhost"
HOST = "127.0.0.1"


def stream_header():
    return ("<?xml version='1.0'?><stream:stream to='%s' xmlns='jabber:client' "
            "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>" % DOMAIN)


class Stream:
    """A raw client stream: send text, wait until the buffer matches a pattern."""

    def __init__(self, port):
        self.sock = socket.create_connection((HOST, port), timeout=30)
        self.buffer = ""

    def send(self, text):
        self.sock.sendall(text.encode())

    def wait_for(self, pattern):
        regex = re.compile(pattern, re.S)
        while True:
            match = regex.search(self.buffer)
            if match:
                self.buffer = self.buffer[match.end():]
                return match
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("stream closed while waiting for %r" % pattern)
            self.buffer += data.decode(errors="replace")
            if "<stream:error" in self.buffer or "<failure" in self.buffer:
                raise ConnectionError("server refused: %s" % self.buffer[-300:])

    def login(self, user, password):
        self.send(stream_header())
        self.wait_for(r"</stream:features>")
        token = base64.b64encode(("\0%s\0%s" % (user, password)).encode()).decode()
        self.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>%s</auth>"
                  % token)
        self.wait_for(r"<success[^>]*(/>|>.*?</success>)")
        self.send(stream_header())
        self.wait_for(r"</stream:features>")
        self.send("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                  "<resource>probe</resource></bind></iq>")
        self.wait_for(r"<iq[^>]*id=.bind.[^>]*>.*?</iq>")
        self.send("<presence/>")

    def close(self):
        try:
            self.send("</stream:stream>")
            self.sock.close()
        except OSError:
            pass


def register_http(url, prefix, password_prefix, count):
    def one(n):
        body = json.dumps({"username": "%s%d" % (prefix, n),
                           "password": "%s%d" % (password_prefix, n)}).encode()
        request = urllib.request.Request(url.rstrip("/") + "/api/v1/accounts", data=body,
                                         headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request, timeout=30).read()
        except urllib.error.HTTPError as error:
            if error.code != 409:  # already registered by an earlier run
                raise RuntimeError("registering %s%d: %d %s" % (prefix, n, error.code,
                                                                error.read()[:200]))
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(1, count + 1)))


def register_inband(port, prefix, password_prefix, count):
    def one(n):
        stream = Stream(port)
        try:
            stream.send(stream_header())
            stream.wait_for(r"</stream:features>")
            stream.send("<iq type='set' id='reg'><query xmlns='jabber:iq:register'>"
                        "<username>%s%d</username><password>%s%d</password></query></iq>"
                        % (prefix, n, password_prefix, n))
            reply = stream.wait_for(r"<iq[^>]*id=.reg.[^>]*(/>|>.*?</iq>)").group(0)
            if "type='error'" in reply or 'type="error"' in reply:
                if "conflict" not in reply:  # already registered by an earlier run
                    raise RuntimeError("registering %s%d: %s" % (prefix, n, reply))
        finally:
            stream.close()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(1, count + 1)))


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def probe(port, seconds, interval_ms, user_a, password_a, user_b, password_b):
    sender, receiver = Stream(port), Stream(port)
    sender.login(user_a, password_a)
    receiver.login(user_b, password_b)
    latencies_ms = []
    done = threading.Event()

    def receive():
        pattern = re.compile(r"<body>probe (\d+)</body>")
        receiver.sock.settimeout(1)
        while not done.is_set():
            try:
                data = receiver.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                return
            receiver.buffer += data.decode(errors="replace")
            now = time.monotonic_ns()
            last = 0
            for match in pattern.finditer(receiver.buffer):
                latencies_ms.append((now - int(match.group(1))) / 1e6)
                last = match.end()
            receiver.buffer = receiver.buffer[last:] if last else receiver.buffer[-4096:]

    reader = threading.Thread(target=receive)
    reader.start()
    sent = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sender.send("<message type='chat' to='%s@%s' id='p%d'><body>probe %d</body></message>"
                    % (user_b, DOMAIN, sent, time.monotonic_ns()))
        sent += 1
        time.sleep(interval_ms / 1000)
    time.sleep(2)  # the last ones in flight
    done.set()
    reader.join()
    sender.close()
    receiver.close()
    values = sorted(latencies_ms)
    print(json.dumps({"sent": sent, "received": len(values),
                      "p50_ms": percentile(values, 0.50), "p99_ms": percentile(values, 0.99),
                      "max_ms": values[-1] if values else None}))


def tsung_summary(log_dir):
    received, weighted_mean, maximum = 0, 0.0, 0.0
    with open(log_dir + "/tsung.log") as log:
        for line in log:
            # "stats: xmpp_msg_latency COUNT MEAN STDDEV MAX MIN MEAN_ALL COUNT_ALL"
            fields = line.split()
            if len(fields) >= 7 and fields[0] == "stats:" and fields[1] == "xmpp_msg_latency":
                count = int(fields[2])
                if count:
                    received += count
                    weighted_mean += count * float(fields[3])
                    maximum = max(maximum, float(fields[5]))
    print(json.dumps({"received": received,
                      "mean_ms": weighted_mean / received if received else None,
                      "max_ms": maximum}))


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "register-http":
        register_http(args[0], args[1], args[2], int(args[3]))
    elif command == "register-inband":
        register_inband(int(args[0]), args[1], args[2], int(args[3]))
    elif command == "probe":
        probe(int(args[0]), float(args[1]), float(args[2]), *args[3:7])
    elif command == "tsung-summary":
        tsung_summary(args[0])
    else:
        sys.exit("unknown command %s (see the header of %s)" % (command, argv[0]))


if __name__ == "__main__":
    main(sys.argv)
