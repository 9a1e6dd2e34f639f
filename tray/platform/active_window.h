// Which window has the keyboard focus, and what program it belongs to: the clipboard hook's
// view of "where would a paste go now". One implementation per windowing system, chosen by
// CMake (x11/; none/ where there is no implementation yet, e.g. Wayland-only, Windows, macOS).
//
// Thread safety: an ActiveWindowProbe belongs to the thread that created it.
#ifndef DLP_TRAY_PLATFORM_ACTIVE_WINDOW_H_
#define DLP_TRAY_PLATFORM_ACTIVE_WINDOW_H_

#include <QString>
#include <memory>

namespace dlp::tray {

struct ActiveWindow {
  bool valid = false;     // false: no focused window could be found
  quint64 id = 0;         // the windowing system's id
  QString wm_instance;    // X11 WM_CLASS instance (or the equivalent)
  QString wm_class;       // X11 WM_CLASS class
  qint64 pid = 0;         // 0 when the window does not say
  QString process;        // process name of pid, when known
};

class ActiveWindowProbe {
 public:
  virtual ~ActiveWindowProbe() = default;
  virtual ActiveWindow Current() = 0;
  // nullptr when this session has no supported windowing system.
  static std::unique_ptr<ActiveWindowProbe> Create();
};

}  // namespace dlp::tray

#endif  // DLP_TRAY_PLATFORM_ACTIVE_WINDOW_H_
