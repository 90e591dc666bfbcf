// Txns keeps one list per key for list-append reads that are prefixes of
// one another (checkers/txn/txns.h): each read must still give exactly the
// elements it read — a prefix of the key's list, a read that extends it, one
// that disagrees with it, an empty and an unknown one.
#include <catch2/catch.hpp>

#include <sstream>
#include <vector>

#include "checkers/txn/txns.h"
#include "history/jsonl.h"

namespace fl::test::txn_lists {
namespace {

History jsonl(const std::string& text) {
  std::istringstream in(text);
  return read_jsonl(in, "h.jsonl");
}

// The elements of every list-append read, as the values' renderings.
std::vector<std::string> reads(const txn::Txns& t) {
  std::vector<std::string> out;
  for (const txn::Txn& x : t.all())
    for (const txn::Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m)
      if (m->kind == txn::MopKind::Read) {
        std::string s = std::to_string(m->key) + (m->known ? ":" : "?:");
        for (std::uint32_t i = 0; i < m->len; ++i) s += " " + t.value(t.elements(*m)[i]);
        out.push_back(s);
      }
  return out;
}

}  // namespace

TEST_CASE("every list-append read keeps its own elements, shared with its key's other reads or not") {
  std::string text;
  int process = 0;
  auto txn = [&](const std::string& done) {
    text += R"({"process":)" + std::to_string(process) + R"(,"type":"invoke","f":"txn","value":[["r","x",null]]})" + "\n";
    text += R"({"process":)" + std::to_string(process) + R"(,"type":"ok","f":"txn","value":)" + done + "}\n";
    ++process;
  };
  txn(R"([["r","x",[1,2]]])");            // the key's first list
  txn(R"([["r","x",[1]],["r","y",[]]])");  // a prefix; an empty read
  txn(R"([["r","x",[1,2,3,4]]])");        // extends it
  txn(R"([["r","x",[2,1]]])");            // disagrees: keeps its own
  txn(R"([["r","x",[1,2,3]],["r","y",[7]],["r","x",[1,2,3,4,5]]])");
  txn(R"([["r","x",[2,1,9]]])");          // disagrees with the key's list, not with [2 1]
  text += R"({"process":9,"type":"invoke","f":"txn","value":[["r","y",null]]})" + std::string("\n");
  text += R"({"process":9,"type":"info","f":"txn"})" + std::string("\n");  // unknown
  const txn::Txns t(jsonl(text), txn::ReadShape::List);
  t.throw_if_bad();
  CHECK(reads(t) == std::vector<std::string>{"0: 1 2", "0: 1", "1:", "0: 1 2 3 4", "0: 2 1", "0: 1 2 3", "1: 7",
                                              "0: 1 2 3 4 5", "0: 2 1 9", "1?:"});
  CHECK(t.list(*t.mops_begin(t[3])) == "[2 1]");
  CHECK(t.value(t.last_element(*t.mops_begin(t[2]))) == "4");
  CHECK(t.last_element(*(t.mops_begin(t[1]) + 1)) == txn::kNil);  // the empty read
}

}  // namespace fl::test::txn_lists
