// Format names, sniffing, and the dispatch to the four readers.
#include "history/format.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include <fmt/format.h>

#include "history/edn_history.h"
#include "history/error.h"
#include "history/jepsen_log.h"
#include "history/json_array.h"
#include "history/jsonl.h"

namespace fl {

std::optional<Format> parse_format(std::string_view s) {
  if (s == "auto") return Format::Auto;
  if (s == "jsonl") return Format::Jsonl;
  if (s == "json") return Format::JsonArray;
  if (s == "edn") return Format::Edn;
  if (s == "porcupine" || s == "jepsen-log") return Format::JepsenLog;
  return std::nullopt;
}

std::string_view to_string(Format f) {
  switch (f) {
    case Format::Auto: return "auto";
    case Format::Jsonl: return "jsonl";
    case Format::JsonArray: return "json";
    case Format::Edn: return "edn";
    case Format::JepsenLog: return "jepsen-log";
  }
  return "auto";
}

namespace {

constexpr std::size_t kSniff = 64 * 1024;

bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ','; }

// Decides from the first bytes; Auto when nothing fits. A blank input is
// an empty JSONL history.
Format sniff(std::string_view head) {
  std::size_t i = 0;
  while (i < head.size() && space(head[i])) ++i;
  if (i == head.size()) return Format::Jsonl;
  char c = head[i];
  if (c == '{') {
    std::size_t j = i + 1;
    while (j < head.size() && space(head[j])) ++j;
    if (j < head.size() && (head[j] == '"' || head[j] == '}')) return Format::Jsonl;
    return Format::Edn;
  }
  if (c == '[') {
    // elle-cli's JSON: an array whose first op is a JSON object ({"…).
    std::size_t j = i + 1;
    while (j < head.size() && space(head[j])) ++j;
    if (j < head.size() && head[j] == '{') {
      ++j;
      while (j < head.size() && space(head[j])) ++j;
      if (j < head.size() && (head[j] == '"' || head[j] == '}')) return Format::JsonArray;
    }
  }
  if (c == '[' || c == '(' || c == ';' || c == '#') return Format::Edn;
  // Log files start with whatever the test printed first; look for an op line.
  std::size_t start = 0;
  while (start < head.size()) {
    std::size_t nl = head.find('\n', start);
    if (nl == std::string_view::npos) nl = head.size();
    if (is_jepsen_op_line(head.substr(start, nl - start))) return Format::JepsenLog;
    start = nl + 1;
  }
  return Format::Auto;
}

std::int64_t first_text_line(std::string_view head) {
  std::int64_t line = 1;
  for (char c : head) {
    if (c == '\n')
      ++line;
    else if (!space(c))
      return line;
  }
  return line;
}

// The first bytes of a seekable stream, which is then rewound.
std::string head_of(std::istream& in) {
  auto start = in.tellg();
  std::string head(kSniff, '\0');
  in.read(&head[0], kSniff);
  head.resize(static_cast<std::size_t>(in.gcount()));
  in.clear();
  in.seekg(start);
  return head;
}

}  // namespace

// Needs a seekable stream; read_history copies any other stream first.
Format detect_format(std::istream& in) { return sniff(head_of(in)); }

History read_history(std::istream& in, const std::string& source, Format format) {
  if (format == Format::Auto) {
    if (in.tellg() == std::istream::pos_type(-1)) {
      in.clear();
      std::stringstream copy;
      copy << in.rdbuf();
      return read_history(copy, source, Format::Auto);
    }
    std::string head = head_of(in);
    format = sniff(head);
    if (format == Format::Auto)
      throw BadInput(source, first_text_line(head),
                     "cannot tell the history format (not JSON Lines, EDN or Jepsen log lines); use --format");
  }
  switch (format) {
    case Format::Jsonl: return read_jsonl(in, source);
    case Format::JsonArray: return read_json_array(in, source);
    case Format::Edn: return read_edn_history(in, source);
    case Format::JepsenLog: return read_jepsen_log(in, source);
    case Format::Auto: break;
  }
  return History({}, source);
}

History read_history(const std::string& path, Format format) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw BadInput(path, 0, fmt::format("cannot open the history: {}", std::strerror(errno)));
  if (S_ISDIR(st.st_mode)) throw BadInput(path, 0, "cannot open the history: it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw BadInput(path, 0, fmt::format("cannot open the history: {}", std::strerror(errno)));
  return read_history(in, path, format);
}

}  // namespace fl
