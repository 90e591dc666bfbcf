// Bad input through the real binary: `faultline check FILE` must exit 65 and
// print exactly one line naming FILE:LINE (DESIGN.md's exit codes).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

struct Outcome {
  int code = -1;
  std::string err;
};

// Runs FL_BINARY with argv (no shell) and captures its stderr.
Outcome run_faultline(const std::vector<std::string>& args) {
  char tmpl[] = "/tmp/fl-history-stderr-XXXXXX";
  int fd = mkstemp(tmpl);
  REQUIRE(fd >= 0);
  std::vector<std::string> argv_s = {FL_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fd, 2);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fd);
  Outcome out;
  if (rc == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    out.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::ifstream in(tmpl);
  std::stringstream ss;
  ss << in.rdbuf();
  out.err = ss.str();
  std::remove(tmpl);
  return out;
}

struct Case {
  const char* file;
  int line;
};

// Every file of tests/data/malformed with the line its error must name.
const Case kCases[] = {
    {"truncated_last_line.jsonl", 3},
    {"not_an_object.jsonl", 2},
    {"missing_type.jsonl", 2},
    {"process_wrong_type.jsonl", 1},
    {"unknown_type.jsonl", 2},
    {"completion_without_invocation.jsonl", 3},
    {"double_invocation.jsonl", 2},
    {"bad_utf8.jsonl", 2},
    {"huge_integer.jsonl", 1},
    {"huge_exponent.jsonl", 3},
    {"not_json.jsonl", 2},
    {"negative_index.jsonl", 1},
    {"f_not_a_string.jsonl", 1},
    {"control_character.jsonl", 2},
    {"edn_unterminated_string.edn", 3},
    {"edn_unclosed_vector.edn", 2},
    {"edn_mismatched_bracket.edn", 1},
    {"edn_odd_map.edn", 2},
    {"edn_missing_f.edn", 3},
    {"edn_not_a_map.edn", 2},
    {"edn_bad_number.edn", 1},
    {"edn_double_invocation.edn", 2},
    {"edn_bad_escape.edn", 1},
    {"edn_extra_closer.edn", 3},
    {"jepsen_bad_value.log", 3},
    {"jepsen_huge_process.log", 2},
    {"jepsen_f_bad_utf8.log", 2},
    {"jepsen_completion_without_invocation.log", 3},
    {"unknown_format.txt", 2},
};

void expect_bad_input(const std::string& path, int line) {
  INFO(path);
  Outcome o = run_faultline({"check", path});
  INFO(o.err);
  CHECK(o.code == 65);
  CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 1);
  CHECK(o.err.back() == '\n');
  CHECK(o.err.find(path + ":" + std::to_string(line) + ":") != std::string::npos);
  CHECK(o.err.find("internal") == std::string::npos);
}

}  // namespace

TEST_CASE("each malformed history exits 65 with one line naming file and line") {
  for (const Case& c : kCases) expect_bad_input(std::string(FL_TEST_DATA) + "/malformed/" + c.file, c.line);
}

TEST_CASE("a value nested 100000 deep exits 65 instead of overflowing the stack") {
  std::string jsonl = "/tmp/fl-history-deep.jsonl", edn = "/tmp/fl-history-deep.edn";
  {
    std::ofstream out(jsonl);
    out << "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n";
    out << "{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"value\":" << std::string(100000, '[')
        << std::string(100000, ']') << "}\n";
  }
  {
    std::ofstream out(edn);
    out << "[{:process 0, :type :invoke, :f :read, :value nil}\n";
    out << " {:process 0, :type :ok, :f :read, :value " << std::string(100000, '[') << std::string(100000, ']')
        << "}]\n";
  }
  expect_bad_input(jsonl, 2);
  expect_bad_input(edn, 2);
  std::remove(jsonl.c_str());
  std::remove(edn.c_str());
}
