// libFuzzer target for everything the wizard parses from outside: docker's output, the
// "Backed up to" line, df, the console page, manifest.json (through a whole archive),
// known_hosts lines, the site file, the journal and its plan, the host lock line, the line
// splitter that cuts remote output, the host inventory (and the pairing proposed from it) and a
// backup's size and hash. The first byte picks the parser; the rest is input.
// Built with clang, -fsanitize=fuzzer,address,undefined (MYST_FUZZ=ON); run by hand or by
// packaging/run-sanitized.sh for a bounded time:  build-asan/tests/fuzz_parsers -max_total_time=60
#include "core/host/BackupCheck.h"
#include "core/host/HostLock.h"
#include "core/host/ImageArchive.h"
#include "core/host/OutputParsers.h"
#include "core/host/RollbackPairing.h"
#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/site/Site.h"
#include "core/ssh/KnownHosts.h"
#include "core/ssh/LineSplitter.h"
#include "core/ssh/SshConnection.h"

#include <QJsonDocument>

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

using namespace myst;

namespace {

QStringList linesOf(const QByteArray& bytes)
{
    return QString::fromUtf8(bytes).split(QLatin1Char('\n'));
}

// ImageArchive reads a path, as the drop zone gives it: an anonymous in-memory file.
// The server key the known_hosts lines are judged against: one, made once.
ssh_key fuzzHostKey()
{
    static ssh_key key = [] {
        ssh_key k = nullptr;
        ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &k);
        return k;
    }();
    return key;
}

void fuzzArchive(const QByteArray& bytes)
{
    const int fd = memfd_create("archive", 0);
    if (fd < 0)
        return;
    if (write(fd, bytes.constData(), size_t(bytes.size())) == bytes.size()) {
        const ImageArchive archive = ImageArchive::read(QStringLiteral("/proc/self/fd/%1").arg(fd));
        if (archive.ok && (archive.imageId.isEmpty() || archive.layers < 0))
            __builtin_trap(); // accepted, yet without what an image must have
    }
    close(fd);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const QByteArray input(reinterpret_cast<const char*>(data) + 1, int(size - 1));
    QString error;
    switch (data[0] % 12) {
    case 0:
        if (const auto info = parseImageInspect(QString::fromUtf8(input), &error))
            (void)info->version.size();
        break;
    case 1:
        // A path accepted from backup-database.sh's output goes into commands later: it must
        // never hold anything but plain path characters.
        if (const auto path = parseBackupPath(linesOf(input), &error)) {
            for (const QChar c : *path) {
                if (!(c.isLetterOrNumber() || QStringLiteral("/._+-").contains(c)) ||
                    c.unicode() > 127)
                    __builtin_trap();
            }
        }
        break;
    case 2:
        (void)parseDfAvailableMegabytes(linesOf(input));
        break;
    case 3:
        (void)parseConsoleVersion(QString::fromUtf8(input), RunSettings().consoleVersionPattern);
        break;
    case 4:
        fuzzArchive(input);
        break;
    case 5:
        (void)checkKnownHosts(input, QByteArrayLiteral("[127.0.0.1]:2222"), fuzzHostKey());
        break;
    case 6: {
        QStringList errors;
        (void)Site::fromJson(QJsonDocument::fromJson(input).object(), QStringLiteral("site.json"),
                             &errors);
        break;
    }
    case 7: {
        const Journal journal = Journal::fromJson(QJsonDocument::fromJson(input).object());
        (void)planFromJson(journal.plan, &error);
        break;
    }
    case 8:
        (void)LockHolder::parse(QString::fromUtf8(input)).describe();
        break;
    case 9: {
        LineSplitter splitter;
        qsizetype total = 0;
        const LineSplitter::Sink sink = [&](const QString& line) { total += line.size(); };
        // In two pieces: a line may be cut anywhere by the network.
        const int half = int(input.size() / 2);
        splitter.feed(input.constData(), half, sink);
        splitter.feed(input.constData() + half, int(input.size()) - half, sink);
        splitter.finish(sink);
        break;
    }
    case 10: // the inventory script's output (its nonce: "0123456789abcdef"), then a pairing
        (void)Pairing::best(HostInventory::parse(linesOf(input), QStringLiteral("0123456789abcdef"),
                                                 QStringLiteral("/m/backup")));
        break;
    case 11: { // a step's or a copy's "<size> <mtime> <sha256>", against a record
        const BackupCheck::Found found = BackupCheck::parse(linesOf(input));
        (void)BackupCheck::mismatch(QStringLiteral("/m/backup/b.sql"), 1, QString(64, u'a'), found);
        break;
    }
    }
    return 0;
}
