// Ctrl-C on `faultline test` through the real binary (the memory system: no
// root): a second Ctrl-C tears down at once and exits 130 without
// results.json, leaving a history that reads back. (The first Ctrl-C's drain
// is runner_memory_test's; the signal-to-callback path, interrupts_test's.)
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "history/jsonl.h"
#include "temp_store.h"

extern char** environ;

using namespace fl;
namespace fs = std::filesystem;

namespace {

// The binary as a child we can signal; stdout and stderr go to files.
struct Child {
  pid_t pid = -1;
  Child(std::vector<std::string> args, const std::string& out, const std::string& err) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  // The exit code, or -1; kills the child if it has not exited within `limit`.
  int wait_exit(std::chrono::seconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > until) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        pid = -1;
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  ~Child() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

TEST_CASE("a second Ctrl-C tears down at once and exits 130, writing no results.json", "[no-cluster]") {
  test::TempStore store;
  fs::create_directories(store.path);
  // Unthrottled for a moment: the history is then long enough that the
  // check after the first Ctrl-C is still running when the second comes.
  Child run({FL_BINARY, "test", "--system", "memory", "--workload", "register", "--time-limit", "60",
             "--no-progress", "--store", store.path},
            store.path + "/out", store.path + "/err");
  REQUIRE(run.pid > 0);
  const std::string history = store.path + "/latest/history.jsonl";
  for (int i = 0; i < 500 && !(fs::exists(history) && fs::file_size(history) > 0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(fs::exists(history));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kill(run.pid, SIGINT);
  // Two signals sent at once may arrive as one: wait until the first is taken.
  for (int i = 0; i < 500 && slurp(store.path + "/err").find("stopping") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  kill(run.pid, SIGINT);
  CHECK(run.wait_exit(std::chrono::seconds(30)) == 130);
  const std::string err = slurp(store.path + "/err");
  CHECK(err.find("tearing down at once") != std::string::npos);
  CHECK_FALSE(fs::exists(store.path + "/latest/results.json"));
  // What was recorded reads back (a line cut short by _Exit aside).
  std::string text = slurp(history);
  text = text.substr(0, text.rfind('\n') + 1);
  std::istringstream lines(text);
  CHECK(read_jsonl(lines, history).size() > 0);
}

TEST_CASE("a first Ctrl-C stops the run, which still checks, writes results.json and says it was interrupted", "[no-cluster]") {
  test::TempStore store;
  fs::create_directories(store.path);
  Child run({FL_BINARY, "test", "--system", "memory", "--workload", "register", "--time-limit", "60", "--rate",
             "2000", "--no-progress", "--store", store.path},
            store.path + "/out", store.path + "/err");
  REQUIRE(run.pid > 0);
  const std::string history = store.path + "/latest/history.jsonl";
  for (int i = 0; i < 500 && !(fs::exists(history) && fs::file_size(history) > 0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(run.pid, SIGINT);
  CHECK(run.wait_exit(std::chrono::seconds(30)) == 0);
  CHECK(fs::exists(store.path + "/latest/results.json"));
  CHECK(slurp(store.path + "/out").find("(interrupted)") != std::string::npos);
}
