// elle-cli's JSON histories: one JSON array of op objects, usually one op per
// line (`[{"index":0,"process":0,"type":"invoke","value":[["append",1,1]]},`).
// Each op object goes through the JSONL op parser, so field rules and error
// sentences are the same as for our own files; an op names the line where its
// object opens. List-append ops without "f" are transactions (OpFields).
#pragma once

#include <istream>
#include <string>

#include "history/history.h"

namespace fl {

History read_json_array(std::istream& in, const std::string& source);

}  // namespace fl
