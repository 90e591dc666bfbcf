#include "history/edn_history.h"

#include <vector>

#include <fmt/format.h>

#include "history/edn.h"
#include "history/op_fields.h"

namespace fl {
namespace {

constexpr const char* kTupleTag = "jepsen.independent.Tuple";

std::string shown(int c) {
  if (c >= 0x20 && c < 0x7F) return fmt::format("'{}'", static_cast<char>(c));
  return fmt::format("byte 0x{:02x}", c);
}

Op read_op(EdnReader& r) {
  std::int64_t opened = r.line();
  r.consume();  // '{'
  OpFields fields(r.source(), opened);
  std::string tag;
  for (;;) {
    int c = r.peek();
    if (c == '}') {
      r.consume();
      break;
    }
    if (c < 0) r.fail(opened, "the op map opened on this line is never closed");
    if (c == ')' || c == ']')
      r.fail(r.line(), fmt::format("unexpected '{}': the op map opened on line {} needs '}}'", static_cast<char>(c),
                                   opened));
    Json key = r.read();
    c = r.peek();
    if (c == '}' || c < 0) r.fail(opened, "the op map opened on this line has an odd number of forms (a key without a value)");
    std::int64_t value_line = r.line();
    Json value = r.read(&tag);
    if (!key.is_string()) continue;  // not a field of ours
    const std::string& name = key.get_ref<const std::string&>();
    if (name == "value" && tag == kTupleTag) {
      // Jepsen's independent checker: the tuple's key is the op's key.
      if (value.is_object() && value.contains("key") && value.contains("value")) {
        fields.set("key", std::move(value["key"]));
        fields.set("value", std::move(value["value"]));
      } else if (value.is_array() && value.size() == 2) {
        fields.set("key", std::move(value[0]));
        fields.set("value", std::move(value[1]));
      } else {
        r.fail(value_line, fmt::format("#{} must hold {{:key k :value v}} or [k v], got {}", kTupleTag,
                                       describe_json(value)));
      }
      continue;
    }
    fields.set(name, std::move(value));
  }
  return fields.finish();
}

}  // namespace

History read_edn_history(std::istream& in, const std::string& source) {
  EdnReader r(in, source);
  std::vector<Op> ops;
  int c = r.peek();
  char close = 0;
  std::int64_t opened = r.line();
  if (c == '[' || c == '(') {
    close = c == '[' ? ']' : ')';
    r.consume();
  }
  for (;;) {
    r.anchor();
    c = r.peek();
    if (close && c == close) {
      r.consume();
      break;
    }
    if (c < 0) {
      if (close) r.fail(opened, fmt::format("the collection of ops opened on this line is never closed (no '{}')", close));
      break;
    }
    if (c != '{') r.fail(r.line(), fmt::format("expected an op map {{:process … :type … :f …}}, got {}", shown(c)));
    ops.push_back(read_op(r));
  }
  if (close && r.peek() >= 0) r.fail(r.line(), "unexpected text after the collection of ops");
  return History(std::move(ops), source);
}

}  // namespace fl
