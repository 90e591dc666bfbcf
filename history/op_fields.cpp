#include "history/op_fields.h"

#include <limits>

#include <fmt/format.h>

#include "history/error.h"
#include "history/utf8.h"

namespace fl {

using namespace std::string_view_literals;

OpFields::OpFields(const std::string& source, std::int64_t line) : source_(source) { op_.line = line; }

void OpFields::fail(const std::string& what) const { throw BadInput(source_, op_.line, what); }

std::string describe_json(const Json& v) {
  std::string s = v.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  // 99999999999999999999 arrives as the double 1e+20: say why it is refused.
  if (v.is_number_float()) s += " (not an integer that fits in 64 bits)";
  return s;
}

// A non-negative integer that fits in int64, or nullopt. Floats never count:
// 3.0 or 1e30 for a process or an index is a mistake, not a number to round.
static std::optional<std::int64_t> natural(const Json& v) {
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) {
    auto i = v.get<std::int64_t>();
    if (i < 0) return std::nullopt;
    return i;
  }
  return std::nullopt;
}

void OpFields::set_process(std::int64_t p) {
  op_.process = p;
  has_process_ = true;
}

void OpFields::set_type(std::string_view t) {
  auto type = parse_op_type(t);
  if (!type)
    fail(fmt::format("\"type\" must be one of invoke, ok, fail, info, got {}", describe_json(Json(t))));
  op_.type = *type;
  has_type_ = true;
}

void OpFields::set_f(std::string f) {
  if (!valid_utf8(f)) fail("\"f\" is not valid UTF-8");
  op_.f = std::move(f);
  has_f_ = true;
}

void OpFields::set(std::string_view name, Json&& v) {
  if (name == "process"sv) {
    if (v.is_string() && v.get_ref<const std::string&>() == "nemesis") return set_process(kNemesis);
    auto p = natural(v);
    if (!p)
      fail(fmt::format("\"process\" must be a non-negative integer or \"nemesis\", got {}", describe_json(v)));
    set_process(*p);
  } else if (name == "type"sv) {
    if (!v.is_string())
      fail(fmt::format("\"type\" must be one of invoke, ok, fail, info, got {}", describe_json(v)));
    set_type(v.get_ref<const std::string&>());
  } else if (name == "f"sv) {
    if (!v.is_string()) fail(fmt::format("\"f\" must be a string, got {}", describe_json(v)));
    set_f(std::move(v.get_ref<std::string&>()));
  } else if (name == "value"sv) {
    op_.value = std::move(v);
  } else if (name == "index"sv) {
    auto i = natural(v);
    if (!i) fail(fmt::format("\"index\" must be a non-negative integer, got {}", describe_json(v)));
    op_.index = *i;
  } else if (name == "time"sv) {
    auto t = natural(v);
    if (!t) fail(fmt::format("\"time\" must be a non-negative integer (ns), got {}", describe_json(v)));
    op_.time = *t;
  } else if (name == "key"sv) {
    op_.key = std::move(v);
  } else if (name == "node"sv) {
    if (v.is_null()) {
      op_.node.clear();
    } else {
      if (!v.is_string()) fail(fmt::format("\"node\" must be a string, got {}", describe_json(v)));
      op_.node = std::move(v.get_ref<std::string&>());
    }
  } else if (name == "error"sv) {
    // Jepsen errors are often keywords or vectors ([:not-found "msg"]); a
    // report only needs readable text, so anything but a string is its JSON.
    if (v.is_null())
      op_.error.clear();
    else if (v.is_string())
      op_.error = std::move(v.get_ref<std::string&>());
    else
      op_.error = v.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

bool is_txn_value(const Json& v) {
  if (!v.is_array() || v.empty()) return false;
  for (const Json& m : v)
    if (!m.is_array() || m.empty() || !m[0].is_string()) return false;
  return true;
}

Op OpFields::finish() {
  if (!has_process_) fail("\"process\" is missing");
  if (!has_type_) fail("\"type\" is missing");
  // Elle's histories (elle-cli's JSON, Jepsen's list-append EDN) leave out
  // :f for transactions; DESIGN.md names them "txn".
  if (!has_f_ && is_txn_value(op_.value)) set_f("txn");
  if (!has_f_) fail("\"f\" is missing");
  return std::move(op_);
}

}  // namespace fl
