// The set checker names, for each lost element, the first fault the nemesis
// started after the element was known: the power cut or partition that could
// have taken it. Elements lost with no fault in between name none.
#include <sstream>

#include <catch2/catch.hpp>

#include "checkers/registry.h"
#include "history/format.h"
#include "tests/checkers/online_agreement.h"

using fl::Json;

namespace {

fl::History parse(const std::string& jsonl) {
  std::istringstream in(jsonl);
  return fl::read_history(in, "set-fault.jsonl", fl::Format::Jsonl);
}

Json lost_explanations(const fl::History& h) {
  fl::CheckResult r = fl::find_checker("set")->check(h, {});
  CHECK(r.valid == fl::Validity::Invalid);
  fl::test::require_online_agrees(*fl::find_checker("set"), h);  // and so does it op by op
  Json out = Json::array();
  for (const Json& a : r.detail.at("anomalies"))
    if (a.at("kind") == "lost") out.push_back(a.at("explanation"));
  return out;
}

}  // namespace

TEST_CASE("a lost add names the first fault started after it was acknowledged", "[no-cluster]") {
  fl::History h = parse(R"({"index":0,"time":1000000,"process":0,"type":"invoke","f":"add","value":1}
{"index":1,"time":2000000,"process":0,"type":"ok","f":"add","value":1}
{"index":2,"time":3000000,"process":"nemesis","type":"info","f":"start-lose-unfsynced","value":{"nodes":["n1"],"lost":{"n1":"lost 4 writes and 0 directory entries"}}}
{"index":3,"time":4000000,"process":"nemesis","type":"info","f":"stop-lose-unfsynced","value":{"restarted":["n1"]}}
{"index":4,"time":5000000,"process":1,"type":"invoke","f":"add","value":2}
{"index":5,"time":6000000,"process":1,"type":"ok","f":"add","value":2}
{"index":6,"time":7000000,"process":0,"type":"invoke","f":"read","value":null}
{"index":7,"time":8000000,"process":0,"type":"ok","f":"read","value":[]}
)");
  Json lost = lost_explanations(h);
  REQUIRE(lost.size() == 2);
  std::string first = lost[0], second = lost[1];
  if (first.find("1 was added") == std::string::npos) std::swap(first, second);
  CHECK(first.find("the first fault after it: start-lose-unfsynced on n1 (op 2, at 0.003 s)") != std::string::npos);
  // Acknowledged after the power cut healed: no fault in between to name.
  CHECK(second.find("2 was added") != std::string::npos);
  CHECK(second.find("first fault") == std::string::npos);
}
