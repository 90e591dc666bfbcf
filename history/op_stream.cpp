#include "history/op_stream.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

#include <fmt/format.h>

#include "history/error.h"
#include "history/jsonl.h"
#include "history/line_reader.h"
#include "history/pairing.h"

namespace fl {

const Json& OpRef::value() const {
  if (text_.empty()) return op_.value;
  if (!decoded_) decoded_.emplace(Json::parse(text_.begin(), text_.end()));
  return *decoded_;
}

bool can_stream(const std::string& path, Format format) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (format == Format::Jsonl) return true;
  if (format != Format::Auto) return false;
  std::ifstream in(path, std::ios::binary);
  return in && detect_format(in) == Format::Jsonl;
}

StreamCounts stream_history(const std::string& path, const std::function<void(const OpRef&)>& each) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw BadInput(path, 0, fmt::format("cannot open the history: {}", std::strerror(errno)));
  LineReader lines(in);
  Pairing pairing(path);
  StreamCounts counts;
  std::optional<BadInput> pairing_error;
  std::string_view line, text;
  while (lines.next(line)) {
    std::size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n')) ++i;
    if (i == line.size()) continue;
    Op op = parse_jsonl_op_lazy(line, path, lines.line_number(), lines.unterminated(), text);
    if (!pairing_error) {
      if (op.index < 0) op.index = counts.events;
      Pairing::Match m;
      try {
        m = pairing.add(op, counts.events);
      } catch (const BadInput& e) {
        // read_history reads every op before it pairs them: an op the
        // parser refuses later in the file is the error it reports.
        pairing_error = e;
      }
      if (!pairing_error) each(OpRef(op, counts.events, m.pair, text));
    }
    ++counts.events;
  }
  if (in.bad()) throw BadInput(path, lines.line_number(), "read error");
  if (pairing_error) throw *pairing_error;
  counts.operations = pairing.pairs();
  return counts;
}

}  // namespace fl
