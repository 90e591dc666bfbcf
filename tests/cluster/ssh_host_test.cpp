// SshHost against real sshd daemons inside fl- namespaces (sshd_fixture.h).
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>

#include "cluster/host_journal.h"
#include "cluster/ssh_host.h"
#include "sshd_fixture.h"

using namespace fl;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST_CASE("an SSH host names the target's user, host and port from host, host:port and user@host", "[cluster][ssh][no-cluster]") {
  CHECK(parse_ssh_target("10.0.0.5").host == "10.0.0.5");
  CHECK(parse_ssh_target("10.0.0.5").port == 0);
  CHECK(parse_ssh_target("db1:2222").port == 2222);
  CHECK(parse_ssh_target("admin@db1").user == "admin");
  CHECK(parse_ssh_target("[::1]:22").host == "::1");
  CHECK_THROWS_AS(parse_ssh_target("db1:99999"), SettingsError);
  CHECK_THROWS_AS(parse_ssh_target("-oProxyCommand=x"), SettingsError);
  CHECK_THROWS_AS(parse_ssh_target(""), SettingsError);
}

TEST_CASE("an SSH connect timeout must be a positive, finite number of seconds", "[cluster][ssh][no-cluster]") {
  // NaN passed the `<= 0` test, and ssh_argv and connect() cast it to an
  // integer (UB).
  for (double bad : {0.0, -1.0, std::nan(""), HUGE_VAL}) {
    SshOptions o;
    o.connect_timeout_s = bad;
    CHECK_THROWS_AS(SshHost("n1", "10.0.0.5", o), SettingsError);
  }
}

TEST_CASE("remote command words are single-quoted so no input becomes shell syntax", "[cluster][ssh][no-cluster]") {
  CHECK(SshHost::quote("a b") == "'a b'");
  CHECK(SshHost::quote("it's") == "'it'\\''s'");
  CHECK(SshHost::command_line({"echo", "$HOME", ";rm"}) == "'echo' '$HOME' ';rm'");
}

TEST_CASE("a command over SSH runs with its argv intact, stdin, env and exit code", "[cluster][ssh][root]") {
  FL_REQUIRE_SSHD();
  test::SshdCluster sshd(1);
  SshHost h("n1", sshd.addresses()[0], sshd.options());
  RunResult r = h.run({"printf", "%s|", "a b", "it's", "$HOME", ";rm -rf /", "`id`", "\"q\""});
  REQUIRE(r.ok());
  CHECK(r.out == "a b|it's|$HOME|;rm -rf /|`id`|\"q\"|");
  RunOptions o;
  o.input = "from stdin\n";
  o.env = {{"FL_WORD", "x y"}};
  r = h.run({"sh", "-c", "cat; echo \"$FL_WORD\"; exit 3"}, o);
  CHECK(r.exit_code == 3);
  CHECK(r.out == "from stdin\nx y\n");
  CHECK(h.address() == sshd.addresses()[0]);
  CHECK(h.interface() == "eth0");
  // The "host" is a namespace of this machine: same kernel, same boot id.
  std::ifstream boot("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(boot, id);
  CHECK(h.boot_id() == id);
}

TEST_CASE("a daemon started over SSH outlives the connection, is journaled on its host, and stop ends it",
          "[cluster][ssh][root]") {
  FL_REQUIRE_SSHD();
  test::SshdCluster sshd(1);
  std::string log = sshd.dir() + "/daemon/sleep.log";
  int pid;
  {
    SshHost h("n1", sshd.addresses()[0], sshd.options());
    DaemonSpec d{"sleeper", {"sh", "-c", "echo started in $PWD; exec sleep 600"}, log, {}, "/tmp"};
    pid = h.spawn(d);
    REQUIRE(pid > 1);
    CHECK(h.alive(pid));
    auto j = host_journal::read(h);
    REQUIRE(j.is_object());
    CHECK(j["daemons"][0]["pid"] == pid);
    CHECK(j["daemons"][0]["name"] == "sleeper");
  }  // the control master closes here
  SshHost again("n1", sshd.addresses()[0], sshd.options());
  CHECK(again.alive(pid));
  again.stop(pid, std::chrono::seconds(2));
  CHECK_FALSE(again.alive(pid));
  CHECK(host_journal::read(again).is_null());
  std::ifstream f(log);
  std::string line;
  std::getline(f, line);
  CHECK(line == "started in /tmp");
}

TEST_CASE("upload and download copy a file to a host and back, byte for byte", "[cluster][ssh][root]") {
  FL_REQUIRE_SSHD();
  test::SshdCluster sshd(1);
  SshHost h("n1", sshd.addresses()[0], sshd.options());
  std::string content("bytes\0with a nul\n", 17);
  std::ofstream(sshd.dir() + "/up.bin", std::ios::binary) << content;
  h.upload(sshd.dir() + "/up.bin", sshd.dir() + "/remote/dir/up.bin");
  h.download(sshd.dir() + "/remote/dir/up.bin", sshd.dir() + "/down/up.bin");
  std::ifstream f(sshd.dir() + "/down/up.bin", std::ios::binary);
  std::string back((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  CHECK(back == content);
  CHECK_THROWS_WITH(h.download("/nonexistent/file", sshd.dir() + "/x"), Catch::Contains("n1"));
}

TEST_CASE("a wrong SSH key is a settings error naming the host, within the timeout", "[cluster][ssh][root]") {
  FL_REQUIRE_SSHD();
  test::SshdCluster sshd(1);
  SshOptions o = sshd.options();
  o.key = sshd.dir() + "/other_key";
  SshHost h("n1", sshd.addresses()[0], o);
  auto t = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(h.connect(), SettingsError);
  CHECK_THROWS_WITH(h.run({"true"}), Catch::Contains("n1") && Catch::Contains("--ssh-key"));
  CHECK(seconds_since(t) < 2 * (o.connect_timeout_s + 3));
  o.key = sshd.dir() + "/no_such_key";
  CHECK_THROWS_AS(SshHost("n1", sshd.addresses()[0], o), SettingsError);
}

TEST_CASE("a host that is down is an environment error naming the host, within the timeout", "[cluster][ssh][root]") {
  FL_REQUIRE_SSHD();
  test::SshdCluster sshd(1);
  SshOptions o = sshd.options();
  o.connect_timeout_s = 2;
  // In the cluster's subnet, but no node has this address: nothing answers.
  SshHost h("n9", test::ssh_test_address(88), o);
  auto t = std::chrono::steady_clock::now();
  try {
    h.connect();
    FAIL("connect succeeded");
  } catch (const SettingsError& e) {
    FAIL(std::string("a settings error: ") + e.what());
  } catch (const ClusterError& e) {
    CHECK_THAT(e.what(), Catch::Contains("n9") && Catch::Contains("down or unreachable"));
  }
  CHECK(seconds_since(t) < o.connect_timeout_s + 4);
}

TEST_CASE("sshd refusing the connection is an environment error naming the host", "[cluster][ssh][root]") {
  FL_REQUIRE_SSHD();
  test::SshdCluster sshd(1);
  SshOptions o = sshd.options();
  o.port = 2222;  // the node is up, but nothing listens there
  SshHost h("n1", sshd.addresses()[0], o);
  auto t = std::chrono::steady_clock::now();
  try {
    h.connect();
    FAIL("connect succeeded");
  } catch (const SettingsError& e) {
    FAIL(std::string("a settings error: ") + e.what());
  } catch (const ClusterError& e) {
    CHECK_THAT(e.what(), Catch::Contains("n1") && Catch::Contains("refused"));
  }
  CHECK(seconds_since(t) < o.connect_timeout_s + 3);
}

TEST_CASE("a command that hangs on the host times out, and the host ends it too", "[cluster][ssh][root]") {
  FL_REQUIRE_SSHD();
  test::SshdCluster sshd(1);
  SshHost h("n1", sshd.addresses()[0], sshd.options());
  std::string mark = sshd.dir() + "/hung";
  RunOptions o;
  o.timeout = std::chrono::seconds(1);
  auto t = std::chrono::steady_clock::now();
  RunResult r = h.run({"sh", "-c", "echo $$ > \"$1\"; exec sleep 60", "sh", mark}, o);
  CHECK(r.timed_out);
  CHECK_FALSE(r.ok());
  CHECK(seconds_since(t) < 8);
  CHECK_THROWS_WITH(h.run_checked({"sleep", "60"}, o), Catch::Contains("on n1") && Catch::Contains("timed out"));
  std::ifstream f(mark);
  int pid = 0;
  f >> pid;
  REQUIRE(pid > 1);
  bool gone = false;
  for (int i = 0; i < 50 && !gone; ++i) {
    gone = !h.alive(pid);
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(gone);
}
