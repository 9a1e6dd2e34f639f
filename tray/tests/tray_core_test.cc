// The tray's display-free logic: incident parsing, the model with its filter and search, the
// state the icon shows, notification texts in both languages, and the guarded-application list.
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTranslator>
#include <QtTest>

#include "core/guarded_apps.h"
#include "core/incident_filter.h"
#include "core/incident_model.h"
#include "core/texts.h"
#include "core/tray_state.h"

using namespace dlp::tray;

namespace {

QJsonObject Obj(const char* json) { return QJsonDocument::fromJson(json).object(); }

Incident Make(qint64 id, const char* action, const char* channel, const char* dest, const char* rule,
              const char* masked, const char* decision = nullptr) {
  QJsonObject o{{"incident", id}, {"time", "2026-11-22T03:12:00.123Z"}, {"channel", channel},
                {"destination", dest}, {"group", "public_ai"}, {"action", action},
                {"types", QJsonArray{"cccd"}}, {"rules", QJsonArray{rule}}, {"count", 1},
                {"masked", masked}, {"decision", decision ? QJsonValue(decision) : QJsonValue()},
                {"justification", ""}};
  Incident i;
  Incident::FromJson(o, &i);
  return i;
}

}  // namespace

class TrayCoreTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QVERIFY(vi_.load(":/i18n/dlp-tray_vi.qm"));
    QCoreApplication::installTranslator(&vi_);
    Texts::SetLanguage("vi");
    names_.Add("vn.id.cccd", QString::fromUtf8("Số căn cước công dân (CCCD)"), "Citizen identity card number (CCCD)");
  }

  void IncidentFromHistoryJson() {
    Incident i = Make(7, "block", "paste", "https://chatgpt.com/c/1", "vn.id.cccd", "00********45");
    QCOMPARE(i.id, 7);
    QCOMPARE(i.rules, QStringList{"vn.id.cccd"});
    QVERIFY(i.time.isValid());
    QVERIFY(i.decision.isEmpty());  // null decision
    Incident bad;
    QVERIFY(!Incident::FromJson(Obj("{\"time\": \"x\"}"), &bad));
  }

  void ModelKeepsNewestFirstAndUpserts() {
    IncidentModel m(&names_);
    m.Reset({Make(1, "warn", "clipboard", "desktop://claude.ai/", "vn.phone", "09******78"),
             Make(3, "block", "paste", "https://chatgpt.com/", "vn.id.cccd", "00********45")});
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(m.At(0)->id, 3);
    m.Upsert(Make(2, "block", "drop", "https://gemini.google.com/", "vn.id.cccd", "07********21"));
    QCOMPARE(m.rowCount(), 3);
    QCOMPARE(m.At(1)->id, 2);
    m.Upsert(Make(3, "block", "paste", "https://chatgpt.com/", "vn.id.cccd", "00********45", "cancel"));
    QCOMPARE(m.rowCount(), 3);
    QCOMPARE(m.index(0, IncidentModel::kDecision).data().toString(), QString::fromUtf8("Đã hủy"));
    QCOMPARE(m.index(0, IncidentModel::kRules).data().toString(), QString::fromUtf8("Số căn cước công dân (CCCD)"));
    QCOMPARE(m.index(2, IncidentModel::kRules).data().toString(), QString("vn.phone"));  // unknown: the id
    QCOMPARE(m.index(2, IncidentModel::kDestination).data().toString(), QString::fromUtf8("claude.ai (ứng dụng máy tính)"));
    QCOMPARE(m.headerData(IncidentModel::kTime, Qt::Horizontal, Qt::DisplayRole).toString(), QString::fromUtf8("Thời gian"));
  }

  void FilterByActionAndDiacriticFreeSearch() {
    IncidentModel m(&names_);
    m.Reset({Make(1, "warn", "clipboard", "desktop://claude.ai/", "vn.phone", "09******78"),
             Make(2, "block", "paste", "https://chatgpt.com/", "vn.id.cccd", "00********45")});
    IncidentFilter f;
    f.setSourceModel(&m);
    QCOMPARE(f.rowCount(), 2);
    f.SetAction("block");
    QCOMPARE(f.rowCount(), 1);
    f.SetAction("");
    f.SetQuery("can cuoc");  // no diacritics typed
    QCOMPARE(f.rowCount(), 1);
    QCOMPARE(f.index(0, 0).data(IncidentModel::kIdRole).toLongLong(), 2);
    f.SetQuery(QString::fromUtf8("BỘ NHỚ tạm"));  // the clipboard channel's label, any case
    QCOMPARE(f.rowCount(), 1);
    f.SetQuery("chatgpt 00****");
    QCOMPARE(f.rowCount(), 1);
    f.SetQuery("nothing-like-this");
    QCOMPARE(f.rowCount(), 0);
    QCOMPARE(FoldForSearch(QString::fromUtf8("Đường ĐẶNG")), QString("duong dang"));
  }

  void StateFromStatusAndClients() {
    const QJsonObject st = Obj("{\"ok\": true, \"bundle\": {\"name\": \"vn-default\", \"version\": 2026112201}, "
        "\"clients\": [{\"client\": \"extension\", \"connected\": false}]}");
    StateInputs in;
    QCOMPARE(ComputeState(in).state, TrayState::kServiceDown);
    in.connected = true;
    in.status = st;
    QCOMPARE(ComputeState(in).state, TrayState::kProtected);  // no browser running
    in.status["bundle"] = QJsonObject{{"name", "vn-default"}, {"version", 0}};  // built-in pack
    QCOMPARE(ComputeState(in).bundle, QString("vn-default"));
    in.status = st;
    QCOMPARE(ComputeState(in).bundle, QString("vn-default 2026112201"));
    in.browsers = {"chromium"};
    QCOMPARE(ComputeState(in).state, TrayState::kExtensionMissing);
    in.status = Obj("{\"ok\": true, \"clients\": [{\"client\": \"tray\", \"connected\": true}, "
        "{\"client\": \"extension\", \"connected\": true}]}");
    QCOMPARE(ComputeState(in).state, TrayState::kProtected);
    in.pending_decisions = 1;
    QCOMPARE(ComputeState(in).state, TrayState::kWarningPending);
    // An older service without `clients`: no false alarm about the extension.
    in.pending_decisions = 0;
    in.status = Obj("{\"ok\": true}");
    QCOMPARE(ComputeState(in).state, TrayState::kProtected);
    QVERIFY(!ComputeState(in).clients_known);
    QCOMPARE(BrowsersAmong({"bash", "chromium", "chromium", "firefox-esr"}, {"chromium", "firefox-esr"}),
             QStringList({"chromium", "firefox-esr"}));
    QCOMPARE(StateTexts::Title(TrayState::kExtensionMissing),
             QString::fromUtf8("Chưa được bảo vệ: thiếu tiện ích trình duyệt"));
  }

  void NotificationTexts() {
    Notification n;
    Incident allow = Make(5, "allow", "paste", "https://chatgpt.com/", "vn.id.cccd", "00********45");
    QVERIFY(!Texts::ForIncident(allow, names_, &n));
    Incident block = Make(5, "block", "paste", "https://chatgpt.com/c/9", "vn.id.cccd", "00********45");
    QVERIFY(Texts::ForIncident(block, names_, &n));
    QCOMPARE(n.title, QString::fromUtf8("Đã chặn nội dung gửi tới chatgpt.com"));
    QVERIFY(n.body.contains(QString::fromUtf8("Kênh: Dán")));
    QVERIFY(n.body.contains(QString::fromUtf8("Số căn cước công dân (CCCD)")));
    QVERIFY(n.body.contains("00********45"));
    QVERIFY(n.critical);
    const QJsonObject reply = Obj("{\"ok\": true, \"action\": \"block\", \"justifying\": [0], "
        "\"findings\": [{\"rule\": \"vn.id.cccd\", \"masked\": \"00********45\", \"name_vi\": \"Số CCCD\", \"name_en\": \"CCCD\"}], "
        "\"message\": {\"vi\": \"Đã chặn: ...\", \"en\": \"Blocked: ...\"}}");
    QVERIFY(Texts::ForCopy(reply, &n));
    QCOMPARE(n.body, QString::fromUtf8("Nội dung vừa sao chép có Số CCCD. Nếu dán vào AI công cộng, thao tác sẽ bị chặn."));
    QCOMPARE(Texts::VerdictMessage(reply), QString::fromUtf8("Đã chặn: ..."));
    QVERIFY(!Texts::ForCopy(Obj("{\"ok\": true, \"action\": \"allow\", \"findings\": []}"), &n));
    QVERIFY(Texts::SwapNotice("ChatGPT").contains("ChatGPT"));
    // English: the service's English names and the source strings.
    QCoreApplication::removeTranslator(&vi_);
    Texts::SetLanguage("en");
    QVERIFY(Texts::ForCopy(reply, &n));
    QCOMPARE(n.body, QString("The copied text contains CCCD. Pasting it into a public AI will be blocked."));
    QVERIFY(Texts::ForIncident(block, names_, &n));
    QCOMPARE(n.title, QString("Blocked: content for chatgpt.com"));
    QCoreApplication::installTranslator(&vi_);
    Texts::SetLanguage("vi");
  }

  void DetailsEscapeEverything() {
    Incident i = Make(9, "warn", "clipboard", "desktop://claude.ai/", "<script>", "<b>x</b>");
    const QString html = Texts::DetailsHtml(i, names_);
    QVERIFY(!html.contains("<script>"));
    QVERIFY(html.contains("&lt;b&gt;x&lt;/b&gt;"));
  }

  void DetailsExplainEachRuleFromTheCatalogue() {
    RuleNames names;
    QJsonArray catalogue{QJsonObject{
        {"rule", "vn.contact.phone"}, {"name_vi", QString::fromUtf8("Số điện thoại")},
        {"name_en", "Phone number"},
        {"explanation_vi", QString::fromUtf8("Số điện thoại là dữ liệu cá nhân.")},
        {"explanation_en", "A phone number is personal data."}}};
    names.AddCatalog(catalogue);
    // A later scan's finding renames it but keeps the explanation.
    names.Add("vn.contact.phone", QString::fromUtf8("Số điện thoại"), "Phone number");
    Incident i = Make(3, "warn", "paste", "https://chatgpt.com/", "phone", "09** *** *78");
    i.rules = QStringList{"vn.contact.phone", "vn.removed.rule"};
    const QString html = Texts::DetailsHtml(i, names);
    QVERIFY(html.contains(QString::fromUtf8("Số điện thoại là dữ liệu cá nhân.")));
    QVERIFY(html.contains("vn.removed.rule"));  // a rule no longer in the bundle shows its id
    QCOMPARE(names.Explanation("vn.removed.rule", "vi"), QString());
  }

  void GuardedAppsMatchByClassOrProcess() {
    GuardedApps apps;
    QString err;
    const QByteArray list = "{\"apps\": [{\"id\": \"chatgpt\", \"name\": \"ChatGPT\", "
        "\"destination\": \"desktop://chatgpt.com/\", \"wm_class\": [\"ChatGPT\"], \"process\": [\"chatgpt-desktop\"]}], "
        "\"browsers\": [\"chromium\"]}";
    const bool parsed = apps.Parse(list, &err);
    QVERIFY2(parsed, qPrintable(err));
    QVERIFY(apps.Match("chatgpt", "", ""));
    QVERIFY(apps.Match("", "CHATGPT", ""));
    QVERIFY(apps.Match("", "", "chatgpt-desktop"));
    QVERIFY(!apps.Match("remmina", "Remmina", "remmina"));
    QCOMPARE(apps.browsers(), QStringList{"chromium"});
    const QByteArray incomplete = "{\"apps\": [{\"id\": \"x\"}]}";
    QVERIFY(!apps.Parse(incomplete, &err));
    QVERIFY(!apps.Parse("not json", &err));
    // The shipped list parses and does not guard remote-desktop clients.
    QVERIFY2(apps.Load(DLP_TRAY_SOURCE_DIR "/guarded_apps.json", &err), qPrintable(err));
    QVERIFY(apps.Match("", "", "claude"));
    QVERIFY(!apps.Match("xfreerdp", "xfreerdp", "xfreerdp"));
  }

 private:
  QTranslator vi_;
  RuleNames names_;
};

QTEST_GUILESS_MAIN(TrayCoreTest)
#include "tray_core_test.moc"
