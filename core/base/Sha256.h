#pragma once

#include <QString>

#include <memory>

struct evp_md_ctx_st;

namespace myst {

// Incremental SHA-256 through OpenSSL's EVP interface: it uses the CPU's SHA extensions where
// there are some, several times faster than QCryptographicHash, which matters when a
// multi-gigabyte image is hashed while it is sent.
class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void addData(const char* data, qint64 length);
    void addData(const QByteArray& data) { addData(data.constData(), data.size()); }
    // Lower-case hex of the digest; the hash cannot be extended afterwards.
    QString hexResult();

private:
    struct Free
    {
        void operator()(evp_md_ctx_st* context) const;
    };
    std::unique_ptr<evp_md_ctx_st, Free> m_context;
};

} // namespace myst
