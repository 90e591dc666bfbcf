#include "routing.h"

#include <algorithm>

namespace mrouter {

bool is_service_name(const std::string& name) {
  return name == "seq-kv" || name == "lin-kv" || name == "lww-kv" || name == "lin-tso";
}

Route route(const std::string& line, const std::string& self, const std::vector<std::string>& nodes) {
  Route r;
  Json m = Json::parse(line, nullptr, false);
  if (!m.is_object()) {
    r.why = "not a JSON object";
    return r;
  }
  auto src = m.find("src");
  auto dest = m.find("dest");
  auto body = m.find("body");
  if (src == m.end() || !src->is_string() || dest == m.end() || !dest->is_string()) {
    r.why = "\"src\" and \"dest\" must be strings";
    return r;
  }
  if (body == m.end() || !body->is_object() || !body->contains("type") || !(*body)["type"].is_string()) {
    r.why = "\"body\" must be an object with a string \"type\"";
    return r;
  }
  r.src = src->get<std::string>();
  r.dest = dest->get<std::string>();
  r.body = *body;
  if (r.dest == kRouterName) r.kind = RouteKind::Router;
  else if (is_service_name(r.dest)) r.kind = RouteKind::Service;
  else if (r.dest == self) r.kind = RouteKind::Self;
  else if (std::find(nodes.begin(), nodes.end(), r.dest) != nodes.end()) r.kind = RouteKind::Node;
  else r.kind = RouteKind::Client;
  return r;
}

std::string with_client_address(const std::string& line, const ClientAddress& client) {
  return with_metadata(line, client, -1, "");
}

std::string with_metadata(const std::string& line, const std::optional<ClientAddress>& client, std::int64_t sent_us,
                          const std::string& from) {
  if (!client && sent_us < 0 && from.empty()) return line;
  Json a = Json::object();
  if (client) a["fl-client"] = {{"name", client->name}, {"host", client->host}, {"port", client->port}};
  if (sent_us >= 0) a["fl-sent"] = sent_us;
  if (!from.empty()) a["fl-from"] = from;
  return line + "\n" + a.dump();
}

Datagram split_datagram(const std::string& datagram) {
  Datagram d;
  std::size_t nl = datagram.find('\n');
  d.line = datagram.substr(0, nl);
  if (nl == std::string::npos) return d;
  Json a = Json::parse(datagram.substr(nl + 1), nullptr, false);
  if (!a.is_object()) return d;
  if (a.contains("fl-sent") && a["fl-sent"].is_number_unsigned()) d.sent_us = a["fl-sent"].get<std::int64_t>();
  if (a.contains("fl-from") && a["fl-from"].is_string()) d.from = a["fl-from"].get<std::string>();
  if (!a.contains("fl-client") || !a["fl-client"].is_object()) return d;
  const Json& c = a["fl-client"];
  if (!c.contains("name") || !c["name"].is_string() || !c.contains("host") || !c["host"].is_string() ||
      !c.contains("port") || !c["port"].is_number_unsigned() || c["port"].get<std::uint64_t>() < 1 ||
      c["port"].get<std::uint64_t>() > 65535)
    return d;
  d.client = ClientAddress{c["name"].get<std::string>(), c["host"].get<std::string>(),
                           static_cast<std::uint16_t>(c["port"].get<std::uint64_t>())};
  return d;
}

std::vector<Peer> parse_peers(const std::string& list) {
  std::vector<Peer> peers;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::size_t eq = item.find('=');
    std::size_t colon = item.rfind(':');
    if (eq == std::string::npos || eq == 0 || colon == std::string::npos || colon < eq + 2)
      throw PeersError("--peers takes n1=HOST:PORT,…, not \"" + item + "\"");
    Peer p;
    p.name = item.substr(0, eq);
    p.host = item.substr(eq + 1, colon - eq - 1);
    std::string port = item.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535)
      throw PeersError("--peers: \"" + port + "\" is not a port");
    p.port = static_cast<std::uint16_t>(std::stoi(port));
    for (const Peer& q : peers)
      if (q.name == p.name) throw PeersError("--peers names " + p.name + " twice");
    peers.push_back(p);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return peers;
}

Json init_message(const std::string& self, const std::vector<std::string>& nodes) {
  return {{"src", "c0"},
          {"dest", self},
          {"body", {{"type", "init"}, {"msg_id", 1}, {"node_id", self}, {"node_ids", nodes}}}};
}

bool is_init_ok(const Route& r) {
  return r.kind == RouteKind::Client && r.dest == "c0" && r.body.value("type", "") == "init_ok" &&
         r.body.contains("in_reply_to") && r.body["in_reply_to"] == 1;
}

}  // namespace mrouter
