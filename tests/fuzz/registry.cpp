// The fuzz targets: one line each. A reader target reads the input in one
// format; whatever it accepts must survive faultline's own JSONL writer and
// reader unchanged (a history faultline can read, it can also store and read
// again — the hand-off between a run and `faultline check`).
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "fuzz_target.h"
#include "history/error.h"
#include "history/format.h"
#include "history/jsonl.h"

namespace fl::fuzz {
namespace {

std::string as_jsonl(const History& h) {
  std::ostringstream out;
  write_jsonl(out, h);
  return out.str();
}

void read_as(std::string_view input, Format format) {
  std::istringstream in{std::string(input)};
  History h;
  try {
    h = read_history(in, "fuzz-input", format);
  } catch (const BadInput&) {
    return;  // refused with file:line: handled
  }
  std::string once = as_jsonl(h);
  std::istringstream again(once);
  std::string twice;
  try {
    twice = as_jsonl(read_history(again, "fuzz-input.jsonl", Format::Jsonl));
  } catch (const BadInput& e) {
    broken("a history that was read cannot be read back from faultline's own JSONL", e.what());
  }
  if (once != twice) broken("writing a history as JSONL and reading it back changes it", once + "---\n" + twice);
}

}  // namespace

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"jsonl", "jsonl", [](std::string_view in) { read_as(in, Format::Jsonl); }},
      {"edn", "edn", [](std::string_view in) { read_as(in, Format::Edn); }},
      {"jepsen_log", "jepsen-log", [](std::string_view in) { read_as(in, Format::JepsenLog); }},
      {"auto", "jsonl,edn,jepsen-log", [](std::string_view in) { read_as(in, Format::Auto); }},
      {"check", "jsonl,edn,jepsen-log", check_end_to_end},
  };
  return all;
}

const Target* find(std::string_view name) {
  for (const Target& t : targets())
    if (name == t.name) return &t;
  return nullptr;
}

void broken(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

}  // namespace fl::fuzz
