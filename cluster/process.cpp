// The one place that forks (see process.h). fork+exec rather than
// posix_spawn because the child needs setpgid/setsid, close_range and a
// working directory, and must report an exec failure back to the parent.
#include "cluster/process.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

extern char** environ;

namespace fl {
namespace {

// argv/envp as the C arrays exec wants, built before fork (the child of a
// multi-threaded process may only make async-signal-safe calls).
struct ExecArgs {
  std::vector<std::string> storage_env;
  std::vector<char*> argv;
  std::vector<char*> envp;

  ExecArgs(const Argv& a, const Env& env) {
    if (a.empty()) throw ClusterError("cannot run an empty command");
    for (const auto& s : a) argv.push_back(const_cast<char*>(s.c_str()));
    argv.push_back(nullptr);
    for (char** e = environ; e && *e; ++e) {
      std::string kv = *e;
      std::string key = kv.substr(0, kv.find('='));
      bool overridden = false;
      for (const auto& [k, v] : env) overridden = overridden || k == key;
      if (!overridden) storage_env.push_back(kv);
    }
    for (const auto& [k, v] : env) storage_env.push_back(k + "=" + v);
    for (auto& s : storage_env) envp.push_back(s.data());
    envp.push_back(nullptr);
  }
};

// In the child: exec, or write errno to the report pipe and exit 127.
[[noreturn]] void exec_or_report(ExecArgs& ea, int report_fd) {
  execvpe(ea.argv[0], ea.argv.data(), ea.envp.data());
  int e = errno;
  ssize_t ignored = write(report_fd, &e, sizeof e);
  (void)ignored;
  _exit(127);
}

// In the parent: reads the child's exec report; returns 0 if exec succeeded.
int read_exec_report(int fd) {
  int e = 0;
  ssize_t n;
  do n = read(fd, &e, sizeof e); while (n < 0 && errno == EINTR);
  close(fd);
  return n == static_cast<ssize_t>(sizeof e) ? e : 0;
}

void ignore_sigpipe_once() {
  static bool done = [] {
    std::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)done;
}

bool is_zombie(int pid) {
  std::ifstream f(fmt::format("/proc/{}/stat", pid));
  std::string line;
  if (!std::getline(f, line)) return false;
  auto p = line.rfind(')');
  return p != std::string::npos && p + 2 < line.size() && line[p + 2] == 'Z';
}

// Daemons we started and have not yet reaped, and those we reaped (so a pid
// the kernel hands out again is not mistaken for our daemon). Reaping is
// opportunistic — on every call into this file — so a crashed daemon never
// stays a zombie for long, without a SIGCHLD handler that would race with
// run_process() waiting for its own children.
// (Function-local statics: usable from other files' static initializers.)
struct Daemons {
  std::mutex mu;
  std::set<int> running;
  std::set<int> reaped;
};

Daemons& daemons() {
  static Daemons d;
  return d;
}

void reap_daemons() {
  Daemons& d = daemons();
  std::lock_guard<std::mutex> lock(d.mu);
  for (auto it = d.running.begin(); it != d.running.end();) {
    int status;
    if (waitpid(*it, &status, WNOHANG) == *it) {
      d.reaped.insert(*it);
      it = d.running.erase(it);
    } else {
      ++it;
    }
  }
}

bool reaped(int pid) {
  Daemons& d = daemons();
  std::lock_guard<std::mutex> lock(d.mu);
  return d.reaped.count(pid) > 0;
}

}  // namespace

RunResult run_process(const Argv& argv, const RunOptions& opts) {
  ignore_sigpipe_once();
  reap_daemons();
  ExecArgs ea(argv, opts.env);
  int in[2], out[2], err[2], rep[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(rep, O_CLOEXEC))
    throw ClusterError(fmt::format("cannot create pipes to run {}: {}", argv[0], std::strerror(errno)));
  pid_t pid = fork();
  if (pid < 0) throw ClusterError(fmt::format("cannot fork to run {}: {}", argv[0], std::strerror(errno)));
  if (pid == 0) {
    setpgid(0, 0);  // its own group, so a timeout kills its children too
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    int r = rep[1];
    if (r < 3) r = fcntl(r, F_DUPFD_CLOEXEC, 3);
    dup2(r, 3);
    fcntl(3, F_SETFD, FD_CLOEXEC);
    syscall(SYS_close_range, 4U, ~0U, 0U);
    signal(SIGPIPE, SIG_DFL);
    exec_or_report(ea, 3);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  close(rep[1]);
  int exec_errno = read_exec_report(rep[0]);
  if (exec_errno != 0) {
    close(in[1]);
    close(out[0]);
    close(err[0]);
    waitpid(pid, nullptr, 0);
    throw ClusterError(fmt::format("cannot run {}: {}", argv[0], std::strerror(exec_errno)));
  }

  RunResult res;
  auto deadline = std::chrono::steady_clock::now() + opts.timeout;
  size_t written = 0;
  int in_fd = in[1];
  if (opts.input.empty()) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  int fds[2] = {out[0], err[0]};
  std::string* sinks[2] = {&res.out, &res.err};
  int status = 0;
  bool exited = false;
  char buf[8192];
  while (true) {
    pollfd p[3];
    int n = 0;
    int idx[3];
    for (int i = 0; i < 2; ++i)
      if (fds[i] >= 0) { p[n] = {fds[i], POLLIN, 0}; idx[n++] = i; }
    if (in_fd >= 0) { p[n] = {in_fd, POLLOUT, 0}; idx[n++] = 2; }
    if (n == 0) break;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      res.timed_out = true;
      break;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    int rc = poll(p, n, static_cast<int>(std::min<long long>(left, 50)));
    if (rc < 0 && errno != EINTR) break;
    for (int k = 0; k < n && rc > 0; ++k) {
      if (!p[k].revents) continue;
      if (idx[k] == 2) {
        ssize_t w = write(in_fd, opts.input.data() + written, opts.input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 && errno != EAGAIN && errno != EINTR) written = opts.input.size();
        if (written >= opts.input.size()) { close(in_fd); in_fd = -1; }
      } else {
        int i = idx[k];
        ssize_t r = read(fds[i], buf, sizeof buf);
        if (r > 0) sinks[i]->append(buf, static_cast<size_t>(r));
        else if (r == 0 || (errno != EAGAIN && errno != EINTR)) { close(fds[i]); fds[i] = -1; }
      }
    }
    // A grandchild that inherited our pipes must not keep us waiting after the
    // child itself has exited: drain what is there, then stop.
    if (!exited && rc == 0 && waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      for (int i = 0; i < 2; ++i) {
        if (fds[i] < 0) continue;
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
        ssize_t r;
        while ((r = read(fds[i], buf, sizeof buf)) > 0) sinks[i]->append(buf, static_cast<size_t>(r));
        close(fds[i]);
        fds[i] = -1;
      }
    }
  }
  for (int fd : fds) if (fd >= 0) close(fd);
  if (in_fd >= 0) close(in_fd);
  if (res.timed_out) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  }
  if (!exited) {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (res.timed_out) res.exit_code = -1;
  else if (WIFEXITED(status)) res.exit_code = WEXITSTATUS(status);
  else res.exit_code = -1;
  return res;
}

int spawn_daemon(const Argv& argv, const std::string& log_path, const Env& env, const std::string& cwd) {
  reap_daemons();
  ExecArgs ea(argv, env);
  int log = open(log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (log < 0) throw ClusterError(fmt::format("cannot open log {}: {}", log_path, std::strerror(errno)));
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int rep[2];
  if (devnull < 0 || pipe2(rep, O_CLOEXEC)) {
    close(log);
    throw ClusterError(fmt::format("cannot prepare to start {}: {}", argv[0], std::strerror(errno)));
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(log);
    close(devnull);
    throw ClusterError(fmt::format("cannot fork to start {}: {}", argv[0], std::strerror(errno)));
  }
  if (pid == 0) {
    setsid();  // survives the terminal's signals; a group we can signal as one
    dup2(devnull, 0);
    dup2(log, 1);
    dup2(log, 2);
    int r = rep[1];
    if (r < 3) r = fcntl(r, F_DUPFD_CLOEXEC, 3);
    dup2(r, 3);
    fcntl(3, F_SETFD, FD_CLOEXEC);
    syscall(SYS_close_range, 4U, ~0U, 0U);
    signal(SIGPIPE, SIG_DFL);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
      int e = errno;
      ssize_t ignored = write(3, &e, sizeof e);
      (void)ignored;
      _exit(127);
    }
    exec_or_report(ea, 3);
  }
  close(log);
  close(devnull);
  close(rep[1]);
  int exec_errno = read_exec_report(rep[0]);
  if (exec_errno != 0) {
    waitpid(pid, nullptr, 0);
    throw ClusterError(fmt::format("cannot start {}: {}", argv[0], std::strerror(exec_errno)));
  }
  Daemons& d = daemons();
  std::lock_guard<std::mutex> lock(d.mu);
  d.reaped.erase(pid);
  d.running.insert(pid);
  return pid;
}

bool process_alive(int pid) {
  if (pid <= 0) return false;
  reap_daemons();
  if (reaped(pid)) return false;
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  return !is_zombie(pid);
}

void signal_process(int pid, int sig) {
  if (pid > 0) ::kill(pid, sig);
}

void stop_process(int pid, std::chrono::milliseconds grace) {
  if (!process_alive(pid)) return;
  ::kill(pid, SIGTERM);
  ::kill(pid, SIGCONT);  // a paused process cannot act on SIGTERM
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (process_alive(pid) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!process_alive(pid)) return;
  ::kill(pid, SIGKILL);
  for (int i = 0; i < 500 && process_alive(pid); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

std::string last_output_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  const auto p = t.rfind('\n');
  return p == std::string::npos ? t : t.substr(p + 1);
}

std::string find_program(const std::string& program) {
  if (program.empty()) return "";
  if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0 ? program : "";
  const char* env = std::getenv("PATH");
  std::string path = env ? env : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t colon = path.find(':', start);
    if (colon == std::string::npos) colon = path.size();
    std::string dir = path.substr(start, colon - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = colon + 1;
  }
  return "";
}

}  // namespace fl
