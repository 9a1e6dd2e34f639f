// A small fixed pool of scan workers. Connection threads hand scans to it and wait, so CPU use
// stays at the pool's size however many clients connect, and each worker holds at most one
// Hyperscan scratch at a time. A full queue refuses work ("busy") instead of growing.
//
// Thread safety: Submit() may be called from any thread.
#ifndef DLP_SERVICE_AGENTD_WORKER_POOL_H_
#define DLP_SERVICE_AGENTD_WORKER_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace dlp::agentd {

class WorkerPool {
 public:
  WorkerPool(int workers, size_t max_queue);
  ~WorkerPool();
  // Runs `task` on a worker and waits for it; false if the queue is full.
  bool RunAndWait(std::function<void()> task);
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void Loop();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  size_t max_queue_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace dlp::agentd

#endif  // DLP_SERVICE_AGENTD_WORKER_POOL_H_
