#include "harness/history_ranges.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "history/error.h"
#include "history/jsonl.h"
#include "history/line_reader.h"
#include "history/op_stream.h"
#include "report/page_data.h"
#include "report/timeline_summary.h"

namespace fl {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMarkEvery = 4096;  // lines between two marks of the index

bool blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

}  // namespace

struct HistoryRanges::Index {
  std::uintmax_t size = 0;
  fs::file_time_type mtime;
  HistoryFrame frame;
  // Every kMarkEvery-th op: its time (as the page counts it), its position, the byte where its line begins.
  std::vector<std::tuple<double, std::int64_t, std::int64_t>> marks;
};

std::shared_ptr<const HistoryRanges::Index> HistoryRanges::index_of(const std::string& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot read {}", path));
  const auto mtime = fs::last_write_time(path, ec);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(path);
    if (it != cache_.end() && it->second->size == size && it->second->mtime == mtime) return it->second;
  }
  // Built outside the lock: two first requests may both build it, and that is all.
  auto index = std::make_shared<Index>();
  index->size = size;
  index->mtime = mtime;
  index->frame = frame_of_history(
      [&path](const std::function<void(const OpRef&)>& each) { stream_history(path, Format::Jsonl, each); });
  std::ifstream in(path, std::ios::binary);
  LineReader lines(in);
  std::string_view line;
  std::int64_t position = 0, at = 0;
  while (lines.next(line)) {
    const std::int64_t begins = at;
    at = lines.consumed();
    if (blank(line)) continue;
    if (position % kMarkEvery == 0) {
      const Op op = parse_jsonl_op(line, path, lines.line_number());
      const double t = index->frame.real_time ? static_cast<double>(op.time - index->frame.origin) : static_cast<double>(position);
      index->marks.emplace_back(t, position, begins);
    }
    ++position;
  }
  std::lock_guard<std::mutex> lock(mu_);
  cache_[path] = index;
  return index;
}

std::string HistoryRanges::ops_json(const std::string& path, double from, double to, std::int64_t max_ops) {
  const std::shared_ptr<const Index> index = index_of(path);
  const HistoryFrame& frame = index->frame;
  // Start at the last mark before `from` (times only grow along the file).
  auto mark = std::lower_bound(index->marks.begin(), index->marks.end(), from,
                               [](const auto& m, double t) { return std::get<0>(m) < t; });
  if (mark != index->marks.begin()) --mark;
  std::int64_t position = mark == index->marks.end() ? 0 : std::get<1>(*mark);
  std::ifstream in(path, std::ios::binary);
  if (mark != index->marks.end()) in.seekg(std::get<2>(*mark));
  LineReader lines(in);
  std::string_view line;
  std::vector<Op> ops;
  std::unordered_map<std::int64_t, std::size_t> open;  // process -> its invocation in ops
  std::int64_t invoked = 0, after = 0;
  while (lines.next(line)) {
    if (blank(line)) continue;
    Op op = parse_jsonl_op(line, path, lines.line_number());
    if (op.index < 0) op.index = position;
    const double t = frame.real_time ? static_cast<double>(op.time - frame.origin) : static_cast<double>(position);
    if (!frame.real_time) op.time = position;
    ++position;
    if (t > to) {
      // Past the range: only the completions of its ops are still wanted.
      if (open.empty() || ++after > 4 * kMarkEvery * 256) break;
    }
    if (op.is_nemesis()) continue;
    if (op.is_invoke()) {
      if (t < from || t > to) continue;
      if (++invoked > max_ops)
        throw RangeTooBig(fmt::format("more than {} ops begin in that range: zoom in further", max_ops));
      open[op.process] = ops.size();
      ops.push_back(std::move(op));
    } else if (auto it = open.find(op.process); it != open.end()) {
      open.erase(it);
      ops.push_back(std::move(op));
    }
  }
  const History range(std::move(ops), path);
  const LayoutFrame layout = frame.layout();
  const TimelineData t = layout_timeline(range, &layout);
  std::ostringstream out;
  write_timeline_rows(out, t);
  return out.str();
}

}  // namespace fl
