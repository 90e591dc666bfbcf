// fl-mrouter's message records (fl-mrouter/message_log.h): one JSON line per
// message end, its strings escaped, ids as the body had them, unknown times
// left out.
#include <catch2/catch.hpp>

#include "fl-mrouter/message_log.h"

using namespace mrouter;

TEST_CASE("a message record is one JSON line naming both lanes, the ids and the known times", "[no-cluster]") {
  const std::vector<std::string> nodes = {"n1", "n2"};
  Route r = route(R"({"src":"c1","dest":"n2","body":{"type":"txn","msg_id":7,"in_reply_to":{"a":[1]}}})", "n1", nodes);
  const std::string line = message_record("n1", "send", "n1", "n2", r, 1700000000123456, -1);
  CHECK(line.find('\n') == std::string::npos);
  Json j = Json::parse(line);
  CHECK(j == Json{{"node", "n1"}, {"end", "send"}, {"from", "n1"}, {"to", "n2"}, {"src", "c1"}, {"dest", "n2"},
                  {"type", "txn"}, {"msg_id", 7}, {"in_reply_to", {{"a", {1}}}}, {"sent", 1700000000123456}});

  Route odd = route("{\"src\":\"c\\\"1\\n\",\"dest\":\"n1\",\"body\":{\"type\":\"\xC3\xA9t\xC3\xA9\\u0001\"}}", "n1", nodes);
  REQUIRE(odd.kind == RouteKind::Self);
  Json k = Json::parse(message_record("n1", "recv", odd.src, "n1", odd, -1, 5));
  CHECK(k["from"] == "c\"1\n");
  CHECK(k["type"] == "\xC3\xA9t\xC3\xA9\x01");
  CHECK(k["recv"] == 5);
  CHECK_FALSE(k.contains("sent"));
  CHECK_FALSE(k.contains("msg_id"));
}
