// Offline: the archive on this computer → <image directory>/<name> on the host, resumable,
// sha256 checked on both sides; progress a few times a second, the log every tenth.
#include "core/run/steps/StepExecutors.h"

#include <QLocale>

namespace myst {

StepOutcome runUploadImage(StepContext& context, const Step& step, HostSession& host)
{
    const QLocale c = QLocale::c();
    TransferMeter meter;
    int loggedTenths = -1;
    const auto progress = [&](qint64 done, qint64 total) {
        const std::optional<TransferProgress> p = meter.update(done, total);
        if (!p) {
            return;
        }
        context.reportUpload(step.role, *p);
        const int tenths = total > 0 ? int(done * 10 / total) : 10;
        if (tenths != loggedTenths) {
            loggedTenths = tenths;
            QString line = QStringLiteral("uploaded %1 of %2 (%3%)")
                               .arg(c.formattedDataSize(done), c.formattedDataSize(total))
                               .arg(tenths * 10);
            if (p->bytesPerSecond > 0) {
                line +=
                    QStringLiteral(", %1/s").arg(c.formattedDataSize(qint64(p->bytesPerSecond)));
            }
            context.log(OutputStream::Stdout, line);
        }
    };
    context.log(OutputStream::Stdout,
                QStringLiteral("uploading %1 to %2/").arg(step.localPath, step.remotePath));
    const UploadResult r =
        host.upload(step.localPath, step.remotePath, progress, context.cancelFlag());
    context.log(r.ok ? OutputStream::Stdout : OutputStream::Stderr, r.message);
    if (!r.ok) {
        return {false, -1, r.message, r.connectionLost};
    }
    if (r.resumedFrom == r.size) { // nothing was sent: the bar still ends full
        TransferProgress full;
        full.done = full.total = r.size;
        full.last = true;
        full.etaSeconds = 0;
        context.reportUpload(step.role, full);
    }
    context.capture(step.role, CaptureKey::UploadedImagePath, r.remotePath);
    context.capture(step.role, CaptureKey::UploadedImageSha256, r.sha256);
    return {true, 0,
            r.resumedFrom > 0 && r.resumedFrom < r.size
                ? QStringLiteral("resumed at %1, sent %2; sha256 confirmed by the host")
                      .arg(c.formattedDataSize(r.resumedFrom), c.formattedDataSize(r.sentBytes))
                : (r.sentBytes == 0 ? QStringLiteral("already on the host, sha256 confirmed")
                                    : QStringLiteral("sent %1; sha256 confirmed by the host")
                                          .arg(c.formattedDataSize(r.sentBytes)))};
}

} // namespace myst
