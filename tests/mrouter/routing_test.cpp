// fl-mrouter's routing rule (fl-mrouter/routing.h): where each line a
// Maelstrom node writes, or each datagram that arrives, goes.
#include <catch2/catch.hpp>

#include "fl-mrouter/routing.h"

using namespace mrouter;

namespace {
const std::vector<std::string> kNodes = {"n1", "n2", "n3"};
}

TEST_CASE("a message for another node goes to that node's router, one for itself back to its stdin", "[no-cluster]") {
  Route r = route(R"({"src":"n1","dest":"n2","body":{"type":"gossip","msg_id":3}})", "n1", kNodes);
  CHECK(r.kind == RouteKind::Node);
  CHECK(r.dest == "n2");
  CHECK(r.body["msg_id"] == 3);
  CHECK(route(R"({"src":"n1","dest":"n1","body":{"type":"tick"}})", "n1", kNodes).kind == RouteKind::Self);
}

TEST_CASE("a message for anyone else goes to a client, and fl-mrouter's own name to the router", "[no-cluster]") {
  CHECK(route(R"({"src":"n1","dest":"c7","body":{"type":"read_ok","in_reply_to":2}})", "n1", kNodes).kind ==
        RouteKind::Client);
  CHECK(route(R"({"src":"fl-health","dest":"fl-mrouter","body":{"type":"health"}})", "n1", kNodes).kind ==
        RouteKind::Router);
}

TEST_CASE("a line that is not a Maelstrom message is malformed, saying why", "[no-cluster]") {
  for (const char* line : {"hello", "[1,2]", R"({"dest":"n2","body":{"type":"x"}})", R"({"src":"n1","dest":2,"body":{}})",
                           R"({"src":"n1","dest":"n2"})", R"({"src":"n1","dest":"n2","body":{"msg_id":1}})"}) {
    Route r = route(line, "n1", kNodes);
    CHECK(r.kind == RouteKind::Malformed);
    CHECK_FALSE(r.why.empty());
  }
}

TEST_CASE("init names the node and every node, and only its answer counts as init_ok", "[no-cluster]") {
  Json init = init_message("n2", kNodes);
  CHECK(init["dest"] == "n2");
  CHECK(init["body"]["type"] == "init");
  CHECK(init["body"]["node_id"] == "n2");
  CHECK(init["body"]["node_ids"] == Json(kNodes));
  CHECK(is_init_ok(route(R"({"src":"n2","dest":"c0","body":{"type":"init_ok","in_reply_to":1}})", "n2", kNodes)));
  CHECK_FALSE(is_init_ok(route(R"({"src":"n2","dest":"c0","body":{"type":"init_ok","in_reply_to":2}})", "n2", kNodes)));
  CHECK_FALSE(is_init_ok(route(R"({"src":"n2","dest":"c1","body":{"type":"init_ok","in_reply_to":1}})", "n2", kNodes)));
}

TEST_CASE("the --peers list is parsed into names and addresses, and refused when malformed", "[no-cluster]") {
  auto peers = parse_peers("n1=10.0.0.11:7400,n2=10.0.0.12:7401");
  REQUIRE(peers.size() == 2);
  CHECK(peers[1].name == "n2");
  CHECK(peers[1].host == "10.0.0.12");
  CHECK(peers[1].port == 7401);
  for (const char* bad : {"", "n1", "n1=10.0.0.1", "=1.2.3.4:5", "n1=1.2.3.4:x", "n1=1.2.3.4:70000",
                          "n1=1.2.3.4:5,n1=1.2.3.4:6"})
    CHECK_THROWS_AS(parse_peers(bad), PeersError);
}

TEST_CASE("a forwarded message carries its client's address on a second line, which is stripped on arrival",
          "[no-cluster]") {
  const std::string line = R"({"src":"c3","dest":"n1","body":{"type":"write","msg_id":4}})";
  Datagram d = split_datagram(with_client_address(line, {"c3", "10.0.0.1", 41234}));
  CHECK(d.line == line);
  REQUIRE(d.client);
  CHECK(d.client->name == "c3");
  CHECK(d.client->host == "10.0.0.1");
  CHECK(d.client->port == 41234);

  Datagram plain = split_datagram(line);
  CHECK(plain.line == line);
  CHECK_FALSE(plain.client);
  for (const char* bad : {"junk", R"({"fl-client":{"name":"c3","host":"10.0.0.1"}})",
                          R"({"fl-client":{"name":"c3","host":"10.0.0.1","port":70000}})"}) {
    Datagram d2 = split_datagram(line + "\n" + bad);
    CHECK(d2.line == line);
    CHECK_FALSE(d2.client);
  }
}

TEST_CASE("a message for one of Maelstrom's services goes to the service, whatever the node ids", "[no-cluster]") {
  for (const char* s : {"seq-kv", "lin-kv", "lww-kv", "lin-tso"}) {
    Json m = {{"src", "n1"}, {"dest", s}, {"body", {{"type", "read"}, {"key", 1}, {"msg_id", 2}}}};
    Route r = route(m.dump(), "n1", kNodes);
    CHECK(r.kind == RouteKind::Service);
    CHECK(r.dest == s);
    CHECK(is_service_name(s));
  }
  CHECK_FALSE(is_service_name("n1"));
  CHECK_FALSE(is_service_name("kv"));
  // The service's answer, back at the node's router, is the node's.
  CHECK(route(R"({"src":"seq-kv","dest":"n1","body":{"type":"read_ok","in_reply_to":2}})", "n1", kNodes).kind ==
        RouteKind::Self);
}

TEST_CASE("a recording router's send time and name ride on the datagram's second line", "[no-cluster]") {
  const std::string line = R"({"src":"n1","dest":"n2","body":{"type":"gossip","msg_id":3}})";
  CHECK(with_metadata(line, std::nullopt, -1, "") == line);  // nothing to add: the line alone
  Datagram d = split_datagram(with_metadata(line, std::nullopt, 1700000000123456, "n1"));
  CHECK(d.line == line);
  CHECK(d.sent_us == 1700000000123456);
  CHECK(d.from == "n1");
  CHECK_FALSE(d.client);
  Datagram both = split_datagram(with_metadata(line, ClientAddress{"c3", "10.0.0.1", 41234}, 5, "n1"));
  REQUIRE(both.client);
  CHECK(both.client->port == 41234);
  CHECK(both.sent_us == 5);
  Datagram old = split_datagram(with_client_address(line, {"c3", "10.0.0.1", 41234}));
  CHECK(old.sent_us == -1);
  CHECK(old.from.empty());
  Datagram bad = split_datagram(line + "\n{\"fl-sent\":-4,\"fl-from\":7}");
  CHECK(bad.sent_us == -1);
  CHECK(bad.from.empty());
}
