// elle-cli's JSON histories: one JSON array of op objects, usually one op per
// line (`[{"index":0,"process":0,"type":"invoke","value":[["append",1,1]]},`).
// Each op object goes through the JSONL op parser, so field rules and error
// sentences are the same as for our own files; an op names the line where its
// object opens. List-append ops without "f" are transactions (OpFields).
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <string_view>

#include "history/history.h"

namespace fl {

History read_json_array(std::istream& in, const std::string& source);
// The same ops, handed to `each` one at a time in file order (not paired:
// see op_stream.h); the same errors. A value of plain JSON is left as text,
// as parse_jsonl_op_lazy leaves it (valid during the call).
void read_json_array_ops(std::istream& in, const std::string& source,
                         const std::function<void(Op&&, std::string_view value_text)>& each);

}  // namespace fl
