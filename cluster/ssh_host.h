// SshHost: a node on another machine, reached with the OpenSSH client. Every
// command is an argv vector: each word is quoted for the remote shell, so no
// input ever becomes shell syntax. One control master per host carries every
// command (BatchMode=yes: key authentication only, never a prompt); connect
// and command timeouts are enforced here and on the host (`timeout`), so a
// hung command or a dead host ends in a ClusterError naming the host, never a
// hang. Daemons are started on the host in their own session (a lost SSH
// connection neither kills nor hides them) and recorded in the host's own
// journal (host_journal.h), so `faultline heal --ssh` stops them after a crash.
// Thread-safe: commands from several threads share the master, at most
// kMaxSessions at a time (sshd's MaxSessions defaults to 10).
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/host.h"

namespace fl {

// How to reach the hosts; the same for every host of a run.
struct SshOptions {
  std::string user;                  // "" = ssh's default (the local user, or ~/.ssh/config)
  std::string key;                   // identity file; "" = ssh's defaults
  int port = 22;                     // unless the host says host:port
  double connect_timeout_s = 5;      // TCP connect + authentication
  std::string known_hosts;           // UserKnownHostsFile; "" = ssh's default
  bool strict_host_keys = false;     // false: accept a new host's key, refuse a changed one
  bool real_clocks = false;          // clock faults may set this host's real clock
  std::string diskfs;                // fl-diskfs on the hosts (disk faults); "" = `fl-diskfs` on their PATH

  nlohmann::json to_json() const;
  static SshOptions from_json(const nlohmann::json& j);
};

// "host", "host:port", "user@host", "[v6]:port" → destination, port.
struct SshTarget {
  std::string user;
  std::string host;
  int port = 0;  // 0 = SshOptions::port
};
// Throws SettingsError for an empty host or a port out of range.
SshTarget parse_ssh_target(const std::string& spec);

class SshHost : public Host {
 public:
  static constexpr int kMaxSessions = 8;

  // name "n1"; spec "10.0.0.5", "db1.example:2222", "admin@db1". Does not
  // connect yet: connect() (or the first command) does.
  SshHost(std::string name, const std::string& spec, SshOptions opts);
  ~SshHost() override;  // closes the control master

  const std::string& name() const override { return name_; }
  // The host's IPv4 address as the other nodes reach it (resolved once, at
  // connect(); until then, the host as given).
  const std::string& address() const override { return address_; }
  const std::string& destination() const { return target_.host; }
  const SshOptions& options() const { return opts_; }
  // The network interface that carries address() on the host (for tc).
  std::string interface() override;
  bool remote() const override { return true; }
  // The host's boot id: equal to this machine's when the "host" is a
  // namespace here (then its real clock is ours and must not be set).
  std::string boot_id();

  // Starts the control master and learns the host's address and interface.
  // Throws SettingsError (wrong key, unknown host, host key mismatch) or
  // ClusterError (host down, sshd refusing, timeout), each naming the host.
  void connect();

  RunResult run(const Argv& argv, const RunOptions& opts = {}) override;
  int spawn(const DaemonSpec& spec) override;
  bool alive(int pid) override;
  void stop(int pid, std::chrono::milliseconds grace = std::chrono::seconds(5)) override;
  void signal(int pid, int sig) override;
  void upload(const std::string& local_path, const std::string& host_path) override;
  void download(const std::string& host_path, const std::string& local_path) override;

  // SIGKILLs every daemon the host's journal records that is still the very
  // process started (same pid, same start time) and forgets them all — what a
  // crashed run left behind. One line per daemon killed, for humans.
  std::vector<std::string> kill_journaled_daemons();

  // The reference journals keep to reach this host again (with the options).
  nlohmann::json ref() const;

  // The remote shell's word for `arg`: single-quoted, quotes escaped.
  static std::string quote(const std::string& arg);
  // The whole remote command line for argv.
  static std::string command_line(const Argv& argv);

 private:
  Argv ssh_argv(bool master) const;
  RunResult ssh(const Argv& remote, const RunOptions& opts);
  [[noreturn]] void fail(const std::string& ssh_stderr, bool timed_out) const;
  void forget_daemon(int pid);
  void acquire_session();
  void release_session();

  std::string name_, spec_;
  SshTarget target_;
  SshOptions opts_;
  std::string address_;
  std::string interface_;
  std::string boot_id_;
  std::string control_path_;
  std::mutex mu_;               // connect state, pids
  bool connected_ = false;
  int master_pid_ = -1;
  std::map<int, std::string> starts_;  // pid → /proc start time, for daemons we spawned
  std::mutex sessions_mu_;
  std::condition_variable sessions_cv_;
  int sessions_ = 0;
};

}  // namespace fl
