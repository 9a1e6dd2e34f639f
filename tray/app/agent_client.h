// The tray's connection to dlp-agentd: one local socket carrying requests (matched to replies by
// `id`) and, after `subscribe`, the pushed events. Reconnects every two seconds while the service
// is down; requests made meanwhile are answered at once with error code `unavailable`.
//
// Thread safety: main thread only (Qt event loop).
#ifndef DLP_TRAY_APP_AGENT_CLIENT_H_
#define DLP_TRAY_APP_AGENT_CLIENT_H_

#include <QHash>
#include <QJsonObject>
#include <QLocalSocket>
#include <QTimer>
#include <functional>
#include <memory>

#include "ipc/framing.h"

namespace dlp::tray {

class AgentClient : public QObject {
  Q_OBJECT

 public:
  // Gets the whole reply object; `ok` false with error.code on failure.
  using Callback = std::function<void(const QJsonObject& reply)>;

  AgentClient(QString socket_path, QObject* parent = nullptr);
  void Start();
  bool connected() const { return ready_; }
  // Adds `v` and `id`; the callback runs once, on the main thread.
  void Request(QJsonObject request, Callback done = {});

  static QString ErrorCode(const QJsonObject& reply);

 signals:
  void Connected();     // hello and subscribe were sent; requests may flow
  void Disconnected();
  void Event(const QJsonObject& event);

 private:
  void TryConnect();
  void OnConnected();
  void OnReadable();
  void OnLost();
  void Send(const QJsonObject& o);
  void FailAll();

  QString path_;
  QLocalSocket socket_;
  QTimer retry_;
  ipc::FrameDecoder decoder_{ipc::kMaxRequestBytes * 2};
  qint64 next_id_ = 1;
  QHash<qint64, Callback> pending_;
  bool ready_ = false;
};

// The socket path clients use: $DLP_AGENT_SOCKET, else the user-mode socket when it exists,
// else the system socket (service/ipc/unix_socket.h).
QString DefaultAgentSocket();

}  // namespace dlp::tray

#endif  // DLP_TRAY_APP_AGENT_CLIENT_H_
