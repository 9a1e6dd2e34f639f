// The user's own incidents: a table with filter and search, a details pane, and "report a false
// alarm". It shows the shared IncidentModel, which holds only what the service returned for
// this user (`history` and pushed events).
//
// Thread safety: main thread only.
#ifndef DLP_TRAY_APP_HISTORY_WINDOW_H_
#define DLP_TRAY_APP_HISTORY_WINDOW_H_

#include <QWidget>

#include "app/agent_client.h"
#include "core/incident_filter.h"
#include "core/incident_model.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTextBrowser;

namespace dlp::tray {

class HistoryWindow : public QWidget {
  Q_OBJECT

 public:
  HistoryWindow(AgentClient* client, IncidentModel* model, const RuleNames* names,
                QWidget* parent = nullptr);
  // Shows the incident's row and details, now and after the next refresh (it may arrive then).
  void Select(qint64 id);
  void Refresh();

 private:
  void ShowDetails();
  void UpdateCount();
  void ReportFalseAlarm();
  qint64 SelectedId() const;

  AgentClient* client_;
  IncidentModel* model_;
  const RuleNames* names_;
  IncidentFilter filter_;
  QLineEdit* search_;
  QComboBox* action_;
  QTableView* table_;
  QTextBrowser* details_;
  QPushButton* report_;
  QLabel* note_;
  qint64 wanted_ = 0;
};

}  // namespace dlp::tray

#endif  // DLP_TRAY_APP_HISTORY_WINDOW_H_
