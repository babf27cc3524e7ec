// Appends 1,000,000 lines to a LogPane as they would arrive from a chatty step (batches of
// lines per event-loop turn), while a 1 ms timer measures the longest event-loop stall.
// Prints throughput, the worst stall and resident memory along the way (flat after the cap?).
// Run by hand: `cmake --build build --target bench` (QT_QPA_PLATFORM=offscreen is set).
#include "ui/widgets/LogPane.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>

#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

static double rssMb()
{
    long pages = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        std::fclose(f);
    }
    return resident * double(sysconf(_SC_PAGESIZE)) / 1e6;
}

int main(int argc, char* argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int total = argc > 1 ? QByteArray(argv[1]).toInt() : 1000000;
    const int perTurn = argc > 2
                            ? QByteArray(argv[2]).toInt()
                            : 2000; // lines delivered per event-loop turn (one burst of signals)
    myst::LogPane pane(QStringLiteral("bench"));
    pane.resize(900, 600);
    pane.show();

    QElapsedTimer sinceTick;
    qint64 worstStall = 0;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(1);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        worstStall = qMax(worstStall, sinceTick.elapsed());
        sinceTick.restart();
    });

    int sent = 0;
    QElapsedTimer clock;
    QTimer feeder;
    feeder.setInterval(0);
    QObject::connect(&feeder, &QTimer::timeout, [&] {
        for (int i = 0; i < perTurn && sent < total; ++i, ++sent) {
            pane.appendLine(
                sent % 10 ? myst::OutputStream::Stdout : myst::OutputStream::Stderr,
                QStringLiteral("2026-11-25 10:00:00 INFO  [deploy] line %1 of the start-up log, "
                               "\x1b[32mgreen\x1b[0m and plain text")
                    .arg(sent));
        }
        if (sent % 100000 == 0 || sent == total) {
            std::printf("  %7d lines  rss %6.1f MB  worst stall so far %lld ms\n", sent, rssMb(),
                        worstStall);
        }
        if (sent >= total) {
            feeder.stop();
            QTimer::singleShot(300, &app, &QApplication::quit); // let the last batch paint
        }
    });
    std::printf("LogPane: %d lines, cap %d lines in memory\n", total, pane.view()->maximumLines());
    clock.start();
    sinceTick.start();
    ticker.start();
    feeder.start();
    app.exec();
    const double seconds = (clock.elapsed() - 300) / 1000.0;
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("throughput: %.0f lines/s\n", total / seconds);
    std::printf("longest event-loop stall: %lld ms (goal < 50 ms)\n", worstStall);
    std::printf("peak RSS: %.1f MB; lines kept: %d\n", usage.ru_maxrss / 1024.0,
                pane.view()->lineCount());
    return 0;
}
