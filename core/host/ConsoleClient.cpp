#include "core/host/ConsoleClient.h"

#include "core/base/Validation.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTcpSocket>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <memory>

namespace myst {

namespace {
constexpr qsizetype MaxAnswerBytes = 1024 * 1024 + 64 * 1024; // the page and its headers
constexpr int MaxRedirects = 5;

// A byte pipe the HTTP code reads and writes: plain over the tunnel, or TLS over it.
class Channel
{
public:
    virtual ~Channel() = default;
    virtual bool send(const QByteArray& bytes) = 0;
    virtual int receive(char* buffer, int size, int timeoutMs) = 0; // as TunnelStream::read
};

class PlainChannel : public Channel
{
public:
    explicit PlainChannel(TunnelStream& stream) : m_stream(stream) {}
    bool send(const QByteArray& bytes) override { return m_stream.write(bytes); }
    int receive(char* b, int n, int t) override { return m_stream.read(b, n, t); }

private:
    TunnelStream& m_stream;
};

struct SslFree
{
    void operator()(SSL* s) const { SSL_free(s); }
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};

// TLS with memory BIOs: OpenSSL never touches a socket; its bytes go through the tunnel.
class TlsChannel : public Channel
{
public:
    explicit TlsChannel(TunnelStream& stream) : m_stream(stream) {}

    bool handshake(const QString& host, int timeoutMs, QString* error)
    {
        m_ctx.reset(SSL_CTX_new(TLS_client_method()));
        if (!m_ctx) {
            *error = QStringLiteral("TLS is not available");
            return false;
        }
        SSL_CTX_set_default_verify_paths(m_ctx.get());
        // Verified after the handshake (chain and name, or the pin), so that an unknown
        // certificate can be shown to the operator instead of only failing.
        SSL_CTX_set_verify(m_ctx.get(), SSL_VERIFY_NONE, nullptr);
        m_ssl.reset(SSL_new(m_ctx.get()));
        BIO* in = BIO_new(BIO_s_mem());
        BIO* out = BIO_new(BIO_s_mem());
        SSL_set_bio(m_ssl.get(), in, out); // owned by the SSL from here on
        m_in = in;
        m_out = out;
        const QByteArray name = host.toUtf8();
        SSL_set_tlsext_host_name(m_ssl.get(), name.constData());
        SSL_set1_host(m_ssl.get(), name.constData());
        SSL_set_connect_state(m_ssl.get());
        QElapsedTimer clock;
        clock.start();
        for (;;) {
            const int rc = SSL_do_handshake(m_ssl.get());
            if (!flush()) {
                *error = QStringLiteral("the connection closed during the TLS handshake");
                return false;
            }
            if (rc == 1)
                return true;
            const int why = SSL_get_error(m_ssl.get(), rc);
            if (why != SSL_ERROR_WANT_READ || clock.elapsed() > timeoutMs || !fill(timeoutMs)) {
                char text[256] = {};
                ERR_error_string_n(ERR_get_error(), text, sizeof text);
                *error = QStringLiteral("TLS handshake failed (%1)").arg(QString::fromLatin1(text));
                return false;
            }
        }
    }

    // Whether the peer's certificate chains to a system CA for the host name.
    bool chainTrusted() const { return SSL_get_verify_result(m_ssl.get()) == X509_V_OK; }

    QString fingerprint() const
    {
        X509* cert = SSL_get1_peer_certificate(m_ssl.get());
        if (!cert)
            return {};
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int size = 0;
        X509_digest(cert, EVP_sha256(), digest, &size);
        X509_free(cert);
        return QString::fromLatin1(
            QByteArray(reinterpret_cast<const char*>(digest), int(size)).toHex(':').toUpper());
    }

    bool send(const QByteArray& bytes) override
    {
        if (SSL_write(m_ssl.get(), bytes.constData(), int(bytes.size())) <= 0)
            return false;
        return flush();
    }

    int receive(char* buffer, int size, int timeoutMs) override
    {
        for (;;) {
            const int n = SSL_read(m_ssl.get(), buffer, size);
            if (n > 0)
                return n;
            const int why = SSL_get_error(m_ssl.get(), n);
            if (why == SSL_ERROR_ZERO_RETURN)
                return -1;
            if (why != SSL_ERROR_WANT_READ)
                return -1;
            flush();
            const int got = fillOnce(timeoutMs);
            if (got <= 0)
                return got;
        }
    }

private:
    bool flush()
    {
        char buffer[16 * 1024];
        int n;
        while ((n = BIO_read(m_out, buffer, sizeof buffer)) > 0) {
            if (!m_stream.write(QByteArray(buffer, n)))
                return false;
        }
        return true;
    }
    int fillOnce(int timeoutMs)
    {
        char buffer[16 * 1024];
        const int n = m_stream.read(buffer, sizeof buffer, timeoutMs);
        if (n > 0)
            BIO_write(m_in, buffer, n);
        return n;
    }
    bool fill(int timeoutMs) { return fillOnce(timeoutMs) > 0; }

    TunnelStream& m_stream;
    std::unique_ptr<SSL_CTX, SslFree> m_ctx;
    std::unique_ptr<SSL, SslFree> m_ssl;
    BIO* m_in = nullptr;
    BIO* m_out = nullptr;
};

// Status, headers (lower-case names) and body of an HTTP/1.0 answer.
bool parseAnswer(const QByteArray& raw, ConsolePage* page, QByteArray* location)
{
    const qsizetype end = raw.indexOf("\r\n\r\n");
    if (!raw.startsWith("HTTP/") || end < 0) {
        page->error = QStringLiteral("the console did not answer in HTTP");
        return false;
    }
    const QList<QByteArray> lines = raw.left(end).split('\n');
    page->status = lines.first().split(' ').value(1).toInt();
    for (const QByteArray& line : lines.mid(1)) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == "location")
            *location = line.mid(colon + 1).trimmed();
    }
    page->body = raw.mid(end + 4);
    return true;
}
} // namespace

ConsolePage fetchConsolePage(HostSession& host, const QUrl& start, const QString& pinnedSha256,
                             int timeoutMs)
{
    return fetchPage([&host](const QString& h, int port,
                             QString* error) { return host.openTunnel(h, port, error); },
                     start, pinnedSha256, timeoutMs);
}

namespace {
// A TCP connection from this computer, as a TunnelStream (blocking QTcpSocket calls, which
// need no event loop: for worker threads only).
class LocalTcpStream : public TunnelStream
{
public:
    bool connect(const QString& host, int port, int timeoutMs, QString* error)
    {
        m_socket.connectToHost(host, quint16(port));
        if (m_socket.waitForConnected(timeoutMs))
            return true;
        *error = QStringLiteral("cannot connect to %1:%2 (%3)")
                     .arg(host)
                     .arg(port)
                     .arg(m_socket.errorString());
        return false;
    }
    bool write(const QByteArray& bytes) override
    {
        if (m_socket.write(bytes) != bytes.size())
            return false;
        while (m_socket.bytesToWrite() > 0) {
            if (!m_socket.waitForBytesWritten(5000))
                return false;
        }
        return true;
    }
    int read(char* buffer, int size, int timeoutMs) override
    {
        if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(timeoutMs))
            return m_socket.state() == QAbstractSocket::ConnectedState ? 0 : -1;
        return int(m_socket.read(buffer, size));
    }

private:
    QTcpSocket m_socket;
};
} // namespace

ConsolePage fetchPageFromHere(const QUrl& url, int timeoutMs)
{
    return fetchPage(
        [timeoutMs](const QString& host, int port,
                    QString* error) -> std::unique_ptr<TunnelStream> {
            auto stream = std::make_unique<LocalTcpStream>();
            if (!stream->connect(host, port, timeoutMs, error))
                return nullptr;
            return stream;
        },
        url, {}, timeoutMs);
}

ConsolePage fetchPage(const TunnelOpener& open, const QUrl& start, const QString& pinnedSha256,
                      int timeoutMs)
{
    ConsolePage page;
    QUrl url = start;
    const QString pin = normalizedSha256Fingerprint(pinnedSha256);
    for (int redirects = 0; redirects <= MaxRedirects; ++redirects) {
        const bool tls = url.scheme() == QLatin1String("https");
        const int port = url.port(tls ? 443 : 80);
        QString error;
        std::unique_ptr<TunnelStream> tunnel = open(url.host(), port, &error);
        if (!tunnel) {
            page.error = error;
            return page;
        }
        std::unique_ptr<Channel> channel;
        if (tls) {
            auto tlsChannel = std::make_unique<TlsChannel>(*tunnel);
            if (!tlsChannel->handshake(url.host(), timeoutMs, &page.error))
                return page;
            page.certificateSha256 = tlsChannel->fingerprint();
            if (pin.isEmpty() ? !tlsChannel->chainTrusted() : page.certificateSha256 != pin) {
                page.untrustedCertificate = true;
                page.error =
                    pin.isEmpty()
                        ? QStringLiteral("the console's certificate is not signed by a known CA "
                                         "for %1; its SHA-256 fingerprint is %2")
                              .arg(url.host(), page.certificateSha256)
                        : QStringLiteral("the console's certificate has the SHA-256 fingerprint "
                                         "%1, not the pinned %2")
                              .arg(page.certificateSha256, pin);
                return page;
            }
            channel = std::move(tlsChannel);
        } else {
            channel = std::make_unique<PlainChannel>(*tunnel);
        }
        const QByteArray path = url.path(QUrl::FullyEncoded).isEmpty()
                                    ? QByteArray("/")
                                    : url.path(QUrl::FullyEncoded).toLatin1();
        const QByteArray query =
            url.hasQuery() ? "?" + url.query(QUrl::FullyEncoded).toLatin1() : QByteArray();
        // HTTP/1.0: the answer ends when the connection closes, never chunked.
        if (!channel->send("GET " + path + query +
                           " HTTP/1.0\r\nHost: " + url.authority().toLatin1() +
                           "\r\nUser-Agent: myst-upgrade\r\nAccept: text/html\r\n"
                           "Connection: close\r\n\r\n")) {
            page.error = QStringLiteral("the console's connection closed before the request");
            return page;
        }
        QByteArray raw;
        char buffer[16 * 1024];
        QElapsedTimer clock;
        clock.start();
        for (;;) {
            const int n = channel->receive(buffer, sizeof buffer, 500);
            if (n < 0)
                break;
            raw.append(buffer, n);
            if (raw.size() > MaxAnswerBytes) {
                page.error = QStringLiteral("the console page is larger than %1 bytes; not read")
                                 .arg(1024 * 1024);
                return page;
            }
            if (n == 0 && clock.elapsed() > timeoutMs) {
                page.error =
                    QStringLiteral("the console did not answer within %1 s").arg(timeoutMs / 1000);
                return page;
            }
        }
        QByteArray location;
        if (!parseAnswer(raw, &page, &location))
            return page;
        if (page.status >= 300 && page.status < 400 && !location.isEmpty()) {
            const QUrl next = url.resolved(QUrl::fromEncoded(location));
            if (next.host() != url.host() || next.port(tls ? 443 : 80) != port ||
                (tls && next.scheme() != QLatin1String("https"))) {
                page.error = QStringLiteral("the console redirects to %1, another host; not "
                                            "followed")
                                 .arg(next.toString());
                return page;
            }
            url = next;
            continue;
        }
        page.ok = page.status >= 200 && page.status < 300;
        if (!page.ok)
            page.error = QStringLiteral("the console answered HTTP %1").arg(page.status);
        return page;
    }
    page.error = QStringLiteral("the console redirects more than %1 times").arg(MaxRedirects);
    return page;
}

} // namespace myst
