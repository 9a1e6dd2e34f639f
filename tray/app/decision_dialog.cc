#include "app/decision_dialog.h"

#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "core/texts.h"

namespace dlp::tray {

DecisionDialog::DecisionDialog(qint64 incident, const QJsonObject& reply, const QString& app_name,
                               QWidget* parent)
    : QDialog(parent), incident_(incident), needs_reason_(reply.value("needs_justification").toBool(true)) {
  setWindowTitle(tr("Leak-prevention agent: warning"));
  setObjectName("DecisionDialog");
  auto* layout = new QVBoxLayout(this);
  auto* head = new QLabel(tr("<b>Paste into %1 is on hold</b>").arg(app_name.toHtmlEscaped()));
  layout->addWidget(head);
  auto* message = new QLabel(Texts::VerdictMessage(reply));
  message->setWordWrap(true);
  layout->addWidget(message);
  QString found;
  const QString key = Texts::Language() == "en" ? "name_en" : "name_vi";
  for (const QJsonValue& v : reply.value("findings").toArray()) {
    const QJsonObject f = v.toObject();
    found += QString("<li>%1: <tt>%2</tt></li>")
                 .arg(f.value(key).toString().toHtmlEscaped(), f.value("masked").toString().toHtmlEscaped());
  }
  if (!found.isEmpty()) layout->addWidget(new QLabel(tr("Found (masked):") + "<ul>" + found + "</ul>"));
  layout->addWidget(new QLabel(needs_reason_ ? tr("To continue, give the reason (it is recorded for the security officer):")
                                             : tr("Reason (optional):")));
  reason_ = new QPlainTextEdit;
  reason_->setObjectName("reason");
  reason_->setFixedHeight(70);
  reason_->setTabChangesFocus(true);
  layout->addWidget(reason_);
  auto* buttons = new QHBoxLayout;
  buttons->addStretch();
  continue_ = new QPushButton(tr("Continue and paste"));
  continue_->setObjectName("continue");
  auto* cancel = new QPushButton(tr("Cancel the paste"));
  cancel->setObjectName("cancel");
  cancel->setDefault(true);
  buttons->addWidget(continue_);
  buttons->addWidget(cancel);
  layout->addLayout(buttons);
  continue_->setEnabled(!needs_reason_);
  connect(reason_, &QPlainTextEdit::textChanged, this, [this] {
    continue_->setEnabled(!needs_reason_ || !reason_->toPlainText().trimmed().isEmpty());
  });
  connect(continue_, &QPushButton::clicked, this, [this] { Answer("continue"); });
  connect(cancel, &QPushButton::clicked, this, [this] { Answer("cancel"); });
  connect(this, &QDialog::rejected, this, [this] { Answer("cancel"); });
  setMinimumWidth(520);
}

void DecisionDialog::Answer(const QString& decision) {
  if (answered_) return;
  answered_ = true;
  emit Answered(incident_, decision, decision == "continue" ? reason_->toPlainText().trimmed() : QString());
  accept();
}

}  // namespace dlp::tray
