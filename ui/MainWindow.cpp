#include "MainWindow.h"

#include <QLabel>

namespace myst {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("MyST Upgrade Wizard"));
    auto* label = new QLabel(tr("MyST Upgrade Wizard"), this);
    label->setAlignment(Qt::AlignCenter);
    setCentralWidget(label);
    resize(900, 640);
}

} // namespace myst
