#include "core/host/BackupCheck.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"

namespace myst::BackupCheck {

namespace {
// "<size> <mtime> <sha256>" of "$1"; sha256sum where the host has it, else openssl.
const char* const DescribeScript = R"SH(stat -c '%s %Y' -- "$1" | tr '\n' ' ' || exit 1
if command -v sha256sum >/dev/null 2>&1; then sha256sum -- "$1"; else openssl dgst -sha256 -r -- "$1"; fi)SH";
} // namespace

const char* describeScript()
{
    return DescribeScript;
}

Found parse(const QStringList& lines)
{
    Found found;
    const QStringList fields =
        lines.value(lines.size() - 1).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    bool sizeOk = false, timeOk = false;
    found.size = fields.value(0).toLongLong(&sizeOk);
    found.mtime = fields.value(1).toLongLong(&timeOk);
    found.sha256 = fields.value(2).toLower();
    found.ok = sizeOk && timeOk && isSha256Hex(found.sha256);
    if (!found.ok) {
        found.size = -1;
        found.sha256.clear();
        found.error = QStringLiteral("its size and SHA-256 could not be read");
    }
    return found;
}

Found describe(HostSession& session, const QString& path, qint64 timeoutMs)
{
    const CapturedOutput out = session.capture(
        shellCommand({QStringLiteral("sh"), QStringLiteral("-c"),
                      QString::fromLatin1(DescribeScript), QStringLiteral("myst-describe"), path}),
        timeoutMs);
    Found found = parse(out.stdoutLines);
    if (!out.result.succeeded() || !found.ok) {
        found.ok = false;
        found.lost = out.result.error == SshError::Lost;
        found.error = QStringLiteral("%1 could not be read on the host (%2)")
                          .arg(path, out.stderrLines.isEmpty()
                                         ? out.result.describe()
                                         : out.stderrLines.join(QLatin1Char(' ')).left(300));
    }
    return found;
}

QString mismatch(const QString& path, qint64 recordedSize, const QString& recordedSha256,
                 const Found& found)
{
    if (!found.ok)
        return found.error;
    const bool sizeDiffers = recordedSize >= 0 && recordedSize != found.size;
    const bool hashDiffers = !recordedSha256.isEmpty() && recordedSha256 != found.sha256;
    if (!sizeDiffers && !hashDiffers)
        return {};
    return QStringLiteral("The backup %1 is not the file that was recorded: recorded %2 bytes, "
                          "SHA-256 %3; found %4 bytes, SHA-256 %5. It was changed or replaced "
                          "on the host after it was taken.")
        .arg(path, recordedSize >= 0 ? QString::number(recordedSize) : QStringLiteral("(unknown)"),
             recordedSha256.isEmpty() ? QStringLiteral("(not recorded)") : recordedSha256)
        .arg(found.size)
        .arg(found.sha256);
}

} // namespace myst::BackupCheck
