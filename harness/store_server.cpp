#include "harness/store_server.h"

#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checkers/results_file.h"
#include "harness/history_ranges.h"
#include "history/error.h"
#include "report/html.h"
#include "report/store_index.h"

namespace fl {

namespace fs = std::filesystem;

namespace {

// The most ops one range request answers with (the page asks for fewer).
constexpr std::int64_t kServedRangeOps = 300000;

// Files are served with the type their name says, never sniffed.
std::string content_type(const fs::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".png") return "image/png";
  if (ext == ".json") return "application/json";
  if (ext == ".jsonl" || ext == ".log" || ext == ".txt" || ext == ".edn") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool is_inside(const fs::path& p, const fs::path& root) {
  auto r = root.begin(), i = p.begin();
  for (; r != root.end(); ++r, ++i)
    if (i == p.end() || *i != *r) return false;
  return i != p.end();
}

// Client operations in a history: its invocation lines, counted without parsing.
std::int64_t count_invocations(const fs::path& history) {
  std::ifstream in(history, std::ios::binary);
  if (!in) return -1;
  static const std::string needle = "\"type\":\"invoke\"";
  std::int64_t n = 0;
  std::string buf(1 << 20, '\0'), carry;
  while (in) {
    in.read(&buf[0], static_cast<std::streamsize>(buf.size()));
    std::string chunk = carry + buf.substr(0, static_cast<std::size_t>(in.gcount()));
    for (std::size_t at = 0; (at = chunk.find(needle, at)) != std::string::npos; at += needle.size()) ++n;
    carry = chunk.size() >= needle.size() ? chunk.substr(chunk.size() - needle.size() + 1) : chunk;
  }
  return n;
}

std::string verdict_of(const fs::path& results) {
  std::ifstream in(results);
  if (!in) return "not checked";
  try {
    const auto j = nlohmann::json::parse(in);
    if (!j.is_object()) return "unreadable results.json";
    return std::string(to_string(ResultsFile::from_json(j).valid));
  } catch (const std::exception&) {
    return "unreadable results.json";
  }
}

}  // namespace

struct StoreServer::Impl {
  fs::path root;       // as given
  fs::path real_root;  // symlinks resolved
  httplib::Server http;
  HistoryRanges ranges;
  std::mutex cache_mu;
  // history path -> (size, mtime, ops): counting a big history once.
  std::map<std::string, std::tuple<std::uintmax_t, fs::file_time_type, std::int64_t>> ops_cache;

  std::int64_t ops_of(const fs::path& history) {
    std::error_code ec;
    const auto size = fs::file_size(history, ec);
    if (ec) return -1;
    const auto mtime = fs::last_write_time(history, ec);
    std::lock_guard<std::mutex> lock(cache_mu);
    auto it = ops_cache.find(history.string());
    if (it != ops_cache.end() && std::get<0>(it->second) == size && std::get<1>(it->second) == mtime)
      return std::get<2>(it->second);
    const std::int64_t n = count_invocations(history);
    ops_cache[history.string()] = {size, mtime, n};
    return n;
  }

  std::vector<RunSummary> runs() {
    std::vector<RunSummary> out;
    std::error_code ec;
    for (const auto& test : fs::directory_iterator(root, ec)) {
      if (!test.is_directory(ec) || test.is_symlink(ec)) continue;  // latest -> … would list a run twice
      for (const auto& run : fs::directory_iterator(test.path(), ec)) {
        if (!run.is_directory(ec) || !fs::exists(run.path() / "history.jsonl", ec)) continue;
        RunSummary r;
        r.test = test.path().filename().string();
        r.stamp = run.path().filename().string();
        r.verdict = verdict_of(run.path() / "results.json");
        r.ops = ops_of(run.path() / "history.jsonl");
        r.has_report = fs::exists(run.path() / "report.html", ec);
        r.href = "/runs/" + url_path(r.test) + "/" + url_path(r.stamp) + "/";
        out.push_back(std::move(r));
      }
    }
    return out;
  }

  // The file a request names, or "" (with the status to answer) when it is
  // not a file inside the store.
  fs::path resolve(const std::string& rel, int& status) {
    status = 404;
    if (rel.empty() || rel.find('\0') != std::string::npos || rel.find('\\') != std::string::npos) return {};
    std::stringstream parts(rel);
    for (std::string seg; std::getline(parts, seg, '/');)
      if (seg.empty() || seg == "." || seg == "..") {
        status = 403;
        return {};
      }
    std::error_code ec;
    const fs::path real = fs::canonical(root / rel, ec);
    if (ec) return {};
    if (!is_inside(real, real_root)) {
      status = 403;
      return {};
    }
    if (fs::is_directory(real, ec)) {
      status = 302;  // a run's folder: its report
      return real;
    }
    if (!fs::is_regular_file(real, ec)) return {};
    status = 200;
    return real;
  }
};

StoreServer::StoreServer(std::string store_dir) : impl_(std::make_unique<Impl>()) {
  impl_->root = fs::path(store_dir);
  std::error_code ec;
  impl_->real_root = fs::canonical(impl_->root, ec);
  if (ec || !fs::is_directory(impl_->real_root, ec))
    throw std::runtime_error(fmt::format("{} is not a folder (no runs stored there yet?)", store_dir));
  Impl& s = *impl_;
  auto refuse = [](httplib::Response& res, int status, const std::string& why) {
    res.status = status;
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(why + "\n", "text/plain; charset=utf-8");
  };
  s.http.Get("/", [&s](const httplib::Request&, httplib::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "no-store");
    res.set_content(store_index_html(s.root.string(), s.runs()), "text/html; charset=utf-8");
  });
  // A summarized report's deeper zoom: the ops of a time range of its run's history.
  s.http.Get("/runs/(.+)/ops", [&s, refuse](const httplib::Request& req, httplib::Response& res) {
    int status = 404;
    const fs::path dir = s.resolve(req.matches[1].str(), status);
    if (status == 403) return refuse(res, 403, "refused: that path is not inside the store");
    std::error_code ec;
    if (status != 302 || !fs::is_regular_file(dir / "history.jsonl", ec)) return refuse(res, 404, "no run's history there");
    double from = 0, to = 0;
    try {
      from = std::stod(req.get_param_value("from"));
      to = std::stod(req.get_param_value("to"));
    } catch (const std::exception&) {
      return refuse(res, 400, "from and to must be numbers (times since the history's first event)");
    }
    if (!(from <= to)) return refuse(res, 400, "from must not be after to");
    try {
      std::string body = s.ranges.ops_json((dir / "history.jsonl").string(), from, to, kServedRangeOps);
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Content-Security-Policy", "default-src 'none'");
      res.set_header("Cache-Control", "no-store");
      res.set_content(std::move(body), "application/json");
    } catch (const RangeTooBig& e) {
      refuse(res, 413, e.what());
    } catch (const std::exception& e) {
      refuse(res, 500, e.what());
    }
  });
  s.http.Get("/runs/(.*)", [&s, refuse](const httplib::Request& req, httplib::Response& res) {
    int status = 404;
    const fs::path file = s.resolve(req.matches[1].str(), status);
    if (status == 403) return refuse(res, 403, "refused: that path is not inside the store");
    if (status == 302) {
      std::string to = req.path;
      if (to.empty() || to.back() != '/') to += '/';
      return res.set_redirect(to + "report.html");
    }
    if (status != 200) return refuse(res, 404, "not found in the store");
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec) return refuse(res, 404, "not found in the store");
    res.set_header("X-Content-Type-Options", "nosniff");
    // A report carries its own CSP; anything else may run nothing at all.
    if (file.extension() != ".html") res.set_header("Content-Security-Policy", "default-src 'none'");
    auto in = std::make_shared<std::ifstream>(file, std::ios::binary);
    res.set_content_provider(static_cast<std::size_t>(size), content_type(file),
                             [in](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                               std::string buf(std::min<std::size_t>(length, 1 << 20), '\0');
                               in->seekg(static_cast<std::streamoff>(offset));
                               in->read(&buf[0], static_cast<std::streamsize>(buf.size()));
                               const auto got = static_cast<std::size_t>(in->gcount());
                               if (got == 0) return false;
                               sink.write(buf.data(), got);
                               return true;
                             });
  });
  s.http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) {
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_content(res.status == 404 ? "not found in the store\n" : "error\n", "text/plain; charset=utf-8");
    }
  });
}

StoreServer::~StoreServer() { stop(); }

int StoreServer::bind(const std::string& host, int port) {
  int bound = port;
  if (port == 0) bound = impl_->http.bind_to_any_port(host);
  else if (!impl_->http.bind_to_port(host, port)) bound = -1;
  if (bound <= 0) throw std::runtime_error(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)", host, port));
  return bound;
}

void StoreServer::listen() { impl_->http.listen_after_bind(); }

void StoreServer::stop() {
  if (impl_->http.is_running()) impl_->http.stop();
}

}  // namespace fl
