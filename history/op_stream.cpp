#include "history/op_stream.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>

#include <fmt/format.h>

#include "history/edn_history.h"
#include "history/error.h"
#include "history/json_array.h"
#include "history/jsonl.h"
#include "history/line_reader.h"
#include "history/pairing.h"

namespace fl {

const Json& OpRef::value() const {
  if (text_.empty()) return op_.value;
  if (!decoded_) decoded_.emplace(Json::parse(text_.begin(), text_.end()));
  return *decoded_;
}

namespace {

// Positions, indexes and pairs as History gives them. read_history reads
// every op before it pairs them, so an op the parser refuses anywhere in the
// file is the error it reports: a pairing error waits for the end.
class StreamFeed {
 public:
  StreamFeed(const std::string& source, const std::function<void(const OpRef&)>& each)
      : pairing_(source), each_(each) {}

  void operator()(Op& op, std::string_view value_text) {
    if (!pairing_error_) {
      if (op.index < 0) op.index = counts_.events;
      Pairing::Match m;
      try {
        m = pairing_.add(op, counts_.events);
      } catch (const BadInput& e) {
        pairing_error_ = e;
      }
      if (!pairing_error_) each_(OpRef(op, counts_.events, m.pair, value_text));
    }
    ++counts_.events;
  }

  StreamCounts finish() {
    if (pairing_error_) throw *pairing_error_;
    counts_.operations = pairing_.pairs();
    return counts_;
  }

 private:
  Pairing pairing_;
  const std::function<void(const OpRef&)>& each_;
  StreamCounts counts_;
  std::optional<BadInput> pairing_error_;
};

Format streamed_format(std::istream& in, Format format) {
  return format == Format::Auto ? detect_format(in) : format;
}

}  // namespace

bool can_stream(const std::string& path, Format format) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  Format f = streamed_format(in, format);
  return f == Format::Jsonl || f == Format::Edn || f == Format::JsonArray;
}

StreamCounts stream_history(const std::string& path, Format format, const std::function<void(const OpRef&)>& each) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw BadInput(path, 0, fmt::format("cannot open the history: {}", std::strerror(errno)));
  format = streamed_format(in, format);
  StreamFeed feed(path, each);
  if (format == Format::Edn) {
    read_edn_ops(in, path, [&](Op&& op) { feed(op, {}); });
  } else if (format == Format::JsonArray) {
    read_json_array_ops(in, path, [&](Op&& op, std::string_view text) { feed(op, text); });
  } else {
    if (format != Format::Jsonl) throw std::logic_error("stream_history: not a streamed format (see can_stream)");
    LineReader lines(in);
    std::string_view line, text;
    Op op;  // one op for every line, its strings' memory reused
    while (lines.next(line)) {
      std::size_t i = 0;
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n')) ++i;
      if (i == line.size()) continue;
      parse_jsonl_op_lazy(op, line, path, lines.line_number(), lines.unterminated(), text);
      feed(op, text);
    }
    if (in.bad()) throw BadInput(path, lines.line_number(), "read error");
  }
  return feed.finish();
}

}  // namespace fl
