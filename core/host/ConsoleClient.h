#pragma once

#include "core/ssh/HostSession.h"

#include <QByteArray>
#include <QUrl>

#include <functional>
#include <memory>

namespace myst {

// One page of MyST Studio's console, fetched through the host's SSH session (a direct-tcpip
// tunnel to the URL's host and port as the MyST host sees them), so nothing requires the
// console to be reachable from this computer. HTTPS is spoken here (OpenSSL over the tunnel):
// the certificate is trusted when it chains to the system's CAs for the URL's host, or when
// its SHA-256 fingerprint is the one pinned in the site (consoleCertSha256). Redirects are
// followed only on the same host and port, never from https to http; at most 1 MiB is read.
struct ConsolePage
{
    bool ok = false;
    int status = 0;
    QByteArray body;
    QString error;
    // The server's certificate, "AB:CD:…" as `openssl x509 -fingerprint -sha256` prints it;
    // with untrustedCertificate the page was not read and the operator must decide.
    QString certificateSha256;
    bool untrustedCertificate = false;
};

ConsolePage fetchConsolePage(HostSession& host, const QUrl& url, const QString& pinnedSha256,
                             int timeoutMs);

// The same, with the TCP connections opened by `open` (host, port, error).
using TunnelOpener = std::function<std::unique_ptr<TunnelStream>(const QString&, int, QString*)>;
ConsolePage fetchPage(const TunnelOpener& open, const QUrl& url, const QString& pinnedSha256,
                      int timeoutMs);

// A page fetched from this computer (a blue/green site's public service URL, as its users
// reach it): plain TCP from here, TLS trusted by the system's CAs. Blocking: a worker thread's.
ConsolePage fetchPageFromHere(const QUrl& url, int timeoutMs);

} // namespace myst
