#include "app/history_window.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <memory>

#include "app/test_log.h"
#include "core/texts.h"

namespace dlp::tray {
namespace {

// `history` returns at most 200 per page; a cadre's own list rarely needs more than a few pages.
constexpr int kPageSize = 200;
constexpr int kMaxPages = 10;

}  // namespace

HistoryWindow::HistoryWindow(AgentClient* client, IncidentModel* model, const RuleNames* names,
                             QWidget* parent)
    : QWidget(parent, Qt::Window), client_(client), model_(model), names_(names) {
  setObjectName("HistoryWindow");
  setWindowTitle(tr("Leak-prevention agent: my incidents"));
  filter_.setSourceModel(model_);
  auto* layout = new QVBoxLayout(this);
  auto* bar = new QHBoxLayout;
  search_ = new QLineEdit;
  search_->setPlaceholderText(tr("Search: destination, rule, excerpt..."));
  search_->setClearButtonEnabled(true);
  action_ = new QComboBox;
  action_->addItem(tr("All actions"), QString());
  action_->addItem(Texts::Action("block"), "block");
  action_->addItem(Texts::Action("warn"), "warn");
  action_->addItem(Texts::Action("allow"), "allow");
  auto* refresh = new QPushButton(tr("Refresh"));
  bar->addWidget(search_, 1);
  bar->addWidget(action_);
  bar->addWidget(refresh);
  layout->addLayout(bar);

  auto* split = new QSplitter(Qt::Vertical);
  table_ = new QTableView;
  table_->setModel(&filter_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setWordWrap(false);
  details_ = new QTextBrowser;
  details_->setOpenLinks(false);
  split->addWidget(table_);
  split->addWidget(details_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  layout->addWidget(split, 1);

  auto* bottom = new QHBoxLayout;
  note_ = new QLabel;
  report_ = new QPushButton(tr("Report a false alarm..."));
  report_->setEnabled(false);
  bottom->addWidget(note_, 1);
  bottom->addWidget(report_);
  layout->addLayout(bottom);

  connect(search_, &QLineEdit::textChanged, &filter_, &IncidentFilter::SetQuery);
  connect(action_, &QComboBox::currentIndexChanged, this,
          [this] { filter_.SetAction(action_->currentData().toString()); });
  connect(refresh, &QPushButton::clicked, this, &HistoryWindow::Refresh);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &HistoryWindow::ShowDetails);
  connect(model_, &QAbstractItemModel::dataChanged, this, &HistoryWindow::ShowDetails);
  connect(model_, &QAbstractItemModel::modelReset, this, [this] {
    // A refresh replaces the rows: the incident asked for (a clicked notification) stays shown.
    if (wanted_) Select(wanted_);
    wanted_ = 0;
    ShowDetails();
  });
  connect(report_, &QPushButton::clicked, this, &HistoryWindow::ReportFalseAlarm);
  // Pushed incidents arrive while the window is open: keep the count and the widths current.
  connect(model_, &QAbstractItemModel::rowsInserted, this, &HistoryWindow::UpdateCount);
  connect(model_, &QAbstractItemModel::modelReset, this, &HistoryWindow::UpdateCount);
  resize(980, 620);
}

void HistoryWindow::Refresh() {
  // Pages are fetched one after another and shown together, so the list is never half old.
  auto acc = std::make_shared<QList<Incident>>();
  auto fetch = std::make_shared<std::function<void(qint64, int)>>();
  *fetch = [this, acc, fetch](qint64 before, int page) {
    QJsonObject req{{"op", "history"}, {"limit", kPageSize}};
    if (before > 0) req.insert("before", before);
    client_->Request(req, [this, acc, fetch, page](const QJsonObject& r) {
      if (!r.value("ok").toBool()) {
        note_->setText(tr("The agent service cannot be reached; the list may be out of date."));
        TestLog("history failed: " + AgentClient::ErrorCode(r));
        *fetch = nullptr;
        return;
      }
      for (const QJsonValue& v : r.value("incidents").toArray()) {
        Incident i;
        if (Incident::FromJson(v.toObject(), &i)) acc->append(i);
      }
      const QJsonValue next = r.value("next_before");
      if (next.isDouble() && page + 1 < kMaxPages) {
        (*fetch)(next.toInteger(), page + 1);
        return;
      }
      model_->Reset(*acc);
      QStringList ids;
      for (const Incident& i : *acc) ids << QString::number(i.id);
      TestLog("history shown ids=" + ids.join(','));
      *fetch = nullptr;  // breaks the self-reference
    });
  };
  (*fetch)(0, 0);
}

void HistoryWindow::Select(qint64 id) {
  wanted_ = id;
  const int row = model_->RowOf(id);
  if (row < 0) return;
  QModelIndex idx = filter_.mapFromSource(model_->index(row, 0));
  if (!idx.isValid()) {  // hidden by the filter: show everything
    search_->clear();
    action_->setCurrentIndex(0);
    idx = filter_.mapFromSource(model_->index(row, 0));
  }
  table_->selectRow(idx.row());
  table_->scrollTo(idx);
  TestLog(QString("history selected incident=%1").arg(id));
}

void HistoryWindow::UpdateCount() {
  note_->setText(tr("%n incident(s)", "", model_->rowCount()));
  table_->resizeColumnsToContents();
}

qint64 HistoryWindow::SelectedId() const {
  const QModelIndex idx = table_->currentIndex();
  return idx.isValid() ? idx.data(IncidentModel::kIdRole).toLongLong() : 0;
}

void HistoryWindow::ShowDetails() {
  const Incident* i = model_->Find(SelectedId());
  if (!i) {
    details_->setHtml("<p>" + tr("Select an incident to see its details.").toHtmlEscaped() + "</p>");
    report_->setEnabled(false);
    return;
  }
  details_->setHtml(Texts::DetailsHtml(*i, *names_));
  TestLog(QString("history details incident=%1").arg(i->id));
  // The service records one decision per incident: a report is possible only before any.
  report_->setEnabled(i->decision.isEmpty());
}

void HistoryWindow::ReportFalseAlarm() {
  const qint64 id = SelectedId();
  if (!id) return;
  bool ok = false;
  const QString reason = QInputDialog::getMultiLineText(
      this, tr("Report a false alarm"),
      tr("Why is this not sensitive? Your report goes to the security officer."), QString(), &ok);
  if (!ok || reason.trimmed().isEmpty()) return;
  client_->Request({{"op", "decide"}, {"incident", id}, {"decision", "false_alarm"},
                    {"justification", reason.trimmed()}},
                   [this, id](const QJsonObject& r) {
                     if (!r.value("ok").toBool()) {
                       QMessageBox::warning(this, tr("Report a false alarm"),
                                            tr("The report was not recorded: %1")
                                                .arg(r.value("error").toObject().value("message").toString()));
                       return;
                     }
                     TestLog(QString("false alarm reported incident=%1").arg(id));
                     Refresh();
                   });
}

}  // namespace dlp::tray
