#include "design.h"

namespace course {

std::vector<std::string> Node::others() const {
  std::vector<std::string> out;
  for (const Member& m : members)
    if (m.name != name) out.push_back(m.name);
  return out;
}

std::vector<std::string> Node::everyone() const {
  std::vector<std::string> out;
  for (const Member& m : members) out.push_back(m.name);
  return out;
}

}  // namespace course
