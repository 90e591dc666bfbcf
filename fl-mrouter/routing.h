// The routing rule of fl-mrouter, kept pure so tests reach it: where one line
// of Maelstrom's protocol ({"src", "dest", "body"}) goes. A line for another
// node goes to that node's router, a line for this node back to its own
// stdin, a line for anyone else (a client, "c1") to the address that client
// last wrote from, and a line for "fl-mrouter" is the router's own business
// (its health and counters). A line that is not such an object is malformed.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mrouter {

using Json = nlohmann::json;

// What "dest" names the router itself.
constexpr const char* kRouterName = "fl-mrouter";

enum class RouteKind { Node, Self, Client, Router, Malformed };

struct Route {
  RouteKind kind = RouteKind::Malformed;
  std::string src;
  std::string dest;
  Json body;            // the parsed body (Malformed: null)
  std::string why;      // Malformed: one sentence
};

// `self` is this node's id, `nodes` every node id of the cluster (self included).
Route route(const std::string& line, const std::string& self, const std::vector<std::string>& nodes);

// One node of --peers: "n2=10.0.0.12:7400".
struct Peer {
  std::string name;
  std::string host;
  std::uint16_t port = 0;
};

class PeersError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses "n1=HOST:PORT,n2=HOST:PORT,…"; throws PeersError naming what is wrong.
std::vector<Peer> parse_peers(const std::string& list);

// The message the router sends a node before anything else (Maelstrom's
// handshake): {"src":"c0","dest":self,"body":{"type":"init","msg_id":1,
// "node_id":self,"node_ids":[…]}}.
Json init_message(const std::string& self, const std::vector<std::string>& nodes);
// True if `r` is the node's answer to init_message().
bool is_init_ok(const Route& r);

}  // namespace mrouter
