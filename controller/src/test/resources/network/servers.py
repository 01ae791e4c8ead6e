#!/usr/bin/env python3
"""The far end of NetworkIT's scenes, run inside the test's server network namespace:
   83/tcp   accepts, reads the request, then resets (SO_LINGER 0)
   84/tcp   a sink that reads everything (the data-retransmit scene)
   8080/tcp plain HTTP (200, empty body)
   8443/tcp reads a TLS ClientHello and closes
   53/udp   DNS: NAME A ADDRESS for the names given, NXDOMAIN for the rest, empty AAAA answers
Usage: servers.py LISTEN_ADDRESS NAME=ADDRESS... ; stops after 300 s whatever happens (bounded)."""
import signal, socket, struct, sys, threading

signal.alarm(300)
listen = sys.argv[1]
names = dict(arg.split("=", 1) for arg in sys.argv[2:])

def tcp(port, handle):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((listen, port))
    s.listen(64)
    def loop():
        while True:
            c, _ = s.accept()
            threading.Thread(target=handle, args=(c,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()

def reset(c):
    c.recv(4096)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()

def sink(c):
    while c.recv(65536):
        pass
    c.close()

def hold(c):
    # until the client closes: its abortive close (SO_LINGER 0) resets this end
    try:
        while c.recv(65536):
            pass
    except OSError:
        pass
    c.close()

def http(c):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = c.recv(4096)
        if not chunk:
            break
        data += chunk
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    c.close()

def hello(c):
    c.recv(4096)
    c.close()

def dns():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((listen, 53))
    while True:
        q, peer = s.recvfrom(512)
        qid, flags = struct.unpack(">HH", q[:4])
        at, labels = 12, []
        while q[at]:
            labels.append(q[at + 1:at + 1 + q[at]].decode())
            at += 1 + q[at]
        question = q[12:at + 5]
        qtype = struct.unpack(">H", q[at + 1:at + 3])[0]
        name = ".".join(labels).lower()
        known = name in names
        answers = b""
        if known and qtype == 1:
            answers = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton(names[name])
        rcode = 0 if known else 3
        header = struct.pack(">HHHHHH", qid, 0x8180 | rcode, 1, 1 if answers else 0, 0, 0)
        s.sendto(header + question + answers, peer)

tcp(83, reset)
tcp(84, sink)
tcp(85, hold)
tcp(8080, http)
tcp(8443, hello)
threading.Thread(target=dns, daemon=True).start()
print("ready", flush=True)
signal.pause()
