// A stand-in for a desktop AI client in the end-to-end test: a window whose X11 WM_CLASS is the
// one given (a guarded class, e.g. "chatgpt"), with a text box; every change of the box is
// written to the record file, so the test sees exactly what a paste delivered.
// Usage: dlp_tray_fake_ai_app CLASS RECORD_FILE [TITLE]
#include <QApplication>
#include <QFile>
#include <QPlainTextEdit>
#include <QVBoxLayout>
#include <QWidget>

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  // Qt's xcb plugin takes the WM_CLASS instance from RESOURCE_NAME and the class from the
  // application name.
  qputenv("RESOURCE_NAME", argv[1]);
  QApplication app(argc, argv);
  QApplication::setApplicationName(QString::fromLocal8Bit(argv[1]));
  const QString record = QString::fromLocal8Bit(argv[2]);
  QWidget w;
  w.setWindowTitle(argc > 3 ? QString::fromLocal8Bit(argv[3]) : "Fake AI");
  auto* layout = new QVBoxLayout(&w);
  auto* edit = new QPlainTextEdit;
  layout->addWidget(edit);
  QObject::connect(edit, &QPlainTextEdit::textChanged, [edit, record] {
    QFile f(record);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate)) f.write(edit->toPlainText().toUtf8());
  });
  w.resize(420, 240);
  w.show();
  edit->setFocus();
  return app.exec();
}
