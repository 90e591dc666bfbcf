// Disk faults end to end over SSH: `faultline test --system course --ssh …`
// against a real sshd inside an fl- namespace, each node's data directory
// mounted through fl-diskfs on the host (--ssh-diskfs names the program, as
// on a host without faultline's build folder). The course's single design
// loses acknowledged adds to lose-unfsynced with durability=write and none
// with durability=fsync, as on a local cluster; a run SIGKILLed with its
// mounts up leaves, after `faultline heal --ssh`, no mount, no fl-diskfs and
// no fl-course; a host without fl-diskfs is refused in one sentence. Needs root, sshd and FUSE here (the "host" is this machine).
// The two course runs take 25 s, so they are [soak]; the SIGKILLed run 4 s.
#include <signal.h>

#include <fstream>

#include "../cluster/sshd_fixture.h"
#include "../nemesis/ssh_heal_guard.h"
#include "cluster/journal.h"
#include "course_support.h"
#include "nemesis/diskfs.h"
#include "nemesis/fault_journal.h"

using namespace fl;
using namespace fl::test;

namespace {

#define FL_REQUIRE_SSH_DISKFS()                                                           \
  do {                                                                                    \
    FL_REQUIRE_SSHD();                                                                    \
    setenv("FL_DISKFS", FL_DISKFS_BINARY, 1);                                             \
    if (std::string why = diskfs_missing(); !why.empty()) FL_SKIP("this test needs " + why); \
  } while (0)

// The course data directories mounted where the host's commands run: the
// mount namespace of its sshd.
std::vector<std::string> course_mounts_for(int sshd_pid) {
  std::vector<std::string> out;
  std::ifstream in("/proc/" + std::to_string(sshd_pid) + "/mountinfo");
  for (std::string line; std::getline(in, line);)
    if (line.find(kCourseDataRoot) != std::string::npos) out.push_back(line);
  return out;
}

// Heals whatever a failed check left (while sshd still answers: declare it
// after the SshdCluster) and removes the course data.
struct SshDiskGuard {
  std::string address;
  ~SshDiskGuard() {
    test::SshHealGuard{address};  // heals now, before the data goes
    std::error_code ec;
    std::filesystem::remove_all(kCourseDataRoot, ec);
  }
};

// `single` on one SSH host: every add goes to n1, and every 2 s of 4 its
// power is cut.
TestOptions single_over_ssh(const SshdCluster& sshd, const std::string& durability, const std::string& store) {
  TestOptions o;
  o.system = "course";
  o.workload = "set";
  o.system_options = {{"data-root", kCourseDataRoot},
                      {"design", "single"},
                      {"binary", FL_COURSE_BINARY},
                      {"durability", durability}};
  o.ssh_hosts = sshd.addresses();
  o.ssh = sshd.options();
  o.ssh.diskfs = FL_DISKFS_BINARY;
  o.schedule = {"2s quiet", "2s lose-unfsynced target=primaries"};
  o.repeat_schedule = true;
  o.quiet_s = 2;
  o.time_limit_s = 8;
  o.concurrency = 10;
  o.timeout_s = 1;
  o.store_dir = store;
  o.progress = false;
  o.plots = false;
  o.print_summary = false;
  return o;
}

}  // namespace

TEST_CASE("course single over SSH: durability=write loses acknowledged adds to a power cut, durability=fsync none",
          "[ssh][soak]") {
  FL_REQUIRE_SSH_DISKFS();
  SshdCluster sshd(1);
  SshDiskGuard guard{sshd.addresses()[0]};
  TempStore store;

  TestOutcome lossy = TestRun(single_over_ssh(sshd, "write", store.path)).run();
  CHECK(lossy.results.value("data-mount", "") == "fl-diskfs");
  CHECK(verdict_of(lossy, "set") == "invalid");
  CHECK(lossy.results["checkers"]["set"].value("lost-count", 0) > 0);
  CHECK(course_mounts_for(sshd.sshd_pid(0)).empty());

  TestOutcome whole = TestRun(single_over_ssh(sshd, "fsync", store.path)).run();
  CHECK(whole.results.value("data-mount", "") == "fl-diskfs");
  CHECK(verdict_of(whole, "set") == "valid");
  CHECK(whole.counts.ok > 50);
  CHECK(course_mounts_for(sshd.sshd_pid(0)).empty());
  CHECK(processes_left(FL_DISKFS_BINARY, kCourseDataRoot).empty());
  CHECK(processes_left(FL_COURSE_BINARY, kCourseDataRoot).empty());
  CHECK_FALSE(std::filesystem::exists(journal::dir() + "/hosts"));
}

TEST_CASE("over SSH, torn-write, disk-corrupt, disk-truncate and disk-rollback each crash the node and say what they "
          "did to its files",
          "[ssh][soak]") {
  FL_REQUIRE_SSH_DISKFS();
  SshdCluster sshd(1);
  SshDiskGuard guard{sshd.addresses()[0]};
  TempStore store;
  TestOptions o = single_over_ssh(sshd, "fsync", store.path);
  o.schedule = {"1s quiet", "1s torn-write target=n1",    "1s quiet", "1s disk-corrupt target=n1",
                "1s quiet", "1s disk-truncate target=n1", "1s quiet", "1s disk-rollback target=n1",
                "1s quiet", "1s disk-rollback target=n1"};
  o.repeat_schedule = false;
  o.time_limit_s = 18;  // the phases end at 10 s; the rest is room for crashes and restarts over SSH
  TestOutcome out = TestRun(o).run();
  CHECK(out.results.value("data-mount", "") == "fl-diskfs");
  std::ifstream in(out.run_dir + "/history.jsonl");
  std::string nemesis;
  for (std::string line; std::getline(in, line);)
    if (line.find("\"process\":\"nemesis\"") != std::string::npos) nemesis += line + "\n";
  INFO(nemesis);
  CHECK(nemesis.find("bytes of the newest write") != std::string::npos);
  CHECK(nemesis.find("bytes of single.wal at") != std::string::npos);
  CHECK(nemesis.find("cut single.wal from") != std::string::npos);
  CHECK(nemesis.find("no file had a copy yet") != std::string::npos);
  CHECK(nemesis.find("rolled single.wal back to its snapshot") != std::string::npos);
  CHECK(course_mounts_for(sshd.sshd_pid(0)).empty());
  CHECK(processes_left(FL_DISKFS_BINARY, kCourseDataRoot).empty());
}

TEST_CASE("a run over SSH is refused without fl-diskfs there, and one SIGKILLed with its data on it leaves, after "
          "`faultline heal --ssh`, no mount and no fl-diskfs",
          "[ssh]") {
  FL_REQUIRE_SSH_DISKFS();
  SshdCluster sshd(1);
  SshDiskGuard guard{sshd.addresses()[0]};
  TempStore store;
  SshOptions o = sshd.options();
  const int sshd_pid = sshd.sshd_pid(0);
  auto run_argv = [&](const std::string& diskfs) {
    return Argv{FL_BINARY, "test", "--system", "course", "--opt", "design=single", "--opt",
                std::string("binary=") + FL_COURSE_BINARY, "--opt", std::string("data-root=") + kCourseDataRoot,
                "--workload", "set", "--schedule", "1s quiet", "--schedule", "60s lose-unfsynced target=n1",
                "--time-limit", "60",
                "--store", store.path, "--no-progress", "--ssh", sshd.addresses()[0], "--ssh-user", "root",
                "--ssh-key", o.key, "--ssh-known-hosts", o.known_hosts, "--ssh-strict-host-keys", "--ssh-diskfs",
                diskfs};
  };
  // A host without the program: refused once connected, in one sentence.
  RunResult refused = run_process(run_argv("/nonexistent/fl-diskfs"), {std::chrono::seconds(60), {}, {}});
  CHECK(refused.exit_code == 64);
  CHECK_THAT(refused.err, Catch::Contains("the lose-unfsynced nemesis needs fl-diskfs on n1 (" + sshd.addresses()[0] +
                                          "), which has no program /nonexistent/fl-diskfs"));
  CHECK(course_mounts_for(sshd_pid).empty());

  std::string log = store.path + ".log";
  int pid = spawn_daemon(run_argv(FL_DISKFS_BINARY), log);
  // The data directory mounted on the host, and the power cut made. It lasts
  // the whole run, so the kill never lands while a restart has started a
  // daemon not yet in the host's journal (SshHost::spawn journals it once
  // its pid is known).
  bool cut = false;
  for (int i = 0; i < 300 && !cut; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cut = course_mounts_for(sshd_pid).size() == 1 &&
          !lines_with({"grep", "-rh", "start-lose-unfsynced", store.path}, "lost").empty();
  }
  signal_process(pid, SIGKILL);
  stop_process(pid, std::chrono::milliseconds(100));
  INFO(log);
  REQUIRE(cut);
  CHECK(course_mounts_for(sshd_pid).size() == 1);  // the mount outlived its maker

  RunResult heal = run_process({FL_BINARY, "heal", "--ssh", sshd.addresses()[0], "--ssh-user", "root", "--ssh-key",
                                o.key, "--ssh-known-hosts", o.known_hosts, "--ssh-strict-host-keys"},
                               {std::chrono::seconds(60), {}, {}});
  INFO(heal.out << heal.err);
  CHECK(heal.exit_code == 0);
  CHECK(heal.out.find("unmounted fl-diskfs") != std::string::npos);
  CHECK(course_mounts_for(sshd_pid).empty());
  CHECK(processes_left(FL_DISKFS_BINARY, kCourseDataRoot).empty());
  CHECK(processes_left(FL_COURSE_BINARY, kCourseDataRoot).empty());
  CHECK_FALSE(std::filesystem::exists(journal::dir() + "/hosts"));
  for (const auto& f : journaled_faults()) CHECK(f.value("kind", "") != "diskfs");
}
