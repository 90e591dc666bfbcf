// SshHost (see ssh_host.h). Every remote command is built the same way:
//   ssh <options> -S <control socket> -o ControlMaster=no -- <host> '<word>' '<word>' …
// where each word of the argv is single-quoted for the remote shell and the
// first words are `timeout -k 2 <s>`, so the host ends a hung command even if
// this side has already given up on it. ssh's own failures (exit 255 with its
// own messages) become one sentence naming the host.
#include "cluster/ssh_host.h"

#include <netdb.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "cluster/host_journal.h"
#include "cluster/process.h"

namespace fl {
namespace {

using Clock = std::chrono::steady_clock;

std::string first_line(const std::string& s) {
  std::istringstream in(s);
  std::string line, last;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    // ssh prefixes warnings ("Warning: Permanently added …") we do not need.
    if (!line.empty() && line.rfind("Warning:", 0) != 0) return line;
    if (!line.empty()) last = line;
  }
  return last;
}

bool contains(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

// True if `err` (with exit 255) is ssh's own complaint rather than the remote
// program's output.
bool is_ssh_failure(const std::string& err) {
  for (const char* m : {"ssh: ", "Permission denied", "Host key verification failed", "Connection closed",
                        "Connection reset", "kex_exchange_identification", "Connection timed out",
                        "Connection refused", "REMOTE HOST IDENTIFICATION", "Timeout, server", "Broken pipe",
                        "banner exchange", "Could not resolve"})
    if (contains(err, m)) return true;
  return false;
}

std::string control_dir() {
  std::string dir = fmt::format("/tmp/fl-ssh-{}", geteuid());
  mkdir(dir.c_str(), 0700);
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077) != 0)
    throw ClusterError(fmt::format("{} must be a directory of this user that no one else can open; remove it", dir));
  return dir;
}

// "~/x" → "$HOME/x", as a shell would (config files hold such paths).
std::string expand_home(const std::string& path) {
  const char* home = getenv("HOME");
  if (path.rfind("~/", 0) == 0 && home) return std::string(home) + path.substr(1);
  return path;
}

std::string resolve_ipv4(const std::string& host) {
  in_addr a{};
  if (inet_pton(AF_INET, host.c_str(), &a) == 1) return host;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || !res) return "";
  char buf[INET_ADDRSTRLEN] = {0};
  inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr, buf, sizeof buf);
  freeaddrinfo(res);
  return buf;
}

// /proc/<pid>/stat → (state, start time); state 0 if the process is gone.
std::pair<char, std::string> parse_stat(const std::string& stat) {
  auto p = stat.rfind(')');
  if (p == std::string::npos || p + 2 >= stat.size()) return {0, ""};
  std::istringstream in(stat.substr(p + 2));
  std::string field, start;
  char state = 0;
  for (int i = 3; in >> field; ++i) {
    if (i == 3) state = field[0];
    if (i == 22) {
      start = field;
      break;
    }
  }
  return {state, start};
}

// Starts "$@" on the host in its own session, output appended to the log, and
// prints "<pid> <start time>". setsid does not fork here (a background job of
// a non-interactive shell is no group leader), so $! is the daemon itself.
constexpr const char* kSpawnScript =
    "cwd=$1 log=$2; shift 2\n"
    "mkdir -p \"${log%/*}\" 2>/dev/null\n"
    "if [ -n \"$cwd\" ]; then cd \"$cwd\" || exit 97; fi\n"
    "setsid \"$@\" </dev/null >>\"$log\" 2>&1 &\n"
    "pid=$!\n"
    "echo \"$pid $(sed 's/.*) //' /proc/$pid/stat 2>/dev/null | cut -d' ' -f20)\"\n";

}  // namespace

nlohmann::json SshOptions::to_json() const {
  return {{"user", user},       {"key", key},
          {"port", port},       {"connect_timeout", connect_timeout_s},
          {"known_hosts", known_hosts}, {"strict_host_keys", strict_host_keys},
          {"real_clocks", real_clocks}, {"diskfs", diskfs}};
}

SshOptions SshOptions::from_json(const nlohmann::json& j) {
  SshOptions o;
  if (!j.is_object()) return o;
  o.user = j.value("user", o.user);
  o.key = j.value("key", o.key);
  o.port = j.value("port", o.port);
  o.connect_timeout_s = j.value("connect_timeout", o.connect_timeout_s);
  o.known_hosts = j.value("known_hosts", o.known_hosts);
  o.strict_host_keys = j.value("strict_host_keys", o.strict_host_keys);
  o.real_clocks = j.value("real_clocks", o.real_clocks);
  o.diskfs = j.value("diskfs", o.diskfs);
  return o;
}

SshTarget parse_ssh_target(const std::string& spec) {
  SshTarget t;
  std::string rest = spec;
  if (auto at = rest.find('@'); at != std::string::npos) {
    t.user = rest.substr(0, at);
    rest = rest.substr(at + 1);
  }
  std::string port;
  if (!rest.empty() && rest[0] == '[') {
    auto close = rest.find(']');
    if (close == std::string::npos) throw SettingsError(fmt::format("the SSH host \"{}\" has an unclosed [", spec));
    t.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else if (auto colon = rest.find(':'); colon != std::string::npos && rest.find(':', colon + 1) == std::string::npos) {
    t.host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  } else {
    t.host = rest;
  }
  if (t.host.empty() || t.host[0] == '-')
    throw SettingsError(fmt::format("\"{}\" is not an SSH host (expected host, host:port or user@host)", spec));
  if (!port.empty()) {
    try {
      size_t used = 0;
      t.port = std::stoi(port, &used);
      if (used != port.size()) t.port = -1;
    } catch (const std::exception&) {
      t.port = -1;
    }
    if (t.port < 1 || t.port > 65535) throw SettingsError(fmt::format("the port in SSH host \"{}\" is not 1–65535", spec));
  }
  return t;
}

std::string SshHost::quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

std::string SshHost::command_line(const Argv& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + quote(a);
  return s;
}

SshHost::SshHost(std::string name, const std::string& spec, SshOptions opts)
    : name_(std::move(name)), spec_(spec), target_(parse_ssh_target(spec)), opts_(std::move(opts)) {
  opts_.key = expand_home(opts_.key);
  opts_.known_hosts = expand_home(opts_.known_hosts);
  if (target_.user.empty()) target_.user = opts_.user;
  if (target_.port == 0) target_.port = opts_.port;
  if (!opts_.key.empty() && access(opts_.key.c_str(), R_OK) != 0)
    throw SettingsError(fmt::format("the SSH key {} for {} cannot be read", opts_.key, name_));
  // Finite too: it becomes integer seconds for ssh and a deadline here.
  if (!(opts_.connect_timeout_s > 0) || !std::isfinite(opts_.connect_timeout_s))
    throw SettingsError("the SSH connect timeout must be a positive number of seconds");
  address_ = target_.host;
  control_path_ = fmt::format("{}/{}-{}", control_dir(), getpid(), name_);
}

SshHost::~SshHost() {
  int pid;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pid = master_pid_;
    master_pid_ = -1;
  }
  if (pid > 0) {
    try {
      Argv exit_argv = ssh_argv(false);
      exit_argv.insert(exit_argv.end() - 2, {"-O", "exit"});
      run_process(exit_argv, {std::chrono::seconds(3), {}, {}});
    } catch (...) {
    }
    stop_process(pid, std::chrono::seconds(1));
  }
  std::error_code ec;
  std::filesystem::remove(control_path_, ec);
  std::filesystem::remove(control_path_ + ".log", ec);
  rmdir(std::filesystem::path(control_path_).parent_path().c_str());  // only if empty: others may use it
}

Argv SshHost::ssh_argv(bool master) const {
  int connect_s = std::max(1, static_cast<int>(opts_.connect_timeout_s + 0.999));
  Argv a = {"ssh",
            "-o", "BatchMode=yes",
            "-o", fmt::format("ConnectTimeout={}", connect_s),
            "-o", "ServerAliveInterval=2",
            "-o", "ServerAliveCountMax=3",
            "-o", "LogLevel=ERROR",
            "-o", std::string("StrictHostKeyChecking=") + (opts_.strict_host_keys ? "yes" : "accept-new"),
            "-p", std::to_string(target_.port),
            "-S", control_path_};
  if (!opts_.known_hosts.empty()) a.insert(a.end(), {"-o", "UserKnownHostsFile=" + opts_.known_hosts});
  if (!opts_.key.empty()) a.insert(a.end(), {"-i", opts_.key, "-o", "IdentitiesOnly=yes"});
  if (!target_.user.empty()) a.insert(a.end(), {"-l", target_.user});
  if (master) a.insert(a.end(), {"-M", "-N", "-o", "ControlPersist=no"});
  else a.insert(a.end(), {"-o", "ControlMaster=no"});
  a.insert(a.end(), {"--", target_.host});
  return a;
}

void SshHost::fail(const std::string& err, bool timed_out) const {
  std::string who = fmt::format("{} ({}:{})", name_, target_.host, target_.port);
  std::string line = first_line(err);
  if (contains(err, "Permission denied"))
    throw SettingsError(fmt::format("ssh to {} was refused: the key was not accepted for user {} ({}); check --ssh-key and "
                                    "--ssh-user",
                                    who, target_.user.empty() ? "(default)" : target_.user, line));
  if (contains(err, "Could not resolve hostname"))
    throw SettingsError(fmt::format("the SSH host {} has no address: {}", who, line));
  if (contains(err, "Host key verification failed") || contains(err, "REMOTE HOST IDENTIFICATION"))
    throw SettingsError(fmt::format("the host key of {} does not match the known hosts file; check --ssh-known-hosts",
                                    who));
  if (contains(err, "Connection refused"))
    throw ClusterError(fmt::format("sshd on {} refused the connection: is sshd running and listening on that port?", who));
  if (timed_out || contains(err, "timed out") || contains(err, "No route to host") || contains(err, "Host is down") ||
      contains(err, "Network is unreachable") || contains(err, "Timeout, server"))
    throw ClusterError(fmt::format("{} did not answer over SSH within {:g} s: the host is down or unreachable{}{}", who,
                                   opts_.connect_timeout_s, line.empty() ? "" : " — ", line));
  throw ClusterError(fmt::format("ssh to {} failed: {}", who, line.empty() ? "no message from ssh" : line));
}

void SshHost::connect() {
  std::lock_guard<std::mutex> lock(mu_);
  if (connected_) return;
  control_dir();  // again: another SshHost may have removed it when it was empty
  std::error_code ec;
  std::filesystem::remove(control_path_, ec);
  std::string log = control_path_ + ".log";
  std::filesystem::remove(log, ec);
  master_pid_ = spawn_daemon(ssh_argv(true), log);
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(opts_.connect_timeout_s + 2));
  auto read_log = [&] {
    std::ifstream f(log);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  };
  while (!std::filesystem::exists(control_path_)) {
    if (!process_alive(master_pid_)) {
      master_pid_ = -1;
      fail(read_log(), false);
    }
    if (Clock::now() > deadline) {
      stop_process(master_pid_, std::chrono::milliseconds(200));
      master_pid_ = -1;
      fail(read_log(), true);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  connected_ = true;
  // What the other nodes and tc need: the address (resolved here, as ssh
  // did), the interface that carries it, and the boot id.
  std::string ip = resolve_ipv4(target_.host);
  if (!ip.empty()) address_ = ip;
  RunOptions o;
  o.timeout = std::chrono::seconds(20);
  RunResult r = ssh({"sh", "-c", "cat /proc/sys/kernel/random/boot_id; ip -o -4 addr show"}, o);
  if (!r.ok())
    throw ClusterError(fmt::format("on {}: cannot read the boot id and addresses: {}", name_, first_line(r.err)));
  std::istringstream in(r.out);
  std::getline(in, boot_id_);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string idx, iface, family, cidr;
    words >> idx >> iface >> family >> cidr;
    if (cidr.substr(0, cidr.find('/')) == address_) interface_ = iface;
  }
}

std::string SshHost::interface() {
  connect();
  if (interface_.empty())
    throw ClusterError(fmt::format("no interface of {} carries its address {}, so packet faults have nowhere to go",
                                   name_, address_));
  return interface_;
}

std::string SshHost::boot_id() {
  connect();
  return boot_id_;
}

void SshHost::acquire_session() {
  std::unique_lock<std::mutex> lock(sessions_mu_);
  sessions_cv_.wait(lock, [this] { return sessions_ < kMaxSessions; });
  ++sessions_;
}

void SshHost::release_session() {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  --sessions_;
  sessions_cv_.notify_one();
}

RunResult SshHost::ssh(const Argv& remote, const RunOptions& opts) {
  double secs = std::max(1.0, std::chrono::duration<double>(opts.timeout).count());
  // The host ends the command at the timeout (TERM, then KILL 2 s later);
  // this side waits a little longer for that answer, then gives up itself.
  Argv words = {"timeout", "-k", "2", fmt::format("{:.3f}", secs)};
  if (!opts.env.empty()) {
    words.push_back("env");
    for (const auto& [k, v] : opts.env) words.push_back(k + "=" + v);
  }
  words.insert(words.end(), remote.begin(), remote.end());
  Argv argv = ssh_argv(false);
  argv.push_back(command_line(words));
  RunOptions local;
  local.input = opts.input;
  local.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::duration<double>(secs + opts_.connect_timeout_s + 3));
  auto started = Clock::now();
  acquire_session();
  RunResult r;
  try {
    r = run_process(argv, local);
  } catch (...) {
    release_session();
    throw;
  }
  release_session();
  double took = std::chrono::duration<double>(Clock::now() - started).count();
  if (r.exit_code == 255 && is_ssh_failure(r.err)) fail(r.err, false);
  if (r.timed_out && took < secs) fail(r.err, true);
  if (r.exit_code == 124 && took >= secs - 0.05) {  // `timeout` ended it on the host
    r.timed_out = true;
    r.exit_code = -1;
  }
  return r;
}

RunResult SshHost::run(const Argv& argv, const RunOptions& opts) {
  if (argv.empty()) throw ClusterError("cannot run an empty command");
  connect();
  return ssh(argv, opts);
}

int SshHost::spawn(const DaemonSpec& spec) {
  connect();
  Argv remote = {"sh", "-c", kSpawnScript, "sh", spec.cwd, spec.log_path.empty() ? "/dev/null" : spec.log_path, "env"};
  for (const auto& [k, v] : spec.env) remote.push_back(k + "=" + v);
  remote.insert(remote.end(), spec.argv.begin(), spec.argv.end());
  RunOptions o;
  o.timeout = std::chrono::seconds(20);
  RunResult r = ssh(remote, o);
  int pid = 0;
  std::string start;
  std::istringstream in(r.out);
  in >> pid >> start;
  if (!r.ok() || pid <= 1)
    throw ClusterError(fmt::format("on {}: cannot start {}: {}", name_, spec.name,
                                   r.exit_code == 97 ? "no directory " + spec.cwd : first_line(r.err)));
  {
    std::lock_guard<std::mutex> lock(mu_);
    starts_[pid] = start;
  }
  host_journal::update(*this, [&](nlohmann::json& j) {
    if (!j.is_object()) j = {{"host", ref()}};
    // Daemons that died on their own since are forgotten on the way.
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& d : j.value("daemons", nlohmann::json::array())) {
      RunResult r = run({"cat", fmt::format("/proc/{}/stat", d.value("pid", 0))}, {std::chrono::seconds(10), {}, {}});
      auto [state, started] = parse_stat(r.ok() ? r.out : "");
      if (state != 0 && state != 'Z' && started == d.value("start", "")) kept.push_back(d);
    }
    kept.push_back({{"name", spec.name}, {"pid", pid}, {"start", start}, {"log", spec.log_path}});
    j["daemons"] = kept;
  });
  return pid;
}

bool SshHost::alive(int pid) {
  if (pid <= 1) return false;
  RunResult r = run({"cat", fmt::format("/proc/{}/stat", pid)}, {std::chrono::seconds(10), {}, {}});
  if (!r.ok()) return false;
  auto [state, start] = parse_stat(r.out);
  if (state == 0 || state == 'Z' || state == 'X') return false;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = starts_.find(pid);
  return it == starts_.end() || it->second.empty() || it->second == start;  // a reused pid is not our daemon
}

void SshHost::signal(int pid, int sig) {
  if (pid <= 1) return;
  run({"kill", fmt::format("-{}", sig), std::to_string(pid)}, {std::chrono::seconds(10), {}, {}});
  if (sig != SIGKILL) return;
  // A daemon of ours killed outright is gone: nothing left to journal.
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (starts_.erase(pid) == 0) return;
  }
  forget_daemon(pid);
}

void SshHost::forget_daemon(int pid) {
  host_journal::update(*this, [&](nlohmann::json& j) {
    if (!j.is_object() || !j.contains("daemons")) return;
    nlohmann::json kept = nlohmann::json::array();
    for (auto& d : j["daemons"])
      if (d.value("pid", 0) != pid) kept.push_back(d);
    j["daemons"] = kept;
  });
}

void SshHost::stop(int pid, std::chrono::milliseconds grace) {
  if (alive(pid)) {
    signal(pid, SIGCONT);  // a paused process cannot act on SIGTERM
    signal(pid, SIGTERM);
    auto deadline = Clock::now() + grace;
    while (alive(pid) && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (alive(pid)) {
      signal(pid, SIGKILL);
      for (int i = 0; i < 50 && alive(pid); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    starts_.erase(pid);
  }
  forget_daemon(pid);
}

void SshHost::upload(const std::string& local_path, const std::string& host_path) {
  std::ifstream f(local_path, std::ios::binary);
  if (!f) throw ClusterError(fmt::format("cannot read {} to copy it to {}", local_path, name_));
  std::stringstream ss;
  ss << f.rdbuf();
  RunOptions o;
  o.input = ss.str();
  o.timeout = std::chrono::seconds(60);
  RunResult r = run({"sh", "-c", "mkdir -p \"${1%/*}\" && cat > \"$1\"", "sh", host_path}, o);
  if (!r.ok())
    throw ClusterError(fmt::format("cannot copy {} to {} on {}: {}", local_path, host_path, name_, first_line(r.err)));
}

void SshHost::download(const std::string& host_path, const std::string& local_path) {
  RunResult r = run({"cat", host_path}, {std::chrono::seconds(60), {}, {}});
  if (!r.ok())
    throw ClusterError(fmt::format("cannot copy {} from {}: {}", host_path, name_, first_line(r.err)));
  std::error_code ec;
  auto parent = std::filesystem::path(local_path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream out(local_path, std::ios::binary | std::ios::trunc);
  out << r.out;
  if (!out) throw ClusterError(fmt::format("cannot write {} (copied from {})", local_path, name_));
}

std::vector<std::string> SshHost::kill_journaled_daemons() {
  std::vector<std::string> killed;
  nlohmann::json j = host_journal::read(*this);
  if (!j.is_object()) return killed;
  for (const auto& d : j.value("daemons", nlohmann::json::array())) {
    int pid = d.value("pid", 0);
    RunResult r = run({"cat", fmt::format("/proc/{}/stat", pid)}, {std::chrono::seconds(10), {}, {}});
    auto [state, start] = parse_stat(r.ok() ? r.out : "");
    if (pid > 1 && state != 0 && state != 'Z' && !start.empty() && start == d.value("start", "")) {
      signal(pid, SIGKILL);
      killed.push_back(fmt::format("stopped {} (pid {})", d.value("name", "?"), pid));
    }
  }
  host_journal::update(*this, [](nlohmann::json& j2) {
    if (!j2.is_object()) return;
    j2.erase("daemons");
  });
  return killed;
}

nlohmann::json SshHost::ref() const {
  return {{"name", name_}, {"address", address_}, {"ssh", spec_}, {"ssh_options", opts_.to_json()},
          {"iface", interface_}};
}

}  // namespace fl
