// SshdCluster: a local namespace cluster whose every node runs Debian's real
// sshd, listening only on that node's address, with a host key and an
// authorized key made for the test in a temporary folder — so SshHost is
// exercised exactly as on many machines. Everything (sshd daemons, the
// namespaces, the keys, /run/sshd if we made it) is removed by the
// destructor, also when the test fails. Needs root and openssh-server.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cluster/local_cluster.h"
#include "cluster/namespace_host.h"
#include "cluster/process.h"
#include "cluster/ssh_host.h"
#include "netns_probe.h"
#include "tests/skip.h"

namespace fl::test {

constexpr const char* kSshd = "/usr/sbin/sshd";

inline bool sshd_available() { return access(kSshd, X_OK) == 0 && access("/usr/bin/ssh-keygen", X_OK) == 0; }

#define FL_REQUIRE_SSHD()                                                                    \
  do {                                                                                       \
    FL_REQUIRE_ROOT();                                                                       \
    if (!fl::test::sshd_available()) FL_SKIP("this test needs openssh-server (sshd, ssh-keygen)"); \
  } while (0)

// The test subnet of the SSH tests (the other cluster tests use 10.213.91.0/24).
constexpr const char* kSshSubnet = "10.213.92.0/24";
inline std::string ssh_test_address(int node) { return "10.213.92." + std::to_string(10 + node); }

// What `argv` prints when run inside namespace `ns` (e.g. iptables-save).
inline std::string ns_stdout(const std::string& ns, const Argv& argv) {
  Argv full = {"ip", "netns", "exec", ns};
  full.insert(full.end(), argv.begin(), argv.end());
  return run_process(full).out;
}

class SshdCluster {
 public:
  explicit SshdCluster(int nodes) {
    char tmpl[] = "/tmp/fl-sshd-test-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("cannot make a temporary folder");
    dir_ = tmpl;
    keygen(dir_ + "/host_key");
    keygen(dir_ + "/user_key");
    keygen(dir_ + "/other_key");  // a key sshd does not accept
    std::filesystem::copy_file(dir_ + "/user_key.pub", dir_ + "/authorized_keys");
    if (!std::filesystem::exists("/run/sshd")) {  // sshd's privilege-separation folder
      std::filesystem::create_directories("/run/sshd");
      made_run_sshd_ = true;
    }
    ClusterSpec spec;
    spec.nodes = nodes;
    spec.subnet = kSshSubnet;
    cluster_ = LocalCluster::up(spec);
    std::string host_pub = read(dir_ + "/host_key.pub");
    std::ofstream known(dir_ + "/known_hosts");
    for (Host* h : cluster_->hosts()) {
      known << h->address() << " " << host_pub;
      std::string cfg = dir_ + "/sshd_" + h->name() + ".conf";
      std::ofstream(cfg) << "ListenAddress " << h->address() << "\n"
                         << "Port 22\n"
                         << "HostKey " << dir_ << "/host_key\n"
                         << "AuthorizedKeysFile " << dir_ << "/authorized_keys\n"
                         << "PidFile none\nUsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\n"
                         << "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                         << "MaxSessions 32\nMaxStartups 64\nLogLevel ERROR\n"
                         // bash run by sshd reads ~/.bashrc unless it is a nested
                         // shell; this machine's root .bashrc takes seconds (pyenv).
                         << "SetEnv SHLVL=1\n";
      DaemonSpec d;
      d.name = "sshd";
      d.argv = {kSshd, "-D", "-e", "-f", cfg};
      d.log_path = dir_ + "/sshd_" + h->name() + ".log";
      sshd_pids_.push_back(h->spawn(d));
    }
    known.close();
    for (Host* h : cluster_->hosts())
      for (int i = 0; i < 200 && !tcp_answers("", h->address(), 22, 200); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  ~SshdCluster() {
    try {
      for (size_t i = 0; i < sshd_pids_.size(); ++i) stop_process(sshd_pids_[i], std::chrono::seconds(2));
      cluster_.reset();
      LocalCluster::down();
    } catch (...) {
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    if (made_run_sshd_) std::filesystem::remove("/run/sshd", ec);
  }

  SshOptions options() const {
    SshOptions o;
    o.user = "root";
    o.key = dir_ + "/user_key";
    o.known_hosts = dir_ + "/known_hosts";
    o.strict_host_keys = true;
    o.connect_timeout_s = 3;
    return o;
  }
  std::vector<std::unique_ptr<SshHost>> ssh_hosts(const SshOptions& o) const {
    std::vector<std::unique_ptr<SshHost>> v;
    int i = 1;
    for (const std::string& a : addresses()) v.push_back(std::make_unique<SshHost>("n" + std::to_string(i++), a, o));
    return v;
  }
  std::vector<std::string> addresses() const {
    std::vector<std::string> v;
    for (Host* h : cluster_->hosts()) v.push_back(h->address());
    return v;
  }
  LocalCluster& local() { return *cluster_; }
  const std::string& dir() const { return dir_; }
  int sshd_pid(size_t node) const { return sshd_pids_.at(node); }

 private:
  static void keygen(const std::string& path) {
    RunResult r = run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "faultline-test", "-f", path});
    if (!r.ok()) throw std::runtime_error("ssh-keygen failed: " + r.err);
  }
  static std::string read(const std::string& path) {
    std::ifstream f(path);
    std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    return s;
  }
  struct Down {
    Down() { LocalCluster::down(); }
    ~Down() {
      try {
        LocalCluster::down();
      } catch (...) {
      }
    }
  } down_;
  std::string dir_;
  bool made_run_sshd_ = false;
  std::unique_ptr<LocalCluster> cluster_;
  std::vector<int> sshd_pids_;
};

}  // namespace fl::test
