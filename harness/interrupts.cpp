#include "harness/interrupts.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace fl {
namespace {

std::atomic<int> g_pipe_write{-1};
struct sigaction g_old_int, g_old_term;

extern "C" void on_interrupt(int) {
  int saved = errno;
  int fd = g_pipe_write.load();
  if (fd >= 0) {
    char b = 'i';
    ssize_t n = write(fd, &b, 1);
    (void)n;
  }
  errno = saved;
}

}  // namespace

InterruptWatcher::InterruptWatcher(std::function<void()> first, std::function<void()> second)
    : first_(std::move(first)), second_(std::move(second)) {
  if (pipe2(pipe_, O_CLOEXEC) != 0) throw std::runtime_error("cannot create the interrupt pipe");
  g_pipe_write.store(pipe_[1]);
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
  thread_ = std::thread([this] { loop(); });
}

InterruptWatcher::~InterruptWatcher() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  g_pipe_write.store(-1);
  close(pipe_[1]);  // wakes the watcher with EOF
  if (thread_.joinable()) thread_.join();
  close(pipe_[0]);
}

void InterruptWatcher::loop() {
  int seen = 0;
  for (;;) {
    char b;
    ssize_t n = read(pipe_[0], &b, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // destructor closed the pipe
    ++seen;
    if (seen == 1 && first_) first_();
    else if (seen == 2 && second_) second_();
  }
}

}  // namespace fl
