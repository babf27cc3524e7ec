#include "ui/widgets/ImageDropZone.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QVBoxLayout>

namespace myst {

namespace {
// One local file, or nothing: a drop of several files or of a web link is not an archive.
QString localFileOf(const QMimeData* mime)
{
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1 ||
        !mime->urls().first().isLocalFile())
        return {};
    return mime->urls().first().toLocalFile();
}

const char* const NormalStyle = "#imageDropZone { border: 2px dashed #8a8a8a; border-radius: 6px; "
                                "background: palette(base); }";
const char* const HighlightStyle = "#imageDropZone { border: 2px dashed #2a6fdb; border-radius: "
                                   "6px; background: #e8f0fd; }";
} // namespace

ImageDropZone::ImageDropZone(QWidget* parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("imageDropZone"));
    setAcceptDrops(true);
    setMinimumHeight(96);
    setMaximumHeight(140);
    setStyleSheet(QLatin1String(NormalStyle));
    auto* text = new QLabel(tr("Drop a Docker image archive here (<tt>docker save</tt>, .tar or "
                               ".tar.gz)"),
                            this);
    text->setAlignment(Qt::AlignCenter);
    auto* choose = new QPushButton(tr("Choose file…"), this);
    choose->setObjectName(QStringLiteral("chooseImageButton"));
    // Its own name, whatever label stands beside it; the button says what it chooses, since
    // "Choose file…" alone does not (and a screen-reader user cannot drop).
    setAccessibleName(tr("Offline image"));
    choose->setAccessibleDescription(tr("Choose a docker save archive (.tar or .tar.gz) of the "
                                        "new version"));
    auto* layout = new QVBoxLayout(this);
    layout->addStretch();
    layout->addWidget(text);
    layout->addWidget(choose, 0, Qt::AlignHCenter);
    layout->addStretch();
    connect(choose, &QPushButton::clicked, this, &ImageDropZone::chooseFile);
}

void ImageDropZone::setHighlighted(bool on)
{
    setStyleSheet(QLatin1String(on ? HighlightStyle : NormalStyle));
}

void ImageDropZone::dragEnterEvent(QDragEnterEvent* event)
{
    if (!localFileOf(event->mimeData()).isEmpty()) {
        event->acceptProposedAction();
        setHighlighted(true);
    }
}

void ImageDropZone::dragLeaveEvent(QDragLeaveEvent* event)
{
    setHighlighted(false);
    QFrame::dragLeaveEvent(event);
}

void ImageDropZone::dropEvent(QDropEvent* event)
{
    setHighlighted(false);
    const QString path = localFileOf(event->mimeData());
    if (path.isEmpty()) {
        return;
    }
    event->acceptProposedAction();
    emit fileChosen(path);
}

void ImageDropZone::chooseFile()
{
    auto* dialog =
        new QFileDialog(this, tr("Docker image archive"), QString(),
                        tr("Docker image archives (*.tar *.tar.gz *.tgz);;All files (*)"));
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, &ImageDropZone::fileChosen);
    dialog->open();
}

} // namespace myst
