#include "nemesis/diskfs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cluster/namespace_host.h"
#include "cluster/process.h"
#include "cluster/ssh_host.h"
#include "nemesis/fault_journal.h"

namespace fl {
namespace {

using Clock = std::chrono::steady_clock;

RunOptions within(std::chrono::milliseconds t) {
  RunOptions o;
  o.timeout = t;
  return o;
}

// argv run in faultline's own mount namespace on a local node (see the header).
Argv in_machine_mounts(const Host& host, const Argv& argv) {
  if (!dynamic_cast<const NamespaceHost*>(&host)) return argv;
  Argv a = {"nsenter", fmt::format("--mount=/proc/{}/ns/mnt", getpid()), "--"};
  a.insert(a.end(), argv.begin(), argv.end());
  return a;
}

// How the unmount reaches a node: through its Host, or — its namespace gone —
// on this machine itself.
struct Node {
  std::function<RunResult(const Argv&)> run;
  std::function<void(int)> stop;  // SIGTERM, SIGKILL after a grace, gone
};

Node through(Host& host) {
  return {[&host](const Argv& a) { return host.run(in_machine_mounts(host, a), within(std::chrono::seconds(10))); },
          [&host](int pid) { host.stop(pid, std::chrono::seconds(3)); }};
}

Node on_this_machine() {
  return {[](const Argv& a) { return run_process(a, within(std::chrono::seconds(10))); },
          [](int pid) { stop_process(pid, std::chrono::seconds(3)); }};
}

bool mounted(const Node& n, const std::string& dir) { return n.run({"mountpoint", "-q", dir}).ok(); }

// Ends fl-diskfs `pid` (if that pid is still `program` — fl-diskfs, or the
// path an SSH host was told — and serves `dir`: a reused pid is never
// signalled) — it unmounts on SIGTERM — then makes sure `dir` is no longer a
// mount point. True when it is not.
bool end_mount(const Node& n, const std::string& dir, int pid, const std::string& program) {
  if (pid > 1) {
    RunResult cmd = n.run({"cat", fmt::format("/proc/{}/cmdline", pid)});
    bool ours = cmd.ok() && cmd.out.find(dir) != std::string::npos &&
                (cmd.out.find("fl-diskfs") != std::string::npos || cmd.out.find(program) != std::string::npos);
    if (ours) n.stop(pid);
  }
  if (!mounted(n, dir)) return true;
  // Lazily: a daemon that still holds a file keeps its view until it ends.
  if (!n.run({"fusermount3", "-u", "-z", dir}).ok()) n.run({"umount", "-l", dir});
  return !mounted(n, dir);
}

class DiskfsMount : public DataMount {
 public:
  explicit DiskfsMount(long writeback_ms) : writeback_ms_(writeback_ms) {}
  std::string name() const override { return "fl-diskfs"; }

  void mount(Host& host, const std::string& dir) override {
    std::string binary = diskfs_binary_on(host);
    if (std::string missing = diskfs_missing_on(host); !missing.empty())
      throw EnvironmentError("mounting a data directory through fl-diskfs needs " + missing);
    std::string backing = dir + ".backing";
    host.run_checked({"sh", "-c", "rm -rf \"$1\" && mkdir -p \"$1\" \"$2\"", "sh", backing, dir});
    // Journaled before the mount exists, with the program's pid once known.
    std::string id = journal_fault({{"kind", "diskfs"},
                                    {"dir", dir},
                                    {"backing", backing},
                                    {"program", binary},
                                    {"nodes", node_refs({&host})}},
                                   {&host});
    DaemonSpec spec;
    spec.name = "fl-diskfs";
    Argv argv = {binary, backing, dir, "-f"};
    if (writeback_ms_ > 0) argv.insert(argv.end(), {"--writeback-ms", std::to_string(writeback_ms_)});
    spec.argv = in_machine_mounts(host, argv);
    spec.log_path = log_path(dir);
    int pid = host.spawn(spec);
    amend_fault(id, {{"pid", pid}}, {&host});
    {
      std::lock_guard<std::mutex> lock(mu_);
      mounts_[key(host, dir)] = {id, pid, binary};
    }
    // Mounted once its control file answers (asked first: over SSH each
    // question is a round trip).
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < deadline) {
      if (host.run(in_machine_mounts(host, {binary, "ctl", dir, "status"}), within(std::chrono::seconds(5))).ok())
        return;
      if (!host.alive(pid)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    RunResult log = host.run({"tail", "-n", "3", log_path(dir)});
    unmount(host, dir);
    throw ClusterError(fmt::format("fl-diskfs did not mount {} on {}: {}", dir, host.name(),
                                   log.ok() && !log.out.empty() ? last_output_line(log.out) : "it wrote nothing"));
  }

  void sync(Host& host, const std::string& dir) override { diskfs_ctl(host, dir, {"sync"}); }

  void unmount(Host& host, const std::string& dir) noexcept override {
    try {
      Entry e;
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = mounts_.find(key(host, dir));
        if (it == mounts_.end()) return;
        e = it->second;
        mounts_.erase(it);
      }
      Node n = through(host);
      if (!end_mount(n, dir, e.pid, e.program)) {
        spdlog::warn("fl-diskfs: {} on {} is still mounted; `faultline heal` unmounts it", dir, host.name());
        return;  // the journal keeps it
      }
      // The data back where the daemon kept it: the empty mount point gives
      // way to the backing directory, without fl-diskfs's own state.
      std::string backing = dir + ".backing";
      if (host.run({"rmdir", dir}).ok() && host.run({"mv", backing, dir}).ok())
        host.run({"rm", "-rf", dir + "/.fl-diskfs"});
      forget_fault(e.id, {&host});
    } catch (const std::exception& ex) {
      spdlog::warn("fl-diskfs: unmounting {} on {} failed: {}", dir, host.name(), ex.what());
    }
  }

 private:
  struct Entry {
    std::string id;
    int pid = 0;
    std::string program;
  };
  static std::string key(const Host& h, const std::string& dir) { return h.address() + ":" + dir; }
  static std::string log_path(const std::string& dir) { return dir + ".diskfs.log"; }
  long writeback_ms_ = 0;
  std::mutex mu_;
  std::map<std::string, Entry> mounts_;
};

}  // namespace

std::string diskfs_binary() {
  if (const char* env = std::getenv("FL_DISKFS"); env && *env) return env;
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto beside = self.parent_path() / "fl-diskfs";
    if (access(beside.c_str(), X_OK) == 0) return beside.string();
  }
  return find_program("fl-diskfs");
}

std::string diskfs_binary_on(const Host& host) {
  if (auto* ssh = dynamic_cast<const SshHost*>(&host))
    return ssh->options().diskfs.empty() ? "fl-diskfs" : ssh->options().diskfs;
  return diskfs_binary();
}

std::string diskfs_missing() {
  int fd = ::open("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (fd < 0) return "FUSE (/dev/fuse), which this machine does not offer; load the fuse module or give the container /dev/fuse";
  ::close(fd);
  if (find_program("fusermount3").empty()) return "fusermount3; install fuse3 (scripts/setup)";
  if (find_program("nsenter").empty()) return "nsenter; install util-linux";
  if (diskfs_binary().empty()) return "fl-diskfs beside faultline (or $FL_DISKFS); build the fl-diskfs target";
  return "";
}

// What an SSH host lacks, found by one script: its answer is the line
// "fl-diskfs-probe: WORD", the word naming the gap ("fuse", "fusermount3",
// "absent", "broken" with the program's own complaint after it) or "ok" —
// found among whatever the login shell's rc files print. fl-diskfs run
// without arguments prints its usage and exits 64: anything else (127: no
// such program, or a library it needs is missing) is broken.
constexpr const char* kProbeScript =
    "say() { printf 'fl-diskfs-probe: %s\\n' \"$1\"; exit 0; }\n"
    "(exec 3<>/dev/fuse) 2>/dev/null || say fuse\n"
    "command -v fusermount3 >/dev/null 2>&1 || say fusermount3\n"
    "command -v \"$1\" >/dev/null 2>&1 || say absent\n"
    "out=$(\"$1\" 2>&1 </dev/null); rc=$?\n"
    "[ $rc -eq 64 ] || say \"broken $(printf '%s\\n' \"$out\" | head -n 1)\"\n"
    "say ok\n";

std::string diskfs_missing_on(Host& host) {
  auto* ssh = dynamic_cast<SshHost*>(&host);
  if (!ssh) return diskfs_missing();
  std::string binary = diskfs_binary_on(host);
  RunResult r = host.run({"sh", "-c", kProbeScript, "sh", binary}, within(std::chrono::seconds(20)));
  const std::string marker = "fl-diskfs-probe: ";
  auto at = r.out.rfind(marker);
  if (!r.ok() || at == std::string::npos)
    throw ClusterError(fmt::format("cannot learn whether {} ({}) can mount fl-diskfs: {}", host.name(), host.address(),
                                   last_output_line(r.err.empty() ? r.out : r.err)));
  std::string answer = r.out.substr(at + marker.size());
  answer = answer.substr(0, answer.find('\n'));
  std::string who = fmt::format("{} ({})", host.name(), host.address());
  if (answer == "ok") return "";
  if (answer == "fuse")
    return fmt::format("FUSE (/dev/fuse) on {}, which that host does not offer; load the fuse module there", who);
  if (answer == "fusermount3") return fmt::format("fusermount3 on {}; install fuse3 there", who);
  if (answer == "absent")
    return ssh->options().diskfs.empty()
               ? fmt::format("fl-diskfs on {}, which is not on that host's PATH; install it there or name it with "
                             "--ssh-diskfs",
                             who)
               : fmt::format("fl-diskfs on {}, which has no program {}; install it there or correct --ssh-diskfs", who,
                             binary);
  std::string why = answer.rfind("broken", 0) == 0 ? answer.substr(std::min<size_t>(7, answer.size())) : answer;
  return fmt::format("fl-diskfs on {} to run, and {} there does not ({}); install libfuse3 there or build fl-diskfs "
                     "for that host",
                     who, binary, why.empty() ? "no message" : why);
}

std::string diskfs_unavailable(const std::string& nemesis, const Db* db, bool nodes_on_this_machine) {
  if (std::string missing = nodes_on_this_machine ? diskfs_missing() : ""; !missing.empty())
    return fmt::format("the {} nemesis needs {}", nemesis, missing);
  if (db == nullptr)
    return fmt::format("the {} nemesis acts on a system's data directories; it needs a system under test "
                       "(faultline test)",
                       nemesis);
  NamespaceHost probe("n1", "fl-n1", "127.0.0.1");
  if (db->data_mount_dir(probe).empty())
    return fmt::format("the {} nemesis needs the nodes' data on fl-diskfs, which {} does not support", nemesis,
                       db->name());
  return "";
}

std::shared_ptr<DataMount> make_diskfs_mount(long writeback_ms) { return std::make_shared<DiskfsMount>(writeback_ms); }

std::string diskfs_ctl(Host& host, const std::string& dir, const Argv& command) {
  Argv argv = {diskfs_binary_on(host), "ctl", dir};
  argv.insert(argv.end(), command.begin(), command.end());
  RunResult r = host.run(in_machine_mounts(host, argv), within(std::chrono::seconds(20)));
  std::string words;
  for (const auto& w : command) words += (words.empty() ? "" : " ") + w;
  if (!r.ok())
    throw ClusterError(fmt::format("fl-diskfs on {} did not do `{}`: {}", host.name(), words,
                                   last_output_line(r.err.empty() ? r.out : r.err)));
  return last_output_line(r.out);
}

void undo_diskfs_mount(const nlohmann::json& entry, const std::vector<Host*>& hosts) {
  std::string dir = entry.value("dir", "");
  int pid = entry.contains("pid") && entry["pid"].is_number_integer() ? entry["pid"].get<int>() : 0;
  std::string program = entry.value("program", "fl-diskfs");
  if (dir.empty() || dir == "/") return;
  std::string left;
  for (Host* host : hosts) {
    auto* ns = dynamic_cast<NamespaceHost*>(host);
    bool gone = ns && access(("/run/netns/" + ns->netns()).c_str(), F_OK) != 0;
    if (!end_mount(gone ? on_this_machine() : through(*host), dir, pid, program))
      left += (left.empty() ? "" : ", ") + host->name();
  }
  if (!left.empty()) throw ClusterError(fmt::format("{} is still mounted on {}", dir, left));
}

}  // namespace fl
