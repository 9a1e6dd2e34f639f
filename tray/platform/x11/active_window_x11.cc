// X11: the active window from the window manager (_NET_ACTIVE_WINDOW); without one (a bare X
// server, kiosk sessions) the window holding the input focus, or the one under the pointer when
// focus follows it. The program from WM_CLASS and _NET_WM_PID. Own xcb connection, so this works
// whatever Qt platform plugin runs the widgets.
#include <xcb/xcb.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "platform/active_window.h"
#include "platform/processes.h"

namespace dlp::tray {
namespace {

class X11Probe : public ActiveWindowProbe {
 public:
  X11Probe(xcb_connection_t* c, xcb_window_t root) : c_(c), root_(root) {
    net_active_ = Atom("_NET_ACTIVE_WINDOW");
    net_pid_ = Atom("_NET_WM_PID");
  }
  ~X11Probe() override { xcb_disconnect(c_); }

  ActiveWindow Current() override {
    ActiveWindow out;
    if (xcb_connection_has_error(c_)) return out;
    xcb_window_t w = FocusedWindow();
    if (w == XCB_NONE || w == root_) return out;
    // The focus may sit on a child of the application's window or on a window manager's frame:
    // climb to the first window with WM_CLASS, else look one level down (frame -> client).
    xcb_window_t found = XCB_NONE;
    for (xcb_window_t x = w; x != XCB_NONE && x != root_ && found == XCB_NONE; x = Parent(x))
      if (ReadClass(x, &out)) found = x;
    if (found == XCB_NONE)
      for (xcb_window_t child : Children(w))
        if (ReadClass(child, &out)) { found = child; break; }
    if (found == XCB_NONE) return out;
    out.valid = true;
    out.id = found;
    std::vector<uint8_t> pid = Property(found, net_pid_, XCB_ATOM_CARDINAL);
    if (pid.size() >= 4) {
      uint32_t v;
      std::memcpy(&v, pid.data(), 4);
      out.pid = v;
      out.process = ProcessName(v);
    }
    return out;
  }

 private:
  xcb_atom_t Atom(const char* name) {
    auto* r = xcb_intern_atom_reply(c_, xcb_intern_atom(c_, 0, std::strlen(name), name), nullptr);
    xcb_atom_t a = r ? r->atom : XCB_NONE;
    std::free(r);
    return a;
  }

  std::vector<uint8_t> Property(xcb_window_t w, xcb_atom_t prop, xcb_atom_t type) {
    std::vector<uint8_t> out;
    if (prop == XCB_NONE) return out;
    auto* r = xcb_get_property_reply(c_, xcb_get_property(c_, 0, w, prop, type, 0, 1024), nullptr);
    if (r && r->type != XCB_NONE) {
      const auto* p = static_cast<const uint8_t*>(xcb_get_property_value(r));
      out.assign(p, p + xcb_get_property_value_length(r));
    }
    std::free(r);
    return out;
  }

  xcb_window_t FocusedWindow() {
    std::vector<uint8_t> a = Property(root_, net_active_, XCB_ATOM_WINDOW);
    if (a.size() >= 4) {
      uint32_t w;
      std::memcpy(&w, a.data(), 4);
      if (w != XCB_NONE) return w;
    }
    auto* f = xcb_get_input_focus_reply(c_, xcb_get_input_focus(c_), nullptr);
    xcb_window_t w = f ? f->focus : XCB_NONE;
    std::free(f);
    if (w != XCB_NONE && w != XCB_INPUT_FOCUS_POINTER_ROOT && w != root_) return w;
    // PointerRoot: keystrokes go to the top-level window under the pointer.
    auto* p = xcb_query_pointer_reply(c_, xcb_query_pointer(c_, root_), nullptr);
    w = p ? p->child : XCB_NONE;
    std::free(p);
    return w;
  }

  bool ReadClass(xcb_window_t w, ActiveWindow* out) {
    std::vector<uint8_t> v = Property(w, XCB_ATOM_WM_CLASS, XCB_ATOM_STRING);
    if (v.empty()) return false;
    // "instance\0class\0"
    const char* s = reinterpret_cast<const char*>(v.data());
    size_t n = v.size();
    size_t first = strnlen(s, n);
    out->wm_instance = QString::fromLocal8Bit(s, static_cast<qsizetype>(first));
    if (first + 1 < n)
      out->wm_class = QString::fromLocal8Bit(s + first + 1, static_cast<qsizetype>(strnlen(s + first + 1, n - first - 1)));
    return true;
  }

  xcb_window_t Parent(xcb_window_t w) {
    auto* r = xcb_query_tree_reply(c_, xcb_query_tree(c_, w), nullptr);
    xcb_window_t p = r ? r->parent : XCB_NONE;
    std::free(r);
    return p;
  }

  std::vector<xcb_window_t> Children(xcb_window_t w) {
    std::vector<xcb_window_t> out;
    auto* r = xcb_query_tree_reply(c_, xcb_query_tree(c_, w), nullptr);
    if (r) {
      xcb_window_t* k = xcb_query_tree_children(r);
      out.assign(k, k + xcb_query_tree_children_length(r));
    }
    std::free(r);
    return out;
  }

  xcb_connection_t* c_;
  xcb_window_t root_;
  xcb_atom_t net_active_ = XCB_NONE, net_pid_ = XCB_NONE;
};

}  // namespace

std::unique_ptr<ActiveWindowProbe> ActiveWindowProbe::Create() {
  if (!std::getenv("DISPLAY")) return nullptr;
  int screen_no = 0;
  xcb_connection_t* c = xcb_connect(nullptr, &screen_no);
  if (xcb_connection_has_error(c)) {
    xcb_disconnect(c);
    return nullptr;
  }
  xcb_screen_iterator_t it = xcb_setup_roots_iterator(xcb_get_setup(c));
  for (int i = 0; i < screen_no && it.rem; ++i) xcb_screen_next(&it);
  if (!it.rem) {
    xcb_disconnect(c);
    return nullptr;
  }
  return std::make_unique<X11Probe>(c, it.data->root);
}

}  // namespace dlp::tray
