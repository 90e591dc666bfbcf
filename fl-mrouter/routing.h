// The routing rule of fl-mrouter, kept pure so tests reach it: where one line
// of Maelstrom's protocol ({"src", "dest", "body"}) goes. A line for another
// node goes to that node's router, a line for this node back to its own
// stdin, a line for one of Maelstrom's services ("seq-kv", "lin-kv",
// "lww-kv", "lin-tso") to fl-mservice, a line for anyone else (a client,
// "c1") to the address that client last wrote from, and a line for
// "fl-mrouter" is the router's own business (its health and counters). A line
// that is not such an object is malformed. Node ids never shadow a service:
// a node named "lin-kv" would be routed as the service.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mrouter {

using Json = nlohmann::json;

// What "dest" names the router itself.
constexpr const char* kRouterName = "fl-mrouter";

enum class RouteKind { Node, Self, Service, Client, Router, Malformed };

// True for the names Maelstrom's nodes call its services by.
bool is_service_name(const std::string& name);

struct Route {
  RouteKind kind = RouteKind::Malformed;
  std::string src;
  std::string dest;
  Json body;            // the parsed body (Malformed: null)
  std::string why;      // Malformed: one sentence
};

// `self` is this node's id, `nodes` every node id of the cluster (self included).
Route route(const std::string& line, const std::string& self, const std::vector<std::string>& nodes);

// A node may write a message in a client's name ({"src":"c1","dest":"n2"}):
// Maelstrom's own Raft demo (demo/python/raft.py) forwards a client's request
// to the leader so, and the leader answers the client itself, as Maelstrom's
// network lets any node reach any client. The router that carries such a
// message to another node knows where the client is and appends its address
// to the datagram as a second line, {"fl-client":{"name","host","port"}};
// the receiving router strips it, so the node sees only the message, and
// answers that client at that address.
struct ClientAddress {
  std::string name;
  std::string host;
  std::uint16_t port = 0;
};

// A router that records messages (--messages) also tells the next router
// when it sent the datagram and for which node, in the same second line:
// {"fl-client":{…},"fl-sent":MICROSECONDS,"fl-from":"n1"}, each part optional.
struct Datagram {
  std::string line;                     // the message, as the node wrote it
  std::optional<ClientAddress> client;  // absent, or a malformed second line
  std::int64_t sent_us = -1;            // the sender's CLOCK_REALTIME in µs; -1: not said
  std::string from;                     // the node whose router sent it; "": not said
};

std::string with_client_address(const std::string& line, const ClientAddress& client);
// The line alone when there is nothing to add (no client, sent_us < 0, from "").
std::string with_metadata(const std::string& line, const std::optional<ClientAddress>& client, std::int64_t sent_us,
                          const std::string& from);
Datagram split_datagram(const std::string& datagram);

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
