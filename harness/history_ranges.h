// HistoryRanges: the ops of one time range of a stored history, read on
// demand, for a summarized report that `faultline serve` serves
// (report/timeline_summary.h): every client op whose invocation lies in the
// range, laid out on the whole history's clock, lanes and operation names,
// as the page's own rows are (report/page_data.h, write_timeline_rows).
// The first request for a history reads it once, op by op, for its frame
// and a sparse index of where in the file each stretch of time begins;
// later requests read only their stretch. The history is never held whole.
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace fl {

// A range holding more ops than asked for.
struct RangeTooBig : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class HistoryRanges {
 public:
  // The JSON of the ops invoked in [from, to] (times since the history's
  // first event, in ns; event positions for a history without times).
  // Throws RangeTooBig past `max_ops` ops, BadInput for a broken history.
  std::string ops_json(const std::string& history_path, double from, double to, std::int64_t max_ops);

 private:
  struct Index;
  std::shared_ptr<const Index> index_of(const std::string& path);
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Index>> cache_;
};

}  // namespace fl
