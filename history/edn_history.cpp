#include "history/edn_history.h"

#include <vector>

#include <fmt/format.h>

#include "history/edn.h"
#include "history/op_fields.h"

namespace fl {
namespace {

using namespace std::string_view_literals;

constexpr const char* kTupleTag = "jepsen.independent.Tuple";

std::string shown_char(int c) {
  if (c >= 0x20 && c < 0x7F) return fmt::format("'{}'", static_cast<char>(c));
  return fmt::format("byte 0x{:02x}", c);
}

Op read_op(EdnReader& r, std::string& name, std::string& tag) {
  std::int64_t opened = r.line();
  r.consume();  // '{'
  OpFields fields(r.source(), opened);
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
    bool ours = true;
    if (!r.read_keyword(name)) {
      Json key = r.read();
      ours = key.is_string();  // other keys are not fields of ours
      if (ours) name = std::move(key.get_ref<std::string&>());
    }
    c = r.peek();
    if (c == '}' || c < 0)
      r.fail(opened, "the op map opened on this line has an odd number of forms (a key without a value)");
    // :type and :f are keywords in every Jepsen history; skip the JSON.
    if (ours && c == ':' && (name == "type"sv || name == "f"sv)) {
      r.read_keyword(tag);
      if (name == "type"sv)
        fields.set_type(tag);
      else
        fields.set_f(std::move(tag));
      continue;
    }
    std::int64_t value_line = r.line();
    Json value = r.read(&tag);
    if (!ours) continue;
    if (name == "value"sv && tag == kTupleTag) {
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
  std::vector<Op> ops;
  read_edn_ops(in, source, [&](Op&& op) { ops.push_back(std::move(op)); });
  return History(std::move(ops), source);
}

void read_edn_ops(std::istream& in, const std::string& source, const std::function<void(Op&&)>& each) {
  EdnReader r(in, source);
  std::string name, tag;  // reused by every op map
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
    if (c != '{') r.fail(r.line(), fmt::format("expected an op map {{:process … :type … :f …}}, got {}", shown_char(c)));
    each(read_op(r, name, tag));
  }
  if (close && r.peek() >= 0) r.fail(r.line(), "unexpected text after the collection of ops");
}

}  // namespace fl
