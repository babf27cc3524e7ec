#pragma once

#include <QFrame>

class QLabel;

namespace myst {

// Where an operator drops a `docker save` archive (or picks one with a file dialog). It only
// says which local file was chosen; reading and checking the archive is the page's job.
class ImageDropZone : public QFrame
{
    Q_OBJECT
public:
    explicit ImageDropZone(QWidget* parent = nullptr);

signals:
    void fileChosen(const QString& path);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragLeaveEvent(QDragLeaveEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void setHighlighted(bool on);
    void chooseFile();
};

} // namespace myst
