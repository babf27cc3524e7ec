#!/usr/bin/python3
"""The HTTPS front of a simulated MyST host (what nginx / myststudio_https is on a real one).

  https-front.py CERT KEY LISTEN_PORT BACKEND_PORT ACCESS_LOG

Terminates TLS on 127.0.0.1:LISTEN_PORT with the host's self-signed certificate and passes
the bytes to Tomcat on 127.0.0.1:BACKEND_PORT. When Tomcat is down it answers 502 Bad Gateway
with nginx's page, as nginx would. Runs inside the host's network namespace only.
"""
import datetime
import signal
import socket
import ssl
import sys
import threading

CERT, KEY, PORT, BACKEND, ACCESS_LOG = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]

BAD_GATEWAY = b"""<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx/1.24.0</center>
</body>
</html>
"""

log_lock = threading.Lock()


def log(peer, line):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000")
    with log_lock, open(ACCESS_LOG, "a") as f:
        f.write(f'{peer} - - [{stamp}] "{line}"\n')


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s, how in ((dst, socket.SHUT_WR), (src, socket.SHUT_RD)):
            try:
                s.shutdown(how)
            except OSError:
                pass


def serve(context, conn, peer):
    try:
        conn.settimeout(30)
        tls = context.wrap_socket(conn, server_side=True)
    except (OSError, ssl.SSLError):
        conn.close()
        return
    try:
        first = tls.recv(65536)
        if not first:
            return
        log(peer, first.split(b"\r\n", 1)[0].decode("latin-1"))
        try:
            back = socket.create_connection(("127.0.0.1", BACKEND), timeout=5)
        except OSError:
            date = datetime.datetime.now(datetime.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")
            tls.sendall(b"HTTP/1.1 502 Bad Gateway\r\nServer: nginx/1.24.0\r\nDate: " + date.encode() +
                        b"\r\nContent-Type: text/html\r\nContent-Length: " + str(len(BAD_GATEWAY)).encode() +
                        b"\r\nConnection: close\r\n\r\n" + BAD_GATEWAY)
            return
        tls.settimeout(None)
        back.settimeout(None)
        back.sendall(first)
        t = threading.Thread(target=pump, args=(back, tls), daemon=True)
        t.start()
        pump(tls, back)
        t.join(30)
        back.close()
    except (OSError, ssl.SSLError):
        pass
    finally:
        try:
            tls.close()
        except OSError:
            pass


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(CERT, KEY)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", PORT))
    srv.listen(64)
    while True:
        conn, addr = srv.accept()
        threading.Thread(target=serve, args=(context, conn, addr[0]), daemon=True).start()


if __name__ == "__main__":
    main()
