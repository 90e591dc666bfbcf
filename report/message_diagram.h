// The report's "Messages" section: who sent what to whom, drawn as a Lamport
// diagram from the message records of a Maelstrom run's routers (fl-mrouter
// --messages; nodes/<node>/messages.jsonl). One lane per node and per client,
// time downward, one arrow per message from its send to its receipt, coloured
// by type; a message only one end of which was recorded is a mark at that end.
// Pure: from the files' text to HTML; every string escaped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "history/op.h"

namespace fl {

// One message, both ends merged from the routers' records.
struct DiagramMessage {
  std::string from, to;         // the lanes: who sent it, who got it (a node or a client)
  std::string src, dest, type;  // as the message said
  Json msg_id, in_reply_to;     // null when absent
  std::int64_t sent = -1, recv = -1;  // µs since the epoch (CLOCK_REALTIME); -1: not recorded

  std::int64_t first() const { return sent >= 0 ? sent : recv; }
};

struct MessageLog {
  std::vector<std::string> nodes;         // the nodes whose routers recorded, in name order
  std::vector<DiagramMessage> messages;   // by first known time
  std::int64_t cutoff = -1;               // µs: a router stopped recording here (-1: none did)
  std::string cutoff_node;                // the first router that stopped
  std::size_t after_cutoff = 0;           // messages left out because they came later
  std::size_t unreadable = 0;             // lines that were not records (a cut last line)
};

// Merges the routers' files (one text per node, fl-mrouter's --messages
// format): a receipt with its send time and the sender's record of that send
// are one message; a send whose receipt no router recorded, a reply to a
// client or a client's request keeps the one end that is known. Messages
// after the first router stopped recording (its limit) are left out, so the
// rest is complete.
MessageLog merge_message_logs(const std::vector<std::string>& texts);

// The section, drawing the first `max_messages`; writes nothing when `log`
// holds no message.
void write_messages_section(std::ostream& out, const MessageLog& log, std::size_t max_messages = 300);

}  // namespace fl
