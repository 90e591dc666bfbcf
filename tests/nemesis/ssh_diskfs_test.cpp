// Disk faults over SSH, against a real sshd inside an fl- namespace: a
// node's data directory mounted through fl-diskfs by SshHost (the program
// named by --ssh-diskfs, as on a host without faultline's build folder), a
// loss that keeps exactly what fsync made durable, and a mount left by a
// crash undone by `faultline heal --ssh` and by plain `faultline heal` —
// no mount, no fl-diskfs, no journal left; and a host that lacks fl-diskfs
// refused in one sentence naming it. One case, one sshd: its start is most
// of the cost. The "host" is this machine, so it needs root, sshd and FUSE
// here.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "../cluster/sshd_fixture.h"
#include "ssh_heal_guard.h"
#include "cluster/host_journal.h"
#include "cluster/journal.h"
#include "cluster/process.h"
#include "nemesis/diskfs.h"
#include "nemesis/fault_journal.h"

using namespace fl;

namespace {

const char* kSshDataRoot = "/tmp/fl-ssh-diskfs-test";
const std::string kSshDataDir = std::string(kSshDataRoot) + "/n1";

// True if `dir` is a mount point where the host's commands run: the mount
// namespace of its sshd (`ip netns exec` gave it one of its own).
bool mounted_for(int sshd_pid, const std::string& dir) {
  std::ifstream in("/proc/" + std::to_string(sshd_pid) + "/mountinfo");
  for (std::string line; std::getline(in, line);)
    if (line.find(" " + dir + " ") != std::string::npos) return true;
  return false;
}

// The pids of fl-diskfs processes serving `dir`.
std::vector<int> diskfs_processes(const std::string& dir) {
  std::vector<int> pids;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream f(e.path() / "cmdline");
    std::string cmd((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    // The program itself (not the fusermount3 that watches it for auto_unmount).
    std::string program = cmd.substr(0, cmd.find('\0'));
    if (program.find("fl-diskfs") != std::string::npos && cmd.find(dir) != std::string::npos &&
        cmd.find(std::string("ctl") + '\0') == std::string::npos)
      pids.push_back(std::stoi(name));
  }
  return pids;
}

std::vector<int> diskfs_processes_left(const std::string& dir) {
  auto left = diskfs_processes(dir);
  for (int i = 0; i < 50 && !left.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    left = diskfs_processes(dir);
  }
  return left;
}

bool has_diskfs_entry(const std::vector<nlohmann::json>& faults) {
  for (const auto& f : faults)
    if (f.value("kind", "") == "diskfs") return true;
  return false;
}


struct RemoveRoot {
  RemoveRoot() { std::filesystem::remove_all(kSshDataRoot); }
  ~RemoveRoot() {
    std::error_code ec;
    std::filesystem::remove_all(kSshDataRoot, ec);
  }
};

// What the heal commands need to reach the host.
Argv heal_argv(const test::SshdCluster& sshd, const SshOptions& o) {
  return {FL_BINARY,      "heal",     "--ssh", sshd.addresses()[0], "--ssh-user", "root", "--ssh-key", o.key,
          "--ssh-known-hosts", o.known_hosts, "--ssh-strict-host-keys"};
}

}  // namespace

TEST_CASE("fl-diskfs over SSH: refused in one sentence without the program, a loss keeps exactly what fsync made "
          "durable, and heal undoes a mount a crash left",
          "[nemesis][ssh][root]") {
  FL_REQUIRE_SSHD();
  setenv("FL_DISKFS", FL_DISKFS_BINARY, 1);  // only for the check below: the host is told by --ssh-diskfs
  if (std::string why = diskfs_missing(); !why.empty()) FL_SKIP("this test needs " + why);
  test::SshdCluster sshd(1);
  RemoveRoot remove_root;
  // Declared last, so it runs first, while sshd still answers: a failed
  // check leaves no mount, no journal entry for the next test.
  test::SshHealGuard heal_after{sshd.addresses()[0]};
  SshOptions o = sshd.options();
  o.diskfs = FL_DISKFS_BINARY;
  const int sshd_pid = sshd.sshd_pid(0);

  // A host without a working fl-diskfs is refused in one sentence naming it
  // and the flag, before anything is journaled or made.
  {
    const std::string who = "n1 (" + sshd.addresses()[0] + ")";
    SshOptions bad = sshd.options();
    bad.diskfs = "/nonexistent/fl-diskfs";
    SshHost absent("n1", sshd.addresses()[0], bad);
    std::string why = diskfs_missing_on(absent);
    CHECK(why == "fl-diskfs on " + who + ", which has no program /nonexistent/fl-diskfs; install it there or correct "
                                         "--ssh-diskfs");
    CHECK_THROWS_WITH(make_diskfs_mount()->mount(absent, kSshDataDir),
                      "mounting a data directory through fl-diskfs needs " + why);
    CHECK(host_journal::read(absent).is_null());  // refused before anything was journaled or made
    CHECK_FALSE(std::filesystem::exists(kSshDataDir));

    if (find_program("fl-diskfs").empty()) {  // the default: fl-diskfs on the host's PATH
      SshHost on_path("n1", sshd.addresses()[0], sshd.options());
      CHECK(diskfs_missing_on(on_path) ==
            "fl-diskfs on " + who + ", which is not on that host's PATH; install it there or name it with --ssh-diskfs");
    }

    bad.diskfs = "/bin/false";  // there, but not a program that mounts anything
    SshHost broken("n1", sshd.addresses()[0], bad);
    CHECK(diskfs_missing_on(broken) == "fl-diskfs on " + who +
                                             " to run, and /bin/false there does not (no message); install libfuse3 "
                                             "there or build fl-diskfs for that host");
  }

  {
    SshHost host("n1", sshd.addresses()[0], o);
    REQUIRE(diskfs_missing_on(host).empty());
    auto mount = make_diskfs_mount();
    mount->mount(host, kSshDataDir);
    CHECK(mounted_for(sshd_pid, kSshDataDir));
    // Journaled on the host itself, with the program's pid and path.
    nlohmann::json j = host_journal::read(host);
    REQUIRE(j.is_object());
    REQUIRE(j["faults"].size() == 1);
    CHECK(j["faults"][0]["kind"] == "diskfs");
    CHECK(j["faults"][0]["program"] == FL_DISKFS_BINARY);
    CHECK(j["faults"][0].value("pid", 0) > 1);

    // Durable: synced's contents (fsync) and its name (the directory's
    // fsync). Not: an append after that, a new file, and a file whose
    // contents were fsynced but whose name never was.
    RunResult w = host.run({"sh", "-c",
                            "cd \"$1\" && printf 'durable\\n' > synced && sync synced && sync . && "
                            "printf 'lost\\n' >> synced && printf 'volatile\\n' > unsynced && "
                            "printf 'nameless\\n' > contents-only && sync contents-only",
                            "sh", kSshDataDir});
    INFO(w.err);
    REQUIRE(w.ok());
    CHECK(host.run({"cat", kSshDataDir + "/synced"}).out == "durable\nlost\n");

    CHECK(diskfs_ctl(host, kSshDataDir, {"lose"}).rfind("lost ", 0) == 0);
    CHECK(host.run({"cat", kSshDataDir + "/synced"}).out == "durable\n");
    CHECK(host.run({"ls", "-A", kSshDataDir}).out == "synced\n");

    // The data back in the directory itself on unmount, the journal empty.
    mount->unmount(host, kSshDataDir);
    CHECK_FALSE(mounted_for(sshd_pid, kSshDataDir));
    CHECK(host.run({"cat", kSshDataDir + "/synced"}).out == "durable\n");
    CHECK_FALSE(std::filesystem::exists(kSshDataDir + ".backing"));
    CHECK(host_journal::read(host).is_null());
    CHECK_FALSE(has_diskfs_entry(journaled_faults()));

    // A crash: the mount is made, and its maker forgets it.
    make_diskfs_mount()->mount(host, kSshDataDir);
    REQUIRE(mounted_for(sshd_pid, kSshDataDir));
    REQUIRE(diskfs_processes(kSshDataDir).size() == 1);
  }
  RunResult heal = run_process(heal_argv(sshd, o), {std::chrono::seconds(60), {}, {}});
  INFO(heal.out << heal.err);
  CHECK(heal.exit_code == 0);
  CHECK(heal.out.find("unmounted fl-diskfs from " + kSshDataDir) != std::string::npos);
  CHECK_FALSE(mounted_for(sshd_pid, kSshDataDir));
  CHECK(diskfs_processes_left(kSshDataDir).empty());
  CHECK_FALSE(std::filesystem::exists(journal::dir() + "/hosts"));
  CHECK_FALSE(has_diskfs_entry(journaled_faults()));

  // The same crash healed by plain `faultline heal`, which finds the host in
  // this machine's journal.
  {
    SshHost host("n1", sshd.addresses()[0], o);
    make_diskfs_mount()->mount(host, kSshDataDir);
    REQUIRE(mounted_for(sshd_pid, kSshDataDir));
  }
  heal = run_process({FL_BINARY, "heal"}, {std::chrono::seconds(60), {}, {}});
  INFO(heal.out << heal.err);
  CHECK(heal.exit_code == 0);
  CHECK(heal.out.find("unmounted fl-diskfs from " + kSshDataDir) != std::string::npos);
  CHECK_FALSE(mounted_for(sshd_pid, kSshDataDir));
  CHECK(diskfs_processes_left(kSshDataDir).empty());
  CHECK_FALSE(has_diskfs_entry(journaled_faults()));
}
