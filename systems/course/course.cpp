// The `course` and `http` systems: servers that speak the course protocol
// (shared/COURSE.md), run by CourseDb and driven by CourseClient.
//   course: fl-course (built next to faultline) with --design NAME; each
//           --opt K[=V] becomes --K [V] on every node. The design is checked
//           before any cluster exists (`fl-course --describe`), and what it
//           promises picks the workload defaults: the session-guarantee and
//           causal checkers (unique writes, no cas) wherever it promises
//           less than linearizability or serves no cas.
//   http:   any binary (--bin PATH) started the same way: a student's server,
//           judged as if it promised linearizability.
// Options (JSON): "design" and "binary" (course) or "bin" and "bin-args"
// (http), "data-root", "port", "healthy-within-s"; every other option is a
// node flag (`--opt sync` = {"sync": true} → --sync; `--opt reads=primary`
// → --reads primary).
#include <algorithm>
#include <filesystem>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <unistd.h>

#include "cluster/process.h"
#include "systems/course/bank_client.h"
#include "systems/course/course_client.h"
#include "systems/course/course_db.h"
#include "systems/course/lock_client.h"
#include "systems/system.h"

namespace fl {
namespace {

namespace fs = std::filesystem;

// Every system option that is not the system's own becomes a node flag:
// {"sync": true} → --sync, {"reads": "primary"} → --reads primary,
// {"n": 3} → --n 3, {"crdt": false} → --crdt false.
std::vector<std::string> flag_args(const Json& options, const std::vector<std::string>& own) {
  std::vector<std::string> args;
  if (!options.is_object()) return args;
  for (const auto& [key, value] : options.items()) {
    if (std::find(own.begin(), own.end(), key) != own.end()) continue;
    if (key.empty() || key[0] == '-') throw std::invalid_argument(fmt::format("--opt takes KEY[=VALUE], not \"{}\"", key));
    args.push_back("--" + key);
    if (value.is_boolean() && value.get<bool>()) continue;
    args.push_back(value.is_string() ? value.get<std::string>() : value.dump());
  }
  return args;
}

std::string beside_faultline(const std::string& name) {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? name : (self.parent_path() / name).string();
}

void require_executable(const std::string& path, const std::string& what) {
  if (path.empty()) throw std::invalid_argument(what + " needs a server binary");
  std::error_code ec;
  if (!fs::is_regular_file(path, ec) || ::access(path.c_str(), X_OK) != 0)
    throw std::invalid_argument(fmt::format("{} {} is not an executable file", what, path));
}

CourseDbOptions db_options(const Json& options) {
  CourseDbOptions o;
  if (!options.is_object()) return o;
  o.data_root = options.value("data-root", o.data_root);
  o.port = options.value("port", o.port);
  o.healthy_within_s = options.value("healthy-within-s", o.healthy_within_s);
  return o;
}

class CourseSystem : public System {
 public:
  CourseSystem(std::string name, CourseDbOptions db, Json promises)
      : name_(std::move(name)), db_(std::move(db)), promises_(std::move(promises)) {}
  std::string name() const override { return name_; }
  std::vector<std::string> workloads() const override {
    std::vector<std::string> w;
    if (serves("read") && serves("write")) w = {"register", "kv"};
    if (serves("add")) w.push_back("set");
    if (serves("lock") && serves("store")) w.push_back("lock");
    if (serves("bank")) w.push_back("bank");
    return w;
  }
  Json workload_defaults(const std::string& workload) const override {
    Json d = Json::object();
    // A design's bank is its own: --describe says how many accounts and their total.
    if (workload == "bank") {
      const Json& bank = promises_.value("bank", Json::object());
      if (bank.contains("accounts")) d["accounts"] = bank["accounts"];
      if (bank.contains("total")) d["total"] = bank["total"];
      return d;
    }
    if (workload != "register" && workload != "kv") return d;
    // A design weaker than linearizability is judged by the session and
    // causal checkers too; they need unique writes, so no cas. A design
    // without cas gets unique writes as well (they also make the
    // linearizability search cheap), and the extra checkers cost little.
    if (!serves("cas") || !promises_.value("linearizable", true)) {
      d["mix"] = {{"read", 1}, {"write", 1}, {"cas", 0}};
      d["sessions"] = true;
    }
    return d;
  }
  Db& db() override { return db_; }
  std::unique_ptr<Client> make_client(const std::string& workload, Host* node,
                                      const ClientOptions& opts) override {
    if (!node) throw std::invalid_argument("a course client needs a node");
    if (workload == "lock") return std::make_unique<LockClient>(db_.url(*node), opts.timeout_s);
    if (workload == "bank") return std::make_unique<BankClient>(db_.url(*node), opts.timeout_s);
    return std::make_unique<CourseClient>(CourseClientOptions{db_.url(*node), workload, opts.timeout_s});
  }

 private:
  bool serves(const std::string& what) const {
    if (!promises_.contains("serves")) return true;  // a student's server: assume the whole protocol
    for (const Json& s : promises_["serves"])
      if (s == what) return true;
    return false;
  }
  std::string name_;
  CourseDb db_;
  Json promises_;
};

}  // namespace

std::unique_ptr<System> make_course_system(const Json& options) {
  Json o = options.is_object() ? options : Json::object();
  std::string design = o.value("design", "");
  CourseDbOptions db = db_options(o);
  db.binary = o.value("binary", beside_faultline("fl-course"));
  db.label = "fl-course";
  require_executable(db.binary, "the course system's server");
  db.args = {"--design", design};
  for (auto& a : flag_args(o, {"design", "binary", "data-root", "port", "healthy-within-s"})) db.args.push_back(a);
  // Ask fl-course whether the design and its flags make sense, and what it
  // promises — before any cluster exists.
  Argv describe = {db.binary, "--describe"};
  describe.insert(describe.end(), db.args.begin(), db.args.end());
  RunResult r = run_process(describe, {std::chrono::seconds(10), {}, {}});
  if (!r.ok()) {
    std::string why = r.err.substr(0, r.err.find('\n'));
    if (why.rfind("fl-course: ", 0) == 0) why = why.substr(11);
    if (why.empty()) why = fmt::format("{} --describe failed (exit {})", db.binary, r.exit_code);
    throw std::invalid_argument(why);
  }
  Json promises = Json::parse(r.out, nullptr, false);
  if (!promises.is_object())
    throw std::invalid_argument(fmt::format("{} --describe printed something that is not JSON", db.binary));
  return std::make_unique<CourseSystem>("course", std::move(db), std::move(promises));
}

std::unique_ptr<System> make_http_system(const Json& options) {
  Json o = options.is_object() ? options : Json::object();
  CourseDbOptions db = db_options(o);
  db.binary = o.value("bin", "");
  if (db.binary.empty()) throw std::invalid_argument("--system http needs --bin PATH, the server to test");
  std::error_code ec;
  fs::path abs = fs::absolute(db.binary, ec);
  if (!ec) db.binary = abs.string();
  require_executable(db.binary, "--bin");
  db.label = fs::path(db.binary).filename().string();
  db.args = flag_args(o, {"bin", "bin-args", "data-root", "port", "healthy-within-s"});
  // --bin-args: split at spaces, never through a shell.
  std::istringstream extra(o.value("bin-args", ""));
  for (std::string a; extra >> a;) db.args.push_back(a);
  return std::make_unique<CourseSystem>("http", std::move(db), Json::object());
}

}  // namespace fl
