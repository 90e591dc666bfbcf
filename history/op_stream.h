// Streaming a history op by op, for checkers that keep only what they need
// of each op instead of the whole History (a million transactions held as
// JSON take gigabytes). stream_history hands each op to a callback, in file
// order, with its position and pair number exactly as History would give
// them (History::ops() position, History::pairs() number) and after the same
// validation: parse and pairing errors throw BadInput (file:line) at the op
// where read_history would have thrown them, with the same sentence. An op
// is valid only during its callback.
// JSON Lines, EDN and elle-cli's JSON arrays are streamed (JSON Lines and
// JSON arrays with plain values left as text); can_stream says whether a
// file is one of them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "history/format.h"
#include "history/op.h"

namespace fl {

// One op as a streaming reader (or a History replayed op by op) hands it out.
class OpRef {
 public:
  // `value_text`: the op's value as JSON text when the reader left it
  // undecoded (op.value is then null); empty when op.value holds it.
  // `stable`: the op outlives the reading (it lives in a History), so a
  // consumer may keep pointers into it.
  OpRef(const Op& op, std::int64_t position, std::int64_t pair, std::string_view value_text = {}, bool stable = false)
      : op_(op), position_(position), pair_(pair), text_(value_text), stable_(stable) {}

  const Op& op() const { return op_; }
  std::int64_t position() const { return position_; }  // in file order, from 0 (History::ops())
  std::int64_t pair() const { return pair_; }          // History::pairs() number; -1 for nemesis events
  bool stable() const { return stable_; }
  // The undecoded value (valid JSON: plain ASCII strings without escapes,
  // small integers, null, booleans, arrays, objects), or "".
  std::string_view value_text() const { return text_; }
  // The value, decoded from the text on first use.
  const Json& value() const;

 private:
  const Op& op_;
  std::int64_t position_, pair_;
  std::string_view text_;
  bool stable_;
  mutable std::optional<Json> decoded_;
};

struct StreamCounts {
  std::int64_t events = 0;      // ops (History::size())
  std::int64_t operations = 0;  // pairs (History::pairs().size())
};

// True when `path` can be streamed as `format`: a regular file of JSON
// Lines, EDN or an elle-cli JSON array (given, or detected when format is
// Auto). Anything else is left to read_history, which also reports the
// errors of opening it.
bool can_stream(const std::string& path, Format format);

// Reads the history, calling `each` for every op in file order.
StreamCounts stream_history(const std::string& path, Format format, const std::function<void(const OpRef&)>& each);

}  // namespace fl
