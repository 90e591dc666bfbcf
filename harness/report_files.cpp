#include "harness/report_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "cluster/process.h"
#include "harness/version.h"
#include "report/plots.h"
#include "report/report.h"
#include "history/op_stream.h"
#include "report/anomaly_view.h"
#include "report/timeline_data.h"
#include "report/timeline_summary.h"

namespace fl {

namespace fs = std::filesystem;

namespace {

// Written beside, then renamed into place, so `faultline serve` never hands
// out half a file.
void write_file(const fs::path& path, const std::function<void(std::ostream&)>& fill) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", tmp.string()));
    fill(out);
    out.flush();
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", tmp.string()));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot write {}: {}", path.string(), ec.message()));
}

// The files of the run, relative to its folder, sorted; temporaries skipped.
std::vector<std::string> run_files(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string rel = fs::relative(it->path(), dir, ec).string();
    if (ec || (rel.size() >= 4 && rel.compare(rel.size() - 4, 4, ".tmp") == 0)) continue;
    out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::int64_t report_full_ops() {
  const char* env = std::getenv("FAULTLINE_REPORT_FULL_OPS");
  if (env && *env) {
    char* end = nullptr;
    const long long n = std::strtoll(env, &end, 10);
    if (end && *end == 0 && n >= 0) return n;
  }
  return kFullReportOps;
}

ReportWritten write_report(const ReportRequest& req) {
  ReportWritten done;
  const fs::path dir(req.dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create {}: {}", dir.string(), ec.message()));

  // A long history: its summary and the ops around the anomalies and faults.
  const std::int64_t full_ops = report_full_ops();
  std::optional<SummarizedHistory> summarized;
  std::optional<History> read;
  const History* history = req.history;
  if (!history || static_cast<std::int64_t>(history->pairs().size()) > full_ops) {
    const std::set<std::int64_t> named = named_ops(collect_anomalies(req.results));
    if (history) {
      summarized = summarize_history(replay_history(*history), history->source(), named, summary_limits(full_ops));
    } else {
      const std::string& path = req.history_path;
      summarized = summarize_history(
          [&path](const std::function<void(const OpRef&)>& each) { stream_history(path, Format::Jsonl, each); }, path,
          named, summary_limits(full_ops));
      if (summarized->summary.ops <= full_ops) {  // short after all: the whole history, as usual
        summarized.reset();
        read = read_history(path, Format::Jsonl);
        history = &*read;
      }
    }
  }
  if (summarized) {
    history = &summarized->kept;
    summarized->summary.full_ops = full_ops;
  }
  TimelineData own;
  if (!summarized) own = layout_timeline(*history);
  const TimelineData& t = summarized ? summarized->timeline : own;
  if (req.plots && summarized) {
    done.warnings.push_back(fmt::format("the history has {} ops, more than the {} a report keeps op by op: its "
                                        "report is summarized and its plots are in the page only",
                                        summarized->summary.ops, full_ops));
  } else if (req.plots) {
    for (const PlotScript& p : plot_scripts(t, req.title)) {
      RunOptions o;
      o.input = p.script;
      o.timeout = std::chrono::seconds(120);
      RunResult r;
      try {
        r = run_process({"gnuplot"}, o);
      } catch (const ClusterError&) {
        done.warnings.push_back("gnuplot is not installed (Debian: gnuplot-nox), so the plots are in the page only");
        break;
      }
      if (!r.ok() || r.out.size() < 8 || r.out.compare(1, 3, "PNG") != 0) {
        // gnuplot's message is its last line of output (the first is often empty).
        std::string why = r.timed_out ? "it timed out" : r.err;
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
        why.erase(0, why.find_last_of('\n') + 1);  // npos + 1 == 0: one line
        why.erase(0, why.find_first_not_of(' '));
        done.warnings.push_back(fmt::format("gnuplot could not draw {} ({}); it is in the page only", p.file, why));
        continue;
      }
      write_file(dir / p.file, [&](std::ostream& out) { out.write(r.out.data(), static_cast<std::streamsize>(r.out.size())); });
      done.plots.push_back(p.file);
    }
  }

  ReportInput in;
  in.history = history;
  in.summary = summarized ? &summarized->summary : nullptr;
  in.results = req.results;
  in.settings = req.settings;
  in.title = req.title;
  in.generator = std::string("faultline ") + FAULTLINE_VERSION;
  in.plots = done.plots;
  in.timeline = &t;
  // What the clients said for the anomalies' ops, when the run kept it.
  std::map<std::int64_t, std::vector<WireExchange>> wire;
  if (std::filesystem::exists(dir / "wire.jsonl")) {
    std::set<std::int64_t> wanted = wire_ops(*history, req.results);
    if (!wanted.empty()) wire = read_wire_log((dir / "wire.jsonl").string(), wanted);
    in.wire = &wire;
  }
  // What the routers recorded of their messages (a Maelstrom run), per node.
  MessageLog messages;
  if (fs::is_directory(dir / "nodes", ec)) {
    std::vector<fs::path> record_files;
    for (fs::directory_iterator it(dir / "nodes", ec), end; !ec && it != end; it.increment(ec))
      if (fs::is_regular_file(it->path() / "messages.jsonl", ec)) record_files.push_back(it->path() / "messages.jsonl");
    std::sort(record_files.begin(), record_files.end());
    std::vector<std::string> texts;
    for (const fs::path& p : record_files) {
      std::ifstream f(p, std::ios::binary);
      texts.emplace_back(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    }
    if (!texts.empty()) {
      messages = merge_message_logs(texts);
      in.messages = &messages;
    }
  }
  in.files = req.extra_files;
  for (const std::string& f : run_files(dir))
    if (std::find(in.files.begin(), in.files.end(), f) == in.files.end()) in.files.push_back(f);
  if (std::find(in.files.begin(), in.files.end(), req.html_name) == in.files.end()) in.files.push_back(req.html_name);
  done.html_path = (dir / req.html_name).string();
  write_file(done.html_path, [&](std::ostream& out) { write_report_html(out, in); });
  return done;
}

}  // namespace fl
