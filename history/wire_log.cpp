#include "history/wire_log.h"

#include <atomic>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace fl {
namespace {

std::atomic<WireLog*> g_active{nullptr};

struct ThreadScope {
  bool open = false;
  std::int64_t process = 0, op = -1;
  std::string node;
};
thread_local ThreadScope t_scope;

std::string cut(const std::string& s) {
  if (s.size() <= WireLog::kMaxText) return s;
  std::size_t n = WireLog::kMaxText;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // not inside a UTF-8 character
  return s.substr(0, n) + "…";
}

}  // namespace

WireLog::WireLog(const std::string& path, std::chrono::steady_clock::time_point start, std::uint64_t max_bytes)
    : start_(start), max_bytes_(max_bytes) {
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) throw std::runtime_error("cannot create " + path);
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 16);
}

WireLog::~WireLog() {
  if (g_active.load() == this) set_active(nullptr);
  close();
}

void WireLog::set_active(WireLog* log) { g_active.store(log); }

std::int64_t WireLog::ns(std::chrono::steady_clock::time_point t) const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t - start_).count();
}

void WireLog::add(std::int64_t process, std::int64_t op, const std::string& node,
                  std::chrono::steady_clock::time_point sent,
                  std::optional<std::chrono::steady_clock::time_point> answered, const std::string& request,
                  const std::string& answer) {
  nlohmann::json j = {{"process", process}, {"op", op}, {"node", node}, {"sent", ns(sent)}};
  if (answered) j["answered"] = ns(*answered);
  j["request"] = cut(request);
  j["answer"] = cut(answer);
  std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  if (!file_) return;
  if (bytes_ + line.size() > max_bytes_) {
    truncated_ = true;
    return;
  }
  std::fwrite(line.data(), 1, line.size(), file_);
  bytes_ += line.size();
  ++exchanges_;
}

void WireLog::close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (file_) std::fclose(file_);
  file_ = nullptr;
}

bool WireLog::truncated() const {
  std::lock_guard<std::mutex> lock(mu_);
  return truncated_;
}

std::uint64_t WireLog::exchanges() const {
  std::lock_guard<std::mutex> lock(mu_);
  return exchanges_;
}

WireScope::WireScope(std::int64_t process, std::int64_t op, const std::string& node) {
  t_scope = {true, process, op, node};
}

WireScope::~WireScope() { t_scope = {}; }

bool wire_recording() { return t_scope.open && g_active.load() != nullptr; }

void wire_exchange(std::chrono::steady_clock::time_point sent,
                   std::optional<std::chrono::steady_clock::time_point> answered, const std::string& request,
                   const std::string& answer) {
  WireLog* log = g_active.load();
  if (!log || !t_scope.open) return;
  log->add(t_scope.process, t_scope.op, t_scope.node, sent, answered, request, answer);
}

std::map<std::int64_t, std::vector<WireExchange>> read_wire_log(const std::string& path,
                                                                  const std::set<std::int64_t>& ops) {
  std::map<std::int64_t, std::vector<WireExchange>> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("op") || !j["op"].is_number_integer()) continue;
    std::int64_t op = j["op"].get<std::int64_t>();
    if (!ops.empty() && !ops.count(op)) continue;
    WireExchange x;
    x.process = j.value("process", std::int64_t{0});
    x.op = op;
    x.node = j.value("node", "");
    x.sent = j.value("sent", std::int64_t{0});
    if (j.contains("answered") && j["answered"].is_number_integer()) x.answered = j["answered"].get<std::int64_t>();
    x.request = j.value("request", "");
    x.answer = j.value("answer", "");
    out[op].push_back(std::move(x));
  }
  return out;
}

}  // namespace fl
