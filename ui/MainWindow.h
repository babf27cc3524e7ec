#pragma once

#include <QMainWindow>

namespace myst {

// Placeholder window until the wizard (issue 3 of 6) replaces it.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

} // namespace myst
