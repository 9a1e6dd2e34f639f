// The answer to a warning from a channel with no window of its own (the clipboard hook in a
// guarded desktop application): continue, with the reason the policy asks for, or cancel.
//
// Thread safety: main thread only.
#ifndef DLP_TRAY_APP_DECISION_DIALOG_H_
#define DLP_TRAY_APP_DECISION_DIALOG_H_

#include <QDialog>
#include <QJsonObject>

class QPlainTextEdit;
class QPushButton;

namespace dlp::tray {

class DecisionDialog : public QDialog {
  Q_OBJECT

 public:
  DecisionDialog(qint64 incident, const QJsonObject& scan_reply, const QString& app_name,
                 QWidget* parent = nullptr);
  qint64 incident() const { return incident_; }

 signals:
  // "continue" (with the justification) or "cancel"; sent once.
  void Answered(qint64 incident, const QString& decision, const QString& justification);

 private:
  void Answer(const QString& decision);

  qint64 incident_;
  bool needs_reason_;
  bool answered_ = false;
  QPlainTextEdit* reason_;
  QPushButton* continue_;
};

}  // namespace dlp::tray

#endif  // DLP_TRAY_APP_DECISION_DIALOG_H_
